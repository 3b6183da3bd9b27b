//! `bulletin serve`: a local web page for office staff. Fill in a form (or drop record files),
//! see the pages as they will print, download PDF, DOCX, QR code or a ZIP of everything.
//!
//! Everything the page needs is compiled into the binary; the page makes no outside request
//! (its Content-Security-Policy forbids it). Conversions run on blocking threads, at most one
//! per worker, under a time limit. Uploads live in a private temporary directory that is
//! removed when the response is made.
//!
//! Connections are served by hyper directly (not `axum::serve`), so that none is kept open by a
//! client that sends nothing: request headers (and the next request on a kept-alive
//! connection) must arrive within [`Limits::header_timeout`], a request's body within
//! [`Limits::body_timeout`]. Requests sent by other web pages (another `Origin`, or
//! `Sec-Fetch-Site: cross-site`) are refused, so a page the user visits cannot make the server
//! convert.

mod assets;
mod draft;
mod form;
mod upload;
mod workspace;

use crate::fonts::FontBook;
use crate::template::{DocumentKind, OfficialFormat, Template};
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use workspace::Workspace;

/// What `bulletin serve` is told on the command line.
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub fonts: FontBook,
    pub templates: Vec<NamedTemplate>,
    pub limits: Limits,
}

/// Limits on what one request may ask for; each is answered with a 4xx and a message.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body (form with images, or an uploaded batch).
    pub max_body: usize,
    /// Most records in one uploaded batch.
    pub max_records: usize,
    /// Longest a request may wait for its conversion (queueing included).
    pub timeout: Duration,
    /// Pages drawn in the preview.
    pub preview_pages: usize,
    /// Conversions running at once.
    pub workers: usize,
    /// Longest wait for a request's headers once a connection is open, and for the next
    /// request on a kept-alive connection; the connection is closed after it.
    pub header_timeout: Duration,
    /// Longest wait for a request's whole body once its headers have arrived (answered 408,
    /// and the connection closed).
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 20 * 1024 * 1024,
            max_records: 1000,
            timeout: Duration::from_secs(60),
            preview_pages: 2,
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            header_timeout: Duration::from_secs(15),
            body_timeout: Duration::from_secs(30),
        }
    }
}

impl Limits {
    /// These limits with the header, idle and body timeouts all set to `seconds` (at least a
    /// hundredth of a second), or unchanged when `None` (`bulletin serve --io-timeout`).
    pub fn with_io_timeout(self, seconds: Option<f64>) -> Limits {
        let Some(timeout) = seconds.and_then(|s| Duration::try_from_secs_f64(s.max(0.01)).ok())
        else {
            return self;
        };
        Limits {
            header_timeout: timeout,
            body_timeout: timeout,
            ..self
        }
    }
}

/// A template the page offers, by the name shown in its list.
#[derive(Debug, Clone)]
pub struct NamedTemplate {
    pub name: String,
    pub template: Template,
    pub builtin: bool,
}

/// The built-in templates, then every `*.toml` in `dir`. A user template that does not load is
/// left out with a warning (returned), so one broken file does not keep the page from starting.
pub fn templates(dir: Option<&Path>) -> Result<(Vec<NamedTemplate>, Vec<String>), String> {
    let mut list = Vec::new();
    for name in Template::builtin_names() {
        list.push(NamedTemplate {
            name: name.to_owned(),
            template: Template::load(name)?,
            builtin: true,
        });
    }
    let mut warnings = Vec::new();
    if let Some(dir) = dir {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read the templates directory {}: {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
                continue;
            };
            if list.iter().any(|t: &NamedTemplate| t.name == name) {
                warnings.push(format!(
                    "{}: a template named `{name}` is already listed; left out",
                    path.display()
                ));
                continue;
            }
            match Template::load(&path.display().to_string()) {
                Ok(template) => list.push(NamedTemplate {
                    name,
                    template,
                    builtin: false,
                }),
                Err(e) => warnings.push(format!("{e}; left out")),
            }
        }
    }
    Ok((list, warnings))
}

struct AppState {
    fonts: FontBook,
    templates: Vec<NamedTemplate>,
    limits: Limits,
    workers: Arc<Semaphore>,
    workspaces: workspace::Root,
    /// Host names accepted in requests when bound to loopback (DNS rebinding protection).
    allowed_hosts: Option<Vec<String>>,
}

impl AppState {
    fn template(&self, name: &str) -> Result<&NamedTemplate, ApiError> {
        self.templates
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = self.templates.iter().map(|t| t.name.as_str()).collect();
                ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "template",
                    format!(
                        "unknown template `{name}`; choose one of {}",
                        names.join(", ")
                    ),
                )
            })
    }

    /// Runs `work` on a blocking thread once a worker is free, within the time limit. The work
    /// keeps its worker until it really ends, so abandoned work still counts against the limit.
    async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&AppState, Workspace) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let limit = self.limits.timeout;
        let state = self.clone();
        let job = async move {
            let permit = state
                .workers
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| ApiError::internal("the server is shutting down"))?;
            let workspace = state.workspaces.workspace().map_err(ApiError::internal)?;
            tokio::task::spawn_blocking(move || {
                let _permit = permit;
                crate::panics::catch(|| work(&state, workspace))
                    .map_err(ApiError::internal)
                    .and_then(|answer| answer)
            })
            .await
            .map_err(|_| ApiError::internal("the conversion failed unexpectedly"))?
        };
        match tokio::time::timeout(limit, job).await {
            Ok(result) => result,
            Err(_) => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "the conversion took longer than the server's limit of {} s and was abandoned; \
                     convert very long articles or large batches with the bulletin command line",
                    limit.as_secs_f32()
                ),
            )),
        }
    }
}

/// An error answer: a message, and the form fields it concerns.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    message: String,
    problems: Vec<Problem>,
}

#[derive(Debug, Serialize)]
struct Problem {
    field: String,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            problems: Vec::new(),
        }
    }

    fn field(status: StatusCode, field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError {
            status,
            problems: vec![Problem {
                field: field.to_owned(),
                message: message.clone(),
            }],
            message,
        }
    }

    fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// A request body that could not be read: too large (413) or broken off (400).
    fn body(rejection: BytesRejection, limit: usize) -> ApiError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(limit)
        } else {
            ApiError::new(rejection.status(), rejection.body_text())
        }
    }

    fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the upload is larger than the server's limit of {} MB",
                limit / (1024 * 1024)
            ),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

/// Binds, calls `ready` with the bound address, and serves until Ctrl-C (SIGINT).
pub fn run(options: ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(|e| listen_error(options.addr, &e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot listen on {}: {e}", options.addr))?;
        let allowed_hosts = addr.ip().is_loopback().then(|| {
            let port = addr.port();
            let ip = match addr {
                SocketAddr::V4(a) => a.ip().to_string(),
                SocketAddr::V6(a) => format!("[{}]", a.ip()),
            };
            let mut hosts = Vec::new();
            for name in [
                "localhost".to_owned(),
                "127.0.0.1".to_owned(),
                "[::1]".to_owned(),
                ip,
            ] {
                if port == 80 {
                    hosts.push(name.clone());
                }
                hosts.push(format!("{name}:{port}"));
            }
            hosts.dedup();
            hosts
        });
        let state = Arc::new(AppState {
            fonts: options.fonts,
            templates: options.templates,
            workers: Arc::new(Semaphore::new(options.limits.workers.max(1))),
            limits: options.limits,
            workspaces: workspace::Root::create()?,
            allowed_hosts,
        });
        let header_timeout = state.limits.header_timeout;
        let app = router(state);
        ready(addr);
        serve(listener, app, header_timeout).await;
        Ok(())
    })
}

/// The page's address for a browser on this machine, `http://HOST:PORT/`: a server bound to
/// every address (`0.0.0.0`, `::`) is reached at 127.0.0.1.
pub fn page_url(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://127.0.0.1:{}/", addr.port())
    } else {
        format!("http://{addr}/")
    }
}

/// Why the server cannot listen, and what to do: a port in use most often means bulletin is
/// already running there.
fn listen_error(addr: SocketAddr, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::AddrInUse {
        format!(
            "cannot listen on {addr}: the port is in use. If bulletin is already running, \
             open {} ; else choose another port: --addr 127.0.0.1:{}",
            page_url(addr),
            addr.port().wrapping_add(10)
        )
    } else {
        format!("cannot listen on {addr}: {e}")
    }
}

/// Accepts connections until Ctrl-C (SIGINT), serving each with hyper's HTTP/1 connection,
/// which closes it when a request's headers (or the next request on a kept-alive connection)
/// do not arrive within `header_timeout`. On Ctrl-C, no new connection is taken, requests
/// under way are answered, and connections with none (idle, or still sending headers) are
/// closed at once, before the server stops, so the upload directory is removed with it.
async fn serve(listener: tokio::net::TcpListener, app: Router, header_timeout: Duration) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let app = hyper_util::service::TowerToHyperService::new(app);
    // Dropped when the server stops: tells every connection to finish.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    // Each connection holds a receiver; the server waits until all are gone.
    let (done_tx, done_rx) = tokio::sync::watch::channel(());
    let shutdown = tokio::signal::ctrl_c();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    if !matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                    ) {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // Requests of this connection being answered.
        let busy = Arc::new(AtomicUsize::new(0));
        let service = {
            let (app, busy) = (app.clone(), busy.clone());
            hyper::service::service_fn(move |request| {
                let answering = Answering::new(&busy);
                let answer = hyper::service::Service::call(&app, request);
                async move {
                    let response = answer.await;
                    drop(answering);
                    response
                }
            })
        };
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let mut stop = stop_rx.clone();
        let done = done_rx.clone();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    // Wait while a request is answered (its answer written within a second
                    // of being made); a connection with nothing asked is dropped.
                    while tokio::time::timeout(Duration::from_secs(1), connection.as_mut())
                        .await
                        .is_err()
                        && busy.load(Ordering::SeqCst) > 0
                    {}
                }
            }
            drop(done);
        });
    }
    drop(listener);
    drop(stop_tx);
    drop(done_rx);
    done_tx.closed().await;
}

/// Counts a request as being answered on its connection while it lives.
struct Answering(Arc<std::sync::atomic::AtomicUsize>);

impl Answering {
    fn new(busy: &Arc<std::sync::atomic::AtomicUsize>) -> Answering {
        busy.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Answering(busy.clone())
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

fn router(state: Arc<AppState>) -> Router {
    let max_body = state.limits.max_body;
    Router::new()
        .route("/", get(assets::index))
        .route("/app.js", get(assets::script))
        .route("/app.css", get(assets::style))
        .route("/api/templates", get(list_templates))
        .route("/api/preview", post(form::preview))
        .route("/api/convert", post(form::convert))
        .route("/api/batch", post(upload::batch))
        .route("/api/import", post(draft::import))
        .route("/api/record", post(form::record))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Refuses requests addressed to another host name (a web page elsewhere reaching the loopback
/// server through DNS rebinding) and requests sent by another web page, reads the body within
/// the body time limit, and sets the headers every answer carries.
async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if let Some(allowed) = &state.allowed_hosts {
        if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&host)) {
            return secured(
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    format!(
                        "this server answers only requests addressed to {}",
                        allowed.join(" or ")
                    ),
                )
                .into_response(),
            );
        }
    }
    if let Err(refusal) = same_origin(&request, state.allowed_hosts.as_deref(), &host) {
        return secured(refusal.into_response());
    }
    let request = match read_body(request, &state.limits).await {
        Ok(request) => request,
        Err(response) => return secured(response),
    };
    secured(next.run(request).await)
}

/// Refuses a request another web page made the browser send: one whose `Origin` is not this
/// server (`http://` and a host name it answers to), or whose `Sec-Fetch-Site` says it comes
/// from another site. Requests without these headers (scripts, curl) and those of the page
/// itself pass. Plain page loads (`GET`, `HEAD` outside `/api/`) pass too, so a link to the
/// page still opens it.
fn same_origin(request: &Request, allowed: Option<&[String]>, host: &str) -> Result<(), ApiError> {
    let api = request.uri().path().starts_with("/api/");
    if !api && matches!(*request.method(), Method::GET | Method::HEAD) {
        return Ok(());
    }
    let headers = request.headers();
    let refuse = |from: &str| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            format!("this server answers only its own page; a request sent by {from} was refused"),
        )
    };
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("");
        if site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site") {
            return Err(refuse("another web site"));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let own = |name: &str| {
            origin
                .strip_prefix("http://")
                .is_some_and(|o| o.eq_ignore_ascii_case(name))
        };
        let ours = match allowed {
            Some(hosts) => hosts.iter().any(|h| own(h)),
            None => !host.is_empty() && own(host),
        };
        if !ours {
            return Err(refuse(&format!("the web page at {origin}")));
        }
    }
    Ok(())
}

/// Reads the request's body, at most the body limit, within the body time limit; a client
/// that stops sending is answered 408 and its connection closed.
async fn read_body(request: Request, limits: &Limits) -> Result<Request, Response> {
    use hyper::body::Body as _;
    let max_body = limits.max_body;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body as u64) {
        return Err(closing(ApiError::too_large(max_body).into_response()));
    }
    let (parts, mut body) = request.into_parts();
    if body.is_end_stream() {
        return Ok(Request::from_parts(parts, body));
    }
    let read = async {
        let mut bytes = Vec::new();
        while let Some(frame) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("the request's body could not be read: {e}"),
                )
            })?;
            if let Ok(data) = frame.into_data() {
                if bytes.len() + data.len() > max_body {
                    return Err(ApiError::too_large(max_body));
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(bytes)
    };
    match tokio::time::timeout(limits.body_timeout, read).await {
        Ok(Ok(bytes)) => Ok(Request::from_parts(parts, Body::from(Bytes::from(bytes)))),
        Ok(Err(error)) => Err(closing(error.into_response())),
        Err(_) => Err(closing(
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request's body did not arrive within {} s",
                    limits.body_timeout.as_secs_f32()
                ),
            )
            .into_response(),
        )),
    }
}

/// An answer after which the connection is closed (its request's body was not read to the end).
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Sets the headers every answer carries.
fn secured(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
             connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such page")
}

#[derive(Serialize)]
struct TemplateInfo<'a> {
    name: &'a str,
    /// The template's `title` in Chinese and English (its `name` when it gives none).
    title: Both<'a>,
    /// Its `description` in Chinese and English (empty when it gives none).
    description: Both<'a>,
    document: &'static str,
    /// The official format (`document`, `letter`, `order`, `minutes`); none for news templates.
    format: Option<&'static str>,
    builtin: bool,
}

#[derive(Serialize)]
struct Both<'a> {
    zh: &'a str,
    en: &'a str,
}

impl<'a> Both<'a> {
    fn of(text: &'a crate::template::Localized, default: &'a str) -> Both<'a> {
        Both {
            zh: text.get(true).unwrap_or(default),
            en: text.get(false).unwrap_or(default),
        }
    }
}

async fn list_templates(State(state): State<Arc<AppState>>) -> Response {
    let list: Vec<TemplateInfo> = state
        .templates
        .iter()
        .map(|t| TemplateInfo {
            name: &t.name,
            title: Both::of(&t.template.title, &t.name),
            description: Both::of(&t.template.description, ""),
            document: match t.template.document {
                DocumentKind::News => "news",
                DocumentKind::Official => "official",
            },
            format: t.template.official_setup().map(|o| match o.format {
                OfficialFormat::Document => "document",
                OfficialFormat::Letter => "letter",
                OfficialFormat::Order => "order",
                OfficialFormat::Minutes => "minutes",
            }),
            builtin: t.builtin,
        })
        .collect();
    json_response(&list)
}

fn json_response<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}

/// A file download; the name is given plainly (ASCII) and exactly (RFC 5987, for Chinese ids).
fn download(name: &str, mime: &'static str, bytes: Vec<u8>, extra: HeaderMap) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encode(name);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response();
    response.headers_mut().extend(extra);
    response
}

/// `text` with every byte but ASCII letters, digits and `-_.` written `%XX` (RFC 3986), as
/// header values carry UTF-8 text (RFC 5987's `filename*`, `x-bulletin-failures`).
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    encoded
}

/// Query parameters shared by the conversion endpoints.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConvertQuery {
    format: Option<String>,
    template: Option<String>,
    formats: Option<String>,
    name: Option<String>,
}

type QueryResult = Result<Query<ConvertQuery>, axum::extract::rejection::QueryRejection>;

fn query(result: QueryResult) -> Result<ConvertQuery, ApiError> {
    result
        .map(|Query(q)| q)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))
}
