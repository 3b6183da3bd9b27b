//! Batch conversion: records streamed from directories, NDJSON files or stdin to a pool of
//! worker threads through a bounded queue (memory stays flat however many records there
//! are), fonts shared by all workers, one bad record never stopping the rest, outputs written
//! atomically, an optional JSON report, skipping of unchanged records, and deterministic shards.

use crate::fonts::FontBook;
use crate::record::{parse_record_in, read_record_text, Article, Block, ImageBase, RecordFormat};
use crate::template::Template;
use crate::{convert, output, Formats};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Where per-record stamps (content hash and outputs) live, for `--skip-unchanged`.
pub const STAMP_DIR: &str = ".bulletin-stamps";

/// One command-line input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A directory, searched recursively for .json, .yaml, .yml and .toml records.
    Dir(PathBuf),
    /// An NDJSON file: one JSON record per line.
    Ndjson(PathBuf),
    /// NDJSON on standard input (`-`).
    Stdin,
    /// One record file.
    File(PathBuf),
}

impl Input {
    pub fn from_arg(arg: &str) -> Input {
        let path = PathBuf::from(arg);
        if arg == "-" {
            Input::Stdin
        } else if path.is_dir() {
            Input::Dir(path)
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("ndjson" | "jsonl")
        ) {
            Input::Ndjson(path)
        } else {
            Input::File(path)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Quiet,
    /// A line now and then (logs, CI).
    Plain,
    /// A live status line (stderr is a terminal).
    Terminal,
}

pub struct BatchOptions {
    pub out: PathBuf,
    pub template: Template,
    pub fonts: FontBook,
    pub formats: Formats,
    pub jobs: usize,
    pub skip_unchanged: bool,
    /// Convert only slice K of N (1-based K).
    pub shard: Option<(usize, usize)>,
    pub normalize_punctuation: bool,
    pub progress: Progress,
    /// Images only from inside the input directories (the web page's uploads).
    pub confine_images: bool,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct OutputReport {
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct RecordReport {
    pub id: Option<String>,
    /// The record file, or the NDJSON file.
    pub source: String,
    /// Line of the NDJSON file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub outputs: Vec<OutputReport>,
    pub pages: usize,
    pub warnings: Vec<String>,
    pub error: Option<String>,
    /// Outputs were already up to date (`--skip-unchanged`).
    pub skipped: bool,
    #[serde(skip)]
    index: usize,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Totals {
    pub records: usize,
    pub converted: usize,
    pub skipped: usize,
    pub failed: usize,
    pub wall_seconds: f64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct BatchReport {
    pub bulletin_version: &'static str,
    pub template: String,
    pub records: Vec<RecordReport>,
    pub totals: Totals,
}

/// What a stamp remembers of a conversion.
#[derive(Serialize, serde::Deserialize)]
struct Stamp {
    hash: String,
    pages: usize,
    outputs: Vec<OutputReport>,
}

enum Source {
    File(PathBuf),
    /// An input that could not be read as a record (an unreadable directory, a link loop,
    /// an NDJSON input that is not a file): reported as a failed record.
    Failed {
        path: PathBuf,
        message: String,
    },
    /// An NDJSON line that could not be read (not UTF-8, too long, an I/O error).
    LineFailed {
        file: PathBuf,
        line: usize,
        message: String,
    },
    Line {
        file: PathBuf,
        line: usize,
        text: String,
    },
}

struct Job {
    index: usize,
    source: Source,
}

/// Runs the batch; returns the report (records in input order).
pub fn run(inputs: &[Input], opts: &BatchOptions) -> BatchReport {
    let started = Instant::now();
    output::recover(&opts.out);
    output::recover(&opts.out.join(STAMP_DIR));
    let jobs = opts.jobs.max(1);
    let settings = settings_fingerprint(opts);
    let (job_tx, job_rx) = sync_channel::<Job>(jobs * 4);
    let (result_tx, result_rx) = sync_channel::<Done>(jobs * 4);
    let known_total = inputs
        .iter()
        .all(|i| matches!(i, Input::Dir(_) | Input::File(_)));
    let claimed: Mutex<HashMap<String, (usize, String)>> = Mutex::new(HashMap::new());
    let job_rx = Arc::new(Mutex::new(job_rx));
    let mut records = Vec::new();
    std::thread::scope(|scope| {
        let shard = opts.shard;
        let producer = scope.spawn(move || produce(inputs, shard, &job_tx));
        for _ in 0..jobs {
            let rx = Arc::clone(&job_rx);
            let tx = result_tx.clone();
            let claimed = &claimed;
            let settings = settings.as_str();
            scope.spawn(move || worker(&rx, &tx, opts, settings, claimed));
        }
        drop(result_tx);
        let mut status = Status::new(opts.progress);
        // Group commit: whatever records are finished when the disk is free are synced
        // together and then renamed into place, while the workers go on converting.
        while let Ok(first) = result_rx.recv() {
            let mut group = vec![first];
            while let Ok(more) = result_rx.try_recv() {
                group.push(more);
            }
            for report in commit(group, opts) {
                status.record(&report);
                records.push(report);
            }
        }
        let total = producer.join().unwrap_or(0);
        status.finish(if known_total { Some(total) } else { None });
    });
    records.sort_by_key(|r| r.index);
    let totals = Totals {
        records: records.len(),
        converted: records
            .iter()
            .filter(|r| r.error.is_none() && !r.skipped)
            .count(),
        skipped: records.iter().filter(|r| r.skipped).count(),
        failed: records.iter().filter(|r| r.error.is_some()).count(),
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    BatchReport {
        bulletin_version: env!("CARGO_PKG_VERSION"),
        template: opts.template.name.clone(),
        records,
        totals,
    }
}

/// Feeds jobs in a deterministic order (directories sorted, NDJSON by line); returns how
/// many records the inputs held before sharding.
fn produce(
    inputs: &[Input],
    shard: Option<(usize, usize)>,
    tx: &std::sync::mpsc::SyncSender<Job>,
) -> usize {
    let mut index = 0;
    let mut send = |source: Source| {
        let mine = shard.is_none_or(|(k, n)| index % n == k - 1);
        if mine && tx.send(Job { index, source }).is_err() {
            return false;
        }
        index += 1;
        true
    };
    for input in inputs {
        match input {
            Input::File(p) => {
                if !send(Source::File(p.clone())) {
                    break;
                }
            }
            Input::Dir(d) => {
                for found in record_files(d) {
                    let source = match found {
                        Ok(p) => Source::File(p),
                        Err((path, message)) => Source::Failed { path, message },
                    };
                    if !send(source) {
                        return index;
                    }
                }
            }
            // Only a regular file: a FIFO or device would block or never end.
            Input::Ndjson(p) => match crate::files::open_regular(p) {
                Ok((f, _)) => {
                    for_each_line(std::io::BufReader::new(f), p, &mut send);
                }
                Err(e) => {
                    send(Source::Failed {
                        path: p.clone(),
                        message: e.to_string(),
                    });
                }
            },
            Input::Stdin => {
                for_each_line(std::io::stdin().lock(), Path::new("-"), &mut send);
            }
        }
    }
    index
}

/// Sends each non-blank line as a record. A line is held to the size of a record file
/// ([`crate::record::MAX_RECORD_BYTES`]): a longer one fails as a record without being kept,
/// so an endless line on standard input cannot exhaust memory.
fn for_each_line(mut reader: impl BufRead, file: &Path, send: &mut impl FnMut(Source) -> bool) {
    use crate::files::{read_line_bounded, Line};
    let limit = crate::record::MAX_RECORD_BYTES as usize;
    let mut number = 0;
    loop {
        number += 1;
        let failed = |message: String| Source::LineFailed {
            file: file.to_path_buf(),
            line: number,
            message,
        };
        let source = match read_line_bounded(&mut reader, limit) {
            Ok(None) => return,
            Ok(Some(Line::Text(bytes))) => match String::from_utf8(bytes) {
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) => Source::Line {
                    file: file.to_path_buf(),
                    line: number,
                    text,
                },
                Err(e) => failed(format!(
                    "line {number} is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                )),
            },
            Ok(Some(Line::TooLong(length))) => failed(format!(
                "line {number} is {}; a record may be at most {}",
                crate::files::size_text(length),
                crate::files::size_text(limit as u64)
            )),
            Err(e) => {
                send(failed(format!("cannot read line {number}: {e}")));
                return;
            }
        };
        if !send(source) {
            return;
        }
    }
}

/// Record files under `dir`, sorted, hidden entries skipped; and, as errors, what could not be
/// searched (an unreadable directory) or was not followed (a link to a directory already
/// searched: links are followed once per directory, by device and inode, so loops end). The
/// real directories are searched before any link to a directory is followed, and entries in
/// sorted order, so which path a directory is searched under never depends on the order the
/// file system lists it in.
pub(crate) fn record_files(dir: &Path) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    let mut seen: HashMap<(u64, u64), PathBuf> = HashMap::new();
    let mut real = vec![dir.to_path_buf()];
    let mut links: Vec<PathBuf> = Vec::new();
    loop {
        let d = match real.pop() {
            Some(d) => d,
            None => {
                // Links are followed once every real directory has been searched.
                links.sort();
                links.reverse();
                match links.pop() {
                    Some(d) => d,
                    None => break,
                }
            }
        };
        match std::fs::metadata(&d) {
            Ok(meta) => {
                let key = dir_key(&meta);
                if let Some(first) = seen.get(&key) {
                    out.push(Err((
                        d.clone(),
                        format!(
                            "links to {}, which is already searched; not followed again (a link loop, or a second link to it)",
                            first.display()
                        ),
                    )));
                    continue;
                }
                seen.insert(key, d.clone());
            }
            Err(e) => {
                out.push(Err((
                    d.clone(),
                    format!("cannot search the directory: {e}"),
                )));
                continue;
            }
        }
        let entries = match std::fs::read_dir(&d) {
            Ok(entries) => entries,
            Err(e) => {
                out.push(Err((
                    d.clone(),
                    format!("cannot search the directory: {e}"),
                )));
                continue;
            }
        };
        let mut names = Vec::new();
        for e in entries {
            match e {
                Ok(e) => names.push(e),
                Err(err) => {
                    out.push(Err((
                        d.clone(),
                        format!("cannot search the directory: {err}"),
                    )));
                }
            }
        }
        names.sort_by_key(|e| e.file_name());
        let mut subdirs = Vec::new();
        for e in names {
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if p.is_dir() {
                let is_link = e.file_type().is_ok_and(|t| t.is_symlink());
                if is_link {
                    links.push(p);
                } else {
                    subdirs.push(p);
                }
            } else if RecordFormat::from_path(&p).is_some() {
                // Not only regular files: a FIFO or device named like a record is reported
                // as failing when it is read, never silently left out.
                out.push(Ok(p));
            }
        }
        // Popped in sorted order.
        real.extend(subdirs.into_iter().rev());
    }
    out.sort_by(|a, b| found_path(a).cmp(found_path(b)));
    out
}

/// The path an entry of [`record_files`] is about, found or failed.
fn found_path(found: &Result<PathBuf, (PathBuf, String)>) -> &Path {
    match found {
        Ok(p) | Err((p, _)) => p,
    }
}

/// A directory's identity: device and inode on Unix; elsewhere links are not followed twice
/// by path either, so the key is a hash of the canonical path.
fn dir_key(meta: &std::fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0)
    }
}

fn worker(
    jobs: &Mutex<Receiver<Job>>,
    results: &std::sync::mpsc::SyncSender<Done>,
    opts: &BatchOptions,
    settings: &str,
    claimed: &Mutex<HashMap<String, (usize, String)>>,
) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let mut done = Done {
            report: RecordReport::default(),
            staged: None,
            stamp: None,
        };
        let (index, source, line) = match &job.source {
            Source::File(p) | Source::Failed { path: p, .. } => {
                (job.index, p.display().to_string(), None)
            }
            Source::Line { file, line, .. } | Source::LineFailed { file, line, .. } => {
                (job.index, file.display().to_string(), Some(*line))
            }
        };
        // A bug met by one record fails that record, not the batch.
        let outcome = crate::panics::catch(|| process(job, opts, settings, claimed, &mut done));
        done.report = match outcome {
            Ok(report) => report,
            Err(error) => {
                if let Some(staged) = done.staged.take() {
                    staged.discard();
                }
                done.stamp = None;
                RecordReport {
                    index,
                    source,
                    line,
                    error: Some(error),
                    ..Default::default()
                }
            }
        };
        if results.send(done).is_err() {
            return;
        }
    }
}

/// A record converted, its outputs written under temporary names, waiting to be committed.
struct Done {
    report: RecordReport,
    staged: Option<output::Staged>,
    /// The stamp's file name and content, written once the outputs are in place.
    stamp: Option<(String, Vec<u8>)>,
}

/// Syncs the group's files to disk once, then renames each record's files into place and
/// writes its stamp (after the outputs: a run killed in between converts again).
fn commit(group: Vec<Done>, opts: &BatchOptions) -> Vec<RecordReport> {
    let synced = output::sync(group.iter().filter_map(|d| d.staged.as_ref()))
        .map_err(|e| format!("cannot write to {}: {e}", opts.out.display()));
    let mut reports = Vec::with_capacity(group.len());
    for done in group {
        let mut report = done.report;
        if let Some(files) = done.staged {
            let committed = match &synced {
                Ok(()) => files.commit(),
                Err(e) => {
                    files.discard();
                    Err(e.clone())
                }
            };
            match committed {
                Ok(_) => {
                    if let Some((name, json)) = done.stamp {
                        let _ = output::write_atomically_unsynced(
                            &opts.out.join(STAMP_DIR),
                            &[(name, json)],
                        );
                    }
                }
                Err(e) => {
                    report.error = Some(e);
                    report.outputs.clear();
                }
            }
        }
        reports.push(report);
    }
    reports
}

fn process(
    job: Job,
    opts: &BatchOptions,
    settings: &str,
    claimed: &Mutex<HashMap<String, (usize, String)>>,
    done: &mut Done,
) -> RecordReport {
    let mut report = RecordReport {
        index: job.index,
        ..Default::default()
    };
    let (text, article) = match load(&job.source, opts.confine_images, &mut report) {
        Ok(x) => x,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    let mut article = article;
    if opts.normalize_punctuation || opts.template.typography.normalize_punctuation {
        article.normalize_punctuation();
    }
    report.id = Some(article.id.clone());
    // Two records with one id: the second to arrive is an error, never an overwrite.
    {
        let mut map = claimed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, first)) = map.get(&article.id) {
            report.error = Some(format!(
                "duplicate id `{}`: already converted from {first}",
                article.id
            ));
            return report;
        }
        map.insert(article.id.clone(), (job.index, source_name(&report)));
    }
    let hash = content_hash(settings, &text, &article);
    let stamp_path = opts
        .out
        .join(STAMP_DIR)
        .join(format!("{}.json", article.id));
    if opts.skip_unchanged {
        if let Some(stamp) = read_stamp(&stamp_path, &hash, &opts.out) {
            report.skipped = true;
            report.pages = stamp.pages;
            report.outputs = stamp.outputs;
            return report;
        }
    }
    let outputs = match convert(&article, &opts.template, &opts.fonts, opts.formats) {
        Ok(o) => o,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    report.pages = outputs.pages;
    report.warnings = outputs.warnings.clone();
    report.outputs = outputs
        .files
        .iter()
        .map(|(name, bytes)| OutputReport {
            file: name.clone(),
            bytes: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        })
        .collect();
    match output::stage(&opts.out, &outputs.files) {
        Ok(staged) => done.staged = Some(staged),
        Err(e) => {
            report.error = Some(e);
            report.outputs.clear();
            return report;
        }
    }
    let stamp = Stamp {
        hash,
        pages: report.pages,
        outputs: report.outputs.clone(),
    };
    done.stamp = serde_json::to_vec(&stamp)
        .ok()
        .map(|json| (format!("{}.json", article.id), json));
    report
}

fn source_name(report: &RecordReport) -> String {
    match report.line {
        Some(line) => format!("{}:{line}", report.source),
        None => report.source.clone(),
    }
}

fn load(
    source: &Source,
    confine_images: bool,
    report: &mut RecordReport,
) -> Result<(String, Article), String> {
    let image_base = |dir| {
        if confine_images {
            ImageBase::Confined(dir)
        } else {
            ImageBase::Dir(dir)
        }
    };
    match source {
        Source::Failed { path, message } => {
            report.source = path.display().to_string();
            Err(message.clone())
        }
        Source::File(path) => {
            report.source = path.display().to_string();
            let (text, format) = read_record_text(path).map_err(|e| e.detail())?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("article");
            let base = path.parent().unwrap_or(Path::new("."));
            let article = parse_record_in(&text, format, path, stem, image_base(base))
                .map_err(|e| e.detail())?;
            Ok((text, article))
        }
        Source::LineFailed {
            file,
            line,
            message,
        } => {
            report.source = file.display().to_string();
            report.line = Some(*line);
            Err(message.clone())
        }
        Source::Line { file, line, text } => {
            report.source = file.display().to_string();
            report.line = Some(*line);
            let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("stdin");
            let default_id = format!("{stem}-{line}");
            let base = file.parent().unwrap_or(Path::new("."));
            let article = parse_record_in(
                text,
                RecordFormat::Json,
                file,
                &default_id,
                image_base(base),
            )
            .map_err(|mut e| {
                // Place JSON errors on the NDJSON file's line.
                // Place JSON errors on the NDJSON file's line.
                e.position = Some((*line, e.position.map_or(1, |p| p.1)));
                e.detail()
            })?;
            Ok((text.clone(), article))
        }
    }
}

/// A fingerprint of everything besides the record that changes any output byte: bulletin's
/// version, the template as it will be used (every setting, command-line overrides such as
/// `--pdfa`, `--tagged` and `--embed-fonts` included, through its `Debug` form, so a new
/// setting is covered without being listed here), the formats, the punctuation option and the
/// fonts' identity ([`FontBook::identity`]). Hex SHA-256.
pub fn settings_fingerprint(opts: &BatchOptions) -> String {
    let mut h = Sha256::new();
    for part in [
        env!("CARGO_PKG_VERSION").to_owned(),
        format!("{:?}", opts.template),
        format!("{:?}", opts.formats),
        format!("normalize_punctuation={}", opts.normalize_punctuation),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(opts.fonts.identity());
    hex(&h.finalize())
}

/// What one record's outputs depend on: the settings' fingerprint, the record's text and
/// the bytes of its images.
fn content_hash(settings: &str, text: &str, article: &Article) -> String {
    let mut h = Sha256::new();
    h.update(settings.as_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    for block in &article.body {
        if let Block::Image(img) = block {
            h.update([0]);
            h.update(img.data.as_slice());
        }
    }
    hex(&h.finalize())
}

/// The stamp, if it matches `hash` and every output it lists still exists with its size.
fn read_stamp(path: &Path, hash: &str, out: &Path) -> Option<Stamp> {
    let stamp: Stamp = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let intact = stamp.hash == hash
        && stamp
            .outputs
            .iter()
            .all(|o| std::fs::metadata(out.join(&o.file)).is_ok_and(|m| m.len() == o.bytes));
    intact.then_some(stamp)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Progress on stderr: a live line on a terminal, a line every two seconds otherwise.
struct Status {
    mode: Progress,
    started: Instant,
    last: Instant,
    done: usize,
    failed: usize,
}

impl Status {
    fn new(mode: Progress) -> Status {
        let now = Instant::now();
        Status {
            mode,
            started: now,
            last: now,
            done: 0,
            failed: 0,
        }
    }

    fn record(&mut self, report: &RecordReport) {
        self.done += 1;
        if let Some(e) = &report.error {
            self.failed += 1;
            self.clear();
            match report.line {
                // "feed.ndjson:3:20: field …", as for record files.
                Some(l) if e.starts_with(&format!("{l}:")) => {
                    eprintln!("error: {}:{e}", report.source)
                }
                Some(l) => eprintln!("error: {} line {l}: {e}", report.source),
                None => eprintln!("error: {}: {e}", report.source),
            }
        }
        for w in &report.warnings {
            self.clear();
            eprintln!("warning: {}: {w}", report.source);
        }
        let now = Instant::now();
        let interval = if self.mode == Progress::Terminal {
            0.1
        } else {
            2.0
        };
        if self.mode != Progress::Quiet && now.duration_since(self.last).as_secs_f64() >= interval {
            self.last = now;
            self.show(None);
        }
    }

    fn line(&self, total: Option<usize>) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(1e-6);
        let rate = self.done as f64 / secs;
        let eta = match total {
            Some(t) if rate > 0.0 && t > self.done => {
                format!(", ETA {:.0}s", (t - self.done) as f64 / rate)
            }
            _ => String::new(),
        };
        let of = total.map_or(String::new(), |t| format!("/{t}"));
        format!(
            "{}{of} records, {} failed, {rate:.0}/s{eta}",
            self.done, self.failed
        )
    }

    fn show(&self, total: Option<usize>) {
        let mut err = std::io::stderr().lock();
        match self.mode {
            Progress::Quiet => {}
            Progress::Plain => {
                let _ = writeln!(err, "{}", self.line(total));
            }
            Progress::Terminal => {
                let _ = write!(err, "\r\x1b[K{}", self.line(total));
                let _ = err.flush();
            }
        }
    }

    fn clear(&self) {
        if self.mode == Progress::Terminal {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }

    fn finish(&mut self, total: Option<usize>) {
        self.show(total);
        if self.mode == Progress::Terminal {
            eprintln!();
        }
    }
}

/// Picks the progress display for stderr.
pub fn progress_for_stderr(quiet: bool) -> Progress {
    if quiet {
        Progress::Quiet
    } else if std::io::stderr().is_terminal() {
        Progress::Terminal
    } else {
        Progress::Plain
    }
}

/// Parses "K/N".
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{s}` is not a shard; write K/N with 1 <= K <= N, e.g. 2/8");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: usize = k.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse() {
        assert_eq!(parse_shard("2/3"), Ok((2, 3)));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
