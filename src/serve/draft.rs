//! `POST /api/import?name=FILE`: a Word draft (.docx), saved web page or text capture, turned
//! into what fills the form: its fields by the form's names, the body as the form's text
//! ([`crate::import::form_text`]), its pictures with their captions, and what the form cannot
//! hold, said in the warnings (nothing is dropped without a word).

use super::{query, ApiError, AppState, QueryResult};
use crate::import::{form_text, import_bytes, ImportOptions, ImportedRecord};
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
            .run(move |_, workspace| {
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
    f
}
