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
