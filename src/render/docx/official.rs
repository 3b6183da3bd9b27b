//! The head and tail of an official document in WordprocessingML (GB/T 9704-2012): the mark,
//! document number and red line, the title, 附件说明, 落款, and the 版记 as a text box anchored to
//! the foot of the last page.

use super::{ParaOpts, Writer};
use crate::template::{Align, Length, Style, Template};
use std::fmt::Write as _;

/// Paragraph styles only official documents use.
pub(super) fn styles(t: &Template) -> Vec<(&'static str, &'static str, Style, ParaOpts)> {
    let Some(o) = &t.official else {
        return Vec::new();
    };
    let kept = ParaOpts {
        keep_next: true,
        exact: true,
        ..Default::default()
    };
    let plain = ParaOpts {
        exact: true,
        ..Default::default()
    };
    let mut note = t.styles.body.clone();
    note.first_line_indent = 0.0;
    note.align = Align::Left;
    let mut signature = o.signature_style.clone();
    signature.align = Align::Right;
    let mut imprint = o.imprint_style.clone();
    imprint.align = Align::Left;
    let mut head = o.head_style.clone();
    head.align = Align::Left;
    vec![
        ("HeadElement", "Head Element", head, kept),
        ("IssuerMark", "Issuer Mark", o.mark_style.clone(), kept),
        (
            "DocNumber",
            "Document Number",
            o.doc_number_style.clone(),
            kept,
        ),
        (
            "Recipients",
            "Recipients",
            o.recipients_style.clone(),
            plain,
        ),
        ("AttachmentNote", "Attachment Note", note, plain),
        ("Signature", "Signature", signature, kept),
        ("Imprint", "Imprint", imprint, plain),
    ]
}

/// Run properties naming `style`'s faces, for a run set in another style than its
/// paragraph's (the 签发人's name, the 发文字号 beside the 份号, a 纪要's labels).
fn style_fonts(style: &Style) -> String {
    let (east, latin) = super::font_names(style.family, style.latin_family());
    format!("<w:rFonts w:ascii=\"{latin}\" w:hAnsi=\"{latin}\" w:eastAsia=\"{east}\" w:hint=\"eastAsia\"/>")
}

/// Width of text in ems: CJK characters one em, ASCII half.
fn ems(s: &str) -> f32 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

impl Writer<'_> {
    fn blank_line(&mut self) {
        self.body.push_str("<w:p/>");
    }

    /// `n` blank lines of the grid (empty body paragraphs); the first also takes what the
    /// baseline grid adds above it ([`crate::compose::Composed::grid_space`]).
    fn blank_lines(&mut self, n: u8) {
        self.blank_lines_kept(n, false);
    }

    /// [`Writer::blank_lines`], each kept with the next paragraph when `keep`.
    fn blank_lines_kept(&mut self, n: u8, keep: bool) {
        let keep = if keep { "<w:keepNext/>" } else { "" };
        for i in 0..n {
            let extra = std::mem::take(&mut self.grid_extra);
            if i == 0 && extra > 0.01 {
                let _ = write!(
                    self.body,
                    "<w:p><w:pPr>{keep}<w:spacing w:before=\"{}\"/></w:pPr></w:p>",
                    Length(extra).twips()
                );
            } else if keep.is_empty() {
                self.blank_line();
            } else {
                let _ = write!(self.body, "<w:p><w:pPr>{keep}</w:pPr></w:p>");
            }
        }
    }

    pub(super) fn official_head(&mut self) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        let width = t.page.text_width();
        let Some(texts) = self.composed.official.clone() else {
            return;
        };
        if let Some(letter) = &texts.letter {
            self.letter_head(&texts, letter);
        } else {
            // 份号, 密级和保密期限, 紧急程度 on the first lines, flush left (7.2.1–7.2.3).
            for text in &texts.head_lines {
                self.para("HeadElement", text, "");
            }
            if let Some(mark) = &texts.mark {
                let pitch = super::grid_pitch_twips(t)
                    .map_or(setup.head_style.line_pitch(), |p| p as f32 / 20.0);
                let above = texts.head_lines.len() as f32 * pitch;
                self.mark(mark, above);
            }
        }
        self.blank_lines_kept(texts.lines_after_mark, true);
        if let Some(order_number) = &texts.order_number {
            // 令号 two lines under the mark, centred, the text two lines under it (10.2).
            self.blank_lines(texts.lines_before_number);
            self.para("DocNumber", order_number, "<w:jc w:val=\"center\"/>");
            self.blank_lines_kept(texts.lines_before_number, true);
        }
        if let (Some(number_line), None) = (&texts.number, &texts.letter) {
            if texts.mark.is_some() {
                self.blank_lines(texts.lines_before_number);
            }
            let em = setup.doc_number_style.size.pt();
            let rule_pt = setup.rule_thickness.pt();
            // A paragraph border is drawn below the line box, whose exact height (the grid
            // pitch) leaves about half the leading below the em box, plus the border's own
            // width: the border's space (whole points, ECMA-376 17.3.4) is the red rule's
            // distance from the em box (GB/T 9704-2012 7.2.5: 4 mm) less that.
            let line = super::grid_pitch_twips(t)
                .filter(|_| setup.doc_number_style.on_grid)
                .map_or(setup.doc_number_style.line_pitch(), |p| p as f32 / 20.0);
            let below = (line - em) / 2.0 + 1.5;
            let space = (setup.rule_gap.pt() - below).round().max(0.0) as i64;
            let border = format!(
                "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"{}\" w:space=\"{}\" w:color=\"{}\"/></w:pBdr>",
                ((rule_pt * 8.0).round() as i64).max(2),
                space,
                setup.rule_color.hex()
            );
            match &number_line.signer {
                Some((label, signer)) => {
                    // The number inset by a tab, not an indent: the paragraph's border (the
                    // red rule) spans the whole type area only without indents.
                    let inset = number_line.inset * em;
                    let tab = Length(width - inset).twips();
                    let _ = write!(
                        self.body,
                        "<w:p><w:pPr><w:pStyle w:val=\"DocNumber\"/>{border}<w:tabs><w:tab w:val=\"left\" w:pos=\"{}\"/><w:tab w:val=\"right\" w:pos=\"{tab}\"/></w:tabs><w:ind w:left=\"0\" w:right=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/></w:pPr><w:r><w:tab/></w:r>",
                        Length(inset).twips()
                    );
                    self.run(&number_line.number, "");
                    self.body.push_str("<w:r><w:tab/></w:r>");
                    self.run(label, "");
                    self.run(signer, &style_fonts(&setup.signer_style));
                    self.body.push_str("</w:p>");
                }
                None => self.para("DocNumber", &number_line.number, &border),
            }
        }
        // The Title style's space after is the blank line below the title.
        if texts.print_title {
            self.blank_lines(texts.lines_before_title);
            self.title();
        }
        if let Some(sub) = &self.article.subtitle {
            self.para("Subtitle", sub, "");
        }
        if let Some(r) = &texts.recipients {
            self.para("Recipients", r, "");
        }
    }

    /// The 发文机关标志 at the size composing chose, in half-points rounded down so that it
    /// never needs more room than in the PDF. One organ: one paragraph, its top at the mark's
    /// distance. Several: a spacer paragraph, then a borderless table centred in the type
    /// area, the names stacked in its first cell, each spread to the cell's width
    /// (`w:jc="distribute"`, ECMA-376 17.18.44), and "文件" in a second cell, centred on them
    /// vertically (`w:vAlign="center"`).
    /// `above`: the height of the lines written before it (pt).
    fn mark(&mut self, mark: &crate::compose::Mark, above: f32) {
        if mark.lines.len() == 1 && mark.suffix.is_none() {
            let content = mark_content(mark, Length(mark.top - above).twips().max(0));
            self.body.push_str(&content);
            return;
        }
        // The lines' boxes are a pitch tall with the em box in their middle: the spacer ends
        // half the leading above the first line's top.
        let spacer = mark.top - above - (mark.pitch - mark.size) / 2.0;
        let _ = write!(
            self.body,
            "<w:p><w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/></w:rPr></w:pPr></w:p>",
            Length(spacer).twips().max(20)
        );
        self.body.push_str(&mark_content(mark, 0));
    }

    /// The 信函格式's head (GB/T 9704-2012 10.1): the mark in a text box and the four lines of
    /// the two double rules as filled rectangles, all anchored to the page where layout puts
    /// them (the mark stands above the type area, the lower rule below it); in the text, a
    /// spacer down to the elements under the first rule, then 份号 (密级, 紧急程度) at the left
    /// with the 发文字号 at a right tab on the first line.
    fn letter_head(
        &mut self,
        texts: &crate::compose::OfficialTexts,
        letter: &crate::compose::LetterHead,
    ) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        let (left, top) = (t.page.margin_left.pt(), t.page.margin_top.pt());
        let mut anchors = String::new();
        if let Some(mark) = &texts.mark {
            let content = mark_content(mark, 0);
            let height = mark.height().max(mark.size * 1.1) + 2.0;
            anchors.push_str(&self.anchored_box(
                &content,
                (left, top + mark.top),
                (t.page.text_width(), height),
            ));
        }
        for (rule_top, lines) in [
            (letter.upper_top, &letter.upper),
            (letter.lower_top, &letter.lower),
        ] {
            for &(offset, thickness) in lines {
                anchors.push_str(&self.anchored_rect(
                    (left + letter.x1, top + rule_top + offset),
                    (letter.x2 - letter.x1, thickness),
                    &setup.rule_color.hex(),
                ));
            }
        }
        // The lines under it are a grid pitch tall with their text in the middle (Word and
        // LibreOffice centre text in an exact line): the spacer ends half the leading above
        // the first line's em box.
        let pitch =
            super::grid_pitch_twips(t).map_or(setup.head_style.line_pitch(), |p| p as f32 / 20.0);
        let leading = (pitch - setup.head_style.size.pt()) / 2.0;
        let _ = write!(
            self.body,
            "<w:p><w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/></w:rPr></w:pPr>{anchors}</w:p>",
            Length(letter.elements_top - leading).twips().max(20)
        );
        let width = Length(t.page.text_width()).twips();
        let number = texts.number.as_ref().map(|n| n.number.clone());
        let tabs = format!("<w:tabs><w:tab w:val=\"right\" w:pos=\"{width}\"/></w:tabs>");
        let mut lines = texts.head_lines.iter();
        let first = lines.next();
        if first.is_some() || number.is_some() {
            let _ = write!(
                self.body,
                "<w:p><w:pPr><w:pStyle w:val=\"HeadElement\"/>{tabs}<w:ind w:left=\"0\" w:right=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/></w:pPr>"
            );
            if let Some(text) = first {
                self.run(text, "");
            }
            if let Some(number) = &number {
                self.body.push_str("<w:r><w:tab/></w:r>");
                self.run(number, &style_fonts(&setup.doc_number_style));
            }
            self.body.push_str("</w:p>");
        }
        for text in lines {
            self.para("HeadElement", text, "");
        }
        // The title's line where layout puts it (LetterHead::title_top): the space the grid
        // adds goes before the blank lines above it.
        let lines_end = letter.elements_top - leading + letter.element_lines as f32 * pitch;
        let title_line = lines_end + f32::from(texts.lines_before_title) * pitch;
        self.grid_extra = (letter.title_top - title_line).max(0.0);
    }

    /// A run holding a text box `size` (pt) at `at` (pt from the page's top left corner) with
    /// WordprocessingML `content`, floating in front of the text (ECMA-376 Part 1, 20.4.2.3
    /// anchor; the VML fallback for readers without DrawingML shapes).
    fn anchored_box(&mut self, content: &str, at: (f32, f32), size: (f32, f32)) -> String {
        self.page_anchor(
            "Mark",
            at,
            size,
            |cx, cy| format!("<wps:wsp><wps:cNvSpPr txBox=\"1\"/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr rot=\"0\" vert=\"horz\" wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"t\"><a:noAutofit/></wps:bodyPr></wps:wsp>"),
            |id, style| format!("<v:shape id=\"Mark{id}\" type=\"#_x0000_t202\" style=\"{style}\" filled=\"f\" stroked=\"f\"><v:textbox inset=\"0,0,0,0\"><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape>"),
        )
    }

    /// A run holding a filled rectangle `size` (pt) at `at` (pt from the page's top left
    /// corner) in colour `hex`: one line of a rule that must span more than the type area.
    fn anchored_rect(&mut self, at: (f32, f32), size: (f32, f32), hex: &str) -> String {
        self.page_anchor(
            "Rule",
            at,
            size,
            |cx, cy| format!("<wps:wsp><wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val=\"{hex}\"/></a:solidFill><a:ln><a:noFill/></a:ln></wps:spPr><wps:bodyPr/></wps:wsp>"),
            |id, style| format!("<v:rect id=\"Rule{id}\" style=\"{style}\" fillcolor=\"#{hex}\" stroked=\"f\"/>"),
        )
    }

    /// A run holding a DrawingML shape `size` (pt) anchored at `at` (pt from the page's top
    /// left corner), in front of the text, named `name` and its number: `shape` gives the
    /// `wps:wsp` for the extent in EMU, `fallback` the VML element for its number and its
    /// position style (ECMA-376 Part 1, 20.4.2.3; Part 3, Markup Compatibility).
    fn page_anchor(
        &mut self,
        name: &str,
        at: (f32, f32),
        size: (f32, f32),
        shape: impl Fn(i64, i64) -> String,
        fallback: impl Fn(usize, &str) -> String,
    ) -> String {
        self.drawing_id += 1;
        let id = self.drawing_id;
        let emu = |pt: f32| (pt * 12_700.0).round() as i64;
        let (x, y, cx, cy) = (emu(at.0), emu(at.1), emu(size.0), emu(size.1).max(1));
        let style = format!(
            "position:absolute;margin-left:{}pt;margin-top:{}pt;width:{}pt;height:{}pt;z-index:{id};mso-position-horizontal-relative:page;mso-position-vertical-relative:page",
            at.0, at.1, size.0, size.1
        );
        format!(
            "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" simplePos=\"0\" relativeHeight=\"{id}\" behindDoc=\"0\" locked=\"0\" layoutInCell=\"1\" allowOverlap=\"1\"><wp:simplePos x=\"0\" y=\"0\"/><wp:positionH relativeFrom=\"page\"><wp:posOffset>{x}</wp:posOffset></wp:positionH><wp:positionV relativeFrom=\"page\"><wp:posOffset>{y}</wp:posOffset></wp:positionV><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapNone/><wp:docPr id=\"{id}\" name=\"{name} {id}\"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\">{}</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>{}</w:pict></mc:Fallback></mc:AlternateContent></w:r>",
            shape(cx, cy),
            fallback(id, &style)
        )
    }
}

/// The 发文机关标志's WordprocessingML at the size composing chose, in half-points rounded
/// down so that it never needs more room than in the PDF. One organ: one paragraph, its top
/// `before` twips down. Several: a borderless table centred in the type area, the names
/// stacked in its first cell, each spread to the cell's width (`w:jc="distribute"`, ECMA-376
/// 17.18.44), and "文件" in a second cell, centred on them vertically (`w:vAlign="center"`).
fn mark_content(mark: &crate::compose::Mark, before: i64) -> String {
    let mut out = String::new();
    let half_points = ((mark.size * 2.0).floor() as i64).max(2);
    let size = format!("<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/>");
    if mark.lines.len() == 1 && mark.suffix.is_none() {
        let text: &str = &mark.lines[0].0;
        let _ = write!(
            out,
            "<w:p><w:pPr><w:pStyle w:val=\"IssuerMark\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"{before}\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/></w:pPr><w:r><w:rPr>{size}</w:rPr>{}</w:r></w:p>",
            Length(mark.size * 1.1).twips(),
            super::run_content(text)
        );
        return out;
    }
    {
        // A twentieth of a point of slack per cell keeps rounding from wrapping a name.
        let stack = Length(mark.stack_width).twips() + 20;
        let side = if mark.suffix.is_some() {
            Length(mark.suffix_gap + mark.suffix_width).twips() + 20
        } else {
            0
        };
        let none = "<w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/>";
        let grid = if side > 0 {
            format!("<w:gridCol w:w=\"{stack}\"/><w:gridCol w:w=\"{side}\"/>")
        } else {
            format!("<w:gridCol w:w=\"{stack}\"/>")
        };
        let _ = write!(
            out,
            "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>{none}</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"0\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"0000\"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w=\"{stack}\" w:type=\"dxa\"/></w:tcPr>",
            stack + side
        );
        let line = Length(mark.pitch).twips();
        let ppr = |jc: &str| {
            format!("<w:pPr><w:pStyle w:val=\"IssuerMark\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{line}\" w:lineRule=\"exact\"/><w:ind w:left=\"0\" w:right=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"{jc}\"/></w:pPr>")
        };
        for (text, _) in &mark.lines {
            let _ = write!(
                out,
                "<w:p>{}<w:r><w:rPr>{size}</w:rPr>{}</w:r></w:p>",
                ppr("distribute"),
                super::run_content(text)
            );
        }
        out.push_str("</w:tc>");
        if let Some(suffix) = &mark.suffix {
            let _ = write!(
                out,
                "<w:tc><w:tcPr><w:tcW w:w=\"{side}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr><w:p>{}<w:r><w:rPr>{size}</w:rPr>{}</w:r></w:p></w:tc>",
                ppr("right"),
                super::run_content(suffix)
            );
        }
        out.push_str("</w:tr></w:tbl>");
    }
    out
}

impl Writer<'_> {
    pub(super) fn official_tail(&mut self) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        let Some(texts) = self.composed.official.clone() else {
            return;
        };
        let em = t.styles.body.char_advance();
        // As in layout: the body's last paragraph, the 附件说明 and the blank lines keep with
        // the signature (w:keepNext: the paragraph's last line stays on the next one's page).
        // After attendance lists, only their last line keeps with the signature.
        let keep = texts.signature.is_some() && texts.attendance.is_empty();
        if keep {
            self.keep_last_with_next();
        }
        if !texts.attachment_notes.is_empty() {
            self.blank_lines_kept(texts.lines_before_attachments, keep);
            let label_ems = ems(&texts.attachment_label);
            let left = Length((texts.attachment_indent + label_ems) * em).twips();
            for (i, text) in texts.attachment_notes.iter().cloned().enumerate() {
                let (ind, text) = if i == 0 {
                    let hanging = Length(label_ems * em).twips();
                    (
                        format!("<w:ind w:left=\"{left}\" w:hanging=\"{hanging}\"/>"),
                        format!("{}{text}", texts.attachment_label),
                    )
                } else {
                    (format!("<w:ind w:left=\"{left}\"/>"), text)
                };
                let ind = if keep {
                    format!("<w:keepNext/>{ind}")
                } else {
                    ind
                };
                self.para("AttachmentNote", &text, &ind);
            }
        }
        for (i, (label, list)) in texts.attendance.iter().enumerate() {
            // "出席：" in the head style (3号黑体) two characters in, the names after it, turned
            // lines under the first name (10.3).
            if i == 0 {
                self.blank_lines(crate::compose::ATTENDANCE_LINES_BEFORE);
            }
            let keep = texts.signature.is_some() && i + 1 == texts.attendance.len();
            let label_ems = ems(label);
            let left = Length((crate::compose::ATTENDANCE_INDENT + label_ems) * em).twips();
            let hanging = Length(label_ems * em).twips();
            let keep_next = if keep { "<w:keepNext/>" } else { "" };
            let _ = write!(
                self.body,
                "<w:p><w:pPr><w:pStyle w:val=\"AttachmentNote\"/>{keep_next}<w:ind w:left=\"{left}\" w:hanging=\"{hanging}\"/></w:pPr>"
            );
            self.run(label, &style_fonts(&setup.head_style));
            self.run(list, "");
            self.body.push_str("</w:p>");
        }
        if let Some(signature) = &texts.signature {
            // Each line of the signature at the places composing chose: tab stops of the
            // parts' kinds (left, centre, right) at their x (ECMA-376 17.3.1.37).
            let rows = signature.rows.len();
            for (r, row) in signature.rows.iter().enumerate() {
                self.blank_lines_kept(row.lines_before, true);
                let keep = r + 1 < rows || texts.note.is_some();
                // A part at the left edge needs no tab to reach it.
                let tabbed = |part: &crate::compose::SignaturePart| {
                    part.anchor != crate::compose::Anchor::Left || part.x > 0.5
                };
                let mut tabs = String::new();
                for part in row.parts.iter().filter(|p| tabbed(p)) {
                    let kind = match part.anchor {
                        crate::compose::Anchor::Left => "left",
                        crate::compose::Anchor::Center => "center",
                        crate::compose::Anchor::Right => "right",
                    };
                    let _ = write!(
                        tabs,
                        "<w:tab w:val=\"{kind}\" w:pos=\"{}\"/>",
                        Length(part.x).twips()
                    );
                }
                let keep = if keep { "<w:keepNext/>" } else { "" };
                let tabs = if tabs.is_empty() {
                    String::new()
                } else {
                    format!("<w:tabs>{tabs}</w:tabs>")
                };
                let _ = write!(
                    self.body,
                    "<w:p><w:pPr><w:pStyle w:val=\"Signature\"/>{keep}{tabs}<w:ind w:left=\"0\" w:right=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/></w:pPr>"
                );
                for part in &row.parts {
                    if tabbed(part) {
                        self.body.push_str("<w:r><w:tab/></w:r>");
                    }
                    self.run(&part.text, "");
                }
                self.body.push_str("</w:p>");
            }
        }
        if let Some(note) = &texts.note {
            // 附注 on the next line, two characters in (7.3.6).
            let em = t.styles.body.char_advance();
            let ind = format!(
                "<w:ind w:firstLineChars=\"200\" w:firstLine=\"{}\"/>",
                Length(2.0 * em).twips()
            );
            self.para("BodyText", note, &ind);
        }
        self.attachment_pages();
        self.imprint(&texts);
    }

    /// The 版记 at the foot of the type area on the last page: 抄送 and 印发 lines on the grid
    /// pitch, with thick rules above and below and a thin one between, in a text box anchored
    /// to the bottom of the margin box. (Paragraph frames and floating tables are laid out by
    /// LibreOffice where they stand in the text, not at the foot.)
    fn imprint(&mut self, texts: &crate::compose::OfficialTexts) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        let printed = texts.printed_by.is_some() || texts.printed_date.is_some();
        if texts.cc.is_none() && !printed {
            return;
        }
        let width = Length(t.page.text_width()).twips();
        let size = setup.imprint_style.size.pt();
        let inset = Length(size).twips();
        let pitch =
            super::grid_pitch_twips(t).unwrap_or(Length(setup.imprint_style.line_pitch()).twips());
        let lines = i64::from(texts.cc.is_some()) + i64::from(printed);
        let eighths = |l: Length| ((l.pt() * 8.0).round() as i64).max(2);
        let (thick, thin) = (
            eighths(setup.imprint_thick_rule),
            eighths(setup.imprint_thin_rule),
        );
        let spacing = format!(
            "<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{pitch}\" w:lineRule=\"exact\"/>"
        );
        let rule = |sz: i64| {
            if texts.imprint_rules {
                format!("w:val=\"single\" w:sz=\"{sz}\" w:space=\"0\" w:color=\"000000\"")
            } else {
                "w:val=\"nil\"".to_owned()
            }
        };
        // The rules are the borders of a one-column table as wide as the type area (GB/T
        // 9704-2012 7.4.1: they span the type area), the text one character in from each
        // side by the cells' margins (7.4.2, 7.4.3); paragraph borders would stop at the
        // paragraphs' indents.
        let body_before = std::mem::take(&mut self.body);
        let _ = write!(
            self.body,
            "<w:tbl><w:tblPr><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblBorders><w:top {top}/><w:left w:val=\"nil\"/><w:bottom {top}/><w:right w:val=\"nil\"/><w:insideH {middle}/><w:insideV w:val=\"nil\"/></w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"{inset}\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"{inset}\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"0000\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"{width}\"/></w:tblGrid>",
            top = rule(thick),
            middle = rule(thin),
        );
        let cell = format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>");
        if let Some((label, list)) = &texts.cc {
            let text = format!("{label}{list}");
            let hanging = Length(ems(label) * size).twips();
            let ppr = format!("{spacing}<w:ind w:left=\"{hanging}\" w:hanging=\"{hanging}\"/>");
            let _ = write!(self.body, "<w:tr>{cell}");
            self.para("Imprint", &text, &ppr);
            self.body.push_str("</w:tc></w:tr>");
        }
        if printed {
            let tab = width - 2 * inset;
            let ppr = format!(
                "<w:tabs><w:tab w:val=\"right\" w:pos=\"{tab}\"/></w:tabs>{spacing}<w:ind w:left=\"0\" w:right=\"0\"/>"
            );
            let by = texts.printed_by.clone().unwrap_or_default();
            let date = texts.printed_date.clone().unwrap_or_default();
            let _ = write!(
                self.body,
                "<w:tr>{cell}<w:p><w:pPr><w:pStyle w:val=\"Imprint\"/>{ppr}</w:pPr>"
            );
            self.run(&by, "");
            self.body.push_str("<w:r><w:tab/></w:r>");
            self.run(&date, "");
            self.body.push_str("</w:p></w:tc></w:tr>");
        }
        // A text box's content ends with a paragraph (Word requires one after a table).
        self.body.push_str("</w:tbl><w:p><w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/></w:pPr></w:p>");
        let content = std::mem::replace(&mut self.body, body_before);
        self.drawing_id += 1;
        let id = self.drawing_id;
        // The rows, the closing one-point paragraph and the rules' widths.
        let height = lines * pitch + 40;
        let (cx, cy) = (width * 635, height * 635);
        // Readers without DrawingML shapes (Word 2007, converters) take the VML fallback, the
        // same box as Word writes it (ECMA-376 Part 3, Markup Compatibility; VML Part 4).
        let fallback = format!(
            "<mc:Fallback><w:pict><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype><v:shape id=\"Imprint{id}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:0;margin-top:0;width:{w}pt;height:{h}pt;z-index:{id};mso-position-horizontal-relative:margin;mso-position-vertical:bottom;mso-position-vertical-relative:margin\" filled=\"f\" stroked=\"f\"><v:textbox inset=\"0,0,0,0\"><w:txbxContent>{content}</w:txbxContent></v:textbox><w10:wrap type=\"topAndBottom\"/></v:shape></w:pict></mc:Fallback>",
            w = width as f32 / 20.0,
            h = height as f32 / 20.0,
        );
        // On the page layout chose (GB/T 9704-2012 7.5): the next page, or, after the text
        // filled an even page, a new section without page numbers whose first page stays
        // blank.
        let break_before = match self.imprint_page {
            None => "",
            Some(crate::layout::ImprintPage::NextPage) => "<w:pageBreakBefore/>",
            Some(crate::layout::ImprintPage::AfterBlankPage) => {
                let _ = write!(
                    self.body,
                    "<w:p><w:pPr>{}</w:pPr></w:p>",
                    super::SECTION_BREAK
                );
                self.blank_section = t.footer.is_some();
                if !self.blank_section {
                    self.body = self.body.replacen(super::SECTION_BREAK, "", 1);
                    self.body
                        .push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
                }
                "<w:pageBreakBefore/>"
            }
        };
        // The anchoring paragraph itself is one point high.
        let _ = write!(
            self.body,
            "<w:p><w:pPr>{break_before}<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/></w:pPr><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" simplePos=\"0\" relativeHeight=\"{id}\" behindDoc=\"0\" locked=\"0\" layoutInCell=\"1\" allowOverlap=\"0\"><wp:simplePos x=\"0\" y=\"0\"/><wp:positionH relativeFrom=\"margin\"><wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom=\"margin\"><wp:align>bottom</wp:align></wp:positionV><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapTopAndBottom/><wp:docPr id=\"{id}\" name=\"Imprint {id}\"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"><wps:wsp><wps:cNvSpPr txBox=\"1\"/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr rot=\"0\" vert=\"horz\" wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"b\"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>{fallback}</mc:AlternateContent></w:r></w:p>"
        );
    }
}
