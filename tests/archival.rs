//! Archival PDF: `--pdfa` writes PDF/A-2b that krilla's validator accepts, keeping text, fonts
//! and QR; every PDF carries an outline with one entry per heading.

mod common;

use common::{font_config_without_chinese, fresh_dir, root};
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
    let records: Vec<String> = common::examples_for("bulletin")
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

/// The fonts embedded in a DOCX: (w:font name, embed kind, de-obfuscated font bytes).
fn embedded_fonts(docx: &std::path::Path) -> Vec<(String, String, Vec<u8>)> {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut out = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
        out
    };
    let table = String::from_utf8(read("word/fontTable.xml")).unwrap();
    let rels = String::from_utf8(read("word/_rels/fontTable.xml.rels")).unwrap();
    let attr = |xml: &str, name: &str| -> String {
        let start = xml.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        xml[start..start + xml[start..].find('"').unwrap()].to_owned()
    };
    let mut fonts = Vec::new();
    for font in table.split("<w:font ").skip(1) {
        let name = attr(font, "w:name");
        for embed in font.split("<w:embed").skip(1) {
            let kind = embed[..embed.find(' ').unwrap()].to_owned();
            let (id, key) = (attr(embed, "r:id"), attr(embed, "w:fontKey"));
            let rel = &rels[rels.find(&format!("Id=\"{id}\"")).unwrap()..];
            let mut data = read(&format!("word/{}", attr(rel, "Target")));
            // ECMA-376 17.8.1: XOR the first 32 bytes with the GUID's bytes read right to left.
            let hex: Vec<u8> = key
                .chars()
                .filter_map(|c| c.to_digit(16))
                .map(|d| d as u8)
                .collect();
            for (i, byte) in data.iter_mut().take(32).enumerate() {
                let pair = 15 - i % 16;
                *byte ^= hex[2 * pair] << 4 | hex[2 * pair + 1];
            }
            fonts.push((name.clone(), kind, data));
        }
    }
    fonts
}

#[test]
fn docx_with_embedded_fonts_renders_in_the_bundled_faces_without_them_installed() {
    let dir = fresh_dir("archival", "embed-fonts");
    let sample = root().join("examples/nmg-sthjt-2025-02-18.json");
    let notice = root().join("examples/notice-blocks.yaml");
    let embedded = dir.join("embedded");
    let plain = dir.join("plain");
    for (out, extra) in [(&embedded, vec!["--embed-fonts"]), (&plain, vec![])] {
        let mut args = vec![
            sample.to_str().unwrap(),
            notice.to_str().unwrap(),
            "--formats",
            "docx",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let result = convert(&args);
        assert!(result.status.success(), "{result:?}");
    }
    let docx = embedded.join("nmg-sthjt-2025-02-18.docx");
    let fonts = embedded_fonts(&docx);
    let kinds: Vec<(&str, &str)> = fonts
        .iter()
        // Subsets are named per content ("FandolSong-7ad61ac9"): the family is before the dash.
        .map(|(n, k, _)| {
            (
                n.rsplit_once('-').map_or(n.as_str(), |(family, _)| family),
                k.as_str(),
            )
        })
        .collect();
    // Body and header in FandolSong, the bold title in FandolHei Bold: nothing else.
    assert_eq!(
        kinds,
        [("FandolHei", "Bold"), ("FandolSong", "Regular")],
        "{kinds:?}"
    );
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sample).unwrap()).unwrap();
    let title = record["title"].as_str().unwrap();
    for (name, kind, data) in &fonts {
        let face = rustybuzz::ttf_parser::Face::parse(data, 0).expect("a valid font");
        assert!(
            face.tables().glyf.is_some(),
            "{name} {kind}: TrueType outlines"
        );
        if kind == "Bold" {
            for c in title.chars() {
                assert!(
                    face.glyph_index(c).is_some(),
                    "{c} missing from {name} {kind}"
                );
            }
        } else {
            // Subset: the body's characters, far fewer than the full font's 7000+.
            assert!(
                face.number_of_glyphs() < 1500,
                "{}",
                face.number_of_glyphs()
            );
            for block in record["body"].as_array().unwrap() {
                for c in block["text"].as_str().unwrap().chars() {
                    assert!(face.glyph_index(c).is_some(), "{c} missing from {name}");
                }
            }
        }
    }
    let size = |p: &std::path::Path| std::fs::metadata(p).unwrap().len();
    assert!(size(&docx) < 400_000, "{} bytes", size(&docx));
    let xml = |part: &str| {
        use std::io::Read as _;
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).unwrap();
        let mut s = String::new();
        zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert!(xml("word/settings.xml").contains("<w:embedTrueTypeFonts/><w:saveSubsetFonts/>"));
    assert!(xml("[Content_Types].xml")
        .contains("application/vnd.openxmlformats-officedocument.obfuscatedFont"));
    assert!(
        !xml("word/styles.xml").contains("宋体"),
        "styles name the embedded faces"
    );
    // Same record, same bytes.
    let again = dir.join("again");
    let result = convert(&[
        sample.to_str().unwrap(),
        "--formats",
        "docx",
        "--embed-fonts",
        "--quiet",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(result.status.success());
    assert_eq!(
        std::fs::read(&docx).unwrap(),
        std::fs::read(again.join("nmg-sthjt-2025-02-18.docx")).unwrap()
    );

    // LibreOffice with a font configuration that has no Chinese font at all.
    let soffice = Command::new("soffice").arg("--version").output();
    if !common::checker("soffice", soffice.is_ok_and(|o| o.status.success())) {
        return;
    }
    let conf = font_config_without_chinese(&dir).expect("a font without Chinese for LibreOffice");
    let render = |docx: &std::path::Path, name: &str| -> (String, String) {
        let out = dir.join(format!("lo-{name}"));
        let status = Command::new("soffice")
            .env("FONTCONFIG_FILE", &conf)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.join(format!("profile-{name}")).display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&out)
            .arg(docx)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        let pdf = out.join(docx.with_extension("pdf").file_name().unwrap());
        let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&fonts.stdout).into_owned(),
            String::from_utf8_lossy(&text.stdout).into_owned(),
        )
    };
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    // An official document sets its mark and title in Song Bold and its header in Song
    // Regular: both faces of one family must be told apart.
    let official = dir.join("official");
    let result = convert(&[
        root()
            .join("examples/official-notice.json")
            .to_str()
            .unwrap(),
        "--template",
        "gongwen",
        "--formats",
        "docx",
        "--embed-fonts",
        "--quiet",
        "--out",
        official.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{result:?}");
    for (docx, name) in [
        (docx.clone(), "sample"),
        (embedded.join("notice-2025-grassland.docx"), "notice"),
        (official.join("official-notice-2025-12.docx"), "official"),
    ] {
        let (fonts, text) = render(&docx, name);
        assert!(fonts.contains("FandolSong-Regular"), "{name}: {fonts}");
        let faces: Vec<&str> = fonts
            .lines()
            .skip(2)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert!(
            faces.iter().all(|f| f.contains("Fandol")),
            "{name}: every face is an embedded one: {faces:?}"
        );
        if name == "sample" {
            assert!(fonts.contains("FandolHei-Bold"), "title face: {fonts}");
            assert!(squeeze(&text).contains(&squeeze(title)), "{text}");
        }
        if name == "official" {
            for face in ["FandolSong-Bold", "FandolSong-Regular", "FandolFang"] {
                assert!(fonts.contains(face), "{face} not used: {fonts}");
            }
        }
    }
    // Without embedding the same configuration has no Fandol face: the check above can fail.
    let (fonts, _) = render(&plain.join("nmg-sthjt-2025-02-18.docx"), "plain");
    assert!(!fonts.contains("Fandol"), "{fonts}");

    // Rare characters Fandol lacks (CJK extensions A and C, 堃) come from the fallback face,
    // embedded too, as in the PDF: no boxes on a machine without it.
    let rare = dir.join("rare.json");
    std::fs::write(
        &rare,
        r#"{"title":"生僻字","body":[{"type":"paragraph","text":"生僻字㐀䶮𬌗和堃。"}]}"#,
    )
    .unwrap();
    let result = convert(&[
        rare.to_str().unwrap(),
        "--formats",
        "docx",
        "--embed-fonts",
        "--quiet",
        "--out",
        dir.join("rare").to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{result:?}");
    let (fonts, text) = render(&dir.join("rare/rare.docx"), "rare");
    assert!(
        fonts.contains("NotoSerifCJK") && fonts.contains("FandolSong"),
        "{fonts}"
    );
    assert!(squeeze(&text).contains("生僻字㐀䶮𬌗和堃。"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn ofd_reads_back_in_an_independent_reader_with_the_records_text() {
    use std::io::Read as _;
    let dir = fresh_dir("archival", "ofd");
    let sample = root().join("examples/nmg-sthjt-2025-02-18.json");
    let notice = root().join("examples/notice-blocks.yaml");
    let out = dir.join("out");
    let result = convert(&[
        sample.to_str().unwrap(),
        notice.to_str().unwrap(),
        "--formats",
        "pdf,ofd",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{result:?}");
    let ofd = out.join("nmg-sthjt-2025-02-18.ofd");
    let bytes = std::fs::read(&ofd).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("{name} missing"))
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let root_xml = part("OFD.xml");
    assert!(root_xml.contains("xmlns:ofd=\"http://www.ofdspec.org/2016\""));
    assert!(root_xml.contains("<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"));
    let document = part("Doc_0/Document.xml");
    assert!(
        document.contains("<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"),
        "A4 in mm"
    );
    assert_eq!(document.matches("<ofd:Page ID=").count(), 3);
    let fonts = part("Doc_0/PublicRes.xml");
    assert!(fonts.contains("FamilyName=\"FandolSong\"") && fonts.contains("<ofd:FontFile>"));
    let page = part("Doc_0/Pages/Page_0/Content.xml");
    assert!(page.contains("<ofd:TextObject") && page.contains("DeltaX=\""));
    // Every embedded font is a TrueType file the reader can load.
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    for name in names.iter().filter(|n| n.ends_with(".ttf")) {
        let mut data = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut data).unwrap();
        let face = rustybuzz::ttf_parser::Face::parse(&data, 0).expect("a valid font");
        assert!(
            face.tables().glyf.is_some() && face.tables().cmap.is_some(),
            "{name}"
        );
    }
    // Same record, same bytes.
    let again = dir.join("again");
    assert!(convert(&[
        sample.to_str().unwrap(),
        "--formats",
        "ofd",
        "--quiet",
        "--out",
        again.to_str().unwrap()
    ])
    .status
    .success());
    assert_eq!(
        bytes,
        std::fs::read(again.join("nmg-sthjt-2025-02-18.ofd")).unwrap()
    );

    let reader = Command::new("python3")
        .args(["-c", "import easyofd"])
        .output();
    if !common::checker("easyofd", reader.is_ok_and(|o| o.status.success())) {
        return;
    }
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let read = |ofd: &std::path::Path, render: &std::path::Path| -> serde_json::Value {
        let output = Command::new("python3")
            .arg(root().join("tests/support/read_ofd.py"))
            .arg(ofd)
            .arg("--render")
            .arg(render)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sample).unwrap()).unwrap();
    let rendered = dir.join("rendered");
    let answer = read(&ofd, &rendered);
    assert_eq!(answer["pages"], 3, "as many pages as the PDF");
    let body: String = answer["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| squeeze(p.as_str().unwrap()))
        .collect();
    assert!(body.contains(&squeeze(record["title"].as_str().unwrap())));
    let mut from = 0;
    for block in record["body"].as_array().unwrap() {
        let want = squeeze(block["text"].as_str().unwrap());
        let at = body[from..]
            .find(&want)
            .unwrap_or_else(|| panic!("paragraph not read back in order: {want}"));
        from += at + want.len();
    }
    let all = squeeze(&answer["text"].to_string());
    assert!(all.contains("第1页共3页"), "page footers are there too");
    // The reader's rendering of the last page: the QR code decodes to the url.
    if common::checker(
        "zbarimg",
        Command::new("zbarimg").arg("--version").output().is_ok(),
    ) {
        let decoded = Command::new("zbarimg")
            .args(["-q", "--raw"])
            .arg(rendered.join("page-3.png"))
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&decoded.stdout).trim(),
            record["url"].as_str().unwrap()
        );
    }
    // Tables, lists and images: the notice's cells and captions read back too.
    let answer = read(&out.join("notice-2025-grassland.ofd"), &dir.join("notice"));
    let notice_text = squeeze(&answer["text"].to_string());
    for want in [
        "3月11日—4月20日",
        "图1宣传月活动流程示意",
        "宣传月活动安排表.xlsx",
    ] {
        assert!(notice_text.contains(want), "notice lacks {want}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn attachment_names_are_links_to_their_addresses() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("archival", "links");
    let notice = root().join("examples/notice-blocks.yaml");
    for (name, extra) in [("plain", vec![]), ("tagged", vec!["--pdfa", "--tagged"])] {
        let out = dir.join(name);
        let mut args = vec![
            notice.to_str().unwrap(),
            "--formats",
            "pdf",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let result = convert(&args);
        assert!(result.status.success(), "{result:?}");
        // Each link with the text under its rectangle, as pdfplumber reads them.
        let script = "import json, sys, pdfplumber\n\
            pdf = pdfplumber.open(sys.argv[1])\n\
            print(json.dumps([[h['uri'], (p.crop((h['x0'], h['top'], h['x1'], h['bottom'])).extract_text() or '').replace(' ', '')] for p in pdf.pages for h in p.hyperlinks], ensure_ascii=False))";
        let links = Command::new("python3")
            .args(["-c", script])
            .arg(out.join("notice-2025-grassland.pdf"))
            .output()
            .unwrap();
        assert!(links.status.success(), "{links:?}");
        let links: Vec<(String, String)> = serde_json::from_slice(&links.stdout).unwrap();
        let xlsx = "https://sthjt.example.gov.cn/tzgg/202503/P020250303_01.xlsx";
        assert!(
            links
                .iter()
                .any(|(u, text)| u == xlsx && text == "宣传月活动安排表.xlsx"),
            "{name}: {links:?}"
        );
        // The attachment without an address is no link; the QR code is one.
        assert_eq!(links.len(), 2, "{name}: {links:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A record dated only by its signature states that date in every output, and PDF/A accepts it.
#[test]
fn an_official_document_without_publication_date_is_dated_by_its_signature() {
    let dir = fresh_dir("archival", "signature-date");
    let record = dir.join("signed.json");
    std::fs::write(
        &record,
        r#"{"title":"关于开展春季草原防火检查的通知","signature":{"name":"内蒙古自治区生态环境厅","date":"2025-03-03"},"body":[{"type":"paragraph","text":"请各盟市按要求开展检查。"}]}"#,
    )
    .unwrap();
    let everyday = dir.join("everyday");
    let archival = dir.join("archival");
    for (out, extra) in [(&everyday, "--formats=pdf,docx,ofd"), (&archival, "--pdfa")] {
        let result = convert(&[
            record.to_str().unwrap(),
            extra,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(result.status.success(), "{result:?}");
    }
    let part = |file: &std::path::Path, name: &str| {
        use std::io::Read as _;
        let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert!(part(&everyday.join("signed.docx"), "docProps/core.xml").contains(">2025-03-03"));
    assert!(part(&everyday.join("signed.ofd"), "OFD.xml")
        .contains("<ofd:CreationDate>2025-03-03</ofd:CreationDate>"));
    if common::have("pdfinfo") {
        for pdf in [everyday.join("signed.pdf"), archival.join("signed.pdf")] {
            let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
            let info = String::from_utf8_lossy(&info.stdout);
            let created = info
                .lines()
                .find(|l| l.starts_with("CreationDate:"))
                .unwrap_or_default();
            assert!(created.contains("2025"), "{}: {info}", pdf.display());
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The words `pdftotext -bbox` finds: page number, text, and xMin, yMin, xMax, yMax.
fn word_boxes(pdf: &std::path::Path) -> Vec<(usize, String, [f64; 4])> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..start + line[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let mut page = 0;
    let mut words = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page += 1;
        } else if line.starts_with("<word ") {
            let text = &line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()];
            let bbox = ["xMin", "yMin", "xMax", "yMax"].map(|name| attr(line, name));
            words.push((page, text.to_owned(), bbox));
        }
    }
    words
}

/// The PDFs krilla writes (PDF/A, tagged) put every word where the everyday PDF does, as poppler
/// (Linux viewers' selection and search, `pdftotext`) reads them: each run's ActualText span
/// ends inside its text object, not after krilla's `Q` where the page's flip and font are gone.
#[test]
fn archival_and_tagged_pdfs_place_words_where_the_everyday_pdf_does() {
    if !common::have("pdftotext") {
        return;
    }
    let dir = fresh_dir("archival", "word-boxes");
    let cases = [
        (
            "examples/nmg-sthjt-2025-02-18.json",
            "bulletin",
            "nmg-sthjt-2025-02-18.pdf",
        ),
        (
            "examples/official-notice.json",
            "gongwen",
            "official-notice-2025-12.pdf",
        ),
    ];
    for (record, template, pdf) in cases {
        let record = root().join(record);
        let ways: [(&str, &[&str]); 3] = [
            ("everyday", &[]),
            ("pdfa", &["--pdfa"]),
            ("tagged", &["--tagged"]),
        ];
        let mut outputs = Vec::new();
        for (way, extra) in ways {
            let out = dir.join(template).join(way);
            let mut args = vec![
                record.to_str().unwrap(),
                "--template",
                template,
                "--formats",
                "pdf",
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ];
            args.extend(extra);
            let result = convert(&args);
            assert!(result.status.success(), "{way}: {result:?}");
            let pdf = out.join(pdf);
            let layout = Command::new("pdftotext")
                .arg("-layout")
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap();
            assert!(layout.status.success(), "{layout:?}");
            outputs.push((
                way,
                word_boxes(&pdf),
                String::from_utf8_lossy(&layout.stdout).into_owned(),
            ));
        }
        let (_, words, layout) = &outputs[0];
        assert!(words.len() > 20, "{pdf}: {words:?}");
        for (way, other_words, other_layout) in &outputs[1..] {
            assert_eq!(
                words.len(),
                other_words.len(),
                "{template} {pdf} {way}: word count"
            );
            for (want, got) in words.iter().zip(other_words) {
                assert!(
                    want.0 == got.0
                        && want.1 == got.1
                        && want.2.iter().zip(got.2).all(|(a, b)| (a - b).abs() <= 0.5),
                    "{template} {pdf} {way}: {got:?} where the everyday PDF has {want:?}"
                );
            }
            assert_eq!(layout, other_layout, "{template} {pdf} {way}: -layout text");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
