//! `report.html`: one self-contained page. The scenario's title and source, the manifest, the
//! headline figures, then every chart inline as `<svg>` with a one-line caption. Inline CSS,
//! no scripts, no fonts or images from the network.

use super::draw::{Chart, pct, thousands};
use super::read::{Metric, RunData};
use std::fmt::Write;

/// Escape text for HTML.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) const CSS: &str = r#"
:root { --ink: #222; --muted: #5f6368; --line: #e3e5e8; --bg: #f5f6f8; --card: #fff;
        --completed: #2e7d32; --collapsed: #c62828; --stalled: #757575; --accent: #2166ac; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 16px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1010px; margin: 0 auto; padding: 28px 20px 48px; }
header { margin-bottom: 22px; }
.kicker { margin: 0; color: var(--muted); font-size: 13px; letter-spacing: .06em; text-transform: uppercase; }
h1 { margin: 4px 0 8px; font-size: 28px; line-height: 1.25; }
h2 { margin: 34px 0 12px; font-size: 20px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
.source { margin: 0; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 26px; font-weight: 600; line-height: 1.3; }
.card .ci { color: var(--muted); font-size: 13px; }
.card.completed .value { color: var(--completed); }
.card.collapsed .value { color: var(--collapsed); }
.card.stalled .value { color: var(--stalled); }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line);
        border-radius: 8px; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
table.points td, table.points th { text-align: right; }
table.points td:first-child, table.points th:first-child { text-align: left; }
table.lapses td, table.lapses th { text-align: right; }
table.lapses td:first-child, table.lapses th:first-child { text-align: left; }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; word-break: break-all; }
.note { color: var(--muted); font-size: 14px; }
figure { margin: 0 0 22px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
figure svg { display: block; width: 100%; height: auto; max-width: 960px; margin: 0 auto; }
figcaption { margin: 8px 6px 2px; font-size: 15px; }
figcaption a { color: var(--accent); font-size: 13px; margin-left: 6px; }
nav ol { columns: 2; margin: 0 0 18px; padding-left: 22px; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; }
footer { margin-top: 30px; color: var(--muted); font-size: 13px; }
"#;

fn interval(m: &Metric) -> String {
    match m.ci {
        Some((lo, hi)) => format!("95% interval {} to {}", pct(lo, 1), pct(hi, 1)),
        None => String::new(),
    }
}

fn date_of(run: &RunData, day: Option<f64>) -> String {
    day.map_or("none".into(), |d| {
        run.date(d).format("%-d %b %Y").to_string()
    })
}

fn headline_cards(run: &RunData, out: &mut String) {
    let p = run.detail.point;
    out.push_str("<div class=\"cards\">\n");
    for (metric, word) in [
        ("p_completed", "completed"),
        ("p_collapsed", "collapsed"),
        ("p_stalled", "stalled"),
    ] {
        if let Some(m) = run.metric(p, metric) {
            let _ = writeln!(
                out,
                "<div class=\"card {word}\"><div class=\"label\">{} ({metric})</div><div class=\"value\">{}</div><div class=\"ci\">{}</div></div>",
                esc(&format!("{}{}", word[..1].to_uppercase(), &word[1..])),
                m.mean.map_or("?".into(), |x| pct(x, 1)),
                esc(&interval(m)),
            );
        }
    }
    if let Some(m) = run.metric(p, "end_day") {
        let done = run.metric(p, "completed_day");
        let _ = writeln!(
            out,
            "<div class=\"card\"><div class=\"label\">Median end date</div><div class=\"value\">{}</div><div class=\"ci\">{}</div></div>",
            esc(&date_of(run, m.quantiles[2])),
            esc(&match done {
                Some(d) if d.n > 0 =>
                    format!("completed trials: median {}", date_of(run, d.quantiles[2])),
                _ => "no trial completed".into(),
            }),
        );
    }
    out.push_str("</div>\n");
}

const MAX_POINT_ROWS: usize = 60;

fn points_table(run: &RunData, out: &mut String) {
    out.push_str("<table class=\"points\">\n<tr><th>point</th>");
    for p in &run.params {
        let _ = write!(out, "<th>{}</th>", esc(p));
    }
    out.push_str("<th>trials</th><th>completed</th><th>collapsed</th><th>stalled</th><th>median end date</th></tr>\n");
    for p in run.points.iter().take(MAX_POINT_ROWS) {
        let _ = write!(out, "<tr><td>{}</td>", p.point);
        for v in &p.values {
            let _ = write!(out, "<td>{}</td>", esc(v));
        }
        let _ = write!(out, "<td>{}</td>", thousands(p.trials as f64));
        for m in ["p_completed", "p_collapsed", "p_stalled"] {
            let cell = run.metric(p.point, m).map_or(String::new(), |m| {
                let ci = m.ci.map_or(String::new(), |(a, b)| {
                    format!(
                        " <span class=\"note\">({} to {})</span>",
                        pct(a, 1),
                        pct(b, 1)
                    )
                });
                format!("{}{ci}", m.mean.map_or("?".into(), |x| pct(x, 1)))
            });
            let _ = write!(out, "<td>{cell}</td>");
        }
        let median = run.metric(p.point, "end_day").and_then(|m| m.quantiles[2]);
        let _ = writeln!(out, "<td>{}</td></tr>", esc(&date_of(run, median)));
    }
    out.push_str("</table>\n");
    if run.points.len() > MAX_POINT_ROWS {
        let _ = writeln!(
            out,
            "<p class=\"note\">The first {MAX_POINT_ROWS} of {} points; every point is in summary.csv.</p>",
            run.points.len()
        );
    }
}

fn manifest_table(run: &RunData, out: &mut String) {
    let m = &run.manifest;
    let mut rows: Vec<(&str, String)> = vec![
        ("negsim version", esc(&m.negsim_version)),
        (
            "scenario",
            format!(
                "{} <span class=\"note\">({})</span>",
                esc(&m.scenario.name),
                esc(&m.scenario.file)
            ),
        ),
        (
            "scenario SHA-256",
            format!("<code>{}</code>", esc(&m.scenario.sha256)),
        ),
    ];
    for o in &m.scenario.overlays {
        rows.push((
            "overlay",
            format!("{} <code>{}</code>", esc(&o.file), esc(&o.sha256)),
        ));
    }
    if let Some(id) = &m.run_id {
        rows.push(("run id", format!("<code>{}</code>", esc(id))));
    }
    rows.push(("seed", m.seed.to_string()));
    rows.push(("trials per point", thousands(m.trials as f64)));
    let sweep = if m.sweep.parameters.is_empty() {
        "none".to_string()
    } else {
        m.sweep
            .parameters
            .iter()
            .map(|p| format!("<code>{}={}</code>", esc(&p.path), esc(&p.spec)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    rows.push((
        "points",
        format!(
            "{} <span class=\"note\">({} design; varied: {sweep})</span>",
            m.sweep.points,
            esc(&m.sweep.design)
        ),
    ));
    if let Some(s) = &m.shard {
        rows.push((
            "shard",
            format!(
                "{} of {} (pairs {} to {})",
                s.index + 1,
                s.count,
                s.first_pair,
                s.end_pair
            ),
        ));
    }
    if !m.merged_from.is_empty() {
        rows.push(("merged from", esc(&m.merged_from.join(", "))));
    }
    rows.push((
        "command line",
        format!("<code>{}</code>", esc(&m.command_line.join(" "))),
    ));
    rows.push(("started", esc(&m.started_at)));
    rows.push(("finished", esc(&m.finished_at)));
    rows.push(("threads", m.threads.to_string()));
    rows.push((
        "outputs",
        esc(&m
            .outputs
            .iter()
            .map(|o| format!("{} ({} rows)", o.file, thousands(o.rows as f64)))
            .collect::<Vec<_>>()
            .join(", ")),
    ));
    rows.push((
        "read for this report",
        format!(
            "{} trial rows; day 0 = {}; last day {} ({})",
            thousands(run.trials_read as f64),
            run.start.format("%-d %B %Y"),
            run.horizon,
            run.date(f64::from(run.horizon)).format("%-d %B %Y")
        ),
    ));
    out.push_str("<table class=\"manifest\">\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
    }
    out.push_str("</table>\n");
}

/// The `<svg>` of a chart, ready to inline: labelled for screen readers.
pub(crate) fn inline_svg(c: &Chart) -> String {
    let svg = c.svg.trim_start();
    let svg = svg
        .strip_prefix("<?xml")
        .and_then(|s| s.split_once("?>").map(|x| x.1))
        .unwrap_or(svg);
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", esc(&c.title)),
        1,
    )
}

/// A rough page height in CSS pixels at a 1280-pixel-wide window, for screenshots.
fn estimated_height(run: &RunData, charts: &[Chart]) -> u32 {
    let headline = if run.points.len() > 1 {
        60 + 38 * run.points.len().min(MAX_POINT_ROWS) as u32
    } else {
        130
    };
    let manifest = 36 * 14 + 40 * run.manifest.scenario.overlays.len() as u32;
    let figures: u32 = charts
        .iter()
        .map(|c| {
            let h = c
                .svg
                .split_once("height=\"")
                .and_then(|(_, r)| r.split_once('"'))
                .and_then(|(h, _)| h.parse::<u32>().ok())
                .unwrap_or(460);
            h + 24 + 22 + 30 * (c.caption.len() as u32 / 120 + 1)
        })
        .sum();
    let lapses = run
        .suspension
        .as_ref()
        .map_or(0, |s| 120 + 36 * s.actions.len() as u32);
    370 + headline + manifest + 100 + 22 * charts.len().div_ceil(2) as u32 + figures + lapses
}

/// The page.
pub fn page(run: &RunData, charts: &[Chart]) -> String {
    let m = &run.manifest;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"negsim {}\">\n<title>negsim report: {}</title>\n<style>{CSS}</style>\n</head>\n<!-- negsim-report-height: {} -->\n<body>\n<main>",
        esc(&m.negsim_version),
        esc(&m.scenario.title),
        estimated_height(run, charts)
    );
    let _ = writeln!(
        out,
        "<header>\n<p class=\"kicker\">negsim report &middot; {} &middot; seed {} &middot; {} trials per point</p>\n<h1>{}</h1>\n<p class=\"source\">Source: {}</p>\n</header>",
        esc(&m.scenario.name),
        m.seed,
        thousands(m.trials as f64),
        esc(&m.scenario.title),
        esc(&m.scenario.source)
    );
    out.push_str("<section>\n<h2>Headline figures</h2>\n");
    if run.points.len() > 1 {
        let _ = writeln!(
            out,
            "<p class=\"note\">Outcome shares at each of the {} sweep points, with Wilson 95% intervals. Charts of the process over time, quantities and parties show point {} ({}).</p>",
            run.points.len(),
            run.detail.point,
            esc(&run.point_label(run.detail.point))
        );
        points_table(run, &mut out);
    } else {
        let _ = writeln!(
            out,
            "<p class=\"note\">Over {} trials, with Wilson 95% intervals; a trial ends when every action is done (completed), when a party walks out (collapsed), or at the horizon (stalled).</p>",
            thousands(run.detail.outcomes.n as f64)
        );
        headline_cards(run, &mut out);
    }
    out.push_str("</section>\n<section>\n<h2>Run</h2>\n");
    manifest_table(run, &mut out);
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
    out.push_str("</section>\n");
    if let Some(s) = &run.suspension {
        super::suspension::table_html(s, &mut out);
    }
    let _ = writeln!(
        out,
        "<footer>Written by negsim {} from {}: shares and intervals from summary.csv, curves and histograms from trials.csv ({} rows). Each chart is also an SVG file next to this page.</footer>\n</main>\n</body>\n</html>",
        esc(&m.negsim_version),
        esc(&run.dir.display().to_string()),
        thousands(run.trials_read as f64),
    );
    out
}

pub(crate) fn chart_id(c: &Chart) -> String {
    format!("chart-{}", c.file.trim_end_matches(".svg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
