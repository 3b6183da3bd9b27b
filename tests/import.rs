//! `bulletin import`: the sample text capture, TRS-style and GBK HTML pages, bad input, and
//! `bulletin convert` of a page in one step.

mod common;

use common::{fresh_dir, root};
use std::path::Path;
use std::process::{Command, Output};

fn bulletin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(args)
        .output()
        .unwrap()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn import_to_json(page: &Path, extra: &[&str], dir: &Path) -> (serde_json::Value, String) {
    let out = dir.join("record.json");
    let mut args = vec![
        "import",
        page.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let result = bulletin(&args);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    (
        json(&out),
        String::from_utf8_lossy(&result.stderr).into_owned(),
    )
}

#[test]
fn the_sample_text_capture_imports_to_the_sample_record() {
    let dir = fresh_dir("import", "sample");
    let sample = root().join("../shared/samples/nmg-sthjt-2025-02-18.txt");
    let page = if sample.is_file() {
        sample
    } else {
        root().join("examples/nmg-sthjt-2025-02-18.txt")
    };
    let url = "https://sthjt.nmg.gov.cn/sthjdt/tpxw/202502/t20250218_2668470.html";
    let (record, stderr) = import_to_json(
        &page,
        &["--url", url, "--issuer", "内蒙古自治区生态环境厅"],
        &dir,
    );
    assert_eq!(
        record,
        json(&root().join("examples/nmg-sthjt-2025-02-18.json"))
    );
    assert!(
        !stderr.contains("warning: ") || !stderr.contains("published"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cms_pages_import_to_their_expected_records() {
    let fixtures = root().join("tests/fixtures/import");
    for (page, url) in [
        (
            "trs-news",
            "https://sthjt.example.gov.cn/gzdt/202503/t20250312_1.html",
        ),
        (
            "gbk-notice",
            "https://sthjt.example.gov.cn/tzgg/202504/t20250408_7.html",
        ),
    ] {
        let dir = fresh_dir("import", page);
        let (record, stderr) = import_to_json(
            &fixtures.join(format!("{page}.html")),
            &["--url", url],
            &dir,
        );
        assert_eq!(
            record,
            json(&fixtures.join(format!("{page}.expected.json"))),
            "{page}"
        );
        if page == "trs-news" {
            assert!(
                stderr.contains("meeting.jpg") && stderr.contains("not saved beside the page"),
                "{stderr}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn missing_fields_are_left_out_with_a_warning() {
    let dir = fresh_dir("import", "sparse");
    let page = dir.join("sparse.html");
    std::fs::write(&page, "<html><head><meta charset=utf-8></head><body><h1>标题</h1><article><p>正文第一段，内容足够长，说明这次会议的主要情况和下一步安排。</p></article></body></html>").unwrap();
    let (record, stderr) = import_to_json(&page, &[], &dir);
    assert_eq!(record["title"], "标题");
    assert!(
        record.get("published").is_none()
            && record.get("source").is_none()
            && record.get("url").is_none()
    );
    assert!(
        stderr.contains("no publish time")
            && stderr.contains("no source")
            && stderr.contains("no url"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_gets_a_clear_error() {
    let dir = fresh_dir("import", "bad");
    std::fs::write(dir.join("empty.html"), "  \n").unwrap();
    std::fs::write(
        dir.join("binary.html"),
        [0x89u8, b'P', b'N', b'G', 0, 0, 0, 13, 0, 1],
    )
    .unwrap();
    let cases = [
        (dir.join("empty.html"), "empty"),
        (dir.join("binary.html"), "binary file"),
        (
            root().join("tests/fixtures/import/nav-only.html"),
            "no article found",
        ),
        (dir.join("missing.html"), "cannot read"),
    ];
    for (page, want) in cases {
        let result = bulletin(&["import", page.to_str().unwrap()]);
        assert_eq!(result.status.code(), Some(1), "{}", page.display());
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            stderr.contains(want) && stderr.contains(page.file_name().unwrap().to_str().unwrap()),
            "{stderr}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn convert_imports_a_page_in_one_step() {
    let dir = fresh_dir("import", "convert");
    let page = root().join("tests/fixtures/import/trs-news.html");
    let result = bulletin(&[
        "convert",
        page.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--formats",
        "pdf,docx",
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(dir.join("trs-news.pdf").is_file() && dir.join("trs-news.docx").is_file());
    let text = Command::new("pdftotext")
        .arg(dir.join("trs-news.pdf"))
        .arg("-")
        .output();
    if common::checker("pdftotext", text.as_ref().is_ok_and(|o| o.status.success())) {
        let text: String = String::from_utf8_lossy(&text.unwrap().stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(
            text.contains("全区生态环境执法工作会议召开") && text.contains("呼和浩特市"),
            "{text}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
