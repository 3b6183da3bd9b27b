//! Hostile and unlucky input on the command line and in batches: options the stamp must cover,
//! CMYK and damaged JPEGs, oversized fields, FIFOs and devices, link loops, unreadable
//! directories, ids from file names, endless NDJSON lines, byte order marks, TOML dates and a
//! missing input. Each test asserts the right behaviour; `kill_loop_leaves_every_record_whole`
//! (ignored by default, run by .ci/run) kills a large batch twenty times.

mod common;

use common::{fresh_dir, have, listing, root};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bulletin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bulletin"))
}

fn run(args: &[&str]) -> Output {
    bulletin().args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Waits for `child` at most `limit`; kills it and fails the test if it takes longer. Polls
/// the child's peak resident memory (VmHWM, a high-water mark) while it runs; returns the exit
/// status and that peak in MiB.
fn wait_bounded(mut child: Child, limit: Duration, what: &str) -> (std::process::ExitStatus, u64) {
    let started = Instant::now();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status, peak_kib / 1024);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

const RECORD: &str = r#"{"title":"关于做好2025年春季防火工作的通知","published":"2025-02-18 18:03",
"url":"https://example.gov.cn/a.html","body":"2月18日,自治区召开会议(全体)。\n\n各单位要认真落实。"}"#;

/// Every option of `bulletin batch --help` is either one that changes output bytes (and then a
/// rerun with it must convert again, not report "unchanged") or one named here as changing
/// nothing. A new option fails this test until it is put in one of the two lists.
#[test]
fn skip_unchanged_covers_every_option_that_changes_output() {
    let dir = fresh_dir("hostile", "stamp");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("notice.json"), RECORD).unwrap();
    let out = dir.join("out");
    // Another font directory: the Song face replaced by the Kai face.
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    for entry in std::fs::read_dir(root().join("fonts")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let target = if name == "FandolSong-Regular.otf" {
            root().join("fonts/FandolKai-Regular.otf")
        } else {
            entry.path()
        };
        std::os::unix::fs::symlink(target, fonts.join(name)).unwrap();
    }
    let changing: Vec<(&str, Vec<&str>)> = vec![
        ("--template", vec!["gongwen"]),
        ("--formats", vec!["pdf,docx,qr,ofd"]),
        ("--font-dir", vec![s(&fonts)]),
        ("--normalize-punctuation", vec![]),
        ("--pdfa", vec![]),
        ("--tagged", vec![]),
        ("--embed-fonts", vec![]),
    ];
    let neutral = [
        "--out",
        "--jobs",
        "--report",
        "--skip-unchanged",
        "--shard",
        "--quiet",
        "--help",
        // Decides only whether an image may be read; the image's bytes are in the stamp.
        "--allow-outside-images",
    ];
    let help = String::from_utf8(run(&["batch", "--help"]).stdout).unwrap();
    let offered: BTreeSet<String> = help
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        // The option's names come before the description (two spaces).
        .flat_map(|l| {
            l.split("  ")
                .next()
                .unwrap_or_default()
                .split([' ', ',', '='])
        })
        .filter(|w| w.starts_with("--"))
        .map(str::to_owned)
        .collect();
    let classified: BTreeSet<String> = changing
        .iter()
        .map(|(o, _)| o.to_string())
        .chain(neutral.iter().map(|o| o.to_string()))
        .collect();
    assert_eq!(
        offered, classified,
        "every batch option must be classified as changing output or not"
    );
    let report_path = dir.join("report.json");
    let batch = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["batch", s(&input), "--out", s(&out), "--skip-unchanged"];
        args.extend(["--quiet", "--report", s(&report_path)]);
        args.extend(extra);
        let o = run(&args);
        assert!(o.status.success(), "{extra:?}: {}", stderr(&o));
        report(&report_path)["totals"].clone()
    };
    let t = batch(&[]);
    assert_eq!(t["converted"], 1);
    assert_eq!(batch(&[])["skipped"], 1, "an unchanged rerun is skipped");
    for (option, values) in &changing {
        let mut extra = vec![*option];
        extra.extend(values.iter().copied());
        let t = batch(&extra);
        assert_eq!(
            (t["converted"].as_u64(), t["skipped"].as_u64()),
            (Some(1), Some(0)),
            "{option} changes the outputs, but the rerun called them unchanged"
        );
        assert_eq!(batch(&extra)["skipped"], 1, "{option} twice: unchanged");
        // Back to the plain outputs for the next option.
        assert_eq!(batch(&[])["converted"], 1, "after {option}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Counts pixels near `want` in an RGB picture.
fn pixels_near(img: &image::RgbImage, want: [u8; 3]) -> usize {
    img.pixels()
        .filter(|p| {
            p.0.iter()
                .zip(want)
                .all(|(&a, b)| (i16::from(a) - i16::from(b)).abs() < 70)
        })
        .count()
}

fn media_of(zip_path: &Path, prefix: &str) -> Vec<Vec<u8>> {
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).expect("a ZIP package");
    let names: Vec<String> = archive
        .file_names()
        .filter(|n| n.starts_with(prefix) && n.to_ascii_lowercase().contains("jp"))
        .map(str::to_owned)
        .collect();
    names
        .iter()
        .map(|n| {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut archive.by_name(n).unwrap(), &mut bytes).unwrap();
            bytes
        })
        .collect()
}

/// A CMYK JPEG (red, blue and green thirds, Adobe's inverted CMYK as Photoshop and scanners
/// write it) prints in its colours in the everyday PDF and in PDF/A, and the DOCX and OFD carry
/// a three-component image; cut-off JPEGs are refused naming the field.
#[test]
fn cmyk_jpegs_keep_their_colours_and_cut_jpegs_are_refused() {
    let dir = fresh_dir("hostile", "cmyk");
    std::fs::copy(
        root().join("tests/fixtures/images/cmyk.jpg"),
        dir.join("cmyk.jpg"),
    )
    .unwrap();
    let record = dir.join("scan.json");
    std::fs::write(
        &record,
        r#"{"title":"扫描件","published":"2025-02-18","body":[{"type":"image","path":"cmyk.jpg","caption":"扫描件"}]}"#,
    )
    .unwrap();
    let plain = dir.join("plain");
    let o = run(&[
        "convert",
        s(&record),
        "--out",
        s(&plain),
        "--formats",
        "pdf,docx,ofd",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let archival = dir.join("pdfa");
    let o = run(&[
        "convert",
        s(&record),
        "--out",
        s(&archival),
        "--formats",
        "pdf",
        "--pdfa",
    ]);
    assert!(o.status.success(), "PDF/A: {}", stderr(&o));
    if have("pdftoppm") {
        for pdf in [plain.join("scan.pdf"), archival.join("scan.pdf")] {
            let png = dir.join("page");
            let o = Command::new("pdftoppm")
                .args(["-r", "72", "-png", "-singlefile", s(&pdf), s(&png)])
                .output()
                .unwrap();
            assert!(o.status.success());
            let page = image::open(dir.join("page.png")).unwrap().to_rgb8();
            for (colour, rgb) in [
                ("red", [255, 0, 0]),
                ("blue", [0, 0, 255]),
                ("green", [0, 255, 0]),
            ] {
                let n = pixels_near(&page, rgb);
                assert!(n > 300, "{}: {n} {colour} pixels", pdf.display());
            }
        }
    }
    let docx_images = media_of(&plain.join("scan.docx"), "word/media/");
    let ofd_images = media_of(&plain.join("scan.ofd"), "Doc_0/");
    assert_eq!((docx_images.len(), ofd_images.len()), (1, 1));
    for bytes in docx_images.iter().chain(&ofd_images) {
        let info = bulletin::record::jpeg::inspect(bytes).unwrap();
        assert_eq!(info.components, 3);
        let img = image::load_from_memory(bytes).unwrap().to_rgb8();
        assert!(pixels_near(&img, [255, 0, 0]) > 1000, "red third");
    }

    // Cut-off files: the end-of-image marker missing, and cut in the middle of the scan.
    let whole = std::fs::read(root().join("tests/fixtures/images/whole.jpg")).unwrap();
    for (name, cut) in [
        ("no-end.jpg", whole.len() - 2),
        ("half.jpg", whole.len() * 3 / 4),
    ] {
        std::fs::write(dir.join(name), &whole[..cut]).unwrap();
        let record = dir.join(format!("{name}.json"));
        std::fs::write(
            &record,
            format!(r#"{{"title":"T","body":[{{"type":"image","path":"{name}"}}]}}"#),
        )
        .unwrap();
        let out = dir.join("cut");
        let o = run(&["convert", s(&record), "--out", s(&out)]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {e}");
        assert!(
            e.contains("field `body[0].path`") && e.contains("damaged JPEG"),
            "{name}: {e}"
        );
        assert!(listing(&out).is_empty(), "{name}: nothing written");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every string and list of a record counts: a 10 MB `source` or a million `channel` entries
/// are refused at once, naming the field, in bounded memory.
#[test]
fn every_field_is_held_to_the_limits_before_layout() {
    let dir = fresh_dir("hostile", "limits");
    let cases = [
        (
            "source.json",
            serde_json::json!({"title": "T", "source": "来".repeat(3_500_000)}),
            "field `source`",
        ),
        (
            "channel.json",
            serde_json::json!({"title": "T", "channel": vec!["首页"; 1_000_000]}),
            "field `channel`",
        ),
        (
            "cc.json",
            serde_json::json!({"title": "T", "cc": vec!["某某局"; 5_000]}),
            "field `cc`",
        ),
        (
            "attachment.json",
            serde_json::json!({"title": "T", "attachments": [{"name": "附".repeat(5000)}]}),
            "field `attachments[0].name`",
        ),
        (
            "mark.json",
            serde_json::json!({"title": "T", "issuer_mark": "局".repeat(100_000)}),
            "field `issuer_mark`",
        ),
    ];
    for (name, value, field) in cases {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
        let out = dir.join("out");
        let (status, e, peak_mib) =
            run_bounded(bulletin().args(["convert", s(&path), "--out", s(&out)]));
        assert_eq!(status.code(), Some(1), "{name}: {e}");
        assert!(e.contains(field) && e.contains("at most"), "{name}: {e}");
        assert!(peak_mib < 400, "{name}: {peak_mib} MiB");
        assert!(listing(&out).is_empty());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs `command` (stdout discarded) under [`wait_bounded`]'s 20 s limit; returns its exit
/// status, its stderr (read on a thread so the pipe cannot block it) and its peak memory in MiB.
fn run_bounded(command: &mut Command) -> (std::process::ExitStatus, String, u64) {
    let mut child = command
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut pipe, &mut text).ok();
        text
    });
    let (status, peak_mib) = wait_bounded(child, Duration::from_secs(20), "bulletin");
    (status, reader.join().unwrap_or_default(), peak_mib)
}

/// FIFOs and devices are never read as records, pages, images or NDJSON: refused at once, the
/// rest converted.
#[test]
fn fifos_and_devices_are_refused_without_blocking() {
    let dir = fresh_dir("hostile", "fifo");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("good.json"), RECORD).unwrap();
    for fifo in ["pipe.json", "feed.ndjson", "picture.png"] {
        let o = Command::new("mkfifo")
            .arg(input.join(fifo))
            .output()
            .unwrap();
        assert!(o.status.success());
    }
    std::os::unix::fs::symlink("/dev/zero", input.join("zero.json")).unwrap();
    std::fs::write(
        input.join("image.json"),
        r#"{"title":"T","body":[{"type":"image","path":"picture.png"}]}"#,
    )
    .unwrap();
    let out = dir.join("out");
    // convert: each refused by name, the good one converted.
    let (status, e, _) = run_bounded(
        bulletin()
            .arg("convert")
            .args(["pipe.json", "zero.json", "image.json", "good.json"].map(|n| input.join(n)))
            .args(["--out", s(&out)]),
    );
    assert_eq!(status.code(), Some(1), "{e}");
    assert!(e.contains("pipe.json: this is a named pipe (FIFO)"), "{e}");
    assert!(e.contains("zero.json: this is a device"), "{e}");
    assert!(
        e.contains("image.json: field `body[0].path`") && e.contains("named pipe"),
        "{e}"
    );
    assert!(listing(&out).contains("good.pdf"), "{e}");
    // batch over the directory, and the FIFO given as NDJSON.
    let report_path = dir.join("report.json");
    let (status, e, _) = run_bounded(
        bulletin()
            .args(["batch", s(&input), s(&input.join("feed.ndjson"))])
            .args([
                "--out",
                s(&dir.join("out2")),
                "--quiet",
                "--report",
                s(&report_path),
            ]),
    );
    assert_eq!(status.code(), Some(1), "{e}");
    let r = report(&report_path);
    let failed: BTreeMap<String, String> = r["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| !x["error"].is_null())
        .map(|x| {
            let source = x["source"].as_str().unwrap();
            let name = Path::new(source).file_name().unwrap().to_string_lossy();
            (name.into_owned(), x["error"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(
        failed.keys().map(String::as_str).collect::<Vec<_>>(),
        ["feed.ndjson", "image.json", "pipe.json", "zero.json"],
        "{failed:?}"
    );
    assert!(failed["feed.ndjson"].contains("named pipe"));
    assert_eq!(r["totals"]["converted"], 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Two links to a parent directory: the walk ends, each loop is reported, the record converted.
#[test]
fn link_loops_in_a_batch_directory_end_and_are_reported() {
    let dir = fresh_dir("hostile", "loops");
    let tree = dir.join("tree");
    let records = tree.join("records");
    std::fs::create_dir_all(&records).unwrap();
    std::fs::write(records.join("a.json"), RECORD).unwrap();
    std::os::unix::fs::symlink("..", records.join("up1")).unwrap();
    std::os::unix::fs::symlink("../..", records.join("up2")).unwrap();
    let report_path = dir.join("report.json");
    let (status, e, _) = run_bounded(
        bulletin()
            .args(["batch", s(&tree), "--out", s(&dir.join("out")), "--quiet"])
            .args(["--report", s(&report_path)]),
    );
    assert_eq!(status.code(), Some(1), "{e}");
    let r = report(&report_path);
    assert_eq!(r["totals"]["converted"], 1, "{e}");
    let loops = r["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["error"].as_str().is_some_and(|m| m.contains("link loop")))
        .count();
    assert!(loops >= 2, "{e}");

    // A link to a real directory ("latest" -> "2025", listed first): the real directory's
    // path is the one searched, whatever order the file system lists them in.
    let tree = dir.join("alias");
    std::fs::create_dir_all(tree.join("2025")).unwrap();
    std::fs::write(tree.join("2025/a.json"), RECORD).unwrap();
    std::os::unix::fs::symlink("2025", tree.join("0-latest")).unwrap();
    let o = run(&["batch", s(&tree), "--out", s(&dir.join("out2")), "--quiet"]);
    let e = stderr(&o);
    assert!(
        e.contains("0-latest: links to") && e.contains("2025"),
        "{e}"
    );
    let o = run(&[
        "batch",
        s(&tree),
        "--out",
        s(&dir.join("out3")),
        "--report",
        s(&report_path),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let r = report(&report_path);
    assert!(
        r["records"][1]["source"]
            .as_str()
            .unwrap()
            .ends_with("2025/a.json"),
        "{r}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A command that runs `bulletin` as an unprivileged user when the tests run as root (as in
/// CI), so that directory permissions apply.
fn unprivileged() -> Command {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
        c.arg(env!("CARGO_BIN_EXE_bulletin"));
        c
    } else {
        bulletin()
    }
}

/// An unreadable subdirectory, or an unreadable input directory, is a failure in the report
/// and the exit status, never "0 failed".
#[test]
fn unreadable_directories_are_failures() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fresh_dir("hostile", "unreadable");
    let tree = dir.join("tree");
    let closed = tree.join("closed");
    std::fs::create_dir_all(&closed).unwrap();
    std::fs::write(tree.join("a.json"), RECORD).unwrap();
    std::fs::write(closed.join("b.json"), RECORD.replace("春季", "秋季")).unwrap();
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    for (path, mode) in [
        (&dir, 0o755),
        (&tree, 0o755),
        (&out, 0o777),
        (&closed, 0o000),
    ] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    std::fs::set_permissions(tree.join("a.json"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let fonts = root().join("fonts");
    for (input, converted) in [(&tree, 1), (&closed, 0)] {
        let o = unprivileged()
            .args(["batch", s(input), "--out", s(&out), "--font-dir", s(&fonts)])
            .output()
            .unwrap();
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{}: {e}", input.display());
        assert!(
            e.contains("closed: cannot search the directory") && e.contains("1 failed"),
            "{e}"
        );
        assert!(e.contains(&format!("{converted} converted")), "{e}");
    }
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Ids taken from file names obey the rules explicit ids obey, in `convert` and `batch`.
#[test]
fn ids_from_file_names_obey_the_id_rules() {
    let dir = fresh_dir("hostile", "ids");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let names = [
        "a:b*c?d|e.json",
        "x\\..\\..\\evil.json",
        "C:\\Windows\\Temp\\evil2.json",
    ];
    for name in names {
        std::fs::write(input.join(name), RECORD).unwrap();
    }
    let out = dir.join("out");
    let o = bulletin()
        .arg("convert")
        .args(names.map(|n| input.join(n)))
        .args(["--out", s(&out)])
        .output()
        .unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    for name in names {
        assert!(
            e.lines()
                .any(|l| l.contains(name) && l.contains("field `id`")),
            "{name}: {e}"
        );
    }
    let o = run(&["batch", s(&input), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("0 converted, 0 unchanged, 3 failed"),
        "{}",
        stderr(&o)
    );
    assert!(listing(&out).is_empty(), "{:?}", listing(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An NDJSON line longer than a record may be fails as that line, in bounded memory, even
/// when it never ends (standard input); the lines before it are converted.
#[test]
fn an_endless_ndjson_line_is_refused_in_bounded_memory() {
    let dir = fresh_dir("hostile", "ndjson");
    let report_path = dir.join("report.json");
    let mut child = bulletin()
        .args(["batch", "-", "--out", s(&dir.join("out")), "--quiet"])
        .args(["--report", s(&report_path)])
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let first = RECORD.replace('\n', " ");
        stdin.write_all(format!("{first}\n").as_bytes()).unwrap();
        stdin.write_all(b"{\"title\":\"").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        // 400 MB, never terminated.
        for _ in 0..400 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let (status, peak_mib) = wait_bounded(child, Duration::from_secs(60), "ndjson");
    feeder.join().unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(peak_mib < 250, "{peak_mib} MiB");
    let r = report(&report_path);
    assert_eq!(r["totals"]["converted"], 1);
    let error = r["records"][1]["error"].as_str().unwrap();
    assert!(
        error.starts_with("line 2 is 40") && error.contains("MB; a record may be at most 50 MB"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Records with a UTF-8 byte order mark (PowerShell 5, old Notepad) or in UTF-16 with its mark
/// (PowerShell 5's `>`) are read as their marks say, in every format and in NDJSON.
#[test]
fn byte_order_marks_are_honoured() {
    let dir = fresh_dir("hostile", "bom");
    let mut utf8 = b"\xEF\xBB\xBF".to_vec();
    utf8.extend(RECORD.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(RECORD.encode_utf16().flat_map(u16::to_le_bytes));
    let mut yaml = b"\xEF\xBB\xBF".to_vec();
    yaml.extend("title: 标题\nbody: 正文\n".as_bytes());
    let mut ndjson = b"\xEF\xBB\xBF".to_vec();
    ndjson.extend(RECORD.replace('\n', " ").as_bytes());
    for (name, bytes) in [
        ("utf8.json", &utf8),
        ("utf16.json", &utf16),
        ("bom.yaml", &yaml),
        ("feed.ndjson", &ndjson),
    ] {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let out = dir.join("out");
    let o = run(&[
        "convert",
        s(&dir.join("utf8.json")),
        s(&dir.join("utf16.json")),
        s(&dir.join("bom.yaml")),
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["batch", s(&dir.join("feed.ndjson")), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in ["utf8.pdf", "utf16.pdf", "bom.pdf", "feed-1.pdf"] {
        assert!(listing(&out).contains(name), "{name}");
    }
    if have("pdftotext") {
        let text = Command::new("pdftotext")
            .args([s(&out.join("utf16.pdf")), "-"])
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&text.stdout).contains("春季防火"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// TOML's own dates (`published = 2025-02-18`) are dates; a missing batch input is said once,
/// as missing.
#[test]
fn toml_dates_and_missing_inputs_are_understood() {
    let dir = fresh_dir("hostile", "messages");
    let record = dir.join("notice.toml");
    std::fs::write(
        &record,
        "title = \"通知\"\npublished = 2025-02-18T18:03:00\nbody = \"正文\"\n\
         [signature]\nname = \"某某局\"\ndate = 2025-03-03\n",
    )
    .unwrap();
    let out = dir.join("out");
    let o = run(&[
        "convert",
        s(&record),
        "--out",
        s(&out),
        "--template",
        "gongwen",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    if have("pdftotext") {
        let text = Command::new("pdftotext")
            .args([s(&out.join("notice.pdf")), "-"])
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&text.stdout).contains("2025年3月3日"));
    }
    let o = run(&["check", s(&record)]);
    assert!(o.status.success(), "{}", stderr(&o));

    let missing = dir.join("no/such/dir");
    let o = run(&["batch", s(&missing), "--out", s(&out)]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    let line = e.lines().find(|l| l.starts_with("error:")).unwrap();
    assert_eq!(line.matches(s(&missing)).count(), 1, "{line}");
    assert!(line.contains("No such file or directory"), "{line}");
    assert!(!line.contains("unknown record format"), "{line}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The outputs of one record as a clean run makes them: file name -> bytes.
fn outputs_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    listing(dir)
        .into_iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
}

/// Twenty SIGKILLs at random moments of a 2,000-record batch (each run converting and
/// committing over every record again). After each, a later run (one over an empty input,
/// which only recovers) sees every record with all of its files or none, each file equal to a
/// clean run's; then the rerun with --skip-unchanged completes and the whole output equals a
/// clean run byte for byte. Slow (about a minute): run by .ci/run.
#[test]
#[ignore]
fn kill_loop_leaves_every_record_whole() {
    let dir = fresh_dir("hostile", "kill-loop");
    let feed = dir.join("feed.ndjson");
    std::fs::write(&feed, bulletin::bench::generate(2000, 400).join("\n")).unwrap();
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let clean = dir.join("clean");
    let o = run(&[
        "batch",
        s(&feed),
        "--out",
        s(&clean),
        "--quiet",
        "--formats",
        "pdf,docx,qr,ofd",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = outputs_of(&clean);
    let per_record: BTreeSet<&str> = ["pdf", "docx", "qr.png", "qr.svg", "ofd"].into();
    assert_eq!(expected.len(), 2000 * per_record.len());
    let out = dir.join("out");
    // A simple deterministic pseudo-random sequence of moments (ms).
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut kills = 0;
    for _ in 0..20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let moment = Duration::from_millis(150 + seed % 2500);
        // Without stamps every run converts (and commits over) all records again, so each
        // kill lands in the middle of real work, not after a quick run of skips.
        let _ = std::fs::remove_dir_all(out.join(".bulletin-stamps"));
        let mut child = bulletin()
            .args([
                "batch",
                s(&feed),
                "--out",
                s(&out),
                "--skip-unchanged",
                "--quiet",
            ])
            .args(["--formats", "pdf,docx,qr,ofd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(moment);
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let o = run(&["batch", s(&empty), "--out", s(&out), "--quiet"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
        for (name, bytes) in outputs_of(&out) {
            assert_eq!(
                Some(&bytes),
                expected.get(&name),
                "{name} differs from a clean run's"
            );
            let id = per_record
                .iter()
                .find_map(|ext| name.strip_suffix(&format!(".{ext}")))
                .unwrap_or_else(|| panic!("unexpected file {name}"));
            *by_id.entry(id.to_owned()).or_default() += 1;
        }
        for (id, n) in by_id {
            assert_eq!(n, per_record.len(), "{id} has only {n} of its files");
        }
    }
    assert!(kills >= 15, "only {kills} kills landed inside a run");
    let o = run(&[
        "batch",
        s(&feed),
        "--out",
        s(&out),
        "--skip-unchanged",
        "--quiet",
        "--formats",
        "pdf,docx,qr,ofd",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        outputs_of(&out) == expected,
        "the resumed output differs from a clean run"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An image used many times is read and decoded once; distinct images are held to a total of
/// pixels, so a record cannot keep a worker decoding for minutes.
#[test]
fn images_are_decoded_once_and_held_to_a_pixel_budget() {
    let dir = fresh_dir("hostile", "pixels");
    let big = image::GrayImage::new(6000, 6000);
    big.save(dir.join("p0.png")).unwrap();
    for i in 1..12 {
        std::fs::copy(dir.join("p0.png"), dir.join(format!("p{i}.png"))).unwrap();
    }
    let same: Vec<serde_json::Value> = (0..40)
        .map(|_| serde_json::json!({"type": "image", "path": "p0.png"}))
        .collect();
    let distinct: Vec<serde_json::Value> = (0..12)
        .map(|i| serde_json::json!({"type": "image", "path": format!("p{i}.png")}))
        .collect();
    for (name, body) in [("same.json", same), ("distinct.json", distinct)] {
        std::fs::write(
            dir.join(name),
            serde_json::json!({"title": "图", "body": body}).to_string(),
        )
        .unwrap();
    }
    let started = Instant::now();
    let o = run(&["check", s(&dir.join("same.json"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let o = run(&["check", s(&dir.join("distinct.json"))]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("field `body[11].path`") && e.contains("400 million pixels"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
