//! The calibration file (docs/MODEL.md 6.1): TOML with `[calibration]`, `[[observe]]` facts
//! and `[[prior]]` distributions, read into serde structs that mirror it exactly
//! (`deny_unknown_fields`) and validated into a [`Calibration`]. Every error names the file,
//! the line and column, the field at fault and what would be valid (exit code 2).

use super::distance::{Target, parse_observed};
use super::prior::{Prior, PriorKind};
use super::{HistoryMatching, Mutation, Setup, Stop};
use crate::error::{Error, Location, Result};
use crate::model::Scenario;
use crate::output::manifest::sha256_hex;
use crate::output::observe::Observable;
use crate::scenario::compile::toml_message;
use crate::scenario::{Document, Override, ParamPath, line_col, read_input};
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The narrowest and widest prior range the sampler takes, in its coordinate `z` (`x`, or
/// `ln x` for `log_uniform`); see `read_prior`.
const MIN_Z_WIDTH: f64 = 1e-100;
const MAX_Z_WIDTH: f64 = 1e100;

/// The most particles a calibration takes.
pub const MAX_PARTICLES: u64 = 1_000_000;

/// Default particles per generation.
pub const DEFAULT_PARTICLES: u64 = 1000;

/// Default posterior predictive trials.
pub const DEFAULT_PREDICTIVE_TRIALS: u64 = 10_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    calibration: Spanned<CalRaw>,
    #[serde(default)]
    observe: Vec<Spanned<ObserveRaw>>,
    #[serde(default)]
    prior: Vec<Spanned<PriorRaw>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalRaw {
    scenario: Spanned<String>,
    #[serde(default)]
    with: Vec<Spanned<String>>,
    seed: Option<u64>,
    particles: Option<Spanned<u64>>,
    stop: Option<Spanned<StopRaw>>,
    history_matching: Option<Spanned<HmRaw>>,
    predictive_trials: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StopRaw {
    tolerance: Option<f64>,
    min_acceptance: Option<f64>,
    max_trials: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HmRaw {
    points: Option<u64>,
    trials: Option<u64>,
    waves: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObserveRaw {
    name: Spanned<String>,
    value: Spanned<toml::Value>,
    scale: Option<Spanned<f64>>,
    source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorRaw {
    path: Spanned<String>,
    uniform: Option<Spanned<Vec<f64>>>,
    log_uniform: Option<Spanned<Vec<f64>>>,
}

/// A validated calibration: the scenario with its overlays, the record, the priors, and the
/// algorithm's settings.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The calibration file as named.
    pub file: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// The scenario document, overlays applied.
    pub doc: Document,
    /// It compiled as it stands.
    pub scenario: Scenario,
    /// The scenario file, resolved against the calibration file's folder.
    pub scenario_file: PathBuf,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Overlay files and their SHA-256, in order.
    pub overlays: Vec<(PathBuf, String)>,
    /// The historical facts.
    pub targets: Vec<Target>,
    /// Seed, particles, stopping, history matching, priors.
    pub setup: Setup,
    /// Trials of the posterior predictive run.
    pub predictive_trials: u64,
}

struct Ctx<'a> {
    label: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err(&self, span: Option<Range<usize>>, message: impl Into<String>) -> Error {
        Error::Scenario {
            location: Location {
                file: self.label.to_string(),
                line_col: span.map(|s| line_col(self.text, s.start)),
            },
            message: message.into(),
        }
    }

    /// A library error (an unknown path, a rejected value) placed at `span`.
    fn at(&self, span: Range<usize>, what: &str, e: Error) -> Error {
        let msg = match e {
            Error::Scenario { location, message } => format!("{what}: {location}: {message}"),
            other => format!("{what}: {other}"),
        };
        self.err(Some(span), msg)
    }
}

impl Calibration {
    /// Read and validate a calibration file.
    ///
    /// # Errors
    /// [`Error::Scenario`] naming the file, line and column and the rule broken (unknown keys,
    /// bad observable names or values, bad ranges, a prior outside its field's valid range);
    /// the scenario's own errors; [`Error::Io`].
    pub fn load(path: &Path) -> Result<Self> {
        let text = read_input(path, "calibration")?;
        Self::from_text(path, &text)
    }

    /// Validate calibration text as if read from `path` (whose folder the scenario path is
    /// relative to).
    ///
    /// # Errors
    /// As [`Calibration::load`].
    pub fn from_text(path: &Path, text: &str) -> Result<Self> {
        let label = path.display().to_string();
        let ctx = Ctx {
            label: &label,
            text,
        };
        let raw: FileRaw =
            toml::from_str(text).map_err(|e| ctx.err(e.span(), toml_message(text, &e)))?;
        let cal = raw.calibration.get_ref();
        let base = path.parent().unwrap_or(Path::new(""));
        let scenario_file = base.join(cal.scenario.get_ref());
        let scenario_text = read_input(&scenario_file, "scenario")
            .map_err(|e| ctx.at(cal.scenario.span(), "scenario", e))?;
        let mut doc = Document::from_text(&scenario_file.display().to_string(), &scenario_text)?;
        let mut overlays = Vec::new();
        for w in &cal.with {
            let p = base.join(w.get_ref());
            let t = read_input(&p, "overlay").map_err(|e| ctx.at(w.span(), "with", e))?;
            doc.apply_overlay(&p.display().to_string(), &t)?;
            overlays.push((p, sha256_hex(t.as_bytes())));
        }
        let scenario = doc.compile()?;
        let particles = match &cal.particles {
            None => DEFAULT_PARTICLES,
            Some(p) => {
                let v = *p.get_ref();
                if !(2..=MAX_PARTICLES).contains(&v) {
                    return Err(ctx.err(
                        Some(p.span()),
                        format!("particles = {v}: give 2 to {MAX_PARTICLES}"),
                    ));
                }
                v
            }
        };
        let stop = read_stop(&ctx, cal.stop.as_ref())?;
        let history_matching = read_hm(&ctx, cal.history_matching.as_ref())?;
        if let Some(hm) = &history_matching {
            let needed = hm.points * hm.trials * hm.waves + particles;
            if stop.max_trials < needed {
                // At `stop` when it is given, else at the history matching that costs too much.
                let span = cal
                    .stop
                    .as_ref()
                    .map(Spanned::span)
                    .or_else(|| cal.history_matching.as_ref().map(Spanned::span));
                return Err(ctx.err(
                    span,
                    format!(
                        "stop.max_trials = {} cannot pay for the history matching ({} trials) and a first generation of {particles} particles: give at least {needed}",
                        stop.max_trials,
                        hm.points * hm.trials * hm.waves
                    ),
                ));
            }
        } else if stop.max_trials < particles {
            return Err(ctx.err(
                cal.stop.as_ref().map(Spanned::span),
                format!(
                    "stop.max_trials = {} is fewer than the {particles} particles of the first generation",
                    stop.max_trials
                ),
            ));
        }
        let predictive_trials = match &cal.predictive_trials {
            None => DEFAULT_PREDICTIVE_TRIALS,
            Some(p) if *p.get_ref() > crate::runs::sweep::MAX_POINTS => {
                return Err(ctx.err(
                    Some(p.span()),
                    format!(
                        "predictive_trials = {}: at most {}",
                        p.get_ref(),
                        crate::runs::sweep::MAX_POINTS
                    ),
                ));
            }
            Some(p) => *p.get_ref(),
        };
        if raw.observe.is_empty() {
            return Err(ctx.err(
                Some(raw.calibration.span()),
                "no [[observe]] facts: give at least one, e.g. name = \"action.ID.done_day\", value = \"2008-06-26\", scale = 30",
            ));
        }
        if raw.prior.is_empty() {
            return Err(ctx.err(
                Some(raw.calibration.span()),
                "no [[prior]]: give at least one, e.g. path = \"party.DPRK.compliance\", uniform = [0.1, 0.9]",
            ));
        }
        let targets = raw
            .observe
            .iter()
            .map(|o| read_target(&ctx, o.get_ref(), &scenario))
            .collect::<Result<Vec<_>>>()?;
        let mut priors: Vec<Prior> = Vec::new();
        for p in &raw.prior {
            let prior = read_prior(&ctx, p, &doc)?;
            if priors.iter().any(|q| q.path == prior.path) {
                return Err(ctx.err(
                    Some(p.get_ref().path.span()),
                    format!("prior on `{}` given twice: give one per path", prior.path),
                ));
            }
            priors.push(prior);
        }
        Ok(Calibration {
            file: label.clone(),
            sha256: sha256_hex(text.as_bytes()),
            doc,
            scenario,
            scenario_file,
            scenario_sha256: sha256_hex(scenario_text.as_bytes()),
            overlays,
            targets,
            setup: Setup {
                seed: cal.seed.unwrap_or(1),
                particles: particles as usize,
                stop,
                history_matching,
                priors,
                mutation: Mutation::None,
            },
            predictive_trials,
        })
    }
}

fn read_stop(ctx: &Ctx, raw: Option<&Spanned<StopRaw>>) -> Result<Stop> {
    let mut stop = Stop::default();
    let Some(s) = raw else {
        return Ok(stop);
    };
    let span = Some(s.span());
    let r = s.get_ref();
    if let Some(t) = r.tolerance {
        if !(t.is_finite() && t >= 0.0) {
            return Err(ctx.err(span, format!("stop.tolerance = {t}: give a number >= 0")));
        }
        stop.tolerance = t;
    }
    if let Some(a) = r.min_acceptance {
        if !(a > 0.0 && a <= 1.0) {
            return Err(ctx.err(
                span,
                format!("stop.min_acceptance = {a}: give a number in (0, 1]"),
            ));
        }
        stop.min_acceptance = a;
    }
    if let Some(m) = r.max_trials {
        stop.max_trials = m;
    }
    Ok(stop)
}

fn read_hm(ctx: &Ctx, raw: Option<&Spanned<HmRaw>>) -> Result<Option<HistoryMatching>> {
    let Some(h) = raw else {
        return Ok(None);
    };
    let r = h.get_ref();
    let hm = HistoryMatching {
        points: r.points.unwrap_or(2000),
        trials: r.trials.unwrap_or(2000),
        waves: r.waves.unwrap_or(3),
    };
    let span = Some(h.span());
    if !(2..=crate::runs::sweep::MAX_POINTS).contains(&hm.points) {
        return Err(ctx.err(
            span,
            format!(
                "history_matching.points = {}: give 2 to {}",
                hm.points,
                crate::runs::sweep::MAX_POINTS
            ),
        ));
    }
    if hm.trials == 0 || hm.points.saturating_mul(hm.trials) >= 1 << 40 {
        return Err(ctx.err(
            span,
            format!(
                "history_matching.trials = {}: give at least 1, with points x trials below 2^40",
                hm.trials
            ),
        ));
    }
    if !(1..=1024).contains(&hm.waves) {
        return Err(ctx.err(
            span,
            format!("history_matching.waves = {}: give 1 to 1024", hm.waves),
        ));
    }
    Ok(Some(hm))
}

fn read_target(ctx: &Ctx, o: &ObserveRaw, s: &Scenario) -> Result<Target> {
    let name = o.name.get_ref();
    let observable =
        Observable::parse(name, s).map_err(|e| ctx.at(o.name.span(), "observe name", e))?;
    let observed = parse_observed(&observable, o.value.get_ref(), s)
        .map_err(|e| ctx.at(o.value.span(), &format!("value of `{name}`"), e))?;
    let scale = match &o.scale {
        None => 1.0,
        Some(x) => {
            let v = *x.get_ref();
            if !(v.is_finite() && v > 0.0) {
                return Err(ctx.err(
                    Some(x.span()),
                    format!("scale = {v} for `{name}`: give a number > 0"),
                ));
            }
            v
        }
    };
    Ok(Target {
        name: name.clone(),
        observable,
        observed,
        scale,
        source: o.source.clone().unwrap_or_default(),
        censored: f64::from(s.horizon) + 1.0,
    })
}

fn read_prior(ctx: &Ctx, p: &Spanned<PriorRaw>, doc: &Document) -> Result<Prior> {
    let r = p.get_ref();
    let span = r.path.span();
    let path =
        ParamPath::parse(r.path.get_ref()).map_err(|e| ctx.at(span.clone(), "prior path", e))?;
    doc.check_path(&path)
        .map_err(|e| ctx.at(span.clone(), "prior path", e))?;
    if path.to_string() == "scenario.horizon_days" {
        // The horizon fixes the period the record covers: an observed day is checked against
        // it, and a day that did not happen counts at H + 1 (docs/MODEL.md 6.3).
        return Err(ctx.err(
            Some(span),
            "prior on `scenario.horizon_days`: the horizon is the period the facts are observed in (a day that did not happen counts at horizon + 1), not a parameter to calibrate; set it in the scenario".to_string(),
        ));
    }
    let (kind, range) = match (&r.uniform, &r.log_uniform) {
        (Some(u), None) => (PriorKind::Uniform, u),
        (None, Some(l)) => (PriorKind::LogUniform, l),
        _ => {
            return Err(ctx.err(
                Some(p.span()),
                format!("prior on `{path}`: give exactly one of uniform = [lo, hi] or log_uniform = [lo, hi]"),
            ));
        }
    };
    let rs = Some(range.span());
    let v = range.get_ref();
    let &[lo, hi] = v.as_slice() else {
        return Err(ctx.err(
            rs,
            format!(
                "prior on `{path}`: the range is [lo, hi], two numbers; {} given",
                v.len()
            ),
        ));
    };
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(ctx.err(
            rs,
            format!("prior on `{path}`: [{lo}, {hi}] needs finite lo < hi"),
        ));
    }
    if kind == PriorKind::LogUniform && lo <= 0.0 {
        return Err(ctx.err(
            rs,
            format!("prior on `{path}`: log_uniform needs lo > 0; {lo} given (use uniform for a range from 0)"),
        ));
    }
    let whole = doc.is_whole(&path);
    let prior = Prior {
        path: path.clone(),
        kind,
        lo,
        hi,
        whole,
    };
    // The sampler moves `z` with a Gaussian whose variance is of the order of the range's
    // width squared (its ridge is (1e-9 x width)^2): a width below about 1e-145 makes it 0,
    // one above about 1e154 makes it infinite, and the sampler would then run for minutes and
    // fail. Bounds well inside both, far from any range a model parameter needs.
    let (z_lo, z_hi) = prior.z_range();
    let width = z_hi - z_lo;
    if !(MIN_Z_WIDTH..=MAX_Z_WIDTH).contains(&width) {
        let scale = if kind == PriorKind::LogUniform {
            " (of ln x, for log_uniform)"
        } else {
            ""
        };
        return Err(ctx.err(
            rs,
            format!(
                "prior on `{path}`: [{lo}, {hi}] is {width:e} wide{scale}; the sampler resolves widths from {MIN_Z_WIDTH:e} to {MAX_Z_WIDTH:e}: for a value known exactly, set it in the scenario (or with --set) instead of a prior"
            ),
        ));
    }
    for end in [lo, hi] {
        let value = if whole { end.round() } else { end };
        doc.compile_with(&[Override {
            path: path.clone(),
            value,
        }])
        .map_err(|e| {
            ctx.at(
                range.span(),
                &format!("prior on `{path}`: the end {end} is outside the field's valid range"),
                e,
            )
        })?;
    }
    Ok(prior)
}
