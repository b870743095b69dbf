//! The distribution of each delivered quantity at the end of a trial (`quantity.<unit>` of
//! `trials.csv`), one histogram per unit.
//!
//! Deliveries come in tranches, so a quantity takes few distinct values: when there are at
//! most 40, each gets its own bar at its value; otherwise the range is cut into 30 equal bins.

use super::draw::{
    ACCENT, Chart, GRID, HEIGHT, INK, KeyAxis, WIDTH, desc_font, label_font, lookup, nice_ticks,
    pct, render, short_quantity, slug, small_font, thousands, title_font,
};
use super::read::RunData;
use super::timeline::point_suffix;
use crate::error::Result;
use crate::stats::Histogram;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Bars: (left, right, share of trials).
fn bars(h: &Histogram) -> Vec<(f64, f64, f64)> {
    let n = h.n().max(1) as f64;
    let values: Vec<(f64, u64)> = h.iter().collect();
    let (Some(lo), Some(hi)) = (values.first().map(|v| v.0), values.last().map(|v| v.0)) else {
        return Vec::new();
    };
    let range = (hi - lo).max(hi.abs() * 1e-3).max(1e-9);
    if values.len() <= 40 {
        let gap = values
            .windows(2)
            .map(|w| w[1].0 - w[0].0)
            .fold(range, f64::min);
        let w = (gap * 0.7).min(range / 25.0);
        values
            .iter()
            .map(|&(v, c)| (v - w / 2.0, v + w / 2.0, c as f64 / n))
            .collect()
    } else {
        let k = 30usize;
        let step = range / k as f64;
        let mut counts = vec![0u64; k];
        for (v, c) in values {
            let i = (((v - lo) / step) as usize).min(k - 1);
            counts[i] += c;
        }
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| {
                let a = lo + step * i as f64;
                (a, a + step, *c as f64 / n)
            })
            .collect()
    }
}

/// The histogram of one unit's delivered quantity (the `k`-th unit of the run).
pub fn chart(run: &RunData, k: usize, file: String) -> Result<Chart> {
    let unit = &run.units[k];
    let h = &run.detail.quantity[k];
    let title = format!(
        "Delivered {unit} at the end of a trial{}",
        point_suffix(run)
    );
    let bars = bars(h);
    let mean = h.mean().unwrap_or(0.0);
    let top = bars
        .iter()
        .copied()
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .unwrap_or((0.0, 0.0, 0.0));
    let caption = format!(
        "Distribution of the {unit} delivered by the end of a trial over {} trials: mean {} {unit}; the most common amount, {} {unit}, in {} of trials.",
        thousands(h.n() as f64),
        thousands(mean),
        thousands((top.0 + top.1) / 2.0),
        pct(top.2, 1)
    );
    let lo = bars.first().map_or(0.0, |b| b.0).min(0.0);
    let hi = bars.last().map_or(1.0, |b| b.1).max(lo + 1.0);
    let pad = (hi - lo) * 0.03;
    let (x0, x1) = (lo - pad, hi + pad);
    let y_max = (top.2 * 1.18).clamp(0.05, 1.0);
    let svg =
        render(&file, (WIDTH, HEIGHT), |root| {
            let ticks: Vec<(f64, String)> = nice_ticks(x0.max(lo), x1, 9)
                .into_iter()
                .map(|v| (v, short_quantity(v)))
                .collect();
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
                .x_desc(format!("delivered by the end of the trial ({unit})"))
                .y_desc("share of trials (%)")
                .x_label_formatter(&fmt_x)
                .y_label_formatter(&|y| pct(*y, 0))
                .axis_desc_style(desc_font())
                .label_style(label_font())
                .draw()?;
            chart
                .draw_series(bars.iter().map(|&(a, b, y)| {
                    Rectangle::new([(a, 0.0), (b, y)], ACCENT.mix(0.85).filled())
                }))?
                .label(format!("share of {} trials", thousands(h.n() as f64)))
                .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], ACCENT.filled()));
            if bars.len() <= 12 {
                chart.draw_series(bars.iter().filter(|b| b.2 >= 0.005).map(|&(a, b, y)| {
                    Text::new(
                        pct(y, 1),
                        ((a + b) / 2.0, y + y_max * 0.01),
                        small_font().pos(Pos::new(HPos::Center, VPos::Bottom)),
                    )
                }))?;
            }
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(mean, 0.0), (mean, y_max)],
                    8,
                    5,
                    INK.stroke_width(2),
                ))?
                .label(format!("mean: {} {unit}", thousands(mean)))
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], INK.stroke_width(2)));
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.9))
                .border_style(GRID)
                .label_font(label_font())
                .draw()
        })?;
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}

/// File names for the units' charts: `quantity-<unit>.svg`, numbered when two units share a
/// name once made file-safe.
pub fn file_names(units: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let mut name = format!("quantity-{}.svg", slug(u));
        // Numbered by the unit's place, and on past any name a numbered one already took
        // (`t`, `t-3` and `T` would otherwise give `quantity-t-3.svg` twice).
        let mut k = i + 1;
        while out.contains(&name) {
            name = format!("quantity-{}-{k}.svg", slug(u));
            k += 1;
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_values_get_a_bar_each() {
        let mut h = Histogram::default();
        h.add_n(0.0, 1);
        h.add_n(720_000.0, 2);
        h.add_n(900_000.0, 1);
        let b = bars(&h);
        assert_eq!(b.len(), 3);
        assert!((b[1].0 + b[1].1) / 2.0 - 720_000.0 < 1e-6);
        assert_eq!(b[1].2, 0.5);
        let mut h = Histogram::default();
        for i in 0..100 {
            h.add(f64::from(i));
        }
        let b = bars(&h);
        assert_eq!(b.len(), 30);
        assert!((b.iter().map(|x| x.2).sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unit_file_names_are_unique() {
        let names = file_names(&["t HFO".into(), "t-HFO".into()]);
        assert_eq!(names, vec!["quantity-t-hfo.svg", "quantity-t-hfo-2.svg"]);
        let names = file_names(&["t".into(), "t-3".into(), "T".into()]);
        assert_eq!(
            names,
            vec!["quantity-t.svg", "quantity-t-3.svg", "quantity-t-4.svg"]
        );
    }
}
