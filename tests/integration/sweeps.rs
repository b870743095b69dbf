//! Sweeps and what-if studies: grids, overlays, studies, Latin hypercubes, common random
//! numbers, precision-driven runs.

use crate::common::*;
use std::fs;
use std::path::Path;

fn run(args: &[&str]) -> std::process::Output {
    negsim().args(args).output().unwrap()
}

fn ok(args: &[&str]) {
    let o = run(args);
    assert!(
        o.status.success(),
        "negsim {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let mut out = vec![r.headers().unwrap().iter().map(str::to_string).collect()];
    out.extend(
        r.records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect()),
    );
    out
}

#[test]
fn grid_points_are_numbered_first_varying_slowest_with_parameter_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("g");
    ok(&[
        "run",
        "--trials",
        "20",
        "--actions",
        "--vary",
        "party.DPRK.compliance=0.2:0.8:4",
        "--vary",
        "defaults.trust_loss=0.1,0.3",
        "--out",
        d.to_str().unwrap(),
    ]);
    let points = csv_rows(&d.join("points.csv"));
    assert_eq!(
        points[0],
        [
            "point",
            "party.DPRK.compliance",
            "defaults.trust_loss",
            "trials"
        ]
    );
    assert_eq!(points.len(), 1 + 8);
    assert_eq!(points[1], ["0", "0.2", "0.1", "20"]);
    assert_eq!(points[2], ["1", "0.2", "0.3", "20"]);
    assert_eq!(points[3], ["2", "0.4", "0.1", "20"]);
    assert_eq!(points[8], ["7", "0.8", "0.3", "20"]);
    for f in ["trials.csv", "summary.csv", "actions.csv"] {
        let rows = csv_rows(&d.join(f));
        assert_eq!(
            &rows[0][..3],
            ["point", "party.DPRK.compliance", "defaults.trust_loss"],
            "{f}"
        );
        let last = rows.last().unwrap();
        assert_eq!(&last[..3], ["7", "0.8", "0.3"], "{f}");
    }
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["sweep"]["points"], 8);
    assert_eq!(m["sweep"]["parameters"][0]["path"], "party.DPRK.compliance");
}

#[test]
fn a_bad_path_or_value_is_an_error_before_any_trial() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("bad");
    let o = run(&[
        "run",
        "--vary",
        "party.DPRK.complience=0.2,0.4",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("party.DPRK.complience") && err.contains("party.DPRK.compliance"),
        "{err}"
    );
    assert!(!d.exists());
    let o = run(&[
        "run",
        "--vary",
        "party.NOPE.compliance=0.2",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no party `NOPE`"));
    let o = run(&[
        "run",
        "--vary",
        "party.DPRK.compliance=0.5,1.5",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("sweep point 1") && err.contains("compliance = 1.5 is outside [0, 1]"),
        "{err}"
    );
    assert!(!d.exists());
}

/// A point whose parameters equal the base scenario reproduces the plain run, trial by
/// trial (common random numbers).
#[test]
fn a_point_equal_to_the_base_reproduces_the_plain_run() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let sweep = tmp.path().join("sweep");
    ok(&[
        "run",
        "--trials",
        "500",
        "--seed",
        "4",
        "--out",
        plain.to_str().unwrap(),
    ]);
    // 0.5 is the default scenario's DPRK compliance.
    ok(&[
        "run",
        "--trials",
        "500",
        "--seed",
        "4",
        "--vary",
        "party.DPRK.compliance=0.3,0.5",
        "--out",
        sweep.to_str().unwrap(),
    ]);
    let p = csv_rows(&plain.join("trials.csv"));
    let s = csv_rows(&sweep.join("trials.csv"));
    let point1: Vec<&Vec<String>> = s.iter().filter(|r| r[0] == "1").collect();
    assert_eq!(point1.len(), 500);
    for (a, b) in p[1..].iter().zip(point1) {
        assert_eq!(a[1..], b[2..], "trial {}", a[1]);
    }
}

/// Common random numbers make the paired difference between two nearby points far less
/// noisy than the difference of two independent runs.
#[test]
fn paired_differences_have_smaller_variance_than_unpaired() {
    let doc = negsim::scenario::Document::from_text("d.toml", negsim::scenario::DEFAULT_SCENARIO)
        .unwrap();
    let set = |v: f64| {
        doc.compile_with(&[negsim::scenario::Override {
            path: negsim::scenario::ParamPath::parse("party.DPRK.compliance").unwrap(),
            value: v,
        }])
        .unwrap()
    };
    let (a, b) = (set(0.5), set(0.55));
    let n = 20_000;
    let ra = run_trials(&a, 1, n);
    let rb = run_trials(&b, 1, n);
    let rb_other = run_trials(&b, 2, n);
    let end = |r: &negsim::engine::TrialResult| f64::from(r.end_day);
    let paired: Vec<f64> = ra.iter().zip(&rb).map(|(x, y)| end(y) - end(x)).collect();
    let unpaired: Vec<f64> = ra
        .iter()
        .zip(&rb_other)
        .map(|(x, y)| end(y) - end(x))
        .collect();
    let var = |xs: &[f64]| {
        let (m, _) = mean_se(xs);
        xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64
    };
    let (vp, vu) = (var(&paired), var(&unpaired));
    eprintln!("variance of the difference of end days: paired {vp:.1}, unpaired {vu:.1}");
    assert!(vp < 0.5 * vu, "paired {vp} vs unpaired {vu}");
}

#[test]
fn overlays_change_matched_tables_and_add_new_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let what = tmp.path().join("what");
    ok(&[
        "run",
        "--trials",
        "4000",
        "--seed",
        "8",
        "--out",
        base.to_str().unwrap(),
    ]);
    let overlay = repo("scenarios/whatif/japan-joins-assistance.toml");
    ok(&[
        "run",
        "--trials",
        "4000",
        "--seed",
        "8",
        "--with",
        overlay.to_str().unwrap(),
        "--out",
        what.to_str().unwrap(),
    ]);
    let p = |d: &Path| -> f64 {
        let rows = csv_rows(&d.join("summary.csv"));
        rows.iter().find(|r| r[1] == "p_completed").unwrap()[3]
            .parse()
            .unwrap()
    };
    assert!(p(&what) > p(&base) + 0.05, "{} vs {}", p(&what), p(&base));
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(what.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        m["scenario"]["overlays"][0]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    // The banking overlay adds a shock: its id shows up in a trace-free way through validation:
    let mut doc =
        negsim::scenario::Document::open(&repo("scenarios/second-phase-2007.toml")).unwrap();
    doc.apply_overlay_file(&repo("scenarios/whatif/banking-dispute-recurs.toml"))
        .unwrap();
    let s = doc.compile().unwrap();
    let bd = &s.shocks[s
        .shocks
        .iter()
        .position(|x| x.id == "banking-dispute")
        .unwrap()];
    assert_eq!((bd.rate_per_year, bd.pause_days), (1.5, 90));
    assert!(s.shocks.iter().any(|x| x.id == "missile-test"));
    assert_eq!(s.shocks.len(), 3);
}

#[test]
fn a_study_file_runs_and_the_command_line_overrides_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("study");
    let study = repo("scenarios/studies/dprk-us-compliance.toml");
    ok(&[
        "run",
        "--study",
        study.to_str().unwrap(),
        "--trials",
        "30",
        "--out",
        d.to_str().unwrap(),
    ]);
    let points = csv_rows(&d.join("points.csv"));
    assert_eq!(
        points[0],
        [
            "point",
            "party.DPRK.compliance",
            "party.US.compliance",
            "trials"
        ]
    );
    assert_eq!(points.len(), 1 + 15);
    assert_eq!(points[1][3], "30");
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["seed"], 2007);
    assert_eq!(m["trials"], 30);
    assert!(
        m["sweep"]["study"]["file"]
            .as_str()
            .unwrap()
            .ends_with("dprk-us-compliance.toml")
    );
    // --vary on the command line replaces the study's.
    let d2 = tmp.path().join("study2");
    ok(&[
        "run",
        "--study",
        study.to_str().unwrap(),
        "--trials",
        "10",
        "--vary",
        "party.JPN.compliance=0.1,0.2",
        "--out",
        d2.to_str().unwrap(),
    ]);
    assert_eq!(
        csv_rows(&d2.join("points.csv"))[0][1],
        "party.JPN.compliance"
    );
}

#[test]
fn lhs_points_are_seeded() {
    let tmp = tempfile::tempdir().unwrap();
    let args = |out: &Path, seed: &str| {
        vec![
            "run".to_string(),
            "--design".into(),
            "lhs".into(),
            "--points".into(),
            "6".into(),
            "--vary".into(),
            "party.DPRK.compliance=0.2..0.8".into(),
            "--vary".into(),
            "scenario.review_every_days=3..14".into(),
            "--trials".into(),
            "10".into(),
            "--seed".into(),
            seed.into(),
            "--out".into(),
            out.to_str().unwrap().to_string(),
        ]
    };
    for (name, seed) in [("a", "1"), ("b", "1"), ("c", "2")] {
        let a = args(&tmp.path().join(name), seed);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        ok(&a);
    }
    let pa = csv_rows(&tmp.path().join("a/points.csv"));
    assert_eq!(pa, csv_rows(&tmp.path().join("b/points.csv")));
    assert_ne!(pa, csv_rows(&tmp.path().join("c/points.csv")));
    assert_eq!(pa.len(), 7);
    for r in &pa[1..] {
        let days: f64 = r[2].parse().unwrap();
        assert_eq!(days.fract(), 0.0, "whole days are rounded");
    }
}

/// Precision-driven runs stop each point as soon as its interval is narrow enough, at the
/// same count whatever the threads.
#[test]
fn precision_driven_runs_are_deterministic_and_meet_their_target() {
    let tmp = tempfile::tempdir().unwrap();
    let mut counts = Vec::new();
    for threads in ["1", "2"] {
        let d = tmp.path().join(threads);
        ok(&[
            "run",
            "--vary",
            "party.DPRK.compliance=0.3,0.7",
            "--precision",
            "p_completed=0.02",
            "--precision-batch",
            "500",
            "--trials",
            "50000",
            "--threads",
            threads,
            "--out",
            d.to_str().unwrap(),
        ]);
        let rows = csv_rows(&d.join("summary.csv"));
        for r in rows.iter().filter(|r| r[2] == "p_completed") {
            let (lo, hi): (f64, f64) = (r[6].parse().unwrap(), r[7].parse().unwrap());
            assert!((hi - lo) / 2.0 <= 0.02, "{r:?}");
        }
        counts.push(fs::read(d.join("points.csv")).unwrap());
        assert_eq!(
            fs::read(d.join("trials.csv")).unwrap(),
            fs::read(tmp.path().join("1/trials.csv")).unwrap()
        );
    }
    assert_eq!(counts[0], counts[1]);
    let points = String::from_utf8(counts[0].clone()).unwrap();
    let n: Vec<u64> = points
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(n.iter().all(|&x| x % 500 == 0 && x < 50_000), "{n:?}");
    assert_ne!(
        n[0], n[1],
        "points with different spreads need different counts"
    );
    let o = run(&[
        "run",
        "--precision",
        "p_complete=0.1",
        "--out",
        tmp.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("p_completed"));
}

#[test]
fn a_parameter_that_changes_nothing_is_warned_about() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&[
        "run",
        "--trials",
        "10",
        "--vary",
        "defaults.compliance=0.3,0.5",
        "--out",
        tmp.path().join("w").to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning: --vary defaults.compliance"));
}

/// A bad value in a study file is an error at its line and column there, said of the study's
/// field (`vary`, `design`, ...) rather than of the command-line option; the same value given
/// on the command line is said of the option.
#[test]
fn study_file_errors_point_into_the_study() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo("scenarios/second-phase-2007.toml");
    let study = |body: &str| {
        let p = tmp.path().join("s.toml");
        fs::write(
            &p,
            format!(
                "[study]\nscenario = \"{}\"\ntrials = 10\n{body}",
                scenario.display()
            ),
        )
        .unwrap();
        let o = negsim()
            .args(["run", "--study"])
            .arg(&p)
            .arg("--out")
            .arg(tmp.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let e = study("vary = [\"party.DPRK.compliance=0.3:0.7:2\", \"party.US.complianc=0.5\"]\n");
    assert!(
        e.contains("s.toml:4:44: vary: path `party.US.complianc`"),
        "{e}"
    );
    let e = study("vary = [\"party.DPRK.compliance=0.3:0.7\"]\n");
    assert!(
        e.contains("s.toml:4:9: vary: party.DPRK.compliance=0.3:0.7"),
        "{e}"
    );
    let e = study("design = \"grud\"\n");
    assert!(
        e.contains("s.toml:4:10: design = `grud`: use grid, lhs"),
        "{e}"
    );
    let e = study("design = \"lhs\"\nvary = [\"party.DPRK.compliance=0.3:0.7\"]\n");
    assert!(
        e.contains("s.toml:4:10: design = lhs needs points = N"),
        "{e}"
    );
    let e = study("observe = [\"nothing.here\"]\n");
    assert!(e.contains("s.toml:4:12: observe: "), "{e}");
    let e = study("precision = { p_nothing = 0.1 }\n");
    assert!(
        e.contains("s.toml:4:13: precision: no metric `p_nothing`"),
        "{e}"
    );
    let e = study("seed = 18446744073709551616\n");
    assert!(
        e.contains("s.toml:4:8: `seed`: integer `18446744073709551616` is too large"),
        "{e}"
    );
    // Counts, a sweep value out of range at one point, a path varied twice, a range on a
    // grid, the n-th observable of a list: each at its line.
    let e = study("precision_batch = 0\nprecision = { p_completed = 0.1 }\n");
    assert!(
        e.contains("s.toml:4:19: precision_batch must be at least 1"),
        "{e}"
    );
    let e = study("vary = [\"party.DPRK.compliance=0.3\",\n  \"party.US.compliance=0.3,2\"]\n");
    assert!(
        e.contains(
            "s.toml:4:8: vary: sweep point 1 (party.DPRK.compliance=0.3, party.US.compliance=2)"
        ),
        "{e}"
    );
    let e = study("vary = [\"party.DPRK.compliance=0.2..0.8\"]\n");
    assert!(
        e.contains("s.toml:4:9: vary: party.DPRK.compliance=0.2..0.8: LO..HI ranges go with"),
        "{e}"
    );
    let e = study("observe = [\"end_day\",\n  \"action.nope.done_day\"]\n");
    assert!(
        e.contains("s.toml:5:3: observe: action.nope.done_day"),
        "{e}"
    );
    // A file the study names that cannot be read: at its name in the study.
    let e = study("with = [\"gone.toml\"]\n");
    assert!(
        e.contains("s.toml:4:9: with = ") && e.contains("gone.toml: no such file"),
        "{e}"
    );
    // Given on the command line, the same value is the option's.
    let o = negsim()
        .args(["run", "--design", "grud", "--out"])
        .arg(tmp.path().join("out2"))
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("error: --design `grud`"), "{e}");
}
