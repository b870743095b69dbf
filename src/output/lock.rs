//! One writer per folder: the lock file `.negsim.lock` a run, a merge or a report holds on the
//! folder it writes.
//!
//! The file names its holder (pid, host, start time) for the message a second writer gets,
//! and is locked with the operating system's advisory lock (`flock`), which the kernel drops
//! when the holder ends however it ends (`kill -9` included). So a lock file whose lock is free
//! was left by a process that is gone: it is taken over, saying whose it was. On a filesystem
//! without `flock` the file alone decides: a holder on this host whose pid is not alive is
//! stale, any other holder is respected. The file is removed when the lock is dropped, on
//! success and on error alike.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file's name in the folder it guards.
pub const LOCK_FILE: &str = ".negsim.lock";

/// An exclusive lock on a folder, released when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    _file: File,
}

/// Who holds (or held) a lock, as its file says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Holder {
    /// Process id.
    pub pid: Option<u32>,
    /// Host name.
    pub host: String,
    /// When it took the lock (UTC, RFC 3339).
    pub since: String,
}

impl Holder {
    fn me() -> Holder {
        Holder {
            pid: Some(std::process::id()),
            host: hostname(),
            since: crate::output::manifest::now(),
        }
    }

    fn parse(text: &str) -> Holder {
        let mut h = Holder::default();
        for line in text.lines() {
            match line.split_once('=') {
                Some(("pid", v)) => h.pid = v.trim().parse().ok(),
                Some(("host", v)) => h.host = v.trim().to_string(),
                Some(("since", v)) => h.since = v.trim().to_string(),
                _ => {}
            }
        }
        h
    }

    fn text(&self) -> String {
        format!(
            "pid={}\nhost={}\nsince={}\n",
            self.pid.map_or(String::new(), |p| p.to_string()),
            self.host,
            self.since
        )
    }

    fn describe(&self) -> String {
        let pid = self
            .pid
            .map_or("an unknown pid".into(), |p| format!("pid {p}"));
        let host = if self.host.is_empty() {
            "an unknown host"
        } else {
            &self.host
        };
        let since = if self.since.is_empty() {
            String::new()
        } else {
            format!(", since {}", self.since)
        };
        format!("{pid} on {host}{since}")
    }

    /// Whether this holder is certainly gone: on this host, and its pid is not a live process.
    fn is_dead(&self) -> bool {
        match self.pid {
            Some(pid) => self.host == hostname() && !pid_alive(pid),
            None => false,
        }
    }
}

/// This machine's host name (`/proc/sys/kernel/hostname`, else `$HOSTNAME`, else `unknown`).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// Whether `pid` is a live process (not a zombie). Where there is no `/proc` it cannot tell,
/// and says alive.
fn pid_alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name, which is in parentheses and may hold spaces.
        Ok(s) => s
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_none_or(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

#[cfg(unix)]
fn same_file(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (f.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

impl Lock {
    /// Take the lock on the folder `dir` (which must exist), or refuse naming its holder.
    ///
    /// # Errors
    /// [`Error::Refused`] when another live process holds it; [`Error::Io`].
    pub fn acquire(dir: &Path) -> Result<Lock> {
        let path = dir.join(LOCK_FILE);
        let io = |e| Error::io(&path, e);
        // A few tries: the holder may remove the file between our open and our lock.
        for _ in 0..8 {
            // Opening a symbolic link would write the holder into the file it points to.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(Error::Refused(format!(
                    "{} is a symbolic link: negsim never writes through one (it would reach a file outside the folder); remove it",
                    path.display()
                )));
            }
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            let flocked = match file.try_lock() {
                Ok(()) => true,
                Err(TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    return Err(refused(dir, &path, &Holder::parse(&text)));
                }
                // No flock on this filesystem: the file's contents decide.
                Err(TryLockError::Error(_)) => false,
            };
            if flocked && !same_file(&file, &path) {
                continue; // we locked a file its holder had just removed
            }
            let mut text = String::new();
            file.read_to_string(&mut text).map_err(io)?;
            let old = Holder::parse(&text);
            if !text.trim().is_empty() {
                if !flocked && !old.is_dead() {
                    return Err(refused(dir, &path, &old));
                }
                crate::note!(
                    "negsim: {}: taking over the lock left by {}, which has ended",
                    dir.display(),
                    old.describe()
                );
            }
            file.set_len(0).map_err(io)?;
            file.rewind().map_err(io)?;
            file.write_all(Holder::me().text().as_bytes()).map_err(io)?;
            file.sync_all().map_err(io)?;
            return Ok(Lock { path, _file: file });
        }
        Err(Error::Refused(format!(
            "{}: could not take the lock {} (another negsim keeps taking and releasing it)",
            dir.display(),
            path.display()
        )))
    }
}

fn refused(dir: &Path, path: &Path, h: &Holder) -> Error {
    Error::Refused(format!(
        "{} is in use: another negsim ({}) is writing it (it holds {}); wait for it to end, or give another --out",
        dir.display(),
        h.describe(),
        path.display()
    ))
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked, so no one takes over a lock that is about to be released.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lock file that is a symbolic link is refused: opening it would write the holder
    /// into the file it points to, outside the folder.
    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_never_taken_as_the_lock() {
        let t = tempfile::tempdir().unwrap();
        let victim = t.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let dir = t.path().join("run");
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(&victim, dir.join(LOCK_FILE)).unwrap();
        let e = Lock::acquire(&dir).unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn a_held_lock_is_refused_and_released_on_drop() {
        let t = tempfile::tempdir().unwrap();
        let a = Lock::acquire(t.path()).unwrap();
        let text = std::fs::read_to_string(t.path().join(LOCK_FILE)).unwrap();
        assert_eq!(Holder::parse(&text).pid, Some(std::process::id()));
        let e = Lock::acquire(t.path()).unwrap_err().to_string();
        assert!(
            e.contains("is in use") && e.contains(&format!("pid {}", std::process::id())),
            "{e}"
        );
        drop(a);
        assert!(!t.path().join(LOCK_FILE).exists());
        let _b = Lock::acquire(t.path()).unwrap();
    }

    #[test]
    fn holders_parse_and_the_dead_are_recognised() {
        let h = Holder::parse("pid=4194303\nhost=x\nsince=2026-01-01T00:00:00Z\n");
        assert_eq!(h.pid, Some(4194303));
        assert!(h.describe().contains("pid 4194303 on x, since 2026"));
        let mine = Holder {
            host: hostname(),
            ..h.clone()
        };
        assert!(mine.is_dead() || !Path::new("/proc/self").exists());
        assert!(!Holder::me().is_dead());
        assert!(!h.is_dead(), "another host's holder is never presumed dead");
    }
}
