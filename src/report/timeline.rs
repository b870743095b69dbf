//! The process over time, by calendar date: trials completed, collapsed and still running
//! (stacked areas), the completion of each phase, and for a sweep the completion curve of a few
//! points overlaid.
//!
//! Every curve is a cumulative share of trials by day, from the per-day counts of
//! [`super::read`]; day `d` is drawn at the scenario's start date plus `d` days.

use super::draw::{
    Area, Chart, Drawn, GRID, HEIGHT, INK, KeyAxis, SHARE_TOP, STALLED, WIDTH, date_ticks,
    desc_font, label_font, lookup, pct, render, series_colour, title_font,
};
use super::read::{DayCounts, RunData, cumulative_share};
use crate::error::Result;
use plotters::prelude::*;

/// ` (point 0: party.DPRK.compliance = 0.2)` for a sweep's detailed charts; empty for a run.
pub(crate) fn point_suffix(run: &RunData) -> String {
    if run.points.len() <= 1 {
        return String::new();
    }
    let mut label = run.point_label(run.detail.point);
    if label.len() > 44 {
        label = run.short_point_label(run.detail.point);
    }
    if label.len() <= 44 {
        format!(" (point {}: {label})", run.detail.point)
    } else {
        format!(" (point {}, see the table)", run.detail.point)
    }
}

/// A chart with a calendar-date x axis over days `0..=last` and a share y axis.
fn dated_chart<'a, 'b>(
    root: &'a Area<'b>,
    run: &RunData,
    title: &str,
    last: u32,
    y_desc: &str,
) -> std::result::Result<
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<KeyAxis, plotters::coord::types::RangedCoordf64>>,
    DrawingAreaErrorKind<std::io::Error>,
> {
    let x_max = f64::from(last.max(1));
    let ticks = date_ticks(run.start, 0.0, x_max, 9);
    let keys: Vec<f64> = ticks.iter().map(|t| t.0).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(title, title_font())
        .margin(18)
        .x_label_area_size(56)
        .y_label_area_size(72)
        .build_cartesian_2d(KeyAxis::new(0.0, x_max, keys), 0.0..SHARE_TOP)?;
    let fmt_x = move |x: &f64| lookup(&ticks, *x);
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(INK)
        .x_desc(format!("date (day 0 = {})", run.start.format("%-d %B %Y")))
        .y_desc(y_desc)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&|y| pct(*y, 0))
        .axis_desc_style(desc_font())
        .label_style(label_font())
        .draw()?;
    Ok(chart)
}

fn legend<'a, 'b: 'a>(
    chart: &mut ChartContext<
        'a,
        SVGBackend<'b>,
        Cartesian2d<KeyAxis, plotters::coord::types::RangedCoordf64>,
    >,
    pos: SeriesLabelPosition,
) -> Drawn {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .label_font(label_font())
        .draw()
}

/// An opaque colour `t` of the way from `c` to white (stacked areas must not show through).
fn lighten(c: RGBColor, t: f64) -> RGBColor {
    let f = |x: u8| (f64::from(x) + t * (255.0 - f64::from(x))).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

/// Trials completed, collapsed and still running by date (stacked areas).
pub fn process_chart(run: &RunData) -> Result<Chart> {
    let file = "process.svg".to_string();
    let title = format!(
        "Trials completed, collapsed and still running by date{}",
        point_suffix(run)
    );
    let c = &run.detail.outcomes;
    let last = c.last_day;
    let done = cumulative_share(&c.completed, c.n, last);
    let gone = cumulative_share(&c.collapsed, c.n, last);
    let end = run.date(f64::from(last)).format("%-d %b %Y");
    let (fd, fg) = (done[last as usize], gone[last as usize]);
    let half = done.iter().position(|x| *x >= 0.5);
    let caption = format!(
        "By {end}, {} of trials had completed and {} had collapsed; the {} still running then stalled.{}",
        pct(fd, 1),
        pct(fg, 1),
        pct(1.0 - fd - fg, 1),
        match half {
            Some(d) => format!(
                " Half of all trials had completed by {}.",
                run.date(d as f64).format("%-d %b %Y")
            ),
            None => " Fewer than half of the trials ever completed.".into(),
        }
    );
    let svg = render(&file, (WIDTH, HEIGHT), |root| {
        let mut chart = dated_chart(root, run, &title, last, "share of trials (%)")?;
        let running = format!(
            "still running ({} stalled at the horizon)",
            pct(1.0 - fd - fg, 1)
        );
        let layers: [(String, Vec<f64>, RGBColor); 3] = [
            (running, vec![1.0; done.len()], STALLED),
            (
                format!("collapsed ({})", pct(fg, 1)),
                done.iter().zip(&gone).map(|(a, b)| a + b).collect(),
                super::draw::COLLAPSED,
            ),
            (
                format!("completed ({})", pct(fd, 1)),
                done.clone(),
                super::draw::COMPLETED,
            ),
        ];
        for (label, top, colour) in layers {
            let fill = lighten(colour, 0.25);
            chart
                .draw_series(
                    AreaSeries::new(
                        top.iter().enumerate().map(|(d, y)| (d as f64, *y)),
                        0.0,
                        fill,
                    )
                    .border_style(colour.stroke_width(1)),
                )?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], fill.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })?;
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}

/// The completion of each phase by date: one cumulative line per phase.
pub fn phases_chart(run: &RunData) -> Result<Chart> {
    let file = "phases.svg".to_string();
    let title = format!("Completion of each phase by date{}", point_suffix(run));
    let n = run.detail.outcomes.n;
    let last = run.detail.outcomes.last_day;
    let curves: Vec<(String, Vec<f64>)> = run
        .phases
        .iter()
        .zip(&run.detail.phase_done)
        .map(|(p, per_day)| (p.clone(), cumulative_share(per_day, n, last)))
        .collect();
    let finals: Vec<String> = curves
        .iter()
        .map(|(p, c)| format!("{p} {}", pct(c[last as usize], 0)))
        .collect();
    let caption = format!(
        "Cumulative share of trials in which each phase was done, by date; by the end: {}.",
        finals.join(", ")
    );
    let svg = render(&file, (WIDTH, HEIGHT), |root| {
        let mut chart = dated_chart(
            root,
            run,
            &title,
            last,
            "share of trials with the phase done (%)",
        )?;
        for (i, (phase, curve)) in curves.iter().enumerate() {
            let colour = series_colour(i);
            chart
                .draw_series(LineSeries::new(
                    curve.iter().enumerate().map(|(d, y)| (d as f64, *y)),
                    colour.stroke_width(3),
                ))?
                .label(format!("{phase} ({} done)", pct(curve[last as usize], 1)))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))
                });
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })?;
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}

/// For a sweep: the share of trials completed by date at a few points, overlaid.
pub fn overlay_chart(run: &RunData) -> Result<Chart> {
    let file = "sweep-completion-by-date.svg".to_string();
    let title = format!(
        "Share of trials completed by date at {} sweep points",
        run.overlays.len()
    );
    let last = run
        .overlays
        .iter()
        .map(|(_, c)| c.last_day)
        .max()
        .unwrap_or(run.horizon);
    let curve = |c: &DayCounts| cumulative_share(&c.completed, c.n, last);
    let curves: Vec<(u64, Vec<f64>)> = run.overlays.iter().map(|(p, c)| (*p, curve(c))).collect();
    let ends: Vec<String> = curves
        .iter()
        .map(|(p, c)| format!("point {p} {}", pct(c[last as usize], 0)))
        .collect();
    let caption = format!(
        "Completion curves of points spread over the sweep (solid lines); completed by the end: {}.",
        ends.join(", ")
    );
    let svg = render(&file, (WIDTH, HEIGHT), |root| {
        let mut chart = dated_chart(root, run, &title, last, "share of trials completed (%)")?;
        for (i, (p, c)) in curves.iter().enumerate() {
            let colour = series_colour(i);
            let label = run.point_label(*p);
            chart
                .draw_series(LineSeries::new(
                    c.iter().enumerate().map(|(d, y)| (d as f64, *y)),
                    colour.stroke_width(3),
                ))?
                .label(if label.is_empty() {
                    format!("point {p}")
                } else {
                    format!("point {p}: {label}")
                })
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))
                });
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })?;
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}
