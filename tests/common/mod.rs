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
        record_skip(name);
    }
    usable
}

/// Where skipped checks are listed, one line each (test binary, checker), for `.ci/run`'s
/// summary at the end of the run: `cargo test` shows a passing test's notes to nobody.
pub fn skipped_checks_file() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("skipped-checks.txt")
}

fn record_skip(name: &str) {
    use std::io::Write;
    let test = std::env::args()
        .next()
        .and_then(|a| {
            Path::new(&a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let test = test
        .rsplit_once('-')
        .map_or(test.as_str(), |(t, _)| t)
        .to_owned();
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(skipped_checks_file())
    {
        let _ = writeln!(file, "{test}: {name}");
    }
}

/// Whether `tool` is on the PATH; in CI its absence fails the test.
pub fn have(tool: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    checker(tool, found)
}

/// Whether `program args…` runs and succeeds (a checker and what it needs, such as a Python
/// module); in CI its absence fails the test.
pub fn runs(program: &str, args: &[&str]) -> bool {
    let ok = std::process::Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    checker(&format!("{program} {}", args.join(" ")), ok)
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

/// The built-in template of a special format of GB/T 9704-2012 (chapter 10) an example is
/// written for, by its file name.
pub fn special_format(record: &Path) -> Option<&'static str> {
    match record.file_name()?.to_str()? {
        "official-letter.json" => Some("xinhan"),
        "official-order.json" => Some("mingling"),
        "official-minutes.json" => Some("jiyao"),
        _ => None,
    }
}

/// Whether an example is an official document (`official-*`): it has a 版头, which the news
/// templates refuse, naming the field.
pub fn is_official(record: &Path) -> bool {
    record
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("official-"))
}

/// A copy of an official example in `dir` without its 版头 (issuer_mark, copy_number,
/// classification, urgency, signer), which the news templates refuse: the official text in a
/// news layout. Returns the copy's path and its JSON.
pub fn headless(example: &str, dir: &Path) -> (PathBuf, serde_json::Value) {
    let text = std::fs::read_to_string(root().join("examples").join(example)).unwrap();
    let mut record: serde_json::Value = serde_json::from_str(&text).unwrap();
    for head in [
        "issuer_mark",
        "copy_number",
        "classification",
        "urgency",
        "signer",
    ] {
        record.as_object_mut().unwrap().remove(head);
    }
    let path = dir.join(format!("headless-{example}"));
    std::fs::write(&path, record.to_string()).unwrap();
    (path, record)
}

/// The examples `template` converts: a special format's template its own example; gongwen
/// every example but those a special format alone prints (it refuses a 令号 and attendance
/// lists, naming them); the news templates the news examples (they refuse a 版头).
pub fn examples_for(template: &str) -> Vec<PathBuf> {
    let special = ["xinhan", "mingling", "jiyao"];
    example_records()
        .into_iter()
        .filter(|r| match special_format(r) {
            _ if special.contains(&template) => special_format(r) == Some(template),
            _ if template != "gongwen" => !is_official(r),
            Some("mingling" | "jiyao") => false,
            _ => true,
        })
        .collect()
}

/// A fontconfig configuration holding one font without Chinese characters (LibreOffice will
/// not start with none), so that only fonts embedded in a document can set Chinese.
pub fn font_config_without_chinese(dir: &Path) -> Option<PathBuf> {
    let list = |pattern: &str| -> Vec<String> {
        std::process::Command::new("fc-list")
            .args([pattern, "file"])
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .map(|l| l.trim().trim_end_matches(':').to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let chinese = list(":lang=zh");
    let latin = list(":")
        .into_iter()
        .find(|f| !chinese.contains(f) && !f.contains("Fandol") && f.ends_with(".ttf"))?;
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::os::unix::fs::symlink(&latin, fonts.join("latin.ttf")).unwrap();
    let conf = dir.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n<fontconfig><dir>{}</dir><cachedir>{}</cachedir></fontconfig>\n",
            fonts.display(),
            dir.join("cache").display()
        ),
    )
    .unwrap();
    Some(conf)
}

/// Files under their final names in `dir`, sorted (hidden working directories left out).
pub fn listing(dir: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs a Python script (`python3 -c`) with `args`; returns its standard output, failing the
/// test with its standard error when it fails (an assertion of the script is a failed check).
#[allow(dead_code)]
pub fn python(script: &str, args: &[&Path]) -> String {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
