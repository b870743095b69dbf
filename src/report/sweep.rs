//! Sweep charts: the headline metrics against the varied parameters.
//!
//! - one varied parameter: the outcome shares and the end date against it, each with its 95%
//!   interval as a band;
//! - two, on a full grid: heatmaps of `p_completed` and `p_collapsed`, one cell per point, with
//!   a colour scale;
//! - three or more (or two not on a grid, as a Latin hypercube gives): small multiples, one
//!   panel per parameter, the outcome shares pooled over the other parameters' values.

use super::draw::{
    ACCENT, Area, COLLAPSED, COMPLETED, Chart, Drawn, FONT, GRID, HEIGHT, INK, KeyAxis, SHARE_TOP,
    STALLED, WIDTH, date_ticks, desc_font, label_font, lookup, nice_ticks, num, param_desc, pct,
    render, small_font, title_font, viridis,
};
use super::outcomes::{OUTCOMES, whisker};
use super::read::RunData;
use crate::error::Result;
use crate::stats::wilson;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The value of parameter `k` at each point, in point order (non-numbers as NaN).
fn values(run: &RunData, k: usize) -> Vec<f64> {
    run.points
        .iter()
        .map(|p| p.values[k].parse::<f64>().unwrap_or(f64::NAN))
        .collect()
}

/// Distinct finite values, ascending.
fn distinct(xs: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// Ticks for a parameter axis: the values themselves when few, else round numbers.
fn param_ticks(d: &[f64], lo: f64, hi: f64) -> Vec<(f64, String)> {
    let xs = if d.len() <= 12 {
        d.to_vec()
    } else {
        nice_ticks(lo, hi, 8)
    };
    xs.into_iter().map(|x| (x, num(x))).collect()
}

fn x_range(d: &[f64]) -> (f64, f64) {
    match (d.first(), d.last()) {
        (Some(a), Some(b)) if b > a => {
            let pad = (b - a) * 0.05;
            (a - pad, b + pad)
        }
        (Some(a), _) => (a - 0.5, a + 0.5),
        _ => (0.0, 1.0),
    }
}

/// The charts for the run's sweep (none for a plain run).
pub fn charts(run: &RunData) -> Result<Vec<Chart>> {
    let np = run.params.len();
    if run.points.len() < 2 || np == 0 {
        return Ok(Vec::new());
    }
    if np == 1 {
        return Ok(vec![shares_chart(run)?, end_date_chart(run)?]);
    }
    if let Some(grid) = (np == 2).then(|| grid(run)).flatten() {
        return Ok(vec![
            heatmap(run, &grid, "p_completed", "completed")?,
            heatmap(run, &grid, "p_collapsed", "collapsed")?,
        ]);
    }
    Ok(vec![marginals(run)?])
}

/// Outcome shares against the one varied parameter, with 95% bands.
fn shares_chart(run: &RunData) -> Result<Chart> {
    let file = "sweep-outcomes.svg".to_string();
    let path = &run.params[0];
    let title = format!("Outcome shares against {path}");
    let xs = values(run, 0);
    let mut order: Vec<usize> = (0..xs.len()).filter(|i| xs[*i].is_finite()).collect();
    order.sort_by(|a, b| xs[*a].total_cmp(&xs[*b]));
    let series: Vec<Vec<(f64, f64, f64, f64)>> = OUTCOMES
        .iter()
        .map(|(m, _)| {
            order
                .iter()
                .filter_map(|&i| {
                    let met = run.metric(run.points[i].point, m)?;
                    let y = met.mean?;
                    let (lo, hi) = met.ci.unwrap_or((y, y));
                    Some((xs[i], y, lo, hi))
                })
                .collect()
        })
        .collect();
    let ends = |k: usize| -> String {
        match (series[k].first(), series[k].last()) {
            (Some(a), Some(b)) => format!(
                "from {} at {} to {} at {}",
                pct(a.1, 1),
                num(a.0),
                pct(b.1, 1),
                num(b.0)
            ),
            _ => "not available".into(),
        }
    };
    let caption = format!(
        "Share of trials completed ({}) and collapsed ({}) as {path} varies; bands are Wilson 95% intervals.",
        ends(0),
        ends(1)
    );
    let d = distinct(&xs);
    let (x0, x1) = x_range(&d);
    let svg = render(&file, (WIDTH, HEIGHT), |root| {
        let ticks = param_ticks(&d, x0, x1);
        let keys = ticks.iter().map(|t| t.0).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(&title, title_font())
            .margin(18)
            .x_label_area_size(56)
            .y_label_area_size(72)
            .build_cartesian_2d(KeyAxis::new(x0, x1, keys), 0.0..SHARE_TOP)?;
        let fmt_x = |x: &f64| lookup(&ticks, *x);
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(INK)
            .x_desc(param_desc(path))
            .y_desc("share of trials (%)")
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&|y| pct(*y, 0))
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        for (k, (_, word)) in OUTCOMES.iter().enumerate() {
            let colour = [COMPLETED, COLLAPSED, STALLED][k];
            let s = &series[k];
            let mut band: Vec<(f64, f64)> = s.iter().map(|p| (p.0, p.3)).collect();
            band.extend(s.iter().rev().map(|p| (p.0, p.2)));
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                colour.mix(0.2).filled(),
            )))?;
            chart
                .draw_series(LineSeries::new(
                    s.iter().map(|p| (p.0, p.1)),
                    colour.stroke_width(3),
                ))?
                .label(format!("{word} (band: 95% interval)"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))
                });
            chart.draw_series(
                s.iter()
                    .map(|p| Circle::new((p.0, p.1), 4, colour.filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
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

/// The mean (with its 95% band) and median end date against the one varied parameter.
fn end_date_chart(run: &RunData) -> Result<Chart> {
    let file = "sweep-end-date.svg".to_string();
    let path = &run.params[0];
    let title = format!("End date of a trial against {path}");
    let xs = values(run, 0);
    let mut order: Vec<usize> = (0..xs.len()).filter(|i| xs[*i].is_finite()).collect();
    order.sort_by(|a, b| xs[*a].total_cmp(&xs[*b]));
    // (x, mean, lo, hi, median)
    let s: Vec<(f64, f64, f64, f64, Option<f64>)> = order
        .iter()
        .filter_map(|&i| {
            let m = run.metric(run.points[i].point, "end_day")?;
            let y = m.mean?;
            let (lo, hi) = m.ci.unwrap_or((y, y));
            Some((xs[i], y, lo, hi, m.quantiles[2]))
        })
        .collect();
    let date = |d: f64| run.date(d).format("%-d %b %Y").to_string();
    let caption = match (s.first(), s.last()) {
        (Some(a), Some(b)) => format!(
            "A trial ends when it completes, collapses or reaches the horizon; its mean end date moves from {} at {} to {} at {} as {path} varies (band: 95% interval of the mean).",
            date(a.1),
            num(a.0),
            date(b.1),
            num(b.0)
        ),
        _ => format!("Mean end date of a trial as {path} varies."),
    };
    let d = distinct(&xs);
    let (x0, x1) = x_range(&d);
    let lo = s
        .iter()
        .map(|p| p.2.min(p.4.unwrap_or(p.2)))
        .fold(f64::INFINITY, f64::min);
    let hi = s
        .iter()
        .map(|p| p.3.max(p.4.unwrap_or(p.3)))
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        let pad = ((hi - lo) * 0.1).max(3.0);
        (
            (lo - pad).max(0.0),
            (hi + pad).min(f64::from(run.horizon) + 2.0),
        )
    } else {
        (0.0, f64::from(run.horizon.max(1)))
    };
    let svg = render(&file, (WIDTH, HEIGHT), |root| {
        let ticks = param_ticks(&d, x0, x1);
        let keys = ticks.iter().map(|t| t.0).collect();
        // No date past the horizon: no trial can end there.
        let yticks = date_ticks(run.start, lo, hi.min(f64::from(run.horizon)), 8);
        let ykeys = yticks.iter().map(|t| t.0).collect();
        let mut chart = ChartBuilder::on(root)
            .caption(&title, title_font())
            .margin(18)
            .x_label_area_size(56)
            .y_label_area_size(110)
            .build_cartesian_2d(KeyAxis::new(x0, x1, keys), KeyAxis::new(lo, hi, ykeys))?;
        let fmt_x = |x: &f64| lookup(&ticks, *x);
        let fmt_y = |y: &f64| lookup(&yticks, *y);
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(INK)
            .x_desc(param_desc(path))
            .y_desc("end date of a trial (calendar date)")
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&fmt_y)
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        let mut band: Vec<(f64, f64)> = s.iter().map(|p| (p.0, p.3)).collect();
        band.extend(s.iter().rev().map(|p| (p.0, p.2)));
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            ACCENT.mix(0.2).filled(),
        )))?;
        chart
            .draw_series(LineSeries::new(
                s.iter().map(|p| (p.0, p.1)),
                ACCENT.stroke_width(3),
            ))?
            .label("mean end date (band: 95% interval)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], ACCENT.stroke_width(3)));
        chart.draw_series(
            s.iter()
                .map(|p| Circle::new((p.0, p.1), 4, ACCENT.filled())),
        )?;
        chart
            .draw_series(DashedLineSeries::new(
                s.iter().filter_map(|p| Some((p.0, p.4?))),
                8,
                5,
                INK.stroke_width(2),
            ))?
            .label("median end date")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], INK.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
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

/// A two-parameter grid: the values of each parameter and each point's cell (row = first
/// parameter, column = second).
struct Grid {
    rows: Vec<f64>,
    cols: Vec<f64>,
    cells: Vec<(usize, usize, u64)>,
}

fn grid(run: &RunData) -> Option<Grid> {
    let (a, b) = (values(run, 0), values(run, 1));
    let (rows, cols) = (distinct(&a), distinct(&b));
    if rows.len() * cols.len() != run.points.len() {
        return None;
    }
    let mut seen = vec![false; rows.len() * cols.len()];
    let mut cells = Vec::new();
    for (k, p) in run.points.iter().enumerate() {
        let i = rows.iter().position(|v| *v == a[k])?;
        let j = cols.iter().position(|v| *v == b[k])?;
        if std::mem::replace(&mut seen[i * cols.len() + j], true) {
            return None;
        }
        cells.push((i, j, p.point));
    }
    Some(Grid { rows, cols, cells })
}

/// A heatmap of one share over the two-parameter grid.
fn heatmap(run: &RunData, g: &Grid, metric: &str, word: &str) -> Result<Chart> {
    let file = format!("heatmap-{metric}.svg");
    let (pa, pb) = (&run.params[0], &run.params[1]);
    let title = format!("Share of trials {word}: {pa} by {pb}");
    let cell: Vec<(usize, usize, f64)> = g
        .cells
        .iter()
        .filter_map(|&(i, j, p)| Some((i, j, run.metric(p, metric)?.mean?)))
        .collect();
    let best = cell.iter().max_by(|a, b| a.2.total_cmp(&b.2));
    let worst = cell.iter().min_by(|a, b| a.2.total_cmp(&b.2));
    let at = |c: &(usize, usize, f64)| {
        format!(
            "{} at {pa} = {}, {pb} = {}",
            pct(c.2, 1),
            num(g.rows[c.0]),
            num(g.cols[c.1])
        )
    };
    let caption = match (worst, best) {
        (Some(w), Some(b)) => format!(
            "{metric} at each of the {} grid points, from {} to {}.",
            cell.len(),
            at(w),
            at(b)
        ),
        _ => format!("{metric} at each grid point."),
    };
    let (nr, nc) = (g.rows.len(), g.cols.len());
    let svg = render(&file, (WIDTH, HEIGHT + 40), |root| {
        let root = root.titled(&title, title_font())?;
        let (main, bar) = root.split_horizontally(WIDTH - 150);
        let xt: Vec<(f64, String)> = g
            .cols
            .iter()
            .enumerate()
            .map(|(j, v)| (j as f64 + 0.5, num(*v)))
            .collect();
        let yt: Vec<(f64, String)> = g
            .rows
            .iter()
            .enumerate()
            .map(|(i, v)| (i as f64 + 0.5, num(*v)))
            .collect();
        let mut chart = ChartBuilder::on(&main)
            .margin(18)
            .x_label_area_size(56)
            .y_label_area_size(72)
            .build_cartesian_2d(
                KeyAxis::new(0.0, nc as f64, xt.iter().map(|t| t.0).collect()),
                KeyAxis::new(0.0, nr as f64, yt.iter().map(|t| t.0).collect()),
            )?;
        let fx = |x: &f64| lookup(&xt, *x);
        let fy = |y: &f64| lookup(&yt, *y);
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(INK)
            .x_desc(param_desc(pb))
            .y_desc(param_desc(pa))
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        chart.draw_series(cell.iter().map(|&(i, j, v)| {
            Rectangle::new(
                [(j as f64, i as f64), (j as f64 + 1.0, i as f64 + 1.0)],
                viridis(v).filled(),
            )
        }))?;
        chart.draw_series(cell.iter().map(|&(i, j, _)| {
            Rectangle::new(
                [(j as f64, i as f64), (j as f64 + 1.0, i as f64 + 1.0)],
                WHITE.stroke_width(2),
            )
        }))?;
        let big = (FONT, if nr * nc <= 36 { 20 } else { 14 }).into_font();
        chart.draw_series(cell.iter().map(|&(i, j, v)| {
            let ink = if v < 0.6 { WHITE } else { BLACK };
            Text::new(
                pct(v, 1),
                (j as f64 + 0.5, i as f64 + 0.5),
                big.clone()
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            )
        }))?;
        colour_scale(&bar, &format!("{metric} (%)"))
    })?;
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}

/// A vertical colour bar from 0% to 100%, labelled.
fn colour_scale(area: &Area<'_>, desc: &str) -> Drawn {
    let mut c = ChartBuilder::on(area)
        .margin_top(18)
        .margin_bottom(18 + 56)
        .margin_right(10)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    c.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .axis_style(INK)
        .y_desc(desc)
        .y_labels(6)
        .y_label_formatter(&|y| pct(*y, 0))
        .axis_desc_style(desc_font())
        .label_style(label_font())
        .draw()?;
    let k = 64;
    c.draw_series((0..k).map(|s| {
        let (a, b) = (s as f64 / k as f64, (s + 1) as f64 / k as f64);
        // Overlap each band a little: no seams between them.
        let top = (b + 0.5 / k as f64).min(1.0);
        Rectangle::new([(0.0, a), (1.0, top)], viridis((a + b) / 2.0).filled())
    }))?;
    Ok(())
}

/// Small multiples: for each parameter, the outcome shares pooled over the others' values.
fn marginals(run: &RunData) -> Result<Chart> {
    let file = "sweep-marginals.svg".to_string();
    let np = run.params.len();
    let title = format!(
        "Outcome shares against each of the {np} varied parameters (pooled over the others)"
    );
    // Per parameter: (value, [(k, n) completed, collapsed]).
    type Pooled = (f64, [(u64, u64); 2]);
    let mut panels: Vec<Vec<Pooled>> = Vec::new();
    for k in 0..np {
        let xs = values(run, k);
        let d = distinct(&xs);
        let mut rows: Vec<Pooled> = d.iter().map(|v| (*v, [(0, 0); 2])).collect();
        for (i, p) in run.points.iter().enumerate() {
            let Some(r) = rows.iter_mut().find(|r| r.0 == xs[i]) else {
                continue;
            };
            for (s, m) in ["p_completed", "p_collapsed"].iter().enumerate() {
                if let Some((mean, n)) = run.metric(p.point, m).and_then(|x| Some((x.mean?, x.n))) {
                    r.1[s].0 += (mean * n as f64).round() as u64;
                    r.1[s].1 += n;
                }
            }
        }
        panels.push(rows);
    }
    let spans: Vec<String> = run
        .params
        .iter()
        .zip(&panels)
        .map(|(p, rows)| {
            let share = |r: &Pooled| r.1[0].0 as f64 / r.1[0].1.max(1) as f64;
            match (rows.first(), rows.last()) {
                (Some(a), Some(b)) => format!("{p} {} to {}", pct(share(a), 0), pct(share(b), 0)),
                _ => p.clone(),
            }
        })
        .collect();
    let caption = format!(
        "One panel per varied parameter: the share of trials completed and collapsed at each of its values, pooling the points that share it (Wilson 95% intervals); completed from its lowest to its highest value: {}.",
        spans.join("; ")
    );
    let cols = np.min(3);
    let nrows = np.div_ceil(cols);
    let height = 60 + 360 * nrows as u32;
    let svg = render(&file, (WIDTH, height), |root| {
        let root = root.titled(&title, title_font())?;
        let areas = root.split_evenly((nrows, cols));
        for (k, (area, rows)) in areas.iter().zip(&panels).enumerate() {
            let d: Vec<f64> = rows.iter().map(|r| r.0).collect();
            let (x0, x1) = x_range(&d);
            let ticks = param_ticks(&d, x0, x1);
            let keys = ticks.iter().map(|t| t.0).collect();
            let mut chart = ChartBuilder::on(area)
                .caption(param_desc(&run.params[k]), desc_font())
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(56)
                .build_cartesian_2d(KeyAxis::new(x0, x1, keys), 0.0..SHARE_TOP)?;
            let fmt_x = |x: &f64| lookup(&ticks, *x);
            chart
                .configure_mesh()
                .bold_line_style(GRID)
                .light_line_style(TRANSPARENT)
                .axis_style(INK)
                .x_desc("value")
                .y_desc("share of trials (%)")
                .x_label_formatter(&fmt_x)
                .y_label_formatter(&|y| pct(*y, 0))
                .axis_desc_style(small_font())
                .label_style(small_font())
                .draw()?;
            for (s, (word, colour)) in [("completed", COMPLETED), ("collapsed", COLLAPSED)]
                .into_iter()
                .enumerate()
            {
                let pts: Vec<(f64, f64, (f64, f64))> = rows
                    .iter()
                    .filter(|r| r.1[s].1 > 0)
                    .map(|r| {
                        let (kk, n) = r.1[s];
                        let p = kk as f64 / n as f64;
                        (r.0, p, wilson(kk, n).unwrap_or((p, p)))
                    })
                    .collect();
                let line = chart.draw_series(LineSeries::new(
                    pts.iter().map(|p| (p.0, p.1)),
                    colour.stroke_width(2),
                ))?;
                if k == 0 {
                    line.label(format!("{word} (95% interval)"))
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
                        });
                }
                let cap = (x1 - x0) / 80.0;
                chart.draw_series(pts.iter().map(|p| {
                    PathElement::new(whisker(p.0, p.2.0, p.2.1, cap), colour.stroke_width(1))
                }))?;
                chart.draw_series(
                    pts.iter()
                        .map(|p| Circle::new((p.0, p.1), 3, colour.filled())),
                )?;
            }
            if k == 0 {
                chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::UpperRight)
                    .background_style(WHITE.mix(0.9))
                    .border_style(GRID)
                    .label_font(small_font())
                    .draw()?;
            }
        }
        Ok(())
    })?;
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}
