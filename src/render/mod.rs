//! Renderers: each turns the layout (PDF) or the article itself (DOCX) into file bytes.

pub mod docx;
pub mod ofd;
pub mod pdf;
pub mod pdf_direct;
pub mod svg;
mod xml;

/// The author a PDF names: the source the article was published by, else its author, else
/// the issuing body.
fn pdf_author(a: &crate::record::Article) -> Option<&String> {
    a.source
        .as_ref()
        .or(a.author.as_ref())
        .or(a.issuer.as_ref())
}
