//! `negsim verify DIR`: check a finished run's files against the rows and SHA-256 its
//! manifest records.

use clap::Args;
use negsim::error::{Error, Result};
use std::path::PathBuf;

/// Options of `negsim verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The output folder of a finished run (it holds manifest.json).
    pub dir: PathBuf,
}

/// Run the command: exit 0 when every file verifies, 1 naming each one that differs, 2 for a
/// folder that is not a finished run.
pub fn run(args: VerifyArgs) -> Result<()> {
    let v = negsim::output::verify(&args.dir)?;
    let d = args.dir.display().to_string();
    if !v.ok() {
        let lines: Vec<String> = v.problems.iter().map(|p| format!("{d}: {p}")).collect();
        return Err(Error::Refused(lines.join("\n")));
    }
    for f in &v.unhashed {
        negsim::note!(
            "negsim: {d}: {f}: its manifest (negsim 0.2) has no SHA-256; only its rows were checked"
        );
    }
    negsim::say!("{d}: {} files verified", v.files);
    Ok(())
}
