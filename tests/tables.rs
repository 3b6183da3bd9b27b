//! Tables with merged cells (issue 15), end to end on the real binary: the example record
//! `examples/merged-table.json` (the merged-cell table of a district's 民生实事 page: a
//! two-row header with 资金（万元） over 区级 and 街道, 类别 cells spanning rows, 牵头单位
//! cells spanning rows, a 合计 row spanning two columns), checked with pdfplumber in the
//! PDF and python-docx in the DOCX.

mod common;

use common::{fresh_dir, root};
use std::path::Path;
use std::process::Command;

fn convert(record: &Path, out: &Path, template: &str) {
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(record)
        .args([
            "--template",
            template,
            "--formats",
            "pdf,docx",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .output()
        .unwrap();
    assert!(result.status.success(), "{result:?}");
}

/// In the PDF every spanned cell's text is printed once, inside the box its span makes: no
/// horizontal rule crosses a row-spanning cell between its top and bottom, no vertical rule
/// crosses a column-spanning cell; the rules around the spans are there.
#[test]
fn spanned_cells_print_once_inside_their_spans() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("tables", "pdf");
    let record = root().join("examples/merged-table.json");
    for template in ["bulletin", "gongwen", "leaflet"] {
        let out = dir.join(template);
        convert(&record, &out, template);
        let script = r#"
import sys, pdfplumber
pdf = pdfplumber.open(sys.argv[1])
page = pdf.pages[0]
words = page.extract_words()
def find(text):
    hits = [w for w in words if w["text"] == text]
    assert len(hits) == 1, (text, hits)
    return hits[0]
hrules = [(r["x0"], r["x1"], (r["top"] + r["bottom"]) / 2) for r in page.rects + page.lines if r["x1"] - r["x0"] > 2 and r["bottom"] - r["top"] < 2]
vrules = [((r["x0"] + r["x1"]) / 2, r["top"], r["bottom"]) for r in page.rects + page.lines if r["bottom"] - r["top"] > 2 and r["x1"] - r["x0"] < 2]
def rows_of(word):
    # the horizontal rules that pass through the word's column
    x = (word["x0"] + word["x1"]) / 2
    return sorted(y for x0, x1, y in hrules if x0 - 0.1 <= x <= x1 + 0.1)
def box(word):
    ys = rows_of(word)
    top = max(y for y in ys if y < word["top"])
    bottom = min(y for y in ys if y > word["bottom"])
    return top, bottom
row = {}
for t in ["新建幼儿园2所", "中小学食堂改造", "课后服务扩面", "社区食堂10个", "适老化改造300户"]:
    row[t] = box(find(t))
# 教育 spans the three rows of its projects, 养老 the two of its own.
top, bottom = box(find("教育"))
assert abs(top - row["新建幼儿园2所"][0]) < 1 and abs(bottom - row["课后服务扩面"][1]) < 1, (top, bottom, row)
top, bottom = box(find("养老"))
assert abs(top - row["社区食堂10个"][0]) < 1 and abs(bottom - row["适老化改造300户"][1]) < 1, (top, bottom)
# 区教育局 spans two rows; 区民政局 two.
top, bottom = box(find("区民政局"))
assert abs(top - row["社区食堂10个"][0]) < 1 and abs(bottom - row["适老化改造300户"][1]) < 1, (top, bottom)
# 类别 and 项目名称 span the two header rows: their box holds 区级's row too.
qu = find("区级")
top, bottom = box(find("类别"))
assert top < qu["top"] and bottom > qu["bottom"], (top, bottom, qu)
# 资金（万元） spans 区级 and 街道: no vertical rule through it, one between 区级 and 街道.
zj, jd = find("资金（万元）"), find("街道")
mid = (zj["top"] + zj["bottom"]) / 2
inside = [x for x, y1, y2 in vrules if zj["x0"] - 1 < x < zj["x1"] + 1 and y1 < mid < y2]
assert not inside, inside
between = [x for x, y1, y2 in vrules if qu["x1"] < x < jd["x0"] and y1 < (qu["top"] + qu["bottom"]) / 2 < y2]
assert between, "no rule between 区级 and 街道"
# A cell spanning rows is centred in them, as a browser centres table cells: its text sits
# as far from its box's middle as a one-line cell's from its row's.
def off_centre(t):
    w = find(t)
    top, bottom = box(w)
    return (w["top"] + w["bottom"]) / 2 - (top + bottom) / 2
# (The one-line cells compared hold no digit: a digit's box, in the Latin face, reaches lower.)
for spanning, one_line in [("教育", "中小学食堂改造"), ("养老", "中小学食堂改造"), ("区民政局", "中小学食堂改造"), ("类别", "区级")]:
    assert abs(off_centre(spanning) - off_centre(one_line)) < 0.5, (spanning, off_centre(spanning), off_centre(one_line))
# 合计 spans two columns: no vertical rule through its row between 类别's and 项目名称's columns.
hj = find("合计")
mid = (hj["top"] + hj["bottom"]) / 2
name = find("项目名称")
inside = [x for x, y1, y2 in vrules if hj["x1"] < x < name["x1"] and y1 < mid < y2]
assert not inside, inside
print("ok")
"#;
        let pdf = out.join("merged-table-2025-03.pdf");
        assert_eq!(common::python(script, &[&pdf]).trim(), "ok", "{template}");
    }
}

/// In the DOCX the spans are `w:gridSpan` and `w:vMerge` at the right cells (python-docx
/// reads a merged cell as one cell at every grid place it covers), and both header rows
/// repeat (`w:tblHeader`).
#[test]
fn docx_spans_are_grid_spans_and_vertical_merges() {
    if !common::runs("python3", &["-c", "import docx"]) {
        return;
    }
    let dir = fresh_dir("tables", "docx");
    convert(&root().join("examples/merged-table.json"), &dir, "bulletin");
    let script = r#"
import sys, docx, docx.text.paragraph
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
assert len(d.tables) == 1, len(d.tables)
t = d.tables[0]
assert len(t.rows) == 8 and len(t.columns) == 5, (len(t.rows), len(t.columns))
cell = lambda r, c: t.cell(r, c)
# 资金（万元） over two columns, the same cell at both places.
assert cell(0, 2)._tc is cell(0, 3)._tc and cell(0, 2).text == "资金（万元）"
assert cell(0, 2)._tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
# 类别 down two header rows, 教育 down three body rows, 区民政局 down two.
for (r, c, n, text) in [(0, 0, 2, "类别"), (2, 0, 3, "教育"), (5, 4, 2, "区民政局"), (2, 4, 2, "区教育局")]:
    first = cell(r, c)._tc
    assert first.vMerge == "restart", (r, c, first.vMerge)
    assert cell(r, c).text == text, (cell(r, c).text, text)
    for k in range(1, n):
        # python-docx resolves a continued vertical merge to the cell where it starts.
        assert cell(r + k, c)._tc is first, (r + k, c)
    below = r + n
    if below < len(t.rows):
        assert cell(below, c)._tc is not first, (below, c)
# 合计 over two columns.
assert cell(7, 0)._tc is cell(7, 1)._tc and cell(7, 0).text == "合计"
# Every cell centred vertically (no row is cut at a page end), as in the PDF.
for row in t.rows:
    for tc in row._tr.tc_lst:
        v = tc.tcPr.find(qn("w:vAlign"))
        assert v is not None and v.get(qn("w:val")) == "center", tc.xml
# Both header rows repeat; the body rows do not.
header = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in t.rows]
assert header == [True, True] + [False] * 6, header
# The caption is a paragraph right above the table.
body = d.element.body
tbl = t._tbl
previous = tbl.getprevious()
assert previous is not None and docx.text.paragraph.Paragraph(previous, None).text == "2025年度民生实事项目安排表"
print("ok")
"#;
    let docx = dir.join("merged-table-2025-03.docx");
    assert_eq!(common::python(script, &[&docx]).trim(), "ok");
}

/// Bad spans are refused with the table, row and cell named, and nothing is written.
#[test]
fn bad_spans_name_the_cell() {
    let dir = fresh_dir("tables", "bad");
    let cases = [
        (
            r#"[["甲", "乙"], [{"text": "丙", "rowspan": 3}, "丁"], ["戊"]]"#,
            "body[0].rows[1][0]`: rowspan 3 runs past the last row (row 2)",
        ),
        (
            r#"[["甲", "乙", "丙"], ["丁", {"text": "戊", "rowspan": 2}, "己"], [{"text": "庚", "colspan": 2}, "辛"]]"#,
            "body[0].rows[2][0]`: the cell overlaps body[0].rows[1][1]",
        ),
        (
            r#"[["甲", "乙"], [{"text": "丙", "colspan": 2}, "丁"]]"#,
            "body[0].rows[1]`: the row covers 3 columns",
        ),
        (
            r#"[["甲", "乙"], [{"text": "丙", "colspan": 0}, "丁"]]"#,
            "body[0].rows[1][0]`: colspan 0",
        ),
    ];
    for (i, (rows, want)) in cases.iter().enumerate() {
        let record = dir.join(format!("bad-{i}.json"));
        std::fs::write(
            &record,
            format!(r#"{{"title": "表", "body": [{{"type": "table", "rows": {rows}}}]}}"#),
        )
        .unwrap();
        let out = dir.join(format!("out-{i}"));
        let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .arg("convert")
            .arg(&record)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(!result.status.success(), "{i}: accepted");
        assert!(stderr.contains(want), "{i}: `{want}` not in {stderr}");
        let written = std::fs::read_dir(&out).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| !e.file_name().to_string_lossy().starts_with('.'))
            })
            .count()
        });
        assert_eq!(written, 0, "{i}: wrote output");
    }
}

/// Column widths as automatic table layout shares them out: short columns (序号, a name, a
/// scope) get what their text needs on one line, the long text column the most width, and no
/// line in any cell starts with a closing mark ("（三）" is never cut before "）").
#[test]
fn short_columns_stay_whole_and_long_text_takes_the_rest() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("tables", "widths");
    let mut rows = vec![serde_json::json!([
        "序号",
        "事项",
        "主要内容",
        "牵头单位",
        "推广范围"
    ])];
    for (i, item) in ["（一）", "（二）", "（三）", "（四）"].iter().enumerate() {
        rows.push(serde_json::json!([
            (i + 1).to_string(),
            item,
            "建立健全知识产权快速协同保护机制，推动知识产权纠纷多元化解，完善行政执法与司法保护衔接，提升保护效能。",
            "市场监管局、司法局、公安局",
            "全国"
        ]));
    }
    let record = dir.join("widths.json");
    std::fs::write(
        &record,
        serde_json::json!({"title": "表", "body": [{"type": "table", "rows": rows}]}).to_string(),
    )
    .unwrap();
    for template in ["bulletin", "gongwen", "leaflet"] {
        let out = dir.join(template);
        convert(&record, &out, template);
        let script = r#"
import sys, pdfplumber
page = pdfplumber.open(sys.argv[1]).pages[0]
xs = sorted({round((r["x0"] + r["x1"]) / 2, 1) for r in page.rects + page.lines if r["bottom"] - r["top"] > 5 and r["x1"] - r["x0"] < 2})
assert len(xs) == 6, xs
widths = [b - a for a, b in zip(xs, xs[1:])]
assert max(widths) == widths[2], widths
# Lines of each cell: characters grouped by column and baseline.
lines = {}
for c in page.chars:
    col = sum(1 for x in xs if x < c["x0"]) - 1
    lines.setdefault((col, -round(c["matrix"][5])), []).append(c)
texts = {k: "".join(ch["text"] for ch in sorted(v, key=lambda ch: ch["x0"])) for k, v in lines.items()}
for (col, _), t in texts.items():
    assert t[0] not in "。，、；：？！）》」』】〕", (col, t)
# The short columns hold their text on one line.
for want in ["（三）", "推广范围", "全国", "序号"]:
    assert want in texts.values(), (want, sorted(set(texts.values())))
print("ok")
"#;
        let pdf = out.join("widths.pdf");
        assert_eq!(common::python(script, &[&pdf]).trim(), "ok", "{template}");
    }
}

/// The tagged PDF (PDF/UA-1 and PDF/A-2a, checked by krilla's validators while writing)
/// states the spans: TH and TD structure elements carry RowSpan and ColSpan, read back with
/// pdfminer from the structure tree.
#[test]
fn tagged_pdf_cells_state_their_spans() {
    if !common::runs("python3", &["-c", "import pdfminer"]) {
        return;
    }
    let dir = fresh_dir("tables", "tagged");
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(root().join("examples/merged-table.json"))
        .args(["--formats", "pdf", "--tagged", "--pdfa", "--quiet", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(result.status.success(), "{result:?}");
    let script = r#"
import sys
from pdfminer.pdfparser import PDFParser
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import resolve1
doc = PDFDocument(PDFParser(open(sys.argv[1], 'rb')))
cells = []
def walk(node):
    node = resolve1(node)
    if not isinstance(node, dict):
        return
    kind = str(node.get('S', '')).strip("/'")
    if kind in ('TH', 'TD'):
        attrs = resolve1(node.get('A'))
        attrs = attrs if isinstance(attrs, list) else [attrs]
        spans = {}
        for a in attrs:
            a = resolve1(a)
            if isinstance(a, dict):
                for key in ('RowSpan', 'ColSpan'):
                    if key in a:
                        spans[key] = resolve1(a[key])
        cells.append((kind, spans.get('RowSpan', 1), spans.get('ColSpan', 1)))
    kids = resolve1(node.get('K'))
    for k in kids if isinstance(kids, list) else [kids]:
        walk(k)
walk(doc.catalog['StructTreeRoot'])
print(cells)
"#;
    let pdf = dir.join("merged-table-2025-03.pdf");
    let out = common::python(script, &[&pdf]);
    // Header: 类别 (2 rows), 项目名称 (2 rows), 资金（万元） (2 columns), 牵头单位 (2 rows),
    // then 区级, 街道; the body's first row: 教育 (3 rows), three cells, 区教育局 (2 rows).
    assert!(
        out.starts_with(
            "[('TH', 2, 1), ('TH', 2, 1), ('TH', 1, 2), ('TH', 2, 1), ('TH', 1, 1), ('TH', 1, 1), ('TD', 3, 1), ('TD', 1, 1), ('TD', 1, 1), ('TD', 1, 1), ('TD', 2, 1)"
        ),
        "{out}"
    );
    assert!(
        out.contains("('TD', 1, 2)"),
        "合计 spans two columns: {out}"
    );
}

/// The OFD carries the same table: easyofd reads every cell's text.
#[test]
fn ofd_reads_every_cell() {
    if !common::runs("python3", &["-c", "import easyofd"]) {
        return;
    }
    let dir = fresh_dir("tables", "ofd");
    let record = root().join("examples/merged-table.json");
    let result = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .arg(&record)
        .args(["--formats", "ofd", "--quiet", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(result.status.success(), "{result:?}");
    let out = Command::new("python3")
        .arg(root().join("tests/support/read_ofd.py"))
        .arg(dir.join("merged-table-2025-03.ofd"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text: String = answer["text"].to_string().split_whitespace().collect();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    for row in json["body"][1]["rows"].as_array().unwrap() {
        for cell in row.as_array().unwrap() {
            let t = cell
                .as_str()
                .or_else(|| cell["text"].as_str())
                .unwrap_or_default();
            assert!(text.contains(t), "{t} not read back from the OFD");
        }
    }
}

/// A cell spanning more rows than a page holds goes on under the repeated header on the
/// next page: its lines fall into the rows they reach, nothing of it or of the rows beside
/// it is lost, a rule closes the table at the first page's foot and the header rows open the
/// second page.
#[test]
fn a_span_longer_than_a_page_continues_under_the_repeated_header() {
    if !common::have("pdftotext") {
        return;
    }
    let dir = fresh_dir("tables", "long-span");
    let long: String = "各项要求落实到位。".repeat(30);
    let mut rows = vec![
        serde_json::json!(["类别", "项目"]),
        serde_json::json!([{"text": long, "rowspan": 45}, "项目1"]),
    ];
    for i in 2..=45 {
        rows.push(serde_json::json!([format!("项目{i}")]));
    }
    let record = dir.join("long-span.json");
    std::fs::write(
        &record,
        serde_json::json!({"title": "表", "body": [{"type": "table", "rows": rows}]}).to_string(),
    )
    .unwrap();
    convert(&record, &dir, "bulletin");
    let pdf = dir.join("long-span.pdf");
    let page = |n: usize| {
        let out = Command::new("pdftotext")
            .args(["-f", &n.to_string(), "-l", &n.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<String>()
    };
    let (first, second) = (page(1), page(2));
    assert!(
        second.contains("类别") && second.contains("项目"),
        "{second}"
    );
    let all = format!("{first}{second}{}", page(3));
    // Every 项目N once: the numbers after each "项目" (the header's own 项目 has none).
    let mut numbers: Vec<usize> = all
        .split("项目")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=45).collect::<Vec<_>>());
    assert_eq!(
        all.matches("落实到位").count(),
        30,
        "the spanning cell's text"
    );
    // Page 1 closes the cut span with a rule at its foot, across the whole table.
    if common::runs("python3", &["-c", "import pdfplumber"]) {
        let script = r#"
import sys, pdfplumber
page = pdfplumber.open(sys.argv[1]).pages[0]
rules = [r for r in page.rects + page.lines if r["bottom"] - r["top"] < 2 and r["x1"] - r["x0"] > 2]
table = [r for r in rules if r["top"] > 100]
left = min(r["x0"] for r in table)
right = max(r["x1"] for r in table)
lowest = max(r["top"] for r in table)
foot = [r for r in table if abs(r["top"] - lowest) < 0.5]
# The rules at the foot join up from the table's left edge to its right.
reach = left
for r in sorted(foot, key=lambda r: r["x0"]):
    if r["x0"] <= reach + 0.5:
        reach = max(reach, r["x1"])
assert reach >= right - 0.5, (reach, right, foot)
print("ok")
"#;
        assert_eq!(common::python(script, &[&pdf]).trim(), "ok");
    }
}
