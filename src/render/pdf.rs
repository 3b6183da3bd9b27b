//! PDF output with krilla: each face embedded as a TrueType subset of the document's glyphs
//! (made by `fonts::subset`, re-subset and given a ToUnicode map by krilla), vector QR codes
//! with a link annotation, metadata from the record, never the clock.

use crate::fonts::subset::subset_glyphs;
use crate::fonts::{FaceId, FontBook};
use crate::layout::Role;
use crate::layout::{Item, Pages, PlacedGlyph, TextRun};
use crate::record::{Article, ImageKind};
use crate::template::Color;
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::configure::Accessibility;
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
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagTree,
};
use krilla::text::{Glyph, GlyphId};
use krilla::{Document, SerializeSettings};
use std::collections::{BTreeMap, HashMap};
use std::num::{NonZeroU16, NonZeroU32};
use std::ops::Range;

/// A laid-out glyph (points at `run_size`) seen as krilla wants it: scaled by any size, and
/// by its id in the document's subset of the face. `text_range` is the glyph's own cluster,
/// or the whole run's text when the run is drawn as one cluster (see `draw_text`).
#[derive(Clone)]
struct PdfGlyph<'a> {
    glyph: &'a PlacedGlyph,
    run_size: f32,
    id: u16,
    text_range: Range<usize>,
}

impl Glyph for PdfGlyph<'_> {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(self.id as u32)
    }
    fn text_range(&self) -> Range<usize> {
        self.text_range.clone()
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

/// PDF/A's refusal of characters no bundled font has (ISO 19005-2 6.2.11.4: every glyph
/// shown comes from an embedded font), naming them.
pub fn pdfa_missing_chars(missing: &[char]) -> String {
    format!(
        "PDF/A allows no character without a font, and no bundled font has these: {}; \
         remove them or convert without --pdfa",
        crate::char_list(missing)
    )
}

/// PDF/A's refusal of an undated document (its metadata needs a creation date, ISO 19005-2
/// 6.6.2), in the record's terms; `None` when the record has a date
/// ([`super::document_date`]).
pub fn pdfa_undated(article: &Article) -> Option<String> {
    super::document_date(article).is_none().then(|| {
        "PDF/A needs a document date: give the record `published` (or, for an official \
         document, `signature.date` or `printed_date`)"
            .to_owned()
    })
}

/// Writes the PDF. `pdfa` asks for PDF/A (2b, or 2a when tagged); `tagged` writes the
/// structure tree and checks PDF/UA-1. Any violation krilla's validators find is an error,
/// never a silently non-conforming file.
pub fn render(
    article: &Article,
    pages: &Pages,
    fonts: &FontBook,
    pdfa: bool,
    tagged: bool,
) -> Result<Vec<u8>, String> {
    if pdfa {
        // PDF/A allows neither empty boxes nor an undated document: say so in the record's
        // terms before krilla's validator does in its own.
        if !pages.missing_chars.is_empty() {
            return Err(pdfa_missing_chars(&pages.missing_chars));
        }
        if let Some(message) = pdfa_undated(article) {
            return Err(message);
        }
    }
    let mut settings = SerializeSettings::default();
    if pdfa || tagged {
        let mut builder = ConfigurationBuilder::new();
        if pdfa {
            builder = builder.with_archival_validator(if tagged {
                Archival::A2_A
            } else {
                Archival::A2_B
            });
        }
        if tagged {
            builder = builder.with_accessibility_validator(Accessibility::UA1);
        }
        settings.configuration = builder
            .finish()
            .map_err(|e| format!("PDF configuration: {e:?}"))?;
    }
    let mut tagger = Tagger {
        tagged,
        ids: vec![Vec::new(); pages.roles.len()],
        links: Vec::new(),
        page_height: pages.height,
    };
    let fonts = DocumentFonts::new(pages, fonts)?;
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
                draw(&mut surface, item, &fonts, &mut links, &mut tagger)?;
            }
            surface.finish();
        }
        for (rect, url, tag) in links {
            let link =
                LinkAnnotation::new(rect, Target::Action(LinkAction::new(url.clone()).into()));
            let annotation = Annotation::new_link(link, Some(url));
            match tag {
                Some(role) if tagged => {
                    let id = pdf_page.add_tagged_annotation(annotation);
                    tagger.links.push((role, id));
                }
                _ => pdf_page.add_annotation(annotation),
            }
        }
        pdf_page.finish();
    }
    if tagged {
        document.set_tag_tree(tagger.tree(&pages.roles));
    }
    document.finish().map_err(|e| match e {
        krilla::error::KrillaError::Validation(errors) => {
            let list: Vec<String> = errors.iter().map(|(e, _)| format!("{e:?}")).collect();
            format!(
                "the PDF would not conform to the standard asked for: {}",
                list.join("; ")
            )
        }
        other => format!("PDF writer failed: {other:?}"),
    })
}

/// The faces this document uses, each as a TrueType subset of its glyphs, made from glyphs the
/// process converted once (krilla then subsets a small TrueType font instead of a whole CFF
/// one: most of the PDF's writing time went to that). Glyph ids are remapped accordingly.
struct DocumentFonts(BTreeMap<FaceId, (krilla::text::Font, HashMap<u16, u16>)>);

impl DocumentFonts {
    fn new(pages: &Pages, fonts: &FontBook) -> Result<DocumentFonts, String> {
        let mut map = BTreeMap::new();
        for (id, glyphs) in pages.glyphs_by_face() {
            let face = fonts.face(id);
            let (data, new_ids) = subset_glyphs(face, glyphs.into_keys())
                .map_err(|e| format!("{}: {e}", face.file))?;
            let font = krilla::text::Font::new(krilla::Data::from(data), 0)
                .ok_or_else(|| format!("{}: the PDF writer cannot read the subset", face.file))?;
            map.insert(id, (font, new_ids));
        }
        Ok(DocumentFonts(map))
    }
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
    if let Some(author) = super::pdf_author(a) {
        m = m.authors(vec![author.clone()]);
    }
    if let Some(subtitle) = &a.subtitle {
        m = m.description(subtitle.clone());
    }
    // krilla writes this date into the Info dictionary (ISO 32000-1, 7.9.4) and the XMP
    // packet (xmp:CreateDate, xmp:ModifyDate; ISO 16684-1): always with the record's offset,
    // +08:00 for a time without a zone (`Timestamp::offset_minutes`); without an offset krilla
    // would write UTC.
    if let Some(p) = super::document_date(a) {
        let (h, min, s) = p.clock();
        let off = p.offset_minutes();
        let dt = DateTime::new(p.year)
            .month(p.month)
            .day(p.day)
            .hour(h)
            .minute(min)
            .second(s)
            .utc_offset_hour((off / 60) as i8)
            .utc_offset_minute((off.unsigned_abs() % 60) as u8);
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

/// Marks content for the structure tree: tagged content gets an identifier collected under its
/// role; page furniture and decoration become artifacts.
struct Tagger {
    tagged: bool,
    ids: Vec<Vec<Identifier>>,
    /// Link annotations and the role (figure) they belong to.
    links: Vec<(usize, Identifier)>,
    page_height: f32,
}

impl Tagger {
    fn start(
        &mut self,
        surface: &mut Surface,
        tag: Option<usize>,
        content: ContentTag,
        artifact: ArtifactType,
    ) {
        match tag {
            Some(i) if self.tagged => {
                let id = surface.start_tagged(content);
                if let Some(ids) = self.ids.get_mut(i) {
                    ids.push(id);
                }
            }
            _ if self.tagged => {
                surface.start_tagged(ContentTag::Artifact(Artifact::new(artifact, None)));
            }
            _ => {
                surface.start_tagged(content);
            }
        }
    }

    /// The tree in reading order: lists and tables grouped, empty elements dropped.
    /// The link annotations of role `i` (the QR's, an attachment's), each in a Link element.
    fn push_links(&self, i: usize, group: &mut TagGroup) {
        for (_, annotation) in self.links.iter().filter(|(r, _)| *r == i) {
            let mut link = TagGroup::new(Tag::Link);
            link.push(*annotation);
            group.push(link);
        }
    }

    fn tree(&mut self, roles: &[Role]) -> TagTree {
        let mut tree = TagTree::new();
        let mut i = 0;
        let leaf = |ids: &mut Vec<Identifier>, group: &mut TagGroup| {
            for id in ids.drain(..) {
                group.push(id);
            }
        };
        while i < roles.len() {
            match &roles[i] {
                Role::ListLabel { list, .. } | Role::ListBody { list, .. } => {
                    let list = *list;
                    let mut l = TagGroup::new(Tag::L(ListNumbering::None));
                    let mut item: Option<(usize, TagGroup)> = None;
                    while let Some(
                        Role::ListLabel { list: li, item: n }
                        | Role::ListBody { list: li, item: n },
                    ) = roles.get(i)
                    {
                        if *li != list {
                            break;
                        }
                        if item.as_ref().is_none_or(|(k, _)| k != n) {
                            if let Some((_, done)) = item.take() {
                                l.push(done);
                            }
                            item = Some((*n, TagGroup::new(Tag::LI)));
                        }
                        let mut part = if matches!(roles[i], Role::ListLabel { .. }) {
                            TagGroup::new(Tag::Lbl)
                        } else {
                            TagGroup::new(Tag::LBody)
                        };
                        leaf(&mut self.ids[i], &mut part);
                        self.push_links(i, &mut part);
                        if let Some((_, li_group)) = item.as_mut() {
                            li_group.push(part);
                        }
                        i += 1;
                    }
                    if let Some((_, done)) = item.take() {
                        l.push(done);
                    }
                    tree.push(l);
                }
                Role::Cell { table, .. } => {
                    let table = *table;
                    let mut t = TagGroup::new(Tag::Table);
                    let mut row: Option<(usize, TagGroup)> = None;
                    while let Some(Role::Cell {
                        table: ti,
                        row: r,
                        header,
                        rowspan,
                        colspan,
                    }) = roles.get(i)
                    {
                        if *ti != table {
                            break;
                        }
                        if row.as_ref().is_none_or(|(k, _)| k != r) {
                            if let Some((_, done)) = row.take() {
                                t.push(done);
                            }
                            row = Some((*r, TagGroup::new(Tag::TR)));
                        }
                        // Spans as the RowSpan and ColSpan attributes (ISO 32000-1, 14.8.5.7).
                        let span = |n: usize| {
                            (n > 1)
                                .then(|| u32::try_from(n).ok().and_then(NonZeroU32::new))
                                .flatten()
                        };
                        let mut cell = if *header {
                            TagGroup::new(
                                Tag::TH(TableHeaderScope::Column)
                                    .with_row_span(span(*rowspan))
                                    .with_col_span(span(*colspan)),
                            )
                        } else {
                            TagGroup::new(
                                Tag::TD
                                    .with_row_span(span(*rowspan))
                                    .with_col_span(span(*colspan)),
                            )
                        };
                        leaf(&mut self.ids[i], &mut cell);
                        if let Some((_, tr)) = row.as_mut() {
                            tr.push(cell);
                        }
                        i += 1;
                    }
                    if let Some((_, done)) = row.take() {
                        t.push(done);
                    }
                    tree.push(t);
                }
                role => {
                    if !self.ids[i].is_empty() {
                        let mut group = match role {
                            Role::Title => TagGroup::new(Tag::Title),
                            Role::Heading { level, text } => TagGroup::new(Tag::Hn(
                                NonZeroU16::new(u16::from(*level)).unwrap_or(NonZeroU16::MIN),
                                Some(text.clone()),
                            )),
                            Role::Quote => TagGroup::new(Tag::BlockQuote),
                            Role::Caption => TagGroup::new(Tag::Caption),
                            Role::Figure { alt } => TagGroup::new(Tag::Figure(Some(alt.clone()))),
                            _ => TagGroup::new(Tag::P),
                        };
                        leaf(&mut self.ids[i], &mut group);
                        self.push_links(i, &mut group);
                        tree.push(group);
                    }
                    i += 1;
                }
            }
        }
        tree
    }
}

fn draw(
    surface: &mut Surface,
    item: &Item,
    fonts: &DocumentFonts,
    links: &mut Vec<(Rect, String, Option<usize>)>,
    tagger: &mut Tagger,
) -> Result<(), String> {
    let decoration = |surface: &mut Surface, tagger: &mut Tagger| {
        if tagger.tagged {
            surface.start_tagged(ContentTag::Artifact(Artifact::new(
                ArtifactType::Layout,
                None,
            )));
        }
    };
    let end = |surface: &mut Surface, tagger: &Tagger| {
        if tagger.tagged {
            surface.end_tagged();
        }
    };
    match item {
        Item::Text(run) => draw_text(surface, run, fonts, tagger),
        Item::Rule { .. } | Item::VRule { .. } => {
            decoration(surface, tagger);
            draw_rule(surface, item);
            end(surface, tagger);
        }
        Item::Link {
            x,
            y,
            width,
            height,
            url,
            tag,
        } => {
            if let Some(r) = Rect::from_xywh(*x, *y, *width, *height) {
                links.push((r, url.clone(), *tag));
            }
        }
        Item::Image { tag, .. } | Item::Qr { tag, .. } => {
            tagger.start(surface, *tag, ContentTag::Other, ArtifactType::Layout);
            let drawn = draw_graphic(surface, item, links);
            surface.end_tagged();
            drawn?;
        }
    }
    Ok(())
}

fn draw_rule(surface: &mut Surface, item: &Item) {
    if let Some(([x, y, w, h], color)) = item.rule_rect() {
        surface.set_stroke(None);
        surface.set_fill(Some(fill(color)));
        if let Some(p) = rect_path(x, y, w, h) {
            surface.draw_path(&p);
        }
    }
}

fn draw_graphic(
    surface: &mut Surface,
    item: &Item,
    links: &mut Vec<(Rect, String, Option<usize>)>,
) -> Result<(), String> {
    match item {
        Item::Image {
            x,
            y,
            width,
            height,
            image,
            ..
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
            tag,
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
                links.push((r, url.clone(), *tag));
            }
        }
        _ => {}
    }
    Ok(())
}

fn draw_text(surface: &mut Surface, run: &TextRun, fonts: &DocumentFonts, tagger: &mut Tagger) {
    let Some((font, new_ids)) = fonts.0.get(&run.face) else {
        return;
    };
    if run.glyphs.is_empty() {
        return;
    }
    let paint = |surface: &mut Surface| {
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
    };
    let origin = Point::from_xy(run.x, run.y);
    let glyphs: Vec<PdfGlyph> = run
        .glyphs
        .iter()
        .map(|glyph| PdfGlyph {
            glyph,
            run_size: run.size,
            id: new_ids.get(&glyph.id).copied().unwrap_or(0),
            text_range: glyph.text_range.clone(),
        })
        .collect();
    // ActualText keeps copy-paste and extraction exact: the space the layout adds (CJK-Latin
    // spacing, justification) would otherwise come back as spaces that are not in the text.
    //
    // The span must end inside the text object that shows the glyphs. krilla isolates every
    // drawing in `q … Q`, so a span of our own (`start_tagged` with an ActualText) would close
    // after `Q`, where the page's y-flip, the font and its size are gone: poppler places the
    // span's text where that state puts it — mirrored, with a zero-size box. krilla writes an
    // ActualText span inside `BT … ET` for a cluster (glyphs sharing one text range), so the
    // run is given to it as one cluster of its whole text.
    //
    // krilla maps each glyph to the text of the first cluster it meets it in (ToUnicode, which
    // extractors without ActualText read, and PDF/UA requires). So that this stays each glyph's
    // own text, the run is first drawn with its own clusters into a stream that is dropped: it
    // sets the mappings, and the drawing below, finding them set, adds none.
    //
    // A run with a .notdef glyph keeps its own clusters: krilla's validators (it only writes
    // validated PDFs) refuse the document anyway, and should name the missing character, not
    // the whole run.
    let one_cluster = !run.text.is_empty() && glyphs.iter().all(|g| g.id != 0);
    let glyphs: Vec<PdfGlyph> = if one_cluster {
        {
            let mut seed = surface.stream_builder();
            let mut seed_surface = seed.surface();
            paint(&mut seed_surface);
            // A glyph that spells nothing (a hyphen the layout added) sets no mapping.
            let spelled: Vec<PdfGlyph> = glyphs
                .iter()
                .filter(|g| !g.text_range.is_empty())
                .cloned()
                .collect();
            seed_surface.draw_glyphs(origin, &spelled, font.clone(), &run.text, run.size, false);
            seed_surface.finish();
        }
        glyphs
            .into_iter()
            .map(|g| PdfGlyph {
                text_range: 0..run.text.len(),
                ..g
            })
            .collect()
    } else {
        glyphs
    };
    // The structure tree's span (or artifact) holds krilla's ActualText span; an untagged PDF
    // needs no marked content of its own.
    if tagger.tagged {
        let furniture = if run.y < tagger.page_height / 2.0 {
            ArtifactType::Header
        } else {
            ArtifactType::Footer
        };
        tagger.start(
            surface,
            run.tag,
            ContentTag::Span(SpanTag::empty()),
            furniture,
        );
    }
    paint(surface);
    surface.draw_glyphs(origin, &glyphs, font.clone(), &run.text, run.size, false);
    if tagger.tagged {
        surface.end_tagged();
    }
    surface.set_stroke(None);
}
