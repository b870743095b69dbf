//! The parties: how often each delayed a due action (a box from p05 to p95 of
//! `party.<id>.delays`, with its mean), and who walked out (`party.<id>.p_walkout` with Wilson
//! 95% intervals). Both from `summary.csv`, for the point the detailed charts show.

use super::draw::{
    ACCENT, COLLAPSED, Chart, Ci, GRID, HEIGHT, INK, KeyAxis, WIDTH, desc_font, label_font, lookup,
    num, pct, render, small_font, title_font,
};
use super::outcomes::whisker;
use super::read::RunData;
use super::timeline::point_suffix;
use crate::error::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

fn party_ticks(run: &RunData) -> Vec<(f64, String)> {
    run.parties
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f64 + 0.5, p.clone()))
        .collect()
}

/// Delays by party: box p25..p75, whiskers p05..p95, median, mean with its interval.
pub fn delays_chart(run: &RunData) -> Result<Chart> {
    let file = "delays.svg".to_string();
    let title = format!("Delays by party{}", point_suffix(run));
    let p = run.detail.point;
    let rows: Vec<(usize, [f64; 5], f64, Ci)> = run
        .parties
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let m = run.metric(p, &format!("party.{id}.delays"))?;
            let q = m.quantiles;
            Some((i, [q[0]?, q[1]?, q[2]?, q[3]?, q[4]?], m.mean?, m.ci))
        })
        .collect();
    let most = rows
        .iter()
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map(|r| (run.parties[r.0].clone(), r.2, r.1));
    let caption = match &most {
        Some((id, mean, q)) => format!(
            "Times per trial a party put off an action that was due when it reviewed (box: middle half of trials, whiskers: p05 to p95); {id} delays most, {:.1} times on average (90% of trials between {} and {}).",
            mean,
            num(q[0]),
            num(q[4])
        ),
        None => "Times per trial a party put off an action that was due when it reviewed.".into(),
    };
    let y_max = rows
        .iter()
        .map(|r| r.1[4].max(r.3.map_or(0.0, |c| c.1)))
        .fold(1.0, f64::max)
        * 1.12;
    let svg = render(&file, (WIDTH, HEIGHT), |root| {
        let ticks = party_ticks(run);
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
            .y_desc("delays per trial (count)")
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&|y| num(*y))
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        let box_colour = ACCENT.mix(0.35);
        chart
            .draw_series(rows.iter().map(|(i, q, _, _)| {
                let x = *i as f64 + 0.5;
                PathElement::new(whisker(x, q[0], q[4], 0.12), INK.stroke_width(2))
            }))?
            .label("90% of trials (p05 to p95)")
            .legend(|(x, y)| {
                PathElement::new(vec![(x + 7, y - 7), (x + 7, y + 7)], INK.stroke_width(2))
            });
        chart
            .draw_series(rows.iter().map(|(i, q, _, _)| {
                let x = *i as f64 + 0.5;
                Rectangle::new([(x - 0.25, q[1]), (x + 0.25, q[3])], box_colour.filled())
            }))?
            .label("middle half (p25 to p75)")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 14, y + 6)], box_colour.filled())
            });
        chart.draw_series(rows.iter().map(|(i, q, _, _)| {
            let x = *i as f64 + 0.5;
            Rectangle::new([(x - 0.25, q[1]), (x + 0.25, q[3])], ACCENT.stroke_width(2))
        }))?;
        chart
            .draw_series(rows.iter().map(|(i, q, _, _)| {
                let x = *i as f64 + 0.5;
                PathElement::new(
                    vec![(x - 0.25, q[2]), (x + 0.25, q[2])],
                    INK.stroke_width(3),
                )
            }))?
            .label("median")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], INK.stroke_width(3)));
        chart
            .draw_series(rows.iter().map(|(i, _, mean, _)| {
                Circle::new((*i as f64 + 0.5, *mean), 5, COLLAPSED.filled())
            }))?
            .label("mean (with its 95% interval)")
            .legend(|(x, y)| Circle::new((x + 7, y), 5, COLLAPSED.filled()));
        chart.draw_series(rows.iter().filter_map(|(i, _, _, ci)| {
            let (lo, hi) = (*ci)?;
            let x = *i as f64 + 0.5;
            Some(PathElement::new(
                vec![(x, lo), (x, hi)],
                COLLAPSED.stroke_width(3),
            ))
        }))?;
        chart.draw_series(rows.iter().map(|(i, _, mean, _)| {
            Text::new(
                format!("{mean:.1}"),
                (*i as f64 + 0.5 + 0.3, *mean),
                small_font().pos(Pos::new(HPos::Left, VPos::Center)),
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
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}

/// Who walked out: the share of trials each party ended by walking out.
pub fn walkouts_chart(run: &RunData) -> Result<Chart> {
    let file = "walkouts.svg".to_string();
    let title = format!("Who walked out{}", point_suffix(run));
    let p = run.detail.point;
    let rows: Vec<(usize, f64, Ci)> = run
        .parties
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let m = run.metric(p, &format!("party.{id}.p_walkout"))?;
            Some((i, m.mean?, m.ci))
        })
        .collect();
    let walked: Vec<String> = rows
        .iter()
        .filter(|r| r.1 > 0.0)
        .map(|r| format!("{} in {}", run.parties[r.0], pct(r.1, 1)))
        .collect();
    let caption = if walked.is_empty() {
        "Share of trials that ended because each party walked out: no party walked out in any trial (Wilson 95% intervals).".to_string()
    } else {
        format!(
            "Share of trials that ended because each party walked out (Wilson 95% intervals): {} of trials; no other party walked out.",
            walked.join(", ")
        )
    };
    let y_max = rows
        .iter()
        .map(|r| r.2.map_or(r.1, |c| c.1))
        .fold(0.02, f64::max)
        * 1.25;
    let y_max = y_max.min(1.0);
    let digits = if y_max < 0.1 { 1 } else { 0 };
    let svg = render(&file, (WIDTH, HEIGHT), |root| {
        let ticks = party_ticks(run);
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
            .y_desc("trials it walked out of (%)")
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&|y| pct(*y, digits))
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .draw()?;
        chart
            .draw_series(rows.iter().map(|(i, y, _)| {
                let x = *i as f64 + 0.5;
                Rectangle::new(
                    [(x - 0.3, 0.0), (x + 0.3, *y)],
                    COLLAPSED.mix(0.85).filled(),
                )
            }))?
            .label("walked out")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], COLLAPSED.filled()));
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
            let top = ci.map_or(*y, |c| c.1);
            Text::new(
                pct(*y, 1),
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
    Ok(Chart {
        file,
        title,
        caption,
        svg,
    })
}
