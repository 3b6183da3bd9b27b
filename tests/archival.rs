//! Archival PDF: `--pdfa` writes PDF/A-2b that krilla's validator accepts, keeping text, fonts
//! and QR; every PDF carries an outline with one entry per heading.

mod common;

use common::{fresh_dir, root};
use std::process::Command;

fn convert(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn pdfa_2b_validates_and_keeps_text_fonts_and_qr() {
    let dir = fresh_dir("archival", "pdfa");
    let records: Vec<String> = common::example_records()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut args: Vec<&str> = records.iter().map(String::as_str).collect();
    args.extend([
        "--out",
        dir.to_str().unwrap(),
        "--pdfa",
        "--formats",
        "pdf,qr",
    ]);
    let result = convert(&args);
    // krilla's validator runs on every file: a violation would fail the conversion.
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let pdf = dir.join("nmg-sthjt-2025-02-18.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    let xmp = String::from_utf8_lossy(&bytes);
    assert!(
        xmp.contains("<pdfaid:part>2</pdfaid:part>")
            && xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>")
    );
    let fonts = Command::new("pdffonts").arg(&pdf).output();
    if common::checker("pdffonts", fonts.as_ref().is_ok_and(|o| o.status.success())) {
        let fonts = String::from_utf8_lossy(&fonts.unwrap().stdout).into_owned();
        for row in fonts.lines().skip(2) {
            assert!(row.contains("yes yes yes"), "{row}");
        }
    }
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output();
    if common::checker("pdftotext", text.as_ref().is_ok_and(|o| o.status.success())) {
        let text: String = String::from_utf8_lossy(&text.unwrap().stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(text.contains("2025年全区生态环境保护暨全面从严治党工作会议召开"));
        assert!(text.contains("范明师在总结会议时指出"));
    }
    let page = dir.join("qr-page");
    let rendered = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "3", "-l", "3"])
        .arg(&pdf)
        .arg(&page)
        .output();
    if common::checker(
        "pdftoppm",
        rendered.as_ref().is_ok_and(|o| o.status.success()),
    ) {
        let png = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("qr-page")
            })
            .unwrap();
        let decoded = Command::new("zbarimg")
            .args(["-q", "--raw"])
            .arg(&png)
            .output();
        if common::checker(
            "zbarimg",
            decoded.as_ref().is_ok_and(|o| o.status.success()),
        ) {
            let url = String::from_utf8_lossy(&decoded.unwrap().stdout)
                .trim()
                .to_owned();
            assert_eq!(
                url,
                "https://sthjt.nmg.gov.cn/sthjdt/tpxw/202502/t20250218_2668470.html"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn outline_has_one_entry_per_heading_in_order_and_level() {
    let dir = fresh_dir("archival", "outline");
    let record = root().join("examples/notice-blocks.yaml");
    let result = convert(&[
        record.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--formats",
        "pdf",
    ]);
    assert!(result.status.success());
    let script = "import sys\nfrom pdfminer.pdfparser import PDFParser\nfrom pdfminer.pdfdocument import PDFDocument\n\
                  doc = PDFDocument(PDFParser(open(sys.argv[1], 'rb')))\n\
                  for level, title, *_ in doc.get_outlines(): print(level, title)";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.join("notice-2025-grassland.pdf"))
        .output();
    if common::checker(
        "pdfminer (pdfplumber)",
        out.as_ref().is_ok_and(|o| o.status.success()),
    ) {
        let listed = String::from_utf8_lossy(&out.unwrap().stdout).into_owned();
        let expected =
            "1 一、活动主题\n1 二、主要内容\n2 （一）集中宣传\n2 （二）典型示范\n3 1. 时间安排\n";
        assert_eq!(listed, expected);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tagged_pdf_has_a_structure_tree_and_meets_pdf_a_2a_and_ua_1() {
    let dir = fresh_dir("archival", "tagged");
    let record = root().join("examples/notice-blocks.yaml");
    // krilla's PDF/A-2a and PDF/UA-1 validators run; a violation would fail the conversion.
    let result = convert(&[
        record.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--formats",
        "pdf",
        "--tagged",
        "--pdfa",
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let pdf = dir.join("notice-2025-grassland.pdf");
    let xmp = String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).into_owned();
    assert!(xmp.contains("<pdfaid:conformance>A</pdfaid:conformance>"));
    let script = r#"
import sys
from pdfminer.pdfparser import PDFParser
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import resolve1
doc = PDFDocument(PDFParser(open(sys.argv[1], 'rb')))
def walk(node, depth):
    node = resolve1(node)
    if not isinstance(node, dict):
        return
    if 'S' in node:
        alt = node.get('Alt')
        if isinstance(alt, bytes):
            alt = alt.decode('utf-16') if alt.startswith(b'\xfe\xff') else alt.decode('latin-1')
        print('  ' * depth + str(node['S']).strip("/'") + (' alt=' + str(alt) if alt else ''))
    kids = resolve1(node.get('K'))
    for k in kids if isinstance(kids, list) else [kids]:
        walk(k, depth + 1)
walk(doc.catalog['StructTreeRoot'], -1)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&pdf)
        .output();
    if common::checker(
        "pdfminer (pdfplumber)",
        out.as_ref().is_ok_and(|o| o.status.success()),
    ) {
        let tree = String::from_utf8_lossy(&out.unwrap().stdout).into_owned();
        for want in [
            "Title",
            "H1",
            "H2",
            "H3",
            "L\n",
            "LI",
            "Lbl",
            "LBody",
            "Table",
            "TR",
            "TH",
            "TD",
            "Caption",
            "BlockQuote",
        ] {
            assert!(
                tree.contains(want),
                "no {want:?} in the structure tree:\n{tree}"
            );
        }
        assert!(tree.contains("Figure alt=图1 宣传月活动流程示意"), "{tree}");
        assert!(
            tree.contains(
                "Figure alt=https://sthjt.example.gov.cn/tzgg/202503/t20250303_0001.html"
            ),
            "{tree}"
        );
        assert!(
            tree.contains("Link"),
            "the QR's link annotation is not in the tree:\n{tree}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
