//! Bounds and bad input: nothing grows with the trials, the points or the shock arrivals,
//! and every kind of bad input (a rate, an id, a file that is not a scenario, an implausible
//! sweep, too many threads) is a clear error with exit code 2, before anything is written.
//! Also the default run folders and the sweep headline.

use crate::common::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// Run negsim in `dir`; return the exit code and stderr.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = negsim().current_dir(dir).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn bad(dir: &Path, args: &[&str], wants: &[&str]) -> String {
    let (code, err) = run_in(dir, args);
    assert_eq!(code, 2, "negsim {args:?}: exit {code}, stderr: {err}");
    for w in wants {
        assert!(err.contains(w), "negsim {args:?}: no `{w}` in: {err}");
    }
    assert!(err.len() < 2000, "message too long: {} bytes", err.len());
    err
}

fn default_with_rate(rate: &str) -> String {
    let text = std::fs::read_to_string(repo("scenarios/second-phase-2007.toml")).unwrap();
    text.replacen("rate_per_year = 0.4", &format!("rate_per_year = {rate}"), 1)
}

#[test]
fn a_shock_rate_with_too_many_arrivals_is_refused_by_check_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    for rate in ["1e9", "1e20"] {
        std::fs::write(tmp.path().join("s.toml"), default_with_rate(rate)).unwrap();
        bad(
            tmp.path(),
            &["check", "s.toml"],
            &["s.toml:", "shock `", "at most 10000"],
        );
        bad(
            tmp.path(),
            &["run", "s.toml", "--trials", "10"],
            &["at most 10000"],
        );
    }
    // A sweep validates every point, so a bad rate in --vary is caught before any trial.
    let err = bad(
        tmp.path(),
        &[
            "run",
            "--trials",
            "10",
            "--vary",
            "shock.banking-dispute.rate_per_year=0.5,1e12",
        ],
        &["sweep point 1", "at most 10000"],
    );
    assert!(!tmp.path().join("output").exists(), "{err}");
    // Just under the limit is fine for check.
    std::fs::write(tmp.path().join("ok.toml"), default_with_rate("1000")).unwrap();
    let (code, err) = run_in(tmp.path(), &["check", "ok.toml"]);
    assert_eq!(code, 0, "{err}");
}

/// Memory of a process, from /proc (Linux), in kB.
fn rss_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_huge_trial_count_starts_writing_at_once_in_flat_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("negsim"))
        .current_dir(tmp.path())
        .args([
            "run",
            "--trials",
            "1000000000000",
            "--threads",
            "2",
            "--out",
            "big",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0;
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(150));
        if let Some(kb) = rss_kb(child.id()) {
            peak = peak.max(kb);
        }
    }
    let written = std::fs::read_dir(tmp.path().join("big"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum::<u64>()
        })
        .unwrap_or(0);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(peak > 0 && peak < 200_000, "peak RSS {peak} kB");
    assert!(written > 0, "no rows written within 3 s");
}

#[test]
fn implausible_sweeps_and_thread_counts_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    bad(
        d,
        &[
            "run",
            "--vary",
            "party.DPRK.compliance=0.3,0.5",
            "--trials",
            "9223372036854775808",
        ],
        &["2 points x 9223372036854775808 trials", "2^64"],
    );
    bad(
        d,
        &[
            "run",
            "--vary",
            "party.DPRK.compliance=0:1:1000000",
            "--vary",
            "party.US.compliance=0.5,0.6",
        ],
        &["more than 1000000 points", "1000000 x 2"],
    );
    bad(
        d,
        &[
            "run",
            "--design",
            "lhs",
            "--points",
            "10000000",
            "--vary",
            "party.DPRK.compliance=0..1",
        ],
        &["--points 10000000", "at most 1000000"],
    );
    let clock = Instant::now();
    bad(
        d,
        &["run", "--threads", "10000"],
        &["--threads 10000", "1 to 1024"],
    );
    bad(d, &["run", "--threads", "0"], &["--threads 0"]);
    assert!(clock.elapsed() < Duration::from_secs(10));
    bad(
        d,
        &[
            "run",
            "--vary",
            "party.DPRK.compliance=0.3",
            "--vary",
            "party.DPRK.compliance=0.5",
        ],
        &["varied twice"],
    );
    assert!(!d.join("output").exists());
}

#[test]
fn an_id_too_long_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let long = "P".repeat(65_536);
    let text = format!(
        "{}\n[[phase]]\nid = \"p\"\n[[action]]\nid = \"x\"\nparty = \"A\"\nphase = \"p\"\n",
        header(100).replacen("id = \"B\"", &format!("id = \"{long}\""), 1)
    );
    std::fs::write(tmp.path().join("s.toml"), text).unwrap();
    bad(
        tmp.path(),
        &["check", "s.toml"],
        &["s.toml:", "at most 256 characters", "(65536 characters)"],
    );
    let over = format!(
        "{}\n[[phase]]\nid = \"p\"\n[[action]]\nid = \"x\"\nparty = \"A\"\nphase = \"p\"\n",
        header(100).replacen("id = \"B\"", &format!("id = \"{}\"", "P".repeat(257)), 1)
    );
    std::fs::write(tmp.path().join("over.toml"), over).unwrap();
    bad(
        tmp.path(),
        &["check", "over.toml"],
        &["over.toml:", "at most 256 characters", "(257 characters)"],
    );
    // 256 is fine.
    let ok = format!(
        "{}\n[[phase]]\nid = \"p\"\n[[action]]\nid = \"x\"\nparty = \"A\"\nphase = \"p\"\n",
        header(100).replacen("id = \"B\"", &format!("id = \"{}\"", "P".repeat(256)), 1)
    );
    std::fs::write(tmp.path().join("ok.toml"), ok).unwrap();
    assert_eq!(run_in(tmp.path(), &["check", "ok.toml"]).0, 0);
}

#[test]
fn files_that_are_not_scenarios_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for cmd in ["check", "run", "trace", "graph"] {
        let mut args = vec![cmd, "/dev/zero"];
        if cmd == "trace" {
            args.extend(["--trial", "0"]);
        }
        bad(d, &args, &["/dev/zero", "not a regular file"]);
    }
    bad(d, &["check", "."], &["a folder"]);
    bad(
        d,
        &["check", "--with", "/dev/urandom"],
        &["/dev/urandom", "not a regular file"],
    );
    // A fifo would block a reader forever.
    let fifo = d.join("pipe.toml");
    if std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        bad(
            d,
            &["check", "pipe.toml"],
            &["pipe.toml", "not a regular file"],
        );
    }
    // Over the size limit (sparse: nothing is really written).
    let f = std::fs::File::create(d.join("big.toml")).unwrap();
    f.set_len(negsim::scenario::MAX_FILE_BYTES + 1).unwrap();
    drop(f);
    bad(
        d,
        &["check", "big.toml"],
        &["big.toml", "at most 16777216 bytes"],
    );
    bad(d, &["run", "--study", "big.toml"], &["big.toml", "at most"]);
}

#[test]
fn a_missing_file_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    bad(
        d,
        &["check", "scenarios/secnd-phase.toml"],
        &["secnd-phase.toml", "no such file"],
    );
    bad(d, &["run", "nope.toml"], &["nope.toml", "no such file"]);
    bad(
        d,
        &["run", "--with", "nope.toml"],
        &["nope.toml", "no such file"],
    );
    bad(
        d,
        &["run", "--study", "nope.toml"],
        &["nope.toml", "no such file"],
    );
    bad(
        d,
        &["trace", "--trial", "0", "--with", "nope.toml"],
        &["no such file"],
    );
    assert!(!d.join("output").exists());
}

#[test]
fn invalid_utf8_and_deep_nesting_name_the_file_and_position() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("u.toml"),
        b"[scenario]\nname = \"t\"\ntitle = \"ab\xff\"\n",
    )
    .unwrap();
    bad(d, &["check", "u.toml"], &["u.toml:3:12", "not valid UTF-8"]);
    bad(d, &["run", "--with", "u.toml"], &["u.toml:3:12"]);
    let deep = format!(
        "{}\nx = {}{}\n",
        header(10),
        "[".repeat(5000),
        "]".repeat(5000)
    );
    std::fs::write(d.join("n.toml"), deep).unwrap();
    bad(d, &["check", "n.toml"], &["n.toml:", "nested too deeply"]);
    // The same words for a study file and a calibration file.
    let nest = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    std::fs::write(
        d.join("ns.toml"),
        format!("[study]\ntrials = 10\nvary = {nest}\n"),
    )
    .unwrap();
    bad(
        d,
        &["run", "--study", "ns.toml", "--out", "ns-out"],
        &["ns.toml:3:", "nested too deeply"],
    );
    std::fs::write(d.join("nc.toml"), format!("[calibration]\nseed = {nest}\n")).unwrap();
    bad(
        d,
        &["calibrate", "nc.toml", "--out", "nc-out"],
        &["nc.toml:2:", "nested too deeply"],
    );
}

#[test]
fn default_folders_are_named_after_what_ran() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let with = repo("scenarios/whatif/japan-joins-assistance.toml");
    let with = with.to_str().unwrap();
    let ok = |args: &[&str]| {
        let (code, err) = run_in(d, args);
        assert_eq!(code, 0, "negsim {args:?}: {err}");
        err
    };
    ok(&["run", "--trials", "100"]);
    ok(&["run", "--trials", "100", "--with", with]);
    ok(&[
        "run",
        "--trials",
        "100",
        "--vary",
        "party.DPRK.compliance=0.3,0.5",
        "--vary",
        "party.US.compliance=0.6,0.9",
    ]);
    ok(&[
        "run",
        "--trials",
        "100",
        "--design",
        "lhs",
        "--points",
        "3",
        "--vary",
        "party.DPRK.compliance=0.2..0.8",
    ]);
    ok(&["run", "--trials", "100", "--with", with, "--shard", "0/2"]);
    for f in [
        "second-phase-2007",
        "second-phase-2007+japan-joins-assistance",
        "second-phase-2007+vary-party.DPRK.compliance-party.US.compliance",
        "second-phase-2007+lhs-party.DPRK.compliance",
        "second-phase-2007+japan-joins-assistance/shard-0-of-2",
    ] {
        assert!(
            d.join("output").join(f).join("manifest.json").is_file(),
            "no run in output/{f}"
        );
    }
}

#[test]
fn a_sweep_headline_is_a_table_of_points() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, err) = run_in(
        tmp.path(),
        &[
            "run",
            "--trials",
            "50",
            "--vary",
            "party.DPRK.compliance=0.1:0.9:25",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("point  party.DPRK.compliance  p_completed"),
        "{err}"
    );
    assert!(err.contains("\n  19     0.733333333333"), "{err}");
    assert!(!err.contains("\n  20 "), "{err}");
    assert!(err.contains("... 5 more points, see "), "{err}");
    // One point keeps the plain headline.
    let (_, one) = run_in(tmp.path(), &["run", "--trials", "50", "--out", "one"]);
    assert!(
        one.contains("  p_completed") && !one.contains("point  "),
        "{one}"
    );
}

#[test]
fn a_study_without_out_runs_into_a_folder_named_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo("scenarios/second-phase-2007.toml");
    std::fs::write(
        tmp.path().join("my-study.toml"),
        format!(
            "[study]\nscenario = \"{}\"\ntrials = 50\nvary = [\"party.DPRK.compliance=0.3,0.5\"]\n",
            scenario.display()
        ),
    )
    .unwrap();
    let (code, err) = run_in(tmp.path(), &["run", "--study", "my-study.toml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        tmp.path().join("output/my-study/manifest.json").is_file(),
        "{err}"
    );
}

#[test]
fn the_first_bad_point_is_named_whatever_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let mut values: Vec<String> = (0..300).map(|i| format!("0.{i:03}")).collect();
    values[137] = "1.5".into();
    values[250] = "2.5".into();
    let vary = format!("party.DPRK.compliance={}", values.join(","));
    for threads in ["1", "2"] {
        let err = bad(
            tmp.path(),
            &[
                "run",
                "--trials",
                "1",
                "--threads",
                threads,
                "--vary",
                &vary,
            ],
            &["sweep point 137", "1.5"],
        );
        assert!(!err.contains("2.5"), "{err}");
    }
}
