//! `negsim report DIR`: charts (SVG) and a self-contained HTML page from a finished run, or
//! from a calibration folder (then also its fit table, printed as Markdown).

use clap::Args;
use negsim::error::Result;
use std::path::PathBuf;

/// Options of `negsim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The output folder of a finished run or calibration (it holds manifest.json).
    pub dir: PathBuf,
}

/// Run the command: write the report and say where.
pub fn run(args: ReportArgs) -> Result<()> {
    // One writer per folder: no report is drawn while a run (or another report) writes here.
    let _lock = if args.dir.is_dir() {
        Some(negsim::output::lock::Lock::acquire(&args.dir)?)
    } else {
        None
    };
    let s = negsim::report::write_report(&args.dir)?;
    negsim::say!(
        "negsim: report of {} -> {} ({} charts as SVG in {})",
        args.dir.display(),
        s.html.display(),
        s.charts,
        s.dir.display()
    );
    // A calibration's fit table, as Markdown (for a README).
    if let Some(table) = &s.fit_markdown {
        negsim::say!("\n{table}");
    }
    Ok(())
}
