//! The pipeline's promises, checked on arbitrary input: each function feeds bytes through one
//! stage and panics if a promise is broken. The fuzz targets (`fuzz/`) and the property tests
//! (`tests/properties.rs`) both call these, so a fuzzer's finding replays as an ordinary test.
//!
//! Promises: no input panics or hangs a stage; a record that validates keeps the invariants
//! [`Article`] documents; layout places every glyph of the article inside the page's text area
//! and keeps every character of the text, in order.

use crate::fonts::FontBook;
use crate::layout::{self, Item, Pages};
use crate::record::{self, Article, Block, ImageBase, RecordFormat};
use crate::template::Template;
use std::path::Path;

/// Parses `text` as a record file; images may come only from a directory that does not
/// exist, so arbitrary records read no files.
fn parse(text: &str, format: RecordFormat) -> Result<Article, record::RecordError> {
    record::parse_record_in(
        text,
        format,
        Path::new("record"),
        "record",
        ImageBase::Confined(Path::new("/nonexistent/bulletin-invariants")),
    )
}

fn format_for(selector: u8) -> RecordFormat {
    match selector % 3 {
        0 => RecordFormat::Json,
        1 => RecordFormat::Yaml,
        _ => RecordFormat::Toml,
    }
}

/// Record parsing: the first byte picks JSON, YAML or TOML, the rest is the file.
pub fn parse_any_record(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let result = parse(text, format_for(selector));
    match result {
        Ok(article) => check_article(&article),
        Err(e) => assert!(
            !e.message.trim().is_empty(),
            "an error without a message for {text:?}"
        ),
    }
}

/// What every validated article promises the later stages.
pub fn check_article(article: &Article) {
    assert!(!article.title.trim().is_empty(), "empty title validated");
    assert!(
        !article.id.is_empty()
            && article.id.len() <= record::MAX_ID_BYTES
            && !article.id.contains(['/', '\\'])
            && article.id != "."
            && !article.id.contains(".."),
        "unsafe id validated: {:?}",
        article.id
    );
    if let Some(url) = &article.url {
        assert!(
            url.starts_with("http://") || url.starts_with("https://"),
            "non-http url validated: {url}"
        );
    }
    for block in &article.body {
        if let Block::Heading { level, .. } = block {
            assert!((1..=4).contains(level), "heading level {level} validated");
        }
    }
    assert!(
        article.body.len() <= record::MAX_BLOCKS,
        "more blocks than the limit validated"
    );
}

/// A record made from arbitrary text: the first byte picks a built-in template, each line of
/// the rest becomes a block (`#` heading, `>` quote, `-` list item, `|` table row, else a
/// paragraph); the first line is the title. Lines are cut to keep each case quick.
pub fn article_from_text(data: &[u8]) -> Option<(Article, Template)> {
    let (&selector, rest) = data.split_first()?;
    let names: Vec<&str> = Template::builtin_names().collect();
    let template = Template::load(names[selector as usize % names.len()]).ok()?;
    let text = String::from_utf8_lossy(rest);
    let mut lines = text.split('\n').take(40);
    let title = lines.next()?.chars().take(200).collect::<String>();
    let mut body = Vec::new();
    for line in lines {
        let line: String = line.chars().take(3000).collect();
        let block = if let Some(h) = line.strip_prefix('#') {
            serde_json::json!({"type": "heading", "level": 1 + h.len() % 3, "text": h})
        } else if let Some(q) = line.strip_prefix('>') {
            serde_json::json!({"type": "quote", "text": q})
        } else if let Some(items) = line.strip_prefix('-') {
            serde_json::json!({"type": "list", "items": items.split('-').collect::<Vec<_>>()})
        } else if let Some(row) = line.strip_prefix('|') {
            let cells: Vec<&str> = row.split('|').collect();
            serde_json::json!({"type": "table", "rows": [cells.clone(), cells]})
        } else {
            serde_json::json!({"type": "paragraph", "text": line})
        };
        body.push(block);
    }
    let record = serde_json::json!({
        "title": title,
        "url": "https://example.gov.cn/a/1.html",
        "issuer": "内蒙古自治区生态环境厅",
        "body": body,
    });
    let article = parse(&record.to_string(), RecordFormat::Json).ok()?;
    Some((article, template))
}

/// Layout of arbitrary text with every built-in template, then the everyday PDF, OFD, the
/// preview and the DOCX.
pub fn lay_out_any_text(data: &[u8], fonts: &FontBook) {
    let Some((article, template)) = article_from_text(data) else {
        return;
    };
    let pages = lay_out(&article, &template, fonts);
    if let Ok(pages) = &pages {
        // The renderers must accept whatever layout produced.
        if let Err(e) = crate::render::pdf_direct::render(&article, pages, fonts) {
            panic!("PDF rendering failed: {e}");
        }
        if let Err(e) = crate::render::ofd::render(&article, pages, fonts) {
            panic!("OFD rendering failed: {e}");
        }
        assert!(
            crate::render::svg::page(pages, 0, fonts).is_some(),
            "no preview of the first page"
        );
    }
    if let Err(e) = crate::render::docx::render(&article, &template, None, fonts) {
        panic!("DOCX rendering failed: {e}");
    }
}

/// A whole record through the whole pipeline: the first byte picks the format (JSON, YAML,
/// TOML) and the built-in template, the rest is the record. A record that validates must lay
/// out within the text area with all its text, and every renderer (PDF, tagged PDF/A when
/// it has a date and full font coverage, OFD, DOCX, QR) must accept it.
pub fn convert_any_record(data: &[u8], fonts: &FontBook) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(article) = parse(text, format_for(selector)) else {
        return;
    };
    check_article(&article);
    let names: Vec<&str> = Template::builtin_names().collect();
    let Ok(template) = Template::load(names[(selector as usize / 3) % names.len()]) else {
        panic!("a built-in template does not load");
    };
    // A field the template has no place for is refused, naming it (never dropped).
    if let Err((field, message)) = crate::compose::unprinted_fields(&article, &template) {
        assert!(
            message.starts_with(&format!("field `{field}`")),
            "{message}"
        );
        return;
    }
    let Ok(pages) = lay_out(&article, &template, fonts) else {
        return;
    };
    let formats = crate::Formats {
        pdf: true,
        docx: true,
        qr: true,
        ofd: true,
    };
    if let Err(e) = crate::convert(&article, &template, fonts, formats) {
        panic!("conversion failed: {e}");
    }
    // The archival writer refuses only what PDF/A cannot hold, in its own words.
    if let Err(e) = crate::render::pdf::render(&article, &pages, fonts, true, true) {
        assert!(
            e.starts_with("PDF/A allows no character")
                || e.starts_with("PDF/A needs a document date"),
            "tagged PDF/A failed: {e}"
        );
    }
}

/// Template parsing: the bytes are a template file; one that loads must lay out a short
/// article within its own text area. Says whether the template loaded.
pub fn parse_any_template(data: &[u8], fonts: &FontBook) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let template = match Template::from_toml(text, "template.toml") {
        Ok(t) => t,
        Err(e) => {
            assert!(
                e.starts_with("template template.toml: "),
                "unnamed error: {e}"
            );
            return false;
        }
    };
    let record = serde_json::json!({
        "title": "关于做好2025年春季草原防火工作的通知",
        "url": "https://example.gov.cn/a/1.html",
        "published": "2025-02-18 10:30",
        "body": [
            {"type": "heading", "level": 1, "text": "一、总体要求"},
            {"type": "paragraph", "text": "各盟市生态环境局：为切实做好春季草原防火工作，现将有关事项通知如下。PM2.5浓度同比下降5.2%。"},
            {"type": "list", "items": ["加强巡查。", "落实责任。"]},
            {"type": "table", "rows": [["盟市", "次数"], ["呼和浩特", "12"]]},
            {"type": "quote", "text": "绿水青山就是金山银山。"},
        ],
    });
    let Ok(article) = parse(&record.to_string(), RecordFormat::Json) else {
        panic!("the fixed article does not validate");
    };
    let _ = lay_out(&article, &template, fonts);
    if let Err(e) = crate::render::docx::render(&article, &template, None, fonts) {
        panic!("DOCX rendering failed: {e}");
    }
    true
}

/// Page import: the first byte picks HTML or plain text, the rest is the page.
pub fn import_any_page(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let path = if selector % 2 == 0 {
        Path::new("/nonexistent/page.html")
    } else {
        Path::new("/nonexistent/page.txt")
    };
    let options = crate::import::ImportOptions {
        url: Some("https://example.gov.cn/a/1.html".into()),
        ..Default::default()
    };
    if let Ok(imported) = crate::import::import_bytes(rest, path, &options) {
        let json = serde_json::to_string(&imported.record).expect("an imported record serialises");
        if let Ok(article) = parse(&json, RecordFormat::Json) {
            check_article(&article);
        }
    }
}

/// Text typed or pasted into the web form's body (tables pasted from spreadsheets with their
/// `<` and `^` join marks among it): it becomes body blocks or a message, and blocks it makes
/// are a valid record's body unless they pass a record limit ("at most").
pub fn form_body(text: &str) {
    let Ok(blocks) = crate::import::body_blocks(text) else {
        return;
    };
    if blocks.is_empty() {
        return;
    }
    let json = serde_json::json!({"id": "form", "title": "form", "body": blocks}).to_string();
    match parse(&json, RecordFormat::Json) {
        Ok(article) => check_article(&article),
        Err(e) => assert!(
            e.message.contains("at most"),
            "the form's blocks are not a valid body: {e:?}\n{text:?}"
        ),
    }
}

/// Lays the article out and checks the layout's promises; a refusal (too many pages) is the
/// only error allowed.
pub fn lay_out(article: &Article, template: &Template, fonts: &FontBook) -> Result<Pages, String> {
    let qr = crate::qr::QrMatrix::for_url(article.url.as_deref()).expect("a validated url encodes");
    let pages = layout::layout(article, template, fonts, qr.as_ref())?;
    check_glyphs_inside_text_area(&pages, template, fonts);
    check_text_kept(&pages, article, template);
    Ok(pages)
}

/// Every glyph of the article (page furniture aside) lies inside the text area: horizontally
/// its advance box or at least its ink (a compressed mark's blank may reach past the edge, as
/// clreq allows, and so may a Latin letter's overhang), vertically its baseline. With
/// `line_end_punctuation = "hang"` a closing mark may hang one body character past the right
/// edge.
pub fn check_glyphs_inside_text_area(pages: &Pages, template: &Template, fonts: &FontBook) {
    const SLACK: f32 = 0.5;
    let p = &template.page;
    let hang = match template.typography.line_end_punctuation {
        crate::template::LineEndPunctuation::Hang => template.styles.body.size.pt(),
        _ => 0.0,
    };
    let (left, right) = (p.margin_left.pt(), p.width.pt() - p.margin_right.pt());
    // An official mark may stand above the type area (信函格式, 30 mm from the page's top edge).
    let above = template
        .official
        .as_ref()
        .map_or(0.0, |o| o.mark_top.pt().min(0.0));
    let (top, bottom) = (
        p.margin_top.pt() + above,
        p.height.pt() - p.margin_bottom.pt(),
    );
    for (n, page) in pages.pages.iter().enumerate() {
        for item in &page.items {
            let Item::Text(run) = item else { continue };
            if run.tag.is_none() {
                continue;
            }
            assert!(
                run.y > top - SLACK && run.y <= bottom + SLACK,
                "page {}: baseline {} outside {top}..{bottom}: {:?}",
                n + 1,
                run.y,
                run.text
            );
            let face = fonts.face(run.face);
            let scale = run.size / face.units_per_em;
            let mut x = run.x;
            let inside = |a: f32, b: f32| a >= left - SLACK && b <= right + SLACK;
            let hanging = |a: f32, b: f32| a >= right - SLACK && b <= right + hang + SLACK;
            for g in &run.glyphs {
                let hangs = run.text[g.text_range.clone()]
                    .chars()
                    .next()
                    .is_some_and(crate::layout::is_closing_punct);
                let start = x + g.x_offset;
                let advance = (start, start + g.x_advance.max(0.0));
                let ink = face
                    .shaper
                    .glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(g.id))
                    .map_or(advance, |ink| {
                        (
                            start + f32::from(ink.x_min) * scale,
                            start + f32::from(ink.x_max) * scale,
                        )
                    });
                assert!(
                    inside(advance.0, advance.1)
                        || inside(ink.0, ink.1)
                        || (hangs && hanging(advance.0, advance.1)),
                    "page {}: glyph at {:.2}..{:.2} (ink {:.2}..{:.2}) outside {left:.2}..{right:.2} in {:?}",
                    n + 1,
                    advance.0,
                    advance.1,
                    ink.0,
                    ink.1,
                    run.text
                );
                x += g.x_advance;
            }
        }
    }
}

/// The article's text as laid out, in logical order: the runs of each structure element
/// (tag) in the order they are drawn, the elements in the order layout created them (a table
/// row split across pages interleaves its cells on the page, not in this order). Whitespace
/// and control characters are left out (line breaks replace spaces, and layout drops control
/// characters).
pub fn laid_out_text(pages: &Pages) -> String {
    let mut by_tag: std::collections::BTreeMap<usize, String> = std::collections::BTreeMap::new();
    for item in pages.pages.iter().flat_map(|p| &p.items) {
        if let Item::Text(run) = item {
            if let Some(tag) = run.tag {
                by_tag.entry(tag).or_default().extend(
                    run.text
                        .chars()
                        .filter(|c| !c.is_whitespace() && !c.is_control()),
                );
            }
        }
    }
    by_tag.into_values().collect()
}

/// Each block's text, in order, without whitespace and control characters: what
/// [`laid_out_text`] must contain, block after block, the title first where `template`
/// prints it ([`Template::prints_title`]).
pub fn block_texts(article: &Article, template: &Template) -> Vec<String> {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect()
    };
    let mut texts = Vec::new();
    if template.prints_title() {
        texts.push(squeeze(&article.title));
    }
    for block in &article.body {
        match block {
            Block::Paragraph(t) | Block::Quote(t) | Block::Heading { text: t, .. } => {
                texts.push(squeeze(t))
            }
            Block::List { items, .. } => texts.extend(items.iter().map(|t| squeeze(t))),
            Block::Table(t) => {
                texts.extend(t.caption.as_deref().map(squeeze));
                texts.extend(t.cells.iter().map(|c| squeeze(&c.text)));
            }
            Block::Image(image) => texts.extend(image.caption.as_deref().map(squeeze)),
        }
    }
    texts.retain(|t| !t.is_empty());
    texts
}

/// Every block's characters appear in the laid-out text, in the record's order.
pub fn check_text_kept(pages: &Pages, article: &Article, template: &Template) {
    if let Err(e) = find_in_order(&laid_out_text(pages), &block_texts(article, template)) {
        panic!("text lost or out of order in layout: {e}");
    }
}

/// Whether every text of `texts` occurs in `found`, each after the one before; if not, where
/// the first that does not begins to differ.
pub fn find_in_order(found: &str, texts: &[String]) -> Result<(), String> {
    let mut from = 0;
    for text in texts {
        match found[from..].find(text.as_str()) {
            Some(at) => from += at + text.len(),
            None => {
                // Where the text should have been: its longest start that is there.
                let chars: Vec<char> = text.chars().collect();
                let kept = (0..chars.len())
                    .rev()
                    .map(|n| chars[..n].iter().collect::<String>())
                    .find(|start| found[from..].contains(start.as_str()))
                    .unwrap_or_default();
                let at = from + found[from..].find(&kept).unwrap_or(0) + kept.len();
                return Err(format!(
                    "after {} characters of a text of {}: expected {:?}, found {:?}",
                    kept.chars().count(),
                    chars.len(),
                    chars[kept.chars().count()..]
                        .iter()
                        .take(40)
                        .collect::<String>(),
                    found[at..].chars().take(40).collect::<String>()
                ));
            }
        }
    }
    Ok(())
}
