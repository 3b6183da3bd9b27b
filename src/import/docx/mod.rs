//! A Word draft (DOCX) understood as an article or an official document: the reader
//! ([`read`]) gives paragraphs and tables as Word shows them; here they become what the page
//! importers find (title, meta lines, body blocks), which [`super::assemble`] turns into a
//! record with the same recognisers ([`super::official`], [`super::numbering`]).
//!
//! What Word adds that is not content is left out: empty paragraphs used for spacing, manual
//! indents (leading spaces, U+3000, tabs), page and section breaks, headers and footers,
//! comments; tracked changes are taken as accepted. Each is said in a warning where it
//! changes what prints.

mod numbering;
pub(super) mod read;

use super::meta::{meta_fields, normalize_date, strong_meta_line};
use super::official::{as_date, is_doc_number};
use super::{heading_level, numbering_level, paragraph_block, pasted, text::apply_meta, Found};
use read::{Item, Para, Table};
use serde_json::{json, Value};

/// A draft's pictures, named as the record refers to them (`{prefix}image1.png`), in order.
pub type Pictures = Vec<(String, Vec<u8>)>;

/// Reads a DOCX into what an importer found. `prefix` starts the names given to its pictures.
/// Errors say what is wrong with the file (the caller names it).
pub(super) fn extract(bytes: &[u8], prefix: &str) -> Result<(Found, Pictures), String> {
    let package = read::read(bytes).map_err(|e| {
        if e.contains("is damaged") {
            format!("{e}; if Word or WPS still opens it, save it there again as .docx (另存为) and import that copy")
        } else {
            e
        }
    })?;
    let mut found = Found {
        draft: true,
        ..Found::default()
    };
    let mut warnings = Vec::new();
    // A table of contents (the "toc N" styles, Word's and WPS's alike) is the document's own
    // navigation, made again by the outputs (bookmarks); its heading "目录" goes with it. One in a content
    // control (`w:docPartGallery`) is left out by the reader.
    let is_toc = |p: &Para| {
        p.style
            .as_deref()
            .is_some_and(|s| s.starts_with("toc") || s == "目录")
    };
    let toc_entries = package
        .items
        .iter()
        .filter(|i| para(i).is_some_and(is_toc))
        .count()
        + package.toc_controls;
    let mut toc_heading = None;
    if toc_entries > 0 {
        if let Some(first) = package
            .items
            .iter()
            .position(|i| para(i).is_some_and(is_toc))
        {
            toc_heading = first.checked_sub(1).filter(|&k| {
                para(&package.items[k]).is_some_and(|p| {
                    let t: String = p.text.chars().filter(|c| !c.is_whitespace()).collect();
                    t == "目录" || t.eq_ignore_ascii_case("contents")
                })
            });
        }
        warnings.push(
            "the table of contents (目录) is left out: each output makes its own from the headings (PDF bookmarks)"
                .into(),
        );
    }
    if package.deleted_rows > 0 {
        warnings.push(format!(
            "{} table row(s) deleted with changes tracked are left out",
            package.deleted_rows
        ));
    }
    let mut unknown: Vec<String> = package
        .unknown_symbols
        .iter()
        .map(|(font, code)| format!("{code} of {font}"))
        .collect();
    unknown.dedup();
    if !unknown.is_empty() {
        warnings.push(format!(
            "symbols of symbol fonts with no Unicode equivalent known here are left out: {}; type them as characters (☑, □, ✓) instead",
            unknown.join(", ")
        ));
    }
    let items: Vec<Item> = package
        .items
        .into_iter()
        .enumerate()
        .filter(|(k, item)| Some(*k) != toc_heading && !para(item).is_some_and(is_toc))
        .filter_map(|(_, item)| match item {
            Item::Para(mut p) => {
                p.text = clean(&p.text);
                (!p.text.is_empty() || !p.images.is_empty()).then_some(Item::Para(p))
            }
            Item::Table(t) => Some(match head_table(&t) {
                Some(p) => Item::Para(p),
                None => Item::Table(t),
            }),
        })
        .collect();
    let body_size = body_size(&items);
    let (title_at, title_len) = find_title(&items, body_size);
    let mut rest_from = 0;
    if let Some(at) = title_at {
        let lines: Vec<&str> = items[at..at + title_len]
            .iter()
            .filter_map(para)
            .map(|p| p.text.as_str())
            .collect();
        let mut title = String::new();
        for line in lines.iter().flat_map(|l| l.lines()) {
            super::join_line(&mut title, line.trim());
        }
        found.title = Some(title);
        // The lines above the title: the 版头 of a document already set (GB/T 9704 7.2).
        for item in &items[..at] {
            let Some(p) = para(item) else { continue };
            head_line(p, &mut found);
        }
        rest_from = at + title_len;
    } else if let Some(title) = package.core_title.clone() {
        warnings.push(format!(
            "no title line found (a centred bold or large first paragraph, or the Title style); the title `{title}` is taken from the document's properties"
        ));
        found.title = Some(title);
        // A document without a title line (an order, 10.2) still has its head at the top.
        while let Some(p) = items
            .get(rest_from)
            .and_then(para)
            .filter(|p| is_head_line(p))
        {
            head_line(p, &mut found);
            rest_from += 1;
        }
    } else if let Some(p) = items
        .first()
        .and_then(para)
        .filter(|p| p.text.chars().count() <= 60 && !p.text.contains('。') && p.images.is_empty())
    {
        warnings.push(format!(
            "no title line found (a centred bold or large first paragraph, or the Title style); the first line `{}` is taken as the title",
            p.text
        ));
        found.title = Some(p.text.replace('\n', ""));
        rest_from = 1;
    }
    // Under the title: a subtitle, the author and date lines pandoc writes, meta lines.
    let mut k = rest_from;
    while let Some(p) = items.get(k).and_then(para) {
        let style = p.style.as_deref().unwrap_or_default();
        if matches!(style, "subtitle" | "副标题") && found.subtitle.is_none() {
            found.subtitle = Some(p.text.replace('\n', " "));
        } else if style == "author" && found.author.is_none() {
            found.author = Some(p.text.clone());
        } else if style == "date" && found.published.is_none() {
            match normalize_date(&p.text).or_else(|| as_date(&p.text)) {
                Some(d) => found.published = Some(d),
                None => break,
            }
        } else if strong_meta_line(&p.text) && !meta_fields(&p.text).is_empty() {
            apply_meta(&mut found, meta_fields(&p.text));
        } else {
            break;
        }
        k += 1;
    }
    let mut pictures = Pictures::new();
    let mut qr_url = None;
    found.body = body(
        &items[k..],
        &package.images,
        prefix,
        &mut pictures,
        &mut qr_url,
    );
    if let Some(url) = qr_url {
        warnings.push(format!(
            "the QR code's picture is not kept as a picture: its address `{url}` is the record's url, from which each output draws its own code"
        ));
        found.url = Some(url);
    }
    // Fallbacks from the document's properties, used by `assemble` for a news article only.
    found.author_fallback = package.core_author.filter(|a| !is_placeholder_author(a));
    found.published_fallback = package.core_created.as_deref().and_then(beijing_time);
    if package.insertions + package.deletions > 0 {
        warnings.push(format!(
            "the draft has tracked changes: {} insertion(s) are kept and {} deletion(s) left out, as if all changes were accepted; check the text",
            package.insertions, package.deletions
        ));
    }
    if package.text_boxes > 0 {
        warnings.push(format!(
            "{} text box(es) or shape(s) with text: their text is read as paragraphs where each is anchored; check the order",
            package.text_boxes
        ));
    }
    if package.comments > 0 {
        warnings.push(format!(
            "{} comment(s) (批注) are not printed",
            package.comments
        ));
    }
    if package.footnotes > 0 {
        warnings.push(format!(
            "{} footnote(s) (脚注) are not printed: a record has no footnotes; write them into the text where they are needed",
            package.footnotes
        ));
    }
    let mut said = std::collections::HashSet::new();
    for image in &package.unreadable_images {
        if said.insert(image) {
            warnings.push(format!("a picture is left out: {image}"));
        }
    }
    if !package.dropped_in_cells.is_empty() {
        // Each kind once, with how many: "a table (its text is kept) ×14".
        let mut kinds: Vec<(String, usize)> = Vec::new();
        for d in &package.dropped_in_cells {
            match kinds.iter_mut().find(|(k, _)| k == d) {
                Some((_, n)) => *n += 1,
                None => kinds.push((d.clone(), 1)),
            }
        }
        let named: Vec<String> = kinds
            .into_iter()
            .map(|(k, n)| if n > 1 { format!("{k} ×{n}") } else { k })
            .collect();
        warnings.push(format!(
            "a table's cell holds text only: {} inside table cells left out",
            named.join(", ")
        ));
    }
    found.warnings = warnings;
    Ok((found, pictures))
}

fn para(item: &Item) -> Option<&Para> {
    match item {
        Item::Para(p) => Some(p),
        Item::Table(_) => None,
    }
}

/// A paragraph's text without Word's manual layout: leading and trailing spaces, U+3000 and
/// tabs removed (a typed first-line indent), spaces before a line break removed, and a run of
/// tabs inside a line set as one U+3000.
fn clean(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let mut out = String::new();
            let mut tab = false;
            for c in line
                .trim_end_matches([' ', '\t', '\u{3000}', '\u{a0}'])
                .chars()
            {
                if c == '\t' {
                    tab = true;
                    continue;
                }
                if tab {
                    if !out.is_empty() {
                        out.push('\u{3000}');
                    }
                    tab = false;
                }
                out.push(c);
            }
            out
        })
        .collect();
    lines
        .join("\n")
        .trim_matches([' ', '\t', '\u{3000}', '\u{a0}', '\n'])
        .to_owned()
}

/// The size most of the text is set in (half-points), to tell a large title from the text.
fn body_size(items: &[Item]) -> u32 {
    let mut by_size: std::collections::BTreeMap<u32, usize> = Default::default();
    for p in items.iter().filter_map(para) {
        *by_size.entry(p.size).or_default() += p.text.chars().count();
    }
    by_size
        .into_iter()
        .max_by_key(|(size, n)| (*n, std::cmp::Reverse(*size)))
        .map_or(21, |(s, _)| s)
}

/// A line of the 版头 (GB/T 9704 7.2): 份号, 密级, 紧急程度, the mark, the 发文字号 (with the
/// 签发人 beside it).
fn is_head_line(p: &Para) -> bool {
    let t = p.text.as_str();
    head_parts(t).next().is_some() && head_parts(t).all(|part| head_kind(part, p).is_some())
}

fn head_parts(t: &str) -> impl Iterator<Item = &str> + Clone {
    t.split(['\u{3000}', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[derive(Clone, Copy, PartialEq)]
enum Head {
    CopyNumber,
    Classification,
    Urgency,
    Mark,
    DocNumber,
    Signer,
}

fn head_kind(part: &str, p: &Para) -> Option<Head> {
    let chars = part.chars().count();
    if (6..=7).contains(&chars) && part.chars().all(|c| c.is_ascii_digit()) {
        return Some(Head::CopyNumber);
    }
    if ["绝密", "机密", "秘密"].iter().any(|l| part.starts_with(l)) && chars <= 10 {
        return Some(Head::Classification);
    }
    if matches!(part, "特急" | "加急" | "特提" | "平急") {
        return Some(Head::Urgency);
    }
    if is_doc_number(part) {
        return Some(Head::DocNumber);
    }
    if part.starts_with("签发人") {
        return Some(Head::Signer);
    }
    let sentence = part.contains(['。', '，', '：', ':']);
    if !sentence && chars <= 40 && (part.ends_with("文件") || (p.red && p.centred)) {
        // An order's mark ("某某市人民政府令") is red and centred like any other.
        return Some(Head::Mark);
    }
    None
}

/// Takes a line above the title into the record's 版头 fields; a line that is none of them is
/// kept as the body's first paragraph (never dropped).
fn head_line(p: &Para, found: &mut Found) {
    if !is_head_line(p) {
        found.body.push(paragraph_block(&p.text));
        found.warnings.push(format!(
            "the line `{}` above the title is not a part of the document's head (份号, 密级, 紧急程度, 发文机关标志, 发文字号); it is kept as the first paragraph",
            p.text
        ));
        return;
    }
    for part in head_parts(&p.text) {
        match head_kind(part, p) {
            Some(Head::CopyNumber) => found.copy_number = Some(part.to_owned()),
            Some(Head::Classification) => found.classification = Some(part.to_owned()),
            Some(Head::Urgency) => found.urgency = Some(part.to_owned()),
            Some(Head::DocNumber) => found.doc_number = Some(part.to_owned()),
            Some(Head::Signer) => {
                let name = part
                    .trim_start_matches("签发人")
                    .trim_start_matches(['：', ':'])
                    .trim();
                if !name.is_empty() {
                    found.signer = Some(name.to_owned());
                }
            }
            Some(Head::Mark) => found.issuer_mark.push(part.to_owned()),
            None => {}
        }
    }
    // The mark names the issuing organ ("某某市教育局文件"); a joint mark names several.
    if found.organ.is_none() {
        if let [one] = found.issuer_mark.as_slice() {
            let organ = [
                "文件",
                "专题会议纪要",
                "常务会议纪要",
                "会议纪要",
                "纪要",
                "令",
            ]
            .iter()
            .find_map(|s| one.strip_suffix(s))
            .unwrap_or(one)
            .trim();
            if !organ.is_empty() {
                found.organ = Some(organ.to_owned());
            }
        }
    }
}

/// A table that holds only lines of the 版头 (the 发文字号 and 签发人 in two borderless cells,
/// as 上行文 templates set them), read as one line of them.
fn head_table(t: &Table) -> Option<Para> {
    let cells: Vec<&str> = t
        .rows
        .iter()
        .flatten()
        .map(|c| c.text.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let para = Para {
        text: clean(&cells.join("\u{3000}")),
        ..Para::default()
    };
    let kinds: Vec<Option<Head>> = head_parts(&para.text)
        .map(|p| head_kind(p, &para))
        .collect();
    let useful = kinds
        .iter()
        .any(|k| matches!(k, Some(Head::DocNumber | Head::Signer)));
    (t.rows.len() <= 2 && useful && kinds.iter().all(|k| k.is_some())).then_some(para)
}

/// Where the title is and how many paragraphs it takes: the Title style, else the first
/// centred paragraph, bold or larger than the text, near the top (a title set over two
/// paragraphs is both).
fn find_title(items: &[Item], body_size: u32) -> (Option<usize>, usize) {
    let top = items
        .iter()
        .position(|i| matches!(i, Item::Table(_)))
        .unwrap_or(items.len())
        .min(15);
    let styled = |p: &Para| matches!(p.style.as_deref(), Some("title" | "标题"));
    if let Some(at) = items[..top]
        .iter()
        .position(|i| para(i).is_some_and(styled))
    {
        let n = items[at..top]
            .iter()
            .take_while(|i| para(i).is_some_and(styled))
            .count();
        return (Some(at), n);
    }
    let looks_like = |p: &Para| {
        p.centred
            && p.images.is_empty()
            && !is_head_line(p)
            && (p.bold || p.size >= body_size + 4)
            && p.text.chars().count() <= 100
            && !p.text.ends_with(['。', '：', ':'])
            && !pasted::is_caption(&p.text)
    };
    let Some(at) = items[..top]
        .iter()
        .position(|i| para(i).is_some_and(looks_like))
    else {
        return (None, 0);
    };
    let first = para(&items[at]).map(|p| (p.bold, p.size));
    let n = 1 + items[at + 1..top]
        .iter()
        .take(2)
        .take_while(|i| {
            para(i).is_some_and(|p| {
                looks_like(p)
                    && Some((p.bold, p.size)) == first
                    && p.text.chars().count() <= 60
                    && !p.style.as_deref().is_some_and(|s| s.starts_with("heading"))
            })
        })
        .count();
    (Some(at), n)
}

/// The heading level a paragraph's style gives it: "heading 1"…, "标题 1"…, or its outline
/// level; 1–4 (a record has four levels; deeper ones are level 4).
fn style_level(p: &Para) -> Option<u8> {
    let from_name = p.style.as_deref().and_then(|s| {
        let n = s
            .strip_prefix("heading")
            .or_else(|| s.strip_prefix("标题"))?
            .trim();
        n.parse::<u8>().ok()
    });
    from_name
        .or(p.outline.map(|l| l + 1))
        .map(|l| l.clamp(1, 4))
}

/// "图1 …", "图 2：…", "图一 …": a figure's caption.
fn is_figure_caption(p: &Para) -> bool {
    let caption_style = is_caption_style(p);
    let numbered = p.text.strip_prefix(['图', '圖']).is_some_and(|rest| {
        rest.trim_start()
            .starts_with(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    });
    (numbered || caption_style) && p.text.chars().count() <= 60 && !pasted::is_caption(&p.text)
}

/// A caption's paragraph style: Word's "caption" (题注), pandoc's "image caption", "table
/// caption" and the like.
fn is_caption_style(p: &Para) -> bool {
    p.style
        .as_deref()
        .is_some_and(|s| s.contains("caption") || s.contains("题注"))
}

/// The body's blocks, in order.
fn body(
    items: &[Item],
    images: &[read::Picture],
    prefix: &str,
    pictures: &mut Pictures,
    qr_url: &mut Option<String>,
) -> Vec<Value> {
    let mut blocks: Vec<Value> = Vec::new();
    // Numbered lists with items below their first level.
    let nested_lists: std::collections::HashSet<&str> = items
        .iter()
        .filter_map(para)
        .filter_map(|p| p.number.as_ref())
        .filter(|n| n.ordered && n.level > 0)
        .map(|n| n.list.as_str())
        .collect();
    // The list being filled: (ordered, index of its block).
    let mut list: Option<(bool, usize)> = None;
    let mut k = 0;
    while k < items.len() {
        let item = &items[k];
        k += 1;
        let p = match item {
            Item::Table(t) => {
                list = None;
                table_blocks(t, &mut blocks);
                continue;
            }
            Item::Para(p) => p,
        };
        if !p.images.is_empty() {
            list = None;
            // A QR code of a web address (alternative text a URL, a square picture, "扫一扫…"
            // under it), as bulletin and site exports print one: the record's `url`, from
            // which every output draws its own code.
            if let ([_], [(Some(alt), true)]) = (p.images.as_slice(), p.alts.as_slice()) {
                let alt = alt.trim();
                if (alt.starts_with("https://") || alt.starts_with("http://")) && !alt.contains(' ')
                {
                    qr_url.get_or_insert_with(|| alt.to_owned());
                    if items.get(k).and_then(para).is_some_and(|n| {
                        n.text.starts_with("扫一扫")
                            || n.text.starts_with("扫码")
                            || n.text.starts_with("Scan")
                    }) {
                        k += 1;
                    }
                    continue;
                }
            }
            for &i in &p.images {
                let Some(picture) = images.get(i) else {
                    continue;
                };
                let ext = if picture.data.starts_with(b"\x89PNG") {
                    "png"
                } else {
                    "jpg"
                };
                let name = match pictures.iter().position(|(_, d)| d == &picture.data) {
                    Some(at) => pictures[at].0.clone(),
                    None => {
                        let name = format!("{prefix}image{}.{ext}", pictures.len() + 1);
                        pictures.push((name.clone(), picture.data.clone()));
                        name
                    }
                };
                blocks.push(json!({"type": "image", "path": name}));
            }
            let caption = if !p.text.is_empty() && is_figure_caption(p) {
                Some(p.text.clone())
            } else {
                if !p.text.is_empty() {
                    blocks.push(paragraph_block(&p.text));
                }
                match items.get(k).and_then(para) {
                    Some(next) if next.images.is_empty() && is_figure_caption(next) => {
                        k += 1;
                        Some(next.text.clone())
                    }
                    _ => None,
                }
            };
            if let Some(caption) = caption {
                if let Some(image) = blocks.iter_mut().rev().find(|b| b["type"] == "image") {
                    image["caption"] = Value::String(caption.replace('\n', " "));
                }
            }
            continue;
        }
        // A table's caption ("表1 …") right above it.
        let table_caption =
            pasted::is_caption(&p.text) || is_caption_style(p) && p.text.chars().count() <= 100;
        if table_caption && matches!(items.get(k), Some(Item::Table(_))) {
            if let Some(Item::Table(t)) = items.get(k) {
                k += 1;
                list = None;
                let before = blocks.len();
                table_blocks(t, &mut blocks);
                if let Some(table) = blocks.get_mut(before).filter(|b| b["type"] == "table") {
                    table["caption"] = Value::String(p.text.clone());
                } else {
                    blocks.insert(before, paragraph_block(&p.text));
                }
            }
            continue;
        }
        if let Some(level) = style_level(p) {
            list = None;
            let text = match &p.number {
                Some(number) if number.ordered => numbered_text(number, &p.text),
                _ => p.text.clone(),
            };
            let level = numbering_level(&text).unwrap_or(level);
            blocks
                .push(json!({"type": "heading", "level": level, "text": text.replace('\n', " ")}));
            continue;
        }
        if let Some(number) = &p.number {
            let nested = number.ordered && nested_lists.contains(number.list.as_str());
            if number.ordered && (!number.decimal || p.bold || nested) {
                // A number of the text's own ("一、", "（一）", "第三条", "①", "1.1"), or a
                // list of several levels (a record's lists have one): kept as text, and a
                // heading when the number is exactly one of the 公文's ("（1）", not "1.1").
                list = None;
                let full = numbered_text(number, &p.text);
                let convention =
                    super::numbering(&full).is_some_and(|(_, n)| n == number.text.chars().count());
                match convention {
                    true => blocks.push(paragraph_block(&full)),
                    false => blocks.push(json!({"type": "paragraph", "text": full})),
                }
                continue;
            }
            let continues = match list {
                Some((o, at)) if o == number.ordered => {
                    let items = blocks[at]["items"].as_array().map_or(0, Vec::len);
                    !number.ordered || number.value as usize == items + 1
                }
                _ => false,
            };
            if continues {
                if let Some((_, at)) = list {
                    if let Some(items) = blocks[at]["items"].as_array_mut() {
                        items.push(Value::String(p.text.clone()));
                    }
                }
            } else if number.ordered && number.value != 1 {
                // A list that goes on after other text ("3." after a note): a record's list
                // counts from 1, so the number Word shows stays in the text.
                list = None;
                blocks.push(json!({"type": "paragraph", "text": numbered_text(number, &p.text)}));
            } else {
                blocks.push(json!({"type": "list", "ordered": number.ordered, "items": [p.text]}));
                list = Some((number.ordered, blocks.len() - 1));
            }
            continue;
        }
        list = None;
        // A bold numbered heading, alone or run into its paragraph's first sentence.
        if let Some((heading, rest)) = super::split_run_in(&clean(&p.bold_lead), &p.text) {
            blocks.push(heading);
            blocks.push(paragraph_block(&rest));
            continue;
        }
        if p.bold && p.text.chars().count() <= 40 && !p.text.contains('\n') {
            let words = p.text.trim_end_matches(['。', '；', '：', ':', ';']);
            if let Some(level) = numbering_level(words).filter(|_| heading_level(words).is_some()) {
                blocks.push(json!({"type": "heading", "level": level, "text": words}));
                continue;
            }
        }
        blocks.push(paragraph_block(&p.text));
    }
    blocks
}

/// A list number and the paragraph's text as Word shows them together: "一、总体要求",
/// "1.开展检查", "3. Train volunteers", "第一条　为了规范……" (the tab or space Word puts after
/// a number: a space before Latin text, a full-width space after a number ending in a word,
/// nothing after a mark).
fn numbered_text(number: &read::Number, text: &str) -> String {
    let last = number.text.chars().last();
    let separator = if !number.spaced || last.is_none() {
        ""
    } else if text.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        " "
    } else if last.is_some_and(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        "\u{3000}"
    } else {
        ""
    };
    format!("{}{separator}{text}", number.text)
}

/// A table as a record's table with its spans; a 版记 set as a table (rows of 抄送 and 印发)
/// or a one-cell frame around text becomes paragraphs, one per row.
fn table_blocks(t: &Table, blocks: &mut Vec<Value>) {
    let texts: Vec<&str> = t
        .rows
        .iter()
        .flatten()
        .map(|c| c.text.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    if texts.is_empty() {
        return;
    }
    let imprint = t.rows.iter().any(|row| {
        let line: Vec<&str> = row
            .iter()
            .map(|c| c.text.trim())
            .filter(|s| !s.is_empty())
            .collect();
        line.first().is_some_and(|f| f.starts_with("抄送"))
            || line.last().is_some_and(|l| l.ends_with("印发"))
    });
    let one_cell = t.rows.iter().all(|row| row.len() <= 1) && t.rows.len() <= 1;
    if imprint || one_cell {
        for row in &t.rows {
            let line: Vec<&str> = row
                .iter()
                .map(|c| c.text.trim())
                .filter(|s| !s.is_empty())
                .collect();
            for piece in line.join("\u{3000}").split('\n') {
                let piece = piece.trim();
                if !piece.is_empty() {
                    blocks.push(paragraph_block(piece));
                }
            }
        }
        return;
    }
    // Grid positions: each cell's first column; a vMerge continuation adds a row to the cell
    // that started its column.
    let mut rows: Vec<Vec<Value>> = Vec::new();
    // (row, index in row) of the cell that started a vertical merge, by grid column.
    let mut started: std::collections::HashMap<usize, (usize, usize)> = Default::default();
    let mut spans: Vec<Vec<(usize, usize, String)>> = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        let mut column = 0;
        let mut out: Vec<(usize, usize, String)> = Vec::new();
        for cell in row {
            column += cell.skip_before;
            if cell.skip_before > 0 {
                for _ in 0..cell.skip_before {
                    out.push((1, 1, String::new()));
                }
            }
            match cell.vmerge {
                Some(false) => {
                    if let Some(&(sr, si)) = started.get(&column) {
                        spans[sr][si].1 += 1;
                    } else {
                        out.push((cell.colspan, 1, cell.text.clone()));
                    }
                }
                restart => {
                    if restart == Some(true) {
                        started.insert(column, (r, out.len()));
                    } else {
                        started.remove(&column);
                    }
                    out.push((cell.colspan, 1, cell.text.clone()));
                }
            }
            column += cell.colspan;
        }
        spans.push(out);
    }
    for row in spans {
        rows.push(
            row.into_iter()
                .map(|(colspan, rowspan, text)| {
                    let mut cell = json!({"text": text});
                    if colspan > 1 {
                        cell["colspan"] = json!(colspan);
                    }
                    if rowspan > 1 {
                        cell["rowspan"] = json!(rowspan);
                    }
                    match colspan == 1 && rowspan == 1 {
                        true => cell["text"].take(),
                        false => cell,
                    }
                })
                .collect(),
        );
    }
    rows.retain(|r| !r.is_empty());
    let mut block = json!({"type": "table", "rows": rows});
    // A record's table has one header row unless it says otherwise; a draft that marks no row
    // to repeat (most do not) keeps that default.
    if t.header_rows > 1 {
        block["header_rows"] = json!(t.header_rows);
    }
    blocks.push(block);
}

/// A W3CDTF time of docProps/core.xml ("2025-03-12T16:30:00Z", "…+08:00") as the record
/// writes times, in Beijing time (UTC+8), which is what an office's dates are in.
fn beijing_time(w3c: &str) -> Option<String> {
    let w3c = w3c.trim();
    let (date, time) = w3c.split_once('T').unwrap_or((w3c, "00:00:00Z"));
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (d.next()??, d.next()??, d.next()??);
    let (clock, offset_minutes) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (c, off) = time.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let mut hm = off[1..].split(':').map(|p| p.parse::<i64>().ok());
        (
            c,
            sign * (hm.next()?? * 60 + hm.next().flatten().unwrap_or(0)),
        )
    } else {
        (time, 8 * 60)
    };
    let mut c = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (hour, minute) = (c.next()??, c.next()??);
    // Minutes since the day began, moved to UTC+8; a day over or under is carried.
    let minutes = hour * 60 + minute - offset_minutes + 8 * 60;
    let days = days_from_civil(year, month, day) + minutes.div_euclid(24 * 60);
    let minutes = minutes.rem_euclid(24 * 60);
    let (y, m, d) = civil_from_days(days);
    normalize_date(&format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        minutes / 60,
        minutes % 60
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Authors that Word, WPS and generators fill in by themselves, never a byline.
fn is_placeholder_author(a: &str) -> bool {
    const PLACEHOLDERS: &[&str] = &[
        "administrator",
        "admin",
        "user",
        "微软用户",
        "微软中国",
        "python-docx",
        "microsoft office user",
        "windows 用户",
        "windows user",
        "unknown",
        "author",
    ];
    let a = a.trim().to_lowercase();
    a.is_empty() || PLACEHOLDERS.contains(&a.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_times_are_given_in_beijing_time() {
        assert_eq!(
            beijing_time("2025-03-12T16:30:00Z").as_deref(),
            Some("2025-03-13 00:30")
        );
        assert_eq!(
            beijing_time("2024-12-31T20:00:00Z").as_deref(),
            Some("2025-01-01 04:00")
        );
        assert_eq!(
            beijing_time("2025-03-01T09:15:00+08:00").as_deref(),
            Some("2025-03-01 09:15")
        );
        assert_eq!(
            beijing_time("2024-02-29T23:00:00-01:00").as_deref(),
            Some("2024-03-01 08:00")
        );
        assert_eq!(beijing_time("not a time"), None);
    }

    #[test]
    fn manual_indents_and_tabs_are_layout_not_text() {
        assert_eq!(clean("\u{3000}\u{3000}为切实保障  "), "为切实保障");
        assert_eq!(
            clean("\t内环发〔2025〕1号\t\t签发人：张三"),
            "内环发〔2025〕1号\u{3000}签发人：张三"
        );
        assert_eq!(clean("第一行 \n第二行"), "第一行\n第二行");
    }
}
