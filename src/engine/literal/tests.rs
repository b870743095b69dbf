//! The literal rules of model 0.3 on small scenarios whose every day is known: these pin
//! the reading of docs/MODEL.md 2.12-2.15 that the equivalence tests then hold the fast engine to.

use super::LiteralTrial;
use crate::engine::{Outcome, TrialResult};
use crate::model::{RelativeDeadline, Scenario, Shock, Trigger, TriggerEvent};
use crate::rng;

/// A and B act at once at every daily review (compliance 1, reciprocity 0); A trusts B 0.3.
/// `x` is A's (10 days), `y` is B's (20 days).
fn base(x_days: u32) -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 60
review_every_days = 1
[[party]]
id = "A"
compliance = 1
reciprocity = 0
initial_trust = 0.3
trust_gain = 0.5
[[party]]
id = "B"
compliance = 1
reciprocity = 0
initial_trust = 0.5
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = {{ fixed = {x_days} }}
[[action]]
id = "y"
party = "B"
phase = "p"
duration = {{ fixed = 20 }}
"#
    );
    crate::scenario::from_str(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn run(s: &Scenario) -> TrialResult {
    LiteralTrial::new(s).run(&rng::master(1), 0)
}

fn triggered(action: usize, event: TriggerEvent, drop: f64) -> Shock {
    Shock {
        id: "t".into(),
        name: "t".into(),
        rate_per_year: 0.0,
        trigger: Some(Trigger {
            event,
            action,
            chance: 1.0,
        }),
        from: vec![1],
        toward: vec![0],
        trust_drop: drop,
        pause: Vec::new(),
        pause_days: 0,
        window_first: 0,
        window_last: 60,
    }
}

#[test]
fn a_suspension_delays_completion_by_its_length() {
    let s = base(10);
    let r = run(&s);
    assert_eq!(r.actions[0].done_day, Some(10));
    let mut s = base(10);
    // Suspended as it starts on day 0 (0.3 < 0.4); y done on day 20 lifts T[A][B] to 0.65.
    s.parties[0].suspend_trust = 0.4;
    let r = run(&s);
    assert_eq!(r.actions[0].started_day, Some(0));
    assert_eq!(r.actions[0].done_day, Some(30));
    assert_eq!(r.actions[0].suspended_days, 20);
    assert_eq!(r.end_day, 30);
}

#[test]
fn a_zero_duration_action_suspended_as_it_starts_is_done_when_it_resumes() {
    let mut s = base(0);
    s.parties[0].suspend_trust = 0.4;
    let r = run(&s);
    assert_eq!(r.actions[0].done_day, Some(20));
    assert_eq!(r.actions[0].suspended_days, 20);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.end_day, 20);
}

#[test]
fn an_open_suspension_counts_to_the_end_day() {
    let mut s = base(10);
    s.parties[0].suspend_trust = 0.9;
    let r = run(&s);
    assert_eq!(r.outcome, Outcome::Stalled);
    assert_eq!(r.actions[0].done_day, None);
    assert_eq!(r.actions[0].suspended_days, 60);
}

#[test]
fn relapses_come_every_k_days_after_the_first_lapse() {
    let mut s = base(10);
    // A never acts on x; deadline day 5: lapses on 6, then 9, 12, ..., 60 (k = 3).
    s.actions[0].compliance = vec![0.0];
    s.actions[0].deadline = Some(5);
    s.actions[0].relapse_every = 3;
    let r = run(&s);
    assert_eq!(r.actions[0].lapses, 19);
    assert_eq!(r.actions[0].deadline, Some(5));
    // y, done on the morning of day 20, still relapses that day (deadline 15, k = 4: 16, 20);
    // x is never done, so the trial goes on.
    let mut s = base(10);
    s.actions[0].compliance = vec![0.0];
    s.actions[1].deadline = Some(15);
    s.actions[1].relapse_every = 4;
    let r = run(&s);
    assert_eq!(r.actions[1].done_day, Some(20));
    assert_eq!(r.actions[1].lapses, 2);
    // With k = 5 the relapse day 21 comes after it was done on 20: one lapse only.
    s.actions[1].relapse_every = 5;
    assert_eq!(run(&s).actions[1].lapses, 1);
}

#[test]
fn a_deadline_at_the_horizon_never_lapses() {
    let mut s = base(10);
    s.actions[0].compliance = vec![0.0];
    s.actions[0].deadline = Some(60);
    s.actions[0].relapse_every = 1;
    assert_eq!(run(&s).actions[0].lapses, 0);
    s.actions[0].deadline = Some(59);
    assert_eq!(run(&s).actions[0].lapses, 1);
}

#[test]
fn relative_deadlines_are_set_by_the_event_they_name() {
    let mut s = base(10);
    // x: 3 days after its own start (day 0); y: 2 days after x is done (day 10).
    s.actions[0].deadline = None;
    s.actions[0].relative_deadline = Some(RelativeDeadline {
        after: 0,
        started: true,
        days: 3,
    });
    s.actions[1].relative_deadline = Some(RelativeDeadline {
        after: 0,
        started: false,
        days: 2,
    });
    let r = run(&s);
    assert_eq!(r.actions[0].deadline, Some(3));
    assert_eq!(r.actions[0].lapses, 1);
    assert_eq!(r.actions[1].deadline, Some(12));
    assert_eq!(r.actions[1].lapses, 1);
    // Never set when the event never happens.
    s.actions[0].compliance = vec![0.0];
    let r = run(&s);
    assert_eq!(r.actions[0].deadline, None);
    assert_eq!(r.actions[1].deadline, None);
}

#[test]
fn a_shock_triggered_in_the_reviews_occurs_the_next_day() {
    // B walks out below 0.45; the shock halves its trust in A.
    let mut s = base(10);
    s.parties[1].walkout_trust = 0.45;
    s.shocks.push(triggered(0, TriggerEvent::Started, 0.5));
    let r = run(&s);
    assert_eq!(
        (r.outcome, r.end_day, r.collapsed_by),
        (Outcome::Collapsed, 1, Some(1))
    );
    // Triggered by a completion in the completions step: the same day.
    let mut s = base(10);
    s.parties[1].walkout_trust = 0.45;
    s.shocks.push(triggered(0, TriggerEvent::Done, 0.5));
    let r = run(&s);
    assert_eq!(
        (r.outcome, r.end_day, r.collapsed_by),
        (Outcome::Collapsed, 10, Some(1))
    );
    // Outside its window: nothing.
    s.shocks[0].window_first = 11;
    assert_eq!(run(&s).outcome, Outcome::Completed);
}

#[test]
fn a_triggered_pause_starts_the_day_the_shock_occurs() {
    // x waits for y to start; B starts y in its review of day 0, after A's review, and
    // that start pauses A from day 1 to day 5.
    let mut s = base(10);
    s.actions[0].requires_started = vec![1];
    s.actions[0].counterparts = vec![vec![1]];
    let mut sh = triggered(1, TriggerEvent::Started, 0.0);
    sh.pause = vec![0];
    sh.pause_days = 5;
    s.shocks.push(sh);
    let r = run(&s);
    // Due on day 0 after A's review: A's next review is day 1, paused through day 5.
    assert_eq!(r.actions[0].due_day, Some(0));
    assert_eq!(r.actions[0].started_day, Some(6));
}

#[test]
fn observers_are_left_out_of_walkout_means() {
    let text = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 10
[[party]]
id = "A"
walkout_trust = 0.5
initial_trust = 0.6
trust = { O = 0.0 }
[[party]]
id = "B"
[[party]]
id = "O"
walkout_trust = 0.9
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
"#;
    let mut s = crate::scenario::from_str(text, "t.toml").unwrap_or_else(|e| panic!("{e}"));
    let r = run(&s);
    assert_eq!((r.outcome, r.collapsed_by), (Outcome::Collapsed, Some(0)));
    s.parties[2].observer = true;
    let r = run(&s);
    assert_ne!(r.outcome, Outcome::Collapsed);
    // B's only other non-observer party is A: with A an observer too, B never walks out.
    s.parties[1].walkout_trust = 0.9;
    s.parties[0].observer = true;
    assert_ne!(run(&s).outcome, Outcome::Collapsed);
}
