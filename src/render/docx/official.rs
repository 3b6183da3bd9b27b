//! The head and tail of an official document in WordprocessingML (GB/T 9704-2012): the mark,
//! document number and red line, the title, 附件说明, 落款, and the 版记 as a text box anchored to
//! the foot of the last page.

use super::{escape, ParaOpts, Writer};
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
    vec![
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

    pub(super) fn official_head(&mut self) {
        let (t, a) = (self.template, self.article);
        let Some(setup) = &t.official else { return };
        let off = &a.official;
        let width = t.page.text_width();
        let texts = self.composed.official.clone();
        if let Some((mark, size)) = texts.as_ref().and_then(|o| o.mark.clone()) {
            // The composed size (shrunk to fit), in half-points rounded down so that the
            // mark never needs more room than in the PDF.
            let half_points = ((size * 2.0).floor() as i64).max(2);
            let _ = write!(
                self.body,
                "<w:p><w:pPr><w:pStyle w:val=\"IssuerMark\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"{}\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/></w:pPr><w:r><w:rPr><w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/></w:rPr><w:t>{}</w:t></w:r></w:p>",
                match (&off.signer, setup.mark_top_upward) {
                    (Some(_), Some(upward)) => upward.twips(),
                    _ => setup.mark_top.twips(),
                },
                Length(size * 1.1).twips(),
                escape(&mark)
            );
            self.blank_line();
            self.blank_line();
        }
        if off.doc_number.is_some() || off.signer.is_some() {
            let em = setup.doc_number_style.size.pt();
            let rule_pt = setup.rule_thickness.pt();
            let border = format!(
                "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"{}\" w:space=\"{}\" w:color=\"{}\"/></w:pBdr>",
                ((rule_pt * 8.0).round() as i64).max(2),
                setup.rule_gap.pt().round() as i64,
                setup.rule_color.hex()
            );
            let number = off.doc_number.clone().unwrap_or_default();
            match &off.signer {
                Some(signer) => {
                    let tab = Length(width - em).twips();
                    let _ = write!(
                        self.body,
                        "<w:p><w:pPr><w:pStyle w:val=\"DocNumber\"/>{border}<w:tabs><w:tab w:val=\"right\" w:pos=\"{tab}\"/></w:tabs><w:ind w:left=\"{}\"/><w:jc w:val=\"left\"/></w:pPr>",
                        Length(em).twips()
                    );
                    self.run(&number, "");
                    self.body.push_str("<w:r><w:tab/></w:r>");
                    self.run(&setup.signer_label, "");
                    let (east, latin) = super::font_names(setup.signer_style.family);
                    let fonts = format!("<w:rFonts w:ascii=\"{latin}\" w:hAnsi=\"{latin}\" w:eastAsia=\"{east}\" w:hint=\"eastAsia\"/>");
                    self.run(signer, &fonts);
                    self.body.push_str("</w:p>");
                }
                None => self.para("DocNumber", &number, &border),
            }
            self.blank_line();
            self.blank_line();
        } else if off.issuer_mark.is_some() {
            self.blank_line();
        }
        // The Title style's space after is the blank line below the title.
        self.title();
        if let Some(sub) = &a.subtitle {
            self.para("Subtitle", sub, "");
        }
        if let Some(r) = &off.recipients {
            self.para("Recipients", r, "");
        }
    }

    pub(super) fn official_tail(&mut self) {
        let t = self.template;
        let Some(setup) = &t.official else { return };
        let Some(texts) = self.composed.official.clone() else {
            return;
        };
        let em = t.styles.body.size.pt();
        if !texts.attachment_notes.is_empty() {
            self.blank_line();
            let label_ems = ems(&texts.attachment_label);
            let left = Length((2.0 + label_ems) * em).twips();
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
                self.para("AttachmentNote", &text, &ind);
            }
        }
        if let Some((name, date)) = &texts.signature {
            self.blank_line();
            let right = setup.signature_right_indent;
            // The issuing body centred over the date (never further right than the date).
            let name_right = (right + (ems(date) - ems(name)) / 2.0).max(right);
            let size = setup.signature_style.size.pt();
            let ind = |chars: f32| format!("<w:ind w:right=\"{}\"/>", Length(chars * size).twips());
            self.para("Signature", name, &ind(name_right));
            self.para("Signature", date, &ind(right));
        }
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
        let border = |top: Option<i64>, bottom: i64| {
            let top = top.map_or(String::new(), |sz| {
                format!("<w:top w:val=\"single\" w:sz=\"{sz}\" w:space=\"0\" w:color=\"000000\"/>")
            });
            format!("<w:pBdr>{top}<w:bottom w:val=\"single\" w:sz=\"{bottom}\" w:space=\"0\" w:color=\"000000\"/></w:pBdr>")
        };
        let spacing = format!(
            "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{pitch}\" w:lineRule=\"exact\"/>"
        );
        // The box's paragraphs are written into the body, then moved into the text box.
        let body_before = std::mem::take(&mut self.body);
        if let Some((label, list)) = &texts.cc {
            let text = format!("{label}{list}");
            let hanging = Length(ems(label) * size).twips();
            let bottom = if printed { thin } else { thick };
            let ppr = format!(
                "{}{spacing}<w:ind w:left=\"{}\" w:right=\"{inset}\" w:hanging=\"{hanging}\"/>",
                border(Some(thick), bottom),
                inset + hanging
            );
            self.para("Imprint", &text, &ppr);
        }
        if printed {
            let top = texts.cc.is_none().then_some(thick);
            let tab = width - inset;
            let ppr = format!(
                "{}<w:tabs><w:tab w:val=\"right\" w:pos=\"{tab}\"/></w:tabs>{spacing}<w:ind w:left=\"{inset}\" w:right=\"{inset}\"/>",
                border(top, thick)
            );
            let by = texts.printed_by.clone().unwrap_or_default();
            let date = texts.printed_date.clone().unwrap_or_default();
            let _ = write!(
                self.body,
                "<w:p><w:pPr><w:pStyle w:val=\"Imprint\"/>{ppr}</w:pPr>"
            );
            self.run(&by, "");
            self.body.push_str("<w:r><w:tab/></w:r>");
            self.run(&date, "");
            self.body.push_str("</w:p>");
        }
        let content = std::mem::replace(&mut self.body, body_before);
        self.drawing_id += 1;
        let id = self.drawing_id;
        let (cx, cy) = (width * 635, lines * pitch * 635);
        // The anchoring paragraph itself is one point high.
        let _ = write!(
            self.body,
            "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/></w:pPr><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" simplePos=\"0\" relativeHeight=\"{id}\" behindDoc=\"0\" locked=\"0\" layoutInCell=\"1\" allowOverlap=\"0\"><wp:simplePos x=\"0\" y=\"0\"/><wp:positionH relativeFrom=\"margin\"><wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom=\"margin\"><wp:align>bottom</wp:align></wp:positionV><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapTopAndBottom/><wp:docPr id=\"{id}\" name=\"Imprint {id}\"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"><wps:wsp><wps:cNvSpPr txBox=\"1\"/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr rot=\"0\" vert=\"horz\" wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"b\"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice></mc:AlternateContent></w:r></w:p>"
        );
    }
}
