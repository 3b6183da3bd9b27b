//! Templates: page geometry, fonts and sizes per role, header and footer, labels. Written in
//! TOML; the built-in ones (`templates/*.toml`) are compiled into the binary.

mod units;

pub use units::{Length, PT_PER_MM};

use crate::record::{Article, Language};
use serde::Deserialize;
use std::path::Path;

const BUILTIN: &[(&str, &str)] = &[
    ("bulletin", include_str!("../../templates/bulletin.toml")),
    ("gongwen", include_str!("../../templates/gongwen.toml")),
    ("leaflet", include_str!("../../templates/leaflet.toml")),
    ("xinhan", include_str!("../../templates/xinhan.toml")),
    ("mingling", include_str!("../../templates/mingling.toml")),
    ("jiyao", include_str!("../../templates/jiyao.toml")),
];

/// Font families bundled with bulletin; a style names one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// 宋体 (Fandol Song)
    Song,
    /// 黑体 (Fandol Hei)
    Hei,
    /// 仿宋 (Fandol Fang)
    Fang,
    /// 楷体 (Fandol Kai)
    Kai,
    /// Noto Serif CJK, the wide-coverage face
    Serif,
}

/// The face a role sets Latin letters, digits and Latin punctuation in (and quotes, dashes
/// and ellipses that stand in Latin text, [`crate::layout::latin_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LatinFamily {
    /// Liberation Serif: the metrics of Times New Roman, which the DOCX names.
    Serif,
    /// Liberation Sans: the metrics of Arial, which the DOCX names.
    Sans,
    /// The CJK face's own Latin glyphs (GB/T 9704-2012 §7.5 wants the page number in
    /// "半角宋体阿拉伯数字", Song's own half-width digits).
    Cjk,
}

impl Family {
    /// The Latin face that goes with this family when a style names none: sans with 黑体,
    /// serif with the others, as Word sets Latin text beside them in Chinese offices.
    pub fn default_latin(self) -> LatinFamily {
        match self {
            Family::Hei => LatinFamily::Sans,
            _ => LatinFamily::Serif,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    #[default]
    Justify,
    Left,
    Center,
    Right,
}

/// A colour as "#rrggbb".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub fn hex(self) -> String {
        format!("{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s.strip_prefix('#').unwrap_or(&s);
        let bad = || serde::de::Error::custom(format!("`{s}` is not a colour; write \"#rrggbb\""));
        if hex.len() != 6 || !hex.is_ascii() {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        Ok(Color(byte(0)?, byte(2)?, byte(4)?))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    /// What the web page lists the template as, in Chinese and English: `title = { zh =
    /// "公文（GB/T 9704）", en = "Official document (GB/T 9704)" }`, or one string for both.
    /// Not inherited through `extends`; without it the page shows `name`.
    #[serde(default)]
    pub title: Localized,
    /// What the template is for, in the same two forms as `title` (a plain string is the
    /// English text); `bulletin templates` lists the English. Not inherited through `extends`.
    #[serde(default)]
    pub description: Localized,
    /// `news` (breadcrumb, meta line, QR code) or `official` (GB/T 9704 head and tail).
    #[serde(default)]
    pub document: DocumentKind,
    pub page: PageSetup,
    pub header: Option<Furniture>,
    pub footer: Option<Furniture>,
    pub styles: Styles,
    /// Without it, PDF and DOCX carry no QR code (the QR files are still written).
    pub qr: Option<QrSetup>,
    pub labels: LabelSets,
    #[serde(default)]
    pub typography: Typography,
    #[serde(default)]
    pub docx: DocxSetup,
    #[serde(default)]
    pub pdf: PdfSetup,
    /// Head and tail of official documents; required when `document = "official"`.
    pub official: Option<OfficialSetup>,
    /// The TOML it was read from (part of the batch's content hash).
    #[serde(skip)]
    pub source: String,
}

/// A text in Simplified Chinese and English, either possibly missing. In TOML a table
/// `{ zh = "…", en = "…" }`, or a plain string, which serves both languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Localized {
    pub zh: Option<String>,
    pub en: Option<String>,
}

impl Localized {
    /// The text in Chinese (`zh = true`) or English, else in the other language.
    pub fn get(&self, zh: bool) -> Option<&str> {
        let (first, second) = if zh {
            (&self.zh, &self.en)
        } else {
            (&self.en, &self.zh)
        };
        first.as_deref().or(second.as_deref())
    }
}

impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Both {
            zh: Option<String>,
            en: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            One(String),
            Both(Both),
        }
        match Given::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "write a text, or a table of the text in each language: { zh = \"…\", en = \"…\" }",
            )
        })? {
            Given::One(text) => Ok(Localized {
                zh: Some(text.clone()),
                en: Some(text),
            }),
            Given::Both(Both { zh, en }) => Ok(Localized { zh, en }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    #[default]
    News,
    Official,
}

/// PDF-only settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PdfSetup {
    /// Write PDF/A (archival), validated by krilla; as `--pdfa`. 2b, or 2a with `tagged`.
    pub pdfa: bool,
    /// Write a tagged PDF (structure tree, artifacts) checked against PDF/UA-1; as `--tagged`.
    pub tagged: bool,
}

/// DOCX-only settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DocxSetup {
    pub grid: DocxGrid,
    /// Embed the used faces, subset to the used characters (as `--embed-fonts`).
    pub embed_fonts: bool,
}

/// How the DOCX asks Word for a character grid (`typography.chars_per_line`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DocxGrid {
    /// Line grid plus condensed character spacing in the styles: the same lines and
    /// characters per line in Word, WPS and LibreOffice.
    #[default]
    Portable,
    /// Word's own `linesAndChars` grid with a negative `charSpace`: exact in Word and WPS,
    /// but LibreOffice then sets about half the characters per line.
    Word,
}

/// Elements of an official document's head (版头) and tail (版记), GB/T 9704-2012.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialSetup {
    /// Which of the standard's formats: the 文件格式 (7, default), or one of the special
    /// formats of chapter 10: 信函格式 (10.1), 命令（令）格式 (10.2), 纪要格式 (10.3).
    #[serde(default)]
    pub format: OfficialFormat,
    /// The 信函格式's double rules (10.1); required when `format = "letter"`.
    pub letter: Option<LetterSetup>,
    /// The labels of a 纪要's attendance lists (10.3): 出席, 请假, 列席, each with its
    /// full-width colon.
    #[serde(default)]
    pub attendance_labels: AttendanceLabels,
    /// 份号, 密级和保密期限 and 紧急程度, one per line flush left from the type area's first
    /// line (GB/T 9704-2012 7.2.1–7.2.3: 3号黑体, 顶格). Default: 黑体 三号 on the grid.
    #[serde(default = "default_head_style")]
    pub head_style: Style,
    /// 发文机关标志: its style, and the distance from the type area's top to the mark's top
    /// (negative: above the type area, as the 信函格式's mark 30 mm from the page's top edge).
    pub mark_style: Style,
    pub mark_top: Length,
    /// For upward documents (those with a 签发人), the standard's larger distance (80 mm).
    pub mark_top_upward: Option<Length>,
    pub doc_number_style: Style,
    pub signer_label: String,
    pub signer_style: Style,
    /// The red line under the head, as wide as the type area.
    pub rule_color: Color,
    pub rule_thickness: Length,
    /// Distance from the document number down to the red line.
    pub rule_gap: Length,
    pub recipients_style: Style,
    pub attachments_label: String,
    pub signature_style: Style,
    /// Right indent of the signature date, in characters.
    pub signature_right_indent: f32,
    /// 版记: 抄送 and 印发 lines, between rules.
    pub imprint_style: Style,
    pub cc_label: String,
    pub printed_suffix: String,
    pub imprint_thick_rule: Length,
    pub imprint_thin_rule: Length,
    /// The 版记 on an even page, the back of the last sheet of a document printed on both
    /// sides: it moves to the next even page when it would end on an odd one, after an
    /// unnumbered blank page when the body left no room for it (GB/T 9704-2012 7.5: "公文的
    /// 版记页前有空白页的，空白页和版记页均不编排页码"). Default true; false for documents
    /// printed on one side.
    #[serde(default = "yes")]
    pub imprint_on_even_page: bool,
}

/// `over` laid over `base`: tables merge key by key, other values replace.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn yes() -> bool {
    true
}

/// The formats of GB/T 9704-2012: the ordinary 文件格式 and the special formats of chapter 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OfficialFormat {
    /// 文件格式: mark with "文件", 发文字号, red rule (7.2).
    #[default]
    Document,
    /// 信函格式 (10.1): the mark 30 mm from the page's top edge, red double rules under it and
    /// 20 mm above the page's bottom edge, 170 mm long; 份号, 密级, 紧急程度 at the left and
    /// the 发文字号 at the right under the first rule; no page number on the first page; a
    /// 版记 without 印发机关, 印发日期 and rules.
    Letter,
    /// 命令（令）格式 (10.2): the mark "organ + 命令/令" 20 mm below the type area's top, the
    /// 令号 (`order_number`) two lines below it, the text two lines below that; no title and
    /// no red rule; signed by the signer's title and signature seal (7.3.5.3).
    Order,
    /// 纪要格式 (10.3): the "…纪要" mark; 出席, 请假 and 列席 lists after the text.
    Minutes,
}

impl OfficialFormat {
    /// The standard's name of the format.
    pub fn chinese(self) -> &'static str {
        match self {
            OfficialFormat::Document => "文件格式",
            OfficialFormat::Letter => "信函格式",
            OfficialFormat::Order => "命令（令）格式",
            OfficialFormat::Minutes => "纪要格式",
        }
    }
}

/// The red double rules of the 信函格式 (GB/T 9704-2012 10.1: "发文机关标志下4mm处印一条红色双线
/// （上粗下细），距下页边20mm处印一条红色双线（上细下粗），线长均为170mm，居中排布"). The upper one
/// lies `official.rule_gap` under the mark; both in `official.rule_color`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterSetup {
    /// Length of both rules, centred on the type area (170 mm).
    pub rule_length: Length,
    /// The thick and the thin line of each double rule, and the space between them.
    pub thick_rule: Length,
    pub thin_rule: Length,
    pub rule_spacing: Length,
    /// The lower rule's distance from the page's bottom edge to its lower edge (20 mm).
    pub bottom_rule_from_edge: Length,
}

/// Labels of a 纪要's attendance lists (GB/T 9704-2012 10.3: "出席"二字后标全角冒号).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttendanceLabels {
    pub present: String,
    pub on_leave: String,
    pub observers: String,
}

impl Default for AttendanceLabels {
    fn default() -> Self {
        AttendanceLabels {
            present: "出席：".into(),
            on_leave: "请假：".into(),
            observers: "列席：".into(),
        }
    }
}

fn default_head_style() -> Style {
    Style {
        family: Family::Hei,
        latin: None,
        bold: false,
        size: Length(16.0),
        line_height: default_line_height(),
        align: Align::Left,
        first_line_indent: 0.0,
        side_indent: 0.0,
        space_before: Length(0.0),
        space_after: Length(0.0),
        color: Color::default(),
        on_grid: true,
        tracking: Length(0.0),
    }
}

/// How Chinese text is composed (clreq), beyond the per-role styles.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Typography {
    /// Space between CJK characters and Latin letters or digits, in em; none where the text
    /// already has a space.
    pub cjk_latin_spacing: f32,
    /// `"full"` keeps a full-width mark at the line end; `"half"` sets it half-width so the
    /// ink of the line ends flush with the margin (clreq §3.1.7, GB/T 15834-2011 §5.1.3);
    /// `"hang"` lets a closing mark that finds no room hang past the margin, as Word's
    /// 允许标点溢出边界 does, so that a full line on a character grid holds exactly
    /// `chars_per_line` characters.
    pub line_end_punctuation: LineEndPunctuation,
    /// Hyphenate English words in justified text (English articles only), with the standard
    /// TeX patterns for US English (the `hypher` crate), where the whole-paragraph breaker
    /// finds it better (TeX's penalties: two hyphenated lines in a row cost more). Default on;
    /// the DOCX then asks Word for automatic hyphenation (`w:autoHyphenation`).
    pub hyphenate: bool,
    /// Put body, list and quote lines on one baseline grid (the body line pitch), so lines on
    /// facing pages and across headings line up.
    pub baseline_grid: bool,
    /// Convert half-width punctuation inside Chinese text to full-width (as `--normalize-punctuation`).
    pub normalize_punctuation: bool,
    /// A fixed number of body lines per page: the line pitch becomes text height / lines for
    /// every style with `on_grid`.
    pub lines_per_page: Option<u32>,
    /// A fixed number of characters per full body line: characters of grid styles at the body
    /// size are set on a pitch of text width / chars.
    pub chars_per_line: Option<u32>,
    /// Orphan and widow control: at least two lines of a paragraph at a page's foot and head.
    /// Official documents turn it off so that every page holds its 22 lines.
    pub keep_lines: bool,
    /// Where the em box sits in its line: `center` (half the leading above and below) or
    /// `top` (the first line's characters start exactly at the type area's top).
    pub em_box: EmBox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EmBox {
    #[default]
    Center,
    Top,
}

impl Default for Typography {
    fn default() -> Self {
        Typography {
            cjk_latin_spacing: 0.25,
            line_end_punctuation: LineEndPunctuation::Full,
            hyphenate: true,
            baseline_grid: true,
            normalize_punctuation: false,
            lines_per_page: None,
            chars_per_line: None,
            keep_lines: true,
            em_box: EmBox::Center,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineEndPunctuation {
    Full,
    Half,
    Hang,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageSetup {
    pub width: Length,
    pub height: Length,
    pub margin_top: Length,
    pub margin_bottom: Length,
    pub margin_left: Length,
    pub margin_right: Length,
}

impl PageSetup {
    pub fn text_width(&self) -> f32 {
        self.width.pt() - self.margin_left.pt() - self.margin_right.pt()
    }
}

/// Running header or footer. `text` may use {page}, {pages}, {title}, {issuer}, {source}.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Furniture {
    pub text: String,
    pub style: Style,
    /// Distance of the baseline from the page edge (top for headers, bottom for footers).
    pub baseline_from_edge: Option<Length>,
    /// Or: distance between the type area and the text's em box (above the area for headers,
    /// below it for footers), as GB/T 9704 places page numbers 7 mm below the type area.
    pub distance_from_text: Option<Length>,
    /// Draw a thin rule between it and the text area.
    #[serde(default)]
    pub rule: bool,
    /// Alignment on odd and even pages when they differ (GB/T 9704: odd right, even left).
    pub odd_align: Option<Align>,
    pub even_align: Option<Align>,
    /// Inset from the type area's edge for left or right aligned text, in characters.
    #[serde(default)]
    pub inset: f32,
    /// Printed on the first page too (default); false leaves the first page without it, as
    /// the 信函格式 prints no page number on its first page (GB/T 9704-2012 10.1).
    #[serde(default = "yes")]
    pub on_first_page: bool,
}

impl Furniture {
    /// The text with the record's placeholders filled ({title}, {issuer}, {source}); page
    /// numbers ({page}, {pages}) are left for the renderer.
    pub fn fill(text: &str, article: &Article) -> String {
        text.replace("{title}", &article.title)
            .replace("{issuer}", article.issuer.as_deref().unwrap_or(""))
            .replace("{source}", article.source.as_deref().unwrap_or(""))
    }

    /// Baseline y of this header (`top`) or footer on a page of `page`.
    pub fn baseline(&self, page: &PageSetup, top: bool) -> f32 {
        let size = self.style.size.pt();
        match (self.baseline_from_edge, self.distance_from_text, top) {
            (Some(b), _, true) => b.pt(),
            (Some(b), _, false) => page.height.pt() - b.pt(),
            (None, Some(d), true) => page.margin_top.pt() - d.pt() - 0.12 * size,
            (None, Some(d), false) => {
                page.height.pt() - page.margin_bottom.pt() + d.pt() + 0.88 * size
            }
            (None, None, _) => page.height.pt() - page.margin_bottom.pt() / 2.0,
        }
    }

    /// Alignment on page `number` (1-based).
    pub fn align_on(&self, number: usize) -> Align {
        let specific = if number % 2 == 1 {
            self.odd_align
        } else {
            self.even_align
        };
        specific.unwrap_or(self.style.align)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Styles {
    pub body: Style,
    pub title: Style,
    pub subtitle: Style,
    pub breadcrumb: Style,
    pub meta: Style,
    pub heading1: Style,
    pub heading2: Style,
    pub heading3: Style,
    /// Level-4 headings; level 3's style when absent.
    pub heading4: Option<Style>,
    pub quote: Style,
    pub list: Style,
    pub table: Style,
    pub caption: Style,
}

/// How one role of text is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    pub family: Family,
    /// The face of Latin letters and digits; [`Family::default_latin`] when absent.
    #[serde(default)]
    pub latin: Option<LatinFamily>,
    #[serde(default)]
    pub bold: bool,
    pub size: Length,
    /// Baseline-to-baseline distance as a multiple of the size.
    #[serde(default = "default_line_height")]
    pub line_height: f32,
    #[serde(default)]
    pub align: Align,
    /// First-line indent in characters ([`Style::char_advance`] each).
    #[serde(default)]
    pub first_line_indent: f32,
    /// Indent of both sides, in characters ([`Style::char_advance`] each).
    #[serde(default)]
    pub side_indent: f32,
    #[serde(default)]
    pub space_before: Length,
    #[serde(default)]
    pub space_after: Length,
    #[serde(default)]
    pub color: Color,
    /// Sits on the body line grid (`typography.lines_per_page`): its pitch is the grid's.
    #[serde(default)]
    pub on_grid: bool,
    /// Extra advance added to every full-width character (negative condenses); derived from
    /// `typography.chars_per_line` for grid styles at the body size.
    #[serde(default)]
    pub tracking: Length,
}

fn default_line_height() -> f32 {
    1.5
}

impl Style {
    /// The face of the role's Latin text: `latin`, else its family's default.
    pub fn latin_family(&self) -> LatinFamily {
        self.latin.unwrap_or_else(|| self.family.default_latin())
    }

    /// The advance of one full-width character in pt: the size plus `tracking` (on a
    /// character grid, the grid's pitch, 156 mm / 28 for the 公文 body). Indents given in
    /// characters (`first_line_indent`, `side_indent`) count in it, as GB/T 9704-2012 counts
    /// "左空二字" on the grid and Word counts `w:firstLineChars` on a document grid
    /// (ECMA-376 Part 1, 17.3.1.12).
    pub fn char_advance(&self) -> f32 {
        self.size.pt() + self.tracking.pt()
    }

    /// Baseline-to-baseline distance in pt.
    pub fn line_pitch(&self) -> f32 {
        self.size.pt() * self.line_height
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QrSetup {
    /// Printed width of the code including its quiet zone.
    pub size: Length,
    pub caption_style: Style,
}

/// Fixed words printed around the record's fields, per article language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelSets {
    #[serde(rename = "zh-Hans")]
    pub simplified: Labels,
    #[serde(rename = "zh-Hant")]
    pub traditional: Option<Labels>,
    pub en: Option<Labels>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub breadcrumb: String,
    pub breadcrumb_separator: String,
    pub published: String,
    pub source: String,
    pub author: String,
    pub attachments: String,
    pub qr_caption: String,
    /// Replaces the footer text for this language, e.g. "Page {page} of {pages}".
    pub footer: Option<String>,
}

impl Labels {
    /// "当前位置：首页 >> 生态环境动态", or `None` without a channel.
    pub fn breadcrumb_line(&self, article: &Article) -> Option<String> {
        (!article.channel.is_empty()).then(|| {
            format!(
                "{}{}",
                self.breadcrumb,
                article.channel.join(&self.breadcrumb_separator)
            )
        })
    }

    /// "发布时间：…　　来源：…　　作者：…" with the parts the record has.
    pub fn meta_line(&self, article: &Article) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(p) = &article.published {
            parts.push(format!("{}{}", self.published, p));
        }
        if let Some(s) = &article.source {
            parts.push(format!("{}{}", self.source, s));
        }
        if let Some(a) = &article.author {
            parts.push(format!("{}{}", self.author, a));
        }
        let gap = if article.language == Language::English {
            "    "
        } else {
            "\u{3000}\u{3000}"
        };
        (!parts.is_empty()).then(|| parts.join(gap))
    }
}

impl Template {
    /// A built-in template by name, or a TOML file when `name_or_path` names one.
    pub fn load(name_or_path: &str) -> Result<Template, String> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Template::from_toml(text, name_or_path);
        }
        let path = Path::new(name_or_path);
        let looks_like_file = name_or_path.ends_with(".toml") || name_or_path.contains(['/', '\\']);
        if !looks_like_file {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "unknown template `{name_or_path}`; built-in templates: {} (or give a path to a .toml file)",
                names.join(", ")
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read template {}: {e}", path.display()))?;
        Template::from_toml(&text, &path.display().to_string())
    }

    pub fn from_toml(text: &str, origin: &str) -> Result<Template, String> {
        let table = Template::resolve(text, origin, 0)?;
        let de = toml::Value::Table(table);
        let mut template: Template = serde_path_to_error::deserialize(de).map_err(|e| {
            format!(
                "template {origin}: field `{}`: {}",
                e.path(),
                e.inner().message()
            )
        })?;
        template
            .check()
            .map_err(|m| format!("template {origin}: {m}"))?;
        template.apply_grid();
        template
            .check_styles()
            .map_err(|m| format!("template {origin}: {m}"))?;
        template.source = text.to_owned();
        Ok(template)
    }

    /// The template's TOML as a table, a built-in base it `extends` merged under it: tables
    /// merge key by key, any other value replaces the base's. Bases chain at most four deep.
    fn resolve(text: &str, origin: &str, depth: usize) -> Result<toml::Table, String> {
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| format!("template {origin}: {e}"))?;
        let Some(base) = table.remove("extends") else {
            return Ok(table);
        };
        let Some(name) = base.as_str() else {
            return Err(format!(
                "template {origin}: field `extends`: name a built-in template, e.g. extends = \"gongwen\""
            ));
        };
        let Some(base_text) = Template::builtin_source(name) else {
            let names: Vec<&str> = Template::builtin_names().collect();
            return Err(format!(
                "template {origin}: field `extends`: `{name}` is not a built-in template ({})",
                names.join(", ")
            ));
        };
        if depth >= 4 {
            return Err(format!(
                "template {origin}: `extends` chains more than four templates"
            ));
        }
        let mut merged = Template::resolve(base_text, name, depth + 1)?;
        // The base's names describe the base, not a template made from it.
        merged.remove("title");
        merged.remove("description");
        merge(&mut merged, table);
        Ok(merged)
    }

    /// Labels in the article's language (Simplified Chinese when the template has none).
    pub fn labels(&self, language: Language) -> &Labels {
        let specific = match language {
            Language::SimplifiedChinese => None,
            Language::TraditionalChinese => self.labels.traditional.as_ref(),
            Language::English => self.labels.en.as_ref(),
        };
        specific.unwrap_or(&self.labels.simplified)
    }

    /// Footer text in the article's language.
    pub fn footer_text<'a>(&'a self, footer: &'a Furniture, language: Language) -> &'a str {
        self.labels(language)
            .footer
            .as_deref()
            .unwrap_or(&footer.text)
    }

    /// Whether the title is printed: not in the 命令（令）格式, whose mark names the document
    /// (GB/T 9704-2012 10.2); the title then names the files and the document's properties.
    pub fn prints_title(&self) -> bool {
        self.official_setup()
            .is_none_or(|o| o.format != OfficialFormat::Order)
    }

    /// The official setup of an official template (`document = "official"`); `None` for a
    /// news template, whatever its `[official]` section says.
    pub fn official_setup(&self) -> Option<&OfficialSetup> {
        self.official
            .as_ref()
            .filter(|_| self.document == DocumentKind::Official)
    }

    /// The TOML text of a built-in template.
    pub fn builtin_source(name: &str) -> Option<&'static str> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text)
    }

    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    /// Text height of a page.
    pub fn text_height(&self) -> f32 {
        self.page.height.pt() - self.page.margin_top.pt() - self.page.margin_bottom.pt()
    }

    /// Style of a heading level.
    pub fn heading_style(&self, level: u8) -> &Style {
        match level {
            1 => &self.styles.heading1,
            2 => &self.styles.heading2,
            3 => &self.styles.heading3,
            _ => self
                .styles
                .heading4
                .as_ref()
                .unwrap_or(&self.styles.heading3),
        }
    }

    /// Every style with the name a template author writes for it.
    fn named_styles(&self) -> Vec<(String, &Style)> {
        let s = &self.styles;
        let mut all: Vec<(String, &Style)> = [
            ("body", &s.body),
            ("title", &s.title),
            ("subtitle", &s.subtitle),
            ("breadcrumb", &s.breadcrumb),
            ("meta", &s.meta),
            ("heading1", &s.heading1),
            ("heading2", &s.heading2),
            ("heading3", &s.heading3),
            ("quote", &s.quote),
            ("list", &s.list),
            ("table", &s.table),
            ("caption", &s.caption),
        ]
        .into_iter()
        .map(|(n, st)| (format!("styles.{n}"), st))
        .collect();
        if let Some(h4) = &s.heading4 {
            all.push(("styles.heading4".into(), h4));
        }
        if let Some(o) = &self.official {
            for (n, st) in [
                ("head_style", &o.head_style),
                ("mark_style", &o.mark_style),
                ("doc_number_style", &o.doc_number_style),
                ("signer_style", &o.signer_style),
                ("recipients_style", &o.recipients_style),
                ("signature_style", &o.signature_style),
                ("imprint_style", &o.imprint_style),
            ] {
                all.push((format!("official.{n}"), st));
            }
        }
        for (n, f) in [("header", &self.header), ("footer", &self.footer)] {
            if let Some(f) = f {
                all.push((format!("{n}.style"), &f.style));
            }
        }
        if let Some(q) = &self.qr {
            all.push(("qr.caption_style".into(), &q.caption_style));
        }
        all
    }

    /// Sizes and spacing every style must keep so that its text fits the type area: a line
    /// fits on a page (twice), two characters fit on a line, nothing is negative or infinite.
    fn check_styles(&self) -> Result<(), String> {
        let (width, height) = (self.page.text_width(), self.text_height());
        for (name, st) in self.named_styles() {
            let size = st.size.pt();
            if !(1.0..=width / 2.0).contains(&size) {
                return Err(format!(
                    "{name}.size must lie between 1pt and half the text width ({:.0}pt), not {size}pt",
                    width / 2.0
                ));
            }
            let pitch = st.line_pitch();
            if !(st.line_height.is_finite() && st.line_height >= 0.5 && pitch <= height / 2.0) {
                return Err(format!(
                    "{name}.line_height must be at least 0.5 and leave room for two lines a page, not {}",
                    st.line_height
                ));
            }
            let measure = width - 2.0 * st.side_indent * size;
            if !(st.side_indent.is_finite() && st.side_indent >= 0.0 && measure >= 2.0 * size) {
                return Err(format!(
                    "{name}.side_indent must leave at least two characters a line, not {}",
                    st.side_indent
                ));
            }
            let indent = st.first_line_indent * size;
            if !(st.first_line_indent.is_finite() && indent >= 0.0 && indent <= measure - size) {
                return Err(format!(
                    "{name}.first_line_indent must leave at least one character on the first line, not {}",
                    st.first_line_indent
                ));
            }
            for (field, space) in [
                ("space_before", st.space_before),
                ("space_after", st.space_after),
            ] {
                if !(space.pt().is_finite() && (0.0..=height / 2.0).contains(&space.pt())) {
                    return Err(format!(
                        "{name}.{field} must lie between 0 and half the text height, not {}pt",
                        space.pt()
                    ));
                }
            }
            if !(st.tracking.pt().is_finite() && st.tracking.pt().abs() < size / 2.0) {
                return Err(format!(
                    "{name}.tracking must be less than half the size ({}pt) either way, not {}pt \
                     (with typography.chars_per_line: too many characters for the line)",
                    size / 2.0,
                    st.tracking.pt()
                ));
            }
        }
        Ok(())
    }

    fn styles_mut(&mut self) -> Vec<&mut Style> {
        let s = &mut self.styles;
        let mut all = vec![
            &mut s.body,
            &mut s.title,
            &mut s.subtitle,
            &mut s.breadcrumb,
            &mut s.meta,
            &mut s.heading1,
            &mut s.heading2,
            &mut s.heading3,
            &mut s.quote,
            &mut s.list,
            &mut s.table,
            &mut s.caption,
        ];
        if let Some(h4) = &mut s.heading4 {
            all.push(h4);
        }
        if let Some(o) = &mut self.official {
            all.extend([
                &mut o.head_style,
                &mut o.mark_style,
                &mut o.doc_number_style,
                &mut o.signer_style,
                &mut o.recipients_style,
                &mut o.signature_style,
                &mut o.imprint_style,
            ]);
        }
        all
    }

    /// Derives line pitch and character pitch of grid styles from lines and characters per page.
    fn apply_grid(&mut self) {
        let Some(lines) = self.typography.lines_per_page else {
            return;
        };
        let pitch = self.text_height() / lines as f32;
        let body_size = self.styles.body.size.pt();
        let tracking = self
            .typography
            .chars_per_line
            .map(|chars| self.page.text_width() / chars as f32 - body_size);
        self.styles.body.on_grid = true;
        for style in self.styles_mut() {
            if style.on_grid {
                style.line_height = pitch / style.size.pt();
                if let Some(t) = tracking {
                    if (style.size.pt() - body_size).abs() < 0.01 {
                        style.tracking = Length(t);
                    }
                }
            }
        }
    }

    fn check(&self) -> Result<(), String> {
        let ty = &self.typography;
        if ty.lines_per_page == Some(0) || ty.chars_per_line == Some(0) {
            return Err("typography.lines_per_page and chars_per_line must be at least 1".into());
        }
        if ty.chars_per_line.is_some() && ty.lines_per_page.is_none() {
            return Err(
                "typography.chars_per_line needs typography.lines_per_page (a grid)".into(),
            );
        }
        if self.document == DocumentKind::Official && self.official.is_none() {
            return Err("an official template needs an [official] section".into());
        }
        for (name, f) in [("header", &self.header), ("footer", &self.footer)] {
            if let Some(f) = f {
                if f.baseline_from_edge.is_some() == f.distance_from_text.is_some() {
                    return Err(format!(
                        "[{name}] needs exactly one of baseline_from_edge or distance_from_text"
                    ));
                }
            }
        }
        let p = &self.page;
        for (name, length) in [("width", p.width), ("height", p.height)] {
            if !(72.0..=14_400.0).contains(&length.pt()) {
                return Err(format!(
                    "page.{name} must lie between 1 inch and 200 inches, not {}pt",
                    length.pt()
                ));
            }
        }
        for (name, length) in [
            ("margin_top", p.margin_top),
            ("margin_bottom", p.margin_bottom),
            ("margin_left", p.margin_left),
            ("margin_right", p.margin_right),
        ] {
            if !(length.pt().is_finite() && length.pt() >= 0.0) {
                return Err(format!(
                    "page.{name} must be 0 or more, not {}pt",
                    length.pt()
                ));
            }
        }
        if p.text_width() < 72.0 || p.height.pt() - p.margin_top.pt() - p.margin_bottom.pt() < 72.0
        {
            return Err("the margins leave less than one inch for text".into());
        }
        let ty = &self.typography;
        if !(ty.cjk_latin_spacing.is_finite() && (0.0..=1.0).contains(&ty.cjk_latin_spacing)) {
            return Err(format!(
                "typography.cjk_latin_spacing must lie between 0 and 1 (em), not {}",
                ty.cjk_latin_spacing
            ));
        }
        if ty.lines_per_page.is_some_and(|n| n > 200) || ty.chars_per_line.is_some_and(|n| n > 200)
        {
            return Err("typography.lines_per_page and chars_per_line may be at most 200".into());
        }
        for (name, f) in [("header", &self.header), ("footer", &self.footer)] {
            let Some(f) = f else { continue };
            let offset = f
                .baseline_from_edge
                .or(f.distance_from_text)
                .map_or(0.0, Length::pt);
            let fits = offset.is_finite() && offset >= 0.0 && offset <= p.height.pt() / 2.0;
            if !(fits && f.inset.is_finite() && f.inset >= 0.0) {
                return Err(format!(
                    "[{name}] distances must be 0 or more and within half the page, and inset 0 or more"
                ));
            }
        }
        if let Some(o) = &self.official {
            let th = p.height.pt() - p.margin_top.pt() - p.margin_bottom.pt();
            let mark_top = o.mark_top.pt();
            if !(mark_top.is_finite() && (-p.margin_top.pt()..=th / 2.0).contains(&mark_top)) {
                return Err(format!(
                    "official.mark_top must lie between minus the top margin and half the text height, not {mark_top}pt"
                ));
            }
            if o.format == OfficialFormat::Letter && o.letter.is_none() {
                return Err("a letter template (official.format = \"letter\") needs an [official.letter] section".into());
            }
            if let Some(l) = &o.letter {
                for (name, length) in [
                    ("rule_length", l.rule_length),
                    ("thick_rule", l.thick_rule),
                    ("thin_rule", l.thin_rule),
                    ("rule_spacing", l.rule_spacing),
                    ("bottom_rule_from_edge", l.bottom_rule_from_edge),
                ] {
                    let v = length.pt();
                    if !(v.is_finite() && v >= 0.0 && v <= p.width.pt()) {
                        return Err(format!(
                            "official.letter.{name} must lie between 0 and the page's width, not {v}pt"
                        ));
                    }
                }
                if l.bottom_rule_from_edge.pt() > p.height.pt() / 2.0 {
                    return Err("official.letter.bottom_rule_from_edge must lie within the page's lower half".into());
                }
            }
            for (name, length) in [
                ("mark_top_upward", o.mark_top_upward),
                ("rule_thickness", Some(o.rule_thickness)),
                ("rule_gap", Some(o.rule_gap)),
                ("imprint_thick_rule", Some(o.imprint_thick_rule)),
                ("imprint_thin_rule", Some(o.imprint_thin_rule)),
            ] {
                if let Some(v) = length.map(Length::pt) {
                    if !(v.is_finite() && (0.0..=th / 2.0).contains(&v)) {
                        return Err(format!(
                            "official.{name} must lie between 0 and half the text height, not {v}pt"
                        ));
                    }
                }
            }
            if !(o.signature_right_indent.is_finite()
                && (0.0..=10.0).contains(&o.signature_right_indent))
            {
                return Err(
                    "official.signature_right_indent must lie between 0 and 10 characters".into(),
                );
            }
        }
        if self
            .qr
            .as_ref()
            .is_some_and(|q| q.size.pt().is_nan() || q.size.pt() < Length::mm(20.0).pt())
        {
            return Err("qr.size must be at least 20mm so that phones can scan it".into());
        }
        if let Some(q) = &self.qr {
            let th = p.height.pt() - p.margin_top.pt() - p.margin_bottom.pt();
            if q.size.pt() > p.text_width().min(th / 2.0) {
                return Err("qr.size must fit the text width and half the text height".into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_parse() {
        for name in Template::builtin_names() {
            let t = Template::load(name).unwrap();
            assert_eq!(t.name, name);
        }
        let t = Template::load("bulletin").unwrap();
        assert!((t.page.width.pt() - 595.2756).abs() < 0.01);
    }

    #[test]
    fn names_are_given_in_both_languages_and_not_inherited() {
        for name in Template::builtin_names() {
            let t = Template::load(name).unwrap();
            assert!(t.title.zh.is_some() && t.title.en.is_some(), "{name}");
            assert!(
                t.description.zh.is_some() && t.description.en.is_some(),
                "{name}"
            );
        }
        let one = Template::from_toml(
            "extends = \"gongwen\"\nname = \"x\"\ntitle = \"局内通知\"\n",
            "x",
        )
        .unwrap();
        assert_eq!(one.title.get(true), Some("局内通知"));
        assert_eq!(one.title.get(false), Some("局内通知"));
        assert_eq!(one.description.get(true), None, "not the base's");
        let zh_only = Template::from_toml(
            "extends = \"gongwen\"\nname = \"x\"\ntitle = { zh = \"通知\" }\n",
            "x",
        )
        .unwrap();
        assert_eq!(
            zh_only.title.get(false),
            Some("通知"),
            "the other language stands in"
        );
        let wrong = Template::from_toml(
            "extends = \"gongwen\"\nname = \"x\"\ntitle = { fr = \"avis\" }\n",
            "x",
        );
        assert!(wrong.is_err_and(|e| e.contains("title") && e.contains("zh =")));
    }

    /// A template that `extends` a built-in one has the base's settings where it says
    /// nothing, its own where it does, tables merged key by key.
    #[test]
    fn extends_merges_over_a_built_in_template() {
        let letter = Template::load("xinhan").unwrap();
        let base = Template::load("gongwen").unwrap();
        let (l, b) = (
            letter.official.as_ref().unwrap(),
            base.official.as_ref().unwrap(),
        );
        assert_eq!(l.format, OfficialFormat::Letter);
        assert_eq!(b.format, OfficialFormat::Document);
        assert!((l.mark_top.pt() + Length::mm(7.0).pt()).abs() < 0.01);
        assert_eq!(l.mark_style.size, Length(36.0));
        // Not restated, so the base's.
        assert_eq!(l.cc_label, b.cc_label);
        assert_eq!(letter.styles.body.size, base.styles.body.size);
        assert!(!letter.footer.as_ref().unwrap().on_first_page);
        assert_eq!(letter.footer.as_ref().unwrap().inset, 1.0);
        let rule = l.letter.as_ref().unwrap().rule_length.pt();
        assert!((rule - Length::mm(170.0).pt()).abs() < 0.01);
        for (text, says) in [
            (
                "extends = \"nonesuch\"\nname = \"x\"",
                "not a built-in template",
            ),
            ("extends = 3\nname = \"x\"", "name a built-in template"),
            (
                "extends = \"gongwen\"\nname = \"x\"\n[official]\nformat = \"letter\"",
                "[official.letter]",
            ),
            (
                "extends = \"gongwen\"\nname = \"x\"\n[official]\nmark_top = \"-40mm\"",
                "official.mark_top",
            ),
        ] {
            let e = Template::from_toml(text, "t").unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn grid_settings_are_checked_and_derive_pitches() {
        let gw = Template::load("gongwen").unwrap();
        let body = &gw.styles.body;
        assert!((body.line_pitch() * 22.0 - gw.text_height()).abs() < 0.01);
        assert!(((body.size.pt() + body.tracking.pt()) * 28.0 - gw.page.text_width()).abs() < 0.01);
        let text = include_str!("../../templates/gongwen.toml")
            .replace("lines_per_page = 22", "lines_per_page = 0");
        assert!(Template::from_toml(&text, "t")
            .unwrap_err()
            .contains("at least 1"));
    }

    #[test]
    fn unknown_template_and_bad_fields() {
        assert!(Template::load("nonesuch").unwrap_err().contains("bulletin"));
        let text =
            include_str!("../../templates/bulletin.toml").replace("[page]", "[page]\ncolour = 1");
        let e = Template::from_toml(&text, "t").unwrap_err();
        assert!(e.contains("colour"), "{e}");
    }
}
