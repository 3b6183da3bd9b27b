//! The `bulletin` command line: parses arguments, calls the library, reports, sets the exit
//! code (0 all converted, 1 some record failed, 2 usage or setup error).

use bulletin::fonts::FontBook;
use bulletin::record::load_record;
use bulletin::template::Template;
use bulletin::{convert, output, Formats};
use clap::{Parser, Subcommand};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

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

#[derive(Subcommand)]
enum Command {
    /// Convert record files (JSON, YAML or TOML) into PDF, DOCX and QR code files.
    Convert {
        /// Record files to convert.
        #[arg(required = true, value_name = "RECORD")]
        records: Vec<PathBuf>,
        /// Directory for the outputs (created if missing).
        #[arg(long, short, value_name = "DIR")]
        out: PathBuf,
        /// Built-in template name or a template TOML file.
        #[arg(long, default_value = "bulletin", value_name = "NAME|FILE")]
        template: String,
        /// Comma-separated formats to produce: pdf, docx, qr.
        #[arg(long, default_value = "pdf,docx,qr", value_name = "LIST")]
        formats: String,
        /// Directory holding the bundled fonts (default: found next to the binary).
        #[arg(long, value_name = "DIR")]
        font_dir: Option<PathBuf>,
        /// Print only errors and warnings.
        #[arg(long, short)]
        quiet: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Convert {
            records,
            out,
            template,
            formats,
            font_dir,
            quiet,
        } => {
            let setup = (|| {
                let formats = Formats::parse(&formats)?;
                let template = Template::load(&template)?;
                let fonts = FontBook::discover(font_dir.as_deref())?;
                Ok::<_, String>((formats, template, fonts))
            })();
            let (formats, template, fonts) = match setup {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut failed = 0usize;
            let mut seen: HashMap<String, PathBuf> = HashMap::new();
            for path in &records {
                let article = match load_record(path) {
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
                let result = convert(&article, &template, &fonts, formats).and_then(|outputs| {
                    output::write_atomically(&out, &outputs.files).map(|w| (outputs, w))
                });
                match result {
                    Ok((outputs, written)) => {
                        for w in &outputs.warnings {
                            eprintln!("warning: {}: {w}", path.display());
                        }
                        if !quiet {
                            let names: Vec<String> =
                                written.iter().map(|p| p.display().to_string()).collect();
                            println!(
                                "{} -> {} ({} pages)",
                                path.display(),
                                names.join(", "),
                                outputs.pages
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
    }
}
