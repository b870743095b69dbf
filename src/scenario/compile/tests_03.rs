//! Parse-and-compile tests for the model 0.3 fields (docs/MODEL.md 2.11-2.15).

use crate::model::*;

const BASE: &str = r#"[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 400

[[party]]
id = "A"
compliance = 0.4
reciprocity = 2.0
[[party]]
id = "B"
compliance = 0.6
[[party]]
id = "V"

[[phase]]
id = "p"

[[action]]
id = "x"
party = "A"
phase = "p"
"#;

fn compile(extra: &str) -> Scenario {
    crate::scenario::from_str(&format!("{BASE}{extra}"), "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn compile_with(before_parties: &str, extra: &str) -> Scenario {
    let text = BASE.replacen("[[party]]", &format!("{before_parties}\n[[party]]"), 1);
    crate::scenario::from_str(&format!("{text}{extra}"), "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_02_file_uses_no_03_field() {
    let s = compile("");
    assert!(!s.uses_model_03());
    assert_eq!(s.actions[0].relapse_every, 0);
    assert_eq!(s.actions[0].compliance, vec![0.4]);
    assert_eq!(s.actions[0].reciprocity, vec![2.0]);
    assert_eq!(s.parties[0].suspend_trust, 0.0);
    assert_eq!(s.actions[0].counterparts, vec![vec![1, 2]]);
}

#[test]
fn suspend_trust_per_party_and_in_defaults() {
    let s = compile_with("[defaults]\nsuspend_trust = 0.3\n", "");
    assert_eq!(s.parties[1].suspend_trust, 0.3);
    let text = BASE.replacen(
        "compliance = 0.6",
        "compliance = 0.6\nsuspend_trust = 0.25",
        1,
    );
    let s = crate::scenario::from_str(&text, "t.toml").unwrap();
    assert_eq!(s.parties[1].suspend_trust, 0.25);
    assert_eq!(s.parties[0].suspend_trust, 0.0);
    assert!(s.uses_model_03());
}

#[test]
fn observers_leave_the_default_counterparts() {
    let text = BASE.replacen("id = \"V\"", "id = \"V\"\nobserver = true", 1);
    let text = format!(
        "{text}\n[[action]]\nid = \"v\"\nparty = \"V\"\nphase = \"p\"\n[[action]]\nid = \"y\"\nparty = \"B\"\nphase = \"p\"\nrequires = [\"v\"]\n"
    );
    let s = crate::scenario::from_str(&text, "t.toml").unwrap();
    assert!(s.parties[2].observer && !s.parties[0].observer);
    // x names no counterparts: all the other non-observer parties.
    assert_eq!(s.actions[0].counterparts, vec![vec![1]]);
    // the observer's own action: the non-observers.
    assert_eq!(s.actions[1].counterparts, vec![vec![0, 1]]);
    // y names the observer's action: the observer is its counterpart.
    assert_eq!(s.actions[2].counterparts, vec![vec![2]]);
}

#[test]
fn only_observers_as_others_give_no_counterparts() {
    let text = BASE
        .replacen("id = \"B\"", "id = \"B\"\nobserver = true", 1)
        .replacen("id = \"V\"", "id = \"V\"\nobserver = true", 1);
    let s = crate::scenario::from_str(&text, "t.toml").unwrap();
    assert_eq!(s.actions[0].counterparts, vec![Vec::<usize>::new()]);
}

#[test]
fn willingness_is_a_number_or_a_table_by_actor() {
    let s = compile(
        "[[action]]\nid = \"j\"\nparty = [\"B\", \"A\"]\nphase = \"p\"\ncompliance = 0.9\nreciprocity = { B = 0.5 }\n",
    );
    let j = &s.actions[1];
    assert_eq!(j.actors, vec![0, 1]);
    assert_eq!(j.compliance, vec![0.9, 0.9]);
    // A keeps its party's reciprocity; B takes the table's, in actor order.
    assert_eq!(j.reciprocity, vec![2.0, 0.5]);
    assert!(s.uses_model_03());
    let s = compile(
        "[[action]]\nid = \"j\"\nparty = [\"A\", \"B\"]\nphase = \"p\"\ncompliance = { A = 1 }\n",
    );
    assert_eq!(s.actions[1].compliance, vec![1.0, 0.6]);
}

#[test]
fn deadlines_in_every_form() {
    let s = compile(
        r#"deadline = 30
[[action]]
id = "y"
party = "B"
phase = "p"
deadline = { after = "x", days = 45 }
[[action]]
id = "z"
party = "B"
phase = "p"
deadline = { after = "z@started", days = 0 }
[[action]]
id = "w"
party = "B"
phase = "p"
deadline = 2007-10-13
"#,
    );
    assert_eq!(s.actions[0].deadline, Some(30));
    assert_eq!(s.actions[0].relative_deadline, None);
    assert_eq!(s.actions[1].deadline, None);
    assert_eq!(
        s.actions[1].relative_deadline,
        Some(RelativeDeadline {
            after: 0,
            started: false,
            days: 45
        })
    );
    assert_eq!(
        s.actions[2].relative_deadline,
        Some(RelativeDeadline {
            after: 2,
            started: true,
            days: 0
        })
    );
    assert_eq!(s.actions[3].deadline, Some(10));
    // A day-number deadline alone is not a 0.3 field (2.12 forms; 0.2 compiled dates alike).
}

#[test]
fn relapse_interval_from_the_action_else_the_scenario() {
    let text = BASE.replacen(
        "horizon_days = 400",
        "horizon_days = 400\nrelapse_every_days = 30",
        1,
    );
    let text = format!(
        "{text}relapse_every_days = 7\n[[action]]\nid = \"y\"\nparty = \"B\"\nphase = \"p\"\n"
    );
    let s = crate::scenario::from_str(&text, "t.toml").unwrap();
    assert_eq!(s.actions[0].relapse_every, 7);
    assert_eq!(s.actions[1].relapse_every, 30);
    assert!(s.uses_model_03());
}

#[test]
fn triggered_shocks_and_day_number_windows() {
    let s = compile(
        r#"deadline = 10
[[shock]]
id = "t"
on = { lapse = "x" }
chance = 0.25
from = ["B"]
toward = ["A"]
trust_drop = 0.5
window = [90, "2008-10-03"]
[[shock]]
id = "u"
on = { done = "x" }
pause = ["A"]
pause_days = 3
[[shock]]
id = "r"
rate_per_year = 1.0
window = [-0.0, 500]
"#
        .replace("-0.0", "0")
        .as_str(),
    );
    let t = &s.shocks[0];
    assert_eq!(t.rate_per_year, 0.0);
    assert_eq!(
        t.trigger,
        Some(Trigger {
            event: TriggerEvent::Lapse,
            action: 0,
            chance: 0.25
        })
    );
    assert_eq!((t.window_first, t.window_last), (90, 366));
    assert_eq!(
        s.shocks[1].trigger.map(|g| (g.event, g.chance)),
        Some((TriggerEvent::Done, 1.0))
    );
    assert_eq!(s.shocks[1].pause_days, 3);
    assert_eq!(s.shocks[2].trigger, None);
    assert_eq!(
        (s.shocks[2].window_first, s.shocks[2].window_last),
        (0, 400)
    );
}
