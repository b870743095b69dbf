//! Observable averages per point (docs/MODEL.md 5.2 and 7): what a sensitivity analysis, a
//! scenario-discovery method or an ABC sampler wants of a design, one row per point, without
//! writing a row per trial.
//!
//! Trial `k` of every point draws stream `k` of the seed, as in `negsim run` (common random
//! numbers across points), so the averages are exactly those computed from the `trials.csv`
//! of `negsim run --design file:POINTS.csv --observe NAME...` over the same points. For each
//! observable:
//!
//! - a number (a day, a quantity, a count) gives `NAME`, its mean over the trials in which
//!   it happened, `NAME.se` its standard error, `NAME.share` the share of trials in which
//!   it happened and `NAME.share.se` that share's standard error;
//! - a word gives, for each value, `NAME=VALUE` the share of trials taking it and
//!   `NAME=VALUE.se` (`outcome=completed`, `collapsed_by=DPRK`);
//! - `late` gives `NAME`, the share `true`, and `NAME.se`;
//!
//! after `n`, the trials run at the point. A mean over no trials is NaN. Standard errors are
//! `sd / sqrt(k)` (the sample standard deviation over the `k` trials averaged; 0 for one) and
//! `sqrt(p (1 - p) / n)` for shares.
//!
//! ```
//! use negsim::runs::evaluate::evaluate;
//! use negsim::runs::sweep::{Space, Sweep};
//! use negsim::scenario::{DEFAULT_SCENARIO, Document};
//!
//! let doc = Document::from_text("default.toml", DEFAULT_SCENARIO).unwrap();
//! let points = Sweep::new(&doc, &[], Space::Grid(vec![])).unwrap();
//! let names = ["outcome".to_string(), "end_day".to_string()];
//! let e = evaluate(&points, &names, 200, 1).unwrap();
//! assert_eq!(e.columns[0], "n");
//! assert_eq!(e.rows[0][0], 200.0);
//! let completed = e.column("outcome=completed").unwrap();
//! assert!((0.0..=1.0).contains(&e.rows[0][completed]));
//! ```

use crate::engine::plan::Plan as EnginePlan;
use crate::engine::{Trial, TrialResult};
use crate::error::{Error, Result};
use crate::output::observe::{Kind, Observable, Value};
use crate::rng;
use crate::runs::run::{BATCH, Point, Points, cancelled};
use rayon::prelude::*;
use std::sync::Arc;

/// One row per point: its sweep values and its averages.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The averages' names: `n`, then each observable's columns (see the module docs).
    pub columns: Vec<String>,
    /// The sweep values each point ran with (whole-day fields rounded), by point.
    pub values: Vec<Vec<f64>>,
    /// The averages, by point, in [`Evaluation::columns`] order.
    pub rows: Vec<Vec<f64>>,
}

impl Evaluation {
    /// The index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// A running mean and sum of squared deviations (Chan et al.'s merge), kept in trial order.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    k: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        self.k += 1;
        let d = x - self.mean;
        self.mean += d / self.k as f64;
        self.m2 += d * (x - self.mean);
    }

    fn merge(&mut self, o: &Moments) {
        if o.k == 0 {
            return;
        }
        if self.k == 0 {
            *self = *o;
            return;
        }
        let k = self.k + o.k;
        let d = o.mean - self.mean;
        self.mean += d * o.k as f64 / k as f64;
        self.m2 += o.m2 + d * d * (self.k as f64) * (o.k as f64) / k as f64;
        self.k = k;
    }

    fn mean(&self) -> f64 {
        if self.k == 0 { f64::NAN } else { self.mean }
    }

    fn se(&self) -> f64 {
        match self.k {
            0 => f64::NAN,
            1 => 0.0,
            k => (self.m2 / (k - 1) as f64).sqrt() / (k as f64).sqrt(),
        }
    }
}

/// Counts of one point (or one batch of it), per observable.
#[derive(Debug, Clone)]
struct Acc {
    n: u64,
    /// Numbers: moments over the trials where it happened.
    moments: Vec<Moments>,
    /// Words and flags: count per word (flags: `[false, true]`).
    counts: Vec<Vec<u64>>,
}

impl Acc {
    fn new(obs: &[(Observable, usize)]) -> Acc {
        Acc {
            n: 0,
            moments: vec![Moments::default(); obs.len()],
            counts: obs.iter().map(|(_, w)| vec![0; *w]).collect(),
        }
    }

    fn add(&mut self, obs: &[(Observable, usize)], s: &crate::Scenario, r: &TrialResult) {
        self.n += 1;
        for (i, (o, _)) in obs.iter().enumerate() {
            match o.eval(s, r) {
                Value::Number(x) => self.moments[i].add(x),
                Value::Word(w) => {
                    if let Some(c) = self.counts[i].get_mut(w) {
                        *c += 1;
                    }
                }
                Value::Flag(b) => self.counts[i][usize::from(b)] += 1,
                Value::Missing => {}
            }
        }
    }

    fn merge(&mut self, o: &Acc) {
        self.n += o.n;
        for (a, b) in self.moments.iter_mut().zip(&o.moments) {
            a.merge(b);
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    fn row(&self, obs: &[(Observable, usize)]) -> Vec<f64> {
        let n = self.n as f64;
        let share = |c: u64| {
            let p = c as f64 / n;
            [p, (p * (1.0 - p) / n).sqrt()]
        };
        let mut out = vec![n];
        for (i, (o, _)) in obs.iter().enumerate() {
            match o.kind() {
                Kind::Number => {
                    let m = &self.moments[i];
                    out.extend([m.mean(), m.se()]);
                    out.extend(share(m.k));
                }
                Kind::Word => {
                    for &c in &self.counts[i] {
                        out.extend(share(c));
                    }
                }
                Kind::Flag => out.extend(share(self.counts[i][1])),
            }
        }
        out
    }
}

/// The averages' column names for these observables of scenario `s`.
fn columns(obs: &[(Observable, usize)], s: &crate::Scenario) -> Vec<String> {
    let mut out = vec!["n".to_string()];
    for (o, _) in obs {
        let name = o.name(s);
        match o.kind() {
            Kind::Number => {
                out.push(name.clone());
                out.push(format!("{name}.se"));
                out.push(format!("{name}.share"));
                out.push(format!("{name}.share.se"));
            }
            Kind::Word => {
                for w in o.words(s) {
                    out.push(format!("{name}={w}"));
                    out.push(format!("{name}={w}.se"));
                }
            }
            Kind::Flag => {
                out.push(name.clone());
                out.push(format!("{name}.se"));
            }
        }
    }
    out
}

/// Observables parsed against a point's scenario, with their number of counters.
fn parse(names: &[String], s: &crate::Scenario) -> Result<Vec<(Observable, usize)>> {
    let mut out: Vec<(Observable, usize)> = Vec::new();
    for n in names {
        let o = Observable::parse(n.trim(), s)
            .map_err(|e| Error::Usage(format!("observe {n}: {e}")))?;
        if out.iter().any(|(p, _)| *p == o) {
            continue;
        }
        let width = match o.kind() {
            Kind::Word => o.words(s).len(),
            Kind::Flag => 2,
            Kind::Number => 0,
        };
        out.push((o, width));
    }
    Ok(out)
}

/// A point being evaluated: compiled, its engine plan, its observables.
type Loaded = (Point, Arc<EnginePlan>, Vec<(Observable, usize)>);

/// Points compiled at a time: enough work for every core, few enough to hold in memory.
fn window() -> usize {
    (rayon::current_num_threads() * 8).max(8)
}

/// Run `trials` trials of every point (seed `seed`) and average the observables `names`
/// per point, on every core (the current rayon pool). The result is the same for any
/// number of threads.
///
/// # Errors
/// [`Error::Usage`] for no trials, no observables or an unknown observable (named); the
/// error of a point that does not compile; [`Error::Refused`] when the run is cancelled
/// ([`crate::runs::run::cancellable`]).
pub fn evaluate(
    points: &dyn Points,
    names: &[String],
    trials: u64,
    seed: u64,
) -> Result<Evaluation> {
    if trials == 0 {
        return Err(Error::Usage("trials must be at least 1".into()));
    }
    if names.is_empty() {
        return Err(Error::Usage(
            "observe: name at least one observable, e.g. outcome or end_day".into(),
        ));
    }
    let n_points = points.count();
    if n_points.checked_mul(trials).is_none() {
        return Err(Error::Usage(format!(
            "{n_points} points x {trials} trials is more trials than negsim can count (2^64); run fewer"
        )));
    }
    let first = points.point(0)?;
    let obs0 = parse(names, &first.scenario)?;
    let cols = columns(&obs0, &first.scenario);
    let master = rng::master(seed);
    let mut values = Vec::new();
    let mut rows = Vec::new();
    let mut next = 0u64;
    while next < n_points {
        if cancelled() {
            return Err(Error::Refused("the run was interrupted".into()));
        }
        let end = (next + window() as u64).min(n_points);
        // The window's points, compiled on every core.
        let loaded: Vec<Loaded> = (next..end)
            .into_par_iter()
            .map(|i| {
                let p = if i == 0 {
                    first.clone()
                } else {
                    points.point(i)?
                };
                let obs = parse(names, &p.scenario)?;
                let plan = Arc::new(EnginePlan::new(&p.scenario));
                Ok((p, plan, obs))
            })
            .collect::<Result<_>>()?;
        // Every (point, batch) of the window, on every core, merged in order; taken a few
        // per core at a time, so that memory does not grow with `trials` and a cancel is
        // seen within a few batches.
        let mut merged: Vec<Acc> = loaded.iter().map(|(_, _, o)| Acc::new(o)).collect();
        let mut items = loaded.iter().enumerate().flat_map(|(k, _)| {
            (0..trials)
                .step_by(BATCH as usize)
                .map(move |a| (k, a, (a + BATCH).min(trials)))
        });
        loop {
            let chunk: Vec<(usize, u64, u64)> = items.by_ref().take(window() * 4).collect();
            if chunk.is_empty() {
                break;
            }
            if cancelled() {
                return Err(Error::Refused("the run was interrupted".into()));
            }
            merge_batches(&chunk, &loaded, &master, &mut merged);
        }
        for ((p, _, obs), acc) in loaded.iter().zip(&merged) {
            values.push(p.values.clone());
            rows.push(acc.row(obs));
        }
        next = end;
    }
    Ok(Evaluation {
        columns: cols,
        values,
        rows,
    })
}

/// Run the batches `chunk` of the window's points `loaded` on every core, and merge each
/// batch's sums into its point's, in the order of `chunk`.
fn merge_batches(
    chunk: &[(usize, u64, u64)],
    loaded: &[Loaded],
    master: &rng::TrialRng,
    merged: &mut [Acc],
) {
    let accs: Vec<(usize, Acc)> = chunk
        .par_iter()
        .map(|&(k, lo, hi)| {
            let (p, plan, obs) = &loaded[k];
            let sc = &p.scenario;
            let mut trial = Trial::with_plan(sc, Arc::clone(plan));
            trial.keep_action_records(obs.iter().any(|(o, _)| o.reads_action_records()));
            let mut result = TrialResult::new(sc);
            let mut acc = Acc::new(obs);
            for t in lo..hi {
                trial.run(master, t, &mut result);
                acc.add(obs, sc, &result);
            }
            (k, acc)
        })
        .collect();
    for (k, a) in &accs {
        merged[*k].merge(a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_merge_as_one_pass() {
        let xs: Vec<f64> = (0..100).map(|i| f64::from(i * i % 17)).collect();
        let mut one = Moments::default();
        xs.iter().for_each(|&x| one.add(x));
        let (mut a, mut b) = (Moments::default(), Moments::default());
        xs[..37].iter().for_each(|&x| a.add(x));
        xs[37..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        assert_eq!(a.k, 100);
        assert!((a.mean - one.mean).abs() < 1e-12);
        assert!((a.m2 - one.m2).abs() < 1e-9);
        let mean = xs.iter().sum::<f64>() / 100.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 99.0;
        assert!((one.se() - (var / 100.0).sqrt()).abs() < 1e-12);
    }
}
