//! `negsim run --observe NAME` (docs/MODEL.md 5.2): one trials.csv column per observable not
//! already there, the same cells as actions.csv, and shards that merge to the unsharded run.

use crate::common::*;
use std::fs;
use std::path::Path;

fn ok(args: &[&str]) {
    let o = negsim().args(args).output().unwrap();
    assert!(
        o.status.success(),
        "negsim {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn read(dir: &Path, f: &str) -> String {
    fs::read_to_string(dir.join(f)).unwrap()
}

const OBSERVE: [&str; 10] = [
    "--observe",
    "action.us-delisting.done_day",
    "--observe",
    "end_day", // already a column: no duplicate
    "--observe",
    "quantity.t HFO@2008-06-30",
    "--observe",
    "party.DPRK.walkout_day",
    "--observe",
    "action.us-delisting.done_day", // twice: once
];

fn run(out: &Path, extra: &[&str]) {
    let mut a = vec![
        "run",
        "--trials",
        "40",
        "--seed",
        "3",
        "--actions",
        "--vary",
        "party.DPRK.compliance=0.3,0.7",
        "--out",
        out.to_str().unwrap(),
    ];
    a.extend_from_slice(extra);
    ok(&a);
}

#[test]
fn observe_appends_columns_that_match_actions_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let seen = tmp.path().join("seen");
    run(&plain, &[]);
    run(&seen, &OBSERVE);
    let (p, s) = (read(&plain, "trials.csv"), read(&seen, "trials.csv"));
    let extra = ",action.us-delisting.done_day,quantity.t HFO@2008-06-30,party.DPRK.walkout_day";
    // The same rows, each with three cells more; every other file the same bytes.
    for (a, b) in p.lines().zip(s.lines()) {
        assert!(
            b.starts_with(a) && b[a.len()..].matches(',').count() == 3,
            "{a}\n{b}"
        );
    }
    assert!(s.lines().next().unwrap().ends_with(extra));
    for f in ["summary.csv", "points.csv", "actions.csv"] {
        assert_eq!(read(&plain, f), read(&seen, f), "{f}");
    }
    // The delisting day is actions.csv's done_day of us-delisting, trial by trial.
    let mut done = std::collections::HashMap::new();
    let mut rd = csv::Reader::from_path(seen.join("actions.csv")).unwrap();
    for r in rd.records() {
        let r = r.unwrap();
        if &r[3] == "us-delisting" {
            done.insert((r[0].to_string(), r[2].to_string()), r[6].to_string());
        }
    }
    let mut rd = csv::Reader::from_path(seen.join("trials.csv")).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (dd, wd, end, by) = (
        col("action.us-delisting.done_day"),
        col("party.DPRK.walkout_day"),
        col("end_day"),
        col("collapsed_by"),
    );
    let mut walkouts = 0;
    for r in rd.records() {
        let r = r.unwrap();
        assert_eq!(r[dd], done[&(r[0].to_string(), r[2].to_string())]);
        if &r[by] == "DPRK" {
            assert_eq!(&r[wd], &r[end]);
            walkouts += 1;
        } else {
            assert_eq!(&r[wd], "");
        }
    }
    assert!(walkouts > 0);
    let m: serde_json::Value = serde_json::from_str(&read(&seen, "manifest.json")).unwrap();
    assert_eq!(
        m["observe"],
        serde_json::json!([
            "action.us-delisting.done_day",
            "quantity.t HFO@2008-06-30",
            "party.DPRK.walkout_day"
        ])
    );
    let m: serde_json::Value = serde_json::from_str(&read(&plain, "manifest.json")).unwrap();
    assert!(m.get("observe").is_none());
    // negsim report still reads a run with extra columns.
    ok(&["report", seen.to_str().unwrap()]);
}

#[test]
fn observed_shards_merge_to_the_unsharded_run() {
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full");
    run(&full, &OBSERVE);
    let mut dirs = Vec::new();
    for k in 0..3 {
        let d = tmp.path().join(format!("s{k}"));
        let spec = format!("{k}/3");
        let mut extra = OBSERVE.to_vec();
        extra.extend(["--shard", &spec]);
        run(&d, &extra);
        dirs.push(d.display().to_string());
    }
    let merged = tmp.path().join("merged");
    let mut a = vec!["merge".to_string()];
    a.extend(dirs);
    a.extend(["--out".into(), merged.display().to_string()]);
    ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    for f in ["trials.csv", "summary.csv", "points.csv", "actions.csv"] {
        assert!(read(&full, f) == read(&merged, f), "{f} differs");
    }
    // Shards run with other observables are another run: merge refuses them.
    let other = tmp.path().join("other");
    run(&other, &["--shard", "2/3"]);
    let o = negsim()
        .args(["merge", tmp.path().join("s0").to_str().unwrap()])
        .arg(tmp.path().join("s1"))
        .arg(&other)
        .arg("--out")
        .arg(tmp.path().join("m2"))
        .output()
        .unwrap();
    assert!(!o.status.success());
}

#[test]
fn unknown_observables_are_refused_with_the_valid_names() {
    for (name, why) in [
        ("action.us-delist.done_day", "no action `us-delist`"),
        ("party.DPRK.walkout", "no field `walkout`"),
        ("quantity.t HFO@2008-02-30", "`2008-02-30` is not a date"),
    ] {
        let o = negsim()
            .args(["run", "--trials", "1", "--observe", name, "--out"])
            .arg(tempfile::tempdir().unwrap().path().join("x"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains(&format!("--observe {name}")) && e.contains(why),
            "{e}"
        );
    }
}

#[test]
fn a_study_lists_its_observables() {
    let tmp = tempfile::tempdir().unwrap();
    let study = tmp.path().join("s.toml");
    fs::write(
        &study,
        format!(
            "[study]\nscenario = {:?}\ntrials = 5\nobserve = [\"action.provide-declaration.done_day\"]\nout = \"o\"\n",
            repo("scenarios/second-phase-2007.toml")
        ),
    )
    .unwrap();
    ok(&["run", "--study", study.to_str().unwrap()]);
    let t = read(&tmp.path().join("o"), "trials.csv");
    assert!(
        t.lines()
            .next()
            .unwrap()
            .ends_with(",action.provide-declaration.done_day")
    );
}
