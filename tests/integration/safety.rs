//! Run folders that survive accidents: one writer per folder, `--force` the only way to replace
//! anything (and only negsim's own files), outputs verified against their manifest by
//! `negsim verify`, `merge`, `report` and a finished shard's rerun, and a run killed at any
//! moment leaving either a run that verifies or no manifest.

use crate::common::negsim;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("negsim")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    negsim().current_dir(dir).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let o = run_in(dir, args);
    assert!(o.status.success(), "negsim {args:?}: {}", stderr(&o));
    o
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(bin())
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every file of a folder with its bytes, for "nothing changed" checks.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn verifies(dir: &Path, run: &Path) -> bool {
    let o = run_in(dir, &["verify", run.to_str().unwrap()]);
    o.status.success()
}

#[test]
fn a_second_writer_is_refused_naming_the_first_and_the_first_output_verifies() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let a = spawn(d, &["run", "--trials", "200000", "--out", "r"]);
    let pid = a.id();
    let lock = d.join("r/.negsim.lock");
    let start = Instant::now();
    let text = loop {
        if let Ok(s) = fs::read_to_string(&lock)
            && s.contains("since=")
        {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no lock appeared"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(text.contains(&format!("pid={pid}\nhost=")), "{text}");
    let b = run_in(d, &["run", "--trials", "100", "--out", "r"]);
    let a = a.wait_with_output().unwrap();
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(code(&b), 1, "{}", stderr(&b));
    let e = stderr(&b);
    // Refused by the lock, naming its holder (or, had the first already ended, by its
    // finished run).
    assert!(
        (e.contains("is in use") && e.contains(&format!("pid {pid} on ")) && e.contains("since"))
            || e.contains("already holds a finished run"),
        "{e}"
    );
    assert!(verifies(d, &d.join("r")));
    assert!(!d.join("r/.negsim.lock").exists(), "the lock is released");
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("r/manifest.json")).unwrap()).unwrap();
    assert_eq!(m["trials"], 200000);
}

#[test]
fn two_runs_started_at_once_into_one_folder_one_wins_and_verifies() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    for round in 0..3 {
        let out = format!("r{round}");
        let a = spawn(
            d,
            &["run", "--trials", "20000", "--seed", "1", "--out", &out],
        );
        let b = spawn(
            d,
            &["run", "--trials", "20000", "--seed", "2", "--out", &out],
        );
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let wins = [&a, &b].iter().filter(|o| o.status.success()).count();
        assert_eq!(wins, 1, "a: {}\nb: {}", stderr(&a), stderr(&b));
        let lost = if a.status.success() { &b } else { &a };
        let e = stderr(lost);
        assert!(
            e.contains("is in use") || e.contains("already holds a finished run"),
            "{e}"
        );
        assert!(verifies(d, &d.join(&out)));
        let rows = fs::read_to_string(d.join(&out).join("trials.csv"))
            .unwrap()
            .lines()
            .count();
        assert_eq!(rows, 20001);
    }
}

#[test]
fn a_stale_lock_of_a_dead_process_is_taken_over_saying_so() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // A lock file left by a process that is gone (a pid that just ended, on this host).
    let mut gone = Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let host = fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into());
    fs::create_dir(d.join("s")).unwrap();
    fs::write(
        d.join("s/.negsim.lock"),
        format!("pid={pid}\nhost={host}\nsince=2026-01-01T00:00:00Z\n"),
    )
    .unwrap();
    let o = ok(d, &["run", "--trials", "100", "--out", "s"]);
    let e = stderr(&o);
    assert!(
        e.contains(&format!("taking over the lock left by pid {pid} on {host}")),
        "{e}"
    );
    assert!(verifies(d, &d.join("s")));
    assert!(!d.join("s/.negsim.lock").exists());
}

#[test]
fn a_run_killed_at_any_moment_verifies_or_has_no_manifest_and_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // Delays from a fixed-seed generator: the same "random" moments in every run of the test.
    let mut x: u64 = 2007;
    let mut unfinished = 0;
    for i in 0..6 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let ms = 20 + (x >> 33) % 1500;
        let out = format!("k{i}");
        let mut c = spawn(
            d,
            &[
                "run",
                "--trials",
                "150000",
                "--actions",
                "--shard",
                "0/1",
                "--out",
                &out,
            ],
        );
        std::thread::sleep(Duration::from_millis(ms));
        let _ = c.kill(); // SIGKILL
        c.wait().unwrap();
        let run = d.join(&out);
        if !run.join("manifest.json").exists() {
            unfinished += 1;
            let v = run_in(d, &["verify", &out]);
            assert_eq!(code(&v), 2, "killed after {ms} ms: {}", stderr(&v));
            let r = run_in(d, &["report", &out]);
            assert_eq!(code(&r), 2, "report drew a killed run");
            assert!(stderr(&r).contains("no manifest.json"), "{}", stderr(&r));
            let m = run_in(d, &["merge", &out, "--out", &format!("m{i}")]);
            assert_eq!(code(&m), 2, "merge took a killed shard");
            assert!(stderr(&m).contains("no manifest.json"), "{}", stderr(&m));
            assert!(!d.join(format!("m{i}/manifest.json")).exists());
            // Not replaced without --force; with it, the stale lock is taken over.
            if run.exists() && fs::read_dir(&run).unwrap().count() > 0 {
                let again = run_in(
                    d,
                    &[
                        "run",
                        "--trials",
                        "1000",
                        "--actions",
                        "--shard",
                        "0/1",
                        "--out",
                        &out,
                    ],
                );
                assert_eq!(code(&again), 1, "{}", stderr(&again));
            }
            ok(
                d,
                &[
                    "run",
                    "--trials",
                    "1000",
                    "--actions",
                    "--shard",
                    "0/1",
                    "--out",
                    &out,
                    "--force",
                ],
            );
            assert!(verifies(d, &run));
        } else {
            assert!(
                verifies(d, &run),
                "killed after {ms} ms: finished but does not verify"
            );
        }
    }
    assert!(
        unfinished >= 3,
        "only {unfinished} of 6 kills landed mid-run"
    );
}

/// Two shards of a small sweep, finished, in `d/shard-0` and `d/shard-1`.
fn two_shards(d: &Path) -> [PathBuf; 2] {
    for k in 0..2 {
        ok(
            d,
            &[
                "run",
                "--trials",
                "1500",
                "--vary",
                "party.DPRK.compliance=0.4,0.8",
                "--shard",
                &format!("{k}/2"),
                "--out",
                &format!("shard-{k}"),
            ],
        );
    }
    [d.join("shard-0"), d.join("shard-1")]
}

#[test]
fn a_truncated_or_edited_shard_is_named_by_merge_verify_and_its_rerun() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let [s0, s1] = two_shards(d);
    // Shard 1: trials.csv cut to half its rows. Shard 0: one byte of summary.csv edited.
    let text = fs::read_to_string(s1.join("trials.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let half = lines[..1 + 750].join("\n") + "\n";
    fs::write(s1.join("trials.csv"), half).unwrap();
    let mut bytes = fs::read(s0.join("summary.csv")).unwrap();
    let at = bytes.iter().rposition(|b| b.is_ascii_digit()).unwrap();
    bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
    fs::write(s0.join("summary.csv"), bytes).unwrap();

    let m = run_in(d, &["merge", "shard-0", "shard-1", "--out", "merged"]);
    assert_eq!(code(&m), 1);
    let e = stderr(&m);
    assert!(
        e.contains("shard 1/2 (shard-1): trials.csv has 750 rows, its manifest says 1,500"),
        "{e}"
    );
    assert!(
        e.contains("shard 0/2 (shard-0): summary.csv: its SHA-256 differs"),
        "{e}"
    );
    assert!(!d.join("merged").exists(), "a refused merge writes nothing");
    let c = run_in(d, &["merge", "--check", "shard-0", "shard-1"]);
    assert_eq!(code(&c), 1);
    assert!(
        String::from_utf8_lossy(&c.stdout).contains("shard 1/2 (shard-1): trials.csv has 750 rows")
    );

    for (dir, file) in [("shard-0", "summary.csv"), ("shard-1", "trials.csv")] {
        let v = run_in(d, &["verify", dir]);
        assert_eq!(code(&v), 1, "{}", stderr(&v));
        assert!(
            stderr(&v).contains(&format!("{dir}: {file}")),
            "{}",
            stderr(&v)
        );
        let r = run_in(d, &["report", dir]);
        assert_eq!(code(&r), 1, "report drew a run that does not verify");
        assert!(!d.join(dir).join("report").exists());
    }

    // The rerun of the truncated shard does not say "already finished": it refuses, and
    // leaves the folder as it is.
    let before = snapshot(&s1);
    let rerun = run_in(
        d,
        &[
            "run",
            "--trials",
            "1500",
            "--vary",
            "party.DPRK.compliance=0.4,0.8",
            "--shard",
            "1/2",
            "--out",
            "shard-1",
        ],
    );
    assert_eq!(code(&rerun), 1, "{}", stderr(&rerun));
    let e = stderr(&rerun);
    assert!(!e.contains("already finished"), "{e}");
    assert!(
        e.contains("trials.csv has 750 rows") && e.contains("--force"),
        "{e}"
    );
    assert_eq!(before, snapshot(&s1));

    // Run again with --force, both shards verify and merge to the unsharded bytes.
    for k in 0..2 {
        ok(
            d,
            &[
                "run",
                "--trials",
                "1500",
                "--vary",
                "party.DPRK.compliance=0.4,0.8",
                "--shard",
                &format!("{k}/2"),
                "--out",
                &format!("shard-{k}"),
                "--force",
            ],
        );
    }
    ok(d, &["merge", "shard-1", "shard-0", "--out", "merged"]);
    ok(
        d,
        &[
            "run",
            "--trials",
            "1500",
            "--vary",
            "party.DPRK.compliance=0.4,0.8",
            "--out",
            "single",
        ],
    );
    for f in ["trials.csv", "summary.csv", "points.csv"] {
        assert_eq!(
            fs::read(d.join("merged").join(f)).unwrap(),
            fs::read(d.join("single").join(f)).unwrap(),
            "{f}"
        );
    }
    let v = ok(d, &["verify", "merged"]);
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        "merged: 3 files verified"
    );
}

#[test]
fn force_with_a_bad_option_or_scenario_deletes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, &["run", "--trials", "200", "--out", "keep"]);
    ok(d, &["report", "keep"]);
    let before = snapshot(&d.join("keep"));
    fs::write(
        d.join("bad.toml"),
        "[scenario]\nname = \"x\"\nhorizon_days = -1\n",
    )
    .unwrap();
    for args in [
        &["run", "--out", "keep", "--force", "--threads", "0"][..],
        &["run", "bad.toml", "--out", "keep", "--force"],
        &[
            "run",
            "--out",
            "keep",
            "--force",
            "--precision",
            "nosuch=0.1",
        ],
        &[
            "run",
            "--out",
            "keep",
            "--force",
            "--vary",
            "party.NOBODY.compliance=0.5",
        ],
    ] {
        let o = run_in(d, args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert_eq!(
            before,
            snapshot(&d.join("keep")),
            "{args:?} touched the run"
        );
        assert!(d.join("keep/report/report.html").exists(), "{args:?}");
    }
    assert!(verifies(d, &d.join("keep")));
    // And --force with good options replaces it, report included.
    ok(d, &["run", "--trials", "300", "--out", "keep", "--force"]);
    assert!(!d.join("keep/report").exists());
    assert!(verifies(d, &d.join("keep")));
}

#[test]
fn foreign_special_and_unfinished_folders_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // A finished run with a file negsim did not write: refused with and without --force.
    ok(d, &["run", "--trials", "100", "--out", "r"]);
    fs::write(d.join("r/notes.txt"), "mine").unwrap();
    let before = snapshot(&d.join("r"));
    for force in [false, true] {
        let mut args = vec!["run", "--trials", "100", "--out", "r"];
        if force {
            args.push("--force");
        }
        let o = run_in(d, &args);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(stderr(&o).contains("`notes.txt`"), "{}", stderr(&o));
        assert_eq!(before, snapshot(&d.join("r")));
    }
    // A folder of unrelated files is not written into.
    fs::create_dir(d.join("docs")).unwrap();
    fs::write(d.join("docs/a.pdf"), "x").unwrap();
    let o = run_in(d, &["run", "--trials", "100", "--out", "docs"]);
    assert_eq!(code(&o), 1);
    assert_eq!(fs::read_dir(d.join("docs")).unwrap().count(), 1);

    // /, $HOME (a temporary one) and a repository are never written, --force or not.
    let home = d.join("home");
    fs::create_dir(&home).unwrap();
    let repo = d.join("repo");
    fs::create_dir(&repo).unwrap();
    fs::write(repo.join("Cargo.toml"), "").unwrap();
    for (out, why) in [
        ("/", "root folder"),
        (home.to_str().unwrap(), "home folder"),
        ("repo", "Cargo.toml"),
    ] {
        for force in [false, true] {
            let mut args = vec!["run", "--trials", "10", "--out", out];
            if force {
                args.push("--force");
            }
            let o = negsim()
                .current_dir(d)
                .env("HOME", &home)
                .args(&args)
                .output()
                .unwrap();
            assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
            assert!(stderr(&o).contains(why), "{}", stderr(&o));
        }
    }
    assert_eq!(fs::read_dir(&home).unwrap().count(), 0);
    assert_eq!(fs::read_dir(&repo).unwrap().count(), 1);
    assert!(!Path::new("/trials.csv").exists() && !Path::new("/.negsim.lock").exists());

    // Only a temporary left by a killed run: an unfinished run, kept without --force.
    fs::create_dir(d.join("u")).unwrap();
    fs::write(d.join("u/.trials.csv.partial"), "point,trial\n0,").unwrap();
    let o = run_in(d, &["run", "--trials", "100", "--out", "u"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("unfinished run"), "{}", stderr(&o));
    assert!(d.join("u/.trials.csv.partial").exists());
    assert_eq!(code(&run_in(d, &["verify", "u"])), 2);
    ok(d, &["run", "--trials", "100", "--out", "u", "--force"]);
    assert!(!d.join("u/.trials.csv.partial").exists());
    assert!(verifies(d, &d.join("u")));
    // An empty folder is fine.
    fs::create_dir(d.join("e")).unwrap();
    ok(d, &["run", "--trials", "100", "--out", "e"]);
}

#[test]
fn merge_and_report_wait_for_no_one_they_are_refused_by_a_held_lock() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let [_, _] = two_shards(d);
    // This test process holds the lock of `merged` and of `shard-0`, as a running negsim would.
    let hold = |dir: &Path| {
        fs::create_dir_all(dir).unwrap();
        let f = fs::File::create(dir.join(".negsim.lock")).unwrap();
        f.try_lock().unwrap();
        fs::write(
            dir.join(".negsim.lock"),
            format!(
                "pid={}\nhost=here\nsince=2026-12-01T00:00:00Z\n",
                std::process::id()
            ),
        )
        .unwrap();
        f
    };
    let held = hold(&d.join("merged"));
    let m = run_in(d, &["merge", "shard-0", "shard-1", "--out", "merged"]);
    assert_eq!(code(&m), 1, "{}", stderr(&m));
    let e = stderr(&m);
    assert!(
        e.contains("is in use") && e.contains(&format!("pid {} on here", std::process::id())),
        "{e}"
    );
    assert!(!d.join("merged/trials.csv").exists());
    drop(held);
    fs::remove_file(d.join("merged/.negsim.lock")).unwrap();
    ok(d, &["merge", "shard-0", "shard-1", "--out", "merged"]);

    let held = hold(&d.join("shard-0"));
    let r = run_in(d, &["report", "shard-0"]);
    assert_eq!(code(&r), 1, "{}", stderr(&r));
    assert!(stderr(&r).contains("is in use"), "{}", stderr(&r));
    assert!(!d.join("shard-0/report").exists());
    drop(held);
    ok(d, &["report", "shard-0"]);
    assert!(d.join("shard-0/report/report.html").exists());
    assert!(!d.join("shard-0/.negsim.lock").exists());
}
