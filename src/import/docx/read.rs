//! Reading a WordprocessingML package (ECMA-376 Part 1, the DOCX written by Word, WPS,
//! LibreOffice, pandoc and python-docx) into paragraphs and tables in document order, with
//! what an importer needs of each: the text Word shows (line breaks, tabs, symbols, fields'
//! results, list numbers; tracked insertions accepted and deletions dropped), its style's name
//! and outline level, alignment, weight, size and colour, and the pictures it holds.
//!
//! Elements are matched by local name, so Transitional and Strict documents read alike. Every
//! part is read through a size limit (a DOCX is a ZIP: a few KB can inflate to gigabytes).

pub use super::numbering::Number;
use super::numbering::{Counters, Numbering};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::Read;

/// Largest XML part read, uncompressed (a 1,000-page report's document.xml is about 20 MB).
pub const MAX_XML_PART_BYTES: u64 = 64 * 1024 * 1024;
/// All parts read from one package together, uncompressed.
pub const MAX_PACKAGE_BYTES: u64 = 256 * 1024 * 1024;
/// The markup-compatibility namespaces (their usual prefixes) whose elements are read: an
/// `mc:Choice` requiring others gives way to its `mc:Fallback` (ECMA-376 Part 3, 10.2).
const UNDERSTOOD: &[&str] = &[
    "wps", "wpg", "wpc", "wpi", "wp14", "w14", "w15", "a14", "v", "o", "w10", "m",
];
/// Text boxes in tables in text boxes…: deeper nesting than any real document has.
const MAX_NESTING: usize = 16;

/// A paragraph as Word shows it.
#[derive(Debug, Default, Clone)]
pub struct Para {
    /// Its text: `\n` for a line break (`w:br`, `w:cr`), `\t` for a tab; the list number
    /// Word shows is not in it (see `number`).
    pub text: String,
    /// The paragraph style's name, lower case ("heading 1", "title", "caption").
    pub style: Option<String>,
    /// `w:outlineLvl` (0 = level 1) of the paragraph or its style.
    pub outline: Option<u8>,
    /// `w:jc`: centred, or right-aligned (`right`/`end`).
    pub centred: bool,
    pub right: bool,
    /// All its visible text is bold.
    pub bold: bool,
    /// Largest font size of its text, in half-points (`w:sz`).
    pub size: u32,
    /// Some of its text is red.
    pub red: bool,
    /// The list number Word shows before it (numbering.xml).
    pub number: Option<Number>,
    /// Pictures in it, as indexes into [`Package::images`].
    pub images: Vec<usize>,
    /// Each picture's description (`wp:docPr/@descr`, its alternative text) and whether its
    /// extent is square (`wp:extent`).
    pub alts: Vec<(Option<String>, bool)>,
    /// Read from a text box or shape (`w:txbxContent`).
    pub boxed: bool,
    /// Its paragraph mark is a tracked deletion: it joins the next paragraph.
    pub mark_deleted: bool,
    /// The bold text its first runs make (a run-in heading: "**（一）加强领导。**各地要……"),
    /// and whether a run that is not bold has come since.
    pub bold_lead: String,
    pub lead_closed: bool,
}

/// A table cell: its text (paragraphs joined by `\n`), its span and vertical merge.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    /// `w:gridSpan`.
    pub colspan: usize,
    /// `w:vMerge`: `Some(true)` starts a merged column of cells, `Some(false)` continues one.
    pub vmerge: Option<bool>,
    /// Grid columns before it (`w:gridBefore` on its row, for the first cell).
    pub skip_before: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    /// Rows marked to repeat as the table's header (`w:tblHeader`), from the top.
    pub header_rows: usize,
}

#[derive(Debug, Clone)]
pub enum Item {
    Para(Para),
    Table(Table),
}

/// A picture's part: its name in the package and its bytes.
#[derive(Debug, Clone)]
pub struct Picture {
    pub part: String,
    pub data: Vec<u8>,
}

/// What the package holds.
#[derive(Debug, Default)]
pub struct Package {
    pub items: Vec<Item>,
    pub images: Vec<Picture>,
    /// Core properties (docProps/core.xml): dc:title, dc:creator, dcterms:created.
    pub core_title: Option<String>,
    pub core_author: Option<String>,
    pub core_created: Option<String>,
    /// What was read but is not content, counted for the warnings.
    pub insertions: usize,
    pub deletions: usize,
    pub text_boxes: usize,
    pub comments: usize,
    pub footnotes: usize,
    /// Pictures that are not PNG or JPEG (EMF, WMF, GIF …), or whose part is missing.
    pub unreadable_images: Vec<String>,
    /// Pictures (their parts' names) and tables inside table cells, which a record's cell
    /// cannot hold.
    pub dropped_in_cells: Vec<String>,
    /// Symbol-font characters with no Unicode equivalent known here: (font, code).
    pub unknown_symbols: Vec<(String, String)>,
    /// Deleted table rows (tracked), left out.
    pub deleted_rows: usize,
    /// Tables of contents in content controls, left out.
    pub toc_controls: usize,
}

/// Why a file cannot be read as a Word document: said to the user after the file's name.
pub fn not_a_docx(bytes: &[u8]) -> Option<String> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(OLE) {
        // Word saves a password-protected DOCX as an OLE compound file holding the encrypted
        // package beside its "EncryptionInfo" stream (MS-OFFCRYPTO 2.3.4).
        let marker: Vec<u8> = "EncryptionInfo"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let encrypted = bytes
            .windows(marker.len())
            .take(1 << 20)
            .any(|w| w == marker.as_slice());
        return Some(if encrypted {
            "the Word document is protected by a password; open it in Word or WPS, remove the password (文件 → 信息 → 保护文档), save it and import it again".into()
        } else {
            "this is an old Word document (.doc, Word 97–2003), not a DOCX; open it in Word, WPS or LibreOffice and save it as .docx (Word 文档) first".into()
        });
    }
    if !bytes.starts_with(b"PK") {
        return Some("this is not a Word document (.docx): it is not a ZIP package; open it in Word or WPS and save it as a Word document (.docx)".into());
    }
    None
}

/// Reads a package. Errors name what is wrong with it (the caller adds the file's name).
pub fn read(bytes: &[u8]) -> Result<Package, String> {
    if let Some(why) = not_a_docx(bytes) {
        return Err(why);
    }
    let mut zip = Zip::open(bytes)?;
    let main = main_part(&mut zip)?;
    let rels = relationships(&mut zip, &main)?;
    let part_of = |kind: &str| {
        rels.values()
            .find(|r| r.kind.ends_with(kind) && !r.external)
            .map(|r| r.target.clone())
    };
    let styles = match part_of("/styles") {
        Some(p) => Styles::read(&zip.xml(&p)?.unwrap_or_default())?,
        None => Styles::default(),
    };
    let numbering = match part_of("/numbering") {
        Some(p) => Numbering::read(&zip.xml(&p)?.unwrap_or_default())?,
        None => Numbering::default(),
    };
    let document = zip.xml(&main)?.ok_or_else(|| {
        format!("the package names `{main}` as its document, but has no such part")
    })?;
    let mut package = Package::default();
    {
        let mut walker = Walker {
            reader: Reader::from_reader(document.as_slice()),
            styles: &styles,
            numbering: &numbering,
            counters: Counters::default(),
            rels: &rels,
            zip: &mut zip,
            package: &mut package,
            depth: 0,
            cell_props: None,
            alt: (None, false),
            alternates: Vec::new(),
        };
        walker.reader.config_mut().check_end_names = true;
        walker.body()?;
    }
    for (kind, count) in [
        ("/comments", &mut package.comments),
        ("/footnotes", &mut package.footnotes),
    ] {
        if let Some(part) = part_of(kind) {
            if let Some(xml) = zip.xml(&part)? {
                let tag: &[u8] = if kind == "/comments" {
                    b"comment"
                } else {
                    b"footnote"
                };
                *count = count_notes(&xml, tag);
            }
        }
    }
    if let Some(core) = zip.xml("docProps/core.xml")? {
        read_core(&core, &mut package);
    }
    Ok(package)
}

/// The package, read through the size limits.
struct Zip<'a> {
    archive: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    /// Uncompressed bytes read so far.
    read: u64,
}

impl<'a> Zip<'a> {
    fn open(bytes: &'a [u8]) -> Result<Zip<'a>, String> {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
            format!("the Word document is damaged: its ZIP package cannot be read ({e})")
        })?;
        Ok(Zip { archive, read: 0 })
    }

    /// A part's bytes, `None` when the package has no such part.
    fn part(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
        let name = name.trim_start_matches('/');
        let mut entry = match self.archive.by_name(name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(zip::result::ZipError::UnsupportedArchive(m)) if m.contains("ncrypt") => {
                return Err(
                    "the Word document is protected by a password; remove the password in Word or WPS and import it again"
                        .into(),
                )
            }
            Err(e) => return Err(format!("the Word document is damaged: `{name}` cannot be read ({e})")),
        };
        let left = MAX_PACKAGE_BYTES.saturating_sub(self.read);
        let limit = limit.min(left);
        let mut data = Vec::with_capacity(entry.size().min(limit) as usize);
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut data)
            .map_err(|e| {
                format!("the Word document is damaged: `{name}` cannot be unpacked ({e})")
            })?;
        if data.len() as u64 > limit {
            return Err(format!(
                "the Word document's part `{name}` unpacks to more than {}; it is refused (a real document's parts are far smaller)",
                crate::files::size_text(limit)
            ));
        }
        self.read += data.len() as u64;
        Ok(Some(data))
    }

    fn xml(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        self.part(name, MAX_XML_PART_BYTES)
    }
}

/// The main document part, as `_rels/.rels` names it (ECMA-376 Part 2, 9.3).
fn main_part(zip: &mut Zip) -> Result<String, String> {
    let fallback = "word/document.xml";
    let Some(rels) = zip.xml("_rels/.rels")? else {
        if zip.archive.by_name(fallback).is_ok() {
            return Ok(fallback.into());
        }
        return Err(not_word(zip));
    };
    let rels = parse_rels(&rels, "")?;
    match rels.values().find(|r| r.kind.ends_with("/officeDocument")) {
        Some(r) if r.target.ends_with(".xml") && zip.archive.by_name(&r.target).is_ok() => {
            let content = zip.xml(&r.target)?.unwrap_or_default();
            let head = String::from_utf8_lossy(&content[..content.len().min(4096)]).into_owned();
            if head.contains("wordprocessingml") || head.contains(":document") {
                Ok(r.target.clone())
            } else {
                Err(not_word(zip))
            }
        }
        _ => Err(not_word(zip)),
    }
}

/// "a ZIP package, but not a Word document", saying what it looks like.
fn not_word(zip: &mut Zip) -> String {
    let names: Vec<String> = zip.archive.file_names().map(str::to_owned).collect();
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    let what = if has("xl/") {
        " (it looks like an Excel workbook, .xlsx)"
    } else if has("ppt/") {
        " (it looks like a PowerPoint presentation, .pptx)"
    } else if names.iter().any(|n| n == "content.xml") {
        " (it looks like an OpenDocument file, .odt; save it as .docx first)"
    } else {
        ""
    };
    format!("this is a ZIP package but not a Word document: it has no WordprocessingML document part{what}; open the draft in Word or WPS and save it as a Word document (.docx)")
}

#[derive(Debug, Clone)]
struct Relationship {
    kind: String,
    /// The target part's name in the package, or the external address.
    target: String,
    external: bool,
}

/// The relationships of `part` (`word/_rels/document.xml.rels` for `word/document.xml`).
fn relationships(zip: &mut Zip, part: &str) -> Result<HashMap<String, Relationship>, String> {
    let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
    let name = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    match zip.xml(&name)? {
        Some(xml) => parse_rels(&xml, dir),
        None => Ok(HashMap::new()),
    }
}

fn parse_rels(xml: &[u8], dir: &str) -> Result<HashMap<String, Relationship>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut out = HashMap::new();
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                let (Some(id), Some(target)) = (attr(&e, b"Id"), attr(&e, b"Target")) else {
                    continue;
                };
                let external = attr(&e, b"TargetMode").is_some_and(|m| m == "External");
                let target = if external {
                    target
                } else {
                    resolve(dir, &target)
                };
                let kind = attr(&e, b"Type").unwrap_or_default();
                out.insert(
                    id,
                    Relationship {
                        kind,
                        target,
                        external,
                    },
                );
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A relationship's target as a part name: relative to `dir`, or absolute from the root.
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for piece in target.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn xml_error(e: quick_xml::Error) -> String {
    format!("the Word document is damaged: its XML cannot be read ({e})")
}

/// An attribute's value by local name (`w:val` and `val` alike).
pub(super) fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// An on/off property (`<w:b/>`, `<w:b w:val="0"/>`: ECMA-376 17.17.4 ST_OnOff).
fn on(e: &BytesStart) -> bool {
    !matches!(
        attr(e, b"val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// Red as an office uses it for a mark or a heading: strong red, little green and blue.
fn is_red(hex: &str) -> bool {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
    };
    matches!((channel(0), channel(2), channel(4)), (Some(r), Some(g), Some(b)) if r >= 0xC0 && g <= 0x40 && b <= 0x40)
}

/// Character formatting that matters here; `None` where the run or style does not say.
#[derive(Debug, Default, Clone, Copy)]
struct RunLook {
    bold: Option<bool>,
    size: Option<u32>,
    red: Option<bool>,
    hidden: Option<bool>,
}

impl RunLook {
    /// `self` where it says, else `under`.
    fn over(self, under: RunLook) -> RunLook {
        RunLook {
            bold: self.bold.or(under.bold),
            size: self.size.or(under.size),
            red: self.red.or(under.red),
            hidden: self.hidden.or(under.hidden),
        }
    }

    fn read_property(&mut self, e: &BytesStart) {
        match e.local_name().as_ref() {
            b"b" => self.bold = Some(on(e)),
            b"sz" => self.size = attr(e, b"val").and_then(|v| v.parse().ok()),
            b"color" => self.red = attr(e, b"val").map(|v| is_red(&v)),
            b"vanish" => self.hidden = Some(on(e)),
            _ => {}
        }
    }
}

#[derive(Debug, Default, Clone)]
struct Style {
    name: Option<String>,
    based_on: Option<String>,
    outline: Option<u8>,
    jc: Option<String>,
    number: Option<(String, u8)>,
    look: RunLook,
}

/// styles.xml (ECMA-376 17.7): paragraph and character styles by id, and the defaults.
#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    defaults: RunLook,
    /// The default paragraph style's id.
    normal: Option<String>,
}

impl Styles {
    fn read(xml: &[u8]) -> Result<Styles, String> {
        let mut reader = Reader::from_reader(xml);
        let mut styles = Styles::default();
        let mut current: Option<(String, Style)> = None;
        let mut in_defaults = false;
        let mut in_ppr = false;
        loop {
            let event = reader.read_event().map_err(xml_error)?;
            let (e, empty) = match &event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    match e.local_name().as_ref() {
                        b"style" => {
                            if let Some((id, style)) = current.take() {
                                styles.by_id.insert(id, style);
                            }
                        }
                        b"rPrDefault" => in_defaults = false,
                        b"pPr" => in_ppr = false,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => return Ok(styles),
                _ => continue,
            };
            match e.local_name().as_ref() {
                b"style" if !empty => {
                    let id = attr(e, b"styleId").unwrap_or_default();
                    if attr(e, b"default").is_some_and(|d| d == "1" || d == "true")
                        && attr(e, b"type").as_deref() == Some("paragraph")
                    {
                        styles.normal = Some(id.clone());
                    }
                    current = Some((id, Style::default()));
                }
                b"rPrDefault" if !empty => in_defaults = true,
                b"pPr" if !empty => in_ppr = true,
                name => {
                    if in_defaults {
                        styles.defaults.read_property(e);
                        continue;
                    }
                    let Some((_, style)) = current.as_mut() else {
                        continue;
                    };
                    match name {
                        b"name" => style.name = attr(e, b"val").map(|n| n.to_lowercase()),
                        b"basedOn" => style.based_on = attr(e, b"val"),
                        b"outlineLvl" => {
                            style.outline = attr(e, b"val").and_then(|v| v.parse().ok())
                        }
                        b"jc" if in_ppr => style.jc = attr(e, b"val"),
                        b"numId" => {
                            let level = style.number.as_ref().map_or(0, |n| n.1);
                            style.number = attr(e, b"val").map(|v| (v, level));
                        }
                        b"ilvl" => {
                            let level = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0);
                            match style.number.as_mut() {
                                Some(n) => n.1 = level,
                                None => style.number = Some((String::new(), level)),
                            }
                        }
                        _ => style.look.read_property(e),
                    }
                }
            }
        }
    }

    /// A style with what it inherits (`w:basedOn`, at most 16 deep against loops).
    fn resolved(&self, id: &str) -> Style {
        let mut out = Style::default();
        let mut next = Some(id.to_owned());
        for _ in 0..16 {
            let Some(style) = next.as_deref().and_then(|i| self.by_id.get(i)) else {
                break;
            };
            if out.name.is_none() {
                out.name = style.name.clone();
            }
            out.outline = out.outline.or(style.outline);
            out.jc = out.jc.clone().or(style.jc.clone());
            if out.number.is_none() {
                out.number = style.number.clone().filter(|n| !n.0.is_empty());
            }
            out.look = out.look.over(style.look);
            next = style.based_on.clone();
        }
        out
    }
}

/// Walks document.xml.
struct Walker<'a, 'z> {
    reader: Reader<&'a [u8]>,
    styles: &'a Styles,
    numbering: &'a Numbering,
    counters: Counters,
    rels: &'a HashMap<String, Relationship>,
    zip: &'a mut Zip<'z>,
    package: &'a mut Package,
    depth: usize,
    /// The `w:tcPr` of the cell being read.
    cell_props: Option<(usize, Option<bool>)>,
    /// The description and squareness of the drawing being read (see [`Para::alts`]).
    alt: (Option<String>, bool),
    /// For each `mc:AlternateContent` open: whether one of its alternatives has been read.
    alternates: Vec<bool>,
}

/// What a paragraph's properties say (`w:pPr`).
#[derive(Default)]
struct ParaProps {
    mark_deleted: bool,
    style: Option<String>,
    outline: Option<u8>,
    jc: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u8>,
}

impl<'a, 'z> Walker<'a, 'z> {
    fn event(&mut self) -> Result<Event<'a>, String> {
        match self.reader.read_event().map_err(xml_error)? {
            Event::Eof => {
                Err("the Word document is damaged: its document part ends in the middle".into())
            }
            Event::DocType(_) => Err(
                "the Word document is damaged: its XML declares a document type, which Word documents never do"
                    .into(),
            ),
            e => Ok(e),
        }
    }

    /// Reads a content control's `w:sdtPr`: whether it holds a table of contents
    /// (`w:docPartGallery` "Table of Contents", as Word and WPS insert one).
    fn is_toc_control(&mut self) -> Result<bool, String> {
        let mut toc = false;
        loop {
            match self.event()? {
                Event::Start(e) | Event::Empty(e)
                    if e.local_name().as_ref() == b"docPartGallery" =>
                {
                    toc |= attr(&e, b"val").is_some_and(|v| v.contains("Table of Contents"));
                }
                Event::End(e) if e.local_name().as_ref() == b"sdtPr" => return Ok(toc),
                _ => {}
            }
        }
    }

    /// An element that may wrap content in a body or a paragraph alike: a tracked deletion
    /// (skipped) or insertion, markup compatibility's alternatives (see
    /// [`Walker::take_alternative`]). Whether the caller goes on into it (reading its content,
    /// to its end tag); an element of no such kind is gone into too.
    fn enter(&mut self, e: &BytesStart) -> Result<bool, String> {
        let skip = match e.local_name().as_ref() {
            b"del" | b"moveFrom" => {
                self.package.deletions += 1;
                true
            }
            b"ins" | b"moveTo" => {
                self.package.insertions += 1;
                false
            }
            b"AlternateContent" => {
                self.alternates.push(false);
                false
            }
            b"Choice" | b"Fallback" => !self.take_alternative(e),
            _ => false,
        };
        if skip {
            self.skip(e)?;
        }
        Ok(!skip)
    }

    /// The end of an element [`Walker::enter`] went into.
    fn leave(&mut self, e: &quick_xml::events::BytesEnd) {
        if e.local_name().as_ref() == b"AlternateContent" {
            self.alternates.pop();
        }
    }

    /// Whether to read an `mc:Choice` or `mc:Fallback`: the first Choice whose requirements
    /// are understood ([`UNDERSTOOD`]), else the Fallback; never two of one AlternateContent.
    fn take_alternative(&mut self, e: &BytesStart) -> bool {
        let Some(taken) = self.alternates.last_mut() else {
            return true;
        };
        if *taken {
            return false;
        }
        let take = match e.local_name().as_ref() {
            b"Choice" => attr(e, b"Requires")
                .is_some_and(|r| r.split_whitespace().all(|p| UNDERSTOOD.contains(&p))),
            _ => true,
        };
        *taken = take;
        take
    }

    fn skip(&mut self, e: &BytesStart) -> Result<(), String> {
        let name = e.name().as_ref().to_vec();
        self.reader
            .read_to_end(QName(&name))
            .map(|_| ())
            .map_err(xml_error)
    }

    /// The body: everything up to `w:body`'s end (or the document's).
    fn body(&mut self) -> Result<(), String> {
        loop {
            match self.reader.read_event().map_err(xml_error)? {
                Event::DocType(_) => {
                    return Err("the Word document is damaged: its XML declares a document type, which Word documents never do".into())
                }
                Event::Start(e) if e.local_name().as_ref() == b"body" => {
                    let items = self.blocks(b"body")?;
                    self.package.items = items;
                    return Ok(());
                }
                Event::Eof => {
                    return Err(
                        "the Word document is damaged: its document part has no body".into(),
                    )
                }
                _ => {}
            }
        }
    }

    /// Paragraphs and tables up to the end of the element `end` (a body, cell or text box).
    fn blocks(&mut self, end: &[u8]) -> Result<Vec<Item>, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!(
                "the Word document nests tables and text boxes more than {MAX_NESTING} deep; take the inner tables out of their cells (or the text out of its boxes) and import it again"
            ));
        }
        let mut items = Vec::new();
        let mut open = 0usize;
        let mut toc_next = false;
        loop {
            match self.event()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"p" => {
                        let (para, boxes) = self.paragraph()?;
                        // A deleted paragraph mark (tracked) joins this paragraph to the last.
                        match items.last_mut() {
                            Some(Item::Para(last)) if last.mark_deleted && boxes.is_empty() => {
                                last.text.push_str(&para.text);
                                last.images.extend(para.images);
                                last.alts.extend(para.alts);
                                last.mark_deleted = para.mark_deleted;
                            }
                            _ => items.push(Item::Para(para)),
                        }
                        items.extend(boxes);
                    }
                    b"tbl" => {
                        let (table, boxes) = self.table()?;
                        items.push(Item::Table(table));
                        items.extend(boxes);
                    }
                    b"sectPr" | b"sdtEndPr" | b"tblPr" | b"tblGrid" => self.skip(&e)?,
                    // A content control: its properties say whether it is a table of contents.
                    b"sdtPr" => toc_next = self.is_toc_control()?,
                    b"sdtContent" if toc_next => {
                        toc_next = false;
                        self.package.toc_controls += 1;
                        self.skip(&e)?;
                    }
                    b"tcPr" => self.cell_props = Some(self.cell_properties()?),
                    _ => {
                        if self.enter(&e)? {
                            open += 1;
                        }
                    }
                },
                Event::End(e) => {
                    if open == 0 && e.local_name().as_ref() == end {
                        self.depth -= 1;
                        return Ok(items);
                    }
                    self.leave(&e);
                    open = open.saturating_sub(1);
                }
                _ => {}
            }
        }
    }

    fn paragraph_props(&mut self) -> Result<ParaProps, String> {
        let mut props = ParaProps::default();
        loop {
            match self.event()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    // Tracked property changes, a section's properties.
                    b"pPrChange" | b"sectPr" | b"rPrChange" => self.skip(&e)?,
                    // The paragraph mark's run properties: read for a deleted mark.
                    b"rPr" => {}
                    b"del" | b"moveFrom" => {
                        props.mark_deleted = true;
                        self.skip(&e)?;
                    }
                    _ => props.read(&e),
                },
                Event::Empty(e) if matches!(e.local_name().as_ref(), b"del" | b"moveFrom") => {
                    props.mark_deleted = true;
                }
                Event::Empty(e) => props.read(&e),
                Event::End(e) if e.local_name().as_ref() == b"pPr" => return Ok(props),
                _ => {}
            }
        }
    }

    /// A run's properties (`w:rPr`): its look and its character style.
    fn run_props(&mut self) -> Result<(RunLook, Option<String>), String> {
        let mut look = RunLook::default();
        let mut style = None;
        loop {
            match self.event()? {
                Event::Start(e) if e.local_name().as_ref() == b"rPrChange" => self.skip(&e)?,
                Event::Start(e) | Event::Empty(e) => {
                    if e.local_name().as_ref() == b"rStyle" {
                        style = attr(&e, b"val");
                    } else {
                        look.read_property(&e);
                    }
                }
                Event::End(e) if e.local_name().as_ref() == b"rPr" => return Ok((look, style)),
                _ => {}
            }
        }
    }

    /// The text of a `w:t` (entities resolved).
    fn text(&mut self) -> Result<String, String> {
        let mut s = String::new();
        loop {
            match self.event()? {
                Event::Text(t) => s.push_str(&t.xml10_content().map_err(|e| xml_error(e.into()))?),
                Event::CData(t) => s.push_str(&String::from_utf8_lossy(&t)),
                Event::GeneralRef(r) => match entity(&r) {
                    Some(c) => s.push(c),
                    None => {
                        return Err(format!(
                        "the Word document is damaged: its XML uses the undefined entity `&{};`",
                        String::from_utf8_lossy(&r)
                    ))
                    }
                },
                Event::Start(e) => self.skip(&e)?,
                Event::End(_) => return Ok(s),
                _ => {}
            }
        }
    }

    /// A picture's part, kept when it is a PNG or JPEG.
    fn picture(&mut self, id: &str) -> Result<Option<usize>, String> {
        let Some(rel) = self.rels.get(id) else {
            self.package
                .unreadable_images
                .push(format!("`{id}`: the document names no such picture"));
            return Ok(None);
        };
        if rel.external {
            self.package.unreadable_images.push(format!(
                "`{}`: linked to a file outside the document, not inserted into it; insert the picture itself",
                rel.target
            ));
            return Ok(None);
        }
        if let Some(i) = self
            .package
            .images
            .iter()
            .position(|p| p.part == rel.target)
        {
            return Ok(Some(i));
        }
        let target = rel.target.clone();
        let data = self
            .zip
            .part(&target, crate::record::MAX_IMAGE_BYTES as u64)?
            .unwrap_or_default();
        let format = if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            image::ImageFormat::Png
        } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            image::ImageFormat::Jpeg
        } else {
            let why = if data.is_empty() {
                "the package has no such part"
            } else {
                "not a PNG or JPEG image (EMF, WMF, GIF …); insert it again as PNG or JPEG"
            };
            self.package
                .unreadable_images
                .push(format!("`{target}`: {why}"));
            return Ok(None);
        };
        // Its size is read from its header; a phone's 50-megapixel photo is over the limit a
        // record's picture has, which is said here rather than when it is converted.
        let size =
            image::ImageReader::with_format(std::io::Cursor::new(&data), format).into_dimensions();
        match size {
            Ok((w, h)) if u64::from(w) * u64::from(h) > crate::record::MAX_IMAGE_PIXELS => {
                self.package.unreadable_images.push(format!(
                    "`{target}`: {w} × {h} pixels, more than {} million; make it smaller (say 3000 pixels wide) and insert it again",
                    crate::record::MAX_IMAGE_PIXELS / 1_000_000
                ));
                return Ok(None);
            }
            Ok(_) => {}
            Err(e) => {
                self.package
                    .unreadable_images
                    .push(format!("`{target}`: a damaged picture ({e})"));
                return Ok(None);
            }
        }
        self.package.images.push(Picture { part: target, data });
        Ok(Some(self.package.images.len() - 1))
    }

    /// A paragraph (`w:p`), and the paragraphs of the text boxes anchored in it.
    fn paragraph(&mut self) -> Result<(Para, Vec<Item>), String> {
        let mut props = ParaProps::default();
        let mut para = Para::default();
        let mut boxes = Vec::new();
        let mut open = 0usize;
        // For each field open here: whether its instruction is still being read.
        let mut fields: Vec<bool> = Vec::new();
        let mut run = (RunLook::default(), None::<String>);
        let mut looks: Vec<RunLook> = Vec::new();
        loop {
            let shown = fields.iter().all(|code| !code);
            match self.event()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"pPr" => props = self.paragraph_props()?,
                    b"rPr" => run = self.run_props()?,
                    b"r" => {
                        run = (RunLook::default(), None);
                        open += 1;
                    }
                    b"t" => {
                        let text = self.text()?;
                        if shown {
                            looks.push(run.0);
                            self.push_run_text(&mut para, &text, &run, &props, looks.len());
                        }
                    }
                    b"delText" | b"instrText" | b"footnotePr" => self.skip(&e)?,
                    b"txbxContent" => {
                        let items = self.blocks(b"txbxContent")?;
                        // A 版记 set in a frame at the page's foot is the document's own part.
                        if !items.iter().any(is_imprint) {
                            self.package.text_boxes += 1;
                        }
                        for mut item in items {
                            if let Item::Para(p) = &mut item {
                                p.boxed = true;
                            }
                            boxes.push(item);
                        }
                    }
                    _ => {
                        if self.enter(&e)? {
                            // Some writers give an empty element an end tag
                            // (`<a:blip …></a:blip>`).
                            self.leaf(&e, &mut para, &mut fields, shown)?;
                            open += 1;
                        }
                    }
                },
                Event::Empty(e) => self.leaf(&e, &mut para, &mut fields, shown)?,
                Event::End(e) => {
                    if open == 0 && e.local_name().as_ref() == b"p" {
                        break;
                    }
                    self.leave(&e);
                    open = open.saturating_sub(1);
                }
                _ => {}
            }
        }
        para.mark_deleted = props.mark_deleted;
        if para.mark_deleted {
            self.package.deletions += 1;
        }
        let style_id = props.style.clone().or(self.styles.normal.clone());
        let style = style_id
            .as_deref()
            .map(|id| self.styles.resolved(id))
            .unwrap_or_default();
        // A style the styles part does not define is known by its id ("TOC1", "Heading2").
        para.style = style
            .name
            .clone()
            .or_else(|| props.style.as_deref().map(str::to_lowercase));
        para.outline = props.outline.or(style.outline).filter(|l| *l < 9);
        let jc = props.jc.or(style.jc);
        para.centred = jc.as_deref() == Some("center");
        para.right = matches!(jc.as_deref(), Some("right" | "end"));
        let number = match (props.num_id, style.number) {
            (Some(id), from_style) => {
                let level = props.ilvl.or(from_style.as_ref().map(|n| n.1)).unwrap_or(0);
                Some((id, level))
            }
            (None, Some((id, level))) => Some((id, props.ilvl.unwrap_or(level))),
            (None, None) => None,
        };
        if let Some((id, level)) = number.filter(|(id, _)| id != "0") {
            para.number = self.counters.next(self.numbering, &id, level);
        }
        Ok((para, boxes))
    }

    /// An element without content that adds to the paragraph: a tab, break, symbol, field
    /// character or picture.
    fn leaf(
        &mut self,
        e: &BytesStart,
        para: &mut Para,
        fields: &mut Vec<bool>,
        shown: bool,
    ) -> Result<(), String> {
        match e.local_name().as_ref() {
            b"tab" | b"ptab" if shown => para.text.push('\t'),
            // A page or column break is Word's layout, not the text's.
            b"br" if shown && !matches!(attr(e, b"type").as_deref(), Some("page" | "column")) => {
                para.text.push('\n')
            }
            b"cr" if shown => para.text.push('\n'),
            b"noBreakHyphen" if shown => para.text.push('-'),
            b"sym" if shown => {
                let font = attr(e, b"font").unwrap_or_default();
                let code = attr(e, b"char").unwrap_or_default();
                match symbol(&font, &code) {
                    Some(c) => para.text.push(c),
                    None => self.package.unknown_symbols.push((font, code)),
                }
            }
            b"fldChar" => match attr(e, b"fldCharType").as_deref() {
                Some("begin") => fields.push(true),
                Some("separate") => {
                    if let Some(last) = fields.last_mut() {
                        *last = false;
                    }
                }
                Some("end") => {
                    fields.pop();
                }
                _ => {}
            },
            b"docPr" => self.alt.0 = attr(e, b"descr").filter(|d| !d.trim().is_empty()),
            b"extent" => self.alt.1 = attr(e, b"cx").is_some() && attr(e, b"cx") == attr(e, b"cy"),
            b"blip" | b"imagedata" => {
                if let Some(id) = attr(e, b"embed").or_else(|| attr(e, b"id")) {
                    if let Some(i) = self.picture(&id)? {
                        para.images.push(i);
                        para.alts.push(std::mem::take(&mut self.alt));
                    }
                } else if let Some(link) = attr(e, b"link") {
                    let link = self.rels.get(&link).map_or(link, |r| r.target.clone());
                    self.package.unreadable_images.push(format!(
                        "`{link}`: linked to a file outside the document, not inserted into it; insert the picture itself"
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Adds a run's text and notes its look (bold, size, colour) for the paragraph.
    fn push_run_text(
        &self,
        para: &mut Para,
        text: &str,
        run: &(RunLook, Option<String>),
        props: &ParaProps,
        runs: usize,
    ) {
        let char_style = run
            .1
            .as_deref()
            .map(|id| self.styles.resolved(id).look)
            .unwrap_or_default();
        let para_style = props
            .style
            .as_deref()
            .or(self.styles.normal.as_deref())
            .map(|id| self.styles.resolved(id).look)
            .unwrap_or_default();
        let look = run
            .0
            .over(char_style)
            .over(para_style)
            .over(self.styles.defaults);
        if look.hidden == Some(true) {
            return;
        }
        para.text.push_str(text);
        if text.trim().is_empty() {
            return;
        }
        let bold = look.bold == Some(true);
        if bold && !para.lead_closed {
            para.bold_lead.push_str(text);
        } else {
            para.lead_closed = true;
        }
        para.bold = if runs == 1 || para.size == 0 {
            bold
        } else {
            para.bold && bold
        };
        para.size = para.size.max(look.size.unwrap_or(21));
        para.red |= look.red == Some(true);
    }

    /// A cell's `w:tcPr`: its `w:gridSpan` and `w:vMerge` (`Some(true)` for "restart").
    fn cell_properties(&mut self) -> Result<(usize, Option<bool>), String> {
        let (mut colspan, mut vmerge) = (1, None);
        loop {
            match self.event()? {
                Event::Start(p) if p.local_name().as_ref() == b"tcPrChange" => self.skip(&p)?,
                Event::Start(p) | Event::Empty(p) => match p.local_name().as_ref() {
                    b"gridSpan" => {
                        colspan = attr(&p, b"val")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1usize)
                            .clamp(1, crate::record::MAX_TABLE_COLUMNS)
                    }
                    b"vMerge" => vmerge = Some(attr(&p, b"val").as_deref() == Some("restart")),
                    _ => {}
                },
                Event::End(p) if p.local_name().as_ref() == b"tcPr" => {
                    return Ok((colspan, vmerge))
                }
                _ => {}
            }
        }
    }

    /// A table (`w:tbl`): its rows and cells with their spans.
    fn table(&mut self) -> Result<(Table, Vec<Item>), String> {
        let mut table = Table::default();
        let mut boxes = Vec::new();
        let mut open = 0usize;
        let mut row: Vec<Cell> = Vec::new();
        let (mut header_row, mut grid_before, mut header_run) = (false, 0usize, true);
        let mut row_deleted = false;
        loop {
            match self.event()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"tblPr" | b"tblGrid" | b"tblPrEx" | b"sdtPr" => self.skip(&e)?,
                    b"tr" => {
                        row = Vec::new();
                        header_row = false;
                        row_deleted = false;
                        grid_before = 0;
                        open += 1;
                    }
                    b"trPr" => loop {
                        match self.event()? {
                            Event::Start(p) | Event::Empty(p) => match p.local_name().as_ref() {
                                b"del" => row_deleted = true,
                                b"ins" => self.package.insertions += 1,
                                b"tblHeader" => header_row = on(&p),
                                b"gridBefore" => {
                                    grid_before =
                                        attr(&p, b"val").and_then(|v| v.parse().ok()).unwrap_or(0)
                                }
                                _ => {}
                            },
                            Event::End(p) if p.local_name().as_ref() == b"trPr" => break,
                            _ => {}
                        }
                    },
                    b"tc" => {
                        let (mut cell, inner) = self.cell()?;
                        if row.is_empty() {
                            cell.skip_before = grid_before.min(crate::record::MAX_TABLE_COLUMNS);
                        }
                        row.push(cell);
                        boxes.extend(inner);
                    }
                    b"del" => {
                        self.package.deletions += 1;
                        self.skip(&e)?;
                    }
                    _ => open += 1,
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"tbl" if open == 0 => return Ok((table, boxes)),
                    b"tr" => {
                        open = open.saturating_sub(1);
                        // A row deleted with changes tracked is left out, as accepted.
                        if row_deleted {
                            self.package.deletions += 1;
                            self.package.deleted_rows += 1;
                            row.clear();
                            continue;
                        }
                        if header_row && header_run {
                            table.header_rows += 1;
                        } else {
                            header_run = false;
                        }
                        table.rows.push(std::mem::take(&mut row));
                    }
                    _ => open = open.saturating_sub(1),
                },
                _ => {}
            }
        }
    }

    /// A cell (`w:tc`): its properties, then its paragraphs as text; text boxes in it are
    /// returned to follow the table.
    fn cell(&mut self) -> Result<(Cell, Vec<Item>), String> {
        let mut cell = Cell {
            text: String::new(),
            colspan: 1,
            vmerge: None,
            skip_before: 0,
        };
        let outer = self.cell_props.take();
        let items = self.blocks(b"tc")?;
        if let Some((colspan, vmerge)) = std::mem::replace(&mut self.cell_props, outer) {
            cell.colspan = colspan;
            cell.vmerge = vmerge;
        }
        let mut lines = Vec::new();
        let mut boxes = Vec::new();
        for item in items {
            match item {
                Item::Para(p) if p.boxed => boxes.push(Item::Para(p)),
                Item::Para(p) => {
                    for &i in &p.images {
                        let part = self.package.images.get(i).map(|x| x.part.clone());
                        self.package
                            .dropped_in_cells
                            .push(format!("the picture `{}`", part.unwrap_or_default()));
                    }
                    let mut text = p.text.trim().to_owned();
                    if let Some(number) = p.number.as_ref().filter(|n| n.ordered) {
                        text.insert_str(0, &number.text);
                    }
                    if !text.is_empty() {
                        lines.push(text);
                    }
                }
                Item::Table(t) => {
                    self.package
                        .dropped_in_cells
                        .push("a table (its text is kept)".into());
                    for row in t.rows {
                        let cells: Vec<&str> = row
                            .iter()
                            .map(|c| c.text.as_str())
                            .filter(|t| !t.is_empty())
                            .collect();
                        if !cells.is_empty() {
                            lines.push(cells.join("\u{3000}"));
                        }
                    }
                }
            }
        }
        cell.text = lines.join("\n").replace('\t', "\u{3000}");
        Ok((cell, boxes))
    }
}

impl ParaProps {
    fn read(&mut self, e: &BytesStart) {
        match e.local_name().as_ref() {
            b"pStyle" => self.style = attr(e, b"val"),
            b"outlineLvl" => self.outline = attr(e, b"val").and_then(|v| v.parse().ok()),
            b"jc" => self.jc = attr(e, b"val"),
            b"numId" => self.num_id = attr(e, b"val"),
            b"ilvl" => self.ilvl = attr(e, b"val").and_then(|v| v.parse().ok()),
            _ => {}
        }
    }
}

/// A 版记 line (GB/T 9704 7.4): "抄送：…" or "… 印发", alone or in a table's cells.
fn is_imprint(item: &Item) -> bool {
    let line = |t: &str| {
        let t = t.trim();
        t.starts_with("抄送") || t.ends_with("印发")
    };
    match item {
        Item::Para(p) => line(&p.text),
        Item::Table(t) => t.rows.iter().flatten().any(|c| line(&c.text)),
    }
}

/// A character or predefined entity reference (`&#x4E00;`, `&amp;`).
fn entity(r: &quick_xml::events::BytesRef) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    match r.decode().ok()?.as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// A `w:sym`'s character (17.3.3.30): a hexadecimal code, in a symbol font's private-use
/// range (F020–F0FF: the font's own code points) or a Unicode one. The symbol fonts' codes
/// are their shapes only in that font, so the shapes offices use are given by their Unicode
/// equivalents (Symbol: Adobe's Symbol encoding; Wingdings, Wingdings 2: the check boxes,
/// bullets and marks of forms); the rest is `None`, for a warning.
fn symbol(font: &str, hex: &str) -> Option<char> {
    let code = u32::from_str_radix(hex, 16).ok()?;
    let private = (0xF000..=0xF0FF).contains(&code);
    let local = if private { code - 0xF000 } else { code };
    let font = font.trim().to_ascii_lowercase();
    let table: &[(u32, char)] = match font.as_str() {
        "symbol" => &[
            (0x2D, '−'),
            (0x44, 'Δ'),
            (0x57, 'Ω'),
            (0x61, 'α'),
            (0x62, 'β'),
            (0x63, 'χ'),
            (0x64, 'δ'),
            (0x65, 'ε'),
            (0x66, 'φ'),
            (0x67, 'γ'),
            (0x6C, 'λ'),
            (0x6D, 'μ'),
            (0x70, 'π'),
            (0x71, 'θ'),
            (0x72, 'ρ'),
            (0x73, 'σ'),
            (0x74, 'τ'),
            (0x77, 'ω'),
            (0xA3, '≤'),
            (0xA5, '∞'),
            (0xA7, '♣'),
            (0xA8, '♦'),
            (0xA9, '♥'),
            (0xAA, '♠'),
            (0xAC, '←'),
            (0xAD, '↑'),
            (0xAE, '→'),
            (0xAF, '↓'),
            (0xB0, '°'),
            (0xB1, '±'),
            (0xB2, '″'),
            (0xB3, '≥'),
            (0xB4, '×'),
            (0xB5, '∝'),
            (0xB6, '∂'),
            (0xB7, '•'),
            (0xB8, '÷'),
            (0xB9, '≠'),
            (0xBA, '≡'),
            (0xBB, '≈'),
            (0xBC, '…'),
            (0xC5, '⊕'),
            (0xC6, '∅'),
            (0xC7, '∩'),
            (0xC8, '∪'),
            (0xCE, '∈'),
            (0xD2, '®'),
            (0xD3, '©'),
            (0xD4, '™'),
            (0xD6, '√'),
            (0xD7, '⋅'),
            (0xD8, '¬'),
            (0xD9, '∧'),
            (0xDA, '∨'),
        ],
        "wingdings" => &[
            (0x28, '☎'),
            (0x2A, '✉'),
            (0x4A, '☺'),
            (0x6C, '●'),
            (0x6E, '■'),
            (0x6F, '□'),
            (0x9F, '•'),
            (0xA1, '○'),
            (0xA8, '□'),
            (0xD8, '➢'),
            (0xFB, '✗'),
            (0xFC, '✓'),
            (0xFD, '☒'),
            (0xFE, '☑'),
        ],
        "wingdings 2" => &[
            (0x4F, '✗'),
            (0x50, '✓'),
            (0x52, '☑'),
            (0x53, '☒'),
            (0x54, '☒'),
            (0xA3, '□'),
        ],
        _ if private => &[],
        // A Unicode code point in an ordinary font.
        _ => return char::from_u32(code).filter(|c| !c.is_control()),
    };
    table.iter().find(|(k, _)| *k == local).map(|(_, c)| *c)
}

/// How many comments or footnotes a part holds (a footnote part's separators not counted).
fn count_notes(xml: &[u8], tag: &[u8]) -> usize {
    let mut reader = Reader::from_reader(xml);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e))
                if e.local_name().as_ref() == tag
                    && attr(&e, b"type").is_none_or(|t| t == "normal") =>
            {
                n += 1
            }
            Ok(Event::Eof) | Err(_) => return n,
            _ => {}
        }
    }
}

/// docProps/core.xml (ECMA-376 Part 2, 11): title, creator, created.
fn read_core(xml: &[u8], package: &mut Package) {
    let mut reader = Reader::from_reader(xml);
    let mut field: Option<Vec<u8>> = None;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                field = Some(e.local_name().as_ref().to_vec());
                text.clear();
            }
            Ok(Event::Text(t)) => {
                if let Ok(t) = t.xml10_content() {
                    text.push_str(&t);
                }
            }
            Ok(Event::GeneralRef(r)) => text.extend(entity(&r)),
            Ok(Event::End(_)) => {
                let value = text.trim().to_owned();
                if !value.is_empty() {
                    match field.as_deref() {
                        Some(b"title") => package.core_title = Some(value),
                        Some(b"creator") => package.core_author = Some(value),
                        Some(b"created") => package.core_created = Some(value),
                        _ => {}
                    }
                }
                field = None;
                text.clear();
            }
            Ok(Event::Eof) | Err(_) => return,
            _ => {}
        }
    }
}
