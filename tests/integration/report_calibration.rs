//! `negsim report DIR` on a calibration folder: built by hand here (posterior, generations,
//! the record files and a posterior predictive run whose values are chosen), so the fit
//! table's every number is known; every chart parses as SVG; a folder whose files differ from
//! its manifest is refused.

use crate::common::negsim;
use negsim::output::manifest::sha256_hex;
use std::fmt::Write;
use std::path::Path;

const OBSERVED: &str = "name,kind,value,never,scale,censored,source\n\
action.x.done_day,day,10,false,5,101,\"A did x, 13 October 2007\"\n\
party.A.walkout_day,day,,true,1,101,no walkout\n\
outcome,word,completed,false,0.5,,\n\
quantity.t,number,100,false,50,,\n";

const PRIORS: &str = "path,distribution,low,high\n\
party.A.compliance,uniform,0.1,0.9\n\
shock.s.rate_per_year,log_uniform,0.1,10\n\
action.x.lag_days,uniform,0,10\n";

const GENERATIONS: &str = "generation,tolerance,proposals,accepted,acceptance,ess,trials,outside_prior\n\
0,inf,50,50,1,50,50,0\n\
1,3,120,50,0.4166666666666667,45.2,170,3\n\
2,1,600,50,0.08333333333333333,40.1,770,5\n";

/// The predictive trials: (outcome, end_day, done_day, walkout_day, quantity).
const TRIALS: [(&str, u32, &str, &str, u32); 10] = [
    ("completed", 100, "5", "", 0),
    ("completed", 100, "10", "", 100),
    ("completed", 100, "10", "", 100),
    ("collapsed", 50, "12", "50", 150),
    ("stalled", 100, "", "", 200),
    ("completed", 100, "8", "", 100),
    ("stalled", 100, "30", "", 100),
    ("completed", 100, "10", "", 50),
    ("stalled", 100, "", "", 0),
    ("completed", 100, "20", "", 100),
];

fn posterior() -> String {
    let mut s = String::from(
        "party.A.compliance,shock.s.rate_per_year,action.x.lag_days,weight,distance\n",
    );
    for i in 0..50u32 {
        let a = 0.3 + 0.2 * f64::from(i % 10) / 10.0;
        let r = 0.5 * 1.05f64.powi(i as i32 % 20);
        let lag = i % 7;
        let w = f64::from(1 + i % 5);
        let _ = writeln!(s, "{a},{r},{lag},{w},{}", f64::from(i % 3) / 2.0);
    }
    s
}

fn predictive() -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2007, 10, 3).unwrap();
    let mut s = String::from(
        "point,trial,outcome,end_day,end_date,collapsed_by,actions_done,quantity.t,action.x.done_day,party.A.walkout_day\n",
    );
    for (k, (o, end, done, walk, q)) in TRIALS.iter().enumerate() {
        let date = start + chrono::Duration::days(i64::from(*end));
        let by = if walk.is_empty() { "" } else { "A" };
        let _ = writeln!(s, "{k},0,{o},{end},{date},{by},1,{q},{done},{walk}");
    }
    s
}

fn manifest(files: &[(&str, &str)], extra: &str) -> String {
    let outputs: Vec<String> = files
        .iter()
        .map(|(f, text)| {
            format!(
                "{{\"file\":\"{f}\",\"rows\":{},\"sha256\":\"{}\"}}",
                text.lines().count() - 1,
                sha256_hex(text.as_bytes())
            )
        })
        .collect();
    format!(
        "{{\"negsim_version\":\"0.3.0\",{extra}\"seed\":1,\"outputs\":[{}]}}",
        outputs.join(",")
    )
}

/// Write a calibration folder into `dir`; `skip` leaves a file out of the manifest.
fn build(dir: &Path, skip: Option<&str>) {
    let pred = dir.join("predictive");
    std::fs::create_dir_all(&pred).unwrap();
    let trials = predictive();
    std::fs::write(pred.join("trials.csv"), &trials).unwrap();
    std::fs::write(
        pred.join("manifest.json"),
        manifest(&[("trials.csv", &trials)], ""),
    )
    .unwrap();
    let post = posterior();
    let files = [
        ("posterior.csv", post.as_str()),
        ("generations.csv", GENERATIONS),
        ("observed.csv", OBSERVED),
        ("priors.csv", PRIORS),
    ];
    for (f, text) in &files {
        std::fs::write(dir.join(f), text).unwrap();
    }
    let listed: Vec<(&str, &str)> = files
        .iter()
        .copied()
        .filter(|(f, _)| Some(*f) != skip)
        .collect();
    std::fs::write(
        dir.join("manifest.json"),
        manifest(
            &listed,
            "\"calibration\":{\"file\":\"cal.toml\",\"sha256\":\"ab\"},\"stop_reason\":\"tolerance\",",
        ),
    )
    .unwrap();
}

fn f(x: f64) -> String {
    format!("{x}")
}

fn wilson(k: u64, n: u64) -> String {
    let (a, b) = negsim::stats::wilson(k, n).unwrap();
    format!("{},{}", f(a), f(b))
}

#[test]
fn fit_table_numbers_on_a_hand_made_calibration() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("cal.calibration");
    build(&dir, None);
    let s = negsim::report::write_report(&dir).unwrap();
    let fit = std::fs::read_to_string(dir.join("report/fit.csv")).unwrap();
    // done_day 5,10,10,12,-,8,30,10,-,20 against 10 (scale 5): 2 below, 3 ties -> 35%; sorted
    // 5,8,10,10,10,12,20,30,never,never. Walkout observed never: 9 of 10 did not happen.
    // Quantity 0,100,100,150,200,100,100,50,0,100 against 100 (scale 50): 3 below, 5 ties.
    // Every fact at once: trials 2, 3, 6 and 8.
    let want = format!(
        "name,kind,observed,n,percentile,share_observed,p05,median,p95,within_scale,within_low,within_high\n\
         action.x.done_day,day,10,10,0.35,0.3,5,10,never,0.6,{}\n\
         party.A.walkout_day,day,never,10,0.9,0.9,50,never,never,0.9,{}\n\
         outcome,word,completed,10,,0.6,,completed,,0.6,{}\n\
         quantity.t,number,100,10,0.55,0.5,0,100,200,0.7,{}\n\
         (every fact),joint,,10,,,,,,0.4,{}\n",
        wilson(6, 10),
        wilson(9, 10),
        wilson(6, 10),
        wilson(7, 10),
        wilson(4, 10)
    );
    assert_eq!(fit, want);
    let md = s.fit_markdown.expect("a calibration has a fit table");
    assert!(md.contains("| `action.x.done_day` (scale 5) | 2007-10-13 | 35.0% | 2007-10-13 | 2007-10-08 to never | 60.0% |"), "{md}");
    assert!(
        md.contains("| `outcome` (scale 0.5) | completed |  | completed (60%) |  | 60.0% |"),
        "{md}"
    );
    assert!(md.contains("**40.0%**"), "{md}");
    let page = std::fs::read_to_string(&s.html).unwrap();
    assert!(page.contains("A did x, 13 October 2007"));
    assert!(page.contains("cal.toml"));
}

#[test]
fn every_calibration_chart_is_svg_and_inlined() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("cal.calibration");
    build(&dir, None);
    let out = dir.to_str().unwrap();
    let done = negsim().args(["report", out]).assert().success();
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("| observed fact | observed | percentile |"),
        "{stdout}"
    );
    let report = dir.join("report");
    let mut svgs: Vec<String> = std::fs::read_dir(&report)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    svgs.sort();
    assert_eq!(
        svgs,
        [
            "generations.svg",
            "pairs.svg",
            "posterior-action-x-lag-days.svg",
            "posterior-party-a-compliance.svg",
            "posterior-shock-s-rate-per-year.svg",
            "predictive-action-x-done-day.svg",
            "predictive-outcome.svg",
            "predictive-party-a-walkout-day.svg",
            "predictive-quantity-t.svg",
        ]
    );
    let page = std::fs::read_to_string(report.join("report.html")).unwrap();
    for name in &svgs {
        let text = std::fs::read_to_string(report.join(name)).unwrap();
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{name}");
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert!(
            texts.len() > 3,
            "{name}: a title and labelled axes, got {texts:?}"
        );
        assert!(
            page.contains(&format!("href=\"{name}\"")),
            "page lacks {name}"
        );
    }
    let texts = |n: &str| std::fs::read_to_string(report.join(n)).unwrap();
    assert!(texts("predictive-party-a-walkout-day.svg").contains("never"));
    assert!(texts("posterior-party-a-compliance.svg").contains("Posterior of party.A.compliance"));
    assert!(texts("generations.svg").contains("acceptance (log scale)"));
    assert!(!page.contains("<script"));
    // The report folder (fit.csv included) is negsim's own: `--force` may replace it.
    let c = negsim::output::rundir::contents(&dir).unwrap();
    assert!(c.entries.iter().any(|e| e == "report"), "{c:?}");
    // Drawn again: the same files.
    negsim().args(["report", out]).assert().success();
}

#[test]
fn a_calibration_that_does_not_verify_is_refused() {
    let t = tempfile::tempdir().unwrap();
    // A posterior changed after it was written.
    let dir = t.path().join("changed");
    build(&dir, None);
    let p = dir.join("posterior.csv");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replacen("0.3,", "0.4,", 1);
    std::fs::write(&p, text).unwrap();
    let e = negsim::report::write_report(&dir).unwrap_err().to_string();
    assert!(e.contains("posterior.csv") && e.contains("SHA-256"), "{e}");
    negsim()
        .args(["report", dir.to_str().unwrap()])
        .assert()
        .code(1);
    assert!(!dir.join("report").exists());
    // A predictive run changed.
    let dir = t.path().join("predictive-changed");
    build(&dir, None);
    let p = dir.join("predictive/trials.csv");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replacen(",200,", ",201,", 1);
    std::fs::write(&p, text).unwrap();
    let e = negsim::report::write_report(&dir).unwrap_err().to_string();
    assert!(e.contains("trials.csv") && e.contains("predictive"), "{e}");
    // No predictive run: nothing to compare with the record.
    let dir = t.path().join("no-predictive");
    build(&dir, None);
    std::fs::remove_dir_all(dir.join("predictive")).unwrap();
    let e = negsim::report::write_report(&dir).unwrap_err().to_string();
    assert!(e.contains("predictive_trials > 0"), "{e}");
    // A record file the manifest does not list (so cannot vouch for).
    let dir = t.path().join("unlisted");
    build(&dir, Some("observed.csv"));
    let e = negsim::report::write_report(&dir).unwrap_err().to_string();
    assert!(
        e.contains("observed.csv") && e.contains("does not list"),
        "{e}"
    );
}
