//! `pairs.svg`: pairwise scatter plots of the top parameters, a matrix of panels. The top are
//! the (up to) four parameters the record narrowed most: the smallest ratio of posterior to
//! prior standard deviation (see [`super::posterior::narrowing`]), ties in prior order. Off the
//! diagonal, each particle is a dot sized and shaded by its weight (the heaviest 1,500 are
//! drawn); on the diagonal, the parameter's weighted histogram. Axes are in the prior's flat
//! coordinate (log scale for a log-uniform prior), over the prior's whole range.

use super::posterior::{axis_ticks, bins, narrowing};
use super::read::CalibrationData;
use crate::error::Result;
use crate::report::draw::{
    ACCENT, Chart, FONT, GRID, INK, KeyAxis, WIDTH, lookup, num, render, title_font, viridis,
};
use plotters::prelude::*;

/// The most parameters the matrix shows.
pub const MAX_PARAMS: usize = 4;

/// The most particles drawn per panel (the heaviest).
pub const MAX_DOTS: usize = 1500;

/// The parameters shown, most narrowed first.
pub fn top(cal: &CalibrationData) -> Vec<usize> {
    let mut v: Vec<(usize, f64)> = (0..cal.priors.len())
        .map(|k| (k, narrowing(cal, k)))
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    v.into_iter().take(MAX_PARAMS).map(|x| x.0).collect()
}

/// The chart, when there are two parameters or more.
pub fn chart(cal: &CalibrationData) -> Result<Option<Chart>> {
    if cal.priors.len() < 2 {
        return Ok(None);
    }
    let file = "pairs.svg".to_string();
    let top = top(cal);
    let title = format!(
        "Posterior pairs of the {} most narrowed parameters",
        top.len()
    );
    let caption = format!(
        "Pairwise scatter plots of {} (ranked by how much the posterior narrowed against the prior: posterior over prior standard deviation {}); dots sized and shaded by weight{}, histograms on the diagonal.",
        top.iter()
            .map(|&k| cal.priors[k].path.clone())
            .collect::<Vec<_>>()
            .join(", "),
        top.iter()
            .map(|&k| num(narrowing(cal, k)))
            .collect::<Vec<_>>()
            .join(", "),
        if cal.values.len() > MAX_DOTS {
            format!(" (the heaviest {MAX_DOTS} of {})", cal.values.len())
        } else {
            String::new()
        }
    );
    let mut order: Vec<usize> = (0..cal.values.len()).collect();
    order.sort_by(|&a, &b| cal.weights[b].total_cmp(&cal.weights[a]).then(a.cmp(&b)));
    order.truncate(MAX_DOTS);
    // Light dots first, so the heavy ones are on top.
    order.reverse();
    let w_max = cal.weights.iter().copied().fold(0.0, f64::max).max(1e-300);
    let n = top.len();
    let svg = render(&file, (WIDTH, WIDTH), |root| {
        let area = root.titled(&title, title_font())?;
        let panels = area.split_evenly((n, n));
        for (idx, panel) in panels.iter().enumerate() {
            let (i, j) = (idx / n, idx % n);
            let (pi, pj) = (&cal.priors[top[i]], &cal.priors[top[j]]);
            let font = (FONT, 13).into_font().color(&INK);
            let (x0, x1) = pj.z_range();
            let xt = axis_ticks(pj, 4);
            let fmt_x = |x: &f64| lookup(&xt, *x);
            let last_row = i == n - 1;
            let first_col = j == 0;
            if i == j {
                let b = bins(cal, top[i]);
                let (bx0, bx1) = (b[0].0, b[b.len() - 1].1);
                let y_max = b.iter().map(|x| x.2).fold(0.0, f64::max).max(1e-9) * 1.1;
                let mut c = ChartBuilder::on(panel)
                    .caption(&pi.path, (FONT, 14).into_font().color(&INK))
                    .margin(6)
                    .x_label_area_size(if last_row { 34 } else { 18 })
                    .y_label_area_size(if first_col { 46 } else { 8 })
                    .build_cartesian_2d(
                        KeyAxis::new(bx0, bx1, xt.iter().map(|t| t.0).collect()),
                        0.0..y_max,
                    )?;
                let mut mesh = c.configure_mesh();
                mesh.disable_mesh()
                    .axis_style(INK)
                    .x_label_formatter(&fmt_x)
                    .y_labels(0)
                    .label_style(font.clone())
                    .axis_desc_style(font.clone());
                if last_row {
                    mesh.x_desc(pj.path.as_str());
                }
                if first_col {
                    mesh.y_desc("weight");
                }
                mesh.draw()?;
                c.draw_series(b.iter().map(|&(a, bb, y, _)| {
                    Rectangle::new([(a, 0.0), (bb, y)], ACCENT.mix(0.8).filled())
                }))?;
                continue;
            }
            let (y0, y1) = pi.z_range();
            let yt = axis_ticks(pi, 4);
            let fmt_y = |y: &f64| lookup(&yt, *y);
            let mut c = ChartBuilder::on(panel)
                .margin(6)
                .x_label_area_size(if last_row { 34 } else { 18 })
                .y_label_area_size(if first_col { 46 } else { 8 })
                .build_cartesian_2d(
                    KeyAxis::new(x0, x1, xt.iter().map(|t| t.0).collect()),
                    KeyAxis::new(y0, y1, yt.iter().map(|t| t.0).collect()),
                )?;
            let mut mesh = c.configure_mesh();
            mesh.bold_line_style(GRID)
                .light_line_style(TRANSPARENT)
                .axis_style(INK)
                .x_label_formatter(&fmt_x)
                .y_label_formatter(&fmt_y)
                .label_style(font.clone())
                .axis_desc_style(font.clone());
            if !last_row {
                mesh.x_labels(0);
            } else {
                mesh.x_desc(pj.path.as_str());
            }
            if !first_col {
                mesh.y_labels(0);
            } else {
                mesh.y_desc(pi.path.as_str());
            }
            mesh.draw()?;
            c.draw_series(order.iter().map(|&p| {
                let t = cal.weights[p] / w_max;
                let r = 1 + (4.0 * t.sqrt()).round() as i32;
                let colour = viridis(1.0 - t);
                Circle::new(
                    (pj.z(cal.values[p][top[j]]), pi.z(cal.values[p][top[i]])),
                    r,
                    colour.mix(0.75).filled(),
                )
            }))?;
        }
        Ok(())
    })?;
    Ok(Some(Chart {
        file,
        title,
        caption,
        svg,
    }))
}
