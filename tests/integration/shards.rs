//! Shards and merge: the merged run is byte-identical to an unsharded one.

use crate::common::*;
use std::fs;
use std::path::{Path, PathBuf};

fn ok(args: &[&str]) -> std::process::Output {
    let o = negsim().args(args).output().unwrap();
    assert!(
        o.status.success(),
        "negsim {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

const RUN: [&str; 8] = [
    "run",
    "--trials",
    "7",
    "--seed",
    "5",
    "--actions",
    "--vary",
    "party.DPRK.compliance=0.3,0.6,0.9",
];

fn shard_dirs(tmp: &Path, n: u64) -> Vec<PathBuf> {
    (0..n)
        .map(|k| {
            let d = tmp.join(format!("n{n}-s{k}"));
            let mut a = RUN.to_vec();
            let spec = format!("{k}/{n}");
            a.extend(["--shard", &spec, "--out", d.to_str().unwrap()]);
            ok(&a);
            d
        })
        .collect()
}

/// 3 points x 7 trials = 21 pairs, cut into 1, 2, 5 and 40 shards (more shards than pairs).
#[test]
fn merged_shards_equal_an_unsharded_run_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full");
    let mut a = RUN.to_vec();
    a.extend(["--out", full.to_str().unwrap()]);
    ok(&a);
    for n in [1u64, 2, 5, 40] {
        let mut dirs = shard_dirs(tmp.path(), n);
        dirs.reverse();
        let merged = tmp.path().join(format!("merged-{n}"));
        let mut args: Vec<String> = vec!["merge".into()];
        args.extend(dirs.iter().map(|d| d.display().to_string()));
        args.extend(["--out".into(), merged.display().to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&args);
        for f in ["trials.csv", "summary.csv", "points.csv", "actions.csv"] {
            assert!(
                fs::read(full.join(f)).unwrap() == fs::read(merged.join(f)).unwrap(),
                "{f} differs after merging {n} shards"
            );
        }
        let m: serde_json::Value =
            serde_json::from_slice(&fs::read(merged.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(m["merged_from"].as_array().unwrap().len(), n as usize);
        assert!(m["shard"].is_null());
    }
}

#[test]
fn merge_refuses_missing_duplicate_and_foreign_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = shard_dirs(tmp.path(), 3);
    let out = tmp.path().join("m");
    let merge = |ds: &[&PathBuf]| {
        let mut c = negsim();
        c.arg("merge");
        for d in ds {
            c.arg(d);
        }
        c.arg("--out").arg(&out).output().unwrap()
    };
    // Folders that do not make one run are bad input: exit 2.
    let o = merge(&[&dirs[0], &dirs[2]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing shards: 1/3"));
    let o = merge(&[&dirs[0], &dirs[1], &dirs[1], &dirs[2]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("shard 1/3 is given twice"));
    // A shard of another run (another seed).
    let other = tmp.path().join("other");
    ok(&[
        "run",
        "--trials",
        "7",
        "--seed",
        "6",
        "--actions",
        "--vary",
        "party.DPRK.compliance=0.3,0.6,0.9",
        "--shard",
        "1/3",
        "--out",
        other.to_str().unwrap(),
    ]);
    let o = merge(&[&dirs[0], &other, &dirs[2]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("shards of different runs"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.join("manifest.json").exists());
    // --check lists what is missing and writes nothing.
    let o = negsim()
        .arg("merge")
        .arg("--check")
        .arg(&dirs[1])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        text.contains("1 of 3 shards finished") && text.contains("missing shards: 0/3, 2/3"),
        "{text}"
    );
    // An unfinished folder is named, and the rest still counted.
    let broken = tmp.path().join("broken");
    fs::create_dir_all(&broken).unwrap();
    let o = negsim()
        .arg("merge")
        .arg("--check")
        .arg(&dirs[0])
        .arg(&broken)
        .arg(&dirs[2])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        text.contains("unfinished: ")
            && text.contains("broken")
            && text.contains("missing shards: 1/3"),
        "{text}"
    );
    let o = negsim()
        .arg("merge")
        .arg("--check")
        .args(&dirs)
        .output()
        .unwrap();
    assert!(o.status.success());
}

#[test]
fn a_finished_shard_is_not_run_again_and_precision_cannot_be_sharded() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = shard_dirs(tmp.path(), 2);
    let before = fs::read(dirs[0].join("manifest.json")).unwrap();
    let mut a = RUN.to_vec();
    a.extend(["--shard", "0/2", "--out", dirs[0].to_str().unwrap()]);
    let o = ok(&a);
    assert!(String::from_utf8_lossy(&o.stderr).contains("already finished"));
    assert_eq!(before, fs::read(dirs[0].join("manifest.json")).unwrap());
    let o = negsim()
        .args([
            "run",
            "--shard",
            "0/2",
            "--precision",
            "p_completed=0.01",
            "--out",
        ])
        .arg(tmp.path().join("p"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--shard cannot go with --precision"));
}
