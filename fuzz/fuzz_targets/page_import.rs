//! Saved web pages and text captures of arbitrary bytes: import, then validate the record.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin::invariants::import_any_page(data));
