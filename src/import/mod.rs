//! Importing a published web page into a record: from saved HTML (any declared encoding,
//! GBK/GB2312/GB18030 included) or from text copied out of a browser. Fields that cannot be
//! found are left out with a warning; nothing is invented.

pub mod docx;
mod html;
mod meta;
mod official;
pub mod pasted;
mod text;

use crate::record::Language;
use serde::Serialize;
use std::path::Path;

/// Facts given on the command line rather than found in the page (they win over the page).
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The page's address (also the base for relative links).
    pub url: Option<String>,
    /// The issuing body, which a page rarely states apart from its source.
    pub issuer: Option<String>,
    /// The record id; default: the file name without its extension.
    pub id: Option<String>,
}

/// A record as written to JSON: field order as in README, empty fields left out.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ImportedRecord {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channel: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The 版头 of a document whose draft already has one (GB/T 9704 7.2): 发文机关标志
    /// (one line per organ), 份号, 密级, 紧急程度.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issuer_mark: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// 保密期限, printed after 密级 with "★" (GB/T 9704-2012 7.2.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrecy_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<String>,
    /// 发文字号, 签发人, 主送机关 of an official document (see [`official`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// An order's 令号 (GB/T 9704-2012 10.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipients: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub language: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<serde_json::Value>,
    /// 落款: `{name, date}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<serde_json::Value>,
    /// 附注.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// 版记: 抄送机关, 印发机关, 印发日期.
    /// A 纪要's 出席, 请假, 列席 lists (10.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printed_date: Option<String>,
    pub body: Vec<serde_json::Value>,
}

impl ImportedRecord {
    /// A bulletin record (already validated, as a JSON value of any of its formats) in this
    /// shape, as the web page's form is filled from it: a field given as a string or a list
    /// becomes the one this shape has (`issuer_mark`, `cc` and attendance lists one entry a
    /// line; `channel` split at `>`), and a body given as a string its paragraphs as
    /// `convert` reads them ([`crate::record::split_paragraphs`]).
    pub fn from_record(value: &serde_json::Value) -> ImportedRecord {
        use serde_json::Value;
        let text = |key: &str| match value.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let list = |v: Option<&Value>, split: &dyn Fn(&str) -> Vec<String>| match v {
            Some(Value::String(s)) => split(s),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let by_line = |s: &str| -> Vec<String> {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let whole = |s: &str| -> Vec<String> { vec![s.to_owned()] };
        let by_step = |s: &str| -> Vec<String> {
            s.split(['>', '＞'])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let attendance = value.get("attendance").map(|a| {
            let mut out = serde_json::Map::new();
            for key in ["present", "on_leave", "observers"] {
                let names = list(a.get(key), &by_line);
                if !names.is_empty() {
                    out.insert(key.into(), Value::from(names));
                }
            }
            Value::Object(out)
        });
        let body = match value.get("body") {
            Some(Value::Array(blocks)) => blocks.clone(),
            // As `convert` reads it.
            Some(Value::String(s)) => crate::record::split_paragraphs(s)
                .into_iter()
                .map(|p| serde_json::json!({"type": "paragraph", "text": p}))
                .collect(),
            _ => Vec::new(),
        };
        ImportedRecord {
            id: text("id").unwrap_or_default(),
            title: text("title").unwrap_or_default(),
            subtitle: text("subtitle"),
            channel: list(value.get("channel"), &by_step),
            published: text("published"),
            source: text("source"),
            author: text("author"),
            issuer: text("issuer"),
            issuer_mark: list(value.get("issuer_mark"), &by_line),
            copy_number: text("copy_number"),
            classification: text("classification"),
            secrecy_period: text("secrecy_period"),
            urgency: text("urgency"),
            doc_number: text("doc_number"),
            signer: text("signer"),
            order_number: text("order_number"),
            recipients: text("recipients"),
            url: text("url"),
            language: text("language").unwrap_or_default(),
            attachments: value
                .get("attachments")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            signature: value.get("signature").cloned(),
            note: text("note"),
            attendance,
            cc: list(value.get("cc"), &whole),
            printed_by: text("printed_by"),
            printed_date: text("printed_date"),
            body,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Imported {
    pub record: ImportedRecord,
    pub warnings: Vec<String>,
    /// Pictures taken out of a Word draft: their names as the record's image blocks give them
    /// (relative to the record), and their bytes, to be written beside the record.
    pub pictures: docx::Pictures,
}

/// What an importer found in a page, before the record is assembled.
#[derive(Debug, Default)]
struct Found {
    title: Option<String>,
    channel: Vec<String>,
    published: Option<String>,
    source: Option<String>,
    author: Option<String>,
    body: Vec<serde_json::Value>,
    attachments: Vec<serde_json::Value>,
    /// The site's owner, as CMSs state it (`<meta name="SiteName">`).
    site: Option<String>,
    /// The issuing organ a policy page's metadata table names (发文机关).
    organ: Option<String>,
    /// The 发文字号 a metadata table names, for a page whose content does not print it.
    doc_number: Option<String>,
    /// Read from a Word draft (which has no breadcrumb or source to miss).
    draft: bool,
    /// The address a draft's QR code gives (`--url` wins).
    url: Option<String>,
    /// A Word draft's 版头 lines (GB/T 9704 7.2) and subtitle.
    subtitle: Option<String>,
    issuer_mark: Vec<String>,
    copy_number: Option<String>,
    classification: Option<String>,
    urgency: Option<String>,
    signer: Option<String>,
    /// A Word draft's document properties (creator, created), used for a news article that
    /// says neither itself.
    author_fallback: Option<String>,
    published_fallback: Option<String>,
    /// Names of the attachments found so far (each is kept once).
    attachment_names: std::collections::HashSet<String>,
    warnings: Vec<String>,
}

/// Whether `bulletin convert` should import this file first (a web page, text capture or
/// Word draft; a `.doc` too, to be refused with the reason).
pub fn is_page(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("html" | "htm" | "shtml" | "xhtml" | "txt" | "docx" | "docm" | "dotx" | "doc")
    )
}

/// Whether `path` names a Word document (by its extension).
pub fn is_word(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("docx" | "docm" | "dotx" | "doc" | "wps")
    )
}

/// Imports a page and validates the result as any record file would be.
pub fn import_article(
    path: &Path,
    options: &ImportOptions,
) -> Result<(crate::record::Article, Vec<String>), String> {
    let imported = import_file(path, options)?;
    let article = validate(&imported, path)?;
    Ok((article, imported.warnings))
}

/// Validates an imported record as a record file is validated (its limits, its id as a file
/// name, its pictures), so that `import` never writes a record that `convert` refuses.
/// Errors name `path` and the field.
pub fn validate(imported: &Imported, path: &Path) -> Result<crate::record::Article, String> {
    let json = serde_json::to_string(&imported.record).map_err(|e| e.to_string())?;
    let base = path.parent().unwrap_or(Path::new("."));
    let images = if is_word(path) || !imported.pictures.is_empty() {
        crate::record::ImageBase::Memory(base, &imported.pictures)
    } else {
        crate::record::ImageBase::Confined(base)
    };
    crate::record::parse_record_in(
        &json,
        crate::record::RecordFormat::Json,
        path,
        &imported.record.id,
        images,
    )
    .map_err(|e| {
        format!(
            "{}: the record imported from it cannot be converted: {}",
            path.display(),
            e.detail()
        )
    })
}

/// Imports `path` (.html/.htm, .txt or .docx). Only a regular file of at most
/// [`MAX_RECORD_BYTES`](crate::record::MAX_RECORD_BYTES) is read: a FIFO or device is refused
/// at once instead of blocking.
pub fn import_file(path: &Path, options: &ImportOptions) -> Result<Imported, String> {
    let bytes = crate::files::read_regular(path, crate::record::MAX_RECORD_BYTES)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    import_bytes(&bytes, path, options)
}

/// Imports a page already read: `path` gives its kind (by extension), its default id and
/// the directory its images are looked for in.
pub fn import_bytes(
    bytes: &[u8],
    path: &Path,
    options: &ImportOptions,
) -> Result<Imported, String> {
    let id = options
        .id
        .clone()
        .or_else(|| path.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .unwrap_or_else(|| "article".to_owned());
    // A Word draft: by its extension, or by content (a ZIP package or an old binary .doc).
    if is_word(path)
        || docx::read::not_a_docx(bytes).is_none() && bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
    {
        if bytes.is_empty() {
            return Err(format!(
                "{}: the file is empty; save the draft again from Word or WPS",
                path.display()
            ));
        }
        let (found, pictures) = docx::extract(bytes, &format!("{id}-"))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut imported =
            assemble(found, id, options).map_err(|e| format!("{}: {e}", path.display()))?;
        // Pictures the recognisers took out with the lines around them (a seal over the
        // signature) are not written: said, never silently.
        let text = serde_json::to_string(&imported.record).unwrap_or_default();
        let (used, unused): (Vec<_>, Vec<_>) = pictures
            .into_iter()
            .partition(|(name, _)| text.contains(&format!("\"path\":{}", serde_json::json!(name))));
        for (name, _) in unused {
            imported.warnings.push(format!(
                "the picture `{name}` stood among the document's own parts (a seal beside the signature, a logo in the 版头) and is left out: seals and marks are applied to the printed copy"
            ));
        }
        imported.pictures = used;
        return Ok(imported);
    }
    let empty = || format!("{}: the file is empty", path.display());
    let binary = || {
        format!(
            "{}: this is a binary file, not a web page or text",
            path.display()
        )
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(empty());
    }
    // A byte order mark says how the text is encoded (UTF-16 has zero bytes in it, so the
    // binary check is made on the decoded text).
    let bom = encoding_rs::Encoding::for_bom(bytes).is_some();
    if !bom && bytes.iter().take(4096).any(|&b| b == 0) {
        return Err(binary());
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let start = &bytes[..bytes.len().min(4096)];
    let head = if bom {
        html::decode(start)
    } else {
        String::from_utf8_lossy(start).into_owned()
    };
    let is_html = matches!(ext.as_str(), "html" | "htm" | "shtml" | "xhtml")
        || (ext != "txt" && head.to_ascii_lowercase().contains("<html"));
    // A page is decoded as a browser would (by its BOM, else its charset); text with a BOM
    // must be valid in the encoding it names.
    let text = if is_html {
        html::decode(bytes)
    } else if bom {
        crate::files::decode_text(bytes.to_vec()).map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        decode_text(bytes)
    };
    if bom {
        if text.chars().take(4096).any(|c| c == '\0') {
            return Err(binary());
        }
        if text.trim().is_empty() {
            return Err(empty());
        }
    }
    let found = if is_html {
        html::extract(
            &text,
            path.parent().unwrap_or(Path::new(".")),
            options.url.as_deref(),
        )
        .map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        text::extract(&text)
    };
    assemble(found, id, options).map_err(|e| format!("{}: {e}", path.display()))
}

/// Plain text without a byte order mark: UTF-8 if it is valid, else GB18030 (which covers GBK
/// and GB2312).
fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn assemble(mut found: Found, id: String, options: &ImportOptions) -> Result<Imported, String> {
    let Some(title) = found.title.take() else {
        return Err(match found.draft {
            true => "no title found in the draft: add a centred bold title line above the text (or give the document a title in its properties) and import it again".into(),
            false => "no article found: the page has no title".into(),
        });
    };
    if found.body.is_empty() {
        return Err(match found.draft {
            true => "the draft has a title but no text under it".into(),
            false => "no article found: the page has no body text".into(),
        });
    }
    drop_repeated_title(&title, &mut found.body);
    let official = official::recognise(&mut found.body, found.organ.as_deref());
    // Outside a document's shape, a lone "附件" label stands before download links.
    if official.is_none() {
        found
            .body
            .retain(|b| !(b["type"] == "paragraph" && b["text"] == "附件"));
    }
    let mut warnings = std::mem::take(&mut found.warnings);
    // A Word draft's properties stand in for a news article's byline and date; an official
    // document's date is its 成文日期.
    if official.is_none() {
        if found.author.is_none() {
            if let Some(author) = found.author_fallback.take() {
                warnings.push(format!(
                    "author `{author}` taken from the document's properties (docProps/core.xml)"
                ));
                found.author = Some(author);
            }
        }
        if found.published.is_none() {
            if let Some(date) = found.published_fallback.take() {
                warnings.push(format!(
                    "publish time `{date}` taken from when the file was created (docProps/core.xml); check it"
                ));
                found.published = Some(date);
            }
        }
    }
    let draft = found.draft;
    for (name, missing) in [
        (
            "publish time (发布时间)",
            found.published.is_none() && official.is_none(),
        ),
        ("source (来源)", found.source.is_none() && !draft),
        ("breadcrumb (当前位置)", found.channel.is_empty() && !draft),
    ] {
        if missing {
            warnings.push(format!("no {name} found; the field is left out"));
        }
    }
    let url = options.url.clone().or(found.url.take());
    if url.is_none() {
        warnings.push("no url given (--url); the outputs will have no QR code".into());
    }
    // The source often names the issuer's own channel ("某某厅官方微信公众号"): its owner is the
    // issuer. Said in a warning, so that it can be overridden with --issuer.
    let issuer = options
        .issuer
        .clone()
        .or(found.organ.take())
        .or(found.site.take())
        .or_else(|| {
            let from_source = found.source.as_deref().and_then(issuer_from_source);
            if let Some(i) = &from_source {
                warnings.push(format!(
                    "issuer `{i}` taken from the source; give --issuer to set another"
                ));
            }
            from_source
        });
    let all_text: String = found
        .body
        .iter()
        .filter_map(|b| b["text"].as_str())
        .collect::<String>()
        + &title;
    let mut attachments = found.attachments;
    let mut record_official = (None, None, None, None);
    let mut imprint = (Vec::new(), None, None);
    let (mut order_number, mut attendance) = (None, None);
    if let Some(mut parts) = official {
        // The 附件说明's attachments first, in its numbering; download links with the same
        // name give theirs a url, other links follow.
        let mut listed = parts.attachment_entries();
        for link in std::mem::take(&mut attachments) {
            match listed.iter_mut().find(|a| a["name"] == link["name"]) {
                Some(a) => a["url"] = link["url"].clone(),
                None => listed.push(link),
            }
        }
        attachments = listed;
        order_number = parts.order_number.take();
        let [present, on_leave, observers] = std::mem::take(&mut parts.attendance);
        if !(present.is_empty() && on_leave.is_empty() && observers.is_empty()) {
            let mut a = serde_json::Map::new();
            for (key, names) in [
                ("present", present),
                ("on_leave", on_leave),
                ("observers", observers),
            ] {
                if !names.is_empty() {
                    a.insert(key.into(), serde_json::json!(names));
                }
            }
            attendance = Some(serde_json::Value::Object(a));
        }
        let signers = std::mem::take(&mut parts.signers);
        let signature = parts.signature.map(|(names, date)| {
            if !signers.is_empty() {
                let signers: Vec<_> = signers
                    .iter()
                    .map(|(title, name)| serde_json::json!({"title": title, "name": name}))
                    .collect();
                return serde_json::json!({"signers": signers, "date": date});
            }
            let name = if names.len() == 1 {
                serde_json::Value::String(names[0].clone())
            } else {
                serde_json::json!(names)
            };
            serde_json::json!({"name": name, "date": date})
        });
        imprint = (parts.cc, parts.printed_by, parts.printed_date);
        record_official = (parts.doc_number, parts.recipients, signature, parts.note);
    }
    let (doc_number, recipients, signature, note) = record_official;
    let doc_number = doc_number.or(found.doc_number.take());
    let record = ImportedRecord {
        id,
        language: detect_language(&all_text).tag().to_owned(),
        title,
        subtitle: found.subtitle,
        issuer_mark: found.issuer_mark,
        copy_number: found.copy_number,
        classification: found.classification,
        secrecy_period: None,
        urgency: found.urgency,
        signer: found.signer,
        order_number,
        attendance,
        channel: found.channel,
        published: found.published,
        source: found.source,
        author: found.author,
        issuer,
        doc_number,
        recipients,
        url,
        attachments,
        signature,
        note,
        cc: imprint.0,
        printed_by: imprint.1,
        printed_date: imprint.2,
        body: found.body,
    };
    Ok(Imported {
        record,
        warnings,
        pictures: Vec::new(),
    })
}

/// Drops the paragraphs and headings at the top of `body` that together repeat `title`
/// (pages often open their content with the title again, split over lines): compared without
/// whitespace, up to four blocks. Nothing is dropped unless they make up the whole title.
fn drop_repeated_title(title: &str, body: &mut Vec<serde_json::Value>) {
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let want = squeeze(title);
    if want.is_empty() {
        return;
    }
    let mut joined = String::new();
    for (i, block) in body.iter().take(4).enumerate() {
        let Some(text) = block["text"].as_str().filter(|_| block["type"] != "quote") else {
            return;
        };
        joined.push_str(&squeeze(text));
        if joined == want {
            body.drain(..=i);
            return;
        }
        if !want.starts_with(&joined) {
            return;
        }
    }
}

/// "内蒙古自治区生态环境厅官方微信公众号" -> "内蒙古自治区生态环境厅".
fn issuer_from_source(source: &str) -> Option<String> {
    const CHANNELS: &[&str] = &[
        "官方微信公众号",
        "微信公众号",
        "官方微博",
        "官方网站",
        "门户网站",
        "官网",
    ];
    CHANNELS
        .iter()
        .find_map(|c| source.strip_suffix(c))
        .map(str::trim)
        .filter(|s| s.chars().count() >= 2)
        .map(str::to_owned)
}

/// Traditional when characters only Traditional Chinese uses are common, English when there
/// is no Chinese at all, else Simplified.
pub(crate) fn detect_language(text: &str) -> Language {
    const TRADITIONAL: &str = "們這國發會對關學點與說時來實們動經還個門間當體現處應務經據環據區導";
    let han = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    if han == 0 {
        return Language::English;
    }
    let traditional = text.chars().filter(|c| TRADITIONAL.contains(*c)).count();
    if traditional * 50 > han {
        Language::TraditionalChinese
    } else {
        Language::SimplifiedChinese
    }
}

/// A paragraph, or a heading when it opens like one ("一、", "（一）", "1.") and is short.
/// Body blocks from text typed or pasted into a form. Blank lines separate paragraphs and the
/// lines of one paragraph are joined; text without any blank line (as Word copies it) has one
/// paragraph per line. Numbered headings ("一、", "（一）", "1.") and image markers ("[图1]")
/// always stand alone. Lines with tabs are a table pasted from Excel, WPS or Word (see
/// [`pasted`] for its `<` and `^` join marks); a "表1 …" line right above one is its caption.
///
/// Errors: a pasted table's join marks that cannot be honoured, named by the text's line and
/// the table's row and cell ("line 4: the table's row 2, cell 1: …").
pub fn body_blocks(text: &str) -> Result<Vec<serde_json::Value>, String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let blank_separated =
        lines.iter().any(|l| is_blank(l)) && lines.iter().filter(|l| !is_blank(l)).count() > 1;
    let mut blocks = Vec::new();
    let mut paragraph = String::new();
    let flush = |paragraph: &mut String, blocks: &mut Vec<serde_json::Value>| {
        if !paragraph.is_empty() {
            blocks.push(paragraph_block(paragraph));
            paragraph.clear();
        }
    };
    let mut rest = text.as_str();
    let mut number = 0usize;
    // The list being filled by consecutive item lines: (ordered, its block's index).
    let mut list: Option<(bool, usize)> = None;
    while !rest.is_empty() {
        let table = match pasted::is_table_line(rest.lines().next().unwrap_or_default()) {
            true => pasted::read(rest).map_err(|e| {
                format!(
                    "line {}: the table's row {}, cell {}: {}",
                    number + 1,
                    e.row,
                    e.cell,
                    e.message
                )
            })?,
            false => None,
        };
        if let Some(table) = table {
            flush(&mut paragraph, &mut blocks);
            list = None;
            let (taken, left) = rest.split_at(table.consumed);
            number += taken.matches('\n').count();
            rest = left;
            let mut block = table.block;
            let caption = blocks
                .last()
                .filter(|b: &&serde_json::Value| b["type"] == "paragraph")
                .and_then(|b| b["text"].as_str())
                .filter(|t| pasted::is_caption(t))
                .map(str::to_owned);
            if let Some(caption) = caption {
                blocks.pop();
                block["caption"] = serde_json::Value::String(caption);
            }
            blocks.push(block);
            continue;
        }
        let (raw, left) = rest.split_once('\n').unwrap_or((rest, ""));
        rest = left;
        number += 1;
        let indented = raw.starts_with('\u{3000}') || raw.starts_with("  ");
        let line = raw.trim().trim_matches('\u{3000}').trim();
        if line.is_empty() {
            flush(&mut paragraph, &mut blocks);
            list = None;
            continue;
        }
        // "# 标题" … "#### 标题": a heading of that level without a number.
        if let Some((level, heading)) = marked_heading(line) {
            flush(&mut paragraph, &mut blocks);
            list = None;
            blocks.push(serde_json::json!({"type": "heading", "level": level, "text": heading}));
            continue;
        }
        // "- 项": an item of a list without numbers; "1. 项" over "2. 项" …: a numbered list.
        let next_line = rest.lines().next().unwrap_or_default();
        let item = bullet_item(line).map(|t| (false, t)).or_else(|| {
            let (n, t) = numbered_item(line)?;
            let expected = match list {
                Some((true, at)) => blocks[at]["items"].as_array().map_or(0, Vec::len) + 1,
                _ => 1,
            };
            let continues = n == expected && expected > 1;
            let starts = n == 1 && numbered_item(next_line).is_some_and(|(m, _)| m == 2);
            (continues || starts).then_some((true, t))
        });
        if let Some((ordered, text)) = item {
            flush(&mut paragraph, &mut blocks);
            match list {
                Some((o, at)) if o == ordered => {
                    if let Some(items) = blocks[at]["items"].as_array_mut() {
                        items.push(serde_json::Value::String(text.to_owned()));
                    }
                }
                _ => {
                    blocks.push(
                        serde_json::json!({"type": "list", "ordered": ordered, "items": [text]}),
                    );
                    list = Some((ordered, blocks.len() - 1));
                }
            }
            continue;
        }
        list = None;
        // A caption stands alone when a table follows it.
        let caption = pasted::is_caption(line)
            && rest
                .lines()
                .find(|l| !is_blank(l))
                .is_some_and(pasted::is_table_line);
        let alone = heading_level(line).is_some() || image_marker(line).is_some() || caption;
        if alone || !blank_separated || indented {
            flush(&mut paragraph, &mut blocks);
        }
        if alone {
            blocks.push(paragraph_block(line));
            continue;
        }
        join_line(&mut paragraph, line);
    }
    flush(&mut paragraph, &mut blocks);
    Ok(blocks)
}

/// "# 标题" to "#### 标题" (ASCII or full-width ＃, then a space): a heading's level and text.
fn marked_heading(line: &str) -> Option<(usize, &str)> {
    let hashes = line.chars().take_while(|c| matches!(c, '#' | '＃')).count();
    let rest: &str = &line[line.char_indices().nth(hashes)?.0..];
    let text = rest.strip_prefix([' ', '\u{3000}'])?.trim();
    ((1..=4).contains(&hashes) && !text.is_empty()).then_some((hashes, text))
}

/// "- 项", "• 项", "· 项": an item of a list without numbers.
fn bullet_item(line: &str) -> Option<&str> {
    let text = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("• "))
        .or_else(|| line.strip_prefix("· "))?
        .trim();
    (!text.is_empty()).then_some(text)
}

/// "3. 项" or "3．项": an item's number and text.
fn numbered_item(line: &str) -> Option<(usize, &str)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let n = line[..digits].parse().ok()?;
    let text = line[digits..].strip_prefix(['.', '．'])?.trim();
    (!text.is_empty()).then_some((n, text))
}

/// The body as the form's text ([`body_blocks`] reads it back): paragraphs apart by blank
/// lines; headings as their numbered text, or "#"-marked when the text does not give their
/// level; lists as "- " or "1. " lines; tables as tab-separated rows with `<` and `^` for
/// merged cells; pictures as "[图N]" markers (N counting pictures from 1). Also returns each
/// picture block, in marker order, and what the form cannot hold (said in `warnings`): line
/// breaks inside a paragraph, a table's caption that is not "表N …", quotes' attribution.
pub fn form_text(blocks: &[serde_json::Value]) -> (String, Vec<serde_json::Value>, Vec<String>) {
    let mut out: Vec<String> = Vec::new();
    let mut pictures = Vec::new();
    let mut warnings = Vec::new();
    let mut broken = false;
    let one_line = |t: &str, broken: &mut bool| {
        if t.contains('\n') {
            *broken = true;
        }
        let mut joined = String::new();
        for line in t.lines() {
            join_line(&mut joined, line.trim());
        }
        joined
    };
    for block in blocks {
        let text = block["text"].as_str().unwrap_or_default();
        match block["type"].as_str().unwrap_or_default() {
            "heading" => {
                let level = block["level"].as_u64().unwrap_or(1) as usize;
                let text = one_line(text, &mut broken);
                if heading_level(&text) == Some(level as u8) {
                    out.push(text);
                } else {
                    out.push(format!("{} {text}", "#".repeat(level.clamp(1, 4))));
                }
            }
            "list" => {
                let ordered = block["ordered"].as_bool().unwrap_or(false);
                let items: Vec<String> = block["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i.as_str())
                    .enumerate()
                    .map(|(i, item)| match ordered {
                        true => format!("{}. {item}", i + 1),
                        false => format!("- {item}"),
                    })
                    .collect();
                out.push(items.join("\n"));
            }
            "image" => {
                pictures.push(block.clone());
                out.push(format!("[图{}]", pictures.len()));
            }
            "table" => {
                let mut lines = Vec::new();
                if let Some(caption) = block["caption"].as_str() {
                    if pasted::is_caption(caption) {
                        lines.push(caption.to_owned());
                    } else {
                        warnings.push(format!(
                            "the table caption `{caption}` does not start with 表 and a number; it is kept as a paragraph above the table"
                        ));
                        out.push(caption.to_owned());
                    }
                }
                lines.extend(table_rows(block));
                out.push(lines.join("\n"));
            }
            "quote" => {
                out.push(one_line(text, &mut broken));
                if block.get("attribution").is_some() {
                    warnings.push("a quote's attribution is kept only in the record".into());
                }
            }
            _ => out.push(one_line(text, &mut broken)),
        }
    }
    if broken {
        warnings.push(
            "line breaks inside a paragraph are not kept in the form: its lines are joined".into(),
        );
    }
    (out.join("\n\n"), pictures, warnings)
}

/// A table block's rows as tab-separated lines, `<` and `^` in the cells a merged cell covers.
fn table_rows(block: &serde_json::Value) -> Vec<String> {
    let rows = block["rows"].as_array().cloned().unwrap_or_default();
    // The grid: for each row, the text of each column (None until placed).
    let mut grid: Vec<Vec<Option<String>>> = vec![Vec::new(); rows.len()];
    for (r, row) in rows.iter().enumerate() {
        let mut column = 0;
        for cell in row.as_array().into_iter().flatten() {
            while grid[r].get(column).is_some_and(Option::is_some) {
                column += 1;
            }
            let (text, colspan, rowspan) = match cell {
                serde_json::Value::String(s) => (s.clone(), 1, 1),
                c => (
                    c["text"].as_str().unwrap_or_default().to_owned(),
                    c["colspan"].as_u64().unwrap_or(1).max(1) as usize,
                    c["rowspan"].as_u64().unwrap_or(1).max(1) as usize,
                ),
            };
            for dr in 0..rowspan.min(rows.len() - r) {
                let line = &mut grid[r + dr];
                if line.len() < column + colspan {
                    line.resize(column + colspan, None);
                }
                for dc in 0..colspan {
                    line[column + dc] = Some(match (dr, dc) {
                        (0, 0) => text.replace(['\t', '\n'], " "),
                        (0, _) => pasted::JOIN_LEFT.to_owned(),
                        _ => pasted::JOIN_UP.to_owned(),
                    });
                }
            }
            column += colspan;
        }
    }
    grid.into_iter()
        .map(|line| {
            line.into_iter()
                .map(Option::unwrap_or_default)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect()
}

fn is_blank(line: &str) -> bool {
    line.trim().trim_matches('\u{3000}').trim().is_empty()
}

/// Appends a wrapped line: Chinese joins directly, Latin words get a space between them.
fn join_line(paragraph: &mut String, line: &str) {
    let last = paragraph.chars().last();
    let first = line.chars().next();
    if let (Some(a), Some(b)) = (last, first) {
        if !crate::layout::is_cjk(a) && !crate::layout::is_cjk(b) {
            paragraph.push(' ');
        }
    }
    paragraph.push_str(line);
}

/// The 1-based number of an image marker line: "[图1]", "[图片 2]", "[image 3]".
pub fn image_marker(line: &str) -> Option<usize> {
    let inner = line
        .trim()
        .strip_prefix(['[', '【'])?
        .strip_suffix([']', '】'])?
        .trim();
    let digits = ["图片", "图", "圖片", "圖", "image", "Image"]
        .iter()
        .find_map(|p| inner.strip_prefix(p))?
        .trim();
    digits.parse().ok().filter(|n| *n > 0)
}

fn paragraph_block(text: &str) -> serde_json::Value {
    match heading_level(text) {
        Some(level) => serde_json::json!({"type": "heading", "level": level, "text": text}),
        None => serde_json::json!({"type": "paragraph", "text": text}),
    }
}

fn heading_level(text: &str) -> Option<u8> {
    // A list item ("1.居民身份证原件；") or an unfinished sentence is no heading.
    let ends_open = text
        .trim_end()
        .ends_with(['；', ';', '，', ',', '：', ':', '、']);
    if text.chars().count() > 40 || text.contains('。') || ends_open {
        return None;
    }
    numbering_level(text)
}

/// A numbered heading set in bold and run into its paragraph's first sentence
/// ("**（一）加强组织领导。**各地要……"): `lead` is the bold text opening `text`. Gives the
/// heading block (its closing mark dropped) and the rest of the paragraph; `None` when the lead
/// is no numbered heading (a bare "（一）", a whole bold paragraph, over 40 characters).
pub(crate) fn split_run_in(lead: &str, text: &str) -> Option<(serde_json::Value, String)> {
    let run = lead.trim();
    let words = run.trim_end_matches(['。', '；', '：']);
    let (level, n) = numbering(run)?;
    if words.chars().count() <= n || run.chars().count() > 40 {
        return None;
    }
    let rest = text.trim().strip_prefix(run)?.trim();
    if rest.is_empty() {
        return None;
    }
    let heading = run.trim_end_matches(['。', '；', '：', ':', ';']);
    Some((
        serde_json::json!({"type": "heading", "level": level, "text": heading}),
        rest.to_owned(),
    ))
}

/// The heading level a line's numbering gives it, as GB/T 9704-2012 (7.3.3) numbers the
/// levels of a document's structure: "一、" 1, "（一）" 2, "1." 3, "（1）" 4.
pub(crate) fn numbering_level(text: &str) -> Option<u8> {
    numbering(text).map(|(level, _)| level)
}

/// [`numbering_level`] and the length of the number with its mark, in characters ("（一）" 3,
/// "12." 3); a "1." must be followed by something.
pub(crate) fn numbering(text: &str) -> Option<(u8, usize)> {
    const NUMERALS: &str = "一二三四五六七八九十";
    let chars: Vec<char> = text.chars().collect();
    let run = |from: usize, f: fn(&char) -> bool| chars[from..].iter().take_while(|c| f(c)).count();
    let chinese = |c: &char| NUMERALS.contains(*c);
    let first = *chars.first()?;
    if NUMERALS.contains(first) {
        let n = run(0, chinese);
        return (chars.get(n) == Some(&'、')).then_some((1, n + 1));
    }
    if first == '（' || first == '(' {
        // "（1）" to "（99）"; "（2025）" is a year, not a heading's number.
        let (n, level) = match (run(1, chinese), run(1, char::is_ascii_digit)) {
            (0, digits @ 1..=2) => (digits, 4),
            (0, _) => return None,
            (numerals, _) => (numerals, 2),
        };
        return matches!(chars.get(1 + n), Some('）' | ')')).then_some((level, n + 2));
    }
    if first.is_ascii_digit() {
        let n = run(0, char::is_ascii_digit);
        return (matches!(chars.get(n), Some('.' | '．' | '、')) && chars.len() > n + 1)
            .then_some((3, n + 1));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record opened into the form reads as `convert` reads it: a body string's lines
    /// within a paragraph are one paragraph, lists given as strings are one entry a line.
    #[test]
    fn a_record_is_read_into_the_forms_shape_as_convert_reads_it() {
        let record = serde_json::json!({
            "title": "通知", "body": "第一段\n接着写。\n\n第二段。",
            "issuer_mark": "甲局\n乙局", "cc": ["市委办公室", "市政府办公室"],
            "channel": "首页 > 通知公告", "attendance": {"present": "张三\n李四"},
        });
        let r = ImportedRecord::from_record(&record);
        let texts: Vec<&str> = r.body.iter().filter_map(|b| b["text"].as_str()).collect();
        assert_eq!(texts, ["第一段接着写。", "第二段。"]);
        assert_eq!(r.issuer_mark, ["甲局", "乙局"]);
        assert_eq!(r.cc, ["市委办公室", "市政府办公室"]);
        assert_eq!(r.channel, ["首页", "通知公告"]);
        assert_eq!(
            r.attendance,
            Some(serde_json::json!({"present": ["张三", "李四"]}))
        );
    }

    #[test]
    fn a_title_repeated_at_the_top_is_dropped_once() {
        let p = |t: &str| serde_json::json!({"type": "paragraph", "text": t});
        let title = "国务院关于推进城市公园绿地 建设的通知";
        let mut body = vec![
            p("国务院关于推进城市"),
            p("公园绿地建设的通知"),
            p("各省人民政府："),
        ];
        drop_repeated_title(title, &mut body);
        assert_eq!(body, vec![p("各省人民政府：")]);
        // Only the whole title, never a paragraph that merely starts like it.
        let mut body = vec![
            p("国务院关于推进城市公园绿地建设的通知要求各地……"),
            p("正文"),
        ];
        drop_repeated_title(title, &mut body);
        assert_eq!(body.len(), 2);
        let mut body = vec![p("国务院关于推进城市"), p("正文")];
        drop_repeated_title(title, &mut body);
        assert_eq!(body.len(), 2);
    }

    #[test]
    fn headings_are_recognised_by_their_numbering() {
        assert_eq!(heading_level("一、总体要求"), Some(1));
        assert_eq!(heading_level("十二、其他"), Some(1));
        assert_eq!(heading_level("（一）加强组织领导"), Some(2));
        assert_eq!(heading_level("1.开展专项检查"), Some(3));
        assert_eq!(heading_level("（1）建立台账"), Some(4));
        assert_eq!(heading_level("（2025）年度计划"), None);
        assert_eq!(heading_level("2025年重点落实好七项任务"), None);
        assert_eq!(
            heading_level("一是在协同推进我国北方重要生态安全屏障建设上有作为。"),
            None
        );
        assert_eq!(
            heading_level("（一）加强组织领导，各地要高度重视，确保各项任务落到实处。"),
            None
        );
    }

    #[test]
    fn form_text_becomes_paragraphs_headings_and_image_markers() {
        let text = "一、总体要求\n第一段第一行，\n第一段第二行。\n\n第二段 with\nEnglish words.\n[图1]\n（一）小标题\n\u{3000}\u{3000}缩进开始新段。";
        let blocks = body_blocks(text).unwrap();
        let kinds: Vec<(&str, &str)> = blocks
            .iter()
            .map(|b| (b["type"].as_str().unwrap(), b["text"].as_str().unwrap()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("heading", "一、总体要求"),
                ("paragraph", "第一段第一行，第一段第二行。"),
                ("paragraph", "第二段 with English words."),
                ("paragraph", "[图1]"),
                ("heading", "（一）小标题"),
                ("paragraph", "缩进开始新段。"),
            ]
        );
        // Without blank lines every line is a paragraph (text copied from Word).
        assert_eq!(body_blocks("甲。\n乙。\n").unwrap().len(), 2);
        assert_eq!(image_marker("[图片 2]"), Some(2));
        assert_eq!(image_marker("【图3】"), Some(3));
        assert_eq!(image_marker("[image 1]"), Some(1));
        assert_eq!(image_marker("[图]"), None);
        assert_eq!(image_marker("图1"), None);
    }

    #[test]
    fn pasted_tables_become_table_blocks_with_their_captions() {
        let text = "经研究，安排如下。\n\n表1 项目安排\n类别\t项目\t资金\n教育\t幼儿园\t1200\n^\t食堂\t800\n\n各单位抓好落实。";
        let blocks = body_blocks(text).unwrap();
        assert_eq!(blocks.len(), 3, "{blocks:?}");
        assert_eq!(blocks[1]["type"], "table");
        assert_eq!(blocks[1]["caption"], "表1 项目安排");
        assert_eq!(
            blocks[1]["rows"],
            serde_json::json!([["类别", "项目", "资金"],
                [{"text": "教育", "colspan": 1, "rowspan": 2}, "幼儿园", "1200"], ["食堂", "800"]])
        );
        assert_eq!(blocks[2]["text"], "各单位抓好落实。");
        // The block parses as a record's table.
        let record = serde_json::json!({"id": "t", "title": "t", "body": blocks});
        crate::record::test_record(&record.to_string());
        // A "表1" line with no table after it is an ordinary line.
        assert_eq!(body_blocks("表1 见附件\n正文。").unwrap().len(), 2);
        let wrong = body_blocks("说明。\n\na\t^\nb\tc").unwrap_err();
        assert_eq!(
            wrong,
            "line 3: the table's row 1, cell 2: `^` joins a cell to the one above it, but this is the first row"
        );
        // Browser text captures read tables the same way (their cells as given).
        let found = text::extract("标题\n正文。\n序号\t单位\n1\t区教育局\n完。\n");
        assert_eq!(
            found.body[1]["rows"],
            serde_json::json!([["序号", "单位"], ["1", "区教育局"]])
        );
        assert_eq!(found.body[2]["text"], "完。");
    }

    #[test]
    fn the_form_text_of_a_body_reads_back_as_the_same_blocks() {
        let body = serde_json::json!([
            {"type": "paragraph", "text": "为切实保障师生安全，现将有关事项通知如下。"},
            {"type": "heading", "level": 1, "text": "一、检查内容"},
            {"type": "heading", "level": 2, "text": "活动内容丰富"},
            {"type": "list", "ordered": true, "items": ["校舍安全鉴定报告；", "名家讲座", "消防记录"]},
            {"type": "list", "ordered": false, "items": ["办理读者证", "图书借还"]},
            {"type": "paragraph", "text": "表格如下。"},
            {"type": "table", "caption": "表1 检查分工", "rows": [["类别", "项目", "责任单位"],
                [{"text": "校舍", "rowspan": 2}, "教学楼", "区教育局"], ["宿舍楼", "学校"],
                ["消防", {"text": "消防设施与通道", "colspan": 2}]]},
            {"type": "image", "path": "a.png", "caption": "图1 流程"},
            {"type": "paragraph", "text": "English words and 中文。"}
        ]);
        let (text, pictures, warnings) = form_text(body.as_array().unwrap());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(pictures.len(), 1);
        let back = body_blocks(&text).unwrap();
        let expected: Vec<serde_json::Value> = body
            .as_array()
            .unwrap()
            .iter()
            .map(|b| match b["type"].as_str() {
                // The marker stands for the picture, which the form carries beside the text.
                Some("image") => serde_json::json!({"type": "paragraph", "text": "[图1]"}),
                _ => b.clone(),
            })
            .collect();
        let normal = |v: &serde_json::Value| {
            // Spans of 1 and the default header row are the same table.
            let mut v = v.clone();
            if v["type"] == "table" {
                v.as_object_mut().unwrap().remove("header_rows");
                for row in v["rows"].as_array_mut().unwrap() {
                    for cell in row.as_array_mut().unwrap() {
                        if cell.is_object() {
                            let o = cell.as_object_mut().unwrap();
                            o.entry("colspan").or_insert(serde_json::json!(1));
                            o.entry("rowspan").or_insert(serde_json::json!(1));
                        }
                    }
                }
            }
            v
        };
        assert_eq!(
            back.iter().map(normal).collect::<Vec<_>>(),
            expected.iter().map(normal).collect::<Vec<_>>(),
            "{text}"
        );
        // A lone "1." line is still a heading, as before; "- " and "#" need their space.
        assert_eq!(body_blocks("1.开展专项检查").unwrap()[0]["type"], "heading");
        assert_eq!(
            body_blocks("-5度以下停工。").unwrap()[0]["type"],
            "paragraph"
        );
        assert_eq!(body_blocks("#1号楼").unwrap()[0]["type"], "paragraph");
    }

    #[test]
    fn issuer_from_the_source_channel() {
        assert_eq!(
            issuer_from_source("内蒙古自治区生态环境厅官方微信公众号").as_deref(),
            Some("内蒙古自治区生态环境厅")
        );
        assert_eq!(issuer_from_source("新华社"), None);
    }

    #[test]
    fn language_detection() {
        assert_eq!(
            detect_language("關於舉辦環境教育講座的公告，歡迎民眾參加。這是我們的活動"),
            Language::TraditionalChinese
        );
        assert_eq!(
            detect_language("关于举办环境教育讲座的公告"),
            Language::SimplifiedChinese
        );
        assert_eq!(detect_language("Public consultation"), Language::English);
    }
}
