//! Tests of the plan's derived tables: rows, raised entries, the actions blocked until
//! another starts.

use super::*;
use crate::engine::trust::Trust;

fn scenario(text: &str) -> Scenario {
    crate::scenario::from_str(text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// The precomputed gain and loss lists change trust exactly as the rules of docs/MODEL.md
/// 2.5 written out in [`Trust`] do, for every action of the reference scenario.
#[test]
fn gains_and_losses_match_the_trust_rules() {
    let s = scenario(crate::scenario::DEFAULT_SCENARIO);
    let plan = Plan::new(&s);
    for (a, act) in s.actions.iter().enumerate() {
        let n = s.parties.len();
        let (mut rule, mut table) = (Trust::new(n), Trust::new(n));
        rule.reset(&s);
        table.reset(&s);
        rule.on_done(&s, act);
        table.gain(plan.gains.row(a));
        assert_eq!(rule.as_slice(), table.as_slice(), "gain of {}", act.id);
        rule.on_lapse(&s, act);
        table.lose(plan.losses.row(a));
        assert_eq!(rule.as_slice(), table.as_slice(), "loss of {}", act.id);
    }
}

/// Requirements (done or started) and phases that wait for a phase block, transitively;
/// `requires_at_least`, which other actions can meet, does not.
#[test]
fn blocked_actions_follow_requirements_and_phases() {
    let s = scenario(
        r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 100
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "one"
[[phase]]
id = "two"
after = ["one"]
[[action]]
id = "a"
party = "A"
phase = "one"
[[action]]
id = "b"
party = "B"
phase = "one"
requires = ["a@started"]
[[action]]
id = "c"
party = "A"
phase = "one"
requires = ["b"]
[[action]]
id = "d"
party = "B"
phase = "one"
requires_at_least = { n = 1, of = ["a", "c"] }
[[action]]
id = "e"
party = "A"
phase = "two"
"#,
    );
    let blocked = Plan::blocked_until_started(&s);
    let ids = |a: usize| -> Vec<&str> {
        blocked[a]
            .iter()
            .map(|&b| s.actions[b as usize].id.as_str())
            .collect()
    };
    assert_eq!(ids(0), ["b", "c", "e"]); // a: b needs it started, c needs b, e its phase
    assert_eq!(ids(1), ["c", "e"]);
    assert_eq!(ids(2), ["e"]);
    assert_eq!(ids(3), ["e"]); // d: only the next phase waits for it
    assert!(ids(4).is_empty());
}

/// Each offer's ceiling is at most the scenario-wide one and at least the starting trust.
#[test]
fn offer_ceilings_lie_between_start_and_global_ceiling() {
    let s = scenario(crate::scenario::DEFAULT_SCENARIO);
    let plan = Plan::new(&s);
    let n = s.parties.len();
    let global = Plan::trust_ceiling(&s);
    for slot in &plan.slots {
        let cps = plan.counterparts_of(slot);
        if cps.is_empty() {
            continue;
        }
        let mean = |t: &[f64]| cps.iter().map(|&e| t[e as usize]).sum::<f64>() / cps.len() as f64;
        let start = mean(&plan.initial_trust);
        assert!(slot.tau_max >= start, "{slot:?}");
        assert!(slot.tau_max <= mean(&global) * (1.0 + 1e-9), "{slot:?}");
        assert_eq!(
            cps.len(),
            s.actions[slot.action as usize].counterparts[slot.k as usize].len()
        );
        assert!(cps.iter().all(|&e| e as usize / n == slot.party as usize));
    }
}
