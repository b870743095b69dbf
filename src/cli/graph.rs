//! `negsim graph`: write a scenario's action-for-action links as Graphviz DOT.

use clap::Args;
use negsim::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options of `negsim graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Scenario file (TOML). Default: the bundled scenarios/second-phase-2007.toml.
    pub scenario: Option<PathBuf>,
    /// Apply a what-if overlay (tables matched by id); repeat to apply several in order.
    #[arg(long = "with", value_name = "CHANGES.toml")]
    pub with: Vec<PathBuf>,
    /// Set a field first: PATH=VALUE, e.g. action.us-delisting.requires_at_least.n=3.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Write the DOT here instead of to stdout (a new file: an existing one is kept unless
    /// --force is given, and an input of the command is never replaced).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace the file --out names if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// Run the command.
pub fn run(args: GraphArgs) -> Result<()> {
    let (s, _) = super::check::load_scenario(args.scenario.as_ref(), &args.with, &args.set)?;
    let dot = negsim::graph::dot(&s);
    match &args.out {
        None => super::check::write_stdout(&dot)?,
        Some(path) => {
            let inputs = args.scenario.iter().chain(&args.with);
            write_new(path, &dot, args.force, inputs)?;
        }
    }
    Ok(())
}

/// Write `text` to `path`: a file that does not exist yet, or with `force` one that does,
/// replaced whole (written beside it, then renamed over it). Never one of `inputs` (the
/// scenario and overlays the text was made from).
fn write_new<'a>(
    path: &Path,
    text: &str,
    force: bool,
    inputs: impl IntoIterator<Item = &'a PathBuf>,
) -> Result<()> {
    if let Ok(target) = path.canonicalize() {
        for input in inputs {
            if input.canonicalize().is_ok_and(|i| i == target) {
                return Err(Error::Refused(format!(
                    "--out {} is an input of this command: give another file",
                    path.display()
                )));
            }
        }
        if target.is_dir() {
            return Err(Error::Refused(format!(
                "--out {} is a folder: give a file",
                path.display()
            )));
        }
    }
    if !force {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => Error::Refused(format!(
                    "{} exists: give --force to replace it",
                    path.display()
                )),
                _ => Error::io(path, e),
            })?;
        return file
            .write_all(text.as_bytes())
            .map_err(|e| Error::io(path, e));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.partial"));
    std::fs::write(&temp, text).map_err(|e| Error::io(&temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| Error::io(path, e))
}
