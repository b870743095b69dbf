//! The history scenario, `scenarios/history-2007-2009.toml`: every action and shock cites its
//! source, every behavioural number is marked, and the structure that `docs/SOURCES.md`
//! section 3 describes is there (the DPRK's suspension threshold, the IAEA as an observer, the
//! relative deadline and relapses of the delisting, the triggered Council statement, the
//! donors' shares), read from the file as TOML; then that it compiles as a model-0.3 scenario
//! and that, at a fixed seed, its trials read like the record (docs/MODEL.md 2.11-2.15).

use crate::common::{repo, run_trials};
use negsim::engine::Outcome;
use toml::{Table, Value};

const TEXT: &str = include_str!("../../scenarios/history-2007-2009.toml");

/// The file as a TOML table (any TOML error fails the test with its message).
fn table() -> Table {
    TEXT.parse::<Table>()
        .unwrap_or_else(|e| panic!("history-2007-2009.toml is not valid TOML: {e}"))
}

/// The entries of an array of tables (`[[action]]`, `[[shock]]`, ...).
fn entries<'a>(t: &'a Table, key: &str) -> Vec<&'a Table> {
    t.get(key)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no [[{key}]]"))
        .iter()
        .map(|v| v.as_table().expect("a table"))
        .collect()
}

/// The entry of `key` whose `id` is `id`.
fn by_id<'a>(t: &'a Table, key: &str, id: &str) -> &'a Table {
    entries(t, key)
        .into_iter()
        .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
        .unwrap_or_else(|| panic!("no {key} `{id}`"))
}

fn str_of<'a>(t: &'a Table, key: &str) -> &'a str {
    t.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string `{key}` in {t:?}"))
}

fn num_of(t: &Table, key: &str) -> f64 {
    match t.get(key) {
        Some(Value::Float(x)) => *x,
        Some(Value::Integer(n)) => *n as f64,
        other => panic!("`{key}` is not a number: {other:?}"),
    }
}

fn list_of<'a>(t: &'a Table, key: &str) -> Vec<&'a str> {
    t.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn every_action_and_shock_is_preceded_by_a_dated_citation() {
    let lines: Vec<&str> = TEXT.lines().collect();
    let mut seen = 0;
    for (k, line) in lines.iter().enumerate() {
        let header = line.trim();
        if header != "[[action]]" && header != "[[shock]]" {
            continue;
        }
        seen += 1;
        let block: Vec<&str> = lines[..k]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with('#'))
            .copied()
            .collect();
        let id = lines.get(k + 1).copied().unwrap_or("");
        assert!(
            !block.is_empty(),
            "line {}: {header} ({id}) has no comment citing its source above it",
            k + 1
        );
        let text = block.join(" ");
        assert!(
            ["2007", "2008", "2009"].iter().any(|y| text.contains(y)),
            "line {}: the citation above {header} ({id}) gives no date of 2007-2009: {text}",
            k + 1
        );
    }
    assert_eq!(seen, 26, "22 actions and 4 shocks");
}

#[test]
fn every_behavioural_number_is_marked_as_an_assumption_or_the_record() {
    const BEHAVIOURAL: &[&str] = &[
        "compliance",
        "reciprocity",
        "initial_trust",
        "trust",
        "trust_gain",
        "trust_loss",
        "walkout_trust",
        "suspend_trust",
        "review_every_days",
        "duration",
        "rate_per_year",
        "chance",
        "trust_drop",
        "pause_days",
        "relapse_every_days",
        "lag_days",
    ];
    for (k, line) in TEXT.lines().enumerate() {
        let code = line.split('#').next().unwrap_or("").trim();
        let Some((key, _)) = code.split_once('=') else {
            continue;
        };
        if BEHAVIOURAL.contains(&key.trim()) {
            assert!(
                line.contains("# assumption:") || line.contains("# the record"),
                "line {}: `{}` is neither marked `# assumption:` nor `# the record`",
                k + 1,
                key.trim()
            );
        }
    }
}

#[test]
fn the_horizon_and_parties_are_those_of_the_record() {
    let t = table();
    let s = t["scenario"].as_table().expect("[scenario]");
    assert_eq!(str_of(s, "start"), "2007-10-03");
    assert_eq!(str_of(s, "horizon"), "2009-06-30");
    let ids: Vec<&str> = entries(&t, "party")
        .iter()
        .map(|p| str_of(p, "id"))
        .collect();
    assert_eq!(ids, ["CHN", "DPRK", "JPN", "ROK", "RUS", "US", "IAEA"]);
    // The IAEA is the only observer (docs/MODEL.md 2.14).
    for p in entries(&t, "party") {
        let observer = p.get("observer").and_then(Value::as_bool).unwrap_or(false);
        assert_eq!(observer, str_of(p, "id") == "IAEA", "{p:?}");
    }
    // The DPRK freezes and can walk out; its freeze threshold sits between its trust in the US
    // once the team is at work (0.45 + g * 0.55) and that trust after one lapse from there.
    let dprk = by_id(&t, "party", "DPRK");
    let s_dprk = num_of(dprk, "suspend_trust");
    let g = num_of(dprk, "trust_gain");
    let l = num_of(dprk, "trust_loss");
    let us = dprk["trust"].as_table().expect("DPRK trust table")["US"]
        .as_float()
        .expect("a number");
    let at_work = us + g * (1.0 - us);
    assert!(at_work > s_dprk, "disablement would freeze at once");
    assert!(
        at_work * (1.0 - l) < s_dprk,
        "one lapse would not freeze it"
    );
    assert!(num_of(dprk, "walkout_trust") > 0.0);
}

#[test]
fn disablement_waits_on_the_us_team_and_the_delisting_on_the_declaration() {
    let t = table();
    for id in [
        "disable-reprocessing",
        "disable-fuel-fabrication",
        "disable-reactor",
        "discharge-fuel-rods",
    ] {
        let a = by_id(&t, "action", id);
        assert_eq!(str_of(a, "party"), "DPRK");
        assert_eq!(list_of(a, "requires"), ["us-disablement-team"], "{id}");
        assert_eq!(str_of(a, "deadline"), "2007-12-31", "{id}");
    }
    let d = by_id(&t, "action", "us-delisting");
    let deadline = d["deadline"].as_table().expect("a relative deadline");
    assert_eq!(str_of(deadline, "after"), "provide-declaration");
    assert_eq!(num_of(deadline, "days"), 45.0);
    assert!(num_of(d, "relapse_every_days") > 0.0);
    assert_eq!(list_of(d, "requires"), ["provide-declaration"]);
    let p = by_id(&t, "action", "verification-protocol");
    assert_eq!(str_of(p, "deadline"), "2008-12-11");
    assert_eq!(
        list_of(by_id(&t, "action", "iaea-verification"), "requires"),
        ["verification-protocol"]
    );
    assert_eq!(
        str_of(by_id(&t, "action", "iaea-verification"), "party"),
        "IAEA"
    );
}

#[test]
fn the_council_statement_answers_the_overdue_protocol_after_the_launch() {
    let t = table();
    let s = by_id(&t, "shock", "unsc-presidential-statement");
    let on = s["on"].as_table().expect("a triggered shock");
    assert_eq!(str_of(on, "lapse"), "verification-protocol");
    let chance = num_of(s, "chance");
    assert!(chance > 0.0 && chance <= 1.0);
    let window: Vec<&str> = list_of(s, "window");
    assert_eq!(window[0], "2009-04-05", "opens on the day of the launch");
    assert_eq!(list_of(s, "from"), ["DPRK"]);
    assert_eq!(list_of(s, "toward"), ["CHN", "JPN", "ROK", "RUS", "US"]);
    assert!(s.get("rate_per_year").is_none());
    // Protocol deadline 11 December 2008 (day 435), first lapse day 436; the relapse inside the
    // window falls on 11 April 2009 (day 556), the day the text was agreed.
    let every = num_of(
        by_id(&t, "action", "verification-protocol"),
        "relapse_every_days",
    ) as u32;
    let in_window: Vec<u32> = (0..10)
        .map(|k| 436 + k * every)
        .filter(|&d| (550..=575).contains(&d))
        .collect();
    assert_eq!(in_window, [556]);
    let launch = by_id(&t, "shock", "rocket-launch");
    assert_eq!(list_of(launch, "window"), ["2009-04-04", "2009-04-08"]);
}

#[test]
fn the_donors_shares_are_those_they_shipped() {
    let t = table();
    let mut by_party = std::collections::BTreeMap::<&str, f64>::new();
    for a in entries(&t, "action") {
        if let Some(q) = a.get("quantity") {
            assert_eq!(str_of(a, "unit"), "t HFO");
            let q = q.as_integer().expect("whole tonnes") as f64;
            *by_party.entry(str_of(a, "party")).or_default() += q;
        }
    }
    let expect = [
        ("CHN", 200_000.0),
        ("JPN", 200_000.0),
        ("ROK", 200_000.0),
        ("RUS", 200_000.0),
        ("US", 200_000.0),
    ];
    assert_eq!(by_party.into_iter().collect::<Vec<_>>(), expect);
    // Japan's share waits on the abduction issue; the ROK's last 55,000 t on verification.
    assert_eq!(
        list_of(by_id(&t, "action", "jpn-aid"), "requires"),
        ["abduction-reinvestigation"]
    );
    assert!(
        list_of(by_id(&t, "action", "rok-aid-2"), "requires").contains(&"verification-protocol")
    );
}

#[test]
fn the_history_scenario_compiles_as_model_03() {
    let s = negsim::scenario::load(&repo("scenarios/history-2007-2009.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(s.uses_model_03());
    assert_eq!(s.parties.len(), 7);
    assert_eq!(s.phases.len(), 6);
    assert_eq!(s.actions.len(), 22);
    assert_eq!(s.shocks.len(), 4);
    assert_eq!(s.horizon, 636);
    let iaea = s.party_index("IAEA").expect("IAEA");
    assert!(s.parties[iaea].observer);
    let dprk = s.party_index("DPRK").expect("DPRK");
    assert!(s.parties[dprk].suspend_trust > 0.0);
    let delisting = &s.actions[s.action_index("us-delisting").expect("delisting")];
    assert_eq!(delisting.relapse_every, 45);
    let rel = delisting.relative_deadline.expect("a relative deadline");
    assert_eq!(
        rel.after,
        s.action_index("provide-declaration").expect("declaration")
    );
    assert!(!rel.started);
    assert_eq!(rel.days, 45);
    let statement = s
        .shocks
        .iter()
        .find(|x| x.id == "unsc-presidential-statement")
        .expect("statement");
    assert!(statement.trigger.is_some());
}

#[test]
fn a_typical_trial_reads_like_2007_2009() {
    let s = negsim::scenario::load(&repo("scenarios/history-2007-2009.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let n = 2000;
    let results = run_trials(&s, 1, n);
    let dprk = s.party_index("DPRK").expect("DPRK");
    let decl = s.action_index("provide-declaration").expect("declaration");
    let delisting = s.action_index("us-delisting").expect("delisting");
    let discharge = s.action_index("discharge-fuel-rods").expect("discharge");
    let share = |f: &dyn Fn(&negsim::engine::TrialResult) -> bool| {
        results.iter().filter(|r| f(r)).count() as f64 / n as f64
    };
    let near = |d: Option<u32>, day: u32| d.is_some_and(|d| d.abs_diff(day) <= 30);
    // Standard errors of these shares are about 0.01 at n = 2000: the bounds sit well clear.
    let walkout = share(&|r| {
        r.outcome == Outcome::Collapsed
            && r.collapsed_by == Some(dprk)
            && near(Some(r.end_day), 559)
    });
    assert!(
        walkout > 0.6,
        "DPRK walkout in April 2009 +- 30 days in {walkout:.3} of trials"
    );
    let declared = share(&|r| near(r.actions[decl].done_day, 267));
    assert!(
        declared > 0.7,
        "declaration in June 2008 +- 30 days in {declared:.3}"
    );
    let delisted = share(&|r| near(r.actions[delisting].done_day, 374));
    assert!(
        delisted > 0.5,
        "delisting in October 2008 +- 30 days in {delisted:.3}"
    );
    let lapsed = share(&|r| r.actions[delisting].lapses >= 1);
    assert!(lapsed > 0.9, "the delisting overdue in {lapsed:.3}");
    let frozen = share(&|r| r.actions[discharge].suspended_days > 0);
    assert!(frozen > 0.9, "the discharge frozen in {frozen:.3}");
}
