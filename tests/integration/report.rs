//! `negsim report DIR`: every chart is well-formed SVG with a title and labelled axes, the page
//! inlines and links every chart, names the scenario and the seed, and sweeps get their charts.

use crate::common::negsim;
use std::path::{Path, PathBuf};

const TITLE: &str =
    "Second-Phase Actions for the Implementation of the Joint Statement (Six-Party Talks, 2007)";

/// Run the bundled scenario into `dir` with a few trials (seed 11), then `negsim report dir`.
fn run_and_report(dir: &Path, trials: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "run", "--trials", trials, "--seed", "11", "--force", "--out",
    ];
    let out = dir.to_str().expect("utf-8 temp path");
    args.push(out);
    args.extend_from_slice(extra);
    negsim().args(&args).assert().success();
    let done = negsim().args(["report", out]).assert().success();
    String::from_utf8(done.get_output().stdout.clone()).expect("utf-8 stdout")
}

/// Parse an SVG file as XML and return the text of its `<text>` elements.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not well-formed XML: {e}", path.display()));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{}", path.display());
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg"),
        "{}",
        path.display()
    );
    assert!(root.attribute("viewBox").is_some(), "{}", path.display());
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Assert a chart has a text starting with each of `wanted` (its title first, then axis labels).
fn assert_chart(report: &Path, file: &str, wanted: &[&str]) -> Vec<String> {
    let path = report.join(file);
    assert!(path.exists(), "{file} was not written");
    let texts = svg_texts(&path);
    for w in wanted {
        assert!(
            texts.iter().any(|t| t.starts_with(w)),
            "{file}: no text starting with `{w}` in {texts:?}"
        );
    }
    texts
}

fn html(report: &Path) -> String {
    std::fs::read_to_string(report.join("report.html")).expect("report.html")
}

fn svg_files(report: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(report)
        .expect("report folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    v.sort();
    v
}

/// The page inlines every chart and links its file; it needs no network and no script.
fn assert_page_holds_every_chart(report: &Path) {
    let page = html(report);
    let files = svg_files(report);
    assert!(!files.is_empty());
    for f in &files {
        assert!(
            page.contains(&format!("href=\"{f}\"")),
            "report.html does not link {f}"
        );
    }
    assert_eq!(
        page.matches("<svg ").count(),
        files.len(),
        "report.html should inline each chart once"
    );
    assert!(
        !page.contains("<script"),
        "report.html must not need JavaScript"
    );
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.contains(attr), "report.html loads something: {attr}");
    }
}

#[test]
fn report_of_a_plain_run_has_every_chart_and_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    let stdout = run_and_report(&run, "150", &[]);
    let report = run.join("report");
    assert!(
        stdout.contains("report.html"),
        "says where it wrote: {stdout}"
    );
    assert!(
        stdout.contains(&report.display().to_string()),
        "names the folder: {stdout}"
    );

    let date_axis = "date (day 0 = 3 October 2007)";
    let share = "share of trials (%)";
    assert_chart(
        &report,
        "outcomes.svg",
        &[
            "Outcome shares with 95% intervals",
            share,
            "outcome",
            "completed",
            "collapsed",
            "stalled",
        ],
    );
    let process = assert_chart(
        &report,
        "process.svg",
        &[
            "Trials completed, collapsed and still running by date",
            share,
            date_axis,
            "completed (",
            "collapsed (",
            "still running (",
        ],
    );
    assert!(
        process
            .iter()
            .any(|t| t.ends_with(" 2007") || t.ends_with(" 2008")),
        "calendar dates on the time axis: {process:?}"
    );
    assert_chart(
        &report,
        "phases.svg",
        &[
            "Completion of each phase by date",
            "share of trials with the phase done (%)",
            date_axis,
            "disablement (",
            "ministerial (",
        ],
    );
    assert_chart(
        &report,
        "quantity-t-hfo.svg",
        &[
            "Delivered t HFO at the end of a trial",
            "delivered by the end of the trial (t HFO)",
            share,
            "mean: ",
        ],
    );
    assert_chart(
        &report,
        "delays.svg",
        &[
            "Delays by party",
            "delays per trial (count)",
            "party",
            "DPRK",
            "median",
        ],
    );
    assert_chart(
        &report,
        "walkouts.svg",
        &[
            "Who walked out",
            "trials it walked out of (%)",
            "party",
            "95% interval",
        ],
    );
    assert_eq!(
        svg_files(&report),
        vec![
            "delays.svg",
            "outcomes.svg",
            "phases.svg",
            "process.svg",
            "quantity-t-hfo.svg",
            "walkouts.svg"
        ]
    );

    assert_page_holds_every_chart(&report);
    let page = html(&report);
    assert!(page.contains(TITLE), "scenario title");
    assert!(
        page.contains("Source: Second-Phase Actions"),
        "scenario source"
    );
    assert!(page.contains("<th>seed</th><td>11</td>"), "the seed");
    assert!(page.contains("scenario SHA-256"), "the scenario's hash");
    assert!(page.contains("Median end date"), "headline figures");
    assert!(page.contains("negsim version"));
}

#[test]
fn write_report_lists_the_files_it_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    run_and_report(&run, "60", &[]);
    // Again, from the library: it replaces the report.
    let s = negsim::report::write_report(&run).expect("report");
    assert_eq!(s.dir, run.join("report"));
    assert_eq!(s.html, run.join("report").join("report.html"));
    assert_eq!(s.files.len(), s.charts + 1);
    assert_eq!(s.files.last(), Some(&s.html));
    for f in &s.files {
        assert!(f.exists(), "{}", f.display());
    }
    let listed: Vec<PathBuf> = svg_files(&s.dir).iter().map(|f| s.dir.join(f)).collect();
    let mut written: Vec<PathBuf> = s.files[..s.charts].to_vec();
    written.sort();
    assert_eq!(listed, written);
}

#[test]
fn one_varied_parameter_gets_lines_with_bands() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("sweep");
    run_and_report(&run, "150", &["--vary", "party.DPRK.compliance=0.3:0.7:3"]);
    let report = run.join("report");
    assert_chart(
        &report,
        "sweep-outcomes.svg",
        &[
            "Outcome shares against party.DPRK.compliance",
            "party.DPRK.compliance (0 to 1)",
            "share of trials (%)",
            "completed (band: 95% interval)",
        ],
    );
    assert_chart(
        &report,
        "sweep-end-date.svg",
        &[
            "End date of a trial against party.DPRK.compliance",
            "end date of a trial (calendar date)",
            "mean end date",
            "median end date",
        ],
    );
    assert_chart(
        &report,
        "sweep-completion-by-date.svg",
        &[
            "Share of trials completed by date at 3 sweep points",
            "point 0: party.DPRK.compliance = 0.3",
            "point 2: party.DPRK.compliance = 0.7",
        ],
    );
    assert_chart(
        &report,
        "outcomes.svg",
        &[
            "Outcome shares by sweep point",
            "sweep point: party.DPRK.compliance",
            "0.5",
        ],
    );
    // The detailed charts say which point they show.
    assert_chart(
        &report,
        "process.svg",
        &[
            "Trials completed, collapsed and still running by date (point 0: party.DPRK.compliance = 0.3)",
        ],
    );
    assert_page_holds_every_chart(&report);
    let page = html(&report);
    assert!(page.contains(TITLE));
    assert!(
        page.contains("<th>party.DPRK.compliance</th>"),
        "the points table"
    );
}

#[test]
fn two_varied_parameters_get_heatmaps_with_a_colour_scale() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("grid");
    run_and_report(
        &run,
        "150",
        &[
            "--vary",
            "party.DPRK.compliance=0.3,0.7",
            "--vary",
            "party.US.compliance=0.5,0.75,1",
        ],
    );
    let report = run.join("report");
    for (metric, word) in [("p_completed", "completed"), ("p_collapsed", "collapsed")] {
        let texts = assert_chart(
            &report,
            &format!("heatmap-{metric}.svg"),
            &[
                &format!("Share of trials {word}: party.DPRK.compliance by party.US.compliance"),
                "party.DPRK.compliance (0 to 1)",
                "party.US.compliance (0 to 1)",
                &format!("{metric} (%)"),
                "100%",
            ],
        );
        // One labelled cell per point.
        let cells = texts
            .iter()
            .filter(|t| t.ends_with('%') && t.contains('.'))
            .count();
        assert_eq!(cells, 6, "{texts:?}");
    }
    assert!(!report.join("sweep-outcomes.svg").exists());
    assert_page_holds_every_chart(&report);
}

#[test]
fn three_varied_parameters_get_one_panel_each() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("cube");
    run_and_report(
        &run,
        "40",
        &[
            "--vary",
            "party.DPRK.compliance=0.3,0.7",
            "--vary",
            "party.US.compliance=0.5,1",
            "--vary",
            "party.JPN.compliance=0.4,0.8",
        ],
    );
    let report = run.join("report");
    assert_chart(
        &report,
        "sweep-marginals.svg",
        &[
            "Outcome shares against each of the 3 varied parameters",
            "party.DPRK.compliance (0 to 1)",
            "party.US.compliance (0 to 1)",
            "party.JPN.compliance (0 to 1)",
            "share of trials (%)",
        ],
    );
    assert_page_holds_every_chart(&report);
}

#[test]
fn report_refuses_a_folder_without_a_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("unfinished");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("trials.csv"), "point,trial\n").unwrap();
    let out = negsim()
        .args(["report", dir.to_str().unwrap()])
        .assert()
        .failure();
    // Bad input (exit 2), as `verify` says of the same folder.
    assert_eq!(out.get_output().status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("no manifest.json"), "{stderr}");
    assert!(stderr.contains("finished run"), "{stderr}");
    assert!(!dir.join("report").exists(), "nothing written");
}

/// Run `args` (a `negsim run` after `run`) into `dir`, then `negsim report dir`.
fn run_args_and_report(dir: &Path, args: &[&str]) {
    let out = dir.to_str().expect("utf-8 temp path");
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--seed", "11", "--force", "--out", out]);
    negsim().args(&all).assert().success();
    negsim().args(["report", out]).assert().success();
}

#[test]
fn a_run_with_suspensions_gets_suspended_days_by_party_and_lapses_by_action() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    run_args_and_report(
        &run,
        &[
            "scenarios/history-2007-2009.toml",
            "--actions",
            "--trials",
            "60",
        ],
    );
    let report = run.join("report");
    let texts = assert_chart(
        &report,
        "suspended.svg",
        &[
            "Suspended days by party",
            "party",
            "suspended days per trial (days)",
            "DPRK",
            "US",
            "mean suspended days",
            "95% interval",
        ],
    );
    // The bars are labelled with their means; some party's actions were suspended.
    assert!(
        texts
            .iter()
            .filter_map(|t| t.parse::<f64>().ok())
            .any(|x| x > 0.0),
        "a non-zero mean is labelled: {texts:?}"
    );
    assert_page_holds_every_chart(&report);
    let page = html(&report);
    assert!(page.contains("<h2>Lapses by action</h2>"), "lapses table");
    assert!(
        page.contains("<tr><td>discharge-fuel-rods</td>"),
        "one row per action"
    );
    assert!(!page.contains("No chart of suspended days by party"));
}

#[test]
fn a_run_without_suspension_or_without_actions_csv_has_no_suspension_chart() {
    let tmp = tempfile::tempdir().unwrap();
    // The bundled 0.2 scenario with --actions: the columns are there, every day is zero.
    let with = tmp.path().join("with");
    run_and_report(&with, "40", &["--actions"]);
    // The history scenario without --actions: no actions.csv.
    let without = tmp.path().join("without");
    run_args_and_report(
        &without,
        &["scenarios/history-2007-2009.toml", "--trials", "40"],
    );
    for run in [with, without] {
        let report = run.join("report");
        assert!(
            !svg_files(&report).contains(&"suspended.svg".to_string()),
            "{}",
            run.display()
        );
        assert!(!html(&report).contains("Lapses by action"));
    }
}

#[test]
fn a_changed_scenario_file_drops_only_the_party_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("history.toml");
    std::fs::copy("scenarios/history-2007-2009.toml", &scenario).unwrap();
    let run = tmp.path().join("run");
    let s = scenario.to_str().unwrap();
    let out = run.to_str().unwrap();
    negsim()
        .args(["run", s, "--actions", "--trials", "30", "--out", out])
        .assert()
        .success();
    std::fs::write(&scenario, "# edited after the run\n").unwrap();
    negsim().args(["report", out]).assert().success();
    let report = run.join("report");
    assert!(!svg_files(&report).contains(&"suspended.svg".to_string()));
    let page = html(&report);
    assert!(page.contains("<h2>Lapses by action</h2>"));
    assert!(
        page.contains("No chart of suspended days by party") && page.contains("has changed"),
        "says why"
    );
}

/// Rewrite `dir/manifest.json` so that it seals the files as they are now (rows and SHA-256),
/// as someone who edits a run's files and then its manifest would.
fn reseal(dir: &Path) {
    use sha2::Digest;
    let mp = dir.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&mp).unwrap()).unwrap();
    for o in m["outputs"].as_array_mut().unwrap() {
        let file = o["file"].as_str().unwrap().to_string();
        if file == "manifest.json" {
            continue;
        }
        let bytes = std::fs::read(dir.join(&file)).unwrap();
        let rows = bytes.iter().filter(|&&b| b == b'\n').count() - 1;
        o["rows"] = rows.into();
        o["sha256"] = format!("{:x}", sha2::Sha256::digest(&bytes)).into();
    }
    std::fs::write(&mp, serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

/// Replace column `name` of every data row of `dir/file` with `value`.
fn set_column(dir: &Path, file: &str, name: &str, value: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let k = header.split(',').position(|c| c == name).unwrap();
    let mut out = format!("{header}\n");
    for l in lines {
        let mut cells: Vec<&str> = l.split(',').collect();
        cells[k] = value;
        out += &cells.join(",");
        out.push('\n');
    }
    std::fs::write(&p, out).unwrap();
}

/// Files edited and their manifest resealed pass `verify`; the report must still never panic
/// or allocate by a day no run writes: means as large as a run may write are drawn, larger
/// ones and an end_day past the longest horizon are refused by line.
#[test]
fn report_of_resealed_extreme_values_draws_or_refuses_without_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let out = base.to_str().unwrap();
    negsim()
        .args(["run", "--trials", "20", "--seed", "3", "--out", out])
        .args(["--vary", "party.DPRK.compliance=0.3,0.6"])
        .assert()
        .success();
    for (value, drawn) in [
        ("1e15", true),
        ("-1", false),
        ("1e308", false),
        ("-1e308", false),
        ("inf", false),
        ("18446744073709551615", false),
    ] {
        let dir = tmp.path().join(format!("mean{value}"));
        copy_dir(&base, &dir);
        set_column(&dir, "summary.csv", "mean", value);
        reseal(&dir);
        negsim()
            .args(["verify", dir.to_str().unwrap()])
            .assert()
            .success();
        let done = negsim().args(["report", dir.to_str().unwrap()]).assert();
        if drawn {
            done.success();
        } else {
            let stderr = String::from_utf8_lossy(&done.code(1).get_output().stderr).to_string();
            assert!(
                stderr.contains("not a figure negsim writes") || stderr.contains("below 0"),
                "{value}: {stderr}"
            );
        }
    }
    let dir = tmp.path().join("ci_low");
    copy_dir(&base, &dir);
    set_column(&dir, "summary.csv", "ci95_low", "-1e15");
    reseal(&dir);
    let done = negsim()
        .args(["report", dir.to_str().unwrap()])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
    assert!(stderr.contains("ci95_low"), "{stderr}");
    let dir = tmp.path().join("end_day");
    copy_dir(&base, &dir);
    set_column(&dir, "trials.csv", "end_day", "18446744073709551615");
    reseal(&dir);
    negsim()
        .args(["verify", dir.to_str().unwrap()])
        .assert()
        .success();
    let done = negsim()
        .args(["report", dir.to_str().unwrap()])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
    assert!(
        stderr.contains("trials.csv line 2") && stderr.contains("past the longest horizon"),
        "{stderr}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A file the user put in `report/` is never overwritten nor removed: `report` and
/// `run --force` refuse the folder; a report negsim wrote (listed in its marker) is
/// replaced by the next.
#[test]
fn a_users_file_in_report_is_never_overwritten_or_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("run");
    let out = d.to_str().unwrap();
    run_and_report(&d, "50", &[]);
    let marker = std::fs::read_to_string(d.join("report/.negsim-report")).unwrap();
    assert!(marker.lines().any(|l| l == "report.html"), "{marker}");
    // Drawn again over its own report.
    negsim().args(["report", out]).assert().success();
    // A report killed halfway (its marker written first, some charts, a temporary, no page
    // yet) is still negsim's: drawn over by the next report, removed by run --force.
    std::fs::remove_file(d.join("report/report.html")).unwrap();
    std::fs::write(d.join("report/.report.html.partial"), "<html").unwrap();
    negsim().args(["report", out]).assert().success();
    std::fs::remove_file(d.join("report/report.html")).unwrap();
    negsim()
        .args(["run", "--trials", "20", "--force", "--out", out])
        .assert()
        .success();
    assert!(!d.join("report").exists());
    for (name, text) in [
        ("mine.html", "<b>mine</b>"),
        ("outcomes.svg", "<svg>mine</svg>"),
    ] {
        let dir = tmp.path().join(format!("user-{name}"));
        let o = dir.to_str().unwrap();
        negsim()
            .args(["run", "--trials", "20", "--out", o])
            .assert()
            .success();
        std::fs::create_dir_all(dir.join("report")).unwrap();
        std::fs::write(dir.join("report").join(name), text).unwrap();
        let done = negsim().args(["report", o]).assert().code(1);
        let stderr = String::from_utf8_lossy(&done.get_output().stderr).to_string();
        assert!(stderr.contains(&format!("`{name}`")), "{stderr}");
        negsim()
            .args(["run", "--trials", "20", "--force", "--out", o])
            .assert()
            .code(1);
        assert_eq!(
            std::fs::read_to_string(dir.join("report").join(name)).unwrap(),
            text
        );
    }
}
