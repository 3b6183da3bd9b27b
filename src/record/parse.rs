//! Reading a record file (JSON, YAML or TOML) into a validated [`Article`].
//!
//! Deserialisation goes through `serde_path_to_error`, so type errors and unknown fields name
//! the field path (`body[3].level`) and, from the parser, the line and column.

use super::{
    Article, Attachment, Block, ImageBlock, ImageKind, Language, RecordError, Table, TableCell,
    Timestamp,
};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    Json,
    Yaml,
    Toml,
}

impl RecordFormat {
    pub fn from_path(path: &Path) -> Option<RecordFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(RecordFormat::Json),
            "yaml" | "yml" => Some(RecordFormat::Yaml),
            "toml" => Some(RecordFormat::Toml),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a record: a map of fields such as `title` and `body`"
)]
struct RawRecord {
    title: Option<String>,
    subtitle: Option<String>,
    id: Option<String>,
    #[serde(default)]
    channel: Vec<String>,
    published: Option<DateText>,
    source: Option<String>,
    author: Option<String>,
    issuer: Option<String>,
    issuer_mark: Option<StringOrList>,
    copy_number: Option<String>,
    classification: Option<String>,
    secrecy_period: Option<String>,
    urgency: Option<String>,
    note: Option<String>,
    doc_number: Option<String>,
    order_number: Option<String>,
    signer: Option<String>,
    recipients: Option<String>,
    signature: Option<RawSignature>,
    attendance: Option<RawAttendance>,
    cc: Option<StringOrList>,
    printed_by: Option<String>,
    printed_date: Option<DateText>,
    url: Option<String>,
    language: Option<String>,
    #[serde(default)]
    attachments: Vec<RawAttachment>,
    body: Option<RawBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttachment {
    name: String,
    url: Option<String>,
    body: Option<RawBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    name: Option<StringOrList>,
    signers: Option<Vec<RawSigner>>,
    sealed: Option<bool>,
    date: DateText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSigner {
    title: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttendance {
    present: Option<StringOrList>,
    on_leave: Option<StringOrList>,
    observers: Option<StringOrList>,
}

/// A date field: a string, or a TOML date or date-time written bare (`published =
/// 2025-02-18`), taken as the text TOML gives for it ("2025-02-18", "2025-02-18T18:03:00").
#[derive(Debug)]
struct DateText(String);

impl std::ops::Deref for DateText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as \"2025-02-18\" or \"2025-02-18 18:03\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_owned()))
            }
            // The toml crate hands a bare date over as a map with one private key.
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<DateText, A::Error> {
                match map.next_key::<String>()? {
                    Some(key) if key == "$__toml_private_datetime" => {
                        let text = map.next_value::<String>()?;
                        // A TOML local date-time (no offset) means what "2025-02-18 18:03"
                        // means: a time of day with no zone stated.
                        let local = text
                            .get(10..)
                            .is_some_and(|rest| !rest.contains(['Z', 'z', '+', '-']));
                        Ok(DateText(if local {
                            text.replacen(['T', 't'], " ", 1)
                        } else {
                            text
                        }))
                    }
                    _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `cc` may be one string or a list of names.
struct StringOrList(Vec<String>);

impl<'de> Deserialize<'de> for StringOrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringOrList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StringOrList, E> {
                Ok(StringOrList(vec![v.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringOrList, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(StringOrList(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// The organs of a joint document (联合行文, GB/T 9704-2012 7.2.4, 7.3.5) from a string or a
/// list: every line of every entry is one organ (a `\n` inside a string means the same as a
/// list), trimmed. A blank line around the text of a single string is ignored; an entry (or
/// a line between others) with nothing in it is an error naming `field[i]`, since leaving an
/// organ out would change who issued the document.
fn organs(list: StringOrList, field: &str) -> Result<Vec<String>, (String, String)> {
    let single = list.0.len() == 1;
    let mut out = Vec::new();
    for (i, entry) in list.0.iter().enumerate() {
        let entry = if single { entry.trim() } else { entry.as_str() };
        let at = if single {
            field.to_owned()
        } else {
            format!("{field}[{i}]")
        };
        if single && entry.is_empty() {
            return Ok(Vec::new());
        }
        for (line_no, line) in entry.split('\n').enumerate() {
            let line = line.trim();
            if line.is_empty() {
                let which = if entry.contains('\n') {
                    format!(" (line {})", line_no + 1)
                } else {
                    String::new()
                };
                return Err((
                    at,
                    format!("an organ's name is empty{which}; one organ per line or list entry"),
                ));
            }
            out.push(line.to_owned());
        }
    }
    // "文件" (命令, 令, 纪要) alone belongs after the organs (7.2.4, 10.2, 10.3), never
    // between them.
    if let Some(i) = out
        .iter()
        .position(|o| ["文件", "命令", "令", "纪要"].contains(&o.as_str()))
    {
        if i + 1 < out.len() {
            return Err((
                if single {
                    field.to_owned()
                } else {
                    format!("{field}[{i}]")
                },
                format!(
                    "\"{}\" stands after the organs' names (GB/T 9704-2012 7.2.4, 10.2, 10.3), as the last entry",
                    out[i]
                ),
            ));
        }
    }
    Ok(out)
}

/// The name of entry `i` of a string-or-list field with `len` entries: the field itself when
/// the record gave one string.
fn entry_field(field: &str, i: usize, len: usize) -> String {
    if len == 1 {
        field.to_owned()
    } else {
        format!("{field}[{i}]")
    }
}

/// 密级 (GB/T 9704-2012 7.2.2; the levels of the Law on Guarding State Secrets).
pub const CLASSIFICATIONS: [&str; 3] = ["绝密", "机密", "秘密"];
/// The longest 保密期限 accepted, in characters ("6个月", "长期", "10年").
const MAX_SECRECY_PERIOD: usize = 10;
/// 紧急程度 (GB/T 9704-2012 7.2.3).
pub const URGENCIES: [&str; 2] = ["特急", "加急"];

/// The 密级 as printed: the level, and "★" and the 保密期限 when there is one ("秘密★1年"),
/// from `classification` (which may carry the period itself: "秘密★1年") and
/// `secrecy_period`. A level outside [`CLASSIFICATIONS`] is an error naming the field.
fn classification(
    level: Option<String>,
    period: Option<String>,
) -> Result<Option<String>, (&'static str, String)> {
    let Some(level) = level else {
        return match period {
            Some(_) => Err((
                "secrecy_period",
                "a 保密期限 needs a 密级 (`classification`)".to_owned(),
            )),
            None => Ok(None),
        };
    };
    let (name, own) = match level.split_once(['★', '*', '☆']) {
        Some((n, p)) => (n.trim().to_owned(), Some(p.trim().to_owned())),
        None => (level.clone(), None),
    };
    if !CLASSIFICATIONS.contains(&name.as_str()) {
        return Err((
            "classification",
            format!(
                "密级 \"{name}\" is not one of {} (GB/T 9704-2012 7.2.2)",
                CLASSIFICATIONS.join("、")
            ),
        ));
    }
    let period = match (own.filter(|p| !p.is_empty()), period) {
        (Some(p), _) | (None, Some(p)) if p.chars().count() > MAX_SECRECY_PERIOD => {
            return Err((
                "secrecy_period",
                format!(
                    "保密期限 \"{p}\" is longer than {MAX_SECRECY_PERIOD} characters; write a period such as \"1年\", \"6个月\" or \"长期\""
                ),
            ))
        }
        (Some(a), Some(b)) if a != b => {
            return Err((
                "secrecy_period",
                format!("the 保密期限 is \"{b}\" here and \"{a}\" in `classification`"),
            ))
        }
        (a, b) => a.or(b),
    };
    Ok(Some(match period {
        Some(p) => format!("{name}★{p}"),
        None => name,
    }))
}

/// `body` is either one string or a list of blocks.
enum RawBody {
    Text(String),
    Blocks(Vec<RawBlock>),
}

impl<'de> Deserialize<'de> for RawBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct BodyVisitor;
        impl<'de> Visitor<'de> for BodyVisitor {
            type Value = RawBody;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string (blank lines separate paragraphs) or a list of blocks")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawBody, E> {
                Ok(RawBody::Text(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawBody, A::Error> {
                let mut blocks = Vec::new();
                while let Some(block) = seq.next_element::<RawBlock>()? {
                    blocks.push(block);
                }
                Ok(RawBody::Blocks(blocks))
            }
        }
        d.deserialize_any(BodyVisitor)
    }
}

/// One block with every field any block type may carry; which fields belong to which
/// type is checked afterwards so that the error can name the exact field.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a block with a `type` (paragraph, heading, list, table, image or quote) and its fields"
)]
struct RawBlock {
    #[serde(rename = "type")]
    kind: String,
    text: Option<String>,
    level: Option<u8>,
    ordered: Option<bool>,
    items: Option<Vec<String>>,
    rows: Option<Vec<Vec<RawCell>>>,
    header_rows: Option<usize>,
    widths: Option<Vec<f32>>,
    path: Option<String>,
    caption: Option<String>,
}

/// A table cell as a record writes it: a string, or an object with the text and its spans.
#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a cell: a string, or {\"text\": …, \"colspan\": n, \"rowspan\": n}"
)]
enum RawCell {
    Text(String),
    Spanned(SpannedCell),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpannedCell {
    text: String,
    colspan: Option<usize>,
    rowspan: Option<usize>,
}

impl RawCell {
    fn text(&self) -> &str {
        match self {
            RawCell::Text(t) => t,
            RawCell::Spanned(c) => &c.text,
        }
    }
}

const BLOCK_TYPES: &[(&str, &[&str], &[&str])] = &[
    // (type, required fields, optional fields)
    ("paragraph", &["text"], &[]),
    ("heading", &["level", "text"], &[]),
    ("list", &["items"], &["ordered"]),
    ("table", &["rows"], &["header_rows", "caption", "widths"]),
    ("image", &["path"], &["caption"]),
    ("quote", &["text"], &[]),
];

/// Most body blocks in a record, and the largest table: far beyond any notice, small enough
/// that layout stays quick.
pub const MAX_BLOCKS: usize = 10_000;
pub const MAX_TABLE_ROWS: usize = 2_000;
pub const MAX_TABLE_COLUMNS: usize = 50;
/// Most characters of text in one record (title, body, captions, cells): several novels'
/// worth, and still laid out in seconds.
pub const MAX_TEXT_CHARS: usize = 1_000_000;
/// Longest value of any field outside the body (title, source, 发文字号, a channel entry, an
/// attachment's name, a url …), in characters: far beyond any real one, and refused before
/// anything is laid out.
pub const MAX_FIELD_CHARS: usize = 2_000;
/// Most entries of a list outside the body (`channel`, `cc`, `attachments`).
pub const MAX_LIST_ENTRIES: usize = 1_000;
/// Longest record id, in bytes: it names the output files.
pub const MAX_ID_BYTES: usize = 200;
/// Largest record file read (a whole year of notices fits many times over).
pub const MAX_RECORD_BYTES: u64 = 50 * 1024 * 1024;
/// Largest image file, and most pixels an image may have (its decoded size is checked before
/// decoding, against decompression bombs: a few KB of PNG can claim gigapixels).
pub const MAX_IMAGE_BYTES: usize = 30 * 1024 * 1024;
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
/// All images of one record together (they are held in memory while it is converted).
pub const MAX_RECORD_IMAGE_BYTES: usize = 100 * 1024 * 1024;

/// Reads and validates a record file; images are resolved relative to the file and must lie
/// inside its directory unless `allow_outside_images`.
pub fn load_record(path: &Path, allow_outside_images: bool) -> Result<Article, RecordError> {
    let (text, format) = read_record_text(path)?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("article")
        .to_owned();
    let base = path.parent().unwrap_or(Path::new("."));
    let images = if allow_outside_images {
        ImageBase::Dir(base)
    } else {
        ImageBase::Confined(base)
    };
    parse_record_in(&text, format, path, &stem, images)
}

/// A record file's text and format, with the errors `load_record` reports.
pub fn read_record_text(path: &Path) -> Result<(String, RecordFormat), RecordError> {
    let error = |message: String| RecordError {
        file: path.to_path_buf(),
        field: None,
        position: None,
        message,
    };
    // A missing path is said as such, whatever its name.
    match std::fs::metadata(path) {
        Err(e) => return Err(error(format!("cannot read the file: {e}"))),
        Ok(m) if m.is_dir() => {
            return Err(error(
                "this is a directory; convert takes record files — convert a directory's records with `bulletin batch DIR --out OUT`".into(),
            ))
        }
        Ok(_) => {}
    }
    let format = RecordFormat::from_path(path).ok_or_else(|| {
        error("unknown record format: the file name must end in .json, .yaml, .yml or .toml".into())
    })?;
    let bytes = crate::files::read_regular(path, MAX_RECORD_BYTES).map_err(|e| match e {
        crate::files::ReadError::TooLarge(found, limit) => error(format!(
            "the file is {}; records may be at most {}",
            crate::files::size_text(found),
            crate::files::size_text(limit)
        )),
        other => error(other.to_string()),
    })?;
    let text = crate::files::decode_text(bytes).map_err(error)?;
    Ok((text, format))
}

/// Parses record text. `file` is used in errors, `default_id` when the record has no id,
/// and `base_dir` to resolve image paths.
pub fn parse_record(
    text: &str,
    format: RecordFormat,
    file: &Path,
    default_id: &str,
    base_dir: &Path,
) -> Result<Article, RecordError> {
    parse_record_in(text, format, file, default_id, ImageBase::Dir(base_dir))
}

/// Where a record's image paths lead.
#[derive(Debug, Clone, Copy)]
pub enum ImageBase<'a> {
    /// Relative to this directory, or absolute: any file the user can read
    /// (`--allow-outside-images`).
    Dir(&'a Path),
    /// Only inside this directory: no absolute paths, no `..`, no link leading out (the default,
    /// and always for files uploaded to the web page).
    Confined(&'a Path),
    /// Only these pictures, by name (a Word draft's, imported and converted in one step); the
    /// path is the directory they are said to lie in.
    Memory(&'a Path, &'a [(String, Vec<u8>)]),
}

/// [`parse_record`] with a choice of where images may come from.
pub fn parse_record_in(
    text: &str,
    format: RecordFormat,
    file: &Path,
    default_id: &str,
    images: ImageBase,
) -> Result<Article, RecordError> {
    // A byte order mark (Windows editors write one) is not part of the record.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw = deserialize(text, format, file)?;
    validate(raw, file, default_id, images)
}

fn deserialize(text: &str, format: RecordFormat, file: &Path) -> Result<RawRecord, RecordError> {
    let fail = |path: String, position: Option<(usize, usize)>, message: String| RecordError {
        file: file.to_path_buf(),
        // serde_path_to_error says "?" where it knows no field (the text ended early).
        field: (!path.is_empty() && path != "." && path != "?").then_some(path),
        position,
        message: with_hint(&message),
    };
    if text.trim().is_empty() {
        return Err(fail(String::new(), None, "the file is empty".into()));
    }
    // serde would take a list for a record (its fields in order); say what a record is.
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .unwrap_or_default();
    let is_list = match format {
        RecordFormat::Json => text.trim_start().starts_with('['),
        RecordFormat::Yaml => {
            first_line.starts_with('[') || first_line == "-" || first_line.starts_with("- ")
        }
        RecordFormat::Toml => false,
    };
    if is_list {
        return Err(fail(
            String::new(),
            None,
            "the file holds a list; a record is a map of fields such as `title` and `body` \
             (for many records use NDJSON with `bulletin batch`)"
                .into(),
        ));
    }
    match format {
        RecordFormat::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let raw: RawRecord = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let inner = e.inner();
                let pos = (inner.line() > 0).then(|| (inner.line(), inner.column()));
                fail(
                    e.path().to_string(),
                    pos,
                    strip_position(&inner.to_string()),
                )
            })?;
            de.end().map_err(|e| {
                fail(
                    String::new(),
                    Some((e.line(), e.column())),
                    strip_position(&e.to_string()),
                )
            })?;
            Ok(raw)
        }
        RecordFormat::Yaml => {
            let de = serde_norway::Deserializer::from_str(text);
            serde_path_to_error::deserialize(de).map_err(|e| {
                let inner = e.inner();
                let pos = inner.location().map(|l| (l.line(), l.column()));
                let path = e.path().to_string();
                // serde_norway names the field in its message too; it is reported apart.
                let message = strip_position(&inner.to_string());
                let message = message
                    .strip_prefix(&format!("{path}: "))
                    .map_or(message.clone(), str::to_owned);
                fail(path, pos, message)
            })
        }
        RecordFormat::Toml => {
            let de = toml::Deserializer::parse(text).map_err(|e| {
                let pos = e.span().map(|s| line_column(text, s.start));
                fail(String::new(), pos, e.message().to_owned())
            })?;
            serde_path_to_error::deserialize(de).map_err(|e| {
                let inner = e.inner();
                let pos = inner.span().map(|s| line_column(text, s.start));
                fail(e.path().to_string(), pos, inner.message().to_owned())
            })
        }
    }
}

/// Parsers append " at line L column C"; the position is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// serde's message in the record's terms: the shape expected instead of a Rust type's name
/// (`struct RawAttachment`), and "did you mean" after an unknown field when a known one is
/// close.
fn with_hint(message: &str) -> String {
    // serde names the Rust type it expected; say what the record should hold instead.
    const SHAPES: [(&str, &str); 6] = [
        (
            "struct RawAttachment",
            r#"an attachment, {"name": "…", "url": "…"}"#,
        ),
        (
            "struct RawSignature",
            r#"a signature, {"name": "…", "date": "2025-02-18"}"#,
        ),
        (
            "struct RawSigner",
            r#"a signer, {"title": "市长", "name": "…"}"#,
        ),
        (
            "struct RawAttendance",
            r#"attendance lists, {"present": […], "on_leave": […], "observers": […]}"#,
        ),
        (
            "struct RawBlock",
            r#"a block, {"type": "paragraph", "text": "…"}"#,
        ),
        (
            "struct RawRecord",
            "a record, a map of fields such as `title` and `body`",
        ),
    ];
    let mut owned = message.to_owned();
    for (rust, record) in SHAPES {
        owned = owned.replace(rust, record);
    }
    let message = owned.as_str();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_owned();
    };
    let Some(end) = rest.find('`') else {
        return message.to_owned();
    };
    let unknown = &rest[..end];
    let expected: Vec<&str> = rest[end + 1..].split('`').skip(1).step_by(2).collect();
    let best = expected
        .iter()
        .map(|&name| (edit_distance(unknown, name), name))
        .min();
    match best {
        Some((d, name)) if d <= 2 || name.contains(unknown) || unknown.contains(name) => {
            // The guess first, before the long list of fields, so that a cut message keeps it.
            let list = &rest[end + 1..];
            format!("unknown field `{unknown}` (did you mean `{name}`?){list}")
        }
        _ => message.to_owned(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn validate(
    raw: RawRecord,
    file: &Path,
    default_id: &str,
    image_base: ImageBase,
) -> Result<Article, RecordError> {
    let err = |field: &str, message: String| RecordError {
        file: file.to_path_buf(),
        field: Some(field.to_owned()),
        position: None,
        message,
    };
    check_sizes(&raw).map_err(|(field, message)| err(&field, message))?;
    let title = match raw.title {
        Some(t) if !t.trim().is_empty() => t.trim().to_owned(),
        Some(_) => return Err(err("title", "the title is empty".into())),
        None => {
            return Err(err(
                "title",
                "missing required field: every record needs a title".into(),
            ))
        }
    };
    let id = match raw.id {
        Some(id) => {
            check_id(&id).map_err(|m| err("id", m))?;
            id
        }
        // One rule for every id: one taken from the file name obeys it too.
        None => {
            check_id(default_id).map_err(|m| {
                err(
                    "id",
                    format!(
                        "the record has no `id`, and the one its file name gives cannot be used: {m}; give the record an `id`"
                    ),
                )
            })?;
            default_id.to_owned()
        }
    };
    // Dates written as people write them are read, and said (`Article::dates_read`).
    let mut dates_read = Vec::new();
    let mut read_date = |field: &str, text: &str| {
        let (read, rewritten) = Timestamp::read(text).map_err(|m| err(field, m))?;
        if rewritten {
            dates_read.push(super::DateRead {
                field: field.to_owned(),
                written: text.trim().to_owned(),
                read,
            });
        }
        Ok::<_, RecordError>(read)
    };
    let published = raw
        .published
        .as_deref()
        .map(|t| read_date("published", t))
        .transpose()?;
    let url = raw
        .url
        .map(|u| check_url(&u).map(|_| u.trim().to_owned()))
        .transpose()
        .map_err(|m| err("url", m))?;
    let language = match raw.language.as_deref() {
        None => Language::default(),
        Some(tag) => Language::parse(tag).ok_or_else(|| {
            err(
                "language",
                format!("unknown language `{tag}`; use \"zh-Hans\", \"zh-Hant\" or \"en\""),
            )
        })?,
    };
    for (i, part) in raw.channel.iter().enumerate() {
        if part.trim().is_empty() {
            return Err(err(
                &format!("channel[{i}]"),
                "empty breadcrumb entry".into(),
            ));
        }
    }
    let mut images = ImageCache::default();
    let mut image_bytes = 0;
    let body = blocks(
        raw.body,
        "body",
        image_base,
        &mut images,
        &mut image_bytes,
        &err,
    )?;
    let mut attachments = Vec::new();
    let mut blocks_seen = body.len();
    for (i, a) in raw.attachments.into_iter().enumerate() {
        if a.name.trim().is_empty() {
            return Err(err(
                &format!("attachments[{i}].name"),
                "the name is empty".into(),
            ));
        }
        if let Some(u) = &a.url {
            check_url(u).map_err(|m| err(&format!("attachments[{i}].url"), m))?;
        }
        let at = format!("attachments[{i}].body");
        let body = blocks(a.body, &at, image_base, &mut images, &mut image_bytes, &err)?;
        blocks_seen += body.len();
        if blocks_seen > MAX_BLOCKS {
            return Err(err(
                &at,
                format!("more than {MAX_BLOCKS} blocks in the body and attachments together; a record may have at most {MAX_BLOCKS}"),
            ));
        }
        attachments.push(Attachment {
            name: without_sequence_number(&a.name, i + 1).unwrap_or(a.name),
            url: a.url,
            body,
        });
    }
    let non_empty = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let signature = match raw.signature {
        None => None,
        Some(sig) => {
            let names = match sig.name {
                Some(list) => {
                    let names = organs(list, "signature.name").map_err(|(f, m)| err(&f, m))?;
                    if names.is_empty() {
                        return Err(err(
                            "signature.name",
                            "the issuing body's name is empty".into(),
                        ));
                    }
                    names
                }
                None => Vec::new(),
            };
            let mut signers = Vec::new();
            for (i, s) in sig.signers.unwrap_or_default().into_iter().enumerate() {
                let (title, name) = (s.title.trim(), s.name.trim());
                for (part, value, what) in
                    [("title", title, "title (职务)"), ("name", name, "name")]
                {
                    let problem = if value.is_empty() {
                        "is empty"
                    } else if value.contains('\n') {
                        "must be one line"
                    } else {
                        continue;
                    };
                    return Err(err(
                        &format!("signature.signers[{i}].{part}"),
                        format!(
                            "the signer's {what} {problem}; give each signer's title and name, e.g. {{\"title\": \"市长\", \"name\": \"某某某\"}}"
                        ),
                    ));
                }
                signers.push(super::Signer {
                    title: title.to_owned(),
                    name: name.to_owned(),
                });
            }
            match (names.is_empty(), signers.is_empty()) {
                (true, true) => {
                    return Err(err(
                        "signature",
                        "a signature needs the issuing organs (`name`) or the signers (`signers`: title and name, GB/T 9704-2012 7.3.5.3)".into(),
                    ))
                }
                (false, false) => {
                    return Err(err(
                        "signature.signers",
                        "give the issuing organs (`name`) or the signers with their signature seals (`signers`), not both: GB/T 9704-2012 7.3.5.3 prints the signers' titles in place of the organs".into(),
                    ))
                }
                _ => {}
            }
            if sig.sealed.is_some() && !signers.is_empty() {
                return Err(err(
                    "signature.sealed",
                    "`sealed` is said of the organs' seals (GB/T 9704-2012 7.3.5.1, 7.3.5.2); signers sign with their signature seals (7.3.5.3): leave `sealed` out".into(),
                ));
            }
            let date = read_date("signature.date", &sig.date)?;
            Some(super::Signature {
                names,
                signers,
                sealed: sig.sealed.unwrap_or(true),
                date,
            })
        }
    };
    let mut attendance = super::Attendance::default();
    if let Some(raw) = raw.attendance {
        for (list, into, field) in [
            (raw.present, &mut attendance.present, "attendance.present"),
            (
                raw.on_leave,
                &mut attendance.on_leave,
                "attendance.on_leave",
            ),
            (
                raw.observers,
                &mut attendance.observers,
                "attendance.observers",
            ),
        ] {
            let Some(list) = list else { continue };
            // A list, or a string with an entry per line (as the web form sends it).
            let single = list.0.len() == 1;
            for (i, entry) in list.0.iter().enumerate() {
                let entry = if single { entry.trim() } else { entry.as_str() };
                for line in entry.split('\n') {
                    let line = line.trim();
                    if line.is_empty() {
                        return Err(err(
                            &entry_field(field, i, list.0.len()),
                            "an entry of the list is empty (one unit or name a line or list entry)"
                                .into(),
                        ));
                    }
                    into.push(line.to_owned());
                }
            }
        }
    }
    let issuer_mark = match raw.issuer_mark {
        None => Vec::new(),
        Some(list) => organs(list, "issuer_mark").map_err(|(f, m)| err(&f, m))?,
    };
    let printed_date = raw
        .printed_date
        .as_deref()
        .map(|t| read_date("printed_date", t))
        .transpose()?;
    let cc: Vec<String> = raw
        .cc
        .map(|l| {
            l.0.into_iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let copy_number = non_empty(raw.copy_number);
    if let Some(n) = &copy_number {
        if n.chars().count() != 6 || !n.chars().all(|c| c.is_ascii_digit()) {
            return Err(err(
                "copy_number",
                format!(
                    "份号 \"{n}\" is not six Arabic digits (GB/T 9704-2012 7.2.1), e.g. \"000001\""
                ),
            ));
        }
    }
    let classification =
        classification(non_empty(raw.classification), non_empty(raw.secrecy_period))
            .map_err(|(f, m)| err(f, m))?;
    let urgency = non_empty(raw.urgency);
    if let Some(u) = &urgency {
        if !URGENCIES.contains(&u.as_str()) {
            return Err(err(
                "urgency",
                format!(
                    "紧急程度 \"{u}\" is not one of {} (GB/T 9704-2012 7.2.3)",
                    URGENCIES.join("、")
                ),
            ));
        }
    }
    let official = super::Official {
        issuer_mark,
        copy_number,
        classification,
        urgency,
        note: non_empty(raw.note),
        doc_number: non_empty(raw.doc_number),
        order_number: non_empty(raw.order_number),
        signer: non_empty(raw.signer),
        recipients: non_empty(raw.recipients),
        signature,
        attendance,
        cc,
        printed_by: non_empty(raw.printed_by),
        printed_date,
    };
    let mut article = Article {
        id,
        title,
        subtitle: non_empty(raw.subtitle),
        channel: raw.channel,
        published,
        source: non_empty(raw.source),
        author: non_empty(raw.author),
        issuer: non_empty(raw.issuer),
        url,
        language,
        attachments,
        body,
        official,
        dates_read,
    };
    for text in article.texts_mut() {
        if let Some(normal) = super::normalize_line_breaks(text) {
            *text = normal;
        }
    }
    let chars = article.text_chars();
    if chars > MAX_TEXT_CHARS {
        return Err(err(
            "body",
            format!(
                "the record has {chars} characters of text (all fields together); a record may have at most {MAX_TEXT_CHARS}"
            ),
        ));
    }
    Ok(article)
}

/// Places a table's cells as the HTML table model does (row by row, each cell in the first
/// column its row has free, a span covering the columns to its right and the rows below) and
/// checks that spans neither overlap nor run past the table and that every row covers the
/// header row's columns. Errors name the table, the row and the cell (`body[4].rows[3][1]`).
fn table(
    b: RawBlock,
    at: &str,
    err: &dyn Fn(&str, String) -> RecordError,
) -> Result<Table, RecordError> {
    let rows = b.rows.unwrap_or_default();
    if rows.is_empty() {
        return Err(err(
            &format!("{at}.rows"),
            "a table needs at least a header row".into(),
        ));
    }
    let header_columns: usize = rows[0]
        .iter()
        .map(|c| match c {
            RawCell::Text(_) => 1,
            RawCell::Spanned(s) => s.colspan.unwrap_or(1).max(1),
        })
        .sum();
    if rows.len() > MAX_TABLE_ROWS || header_columns > MAX_TABLE_COLUMNS {
        return Err(err(
            &format!("{at}.rows"),
            format!(
                "the table has {} rows and {header_columns} columns; at most {MAX_TABLE_ROWS} rows and {MAX_TABLE_COLUMNS} columns are allowed",
                rows.len()
            ),
        ));
    }
    let span = |n: Option<usize>, what: &str, cell: &str| -> Result<usize, RecordError> {
        match n {
            None => Ok(1),
            Some(0) => Err(err(cell, format!("{what} 0: a cell spans at least 1"))),
            Some(n) => Ok(n),
        }
    };
    let mut spans = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let mut out = Vec::with_capacity(row.len());
        for (i, raw) in row.iter().enumerate() {
            let here = format!("{at}.rows[{r}][{i}]");
            out.push(match raw {
                RawCell::Text(_) => (1, 1),
                RawCell::Spanned(s) => (
                    span(s.colspan, "colspan", &here)?,
                    span(s.rowspan, "rowspan", &here)?,
                ),
            });
        }
        spans.push(out);
    }
    let (places, columns) = super::place_cells(&spans, MAX_TABLE_COLUMNS).map_err(|e| {
        let path = match e.cell {
            Some(i) => format!("{at}.rows[{}][{i}]", e.row),
            None => format!("{at}.rows[{}]", e.row),
        };
        err(&path, e.message.replace("{table}", at))
    })?;
    let cells: Vec<TableCell> = rows
        .iter()
        .flatten()
        .zip(spans.iter().flatten())
        .zip(places)
        .map(|((raw, &(colspan, rowspan)), (row, column))| TableCell {
            row,
            column,
            rowspan,
            colspan,
            text: raw.text().trim().to_owned(),
        })
        .collect();
    let header_rows = b.header_rows.unwrap_or(1);
    if header_rows >= rows.len() && rows.len() > 1 || header_rows > rows.len() {
        return Err(err(
            &format!("{at}.header_rows"),
            format!(
                "header_rows {header_rows}, but the table has {} rows: leave at least one row for the body",
                rows.len()
            ),
        ));
    }
    // A header row's span may not reach into the body (the header repeats on every page).
    if let Some(cell) = cells
        .iter()
        .find(|c| c.row < header_rows && c.row + c.rowspan > header_rows)
    {
        return Err(err(
            &format!("{at}.header_rows"),
            format!(
                "the header's cell in row {} spans down to row {}, past the header's {header_rows} rows",
                cell.row,
                cell.row + cell.rowspan - 1
            ),
        ));
    }
    if let Some(widths) = &b.widths {
        if widths.len() != columns {
            return Err(err(
                &format!("{at}.widths"),
                format!("{} widths for {columns} columns", widths.len()),
            ));
        }
        if let Some(i) = widths.iter().position(|w| !(w.is_finite() && *w > 0.0)) {
            return Err(err(
                &format!("{at}.widths[{i}]"),
                format!("a relative width is a positive number, not {}", widths[i]),
            ));
        }
    }
    Ok(Table {
        cells,
        rows: rows.len(),
        columns,
        header_rows,
        caption: b
            .caption
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
        widths: b.widths,
    })
}

/// Every field outside the body within [`MAX_FIELD_CHARS`], every list within
/// [`MAX_LIST_ENTRIES`]: checked on the raw record, before dates are parsed, images read or
/// anything laid out. Returns the field path and the message.
fn check_sizes(raw: &RawRecord) -> Result<(), (String, String)> {
    let too_long = |field: String, value: &str| -> Result<(), (String, String)> {
        // Counting stops just past the limit: a 10 MB value costs no more than a short one.
        if value.chars().nth(MAX_FIELD_CHARS).is_some() {
            let chars = value.chars().count();
            return Err((
                field,
                format!("{chars} characters; this field may have at most {MAX_FIELD_CHARS}"),
            ));
        }
        Ok(())
    };
    let single = [
        ("title", raw.title.as_deref()),
        ("subtitle", raw.subtitle.as_deref()),
        ("id", raw.id.as_deref()),
        ("published", raw.published.as_deref()),
        ("source", raw.source.as_deref()),
        ("author", raw.author.as_deref()),
        ("issuer", raw.issuer.as_deref()),
        ("doc_number", raw.doc_number.as_deref()),
        ("copy_number", raw.copy_number.as_deref()),
        ("classification", raw.classification.as_deref()),
        ("secrecy_period", raw.secrecy_period.as_deref()),
        ("urgency", raw.urgency.as_deref()),
        ("note", raw.note.as_deref()),
        ("order_number", raw.order_number.as_deref()),
        ("signer", raw.signer.as_deref()),
        ("recipients", raw.recipients.as_deref()),
        ("printed_by", raw.printed_by.as_deref()),
        ("printed_date", raw.printed_date.as_deref()),
        ("url", raw.url.as_deref()),
        ("language", raw.language.as_deref()),
    ];
    for (name, value) in single {
        if let Some(v) = value {
            too_long(name.to_owned(), v)?;
        }
    }
    if let Some(sig) = &raw.signature {
        let names: &[String] = sig.name.as_ref().map_or(&[], |c| &c.0);
        for (i, v) in names.iter().enumerate() {
            too_long(entry_field("signature.name", i, names.len()), v)?;
        }
        for (i, s) in sig.signers.iter().flatten().enumerate() {
            too_long(format!("signature.signers[{i}].title"), &s.title)?;
            too_long(format!("signature.signers[{i}].name"), &s.name)?;
        }
        too_long("signature.date".into(), &sig.date)?;
    }
    let attendance = raw.attendance.as_ref().map_or(Vec::new(), |a| {
        [
            ("attendance.present", &a.present),
            ("attendance.on_leave", &a.on_leave),
            ("attendance.observers", &a.observers),
        ]
        .into_iter()
        .filter_map(|(f, l)| l.as_ref().map(|l| (f, &l.0)))
        .collect()
    });
    for (field, list) in &attendance {
        if list.len() > MAX_LIST_ENTRIES {
            return Err((
                (*field).to_owned(),
                format!(
                    "{} entries; this list may have at most {MAX_LIST_ENTRIES}",
                    list.len()
                ),
            ));
        }
        for (i, v) in list.iter().enumerate() {
            too_long(entry_field(field, i, list.len()), v)?;
        }
    }
    let marks: &[String] = raw.issuer_mark.as_ref().map_or(&[], |c| &c.0);
    for (i, v) in marks.iter().enumerate() {
        too_long(entry_field("issuer_mark", i, marks.len()), v)?;
    }
    let cc: &[String] = raw.cc.as_ref().map_or(&[], |c| &c.0);
    for (name, len) in [
        ("channel", raw.channel.len()),
        ("cc", cc.len()),
        ("issuer_mark", marks.len()),
        (
            "signature.name",
            raw.signature
                .as_ref()
                .and_then(|s| s.name.as_ref())
                .map_or(0, |s| s.0.len()),
        ),
        (
            "signature.signers",
            raw.signature
                .as_ref()
                .and_then(|s| s.signers.as_ref())
                .map_or(0, Vec::len),
        ),
        ("attachments", raw.attachments.len()),
    ] {
        if len > MAX_LIST_ENTRIES {
            return Err((
                name.to_owned(),
                format!("{len} entries; this list may have at most {MAX_LIST_ENTRIES}"),
            ));
        }
    }
    for (i, v) in raw.channel.iter().enumerate() {
        too_long(format!("channel[{i}]"), v)?;
    }
    for (i, v) in cc.iter().enumerate() {
        too_long(format!("cc[{i}]"), v)?;
    }
    for (i, a) in raw.attachments.iter().enumerate() {
        too_long(format!("attachments[{i}].name"), &a.name)?;
        if let Some(u) = &a.url {
            too_long(format!("attachments[{i}].url"), u)?;
        }
    }
    if let Some(RawBody::Blocks(blocks)) = &raw.body {
        for (i, b) in blocks.iter().enumerate() {
            for (name, value) in [("type", Some(&b.kind)), ("path", b.path.as_ref())] {
                if let Some(v) = value {
                    too_long(format!("body[{i}].{name}"), v)?;
                }
            }
        }
    }
    Ok(())
}

/// Paragraphs of a plain-text body: separated by blank lines; single newlines inside a
/// paragraph are joined (without a space between CJK characters).
pub fn split_paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let (Some(prev), Some(next)) = (current.chars().last(), line.chars().next()) {
            if prev.is_ascii_alphanumeric() && next.is_ascii_alphanumeric() {
                current.push(' ');
            }
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// Most pixels of all the distinct images of one record together: ten of the largest images
/// (each is decoded once to be checked, which costs time in proportion).
pub const MAX_RECORD_IMAGE_PIXELS: u64 = 10 * MAX_IMAGE_PIXELS;

/// The blocks of a body (the record's or an attachment's, at `at`): a string's paragraphs or
/// the list's blocks, validated; images count against the record's budget.
fn blocks(
    raw: Option<RawBody>,
    at: &str,
    image_base: ImageBase,
    images: &mut ImageCache,
    image_bytes: &mut usize,
    err: &dyn Fn(&str, String) -> RecordError,
) -> Result<Vec<Block>, RecordError> {
    match raw {
        None => Ok(Vec::new()),
        Some(RawBody::Text(text)) => Ok(split_paragraphs(&text)
            .into_iter()
            .map(Block::Paragraph)
            .collect()),
        Some(RawBody::Blocks(raw_blocks)) => {
            if raw_blocks.len() > MAX_BLOCKS {
                return Err(err(
                    at,
                    format!(
                        "{} blocks; a record may have at most {MAX_BLOCKS}",
                        raw_blocks.len()
                    ),
                ));
            }
            let mut out = Vec::with_capacity(raw_blocks.len());
            for (i, b) in raw_blocks.into_iter().enumerate() {
                let at = format!("{at}[{i}]");
                let block = validate_block(b, &at, image_base, images, err)?;
                if let Block::Image(image) = &block {
                    *image_bytes += image.data.len();
                    if *image_bytes > MAX_RECORD_IMAGE_BYTES {
                        return Err(err(
                            &format!("{at}.path"),
                            format!(
                                "the record's images come to more than {} MB; a record's images may total at most that",
                                MAX_RECORD_IMAGE_BYTES / (1024 * 1024)
                            ),
                        ));
                    }
                }
                out.push(block);
            }
            Ok(out)
        }
    }
}

/// The images a record has read so far, by path as written: an image used twice is read and
/// decoded once; the pixels of the distinct ones are counted against
/// [`MAX_RECORD_IMAGE_PIXELS`].
#[derive(Default)]
struct ImageCache {
    by_path: std::collections::HashMap<String, ImageBlock>,
    pixels: u64,
}

fn validate_block(
    b: RawBlock,
    at: &str,
    image_base: ImageBase,
    images: &mut ImageCache,
    err: &dyn Fn(&str, String) -> RecordError,
) -> Result<Block, RecordError> {
    let Some(&(kind, required, optional)) = BLOCK_TYPES.iter().find(|(k, _, _)| *k == b.kind)
    else {
        let names: Vec<&str> = BLOCK_TYPES.iter().map(|(k, _, _)| *k).collect();
        return Err(err(
            &format!("{at}.type"),
            format!(
                "unknown block type `{}`; expected one of: {}",
                b.kind,
                names.join(", ")
            ),
        ));
    };
    let present: [(&str, bool); 9] = [
        ("text", b.text.is_some()),
        ("level", b.level.is_some()),
        ("ordered", b.ordered.is_some()),
        ("items", b.items.is_some()),
        ("rows", b.rows.is_some()),
        ("header_rows", b.header_rows.is_some()),
        ("widths", b.widths.is_some()),
        ("path", b.path.is_some()),
        ("caption", b.caption.is_some()),
    ];
    for (name, is_present) in present {
        let allowed = required.contains(&name) || optional.contains(&name);
        if is_present && !allowed {
            return Err(err(
                &format!("{at}.{name}"),
                format!("a {kind} block has no `{name}` field"),
            ));
        }
        if !is_present && required.contains(&name) {
            return Err(err(
                &format!("{at}.{name}"),
                format!("missing required field `{name}` of a {kind} block"),
            ));
        }
    }
    let non_empty_text = |t: Option<String>| -> Result<String, RecordError> {
        let t = t.unwrap_or_default();
        if t.trim().is_empty() {
            return Err(err(&format!("{at}.text"), "the text is empty".into()));
        }
        Ok(t.trim().to_owned())
    };
    // Ideographic spaces opening a paragraph are kept: they indent or align it by hand
    // (`compose::hand_indented`).
    let indented_text = |t: Option<String>| -> Result<String, RecordError> {
        let t = t.unwrap_or_default();
        if t.trim().is_empty() {
            return Err(err(&format!("{at}.text"), "the text is empty".into()));
        }
        Ok(t.trim_end()
            .trim_start_matches(|c: char| c.is_whitespace() && c != '\u{3000}')
            .to_owned())
    };
    Ok(match kind {
        "paragraph" => Block::Paragraph(indented_text(b.text)?),
        "quote" => Block::Quote(indented_text(b.text)?),
        "heading" => {
            let level = b.level.unwrap_or(0);
            if !(1..=4).contains(&level) {
                return Err(err(
                    &format!("{at}.level"),
                    format!("heading level must be 1, 2, 3 or 4, not {level}"),
                ));
            }
            Block::Heading {
                level,
                text: non_empty_text(b.text)?,
            }
        }
        "list" => {
            let items = b.items.unwrap_or_default();
            if items.is_empty() {
                return Err(err(
                    &format!("{at}.items"),
                    "a list needs at least one item".into(),
                ));
            }
            if let Some(i) = items.iter().position(|t| t.trim().is_empty()) {
                return Err(err(&format!("{at}.items[{i}]"), "the item is empty".into()));
            }
            Block::List {
                ordered: b.ordered.unwrap_or(false),
                items: items.into_iter().map(|t| t.trim().to_owned()).collect(),
            }
        }
        "table" => Block::Table(table(b, at, err)?),
        "image" => {
            let rel = b.path.unwrap_or_default();
            let image = match images.by_path.get(&rel) {
                Some(image) => image.clone(),
                None => {
                    let image =
                        load_image(&rel, image_base).map_err(|m| err(&format!("{at}.path"), m))?;
                    images.pixels += u64::from(image.width_px) * u64::from(image.height_px);
                    if images.pixels > MAX_RECORD_IMAGE_PIXELS {
                        return Err(err(
                            &format!("{at}.path"),
                            format!(
                                "the record's images have more than {} million pixels together; a record's images may have at most that",
                                MAX_RECORD_IMAGE_PIXELS / 1_000_000
                            ),
                        ));
                    }
                    images.by_path.insert(rel.clone(), image.clone());
                    image
                }
            };
            Block::Image(ImageBlock {
                caption: b
                    .caption
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty()),
                ..image
            })
        }
        _ => unreachable!("block kinds come from BLOCK_TYPES"),
    })
}

/// Reads an image and checks by content that it is a PNG or JPEG that decodes.
fn load_image(rel: &str, base: ImageBase) -> Result<ImageBlock, String> {
    if rel.trim().is_empty() {
        return Err("the image path is empty".into());
    }
    if let ImageBase::Memory(dir, pictures) = base {
        let data = pictures
            .iter()
            .find(|(name, _)| name == rel)
            .map(|(_, data)| data.clone())
            .ok_or_else(|| format!("the draft has no picture `{rel}`"))?;
        return decode_image(rel, dir.join(rel), data);
    }
    let path: PathBuf = match base {
        ImageBase::Memory(..) => unreachable!("answered above"),
        ImageBase::Dir(dir) => dir.join(rel),
        ImageBase::Confined(dir) => {
            let outside = || {
                format!(
                    "the image `{rel}` lies outside the record's directory; use a path inside it, relative to the record"
                )
            };
            let inside = Path::new(rel)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                return Err(outside());
            }
            let path = dir.join(rel);
            // A link inside the directory may still lead out of it.
            if let (Ok(real), Ok(root)) = (path.canonicalize(), dir.canonicalize()) {
                if !real.starts_with(&root) {
                    return Err(outside());
                }
            }
            path
        }
    };
    // Only a regular file, its size asked on the open file before reading (a huge file is
    // never read into memory, a FIFO or device never blocks).
    let data = crate::files::read_regular(&path, MAX_IMAGE_BYTES as u64).map_err(|e| match e {
        crate::files::ReadError::TooLarge(found, limit) => format!(
            "`{rel}` is {}; images may be at most {}",
            crate::files::size_text(found),
            crate::files::size_text(limit)
        ),
        other => format!("cannot read image `{rel}`: {other}"),
    })?;
    decode_image(rel, path, data)
}

/// Checks by content that `data` is a PNG or JPEG that decodes, within the pixel limit.
fn decode_image(rel: &str, path: PathBuf, data: Vec<u8>) -> Result<ImageBlock, String> {
    let kind = if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        ImageKind::Png
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ImageKind::Jpeg
    } else {
        return Err(format!("`{rel}` is not a PNG or JPEG image"));
    };
    let format = match kind {
        ImageKind::Png => image::ImageFormat::Png,
        ImageKind::Jpeg => image::ImageFormat::Jpeg,
    };
    let damaged = |e: image::ImageError| {
        format!(
            "`{rel}` is a damaged {} image: {e}",
            kind.extension().to_uppercase()
        )
    };
    let (width, height) = image::ImageReader::with_format(std::io::Cursor::new(&data), format)
        .into_dimensions()
        .map_err(damaged)?;
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
        return Err(format!(
            "`{rel}` claims {width} x {height} pixels; images may have at most {} million",
            MAX_IMAGE_PIXELS / 1_000_000
        ));
    }
    // The decoder fills a cut-off scan with grey: the markers tell whether the file is whole.
    let jpeg = match kind {
        ImageKind::Jpeg => Some(
            super::jpeg::inspect(&data)
                .map_err(|e| format!("`{rel}` is a damaged JPEG image: {e}"))?,
        ),
        ImageKind::Png => None,
    };
    let decoded = image::load_from_memory_with_format(&data, format).map_err(damaged)?;
    // CMYK and YCCK JPEGs (scanners, print shops) are converted to RGB here, once, so that
    // every writer embeds an image whose colour space it can state (PDF DeviceRGB, PDF/A
    // without a CMYK output intent, DOCX, OFD). The decoder undoes Adobe's inverted CMYK.
    let data = match jpeg {
        Some(info) if info.components == 4 => {
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
                .encode_image(&decoded.to_rgb8())
                .map_err(|e| format!("cannot convert the CMYK image `{rel}` to RGB: {e}"))?;
            out
        }
        _ => data,
    };
    Ok(ImageBlock {
        path,
        caption: None,
        kind,
        width_px: decoded.width(),
        height_px: decoded.height(),
        data: Arc::new(data),
    })
}

/// An attachment's name without the sequence number an office typed before it ("1.春节值班
/// 安排表", "2、联系人名单", "（3）…", "4．…"): the 附件说明 numbers the attachments itself
/// (GB/T 9704-2012 7.3.3: "使用阿拉伯数字标注附件顺序号"), so the number typed is the one
/// printed, not a second one. Only the attachment's own position `n` is taken, and only when
/// a separator follows it ("1.5万元补助明细" keeps its number).
fn without_sequence_number(name: &str, n: usize) -> Option<String> {
    let name = name.trim_start();
    let number = n.to_string();
    let (rest, closing) = match name.strip_prefix(['(', '（']) {
        Some(inner) => (inner, Some([')', '）'])),
        None => (name, None),
    };
    let rest = rest.strip_prefix(number.as_str())?;
    let rest = match closing {
        Some(close) => rest.strip_prefix(close)?,
        None => {
            let after = rest.strip_prefix(['.', '．', '、', ' ', '\u{3000}'])?;
            if after.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            after
        }
    };
    let rest = rest.trim_start();
    (!rest.is_empty()).then(|| rest.to_owned())
}

fn check_id(id: &str) -> Result<(), String> {
    // File systems take 255 bytes a name; the longest suffix bulletin adds is ".qr.png".
    if id.len() > MAX_ID_BYTES {
        return Err(format!(
            "the id is {} bytes long; ids may be at most {MAX_ID_BYTES} bytes (file names)",
            id.len()
        ));
    }
    let ok = !id.is_empty()
        && !id.starts_with('.')
        && !id.contains("..")
        && id.trim() == id
        && id
            .chars()
            .all(|c| !c.is_control() && !"/\\:*?\"<>|".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{id}` cannot be used as a file name; use letters, digits, '-' and '_'"
        ))
    }
}

fn check_url(url: &str) -> Result<(), String> {
    let u = url.trim();
    let rest = if let Some(r) = u.strip_prefix("https://") {
        r
    } else if let Some(r) = u.strip_prefix("http://") {
        r
    } else {
        return Err(format!("`{u}` is not an http or https address"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || u.chars().any(char::is_whitespace) {
        return Err(format!("`{u}` is not a valid web address"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_names_lose_the_sequence_number_an_office_typed() {
        let strip = |name: &str, n| without_sequence_number(name, n);
        assert_eq!(
            strip("1.春节值班安排表", 1).as_deref(),
            Some("春节值班安排表")
        );
        assert_eq!(strip("2、联系人名单", 2).as_deref(), Some("联系人名单"));
        assert_eq!(strip("（3）检查表", 3).as_deref(), Some("检查表"));
        assert_eq!(strip("4． 汇总表", 4).as_deref(), Some("汇总表"));
        assert_eq!(
            strip("1.5万元补助明细", 1),
            None,
            "a number, not a sequence number"
        );
        assert_eq!(strip("2.联系人名单", 1), None, "not its own position");
        assert_eq!(strip("2025年工作计划", 2), None);
        assert_eq!(strip("1.", 1), None, "nothing would be left");
    }

    fn parse(text: &str, format: RecordFormat) -> Result<Article, RecordError> {
        parse_record(text, format, Path::new("r.json"), "r", Path::new("."))
    }

    #[test]
    fn string_body_splits_on_blank_lines() {
        let a = parse(
            r#"{"title":"T","body":"第一段\n续行\n\n第二段"}"#,
            RecordFormat::Json,
        )
        .unwrap();
        assert_eq!(
            a.body,
            vec![
                Block::Paragraph("第一段续行".into()),
                Block::Paragraph("第二段".into())
            ]
        );
        assert_eq!(a.id, "r");
    }

    #[test]
    fn type_error_names_field_path_and_position() {
        let e = parse(
            "{\"title\":\"T\",\"body\":[{\"type\":\"paragraph\",\"text\":\"a\"},\n{\"type\":\"heading\",\"level\":\"one\",\"text\":\"b\"}]}",
            RecordFormat::Json,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("body[1].level"));
        assert_eq!(e.position.map(|p| p.0), Some(2));
    }

    #[test]
    fn unknown_field_gets_a_hint() {
        let e = parse(r#"{"titel":"T"}"#, RecordFormat::Json).unwrap_err();
        assert!(e.message.contains("did you mean `title`"), "{}", e.message);
        let e = parse(
            "title = \"T\"\n[[attachments]]\nname = \"a\"\nurll = \"http://x\"\n",
            RecordFormat::Toml,
        )
        .unwrap_err();
        assert!(e.message.contains("did you mean `url`"), "{e}");
        assert_eq!(e.position.map(|p| p.0), Some(4), "{e}");
    }

    #[test]
    fn field_that_does_not_belong_to_block_type() {
        let e = parse(
            r#"{"title":"T","body":[{"type":"paragraph","text":"a","level":2}]}"#,
            RecordFormat::Json,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("body[0].level"));
    }

    /// A joint document's organs (GB/T 9704-2012 7.2.4, 7.3.5): a list, or lines of one
    /// string; surrounding blank lines of a single string ignored.
    #[test]
    fn organs_come_as_a_list_or_as_lines() {
        let a = parse(
            r#"{"title":"T","issuer_mark":"\n甲局\n 乙局文件 \n","signature":{"name":["甲局　　乙局","丙局"],"date":"2025-03-03"}}"#,
            RecordFormat::Json,
        )
        .unwrap();
        assert_eq!(a.official.issuer_mark, ["甲局", "乙局文件"]);
        let names = &a.official.signature.as_ref().unwrap().names;
        assert_eq!(names, &["甲局　　乙局", "丙局"]);
        let one = parse(
            r#"{"title":"T","issuer_mark":"某厅文件"}"#,
            RecordFormat::Json,
        )
        .unwrap();
        assert_eq!(one.official.issuer_mark, ["某厅文件"]);
    }

    #[test]
    fn semantic_checks() {
        let cases = [
            (r#"{"title":"  "}"#, "title"),
            (r#"{"subtitle":"x"}"#, "title"),
            (r#"{"title":"T","url":"ftp://x/y"}"#, "url"),
            (r#"{"title":"T","url":"javascript:alert(1)"}"#, "url"),
            (r#"{"title":"T","published":"yesterday"}"#, "published"),
            (r#"{"title":"T","language":"fr"}"#, "language"),
            (r#"{"title":"T","id":"../x"}"#, "id"),
            (
                r#"{"title":"T","body":[{"type":"heading","level":5,"text":"x"}]}"#,
                "body[0].level",
            ),
            (
                r#"{"title":"T","signature":{"name":"厅","date":"3月3日"}}"#,
                "signature.date",
            ),
            (r#"{"title":"T","printed_date":"3/3/2025"}"#, "printed_date"),
            (
                r#"{"title":"T","body":[{"type":"table","rows":[["a","b"],["c"]]}]}"#,
                "body[0].rows[1]",
            ),
            (
                r#"{"title":"T","body":[{"type":"image","path":"missing.png"}]}"#,
                "body[0].path",
            ),
            (r#"{"title":"T","body":[{"type":"chart"}]}"#, "body[0].type"),
            (
                r#"{"title":"T","issuer_mark":["甲局"," ","乙局"]}"#,
                "issuer_mark[1]",
            ),
            (
                r#"{"title":"T","issuer_mark":"甲局\n\n乙局"}"#,
                "issuer_mark",
            ),
            (
                r#"{"title":"T","signature":{"name":["甲局",""],"date":"2025-03-03"}}"#,
                "signature.name[1]",
            ),
            (
                r#"{"title":"T","signature":{"name":" ","date":"2025-03-03"}}"#,
                "signature.name",
            ),
            (r#"{"title":"T","copy_number":"12345"}"#, "copy_number"),
            (
                r#"{"title":"T","signature":{"date":"2025-03-03"}}"#,
                "signature",
            ),
            (
                r#"{"title":"T","signature":{"name":"厅","signers":[{"title":"厅长","name":"某"}],"date":"2025-03-03"}}"#,
                "signature.signers",
            ),
            (
                r#"{"title":"T","signature":{"signers":[{"title":"厅长","name":" "}],"date":"2025-03-03"}}"#,
                "signature.signers[0].name",
            ),
            (
                r#"{"title":"T","attendance":{"present":["甲",""]}}"#,
                "attendance.present[1]",
            ),
            (
                r#"{"title":"T","attendance":{"observers":"甲\n\n乙"}}"#,
                "attendance.observers",
            ),
            (
                r#"{"title":"T","signature":{"signers":[{"title":"市长","name":"某"}],"sealed":false,"date":"2025-03-03"}}"#,
                "signature.sealed",
            ),
            (r#"{"title":"T","copy_number":"00000１"}"#, "copy_number"),
            (r#"{"title":"T","classification":"内部"}"#, "classification"),
            (r#"{"title":"T","secrecy_period":"1年"}"#, "secrecy_period"),
            (
                r#"{"title":"T","classification":"秘密★1年","secrecy_period":"2年"}"#,
                "secrecy_period",
            ),
            (r#"{"title":"T","urgency":"急件"}"#, "urgency"),
            (
                r#"{"title":"T","issuer_mark":["甲局","文件","乙局"]}"#,
                "issuer_mark[1]",
            ),
            (
                r#"{"title":"T","classification":"秘密","secrecy_period":"长期长期长期长期长期长期"}"#,
                "secrecy_period",
            ),
        ];
        for (text, field) in cases {
            let e = parse(text, RecordFormat::Json).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{text}: {e}");
        }
    }

    #[test]
    fn yaml_and_toml_records() {
        let y = parse(
            "title: 标题\nbody:\n  - type: quote\n    text: 引文\n",
            RecordFormat::Yaml,
        )
        .unwrap();
        assert_eq!(y.body, vec![Block::Quote("引文".into())]);
        let e = parse("title: [unclosed\n", RecordFormat::Yaml).unwrap_err();
        assert!(e.position.is_some(), "{e}");
        let t = parse(
            "title = \"标题\"\nbody = \"一\\n\\n二\"\n",
            RecordFormat::Toml,
        )
        .unwrap();
        assert_eq!(t.body.len(), 2);
        let e = parse("title = \n", RecordFormat::Toml).unwrap_err();
        assert_eq!(e.position.map(|p| p.0), Some(1), "{e}");
    }
}
