//! A driver for instruction counts: `trials_driver N [scenario.toml]` runs trials 0..N of the
//! bundled default scenario (or the given file) with seed 1 and prints how many completed.
//! Under `valgrind --tool=callgrind`, (instructions with 2N - instructions with N) / N is the
//! cost of one trial (BENCHMARKS.md).

use negsim::engine::{Outcome, Trial, TrialResult};
use negsim::{rng, scenario};

fn main() -> negsim::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|x| x.parse().ok()).unwrap_or(10_000);
    let s = match args.next() {
        Some(path) => scenario::load(std::path::Path::new(&path))?,
        None => scenario::from_str(scenario::DEFAULT_SCENARIO, scenario::DEFAULT_SCENARIO_FILE)?,
    };
    let master = rng::master(1);
    let mut trial = Trial::new(&s);
    let mut result = TrialResult::new(&s);
    let mut completed = 0u64;
    for k in 0..n {
        trial.run(&master, k, &mut result);
        completed += u64::from(result.outcome == Outcome::Completed);
    }
    println!("{completed} of {n} completed");
    Ok(())
}
