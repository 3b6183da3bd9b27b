//! SVG pictures of laid-out pages, for the web page's live preview. They are drawn from the
//! same [`Pages`] as the PDF, glyph outlines included, so the preview shows what will print
//! without the browser needing the bundled fonts or a PDF viewer.

use crate::fonts::FontBook;
use crate::layout::{Item, Page, Pages, TextRun};
use crate::render::xml::escape;
use base64::Engine as _;
use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One page as a standalone SVG document (user units are points).
pub fn page(pages: &Pages, index: usize, fonts: &FontBook) -> Option<String> {
    let page = pages.pages.get(index)?;
    let mut glyphs = GlyphDefs::default();
    let mut body = String::new();
    for item in &page.items {
        draw(&mut body, item, fonts, &mut glyphs);
    }
    let mut svg = String::with_capacity(body.len() + glyphs.defs.len() + 400);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 {w:.2} {h:.2}" width="{w:.2}pt" height="{h:.2}pt" role="img" aria-label="{label}"><rect width="100%" height="100%" fill="#fff"/><defs>{defs}</defs>{body}</svg>"##,
        w = pages.width,
        h = pages.height,
        label = escape(&page_text(page)),
        defs = glyphs.defs,
    );
    Some(svg)
}

/// The page's text in drawing order: the SVG's accessible label (and what tests read back).
fn page_text(page: &Page) -> String {
    let mut text = String::new();
    for item in &page.items {
        if let Item::Text(run) = item {
            text.push_str(&run.text);
        }
    }
    text
}

/// Outlines defined once per page and reused by every occurrence of the glyph.
#[derive(Default)]
struct GlyphDefs {
    ids: BTreeMap<(u16, u16), Option<String>>,
    defs: String,
}

impl GlyphDefs {
    /// The element id of a glyph's outline, defining it on first use; `None` for blank glyphs.
    fn id(&mut self, fonts: &FontBook, face: u16, glyph: u16) -> Option<String> {
        if let Some(id) = self.ids.get(&(face, glyph)) {
            return id.clone();
        }
        let mut path = PathData(String::new());
        let shaper = &fonts.face(crate::fonts::FaceId(face)).shaper;
        let id = shaper
            .outline_glyph(GlyphId(glyph), &mut path)
            .map(|_| format!("g{face}-{glyph}"));
        if let Some(id) = &id {
            let _ = write!(self.defs, r#"<path id="{id}" d="{}"/>"#, path.0.trim_end());
        }
        self.ids.insert((face, glyph), id.clone());
        id
    }
}

struct PathData(String);

impl OutlineBuilder for PathData {
    fn move_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "M{} {}", x.round(), y.round());
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let _ = write!(self.0, "L{} {}", x.round(), y.round());
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let _ = write!(
            self.0,
            "Q{} {} {} {}",
            x1.round(),
            y1.round(),
            x.round(),
            y.round()
        );
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let _ = write!(
            self.0,
            "C{} {} {} {} {} {}",
            x1.round(),
            y1.round(),
            x2.round(),
            y2.round(),
            x.round(),
            y.round()
        );
    }
    fn close(&mut self) {
        self.0.push('Z');
    }
}

fn draw(out: &mut String, item: &Item, fonts: &FontBook, glyphs: &mut GlyphDefs) {
    match item {
        Item::Text(run) => draw_text(out, run, fonts, glyphs),
        Item::Rule { .. } | Item::VRule { .. } => {
            if let Some(([x, y, w, h], color)) = item.rule_rect() {
                let _ = write!(
                    out,
                    r##"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="#{}"/>"##,
                    color.hex()
                );
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
            let data = base64::engine::general_purpose::STANDARD.encode(image.data.as_slice());
            let _ = write!(
                out,
                r#"<image x="{x:.2}" y="{y:.2}" width="{width:.2}" height="{height:.2}" preserveAspectRatio="none" href="data:{};base64,{data}"/>"#,
                image.kind.mime()
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
            out.push_str(r##"<path fill="#000" d=""##);
            for (row, col, len) in matrix.dark_runs() {
                let _ = write!(
                    out,
                    "M{:.2} {:.2}h{:.2}v{module:.2}h-{:.2}Z",
                    x + col as f32 * module,
                    y + row as f32 * module,
                    len as f32 * module,
                    len as f32 * module,
                );
            }
            out.push_str(r#""/>"#);
        }
    }
}

fn draw_text(out: &mut String, run: &TextRun, fonts: &FontBook, glyphs: &mut GlyphDefs) {
    if run.glyphs.is_empty() {
        return;
    }
    let face = fonts.face(run.face);
    // Glyphs are placed in font units inside a group scaled to the run's size.
    let scale = run.size / face.units_per_em;
    let stroke = if run.synthetic_bold {
        format!(
            r#" stroke="currentColor" stroke-width="{:.0}""#,
            0.03 * face.units_per_em
        )
    } else {
        String::new()
    };
    let _ = write!(
        out,
        r##"<g color="#{c}" fill="#{c}"{stroke} transform="translate({:.2} {:.2}) scale({scale:.6} -{scale:.6})">"##,
        run.x,
        run.y,
        c = run.color.hex(),
    );
    let mut pen = 0.0f32;
    for glyph in &run.glyphs {
        if let Some(id) = glyphs.id(fonts, run.face.0, glyph.id) {
            let x = (pen + glyph.x_offset) / scale;
            let y = glyph.y_offset / scale;
            if y.abs() < 0.5 {
                let _ = write!(out, r##"<use href="#{id}" x="{x:.0}"/>"##);
            } else {
                let _ = write!(out, r##"<use href="#{id}" x="{x:.0}" y="{y:.0}"/>"##);
            }
        }
        pen += glyph.x_advance;
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use crate::fonts::FontBook;
    use crate::record::{parse_record, RecordFormat};
    use crate::template::Template;
    use std::path::Path;

    #[test]
    fn pages_draw_every_glyph_from_defined_outlines() {
        let fonts = FontBook::discover(None).expect("bundled fonts");
        let article = parse_record(
            r#"{"title":"预览标题","url":"https://example.gov.cn/a.html","body":[{"type":"paragraph","text":"正文第一段，含 English 文字。"}]}"#,
            RecordFormat::Json,
            Path::new("r.json"),
            "r",
            Path::new("."),
        )
        .expect("valid record");
        let template = Template::load("bulletin").expect("builtin");
        let qr = crate::qr::QrMatrix::for_url(article.url.as_deref()).expect("qr");
        let laid_out =
            crate::layout::layout(&article, &template, &fonts, qr.as_ref()).expect("layout");
        let svg = super::page(&laid_out, 0, &fonts).expect("first page");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("预览标题") && svg.contains("正文第一段"));
        // Every <use> points at a <path> defined in the same document.
        for reference in svg.split(r##"href="#"##).skip(1) {
            let id = &reference[..reference.find('"').expect("closing quote")];
            assert!(
                svg.contains(&format!(r#"<path id="{id}""#)),
                "{id} undefined"
            );
        }
        assert!(svg.matches("<use ").count() > 20);
        assert!(super::page(&laid_out, laid_out.pages.len(), &fonts).is_none());
    }
}
