//! `negsim run --design file:POINTS.csv` (docs/MODEL.md 5.3): one row a point, one column a
//! sweep path; whole days rounded; errors with file, line and column; shards merge to the
//! unsharded run.

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

#[test]
fn rows_are_points_and_whole_days_are_rounded() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("pts.csv");
    fs::write(
        &d,
        "party.DPRK.compliance,scenario.review_every_days\n0.3,6.5\n0.7,7.4\n0.5,8.5\n",
    )
    .unwrap();
    let out = tmp.path().join("o");
    let spec = format!("file:{}", d.display());
    ok(&[
        "run",
        "--trials",
        "20",
        "--design",
        &spec,
        "--out",
        out.to_str().unwrap(),
    ]);
    // 6.5 -> 7 and 8.5 -> 9 (halves away from zero), 7.4 -> 7.
    assert_eq!(
        read(&out, "points.csv"),
        "point,party.DPRK.compliance,scenario.review_every_days,trials\n0,0.3,7,20\n1,0.7,7,20\n2,0.5,9,20\n"
    );
    // The same points given as a grid give the same trials.
    let grid = tmp.path().join("g");
    ok(&[
        "run",
        "--trials",
        "20",
        "--vary",
        "party.DPRK.compliance=0.3",
        "--vary",
        "scenario.review_every_days=7",
        "--out",
        grid.to_str().unwrap(),
    ]);
    let a = read(&out, "trials.csv");
    let g = read(&grid, "trials.csv");
    let a0: Vec<&str> = a.lines().take(21).collect();
    let g0: Vec<&str> = g.lines().take(21).collect();
    assert_eq!(a0, g0);
    let m: serde_json::Value = serde_json::from_str(&read(&out, "manifest.json")).unwrap();
    assert_eq!(m["sweep"]["points"], 3);
    assert!(m["sweep"]["design_file"]["sha256"].as_str().unwrap().len() == 64);
}

#[test]
fn the_bundled_design_runs_sharded_and_merges_to_the_unsharded_run() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = format!(
        "file:{}",
        repo("scenarios/designs/dprk-us-compliance.csv").display()
    );
    let base = [
        "run",
        "--trials",
        "9",
        "--seed",
        "4",
        "--actions",
        "--design",
        &spec,
        "--observe",
        "action.us-delisting.done_day",
    ];
    let full = tmp.path().join("full");
    let mut a = base.to_vec();
    a.extend(["--out", full.to_str().unwrap()]);
    ok(&a);
    let mut merge = vec!["merge".to_string()];
    for k in 0..4 {
        let d = tmp.path().join(format!("s{k}"));
        let sh = format!("{k}/4");
        let mut a = base.to_vec();
        a.extend(["--shard", &sh, "--out", d.to_str().unwrap()]);
        ok(&a);
        merge.push(d.display().to_string());
    }
    let merged = tmp.path().join("m");
    merge.extend(["--out".into(), merged.display().to_string()]);
    ok(&merge.iter().map(String::as_str).collect::<Vec<_>>());
    for f in ["trials.csv", "summary.csv", "points.csv", "actions.csv"] {
        assert!(read(&full, f) == read(&merged, f), "{f} differs");
    }
    assert_eq!(read(&full, "points.csv").lines().count(), 7);
}

#[test]
fn the_default_folder_is_named_after_the_design() {
    let tmp = tempfile::tempdir().unwrap();
    fs::copy(
        repo("scenarios/designs/dprk-us-compliance.csv"),
        tmp.path().join("my-sample.csv"),
    )
    .unwrap();
    let o = negsim()
        .current_dir(tmp.path())
        .args(["run", "--trials", "2", "--design", "file:my-sample.csv"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        tmp.path()
            .join("output/second-phase-2007+design-my-sample/trials.csv")
            .exists()
    );
}

#[test]
fn bad_design_files_name_the_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    for (text, want) in [
        ("", "the file is empty"),
        ("party.DPRK.compliance\n", "a header but no rows"),
        (
            "party.DPRK.compliance,party.DPRK.compliance\n0.1,0.2\n",
            "line 1, column 2: `party.DPRK.compliance` is also column 1",
        ),
        (
            "party.DPRK.compliance,party.US.compliance\n0.1,0.2\n0.3\n",
            "line 3: 1 value for 2 columns",
        ),
        (
            "party.DPRK.compliance\nabc\n",
            "line 2, column 1 (`party.DPRK.compliance`): `abc` is not a number",
        ),
        (
            "party.DPRK.compliance\ninf\n",
            "`inf` is not a finite number",
        ),
        (
            "party.DPRK.complance\n0.1\n",
            "line 1, column 1: --vary/--set path `party.DPRK.complance`",
        ),
        (
            "party.US.compliance,party.DPRK.compliance\n0.5,0.5\n0.5,1.5\n",
            "line 3, column 2 (`party.DPRK.compliance`), point 1: value 1.5 is refused",
        ),
    ] {
        let f = tmp.path().join("bad.csv");
        fs::write(&f, text).unwrap();
        let o = negsim()
            .args(["run", "--trials", "1", "--out"])
            .arg(tmp.path().join("o"))
            .arg("--design")
            .arg(format!("file:{}", f.display()))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{text:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains("bad.csv") && e.contains(want), "{text:?}: {e}");
        assert!(!tmp.path().join("o").exists());
    }
    let o = negsim()
        .args(["run", "--trials", "1", "--vary", "party.US.compliance=0.1"])
        .arg(format!(
            "--design=file:{}",
            repo("scenarios/designs/dprk-us-compliance.csv").display()
        ))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot go with --vary"));
}
