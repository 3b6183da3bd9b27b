//! Fonts embedded in the DOCX, as Word does with "Embed fonts in the file" and "Embed only the
//! characters used" (ECMA-376 Part 1, 17.8.1): each face the document uses is subset to the
//! document's characters, obfuscated with a key from `fontTable.xml` and stored as
//! `word/fonts/fontN.odttf`. The document then names the embedded families (FandolSong, …)
//! instead of the installed Chinese fonts (宋体, …), so a reader without them sees the faces of
//! the PDF.

use super::{font_names, XML_HEAD};
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
        let installed = font_names(family).0;
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
        let regular_face = fonts.face(fonts.choose(family, false, language).primary);
        let name = family_name(&regular_face.shaper)
            .ok_or_else(|| format!("the font {} has no family name", regular_face.file))?;
        let bold = fonts.choose(family, true, language);
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
    let mut table = format!(
        "{XML_HEAD}<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    );
    for font in embedded.values() {
        let _ = write!(
            table,
            "<w:font w:name=\"{}\"><w:altName w:val=\"{}\"/><w:charset w:val=\"86\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/>",
            escape(&font.name),
            font.installed
        );
        let regular = font.regular_face.map(|face| (face, &font.regular));
        let bold = font.bold.as_ref().map(|(face, chars)| (*face, chars));
        for (element, face) in [("embedRegular", regular), ("embedBold", bold)] {
            let Some((face, chars)) = face else { continue };
            let data = &subset_face(face, chars)?;
            let n = font_parts.len() + 1;
            let key = font_key(data);
            let _ = write!(table, "<w:{element} r:id=\"rId{n}\" w:fontKey=\"{key}\"/>");
            let _ = write!(
                rels,
                "<Relationship Id=\"rId{n}\" Type=\"{REL_FONT}\" Target=\"fonts/font{n}.odttf\"/>"
            );
            font_parts.push((format!("word/fonts/font{n}.odttf"), obfuscate(data, &key)));
        }
        table.push_str("</w:font>");
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
            n if text_parts(n) => {
                *bytes = rename_fonts(&String::from_utf8_lossy(bytes), &renames).into_bytes();
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
        .map(|f| font_names(*f).0)
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
    fn text_and_font_names_are_read_and_rewritten() {
        let xml = r#"<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman" w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">甲&amp;乙</w:t></w:r><w:tab/><w:tbl/><w:lvlText w:val="（%1）"/>"#;
        assert_eq!(texts(xml), "甲&乙（%1）");
        let renamed = rename_fonts(xml, &[("宋体", "FandolSong".into())]);
        assert!(renamed.contains(r#"<w:rFonts w:ascii="FandolSong" w:hAnsi="FandolSong" w:eastAsia="FandolSong" w:cs="FandolSong" w:hint="eastAsia"/>"#));
        assert!(renamed.ends_with(r#"<w:tab/><w:tbl/><w:lvlText w:val="（%1）"/>"#));
    }
}
