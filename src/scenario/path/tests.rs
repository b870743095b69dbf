//! Tests of field paths and overlays.

use super::*;

fn doc() -> Table {
    r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon = "2008-01-01"
[[party]]
id = "A"
compliance = 0.5
trust = { B = 0.2 }
[[party]]
id = "B"
[[action]]
id = "x"
party = "A"
phase = "p"
duration = { triangular = [1, 2, 3] }
"#
    .parse()
    .unwrap()
}

#[test]
fn set_and_get_fields() {
    let mut t = doc();
    let p = ParamPath::parse("party.A.compliance").unwrap();
    assert_eq!(get(&t, &p).unwrap(), Some(0.5));
    set(&mut t, &p, 0.9).unwrap();
    assert_eq!(get(&t, &p).unwrap(), Some(0.9));
    let p = ParamPath::parse("action.x.duration.triangular.mode").unwrap();
    set(&mut t, &p, 2.5).unwrap();
    assert_eq!(get(&t, &p).unwrap(), Some(2.5));
    let p = ParamPath::parse("party.B.trust.A").unwrap();
    set(&mut t, &p, 0.7).unwrap();
    assert_eq!(get(&t, &p).unwrap(), Some(0.7));
    let p = ParamPath::parse("scenario.horizon_days").unwrap();
    set(&mut t, &p, 30.0).unwrap();
    assert!(t["scenario"].get("horizon").is_none());
}

#[test]
fn bad_paths_name_the_fault_and_list_valid_ones() {
    let mut t = doc();
    let e = set(
        &mut t,
        &ParamPath::parse("party.C.compliance").unwrap(),
        0.1,
    )
    .unwrap_err();
    assert!(e.to_string().contains("no party `C`"), "{e}");
    assert!(e.to_string().contains("party.A.compliance"), "{e}");
    let e = set(
        &mut t,
        &ParamPath::parse("party.A.complience").unwrap(),
        0.1,
    )
    .unwrap_err();
    assert!(e.to_string().contains("not a numeric party field"), "{e}");
    let e = set(
        &mut t,
        &ParamPath::parse("action.x.duration.uniform.a").unwrap(),
        0.1,
    )
    .unwrap_err();
    assert!(e.to_string().contains("triangular duration"), "{e}");
    let e = set(
        &mut t,
        &ParamPath::parse("scenario.review_every_days").unwrap(),
        7.5,
    )
    .unwrap_err();
    assert!(e.to_string().contains("whole number"), "{e}");
}

#[test]
fn overlays_merge_by_id_and_add_new_ones() {
    let mut t = doc();
    let o: Table = r#"
[[party]]
id = "A"
trust = { B = 0.9 }
[[party]]
id = "C"
"#
    .parse()
    .unwrap();
    merge_overlay(&mut t, &o).unwrap();
    let parties = t["party"].as_array().unwrap();
    assert_eq!(parties.len(), 3);
    assert_eq!(parties[0]["compliance"].as_float(), Some(0.5));
    assert_eq!(parties[0]["trust"]["B"].as_float(), Some(0.9));
}

const DOC_03: &str = r#"
[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 400
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x"
party = ["A", "B"]
phase = "p"
compliance = 0.7
deadline = "2007-12-31"
[[action]]
id = "y"
party = "B"
phase = "p"
deadline = { after = "x", days = 45 }
[[shock]]
id = "t"
on = { lapse = "x" }
chance = 0.5
[[shock]]
id = "r"
rate_per_year = 1.0
window = ["2007-11-01", 300]
"#;

fn compiled(overrides: &[(&str, f64)]) -> crate::Result<crate::Scenario> {
    let doc = crate::scenario::Document::from_text("t.toml", DOC_03)?;
    let o: Vec<Override> = overrides
        .iter()
        .map(|(p, v)| Override {
            path: ParamPath::parse(p).unwrap(),
            value: *v,
        })
        .collect();
    doc.compile_with(&o)
}

fn p(s: &str) -> ParamPath {
    ParamPath::parse(s).unwrap()
}

#[test]
fn per_actor_willingness_paths() {
    let s = compiled(&[("action.x.compliance.B", 0.2)]).unwrap();
    // the number becomes a table of every actor: A keeps 0.7.
    assert_eq!(s.actions[0].compliance, vec![0.7, 0.2]);
    let s = compiled(&[("action.x.compliance", 0.1)]).unwrap();
    assert_eq!(s.actions[0].compliance, vec![0.1, 0.1]);
    let s = compiled(&[("action.x.reciprocity.A", 3.0)]).unwrap();
    assert_eq!(s.actions[0].reciprocity, vec![3.0, 1.0]);
    let s = compiled(&[("action.y.reciprocity", 0.5)]).unwrap();
    assert_eq!(s.actions[1].reciprocity, vec![0.5]);
    let t: Table = DOC_03.parse().unwrap();
    let e = get(&t, &p("action.y.compliance.A"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("`A` is not an actor of action `y`"), "{e}");
    assert!(!is_whole(&t, &p("action.x.compliance.A")));
}

#[test]
fn deadline_and_relapse_paths() {
    let s = compiled(&[("action.x.deadline", 30.0)]).unwrap();
    assert_eq!(s.actions[0].deadline, Some(30));
    let s = compiled(&[("action.y.deadline.days", 10.0)]).unwrap();
    assert_eq!(s.actions[1].relative_deadline.map(|r| r.days), Some(10));
    let e = compiled(&[("action.y.deadline", 3.0)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("use action.y.deadline.days"), "{e}");
    let e = compiled(&[("action.x.deadline.days", 3.0)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("has no relative deadline"), "{e}");
    let s = compiled(&[("action.x.relapse_every_days", 14.0)]).unwrap();
    assert_eq!(s.actions[0].relapse_every, 14);
    let s = compiled(&[("scenario.relapse_every_days", 21.0)]).unwrap();
    assert_eq!(s.actions[1].relapse_every, 21);
    let t: Table = DOC_03.parse().unwrap();
    for w in [
        "action.x.deadline",
        "action.y.deadline.days",
        "action.x.relapse_every_days",
        "scenario.relapse_every_days",
    ] {
        assert!(is_whole(&t, &p(w)), "{w}");
    }
    assert_eq!(get(&t, &p("action.y.deadline.days")).unwrap(), Some(45.0));
}

#[test]
fn suspend_trust_paths() {
    let s = compiled(&[("party.A.suspend_trust", 0.3)]).unwrap();
    assert_eq!(s.parties[0].suspend_trust, 0.3);
    assert_eq!(s.parties[1].suspend_trust, 0.0);
    let s = compiled(&[("defaults.suspend_trust", 0.2)]).unwrap();
    assert_eq!(s.parties[1].suspend_trust, 0.2);
}

#[test]
fn shock_chance_and_window_paths() {
    let s = compiled(&[("shock.t.chance", 0.25)]).unwrap();
    assert_eq!(s.shocks[0].trigger.map(|g| g.chance), Some(0.25));
    let e = compiled(&[("shock.r.chance", 0.25)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("chance is the field of a triggered shock"),
        "{e}"
    );
    let s = compiled(&[("shock.r.window.first", 90.0)]).unwrap();
    assert_eq!(
        (s.shocks[1].window_first, s.shocks[1].window_last),
        (90, 300)
    );
    // A shock without a window gets [0, horizon] first.
    let s = compiled(&[("shock.t.window.last", 200.0)]).unwrap();
    assert_eq!(
        (s.shocks[0].window_first, s.shocks[0].window_last),
        (0, 200)
    );
    let t: Table = DOC_03.parse().unwrap();
    assert!(is_whole(&t, &p("shock.r.window.first")));
    assert!(!is_whole(&t, &p("shock.t.chance")));
    assert_eq!(get(&t, &p("shock.r.window.last")).unwrap(), Some(300.0));
    let e = compiled(&[("shock.r.window.first", 1.5)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("whole number"), "{e}");
}

#[test]
fn all_paths_lists_the_03_paths() {
    let t: Table = DOC_03.parse().unwrap();
    let all = all_paths(&t);
    for w in [
        "scenario.relapse_every_days",
        "defaults.suspend_trust",
        "party.B.suspend_trust",
        "action.x.compliance",
        "action.x.compliance.B",
        "action.x.reciprocity.A",
        "action.x.deadline",
        "action.y.deadline.days",
        "action.x.relapse_every_days",
        "shock.t.chance",
        "shock.r.window.first",
        "shock.r.window.last",
    ] {
        assert!(all.iter().any(|a| a == w), "{w} missing from {all:?}");
    }
    assert!(!all.iter().any(|a| a == "shock.r.chance"));
    assert!(!all.iter().any(|a| a == "action.y.deadline"));
}
