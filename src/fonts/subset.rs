//! Standalone TrueType subsets for formats whose readers load the font themselves (DOCX
//! embedded fonts, OFD). Word embeds and loads TrueType outlines only, and readers such as
//! LibreOffice's PDF export mishandle the CID-keyed CFF that PDF subsetters produce, so the
//! kept glyphs are converted to quadratic TrueType outlines (`glyf`), with a `cmap` for the kept
//! characters and the original `OS/2`, `name`, `head`, `hhea` values.

use super::Face;
use rustybuzz::ttf_parser::{self, GlyphId, OutlineBuilder, Tag};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// A subset font and the characters it maps.
#[derive(Debug, Clone)]
pub struct FontSubset {
    /// A TrueType file (`glyf` outlines) with `cmap`, `OS/2`, `name`, `post`.
    pub data: Vec<u8>,
    /// Character -> glyph id in the subset.
    pub glyphs: BTreeMap<char, u16>,
}

/// A glyph converted to a TrueType `glyf` record, with what the tables around it need.
struct TrueTypeGlyph {
    record: Vec<u8>,
    x_min: i16,
    points: usize,
    contours: usize,
    advance: u16,
}

/// Glyphs of one face already converted, shared by every document the process writes: in a
/// batch the common characters are converted once. Bounded by the face's glyph count.
#[derive(Default)]
pub struct GlyphCache(Mutex<HashMap<u16, Arc<TrueTypeGlyph>>>);

impl TrueTypeGlyph {
    fn convert(face: &ttf_parser::Face, gid: u16) -> TrueTypeGlyph {
        let mut outline = Quadratic::default();
        face.outline_glyph(GlyphId(gid), &mut outline);
        outline.finish_contour();
        let mut record = Vec::new();
        let (x_min, points) = encode_glyph(&outline.contours, &mut record).unwrap_or((0, 0));
        TrueTypeGlyph {
            record,
            x_min,
            points,
            contours: outline.contours.len(),
            advance: face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0),
        }
    }
}

/// Subsets `face` to the characters in `chars` that it has (DOCX and OFD: the reader looks
/// characters up in the font's `cmap`).
pub fn subset(face: &Face, chars: &[char]) -> Result<FontSubset, String> {
    let mut wanted: Vec<char> = chars.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let with_glyphs: Vec<(char, u16)> = wanted
        .into_iter()
        .filter_map(|c| face.shaper.glyph_index(c).map(|g| (c, g.0)))
        .collect();
    let (data, new_ids) = build(face, with_glyphs.iter().map(|&(_, g)| g), &with_glyphs)?;
    let glyphs = with_glyphs
        .iter()
        .filter_map(|&(c, g)| new_ids.get(&g).map(|&n| (c, n)))
        .collect();
    Ok(FontSubset { data, glyphs })
}

/// Subsets `face` to glyph ids (the PDF: text is mapped by the PDF's own ToUnicode); returns
/// the font and each old glyph id's new one.
pub fn subset_glyphs(
    face: &Face,
    gids: impl IntoIterator<Item = u16>,
) -> Result<(Vec<u8>, HashMap<u16, u16>), String> {
    build(face, gids, &[])
}

/// Writes a TrueType font of `gids` (plus .notdef) with a `cmap` of `chars`.
fn build(
    face: &Face,
    gids: impl IntoIterator<Item = u16>,
    chars: &[(char, u16)],
) -> Result<(Vec<u8>, HashMap<u16, u16>), String> {
    let shaper: &ttf_parser::Face = &face.shaper;
    let mut order: Vec<u16> = gids.into_iter().filter(|g| *g != 0).collect();
    order.sort_unstable();
    order.dedup();
    order.insert(0, 0);
    let new_ids: HashMap<u16, u16> = order
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new as u16))
        .collect();
    let converted: Vec<Arc<TrueTypeGlyph>> = {
        let mut cache = face
            .truetype
            .0
            .lock()
            .map_err(|_| "the glyph cache is unusable after a panic".to_owned())?;
        order
            .iter()
            .map(|&gid| {
                cache
                    .entry(gid)
                    .or_insert_with(|| Arc::new(TrueTypeGlyph::convert(shaper, gid)))
                    .clone()
            })
            .collect()
    };

    let raw = shaper.raw_face();
    let table = |tag: &[u8; 4]| raw.table(Tag::from_bytes(tag));
    let head = table(b"head").ok_or("the font has no head table")?;
    let hhea = table(b"hhea").ok_or("the font has no hhea table")?;
    if head.len() < 54 || hhea.len() < 36 {
        return Err("the font's head or hhea table is too short".into());
    }
    let mut glyf = Vec::with_capacity(converted.iter().map(|g| g.record.len() + 3).sum());
    let mut loca: Vec<u8> = Vec::with_capacity((order.len() + 1) * 4);
    let mut hmtx = Vec::with_capacity(order.len() * 4);
    let (mut max_points, mut max_contours) = (0usize, 0usize);
    for glyph in &converted {
        loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
        glyf.extend_from_slice(&glyph.record);
        glyf.resize(glyf.len().next_multiple_of(4), 0);
        max_points = max_points.max(glyph.points);
        max_contours = max_contours.max(glyph.contours);
        hmtx.extend_from_slice(&glyph.advance.to_be_bytes());
        hmtx.extend_from_slice(&glyph.x_min.to_be_bytes());
    }
    loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());

    let count = order.len() as u16;
    let mut tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    let mut head = head.to_vec();
    head[50..52].copy_from_slice(&1i16.to_be_bytes()); // long loca offsets
    tables.insert(*b"head", head);
    let mut hhea = hhea.to_vec();
    hhea[34..36].copy_from_slice(&count.to_be_bytes());
    tables.insert(*b"hhea", hhea);
    tables.insert(*b"hmtx", hmtx);
    tables.insert(*b"maxp", maxp(count, max_points, max_contours));
    tables.insert(*b"loca", loca);
    tables.insert(*b"glyf", glyf);
    let mapped: BTreeMap<char, u16> = chars
        .iter()
        .filter_map(|&(c, g)| new_ids.get(&g).map(|&n| (c, n)))
        .collect();
    tables.insert(*b"cmap", cmap(&mapped));
    tables.insert(*b"post", post(table(b"post")));
    if let Some(name) = table(b"name") {
        tables.insert(*b"name", name.to_vec());
    }
    if let Some(os2) = table(b"OS/2") {
        let mut os2 = os2.to_vec();
        // Fandol's bold faces say weight 400 in OS/2 (only their style bits say bold), so
        // font matchers that go by weight (fontconfig, hence LibreOffice) cannot tell them
        // from the regular face of the same family. The subset states 700.
        let weight = os2.get(4..6).map(|w| u16::from_be_bytes([w[0], w[1]]));
        if shaper.is_bold() && weight.is_some_and(|w| w < 600) {
            os2[4..6].copy_from_slice(&700u16.to_be_bytes());
        }
        tables.insert(*b"OS/2", os2);
    }
    Ok((write_font(*b"\x00\x01\x00\x00", &tables), new_ids))
}

/// Collects an outline as TrueType contours: (x, y, on-curve) points, cubic curves split into
/// quadratic ones within one font unit (a thousandth of an em).
#[derive(Default)]
struct Quadratic {
    contours: Vec<Vec<(f32, f32, bool)>>,
    current: Vec<(f32, f32, bool)>,
    at: (f32, f32),
}

impl Quadratic {
    fn finish_contour(&mut self) {
        let mut contour = std::mem::take(&mut self.current);
        // A closing point on the start point is implied in TrueType.
        if contour.len() > 1 {
            let (first, last) = (contour[0], contour[contour.len() - 1]);
            if last.2 && (first.0 - last.0).abs() < 0.01 && (first.1 - last.1).abs() < 0.01 {
                contour.pop();
            }
        }
        if contour.len() > 1 {
            // PostScript outlines run counter-clockwise, TrueType ones clockwise.
            contour[1..].reverse();
            self.contours.push(contour);
        }
    }
}

impl OutlineBuilder for Quadratic {
    fn move_to(&mut self, x: f32, y: f32) {
        self.finish_contour();
        self.current.push((x, y, true));
        self.at = (x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.current.push((x, y, true));
        self.at = (x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.current.push((x1, y1, false));
        self.current.push((x, y, true));
        self.at = (x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x0, y0) = self.at;
        // The third difference bounds the error of one quadratic per piece (√3/36·|d3|/n³).
        let d3 = ((x - 3.0 * x2 + 3.0 * x1 - x0).powi(2) + (y - 3.0 * y2 + 3.0 * y1 - y0).powi(2))
            .sqrt();
        let tolerance = 1.0;
        let pieces = ((d3 * 3f32.sqrt() / 36.0 / tolerance).cbrt().ceil() as usize).clamp(1, 16);
        let point = |t: f32| {
            let u = 1.0 - t;
            (
                u * u * u * x0 + 3.0 * u * u * t * x1 + 3.0 * u * t * t * x2 + t * t * t * x,
                u * u * u * y0 + 3.0 * u * u * t * y1 + 3.0 * u * t * t * y2 + t * t * t * y,
            )
        };
        let derivative = |t: f32| {
            let u = 1.0 - t;
            (
                3.0 * (u * u * (x1 - x0) + 2.0 * u * t * (x2 - x1) + t * t * (x - x2)),
                3.0 * (u * u * (y1 - y0) + 2.0 * u * t * (y2 - y1) + t * t * (y - y2)),
            )
        };
        for i in 0..pieces {
            let (t0, t1) = (i as f32 / pieces as f32, (i + 1) as f32 / pieces as f32);
            let (a, b) = (point(t0), point(t1));
            let (da, db) = (derivative(t0), derivative(t1));
            let h = (t1 - t0) / 2.0;
            // Control point: the mean of the two tangents' estimates.
            let c = (
                ((a.0 + da.0 * h) + (b.0 - db.0 * h)) / 2.0,
                ((a.1 + da.1 * h) + (b.1 - db.1 * h)) / 2.0,
            );
            self.current.push((c.0, c.1, false));
            self.current.push((b.0, b.1, true));
        }
        self.at = (x, y);
    }
    fn close(&mut self) {
        self.finish_contour();
    }
}

/// Appends a simple TrueType glyph; returns its xMin and point count, or `None` when empty.
fn encode_glyph(contours: &[Vec<(f32, f32, bool)>], out: &mut Vec<u8>) -> Option<(i16, usize)> {
    let points: Vec<(i32, i32, bool)> = contours
        .iter()
        .flatten()
        .map(|&(x, y, on)| (x.round() as i32, y.round() as i32, on))
        .collect();
    if points.is_empty() {
        return None;
    }
    let clamp = |v: i32| v.clamp(i16::MIN as i32, i16::MAX as i32) as i16;
    let x_min = clamp(points.iter().map(|p| p.0).min()?);
    let y_min = clamp(points.iter().map(|p| p.1).min()?);
    let x_max = clamp(points.iter().map(|p| p.0).max()?);
    let y_max = clamp(points.iter().map(|p| p.1).max()?);
    out.extend_from_slice(&(contours.len() as i16).to_be_bytes());
    for v in [x_min, y_min, x_max, y_max] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut end = 0usize;
    for contour in contours {
        end += contour.len();
        out.extend_from_slice(&((end - 1) as u16).to_be_bytes());
    }
    out.extend_from_slice(&0u16.to_be_bytes()); // no instructions
    let (mut flags, mut xs, mut ys) = (Vec::new(), Vec::new(), Vec::new());
    let (mut px, mut py) = (0i32, 0i32);
    for &(x, y, on) in &points {
        let mut flag = u8::from(on);
        for (delta, short, same, bytes) in
            [(x - px, 0x02, 0x10, &mut xs), (y - py, 0x04, 0x20, &mut ys)]
        {
            if delta == 0 {
                flag |= same;
            } else if delta.abs() < 256 {
                flag |= short;
                if delta > 0 {
                    flag |= same;
                }
                bytes.push(delta.unsigned_abs() as u8);
            } else {
                bytes.extend_from_slice(&clamp(delta).to_be_bytes());
            }
        }
        flags.push(flag);
        (px, py) = (x, y);
    }
    // Runs of equal flags are written once with a repeat count (flag bit 3).
    let mut i = 0;
    while i < flags.len() {
        let mut run = 1;
        while i + run < flags.len() && flags[i + run] == flags[i] && run < 256 {
            run += 1;
        }
        if run > 1 {
            out.push(flags[i] | 0x08);
            out.push((run - 1) as u8);
        } else {
            out.push(flags[i]);
        }
        i += run;
    }
    out.extend_from_slice(&xs);
    out.extend_from_slice(&ys);
    Some((x_min, points.len()))
}

fn maxp(glyphs: u16, points: usize, contours: usize) -> Vec<u8> {
    let mut t = Vec::with_capacity(32);
    t.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    t.extend_from_slice(&glyphs.to_be_bytes());
    t.extend_from_slice(&(points.min(u16::MAX as usize) as u16).to_be_bytes());
    t.extend_from_slice(&(contours.min(u16::MAX as usize) as u16).to_be_bytes());
    // Composite points/contours 0, zones 2, then no twilight points, storage, functions,
    // instructions, stack, components.
    for v in [0u16, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0] {
        t.extend_from_slice(&v.to_be_bytes());
    }
    t
}

/// `post` version 3 (no glyph names), keeping the original's italic angle and underline.
fn post(original: Option<&[u8]>) -> Vec<u8> {
    let mut t = original
        .and_then(|p| p.get(..32))
        .map_or_else(|| vec![0u8; 32], <[u8]>::to_vec);
    t[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    t
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// Writes an OpenType file: table directory (sorted by tag), 4-byte aligned tables, checksums
/// and the `head` table's checksum adjustment.
fn write_font(flavor: [u8; 4], tables: &BTreeMap<[u8; 4], Vec<u8>>) -> Vec<u8> {
    let count = tables.len() as u16;
    let selector = 15 - count.leading_zeros() as u16;
    let range = (1u16 << selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&flavor);
    for v in [count, range, selector, count * 16 - range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, body) in tables {
        let mut body = body.clone();
        if tag == b"head" {
            body[8..12].fill(0);
            head_at = Some(offset + 8);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(&body).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        offset += body.len().next_multiple_of(4);
    }
    for (tag, body) in tables {
        let start = out.len();
        out.extend_from_slice(body);
        if tag == b"head" {
            out[start + 8..start + 12].fill(0);
        }
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// A `cmap` with a format 4 subtable (Basic Multilingual Plane, what older readers use) and a
/// format 12 subtable (all planes, for rare characters beyond it).
fn cmap(glyphs: &BTreeMap<char, u16>) -> Vec<u8> {
    // Runs of consecutive characters with consecutive glyph ids: one segment or group each.
    let mut runs: Vec<(u32, u32, u16)> = Vec::new();
    for (&c, &gid) in glyphs {
        let code = c as u32;
        match runs.last_mut() {
            Some((start, end, start_gid))
                if *end + 1 == code
                    && u32::from(*start_gid) + (code - *start) == u32::from(gid) =>
            {
                *end = code;
            }
            _ => runs.push((code, code, gid)),
        }
    }
    let format4 = format4(&runs);
    let format12 = format12(&runs);
    let subtables: Vec<(u16, u16, &Vec<u8>)> = match &format4 {
        Some(f4) => vec![(3, 1, f4), (3, 10, &format12)],
        None => vec![(3, 10, &format12)],
    };
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(subtables.len() as u16).to_be_bytes());
    let mut offset = 4 + 8 * subtables.len();
    for (platform, encoding, table) in &subtables {
        out.extend_from_slice(&platform.to_be_bytes());
        out.extend_from_slice(&encoding.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        offset += table.len();
    }
    for (_, _, table) in subtables {
        out.extend_from_slice(table);
    }
    out
}

/// Format 4 for the BMP part, or `None` when it would not fit its 16-bit length.
fn format4(runs: &[(u32, u32, u16)]) -> Option<Vec<u8>> {
    let mut segments: Vec<(u16, u16, i16)> = runs
        .iter()
        .filter(|(start, _, _)| *start < 0xFFFF)
        .map(|&(start, end, gid)| {
            let end = end.min(0xFFFE);
            (
                start as u16,
                end as u16,
                (i32::from(gid) - start as i32) as i16,
            )
        })
        .collect();
    segments.push((0xFFFF, 0xFFFF, 1));
    let seg_count = segments.len();
    let length = 16 + 8 * seg_count;
    if length > 0xFFFF {
        return None;
    }
    let selector = 15 - (seg_count as u16).leading_zeros() as u16;
    let search_range = 2 * (1u16 << selector);
    let mut t = Vec::with_capacity(length);
    for v in [
        4u16,
        length as u16,
        0,
        (2 * seg_count) as u16,
        search_range,
        selector,
        (2 * seg_count) as u16 - search_range,
    ] {
        t.extend_from_slice(&v.to_be_bytes());
    }
    for s in &segments {
        t.extend_from_slice(&s.1.to_be_bytes());
    }
    t.extend_from_slice(&0u16.to_be_bytes());
    for s in &segments {
        t.extend_from_slice(&s.0.to_be_bytes());
    }
    for s in &segments {
        t.extend_from_slice(&s.2.to_be_bytes());
    }
    for _ in &segments {
        t.extend_from_slice(&0u16.to_be_bytes());
    }
    Some(t)
}

fn format12(runs: &[(u32, u32, u16)]) -> Vec<u8> {
    let mut t = Vec::with_capacity(16 + 12 * runs.len());
    t.extend_from_slice(&12u16.to_be_bytes());
    t.extend_from_slice(&0u16.to_be_bytes());
    t.extend_from_slice(&((16 + 12 * runs.len()) as u32).to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(&(runs.len() as u32).to_be_bytes());
    for &(start, end, gid) in runs {
        t.extend_from_slice(&start.to_be_bytes());
        t.extend_from_slice(&end.to_be_bytes());
        t.extend_from_slice(&u32::from(gid).to_be_bytes());
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A face's outline as (x, y) points sampled along every segment.
    #[derive(Default)]
    struct Bounds(Option<(f32, f32, f32, f32)>);
    impl OutlineBuilder for Bounds {
        fn move_to(&mut self, x: f32, y: f32) {
            self.add(x, y);
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.add(x, y);
        }
        fn quad_to(&mut self, _: f32, _: f32, x: f32, y: f32) {
            self.add(x, y);
        }
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, x: f32, y: f32) {
            self.add(x, y);
        }
        fn close(&mut self) {}
    }
    impl Bounds {
        fn add(&mut self, x: f32, y: f32) {
            let b = self.0.get_or_insert((x, y, x, y));
            *b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
        }
    }

    #[test]
    fn subsets_map_their_characters_to_the_same_outlines() {
        let book = crate::fonts::FontBook::discover(None).expect("fonts");
        let song = book.choose(
            crate::template::Family::Song,
            false,
            crate::record::Language::SimplifiedChinese,
            crate::template::LatinFamily::Cjk,
        );
        let original = &book.face(song.primary).shaper;
        let chars: Vec<char> = "中华人民共和国ABC abc，。123".chars().collect();
        let sub = subset(book.face(song.primary), &chars).expect("subset");
        assert!(sub.data.len() < 40_000, "{} bytes", sub.data.len());
        let face = ttf_parser::Face::parse(&sub.data, 0).expect("a valid font");
        assert!(face.tables().glyf.is_some(), "TrueType outlines");
        for c in chars {
            let gid = face
                .glyph_index(c)
                .unwrap_or_else(|| panic!("{c} not mapped"));
            assert_eq!(Some(&gid.0), sub.glyphs.get(&c));
            let old = original.glyph_index(c).expect("in the original");
            assert_eq!(face.glyph_hor_advance(gid), original.glyph_hor_advance(old));
            let (mut a, mut b) = (Bounds::default(), Bounds::default());
            face.outline_glyph(gid, &mut a);
            original.outline_glyph(old, &mut b);
            match (a.0, b.0) {
                (Some(a), Some(b)) => {
                    for (x, y) in [(a.0, b.0), (a.1, b.1), (a.2, b.2), (a.3, b.3)] {
                        assert!((x - y).abs() <= 1.0, "{c}: outline moved {x} vs {y}");
                    }
                }
                (None, None) => assert_eq!(c, ' '),
                other => panic!("{c}: {other:?}"),
            }
        }
        assert!(
            face.glyph_index('缺').is_none(),
            "only the asked characters"
        );
        assert!(face.tables().os2.is_some(), "OS/2 kept");
        let family = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
            .and_then(|n| n.to_string());
        assert_eq!(family.as_deref(), Some("FandolSong"));
        // The whole-file checksum is what the head table says it should be.
        assert_eq!(checksum(&sub.data), 0xB1B0_AFBA);
    }
}
