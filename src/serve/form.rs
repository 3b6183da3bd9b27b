//! The form: fields as named in a record, the body as plain text, images as uploads. It is
//! turned into a record and validated exactly like a record file, then previewed or converted.

use super::{download, query, ApiError, AppState, QueryResult};
use crate::import::{body_blocks, detect_language, image_marker};
use crate::record::{parse_record_in, Article, ImageBase, RecordError, RecordFormat};
use crate::template::Template;
use crate::{convert as convert_article, Formats};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::Arc;

/// What the page sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FormRequest {
    template: String,
    #[serde(default)]
    options: FormOptions,
    /// Record fields (title, url, signature, …) except the body.
    #[serde(default)]
    record: Map<String, Value>,
    /// The body as typed: blank lines between paragraphs, numbered lines as headings.
    #[serde(default)]
    body: String,
    #[serde(default)]
    images: Vec<FormImage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormOptions {
    #[serde(default)]
    pdfa: bool,
    #[serde(default)]
    tagged: bool,
    #[serde(default)]
    normalize_punctuation: bool,
    #[serde(default)]
    embed_fonts: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormImage {
    /// The file's name on the user's machine (for messages only).
    #[serde(default)]
    name: String,
    /// Base64, optionally as a data: URL.
    data: String,
    #[serde(default)]
    caption: String,
}

/// A validated form, ready to convert.
struct Prepared {
    article: Article,
    template: Template,
    warnings: Vec<String>,
    /// The record as built from the form, before validation: what 保存记录 downloads, its
    /// images named as [`save_images`] wrote them.
    record: Map<String, Value>,
    /// Dates typed in another form than the record's, with how they were read:
    /// `("signature.date", "2025-02-18")` for "2025年2月18日".
    understood: Vec<Note>,
}

/// A remark on one form field, shown beside it.
#[derive(Serialize)]
struct Note {
    field: String,
    message: String,
}

/// Where each body block of the built record came from, to put errors next to the right field.
#[derive(Clone, Copy)]
enum Origin {
    Text,
    Image(usize),
}

#[derive(Serialize)]
struct PreviewAnswer {
    id: String,
    pages: usize,
    previews: Vec<String>,
    warnings: Vec<String>,
    /// What a download would refuse, placed at its field (PDF/A without a date).
    problems: Vec<Note>,
    /// Dates as they were understood (see [`Prepared::understood`]).
    understood: Vec<Note>,
}

pub(super) async fn preview(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let result = with_form(&state, &headers, body, |state, prepared, _| {
        let mut problems = Vec::new();
        if let Err(e) = pdfa_dated(&prepared) {
            problems.extend(e.problems.into_iter().map(|p| Note {
                field: p.field,
                message: p.message,
            }));
        }
        let article = &prepared.article;
        let qr = qr_matrix(article)?;
        let pages = crate::layout::layout(article, &prepared.template, &state.fonts, qr.as_ref())
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e))?;
        let mut warnings = prepared.warnings;
        if prepared.template.pdf.pdfa && !pages.missing_chars.is_empty() {
            problems.push(Note {
                field: "body".into(),
                message: crate::render::pdf::pdfa_missing_chars(&pages.missing_chars),
            });
        } else {
            warnings.extend(crate::missing_chars_warning(&pages.missing_chars));
        }
        let previews = (0..pages.pages.len().min(state.limits.preview_pages))
            .filter_map(|i| crate::render::svg::page(&pages, i, &state.fonts))
            .collect();
        Ok(PreviewAnswer {
            id: article.id.clone(),
            pages: pages.pages.len(),
            previews,
            warnings,
            problems,
            understood: prepared.understood,
        })
    })
    .await;
    match result {
        Ok(answer) => super::json_response(&answer),
        Err(e) => e.into_response(),
    }
}

pub(super) async fn convert(
    State(state): State<Arc<AppState>>,
    params: QueryResult,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let result = async {
        let params = query(params)?;
        let format = Download::parse(params.format.as_deref().unwrap_or("zip"))?;
        with_form(&state, &headers, body, move |state, prepared, _| {
            if format.formats().pdf {
                pdfa_dated(&prepared)?;
            }
            if format == Download::Qr && prepared.article.url.is_none() {
                return Err(ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "url",
                    "a QR code needs the article's url",
                ));
            }
            let outputs = convert_article(
                &prepared.article,
                &prepared.template,
                &state.fonts,
                format.formats(),
            )
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e))?;
            let id = prepared.article.id.clone();
            let mut headers = HeaderMap::new();
            if let Ok(v) = outputs.pages.to_string().parse() {
                headers.insert("x-bulletin-pages", v);
            }
            Ok(match format {
                Download::Zip => {
                    let archive =
                        crate::output::zip_archive(outputs.files, |name| name.ends_with(".png"))
                            .map_err(ApiError::internal)?;
                    download(&format!("{id}.zip"), "application/zip", archive, headers)
                }
                single => {
                    let wanted = format!("{id}.{}", single.extension());
                    let bytes = outputs
                        .files
                        .into_iter()
                        .find(|(name, _)| *name == wanted)
                        .map(|(_, bytes)| bytes)
                        .ok_or_else(|| ApiError::internal("the output was not made"))?;
                    download(&wanted, single.mime(), bytes, headers)
                }
            })
        })
        .await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// What the form's endpoints share: the body checked to be JSON (see [`json_content`]) and
/// parsed, then, on a worker with its own workspace, the form built into a validated record
/// ([`prepare`]) and handed to `answer` with the workspace's directory.
async fn with_form<T: Send + 'static>(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    answer: impl FnOnce(&AppState, Prepared, &Path) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    json_content(headers)?;
    let max_body = state.limits.max_body;
    let request = parse_request(body.map_err(|r| ApiError::body(r, max_body))?)?;
    state
        .run(move |state, workspace| {
            let prepared = prepare(state, request, workspace.path())?;
            answer(state, prepared, workspace.path())
        })
        .await
}

/// `POST /api/record`: the form as a bulletin record file (保存记录), validated as a download
/// is: `ID.json`, or `ID.zip` holding `ID.json` and its images (`image-1.png`, …) when it has
/// images. The page opens either back into the form (打开记录, `POST /api/import`), and
/// `bulletin convert` or `batch` converts it.
pub(super) async fn record(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let result = with_form(&state, &headers, body, |_, prepared, workspace| {
        let id = prepared.article.id.clone();
        let images: Vec<String> = prepared
            .record
            .get("body")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|b| b.get("path").and_then(Value::as_str).map(str::to_owned))
            .collect();
        let json = serde_json::to_vec_pretty(&Value::Object(prepared.record))
            .map_err(|e| ApiError::internal(e.to_string()))?;
        if images.is_empty() {
            return Ok(download(
                &format!("{id}.json"),
                "application/json",
                json,
                HeaderMap::new(),
            ));
        }
        let mut files = vec![(format!("{id}.json"), json)];
        for name in images {
            let bytes = std::fs::read(workspace.join(&name))
                .map_err(|e| ApiError::internal(e.to_string()))?;
            files.push((name, bytes));
        }
        let archive = crate::output::zip_archive(files, |_| true).map_err(ApiError::internal)?;
        Ok(download(
            &format!("{id}.zip"),
            "application/zip",
            archive,
            HeaderMap::new(),
        ))
    })
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Download {
    Pdf,
    Docx,
    Qr,
    Ofd,
    Zip,
}

impl Download {
    fn parse(name: &str) -> Result<Download, ApiError> {
        Ok(match name {
            "pdf" => Download::Pdf,
            "docx" => Download::Docx,
            "qr" | "png" => Download::Qr,
            "ofd" => Download::Ofd,
            "zip" => Download::Zip,
            other => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("unknown format `{other}`; choose pdf, docx, qr, ofd or zip"),
                ))
            }
        })
    }

    fn formats(self) -> Formats {
        let only = |pdf, docx, qr, ofd| Formats { pdf, docx, qr, ofd };
        match self {
            Download::Pdf => only(true, false, false, false),
            Download::Docx => only(false, true, false, false),
            Download::Qr => only(false, false, true, false),
            Download::Ofd => only(false, false, false, true),
            Download::Zip => Formats::default(),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Download::Pdf => "pdf",
            Download::Docx => "docx",
            Download::Qr => "qr.png",
            Download::Ofd => "ofd",
            Download::Zip => "zip",
        }
    }

    fn mime(self) -> &'static str {
        match self {
            Download::Pdf => "application/pdf",
            Download::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Download::Qr => "image/png",
            Download::Ofd => "application/ofd",
            Download::Zip => "application/zip",
        }
    }
}

/// The form comes as JSON, said in its `Content-Type` (`application/json`, parameters such
/// as `charset` allowed). A browser lets any web page send `text/plain` or form data to any
/// address without asking; JSON it sends only for pages of the same origin.
fn json_content(headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(axum::http::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let media = given
        .as_deref()
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim();
    if media.eq_ignore_ascii_case("application/json") {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        match given {
            Some(v) => {
                format!("the form must be sent as JSON (Content-Type: application/json), not `{v}`")
            }
            None => "the form must be sent as JSON (Content-Type: application/json); the \
                     request has no Content-Type"
                .to_owned(),
        },
    ))
}

fn parse_request(body: Bytes) -> Result<FormRequest, ApiError> {
    serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the request is not a form the page sends: {e}"),
        )
    })
}

fn qr_matrix(article: &Article) -> Result<Option<Arc<crate::qr::QrMatrix>>, ApiError> {
    crate::qr::QrMatrix::for_url(article.url.as_deref())
        .map_err(|e| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "url", e))
}

/// Builds the record from the form, saves the images in `dir` and validates it all.
fn prepare(state: &AppState, request: FormRequest, dir: &Path) -> Result<Prepared, ApiError> {
    let mut template = state.template(&request.template)?.template.clone();
    template.pdf.pdfa |= request.options.pdfa;
    template.pdf.tagged |= request.options.tagged;
    template.docx.embed_fonts |= request.options.embed_fonts;

    let mut record = request.record;
    if record.contains_key("body") {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "the body is sent as `body` text beside the record fields",
        ));
    }
    // An empty input means "not given".
    record.retain(|_, v| match v {
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Null => false,
        _ => true,
    });

    // The body is held to the record's text limit before it is cut into blocks: a huge
    // paste is refused at once instead of becoming millions of blocks in memory.
    if request
        .body
        .chars()
        .nth(crate::record::MAX_TEXT_CHARS)
        .is_some()
    {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            format!(
                "the text has {} characters; an article may have at most {}",
                request.body.chars().count(),
                crate::record::MAX_TEXT_CHARS
            ),
        ));
    }
    let image_files = save_images(&request.images, dir)?;
    let blocks = body_blocks(&request.body)
        .map_err(|e| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "body", e))?;
    let (blocks, origins) = place_images(blocks, &request.images, &image_files)?;
    if !record.contains_key("language") {
        let mut sample = record
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        sample.push_str(&request.body);
        record.insert(
            "language".into(),
            Value::String(detect_language(&sample).tag().to_owned()),
        );
    }
    if !blocks.is_empty() {
        record.insert("body".into(), Value::Array(blocks));
    }
    // Files are named after the page's address, else the 发文字号, else the title.
    let text_of = |key: &str| record.get(key).and_then(Value::as_str);
    let default_id = text_of("url")
        .and_then(id_from_url)
        .or_else(|| text_of("doc_number").and_then(id_from_text))
        .or_else(|| text_of("title").and_then(id_from_text))
        .unwrap_or_else(|| "article".to_owned());
    let text = serde_json::to_string(&record).map_err(|e| ApiError::internal(e.to_string()))?;
    let mut article = parse_record_in(
        &text,
        RecordFormat::Json,
        Path::new("form"),
        &default_id,
        ImageBase::Confined(dir),
    )
    .map_err(|e| field_error(e, &origins))?;

    // A field the template's format has no place for is named at the field, as convert
    // refuses it; what `check` says against GB/T 9704-2012 comes with the preview.
    crate::compose::unprinted_fields(&article, &template).map_err(|(field, message)| {
        ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, message)
    })?;
    let understood: Vec<Note> = article
        .dates_read
        .iter()
        .map(|d| Note {
            field: d.field.clone(),
            message: d.shown(),
        })
        .collect();
    // The record keeps dates in its documented form (what 保存记录 writes).
    for note in &understood {
        let slot = match note.field.split_once('.') {
            Some((outer, inner)) => record.get_mut(outer).and_then(|o| o.get_mut(inner)),
            None => record.get_mut(&note.field),
        };
        if let Some(slot) = slot {
            *slot = Value::String(note.message.clone());
        }
    }
    let mut warnings = crate::official_warnings(&article, &template);
    if request.options.normalize_punctuation || template.typography.normalize_punctuation {
        article.normalize_punctuation();
    } else {
        let spots = article.punctuation_spots();
        if let Some(first) = spots.first() {
            warnings.push(format!(
                "{} punctuation problems in Chinese text (first: {} in {}, character {}); \
                 tick \"full-width punctuation\" to correct them",
                spots.len(),
                first.describe(),
                first.field,
                first.column
            ));
        }
    }
    Ok(Prepared {
        article,
        template,
        warnings,
        record,
        understood,
    })
}

/// PDF/A's refusal of an undated document, placed at the date the template prints: the
/// 成文日期 of an official document, else 发布时间.
fn pdfa_dated(prepared: &Prepared) -> Result<(), ApiError> {
    if !prepared.template.pdf.pdfa {
        return Ok(());
    }
    match crate::render::pdf::pdfa_undated(&prepared.article) {
        None => Ok(()),
        Some(message) => {
            let field = if prepared.template.official_setup().is_some() {
                "signature.date"
            } else {
                "published"
            };
            Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                field,
                message,
            ))
        }
    }
}

/// A file name from a 发文字号 or title: the characters no file system refuses, spaces as
/// '-', at most 40 characters ("关于做好春节期间安全生产工作的通知", "内环发〔2025〕12号").
fn id_from_text(text: &str) -> Option<String> {
    let mut id = String::new();
    for c in text.trim().chars() {
        if c.is_whitespace() || "/\\:*?\"<>|".contains(c) {
            if !id.is_empty() && !id.ends_with('-') {
                id.push('-');
            }
        } else if !c.is_control() {
            id.push(c);
        }
        if id.chars().count() >= 40 {
            break;
        }
    }
    let id = id
        .trim_start_matches(['.', '-'])
        .trim_end_matches(['-', '.']);
    let id = id.replace("..", ".");
    (!id.is_empty()).then_some(id)
}

/// Writes the uploaded images into the request's directory; returns their file names.
fn save_images(images: &[FormImage], dir: &Path) -> Result<Vec<String>, ApiError> {
    let mut names = Vec::with_capacity(images.len());
    for (i, image) in images.iter().enumerate() {
        let field = format!("images[{i}]");
        let data = image
            .data
            .split_once(";base64,")
            .map_or(image.data.as_str(), |(_, d)| d);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| {
                ApiError::field(
                    StatusCode::BAD_REQUEST,
                    &field,
                    format!("image {} was not sent as base64: {e}", describe(image, i)),
                )
            })?;
        let extension = if bytes.starts_with(b"\x89PNG") {
            "png"
        } else {
            "jpg"
        };
        let name = format!("image-{}.{extension}", i + 1);
        std::fs::write(dir.join(&name), bytes).map_err(|e| ApiError::internal(e.to_string()))?;
        names.push(name);
    }
    Ok(names)
}

fn describe(image: &FormImage, index: usize) -> String {
    if image.name.is_empty() {
        format!("{}", index + 1)
    } else {
        format!("`{}`", image.name)
    }
}

/// Puts each image where the text has its marker ("[图2]"), the rest after the text.
fn place_images(
    blocks: Vec<Value>,
    images: &[FormImage],
    files: &[String],
) -> Result<(Vec<Value>, Vec<Origin>), ApiError> {
    let image_block = |i: usize| {
        let mut block = serde_json::json!({"type": "image", "path": files[i]});
        let caption = images[i].caption.trim();
        if !caption.is_empty() {
            block["caption"] = Value::String(caption.to_owned());
        }
        block
    };
    let mut placed = vec![false; images.len()];
    let mut out = Vec::with_capacity(blocks.len() + images.len());
    let mut origins = Vec::with_capacity(out.capacity());
    for block in blocks {
        let marker = (block["type"] == "paragraph")
            .then(|| block["text"].as_str().and_then(image_marker))
            .flatten();
        match marker {
            Some(n) if n <= images.len() => {
                out.push(image_block(n - 1));
                origins.push(Origin::Image(n - 1));
                placed[n - 1] = true;
            }
            Some(n) => {
                return Err(ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "body",
                    format!(
                        "the text places image {n} but {} images were added",
                        images.len()
                    ),
                ))
            }
            None => {
                out.push(block);
                origins.push(Origin::Text);
            }
        }
    }
    for (i, done) in placed.iter().enumerate() {
        if !done {
            out.push(image_block(i));
            origins.push(Origin::Image(i));
        }
    }
    Ok((out, origins))
}

/// The record's error, placed on the form field it concerns.
fn field_error(error: RecordError, origins: &[Origin]) -> ApiError {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let Some(path) = error.field else {
        return ApiError::new(status, error.message);
    };
    let field = if let Some(rest) = path.strip_prefix("body[") {
        let index: Option<usize> = rest.split(']').next().and_then(|n| n.parse().ok());
        match index.and_then(|i| origins.get(i)) {
            Some(Origin::Image(k)) => format!("images[{k}]"),
            _ => "body".to_owned(),
        }
    } else {
        // channel[2] -> channel, attachments[0].url -> attachments, signature.date stays.
        match path.split_once('[') {
            Some((head, _)) => head.to_owned(),
            None => path,
        }
    };
    ApiError::field(status, &field, error.message)
}

/// The last part of the url's path without its extension: ".../t20250218_123.html" ->
/// "t20250218_123", as sites name their pages.
fn id_from_url(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let stem = last.split('.').next()?;
    let ok = !stem.is_empty()
        && !path.ends_with('/')
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && path.matches('/').count() > 2;
    ok.then(|| stem.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_page_name() {
        assert_eq!(
            id_from_url("https://sthjt.nmg.gov.cn/sthjdt/202502/t20250218_123.html").as_deref(),
            Some("t20250218_123")
        );
        assert_eq!(id_from_url("https://example.gov.cn/"), None);
        assert_eq!(id_from_url("https://example.gov.cn"), None);
        assert_eq!(
            id_from_url("https://example.gov.cn/news/a-1.shtml?x=1").as_deref(),
            Some("a-1")
        );
    }

    #[test]
    fn file_names_come_from_a_document_number_or_title() {
        assert_eq!(
            id_from_text("内环发〔2025〕12号").as_deref(),
            Some("内环发〔2025〕12号")
        );
        assert_eq!(id_from_text(" ../a/b: c?  d. ").as_deref(), Some("a-b-c-d"));
        let long =
            "关于做好二〇二五年春节和元宵节期间全市安全生产和消防安全工作的通知的补充通知再补充";
        let id = id_from_text(long).expect("an id");
        assert_eq!(id.chars().count(), 40);
        assert_eq!(id_from_text("???"), None);
    }

    #[test]
    fn errors_land_on_the_field_that_caused_them() {
        let origins = [Origin::Text, Origin::Image(0), Origin::Image(1)];
        let error = |field: &str| RecordError {
            file: "form".into(),
            field: Some(field.into()),
            position: None,
            message: "bad".into(),
        };
        let field = |e: ApiError| e.problems[0].field.clone();
        assert_eq!(
            field(field_error(error("body[2].path"), &origins)),
            "images[1]"
        );
        assert_eq!(field(field_error(error("body[0].text"), &origins)), "body");
        assert_eq!(field(field_error(error("channel[1]"), &origins)), "channel");
        assert_eq!(
            field(field_error(error("signature.date"), &origins)),
            "signature.date"
        );
    }

    #[test]
    fn images_go_to_their_markers_then_after_the_text() {
        let images: Vec<FormImage> = (0..3)
            .map(|i| FormImage {
                name: format!("{i}.png"),
                data: String::new(),
                caption: if i == 1 {
                    "图注".into()
                } else {
                    String::new()
                },
            })
            .collect();
        let files: Vec<String> = (1..=3).map(|i| format!("image-{i}")).collect();
        let blocks = body_blocks("第一段。\n\n[图2]\n\n第二段。").unwrap();
        let (out, _) = place_images(blocks, &images, &files).expect("placed");
        let paths: Vec<String> = out
            .iter()
            .map(|b| {
                b["path"]
                    .as_str()
                    .or(b["text"].as_str())
                    .unwrap_or("")
                    .to_owned()
            })
            .collect();
        assert_eq!(
            paths,
            ["第一段。", "image-2", "第二段。", "image-1", "image-3"]
        );
        assert_eq!(out[1]["caption"], "图注");
        let too_far = place_images(body_blocks("[图4]").unwrap(), &images, &files);
        assert!(too_far.is_err());
    }
}
