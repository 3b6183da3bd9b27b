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
use std::path::{Path, PathBuf};
use std::sync::Arc;

const RECORD_EXTENSIONS: &[&str] = &["json", "yaml", "yml", "toml"];
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg"];
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
                let mut files = vec![(
                    REPORT_NAME.to_owned(),
                    serde_json::to_vec_pretty(&report)
                        .map_err(|e| ApiError::internal(e.to_string()))?,
                )];
                for record in &report.records {
                    for output in &record.outputs {
                        let bytes = std::fs::read(out.join(&output.file))
                            .map_err(|e| ApiError::internal(e.to_string()))?;
                        files.push((output.file.clone(), bytes));
                    }
                }
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
            let records = unzip(bytes, dir, state.limits.max_body.saturating_mul(10))?;
            Ok((Input::Dir(dir.to_path_buf()), records))
        }
    }
}

/// Extracts the records and images of a ZIP into `dir`; other entries are ignored. Entry
/// names that would leave `dir` (absolute, `..`) are refused, and so is an archive that
/// unpacks to more than `max_bytes`.
fn unzip(bytes: &[u8], dir: &Path, max_bytes: usize) -> Result<usize, ApiError> {
    let bad = |message: String| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("the ZIP archive cannot be read: {e}")))?;
    let mut unpacked = 0usize;
    let mut records = 0usize;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| bad(format!("the ZIP archive cannot be read: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let entry_name = entry.name().to_owned();
        let Some(relative) = entry.enclosed_name() else {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the ZIP entry `{entry_name}` points outside the archive"),
            ));
        };
        let hidden = relative.components().any(|c| {
            c.as_os_str()
                .to_str()
                .is_none_or(|s| s.starts_with('.') || s == "__MACOSX")
        });
        let ext = extension(&entry_name);
        let is_record = RECORD_EXTENSIONS.contains(&ext.as_str());
        if hidden || entry.is_symlink() || !(is_record || IMAGE_EXTENSIONS.contains(&ext.as_str()))
        {
            continue;
        }
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
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the ZIP archive unpacks to more than {} MB",
                    max_bytes / (1024 * 1024)
                ),
            ));
        }
        std::fs::write(&target, content).map_err(|e| ApiError::internal(e.to_string()))?;
        records += usize::from(is_record);
    }
    Ok(records)
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
        assert_eq!(unzip(&bytes, &dir, 1 << 20).ok(), Some(2));
        assert!(dir.join("sub/b.yaml").exists() && dir.join("sub/p.png").exists());
        assert!(!dir.join("notes.txt").exists() && !dir.join("__MACOSX").exists());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn refuses_entries_that_leave_the_directory_and_archives_that_unpack_too_far() {
        let dir = scratch("evil");
        let escape = zip_of(&[("../escape.json", b"{}")]);
        let error = unzip(&escape, &dir, 1 << 20).expect_err("refused");
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!dir.parent().expect("parent").join("escape.json").exists());
        let big = vec![b' '; 4096];
        let bomb = zip_of(&[("a.json", &big), ("b.json", &big)]);
        let error = unzip(&bomb, &dir, 5000).expect_err("refused");
        assert_eq!(error.status, StatusCode::PAYLOAD_TOO_LARGE);
        std::fs::remove_dir_all(&dir).ok();
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
