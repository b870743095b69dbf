//! One focused test per rule of docs/MODEL.md section 2, and closed-form checks.
//!
//! Rule tests use compliance 1 (consent at the first review) or 0 (never), so their
//! outcomes are exact; closed-form tests compare means with their formulas within 4
//! standard errors at a fixed seed.

use crate::common::*;
use negsim::engine::Outcome;

fn one(text: &str) -> (negsim::Scenario, negsim::engine::TrialResult) {
    let s = scenario(text);
    let r = run_trials(&s, 1, 1).pop().unwrap();
    (s, r)
}

fn rec(
    s: &negsim::Scenario,
    r: &negsim::engine::TrialResult,
    id: &str,
) -> negsim::engine::ActionRecord {
    r.actions[s.action_index(id).unwrap()]
}

/// 2.3: a joint action starts only when its last actor consents.
#[test]
fn joint_action_waits_for_every_actor() {
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 100
[defaults]
compliance = 1
reciprocity = 0
[[party]]
id = "A"
review_every_days = 1
[[party]]
id = "B"
review_every_days = 10
[[phase]]
id = "p"
start = "2007-10-06"
[[action]]
id = "meet"
party = ["A", "B"]
phase = "p"
"#;
    let (s, r) = one(text);
    let m = rec(&s, &r, "meet");
    assert_eq!(m.due_day, Some(3));
    // A consents on day 3, B at its first review on or after day 3: day 10.
    assert_eq!(m.started_day, Some(10));
    assert_eq!(m.done_day, Some(10));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.end_day, 10);
    assert_eq!(m.delays, 0);
}

/// 2.3: a joint action with an unwilling actor never starts, and every review of that actor
/// counts a delay; the willing actor's consent is never withdrawn and counts no delay.
#[test]
fn joint_action_counts_delays_of_the_unwilling_actor_only() {
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 69
[defaults]
reciprocity = 0
review_every_days = 7
[[party]]
id = "A"
compliance = 1
[[party]]
id = "B"
compliance = 0
[[phase]]
id = "p"
[[action]]
id = "meet"
party = ["A", "B"]
phase = "p"
"#;
    let (s, r) = one(text);
    assert_eq!(r.outcome, Outcome::Stalled);
    assert_eq!(r.end_day, 69);
    // Reviews on days 0, 7, ..., 63: ten of them.
    assert_eq!(r.party_delays, vec![0, 10]);
    assert_eq!(rec(&s, &r, "meet").started_day, None);
}

/// 2.3: `@started` needs the action to have begun; a plain id needs it done.
#[test]
fn started_versus_done_requirements() {
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 100
[defaults]
compliance = 1
reciprocity = 0
review_every_days = 1
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = { fixed = 5 }
[[action]]
id = "y"
party = "B"
phase = "p"
requires = ["x@started"]
[[action]]
id = "z"
party = "B"
phase = "p"
requires = ["x"]
"#;
    let (s, r) = one(text);
    assert_eq!(rec(&s, &r, "x").started_day, Some(0));
    assert_eq!(rec(&s, &r, "x").done_day, Some(5));
    // x starts in A's review on day 0; B reviews after A that day, and y is due by then.
    assert_eq!(rec(&s, &r, "y").due_day, Some(0));
    assert_eq!(rec(&s, &r, "y").started_day, Some(0));
    assert_eq!(rec(&s, &r, "z").due_day, Some(5));
    assert_eq!(rec(&s, &r, "z").started_day, Some(5));
}

/// 2.3: `requires_at_least = { n, of }` is met when the n-th of the list is done.
#[test]
fn requires_at_least_waits_for_the_nth() {
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 100
[defaults]
compliance = 1
reciprocity = 0
review_every_days = 1
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x1"
party = "A"
phase = "p"
duration = { fixed = 2 }
[[action]]
id = "x2"
party = "A"
phase = "p"
duration = { fixed = 9 }
[[action]]
id = "x3"
party = "A"
phase = "p"
duration = { fixed = 4 }
[[action]]
id = "z"
party = "B"
phase = "p"
requires_at_least = { n = 2, of = ["x1", "x2", "x3"] }
"#;
    let (s, r) = one(text);
    assert_eq!(rec(&s, &r, "z").due_day, Some(4));
    assert_eq!(rec(&s, &r, "z").started_day, Some(4));
}

fn lapse_scenario(done_day: u32) -> String {
    // A's action x has deadline day 10 (2007-10-13) and takes `done_day` days from day 0.
    // B loses half its trust in A when it lapses, and walks out below 0.3.
    format!(
        r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 40
[defaults]
compliance = 1
reciprocity = 0
review_every_days = 1
[[party]]
id = "A"
[[party]]
id = "B"
trust_loss = 0.5
walkout_trust = 0.3
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
deadline = "2007-10-13"
duration = {{ fixed = {done_day} }}
[[action]]
id = "later"
party = "A"
phase = "p"
requires = ["x"]
duration = {{ fixed = 20 }}
"#
    )
}

/// 2.1/2.5/2.6: a deadline lapses on the day after it, when the action was not done on or
/// before it; the walkout that follows ends the trial that very day.
#[test]
fn lapse_counts_the_day_after_the_deadline_and_walkout_ends_that_day() {
    // Done on the deadline: no lapse, no walkout.
    let (_, r) = one(&lapse_scenario(10));
    assert_eq!(r.outcome, Outcome::Completed, "{r:?}");
    // Done the day after the deadline: it still lapses (not done on or before it); B's
    // trust in A halves to 0.25 < 0.3 and B walks out on day 11.
    let (s, r) = one(&lapse_scenario(11));
    assert_eq!(r.outcome, Outcome::Collapsed);
    assert_eq!(r.end_day, 11);
    assert_eq!(r.collapsed_by, Some(1));
    assert!(r.late(&s, 0));
    // Its completion in step 1 of that day happened before the lapse: it counts as done.
    assert_eq!(rec(&s, &r, "x").done_day, Some(11));
    // `later` became due on day 11 at step 1, but nothing happens after a walkout: no review.
    assert_eq!(rec(&s, &r, "later").due_day, Some(11));
    assert_eq!(rec(&s, &r, "later").started_day, None);
    // Never done: lapses on day 11.
    let (_, r) = one(&lapse_scenario(30));
    assert_eq!((r.outcome, r.end_day), (Outcome::Collapsed, 11));
}

fn zero_duration(order: [&str; 2]) -> String {
    format!(
        r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 30
[defaults]
compliance = 1
reciprocity = 0
review_every_days = 1
[[party]]
id = "{}"
[[party]]
id = "{}"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
[[action]]
id = "y"
party = "B"
phase = "p"
requires = ["x"]
"#,
        order[0], order[1]
    )
}

/// 2.1: an action started with duration 0 is done at once, before the next party's review of
/// the same day; a party that reviewed earlier that day waits for its next review.
#[test]
fn zero_duration_completes_before_the_next_partys_review() {
    let (s, r) = one(&zero_duration(["A", "B"]));
    assert_eq!(rec(&s, &r, "x").done_day, Some(0));
    assert_eq!(rec(&s, &r, "y").started_day, Some(0));
    assert_eq!(r.end_day, 0);
    // B declared first: it reviews before A on day 0, so y waits for day 1.
    let (s, r) = one(&zero_duration(["B", "A"]));
    assert_eq!(rec(&s, &r, "y").due_day, Some(0));
    assert_eq!(rec(&s, &r, "y").started_day, Some(1));
}

/// docs/MODEL.md 2.1: within one party's review, an action made due by an earlier one's
/// zero-duration completion is offered in the same review if declared later, not if earlier.
#[test]
fn same_review_offers_later_declared_actions_only() {
    let base = |first: &str, second: &str| {
        format!(
            r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 30
[defaults]
compliance = 1
reciprocity = 0
review_every_days = 7
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "p"
{first}
{second}
"#
        )
    };
    let x = "[[action]]\nid = \"x\"\nparty = \"A\"\nphase = \"p\"\n";
    let y = "[[action]]\nid = \"y\"\nparty = \"A\"\nphase = \"p\"\nrequires = [\"x\"]\n";
    let s = scenario(&base(x, y));
    let r = run_trials(&s, 1, 1).pop().unwrap();
    assert_eq!(rec(&s, &r, "y").started_day, Some(0));
    let s = scenario(&base(y, x));
    let r = run_trials(&s, 1, 1).pop().unwrap();
    assert_eq!(rec(&s, &r, "y").started_day, Some(7));
}

/// 2.8: a paused party skips its reviews on the shock's day and the pause_days - 1 after;
/// skipped reviews are not delays.
#[test]
fn pause_skips_reviews() {
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 60
[defaults]
compliance = 1
reciprocity = 0
review_every_days = 1
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
[[shock]]
id = "election"
rate_per_year = 36525
pause = ["A"]
pause_days = 10
window = ["2007-10-03", "2007-10-03"]
"#;
    let (s, r) = one(text);
    // Arrivals on day 0 pause A for days 0..=9; it consents at its first review after.
    assert_eq!(rec(&s, &r, "x").started_day, Some(10));
    assert_eq!(r.party_delays[0], 0);
}

/// 2.6/2.8: a shock that lowers trust below walkout_trust ends the trial that day, before
/// the reviews.
#[test]
fn shock_walkout_ends_the_trial_before_reviews() {
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 60
[defaults]
compliance = 1
reciprocity = 0
review_every_days = 1
[[party]]
id = "A"
walkout_trust = 0.2
[[party]]
id = "B"
[[phase]]
id = "p"
start = "2007-10-08"
[[action]]
id = "x"
party = "A"
phase = "p"
[[shock]]
id = "missile-test"
rate_per_year = 36525
from = ["A"]
toward = ["B"]
trust_drop = 0.9
window = ["2007-10-08", "2007-10-08"]
"#;
    let (s, r) = one(text);
    assert_eq!(
        (r.outcome, r.end_day, r.collapsed_by),
        (Outcome::Collapsed, 5, Some(0))
    );
    // The phase started on day 5 and x was due, but no review happened that day.
    assert_eq!(rec(&s, &r, "x").due_day, Some(5));
    assert_eq!(rec(&s, &r, "x").started_day, None);
}

/// 2.9: a phase with `after` starts `lag_days` after the last of those is done.
#[test]
fn lagged_phase_starts_on_time() {
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 60
[defaults]
compliance = 1
reciprocity = 0
review_every_days = 1
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "one"
[[phase]]
id = "two"
after = ["one"]
lag_days = 7
[[phase]]
id = "three"
after = ["two"]
[[action]]
id = "x"
party = "A"
phase = "one"
duration = { fixed = 3 }
[[action]]
id = "y"
party = "B"
phase = "two"
[[action]]
id = "z"
party = "B"
phase = "three"
"#;
    let (s, r) = one(text);
    assert_eq!(rec(&s, &r, "x").done_day, Some(3));
    assert_eq!(rec(&s, &r, "y").due_day, Some(10));
    assert_eq!(r.phase_done, vec![Some(3), Some(10), Some(10)]);
    // Lag 0: phase three starts the moment two is done, and z (B, reviewing on day 10
    // after its consent to y) is offered in that same review: it is declared later.
    assert_eq!(rec(&s, &r, "z").started_day, Some(10));
}

/// 2.5: completions raise the trust of non-actors in the actors only; 2.4: that trust sets
/// the chance to act.
#[test]
fn trust_gain_is_applied_to_non_actors_only() {
    use negsim::engine::{Event, Recorder, Trial, TrialResult};
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 60
[defaults]
compliance = 1
reciprocity = 0
review_every_days = 1
initial_trust = 0.5
trust_gain = 0.2
[[party]]
id = "A"
[[party]]
id = "B"
[[party]]
id = "C"
[[phase]]
id = "p"
[[action]]
id = "x"
party = ["A", "B"]
phase = "p"
"#;
    let s = scenario(text);
    let mut rec = Recorder::default();
    let mut r = TrialResult::new(&s);
    Trial::new(&s).run_observed(&negsim::rng::master(1), 0, &mut r, &mut rec);
    let (_, _, trust) = rec
        .events
        .iter()
        .find(|(_, e, _)| matches!(e, Event::ActionDone { .. }))
        .expect("x done");
    let t = |i: usize, j: usize| trust[i * 3 + j];
    assert_eq!(t(2, 0), 0.5 + 0.2 * 0.5);
    assert_eq!(t(2, 1), 0.6);
    assert_eq!(t(0, 1), 0.5, "co-actors do not gain trust in each other");
    assert_eq!(t(0, 2), 0.5);
}

// ---- closed forms

fn single(p: f64, d: u32, horizon: u32) -> String {
    format!(
        r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = {horizon}
[[party]]
id = "A"
compliance = {p}
reciprocity = 0
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = {{ fixed = {d} }}
"#
    )
}

/// One action, compliance p, reciprocity 0, weekly reviews, duration d: consent comes at
/// review K ~ Geometric(p) on {0, 1, ...}, so the mean done day is 7(1-p)/p + d and the mean
/// delays (1-p)/p.
#[test]
fn single_action_done_day_is_geometric() {
    for (p, d) in [(0.3, 5u32), (0.5, 0), (0.8, 12)] {
        let s = scenario(&single(p, d, 100_000));
        let rs = run_trials(&s, 11, 40_000);
        let done: Vec<f64> = rs
            .iter()
            .map(|r| f64::from(r.actions[0].done_day.unwrap()))
            .collect();
        let (m, se) = mean_se(&done);
        let want = 7.0 * (1.0 - p) / p + f64::from(d);
        assert!(
            (m - want).abs() < 4.0 * se,
            "p={p}: mean done day {m}, want {want} (se {se})"
        );
        let delays: Vec<f64> = rs.iter().map(|r| r.party_delays[0] as f64).collect();
        let (m, se) = mean_se(&delays);
        let want = (1.0 - p) / p;
        assert!(
            (m - want).abs() < 4.0 * se,
            "p={p}: delays {m}, want {want}"
        );
    }
}

/// Completion probability by the horizon: P(7K + d <= H) = 1 - (1-p)^(floor((H-d)/7)+1).
#[test]
fn single_action_completion_probability_by_the_horizon() {
    let (p, d, h) = (0.15, 3u32, 60u32);
    let s = scenario(&single(p, d, h));
    let n = 40_000;
    let rs = run_trials(&s, 12, n);
    let k = rs
        .iter()
        .filter(|r| r.outcome == Outcome::Completed)
        .count() as f64;
    let got = k / n as f64;
    let want = 1.0 - (1.0 - p).powi(((h - d) / 7 + 1) as i32);
    let se = (want * (1.0 - want) / n as f64).sqrt();
    assert!((got - want).abs() < 4.0 * se, "{got} vs {want}");
}

/// A chain of m such actions, each requiring the previous, with d a multiple of 7: every
/// link adds 7(1-p)/p + d, so the mean end day is m times that.
#[test]
fn chain_of_actions_adds_up() {
    let (p, d, m) = (0.4, 14u32, 5usize);
    let mut text = single(p, d, 100_000);
    for k in 1..m {
        text.push_str(&format!(
            "[[action]]\nid = \"x{k}\"\nparty = \"A\"\nphase = \"p\"\nduration = {{ fixed = {d} }}\nrequires = [\"{}\"]\n",
            if k == 1 { "x".to_string() } else { format!("x{}", k - 1) }
        ));
    }
    let s = scenario(&text);
    let rs = run_trials(&s, 13, 20_000);
    assert!(rs.iter().all(|r| r.outcome == Outcome::Completed));
    let ends: Vec<f64> = rs.iter().map(|r| f64::from(r.end_day)).collect();
    let (mean, se) = mean_se(&ends);
    let want = m as f64 * (7.0 * (1.0 - p) / p + f64::from(d));
    assert!((mean - want).abs() < 4.0 * se, "{mean} vs {want} (se {se})");
}

/// 2.4: p = c * tau^rho; with the counterpart's trust fixed at 0.5 and rho = 2, the chance
/// is c/4 and the mean delays (1-p)/p.
#[test]
fn chance_to_act_scales_with_trust() {
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 100000
[defaults]
trust_gain = 0
[[party]]
id = "A"
compliance = 0.8
reciprocity = 2
trust = { B = 0.5, C = 1.0 }
[[party]]
id = "B"
[[party]]
id = "C"
[[phase]]
id = "p"
[[action]]
id = "b"
party = "B"
phase = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
requires = ["b@started"]
"#;
    let s = scenario(text);
    let rs = run_trials(&s, 14, 40_000);
    let delays: Vec<f64> = rs.iter().map(|r| f64::from(r.actions[1].delays)).collect();
    let (m, se) = mean_se(&delays);
    let p = 0.8 * 0.25;
    let want = (1.0 - p) / p;
    assert!((m - want).abs() < 4.0 * se, "{m} vs {want}");
}

/// 2.8: shock arrivals are Poisson: the mean count over a window of w days is rate * w / 365.25.
#[test]
fn shock_arrivals_are_poisson() {
    use negsim::engine::{Event, Recorder, Trial, TrialResult};
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 730
[[party]]
id = "A"
compliance = 0
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
[[shock]]
id = "s"
rate_per_year = 3
window = ["2007-10-03", "2008-10-02"]
"#;
    let s = scenario(text);
    let master = negsim::rng::master(15);
    let mut trial = Trial::new(&s);
    let mut counts = Vec::new();
    for k in 0..20_000 {
        let mut rec = Recorder::default();
        let mut r = TrialResult::new(&s);
        trial.run_observed(&master, k, &mut r, &mut rec);
        let n = rec
            .events
            .iter()
            .filter(|(_, e, _)| matches!(e, Event::Shock { .. }))
            .count();
        assert!(
            rec.events
                .iter()
                .all(|(d, e, _)| !matches!(e, Event::Shock { .. }) || *d <= 365)
        );
        counts.push(n as f64);
    }
    let (m, se) = mean_se(&counts);
    // Days 0..=365 of the window: 366 days of exposure.
    let want = 3.0 * 366.0 / 365.25;
    assert!((m - want).abs() < 4.0 * se, "{m} vs {want}");
}
