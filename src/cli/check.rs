//! `negsim check`: validate a scenario, print it as a reader wants it, and warn about what is
//! legal but suspicious. Also home of [`load_scenario`], the scenario loading shared by
//! `check`, `trace` and `graph` (a file or the bundled default, `--with` overlays, `--set`
//! overrides).

use clap::Args;
use negsim::Scenario;
use negsim::error::{Error, Result};
use negsim::scenario::Override;
use std::path::PathBuf;

/// Options of `negsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML). Default: the bundled scenarios/second-phase-2007.toml.
    pub scenario: Option<PathBuf>,
    /// Apply a what-if overlay (tables matched by id); repeat to apply several in order.
    #[arg(long = "with", value_name = "CHANGES.toml")]
    pub with: Vec<PathBuf>,
    /// Set a field before checking, e.g. party.DPRK.compliance=0.4; repeat for several.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// Load and compile a scenario as `check`, `trace` and `graph` take it: the file (or the
/// bundled default), then each overlay in order, then each `--set` override. Returns the
/// scenario and the label naming where it came from.
pub fn load_scenario(
    scenario: Option<&PathBuf>,
    with: &[PathBuf],
    set: &[String],
) -> Result<(Scenario, String)> {
    let mut doc = super::open_document(scenario)?;
    for w in with {
        doc.apply_overlay_file(w)?;
    }
    let overrides = set
        .iter()
        .map(|s| Override::parse(s))
        .collect::<Result<Vec<_>>>()?;
    let s = doc.compile_with(&overrides)?;
    let mut label = doc.label().to_string();
    for o in doc.overlays() {
        label.push_str(&format!(" + {o}"));
    }
    for o in &overrides {
        label.push_str(&format!(
            " with {}={}",
            o.path,
            negsim::error::short_number(o.value)
        ));
    }
    Ok((s, label))
}

/// Write `text` to stdout. A closed pipe (`negsim trace ... | head`) is not an error: the
/// reader has what it wanted, so the command stops quietly instead of panicking as `print!`
/// would.
pub fn write_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("<stdout>", e)),
        Ok(()) => Ok(()),
    }
}

/// Run the command: the report on stdout; exit 0 even with warnings.
pub fn run(args: CheckArgs) -> Result<()> {
    let (s, label) = load_scenario(args.scenario.as_ref(), &args.with, &args.set)?;
    write_stdout(&negsim::inspect::report(&s, &label))
}
