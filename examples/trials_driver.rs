//! A driver for instruction counts: `trials_driver N [scenario]` runs trials 0..N of the
//! bundled default scenario (or the given file, or `gen:ACTIONS:PARTIES` for a generated
//! scenario of `benches/support/generated.rs`) with seed 1 and prints how many completed.
//! Under `valgrind --tool=callgrind`, (instructions with 2N - instructions with N) / N is the
//! cost of one trial (BENCHMARKS.md).

use negsim::engine::{Outcome, Trial, TrialResult};
use negsim::{rng, scenario};

#[path = "../benches/support/generated.rs"]
mod generated;

fn main() -> negsim::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|x| x.parse().ok()).unwrap_or(10_000);
    let s = match args.next() {
        Some(g) if g.starts_with("gen:") => {
            let mut it = g[4..].split(':').map(|x| x.parse::<usize>().unwrap_or(1));
            let (a, p) = (it.next().unwrap_or(50), it.next().unwrap_or(10));
            scenario::from_str(&generated::generated(a, p), "generated.toml")?
        }
        Some(path) => scenario::load(std::path::Path::new(&path))?,
        None => scenario::from_str(scenario::DEFAULT_SCENARIO, scenario::DEFAULT_SCENARIO_FILE)?,
    };
    let master = rng::master(1);
    let mut trial = Trial::new(&s);
    // As `negsim run` without `--actions` or an action observable: no per-action records
    // (`NEGSIM_RECORDS=1` keeps them, to count what they cost).
    trial.keep_action_records(std::env::var_os("NEGSIM_RECORDS").is_some_and(|v| v == "1"));
    let mut result = TrialResult::new(&s);
    let mut completed = 0u64;
    let mut collapsed = 0u64;
    for k in 0..n {
        trial.run(&master, k, &mut result);
        completed += u64::from(result.outcome == Outcome::Completed);
        collapsed += u64::from(result.outcome == Outcome::Collapsed);
    }
    println!("{completed} of {n} completed, {collapsed} collapsed");
    Ok(())
}
