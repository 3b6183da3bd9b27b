//! Helpers shared by the end-to-end test files.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};

/// The repository root (examples, templates, test support scripts).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// An empty directory of its own for one test of one suite.
pub fn fresh_dir(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bulletin-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether an independent checker is usable; in CI (CI=true) its absence fails the test.
pub fn checker(name: &str, usable: bool) -> bool {
    if !usable {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required in CI; .ci/run installs it"
        );
        eprintln!("note: {name} not available, check skipped");
    }
    usable
}

/// The record files in examples/ (not the text capture), sorted.
pub fn example_records() -> Vec<PathBuf> {
    let mut records: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "toml")
            )
        })
        .collect();
    records.sort();
    records
}
