//! Record files (JSON, YAML, TOML) of arbitrary bytes: parse and validate.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| bulletin::invariants::parse_any_record(data));
