//! PDF output with krilla: fonts subset and embedded with a ToUnicode map (krilla does both),
//! vector QR codes with a link annotation, metadata from the record, never the clock.

use crate::fonts::FontBook;
use crate::layout::{Item, Pages, PlacedGlyph, TextRun};
use crate::record::{Article, ImageKind};
use crate::template::Color;
use krilla::action::LinkAction;
use krilla::annotation::{LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{ContentTag, SpanTag};
use krilla::text::{Glyph, GlyphId};
use krilla::{Document, SerializeSettings};
use std::ops::Range;

/// A laid-out glyph (points at `run_size`) seen as krilla wants it: scaled by any size.
struct PdfGlyph<'a> {
    glyph: &'a PlacedGlyph,
    run_size: f32,
}

impl Glyph for PdfGlyph<'_> {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(self.glyph.id as u32)
    }
    fn text_range(&self) -> Range<usize> {
        self.glyph.text_range.clone()
    }
    fn x_advance(&self, size: f32) -> f32 {
        self.glyph.x_advance / self.run_size * size
    }
    fn x_offset(&self, size: f32) -> f32 {
        self.glyph.x_offset / self.run_size * size
    }
    fn y_offset(&self, size: f32) -> f32 {
        self.glyph.y_offset / self.run_size * size
    }
    fn y_advance(&self, _size: f32) -> f32 {
        0.0
    }
    fn location(&self) -> Option<krilla::surface::Location> {
        None
    }
}

/// Writes the PDF; `pdfa` asks for PDF/A-2b, and any violation krilla's validator finds is an
/// error, never a silently non-conforming file.
pub fn render(
    article: &Article,
    pages: &Pages,
    fonts: &FontBook,
    pdfa: bool,
) -> Result<Vec<u8>, String> {
    let mut settings = SerializeSettings::default();
    if pdfa {
        settings.configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_B)
            .finish()
            .map_err(|e| format!("PDF/A configuration: {e:?}"))?;
    }
    let mut document = Document::new_with(settings);
    document.set_metadata(metadata(article));
    document.set_outline(outline(pages));
    for page in &pages.pages {
        let settings = PageSettings::from_wh(pages.width, pages.height)
            .ok_or_else(|| "invalid page size".to_owned())?;
        let mut pdf_page = document.start_page_with(settings);
        let mut links = Vec::new();
        {
            let mut surface = pdf_page.surface();
            for item in &page.items {
                draw(&mut surface, item, fonts, &mut links)?;
            }
            surface.finish();
        }
        for (rect, url) in links {
            pdf_page.add_annotation(
                LinkAnnotation::new(rect, Target::Action(LinkAction::new(url).into())).into(),
            );
        }
        pdf_page.finish();
    }
    document.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(errors) => {
            let list: Vec<String> = errors.iter().map(|(e, _)| format!("{e:?}")).collect();
            format!("the PDF would not conform to PDF/A-2b: {}", list.join("; "))
        }
        other => format!("PDF writer failed: {other:?}"),
    })
}

/// Bookmarks from the headings: level 1 at the top, deeper levels under the last shallower one.
fn outline(pages: &Pages) -> Outline {
    // Open nodes by level; a heading closes the open nodes at its level and below.
    fn close(open: &mut Vec<(u8, OutlineNode)>, outline: &mut Outline, down_to: u8) {
        while open.last().is_some_and(|(l, _)| *l >= down_to) {
            if let Some((_, node)) = open.pop() {
                match open.last_mut() {
                    Some((_, parent)) => parent.push_child(node),
                    None => outline.push_child(node),
                }
            }
        }
    }
    let mut outline = Outline::new();
    let mut open: Vec<(u8, OutlineNode)> = Vec::new();
    for e in &pages.outline {
        close(&mut open, &mut outline, e.level);
        let dest = XyzDestination::new(e.page, Point::from_xy(e.x, e.y));
        open.push((e.level, OutlineNode::new(e.text.clone(), dest)));
    }
    close(&mut open, &mut outline, 0);
    outline
}

fn metadata(a: &Article) -> Metadata {
    let mut m = Metadata::new()
        .title(a.title.clone())
        .language(a.language.tag().to_owned())
        .creator("bulletin".to_owned())
        .producer(format!("bulletin {}", env!("CARGO_PKG_VERSION")));
    if let Some(author) = a
        .source
        .as_ref()
        .or(a.author.as_ref())
        .or(a.issuer.as_ref())
    {
        m = m.authors(vec![author.clone()]);
    }
    if let Some(subtitle) = &a.subtitle {
        m = m.description(subtitle.clone());
    }
    if let Some(p) = &a.published {
        let mut dt = DateTime::new(p.year).month(p.month).day(p.day);
        if let Some((h, min, s)) = p.time {
            dt = dt.hour(h).minute(min).second(s.min(59));
        }
        if let Some(off) = p.utc_offset_minutes {
            let hours = (off / 60) as i8;
            dt = dt
                .utc_offset_hour(hours)
                .utc_offset_minute((off.unsigned_abs() % 60) as u8);
        }
        m = m.creation_date(dt);
    }
    m
}

fn fill(color: Color) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(Rect::from_xywh(x, y, w, h)?);
    pb.finish()
}

fn draw(
    surface: &mut Surface,
    item: &Item,
    fonts: &FontBook,
    links: &mut Vec<(Rect, String)>,
) -> Result<(), String> {
    match item {
        Item::Text(run) => draw_text(surface, run, fonts),
        Item::Rule {
            x1,
            x2,
            y,
            thickness,
            color,
        } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color)));
            if let Some(p) = rect_path(*x1, y - thickness / 2.0, x2 - x1, *thickness) {
                surface.draw_path(&p);
            }
        }
        Item::VRule {
            x,
            y1,
            y2,
            thickness,
            color,
        } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color)));
            if let Some(p) = rect_path(x - thickness / 2.0, *y1, *thickness, y2 - y1) {
                surface.draw_path(&p);
            }
        }
        Item::Image {
            x,
            y,
            width,
            height,
            image,
        } => {
            let data = krilla::Data::from(image.data.clone());
            let img = match image.kind {
                ImageKind::Png => Image::from_png(data, false),
                ImageKind::Jpeg => Image::from_jpeg(data, false),
            }
            .map_err(|e| format!("cannot embed image {}: {e}", image.path.display()))?;
            let size = Size::from_wh(*width, *height).ok_or("image has no size")?;
            surface.push_transform(&Transform::from_translate(*x, *y));
            surface.draw_image(img, size);
            surface.pop();
        }
        Item::Qr {
            x,
            y,
            module,
            matrix,
            url,
        } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(Color(0, 0, 0))));
            let mut pb = PathBuilder::new();
            for (row, col, len) in matrix.dark_runs() {
                if let Some(r) = Rect::from_xywh(
                    x + col as f32 * module,
                    y + row as f32 * module,
                    len as f32 * module,
                    *module,
                ) {
                    pb.push_rect(r);
                }
            }
            if let Some(path) = pb.finish() {
                surface.draw_path(&path);
            }
            let side = matrix.width() as f32 * module;
            if let Some(r) = Rect::from_xywh(*x, *y, side, side) {
                links.push((r, url.clone()));
            }
        }
    }
    Ok(())
}

fn draw_text(surface: &mut Surface, run: &TextRun, fonts: &FontBook) {
    if run.glyphs.is_empty() {
        return;
    }
    surface.set_fill(Some(fill(run.color)));
    if run.synthetic_bold {
        // No bold face for this role: stroke the outline to embolden, as Word does.
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(run.color.0, run.color.1, run.color.2).into(),
            width: run.size * 0.03,
            ..Default::default()
        }));
    } else {
        surface.set_stroke(None);
    }
    let glyphs: Vec<PdfGlyph> = run
        .glyphs
        .iter()
        .map(|glyph| PdfGlyph {
            glyph,
            run_size: run.size,
        })
        .collect();
    let face = fonts.face(run.face);
    // ActualText keeps copy-paste and extraction exact: the space the layout adds (CJK-Latin
    // spacing, justification) would otherwise come back as spaces that are not in the text.
    let tag = SpanTag {
        actual_text: Some(&run.text),
        ..SpanTag::empty()
    };
    surface.start_tagged(ContentTag::Span(tag));
    surface.draw_glyphs(
        Point::from_xy(run.x, run.y),
        &glyphs,
        face.pdf.clone(),
        &run.text,
        run.size,
        false,
    );
    surface.end_tagged();
    surface.set_stroke(None);
}
