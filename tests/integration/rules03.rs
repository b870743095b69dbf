//! One focused test per rule of model 0.3 (docs/MODEL.md 2.11-2.15) in the skip-ahead engine.
//!
//! Until the scenario format parses the 0.3 fields, each test compiles a 0.2 scenario and
//! sets the field on the compiled `Scenario`. Compliance 1 (consent at the first review) or
//! 0 (never) makes every outcome exact; the days asserted are closed forms of the rules.

use crate::common::*;
use negsim::Scenario;
use negsim::engine::{Event, Outcome, Recorder, Trial, TrialResult};
use negsim::model::{RelativeDeadline, Trigger, TriggerEvent};
use negsim::rng;

/// Trial 0, seed 1, with every event recorded.
fn traced(s: &Scenario) -> (TrialResult, Vec<(u32, Event)>) {
    let mut r = TrialResult::new(s);
    let mut rec = Recorder::default();
    Trial::new(s).run_observed(&rng::master(1), 0, &mut r, &mut rec);
    (r, rec.events.into_iter().map(|(d, e, _)| (d, e)).collect())
}

fn idx(s: &Scenario, id: &str) -> usize {
    s.action_index(id).unwrap()
}

/// Days on which an event matching `f` happened.
fn days(evs: &[(u32, Event)], f: impl Fn(&Event) -> bool) -> Vec<u32> {
    evs.iter().filter(|(_, e)| f(e)).map(|&(d, _)| d).collect()
}

const BASE: &str = r#"
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
"#;

fn with(actions: &str) -> Scenario {
    scenario(&format!("{BASE}{actions}"))
}

/// 2.11: each (action, actor) has its own compliance: an action's value overrides the
/// party's, for that actor only.
#[test]
fn willingness_is_per_action_and_actor() {
    let text = r#"
[[action]]
id = "meet"
party = ["A", "B"]
phase = "p"
[[action]]
id = "solo"
party = "B"
phase = "p"
"#;
    let mut s = with(text);
    // B unwilling for the meeting only: it never starts, B delays at each of 101 reviews.
    s.actions[0].compliance = vec![1.0, 0.0];
    let (r, _) = traced(&s);
    assert_eq!(r.actions[0].started_day, None);
    assert_eq!(r.actions[0].delays, 101);
    assert_eq!(r.actions[1].done_day, Some(0));
    // The party unwilling, the action willing: the action's value wins.
    let mut s = with(text);
    // (compiled, an action that sets nothing holds its actors' own values.)
    s.parties[1].compliance = 0.0;
    s.actions[1].compliance = vec![0.0];
    s.actions[0].compliance = vec![1.0, 1.0];
    let (r, _) = traced(&s);
    assert_eq!(r.actions[0].done_day, Some(0));
    assert_eq!(r.actions[1].started_day, None);
    // Reciprocity per slot: with tau = 0.5 and rho_B(meet) = 0 B consents at once.
    let mut s = with(text);
    s.parties[1].reciprocity = 50.0;
    s.actions[0].reciprocity = vec![0.0, 0.0];
    let (r, _) = traced(&s);
    assert_eq!(r.actions[0].done_day, Some(0));
}

const DEADLINES: &str = r#"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = { fixed = 7 }
[[action]]
id = "y"
party = "B"
phase = "p"
"#;

/// 2.12: a relative deadline is set when its action is done (or started), and lapses on
/// D + 1.
#[test]
fn relative_deadline_set_on_done_and_on_start() {
    for (started, t) in [(false, 7u32), (true, 0u32)] {
        let mut s = with(DEADLINES);
        let y = idx(&s, "y");
        s.actions[y].compliance = vec![0.0];
        s.actions[y].relative_deadline = Some(RelativeDeadline {
            after: 0,
            started,
            days: 5,
        });
        let (r, evs) = traced(&s);
        let d = t + 5;
        assert_eq!(r.actions[y].deadline, Some(d));
        assert_eq!(r.actions[y].lapses, 1);
        assert_eq!(
            days(
                &evs,
                |e| matches!(e, Event::DeadlineSet { action, .. } if *action == y)
            ),
            vec![t]
        );
        assert_eq!(
            days(&evs, |e| matches!(e, Event::DeadlineLapsed { .. })),
            vec![d + 1]
        );
        assert!(r.late(&s, y));
    }
}

/// 2.12: a lapsed deadline relapses every k days while not done on or before the day before;
/// a completion on the morning of a relapse day still lapses.
#[test]
fn relapses_every_k_days_and_the_morning_rule() {
    let text = r#"
[[action]]
id = "y"
party = "B"
phase = "p"
deadline = "2007-10-23"
[[action]]
id = "z"
party = "A"
phase = "p"
duration = { fixed = 60 }
"#;
    // Never done: lapses on 21, 31, ..., 91 (the horizon is 100).
    let mut s = with(text);
    s.actions[0].compliance = vec![0.0];
    s.actions[0].relapse_every = 10;
    let (r, evs) = traced(&s);
    assert_eq!(r.actions[0].lapses, 8);
    assert_eq!(
        days(&evs, |e| matches!(e, Event::Relapsed { .. })),
        vec![31, 41, 51, 61, 71, 81, 91]
    );
    // Done on day 31 (the morning of a relapse): lapses on 21 and 31. Done on 30: once.
    // (`z`, done on day 60, keeps the trial going.)
    for (done, lapses) in [(31u32, 2u32), (30, 1), (20, 0)] {
        let mut s = with(text);
        s.actions[0].relapse_every = 10;
        s.actions[0].duration = negsim::duration::Duration::Fixed(f64::from(done));
        let (r, _) = traced(&s);
        assert_eq!(r.actions[0].done_day, Some(done));
        assert_eq!(r.actions[0].lapses, lapses, "done on {done}");
    }
}

/// A scenario for suspension: A's `x` (20 days from day 0); B's `b` never done, deadline 4,
/// so A's trust in B halves on day 5; B's `c` done on day 15 raises it by half the missing.
fn suspension(x_days: u32, initial: f64) -> Scenario {
    let text = format!(
        r#"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = {{ fixed = {x_days} }}
[[action]]
id = "b"
party = "B"
phase = "p"
deadline = "2007-10-07"
[[action]]
id = "c"
party = "B"
phase = "p"
duration = {{ fixed = 15 }}
"#
    );
    let mut s = with(&text);
    s.actions[1].compliance = vec![0.0];
    s.parties[0].suspend_trust = 0.4;
    s.parties[0].trust_loss = 0.5;
    s.parties[0].trust_gain = 0.5;
    s.parties[0].initial_trust[1] = initial;
    s
}

/// 2.13: suspended on t1 (trust 0.25 < 0.4 after the lapse on day 5), resumed on t2 (0.625
/// after `c` on day 15): done t2 - t1 = 10 days late, on day 30.
#[test]
fn suspension_delays_completion_by_its_length() {
    let s = suspension(20, 0.5);
    let (r, evs) = traced(&s);
    assert_eq!(r.actions[2].done_day, Some(15));
    assert_eq!(r.actions[0].done_day, Some(30));
    assert_eq!(r.actions[0].suspended_days, 10);
    assert_eq!(
        days(&evs, |e| matches!(e, Event::Suspended { .. })),
        vec![5]
    );
    assert_eq!(days(&evs, |e| matches!(e, Event::Resumed { .. })), vec![15]);
}

/// 2.13: a zero-duration action suspended as it starts is done at once when it resumes; an
/// open suspension counts up to the end day.
#[test]
fn zero_duration_suspended_at_start_is_done_at_resumption() {
    let s = suspension(0, 0.3);
    let (r, _) = traced(&s);
    assert_eq!(r.actions[0].started_day, Some(0));
    assert_eq!(r.actions[0].done_day, Some(15));
    assert_eq!(r.actions[0].suspended_days, 15);
    // Never resumed (the gain is too small): suspended from day 0 to the horizon.
    let mut s = suspension(0, 0.3);
    s.parties[0].trust_gain = 0.01;
    let (r, _) = traced(&s);
    assert_eq!(r.actions[0].done_day, None);
    assert_eq!(r.outcome, Outcome::Stalled);
    assert_eq!(r.actions[0].suspended_days, 100);
}

/// 2.14: observers are left out of the others' walkout means and never walk out; a party
/// whose only other parties are observers never walks out.
#[test]
fn observers_are_ignored_in_walkouts() {
    let text = format!(
        "{BASE}[[party]]\nid = \"O\"\n[[action]]\nid = \"x\"\nparty = \"A\"\nphase = \"p\"\nduration = {{ fixed = 50 }}\n"
    );
    let setup = |observer: bool| {
        let mut s = scenario(&text);
        s.parties[0].walkout_trust = 0.4;
        s.parties[0].initial_trust = vec![0.0, 0.5, 0.0];
        s.parties[2].walkout_trust = 0.9;
        s.parties[2].initial_trust = vec![0.0, 0.0, 0.0];
        s.parties[2].observer = observer;
        s
    };
    // Without the observer A's mean is 0.25 < 0.4: it walks out on day 0.
    let (r, _) = traced(&setup(false));
    assert_eq!(
        (r.outcome, r.end_day, r.collapsed_by),
        (Outcome::Collapsed, 0, Some(0))
    );
    // With O an observer A's mean is 0.5; O itself never walks out.
    let (r, _) = traced(&setup(true));
    assert_eq!(r.outcome, Outcome::Completed);
    // B's only other party besides the observer is A... make A an observer too: B's others
    // are all observers, so B never walks out whatever its trust.
    let mut s = setup(true);
    s.parties[0].observer = true;
    s.parties[1].walkout_trust = 0.9;
    s.parties[1].initial_trust = vec![0.0, 0.0, 0.0];
    let (r, _) = traced(&s);
    assert_eq!(r.outcome, Outcome::Completed);
}

/// A triggered shock on `event` of action `x`, with `chance`, lowering B's trust in A.
fn triggered(x_days: u32, event: TriggerEvent, chance: f64) -> Scenario {
    let text = format!(
        r#"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = {{ fixed = {x_days} }}
deadline = "2007-10-05"
[[action]]
id = "y"
party = "B"
phase = "p"
requires = ["x"]
duration = {{ fixed = 3 }}
[[shock]]
id = "s"
rate_per_year = 0.001
from = ["B"]
toward = ["A"]
trust_drop = 0.5
"#
    );
    let mut s = with(&text);
    s.shocks[0].rate_per_year = 0.0;
    s.shocks[0].trigger = Some(Trigger {
        event,
        action: 0,
        chance,
    });
    s
}

fn shock_days(evs: &[(u32, Event)]) -> Vec<u32> {
    days(evs, |e| matches!(e, Event::Shock { .. }))
}

/// 2.15: a shock triggered in the completions or lapses step occurs that day; one triggered
/// during the reviews (a start, a zero-duration completion) occurs the next day.
#[test]
fn triggered_shock_same_day_or_next_day() {
    let (_, evs) = traced(&triggered(5, TriggerEvent::Done, 1.0));
    assert_eq!(shock_days(&evs), vec![5]);
    let (_, evs) = traced(&triggered(5, TriggerEvent::Lapse, 1.0));
    assert_eq!(shock_days(&evs), vec![3]);
    let (_, evs) = traced(&triggered(5, TriggerEvent::Started, 1.0));
    assert_eq!(shock_days(&evs), vec![1]);
    let (_, evs) = traced(&triggered(0, TriggerEvent::Done, 1.0));
    assert_eq!(shock_days(&evs), vec![1]);
    // Every relapse triggers too.
    let mut s = triggered(30, TriggerEvent::Lapse, 1.0);
    s.actions[0].relapse_every = 10;
    let (r, evs) = traced(&s);
    assert_eq!(r.actions[0].lapses, 3);
    assert_eq!(shock_days(&evs), vec![3, 13, 23]);
    // Outside its window: none.
    let mut s = triggered(5, TriggerEvent::Done, 1.0);
    s.shocks[0].window_first = 6;
    assert!(shock_days(&traced(&s).1).is_empty());
}

/// 2.15: chance 0 never, chance 1 always.
#[test]
fn triggered_shock_chance_zero_and_one() {
    let (_, evs) = traced(&triggered(5, TriggerEvent::Done, 0.0));
    assert!(shock_days(&evs).is_empty());
    let (_, evs) = traced(&triggered(5, TriggerEvent::Done, 1.0));
    assert_eq!(shock_days(&evs), vec![5]);
}

/// 2.15 with 2.8: a triggered pause starts on its day: B's offer of `y`, due on day 5, is
/// reviewed only after the pause (days 5 to 14), so `y` starts on day 15.
#[test]
fn triggered_pause_delays_reviews() {
    for (every, start) in [(1u32, 15u32), (7, 21)] {
        let mut s = triggered(5, TriggerEvent::Done, 1.0);
        s.shocks[0].pause = vec![1];
        s.shocks[0].pause_days = 10;
        s.parties[1].review_every = every;
        let (r, _) = traced(&s);
        assert_eq!(r.actions[1].due_day, Some(5));
        assert_eq!(r.actions[1].started_day, Some(start), "every {every}");
        assert_eq!(r.actions[1].delays, 0);
    }
}

/// 2.15: the trigger coins come from their own stream, one per event whatever the chance:
/// with a shock that changes nothing, any chance (or no trigger at all) gives the same trials.
#[test]
fn trigger_stream_is_independent_of_the_chance() {
    let text = r#"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = { uniform = [1, 9] }
deadline = "2007-10-08"
[[action]]
id = "y"
party = "B"
phase = "p"
requires = ["x"]
duration = { triangular = [1, 5, 20] }
[[shock]]
id = "s"
rate_per_year = 0.001
from = ["B"]
toward = ["A"]
trust_drop = 0
"#;
    let make = |trigger: Option<f64>| {
        let mut s = with(text);
        // Actions hold their actors' compiled willingness (2.11): set it there.
        s.actions[0].compliance = vec![0.3];
        s.actions[1].compliance = vec![0.4];
        s.shocks[0].rate_per_year = 0.0;
        s.shocks[0].trigger = trigger.map(|chance| Trigger {
            event: TriggerEvent::Lapse,
            action: 0,
            chance,
        });
        s
    };
    let base = run_trials(&make(None), 7, 300);
    for chance in [0.0, 0.3, 1.0] {
        assert_eq!(
            run_trials(&make(Some(chance)), 7, 300),
            base,
            "chance {chance}"
        );
    }
}

/// Two triggered shocks on every lapse and relapse of `x`: shock 0 (`chance0`) slows B by
/// lowering its trust in A (it never walks out); shock 1 (`chance1`, or absent) changes nothing.
fn two_triggered(chance0: f64, chance1: Option<f64>) -> Scenario {
    let text = r#"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = { uniform = [1, 9] }
deadline = "2007-10-08"
[[action]]
id = "y"
party = "B"
phase = "p"
requires = ["x"]
duration = { triangular = [1, 5, 20] }
[[shock]]
id = "s0"
rate_per_year = 0.001
from = ["B"]
toward = ["A"]
trust_drop = 0.3
[[shock]]
id = "s1"
rate_per_year = 0.001
from = ["B"]
toward = ["A"]
trust_drop = 0
"#;
    let mut s = with(text);
    // (Compiled: the actions hold their actors' values.)
    s.actions[0].compliance = vec![0.05];
    s.actions[1].compliance = vec![0.4];
    s.actions[1].reciprocity = vec![1.0];
    s.parties[1].walkout_trust = 0.0;
    s.actions[0].relapse_every = 4;
    for (k, chance) in [(0, Some(chance0)), (1, chance1)] {
        s.shocks[k].rate_per_year = 0.0;
        s.shocks[k].trigger = chance.map(|chance| Trigger {
            event: TriggerEvent::Lapse,
            action: 0,
            chance,
        });
    }
    if chance1.is_none() {
        s.shocks.truncate(1);
    }
    s
}

/// Per trial, the (day, occurrence day) of every triggering of shock `k`, skip-ahead engine.
fn triggerings(s: &Scenario, k: usize, n: u64) -> Vec<Vec<(u32, u32)>> {
    let master = rng::master(11);
    let mut t = Trial::new(s);
    (0..n)
        .map(|trial| {
            let mut r = TrialResult::new(s);
            let mut rec = Recorder::default();
            t.run_observed(&master, trial, &mut r, &mut rec);
            rec.events
                .iter()
                .filter_map(|(d, e, _)| match e {
                    Event::ShockTriggered { shock, on_day, .. } if *shock == k => {
                        Some((*d, *on_day))
                    }
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// 2.15 and 4.1: each triggered shock draws its coins from a substream of its own. Adding a
/// second triggered shock on the same event, or varying its chance, leaves the first shock's
/// occurrences identical trial by trial (and every trial identical, as the second shock
/// changes nothing), in both engines; and varying the first shock's chance leaves the
/// second's coins where they were.
#[test]
fn each_triggered_shock_has_its_own_coins() {
    use negsim::engine::literal::LiteralTrial;
    let n = 300;
    let alone = two_triggered(0.5, None);
    let base = triggerings(&alone, 0, n);
    // The test has teeth: shock 0 fires in some trials and not in others, and more than once.
    let fired = base.iter().filter(|v| !v.is_empty()).count();
    assert!(fired > 20 && fired < n as usize - 20, "fired in {fired}");
    assert!(base.iter().any(|v| v.len() >= 2));
    let literal = |s: &Scenario| {
        let master = rng::master(11);
        let lit = LiteralTrial::new(s);
        (0..n).map(|k| lit.run(&master, k)).collect::<Vec<_>>()
    };
    let lit_base = literal(&alone);
    assert_ne!(lit_base, literal(&two_triggered(0.0, None)));
    for chance1 in [0.0, 0.3, 1.0] {
        let both = two_triggered(0.5, Some(chance1));
        assert_eq!(triggerings(&both, 0, n), base, "chance1 {chance1}");
        assert_eq!(
            run_trials(&both, 11, n),
            run_trials(&alone, 11, n),
            "chance1 {chance1}"
        );
        assert_eq!(literal(&both), lit_base, "literal, chance1 {chance1}");
    }
    // Shock 1 at chance 1 fires at every lapse; at chance 0.5 on a scenario where shock 0
    // never fires, its triggerings are a sub-list of those at chance 1 fixed by its coins
    // alone, the same whatever shock 0's chance (shock 0 has no effect at chance 0, so
    // compare chance 0 with a shock 0 whose effect is removed).
    let mut quiet = two_triggered(0.7, Some(0.5));
    quiet.shocks[0].trust_drop = 0.0;
    let s1 = triggerings(&quiet, 1, n);
    assert!(s1.iter().any(|v| !v.is_empty()));
    for chance0 in [0.0, 0.2, 1.0] {
        let mut other = two_triggered(chance0, Some(0.5));
        other.shocks[0].trust_drop = 0.0;
        assert_eq!(triggerings(&other, 1, n), s1, "chance0 {chance0}");
    }
}
