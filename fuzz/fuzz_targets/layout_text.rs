//! Arbitrary text as an article's blocks: layout keeps every glyph inside the text area and
//! every character in order; the PDF, OFD, preview and DOCX renderers accept the result.
#![no_main]
use bulletin::fonts::FontBook;
use std::sync::LazyLock;

static FONTS: LazyLock<FontBook> = LazyLock::new(|| {
    FontBook::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fonts"))
        .expect("the bundled fonts")
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin::invariants::lay_out_any_text(data, &FONTS));
