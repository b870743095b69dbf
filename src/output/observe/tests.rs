//! Every observable checked on trials whose values can be read off `trials.csv` and
//! `actions.csv` rows of the same seed, and on a result built by hand.

use super::*;
use crate::engine::{ActionRecord, Trial};
use crate::output::trials::{DateTable, push_row};
use crate::output::{Columns, actions, trials};
use crate::{rng, scenario};

fn default() -> Scenario {
    scenario::from_str(scenario::DEFAULT_SCENARIO, "second-phase-2007.toml").unwrap()
}

fn cell(o: &Observable, s: &Scenario, r: &TrialResult) -> String {
    let mut b = Vec::new();
    o.push_cell(s, o.eval(s, r), &mut b);
    String::from_utf8(b).unwrap()
}

fn obs(name: &str, s: &Scenario) -> Observable {
    Observable::parse(name, s).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The rows `trials.csv` and `actions.csv` write for one trial, as (header, cell) maps.
fn rows(s: &Scenario, r: &TrialResult, trial: u64) -> (Vec<(String, String)>, Vec<Vec<String>>) {
    let c = Columns::new(s, &[]);
    let mut t = trials::header(&c).into_bytes();
    push_row(&mut t, b"0,", trial, r, s, &DateTable::new(s), &[]);
    let mut rd = csv::Reader::from_reader(&t[..]);
    let head: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    let rec = rd.records().next().unwrap().unwrap();
    let trow = head.into_iter().zip(rec.iter().map(String::from)).collect();
    let mut a = actions::header(&c).into_bytes();
    actions::push_rows(&mut a, b"0,", trial, r, s);
    let arows = csv::Reader::from_reader(&a[..])
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (trow, arows)
}

/// Trials 0..n of seed 1 of the default scenario.
fn trials_of(s: &Scenario, n: u64) -> Vec<TrialResult> {
    let master = rng::master(1);
    let mut trial = Trial::new(s);
    (0..n)
        .map(|i| {
            let mut r = TrialResult::new(s);
            trial.run(&master, i, &mut r);
            r
        })
        .collect()
}

#[test]
fn every_name_parses_back_to_itself() {
    let s = default();
    let all = names(&s);
    assert_eq!(
        all.len(),
        4 + 7 * s.actions.len()
            + s.phases.len()
            + 2 * s.units.len()
            + s.parties.len() * (2 + s.units.len())
    );
    for n in all {
        let n = n.replace("YYYY-MM-DD", "2008-06-26");
        let o = obs(&n, &s);
        assert_eq!(o.name(&s), n);
        assert_eq!(Observable::parse(&o.name(&s), &s).unwrap(), o);
    }
}

#[test]
fn trials_csv_columns_are_the_observables_of_the_same_name() {
    // outcome, end_day, collapsed_by, actions_done, phase.<id>.done_day, quantity.<unit>,
    // party.<id>.delays: the cell push_cell writes is the cell trials.csv wrote.
    let s = default();
    let mut collapsed = 0;
    for (i, r) in trials_of(&s, 300).iter().enumerate() {
        let (trow, _) = rows(&s, r, i as u64);
        let mut checked = 0;
        for (head, value) in &trow {
            if ["point", "trial", "end_date"].contains(&head.as_str()) {
                continue;
            }
            assert_eq!(&cell(&obs(head, &s), &s, r), value, "trial {i}, {head}");
            checked += 1;
        }
        assert_eq!(
            checked,
            4 + s.phases.len() + s.units.len() + s.parties.len()
        );
        collapsed += usize::from(r.outcome == Outcome::Collapsed);
    }
    assert!(collapsed > 0, "the sample should hold collapsed trials");
}

#[test]
fn action_observables_are_the_actions_csv_cells() {
    let s = default();
    let fields = [
        (ActionField::DueDay, 3),
        (ActionField::StartedDay, 4),
        (ActionField::DoneDay, 5),
        (ActionField::Delays, 6),
        (ActionField::Late, 7),
        (ActionField::SuspendedDays, 8),
        (ActionField::Lapses, 9),
    ];
    let mut late = 0;
    for (i, r) in trials_of(&s, 100).iter().enumerate() {
        let (_, arows) = rows(&s, r, i as u64);
        assert_eq!(arows.len(), s.actions.len());
        for row in &arows {
            for (f, col) in fields {
                let name = format!("action.{}.{}", row[2], f.as_str());
                assert_eq!(cell(&obs(&name, &s), &s, r), row[col], "trial {i}, {name}");
                late += usize::from(f == ActionField::Late && row[col] == "true");
            }
        }
    }
    assert!(late > 0, "the sample should hold late actions");
}

#[test]
fn sums_over_actions_and_walkouts_match_the_actions_csv_rows() {
    let s = default();
    let unit = &s.units[0];
    let start = s.start;
    let dates = [
        "2007-10-03",
        "2008-01-15",
        "2008-06-26",
        "2008-12-31",
        "2010-01-01",
    ];
    let mut walkouts = 0;
    for (i, r) in trials_of(&s, 200).iter().enumerate() {
        let (trow, arows) = rows(&s, r, i as u64);
        let get = |h: &str| trow.iter().find(|(k, _)| k == h).unwrap().1.clone();
        // quantity.<unit>@<date>: the rows done on or before the date, by hand.
        for date in dates {
            let by = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
            let by = (by - start).num_days();
            let mut want = 0.0;
            for (a, row) in arows.iter().enumerate() {
                if let (Some((_, q)), Ok(done)) = (s.actions[a].quantity, row[5].parse::<i64>())
                    && done <= by
                {
                    want += q;
                }
            }
            let o = obs(&format!("quantity.{unit}@{date}"), &s);
            assert_eq!(o.eval(&s, r), Value::Number(want), "trial {i} {date}");
        }
        // At or after the end it is the quantity at the end.
        let o = obs(&format!("quantity.{unit}@2008-12-31"), &s);
        assert_eq!(cell(&o, &s, r), get(&format!("quantity.{unit}")));
        // party.<id>.quantity.<unit>: rows of actions it is an actor of.
        let mut sum = 0.0;
        for (p, party) in s.parties.iter().enumerate() {
            let mut want = 0.0;
            for (a, row) in arows.iter().enumerate() {
                if s.actions[a].actors.contains(&p)
                    && !row[5].is_empty()
                    && let Some((_, q)) = s.actions[a].quantity
                {
                    want += q;
                }
            }
            let o = obs(&format!("party.{}.quantity.{unit}", party.id), &s);
            assert_eq!(o.eval(&s, r), Value::Number(want), "trial {i} {}", party.id);
            sum += want;
            // walkout_day: end_day for the party in collapsed_by, empty for the others.
            let w = cell(&obs(&format!("party.{}.walkout_day", party.id), &s), &s, r);
            if get("collapsed_by") == party.id {
                assert_eq!(w, get("end_day"));
                walkouts += 1;
            } else {
                assert_eq!(w, "");
            }
        }
        // Single-actor deliveries: the parties' sums add up to the total.
        assert_eq!(sum.to_string(), get(&format!("quantity.{unit}")));
    }
    assert!(walkouts > 0);
}

/// A result built by hand on the default scenario: each value below is set, then read back.
#[test]
fn a_hand_built_trial() {
    let s = default();
    let mut r = TrialResult::new(&s);
    let a = |id: &str| s.action_index(id).unwrap();
    let dprk = s.party_index("DPRK").unwrap();
    r.outcome = Outcome::Collapsed;
    r.end_day = 300;
    r.collapsed_by = Some(dprk);
    r.actions_done = 2;
    r.phase_done[0] = Some(120);
    r.quantity[0] = 180_000.0;
    r.party_delays[dprk] = 17;
    r.actions[a("chn-hfo-1")] = ActionRecord {
        due_day: Some(10),
        started_day: Some(40),
        done_day: Some(100),
        delays: 3,
        deadline: Some(90),
        lapses: 2,
        suspended_days: 5,
    };
    r.actions[a("rok-hfo-1")].done_day = Some(200);
    let v = |n: &str| obs(n, &s).eval(&s, &r);
    assert_eq!(v("outcome"), Value::Word(1));
    assert_eq!(v("end_day"), Value::Number(300.0));
    assert_eq!(v("collapsed_by"), Value::Word(dprk));
    assert_eq!(v("actions_done"), Value::Number(2.0));
    assert_eq!(v("action.chn-hfo-1.due_day"), Value::Number(10.0));
    assert_eq!(v("action.chn-hfo-1.started_day"), Value::Number(40.0));
    assert_eq!(v("action.chn-hfo-1.done_day"), Value::Number(100.0));
    assert_eq!(v("action.chn-hfo-1.delays"), Value::Number(3.0));
    assert_eq!(v("action.chn-hfo-1.lapses"), Value::Number(2.0));
    assert_eq!(v("action.chn-hfo-1.suspended_days"), Value::Number(5.0));
    assert_eq!(v("action.chn-hfo-1.late"), Value::Flag(true)); // done 100 > deadline 90
    assert_eq!(v("action.us-hfo-1.done_day"), Value::Missing);
    assert_eq!(v("action.us-hfo-1.late"), Value::Flag(false)); // no deadline
    let first = &s.phases[0].id;
    assert_eq!(v(&format!("phase.{first}.done_day")), Value::Number(120.0));
    assert_eq!(
        v(&format!("phase.{}.done_day", s.phases[1].id)),
        Value::Missing
    );
    // Day 0 is 2007-10-03: day 100 is 2008-01-11, day 200 is 2008-04-20.
    assert_eq!(v("quantity.t HFO"), Value::Number(180_000.0));
    assert_eq!(v("quantity.t HFO@2008-01-10"), Value::Number(0.0));
    assert_eq!(v("quantity.t HFO@2008-01-11"), Value::Number(90_000.0));
    assert_eq!(v("quantity.t HFO@2008-04-19"), Value::Number(90_000.0));
    assert_eq!(v("quantity.t HFO@2008-04-20"), Value::Number(180_000.0));
    assert_eq!(v("party.CHN.quantity.t HFO"), Value::Number(90_000.0));
    assert_eq!(v("party.ROK.quantity.t HFO"), Value::Number(90_000.0));
    assert_eq!(v("party.US.quantity.t HFO"), Value::Number(0.0));
    assert_eq!(v("party.DPRK.delays"), Value::Number(17.0));
    assert_eq!(v("party.US.delays"), Value::Number(0.0));
    assert_eq!(v("party.DPRK.walkout_day"), Value::Number(300.0));
    assert_eq!(v("party.US.walkout_day"), Value::Missing);
    // Cells: words, flags, empty for missing, whole numbers bare.
    let c = |n: &str| cell(&obs(n, &s), &s, &r);
    assert_eq!(c("outcome"), "collapsed");
    assert_eq!(c("collapsed_by"), "DPRK");
    assert_eq!(c("action.chn-hfo-1.late"), "true");
    assert_eq!(c("action.us-hfo-1.done_day"), "");
    assert_eq!(c("quantity.t HFO@2008-04-20"), "180000");
    // Without per-action records (a row read back from trials.csv), what needs them is missing.
    r.actions.clear();
    let v = |n: &str| obs(n, &s).eval(&s, &r);
    assert_eq!(v("action.chn-hfo-1.done_day"), Value::Missing);
    assert_eq!(v("action.chn-hfo-1.late"), Value::Missing);
    assert_eq!(v("quantity.t HFO@2008-04-20"), Value::Missing);
    assert_eq!(v("party.CHN.quantity.t HFO"), Value::Missing);
    assert_eq!(v("quantity.t HFO"), Value::Number(180_000.0));
}

#[test]
fn kinds_words_and_missing() {
    let s = default();
    assert_eq!(obs("outcome", &s).kind(), Kind::Word);
    assert_eq!(obs("collapsed_by", &s).kind(), Kind::Word);
    assert_eq!(obs("action.us-delisting.late", &s).kind(), Kind::Flag);
    assert_eq!(obs("party.DPRK.walkout_day", &s).kind(), Kind::Number);
    assert_eq!(
        obs("outcome", &s).words(&s),
        ["completed", "collapsed", "stalled"]
    );
    assert_eq!(
        obs("collapsed_by", &s).words(&s),
        ["CHN", "DPRK", "JPN", "ROK", "RUS", "US"]
    );
    assert!(obs("end_day", &s).words(&s).is_empty());
    assert!(obs("party.DPRK.walkout_day", &s).may_be_missing());
    assert!(!obs("quantity.t HFO", &s).may_be_missing());
    assert!(obs("action.us-delisting.done_day", &s).is_day());
    assert!(!obs("action.us-delisting.delays", &s).is_day());
}

#[test]
fn parse_rejects_unknown_names_ids_and_dates_listing_the_valid_ones() {
    let s = default();
    let err = |n: &str| Observable::parse(n, &s).unwrap_err();
    for (name, why) in [
        ("end_days", "not a name or pattern"),
        ("action.no-such.done_day", "no action `no-such`"),
        ("action.us-delisting.finished", "no field `finished`"),
        ("action.us-delisting", "write action.<id>.<field>"),
        ("phase.nope.done_day", "no phase `nope`"),
        ("phase.disablement.start_day", "no field `start_day`"),
        ("quantity.tonnes", "no unit `tonnes`"),
        ("party.NK.delays", "no party `NK`"),
        ("party.DPRK.walkout", "no field `walkout`"),
        ("party.DPRK.quantity.tonnes", "no field `quantity.tonnes`"),
    ] {
        let e = err(name);
        assert_eq!(e.exit_code(), 2);
        let m = e.to_string();
        assert!(
            m.contains(&format!("`{name}`")) && m.contains(why),
            "{name}: {m}"
        );
        // The valid names, compactly, with this scenario's ids.
        for part in [
            "outcome, end_day, collapsed_by, actions_done",
            "action.<id>.{due_day, started_day, done_day, delays, lapses, suspended_days, late}",
            "us-delisting",
            "phase.<id>.done_day with <id> one of disablement",
            "quantity.<unit>@YYYY-MM-DD with <unit> one of `t HFO`",
            "party.<id>.{delays, walkout_day, quantity.<unit>} with <id> one of CHN, DPRK",
        ] {
            assert!(m.contains(part), "{name}: {m} lacks {part}");
        }
    }
    let m = err("quantity.t HFO@2008-13-01").to_string();
    assert!(
        m.contains("`2008-13-01` is not a date") && m.contains("YYYY-MM-DD"),
        "{m}"
    );
    let m = err("quantity.t HFO@2007-10-02").to_string();
    assert!(m.contains("before the scenario's start, 2007-10-03"), "{m}");
    assert_eq!(
        obs("quantity.t HFO@2007-10-03", &s),
        Observable::QuantityBy { unit: 0, day: 0 }
    );
}

#[test]
fn recorded_values() {
    let s = default();
    let pv = |n: &str, t: &str| obs(n, &s).parse_value(&s, t);
    let done = "action.us-delisting.done_day";
    assert_eq!(pv(done, "never").unwrap(), Value::Missing);
    assert_eq!(pv(done, "2007-10-03").unwrap(), Value::Number(0.0));
    assert_eq!(pv(done, " 2008-06-26 ").unwrap(), Value::Number(267.0));
    assert_eq!(pv(done, "267").unwrap(), Value::Number(267.0));
    assert_eq!(pv("outcome", "stalled").unwrap(), Value::Word(2));
    assert_eq!(pv("collapsed_by", "DPRK").unwrap(), Value::Word(1));
    assert_eq!(pv("collapsed_by", "never").unwrap(), Value::Missing);
    assert_eq!(
        pv("action.us-delisting.late", "true").unwrap(),
        Value::Flag(true)
    );
    assert_eq!(
        pv("quantity.t HFO", "450000").unwrap(),
        Value::Number(450_000.0)
    );
    assert_eq!(pv("quantity.t HFO", "0.5").unwrap(), Value::Number(0.5));
    assert_eq!(pv("party.DPRK.delays", "4").unwrap(), Value::Number(4.0));
    for (n, t, why) in [
        (done, "2007-10-01", "before the start, 2007-10-03"),
        (done, "-1", "a whole day number from 0, or `never`"),
        (done, "2.5", "a whole day number"),
        (done, "soon", "write a date YYYY-MM-DD"),
        ("end_day", "never", "always has a value"),
        ("quantity.t HFO", "never", "always has a value"),
        ("quantity.t HFO", "inf", "a finite number"),
        ("quantity.t HFO", "NaN", "a finite number"),
        ("party.DPRK.delays", "1.5", "a whole number from 0"),
        ("outcome", "won", "one of completed, collapsed, stalled"),
        (
            "collapsed_by",
            "NK",
            "one of CHN, DPRK, JPN, ROK, RUS, US, or `never`",
        ),
        ("action.us-delisting.late", "yes", "true or false"),
    ] {
        let e = pv(n, t).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let m = e.to_string();
        assert!(m.contains(n) && m.contains(why), "{n}={t}: {m}");
    }
}

#[test]
fn push_cell_formats_as_the_csv_files_do() {
    let s = default();
    let q = obs("quantity.t HFO", &s);
    let mut b = Vec::new();
    q.push_cell(&s, Value::Number(90_000.0), &mut b);
    b.push(b',');
    q.push_cell(&s, Value::Number(0.25), &mut b);
    b.push(b',');
    q.push_cell(&s, Value::Missing, &mut b);
    b.push(b',');
    obs("outcome", &s).push_cell(&s, Value::Word(7), &mut b);
    assert_eq!(String::from_utf8(b).unwrap(), "90000,0.25,,");
}
