//! `posterior-<path>.svg`: one prior's marginal posterior, a histogram of the final particles
//! weighted by their weights, over the prior (dashed: flat, since every prior is uniform in
//! its coordinate: the value, or its logarithm for a log-uniform prior, whose axis is then
//! logarithmic), with the posterior median and 90% interval marked.
//!
//! How much the data narrowed a parameter is the ratio of its posterior standard deviation to
//! its prior's, both in that coordinate (a uniform prior of width `w` has `w / sqrt(12)`): 1 is
//! "learned nothing", small is "pinned down". [`super::pairs`] ranks parameters by it.

use super::read::{CalibrationData, PriorRow};
use crate::error::Result;
use crate::report::draw::{
    ACCENT, COLLAPSED, Chart, GRID, HEIGHT, INK, KeyAxis, WIDTH, desc_font, label_font, lookup,
    nice_ticks, num, param_desc, pct, render, slug, title_font,
};
use plotters::prelude::*;

/// The weighted `q`-quantile of parameter `k`: the smallest value whose cumulative weight
/// reaches `q`.
pub fn quantile(cal: &CalibrationData, k: usize, q: f64) -> f64 {
    let mut v: Vec<(f64, f64)> = cal
        .values
        .iter()
        .zip(&cal.weights)
        .map(|(x, w)| (x[k], *w))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut acc = 0.0;
    for (x, w) in &v {
        acc += w;
        if acc >= q - 1e-12 {
            return *x;
        }
    }
    v.last().map_or(f64::NAN, |x| x.0)
}

/// Posterior sd over prior sd of parameter `k`, in the prior's flat coordinate.
pub fn narrowing(cal: &CalibrationData, k: usize) -> f64 {
    let p = &cal.priors[k];
    let (lo, hi) = p.z_range();
    let prior_sd = (hi - lo) / 12f64.sqrt();
    let mean: f64 = cal
        .values
        .iter()
        .zip(&cal.weights)
        .map(|(x, w)| w * p.z(x[k]))
        .sum();
    let var: f64 = cal
        .values
        .iter()
        .zip(&cal.weights)
        .map(|(x, w)| w * (p.z(x[k]) - mean).powi(2))
        .sum();
    if prior_sd > 0.0 {
        var.sqrt() / prior_sd
    } else {
        1.0
    }
}

/// Histogram bins of parameter `k` in its flat coordinate: (left, right, posterior share,
/// prior share). Whole-number values over a range of at most 40 get one bin each.
pub fn bins(cal: &CalibrationData, k: usize) -> Vec<(f64, f64, f64, f64)> {
    let p = &cal.priors[k];
    let (lo, hi) = p.z_range();
    let whole = !p.log
        && p.high - p.low <= 40.0
        && cal.values.iter().all(|v| v[k].fract() == 0.0)
        && p.low.fract() == 0.0
        && p.high.fract() == 0.0;
    let edges: Vec<f64> = if whole {
        let n = (p.high - p.low) as usize + 1;
        (0..=n).map(|i| p.low - 0.5 + i as f64).collect()
    } else {
        let n = 25;
        (0..=n)
            .map(|i| lo + (hi - lo) * i as f64 / n as f64)
            .collect()
    };
    let nb = edges.len() - 1;
    let mut w = vec![0.0; nb];
    for (x, wt) in cal.values.iter().zip(&cal.weights) {
        let z = p.z(x[k]);
        let i = edges
            .partition_point(|e| *e <= z)
            .saturating_sub(1)
            .min(nb - 1);
        w[i] += wt;
    }
    let width = hi - lo;
    (0..nb)
        .map(|i| {
            let (a, b) = (edges[i], edges[i + 1]);
            let prior = if whole {
                // Rounding gives the ends half a day's mass.
                let m = if i == 0 || i == nb - 1 { 0.5 } else { 1.0 };
                m / width.max(1.0)
            } else {
                (b - a) / width
            };
            (a, b, w[i], prior)
        })
        .collect()
}

/// Ticks for a prior's axis in its flat coordinate, labelled in natural units.
pub fn axis_ticks(p: &PriorRow, max: usize) -> Vec<(f64, String)> {
    if !p.log {
        return nice_ticks(p.low, p.high, max)
            .into_iter()
            .map(|v| (v, num(v)))
            .collect();
    }
    let mut out = Vec::new();
    let (e0, e1) = (p.low.log10().floor() as i32, p.high.log10().ceil() as i32);
    let decades = (e1 - e0).max(1) as usize;
    let steps: &[f64] = if decades * 3 <= max {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    for e in e0..=e1 {
        for m in steps {
            let v = m * 10f64.powi(e);
            if v >= p.low * (1.0 - 1e-9) && v <= p.high * (1.0 + 1e-9) {
                out.push((v.ln(), num(v)));
            }
        }
    }
    if out.len() < 2 {
        out = vec![(p.low.ln(), num(p.low)), (p.high.ln(), num(p.high))];
    }
    out
}

/// The axis description of a prior.
pub fn axis_desc(p: &PriorRow) -> String {
    let d = param_desc(&p.path);
    if p.log { format!("{d}, log scale") } else { d }
}

/// The chart of prior `k`, named `file`.
pub fn chart(cal: &CalibrationData, k: usize, file: String) -> Result<Chart> {
    let p = &cal.priors[k];
    let title = format!("Posterior of {}", p.path);
    let (q05, q50, q95) = (
        quantile(cal, k, 0.05),
        quantile(cal, k, 0.5),
        quantile(cal, k, 0.95),
    );
    let r = narrowing(cal, k);
    let caption = format!(
        "Marginal posterior of {} over {} particles (bars, weighted): median {}, 90% interval {} to {} (red). The prior (dashed) is {} on [{}, {}]; the posterior's standard deviation is {} of the prior's{}.",
        p.path,
        cal.values.len(),
        num(q50),
        num(q05),
        num(q95),
        if p.log { "log-uniform" } else { "uniform" },
        num(p.low),
        num(p.high),
        pct(r, 0),
        if p.log { " (in log units)" } else { "" }
    );
    let bins = bins(cal, k);
    let top = bins.iter().map(|b| b.2.max(b.3)).fold(0.0, f64::max);
    let y_max = (top * 1.15).max(0.01);
    let (x0, x1) = (bins[0].0, bins[bins.len() - 1].1);
    let ticks = axis_ticks(p, 8);
    let svg =
        render(&file, (WIDTH, HEIGHT), |root| {
            let keys = ticks.iter().map(|t| t.0).collect();
            let mut chart = ChartBuilder::on(root)
                .caption(&title, title_font())
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
                .x_desc(axis_desc(p))
                .y_desc("share of posterior weight per bin (%)")
                .x_label_formatter(&fmt_x)
                .y_label_formatter(&|y| pct(*y, 0))
                .axis_desc_style(desc_font())
                .label_style(label_font())
                .draw()?;
            chart
                .draw_series(bins.iter().map(|&(a, b, y, _)| {
                    Rectangle::new([(a, 0.0), (b, y)], ACCENT.mix(0.8).filled())
                }))?
                .label("posterior")
                .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], ACCENT.filled()));
            let mut prior_line = Vec::new();
            for &(a, b, _, pr) in &bins {
                prior_line.push((a, pr));
                prior_line.push((b, pr));
            }
            chart
                .draw_series(DashedLineSeries::new(prior_line, 8, 5, INK.stroke_width(2)))?
                .label("prior")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], INK.stroke_width(2)));
            let zs = [p.z(q05), p.z(q50), p.z(q95)];
            chart
                .draw_series(zs.iter().enumerate().map(|(i, &z)| {
                    let w = if i == 1 { 3 } else { 1 };
                    PathElement::new(vec![(z, 0.0), (z, y_max)], COLLAPSED.stroke_width(w))
                }))?
                .label("median and 90% interval")
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
        })?;
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}

/// The file names of the posterior charts, one per prior, unique.
pub fn file_names(priors: &[PriorRow]) -> Vec<String> {
    super::unique_names("posterior", priors.iter().map(|p| slug(&p.path)))
}
