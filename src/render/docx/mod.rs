//! DOCX output. Word lays out the flow itself, so this renderer maps the article to
//! WordprocessingML directly: styles with East Asian fonts, page setup from the template,
//! numbering, tables, inline images (original bytes) and the QR code, a footer with PAGE
//! fields. Parts are written in schema order with document-local ids, and zipped with fixed
//! timestamps, so the same record always gives the same bytes.

mod embed;
mod official;

use super::xml::escape;
use crate::compose::{
    gap, table_caption_style, Composed, BREADCRUMB_RULE, HEAD_RULE, IMAGE_SPACE_AFTER,
    IMAGE_SPACE_BEFORE, QR_SPACE_BEFORE,
};
use crate::fonts::FontBook;
use crate::layout::text::Line;
use crate::layout::ImprintPage;
use crate::qr::QrMatrix;
use crate::record::{Article, Block, Language, Table};
use crate::template::{
    Align, DocumentKind, DocxGrid, Family, Furniture, LatinFamily, Length, Style, Template,
};
use std::fmt::Write as _;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w10="urn:schemas-microsoft-com:office:word""#;
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const REL_IMAGE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";
const REL_LINK: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";

/// East Asian and Latin font names Word and WPS resolve on Chinese systems, for a style set
/// in `family` with Latin text in `latin`: Times New Roman and Arial, whose metrics the
/// bundled Liberation Serif and Sans have; the East Asian face itself for `cjk`.
fn font_names(family: Family, latin: LatinFamily) -> (&'static str, &'static str) {
    let east = match family {
        Family::Song => "宋体",
        Family::Hei => "黑体",
        Family::Fang => "仿宋",
        Family::Kai => "楷体",
        Family::Serif => "Noto Serif CJK SC",
    };
    let latin = match latin {
        LatinFamily::Serif => "Times New Roman",
        LatinFamily::Sans => "Arial",
        LatinFamily::Cjk => east,
    };
    (east, latin)
}

/// A relationship of word/document.xml beyond the fixed ones.
struct Rel {
    id: String,
    kind: &'static str,
    target: String,
    external: bool,
}

struct Media {
    name: String,
    bytes: Vec<u8>,
}

struct Writer<'a> {
    /// What is printed, decided once (see [`crate::compose`]).
    composed: &'a Composed<'a>,
    article: &'a Article,
    template: &'a Template,
    /// Decides which characters the document's Chinese fonts lack (see [`Writer::run`]).
    fonts: &'a FontBook,
    body: String,
    rels: Vec<Rel>,
    media: Vec<Media>,
    /// Ordered lists each get a numbering instance that restarts at 1.
    ordered_lists: usize,
    drawing_id: usize,
    /// Tables and images written so far: their index into the composed geometry.
    tables: usize,
    images: usize,
    /// Where the flow stands, so that each paragraph sits as far below the last as in the
    /// PDF: (the space after the last block as layout counts it, the space after it in the
    /// DOCX), `None` while not known (after an official document's head).
    flow: Option<(f32, f32)>,
    /// Something has been written: the first paragraph gets no space before, as layout
    /// gives none at the top of a page.
    started: bool,
    /// What the baseline grid adds above the next paragraph ([`Composed::grid_space`]).
    grid_extra: f32,
    /// Where layout put an official document's 版记 (its page break or blank page).
    imprint_page: Option<ImprintPage>,
    /// The body holds a section break before the blank page (written out by
    /// [`Writer::document_xml`] where [`SECTION_BREAK`] stands); the last section has no
    /// page numbers.
    blank_section: bool,
}

/// Stands in the body for the first section's properties until they are known.
const SECTION_BREAK: &str = "<!--section-->";

/// Writes the DOCX. With the template's `docx.embed_fonts`, the faces it uses are subset and
/// embedded in it. Composes the article first; a caller that also lays it out composes once
/// and calls [`render_composed`].
pub fn render(
    article: &Article,
    template: &Template,
    qr: Option<&QrMatrix>,
    fonts: &FontBook,
) -> Result<Vec<u8>, String> {
    let composed = crate::compose::compose(article, template, fonts, qr);
    // An official document's 版记 goes where layout's pagination puts it.
    let imprint = if template.document == DocumentKind::Official {
        let qr = qr.map(|m| std::sync::Arc::new(m.clone()));
        crate::layout::layout_composed(&composed, fonts, qr.as_ref())?.imprint
    } else {
        None
    };
    render_composed(&composed, qr, fonts, imprint)
}

/// Writes the DOCX of a composed article (see [`render`]).
/// `imprint` is where layout put the 版记 ([`crate::layout::Pages::imprint`]): the DOCX
/// repeats it with a page break, or a section break, a blank page and an unnumbered section.
pub fn render_composed(
    composed: &Composed,
    qr: Option<&QrMatrix>,
    fonts: &FontBook,
    imprint: Option<ImprintPage>,
) -> Result<Vec<u8>, String> {
    let (article, template) = (composed.article, composed.template);
    let mut w = Writer {
        composed,
        article,
        template,
        fonts,
        body: String::new(),
        rels: Vec::new(),
        media: Vec::new(),
        ordered_lists: 0,
        drawing_id: 0,
        tables: 0,
        images: 0,
        flow: None,
        started: false,
        grid_extra: 0.0,
        imprint_page: imprint,
        blank_section: false,
    };
    let official = template.document == DocumentKind::Official;
    if official {
        w.started = true;
        w.official_head();
        w.flow = None;
    } else {
        w.head();
    }
    let grid = |i: usize| composed.grid_space.get(i).copied().unwrap_or(0.0);
    for (i, block) in article.body.iter().enumerate() {
        w.grid_extra = grid(i);
        // A table's space before goes into the space after of what precedes it.
        let table_next = matches!(article.body.get(i + 1), Some(Block::Table { .. }));
        w.block(block, table_next);
    }
    w.grid_extra = grid(article.body.len());
    if official {
        w.official_tail();
    } else {
        w.news_closing();
        w.attachments();
    }
    if let (Some(matrix), Some(url), Some(_)) = (qr, &article.url, &template.qr) {
        w.qr(matrix, url)?;
    }
    if !official {
        w.attachment_pages();
    }
    let document = w.document_xml();
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), w.content_types().into_bytes()),
        ("_rels/.rels".into(), ROOT_RELS.as_bytes().to_vec()),
        ("docProps/core.xml".into(), core_xml(article).into_bytes()),
        ("docProps/app.xml".into(), APP_XML.as_bytes().to_vec()),
        ("word/document.xml".into(), document.into_bytes()),
        (
            "word/styles.xml".into(),
            styles_xml(template, article).into_bytes(),
        ),
        (
            "word/settings.xml".into(),
            settings_xml(template, article.language).into_bytes(),
        ),
        ("word/fontTable.xml".into(), font_table_xml().into_bytes()),
        ("word/numbering.xml".into(), w.numbering_xml().into_bytes()),
        (
            "word/_rels/document.xml.rels".into(),
            w.document_rels().into_bytes(),
        ),
    ];
    if let Some(text) = header_text(template, article) {
        parts.push((
            "word/header1.xml".into(),
            furniture_xml("hdr", &text, article, "").into_bytes(),
        ));
        if w.bare_first_header() {
            parts.push((
                "word/header2.xml".into(),
                furniture_xml("hdr", "", article, "").into_bytes(),
            ));
        }
    }
    if let Some(f) = &template.footer {
        let text = template.footer_text(f, article.language);
        parts.push((
            "word/footer1.xml".into(),
            footer_xml(f, text, article, 1).into_bytes(),
        ));
        if odd_even(template) {
            parts.push((
                "word/footer2.xml".into(),
                footer_xml(f, text, article, 2).into_bytes(),
            ));
        }
        if w.empty_footer() {
            parts.push((
                "word/footer3.xml".into(),
                furniture_xml("ftr", "", article, "").into_bytes(),
            ));
        }
    }
    for m in std::mem::take(&mut w.media) {
        parts.push((format!("word/media/{}", m.name), m.bytes));
    }
    if template.docx.embed_fonts {
        embed::embed(&mut parts, fonts, article.language)?;
    }
    zip_parts(parts)
}

/// Which fonts a run of [`Writer::by_font`] is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunFont {
    /// The style's own.
    Own,
    /// The fallback face ([`fallback_face`]).
    Fallback,
    /// Quotes, dashes or ellipses standing in Latin text: the style's Latin face.
    LatinMark,
}

/// Run properties `rpr` that set the characters Latin and East Asian slots share (curly
/// quotes, dashes, ellipsis) in the Latin face: `<w:rFonts w:hint="default"/>` (ECMA-376 Part
/// 1, 17.3.2.26, ST_Hint), overriding the styles' `w:hint="eastAsia"`, placed where the
/// schema wants `w:rFonts`.
fn with_latin_hint(rpr: &str) -> String {
    with_rfonts(rpr, |element| match element {
        Some(element) => {
            element
                .replace(EAST_ASIA_HINT, "")
                .replacen("/>", " w:hint=\"default\"/>", 1)
        }
        None => "<w:rFonts w:hint=\"default\"/>".to_owned(),
    })
}

/// Run properties `rpr` with their `w:rFonts` element replaced by `rfonts(Some(element))`, or,
/// when they have none, `rfonts(None)` placed after `w:rStyle` (or first), where the schema
/// wants it (ECMA-376 Part 1, 17.3.2.26 and the order of CT_RPr).
fn with_rfonts(rpr: &str, rfonts: impl FnOnce(Option<&str>) -> String) -> String {
    if let Some(start) = rpr.find("<w:rFonts") {
        let end = rpr[start..].find("/>").map_or(rpr.len(), |e| start + e + 2);
        let element = rfonts(Some(&rpr[start..end]));
        return format!("{}{element}{}", &rpr[..start], &rpr[end..]);
    }
    let element = rfonts(None);
    match rpr.strip_prefix("<w:rStyle") {
        Some(rest) => {
            let end = rest.find("/>").map_or(rest.len(), |e| e + 2);
            format!("<w:rStyle{}{element}{}", &rest[..end], &rest[end..])
        }
        None => format!("{element}{rpr}"),
    }
}

/// Run properties `rpr` with the fallback face ([`fallback_face`]) as every font of the run:
/// `w:rFonts` replaced or placed after `w:rStyle`, where the schema wants it (ECMA-376 Part 1,
/// 17.3.2.26 and the order of CT_RPr). The `w:hint="eastAsia"` (17.3.2.26: which slot Word uses
/// for characters that several slots could set) only for Chinese articles.
fn with_fallback_font(rpr: &str, language: Language) -> String {
    let name = fallback_face(language);
    let hint = if language.is_chinese() {
        EAST_ASIA_HINT
    } else {
        ""
    };
    with_rfonts(rpr, |_| {
        format!(
            "<w:rFonts w:ascii=\"{name}\" w:hAnsi=\"{name}\" w:eastAsia=\"{name}\" w:cs=\"{name}\"{hint}/>"
        )
    })
}

fn zip_parts(parts: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, String> {
    // Images are compressed already; storing them saves time for nothing lost.
    crate::output::zip_archive(parts, |name| name.starts_with("word/media/"))
}

impl Writer<'_> {
    /// The `w:spacing` (ECMA-376 Part 1, 17.3.1.33) that puts a paragraph whose style has
    /// `before` and `after` (pt) where the PDF puts it, or nothing when the style's own
    /// spacing does. Layout takes the larger of a paragraph's space after and the next one's
    /// space before ([`gap`]); LibreOffice 7.4 does the same with a DOCX (measured), Word adds
    /// them unless its compatibility options say otherwise. So that every reader gives the
    /// PDF's distance, the space between two paragraphs is written whole as the lower one's
    /// space before, and space after is 0
    /// (`after_docx` when given: a table's space before, since a table has none);
    /// `styled_after` is the space after its style in styles.xml has. Moves the flow on past
    /// the paragraph.
    fn spacing(
        &mut self,
        before: f32,
        after: f32,
        styled_after: f32,
        after_docx: Option<f32>,
    ) -> String {
        let extra = std::mem::take(&mut self.grid_extra);
        let want = if !self.started {
            0.0
        } else {
            match self.flow {
                Some((pdf, docx)) => gap(pdf, before) + extra - docx,
                None => before + extra,
            }
        };
        self.started = true;
        let docx_after = after_docx.unwrap_or(0.0);
        self.flow = Some((after, docx_after));
        let mut attributes = String::new();
        let twips = |pt: f32| Length(pt.max(0.0)).twips();
        if twips(want) != twips(before) {
            let _ = write!(attributes, " w:before=\"{}\"", twips(want));
        }
        if twips(docx_after) != twips(styled_after) {
            let _ = write!(attributes, " w:after=\"{}\"", twips(docx_after));
        }
        if attributes.is_empty() {
            String::new()
        } else {
            format!("<w:spacing{attributes}/>")
        }
    }

    /// A paragraph of the flow in `style` (the style `style_id` is made from), placed as
    /// the PDF places it ([`Writer::spacing`]); `numbering` is its `w:numPr`, if any.
    fn flow_para(
        &mut self,
        style_id: &str,
        style: &Style,
        text: &str,
        numbering: &str,
        table_next: bool,
    ) {
        let (before, after) = (style.space_before.pt(), style.space_after.pt());
        let after_docx =
            table_next.then(|| gap(after, self.template.styles.table.space_before.pt()));
        let spacing = self.spacing(before, after, after, after_docx);
        // Indented by hand with ideographic spaces: they are the indent, as in the PDF.
        let indent = if style.first_line_indent != 0.0 && crate::compose::hand_indented(text) {
            "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>"
        } else {
            ""
        };
        self.para(style_id, text, &format!("{numbering}{spacing}{indent}"));
    }

    fn para(&mut self, style_id: &str, text: &str, extra_ppr: &str) {
        let _ = write!(
            self.body,
            "<w:p><w:pPr><w:pStyle w:val=\"{style_id}\"/>{extra_ppr}</w:pPr>"
        );
        self.run(text, "");
        self.body.push_str("</w:p>");
    }

    /// Runs of `text` with run properties `rpr` (without the `w:rPr` element), cut where the
    /// face changes ([`Writer::by_font`]). Line breaks (`\n`: a record's breaks are that by
    /// now, `record::normalize_line_breaks`) become `w:br`
    /// (ECMA-376 Part 1, 17.3.3.1), tabs `w:tab` (17.3.3.32); other control characters, which
    /// XML 1.0 forbids (C0) or a page never shows (C1), are left out, as layout leaves them out
    /// of the PDF. Text keeps its spaces (`xml:space="preserve"`).
    fn run(&mut self, text: &str, rpr: &str) {
        let language = self.article.language;
        for (segment, font) in self.by_font(text) {
            self.body.push_str("<w:r>");
            let rpr = match font {
                RunFont::Fallback => with_fallback_font(rpr, language),
                RunFont::LatinMark => with_latin_hint(rpr),
                RunFont::Own => rpr.to_owned(),
            };
            if !rpr.is_empty() {
                let _ = write!(self.body, "<w:rPr>{rpr}</w:rPr>");
            }
            self.body.push_str(&run_content(segment));
            self.body.push_str("</w:r>");
        }
    }

    /// `text` cut where it changes between characters the document's Chinese faces set and
    /// characters that need the fallback face ([`fallback_face`]), which get runs of their own
    /// in that face, as the PDF draws them, instead of boxes where the reader has no such font.
    ///
    /// Without embedded fonts the document names the office's own faces (宋体, 仿宋, …), which
    /// cover GBK: only characters outside GBK ([`needs_fallback_face`]) get the fallback face,
    /// so that 喆 or 堃, which Fandol lacks but SimSun has, stay in the paragraph's face. With
    /// embedded fonts the document names the bundled faces themselves, so every character the
    /// bundled Song face lacks and the fallback face has gets the fallback face, which is then
    /// embedded too.
    ///
    /// In a Chinese article the quotes, dashes and ellipses that stand in Latin text
    /// ([`crate::layout::latin_text`], as the PDF sets them) get runs of their own that set
    /// them in the Latin face ([`with_latin_hint`]).
    fn by_font<'t>(&self, text: &'t str) -> Vec<(&'t str, RunFont)> {
        let language = self.article.language;
        let primary = self
            .fonts
            .choose(
                Family::Song,
                false,
                language,
                crate::template::LatinFamily::Cjk,
            )
            .primary;
        let serif = self
            .fonts
            .choose(
                Family::Serif,
                false,
                language,
                crate::template::LatinFamily::Cjk,
            )
            .primary;
        let embedded = self.template.docx.embed_fonts;
        // Cheapest tests first: most characters are settled by the office faces' coverage
        // or the bundled face, before the fallback face's table is looked at.
        let rare = |c: char| {
            if c.is_whitespace() || c.is_control() {
                return false;
            }
            let bundled = self.fonts.has_glyph(primary, c);
            let wanted = if embedded {
                !bundled
            } else {
                needs_fallback_face(c, bundled)
            };
            wanted && self.fonts.has_glyph(serif, c)
        };
        let shared = crate::layout::is_shared_mark;
        let latin = if language.is_chinese() && text.chars().any(shared) {
            crate::layout::latin_text(text, language)
        } else {
            Vec::new()
        };
        let mut out: Vec<(&str, RunFont)> = Vec::new();
        let mut start = 0;
        let mut current = None;
        for (i, c) in text.char_indices() {
            let font = if shared(c) && latin.get(i).copied().unwrap_or(false) {
                RunFont::LatinMark
            } else if rare(c) {
                RunFont::Fallback
            } else {
                RunFont::Own
            };
            if current.is_some_and(|r| r != font) {
                out.push((&text[start..i], current.unwrap_or(RunFont::Own)));
                start = i;
            }
            current = Some(font);
        }
        if start < text.len() || out.is_empty() {
            out.push((&text[start..], current.unwrap_or(RunFont::Own)));
        }
        out
    }

    /// The news head: breadcrumb (ruled), title, subtitle and meta line; the last of them
    /// carries the gray rule under the head, as a bottom border, as layout draws it.
    fn head(&mut self) {
        let (t, c) = (self.template, self.composed);
        let styles = &t.styles;
        if let Some(b) = &c.breadcrumb {
            let (style, _) = ruled(&styles.breadcrumb, BREADCRUMB_RULE);
            self.flow_para("Breadcrumb", &style, &b.text, "", false);
        }
        let table_next = matches!(self.article.body.first(), Some(Block::Table { .. }));
        let title = self.composed.title_lines().join("\n");
        let mut parts = vec![("Title", &styles.title, title.as_str())];
        if let Some(s) = &c.subtitle {
            parts.push(("Subtitle", &styles.subtitle, s.text.as_str()));
        }
        if let Some(m) = &c.meta {
            parts.push(("Meta", &styles.meta, m.text.as_str()));
        }
        if let Some(d) = c.news_official.as_ref().and_then(|n| n.doc_number.as_ref()) {
            parts.push(("Meta", &styles.meta, d.text.as_str()));
        }
        let last = parts.len() - 1;
        for (i, (id, style, text)) in parts.into_iter().enumerate() {
            if i < last {
                self.flow_para(id, style, text, "", false);
                continue;
            }
            // The Meta style has the rule itself; a title or subtitle ending the head gets it
            // as a direct property.
            let (ruled_style, o) = ruled(style, HEAD_RULE);
            let (border, styled_after) = match (id, o.border_bottom) {
                ("Meta", _) | (_, None) => (String::new(), ruled_style.space_after.pt()),
                (_, Some((size, space))) => (border_xml(size, space), style.space_after.pt()),
            };
            let after = ruled_style.space_after.pt();
            let after_docx = table_next.then(|| gap(after, styles.table.space_before.pt()));
            let spacing = self.spacing(
                ruled_style.space_before.pt(),
                after,
                styled_after,
                after_docx,
            );
            self.para(id, text, &format!("{border}{spacing}"));
        }
        if let Some(n) = c.news_official.clone() {
            if let Some(r) = &n.recipients {
                self.grid_extra = n.recipients_grid;
                let spacing = self.spacing(0.0, 0.0, 0.0, None);
                self.para(
                    "BodyText",
                    r,
                    &format!("{spacing}<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/>"),
                );
            }
        }
    }

    /// An official document's closing in a news template, as layout sets it
    /// ([`crate::compose::NewsOfficial`]): the organs and the date right-aligned a blank line
    /// under the text (`w:keepNext` keeping them together and with the text), then the 附注.
    fn news_closing(&mut self) {
        let Some(n) = self.composed.news_official.clone() else {
            return;
        };
        let body = self.template.styles.body.clone();
        if !n.closing.is_empty() {
            self.keep_last_with_next();
            let count = n.closing.len();
            for (i, line) in n.closing.iter().enumerate() {
                let before = if i == 0 { body.line_pitch() } else { 0.0 };
                let spacing = self.spacing(before, 0.0, body.space_after.pt(), None);
                let keep = if i + 1 < count { "<w:keepNext/>" } else { "" };
                self.para(
                    "BodyText",
                    line,
                    &format!("{keep}{spacing}<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"right\"/>"),
                );
            }
        }
        if let Some(note) = &n.note {
            let mut style = body.clone();
            style.space_before = Length(0.0);
            self.flow_para("BodyText", &style, note, "", false);
        }
        for (i, line) in n.imprint.iter().enumerate() {
            let mut style = body.clone();
            style.space_before = Length(if i == 0 { body.line_pitch() } else { 0.0 });
            self.flow_para("BodyText", &style, line, "", false);
        }
    }

    /// An official document's title, broken where the composed title breaks (a line break
    /// between lines), spaced by its style as the official head sets it.
    pub(super) fn title(&mut self) {
        let text = self.composed.title_lines().join("\n");
        self.para("Title", &text, "");
    }

    /// Each attachment with content on pages of its own, as layout sets them
    /// ([`crate::compose::AttachmentPage`]): the label starting a page, a blank line, the
    /// name in the title's style, then the blocks with their grid space.
    pub(super) fn attachment_pages(&mut self) {
        let article = self.article;
        for page in &self.composed.attachment_pages {
            self.para("AttachmentLabel", &page.label, "<w:pageBreakBefore/>");
            self.body
                .push_str("<w:p><w:pPr><w:keepNext/></w:pPr></w:p>");
            let text: Vec<String> = page.title.iter().map(Line::text).collect();
            self.para(
                "Title",
                &text.join("\n"),
                "<w:keepNext/><w:spacing w:before=\"0\"/>",
            );
            self.flow = None;
            self.started = true;
            let blocks = &article.attachments[page.index].body;
            for (i, block) in blocks.iter().enumerate() {
                self.grid_extra = page.grid_space.get(i).copied().unwrap_or(0.0);
                let table_next = matches!(blocks.get(i + 1), Some(Block::Table(_)));
                self.block(block, table_next);
            }
        }
    }

    /// One body block; `table_next`: a table follows it.
    fn block(&mut self, block: &Block, table_next: bool) {
        let styles = &self.template.styles;
        match block {
            Block::Paragraph(t) => self.flow_para("BodyText", &styles.body, t, "", table_next),
            Block::Quote(t) => self.flow_para("Quote", &styles.quote, t, "", table_next),
            Block::Heading { level, text } => {
                let style = self.template.heading_style(*level);
                self.flow_para(&format!("Heading{level}"), style, text, "", table_next)
            }
            Block::List { ordered, items } => {
                let num_id = if *ordered {
                    self.ordered_lists += 1;
                    1 + self.ordered_lists
                } else {
                    1
                };
                let numpr = format!(
                    "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{num_id}\"/></w:numPr>"
                );
                for (n, item) in items.iter().enumerate() {
                    let last = n + 1 == items.len();
                    self.flow_para(
                        "ListParagraph",
                        &styles.list,
                        item,
                        &numpr,
                        last && table_next,
                    );
                }
            }
            Block::Table(t) => {
                self.table(t);
                if table_next {
                    // Two tables need a paragraph between them (adjacent tables are one
                    // table to Word): an empty one as high as the PDF's gap.
                    let table = &self.template.styles.table;
                    let gap = gap(table.space_after.pt(), table.space_before.pt()).max(1.0);
                    let _ = write!(
                        self.body,
                        "<w:p><w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/></w:pPr></w:p>",
                        Length(gap).twips()
                    );
                    self.flow = Some((0.0, 0.0));
                }
            }
            Block::Image(img) => {
                self.drawing_id += 1;
                let n = self.drawing_id;
                let name = format!("image{n}.{}", img.kind.extension());
                let rid = self.add_rel(REL_IMAGE, format!("media/{name}"), false);
                self.media.push(Media {
                    name: name.clone(),
                    bytes: img.data.as_ref().clone(),
                });
                // The composed size, as the PDF prints it.
                let (w, h) = self.composed.images.get(self.images).map_or(
                    (img.width_px as f32 * 0.75, img.height_px as f32 * 0.75),
                    |p| p.size,
                );
                self.images += 1;
                let alt = img.caption.clone().unwrap_or_default();
                let drawing = inline_drawing(n, &name, &rid, Length(w), Length(h), &alt);
                let spacing = self.spacing(
                    IMAGE_SPACE_BEFORE,
                    IMAGE_SPACE_AFTER,
                    IMAGE_SPACE_AFTER,
                    (table_next && img.caption.is_none())
                        .then(|| gap(IMAGE_SPACE_AFTER, styles.table.space_before.pt())),
                );
                let _ = write!(
                    self.body,
                    "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/>{spacing}</w:pPr><w:r>{drawing}</w:r></w:p>"
                );
                if let Some(c) = &img.caption {
                    self.flow_para("Caption", &styles.caption, c, "", table_next);
                }
            }
        }
    }

    /// A table with the composed column widths, fixed layout (Word and LibreOffice keep the
    /// widths instead of fitting columns to their content, ECMA-376 17.4.53) and the PDF's
    /// cell padding (17.4.42); spans as `w:gridSpan` (17.4.17) and `w:vMerge` (17.4.84), the
    /// header rows as `w:tblHeader` (17.4.49), the caption (表题) as a paragraph above.
    fn table(&mut self, t: &Table) {
        let Some(geometry) = self.composed.tables.get(self.tables).cloned() else {
            return;
        };
        self.tables += 1;
        if let Some(caption) = &t.caption {
            let style = table_caption_style(self.template);
            let text = geometry.caption.iter().map(Line::text).collect::<Vec<_>>();
            let text = if text.is_empty() {
                caption.clone()
            } else {
                text.join("\n")
            };
            self.flow_para("TableCaption", &style, &text, "", true);
        }
        let widths: Vec<i64> = geometry.widths.iter().map(|w| Length(*w).twips()).collect();
        let width: i64 = widths.iter().sum();
        // Word and LibreOffice add a horizontal border's width to the row's height; the PDF
        // draws its rules on the row boundaries. The top margin gives that width back, so
        // that rows are as tall as the PDF's.
        let (pad_x, pad_y) = (
            Length(geometry.pad_x).twips(),
            Length(geometry.pad_y).twips(),
        );
        let pad_top = Length(geometry.pad_y - TABLE_BORDER).twips();
        let _ = write!(
            self.body,
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"{pad_top}\" w:type=\"dxa\"/><w:left w:w=\"{pad_x}\" w:type=\"dxa\"/><w:bottom w:w=\"{pad_y}\" w:type=\"dxa\"/><w:right w:w=\"{pad_x}\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
        );
        for w in &widths {
            let _ = write!(self.body, "<w:gridCol w:w=\"{w}\"/>");
        }
        self.body.push_str("</w:tblGrid>");
        // A table set smaller than its style (many columns) says so on every run.
        // Its size in half-points rounded down (a line full in the PDF must not wrap), and
        // its cells' line pitch, which the cell styles give for the template's size.
        let table_style = &self.template.styles.table;
        let size = (geometry.size - table_style.size.pt()).abs() > 0.01;
        let (rpr, cell_ppr) = if size {
            let half_points = ((geometry.size * 2.0).floor() as i64).max(2);
            let pitch = Length(geometry.size * table_style.line_height).twips();
            (
                format!("<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/>"),
                format!("<w:spacing w:line=\"{pitch}\" w:lineRule=\"exact\"/>"),
            )
        } else {
            (String::new(), String::new())
        };
        let columns = t.columns;
        // cover[r][c]: the index of the cell covering row r, column c.
        let cover = t.coverage();
        for (r, row) in cover.iter().enumerate() {
            // A row stays on one page (17.4.6), as the PDF keeps it, unless the PDF cuts it
            // (taller than the page below the repeated header); the header rows repeat
            // where the PDF repeats them.
            let split = geometry.cut.get(r).copied().unwrap_or(false);
            let can_split = if split { "" } else { "<w:cantSplit/>" };
            let header = if r < t.header_rows && geometry.header_repeats {
                "<w:tblHeader/>"
            } else {
                ""
            };
            let _ = write!(self.body, "<w:tr><w:trPr>{can_split}{header}</w:trPr>");
            let mut c = 0;
            while c < columns {
                let Some(cell) = t.cells.get(row[c]) else {
                    c += 1;
                    continue;
                };
                let span = cell.colspan.min(columns - c).max(1);
                let w: i64 = widths[c..c + span].iter().sum();
                let grid_span = if span > 1 {
                    format!("<w:gridSpan w:val=\"{span}\"/>")
                } else {
                    String::new()
                };
                let first = cell.row == r;
                let merge = match (cell.rowspan > 1, first) {
                    (false, _) => "",
                    (true, true) => "<w:vMerge w:val=\"restart\"/>",
                    (true, false) => "<w:vMerge/>",
                };
                // The first row (the header, repeated at every page's top) gives back the
                // bottom border too, which Word and LibreOffice add below the last row of a
                // page: the rows of every page then end where the PDF's end.
                let margin = if r == 0 {
                    format!(
                        "<w:tcMar><w:top w:w=\"{}\" w:type=\"dxa\"/></w:tcMar>",
                        Length(geometry.pad_y - 2.0 * TABLE_BORDER).twips()
                    )
                } else {
                    String::new()
                };
                let valign = if geometry.middle.get(row[c]).copied().unwrap_or(false) {
                    "<w:vAlign w:val=\"center\"/>"
                } else {
                    ""
                };
                let _ = write!(
                    self.body,
                    "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>{grid_span}{merge}{margin}{valign}</w:tcPr>"
                );
                let style = if r < t.header_rows {
                    "TableHeader"
                } else {
                    "TableText"
                };
                let _ = write!(
                    self.body,
                    "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{cell_ppr}</w:pPr>"
                );
                if first {
                    // Header rows are bold by their style; a section row says so.
                    let section =
                        r >= t.header_rows && geometry.bold.get(row[c]).copied().unwrap_or(false);
                    let bold = if section { "<w:b/><w:bCs/>" } else { "" };
                    let lines = geometry.cells.get(row[c]).map_or(&[][..], Vec::as_slice);
                    if lines.is_empty() {
                        self.run(&cell.text, &format!("{bold}{rpr}"));
                    }
                    // The cell broken where the PDF breaks it (its composed lines); a line
                    // the PDF fitted by compressing its last mark (push-in) gets that mark
                    // condensed as much (17.3.2.35), which Word and LibreOffice would not
                    // do by themselves, so that the line fits there too.
                    for (k, line) in lines.iter().enumerate() {
                        let mut text = line.text();
                        if k + 1 < lines.len() {
                            text.push('\n');
                        }
                        let squeeze = line.end_compression();
                        let split = text.trim_end_matches('\n').char_indices().last();
                        match split {
                            Some((at, _)) if squeeze > 0.05 => {
                                let condensed = -(squeeze * 20.0).round() as i64;
                                self.run(&text[..at], &format!("{bold}{rpr}"));
                                self.run(
                                    &text[at..],
                                    &format!("{bold}<w:spacing w:val=\"{condensed}\"/>{rpr}"),
                                );
                            }
                            _ => self.run(&text, &format!("{bold}{rpr}")),
                        }
                    }
                }
                self.body.push_str("</w:p></w:tc>");
                c += span;
            }
            self.body.push_str("</w:tr>");
        }
        self.body.push_str("</w:tbl>");
        // The table's space after, which the DOCX table does not have, goes into the space
        // before of what follows.
        self.flow = Some((self.template.styles.table.space_after.pt(), 0.0));
    }

    fn attachments(&mut self) {
        let Some(list) = self.composed.attachments.clone() else {
            return;
        };
        let body = &self.template.styles.body;
        let mut head = body.clone();
        head.space_before = body.size;
        self.flow_para("AttachmentHead", &head, &list.label, "", false);
        for (marker, name, url) in &list.items {
            let after = body.space_after.pt();
            let spacing = self.spacing(body.space_before.pt(), after, after, None);
            let _ = write!(
                self.body,
                "<w:p><w:pPr><w:pStyle w:val=\"Attachment\"/>{spacing}</w:pPr>"
            );
            self.run(&format!("{marker} "), "");
            match url {
                Some(url) => {
                    let rid = self.add_rel(REL_LINK, url.clone(), true);
                    let _ = write!(self.body, "<w:hyperlink r:id=\"{rid}\">");
                    self.run(name, "<w:rStyle w:val=\"Hyperlink\"/>");
                    self.body.push_str("</w:hyperlink>");
                }
                None => self.run(name, ""),
            }
            self.body.push_str("</w:p>");
        }
    }

    /// The QR code as an inline PNG printed at the composed size, as in the PDF.
    fn qr(&mut self, matrix: &QrMatrix, url: &str) -> Result<(), String> {
        let Some(part) = self.composed.qr.clone() else {
            return Ok(());
        };
        let png = matrix.to_png()?;
        self.drawing_id += 1;
        let n = self.drawing_id;
        let name = format!("image{n}.png");
        let rid = self.add_rel(REL_IMAGE, format!("media/{name}"), false);
        self.media.push(Media {
            name: name.clone(),
            bytes: png,
        });
        let size = Length(part.size);
        let drawing = inline_drawing(n, &name, &rid, size, size, url);
        // The paragraph before keeps with the QR code ([`QrPart`]).
        self.keep_last_with_next();
        let spacing = self.spacing(QR_SPACE_BEFORE, 0.0, 0.0, None);
        let _ = write!(
            self.body,
            "<w:p><w:pPr><w:pStyle w:val=\"QrCode\"/><w:keepNext/>{spacing}</w:pPr><w:r>{drawing}</w:r></w:p>"
        );
        if let Some(setup) = &self.template.qr {
            self.flow_para("QrCaption", &setup.caption_style, &part.caption, "", false);
        }
        Ok(())
    }

    /// Keeps the last styled paragraph written with the next one: `w:keepNext` right after its
    /// `w:pStyle`, where CT_PPrBase puts it (ECMA-376 17.3.1.15).
    fn keep_last_with_next(&mut self) {
        const STYLE: &str = "<w:p><w:pPr><w:pStyle w:val=\"";
        if let Some(at) = self.body.rfind(STYLE) {
            if let Some(end) = self.body[at..].find("/>") {
                let after_style = at + end + 2;
                if !self.body[after_style..].starts_with("<w:keepNext/>") {
                    self.body.insert_str(after_style, "<w:keepNext/>");
                }
            }
        }
    }

    fn add_rel(&mut self, kind: &'static str, target: String, external: bool) -> String {
        let id = format!("rId{}", 100 + self.rels.len());
        self.rels.push(Rel {
            id: id.clone(),
            kind,
            target,
            external,
        });
        id
    }

    /// The first page has no header (`header.on_first_page = false`), as layout leaves it off.
    fn bare_first_header(&self) -> bool {
        header_text(self.template, self.article).is_some()
            && self
                .template
                .header
                .as_ref()
                .is_some_and(|h| !h.on_first_page)
    }

    /// The first page has no footer (信函格式, GB/T 9704-2012 10.1: 首页不显示页码).
    fn bare_first_footer(&self) -> bool {
        self.template
            .footer
            .as_ref()
            .is_some_and(|f| !f.on_first_page)
    }

    /// The document has an empty footer (footer3.xml, rId8): for the blank page and the 版记's
    /// page, or a first page without a page number.
    fn empty_footer(&self) -> bool {
        self.blank_section || self.bare_first_footer()
    }

    fn document_xml(&self) -> String {
        let t = self.template;
        let p = &t.page;
        let mut refs = String::new();
        if header_text(t, self.article).is_some() {
            refs.push_str("<w:headerReference w:type=\"default\" r:id=\"rId5\"/>");
        }
        if t.footer.is_some() {
            if odd_even(t) {
                refs.push_str("<w:footerReference w:type=\"even\" r:id=\"rId7\"/>");
            }
            refs.push_str("<w:footerReference w:type=\"default\" r:id=\"rId6\"/>");
        }
        // No page number on the first page (信函格式, GB/T 9704-2012 10.1): the first page's
        // footer is the empty one, `w:titlePg` (ECMA-376 17.10.6, 17.6.19).
        // A header left off the first page likewise takes the empty header2.xml (rId9).
        let mut first_refs = refs.clone();
        if self.bare_first_header() {
            first_refs.push_str("<w:headerReference w:type=\"first\" r:id=\"rId9\"/>");
        }
        if self.bare_first_footer() {
            first_refs.push_str("<w:footerReference w:type=\"first\" r:id=\"rId8\"/>");
        }
        // Word measures the header from the page's top to the header's top, and the footer
        // from the page's bottom to the footer's bottom; the PDF places baselines.
        let header_distance = t.header.as_ref().map_or(Length::mm(15.0), |h| {
            Length(h.baseline(p, true) - 0.88 * h.style.size.pt())
        });
        let footer_distance = t.footer.as_ref().map_or(Length::mm(15.0), |f| {
            Length(p.height.pt() - f.baseline(p, false) - 0.12 * f.style.size.pt())
        });
        let sect_pr = |refs: &str| {
            let title_pg = if refs.contains("w:type=\"first\"") {
                "<w:titlePg/>"
            } else {
                ""
            };
            format!(
                "<w:sectPr>{refs}<w:pgSz w:w=\"{w}\" w:h=\"{h}\"/><w:pgMar w:top=\"{top}\" w:right=\"{r}\" w:bottom=\"{b}\" w:left=\"{l}\" w:header=\"{hd}\" w:footer=\"{fd}\" w:gutter=\"0\"/><w:cols w:space=\"425\"/>{title_pg}{grid}</w:sectPr>",
                w = p.width.twips(),
                h = p.height.twips(),
                top = p.margin_top.twips(),
                r = p.margin_right.twips(),
                b = p.margin_bottom.twips(),
                l = p.margin_left.twips(),
                hd = header_distance.twips().max(0),
                fd = footer_distance.twips().max(0),
                grid = doc_grid(t),
            )
        };
        let (body, last) = if self.blank_section {
            // The blank page and the 版记's page: a section whose footers are empty.
            let mut empty = refs.replace("r:id=\"rId6\"", "r:id=\"rId8\"");
            empty = empty.replace("r:id=\"rId7\"", "r:id=\"rId8\"");
            (
                self.body.replacen(SECTION_BREAK, &sect_pr(&first_refs), 1),
                sect_pr(&empty),
            )
        } else {
            (self.body.clone(), sect_pr(&first_refs))
        };
        format!("{XML_HEAD}<w:document {NS}><w:body>{body}{last}</w:body></w:document>")
    }

    fn document_rels(&self) -> String {
        let mut s = format!(
            "{XML_HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>\
<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>"
        );
        if header_text(self.template, self.article).is_some() {
            s.push_str("<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>");
            if self.bare_first_header() {
                s.push_str("<Relationship Id=\"rId9\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header2.xml\"/>");
            }
        }
        if self.template.footer.is_some() {
            s.push_str("<Relationship Id=\"rId6\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>");
            if odd_even(self.template) {
                s.push_str("<Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/>");
            }
            if self.empty_footer() {
                s.push_str("<Relationship Id=\"rId8\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer3.xml\"/>");
            }
        }
        for rel in &self.rels {
            let mode = if rel.external {
                " TargetMode=\"External\""
            } else {
                ""
            };
            // External targets are URIs (ECMA-376 Part 2, 9.3: xsd:anyURI): characters RFC
            // 3986 does not allow are percent-encoded, or Word reports the file as damaged.
            let target = if rel.external {
                uri_target(&rel.target)
            } else {
                rel.target.clone()
            };
            let _ = write!(
                s,
                "<Relationship Id=\"{}\" Type=\"{}\" Target=\"{}\"{mode}/>",
                rel.id,
                rel.kind,
                escape(&target)
            );
        }
        s.push_str("</Relationships>");
        s
    }

    fn content_types(&self) -> String {
        let mut s = format!(
            "{XML_HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
        );
        if header_text(self.template, self.article).is_some() {
            s.push_str("<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>");
            if self.bare_first_header() {
                s.push_str("<Override PartName=\"/word/header2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>");
            }
        }
        if self.template.footer.is_some() {
            s.push_str("<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>");
            if odd_even(self.template) {
                s.push_str("<Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>");
            }
            if self.empty_footer() {
                s.push_str("<Override PartName=\"/word/footer3.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>");
            }
        }
        s.push_str("</Types>");
        s
    }

    fn numbering_xml(&self) -> String {
        let list = &self.template.styles.list;
        let em = Length(list.char_advance());
        let left = Length((list.side_indent + 2.0) * em.pt()).twips();
        let hanging = Length(2.0 * em.pt()).twips();
        let level = |fmt: &str, text: &str| {
            format!(
                "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{fmt}\"/><w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"{left}\" w:hanging=\"{hanging}\"/></w:pPr></w:lvl>"
            )
        };
        let mut s = format!(
            "{XML_HEAD}<w:numbering {NS}><w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"singleLevel\"/>{}</w:abstractNum><w:abstractNum w:abstractNumId=\"1\"><w:multiLevelType w:val=\"singleLevel\"/>{}</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>",
            level("bullet", "•"),
            level("decimal", "%1.")
        );
        for i in 0..self.ordered_lists {
            let _ = write!(
                s,
                "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>",
                i + 2
            );
        }
        s.push_str("</w:numbering>");
        s
    }
}

fn inline_drawing(id: usize, name: &str, rid: &str, w: Length, h: Length, descr: &str) -> String {
    let (cx, cy) = (w.emu(), h.emu());
    let descr = escape(descr);
    format!(
        "<w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:docPr id=\"{id}\" name=\"Picture {id}\" descr=\"{descr}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"{name}\" descr=\"{descr}\"/><pic:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></pic:cNvPicPr></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
    )
}

/// Run properties of a style, in schema order. `spacing` is character spacing in twips
/// (negative condenses: the portable character grid). The fonts carry `w:hint="eastAsia"`,
/// which [`styles_xml`] removes again for articles that are not Chinese.
fn rpr(style: &Style, spacing: i64) -> String {
    let (east, latin) = font_names(style.family, style.latin_family());
    let mut s = format!(
        "<w:rPr><w:rFonts w:ascii=\"{latin}\" w:hAnsi=\"{latin}\" w:eastAsia=\"{east}\" w:cs=\"{latin}\"{EAST_ASIA_HINT}/>"
    );
    if style.bold {
        s.push_str("<w:b/><w:bCs/>");
    }
    if style.color.hex() != "000000" {
        let _ = write!(s, "<w:color w:val=\"{}\"/>", style.color.hex());
    }
    if spacing != 0 {
        let _ = write!(s, "<w:spacing w:val=\"{spacing}\"/>");
    }
    let half_points = (style.size.pt() * 2.0).round() as i64;
    let _ = write!(
        s,
        "<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/></w:rPr>"
    );
    s
}

fn jc(align: Align) -> &'static str {
    match align {
        Align::Justify => "both",
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

/// How a paragraph style is set beyond its [`Style`].
#[derive(Clone, Copy, Default)]
struct ParaOpts {
    keep_next: bool,
    outline: Option<u8>,
    /// A bottom border: (thickness in eighths of a point, distance from the text in whole
    /// points, ECMA-376 Part 1, 17.3.1.7 and 17.3.4).
    border_bottom: Option<(u32, u32)>,
    /// Line spacing: exact pitch, or single (lets the document grid set the pitch).
    exact: bool,
    /// No extra space between CJK and Latin or digits (the template's spacing is 0).
    no_autospace: bool,
    /// Do not snap to the document grid (type larger than the grid's text, set on an exact pitch).
    no_snap: bool,
    /// The side indent on the left only (list items, which layout sets to the right margin).
    left_only: bool,
}

/// Paragraph properties of a style, in schema order.
fn ppr(style: &Style, o: ParaOpts) -> String {
    let mut s = String::from("<w:pPr>");
    if o.keep_next {
        s.push_str("<w:keepNext/><w:keepLines/>");
    }
    if let Some((size, space)) = o.border_bottom {
        s.push_str(&border_xml(size, space));
    }
    if o.no_autospace {
        s.push_str("<w:autoSpaceDE w:val=\"0\"/><w:autoSpaceDN w:val=\"0\"/>");
    }
    if o.no_snap {
        s.push_str("<w:snapToGrid w:val=\"0\"/>");
    }
    let line = if o.exact {
        format!(
            "w:line=\"{}\" w:lineRule=\"exact\"",
            Length(style.line_pitch()).twips()
        )
    } else {
        "w:line=\"240\" w:lineRule=\"auto\"".to_owned()
    };
    let _ = write!(
        s,
        "<w:spacing w:before=\"{}\" w:after=\"{}\" {line}/>",
        style.space_before.twips(),
        style.space_after.twips()
    );
    let em = style.char_advance();
    let side = Length(style.side_indent * em).twips();
    let first_chars = (style.first_line_indent * 100.0).round() as i64;
    let first = Length(style.first_line_indent * em).twips();
    if side != 0 || first != 0 {
        let side_chars = (style.side_indent * 100.0).round() as i64;
        let (right_chars, right) = if o.left_only {
            (0, 0)
        } else {
            (side_chars, side)
        };
        let _ = write!(
            s,
            "<w:ind w:leftChars=\"{side_chars}\" w:left=\"{side}\" w:rightChars=\"{right_chars}\" w:right=\"{right}\" w:firstLineChars=\"{first_chars}\" w:firstLine=\"{first}\"/>"
        );
    }
    let _ = write!(s, "<w:jc w:val=\"{}\"/>", jc(style.align));
    if let Some(level) = o.outline {
        let _ = write!(s, "<w:outlineLvl w:val=\"{level}\"/>");
    }
    s.push_str("</w:pPr>");
    s
}

/// A gray bottom border, `size` in eighths of a point, `space` points below the text
/// (ECMA-376 Part 1, 17.3.1.7).
fn border_xml(size: u32, space: u32) -> String {
    format!("<w:pBdr><w:bottom w:val=\"single\" w:sz=\"{size}\" w:space=\"{space}\" w:color=\"999999\"/></w:pBdr>")
}

/// Width of a table's borders in pt (`w:sz` 4, eighths of a point), as thin as the PDF's
/// column rules.
const TABLE_BORDER: f32 = 0.5;

/// A news head's paragraph with its gray rule as a bottom border (ECMA-376 Part 1,
/// 17.3.1.7): as far below the text as the PDF's rule (the style's space after, in whole
/// points as a border's distance is given), as thick, and the rule's own space below as the
/// paragraph's space after. `rule` is (thickness, space below) in pt.
fn ruled(style: &Style, (thickness, below): (f32, f32)) -> (Style, ParaOpts) {
    let mut style = style.clone();
    let after = style.space_after.pt().max(0.0);
    let space = after.round().min(31.0);
    style.space_after = Length(below + after - space);
    let o = ParaOpts {
        keep_next: true,
        exact: true,
        border_bottom: Some(((thickness * 8.0).round() as u32, space as u32)),
        ..Default::default()
    };
    (style, o)
}

/// Whether the template has a character grid in the DOCX made of condensed spacing.
fn portable_grid(t: &Template) -> bool {
    t.typography.chars_per_line.is_some() && t.docx.grid == DocxGrid::Portable
}

/// The `w:docGrid` of the section: lines (and characters) per page for Word and WPS.
fn doc_grid(t: &Template) -> String {
    let body = &t.styles.body;
    // Without a line grid in the template, no grid in the document either (the default
    // type, 17.18.14): LibreOffice lays a `lines` grid's lines out from a start that centres
    // them on the page, which moves the whole text down a few points from where the PDF has it.
    let Some(pitch) = grid_pitch_twips(t) else {
        return format!(
            "<w:docGrid w:linePitch=\"{}\"/>",
            Length(body.line_pitch()).twips()
        );
    };
    match (t.typography.chars_per_line, t.docx.grid) {
        (Some(chars), DocxGrid::Word) => {
            // charSpace: the character pitch minus the default font size, in 1/4096 pt.
            let char_space =
                ((t.page.text_width() / chars as f32 - body.size.pt()) * 4096.0).round() as i64;
            format!("<w:docGrid w:type=\"linesAndChars\" w:linePitch=\"{pitch}\" w:charSpace=\"{char_space}\"/>")
        }
        _ => format!("<w:docGrid w:type=\"lines\" w:linePitch=\"{pitch}\"/>"),
    }
}

/// The grid's line pitch in whole twips, rounded down as Word does so that all lines fit.
fn grid_pitch_twips(t: &Template) -> Option<i64> {
    let lines = t.typography.lines_per_page?;
    Some((t.text_height() / lines as f32 * 20.0).floor() as i64)
}

fn odd_even(t: &Template) -> bool {
    t.footer
        .as_ref()
        .is_some_and(|f| f.odd_align.is_some() || f.even_align.is_some())
}

/// One paragraph style. Grid styles get an exact line height of the grid's pitch, so that
/// every line takes one grid line whatever font the application substitutes.
fn style_xml(t: &Template, id: &str, name: &str, style: &Style, mut o: ParaOpts) -> String {
    let mut style = style.clone();
    if let (true, Some(pitch)) = (style.on_grid, grid_pitch_twips(t)) {
        style.line_height = pitch as f32 / 20.0 / style.size.pt();
        o.exact = true;
        // LibreOffice gives type larger than the grid's text two grid lines when snapping.
        o.no_snap = style.size.pt() > t.styles.body.size.pt() + 0.01;
    }
    // Space before and after that is a whole number of grid lines is written as exactly
    // that many grid pitches: 580 twips on a 579-twip grid would push every later line a
    // twip down, and the page's last line onto the next page.
    if let Some(pitch) = grid_pitch_twips(t) {
        for space in [&mut style.space_before, &mut style.space_after] {
            let twips = space.twips();
            let lines = (twips as f64 / pitch as f64).round() as i64;
            if lines >= 1 && (twips - lines * pitch).abs() <= 2 {
                *space = Length((lines * pitch) as f32 / 20.0);
            }
        }
    }
    o.no_autospace = t.typography.cjk_latin_spacing <= 0.0;
    let style = &style;
    let spacing = if portable_grid(t) && style.tracking.pt() < 0.0 {
        (style.tracking.pt() * 20.0).floor() as i64
    } else {
        0
    };
    let builtin = matches!(
        id,
        "Title"
            | "Subtitle"
            | "Heading1"
            | "Heading2"
            | "Heading3"
            | "Heading4"
            | "Quote"
            | "ListParagraph"
            | "Caption"
            | "BodyText"
    );
    format!(
        "<w:style w:type=\"paragraph\" w:customStyle=\"{}\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"BodyText\"/><w:qFormat/>{}{}</w:style>",
        u8::from(!builtin),
        ppr(style, o),
        rpr(style, spacing)
    )
}

fn styles_xml(t: &Template, a: &Article) -> String {
    let st = &t.styles;
    let body = &st.body;
    let (east, latin) = font_names(body.family, body.latin_family());
    let lang = a.language.word_tag();
    let mut s = format!(
        "{XML_HEAD}<w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"{latin}\" w:hAnsi=\"{latin}\" w:eastAsia=\"{east}\" w:cs=\"{latin}\"/><w:kern w:val=\"2\"/><w:sz w:val=\"{sz}\"/><w:szCs w:val=\"{sz}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"{lang}\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>{widow}{overflow}{autospace}<w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>",
        autospace = if t.typography.cjk_latin_spacing > 0.0 { "" } else { "<w:autoSpaceDE w:val=\"0\"/><w:autoSpaceDN w:val=\"0\"/>" },
        // Word lets a closing mark hang past the margin unless told not to (ECMA-376 Part 1,
        // 17.3.1.21: omitted means on); the PDF hangs only with line_end_punctuation "hang".
        overflow = if t.typography.line_end_punctuation == crate::template::LineEndPunctuation::Hang { "" } else { "<w:overflowPunct w:val=\"0\"/>" },
        widow = if t.typography.keep_lines { "<w:widowControl/>" } else { "<w:widowControl w:val=\"0\"/>" },
        sz = (body.size.pt() * 2.0).round() as i64
    );
    // Normal carries fonts and size only; indents and spacing belong to the specific styles,
    // so that table cells, figures and headers based on Normal do not inherit the body indent.
    let mut normal = body.clone();
    normal.first_line_indent = 0.0;
    normal.side_indent = 0.0;
    normal.space_before = Length(0.0);
    normal.space_after = Length(0.0);
    let normal_spacing = if portable_grid(t) {
        (body.tracking.pt() * 20.0).floor() as i64
    } else {
        0
    };
    let _ = write!(
        s,
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>{}{}</w:style>",
        ppr(&normal, ParaOpts::default()),
        rpr(body, normal_spacing)
    );
    let exact = ParaOpts {
        exact: true,
        ..Default::default()
    };
    let list = ParaOpts {
        left_only: true,
        ..exact
    };
    let heading = |level: u8| ParaOpts {
        keep_next: true,
        outline: Some(level),
        exact: true,
        ..Default::default()
    };
    let kept = ParaOpts {
        keep_next: true,
        exact: true,
        ..Default::default()
    };
    let (breadcrumb, breadcrumb_opts) = ruled(&st.breadcrumb, BREADCRUMB_RULE);
    let (meta, meta_opts) = ruled(&st.meta, HEAD_RULE);
    let mut table_header = st.table.clone();
    table_header.bold = true;
    table_header.align = Align::Center;
    table_header.space_before = Length(0.0);
    table_header.space_after = Length(0.0);
    let mut table_text = st.table.clone();
    table_text.space_before = Length(0.0);
    table_text.space_after = Length(0.0);
    let mut figure = st.caption.clone();
    figure.space_before = Length(IMAGE_SPACE_BEFORE);
    figure.space_after = Length(IMAGE_SPACE_AFTER);
    let mut attachment_head = st.body.clone();
    attachment_head.first_line_indent = 0.0;
    attachment_head.space_before = st.body.size;
    let mut attachment = st.body.clone();
    attachment.first_line_indent = 0.0;
    attachment.side_indent = 2.0;
    let mut entries: Vec<(&str, &str, Style, ParaOpts)> = vec![
        ("BodyText", "Body Text", body.clone(), exact),
        ("Title", "Title", st.title.clone(), kept),
        ("Subtitle", "Subtitle", st.subtitle.clone(), kept),
        ("Breadcrumb", "Breadcrumb", breadcrumb, breadcrumb_opts),
        ("Meta", "Article Meta", meta, meta_opts),
        ("Heading1", "heading 1", st.heading1.clone(), heading(0)),
        ("Heading2", "heading 2", st.heading2.clone(), heading(1)),
        ("Heading3", "heading 3", st.heading3.clone(), heading(2)),
        (
            "Heading4",
            "heading 4",
            t.heading_style(4).clone(),
            heading(3),
        ),
        ("Quote", "Quote", st.quote.clone(), exact),
        ("ListParagraph", "List Paragraph", st.list.clone(), list),
        ("TableHeader", "Table Header", table_header, exact),
        ("TableText", "Table Text", table_text, exact),
        (
            "Figure",
            "Figure",
            figure,
            ParaOpts {
                keep_next: true,
                ..Default::default()
            },
        ),
        ("Caption", "caption", st.caption.clone(), exact),
        (
            "TableCaption",
            "table caption",
            table_caption_style(t),
            kept,
        ),
        (
            "AttachmentHead",
            "Attachment Heading",
            attachment_head,
            kept,
        ),
        ("Attachment", "Attachment", attachment, list),
    ];
    if let Some(q) = &t.qr {
        let mut code = st.caption.clone();
        code.space_before = Length(QR_SPACE_BEFORE);
        code.space_after = Length(0.0);
        entries.push((
            "QrCode",
            "QR Code",
            code,
            ParaOpts {
                keep_next: true,
                ..Default::default()
            },
        ));
        entries.push(("QrCaption", "QR Caption", q.caption_style.clone(), exact));
    }
    entries.push((
        "AttachmentLabel",
        "Attachment Label",
        crate::compose::attachment_label_style(t),
        ParaOpts {
            keep_next: true,
            ..Default::default()
        },
    ));
    entries.extend(official::styles(t));
    let grid_pitch = body.line_pitch();
    for (id, name, style, o) in &entries {
        // An exact line height other than the grid's must not snap to the document grid:
        // LibreOffice would round it up to whole grid lines (a 15.9 pt table line became 28.9
        // pt; ECMA-376 17.3.1.32).
        let mut o = *o;
        if o.exact && (style.line_pitch() - grid_pitch).abs() > 0.01 {
            o.no_snap = true;
        }
        s.push_str(&style_xml(t, id, name, style, o));
    }
    for (id, name, f) in [
        ("Header", "header", &t.header),
        ("Footer", "footer", &t.footer),
    ] {
        if let Some(f) = f {
            let o = ParaOpts {
                border_bottom: (f.rule && id == "Header").then_some((6, 4)),
                ..Default::default()
            };
            let mut style = f.style.clone();
            style.line_height = 1.0;
            let _ = write!(
                s,
                "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/>{}{}</w:style>",
                ppr(&style, ParaOpts { exact: true, ..o }),
                rpr(&f.style, 0)
            );
        }
    }
    s.push_str("<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/><w:rPr><w:color w:val=\"0563C1\"/><w:u w:val=\"single\"/></w:rPr></w:style>");
    s.push_str("<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/></w:tblBorders><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>");
    s.push_str("</w:styles>");
    // ECMA-376 Part 1, 17.3.2.26: with w:hint="eastAsia" Word sets characters that both the
    // East Asian and the Latin slot could take (’ “ ” — …) in the East Asian face. That is
    // right in Chinese text and wrong in English text, where they belong to the Latin face.
    if !a.language.is_chinese() {
        s = s.replace(EAST_ASIA_HINT, "");
    }
    s
}

/// A footer on odd (`parity` 1) or even pages: alignment and inset as the template says.
fn footer_xml(f: &Furniture, text: &str, a: &Article, parity: usize) -> String {
    let align = f.align_on(parity);
    let inset = Length(f.inset * f.style.size.pt()).twips();
    let ind = match align {
        Align::Right if inset > 0 => format!("<w:ind w:right=\"{inset}\"/>"),
        Align::Left if inset > 0 => format!("<w:ind w:left=\"{inset}\"/>"),
        _ => String::new(),
    };
    let ppr = format!("{ind}<w:jc w:val=\"{}\"/>", jc(align));
    furniture_xml("ftr", text, a, &ppr)
}

/// Header or footer part: placeholders filled, {page} and {pages} as PAGE / NUMPAGES fields.
/// The running header's text, when the template has one and it is not empty for this record
/// (a header of "{issuer}" on a record without issuer).
fn header_text(t: &Template, a: &Article) -> Option<String> {
    t.header
        .as_ref()
        .map(|h| Furniture::fill(&h.text, a))
        .filter(|s| !s.trim().is_empty())
}

fn furniture_xml(tag: &str, text: &str, a: &Article, extra_ppr: &str) -> String {
    let text = Furniture::fill(text, a);
    let style = if tag == "hdr" { "Header" } else { "Footer" };
    let mut p = format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{extra_ppr}</w:pPr>");
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let next = [("{page}", "PAGE"), ("{pages}", "NUMPAGES")]
            .iter()
            .filter_map(|(ph, field)| rest.find(ph).map(|i| (i, *ph, *field)))
            .min_by_key(|(i, _, _)| *i);
        match next {
            Some((i, ph, field)) => {
                if i > 0 {
                    let _ = write!(p, "<w:r>{}</w:r>", run_content(&rest[..i]));
                }
                let _ = write!(
                    p,
                    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> {field} </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
                );
                rest = &rest[i + ph.len()..];
            }
            None => {
                let _ = write!(p, "<w:r>{}</w:r>", run_content(rest));
                rest = "";
            }
        }
    }
    p.push_str("</w:p>");
    format!("{XML_HEAD}<w:{tag} {NS}>{p}</w:{tag}>")
}

fn core_xml(a: &Article) -> String {
    let mut s = format!(
        "{XML_HEAD}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title>",
        escape(&a.title)
    );
    if let Some(sub) = &a.subtitle {
        let _ = write!(s, "<dc:subject>{}</dc:subject>", escape(sub));
    }
    if let Some(author) = a
        .source
        .as_ref()
        .or(a.author.as_ref())
        .or(a.issuer.as_ref())
    {
        let _ = write!(s, "<dc:creator>{}</dc:creator>", escape(author));
    }
    if let Some(url) = &a.url {
        let _ = write!(s, "<dc:identifier>{}</dc:identifier>", escape(url));
    }
    let _ = write!(s, "<dc:language>{}</dc:language>", a.language.word_tag());
    if let Some(p) = super::document_date(a) {
        let iso = p.to_iso();
        let _ = write!(
            s,
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{iso}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{iso}</dcterms:modified>"
        );
    }
    s.push_str("</cp:coreProperties>");
    s
}

/// The font table (ECMA-376 Part 1, 17.8.3): every face the parts may name in a `w:rFonts`
/// (the office faces of [`font_names`], their Latin companions and the fallback faces),
/// whichever of them this document uses, so that no named face is undeclared. (With embedded
/// fonts, `embed` writes its own table from the names the parts really use.)
fn font_table_xml() -> String {
    let mut s = format!("{XML_HEAD}<w:fonts {NS}>");
    for name in declared_faces() {
        s.push_str(&font_entry(name));
    }
    s.push_str("</w:fonts>");
    s
}

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>";

const APP_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>bulletin</Application></Properties>";

/// Compress CJK punctuation like the PDF does (`w:characterSpacingControl`, ECMA-376
/// 17.15.1.18): Mainland text compresses, Traditional Chinese, whose faces centre 。，、：；！？,
/// does not (the PDF takes blank only from its brackets and quotes); a justified line ending
/// in a line break (`w:br`) is not spread (`w:doNotExpandShiftReturn`, 17.15.3.4: the PDF
/// justifies only lines that wrap); Word 2013+ compatibility mode; separate odd and even footers when the template places page numbers
/// by parity; automatic hyphenation for English articles (`typography.hyphenate`).
fn settings_xml(t: &Template, language: Language) -> String {
    let compress = match crate::layout::PunctuationRules::for_language(language) {
        crate::layout::PunctuationRules::Mainland => "compressPunctuation",
        crate::layout::PunctuationRules::TaiwanHongKong => "doNotCompress",
    };
    let odd_even = if odd_even(t) {
        "<w:evenAndOddHeaders/>"
    } else {
        ""
    };
    // English hyphenated as the PDF hyphenates it (layout::text::hyphenation_points): by the
    // reader's own dictionary, never words in capitals (17.15.1.10, 17.15.1.34).
    let hyphenation = if t.typography.hyphenate && language == Language::English {
        "<w:autoHyphenation/><w:doNotHyphenateCaps/>"
    } else {
        ""
    };
    format!(
        "{XML_HEAD}<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/>{hyphenation}{odd_even}<w:characterSpacingControl w:val=\"{compress}\"/><w:compat><w:doNotExpandShiftReturn/><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>"
    )
}

/// `w:hint="eastAsia"` in a `w:rFonts` (ECMA-376 Part 1, 17.3.2.26), for Chinese articles.
const EAST_ASIA_HINT: &str = " w:hint=\"eastAsia\"";

/// The face a run names for characters the office faces lack: Noto Serif CJK, the PDF's
/// fallback, in the article's script.
fn fallback_face(language: Language) -> &'static str {
    match language {
        Language::TraditionalChinese => "Noto Serif CJK TC",
        _ => font_names(Family::Serif, LatinFamily::Cjk).0,
    }
}

/// Whether a character needs the fallback face in a document that names the office faces
/// (宋体, 黑体, 仿宋, 楷体: SimSun, SimHei, FangSong, KaiTi, which cover GBK, the character set
/// of Chinese Windows): characters outside GBK do. Below U+2000 (Latin, Greek, Cyrillic and
/// their marks) Word sets text in the run's Latin face (`w:ascii`/`w:hAnsi`, ECMA-376 Part
/// 1, 17.3.2.26), so such a character only needs the fallback face where the bundled face
/// (`bundled`: whether it has the character) lacks it too, as in the PDF.
fn needs_fallback_face(c: char, bundled: bool) -> bool {
    if in_gbk(c) {
        return false;
    }
    c >= '\u{2000}' || !bundled
}

/// Whether GBK (the WHATWG encoding, as encoding_rs implements it) can encode `c`.
fn in_gbk(c: char) -> bool {
    // ASCII and the CJK Unified Ideographs block up to U+9FA5 are all in GBK.
    if c.is_ascii() || ('\u{4E00}'..='\u{9FA5}').contains(&c) {
        return true;
    }
    let mut utf8 = [0u8; 4];
    let mut out = [0u8; 8];
    let mut encoder = encoding_rs::GBK.new_encoder();
    let (result, _, _) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut utf8), &mut out, true);
    matches!(result, encoding_rs::EncoderResult::InputEmpty)
}

/// The content of one run: `w:t` for text, `w:br` for line breaks (ECMA-376 Part 1,
/// 17.3.3.1), `w:tab` for tabs (17.3.3.32); other control characters left out. An empty text
/// gives one empty `w:t`.
pub(super) fn run_content(text: &str) -> String {
    let mut out = String::new();
    let mut pending = String::new();
    let flush = |out: &mut String, pending: &mut String| {
        if !pending.is_empty() {
            let _ = write!(out, "<w:t xml:space=\"preserve\">{}</w:t>", escape(pending));
            pending.clear();
        }
    };
    for c in text.chars() {
        let element = match c {
            '\n' => "<w:br/>",
            '\t' => "<w:tab/>",
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => continue,
            c => {
                pending.push(c);
                continue;
            }
        };
        flush(&mut out, &mut pending);
        out.push_str(element);
    }
    flush(&mut out, &mut pending);
    if out.is_empty() {
        out.push_str("<w:t xml:space=\"preserve\"></w:t>");
    }
    out
}

/// A hyperlink target as a URI (RFC 3986) for a relationship's `Target` (ECMA-376 Part 2,
/// 9.3.2.2: xsd:anyURI): spaces, `" < > \ ^ ` { | }`, control characters and every non-ASCII
/// character percent-encoded as UTF-8, and a `%` that does not start an escape encoded as
/// `%25`; everything else, escapes already present included, kept as it is.
fn uri_target(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escape_start = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        let keep =
            b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b) && (b != b'%' || escape_start);
        if keep {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Every face the generated parts can name: the office faces and their Latin companions
/// ([`font_names`]) and the fallback faces.
fn declared_faces() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    let families = [
        Family::Song,
        Family::Hei,
        Family::Fang,
        Family::Kai,
        Family::Serif,
    ];
    let fallbacks = [
        fallback_face(Language::SimplifiedChinese),
        fallback_face(Language::TraditionalChinese),
    ];
    for name in families
        .iter()
        .flat_map(|f| {
            let (east, latin) = font_names(*f, f.default_latin());
            [latin, east]
        })
        .chain(fallbacks)
    {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// One `w:font` of the font table (ECMA-376 Part 1, 17.8.3.2) for a face that is not
/// embedded: its Windows name (17.8.3.1 altName), character set (17.8.3.3 charset: 86 GB2312,
/// 88 Big5, 00 ANSI), family (17.8.3.9) and pitch (17.8.3.13), which let Word and WPS pick a
/// substitute of the same kind when the face is not installed.
fn font_entry(name: &str) -> String {
    let (alt, charset, family) = match name {
        "宋体" => ("SimSun", "86", "auto"),
        "黑体" => ("SimHei", "86", "auto"),
        "仿宋" => ("FangSong", "86", "auto"),
        "楷体" => ("KaiTi", "86", "auto"),
        "Times New Roman" => ("", "00", "roman"),
        "Arial" => ("", "00", "swiss"),
        n if n.ends_with(" TC") => ("", "88", "roman"),
        n if n.starts_with("Noto Serif CJK") => ("", "86", "roman"),
        _ => ("", "00", "auto"),
    };
    let mut s = format!("<w:font w:name=\"{}\">", escape(name));
    if !alt.is_empty() {
        let _ = write!(s, "<w:altName w:val=\"{alt}\"/>");
    }
    let _ = write!(s, "<w:charset w:val=\"{charset}\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"variable\"/></w:font>");
    s
}

/// The faces named by the `w:rFonts` elements of a part (`w:ascii`, `w:hAnsi`, `w:eastAsia`,
/// `w:cs`), unescaped.
fn named_faces(xml: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for element in xml.split("<w:rFonts ").skip(1) {
        let element = &element[..element.find("/>").unwrap_or(element.len())];
        for slot in ["w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"] {
            let key = format!(" {slot}=\"");
            let padded = format!(" {element}");
            if let Some(start) = padded.find(&key).map(|i| i + key.len()) {
                if let Some(len) = padded[start..].find('"') {
                    names.insert(unescape(&padded[start..start + len]));
                }
            }
        }
    }
    names
}

/// Reverses [`escape`] on generated XML text.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod fidelity_tests {
    use super::*;
    use std::io::Read as _;

    fn article(json: &str) -> Article {
        crate::record::test_record(json)
    }

    /// The named parts of a DOCX rendered with `template`.
    fn parts(a: &Article, template: &Template) -> BTreeMap<String, String> {
        let fonts = FontBook::discover(None).expect("bundled fonts");
        let docx = render(a, template, None, &fonts).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut out = BTreeMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let mut text = String::new();
            if entry.name().ends_with(".xml") || entry.name().ends_with(".rels") {
                entry.read_to_string(&mut text).unwrap();
                out.insert(entry.name().to_owned(), text);
            }
        }
        out
    }

    use std::collections::BTreeMap;

    #[test]
    fn breaks_tabs_and_control_characters_in_runs() {
        assert_eq!(
            run_content(
                &crate::record::normalize_line_breaks("甲\u{b}乙\t丙\u{1}丁\r\n戊\r己\u{85}庚\u{1f}")
                    .unwrap()
            ),
            "<w:t xml:space=\"preserve\">甲</w:t><w:br/><w:t xml:space=\"preserve\">乙</w:t><w:tab/><w:t xml:space=\"preserve\">丙丁</w:t><w:br/><w:t xml:space=\"preserve\">戊</w:t><w:br/><w:t xml:space=\"preserve\">己庚</w:t>"
        );
        assert_eq!(run_content(""), "<w:t xml:space=\"preserve\"></w:t>");
        assert_eq!(run_content("\n"), "<w:br/>");
        // Every C0 control but tab, line feed and carriage return is forbidden by XML 1.0.
        let all: String = (0u8..0x20).map(char::from).collect();
        let xml = run_content(&all);
        assert!(!xml.chars().any(|c| c.is_control()), "{xml:?}");
        // A tab and a line feed; the record stage has turned the other breaks into line feeds.
        assert_eq!(xml, "<w:tab/><w:br/>");
    }

    #[test]
    fn link_targets_are_uris() {
        assert_eq!(
            uri_target("https://a.gov.cn/a b/{x}|y^z`w\\v\"<>?q=中文&r=%41%zz%4#f"),
            "https://a.gov.cn/a%20b/%7Bx%7D%7Cy%5Ez%60w%5Cv%22%3C%3E?q=%E4%B8%AD%E6%96%87&r=%41%25zz%254#f"
        );
        let plain =
            "https://sthjt.nmg.gov.cn/sthjdt/tpxw/202502/t20250218_2668470.html?a=1&b=[2]#x";
        assert_eq!(uri_target(plain), plain);
        let a = article(
            r#"{"title":"链接","attachments":[{"name":"附件","url":"https://a.gov.cn/files/{1}|^`.pdf"}],"body":"正文"}"#,
        );
        let rels = &parts(&a, &Template::load("bulletin").unwrap())["word/_rels/document.xml.rels"];
        assert!(
            rels.contains(
                "Target=\"https://a.gov.cn/files/%7B1%7D%7C%5E%60.pdf\" TargetMode=\"External\""
            ),
            "{rels}"
        );
    }

    /// The official head's blank lines come from the composed plan, as the PDF's spaces do:
    /// two between the mark and the number, two above the title (below the red rule, or
    /// below the mark when there is no number), GB/T 9704-2012 7.2.5 and 7.3.1.
    #[test]
    fn official_head_spacing_follows_the_composed_plan() {
        let template = Template::load("gongwen").unwrap();
        let blank_lines = |xml: &str, from: &str, to: &str| {
            let start = xml.find(from).unwrap();
            let end = start + xml[start..].find(to).unwrap();
            xml[start..end].matches("<w:p/>").count()
        };
        let mark_only = article(
            r#"{"title": "关于做好工作的通知", "issuer_mark": "某某市人民政府文件",
                "body": [{"type": "paragraph", "text": "正文。"}]}"#,
        );
        let doc = &parts(&mark_only, &template)["word/document.xml"];
        assert_eq!(blank_lines(doc, "IssuerMark", "w:val=\"Title\""), 2);
        let numbered = article(
            r#"{"title": "关于做好工作的通知", "issuer_mark": "某某市人民政府文件",
                "doc_number": "某政发〔2025〕1号",
                "body": [{"type": "paragraph", "text": "正文。"}]}"#,
        );
        let doc = &parts(&numbered, &template)["word/document.xml"];
        assert_eq!(blank_lines(doc, "IssuerMark", "DocNumber"), 2);
        assert_eq!(blank_lines(doc, "DocNumber", "w:val=\"Title\""), 2);
    }

    #[test]
    fn office_faces_keep_gbk_characters() {
        // 䶮 is one of the Extension A characters GB 18030-2005 (and WHATWG's GBK) maps into
        // the two-byte area.
        for c in ['喆', '堃', '中', 'A', '“', '—', '①', 'é', '€', '䶮'] {
            assert!(in_gbk(c), "{c} is in GBK");
            assert!(!needs_fallback_face(c, false), "{c}");
        }
        for c in ['㐀', '𬌗', '𠮷', '♪'] {
            assert!(!in_gbk(c), "{c} is not in GBK");
            assert!(needs_fallback_face(c, true), "{c}");
        }
        // Latin letters outside GBK stay in the Latin face where the bundled face has them.
        assert!(!in_gbk('ñ'));
        assert!(!needs_fallback_face('ñ', true));
        assert!(needs_fallback_face('ñ', false));

        let a = article(r#"{"title":"生僻字","body":"喆堃☎和㐀𬌗。"}"#);
        let mut t = Template::load("bulletin").unwrap();
        let xml = &parts(&a, &t)["word/document.xml"];
        let noto_run = |text: &str| {
            xml.split("<w:r>").any(|run| {
                run.contains("w:eastAsia=\"Noto Serif CJK SC\"")
                    && run.contains(&format!(">{text}</w:t>"))
            })
        };
        assert!(
            xml.contains(">喆堃")
                && !xml
                    .split("<w:r>")
                    .any(|run| run.contains("Noto") && run.contains('喆')),
            "GBK characters in the paragraph's face: {xml}"
        );
        assert!(noto_run("㐀𬌗"), "{xml}");
        // Embedded, the document names Fandol, which lacks 喆 and 堃: they take the fallback.
        t.docx.embed_fonts = true;
        let xml = &parts(&a, &t)["word/document.xml"];
        assert!(xml.contains(">喆堃"), "{xml}");
        assert!(
            xml.split("<w:r>")
                .any(|run| run.contains("w:eastAsia=\"Noto Serif CJK SC-") && run.contains(">喆堃")),
            "{xml}"
        );
    }

    #[test]
    fn every_named_face_is_declared() {
        let records = [
            r#"{"title":"生僻字","body":"㐀䶮𬌗"}"#,
            r#"{"title":"生僻字","language":"zh-Hant","body":"㐀䶮𬌗"}"#,
            r#"{"title":"Notice","language":"en","body":"Text 㐀"}"#,
        ];
        for name in ["bulletin", "gongwen", "leaflet"] {
            for embed in [false, true] {
                for record in records {
                    let mut t = Template::load(name).unwrap();
                    t.docx.embed_fonts = embed;
                    let parts = parts(&article(record), &t);
                    let table = &parts["word/fontTable.xml"];
                    let declared: Vec<String> = table
                        .split("<w:font w:name=\"")
                        .skip(1)
                        .map(|f| unescape(&f[..f.find('"').unwrap()]))
                        .collect();
                    for (part, xml) in &parts {
                        for face in named_faces(xml) {
                            assert!(
                                declared.contains(&face),
                                "{name} embed={embed} {record}: {part} names {face}, not in {declared:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn east_asian_hint_only_in_chinese_articles() {
        let t = Template::load("bulletin").unwrap();
        let english = parts(
            &article(r#"{"title":"Notice","language":"en","body":"It’s “quoted” — here."}"#),
            &t,
        );
        for (part, xml) in &english {
            assert!(!xml.contains("w:hint"), "{part}");
        }
        let chinese = parts(&article(r#"{"title":"通知","body":"“引号”"}"#), &t);
        assert!(chinese["word/styles.xml"].contains(EAST_ASIA_HINT));
    }

    #[test]
    fn core_properties_state_china_time() {
        let xml = core_xml(&article(r#"{"title":"T","published":"2025-02-18 18:03"}"#));
        assert!(
            xml.contains(">2025-02-18T18:03:00+08:00</dcterms:created>")
                && xml.contains(">2025-02-18T18:03:00+08:00</dcterms:modified>"),
            "{xml}"
        );
        let xml = core_xml(&article(
            r#"{"title":"T","published":"2025-02-18T10:03:00Z"}"#,
        ));
        assert!(
            xml.contains(">2025-02-18T10:03:00Z</dcterms:created>"),
            "{xml}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_font_goes_where_the_schema_wants_it() {
        let noto = "<w:rFonts w:ascii=\"Noto Serif CJK SC\"";
        assert!(with_fallback_font("", Language::SimplifiedChinese).starts_with(noto));
        let linked = with_fallback_font(
            "<w:rStyle w:val=\"Hyperlink\"/>",
            Language::SimplifiedChinese,
        );
        assert!(
            linked.starts_with(&format!("<w:rStyle w:val=\"Hyperlink\"/>{noto}")),
            "{linked}"
        );
        let replaced = with_fallback_font(
            "<w:rFonts w:eastAsia=\"楷体\"/><w:b/>",
            Language::SimplifiedChinese,
        );
        assert!(
            replaced.starts_with(noto) && replaced.ends_with("<w:b/>"),
            "{replaced}"
        );
        assert!(!replaced.contains("楷体"));
    }

    #[test]
    fn footer_turns_placeholders_into_fields() {
        let t = Template::load("bulletin").unwrap();
        let a = crate::record::test_record(r#"{"title":"T"}"#);
        let xml = furniture_xml("ftr", &t.footer.as_ref().unwrap().text, &a, "");
        assert!(xml.contains(" PAGE ") && xml.contains(" NUMPAGES "));
        assert!(xml.contains(">第 <") && xml.contains("> 页 共 <"));
    }

    #[test]
    fn properties_follow_schema_order() {
        let t = Template::load("bulletin").unwrap();
        let p = ppr(
            &t.styles.quote,
            ParaOpts {
                keep_next: true,
                outline: Some(1),
                border_bottom: Some((6, 4)),
                exact: true,
                ..Default::default()
            },
        );
        let order = ["keepNext", "pBdr", "spacing", "ind", "jc", "outlineLvl"];
        let positions: Vec<usize> = order
            .iter()
            .map(|e| p.find(&format!("<w:{e}")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{p}");
        let mut bold = t.styles.title.clone();
        bold.color = crate::template::Color(1, 2, 3);
        let r = rpr(&bold, -5);
        let order = ["rFonts", "b/", "color", "spacing", "sz "];
        let positions: Vec<usize> = order
            .iter()
            .map(|e| r.find(&format!("<w:{e}")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{r}");
    }
}
