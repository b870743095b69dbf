//! The README is executable: every command of its ```sh blocks runs, in order, in a
//! temporary copy of the repository, and every figure the README quotes that a seed fixes is
//! compared with what the commands print or write.
//!
//! - The copy holds the whole repository but `target/`, `output/`, `.git` and `fuzz/`.
//! - `negsim ...` lines run through `sh -c` with the `negsim` built for these tests first on
//!   `PATH` (`cargo run --release -- ARGS` is read as `negsim ARGS`: that is what it runs).
//! - `cargo build`/`cargo test`/`cargo bench`/`cargo doc` lines are not run again (this test
//!   runs inside `cargo test`), only checked to be commands cargo has.
//! - Commands that need an optional toolchain (Slurm, Graphviz `dot`, Chromium) are skipped,
//!   or only their `negsim` part is run; [`SKIPS`] lists them with the reason, and the test
//!   prints what it ran, skipped and checked (`cargo test --test integration readme --
//!   --nocapture`).
//! - Figures checked: the trailing `# 55.7% completed [55.0, 56.4]` comments; `# -> DIR` and
//!   `# writes DIR` comments (also on a line of their own under the command); the headline
//!   block (`negsim: ...` lines, with the time and the rate masked: they depend on the
//!   machine); `point,...` blocks (a run's `points.csv`); trace excerpts (every line but `...`
//!   appears in order in the trace named just before the block); any other block that shows
//!   lines the last command printed (in order, `...` for lines or the rest of a line left
//!   out); the command synopsis (every option it shows is in that command's `--help`); the
//!   study table of `p_completed` with Wilson intervals; and "runs N points × M trials".
//!
//! A run's folder is the one the command prints (`-> DIR`), never a hard-coded one, so the
//! test follows the default folders whatever they are. A failure names the README line.

mod parse;

use parse::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Commands skipped, by a substring that identifies them, with the reason.
const SKIPS: &[(&str, &str)] = &[
    (
        "examples/slurm/",
        "needs a Slurm cluster (`bash scripts/slurm-test.sh` checks the scripts on one it starts)",
    ),
    (
        "$RUN_DIR",
        "works on the shard folders of the Slurm run above (merge is tested in tests/integration/shards.rs)",
    ),
    (
        "scripts/slurm-test.sh",
        "starts a Slurm cluster as root (run by `bash .ci/run`)",
    ),
    ("scripts/render-report.sh", "needs headless Chromium"),
    (
        "negsim calibrate",
        "takes minutes (ABC by sequential Monte Carlo); calibration has its own tests",
    ),
    (
        "negsim report output/history-2007-2009.calibration",
        "reads the calibration folder of the skipped `negsim calibrate` above",
    ),
    (
        "scripts/match_rate.py",
        "reads the calibration folder of the skipped `negsim calibrate` above",
    ),
    ("pip install", "needs Python"),
    (
        "python3 -c \"from SALib",
        "needs the Python packages (python/requirements-dev.txt)",
    ),
    (
        "python3 -c \"import csv; import numpy as np; from SALib",
        "needs the Python packages (python/requirements-dev.txt)",
    ),
    ("maturin", "needs Python and maturin"),
];

/// Top-level entries of the repository not copied into the sandbox: built or written there.
const NOT_COPIED: &[&str] = &["target", "output", ".git", "fuzz"];

/// A command slower than this is named in the log, as a candidate for [`SKIPS`].
const SLOW_SECONDS: f64 = 60.0;

/// Pipes into optional tools: only the part before the pipe is run.
const OPTIONAL_PIPES: &[(&str, &str)] = &[("| dot ", "Graphviz `dot` is optional")];

/// Cargo commands the README may show (not re-run: this test runs inside `cargo test`).
const CARGO_COMMANDS: &[&str] = &[
    "cargo test",
    "cargo build --release",
    "cargo bench",
    "cargo doc --open",
    "cargo fmt --check",
    "cargo clippy --all-targets -- -D warnings",
];

/// What one command printed, and the run folder it names.
struct Ran {
    line: usize,
    text: String,
    output: String,
    dir: Option<PathBuf>,
}

/// The copy of the repository the commands run in.
struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    path_env: String,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let root = tmp.path().join("repo");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        // Everything a command may read: the whole repository but what is built or written.
        std::fs::create_dir_all(&root).unwrap();
        for e in std::fs::read_dir(repo).unwrap().flatten() {
            let name = e.file_name();
            if NOT_COPIED.iter().any(|n| name == *n) {
                continue;
            }
            if e.path().is_dir() {
                copy_dir(&e.path(), &root.join(&name));
            } else {
                std::fs::copy(e.path(), root.join(&name)).unwrap();
            }
        }
        let bin = tmp.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_negsim"), bin.join("negsim")).unwrap();
        let path_env = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Sandbox {
            _tmp: tmp,
            root,
            path_env,
        }
    }

    fn sh(&self, cmd: &str) -> std::process::Output {
        Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(&self.root)
            .env("PATH", &self.path_env)
            .env_remove("NEGSIM_BLESS")
            .output()
            .expect("sh")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

struct Report {
    failures: Vec<String>,
    log: Vec<String>,
}

impl Report {
    fn fail(&mut self, line: usize, msg: String) {
        self.failures.push(format!("README.md:{line}: {msg}"));
    }
    fn note(&mut self, line: usize, msg: String) {
        self.log.push(format!("README.md:{line}: {msg}"));
    }
}

/// Run one command of a ```sh block.
fn run_command(sb: &Sandbox, c: &Cmd, rep: &mut Report) -> Option<Ran> {
    if let Some((_, why)) = SKIPS.iter().find(|(k, _)| c.text.contains(k)) {
        rep.note(c.line, format!("skipped `{}`: {why}", c.text));
        return None;
    }
    let mut text = c.text.clone();
    if let Some(rest) = text.strip_prefix("cargo run --release") {
        let args = rest.trim_start().strip_prefix("--").unwrap_or(rest).trim();
        text = format!("negsim {args}").trim().to_string();
    } else if text.starts_with("cargo ") {
        if CARGO_COMMANDS.contains(&text.as_str()) {
            rep.note(c.line, format!("not re-run: `{text}` (inside cargo test)"));
        } else {
            rep.fail(
                c.line,
                format!("`{text}` is not a cargo command this README is known to show; add it to CARGO_COMMANDS in tests/integration/readme.rs if it is right"),
            );
        }
        return None;
    }
    if !text.starts_with("negsim") {
        rep.note(c.line, format!("skipped `{text}`: not a negsim command"));
        return None;
    }
    for (pipe, why) in OPTIONAL_PIPES {
        if let Some(i) = text.find(pipe) {
            rep.note(c.line, format!("ran only `{}` ({why})", text[..i].trim()));
            text = text[..i].trim().to_string();
        }
    }
    let t0 = std::time::Instant::now();
    let out = sb.sh(&text);
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        rep.fail(
            c.line,
            format!("`{}` failed ({}):\n{output}", c.text, out.status),
        );
        return None;
    }
    let secs = t0.elapsed().as_secs_f64();
    rep.note(c.line, format!("ran `{text}` ({secs:.1} s)"));
    if secs > SLOW_SECONDS {
        rep.note(
            c.line,
            format!("slow: {secs:.0} s; consider a smaller budget or an entry in SKIPS"),
        );
    }
    let dir = printed_dir(&output).map(|d| sb.root.join(d));
    // `# -> DIR` and `# writes DIR`.
    let promised = c
        .comment
        .split_once("-> ")
        .or_else(|| c.comment.split_once("writes "))
        .map(|(_, d)| d.split_whitespace().next().unwrap_or("").to_string());
    if let Some(p) = promised.filter(|p| p.starts_with("output/")) {
        let want = sb.root.join(p.trim_end_matches(['/', ',']));
        let same = dir.as_ref().is_some_and(|d| {
            d.canonicalize().ok().is_some() && d.canonicalize().ok() == want.canonicalize().ok()
        });
        if !same {
            rep.fail(
                c.line,
                format!(
                    "`{}` promises to write {p}, it wrote {:?}",
                    c.text,
                    printed_dir(&output)
                ),
            );
        } else {
            rep.note(c.line, format!("checked: writes {p}"));
        }
    }
    if let Some(want) = promised_p_completed(&c.comment) {
        match headline_p_completed(&output) {
            Some(got) if got == want => rep.note(
                c.line,
                format!("checked: {}% completed [{}, {}]", want.0, want.1, want.2),
            ),
            got => rep.fail(
                c.line,
                format!(
                    "`{}` promises {}% completed [{}, {}]; it printed {got:?}",
                    c.text, want.0, want.1, want.2
                ),
            ),
        }
    }
    Some(Ran {
        line: c.line,
        text,
        output,
        dir,
    })
}

/// Check a ```text block that shows what an earlier command printed or wrote.
fn check_text_block(sb: &Sandbox, b: &Block, last: Option<&Ran>, rep: &mut Report) {
    let Some(first) = b.lines.first().map(|(_, l)| l.as_str()) else {
        return;
    };
    if first.starts_with("negsim: ") {
        let Some(r) = last else {
            return rep.fail(b.line, "headline block with no command before it".into());
        };
        let got: Vec<String> = r.output.lines().map(mask_machine).collect();
        for (n, l) in &b.lines {
            let want = mask_machine(l);
            if !got.contains(&want) {
                rep.fail(
                    *n,
                    format!(
                        "`{}` (line {}) does not print `{l}`; it printed:\n{}",
                        r.text, r.line, r.output
                    ),
                );
            }
        }
        rep.note(
            b.line,
            format!(
                "checked: the headline of line {} (time and trials/s depend on the machine)",
                r.line
            ),
        );
    } else if first.starts_with("point,") {
        let Some(dir) = last.and_then(|r| r.dir.clone()) else {
            return rep.fail(b.line, "points.csv block with no run before it".into());
        };
        let got = std::fs::read_to_string(dir.join("points.csv")).unwrap_or_default();
        let want: Vec<&str> = b.lines.iter().map(|(_, l)| l.as_str()).collect();
        let got: Vec<&str> = got.lines().collect();
        if got != want {
            rep.fail(
                b.line,
                format!(
                    "points.csv of `{}` is\n{}\nnot\n{}",
                    last.map(|r| r.text.as_str()).unwrap_or(""),
                    got.join("\n"),
                    want.join("\n")
                ),
            );
        } else {
            rep.note(b.line, "checked: points.csv (trial counts)".into());
        }
    } else if first.starts_with("trial ") && first.contains(" of ") {
        // The trace named in the prose just before the block.
        let cmd = b.prose.iter().rev().find_map(|(n, l)| {
            l.split('`')
                .skip(1)
                .step_by(2)
                .filter(|s| s.starts_with("negsim trace"))
                .last()
                .map(|s| (*n, s.to_string()))
        });
        let Some((n, cmd)) = cmd else {
            return rep.fail(
                b.line,
                "a trace excerpt without a `negsim trace ...` before it".into(),
            );
        };
        let out = sb.sh(&cmd);
        if !out.status.success() {
            return rep.fail(n, format!("`{cmd}` failed"));
        }
        let got = String::from_utf8_lossy(&out.stdout).to_string();
        let mut lines = got.lines();
        for (ln, l) in &b.lines {
            if l.trim() == "..." {
                continue;
            }
            if !lines.any(|g| g == l) {
                rep.fail(
                    *ln,
                    format!("`{cmd}` (line {n}) does not print, in this order, `{l}`"),
                );
                return;
            }
        }
        rep.note(b.line, format!("checked: the excerpt of `{cmd}`"));
    } else if let Some(r) = last.filter(|r| {
        r.output
            .lines()
            .any(|g| mask_machine(g) == mask_machine(first))
    }) {
        // Any other excerpt of what the last command printed: its lines in order, `...`
        // standing for lines left out, a trailing `...` for the rest of a line.
        let mut got = r.output.lines().map(mask_machine);
        for (n, l) in &b.lines {
            if l.trim() == "..." {
                continue;
            }
            let want = mask_machine(l);
            let found = match want.strip_suffix("...") {
                Some(prefix) => got.any(|g| g.starts_with(prefix.trim_end())),
                None => got.any(|g| g == want),
            };
            if !found {
                rep.fail(
                    *n,
                    format!(
                        "`{}` (line {}) does not print, in this order, `{l}`; it printed:\n{}",
                        r.text, r.line, r.output
                    ),
                );
                return;
            }
        }
        rep.note(
            b.line,
            format!("checked: the output of line {} shown here", r.line),
        );
    } else if first.starts_with("negsim ") && first.contains(" [") {
        check_synopsis(sb, b, rep);
    } else {
        rep.note(
            b.line,
            format!("text block not checked (`{first}`): not the output of a command"),
        );
    }
}

/// The command synopsis: every `negsim <command>` has `--help`, and every `--option` the
/// synopsis shows is in that help.
fn check_synopsis(sb: &Sandbox, b: &Block, rep: &mut Report) {
    let mut options: Vec<(String, Vec<(usize, String)>)> = Vec::new();
    for (n, l) in &b.lines {
        for (k, part) in l.split("negsim ").enumerate() {
            let mut words = part.split_whitespace();
            if k > 0 {
                let cmd = words.next().unwrap_or("").to_string();
                if options.last().map(|(c, _)| c) != Some(&cmd) {
                    options.push((cmd, Vec::new()));
                }
            }
            let Some((_, opts)) = options.last_mut() else {
                continue;
            };
            for w in words {
                let w = w.trim_matches(|c| c == '[' || c == ']' || c == '.');
                if let Some(o) = w.strip_prefix("--") {
                    let o = o.split(['=', ']']).next().unwrap_or("");
                    opts.push((*n, format!("--{o}")));
                }
            }
        }
    }
    for (cmd, opts) in &options {
        let out = sb.sh(&format!("negsim {cmd} --help"));
        let help = String::from_utf8_lossy(&out.stdout).to_string();
        if !out.status.success() {
            rep.fail(b.line, format!("`negsim {cmd} --help` failed"));
            continue;
        }
        for (n, o) in opts {
            if !help.contains(o.as_str()) {
                rep.fail(
                    *n,
                    format!("`negsim {cmd}` has no option {o} (not in its --help)"),
                );
            }
        }
    }
    rep.note(
        b.line,
        format!(
            "checked: the synopsis ({} commands, {} options, against --help)",
            options.len(),
            options.iter().map(|(_, o)| o.len()).sum::<usize>()
        ),
    );
}

/// The `| DPRK compliance | US 0.6 | ...` table: `p_completed` [Wilson] per point of the
/// study run before it; and "runs N points × M trials".
fn check_study_table(readme: &str, runs: &[Ran], rep: &mut Report) {
    let lines: Vec<&str> = readme.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| l.starts_with("| DPRK compliance | US "))
    else {
        return;
    };
    let Some(run) = runs
        .iter()
        .rev()
        .find(|r| r.line < start + 1 && r.text.contains("--study"))
    else {
        return rep.fail(
            start + 1,
            "study table with no `--study` run before it".into(),
        );
    };
    let Some(dir) = &run.dir else {
        return rep.fail(run.line, "the study run printed no folder".into());
    };
    let (h, rows) = match read_csv(&dir.join("summary.csv")) {
        Ok(x) => x,
        Err(e) => return rep.fail(run.line, e),
    };
    let col = |n: &str| h.iter().position(|c| c == n).unwrap_or(usize::MAX);
    let (dc, uc, mc) = (
        col("party.DPRK.compliance"),
        col("party.US.compliance"),
        col("metric"),
    );
    let (mean, lo, hi) = (col("mean"), col("ci95_low"), col("ci95_high"));
    let mut cell: HashMap<(String, String), String> = HashMap::new();
    for r in rows
        .iter()
        .filter(|r| r.get(mc).map(String::as_str) == Some("p_completed"))
    {
        let f = |i: usize| {
            r.get(i)
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        let k = |i: usize| r.get(i).cloned().unwrap_or_default();
        cell.insert(
            (k(dc), k(uc)),
            format!("{:.3} [{:.3}, {:.3}]", f(mean), f(lo), f(hi)),
        );
    }
    let us: Vec<String> = lines[start]
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .skip(1)
        .map(|s| s.trim_start_matches("US ").to_string())
        .collect();
    let mut checked = 0;
    for (i, l) in lines.iter().enumerate().skip(start + 2) {
        if !l.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = l
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        for (j, want) in cells.iter().skip(1).enumerate() {
            let key = (cells[0].to_string(), us.get(j).cloned().unwrap_or_default());
            let got = cell.get(&key).cloned().unwrap_or_else(|| "nothing".into());
            if got != *want {
                rep.fail(
                    i + 1,
                    format!(
                        "DPRK {} US {}: the README says {want}, `{}` gives {got}",
                        key.0, key.1, run.text
                    ),
                );
            }
            checked += 1;
        }
    }
    rep.note(
        start + 1,
        format!("checked: {checked} cells of the study table"),
    );
    // "It runs 15 points × 20,000 trials"
    if let Some((n, l)) = lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains(" points × ") && l.contains("runs "))
    {
        let after = l.split("runs ").nth(1).unwrap_or("");
        let mut it = after.split_whitespace();
        let pts = it.next().unwrap_or("");
        let trials = it.nth(2).unwrap_or("").replace(',', "");
        let got = read_csv(&dir.join("points.csv")).map(|(h, rows)| {
            let t = h.iter().position(|c| c == "trials").unwrap_or(usize::MAX);
            let all: Vec<String> = rows.iter().filter_map(|r| r.get(t)).cloned().collect();
            (rows.len().to_string(), all)
        });
        match got {
            Ok((np, all)) if np == pts && all.iter().all(|t| *t == trials) => {
                rep.note(n + 1, format!("checked: {pts} points × {trials} trials"))
            }
            other => rep.fail(
                n + 1,
                format!(
                    "the study should run {pts} points × {trials} trials; points.csv says {other:?}"
                ),
            ),
        }
    }
}

#[test]
fn readme_commands_and_figures() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let sb = Sandbox::new();
    let mut rep = Report {
        failures: Vec::new(),
        log: Vec::new(),
    };
    let mut runs: Vec<Ran> = Vec::new();
    for b in blocks(&readme) {
        match b.kind.as_str() {
            "sh" => {
                for c in commands(&b) {
                    if let Some(r) = run_command(&sb, &c, &mut rep) {
                        runs.push(r);
                    }
                }
            }
            "text" => check_text_block(&sb, &b, runs.last(), &mut rep),
            "python" => rep.note(
                b.line,
                "python block not run: needs Python with pandas".into(),
            ),
            _ => {}
        }
    }
    check_study_table(&readme, &runs, &mut rep);
    println!("README commands and figures:\n  {}", rep.log.join("\n  "));
    assert!(
        rep.failures.is_empty(),
        "the README does not do what it says:\n{}",
        rep.failures.join("\n")
    );
}
