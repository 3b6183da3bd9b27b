//! Private temporary directories for uploads: one root per server process (mode 0700 on Unix),
//! one directory per request, removed when the request's work ends.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const PREFIX: &str = "bulletin-serve-";

/// The server's own directory under the system's temporary directory.
pub struct Root {
    dir: PathBuf,
    next: AtomicU64,
}

impl Root {
    /// Creates the root, first removing roots left by servers that no longer run.
    pub fn create() -> Result<Root, String> {
        let base = std::env::temp_dir();
        remove_stale(&base);
        let dir = base.join(format!("{PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        private_dir(&dir)
            .map_err(|e| format!("cannot create the upload directory {}: {e}", dir.display()))?;
        Ok(Root {
            dir,
            next: AtomicU64::new(1),
        })
    }

    /// A new empty directory for one request.
    pub fn workspace(&self) -> Result<Workspace, String> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let dir = self.dir.join(format!("request-{n}"));
        private_dir(&dir)
            .map_err(|e| format!("cannot create the upload directory {}: {e}", dir.display()))?;
        Ok(Workspace { dir })
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One request's directory; removed with everything in it when dropped.
pub struct Workspace {
    dir: PathBuf,
}

impl Workspace {
    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Removes `bulletin-serve-PID` directories whose process has gone (killed servers).
fn remove_stale(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // Without a portable check, leave other servers' directories alone.
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspaces_are_private_and_removed_when_dropped() {
        let root = Root::create().expect("root");
        let workspace = root.workspace().expect("workspace");
        let dir = workspace.path().to_path_buf();
        std::fs::write(dir.join("upload.json"), "{}").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        drop(workspace);
        assert!(!dir.exists());
        let root_dir = root.dir.clone();
        drop(root);
        assert!(!root_dir.exists());
    }
}
