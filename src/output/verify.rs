//! Outputs verified, not trusted: every file a manifest lists has its SHA-256 and row count
//! recorded there, computed while the file was written ([`OutFile`]), and [`verify`] reads
//! each file back once, streaming (constant memory however large), and names each file that
//! differs. `negsim verify`, `negsim merge`, `negsim report` and a shard's "already finished"
//! check all go through it.

use crate::error::{Error, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What a writer knew of its file when it was closed.
#[derive(Debug)]
pub(crate) struct Sealed {
    pub(crate) sha256: String,
    pub(crate) error: Option<std::io::Error>,
}

/// Where closed writers leave their [`Sealed`] record, by file name.
pub(crate) type Seals = Arc<Mutex<BTreeMap<String, Sealed>>>;

/// A run file being written: buffered, hashed as the bytes go out, and on drop flushed and
/// synced to disk (fsync). `RunDir::finish` then reports a failure of either and records the
/// hash for the manifest.
#[derive(Debug)]
pub struct OutFile {
    inner: BufWriter<File>,
    hasher: Sha256,
    name: String,
    seals: Seals,
}

impl OutFile {
    pub(crate) fn new(file: File, name: &str, seals: Seals) -> OutFile {
        OutFile {
            inner: BufWriter::with_capacity(1 << 20, file),
            hasher: Sha256::new(),
            name: name.to_string(),
            seals,
        }
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Drop for OutFile {
    fn drop(&mut self) {
        let r = self
            .inner
            .flush()
            .and_then(|()| self.inner.get_ref().sync_all());
        let sha256 = hex(&std::mem::take(&mut self.hasher).finalize());
        if let Ok(mut s) = self.seals.lock() {
            s.insert(
                self.name.clone(),
                Sealed {
                    sha256,
                    error: r.err(),
                },
            );
        }
    }
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Data rows (lines after the header; a last line without its newline counts) and SHA-256 of
/// a file, read once in 1 MiB blocks.
///
/// # Errors
/// [`Error::Io`].
pub fn scan(path: &Path) -> Result<(u64, String)> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut h = Sha256::new();
    let mut lines = 0u64;
    let mut last = b'\n';
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(path, e)),
        };
        h.update(&buf[..n]);
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    Ok((lines.saturating_sub(1), hex(&h.finalize())))
}

/// `12345678` as `12,345,678`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Deserialize)]
struct Listed {
    #[serde(default)]
    outputs: Vec<ListedFile>,
}

#[derive(Deserialize)]
struct ListedFile {
    file: String,
    #[serde(default)]
    rows: u64,
    #[serde(default)]
    sha256: String,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The folder.
    pub dir: PathBuf,
    /// Files checked (the manifest itself excluded).
    pub files: usize,
    /// One line per file that differs from its manifest entry (empty: the run verifies).
    pub problems: Vec<String>,
    /// Files whose manifest has no SHA-256 (written by negsim 0.2): only their rows were checked.
    pub unhashed: Vec<String>,
}

impl Verified {
    /// Whether every file matches its manifest entry.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// [`Error::Refused`] naming every file that differs, each line prefixed with `who`
    /// (e.g. `shard 3/8 (DIR)`), and followed by `hint`; `Ok` when the run verifies.
    ///
    /// # Errors
    /// As described.
    pub fn into_result(self, who: &str, hint: &str) -> Result<Verified> {
        if self.ok() {
            return Ok(self);
        }
        let lines: Vec<String> = self
            .problems
            .iter()
            .map(|p| format!("{who}: {p}"))
            .collect();
        Err(Error::Refused(format!("{}\n{hint}", lines.join("\n"))))
    }
}

/// Check every file `dir/manifest.json` lists against its recorded rows and SHA-256.
///
/// # Errors
/// [`Error::Usage`] when `dir` is not a finished run (not a folder, no `manifest.json`, a
/// manifest that does not parse); [`Error::Io`] when a listed file exists but cannot be read.
pub fn verify(dir: &Path) -> Result<Verified> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder: give the output folder of a finished negsim run",
            dir.display()
        )));
    }
    let mp = dir.join("manifest.json");
    let text = match std::fs::read_to_string(&mp) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Usage(format!(
                "{}: no manifest.json, so not a finished run (a run writes its manifest last: \
                 this one is still running, failed or was killed)",
                dir.display()
            )));
        }
        Err(e) => return Err(Error::io(&mp, e)),
    };
    let listed: Listed = serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: not a negsim manifest ({e})", mp.display())))?;
    if !listed.outputs.iter().any(|f| f.file != "manifest.json") {
        return Err(Error::Usage(format!(
            "{}: lists no output file, so not the manifest of a finished negsim run (a run lists every file it wrote)",
            mp.display()
        )));
    }
    let mut v = Verified {
        dir: dir.to_path_buf(),
        files: 0,
        problems: Vec::new(),
        unhashed: Vec::new(),
    };
    // A file with a run's name that the manifest does not list was not written by this run
    // (a user's, or another run's): `report` and `merge` would otherwise read it unverified.
    let mut unlisted: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| {
            *n != "manifest.json"
                && (super::rundir::RUN_FILES.contains(&n.as_str())
                    || super::rundir::CALIBRATION_FILES.contains(&n.as_str()))
                && !listed.outputs.iter().any(|f| &f.file == n)
        })
        .collect();
    unlisted.sort();
    for n in unlisted {
        v.problems.push(format!(
            "{n} is in the folder but its manifest does not list it, so the run did not write it"
        ));
    }
    for f in listed.outputs.iter().filter(|f| f.file != "manifest.json") {
        v.files += 1;
        // A manifest names files of its own folder only.
        if f.file.contains(['/', '\\']) || f.file.starts_with('.') {
            v.problems
                .push(format!("its manifest lists `{}`, not a run file", f.file));
            continue;
        }
        let p = dir.join(&f.file);
        if !p.is_file() {
            v.problems
                .push(format!("{} is missing (its manifest lists it)", f.file));
            continue;
        }
        let (rows, sha) = scan(&p)?;
        if rows != f.rows {
            v.problems.push(format!(
                "{} has {} rows, its manifest says {}",
                f.file,
                thousands(rows),
                thousands(f.rows)
            ));
        } else if f.sha256.is_empty() {
            v.unhashed.push(f.file.clone());
        } else if sha != f.sha256 {
            v.problems.push(format!(
                "{}: its SHA-256 differs from its manifest's (the file changed after the run wrote it)",
                f.file
            ));
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_listing_no_file_is_not_a_finished_run() {
        let t = tempfile::tempdir().unwrap();
        for text in ["{}", r#"{"outputs": []}"#] {
            std::fs::write(t.path().join("manifest.json"), text).unwrap();
            let e = verify(t.path()).unwrap_err();
            assert!(matches!(e, Error::Usage(_)), "{text}: {e}");
            assert!(e.to_string().contains("lists no output file"), "{e}");
        }
    }

    #[test]
    fn scan_counts_rows_with_or_without_a_last_newline() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("x.csv");
        for (text, rows) in [("", 0), ("h\n", 0), ("h\n1\n2\n", 2), ("h\n1\n2", 2)] {
            std::fs::write(&p, text).unwrap();
            assert_eq!(scan(&p).unwrap().0, rows, "{text:?}");
        }
        std::fs::write(&p, "abc").unwrap();
        assert_eq!(
            scan(&p).unwrap().1,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(25_000), "25,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
