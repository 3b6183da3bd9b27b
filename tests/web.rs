//! End-to-end tests of `bulletin serve`: the real binary listening on loopback, spoken to over
//! plain HTTP/1.1 (every endpoint, every rejection) and driven in a real Chromium by
//! tests/browser/e2e.mjs (Playwright).

mod common;

use common::{fresh_dir, have, root};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `bulletin serve`; killed when dropped.
struct Server {
    child: Child,
    addr: String,
    /// Its temporary directory (TMPDIR), where uploads are unpacked.
    tmp: PathBuf,
}

impl Server {
    fn start(name: &str, args: &[&str]) -> Server {
        Server::start_with(name, args, &[])
    }

    fn start_with(name: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let tmp = fresh_dir("web", name);
        let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .envs(env.iter().copied())
            .env("TMPDIR", &tmp)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bulletin serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("address line");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        Server { child, addr, tmp }
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[], b"")
    }

    fn post(&self, path: &str, body: &[u8]) -> Response {
        self.request("POST", path, &[], body)
    }

    /// A form as the page sends it: JSON, said in the Content-Type.
    fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.addr));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("send head");
        // The server may answer (413) before reading all of a large body.
        let _ = stream.write_all(body);
        // A refused upload may be answered and the connection reset before the body is read:
        // keep what arrived.
        let mut raw = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
        }
        Response::parse(&raw)
    }

    /// Request directories still present under the server's upload root.
    fn leftover_workspaces(&self) -> Vec<PathBuf> {
        let mut left = Vec::new();
        for root in std::fs::read_dir(&self.tmp).expect("tmp").flatten() {
            if let Ok(entries) = std::fs::read_dir(root.path()) {
                left.extend(entries.flatten().map(|e| e.path()));
            }
        }
        left
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("end of headers");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("status");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            body = dechunk(&body);
        }
        Response {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The field of the first problem of an error answer.
    fn problem_field(&self) -> String {
        self.json()["problems"][0]["field"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = usize::from_str_radix(std::str::from_utf8(&data[..end]).expect("hex"), 16)
            .expect("chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 4 + size..];
    }
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The example article as a person would type it into the form.
struct Example {
    record: serde_json::Value,
    paragraphs: Vec<String>,
}

fn example() -> Example {
    let text = std::fs::read_to_string(root().join("examples/nmg-sthjt-2025-02-18.json"))
        .expect("example");
    let record: serde_json::Value = serde_json::from_str(&text).expect("example JSON");
    let paragraphs = record["body"]
        .as_array()
        .expect("body blocks")
        .iter()
        .filter_map(|b| b.as_str().or_else(|| b["text"].as_str()))
        .map(str::to_owned)
        .collect();
    Example { record, paragraphs }
}

fn form(example: &Example, template: &str) -> serde_json::Value {
    let r = &example.record;
    serde_json::json!({
        "template": template,
        "record": {
            "title": r["title"],
            "channel": r["channel"],
            "published": r["published"],
            "source": r["source"],
            "issuer": r["issuer"],
            "url": r["url"],
        },
        "body": example.paragraphs.join("\n\n"),
    })
}

fn minimal(title: &str) -> serde_json::Value {
    serde_json::json!({"template": "bulletin", "record": {"title": title}, "body": "正文。"})
}

fn zip_entries(bytes: &[u8]) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    (0..archive.len())
        .map(|i| archive.by_index(i).expect("entry").name().to_owned())
        .collect()
}

fn zip_entry(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut entry = archive.by_name(name).expect("entry present");
    let mut out = Vec::new();
    entry.read_to_end(&mut out).expect("read entry");
    out
}

/// The text of an A4 PDF's text area: running headers and footers are left out so that
/// paragraphs crossing a page break read on.
fn pdf_text(pdf: &[u8], dir: &Path) -> String {
    let path = dir.join("read.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdftotext")
        .args(["-x", "0", "-y", "60", "-W", "596", "-H", "720"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn page_and_assets_are_served_offline_with_a_strict_policy() {
    let server = Server::start("assets", &[]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let policy = page.header("content-security-policy").expect("CSP");
    assert!(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"));
    let html = page.text();
    assert!(html.contains("<title>bulletin 文章打印稿</title>") && html.contains("id=\"body\""));
    for (path, mime) in [
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "text/css; charset=utf-8"),
    ] {
        let asset = server.get(path);
        assert_eq!(
            (asset.status, asset.header("content-type")),
            (200, Some(mime))
        );
        // Nothing is fetched from elsewhere: no outside script, style, font or request.
        let text = asset.text();
        for outside in [
            "src=\"http",
            "href=\"http",
            "url(http",
            "fetch(\"http",
            "@import",
        ] {
            assert!(!text.contains(outside), "{path} refers outside: {outside}");
        }
    }
    for outside in ["src=\"http", "href=\"http", "url(http"] {
        assert!(!html.contains(outside), "page refers outside: {outside}");
    }
    let missing = server.get("/nothing-here");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["message"], "no such page");
}

#[test]
fn requests_for_another_host_name_are_refused() {
    let server = Server::start("host", &[]);
    let rebound = server.request("GET", "/api/templates", &[("Host", "evil.example:80")], b"");
    assert_eq!(rebound.status, 403);
    assert!(rebound.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("127.0.0.1")));
    let port = server.addr.rsplit(':').next().expect("port");
    let local = server.request(
        "GET",
        "/api/templates",
        &[("Host", &format!("localhost:{port}"))],
        b"",
    );
    assert_eq!(local.status, 200);
}

/// A web page the user visits elsewhere cannot make the server convert: browsers send its
/// origin (`Origin`, `Sec-Fetch-Site`) and let it post only plain text or form data to another
/// origin without asking, all of which the server refuses. The page itself, scripts and curl
/// (which send no origin) are answered as before.
#[test]
fn requests_from_other_web_pages_are_refused() {
    let server = Server::start("origin", &[]);
    let port = server.addr.rsplit(':').next().expect("port").to_owned();
    let form = minimal("跨站请求").to_string();
    let record = r#"{"title":"跨站上传","body":"正文。"}"#.as_bytes();
    let refused = |answer: &Response, what: &str| {
        assert_eq!(answer.status, 403, "{what}: {}", answer.text());
        assert!(
            answer.json()["message"]
                .as_str()
                .is_some_and(|m| m.contains("answers only its own page")),
            "{what}: {}",
            answer.text()
        );
    };
    for (path, body) in [
        ("/api/convert?format=pdf", form.as_bytes()),
        ("/api/preview", form.as_bytes()),
        ("/api/batch?name=a.json", record),
    ] {
        for (origin, content_type) in [
            ("http://evil.example", "text/plain"),
            ("http://evil.example", "application/x-www-form-urlencoded"),
            ("http://evil.example", "multipart/form-data; boundary=x"),
            ("http://evil.example", "application/json"),
            ("null", "text/plain"),
            (&format!("https://127.0.0.1:{port}"), "application/json"),
            (
                &format!("http://127.0.0.1:{port}.evil.example"),
                "application/json",
            ),
        ] {
            let answer = server.request(
                "POST",
                path,
                &[("Origin", origin), ("Content-Type", content_type)],
                body,
            );
            refused(&answer, &format!("{path} from {origin} as {content_type}"));
        }
        for site in ["cross-site", "same-site"] {
            let answer = server.request(
                "POST",
                path,
                &[
                    ("Sec-Fetch-Site", site),
                    ("Content-Type", "application/json"),
                ],
                body,
            );
            refused(&answer, &format!("{path} with Sec-Fetch-Site: {site}"));
        }
    }
    assert!(server.leftover_workspaces().is_empty());

    // The JSON endpoints take JSON only, whoever sends it.
    for (path, content_type) in [
        ("/api/preview", Some("text/plain")),
        ("/api/convert?format=pdf", Some("text/plain;charset=UTF-8")),
        ("/api/preview", Some("application/x-www-form-urlencoded")),
        (
            "/api/convert?format=pdf",
            Some("multipart/form-data; boundary=x"),
        ),
        ("/api/preview", None),
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|c| vec![("Content-Type", c)])
            .unwrap_or_default();
        let answer = server.request("POST", path, &headers, form.as_bytes());
        assert_eq!(
            answer.status,
            415,
            "{path} as {content_type:?}: {}",
            answer.text()
        );
        assert!(answer.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("application/json")));
    }

    // The page itself (its origin under any name the server answers to), scripts and curl.
    for headers in [
        vec![
            ("Origin", format!("http://127.0.0.1:{port}")),
            ("Sec-Fetch-Site", "same-origin".to_owned()),
            ("Content-Type", "application/json; charset=utf-8".to_owned()),
        ],
        vec![
            ("Origin", format!("http://LOCALHOST:{port}")),
            ("Content-Type", "Application/JSON".to_owned()),
        ],
        vec![
            ("Sec-Fetch-Site", "none".to_owned()),
            ("Content-Type", "application/json".to_owned()),
        ],
        vec![("Content-Type", "application/json".to_owned())],
    ] {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = server.request("POST", "/api/convert?format=pdf", &headers, form.as_bytes());
        assert_eq!(answer.status, 200, "{headers:?}: {}", answer.text());
        assert!(answer.body.starts_with(b"%PDF"));
    }
    let upload = server.request(
        "POST",
        "/api/batch?name=a.json&formats=pdf",
        &[
            ("Origin", &format!("http://127.0.0.1:{port}")),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        record,
    );
    assert_eq!(upload.status, 200, "{}", upload.text());
    // A link to the page from another site still opens it.
    let page = server.request("GET", "/", &[("Sec-Fetch-Site", "cross-site")], b"");
    assert_eq!(page.status, 200);
    assert!(server.leftover_workspaces().is_empty());
}

/// Reads from `stream` until the server closes it (or an error, or `limit` passes); returns
/// what arrived and how long the server took to close.
fn read_until_closed(
    stream: &mut TcpStream,
    limit: std::time::Duration,
) -> (Vec<u8>, std::time::Duration, bool) {
    let start = std::time::Instant::now();
    stream
        .set_read_timeout(Some(std::time::Duration::from_millis(200)))
        .expect("read timeout");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (got, start.elapsed(), true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if start.elapsed() > limit {
                    return (got, start.elapsed(), false);
                }
            }
            Err(_) => return (got, start.elapsed(), true),
        }
    }
}

/// A client that opens a connection and sends nothing, half a request's headers, or half its
/// body, is cut off after the I/O time limit (here one second), so it cannot hold a
/// connection (and its memory) forever; a kept-alive connection left idle is closed the same
/// way. Complete requests are served as before.
#[test]
fn idle_and_half_sent_connections_are_closed_after_the_time_limit() {
    let server = Server::start("io-timeout", &["--io-timeout", "1"]);
    let limit = std::time::Duration::from_secs(6);
    let host = format!("Host: {}\r\n", server.addr);
    let form = minimal("慢").to_string();
    let cases = [
        ("idle", String::new()),
        (
            "half a header",
            format!("GET /api/templates HTTP/1.1\r\n{host}User-Agent: slo"),
        ),
        (
            "half a body",
            format!(
                "POST /api/preview HTTP/1.1\r\n{host}Content-Type: application/json\r\n\
                 Content-Length: {}\r\n\r\n{}",
                form.len(),
                &form[..8]
            ),
        ),
    ];
    for (what, sent) in cases {
        let mut stream = TcpStream::connect(&server.addr).expect("connect");
        stream.write_all(sent.as_bytes()).expect("send");
        let (got, took, closed) = read_until_closed(&mut stream, limit);
        assert!(closed, "{what}: still open after {took:?}");
        assert!(
            took >= std::time::Duration::from_millis(700),
            "{what}: closed after {took:?}, before the time limit"
        );
        if what == "half a body" {
            let answer = Response::parse(&got);
            assert_eq!(answer.status, 408, "{}", answer.text());
            assert!(answer.text().contains("did not arrive within 1 s"));
        } else {
            assert!(got.is_empty(), "{what}: {}", String::from_utf8_lossy(&got));
        }
    }

    // A whole request is answered, and the kept-alive connection is closed once idle.
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream
        .write_all(format!("GET /api/templates HTTP/1.1\r\n{host}\r\n").as_bytes())
        .expect("send");
    let (got, took, closed) = read_until_closed(&mut stream, limit);
    assert!(
        closed,
        "idle kept-alive connection still open after {took:?}"
    );
    let answer = Response::parse(&got);
    assert_eq!(answer.status, 200);
    assert!(answer.text().contains("\"bulletin\""));
    // And so is one request after another, each well within the limit.
    let answer = server.post_json("/api/preview", &minimal("快"));
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(server.leftover_workspaces().is_empty());
}

#[test]
fn templates_list_builtins_and_the_users_own() {
    let dir = fresh_dir("web", "user-templates");
    let builtin = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["templates", "show", "bulletin"])
        .output()
        .expect("templates show");
    let own = String::from_utf8(builtin.stdout).expect("UTF-8").replacen(
        "name = \"bulletin\"",
        "name = \"office\"",
        1,
    );
    std::fs::write(dir.join("office.toml"), own).expect("write");
    // A template made from a built-in one gives its own names, in one language or both;
    // the base's are not inherited.
    std::fs::write(
        dir.join("huiyi.toml"),
        "extends = \"jiyao\"\nname = \"huiyi\"\ntitle = \"局务会议纪要\"\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("plain.toml"),
        "extends = \"gongwen\"\nname = \"plain\"\n",
    )
    .expect("write");
    std::fs::write(dir.join("broken.toml"), "name = ").expect("write");
    let server = Server::start("templates", &["--templates", dir.to_str().expect("path")]);
    let list = server.get("/api/templates").json();
    let names: Vec<(&str, &str, bool)> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().expect("name"),
                t["document"].as_str().expect("document"),
                t["builtin"].as_bool().expect("builtin"),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("bulletin", "news", true),
            ("gongwen", "official", true),
            ("leaflet", "news", true),
            ("xinhan", "official", true),
            ("mingling", "official", true),
            ("jiyao", "official", true),
            ("huiyi", "official", false),
            ("office", "news", false),
            ("plain", "official", false)
        ]
    );
    let titles: Vec<String> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|t| format!("{}|{}|{}", t["name"], t["title"]["zh"], t["title"]["en"]))
        .collect();
    for want in [
        r#""gongwen"|"公文（GB/T 9704）"|"Official document (GB/T 9704)""#,
        r#""bulletin"|"新闻稿（A4）"|"News article (A4)""#,
        r#""huiyi"|"局务会议纪要"|"局务会议纪要""#,
        r#""plain"|"plain"|"plain""#,
    ] {
        assert!(titles.iter().any(|t| t == want), "{want} not in {titles:?}");
    }
    let gongwen = &list[1];
    assert!(gongwen["description"]["zh"]
        .as_str()
        .is_some_and(|d| d.contains("GB/T 9704-2012")));
    assert_eq!(list[8]["name"], "plain");
    assert_eq!(list[8]["description"]["zh"], "", "{}", list[8]);
    // The user template converts like a built-in one.
    let answer = server.post_json(
        "/api/preview",
        &serde_json::json!({"template": "office", "record": {"title": "自定义模板"}, "body": "正文。"}),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn preview_draws_the_first_pages_from_the_layout() {
    let server = Server::start("preview", &[]);
    let example = example();
    let answer = server.post_json("/api/preview", &form(&example, "bulletin"));
    assert_eq!(answer.status, 200, "{}", answer.text());
    let json = answer.json();
    assert_eq!(json["id"], "t20250218_2668470");
    let pages = json["pages"].as_u64().expect("pages");
    let previews = json["previews"].as_array().expect("previews");
    assert!(pages >= 3, "{pages} pages");
    assert_eq!(previews.len(), 2, "the first two pages are drawn");
    let first = previews[0].as_str().expect("svg");
    assert!(first.starts_with("<svg") && first.ends_with("</svg>"));
    assert!(first.contains("viewBox=\"0 0 595.28 841.89\""), "A4 page");
    // The page's text (its accessible label) holds the title and the first paragraph.
    let label = first
        .split("aria-label=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("label");
    let title = example.record["title"].as_str().expect("title");
    assert!(squeeze(label).contains(&squeeze(title)));
    let opening: String = example.paragraphs[0].chars().take(30).collect();
    assert!(squeeze(label).contains(&squeeze(&opening)));
    // The example has half-width commas in Chinese text: the preview says so.
    let warnings = json["warnings"].as_array().expect("warnings");
    assert!(warnings.iter().any(|w| w
        .as_str()
        .is_some_and(|w| w.contains("punctuation problems"))));
    // Asking for full-width punctuation removes the warning.
    let mut normalized = form(&example, "bulletin");
    normalized["options"] = serde_json::json!({"normalize_punctuation": true});
    let json = server.post_json("/api/preview", &normalized).json();
    assert_eq!(json["warnings"].as_array().map(Vec::len), Some(0));
    assert!(server.leftover_workspaces().is_empty());
}

#[test]
fn convert_downloads_each_format() {
    let server = Server::start("convert", &[]);
    let scratch = fresh_dir("web", "convert-files");
    let example = example();
    let request = form(&example, "bulletin");
    let url = example.record["url"].as_str().expect("url");

    let pdf = server.post_json("/api/convert?format=pdf", &request);
    assert_eq!(pdf.status, 200, "{}", pdf.text());
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(
        pdf.header("content-disposition"),
        Some("attachment; filename=\"t20250218_2668470.pdf\"; filename*=UTF-8''t20250218_2668470.pdf")
    );
    assert!(pdf.body.starts_with(b"%PDF-"));
    if have("pdftotext") {
        let text = squeeze(&pdf_text(&pdf.body, &scratch));
        for paragraph in &example.paragraphs {
            assert!(text.contains(&squeeze(paragraph)), "PDF lacks {paragraph}");
        }
    }

    let docx = server.post_json("/api/convert?format=docx", &request);
    assert_eq!(docx.status, 200);
    let document = String::from_utf8(zip_entry(&docx.body, "word/document.xml")).expect("xml");
    assert!(document.contains("全面从严治党工作会议召开"));

    let qr = server.post_json("/api/convert?format=qr", &request);
    assert_eq!(
        (qr.status, qr.header("content-type")),
        (200, Some("image/png"))
    );
    if have("zbarimg") {
        let png = scratch.join("qr.png");
        std::fs::write(&png, &qr.body).expect("write");
        let out = Command::new("zbarimg")
            .args(["--raw", "-q"])
            .arg(&png)
            .output()
            .expect("zbarimg");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), url);
    }

    let ofd = server.post_json("/api/convert?format=ofd", &request);
    assert_eq!(
        (ofd.status, ofd.header("content-type")),
        (200, Some("application/ofd"))
    );
    assert!(zip_entries(&ofd.body).contains(&"Doc_0/Document.xml".to_owned()));

    let zip = server.post_json("/api/convert?format=zip", &request);
    assert_eq!(zip.status, 200);
    let mut names = zip_entries(&zip.body);
    names.sort();
    assert_eq!(
        names,
        [
            "t20250218_2668470.docx",
            "t20250218_2668470.pdf",
            "t20250218_2668470.qr.png",
            "t20250218_2668470.qr.svg"
        ]
    );
    // Same form, same bytes: the download is deterministic.
    let again = server.post_json("/api/convert?format=zip", &request);
    assert_eq!(again.body, zip.body);

    // The web page makes the very files `bulletin convert` makes from the same record.
    let mut same_record = request.clone();
    same_record["record"]["id"] = example.record["id"].clone();
    let cli_out = scratch.join("cli");
    let cli = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["convert", "--quiet", "--out"])
        .arg(&cli_out)
        .arg(root().join("examples/nmg-sthjt-2025-02-18.json"))
        .status()
        .expect("convert runs");
    assert!(cli.success());
    for (format, extension) in [("pdf", "pdf"), ("docx", "docx"), ("qr", "qr.png")] {
        let web = server.post_json(&format!("/api/convert?format={format}"), &same_record);
        let file = std::fs::read(cli_out.join(format!("nmg-sthjt-2025-02-18.{extension}")))
            .expect("CLI output");
        assert!(web.body == file, "{format} differs from bulletin convert's");
    }

    // A Chinese file name is given exactly (RFC 5987) with a plain fallback.
    let mut named = minimal("通知");
    named["record"]["id"] = "通知".into();
    let answer = server.post_json("/api/convert?format=pdf", &named);
    assert_eq!(
        answer.header("content-disposition"),
        Some("attachment; filename=\"__.pdf\"; filename*=UTF-8''%E9%80%9A%E7%9F%A5.pdf")
    );
    assert!(server.leftover_workspaces().is_empty());
    std::fs::remove_dir_all(&scratch).ok();
}

#[test]
fn images_are_placed_by_marker_and_checked_by_content() {
    use base64::Engine as _;
    let server = Server::start("images", &[]);
    let png = std::fs::read(root().join("examples/images/process.png")).expect("example image");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let request = serde_json::json!({
        "template": "bulletin",
        "record": {"title": "带图片的文章"},
        "body": "第一段。\n\n[图1]\n\n第二段。",
        "images": [{"name": "process.png", "data": format!("data:image/png;base64,{b64}"), "caption": "流程示意"}],
    });
    let answer = server.post_json("/api/convert?format=docx", &request);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let document = String::from_utf8(zip_entry(&answer.body, "word/document.xml")).expect("xml");
    let (first, caption, second) = (
        document.find("第一段").expect("first"),
        document.find("流程示意").expect("caption"),
        document.find("第二段").expect("second"),
    );
    assert!(
        first < caption && caption < second,
        "image between the paragraphs"
    );
    assert!(zip_entries(&answer.body)
        .iter()
        .any(|n| n.starts_with("word/media/")));

    // A file that is not an image, whatever its name says, is refused at its place in the form.
    let mut fake = request.clone();
    fake["images"][0]["data"] = base64::engine::general_purpose::STANDARD
        .encode(b"<html>not a picture</html>")
        .into();
    let answer = server.post_json("/api/preview", &fake);
    assert_eq!(answer.status, 422);
    assert_eq!(answer.problem_field(), "images[0]");
    assert!(answer.text().contains("is not a PNG or JPEG image"));

    let mut far = request.clone();
    far["body"] = "[图3]".into();
    let answer = server.post_json("/api/preview", &far);
    assert_eq!(
        (answer.status, answer.problem_field()),
        (422, "body".into())
    );

    let mut garbled = request;
    garbled["images"][0]["data"] = "not base64 at all!".into();
    let answer = server.post_json("/api/preview", &garbled);
    assert_eq!(
        (answer.status, answer.problem_field()),
        (400, "images[0]".into())
    );
    assert!(server.leftover_workspaces().is_empty());
}

#[test]
fn form_errors_name_the_field_in_plain_words() {
    let server = Server::start("errors", &[]);
    let with = |changes: serde_json::Value| {
        let mut request = minimal("标题");
        for (k, v) in changes.as_object().expect("object") {
            request["record"][k] = v.clone();
        }
        server.post_json("/api/preview", &request)
    };
    let no_title = server.post_json(
        "/api/preview",
        &serde_json::json!({"template": "bulletin", "record": {"title": "  "}, "body": "正文"}),
    );
    assert_eq!(
        (no_title.status, no_title.problem_field()),
        (422, "title".into())
    );
    assert!(no_title.text().contains("every record needs a title"));

    let url = with(serde_json::json!({"url": "ftp://example.gov.cn/a"}));
    assert_eq!((url.status, url.problem_field()), (422, "url".into()));
    assert!(url.text().contains("is not an http or https address"));

    let date = with(serde_json::json!({"published": "2025-02-30"}));
    assert_eq!(
        (date.status, date.problem_field()),
        (422, "published".into())
    );
    assert!(date.text().contains("not a real calendar date"));

    let channel = with(serde_json::json!({"channel": ["首页", " "]}));
    assert_eq!(channel.problem_field(), "channel");

    let id = with(serde_json::json!({"id": "../etc"}));
    assert_eq!((id.status, id.problem_field()), (422, "id".into()));

    let mut official = minimal("通知");
    official["template"] = "gongwen".into();
    official["record"]["signature"] = serde_json::json!({"name": "某某厅", "date": "二月"});
    let signature = server.post_json("/api/preview", &official);
    assert_eq!(signature.problem_field(), "signature.date");

    let mut unknown = minimal("通知");
    unknown["template"] = "fancy".into();
    let template = server.post_json("/api/preview", &unknown);
    assert_eq!(
        (template.status, template.problem_field()),
        (422, "template".into())
    );
    assert!(template.text().contains("bulletin, gongwen, leaflet"));

    let qr = server.post_json("/api/convert?format=qr", &minimal("没有网址"));
    assert_eq!((qr.status, qr.problem_field()), (422, "url".into()));

    // Requests the page never sends are 400s that say what is wrong.
    let broken = server.request(
        "POST",
        "/api/preview",
        &[("Content-Type", "application/json")],
        b"{\"template\": ",
    );
    assert_eq!(broken.status, 400);
    assert!(broken.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("not a form")));
    let mut body_inside = minimal("x");
    body_inside["record"]["body"] = "text".into();
    assert_eq!(server.post_json("/api/preview", &body_inside).status, 400);
    let format = server.post_json("/api/convert?format=odt", &minimal("x"));
    assert_eq!(format.status, 400);
    assert!(format.text().contains("choose pdf, docx, qr, ofd or zip"));
    assert_eq!(server.get("/api/preview").status, 405);
    assert!(server.leftover_workspaces().is_empty());
}

/// A ZIP of (name, bytes).
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

#[test]
fn uploaded_batches_come_back_as_outputs_and_a_report() {
    let server = Server::start("batch", &[]);
    let notice = std::fs::read(root().join("examples/notice-blocks.yaml")).expect("notice");
    let png = std::fs::read(root().join("examples/images/process.png")).expect("image");
    let jpeg = std::fs::read(root().join("examples/images/grassland.jpg")).expect("image");
    let archive = zip_of(&[
        ("records/notice-blocks.yaml", &notice),
        ("records/images/process.png", &png),
        ("records/images/grassland.jpg", &jpeg),
        (
            "records/plain.json",
            r#"{"title":"简单通知","body":"正文。"}"#.as_bytes(),
        ),
        (
            "records/bad.json",
            r#"{"title":"坏网址","url":"ftp://x"}"#.as_bytes(),
        ),
        (
            "records/sneaky.json",
            r#"{"title":"越界图片","body":[{"type":"image","path":"../../../../etc/hostname"}]}"#
                .as_bytes(),
        ),
        ("README.txt", b"not a record"),
    ]);
    let answer = server.post("/api/batch?name=archive.zip&formats=pdf,qr", &archive);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.header("x-bulletin-records"), Some("4"));
    assert_eq!(answer.header("x-bulletin-failed"), Some("2"));
    assert!(answer
        .header("content-disposition")
        .is_some_and(|d| d.contains("archive-bulletin.zip")));
    let names = zip_entries(&answer.body);
    assert_eq!(names[0], "bulletin-report.json");
    for want in ["notice-2025-grassland.pdf", "plain.pdf"] {
        assert!(
            names.iter().any(|n| n == want),
            "{want} missing from {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n.ends_with(".docx")),
        "only the asked formats"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&zip_entry(&answer.body, "bulletin-report.json")).expect("report");
    let records = report["records"].as_array().expect("records");
    let by_source = |source: &str| {
        records
            .iter()
            .find(|r| r["source"] == source)
            .unwrap_or_else(|| panic!("{source} not in report"))
    };
    assert!(by_source("records/bad.json")["error"]
        .as_str()
        .is_some_and(|e| e.contains("url")));
    let sneaky = by_source("records/sneaky.json")["error"]
        .as_str()
        .expect("error");
    assert!(
        sneaky.contains("lies outside the record's directory"),
        "{sneaky}"
    );
    assert!(
        !sneaky.contains("bulletin-serve-"),
        "private paths stay private: {sneaky}"
    );
    assert!(by_source("records/notice-blocks.yaml")["error"].is_null());

    // NDJSON and single records are recognised by name.
    let ndjson = b"{\"title\":\"\xe4\xb8\x80\",\"id\":\"one\"}\n\n{\"title\":\"\xe4\xba\x8c\",\"id\":\"two\"}\n";
    let answer = server.post("/api/batch?name=list.ndjson&formats=pdf", ndjson);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.header("x-bulletin-records"), Some("2"));
    let single = server.post(
        "/api/batch?name=one.toml&formats=docx&template=gongwen",
        "title = \"一则通知\"\nbody = \"正文。\"\n".as_bytes(),
    );
    assert_eq!(single.status, 200, "{}", single.text());
    assert!(zip_entries(&single.body).contains(&"one.docx".to_owned()));
    assert!(server.leftover_workspaces().is_empty());
}

#[test]
fn uploads_beyond_the_limits_are_refused_with_a_message() {
    let server = Server::start("limits", &["--max-upload", "1", "--max-records", "2"]);
    let big = vec![b' '; 2 * 1024 * 1024];
    let answer = server.post("/api/batch?name=big.ndjson", &big);
    assert_eq!(answer.status, 413);
    assert!(answer
        .text()
        .contains("larger than the server's limit of 1 MB"));
    let answer = server.post("/api/preview", &big);
    assert_eq!(answer.status, 413);

    let three = b"{\"title\":\"a\"}\n{\"title\":\"b\"}\n{\"title\":\"c\"}\n";
    let answer = server.post("/api/batch?name=three.ndjson", three);
    assert_eq!(answer.status, 413);
    assert!(answer
        .text()
        .contains("holds 3 records; the page converts at most 2"));

    let answer = server.post("/api/batch?name=setup.exe", b"MZ\x90\x00");
    assert_eq!(answer.status, 415);
    let answer = server.post("/api/batch?name=fake.zip", b"{}");
    assert_eq!(answer.status, 415);
    let answer = server.post("/api/batch?name=empty.zip", &zip_of(&[("notes.txt", b"x")]));
    assert_eq!(answer.status, 422);
    assert!(answer.text().contains("holds no records"));

    // Entry names that leave the upload directory are refused, and nothing lands outside it.
    let evil = zip_of(&[("../../escaped.json", br#"{"title":"x"}"#)]);
    let answer = server.post("/api/batch?name=evil.zip", &evil);
    assert_eq!(answer.status, 422);
    assert!(answer.text().contains("points outside the archive"));
    let escaped: Vec<PathBuf> = walk(&server.tmp)
        .into_iter()
        .filter(|p| p.ends_with("escaped.json"))
        .collect();
    assert!(escaped.is_empty(), "{escaped:?}");

    // A ZIP that unpacks beyond ten times the upload limit (a "zip bomb") is refused.
    let zeros = vec![0u8; 6 * 1024 * 1024];
    let bomb = zip_of(&[("a.json", &zeros), ("b.json", &zeros)]);
    assert!(bomb.len() < 1024 * 1024);
    let answer = server.post("/api/batch?name=bomb.zip", &bomb);
    assert_eq!(answer.status, 413, "{}", answer.text());
    assert!(answer.text().contains("unpacks to more than 10 MB"));
    assert!(server.leftover_workspaces().is_empty());
}

/// The server's peak resident memory so far (VmHWM), in MiB.
fn peak_mib(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .expect("the server's /proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmHWM")
        / 1024
}

/// Forms of 19 MB (a huge `source`, a huge body, a million channel entries) are refused at the
/// field, quickly and in bounded memory: every field counts towards the record's limits.
#[test]
fn huge_forms_are_refused_at_the_field_in_bounded_memory() {
    let server = Server::start("huge-forms", &[]);
    let huge = "来".repeat(6_500_000);
    let cases = [
        (
            serde_json::json!({"template": "bulletin", "record": {"title": "T", "source": huge}, "body": "正文"}),
            "source",
        ),
        (
            serde_json::json!({"template": "bulletin", "record": {"title": "T"}, "body": huge}),
            "body",
        ),
        (
            serde_json::json!({"template": "bulletin", "record": {"title": "T", "channel": vec!["首页"; 1_000_000]}, "body": "x"}),
            "channel",
        ),
    ];
    for (form, field) in &cases {
        for path in ["/api/preview", "/api/convert?format=pdf"] {
            let started = std::time::Instant::now();
            let answer = server.post_json(path, form);
            assert_eq!(answer.status, 422, "{field} {path}: {}", answer.text());
            let json: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
            assert_eq!(json["problems"][0]["field"], *field, "{json}");
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "{field}: {:?}",
                started.elapsed()
            );
        }
    }
    let peak = peak_mib(&server);
    eprintln!("server peak resident memory: {peak} MiB");
    assert!(peak < 800, "the server peaked at {peak} MiB");
}

/// A ZIP of (raw name, bytes) with names the ZIP writer refuses: each name is written as a
/// placeholder of the same length, then overwritten in the archive's bytes.
fn zip_with_names(entries: &[(&[u8], &[u8])]) -> Vec<u8> {
    let placeholders: Vec<String> = (0..entries.len())
        .map(|i| {
            let len = entries[i].0.len();
            let tag = format!("#{i:03}#");
            tag.repeat(len / tag.len() + 1)[..len].to_owned()
        })
        .collect();
    let named: Vec<(&str, &[u8])> = placeholders
        .iter()
        .zip(entries)
        .map(|(p, (_, bytes))| (p.as_str(), *bytes))
        .collect();
    let mut archive = zip_of(&named);
    for (placeholder, (name, _)) in placeholders.iter().zip(entries) {
        let mut at = 0;
        while let Some(i) = archive[at..]
            .windows(placeholder.len())
            .position(|w| w == placeholder.as_bytes())
        {
            archive[at + i..at + i + name.len()].copy_from_slice(name);
            at += i + name.len();
        }
    }
    archive
}

/// Record files found under `dir` (a request's directory would hold what was unpacked).
fn unpacked_records(dir: &Path) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect()
}

/// A ZIP upload is judged on its central directory before anything is unpacked: too many
/// records (413), two entries for one file, a name no file system holds (422, naming the
/// entry). The answer's entries are plain file names whatever the upload's were.
#[test]
fn zip_uploads_are_checked_before_anything_is_unpacked() {
    let server = Server::start("zip-checks", &["--max-records", "3"]);
    let record = r#"{"title":"通知","body":"正文。"}"#.as_bytes();
    let four = zip_of(&[
        ("a.json", record),
        ("b/b.json", record),
        ("c.yaml", b"title: c"),
        ("d.toml", b"title = \"d\""),
        ("__MACOSX/._a.json", b"junk"),
    ]);
    let answer = server.post("/api/batch?name=four.zip", &four);
    assert_eq!(answer.status, 413, "{}", answer.text());
    assert!(
        answer
            .text()
            .contains("holds 4 records; the page converts at most 3"),
        "{}",
        answer.text()
    );
    assert!(unpacked_records(&server.tmp).is_empty());

    let long = format!("{}.json", "长".repeat(90));
    let deep = format!("{}/a.json", "d".repeat(300));
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            zip_with_names(&[(b"same.json", record), (b"same.json", record)]),
            "two entries named `same.json`",
        ),
        (
            zip_of(&[("b.json", record), ("a/../b.json", record)]),
            "`b.json` and `a/../b.json` unpack to the same file",
        ),
        (
            zip_of(&[("x.png", b"png"), ("x.png/c.json", record)]),
            "`x.png/c.json` needs a directory where `x.png` is a file",
        ),
        (zip_of(&[(long.as_str(), record)]), "长长长长"),
        (zip_of(&[(deep.as_str(), record)]), "ddddd"),
    ];
    for (archive, want) in cases {
        let answer = server.post("/api/batch?name=names.zip", &archive);
        assert_eq!(answer.status, 422, "{want}: {}", answer.text());
        assert!(answer.text().contains(want), "{want}: {}", answer.text());
        assert!(unpacked_records(&server.tmp).is_empty());
    }
    assert!(server.leftover_workspaces().is_empty());

    // Records deep in folders come back as plain names in the answer.
    let nested = zip_of(&[
        ("年度/第一季度/通知.json", record),
        (
            "x/y/z/plain.json",
            r#"{"title":"二","body":"正文。"}"#.as_bytes(),
        ),
    ]);
    let answer = server.post("/api/batch?name=nested.zip&formats=pdf,qr", &nested);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let names = zip_entries(&answer.body);
    assert!(names.len() >= 3, "{names:?}");
    for name in &names {
        assert!(
            !name.contains(['/', '\\']) && !name.contains(".."),
            "{name} is not a plain file name"
        );
    }
    assert!(names.contains(&"通知.pdf".to_owned()), "{names:?}");
}

#[test]
fn a_conversion_over_the_time_limit_is_abandoned_with_a_message() {
    // 200 articles take seconds; the limit is a tenth of a second.
    let server = Server::start("timeout", &["--timeout", "0.1"]);
    let paragraph = "会议要求，各地要结合实际抓好贯彻落实。".repeat(40);
    let batch: String = (0..200)
        .map(|i| {
            serde_json::json!({"id": format!("n{i}"), "title": format!("第{i}篇"), "body": paragraph})
                .to_string()
                + "\n"
        })
        .collect();
    let answer = server.post("/api/batch?name=many.ndjson", batch.as_bytes());
    assert_eq!(answer.status, 422, "{}", answer.text());
    assert!(answer
        .text()
        .contains("took longer than the server's limit of 0.1 s"));
}

/// A bug met while converting (a panic, injected by BULLETIN_PANIC_ON_ID) is a 500 answer
/// with a message; the request's directory is removed and the server goes on serving.
#[test]
fn a_bug_in_one_conversion_is_an_error_answer_and_the_server_goes_on() {
    let server = Server::start_with("panic", &[], &[("BULLETIN_PANIC_ON_ID", "faulty")]);
    let mut form = minimal("出错的一篇");
    form["record"]["id"] = "faulty".into();
    let answer = server.post_json("/api/convert?format=pdf", &form);
    assert_eq!(answer.status, 500, "{}", answer.text());
    assert!(
        answer.text().contains("internal error") && answer.text().contains("injected fault"),
        "{}",
        answer.text()
    );
    let next = server.post_json("/api/convert?format=pdf", &minimal("下一篇"));
    assert_eq!(next.status, 200, "{}", next.text());
    assert!(next.body.starts_with(b"%PDF"));
    assert!(server.leftover_workspaces().is_empty());
}

#[test]
fn ctrl_c_stops_the_server_and_removes_its_upload_directory() {
    let mut server = Server::start("interrupt", &[]);
    assert_eq!(
        server.post_json("/api/preview", &minimal("中断")).status,
        200
    );
    let root = std::fs::read_dir(&server.tmp)
        .expect("tmp")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("bulletin-serve-"))
        .expect("upload root exists while serving");
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = server.child.wait().expect("server exits");
    assert!(exit.success(), "{exit:?}");
    assert!(!root.exists(), "{} left behind", root.display());
}

#[test]
fn binding_beyond_loopback_warns() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["serve", "--addr", "0.0.0.0:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("warning line");
    child.kill().ok();
    child.wait().ok();
    assert!(
        line.starts_with("warning: listening on 0.0.0.0:") && line.contains("other machines"),
        "{line}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            }
            out.push(path);
        }
    }
    out
}

/// Whether the page can be driven in Chromium here (in CI its absence fails the test).
fn browser_usable() -> bool {
    let usable = Path::new("/usr/bin/chromium").exists()
        && root()
            .join("tests/browser/node_modules/playwright-core")
            .exists()
        && Command::new("node").arg("--version").output().is_ok();
    common::checker("chromium + node + playwright-core", usable)
}

/// Runs `tests/browser/SCRIPT` against the server with `args` after its address; returns
/// the JSON summary it prints of what it saw.
fn browser_script(script: &str, server: &Server, args: &[&Path]) -> serde_json::Value {
    let result = Command::new("node")
        .arg(root().join("tests/browser").join(script))
        .arg(format!("http://{}/", server.addr))
        .args(args)
        .output()
        .expect("node runs");
    assert!(
        result.status.success(),
        "browser test {script} failed:\n{}\n{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    serde_json::from_slice(&result.stdout).expect("JSON summary")
}

const SCREENSHOTS: [&str; 5] = [
    "form-zh.png",
    "form-image.png",
    "form-errors.png",
    "form-en-official.png",
    "upload-en.png",
];

#[test]
fn a_person_fills_the_form_in_chromium_and_downloads_the_pdf() {
    if !browser_usable() {
        return;
    }
    let server = Server::start("browser", &[]);
    let out = fresh_dir("web", "browser-out");
    let batch = out.join("batch.ndjson");
    std::fs::write(
        &batch,
        "{\"title\":\"第一篇\",\"id\":\"first\",\"url\":\"https://www.example.gov.cn/first.html\",\"body\":\"正文一。\"}\n{\"title\":\"第二篇\",\"url\":\"ftp://bad\"}\n",
    )
    .expect("write batch");
    let seen = browser_script(
        "e2e.mjs",
        &server,
        &[
            &root().join("examples/nmg-sthjt-2025-02-18.json"),
            &root().join("examples/images/process.png"),
            &batch,
            &out,
            &root().join("tests/fixtures/docx/notice.docx"),
        ],
    );

    assert_eq!(seen["heading"], "bulletin 文章打印稿");
    // The dropped Word draft filled the form for the 公文 template and was previewed.
    let draft = &seen["draft"];
    assert_eq!(draft["template"], "gongwen", "{draft}");
    assert_eq!(draft["title"], "关于开展2025年校园安全专项检查的通知");
    assert_eq!(draft["docNumber"], "市教发〔2025〕8号");
    assert_eq!(draft["recipients"], "各区教育局，市直各学校：");
    assert_eq!(draft["signatureName"], "市教育局");
    assert_eq!(draft["signatureDate"], "2025-02-20");
    assert_eq!(draft["cc"], "市政府办公室，市应急管理局");
    assert_eq!(draft["attachments"], "校园安全检查表\n检查情况汇总表");
    let body = draft["body"].as_str().unwrap_or_default();
    for part in [
        "一、检查内容",
        "（一）校舍安全",
        "1. 校舍安全鉴定报告；",
        "表1 检查分工",
        "校舍\t教学楼\t区教育局",
        "^\t宿舍楼\t学校",
        "消防\t消防设施与通道\t<",
        "[图1]",
    ] {
        assert!(
            body.contains(part),
            "`{part}` not in the form's body:\n{body}"
        );
    }
    assert_eq!(draft["images"], 1);
    assert_eq!(draft["caption"], "图1 检查流程");
    assert_eq!(draft["previewStatus"], 200);
    assert!(draft["pages"].as_u64() >= Some(1), "{draft}");
    let warnings = draft["warnings"].to_string();
    for said in ["修订", "文本框", "批注", "附件"] {
        assert!(
            warnings.contains(said),
            "no Chinese warning about {said}: {warnings}"
        );
    }
    assert_eq!(seen["previewStatus"], "共 3 页，显示前 2 页。");
    let images = seen["previewImages"].as_array().expect("images");
    assert_eq!(images.len(), 2);
    for image in images {
        assert!(
            image["width"].as_u64() > Some(500),
            "page picture drawn: {image}"
        );
    }
    assert!(seen["warnings"][0]
        .as_str()
        .is_some_and(|w| w.contains("半角标点")));
    assert_eq!(seen["imagePreview"]["status"], 200);
    assert!(seen["imagePreview"]["pages"].as_u64() >= Some(3));
    assert_eq!(seen["imageListText"], "process.png — 放在正文中：[图1]");
    assert_eq!(seen["formHiddenOnUpload"], true);
    assert_eq!(seen["publishedError"], "没有这一天，请检查日期");
    assert_eq!(seen["titleError"], "请填写标题");
    assert_eq!(seen["titleInvalid"], "true");
    assert_eq!(seen["officialVisible"], true);
    assert_eq!(seen["titleLabelEn"], "Title *");
    assert_eq!(seen["officialPreviewStatus"], 200);
    // The 命令（令）格式 shows its own fields and sends what they hold.
    assert_eq!(
        seen["orderFields"],
        serde_json::json!({"orderNumber": true, "docNumber": false, "signer": false, "attendance": false})
    );
    assert_eq!(seen["orderPreviewStatus"], 200, "{}", seen["orderRequest"]);
    assert_eq!(seen["orderRequest"]["order_number"], "第7号");
    assert_eq!(
        seen["orderRequest"]["signature"]["signers"],
        serde_json::json!([{"title": "市长", "name": "李明华"}])
    );
    assert!(seen["orderRequest"].get("doc_number").is_none());
    assert_eq!(seen["minutesAttendance"], true);
    assert!(seen["previewStatusEn"]
        .as_str()
        .is_some_and(|s| s.ends_with("the first 2 shown.")));
    assert_eq!(seen["outsideRequests"].as_array().map(Vec::len), Some(0));
    let console = seen["consoleErrors"].as_array().expect("console");
    assert!(
        console
            .iter()
            .all(|m| m.as_str().is_some_and(|m| m.contains("422"))),
        "only the deliberate 422s: {console:?}"
    );

    // The downloaded PDF is the article.
    assert_eq!(seen["pdfName"], "t20250218_2668470.pdf");
    let pdf = std::fs::read(out.join("downloaded.pdf")).expect("downloaded");
    if have("pdftotext") {
        let text = squeeze(&pdf_text(&pdf, &out));
        let example = example();
        assert!(text.contains(&squeeze(example.record["title"].as_str().expect("title"))));
        for paragraph in &example.paragraphs {
            assert!(text.contains(&squeeze(paragraph)), "PDF lacks {paragraph}");
        }
    }

    // The dropped batch came back with the good record's outputs and the report.
    assert_eq!(seen["zipName"], "batch-bulletin.zip");
    assert_eq!(
        seen["uploadStatus"],
        "1 converted, 1 failed (see below, and bulletin-report.json in the ZIP)."
    );
    let zip = std::fs::read(out.join("batch.zip")).expect("zip");
    let names = zip_entries(&zip);
    for want in [
        "bulletin-report.json",
        "first.pdf",
        "first.docx",
        "first.qr.png",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    for shot in SCREENSHOTS {
        assert!(std::fs::metadata(out.join(shot)).is_ok_and(|m| m.len() > 10_000));
    }
    if let Some(keep) = std::env::var_os("BULLETIN_SCREENSHOTS") {
        for shot in SCREENSHOTS {
            let _ = std::fs::copy(out.join(shot), Path::new(&keep).join(shot));
        }
    }
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn tables_pasted_into_the_body_keep_their_merged_cells() {
    let server = Server::start("pasted-table", &[]);
    let scratch = fresh_dir("web", "pasted-table-files");
    // As Excel puts a range on the clipboard (tabs, a quoted cell with a line break), with
    // the page's join marks for the merged cells and a caption line above.
    let body = "经研究，安排如下。\n\n表1 项目安排\n类别\t项目\t资金（万元）\t<\n^\t^\t区级\t街道\n教育\t\"新建\n幼儿园\"\t1200\t300\n^\t食堂改造\t800\t0\n合计\t<\t2000\t300\n\n各单位抓好落实。";
    let request = serde_json::json!({
        "template": "bulletin", "record": {"title": "粘贴的表格"}, "body": body,
    });
    let docx = server.post_json("/api/convert?format=docx", &request);
    assert_eq!(docx.status, 200, "{}", docx.text());
    let xml = String::from_utf8(zip_entry(&docx.body, "word/document.xml")).expect("xml");
    // 资金 and 合计 span two columns; 类别, 项目 and 教育 continue down (vMerge).
    assert_eq!(xml.matches("<w:gridSpan w:val=\"2\"/>").count(), 2, "{xml}");
    assert_eq!(xml.matches("<w:vMerge/>").count(), 3);
    assert_eq!(xml.matches("<w:tblHeader/>").count(), 2, "a two-row header");
    assert!(xml.contains("表1 项目安排"));
    if have("pdftotext") {
        let pdf = server.post_json("/api/convert?format=pdf", &request);
        assert_eq!(pdf.status, 200);
        let text = squeeze(&pdf_text(&pdf.body, &scratch));
        for cell in ["资金（万元）", "区级", "幼儿园", "合计", "2000"] {
            assert_eq!(text.matches(cell).count(), 1, "{cell} once in {text}");
        }
        assert!(!text.contains('^') && !text.contains('<'), "{text}");
    }
    // A join mark that cannot be honoured is refused at the body, naming the line and cell.
    let wrong = server.post_json(
        "/api/preview",
        &serde_json::json!({"template": "bulletin", "record": {"title": "t"},
            "body": "正文。\n\n<\t甲\n乙\t丙"}),
    );
    assert_eq!((wrong.status, wrong.problem_field()), (422, "body".into()));
    assert!(
        wrong.text().contains("line 3: the table's row 1, cell 1"),
        "{}",
        wrong.text()
    );
    std::fs::remove_dir_all(&scratch).ok();
}

/// The preview holds an official template to what `convert` does: a field the format does not
/// print is refused at that field, and what `check` says against GB/T 9704-2012 comes back as
/// a warning naming the field.
#[test]
fn the_preview_refuses_what_the_format_does_not_print_and_warns_as_check_does() {
    let server = Server::start("formats", &[]);
    let request = |template: &str, record: serde_json::Value| serde_json::json!({"template": template, "record": record, "body": "正文。"});
    let order = serde_json::json!({"title": "某令", "issuer_mark": "某市人民政府令", "order_number": "第1号"});
    let refused = server.post_json("/api/preview", &request("gongwen", order.clone()));
    assert_eq!(
        (refused.status, refused.problem_field()),
        (422, "order_number".into())
    );
    assert!(refused.text().contains("mingling"), "{}", refused.text());
    let drawn = server.post_json("/api/preview", &request("mingling", order));
    assert_eq!(drawn.status, 200, "{}", drawn.text());
    let numbered = server.post_json(
        "/api/preview",
        &request(
            "gongwen",
            serde_json::json!({"title": "某通知", "doc_number": "某环发[2025]12号"}),
        ),
    );
    assert_eq!(numbered.status, 200, "{}", numbered.text());
    let warnings = numbered.json()["warnings"].to_string();
    assert!(
        warnings.contains("doc_number") && warnings.contains("〔2025〕"),
        "{warnings}"
    );
}

/// Screenshots of the clerk's test that docs/使用说明.md shows (scripts/screenshots).
const GUIDE_SHOTS: [&str; 5] = [
    "guide-form.png",
    "guide-restored.png",
    "guide-official.png",
    "guide-errors.png",
    "guide-upload.png",
];

#[test]
fn a_clerks_day_in_chromium_keeps_the_draft_and_speaks_chinese_at_each_field() {
    if !browser_usable() {
        return;
    }
    let server = Server::start("clerk", &[]);
    let out = fresh_dir("web", "clerk-out");
    let batch = out.join("月度稿件.ndjson");
    std::fs::write(
        &batch,
        "{\"title\":\"第一篇\",\"id\":\"first\",\"url\":\"https://www.example.gov.cn/first.html\",\"body\":\"正文一。\"}\n{\"title\":\"第二篇\",\"url\":\"ftp://bad\"}\n{\"titel\":\"第三篇\"}\n{\"title\":\"第四篇\",\"published\":\"2025-02-30\"}\n",
    )
    .expect("write batch");
    let not_an_image = out.join("扫描件.pdf");
    std::fs::write(
        &not_an_image,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    )
    .expect("write pdf");
    let seen = browser_script(
        "clerk.mjs",
        &server,
        &[
            &root().join("examples/images/process.png"),
            &not_an_image,
            &batch,
            &out,
        ],
    );
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();

    // Template names in Chinese, in English when switched; a description in Chinese.
    let names = seen["templateNames"].to_string();
    for name in [
        "新闻稿（A4）",
        "宣传单（A5）",
        "公文（GB/T 9704）",
        "纪要（GB/T 9704 纪要格式）",
    ] {
        assert!(names.contains(name), "{name} not in {names}");
    }
    assert!(!names.contains("\"gongwen\""), "{names}");
    assert!(seen["templateNamesEn"]
        .to_string()
        .contains("Official document (GB/T 9704)"));
    assert!(s(&seen["templateDescription"]).contains("二维码"), "{seen}");

    // The tabs by keyboard.
    assert_eq!(
        seen["tabsRight"],
        serde_json::json!({"focused": "tab-upload", "selected": "true", "uploadShown": true})
    );
    assert_eq!(seen["tabsLeft"], "tab-form true");

    // Dates as people write them, and what was understood.
    assert_eq!(seen["understood"], "理解为 2025-02-18 18:03");
    assert_eq!(seen["zoomHint"], "点击页面（或按回车键）放大或缩小");
    assert_eq!(seen["zoomedByKey"], true);
    assert_eq!(
        seen["previewLive"],
        serde_json::json!({"asideLive": null, "statusRole": "status"})
    );

    // File names from the title and the 发文字号; one status line, not a growing one.
    assert_eq!(
        seen["newsPdfName"],
        "关于做好春节期间安全生产工作的通知.pdf"
    );
    assert_eq!(seen["officialPdfName"], "某应急发〔2025〕12号.pdf");
    assert_eq!(
        seen["downloadStatus"],
        "已下载 关于做好春节期间安全生产工作的通知.docx。"
    );

    // The reload asked first, then restored the draft exactly, and said so.
    assert_eq!(seen["dialogs"][0], "beforeunload", "{}", seen["dialogs"]);
    assert!(
        s(&seen["restoredText"]).contains("已恢复上次的草稿"),
        "{seen}"
    );
    assert_eq!(seen["restoredSame"], true);

    // The official template shows no news-only field and explains 发文机关 for itself.
    assert_eq!(seen["officialHides"], serde_json::json!([]));
    assert!(
        s(&seen["issuerLabel"]).contains("不打印"),
        "{}",
        seen["issuerLabel"]
    );

    // 保存记录 then 打开记录: the same form, the dates now in the record's own form.
    assert_eq!(seen["recordName"], "某应急发〔2025〕12号.zip");
    assert_eq!(seen["clearedTitle"], "");
    let differs = seen["reopenedDiffers"].as_array().expect("list");
    let mut fields: Vec<(String, String)> = differs
        .iter()
        .map(|d| (s(&d["field"]), s(&d["reopened"])))
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("printed_date".to_owned(), "2025-02-18".to_owned()),
            ("published".to_owned(), "2025-02-18 18:03".to_owned()),
            ("signature.date".to_owned(), "2025-02-18".to_owned()),
        ],
        "{differs:?}"
    );
    assert_eq!(seen["reopenedCaption"], "图1 值班流程");
    assert!(s(&seen["recordStatus"]).contains("已打开"), "{seen}");
    let record = zip_entry(
        &std::fs::read(out.join("saved-record.zip")).expect("saved"),
        "某应急发〔2025〕12号.json",
    );
    let record: serde_json::Value = serde_json::from_slice(&record).expect("record JSON");
    assert_eq!(record["signature"]["date"], "2025-02-18");
    assert_eq!(record["signature"]["sealed"], false);
    assert_eq!(record["secrecy_period"], "1年");

    // Every message provoked is Chinese and sits at its field.
    let messages = &seen["messages"];
    assert_eq!(messages["emptySignatureDate"], "请填写成文日期");
    assert_eq!(
        messages["pdfaWithoutDate"],
        "归档用 PDF/A 须有日期：请填写发布时间，或不勾选“归档用 PDF/A”"
    );
    assert!(
        s(&messages["pdfaMissingChar"]).starts_with("归档用 PDF/A 不允许没有字体的字符")
            && s(&messages["pdfaMissingChar"]).contains("𠀀"),
        "{messages}"
    );
    assert_eq!(
        messages["pdfAsImage"],
        "扫描件.pdf: 图片须为 PNG 或 JPEG 格式"
    );
    assert_eq!(messages["pdfAsImageLater"], messages["pdfAsImage"]);
    assert!(
        s(&messages["longId"]).starts_with("文件名太长（201 字节）"),
        "{messages}"
    );
    assert_eq!(messages["emptyTitle"], "请填写标题");
    assert_eq!(
        messages["tableJoin"],
        "第 3 行（表格第 1 行第 1 格）：“<”表示并入左边一格，但这是该行第一格"
    );
    assert_eq!(seen["focusedAfterError"], "title");
    assert_eq!(
        seen["titleErrorAfterFix"], "",
        "a corrected field's error goes"
    );
    for text in seen["errorTexts"].as_array().expect("errors") {
        let text = s(text);
        assert!(
            text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                && !text.contains('`')
                && !text.contains("--"),
            "not plain Chinese: {text}"
        );
    }

    // The failed record of an upload is listed on the page, in Chinese.
    assert_eq!(seen["zipName"], "月度稿件-bulletin.zip");
    assert!(
        s(&seen["uploadStatus"]).starts_with("已转换 1 篇，3 篇失败"),
        "{seen}"
    );
    let failures: Vec<String> = seen["uploadFailures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(s)
        .collect();
    assert_eq!(
        failures,
        [
            "月度稿件.ndjson 第 2 行：网页地址：网址应以 http:// 或 https:// 开头，例如 https://www.example.gov.cn/a.html",
            "月度稿件.ndjson 第 3 行：没有“titel”这一项，应为“title”吗？",
            "月度稿件.ndjson 第 4 行：发布时间：没有这一天，请检查日期",
        ]
    );
    assert_eq!(
        seen["orderShowsSignatureName"], false,
        "命令 is signed by its signers"
    );
    assert_eq!(messages["qrWithoutUrl"], "生成二维码需要填写网页地址");
    assert_eq!(messages["qrWithoutUrlLater"], messages["qrWithoutUrl"]);

    // Nothing wider than the window at 1366×768 or at 390 px.
    for size in ["laptop", "phone"] {
        let layout = &seen["layout"][size];
        assert!(
            layout["scrollWidth"].as_u64() <= layout["innerWidth"].as_u64(),
            "{size}: {layout}"
        );
    }
    assert_eq!(seen["consoleErrors"], serde_json::json!([]));
    for shot in GUIDE_SHOTS {
        assert!(
            std::fs::metadata(out.join(shot)).is_ok_and(|m| m.len() > 10_000),
            "{shot}"
        );
    }
    if let Some(keep) = std::env::var_os("BULLETIN_SCREENSHOTS") {
        for shot in GUIDE_SHOTS
            .iter()
            .chain(&["page-laptop.png", "page-phone.png"])
        {
            let _ = std::fs::copy(out.join(shot), Path::new(&keep).join(shot));
        }
    }
    std::fs::remove_dir_all(&out).ok();
}

/// 保存记录 and 打开记录 over HTTP: the form becomes a record file `convert` reads (dates in
/// the record's form), a record of any format opens back into the form's fields, and a record
/// that cannot be converted is refused in the record's own words, naming the field.
#[test]
fn records_are_saved_from_the_form_and_opened_back_into_it() {
    let server = Server::start("records", &[]);
    let dir = fresh_dir("web", "records-files");
    let form = serde_json::json!({
        "template": "gongwen",
        "record": {"title": "关于开展安全检查的通知", "doc_number": "某发〔2025〕3号",
                   "published": "2025/3/3", "signature": {"name": "某局", "date": "2025年3月3日", "sealed": false}},
        "body": "一、检查内容\n\n全面检查。",
    });
    let saved = server.post_json("/api/record", &form);
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert!(
        saved
            .header("content-disposition")
            .is_some_and(|d| d.contains("%E6%9F%90%E5%8F%91%E3%80%942025%E3%80%953%E5%8F%B7.json")),
        "named from the 发文字号: {:?}",
        saved.header("content-disposition")
    );
    let record = saved.json();
    assert_eq!(record["published"], "2025-03-03");
    assert_eq!(record["signature"]["date"], "2025-03-03");
    assert_eq!(record["body"][0]["type"], "heading");
    // `convert` reads it.
    let path = dir.join("saved.json");
    std::fs::write(&path, &saved.body).expect("write");
    let converted = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args([
            "convert",
            path.to_str().expect("path"),
            "--template",
            "gongwen",
            "--formats",
            "pdf",
            "--out",
        ])
        .arg(&dir)
        .output()
        .expect("convert");
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );

    // It opens back into the form, and so does a YAML record.
    let opened = server.post("/api/import?name=saved.json", &saved.body);
    assert_eq!(opened.status, 200, "{}", opened.text());
    let answer = opened.json();
    assert_eq!(answer["format"], "document");
    assert_eq!(answer["fields"]["signature.sealed"], false);
    assert_eq!(answer["fields"]["doc_number"], "某发〔2025〕3号");
    assert_eq!(answer["body"], "一、检查内容\n\n全面检查。");
    let yaml = std::fs::read(root().join("examples/official-request.yaml")).expect("example");
    let opened = server
        .post("/api/import?name=official-request.yaml", &yaml)
        .json();
    assert_eq!(opened["fields"]["signer"], "赵世德");
    assert_eq!(
        opened["fields"]["attachments"],
        "草原生态环境监测能力建设项目清单"
    );
    assert!(opened["body"]
        .as_str()
        .is_some_and(|b| b.ends_with("妥否，请批示。")));

    // A record that cannot be converted, and a ZIP of two, are refused.
    let bad = server.post(
        "/api/import?name=bad.json",
        br#"{"title": "t", "published": "2025-02-30"}"#,
    );
    assert_eq!(bad.status, 422);
    assert!(
        bad.text().contains("bad.json")
            && bad.text().contains("published")
            && bad.text().contains("not a real calendar date"),
        "{}",
        bad.text()
    );
    let two = zip_of(&[
        ("a.json", br#"{"title": "a"}"#),
        ("b.json", br#"{"title": "b"}"#),
    ]);
    let refused = server.post("/api/import?name=two.zip", &two);
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .text()
            .contains("holds 2 records; the form takes one"),
        "{}",
        refused.text()
    );

    // A batch's failures come back in a header, for the page to list.
    let batch = b"{\"title\":\"a\",\"id\":\"a\"}\n{\"title\":\"b\",\"url\":\"ftp://x\"}\n";
    let answer = server.post(
        "/api/batch?name=two.ndjson&template=bulletin&formats=pdf",
        batch,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let header = answer
        .header("x-bulletin-failures")
        .expect("failures header");
    assert!(
        header.starts_with("%5B%7B") && header.contains("two.ndjson"),
        "{header}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
