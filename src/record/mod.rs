//! The article record: the typed model every later stage reads, and its parsing and validation.

pub mod checks;
mod datetime;
pub mod hygiene;
pub mod jpeg;
mod parse;

pub use datetime::Timestamp;
pub use parse::{
    load_record, parse_record, parse_record_in, read_record_text, split_paragraphs, ImageBase,
    RecordFormat, MAX_BLOCKS, MAX_FIELD_CHARS, MAX_ID_BYTES, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS,
    MAX_LIST_ENTRIES, MAX_RECORD_BYTES, MAX_RECORD_IMAGE_BYTES, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS,
    MAX_TEXT_CHARS,
};

use std::fmt;
use std::path::PathBuf;

/// One article, validated: every later stage can rely on these invariants
/// (non-empty title, http(s) url, heading levels 1-4, images readable and decoded).
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Output base name: the record's `id`, else the file stem.
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub channel: Vec<String>,
    pub published: Option<Timestamp>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub issuer: Option<String>,
    pub url: Option<String>,
    pub language: Language,
    pub attachments: Vec<Attachment>,
    pub body: Vec<Block>,
    /// Head and tail of an official document (GB/T 9704-2012); printed by official templates.
    pub official: Official,
    /// Dates the record wrote as people write them ("2025年2月18日", "2025/2/18"), with how
    /// they were read, in the order of the record's fields; `check` and the web page say them.
    pub dates_read: Vec<DateRead>,
}

/// A date written in another form than the documented ones, and how it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct DateRead {
    /// The record field: `published`, `signature.date` or `printed_date`.
    pub field: String,
    /// As written, trimmed.
    pub written: String,
    pub read: Timestamp,
}

impl DateRead {
    /// How the date was read, in the record's documented form: "2025-02-18 18:03",
    /// "2025-02-18", or RFC 3339 when it has a zone.
    pub fn shown(&self) -> String {
        if self.read.utc_offset_minutes.is_some() {
            self.read.to_iso()
        } else {
            self.read.to_string()
        }
    }
}

/// The optional elements of an official document's head (版头) and tail (版记).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Official {
    /// 发文机关标志 (7.2.4): one organ, e.g. "内蒙古自治区生态环境厅文件", or the organs of a
    /// joint document, lead organ first (the last may end in "文件"). Empty: no mark.
    pub issuer_mark: Vec<String>,
    /// 份号 (7.2.1): six Arabic digits, e.g. "000001".
    pub copy_number: Option<String>,
    /// 密级和保密期限 (7.2.2) as printed: "秘密", or "秘密★1年" with a 保密期限.
    pub classification: Option<String>,
    /// 紧急程度 (7.2.3): "特急" or "加急".
    pub urgency: Option<String>,
    /// 附注 (7.3.6), printed in parentheses on the line after the 成文日期.
    pub note: Option<String>,
    /// 发文字号, e.g. "内环发〔2025〕12号".
    pub doc_number: Option<String>,
    /// 令号 of the 命令（令）格式 (10.2), e.g. "第12号"; printed by that format only.
    pub order_number: Option<String>,
    /// 签发人 (upward documents).
    pub signer: Option<String>,
    /// 主送机关.
    pub recipients: Option<String>,
    /// 落款: issuing body and 成文日期.
    pub signature: Option<Signature>,
    /// 抄送机关.
    pub cc: Vec<String>,
    /// 印发机关.
    pub printed_by: Option<String>,
    /// 印发日期.
    pub printed_date: Option<Timestamp>,
    /// The attendance lists of a 纪要 (10.3).
    pub attendance: Attendance,
}

/// Who attended a meeting, for the 纪要格式 (GB/T 9704-2012 10.3): each list's entries (units
/// and names) in the record's order; printed after the text, "出席：" and the entries joined by
/// "、". Empty lists are not printed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attendance {
    /// 出席.
    pub present: Vec<String>,
    /// 请假.
    pub on_leave: Vec<String>,
    /// 列席.
    pub observers: Vec<String>,
}

impl Attendance {
    pub fn is_empty(&self) -> bool {
        self.present.is_empty() && self.on_leave.is_empty() && self.observers.is_empty()
    }
}

/// A signer of a document signed with the signer's signature seal (签发人签名章, GB/T
/// 9704-2012 7.3.5.3): the signer's full title (职务) and name. The name marks where the seal
/// goes; the seal itself is applied to the printed or signed copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Signer {
    pub title: String,
    pub name: String,
}

/// 落款 (7.3.5): the issuing organs' names, lead organ first, or the signers with their
/// signature seals (7.3.5.3) — one of the two, never both, never neither — and the 成文日期.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    pub names: Vec<String>,
    pub signers: Vec<Signer>,
    /// The organs' seals are applied (加盖印章, 7.3.5.1; default): the date 4 characters in
    /// from the right with each name centred over it, a joint document's names side by side
    /// under their seals. False: 7.3.5.2, the names 2 characters in, stacked, the date under
    /// them 2 characters right of their start.
    pub sealed: bool,
    pub date: Timestamp,
}

/// A date as official documents print it: "2025年3月3日" (Arabic digits, no leading zeros).
pub fn chinese_date(t: &Timestamp) -> String {
    format!("{}年{}月{}日", t.year, t.month, t.day)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    SimplifiedChinese,
    TraditionalChinese,
    English,
}

impl Language {
    pub fn parse(tag: &str) -> Option<Language> {
        match tag {
            "zh-Hans" | "zh-CN" | "zh" => Some(Language::SimplifiedChinese),
            "zh-Hant" | "zh-TW" | "zh-HK" => Some(Language::TraditionalChinese),
            "en" | "en-US" | "en-GB" => Some(Language::English),
            _ => None,
        }
    }

    /// BCP 47 tag written into PDF and DOCX metadata.
    pub fn tag(self) -> &'static str {
        match self {
            Language::SimplifiedChinese => "zh-Hans",
            Language::TraditionalChinese => "zh-Hant",
            Language::English => "en",
        }
    }

    /// Tag as Word expects it in `w:lang` (region form).
    pub fn word_tag(self) -> &'static str {
        match self {
            Language::SimplifiedChinese => "zh-CN",
            Language::TraditionalChinese => "zh-TW",
            Language::English => "en-US",
        }
    }

    pub fn is_chinese(self) -> bool {
        self != Language::English
    }
}

/// Every text of `block`, to be changed in place.
fn block_texts_mut(block: &mut Block) -> Box<dyn Iterator<Item = &mut String> + '_> {
    match block {
        Block::Paragraph(t) | Block::Quote(t) | Block::Heading { text: t, .. } => {
            Box::new(std::iter::once(t))
        }
        Block::List { items, .. } => Box::new(items.iter_mut()),
        Block::Table(t) => Box::new(
            t.caption
                .iter_mut()
                .chain(t.cells.iter_mut().map(|c| &mut c.text)),
        ),
        Block::Image(i) => Box::new(i.caption.iter_mut()),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub name: String,
    pub url: Option<String>,
    /// The attachment's own content (GB/T 9704-2012 7.3.7), blocks as in the body; printed on
    /// pages of its own after the document (empty: the attachment is only named).
    pub body: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(String),
    Heading { level: u8, text: String },
    List { ordered: bool, items: Vec<String> },
    Table(Table),
    Image(ImageBlock),
    Quote(String),
}

/// A table: its cells placed on a grid of `rows` × `columns` as the HTML table model places
/// them (a cell covered by a span above or to the left is not in the record), the header
/// rows at the top, an optional caption (表题) and relative column widths.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Every cell, row by row and left to right.
    pub cells: Vec<TableCell>,
    pub rows: usize,
    pub columns: usize,
    /// Rows at the top that are the header: set bold and centred, repeated on every page.
    pub header_rows: usize,
    /// 表题, printed centred above the table.
    pub caption: Option<String>,
    /// Relative column widths (`[1, 4, 8]`), one per column, when the record gives them.
    pub widths: Option<Vec<f32>>,
}

/// One cell: where it starts, how many rows and columns it covers (at least 1 each), and
/// its text (lines separated by `\n`).
#[derive(Debug, Clone, PartialEq)]
pub struct TableCell {
    pub row: usize,
    pub column: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub text: String,
}

/// A record from JSON text, read as `t.json` in the current directory (unit tests).
#[cfg(test)]
pub fn test_record(json: &str) -> Article {
    parse_record(
        json,
        RecordFormat::Json,
        std::path::Path::new("t.json"),
        "t",
        std::path::Path::new("."),
    )
    .expect("a valid test record")
}

/// Why cells cannot be placed: the row (from 0), the cell's index in it when one cell is
/// at fault, and the message (`{table}` stands for the table's field path).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceError {
    pub row: usize,
    pub cell: Option<usize>,
    pub message: String,
}

/// Places a table's cells as the HTML table model does: row by row, each cell in the first
/// column of its row that no span from above covers, spanning `colspan` columns to the right
/// and `rowspan` rows down. `spans[r][i]` is (colspan, rowspan) of the `i`-th cell the record
/// (or page) gives in row `r`, each at least 1. Returns each cell's (row, column) in the same
/// order and the table's column count, the header row's. Errors: a span running past the
/// last row, a cell overlapping another's span, more than `max_columns` columns, an empty
/// first row, a row covering more or fewer columns than the first.
pub fn place_cells(
    spans: &[Vec<(usize, usize)>],
    max_columns: usize,
) -> Result<(Vec<(usize, usize)>, usize), PlaceError> {
    let rows = spans.len();
    // occupied[r][c]: the cell (row, index) covering grid place (r, c).
    let mut occupied: Vec<Vec<Option<(usize, usize)>>> = vec![Vec::new(); rows];
    let mut places = Vec::new();
    for (r, row) in spans.iter().enumerate() {
        let mut c = 0;
        for (i, &(colspan, rowspan)) in row.iter().enumerate() {
            let fail = |message: String| PlaceError {
                row: r,
                cell: Some(i),
                message,
            };
            while occupied[r].get(c).copied().flatten().is_some() {
                c += 1;
            }
            if r + rowspan > rows {
                return Err(fail(format!(
                    "rowspan {rowspan} runs past the last row (row {})",
                    rows - 1
                )));
            }
            if c + colspan > max_columns {
                return Err(fail(format!(
                    "the table would have more than {max_columns} columns"
                )));
            }
            for (rr, slot) in occupied.iter_mut().enumerate().skip(r).take(rowspan) {
                for cc in c..c + colspan {
                    if slot.len() <= cc {
                        slot.resize(cc + 1, None);
                    }
                    if let Some((or, oi)) = slot[cc] {
                        return Err(fail(format!(
                            "the cell overlaps {{table}}.rows[{or}][{oi}], which spans into row {rr}, column {cc}"
                        )));
                    }
                    slot[cc] = Some((r, i));
                }
            }
            places.push((r, c));
            c += colspan;
        }
    }
    let columns = occupied.first().map_or(0, Vec::len);
    if columns == 0 {
        return Err(PlaceError {
            row: 0,
            cell: None,
            message: "the header row is empty".into(),
        });
    }
    let any_span = spans.iter().flatten().any(|&(c, r)| c > 1 || r > 1);
    for (r, slots) in occupied.iter().enumerate() {
        let covered = slots.iter().filter(|s| s.is_some()).count();
        if covered != columns || slots.len() != columns {
            let message = if any_span {
                format!(
                    "the row covers {covered} columns (with the spans from the rows above) but the header row has {columns}"
                )
            } else {
                format!(
                    "row has {} cells but the header row has {columns}",
                    spans[r].len()
                )
            };
            return Err(PlaceError {
                row: r,
                cell: None,
                message,
            });
        }
    }
    Ok((places, columns))
}

impl Table {
    /// Which cell covers each grid place: `[row][column]` is an index into `cells`. Every
    /// place is covered once: the parser refuses overlaps and gaps ([`place_cells`]).
    pub fn coverage(&self) -> Vec<Vec<usize>> {
        let mut cover = vec![vec![usize::MAX; self.columns]; self.rows];
        for (i, cell) in self.cells.iter().enumerate() {
            for row in cover.iter_mut().skip(cell.row).take(cell.rowspan) {
                for slot in row.iter_mut().skip(cell.column).take(cell.colspan) {
                    *slot = i;
                }
            }
        }
        cover
    }
}

#[derive(Clone, PartialEq)]
pub struct ImageBlock {
    pub path: PathBuf,
    pub caption: Option<String>,
    pub kind: ImageKind,
    /// The file's bytes as read, embedded unchanged in PDF, DOCX and OFD; a CMYK JPEG is
    /// converted to an RGB JPEG when read (see `load_image`).
    pub data: std::sync::Arc<Vec<u8>>,
    pub width_px: u32,
    pub height_px: u32,
}

impl fmt::Debug for ImageBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageBlock")
            .field("path", &self.path)
            .field("caption", &self.caption)
            .field("kind", &self.kind)
            .field("bytes", &self.data.len())
            .field("size", &(self.width_px, self.height_px))
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
}

impl ImageKind {
    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpeg",
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
        }
    }
}

/// An error in one record: which file, which field, where, and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub file: PathBuf,
    /// Field path such as `body[3].level`; `None` for whole-file problems.
    pub field: Option<String>,
    /// 1-based line and column, for syntax and type errors the parser can place.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl RecordError {
    /// The error without the file's name, for reports that name the file beside it:
    /// "3:34: field `body[1].level`: invalid type …".
    pub fn detail(&self) -> String {
        let mut out = String::new();
        if let Some((line, column)) = self.position {
            out.push_str(&format!("{line}:{column}: "));
        }
        if let Some(field) = &self.field {
            out.push_str(&format!("field `{field}`: "));
        }
        out.push_str(&self.message);
        out
    }
}

impl std::error::Error for RecordError {}

/// The one way a line breaks inside a text: "\r\n", a lone "\r", U+000B (the manual line
/// break Word puts into pasted text), U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR
/// all become "\n", which every writer breaks the line at (the PDF's line breaker, `w:br` in
/// the DOCX). Returns `None` when `text` has none of them.
pub fn normalize_line_breaks(text: &str) -> Option<String> {
    if !text.contains(['\r', '\u{b}', '\u{2028}', '\u{2029}']) {
        return None;
    }
    Some(
        text.replace("\r\n", "\n")
            .replace(['\r', '\u{b}', '\u{2028}', '\u{2029}'], "\n"),
    )
}

impl Article {
    /// The attachment notes of an official document (附件说明): "1. 名称", "2. 名称" when there
    /// are several, the bare name when there is one (GB/T 9704-2012 7.3.3).
    pub fn attachment_notes(&self) -> Vec<String> {
        let many = self.attachments.len() > 1;
        self.attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                if many {
                    format!("{}. {}", i + 1, a.name)
                } else {
                    a.name.clone()
                }
            })
            .collect()
    }

    /// Every printed text field, to be changed in place: title, subtitle, source, author,
    /// issuer, channel, attachment names, the body's texts (paragraphs, quotes, headings, list
    /// items, table cells, captions) and the official fields.
    pub fn texts_mut(&mut self) -> impl Iterator<Item = &mut String> {
        let o = &mut self.official;
        let fields = std::iter::once(&mut self.title)
            .chain(self.subtitle.iter_mut())
            .chain(self.source.iter_mut())
            .chain(self.author.iter_mut())
            .chain(self.issuer.iter_mut())
            .chain(self.channel.iter_mut())
            .chain(o.issuer_mark.iter_mut())
            .chain(o.doc_number.iter_mut())
            .chain(o.classification.iter_mut())
            .chain(o.urgency.iter_mut())
            .chain(o.note.iter_mut())
            .chain(o.signer.iter_mut())
            .chain(o.recipients.iter_mut())
            .chain(o.signature.iter_mut().flat_map(|s| s.names.iter_mut()))
            .chain(o.cc.iter_mut())
            .chain(o.printed_by.iter_mut());
        let body = self.body.iter_mut().flat_map(block_texts_mut);
        let attachments = self.attachments.iter_mut().flat_map(|a| {
            std::iter::once(&mut a.name).chain(a.body.iter_mut().flat_map(block_texts_mut))
        });
        fields.chain(body).chain(attachments)
    }

    /// Characters of all the record's text, for [`MAX_TEXT_CHARS`]: every field (title,
    /// subtitle, meta fields, channel, attachments, the official elements) and the body. Each
    /// paragraph, item and cell counts at least one, so that empty cells still count.
    pub fn text_chars(&self) -> usize {
        let count = |s: &str| s.chars().count().max(1);
        let optional = |s: &Option<String>| s.as_deref().map_or(0, count);
        let block_chars = |b: &Block| match b {
            Block::Paragraph(t) | Block::Quote(t) | Block::Heading { text: t, .. } => count(t),
            Block::List { items, .. } => items.iter().map(|t| count(t)).sum(),
            Block::Table(t) => {
                t.caption.as_deref().map_or(0, count)
                    + t.cells.iter().map(|c| count(&c.text)).sum::<usize>()
            }
            Block::Image(i) => i.caption.as_deref().map_or(0, count),
        };
        let blocks: usize = self
            .body
            .iter()
            .chain(self.attachments.iter().flat_map(|a| a.body.iter()))
            .map(block_chars)
            .sum();
        let o = &self.official;
        let fields = count(&self.title)
            + optional(&self.subtitle)
            + optional(&self.source)
            + optional(&self.author)
            + optional(&self.issuer)
            + optional(&self.url)
            + self.channel.iter().map(|c| count(c)).sum::<usize>()
            + self
                .attachments
                .iter()
                .map(|a| count(&a.name) + optional(&a.url))
                .sum::<usize>()
            + o.issuer_mark.iter().map(|c| count(c)).sum::<usize>()
            + optional(&o.doc_number)
            + optional(&o.copy_number)
            + optional(&o.classification)
            + optional(&o.urgency)
            + optional(&o.note)
            + optional(&o.signer)
            + optional(&o.recipients)
            + o.signature
                .as_ref()
                .map_or(0, |s| s.names.iter().map(|n| count(n)).sum::<usize>())
            + o.cc.iter().map(|c| count(c)).sum::<usize>()
            + optional(&o.printed_by);
        fields + blocks
    }

    /// All text of the article in reading order, as it is printed (used by tests and reports).
    pub fn body_text(&self) -> Vec<String> {
        let mut out = Vec::new();
        for block in &self.body {
            match block {
                Block::Paragraph(t) | Block::Quote(t) | Block::Heading { text: t, .. } => {
                    out.push(t.clone())
                }
                Block::List { items, .. } => out.extend(items.iter().cloned()),
                Block::Table(t) => {
                    out.extend(t.caption.iter().cloned());
                    out.extend(t.cells.iter().map(|c| c.text.clone()));
                }
                Block::Image(img) => out.extend(img.caption.iter().cloned()),
            }
        }
        out
    }
}
