//! `negsim check`, `negsim trace` and `negsim graph`, run as a user runs them.
//!
//! The trace tests prove the promise of docs/MODEL.md 2.10 and the engine's observer: the trial `negsim trace` prints is
//! the very trial `negsim run` wrote, row for row, for hundreds of trials, including trials
//! that collapse after a shock.

use crate::common::{negsim, repo, scenario};
use std::collections::BTreeMap;
use std::path::Path;

const DEFAULT: &str = include_str!("../../scenarios/second-phase-2007.toml");

/// A small scenario whose 200 trials (seed 3) end in all three ways: a walkout after
/// shocks, completion, and the horizon.
const SMALL: &str = r#"
[scenario]
name = "small-shocks"
start = "2008-01-01"
horizon_days = 120
review_every_days = 7

[[party]]
id = "A"
compliance = 0.6
trust_loss = 0.3
[[party]]
id = "B"
compliance = 0.5
walkout_trust = 0.33
review_every_days = 5
[[party]]
id = "C"
compliance = 0.7
reciprocity = 0.5

[[phase]]
id = "first"
[[phase]]
id = "second"
after = ["first"]
lag_days = 10

[[action]]
id = "a1"
party = "A"
phase = "first"
deadline = "2008-02-01"
duration = { uniform = [5, 30] }
[[action]]
id = "b1"
party = "B"
phase = "first"
requires = ["a1@started"]
deadline = "2008-02-15"
duration = { exponential = { mean = 20 } }
[[action]]
id = "c1"
party = "C"
phase = "first"
quantity = 100
unit = "t HFO"
[[action]]
id = "joint"
party = ["A", "B", "C"]
phase = "second"
requires_at_least = { n = 2, of = ["a1", "b1", "c1"] }
deadline = "2008-05-01"
duration = { triangular = [1, 3, 9] }

[[shock]]
id = "spat"
rate_per_year = 3
from = ["B"]
toward = ["A", "C"]
trust_drop = 0.25
pause = ["B"]
pause_days = 20
"#;

/// Everything suspicious at once: each warning of `negsim check` once.
const SUSPICIOUS: &str = r#"
[scenario]
name = "suspicious"
start = "2007-10-03"
horizon_days = 200

[[party]]
id = "A"
[[party]]
id = "B"
[[party]]
id = "Z"
compliance = 0
[[party]]
id = "W"
initial_trust = 0.2
walkout_trust = 0.3

[[phase]]
id = "p"
[[phase]]
id = "late"
start = "2007-12-01"

[[action]]
id = "stuck"
party = ["A", "Z"]
phase = "p"
[[action]]
id = "after-stuck"
party = "B"
phase = "p"
requires = ["stuck"]
[[action]]
id = "too-early"
party = "A"
phase = "late"
deadline = "2007-11-01"
quantity = 10
unit = "t HFO"
[[action]]
id = "other-unit"
party = "B"
phase = "p"
quantity = 5
unit = "t  hfo"

[[shock]]
id = "never"
rate_per_year = 0
from = ["A"]
toward = ["B"]
trust_drop = 0.5
[[shock]]
id = "outside"
rate_per_year = 4
from = ["A"]
toward = ["B"]
trust_drop = 0.5
window = ["2010-01-01", "2010-12-31"]
"#;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// `(outcome, end_day)` per trial, from a run's trials.csv.
fn trials_csv(path: &Path) -> Vec<(String, u32)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (trial, outcome, end) = (col("trial"), col("outcome"), col("end_day"));
    r.records()
        .enumerate()
        .map(|(k, rec)| {
            let rec = rec.unwrap();
            assert_eq!(rec[trial].parse::<usize>().unwrap(), k);
            (rec[outcome].to_string(), rec[end].parse().unwrap())
        })
        .collect()
}

/// The closing row of `negsim trace --format csv`: `(outcome, day)`.
fn trace_end(args: &[&str]) -> (String, u32) {
    let out = negsim()
        .arg("trace")
        .args(args)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let last = r.records().last().unwrap().unwrap();
    assert_eq!(&last[col("event")], "end");
    (
        last[col("outcome")].to_string(),
        last[col("day")].parse().unwrap(),
    )
}

/// Run `n` trials with `seed`, then trace each one and compare its ending with the row.
fn assert_trace_matches_run(scenario_file: Option<&Path>, seed: u64, n: u64) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let mut cmd = negsim();
    cmd.arg("run");
    if let Some(f) = scenario_file {
        cmd.arg(f);
    }
    cmd.args(["--trials", &n.to_string(), "--seed", &seed.to_string()])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let rows = trials_csv(&out.join("trials.csv"));
    assert_eq!(rows.len() as u64, n);
    for (k, (outcome, end_day)) in rows.iter().enumerate() {
        let k = k.to_string();
        let seed = seed.to_string();
        let mut args = vec!["--trial", &k, "--seed", &seed];
        let file;
        if let Some(f) = scenario_file {
            file = f.display().to_string();
            args.insert(0, &file);
        }
        let (t_outcome, t_day) = trace_end(&args);
        assert_eq!(
            (&t_outcome, t_day),
            (outcome, *end_day),
            "trial {k}: trace ends {t_outcome} on day {t_day}, trials.csv says {outcome} on day {end_day}"
        );
    }
    rows.into_iter().map(|(o, _)| o).collect()
}

#[test]
fn trace_replays_the_run_for_200_trials_of_the_default_scenario() {
    let outcomes = assert_trace_matches_run(None, 1, 200);
    assert!(outcomes.iter().any(|o| o == "completed"));
    assert!(outcomes.iter().any(|o| o == "stalled"));
}

#[test]
fn trace_replays_the_run_for_200_trials_with_shocks_and_walkouts() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "small.toml", SMALL);
    let outcomes = assert_trace_matches_run(Some(&file), 3, 200);
    // The comparison means something only if every ending occurs.
    for o in ["completed", "collapsed", "stalled"] {
        assert!(outcomes.iter().any(|x| x == o), "no {o} trial");
    }
}

#[test]
fn trace_with_set_replays_that_sweep_point() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    negsim()
        .args(["run", "--trials", "25", "--seed", "5"])
        .args(["--vary", "party.DPRK.compliance=0.2,0.9"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("trials.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (p, trial, outcome, end) = (
        col("party.DPRK.compliance"),
        col("trial"),
        col("outcome"),
        col("end_day"),
    );
    let mut checked = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let set = format!("party.DPRK.compliance={}", &rec[p]);
        let got = trace_end(&["--trial", &rec[trial], "--seed", "5", "--set", &set]);
        assert_eq!(
            got,
            (rec[outcome].to_string(), rec[end].parse().unwrap()),
            "{set} trial {}",
            &rec[trial]
        );
        checked += 1;
    }
    assert_eq!(checked, 50);
}

#[test]
fn trace_text_is_a_dated_timeline_with_grouped_delays_and_the_outcome() {
    let out = negsim().args(["trace", "--trial", "0"]).output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("trial 0 of scenarios/second-phase-2007.toml (seed 1)"));
    // Every event line starts with its date and day.
    for l in &lines[1..] {
        let (date, rest) = l.split_at(10);
        assert!(
            chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
            "{l}"
        );
        assert!(rest.trim_start().starts_with("day "), "{l}");
    }
    // One grouped line per (party, action) delayed several times, with both dates.
    let grouped = lines.iter().any(|l| {
        let Some(i) = l.find(" delayed ") else {
            return false;
        };
        let tail = &l[i..];
        tail.contains(" reviews, 20") && tail.contains(" to 20")
    });
    assert!(grouped, "no grouped delay line in:\n{text}");
    // No party delays the same action on two lines (delays are grouped, not one per review).
    let mut seen = BTreeMap::new();
    for l in lines.iter().filter(|l| l.contains(" delayed ")) {
        let words: Vec<&str> = l.split_whitespace().collect();
        let key = (words[3].to_string(), words[5].to_string());
        *seen.entry(key).or_insert(0) += 1;
    }
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    assert!(text.contains("consents to"));
    assert!(text.contains("chance to act"));
    assert!(text.contains("starts, takes"));
    assert!(text.contains("phase disablement starts"));
    let last = lines.last().unwrap();
    assert!(last.contains("outcome: "), "{last}");
    // Trial 0 of seed 1, as trials.csv has it.
    let s = scenario(DEFAULT);
    let r = &crate::common::run_trials(&s, 1, 1)[0];
    assert!(
        last.contains(&format!("outcome: {} ", r.outcome.as_str())),
        "{last}"
    );
    assert!(last.contains(&format!("(day {})", r.end_day)), "{last}");
}

#[test]
fn trace_reports_lapses_with_trust_lost_shocks_and_the_walkout() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("run");
    negsim()
        .arg("run")
        .arg(&file)
        .args(["--trials", "200", "--seed", "3", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = trials_csv(&out.join("trials.csv"));
    let trace = |k: usize| {
        stdout(
            &negsim()
                .arg("trace")
                .arg(&file)
                .args(["--trial", &k.to_string(), "--seed", "3"])
                .output()
                .unwrap(),
        )
    };
    // Every collapsed trial ends with the walkout; find one a shock brought about.
    let collapsed: Vec<String> = rows
        .iter()
        .enumerate()
        .filter(|(_, (o, _))| o == "collapsed")
        .map(|(k, _)| trace(k))
        .collect();
    assert!(!collapsed.is_empty());
    for text in &collapsed {
        assert!(
            text.lines()
                .any(|l| l.contains("B walks out: its mean trust 0.")
                    && l.contains("below its walkout_trust 0.33")),
            "{text}"
        );
        let last = text.lines().last().unwrap();
        assert!(
            last.contains("outcome: collapsed on ") && last.contains("B walked out"),
            "{last}"
        );
    }
    assert!(
        collapsed.iter().any(|text| text
            .contains("shock spat; trust of B in A, C drops by 25%; B skips reviews until ")),
        "no collapsed trial shows the shock"
    );
    // A lapse says how much mean trust each other party lost.
    let lapse = (0..200)
        .map(|k| {
            stdout(
                &negsim()
                    .arg("trace")
                    .arg(&file)
                    .args(["--trial", &k.to_string(), "--seed", "3"])
                    .output()
                    .unwrap(),
            )
        })
        .find_map(|t| {
            t.lines()
                .find(|l| l.contains("deadline") && l.contains(" lapsed"))
                .map(str::to_string)
        })
        .expect("some trial has a lapse");
    assert!(lapse.contains("mean trust change: "), "{lapse}");
    assert!(lapse.contains(" -0."), "{lapse}");
}

#[test]
fn trace_csv_has_stable_columns_and_trust_rows() {
    let out = negsim()
        .args(["trace", "--trial", "0", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert_eq!(
        text.lines().next().unwrap(),
        "day,date,event,party,action,phase,shock,count,value,first_day,last_day,outcome,detail"
    );
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let events: Vec<String> = r.records().map(|x| x.unwrap()[2].to_string()).collect();
    for e in [
        "phase_started",
        "due",
        "consented",
        "started",
        "done",
        "end",
    ] {
        assert!(events.iter().any(|x| x == e), "no {e} row");
    }
    assert_eq!(events.iter().filter(|x| *x == "end").count(), 1);
}

#[test]
fn trace_rejects_a_bad_path_with_exit_2() {
    negsim()
        .args([
            "trace",
            "--trial",
            "0",
            "--set",
            "party.NOBODY.compliance=0.5",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with("error: "));
    negsim().args(["trace"]).assert().code(2); // --trial is required
}

#[test]
fn check_lists_every_party_phase_and_action_of_the_default() {
    let out = negsim().arg("check").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    let s = scenario(DEFAULT);
    assert!(text.starts_with(&s.title));
    assert!(text.contains("start    2007-10-03 (day 0)"));
    assert!(text.contains("horizon  2008-12-31 (day 455)"));
    for p in &s.parties {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{} ", p.id))
                    && l.contains(&p.compliance.to_string())
                    && l.ends_with(&p.name)),
            "party {} missing",
            p.id
        );
    }
    for a in &s.actions {
        assert!(
            text.contains(&format!("action {}: {}", a.id, a.name)),
            "action {}",
            a.id
        );
    }
    // Phases in order of earliest start: the ministerial phase waits for two others.
    let pos = |id: &str| text.find(&format!("phase {id}:")).unwrap();
    assert!(pos("disablement") < pos("ministerial"));
    assert!(pos("assistance") < pos("ministerial"));
    assert!(text.contains("earliest start day 80 (2007-12-22)"));
    assert!(text.contains("requires  @started: provide-declaration"));
    assert!(text.contains(
        "at least 2 of 3 done: disable-reactor, disable-reprocessing, disable-fuel-fabrication"
    ));
    assert!(text.contains("duration  triangular 45/90/240"));
    assert!(text.contains("t HFO  900,000  over 9 actions"));
    assert!(text.contains("shock verification-dispute"));
    assert!(text.trim_end().ends_with("Warnings: none"));
}

#[test]
fn check_warns_about_each_suspicious_thing_and_still_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "suspicious.toml", SUSPICIOUS);
    let out = negsim().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let warnings: Vec<&str> = text.lines().filter(|l| l.contains("warning: ")).collect();
    let expect = [
        (
            "never-starts",
            "action `stuck` can never start: its actor `Z` has compliance 0",
        ),
        ("never-starts", "so neither can `after-stuck`"),
        (
            "deadline-too-early",
            "action `too-early`: its deadline 2007-11-01 (day 29) is before its phase `late` could start",
        ),
        ("shock-never-fires", "shock `never` has rate_per_year = 0"),
        (
            "shock-never-fires",
            "shock `outside` never occurs: its window lies outside",
        ),
        (
            "unit-lookalike",
            "units \"t HFO\" (`too-early`) and \"t  hfo\" (`other-unit`) differ only by case or spacing",
        ),
        (
            "walkout-at-start",
            "party `W`: its initial mean trust 0.2 is below its walkout_trust 0.3",
        ),
    ];
    for (kind, what) in expect {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(what) && w.ends_with(&format!("[{kind}]"))),
            "missing {kind}: {what}\n{text}"
        );
    }
    assert_eq!(warnings.len(), 6, "{warnings:#?}");
    assert!(text.contains("Warnings (6)"));
    // The earliest days agree with the warnings: `stuck` is due but never starts, and what
    // waits for it is never due (the structural best case alone said it was).
    let earliest = |id: &str| {
        let from = text.find(&format!("action {id}:")).unwrap();
        text[from..]
            .lines()
            .find(|l| l.trim_start().starts_with("earliest"))
            .unwrap()
            .to_string()
    };
    assert!(
        earliest("stuck").contains("never started (an actor has compliance 0)"),
        "{}",
        earliest("stuck")
    );
    assert!(
        earliest("after-stuck").contains("never due (it waits for an action that can never start)"),
        "{}",
        earliest("after-stuck")
    );
}

#[test]
fn check_set_and_with_change_what_is_checked() {
    let out = negsim()
        .args(["check", "--set", "party.DPRK.compliance=0"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("with party.DPRK.compliance=0"));
    assert!(text.contains(
        "warning: action `disable-reactor` can never start: its actor `DPRK` has compliance 0"
    ));
    assert!(text.contains("`hod-meeting`, `ministerial-meeting` (they wait for it)"));

    let dir = tempfile::tempdir().unwrap();
    let overlay = write(
        dir.path(),
        "what-if.toml",
        "[[party]]\nid = \"DPRK\"\nwalkout_trust = 0.5\n",
    );
    let out = negsim()
        .arg("check")
        .arg("--with")
        .arg(&overlay)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stdout(&out)
            .contains("party `DPRK`: its initial mean trust 0.48 is below its walkout_trust 0.5")
    );
}

#[test]
fn check_errors_exit_2_with_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let bad = SMALL.replace("party = \"C\"", "party = \"D\"");
    let file = write(dir.path(), "bad.toml", &bad);
    negsim()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("bad.toml:"))
        .stderr(predicates::str::contains(
            "names party `D`, which is not declared",
        ));
    negsim()
        .arg("check")
        .arg(dir.path().join("missing.toml"))
        .assert()
        // A misspelt scenario path is bad input (issue 11): exit 2.
        .code(2)
        .stderr(predicates::str::starts_with("error: "));
}

#[test]
fn graph_has_a_cluster_per_phase_dashed_started_links_and_at_least_nodes() {
    let out = negsim().arg("graph").output().unwrap();
    assert!(out.status.success());
    let dot = stdout(&out);
    let s = scenario(DEFAULT);
    assert!(dot.starts_with("digraph \"second-phase-2007\" {"));
    assert!(dot.trim_end().ends_with('}'));
    for (p, ph) in s.phases.iter().enumerate() {
        let open = format!("subgraph \"cluster_phase_{p}\" {{");
        assert_eq!(dot.matches(&open).count(), 1, "{open}");
        // The cluster is labelled with the phase name and holds its actions.
        let body = &dot[dot.find(&open).unwrap()..];
        let body = &body[..body.find("\n  }").unwrap()];
        assert!(body.contains(&ph.name), "{}", ph.id);
        for &k in &ph.actions {
            assert!(body.contains(&format!("\"action:{}\" [", s.actions[k].id)));
        }
    }
    // us-twea requires the three disablements @started: three dashed edges into it.
    for from in [
        "disable-reactor",
        "disable-reprocessing",
        "disable-fuel-fabrication",
    ] {
        assert!(dot.contains(&format!(
            "\"action:{from}\" -> \"action:us-twea\" [style=dashed"
        )));
    }
    // A solid "done" link.
    assert!(dot.contains("\"action:hod-meeting\" -> \"action:ministerial-meeting\";"));
    // us-delisting: at least 2 of 3, a diamond fed by the three and feeding the action.
    assert!(dot.contains("\"at-least:us-delisting\" [shape=diamond"));
    assert!(dot.contains("label=\"≥ 2 of 3\""));
    for from in [
        "disable-reactor",
        "disable-reprocessing",
        "disable-fuel-fabrication",
    ] {
        assert!(dot.contains(&format!("\"action:{from}\" -> \"at-least:us-delisting\";")));
    }
    assert!(dot.contains("\"at-least:us-delisting\" -> \"action:us-delisting\";"));
    assert_eq!(dot.matches("shape=diamond").count(), 6);
    // Joint actions: double border and a cell per actor, in the actor's colour.
    let hod = dot
        .lines()
        .find(|l| l.contains("\"action:hod-meeting\" ["))
        .unwrap();
    assert!(hod.contains("peripheries=2"));
    for (i, p) in s.parties.iter().enumerate() {
        assert!(hod.contains(&format!(
            "BGCOLOR=\"{}\"><FONT POINT-SIZE=\"9\">{}<",
            negsim::graph::party_colour(i),
            p.id
        )));
        // The legend has a swatch per party.
        assert!(dot.contains(&format!("\"party:{}\" [label=", p.id)));
    }
    // Single-actor actions are filled with their party's colour.
    let dprk = s.party_index("DPRK").unwrap();
    assert!(dot.contains(&format!(
        "\"action:provide-declaration\" [label=\"provide-declaration\\nDPRK\\nby 2007-12-31\", fillcolor=\"{}\"",
        negsim::graph::party_colour(dprk)
    )));
}

#[test]
fn graph_out_writes_the_file_and_the_committed_svg_is_of_this_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("g.dot");
    negsim()
        .arg("graph")
        .arg("--out")
        .arg(&file)
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read_to_string(&file).unwrap();
    let printed = stdout(&negsim().arg("graph").output().unwrap());
    assert_eq!(written, printed);
    // An existing file is kept without --force, replaced with it; an input never is.
    std::fs::write(&file, "mine").unwrap();
    negsim()
        .args(["graph", "--out"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("exists: give --force"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    negsim()
        .args(["graph", "--force", "--out"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), printed);
    let own = dir.path().join("my.toml");
    std::fs::write(&own, DEFAULT).unwrap();
    negsim()
        .arg("graph")
        .arg(&own)
        .arg("--force")
        .arg("--out")
        .arg(&own)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("is an input of this command"));
    assert_eq!(std::fs::read_to_string(&own).unwrap(), DEFAULT);
    // The SVG in docs/ is rendered from this graph: every action id is in it.
    let svg = std::fs::read_to_string(repo("docs/graph-second-phase-2007.svg"))
        .unwrap()
        .replace("&#45;", "-");
    assert!(svg.contains("<svg"));
    for a in &scenario(DEFAULT).actions {
        assert!(svg.contains(&a.id), "{} missing from the SVG", a.id);
    }
}

#[test]
fn every_inspection_command_has_an_example_in_its_help() {
    for cmd in ["check", "trace", "graph"] {
        let out = negsim().args([cmd, "--help"]).output().unwrap();
        assert!(out.status.success());
        let help = stdout(&out);
        assert!(
            help.contains(&format!("Example: negsim {cmd} ")),
            "{cmd} --help:\n{help}"
        );
    }
}

/// A model 0.3 scenario with one of each new warning.
const MODEL_03: &str = r#"[scenario]
name = "m03"
start = "2007-10-03"
horizon_days = 400
relapse_every_days = 30

[[party]]
id = "A"
[[party]]
id = "B"
suspend_trust = 0.9
[[party]]
id = "V"
observer = true

[[phase]]
id = "p"

[[action]]
id = "never"
party = "A"
phase = "p"
compliance = 0
[[action]]
id = "later"
party = "B"
phase = "p"
deadline = { after = "never", days = 45 }
[[action]]
id = "verify"
party = "V"
phase = "p"
deadline = 60

[[shock]]
id = "on-lapse"
on = { lapse = "verify" }
chance = 0
pause = ["A"]
pause_days = 3
"#;

#[test]
fn check_and_graph_show_the_model_03_fields_and_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "m03.toml", MODEL_03);
    let out = negsim().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for want in [
        "observers (left out of walkout means and default counterparts, never walk out): V",
        "45 days after never is done",
        "a lapsed deadline lapses again every 30 days",
        "compliance  A 0 (party 0.5)",
        "trigger  on each lapse of verify, chance 0",
        "[never-starts]",
        "party `B` has suspend_trust 0.9, above its starting trust 0.5 in the action's counterparts",
        "its deadline counts from `never`, which can never be done, so it never gets a deadline [deadline-never-set]",
        "shock `on-lapse` never occurs: its chance is 0 [trigger-never-fires]",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    let out = negsim()
        .arg("check")
        .arg(&file)
        .args(["--set", "shock.on-lapse.chance=0.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("chance 0.5"));
    let out = negsim().arg("graph").arg(&file).output().unwrap();
    assert!(out.status.success());
    let dot = stdout(&out);
    assert!(dot.contains("\"action:never\" -> \"action:later\" [style=dotted"));
    assert!(dot.contains("label=\"deadline +45 d\""));
    assert!(dot.contains("\"action:verify\" -> \"shock:on-lapse\""));
    assert!(dot.contains("label=\"lapse, chance 0\""));
}
