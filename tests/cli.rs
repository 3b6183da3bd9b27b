//! End-to-end tests: the real `bulletin` binary on real records, outputs checked with
//! independent tools (poppler, qpdf, zbar, python-docx, LibreOffice). In CI (CI=true) a
//! missing tool fails the test; elsewhere the check is skipped with a note.

mod common;

use bulletin::layout::no_line_start;
use common::{fresh_dir, have, root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = "nmg-sthjt-2025-02-18";

fn bulletin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bulletin"))
}

fn examples() -> PathBuf {
    root().join("examples")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("command runs")
}

fn stdout(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn convert(records: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut cmd = bulletin();
    cmd.arg("convert")
        .args(records)
        .arg("--out")
        .arg(out)
        .args(extra);
    run(&mut cmd)
}

struct Sample {
    title: String,
    url: String,
    paragraphs: Vec<String>,
}

fn sample() -> Sample {
    let text = std::fs::read_to_string(examples().join(format!("{SAMPLE}.json"))).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    Sample {
        title: v["title"].as_str().unwrap().to_owned(),
        url: v["url"].as_str().unwrap().to_owned(),
        paragraphs: v["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["text"].as_str().unwrap().to_owned())
            .collect(),
    }
}

#[test]
fn sample_article_converts_to_pdf_docx_and_qr() {
    let out = fresh_dir("e2e", "sample");
    let record = examples().join(format!("{SAMPLE}.json"));
    let result = convert(&[&record], &out, &[]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let s = sample();
    let pdf = out.join(format!("{SAMPLE}.pdf"));
    let docx = out.join(format!("{SAMPLE}.docx"));
    let png = out.join(format!("{SAMPLE}.qr.png"));
    for f in [&pdf, &docx, &png, &out.join(format!("{SAMPLE}.qr.svg"))] {
        assert!(f.is_file(), "{} missing", f.display());
    }

    if have("pdffonts") {
        let fonts = stdout(Command::new("pdffonts").arg(&pdf));
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "no fonts in the PDF");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            assert_eq!(
                &cols[n - 5..n - 2],
                ["yes", "yes", "yes"],
                "font not embedded+subset+unicode: {row}"
            );
            assert!(cols[0].contains('+'), "subset tag missing: {row}");
        }
    }

    if have("pdftotext") {
        // The text area only (y from 60pt to 780pt): running headers and footers excluded so
        // that paragraphs crossing a page break read on.
        let body = stdout(
            Command::new("pdftotext")
                .args(["-x", "0", "-y", "60", "-W", "596", "-H", "720"])
                .arg(&pdf)
                .arg("-"),
        );
        let flat = squeeze(&body);
        assert!(flat.contains(&squeeze(&s.title)), "title not extractable");
        let mut from = 0;
        for p in &s.paragraphs {
            let want = squeeze(p);
            let head: String = p.chars().take(12).collect();
            let at = flat[from..]
                .find(&want)
                .unwrap_or_else(|| panic!("paragraph not found in order: {head}"));
            from += at + want.len();
        }
        assert!(flat.contains("发布时间：2025-02-1818:03"), "meta line");
        let text = stdout(Command::new("pdftotext").arg(&pdf).arg("-"));
        assert!(squeeze(&text).contains("第1页共3页"), "page footer");
        for line in text.lines() {
            if let Some(first) = line.trim_start().chars().next() {
                assert!(
                    !no_line_start(first),
                    "line starts with a prohibited mark: {line}"
                );
            }
        }
    }

    if have("qpdf") {
        let check = run(Command::new("qpdf").arg("--check").arg(&pdf));
        assert!(
            check.status.success(),
            "qpdf --check: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }

    if have("zbarimg") {
        let decoded = stdout(Command::new("zbarimg").args(["-q", "--raw"]).arg(&png));
        assert_eq!(decoded.trim_end(), s.url);
        if have("pdftoppm") {
            // The QR printed in the PDF, scanned from a 150 dpi rendering of the last page.
            let prefix = out.join("page");
            stdout(
                Command::new("pdftoppm")
                    .args(["-r", "150", "-png", "-f", "3", "-l", "3"])
                    .arg(&pdf)
                    .arg(&prefix),
            );
            let page = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("page"))
                .expect("rendered page");
            let decoded = stdout(Command::new("zbarimg").args(["-q", "--raw"]).arg(&page));
            assert_eq!(decoded.trim_end(), s.url);
        }
    }

    if have("python3") {
        let expected = out.join("expected.json");
        let json = serde_json::json!({"title": s.title, "paragraphs": s.paragraphs});
        std::fs::write(&expected, json.to_string()).unwrap();
        let script = root().join("tests/support/check_docx.py");
        let result = stdout(
            Command::new("python3")
                .arg(script)
                .arg(&docx)
                .arg(&expected),
        );
        assert_eq!(result.trim(), "ok");
    }

    if have("soffice") && have("pdftotext") {
        let lo = out.join("lo");
        let profile = format!(
            "-env:UserInstallation=file://{}",
            out.join("lo-profile").display()
        );
        stdout(
            Command::new("soffice")
                .arg(profile)
                .args(["--headless", "--convert-to", "pdf", "--outdir"])
                .arg(&lo)
                .arg(&docx),
        );
        let rendered = lo.join(format!("{SAMPLE}.pdf"));
        let text = squeeze(&stdout(
            Command::new("pdftotext")
                .args(["-x", "0", "-y", "60", "-W", "596", "-H", "720"])
                .arg(&rendered)
                .arg("-"),
        ));
        assert!(
            text.contains(&squeeze(&s.title)),
            "LibreOffice rendering lacks the title"
        );
        for p in &s.paragraphs {
            assert!(
                text.contains(&squeeze(p)),
                "LibreOffice rendering lacks a paragraph"
            );
        }
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn every_example_converts_and_reads_back() {
    let out = fresh_dir("e2e", "examples");
    let (official, records): (Vec<PathBuf>, Vec<PathBuf>) = common::example_records()
        .into_iter()
        .partition(|p| common::is_official(p));
    assert!(records.len() >= 4 && official.len() >= 4);
    let refs: Vec<&Path> = records.iter().map(PathBuf::as_path).collect();
    let result = convert(&refs, &out, &[]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    // The official examples have a 版头 the default news template cannot print: each is
    // refused, naming the field and the template that prints it, and nothing is written.
    for record in &official {
        let refused_dir = out.join("refused");
        let result = convert(&[record.as_path()], &refused_dir, &[]);
        let said = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{said}");
        assert!(
            said.contains("the news template `bulletin` does not print it")
                && said.contains("--template "),
            "{said}"
        );
        assert_eq!(
            std::fs::read_dir(&refused_dir)
                .map(|d| d.count())
                .unwrap_or(0),
            0
        );
    }
    // A header of "{issuer}" is left out of the DOCX for a record without issuer.
    let has_header = |id: &str| {
        let file = std::fs::File::open(out.join(format!("{id}.docx"))).unwrap();
        zip::ZipArchive::new(file)
            .unwrap()
            .by_name("word/header1.xml")
            .is_ok()
    };
    assert!(has_header(SAMPLE) && !has_header("en-notice-2025"));
    if !have("pdftotext") {
        return;
    }
    let text_of = |id: &str| {
        squeeze(&stdout(
            Command::new("pdftotext")
                .arg(out.join(format!("{id}.pdf")))
                .arg("-"),
        ))
    };
    let notice = text_of("notice-2025-grassland");
    for want in [
        "关于开展2025年草原生态保护宣传月活动的通知",
        "一、活动主题",
        "（一）集中宣传",
        "阶段",
        "主要任务",
        "3月11日—4月20日",
        "图1宣传月活动流程示意",
        "附件：",
        "宣传月活动安排表.xlsx",
    ] {
        assert!(notice.contains(want), "notice lacks {want}");
    }
    let tc = text_of("tc-notice-2025");
    assert!(
        tc.contains("關於舉辦環境教育講座的公告")
            && tc.contains("發佈時間")
            && tc.contains("第1頁共1頁")
    );
    let en = text_of("en-notice-2025");
    assert!(en.contains("Published:") && en.contains("Page1of1") && en.contains("Howtocomment"));
    if have("pdffonts") {
        let fonts = stdout(Command::new("pdffonts").arg(out.join("tc-notice-2025.pdf")));
        assert!(
            fonts.contains("NotoSerifCJKtc") || fonts.contains("NotoSerifCJK"),
            "TC face not used: {fonts}"
        );
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn same_record_gives_identical_bytes_alone_or_in_a_batch() {
    let sample = examples().join(format!("{SAMPLE}.json"));
    let other = examples().join("notice-blocks.yaml");
    let alone = fresh_dir("e2e", "alone");
    let again = fresh_dir("e2e", "again");
    let batch = fresh_dir("e2e", "batch");
    assert!(convert(&[&sample], &alone, &[]).status.success());
    assert!(convert(&[&sample], &again, &[]).status.success());
    assert!(convert(&[&other, &sample], &batch, &[]).status.success());
    for ext in ["pdf", "docx", "qr.png", "qr.svg"] {
        let name = format!("{SAMPLE}.{ext}");
        let a = std::fs::read(alone.join(&name)).unwrap();
        assert_eq!(
            a,
            std::fs::read(again.join(&name)).unwrap(),
            "{name} differs between runs"
        );
        assert_eq!(
            a,
            std::fs::read(batch.join(&name)).unwrap(),
            "{name} differs inside a batch"
        );
    }
    // A record with several images: resources are listed in a fixed order (each process hashes
    // differently, so a few runs would show an order taken from a hash map).
    let runs: Vec<Vec<u8>> = (0..5)
        .map(|i| {
            let dir = fresh_dir("e2e", &format!("images-{i}"));
            assert!(convert(&[&other], &dir, &["--formats", "pdf,docx"])
                .status
                .success());
            let pdf = std::fs::read(dir.join("notice-2025-grassland.pdf")).unwrap();
            let docx = std::fs::read(dir.join("notice-2025-grassland.docx")).unwrap();
            std::fs::remove_dir_all(&dir).unwrap();
            [pdf, docx].concat()
        })
        .collect();
    assert!(
        runs.windows(2).all(|w| w[0] == w[1]),
        "a record with images gives different bytes from run to run"
    );
    for d in [alone, again, batch] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

fn expect_failure(dir: &Path, file: &str, content: &[u8], wanted: &[&str]) {
    let path = dir.join(file);
    std::fs::write(&path, content).unwrap();
    let out = dir.join(format!("out-{file}"));
    let result = convert(&[&path], &out, &[]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{file}: {stderr}");
    assert!(
        stderr.contains(file),
        "{file}: error does not name the file: {stderr}"
    );
    for w in wanted {
        assert!(stderr.contains(w), "{file}: error lacks `{w}`: {stderr}");
    }
    // The file is named once, and no field is named when none is known.
    assert!(
        !stderr.contains(&format!("{file}: {file}"))
            && !stderr.contains("field `?`")
            && !stderr.contains("struct Raw"),
        "{file}: {stderr}"
    );
    let leftovers = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0, "{file}: output left behind");
}

#[test]
fn bad_records_get_clear_errors_and_leave_no_output() {
    let dir = fresh_dir("e2e", "bad");
    expect_failure(
        &dir,
        "malformed.json",
        b"{\"title\": \"T\",\n \"body\": [\n",
        &["malformed.json:3:"],
    );
    expect_failure(
        &dir,
        "cut-short.json",
        b"{\"title\": \"T\",\n",
        &["cut-short.json:2:", "EOF while parsing"],
    );
    expect_failure(
        &dir,
        "malformed.yaml",
        b"title: T\nbody: [unclosed\n",
        &["malformed.yaml:"],
    );
    expect_failure(
        &dir,
        "malformed.toml",
        b"title = \"T\"\nbody = \n",
        &["malformed.toml:2:"],
    );
    expect_failure(
        &dir,
        "no-title.json",
        br#"{"body": "text"}"#,
        &["field `title`", "missing"],
    );
    expect_failure(
        &dir,
        "wrong-type.json",
        br#"{"title":"T","body":[{"type":"paragraph","text":"a"},{"type":"heading","level":"two","text":"b"}]}"#,
        &["field `body[1].level`", "invalid type"],
    );
    expect_failure(
        &dir,
        "typo.json",
        br#"{"title":"T","pubished":"2025-01-01"}"#,
        &["unknown field `pubished`", "did you mean `published`"],
    );
    expect_failure(
        &dir,
        "string-attachment.json",
        r#"{"title":"T","attachments":["1.安排表"]}"#.as_bytes(),
        &[
            "field `attachments[0]`",
            r#"expected an attachment, {"name": "…", "url": "…"}"#,
        ],
    );
    expect_failure(
        &dir,
        "ftp.yaml",
        b"title: T\nurl: ftp://example.org/a\n",
        &["field `url`", "http"],
    );
    expect_failure(
        &dir,
        "no-image.json",
        br#"{"title":"T","body":[{"type":"image","path":"missing.png"}]}"#,
        &["field `body[0].path`", "missing.png"],
    );
    std::fs::write(
        dir.join("corrupt.png"),
        b"\x89PNG\r\n\x1a\n not really a png",
    )
    .unwrap();
    expect_failure(
        &dir,
        "corrupt-image.json",
        br#"{"title":"T","body":[{"type":"image","path":"corrupt.png","caption":"c"}]}"#,
        &["field `body[0].path`", "damaged PNG"],
    );
    expect_failure(
        &dir,
        "latin1.json",
        b"{\"title\":\"caf\xe9\"}",
        &["not UTF-8"],
    );

    // A file that cannot be read at all.
    let missing = dir.join("does-not-exist.json");
    let result = convert(&[&missing], &dir.join("out-missing"), &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("cannot read"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn one_bad_record_does_not_stop_the_others() {
    let dir = fresh_dir("e2e", "mixed");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, br#"{"title": ""}"#).unwrap();
    let good = examples().join("english-notice.json");
    let out = dir.join("out");
    let result = convert(&[&bad, &good], &out, &["--formats", "pdf"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(out.join("en-notice-2025.pdf").is_file());
    assert!(
        !out.join("en-notice-2025.docx").exists(),
        "--formats pdf made a DOCX"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn duplicate_ids_are_an_error_not_an_overwrite() {
    let dir = fresh_dir("e2e", "dup");
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    std::fs::write(&a, r#"{"id":"same","title":"第一篇"}"#).unwrap();
    std::fs::write(&b, r#"{"id":"same","title":"第二篇"}"#).unwrap();
    let out = dir.join("out");
    let result = convert(&[&a, &b], &out, &["--formats", "pdf"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("already converted"));
    if have("pdftotext") {
        let text = stdout(Command::new("pdftotext").arg(out.join("same.pdf")).arg("-"));
        assert!(text.contains("第一篇"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn record_without_url_has_no_qr_anywhere() {
    let dir = fresh_dir("e2e", "nourl");
    let rec = dir.join("plain.yaml");
    std::fs::write(&rec, "title: 无链接的文章\nbody: 正文一段。\n").unwrap();
    let out = dir.join("out");
    let result = convert(&[&rec], &out, &[]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != ".bulletin-tmp")
        .collect();
    names.sort();
    assert_eq!(names, ["plain.docx", "plain.pdf"]);
    let docx = std::fs::read(out.join("plain.docx")).unwrap();
    assert!(
        !String::from_utf8_lossy(&docx).contains("word/media/"),
        "DOCX carries an image"
    );
    if have("pdftotext") {
        let text = stdout(
            Command::new("pdftotext")
                .arg(out.join("plain.pdf"))
                .arg("-"),
        );
        assert!(!text.contains("扫一扫"), "QR caption without a QR");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_with_2() {
    let out = fresh_dir("e2e", "usage");
    let record = examples().join(format!("{SAMPLE}.json"));
    assert_eq!(run(bulletin().arg("convert")).status.code(), Some(2));
    assert_eq!(run(bulletin().arg("frobnicate")).status.code(), Some(2));
    let bad_format = convert(&[&record], &out, &["--formats", "pdf,xls"]);
    assert_eq!(bad_format.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_format.stderr).contains("xls"));
    let bad_template = convert(&[&record], &out, &["--template", "nonesuch"]);
    assert_eq!(bad_template.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn check_reports_half_width_punctuation_with_positions() {
    let sample = examples().join(format!("{SAMPLE}.json"));
    // Notes alone: exit 0, so that scripts tell them from invalid records; 1 with --strict.
    let out = run(bulletin().arg("check").arg(&sample));
    assert_eq!(out.status.code(), Some(0));
    let strict = run(bulletin().args(["check", "--strict"]).arg(&sample));
    assert_eq!(strict.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("field `body[0].text`, character 6: half-width ','"),
        "{text}"
    );
    assert!(text.contains("87 punctuation problems"), "{text}");
    let clean = run(bulletin()
        .arg("check")
        .arg(examples().join("notice-blocks.yaml")));
    assert_eq!(clean.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&clean.stdout).contains(": ok"));
}

#[test]
fn punctuation_is_normalised_only_when_asked() {
    let sample = examples().join(format!("{SAMPLE}.json"));
    let plain = fresh_dir("e2e", "as-given");
    let normal = fresh_dir("e2e", "normalised");
    assert!(convert(&[&sample], &plain, &["--formats", "pdf,docx"])
        .status
        .success());
    assert!(convert(
        &[&sample],
        &normal,
        &["--formats", "pdf,docx", "--normalize-punctuation"]
    )
    .status
    .success());
    let docx_text = |dir: &Path| {
        let out = run(Command::new("python3")
            .args(["-c", "import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode())"])
            .arg(dir.join(format!("{SAMPLE}.docx"))));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    if have("python3") {
        assert!(docx_text(&plain).contains("2月18日,自治区"));
        assert!(docx_text(&normal).contains("2月18日，自治区"));
    }
    if have("pdftotext") {
        let pdf = |dir: &Path| {
            squeeze(&stdout(
                Command::new("pdftotext")
                    .arg(dir.join(format!("{SAMPLE}.pdf")))
                    .arg("-"),
            ))
        };
        assert!(pdf(&plain).contains("2月18日,自治区"));
        assert!(pdf(&normal).contains("2月18日，自治区"));
        assert!(pdf(&normal).contains("旗县（市、区）"));
    }
    std::fs::remove_dir_all(plain).unwrap();
    std::fs::remove_dir_all(normal).unwrap();
}

#[test]
fn characters_without_a_glyph_are_named_in_a_warning() {
    let dir = fresh_dir("e2e", "noglyph");
    let rec = dir.join("rare.json");
    std::fs::write(
        &rec,
        "{\"title\":\"生僻字\",\"body\":\"私用区字符\u{E000}与罕见字𠮷。\"}",
    )
    .unwrap();
    let out = dir.join("out");
    let result = convert(&[&rec], &out, &["--formats", "pdf"]);
    assert!(result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("warning") && stderr.contains("U+E000"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("U+20BB7"),
        "𠮷 is in Noto Serif CJK and must not be reported: {stderr}"
    );
    if have("pdffonts") {
        let fonts = stdout(Command::new("pdffonts").arg(out.join("rare.pdf")));
        assert!(
            fonts.contains("NotoSerifCJK"),
            "fallback face not used for 𠮷: {fonts}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn titles_and_headings_use_real_bold_faces() {
    let out = fresh_dir("e2e", "bold");
    assert!(convert(
        &[&examples().join("notice-blocks.yaml")],
        &out,
        &["--formats", "pdf"]
    )
    .status
    .success());
    if have("pdffonts") {
        let fonts = stdout(Command::new("pdffonts").arg(out.join("notice-2025-grassland.pdf")));
        assert!(fonts.contains("FandolHei-Bold"), "{fonts}");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

/// Dates as people write them are read as the documented forms, and `check` says how.
#[test]
fn check_says_how_dates_written_as_people_write_them_were_read() {
    let dir = fresh_dir("e2e", "dates-read");
    let record = dir.join("dates.json");
    std::fs::write(
        &record,
        r#"{"title":"通知","published":"2025年2月18日 18:03","body":"正文。",
            "signature":{"name":"某局","date":"2025/2/18"},"printed_date":"2025-02-18"}"#,
    )
    .unwrap();
    let out = run(bulletin().arg("check").arg(&record));
    assert_eq!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("field `published`: `2025年2月18日 18:03` is read as 2025-02-18 18:03"),
        "{said}"
    );
    assert!(
        said.contains("field `signature.date`: `2025/2/18` is read as 2025-02-18"),
        "{said}"
    );
    assert!(
        !said.contains("printed_date"),
        "the documented form is not remarked: {said}"
    );
    assert!(said.contains("dates.json: ok"), "{said}");
    std::fs::remove_dir_all(&dir).ok();
}

/// What offices type around the 附件说明 and 抄送 is printed once: a sequence number typed
/// before an attachment's name is the one printed (GB/T 9704-2012 7.3.3), and a 抄送 list
/// ending in "。" gets no second one (7.4.2).
#[test]
fn typed_attachment_numbers_and_a_final_full_stop_are_not_printed_twice() {
    if !have("pdftotext") {
        return;
    }
    let dir = fresh_dir("e2e", "typed-numbers");
    let record = dir.join("typed.json");
    std::fs::write(
        &record,
        r#"{"title":"关于做好春节期间值班工作的通知","body":"请认真做好值班工作。",
            "signature":{"name":"某某局","date":"2025-02-18"},
            "attachments":[{"name":"1.春节值班安排表"},{"name":"2、联系人名单"}],
            "cc":["市委办公室，市人大常委会办公室。"]}"#,
    )
    .unwrap();
    let result = convert(
        &[&record],
        &dir,
        &["--template", "gongwen", "--formats", "pdf,docx"],
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let text = squeeze(&stdout(
        Command::new("pdftotext")
            .arg(dir.join("typed.pdf"))
            .arg("-"),
    ));
    assert!(
        text.contains("附件：1.春节值班安排表2.联系人名单"),
        "{text}"
    );
    assert!(!text.contains("1.1.") && !text.contains("2.2、"), "{text}");
    assert!(
        text.contains("抄送：市委办公室，市人大常委会办公室。"),
        "{text}"
    );
    assert!(!text.contains("。。"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}
