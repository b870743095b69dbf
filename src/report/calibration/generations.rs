//! `generations.svg`: how the ABC-SMC run went, from `generations.csv`: the tolerance of each
//! generation (top; generation 0, drawn from the prior, has none) and its acceptance rate
//! (bottom, on a log scale, where an acceptance collapse shows).

use super::read::CalibrationData;
use crate::error::Result;
use crate::report::draw::{
    ACCENT, COLLAPSED, Chart, GRID, INK, KeyAxis, WIDTH, desc_font, label_font, lookup, nice_ticks,
    num, pct, render, title_font,
};
use plotters::prelude::*;

/// The chart, when there is a generation.
pub fn chart(cal: &CalibrationData) -> Result<Option<Chart>> {
    let g = &cal.generations;
    if g.is_empty() {
        return Ok(None);
    }
    let file = "generations.svg".to_string();
    let title = "Tolerance and acceptance by generation".to_string();
    let last = &g[g.len() - 1];
    let caption = format!(
        "{} generations: the tolerance fell to {} and the last generation accepted {} of {} proposals ({}), with an effective sample size of {}; {} trials in all.",
        g.len(),
        if last.tolerance.is_finite() {
            num(last.tolerance)
        } else {
            "none (prior only)".into()
        },
        last.accepted,
        last.proposals,
        pct(last.acceptance, 2),
        num(last.ess),
        crate::report::draw::thousands(last.trials as f64)
    );
    let gens: Vec<f64> = g.iter().map(|r| r.generation as f64).collect();
    let gx0 = gens.first().copied().unwrap_or(0.0) - 0.5;
    let gx1 = gens.last().copied().unwrap_or(0.0) + 0.5;
    let every = g.len().div_ceil(15).max(1);
    let gticks: Vec<(f64, String)> = g
        .iter()
        .step_by(every)
        .map(|r| (r.generation as f64, r.generation.to_string()))
        .collect();
    let tol: Vec<(f64, f64)> = g
        .iter()
        .filter(|r| r.tolerance.is_finite())
        .map(|r| (r.generation as f64, r.tolerance))
        .collect();
    let t_max = tol.iter().map(|t| t.1).fold(0.0, f64::max).max(1e-9) * 1.1;
    let acc: Vec<(f64, f64)> = g
        .iter()
        .filter(|r| r.acceptance > 0.0)
        .map(|r| (r.generation as f64, r.acceptance.log10()))
        .collect();
    let a_lo = acc
        .iter()
        .map(|a| a.1)
        .fold(0.0, f64::min)
        .floor()
        .min(-1.0);
    let aticks: Vec<(f64, String)> = ((a_lo as i32)..=0)
        .map(|e| (f64::from(e), pct(10f64.powi(e), (-e - 2).max(0) as usize)))
        .collect();
    let svg = render(&file, (WIDTH, 720), |root| {
        let area = root.titled(&title, title_font())?;
        let (top, bottom) = area.split_vertically(320);
        let keys: Vec<f64> = gticks.iter().map(|t| t.0).collect();
        let fmt_g = |x: &f64| lookup(&gticks, *x);
        let tt = nice_ticks(0.0, t_max, 6);
        let mut c = ChartBuilder::on(&top)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(72)
            .build_cartesian_2d(
                KeyAxis::new(gx0, gx1, keys.clone()),
                KeyAxis::new(0.0, t_max, tt),
            )?;
        c.configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(INK)
            .x_label_formatter(&fmt_g)
            .y_label_formatter(&|y| num(*y))
            .y_desc("tolerance (scaled distance)")
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        c.draw_series(LineSeries::new(tol.iter().copied(), ACCENT.stroke_width(2)))?;
        c.draw_series(tol.iter().map(|&p| Circle::new(p, 4, ACCENT.filled())))?;
        let ak: Vec<f64> = aticks.iter().map(|t| t.0).collect();
        let fmt_a = |y: &f64| lookup(&aticks, *y);
        let mut c = ChartBuilder::on(&bottom)
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(72)
            .build_cartesian_2d(KeyAxis::new(gx0, gx1, keys), KeyAxis::new(a_lo, 0.05, ak))?;
        c.configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(INK)
            .x_label_formatter(&fmt_g)
            .y_label_formatter(&fmt_a)
            .x_desc("generation")
            .y_desc("acceptance (log scale)")
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        c.draw_series(LineSeries::new(
            acc.iter().copied(),
            COLLAPSED.stroke_width(2),
        ))?;
        c.draw_series(acc.iter().map(|&p| Circle::new(p, 4, COLLAPSED.filled())))?;
        Ok(())
    })?;
    Ok(Some(Chart {
        file,
        title,
        caption,
        svg,
    }))
}
