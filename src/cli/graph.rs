//! `negsim graph`: write a scenario's action-for-action links as Graphviz DOT.

use clap::Args;
use negsim::error::{Error, Result};
use std::path::PathBuf;

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
    /// Write the DOT here instead of to stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Run the command.
pub fn run(args: GraphArgs) -> Result<()> {
    let (s, _) = super::check::load_scenario(args.scenario.as_ref(), &args.with, &args.set)?;
    let dot = negsim::graph::dot(&s);
    match &args.out {
        None => super::check::write_stdout(&dot)?,
        Some(path) => std::fs::write(path, dot).map_err(|e| Error::io(path, e))?,
    }
    Ok(())
}
