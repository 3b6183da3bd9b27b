//! OFD (GB/T 33190-2016), the Chinese fixed-layout format of e-government archives, from the
//! same page layout as the PDF: `OFD.xml`, `Doc_0/Document.xml` (pages, outline),
//! `PublicRes.xml` with the subset fonts, `DocumentRes.xml` with the images, and one
//! `Pages/Page_N/Content.xml` per page holding text objects (every character placed), rules
//! and the QR code as path objects, and image objects. Units are millimetres.

use crate::fonts::{subset::subset, FaceId, FontBook};
use crate::layout::{Item, Pages, TextRun};
use crate::record::{Article, ImageKind};
use crate::render::xml::escape;
use crate::template::Color;
use rustybuzz::ttf_parser;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

const NS: &str = "http://www.ofdspec.org/2016";
const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

fn mm(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

/// A number in millimetres as OFD writes it: at most three decimals, no trailing zeros.
fn num(v: f32) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

fn rgb(c: Color) -> String {
    format!("{} {} {}", c.0, c.1, c.2)
}

/// Hands out the document's object ids (ST_ID, unique in the document).
struct Ids(u32);

impl Ids {
    fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

/// Writes the OFD package.
pub fn render(article: &Article, pages: &Pages, fonts: &FontBook) -> Result<Vec<u8>, String> {
    let mut ids = Ids(0);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();

    // Fonts: each face used, subset to the characters it sets.
    let mut chars: BTreeMap<FaceId, BTreeSet<char>> = BTreeMap::new();
    for page in &pages.pages {
        for item in &page.items {
            if let Item::Text(run) = item {
                chars.entry(run.face).or_default().extend(run.text.chars());
            }
        }
    }
    let mut font_ids: BTreeMap<FaceId, u32> = BTreeMap::new();
    let mut public_res =
        format!("{XML_HEAD}<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"><ofd:Fonts>");
    for (face_id, set) in &chars {
        let face = fonts.face(*face_id);
        let list: Vec<char> = set.iter().copied().collect();
        let sub = subset(face, &list).map_err(|e| format!("{}: {e}", face.file))?;
        let id = ids.next();
        let (family, full) = names(&face.shaper);
        let bold = face.shaper.is_bold();
        let file = format!("font_{id}.ttf");
        let _ = write!(
            public_res,
            "<ofd:Font ID=\"{id}\" FontName=\"{}\" FamilyName=\"{}\"{}{}><ofd:FontFile>{file}</ofd:FontFile></ofd:Font>",
            escape(&full),
            escape(&family),
            if bold { " Bold=\"true\"" } else { "" },
            if family.contains("Hei") { "" } else { " Serif=\"true\"" },
        );
        files.push((format!("Doc_0/Res/{file}"), sub.data));
        font_ids.insert(*face_id, id);
    }
    public_res.push_str("</ofd:Fonts></ofd:Res>");

    // Images, each stored once.
    let mut media: Vec<(u32, std::sync::Arc<crate::record::ImageBlock>)> = Vec::new();
    let mut page_ids = Vec::new();
    let mut contents = Vec::new();
    for page in &pages.pages {
        let page_id = ids.next();
        page_ids.push(page_id);
        let mut content = format!(
            "{XML_HEAD}<ofd:Page xmlns:ofd=\"{NS}\"><ofd:Content><ofd:Layer ID=\"{}\">",
            ids.next()
        );
        for item in &page.items {
            match item {
                Item::Text(run) => text_object(&mut content, run, font_ids[&run.face], &mut ids),
                Item::Rule { .. } | Item::VRule { .. } => {
                    if let Some((rect, color)) = item.rule_rect() {
                        rect_object(&mut content, &mut ids, rect, color);
                    }
                }
                Item::Image {
                    x,
                    y,
                    width,
                    height,
                    image,
                    ..
                } => {
                    let resource =
                        match media.iter().find(|(_, m)| std::sync::Arc::ptr_eq(m, image)) {
                            Some((id, _)) => *id,
                            None => {
                                let id = ids.next();
                                media.push((id, image.clone()));
                                id
                            }
                        };
                    let (w, h) = (num(mm(*width)), num(mm(*height)));
                    let _ = write!(
                        content,
                        "<ofd:ImageObject ID=\"{}\" Boundary=\"{} {} {w} {h}\" CTM=\"{w} 0 0 {h} 0 0\" ResourceID=\"{resource}\"/>",
                        ids.next(),
                        num(mm(*x)),
                        num(mm(*y)),
                    );
                }
                Item::Link { .. } => {}
                Item::Qr {
                    x,
                    y,
                    module,
                    matrix,
                    ..
                } => {
                    // Each run of dark modules is a line one module thick along the row's
                    // centre: the same squares as filled rectangles, and drawn right by
                    // readers that only stroke paths.
                    let side = matrix.width() as f32 * module;
                    let mut path = String::new();
                    for (row, col, len) in matrix.dark_runs() {
                        let y = (row as f32 + 0.5) * module;
                        let _ = write!(
                            path,
                            "M {} {} L {} {} ",
                            num(mm(col as f32 * module)),
                            num(mm(y)),
                            num(mm((col + len) as f32 * module)),
                            num(mm(y)),
                        );
                    }
                    let _ = write!(
                        content,
                        "<ofd:PathObject ID=\"{}\" Boundary=\"{} {} {s} {s}\" LineWidth=\"{}\"><ofd:StrokeColor Value=\"0 0 0\"/><ofd:FillColor Value=\"0 0 0\"/><ofd:AbbreviatedData>{}</ofd:AbbreviatedData></ofd:PathObject>",
                        ids.next(),
                        num(mm(*x)),
                        num(mm(*y)),
                        num(mm(*module)),
                        path.trim_end(),
                        s = num(mm(side)),
                    );
                }
            }
        }
        content.push_str("</ofd:Layer></ofd:Content></ofd:Page>");
        contents.push(content);
    }

    let mut document_res =
        format!("{XML_HEAD}<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"><ofd:MultiMedias>");
    for (id, image) in &media {
        let (format, extension) = match image.kind {
            ImageKind::Png => ("PNG", "png"),
            ImageKind::Jpeg => ("JPEG", "jpg"),
        };
        let file = format!("image_{id}.{extension}");
        let _ = write!(
            document_res,
            "<ofd:MultiMedia ID=\"{id}\" Type=\"Image\" Format=\"{format}\"><ofd:MediaFile>{file}</ofd:MediaFile></ofd:MultiMedia>"
        );
        files.push((format!("Doc_0/Res/{file}"), image.data.as_ref().clone()));
    }
    document_res.push_str("</ofd:MultiMedias></ofd:Res>");

    let mut document = format!(
        "{XML_HEAD}<ofd:Document xmlns:ofd=\"{NS}\"><ofd:CommonData><ofd:MaxUnitID>{}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData><ofd:Pages>",
        ids.0,
        num(mm(pages.width)),
        num(mm(pages.height)),
    );
    for (i, id) in page_ids.iter().enumerate() {
        let _ = write!(
            document,
            "<ofd:Page ID=\"{id}\" BaseLoc=\"Pages/Page_{i}/Content.xml\"/>"
        );
    }
    document.push_str("</ofd:Pages>");
    outlines(&mut document, pages, &page_ids);
    document.push_str("</ofd:Document>");

    let mut parts = vec![
        (
            "OFD.xml".to_owned(),
            ofd_xml(article, &contents).into_bytes(),
        ),
        ("Doc_0/Document.xml".to_owned(), document.into_bytes()),
        ("Doc_0/PublicRes.xml".to_owned(), public_res.into_bytes()),
        (
            "Doc_0/DocumentRes.xml".to_owned(),
            document_res.into_bytes(),
        ),
    ];
    for (i, content) in contents.into_iter().enumerate() {
        parts.push((
            format!("Doc_0/Pages/Page_{i}/Content.xml"),
            content.into_bytes(),
        ));
    }
    parts.extend(files);
    crate::output::zip_archive(parts, |name| {
        name.ends_with(".png") || name.ends_with(".jpg")
    })
}

/// A face's family name and full name, from its `name` table.
fn names(face: &ttf_parser::Face) -> (String, String) {
    let find = |id: u16| {
        face.names()
            .into_iter()
            .filter(|n| n.name_id == id && n.is_unicode())
            .find_map(|n| n.to_string())
    };
    let family = find(ttf_parser::name_id::FAMILY).unwrap_or_default();
    let full = find(ttf_parser::name_id::FULL_NAME).unwrap_or_else(|| family.clone());
    (family, full)
}

/// The document information; its id is derived from the content, so output is deterministic.
fn ofd_xml(article: &Article, contents: &[String]) -> String {
    let mut hash = Sha256::new();
    for c in contents {
        hash.update(c.as_bytes());
    }
    let id: String = hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut info = format!(
        "<ofd:DocID>{id}</ofd:DocID><ofd:Title>{}</ofd:Title>",
        escape(&article.title)
    );
    if let Some(author) = article.issuer.as_deref().or(article.source.as_deref()) {
        let _ = write!(info, "<ofd:Author>{}</ofd:Author>", escape(author));
    }
    if let Some(date) = super::document_date(article) {
        let _ = write!(
            info,
            "<ofd:CreationDate>{}</ofd:CreationDate>",
            &date.to_iso()[..10]
        );
    }
    let _ = write!(
        info,
        "<ofd:Creator>bulletin</ofd:Creator><ofd:CreatorVersion>{}</ofd:CreatorVersion>",
        env!("CARGO_PKG_VERSION")
    );
    format!(
        "{XML_HEAD}<ofd:OFD xmlns:ofd=\"{NS}\" Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo>{info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
}

/// One text object per run: its characters and the distance from each to the next (DeltaX),
/// so the reader places every character where the layout put it.
fn text_object(out: &mut String, run: &TextRun, font: u32, ids: &mut Ids) {
    if run.glyphs.is_empty() {
        return;
    }
    // Each character starts at its glyph's pen position; characters sharing a glyph (a
    // ligature) share its position.
    let mut positions: Vec<(char, f32)> = Vec::new();
    let mut pen = 0.0f32;
    let mut done = 0usize;
    for glyph in &run.glyphs {
        if glyph.text_range.is_empty() {
            // The hyphen of a word broken at the line's end (OFD draws characters).
            positions.push(('-', pen + glyph.x_offset));
        } else if glyph.text_range.start >= done {
            if let Some(text) = run.text.get(glyph.text_range.clone()) {
                for c in text.chars() {
                    positions.push((c, pen + glyph.x_offset));
                }
            }
            done = glyph.text_range.end;
        }
        pen += glyph.x_advance;
    }
    if positions.is_empty() {
        return;
    }
    let text: String = positions.iter().map(|(c, _)| *c).collect();
    let deltas: Vec<String> = positions
        .windows(2)
        .map(|w| num(mm(w[1].1 - w[0].1)))
        .collect();
    let size = mm(run.size);
    let x = mm(run.x + positions[0].1);
    let top = mm(run.y) - size;
    let width = mm(pen - positions[0].1).max(size);
    // No bold face for this role: stroke the outline too, as the PDF does.
    let (stroke_attributes, stroke_color) = if run.synthetic_bold {
        (
            format!(" Stroke=\"true\" LineWidth=\"{}\"", num(size * 0.03)),
            format!("<ofd:StrokeColor Value=\"{}\"/>", rgb(run.color)),
        )
    } else {
        (String::new(), String::new())
    };
    let delta_x = if deltas.is_empty() {
        String::new()
    } else {
        format!(" DeltaX=\"{}\"", deltas.join(" "))
    };
    let _ = write!(
        out,
        "<ofd:TextObject ID=\"{}\" Boundary=\"{} {} {} {}\" Font=\"{font}\" Size=\"{}\"{stroke_attributes}><ofd:FillColor Value=\"{}\"/>{stroke_color}<ofd:TextCode X=\"0\" Y=\"{}\"{delta_x}>{}</ofd:TextCode></ofd:TextObject>",
        ids.next(),
        num(x),
        num(top),
        num(width),
        num(size * 1.4),
        num(size),
        rgb(run.color),
        num(size),
        escape(&text),
    );
}

/// A rule: a line as thick as the rule along its centre, like the QR's modules. The fill colour
/// repeats the stroke colour for readers that take a path's colour from it (Fill stays off).
fn rect_object(out: &mut String, ids: &mut Ids, [x, y, w, h]: [f32; 4], color: Color) {
    let (path, width) = if w >= h {
        (
            format!("M 0 {c} L {} {c}", num(mm(w)), c = num(mm(h / 2.0))),
            h,
        )
    } else {
        (
            format!("M {c} 0 L {c} {}", num(mm(h)), c = num(mm(w / 2.0))),
            w,
        )
    };
    let _ = write!(
        out,
        "<ofd:PathObject ID=\"{}\" Boundary=\"{} {} {} {}\" LineWidth=\"{}\"><ofd:StrokeColor Value=\"{color}\"/><ofd:FillColor Value=\"{color}\"/><ofd:AbbreviatedData>{path}</ofd:AbbreviatedData></ofd:PathObject>",
        ids.next(),
        num(mm(x)),
        num(mm(y)),
        num(mm(w)),
        num(mm(h)),
        num(mm(width)),
        color = rgb(color),
    );
}

/// The headings as the document's outline, nested by level, each going to its place.
fn outlines(out: &mut String, pages: &Pages, page_ids: &[u32]) {
    if pages.outline.is_empty() {
        return;
    }
    out.push_str("<ofd:Outlines>");
    let mut open: Vec<u8> = Vec::new();
    for entry in &pages.outline {
        while open.last().is_some_and(|l| *l >= entry.level) {
            out.push_str("</ofd:OutlineElem>");
            open.pop();
        }
        let _ = write!(
            out,
            "<ofd:OutlineElem Title=\"{}\"><ofd:Actions><ofd:Action Event=\"CLICK\"><ofd:Goto><ofd:Dest Type=\"XYZ\" PageID=\"{}\" Left=\"{}\" Top=\"{}\"/></ofd:Goto></ofd:Action></ofd:Actions>",
            escape(&entry.text),
            page_ids.get(entry.page).copied().unwrap_or(0),
            num(mm(entry.x)),
            num(mm(entry.y)),
        );
        open.push(entry.level);
    }
    for _ in open {
        out.push_str("</ofd:OutlineElem>");
    }
    out.push_str("</ofd:Outlines>");
}
