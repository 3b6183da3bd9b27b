//! `bulletin batch` end to end: bad records amid good ones, NDJSON with a broken line,
//! duplicate ids, a batch killed mid-run and rerun, --skip-unchanged, and shards.

mod common;

use common::{fresh_dir, listing, root};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn batch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("batch")
        .args(args)
        .output()
        .unwrap()
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write_ndjson(path: &Path, n: usize) {
    std::fs::write(path, bulletin::bench::generate(n, 600).join("\n")).unwrap();
}

#[test]
fn bad_records_are_reported_and_the_good_ones_all_converted() {
    let dir = fresh_dir("batch", "mixed");
    let input = dir.join("records");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    for name in [
        "nmg-sthjt-2025-02-18.json",
        "english-notice.json",
        "taipei-notice.toml",
    ] {
        std::fs::copy(root().join("examples").join(name), input.join(name)).unwrap();
    }
    std::fs::copy(
        root().join("examples/notice-blocks.yaml"),
        input.join("sub/notice-blocks.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(input.join("sub/images")).unwrap();
    for img in ["process.png", "grassland.jpg"] {
        std::fs::copy(
            root().join("examples/images").join(img),
            input.join("sub/images").join(img),
        )
        .unwrap();
    }
    std::fs::write(input.join("broken.json"), "{\"title\": \"T\",").unwrap();
    std::fs::write(input.join("sub/no-title.yaml"), "body: text\n").unwrap();
    std::fs::write(input.join("notes.txt"), "not a record").unwrap();
    let out = dir.join("out");
    let report_path = dir.join("report.json");
    let result = batch(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--report",
        report_path.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert_eq!(
        result.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("broken.json")
            && stderr.contains("no-title.yaml")
            && stderr.contains("field `title`"),
        "{stderr}"
    );
    let r = report(&report_path);
    assert_eq!(r["totals"]["records"], 6);
    assert_eq!(r["totals"]["converted"], 4);
    assert_eq!(r["totals"]["failed"], 2);
    let files = listing(&out);
    for id in [
        "nmg-sthjt-2025-02-18",
        "en-notice-2025",
        "tc-notice-2025",
        "notice-2025-grassland",
    ] {
        assert!(
            files.contains(&format!("{id}.pdf")) && files.contains(&format!("{id}.docx")),
            "{id}: {files:?}"
        );
    }
    // Every reported output exists with the reported size and SHA-256.
    for rec in r["records"].as_array().unwrap() {
        for o in rec["outputs"].as_array().unwrap() {
            let bytes = std::fs::read(out.join(o["file"].as_str().unwrap())).unwrap();
            assert_eq!(bytes.len() as u64, o["bytes"].as_u64().unwrap());
            assert_eq!(sha256_hex(&bytes), o["sha256"].as_str().unwrap());
        }
        if rec["id"] == "nmg-sthjt-2025-02-18" {
            assert_eq!(rec["pages"], 3);
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ndjson_with_a_broken_line_and_a_duplicate_id() {
    let dir = fresh_dir("batch", "ndjson");
    let mut lines = bulletin::bench::generate(5, 300);
    lines.insert(2, "{\"title\": \"broken\", ".to_owned());
    lines.push(lines[0].clone()); // the first record's id again
    let input = dir.join("feed.ndjson");
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out = dir.join("out");
    let report_path = dir.join("report.json");
    let result = batch(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--report",
        report_path.to_str().unwrap(),
        "--formats",
        "pdf",
    ]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("feed.ndjson:3:20: "), "{stderr}");
    assert!(stderr.contains("duplicate id `bench-00000`"), "{stderr}");
    let r = report(&report_path);
    assert_eq!(r["totals"]["converted"], 5);
    assert_eq!(r["totals"]["failed"], 2);
    let broken = &r["records"][2];
    assert_eq!(broken["line"], 3);
    assert!(
        broken["error"].as_str().unwrap().starts_with("3:20: "),
        "{broken}"
    );
    assert_eq!(listing(&out).len(), 5);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn skip_unchanged_converts_nothing_the_second_time() {
    let dir = fresh_dir("batch", "skip");
    let input = dir.join("feed.ndjson");
    write_ndjson(&input, 12);
    let out = dir.join("out");
    let args = |report: &Path| {
        vec![
            input.to_str().unwrap().to_owned(),
            "--out".into(),
            out.to_str().unwrap().into(),
            "--skip-unchanged".into(),
            "--report".into(),
            report.to_str().unwrap().into(),
        ]
    };
    let first = dir.join("first.json");
    let a: Vec<String> = args(&first);
    assert!(batch(&a.iter().map(String::as_str).collect::<Vec<_>>())
        .status
        .success());
    assert_eq!(report(&first)["totals"]["converted"], 12);
    let second = dir.join("second.json");
    let a: Vec<String> = args(&second);
    assert!(batch(&a.iter().map(String::as_str).collect::<Vec<_>>())
        .status
        .success());
    let r = report(&second);
    assert_eq!(r["totals"]["converted"], 0);
    assert_eq!(r["totals"]["skipped"], 12);
    // A changed record is converted again; a deleted output is made again.
    let mut lines = bulletin::bench::generate(12, 600);
    lines[3] = lines[3].replace("bulletin bench", "bulletin bench (revised)");
    std::fs::write(&input, lines.join("\n")).unwrap();
    std::fs::remove_file(out.join("bench-00007.pdf")).unwrap();
    let third = dir.join("third.json");
    let a: Vec<String> = args(&third);
    assert!(batch(&a.iter().map(String::as_str).collect::<Vec<_>>())
        .status
        .success());
    let r = report(&third);
    assert_eq!(r["totals"]["converted"], 2, "{}", r["totals"]);
    assert!(out.join("bench-00007.pdf").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shards_together_make_exactly_the_full_set() {
    let dir = fresh_dir("batch", "shards");
    let input = dir.join("feed.ndjson");
    write_ndjson(&input, 10);
    let full = dir.join("full");
    assert!(batch(&[
        input.to_str().unwrap(),
        "--out",
        full.to_str().unwrap(),
        "--formats",
        "pdf"
    ])
    .status
    .success());
    let mut union = BTreeSet::new();
    let mut total = 0;
    for k in 1..=3 {
        let out = dir.join(format!("shard-{k}"));
        let shard = format!("{k}/3");
        assert!(batch(&[
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--formats",
            "pdf",
            "--shard",
            &shard
        ])
        .status
        .success());
        let files = listing(&out);
        assert!(!files.is_empty());
        total += files.len();
        union.extend(files);
    }
    assert_eq!(total, union.len(), "shards overlap");
    assert_eq!(union, listing(&full));
    assert_eq!(
        batch(&[
            input.to_str().unwrap(),
            "--out",
            full.to_str().unwrap(),
            "--shard",
            "4/3"
        ])
        .status
        .code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn complete(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("pdf") => {
            bytes.starts_with(b"%PDF-") && bytes.windows(5).rev().take(64).any(|w| w == b"%%EOF")
        }
        Some("docx") => zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok(),
        Some("png") => bytes.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]),
        Some("svg") => bytes.ends_with(b"</svg>\n"),
        _ => false,
    }
}

#[test]
fn a_killed_batch_leaves_no_partial_file_and_a_rerun_finishes() {
    let dir = fresh_dir("batch", "kill");
    let input = dir.join("feed.ndjson");
    write_ndjson(&input, 300);
    let out = dir.join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args([
            "batch",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--skip-unchanged",
            "--jobs",
            "2",
            "--quiet",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while listing(&out).len() < 40 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let written = listing(&out);
    assert!(
        written.len() >= 40 && written.len() < 1200,
        "kill landed outside the run: {}",
        written.len()
    );
    for name in &written {
        assert!(
            complete(&out.join(name)),
            "{name} is incomplete after the kill"
        );
    }
    let report_path = dir.join("report.json");
    let rerun = batch(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--skip-unchanged",
        "--report",
        report_path.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let r = report(&report_path);
    assert_eq!(r["totals"]["failed"], 0);
    assert!(
        r["totals"]["skipped"].as_u64().unwrap() >= 5,
        "{}",
        r["totals"]
    );
    assert!(
        r["totals"]["converted"].as_u64().unwrap() >= 1,
        "{}",
        r["totals"]
    );
    assert_eq!(listing(&out).len(), 1200);
    // No temporaries left, and no empty staging directory either.
    assert!(
        !out.join(".bulletin-tmp").exists(),
        "stale temporaries left: {:?}",
        std::fs::read_dir(out.join(".bulletin-tmp")).map(|d| d.count())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
