//! Writing outputs so that no reader ever sees a half-written file, and a record's files appear
//! together or not at all. A record's files are written into their own staging directory under
//! `DIR/.bulletin-tmp/`, put on disk, and committed: the staging directory is renamed to
//! `….commit` (from then on the record is decided), its files are renamed into place, and the
//! directory is removed. A process killed while staging leaves a staging directory, which the
//! next run removes; one killed while committing leaves a `.commit` directory, whose remaining
//! files the next run renames into place ([`recover`]), so a later run never sees a record with
//! only some of its files.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Subdirectory of the output directory holding records being written.
pub const TEMP_DIR: &str = ".bulletin-tmp";

/// Suffix of a staging directory whose record is being committed.
const COMMIT_SUFFIX: &str = ".commit";

/// This process's name in staging directories: host, process id and a value drawn at start,
/// so that runs sharing an output directory (shards on several machines, containers that all
/// run as process 1 under one host name) never take each other's names.
fn owner() -> &'static str {
    static OWNER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    OWNER.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        format!(
            "{}-{}-{:08x}",
            host_name(),
            std::process::id(),
            h.finish() as u32
        )
    })
}

fn temp_prefix() -> String {
    format!("{}-", owner())
}

/// Suffix of the lock file a process holds (an exclusive `flock`) in each temporary directory
/// it stages in, for as long as it runs: recovery touches another owner's records only when
/// it can take that lock, that is when the owner has ended, whatever its process id now names.
const LOCK_SUFFIX: &str = ".lock";

/// Takes this process's lock in `temp_dir` once; the file stays open (and locked) until exit.
/// The lock files this process holds, by temporary directory.
static HELD: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<PathBuf, fs::File>>> =
    std::sync::OnceLock::new();

fn hold_lock(temp_dir: &Path) -> std::io::Result<()> {
    let mut held = HELD
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if held.contains_key(temp_dir) {
        return Ok(());
    }
    let file = fs::File::create(temp_dir.join(format!("{}{LOCK_SUFFIX}", owner())))?;
    try_lock(&file)?;
    held.insert(temp_dir.to_path_buf(), file);
    Ok(())
}

/// Removes this process's lock files (and so releases the locks): called when a command has
/// written everything, so that a finished run leaves nothing in the temporary directories,
/// nor the directories themselves when nothing else is in them (an empty `.bulletin-tmp/`
/// would travel into a zipped mailing). A run killed before leaves its lock file, which the
/// next run removes.
pub fn release_locks() {
    if let Some(held) = HELD.get() {
        let mut held = held.lock().unwrap_or_else(|e| e.into_inner());
        for (dir, file) in held.drain() {
            let _ = fs::remove_file(dir.join(format!("{}{LOCK_SUFFIX}", owner())));
            drop(file);
            // Only an empty directory is removed; another run's files keep it.
            let _ = fs::remove_dir(&dir);
        }
    }
}

/// Whether the owner of `lock` (a lock file in a temporary directory) has ended: its lock can
/// be taken. Taking it keeps it until the returned file is dropped.
fn owner_ended(lock: &Path) -> Option<fs::File> {
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(lock)
        .ok()?;
    try_lock(&file).ok()?;
    Some(file)
}

/// Takes an exclusive `flock` on `file` without waiting; an error when another open file
/// holds it. (Elsewhere than Unix there is no lock: every run counts as ended.)
fn try_lock(file: &fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: flock only reads the descriptor, which `file` keeps open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
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

/// Writes all `files` into `dir` (created if needed), together: either every file is put in
/// place, or none is and the error is returned. The data reaches the disk before the renames.
pub fn write_atomically(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, String> {
    recover(dir);
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

/// One record's files written into a staging directory, waiting to be committed.
#[derive(Debug)]
pub struct Staged {
    /// The output directory.
    dir: PathBuf,
    /// `DIR/.bulletin-tmp/HOST-PID-N`.
    staging: PathBuf,
    /// The files' final names, in order.
    names: Vec<String>,
}

impl Staged {
    /// Puts every file in place. On failure every output of this record is removed (the new
    /// files already put in place and older files of its other names) and the rest discarded:
    /// the record is left with none of its outputs rather than a mix.
    pub fn commit(self) -> Result<Vec<PathBuf>, String> {
        // A directory in the way would stop a rename half-way: found before anything moves.
        for name in &self.names {
            let target = self.dir.join(name);
            if target.symlink_metadata().is_ok_and(|m| m.is_dir()) {
                self.discard();
                return Err(format!(
                    "cannot put {} in place: a directory of that name is in the way",
                    target.display()
                ));
            }
        }
        let committing = commit_path(&self.staging);
        if let Err(e) = fs::rename(&self.staging, &committing) {
            let message = format!("cannot write to {}: {e}", self.dir.display());
            self.discard();
            return Err(message);
        }
        let mut done = Vec::with_capacity(self.names.len());
        for name in &self.names {
            let target = self.dir.join(name);
            if let Err(e) = fs::rename(committing.join(name), &target) {
                // None of the record's outputs stays: neither the new ones already in place
                // nor older ones of the names not yet replaced, which would make a mixed set.
                for other in &self.names {
                    let _ = fs::remove_file(self.dir.join(other));
                }
                let _ = fs::remove_dir_all(&committing);
                return Err(format!("cannot move {} into place: {e}", target.display()));
            }
            done.push(target);
        }
        let _ = fs::remove_dir(&committing);
        Ok(done)
    }

    /// Removes the staged files: nothing is put in place.
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

fn commit_path(staging: &Path) -> PathBuf {
    let mut name = staging.as_os_str().to_owned();
    name.push(COMMIT_SUFFIX);
    PathBuf::from(name)
}

/// Writes `files` into a new staging directory under `dir`'s temporary directory. Names must
/// be plain file names (no separator): they are the outputs' names in `dir`.
pub fn stage(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Staged, String> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let temp_dir = dir.join(TEMP_DIR);
    fs::create_dir_all(&temp_dir)
        .map_err(|e| format!("cannot create output directory {}: {e}", dir.display()))?;
    hold_lock(&temp_dir).map_err(|e| format!("cannot write to {}: {e}", temp_dir.display()))?;
    let staging = temp_dir.join(format!(
        "{}{}",
        temp_prefix(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    fs::create_dir(&staging).map_err(|e| format!("cannot write to {}: {e}", temp_dir.display()))?;
    let staged = Staged {
        dir: dir.to_path_buf(),
        staging,
        names: files.iter().map(|(name, _)| name.clone()).collect(),
    };
    for (name, bytes) in files {
        let plain = Path::new(name)
            .file_name()
            .is_some_and(|n| n == name.as_str());
        let written = if plain {
            fs::File::create(staged.staging.join(name)).and_then(|mut f| f.write_all(bytes))
        } else {
            Err(std::io::Error::other("not a plain file name"))
        };
        if let Err(e) = written {
            let target = dir.join(name);
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
    let staged: Vec<&Staged> = staged.into_iter().filter(|s| !s.names.is_empty()).collect();
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::MetadataExt;
        let mut dirs: Vec<&Path> = staged.iter().map(|s| s.staging.as_path()).collect();
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
        for name in &s.names {
            fs::File::open(s.staging.join(name))?.sync_all()?;
        }
    }
    Ok(())
}

/// Finishes what runs that have ended (killed) left in `dir`'s temporary directory: a record
/// being committed (`….commit`) has its remaining files renamed into place; a record still
/// being staged is removed. A run is known to have ended when its lock can be taken (see
/// [`LOCK_SUFFIX`]); leftovers without a lock file (older versions of bulletin) are judged by
/// host name and process id. Returns how many records were completed and how many removed.
pub fn recover(dir: &Path) -> (usize, usize) {
    let temp_dir = dir.join(TEMP_DIR);
    let Ok(entries) = fs::read_dir(&temp_dir) else {
        return (0, 0);
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let host = format!("{}-", host_name());
    let (mut completed, mut removed) = (0, 0);
    // Owners judged so far: their lock, held while their leftovers are handled.
    let mut ended: std::collections::HashMap<String, Option<Option<fs::File>>> =
        std::collections::HashMap::new();
    for name in &names {
        if name.ends_with(LOCK_SUFFIX) {
            continue;
        }
        // HOST-PID-TOKEN-N[.commit] (this version) or HOST-PID-N… (older ones).
        let base = name.strip_suffix(COMMIT_SUFFIX).unwrap_or(name);
        let fields: Vec<&str> = base.rsplitn(2, '-').collect();
        let owner = fields.get(1).copied().unwrap_or_default().to_owned();
        if owner == self::owner() {
            continue;
        }
        let lock = temp_dir.join(format!("{owner}{LOCK_SUFFIX}"));
        let judged = ended.entry(owner.clone()).or_insert_with(|| {
            if lock.exists() {
                Some(owner_ended(&lock))
            } else {
                None
            }
        });
        let gone = match judged {
            Some(Some(_)) => true,
            Some(None) => false,
            None => {
                // No lock file: an older version's leftover, judged by host and process.
                let Some(rest) = name.strip_prefix(&host) else {
                    continue;
                };
                let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
                    continue;
                };
                pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
            }
        };
        if !gone {
            continue;
        }
        let path = temp_dir.join(name);
        if name.ends_with(COMMIT_SUFFIX) && path.is_dir() {
            if let Ok(files) = fs::read_dir(&path) {
                for file in files.flatten() {
                    let _ = fs::rename(file.path(), dir.join(file.file_name()));
                }
            }
            if fs::remove_dir_all(&path).is_ok() {
                completed += 1;
            }
        } else if fs::remove_dir_all(&path)
            .or_else(|_| fs::remove_file(&path))
            .is_ok()
        {
            removed += 1;
        }
    }
    // The locks of owners that have ended go too, once their records are handled.
    for (owner, judged) in ended {
        if let Some(Some(_held)) = judged {
            let _ = fs::remove_file(temp_dir.join(format!("{owner}{LOCK_SUFFIX}")));
        }
    }
    for name in &names {
        if let Some(owner) = name.strip_suffix(LOCK_SUFFIX) {
            let lock = temp_dir.join(name);
            if owner != self::owner() && lock.exists() && owner_ended(&lock).is_some() {
                let _ = fs::remove_file(&lock);
            }
        }
    }
    (completed, removed)
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
        // Only this process's lock is left.
        let left: Vec<_> = fs::read_dir(dir.join(TEMP_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, [format!("{}{LOCK_SUFFIX}", owner())]);
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), b"two");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_record_being_committed_is_completed_and_one_being_staged_removed() {
        let dir = std::env::temp_dir().join(format!("bulletin-recover-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let temp = dir.join(TEMP_DIR);
        // PID 0 never names a running process in /proc.
        let committing = temp.join(format!("{}-0-1{COMMIT_SUFFIX}", host_name()));
        let staging = temp.join(format!("{}-0-2", host_name()));
        for d in [&committing, &staging] {
            fs::create_dir_all(d).unwrap();
        }
        fs::write(dir.join("a.pdf"), b"new pdf").unwrap();
        fs::write(committing.join("a.docx"), b"new docx").unwrap();
        fs::write(staging.join("b.pdf"), b"half").unwrap();
        assert_eq!(recover(&dir), (1, 1));
        assert_eq!(fs::read(dir.join("a.docx")).unwrap(), b"new docx");
        assert!(!dir.join("b.pdf").exists());
        assert_eq!(fs::read_dir(&temp).unwrap().count(), 0);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_running_owners_records_are_left_alone_until_it_ends() {
        let dir = std::env::temp_dir().join(format!("bulletin-live-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let temp = dir.join(TEMP_DIR);
        let committing = temp.join(format!("elsewhere-1-0badc0de-7{COMMIT_SUFFIX}"));
        fs::create_dir_all(&committing).unwrap();
        fs::write(committing.join("a.pdf"), b"pdf").unwrap();
        // Another run (process 1 in its own container, say) holds its lock.
        let lock = temp.join(format!("elsewhere-1-0badc0de{LOCK_SUFFIX}"));
        let held = fs::File::create(&lock).unwrap();
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: flock only reads the descriptor.
            assert_eq!(
                unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
                0
            );
        }
        assert_eq!(recover(&dir), (0, 0));
        assert!(committing.join("a.pdf").exists() && !dir.join("a.pdf").exists());
        drop(held);
        assert_eq!(recover(&dir), (1, 0));
        assert_eq!(fs::read(dir.join("a.pdf")).unwrap(), b"pdf");
        assert!(!lock.exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_rename_leaves_none_of_the_records_files() {
        let dir = std::env::temp_dir().join(format!("bulletin-failed-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let staged = stage(
            &dir,
            &[
                ("a.pdf".to_owned(), b"pdf".to_vec()),
                ("a.docx".to_owned(), b"docx".to_vec()),
            ],
        )
        .unwrap();
        // The staging directory vanishes before the second rename can happen.
        let committing = commit_path(&staged.staging);
        let names = staged.names.clone();
        fs::rename(&staged.staging, &committing).unwrap();
        fs::remove_file(committing.join(&names[1])).unwrap();
        fs::rename(&committing, &staged.staging).unwrap();
        let error = staged.commit().unwrap_err();
        assert!(error.contains("a.docx"), "{error}");
        assert!(!dir.join("a.pdf").exists() && !dir.join("a.docx").exists());
        // Only this process's lock is left.
        let left: Vec<_> = fs::read_dir(dir.join(TEMP_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, [format!("{}{LOCK_SUFFIX}", owner())]);
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
        assert_eq!(recover(&dir), (0, 1));
        assert!(!stale.exists() && other_host.exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
