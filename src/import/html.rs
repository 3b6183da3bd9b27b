//! Saved HTML pages, parsed with a real HTML parser (html5ever through scraper). The article
//! body is found by the containers CMSs use (TRS `TRS_Editor`, `#zoom`, `article`, ...) or, failing
//! those, as the element holding the most paragraph text; titles and dates come from the CMS's
//! `<meta>` tags when present, else from the page's own lines.

use super::meta::{breadcrumb, is_chrome, meta_fields};
use super::text::apply_meta;
use super::{paragraph_block, Found};
use scraper::{ElementRef, Html, Node, Selector};
use std::path::Path;

/// Decodes by the BOM, then the charset the page declares, else UTF-8, else GB18030.
pub(super) fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    if let Some(i) = head.find("charset=") {
        let label: String = head[i + 8..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) {
            return encoding.decode_without_bom_handling(bytes).0.into_owned();
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

fn selector(s: &str) -> Selector {
    // The selectors are literals of this file; a typo would fail every import test.
    Selector::parse(s).unwrap_or_else(|_| panic!("bad selector {s}"))
}

fn meta(doc: &Html, name: &str) -> Option<String> {
    let sel = selector(&format!("meta[name=\"{name}\"]"));
    doc.select(&sel)
        .find_map(|m| m.value().attr("content"))
        .map(clean)
        .filter(|s| !s.is_empty())
}

/// Whitespace collapsed to single spaces, indents dropped, and no space kept between two CJK
/// characters (those come from line breaks in the HTML source, not from the text).
fn clean(s: &str) -> String {
    let mut out = String::new();
    for word in s
        .split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|w| !w.is_empty())
    {
        if let (Some(prev), Some(next)) = (out.chars().last(), word.chars().next()) {
            if !(crate::layout::is_cjk(prev) && crate::layout::is_cjk(next)) {
                out.push(' ');
            }
        }
        out.push_str(word);
    }
    out
}

/// Text of an element with block elements and <br> on lines of their own.
fn lines_of(el: ElementRef) -> Vec<String> {
    let mut lines = vec![String::new()];
    collect_lines(el, &mut lines);
    lines
        .into_iter()
        .map(|l| clean(&l))
        .filter(|l| !l.is_empty())
        .collect()
}

const BLOCKS: &[&str] = &[
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "header",
    "footer", "ul", "ol", "article", "dd", "dt", "td", "th",
];

fn collect_lines(el: ElementRef, lines: &mut Vec<String>) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => {
                if let Some(last) = lines.last_mut() {
                    last.push_str(t);
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if matches!(name, "script" | "style" | "noscript") {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    lines.push(String::new());
                }
                if let Some(c) = ElementRef::wrap(child) {
                    collect_lines(c, lines);
                }
                if block {
                    lines.push(String::new());
                }
            }
            _ => {}
        }
    }
}

/// The element holding the article's body.
fn body_container(doc: &Html) -> Option<ElementRef<'_>> {
    for s in [
        ".TRS_Editor",
        ".TRS_UEDITOR",
        "#zoom",
        ".article-content",
        ".article_content",
        "#content",
        ".content",
        "article",
    ] {
        if let Some(el) = doc.select(&selector(s)).next() {
            if lines_of(el)
                .iter()
                .map(|l| l.chars().count())
                .sum::<usize>()
                > 20
            {
                return Some(el);
            }
        }
    }
    // Else the element whose own <p> children hold the most text.
    let mut best: Option<(usize, ElementRef)> = None;
    for el in doc.select(&selector("div, section, td, body")) {
        let text: usize = el
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| c.value().name() == "p")
            .map(|c| c.text().collect::<String>().chars().count())
            .sum();
        if text > best.map_or(0, |b| b.0) {
            best = Some((text, el));
        }
    }
    best.filter(|b| b.0 > 20).map(|b| b.1)
}

pub(super) fn extract(html: &str, dir: &Path, base: Option<&str>) -> Found {
    let doc = Html::parse_document(html);
    let mut found = Found::default();
    let container = body_container(&doc);
    // Meta lines and breadcrumb: from the whole page outside the body.
    let root = doc.root_element();
    let body_lines: std::collections::HashSet<String> = container
        .map(|c| lines_of(c).into_iter().collect())
        .unwrap_or_default();
    for line in lines_of(root) {
        if body_lines.contains(&line) {
            continue;
        }
        if found.channel.is_empty() {
            if let Some(parts) = breadcrumb(&line) {
                found.channel = parts;
                continue;
            }
        }
        let fields = meta_fields(&line);
        if !fields.is_empty() {
            apply_meta(&mut found, fields);
        }
    }
    // The CMS's own tags are the most reliable.
    found.title = meta(&doc, "ArticleTitle")
        .or_else(|| {
            doc.select(&selector("h1"))
                .map(|h| clean(&h.text().collect::<String>()))
                .find(|t| !t.is_empty())
        })
        .or_else(|| {
            doc.select(&selector("title")).next().map(|t| {
                let t = clean(&t.text().collect::<String>());
                t.split(['_', '|']).next().unwrap_or(&t).trim().to_owned()
            })
        })
        .filter(|t| !t.is_empty());
    if let Some(date) = meta(&doc, "PubDate").and_then(|d| super::meta::normalize_date(&d)) {
        found.published = Some(date);
    }
    if let Some(source) = meta(&doc, "ContentSource") {
        found.source = Some(source);
    }
    found.site = meta(&doc, "SiteName");
    if let Some(author) = meta(&doc, "Author").filter(|a| !a.is_empty()) {
        found.author = Some(author);
    }
    if let Some(c) = container {
        let mut walker = Walker {
            found: &mut found,
            dir,
            base,
            title: None,
        };
        walker.title = walker.found.title.clone();
        walker.walk(c);
    }
    attachments_outside(&doc, container, &mut found, base);
    found
}

struct Walker<'a> {
    found: &'a mut Found,
    dir: &'a Path,
    base: Option<&'a str>,
    title: Option<String>,
}

impl Walker<'_> {
    fn walk(&mut self, el: ElementRef) {
        let mut text = String::new();
        for child in el.children() {
            match child.value() {
                Node::Text(t) => text.push_str(t),
                Node::Element(e) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    match e.name() {
                        "br" => self.flush(&mut text),
                        "script" | "style" | "noscript" => {}
                        "img" => {
                            self.flush(&mut text);
                            self.image(c);
                        }
                        "a" if self.attachment(c) => {}
                        "b" | "strong" | "span" | "font" | "em" | "i" | "u" | "a" | "sup"
                        | "sub" => {
                            if c.select(&selector("img, br, p, div, table"))
                                .next()
                                .is_some()
                            {
                                self.flush(&mut text);
                                self.walk(c);
                            } else {
                                text.push_str(&c.text().collect::<String>());
                            }
                        }
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                            self.flush(&mut text);
                            let level = match e.name() {
                                "h1" | "h2" => 1,
                                "h3" => 2,
                                _ => 3,
                            };
                            let t = clean(&c.text().collect::<String>());
                            if !t.is_empty() && Some(&t) != self.title.as_ref() {
                                self.found.body.push(serde_json::json!({"type": "heading", "level": level, "text": t}));
                            }
                        }
                        "table" => {
                            self.flush(&mut text);
                            self.table(c);
                        }
                        "ul" | "ol" => {
                            self.flush(&mut text);
                            let items: Vec<String> = c
                                .children()
                                .filter_map(ElementRef::wrap)
                                .filter(|li| li.value().name() == "li")
                                .map(|li| clean(&li.text().collect::<String>()))
                                .filter(|t| !t.is_empty())
                                .collect();
                            if !items.is_empty() {
                                self.found.body.push(serde_json::json!({"type": "list", "ordered": e.name() == "ol", "items": items}));
                            }
                        }
                        _ => {
                            self.flush(&mut text);
                            self.walk(c);
                        }
                    }
                }
                _ => {}
            }
        }
        self.flush(&mut text);
    }

    fn flush(&mut self, text: &mut String) {
        let t = clean(text);
        text.clear();
        let label_only = matches!(t.as_str(), "附件" | "附件：" | "附件:");
        if t.is_empty() || label_only || is_chrome(&t) || Some(&t) == self.title.as_ref() {
            return;
        }
        let fields = meta_fields(&t);
        if !fields.is_empty() {
            apply_meta(self.found, fields);
            return;
        }
        // A caption right after an image ("图1 …") belongs to it, before its alt text.
        if t.starts_with('图') && t.chars().count() < 60 {
            if let Some(last) = self.found.body.last_mut() {
                if last["type"] == "image" {
                    last["caption"] = serde_json::Value::String(t);
                    return;
                }
            }
        }
        self.found.body.push(paragraph_block(&t));
    }

    fn image(&mut self, img: ElementRef) {
        let src = img.value().attr("src").unwrap_or("").trim().to_owned();
        let alt = img.value().attr("alt").map(clean).filter(|a| !a.is_empty());
        let local = !src.contains("://")
            && !src.starts_with("data:")
            && !src.is_empty()
            && self.dir.join(&src).is_file();
        if local {
            let mut block = serde_json::json!({"type": "image", "path": src});
            if let Some(a) = alt {
                block["caption"] = serde_json::Value::String(a);
            }
            self.found.body.push(block);
        } else if !src.is_empty() {
            let name = alt.map_or(String::new(), |a| format!(" ({a})"));
            self.found.warnings.push(format!(
                "image {src}{name} is not saved beside the page; left out of the record"
            ));
        }
    }

    /// Links to documents ("附件", .pdf, .docx, ...) become attachments.
    fn attachment(&mut self, a: ElementRef) -> bool {
        let Some(href) = a.value().attr("href") else {
            return false;
        };
        let name = clean(&a.text().collect::<String>());
        if !is_attachment(href, &name) {
            return false;
        }
        push_attachment(self.found, href, &name, self.base);
        true
    }

    fn table(&mut self, table: ElementRef) {
        let rows: Vec<Vec<String>> = table
            .select(&selector("tr"))
            .map(|tr| {
                tr.children()
                    .filter_map(ElementRef::wrap)
                    .filter(|c| matches!(c.value().name(), "td" | "th"))
                    .map(|c| clean(&c.text().collect::<String>()))
                    .collect::<Vec<_>>()
            })
            .filter(|r: &Vec<String>| !r.is_empty())
            .collect();
        let columns = rows.first().map_or(0, Vec::len);
        if rows.len() >= 2 && columns >= 2 && rows.iter().all(|r| r.len() == columns) {
            self.found
                .body
                .push(serde_json::json!({"type": "table", "rows": rows}));
        } else {
            // A layout table, or an irregular one: keep its text as paragraphs.
            for row in rows {
                let t = row.join(" ");
                self.flush(&mut t.clone());
            }
        }
    }
}

fn is_attachment(href: &str, name: &str) -> bool {
    const DOCS: &[&str] = &[
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".ofd", ".zip", ".rar", ".ppt", ".pptx",
    ];
    let lower = href.to_ascii_lowercase();
    DOCS.iter().any(|d| lower.ends_with(d)) || name.starts_with("附件")
}

fn push_attachment(found: &mut Found, href: &str, name: &str, base: Option<&str>) {
    let url = absolute(href, base);
    let name = name
        .trim_start_matches("附件")
        .trim_start_matches([':', '：'])
        .trim();
    let name = if name.is_empty() {
        href.rsplit('/').next().unwrap_or(href)
    } else {
        name
    };
    if found.attachments.iter().any(|a| a["name"] == name) {
        return;
    }
    let mut entry = serde_json::json!({"name": name});
    match url {
        Some(u) => entry["url"] = serde_json::Value::String(u),
        None => found.warnings.push(format!("attachment `{name}` links to {href}, which is relative and no --url was given; kept without its link")),
    }
    found.attachments.push(entry);
}

/// Attachment links placed after the body container (many CMSs list them below the article).
fn attachments_outside(
    doc: &Html,
    container: Option<ElementRef>,
    found: &mut Found,
    base: Option<&str>,
) {
    let inside: Vec<_> = container
        .map(|c| c.select(&selector("a")).map(|a| a.id()).collect())
        .unwrap_or_default();
    for a in doc.select(&selector("a[href]")) {
        if inside.contains(&a.id()) {
            continue;
        }
        let href = a.value().attr("href").unwrap_or("");
        let name = clean(&a.text().collect::<String>());
        if is_attachment(href, &name) && !name.is_empty() {
            push_attachment(found, href, &name, base);
        }
    }
}

/// `href` resolved against the page's url: absolute links as they are, root-relative and
/// relative ones joined to the base; `None` when relative and no base is known.
fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_owned());
    }
    let base = base?;
    let scheme_end = base.find("://")? + 3;
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if let Some(path) = href.strip_prefix('/') {
        return Some(format!("{}/{path}", &base[..host_end]));
    }
    let dir_end = base
        .rfind('/')
        .filter(|&i| i >= host_end)
        .map_or(base.len(), |i| i + 1);
    let mut dir = base[..dir_end].to_owned();
    if !dir.ends_with('/') {
        dir.push('/');
    }
    let mut rel = href.trim_start_matches("./");
    while let Some(rest) = rel.strip_prefix("../") {
        rel = rest;
        let trimmed = dir.trim_end_matches('/');
        if let Some(i) = trimmed.rfind('/').filter(|&i| i >= host_end) {
            dir.truncate(i + 1);
        }
    }
    Some(format!("{dir}{rel}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_the_page() {
        let base = Some("https://a.gov.cn/x/y/page.html");
        assert_eq!(
            absolute("P1.pdf", base).unwrap(),
            "https://a.gov.cn/x/y/P1.pdf"
        );
        assert_eq!(
            absolute("./P1.pdf", base).unwrap(),
            "https://a.gov.cn/x/y/P1.pdf"
        );
        assert_eq!(
            absolute("../P1.pdf", base).unwrap(),
            "https://a.gov.cn/x/P1.pdf"
        );
        assert_eq!(
            absolute("/P1.pdf", base).unwrap(),
            "https://a.gov.cn/P1.pdf"
        );
        assert_eq!(absolute("P1.pdf", None), None);
    }

    #[test]
    fn declared_gbk_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("<meta charset=\"gbk\"><p>生态环境</p>");
        assert!(decode(&bytes).contains("生态环境"));
    }
}
