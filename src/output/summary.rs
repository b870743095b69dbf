//! `summary.csv`: tidy, one row per (point, metric) (docs/MODEL.md section 5).
//!
//! Columns: `point`, one per varied parameter, `metric`, `n`, `mean`, `sd`, `ci95_low`,
//! `ci95_high`, `p05`, `p25`, `p50`, `p75`, `p95`.
//!
//! Metrics, in this order: `p_completed`, `p_collapsed`, `p_stalled`; `end_day` (every
//! trial), `completed_day` (completed trials), `collapsed_day` (collapsed trials);
//! `actions_done`; per phase `phase.<id>.p_done` and `phase.<id>.done_day` (trials where it
//! was done); per unit `quantity.<unit>`; per party `party.<id>.delays` and
//! `party.<id>.p_walkout`. Proportions (`p_*`) carry Wilson 95% intervals and are summarised
//! as 0/1 values (so `sd` and the quantiles are those of the indicator); other metrics carry
//! `mean +- z sd / sqrt(n)` (`z` = [`crate::stats::Z95`]). Day metrics count only the trials in which the day occurred,
//! and `n` says how many. A summary is computed from trial rows alone, so `negsim merge` can
//! recompute it from shards' `trials.csv` and get the same bytes.

use super::{Columns, csv_field, push_f64, push_u64};
use crate::engine::{Outcome, TrialResult};
use crate::stats::{Histogram, mean_interval, wilson};

/// The header line (with newline).
pub fn header(c: &Columns) -> String {
    let mut cols: Vec<String> = vec!["point".into()];
    cols.extend(c.params.iter().cloned());
    cols.extend(
        [
            "metric",
            "n",
            "mean",
            "sd",
            "ci95_low",
            "ci95_high",
            "p05",
            "p25",
            "p50",
            "p75",
            "p95",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let mut line = cols
        .iter()
        .map(|s| csv_field(s))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Constant-size summary state of one point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSummary {
    n: u64,
    outcomes: [u64; 3],
    end_day: Histogram,
    completed_day: Histogram,
    collapsed_day: Histogram,
    actions_done: Histogram,
    phase_done: Vec<Histogram>,
    quantity: Vec<Histogram>,
    delays: Vec<Histogram>,
    walkouts: Vec<u64>,
}

/// One metric's figures, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    /// Metric name.
    pub metric: String,
    /// Trials it is over.
    pub n: u64,
    /// Mean.
    pub mean: Option<f64>,
    /// Sample standard deviation.
    pub sd: Option<f64>,
    /// 95% interval.
    pub ci95: Option<(f64, f64)>,
    /// p05, p25, p50, p75, p95.
    pub quantiles: [Option<f64>; 5],
}

const QS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

impl PointSummary {
    /// Empty state for a layout.
    pub fn new(c: &Columns) -> Self {
        PointSummary {
            n: 0,
            outcomes: [0; 3],
            end_day: Histogram::default(),
            completed_day: Histogram::default(),
            collapsed_day: Histogram::default(),
            actions_done: Histogram::default(),
            phase_done: vec![Histogram::default(); c.phases.len()],
            quantity: vec![Histogram::default(); c.units.len()],
            delays: vec![Histogram::default(); c.parties.len()],
            walkouts: vec![0; c.parties.len()],
        }
    }

    /// Trials counted.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Count one trial.
    pub fn add(&mut self, r: &TrialResult) {
        self.n += 1;
        let d = f64::from(r.end_day);
        self.end_day.add(d);
        match r.outcome {
            Outcome::Completed => {
                self.outcomes[0] += 1;
                self.completed_day.add(d);
            }
            Outcome::Collapsed => {
                self.outcomes[1] += 1;
                self.collapsed_day.add(d);
            }
            Outcome::Stalled => self.outcomes[2] += 1,
        }
        if let Some(i) = r.collapsed_by {
            self.walkouts[i] += 1;
        }
        self.actions_done.add(f64::from(r.actions_done));
        for (h, d) in self.phase_done.iter_mut().zip(&r.phase_done) {
            if let Some(d) = d {
                h.add(f64::from(*d));
            }
        }
        for (h, q) in self.quantity.iter_mut().zip(&r.quantity) {
            h.add(*q);
        }
        for (h, d) in self.delays.iter_mut().zip(&r.party_delays) {
            h.add(*d as f64);
        }
    }

    /// Add another summary of the same point (order does not matter).
    pub fn merge(&mut self, o: &PointSummary) {
        self.n += o.n;
        for k in 0..3 {
            self.outcomes[k] += o.outcomes[k];
        }
        self.end_day.merge(&o.end_day);
        self.completed_day.merge(&o.completed_day);
        self.collapsed_day.merge(&o.collapsed_day);
        self.actions_done.merge(&o.actions_done);
        for (a, b) in self.phase_done.iter_mut().zip(&o.phase_done) {
            a.merge(b);
        }
        for (a, b) in self.quantity.iter_mut().zip(&o.quantity) {
            a.merge(b);
        }
        for (a, b) in self.delays.iter_mut().zip(&o.delays) {
            a.merge(b);
        }
        for (a, b) in self.walkouts.iter_mut().zip(&o.walkouts) {
            *a += b;
        }
    }

    /// The row of a proportion, `k` of `n`: a function of `(k, n)` alone, so the figures of
    /// the pairs met lately (a 10-trial point has 11) are kept per thread, not recomputed.
    fn proportion(name: String, k: u64, n: u64) -> MetricRow {
        type Figures = (
            Option<f64>,
            Option<f64>,
            Option<(f64, f64)>,
            [Option<f64>; 5],
        );
        const ENTRIES: usize = 64;
        thread_local! {
            static SEEN: std::cell::RefCell<[Option<(u64, u64, Figures)>; ENTRIES]> =
                const { std::cell::RefCell::new([None; ENTRIES]) };
        }
        let compute = || -> Figures {
            let mut h = Histogram::default();
            h.add_n(0.0, n - k);
            h.add_n(1.0, k);
            (h.mean(), h.sd(), wilson(k, n), QS.map(|q| h.quantile(q)))
        };
        let slot = (k ^ n.rotate_left(17)) as usize % ENTRIES;
        let (mean, sd, ci95, quantiles) = SEEN.with(|seen| {
            let Ok(mut seen) = seen.try_borrow_mut() else {
                return compute();
            };
            match seen[slot] {
                Some((kk, nn, f)) if kk == k && nn == n => f,
                _ => {
                    let f = compute();
                    seen[slot] = Some((k, n, f));
                    f
                }
            }
        });
        MetricRow {
            metric: name,
            n,
            mean,
            sd,
            ci95,
            quantiles,
        }
    }

    fn values(name: String, h: &Histogram) -> MetricRow {
        let mean = h.mean();
        let sd = h.sd();
        MetricRow {
            metric: name,
            n: h.n(),
            mean,
            sd,
            ci95: match (mean, sd) {
                (Some(m), Some(s)) => Some(mean_interval(m, s, h.n())),
                _ => None,
            },
            quantiles: QS.map(|q| h.quantile(q)),
        }
    }

    /// Every metric of this point, in file order.
    pub fn rows(&self, c: &Columns) -> Vec<MetricRow> {
        let n = self.n;
        let mut out = vec![
            Self::proportion("p_completed".into(), self.outcomes[0], n),
            Self::proportion("p_collapsed".into(), self.outcomes[1], n),
            Self::proportion("p_stalled".into(), self.outcomes[2], n),
            Self::values("end_day".into(), &self.end_day),
            Self::values("completed_day".into(), &self.completed_day),
            Self::values("collapsed_day".into(), &self.collapsed_day),
            Self::values("actions_done".into(), &self.actions_done),
        ];
        for (p, h) in c.phases.iter().zip(&self.phase_done) {
            out.push(Self::proportion(format!("phase.{p}.p_done"), h.n(), n));
            out.push(Self::values(format!("phase.{p}.done_day"), h));
        }
        for (u, h) in c.units.iter().zip(&self.quantity) {
            out.push(Self::values(format!("quantity.{u}"), h));
        }
        for (k, (p, h)) in c.parties.iter().zip(&self.delays).enumerate() {
            out.push(Self::values(format!("party.{p}.delays"), h));
            out.push(Self::proportion(
                format!("party.{p}.p_walkout"),
                self.walkouts[k],
                n,
            ));
        }
        out
    }

    /// Append this point's rows and say how many. `prefix` is `point,param,...,` already
    /// formatted.
    pub fn push_rows(&self, buf: &mut Vec<u8>, prefix: &[u8], c: &Columns) -> u64 {
        let rows = self.rows(c);
        let count = rows.len() as u64;
        for row in rows {
            buf.extend_from_slice(prefix);
            // `csv_field` without its copy when the name needs no quotes (almost always).
            if row.metric.contains([',', '"', '\n', '\r']) {
                buf.extend_from_slice(csv_field(&row.metric).as_bytes());
            } else {
                buf.extend_from_slice(row.metric.as_bytes());
            }
            buf.push(b',');
            push_u64(buf, row.n);
            let opt = |buf: &mut Vec<u8>, x: Option<f64>| {
                buf.push(b',');
                if let Some(x) = x {
                    push_f64(buf, x);
                }
            };
            opt(buf, row.mean);
            opt(buf, row.sd);
            opt(buf, row.ci95.map(|c| c.0));
            opt(buf, row.ci95.map(|c| c.1));
            for q in row.quantiles {
                opt(buf, q);
            }
            buf.push(b'\n');
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A proportion's row is the same whether its `(k, n)` was met before or not, in any
    /// order (the kept figures collide in the table often here).
    #[test]
    fn kept_proportions_are_the_computed_ones() {
        let want = |k: u64, n: u64| {
            let mut h = Histogram::default();
            h.add_n(0.0, n - k);
            h.add_n(1.0, k);
            format!(
                "{:?}",
                (h.mean(), h.sd(), wilson(k, n), QS.map(|q| h.quantile(q)))
            )
        };
        let mut pairs: Vec<(u64, u64)> = (0..40u64)
            .flat_map(|n| (0..=n).map(move |k| (k, n)))
            .collect();
        for round in 0..3 {
            for &(k, n) in &pairs {
                let r = PointSummary::proportion("x".into(), k, n);
                let got = format!("{:?}", (r.mean, r.sd, r.ci95, r.quantiles));
                assert_eq!(got, want(k, n), "{k} of {n}, round {round}");
            }
            pairs.reverse();
        }
    }
}
