//! Renderers: each turns the layout (PDF) or the article itself (DOCX) into file bytes.

pub mod docx;
pub mod ofd;
pub mod pdf;
pub mod pdf_direct;
pub mod svg;
mod xml;
