//! `POST /api/import?name=FILE`: a Word draft (.docx), saved web page or text capture, turned
//! into what fills the form: its fields by the form's names, the body as the form's text
//! ([`crate::import::form_text`]), its pictures with their captions, and what the form cannot
//! hold, said in the warnings (nothing is dropped without a word).

use super::{query, ApiError, AppState, QueryResult};
use crate::import::{form_text, import_bytes, ImportOptions, ImportedRecord};
use crate::record::{ImageBase, RecordFormat};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::Arc;

#[derive(Serialize)]
struct DraftAnswer {
    /// Form fields by their `name`: text for inputs and text areas (lists one entry a line).
    fields: Map<String, Value>,
    /// The official format the draft has, to choose a template of: "document", "order",
    /// "minutes"; none for a news article.
    format: Option<&'static str>,
    body: String,
    images: Vec<DraftImage>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct DraftImage {
    name: String,
    /// Base64.
    data: String,
    caption: String,
}

pub(super) async fn import(
    State(state): State<Arc<AppState>>,
    params: QueryResult,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let max_body = state.limits.max_body;
    let result = async {
        let params = query(params)?;
        let bytes = body.map_err(|r| ApiError::body(r, max_body))?;
        let name = params.name.unwrap_or_else(|| "draft.docx".to_owned());
        let file_name = Path::new(&name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "draft.docx".to_owned());
        state
            .run(move |state, workspace| {
                if is_record_file(&file_name) {
                    return record_answer(&bytes, &file_name, workspace.path(), state);
                }
                // Only the name's extension and stem are used; nothing is read from the path.
                let path = workspace.path().join(&file_name);
                let imported =
                    import_bytes(&bytes, &path, &ImportOptions::default()).map_err(|e| {
                        let e = e.replace(&path.display().to_string(), &file_name);
                        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e)
                    })?;
                Ok(answer(imported))
            })
            .await
    }
    .await;
    match result {
        Ok(answer) => super::json_response(&answer),
        Err(e) => e.into_response(),
    }
}

/// Whether the page opens `name` as a bulletin record (打开记录) rather than importing it:
/// `.json`, `.yaml`, `.yml`, `.toml`, or a `.zip` of one with its images (what 保存记录
/// downloads).
fn is_record_file(name: &str) -> bool {
    let path = Path::new(name);
    RecordFormat::from_path(path).is_some()
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// A record file as the form's answer. It is validated as `convert` would (a record that
/// cannot be converted is refused with the record's own message, naming the field); its
/// images come back with their captions.
fn record_answer(
    bytes: &[u8],
    file_name: &str,
    dir: &Path,
    state: &AppState,
) -> Result<DraftAnswer, ApiError> {
    let refuse = |message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    let record_path = if RecordFormat::from_path(Path::new(file_name)).is_some() {
        let path = dir.join(file_name);
        std::fs::write(&path, bytes).map_err(|e| ApiError::internal(e.to_string()))?;
        path
    } else {
        super::upload::unzip(bytes, dir, state.limits.max_body.saturating_mul(10), 1000)?;
        // The records as the upload tab finds them in the same ZIP (hidden entries skipped).
        let mut found: Vec<std::path::PathBuf> = crate::batch::record_files(dir)
            .into_iter()
            .filter_map(Result::ok)
            .collect();
        match found.len() {
            1 => found.remove(0),
            0 => return Err(refuse(format!("{file_name} holds no record file"))),
            n => {
                return Err(refuse(format!(
                    "{file_name} holds {n} records; the form takes one (convert several on the upload tab)"
                )))
            }
        }
    };
    let shown = record_path
        .strip_prefix(dir)
        .map_or_else(|_| file_name.to_owned(), |p| p.display().to_string());
    let format =
        RecordFormat::from_path(&record_path).ok_or_else(|| ApiError::internal("not a record"))?;
    let text = std::fs::read_to_string(&record_path)
        .map_err(|e| refuse(format!("{shown}: the record is not UTF-8 text: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let base = record_path.parent().unwrap_or(dir);
    let stem = record_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("article");
    // Refused as `convert` refuses it, in the same words.
    crate::record::parse_record_in(
        text,
        format,
        Path::new(&shown),
        stem,
        ImageBase::Confined(base),
    )
    .map_err(|e| refuse(e.to_string()))?;
    let value: Value = match format {
        RecordFormat::Json => serde_json::from_str(text).map_err(|e| refuse(e.to_string()))?,
        RecordFormat::Yaml => serde_norway::from_str(text).map_err(|e| refuse(e.to_string()))?,
        RecordFormat::Toml => toml::from_str(text).map_err(|e| refuse(e.to_string()))?,
    };
    let record = crate::import::ImportedRecord::from_record(&value);
    let mut pictures = Vec::new();
    for block in &record.body {
        if let Some(path) = block.get("path").and_then(Value::as_str) {
            if let Ok(data) = std::fs::read(base.join(path)) {
                pictures.push((path.to_owned(), data));
            }
        }
    }
    let mut answer = answer(crate::import::Imported {
        record,
        warnings: Vec::new(),
        pictures,
    });
    // Pictures after the text need no marker: the form puts unplaced pictures there, in
    // order (so the form that saved the record had none).
    let mut n = answer.images.len();
    while n > 0 {
        let marker = format!("[图{n}]");
        let Some(rest) = answer.body.trim_end().strip_suffix(&marker) else {
            break;
        };
        answer.body = rest.trim_end().to_owned();
        n -= 1;
    }
    // A language the form would detect itself is left to it ("自动识别"), as the form
    // that saved the record had it.
    let title = answer
        .fields
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("");
    let detected = crate::import::detect_language(&format!("{title}{}", answer.body));
    if answer.fields.get("language").and_then(Value::as_str) == Some(detected.tag()) {
        answer.fields.remove("language");
    }
    Ok(answer)
}

fn answer(imported: crate::import::Imported) -> DraftAnswer {
    let r = &imported.record;
    let mut warnings = imported.warnings;
    let (body, pictures, more) = form_text(&r.body);
    warnings.extend(more);
    let images = pictures
        .iter()
        .filter_map(|block| {
            let path = block["path"].as_str()?;
            let (_, data) = imported.pictures.iter().find(|(n, _)| n == path)?;
            Some(DraftImage {
                name: path.to_owned(),
                data: base64::engine::general_purpose::STANDARD.encode(data),
                caption: block["caption"].as_str().unwrap_or_default().to_owned(),
            })
        })
        .collect();
    let with_content: Vec<&str> = r
        .attachments
        .iter()
        .filter(|a| a.get("body").is_some())
        .filter_map(|a| a["name"].as_str())
        .collect();
    if !with_content.is_empty() {
        warnings.push(format!(
            "the content of the attachments {} cannot be edited on this page and is not printed from it; convert the draft with `bulletin convert` to print it",
            with_content.join(", ")
        ));
    }
    let format = if r.order_number.is_some() {
        Some("order")
    } else if r.attendance.is_some() {
        Some("minutes")
    } else if r.signature.is_some() || r.doc_number.is_some() || !r.issuer_mark.is_empty() {
        Some("document")
    } else {
        None
    };
    DraftAnswer {
        fields: fields(r),
        format,
        body,
        images,
        warnings,
    }
}

/// The record's fields by the form's names.
fn fields(r: &ImportedRecord) -> Map<String, Value> {
    let mut f = Map::new();
    let mut sealed = None;
    let mut put = |name: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            f.insert(name.to_owned(), Value::String(v));
        }
    };
    put("id", Some(r.id.clone()));
    put("title", Some(r.title.clone()));
    put("subtitle", r.subtitle.clone());
    put("channel", Some(r.channel.join(" > ")));
    put("published", r.published.clone());
    put("source", r.source.clone());
    put("author", r.author.clone());
    put("issuer", r.issuer.clone());
    put("url", r.url.clone());
    put("language", Some(r.language.clone()));
    put("issuer_mark", Some(r.issuer_mark.join("\n")));
    put("copy_number", r.copy_number.clone());
    put("classification", r.classification.clone());
    put("secrecy_period", r.secrecy_period.clone());
    put("urgency", r.urgency.clone());
    put("doc_number", r.doc_number.clone());
    put("signer", r.signer.clone());
    put("order_number", r.order_number.clone());
    put("recipients", r.recipients.clone());
    put("note", r.note.clone());
    put("cc", Some(r.cc.join("，")));
    put("printed_by", r.printed_by.clone());
    put("printed_date", r.printed_date.clone());
    let attachments: Vec<String> = r
        .attachments
        .iter()
        .map(|a| {
            let name = a["name"].as_str().unwrap_or_default();
            match a["url"].as_str() {
                Some(url) => format!("{name} {url}"),
                None => name.to_owned(),
            }
        })
        .collect();
    put("attachments", Some(attachments.join("\n")));
    if let Some(s) = &r.signature {
        put("signature.date", s["date"].as_str().map(str::to_owned));
        let names = match &s["name"] {
            Value::String(n) => n.clone(),
            Value::Array(list) => list
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        };
        put("signature.name", Some(names));
        let signers: Vec<String> = s["signers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| {
                format!(
                    "{} {}",
                    x["title"].as_str().unwrap_or_default(),
                    x["name"].as_str().unwrap_or_default()
                )
            })
            .collect();
        put("signature.signers", Some(signers.join("\n")));
        sealed = s.get("sealed").and_then(Value::as_bool);
    }
    if let Some(a) = &r.attendance {
        for key in ["present", "on_leave", "observers"] {
            let names: Vec<&str> = a[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            put(&format!("attendance.{key}"), Some(names.join("\n")));
        }
    }
    if let Some(sealed) = sealed {
        f.insert("signature.sealed".into(), Value::Bool(sealed));
    }
    f
}
