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
        return check(&args.dirs);
    }
    let out = args.out.expect("clap requires --out without --check");
    let m = negsim::runs::shard::merge(&args.dirs, &out, args.force, std::env::args().collect())?;
    let trials = m
        .outputs
        .iter()
        .find(|o| o.file == "trials.csv")
        .map_or(0, |o| o.rows);
    negsim::note!(
        "negsim: merged {} shards ({trials} trials) -> {}",
        m.merged_from.len(),
        out.display()
    );
    Ok(())
}

/// `--check`: every folder that is not a finished shard, every shard that does not verify,
/// and every shard missing, at once.
fn check(dirs: &[PathBuf]) -> Result<()> {
    let mut finished = Vec::new();
    let mut problems = Vec::new();
    for d in dirs {
        match negsim::runs::shard::read_manifest(d) {
            Ok(_) => finished.push(d.clone()),
            Err(e) => problems.push(e.to_string()),
        }
    }
    // Not one finished shard among the folders: bad input (exit 2), as for `merge` itself.
    if finished.is_empty() {
        return Err(Error::Usage(format!(
            "no finished shard among the folders given:\n  {}",
            problems.join("\n  ")
        )));
    }
    let (set, _) = negsim::runs::shard::inspect(&finished)?;
    let mut corrupt = Vec::new();
    for (k, d) in set.present.iter().enumerate() {
        if let Some(d) = d {
            let v = negsim::output::verify(d)?;
            let who = format!("shard {k}/{} ({})", set.count, d.display());
            corrupt.extend(v.problems.iter().map(|p| format!("{who}: {p}")));
        }
    }
    let missing = set.missing();
    negsim::say!(
        "run {}: {} of {} shards finished",
        &set.run_id[..12.min(set.run_id.len())],
        set.count - missing.len() as u64,
        set.count
    );
    for p in &problems {
        negsim::say!("unfinished: {p}");
    }
    for p in &corrupt {
        negsim::say!("does not verify: {p}");
    }
    if !corrupt.is_empty() {
        return Err(Error::Refused(format!(
            "{} shard file(s) differ from their manifests: run those shards again with --force",
            corrupt.len()
        )));
    }
    if missing.is_empty() {
        negsim::say!("complete: ready to merge");
        return Ok(());
    }
    let names: Vec<String> = missing
        .iter()
        .map(|k| format!("{k}/{}", set.count))
        .collect();
    Err(Error::Refused(format!(
        "missing shards: {}",
        names.join(", ")
    )))
}
