//! The composed document: every decision about *what* is printed and *how it is divided*, made
//! once, between the record and the writers. Labels and meta lines are resolved, the title's
//! lines chosen, table column widths computed, image and QR sizes fixed, the attachment list
//! numbered, and the official elements (GB/T 9704-2012 §7) written out and placed: the mark's
//! size and height, the number line's arrangement, the blank lines between the head's
//! elements, the signature's position. Layout turns a
//! [`Composed`] into pages (PDF, OFD, preview); the DOCX writer turns the same value into
//! WordprocessingML. Neither decides any of this again. (Body paragraphs, and headings and
//! captions in the DOCX, are left to flow: Word breaks their lines itself, so that the
//! document stays editable; titles and table cells are broken where the PDF breaks them.)
//!
//! Data flows one way: `record` → `compose` → `layout` → `render::{pdf, pdf_direct, ofd, svg}`,
//! and `compose` → `render::docx`.

use crate::fonts::FontBook;
use crate::layout::text::{set_shaped, set_title, shape, Line, Shaped, TextStyle};
use crate::layout::words;
use crate::qr::QrMatrix;
use crate::record::{chinese_date, Article, Block, ImageBlock, Table, TableCell};
use crate::template::{Align, DocumentKind, Length, OfficialFormat, Style, Template};
use std::collections::BTreeSet;

/// Smallest printed QR module that phone cameras and zbar read reliably, in mm.
pub const MIN_QR_MODULE_MM: f32 = 0.4;

/// Cell padding of tables: left and right, and top and bottom, in pt.
pub const TABLE_PAD_X: f32 = 4.0;
pub const TABLE_PAD_Y: f32 = 3.0;

/// The article as it will be printed, shared by layout and the DOCX writer.
pub struct Composed<'a> {
    pub article: &'a Article,
    pub template: &'a Template,
    /// The breadcrumb line of a news head ("首页 > 新闻中心"), when there is a channel.
    pub breadcrumb: Option<SetText>,
    /// The title's lines as the title style breaks them over the type area (balanced when
    /// centred): the DOCX breaks its title at the same places.
    pub title: Vec<Line>,
    /// The subtitle of a news head, in the subtitle style.
    pub subtitle: Option<SetText>,
    /// The meta line of a news head ("发布时间：… 来源：…").
    pub meta: Option<SetText>,
    /// The lines of each heading block of the body, in order, in its level's style.
    pub headings: Vec<Vec<Line>>,
    /// One per table block of the body, in order.
    pub tables: Vec<TableGeometry>,
    /// One per image block of the body, in order.
    pub images: Vec<ImagePart>,
    /// The news attachment list (附件), when the record has attachments.
    pub attachments: Option<AttachmentList>,
    /// The QR code of the url, when the template prints one and the record has a url.
    pub qr: Option<QrPart>,
    /// The texts of an official document's head and tail (official templates only).
    pub official: Option<OfficialTexts>,
    /// One per attachment with content of its own, in the record's order: printed on pages
    /// of their own after the document (an official document's before its 版记).
    pub attachment_pages: Vec<AttachmentPage>,
    /// An official document's parts as a news template prints them (news templates only).
    pub news_official: Option<NewsOfficial>,
    /// The space in pt the baseline grid adds above each body block when the pages are
    /// one continuous column (index = the block's index in the body; one more entry for
    /// what follows the body: a news attachment list, an official tail): off-grid content
    /// (titles, headings, tables, images) that
    /// ends between two grid lines pushes the next grid line's text down to the grid
    /// ([`grid_snap`]). Layout snaps by position; the DOCX, whose reader knows no such
    /// grid, writes this space out.
    pub grid_space: Vec<f32>,
    /// Characters no bundled font has, met while composing (layout adds its own).
    pub missing: BTreeSet<char>,
}

/// What a record of an official document says beyond its text, printed by a news template
/// where the published page shows it, so that no template drops it: the 发文字号 centred under
/// the meta line, the addressees before the text without indent, the issuing organs and the
/// date right-aligned a blank line under the text, and the 附注.
#[derive(Debug, Clone)]
pub struct NewsOfficial {
    /// In the meta style, centred: the head's last line.
    pub doc_number: Option<SetText>,
    pub recipients: Option<String>,
    /// The space the baseline grid adds above the addressees (see [`Composed::grid_space`]).
    pub recipients_grid: f32,
    /// The organs' names, then the date.
    pub closing: Vec<String>,
    /// In full-width parentheses.
    pub note: Option<String>,
    /// The 版记's lines: "抄送：…。", "印发机关　2025年3月4日印发", as paragraphs at the end.
    pub imprint: Vec<String>,
}

/// The style of a news template's 主送 line and closing lines: the body's, without indent,
/// aligned as given.
pub fn news_official_style(template: &Template, align: Align) -> Style {
    let mut style = template.styles.body.clone();
    style.first_line_indent = 0.0;
    style.align = align;
    style.space_before = Length(0.0);
    style.space_after = Length(0.0);
    style
}

/// An attachment printed on pages of its own (GB/T 9704-2012 7.3.7: "附件应当另面编排…
/// "附件"二字及附件顺序号用3号黑体字顶格编排在版心左上角第一行。附件标题居中编排在版心第三
/// 行。附件顺序号和附件标题应当与附件说明的表述一致"): "附件" and its number as the 附件说明
/// numbers it (none when there is one attachment) on the first line, flush left, in the
/// official head style (the body style in other templates); a blank line; its name, set as
/// the title; then its blocks.
#[derive(Debug, Clone)]
pub struct AttachmentPage {
    /// Index into the record's attachments.
    pub index: usize,
    pub label: String,
    pub title: Vec<Line>,
    /// As [`Composed::grid_space`], for the attachment's blocks (the page starts afresh).
    pub grid_space: Vec<f32>,
}

/// A paragraph's text and its lines as set in its style over the type area.
#[derive(Debug, Clone)]
pub struct SetText {
    pub text: String,
    pub lines: Vec<Line>,
}

/// An image block as printed.
#[derive(Debug, Clone)]
pub struct ImagePart {
    /// Printed width and height in pt.
    pub size: (f32, f32),
    /// The caption's lines in the caption style (empty without a caption).
    pub caption: Vec<Line>,
}

/// Space above an image and below it (before its caption), in pt.
pub const IMAGE_SPACE_BEFORE: f32 = 6.0;
pub const IMAGE_SPACE_AFTER: f32 = 4.0;
/// Space above the QR code, in pt.
pub const QR_SPACE_BEFORE: f32 = 18.0;
/// The gray rules of a news head: under the breadcrumb (thickness, space below) and under
/// the meta line, in pt.
pub const BREADCRUMB_RULE: (f32, f32) = (0.5, 4.0);
pub const HEAD_RULE: (f32, f32) = (0.75, 12.0);

/// The style of a table's caption (表题): the caption style, with the table's space before
/// above it and none below (the table's own space before follows).
pub fn table_caption_style(template: &Template) -> Style {
    let mut style = template.styles.caption.clone();
    style.align = Align::Center;
    style.space_before = template.styles.table.space_before;
    style.space_after = Length(0.0);
    style
}

/// Whether a paragraph is indented by hand: its text starts with ideographic spaces (U+3000),
/// as name lists aligned with them ("　　　　李某某　　局长") and text from Word
/// ("　　正文") are. Those spaces are its indent, in place of the style's first-line indent,
/// in every writer.
pub fn hand_indented(text: &str) -> bool {
    text.starts_with('\u{3000}')
}

/// The space between two stacked blocks, in pt: the larger of the upper one's space after
/// and the lower one's space before (they overlap, as CSS margins collapse).
pub fn gap(after: f32, before: f32) -> f32 {
    after.max(before)
}

/// Where text on the baseline grid goes after `offset` pt of content measured from a grid
/// line: down to the next grid line (or stays, when `offset` is on one), in pt from that
/// first grid line. `pitch` is the body's line pitch.
pub fn grid_snap(offset: f32, pitch: f32) -> f32 {
    (offset / pitch - 1e-3).ceil().max(0.0) * pitch
}

/// Whether lines in `style` sit on the template's baseline grid: the grid is on and the
/// style's line pitch is the body's.
pub fn on_grid(template: &Template, style: &Style) -> bool {
    template.typography.baseline_grid
        && (style.line_pitch() - template.styles.body.line_pitch()).abs() < 0.01
}

/// Columns of one table.
#[derive(Debug, Clone)]
pub struct TableGeometry {
    /// Column widths in pt, summing to the type area's width; each includes its padding.
    pub widths: Vec<f32>,
    /// Each cell's lines, in the order of the table's cells: header cells centred and bold,
    /// the others left-aligned, set in the width of the columns the cell covers less its
    /// padding.
    pub cells: Vec<Vec<Line>>,
    /// Each row's height in pt: its tallest one-row cell's lines and padding; a cell spanning
    /// rows that needs more lengthens the last of them.
    pub row_heights: Vec<f32>,
    /// The header rows repeat at the top of every page: they fit a third of the type area.
    pub header_repeats: bool,
    /// Each row's room in pt: the type area's height, less the repeated header rows' for a
    /// body row.
    pub room: Vec<f32>,
    /// Rows taller than their room, cut into lines where a page ends; a row that a cell
    /// spanning rows covers is never cut.
    pub cut: Vec<bool>,
    /// Each cell's lines are set bold (the header rows, and a body cell spanning every
    /// column: a section row such as "一、知识产权保护方面").
    pub bold: Vec<bool>,
    /// Each cell's lines are centred vertically in the rows it spans (CSS 2.1 §17.5.4: table
    /// cells' `vertical-align: middle`, what a browser shows; OOXML `w:vAlign="center"`,
    /// ECMA-376 17.4.84); false in a row cut at page ends, whose lines run from its top.
    pub middle: Vec<bool>,
    /// Each cell's space in pt between its top padding and its first line: half of what the
    /// rows it spans give beyond its lines and padding when `middle`, else 0.
    pub drop: Vec<f32>,
    /// The caption's (表题) lines, centred in the caption style (empty without a caption).
    pub caption: Vec<Line>,
    /// Cell padding in pt: left and right (`pad_x`), top and bottom (`pad_y`).
    pub pad_x: f32,
    pub pad_y: f32,
    /// Text size in pt: the table style's, or smaller when the table has too many columns
    /// for a character and a half each.
    pub size: f32,
}

/// The 抄送机关 as the 版记 prints them (GB/T 9704-2012 7.4.2: "抄送机关间用逗号隔开，回行时
/// 与冒号后的首字对齐。最后一个抄送机关后标句号"): joined by "，", one "。" at the end, however
/// the record ended them ("甲，乙。" is not printed "甲，乙。。").
pub fn cc_list(cc: &[String]) -> String {
    let trim = |s: &str| {
        s.trim()
            .trim_end_matches(['。', '，', ',', '、', '；', ';', '.'])
            .to_owned()
    };
    let organs: Vec<String> = cc
        .iter()
        .map(|c| trim(c))
        .filter(|c| !c.is_empty())
        .collect();
    format!("{}。", organs.join("，"))
}

/// The news attachment list: a label, then numbered names, each linked to its url.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentList {
    pub label: String,
    /// (marker "1.", name, url)
    pub items: Vec<(String, String, Option<String>)>,
}

/// The QR code block.
#[derive(Debug, Clone, PartialEq)]
///
/// The QR code and its caption keep with the article's last lines: where they do not fit
/// below them on the page, the lines go to the next page with them (two at least, as
/// widow control moves them), so that no page holds the QR code alone. Layout chains the
/// boxes; the DOCX says `w:keepNext` on the paragraph before it (ECMA-376 17.3.1.15).
pub struct QrPart {
    /// Printed size in pt, quiet zone included: the template's size, at least
    /// [`MIN_QR_MODULE_MM`] per module.
    pub size: f32,
    pub caption: String,
}

/// Distance between a joint mark's stacked lines, in em of the mark.
const MARK_PITCH: f32 = 1.2;

/// The words a 发文机关标志 ends in, by format: "文件" (7.2.4: "发文机关全称或者规范化简称加"文件"
/// 二字"), "命令" or "令" (10.2), "纪要" (10.3). In a joint mark it stands once, beside the
/// stacked organs.
pub fn mark_suffixes(format: OfficialFormat) -> &'static [&'static str] {
    match format {
        OfficialFormat::Document => &["文件"],
        // 10.1: the organ's name alone.
        OfficialFormat::Letter => &[],
        OfficialFormat::Order => &["命令", "令"],
        OfficialFormat::Minutes => &["纪要"],
    }
}

/// The distance of the 信函格式's first head element, and of its 发文字号, below the first
/// double rule: 7/8 of the height of a 3号 character (GB/T 9704-2012 10.1: "与该线的距离为3号
/// 汉字高度的7/8"), in pt.
pub const LETTER_ELEMENT_GAP: f32 = 16.0 * 7.0 / 8.0;

/// What an official document prints in its head and tail and where, decided once for
/// layout and the DOCX (GB/T 9704-2012). Distances are counted in body lines of the grid
/// ("空二行": two blank lines) and characters (em of the element's own size), as the
/// standard counts them.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialTexts {
    /// The template's format: 文件格式 or a special format of chapter 10.
    pub format: OfficialFormat,
    /// 份号, 密级和保密期限, 紧急程度, in the standard's order, one per line from the type
    /// area's first line, flush left (7.2.1–7.2.3); in the 信函格式, under the first double
    /// rule (10.1).
    pub head_lines: Vec<String>,
    /// The 信函格式's double rules and the place of the elements under the first (10.1).
    pub letter: Option<LetterHead>,
    /// 令号 of the 命令（令）格式, centred two lines under the mark; the text two lines under
    /// it (10.2).
    pub order_number: Option<String>,
    /// Blank lines between the mark and the text when nothing stands between them: an order
    /// without its 令号 keeps the two lines (10.2); 0 otherwise.
    pub lines_after_mark: u8,
    /// The 版记 has its rules; the 信函格式's has none (10.1: "版记不加印发机关和印发日期、
    /// 分隔线").
    pub imprint_rules: bool,
    /// A 纪要's attendance lists: (label "出席：", the entries joined by "、"), one line under the
    /// text or the 附件说明, the label two characters in (10.3).
    pub attendance: Vec<(String, String)>,
    /// The title is printed (not in the 命令（令）格式, whose mark names the document).
    pub print_title: bool,
    /// 发文机关标志 (7.2.4).
    pub mark: Option<Mark>,
    /// 发文字号 with 签发人 in upward documents and the red rule under it (7.2.5, 7.2.6).
    pub number: Option<NumberLine>,
    /// Blank lines between the mark and the number line (7.2.5: 空二行).
    pub lines_before_number: u8,
    /// Blank lines above the title: below the red rule, or the mark when there is no
    /// number line (7.3.1: 空二行); 0 without either.
    pub lines_before_title: u8,
    /// 主送机关, one line under the title (7.3.2).
    pub recipients: Option<String>,
    /// 附件说明: "附件：", the numbered notes ("1. 名称"), a blank line above it and its
    /// indent in characters (7.3.3: 空一行, 左空二字).
    pub attachment_label: String,
    pub attachment_notes: Vec<String>,
    pub attachment_indent: f32,
    pub lines_before_attachments: u8,
    /// 发文机关署名 (or the signers' titles and seals) and 成文日期 (7.3.5).
    pub signature: Option<Signature>,
    /// 附注 in parentheses, on the line after the 成文日期, two characters in (7.3.6).
    pub note: Option<String>,
    /// 抄送机关: the label and the list ("抄送：", "甲，乙。", 7.4.2).
    pub cc: Option<(String, String)>,
    /// 印发机关 and 印发日期 ("2025年3月3日印发", 7.4.3).
    pub printed_by: Option<String>,
    pub printed_date: Option<String>,
}

/// 发文机关标志 (7.2.4), red, centred: one organ's name on one line, or the organs of a joint
/// document stacked, the lead organ first, each spread to the width of the longest, and
/// "文件", when the mark ends in it, to the right of the stack and centred on it vertically
/// ("如有"文件"二字，应当置于发文机关名称右侧，以联署发文机关名称为准上下居中排布").
/// It shrinks, never drops a name, when it would be wider than the type area.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// One entry per printed line: the text and the tracking (pt) added after each of its
    /// characters but the last, to spread it to [`Mark::stack_width`].
    pub lines: Vec<(String, f32)>,
    /// "文件" beside a stack of two or more organs.
    pub suffix: Option<String>,
    /// The font size (pt): the mark style's, shrunk so that the mark fits the type area.
    pub size: f32,
    /// The first line's top below the type area's top (pt): 35 mm; 80 mm in upward documents;
    /// lower when the 份号, 密级 and 紧急程度 lines above would reach it.
    pub top: f32,
    /// Distance between the stacked lines' baselines (pt): 1.2 em. The mark shrinks when it
    /// would reach below the upper half of the type area (or a quarter of it below its top).
    pub pitch: f32,
    /// Width of the stack (pt): the longest name's natural width.
    pub stack_width: f32,
    /// Space between the stack and the suffix (pt): half an em.
    pub suffix_gap: f32,
    /// Width of the suffix (pt); 0 without one.
    pub suffix_width: f32,
}

impl Mark {
    /// The whole mark's width (pt): the stack, the gap and "文件".
    pub fn width(&self) -> f32 {
        if self.suffix.is_some() {
            self.stack_width + self.suffix_gap + self.suffix_width
        } else {
            self.stack_width
        }
    }

    /// The mark's height from its first line's top to its last line's bottom (pt).
    pub fn height(&self) -> f32 {
        (self.lines.len().max(1) - 1) as f32 * self.pitch + self.size
    }
}

/// The 发文字号 line: centred, or, in an upward document (one with a 签发人), the number one
/// character in from the left and "签发人：" with the name one character in from the right.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberLine {
    pub number: String,
    /// ("签发人：", name).
    pub signer: Option<(String, String)>,
    /// Inset of the number and the signer from the type area's sides, in characters.
    pub inset: f32,
}

/// The 信函格式's head (GB/T 9704-2012 10.1). Distances in pt below the type area's top
/// (negative above it), x in pt from the type area's left edge (negative left of it).
#[derive(Debug, Clone, PartialEq)]
pub struct LetterHead {
    /// The rules' ends: 170 mm centred on the type area.
    pub x1: f32,
    pub x2: f32,
    /// Each double rule's lines as (offset of the line's top from the rule's top, thickness),
    /// top line first: thick over thin under the mark, thin over thick at the foot.
    pub upper: [(f32, f32); 2],
    pub lower: [(f32, f32); 2],
    /// The upper rule's top: `rule_gap` (4 mm) under the mark.
    pub upper_top: f32,
    /// The lower rule's top, its bottom 20 mm above the page's bottom edge.
    pub lower_top: f32,
    /// The top of the first line under the upper rule (份号, or the 发文字号 beside it): 7/8 of
    /// a 3号 character below the rule.
    pub elements_top: f32,
    /// Lines under the rule (份号, 密级, 紧急程度; one for the 发文字号 alone), a head style pitch
    /// apart.
    pub element_lines: usize,
    /// The top of the title's line: two blank lines under the last element's em box, on the
    /// first grid line there ("标题居中编排，与其上最后一个要素相距2行", as a document grid
    /// places it).
    pub title_top: f32,
}

impl LetterHead {
    /// The height of a double rule (pt).
    pub fn rule_height(lines: &[(f32, f32); 2]) -> f32 {
        lines[1].0 + lines[1].1
    }
}

/// Where a signature part's `x` is: its left edge, its centre, its right edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Left,
    Center,
    Right,
}

/// One text of a signature line, at `x` pt from the type area's left edge.
#[derive(Debug, Clone, PartialEq)]
pub struct SignaturePart {
    pub text: String,
    pub x: f32,
    pub anchor: Anchor,
}

impl SignaturePart {
    /// The part's left edge for text `width` pt wide.
    pub fn left(&self, width: f32) -> f32 {
        match self.anchor {
            Anchor::Left => self.x,
            Anchor::Center => self.x - width / 2.0,
            Anchor::Right => self.x - width,
        }
    }
}

/// A line of the signature: blank grid lines above it and its parts, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureRow {
    pub lines_before: u8,
    pub parts: Vec<SignaturePart>,
}

/// 落款 (GB/T 9704-2012 7.3.5), line by line, the 成文日期 last, each text placed:
/// - sealed (7.3.5.1, the default): the date 4 characters in from the right (右空四字), one
///   organ's name centred over it; a joint document's organs side by side in their order,
///   each centred in an equal share of the type area, as many a row as fit two characters
///   apart (three at most), rows four blank lines apart so that 42 mm seals neither meet nor
///   touch, the date centred under the last organ (its seal covers both);
/// - unsealed (7.3.5.2): the names 2 characters in from the right (右空二字), stacked, the
///   date on the next line starting 2 characters right of the names' start, or 2 characters
///   in from the right when it is longer (the names moving left with it);
/// - signed with signature seals (7.3.5.3): two blank lines under the text, per signer a line
///   with the seal's place (the name) 4 characters in from the right and the title (职务) 2
///   characters left of it, the names aligned under one another; the date a blank line
///   under the last, 4 characters in from the right.
///
/// A text wider than its place is moved inward to stay inside the type area.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    pub rows: Vec<SignatureRow>,
}

impl Signature {
    /// Blank lines above the first line (the space under the text).
    pub fn lines_before(&self) -> u8 {
        self.rows.first().map_or(0, |r| r.lines_before)
    }
}

impl Composed<'_> {
    /// The title's lines as text, in order (spaces at the breaks left out).
    pub fn title_lines(&self) -> Vec<String> {
        self.title.iter().map(Line::text).collect()
    }
}

/// Composes `article` for `template`. `qr` is the url's code, when the record has a url.
pub fn compose<'a>(
    article: &'a Article,
    template: &'a Template,
    fonts: &FontBook,
    qr: Option<&QrMatrix>,
) -> Composed<'a> {
    let mut missing = BTreeSet::new();
    let mut shaper = |text: &str, style: &Style, bold: bool| -> Shaped {
        let ts = TextStyle::for_style(template, fonts, article.language, style, bold);
        shape(text, ts, fonts, &mut missing)
    };
    let width = template.page.text_width();
    let labels = template.labels(article.language);
    let is_official = template.document == DocumentKind::Official;

    // Lines of `text` in `style` over the type area, less the style's side indents, as
    // every paragraph-like block is set.
    let set = |text: &str, style: &Style, shaper: &mut dyn FnMut(&str, &Style, bool) -> Shaped| {
        let em = style.char_advance();
        let shaped = shaper(text, style, false);
        set_shaped(
            &shaped,
            style.align,
            width - 2.0 * style.side_indent * em,
            style.first_line_indent * em,
        )
    };
    let styles = &template.styles;
    // A Chinese title that needs more than one line keeps its words whole (GB/T 9704-2012
    // §7.3.1, and every news title): `words::title_breaks`, `set_title`.
    let title = {
        let style = &styles.title;
        let em = style.char_advance();
        let measure = width - 2.0 * style.side_indent * em;
        let shaped = shaper(&article.title, style, false);
        let long = shaped.natural_width() > measure;
        if long && style.align == Align::Center && article.language.is_chinese() {
            let allowed = words::title_breaks(&article.title);
            set_title(&shaped, measure, &allowed, |i| {
                words::preference(&article.title, i)
            })
        } else {
            set(&article.title, style, &mut shaper)
        }
    };
    let mut set_text = |text: Option<String>, style: &Style| {
        text.map(|text| SetText {
            lines: set(&text, style, &mut shaper),
            text,
        })
    };
    let (breadcrumb, subtitle, meta) = if is_official {
        (None, None, None)
    } else {
        (
            set_text(labels.breadcrumb_line(article), &styles.breadcrumb),
            set_text(article.subtitle.clone(), &styles.subtitle),
            set_text(labels.meta_line(article), &styles.meta),
        )
    };

    let off = &article.official;
    let news_official = (!is_official
        && (off.doc_number.is_some()
            || off.recipients.is_some()
            || off.signature.is_some()
            || off.note.is_some()
            || !off.cc.is_empty()
            || off.printed_by.is_some()
            || off.printed_date.is_some()))
    .then(|| {
        let mut meta_style = styles.meta.clone();
        meta_style.align = Align::Center;
        let mut closing = Vec::new();
        if let Some(sig) = &off.signature {
            closing.extend(sig.names.iter().cloned());
            closing.extend(
                sig.signers
                    .iter()
                    .map(|g| format!("{}　{}", g.title, g.name)),
            );
            closing.push(if article.language.is_chinese() {
                chinese_date(&sig.date)
            } else {
                format!(
                    "{:04}-{:02}-{:02}",
                    sig.date.year, sig.date.month, sig.date.day
                )
            });
        }
        let mut imprint = Vec::new();
        if !off.cc.is_empty() {
            imprint.push(format!("抄送：{}", cc_list(&off.cc)));
        }
        let printed = [
            off.printed_by.clone(),
            off.printed_date
                .as_ref()
                .map(|d| format!("{}印发", chinese_date(d))),
        ];
        let printed: Vec<String> = printed.into_iter().flatten().collect();
        if !printed.is_empty() {
            imprint.push(printed.join("\u{3000}"));
        }
        NewsOfficial {
            imprint,
            doc_number: set_text(off.doc_number.clone(), &meta_style),
            recipients: off.recipients.clone(),
            recipients_grid: 0.0,
            closing,
            note: off.note.as_deref().map(parenthesized),
        }
    });

    let mut headings = Vec::new();
    let mut tables = Vec::new();
    let mut images = Vec::new();
    // The body's blocks, then those of attachments with content, in the order they print.
    let printed = article
        .body
        .iter()
        .chain(article.attachments.iter().flat_map(|a| a.body.iter()));
    for block in printed {
        match block {
            Block::Heading { level, text } => {
                headings.push(set(text, template.heading_style(*level), &mut shaper))
            }
            Block::Table(t) => tables.push(table(t, template, width, &mut shaper)),
            Block::Image(img) => images.push(ImagePart {
                size: image_size(img, template),
                caption: img
                    .caption
                    .as_ref()
                    .map(|c| set(c, &styles.caption, &mut shaper))
                    .unwrap_or_default(),
            }),
            _ => {}
        }
    }

    let many = article.attachments.len() > 1;
    let attachment_pages = article
        .attachments
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.body.is_empty())
        .map(|(i, a)| {
            let word = if article.language.is_chinese() {
                "附件"
            } else {
                "Attachment"
            };
            let space = if article.language.is_chinese() {
                ""
            } else {
                " "
            };
            AttachmentPage {
                index: i,
                label: if many {
                    format!("{word}{space}{}", i + 1)
                } else {
                    word.to_owned()
                },
                title: set(&a.name, &styles.title, &mut shaper),
                grid_space: Vec::new(),
            }
        })
        .collect();

    let attachments = (!is_official && !article.attachments.is_empty()).then(|| AttachmentList {
        label: labels.attachments.clone(),
        items: article
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("{}.", i + 1), a.name.clone(), a.url.clone()))
            .collect(),
    });

    let qr = match (qr, &article.url, &template.qr) {
        (Some(matrix), Some(_), Some(setup)) => {
            let modules = matrix.width() as f32 + 8.0;
            Some(QrPart {
                size: setup
                    .size
                    .pt()
                    .max(modules * Length::mm(MIN_QR_MODULE_MM).pt()),
                caption: labels.qr_caption.clone(),
            })
        }
        _ => None,
    };

    let official = if is_official {
        template.official.as_ref().map(|setup| {
            let off = &article.official;
            // 份号, 密级和保密期限, 紧急程度, in the standard's order.
            let head_lines: Vec<String> = [&off.copy_number, &off.classification, &off.urgency]
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            let mark = (!off.issuer_mark.is_empty()).then(|| {
                let style = &setup.mark_style;
                let full = style.size.pt();
                let mut names = off.issuer_mark.clone();
                // 文件 (命令, 令, 纪要) beside a stack: the organs' "…文件", or "文件" alone as
                // the last entry. (Written after every organ, it is still printed once.)
                let mut suffix = None;
                if names.len() > 1 {
                    let words = mark_suffixes(setup.format);
                    let word = names
                        .last()
                        .and_then(|last| words.iter().find(|w| last.ends_with(**w)));
                    if let Some(word) = word {
                        for name in &mut names {
                            if let Some(stem) = name.strip_suffix(word) {
                                *name = stem.trim_end().to_owned();
                            }
                        }
                        suffix = Some((*word).to_owned());
                    }
                    if names.last().is_some_and(String::is_empty) {
                        names.pop();
                    }
                }
                // Natural widths at the full size; everything scales with the size.
                let naturals: Vec<(f32, usize)> = names
                    .iter()
                    .map(|n| (shaper(n, style, false).natural_width(), n.chars().count()))
                    .collect();
                let stack = naturals.iter().map(|n| n.0).fold(0.0, f32::max);
                let suffix_width = suffix
                    .as_deref()
                    .map_or(0.0, |s| shaper(s, style, false).natural_width());
                let gap = if suffix.is_some() { 0.5 * full } else { 0.0 };
                let total = stack + gap + suffix_width;
                let top = match (&off.signer, setup.mark_top_upward) {
                    (Some(_), Some(upward)) => upward.pt(),
                    _ => setup.mark_top.pt(),
                };
                // Never over the 份号, 密级 and 紧急程度 lines above it (which the 信函格式 puts
                // under its first rule instead).
                let above = if setup.format == OfficialFormat::Letter {
                    0.0
                } else {
                    head_lines.len() as f32 * setup.head_style.line_pitch()
                };
                let top = if above > 0.0 { top.max(above) } else { top };
                // Wider than the type area, or (many organs) taller than the upper half of
                // the type area below its top (a quarter at least): smaller, never fewer.
                let full_height = (names.len().max(1) - 1) as f32 * MARK_PITCH * full + full;
                let room = (template.text_height() / 2.0 - top).max(template.text_height() / 4.0);
                let scale = (width / total * 0.999).min(room / full_height).min(1.0);
                let size = full * scale;
                let stack_width = stack * scale;
                let lines = names
                    .iter()
                    .zip(&naturals)
                    .map(|(name, &(natural, chars))| {
                        let spare = stack_width - natural * scale;
                        let tracking = if chars > 1 && spare > 0.01 {
                            spare / (chars - 1) as f32
                        } else {
                            0.0
                        };
                        (name.clone(), tracking)
                    })
                    .collect();
                Mark {
                    lines,
                    suffix,
                    size,
                    top,
                    pitch: MARK_PITCH * size,
                    stack_width,
                    suffix_gap: gap * scale,
                    suffix_width: suffix_width * scale,
                }
            });
            let number = (off.doc_number.is_some() || off.signer.is_some()).then(|| NumberLine {
                number: off.doc_number.clone().unwrap_or_default(),
                signer: off
                    .signer
                    .as_ref()
                    .map(|name| (setup.signer_label.clone(), name.clone())),
                inset: if off.signer.is_some() { 1.0 } else { 0.0 },
            });
            let signature = off.signature.as_ref().map(|s| {
                let style = &setup.signature_style;
                // Characters count on the grid, as "右空四字" does (Style::char_advance).
                let em = style.char_advance();
                let mut measure = |s: &str| shaper(s, style, false).natural_width();
                signature(s, width, em, setup.signature_right_indent, &mut measure)
            });
            let note = off.note.as_deref().map(parenthesized);
            let letter = match (setup.format, &setup.letter) {
                (OfficialFormat::Letter, Some(l)) => {
                    let mark_bottom = mark
                        .as_ref()
                        .map_or(setup.mark_top.pt(), |m| m.top + m.height());
                    let (thick, thin, gap) =
                        (l.thick_rule.pt(), l.thin_rule.pt(), l.rule_spacing.pt());
                    let upper = [(0.0, thick), (thick + gap, thin)];
                    let lower = [(0.0, thin), (thin + gap, thick)];
                    let upper_top = mark_bottom + setup.rule_gap.pt();
                    let page = &template.page;
                    let lower_top = page.height.pt()
                        - l.bottom_rule_from_edge.pt()
                        - LetterHead::rule_height(&lower)
                        - page.margin_top.pt();
                    let overhang = (l.rule_length.pt() - width) / 2.0;
                    let elements_top =
                        upper_top + LetterHead::rule_height(&upper) + LETTER_ELEMENT_GAP;
                    let element_lines = head_lines.len().max(usize::from(number.is_some()));
                    let head = &setup.head_style;
                    let last_bottom = elements_top
                        + element_lines.saturating_sub(1) as f32 * head.line_pitch()
                        + head.size.pt();
                    let pitch = template.styles.body.line_pitch();
                    Some(LetterHead {
                        x1: -overhang,
                        x2: width + overhang,
                        upper,
                        lower,
                        upper_top,
                        lower_top,
                        elements_top,
                        element_lines,
                        title_top: grid_snap(last_bottom + 2.0 * pitch, pitch),
                    })
                }
                _ => None,
            };
            let labels = &setup.attendance_labels;
            let attendance = [
                (&labels.present, &off.attendance.present),
                (&labels.on_leave, &off.attendance.on_leave),
                (&labels.observers, &off.attendance.observers),
            ]
            .into_iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(label, list)| (label.clone(), list.join("、")))
            .collect();
            let order = setup.format == OfficialFormat::Order;
            let bare_order = order && off.order_number.is_none() && mark.is_some();
            OfficialTexts {
                format: setup.format,
                letter,
                order_number: off.order_number.clone().filter(|_| order),
                lines_after_mark: if bare_order { 2 } else { 0 },
                imprint_rules: setup.format != OfficialFormat::Letter,
                attendance,
                print_title: template.prints_title(),
                head_lines,
                note,
                lines_before_title: if number.is_some() || mark.is_some() {
                    2
                } else {
                    0
                },
                mark,
                number,
                lines_before_number: 2,
                recipients: off.recipients.clone(),
                attachment_label: setup.attachments_label.clone(),
                attachment_notes: article.attachment_notes(),
                attachment_indent: 2.0,
                lines_before_attachments: 1,
                signature,
                cc: (!off.cc.is_empty()).then(|| (setup.cc_label.clone(), cc_list(&off.cc))),
                printed_by: off.printed_by.clone(),
                printed_date: off
                    .printed_date
                    .as_ref()
                    .map(|d| format!("{}{}", chinese_date(d), setup.printed_suffix)),
            }
        })
    } else {
        None
    };

    let mut composed = Composed {
        article,
        template,
        breadcrumb,
        title,
        subtitle,
        meta,
        headings,
        tables,
        images,
        attachments,
        qr,
        official,
        attachment_pages,
        news_official,
        grid_space: Vec::new(),
        missing,
    };
    let (spaces, recipients_grid) = grid_spaces(&composed);
    composed.grid_space = spaces;
    if let Some(n) = &mut composed.news_official {
        n.recipients_grid = recipients_grid;
    }
    let spaces = attachment_spaces(&composed);
    for (page, spaces) in composed.attachment_pages.iter_mut().zip(spaces) {
        page.grid_space = spaces;
    }
    composed
}

/// What the flow knows about the content since the last grid line: the height in pt of
/// off-grid content below it (`None` when that height is not known here: body text in an
/// off-grid style, an official document's head) and the space after the last block.
struct Flow {
    offset: Option<f32>,
    after: f32,
    /// Nothing placed yet: the first block's space before is dropped, as at a page's top.
    start: bool,
}

impl Flow {
    /// Off-grid content `height` pt high with its spaces.
    fn off_grid(&mut self, before: f32, height: f32, after: f32) {
        let g = if self.start {
            0.0
        } else {
            gap(self.after, before)
        };
        self.offset = self.offset.map(|o| o + g + height);
        self.after = after;
        self.start = false;
    }

    /// Lines of `style`, `lines` of them (`None`: not known).
    fn lines(&mut self, template: &Template, style: &Style, lines: Option<usize>) -> f32 {
        let (before, after) = (style.space_before.pt(), style.space_after.pt());
        if on_grid(template, style) {
            return self.grid(template, before, after);
        }
        match lines {
            Some(n) => self.off_grid(before, n as f32 * style.line_pitch(), after),
            None => {
                self.offset = None;
                self.after = after;
                self.start = false;
            }
        }
        0.0
    }

    /// Grid lines with their spaces: the space the grid adds above them.
    fn grid(&mut self, template: &Template, before: f32, after: f32) -> f32 {
        let g = if self.start {
            0.0
        } else {
            gap(self.after, before)
        };
        let pitch = template.styles.body.line_pitch();
        let extra = self
            .offset
            .map_or(0.0, |o| grid_snap(o + g, pitch) - (o + g));
        self.offset = Some(0.0);
        self.after = after;
        self.start = false;
        extra
    }
}

/// [`Composed::grid_space`]: the flow of the composed article followed from the top of the
/// first page, block by block, with the spaces and grid rule pagination uses.
fn grid_spaces(c: &Composed) -> (Vec<f32>, f32) {
    let (t, article) = (c.template, c.article);
    let mut spaces = vec![0.0; article.body.len() + 1];
    let mut recipients_grid = 0.0;
    if !t.typography.baseline_grid {
        return (spaces, recipients_grid);
    }
    let styles = &t.styles;
    let official = t.document == DocumentKind::Official;
    let mut flow = Flow {
        offset: (!official).then_some(0.0),
        after: 0.0,
        start: true,
    };
    if !official {
        if let Some(b) = &c.breadcrumb {
            flow.lines(t, &styles.breadcrumb, Some(b.lines.len()));
            flow.off_grid(0.0, BREADCRUMB_RULE.0, BREADCRUMB_RULE.1);
        }
        flow.lines(t, &styles.title, Some(c.title.len()));
        let doc_number = c.news_official.as_ref().and_then(|n| n.doc_number.as_ref());
        for (part, style) in [
            (c.subtitle.as_ref(), &styles.subtitle),
            (c.meta.as_ref(), &styles.meta),
            (doc_number, &styles.meta),
        ] {
            if let Some(p) = part {
                flow.lines(t, style, Some(p.lines.len()));
            }
        }
        flow.off_grid(0.0, HEAD_RULE.0, HEAD_RULE.1);
        if c.news_official
            .as_ref()
            .is_some_and(|n| n.recipients.is_some())
        {
            recipients_grid = flow.lines(t, &news_official_style(t, Align::Left), None);
        }
    }
    let mut counters = (0, 0, 0);
    let body = block_spaces(c, &article.body, &mut flow, &mut counters);
    spaces[..article.body.len()].copy_from_slice(&body);
    if c.news_official
        .as_ref()
        .is_some_and(|n| !n.closing.is_empty())
    {
        // The closing lines, a blank line under the text.
        let pitch = styles.body.line_pitch();
        spaces[article.body.len()] = flow.grid(t, pitch, 0.0);
    } else if c.attachments.is_some() {
        let mut head = styles.body.clone();
        head.space_before = Length(styles.body.size.pt());
        spaces[article.body.len()] = flow.lines(t, &head, None);
    }
    // An official document's tail: 附件说明 or the signature, on the grid, blank lines above.
    if let Some(o) = &c.official {
        let pitch = styles.body.line_pitch();
        let lines = if !o.attachment_notes.is_empty() {
            Some(o.lines_before_attachments)
        } else if !o.attendance.is_empty() {
            Some(ATTENDANCE_LINES_BEFORE)
        } else {
            o.signature.as_ref().map(Signature::lines_before)
        };
        if let Some(lines) = lines {
            spaces[article.body.len()] = flow.grid(t, f32::from(lines) * pitch, 0.0);
        }
    }
    (spaces, recipients_grid)
}

/// Refuses what `article` says that `template`'s official format has no place for, naming
/// the field and the clause, so that nothing is dropped silently: the 令号 outside the
/// 命令（令）格式, the attendance lists outside the 纪要格式, the 签发人 and 发文字号 in the
/// 命令（令）格式 (10.2), the 签发人 and the 印发机关 and 印发日期 in the 信函格式 (10.1).
/// Other templates are not concerned. The error is (the field, the whole message).
pub fn unprinted_fields(
    article: &Article,
    template: &Template,
) -> Result<(), (&'static str, String)> {
    let Some(setup) = template.official_setup() else {
        return news_unprinted(article, template);
    };
    let off = &article.official;
    let format = setup.format;
    use OfficialFormat::{Document, Letter, Minutes, Order};
    // (field, given, the formats that print it, why the others do not).
    let names = off.signature.as_ref().is_some_and(|s| !s.names.is_empty());
    let joint_or_file =
        off.issuer_mark.len() > 1 || off.issuer_mark.iter().any(|m| m.ends_with("文件"));
    let places: [(&'static str, bool, &[OfficialFormat], &str); 8] = [
        (
            "issuer_mark",
            joint_or_file,
            &[Document, Order, Minutes],
            "the 信函格式's mark is the lead organ's name alone, without 文件 (10.1: 发文机关标志使用发文机关全称或者规范化简称；联合行文时，使用主办机关标志)",
        ),
        (
            "signature.name",
            names,
            &[Document, Letter, Minutes],
            "the 命令（令）格式 is signed with the signer's title and signature seal (`signature.signers`, 10.2, 7.3.5.3)",
        ),
        (
            "order_number",
            off.order_number.is_some(),
            &[Order],
            "a 令号 belongs to the 命令（令）格式 (GB/T 9704-2012 10.2, template `mingling`)",
        ),
        (
            "attendance",
            !off.attendance.is_empty(),
            &[Minutes],
            "出席, 请假 and 列席 lists belong to the 纪要格式 (GB/T 9704-2012 10.3, template `jiyao`)",
        ),
        (
            "doc_number",
            off.doc_number.is_some(),
            &[Document, Letter, Minutes],
            "the 命令（令）格式 has the 令号 (`order_number`) in place of a 发文字号 (10.2)",
        ),
        (
            "signer",
            off.signer.is_some(),
            &[Document, Minutes],
            "a 签发人 line belongs to upward documents in the 文件格式 (7.2.6, template `gongwen`); an order is signed by the signer's title and seal (`signature.signers`, 7.3.5.3)",
        ),
        (
            "printed_by",
            off.printed_by.is_some(),
            &[Document, Order, Minutes],
            "the 信函格式's 版记 has no 印发机关 (10.1)",
        ),
        (
            "printed_date",
            off.printed_date.is_some(),
            &[Document, Order, Minutes],
            "the 信函格式's 版记 has no 印发日期 (10.1)",
        ),
    ];
    match places
        .iter()
        .find(|(_, given, printed_by, _)| *given && !printed_by.contains(&format))
    {
        Some((field, _, _, why)) => Err((
            field,
            format!(
                "field `{field}`: template `{}` ({}) does not print it: {why}",
                template.name,
                format.chinese()
            ),
        )),
        None => Ok(()),
    }
}

/// The official fields a news template has no place for: the 版头's elements (7.2: 发文机关标志,
/// 份号, 密级, 紧急程度, 签发人), a 令号 (10.2) and a 纪要's attendance (10.3). A news template
/// prints the rest of an official record (发文字号, 主送, 落款, 附注, 附件, 版记) in its own
/// layout; these it would drop, so the record is refused, naming the field and the template
/// that prints it.
fn news_unprinted(article: &Article, template: &Template) -> Result<(), (&'static str, String)> {
    let off = &article.official;
    let head = "the 版头 of an official document (GB/T 9704-2012 7.2)";
    let fields: [(&'static str, bool, &str, &str); 7] = [
        ("issuer_mark", !off.issuer_mark.is_empty(), head, "gongwen"),
        ("copy_number", off.copy_number.is_some(), head, "gongwen"),
        (
            "classification",
            off.classification.is_some(),
            head,
            "gongwen",
        ),
        ("urgency", off.urgency.is_some(), head, "gongwen"),
        ("signer", off.signer.is_some(), head, "gongwen"),
        (
            "order_number",
            off.order_number.is_some(),
            "the 命令（令）格式 (GB/T 9704-2012 10.2)",
            "mingling",
        ),
        (
            "attendance",
            !off.attendance.is_empty(),
            "the 纪要格式 (GB/T 9704-2012 10.3)",
            "jiyao",
        ),
    ];
    match fields.iter().find(|(_, given, _, _)| *given) {
        Some((field, _, what, fits)) => Err((
            field,
            format!(
                "field `{field}`: the news template `{}` does not print it: it belongs to {what}; \
                 convert with `--template {fits}`",
                template.name
            ),
        )),
        None => Ok(()),
    }
}

/// What a record written for `template`'s special format leaves out or writes otherwise than
/// the format's clause shows, as warnings naming the field: an order's mark not ending in 命令
/// or 令 and an order without a 令号 (10.2), minutes whose mark does not end in 纪要 (10.3).
pub fn format_warnings(article: &Article, template: &Template) -> Vec<String> {
    let Some(setup) = template.official_setup() else {
        return Vec::new();
    };
    let off = &article.official;
    let last = off.issuer_mark.last().map(String::as_str).unwrap_or("");
    // The special formats whose mark ends in their word (mark_suffixes).
    let mark_word = match setup.format {
        OfficialFormat::Order => {
            Some("an order's mark is the organ's full name and 命令 or 令 (GB/T 9704-2012 10.2)")
        }
        OfficialFormat::Minutes => {
            Some("the minutes' mark is the \"…纪要\" name (GB/T 9704-2012 10.3)")
        }
        OfficialFormat::Document | OfficialFormat::Letter => None,
    };
    let mut out = Vec::new();
    if let Some(why) = mark_word {
        if !last.is_empty()
            && !mark_suffixes(setup.format)
                .iter()
                .any(|w| last.ends_with(w))
        {
            out.push(format!("field `issuer_mark`: {why}"));
        }
    }
    if setup.format == OfficialFormat::Order && off.order_number.is_none() {
        out.push("field `order_number`: an order has a 令号 two lines under its mark (GB/T 9704-2012 10.2); the text starts two lines under the mark".to_owned());
    }
    out
}

/// A 附注 in full-width parentheses, whichever the record wrote (or none): "此件公开发布",
/// "(此件公开发布)" and "（此件公开发布）" all print "（此件公开发布）" (7.3.6).
fn parenthesized(note: &str) -> String {
    let n = note.trim();
    let inner = n
        .strip_prefix(['（', '('])
        .and_then(|n| n.strip_suffix(['）', ')']))
        .unwrap_or(n);
    format!("（{inner}）")
}

/// Blank lines above a 纪要's attendance lists (10.3: "在正文或附件说明下空一行").
pub const ATTENDANCE_LINES_BEFORE: u8 = 1;

/// The indent of a 纪要's attendance labels, in characters (10.3: "左空二字").
pub const ATTENDANCE_INDENT: f32 = 2.0;

/// Blank lines between two rows of sealed organs (7.3.5.1): seals of 42 mm, about four grid
/// lines, centred on their names, neither meet nor touch.
const SEAL_ROW_GAP: u8 = 4;

/// [`Signature`] of `s` over a type area `width` pt wide; `em` is the signature style's
/// character (pt), `date_right` the sealed date's right indent in characters (4),
/// `measure` a text's natural width in the signature style (pt).
fn signature(
    s: &crate::record::Signature,
    width: f32,
    em: f32,
    date_right: f32,
    measure: &mut dyn FnMut(&str) -> f32,
) -> Signature {
    let date = chinese_date(&s.date);
    let date_w = measure(&date);
    // Inside the type area, whatever the text's width.
    let part = |text: &str, w: f32, x: f32, anchor: Anchor| {
        let w = w.min(width);
        let x = match anchor {
            Anchor::Left => x.min(width - w).max(0.0),
            Anchor::Center => x.min(width - w / 2.0).max(w / 2.0),
            Anchor::Right => x.max(w).min(width),
        };
        SignaturePart {
            text: text.to_owned(),
            x,
            anchor,
        }
    };
    let row = |lines_before: u8, parts: Vec<SignaturePart>| SignatureRow {
        lines_before,
        parts,
    };
    let mut rows = Vec::new();
    if !s.signers.is_empty() {
        // 7.3.5.3: 下空二行右空四字加盖签发人签名章，签名章左空二字标注签发人职务；签名章下空
        // 一行右空四字编排成文日期.
        let names = s
            .signers
            .iter()
            .map(|g| measure(&g.name))
            .fold(0.0, f32::max);
        let seal_x = width - 4.0 * em - names;
        for (i, g) in s.signers.iter().enumerate() {
            rows.push(row(
                if i == 0 { 2 } else { 0 },
                vec![
                    part(
                        &g.title,
                        measure(&g.title),
                        seal_x - 2.0 * em,
                        Anchor::Right,
                    ),
                    part(&g.name, measure(&g.name), seal_x, Anchor::Left),
                ],
            ));
        }
        rows.push(row(
            1,
            vec![part(&date, date_w, width - 4.0 * em, Anchor::Right)],
        ));
    } else if !s.sealed {
        // 7.3.5.2: 右空二字编排发文机关署名，下一行编排成文日期，首字比署名首字右移二字；成文
        // 日期长于署名时右空二字，署名右空字数相应增加.
        let names = s.names.iter().map(|n| measure(n)).fold(0.0, f32::max);
        let mut names_right = width - 2.0 * em;
        let mut date_left = names_right - names + 2.0 * em;
        if date_left + date_w > width - 2.0 * em {
            date_left = width - 2.0 * em - date_w;
            names_right = date_left - 2.0 * em + names;
        }
        for (i, name) in s.names.iter().enumerate() {
            rows.push(row(
                u8::from(i == 0),
                vec![part(name, measure(name), names_right, Anchor::Right)],
            ));
        }
        rows.push(row(0, vec![part(&date, date_w, date_left, Anchor::Left)]));
    } else {
        let date_end = width - date_right * em;
        if s.names.len() == 1 {
            // 7.3.5.1: 以成文日期为准居中编排发文机关署名 (a name longer than the date ends where
            // the date ends).
            let name = &s.names[0];
            let name_w = measure(name);
            let p = if name_w > date_w {
                part(name, name_w, date_end, Anchor::Right)
            } else {
                part(name, name_w, date_end - date_w / 2.0, Anchor::Center)
            };
            rows.push(row(1, vec![p]));
        } else {
            // Joint: "各发文机关署名按照发文机关顺序整齐排列在相应位置，并将印章一一对应、端正、
            // 居中下压发文机关署名，最后一个印章端正、居中下压发文机关署名和成文日期，印章之间
            // 排列整齐、互不相交或相切，每排印章两端不得超出版心". As many a row as fit two
            // characters apart (three at most, for seals of 42 mm across 156 mm), the rows as
            // even as they can be, a shorter row centred; a record that spaced organs apart on
            // its lines ("甲局　　乙局") arranged the rows itself.
            let widest = s.names.iter().map(|n| measure(n)).fold(0.0, f32::max);
            let fit = ((width / (widest + 2.0 * em) + 0.001).floor() as usize).clamp(1, 3);
            let arranged: Vec<Vec<String>> = s.names.iter().map(|n| spaced_apart(n)).collect();
            let fits = arranged
                .iter()
                .all(|r| r.iter().map(|n| measure(n) + 2.0 * em).sum::<f32>() <= width);
            let rows_of: Vec<Vec<String>> = if arranged.iter().any(|r| r.len() > 1) && fits {
                arranged
            } else {
                let n = s.names.len();
                s.names
                    .chunks(n.div_ceil(n.div_ceil(fit)))
                    .map(<[String]>::to_vec)
                    .collect()
            };
            let per_row = rows_of.iter().map(Vec::len).max().unwrap_or(1);
            let mut last_centre = date_end - date_w / 2.0;
            for (r, chunk) in rows_of.iter().enumerate() {
                let share = width / per_row as f32;
                let offset = (per_row - chunk.len()) as f32 / 2.0;
                let parts: Vec<SignaturePart> = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        part(
                            name,
                            measure(name),
                            share * (i as f32 + 0.5 + offset),
                            Anchor::Center,
                        )
                    })
                    .collect();
                if let Some(p) = parts.last() {
                    last_centre = p.x;
                }
                rows.push(row(if r == 0 { 1 } else { SEAL_ROW_GAP }, parts));
            }
            // The last seal covers the last organ and the date: the date centred under it.
            rows.push(row(
                0,
                vec![part(&date, date_w, last_centre, Anchor::Center)],
            ));
            return Signature { rows };
        }
        rows.push(row(0, vec![part(&date, date_w, date_end, Anchor::Right)]));
    }
    Signature { rows }
}

/// The organs of a signature line the record spaced apart with ideographic spaces or two or
/// more spaces ("甲局　　乙局"), in order; the line itself when it has no such gap.
fn spaced_apart(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut spaces = String::new();
    for c in line.trim().chars() {
        if c.is_whitespace() {
            spaces.push(c);
            continue;
        }
        if !spaces.is_empty() {
            if spaces.contains('\u{3000}') || spaces.chars().count() > 1 {
                out.push(std::mem::take(&mut current));
            } else {
                current.push_str(&spaces);
            }
            spaces.clear();
        }
        current.push(c);
    }
    out.push(current);
    out
}

/// The style of an attachment page's label line ("附件1"): the official head style (3号黑体),
/// else the body's, flush left.
pub fn attachment_label_style(t: &Template) -> Style {
    let mut style = match &t.official {
        Some(o) => o.head_style.clone(),
        None => t.styles.body.clone(),
    };
    style.align = Align::Left;
    style.first_line_indent = 0.0;
    style.space_before = Length(0.0);
    style.space_after = Length(0.0);
    style
}

/// The style of an attachment's title: the document title's, one blank body line above it
/// (the title stands on the page's third line, 7.3.7).
pub fn attachment_title_style(t: &Template) -> Style {
    let mut style = t.styles.title.clone();
    style.space_before = Length(t.styles.body.line_pitch());
    style
}

/// [`AttachmentPage::grid_space`] of each attachment page: the flow starts afresh at the
/// page's top with the label line and the title.
fn attachment_spaces(c: &Composed) -> Vec<Vec<f32>> {
    let (t, article) = (c.template, c.article);
    let count = |f: fn(&Block) -> bool| article.body.iter().filter(|b| f(b)).count();
    let mut counters = (
        count(|b| matches!(b, Block::Heading { .. })),
        count(|b| matches!(b, Block::Table(_))),
        count(|b| matches!(b, Block::Image(_))),
    );
    c.attachment_pages
        .iter()
        .map(|page| {
            let blocks = &article.attachments[page.index].body;
            if !t.typography.baseline_grid {
                return vec![0.0; blocks.len()];
            }
            let mut flow = Flow {
                offset: Some(0.0),
                after: 0.0,
                start: true,
            };
            flow.lines(t, &attachment_label_style(t), Some(1));
            flow.lines(t, &attachment_title_style(t), Some(page.title.len()));
            block_spaces(c, blocks, &mut flow, &mut counters)
        })
        .collect()
}

/// The grid space above each of `blocks` (see [`grid_spaces`]), following `flow`; `counters`
/// count the headings, tables and images composed before them.
fn block_spaces(
    c: &Composed,
    blocks: &[Block],
    flow: &mut Flow,
    counters: &mut (usize, usize, usize),
) -> Vec<f32> {
    let t = c.template;
    let styles = &t.styles;
    let (headings, tables, images) = counters;
    let mut spaces = vec![0.0; blocks.len()];
    for (i, block) in blocks.iter().enumerate() {
        spaces[i] = match block {
            Block::Paragraph(_) => flow.lines(t, &styles.body, None),
            Block::Quote(_) => flow.lines(t, &styles.quote, None),
            Block::List { items, .. } => {
                let mut list = styles.list.clone();
                list.align = Align::Justify;
                let extra = flow.lines(t, &list, None);
                for _ in 1..items.len() {
                    flow.lines(t, &list, None);
                }
                extra
            }
            Block::Heading { level, .. } => {
                let lines = c.headings.get(*headings).map(Vec::len);
                *headings += 1;
                flow.lines(t, t.heading_style(*level), lines)
            }
            Block::Table(_) => {
                let Some(g) = c.tables.get(*tables) else {
                    continue;
                };
                *tables += 1;
                if !g.caption.is_empty() {
                    flow.lines(t, &table_caption_style(t), Some(g.caption.len()));
                }
                let height: f32 = g.row_heights.iter().sum();
                let table = &styles.table;
                flow.off_grid(table.space_before.pt(), height, table.space_after.pt());
                0.0
            }
            Block::Image(_) => {
                let Some(img) = c.images.get(*images) else {
                    continue;
                };
                *images += 1;
                flow.off_grid(IMAGE_SPACE_BEFORE, img.size.1, IMAGE_SPACE_AFTER);
                if !img.caption.is_empty() {
                    flow.lines(t, &styles.caption, Some(img.caption.len()));
                }
                0.0
            }
        };
    }
    // What the grid adds after off-grid headings goes above the first of them: a heading sits
    // closer to its own paragraph than to the one before (pagination does the same).
    for j in 1..blocks.len() {
        if spaces[j] <= 0.0 {
            continue;
        }
        let mut k = j;
        while k > 0 {
            let Block::Heading { level, .. } = &blocks[k - 1] else {
                break;
            };
            if on_grid(t, t.heading_style(*level)) {
                break;
            }
            k -= 1;
        }
        if k < j {
            spaces[k] += spaces[j];
            spaces[j] = 0.0;
        }
    }
    spaces
}

/// Printed size of an image in pt: its pixels at 96 dpi, shrunk to the type area's width and
/// to half its height.
fn image_size(img: &ImageBlock, template: &Template) -> (f32, f32) {
    let page = &template.page;
    let max_w = page.text_width();
    let max_h = 0.5 * (page.height.pt() - page.margin_top.pt() - page.margin_bottom.pt());
    let (w, h) = (img.width_px as f32 * 0.75, img.height_px as f32 * 0.75);
    let scale = (max_w / w).min(max_h / h).min(1.0);
    (w * scale, h * scale)
}

/// Column widths of a table: each column as wide as its longest cell needs (a cell spanning
/// several columns spreads what its covered columns lack over them), scaled to the type
/// area, or the record's relative widths; every column holds at least a character and a
/// half, and a table too wide for that at the template's size is set smaller, with less
/// padding. Then each cell's lines in its columns, the rows' heights and the caption's lines.
fn table(
    t: &Table,
    template: &Template,
    width: f32,
    shaper: &mut impl FnMut(&str, &Style, bool) -> Shaped,
) -> TableGeometry {
    let mut style = template.styles.table.clone();
    let mut pad_x = TABLE_PAD_X;
    let columns = t.columns.max(1);
    let per_column = width / columns as f32;
    if per_column < 1.5 * style.size.pt() + 2.0 * pad_x {
        pad_x = f32::min(pad_x, per_column * 0.1);
        style.size = Length((per_column - 2.0 * pad_x) / 1.5);
    }
    let floor = 1.5 * style.size.pt() + 2.0 * pad_x;
    // Each cell shaped once, in the style it is printed in: header cells bold and centred, a
    // body cell across the whole table (a section row, "一、……") bold.
    let cell_style = |cell: &TableCell| {
        let mut s = style.clone();
        s.align = if cell.row < t.header_rows {
            Align::Center
        } else {
            Align::Left
        };
        s
    };
    let bold =
        |cell: &TableCell| cell.row < t.header_rows || (cell.colspan == columns && columns > 1);
    let shaped: Vec<Shaped> = t
        .cells
        .iter()
        .map(|cell| shaper(&cell.text, &cell_style(cell), bold(cell)))
        .collect();
    // Each column's min-content and max-content widths, padding included (CSS 2.1 §17.5.2.2,
    // automatic table layout): a cell spanning columns spreads what they lack over them.
    let mut min_content = vec![2.0 * pad_x; columns];
    let mut max_content = vec![2.0 * pad_x; columns];
    let content: Vec<(f32, f32)> = shaped.iter().map(Shaped::content_widths).collect();
    for (cell, &(min, max)) in t.cells.iter().zip(&content) {
        if cell.colspan == 1 && cell.column < columns {
            let c = cell.column;
            min_content[c] = min_content[c].max(min + 2.0 * pad_x);
            max_content[c] = max_content[c].max(max + 2.0 * pad_x);
        }
    }
    for (cell, &(min, max)) in t.cells.iter().zip(&content) {
        let covered = cell.column..(cell.column + cell.colspan).min(columns);
        if cell.colspan > 1 && !covered.is_empty() {
            for (widths, need) in [(&mut min_content, min), (&mut max_content, max)] {
                let have: f32 = widths[covered.clone()].iter().sum();
                let need = need + 2.0 * pad_x;
                if need > have {
                    let each = (need - have) / covered.len() as f32;
                    widths[covered.clone()].iter_mut().for_each(|w| *w += each);
                }
            }
        }
    }
    for (min, max) in min_content.iter_mut().zip(&mut max_content) {
        *max = max.max(*min);
    }
    // The measure shared out. When every column's max-content fits, each gets it and the
    // rest in proportion. Else, as water fills: a column whose max-content is no more than
    // an equal share of what is left gets it (序号, 类别, a date: no more lines than they
    // need), until none does; the others, the long text, share what is left in proportion
    // to their max-content, so that their cells come out about as many lines long, and
    // never below their min-content.
    let sum_max: f32 = max_content.iter().sum();
    let mut widths: Vec<f32> = if sum_max <= width {
        max_content.iter().map(|w| w * width / sum_max).collect()
    } else {
        let mut widths = vec![0.0; columns];
        let mut open: Vec<usize> = (0..columns).collect();
        let mut left = width;
        // A column given its max-content gets an em more, so that a reader setting the
        // text a little wider (a synthetic bold, its own space between Chinese and
        // digits) still fits it on as few lines.
        let slack = style.size.pt();
        loop {
            let share = left / open.len().max(1) as f32;
            let (fit, rest): (Vec<usize>, Vec<usize>) =
                open.iter().partition(|&&c| max_content[c] + slack <= share);
            if fit.is_empty() || rest.is_empty() {
                break;
            }
            for c in fit {
                widths[c] = max_content[c] + slack;
                left -= widths[c];
            }
            open = rest;
        }
        let open_max: f32 = open.iter().map(|&c| max_content[c]).sum();
        for &c in &open {
            widths[c] = left * max_content[c] / open_max;
        }
        // Open columns below their min-content are lifted, from the open columns above it.
        let deficit: f32 = open
            .iter()
            .map(|&c| (min_content[c] - widths[c]).max(0.0))
            .sum();
        let surplus: f32 = open
            .iter()
            .map(|&c| (widths[c] - min_content[c]).max(0.0))
            .sum();
        if deficit > 0.0 {
            let take = if surplus > 0.0 {
                (deficit / surplus).min(1.0)
            } else {
                0.0
            };
            for &c in &open {
                let (w, min) = (widths[c], min_content[c]);
                widths[c] = if w < min { min } else { w - (w - min) * take };
            }
        }
        let total: f32 = widths.iter().sum();
        widths.iter_mut().for_each(|w| *w *= width / total);
        widths
    };
    // Lift columns narrower than the floor, taking the width from the wider ones.
    let deficit: f32 = widths.iter().map(|w| (floor - w).max(0.0)).sum();
    let surplus: f32 = widths.iter().map(|w| (w - floor).max(0.0)).sum();
    if deficit > 0.0 && surplus > 0.0 {
        let take = (deficit / surplus).min(1.0);
        for w in &mut widths {
            *w = if *w < floor {
                floor
            } else {
                *w - (*w - floor) * take
            };
        }
    }
    if let Some(relative) = &t.widths {
        let total: f32 = relative.iter().sum();
        widths = relative.iter().map(|w| w / total * width).collect();
    }
    let cells: Vec<Vec<Line>> = t
        .cells
        .iter()
        .zip(&shaped)
        .map(|(cell, shaped)| {
            let end = (cell.column + cell.colspan).min(columns);
            let w = match cell.colspan {
                1 => widths.get(cell.column).copied().unwrap_or(0.0),
                _ => widths[cell.column.min(end)..end].iter().sum(),
            };
            set_shaped(shaped, cell_style(cell).align, w - 2.0 * pad_x, 0.0)
        })
        .collect();
    // Row heights: each row as tall as its tallest one-row cell; a cell spanning rows that
    // needs more than they give lengthens the last of them.
    let pitch = style.line_pitch();
    let needs = |lines: &Vec<Line>| lines.len().max(1) as f32 * pitch + 2.0 * TABLE_PAD_Y;
    let mut row_heights = vec![pitch + 2.0 * TABLE_PAD_Y; t.rows];
    for (cell, lines) in t.cells.iter().zip(&cells) {
        if cell.rowspan == 1 {
            row_heights[cell.row] = row_heights[cell.row].max(needs(lines));
        }
    }
    for (cell, lines) in t.cells.iter().zip(&cells) {
        if cell.rowspan > 1 {
            let covered = cell.row..cell.row + cell.rowspan;
            let have: f32 = row_heights[covered.clone()].iter().sum();
            if needs(lines) > have {
                row_heights[covered.end - 1] += needs(lines) - have;
            }
        }
    }
    let text_height = template.text_height();
    let header_height: f32 = row_heights.iter().take(t.header_rows).sum();
    let header_repeats = header_height <= text_height / 3.0;
    let room: Vec<f32> = (0..t.rows)
        .map(|r| match r >= t.header_rows && header_repeats {
            true => text_height - header_height,
            false => text_height,
        })
        .collect();
    let coverage = t.coverage();
    let cut: Vec<bool> = (0..t.rows)
        .map(|r| {
            let spanned = coverage[r]
                .iter()
                .any(|&i| t.cells.get(i).is_some_and(|c| c.rowspan > 1));
            row_heights[r] > room[r] && !spanned
        })
        .collect();
    let middle: Vec<bool> = t
        .cells
        .iter()
        .map(|cell| !(cell.row..(cell.row + cell.rowspan).min(t.rows)).any(|r| cut[r]))
        .collect();
    let drop = t
        .cells
        .iter()
        .zip(&cells)
        .zip(&middle)
        .map(|((cell, lines), &middle)| {
            let have: f32 = row_heights[cell.row..(cell.row + cell.rowspan).min(t.rows)]
                .iter()
                .sum();
            match middle {
                true => ((have - needs(lines)) / 2.0).max(0.0),
                false => 0.0,
            }
        })
        .collect();
    let caption = t
        .caption
        .as_ref()
        .map(|c| {
            let caption_style = table_caption_style(template);
            let shaped = shaper(c, &caption_style, false);
            set_shaped(&shaped, Align::Center, width, 0.0)
        })
        .unwrap_or_default();
    TableGeometry {
        widths,
        cells,
        row_heights,
        header_repeats,
        room,
        cut,
        bold: t.cells.iter().map(bold).collect(),
        middle,
        drop,
        caption,
        pad_x,
        pad_y: TABLE_PAD_Y,
        size: style.size.pt(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Signer, Timestamp};

    #[test]
    fn the_cc_list_ends_in_one_full_stop() {
        let list = |v: &[&str]| cc_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            list(&["市委办公室，市人大常委会办公室。"]),
            "市委办公室，市人大常委会办公室。"
        );
        assert_eq!(list(&["甲局。", "乙局，"]), "甲局，乙局。");
        assert_eq!(list(&["甲局"]), "甲局。");
    }

    /// Every character one em of 16 pt: the widths the arrangement depends on.
    fn arrange(s: &crate::record::Signature) -> Vec<Vec<(String, f32, Anchor)>> {
        let mut measure = |t: &str| t.chars().count() as f32 * 16.0;
        signature(s, 448.0, 16.0, 4.0, &mut measure)
            .rows
            .into_iter()
            .map(|r| {
                r.parts
                    .into_iter()
                    .map(|p| (p.text, p.x, p.anchor))
                    .collect()
            })
            .collect()
    }

    fn sig(names: &[&str], signers: &[(&str, &str)], sealed: bool) -> crate::record::Signature {
        crate::record::Signature {
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            signers: signers
                .iter()
                .map(|(t, n)| Signer {
                    title: (*t).to_owned(),
                    name: (*n).to_owned(),
                })
                .collect(),
            sealed,
            date: Timestamp::parse("2025-03-03").unwrap(),
        }
    }

    /// GB/T 9704-2012 7.3.5.1–7.3.5.3 on a 448 pt type area of 16 pt characters.
    #[test]
    fn signatures_are_placed_as_the_standard_says() {
        let (w, em) = (448.0, 16.0);
        // 7.3.5.1, one organ: the date (9 em: "2025年3月3日" counts 9 characters) ends 4 em in,
        // the name centred over it.
        let one = arrange(&sig(&["某局"], &[], true));
        assert_eq!(
            one[1],
            vec![("2025年3月3日".into(), w - 4.0 * em, Anchor::Right)]
        );
        assert_eq!(one[0][0].1, w - 4.0 * em - 4.5 * em);
        assert_eq!(one[0][0].2, Anchor::Center);
        // A name longer than the date ends where the date ends.
        let long = arrange(&sig(&["某某市某某区人民政府办公室"], &[], true));
        assert_eq!((long[0][0].1, long[0][0].2), (w - 4.0 * em, Anchor::Right));
        // Joint: side by side in equal shares, three a row, then two rows.
        let three = arrange(&sig(&["甲局", "乙局", "丙局"], &[], true));
        for (p, want) in three[0].iter().zip([w / 6.0, w / 2.0, 5.0 * w / 6.0]) {
            assert!((p.1 - want).abs() < 0.01, "{three:?}");
        }
        let five = arrange(&sig(&["甲", "乙", "丙", "丁", "戊"], &[], true));
        assert_eq!((five[0].len(), five[1].len(), five.len()), (3, 2, 3));
        // The short row centred under the full one.
        assert!((five[1][0].1 - w / 3.0).abs() < 0.01, "{five:?}");
        // 7.3.5.2: names 2 em in from the right; the date 2 em right of their start ...
        let plain = arrange(&sig(&["某某市某某区人民政府办公室"], &[], false));
        assert_eq!(
            (plain[0][0].1, plain[0][0].2),
            (w - 2.0 * em, Anchor::Right)
        );
        assert_eq!(plain[1][0].1, w - 2.0 * em - 13.0 * em + 2.0 * em);
        // ... or, when it is longer, 2 em in from the right, the names moving left.
        let short = arrange(&sig(&["某局"], &[], false));
        assert_eq!(
            (short[1][0].1, short[1][0].2),
            (w - 2.0 * em - 9.0 * em, Anchor::Left)
        );
        assert_eq!(short[0][0].1, w - 2.0 * em - 9.0 * em - 2.0 * em + 2.0 * em);
        // 7.3.5.3: the seal's place 4 em in, the title 2 em left of it, rows aligned; the date
        // a blank line under, 4 em in.
        let seals = arrange(&sig(&[], &[("市长", "李明华"), ("副市长", "王五")], true));
        assert_eq!(seals.len(), 3);
        for row in &seals[..2] {
            assert_eq!(
                (row[1].1, row[1].2),
                (w - 4.0 * em - 3.0 * em, Anchor::Left)
            );
            assert_eq!((row[0].1, row[0].2), (w - 9.0 * em, Anchor::Right));
        }
        assert_eq!(seals[2][0].1, w - 4.0 * em);
    }

    #[test]
    fn organs_spaced_apart_on_a_line() {
        assert_eq!(spaced_apart("甲局　　乙局"), vec!["甲局", "乙局"]);
        assert_eq!(
            spaced_apart("Bureau of X  Bureau Y"),
            vec!["Bureau of X", "Bureau Y"]
        );
        assert_eq!(spaced_apart(" 某局 "), vec!["某局"]);
    }
}
