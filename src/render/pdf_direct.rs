//! The everyday PDF (neither PDF/A nor tagged), written directly with pdf-writer. It carries
//! the same page content as the krilla writer in `pdf.rs` — which stays for PDF/A and tagged
//! output, where its validators earn their cost — but compresses at a speed that suits
//! converting thousands of records: krilla deflates every font at a fixed level, which was most
//! of a PDF's writing time.
//!
//! Fonts: one Type 0 font per face, a CIDFontType2 over a TrueType subset of the document's
//! glyphs (`fonts::subset`), stored uncompressed, with widths and a ToUnicode map; every run
//! also carries its exact text as ActualText, so copying and extraction give the record's
//! characters.

use crate::fonts::subset::subset_glyphs;
use crate::fonts::{FaceId, FontBook};
use crate::layout::{Item, OutlineEntry, Pages, TextRun};
use crate::record::{Article, ImageBlock, ImageKind};
use crate::template::Color;
use pdf_writer::types::{
    ActionType, AnnotationType, CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap,
};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Arc;

/// Deflate level for every stream but the font programs (which are stored). Level 1 writes
/// page content in about a third of the time level 6 takes.
const DEFLATE_LEVEL: u32 = 1;

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::new(DEFLATE_LEVEL),
    );
    // Writing to a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Hands out object numbers in order.
struct Refs(i32);

impl Refs {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// A face as embedded in this document.
struct EmbeddedFace {
    name: String,
    type0: Ref,
    /// Per glyph of the face used here, sorted by its id in the face: that id, its id in the
    /// subset (the CID) and its width in the PDF (thousandths of an em).
    glyphs: Vec<(u16, u16, f32)>,
}

impl EmbeddedFace {
    /// The CID and PDF width of the face's glyph `old` ((0, 0) if the subset lacks it).
    fn glyph(&self, old: u16) -> (u16, f32) {
        self.glyphs
            .binary_search_by_key(&old, |g| g.0)
            .map_or((0, 0.0), |i| (self.glyphs[i].1, self.glyphs[i].2))
    }
}

pub fn render(article: &Article, pages: &Pages, fonts: &FontBook) -> Result<Vec<u8>, String> {
    let mut pdf = Pdf::new();
    let mut refs = Refs(0);
    let catalog = refs.next();
    let page_tree = refs.next();
    let info = refs.next();
    let page_refs: Vec<Ref> = pages.pages.iter().map(|_| refs.next()).collect();

    let faces = embed_fonts(&mut pdf, &mut refs, pages, fonts)?;
    let images = embed_images(&mut pdf, &mut refs, pages)?;

    for (page, &page_ref) in pages.pages.iter().zip(&page_refs) {
        let content_ref = refs.next();
        let mut content = Content::new();
        // Layout coordinates run from the top-left corner, downwards.
        content.transform([1.0, 0.0, 0.0, -1.0, 0.0, pages.height]);
        let mut links = Vec::new();
        for item in &page.items {
            draw(&mut content, item, &faces, &images, &mut links);
        }
        pdf.stream(content_ref, &deflate(&content.finish()))
            .filter(Filter::FlateDecode);
        let annotation_refs: Vec<Ref> = links
            .iter()
            .map(|(x, y, w, h, url)| {
                let id = refs.next();
                let mut annotation = pdf.annotation(id);
                annotation
                    .subtype(AnnotationType::Link)
                    .rect(Rect::new(
                        *x,
                        pages.height - (y + h),
                        x + w,
                        pages.height - y,
                    ))
                    .border(0.0, 0.0, 0.0, None);
                annotation
                    .action()
                    .action_type(ActionType::Uri)
                    .uri(Str(url.as_bytes()));
                annotation.finish();
                id
            })
            .collect();
        let mut p = pdf.page(page_ref);
        p.media_box(Rect::new(0.0, 0.0, pages.width, pages.height))
            .parent(page_tree)
            .contents(content_ref);
        if !annotation_refs.is_empty() {
            p.annotations(annotation_refs);
        }
        let mut resources = p.resources();
        let mut font_dict = resources.fonts();
        for face in faces.values() {
            font_dict.pair(Name(face.name.as_bytes()), face.type0);
        }
        font_dict.finish();
        let mut x_objects = resources.x_objects();
        for (_, name, id) in &images.0 {
            x_objects.pair(Name(name.as_bytes()), *id);
        }
        x_objects.finish();
        resources.finish();
        p.finish();
    }
    pdf.pages(page_tree)
        .kids(page_refs.iter().copied())
        .count(page_refs.len() as i32);

    let outline = write_outline(
        &mut pdf,
        &mut refs,
        &pages.outline,
        &page_refs,
        pages.height,
    );
    let mut cat = pdf.catalog(catalog);
    cat.pages(page_tree).lang(TextStr(article.language.tag()));
    if let Some(outline) = outline {
        cat.outlines(outline);
    }
    cat.finish();
    document_info(&mut pdf, info, article);
    Ok(pdf.finish())
}

fn document_info(pdf: &mut Pdf, id: Ref, a: &Article) {
    let mut info = pdf.document_info(id);
    info.title(TextStr(&a.title))
        .creator(TextStr("bulletin"))
        .producer(TextStr(concat!("bulletin ", env!("CARGO_PKG_VERSION"))));
    if let Some(author) = super::pdf_author(a) {
        info.author(TextStr(author));
    }
    if let Some(subtitle) = &a.subtitle {
        info.subject(TextStr(subtitle));
    }
    // ISO 32000-1, 7.9.4: D:YYYYMMDDHHmmSSOHH'mm. Always the full form with the record's
    // offset (+08'00 for a time without a zone, see `Timestamp::offset_minutes`), as krilla
    // writes it for PDF/A: an offset is only stated after hour, minute and second.
    if let Some(p) = super::document_date(a) {
        let (h, m, s) = p.clock();
        let off = p.offset_minutes();
        let date = Date::new(p.year)
            .month(p.month)
            .day(p.day)
            .hour(h)
            .minute(m)
            .second(s)
            .utc_offset_hour((off / 60) as i8)
            .utc_offset_minute((off.unsigned_abs() % 60) as u8);
        info.creation_date(date).modified_date(date);
    }
}

/// Subsets and writes every face the pages use.
fn embed_fonts(
    pdf: &mut Pdf,
    refs: &mut Refs,
    pages: &Pages,
    fonts: &FontBook,
) -> Result<BTreeMap<FaceId, EmbeddedFace>, String> {
    let mut out = BTreeMap::new();
    for (face_id, glyphs) in pages.glyphs_by_face() {
        let face = fonts.face(face_id);
        let (data, new_ids) = subset_glyphs(face, glyphs.keys().copied())
            .map_err(|e| format!("{}: {e}", face.file))?;
        let shaper = &face.shaper;
        let upem = shaper.units_per_em() as f32;
        let scale = 1000.0 / upem;
        let mut by_new: Vec<(u16, u16)> = new_ids.iter().map(|(&old, &new)| (new, old)).collect();
        by_new.sort_unstable();
        let widths: Vec<f32> = by_new
            .iter()
            .map(|&(_, old)| {
                f32::from(
                    shaper
                        .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(old))
                        .unwrap_or(0),
                ) * scale
            })
            .collect();
        let mut by_old: Vec<(u16, u16, f32)> = by_new
            .iter()
            .zip(&widths)
            .map(|(&(new, old), &w)| (old, new, w))
            .collect();
        by_old.sort_unstable_by_key(|g| g.0);
        // The subset tag: six letters from the glyph set, the same for the same glyphs.
        let mut hash = Sha256::new();
        for (new, old) in &by_new {
            hash.update(new.to_be_bytes());
            hash.update(old.to_be_bytes());
        }
        let tag: String = hash.finalize()[..6]
            .iter()
            .map(|b| char::from(b'A' + b % 26))
            .collect();
        let postscript = postscript_name(shaper).unwrap_or_else(|| "Font".to_owned());
        let base_font = format!("{tag}+{postscript}");

        let (type0, cid, descriptor, file, cmap) = (
            refs.next(),
            refs.next(),
            refs.next(),
            refs.next(),
            refs.next(),
        );
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0)
            .base_font(Name(base_font.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(Name(base_font.as_bytes()))
            .system_info(system_info)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let bbox = shaper.global_bounding_box();
        // The OS/2 typographic ascender and descender, as krilla writes them (`pdf.rs`), so
        // that both writers give extractors the same glyph boxes; `hhea` without OS/2.
        let (ascender, descender) = shaper
            .tables()
            .os2
            .map(|os2| (os2.typographic_ascender(), os2.typographic_descender()))
            .unwrap_or((shaper.ascender(), shaper.descender()));
        let (ascender, descender) = (f32::from(ascender) * scale, f32::from(descender) * scale);
        let mut flags = FontFlags::SYMBOLIC;
        if !postscript.contains("Hei") {
            flags |= FontFlags::SERIF;
        }
        pdf.font_descriptor(descriptor)
            .name(Name(base_font.as_bytes()))
            .flags(flags)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(ascender)
            .descent(descender)
            .cap_height(
                shaper
                    .capital_height()
                    .map_or(ascender, |h| f32::from(h) * scale),
            )
            .stem_v(80.0)
            .font_file2(file);
        // Stored, not deflated: TrueType outlines shrink by a sixth at level 1 (the sample's
        // font program 195 KB -> 162 KB), and deflating them was a quarter of the time to
        // convert an article (see README, Performance).
        pdf.stream(file, &data)
            .pair(Name(b"Length1"), data.len() as i32);

        let mut unicode = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (old, text) in &glyphs {
            if let Some(&new) = new_ids.get(old) {
                if *old == 0 {
                    // Every character the face lacks is its .notdef box: no one character
                    // stands for them (ActualText still carries each run's real text).
                    unicode.pair(new, '\u{FFFD}');
                } else if !text.is_empty() {
                    unicode.pair_with_multiple(new, text.chars());
                }
            }
        }
        pdf.cmap(cmap, &deflate(&unicode.finish()))
            .filter(Filter::FlateDecode);
        out.insert(
            face_id,
            EmbeddedFace {
                name: format!("F{}", face_id.0),
                type0,
                glyphs: by_old,
            },
        );
    }
    Ok(out)
}

fn postscript_name(face: &rustybuzz::ttf_parser::Face) -> Option<String> {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == rustybuzz::ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .map(|n| n.chars().filter(|c| c.is_ascii_graphic()).collect())
}

/// The document's images, each written once as an image XObject, in order of first use.
struct Images(Vec<(*const ImageBlock, String, Ref)>);

impl Images {
    fn get(&self, image: &Arc<ImageBlock>) -> Option<&(*const ImageBlock, String, Ref)> {
        let key = Arc::as_ptr(image);
        self.0.iter().find(|(k, _, _)| *k == key)
    }
}

/// Each image once, as an image XObject: JPEG passed through, PNG decoded and deflated (its
/// alpha as a soft mask).
fn embed_images(pdf: &mut Pdf, refs: &mut Refs, pages: &Pages) -> Result<Images, String> {
    let mut out = Images(Vec::new());
    for page in &pages.pages {
        for item in &page.items {
            let Item::Image { image, .. } = item else {
                continue;
            };
            if out.get(image).is_some() {
                continue;
            }
            let id = refs.next();
            write_image(pdf, refs, id, image)?;
            let name = format!("Im{}", out.0.len() + 1);
            out.0.push((Arc::as_ptr(image), name, id));
        }
    }
    Ok(out)
}

fn write_image(pdf: &mut Pdf, refs: &mut Refs, id: Ref, image: &ImageBlock) -> Result<(), String> {
    let failed = |e: image::ImageError| format!("cannot embed image {}: {e}", image.path.display());
    if image.kind == ImageKind::Jpeg {
        use image::ImageDecoder as _;
        let decoder =
            image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(image.data.as_slice()))
                .map_err(failed)?;
        let (width, height) = decoder.dimensions();
        let space = match decoder.color_type() {
            image::ColorType::L8 => Some(Name(b"DeviceGray")),
            image::ColorType::Rgb8 => Some(Name(b"DeviceRGB")),
            _ => None,
        };
        if let Some(space) = space {
            let mut x = pdf.image_xobject(id, &image.data);
            x.width(width as i32)
                .height(height as i32)
                .bits_per_component(8);
            x.filter(Filter::DctDecode);
            x.pair(Name(b"ColorSpace"), space);
            return Ok(());
        }
    }
    let decoded = image::load_from_memory(&image.data).map_err(failed)?;
    let (width, height) = (decoded.width() as i32, decoded.height() as i32);
    let rgba = decoded.to_rgba8();
    let has_alpha = rgba.pixels().any(|p| p.0[3] != 255);
    let rgb: Vec<u8> = rgba
        .pixels()
        .flat_map(|p| [p.0[0], p.0[1], p.0[2]])
        .collect();
    let mask = has_alpha.then(|| {
        let alpha: Vec<u8> = rgba.pixels().map(|p| p.0[3]).collect();
        let mask_id = refs.next();
        let alpha = deflate(&alpha);
        let mut m = pdf.image_xobject(mask_id, &alpha);
        m.width(width).height(height).bits_per_component(8);
        m.filter(Filter::FlateDecode);
        m.pair(Name(b"ColorSpace"), Name(b"DeviceGray"));
        m.finish();
        mask_id
    });
    let data = deflate(&rgb);
    let mut x = pdf.image_xobject(id, &data);
    x.width(width).height(height).bits_per_component(8);
    x.filter(Filter::FlateDecode);
    x.pair(Name(b"ColorSpace"), Name(b"DeviceRGB"));
    if let Some(mask) = mask {
        x.s_mask(mask);
    }
    Ok(())
}

fn fill(content: &mut Content, c: Color) {
    content.set_fill_rgb(
        f32::from(c.0) / 255.0,
        f32::from(c.1) / 255.0,
        f32::from(c.2) / 255.0,
    );
}

type LinkArea = (f32, f32, f32, f32, String);

fn draw(
    content: &mut Content,
    item: &Item,
    faces: &BTreeMap<FaceId, EmbeddedFace>,
    images: &Images,
    links: &mut Vec<LinkArea>,
) {
    match item {
        Item::Text(run) => {
            if let Some(face) = faces.get(&run.face) {
                draw_text(content, run, face);
            }
        }
        Item::Rule { .. } | Item::VRule { .. } => {
            if let Some(([x, y, w, h], color)) = item.rule_rect() {
                fill(content, color);
                content.rect(x, y, w, h);
                content.fill_nonzero();
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
            if let Some((_, name, _)) = images.get(image) {
                content.save_state();
                // The image's unit square, its top row at the top (the page is flipped).
                content.transform([*width, 0.0, 0.0, -*height, *x, y + height]);
                content.x_object(Name(name.as_bytes()));
                content.restore_state();
            }
        }
        Item::Qr {
            x,
            y,
            module,
            matrix,
            url,
            ..
        } => {
            fill(content, Color(0, 0, 0));
            for (row, col, len) in matrix.dark_runs() {
                content.rect(
                    x + col as f32 * module,
                    y + row as f32 * module,
                    len as f32 * module,
                    *module,
                );
            }
            content.fill_nonzero();
            let side = matrix.width() as f32 * module;
            links.push((*x, *y, side, side, url.clone()));
        }
        Item::Link {
            x,
            y,
            width,
            height,
            url,
            ..
        } => links.push((*x, *y, *width, *height, url.clone())),
    }
}

fn draw_text(content: &mut Content, run: &TextRun, face: &EmbeddedFace) {
    if run.glyphs.is_empty() {
        return;
    }
    // ActualText keeps copy-paste and extraction exact: the space the layout adds (CJK-Latin
    // spacing, justification) would otherwise come back as spaces that are not in the text.
    content
        .begin_marked_content_with_properties(Name(b"Span"))
        .properties()
        .actual_text(TextStr(&run.text));
    content.begin_text();
    fill(content, run.color);
    if run.synthetic_bold {
        // No bold face for this role: stroke the outline to embolden, as Word does.
        content.set_text_rendering_mode(TextRenderingMode::FillStroke);
        content.set_line_width(run.size * 0.03);
        content.set_stroke_rgb(
            f32::from(run.color.0) / 255.0,
            f32::from(run.color.1) / 255.0,
            f32::from(run.color.2) / 255.0,
        );
    }
    content.set_font(Name(face.name.as_bytes()), run.size);
    // Text space upright again inside the flipped page.
    content.set_text_matrix([1.0, 0.0, 0.0, -1.0, run.x, run.y]);
    let mut show = content.show_positioned();
    let mut items = show.items();
    // Each glyph moves the pen by its width in the font; TJ numbers (thousandths of the size,
    // subtracted) move it on to where the layout put the next glyph, offsets included.
    let mut pending = 0.0f32;
    let mut codes: Vec<u8> = Vec::new();
    for glyph in &run.glyphs {
        let (id, width) = face.glyph(glyph.id);
        let offset = glyph.x_offset / run.size * 1000.0;
        let shift = pending + offset;
        if shift.abs() > 0.001 {
            if !codes.is_empty() {
                items.show(Str(&codes));
                codes.clear();
            }
            items.adjust(-shift);
        }
        codes.extend_from_slice(&id.to_be_bytes());
        pending = glyph.x_advance / run.size * 1000.0 - width - offset;
    }
    if !codes.is_empty() {
        items.show(Str(&codes));
    }
    items.finish();
    show.finish();
    if run.synthetic_bold {
        content.set_text_rendering_mode(TextRenderingMode::Fill);
    }
    content.end_text();
    content.end_marked_content();
}

/// Bookmarks from the headings, nested by level.
fn write_outline(
    pdf: &mut Pdf,
    refs: &mut Refs,
    entries: &[OutlineEntry],
    page_refs: &[Ref],
    page_height: f32,
) -> Option<Ref> {
    if entries.is_empty() {
        return None;
    }
    let root = refs.next();
    let ids: Vec<Ref> = entries.iter().map(|_| refs.next()).collect();
    // Parent of each entry: the nearest earlier entry with a lower level.
    let parents: Vec<Option<usize>> = (0..entries.len())
        .map(|i| (0..i).rev().find(|&j| entries[j].level < entries[i].level))
        .collect();
    let children = |p: Option<usize>| -> Vec<usize> {
        (0..entries.len()).filter(|&i| parents[i] == p).collect()
    };
    let top = children(None);
    for (i, entry) in entries.iter().enumerate() {
        let siblings = children(parents[i]);
        let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
        let kids = children(Some(i));
        let mut item = pdf.outline_item(ids[i]);
        item.title(TextStr(&entry.text))
            .parent(parents[i].map_or(root, |p| ids[p]));
        if at > 0 {
            item.prev(ids[siblings[at - 1]]);
        }
        if let Some(&next) = siblings.get(at + 1) {
            item.next(ids[next]);
        }
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            item.first(ids[first])
                .last(ids[last])
                .count(kids.len() as i32);
        }
        if let Some(&page) = page_refs.get(entry.page) {
            item.dest()
                .page(page)
                .xyz(entry.x, page_height - entry.y, None);
        }
        item.finish();
    }
    let mut outline = pdf.outline(root);
    if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
        outline.first(ids[first]).last(ids[last]);
    }
    outline.count(top.len() as i32);
    outline.finish();
    Some(root)
}
