//! DOCX fidelity (issue 16), end to end on the real binary: dates in China time in every
//! format, line breaks, tabs and control characters in runs, links that are URIs, the
//! fallback face only outside GBK, every named face declared, the East Asian hint only in
//! Chinese articles, embedded subsets that stay apart when LibreOffice opens two documents in
//! one process, and LibreOffice's page count of every example and of a long table article
//! against the PDF's.

mod common;

use common::{font_config_without_chinese, fresh_dir, root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn convert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .arg("convert")
        .args(args)
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// One part of a DOCX, as text.
fn part(docx: &Path, name: &str) -> String {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut out = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{}: {name}: {e}", docx.display()))
        .read_to_string(&mut out)
        .unwrap();
    out
}

/// The title a DOCX states in its core properties (for check_docx.py's expectations).
fn core_title(docx: &Path) -> String {
    let core = part(docx, "docProps/core.xml");
    let start = core.find("<dc:title>").unwrap() + "<dc:title>".len();
    let end = core.find("</dc:title>").unwrap();
    core[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Runs tests/support/check_docx.py (python-docx and lxml) on a DOCX.
fn check_docx(docx: &Path, paragraphs: &[&str], work: &Path) {
    let expected = work.join(format!(
        "{}.expected.json",
        docx.file_stem().unwrap().to_str().unwrap()
    ));
    let json = serde_json::json!({"paragraphs": paragraphs, "title": core_title(docx)});
    std::fs::write(&expected, json.to_string()).unwrap();
    let out = Command::new("python3")
        .arg(root().join("tests/support/check_docx.py"))
        .arg(docx)
        .arg(&expected)
        .output()
        .unwrap();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "ok",
        "{}: {}{}",
        docx.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn python_docx() -> bool {
    common::runs("python3", &["-c", "import docx, lxml"])
}

/// `pdfinfo ARGS FILE` in the C locale and the given time zone.
fn pdfinfo(pdf: &Path, args: &[&str], tz: &str) -> String {
    let out = Command::new("pdfinfo")
        .args(args)
        .arg(pdf)
        .env("LC_ALL", "C")
        .env("TZ", tz)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn info_line<'a>(info: &'a str, key: &str) -> &'a str {
    info.lines()
        .find(|l| l.starts_with(&format!("{key}:")))
        .map_or("", |l| l[key.len() + 1..].trim())
}

#[test]
fn dates_state_china_time_in_every_format() {
    let dir = fresh_dir("docx-fidelity", "dates");
    let sample = root().join("examples/nmg-sthjt-2025-02-18.json");
    let (everyday, archival) = (dir.join("everyday"), dir.join("archival"));
    let result = convert(&[
        s(&sample),
        "--formats",
        "pdf,docx",
        "--quiet",
        "--out",
        s(&everyday),
    ]);
    assert!(result.status.success(), "{result:?}");
    let result = convert(&[
        s(&sample),
        "--formats",
        "pdf",
        "--pdfa",
        "--quiet",
        "--out",
        s(&archival),
    ]);
    assert!(result.status.success(), "{result:?}");

    // "published": "2025-02-18 18:03" is Beijing time.
    let core = part(
        &everyday.join("nmg-sthjt-2025-02-18.docx"),
        "docProps/core.xml",
    );
    for element in ["dcterms:created", "dcterms:modified"] {
        assert!(
            core.contains(&format!(
                "<{element} xsi:type=\"dcterms:W3CDTF\">2025-02-18T18:03:00+08:00</{element}>"
            )),
            "{core}"
        );
    }
    if !common::have("pdfinfo") {
        return;
    }
    for pdf in [
        everyday.join("nmg-sthjt-2025-02-18.pdf"),
        archival.join("nmg-sthjt-2025-02-18.pdf"),
    ] {
        // -isodates prints the date as the file states it, offset included.
        let iso = pdfinfo(&pdf, &["-isodates"], "UTC");
        for key in ["CreationDate", "ModDate"] {
            assert_eq!(
                info_line(&iso, key),
                "2025-02-18T18:03:00+08",
                "{}: {iso}",
                pdf.display()
            );
        }
        // In the reader's own zone: the same instant, 10:03 UTC.
        let utc = pdfinfo(&pdf, &[], "UTC");
        assert_eq!(
            info_line(&utc, "CreationDate"),
            "Tue Feb 18 10:03:00 2025 UTC",
            "{utc}"
        );
    }
    let xmp = pdfinfo(
        &archival.join("nmg-sthjt-2025-02-18.pdf"),
        &["-meta"],
        "UTC",
    );
    for element in ["xmp:CreateDate", "xmp:ModifyDate"] {
        assert!(
            xmp.contains(&format!("<{element}>2025-02-18T18:03:00+08:00</{element}>")),
            "{xmp}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn runs_keep_line_breaks_and_tabs_and_links_are_uris() {
    let dir = fresh_dir("docx-fidelity", "runs");
    let record = dir.join("controls.json");
    // U+000B is Word's manual line break in pasted text; U+0001 and U+0007 are forbidden in
    // XML 1.0; U+0085 is a C1 control.
    std::fs::write(
        &record,
        r#"{"title":"控制字符","url":"https://example.gov.cn/a/{x}|y^z`w?q=中文#frag",
            "attachments":[{"name":"附件一","url":"https://example.gov.cn/files/a{1}|^`%zz.pdf"}],
            "body":[{"type":"paragraph","text":"第一行\u000b第二行\t制表\u0001控制\u0007结束\r\n新行\u0085下一"}]}"#,
    )
    .unwrap();
    let result = convert(&[s(&record), "--formats", "docx", "--quiet", "--out", s(&dir)]);
    assert!(result.status.success(), "{result:?}");
    let docx = dir.join("controls.docx");
    let document = part(&docx, "word/document.xml");
    assert!(
        document.contains(
            "<w:t xml:space=\"preserve\">第一行</w:t><w:br/><w:t xml:space=\"preserve\">第二行</w:t><w:tab/><w:t xml:space=\"preserve\">制表控制结束</w:t><w:br/><w:t xml:space=\"preserve\">新行下一</w:t>"
        ),
        "{document}"
    );
    for (name, xml) in [
        ("document", &document),
        ("rels", &part(&docx, "word/_rels/document.xml.rels")),
    ] {
        let bad: Vec<char> = xml
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:?}");
    }
    let rels = part(&docx, "word/_rels/document.xml.rels");
    assert!(
        rels.contains("Target=\"https://example.gov.cn/files/a%7B1%7D%7C%5E%60%25zz.pdf\""),
        "{rels}"
    );
    if python_docx() {
        check_docx(&docx, &[], &dir);
        // python-docx reads w:br as a line feed and w:tab as a tab.
        let out = Command::new("python3")
            .args([
                "-c",
                "import docx,sys,json; d=docx.Document(sys.argv[1]); print(json.dumps([p.text for p in d.paragraphs]))",
            ])
            .arg(&docx)
            .output()
            .unwrap();
        let texts: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            texts.contains(&"第一行\n第二行\t制表控制结束\n新行下一".to_owned()),
            "{texts:?}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn office_faces_keep_gbk_characters_and_the_hint_follows_the_language() {
    let dir = fresh_dir("docx-fidelity", "faces");
    let record = dir.join("rare.json");
    std::fs::write(
        &record,
        r#"{"title":"生僻字","body":[{"type":"paragraph","text":"张喆和李堃，电话☎，还有㐀𬌗。"}]}"#,
    )
    .unwrap();
    let english = root().join("examples/english-notice.json");
    let sample = root().join("examples/nmg-sthjt-2025-02-18.json");
    let result = convert(&[
        s(&record),
        s(&english),
        s(&sample),
        "--formats",
        "docx",
        "--quiet",
        "--out",
        s(&dir),
    ]);
    assert!(result.status.success(), "{result:?}");
    let document = part(&dir.join("rare.docx"), "word/document.xml");
    let runs: Vec<&str> = document.split("<w:r>").skip(1).collect();
    let in_fallback = |c: char| {
        runs.iter()
            .any(|r| r.contains("w:eastAsia=\"Noto Serif CJK SC\"") && r.contains(c))
    };
    // 喆 and 堃 are in GBK (SimSun has them, Fandol does not): the paragraph's face.
    assert!(!in_fallback('喆') && !in_fallback('堃'), "{document}");
    // 㐀 (Extension A) and 𬌗 (Extension C) are outside GBK: the fallback face.
    assert!(in_fallback('㐀') && in_fallback('𬌗'), "{document}");
    let fonts = part(&dir.join("rare.docx"), "word/fontTable.xml");
    assert!(
        fonts.contains("<w:font w:name=\"Noto Serif CJK SC\">"),
        "{fonts}"
    );

    // The East Asian hint sets ’ “ ” — in the CJK face: only in Chinese articles.
    let english_styles = part(&dir.join("en-notice-2025.docx"), "word/styles.xml");
    assert!(!english_styles.contains("w:hint"), "{english_styles}");
    let chinese_styles = part(&dir.join("nmg-sthjt-2025-02-18.docx"), "word/styles.xml");
    assert!(chinese_styles.contains("w:hint=\"eastAsia\""));
    if python_docx() {
        check_docx(
            &dir.join("rare.docx"),
            &["张喆和李堃，电话☎，还有㐀𬌗。"],
            &dir,
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_example_passes_the_docx_checks_in_every_template() {
    if !python_docx() {
        return;
    }
    let dir = fresh_dir("docx-fidelity", "checks");
    for (template, embed) in [
        ("bulletin", false),
        ("gongwen", false),
        ("leaflet", false),
        ("xinhan", false),
        ("mingling", false),
        ("jiyao", false),
        ("bulletin", true),
    ] {
        let records = common::examples_for(template);
        let out = dir.join(format!("{template}-{embed}"));
        let mut args: Vec<&str> = records.iter().map(|r| s(r)).collect();
        args.extend(["--template", template, "--formats", "docx", "--quiet"]);
        args.extend(["--out", s(&out)]);
        if embed {
            args.push("--embed-fonts");
        }
        let result = convert(&args);
        assert!(result.status.success(), "{template}: {result:?}");
        for docx in files_with_extension(&out, "docx") {
            check_docx(&docx, &[], &dir);
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(ext))
        .collect();
    files.sort();
    files
}

/// Converts `docs` to PDF into `out` with ONE LibreOffice process (its own profile in
/// `profile`), bounded to five minutes; `fontconfig` replaces the system's fonts.
fn soffice_to_pdf(docs: &[PathBuf], out: &Path, profile: &Path, fontconfig: Option<&Path>) {
    let mut cmd = Command::new("timeout");
    cmd.args(["300", "soffice"]);
    if let Some(conf) = fontconfig {
        cmd.env("FONTCONFIG_FILE", conf);
    }
    let result = cmd
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .args(docs)
        .output()
        .unwrap();
    assert!(result.status.success(), "soffice: {result:?}");
    for doc in docs {
        let pdf = out.join(doc.with_extension("pdf").file_name().unwrap());
        assert!(
            pdf.exists(),
            "LibreOffice made no {}: {result:?}",
            pdf.display()
        );
    }
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

/// Text without the running header (`issuer`) and the footers ("第 N 页 共 M 页"), squeezed.
fn without_furniture(text: &str, issuer: &str) -> String {
    let chars: Vec<char> = squeeze(text).replace(issuer, "").chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match footer_length(&chars[i..]) {
            Some(n) => i += n,
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// The length of a footer "第N页共M页" at the start of `c`.
fn footer_length(c: &[char]) -> Option<usize> {
    let mut i = 0;
    for part in ["第", "#", "页共", "#", "页"] {
        if part == "#" {
            let n = c[i..].iter().take_while(|d| d.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            i += n;
        } else {
            for want in part.chars() {
                if c.get(i) != Some(&want) {
                    return None;
                }
                i += 1;
            }
        }
    }
    Some(i)
}

/// The 8-bit grey picture of a PDF's first page at 40 dpi (pdftoppm -gray: a PGM).
fn first_page_picture(pdf: &Path) -> Vec<u8> {
    let out = Command::new("pdftoppm")
        .args(["-r", "40", "-gray", "-f", "1", "-l", "1"])
        .arg(pdf)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

#[test]
fn embedded_subsets_of_two_documents_stay_apart_in_one_libreoffice() {
    let dir = fresh_dir("docx-fidelity", "two-subsets");
    let records = [
        root().join("examples/nmg-sthjt-2025-02-18.json"),
        // The official example's text in the news template, which has no place for its 版头.
        common::headless("official-notice.json", &dir).0,
    ];
    let out = dir.join("out");
    let result = convert(&[
        s(&records[0]),
        s(&records[1]),
        "--formats",
        "docx",
        "--embed-fonts",
        "--quiet",
        "--out",
        s(&out),
    ]);
    assert!(result.status.success(), "{result:?}");
    let docs = [
        out.join("nmg-sthjt-2025-02-18.docx"),
        out.join("official-notice-2025-12.docx"),
    ];
    // Each embedded family is named after its subsets, consistently in every part.
    let embedded = |docx: &Path| -> Vec<String> {
        let table = part(docx, "word/fontTable.xml");
        table
            .split("<w:font w:name=\"")
            .skip(1)
            .filter(|f| f.contains("<w:embed"))
            .map(|f| {
                assert!(f.contains("w:subsetted=\"1\""), "{f}");
                f[..f.find('"').unwrap()].to_owned()
            })
            .collect()
    };
    let (first, second) = (embedded(&docs[0]), embedded(&docs[1]));
    assert!(
        first.iter().any(|n| n.starts_with("FandolSong-")),
        "{first:?}"
    );
    assert!(
        first.iter().all(|n| !second.contains(n)),
        "{first:?} {second:?}"
    );
    for (docx, names) in [(&docs[0], &first), (&docs[1], &second)] {
        let styles = part(docx, "word/styles.xml");
        for name in names {
            assert!(styles.contains(&format!("w:eastAsia=\"{name}\"")), "{name}");
        }
        assert!(!styles.contains("宋体"), "styles name the embedded faces");
    }

    for tool in ["soffice", "pdftotext", "pdffonts", "pdftoppm", "fc-list"] {
        if !common::have(tool) {
            return;
        }
    }
    let conf = font_config_without_chinese(&dir).expect("a font without Chinese for LibreOffice");
    // Both documents in ONE LibreOffice process, as a user opening both would; then each alone.
    let together = dir.join("together");
    soffice_to_pdf(&docs, &together, &dir.join("profile-together"), Some(&conf));
    for (i, docx) in docs.iter().enumerate() {
        let alone = dir.join(format!("alone-{i}"));
        soffice_to_pdf(
            std::slice::from_ref(docx),
            &alone,
            &dir.join(format!("profile-alone-{i}")),
            Some(&conf),
        );
        let name = docx.with_extension("pdf");
        let name = name.file_name().unwrap();
        let (pdf, reference) = (together.join(name), alone.join(name));
        // Every face is an embedded Fandol subset, and each document's text is its own.
        let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        let faces: Vec<Vec<&str>> = fonts
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert!(!faces.is_empty(), "{fonts}");
        for face in &faces {
            assert!(
                face[0].contains("Fandol") && face.contains(&"yes"),
                "{}: {fonts}",
                pdf.display()
            );
        }
        let record: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&records[i]).unwrap()).unwrap();
        let issuer = record["issuer"]
            .as_str()
            .unwrap_or("内蒙古自治区生态环境厅");
        let text = without_furniture(&pdftotext(&pdf), issuer);
        assert!(
            text.contains(&without_furniture(
                record["title"].as_str().unwrap(),
                issuer
            )),
            "{text}"
        );
        for block in record["body"].as_array().unwrap() {
            let want = without_furniture(block["text"].as_str().unwrap(), issuer);
            assert!(text.contains(&want), "{}: missing {want}", pdf.display());
        }
        // Text extraction goes by the characters meant, not the glyphs drawn: a document drawn
        // with the other document's subset (boxes) extracts the same text. So the page must
        // also look as it does when the document is opened alone.
        assert!(
            first_page_picture(&pdf) == first_page_picture(&reference),
            "{}: drawn differently with another document open",
            pdf.display()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The page count `pdfinfo` reports.
fn pages(pdf: &Path) -> Option<usize> {
    let out = Command::new("pdfinfo").arg(pdf).output().ok()?;
    info_line(&String::from_utf8_lossy(&out.stdout), "Pages")
        .parse()
        .ok()
}

/// A long table article: an introduction, a heading, a 60-row table of measures (five
/// columns, cells of one to four lines) and a closing paragraph.
fn long_table_record(dir: &Path) -> PathBuf {
    let categories = ["知识产权", "市场准入", "政务服务", "要素保障", "法治环境"];
    let measures = [
        "加强知识产权保护，完善快速维权机制，推动建立健全知识产权纠纷多元化解决机制",
        "推行证照分离改革，压减审批事项和办理时限，实行告知承诺制",
        "推进一网通办、跨省通办，企业开办全程网上办理，一日办结",
        "保障用地、用能、用水需求，降低企业融资成本和物流成本",
    ];
    let units = [
        "市市场监管局、市司法局",
        "市发展改革委",
        "市政务服务局、市大数据中心",
        "市自然资源局、市财政局、人民银行市中心支行",
    ];
    let mut rows = vec![serde_json::json!([
        "序号",
        "类别",
        "主要措施",
        "责任单位",
        "完成时限"
    ])];
    for i in 1..=60 {
        rows.push(serde_json::json!([
            i.to_string(),
            categories[i % 5],
            measures[i % 4],
            units[i % 4],
            format!("2025年{}月底前", i % 12 + 1)
        ]));
    }
    let record = dir.join("long-table.json");
    std::fs::write(
        &record,
        serde_json::json!({
            "id": "long-table",
            "title": "关于印发2025年全市优化营商环境重点任务分工方案的通知",
            "published": "2025-03-03",
            "source": "市政府办公室",
            "body": [
                {"type": "paragraph", "text": "为持续优化营商环境，现将2025年重点任务分工如下，请各单位认真抓好落实。"},
                {"type": "heading", "level": 1, "text": "一、重点任务分工"},
                {"type": "table", "rows": rows},
                {"type": "paragraph", "text": "各责任单位要按照时限要求完成任务，并于每季度末将进展情况报送市优化营商环境工作领导小组办公室。"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    record
}

/// One line of the page-count table: record, template, bulletin's pages, LibreOffice's pages
/// with the installed fonts and with the fonts embedded and no Chinese font installed.
type PageRow = (
    String,
    &'static str,
    Option<usize>,
    Option<usize>,
    Option<usize>,
);

/// Every example in every template, and a long table article, rendered by LibreOffice from
/// the DOCX (with the installed fonts, and with the fonts embedded and no Chinese font
/// installed): as many pages as bulletin's PDF. (Body paragraphs flow in the DOCX, so that
/// they stay editable, and LibreOffice breaks their lines by its own rules; titles and table
/// cells are broken where the PDF breaks them.)
///
/// The long table article is left out in the official templates: they set no space between
/// Chinese and Latin letters or digits (characters stay on the 28-per-line grid) and say so
/// in the DOCX (`w:autoSpaceDE`/`w:autoSpaceDN` off, which Word and WPS honour), but
/// LibreOffice's DOCX import ignores both properties and adds its own space, so "年7月" no
/// longer fits a narrow column there and rows grow by a line.
#[test]
fn libreoffice_paginates_every_example_as_the_pdf_does() {
    for tool in ["soffice", "pdfinfo", "pdftotext", "fc-list"] {
        if !common::have(tool) {
            return;
        }
    }
    let dir = fresh_dir("docx-fidelity", "pages");
    let long_table = long_table_record(&dir);
    let conf = font_config_without_chinese(&dir).expect("a font without Chinese for LibreOffice");
    let mut rows: Vec<PageRow> = Vec::new();
    for template in [
        "bulletin", "gongwen", "leaflet", "xinhan", "mingling", "jiyao",
    ] {
        let mut records = common::examples_for(template);
        if ["bulletin", "leaflet"].contains(&template) {
            records.push(long_table.clone());
        }
        let mut per_variant: Vec<Vec<PathBuf>> = Vec::new();
        for embed in [false, true] {
            let out = dir.join(format!("{template}-{embed}"));
            let mut args: Vec<&str> = records.iter().map(|r| s(r)).collect();
            args.extend(["--template", template, "--formats", "pdf,docx", "--quiet"]);
            args.extend(["--out", s(&out)]);
            if embed {
                args.push("--embed-fonts");
            }
            let result = convert(&args);
            assert!(result.status.success(), "{template}: {result:?}");
            let docs = files_with_extension(&out, "docx");
            // One LibreOffice process per template and variant.
            soffice_to_pdf(
                &docs,
                &out.join("lo"),
                &dir.join(format!("profile-{template}-{embed}")),
                embed.then_some(conf.as_path()),
            );
            per_variant.push(docs);
        }
        for (plain, embedded) in per_variant[0].iter().zip(&per_variant[1]) {
            let pdf = |docx: &Path| docx.with_extension("pdf");
            let lo = |docx: &Path| {
                docx.parent()
                    .unwrap()
                    .join("lo")
                    .join(pdf(docx).file_name().unwrap())
            };
            rows.push((
                plain.file_stem().unwrap().to_string_lossy().into_owned(),
                template,
                pages(&pdf(plain)),
                pages(&lo(plain)),
                pages(&lo(embedded)),
            ));
        }
    }
    let show = |n: Option<usize>| n.map_or("?".to_owned(), |n| n.to_string());
    println!(
        "{:<32} {:<9} {:>8} {:>13} {:>13}",
        "record", "template", "bulletin", "LO installed", "LO embedded"
    );
    let mut differ = Vec::new();
    for (record, template, ours, installed, embedded) in &rows {
        let mark = if ours == installed && ours == embedded {
            ""
        } else {
            differ.push(format!("{record} ({template})"));
            "  <- differs"
        };
        println!(
            "{record:<32} {template:<9} {:>8} {:>13} {:>13}{mark}",
            show(*ours),
            show(*installed),
            show(*embedded)
        );
    }
    assert!(rows.len() >= 23, "{rows:?}");
    assert!(differ.is_empty(), "page counts differ: {differ:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A name list aligned with ideographic spaces and line breaks keeps its alignment in
/// LibreOffice as in the PDF: the hand indent replaces the first-line indent
/// (`w:firstLine="0"`), and lines ending in a line break are not spread
/// (`w:doNotExpandShiftReturn`).
#[test]
fn ideographic_alignment_survives_in_libreoffice() {
    if !common::have("soffice") || !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("docx-fidelity", "aligned");
    let record = common::root().join("tests/fixtures/cases/aligned-names.json");
    let result = convert(&[
        s(&record),
        "--formats",
        "pdf,docx",
        "--quiet",
        "--out",
        s(&dir),
    ]);
    assert!(result.status.success(), "{result:?}");
    let lo = dir.join("lo");
    soffice_to_pdf(
        &[dir.join("aligned-names.docx")],
        &lo,
        &dir.join("profile"),
        None,
    );
    let script = r#"
import sys, pdfplumber
for path in sys.argv[1:]:
    page = pdfplumber.open(path).pages[0]
    first = {}
    for c in sorted(page.chars, key=lambda c: (-round(c["matrix"][5], 1), c["x0"])):
        if not c["text"].isspace():
            first.setdefault(-round(c["matrix"][5], 1), c)
    # The name list's lines, their first character's x and the x of the character after
    # the ideographic spaces (局 or 副 of the title).
    xs = [round(c["x0"]) for c in first.values() if c["text"] in "组副张"]
    print(" ".join(map(str, xs)))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.join("aligned-names.pdf"))
        .arg(lo.join("aligned-names.pdf"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<i64>> = text
        .lines()
        .map(|l| l.split_whitespace().map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    // Same starts in the PDF and in LibreOffice (within a point), 组 and 副 aligned.
    assert_eq!(rows[0].len(), 3, "{text}");
    for (pdf, lo) in rows[0].iter().zip(&rows[1]) {
        assert!(
            (pdf - lo).abs() <= 1,
            "PDF {:?} vs LibreOffice {:?}",
            rows[0],
            rows[1]
        );
    }
    assert_eq!(rows[0][0], rows[0][1], "{text}");
    let settings = part(&dir.join("aligned-names.docx"), "word/settings.xml");
    assert!(settings.contains("<w:doNotExpandShiftReturn/>"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// No page holds the QR code alone: articles built to end just above the page's foot (each a
/// few characters longer than the last) carry their last lines over with the QR code, in the
/// PDF and in LibreOffice's rendering of the DOCX (`w:keepNext`).
#[test]
fn no_page_holds_the_qr_code_alone() {
    if !common::have("pdftotext") {
        return;
    }
    let dir = fresh_dir("docx-fidelity", "qr-alone");
    let para = "各地要结合实际，认真组织开展草原保护宣传活动，广泛动员社会各界积极参与，营造全社会关心支持草原保护的良好氛围。";
    let mut records = Vec::new();
    for extra in (0..40).step_by(6) {
        let mut body: Vec<serde_json::Value> = (0..8)
            .map(|_| serde_json::json!({"type": "paragraph", "text": para.repeat(2)}))
            .collect();
        let tail: String = para.chars().take(10 + extra).collect();
        body.push(serde_json::json!({"type": "paragraph", "text": tail}));
        let record = serde_json::json!({
            "id": format!("qr-{extra}"), "title": "关于开展草原保护宣传活动的通知",
            "published": "2025-03-01", "source": "某厅",
            "url": format!("https://www.example.gov.cn/a/qr-{extra}.html"), "body": body,
        });
        let path = dir.join(format!("qr-{extra}.json"));
        std::fs::write(&path, record.to_string()).unwrap();
        records.push(path);
    }
    let out = dir.join("out");
    let mut args: Vec<&str> = records.iter().map(|r| s(r)).collect();
    args.extend(["--formats", "pdf,docx", "--quiet", "--out", s(&out)]);
    assert!(convert(&args).status.success());
    // The last page's text besides the QR caption and the footer.
    let last_page_text = |pdf: &Path| -> (usize, String) {
        let info = pdfinfo(pdf, &[], "UTC");
        let pages: usize = info_line(&info, "Pages").parse().unwrap();
        let text = Command::new("pdftotext")
            .args(["-f", &pages.to_string(), "-l", &pages.to_string()])
            .arg(pdf)
            .arg("-")
            .output()
            .unwrap();
        let text: String = String::from_utf8_lossy(&text.stdout)
            .lines()
            .filter(|l| !l.contains("扫一扫") && !l.contains("页") && !l.contains("某厅"))
            .collect();
        (pages, squeeze(&text))
    };
    let mut second_page = 0;
    for record in &records {
        let stem = record.file_stem().unwrap().to_str().unwrap();
        let (pages, text) = last_page_text(&out.join(format!("{stem}.pdf")));
        assert!(
            !text.is_empty(),
            "{stem}: the PDF's last page holds only the QR code"
        );
        second_page += usize::from(pages > 1);
    }
    assert!(
        second_page >= 4,
        "the articles do not reach a second page: {second_page}"
    );
    if common::have("soffice") {
        let docs = files_with_extension(&out, "docx");
        let lo = dir.join("lo");
        soffice_to_pdf(&docs, &lo, &dir.join("profile"), None);
        for doc in &docs {
            let stem = doc.file_stem().unwrap().to_str().unwrap();
            let (_, text) = last_page_text(&lo.join(format!("{stem}.pdf")));
            assert!(
                !text.is_empty(),
                "{stem}: LibreOffice's last page holds only the QR code"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A template may leave its header off the first page (`on_first_page = false`), as it may its
/// footer: the PDF's first page has no header line and its second has; the DOCX gives the
/// first page an empty header (`w:titlePg`), and LibreOffice renders the same.
#[test]
fn a_header_left_off_the_first_page_is_left_off_in_the_docx_too() {
    let dir = fresh_dir("docx-fidelity", "first-header");
    let template = dir.join("first.toml");
    std::fs::write(
        &template,
        "extends = \"bulletin\"\nname = \"first\"\n[header]\non_first_page = false\n",
    )
    .unwrap();
    let record = root().join("examples/nmg-sthjt-2025-02-18.json");
    let result = convert(&[
        s(&record),
        "--template",
        s(&template),
        "--formats",
        "pdf,docx",
        "--quiet",
        "--out",
        s(&dir),
    ]);
    assert!(result.status.success(), "{result:?}");
    let id = "nmg-sthjt-2025-02-18";
    let header = "内蒙古自治区生态环境厅";
    let first_lines = |pdf: &Path| -> Vec<String> {
        let out = Command::new("pdftotext")
            .args(["-layout"])
            .arg(pdf)
            .arg("-")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .split('\u{c}')
            .map(|p| {
                p.lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .trim()
                    .to_owned()
            })
            .collect()
    };
    if common::have("pdftotext") {
        let pages = first_lines(&dir.join(format!("{id}.pdf")));
        assert!(pages[0] != header && pages[1] == header, "{pages:?}");
    }
    let file = std::fs::File::open(dir.join(format!("{id}.docx"))).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut document = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").unwrap(),
        &mut document,
    )
    .unwrap();
    assert!(
        document.contains("<w:headerReference w:type=\"first\" r:id=\"rId9\"/>")
            && document.contains("<w:titlePg/>"),
        "{document}"
    );
    assert!(zip.by_name("word/header2.xml").is_ok());
    if common::have("soffice") && common::have("pdftotext") {
        let lo = dir.join("lo");
        soffice_to_pdf(
            &[dir.join(format!("{id}.docx"))],
            &lo,
            &dir.join("profile"),
            None,
        );
        let pages = first_lines(&lo.join(format!("{id}.pdf")));
        assert!(
            pages[0] != header && pages[1] == header,
            "LibreOffice: {pages:?}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
