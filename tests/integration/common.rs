//! Helpers shared by the integration tests.

#![allow(dead_code)]

use negsim::Scenario;
use negsim::engine::{Trial, TrialResult};
use negsim::rng;
use std::path::PathBuf;

/// Compile scenario text, panicking with the error (tests only).
pub fn scenario(text: &str) -> Scenario {
    negsim::scenario::from_str(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Run trials `0..n` with seed `seed` and collect the results.
pub fn run_trials(s: &Scenario, seed: u64, n: u64) -> Vec<TrialResult> {
    let master = rng::master(seed);
    let mut t = Trial::new(s);
    (0..n)
        .map(|k| {
            let mut r = TrialResult::new(s);
            t.run(&master, k, &mut r);
            r
        })
        .collect()
}

/// Mean and standard error of a sample.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, (v / n).sqrt())
}

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The `negsim` binary built for these tests.
pub fn negsim() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("negsim").expect("negsim binary")
}

/// A two-party scenario header (A and B, weekly reviews) for focused tests; append phases
/// and actions.
pub fn header(horizon_days: u32) -> String {
    format!(
        r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = {horizon_days}
review_every_days = 7

[[party]]
id = "A"
[[party]]
id = "B"
"#
    )
}
