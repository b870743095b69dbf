//! Unit tests of `negsim check`.
use super::*;
use crate::scenario;

fn compile(body: &str) -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 200
[[party]]
id = "A"
[[party]]
id = "B"
{body}"#
    );
    scenario::from_str(&text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn kinds(s: &Scenario) -> Vec<WarningKind> {
    warnings(s).into_iter().map(|w| w.kind).collect()
}

#[test]
fn default_scenario_has_no_warning() {
    let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "d.toml").unwrap();
    assert_eq!(warnings(&s), vec![]);
}

#[test]
fn compliance_zero_blocks_the_action_and_what_waits_for_it() {
    let s = compile(
        r#"
[[party]]
id = "C"
compliance = 0
[[phase]]
id = "p"
[[phase]]
id = "q"
after = ["p"]
[[action]]
id = "x"
party = ["A", "C"]
phase = "p"
[[action]]
id = "y"
party = "A"
phase = "p"
requires = ["x@started"]
[[action]]
id = "z"
party = "B"
phase = "q"
[[action]]
id = "free"
party = "B"
phase = "p"
"#,
    );
    let w = warnings(&s);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].kind, WarningKind::NeverStarts);
    assert_eq!(w[0].subject, "x");
    assert!(w[0].message.contains("`C`"), "{}", w[0].message);
    assert!(w[0].message.contains("`y`, `z`"), "{}", w[0].message);
    assert!(!w[0].message.contains("`free`"), "{}", w[0].message);
}

#[test]
fn deadlines_before_phase_due_or_done_are_flagged() {
    let s = compile(
        r#"
[[phase]]
id = "p"
[[phase]]
id = "late"
start = "2007-11-01"
[[action]]
id = "slow"
party = "A"
phase = "p"
deadline = "2007-10-10"
duration = { fixed = 30 }
[[action]]
id = "after-slow"
party = "B"
phase = "p"
requires = ["slow"]
deadline = "2007-10-20"
[[action]]
id = "in-late"
party = "B"
phase = "late"
deadline = "2007-10-25"
[[action]]
id = "fine"
party = "B"
phase = "p"
deadline = "2007-10-03"
"#,
    );
    let w = warnings(&s);
    let subjects: Vec<&str> = w.iter().map(|w| w.subject.as_str()).collect();
    assert_eq!(subjects, ["slow", "after-slow", "in-late"], "{w:?}");
    assert!(w[0].message.contains("could be done"));
    assert!(w[1].message.contains("could become due"));
    assert!(w[2].message.contains("phase `late` could start"));
    assert!(w.iter().all(|w| w.kind == WarningKind::DeadlineTooEarly));
}

#[test]
fn shocks_units_and_walkouts() {
    let s = compile(
        r#"
[[party]]
id = "W"
initial_trust = 0.3
walkout_trust = 0.35
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
quantity = 5
unit = "t HFO"
[[action]]
id = "y"
party = "B"
phase = "p"
quantity = 7
unit = "t  hfo"
[[shock]]
id = "zero"
rate_per_year = 0
from = ["A"]
toward = ["B"]
trust_drop = 0.1
[[shock]]
id = "outside"
rate_per_year = 2
from = ["A"]
toward = ["B"]
trust_drop = 0.1
window = ["2009-01-01", "2009-02-01"]
[[shock]]
id = "nothing"
rate_per_year = 2
"#,
    );
    assert_eq!(
        kinds(&s),
        [
            WarningKind::ShockNeverFires,
            WarningKind::ShockNeverFires,
            WarningKind::ShockWithoutEffect,
            WarningKind::UnitLookalike,
            WarningKind::WalkoutAtStart,
        ]
    );
    let w = warnings(&s);
    assert!(
        w[3].message
            .contains("\"t HFO\" (`x`) and \"t  hfo\" (`y`)")
    );
    assert_eq!(w[4].subject, "W");
}

#[test]
fn quantities_get_thousands_separators() {
    assert_eq!(fmt_quantity(900000.0), "900,000");
    assert_eq!(fmt_quantity(90000.0), "90,000");
    assert_eq!(fmt_quantity(100.0), "100");
    assert_eq!(fmt_quantity(2.5), "2.5");
    assert_eq!(fmt_quantity(1000.0), "1,000");
}

#[test]
fn model_03_warnings() {
    let s = compile(
        r#"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
compliance = { A = 0 }
[[action]]
id = "y"
party = "B"
phase = "p"
deadline = { after = "x", days = 10 }
[[action]]
id = "z"
party = "B"
phase = "p"
[[shock]]
id = "never-lapses"
on = { lapse = "z" }
pause = ["A"]
pause_days = 2
[[shock]]
id = "zero"
on = { done = "z" }
chance = 0
pause = ["A"]
pause_days = 2
[[shock]]
id = "x-done"
on = { done = "x" }
pause = ["A"]
pause_days = 2
[[shock]]
id = "fine"
on = { started = "z" }
chance = 0.5
pause = ["A"]
pause_days = 2
"#,
    );
    let w = warnings(&s);
    let got: Vec<(WarningKind, &str)> = w.iter().map(|w| (w.kind, w.subject.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (WarningKind::NeverStarts, "x"),
            (WarningKind::DeadlineNeverSet, "y"),
            (WarningKind::TriggerNeverFires, "never-lapses"),
            (WarningKind::TriggerNeverFires, "zero"),
            (WarningKind::TriggerNeverFires, "x-done"),
        ],
        "{w:#?}"
    );
    assert!(
        w[1].message
            .contains("counts from `x`, which can never be done")
    );
    assert!(w[2].message.contains("has no deadline to lapse"));
    assert!(w[3].message.contains("chance is 0"));
    assert_eq!(
        w[4].to_string(),
        "shock `x-done` never occurs: action `x` can never be done [trigger-never-fires]"
    );
}

#[test]
fn suspend_at_start_compares_with_the_counterparts_trust() {
    let s = compile(
        r#"
[[party]]
id = "C"
suspend_trust = 0.6
trust = { A = 0.7, B = 0.4 }
[[phase]]
id = "p"
[[action]]
id = "a"
party = "A"
phase = "p"
[[action]]
id = "c"
party = "C"
phase = "p"
requires = ["a"]
[[action]]
id = "c2"
party = "C"
phase = "p"
"#,
    );
    // c: counterpart A, trust 0.7 >= 0.6: fine. c2: all others, mean 0.55 < 0.6.
    let w = warnings(&s);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].kind, WarningKind::SuspendAtStart);
    assert_eq!(w[0].subject, "c2");
    assert!(
        w[0].message
            .contains("party `C` has suspend_trust 0.6, above its starting trust 0.55")
    );
    assert_eq!(WarningKind::SuspendAtStart.as_str(), "suspend-at-start");
}

#[test]
fn report_prints_the_03_fields() {
    let s = compile(
        r#"
[[party]]
id = "V"
observer = true
suspend_trust = 0.1
[[phase]]
id = "p"
[[action]]
id = "x"
party = ["A", "B"]
phase = "p"
compliance = { B = 0.8 }
relapse_every_days = 30
[[action]]
id = "y"
party = "B"
phase = "p"
deadline = { after = "x", days = 45 }
[[shock]]
id = "t"
on = { lapse = "y" }
chance = 0.25
pause = ["A"]
pause_days = 2
"#,
    );
    let r = report(&s, "t.toml");
    for want in [
        "suspend_trust (actions under way are suspended while trust in their counterparts is below): V 0.1",
        "observers (left out of walkout means and default counterparts, never walk out): V",
        "compliance  B 0.8 (party 0.5)",
        "relapse     a lapsed deadline lapses again every 30 days",
        "deadline  45 days after x is done",
        "trigger  on each lapse of y, chance 0.25",
    ] {
        assert!(r.contains(want), "{want:?} not in\n{r}");
    }
}
