//! The head (版头) and tail (附件说明, 落款, 版记) of an official document, GB/T 9704-2012.

use super::pages::{Boxed, Builder};
use super::Item;
use crate::compose::{LetterHead, Mark, OfficialTexts};
use crate::template::{Align, Length, Style};

/// `line` with `tracking` (pt) added after every glyph but the last: the letter-spacing that
/// spreads a name to a given width.
fn track(mut line: super::text::Line, tracking: f32) -> super::text::Line {
    if tracking == 0.0 {
        return line;
    }
    let total: usize = line.runs.iter().map(|r| r.glyphs.len()).sum();
    let mut seen = 0;
    let mut shift = 0.0;
    for run in &mut line.runs {
        run.x += shift;
        for g in &mut run.glyphs {
            seen += 1;
            if seen < total {
                g.x_advance += tracking;
                shift += tracking;
            }
        }
    }
    line.width += shift;
    line
}

/// `line`'s runs as items, moved `x` pt to the right, on the baseline `baseline` pt below the
/// box's top.
fn placed(line: super::text::Line, x: f32, baseline: f32) -> impl Iterator<Item = Item> {
    line.runs.into_iter().map(move |mut run| {
        run.x += x;
        run.y = baseline;
        Item::Text(run)
    })
}

impl Builder<'_> {
    /// `text` set on one line however long (an element the standard puts on one line: the
    /// document number, the 签发人, the 版记's entries); a line break in it is a space.
    pub(super) fn one_line(&mut self, text: &str, style: &Style) -> super::text::Line {
        let text = text.replace('\n', " ");
        let mut left = style.clone();
        left.align = Align::Left;
        left.first_line_indent = 0.0;
        let mut lines = self
            .set_lines(&text, &left, false, f32::MAX, 0.0)
            .into_iter();
        let mut line = lines.next().unwrap_or_else(super::text::Line::empty);
        // Only a forced break could make more; keep their text on this line all the same.
        for more in lines {
            for mut run in more.runs {
                run.x += line.width;
                line.runs.push(run);
            }
            line.width += more.width;
        }
        line
    }

    /// The mark's lines (and "文件" beside a stack) as items, `top` pt below the box's top.
    fn mark_items(&mut self, mark: &Mark, style: &Style, top: f32) -> Vec<Item> {
        let mut style = style.clone();
        style.size = Length(mark.size);
        style.align = Align::Left;
        style.first_line_indent = 0.0;
        let size = mark.size;
        // The whole mark centred in the type area; each line of the stack spread to its
        // width by the tracking composing chose.
        let x = self.left + (self.width - mark.width()) / 2.0;
        let mut items = Vec::new();
        for (i, (text, tracking)) in mark.lines.iter().enumerate() {
            let baseline = top + i as f32 * mark.pitch + 0.88 * size;
            for line in self.set_lines(text, &style, false, f32::MAX, 0.0) {
                items.extend(placed(track(line, *tracking), x, baseline));
            }
        }
        if let Some(suffix) = &mark.suffix {
            // Centred on the stack: its em box midway between the first line's top and the
            // last line's bottom.
            let middle = top + mark.height() / 2.0;
            let baseline = middle - size / 2.0 + 0.88 * size;
            let suffix_x = x + mark.stack_width + mark.suffix_gap;
            for line in self.set_lines(suffix, &style, false, f32::MAX, 0.0) {
                items.extend(placed(line, suffix_x, baseline));
            }
        }
        items
    }

    /// The head of the 信函格式 (GB/T 9704-2012 10.1) as one box from the type area's top: the
    /// mark 30 mm from the page's top edge, the double rules (the lower one 20 mm above the
    /// page's bottom edge, on the first page only), 份号, 密级 and 紧急程度 flush left and the
    /// 发文字号 flush right under the first rule.
    fn letter_head(&mut self, texts: &OfficialTexts, letter: &LetterHead) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        self.role(super::Role::P);
        let mut items = Vec::new();
        if let Some(mark) = &texts.mark {
            items.extend(self.mark_items(mark, &setup.mark_style.clone(), mark.top));
        }
        let (x1, x2) = (self.left + letter.x1, self.left + letter.x2);
        for (top, lines) in [
            (letter.upper_top, &letter.upper),
            (letter.lower_top, &letter.lower),
        ] {
            for &(offset, thickness) in lines {
                items.push(Item::Rule {
                    x1,
                    x2,
                    y: top + offset + thickness / 2.0,
                    thickness,
                    color: setup.rule_color,
                });
            }
        }
        let head = setup.head_style.clone();
        let mut bottom = letter.elements_top;
        // Each line's em box from its top: the baseline 0.88 em down.
        for (i, text) in texts.head_lines.iter().enumerate() {
            let top = letter.elements_top + i as f32 * head.line_pitch();
            let line = self.one_line(text, &head);
            items.extend(placed(line, self.left, top + 0.88 * head.size.pt()));
            bottom = top + head.size.pt();
        }
        if let Some(number) = &texts.number {
            let style = setup.doc_number_style.clone();
            let line = self.one_line(&number.number, &style);
            let x = self.left + self.width - line.width;
            let baseline = letter.elements_top + 0.88 * style.size.pt();
            items.extend(placed(line, x, baseline));
            bottom = bottom.max(letter.elements_top + style.size.pt());
        }
        // The title, two blank lines below, starts at the grid line composing chose.
        let pitch = t.styles.body.line_pitch();
        self.boxes.push(Boxed {
            height: (letter.title_top - f32::from(texts.lines_before_title) * pitch).max(bottom),
            items,
            keep_with_next: true,
            ..Default::default()
        });
    }

    /// 发文机关标志 at its fixed distance below the type area's top, 发文字号 (and 签发人) two
    /// lines below it, the red line 4 mm under the number, then the title two lines below
    /// and the addressees (主送机关) one line below the title; or the head of a special
    /// format (chapter 10): the letter's, or the order's mark and 令号 without a title.
    pub(super) fn official_head(&mut self) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        let Some(texts) = self.composed.official.clone() else {
            return;
        };
        let pitch = t.styles.body.line_pitch();
        if let Some(letter) = &texts.letter {
            self.letter_head(&texts, letter);
        } else {
            // 份号, 密级和保密期限, 紧急程度: flush left on the type area's first lines.
            let mut above = 0.0;
            for text in &texts.head_lines {
                self.role(super::Role::P);
                let style = setup.head_style.clone();
                let line = self.one_line(text, &style);
                let mut boxed = self.line_box(line, &style, self.left);
                boxed.grid = true;
                boxed.keep_with_next = true;
                above += boxed.height;
                self.boxes.push(boxed);
            }
            if let Some(mark) = &texts.mark {
                self.role(super::Role::P);
                // The box starts under the lines above; the mark's distance counts from the
                // type area's top.
                let top = mark.top - above;
                let items = self.mark_items(mark, &setup.mark_style.clone(), top);
                self.boxes.push(Boxed {
                    height: top + mark.height(),
                    items,
                    keep_with_next: true,
                    ..Default::default()
                });
            }
        }
        if texts.lines_after_mark > 0 {
            if let Some(last) = self.boxes.last_mut() {
                last.space_after = f32::from(texts.lines_after_mark) * pitch;
            }
        }
        if let Some(order_number) = &texts.order_number {
            // 令号 two lines under the mark, centred; the text two lines under it (10.2).
            self.role(super::Role::P);
            let mut style = setup.doc_number_style.clone();
            style.align = Align::Center;
            let line = self.one_line(order_number, &style);
            let x = self.left + (self.width - line.width) / 2.0;
            let mut boxed = self.line_box(line, &style, x);
            boxed.grid = true;
            boxed.space_before = f32::from(texts.lines_before_number) * pitch;
            boxed.space_after = f32::from(texts.lines_before_number) * pitch;
            boxed.keep_with_next = true;
            self.boxes.push(boxed);
        }
        if let (Some(number_line), None) = (&texts.number, &texts.letter) {
            self.role(super::Role::P);
            let style = setup.doc_number_style.clone();
            let size = style.size.pt();
            let inset = number_line.inset * size;
            let mut boxed = if let Some((label, signer)) = &number_line.signer {
                // Upward documents: number at the left, 签发人 at the right.
                let mut left_style = style.clone();
                left_style.align = Align::Left;
                let line = self.one_line(&number_line.number, &left_style);
                let mut boxed = self.line_box(line, &left_style, self.left + inset);
                let label = self.one_line(label, &left_style);
                let mut name_style = setup.signer_style.clone();
                name_style.align = Align::Left;
                let name = self.one_line(signer, &name_style);
                let right = self.left + self.width - inset;
                let name_x = right - name.width;
                let label_x = name_x - label.width;
                boxed
                    .items
                    .extend(self.line_box(label, &left_style, label_x).items);
                boxed
                    .items
                    .extend(self.line_box(name, &name_style, name_x).items);
                boxed
            } else {
                let line = self.one_line(&number_line.number, &style);
                let spare = self.width - line.width;
                let x = self.left
                    + match style.align {
                        Align::Left => 0.0,
                        Align::Right => spare,
                        Align::Center | Align::Justify => spare / 2.0,
                    };
                self.line_box(line, &style, x)
            };
            boxed.grid = true;
            boxed.space_before = f32::from(texts.lines_before_number) * pitch;
            // The red line, as wide as the type area, 4 mm under the number's em box.
            let rule_y = match t.typography.em_box {
                crate::template::EmBox::Top => size,
                crate::template::EmBox::Center => (style.line_pitch() + size) / 2.0,
            } + setup.rule_gap.pt();
            boxed.items.push(Item::Rule {
                x1: self.left,
                x2: self.left + self.width,
                y: rule_y,
                thickness: setup.rule_thickness.pt(),
                color: setup.rule_color,
            });
            boxed.height = boxed.height.max(rule_y + setup.rule_thickness.pt());
            boxed.keep_with_next = true;
            self.boxes.push(boxed);
        }
        if texts.print_title {
            let mut title = t.styles.title.clone();
            let title_space = f32::from(texts.lines_before_title) * pitch;
            title.space_before = Length(title.space_before.pt().max(title_space));
            self.role(super::Role::Title);
            self.title(&title);
        }
        if let Some(sub) = &self.article.subtitle {
            self.role(super::Role::P);
            self.paragraph(sub, &t.styles.subtitle.clone(), true);
        }
        if let Some(r) = &texts.recipients {
            self.role(super::Role::P);
            self.paragraph(r, &setup.recipients_style.clone(), false);
        }
    }

    /// Labelled lines `indent` characters in (附件说明, a 纪要's attendance lists): the label,
    /// then the text with its turned lines aligned under its first character; `lines_before`
    /// blank grid lines above the first.
    fn labelled_lines(
        &mut self,
        label: &str,
        label_style: &Style,
        texts: &[String],
        indent: f32,
        lines_before: u8,
    ) {
        let t = self.template;
        let body = t.styles.body.clone();
        let pitch = body.line_pitch();
        let mut style = body.clone();
        style.first_line_indent = 0.0;
        style.align = Align::Left;
        let mut label_style = label_style.clone();
        label_style.align = Align::Left;
        label_style.first_line_indent = 0.0;
        let label_x = self.left + indent * body.char_advance();
        let label = self.one_line(label, &label_style);
        let text_x = label_x + label.width;
        let width = self.left + self.width - text_x;
        for (i, text) in texts.iter().enumerate() {
            let lines = self.set_lines(text, &style, false, width, 0.0);
            let first = self.boxes.len();
            let mut item_style = style.clone();
            if i == 0 {
                item_style.space_before = Length(f32::from(lines_before) * pitch);
            }
            self.push_lines(lines, &item_style, text_x, false);
            if i == 0 {
                let label_box = self.line_box(label.clone(), &label_style, label_x);
                self.boxes[first].items.extend(label_box.items);
            }
        }
    }

    /// 附件说明 one line under the body, a 纪要's attendance lists, 落款 with 成文日期, 附注, the
    /// attachment pages, and the 版记 (抄送, 印发机关 and 印发日期 between rules) at the foot
    /// of the last page.
    pub(super) fn official_tail(&mut self) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        let Some(texts) = self.composed.official.clone() else {
            return;
        };
        let body = t.styles.body.clone();
        let pitch = body.line_pitch();
        // The body's last line, where the signature's chain begins (or, after attendance
        // lists, their last line: the lists themselves may part at a page's end).
        let mut chain_from = self.boxes.len().checked_sub(1);
        if !texts.attachment_notes.is_empty() {
            self.role(super::Role::P);
            // "附件：1. 名称" two characters in; further names aligned under the first.
            self.labelled_lines(
                &texts.attachment_label,
                &body,
                &texts.attachment_notes,
                texts.attachment_indent,
                texts.lines_before_attachments,
            );
        }
        for (i, (label, list)) in texts.attendance.iter().enumerate() {
            // "出席：" in 3号黑体 two characters in, the names after it (10.3).
            self.role(super::Role::P);
            let lines_before = if i == 0 {
                crate::compose::ATTENDANCE_LINES_BEFORE
            } else {
                0
            };
            self.labelled_lines(
                label,
                &setup.head_style.clone(),
                std::slice::from_ref(list),
                crate::compose::ATTENDANCE_INDENT,
                lines_before,
            );
            chain_from = self.boxes.len().checked_sub(1);
        }
        if let Some(signature) = &texts.signature {
            // The signature never opens a page by itself: the body's last line and the
            // 附件说明 go with it, so that the page with the signature and date has text on
            // it (no page that would need "此页无正文").
            if let Some(from) = chain_from {
                for b in &mut self.boxes[from..] {
                    b.keep_with_next = true;
                }
            }
            self.role(super::Role::P);
            let mut style = setup.signature_style.clone();
            style.align = Align::Left;
            style.first_line_indent = 0.0;
            let rows = signature.rows.len();
            for (r, row) in signature.rows.iter().enumerate() {
                let keep = r + 1 < rows || texts.note.is_some();
                let space = f32::from(row.lines_before) * pitch;
                let mut lines: Vec<(super::text::Line, f32)> = Vec::new();
                for part in &row.parts {
                    let line = self.one_line(&part.text, &style);
                    if row.parts.len() == 1 && line.width > self.width {
                        // Longer than the type area: it wraps rather than losing its end.
                        for l in self.set_lines(&part.text, &style, false, self.width, 0.0) {
                            lines.push((l, self.left));
                        }
                    } else {
                        let x = self.left + part.left(line.width);
                        lines.push((line, x));
                    }
                }
                // One box for the row's parts; more only for a wrapped text.
                let wrapped = row.parts.len() == 1 && lines.len() > 1;
                let mut boxes: Vec<Boxed> = Vec::new();
                for (line, x) in lines {
                    let b = self.line_box(line, &style, x);
                    match boxes.last_mut() {
                        Some(last) if !wrapped => last.items.extend(b.items),
                        _ => boxes.push(b),
                    }
                }
                for (i, mut b) in boxes.into_iter().enumerate() {
                    if i == 0 {
                        b.space_before = space;
                    }
                    b.grid = true;
                    b.keep_with_next = keep || wrapped;
                    self.boxes.push(b);
                }
                if let Some(last) = self.boxes.last_mut() {
                    last.keep_with_next = keep;
                }
            }
        }
        if let Some(note) = &texts.note {
            // 附注: on the next line, two characters in (the body's first-line indent).
            self.role(super::Role::P);
            let mut style = body.clone();
            style.space_before = Length(0.0);
            style.first_line_indent = 2.0;
            self.paragraph(note, &style, false);
        }
        self.attachment_pages();
        self.imprint(&setup.imprint_style.clone(), &texts);
    }

    fn imprint(&mut self, style: &Style, texts: &crate::compose::OfficialTexts) {
        let Some(setup) = self.template.official.as_ref() else {
            return;
        };
        if texts.cc.is_none() && texts.printed_by.is_none() && texts.printed_date.is_none() {
            return;
        }
        self.role(super::Role::P);
        let tag = self.tag;
        let size = style.size.pt();
        let pitch = style.line_pitch();
        let inset = size;
        let rules = texts.imprint_rules;
        let (thick, thin) = (setup.imprint_thick_rule.pt(), setup.imprint_thin_rule.pt());
        let color = crate::template::Color(0, 0, 0);
        let mut items = Vec::new();
        let mut y = 0.0;
        let (x1, x2) = (self.left, self.left + self.width);
        let rule = move |y: f32, t: f32| Item::Rule {
            x1,
            x2,
            y: y + t / 2.0,
            thickness: t,
            color,
        };
        if rules {
            items.push(rule(y, thick));
        }
        let mut line_style = style.clone();
        line_style.align = Align::Left;
        line_style.first_line_indent = 0.0;
        // A line's runs at `x` on `baseline`, tagged as the imprint.
        let place = |items: &mut Vec<Item>, line: super::text::Line, x: f32, baseline: f32| {
            for run in line.runs {
                items.push(Item::Text(super::TextRun {
                    tag,
                    x: run.x + x,
                    y: baseline,
                    ..run
                }));
            }
        };
        // Text centred in each line of the imprint, whatever the document's em box.
        let baseline = |top: f32| top + (pitch - size) / 2.0 + 0.88 * size;
        if let Some((cc_label, text)) = &texts.cc {
            let label = self.one_line(cc_label, &line_style);
            let text_x = self.left + inset + label.width;
            let lines = self.set_lines(
                text,
                &line_style,
                false,
                self.left + self.width - inset - text_x,
                0.0,
            );
            place(&mut items, label, self.left + inset, baseline(y));
            for line in lines {
                place(&mut items, line, text_x, baseline(y));
                y += pitch;
            }
            if rules {
                items.push(rule(
                    y,
                    if texts.printed_by.is_some() || texts.printed_date.is_some() {
                        thin
                    } else {
                        thick
                    },
                ));
            }
        }
        if texts.printed_by.is_some() || texts.printed_date.is_some() {
            if let Some(by) = &texts.printed_by {
                let line = self.one_line(by, &line_style);
                place(&mut items, line, self.left + inset, baseline(y));
            }
            if let Some(text) = &texts.printed_date {
                let line = self.one_line(text, &line_style);
                let x = self.left + self.width - inset - line.width;
                place(&mut items, line, x, baseline(y));
            }
            y += pitch;
            if rules {
                items.push(rule(y - thick, thick));
            }
        }
        self.boxes.push(Boxed {
            height: y,
            space_before: pitch,
            items,
            at_page_bottom: true,
            even_page: setup.imprint_on_even_page,
            ..Default::default()
        });
    }
}
