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
        let written: Vec<String> = everything_in(&out)
            .into_iter()
            .filter(|n| !n.starts_with('.'))
            .collect();
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

/// Files in `dir`, hidden working directories included.
fn everything_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A bug met while converting one record (a panic, injected here by BULLETIN_PANIC_ON_ID)
/// fails that record with a one-line error naming it; the records around it are converted.
#[test]
fn a_bug_in_one_record_fails_only_that_record_in_convert() {
    let dir = fresh_dir("bad-inputs", "panic-convert");
    let examples = root().join("examples");
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(examples.join("nmg-sthjt-2025-02-18.json"))
        .arg(examples.join("english-notice.json"))
        .arg(examples.join("taipei-notice.toml"))
        .args(["--formats", "pdf,docx", "--quiet", "--out"])
        .arg(&dir)
        .env("BULLETIN_PANIC_ON_ID", "en-notice-2025")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains("english-notice.json")
            && errors[0].contains("internal error")
            && errors[0].contains("injected fault"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked at") && !stderr.contains("RUST_BACKTRACE"),
        "Rust's default panic report reached the user: {stderr}"
    );
    assert!(stderr.contains("1 of 3 records failed"), "{stderr}");
    let written = everything_in(&dir);
    assert!(
        written.contains(&"nmg-sthjt-2025-02-18.pdf".to_owned())
            && written.contains(&"tc-notice-2025.docx".to_owned()),
        "{written:?}"
    );
    assert!(
        !written.iter().any(|n| n.starts_with("en-notice-2025")),
        "{written:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The same in a batch: the report holds the record's error, its staged files are discarded,
/// every other record is converted.
#[test]
fn a_bug_in_one_record_fails_only_that_record_in_a_batch() {
    let dir = fresh_dir("bad-inputs", "panic-batch");
    let input = dir.join("records.ndjson");
    let records = bulletin::bench::generate(6, 300);
    let victim: serde_json::Value = serde_json::from_str(&records[3]).unwrap();
    let victim = victim["id"].as_str().unwrap().to_owned();
    std::fs::write(&input, records.join("\n")).unwrap();
    let out = dir.join("out");
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("batch")
        .arg(&input)
        .args(["--jobs", "2", "--quiet", "--out"])
        .arg(&out)
        .arg("--report")
        .arg(dir.join("report.json"))
        .env("BULLETIN_PANIC_ON_ID", &victim)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked at"), "{stderr}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["totals"]["converted"], 5, "{report}");
    assert_eq!(report["totals"]["failed"], 1, "{report}");
    let failed: Vec<&serde_json::Value> = report["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["error"].is_null())
        .collect();
    assert_eq!(failed[0]["line"], 4, "{report}");
    let error = failed[0]["error"].as_str().unwrap();
    assert!(
        error.contains("internal error") && error.contains("injected fault"),
        "{error}"
    );
    let written = everything_in(&out);
    assert!(
        !written.iter().any(|n| n.starts_with(&victim)),
        "{written:?}"
    );
    // Five records of PDF, DOCX, QR PNG and SVG; nothing staged is left behind.
    let outputs: Vec<&String> = written.iter().filter(|n| !n.starts_with('.')).collect();
    assert_eq!(outputs.len(), 5 * 4, "{written:?}");
    for hidden in written.iter().filter(|n| n.starts_with('.')) {
        let path = out.join(hidden);
        if !path.is_dir() {
            continue;
        }
        let inside = everything_in(&path);
        if hidden == ".bulletin-stamps" {
            // A stamp for each converted record (for --skip-unchanged), none for the failed.
            let stamps: Vec<&String> = inside.iter().filter(|n| !n.starts_with('.')).collect();
            assert_eq!(stamps.len(), 5, "{inside:?}");
            assert!(!stamps.iter().any(|n| n.starts_with(&victim)), "{inside:?}");
            let tmp = path.join(".bulletin-tmp");
            assert!(everything_in(&tmp).is_empty(), "stamps left staged");
        } else {
            assert!(inside.is_empty(), "{hidden} keeps {inside:?}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Text beyond the record limit is refused before layout; so is content that would fill more
/// pages than the page limit, before all of it is laid out.
#[test]
fn too_much_text_and_too_many_pages_are_refused() {
    let dir = fresh_dir("bad-inputs", "limits");
    let too_long = dir.join("too-long.json");
    let paragraphs: Vec<serde_json::Value> = (0..11)
        .map(|_| serde_json::json!({"type": "paragraph", "text": "中".repeat(100_000)}))
        .collect();
    std::fs::write(
        &too_long,
        serde_json::json!({"title": "长", "body": paragraphs}).to_string(),
    )
    .unwrap();
    // 60 tables of 2,000 one-line rows: about 3,000 pages, little text.
    let many_pages = dir.join("many-pages.json");
    let rows: Vec<[&str; 1]> = (0..2000).map(|_| ["1"]).collect();
    let tables: Vec<serde_json::Value> = (0..60)
        .map(|_| serde_json::json!({"type": "table", "rows": rows}))
        .collect();
    std::fs::write(
        &many_pages,
        serde_json::json!({"title": "表", "body": tables}).to_string(),
    )
    .unwrap();
    for (record, wants) in [
        (
            &too_long,
            "field `body`: the record has 1100001 characters of text (all fields together); a record may have at most 1000000",
        ),
        (&many_pages, "at most 2000 are made"),
    ] {
        let started = std::time::Instant::now();
        let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .arg("convert")
            .arg(record)
            .args(["--formats", "pdf", "--out"])
            .arg(dir.join("out"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(wants), "{stderr}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "refused only after {:?}",
            started.elapsed()
        );
        assert!(everything_in(&dir.join("out")).is_empty());
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// PDF/A cannot hold empty boxes or lack a date: both are refused in the record's terms, not
/// in the PDF library's, and the same records convert without --pdfa.
#[test]
fn pdfa_refusals_name_the_characters_and_the_missing_date() {
    let dir = fresh_dir("bad-inputs", "pdfa");
    let boxes = dir.join("boxes.json");
    std::fs::write(
        &boxes,
        r#"{"title":"表情","published":"2025-02-18","body":[{"type":"paragraph","text":"中文 😀"}]}"#,
    )
    .unwrap();
    let undated = dir.join("undated.json");
    std::fs::write(
        &undated,
        r#"{"title":"无日期","body":[{"type":"paragraph","text":"中文"}]}"#,
    )
    .unwrap();
    for (record, wants) in [
        (
            &boxes,
            "PDF/A allows no character without a font, and no bundled font has these: U+1F600 '😀'",
        ),
        (
            &undated,
            "PDF/A needs a document date: give the record `published`",
        ),
    ] {
        let convert = |extra: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_bulletin"))
                .arg("convert")
                .arg(record)
                .args(["--formats", "pdf", "--quiet", "--out"])
                .arg(dir.join("out"))
                .args(extra)
                .output()
                .unwrap()
        };
        let refused = convert(&["--pdfa"]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(wants), "{stderr}");
        assert!(convert(&[]).status.success());
    }
    std::fs::remove_dir_all(&dir).ok();
}
