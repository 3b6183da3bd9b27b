//! The composed document: every decision about *what* is printed and *how it is divided*, made
//! once, between the record and the writers. Labels and meta lines are resolved, the title's
//! lines chosen, table column widths computed, image and QR sizes fixed, the attachment list
//! numbered and the official elements' texts (GB/T 9704-2012 §7) written out. Layout turns a
//! [`Composed`] into pages (PDF, OFD, preview); the DOCX writer turns the same value into
//! WordprocessingML. Neither decides any of this again, so the two cannot drift.
//!
//! Data flows one way: `record` → `compose` → `layout` → `render::{pdf, pdf_direct, ofd, svg}`,
//! and `compose` → `render::docx`.

use crate::fonts::FontBook;
use crate::layout::text::{set_shaped, shape, Line, Shaped, TextStyle};
use crate::qr::QrMatrix;
use crate::record::{chinese_date, Article, Block, ImageBlock};
use crate::template::{DocumentKind, Length, Style, Template};
use std::collections::BTreeSet;

/// Smallest printed QR module that phone cameras and zbar read reliably, in mm.
pub const MIN_QR_MODULE_MM: f32 = 0.4;

/// Cell padding of tables: left and right, and top and bottom, in pt.
pub const TABLE_PAD_X: f32 = 4.0;
pub const TABLE_PAD_Y: f32 = 3.0;

/// The article as it will be printed, shared by layout and the DOCX writer.
pub struct Composed<'a> {
    pub article: &'a Article,
    pub template: &'a Template,
    /// The breadcrumb line of a news head ("首页 > 新闻中心"), when there is a channel.
    pub breadcrumb: Option<String>,
    /// The title's lines as the title style breaks them over the type area (balanced when
    /// centred): the DOCX breaks its title at the same places.
    pub title: Vec<Line>,
    /// The meta line of a news head ("发布时间：… 来源：…").
    pub meta: Option<String>,
    /// One per table block of the body, in order.
    pub tables: Vec<TableGeometry>,
    /// Printed size (width, height) in pt of each image block of the body, in order.
    pub images: Vec<(f32, f32)>,
    /// The news attachment list (附件), when the record has attachments.
    pub attachments: Option<AttachmentList>,
    /// The QR code of the url, when the template prints one and the record has a url.
    pub qr: Option<QrPart>,
    /// The texts of an official document's head and tail (official templates only).
    pub official: Option<OfficialTexts>,
    /// Characters no bundled font has, met while composing (layout adds its own).
    pub missing: BTreeSet<char>,
}

/// Columns of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableGeometry {
    /// Column widths in pt, summing to the type area's width; each includes its padding.
    pub widths: Vec<f32>,
    /// Cell padding in pt: left and right (`pad_x`), top and bottom (`pad_y`).
    pub pad_x: f32,
    pub pad_y: f32,
    /// Text size in pt: the table style's, or smaller when the table has too many columns
    /// for a character and a half each.
    pub size: f32,
}

/// The news attachment list: a label, then numbered names, each linked to its url.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentList {
    pub label: String,
    /// (marker "1.", name, url)
    pub items: Vec<(String, String, Option<String>)>,
}

/// The QR code block.
#[derive(Debug, Clone, PartialEq)]
pub struct QrPart {
    /// Printed size in pt, quiet zone included: the template's size, at least
    /// [`MIN_QR_MODULE_MM`] per module.
    pub size: f32,
    pub caption: String,
}

/// What an official document prints in its head and tail, written out (GB/T 9704-2012).
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialTexts {
    /// 发文机关标志 and its size in pt: the mark style's, shrunk so that a long name fits
    /// the type area on one line (7.2.4).
    pub mark: Option<(String, f32)>,
    /// "附件：" and the numbered notes ("1. 名称") of 附件说明 (7.3.3).
    pub attachment_label: String,
    pub attachment_notes: Vec<String>,
    /// 发文机关署名 and 成文日期 ("2025年3月3日", 7.3.5).
    pub signature: Option<(String, String)>,
    /// 抄送机关: the label and the list ("抄送：", "甲，乙。", 7.4.2).
    pub cc: Option<(String, String)>,
    /// 印发机关 and 印发日期 ("2025年3月3日印发", 7.4.3).
    pub printed_by: Option<String>,
    pub printed_date: Option<String>,
}

impl Composed<'_> {
    /// The title's lines as text, in order (spaces at the breaks left out).
    pub fn title_lines(&self) -> Vec<String> {
        self.title
            .iter()
            .map(|l| l.runs.iter().map(|r| r.text.as_str()).collect())
            .collect()
    }
}

/// Composes `article` for `template`. `qr` is the url's code, when the record has a url.
pub fn compose<'a>(
    article: &'a Article,
    template: &'a Template,
    fonts: &FontBook,
    qr: Option<&QrMatrix>,
) -> Composed<'a> {
    let mut missing = BTreeSet::new();
    let mut shaper = |text: &str, style: &Style, bold: bool| -> Shaped {
        let ts = TextStyle::for_style(template, fonts, article.language, style, bold);
        shape(text, ts, fonts, &mut missing)
    };
    let width = template.page.text_width();
    let labels = template.labels(article.language);
    let is_official = template.document == DocumentKind::Official;

    let title_style = &template.styles.title;
    let em = title_style.size.pt();
    let shaped = shaper(&article.title, title_style, false);
    let title = set_shaped(
        &shaped,
        title_style.align,
        width - 2.0 * title_style.side_indent * em,
        title_style.first_line_indent * em,
    );

    let mut tables = Vec::new();
    let mut images = Vec::new();
    for block in &article.body {
        match block {
            Block::Table { rows } => tables.push(table(rows, template, width, &mut shaper)),
            Block::Image(img) => images.push(image_size(img, template)),
            _ => {}
        }
    }

    let attachments = (!is_official && !article.attachments.is_empty()).then(|| AttachmentList {
        label: labels.attachments.clone(),
        items: article
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("{}.", i + 1), a.name.clone(), a.url.clone()))
            .collect(),
    });

    let qr = match (qr, &article.url, &template.qr) {
        (Some(matrix), Some(_), Some(setup)) => {
            let modules = matrix.width() as f32 + 8.0;
            Some(QrPart {
                size: setup
                    .size
                    .pt()
                    .max(modules * Length::mm(MIN_QR_MODULE_MM).pt()),
                caption: labels.qr_caption.clone(),
            })
        }
        _ => None,
    };

    let official = if is_official {
        template.official.as_ref().map(|setup| {
            let off = &article.official;
            let mark = off.issuer_mark.as_ref().map(|mark| {
                let style = &setup.mark_style;
                let natural = shaper(mark, style, false).natural_width();
                let mut size = style.size.pt();
                if natural > width {
                    size = size * width / natural * 0.999;
                }
                (mark.clone(), size)
            });
            OfficialTexts {
                mark,
                attachment_label: setup.attachments_label.clone(),
                attachment_notes: article.attachment_notes(),
                signature: off
                    .signature
                    .as_ref()
                    .map(|s| (s.name.clone(), chinese_date(&s.date))),
                cc: (!off.cc.is_empty())
                    .then(|| (setup.cc_label.clone(), format!("{}。", off.cc.join("，")))),
                printed_by: off.printed_by.clone(),
                printed_date: off
                    .printed_date
                    .as_ref()
                    .map(|d| format!("{}{}", chinese_date(d), setup.printed_suffix)),
            }
        })
    } else {
        None
    };

    Composed {
        article,
        template,
        breadcrumb: (!is_official)
            .then(|| labels.breadcrumb_line(article))
            .flatten(),
        title,
        meta: (!is_official).then(|| labels.meta_line(article)).flatten(),
        tables,
        images,
        attachments,
        qr,
        official,
        missing,
    }
}

/// Printed size of an image in pt: its pixels at 96 dpi, shrunk to the type area's width and
/// to half its height.
fn image_size(img: &ImageBlock, template: &Template) -> (f32, f32) {
    let page = &template.page;
    let max_w = page.text_width();
    let max_h = 0.5 * (page.height.pt() - page.margin_top.pt() - page.margin_bottom.pt());
    let (w, h) = (img.width_px as f32 * 0.75, img.height_px as f32 * 0.75);
    let scale = (max_w / w).min(max_h / h).min(1.0);
    (w * scale, h * scale)
}

/// Column widths of a table: each column as wide as its longest cell needs, scaled to the
/// type area; every column holds at least a character and a half, and a table too wide for
/// that at the template's size is set smaller, with less padding.
fn table(
    rows: &[Vec<String>],
    template: &Template,
    width: f32,
    shaper: &mut impl FnMut(&str, &Style, bool) -> Shaped,
) -> TableGeometry {
    let mut style = template.styles.table.clone();
    let mut pad_x = TABLE_PAD_X;
    let columns = rows.first().map_or(1, Vec::len).max(1);
    let per_column = width / columns as f32;
    if per_column < 1.5 * style.size.pt() + 2.0 * pad_x {
        pad_x = f32::min(pad_x, per_column * 0.1);
        style.size = Length((per_column - 2.0 * pad_x) / 1.5);
    }
    let floor = 1.5 * style.size.pt() + 2.0 * pad_x;
    let natural: Vec<f32> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| shaper(cell, &style, false).natural_width())
                .fold(0.0, f32::max)
                + 2.0 * pad_x
        })
        .collect();
    let min = (3.0 * style.size.pt() + 2.0 * pad_x).min(width / columns as f32);
    let total: f32 = natural.iter().sum();
    let mut widths: Vec<f32> = if total <= width {
        natural.iter().map(|w| w * width / total).collect()
    } else {
        natural
            .iter()
            .map(|w| (w * width / total).max(min))
            .collect()
    };
    let scale = width / widths.iter().sum::<f32>();
    widths.iter_mut().for_each(|w| *w *= scale);
    // Lift columns narrower than the floor, taking the width from the wider ones.
    let deficit: f32 = widths.iter().map(|w| (floor - w).max(0.0)).sum();
    let surplus: f32 = widths.iter().map(|w| (w - floor).max(0.0)).sum();
    if deficit > 0.0 && surplus > 0.0 {
        let take = (deficit / surplus).min(1.0);
        for w in &mut widths {
            *w = if *w < floor {
                floor
            } else {
                *w - (*w - floor) * take
            };
        }
    }
    TableGeometry {
        widths,
        pad_x,
        pad_y: TABLE_PAD_Y,
        size: style.size.pt(),
    }
}
