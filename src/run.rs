//! The Monte Carlo runner: many trials of every point, on every core, written in order.
//!
//! Trials are cut into fixed-size batches; a window of batches runs in parallel with rayon
//! (each worker reusing one [`Trial`]'s buffers, all sharing the point's compiled plan), and
//! while the next window runs, the previous one's rows are written in (point, trial) order
//! and its summaries merged. Memory holds one window of rows and one
//! constant-size summary per point, never the whole run. Because trial `k` of every point
//! draws from its own stream (see [`crate::rng`]) and summaries do not depend on arrival order,
//! the bytes written are the same for any thread count, batch size or shard split.

use crate::engine::plan::Plan as EnginePlan;
use crate::engine::{Trial, TrialResult};
use crate::error::{Error, Result};
use crate::model::Scenario;
use crate::output::summary::PointSummary;
use crate::output::trials::DateTable;
use crate::output::{Columns, RunDir, actions, points, push_f64, push_u64, summary, trials};
use crate::rng::{self, TrialRng};
use rayon::prelude::*;
use std::io::Write;
use std::sync::Arc;

/// Trials per batch: the unit of parallel work.
pub const BATCH: u64 = 2048;

/// One point of a run: its index, the values of the varied parameters, the compiled scenario.
#[derive(Debug, Clone)]
pub struct Point {
    /// Index from 0, in sweep order.
    pub index: u64,
    /// Values of the varied parameters, in column order.
    pub values: Vec<f64>,
    /// The scenario at this point.
    pub scenario: Scenario,
}

/// A precision target: run until the 95% interval of `metric` is no wider than
/// `2 * half_width` at every point.
#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    /// A metric of `summary.csv` (`p_completed`, `end_day`, `phase.<id>.done_day`, ...).
    pub metric: String,
    /// The largest accepted half-width.
    pub half_width: f64,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The points, in order.
    pub points: &'a [Point],
    /// Column layout.
    pub columns: &'a Columns,
    /// Master seed.
    pub seed: u64,
    /// Trials per point (the most, with precision targets).
    pub trials: u64,
    /// Write `actions.csv`.
    pub actions: bool,
    /// Precision targets (empty: run exactly `trials`).
    pub precision: &'a [Precision],
    /// Trials per round of a precision-driven run.
    pub precision_batch: u64,
    /// Only these flat (point, trial) pairs, `point * trials + trial` in `[from, to)`.
    pub pairs: Option<(u64, u64)>,
    /// Show a progress bar (only drawn on a terminal).
    pub progress: bool,
}

/// What a run wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunStats {
    /// Data rows per file, in manifest order.
    pub rows: Vec<(String, u64)>,
    /// Trials run at each point (by point index; 0 for points outside a shard).
    pub trials_per_point: Vec<u64>,
    /// Total trials.
    pub total_trials: u64,
}

/// `point,param,...,` for every row of a point.
pub fn row_prefix(p: &Point) -> Vec<u8> {
    let mut b = Vec::new();
    push_u64(&mut b, p.index);
    b.push(b',');
    for v in &p.values {
        push_f64(&mut b, *v);
        b.push(b',');
    }
    b
}

struct Batch {
    trials: Vec<u8>,
    actions: Vec<u8>,
    summary: PointSummary,
}

struct Writers {
    trials: crate::output::OutFile,
    actions: Option<crate::output::OutFile>,
    summary: crate::output::OutFile,
    points: crate::output::OutFile,
    rows: [u64; 4],
}

fn io(dir: &RunDir, name: &str) -> impl Fn(std::io::Error) -> Error + use<> {
    let p = dir.temp_path(name);
    move |e| Error::io(&p, e)
}

/// Run a plan into a prepared run folder: writes `trials.csv`, `summary.csv`, `points.csv`
/// and (with `actions`) `actions.csv`, each renamed into place when complete. The caller
/// writes the manifest afterwards.
///
/// # Errors
/// [`Error::Io`] when a file cannot be written; [`Error::Usage`] for an unknown precision
/// metric.
pub fn execute(plan: &Plan, dir: &RunDir) -> Result<RunStats> {
    let c = plan.columns;
    check_precision(c, plan.precision)?;
    let mut w = Writers {
        trials: dir.create("trials.csv")?,
        actions: if plan.actions {
            Some(dir.create("actions.csv")?)
        } else {
            None
        },
        summary: dir.create("summary.csv")?,
        points: dir.create("points.csv")?,
        rows: [0; 4],
    };
    w.trials
        .write_all(trials::header(c).as_bytes())
        .map_err(io(dir, "trials.csv"))?;
    w.summary
        .write_all(summary::header(c).as_bytes())
        .map_err(io(dir, "summary.csv"))?;
    w.points
        .write_all(points::header(c).as_bytes())
        .map_err(io(dir, "points.csv"))?;
    if let Some(a) = w.actions.as_mut() {
        a.write_all(actions::header(c).as_bytes())
            .map_err(io(dir, "actions.csv"))?;
    }
    let master = rng::master(plan.seed);
    let total_pairs = plan.points.len() as u64 * plan.trials;
    let (pair_lo, pair_hi) = plan.pairs.unwrap_or((0, total_pairs));
    let bar = progress_bar(plan.progress, pair_hi.saturating_sub(pair_lo));
    let mut stats = RunStats {
        trials_per_point: vec![0; plan.points.len()],
        ..RunStats::default()
    };
    // The trials of each point this run covers (a shard covers a contiguous block).
    let mut ranges: Vec<(usize, u64, u64)> = Vec::new();
    for (pi, point) in plan.points.iter().enumerate() {
        let base = point.index * plan.trials;
        let lo = pair_lo.max(base).saturating_sub(base).min(plan.trials);
        let hi = pair_hi
            .min(base + plan.trials)
            .saturating_sub(base)
            .min(plan.trials);
        if lo < hi {
            ranges.push((pi, lo, hi));
        }
    }
    if plan.precision.is_empty() {
        // Batches of every point in one stream of work, so the cores never wait for each
        // other at the end of a point; a point's summary is written once its last batch is.
        let items: Vec<Work> = ranges
            .iter()
            .flat_map(|&(point, lo, hi)| {
                (lo..hi).step_by(BATCH as usize).map(move |a| Work {
                    point,
                    lo: a,
                    hi: (a + BATCH).min(hi),
                })
            })
            .collect();
        let mut current: Option<(usize, PointSummary)> = None;
        run_items(plan, &items, &master, &mut w, dir, &bar, |item, summ, w| {
            match current.as_mut() {
                Some((p, s)) if *p == item.point => s.merge(&summ),
                _ => {
                    if let Some((p, s)) = current.take() {
                        flush_point(plan, w, dir, &mut stats, p, &s)?;
                    }
                    current = Some((item.point, summ));
                }
            }
            Ok(())
        })?;
        if let Some((p, s)) = current.take() {
            flush_point(plan, &mut w, dir, &mut stats, p, &s)?;
        }
    } else {
        // Rounds of a fixed size until every target holds: the decision depends only on
        // the results, so the same seed stops at the same count on any machine.
        let step = plan.precision_batch.max(1);
        for &(point, lo, hi) in &ranges {
            let mut summ = PointSummary::new(c);
            let mut done = lo;
            while done < hi {
                let next = (done + step).min(hi);
                let items: Vec<Work> = (done..next)
                    .step_by(BATCH as usize)
                    .map(|a| Work {
                        point,
                        lo: a,
                        hi: (a + BATCH).min(next),
                    })
                    .collect();
                run_items(plan, &items, &master, &mut w, dir, &bar, |_, s, _| {
                    summ.merge(&s);
                    Ok(())
                })?;
                done = next;
                if precise_enough(&summ, c, plan.precision) {
                    break;
                }
            }
            flush_point(plan, &mut w, dir, &mut stats, point, &summ)?;
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    w.trials.flush().map_err(io(dir, "trials.csv"))?;
    w.summary.flush().map_err(io(dir, "summary.csv"))?;
    w.points.flush().map_err(io(dir, "points.csv"))?;
    drop(w.trials);
    drop(w.summary);
    drop(w.points);
    dir.finish("trials.csv")?;
    dir.finish("summary.csv")?;
    dir.finish("points.csv")?;
    stats.rows.push(("trials.csv".into(), w.rows[0]));
    stats.rows.push(("summary.csv".into(), w.rows[1]));
    stats.rows.push(("points.csv".into(), w.rows[2]));
    if let Some(mut a) = w.actions.take() {
        a.flush().map_err(io(dir, "actions.csv"))?;
        drop(a);
        dir.finish("actions.csv")?;
        stats.rows.push(("actions.csv".into(), w.rows[3]));
    }
    Ok(stats)
}

/// Refuse a precision target on a metric `summary.csv` does not have (checked before the run
/// folder is touched).
///
/// # Errors
/// [`Error::Usage`] naming the metric and the valid ones.
pub fn check_precision(c: &Columns, precision: &[Precision]) -> Result<()> {
    for p in precision {
        let known = PointSummary::new(c)
            .rows(c)
            .into_iter()
            .any(|r| r.metric == p.metric);
        if !known {
            let names: Vec<String> = PointSummary::new(c)
                .rows(c)
                .into_iter()
                .map(|r| r.metric)
                .collect();
            return Err(Error::Usage(format!(
                "--precision: no metric `{}`; metrics are {}",
                p.metric,
                names.join(", ")
            )));
        }
    }
    Ok(())
}

/// Whether every precision target holds for this point's summary so far.
pub fn precise_enough(summ: &PointSummary, c: &Columns, targets: &[Precision]) -> bool {
    let rows = summ.rows(c);
    targets.iter().all(|t| {
        rows.iter()
            .find(|r| r.metric == t.metric)
            .and_then(|r| r.ci95)
            .is_some_and(|(lo, hi)| (hi - lo) / 2.0 <= t.half_width)
    })
}

/// Write a finished point's summary rows and its `points.csv` row.
fn flush_point(
    plan: &Plan,
    w: &mut Writers,
    dir: &RunDir,
    stats: &mut RunStats,
    pi: usize,
    summ: &PointSummary,
) -> Result<()> {
    let c = plan.columns;
    let point = &plan.points[pi];
    let prefix = row_prefix(point);
    let n = summ.n();
    stats.trials_per_point[point.index as usize] = n;
    stats.total_trials += n;
    let mut buf = Vec::new();
    summ.push_rows(&mut buf, &prefix, c);
    w.rows[1] += summ.rows(c).len() as u64;
    w.summary.write_all(&buf).map_err(io(dir, "summary.csv"))?;
    let mut buf = Vec::new();
    points::push_row(&mut buf, &prefix, n);
    w.rows[2] += 1;
    w.points.write_all(&buf).map_err(io(dir, "points.csv"))?;
    Ok(())
}

/// A block of trials `[lo, hi)` of one point (an index into the plan's points).
#[derive(Debug, Clone, Copy)]
struct Work {
    point: usize,
    lo: u64,
    hi: u64,
}

/// What a worker keeps between blocks: the engine's buffers for the point it last ran.
struct Worker<'s> {
    point: usize,
    trial: Trial<'s>,
    result: TrialResult,
    dates: DateTable,
    prefix: Vec<u8>,
}

/// Run blocks in windows on every core; write each window's rows in order and hand each
/// block's summary, in order, to `done`.
fn run_items<'p>(
    plan: &'p Plan,
    items: &[Work],
    master: &TrialRng,
    w: &mut Writers,
    dir: &RunDir,
    bar: &Option<indicatif::ProgressBar>,
    mut done: impl FnMut(&Work, PointSummary, &mut Writers) -> Result<()> + Send,
) -> Result<()> {
    let c = plan.columns;
    let window = (rayon::current_num_threads() * 4).max(1);
    // Each point's engine plan, compiled once and shared by the workers (kept while the
    // point's batches are in the window).
    let mut plans: Vec<(usize, Arc<EnginePlan>)> = Vec::new();
    // While a window is computed, the previous one is written (on the calling thread, which
    // then joins the computation): the cores do not wait for the disk.
    let mut pending: Option<(Vec<Batch>, &[Work])> = None;
    for chunk in items.chunks(window) {
        plans.retain(|(p, _)| chunk.iter().any(|w| w.point == *p));
        for w in chunk {
            if !plans.iter().any(|(p, _)| *p == w.point) {
                let sc = &plan.points[w.point].scenario;
                plans.push((w.point, Arc::new(EnginePlan::new(sc))));
            }
        }
        let plans = &plans;
        let compute = || -> Vec<Batch> {
            chunk
                .par_iter()
                .map_init(
                    || None::<Worker<'p>>,
                    |cache, item| {
                        if cache.as_ref().is_none_or(|wk| wk.point != item.point) {
                            let point = &plan.points[item.point];
                            let sc = &point.scenario;
                            let shared = plans
                                .iter()
                                .find(|(p, _)| *p == item.point)
                                .map(|(_, pl)| Arc::clone(pl))
                                .unwrap_or_else(|| Arc::new(EnginePlan::new(sc)));
                            *cache = Some(Worker {
                                point: item.point,
                                trial: Trial::with_plan(sc, shared),
                                result: TrialResult::new(sc),
                                dates: DateTable::new(sc),
                                prefix: row_prefix(point),
                            });
                        }
                        let wk = cache.as_mut().expect("worker state");
                        let sc = &plan.points[item.point].scenario;
                        let n = (item.hi - item.lo) as usize;
                        let mut out = Batch {
                            trials: Vec::with_capacity(
                                n * (wk.prefix.len() + 48 + 8 * (c.phases.len() + c.parties.len())),
                            ),
                            actions: Vec::new(),
                            summary: PointSummary::new(c),
                        };
                        for t in item.lo..item.hi {
                            wk.trial.run(master, t, &mut wk.result);
                            trials::push_row(
                                &mut out.trials,
                                &wk.prefix,
                                t,
                                &wk.result,
                                sc,
                                &wk.dates,
                            );
                            if plan.actions {
                                actions::push_rows(&mut out.actions, &wk.prefix, t, &wk.result, sc);
                            }
                            out.summary.add(&wk.result);
                        }
                        out
                    },
                )
                .collect()
        };
        let previous = pending.take();
        let (written, results) = rayon::join(
            || match previous {
                Some((batches, done_chunk)) => {
                    write_window(plan, batches, done_chunk, w, dir, bar, &mut done)
                }
                None => Ok(()),
            },
            compute,
        );
        written?;
        pending = Some((results, chunk));
    }
    if let Some((batches, chunk)) = pending {
        write_window(plan, batches, chunk, w, dir, bar, &mut done)?;
    }
    Ok(())
}

/// Write one window's rows in order and hand each batch's summary to `done`.
fn write_window(
    plan: &Plan,
    results: Vec<Batch>,
    chunk: &[Work],
    w: &mut Writers,
    dir: &RunDir,
    bar: &Option<indicatif::ProgressBar>,
    done: &mut impl FnMut(&Work, PointSummary, &mut Writers) -> Result<()>,
) -> Result<()> {
    for (batch, item) in results.into_iter().zip(chunk) {
        let n = item.hi - item.lo;
        w.trials
            .write_all(&batch.trials)
            .map_err(io(dir, "trials.csv"))?;
        w.rows[0] += n;
        if let Some(aw) = w.actions.as_mut() {
            aw.write_all(&batch.actions)
                .map_err(io(dir, "actions.csv"))?;
            w.rows[3] += n * plan.points[item.point].scenario.actions.len() as u64;
        }
        done(item, batch.summary, w)?;
        if let Some(bar) = bar {
            bar.inc(n);
        }
    }
    Ok(())
}

fn progress_bar(wanted: bool, total: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !wanted || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} trials ({per_sec}, eta {eta})",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}
