//! The layout engine: Article + Template + FontBook -> positioned pages. Nothing here knows
//! about PDF; renderers draw the [`Item`]s as they are.

mod breaking;
mod official;
mod pages;
pub(crate) mod text;
pub mod words;

pub use breaking::{
    is_cjk, is_closing_punct, is_fullwidth_punct, is_latin_text, is_opening_punct, is_shared_mark,
    latin_text, no_line_end, no_line_start, PunctuationRules,
};
pub use pages::{layout, layout_composed, MAX_PAGES};

use crate::fonts::FaceId;
use crate::qr::QrMatrix;
use crate::record::ImageBlock;
use crate::template::Color;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// The laid-out article.
#[derive(Debug, Clone)]
pub struct Pages {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// Characters that no bundled font can draw.
    pub missing_chars: Vec<char>,
    /// The headings, where they landed: for the PDF's outline (bookmarks).
    pub outline: Vec<OutlineEntry>,
    /// The logical structure, in reading order; items point into it by index (`tag`).
    pub roles: Vec<Role>,
    /// Where an official document's 版记 went, when it did not stay under the text before
    /// it: what the DOCX writer repeats with page and section breaks.
    pub imprint: Option<ImprintPage>,
}

/// How the 版记 reached its even page (GB/T 9704-2012 7.4, 7.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImprintPage {
    /// Alone on the page after the text's last page (the text ended on an odd page, or had
    /// no room left on an even one).
    NextPage,
    /// After an unnumbered blank page: the text filled an even page; the blank page and the
    /// 版记's page carry no number.
    AfterBlankPage,
}

/// What a piece of content is, for a tagged PDF's structure tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    Title,
    P,
    Heading {
        level: u8,
        text: String,
    },
    Quote,
    /// Marker and text of item `item` of list `list`.
    ListLabel {
        list: usize,
        item: usize,
    },
    ListBody {
        list: usize,
        item: usize,
    },
    /// A cell of table `table`, row `row`; header cells are in the first row.
    /// A table cell: its table, the row it starts in, whether it is a header cell and how
    /// many rows and columns it spans.
    Cell {
        table: usize,
        row: usize,
        header: bool,
        rowspan: usize,
        colspan: usize,
    },
    Figure {
        alt: String,
    },
    Caption,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub level: u8,
    pub text: String,
    /// 0-based page and the top of the heading's first line.
    pub page: usize,
    pub x: f32,
    pub y: f32,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// Carries no page number: the blank page before an official document's 版记 and the
    /// 版记's page after it (GB/T 9704-2012 7.5).
    pub unnumbered: bool,
}

/// Something drawn on a page. Coordinates are points from the page's top-left corner.
#[derive(Debug, Clone)]
pub enum Item {
    Text(TextRun),
    /// A horizontal rule from `x1` to `x2` centred on `y`.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        thickness: f32,
        color: Color,
    },
    /// A vertical rule from `y1` to `y2` centred on `x`.
    VRule {
        x: f32,
        y1: f32,
        y2: f32,
        thickness: f32,
        color: Color,
    },
    Image {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        image: Arc<ImageBlock>,
        tag: Option<usize>,
    },
    /// A clickable area over text (an attachment's name) leading to `url`; nothing is drawn.
    Link {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        url: String,
        tag: Option<usize>,
    },
    /// A QR code whose top-left module is at (x, y); the quiet zone lies outside.
    Qr {
        x: f32,
        y: f32,
        module: f32,
        matrix: Arc<QrMatrix>,
        url: String,
        tag: Option<usize>,
    },
}

/// Glyphs of one face on one baseline; `text` is what they spell, for extraction.
#[derive(Debug, Clone)]
pub struct TextRun {
    pub face: FaceId,
    pub size: f32,
    /// Left end of the baseline.
    pub x: f32,
    /// Baseline.
    pub y: f32,
    pub glyphs: Vec<PlacedGlyph>,
    pub text: String,
    pub color: Color,
    /// No bold face exists for this role: the renderer strokes the outline to embolden.
    pub synthetic_bold: bool,
    /// Index into [`Pages::roles`]; `None` for page furniture (headers, footers).
    pub tag: Option<usize>,
    byte_start: usize,
    byte_end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub id: u16,
    /// Advance in points, including justification and compression.
    pub x_advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// Bytes of the run's `text` this glyph's cluster covers. Empty (at the run's end) for
    /// the one glyph the layout adds that spells nothing of the text: the hyphen of a word
    /// broken at a line's end (writers that draw characters, not glyphs, draw it as "-").
    pub text_range: Range<usize>,
}

impl Pages {
    /// Per face, every glyph the text runs use and the text its first use stands for: what a
    /// PDF writer embeds (the subset) and maps back to text (ToUnicode).
    pub fn glyphs_by_face(&self) -> BTreeMap<FaceId, BTreeMap<u16, &str>> {
        let mut used: BTreeMap<FaceId, BTreeMap<u16, &str>> = BTreeMap::new();
        for page in &self.pages {
            for item in &page.items {
                if let Item::Text(run) = item {
                    let glyphs = used.entry(run.face).or_default();
                    for g in &run.glyphs {
                        let text = run.text.get(g.text_range.clone()).unwrap_or_default();
                        // A glyph that spells nothing (a hyphen the layout added) maps to
                        // the text of a use that spells something, if any.
                        let entry = glyphs.entry(g.id).or_insert(text);
                        if entry.is_empty() {
                            *entry = text;
                        }
                    }
                }
            }
        }
        used
    }
}

impl Item {
    /// A rule (horizontal or vertical) as the rectangle it fills: (x, y, width, height) from
    /// the page's top-left corner, and its colour. `None` for anything else.
    pub fn rule_rect(&self) -> Option<([f32; 4], Color)> {
        match self {
            Item::Rule {
                x1,
                x2,
                y,
                thickness,
                color,
            } => Some(([*x1, y - thickness / 2.0, x2 - x1, *thickness], *color)),
            Item::VRule {
                x,
                y1,
                y2,
                thickness,
                color,
            } => Some(([x - thickness / 2.0, *y1, *thickness, y2 - y1], *color)),
            _ => None,
        }
    }

    /// The item's reference height: a text run's baseline, a rule's centre, a vertical
    /// rule's or a picture's top.
    fn y(&self) -> f32 {
        match self {
            Item::Text(r) => r.y,
            Item::Rule { y, .. } => *y,
            Item::VRule { y1, .. } => *y1,
            Item::Image { y, .. } | Item::Qr { y, .. } | Item::Link { y, .. } => *y,
        }
    }

    fn shift(&mut self, dx: f32, dy: f32) {
        match self {
            Item::Text(r) => {
                r.x += dx;
                r.y += dy;
            }
            Item::Rule { x1, x2, y, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y += dy;
            }
            Item::VRule { x, y1, y2, .. } => {
                *x += dx;
                *y1 += dy;
                *y2 += dy;
            }
            Item::Image { x, y, .. } | Item::Qr { x, y, .. } | Item::Link { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
        }
    }
}
