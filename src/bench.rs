//! `bulletin bench`: generates distinct, realistic records (sentences of the bundled sample
//! article reshuffled) and measures per-article conversion time for each format, batch
//! throughput at several job counts, and the process's peak memory.

use crate::batch::{self, BatchOptions, Input, Progress};
use crate::fonts::FontBook;
use crate::record::{parse_record, RecordFormat};
use crate::template::Template;
use crate::{convert, Formats};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

const SAMPLE: &str = include_str!("../examples/nmg-sthjt-2025-02-18.json");

/// N records of about `chars` characters each, as NDJSON lines.
pub fn generate(n: usize, chars: usize) -> Vec<String> {
    let sample: serde_json::Value = serde_json::from_str(SAMPLE).unwrap_or_default();
    let mut sentences: Vec<String> = Vec::new();
    if let Some(body) = sample["body"].as_array() {
        for block in body {
            if let Some(text) = block["text"].as_str() {
                sentences.extend(text.split_inclusive('。').map(str::to_owned));
            }
        }
    }
    if sentences.is_empty() {
        sentences.push("生态环境保护工作会议召开。".to_owned());
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    (0..n)
        .map(|i| {
            let mut paragraphs = Vec::new();
            let mut total = 0;
            while total < chars {
                let mut p = String::new();
                for _ in 0..3 + next(4) {
                    p.push_str(&sentences[next(sentences.len())]);
                }
                total += p.chars().count();
                paragraphs.push(serde_json::json!({"type": "paragraph", "text": p}));
            }
            serde_json::json!({
                "id": format!("bench-{i:05}"),
                "title": format!("第{}号：{}", i + 1, sentences[next(sentences.len())].trim_end_matches('。')),
                "published": "2025-02-18 18:03",
                "source": "bulletin bench",
                "url": format!("https://example.gov.cn/bench/{i}.html"),
                "body": paragraphs,
            })
            .to_string()
        })
        .collect()
}

/// Batch runs per job count.
const BATCH_RUNS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Peak resident memory of this process in MiB (Linux), if known.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Runs the benchmark and writes a report to `out`.
pub fn run(
    records: usize,
    chars: usize,
    jobs: &[usize],
    fonts: &FontBook,
    work: &Path,
    out: &mut impl Write,
) -> Result<(), String> {
    let template = Template::load("bulletin")?;
    let lines = generate(records, chars);
    let articles: Vec<_> = lines
        .iter()
        .take(200.min(records))
        .map(|l| {
            parse_record(
                l,
                RecordFormat::Json,
                Path::new("bench.ndjson"),
                "bench",
                Path::new("."),
            )
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let avg_chars = articles
        .iter()
        .map(|a| a.body_text().concat().chars().count())
        .sum::<usize>()
        / articles.len().max(1);
    let _ = writeln!(
        out,
        "bulletin bench: {records} distinct records of about {avg_chars} characters, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let _ = writeln!(
        out,
        "\nper article, one core, warm (median of {} articles):",
        articles.len()
    );
    let formats = [
        (
            "pdf",
            Formats {
                pdf: true,
                docx: false,
                qr: false,
                ofd: false,
            },
        ),
        (
            "docx",
            Formats {
                pdf: false,
                docx: true,
                qr: false,
                ofd: false,
            },
        ),
        (
            "qr (png+svg)",
            Formats {
                pdf: false,
                docx: false,
                qr: true,
                ofd: false,
            },
        ),
        ("all three", Formats::default()),
    ];
    // One warm-up pass so that font tables are paged in.
    for a in articles.iter().take(5) {
        convert(a, &template, fonts, Formats::default())?;
    }
    let mut times = Vec::with_capacity(articles.len());
    for a in &articles {
        let t = Instant::now();
        crate::layout::layout(a, &template, fonts, None)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = writeln!(out, "  {:<14} {:>7.2} ms", "layout only", median(times));
    for (name, f) in formats {
        let mut times = Vec::with_capacity(articles.len());
        for a in &articles {
            let t = Instant::now();
            convert(a, &template, fonts, f)?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let _ = writeln!(out, "  {name:<14} {:>7.2} ms", median(times));
    }
    let input = work.join("bench.ndjson");
    std::fs::write(&input, lines.join("\n")).map_err(|e| e.to_string())?;
    // The batch reads the records from disk; holding them here would count in its memory.
    drop(lines);
    // Reset the peak-memory mark (Linux) so that it measures the batches alone.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let _ = writeln!(
        out,
        "\nbatch of {records} records, all three formats, written to disk:"
    );
    // Each run writes into a directory of its own, all removed at the end: deleting one run's
    // thousands of files just before the next would time the file system's inode allocator
    // (ext4 searches past recently deleted inodes) rather than bulletin.
    let mut written = Vec::new();
    for &j in jobs {
        // Three runs each, the median quoted: file-system timing varies from run to run.
        let mut rates = Vec::new();
        for run in 0..BATCH_RUNS {
            let dir = work.join(format!("out-{j}-{run}"));
            let _ = std::fs::remove_dir_all(&dir);
            written.push(dir.clone());
            let options = BatchOptions {
                out: dir.clone(),
                template: template.clone(),
                fonts: fonts.clone(),
                formats: Formats::default(),
                jobs: j,
                skip_unchanged: false,
                shard: None,
                normalize_punctuation: false,
                progress: Progress::Quiet,
                confine_images: false,
            };
            let report = batch::run(&[Input::Ndjson(input.clone())], &options);
            let t = &report.totals;
            if t.failed > 0 {
                return Err(format!(
                    "{} records failed in the benchmark batch",
                    t.failed
                ));
            }
            rates.push(t.records as f64 / t.wall_seconds);
        }
        let (low, high) = rates
            .iter()
            .fold((f64::MAX, 0.0f64), |(l, h), r| (l.min(*r), h.max(*r)));
        let _ = writeln!(
            out,
            "  --jobs {j}: {:>7.0} records/s (median of {BATCH_RUNS} runs of {records}; {low:.0}–{high:.0})",
            median(rates),
        );
    }
    for dir in written {
        let _ = std::fs::remove_dir_all(&dir);
    }
    // A whole `bulletin convert` of the bundled example in a fresh process, 15 times.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/nmg-sthjt-2025-02-18.json");
    if let (Ok(exe), true) = (std::env::current_exe(), example.is_file()) {
        let mut times = Vec::new();
        for _ in 0..15 {
            let t = Instant::now();
            let status = std::process::Command::new(&exe)
                .arg("convert")
                .arg(&example)
                .arg("--out")
                .arg(work.join("cold"))
                .arg("--quiet")
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err("the cold convert failed".into());
            }
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let _ = writeln!(
            out,
            "
cold process, `bulletin convert` of the example (all three formats): {:.1} ms median of 15",
            median(times)
        );
    }
    if let Some(mib) = peak_memory_mib() {
        let _ = writeln!(
            out,
            "\npeak memory (resident) during the batches: {mib:.0} MiB"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_records_are_distinct_valid_and_long_enough() {
        let lines = generate(20, 2000);
        let mut ids = std::collections::HashSet::new();
        for l in &lines {
            let a =
                parse_record(l, RecordFormat::Json, Path::new("b"), "b", Path::new(".")).unwrap();
            assert!(a.body_text().concat().chars().count() >= 2000);
            assert!(ids.insert(a.id));
        }
        assert_ne!(lines[0], lines[1]);
    }
}
