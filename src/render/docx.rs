//! DOCX output. Word lays out the flow itself, so this renderer maps the article to
//! WordprocessingML directly: styles with East Asian fonts, page setup from the template,
//! numbering, tables, inline images (original bytes) and the QR code, a footer with PAGE
//! fields. Parts are written in schema order with document-local ids, and zipped with fixed
//! timestamps, so the same record always gives the same bytes.

use super::xml::escape;
use crate::qr::QrMatrix;
use crate::record::{Article, Block};
use crate::template::{Align, Family, Length, Style, Template};
use std::fmt::Write as _;
use std::io::Write as _;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture""#;
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const REL_IMAGE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";
const REL_LINK: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";

/// East Asian and Latin font names Word and WPS resolve on Chinese systems.
fn font_names(family: Family) -> (&'static str, &'static str) {
    match family {
        Family::Song => ("宋体", "Times New Roman"),
        Family::Hei => ("黑体", "Arial"),
        Family::Fang => ("仿宋", "Times New Roman"),
        Family::Kai => ("楷体", "Times New Roman"),
        Family::Serif => ("Noto Serif CJK SC", "Times New Roman"),
    }
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
    article: &'a Article,
    template: &'a Template,
    body: String,
    rels: Vec<Rel>,
    media: Vec<Media>,
    /// Ordered lists each get a numbering instance that restarts at 1.
    ordered_lists: usize,
    drawing_id: usize,
}

pub fn render(
    article: &Article,
    template: &Template,
    qr: Option<&QrMatrix>,
) -> Result<Vec<u8>, String> {
    let mut w = Writer {
        article,
        template,
        body: String::new(),
        rels: Vec::new(),
        media: Vec::new(),
        ordered_lists: 0,
        drawing_id: 0,
    };
    w.head();
    for block in &article.body {
        w.block(block);
    }
    w.attachments();
    if let (Some(matrix), Some(url)) = (qr, &article.url) {
        w.qr(matrix, url)?;
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
        ("word/settings.xml".into(), SETTINGS_XML.as_bytes().to_vec()),
        ("word/fontTable.xml".into(), font_table_xml().into_bytes()),
        ("word/numbering.xml".into(), w.numbering_xml().into_bytes()),
        (
            "word/_rels/document.xml.rels".into(),
            w.document_rels().into_bytes(),
        ),
    ];
    if let Some(h) = &template.header {
        parts.push((
            "word/header1.xml".into(),
            furniture_xml("hdr", &h.text, article).into_bytes(),
        ));
    }
    if let Some(f) = &template.footer {
        let text = template.footer_text(f, article.language);
        parts.push((
            "word/footer1.xml".into(),
            furniture_xml("ftr", text, article).into_bytes(),
        ));
    }
    for m in std::mem::take(&mut w.media) {
        parts.push((format!("word/media/{}", m.name), m.bytes));
    }
    zip_parts(parts)
}

fn zip_parts(parts: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // Fixed timestamps (the zip epoch) keep the archive byte-identical between runs.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        let stored = name.starts_with("word/media/");
        let opts = if stored {
            options.compression_method(zip::CompressionMethod::Stored)
        } else {
            options
        };
        zip.start_file(name, opts).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    let cursor = zip.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

impl Writer<'_> {
    fn para(&mut self, style_id: &str, text: &str, extra_ppr: &str) {
        let _ = write!(
            self.body,
            "<w:p><w:pPr><w:pStyle w:val=\"{style_id}\"/>{extra_ppr}</w:pPr>"
        );
        self.run(text, "");
        self.body.push_str("</w:p>");
    }

    fn run(&mut self, text: &str, rpr: &str) {
        // Line breaks inside a block become w:br; text keeps its spaces.
        for (i, piece) in text.split('\n').enumerate() {
            self.body.push_str("<w:r>");
            if !rpr.is_empty() {
                let _ = write!(self.body, "<w:rPr>{rpr}</w:rPr>");
            }
            if i > 0 {
                self.body.push_str("<w:br/>");
            }
            let _ = write!(
                self.body,
                "<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                escape(piece)
            );
        }
    }

    fn head(&mut self) {
        let a = self.article;
        let labels = self.template.labels(a.language);
        if let Some(text) = labels.breadcrumb_line(a) {
            self.para("Breadcrumb", &text, "");
        }
        self.para("Title", &a.title, "");
        if let Some(s) = &a.subtitle {
            self.para("Subtitle", s, "");
        }
        let meta = labels.meta_line(a).unwrap_or_default();
        self.para("Meta", &meta, "");
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph(t) => self.para("BodyText", t, ""),
            Block::Quote(t) => self.para("Quote", t, ""),
            Block::Heading { level, text } => self.para(&format!("Heading{level}"), text, ""),
            Block::List { ordered, items } => {
                let num_id = if *ordered {
                    self.ordered_lists += 1;
                    1 + self.ordered_lists
                } else {
                    1
                };
                for item in items {
                    let numpr = format!(
                        "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{num_id}\"/></w:numPr>"
                    );
                    self.para("ListParagraph", item, &numpr);
                }
            }
            Block::Table { rows } => self.table(rows),
            Block::Image(img) => {
                self.drawing_id += 1;
                let n = self.drawing_id;
                let name = format!("image{n}.{}", img.kind.extension());
                let rid = self.add_rel(REL_IMAGE, format!("media/{name}"), false);
                self.media.push(Media {
                    name: name.clone(),
                    bytes: img.data.as_ref().clone(),
                });
                // 96 dpi, shrunk to the text width and half the text height, as in the PDF.
                let page = &self.template.page;
                let max_w = page.text_width();
                let max_h =
                    0.5 * (page.height.pt() - page.margin_top.pt() - page.margin_bottom.pt());
                let (w, h) = (img.width_px as f32 * 0.75, img.height_px as f32 * 0.75);
                let scale = (max_w / w).min(max_h / h).min(1.0);
                let alt = img.caption.clone().unwrap_or_default();
                let drawing =
                    inline_drawing(n, &name, &rid, Length(w * scale), Length(h * scale), &alt);
                let _ = write!(
                    self.body,
                    "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/></w:pPr><w:r>{drawing}</w:r></w:p>"
                );
                if let Some(c) = &img.caption {
                    self.para("Caption", c, "");
                }
            }
        }
    }

    fn table(&mut self, rows: &[Vec<String>]) {
        let columns = rows[0].len();
        let width = Length(self.template.page.text_width()).twips();
        let col = width / columns as i64;
        let _ = write!(
            self.body,
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:tblLayout w:type=\"autofit\"/><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
        );
        for _ in 0..columns {
            let _ = write!(self.body, "<w:gridCol w:w=\"{col}\"/>");
        }
        self.body.push_str("</w:tblGrid>");
        for (r, row) in rows.iter().enumerate() {
            self.body.push_str("<w:tr>");
            if r == 0 {
                self.body.push_str("<w:trPr><w:tblHeader/></w:trPr>");
            }
            for cell in row {
                let _ = write!(
                    self.body,
                    "<w:tc><w:tcPr><w:tcW w:w=\"{col}\" w:type=\"dxa\"/></w:tcPr>"
                );
                let style = if r == 0 { "TableHeader" } else { "TableText" };
                self.para(style, cell, "");
                self.body.push_str("</w:tc>");
            }
            self.body.push_str("</w:tr>");
        }
        self.body.push_str("</w:tbl>");
    }

    fn attachments(&mut self) {
        let a = self.article;
        if a.attachments.is_empty() {
            return;
        }
        let label = self.template.labels(a.language).attachments.clone();
        self.para("AttachmentHead", &label, "");
        for (i, att) in a.attachments.iter().enumerate() {
            self.body
                .push_str("<w:p><w:pPr><w:pStyle w:val=\"Attachment\"/></w:pPr>");
            self.run(&format!("{}. ", i + 1), "");
            match &att.url {
                Some(url) => {
                    let rid = self.add_rel(REL_LINK, url.clone(), true);
                    let _ = write!(self.body, "<w:hyperlink r:id=\"{rid}\">");
                    self.run(&att.name, "<w:rStyle w:val=\"Hyperlink\"/>");
                    self.body.push_str("</w:hyperlink>");
                }
                None => self.run(&att.name, ""),
            }
            self.body.push_str("</w:p>");
        }
    }

    /// The QR code as an inline PNG printed at the same size as in the PDF.
    fn qr(&mut self, matrix: &QrMatrix, url: &str) -> Result<(), String> {
        let png = matrix.to_png()?;
        self.drawing_id += 1;
        let n = self.drawing_id;
        let name = format!("image{n}.png");
        let rid = self.add_rel(REL_IMAGE, format!("media/{name}"), false);
        self.media.push(Media {
            name: name.clone(),
            bytes: png,
        });
        let modules = matrix.width() as f32 + 8.0;
        let size = Length(
            self.template
                .qr
                .size
                .pt()
                .max(modules * Length::mm(0.4).pt()),
        );
        let drawing = inline_drawing(n, &name, &rid, size, size, url);
        let _ = write!(
            self.body,
            "<w:p><w:pPr><w:pStyle w:val=\"QrCode\"/></w:pPr><w:r>{drawing}</w:r></w:p>"
        );
        let caption = self
            .template
            .labels(self.article.language)
            .qr_caption
            .clone();
        self.para("QrCaption", &caption, "");
        Ok(())
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

    fn document_xml(&self) -> String {
        let p = &self.template.page;
        let body_style = &self.template.styles.body;
        let mut refs = String::new();
        if self.template.header.is_some() {
            refs.push_str("<w:headerReference w:type=\"default\" r:id=\"rId5\"/>");
        }
        if self.template.footer.is_some() {
            refs.push_str("<w:footerReference w:type=\"default\" r:id=\"rId6\"/>");
        }
        let header_distance = self.template.header.as_ref().map_or(Length::mm(15.0), |h| {
            Length(h.baseline_from_edge.pt() - h.style.size.pt())
        });
        let footer_distance = self.template.footer.as_ref().map_or(Length::mm(15.0), |f| {
            Length(f.baseline_from_edge.pt() - f.style.size.pt() * 0.3)
        });
        format!(
            "{XML_HEAD}<w:document {NS}><w:body>{body}<w:sectPr>{refs}<w:pgSz w:w=\"{w}\" w:h=\"{h}\"/><w:pgMar w:top=\"{t}\" w:right=\"{r}\" w:bottom=\"{b}\" w:left=\"{l}\" w:header=\"{hd}\" w:footer=\"{fd}\" w:gutter=\"0\"/><w:cols w:space=\"425\"/><w:docGrid w:type=\"lines\" w:linePitch=\"{pitch}\"/></w:sectPr></w:body></w:document>",
            body = self.body,
            w = p.width.twips(),
            h = p.height.twips(),
            t = p.margin_top.twips(),
            r = p.margin_right.twips(),
            b = p.margin_bottom.twips(),
            l = p.margin_left.twips(),
            hd = header_distance.twips().max(0),
            fd = footer_distance.twips().max(0),
            pitch = Length(body_style.line_pitch()).twips(),
        )
    }

    fn document_rels(&self) -> String {
        let mut s = format!(
            "{XML_HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>\
<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>"
        );
        if self.template.header.is_some() {
            s.push_str("<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>");
        }
        if self.template.footer.is_some() {
            s.push_str("<Relationship Id=\"rId6\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>");
        }
        for rel in &self.rels {
            let mode = if rel.external {
                " TargetMode=\"External\""
            } else {
                ""
            };
            let _ = write!(
                s,
                "<Relationship Id=\"{}\" Type=\"{}\" Target=\"{}\"{mode}/>",
                rel.id,
                rel.kind,
                escape(&rel.target)
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
        if self.template.header.is_some() {
            s.push_str("<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>");
        }
        if self.template.footer.is_some() {
            s.push_str("<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>");
        }
        s.push_str("</Types>");
        s
    }

    fn numbering_xml(&self) -> String {
        let list = &self.template.styles.list;
        let em = Length(list.size.pt());
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

/// Run properties of a style, in schema order.
fn rpr(style: &Style) -> String {
    let (east, latin) = font_names(style.family);
    let mut s = format!(
        "<w:rPr><w:rFonts w:ascii=\"{latin}\" w:hAnsi=\"{latin}\" w:eastAsia=\"{east}\" w:cs=\"{latin}\" w:hint=\"eastAsia\"/>"
    );
    if style.bold {
        s.push_str("<w:b/><w:bCs/>");
    }
    if style.color.hex() != "000000" {
        let _ = write!(s, "<w:color w:val=\"{}\"/>", style.color.hex());
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

/// Paragraph properties of a style, in schema order.
fn ppr(
    style: &Style,
    keep_next: bool,
    outline: Option<u8>,
    border_bottom: bool,
    exact: bool,
) -> String {
    let mut s = String::from("<w:pPr>");
    if keep_next {
        s.push_str("<w:keepNext/><w:keepLines/>");
    }
    if border_bottom {
        s.push_str("<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"4\" w:color=\"999999\"/></w:pBdr>");
    }
    let line = if exact {
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
    let em = style.size.pt();
    let side = Length(style.side_indent * em).twips();
    let first_chars = (style.first_line_indent * 100.0).round() as i64;
    let first = Length(style.first_line_indent * em).twips();
    if side != 0 || first != 0 {
        let side_chars = (style.side_indent * 100.0).round() as i64;
        let _ = write!(
            s,
            "<w:ind w:leftChars=\"{side_chars}\" w:left=\"{side}\" w:rightChars=\"{side_chars}\" w:right=\"{side}\" w:firstLineChars=\"{first_chars}\" w:firstLine=\"{first}\"/>"
        );
    }
    let _ = write!(s, "<w:jc w:val=\"{}\"/>", jc(style.align));
    if let Some(level) = outline {
        let _ = write!(s, "<w:outlineLvl w:val=\"{level}\"/>");
    }
    s.push_str("</w:pPr>");
    s
}

fn styles_xml(t: &Template, a: &Article) -> String {
    let st = &t.styles;
    let body = &st.body;
    let (east, latin) = font_names(body.family);
    let lang = a.language.word_tag();
    let mut s = format!(
        "{XML_HEAD}<w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"{latin}\" w:hAnsi=\"{latin}\" w:eastAsia=\"{east}\" w:cs=\"{latin}\"/><w:kern w:val=\"2\"/><w:sz w:val=\"{sz}\"/><w:szCs w:val=\"{sz}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"{lang}\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>",
        sz = (body.size.pt() * 2.0).round() as i64
    );
    let mut table_header = st.table.clone();
    table_header.bold = true;
    table_header.align = Align::Center;
    table_header.space_before = Length(0.0);
    table_header.space_after = Length(0.0);
    let mut table_text = st.table.clone();
    table_text.space_before = Length(0.0);
    table_text.space_after = Length(0.0);
    let mut figure = st.caption.clone();
    figure.space_before = Length(6.0);
    figure.space_after = Length(4.0);
    let mut attachment_head = st.body.clone();
    attachment_head.first_line_indent = 0.0;
    attachment_head.space_before = st.body.size;
    let mut attachment = st.body.clone();
    attachment.first_line_indent = 0.0;
    attachment.side_indent = 2.0;
    let mut qr = st.caption.clone();
    qr.space_before = Length(18.0);
    qr.space_after = Length(0.0);
    // (id, display name, style, keepNext, outline level, bottom border, exact line pitch)
    type Entry<'a> = (&'a str, &'a str, &'a Style, bool, Option<u8>, bool, bool);
    let entries: Vec<Entry> = vec![
        ("BodyText", "Body Text", body, false, None, false, true),
        ("Title", "Title", &st.title, true, None, false, true),
        (
            "Subtitle",
            "Subtitle",
            &st.subtitle,
            true,
            None,
            false,
            true,
        ),
        (
            "Breadcrumb",
            "Breadcrumb",
            &st.breadcrumb,
            true,
            None,
            true,
            true,
        ),
        ("Meta", "Article Meta", &st.meta, true, None, true, true),
        (
            "Heading1",
            "heading 1",
            &st.heading1,
            true,
            Some(0),
            false,
            true,
        ),
        (
            "Heading2",
            "heading 2",
            &st.heading2,
            true,
            Some(1),
            false,
            true,
        ),
        (
            "Heading3",
            "heading 3",
            &st.heading3,
            true,
            Some(2),
            false,
            true,
        ),
        ("Quote", "Quote", &st.quote, false, None, false, true),
        (
            "ListParagraph",
            "List Paragraph",
            &st.list,
            false,
            None,
            false,
            true,
        ),
        (
            "TableHeader",
            "Table Header",
            &table_header,
            false,
            None,
            false,
            true,
        ),
        (
            "TableText",
            "Table Text",
            &table_text,
            false,
            None,
            false,
            true,
        ),
        ("Figure", "Figure", &figure, true, None, false, false),
        ("Caption", "caption", &st.caption, false, None, false, true),
        (
            "AttachmentHead",
            "Attachment Heading",
            &attachment_head,
            true,
            None,
            false,
            true,
        ),
        (
            "Attachment",
            "Attachment",
            &attachment,
            false,
            None,
            false,
            true,
        ),
        ("QrCode", "QR Code", &qr, true, None, false, false),
        (
            "QrCaption",
            "QR Caption",
            &t.qr.caption_style,
            false,
            None,
            false,
            true,
        ),
    ];
    s.push_str("<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>");
    // Normal carries fonts and size only; indents and spacing belong to the specific styles,
    // so that table cells, figures and headers based on Normal do not inherit the body indent.
    let mut normal = body.clone();
    normal.first_line_indent = 0.0;
    normal.side_indent = 0.0;
    normal.space_before = Length(0.0);
    normal.space_after = Length(0.0);
    s.push_str(&ppr(&normal, false, None, false, false));
    s.push_str(&rpr(body));
    s.push_str("</w:style>");
    for (id, name, style, keep, outline, border, exact) in entries {
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:customStyle=\"{}\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"BodyText\"/><w:qFormat/>{}{}</w:style>",
            u8::from(!matches!(id, "Title" | "Subtitle" | "Heading1" | "Heading2" | "Heading3" | "Quote" | "ListParagraph" | "Caption" | "BodyText")),
            ppr(style, keep, outline, border, exact),
            rpr(style)
        );
    }
    for (id, name, f) in [
        ("Header", "header", &t.header),
        ("Footer", "footer", &t.footer),
    ] {
        if let Some(f) = f {
            let _ = write!(
                s,
                "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/>{}{}</w:style>",
                ppr(&f.style, false, None, f.rule && id == "Header", false),
                rpr(&f.style)
            );
        }
    }
    s.push_str("<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/><w:rPr><w:color w:val=\"0563C1\"/><w:u w:val=\"single\"/></w:rPr></w:style>");
    s.push_str("<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"444444\"/></w:tblBorders><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>");
    s.push_str("</w:styles>");
    s
}

/// Header or footer part: placeholders filled, {page} and {pages} as PAGE / NUMPAGES fields.
fn furniture_xml(tag: &str, text: &str, a: &Article) -> String {
    let text = text
        .replace("{title}", &a.title)
        .replace("{issuer}", a.issuer.as_deref().unwrap_or(""))
        .replace("{source}", a.source.as_deref().unwrap_or(""));
    let style = if tag == "hdr" { "Header" } else { "Footer" };
    let mut p = format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>");
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let next = [("{page}", "PAGE"), ("{pages}", "NUMPAGES")]
            .iter()
            .filter_map(|(ph, field)| rest.find(ph).map(|i| (i, *ph, *field)))
            .min_by_key(|(i, _, _)| *i);
        match next {
            Some((i, ph, field)) => {
                if i > 0 {
                    let _ = write!(
                        p,
                        "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                        escape(&rest[..i])
                    );
                }
                let _ = write!(
                    p,
                    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> {field} </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
                );
                rest = &rest[i + ph.len()..];
            }
            None => {
                let _ = write!(
                    p,
                    "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    escape(rest)
                );
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
    if let Some(p) = &a.published {
        let iso = p.to_iso();
        let _ = write!(
            s,
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{iso}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{iso}</dcterms:modified>"
        );
    }
    s.push_str("</cp:coreProperties>");
    s
}

fn font_table_xml() -> String {
    let mut s = format!("{XML_HEAD}<w:fonts {NS}>");
    for (name, alt, charset) in [
        ("Times New Roman", "", "00"),
        ("Arial", "", "00"),
        ("宋体", "SimSun", "86"),
        ("黑体", "SimHei", "86"),
        ("仿宋", "FangSong", "86"),
        ("楷体", "KaiTi", "86"),
    ] {
        let _ = write!(s, "<w:font w:name=\"{name}\">");
        if !alt.is_empty() {
            let _ = write!(s, "<w:altName w:val=\"{alt}\"/>");
        }
        let _ = write!(s, "<w:charset w:val=\"{charset}\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>");
    }
    s.push_str("</w:fonts>");
    s
}

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>";

const APP_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>bulletin</Application></Properties>";

/// Compress CJK punctuation like the PDF does; Word 2013+ compatibility mode.
const SETTINGS_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footer_turns_placeholders_into_fields() {
        let t = Template::load("bulletin").unwrap();
        let a = crate::record::parse_record(
            r#"{"title":"T"}"#,
            crate::record::RecordFormat::Json,
            std::path::Path::new("t.json"),
            "t",
            std::path::Path::new("."),
        )
        .unwrap();
        let xml = furniture_xml("ftr", &t.footer.as_ref().unwrap().text, &a);
        assert!(xml.contains(" PAGE ") && xml.contains(" NUMPAGES "));
        assert!(xml.contains(">第 <") && xml.contains("> 页 共 <"));
    }

    #[test]
    fn properties_follow_schema_order() {
        let t = Template::load("bulletin").unwrap();
        let p = ppr(&t.styles.quote, true, Some(1), true, true);
        let order = ["keepNext", "pBdr", "spacing", "ind", "jc", "outlineLvl"];
        let positions: Vec<usize> = order
            .iter()
            .map(|e| p.find(&format!("<w:{e}")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{p}");
        let mut bold = t.styles.title.clone();
        bold.color = crate::template::Color(1, 2, 3);
        let r = rpr(&bold);
        let order = ["rFonts", "b/", "color", "sz "];
        let positions: Vec<usize> = order
            .iter()
            .map(|e| r.find(&format!("<w:{e}")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{r}");
    }
}
