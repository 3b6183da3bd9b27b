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
        // A table with rowspan and colspan (../shared/cases/merged-cells-page.html): its
        // spans and its two header rows, not paragraphs.
        ("merged-cells-page", "https://example.gov.cn/a.html"),
        // A page laid out with tables, its article inside a one-cell table and a row of an
        // image beside three paragraphs: the paragraphs stay paragraphs (not one run-on
        // paragraph of the whole table), the data table inside stays a table, its bold first
        // row its header.
        ("table-layout-page", "https://example.gov.cn/tzgg/a.html"),
        // The gov.cn policy library's shape (an invented document): the metadata table gives
        // the title, 发布日期 and 发文机关; the content's repeated two-line title is dropped;
        // the 发文字号, 主送机关, signature, date, 附件说明 and 附注 become the record's official
        // fields, and the attachment's table (merged cells) its own content.
        (
            "policy-library",
            "https://www.example.gov.cn/zhengce/content/202501/content_1.htm",
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

/// A page nested tens of thousands of elements deep (which would take the parser minutes, or
/// overflow a recursive walk) is refused at once with an error naming it; the process does
/// not crash, and `convert` still converts the good record given with it.
#[test]
fn pages_nested_too_deep_are_refused_quickly_and_the_rest_still_converts() {
    let dir = fresh_dir("import", "deep");
    // Just under the limit, half a million elements that the parser moves out of a table
    // (foster parenting): linear, not a depth's worth of work per element.
    let page = dir.join("fostered.html");
    let html = format!(
        "<html><body><h1>标题</h1>{}<table>{}</table><p>正文第一段，内容足够长，说明这次会议的主要情况。</p></body></html>",
        "<div>".repeat(990),
        "<br>".repeat(500_000)
    );
    std::fs::write(&page, html).unwrap();
    let start = std::time::Instant::now();
    let result = bulletin(&["import", page.to_str().unwrap()]);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        result.status.code().is_some(),
        "the process ended by itself"
    );
    for depth in [70_000usize, 200_000] {
        let page = dir.join(format!("deep-{depth}.html"));
        let html = format!(
            "<html><body><h1>标题</h1>{}<p>正文第一段，内容足够长，说明这次会议的主要情况。</p>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        std::fs::write(&page, html).unwrap();
        let start = std::time::Instant::now();
        let result = bulletin(&["import", page.to_str().unwrap()]);
        let took = start.elapsed();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{depth}: {stderr}");
        assert!(
            stderr.contains(&format!("deep-{depth}.html"))
                && stderr.contains("more than 1000 levels deep"),
            "{stderr}"
        );
        assert!(
            took < std::time::Duration::from_secs(10),
            "{depth}: {took:?}"
        );
    }
    // Deep but within the limit: imported.
    let page = dir.join("nested.html");
    std::fs::write(
        &page,
        format!(
            "<html><body><h1>标题</h1>{}<p>正文第一段，内容足够长，说明这次会议的主要情况。</p>{}</body></html>",
            "<div>".repeat(900),
            "</div>".repeat(900)
        ),
    )
    .unwrap();
    let (record, _) = import_to_json(&page, &[], &dir);
    assert_eq!(
        record["body"][0]["text"],
        "正文第一段，内容足够长，说明这次会议的主要情况。"
    );

    let good = dir.join("good.json");
    std::fs::write(&good, r#"{"title":"一则通知","body":"正文。"}"#).unwrap();
    let out = dir.join("out");
    let start = std::time::Instant::now();
    let result = bulletin(&[
        "convert",
        dir.join("deep-70000.html").to_str().unwrap(),
        good.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("deep-70000.html"), "{stderr}");
    assert!(out.join("good.pdf").is_file() && out.join("good.docx").is_file());
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let bom: [u8; 2] = if big_endian {
        [0xFE, 0xFF]
    } else {
        [0xFF, 0xFE]
    };
    bom.into_iter()
        .chain(text.encode_utf16().flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        }))
        .collect()
}

/// Pages and text captures saved as UTF-16 (with a byte order mark, as Windows tools write
/// them) or UTF-8 with a BOM are decoded by it, not called binary.
#[test]
fn pages_and_text_with_a_byte_order_mark_are_decoded_by_it() {
    let dir = fresh_dir("import", "bom");
    let page = "<html><head><meta charset=\"gbk\"></head><body><h1>统一编码的标题</h1><article><p>正文第一段，内容足够长，说明这次会议的主要情况和下一步安排。</p></article></body></html>";
    let text = "统一编码的标题\n发布时间：2025-03-12\n正文第一段，内容足够长，说明这次会议的主要情况和下一步安排。\n";
    let files: Vec<(String, Vec<u8>)> = vec![
        ("le.html".into(), utf16(page, false)),
        ("be.htm".into(), utf16(page, true)),
        ("le.txt".into(), utf16(text, false)),
        ("be.txt".into(), utf16(text, true)),
        (
            "utf8.txt".into(),
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
    ];
    for (name, bytes) in files {
        let file = dir.join(&name);
        std::fs::write(&file, bytes).unwrap();
        let (record, _) = import_to_json(&file, &[], &dir);
        assert_eq!(record["title"], "统一编码的标题", "{name}");
        assert_eq!(
            record["body"][0]["text"],
            "正文第一段，内容足够长，说明这次会议的主要情况和下一步安排。",
            "{name}"
        );
        if name.ends_with(".txt") {
            assert_eq!(record["published"], "2025-03-12", "{name}");
        }
    }
    // A BOM and nothing else is still an empty file; invalid UTF-16 is said to be.
    std::fs::write(dir.join("blank.txt"), utf16("  \n", false)).unwrap();
    std::fs::write(dir.join("broken.txt"), [0xFF, 0xFE, 0x00, 0xD8, b'a', 0]).unwrap();
    for (name, want) in [("blank.txt", "empty"), ("broken.txt", "UTF-16LE")] {
        let result = bulletin(&["import", dir.join(name).to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(want) && stderr.contains(name), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Images the page shows from outside its own directory (root-relative, absolute, `..`,
/// `file://`, through a link) are left out with a warning naming them, as remote ones are,
/// so converting the page does not fail; an image saved beside it is kept.
#[test]
fn images_outside_the_page_directory_are_left_out_with_a_warning() {
    let dir = fresh_dir("import", "image-paths");
    let png = std::fs::read(root().join("tests/fixtures/import/process.png")).unwrap();
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("page/img")).unwrap();
    std::fs::write(site.join("outside.png"), &png).unwrap();
    std::fs::write(site.join("page/img/ok.png"), &png).unwrap();
    std::fs::write(site.join("page/img/fake.png"), b"<html>not an image</html>").unwrap();
    let absolute = site.join("outside.png");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&absolute, site.join("page/img/link.png")).unwrap();
    let outside = [
        "/images/a.png".to_owned(),
        absolute.display().to_string(),
        "../outside.png".to_owned(),
        "img/../../outside.png".to_owned(),
        format!("file://{}", absolute.display()),
        "img/link.png".to_owned(),
        "img/fake.png".to_owned(),
    ];
    let images: String = outside
        .iter()
        .map(|src| format!("<p><img src=\"{src}\"></p>"))
        .collect();
    let page = site.join("page/article.html");
    std::fs::write(
        &page,
        format!(
            "<html><body><h1>带图片的文章</h1><article><p>正文第一段，内容足够长，说明这次会议的主要情况和下一步安排。</p>{images}<p><img src=\"./img/ok.png\" alt=\"示意图\"></p></article></body></html>"
        ),
    )
    .unwrap();
    let (record, stderr) = import_to_json(&page, &[], &dir);
    let kept: Vec<&serde_json::Value> = record["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "image")
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["path"], "img/ok.png");
    for src in &outside {
        if cfg!(unix) || src != "img/link.png" {
            assert!(
                stderr.contains(&format!("image {src} ")) && stderr.contains("left out"),
                "{src}: {stderr}"
            );
        }
    }

    let out = dir.join("out");
    let result = bulletin(&[
        "convert",
        page.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--formats",
        "docx",
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("/images/a.png"), "{stderr}");
    assert!(out.join("article.docx").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A FIFO named like a page is refused at once instead of waiting for a writer.
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = fresh_dir("import", "fifo");
    let fifo = dir.join("fifo.html");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["import", fifo.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(10) {
            child.kill().ok();
            child.wait().ok();
            panic!("bulletin import blocked on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("fifo.html") && stderr.contains("FIFO"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A published official document imported and printed as the 公文 it is: with `gongwen`, the
/// 发文字号 centred over the red rule, the addressees flush left, the date 4 characters in from
/// the right with the organ centred over it, the 附注 two characters in, and the attachment on a
/// page of its own ("附件" at the top left, its name on the third line); with the news template,
/// the same parts where the page showed them, so nothing the page said is lost.
#[test]
fn an_imported_official_document_prints_as_one() {
    if !common::runs("python3", &["-c", "import pdfplumber"]) {
        return;
    }
    let dir = fresh_dir("import", "policy-convert");
    let page = root().join("tests/fixtures/import/policy-library.html");
    for template in ["gongwen", "bulletin"] {
        let out = bulletin(&[
            "convert",
            page.to_str().unwrap(),
            "--template",
            template,
            "--formats",
            "pdf",
            "--out",
            dir.join(template).to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let geometry = |pdf: &Path| -> Vec<serde_json::Value> {
        let out = Command::new("python3")
            .arg(root().join("tests/support/page_geometry.py"))
            .arg(pdf)
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let find = |pages: &[serde_json::Value], text: &str| -> (usize, serde_json::Value) {
        pages
            .iter()
            .enumerate()
            .find_map(|(n, p)| {
                p["lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|l| {
                        let line = l["text"].as_str().unwrap();
                        // A line of its own ("示例省人民政府"), or one starting so.
                        line == text || (text.chars().count() > 8 && line.starts_with(text))
                    })
                    .map(|l| (n, l.clone()))
            })
            .unwrap_or_else(|| panic!("{text} not printed"))
    };
    let mm = |v: &serde_json::Value| v.as_f64().unwrap();
    let char_mm = 156.0 / 28.0;
    let official = geometry(&dir.join("gongwen/policy-library.pdf"));
    let (_, number) = find(&official, "示政发〔2025〕3号");
    assert!(
        ((mm(&number["x0"]) + mm(&number["x1"])) / 2.0 - 106.0).abs() < 0.5,
        "{number}"
    );
    let (_, recipients) = find(&official, "各市、县人民政府，省政府各部门");
    assert_eq!(mm(&recipients["x0"]), 28.0, "{recipients}");
    let (page, date) = find(&official, "2025年1月10日");
    assert!(
        (mm(&date["x1"]) - (184.0 - 4.0 * char_mm)).abs() < 0.3,
        "{date}"
    );
    let (_, organ) = find(&official, "示例省人民政府");
    let centre = |l: &serde_json::Value| (mm(&l["x0"]) + mm(&l["x1"])) / 2.0;
    // Centred over the date, or, longer than it, ending where it ends (7.3.5.1).
    assert!(
        (centre(&organ) - centre(&date)).abs() < 0.5
            || (mm(&organ["x1"]) - mm(&date["x1"])).abs() < 0.3,
        "{organ} over {date}"
    );
    // The 版记 at the foot of the last (even) page.
    let (imprint_page, cc) = find(&official, "抄送：省委办公厅，");
    assert_eq!((imprint_page + 1) % 2, 0, "{cc}");
    let (_, note) = find(&official, "（此件公开发布）");
    assert!(
        (mm(&note["x0"]) - (28.0 + 2.0 * char_mm)).abs() < 0.3,
        "{note}"
    );
    let (label_page, label) = find(&official, "附件");
    assert!(label_page > page, "the attachment on a page of its own");
    assert_eq!(mm(&label["x0"]), 28.0);
    let (_, name) = find(&official, "城市公园绿地建设任务分工表");
    let pitch = 225.0 / 22.0;
    let em_top = |l: &serde_json::Value| mm(&l["baseline"]) - 0.88 * mm(&l["size"]) * 25.4 / 72.0;
    assert!(
        // Em box tops: the label's 16 pt, the name's 22 pt.
        (em_top(&name) - em_top(&label) - 2.0 * pitch).abs() < 0.2,
        "third line: {name}"
    );
    // The news template: every part printed, the closing right-aligned.
    let news = geometry(&dir.join("bulletin/policy-library.pdf"));
    for part in [
        "示政发〔2025〕3号",
        "各市、县人民政府，省政府各部门",
        "示例省人民政府",
        "2025年1月10日",
        "（此件公开发布）",
        "城市公园绿地建设任务分工表",
        "抄送：省委办公厅，省人大常委会办公厅。",
        "示例省人民政府办公厅",
    ] {
        find(&news, part);
    }
    let (_, news_date) = find(&news, "2025年1月10日");
    let right = news[0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| mm(&l["x1"]))
        .fold(0.0, f64::max);
    assert!(
        (mm(&news_date["x1"]) - right).abs() < 1.0,
        "right-aligned: {news_date}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Soft line breaks and ideographic spaces the author typed: a list of names broken with
/// `<br>` stays one paragraph with its line breaks and its U+3000 alignment; lines of prose
/// broken with `<br>` become paragraphs; indents of U+3000 at a line's start go.
#[test]
fn name_lists_keep_their_breaks_and_ideographic_spaces() {
    let dir = fresh_dir("import", "br");
    let page = dir.join("names.html");
    std::fs::write(
        &page,
        "<html><head><title>名单</title></head><body><h1>工作领导小组名单</h1><div class=\"TRS_Editor\">\
         <p>　　为加强组织领导，经研究，成立工作领导小组，名单如下。</p>\
         <p>组　长：张　三<br>副组长：李　四<br>成　员：王五　赵六</p>\
         <p>第一段正文，较长的一句话，说明有关事项，写得比较长。<br>第二段正文，同样是一句较长的话，说明其他事项。</p>\
         </div></body></html>",
    )
    .unwrap();
    let (record, _) = import_to_json(&page, &[], &dir);
    let texts: Vec<&str> = record["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "为加强组织领导，经研究，成立工作领导小组，名单如下。",
            "组　长：张　三\n副组长：李　四\n成　员：王五　赵六",
            "第一段正文，较长的一句话，说明有关事项，写得比较长。",
            "第二段正文，同样是一句较长的话，说明其他事项。",
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Importing stays linear in the page's size: a generated 5 MB page of paragraphs and table
/// rows imports whole (the time is reported, not judged: performance is measured by the
/// benchmark; the bound only catches a runaway).
#[test]
fn a_five_megabyte_page_imports_whole() {
    let dir = fresh_dir("import", "big");
    let page = dir.join("big.html");
    let mut html = String::from("<html><head><meta name=\"ArticleTitle\" content=\"大页面\"></head><body><div class=\"TRS_Editor\">");
    let mut paragraphs = 0;
    while html.len() < 5_000_000 {
        // Pages exported from Word style every run: most of the bytes are markup.
        html.push_str("<p style=\"text-indent:2em;line-height:1.75;margin:0 0 12px 0\">");
        for _ in 0..3 {
            html.push_str("<span style=\"font-family:仿宋_GB2312,FangSong;font-size:16pt;color:#333333;letter-spacing:0\">全区生态环境系统深入推进污染防治攻坚，持续改善生态环境质量。</span>");
        }
        html.push_str("</p>");
        paragraphs += 1;
        if paragraphs % 50 == 0 {
            html.push_str("<table><tr><td>盟市</td><td>数量</td></tr><tr><td>呼和浩特市</td><td>12</td></tr></table>");
        }
    }
    html.push_str("</div></body></html>");
    std::fs::write(&page, &html).unwrap();
    let started = std::time::Instant::now();
    let (record, _) = import_to_json(&page, &[], &dir);
    let took = started.elapsed();
    eprintln!("5 MB page imported in {took:?}");
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
    let blocks = record["body"].as_array().unwrap().len();
    assert_eq!(
        blocks,
        paragraphs + paragraphs / 50,
        "every paragraph and table"
    );
    // A page of more blocks than a record may have is refused at import, naming the field,
    // rather than written as a record that convert would refuse.
    let many = dir.join("many.html");
    let mut html = String::from("<html><head><meta name=\"ArticleTitle\" content=\"大页面\"></head><body><div class=\"TRS_Editor\">");
    for _ in 0..12_000 {
        html.push_str("<p>短段落。</p>");
    }
    html.push_str("</div></body></html>");
    std::fs::write(&many, &html).unwrap();
    let out = dir.join("many.json");
    let r = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args([
            "import",
            many.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("field `body`") && stderr.contains("at most 10000"),
        "{stderr}"
    );
    assert!(!out.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A policy page whose content does not print its 发文字号 still gives it, from the metadata
/// table; the addressee line alone marks the document's top.
#[test]
fn the_metadata_table_gives_a_number_the_content_leaves_out() {
    let dir = fresh_dir("import", "number-from-table");
    let page = std::fs::read_to_string(root().join("tests/fixtures/import/policy-library.html"))
        .unwrap()
        .replace(
            "<p style=\"text-align: center;\"><span style=\"font-family: 楷体;\">示政发〔2025〕3号</span></p>",
            "",
        );
    assert!(!page.contains("楷体"));
    let path = dir.join("page.html");
    std::fs::write(&path, page).unwrap();
    let (record, _) = import_to_json(&path, &[], &dir);
    assert_eq!(record["doc_number"], "示政发〔2025〕3号", "{record}");
    assert_eq!(record["signature"]["date"], "2025-01-10", "{record}");
    std::fs::remove_dir_all(&dir).unwrap();
}
