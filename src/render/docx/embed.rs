//! Fonts embedded in the DOCX, as Word does with "Embed fonts in the file" and "Embed only the
//! characters used" (ECMA-376 Part 1, 17.8.1): each face the document uses is subset to the
//! document's characters, obfuscated with a key from `fontTable.xml` and stored as
//! `word/fonts/fontN.odttf`. The document then names the embedded families instead of the
//! installed Chinese fonts (宋体, …), so a reader without them sees the faces of the PDF.
//!
//! Each embedded family is named after its face and its subsets' content, "FandolSong-1a2b3c4d"
//! (the same name in `fontTable.xml`, the styles, the runs and the font's own `name` table),
//! and marked `w:subsetted` (ECMA-376 Part 1, 17.8.3.3). A reader that keeps the fonts of every
//! open document by family name (LibreOffice writes them to files named after the family and
//! keeps the first) would otherwise draw a second document with the first one's subset, whose
//! characters differ.

use super::{font_entry, font_names, named_faces, XML_HEAD};
use crate::fonts::{subset::subset, Face, FontBook};
use crate::record::Language;
use crate::render::xml::escape;
use crate::template::Family;
use rustybuzz::ttf_parser;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

const FAMILIES: [Family; 5] = [
    Family::Song,
    Family::Hei,
    Family::Fang,
    Family::Kai,
    Family::Serif,
];
const REL_FONT: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font";

/// One embedded family: its regular and (when a real bold face exists and is used) bold subset.
struct Embedded<'a> {
    name: String,
    installed: &'static str,
    regular_face: Option<&'a Face>,
    regular: Vec<char>,
    bold: Option<(&'a Face, Vec<char>)>,
}

/// Rewrites `parts` (the DOCX's parts, by name) to carry the fonts it uses.
pub(super) fn embed(
    parts: &mut Vec<(String, Vec<u8>)>,
    fonts: &FontBook,
    language: Language,
) -> Result<(), String> {
    let text_parts = |name: &str| {
        name == "word/document.xml"
            || name == "word/styles.xml"
            || name == "word/numbering.xml"
            || name.starts_with("word/header")
            || name.starts_with("word/footer")
    };
    // Which characters each face (installed family name, bold) sets.
    let mut styles: BTreeMap<String, (&'static str, bool)> = BTreeMap::new();
    if let Some((_, bytes)) = parts.iter().find(|(n, _)| n == "word/styles.xml") {
        let xml = String::from_utf8_lossy(bytes);
        for chunk in xml.split("<w:style ").skip(1) {
            if let (Some(id), Some(font)) = (attribute(chunk, "w:styleId"), east_asia(chunk)) {
                styles.insert(id.to_owned(), (font, chunk.contains("<w:b/>")));
            }
        }
    }
    let body = styles.get("Normal").map_or("", |s| s.0);
    let mut used: BTreeMap<(&'static str, bool), BTreeSet<char>> = BTreeMap::new();
    let mut everywhere: BTreeSet<char> = ('0'..='9').collect();
    for (name, bytes) in parts.iter() {
        if !text_parts(name) || name == "word/styles.xml" {
            continue;
        }
        let xml = String::from_utf8_lossy(bytes);
        if name == "word/numbering.xml" {
            everywhere.extend(texts(&xml).chars());
            continue;
        }
        for paragraph in xml.split("<w:p>").skip(1) {
            let style = attribute(paragraph, "w:pStyle w:val")
                .and_then(|id| styles.get(id))
                .copied()
                .unwrap_or((body, false));
            for run in paragraph.split("<w:r>").skip(1) {
                let face = (
                    east_asia(run).unwrap_or(style.0),
                    style.1 || run.contains("<w:b/>"),
                );
                let text = texts(run);
                if !text.is_empty() {
                    used.entry(face).or_default().extend(text.chars());
                }
            }
        }
    }
    let mut embedded: BTreeMap<String, Embedded> = BTreeMap::new();
    let mut renames: Vec<(&'static str, String)> = Vec::new();
    for family in FAMILIES {
        let installed = font_names(family, crate::template::LatinFamily::Cjk).0;
        let chars_of = |bold: bool| -> Option<Vec<char>> {
            used.get(&(installed, bold)).map(|set| {
                set.iter()
                    .chain(&everywhere)
                    .copied()
                    .filter(|c| !c.is_control())
                    .collect()
            })
        };
        let (regular_chars, bold_chars) = (chars_of(false), chars_of(true));
        if regular_chars.is_none() && bold_chars.is_none() {
            continue;
        }
        let regular_face = fonts.face(
            fonts
                .choose(family, false, language, crate::template::LatinFamily::Cjk)
                .primary,
        );
        let name = family_name(&regular_face.shaper)
            .ok_or_else(|| format!("the font {} has no family name", regular_face.file))?;
        let bold = fonts.choose(family, true, language, crate::template::LatinFamily::Cjk);
        // Without a bold face Word emboldens the regular one, which then needs the bold text too.
        let mut regular_set: Vec<char> = regular_chars.unwrap_or_default();
        let mut bold_set = bold_chars.unwrap_or_default();
        if bold.synthetic_bold {
            regular_set.append(&mut bold_set);
        }
        let entry = embedded.entry(name.clone()).or_insert_with(|| Embedded {
            name: name.clone(),
            installed,
            regular_face: None,
            regular: Vec::new(),
            bold: None,
        });
        entry.regular.extend(regular_set);
        if !bold_set.is_empty() {
            let face = fonts.face(bold.primary);
            entry.bold = Some((face, bold_set));
        }
        if !entry.regular.is_empty() {
            entry.regular_face = Some(regular_face);
        }
        renames.push((installed, name));
    }
    if embedded.is_empty() {
        return Ok(());
    }

    let mut font_parts = Vec::new();
    let mut rels = String::new();
    let mut entries = String::new();
    // Family name as the face has it -> the embedded family's own name.
    let mut unique: BTreeMap<String, String> = BTreeMap::new();
    for font in embedded.values() {
        let regular = font.regular_face.map(|face| (face, &font.regular));
        let bold = font.bold.as_ref().map(|(face, chars)| (*face, chars));
        let mut subsets = Vec::new();
        for (element, face) in [("embedRegular", regular), ("embedBold", bold)] {
            let Some((face, chars)) = face else { continue };
            let data = subset_face(face, &with_minimum_glyphs(face, chars))?;
            subsets.push((element, data));
        }
        let tag = content_tag(&subsets);
        let name = format!("{}-{tag}", font.name);
        let _ = write!(
            entries,
            "<w:font w:name=\"{}\"><w:altName w:val=\"{}\"/><w:charset w:val=\"86\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/>",
            escape(&name),
            font.installed
        );
        for (element, data) in subsets {
            let data = rename_family(&data, &name, &tag, element == "embedBold")?;
            let n = font_parts.len() + 1;
            let key = font_key(&data);
            let _ = write!(
                entries,
                "<w:{element} r:id=\"rId{n}\" w:fontKey=\"{key}\" w:subsetted=\"1\"/>"
            );
            let _ = write!(
                rels,
                "<Relationship Id=\"rId{n}\" Type=\"{REL_FONT}\" Target=\"fonts/font{n}.odttf\"/>"
            );
            font_parts.push((format!("word/fonts/font{n}.odttf"), obfuscate(&data, &key)));
        }
        entries.push_str("</w:font>");
        unique.insert(font.name.clone(), name);
    }
    let renames: Vec<(&'static str, String)> = renames
        .into_iter()
        .map(|(installed, family)| {
            let name = unique.get(&family).cloned().unwrap_or(family);
            (installed, name)
        })
        .collect();

    for (name, bytes) in parts.iter_mut() {
        if text_parts(name) {
            *bytes = rename_fonts(&String::from_utf8_lossy(bytes), &renames).into_bytes();
        }
    }
    // Every face the parts still name (the Latin and office faces of styles this document
    // does not use) is declared too (ECMA-376 Part 1, 17.8.3).
    let mut named = std::collections::BTreeSet::new();
    for (name, bytes) in parts.iter() {
        if text_parts(name) {
            named.extend(named_faces(&String::from_utf8_lossy(bytes)));
        }
    }
    let mut table = format!(
        "{XML_HEAD}<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">{entries}"
    );
    for name in named.iter().filter(|n| !unique.values().any(|u| u == *n)) {
        table.push_str(&font_entry(name));
    }
    table.push_str("</w:fonts>");

    for (name, bytes) in parts.iter_mut() {
        match name.as_str() {
            "word/fontTable.xml" => *bytes = table.clone().into_bytes(),
            "word/settings.xml" => {
                let xml = String::from_utf8_lossy(bytes).replacen(
                    "<w:defaultTabStop",
                    "<w:embedTrueTypeFonts/><w:saveSubsetFonts/><w:defaultTabStop",
                    1,
                );
                *bytes = xml.into_bytes();
            }
            "[Content_Types].xml" => {
                let xml = String::from_utf8_lossy(bytes).replacen(
                    "<Default Extension=\"xml\"",
                    "<Default Extension=\"odttf\" ContentType=\"application/vnd.openxmlformats-officedocument.obfuscatedFont\"/><Default Extension=\"xml\"",
                    1,
                );
                *bytes = xml.into_bytes();
            }
            _ => {}
        }
    }
    parts.push((
        "word/_rels/fontTable.xml.rels".into(),
        format!("{XML_HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>").into_bytes(),
    ));
    parts.extend(font_parts);
    Ok(())
}

/// Non-empty glyphs below which recent LibreOffice versions ignore an embedded font marked
/// `w:subsetted` when a document is opened for editing (vcl's EmbeddedFontsManager: "the number
/// of glyphs in the English alphabet").
const MIN_SUBSET_GLYPHS: usize = 26;

/// `chars` and, when the face draws fewer than [`MIN_SUBSET_GLYPHS`] of them (a short bold
/// title, a few rare characters), the Latin letters too, so that the subset keeps being used.
fn with_minimum_glyphs(face: &Face, chars: &[char]) -> Vec<char> {
    let mut set: BTreeSet<char> = chars.iter().copied().collect();
    let drawn = |set: &BTreeSet<char>| {
        set.iter()
            .filter(|c| !c.is_whitespace() && face.shaper.glyph_index(**c).is_some())
            .count()
    };
    if drawn(&set) < MIN_SUBSET_GLYPHS {
        set.extend(('A'..='Z').chain('a'..='z'));
    }
    set.into_iter().collect()
}

/// Eight hex digits of a SHA-256 of a family's subsets (their kind and bytes, before renaming):
/// the same characters of the same fonts give the same name, so output stays deterministic,
/// and different ones a different name.
fn content_tag(subsets: &[(&str, Vec<u8>)]) -> String {
    let mut hash = Sha256::new();
    for (element, data) in subsets {
        hash.update(element.as_bytes());
        hash.update((data.len() as u64).to_be_bytes());
        hash.update(data);
    }
    hash.finalize()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn subset_face(face: &Face, chars: &[char]) -> Result<Vec<u8>, String> {
    subset(face, chars)
        .map(|s| s.data)
        .map_err(|e| format!("{}: {e}", face.file))
}

fn family_name(face: &ttf_parser::Face) -> Option<String> {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
        .find_map(|n| n.to_string())
}

/// The value of `name="…"` in a piece of generated XML.
fn attribute<'x>(xml: &'x str, name: &str) -> Option<&'x str> {
    let start = xml.find(&format!("{name}=\""))? + name.len() + 2;
    let len = xml[start..].find('"')?;
    Some(&xml[start..start + len])
}

/// The installed family a piece of XML names for East Asian text.
fn east_asia(xml: &str) -> Option<&'static str> {
    let name = attribute(xml, "w:eastAsia")?;
    FAMILIES
        .iter()
        .map(|f| font_names(*f, crate::template::LatinFamily::Cjk).0)
        .find(|installed| *installed == name)
}

/// The text of `<w:t>` and `<w:lvlText w:val>` in generated WordprocessingML, unescaped.
fn texts(xml: &str) -> String {
    let mut out = String::new();
    for piece in xml.split("<w:t").skip(1) {
        let Some(start) = piece.find('>') else {
            continue;
        };
        if piece[..start].ends_with('/') || !(piece.starts_with('>') || piece.starts_with(' ')) {
            continue;
        }
        if let Some(end) = piece.find("</w:t>") {
            out.push_str(&piece[start + 1..end]);
        }
    }
    for piece in xml.split("<w:lvlText w:val=\"").skip(1) {
        if let Some(end) = piece.find('"') {
            out.push_str(&piece[..end]);
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Points every `w:rFonts` naming an installed family at the embedded one, for Latin text too
/// (the PDF sets Latin in the same face).
fn rename_fonts(xml: &str, renames: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find("<w:rFonts ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find("/>").map_or(tail.len(), |e| e + 2);
        let element = &tail[..end];
        let target = renames
            .iter()
            .find(|(installed, _)| element.contains(&format!("w:eastAsia=\"{installed}\"")));
        match target {
            Some((_, name)) => {
                let hint = if element.contains("w:hint=\"eastAsia\"") {
                    " w:hint=\"eastAsia\""
                } else {
                    ""
                };
                let name = escape(name);
                let _ = write!(
                    out,
                    "<w:rFonts w:ascii=\"{name}\" w:hAnsi=\"{name}\" w:eastAsia=\"{name}\" w:cs=\"{name}\"{hint}/>"
                );
            }
            None => out.push_str(element),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A GUID derived from the font's bytes (deterministic output), as `{XXXXXXXX-XXXX-…}`.
fn font_key(data: &[u8]) -> String {
    let hash = Sha256::digest(data);
    let hex: String = hash[..16].iter().map(|b| format!("{b:02X}")).collect();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// XORs the first 32 bytes with the key read from the GUID's hex digits right to left.
fn obfuscate(data: &[u8], key: &str) -> Vec<u8> {
    let digits: Vec<u8> = key
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|b| (b as char).to_digit(16).unwrap_or(0) as u8)
        .collect();
    let mut bytes = [0u8; 16];
    for (i, byte) in bytes.iter_mut().enumerate() {
        // Byte i is the (16 - i)-th pair of digits: the GUID read backwards.
        let pair = 15 - i;
        *byte = digits[2 * pair] << 4 | digits[2 * pair + 1];
    }
    let mut out = data.to_vec();
    for i in 0..32.min(out.len()) {
        out[i] ^= bytes[i % 16];
    }
    out
}

/// `font` (a TrueType file) with its `name` table (OpenType, "name") naming the family
/// `family`: family and typographic family (name ids 1, 16, 21), full name (4) and unique id
/// (3); the PostScript name (6) gets `-tag`, so that readers that go by it (macOS) tell
/// subsets apart too. Records in encodings that cannot hold the new name are left out; the
/// other records (copyright, licence, …) are kept as they are.
fn rename_family(font: &[u8], family: &str, tag: &str, bold: bool) -> Result<Vec<u8>, String> {
    let bad = || "the font subset's table directory is damaged".to_owned();
    let count = be16(font, 4).ok_or_else(bad)? as usize;
    let mut tables: Vec<([u8; 4], Vec<u8>)> = Vec::with_capacity(count);
    for i in 0..count {
        let record = 12 + 16 * i;
        let tag_bytes: [u8; 4] = font
            .get(record..record + 4)
            .and_then(|t| t.try_into().ok())
            .ok_or_else(bad)?;
        let offset = be32(font, record + 8).ok_or_else(bad)? as usize;
        let len = be32(font, record + 12).ok_or_else(bad)? as usize;
        let data = font
            .get(offset..offset.saturating_add(len))
            .ok_or_else(bad)?;
        let data = if &tag_bytes == b"name" {
            renamed_name_table(data, family, tag, bold).ok_or_else(bad)?
        } else {
            data.to_vec()
        };
        tables.push((tag_bytes, data));
    }
    let flavor = font.get(0..4).ok_or_else(bad)?;
    Ok(write_sfnt(flavor, tables))
}

/// A format 0 `name` table: the records of `data` with the family names replaced (see
/// [`rename_family`]).
fn renamed_name_table(data: &[u8], family: &str, tag: &str, bold: bool) -> Option<Vec<u8>> {
    let format = be16(data, 0)?;
    let count = be16(data, 2)? as usize;
    let storage = be16(data, 4)? as usize;
    let records: Vec<(u16, u16, u16, u16, &[u8])> = (0..count)
        .map(|i| {
            let r = 6 + 12 * i;
            let len = be16(data, r + 8)? as usize;
            let at = storage + be16(data, r + 10)? as usize;
            Some((
                be16(data, r)?,
                be16(data, r + 2)?,
                be16(data, r + 4)?,
                be16(data, r + 6)?,
                data.get(at..at + len)?,
            ))
        })
        .collect::<Option<_>>()?;
    let postscript = records
        .iter()
        .find(|r| r.3 == 6)
        .and_then(|&(platform, encoding, _, _, bytes)| decode_name(platform, encoding, bytes));
    let style = if bold { "Bold" } else { "Regular" };
    let full = if bold {
        format!("{family} Bold")
    } else {
        family.to_owned()
    };
    let unique = format!("bulletin;{family}-{style}");
    let postscript = postscript.map(|p| format!("{p}-{tag}"));
    let mut kept: Vec<(u16, u16, u16, u16, Vec<u8>)> = Vec::new();
    for &(platform, encoding, language, id, bytes) in &records {
        // Format 1's language-tag records go with format 1.
        if format == 1 && language >= 0x8000 {
            continue;
        }
        let replacement = match id {
            1 | 16 | 21 => Some(family),
            3 => Some(unique.as_str()),
            4 => Some(full.as_str()),
            6 => postscript.as_deref(),
            _ => None,
        };
        let bytes = match replacement {
            Some(text) => match encode_name(platform, encoding, text) {
                Some(b) => b,
                None => continue,
            },
            None => bytes.to_vec(),
        };
        kept.push((platform, encoding, language, id, bytes));
    }
    let mut table = Vec::new();
    let mut strings = Vec::new();
    table.extend_from_slice(&0u16.to_be_bytes());
    table.extend_from_slice(&(kept.len() as u16).to_be_bytes());
    table.extend_from_slice(&(6 + 12 * kept.len() as u16).to_be_bytes());
    for (platform, encoding, language, id, bytes) in &kept {
        for v in [*platform, *encoding, *language, *id, bytes.len() as u16] {
            table.extend_from_slice(&v.to_be_bytes());
        }
        table.extend_from_slice(&(strings.len() as u16).to_be_bytes());
        strings.extend_from_slice(bytes);
    }
    table.extend_from_slice(&strings);
    Some(table)
}

/// A name record's text: UTF-16BE for Unicode and Windows Unicode records, ASCII for Mac Roman.
fn decode_name(platform: u16, encoding: u16, bytes: &[u8]) -> Option<String> {
    match (platform, encoding) {
        (0, _) | (3, 0 | 1 | 10) => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        (1, 0) if bytes.is_ascii() => Some(String::from_utf8_lossy(bytes).into_owned()),
        _ => None,
    }
}

/// `text` in a name record's encoding, when that encoding can hold it.
fn encode_name(platform: u16, encoding: u16, text: &str) -> Option<Vec<u8>> {
    match (platform, encoding) {
        (0, _) | (3, 0 | 1 | 10) => Some(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        (1, 0) if text.is_ascii() => Some(text.as_bytes().to_vec()),
        _ => None,
    }
}

/// An sfnt file of `tables` (OpenType, "Organization of an OpenType font"): the directory
/// sorted by tag, tables 4-byte aligned, checksums and `head.checkSumAdjustment` computed.
fn write_sfnt(flavor: &[u8], mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|(tag, _)| *tag);
    let count = tables.len() as u16;
    let selector = 15u16.saturating_sub(count.leading_zeros() as u16);
    let range = (1u16 << selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(flavor);
    for v in [count, range, selector, (count * 16).saturating_sub(range)] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, body) in &mut tables {
        if tag == b"head" && body.len() >= 12 {
            body[8..12].fill(0);
            head_at = Some(offset + 8);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(body).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        offset += body.len().next_multiple_of(4);
    }
    for (_, body) in &tables {
        out.extend_from_slice(body);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// The OpenType table checksum: the sum of big-endian 32-bit words, zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    data.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obfuscation_matches_the_standard_key_order() {
        // ECMA-376: key bytes are the GUID's hex pairs from the right, ignoring punctuation.
        let key = "{00112233-4455-6677-8899-AABBCCDDEEFF}";
        let data = vec![0u8; 40];
        let out = obfuscate(&data, key);
        assert_eq!(out[0], 0xFF);
        assert_eq!(out[1], 0xEE);
        assert_eq!(out[15], 0x00);
        assert_eq!(out[16], 0xFF);
        assert_eq!(&out[32..], &[0u8; 8]);
        assert_eq!(obfuscate(&out, key), data, "XOR twice restores the font");
    }

    #[test]
    fn subsets_are_renamed_consistently() {
        let fonts = FontBook::discover(None).expect("bundled fonts");
        let face = fonts.face(
            fonts
                .choose(
                    Family::Song,
                    false,
                    Language::SimplifiedChinese,
                    crate::template::LatinFamily::Cjk,
                )
                .primary,
        );
        let data = subset_face(face, &with_minimum_glyphs(face, &['中', '文'])).unwrap();
        let renamed = rename_family(&data, "FandolSong-0123abcd", "0123abcd", false).unwrap();
        let parsed = ttf_parser::Face::parse(&renamed, 0).expect("a valid font");
        assert_eq!(family_name(&parsed).as_deref(), Some("FandolSong-0123abcd"));
        let postscript = parsed
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
            .and_then(|n| n.to_string());
        assert_eq!(postscript.as_deref(), Some("FandolSong-Regular-0123abcd"));
        // Licence and copyright records are kept.
        let count = |f: &ttf_parser::Face, id: u16| {
            f.names().into_iter().filter(|n| n.name_id == id).count()
        };
        let original = ttf_parser::Face::parse(&data, 0).unwrap();
        assert_eq!(count(&parsed, 0), count(&original, 0));
        // Glyphs unchanged; a small subset carries the Latin letters as well.
        assert!(parsed.glyph_index('中').is_some() && parsed.glyph_index('Q').is_some());
        // The whole file sums to the magic number (OpenType, head.checkSumAdjustment).
        assert_eq!(checksum(&renamed), 0xB1B0_AFBA);
    }

    #[test]
    fn two_documents_name_their_subsets_apart() {
        let fonts = FontBook::discover(None).expect("bundled fonts");
        let mut template = crate::template::Template::load("bulletin").unwrap();
        template.docx.embed_fonts = true;
        let table = |json: &str| {
            let a = crate::record::test_record(json);
            let docx = super::super::render(&a, &template, None, &fonts).unwrap();
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx.clone())).unwrap();
            let mut read = |name: &str| {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
                s
            };
            (read("word/fontTable.xml"), read("word/styles.xml"), docx)
        };
        let (first, styles, bytes) = table(r#"{"title":"第一篇","body":"春风又绿江南岸。"}"#);
        let (second, _, _) = table(r#"{"title":"第二篇","body":"明月何时照我还。"}"#);
        let names = |t: &str| -> Vec<String> {
            t.split("<w:font w:name=\"")
                .skip(1)
                .filter(|f| f.contains("<w:embed"))
                .map(|f| f[..f.find('"').unwrap()].to_owned())
                .collect()
        };
        let (a, b) = (names(&first), names(&second));
        assert!(
            a.iter()
                .any(|n| n.starts_with("FandolSong-") && n.len() == "FandolSong-".len() + 8),
            "{a:?}"
        );
        assert!(a.iter().all(|n| !b.contains(n)), "{a:?} {b:?}");
        assert!(first.contains("w:subsetted=\"1\""), "{first}");
        for name in &a {
            assert!(
                styles.contains(&format!("w:eastAsia=\"{name}\"")),
                "{name} in styles"
            );
        }
        // Deterministic: the same record gives the same bytes.
        assert_eq!(
            table(r#"{"title":"第一篇","body":"春风又绿江南岸。"}"#).2,
            bytes
        );
    }

    #[test]
    fn text_and_font_names_are_read_and_rewritten() {
        let xml = r#"<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman" w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">甲&amp;乙</w:t></w:r><w:tab/><w:tbl/><w:lvlText w:val="（%1）"/>"#;
        assert_eq!(texts(xml), "甲&乙（%1）");
        let renamed = rename_fonts(xml, &[("宋体", "FandolSong".into())]);
        assert!(renamed.contains(r#"<w:rFonts w:ascii="FandolSong" w:hAnsi="FandolSong" w:eastAsia="FandolSong" w:cs="FandolSong" w:hint="eastAsia"/>"#));
        assert!(renamed.ends_with(r#"<w:tab/><w:tbl/><w:lvlText w:val="（%1）"/>"#));
    }
}
