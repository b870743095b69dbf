//! The outcome shares chart: how many trials completed, collapsed and stalled, with Wilson 95%
//! intervals from `summary.csv`, one group of bars per point.

use super::draw::{
    Area, Chart, Ci, Drawn, GRID, HEIGHT, INK, KeyAxis, SHARE_TOP, WIDTH, desc_font, label_font,
    lookup, outcome_colour, pct, render, small_font, thousands, title_font,
};
use super::read::RunData;
use crate::error::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The three outcomes as metrics and as words.
pub(crate) const OUTCOMES: [(&str, &str); 3] = [
    ("p_completed", "completed"),
    ("p_collapsed", "collapsed"),
    ("p_stalled", "stalled"),
];

/// A vertical interval with caps, as one polyline.
pub(crate) fn whisker(x: f64, lo: f64, hi: f64, cap: f64) -> Vec<(f64, f64)> {
    vec![
        (x - cap, lo),
        (x + cap, lo),
        (x, lo),
        (x, hi),
        (x - cap, hi),
        (x + cap, hi),
    ]
}

/// How a point is named on a category axis: its parameter values, or its index.
pub(crate) fn point_tick(run: &RunData, point: u64) -> String {
    match run.point(point) {
        Some(p) if !p.values.is_empty() && p.values.len() <= 2 => p.values.join(" / "),
        _ => point.to_string(),
    }
}

/// What the points of a category axis are: the parameter paths, or "point".
pub(crate) fn point_axis_desc(run: &RunData) -> String {
    match run.params.len() {
        0 => "outcome".into(),
        1 | 2 => format!("sweep point: {}", run.params.join(" / ")),
        _ => "sweep point (index; its parameter values are in the table above)".into(),
    }
}

/// The outcome shares chart.
pub fn chart(run: &RunData) -> Result<Chart> {
    let file = "outcomes.svg".to_string();
    let sweep = run.points.len() > 1;
    let title = if sweep {
        "Outcome shares by sweep point, with 95% intervals".to_string()
    } else {
        "Outcome shares with 95% intervals".to_string()
    };
    let caption = if sweep {
        format!(
            "Share of trials that completed, collapsed or stalled at each of the {} points (Wilson 95% intervals).",
            run.points.len()
        )
    } else {
        let f = |m: &str| {
            run.metric(run.detail.point, m)
                .and_then(|m| m.mean)
                .map_or("?".into(), |x| pct(x, 1))
        };
        format!(
            "Of {} trials, {} completed every action, {} collapsed when a party walked out, and {} stalled at the horizon (Wilson 95% intervals).",
            thousands(run.detail.outcomes.n as f64),
            f("p_completed"),
            f("p_collapsed"),
            f("p_stalled")
        )
    };
    let svg = render(&file, (WIDTH, HEIGHT), |root| draw(root, run, &title))?;
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}

fn draw(root: &Area<'_>, run: &RunData, title: &str) -> Drawn {
    let sweep = run.points.len() > 1;
    let groups = run.points.len();
    // Bars: (x centre, width, outcome index, point).
    let mut bars: Vec<(f64, f64, usize, u64)> = Vec::new();
    let mut ticks: Vec<(f64, String)> = Vec::new();
    if sweep {
        let every = groups.div_ceil(20);
        for (g, p) in run.points.iter().enumerate() {
            for k in 0..3 {
                bars.push((g as f64 + 0.22 + 0.28 * k as f64, 0.24, k, p.point));
            }
            if g % every == 0 {
                ticks.push((g as f64 + 0.5, point_tick(run, p.point)));
            }
        }
    } else {
        for (k, (_, word)) in OUTCOMES.iter().enumerate() {
            bars.push((k as f64 + 0.5, 0.5, k, run.detail.point));
            ticks.push((k as f64 + 0.5, (*word).to_string()));
        }
    }
    let x_max = if sweep { groups as f64 } else { 3.0 };
    let keys: Vec<f64> = ticks.iter().map(|t| t.0).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(title, title_font())
        .margin(18)
        .x_label_area_size(56)
        .y_label_area_size(72)
        .build_cartesian_2d(KeyAxis::new(0.0, x_max, keys), 0.0..SHARE_TOP)?;
    let fmt_x = |x: &f64| lookup(&ticks, *x);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(INK)
        .x_desc(point_axis_desc(run))
        .y_desc("share of trials (%)")
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&|y| pct(*y, 0))
        .axis_desc_style(desc_font())
        .label_style(label_font())
        .draw()?;
    for (k, (metric, word)) in OUTCOMES.iter().enumerate() {
        let colour = outcome_colour(k);
        let mine: Vec<(f64, f64, f64, Ci)> = bars
            .iter()
            .filter(|b| b.2 == k)
            .filter_map(|&(x, w, _, p)| {
                let m = run.metric(p, metric)?;
                Some((x, w, m.mean?, m.ci))
            })
            .collect();
        let series = chart.draw_series(mine.iter().map(|&(x, w, y, _)| {
            Rectangle::new([(x - w / 2.0, 0.0), (x + w / 2.0, y)], colour.filled())
        }))?;
        if sweep {
            series.label(*word).legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled())
            });
        }
        chart.draw_series(mine.iter().filter_map(|&(x, w, _, ci)| {
            let (lo, hi) = ci?;
            Some(PathElement::new(
                whisker(x, lo, hi, w / 5.0),
                INK.stroke_width(2),
            ))
        }))?;
        if mine.len() <= 8 * 3 && (!sweep || groups <= 8) {
            chart.draw_series(mine.iter().map(|&(x, _, y, ci)| {
                let top = ci.map_or(y, |c| c.1).max(y);
                Text::new(
                    pct(y, 1),
                    (x, (top + 0.015).min(0.99)),
                    small_font().pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            }))?;
        }
    }
    if sweep {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .label_font(label_font())
            .draw()?;
    }
    Ok(())
}
