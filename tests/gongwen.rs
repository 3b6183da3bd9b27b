//! The official-document template (GB/T 9704-2012), measured: the PDF from glyph and rule
//! positions (tests/support/measure_gongwen.py), the DOCX from its XML and from LibreOffice's
//! rendering of it. In CI (CI=true) a missing checker fails the test.

mod common;

use common::{fresh_dir, root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RECORD: &str = "examples/official-notice.json";
const ID: &str = "official-notice-2025-12";

fn bulletin(args: &[&str], out: &Path) -> Output {
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(root().join(RECORD))
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    result
}

/// The standard's numbers, as the checker takes them.
fn spec(dir: &Path) -> PathBuf {
    let path = dir.join("spec.json");
    let spec = serde_json::json!({
        "left": 28, "right": 184, "top": 37, "bottom": 262, "lines": 22, "chars": 28,
        "body_size": 16, "number_size": 14, "number_gap": 7, "mark_top": 35, "full_page": 2,
    });
    std::fs::write(&path, spec.to_string()).unwrap();
    path
}

fn measure(pdf: &Path, spec: &Path, extra: &[&str]) -> String {
    let script = root().join("tests/support/measure_gongwen.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(pdf)
        .arg(spec)
        .args(extra)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} is off the standard:\n{report}\n{}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    report
}

fn docx_part(docx: &Path, part: &str) -> String {
    let file = std::fs::File::open(docx).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut text).unwrap();
    text
}

/// Converts `records` with the gongwen template into `out` (`formats` as `--formats` takes
/// them); the conversion must succeed. Returns its stderr (the warnings).
fn convert_official(records: &[PathBuf], formats: &str, out: &Path) -> String {
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .args(records)
        .args(["--template", "gongwen", "--formats", formats, "--out"])
        .arg(out)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "{said}");
    said
}

/// LibreOffice's PDF rendering of each of `docx`, in `dir/lo` (a private profile in `dir`);
/// `None` when LibreOffice is not installed (outside CI).
fn libreoffice_pdfs(dir: &Path, docx: &[PathBuf]) -> Option<PathBuf> {
    if !common::runs("soffice", &["--version"]) {
        return None;
    }
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let lo = Command::new("soffice")
        .arg(profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.join("lo"))
        .args(docx)
        .output()
        .unwrap();
    assert!(lo.status.success(), "{lo:?}");
    Some(dir.join("lo"))
}

/// The text of each page of `pdf` (pdftotext), whitespace removed; one more entry after the
/// last form feed.
fn page_texts(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(|p| p.split_whitespace().collect())
        .collect()
}

#[test]
fn pdf_follows_gb_t_9704_to_the_millimetre() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("gongwen", "pdf");
    bulletin(&["--template", "gongwen", "--formats", "pdf"], &dir);
    let report = measure(&dir.join(format!("{ID}.pdf")), &spec(&dir), &[]);
    assert!(report.contains("\"body_lines\": 22"), "{report}");
    // Full lines hold 28 characters; where a closing mark found no room it hangs past the
    // margin (three such lines in this record; before hanging they were pushed in or out).
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert!(report["grid_lines"].as_u64() >= Some(30), "{report}");
    assert_eq!(report["hanging"].as_u64(), Some(3), "{report}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pdf_text_holds_every_head_and_tail_element() {
    if !common::runs("pdftotext", &["-v"]) {
        return;
    }
    let dir = fresh_dir("gongwen", "text");
    bulletin(&["--template", "gongwen", "--formats", "pdf"], &dir);
    let out = Command::new("pdftotext")
        .arg(dir.join(format!("{ID}.pdf")))
        .arg("-")
        .output()
        .unwrap();
    let text: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for want in [
        "内蒙古自治区生态环境厅文件",
        "内环发〔2025〕12号",
        "内蒙古自治区生态环境厅关于做好2025年草原生态环境保护工作的通知",
        "各盟市生态环境局，厅机关各处室、各直属单位：",
        "一、总体要求",
        "（一）加强草原生态保护修复监管",
        "1.开展专项检查",
        "（1）检查范围",
        "附件：",
        "1.2025年草原生态环境保护重点任务分工表",
        "2.草原生态环境保护工作情况报送模板",
        "2025年3月3日",
        "抄送：",
        "生态环境部，自治区人民政府办公厅，自治区林业和草原局。",
        "内蒙古自治区生态环境厅办公室",
        "2025年3月4日印发",
        "—1—",
        "—4—",
    ] {
        assert!(text.contains(want), "missing: {want}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn docx_grid_and_footers_are_what_word_needs() {
    let dir = fresh_dir("gongwen", "xml");
    bulletin(&["--template", "gongwen", "--formats", "docx"], &dir);
    let docx = dir.join(format!("{ID}.docx"));
    let document = docx_part(&docx, "word/document.xml");
    // Portable grid: 22 lines of 579 twips (28.95 pt), characters condensed by 0.25 pt so
    // that 28 of 16 pt fit the 156 mm measure (28 x 15.75 = 441 pt <= 442.2 pt).
    assert!(
        document.contains(r#"<w:docGrid w:type="lines" w:linePitch="579"/>"#),
        "{document}"
    );
    assert!(
        document.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#)
    );
    assert!(document.contains(r#"<w:footerReference w:type="even" r:id="rId7"/>"#));
    let styles = docx_part(&docx, "word/styles.xml");
    let body = &styles[styles.find(r#"w:styleId="BodyText""#).unwrap()..];
    let body = &body[..body.find("</w:style>").unwrap()];
    assert!(body.contains(r#"<w:spacing w:val="-5"/>"#), "{body}");
    assert!(body.contains(r#"w:eastAsia="仿宋""#) && body.contains(r#"<w:sz w:val="32"/>"#));
    assert!(
        body.contains(r#"w:line="579" w:lineRule="exact""#),
        "{body}"
    );
    // Closing marks hang past the margin as in the PDF: Word's default (w:overflowPunct
    // omitted means on, ECMA-376 Part 1, 17.3.1.21); the news template, whose PDF never
    // hangs them, turns it off.
    assert!(!styles.contains("w:overflowPunct"), "{styles}");
    let news_dir = dir.join("news");
    let news = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(root().join("examples/nmg-sthjt-2025-02-18.json"))
        .args(["--formats", "docx", "--out"])
        .arg(&news_dir)
        .output()
        .unwrap();
    assert!(news.status.success(), "{news:?}");
    let news = docx_part(
        &news_dir.join("nmg-sthjt-2025-02-18.docx"),
        "word/styles.xml",
    );
    assert!(news.contains(r#"<w:overflowPunct w:val="0"/>"#), "{news}");
    assert!(docx_part(&docx, "word/settings.xml").contains("<w:evenAndOddHeaders/>"));
    let odd = docx_part(&docx, "word/footer1.xml");
    let even = docx_part(&docx, "word/footer2.xml");
    assert!(
        odd.contains(r#"<w:ind w:right="280"/><w:jc w:val="right"/>"#) && odd.contains(" PAGE "),
        "{odd}"
    );
    assert!(
        even.contains(r#"<w:ind w:left="280"/><w:jc w:val="left"/>"#) && even.contains(" PAGE "),
        "{even}"
    );
    assert!(odd.contains(">— <") && odd.contains("> —<"), "{odd}");

    // Word's own grid, on request: linesAndChars with the negative charSpace Word writes
    // (15.79 pt pitch - 16 pt default size, in 1/4096 pt), and a warning about LibreOffice.
    let template = std::fs::read_to_string(root().join("templates/gongwen.toml"))
        .unwrap()
        .replace(r#"grid = "portable""#, r#"grid = "word""#);
    let word_template = dir.join("gongwen-word.toml");
    std::fs::write(&word_template, template).unwrap();
    let word_dir = dir.join("word");
    let result = bulletin(
        &[
            "--template",
            word_template.to_str().unwrap(),
            "--formats",
            "docx",
        ],
        &word_dir,
    );
    assert!(String::from_utf8_lossy(&result.stderr).contains("LibreOffice only about half"));
    let document = docx_part(&word_dir.join(format!("{ID}.docx")), "word/document.xml");
    assert!(document
        .contains(r#"<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-848"/>"#));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn libreoffice_sets_the_docx_on_22_lines_of_28_characters() {
    if !common::runs("soffice", &["--version"])
        || !common::runs("python3", &["-c", "import pdfplumber, docx"])
    {
        return;
    }
    let dir = fresh_dir("gongwen", "lo");
    bulletin(&["--template", "gongwen", "--formats", "docx"], &dir);
    let docx = dir.join(format!("{ID}.docx"));
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let out = Command::new("soffice")
        .arg(profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.join("lo"))
        .arg(&docx)
        .output()
        .unwrap();
    assert!(out.status.success());
    measure(
        &dir.join("lo").join(format!("{ID}.pdf")),
        &spec(&dir),
        &["--rendered-docx"],
    );
    // The DOCX is also well formed for the independent checker.
    let expected = dir.join("expected.json");
    std::fs::write(&expected, serde_json::json!({"title": "内蒙古自治区生态环境厅关于做好2025年草原生态环境保护工作的通知", "paragraphs": ["一、总体要求"]}).to_string()).unwrap();
    let check = Command::new("python3")
        .arg(root().join("tests/support/check_docx.py"))
        .arg(&docx)
        .arg(&expected)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn templates_are_listed_shown_and_checked() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(args)
            .output()
            .unwrap()
    };
    let list = String::from_utf8_lossy(&run(&["templates"]).stdout).into_owned();
    assert!(
        list.contains("bulletin") && list.contains("gongwen"),
        "{list}"
    );
    let shown = run(&["templates", "show", "gongwen"]);
    assert!(shown.status.success());
    let dir = fresh_dir("gongwen", "templates");
    // A copy of a shown template works as a user template.
    let copy = dir.join("mine.toml");
    std::fs::write(&copy, &shown.stdout).unwrap();
    let out = dir.join("out");
    let ok = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(root().join(RECORD))
        .args(["--formats", "pdf", "--out"])
        .arg(&out)
        .arg("--template")
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // A font family that does not exist is an error naming the file, the key and the choices.
    let bad = String::from_utf8_lossy(&shown.stdout).replace(
        "[styles.body]\nfamily = \"fang\"",
        "[styles.body]\nfamily = \"songti\"",
    );
    let bad_path = dir.join("bad.toml");
    std::fs::write(&bad_path, bad).unwrap();
    let err = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(root().join(RECORD))
        .arg("--out")
        .arg(&out)
        .arg("--template")
        .arg(&bad_path)
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&err.stderr);
    assert!(
        msg.contains("bad.toml") && msg.contains("styles.body.family") && msg.contains("`song`"),
        "{msg}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn upward_document_puts_the_signer_beside_the_number_and_the_mark_at_80mm() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("gongwen", "upward");
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(root().join("examples/official-request.yaml"))
        .args(["--template", "gongwen", "--formats", "pdf", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(result.status.success());
    let script = r#"
import sys, pdfplumber
mm = 72 / 25.4
page = pdfplumber.open(sys.argv[1]).pages[0]
mark = [c for c in page.chars if c["size"] > 24]
print(round(min(c["top"] for c in mark) / mm, 1))
row = [c for c in page.chars if abs(c["matrix"][5] - [d for d in page.chars if d["text"] == "签"][0]["matrix"][5]) < 1]
row.sort(key=lambda c: c["x0"])
print(round(row[0]["x0"] / mm, 1), round(row[-1]["x0"] / mm + 16 / 72 * 25.4, 1), "".join(c["text"] for c in row))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.join("official-request-2025-08.pdf"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("117.0"),
        "mark 80 mm below the type area's top (37 + 80): {text}"
    );
    // Number one character (16 pt = 5.6 mm) in from the left edge (28 mm), signer's name
    // ending one character in from the right edge (184 mm).
    assert_eq!(
        lines.next(),
        Some("33.6 178.4 内环字〔2025〕8号签发人：赵世德"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// LibreOffice's rendering of the DOCX shows what the PDF shows (issue 16): the same pages and
/// body lines per page, the same title lines, the red rule and the 版记's rules across the
/// whole type area, the red rule 4 mm under the number; and a reader that takes the
/// `mc:Fallback` branch (mammoth) finds the 版记.
#[test]
fn libreoffice_renders_the_docx_as_the_pdf_is_printed() {
    if !common::runs("soffice", &["--version"])
        || !common::runs("python3", &["-c", "import pdfplumber, mammoth"])
    {
        return;
    }
    let dir = fresh_dir("gongwen", "lo-compare");
    let records = [
        "examples/official-notice.json",
        "examples/official-request.yaml",
    ];
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .args(records.map(|r| root().join(r)))
        .args(["--template", "gongwen", "--formats", "pdf,docx", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids = ["official-notice-2025-12", "official-request-2025-08"];
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let lo = Command::new("soffice")
        .arg(profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.join("lo"))
        .args(ids.map(|id| dir.join(format!("{id}.docx"))))
        .output()
        .unwrap();
    assert!(lo.status.success());
    let spec = dir.join("compare.json");
    std::fs::write(
        &spec,
        serde_json::json!({"left": 28, "right": 184, "body_size": 16, "title_size": 22, "number_size": 16})
            .to_string(),
    )
    .unwrap();
    for id in ids {
        let check = Command::new("python3")
            .arg(root().join("tests/support/compare_rendered_docx.py"))
            .arg(dir.join(format!("{id}.pdf")))
            .arg(dir.join("lo").join(format!("{id}.pdf")))
            .arg(&spec)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{id}: LibreOffice's rendering differs from the PDF:\n{}\n{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        let fallback = Command::new("python3")
            .args([
                "-c",
                "import sys, mammoth; print(mammoth.extract_raw_text(open(sys.argv[1], 'rb')).value)",
            ])
            .arg(dir.join(format!("{id}.docx")))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&fallback.stdout);
        assert!(
            text.contains("印发"),
            "{id}: mammoth (the fallback branch) lost the 版记:\n{text}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Joint issuance (GB/T 9704-2012 7.2.4, 7.3.5): with 2, 3 and 5 organs every organ is in the
/// PDF's mark (one stacked line each, lead organ first, all as wide as the longest), in the
/// signature, in the DOCX, in the OFD and in LibreOffice's rendering of the DOCX; "文件" stands
/// to the right of the stack, vertically centred on it. Issue 18's case
/// (`joint-issuers.json`) printed only the first organ.
#[test]
fn joint_documents_print_every_organ_in_every_format() {
    if !common::runs("python3", &["-c", "import pdfplumber, docx, easyofd"]) {
        return;
    }
    let dir = fresh_dir("gongwen", "joint");
    let case: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/cases/joint-issuers.json")).unwrap(),
    )
    .unwrap();
    let mut two = case.clone();
    two["id"] = "joint-2".into();
    two["issuer_mark"] = serde_json::json!(["某市教育局", "某市财政局文件"]);
    two["signature"]["name"] = serde_json::json!(["某市教育局", "某市财政局"]);
    let mut five = case.clone();
    five["id"] = "joint-5".into();
    five["issuer_mark"] = serde_json::json!([
        "某省发展和改革委员会",
        "某省财政厅",
        "某省生态环境厅",
        "某省住房和城乡建设厅",
        "某省交通运输厅",
        "文件"
    ]);
    five["signature"]["name"] = "某省发展和改革委员会\n某省财政厅\n某省生态环境厅".into();
    let mut paths = Vec::new();
    for record in [&two, &case, &five] {
        let path = dir.join(format!("{}.json", record["id"].as_str().unwrap()));
        std::fs::write(&path, record.to_string()).unwrap();
        paths.push(path);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .args(&paths)
        .args([
            "--template",
            "gongwen",
            "--formats",
            "pdf,docx,ofd",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Mark lines (chars larger than 20 pt on page 1) by baseline; the suffix's centre against
    // the stack's; the signature's lines (the lines above the last 成文日期 on the page with it).
    let script = r#"
import sys, json, pdfplumber
pdf = pdfplumber.open(sys.argv[1])
def red(c):
    color = tuple(c.get("non_stroking_color") or ())
    return len(color) == 3 and color[0] > 0.5 and color[1] < 0.2 and color[2] < 0.2
chars = [c for c in pdf.pages[0].chars if red(c)]
# The suffix: the two rightmost chars, 文 then 件 on one baseline, right of everything else.
chars.sort(key=lambda c: c["x0"])
suffix = None
if len(chars) > 2 and [c["text"] for c in chars[-2:]] == ["文", "件"]:
    rest = chars[:-2]
    if chars[-2]["x0"] > max(c["x1"] for c in rest) + 1:
        suffix, chars = chars[-2:], rest
rows = {}
for c in chars:
    rows.setdefault(round(c["matrix"][5]), []).append(c)
stack = [sorted(rows[y], key=lambda c: c["x0"]) for y in sorted(rows, reverse=True)]
names = ["".join(c["text"] for c in p) for p in stack]
widths = [round(p[-1]["x1"] - p[0]["x0"], 1) for p in stack]
top = min(c["top"] for p in stack for c in p)
bottom = max(c["bottom"] for p in stack for c in p)
centre = None
if suffix:
    centre = round((min(c["top"] for c in suffix) + max(c["bottom"] for c in suffix)) / 2 - (top + bottom) / 2, 2)
text = "".join(p.extract_text() or "" for p in pdf.pages)
print(json.dumps({"names": names, "widths": widths, "suffix": "".join(c["text"] for c in suffix) if suffix else None, "centre_offset": centre, "text": "".join(text.split())}, ensure_ascii=False))
"#;
    let organs: [(&str, Vec<&str>, Vec<&str>, bool); 3] = [
        (
            "joint-2",
            vec!["某市教育局", "某市财政局"],
            vec!["某市教育局", "某市财政局"],
            true,
        ),
        (
            "B13-joint-issuers",
            vec!["某市教育局", "某市财政局", "某市人力资源和社会保障局"],
            vec!["某市教育局　　某市财政局", "某市人力资源和社会保障局"],
            false,
        ),
        (
            "joint-5",
            vec![
                "某省发展和改革委员会",
                "某省财政厅",
                "某省生态环境厅",
                "某省住房和城乡建设厅",
                "某省交通运输厅",
            ],
            vec!["某省发展和改革委员会", "某省财政厅", "某省生态环境厅"],
            true,
        ),
    ];
    let docx: Vec<PathBuf> = organs
        .iter()
        .map(|o| dir.join(format!("{}.docx", o.0)))
        .collect();
    let lo = libreoffice_pdfs(&dir, &docx);
    for (id, mark, signature, with_suffix) in &organs {
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(dir.join(format!("{id}.pdf")))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let names: Vec<&str> = m["names"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n.as_str())
            .collect();
        assert_eq!(&names, mark, "{id}: the mark's lines");
        let widths: Vec<f64> = m["widths"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|w| w.as_f64())
            .collect();
        let widest = widths.iter().cloned().fold(0.0, f64::max);
        assert!(
            widths.iter().all(|w| widest - w < 1.0),
            "{id}: names spread to one width: {widths:?}"
        );
        if *with_suffix {
            assert_eq!(m["suffix"], "文件", "{id}: {m}");
            let offset = m["centre_offset"].as_f64().unwrap();
            assert!(
                offset.abs() < 0.5,
                "{id}: 文件 off the stack's middle by {offset} pt"
            );
        } else {
            assert!(m["suffix"].is_null(), "{id}: {m}");
        }
        let pdf_text = m["text"].as_str().unwrap();
        for name in signature {
            let squeezed: String = name
                .split_whitespace()
                .collect::<String>()
                .replace('　', "");
            assert!(
                pdf_text.contains(&squeezed),
                "{id}: signature line {name} not in the PDF"
            );
        }
        // DOCX (python-docx, tables included), OFD (easyofd), LibreOffice's rendering.
        let docx = Command::new("python3")
            .args([
                "-c",
                "import sys, docx\nd = docx.Document(sys.argv[1])\nt = [p.text for p in d.paragraphs]\nfor tb in d.tables:\n    for c in tb._cells:\n        t.append(c.text)\nprint(''.join(''.join(t).split()))",
            ])
            .arg(dir.join(format!("{id}.docx")))
            .output()
            .unwrap();
        let docx_text = String::from_utf8_lossy(&docx.stdout).replace('　', "");
        let ofd = Command::new("python3")
            .arg(root().join("tests/support/read_ofd.py"))
            .arg(dir.join(format!("{id}.ofd")))
            .output()
            .unwrap();
        assert!(ofd.status.success(), "{ofd:?}");
        let ofd: serde_json::Value = serde_json::from_slice(&ofd.stdout).unwrap();
        let ofd_text: String = ofd["text"]
            .to_string()
            .split_whitespace()
            .collect::<String>()
            .replace('　', "");
        let lo_text = lo.as_ref().map(|lo| {
            page_texts(&lo.join(format!("{id}.pdf")))
                .concat()
                .replace('　', "")
        });
        for name in mark.iter().chain(signature.iter()) {
            let name = name.replace('　', "");
            assert!(docx_text.contains(&name), "{id}: {name} not in the DOCX");
            assert!(ofd_text.contains(&name), "{id}: {name} not in the OFD");
            if let Some(lo_text) = &lo_text {
                assert!(
                    lo_text.contains(&name),
                    "{id}: {name} not in LibreOffice's rendering"
                );
            }
        }
        if *with_suffix {
            assert!(docx_text.contains("文件"), "{id}: 文件 not in the DOCX");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The 发文字号's form (GB/T 9704-2012 7.2.5), the commonest reason a draft is sent back:
/// `check` names `doc_number` and the cited 文号 in the body, gives the corrected forms and
/// fails; `convert` prints the same as warnings and still converts. The official examples are
/// clean.
#[test]
fn check_names_a_document_number_in_the_wrong_form() {
    let case = root().join("tests/fixtures/cases/doc-number-brackets.json");
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["check", "--strict"])
        .arg(&case)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("field `doc_number`, character 4")
            && said.contains("六角括号")
            && said.contains("write 某环发〔2025〕12号"),
        "{said}"
    );
    assert!(
        said.contains("field `body[0].text`, character 30") && said.contains("write 〔2024〕5号"),
        "{said}"
    );
    let dir = fresh_dir("gongwen", "doc-number");
    let warned = convert_official(std::slice::from_ref(&case), "pdf", &dir);
    assert!(
        warned.contains("warning:") && warned.contains("write 某环发〔2025〕12号"),
        "{warned}"
    );
    for example in [
        "examples/official-notice.json",
        "examples/official-request.yaml",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .arg("check")
            .arg(root().join(example))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{example}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The 版记 on an even page (the back of the last sheet), GB/T 9704-2012 7.4, 7.5. Issue 18's
/// cases: `imprint-odd-page.json` ended on page 3 with the 版记 — it moves alone to page 4,
/// which keeps its number; `imprint-alone-odd-page.json` pushed the 版记 alone to page 3,
/// numbered — page 3 now stays blank and the 版记 is on page 4, neither numbered. The OFD has
/// the same pages; the DOCX repeats it with a page break, or a section break and an
/// unnumbered last section; LibreOffice's rendering puts the 版记 on an even page.
#[test]
fn the_imprint_ends_on_an_even_page_after_an_unnumbered_blank_page_when_needed() {
    if !common::runs("pdftotext", &["-v"]) {
        return;
    }
    let dir = fresh_dir("gongwen", "even-imprint");
    let cases = ["imprint-odd-page", "imprint-alone-odd-page"];
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .args(cases.map(|c| root().join(format!("tests/fixtures/cases/{c}.json"))))
        .args([
            "--template",
            "gongwen",
            "--formats",
            "pdf,docx,ofd",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page_texts = |pdf: &Path| -> Vec<String> {
        let out = Command::new("pdftotext")
            .arg(pdf)
            .arg("-")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .split('\u{c}')
            .map(|p| p.split_whitespace().collect())
            .collect()
    };
    let ids = ["B04-imprint-odd-page", "B04b-imprint-alone-odd-page"];
    // PDF: (page, what it holds).
    let first = page_texts(&dir.join(format!("{}.pdf", ids[0])));
    assert_eq!(
        first.len(),
        5,
        "4 pages and the text after the last form feed: {first:?}"
    );
    assert!(
        first[2].contains("2025年3月10日") && first[2].ends_with("—3—"),
        "{first:?}"
    );
    assert!(
        !first[2].contains("印发"),
        "page 3 holds no 版记: {}",
        first[2]
    );
    assert!(
        first[3].contains("印发") && first[3].contains("—4—"),
        "the 版记 alone on page 4, numbered (no blank page before it): {}",
        first[3]
    );
    let second = page_texts(&dir.join(format!("{}.pdf", ids[1])));
    assert_eq!(second.len(), 5, "{second:?}");
    assert!(
        second[1].contains("2025年3月10日") && second[1].ends_with("—2—"),
        "{second:?}"
    );
    assert!(
        second[2].is_empty(),
        "page 3 blank, without a number: {}",
        second[2]
    );
    assert!(
        second[3].contains("印发") && !second[3].contains('—'),
        "the 版记 on page 4, without a number: {}",
        second[3]
    );
    // DOCX: the page break, or the section break and the unnumbered section.
    let first_xml = docx_part(&dir.join(format!("{}.docx", ids[0])), "word/document.xml");
    assert_eq!(first_xml.matches("<w:pageBreakBefore/>").count(), 1);
    assert_eq!(first_xml.matches("<w:sectPr>").count(), 1);
    let docx = dir.join(format!("{}.docx", ids[1]));
    let second_xml = docx_part(&docx, "word/document.xml");
    assert_eq!(
        second_xml.matches("<w:sectPr>").count(),
        2,
        "a section for the blank page"
    );
    let last = &second_xml[second_xml.rfind("<w:sectPr>").unwrap()..];
    assert!(
        last.contains("r:id=\"rId8\"") && !last.contains("rId6"),
        "the last section's footers are the empty one: {last}"
    );
    let empty = docx_part(&docx, "word/footer3.xml");
    assert!(!empty.contains("PAGE"), "{empty}");
    // OFD: the same four pages, the third empty.
    if common::runs("python3", &["-c", "import easyofd"]) {
        let ofd = Command::new("python3")
            .arg(root().join("tests/support/read_ofd.py"))
            .arg(dir.join(format!("{}.ofd", ids[1])))
            .output()
            .unwrap();
        let ofd: serde_json::Value = serde_json::from_slice(&ofd.stdout).unwrap();
        assert_eq!(ofd["pages"], 4, "{ofd}");
        let pages = ofd["text"].as_array().unwrap();
        assert!(pages[2].as_str().unwrap().trim().is_empty(), "{ofd}");
        assert!(pages[3].as_str().unwrap().contains("印发"), "{ofd}");
    }
    // LibreOffice: the 版记 on an even page, without a number after a section break.
    let docx: Vec<PathBuf> = ids
        .iter()
        .map(|id| dir.join(format!("{id}.docx")))
        .collect();
    if let Some(lo) = libreoffice_pdfs(&dir, &docx) {
        for id in ids {
            let pages = page_texts(&lo.join(format!("{id}.pdf")));
            let at = pages.iter().position(|p| p.contains("印发")).unwrap();
            assert_eq!(at % 2, 1, "{id}: the 版记 on page {}: {pages:?}", at + 1);
        }
        let pages = page_texts(&lo.join(format!("{}.pdf", ids[1])));
        let at = pages.iter().position(|p| p.contains("印发")).unwrap();
        assert!(!pages[at].contains('—'), "{pages:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// 份号, 密级和保密期限 and 紧急程度 (GB/T 9704-2012 7.2.1–7.2.3) on the type area's first three
/// lines in that order, flush left, 3号 (16 pt) 黑体, the mark still 35 mm below the type
/// area's top; the 附注 (7.3.6) in parentheses on the line after the 成文日期, two characters
/// in; the DOCX carries them in the same order. A 份号 that is not six digits, a 密级 outside
/// the standard's list and an unknown 紧急程度 are refused, naming the field, nothing written.
#[test]
fn head_elements_and_the_note_stand_where_the_standard_puts_them() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("gongwen", "head-elements");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(RECORD)).unwrap()).unwrap();
    record["id"] = "head".into();
    record["copy_number"] = "000001".into();
    record["classification"] = "秘密".into();
    record["secrecy_period"] = "1年".into();
    record["urgency"] = "特急".into();
    record["note"] = "此件公开发布".into();
    let path = dir.join("head.json");
    std::fs::write(&path, record.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(&path)
        .args(["--template", "gongwen", "--formats", "pdf,docx", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = r#"
import sys, json, pdfplumber
mm = 72 / 25.4
pdf = pdfplumber.open(sys.argv[1])
def lines(page):
    rows = {}
    for c in page.chars:
        rows.setdefault(round(c["matrix"][5], 1), []).append(c)
    return [sorted(rows[y], key=lambda c: c["x0"]) for y in sorted(rows, reverse=True)]
first = lines(pdf.pages[0])
head = []
for row in first[:3]:
    head.append({"text": "".join(c["text"] for c in row), "x": round(row[0]["x0"] / mm, 1),
                 "baseline": round((pdf.pages[0].height - row[0]["matrix"][5]) / mm, 2), "size": round(row[0]["size"], 1),
                 "font": row[0]["fontname"].split("+")[-1]})
mark = [c for c in pdf.pages[0].chars if c["size"] > 30]
last = lines(next(p for p in pdf.pages if "（此件" in (p.extract_text() or "")))
texts = ["".join(c["text"] for c in row) for row in last]
at = next(i for i, t in enumerate(texts) if t.startswith("（此件"))
note = last[at]
print(json.dumps({"head": head, "mark_top": round(min(c["top"] for c in mark) / mm, 1),
    "before_note": texts[at - 1], "note_x": round(note[0]["x0"] / mm, 1),
    "note_gap": round(last[at - 1][0]["matrix"][5] - note[0]["matrix"][5], 1)}, ensure_ascii=False))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.join("head.pdf"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let head = m["head"].as_array().unwrap();
    let texts: Vec<&str> = head.iter().map(|h| h["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["000001", "秘密★1年", "特急"], "{m}");
    // The grid's pitch: 225 mm over 22 lines; the 16 pt em box at the top of each line (the
    // template's em_box = "top"), its baseline 0.88 em down.
    let pitch = 225.0 / 22.0;
    let em = 16.0 / 72.0 * 25.4;
    for (i, h) in head.iter().enumerate() {
        assert_eq!(h["x"].as_f64(), Some(28.0), "flush left: {h}");
        assert_eq!(h["size"].as_f64(), Some(16.0), "{h}");
        let want = 37.0 + i as f64 * pitch + 0.88 * em;
        let got = h["baseline"].as_f64().unwrap();
        assert!(
            (got - want).abs() < 0.1,
            "line {}: baseline {got} mm, want {want:.2}: {h}",
            i + 1
        );
    }
    assert!(head[1]["font"].as_str().unwrap().contains("Hei"), "{m}");
    assert!((m["mark_top"].as_f64().unwrap() - 72.0).abs() < 0.6, "{m}");
    assert_eq!(m["before_note"], "2025年3月3日", "{m}");
    // Two characters (2 × 16 pt = 11.3 mm) in from the left edge, one grid line down.
    assert!(
        (m["note_x"].as_f64().unwrap() - (28.0 + 2.0 * em)).abs() < 0.3,
        "{m}"
    );
    assert!(
        (m["note_gap"].as_f64().unwrap() - pitch * 72.0 / 25.4).abs() < 0.2,
        "{m}"
    );
    let document = docx_part(&dir.join("head.docx"), "word/document.xml");
    let order: Vec<usize> = [
        "000001",
        "秘密★1年",
        "特急",
        "内蒙古自治区生态环境厅文件",
        "（此件公开发布）",
    ]
    .iter()
    .map(|t| {
        document
            .find(t)
            .unwrap_or_else(|| panic!("{t} not in the DOCX"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // Refused, naming the field, nothing written.
    for (field, value) in [
        ("copy_number", "12345"),
        ("classification", "内部"),
        ("urgency", "急件"),
    ] {
        let mut bad = record.clone();
        bad[field] = value.into();
        bad["id"] = format!("bad-{field}").into();
        let path = dir.join(format!("bad-{field}.json"));
        std::fs::write(&path, bad.to_string()).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .arg("convert")
            .arg(&path)
            .args(["--template", "gongwen", "--out"])
            .arg(&dir)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(said.contains(field) && said.contains(value), "{said}");
        assert!(!dir.join(format!("bad-{field}.pdf")).exists());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The signature never opens a page alone (a page with only 署名 and 成文日期 would need the
/// clerk's "此页无正文"): `joint-issuers.json` has no room for its three lines of signature
/// under the body on page 1, so the body's last lines go with them to page 2 — in the PDF and
/// in LibreOffice's rendering of the DOCX.
#[test]
fn the_signature_takes_the_bodys_last_line_with_it() {
    if !common::runs("pdftotext", &["-v"]) {
        return;
    }
    let dir = fresh_dir("gongwen", "signature-page");
    let case = root().join("tests/fixtures/cases/joint-issuers.json");
    convert_official(&[case], "pdf,docx", &dir);
    let mut rendered = vec![dir.join("B13-joint-issuers.pdf")];
    if let Some(lo) = libreoffice_pdfs(&dir, &[dir.join("B13-joint-issuers.docx")]) {
        rendered.push(lo.join("B13-joint-issuers.pdf"));
    }
    for pdf in rendered {
        let pages = page_texts(&pdf);
        let at = pages
            .iter()
            .position(|p| p.contains("2025年4月8日"))
            .unwrap_or_else(|| panic!("{}: no 成文日期: {pages:?}", pdf.display()));
        assert!(
            pages[at].contains("纳入年度预算。"),
            "{}: the signature's page has no body text: {}",
            pdf.display(),
            pages[at]
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// 附件 with content of their own (GB/T 9704-2012 7.3.7): each on a new page after the
/// signature and before the 版记, "附件N" in 3号黑体 flush left on the first line, its name
/// (as in the 附件说明) centred on the third line, then its blocks, tables included; page
/// numbers go on; the 版记 still ends on an even page. LibreOffice's rendering of the DOCX has
/// the same pages, each attachment starting one. An attachment's bad block is refused by its
/// path.
#[test]
fn attachments_with_content_get_pages_of_their_own() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("gongwen", "attachment-pages");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(RECORD)).unwrap()).unwrap();
    record["id"] = "att".into();
    record["attachments"][0]["body"] = serde_json::json!([
        {"type": "paragraph", "text": "各盟市要按照任务分工，明确责任单位和完成时限。"},
        {"type": "table", "rows": [["序号", "任务", "责任单位"], ["1", "开展草原生态监测", "各盟市生态环境局"]]}
    ]);
    record["attachments"][1]["body"] = "请各单位于每月5日前报送上月工作情况。".into();
    let path = dir.join("att.json");
    std::fs::write(&path, record.to_string()).unwrap();
    convert_official(std::slice::from_ref(&path), "pdf,docx", &dir);
    let script = r#"
import sys, json, pdfplumber
mm = 72 / 25.4
pdf = pdfplumber.open(sys.argv[1])
out = []
for n, page in enumerate(pdf.pages):
    rows = {}
    for c in page.chars:
        rows.setdefault(round(c["matrix"][5], 1), []).append(c)
    lines = [sorted(rows[y], key=lambda c: c["x0"]) for y in sorted(rows, reverse=True)]
    if not lines:
        continue
    first = lines[0]
    text = "".join(c["text"] for c in first)
    if text.startswith("附件") and len(lines) > 1:
        title = lines[1]
        out.append({"page": n + 1, "label": text, "x": round(first[0]["x0"] / mm, 1),
            "size": round(first[0]["size"], 1), "font": first[0]["fontname"].split("+")[-1],
            "label_base": round((page.height - first[0]["matrix"][5]) / mm, 2),
            "title": "".join(c["text"] for c in title),
            "title_base": round((page.height - title[0]["matrix"][5]) / mm, 2),
            "title_middle": round((title[0]["x0"] + title[-1]["x1"]) / 2 / mm, 1),
            "text": "".join(page.extract_text().split())})
print(json.dumps({"pages": len(pdf.pages), "attachments": out}, ensure_ascii=False))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.join("att.pdf"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pages = m["pages"].as_u64().unwrap();
    let found = m["attachments"].as_array().unwrap();
    assert_eq!(found.len(), 2, "{m}");
    let pitch = 225.0 / 22.0;
    let names = [
        "2025年草原生态环境保护重点任务分工表",
        "草原生态环境保护工作情况报送模板",
    ];
    for (i, a) in found.iter().enumerate() {
        assert_eq!(a["label"], format!("附件{}", i + 1), "{a}");
        assert_eq!(a["x"].as_f64(), Some(28.0), "{a}");
        assert_eq!(a["size"].as_f64(), Some(16.0), "{a}");
        assert!(a["font"].as_str().unwrap().contains("Hei"), "{a}");
        let label = a["label_base"].as_f64().unwrap();
        assert!(
            (label - (37.0 + 0.88 * 16.0 / 72.0 * 25.4)).abs() < 0.1,
            "line 1: {a}"
        );
        assert_eq!(a["title"], names[i], "{a}");
        // The third line of the grid: two pitches below the first.
        let title_top = a["title_base"].as_f64().unwrap() - 0.88 * 22.0 / 72.0 * 25.4;
        assert!(
            (title_top - (37.0 + 2.0 * pitch)).abs() < 0.3,
            "line 3: {a}"
        );
        assert!(
            (a["title_middle"].as_f64().unwrap() - 106.0).abs() < 0.5,
            "centred in the type area (28–184 mm): {a}"
        );
    }
    assert!(
        found[0]["text"]
            .as_str()
            .unwrap()
            .contains("开展草原生态监测"),
        "{m}"
    );
    assert!(
        found[1]["text"].as_str().unwrap().contains("每月5日前报送"),
        "{m}"
    );
    assert!(
        found[1]["text"].as_str().unwrap().contains("印发"),
        "the 版记 after the attachments: {m}"
    );
    assert_eq!(pages % 2, 0, "{m}");
    assert!(
        found[1]["text"]
            .as_str()
            .unwrap()
            .contains(&format!("—{pages}—")),
        "numbered on: {m}"
    );
    // The DOCX: a page break before each label; LibreOffice's pages.
    let document = docx_part(&dir.join("att.docx"), "word/document.xml");
    assert_eq!(document.matches("<w:pageBreakBefore/>").count(), 2);
    if let Some(lo) = libreoffice_pdfs(&dir, &[dir.join("att.docx")]) {
        let rendered = page_texts(&lo.join("att.pdf"));
        assert_eq!(rendered.len() as u64 - 1, pages, "{rendered:?}");
        for a in found {
            let n = a["page"].as_u64().unwrap() as usize;
            let label = a["label"].as_str().unwrap();
            assert!(
                rendered[n - 1].starts_with(label),
                "LibreOffice page {n}: {}",
                rendered[n - 1]
            );
        }
    }
    // A bad block in an attachment is named by its path; nothing is written.
    record["attachments"][1]["body"] = serde_json::json!([{"type": "chart"}]);
    record["id"] = "bad-att".into();
    std::fs::write(&path, record.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(&path)
        .args(["--template", "gongwen", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("attachments[1].body[0].type"), "{said}");
    assert!(!dir.join("bad-att.pdf").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Each page of `pdf` as tests/support/page_geometry.py reads it: lines (text, x0, x1,
/// baseline, size, fonts, colour) and rules (x0, x1, top, bottom, colour), in mm.
fn geometry(pdf: &Path) -> Vec<serde_json::Value> {
    let out = Command::new("python3")
        .arg(root().join("tests/support/page_geometry.py"))
        .arg(pdf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Converts `record` with `template` into `out`; stderr (the warnings) on success.
fn convert_with(record: &Path, template: &str, formats: &str, out: &Path) -> String {
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(record)
        .args(["--template", template, "--formats", formats, "--out"])
        .arg(out)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(result.status.success(), "{said}");
    said
}

/// `record` (JSON) with `change` applied, converted with `template`: refused with exit code 1,
/// a message naming every word of `names`, and no file written.
fn refused(dir: &Path, record: &serde_json::Value, template: &str, names: &[&str]) {
    let path = dir.join("refused.json");
    let mut record = record.clone();
    record["id"] = "refused".into();
    std::fs::write(&path, record.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(&path)
        .args(["--template", template, "--out"])
        .arg(dir.join("refused"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for name in names {
        assert!(said.contains(name), "{name} not in: {said}");
    }
    assert!(!dir.join("refused").join("refused.pdf").exists());
}

fn lines(page: &serde_json::Value) -> &Vec<serde_json::Value> {
    page["lines"].as_array().unwrap()
}

fn line<'a>(page: &'a serde_json::Value, starts: &str) -> &'a serde_json::Value {
    lines(page)
        .iter()
        .find(|l| l["text"].as_str().unwrap().starts_with(starts))
        .unwrap_or_else(|| panic!("no line starting {starts}: {page}"))
}

fn mm(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap()
}

/// The em box's top of a line of `size` pt whose baseline is at `baseline` mm (CJK faces put
/// it 0.88 em above the baseline).
fn em_top(baseline: f64, size: f64) -> f64 {
    baseline - 0.88 * size / 72.0 * 25.4
}

/// The OFD's text as easyofd reads it, whitespace removed; `None` without easyofd (outside CI).
fn ofd_text(ofd: &Path) -> Option<String> {
    if !common::checker(
        "easyofd",
        common::runs("python3", &["-c", "import easyofd"]),
    ) {
        return None;
    }
    let out = Command::new("python3")
        .arg(root().join("tests/support/read_ofd.py"))
        .arg(ofd)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Some(read["text"].to_string().split_whitespace().collect())
}

/// examples/`file` converted with `template` (PDF, DOCX, OFD) into a fresh directory named
/// `name`: the directory, the record as JSON and the PDF's pages ([`geometry`]); `id` names
/// the outputs.
fn special_example(
    name: &str,
    file: &str,
    template: &str,
    id: &str,
) -> (PathBuf, serde_json::Value, Vec<serde_json::Value>) {
    let dir = fresh_dir("gongwen", name);
    let record = root().join("examples").join(file);
    convert_with(&record, template, "pdf,docx,ofd", &dir);
    let json = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    let pages = geometry(&dir.join(format!("{id}.pdf")));
    (dir, json, pages)
}

/// The mark, the first line of `page`: `text`, red, centred on the type area; its em box's
/// top and bottom in mm.
fn red_mark(page: &serde_json::Value, text: &str) -> (f64, f64) {
    let mark = &lines(page)[0];
    assert_eq!(mark["text"], text);
    assert_eq!(
        mark["colour"],
        serde_json::json!([0.88, 0.0, 0.0]),
        "red: {mark}"
    );
    assert!(
        ((mm(&mark["x0"]) + mm(&mark["x1"])) / 2.0 - 106.0).abs() < 0.3,
        "centred: {mark}"
    );
    let size = mm(&mark["size"]) / 72.0 * 25.4;
    let top = mm(&mark["baseline"]) - 0.88 * size;
    (top, top + size)
}

const PITCH: f64 = 225.0 / 22.0;
/// One character of the 28-a-line grid, in mm.
const CHAR: f64 = 156.0 / 28.0;

/// The 信函格式 (GB/T 9704-2012 10.1), measured on examples/official-letter.json with the
/// `xinhan` template: the mark's top 30 mm from the page's top edge; red double rules 170 mm
/// long centred on the type area, thick over thin 4 mm under the mark, thin over thick ending
/// 20 mm above the page's bottom edge; 份号 and 紧急程度 flush left and the 发文字号 flush
/// right 7/8 of a 3号 character under the first rule; the title two lines under; no page
/// number on the first page; a 版记 without rules, 印发机关 and 印发日期. LibreOffice's
/// rendering of the DOCX has the same pages, rules and text.
#[test]
fn letter_format_stands_as_clause_10_1_says() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let id = "official-letter-2025-31";
    let (dir, json, pages) = special_example("letter", "official-letter.json", "xinhan", id);
    let first = &pages[0];
    let (mark_top, mark_bottom) = red_mark(first, "内蒙古自治区生态环境厅");
    assert!((mark_top - 30.0).abs() < 0.1, "{mark_top}");
    let rules = first["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 4, "{rules:?}");
    for r in rules {
        assert!(
            (mm(&r["x0"]) - 21.0).abs() < 0.05 && (mm(&r["x1"]) - 191.0).abs() < 0.05,
            "170 mm centred: {r}"
        );
        assert_eq!(r["colour"], serde_json::json!([0.88, 0.0, 0.0]), "{r}");
    }
    let thickness = |r: &serde_json::Value| mm(&r["bottom"]) - mm(&r["top"]);
    assert!(
        thickness(&rules[0]) > thickness(&rules[1]),
        "上粗下细: {rules:?}"
    );
    assert!(
        thickness(&rules[3]) > thickness(&rules[2]),
        "上细下粗: {rules:?}"
    );
    assert!(
        (mm(&rules[0]["top"]) - mark_bottom - 4.0).abs() < 0.1,
        "4 mm under the mark: {rules:?}"
    );
    assert!(
        (mm(&rules[3]["bottom"]) - 277.0).abs() < 0.05,
        "20 mm above the edge: {rules:?}"
    );
    let head = line(first, "000012");
    assert_eq!(
        head["text"], "000012内环函〔2025〕31号",
        "份号 left, 发文字号 right: {head}"
    );
    assert_eq!(mm(&head["x0"]), 28.0);
    assert!((mm(&head["x1"]) - 184.0).abs() < 0.2, "{head}");
    let gap = em_top(mm(&head["baseline"]), 16.0) - mm(&rules[1]["bottom"]);
    assert!(
        (gap - 16.0 * 7.0 / 8.0 / 72.0 * 25.4).abs() < 0.1,
        "7/8 of 3号: {gap}"
    );
    let urgency = line(first, "加急");
    assert!((mm(&urgency["baseline"]) - mm(&head["baseline"]) - PITCH).abs() < 0.05);
    let title = line(first, "内蒙古自治区生态环境厅关于");
    let above = mm(&title["baseline"]) - mm(&urgency["baseline"]);
    assert!(
        (3.0 * PITCH - 0.1..4.0 * PITCH).contains(&above),
        "the title two lines under the last element, on the grid: {above}"
    );
    let texts = page_texts(&dir.join(format!("{id}.pdf")));
    assert!(
        !texts[0].contains("—1—"),
        "no number on the first page: {}",
        texts[0]
    );
    assert!(texts[1].contains("—2—"), "{}", texts[1]);
    let last = pages.last().unwrap();
    assert!(line(last, "抄送").is_object());
    assert!(
        last["rules"].as_array().unwrap().is_empty(),
        "no rules in the letter's 版记"
    );
    assert!(!texts.concat().contains("印发"));
    // The DOCX: the first page's footer is the empty one; LibreOffice sets the same pages,
    // the four rules where the PDF has them.
    if let Some(text) = ofd_text(&dir.join(format!("{id}.ofd"))) {
        for part in [
            "内蒙古自治区生态环境厅",
            "内环函〔2025〕31号",
            "加急",
            "抄送",
        ] {
            assert!(text.contains(part), "{part} not in the OFD: {text}");
        }
    }
    let document = docx_part(&dir.join(format!("{id}.docx")), "word/document.xml");
    assert!(document.contains("<w:titlePg/>") && document.contains("w:type=\"first\""));
    if let Some(lo) = libreoffice_pdfs(&dir, &[dir.join(format!("{id}.docx"))]) {
        let pdf = lo.join(format!("{id}.pdf"));
        let rendered = page_texts(&pdf);
        assert_eq!(rendered.len(), texts.len(), "{rendered:?}");
        assert!(
            !rendered[0].contains("—1—") && rendered[1].contains("—2—"),
            "{rendered:?}"
        );
        assert!(
            rendered[0].starts_with("内蒙古自治区生态环境厅000012内环函〔2025〕31号"),
            "{}",
            rendered[0]
        );
        let lo_rules = geometry(&pdf)[0]["rules"].as_array().unwrap().clone();
        assert_eq!(lo_rules.len(), 4, "{lo_rules:?}");
        for (a, b) in lo_rules.iter().zip(rules) {
            for key in ["x0", "x1", "top", "bottom"] {
                assert!((mm(&a[key]) - mm(&b[key])).abs() < 0.1, "{a} against {b}");
            }
        }
    }
    // What the letter has no place for is refused, named: the mark is the lead organ's name.
    let mut joint = json.clone();
    joint["issuer_mark"] =
        serde_json::json!(["内蒙古自治区生态环境厅", "内蒙古自治区林业和草原局"]);
    refused(&dir, &joint, "xinhan", &["issuer_mark", "主办机关"]);
    let mut file = json.clone();
    file["issuer_mark"] = "内蒙古自治区生态环境厅文件".into();
    refused(&dir, &file, "xinhan", &["issuer_mark", "文件"]);
    // A one-page letter keeps its 版记 at the foot of that page (10.1: 最后一面).
    let mut short = json.clone();
    short["body"] = "请于2025年5月30日前报送有关数据。".into();
    short["id"] = "short".into();
    let path = dir.join("short.json");
    std::fs::write(&path, short.to_string()).unwrap();
    convert_with(&path, "xinhan", "pdf", &dir);
    let short_pages = page_texts(&dir.join("short.pdf"));
    assert_eq!(short_pages.len(), 2, "one page: {short_pages:?}");
    assert!(short_pages[0].contains("抄送"), "{short_pages:?}");
    let mut bad = json.clone();
    bad["printed_by"] = "某某办公室".into();
    refused(&dir, &bad, "xinhan", &["printed_by", "信函格式"]);
    let mut bad = json;
    bad["signer"] = "某某".into();
    refused(&dir, &bad, "xinhan", &["signer"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The 命令（令）格式 (GB/T 9704-2012 10.2), measured on examples/official-order.json with the
/// `mingling` template: the mark 20 mm under the type area's top, the 令号 centred two lines
/// under it, the text two lines under the 令号, no title line; the signer's title and the
/// place of the signature seal 4 characters in from the right, the title 2 characters left of
/// it, the date a blank line under it (7.3.5.3).
#[test]
fn order_format_stands_as_clause_10_2_says() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let id = "official-order-2025-7";
    let (dir, json, pages) = special_example("order", "official-order.json", "mingling", id);
    let first = &pages[0];
    let (mark_top, mark_bottom) = red_mark(first, "示例市人民政府令");
    assert!(
        (mark_top - 57.0).abs() < 0.1,
        "20 mm under the type area's top: {mark_top}"
    );
    let number = &lines(first)[1];
    assert_eq!(number["text"], "第7号");
    assert!(
        ((mm(&number["x0"]) + mm(&number["x1"])) / 2.0 - 106.0).abs() < 0.3,
        "{number}"
    );
    let number_top = em_top(mm(&number["baseline"]), 16.0);
    let blank = number_top - mark_bottom;
    assert!(
        (2.0 * PITCH - 0.1..3.0 * PITCH).contains(&blank),
        "two lines under the mark: {blank}"
    );
    let body = &lines(first)[2];
    assert!(
        body["text"].as_str().unwrap().starts_with("《示例市"),
        "no title line: {body}"
    );
    assert!(
        (mm(&body["baseline"]) - mm(&number["baseline"]) - 3.0 * PITCH).abs() < 0.05,
        "{body}"
    );
    let signer = line(first, "市长");
    let date = line(first, "2025年6月20日");
    // "市长", two characters, "李明华" ending four characters in.
    let seal_end = 184.0 - 4.0 * CHAR;
    assert!((mm(&signer["x1"]) - seal_end).abs() < 0.2, "{signer}");
    assert!((mm(&date["x1"]) - seal_end).abs() < 0.2, "{date}");
    assert!(
        (mm(&date["baseline"]) - mm(&signer["baseline"]) - 2.0 * PITCH).abs() < 0.05,
        "下空一行: {date}"
    );
    let chars: Vec<char> = signer["text"].as_str().unwrap().chars().collect();
    assert_eq!(chars.iter().collect::<String>(), "市长李明华");
    let doc = page_texts(&dir.join(format!("{id}.pdf"))).concat();
    assert!(!doc.contains("的命令"), "the title is not printed: {doc}");
    if let Some(text) = ofd_text(&dir.join(format!("{id}.ofd"))) {
        for part in ["示例市人民政府令", "第7号", "市长", "李明华"] {
            assert!(text.contains(part), "{part} not in the OFD: {text}");
        }
    }
    if let Some(lo) = libreoffice_pdfs(&dir, &[dir.join(format!("{id}.docx"))]) {
        let rendered = page_texts(&lo.join(format!("{id}.pdf")));
        assert_eq!(rendered.len(), 2, "one page: {rendered:?}");
        assert!(
            rendered[0].starts_with("示例市人民政府令第7号《示例市"),
            "{}",
            rendered[0]
        );
        assert!(
            rendered[0].contains("市长李明华2025年6月20日"),
            "{}",
            rendered[0]
        );
    }
    // The 令号 belongs to this format, the 发文字号 to the others.
    refused(&dir, &json, "gongwen", &["order_number", "mingling"]);
    // check --template says the same before any conversion.
    let checked = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["check", "--template", "gongwen"])
        .arg(root().join("examples/official-order.json"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(
        !checked.status.success() && said.contains("order_number"),
        "{said}"
    );
    // Without a 令号: a warning, and the text still two lines under the mark.
    let mut bare = json.clone();
    bare.as_object_mut().unwrap().remove("order_number");
    bare["id"] = "bare".into();
    let path = dir.join("bare.json");
    std::fs::write(&path, bare.to_string()).unwrap();
    let warned = convert_with(&path, "mingling", "pdf", &dir);
    assert!(warned.contains("order_number"), "{warned}");
    let bare_pages = geometry(&dir.join("bare.pdf"));
    let (_, bare_mark_bottom) = red_mark(&bare_pages[0], "示例市人民政府令");
    let text_top = em_top(mm(&lines(&bare_pages[0])[1]["baseline"]), 16.0);
    assert!(
        (2.0 * PITCH - 0.1..3.0 * PITCH).contains(&(text_top - bare_mark_bottom)),
        "two lines under the mark: {}",
        text_top - bare_mark_bottom
    );
    let mut organ = json.clone();
    organ["signature"] = serde_json::json!({"name": "示例市人民政府", "date": "2025-06-20"});
    refused(&dir, &organ, "mingling", &["signature.name", "7.3.5.3"]);
    let mut bad = json.clone();
    bad["doc_number"] = "示政发〔2025〕7号".into();
    refused(&dir, &bad, "mingling", &["doc_number", "order_number"]);
    let mut bad = json;
    bad["signature"]["name"] = "示例市人民政府".into();
    refused(&dir, &bad, "mingling", &["signature.signers", "not both"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The 纪要格式 (GB/T 9704-2012 10.3), measured on examples/official-minutes.json with the
/// `jiyao` template: the "…纪要" mark; after the text, a blank line, then "出席：" in 3号黑体
/// two characters in, the names after the colon in the body's face, turned lines aligned under
/// the first name; then "请假：" and "列席：" the same way.
#[test]
fn minutes_format_stands_as_clause_10_3_says() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let id = "official-minutes-2025-12";
    let (dir, json, pages) = special_example("minutes", "official-minutes.json", "jiyao", id);
    let (mark_top, _) = red_mark(&pages[0], "示例市人民政府专题会议纪要");
    assert!(
        (mark_top - 72.0).abs() < 0.1,
        "35 mm under the type area's top: {mark_top}"
    );
    let page = pages
        .iter()
        .find(|p| {
            lines(p)
                .iter()
                .any(|l| l["text"].as_str().unwrap().starts_with("出席："))
        })
        .expect("a page with the attendance");
    let all = lines(page);
    let at = all
        .iter()
        .position(|l| l["text"].as_str().unwrap().starts_with("出席："))
        .unwrap();
    let present = &all[at];
    assert!(
        (mm(&present["x0"]) - (28.0 + 2.0 * CHAR)).abs() < 0.1,
        "左空二字: {present}"
    );
    let fonts: Vec<&str> = present["fonts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        fonts[..2].iter().all(|f| f.contains("Hei")),
        "出席 in 黑体: {fonts:?}"
    );
    assert!(
        fonts[3..].iter().all(|f| f.contains("Fang")),
        "names in 仿宋: {fonts:?}"
    );
    assert!(at > 0, "the example's lists follow its text on the page");
    let gap = mm(&present["baseline"]) - mm(&all[at - 1]["baseline"]);
    assert!(
        (gap - 2.0 * PITCH).abs() < 0.05,
        "空一行 under the text: {gap}"
    );
    // The turned lines start under the first name, right of the colon.
    let names_x = 28.0 + 5.0 * CHAR;
    assert!(
        (mm(&all[at + 1]["x0"]) - names_x).abs() < 0.1,
        "{}",
        all[at + 1]
    );
    let labels: Vec<String> = all[at..]
        .iter()
        .filter(|l| mm(&l["x0"]) < names_x - 1.0 && mm(&l["baseline"]) < 262.0)
        .map(|l| l["text"].as_str().unwrap().chars().take(3).collect())
        .collect();
    assert_eq!(labels, ["出席：", "请假：", "列席："]);
    let texts = page_texts(&dir.join(format!("{id}.pdf")));
    if let Some(text) = ofd_text(&dir.join(format!("{id}.ofd"))) {
        for part in ["出席：", "请假：", "列席：", "市人民政府办公室郑华"] {
            assert!(text.contains(part), "{part} not in the OFD: {text}");
        }
    }
    if let Some(lo) = libreoffice_pdfs(&dir, &[dir.join(format!("{id}.docx"))]) {
        let rendered = page_texts(&lo.join(format!("{id}.pdf")));
        assert_eq!(rendered.len(), texts.len(), "{rendered:?}");
        let all = rendered.concat();
        for label in [
            "出席：市住房和城乡建设局王磊",
            "请假：市生态环境局吴刚",
            "列席：市人民政府办公室郑华",
        ] {
            assert!(all.contains(label), "{label}: {all}");
        }
    }
    refused(&dir, &json, "gongwen", &["attendance", "jiyao"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Where the signature's names and date stand (GB/T 9704-2012 7.3.5), measured: sealed (the
/// default), three organs side by side, each centred in a third of the type area, the date
/// centred under the last (its seal covers both); names too long for three a row, two and one
/// centred under them; unsealed (`"sealed": false`), the names stacked 2
/// characters in from the right and the date starting 2 characters right of them.
#[test]
fn joint_signatures_stand_side_by_side_under_seals_and_stacked_without() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("gongwen", "signature-layouts");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(RECORD)).unwrap()).unwrap();
    let short = ["某市教育局", "某市财政局", "某市民政局"];
    let organs = [
        "内蒙古自治区生态环境厅",
        "内蒙古自治区财政厅",
        "内蒙古自治区林业和草原局",
    ];
    record["signature"]["name"] = serde_json::json!(short);
    record["id"] = "sealed".into();
    std::fs::write(dir.join("sealed.json"), record.to_string()).unwrap();
    record["signature"]["name"] = serde_json::json!(organs);
    record["id"] = "long".into();
    std::fs::write(dir.join("long.json"), record.to_string()).unwrap();
    record["signature"]["sealed"] = false.into();
    record["id"] = "unsealed".into();
    std::fs::write(dir.join("unsealed.json"), record.to_string()).unwrap();
    convert_official(
        &[
            dir.join("sealed.json"),
            dir.join("long.json"),
            dir.join("unsealed.json"),
        ],
        "pdf,docx",
        &dir,
    );
    let find = |pages: &[serde_json::Value], starts: &str| -> serde_json::Value {
        // The last such line: the signature comes after the head and the text.
        pages
            .iter()
            .flat_map(|p| lines(p).iter())
            .rfind(|l| {
                l["text"].as_str().unwrap().starts_with(starts) && l["size"].as_f64() == Some(16.0)
            })
            .cloned()
            .unwrap_or_else(|| panic!("no line {starts}"))
    };
    // The centres of the names in a line, in mm.
    let centres = |row: &serde_json::Value, names: &[&str]| -> Vec<f64> {
        let xs: Vec<f64> = row["xs"].as_array().unwrap().iter().map(mm).collect();
        let mut start = 0;
        let mut out = Vec::new();
        for name in names {
            let n = name.chars().count();
            // The last character's right edge: its left edge and one grid character.
            out.push((xs[start] + xs[start + n - 1] + CHAR) / 2.0);
            start += n;
        }
        out
    };
    let close = |got: &[f64], want: &[f64]| {
        got.len() == want.len() && got.iter().zip(want).all(|(g, w)| (g - w).abs() < 0.3)
    };
    let sealed = geometry(&dir.join("sealed.pdf"));
    let row = find(&sealed, short[0]);
    assert_eq!(row["text"], short.concat(), "one row: {row}");
    let thirds: Vec<f64> = (0..3)
        .map(|i| 28.0 + 156.0 * (2 * i + 1) as f64 / 6.0)
        .collect();
    assert!(close(&centres(&row, &short), &thirds), "{row}");
    // The last seal covers the last organ and the date: the date centred under it.
    let date = find(&sealed, "2025年3月3日");
    let date_centre = (mm(&date["x0"]) + mm(&date["x1"])) / 2.0;
    assert!((date_centre - thirds[2]).abs() < 0.5, "{date}");
    assert!((mm(&date["baseline"]) - mm(&row["baseline"]) - PITCH).abs() < 0.05);
    // Names too long for three a row: two, then the third centred under them, rows four
    // blank lines apart (42 mm seals neither meet nor touch).
    let long = geometry(&dir.join("long.pdf"));
    let first = find(&long, organs[0]);
    assert_eq!(first["text"], organs[..2].concat(), "{first}");
    assert!(
        close(&centres(&first, &organs[..2]), &[67.0, 145.0]),
        "{first}"
    );
    let second = find(&long, organs[2]);
    assert!(close(&centres(&second, &organs[2..]), &[106.0]), "{second}");
    assert!((mm(&second["baseline"]) - mm(&first["baseline"]) - 5.0 * PITCH).abs() < 0.05);
    let date = find(&long, "2025年3月3日");
    assert!(
        ((mm(&date["x0"]) + mm(&date["x1"])) / 2.0 - 106.0).abs() < 0.5,
        "{date}"
    );
    let unsealed = geometry(&dir.join("unsealed.pdf"));
    let mut baselines = Vec::new();
    for organ in organs {
        let l = find(&unsealed, organ);
        assert_eq!(l["text"], organ, "one organ a line: {l}");
        assert!(
            (mm(&l["x1"]) - (184.0 - 2.0 * CHAR)).abs() < 0.2,
            "右空二字: {l}"
        );
        baselines.push(mm(&l["baseline"]));
    }
    assert!(
        baselines
            .windows(2)
            .all(|w| (w[1] - w[0] - PITCH).abs() < 0.05),
        "{baselines:?}"
    );
    let longest = find(&unsealed, organs[2]);
    let date = find(&unsealed, "2025年3月3日");
    assert!(
        (mm(&date["x0"]) - mm(&longest["x0"]) - 2.0 * CHAR).abs() < 0.2,
        "右移二字: {date}"
    );
    if let Some(lo) = libreoffice_pdfs(
        &dir,
        &[
            dir.join("sealed.docx"),
            dir.join("long.docx"),
            dir.join("unsealed.docx"),
        ],
    ) {
        for (id, names) in [("sealed", short), ("long", organs), ("unsealed", organs)] {
            let all = page_texts(&lo.join(format!("{id}.pdf"))).concat();
            assert!(
                all.contains(&format!("{}2025年3月3日", names.concat())),
                "{id}: {all}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The special formats are listed among the templates, and their examples pass `check`.
#[test]
fn special_formats_are_listed_and_their_examples_check_clean() {
    let list = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("templates")
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    for (name, clause) in [("xinhan", "10.1"), ("mingling", "10.2"), ("jiyao", "10.3")] {
        assert!(
            list.lines()
                .any(|l| l.starts_with(name) && l.contains(clause)),
            "{list}"
        );
    }
    let examples = [
        "official-letter.json",
        "official-order.json",
        "official-minutes.json",
    ];
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("check")
        .args(examples.map(|e| root().join("examples").join(e)))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        said.lines().filter(|l| l.ends_with(": ok")).count(),
        3,
        "{said}"
    );
    // A 令号 with a leading zero is named.
    let dir = fresh_dir("gongwen", "order-number");
    let mut record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/official-order.json")).unwrap(),
    )
    .unwrap();
    record["order_number"] = "第07号".into();
    let path = dir.join("order.json");
    std::fs::write(&path, record.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["check", "--strict"])
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success() && said.contains("order_number") && said.contains("第7号"),
        "{said}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
