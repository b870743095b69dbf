//! negsim from Rust: load the bundled scenario, run trials, and read a result, with the
//! closed-form check that a single action with compliance p is done after a geometric number
//! of weekly reviews.
//!
//! Run with `cargo run --release --example quickstart`. It asserts its own results.

use negsim::engine::{Outcome, Trial, TrialResult};
use negsim::{rng, scenario};

fn main() -> negsim::Result<()> {
    // The default scenario: the 3 October 2007 second-phase actions.
    let s = scenario::from_str(scenario::DEFAULT_SCENARIO, scenario::DEFAULT_SCENARIO_FILE)?;
    let master = rng::master(1);
    let mut trial = Trial::new(&s);
    let mut result = TrialResult::new(&s);
    let n = 20_000;
    let mut completed = 0;
    for k in 0..n {
        trial.run(&master, k, &mut result);
        if result.outcome == Outcome::Completed {
            completed += 1;
        }
    }
    let p = f64::from(completed) / n as f64;
    println!("{}: {:.1}% of {n} trials completed", s.name, 100.0 * p);
    assert!(
        (0.2..0.6).contains(&p),
        "the reference scenario completes in a minority of trials"
    );

    // One action, compliance 0.4, reciprocity 0, weekly reviews, 5 days long: the mean done
    // day is 7 (1 - p) / p + 5 = 15.5.
    let one = scenario::from_str(
        r#"
[scenario]
name = "one-action"
start = "2007-10-03"
horizon_days = 100000
[[party]]
id = "A"
compliance = 0.4
reciprocity = 0
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = { fixed = 5 }
"#,
        "one-action.toml",
    )?;
    let mut trial = Trial::new(&one);
    let mut result = TrialResult::new(&one);
    let (mut sum, mut sum2) = (0.0, 0.0);
    for k in 0..n {
        trial.run(&master, k, &mut result);
        let d = f64::from(result.end_day);
        sum += d;
        sum2 += d * d;
    }
    let mean = sum / n as f64;
    let se = ((sum2 / n as f64 - mean * mean) / n as f64).sqrt();
    println!("one action: mean done day {mean:.2} (closed form 15.5, se {se:.2})");
    assert!((mean - 15.5).abs() < 4.0 * se);
    Ok(())
}

#[cfg(test)]
mod tests {
    /// `cargo test` runs the example too, so it cannot rot.
    #[test]
    fn quickstart_runs_and_its_assertions_hold() {
        super::main().unwrap();
    }
}
