//! `negsim trace`: replay one trial of `negsim run` and print its events, dated.

use clap::{Args, ValueEnum};
use negsim::error::Result;
use negsim::trace;
use std::path::PathBuf;

/// How `negsim trace` prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable timeline, one line per event.
    #[default]
    Text,
    /// The same rows as CSV (plus one `trust` row per party whose mean trust changed).
    Csv,
}

/// Options of `negsim trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Scenario file (TOML). Default: the bundled scenarios/second-phase-2007.toml.
    pub scenario: Option<PathBuf>,
    /// The trial to replay: row N (from 0) of the run's trials.csv.
    #[arg(long, value_name = "N")]
    pub trial: u64,
    /// Master seed of the run [default: 1, as for `negsim run`].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Apply a what-if overlay (tables matched by id); repeat to apply several in order.
    #[arg(long = "with", value_name = "CHANGES.toml")]
    pub with: Vec<PathBuf>,
    /// Set a field, as one point of a sweep: PATH=VALUE, e.g. party.DPRK.compliance=0.4.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Run the command: the trace on stdout.
pub fn run(args: TraceArgs) -> Result<()> {
    let (s, label) = super::check::load_scenario(args.scenario.as_ref(), &args.with, &args.set)?;
    let seed = args.seed.unwrap_or(1);
    let replay = trace::replay(&s, seed, args.trial);
    let rows = trace::rows(&s, &replay.events);
    let text = match args.format {
        Format::Text => format!(
            "trial {} of {} (seed {seed}), {} to {}: {}\n{}",
            args.trial,
            label,
            s.start,
            s.date(s.horizon),
            s.title,
            trace::to_text(&rows)
        ),
        Format::Csv => trace::to_csv(&rows),
    };
    super::check::write_stdout(&text)
}
