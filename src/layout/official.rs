//! The head (版头) and tail (附件说明, 落款, 版记) of an official document, GB/T 9704-2012.

use super::pages::{Boxed, Builder};
use super::Item;
use crate::template::{Align, Length, Style};

impl Builder<'_> {
    /// 发文机关标志 at its fixed distance below the type area's top, 发文字号 (and 签发人) two
    /// lines below it, the red line 4 mm under the number, then the title two lines below
    /// and the addressees (主送机关) one line below the title.
    pub(super) fn official_head(&mut self) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        let Some(texts) = self.composed.official.clone() else {
            return;
        };
        let pitch = t.styles.body.line_pitch();
        if let Some(mark) = &texts.mark {
            self.role(super::Role::P);
            // The mark is one line, at the size composing chose (shrunk to fit if long).
            let mut style = setup.mark_style.clone();
            style.size = Length(mark.size);
            let size = mark.size;
            let mut line = self
                .set_lines(&mark.text, &style, false, self.width, 0.0)
                .remove(0);
            for run in &mut line.runs {
                run.x += self.left;
            }
            let items = line
                .runs
                .into_iter()
                .map(|mut run| {
                    run.y = mark.top + 0.88 * size;
                    Item::Text(run)
                })
                .collect();
            self.boxes.push(Boxed {
                height: mark.top + size,
                items,
                keep_with_next: true,
                ..Default::default()
            });
        }
        if let Some(number_line) = &texts.number {
            self.role(super::Role::P);
            let style = setup.doc_number_style.clone();
            let size = style.size.pt();
            let inset = number_line.inset * size;
            let mut boxed = if let Some((label, signer)) = &number_line.signer {
                // Upward documents: number at the left, 签发人 at the right.
                let mut left_style = style.clone();
                left_style.align = Align::Left;
                let line = self
                    .set_lines(&number_line.number, &left_style, false, self.width, 0.0)
                    .remove(0);
                let mut boxed = self.line_box(line, &left_style, self.left + inset);
                let label = self
                    .set_lines(label, &left_style, false, self.width, 0.0)
                    .remove(0);
                let mut name_style = setup.signer_style.clone();
                name_style.align = Align::Left;
                let name = self
                    .set_lines(signer, &name_style, false, self.width, 0.0)
                    .remove(0);
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
                let line = self
                    .set_lines(&number_line.number, &style, false, self.width, 0.0)
                    .remove(0);
                self.line_box(line, &style, self.left)
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
        let mut title = t.styles.title.clone();
        let title_space = f32::from(texts.lines_before_title) * pitch;
        title.space_before = Length(title.space_before.pt().max(title_space));
        self.role(super::Role::Title);
        self.title(&title);
        if let Some(sub) = &self.article.subtitle {
            self.role(super::Role::P);
            self.paragraph(sub, &t.styles.subtitle.clone(), true);
        }
        if let Some(r) = &texts.recipients {
            self.role(super::Role::P);
            self.paragraph(r, &setup.recipients_style.clone(), false);
        }
    }

    /// 附件说明 one line under the body, 落款 with 成文日期 4 characters from the right, and
    /// the 版记 (抄送, 印发机关 and 印发日期 between rules) at the foot of the last page.
    pub(super) fn official_tail(&mut self) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        let Some(texts) = self.composed.official.clone() else {
            return;
        };
        let body = t.styles.body.clone();
        let pitch = body.line_pitch();
        if !texts.attachment_notes.is_empty() {
            self.role(super::Role::P);
            // "附件：1. 名称" two characters in; further names aligned under the first.
            let mut style = body.clone();
            style.first_line_indent = 0.0;
            style.align = Align::Left;
            let label_x = self.left + texts.attachment_indent * body.char_advance();
            let label = self
                .set_lines(&texts.attachment_label, &style, false, self.width, 0.0)
                .remove(0);
            let text_x = label_x + label.width;
            let width = self.left + self.width - text_x;
            for (i, text) in texts.attachment_notes.iter().enumerate() {
                let lines = self.set_lines(text, &style, false, width, 0.0);
                let first = self.boxes.len();
                let mut item_style = style.clone();
                if i == 0 {
                    item_style.space_before =
                        Length(f32::from(texts.lines_before_attachments) * pitch);
                }
                self.push_lines(lines, &item_style, text_x, false);
                if i == 0 {
                    let label_box = self.line_box(label.clone(), &style, label_x);
                    self.boxes[first].items.extend(label_box.items);
                }
            }
        }
        if let Some(signature) = &texts.signature {
            self.role(super::Role::P);
            let mut style = setup.signature_style.clone();
            style.align = Align::Left;
            style.first_line_indent = 0.0;
            let size = style.size.pt();
            let date = self
                .set_lines(&signature.date, &style, false, self.width, 0.0)
                .remove(0);
            let name = self
                .set_lines(&signature.name, &style, false, self.width, 0.0)
                .remove(0);
            let right = self.left + self.width;
            let date_x = right - signature.date_right * size - date.width;
            let name_x = right - signature.name_right * size - name.width;
            let space = f32::from(texts.lines_before_signature) * pitch;
            let mut name_style = style.clone();
            name_style.space_before = Length(space);
            let mut name_box = self.line_box(name, &name_style, name_x);
            name_box.space_before = space;
            name_box.grid = true;
            name_box.keep_with_next = true;
            self.boxes.push(name_box);
            let mut date_box = self.line_box(date, &style, date_x);
            date_box.grid = true;
            self.boxes.push(date_box);
        }
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
        items.push(rule(y, thick));
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
            let label = self
                .set_lines(cc_label, &line_style, false, self.width, 0.0)
                .remove(0);
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
            items.push(rule(
                y,
                if texts.printed_by.is_some() || texts.printed_date.is_some() {
                    thin
                } else {
                    thick
                },
            ));
        }
        if texts.printed_by.is_some() || texts.printed_date.is_some() {
            if let Some(by) = &texts.printed_by {
                let line = self
                    .set_lines(by, &line_style, false, self.width, 0.0)
                    .remove(0);
                place(&mut items, line, self.left + inset, baseline(y));
            }
            if let Some(text) = &texts.printed_date {
                let line = self
                    .set_lines(text, &line_style, false, self.width, 0.0)
                    .remove(0);
                let x = self.left + self.width - inset - line.width;
                place(&mut items, line, x, baseline(y));
            }
            y += pitch;
            items.push(rule(y - thick, thick));
        }
        self.boxes.push(Boxed {
            height: y,
            space_before: pitch,
            items,
            at_page_bottom: true,
            ..Default::default()
        });
    }
}
