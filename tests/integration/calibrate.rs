//! `negsim calibrate` on the command line (docs/MODEL.md 6): the same bytes for any thread
//! count, the folder's safety, and clear errors with file, line and column for bad files.

use crate::common::{negsim, repo};
use std::path::Path;

fn write_case(dir: &Path, body: &str) -> std::path::PathBuf {
    std::fs::copy(
        repo("tests/data/calibration/one-action.toml"),
        dir.join("one-action.toml"),
    )
    .unwrap();
    let p = dir.join("case.toml");
    std::fs::write(&p, body).unwrap();
    p
}

const GOOD: &str = r#"[calibration]
scenario = "one-action.toml"
seed = 3
particles = 50
predictive_trials = 20

[[observe]]
name = "action.x.done_day"
value = 3
scale = 2

[[prior]]
path = "party.A.compliance"
uniform = [0.0, 1.0]
"#;

#[test]
fn same_bytes_for_any_thread_count_and_verify_works() {
    let t = tempfile::tempdir().unwrap();
    let f = write_case(t.path(), GOOD);
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = t.path().join(format!("out{threads}"));
        negsim()
            .args([
                "calibrate",
                f.to_str().unwrap(),
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success()
            .stderr(predicates::str::contains("generation 1: tolerance"));
        outs.push(out);
    }
    for name in [
        "posterior.csv",
        "generations.csv",
        "predictive/trials.csv",
        "predictive/points.csv",
        "observed.csv",
        "priors.csv",
    ] {
        let a = std::fs::read(outs[0].join(name)).unwrap();
        let b = std::fs::read(outs[1].join(name)).unwrap();
        assert_eq!(a, b, "{name} differs between 1 and 2 threads");
    }
    // The predictive run carries every observed fact as a trials.csv column, not actions.csv.
    assert!(!outs[0].join("predictive/actions.csv").exists());
    let pred = std::fs::read_to_string(outs[0].join("predictive/trials.csv")).unwrap();
    let observed = std::fs::read_to_string(outs[0].join("observed.csv")).unwrap();
    for fact in observed.lines().skip(1) {
        let name = fact.split(',').next().unwrap();
        assert!(
            pred.lines().next().unwrap().split(',').any(|c| c == name),
            "predictive/trials.csv has no column {name}"
        );
    }
    let post = std::fs::read_to_string(outs[0].join("posterior.csv")).unwrap();
    assert!(post.starts_with("party.A.compliance,weight,distance\n"));
    assert_eq!(post.lines().count(), 51);
    let gens = std::fs::read_to_string(outs[0].join("generations.csv")).unwrap();
    assert!(gens.starts_with(
        "generation,tolerance,proposals,accepted,acceptance,ess,trials,outside_prior\n0,inf,50,50,1,"
    ));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(outs[0].join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["kind"], "calibration");
    assert_eq!(m["stop_reason"], "tolerance");
    assert_eq!(m["final_tolerance"], 0.0);
    negsim().arg("verify").arg(&outs[0]).assert().success();
    negsim()
        .arg("verify")
        .arg(outs[0].join("predictive"))
        .assert()
        .success();
    // No overwrite without --force; with it, the same bytes again.
    negsim()
        .args(["calibrate", f.to_str().unwrap(), "--out"])
        .arg(&outs[0])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--force"));
    negsim()
        .args(["calibrate", f.to_str().unwrap(), "--force", "--out"])
        .arg(&outs[0])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(outs[0].join("posterior.csv")).unwrap(),
        std::fs::read(outs[1].join("posterior.csv")).unwrap()
    );
}

#[test]
fn bad_files_are_clear_errors_with_line_and_column() {
    let cases: &[(&str, &str, &str)] = &[
        ("seed = 3\n", "seed = 3\ncolour = 1\n", "case.toml:4:1"),
        (
            "name = \"action.x.done_day\"",
            "name = \"action.y.done_day\"",
            "case.toml:8:8",
        ),
        ("value = 3\n", "value = \"soon\"\n", "case.toml:9:9"),
        ("value = 3\n", "value = 61\n", "horizon"),
        ("uniform = [0.0, 1.0]", "uniform = [0.6, 0.4]", "lo < hi"),
        ("uniform = [0.0, 1.0]", "log_uniform = [0.0, 1.0]", "lo > 0"),
        // Ranges the sampler cannot resolve (its kernel's variance would be 0): refused at
        // once, not after minutes of perturbations outside the prior.
        (
            "uniform = [0.0, 1.0]",
            "uniform = [0.0, 5e-324]",
            "case.toml:14:11: prior on `party.A.compliance`: [0, 5e-324] is 5e-324 wide",
        ),
        (
            "uniform = [0.0, 1.0]",
            "uniform = [0.0, 1.5]",
            "outside the field's valid range",
        ),
        (
            "path = \"party.A.compliance\"",
            "path = \"party.A.complience\"",
            "case.toml:13:8",
        ),
        ("scale = 2\n", "scale = 0\n", "scale = 0"),
        ("particles = 50\n", "particles = 1\n", "particles = 1"),
        // A budget too small for the history matching, with no `stop` table: the error
        // points at the history matching.
        (
            "predictive_trials = 20\n",
            "predictive_trials = 20\nhistory_matching = { points = 100000, trials = 100000 }\n",
            "case.toml:6:20",
        ),
        (
            "value = 3\n",
            "value = 2007-10-03T10:00:00\n",
            "time of day",
        ),
        (
            "path = \"party.A.compliance\"\nuniform = [0.0, 1.0]",
            "path = \"scenario.horizon_days\"\nuniform = [30, 90]",
            "case.toml:13:8: prior on `scenario.horizon_days`",
        ),
    ];
    for (from, to, expect) in cases {
        let t = tempfile::tempdir().unwrap();
        let f = write_case(t.path(), &GOOD.replace(from, to));
        let out = negsim()
            .args(["calibrate", f.to_str().unwrap(), "--out"])
            .arg(t.path().join("out"))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains(expect), "{to}: {err}");
        assert!(
            !t.path().join("out").exists(),
            "{to}: a bad file wrote output"
        );
    }
}
