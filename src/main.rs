//! The `bulletin` command line: parses arguments, calls the library, reports, sets the exit
//! code (0 all converted, 1 some record failed, 2 usage or setup error).

use bulletin::batch::{BatchOptions, Input};
use bulletin::fonts::FontBook;
use bulletin::import::ImportOptions;
use bulletin::record::load_record;
use bulletin::template::Template;
use bulletin::{convert, output, Formats};
use clap::{Args, Parser, Subcommand};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// println! that does not panic when stdout is closed early (`bulletin check … | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

#[derive(Parser)]
#[command(
    name = "bulletin",
    version,
    about = "Turn article records into print-ready PDF, DOCX and QR code files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by `convert` and `batch`.
#[derive(Args)]
struct Conversion {
    /// Directory for the outputs (created if missing).
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Built-in template name or a template TOML file.
    #[arg(long, default_value = "bulletin", value_name = "NAME|FILE")]
    template: String,
    /// Comma-separated formats to produce: pdf, docx, qr, ofd.
    #[arg(long, default_value = "pdf,docx,qr", value_name = "LIST")]
    formats: String,
    /// Directory holding the bundled fonts (default: found next to the binary).
    #[arg(long, value_name = "DIR")]
    font_dir: Option<PathBuf>,
    /// Convert half-width punctuation inside Chinese text to full-width ("日,自" -> "日，自").
    #[arg(long)]
    normalize_punctuation: bool,
    /// Write PDF/A-2b (archival; PDF/A-2a with --tagged), checked by krilla's validator.
    #[arg(long)]
    pdfa: bool,
    /// Write a tagged PDF (structure tree for screen readers), checked against PDF/UA-1.
    #[arg(long)]
    tagged: bool,
    /// Embed the fonts in the DOCX (subset to the characters used), for readers without them.
    #[arg(long)]
    embed_fonts: bool,
    /// Let records use images outside their own directory (absolute paths, `..`, links).
    #[arg(long)]
    allow_outside_images: bool,
    /// Print only errors and warnings.
    #[arg(long, short)]
    quiet: bool,
}

impl Conversion {
    /// Formats, template and fonts; an error here is a usage or setup error (exit 2).
    fn setup(&self) -> Result<(Formats, Template, FontBook), String> {
        let mut template = Template::load(&self.template)?;
        template.pdf.pdfa |= self.pdfa;
        template.pdf.tagged |= self.tagged;
        template.docx.embed_fonts |= self.embed_fonts;
        Ok((
            Formats::parse(&self.formats)?,
            template,
            FontBook::discover(self.font_dir.as_deref())?,
        ))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Convert record files (JSON, YAML or TOML) into PDF, DOCX and QR code files.
    Convert {
        /// Record files to convert.
        #[arg(required = true, value_name = "RECORD")]
        records: Vec<PathBuf>,
        #[command(flatten)]
        conversion: Conversion,
    },
    /// Convert many records in parallel: directories, NDJSON files (or - for stdin), record files.
    Batch {
        /// Record files, directories of them (read recursively), NDJSON files (.ndjson, .jsonl:
        /// one record a line), or `-` for NDJSON on standard input.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        #[command(flatten)]
        conversion: Conversion,
        /// Worker threads (default: the number of cores).
        #[arg(long, short, value_name = "N")]
        jobs: Option<usize>,
        /// Write a JSON manifest of every record's outputs (sizes, SHA-256), pages, warnings, errors.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Skip records whose outputs exist and were made from the same record, template and version.
        #[arg(long)]
        skip_unchanged: bool,
        /// Convert only the K-th of N deterministic slices of the input.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
    },
    /// Turn a saved web page (HTML), text copied from one, or a Word draft (DOCX) into a record
    /// (JSON); a draft's pictures are written beside the record.
    Import {
        /// The page or draft: .html/.htm (any declared encoding), .txt or .docx.
        page: PathBuf,
        /// The page's online address (recorded as `url`, base for relative links).
        #[arg(long)]
        url: Option<String>,
        /// The issuing body (recorded as `issuer`).
        #[arg(long)]
        issuer: Option<String>,
        /// The record id (default: the page's file name).
        #[arg(long)]
        id: Option<String>,
        /// Where to write the record (default: standard output).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Measure conversion speed and memory on generated records (see README for figures).
    Bench {
        /// How many distinct records to generate.
        #[arg(long, default_value_t = 2000)]
        records: usize,
        /// Characters of body text per record.
        #[arg(long, default_value_t = 2000)]
        chars: usize,
        /// Job counts to measure batch throughput at.
        #[arg(long, default_value = "1,2", value_delimiter = ',')]
        jobs: Vec<usize>,
        /// Directory holding the bundled fonts (default: found next to the binary).
        #[arg(long, value_name = "DIR")]
        font_dir: Option<PathBuf>,
    },
    /// Serve the local web page: fill in a form or drop record files, preview, download.
    Serve {
        /// Address to listen on; other than loopback, the page is reachable from other machines.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT", value_parser = listen_addr)]
        addr: std::net::SocketAddr,
        /// Directory of user templates (*.toml), offered beside the built-in ones.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Directory holding the bundled fonts (default: found next to the binary).
        #[arg(long, value_name = "DIR")]
        font_dir: Option<PathBuf>,
        /// Largest upload, in megabytes.
        #[arg(long, default_value_t = 20, value_name = "MB")]
        max_upload: usize,
        /// Most records in one uploaded batch.
        #[arg(long, default_value_t = 1000, value_name = "N")]
        max_records: usize,
        /// Longest a request may take, in seconds.
        #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
        timeout: f64,
        /// Longest wait for a request's headers or body, or for the next request on an idle
        /// connection, in seconds (default: 15 for headers and idle connections, 30 for a body).
        #[arg(long, value_name = "SECONDS")]
        io_timeout: Option<f64>,
        /// Open the page in the default browser once the server listens ($BROWSER when set,
        /// else xdg-open on Linux, open on macOS, start on Windows).
        #[arg(long)]
        open: bool,
    },
    /// List the built-in templates, or print one (`templates show NAME`) to copy and edit.
    Templates {
        #[command(subcommand)]
        action: Option<TemplatesAction>,
    },
    /// Validate records and report half-width punctuation inside Chinese text and departures
    /// from GB/T 9704-2012 (the 发文字号's form, attachment names), with positions.
    /// With --template, also what that template's format refuses or says of the record
    /// (a 令号 outside the 命令 format, an order's mark without 令, …), as convert would.
    /// Exit 1 when a record is invalid or its template's format refuses it; notes alone exit 0
    /// (1 with --strict), so that scripts can tell them apart.
    Check {
        /// Record files (.json, .yaml, .yml, .toml).
        #[arg(required = true, value_name = "RECORD")]
        records: Vec<PathBuf>,
        /// The template the records are meant for (a built-in name or a .toml file).
        #[arg(long, value_name = "NAME|FILE")]
        template: Option<String>,
        /// Notes (punctuation, GB/T 9704 forms) fail the check too (exit 1).
        #[arg(long)]
        strict: bool,
    },
}

#[derive(Subcommand)]
enum TemplatesAction {
    /// Print a built-in template's TOML.
    Show { name: String },
}

/// `--addr`: an IP address and port, or a host name ("localhost:9000") resolved to its first
/// IPv4 address (else its first address).
fn listen_addr(s: &str) -> Result<std::net::SocketAddr, String> {
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    use std::net::ToSocketAddrs;
    let addrs: Vec<std::net::SocketAddr> = s
        .to_socket_addrs()
        .map_err(|e| {
            format!("`{s}` is not HOST:PORT or IP:PORT ({e}); for example 127.0.0.1:8080")
        })?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| format!("`{s}` names no address"))
}

fn main() -> ExitCode {
    bulletin::panics::install_hook();
    let code = run(Cli::parse().command);
    // Everything is written: this run's locks on its temporary directories go.
    output::release_locks();
    code
}

fn run(command: Command) -> ExitCode {
    match command {
        Command::Check {
            records,
            template,
            strict,
        } => check(&records, template.as_deref(), strict),
        Command::Templates { action } => templates(action),
        Command::Bench {
            records,
            chars,
            jobs,
            font_dir,
        } => bench(records, chars, &jobs, font_dir.as_deref()),
        Command::Convert {
            records,
            conversion,
        } => convert_records(&records, &conversion),
        Command::Serve {
            addr,
            templates,
            font_dir,
            max_upload,
            max_records,
            timeout,
            io_timeout,
            open,
        } => serve(
            addr,
            open,
            templates.as_deref(),
            font_dir.as_deref(),
            bulletin::serve::Limits {
                max_body: max_upload.saturating_mul(1024 * 1024),
                max_records,
                timeout: std::time::Duration::from_secs_f64(timeout.max(0.0)),
                ..bulletin::serve::Limits::default().with_io_timeout(io_timeout)
            },
        ),
        Command::Import {
            page,
            url,
            issuer,
            id,
            output,
        } => import_page(&page, ImportOptions { url, issuer, id }, output.as_deref()),
        Command::Batch {
            inputs,
            conversion,
            jobs,
            report,
            skip_unchanged,
            shard,
        } => batch(
            &inputs,
            &conversion,
            jobs,
            report.as_deref(),
            skip_unchanged,
            shard.as_deref(),
        ),
    }
}

fn serve(
    addr: std::net::SocketAddr,
    open: bool,
    templates: Option<&Path>,
    font_dir: Option<&Path>,
    limits: bulletin::serve::Limits,
) -> ExitCode {
    let setup = FontBook::discover(font_dir)
        .and_then(|fonts| bulletin::serve::templates(templates).map(|t| (fonts, t)));
    let (fonts, (templates, warnings)) = match setup {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let font_dir = fonts.dir().to_path_buf();
    let options = bulletin::serve::ServeOptions {
        addr,
        fonts,
        templates,
        limits,
    };
    let result = bulletin::serve::run(options, |bound| {
        if !bound.ip().is_loopback() {
            eprintln!(
                "warning: listening on {bound}, which other machines can reach: anyone who can \
                 reach it can convert documents here. Use --addr 127.0.0.1:PORT to keep it local."
            );
        }
        let url = bulletin::serve::page_url(bound);
        say!("bulletin serve: open {url} in a browser (Ctrl-C stops)");
        say!("bulletin serve: fonts from {}", font_dir.display());
        if open {
            if let Err(e) = open_browser(&url) {
                eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Starts the default browser on `url` and leaves it running: `$BROWSER` when set (the
/// convention on Unix desktops), else the desktop's opener (`xdg-open`, macOS `open`,
/// Windows `start` through `cmd`). The opener's output is discarded.
fn open_browser(url: &str) -> Result<(), String> {
    use std::process::Stdio;
    let mut command = if let Some(browser) = std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
        std::process::Command::new(browser)
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|mut child| {
            // Reaped when it exits (an opener hands the page to the browser and ends).
            std::thread::spawn(move || child.wait());
        })
        .map_err(|e| e.to_string())
}

fn import_page(page: &Path, options: ImportOptions, output: Option<&Path>) -> ExitCode {
    let imported = bulletin::panics::catch(|| bulletin::import::import_file(page, &options))
        .map_err(|e| format!("{}: {e}", page.display()))
        .and_then(|imported| imported);
    let imported = match imported {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    for w in &imported.warnings {
        eprintln!("warning: {}: {w}", page.display());
    }
    // Nothing is written that `convert` would refuse (too many blocks, an id that cannot name
    // a file, a picture over the pixel limit).
    if let Err(e) = bulletin::import::validate(&imported, page) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    let mut json = serde_json::to_string_pretty(&imported.record).unwrap_or_default();
    json.push('\n');
    // A Word draft's pictures are written beside the record, which names them relative to
    // itself; with the record on standard output, into the current directory.
    let pictures = imported.pictures;
    let write =
        |dir: &Path, files: Vec<(String, Vec<u8>)>| match output::write_atomically(dir, &files) {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        };
    match output {
        None => {
            if !pictures.is_empty() {
                let names: Vec<&str> = pictures.iter().map(|(n, _)| n.as_str()).collect();
                eprintln!(
                    "warning: {}: the draft's pictures are written to the current directory ({}); give -o to put them beside the record",
                    page.display(),
                    names.join(", ")
                );
                let code = write(Path::new("."), pictures);
                if code != ExitCode::SUCCESS {
                    return code;
                }
            }
            say!("{}", json.trim_end());
            ExitCode::SUCCESS
        }
        Some(path) => {
            let name = path.file_name().map_or_else(
                || "record.json".into(),
                |n| n.to_string_lossy().into_owned(),
            );
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut files = pictures;
            files.push((name, json.into_bytes()));
            write(dir, files)
        }
    }
}

fn usage_error(e: &str) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

fn convert_records(records: &[PathBuf], c: &Conversion) -> ExitCode {
    let (formats, template, fonts) = match c.setup() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let mut failed = 0usize;
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for path in records {
        // A web page or text capture is imported first, then converted like a record.
        let load = || {
            if bulletin::import::is_page(path) {
                bulletin::import::import_article(path, &ImportOptions::default()).map(
                    |(article, warnings)| {
                        for w in warnings {
                            eprintln!("warning: {}: {w}", path.display());
                        }
                        article
                    },
                )
            } else {
                load_record(path, c.allow_outside_images).map_err(|e| e.to_string())
            }
        };
        let loaded = bulletin::panics::catch(load)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|loaded| loaded);
        let mut article = match loaded {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
                continue;
            }
        };
        if let Some(first) = seen.get(&article.id) {
            eprintln!(
                "error: {}: id `{}` was already converted from {}; not overwriting its outputs",
                path.display(),
                article.id,
                first.display()
            );
            failed += 1;
            continue;
        }
        seen.insert(article.id.clone(), path.clone());
        if c.normalize_punctuation || template.typography.normalize_punctuation {
            let changed = article.normalize_punctuation();
            if changed > 0 && !c.quiet {
                eprintln!(
                    "note: {}: {changed} half-width marks in Chinese text set full-width",
                    path.display()
                );
            }
        }
        // A bug met by one record fails that record; the others are still converted.
        let result = bulletin::panics::catch(|| convert(&article, &template, &fonts, formats))
            .and_then(|converted| converted)
            .and_then(|outputs| {
                output::write_atomically(&c.out, &outputs.files).map(|w| (outputs, w))
            });
        match result {
            Ok((outputs, written)) => {
                for w in &outputs.warnings {
                    eprintln!("warning: {}: {w}", path.display());
                }
                if !c.quiet {
                    let names: Vec<String> =
                        written.iter().map(|p| p.display().to_string()).collect();
                    say!(
                        "{} -> {} ({} page{})",
                        path.display(),
                        names.join(", "),
                        outputs.pages,
                        if outputs.pages == 1 { "" } else { "s" }
                    );
                }
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} records failed", records.len());
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn batch(
    inputs: &[String],
    c: &Conversion,
    jobs: Option<usize>,
    report: Option<&Path>,
    skip_unchanged: bool,
    shard: Option<&str>,
) -> ExitCode {
    let setup = c
        .setup()
        .and_then(|s| Ok((s, shard.map(bulletin::batch::parse_shard).transpose()?)));
    let ((formats, template, fonts), shard) = match setup {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let options = BatchOptions {
        out: c.out.clone(),
        template,
        fonts,
        formats,
        jobs: jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        skip_unchanged,
        shard,
        normalize_punctuation: c.normalize_punctuation,
        progress: bulletin::batch::progress_for_stderr(c.quiet),
        confine_images: !c.allow_outside_images,
    };
    let inputs: Vec<Input> = inputs.iter().map(|a| Input::from_arg(a)).collect();
    let result = bulletin::batch::run(&inputs, &options);
    if let Some(path) = report {
        let json = serde_json::to_vec_pretty(&result).unwrap_or_default();
        let name = path.file_name().map_or_else(
            || "report.json".into(),
            |n| n.to_string_lossy().into_owned(),
        );
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Err(e) = output::write_atomically(dir, &[(name, json)]) {
            eprintln!("error: cannot write the report: {e}");
            return ExitCode::from(1);
        }
    }
    let t = &result.totals;
    if !c.quiet {
        eprintln!(
            "{} records: {} converted, {} unchanged, {} failed in {:.2}s",
            t.records, t.converted, t.skipped, t.failed, t.wall_seconds
        );
    }
    if t.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn bench(records: usize, chars: usize, jobs: &[usize], font_dir: Option<&Path>) -> ExitCode {
    let fonts = match FontBook::discover(font_dir) {
        Ok(f) => f,
        Err(e) => return usage_error(&e),
    };
    let work = std::env::temp_dir().join(format!("bulletin-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&work);
    let result = bulletin::bench::run(records, chars, jobs, &fonts, &work, &mut std::io::stdout());
    let _ = std::fs::remove_dir_all(&work);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn check(records: &[PathBuf], template: Option<&str>, strict: bool) -> ExitCode {
    let template = match template.map(Template::load).transpose() {
        Ok(t) => t,
        Err(e) => return usage_error(&e),
    };
    // Invalid records and refusals (exit 1), and records with notes only (exit 0 unless strict).
    let (mut failed, mut noted) = (0usize, 0usize);
    for path in records {
        let loaded =
            bulletin::panics::catch(|| load_record(path, false).map_err(|e| e.to_string()))
                .map_err(|e| format!("{}: {e}", path.display()))
                .and_then(|loaded| loaded);
        match loaded {
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
            }
            Ok(article) => {
                // Dates written as people write them: said how they were read (no note).
                for d in &article.dates_read {
                    say!(
                        "{}: field `{}`: `{}` is read as {}",
                        path.display(),
                        d.field,
                        d.written,
                        d.shown()
                    );
                }
                let spots = article.punctuation_spots();
                for s in &spots {
                    say!(
                        "{}: field `{}`, character {}: {}",
                        path.display(),
                        s.field,
                        s.column,
                        s.describe()
                    );
                }
                let (official, refused) = bulletin::check_findings(&article, template.as_ref());
                for s in &official {
                    say!("{}: {s}", path.display());
                }
                if let Some(refused) = &refused {
                    say!("{}: {refused}", path.display());
                    failed += 1;
                }
                if spots.is_empty() && official.is_empty() && refused.is_none() {
                    say!("{}: ok", path.display());
                } else if !spots.is_empty() || !official.is_empty() {
                    noted += 1;
                    if !spots.is_empty() {
                        say!(
                            "{}: {} punctuation problems in Chinese text; correct them with --normalize-punctuation",
                            path.display(),
                            spots.len()
                        );
                    }
                    if !official.is_empty() {
                        say!(
                            "{}: {} departures from GB/T 9704-2012",
                            path.display(),
                            official.len()
                        );
                    }
                }
            }
        }
    }
    if failed > 0 || (strict && noted > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn templates(action: Option<TemplatesAction>) -> ExitCode {
    match action {
        None => {
            for name in Template::builtin_names() {
                match Template::load(name) {
                    Ok(t) => say!("{name}\t{}", t.description.get(false).unwrap_or("")),
                    Err(e) => say!("{name}\t(broken: {e})"),
                }
            }
            ExitCode::SUCCESS
        }
        Some(TemplatesAction::Show { name }) => match Template::builtin_source(&name) {
            Some(text) => {
                say!("{}", text.trim_end());
                ExitCode::SUCCESS
            }
            None => {
                let names: Vec<&str> = Template::builtin_names().collect();
                eprintln!(
                    "error: no built-in template `{name}`; built-in: {}",
                    names.join(", ")
                );
                ExitCode::from(2)
            }
        },
    }
}
