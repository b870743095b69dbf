//! Suspension and lapses (model 0.3, docs/MODEL.md 2.12-2.13), from `actions.csv`.
//!
//! Drawn only when the run wrote `actions.csv` (`--actions`) with the 0.3 columns
//! `suspended_days` and `lapses`, and some action spent a day suspended; a 0.2 run's report is
//! unchanged. `actions.csv` is streamed like `trials.csv` (see [`super::read`]): memory holds
//! one total per party and per action, never per trial.
//!
//! "Suspended days by party" counts, per trial, the days the actions of each party spent
//! suspended, an action's days counted once for each of its actors; its mean per trial has a
//! normal 95% interval. Which parties act on an action is not in `actions.csv`: it comes from the
//! scenario file the manifest names, read only when its SHA-256 (and each overlay's) is still
//! the manifest's. When it is not, the party chart is left out and the page says why. The
//! lapses (relapses included) and suspended days of each action need no scenario: they are a
//! table on the page ([`table_html`]).

use super::draw::{
    ACCENT, Chart, Ci, GRID, HEIGHT, INK, KeyAxis, WIDTH, desc_font, label_font, lookup, num,
    render, small_font, title_font,
};
use super::html::esc;
use super::outcomes::whisker;
use super::read::RunData;
use super::timeline::point_suffix;
use crate::error::{Error, Result};
use crate::stats::mean_interval;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt::Write as _;
use std::path::Path;

/// What `actions.csv` says of suspension and lapses, for the point the detailed charts show.
#[derive(Debug, Clone, PartialEq)]
pub struct Suspension {
    /// Trials counted (those of the detail point in `actions.csv`).
    pub n: u64,
    /// Action ids, in the order of `actions.csv`.
    pub actions: Vec<String>,
    /// Per action: lapses summed over the trials.
    pub lapses: Vec<u64>,
    /// Per action: suspended days summed over the trials.
    pub action_days: Vec<u64>,
    /// Per party of the run (in `RunData::parties` order): suspended days of its actions, per
    /// trial summed and squared-and-summed; `None` when the scenario could not be read back.
    pub by_party: Option<Vec<(f64, f64)>>,
    /// Why `by_party` is `None`.
    pub no_parties: Option<String>,
}

impl Suspension {
    /// Mean suspended days per trial of party `k`, with its 95% interval.
    pub fn party_mean(&self, k: usize) -> Option<(f64, Ci)> {
        let (s, s2) = *self.by_party.as_ref()?.get(k)?;
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let mean = s / n;
        let ci = (self.n > 1).then(|| {
            let var = ((s2 - n * mean * mean) / (n - 1.0)).max(0.0);
            let (lo, hi) = mean_interval(mean, var.sqrt(), self.n);
            (lo.max(0.0), hi)
        });
        Some((mean, ci))
    }
}

const COLUMNS: [&str; 9] = [
    "trial",
    "action",
    "due_day",
    "started_day",
    "done_day",
    "delays",
    "late",
    "suspended_days",
    "lapses",
];

/// For each action id, the parties (indices into `parties`) acting on it, from the scenario
/// the manifest names; `Err` with the reason when it cannot be read back as it was run.
fn actors_of(run: &RunData) -> std::result::Result<Vec<(String, Vec<usize>)>, String> {
    let sv = &run.manifest.scenario;
    let check = |file: &str, sha: &str| -> std::result::Result<(), String> {
        let bytes = std::fs::read(file)
            .map_err(|e| format!("the scenario file {file} cannot be read ({e})"))?;
        if crate::output::manifest::sha256_hex(&bytes) != sha {
            return Err(format!("{file} has changed since the run"));
        }
        Ok(())
    };
    if sv.file.is_empty() {
        return Err("the manifest names no scenario file".into());
    }
    check(&sv.file, &sv.sha256)?;
    for o in &sv.overlays {
        check(&o.file, &o.sha256)?;
    }
    let mut doc =
        crate::scenario::Document::open(Path::new(&sv.file)).map_err(|e| e.to_string())?;
    for o in &sv.overlays {
        doc.apply_overlay_file(Path::new(&o.file))
            .map_err(|e| e.to_string())?;
    }
    let s = doc.compile().map_err(|e| e.to_string())?;
    Ok(s.actions
        .iter()
        .map(|a| {
            let ids: Vec<usize> = a
                .actors
                .iter()
                .filter_map(|&i| {
                    let id = &s.parties.get(i)?.id;
                    run.parties.iter().position(|p| p == id)
                })
                .collect();
            (a.id.clone(), ids)
        })
        .collect())
}

/// Stream `actions.csv` of `dir`. `Ok(None)` when there is none, it lacks the 0.3 columns, or
/// no action of the detail point spent a day suspended.
///
/// # Errors
/// [`Error::Refused`] when a row is malformed; [`Error::Io`] when it cannot be read.
pub fn read(dir: &Path, run: &RunData) -> Result<Option<Suspension>> {
    let path = dir.join("actions.csv");
    if !path.exists() {
        return Ok(None);
    }
    let f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(f);
    let csv_err = |e: csv::Error| Error::Refused(format!("{}: {e}", path.display()));
    let h: Vec<String> = r
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(str::to_string)
        .collect();
    let t = 1 + run.params.len();
    if h.len() != t + COLUMNS.len() || h.first().map(String::as_str) != Some("point") {
        return Ok(None);
    }
    if h[t..] != COLUMNS {
        return Ok(None);
    }
    let actors = actors_of(run);
    let np = run.parties.len();
    let mut s = Suspension {
        n: 0,
        actions: Vec::new(),
        lapses: Vec::new(),
        action_days: Vec::new(),
        by_party: actors.is_ok().then(|| vec![(0.0, 0.0); np]),
        no_parties: actors.as_ref().err().cloned(),
    };
    let actors = actors.unwrap_or_default();
    let mut current: Option<u64> = None;
    let mut trial_days = vec![0u64; np];
    let mut any = false;
    let mut rec = csv::StringRecord::new();
    let mut line = 1u64;
    let flush = |s: &mut Suspension, days: &mut [u64]| {
        if let Some(bp) = s.by_party.as_mut() {
            for (acc, d) in bp.iter_mut().zip(days.iter()) {
                let d = *d as f64;
                acc.0 += d;
                acc.1 += d * d;
            }
        }
        days.iter_mut().for_each(|d| *d = 0);
    };
    while r.read_record(&mut rec).map_err(csv_err)? {
        line += 1;
        let bad =
            |what: &str| Error::Refused(format!("{} line {line}: bad {what}", path.display()));
        if rec.len() != h.len() {
            return Err(bad("row length"));
        }
        let point: u64 = rec[0].parse().map_err(|_| bad("point"))?;
        if point != run.detail.point {
            continue;
        }
        let trial: u64 = rec[t].parse().map_err(|_| bad("trial"))?;
        let days: u64 = rec[t + 7].parse().map_err(|_| bad("suspended_days"))?;
        let lapses: u64 = rec[t + 8].parse().map_err(|_| bad("lapses"))?;
        if current != Some(trial) {
            if current.is_some() {
                flush(&mut s, &mut trial_days);
            }
            current = Some(trial);
            s.n += 1;
        }
        any |= days > 0;
        let id = &rec[t + 1];
        let a = match s.actions.iter().position(|x| x == id) {
            Some(a) => a,
            None => {
                s.actions.push(id.to_string());
                s.lapses.push(0);
                s.action_days.push(0);
                s.actions.len() - 1
            }
        };
        s.lapses[a] += lapses;
        s.action_days[a] += days;
        if let Some((_, who)) = actors.iter().find(|(x, _)| x == id) {
            for &k in who {
                trial_days[k] += days;
            }
        }
    }
    if current.is_some() {
        flush(&mut s, &mut trial_days);
    }
    Ok(any.then_some(s))
}

/// The "Suspended days by party" chart; `None` when the parties are unknown (see the module).
pub fn chart(run: &RunData, s: &Suspension) -> Result<Option<Chart>> {
    if s.by_party.is_none() {
        return Ok(None);
    }
    let file = "suspended.svg".to_string();
    let title = format!("Suspended days by party{}", point_suffix(run));
    let rows: Vec<(usize, f64, Ci)> = (0..run.parties.len())
        .filter_map(|k| s.party_mean(k).map(|(m, ci)| (k, m, ci)))
        .collect();
    let most = rows.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let caption = match most {
        Some((k, m, _)) => format!(
            "Days per trial that the actions of each party spent suspended (docs/MODEL.md 2.13), summed over its actions, an action's days counted for each of its actors, over {} trials (95% intervals); {} has most, {} days on average.",
            s.n,
            run.parties[*k],
            num(*m)
        ),
        None => "Days per trial that the actions of each party spent suspended.".into(),
    };
    let y_max = rows
        .iter()
        .map(|r| r.2.map_or(r.1, |c| c.1.max(r.1)))
        .fold(1.0, f64::max)
        * 1.15;
    let svg = render(&file, (WIDTH, HEIGHT), |root| {
        let ticks: Vec<(f64, String)> = run
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64 + 0.5, p.clone()))
            .collect();
        let keys = ticks.iter().map(|t| t.0).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(&title, title_font())
            .margin(18)
            .x_label_area_size(56)
            .y_label_area_size(72)
            .build_cartesian_2d(
                KeyAxis::new(0.0, run.parties.len().max(1) as f64, keys),
                0.0..y_max,
            )?;
        let fmt_x = |x: &f64| lookup(&ticks, *x);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(INK)
            .x_desc("party")
            .y_desc("suspended days per trial (days)")
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&|y| num(*y))
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        chart
            .draw_series(rows.iter().map(|(i, y, _)| {
                let x = *i as f64 + 0.5;
                Rectangle::new([(x - 0.3, 0.0), (x + 0.3, *y)], ACCENT.mix(0.85).filled())
            }))?
            .label("mean suspended days")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], ACCENT.filled()));
        chart
            .draw_series(rows.iter().filter_map(|(i, _, ci)| {
                let (lo, hi) = (*ci)?;
                Some(PathElement::new(
                    whisker(*i as f64 + 0.5, lo, hi, 0.08),
                    INK.stroke_width(2),
                ))
            }))?
            .label("95% interval")
            .legend(|(x, y)| {
                PathElement::new(vec![(x + 7, y - 7), (x + 7, y + 7)], INK.stroke_width(2))
            });
        chart.draw_series(rows.iter().map(|(i, y, ci)| {
            let top = ci.map_or(*y, |c| c.1.max(*y));
            Text::new(
                num(*y),
                (*i as f64 + 0.5, top + y_max * 0.015),
                small_font().pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        }))?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .label_font(label_font())
            .draw()
    })?;
    Ok(Some(Chart {
        file,
        title,
        caption,
        svg,
    }))
}

/// The page's section on lapses by action: mean lapses (relapses included) and suspended days
/// per trial of each action, and why the party chart is missing when it is.
pub fn table_html(s: &Suspension, out: &mut String) {
    let n = s.n.max(1) as f64;
    out.push_str("<section>\n<h2>Lapses by action</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">Mean per trial over {} trials: lapses of each action's deadline, relapses included (docs/MODEL.md 2.12), and days it spent suspended (2.13).</p>",
        s.n
    );
    if let Some(why) = &s.no_parties {
        let _ = writeln!(
            out,
            "<p class=\"note\">No chart of suspended days by party: {}.</p>",
            esc(why)
        );
    }
    out.push_str("<table class=\"lapses\">\n<tr><th>action</th><th>lapses per trial</th><th>suspended days per trial</th></tr>\n");
    for (a, id) in s.actions.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{:.2}</td><td>{:.1}</td></tr>",
            esc(id),
            s.lapses[a] as f64 / n,
            s.action_days[a] as f64 / n
        );
    }
    out.push_str("</table>\n</section>\n");
}
