//! What every chart shares: the SVG canvas, sizes, fonts, colours, and the axis labels
//! (calendar dates, percentages, quantities).
//!
//! Charts are drawn with `plotters` on its SVG backend, which writes text as `<text>` elements
//! in a generic sans-serif font: no font files and no system libraries.

use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One chart: its file name, title, caption and SVG text.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File name in the report folder, e.g. `outcomes.svg`.
    pub file: String,
    /// The title drawn on the chart.
    pub title: String,
    /// One line for the page, saying what the chart shows.
    pub caption: String,
    /// The SVG document.
    pub svg: String,
}

/// A 95% interval, when there is one.
pub(crate) type Ci = Option<(f64, f64)>;

/// A drawing area on an SVG string.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// The result of drawing on an SVG area.
pub(crate) type Drawn = std::result::Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// The top of a share axis: a little above 100%, so the top tick label clears the title.
pub(crate) const SHARE_TOP: f64 = 1.03;
/// Width of every chart, in pixels.
pub(crate) const WIDTH: u32 = 960;
/// Height of a single chart.
pub(crate) const HEIGHT: u32 = 460;
/// The font family.
pub(crate) const FONT: &str = "sans-serif";

/// Title font (plotters' SVG backend writes `size / 1.24` px).
pub(crate) fn title_font() -> TextStyle<'static> {
    (FONT, 26).into_font().style(FontStyle::Bold).color(&INK)
}

/// Axis description font.
pub(crate) fn desc_font() -> TextStyle<'static> {
    (FONT, 18).into_font().color(&INK)
}

/// Tick label font.
pub(crate) fn label_font() -> TextStyle<'static> {
    (FONT, 16).into_font().color(&INK)
}

/// Small text inside a plot (values over bars, cells).
pub(crate) fn small_font() -> TextStyle<'static> {
    (FONT, 15).into_font().color(&INK)
}

/// A linear f64 axis whose ticks are exactly the given values (dates, categories, parameter
/// values), labelled by the chart's formatter.
#[derive(Debug, Clone)]
pub(crate) struct KeyAxis {
    lo: f64,
    hi: f64,
    keys: Vec<f64>,
}

impl KeyAxis {
    /// An axis over `lo..hi` with ticks at `keys`.
    pub(crate) fn new(lo: f64, hi: f64, keys: Vec<f64>) -> Self {
        KeyAxis { lo, hi, keys }
    }
}

impl Ranged for KeyAxis {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if span == 0.0 {
            return (limit.0 + limit.1) / 2;
        }
        // A value far outside the axis (an interval's end in a hand-edited file) is kept
        // within a plot's width of it, so that plotters' pixel arithmetic cannot overflow;
        // values on the axis map as before.
        let f = ((v - self.lo) / span).clamp(-1.0, 2.0);
        limit.0 + (f64::from(limit.1 - limit.0) * f + 1e-3).floor() as i32
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, _: H) -> Vec<f64> {
        self.keys
            .iter()
            .copied()
            .filter(|k| *k >= self.lo.min(self.hi) && *k <= self.hi.max(self.lo))
            .collect()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// Completed trials.
pub(crate) const COMPLETED: RGBColor = RGBColor(46, 125, 50);
/// Collapsed trials.
pub(crate) const COLLAPSED: RGBColor = RGBColor(198, 40, 40);
/// Stalled (or still running) trials.
pub(crate) const STALLED: RGBColor = RGBColor(158, 158, 158);
/// Grid lines.
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);
/// Axes and text.
pub(crate) const INK: RGBColor = RGBColor(40, 40, 40);
/// The main colour of single-series charts.
pub(crate) const ACCENT: RGBColor = RGBColor(33, 102, 172);

/// A qualitative palette (Tableau 10) for series without a colour of their own.
pub(crate) fn series_colour(i: usize) -> RGBColor {
    const P: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
    ];
    P[i % P.len()]
}

/// The colour of an outcome, by its index (completed, collapsed, stalled).
pub(crate) fn outcome_colour(k: usize) -> RGBColor {
    [COMPLETED, COLLAPSED, STALLED][k % 3]
}

/// Viridis, interpolated between nine stops, for `t` in [0, 1].
pub(crate) fn viridis(t: f64) -> RGBColor {
    const S: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (S.len() - 1) as f64;
    let i = (x.floor() as usize).min(S.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    RGBColor(
        mix(S[i].0, S[i + 1].0),
        mix(S[i].1, S[i + 1].1),
        mix(S[i].2, S[i + 1].2),
    )
}

/// Draw on a white SVG canvas of `size` and return the SVG text.
///
/// # Errors
/// [`Error::Refused`] naming the chart when plotters fails (it does not on a string backend).
pub(crate) fn render(
    file: &str,
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Drawn,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let fail = |e: &dyn std::fmt::Display| Error::Refused(format!("drawing {file}: {e}"));
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        draw(&root).map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}

/// A share as a percentage with `digits` decimals: `36.8%`.
pub(crate) fn pct(x: f64, digits: usize) -> String {
    format!("{:.*}%", digits, x * 100.0)
}

/// A number in at most four significant figures, without trailing zeros: `0.2`, `1`, `0.75`.
pub(crate) fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{}", if x.is_finite() { 0.0 } else { x });
    }
    let mag = x.abs().log10().floor() as i32;
    let decimals = (3 - mag).clamp(0, 12) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A large count with thousands separators: `736,371`.
pub(crate) fn thousands(x: f64) -> String {
    let neg = x < 0.0;
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if neg { format!("-{out}") } else { out }
}

/// A tick label for a quantity axis: `900k`, `1.2M`, `350`.
pub(crate) fn short_quantity(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{}M", num(x / 1e6))
    } else if a >= 1e4 {
        format!("{}k", num(x / 1e3))
    } else {
        num(x)
    }
}

/// How far apart the ticks of a date axis are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateStep {
    /// Every `n` days, labelled `12 Nov 2008`.
    Days(u32),
    /// On the 1st and the 15th of each month, labelled `15 Nov 2008`.
    HalfMonths,
    /// Every `n` months, labelled `Nov 2008`.
    Months(u32),
}

/// Ticks for days `lo..=hi` after `start`: at most `max` of them, on the first of a month when
/// the range spans at least three months, else every few days. Returns (day, label) pairs.
pub(crate) fn date_ticks(start: NaiveDate, lo: f64, hi: f64, max: usize) -> Vec<(f64, String)> {
    let lo_d = lo.ceil() as i64;
    let hi_d = hi.floor() as i64;
    if hi_d < lo_d {
        return Vec::new();
    }
    let date = |d: i64| chrono::Duration::try_days(d).and_then(|dd| start.checked_add_signed(dd));
    let day_of = |dt: NaiveDate| (dt - start).num_days();
    let mut steps: Vec<DateStep> = [1, 2, 7].into_iter().map(DateStep::Days).collect();
    steps.push(DateStep::HalfMonths);
    steps.extend([1, 2, 3, 6, 12, 24, 60].into_iter().map(DateStep::Months));
    let months_spanned = (hi_d - lo_d) as f64 / 30.44;
    for step in steps {
        let mut out = Vec::new();
        match step {
            DateStep::Days(n) => {
                if months_spanned >= 3.0 {
                    continue;
                }
                let mut d = lo_d;
                while d <= hi_d {
                    if let Some(dt) = date(d) {
                        out.push((d as f64, dt.format("%-d %b %Y").to_string()));
                    }
                    d += i64::from(n);
                }
            }
            DateStep::HalfMonths => {
                if months_spanned >= 6.0 {
                    continue;
                }
                for d in lo_d..=hi_d {
                    if let Some(dt) = date(d).filter(|dt| dt.day() == 1 || dt.day() == 15) {
                        out.push((d as f64, dt.format("%-d %b %Y").to_string()));
                    }
                }
            }
            DateStep::Months(n) => {
                let (Some(first), Some(last)) = (date(lo_d), date(hi_d)) else {
                    return Vec::new();
                };
                let mut y = first.year();
                let mut m = first.month();
                if first.day() != 1 {
                    m += 1;
                    if m > 12 {
                        m = 1;
                        y += 1;
                    }
                }
                // Align to multiples of the step (January for yearly ticks).
                while (m - 1) % n.min(12) != 0 && n > 1 {
                    m += 1;
                    if m > 12 {
                        m = 1;
                        y += 1;
                    }
                }
                while let Some(dt) = NaiveDate::from_ymd_opt(y, m, 1) {
                    if dt > last {
                        break;
                    }
                    out.push((day_of(dt) as f64, dt.format("%b %Y").to_string()));
                    let total = m - 1 + n;
                    y += (total / 12) as i32;
                    m = total % 12 + 1;
                }
            }
        }
        if out.len() <= max && !out.is_empty() {
            return out;
        }
    }
    Vec::new()
}

/// A label formatter that looks a tick up in a table (ticks are the only values labelled).
pub(crate) fn lookup(ticks: &[(f64, String)], x: f64) -> String {
    ticks
        .iter()
        .find(|(v, _)| (v - x).abs() < 1e-6)
        .map(|(_, s)| s.clone())
        .unwrap_or_default()
}

/// A file-name-safe form of a label: `t HFO` -> `t-hfo`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let t = out.trim_matches('-').to_string();
    if t.is_empty() { "unit".into() } else { t }
}

/// Evenly spaced "nice" ticks over `lo..=hi` (steps of 1, 2 or 5 times a power of ten).
pub(crate) fn nice_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return vec![lo];
    }
    let raw = (hi - lo) / max.max(1) as f64;
    let p = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p);
    let mut out = Vec::new();
    let mut k = (lo / step).ceil();
    while k * step <= hi + step * 1e-9 {
        let v = k * step;
        out.push(if v.abs() < step * 1e-9 {
            0.0
        } else {
            crate::runs::sweep::tidy(v)
        });
        k += 1.0;
    }
    out
}

/// What unit a swept parameter is in, from its path, for an axis description.
pub(crate) fn param_desc(path: &str) -> String {
    let field = path.rsplit('.').next().unwrap_or(path);
    let unit = match field {
        _ if path.contains(".trust.") => "0 to 1",
        "compliance" | "initial_trust" | "walkout_trust" | "trust_gain" | "trust_loss"
        | "trust_drop" => "0 to 1",
        "reciprocity" => "exponent",
        "rate_per_year" => "per year",
        f if f.ends_with("_days") || f == "horizon_days" => "days",
        _ => "",
    };
    if unit.is_empty() {
        path.to_string()
    } else {
        format!("{path} ({unit})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(0.2), "0.2");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.75), "0.75");
        assert_eq!(num(0.30000000000000004), "0.3");
        assert_eq!(thousands(736371.0), "736,371");
        assert_eq!(thousands(900.0), "900");
        assert_eq!(short_quantity(900000.0), "900k");
        assert_eq!(short_quantity(1_250_000.0), "1.25M");
        assert_eq!(pct(0.3681, 1), "36.8%");
    }

    #[test]
    fn date_ticks_fall_on_month_starts() {
        let start = NaiveDate::from_ymd_opt(2007, 10, 3).unwrap();
        let t = date_ticks(start, 0.0, 455.0, 9);
        assert!(t.len() <= 9 && t.len() >= 4, "{t:?}");
        assert_eq!(t[0].1, "Nov 2007");
        assert_eq!(t[0].0, 29.0);
        // Short ranges get day ticks.
        let t = date_ticks(start, 380.0, 410.0, 8);
        assert!(t.iter().all(|(_, s)| s.len() > 8), "{t:?}");
    }

    #[test]
    fn nice_ticks_are_round() {
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(slug("t HFO"), "t-hfo");
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
    }
}
