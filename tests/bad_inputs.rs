//! The corpus in tests/bad_inputs/: every record there must fail with a clear error naming the
//! file and the problem (tests/bad_inputs/expected.txt), exit status 1, and write nothing.

mod common;

use common::{fresh_dir, root};
use std::collections::BTreeMap;
use std::process::Command;

/// File name -> texts its error must contain.
fn expected() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(root().join("tests/bad_inputs/expected.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, wants) = l.split_once(": ").expect("NAME: text | text");
            (
                name.to_owned(),
                wants.split(" | ").map(str::to_owned).collect(),
            )
        })
        .collect()
}

#[test]
fn every_bad_input_fails_clearly_and_writes_nothing() {
    let corpus = root().join("tests/bad_inputs");
    let expected = expected();
    // Every record file of the corpus has its expectation (images are support files).
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".png") && n != "expected.txt")
        .collect();
    names.sort();
    let listed: Vec<String> = expected.keys().cloned().collect();
    assert_eq!(names, listed, "corpus and expected.txt disagree");
    assert!(names.len() >= 30, "{} cases", names.len());

    for (name, wants) in &expected {
        let out = fresh_dir("bad-inputs", &name.replace('.', "-"));
        let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .arg("convert")
            .arg(corpus.join(name))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{name}: {stderr}");
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error: ") && first.contains(name.as_str()),
            "{name}: the error does not name the file: {stderr}"
        );
        for want in wants {
            assert!(
                first.contains(want.as_str()),
                "{name}: `{want}` not in: {first}"
            );
        }
        let written: Vec<String> = std::fs::read_dir(&out)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        assert!(written.is_empty(), "{name}: wrote {written:?}");
        let _ = std::fs::remove_dir_all(&out);
    }
}

#[test]
fn images_outside_the_records_directory_need_the_flag() {
    let dir = fresh_dir("bad-inputs", "outside");
    let records = dir.join("records");
    std::fs::create_dir_all(&records).unwrap();
    std::fs::copy(
        root().join("examples/images/process.png"),
        dir.join("shared.png"),
    )
    .unwrap();
    std::fs::write(
        records.join("r.json"),
        r#"{"title":"T","body":[{"type":"image","path":"../shared.png"}]}"#,
    )
    .unwrap();
    // A link inside the directory that leads out of it is refused too.
    std::os::unix::fs::symlink(dir.join("shared.png"), records.join("link.png")).unwrap();
    std::fs::write(
        records.join("l.json"),
        r#"{"title":"T","body":[{"type":"image","path":"link.png"}]}"#,
    )
    .unwrap();
    let convert = |record: &str, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .arg("convert")
            .arg(records.join(record))
            .args(["--formats", "pdf", "--quiet", "--out"])
            .arg(dir.join("out"))
            .args(extra)
            .output()
            .unwrap()
    };
    for record in ["r.json", "l.json"] {
        let refused = convert(record, &[]);
        assert_eq!(refused.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&refused.stderr)
            .contains("lies outside the record's directory"));
        let allowed = convert(record, &["--allow-outside-images"]);
        assert!(allowed.status.success(), "{allowed:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unusual_text_renders_sensibly_and_quickly() {
    let dir = fresh_dir("bad-inputs", "unusual");
    let cases: [(&str, String); 6] = [
        ("long-cjk", "中".repeat(100_000)),
        ("long-word", "a".repeat(10_000)),
        (
            "controls",
            "正文\u{1}\u{7}\u{1b}红\u{0}色\u{7f}。".to_owned(),
        ),
        ("combining", "e\u{301}\u{301}\u{301} 中\u{301}文".to_owned()),
        ("emoji", "🎉👍🏽 表情".to_owned()),
        ("rtl", "مرحبا שלום 中文".to_owned()),
    ];
    for (name, text) in &cases {
        let record = dir.join(format!("{name}.json"));
        std::fs::write(
            &record,
            serde_json::json!({"title": name, "body": [{"type": "paragraph", "text": text}]})
                .to_string(),
        )
        .unwrap();
        let started = std::time::Instant::now();
        let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .arg("convert")
            .arg(&record)
            .args(["--formats", "pdf,docx", "--out"])
            .arg(dir.join("out"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{name}: {stderr}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{name} took {:?}",
            started.elapsed()
        );
        // Characters no bundled font has are named, not silently boxed.
        if matches!(*name, "emoji" | "rtl") {
            assert!(
                stderr.contains("no bundled font has these characters"),
                "{name}: {stderr}"
            );
        }
    }
    if common::have("pdftotext") {
        let text = |name: &str| {
            let out = Command::new("pdftotext")
                .arg(dir.join("out").join(format!("{name}.pdf")))
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        };
        // Control characters are dropped; the text around them stays.
        assert!(text("controls").contains("正文红色。"));
        assert_eq!(text("long-cjk").matches('中').count(), 100_000);
        assert_eq!(text("long-word").matches('a').count(), 10_000);
    }
    std::fs::remove_dir_all(&dir).ok();
}
