//! Setting one paragraph: shaping with per-character font fallback, punctuation compression,
//! line breaking with the Chinese prohibitions, and justification.

use super::breaking::{
    break_opportunities, extends_previous, is_cjk, is_closing_punct, is_fullwidth_punct,
    latin_text, no_line_start, PunctuationRules,
};
use super::{PlacedGlyph, TextRun};
use crate::fonts::{FaceChoice, FaceId, FontBook};
use crate::record::Language;
use crate::template::{Align, Color, LineEndPunctuation};
use std::collections::BTreeSet;
use std::ops::Range;

const EPSILON: f32 = 0.01;

/// Total fit ([`Shaped::total_fit`]): the demerits every line adds (TeX's \linepenalty).
/// Settings are compared by their number of lines first: a paragraph never takes more lines
/// than it needs (page counts stay those of first fit, whose lines total fit all accepts).
const LINE_PENALTY: f64 = 10.0;
/// Space added per justification gap, in em, that makes a line's badness 100 (a loose line;
/// spreading one character's width over 27 gaps is 0.037 em, badness 1.6).
const STRETCH_EM: f32 = 0.15;
/// The badness of a line set looser than any measure of it tells apart.
const MAX_BADNESS: f32 = 10_000.0;
/// Space per gap, in em, beyond which a line is visibly loose: first fit sets such lines only
/// where a Latin word or number must go down whole. Such a line costs [`LOOSE_COST`] times
/// its gap over this limit (far more than a lone last character), so total fit sets as few
/// as it can, as tight as it can: evening out a paragraph opens no gap wider than first fit's.
const LOOSE_EM: f32 = 0.075;
const LOOSE_COST: f64 = 1.0e6;
/// In English text the gaps are word spaces (a third of an em in the bundled faces), which
/// stretch more: badness 100 at a quarter em more, loose past 0.27 em more (a space over
/// 0.6 em).
const WORD_SPACE_STRETCH_EM: f32 = 0.25;
const WORD_SPACE_LOOSE_EM: f32 = 0.27;
/// Badness added to a line whose punctuation gives up blank to fit (push-in).
const SHRINK_COST: f32 = 30.0;
/// Total fit's first pass leaves out justified lines more than this many em short of full
/// before they are spread (over 0.1 em a gap on an A4 line of Chinese).
const LOOSEST: f32 = 4.0;
/// Demerits of a paragraph's last line holding one character alone (孤字).
const LONE_CHARACTER: f64 = 20_000.0;
/// Demerits of a line ending in a hyphenated word (TeX's \hyphenpenalty 50, squared).
const HYPHEN: f64 = 2_500.0;
/// Demerits of two hyphenated lines in a row (TeX's \doublehyphendemerits).
const DOUBLE_HYPHEN: f64 = 10_000.0;
/// Demerits of a hyphen ending a paragraph's last full line (TeX's \finalhyphendemerits).
const FINAL_HYPHEN: f64 = 5_000.0;
/// Words shorter than this (in letters) are never hyphenated.
const HYPHENATE_MIN: usize = 5;
/// Paragraphs longer than this (in clusters) are set line by line.
const TOTAL_FIT_CLUSTERS: usize = 50_000;

/// How a piece of text is set.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    pub face: FaceChoice,
    pub size: f32,
    pub color: Color,
    pub language: Language,
    /// Space between CJK and Latin letters or digits, in em.
    pub cjk_latin_spacing: f32,
    /// What a closing mark at the end of a line does (`typography.line_end_punctuation`).
    pub line_end: LineEndPunctuation,
    /// Added to the advance of every full-width character (a character grid).
    pub tracking: f32,
    /// Hyphenate English words ([`hyphenation_points`]) where the whole-paragraph breaker
    /// finds it better.
    pub hyphenate: bool,
}

#[derive(Debug, Clone)]
struct Glyph {
    id: u16,
    advance: f32,
    x_offset: f32,
    y_offset: f32,
}

/// The smallest unit of line composition: one grapheme-ish cluster as the shaper returns it.
#[derive(Debug, Clone)]
struct Cluster {
    range: Range<usize>,
    face: FaceId,
    glyphs: Vec<Glyph>,
    first: char,
    last: char,
    /// Natural width after adjacent-punctuation compression.
    width: f32,
    /// Compression already applied on each side.
    squeeze_left: f32,
    squeeze_right: f32,
    /// Further compression this cluster could take to make a line fit.
    spare_left: f32,
    spare_right: f32,
    /// CJK-Latin spacing included in `width`, dropped when the cluster ends a line.
    autospace: f32,
    hard_break: bool,
    space: bool,
    /// Set in the role's Latin face ([`latin_text`]): proportional, never on the CJK grid.
    latin: bool,
}

/// Whether justification may widen the gap between clusters `a` and `b` (clreq, "line adjustment"): in
/// English text only word spaces; in Chinese text also between characters of the CJK grid and
/// at the CJK–Latin boundary, never inside a Latin word. A space that prints nothing (beside a
/// full-width mark) is no gap: the gap after it is the one between the mark and its neighbour.
fn justification_gap(a: &Cluster, b: &Cluster, english: bool) -> bool {
    if b.prints_nothing() {
        return false;
    }
    if english {
        a.space
    } else {
        a.space || b.space || a.cjk(a.last) || b.cjk(b.first)
    }
}

impl Cluster {
    /// One full-width punctuation mark, alone in its cluster (a curly quote set as Latin
    /// text is none).
    fn is_mark(&self) -> bool {
        !self.latin && self.range.len() == self.first.len_utf8() && is_fullwidth_punct(self.first)
    }

    /// Whether `c`, one of this cluster's characters, is set on the CJK em grid.
    fn cjk(&self, c: char) -> bool {
        !self.latin && is_cjk(c)
    }

    /// A closing mark that may hang past the margin at a line's end (W3C clreq §3.1.7 notes
    /// the practice; Word's 允许标点溢出边界, ECMA-376 Part 1, 17.3.1.21).
    fn hangs(&self) -> bool {
        self.is_mark() && is_closing_punct(self.first)
    }

    /// A space that prints nothing: absorbed by a full-width mark beside it
    /// ([`absorb_spaces_at_marks`]).
    fn prints_nothing(&self) -> bool {
        self.space && !self.hard_break && self.width == 0.0
    }
}

/// How a composed line ends: the last of its paragraph (or before a line break of the text,
/// never justified), wrapped (justified text is spread to the measure), or wrapped inside a
/// hyphenated word (a hyphen is drawn at its end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Last,
    Wrap,
    Hyphen,
}

/// A paragraph shaped and ready to be broken into lines.
#[derive(Clone)]
pub struct Shaped {
    text: String,
    clusters: Vec<Cluster>,
    break_before: Vec<bool>,
    /// A word may be hyphenated before this cluster (no other break there).
    hyphen_before: Vec<bool>,
    /// The hyphen drawn at such a break: face, glyph and advance (pt).
    hyphen: Option<(FaceId, Glyph)>,
    style: TextStyle,
}

/// One composed line: its runs (x relative to the line's left edge, y = 0 at the baseline).
#[derive(Debug, Clone)]
pub struct Line {
    pub runs: Vec<TextRun>,
    pub width: f32,
    /// See [`Line::end_compression`].
    end_squeeze: f32,
}

impl Line {
    /// A line with nothing on it.
    pub fn empty() -> Line {
        Line {
            runs: Vec::new(),
            width: 0.0,
            end_squeeze: 0.0,
        }
    }

    /// The line's text as printed (spaces at the break left out).
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// How much the line's last character, a full-width punctuation mark, was compressed
    /// to make the line fit (push-in, clreq §3.1.7): its em less its advance, in pt; 0 when
    /// it was not (or is no such mark).
    pub fn end_compression(&self) -> f32 {
        self.end_squeeze
    }
}

/// Characters no bundled font can draw are collected in `missing`.
pub fn shape(
    text: &str,
    style: TextStyle,
    fonts: &FontBook,
    missing: &mut BTreeSet<char>,
) -> Shaped {
    // A record's line breaks are "\n" by now (`record::normalize_line_breaks`); a tab is a
    // space, other control characters are not printed.
    let text: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let primary = style.face.primary;
    let latin = latin_text(&text, style.language);
    // Assign a face to every char; whitespace follows its neighbour to keep runs long.
    let mut faces: Vec<(usize, char, FaceId)> = Vec::with_capacity(text.len());
    let mut last_face = primary;
    for (i, c) in text.char_indices() {
        let mark = extends_previous(c);
        // Whitespace follows its neighbour; a combining mark stays with its base character
        // when that face has it, so the two shape as one cluster.
        // Default-ignorable characters (joiners, variation selectors, direction marks) are
        // drawn as nothing (the shaper hides them), so no face needs to have them.
        let latin_face = style
            .face
            .latin
            .filter(|&f| latin[i] && fonts.has_glyph(f, c));
        let face = if let Some(f) = latin_face {
            f
        } else if (c.is_whitespace() && fonts.has_glyph(last_face, c))
            || is_default_ignorable(c)
            || (mark && i > 0 && fonts.has_glyph(last_face, c))
        {
            last_face
        } else if c.is_whitespace() {
            primary
        } else {
            match fonts.face_for_char(primary, c, style.language) {
                Some(f) => f,
                None => {
                    missing.insert(c);
                    primary
                }
            }
        };
        if mark && face != last_face {
            // The base's face lacks the mark: draw the whole cluster from the mark's face
            // if it has the base too (as browsers fall back per cluster, not per character).
            let base = faces
                .iter()
                .rposition(|&(_, b, _)| !extends_previous(b) && !b.is_whitespace());
            if let Some(base) = base.filter(|&b| fonts.has_glyph(face, faces[b].1)) {
                for entry in &mut faces[base..] {
                    entry.2 = face;
                }
            }
        }
        last_face = face;
        faces.push((i, c, face));
    }
    let mut clusters = Vec::new();
    let mut run_start = 0;
    while run_start < faces.len() {
        let (byte_start, c, face) = faces[run_start];
        if c == '\n' {
            clusters.push(Cluster {
                range: byte_start..byte_start + 1,
                face,
                glyphs: Vec::new(),
                first: c,
                last: c,
                width: 0.0,
                squeeze_left: 0.0,
                squeeze_right: 0.0,
                spare_left: 0.0,
                spare_right: 0.0,
                autospace: 0.0,
                hard_break: true,
                space: true,
                latin: false,
            });
            run_start += 1;
            continue;
        }
        let mut run_end = run_start + 1;
        while run_end < faces.len() && faces[run_end].2 == face && faces[run_end].1 != '\n' {
            run_end += 1;
        }
        let byte_end = faces.get(run_end).map_or(text.len(), |f| f.0);
        shape_run(
            &text,
            byte_start..byte_end,
            face,
            &style,
            fonts,
            &mut clusters,
        );
        run_start = run_end;
    }
    if style.language.is_chinese() {
        absorb_spaces_at_marks(&mut clusters, style.size);
    }
    compress_adjacent_punctuation(&mut clusters);
    add_cjk_latin_spacing(&mut clusters, style.cjk_latin_spacing * style.size);
    let opportunities = break_opportunities(&text, &latin);
    let break_before: Vec<bool> = clusters
        .iter()
        .map(|c| opportunities[c.range.start])
        .collect();
    // Hyphenation: inside words of the face that has the hyphen (the Latin face).
    let hyphen_face = style.face.latin.unwrap_or(primary);
    let hyphen = if style.hyphenate && style.language == Language::English {
        let face = fonts.face(hyphen_face);
        face.shaper.glyph_index('-').map(|g| {
            let advance = face
                .shaper
                .glyph_hor_advance(g)
                .map_or(0.0, |a| f32::from(a) * style.size / face.units_per_em);
            (
                hyphen_face,
                Glyph {
                    id: g.0,
                    advance,
                    x_offset: 0.0,
                    y_offset: 0.0,
                },
            )
        })
    } else {
        None
    };
    let hyphen_before = match hyphen {
        Some(_) => {
            let points = hyphenation_points(&text);
            (0..clusters.len())
                .map(|i| {
                    i > 0
                        && !break_before[i]
                        && points[clusters[i].range.start]
                        && clusters[i].face == hyphen_face
                        && clusters[i - 1].face == hyphen_face
                })
                .collect()
        }
        None => vec![false; clusters.len()],
    };
    Shaped {
        text,
        clusters,
        break_before,
        hyphen_before,
        hyphen,
        style,
    }
}

/// Where English words in `text` may be hyphenated, by byte offset (`len() + 1` entries):
/// the syllable boundaries of the TeX patterns for US English (hypher, with TeX's
/// \lefthyphenmin 2 and \righthyphenmin 3), in words of at least [`HYPHENATE_MIN`] letters.
/// Words written in capitals (acronyms) and anything in a token with digits, `/`, `@`, `\`
/// or `_` (addresses, file names, codes) are never hyphenated.
pub fn hyphenation_points(text: &str) -> Vec<bool> {
    let mut points = vec![false; text.len() + 1];
    let mut token_start = 0;
    for token in text.split(char::is_whitespace) {
        let start = token_start;
        token_start += token.len() + 1;
        if token
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '/' | '@' | '\\' | '_'))
        {
            continue;
        }
        let mut word_start = None;
        for (i, c) in token.char_indices().chain([(token.len(), ' ')]) {
            let letter = c.is_alphabetic() && crate::layout::is_latin_text(c);
            match (letter, word_start) {
                (true, None) => word_start = Some(i),
                (false, Some(w)) => {
                    word_start = None;
                    let word = &token[w..i];
                    if word.chars().count() < HYPHENATE_MIN || !word.chars().any(char::is_lowercase)
                    {
                        continue;
                    }
                    let mut at = start + w;
                    let syllables: Vec<&str> =
                        hypher::hyphenate(word, hypher::Lang::English).collect();
                    for syllable in &syllables[..syllables.len().saturating_sub(1)] {
                        at += syllable.len();
                        points[at] = true;
                    }
                }
                _ => {}
            }
        }
    }
    points
}

fn shape_run(
    text: &str,
    range: Range<usize>,
    face_id: FaceId,
    style: &TextStyle,
    fonts: &FontBook,
    out: &mut Vec<Cluster>,
) {
    let face = fonts.face(face_id);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(&text[range.clone()]);
    if let Ok(lang) = style.language.tag().parse::<rustybuzz::Language>() {
        buffer.set_language(lang);
    }
    let shaped = face.shape(buffer);
    let scale = style.size / face.units_per_em;
    let infos = shaped.glyph_infos();
    let positions = shaped.glyph_positions();
    let first_new = out.len();
    for (info, pos) in infos.iter().zip(positions) {
        let start = range.start + info.cluster as usize;
        let glyph = Glyph {
            id: info.glyph_id as u16,
            advance: pos.x_advance as f32 * scale,
            x_offset: pos.x_offset as f32 * scale,
            y_offset: pos.y_offset as f32 * scale,
        };
        let in_this_run = out.len() > first_new;
        match out.last_mut() {
            Some(c) if in_this_run && c.range.start == start => {
                c.width += glyph.advance;
                c.glyphs.push(glyph);
            }
            _ => {
                let first = text[start..].chars().next().unwrap_or(' ');
                out.push(Cluster {
                    range: start..start,
                    face: face_id,
                    width: glyph.advance,
                    glyphs: vec![glyph],
                    first,
                    last: first,
                    squeeze_left: 0.0,
                    squeeze_right: 0.0,
                    spare_left: 0.0,
                    spare_right: 0.0,
                    autospace: 0.0,
                    hard_break: false,
                    // Set below, once the cluster's whole text is known.
                    space: false,
                    latin: fonts.is_latin(face_id),
                });
            }
        }
    }
    // Close each cluster's byte range at the next cluster's start.
    for i in first_new..out.len() {
        let end = out.get(i + 1).map_or(range.end, |n| n.range.start);
        let c = &mut out[i];
        c.range.end = end.max(c.range.start);
        c.last = text[c.range.clone()].chars().last().unwrap_or(c.first);
        // A space carrying a combining mark is a character: it is not dropped at a line's end.
        c.space = text[c.range.clone()].chars().all(char::is_whitespace);
        let full_width = !c.latin && c.width >= 0.9 * style.size;
        if full_width && style.tracking != 0.0 {
            c.width += style.tracking;
            if let Some(g) = c.glyphs.last_mut() {
                g.advance += style.tracking;
            }
        }
        // A full-width mark's blank that compression may take, and what it never has, by
        // the region's rules.
        if full_width && c.range.len() == c.first.len_utf8() {
            let rules = PunctuationRules::for_language(style.language);
            let (left, right) = rules.blank(c.first);
            c.spare_left = left * style.size;
            c.spare_right = right * style.size;
            let narrowed = rules.narrowed(c.first) * style.size;
            if narrowed > 0.0 {
                c.squeeze_left = narrowed / 2.0;
                c.squeeze_right = narrowed / 2.0;
                c.width -= narrowed;
            }
        }
    }
}

/// A space typed next to a full-width mark in Chinese text prints nothing: the mark carries
/// its own blank ("会议要求， “防”字" is set as "会议要求，“防”字"; the text keeps the space,
/// `bulletin check` reports it and `--normalize-punctuation` removes it).
fn absorb_spaces_at_marks(clusters: &mut [Cluster], size: f32) {
    let mark = |c: &Cluster| c.is_mark() && c.width >= 0.45 * size;
    let marks: Vec<bool> = clusters.iter().map(mark).collect();
    let n = clusters.len();
    let mut i = 0;
    while i < n {
        if !clusters[i].space || clusters[i].hard_break {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && clusters[i].space && !clusters[i].hard_break {
            i += 1;
        }
        let beside = (start > 0 && marks[start - 1]) || (i < n && marks[i]);
        if beside {
            for c in &mut clusters[start..i] {
                c.width = 0.0;
                c.glyphs.iter_mut().for_each(|g| g.advance = 0.0);
            }
        }
    }
}

/// Adjacent punctuation takes half-width space (clreq §3.1.6): "。”" or "）（" never leave a
/// full em of blank between the marks. Only blank the region's rules give is taken, so a
/// centred mark (Taiwan, Hong Kong) keeps its width and no two marks' ink meet.
fn compress_adjacent_punctuation(clusters: &mut [Cluster]) {
    // Marks are adjacent across spaces that print nothing (see `absorb_spaces_at_marks`).
    let printed: Vec<usize> = (0..clusters.len())
        .filter(|&i| !clusters[i].prints_nothing())
        .collect();
    for pair in printed.windows(2) {
        let (i, j) = (pair[0], pair[1]);
        let (before, after) = clusters.split_at_mut(j);
        let a = &mut before[i];
        let b = &mut after[0];
        if a.spare_right > 0.0 && b.is_mark() {
            a.squeeze_right += a.spare_right;
            a.width -= a.spare_right;
            a.spare_right = 0.0;
        } else if is_fullwidth_punct(a.first) && b.spare_left > 0.0 {
            // An opening mark after a mark with no blank to give (an opening one, or a
            // centred "：" in Taiwan and Hong Kong) gives its own.
            b.squeeze_left += b.spare_left;
            b.width -= b.spare_left;
            b.spare_left = 0.0;
        }
    }
}

/// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): characters that are
/// not shown unless a face draws them — soft hyphen, zero-width space and joiners, direction
/// marks and isolates, word joiner, variation selectors, the byte-order mark, tags.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Ideographs and kana: the characters that take extra space next to Latin text
/// (punctuation already carries its own blank).
fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

fn is_latin_alnum(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// Adds `space` between an ideograph and an adjacent Latin letter or digit (clreq §3.2.2).
/// Text that already has a space there gets none: the clusters are then not adjacent.
fn add_cjk_latin_spacing(clusters: &mut [Cluster], space: f32) {
    if space <= 0.0 {
        return;
    }
    for i in 1..clusters.len() {
        let (a, b) = (clusters[i - 1].last, clusters[i].first);
        if (is_ideograph(a) && is_latin_alnum(b)) || (is_latin_alnum(a) && is_ideograph(b)) {
            let c = &mut clusters[i - 1];
            c.autospace = space;
            c.width += space;
        }
    }
}

impl TextStyle {
    /// How `style` is set in `template` for an article in `language`: the face chosen per
    /// role and language, the size in pt, and the template's typography (CJK-Latin spacing,
    /// line-end punctuation, tracking).
    pub fn for_style(
        template: &crate::template::Template,
        fonts: &FontBook,
        language: Language,
        style: &crate::template::Style,
        bold: bool,
    ) -> TextStyle {
        TextStyle {
            face: fonts.choose(
                style.family,
                style.bold || bold,
                language,
                style.latin_family(),
            ),
            size: style.size.pt(),
            color: style.color,
            language,
            cjk_latin_spacing: template.typography.cjk_latin_spacing,
            line_end: template.typography.line_end_punctuation,
            tracking: style.tracking.pt(),
            hyphenate: template.typography.hyphenate,
        }
    }
}

/// Breaks `shaped` into lines `width` wide, the first indented by `first_indent`. Centred text
/// (titles) is balanced: the narrowest measure that needs no more lines, so a title never
/// ends with one lonely character; the lines are then centred in `width`.
pub fn set_shaped(shaped: &Shaped, align: Align, width: f32, first_indent: f32) -> Vec<Line> {
    let mut lines = shaped.lines(width, first_indent, align);
    if align == Align::Center && lines.len() > 1 {
        // Balance centred titles: the narrowest measure that needs no more lines, so a
        // title never ends with one lonely character.
        let count = lines.len();
        let (mut lo, mut hi) = (width / count as f32, width);
        for _ in 0..14 {
            let mid = (lo + hi) / 2.0;
            if shaped.lines(mid, first_indent, align).len() <= count {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        lines = shaped.lines(hi, first_indent, align);
        // A cluster wider than `hi` is set on a line of its own width: centre what is
        // there, never past the measure.
        let widest = lines.iter().map(|l| l.width).fold(hi, f32::max);
        let shift = ((width - widest) / 2.0).max(0.0);
        for run in lines.iter_mut().flat_map(|l| l.runs.iter_mut()) {
            run.x += shift;
        }
    }
    // Only a line of one cluster (one character with its marks) may be wider than the
    // measure: nothing narrower can hold it.
    debug_assert!(
        lines.iter().all(|l| {
            let clusters: BTreeSet<(usize, usize)> = l
                .runs
                .iter()
                .enumerate()
                .flat_map(|(r, run)| run.glyphs.iter().map(move |g| (r, g.text_range.start)))
                .collect();
            l.width <= width + 0.1 || clusters.len() <= 1
        }),
        "line overflows its measure"
    );
    lines
}

/// Sets a title (centred) over `width`: broken only where `allowed` lets it (byte-indexed,
/// see [`super::words::title_breaks`]), in as few lines as the greedy breaker needs, and
/// among the ways to break it into that many lines the most even (the smallest difference
/// between its longest and shortest line), less `preference` (em, per break) for breaks a
/// reader expects (after the organ's name, before 关于 or 《). Each line is centred.
/// Falls back to [`set_shaped`] when no word boundary fits or the choices are too many.
pub fn set_title(
    shaped: &Shaped,
    width: f32,
    allowed: &[bool],
    preference: impl Fn(usize) -> f32,
) -> Vec<Line> {
    let mut words = shaped.clone();
    for (b, c) in words.break_before.iter_mut().zip(&words.clusters) {
        *b = *b && allowed.get(c.range.start).copied().unwrap_or(false);
    }
    let greedy = words.lines(width, 0.0, Align::Center);
    let count = greedy.len();
    let hard = words.clusters.iter().any(|c| c.hard_break);
    if count <= 1 || hard {
        return set_shaped(shaped, Align::Center, width, 0.0);
    }
    let candidates: Vec<usize> = (1..words.clusters.len())
        .filter(|&i| words.break_before[i])
        .collect();
    // Width of clusters start..end set on a line: spaces at its ends and the last cluster's
    // CJK–Latin space left out. Prefix sums and the nearest non-space clusters make it O(1):
    // the search below asks it hundreds of times per title.
    let n = words.clusters.len();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0f32);
    for c in &words.clusters {
        prefix.push(prefix[prefix.len() - 1] + c.width);
    }
    // first_ink[i]: the first cluster at or after i that is not a space (n if none);
    // ink_end[i]: one past the last cluster before i that is not a space (0 if none).
    let mut first_ink = vec![n; n + 1];
    for i in (0..n).rev() {
        first_ink[i] = if words.clusters[i].space {
            first_ink[i + 1]
        } else {
            i
        };
    }
    let mut ink_end = vec![0; n + 1];
    for i in 1..=n {
        ink_end[i] = if words.clusters[i - 1].space {
            ink_end[i - 1]
        } else {
            i
        };
    }
    let segment = |start: usize, end: usize| -> f32 {
        let s = first_ink[start].min(end);
        let e = ink_end[end].max(s);
        let autospace = if e > 0 {
            words.clusters[e - 1].autospace
        } else {
            0.0
        };
        prefix[e] - prefix[s] - autospace
    };
    // Every choice of count - 1 breaks, in order, each line fitting the measure. A line's
    // width grows with its end, so the search stops trying later ends once a line is too
    // long, and skips ends that leave more text than the remaining lines can hold. Real titles
    // of two to five lines take under 20 steps (the titles of `official-titles.ndjson`);
    // past 2,000 steps (a "title" of nine lines or more) the balanced greedy setting is used.
    let size = words.style.size;
    struct Search<'a> {
        candidates: &'a [usize],
        segment: &'a dyn Fn(usize, usize) -> f32,
        preference: &'a dyn Fn(usize) -> f32,
        width: f32,
        n: usize,
        size: f32,
        tried: usize,
        chosen: Vec<usize>,
        best: Option<(f32, Vec<usize>)>,
    }
    impl Search<'_> {
        /// Places the remaining `left` breaks after cluster `from` (the last break), from
        /// candidate `k` on; `widths` are the lines so far. False when the bound is reached.
        fn walk(
            &mut self,
            from: usize,
            k: usize,
            left: usize,
            widths: (f32, f32),
            bonus: f32,
        ) -> bool {
            self.tried += 1;
            if self.tried > 2_000 {
                return false;
            }
            if left == 0 {
                let last = (self.segment)(from, self.n);
                if last > self.width + EPSILON {
                    return true;
                }
                let (max, min) = (widths.0.max(last), widths.1.min(last));
                let cost = (max - min) - bonus * self.size;
                if self.best.as_ref().is_none_or(|(c, _)| cost < *c - EPSILON) {
                    self.best = Some((cost, self.chosen.clone()));
                }
                return true;
            }
            for j in k..self.candidates.len() {
                let at = self.candidates[j];
                let line = (self.segment)(from, at);
                if line > self.width + EPSILON {
                    break;
                }
                // What is left must fit the lines left.
                if (self.segment)(at, self.n) > (left as f32) * self.width + EPSILON {
                    continue;
                }
                self.chosen.push(at);
                let more = self.walk(
                    at,
                    j + 1,
                    left - 1,
                    (widths.0.max(line), widths.1.min(line)),
                    bonus + (self.preference)(at),
                );
                self.chosen.pop();
                if !more {
                    return false;
                }
            }
            true
        }
    }
    let preference_at = |at: usize| preference(words.clusters[at].range.start);
    let mut search = Search {
        candidates: &candidates,
        segment: &segment,
        preference: &preference_at,
        width,
        n,
        size,
        tried: 0,
        chosen: Vec::new(),
        best: None,
    };
    let complete = search.walk(0, 0, count - 1, (0.0, f32::MAX), 0.0);
    let best = search.best;
    let Some((_, breaks)) = best.filter(|_| complete) else {
        return set_shaped(shaped, Align::Center, width, 0.0);
    };
    let bounds: Vec<usize> = std::iter::once(0)
        .chain(breaks)
        .chain(std::iter::once(n))
        .collect();
    bounds
        .windows(2)
        .map(|w| {
            let mut start = w[0];
            while start < w[1] && words.clusters[start].space {
                start += 1;
            }
            words.compose(start, w[1], 0.0, width, Align::Center, Ending::Last)
        })
        .collect()
}

impl Shaped {
    /// Natural width of the whole text on one line.
    pub fn natural_width(&self) -> f32 {
        self.clusters.iter().map(|c| c.width).sum()
    }

    /// The widths a table column needs for this text, in pt, as CSS defines them for
    /// automatic table layout: (min-content, max-content). Min-content is the widest piece
    /// no line may break inside (for Chinese one character with the punctuation that may not
    /// be parted from it, so that "（三）" is one piece; a Latin word); max-content the widest
    /// line between hard line breaks. Spaces at a break and the CJK–Latin space at a line's
    /// end are not counted.
    pub fn content_widths(&self) -> (f32, f32) {
        let (mut min, mut max) = (0.0f32, 0.0f32);
        let (mut piece, mut line) = (0.0f32, 0.0f32);
        for (i, c) in self.clusters.iter().enumerate() {
            if c.hard_break {
                (piece, line) = (0.0, 0.0);
                continue;
            }
            if self.break_before[i] {
                piece = 0.0;
            }
            if c.space {
                line += c.width;
                continue;
            }
            piece += c.width;
            line += c.width;
            let ends = self
                .clusters
                .get(i + 1)
                .is_none_or(|n| n.hard_break || n.space || self.break_before[i + 1]);
            let end_space = if ends { c.autospace } else { 0.0 };
            min = min.max(piece - end_space);
            max = max.max(line - end_space);
        }
        (min, max)
    }

    /// Breaks into lines of `width`, the first indented by `first_indent`: justified text
    /// by [`Shaped::total_fit`], the rest (and what total fit cannot set) line by line.
    pub fn lines(&self, width: f32, first_indent: f32, align: Align) -> Vec<Line> {
        if align == Align::Justify {
            if let Some(lines) = self.total_fit(width, first_indent) {
                return lines;
            }
        }
        self.lines_greedy(width, first_indent, align)
    }

    /// Where a line beginning at cluster `at` starts: spaces at a wrap go; after a line
    /// break of the text (`after_break`), ideographic spaces (U+3000) stay: they align the
    /// line ("　　　　王某某　　副局长").
    fn line_start(&self, mut at: usize, after_break: bool) -> usize {
        while at < self.clusters.len()
            && self.clusters[at].space
            && !self.clusters[at].hard_break
            && !(after_break && self.text[self.clusters[at].range.clone()].starts_with('\u{3000}'))
        {
            at += 1;
        }
        at
    }

    /// Whole-paragraph line breaking (total fit, after Knuth and Plass; clreq's "line
    /// adjustment" for what Chinese may adjust): of all ways to break each stretch between
    /// line breaks of the text, the one with the least demerits. Fewest lines first; then a line
    /// costs `(LINE_PENALTY + badness)²`, a justified line's badness growing with the cube
    /// of the space it adds per gap (in units of [`STRETCH_EM`]); taking punctuation's blank
    /// in the middle of a line (push-in) costs [`SHRINK_COST`] more, so marks keep their
    /// full width unless the paragraph needs it; a last line of one character (孤字) costs
    /// [`LONE_CHARACTER`]. Lines are then composed as the greedy breaker composes them
    /// (push-in, half-width or hanging line ends). `None` when a line cannot be made to fit
    /// (a word longer than the measure) or the paragraph is too long to search (more than
    /// [`TOTAL_FIT_CLUSTERS`]): the greedy breaker sets it.
    fn total_fit(&self, width: f32, first_indent: f32) -> Option<Vec<Line>> {
        let n = self.clusters.len();
        if n > TOTAL_FIT_CLUSTERS {
            return None;
        }
        let size = self.style.size;
        let english = self.style.language == Language::English;
        // Prefix sums: widths, compressible blank, justification gaps (gap k lies between
        // clusters k - 1 and k, counted as `compose` counts it).
        let mut widths = Vec::with_capacity(n + 1);
        let mut spares = Vec::with_capacity(n + 1);
        let mut gaps = Vec::with_capacity(n + 1);
        // In f64: over a long paragraph f32 sums drift past EPSILON (a full 28-cell line
        // would measure too long after about 4,000 characters).
        let (mut w, mut sp, mut g) = (0.0f64, 0.0f64, 0u32);
        widths.push(w);
        spares.push(sp);
        gaps.push(g);
        for (k, c) in self.clusters.iter().enumerate() {
            w += f64::from(c.width);
            sp += f64::from(c.spare_left + c.spare_right);
            if k > 0 {
                let a = &self.clusters[k - 1];
                g += u32::from(justification_gap(a, c, english));
            }
            widths.push(w);
            spares.push(sp);
            gaps.push(g);
        }
        // ink_end[k]: one past the last cluster before k that is not a space.
        let mut ink_end = vec![0; n + 1];
        for k in 1..=n {
            ink_end[k] = if self.clusters[k - 1].space {
                ink_end[k - 1]
            } else {
                k
            };
        }
        let mut lines = Vec::new();
        let mut segment = 0;
        let mut first = true;
        while segment < n || first {
            let end = (segment..n)
                .find(|&k| self.clusters[k].hard_break)
                .unwrap_or(n);
            let begin = if first {
                segment
            } else {
                self.line_start(segment, true).min(end)
            };
            let indent = if first { first_indent } else { 0.0 };
            if ink_end[end] <= begin {
                // Nothing to print (a blank line between two line breaks): an empty line.
                let avail = (width - indent).max(size);
                lines.push(self.compose(begin, end, indent, avail, Align::Justify, Ending::Last));
                first = false;
                segment = end + 1;
                if end >= n {
                    break;
                }
                continue;
            }
            // Line starts: the segment's beginning and every break opportunity in it.
            let mut points = vec![begin];
            points.extend((begin + 1..end).filter(|&b| self.break_before[b] || self.hyphen_at(b)));
            points.push(end);
            let starts: Vec<usize> = points
                .iter()
                .enumerate()
                .map(|(i, &p)| if i == 0 { p } else { self.line_start(p, false) })
                .collect();
            let m = points.len();
            // Where each line start's text begins, in the prefix sums.
            let start_width: Vec<f64> = starts.iter().map(|&a| widths[a]).collect();
            // Per line start: (lines, demerits) of the best setting up to it, compared lines
            // first, so that no evenness ever buys a line.
            let unreached = (u32::MAX, f64::INFINITY);
            let mut best = vec![unreached; m];
            let mut previous = vec![0usize; m];
            // First with a tolerance (a justified line at most LOOSEST em short of full
            // before it is spread), which leaves a few starts to try for each end; if that
            // sets nothing, with none.
            for loosest in [LOOSEST * size, f32::INFINITY] {
                best.fill(unreached);
                best[0] = (0, 0.0);
                let mut fitting = 0;
                for j in 1..m {
                    let last_line = j == m - 1;
                    let e = ink_end[points[j]];
                    if e == 0 {
                        continue;
                    }
                    let last = &self.clusters[e - 1];
                    let half = if !last_line && self.style.line_end == LineEndPunctuation::Half {
                        last.spare_right
                    } else {
                        0.0
                    };
                    // What may hang at the line's end, as `compose` hangs it.
                    let hang = self.hang_widths(&self.clusters[..e]);
                    // A word broken at the line's end takes a hyphen.
                    let hyphenated = !last_line && self.hyphen_at(points[j]);
                    let hyphen_width = if hyphenated { self.hyphen_width() } else { 0.0 };
                    let end_width =
                        widths[e] - f64::from(last.autospace + half) + f64::from(hyphen_width);
                    // Push-in takes in the closing marks that end the line, as first fit
                    // does: one, or on the 公文 grid two such as ）。 (`choose_break`).
                    let marks = if self.style.line_end == LineEndPunctuation::Hang {
                        2
                    } else {
                        1
                    };
                    let closing: f32 = self.clusters[..e]
                        .iter()
                        .rev()
                        .take(marks)
                        .take_while(|c| no_line_start(c.first))
                        .map(|c| c.width)
                        .sum::<f32>()
                        - half;
                    // Starts after `first` leave lines shorter than the tolerance allows.
                    let first = if last_line {
                        j - 1
                    } else {
                        // The starts with start_width <= threshold are a prefix (the widths
                        // grow); its length moves little from one end to the next.
                        let threshold = end_width - f64::from((width - indent).max(size) - loosest);
                        while fitting < j && start_width[fitting] <= threshold {
                            fitting += 1;
                        }
                        while fitting > 0 && start_width[fitting - 1] > threshold {
                            fitting -= 1;
                        }
                        match fitting.min(j) {
                            0 => continue,
                            k => k - 1,
                        }
                    };
                    for i in (0..=first).rev() {
                        let a = starts[i];
                        if a >= e {
                            continue;
                        }
                        let avail = if i == 0 {
                            (width - indent).max(size)
                        } else {
                            width.max(size)
                        };
                        let natural = (end_width - start_width[i]) as f32;
                        let spare = (spares[e] - spares[a]) as f32 - half;
                        let hung = if natural > avail + EPSILON {
                            hang.iter()
                                .copied()
                                .find(|&h| h > 0.0 && natural - h <= avail + EPSILON)
                                .unwrap_or(0.0)
                        } else {
                            0.0
                        };
                        let set = natural - hung;
                        // How many times the loose limit this line's gaps are (0 if within).
                        let mut looseness = 0.0f64;
                        let badness = if set <= avail + EPSILON {
                            if last_line {
                                0.0
                            } else {
                                let count = (gaps[e] - gaps[a + 1]) as f32;
                                let clusters = (e - a) as f32;
                                let room = (avail - set).max(0.0);
                                let per_gap = if count > 0.0 {
                                    room / count
                                } else if clusters > 1.0 && !english {
                                    room / (clusters - 1.0)
                                } else {
                                    room
                                };
                                let (stretch, loose) = if english {
                                    (WORD_SPACE_STRETCH_EM, WORD_SPACE_LOOSE_EM)
                                } else {
                                    (STRETCH_EM, LOOSE_EM)
                                };
                                let r = per_gap / (stretch * size);
                                if per_gap > loose * size {
                                    looseness = f64::from(per_gap / (loose * size));
                                }
                                f64::from((100.0 * r * r * r).min(MAX_BADNESS))
                            }
                        } else if closing > 0.0 && set - closing <= avail + EPSILON {
                            // Push-in, as first fit does it: only to take in closing marks
                            // that would otherwise start the next line, never to save a
                            // line by squeezing marks for its own sake.
                            if set - spare > avail + EPSILON {
                                break;
                            }
                            let r = (set - avail) / spare.max(EPSILON);
                            f64::from(100.0 * r * r * r + SHRINK_COST)
                        } else {
                            // Longer still further back: no earlier start fits either.
                            break;
                        };
                        if best[i] == unreached {
                            continue;
                        }
                        let mut demerits =
                            (LINE_PENALTY + badness).powi(2) + LOOSE_COST * looseness;
                        if last_line && i > 0 && self.lone_character(a, e) {
                            demerits += LONE_CHARACTER;
                        }
                        let after_hyphen = i > 0 && self.hyphen_at(points[i]);
                        if hyphenated {
                            demerits += HYPHEN;
                            if after_hyphen {
                                demerits += DOUBLE_HYPHEN;
                            }
                        }
                        if last_line && after_hyphen {
                            demerits += FINAL_HYPHEN;
                        }
                        let total = (best[i].0 + 1, best[i].1 + demerits);
                        if total.0 < best[j].0 || (total.0 == best[j].0 && total.1 < best[j].1) {
                            best[j] = total;
                            previous[j] = i;
                        }
                    }
                }
                if best[m - 1] != unreached {
                    break;
                }
            }
            if best[m - 1] == unreached {
                return None;
            }
            let mut chosen = vec![m - 1];
            while let Some(&j) = chosen.last() {
                if j == 0 {
                    break;
                }
                chosen.push(previous[j]);
            }
            chosen.reverse();
            for pair in chosen.windows(2) {
                let (i, j) = (pair[0], pair[1]);
                let line_indent = if i == 0 { indent } else { 0.0 };
                let avail = (width - line_indent).max(size);
                let justify = j != m - 1;
                lines.push(self.compose(
                    starts[i],
                    points[j],
                    line_indent,
                    avail,
                    Align::Justify,
                    if !justify {
                        Ending::Last
                    } else if self.hyphen_at(points[j]) {
                        Ending::Hyphen
                    } else {
                        Ending::Wrap
                    },
                ));
            }
            first = false;
            segment = end + 1;
            if end >= n {
                break;
            }
        }
        Some(lines)
    }

    /// Whether a word may be hyphenated before cluster `k` ([`hyphenation_points`]).
    fn hyphen_at(&self, k: usize) -> bool {
        self.hyphen_before.get(k).copied().unwrap_or(false)
    }

    /// The advance of the hyphen a hyphenated line ends with, in pt.
    fn hyphen_width(&self) -> f32 {
        self.hyphen.as_ref().map_or(0.0, |(_, g)| g.advance)
    }

    /// What may hang past the measure at the end of `line` (`line_end_punctuation = "hang"`):
    /// the width of its last closing mark and of its last two together, each 0 where they do
    /// not all hang or would take more than one character's room past the margin.
    fn hang_widths(&self, line: &[Cluster]) -> [f32; 2] {
        let mut widths = [0.0; 2];
        if self.style.line_end != LineEndPunctuation::Hang {
            return widths;
        }
        let mut width = 0.0;
        for (slot, c) in widths.iter_mut().zip(line.iter().rev()) {
            width += c.width;
            if !c.hangs() || width > self.style.size + EPSILON {
                break;
            }
            *slot = width;
        }
        widths
    }

    /// Whether clusters `a..e` hold one character alone, with at most the marks that follow
    /// it ("好。"): a paragraph's last line to avoid (孤字).
    fn lone_character(&self, a: usize, e: usize) -> bool {
        self.clusters[a..e]
            .iter()
            .filter(|c| !c.space && !c.is_mark())
            .count()
            <= 1
    }

    /// First fit: each line takes what fits, then [`Shaped::choose_break`] settles its end.
    fn lines_greedy(&self, width: f32, first_indent: f32, align: Align) -> Vec<Line> {
        let n = self.clusters.len();
        let mut lines = Vec::new();
        let mut start = 0;
        let mut first = true;
        // Whether the line starts after a line break of the text, not where a line wrapped.
        let mut after_break = false;
        while start < n {
            if !first {
                start = self.line_start(start, after_break);
                if start == n {
                    break;
                }
            }
            let indent = if first { first_indent } else { 0.0 };
            let avail = (width - indent).max(self.style.size);
            let mut used = 0.0;
            let mut end = start;
            let mut hard = false;
            while end < n {
                let c = &self.clusters[end];
                if c.hard_break {
                    hard = true;
                    break;
                }
                if used + c.width - c.autospace > avail + EPSILON && !c.space {
                    break;
                }
                used += c.width;
                end += 1;
            }
            if hard || end == n {
                lines.push(self.compose(start, end, indent, avail, align, Ending::Last));
                start = if hard { end + 1 } else { end };
                first = false;
                after_break = hard;
                continue;
            }
            let end = self.choose_break(start, end, avail);
            lines.push(self.compose(start, end, indent, avail, align, Ending::Wrap));
            start = end;
            first = false;
            after_break = false;
        }
        if lines.is_empty() {
            lines.push(Line {
                runs: Vec::new(),
                width: 0.0,
                end_squeeze: 0.0,
            });
        }
        lines
    }

    /// `overflow` is the first cluster that did not fit. Prefer breaking right there; else
    /// pull one prohibited mark onto the line by compressing punctuation (push-in); else move
    /// characters down to the last allowed break (push-out); never overflow the measure.
    fn choose_break(&self, start: usize, overflow: usize, avail: f32) -> usize {
        let allowed = |i: usize| i >= self.clusters.len() || self.break_before[i];
        if allowed(overflow) && overflow > start {
            return overflow;
        }
        let c = &self.clusters[overflow];
        // Hanging punctuation: the closing marks that found no room (one, or two together
        // such as 。”) go on the line past the margin; `compose` hangs them.
        if self.style.line_end == LineEndPunctuation::Hang && overflow > start {
            let hangs = |i: usize| self.clusters.get(i).is_some_and(Cluster::hangs);
            if hangs(overflow) && allowed(overflow + 1) {
                return overflow + 1;
            }
            // Two marks hang only within one character's room; else `compose` pushes them
            // in, if the line's punctuation has the blank to give.
            if hangs(overflow) && hangs(overflow + 1) && allowed(overflow + 2) {
                let line = &self.clusters[start..overflow + 2];
                let natural: f32 = line.iter().map(|c| c.width).sum();
                let spare: f32 = line.iter().map(|c| c.spare_left + c.spare_right).sum();
                if self.hang_widths(line)[1] > 0.0 || natural - spare <= avail + EPSILON {
                    return overflow + 2;
                }
            }
        }
        if no_line_start(c.first) && allowed(overflow + 1) {
            let range = start..overflow + 1;
            let natural: f32 = self.clusters[range.clone()].iter().map(|c| c.width).sum();
            let spare: f32 = self.clusters[range]
                .iter()
                .map(|c| c.spare_left + c.spare_right)
                .sum();
            if natural - spare <= avail + EPSILON {
                return overflow + 1;
            }
        }
        if let Some(b) = (start + 1..overflow).rev().find(|&b| allowed(b)) {
            return b;
        }
        // A single unbreakable word longer than the line: break it where it overflows, but
        // not between a character and its combining marks.
        let mut at = overflow.max(start + 1);
        while at > start + 1
            && self
                .clusters
                .get(at)
                .is_some_and(|c| extends_previous(c.first))
        {
            at -= 1;
        }
        at
    }

    fn compose(
        &self,
        start: usize,
        end: usize,
        indent: f32,
        avail: f32,
        align: Align,
        ending: Ending,
    ) -> Line {
        let justify = ending != Ending::Last;
        let mut last = end;
        while last > start && self.clusters[last - 1].space {
            last -= 1;
        }
        let clusters = &self.clusters[start..last];
        let mut squeeze = vec![(0.0f32, 0.0f32); clusters.len()];
        // CJK-Latin space and (if asked) half the blank of a closing mark do not end a line.
        let mut trailing = clusters.last().map_or(0.0, |c| c.autospace);
        if let Some(c) = clusters.last() {
            if justify && self.style.line_end == LineEndPunctuation::Half && c.spare_right > 0.0 {
                trailing += c.spare_right;
                if let Some(s) = squeeze.last_mut() {
                    s.1 = c.spare_right;
                }
            }
        }
        let hyphen = if ending == Ending::Hyphen {
            self.hyphen.as_ref()
        } else {
            None
        };
        let natural: f32 = clusters.iter().map(|c| c.width).sum::<f32>() - trailing
            + hyphen.map_or(0.0, |(_, g)| g.advance);
        // Hanging punctuation: closing marks at the end of a line that do not fit are set past
        // the measure at their width; the clusters before them fill the measure.
        let mut set = clusters.len();
        let mut hung = 0.0;
        if natural > avail + EPSILON {
            let widths = self.hang_widths(clusters);
            if let Some(k) = widths
                .iter()
                .position(|&h| h > 0.0 && natural - h <= avail + EPSILON)
            {
                (set, hung) = (clusters.len() - (k + 1), widths[k]);
            }
        }
        let natural = natural - hung;
        let mut extra = vec![0.0f32; clusters.len()];
        let mut width = natural;
        if natural > avail + EPSILON {
            // Push-in: take the overflow from the punctuation's spare blank, proportionally.
            let spare: f32 = clusters
                .iter()
                .zip(&squeeze)
                .map(|(c, s)| c.spare_left + c.spare_right - s.1)
                .sum();
            if spare > 0.0 {
                let ratio = ((natural - avail) / spare).min(1.0);
                for (s, c) in squeeze.iter_mut().zip(clusters) {
                    *s = (c.spare_left * ratio, s.1 + (c.spare_right - s.1) * ratio);
                }
                width = natural - spare * ratio;
            }
        } else if justify && align == Align::Justify && set > 1 {
            let english = self.style.language == Language::English;
            let gaps: Vec<usize> = (0..set - 1)
                .filter(|&i| justification_gap(&clusters[i], &clusters[i + 1], english))
                .collect();
            // A Chinese line holding only one Latin word or number: letter-space it rather
            // than leave a ragged line in a justified paragraph.
            let gaps = if gaps.is_empty() && !english {
                (0..set - 1).collect()
            } else {
                gaps
            };
            if !gaps.is_empty() {
                let each = (avail - natural) / gaps.len() as f32;
                for g in gaps {
                    extra[g] = each;
                }
                width = avail;
            }
        }
        let offset = match align {
            Align::Center => ((avail - width) / 2.0).max(0.0),
            Align::Right => (avail - width).max(0.0),
            _ => 0.0,
        };
        let mut runs: Vec<TextRun> = Vec::new();
        let mut x = indent + offset;
        let last_index = clusters.len().saturating_sub(1);
        for (i, c) in clusters.iter().enumerate() {
            let (sq_l, sq_r) = squeeze[i];
            let left = c.squeeze_left + sq_l;
            let autospace = if i == last_index { 0.0 } else { c.autospace };
            let adjust = extra[i] + autospace - sq_l - sq_r - c.squeeze_left - c.squeeze_right;
            let same_run = runs
                .last()
                .is_some_and(|r| r.face == c.face && r.byte_end == c.range.start);
            if !same_run {
                runs.push(TextRun {
                    face: c.face,
                    size: self.style.size,
                    x,
                    y: 0.0,
                    glyphs: Vec::new(),
                    text: String::new(),
                    color: self.style.color,
                    // A Latin face has its own bold.
                    synthetic_bold: self.style.face.synthetic_bold && !c.latin,
                    tag: None,
                    byte_start: c.range.start,
                    byte_end: c.range.start,
                });
            }
            let Some(run) = runs.last_mut() else { continue };
            let base = run.byte_start;
            let count = c.glyphs.len();
            for (k, g) in c.glyphs.iter().enumerate() {
                let mut advance = g.advance;
                let mut x_offset = g.x_offset;
                if k == 0 {
                    x_offset -= left;
                }
                if k + 1 == count {
                    advance += adjust;
                }
                run.glyphs.push(PlacedGlyph {
                    id: g.id,
                    x_advance: advance,
                    x_offset,
                    y_offset: g.y_offset,
                    text_range: c.range.start - base..c.range.end - base,
                });
                x += advance;
            }
            run.byte_end = c.range.end;
        }
        for run in &mut runs {
            run.text = self.text[run.byte_start..run.byte_end].to_owned();
        }
        // How much a closing mark ending the line lost of its em (push-in, a half-width line
        // end, adjacent-punctuation compression), for writers that must say so themselves.
        let end_squeeze = match (clusters.last(), runs.last().and_then(|r| r.glyphs.last())) {
            (Some(c), Some(g)) if !c.latin && is_closing_punct(c.last) => {
                (self.style.size - g.x_advance).max(0.0)
            }
            _ => 0.0,
        };
        // The hyphen of a word broken at the line's end: a glyph that spells nothing of the
        // text (an empty text range), so extraction gives the word whole.
        if let Some((face, g)) = hyphen {
            let end = runs.last().map_or(0, |r| r.text.len());
            match runs.last_mut() {
                Some(run) if run.face == *face => run.glyphs.push(PlacedGlyph {
                    id: g.id,
                    x_advance: g.advance,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    text_range: end..end,
                }),
                _ => {}
            }
        }
        Line {
            runs,
            width: width + offset,
            end_squeeze,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::breaking::no_line_end;
    use super::super::PlacedGlyph;
    use super::*;
    use crate::template::Family;

    fn style(fonts: &FontBook) -> TextStyle {
        TextStyle {
            face: fonts.choose(
                Family::Song,
                false,
                Language::SimplifiedChinese,
                crate::template::LatinFamily::Serif,
            ),
            size: 12.0,
            color: Color::default(),
            language: Language::SimplifiedChinese,
            cjk_latin_spacing: 0.25,
            line_end: LineEndPunctuation::Full,
            tracking: 0.0,
            hyphenate: true,
        }
    }

    fn line_texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.runs.iter().map(|r| r.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn every_line_break_of_a_record_breaks_the_line() {
        let fonts = FontBook::discover(None).unwrap();
        for text in [
            "第一行\n第二行",
            "第一行\r\n第二行",
            "第一行\r第二行",
            "第一行\u{b}第二行",
            "第一行\u{2028}第二行",
        ] {
            let record = crate::record::normalize_line_breaks(text);
            let text = record.as_deref().unwrap_or(text);
            let shaped = shape(text, style(&fonts), &fonts, &mut BTreeSet::new());
            let lines = shaped.lines(400.0, 0.0, Align::Left);
            assert_eq!(line_texts(&lines), ["第一行", "第二行"], "{text:?}");
        }
    }

    #[test]
    fn justified_lines_fill_the_measure_and_respect_prohibitions() {
        let fonts = FontBook::discover(None).unwrap();
        let text = "赵世德指出，2024年，全区生态环境系统在自治区党委和政府的坚强领导下，在生态环境部的指导帮助下，始终牢记“国之大者”，推动落实习近平总书记对内蒙古重要指示精神和“两件大事”取得新成效。";
        let shaped = shape(text, style(&fonts), &fonts, &mut BTreeSet::new());
        for width in [120.0, 150.0, 156.0, 168.0, 200.0, 333.0] {
            let lines = shaped.lines(width, 24.0, Align::Justify);
            let texts = line_texts(&lines);
            assert_eq!(texts.concat(), text, "width {width}");
            for (i, (l, t)) in lines.iter().zip(&texts).enumerate() {
                let first = t.chars().next().unwrap();
                assert!(
                    i == 0 || !no_line_start(first),
                    "line starts with {first} at width {width}: {texts:?}"
                );
                let last = t.chars().last().unwrap();
                assert!(
                    !super::super::breaking::no_line_end(last),
                    "line ends with {last}"
                );
                let indent = if i == 0 { 24.0 } else { 0.0 };
                assert!(
                    l.width <= width - indent + 0.05,
                    "overflow at width {width}"
                );
                if i + 1 < lines.len() {
                    assert!(
                        (l.width - (width - indent)).abs() < 0.05,
                        "line {i} not justified: {} vs {width}",
                        l.width
                    );
                    let drawn: f32 = l
                        .runs
                        .iter()
                        .flat_map(|r| &r.glyphs)
                        .map(|g| g.x_advance)
                        .sum();
                    assert!((drawn - l.width).abs() < 0.05);
                }
            }
        }
    }

    #[test]
    fn adjacent_punctuation_is_half_width() {
        let fonts = FontBook::discover(None).unwrap();
        let s = style(&fonts);
        let pair = shape("。”", s, &fonts, &mut BTreeSet::new()).natural_width();
        let single = shape("。", s, &fonts, &mut BTreeSet::new()).natural_width();
        assert!((single - 12.0).abs() < 0.1, "full-width stop: {single}");
        assert!(
            pair < 2.0 * single - 5.0,
            "pair {pair} should be compressed"
        );
    }

    #[test]
    fn missing_characters_are_reported() {
        let fonts = FontBook::discover(None).unwrap();
        let mut missing = BTreeSet::new();
        shape("a\u{E000}b", style(&fonts), &fonts, &mut missing);
        assert_eq!(missing.into_iter().collect::<Vec<_>>(), vec!['\u{E000}']);
        // Default-ignorable characters are drawn as nothing; no face needs them.
        let mut missing = BTreeSet::new();
        let shaped = shape(
            "甲\u{FE0F}\u{200D}\u{200B}\u{00AD}乙",
            style(&fonts),
            &fonts,
            &mut missing,
        );
        assert!(missing.is_empty(), "{missing:?}");
        assert!(
            (shaped.natural_width() - 24.0).abs() < 0.01,
            "{}",
            shaped.natural_width()
        );
    }

    /// Small deterministic generator (xorshift) so the property test needs no extra crate.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn random_paragraph(rng: &mut Rng) -> String {
        const HAN: &[&str] = &[
            "生态",
            "环境",
            "保护",
            "会议",
            "自治区",
            "草原",
            "工作",
            "推进",
            "治理",
            "发展",
        ];
        const LATIN: &[&str] = &[
            "PM2.5", "5.2%", "PDF", "Zoom", "2025", "NMG-001", "a.b", "OK",
        ];
        const PUNCT: &[&str] = &[
            "，", "。", "、", "；", "：", "？", "！", "“", "”", "（", "）", "《", "》", "——", "……",
            ",", ".", "(", ")", " ",
        ];
        let mut s = String::new();
        for _ in 0..20 + rng.below(120) {
            let piece = match rng.below(10) {
                0..=5 => HAN[rng.below(HAN.len())],
                6 => LATIN[rng.below(LATIN.len())],
                _ => PUNCT[rng.below(PUNCT.len())],
            };
            s.push_str(piece);
        }
        s.trim().to_owned()
    }

    #[test]
    fn random_paragraphs_keep_every_character_and_every_rule() {
        let fonts = FontBook::discover(None).unwrap();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..300 {
            let text = random_paragraph(&mut rng);
            let width = 12.0 * (8 + rng.below(30)) as f32;
            let shaped = shape(&text, style(&fonts), &fonts, &mut BTreeSet::new());
            let lines = shaped.lines(width, 24.0, Align::Justify);
            let texts = line_texts(&lines);
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(
                squeeze(&texts.concat()),
                squeeze(&text),
                "round {round}: characters lost or moved"
            );
            for (i, (line, t)) in lines.iter().zip(&texts).enumerate() {
                let indent = if i == 0 { 24.0 } else { 0.0 };
                assert!(
                    line.width <= width - indent + 0.05,
                    "round {round}: line {i} overflows: {t}"
                );
                // A mark may only start a line where the text offers no break at all
                // (a run of marks longer than the line), which this generator cannot make.
                if i > 0 {
                    let first = t.chars().next().unwrap();
                    assert!(
                        !no_line_start(first),
                        "round {round}: line {i} starts with {first}: {texts:?}"
                    );
                }
                let last = t.chars().last().unwrap();
                let is_last = i + 1 == lines.len();
                assert!(
                    is_last || !no_line_end(last),
                    "round {round}: line {i} ends with {last}: {texts:?}"
                );
                assert!(
                    !(t.starts_with('—') && i > 0 && texts[i - 1].ends_with('—')),
                    "round {round}: —— split"
                );
                assert!(
                    !(t.starts_with('…') && i > 0 && texts[i - 1].ends_with('…')),
                    "round {round}: …… split"
                );
                // A line of one character has no gap to spread space into.
                if i + 1 < lines.len() && t.chars().count() > 1 {
                    assert!(
                        (line.width - (width - indent)).abs() < 0.05,
                        "round {round}: line {i} not justified: {} of {}: {texts:?}",
                        line.width,
                        width - indent
                    );
                }
            }
        }
    }

    #[test]
    fn half_width_line_end_sets_the_closing_mark_flush() {
        let fonts = FontBook::discover(None).unwrap();
        let mut st = style(&fonts);
        st.line_end = LineEndPunctuation::Half;
        let text = "生态环境保护工作，".repeat(12);
        let shaped = shape(&text, st, &fonts, &mut BTreeSet::new());
        // 9 characters fit a line of 108pt exactly, so every full line ends with "，".
        let lines = shaped.lines(108.0, 0.0, Align::Justify);
        let mut checked = 0;
        for line in &lines[..lines.len() - 1] {
            let glyphs: Vec<&PlacedGlyph> = line.runs.iter().flat_map(|r| &r.glyphs).collect();
            let last = glyphs.last().unwrap();
            let total: f32 = glyphs.iter().map(|g| g.x_advance).sum();
            assert!((total - 108.0).abs() < 0.05, "line not flush: {total}");
            if line.runs.last().unwrap().text.ends_with('，') {
                assert!(
                    (last.x_advance - 6.0).abs() < 0.05,
                    "mark not half-width: {}",
                    last.x_advance
                );
                checked += 1;
            }
        }
        assert!(checked > 3);
    }

    /// Total fit leaves no character alone on a paragraph's last line where first fit does,
    /// in as many lines, by spreading an earlier line a little rather than squeezing marks.
    #[test]
    fn total_fit_leaves_no_character_alone() {
        let fonts = FontBook::discover(None).unwrap();
        let st = style(&fonts);
        // 12 pt characters on a 360 pt line: thirty a line; 91 characters leave one alone.
        let text =
            "生态环境保护工作稳步推进各地成效明显提升".repeat(4) + "并持续巩固各项工作成果。";
        let text = text.as_str();
        let shaped = shape(text, st, &fonts, &mut BTreeSet::new());
        let greedy = shaped.lines_greedy(360.0, 0.0, Align::Justify);
        let total = shaped.lines(360.0, 0.0, Align::Justify);
        let texts = |lines: &[Line]| lines.iter().map(Line::text).collect::<Vec<_>>();
        assert_eq!(
            texts(&greedy).last().map(|t| t.chars().count()),
            Some(2),
            "{:?}",
            texts(&greedy)
        );
        assert_eq!(greedy.len(), total.len());
        let last = texts(&total).pop().unwrap_or_default();
        assert!(
            last.chars().filter(|c| !is_fullwidth_punct(*c)).count() >= 2,
            "{:?}",
            texts(&total)
        );
        assert_eq!(texts(&total).concat(), text);
        // Every line but the last fills the measure; no mark gives up its blank.
        for line in &total[..total.len() - 1] {
            assert!((line.width - 360.0).abs() < 0.05, "{:?}", texts(&total));
            for g in line.runs.iter().flat_map(|r| &r.glyphs) {
                assert!(g.x_advance >= 11.99, "{:?}", texts(&total));
            }
        }
    }

    /// Total fit never takes more lines than first fit, whatever the paragraph: two closing
    /// marks taken in at a line's end (）。 on the grid), a line that can only be loose
    /// (Latin words that do not divide), a paragraph long enough for f32 sums to drift. Cases
    /// found by review; each once took a line more than first fit.
    #[test]
    fn total_fit_never_takes_more_lines_than_first_fit() {
        let fonts = FontBook::discover(None).unwrap();
        let mut grid = style(&fonts);
        grid.line_end = LineEndPunctuation::Hang;
        let mut half = style(&fonts);
        half.line_end = LineEndPunctuation::Half;
        let long = "生态环境保护工作稳步推进".repeat(500);
        let mixed =
            "023年度国家污染防治攻坚战成效考核成绩实现了由良好到（Protection Modernization \
                     Convention United on）全部完成（United Change Convention Climate Barrier \
                     Modernization Climate）穿一条主线、办好（Environmental Nations）染治理和自然\
                     生态保（Environmental of Nations Climate）。";
        let cases: [(&str, TextStyle, f32, f32); 4] = [
            (
                "生态环境保护，工作稳步推进，各地成效明显提升持续巩固）。",
                grid,
                336.0,
                24.0,
            ),
            (
                "生态环境保护工作稳步推进各地成效明显提升持续巩固成果”，此后继续",
                grid,
                336.0,
                0.0,
            ),
            (&long, grid, 336.0, 24.0),
            (mixed, half, 453.5, 24.0),
        ];
        for (text, st, width, indent) in cases {
            let shaped = shape(text, st, &fonts, &mut BTreeSet::new());
            let greedy = shaped.lines_greedy(width, indent, Align::Justify);
            let total = shaped.lines(width, indent, Align::Justify);
            let head: String = text.chars().take(20).collect();
            assert_eq!(total.len(), greedy.len(), "{head}");
            // Nothing past the margin but one hanging mark.
            for line in &total {
                assert!(line.width <= width + 0.05, "{}", line.text());
            }
        }
    }

    /// On a character grid a closing mark that finds no room hangs past the measure: the
    /// line's characters keep their advance (no push-in squeezing them, no push-out
    /// spreading them) and the mark starts exactly at the margin.
    #[test]
    fn hanging_line_end_keeps_every_character_on_its_cell() {
        let fonts = FontBook::discover(None).unwrap();
        let mut st = style(&fonts);
        let text = "生态环境保护工作好，".repeat(6) + "全面推进";
        // Nine characters fill 108 pt; the tenth, "，", finds no room.
        let advances = |st: TextStyle| -> Vec<Vec<(char, f32, f32)>> {
            let shaped = shape(&text, st, &fonts, &mut BTreeSet::new());
            shaped
                .lines(108.0, 0.0, Align::Justify)
                .iter()
                .map(|line| {
                    line.runs
                        .iter()
                        .flat_map(|r| {
                            let mut x = r.x;
                            r.glyphs.iter().map(move |g| {
                                let at = x;
                                x += g.x_advance;
                                let c = r.text[g.text_range.clone()].chars().next().unwrap_or(' ');
                                (c, at, g.x_advance)
                            })
                        })
                        .collect()
                })
                .collect()
        };
        st.line_end = LineEndPunctuation::Hang;
        let hung = advances(st);
        assert_eq!(hung.len(), 7, "{hung:?}");
        for line in &hung[..6] {
            assert_eq!(line.len(), 10);
            for (i, &(_, x, advance)) in line[..9].iter().enumerate() {
                assert!((x - 12.0 * i as f32).abs() < 0.01 && (advance - 12.0).abs() < 0.01);
            }
            assert_eq!(line[9].0, '，');
            assert!(
                (line[9].1 - 108.0).abs() < 0.01,
                "the mark hangs at the margin"
            );
        }
        // Without hanging the first line cannot take the mark in (it has no other mark to
        // compress), so it pushes "好" down and spreads eight characters over nine cells.
        st.line_end = LineEndPunctuation::Full;
        let pushed = advances(st);
        assert_eq!(pushed[0].len(), 8, "{:?}", pushed[0]);
        assert!(pushed[0][..7].iter().all(|&(_, _, a)| a > 13.5));
    }

    #[test]
    fn english_words_hyphenate_at_their_syllables_only() {
        let points = |text: &str| -> Vec<usize> {
            let p = hyphenation_points(text);
            (0..=text.len()).filter(|&i| p[i]).collect()
        };
        // "environmental": en-vi-ron-men-tal.
        let text = "the environmental plan";
        let got = points(text);
        assert!(!got.is_empty(), "{got:?}");
        for at in got {
            assert!((4..4 + "environmental".len()).contains(&at), "{at}");
            assert!(at >= 4 + 2 && at <= 4 + "environmental".len() - 3, "{at}");
        }
        // Short words, capitals, addresses and codes never.
        for text in [
            "the plan is good",
            "NASA UNESCO",
            "https://example.gov.cn/notices",
            "COVID19abc",
            "file_name_long",
        ] {
            assert!(points(text).is_empty(), "{text}: {:?}", points(text));
        }
    }

    #[test]
    fn hyphenation_narrows_english_word_spaces_and_keeps_the_text() {
        let fonts = FontBook::discover(None).unwrap();
        let mut english = style(&fonts);
        english.language = Language::English;
        english.size = 10.5;
        let text = "The Department invites comments from the public on the draft plan for \
            protecting and restoring grassland ecosystems in the region for the period from \
            twenty twenty-five to twenty thirty. The draft sets targets for vegetation cover, \
            grazing balance and the restoration of degraded land, and proposes measures for \
            monitoring and enforcement, consultation with herders, municipalities and research \
            institutions, and the publication of environmental information.";
        // The widest word space of a setting's justified lines, in em.
        let widest = |lines: &[Line]| -> f32 {
            let mut widest = 0.0f32;
            for line in &lines[..lines.len() - 1] {
                for run in &line.runs {
                    for g in &run.glyphs {
                        if run.text.get(g.text_range.clone()) == Some(" ") {
                            widest = widest.max(g.x_advance / english.size);
                        }
                    }
                }
            }
            widest
        };
        let width = 300.0;
        let mut plain = english;
        plain.hyphenate = false;
        let without =
            shape(text, plain, &fonts, &mut BTreeSet::new()).lines(width, 21.0, Align::Justify);
        let shaped = shape(text, english, &fonts, &mut BTreeSet::new());
        let with = shaped.lines(width, 21.0, Align::Justify);
        assert!(
            widest(&with) < widest(&without),
            "{} em with hyphenation, {} without",
            widest(&with),
            widest(&without)
        );
        // A hyphenated line ends with the glyph that spells nothing.
        let hyphenated = |l: &Line| {
            l.runs
                .last()
                .and_then(|r| r.glyphs.last())
                .is_some_and(|g| g.text_range.is_empty())
        };
        let hyphens = with.iter().filter(|l| hyphenated(l)).count();
        assert!(hyphens > 0, "no word hyphenated");
        // Each hyphenated line spells its part of the word, no hyphen added to the text, and
        // no two hyphenated lines in a row here.
        let joined: String = with
            .iter()
            .map(|l| l.text() + if hyphenated(l) { "" } else { " " })
            .collect();
        assert_eq!(joined.trim_end(), text);
        for line in &with {
            assert!(line.width <= width + 0.05, "{}", line.text());
        }
    }
}
