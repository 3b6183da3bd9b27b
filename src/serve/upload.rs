//! Dropped files: one record, an NDJSON batch or a ZIP of records (with their images). They are
//! converted by the batch engine inside the request's private directory and answered with a
//! ZIP of the outputs and the batch report.

use super::{download, query, ApiError, AppState, QueryResult};
use crate::batch::{self, BatchOptions, Input, Progress};
use crate::Formats;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

const RECORD_EXTENSIONS: &[&str] = &["json", "yaml", "yml", "toml"];
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg"];
/// The first [`FAILURES_SHOWN`] failed records as the page shows them, `[{source, line,
/// error}]` in JSON, percent-encoded (RFC 3986) to fit a header; each error cut at 600
/// characters. The whole report is in the ZIP.
fn failures_header(records: &[batch::RecordReport]) -> Option<axum::http::HeaderValue> {
    #[derive(serde::Serialize)]
    struct Failure<'a> {
        source: &'a str,
        line: Option<usize>,
        error: String,
    }
    let failures: Vec<Failure> = records
        .iter()
        .filter_map(|r| {
            let error = r.error.as_deref()?;
            Some(Failure {
                source: &r.source,
                line: r.line,
                error: error.chars().take(600).collect(),
            })
        })
        .take(FAILURES_SHOWN)
        .collect();
    if failures.is_empty() {
        return None;
    }
    let json = serde_json::to_string(&failures).ok()?;
    super::percent_encode(&json).parse().ok()
}

/// How many failed records the page lists (the rest are counted).
const FAILURES_SHOWN: usize = 20;

/// The report's name inside the answer's ZIP.
pub const REPORT_NAME: &str = "bulletin-report.json";

/// What kind of upload it is, by content first (ZIP) and then by the file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Upload {
    Zip,
    Ndjson,
    Record,
}

pub(super) async fn batch(
    State(state): State<Arc<AppState>>,
    params: QueryResult,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let max_body = state.limits.max_body;
    let result = async {
        let params = query(params)?;
        let bytes = body.map_err(|r| ApiError::body(r, max_body))?;
        let name = params.name.unwrap_or_default();
        let upload = upload_kind(&bytes, &name)?;
        let template_name = params.template.unwrap_or_else(|| "bulletin".to_owned());
        let formats = Formats::parse(params.formats.as_deref().unwrap_or("pdf,docx,qr"))
            .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, "formats", e))?;
        state
            .run(move |state, workspace| {
                let template = state.template(&template_name)?.template.clone();
                let inputs_dir = workspace.path().join("in");
                let out = workspace.path().join("out");
                for dir in [&inputs_dir, &out] {
                    std::fs::create_dir(dir).map_err(|e| ApiError::internal(e.to_string()))?;
                }
                let (input, records) = unpack(upload, &bytes, &name, &inputs_dir, state)?;
                if records == 0 {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "the upload holds no records (.json, .yaml, .yml or .toml files, or NDJSON lines)",
                    ));
                }
                if records > state.limits.max_records {
                    return Err(ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!(
                            "the upload holds {records} records; the page converts at most {} at once \
                             (use `bulletin batch` for larger archives)",
                            state.limits.max_records
                        ),
                    ));
                }
                let options = BatchOptions {
                    out: out.clone(),
                    template,
                    fonts: state.fonts.clone(),
                    formats,
                    jobs: state.limits.workers.max(1),
                    skip_unchanged: false,
                    shard: None,
                    normalize_punctuation: false,
                    progress: Progress::Quiet,
                    confine_images: true,
                };
                let mut report = batch::run(&[input], &options);
                // Name sources as the user knows them, not by the private directory.
                let prefix = format!("{}/", inputs_dir.display());
                for record in &mut report.records {
                    if let Some(rest) = record.source.strip_prefix(&prefix) {
                        record.source = rest.to_owned();
                    }
                    if let Some(error) = &mut record.error {
                        *error = error.replace(&prefix, "");
                    }
                }
                // The answer's entries are plain file names, whatever the upload held: an output
                // whose name is not one (or comes twice) is left out and its record says so.
                let mut outputs = Vec::new();
                let mut names = std::collections::HashSet::from([REPORT_NAME.to_owned()]);
                for record in &mut report.records {
                    let failed_before = record.error.is_some();
                    let mut kept = Vec::new();
                    for output in std::mem::take(&mut record.outputs) {
                        let problem = if !plain_file_name(&output.file) {
                            "is not a plain file name"
                        } else if !names.insert(output.file.clone()) {
                            "is already in the answer"
                        } else {
                            let bytes = std::fs::read(out.join(&output.file))
                                .map_err(|e| ApiError::internal(e.to_string()))?;
                            outputs.push((output.file.clone(), bytes));
                            kept.push(output);
                            continue;
                        };
                        let message = format!("the output `{}` {problem}; left out", output.file);
                        record.error = Some(match record.error.take() {
                            Some(error) => format!("{error}; {message}"),
                            None => message,
                        });
                    }
                    record.outputs = kept;
                    if !failed_before && record.error.is_some() {
                        report.totals.failed += 1;
                        report.totals.converted = report.totals.converted.saturating_sub(1);
                    }
                }
                let mut files = vec![(
                    REPORT_NAME.to_owned(),
                    serde_json::to_vec_pretty(&report)
                        .map_err(|e| ApiError::internal(e.to_string()))?,
                )];
                files.extend(outputs);
                let archive = crate::output::zip_archive(files, |n| n.ends_with(".png"))
                    .map_err(ApiError::internal)?;
                let mut headers = HeaderMap::new();
                for (key, value) in [
                    ("x-bulletin-records", report.totals.records),
                    ("x-bulletin-failed", report.totals.failed),
                ] {
                    if let Ok(v) = value.to_string().parse() {
                        headers.insert(key, v);
                    }
                }
                if let Some(v) = failures_header(&report.records) {
                    headers.insert("x-bulletin-failures", v);
                }
                let stem = Path::new(&name)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .filter(|s| !s.is_empty())
                    .unwrap_or("records");
                Ok(download(
                    &format!("{stem}-bulletin.zip"),
                    "application/zip",
                    archive,
                    headers,
                ))
            })
            .await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn upload_kind(bytes: &[u8], name: &str) -> Result<Upload, ApiError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Upload::Zip);
    }
    let ext = extension(name);
    if ext == "ndjson" || ext == "jsonl" {
        Ok(Upload::Ndjson)
    } else if RECORD_EXTENSIONS.contains(&ext.as_str()) {
        Ok(Upload::Record)
    } else if ext == "zip" {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("`{name}` is named .zip but is not a ZIP archive"),
        ))
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "`{name}` is not a file the page converts: give a record (.json, .yaml, .yml, .toml), \
                 an NDJSON batch (.ndjson, .jsonl) or a ZIP of records"
            ),
        ))
    }
}

/// Places the upload in `dir`; returns the batch input and the number of records.
fn unpack(
    upload: Upload,
    bytes: &[u8],
    name: &str,
    dir: &Path,
    state: &AppState,
) -> Result<(Input, usize), ApiError> {
    let write = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|e| ApiError::internal(e.to_string()))
    };
    match upload {
        Upload::Record | Upload::Ndjson => {
            // Only the file name is kept: the upload's name never chooses a directory.
            let file_name = Path::new(name)
                .file_name()
                .and_then(|n| n.to_str())
                .filter(|n| !n.starts_with('.'))
                .unwrap_or(if upload == Upload::Ndjson {
                    "records.ndjson"
                } else {
                    "record.json"
                });
            let path = dir.join(file_name);
            write(&path, bytes)?;
            if upload == Upload::Record {
                Ok((Input::File(path), 1))
            } else {
                let lines = bytes
                    .split(|b| *b == b'\n')
                    .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                    .count();
                Ok((Input::Ndjson(path), lines))
            }
        }
        Upload::Zip => {
            let records = unzip(
                bytes,
                dir,
                state.limits.max_body.saturating_mul(10),
                state.limits.max_records,
            )?;
            Ok((Input::Dir(dir.to_path_buf()), records))
        }
    }
}

/// Whether `name` can stand as an entry of the answer's ZIP: one file name, no directory, no
/// `..` anywhere in it.
fn plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name != "."
        && !name.contains("..")
        && !name.contains(['/', '\\', '\0'])
}

/// Longest file or directory name most file systems take (bytes).
/// Most records and images one uploaded ZIP may unpack (the record limit alone would let
/// images through by the million), and most folders deep an entry may lie.
const MAX_ENTRIES: usize = 10_000;
const MAX_DEPTH: usize = 32;
/// Most bytes of folder names one ZIP may create, all folders together.
const MAX_FOLDER_BYTES: usize = 8 * 1024 * 1024;
const MAX_NAME_BYTES: usize = 255;
/// Longest entry name unpacked (bytes), well within the system's path limit.
const MAX_PATH_BYTES: usize = 1024;

/// An entry name for messages: cut short when very long.
fn shown(name: &str) -> String {
    if name.len() <= 120 {
        return name.to_owned();
    }
    let mut end = 100;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &name[..end], name.len())
}

/// Extracts the records and images of a ZIP into `dir`; other entries are ignored. Everything
/// is checked on the archive's central directory before anything is unpacked: entry names
/// that would leave `dir` (absolute, `..`) or that a file system cannot hold (a name over 255
/// bytes), two entries that would unpack to one file, or a file where another entry needs a
/// directory are refused, naming the entry (422), and so is an archive with more than
/// `max_records` records (413). Unpacking stops at `max_bytes` (413).
pub(super) fn unzip(
    bytes: &[u8],
    dir: &Path,
    max_bytes: usize,
    max_records: usize,
) -> Result<usize, ApiError> {
    let bad = |message: String| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message);
    let refuse = |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("the ZIP archive cannot be read: {e}")))?;
    // The central directory may name one entry twice; the ZIP reader keeps only one of them.
    if let Some(name) = duplicate_entry(bytes) {
        return Err(refuse(format!(
            "the ZIP archive holds two entries named `{}`",
            shown(&name)
        )));
    }
    // First pass, on the central directory only: what is unpacked, and where.
    let mut wanted: Vec<(usize, PathBuf)> = Vec::new();
    let mut declared = 0u64;
    let mut files: std::collections::HashMap<PathBuf, String> = std::collections::HashMap::new();
    // Each folder names the first entry that needs it (shared, not copied per folder).
    let mut dirs: std::collections::HashMap<PathBuf, std::rc::Rc<str>> =
        std::collections::HashMap::new();
    // Records and images to unpack: each costs a file (and its folders) on disk.
    let mut kept = 0usize;
    let mut folder_bytes = 0usize;
    let mut records = 0usize;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| bad(format!("the ZIP archive cannot be read: {e}")))?;
        let (entry_name, enclosed, is_dir, is_symlink, size) = (
            entry.name().to_owned(),
            entry.enclosed_name(),
            entry.is_dir(),
            entry.is_symlink(),
            entry.size(),
        );
        drop(entry);
        if is_dir {
            continue;
        }
        let Some(enclosed) = enclosed else {
            return Err(refuse(format!(
                "the ZIP entry `{}` points outside the archive",
                shown(&entry_name)
            )));
        };
        // `a/./b` and `a/../b` written as the file they name (`a/b`, `b`).
        let mut relative = PathBuf::new();
        for component in enclosed.components() {
            match component {
                Component::Normal(part) => relative.push(part),
                Component::ParentDir => {
                    relative.pop();
                }
                _ => {}
            }
        }
        if relative.as_os_str().is_empty() {
            continue;
        }
        let hidden = relative.components().any(|c| {
            c.as_os_str()
                .to_str()
                .is_none_or(|s| s.starts_with('.') || s == "__MACOSX")
        });
        let ext = extension(&entry_name);
        let is_record = RECORD_EXTENSIONS.contains(&ext.as_str());
        if hidden || is_symlink || !(is_record || IMAGE_EXTENSIONS.contains(&ext.as_str())) {
            continue;
        }
        kept += 1;
        if kept > MAX_ENTRIES {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the ZIP archive holds more than {MAX_ENTRIES} records and images;                      use `bulletin batch` for larger archives"
                ),
            ));
        }
        if relative.components().count() > MAX_DEPTH {
            return Err(refuse(format!(
                "the ZIP entry `{}` lies more than {MAX_DEPTH} folders deep",
                shown(&entry_name)
            )));
        }
        records += usize::from(is_record);
        if records > max_records {
            // Too many: only counted from here on, for the message.
            continue;
        }
        let too_long = relative
            .components()
            .any(|c| c.as_os_str().len() > MAX_NAME_BYTES);
        if too_long || relative.as_os_str().len() > MAX_PATH_BYTES {
            return Err(refuse(format!(
                "the ZIP entry `{}` has a name longer than {MAX_NAME_BYTES} bytes (or a path \
                 longer than {MAX_PATH_BYTES}); shorten it",
                shown(&entry_name)
            )));
        }
        if let Some(first) = files.get(&relative) {
            return Err(refuse(format!(
                "the ZIP entries `{}` and `{}` unpack to the same file",
                shown(first),
                shown(&entry_name)
            )));
        }
        if let Some(other) = dirs.get(&relative) {
            return Err(refuse(format!(
                "the ZIP entry `{}` is a file, but `{}` needs a directory of that name",
                shown(&entry_name),
                shown(other)
            )));
        }
        let shared: std::rc::Rc<str> = entry_name.as_str().into();
        for parent in relative.ancestors().skip(1) {
            if parent.as_os_str().is_empty() {
                break;
            }
            if let Some(file) = files.get(parent) {
                return Err(refuse(format!(
                    "the ZIP entry `{}` needs a directory where `{}` is a file",
                    shown(&entry_name),
                    shown(file)
                )));
            }
            if dirs.contains_key(parent) {
                break;
            }
            // The folders' names are held while the archive is judged: bounded.
            folder_bytes += parent.as_os_str().len();
            if folder_bytes > MAX_FOLDER_BYTES {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the ZIP archive has too many folders; use `bulletin batch` for it",
                ));
            }
            dirs.insert(parent.to_path_buf(), shared.clone());
        }
        files.insert(relative.clone(), entry_name);
        declared = declared.saturating_add(size);
        wanted.push((i, relative));
    }
    if records > max_records {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the upload holds {records} records; the page converts at most {max_records} \
                 at once (use `bulletin batch` for larger archives)"
            ),
        ));
    }
    let too_big = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the ZIP archive unpacks to more than {} MB",
                max_bytes / (1024 * 1024)
            ),
        )
    };
    // The sizes the directory states are checked first; unpacking checks the real ones.
    if declared > max_bytes as u64 {
        return Err(too_big());
    }
    // Second pass: unpack.
    let mut unpacked = 0usize;
    for (i, relative) in wanted {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| bad(format!("the ZIP archive cannot be read: {e}")))?;
        let entry_name = entry.name().to_owned();
        let target: PathBuf = dir.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| ApiError::internal(e.to_string()))?;
        }
        let mut content = Vec::new();
        let room = max_bytes.saturating_sub(unpacked);
        (&mut entry)
            .take(room as u64 + 1)
            .read_to_end(&mut content)
            .map_err(|e| bad(format!("the ZIP entry `{entry_name}` cannot be read: {e}")))?;
        unpacked += content.len();
        if unpacked > max_bytes {
            return Err(too_big());
        }
        std::fs::write(&target, content).map_err(|e| ApiError::internal(e.to_string()))?;
    }
    Ok(records)
}

/// A name the archive's central directory gives to more than one entry (the ZIP reader would
/// keep one of them and silently drop the other). Read straight from the end-of-central-
/// directory record; an archive whose directory cannot be found this way is left to the
/// ZIP reader.
fn duplicate_entry(bytes: &[u8]) -> Option<String> {
    const END: &[u8] = b"PK\x05\x06";
    const ENTRY: &[u8] = b"PK\x01\x02";
    let u16_at = |at: usize| -> Option<usize> {
        bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |at: usize| -> Option<usize> {
        bytes
            .get(at..at + 4)
            .and_then(|b| usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok())
    };
    // The end record is within the last 22 + 65535 bytes (its comment is at most 65535).
    let from = bytes.len().saturating_sub(22 + 65_535);
    let end = (from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(END))?;
    let size = u32_at(end + 12)?;
    // The directory lies just before the end record (before a ZIP64 end record, if any).
    if end >= 20 && bytes[end - 20..].starts_with(b"PK\x06\x07") {
        return None;
    }
    let start = end.checked_sub(size)?;
    let mut seen = std::collections::HashSet::new();
    let mut at = start;
    while at < end && bytes.get(at..)?.starts_with(ENTRY) {
        let name_len = u16_at(at + 28)?;
        let extra_len = u16_at(at + 30)?;
        let comment_len = u16_at(at + 32)?;
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("start");
            zip.write_all(bytes).expect("write");
        }
        zip.finish().expect("finish").into_inner()
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("bulletin-unzip-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        dir
    }

    #[test]
    fn unzips_records_and_images_and_nothing_else() {
        let dir = scratch("plain");
        let bytes = zip_of(&[
            ("a.json", b"{}"),
            ("sub/b.yaml", b"title: x"),
            ("sub/p.png", b"png"),
            ("notes.txt", b"ignored"),
            ("__MACOSX/._a.json", b"junk"),
        ]);
        assert_eq!(unzip(&bytes, &dir, 1 << 20, 10).ok(), Some(2));
        assert!(dir.join("sub/b.yaml").exists() && dir.join("sub/p.png").exists());
        assert!(!dir.join("notes.txt").exists() && !dir.join("__MACOSX").exists());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn refuses_entries_that_leave_the_directory_and_archives_that_unpack_too_far() {
        let dir = scratch("evil");
        let escape = zip_of(&[("../escape.json", b"{}")]);
        let error = unzip(&escape, &dir, 1 << 20, 10).expect_err("refused");
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!dir.parent().expect("parent").join("escape.json").exists());
        let big = vec![b' '; 4096];
        let bomb = zip_of(&[("a.json", &big), ("b.json", &big)]);
        let error = unzip(&bomb, &dir, 5000, 10).expect_err("refused");
        assert_eq!(error.status, StatusCode::PAYLOAD_TOO_LARGE);
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Nothing of `dir` but the directory itself.
    fn is_empty(dir: &Path) -> bool {
        std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
    }

    #[test]
    fn images_by_the_thousand_and_deep_folders_are_refused_before_unpacking() {
        let dir = scratch("images");
        let names: Vec<String> = (0..=MAX_ENTRIES)
            .map(|i| format!("{i}/a/b/p.png"))
            .collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let error = unzip(&zip_of(&entries), &dir, 1 << 30, 10).expect_err("refused");
        assert_eq!(error.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            error.message.contains("more than 10000"),
            "{}",
            error.message
        );
        let deep = format!("{}p.png", "d/".repeat(40));
        let error = unzip(&zip_of(&[(&deep, b"")]), &dir, 1 << 30, 10).expect_err("refused");
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error.message.contains("folders deep"), "{}", error.message);
        assert_eq!(
            std::fs::read_dir(&dir).expect("dir").count(),
            0,
            "nothing unpacked"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn too_many_records_are_refused_before_anything_is_unpacked() {
        let dir = scratch("many");
        let names: Vec<String> = (0..5).map(|i| format!("r{i}.json")).collect();
        let entries: Vec<(&str, &[u8])> = names
            .iter()
            .map(|n| (n.as_str(), &b"{}"[..]))
            .chain([("a.png", &b"png"[..]), ("__MACOSX/._r.json", &b"x"[..])])
            .collect();
        let error = unzip(&zip_of(&entries), &dir, 1 << 20, 4).expect_err("refused");
        assert_eq!(error.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            error.message.contains("holds 5 records"),
            "{}",
            error.message
        );
        assert!(is_empty(&dir), "nothing unpacked");
        assert_eq!(unzip(&zip_of(&entries), &dir, 1 << 20, 5).ok(), Some(5));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn names_a_file_system_cannot_hold_are_refused_naming_the_entry() {
        let dir = scratch("names");
        let long = format!("{}.json", "x".repeat(300));
        let deep = format!("{}/a.json", "d".repeat(256));
        for name in [long.as_str(), deep.as_str()] {
            let error = unzip(&zip_of(&[(name, b"{}")]), &dir, 1 << 20, 10).expect_err("refused");
            assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            assert!(
                error.message.contains("longer than 255 bytes")
                    && error.message.contains(&name[..20]),
                "{}",
                error.message
            );
            assert!(error.message.len() < 400, "the name is cut short");
        }
        let many_levels = format!("{}a.json", "abcdefgh/".repeat(150));
        let error =
            unzip(&zip_of(&[(&many_levels, b"{}")]), &dir, 1 << 20, 10).expect_err("refused");
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(is_empty(&dir));
        std::fs::remove_dir_all(&dir).ok();
    }

    /// A ZIP whose central directory names two entries alike (the writer refuses to make one):
    /// two entries are written, then the second's name is overwritten with the first's.
    fn zip_with_twin_names() -> Vec<u8> {
        let mut bytes = zip_of(&[("same.json", b"{\"title\":\"a\"}"), ("sbme.json", b"{}")]);
        let mut at = 0;
        while let Some(i) = bytes[at..].windows(9).position(|w| w == b"sbme.json") {
            bytes[at + i + 1] = b'a';
            at += i + 9;
        }
        bytes
    }

    #[test]
    fn entries_unpacking_to_one_file_are_refused_naming_them() {
        let dir = scratch("twins");
        let error = unzip(&zip_with_twin_names(), &dir, 1 << 20, 10).expect_err("refused");
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            error.message.contains("two entries named `same.json`"),
            "{}",
            error.message
        );
        for entries in [
            [("a/b.json", &b"{}"[..]), ("a/./b.json", &b"{}"[..])],
            [("b.json", &b"{}"[..]), ("a/../b.json", &b"{}"[..])],
            [("a.png", &b"x"[..]), ("a.png/b.json", &b"{}"[..])],
            [("a.png/b.json", &b"{}"[..]), ("a.png", &b"x"[..])],
        ] {
            let error = unzip(&zip_of(&entries), &dir, 1 << 20, 10).expect_err("refused");
            assert_eq!(
                error.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{entries:?}"
            );
            assert!(
                error.message.contains(entries[1].0),
                "{entries:?}: {}",
                error.message
            );
        }
        assert!(is_empty(&dir));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn answer_entries_are_plain_file_names() {
        for good in ["a.pdf", "通知.qr.png", "a.b.docx"] {
            assert!(plain_file_name(good), "{good}");
        }
        let long = "x".repeat(256);
        for bad in [
            "",
            ".",
            "..",
            "a..pdf",
            "a/b.pdf",
            "../a.pdf",
            "a\\b.pdf",
            "/a.pdf",
            long.as_str(),
        ] {
            assert!(!plain_file_name(bad), "{bad}");
        }
    }

    #[test]
    fn uploads_are_recognised_by_content_then_name() {
        assert_eq!(
            upload_kind(b"PK\x03\x04rest", "x.bin").ok(),
            Some(Upload::Zip)
        );
        assert_eq!(upload_kind(b"{}", "a.JSON").ok(), Some(Upload::Record));
        assert_eq!(
            upload_kind(b"{}\n{}", "a.ndjson").ok(),
            Some(Upload::Ndjson)
        );
        assert!(upload_kind(b"{}", "a.zip").is_err());
        assert!(upload_kind(b"MZ", "setup.exe").is_err());
    }
}
