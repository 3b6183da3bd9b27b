//! Renderers: each turns the layout (PDF) or the article itself (DOCX) into file bytes.

pub mod docx;
pub mod ofd;
pub mod pdf;
pub mod pdf_direct;
pub mod svg;
mod xml;

/// The date every output states: publication, else the official document's signature or
/// printing date. Never the clock, so that the same record gives the same bytes.
fn document_date(a: &crate::record::Article) -> Option<&crate::record::Timestamp> {
    a.published.as_ref().or_else(|| {
        a.official
            .signature
            .as_ref()
            .map(|s| &s.date)
            .or(a.official.printed_date.as_ref())
    })
}

/// The author a PDF names: the source the article was published by, else its author, else
/// the issuing body.
fn pdf_author(a: &crate::record::Article) -> Option<&String> {
    a.source
        .as_ref()
        .or(a.author.as_ref())
        .or(a.issuer.as_ref())
}
