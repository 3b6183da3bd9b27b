//! bulletin turns a structured article record into print-ready publications:
//! a PDF (A4, CJK fonts subset and embedded), a DOCX and a QR code of the online page.
//!
//! Data flows one way: [`record`] parses and validates, [`compose`] decides what is printed
//! (labels, title lines, table widths, sizes, official texts), [`layout`] sets it on pages,
//! [`render`] writes PDF and DOCX, [`qr`] encodes the url, [`output`] writes files atomically.

pub mod batch;
pub mod bench;
pub mod compose;
pub mod files;
pub mod fonts;
pub mod import;
pub mod invariants;
pub mod layout;
pub mod output;
pub mod panics;
pub mod qr;
pub mod record;
pub mod render;
pub mod serve;
pub mod template;

use fonts::FontBook;
use record::Article;
use template::Template;

/// Which files to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub pdf: bool,
    pub docx: bool,
    pub qr: bool,
    /// OFD (GB/T 33190), on request only.
    pub ofd: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            pdf: true,
            docx: true,
            qr: true,
            ofd: false,
        }
    }
}

impl Formats {
    /// Parses a comma-separated list such as "pdf,docx,qr".
    pub fn parse(list: &str) -> Result<Formats, String> {
        let mut f = Formats {
            pdf: false,
            docx: false,
            qr: false,
            ofd: false,
        };
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match name.to_ascii_lowercase().as_str() {
                "pdf" => f.pdf = true,
                "docx" => f.docx = true,
                "qr" => f.qr = true,
                "ofd" => f.ofd = true,
                other => {
                    return Err(format!(
                        "unknown format `{other}`; choose from pdf, docx, qr, ofd"
                    ))
                }
            }
        }
        if !(f.pdf || f.docx || f.qr || f.ofd) {
            return Err("no output format given; choose from pdf, docx, qr, ofd".into());
        }
        Ok(f)
    }
}

/// The converted files of one article, in memory until [`output::write_atomically`].
#[derive(Debug, Clone)]
pub struct Outputs {
    /// (file name, bytes), e.g. ("nmg-sthjt-2025-02-18.pdf", ...).
    pub files: Vec<(String, Vec<u8>)>,
    /// Pages of the PDF and OFD (0 when neither was made).
    pub pages: usize,
    /// Problems worth telling the user that did not stop the conversion.
    pub warnings: Vec<String>,
}

/// The warning for characters no bundled font can draw, if there are any.
pub fn missing_chars_warning(missing: &[char]) -> Option<String> {
    (!missing.is_empty()).then(|| {
        format!(
            "no bundled font has these characters (drawn as empty boxes): {}",
            char_list(missing)
        )
    })
}

/// Characters as a reader can check them: "U+4E2D '中', U+6587 '文'".
pub fn char_list(chars: &[char]) -> String {
    let list: Vec<String> = chars
        .iter()
        .map(|c| format!("U+{:04X} '{c}'", *c as u32))
        .collect();
    list.join(", ")
}

/// What `bulletin check` reports of `article` against GB/T 9704-2012, one line each naming the
/// field: the 发文字号's form, cited 文号, attachment names, the 令号 ([`Article::official_spots`]);
/// with `template`, also what its format refuses ([`compose::unprinted_fields`]) or says of the
/// record ([`compose::format_warnings`]).
pub fn gb_t_9704_findings(article: &Article, template: Option<&Template>) -> Vec<String> {
    let mut out: Vec<String> = article
        .official_spots()
        .into_iter()
        .map(|s| format!("field `{}`, character {}: {}", s.field, s.column, s.message))
        .collect();
    if let Some(t) = template {
        if let Err((_, message)) = compose::unprinted_fields(article, t) {
            out.push(message);
        }
        out.extend(compose::format_warnings(article, t));
    }
    out
}

/// What `check` says of a record with `template`: the notes (as [`gb_t_9704_findings`], the
/// format's warnings included) and, apart, what the template's format refuses (an error:
/// `convert` would not make the document).
pub fn check_findings(
    article: &Article,
    template: Option<&Template>,
) -> (Vec<String>, Option<String>) {
    let mut notes = gb_t_9704_findings(article, None);
    let mut refused = None;
    if let Some(t) = template {
        if let Err((_, message)) = compose::unprinted_fields(article, t) {
            refused = Some(message);
        }
        notes.extend(compose::format_warnings(article, t));
    }
    (notes, refused)
}

/// The findings of [`gb_t_9704_findings`] as warnings of a conversion with an official template
/// (none for other templates; what the format refuses is an error there, not a warning).
pub fn official_warnings(article: &Article, template: &Template) -> Vec<String> {
    if template.document != template::DocumentKind::Official {
        return Vec::new();
    }
    let mut out = gb_t_9704_findings(article, None);
    out.extend(compose::format_warnings(article, template));
    out
}

/// Converts one validated article. Nothing is written to disk here.
pub fn convert(
    article: &Article,
    template: &Template,
    fonts: &FontBook,
    formats: Formats,
) -> Result<Outputs, String> {
    panics::injected_fault(&article.id);
    compose::unprinted_fields(article, template).map_err(|(_, message)| message)?;
    let qr = qr::QrMatrix::for_url(article.url.as_deref())?;
    let mut files = Vec::new();
    let mut warnings = official_warnings(article, template);
    let mut pages = 0;
    // Every decision about what is printed, made once for all the writers (not at all when
    // only the QR files are wanted).
    let composed = (formats.pdf || formats.ofd || formats.docx)
        .then(|| compose::compose(article, template, fonts, qr.as_deref()));
    // An official document's DOCX follows the layout's pagination of the 版记 (the page
    // breaks and blank page of GB/T 9704-2012 7.5), so it is laid out for the DOCX alone too.
    let official = template.document == template::DocumentKind::Official;
    let needs_layout = formats.pdf || formats.ofd || (formats.docx && official);
    let mut imprint = None;
    if let (true, Some(composed)) = (needs_layout, &composed) {
        let laid_out = layout::layout_composed(composed, fonts, qr.as_ref())?;
        warnings.extend(missing_chars_warning(&laid_out.missing_chars));
        pages = laid_out.pages.len();
        imprint = laid_out.imprint;
        if formats.pdf {
            // krilla's validators for PDF/A and tagged PDF; the direct writer, several times
            // faster, for everyday PDFs.
            let pdf = if template.pdf.pdfa || template.pdf.tagged {
                render::pdf::render(
                    article,
                    &laid_out,
                    fonts,
                    template.pdf.pdfa,
                    template.pdf.tagged,
                )?
            } else {
                render::pdf_direct::render(article, &laid_out, fonts)?
            };
            files.push((format!("{}.pdf", article.id), pdf));
        }
        if formats.ofd {
            files.push((
                format!("{}.ofd", article.id),
                render::ofd::render(article, &laid_out, fonts)?,
            ));
        }
    }
    if let (true, Some(composed)) = (formats.docx, &composed) {
        if template.typography.chars_per_line.is_some()
            && template.docx.grid == template::DocxGrid::Word
        {
            warnings.push(
                "the DOCX uses Word's character grid (docx.grid = \"word\"): Word and WPS show the template's \
                 characters per line, LibreOffice only about half as many; docx.grid = \"portable\" suits all three"
                    .to_owned(),
            );
        }
        files.push((
            format!("{}.docx", article.id),
            render::docx::render_composed(composed, qr.as_deref(), fonts, imprint)?,
        ));
    }
    if formats.qr {
        if let Some(matrix) = &qr {
            files.push((format!("{}.qr.png", article.id), matrix.to_png()?));
            files.push((
                format!("{}.qr.svg", article.id),
                matrix.to_svg().into_bytes(),
            ));
        }
    }
    Ok(Outputs {
        files,
        pages,
        warnings,
    })
}
