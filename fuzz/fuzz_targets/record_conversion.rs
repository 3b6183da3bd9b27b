//! Whole records of arbitrary bytes through the whole pipeline: parse, validate, lay out in a
//! built-in template, write PDF, tagged PDF/A, OFD, DOCX and QR.
#![no_main]
use bulletin::fonts::FontBook;
use std::sync::LazyLock;

static FONTS: LazyLock<FontBook> = LazyLock::new(|| {
    FontBook::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fonts"))
        .expect("the bundled fonts")
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin::invariants::convert_any_record(data, &FONTS));
