//! Writing outputs so that no reader ever sees a half-written file: each file is written under
//! `DIR/.bulletin-tmp/` and renamed into place once complete. A process killed mid-write leaves
//! only its temporary file behind, which the next run removes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Subdirectory of the output directory holding files being written.
pub const TEMP_DIR: &str = ".bulletin-tmp";

/// Temporary names carry the host and process, so that runs sharing an output directory
/// (shards on several machines) never remove each other's files.
fn temp_prefix() -> String {
    format!("{}-{}-", host_name(), std::process::id())
}

fn host_name() -> String {
    fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned())
        .replace(['/', '-'], "_")
}

/// Writes all `files` into `dir` (created if needed). Either every file is renamed into
/// place, or the temporary files are removed and the error is returned; files that existed
/// before are only ever replaced whole. The data reaches the disk before the renames.
pub fn write_atomically(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, String> {
    let staged = stage(dir, files)?;
    if let Err(e) = sync([&staged]) {
        staged.discard();
        return Err(format!("cannot write to {}: {e}", dir.display()));
    }
    staged.commit()
}

/// As [`write_atomically`], without waiting for the disk: for files whose loss in a crash of
/// the machine costs nothing but redoing work (the batch's stamps).
pub fn write_atomically_unsynced(
    dir: &Path,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<PathBuf>, String> {
    stage(dir, files)?.commit()
}

/// Files written under temporary names, waiting to be renamed into place.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    /// (temporary path, final path)
    temps: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    /// Renames every file into place; on failure removes the temporaries not yet renamed.
    pub fn commit(self) -> Result<Vec<PathBuf>, String> {
        let mut done = Vec::new();
        for (i, (tmp, target)) in self.temps.iter().enumerate() {
            if let Err(e) = fs::rename(tmp, target) {
                for (tmp, _) in &self.temps[i..] {
                    let _ = fs::remove_file(tmp);
                }
                return Err(format!("cannot move {} into place: {e}", target.display()));
            }
            done.push(target.clone());
        }
        Ok(done)
    }

    /// Removes the temporaries: nothing is put in place.
    pub fn discard(self) {
        for (tmp, _) in &self.temps {
            let _ = fs::remove_file(tmp);
        }
    }
}

/// Writes `files` under temporary names in `dir`'s temporary directory.
pub fn stage(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Staged, String> {
    let temp_dir = dir.join(TEMP_DIR);
    fs::create_dir_all(&temp_dir)
        .map_err(|e| format!("cannot create output directory {}: {e}", dir.display()))?;
    let prefix = temp_prefix();
    let mut staged = Staged {
        dir: temp_dir.clone(),
        temps: Vec::with_capacity(files.len()),
    };
    for (name, bytes) in files {
        let target = dir.join(name);
        let tmp = temp_dir.join(format!("{prefix}{name}"));
        let written = fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes));
        staged.temps.push((tmp, target.clone()));
        if let Err(e) = written {
            staged.discard();
            return Err(format!("cannot write {}: {e}", target.display()));
        }
    }
    Ok(staged)
}

/// Puts the staged files' data on disk, so that a crash of the machine cannot leave an empty
/// file under a final name once they are renamed. On Linux one `syncfs` per file system does
/// it for all of them (a `fsync` a file cost more than converting a record); elsewhere each
/// file is synced.
pub fn sync<'a>(staged: impl IntoIterator<Item = &'a Staged>) -> std::io::Result<()> {
    let staged: Vec<&Staged> = staged.into_iter().filter(|s| !s.temps.is_empty()).collect();
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::MetadataExt;
        let mut dirs: Vec<&Path> = staged.iter().map(|s| s.dir.as_path()).collect();
        dirs.sort();
        dirs.dedup();
        let mut devices = Vec::new();
        let mut all = true;
        for dir in dirs {
            let dir = fs::File::open(dir)?;
            let device = dir.metadata()?.dev();
            if devices.contains(&device) {
                continue;
            }
            devices.push(device);
            // SAFETY: syncfs only reads the descriptor, which `dir` keeps open for the call.
            all &= unsafe { libc::syncfs(dir.as_raw_fd()) } == 0;
        }
        if all {
            return Ok(());
        }
    }
    for s in staged {
        for (tmp, _) in &s.temps {
            fs::File::open(tmp)?.sync_all()?;
        }
    }
    Ok(())
}

/// Removes temporary files left by runs on this host that are no longer running (a killed
/// batch); returns how many were removed.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir.join(TEMP_DIR)) else {
        return 0;
    };
    let host = format!("{}-", host_name());
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&host) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A ZIP archive of `files`, deflated except where `stored(name)`. Fixed timestamps (the zip
/// epoch) keep the archive byte-identical between runs.
pub fn zip_archive(
    files: Vec<(String, Vec<u8>)>,
    stored: impl Fn(&str) -> bool,
) -> Result<Vec<u8>, String> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // Level 1: DOCX and OFD parts are small XML; a higher level saves little and costs time.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files {
        let opts = if stored(&name) {
            options
                .compression_method(zip::CompressionMethod::Stored)
                .compression_level(None)
        } else {
            options
        };
        zip.start_file(name, opts).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    zip.finish()
        .map(|cursor| cursor.into_inner())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_files_and_leaves_no_temporaries() {
        let dir = std::env::temp_dir().join(format!("bulletin-out-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let files = vec![
            ("a.txt".to_owned(), b"one".to_vec()),
            ("b.txt".to_owned(), b"two".to_vec()),
        ];
        let written = write_atomically(&dir, &files).unwrap();
        assert_eq!(written.len(), 2);
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, vec![TEMP_DIR, "a.txt", "b.txt"]);
        assert_eq!(fs::read_dir(dir.join(TEMP_DIR)).unwrap().count(), 0);
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), b"two");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let dir = std::env::temp_dir().join(format!("bulletin-stale-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join(TEMP_DIR)).unwrap();
        // PID 0 never names a running process in /proc.
        let stale = dir.join(TEMP_DIR).join(format!("{}-0-x.pdf", host_name()));
        let other_host = dir.join(TEMP_DIR).join("elsewhere-0-x.pdf");
        fs::write(&stale, b"half").unwrap();
        fs::write(&other_host, b"half").unwrap();
        assert_eq!(remove_stale_temporaries(&dir), 1);
        assert!(!stale.exists() && other_host.exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
