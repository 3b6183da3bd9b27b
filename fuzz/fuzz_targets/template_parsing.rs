//! Template files of arbitrary bytes: parse, then lay out a short article within the
//! template's own text area.
#![no_main]
use bulletin::fonts::FontBook;
use std::sync::LazyLock;

static FONTS: LazyLock<FontBook> = LazyLock::new(|| {
    FontBook::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fonts"))
        .expect("the bundled fonts")
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    bulletin::invariants::parse_any_template(data, &FONTS);
});
