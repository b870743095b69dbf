//! The calibration's `report.html`: the fit table and joint match rate, the priors with their
//! posterior medians and 90% intervals, the manifest, then every chart inline. Inline CSS, no
//! scripts, nothing from the network.

use super::fit::{Obs, pct_small};
use super::posterior::{narrowing, quantile};
use super::read::CalibrationData;
use crate::report::draw::{Chart, num, pct, thousands};
use crate::report::html::{CSS, chart_id, esc, inline_svg};
use std::fmt::Write;

fn fit_table(cal: &CalibrationData, out: &mut String) {
    let fit = &cal.fit;
    out.push_str("<table class=\"points\">\n<tr><th>observed fact</th><th>observed</th><th>percentile</th><th>predictive median</th><th>90% interval</th><th>within one scale</th><th>source</th></tr>\n");
    for (k, f) in fit.facts.iter().enumerate() {
        let r = fit.row(k);
        let (median, interval) = match (r.quantiles, &r.mode) {
            (Some([a, b, c]), _) => (
                f.value_text(b, cal.start),
                format!(
                    "{} to {}",
                    f.value_text(a, cal.start),
                    f.value_text(c, cal.start)
                ),
            ),
            (None, Some((w, s))) => (format!("{w} ({})", pct(*s, 0)), String::new()),
            _ => (String::new(), String::new()),
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code> <span class=\"note\">(scale {})</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td class=\"note\">{}</td></tr>",
            esc(&f.name),
            esc(&num(f.scale)),
            esc(&f.observed_text(cal.start)),
            r.percentile.map_or(String::new(), |p| pct(p, 1)),
            esc(&median),
            esc(&interval),
            pct(r.within, 1),
            r.within_ci.map_or(String::new(), |(a, b)| format!(
                " <span class=\"note\">({} to {})</span>",
                pct(a, 1),
                pct(b, 1)
            )),
            esc(&f.source)
        );
    }
    let (rate, ci) = fit.joint_rate();
    let _ = writeln!(
        out,
        "<tr><th>every fact at once</th><td></td><td></td><td></td><td></td><td><b>{}</b>{}</td><td class=\"note\">joint match rate</td></tr>\n</table>",
        pct_small(rate),
        ci.map_or(String::new(), |(a, b)| format!(
            " <span class=\"note\">({} to {})</span>",
            pct_small(a),
            pct_small(b)
        ))
    );
    let nevers = fit
        .facts
        .iter()
        .filter(|f| f.observed == Obs::Never)
        .count();
    let _ = writeln!(
        out,
        "<p class=\"note\">Over {} posterior predictive trials (one per posterior draw). Percentile: the share of trials below the observed value plus half the ties (a day that did not happen counts after every day){}. Within one scale: the fact's term of the distance is at most 1 (Wilson 95% intervals). The same table is in report/fit.csv.</p>",
        thousands(fit.n as f64),
        if nevers > 0 {
            "; for a fact observed as \"never\", the share of trials in which it did not happen"
        } else {
            ""
        }
    );
}

fn priors_table(cal: &CalibrationData, out: &mut String) {
    out.push_str("<table class=\"points\">\n<tr><th>parameter</th><th>prior</th><th>posterior median</th><th>90% interval</th><th>sd: posterior / prior</th></tr>\n");
    for (k, p) in cal.priors.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{} [{}, {}]</td><td>{}</td><td>{} to {}</td><td>{}</td></tr>",
            esc(&p.path),
            if p.log { "log-uniform" } else { "uniform" },
            num(p.low),
            num(p.high),
            num(quantile(cal, k, 0.5)),
            num(quantile(cal, k, 0.05)),
            num(quantile(cal, k, 0.95)),
            pct(narrowing(cal, k), 0)
        );
    }
    out.push_str("</table>\n");
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Array(a) if a.iter().all(|x| x.is_string()) => Some(
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

fn manifest_table(cal: &CalibrationData, out: &mut String) {
    out.push_str("<table class=\"manifest\">\n");
    if let Some(m) = cal.manifest.as_object() {
        for (k, v) in m {
            let text = match v {
                serde_json::Value::Object(o) => o
                    .iter()
                    .filter_map(|(k2, v2)| scalar(v2).map(|s| format!("{k2}: {s}")))
                    .collect::<Vec<_>>()
                    .join("; "),
                serde_json::Value::Array(a) if k == "outputs" => a
                    .iter()
                    .filter_map(|f| {
                        Some(format!(
                            "{} ({} rows)",
                            f.get("file")?.as_str()?,
                            f.get("rows").and_then(|r| r.as_u64()).unwrap_or(0)
                        ))
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => scalar(v).unwrap_or_default(),
            };
            if !text.is_empty() {
                let _ = writeln!(
                    out,
                    "<tr><th>{}</th><td><code>{}</code></td></tr>",
                    esc(k),
                    esc(&text)
                );
            }
        }
    }
    out.push_str("</table>\n");
}

/// The page.
pub fn page(cal: &CalibrationData, charts: &[Chart]) -> String {
    let get = |k: &str| cal.manifest.get(k).and_then(scalar).unwrap_or_default();
    let file = cal
        .manifest
        .get("calibration")
        .and_then(|c| c.get("file").and_then(scalar).or_else(|| scalar(c)))
        .unwrap_or_else(|| cal.dir.display().to_string());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"negsim {}\">\n<title>negsim calibration report: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>",
        esc(&get("negsim_version")),
        esc(&file)
    );
    let (rate, _) = cal.fit.joint_rate();
    let _ = writeln!(
        out,
        "<header>\n<p class=\"kicker\">negsim calibration report &middot; {} particles &middot; {} facts &middot; {} priors</p>\n<h1>Calibration: {}</h1>\n<p class=\"source\">Posterior predictive joint match rate {} over {} trials.</p>\n</header>",
        thousands(cal.values.len() as f64),
        cal.fit.facts.len(),
        cal.priors.len(),
        esc(&file),
        pct_small(rate),
        thousands(cal.fit.n as f64)
    );
    out.push_str("<section>\n<h2>Fit to the record</h2>\n");
    fit_table(cal, &mut out);
    out.push_str("</section>\n<section>\n<h2>Priors and posteriors</h2>\n");
    priors_table(cal, &mut out);
    out.push_str("</section>\n<section>\n<h2>Calibration</h2>\n");
    manifest_table(cal, &mut out);
    out.push_str("</section>\n<section>\n<h2>Charts</h2>\n<nav><ol>\n");
    for c in charts {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            esc(&chart_id(c)),
            esc(&c.title)
        );
    }
    out.push_str("</ol></nav>\n");
    for c in charts {
        let _ = writeln!(
            out,
            "<figure id=\"{}\">\n{}<figcaption>{} <a href=\"{}\">{}</a></figcaption>\n</figure>",
            esc(&chart_id(c)),
            inline_svg(c),
            esc(&c.caption),
            esc(&c.file),
            esc(&c.file)
        );
    }
    let _ = writeln!(
        out,
        "</section>\n<footer>Written by negsim from {}: posterior.csv, priors.csv, observed.csv, generations.csv and predictive/trials.csv, each verified against its manifest. Each chart is also an SVG file next to this page.</footer>\n</main>\n</body>\n</html>",
        esc(&cal.dir.display().to_string())
    );
    out
}
