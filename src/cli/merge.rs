//! `negsim merge`: join the shards of one run into a folder identical to an unsharded run.

use clap::Args;
use negsim::error::{Error, Result};
use std::path::PathBuf;

/// Options of `negsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders (any order; each must hold a finished shard).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged run.
    #[arg(long, required_unless_present = "check")]
    pub out: Option<PathBuf>,
    /// Only list what is missing or wrong; write nothing.
    #[arg(long)]
    pub check: bool,
    /// Replace a run already in --out.
    #[arg(long)]
    pub force: bool,
}

/// Run the command.
pub fn run(args: MergeArgs) -> Result<()> {
    if args.check {
        let (set, _) = negsim::shard::inspect(&args.dirs)?;
        let missing = set.missing();
        println!(
            "run {}: {} of {} shards present",
            &set.run_id[..12],
            set.count - missing.len() as u64,
            set.count
        );
        if missing.is_empty() {
            println!("complete: ready to merge");
            return Ok(());
        }
        let names: Vec<String> = missing
            .iter()
            .map(|k| format!("{k}/{}", set.count))
            .collect();
        return Err(Error::Refused(format!(
            "missing shards: {}",
            names.join(", ")
        )));
    }
    let out = args.out.expect("clap requires --out without --check");
    let m = negsim::shard::merge(&args.dirs, &out, args.force, std::env::args().collect())?;
    let trials = m
        .outputs
        .iter()
        .find(|o| o.file == "trials.csv")
        .map_or(0, |o| o.rows);
    eprintln!(
        "negsim: merged {} shards ({trials} trials) -> {}",
        m.merged_from.len(),
        out.display()
    );
    Ok(())
}
