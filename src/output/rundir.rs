//! The run folder being written: locked for one writer, checked before anything in it is
//! touched, and replaced only with `--force` and only when negsim wrote everything in it.
//!
//! Order of a run: [`RunDir::open`] refuses a folder that must never be written (`/`, the home
//! folder, a repository: one holding `.git` or `Cargo.toml`) or that holds a file negsim did not
//! write, creates it, and takes its [`Lock`]; [`RunDir::clear`] then refuses a run already
//! there (finished, or unfinished: only `.X.partial` files) unless `force`, in which case it
//! marks the folder as a run's ([`RUN_MARKER`]) and removes negsim's files, manifest first.
//! Files are written with [`RunDir::create`] (hashed and synced as they go) and renamed into
//! place by [`RunDir::finish`]; the manifest comes last, and the marker goes after it.
//!
//! A file is taken for negsim's by its name (`trials.csv`, ...) only in a folder that shows a
//! run was there: its manifest (a finished run), its marker (a run going, failed or killed),
//! its lock or a temporary. A user's own `trials.csv` alone is refused, even with `--force`.

use super::lock::{LOCK_FILE, Lock};
use super::manifest::OutputInfo;
use super::verify::{OutFile, Seals};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The files a run may write, in the order they are listed in the manifest.
pub const RUN_FILES: &[&str] = &[
    "trials.csv",
    "summary.csv",
    "points.csv",
    "actions.csv",
    "manifest.json",
];

/// The files a calibration folder (`negsim calibrate`, docs/MODEL.md 6.8) may hold besides
/// `manifest.json`.
pub const CALIBRATION_FILES: &[&str] = &[
    "posterior.csv",
    "generations.csv",
    "history.csv",
    "observed.csv",
    "priors.csv",
];

/// The run folder a calibration writes its posterior predictive run into.
pub const PREDICTIVE: &str = "predictive";

/// The folder `negsim report` writes into a run folder.
const REPORT: &str = "report";

/// The file a run writes into its folder before anything else and removes after its manifest:
/// while it is there, the folder is a run's that has not finished (going, failed or killed),
/// so the files named as a run's beside it are negsim's. It holds one line saying so.
pub const RUN_MARKER: &str = ".negsim-run";

/// A run folder being written, locked for as long as this lives.
#[derive(Debug)]
pub struct RunDir {
    dir: PathBuf,
    seals: Seals,
    hashes: Mutex<BTreeMap<String, String>>,
    _lock: Lock,
}

/// What a folder holds of negsim's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contents {
    /// Run files and temporaries present (`report/` included), sorted.
    pub entries: Vec<String>,
    /// Whether `manifest.json` is among them.
    pub finished: bool,
}

/// The files `dir/manifest.json` lists, when it is negsim's (a JSON object with
/// `negsim_version` and a list of `outputs`); `None` when it is absent, not a regular file, or
/// someone else's (a web app's `manifest.json` is not a run).
fn negsim_manifest(dir: &Path) -> Option<Vec<String>> {
    let p = dir.join("manifest.json");
    let meta = fs::symlink_metadata(&p).ok()?;
    if !meta.is_file() || meta.len() > crate::scenario::MAX_FILE_BYTES {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&fs::read(&p).ok()?).ok()?;
    v.get("negsim_version")?.as_str()?;
    v.get("outputs")?
        .as_array()?
        .iter()
        .map(|o| o.get("file").and_then(|f| f.as_str()).map(str::to_string))
        .collect()
}

/// Whether `dir/name` is a symbolic link: never negsim's (a run would write through it, to a
/// file outside its folder).
fn is_symlink(dir: &Path, name: &str) -> bool {
    fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.file_type().is_symlink())
}

/// Whether `name` (an entry of a run folder) is something negsim writes there.
fn is_negsim_entry(dir: &Path, name: &str) -> bool {
    let known = |n: &str| RUN_FILES.contains(&n) || CALIBRATION_FILES.contains(&n);
    if name == LOCK_FILE || name == RUN_MARKER || known(name) {
        return true;
    }
    if let Some(inner) = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(".partial"))
    {
        return known(inner);
    }
    (name == REPORT && is_report_dir(&dir.join(REPORT)))
        || (name == PREDICTIVE && is_run_dir(&dir.join(PREDICTIVE)))
}

/// A folder holding only what a run writes (the predictive run of a calibration), by the
/// rules of [`first_foreign`].
fn is_run_dir(p: &Path) -> bool {
    p.is_dir()
        && fs::read_dir(p).is_ok_and(|rd| {
            let mut names: Vec<String> = rd
                .flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect();
            names.sort();
            first_foreign(p, &names).is_none()
        })
}

/// The first of `names` (a folder's entries, sorted) that is negsim's by its name alone
/// (`trials.csv`, `posterior.csv`, ...), when nothing beside it shows that a run wrote there:
/// no manifest (written last), no [`RUN_MARKER`] (written first, removed after the manifest,
/// so a run that failed or was killed leaves it), no lock and no temporary `.X.partial`.
fn unmarked_run_files(names: &[String]) -> Option<&String> {
    let marked = names.iter().any(|n| {
        n == "manifest.json"
            || n == RUN_MARKER
            || n == LOCK_FILE
            || (n.starts_with('.') && n.ends_with(".partial"))
    });
    if marked {
        return None;
    }
    names
        .iter()
        .find(|n| RUN_FILES.contains(&n.as_str()) || CALIBRATION_FILES.contains(&n.as_str()))
}

/// The file `negsim report` writes last in `report/`: the names of the files it wrote, one
/// per line.
pub const REPORT_MARKER: &str = ".negsim-report";

/// The entry of the folder `p` that `negsim report` did not write, if any (the first, by
/// name). A report lists its files in [`REPORT_MARKER`]; a report of negsim 0.3.0 or before,
/// which has none, is taken for one when it holds `report.html` and otherwise only SVG
/// charts and `fit.csv`. Temporaries (`.X.partial`) of a report being written are its own.
///
/// # Errors
/// [`Error::Io`] when the folder or its marker cannot be read.
pub fn foreign_in_report(p: &Path) -> Result<Option<String>> {
    let mut names: Vec<(String, bool)> = Vec::new();
    for e in fs::read_dir(p).map_err(|e| Error::io(p, e))? {
        let e = e.map_err(|e| Error::io(p, e))?;
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        names.push((e.file_name().to_string_lossy().to_string(), is_file));
    }
    names.sort();
    let marker = p.join(REPORT_MARKER);
    let listed: Option<Vec<String>> = if marker.is_file() {
        let text = fs::read_to_string(&marker).map_err(|e| Error::io(&marker, e))?;
        Some(text.lines().map(str::to_string).collect())
    } else {
        None
    };
    let ours = |n: &str| match &listed {
        Some(l) => n == REPORT_MARKER || l.iter().any(|x| x == n),
        None => n.ends_with(".svg") || n == "report.html" || n == "fit.csv",
    };
    let legacy_has_page = listed.is_some() || names.iter().any(|(n, _)| n == "report.html");
    for (n, is_file) in &names {
        let inner = n.strip_prefix('.').and_then(|x| x.strip_suffix(".partial"));
        let own = *is_file
            && match inner {
                Some(i) => i.ends_with(".svg") || i.ends_with(".html") || i == "fit.csv",
                None => legacy_has_page && ours(n),
            };
        if !own {
            return Ok(Some(n.clone()));
        }
    }
    Ok(None)
}

/// A `report/` folder holding only what `negsim report` wrote ([`foreign_in_report`]).
fn is_report_dir(p: &Path) -> bool {
    p.is_dir() && matches!(foreign_in_report(p), Ok(None))
}

/// `p` made absolute with every existing part resolved (the rest appended as given).
fn resolved(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut head = abs.clone();
    let mut tail = Vec::new();
    loop {
        if let Ok(c) = fs::canonicalize(&head) {
            let mut out = c;
            for t in tail.iter().rev() {
                out.push(t);
            }
            return out;
        }
        match (head.file_name().map(|f| f.to_os_string()), head.parent()) {
            (Some(f), Some(parent)) => {
                tail.push(f);
                head = parent.to_path_buf();
            }
            _ => return abs,
        }
    }
}

/// Refuse a folder a run must never write into, whatever the options: `/`, `$HOME`, a
/// repository (a folder holding `.git` or `Cargo.toml`).
///
/// # Errors
/// [`Error::Usage`] naming the folder and why.
pub fn refuse_special(dir: &Path) -> Result<()> {
    let abs = resolved(dir);
    let why = if abs.parent().is_none() {
        Some("it is the root folder /".to_string())
    } else if std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .is_some_and(|h| resolved(Path::new(&h)) == abs)
    {
        Some("it is your home folder ($HOME)".to_string())
    } else {
        [".git", "Cargo.toml"]
            .iter()
            .find(|f| abs.join(f).exists())
            .map(|f| format!("it holds {f}, so it looks like a repository"))
    };
    match why {
        Some(why) => Err(Error::Usage(format!(
            "--out {}: negsim does not write into this folder: {why}; give --out a folder of its own, e.g. output/NAME",
            dir.display()
        ))),
        None => Ok(()),
    }
}

/// Refuse a folder that holds anything negsim did not write (naming the first such entry),
/// or a path that exists and is not a folder. An absent folder is fine.
///
/// # Errors
/// [`Error::Refused`]; [`Error::Io`] when the folder cannot be listed.
pub fn refuse_foreign(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(Error::Refused(format!(
            "{} exists and is not a folder",
            dir.display()
        )));
    }
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    match first_foreign(dir, &names) {
        Some(why) => Err(Error::Refused(format!(
            "{} holds {why}; negsim writes (and with --force replaces) only a folder of its own: give --out an empty or new folder",
            dir.display()
        ))),
        None => Ok(()),
    }
}

/// Why the folder `dir`, whose entries are `names` (sorted), is not negsim's to write: the
/// first entry negsim did not write, said with the reason; `None` when every entry is
/// negsim's. An entry is negsim's by its name, but never a symbolic link (a run would write
/// through it), never beside a `manifest.json` that is not negsim's, and not when a finished
/// run's manifest does not list it or nothing shows a run was there ([`unmarked_run_files`]).
fn first_foreign(dir: &Path, names: &[String]) -> Option<String> {
    if let Some(f) = names.iter().find(|n| !is_negsim_entry(dir, n)) {
        return Some(format!("`{f}`, which negsim did not write"));
    }
    if let Some(f) = names.iter().find(|n| is_symlink(dir, n)) {
        return Some(format!(
            "`{f}`, a symbolic link: negsim never writes through one (it would reach a file outside the folder)"
        ));
    }
    if names.iter().any(|n| n == "manifest.json") {
        let Some(listed) = negsim_manifest(dir) else {
            return Some(
                "`manifest.json`, which is not a negsim manifest (no negsim_version and outputs), so negsim did not write this folder".into(),
            );
        };
        // A finished run's files are the ones its manifest lists: another file of the same
        // name was put there by someone else.
        if let Some(f) = names.iter().find(|n| {
            *n != "manifest.json"
                && (RUN_FILES.contains(&n.as_str()) || CALIBRATION_FILES.contains(&n.as_str()))
                && !listed.contains(n)
        }) {
            return Some(format!(
                "`{f}`, which its manifest.json does not list, so the run did not write it"
            ));
        }
    }
    unmarked_run_files(names).map(|f| format!(
        "`{f}` but no manifest.json, {RUN_MARKER}, lock or temporary of a negsim run, so negsim did not write it (or an earlier negsim left it from a run that failed: then remove it yourself)"
    ))
}

/// What `dir` holds of a run (the lock file and marker aside).
///
/// # Errors
/// [`Error::Io`].
pub fn contents(dir: &Path) -> Result<Contents> {
    let mut c = Contents::default();
    if !dir.is_dir() {
        return Ok(c);
    }
    for e in fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n != LOCK_FILE && n != RUN_MARKER && is_negsim_entry(dir, &n) {
            c.finished |= n == "manifest.json";
            c.entries.push(n);
        }
    }
    c.entries.sort();
    Ok(c)
}

impl RunDir {
    /// Prepare `dir` for a run: [`RunDir::open`], then [`RunDir::clear`].
    ///
    /// # Errors
    /// As those.
    pub fn prepare(dir: &Path, force: bool) -> Result<Self> {
        let d = RunDir::open(dir)?;
        d.clear(force)?;
        Ok(d)
    }

    /// Check `dir` (not special, nothing foreign in it), create it, and lock it. Nothing in
    /// it is removed.
    ///
    /// # Errors
    /// [`Error::Usage`] for `/`, `$HOME` or a repository; [`Error::Refused`] for a foreign
    /// entry or a folder another negsim holds; [`Error::Io`].
    pub fn open(dir: &Path) -> Result<Self> {
        refuse_special(dir)?;
        refuse_foreign(dir)?;
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock = Lock::acquire(dir)?;
        // Looked at again under the lock: nothing appeared meanwhile.
        refuse_foreign(dir)?;
        Ok(RunDir {
            dir: dir.to_path_buf(),
            seals: Arc::new(Mutex::new(BTreeMap::new())),
            hashes: Mutex::new(BTreeMap::new()),
            _lock: lock,
        })
    }

    /// What the folder holds of a run.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn contents(&self) -> Result<Contents> {
        contents(&self.dir)
    }

    /// Make the folder empty for a new run and mark it as a run's ([`RUN_MARKER`]): refuse a
    /// run in it (finished or not) unless `force`; with `force`, remove it (the marker is
    /// written first and the manifest removed next, so a crash from here on leaves an
    /// unfinished run that a later `--force` replaces), and the report drawn from it.
    ///
    /// # Errors
    /// [`Error::Refused`]; [`Error::Io`].
    pub fn clear(&self, force: bool) -> Result<()> {
        let c = self.contents()?;
        if c.entries.is_empty() {
            return self.mark();
        }
        if !force {
            let what = if c.finished {
                "a finished run"
            } else {
                "an unfinished run (no manifest.json: a run still going, failed or killed)"
            };
            return Err(Error::Refused(format!(
                "{} already holds {what} ({}); give --force to replace it, or --out another folder",
                self.dir.display(),
                c.entries.join(", ")
            )));
        }
        self.mark()?;
        let mut order = c.entries.clone();
        order.sort_by_key(|n| n != "manifest.json");
        for n in &order {
            let p = self.dir.join(n);
            let r = if n == REPORT || n == PREDICTIVE {
                fs::remove_dir_all(&p)
            } else {
                fs::remove_file(&p)
            };
            r.map_err(|e| Error::io(&p, e))?;
        }
        sync_dir(&self.dir)
    }

    /// Write [`RUN_MARKER`], synced, before any file of the run.
    fn mark(&self) -> Result<()> {
        use std::io::Write;
        let p = self.dir.join(RUN_MARKER);
        if is_symlink(&self.dir, RUN_MARKER) {
            return Err(Error::Refused(format!(
                "{} is a symbolic link: negsim never writes through one; remove it",
                p.display()
            )));
        }
        let mut f = fs::File::create(&p).map_err(|e| Error::io(&p, e))?;
        f.write_all(
            b"a negsim run writes this folder; it is removed once manifest.json is written\n",
        )
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io(&p, e))?;
        sync_dir(&self.dir)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The temporary name a file is written under until complete.
    pub fn temp_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!(".{name}.partial"))
    }

    /// Open `name` for writing under its temporary name.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn create(&self, name: &str) -> Result<OutFile> {
        let p = self.temp_path(name);
        let f = fs::File::create(&p).map_err(|e| Error::io(&p, e))?;
        Ok(OutFile::new(f, name, self.seals.clone()))
    }

    /// Give a completed file its final name. Its writer must have been dropped (which flushes
    /// and syncs it); a failure of either is reported here.
    ///
    /// # Errors
    /// [`Error::Io`]; [`Error::Refused`] when `name` has no closed writer.
    pub fn finish(&self, name: &str) -> Result<()> {
        let from = self.temp_path(name);
        let sealed = self
            .seals
            .lock()
            .ok()
            .and_then(|mut s| s.remove(name))
            .ok_or_else(|| {
                Error::Refused(format!(
                    "{}: finished before its writer was closed",
                    from.display()
                ))
            })?;
        if let Some(e) = sealed.error {
            return Err(Error::io(&from, e));
        }
        let to = self.dir.join(name);
        fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        if let Ok(mut h) = self.hashes.lock() {
            h.insert(name.to_string(), sealed.sha256);
        }
        Ok(())
    }

    /// The manifest entry of a finished file: its rows and the SHA-256 of what was written.
    pub fn output(&self, name: &str, rows: u64) -> OutputInfo {
        let sha256 = self
            .hashes
            .lock()
            .ok()
            .and_then(|h| h.get(name).cloned())
            .unwrap_or_default();
        OutputInfo {
            file: name.to_string(),
            rows,
            sha256,
        }
    }

    /// Write `manifest.json`: the folder is synced first (every file renamed into place is on
    /// disk), then the manifest under its temporary name, synced, renamed, and the folder again.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn write_manifest_text(&self, text: &str) -> Result<()> {
        use std::io::Write;
        sync_dir(&self.dir)?;
        let tmp = self.temp_path("manifest.json");
        let mut f = fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| Error::io(&tmp, e))?;
        drop(f);
        let to = self.dir.join("manifest.json");
        fs::rename(&tmp, &to).map_err(|e| Error::io(&to, e))?;
        // The manifest now shows the run was negsim's: the marker has done its work.
        let marker = self.dir.join(RUN_MARKER);
        match fs::remove_file(&marker) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&marker, e)),
        }
        sync_dir(&self.dir)
    }
}

/// fsync a folder, so the names in it (renames) are on disk. A no-op where folders cannot be
/// opened as files.
///
/// # Errors
/// [`Error::Io`] when the sync itself fails.
pub fn sync_dir(dir: &Path) -> Result<()> {
    match fs::File::open(dir) {
        Ok(f) => match f.sync_all() {
            Ok(()) => Ok(()),
            // Some filesystems refuse fsync on a folder: nothing more can be done there.
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Ok(()),
            Err(e) if e.raw_os_error() == Some(22) => Ok(()),
            Err(e) => Err(Error::io(dir, e)),
        },
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_and_foreign_folders_are_refused() {
        assert!(refuse_special(Path::new("/")).is_err());
        assert!(refuse_special(Path::new(env!("CARGO_MANIFEST_DIR"))).is_err());
        let t = tempfile::tempdir().unwrap();
        assert!(refuse_special(&t.path().join("new/sub")).is_ok());
        assert!(refuse_foreign(&t.path().join("new")).is_ok());
        fs::write(t.path().join(".trials.csv.partial"), "x").unwrap();
        assert!(refuse_foreign(t.path()).is_ok());
        assert_eq!(contents(t.path()).unwrap().entries, [".trials.csv.partial"]);
        fs::write(t.path().join("notes.txt"), "x").unwrap();
        let e = refuse_foreign(t.path()).unwrap_err().to_string();
        assert!(e.contains("`notes.txt`"), "{e}");
    }

    /// Files with a run's names are negsim's only beside a manifest, the run marker, a lock or
    /// a temporary: a user's lone `trials.csv`, in the folder or in `predictive/`, is refused.
    #[test]
    fn run_file_names_alone_are_not_a_run() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("out");
        fs::create_dir_all(d.join(PREDICTIVE)).unwrap();
        fs::write(d.join(PREDICTIVE).join("trials.csv"), "mine").unwrap();
        fs::write(
            d.join("manifest.json"),
            r#"{"negsim_version": "0.3.0", "outputs": [{"file": "posterior.csv"}]}"#,
        )
        .unwrap();
        let e = refuse_foreign(&d).unwrap_err().to_string();
        assert!(e.contains("`predictive`"), "{e}");
        fs::write(d.join(PREDICTIVE).join(RUN_MARKER), "").unwrap();
        refuse_foreign(&d).unwrap();
        // A manifest.json that is not negsim's is no sign of a run; a run file its manifest
        // does not list is not the run's.
        fs::write(d.join("manifest.json"), r#"{"name": "my web app"}"#).unwrap();
        let e = refuse_foreign(&d).unwrap_err().to_string();
        assert!(
            e.contains("`manifest.json`, which is not a negsim manifest"),
            "{e}"
        );
        fs::write(
            d.join("manifest.json"),
            r#"{"negsim_version": "0.3.0", "outputs": [{"file": "posterior.csv"}]}"#,
        )
        .unwrap();
        fs::write(d.join("observed.csv"), "mine").unwrap();
        let e = refuse_foreign(&d).unwrap_err().to_string();
        assert!(
            e.contains("`observed.csv`, which its manifest.json does not list"),
            "{e}"
        );
        fs::remove_file(d.join("observed.csv")).unwrap();
        // A symbolic link is never negsim's, even by a name negsim writes.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(t.path().join("elsewhere"), d.join(RUN_MARKER)).unwrap();
            let e = refuse_foreign(&d).unwrap_err().to_string();
            assert!(e.contains("a symbolic link"), "{e}");
            fs::remove_file(d.join(RUN_MARKER)).unwrap();
        }
        let lone = t.path().join("lone");
        fs::create_dir_all(&lone).unwrap();
        fs::write(lone.join("trials.csv"), "mine").unwrap();
        let e = refuse_foreign(&lone).unwrap_err().to_string();
        assert!(e.contains("`trials.csv` but no manifest.json"), "{e}");
        for mark in [
            LOCK_FILE,
            RUN_MARKER,
            ".summary.csv.partial",
            "manifest.json",
        ] {
            let text = if mark == "manifest.json" {
                r#"{"negsim_version": "0.3.0", "outputs": [{"file": "trials.csv"}]}"#
            } else {
                ""
            };
            fs::write(lone.join(mark), text).unwrap();
            refuse_foreign(&lone).unwrap();
            fs::remove_file(lone.join(mark)).unwrap();
        }
        // The marker is written by clear and removed by the manifest.
        let r = RunDir::prepare(&t.path().join("r"), false).unwrap();
        assert!(r.path().join(RUN_MARKER).is_file());
        assert!(r.contents().unwrap().entries.is_empty());
        r.write_manifest_text("{}").unwrap();
        assert!(!r.path().join(RUN_MARKER).exists());
    }

    #[test]
    fn written_files_are_hashed_and_listed() {
        use std::io::Write;
        let t = tempfile::tempdir().unwrap();
        let d = RunDir::prepare(&t.path().join("r"), false).unwrap();
        let mut w = d.create("points.csv").unwrap();
        w.write_all(b"abc").unwrap();
        assert!(d.finish("points.csv").is_err(), "writer still open");
        drop(w);
        d.finish("points.csv").unwrap();
        assert_eq!(
            d.output("points.csv", 0).sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
