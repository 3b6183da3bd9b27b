//! Blocks to boxes, boxes to pages: the article's reading order set on the template's pages,
//! with headings kept with what follows, no single paragraph line left at a page's top or
//! bottom, images kept with their captions and table headers repeated.

use super::text::{set_shaped, shape, Line, Shaped, TextStyle};
use super::{ImprintPage, Item, OutlineEntry, Page, Pages, Role, TextRun};
use crate::compose::{
    gap, grid_snap, hand_indented, on_grid, table_caption_style, Composed, BREADCRUMB_RULE,
    HEAD_RULE, IMAGE_SPACE_AFTER, IMAGE_SPACE_BEFORE, QR_SPACE_BEFORE,
};
use crate::fonts::FontBook;
use crate::qr::QrMatrix;
use crate::record::{Article, Block, ImageBlock, Table};
use crate::template::{Align, Color, DocumentKind, EmBox, Furniture, Length, Style, Template};
use std::collections::BTreeSet;
use std::sync::Arc;

const RULE_GRAY: Color = Color(0x99, 0x99, 0x99);
const TABLE_LINE: Color = Color(0x44, 0x44, 0x44);

/// A vertical slice of content that pagination places whole.
#[derive(Debug, Clone, Default)]
pub(super) struct Boxed {
    pub(super) height: f32,
    pub(super) space_before: f32,
    pub(super) space_after: f32,
    /// Items with y relative to the box's top, x absolute on the page.
    pub(super) items: Vec<Item>,
    pub(super) keep_with_next: bool,
    /// Sits on the body baseline grid: its top is snapped to a multiple of the body pitch.
    pub(super) grid: bool,
    /// For table rows: the header row to repeat when this row starts a page.
    pub(super) repeat_header: Option<Arc<Boxed>>,
    /// Placed with its bottom on the type area's bottom (an official document's 版记).
    pub(super) at_page_bottom: bool,
    /// Starts a new page (an attachment's first line, GB/T 9704-2012 7.3.7: 另面编排).
    pub(super) new_page: bool,
    /// With `at_page_bottom`: only on an even page (the 版记 of a document printed on both
    /// sides, [`crate::template::OfficialSetup::imprint_on_even_page`]).
    pub(super) even_page: bool,
    /// Drawn only when a page ends right after this box (y relative to its top): the rules
    /// that close a table row whose spanning cells go on on the next page.
    pub(super) at_page_foot: Vec<Item>,
    /// Drawn only when this box starts a page: the rules that open a row whose spanning
    /// cells began on the page before.
    pub(super) at_page_head: Vec<Item>,
    /// A heading starts here: (level, text) for the outline.
    pub(super) outline: Option<(u8, String)>,
}

pub(super) struct Builder<'a> {
    /// What is printed, decided once (see [`crate::compose`]).
    pub(super) composed: &'a Composed<'a>,
    pub(super) article: &'a Article,
    pub(super) template: &'a Template,
    pub(super) fonts: &'a FontBook,
    pub(super) left: f32,
    pub(super) width: f32,
    pub(super) boxes: Vec<Boxed>,
    missing: BTreeSet<char>,
    /// The structure so far, and the role of what is being set now.
    roles: Vec<Role>,
    pub(super) tag: Option<usize>,
    lists: usize,
    tables: usize,
    images: usize,
    headings: usize,
}

/// Most pages one article may fill: a long report has a few hundred; beyond this a record
/// is more likely a mistake (a whole site pasted in) than a document to print.
pub const MAX_PAGES: usize = 2_000;

/// Lays out `article`; `qr` is the code for its url, drawn at the end when present. An
/// article longer than [`MAX_PAGES`] is refused. Composes the article first; a caller that
/// also writes a DOCX composes once and calls [`layout_composed`].
pub fn layout(
    article: &Article,
    template: &Template,
    fonts: &FontBook,
    qr: Option<&Arc<QrMatrix>>,
) -> Result<Pages, String> {
    let composed = crate::compose::compose(article, template, fonts, qr.map(|q| q.as_ref()));
    layout_composed(&composed, fonts, qr)
}

/// Lays out a composed article (see [`layout`]).
pub fn layout_composed(
    composed: &Composed,
    fonts: &FontBook,
    qr: Option<&Arc<QrMatrix>>,
) -> Result<Pages, String> {
    let (article, template) = (composed.article, composed.template);
    let page = &template.page;
    let mut b = Builder {
        composed,
        article,
        template,
        fonts,
        left: page.margin_left.pt(),
        width: page.text_width(),
        boxes: Vec::new(),
        missing: composed.missing.clone(),
        roles: Vec::new(),
        tag: None,
        lists: 0,
        tables: 0,
        images: 0,
        headings: 0,
    };
    let official = template.document == DocumentKind::Official;
    if official {
        b.official_head();
    } else {
        b.head();
    }
    // Content taller than MAX_PAGES type areas cannot fit: refuse it as soon as it is seen,
    // before the rest is shaped.
    let most = MAX_PAGES as f32 * template.text_height();
    let (mut counted, mut height) = (0, 0.0);
    for block in &article.body {
        b.block(block);
        height += b.boxes[counted..].iter().map(|x| x.height).sum::<f32>();
        counted = b.boxes.len();
        if height > most {
            return Err(too_many_pages(format!("more than {MAX_PAGES}")));
        }
    }
    if official {
        b.official_tail();
    } else {
        b.news_closing();
        b.attachments();
    }
    if let (Some(matrix), Some(url), Some(_)) = (qr, &article.url, &template.qr) {
        b.qr(matrix, url);
    }
    if !official {
        b.attachment_pages();
    }
    let grid = template
        .typography
        .baseline_grid
        .then(|| template.styles.body.line_pitch());
    let (mut pages, outline, imprint) = paginate(
        &b.boxes,
        page.margin_top.pt(),
        page.height.pt() - page.margin_bottom.pt(),
        grid,
    );
    let total = pages.len();
    if total > MAX_PAGES {
        return Err(too_many_pages(total.to_string()));
    }
    for (i, p) in pages.iter_mut().enumerate() {
        if p.unnumbered {
            continue;
        }
        // A template may leave the first page without them (信函格式, GB/T 9704-2012 10.1).
        if let Some(h) = template
            .header
            .as_ref()
            .filter(|h| i > 0 || h.on_first_page)
        {
            b.furniture(p, h, i + 1, total, true);
        }
        if let Some(f) = template
            .footer
            .as_ref()
            .filter(|f| i > 0 || f.on_first_page)
        {
            b.furniture(p, f, i + 1, total, false);
        }
    }
    Ok(Pages {
        width: page.width.pt(),
        height: page.height.pt(),
        pages,
        missing_chars: b.missing.into_iter().collect(),
        outline: outline
            .into_iter()
            .map(|(page, y, (level, text))| OutlineEntry {
                level,
                text,
                page,
                x: b.left,
                y,
            })
            .collect(),
        roles: b.roles,
        imprint,
    })
}

fn too_many_pages(count: String) -> String {
    format!(
        "the article fills {count} pages; at most {MAX_PAGES} are made (split it into several records)"
    )
}

impl Builder<'_> {
    /// What follows is a new structure element with this role.
    pub(super) fn role(&mut self, role: Role) {
        self.roles.push(role);
        self.tag = Some(self.roles.len() - 1);
    }

    fn text_style(&self, style: &Style, bold: bool) -> TextStyle {
        TextStyle::for_style(
            self.template,
            self.fonts,
            self.article.language,
            style,
            bold,
        )
    }

    pub(super) fn shape(&mut self, text: &str, style: &Style, bold: bool) -> Shaped {
        let ts = self.text_style(style, bold);
        shape(text, ts, self.fonts, &mut self.missing)
    }

    /// Lines of `text` in `style`, `width` wide, starting at `x`.
    pub(super) fn set_lines(
        &mut self,
        text: &str,
        style: &Style,
        bold: bool,
        width: f32,
        first_indent: f32,
    ) -> Vec<Line> {
        let shaped = self.shape(text, style, bold);
        set_shaped(&shaped, style.align, width, first_indent)
    }

    /// Boxes for a paragraph-like block, with orphan and widow control.
    pub(super) fn paragraph(&mut self, text: &str, style: &Style, keep_all: bool) {
        let em = style.char_advance();
        let side = style.side_indent * em;
        let width = self.width - 2.0 * side;
        let indent = match hand_indented(text) {
            true => 0.0,
            false => style.first_line_indent * em,
        };
        let lines = self.set_lines(text, style, false, width, indent);
        let x = self.left + side;
        self.push_lines(lines, style, x, keep_all);
    }

    pub(super) fn push_lines(&mut self, lines: Vec<Line>, style: &Style, x: f32, keep_all: bool) {
        let n = lines.len();
        let grid = on_grid(self.template, style);
        for (i, line) in lines.into_iter().enumerate() {
            let mut bx = self.line_box(line, style, x);
            bx.grid = grid;
            if i == 0 {
                bx.space_before = style.space_before.pt();
            }
            if i + 1 == n {
                bx.space_after = style.space_after.pt();
            }
            let keep_lines = self.template.typography.keep_lines;
            bx.keep_with_next = keep_all || (keep_lines && n >= 2 && (i == 0 || i + 2 == n));
            self.boxes.push(bx);
        }
    }

    fn rule(&mut self, thickness: f32, color: Color, space_before: f32, space_after: f32) {
        self.boxes.push(Boxed {
            height: thickness,
            space_before,
            space_after,
            items: vec![Item::Rule {
                x1: self.left,
                x2: self.left + self.width,
                y: thickness / 2.0,
                thickness,
                color,
            }],
            ..Default::default()
        });
    }

    /// Breadcrumb, title, subtitle and the meta line, as the web page shows them.
    fn head(&mut self) {
        let (t, c) = (self.template, self.composed);
        if let Some(b) = &c.breadcrumb {
            self.role(Role::P);
            self.set_paragraph(b.lines.clone(), &t.styles.breadcrumb, true);
            let (thickness, after) = BREADCRUMB_RULE;
            self.rule(thickness, RULE_GRAY, 0.0, after);
        }
        self.role(Role::Title);
        self.title(&t.styles.title);
        let doc_number = c.news_official.as_ref().and_then(|n| n.doc_number.as_ref());
        for (part, style) in [
            (c.subtitle.as_ref(), &t.styles.subtitle),
            (c.meta.as_ref(), &t.styles.meta),
            (doc_number, &t.styles.meta),
        ] {
            if let Some(p) = part {
                self.role(Role::P);
                self.set_paragraph(p.lines.clone(), style, true);
            }
        }
        let (thickness, after) = HEAD_RULE;
        self.rule(thickness, RULE_GRAY, 0.0, after);
        if let Some(r) = c.news_official.as_ref().and_then(|n| n.recipients.clone()) {
            self.role(Role::P);
            let style = crate::compose::news_official_style(t, Align::Left);
            self.paragraph(&r, &style, false);
        }
    }

    /// An official document's closing in a news template ([`crate::compose::NewsOfficial`]):
    /// the organs and the date right-aligned a blank line under the text, kept together and
    /// with the text's last line, then the 附注.
    pub(super) fn news_closing(&mut self) {
        let Some(n) = self.composed.news_official.clone() else {
            return;
        };
        let t = self.template;
        if !n.closing.is_empty() {
            if let Some(last) = self.boxes.last_mut() {
                last.keep_with_next = true;
            }
            self.role(Role::P);
            let mut style = crate::compose::news_official_style(t, Align::Right);
            let count = n.closing.len();
            for (i, line) in n.closing.iter().enumerate() {
                style.space_before = Length(if i == 0 {
                    t.styles.body.line_pitch()
                } else {
                    0.0
                });
                self.paragraph(line, &style, true);
                if i + 1 < count {
                    if let Some(last) = self.boxes.last_mut() {
                        last.keep_with_next = true;
                    }
                }
            }
        }
        if let Some(note) = &n.note {
            self.role(Role::P);
            let mut style = t.styles.body.clone();
            style.space_before = Length(0.0);
            self.paragraph(note, &style, false);
        }
        for (i, line) in n.imprint.iter().enumerate() {
            self.role(Role::P);
            // Paragraphs of the text's kind, indented as they are, a blank line above.
            let mut style = t.styles.body.clone();
            style.space_before = Length(if i == 0 {
                t.styles.body.line_pitch()
            } else {
                0.0
            });
            self.paragraph(line, &style, false);
        }
    }

    /// The title's composed lines in `style` (the title style, spacing as the head wants).
    pub(super) fn title(&mut self, style: &Style) {
        self.set_paragraph(self.composed.title.clone(), style, true);
    }

    /// Each attachment with content on pages of its own (GB/T 9704-2012 7.3.7): "附件N" flush
    /// left on the first line, the name as a title on the third, then its blocks.
    pub(super) fn attachment_pages(&mut self) {
        let t = self.template;
        let article = self.article;
        let label_style = crate::compose::attachment_label_style(t);
        let title_style = crate::compose::attachment_title_style(t);
        for page in self.composed.attachment_pages.clone() {
            self.role(Role::P);
            let line = self.one_line(&page.label, &label_style);
            let mut label = self.line_box(line, &label_style, self.left);
            label.grid = on_grid(t, &label_style);
            label.new_page = true;
            label.keep_with_next = true;
            self.boxes.push(label);
            self.role(Role::P);
            self.set_paragraph(page.title.clone(), &title_style, true);
            for block in &article.attachments[page.index].body {
                self.block(block);
            }
        }
    }

    /// Composed lines of a paragraph-like block in `style`, at the style's side indent.
    fn set_paragraph(&mut self, lines: Vec<Line>, style: &Style, keep_all: bool) {
        let x = self.left + style.side_indent * style.char_advance();
        self.push_lines(lines, style, x, keep_all);
    }

    fn block(&mut self, block: &Block) {
        let styles = &self.template.styles;
        match block {
            Block::Paragraph(text) => {
                self.role(Role::P);
                self.paragraph(text, &styles.body, false)
            }
            Block::Quote(text) => {
                self.role(Role::Quote);
                self.paragraph(text, &styles.quote, false)
            }
            Block::Heading { level, text } => {
                let style = self.template.heading_style(*level).clone();
                self.role(Role::Heading {
                    level: *level,
                    text: text.clone(),
                });
                let first = self.boxes.len();
                let lines = self
                    .composed
                    .headings
                    .get(self.headings)
                    .cloned()
                    .unwrap_or_default();
                self.headings += 1;
                self.set_paragraph(lines, &style, true);
                if let Some(b) = self.boxes.get_mut(first) {
                    b.outline = Some((*level, text.clone()));
                }
            }
            Block::List { ordered, items } => {
                let markers: Vec<String> = (1..=items.len())
                    .map(|n| {
                        if *ordered {
                            format!("{n}.")
                        } else {
                            "•".to_owned()
                        }
                    })
                    .collect();
                self.list(items, &markers, &[]);
            }
            Block::Table(t) => self.table(t),
            Block::Image(img) => self.image(img),
        }
    }

    /// Items with a hanging marker: the marker in the indent, text lines aligned after it.
    /// A list; `links[n]`, when given, makes item `n`'s text a link to that address.
    fn list(&mut self, items: &[String], markers: &[String], links: &[Option<String>]) {
        let style = self.template.styles.list.clone();
        let em = style.char_advance();
        let marker_x = self.left + style.side_indent * em;
        let text_x = marker_x + 2.0 * em;
        let width = self.left + self.width - text_x;
        let mut body_style = style.clone();
        body_style.align = Align::Justify;
        let list = self.lists;
        self.lists += 1;
        for (n, (item, marker)) in items.iter().zip(markers).enumerate() {
            self.role(Role::ListLabel { list, item: n });
            let marker_line = self
                .set_lines(marker, &style, false, 2.0 * em, 0.0)
                .remove(0);
            let marker_box = self.line_box(marker_line, &style, marker_x);
            self.role(Role::ListBody { list, item: n });
            let lines = self.set_lines(item, &body_style, false, width, 0.0);
            let first_box = self.boxes.len();
            self.push_lines(lines, &body_style, text_x, false);
            // The marker first, so that the content order (copy and paste, extraction)
            // reads marker then item.
            let lines = std::mem::replace(&mut self.boxes[first_box].items, marker_box.items);
            self.boxes[first_box].items.extend(lines);
            if let Some(Some(url)) = links.get(n) {
                // One area per line of the name, over all its runs (a name such as
                // "安排表.xlsx" is set in two faces, two runs).
                for bx in &mut self.boxes[first_box..] {
                    // Per line: its first run, and where its last run ends.
                    let mut lines: Vec<(&TextRun, f32)> = Vec::new();
                    for item in &bx.items {
                        let Item::Text(run) = item else { continue };
                        if run.x < text_x {
                            continue;
                        }
                        let end = run.x + run.glyphs.iter().map(|g| g.x_advance).sum::<f32>();
                        match lines.last_mut() {
                            Some((first, line_end)) if (first.y - run.y).abs() < 0.01 => {
                                *line_end = line_end.max(end);
                            }
                            _ => lines.push((run, end)),
                        }
                    }
                    let areas: Vec<Item> = lines
                        .into_iter()
                        .map(|(run, end)| Item::Link {
                            x: run.x,
                            y: run.y - 0.88 * run.size,
                            width: end - run.x,
                            height: run.size,
                            url: url.clone(),
                            tag: run.tag,
                        })
                        .collect();
                    bx.items.extend(areas);
                }
            }
        }
    }

    /// A table: its caption, then one box per row (a row taller than a page in pieces of a
    /// line); the rows a cell spans are kept together when they fit a page, and a spanning
    /// cell's lines fall into the rows they reach, so that a span cut by a page break goes on
    /// under the repeated header. Rules are drawn around cells only, not across spans.
    fn table(&mut self, t: &Table) {
        let Some(geometry) = self.composed.tables.get(self.tables) else {
            return;
        };
        let mut style = self.template.styles.table.clone();
        style.size = Length(geometry.size);
        let (pad_x, pad_y) = (geometry.pad_x, geometry.pad_y);
        let widths = geometry.widths.clone();
        let row_heights = geometry.row_heights.clone();
        let table = self.tables;
        self.tables += 1;
        if !geometry.caption.is_empty() {
            self.role(Role::P);
            let caption_style = table_caption_style(self.template);
            self.set_paragraph(geometry.caption.clone(), &caption_style, true);
        }
        let geometry = geometry.clone();
        let pitch = style.line_pitch();
        let columns = t.columns;
        let x_of: Vec<f32> = std::iter::once(self.left)
            .chain(widths.iter().scan(self.left, |x, w| {
                *x += w;
                Some(*x)
            }))
            .collect();
        // cover[r][c]: the index of the cell that covers row r, column c.
        let cover = t.coverage();
        // Each row's items, y relative to the row's top; a spanning cell's lines go to the
        // row they fall in.
        let row_tops: Vec<f32> = row_heights
            .iter()
            .scan(0.0, |y, h| {
                let top = *y;
                *y += h;
                Some(top)
            })
            .collect();
        let mut row_items: Vec<Vec<Item>> = vec![Vec::new(); t.rows];
        // Lines of each row's one-row cells, for cutting a row taller than a page.
        let mut row_lines: Vec<usize> = vec![1; t.rows];
        for ((cell, lines), drop) in t.cells.iter().zip(&geometry.cells).zip(&geometry.drop) {
            let header = cell.row < t.header_rows;
            self.role(Role::Cell {
                table,
                row: cell.row,
                header,
                rowspan: cell.rowspan,
                colspan: cell.colspan,
            });
            let mut cell_style = style.clone();
            cell_style.align = if header { Align::Center } else { Align::Left };
            let x = x_of.get(cell.column).copied().unwrap_or(self.left) + pad_x;
            let last = (cell.row + cell.rowspan).min(t.rows);
            if cell.rowspan == 1 {
                row_lines[cell.row] = row_lines[cell.row].max(lines.len());
            }
            for (i, line) in lines.iter().enumerate() {
                let y = row_tops[cell.row] + pad_y + drop + i as f32 * pitch;
                let r = (cell.row..last)
                    .rev()
                    .find(|&r| row_tops[r] <= y + 0.01)
                    .unwrap_or(cell.row);
                let items = self.line_box(line.clone(), &cell_style, x).items;
                row_items[r].extend(items.into_iter().map(|mut item| {
                    item.shift(0.0, y - row_tops[r]);
                    item
                }));
            }
        }
        // Rows tied together by a cell spanning them: each row's group (first row, last row).
        let mut reach: Vec<usize> = (0..t.rows).collect();
        for cell in &t.cells {
            let last = (cell.row + cell.rowspan).min(t.rows) - 1;
            reach[cell.row] = reach[cell.row].max(last);
        }
        let mut group = vec![(0, 0); t.rows];
        let (mut start, mut end) = (0, 0);
        for (r, &far) in reach.iter().enumerate() {
            if r > end {
                for g in &mut group[start..=end] {
                    *g = (start, end);
                }
                (start, end) = (r, r);
            }
            end = end.max(far);
        }
        if t.rows > 0 {
            for g in &mut group[start..=end.min(t.rows - 1)] {
                *g = (start, end);
            }
        }
        let mut header: Option<Arc<Boxed>> = None;
        let mut header_parts: Vec<Boxed> = Vec::new();
        for r in 0..t.rows {
            let is_header = r < t.header_rows;
            let (group_start, group_end_r) = group[r];
            let group_height: f32 = row_heights[group_start..=group_end_r].iter().sum();
            let room = geometry.room[r];
            // Rule segments above and below the row: only where a cell starts or ends here.
            let starts = |c: usize| t.cells.get(cover[r][c]).is_none_or(|cell| cell.row == r);
            let ends = |c: usize| {
                t.cells
                    .get(cover[r][c])
                    .is_none_or(|cell| cell.row + cell.rowspan - 1 == r)
            };
            let joined = |c: usize| c > 0 && c < columns && cover[r][c - 1] == cover[r][c];
            let height = row_heights[r];
            let tall = geometry.cut[r];
            let lines = row_lines[r].max(1);
            let per_piece = if tall { 1 } else { lines };
            let pieces = if tall { lines } else { 1 };
            let mut items = std::mem::take(&mut row_items[r]);
            for piece in 0..pieces {
                let (first_piece, last_piece) = (piece == 0, piece + 1 == pieces);
                let (top, bottom) = if tall {
                    let top = if first_piece {
                        0.0
                    } else {
                        pad_y + (piece * per_piece) as f32 * pitch
                    };
                    let bottom = if last_piece {
                        height
                    } else {
                        pad_y + ((piece + 1) * per_piece) as f32 * pitch
                    };
                    (top, bottom)
                } else {
                    (0.0, height)
                };
                let (mine, rest): (Vec<Item>, Vec<Item>) = items
                    .into_iter()
                    .partition(|item| last_piece || item.y() < bottom - 0.01);
                items = rest;
                let mut mine: Vec<Item> = mine
                    .into_iter()
                    .map(|mut item| {
                        item.shift(0.0, -top);
                        item
                    })
                    .collect();
                let h = bottom - top;
                let thick = if is_header { 0.75 } else { 0.5 };
                let segments = |wanted: &dyn Fn(usize) -> bool| {
                    let mut out = Vec::new();
                    let mut c = 0;
                    while c < columns {
                        if wanted(c) {
                            let start = c;
                            while c < columns && wanted(c) {
                                c += 1;
                            }
                            out.push((x_of[start], x_of[c]));
                        } else {
                            c += 1;
                        }
                    }
                    out
                };
                if first_piece {
                    for (x1, x2) in segments(&starts) {
                        mine.push(Item::Rule {
                            x1,
                            x2,
                            y: 0.0,
                            thickness: thick,
                            color: TABLE_LINE,
                        });
                    }
                }
                if last_piece {
                    for (x1, x2) in segments(&ends) {
                        mine.push(Item::Rule {
                            x1,
                            x2,
                            y: h,
                            thickness: thick,
                            color: TABLE_LINE,
                        });
                    }
                }
                // Where a page break cuts the row (a span going on, a piece of a tall row),
                // rules close it at the page's foot and open it at the next page's head.
                let cut = |wanted: bool, y: f32| -> Vec<Item> {
                    let spans: Vec<(f32, f32)> = if wanted {
                        vec![(x_of[0], x_of[columns])]
                    } else {
                        segments(&|c: usize| !(if y > 0.0 { ends(c) } else { starts(c) }))
                    };
                    spans
                        .into_iter()
                        .map(|(x1, x2)| Item::Rule {
                            x1,
                            x2,
                            y,
                            thickness: thick,
                            color: TABLE_LINE,
                        })
                        .collect()
                };
                let at_page_foot = cut(!last_piece, h);
                let at_page_head = cut(!first_piece, 0.0);
                for (c, &x) in x_of.iter().enumerate() {
                    if !joined(c) {
                        mine.push(Item::VRule {
                            x,
                            y1: 0.0,
                            y2: h,
                            thickness: 0.5,
                            color: TABLE_LINE,
                        });
                    }
                }
                let first_of_table = r == 0 && first_piece;
                let last_of_table = r + 1 == t.rows && last_piece;
                // Rows of one group stay together when the group fits a page.
                let keep = (is_header && r + 1 < t.header_rows)
                    || (is_header && r + 1 == t.header_rows && last_piece)
                    || (r < group_end_r && group_height <= room);
                let bx = Boxed {
                    height: h,
                    space_before: if first_of_table {
                        style.space_before.pt()
                    } else {
                        0.0
                    },
                    space_after: if last_of_table {
                        style.space_after.pt()
                    } else {
                        0.0
                    },
                    items: mine,
                    keep_with_next: keep || (!last_piece && is_header),
                    repeat_header: if is_header { None } else { header.clone() },
                    at_page_foot,
                    at_page_head,
                    ..Default::default()
                };
                // The header rows, repeated together on every page when they fit a third
                // of it.
                if is_header && !tall {
                    header_parts.push(bx.clone());
                    if r + 1 == t.header_rows && geometry.header_repeats {
                        header = Some(Arc::new(stacked(&header_parts)));
                    }
                }
                self.boxes.push(bx);
            }
        }
    }

    fn image(&mut self, img: &ImageBlock) {
        let Some(part) = self.composed.images.get(self.images) else {
            return;
        };
        let (w, h) = part.size;
        self.images += 1;
        let caption_style = self.template.styles.caption.clone();
        let file = img
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.role(Role::Figure {
            alt: img.caption.clone().unwrap_or(file),
        });
        self.boxes.push(Boxed {
            height: h,
            space_before: IMAGE_SPACE_BEFORE,
            space_after: IMAGE_SPACE_AFTER,
            items: vec![Item::Image {
                x: self.left + (self.width - w) / 2.0,
                y: 0.0,
                width: w,
                height: h,
                image: Arc::new(img.clone()),
                tag: self.tag,
            }],
            keep_with_next: img.caption.is_some(),
            grid: false,
            repeat_header: None,
            at_page_bottom: false,
            new_page: false,
            even_page: false,
            at_page_foot: Vec::new(),
            at_page_head: Vec::new(),
            outline: None,
        });
        if img.caption.is_some() {
            self.role(Role::Caption);
            self.set_paragraph(part.caption.clone(), &caption_style, true);
            if let Some(last) = self.boxes.last_mut() {
                last.keep_with_next = false;
            }
        }
    }

    fn attachments(&mut self) {
        let Some(list) = &self.composed.attachments else {
            return;
        };
        let style = self.template.styles.body.clone();
        let mut head_style = style.clone();
        head_style.space_before = Length(style.size.pt());
        self.role(Role::P);
        self.paragraph(&list.label, &head_style, true);
        let markers: Vec<String> = list.items.iter().map(|i| i.0.clone()).collect();
        let names: Vec<String> = list.items.iter().map(|i| i.1.clone()).collect();
        let links: Vec<Option<String>> = list.items.iter().map(|i| i.2.clone()).collect();
        self.list(&names, &markers, &links);
    }

    /// The QR code, its quiet zone kept clear, with the caption below the quiet zone.
    fn qr(&mut self, matrix: &Arc<QrMatrix>, url: &str) {
        let modules = matrix.width() as f32 + 8.0;
        let Some(part) = self.composed.qr.clone() else {
            return;
        };
        let size = part.size;
        let module = size / modules;
        let x = self.left + (self.width - size) / 2.0;
        // The QR code keeps with the article's last lines ([`crate::compose::QrPart`]): where
        // it does not fit below them, they go over with it, never a page for it alone.
        if let Some(last) = self.boxes.last_mut() {
            last.keep_with_next = true;
        }
        self.role(Role::Figure {
            alt: url.to_owned(),
        });
        self.boxes.push(Boxed {
            height: size,
            space_before: QR_SPACE_BEFORE,
            space_after: 0.0,
            items: vec![Item::Qr {
                x: x + 4.0 * module,
                y: 4.0 * module,
                module,
                matrix: matrix.clone(),
                url: url.to_owned(),
                tag: self.tag,
            }],
            keep_with_next: true,
            grid: false,
            repeat_header: None,
            at_page_bottom: false,
            new_page: false,
            even_page: false,
            at_page_foot: Vec::new(),
            at_page_head: Vec::new(),
            outline: None,
        });
        let caption = part.caption;
        let Some(qr) = &self.template.qr else { return };
        let style = qr.caption_style.clone();
        self.role(Role::Caption);
        self.paragraph(&caption, &style, true);
        if let Some(last) = self.boxes.last_mut() {
            last.keep_with_next = false;
        }
    }

    /// Running header (top) or footer (bottom) of one page.
    fn furniture(
        &mut self,
        page: &mut Page,
        f: &Furniture,
        number: usize,
        total: usize,
        top: bool,
    ) {
        let a = self.article;
        let text = if top {
            f.text.as_str()
        } else {
            self.template.footer_text(f, a.language)
        };
        let text = Furniture::fill(text, a)
            .replace("{page}", &number.to_string())
            .replace("{pages}", &total.to_string());
        if text.trim().is_empty() {
            return;
        }
        let baseline = f.baseline(&self.template.page, top);
        let size = f.style.size.pt();
        let mut style = f.style.clone();
        style.align = Align::Left;
        let lines = self.set_lines(&text, &style, false, self.width, 0.0);
        if let Some(line) = lines.into_iter().next() {
            let inset = f.inset * size;
            let x = match f.align_on(number) {
                Align::Right => self.left + self.width - inset - line.width,
                Align::Center | Align::Justify => self.left + (self.width - line.width) / 2.0,
                Align::Left => self.left + inset,
            };
            for mut run in line.runs {
                run.x += x;
                run.y = baseline;
                page.items.push(Item::Text(run));
            }
        }
        if f.rule {
            let y = if top {
                baseline + 0.5 * size
            } else {
                baseline - 1.2 * size
            };
            page.items.push(Item::Rule {
                x1: self.left,
                x2: self.left + self.width,
                y,
                thickness: 0.5,
                color: RULE_GRAY,
            });
        }
    }
}

impl Builder<'_> {
    /// A line as a box one line pitch high; the em box is centred in the pitch, or at its
    /// top when the template asks (official documents start text at the type area's top).
    pub(super) fn line_box(&self, line: Line, style: &Style, x: f32) -> Boxed {
        let size = style.size.pt();
        let pitch = style.line_pitch();
        // CJK fonts put the ideographic em box from 0.88 em above to 0.12 em below the baseline.
        let baseline = match self.template.typography.em_box {
            EmBox::Center => (pitch - size) / 2.0 + 0.88 * size,
            EmBox::Top => 0.88 * size,
        };
        let items = line
            .runs
            .into_iter()
            .map(|mut run| {
                run.x += x;
                run.y = baseline;
                run.tag = self.tag;
                Item::Text(run)
            })
            .collect();
        Boxed {
            height: pitch,
            items,
            ..Default::default()
        }
    }
}

/// Boxes stacked into one (a table's header rows, to repeat together), without spaces.
fn stacked(parts: &[Boxed]) -> Boxed {
    let mut items = Vec::new();
    let mut y = 0.0;
    for part in parts {
        items.extend(part.items.iter().cloned().map(|mut item| {
            item.shift(0.0, y);
            item
        }));
        y += part.height;
    }
    Boxed {
        height: y,
        items,
        ..Default::default()
    }
}

/// Pages, and where each outline box landed: (page index, y, entry).
type Placed = Vec<(usize, f32, (u8, String))>;

fn paginate(
    boxes: &[Boxed],
    top: f32,
    bottom: f32,
    grid: Option<f32>,
) -> (Vec<Page>, Placed, Option<ImprintPage>) {
    let mut imprint = None;
    let mut outline = Vec::new();
    const EPS: f32 = 0.01;
    // Where a box whose top would be at `y` is placed: grid boxes move down to the next grid line.
    let position = |b: &Boxed, y: f32| match grid {
        Some(pitch) if b.grid => top + grid_snap(y - top, pitch),
        _ => y,
    };
    let mut pages = vec![Page::default()];
    let mut y = top;
    let mut pending_space = 0.0f32;
    let mut has_content = false;
    // The last box placed and where.
    let mut last: Option<(usize, f32)> = None;
    let gap_between = |a: &Boxed, b: &Boxed| gap(a.space_after, b.space_before);
    for (i, b) in boxes.iter().enumerate() {
        if b.new_page && has_content {
            if let Some((prev, prev_at)) = last {
                place_items(pages.last_mut(), &boxes[prev].at_page_foot, prev_at);
            }
            pages.push(Page::default());
            y = top;
            pending_space = 0.0;
            has_content = false;
        }
        let gap = if has_content {
            gap(pending_space, b.space_before)
        } else {
            0.0
        };
        let mut at = position(b, y + gap);
        // A heading (off the grid) keeps the grid's slack above it, not between it and its
        // own paragraph: the chain of off-grid boxes it starts moves down so that the grid
        // line the paragraph after it snaps to is reached without space (as compose's
        // `grid_space` puts it above the heading).
        let chain_start = i == 0 || !boxes[i - 1].keep_with_next || boxes[i - 1].grid;
        if has_content && grid.is_some() && !b.grid && b.outline.is_some() && chain_start {
            let mut end = at + b.height;
            let mut k = i;
            while boxes[k].keep_with_next && !boxes[k].grid && k + 1 < boxes.len() {
                let next = &boxes[k + 1];
                let natural = end + gap_between(&boxes[k], next);
                if next.grid {
                    at += position(next, natural) - natural;
                    break;
                }
                end = natural + next.height;
                k += 1;
            }
        }
        // Where the chain of boxes that must stay together with this one ends, if this one
        // is placed at `from` (gaps and grid snapping included).
        let chain_end = |from: f32| {
            let mut end = from + b.height;
            let mut k = i;
            while boxes[k].keep_with_next && k + 1 < boxes.len() {
                let next = &boxes[k + 1];
                end = position(next, end + gap_between(&boxes[k], next)) + next.height;
                k += 1;
            }
            end
        };
        let pages_before = pages.len();
        let fits_box = at + b.height <= bottom + EPS;
        let fits_chain = chain_end(at) <= bottom + EPS;
        let chain_fits_page = chain_end(top) <= bottom + EPS;
        if has_content && (!fits_box || (!fits_chain && chain_fits_page)) {
            if let Some((prev, prev_at)) = last {
                place_items(pages.last_mut(), &boxes[prev].at_page_foot, prev_at);
            }
            pages.push(Page::default());
            at = top;
            place_items(
                pages.last_mut(),
                &b.at_page_head,
                top + b.repeat_header.as_ref().map_or(0.0, |h| h.height),
            );
            if let Some(header) = &b.repeat_header {
                place(pages.last_mut(), header, at);
                at += header.height;
            }
        }
        if b.at_page_bottom {
            if has_content && at + b.height > bottom + EPS {
                pages.push(Page::default());
            }
            let moved = pages.len() > pages_before;
            if b.even_page && pages.len() % 2 == 1 {
                if moved || !has_content {
                    // The text filled the page before: this page stays blank, and it and
                    // the 版记's page carry no number (GB/T 9704-2012 7.5).
                    if let Some(blank) = pages.last_mut() {
                        blank.unnumbered = true;
                    }
                    pages.push(Page {
                        unnumbered: true,
                        ..Page::default()
                    });
                    imprint = Some(ImprintPage::AfterBlankPage);
                } else {
                    pages.push(Page::default());
                    imprint = Some(ImprintPage::NextPage);
                }
            } else if moved {
                imprint = Some(ImprintPage::NextPage);
            }
            at = bottom - b.height;
        }
        place(pages.last_mut(), b, at);
        last = Some((i, at));
        if let Some(entry) = &b.outline {
            outline.push((pages.len() - 1, at, entry.clone()));
        }
        y = at + b.height;
        pending_space = b.space_after;
        has_content = true;
    }
    (pages, outline, imprint)
}

fn place_items(page: Option<&mut Page>, items: &[Item], y: f32) {
    if let Some(page) = page {
        page.items.extend(items.iter().cloned().map(|mut item| {
            item.shift(0.0, y);
            item
        }));
    }
}

fn place(page: Option<&mut Page>, b: &Boxed, y: f32) {
    if let Some(page) = page {
        page.items.extend(b.items.iter().cloned().map(|mut item| {
            item.shift(0.0, y);
            item
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(h: f32, keep: bool) -> Boxed {
        Boxed {
            height: h,
            keep_with_next: keep,
            items: vec![Item::Rule {
                x1: 0.0,
                x2: 1.0,
                y: 0.0,
                thickness: 1.0,
                color: Color::default(),
            }],
            ..Default::default()
        }
    }

    /// The 版记 (a box kept at the page's bottom, on an even page) after text ending on page 1
    /// goes alone to page 2; after text filling page 2 exactly, page 3 stays blank and the
    /// 版记 is on page 4, both without numbers (GB/T 9704-2012 7.5); with room on page 2, it
    /// stays there. Without the even-page rule it stays under the text.
    #[test]
    fn the_imprint_goes_to_an_even_page() {
        let imprint = |even: bool| Boxed {
            at_page_bottom: true,
            even_page: even,
            ..line(20.0, false)
        };
        let run = |text_lines: usize, even: bool| {
            let mut boxes: Vec<Boxed> = (0..text_lines).map(|_| line(10.0, false)).collect();
            boxes.push(imprint(even));
            let (pages, _, how) = paginate(&boxes, 0.0, 100.0, None);
            let numbered: Vec<bool> = pages.iter().map(|p| !p.unnumbered).collect();
            (pages.len(), numbered, how)
        };
        assert_eq!(
            run(3, true),
            (2, vec![true, true], Some(ImprintPage::NextPage))
        );
        assert_eq!(run(3, false), (1, vec![true], None));
        assert_eq!(run(12, true), (2, vec![true, true], None));
        assert_eq!(
            run(20, true),
            (
                4,
                vec![true, true, false, false],
                Some(ImprintPage::AfterBlankPage)
            )
        );
        assert_eq!(
            run(19, true),
            (
                4,
                vec![true, true, false, false],
                Some(ImprintPage::AfterBlankPage)
            )
        );
    }

    /// The composed grid space ([`crate::compose::Composed::grid_space`], which the DOCX
    /// writes out) is the space pagination's grid snapping adds: for every body paragraph
    /// after off-grid content (the head, a heading, a table), its first baseline lies exactly
    /// that far below where the content and the spaces alone would put it.
    #[test]
    fn composed_grid_space_is_what_pagination_adds() {
        let fonts = FontBook::discover(None).expect("bundled fonts");
        let json = r#"{"title": "网格测试", "published": "2025-03-03", "body": [
            {"type": "paragraph", "text": "第一段正文。"},
            {"type": "heading", "level": 1, "text": "一、标题"},
            {"type": "paragraph", "text": "第二段正文。"},
            {"type": "table", "rows": [["甲", "乙"], ["一", "二"], ["三", "四"]]},
            {"type": "paragraph", "text": "第三段正文。"},
            {"type": "heading", "level": 2, "text": "（一）小标题"},
            {"type": "heading", "level": 1, "text": "二、标题"},
            {"type": "paragraph", "text": "第四段正文。"}
        ]}"#;
        let article = crate::record::test_record(json);
        for name in ["bulletin", "leaflet"] {
            let template = Template::load(name).unwrap();
            let composed = crate::compose::compose(&article, &template, &fonts, None);
            let pages = layout_composed(&composed, &fonts, None).unwrap();
            assert_eq!(pages.pages.len(), 1, "{name}");
            let baseline = |text: &str| {
                pages.pages[0]
                    .items
                    .iter()
                    .find_map(|i| match i {
                        Item::Text(run) if run.text.starts_with(text) => Some(run.y),
                        _ => None,
                    })
                    .unwrap_or_else(|| panic!("{name}: no {text}"))
            };
            let styles = &template.styles;
            let body = &styles.body;
            let pitch = body.line_pitch();
            // Heading baselines, on the heading's own line, from the body's: where the
            // paragraph would start without the grid, less where it starts.
            let (h1, h2) = (template.heading_style(1), template.heading_style(2));
            let heading_run = |h: &Style| gap(0.0, h.space_before.pt()) + h.line_pitch();
            let cases = [
                // (paragraph, the blocks from the heading to it, the height from the last
                // body line's top without the grid)
                (
                    "第二段",
                    1..=2,
                    pitch + heading_run(h1) + gap(h1.space_after.pt(), 0.0),
                ),
                (
                    "第四段",
                    5..=7,
                    pitch
                        + heading_run(h2)
                        + gap(h2.space_after.pt(), h1.space_before.pt())
                        + h1.line_pitch()
                        + gap(h1.space_after.pt(), 0.0),
                ),
            ];
            // The table's rows, each its lines and padding tall.
            let table = &composed.tables[0];
            let table_pitch = table.size * styles.table.line_height;
            assert_eq!(table.row_heights.len(), 3);
            for (r, h) in table.row_heights.iter().enumerate() {
                assert!(
                    (h - table_pitch - 2.0 * table.pad_y).abs() < 0.01,
                    "row {r}: {h}"
                );
            }
            let table_height: f32 = table.row_heights.iter().sum();
            let cases = [
                cases[0].clone(),
                (
                    "第三段",
                    3..=4,
                    pitch
                        + gap(0.0, styles.table.space_before.pt())
                        + table_height
                        + gap(styles.table.space_after.pt(), 0.0),
                ),
                cases[1].clone(),
            ];
            let previous = ["第一段", "第二段", "第三段"];
            for ((text, blocks, natural), before) in cases.iter().zip(previous) {
                let placed = baseline(text) - baseline(before);
                let space: f32 = composed.grid_space[blocks.clone()].iter().sum();
                assert!(
                    (placed - natural - space).abs() < 0.01,
                    "{name} {text}: placed {placed}, natural {natural}, grid space {space}"
                );
                assert!(
                    (placed / pitch - (placed / pitch).round()).abs() < 1e-3,
                    "{name} {text}: {placed} is not on the grid"
                );
            }
            // The first paragraph after the head lands on the grid too.
            assert!(composed.grid_space[0] >= 0.0 && composed.grid_space[0] < pitch);
        }
    }

    #[test]
    fn kept_chains_move_to_the_next_page_together() {
        // Page holds 10 units: 8 single lines, then a heading kept with two lines.
        let mut boxes: Vec<Boxed> = (0..8).map(|_| line(1.0, false)).collect();
        boxes.push(line(1.0, true));
        boxes.push(line(1.0, true));
        boxes.push(line(1.0, false));
        let pages = paginate(&boxes, 0.0, 10.0, None).0;
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].items.len(), 8);
        assert_eq!(pages[1].items.len(), 3);
    }

    #[test]
    fn table_header_repeats_on_a_new_page() {
        let header = line(2.0, true);
        let mut boxes = vec![header.clone()];
        for _ in 0..6 {
            let mut row = line(2.0, false);
            row.repeat_header = Some(Arc::new(header.clone()));
            boxes.push(row);
        }
        let pages = paginate(&boxes, 0.0, 10.0, None).0;
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].items.len(), 5);
        assert_eq!(pages[1].items.len(), 3, "header + 2 rows");
    }
}
