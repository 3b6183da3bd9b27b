//! Property tests over arbitrary input, and the replay of the fuzz targets' seeds and past
//! findings (fuzz/seeds, fuzz/regressions): the same checks as `scripts/fuzz`, affordable in
//! every test run. The promises themselves live in `bulletin::invariants`.
//!
//! PROPTEST_CASES raises the number of cases and PROPTEST_RNG_SEED picks other ones (e.g.
//! `PROPTEST_CASES=2000 PROPTEST_RNG_SEED=7 cargo test --release --test properties`).

mod common;

use bulletin::fonts::FontBook;
use bulletin::invariants;
use bulletin::template::Template;
use bulletin::Formats;
use proptest::prelude::*;
use std::sync::LazyLock;

static FONTS: LazyLock<FontBook> =
    LazyLock::new(|| FontBook::load(&common::root().join("fonts")).expect("the bundled fonts"));

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    // A fixed seed keeps test runs repeatable; PROPTEST_RNG_SEED explores others.
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20251129);
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}

/// Pieces of text as notices have them, and what they should not but sometimes do.
const PIECES: &[&str] = &[
    "生态",
    "环境",
    "保护",
    "自治区",
    "草原",
    "治理",
    "會議",
    "臺灣",
    "𠀀",
    "㐀",
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
    "！",
    "？",
    "PM2.5",
    "5.2%",
    "2025年",
    "12,345.67",
    "Zoom",
    " ",
    "  ",
    "\t",
    "\n",
    "-",
    "#",
    ">",
    "|",
    "e\u{301}",
    "😀",
    "مرحبا",
    "\u{200B}",
    "\u{0}",
    "\u{7}",
    "\u{FEFF}",
    "ﬁ",
];

/// Arbitrary text leaning towards what notices contain: pieces, long Latin words, and any
/// character at all.
fn text() -> impl Strategy<Value = String> {
    text_from(PIECES, any::<char>())
}

/// [`text`] without right-to-left characters: bulletin sets no bidirectional text (it has no
/// font for those scripts and draws them as boxes, with a warning), and poppler reorders the
/// characters around them as if the PDF held visual order.
fn left_to_right_text() -> impl Strategy<Value = String> {
    let pieces: Vec<&'static str> = PIECES.iter().copied().filter(|p| !has_rtl(p)).collect();
    text_from(
        pieces.leak(),
        any::<char>().prop_filter("left to right", |c| !has_rtl(&c.to_string())),
    )
}

fn has_rtl(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}' | '\u{200F}' | '\u{202B}' | '\u{202E}' | '\u{2067}'))
}

fn text_from(
    pieces: &'static [&'static str],
    any_char: impl Strategy<Value = char> + 'static,
) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => proptest::sample::select(pieces).prop_map(str::to_owned),
        2 => "[a-zA-Z]{1,40}",
        1 => "[a-z]{200,1500}",
        1 => any_char.prop_map(String::from),
        1 => proptest::collection::vec(proptest::sample::select(&['中', '国', '文']), 100..2000)
            .prop_map(|v| v.into_iter().collect()),
    ];
    proptest::collection::vec(piece, 1..200).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(48))]

    /// Any text, in any built-in template: every glyph inside the text area, every character
    /// kept in order, and both everyday renderers accept the layout.
    #[test]
    fn layout_keeps_glyphs_inside_and_text_whole(template in 0u8..3, body in text()) {
        let mut data = vec![template];
        data.extend_from_slice(format!("标题 {}\n{body}", body.chars().take(30).collect::<String>()).as_bytes());
        invariants::lay_out_any_text(&data, &FONTS);
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes as a record file of each format: an error with a message or a record
    /// that keeps the model's invariants, never a panic.
    #[test]
    fn any_bytes_parse_or_fail_cleanly(format in 0u8..3, bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut data = vec![format];
        data.extend(bytes);
        invariants::parse_any_record(&data);
    }

    /// Records with arbitrary field values.
    #[test]
    fn any_field_values_parse_or_fail_cleanly(
        format in 0u8..3,
        title in ".{0,40}",
        id in ".{0,20}",
        url in prop_oneof!["https?://[a-z.]{0,20}/.{0,20}", ".{0,20}"],
        published in prop_oneof!["20[0-9]{2}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2})?", ".{0,20}"],
        paragraph in ".{0,100}",
        level in any::<i64>(),
    ) {
        let record = serde_json::json!({
            "id": id, "title": title, "url": url, "published": published,
            "body": [{"type": "paragraph", "text": paragraph}, {"type": "heading", "level": level, "text": title}],
        });
        let text = match format {
            0 => record.to_string(),
            1 => serde_norway_text(&record),
            _ => toml_text(&record),
        };
        let mut data = vec![format];
        data.extend_from_slice(text.as_bytes());
        invariants::parse_any_record(&data);
    }

    /// Text in the web form's body, pasted tables and their join marks among it.
    #[test]
    fn any_form_body_gives_blocks_or_a_message(
        pieces in proptest::collection::vec(proptest::sample::select(&[
            "\t", "\t", "\n", "\n", "\n\n", "\"", "\"\"", "<", "^", "表1 ", "甲", "乙。", "一、总体要求", "[图1]", "é", "\r\n", " ", "\u{3000}",
        ][..]), 0..80),
    ) {
        invariants::form_body(&pieces.concat());
    }

    /// Arbitrary bytes as a saved page or a text capture.
    #[test]
    fn any_page_imports_or_fails_cleanly(kind in 0u8..2, body in text(), noise in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut data = vec![kind];
        data.extend_from_slice(format!("<html><head><title>{body}</title></head><body><h1>{body}</h1><p>{body}</p>").as_bytes());
        data.extend(noise);
        invariants::import_any_page(&data);
    }
}

/// Values a template's author might write, sensible and not: plain numbers (points, or
/// factors such as line_height) and lengths with units.
const NUMBERS: &[&str] = &[
    "0", "-5", "0.001", "0.5", "1", "1.5", "3", "12", "72", "500", "5000", "1e30", "nan", "inf",
    "-inf",
];
const LENGTHS: &[&str] = &[
    "\"0mm\"",
    "\"-3mm\"",
    "\"2mm\"",
    "\"37mm\"",
    "\"300mm\"",
    "\"三号\"",
    "\"初号\"",
    "\"8号\"",
    "\"12pt\"",
];

/// A built-in template with some numbers replaced: it is refused with a message naming the
/// template, or lays out a short article within its own text area.
#[test]
fn changed_templates_load_and_lay_out_inside_their_area() {
    let names: Vec<&str> = Template::builtin_names().collect();
    let mut runner = proptest::test_runner::TestRunner::new(config(200));
    let (loaded, cases) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    let changes = proptest::collection::vec(
        (
            any::<proptest::sample::Index>(),
            any::<proptest::sample::Index>(),
        ),
        1..4,
    );
    let result = runner.run(&(0usize..names.len(), changes), |(which, changes)| {
        let source = Template::builtin_source(names[which]).expect("built-in");
        let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
        // Lines `key = number` and `key = "length"`.
        let numeric: Vec<(usize, bool)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let (_, v) = l.split_once('=')?;
                let v = v.trim();
                let quoted = v.starts_with('"');
                let inner = v.trim_matches('"');
                let number = inner.parse::<f32>().is_ok();
                let length =
                    inner.ends_with("mm") || inner.ends_with("pt") || inner.ends_with('号');
                (number && !quoted || quoted && length).then_some((i, quoted))
            })
            .collect();
        if numeric.is_empty() {
            return Ok(()); // a template that extends another and sets no numbers
        }
        let mut changed = Vec::new();
        for (at, value) in &changes {
            let (line, quoted) = numeric[at.index(numeric.len())];
            let choices: Vec<&str> = if quoted {
                NUMBERS.iter().chain(LENGTHS).copied().collect()
            } else {
                NUMBERS.to_vec()
            };
            let key = lines[line]
                .split_once('=')
                .map(|(k, _)| k.trim().to_owned())
                .unwrap_or_default();
            lines[line] = format!("{key} = {}", choices[value.index(choices.len())]);
            changed.push(format!("line {}: {}", line + 1, lines[line]));
        }
        let source = lines.join("\n");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            invariants::parse_any_template(source.as_bytes(), &FONTS)
        }));
        cases.set(cases.get() + 1);
        match outcome {
            Ok(true) => loaded.set(loaded.get() + 1),
            Ok(false) => {}
            Err(_) => prop_assert!(false, "{} with {:?}", names[which], changed),
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The cases must reach layout, not only the checks that refuse a template.
    let (loaded, cases) = (loaded.get(), cases.get());
    assert!(
        loaded * 5 >= cases,
        "only {loaded} of {cases} changed templates loaded"
    );
}

fn serde_norway_text(record: &serde_json::Value) -> String {
    // JSON is YAML; a flow mapping keeps the test free of a YAML writer.
    record.to_string()
}

fn toml_text(record: &serde_json::Value) -> String {
    let quote = |v: &serde_json::Value| v.to_string();
    let mut out = String::new();
    for key in ["id", "title", "url", "published"] {
        out += &format!("{key} = {}\n", quote(&record[key]));
    }
    for block in record["body"].as_array().into_iter().flatten() {
        out += "[[body]]\n";
        for (k, v) in block.as_object().into_iter().flatten() {
            out += &format!("{k} = {}\n", quote(v));
        }
    }
    out
}

/// Every seed and every past finding of the fuzz targets passes the target's checks.
#[test]
fn fuzz_seeds_and_regressions_replay() {
    let mut replayed = 0;
    for dir in ["seeds", "regressions"] {
        for (target, check) in [
            (
                "record_parsing",
                &(|d: &[u8]| invariants::parse_any_record(d)) as &dyn Fn(&[u8]),
            ),
            ("layout_text", &|d: &[u8]| {
                invariants::lay_out_any_text(d, &FONTS)
            }),
            ("template_parsing", &|d: &[u8]| {
                invariants::parse_any_template(d, &FONTS);
            }),
            ("page_import", &|d: &[u8]| invariants::import_any_page(d)),
            ("record_conversion", &|d: &[u8]| {
                invariants::convert_any_record(d, &FONTS)
            }),
        ] {
            let path = common::root().join("fuzz").join(dir).join(target);
            let Ok(entries) = std::fs::read_dir(&path) else {
                continue;
            };
            for entry in entries {
                let file = entry.unwrap().path();
                let data = std::fs::read(&file).unwrap();
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
                assert!(
                    outcome.is_ok(),
                    "{} fails its target's checks",
                    file.display()
                );
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 20, "only {replayed} inputs found to replay");
}

/// Random paragraphs through the real PDF writer and pdftotext: the extracted text is the
/// record's text, character for character (whitespace aside, where lines break).
#[test]
fn extracted_pdf_text_equals_the_input() {
    if !common::have("pdftotext") {
        return;
    }
    let dir = common::fresh_dir("properties", "extract");
    // Each case runs pdftotext: few cases, and a short search for a smaller failing one.
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        max_shrink_iters: 32,
        ..config(12)
    });
    let result = runner.run(
        &(
            0u8..Template::builtin_names().count() as u8,
            proptest::collection::vec(left_to_right_text(), 1..6),
        ),
        |(which, paragraphs)| {
            let body: Vec<serde_json::Value> = paragraphs
                .iter()
                .map(|t| serde_json::json!({"type": "paragraph", "text": t}))
                .collect();
            let record = serde_json::json!({"title": "抽取测试", "body": body}).to_string();
            let article = bulletin::record::parse_record_in(
                &record,
                bulletin::record::RecordFormat::Json,
                std::path::Path::new("extract.json"),
                "extract",
                bulletin::record::ImageBase::Confined(&dir),
            );
            let Ok(article) = article else {
                return Ok(()); // e.g. only control characters: no paragraph left
            };
            let names: Vec<&str> = Template::builtin_names().collect();
            let template = Template::load(names[which as usize]).unwrap();
            let formats = Formats::parse("pdf").unwrap();
            let outputs = bulletin::convert(&article, &template, &FONTS, formats).unwrap();
            let pdf = dir.join("extract.pdf");
            std::fs::write(&pdf, &outputs.files[0].1).unwrap();
            // Only the text area: running headers and footers would interrupt a paragraph
            // that crosses a page. In content order (-raw): poppler's reading-order guesses
            // split a line whose few characters are spread wide into columns.
            // A closing mark may hang one character past the right edge ("hang" templates).
            let page = &template.page;
            let hang = match template.typography.line_end_punctuation {
                bulletin::template::LineEndPunctuation::Hang => template.styles.body.size.pt() + 1.0,
                _ => 0.0,
            };
            let area = [
                page.margin_left.pt(),
                page.margin_top.pt(),
                page.text_width() + hang,
                template.text_height(),
            ]
            .map(|v| (v.floor() as i64).to_string());
            let out = std::process::Command::new("pdftotext")
                .args(["-raw", "-enc", "UTF-8", "-x", &area[0], "-y", &area[1], "-W", &area[2], "-H", &area[3]])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap();
            prop_assert!(out.status.success());
            // Characters no bundled font has are drawn as boxes (and named in a warning);
            // poppler reorders right-to-left ones. The rest must come back exactly.
            let missing = bulletin::layout::layout(&article, &template, &FONTS, None)
                .unwrap()
                .missing_chars;
            let bidi_mark = |c: &char| matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            // A soft hyphen is invisible unless a line breaks at it; poppler drops it.
            let keep = |c: &char| {
                !c.is_whitespace()
                    && !c.is_control()
                    && !missing.contains(c)
                    && !bidi_mark(c)
                    && *c != '\u{AD}'
            };
            let extracted: String = String::from_utf8_lossy(&out.stdout).chars().filter(keep).collect();
            let expected: Vec<String> = invariants::block_texts(&article, &template)
                .iter()
                .map(|t| t.chars().filter(keep).collect())
                .collect();
            if let Err(e) = invariants::find_in_order(&extracted, &expected) {
                // Kept for a look: the last failing case's record and PDF.
                let keep_as = std::env::temp_dir().join("bulletin-extract-failure");
                std::fs::copy(&pdf, keep_as.with_extension("pdf")).unwrap();
                std::fs::write(keep_as.with_extension("json"), &record).unwrap();
                prop_assert!(false, "not extracted in order (template {}): {}", names[which as usize], e);
            }
            Ok(())
        },
    );
    std::fs::remove_dir_all(&dir).unwrap();
    if let Err(e) = result {
        panic!("{e}");
    }
}
