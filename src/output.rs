//! Writing outputs so that no reader ever sees a half-written file: each file goes to a
//! temporary name in the target directory and is renamed into place once complete.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes all `files` into `dir` (created if needed). Either every file is renamed into
/// place, or the temporary files are removed and the error is returned; files that existed
/// before are only ever replaced whole.
pub fn write_atomically(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, String> {
    fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create output directory {}: {e}", dir.display()))?;
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in temps {
            let _ = fs::remove_file(tmp);
        }
    };
    for (name, bytes) in files {
        let target = dir.join(name);
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        temps.push((tmp, target.clone()));
        if let Err(e) = written {
            cleanup(&temps);
            return Err(format!("cannot write {}: {e}", target.display()));
        }
    }
    let mut done = Vec::new();
    for (i, (tmp, target)) in temps.iter().enumerate() {
        if let Err(e) = fs::rename(tmp, target) {
            cleanup(&temps[i..]);
            return Err(format!("cannot move {} into place: {e}", target.display()));
        }
        done.push(target.clone());
    }
    Ok(done)
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
        assert_eq!(names, vec!["a.txt", "b.txt"]);
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), b"two");
        fs::remove_dir_all(&dir).unwrap();
    }
}
