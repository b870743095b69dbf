//! `negsim run` from the command line: reproducibility, outputs, overwrite protection, and
//! golden bytes.

use crate::common::*;
use std::fs;
use std::path::Path;

fn run_ok(args: &[&str], out: &Path) {
    let o = negsim().args(args).arg("--out").arg(out).output().unwrap();
    assert!(
        o.status.success(),
        "negsim {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn read(dir: &Path, f: &str) -> Vec<u8> {
    fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(f).display()))
}

const FILES: [&str; 4] = ["trials.csv", "summary.csv", "points.csv", "actions.csv"];

/// docs/MODEL.md section 4: the same bytes whatever the number of threads.
#[test]
fn outputs_are_identical_for_1_2_and_4_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "--trials",
        "5000",
        "--seed",
        "9",
        "--actions",
        "--vary",
        "party.DPRK.compliance=0.4,0.6",
    ];
    let mut outs = Vec::new();
    for threads in ["1", "2", "4"] {
        let d = tmp.path().join(format!("t{threads}"));
        let mut a = args.to_vec();
        a.extend(["--threads", threads]);
        run_ok(&a, &d);
        outs.push(d);
    }
    for f in FILES {
        let first = read(&outs[0], f);
        assert!(
            first.len() > if f == "points.csv" { 50 } else { 1000 },
            "{f} too small"
        );
        for d in &outs[1..] {
            assert!(first == read(d, f), "{f} differs between thread counts");
        }
    }
}

#[test]
fn different_seeds_give_different_trials_and_the_same_seed_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    run_ok(
        &["run", "--trials", "300", "--seed", "1"],
        &tmp.path().join("a"),
    );
    run_ok(
        &["run", "--trials", "300", "--seed", "2"],
        &tmp.path().join("b"),
    );
    run_ok(
        &["run", "--trials", "300", "--seed", "1"],
        &tmp.path().join("c"),
    );
    let a = read(&tmp.path().join("a"), "trials.csv");
    assert_ne!(a, read(&tmp.path().join("b"), "trials.csv"));
    assert_eq!(a, read(&tmp.path().join("c"), "trials.csv"));
}

#[test]
fn a_finished_run_is_not_overwritten_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("run");
    run_ok(&["run", "--trials", "100"], &d);
    let before = read(&d, "trials.csv");
    let o = negsim()
        .args(["run", "--trials", "100", "--seed", "5", "--out"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("already holds a finished run") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(before, read(&d, "trials.csv"));
    run_ok(&["run", "--trials", "100", "--seed", "5", "--force"], &d);
    assert_ne!(before, read(&d, "trials.csv"));
    // Run files with no manifest, run marker, lock or temporary: not shown to be negsim's,
    // so refused even with --force (a user's own trials.csv).
    fs::remove_file(d.join("manifest.json")).unwrap();
    let kept = read(&d, "trials.csv");
    for force in [false, true] {
        let mut cmd = negsim();
        cmd.args(["run", "--trials", "100", "--out"]).arg(&d);
        if force {
            cmd.arg("--force");
        }
        let o = cmd.output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("but no manifest.json, .negsim-run"), "{err}");
        assert_eq!(kept, read(&d, "trials.csv"));
    }
    // An unfinished run (failed or killed: its marker, no manifest) is protected too, and
    // replaced with --force.
    fs::write(d.join(".negsim-run"), "a negsim run writes this folder\n").unwrap();
    let o = negsim()
        .args(["run", "--trials", "100", "--out"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unfinished run"));
    run_ok(&["run", "--trials", "100", "--force"], &d);
    assert!(d.join("manifest.json").is_file() && !d.join(".negsim-run").exists());
}

#[test]
fn manifest_counts_rows_and_no_temporary_file_is_left() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("run");
    run_ok(&["run", "--trials", "250", "--actions", "--seed", "3"], &d);
    let m: serde_json::Value = serde_json::from_slice(&read(&d, "manifest.json")).unwrap();
    assert_eq!(m["seed"], 3);
    assert_eq!(m["trials"], 250);
    assert_eq!(m["scenario"]["name"], "second-phase-2007");
    assert_eq!(m["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert!(
        m["command_line"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "--actions")
    );
    for o in m["outputs"].as_array().unwrap() {
        let f = o["file"].as_str().unwrap();
        if f.ends_with(".csv") {
            let lines = read(&d, f).iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(lines - 1, o["rows"].as_u64().unwrap(), "{f}");
        }
    }
    let names: Vec<String> = fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

/// `negsim run` with no scenario runs the bundled default from any directory, into
/// output/<scenario name>/.
#[test]
fn the_default_scenario_runs_from_any_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let o = negsim()
        .current_dir(tmp.path())
        .args(["run", "--trials", "200"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = tmp.path().join("output/second-phase-2007");
    assert!(d.join("manifest.json").exists());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("p_completed"), "{err}");
    // And with no command at all.
    let o = negsim()
        .current_dir(tmp.path())
        .arg("--help")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("run"));
}

#[test]
fn trials_csv_has_the_documented_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("run");
    run_ok(
        &[
            "run",
            "--trials",
            "10",
            "--vary",
            "party.US.compliance=0.5,0.9",
        ],
        &d,
    );
    let text = String::from_utf8(read(&d, "trials.csv")).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with(
        "point,party.US.compliance,trial,outcome,end_day,end_date,collapsed_by,actions_done,phase.disablement.done_day,"
    ));
    assert!(header.contains(",\"quantity.t HFO\",") || header.contains(",quantity.t HFO,"));
    assert!(header.ends_with("party.US.delays"));
    let row = text.lines().nth(11).unwrap();
    assert!(row.starts_with("1,0.9,0,"), "{row}");
    let summary = String::from_utf8(read(&d, "summary.csv")).unwrap();
    assert!(summary.starts_with(
        "point,party.US.compliance,metric,n,mean,sd,ci95_low,ci95_high,p05,p25,p50,p75,p95\n"
    ));
    assert!(summary.contains("\n1,0.9,p_completed,10,"));
}

/// Golden bytes: a scenario using every feature, seed 42. Any change of stream or of an
/// output format fails here and is then a decision (re-bless with NEGSIM_BLESS=1).
#[test]
fn golden_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("g");
    let scen = repo("tests/data/golden.toml");
    let o = negsim()
        .args(["run"])
        .arg(&scen)
        .args([
            "--trials",
            "60",
            "--seed",
            "42",
            "--actions",
            "--vary",
            "party.B.compliance=0.5,0.9",
            "--out",
        ])
        .arg(&d)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in FILES {
        let got = read(&d, f);
        let golden = repo(&format!("tests/golden/{f}"));
        if std::env::var_os("NEGSIM_BLESS").is_some() {
            fs::write(&golden, &got).unwrap();
        }
        let want = fs::read(&golden).unwrap_or_default();
        assert!(
            got == want,
            "{f} differs from {} (NEGSIM_BLESS=1 to accept)",
            golden.display()
        );
    }
}

/// A closed standard error or output (a pipe whose reader has gone, as in
/// `negsim run 2>&1 | head -1`) does not turn a finished run into a crash: the messages are
/// dropped, the exit code is the run's.
#[test]
fn closed_output_streams_do_not_crash_a_command() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("run");
    for args in [
        vec!["run", "--trials", "300", "--out", d.to_str().unwrap()],
        vec!["verify", d.to_str().unwrap()],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_negsim"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}");
    }
    assert!(d.join("manifest.json").is_file());
}
