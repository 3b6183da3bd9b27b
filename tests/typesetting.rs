//! Typesetting measured on the real PDF: glyph positions read back with pdfplumber
//! (tests/support/measure_pdf.py) across every example, a stress example, random paragraphs
//! and a long article. In CI (CI=true) a missing checker fails the test.

mod common;

use bulletin::layout::{is_closing_punct, is_opening_punct, no_line_end, no_line_start};
use bulletin::template::Template;
use common::{fresh_dir, root};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The rules as the library states them, for the independent checker.
fn rules_file(dir: &Path) -> PathBuf {
    rules_file_for(dir, "bulletin")
}

fn rules_file_for(dir: &Path, template: &str) -> PathBuf {
    let t = Template::load(template).unwrap();
    let p = &t.page;
    let (left, right) = (p.margin_left.pt(), p.width.pt() - p.margin_right.pt());
    let chars = |f: fn(char) -> bool| -> String {
        (0x20u32..0x10000)
            .filter_map(char::from_u32)
            .filter(|&c| f(c))
            .collect()
    };
    let em = t.styles.body.size.pt();
    let quote = t.styles.quote.side_indent * t.styles.quote.size.pt();
    let list = (t.styles.list.side_indent + 2.0) * t.styles.list.size.pt();
    let rules = serde_json::json!({
        "left": left, "right": right,
        "top": p.margin_top.pt(), "bottom": p.height.pt() - p.margin_bottom.pt(),
        "no_start": chars(no_line_start), "no_end": chars(no_line_end),
        "closing": chars(is_closing_punct), "opening": chars(is_opening_punct),
        // A line's font is its CJK face; lines of Latin text only (English articles) are set
        // in the role's Latin face.
        "measures": [[left, right, "Song|LiberationSerif"], [left + quote, right - quote, "Kai"], [left + list, right, "Song|LiberationSerif"]],
        "body_size": em,
        "body_font": "Song|LiberationSerif",
        "heading_font": "Hei|LiberationSans",
        "indent": t.styles.body.first_line_indent * em,
        "pitch": t.styles.body.line_pitch(),
    });
    let path = dir.join("rules.json");
    std::fs::write(&path, rules.to_string()).unwrap();
    path
}

fn convert(records: &[PathBuf], out: &Path) {
    convert_with(records, out, "bulletin");
}

fn convert_with(records: &[PathBuf], out: &Path, template: &str) {
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .args(records)
        .arg("--out")
        .arg(out)
        .args(["--formats", "pdf", "--quiet", "--template", template])
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Runs the checker; returns its JSON summary.
fn measure(pdf: &Path, rules: &Path) -> serde_json::Value {
    let script = root().join("tests/support/measure_pdf.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(pdf)
        .arg(rules)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}: rules broken:\n{report}\n{}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&report).unwrap()
}

fn body_text(pdf: &Path) -> String {
    // The text area only, so running headers and footers do not interleave.
    let out = Command::new("pdftotext")
        .args(["-x", "0", "-y", "60", "-W", "596", "-H", "720"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn every_example_follows_the_rules_in_its_glyph_positions() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "examples");
    let rules = rules_file(&dir);
    let records = common::examples_for("bulletin");
    convert(&records, &dir);
    let mut justified = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) == Some("pdf") {
            let report = measure(&path, &rules);
            justified += report["counts"]["justified"].as_u64().unwrap();
        }
    }
    assert!(
        justified > 60,
        "too few justified lines were checked: {justified}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn random_paragraphs_read_back_exactly_and_keep_the_rules() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    const PIECES: &[&str] = &[
        "生态",
        "环境",
        "保护",
        "自治区",
        "草原",
        "推进",
        "治理",
        "会议",
        "，",
        "。",
        "、",
        "；",
        "：",
        "“",
        "”",
        "（",
        "）",
        "《",
        "》",
        "——",
        "……",
        "PM2.5",
        "5.2%",
        "Zoom",
        "2025年",
        "12,345.67",
        "NMG-2025-001",
        "！",
        "？",
    ];
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let paragraphs: Vec<String> = (0..40)
        .map(|_| {
            // A paragraph opens with words, as real ones do: a mark at a paragraph's start is
            // the record's own text, not a line break the layout chose.
            let mut p = String::from("草原");
            p.extend((0..30 + rng.below(90)).map(|_| PIECES[rng.below(PIECES.len())]));
            p.push('。');
            p
        })
        .collect();
    let dir = fresh_dir("type", "random");
    let record = dir.join("random.json");
    let body: Vec<serde_json::Value> = paragraphs
        .iter()
        .map(|t| serde_json::json!({"type": "paragraph", "text": t}))
        .collect();
    std::fs::write(
        &record,
        serde_json::json!({"title": "随机段落", "body": body}).to_string(),
    )
    .unwrap();
    convert(std::slice::from_ref(&record), &dir);
    let pdf = dir.join("random.pdf");
    measure(&pdf, &rules_file(&dir));
    let text = body_text(&pdf);
    let expected: String = paragraphs.concat();
    assert!(
        text.contains(&expected),
        "extracted text differs from the record's text"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn long_article_paginates_with_every_paragraph_in_order() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let sample: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/nmg-sthjt-2025-02-18.json")).unwrap(),
    )
    .unwrap();
    let paragraphs: Vec<String> = sample["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap().to_owned())
        .collect();
    let mut body = Vec::new();
    let mut expected = String::new();
    for round in 0..6 {
        body.push(serde_json::json!({"type": "heading", "level": 1, "text": format!("第{}部分", round + 1)}));
        expected.push_str(&format!("第{}部分", round + 1));
        for i in 0..paragraphs.len() {
            // Reshuffled so that page breaks fall in different places each round.
            let text = &paragraphs[(i * 5 + round) % paragraphs.len()];
            body.push(serde_json::json!({"type": "paragraph", "text": text}));
            expected.push_str(text);
        }
    }
    let dir = fresh_dir("type", "long");
    let record = dir.join("long.json");
    std::fs::write(
        &record,
        serde_json::json!({"title": "长文分页", "body": body}).to_string(),
    )
    .unwrap();
    convert(std::slice::from_ref(&record), &dir);
    let pdf = dir.join("long.pdf");
    let report = measure(&pdf, &rules_file(&dir));
    assert!(
        report["counts"]["pages"].as_u64().unwrap() >= 10,
        "{report}"
    );
    let flat: String = expected.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        body_text(&pdf).contains(&flat),
        "paragraphs lost or out of order across pages"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The checker is not vacuous: with the baseline grid switched off in a user template, body
/// lines after headings leave the grid and the checker says so.
#[test]
fn checker_catches_lines_off_the_grid() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "nogrid");
    let template = std::fs::read_to_string(root().join("templates/bulletin.toml"))
        .unwrap()
        .replace("baseline_grid = true", "baseline_grid = false");
    let template_path = dir.join("nogrid.toml");
    std::fs::write(&template_path, template).unwrap();
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(root().join("examples/notice-blocks.yaml"))
        .arg("--out")
        .arg(&dir)
        .arg("--template")
        .arg(&template_path)
        .args(["--formats", "pdf", "--quiet"])
        .output()
        .unwrap();
    assert!(result.status.success());
    let script = root().join("tests/support/measure_pdf.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(dir.join("notice-2025-grassland.pdf"))
        .arg(rules_file(&dir))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("off the baseline grid"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a5_leaflet_keeps_the_same_rules() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "leaflet");
    let records: Vec<PathBuf> = [
        "nmg-sthjt-2025-02-18.json",
        "notice-blocks.yaml",
        "stress-typesetting.json",
    ]
    .iter()
    .map(|r| root().join("examples").join(r))
    .collect();
    convert_with(&records, &dir, "leaflet");
    let rules = rules_file_for(&dir, "leaflet");
    for id in [
        "nmg-sthjt-2025-02-18",
        "notice-2025-grassland",
        "stress-typesetting",
    ] {
        let report = measure(&dir.join(format!("{id}.pdf")), &rules);
        assert!(
            report["counts"]["justified"].as_u64().unwrap() > 5,
            "{report}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A table row taller than a page starts where it falls and flows on under the repeated
/// header, with no line lost and every glyph inside the text area.
#[test]
fn a_table_row_taller_than_a_page_flows_on_under_its_header() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let long = "各盟市生态环境局要切实加强草原防火巡查，落实责任制度。".repeat(60);
    let dir = fresh_dir("type", "tall-row");
    let record = dir.join("tall.json");
    std::fs::write(
        &record,
        serde_json::json!({"title": "超长表格行", "body": [
            {"type": "paragraph", "text": "下表的第二行比一页还高。"},
            {"type": "table", "rows": [["项目", "说明"], ["巡查", long], ["备注", "无"]]},
        ]})
        .to_string(),
    )
    .unwrap();
    convert(std::slice::from_ref(&record), &dir);
    let pdf = dir.join("tall.pdf");
    let report = measure(&pdf, &rules_file(&dir));
    assert_eq!(report["counts"]["pages"], 2, "{report}");
    let page = |n: &str| {
        let out = Command::new("pdftotext")
            .args(["-f", n, "-l", n])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
    };
    // The row starts on page 1 right after the paragraph, not on a fresh page.
    let first = page("1");
    assert!(
        first.contains("下表的第二行比一页还高。项目说明巡查各盟市"),
        "{first}"
    );
    let second = page("2");
    assert!(
        second.starts_with("项目说明"),
        "header not repeated: {second}"
    );
    assert!(second.contains("备注无"), "{second}");
    let flat = body_text(&pdf).replacen("项目说明", "", 2);
    assert!(
        flat.contains(&format!("巡查{long}备注无")),
        "lines of the tall row lost or out of order"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// One decision, one place (issue 16): the DOCX's table has the PDF's column widths (the
/// PDF's column rules, read with pdfplumber, against the DOCX's `w:gridCol`), in fixed layout
/// with the PDF's cell padding, and its title breaks where the PDF's does.
#[test]
fn docx_tables_and_titles_follow_the_pdf() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("typesetting", "docx-table");
    let mut rows = vec![serde_json::json!([
        "序号",
        "类别",
        "主要措施",
        "责任单位",
        "完成时限"
    ])];
    for i in 1..=12 {
        rows.push(serde_json::json!([
            i.to_string(),
            "知识产权",
            "加强知识产权保护，完善快速维权机制，推动建立健全知识产权纠纷多元化解决机制",
            "市市场监管局、市司法局",
            "2025年12月底前"
        ]));
    }
    let record = dir.join("table.json");
    std::fs::write(
        &record,
        serde_json::json!({
            "title": "关于印发2025年全区优化营商环境重点任务分工方案暨草原生态环境保护工作要点的通知",
            "body": [{"type": "table", "rows": rows}]
        })
        .to_string(),
    )
    .unwrap();
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(&record)
        .arg("--out")
        .arg(&dir)
        .args(["--formats", "pdf,docx", "--quiet"])
        .output()
        .unwrap();
    assert!(result.status.success());
    let script = "import sys, pdfplumber\n\
        page = pdfplumber.open(sys.argv[1]).pages[0]\n\
        xs = sorted({round((l['x0'] + l['x1']) / 2, 2) for l in page.rects + page.lines if l['x1'] - l['x0'] < 2 and l['bottom'] - l['top'] > 5})\n\
        print(' '.join(str(x) for x in xs))";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.join("table.pdf"))
        .output()
        .unwrap();
    let edges: Vec<f32> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    assert_eq!(edges.len(), 6, "{edges:?}");
    let pdf_widths: Vec<f32> = edges.windows(2).map(|w| w[1] - w[0]).collect();
    let docx = std::fs::File::open(dir.join("table.docx")).unwrap();
    let mut archive = zip::ZipArchive::new(docx).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    let grid: Vec<f32> = xml
        .split("<w:gridCol w:w=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse::<f32>().unwrap() / 20.0)
        .collect();
    assert_eq!(grid.len(), 5, "{xml}");
    for (pdf, docx) in pdf_widths.iter().zip(&grid) {
        assert!(
            (pdf - docx).abs() < 0.1,
            "PDF {pdf_widths:?}, DOCX {grid:?}"
        );
    }
    assert!(xml.contains("<w:tblLayout w:type=\"fixed\"/>"));
    assert!(
        xml.contains("<w:left w:w=\"80\" w:type=\"dxa\"/>"),
        "4 pt padding"
    );
    // The title: the PDF's two lines, and the DOCX's line break between the same characters.
    let script = "import sys, pdfplumber\n\
        page = pdfplumber.open(sys.argv[1]).pages[0]\n\
        size = max(c['size'] for c in page.chars)\n\
        rows = {}\n\
        [rows.setdefault(-round(c['matrix'][5]), []).append(c) for c in page.chars if abs(c['size'] - size) < 0.1]\n\
        print('\\n'.join(''.join(c['text'] for c in sorted(r, key=lambda c: c['x0'])) for _, r in sorted(rows.items())))";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.join("table.pdf"))
        .output()
        .unwrap();
    let title = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = title.lines().collect();
    assert_eq!(lines.len(), 2, "{title}");
    let first_line = lines[0].to_owned();
    let title_xml = xml
        .split("Title\"/>")
        .nth(1)
        .unwrap()
        .split("</w:p>")
        .next()
        .unwrap();
    let before_break: String = title_xml
        .split("<w:br/>")
        .next()
        .unwrap()
        .split("<w:t xml:space=\"preserve\">")
        .skip(1)
        .map(|s| s.split("</w:t>").next().unwrap())
        .collect();
    assert_eq!(before_break, first_line, "{title_xml}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Traditional Chinese (`../shared/cases/hant-centred-punctuation.json`): the Taiwan and Hong
/// Kong faces centre 。，、：；！？, so they keep their full em and only brackets and quotes give
/// blank; no two adjacent marks' ink meet (before: 準備。」 and 來？」 overlapped by 2.3 pt).
#[test]
fn traditional_chinese_marks_keep_their_width_and_never_touch() {
    if !common::runs("python3", &["-c", "import pdfplumber, fontTools"]) {
        return;
    }
    let dir = fresh_dir("type", "hant");
    let record = root().join("tests/fixtures/cases/hant-centred-punctuation.json");
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["convert", "--quiet", "--out"])
        .arg(&dir)
        .arg(&record)
        .output()
        .unwrap();
    assert!(result.status.success());
    let pdf = dir.join("B10-hant-centered-punct.pdf");
    // Ink of adjacent marks, from the Noto Serif CJK TC face (index 3 of the collection).
    let out = Command::new("python3")
        .arg(root().join("tests/support/punctuation_ink.py"))
        .arg(&pdf)
        .arg(root().join("fonts/NotoSerifCJK-Regular.ttc"))
        .arg("3")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ink: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(ink["pairs"].as_u64().unwrap() >= 6, "{ink}");
    assert!(
        ink["worst"].as_f64().unwrap() >= 1.0,
        "marks' ink too close: {ink}"
    );
    // Every centred mark followed by a character on its line advances a full em (before an
    // opening bracket, whose own left blank is taken, the bracket's glyph starts earlier).
    let script = r#"
import sys, pdfplumber
widths = []
for page in pdfplumber.open(sys.argv[1]).pages:
    chars = [c for c in page.chars if not c["text"].isspace()]
    for a, b in zip(chars, chars[1:]):
        if a["text"] in "。，、：；！？" and b["text"] not in "「『（《〈【〔“‘" and abs(a["bottom"] - b["bottom"]) < 0.5 and b["x0"] > a["x0"]:
            widths.append((b["x0"] - a["x0"]) / a["size"])
print(len(widths), min(widths), max(widths))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&pdf)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let numbers: Vec<f64> = text
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(numbers[0] >= 15.0, "too few marks measured: {text}");
    // Justification may add a little, never take.
    assert!(
        numbers[1] >= 0.999 && numbers[2] < 1.1,
        "advances in em: {text}"
    );
    // The DOCX asks Word not to compress them either.
    let docx = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["convert", "--quiet", "--formats", "docx", "--out"])
        .arg(dir.join("docx"))
        .arg(&record)
        .status()
        .unwrap();
    assert!(docx.success());
    let file = std::fs::File::open(dir.join("docx/B10-hant-centered-punct.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut settings = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/settings.xml").unwrap(),
        &mut settings,
    )
    .unwrap();
    assert!(settings.contains("<w:characterSpacingControl w:val=\"doNotCompress\"/>"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The Mainland interpunct (`../shared/cases/interpunct-names.json`, the name moved one
/// character further in each paragraph): half a character, centred between the parts of the
/// name (GB/T 15834-2011 §4.15), and a name is never split at it.
#[test]
fn the_interpunct_takes_half_a_character_and_holds_names_together() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "interpunct");
    convert(
        &[root().join("tests/fixtures/cases/interpunct-names.json")],
        &dir,
    );
    let script = r#"
import sys, pdfplumber
report = []
for page in pdfplumber.open(sys.argv[1]).pages:
    rows = {}
    for c in page.chars:
        if not c["text"].isspace():
            rows.setdefault(-round(c["matrix"][5], 1), []).append(c)
    for chars in rows.values():
        chars.sort(key=lambda c: c["x0"])
        text = "".join(c["text"] for c in chars)
        assert not text.startswith("·") and not text.endswith("·"), text
        for i, c in enumerate(chars):
            if c["text"] == "·" and 0 < i < len(chars) - 1:
                em = c["size"]
                # From the character before to the one after: its em plus half an em; the dot
                # drawn in the middle of that half em.
                span = (chars[i + 1]["x0"] - chars[i - 1]["x0"]) / em
                ink_middle = c["x0"] + em / 2
                gap_middle = (chars[i - 1]["x0"] + em + chars[i + 1]["x0"]) / 2
                report.append((span, abs(ink_middle - gap_middle) / em))
print(len(report), max(s for s, _ in report), min(s for s, _ in report), max(d for _, d in report))
"#;
    let pdf = dir.join("B02-interpunct-names.pdf");
    let out = common::python(script, &[&pdf]);
    let n: Vec<f64> = out.split_whitespace().map(|x| x.parse().unwrap()).collect();
    assert!(n[0] >= 20.0, "too few dots measured: {out}");
    // Justification adds at most a little to the gaps around it.
    assert!(
        n[2] >= 1.499 && n[1] < 1.6,
        "span around the dot in em: {out}"
    );
    assert!(n[3] < 0.06, "dot off the middle of its half em: {out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A space typed next to a full-width mark (`../shared/cases/space-after-fullwidth.json`)
/// prints nothing: "写林， “林”" is set exactly as "写林，“林”" beside it; extraction still
/// gives the record's text, and `check` names each such space.
#[test]
fn spaces_typed_beside_full_width_marks_print_nothing() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "spaces");
    let record = root().join("tests/fixtures/cases/space-after-fullwidth.json");
    convert(std::slice::from_ref(&record), &dir);
    let pdf = dir.join("B16-space-after-comma.pdf");
    // The distance from each mark to the next printed character, in em, with and without a
    // typed space between them.
    let script = r#"
import sys, pdfplumber
page = pdfplumber.open(sys.argv[1]).pages[0]
chars = [c for c in page.chars if c["size"] == 12]
seen = {}
for i, c in enumerate(chars[:-1]):
    if c["text"] not in "，。":
        continue
    j, spaced = i + 1, False
    while j < len(chars) and chars[j]["text"].isspace():
        j, spaced = j + 1, True
    if j < len(chars) and abs(chars[j]["matrix"][5] - c["matrix"][5]) < 0.5:
        seen.setdefault((c["text"], chars[j]["text"] in "“", spaced), []).append(round((chars[j]["x0"] - c["x0"]) / 12, 2))
for k, v in sorted(seen.items()):
    print(k[0], int(k[1]), int(k[2]), max(v))
"#;
    let out = common::python(script, &[&pdf]);
    let mut worst: std::collections::BTreeMap<(String, bool), (f64, f64)> = Default::default();
    for line in out.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let key = (f[0].to_owned(), f[1] == "1");
        let e = worst.entry(key).or_insert((0.0, 0.0));
        if f[2] == "1" {
            e.1 = f[3].parse().unwrap();
        } else {
            e.0 = f[3].parse().unwrap();
        }
    }
    // ， before “ is compressed to half an em whether or not a space was typed.
    let before_quote = worst[&("，".to_owned(), true)];
    assert!(before_quote.0 <= 0.55 && before_quote.1 <= 0.55, "{out}");
    // A mark then a space then a character: an em (and what justification adds), not more.
    for ((mark, _), (_, spaced)) in &worst {
        assert!(*spaced <= 1.1, "{mark} then a space: {spaced} em\n{out}");
    }
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("写林， “林”"));
    let check = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["check", "--strict"])
        .arg(&record)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        said.matches("a space next to a full-width mark").count(),
        5,
        "{said}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A heading sits closer to its own paragraph than to the one before: the baseline grid's
/// slack goes above it, and a heading on the grid has no space after it.
#[test]
fn headings_sit_closer_to_their_own_paragraph() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "headings");
    // The official notice's text (its 版头 left out: the news templates refuse it).
    let records: Vec<PathBuf> = vec![
        common::headless("official-notice.json", &dir).0,
        root().join("examples/notice-blocks.yaml"),
    ];
    let mut measured = 0;
    for template in ["bulletin", "leaflet"] {
        let out = dir.join(template);
        convert_with(&records, &out, template);
        for entry in std::fs::read_dir(&out).unwrap() {
            let pdf = entry.unwrap().path();
            if pdf.extension().and_then(|e| e.to_str()) != Some("pdf") {
                continue;
            }
            let script = r#"
import re, sys, pdfplumber
heading = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|（\d+）)")
for page in pdfplumber.open(sys.argv[1]).pages:
    rows = {}
    for c in page.chars:
        if not c["text"].isspace():
            rows.setdefault(round(page.height - c["matrix"][5], 1), []).append(c)
    lines = sorted(rows.items())
    for i in range(1, len(lines) - 1):
        chars = sorted(lines[i][1], key=lambda c: c["x0"])
        text = "".join(c["text"] for c in chars)
        # The line's CJK face (a heading's number "1." is set in the Latin face).
        cjk = [c for c in chars if "Liberation" not in c["fontname"]] or chars
        if heading.match(text) and "Song" not in cjk[0]["fontname"]:
            print(text[:10], round(lines[i][0] - lines[i - 1][0], 1), round(lines[i + 1][0] - lines[i][0], 1))
"#;
            for line in common::python(script, &[&pdf]).lines() {
                let f: Vec<&str> = line.split_whitespace().collect();
                let (above, below): (f32, f32) = (f[1].parse().unwrap(), f[2].parse().unwrap());
                assert!(below < above, "{template} {}: {line}", pdf.display());
                measured += 1;
            }
        }
    }
    assert!(measured >= 12, "too few headings measured: {measured}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Ideographic spaces that align a name list keep their places on every line, a paragraph
/// indented by hand with them is not indented twice, and default-ignorable characters
/// (variation selector, joiner, zero-width space) are neither drawn nor reported missing.
#[test]
fn ideographic_spaces_align_lines_and_ignorables_are_invisible() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "aligned");
    let record = root().join("tests/fixtures/cases/aligned-names.json");
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["convert", "--formats", "pdf", "--out"])
        .arg(&dir)
        .arg(&record)
        .output()
        .unwrap();
    assert!(result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!stderr.contains("no bundled font"), "{stderr}");
    let script = r#"
import sys, pdfplumber
page = pdfplumber.open(sys.argv[1]).pages[0]
first = {}
for c in sorted(page.chars, key=lambda c: (-round(c["matrix"][5], 1), c["x0"])):
    if not c["text"].isspace():
        first.setdefault(-round(c["matrix"][5], 1), c)
for c in first.values():
    print(c["text"], round(c["x0"], 2))
"#;
    let out = common::python(script, &[&dir.join("aligned-names.pdf")]);
    let x = |t: &str| -> f64 {
        out.lines()
            .find(|l| l.starts_with(t))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or_else(|| panic!("no line starting {t}: {out}"))
            .parse()
            .unwrap()
    };
    let (jing, zu, fu, lead) = (x("经"), x("组"), x("副"), x("领"));
    let em = 12.0;
    // The body's automatic indent is two em; the name list's four ideographic spaces are
    // its indent instead (not 2 + 4), on every line; the hand-indented paragraph is two em.
    assert!((zu - jing - 2.0 * em).abs() < 0.1, "{out}");
    assert!((fu - zu).abs() < 0.1, "{out}");
    assert!((lead - jing).abs() < 0.1, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("张") && (x("张") - jing - 6.0 * em).abs() < 0.1),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Titles keep their words whole (`../shared/cases/official-titles.ndjson`, GB/T 9704-2012
/// §7.3.1 "回行时，要做到词意完整，排列对称"; and the Traditional case): these are the lines
/// a reader expects, checked in the PDF and in the DOCX's line breaks; before, they broke
/// 常务委|员会, 安|全, 城|市, inside 《》 and 三|年.
#[test]
fn titles_break_between_words() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "titles");
    let titles = root().join("tests/fixtures/cases/official-titles.ndjson");
    let batch = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args([
            "batch",
            "--template",
            "gongwen",
            "--formats",
            "pdf,docx",
            "--quiet",
            "--out",
        ])
        .arg(&dir)
        .arg(&titles)
        .status()
        .unwrap();
    assert!(batch.success());
    let hant = root().join("tests/fixtures/cases/hant-centred-punctuation.json");
    let convert = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["convert", "--formats", "pdf,docx", "--quiet", "--out"])
        .arg(&dir)
        .arg(&hant)
        .status()
        .unwrap();
    assert!(convert.success());
    let expected: &[(&str, &[&str])] = &[
        (
            "B11-title-1",
            &[
                "中共某某市委办公室",
                "某某市人民政府办公室关于印发",
                "《某某市城市更新行动实施方案》的通知",
            ],
        ),
        (
            "B11-title-2",
            &[
                "某某省人民政府关于提请审议",
                "《某某省生态环境保护条例（草案）》的议案",
            ],
        ),
        (
            "B11-title-3",
            &["某某市人民代表大会常务委员会", "关于设立生态日的决定"],
        ),
        (
            "B11-title-4",
            &[
                "某某市人民政府关于表彰2024年度",
                "安全生产先进集体和先进个人的决定",
            ],
        ),
        (
            "B11-title-5",
            &["关于做好“十五五”规划", "编制前期研究工作的通知"],
        ),
        (
            "B11-title-6",
            &[
                "某某县人民政府办公室关于进一步",
                "加强农村饮用水水源地保护工作的意见",
            ],
        ),
        (
            "B10-hant-centered-punct",
            &["市政府公布「城市韌性」三年", "計畫，強調：「安全第一。」"],
        ),
    ];
    let script = r#"
import sys, pdfplumber
page = pdfplumber.open(sys.argv[1]).pages[0]
size = float(sys.argv[2])
rows = {}
for c in page.chars:
    if abs(c["size"] - size) < 0.5 and not c["text"].isspace():
        rows.setdefault(-round(c["matrix"][5], 1), []).append(c)
for _, chars in sorted(rows.items()):
    print("".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])))
"#;
    for (id, lines) in expected {
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(dir.join(format!("{id}.pdf")))
            .arg("22")
            .output()
            .unwrap();
        let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .filter(|l| !l.ends_with("文件"))
            .collect();
        assert_eq!(got, *lines, "{id}: the PDF's title lines");
        // The DOCX breaks its title at the same places (w:br).
        let file = std::fs::File::open(dir.join(format!("{id}.docx"))).unwrap();
        let mut zip = zip::ZipArchive::new(file).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        let start = xml
            .find("<w:pStyle w:val=\"Title\"/>")
            .expect("a title paragraph");
        let end = start + xml[start..].find("</w:p>").unwrap();
        let mut text = String::new();
        let mut rest = &xml[start..end];
        while let Some(i) = rest.find('<') {
            let close = i + rest[i..].find('>').unwrap();
            let tag = &rest[i..=close];
            if tag.starts_with("<w:t") && !tag.starts_with("<w:tab") {
                let content_end = rest[close..].find("</w:t>").unwrap() + close;
                text.push_str(&rest[close + 1..content_end]);
                rest = &rest[content_end..];
                continue;
            }
            if tag == "<w:br/>" {
                text.push('\n');
            }
            rest = &rest[close + 1..];
        }
        assert_eq!(
            text.split('\n').collect::<Vec<_>>(),
            *lines,
            "{id}: the DOCX's title"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Whole-paragraph breaking and the half-width line end, on 60 paragraphs made from the
/// example's sentences (`tests/support/paragraph_ends.py`): no paragraph ends with one
/// character alone (孤字), every justified line's ink reaches the margin, and marks in
/// mid-line keep their blank (at most 1 % of lines squeezed), no gap between characters
/// wider than first fit left. First fit with full-width line
/// ends left 1 paragraph so in each template, 21 (A4) and 33 (A5) lines half an em short,
/// and squeezed 7 lines in each.
#[test]
fn paragraphs_end_with_company_and_lines_end_flush() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "paragraph-ends");
    let sample: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/nmg-sthjt-2025-02-18.json")).unwrap(),
    )
    .unwrap();
    let sentences: Vec<String> = sample["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["text"].as_str())
        .flat_map(|t| t.split_inclusive('。').map(str::to_owned))
        .collect();
    let mut rng = Rng(0x5EED_2025);
    let body: Vec<serde_json::Value> = (0..60)
        .map(|_| {
            let text: String = (0..2 + rng.below(4))
                .map(|_| sentences[rng.below(sentences.len())].as_str())
                .collect();
            serde_json::json!({"type": "paragraph", "text": text})
        })
        .collect();
    let record = dir.join("ends.json");
    std::fs::write(
        &record,
        serde_json::json!({"id": "ends", "title": "段落结尾", "body": body}).to_string(),
    )
    .unwrap();
    for template in ["bulletin", "leaflet"] {
        let out = dir.join(template);
        convert_with(std::slice::from_ref(&record), &out, template);
        let t = bulletin::template::Template::load(template).unwrap();
        let right = t.page.width.pt() - t.page.margin_right.pt();
        let size = t.styles.body.size.pt().to_string();
        let measured = Command::new("python3")
            .arg(root().join("tests/support/paragraph_ends.py"))
            .arg(out.join("ends.pdf"))
            .arg(size)
            .arg(right.to_string())
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&measured.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&measured.stderr)));
        assert_eq!(report["paragraphs"], 60, "{template}: {report}");
        assert_eq!(report["lone"], 0, "{template}: {report}");
        assert_eq!(report["short"], 0, "{template}: {report}");
        // Evening out opens no gap wider than first fit's (0.070 em A4, 0.074 em A5).
        assert!(
            report["widest"].as_f64() <= Some(0.06),
            "{template}: {report}"
        );
        let justified = report["justified"].as_u64().unwrap_or(0);
        assert!(justified > 300, "{template}: {report}");
        assert!(
            report["squeezed"].as_u64().unwrap_or(u64::MAX) * 100 <= justified,
            "{template}: {report}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Latin text and digits are set in the role's Latin face (Liberation Serif, the metrics of
/// Times New Roman, which the DOCX names): the apostrophe and quotes of English words in a
/// Chinese paragraph are proportional, while the quotes of Chinese text stay full-width; the
/// 公文's page number keeps Song's own half-width digits (GB/T 9704-2012 §7.5); the DOCX sets
/// the Latin quotes in the Latin face too (`w:hint="default"`).
#[test]
fn latin_text_is_set_in_a_latin_face_with_proportional_quotes() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "latin");
    let record = dir.join("latin.json");
    std::fs::write(
        &record,
        r#"{"id":"latin","title":"关于Government’s Plan的说明","published":"2025-03-01",
            "body":[{"type":"paragraph","text":"报告称，the Department’s “Belt and Road” plan 将于2025年启动。牢记“国之大者”。"}]}"#,
    )
    .unwrap();
    for template in ["bulletin", "gongwen"] {
        let out = dir.join(template);
        convert_with(std::slice::from_ref(&record), &out, template);
        let pdf = out.join("latin.pdf");
        let text = body_text(&pdf);
        assert!(text.contains("theDepartment’s“BeltandRoad”plan"), "{text}");
        let chars = common::python(
            r#"
import sys, pdfplumber
pdf = pdfplumber.open(sys.argv[1])
for p in pdf.pages:
    for c in p.chars:
        if c["text"] in "’“”2国":
            print(c["text"], round((c["x1"] - c["x0"]) / c["size"], 3), c["fontname"].split("+")[-1], round(p.height - c["top"]))
"#,
            &[&pdf],
        );
        let rows: Vec<Vec<&str>> = chars.lines().map(|l| l.split(' ').collect()).collect();
        let of = |ch: &str| -> Vec<&Vec<&str>> { rows.iter().filter(|r| r[0] == ch).collect() };
        // The apostrophes (title and body) are Liberation's, about a third of an em.
        assert_eq!(of("’").len(), 2, "{template}: {chars}");
        for r in of("’") {
            assert!(r[2].starts_with("Liberation"), "{template}: {r:?}");
            let em: f32 = r[1].parse().unwrap();
            assert!(em < 0.4, "{template}: {r:?}");
        }
        // “Belt is Latin and proportional; “国之大者” full-width in the CJK face.
        let quotes = of("“");
        assert_eq!(quotes.len(), 2, "{template}: {chars}");
        assert!(quotes[0][2].starts_with("Liberation"), "{quotes:?}");
        assert!(quotes[0][1].parse::<f32>().unwrap() < 0.5, "{quotes:?}");
        assert!(quotes[1][2].starts_with("Fandol"), "{quotes:?}");
        assert!(quotes[1][1].parse::<f32>().unwrap() >= 0.5, "{quotes:?}");
        // Digits of the text in the Latin face.
        assert!(
            of("2").iter().any(|r| r[2].starts_with("LiberationSerif")),
            "{chars}"
        );
        if template == "gongwen" {
            // The page number "— 1 —" at the foot: Song's own digits.
            let footer = common::python(
                r#"
import sys, pdfplumber
p = pdfplumber.open(sys.argv[1]).pages[0]
print(*[c["fontname"].split("+")[-1] for c in p.chars if c["text"] == "1" and c["top"] > p.height - 100])
"#,
                &[&pdf],
            );
            assert_eq!(footer.trim(), "FandolSong-Regular", "{footer}");
        }
    }
    // The DOCX: the Latin quotes in runs of their own set in the Latin face.
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(&record)
        .args(["--formats", "docx", "--quiet", "--out"])
        .arg(dir.join("docx"))
        .output()
        .unwrap();
    assert!(result.status.success(), "{result:?}");
    let file = std::fs::File::open(dir.join("docx/latin.docx")).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    let latin_runs: Vec<&str> = xml
        .split("<w:r>")
        .filter(|r| r.contains("w:hint=\"default\""))
        .map(|r| {
            r.split("preserve\">")
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(latin_runs, ["’", "’", "“", "”"], "{xml}");
}

/// English on A5 (the leaflet): words are hyphenated where the paragraph needs it, so no
/// justified line has a word space wider than 0.6 em (before hyphenation and the Latin face:
/// 0.93 em); a hyphenated word reads back whole (the hyphen spells nothing of the text).
#[test]
fn english_on_a5_hyphenates_and_keeps_word_spaces_narrow() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("type", "english");
    let record = dir.join("english.json");
    let text = "The plan sets out how grassland will be monitored over the next five years, \
        and how herders, local governments and research institutes will share the work. \
        Satellite images and field surveys will be compared every spring and autumn; where \
        vegetation cover falls below the target, grazing will be reduced for a season. \
        Degraded land will be reseeded with native grasses collected in the region, and the \
        Department will publish the results of each survey on its website, together with the \
        measures taken, the municipalities concerned and an explanation of the methodology. \
        Environmental responsibilities, administrative accountability and intergovernmental \
        coordination mechanisms will be strengthened, complemented by comprehensive \
        documentation, consultation procedures and transparent implementation reporting.";
    let body: Vec<serde_json::Value> = (0..4)
        .map(|_| serde_json::json!({"type": "paragraph", "text": text}))
        .collect();
    let json = serde_json::json!({"id": "english", "language": "en", "title": "Grassland monitoring",
        "published": "2025-04-02", "body": body});
    std::fs::write(&record, json.to_string()).unwrap();
    convert_with(std::slice::from_ref(&record), &dir, "leaflet");
    let pdf = dir.join("english.pdf");
    let t = Template::load("leaflet").unwrap();
    let right = t.page.width.pt() - t.page.margin_right.pt();
    let size = t.styles.body.size.pt();
    let report = common::python(
        r#"
import sys, pdfplumber
right, size = float(sys.argv[2]), float(sys.argv[3])
widest, justified, hyphens = 0.0, 0, 0
for page in pdfplumber.open(sys.argv[1]).pages:
    rows = {}
    for c in page.chars:
        if abs(c["size"] - size) < 0.1 and not c["text"].isspace():
            rows.setdefault(-round(c["matrix"][5], 1), []).append(c)
    for chars in rows.values():
        chars.sort(key=lambda c: c["x0"])
        if chars[-1]["x1"] < right - 0.5:
            continue  # a paragraph's last line
        justified += 1
        hyphens += chars[-1]["text"] == "-"
        for a, b in zip(chars, chars[1:]):
            gap = (b["x0"] - a["x1"]) / size
            if gap > 0.15:
                widest = max(widest, gap)
print(round(widest, 3), justified, hyphens)
"#,
        &[
            &pdf,
            Path::new(&right.to_string()),
            Path::new(&size.to_string()),
        ],
    );
    let f: Vec<f32> = report
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(f[1] >= 20.0, "too few justified lines: {report}");
    assert!(f[2] >= 1.0, "no word hyphenated: {report}");
    assert!(f[0] <= 0.6, "widest word space {} em: {report}", f[0]);
    // Extraction (ActualText) gives no hyphen that is not in the text: no extracted line
    // ends in a letter and "-".
    let out = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let extracted = String::from_utf8_lossy(&out.stdout);
    let hyphenated: Vec<&str> = extracted
        .lines()
        .filter(|l| {
            let mut end = l.trim_end().chars().rev();
            end.next() == Some('-') && end.next().is_some_and(char::is_alphabetic)
        })
        .collect();
    assert!(hyphenated.is_empty(), "{hyphenated:?}");
    assert!(extracted.contains("Grassland"), "{extracted}");
}
