//! `predictive-<name>.svg`: one observed fact's posterior predictive distribution (the
//! trials of `predictive/`, one per posterior draw) with the observed value marked by a red
//! vertical line. A day or a number is a histogram (one bar per value when there are at most
//! 40, else 30 bins); the trials in which the event did not happen are a separate `never` bar
//! at the right, which is what a fact observed as "never" is marked on. A word or a flag is
//! one bar per value (`none` when missing), the observed one outlined.

use super::fit::{Fact, FactKind, FactStats, Obs};
use super::read::CalibrationData;
use crate::error::Result;
use crate::report::draw::{
    ACCENT, COLLAPSED, Chart, GRID, HEIGHT, INK, KeyAxis, STALLED, WIDTH, date_ticks, desc_font,
    label_font, lookup, nice_ticks, num, pct, render, short_quantity, slug, title_font,
};
use plotters::prelude::*;

/// Bars of the values that happened: (left, right, share of all trials).
fn value_bars(s: &FactStats) -> Vec<(f64, f64, f64)> {
    let n = s.n.max(1) as f64;
    let v: Vec<(f64, u64)> = s.values.iter().collect();
    let (Some(lo), Some(hi)) = (v.first().map(|x| x.0), v.last().map(|x| x.0)) else {
        return Vec::new();
    };
    if v.len() <= 40 {
        let gap = v
            .windows(2)
            .map(|w| w[1].0 - w[0].0)
            .fold(f64::INFINITY, f64::min);
        let gap = if gap.is_finite() { gap } else { 1.0 };
        let w = gap * 0.8;
        v.iter()
            .map(|&(x, c)| (x - w / 2.0, x + w / 2.0, c as f64 / n))
            .collect()
    } else {
        // Whole numbers (days, counts) get bins a whole number wide, centred on the values.
        let whole = v.iter().all(|x| x.0.fract() == 0.0);
        let (start, step) = if whole {
            (lo - 0.5, ((hi - lo + 1.0) / 30.0).ceil())
        } else {
            (lo, (hi - lo) / 30.0)
        };
        let k = (((hi - start) / step).floor() as usize + 1).min(31);
        let (lo, mut counts) = (start, vec![0u64; k]);
        for (x, c) in v {
            counts[(((x - lo) / step) as usize).min(k - 1)] += c;
        }
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| {
                (
                    lo + step * i as f64,
                    lo + step * (i + 1) as f64,
                    *c as f64 / n,
                )
            })
            .collect()
    }
}

/// The file names, one per fact, unique.
pub fn file_names(facts: &[Fact]) -> Vec<String> {
    super::unique_names("predictive", facts.iter().map(|f| slug(&f.name)))
}

/// The chart of fact `k`, named `file`.
pub fn chart(cal: &CalibrationData, k: usize, file: String) -> Result<Chart> {
    let f = &cal.fit.facts[k];
    let s = &cal.fit.stats[k];
    let r = cal.fit.row(k);
    let title = format!("Posterior predictive: {}", f.name);
    let observed = f.observed_text(cal.start);
    let caption = format!(
        "{} over {} posterior predictive trials, against the observed value {observed} (red){}. Within one scale ({}): {} of trials.{}",
        f.name,
        crate::report::draw::thousands(s.n as f64),
        r.percentile
            .map_or(String::new(), |p| format!(", at percentile {}", pct(p, 1))),
        num(f.scale),
        pct(r.within, 1),
        if f.source.is_empty() {
            String::new()
        } else {
            format!(" Source: {}", f.source)
        }
    );
    let svg = match f.kind {
        FactKind::Day | FactKind::Number => numeric(cal, f, s, &file, &title)?,
        FactKind::Word | FactKind::Flag => words(f, s, &file, &title)?,
    };
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}

fn numeric(
    cal: &CalibrationData,
    f: &Fact,
    s: &FactStats,
    file: &str,
    title: &str,
) -> Result<String> {
    let bars = value_bars(s);
    let obs = match f.observed {
        Obs::Number(x) => Some(x),
        _ => None,
    };
    let with_never = s.missing > 0 || obs.is_none();
    let mut lo = bars.first().map_or(0.0, |b| b.0);
    let mut hi = bars.last().map_or(1.0, |b| b.1);
    if let Some(o) = obs {
        lo = lo.min(o);
        hi = hi.max(o);
    }
    if hi - lo < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let pad = (hi - lo) * 0.04;
    let slot_w = (hi - lo) * 0.06;
    let never_x = hi + pad + slot_w;
    let x0 = lo - pad;
    let x1 = if with_never {
        never_x + slot_w
    } else {
        hi + pad
    };
    let never_share = s.missing as f64 / s.n.max(1) as f64;
    let top = bars
        .iter()
        .map(|b| b.2)
        .fold(if with_never { never_share } else { 0.0 }, f64::max);
    let y_max = (top * 1.15).clamp(0.02, 1.03);
    let mut ticks: Vec<(f64, String)> = if f.kind == FactKind::Day {
        date_ticks(cal.start, lo, hi, 7)
    } else {
        nice_ticks(lo, hi, 8)
            .into_iter()
            .map(|v| (v, short_quantity(v)))
            .collect()
    };
    if with_never {
        ticks.push((never_x, "never".into()));
    }
    let x_desc = if f.kind == FactKind::Day {
        format!("{} (date)", f.name)
    } else {
        f.name.clone()
    };
    render(file, (WIDTH, HEIGHT), |root| {
        let keys = ticks.iter().map(|t| t.0).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(title, title_font())
            .margin(18)
            .x_label_area_size(56)
            .y_label_area_size(72)
            .build_cartesian_2d(KeyAxis::new(x0, x1, keys), 0.0..y_max)?;
        let fmt_x = |x: &f64| lookup(&ticks, *x);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(INK)
            .x_desc(x_desc.as_str())
            .y_desc("share of predictive trials (%)")
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&|y| pct(*y, 0))
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        chart
            .draw_series(
                bars.iter()
                    .map(|&(a, b, y)| Rectangle::new([(a, 0.0), (b, y)], ACCENT.mix(0.8).filled())),
            )?
            .label("posterior predictive")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], ACCENT.filled()));
        if with_never {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [
                        (never_x - slot_w / 2.0, 0.0),
                        (never_x + slot_w / 2.0, never_share),
                    ],
                    STALLED.filled(),
                )))?
                .label(format!("did not happen ({})", pct(never_share, 1)))
                .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], STALLED.filled()));
        }
        let mark = obs.unwrap_or(never_x);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(mark, 0.0), (mark, y_max)],
                COLLAPSED.stroke_width(3),
            )))?
            .label("observed")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], COLLAPSED.stroke_width(3))
            });
        // The legend goes where the bars are lower.
        let mid = (x0 + x1) / 2.0;
        let left: f64 = bars
            .iter()
            .filter(|b| b.1 <= mid)
            .map(|b| b.2)
            .fold(0.0, f64::max);
        let right = bars
            .iter()
            .filter(|b| b.0 > mid)
            .map(|b| b.2)
            .fold(if with_never { never_share } else { 0.0 }, f64::max);
        let place = if left <= right {
            SeriesLabelPosition::UpperLeft
        } else {
            SeriesLabelPosition::UpperRight
        };
        chart
            .configure_series_labels()
            .position(place)
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .label_font(label_font())
            .draw()?;
        Ok(())
    })
}

fn words(f: &Fact, s: &FactStats, file: &str, title: &str) -> Result<String> {
    let n = s.n.max(1) as f64;
    let mut cats: Vec<(String, f64)> = s
        .words
        .iter()
        .map(|(w, c)| (w.clone(), *c as f64 / n))
        .collect();
    if let Obs::Word(o) = &f.observed
        && !s.words.contains_key(o)
    {
        cats.push((o.clone(), 0.0));
    }
    if s.missing > 0 || f.observed == Obs::Never {
        cats.push(("none".into(), s.missing as f64 / n));
    }
    let observed_cat = match &f.observed {
        Obs::Word(o) => o.clone(),
        _ => "none".into(),
    };
    let ticks: Vec<(f64, String)> = cats
        .iter()
        .enumerate()
        .map(|(i, c)| (i as f64 + 0.5, c.0.clone()))
        .collect();
    let y_max = cats
        .iter()
        .map(|c| c.1)
        .fold(0.0, f64::max)
        .mul_add(1.15, 0.0)
        .clamp(0.02, 1.03);
    render(file, (WIDTH, HEIGHT), |root| {
        let keys = ticks.iter().map(|t| t.0).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(title, title_font())
            .margin(18)
            .x_label_area_size(56)
            .y_label_area_size(72)
            .build_cartesian_2d(KeyAxis::new(0.0, cats.len() as f64, keys), 0.0..y_max)?;
        let fmt_x = |x: &f64| lookup(&ticks, *x);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(INK)
            .x_desc(f.name.as_str())
            .y_desc("share of predictive trials (%)")
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&|y| pct(*y, 0))
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        chart
            .draw_series(cats.iter().enumerate().map(|(i, (_, y))| {
                let x = i as f64 + 0.5;
                Rectangle::new([(x - 0.3, 0.0), (x + 0.3, *y)], ACCENT.mix(0.8).filled())
            }))?
            .label("posterior predictive")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], ACCENT.filled()));
        let at = cats.iter().position(|c| c.0 == observed_cat).unwrap_or(0) as f64 + 0.5;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(at, 0.0), (at, y_max)],
                COLLAPSED.stroke_width(3),
            )))?
            .label("observed")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], COLLAPSED.stroke_width(3))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .label_font(label_font())
            .draw()?;
        Ok(())
    })
}
