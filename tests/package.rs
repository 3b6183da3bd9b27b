//! The download an office gets (`scripts/package`): unpacked into an empty directory, it
//! converts a record from another working directory with its own fonts, and its start script
//! serves the page on loopback and opens the browser on it.

#![cfg(unix)] // the start script and process groups are Unix's

mod common;

use common::{fresh_dir, root};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn host_target() -> String {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("host line")
        .to_owned()
}

/// Packages the binary under test and unpacks the archive into an empty directory; returns
/// the package's directory.
fn unpacked(scratch: &Path) -> PathBuf {
    let dist = scratch.join("dist");
    let out = Command::new("bash")
        .arg(root().join("scripts/package"))
        .args(["--binary", env!("CARGO_BIN_EXE_bulletin"), "--out"])
        .arg(&dist)
        .output()
        .expect("scripts/package runs");
    assert!(
        out.status.success(),
        "scripts/package failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = format!("bulletin-{}-{}", env!("CARGO_PKG_VERSION"), host_target());
    let archive = dist.join(format!("{name}.tar.gz"));
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        said.lines().last().map(PathBuf::from),
        Some(archive.clone()),
        "the archive's path is the last line"
    );
    let empty = scratch.join("unpacked");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&empty)
        .status()
        .expect("tar runs");
    assert!(status.success());
    let entries: Vec<String> = std::fs::read_dir(&empty)
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, std::slice::from_ref(&name), "one top directory");
    empty.join(name)
}

#[test]
fn the_package_unpacked_anywhere_converts_and_serves_with_its_own_fonts() {
    let scratch = fresh_dir("package", "unpack");
    let package = unpacked(&scratch);

    // What an office needs is in it.
    for part in [
        "bulletin",
        "启动 bulletin.sh",
        "使用说明.md",
        "README.md",
        "fonts/FandolSong-Regular.otf",
        "fonts/NotoSerifCJK-Regular.ttc",
        "fonts/LICENSE-Fandol-GPL3.txt",
        "fonts/LICENSE-Fandol-font-exception.txt",
        "fonts/LICENSE-Liberation-OFL.txt",
        "fonts/LICENSE-NotoSerifCJK-OFL.txt",
        "fonts/README.md",
        "examples/official-notice.json",
    ] {
        assert!(
            package.join(part).is_file(),
            "{part} missing from the package"
        );
    }
    // Every picture the guide shows is in the package, where the guide says.
    let guide = std::fs::read_to_string(package.join("使用说明.md")).expect("guide");
    let pictures: Vec<&str> = guide
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|link| link.ends_with(".png"))
        .collect();
    assert!(pictures.len() >= 5, "{pictures:?}");
    for picture in pictures {
        assert!(package.join(picture).is_file(), "{picture} missing");
    }

    // A record converted from another working directory, with the package's fonts.
    let work = scratch.join("elsewhere");
    std::fs::create_dir_all(&work).expect("mkdir");
    std::fs::copy(
        root().join("examples/official-notice.json"),
        work.join("通知.json"),
    )
    .expect("copy");
    let out = Command::new(package.join("bulletin"))
        .args([
            "convert",
            "通知.json",
            "--template",
            "gongwen",
            "--out",
            "输出",
        ])
        .current_dir(&work)
        .env_remove("BULLETIN_FONT_DIR")
        .output()
        .expect("the packaged binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made: Vec<String> = std::fs::read_dir(work.join("输出"))
        .expect("outputs")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for kind in [".pdf", ".docx"] {
        assert!(
            made.iter().any(|m| m.ends_with(kind)),
            "{kind} not in {made:?}"
        );
    }

    // The start script serves the page on loopback and opens the browser on it.
    let opened = scratch.join("opened.txt");
    let browser = scratch.join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .expect("write");
    Command::new("chmod")
        .arg("+x")
        .arg(&browser)
        .status()
        .expect("chmod");
    // Its own process group, so that the script and the server it starts are stopped together.
    let mut server = Command::new(package.join("启动 bulletin.sh"))
        .args(["--addr", "127.0.0.1:0"])
        .current_dir(&work)
        .env("BROWSER", &browser)
        .env_remove("BULLETIN_FONT_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("the start script runs");
    let group = server.id();
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let mut said = Vec::new();
    while said.len() < 3 {
        match lines.next() {
            Some(Ok(line)) => said.push(line),
            _ => break,
        }
    }
    let address = said
        .iter()
        .find_map(|l| l.split("http://").nth(1))
        .and_then(|rest| rest.split('/').next())
        .map(str::to_owned);
    let fonts_line = said.iter().find(|l| l.contains("fonts from")).cloned();
    let page = address.as_deref().map(|addr| {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .write_all(
                format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
            )
            .expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read");
        answer
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while !opened.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let opened_url = std::fs::read_to_string(&opened).unwrap_or_default();

    // A second start on the same port says, in Chinese, that the port is taken.
    let second = address.as_deref().map(|addr| {
        Command::new(package.join("启动 bulletin.sh"))
            .args(["--addr", addr])
            .current_dir(&work)
            .env("BROWSER", &browser)
            .stdin(Stdio::null())
            .output()
            .expect("the start script runs")
    });
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{group}")])
        .status();
    let _ = server.wait();

    let address = address.unwrap_or_else(|| panic!("no address in {said:?}"));
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let page = page.unwrap_or_default();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("文章打印稿"), "the page itself");
    assert_eq!(
        opened_url,
        format!("http://{address}/"),
        "--open opened the page"
    );
    let second = second.expect("a second start");
    let said = String::from_utf8_lossy(&second.stdout);
    assert_eq!(second.status.code(), Some(2), "{said}");
    assert!(said.contains("端口已被占用"), "{said}");
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("the port is in use"),
        "{second:?}"
    );
    let fonts_dir = package.join("fonts");
    assert_eq!(
        fonts_line.as_deref(),
        Some(format!("bulletin serve: fonts from {}", fonts_dir.display()).as_str()),
        "the package's own fonts, found beside the binary"
    );
    std::fs::remove_dir_all(&scratch).ok();
}
