//! The Monte Carlo runner: many trials of every point, on every core, written in order.
//!
//! Trials are cut into fixed-size batches; a window of batches runs in parallel with rayon
//! (each worker reusing one [`Trial`]'s buffers, all sharing the point's compiled plan), and
//! while a window runs, the previous one's rows are written in (point, trial) order, its
//! summaries merged, and the next window's batches taken (compiling the points they start).
//! Memory holds one window of rows, the summary of the point being written and the compiled
//! points of the three windows in flight, never the whole run: the batches are generated as
//! each window comes up (nothing is listed up front, so `--trials 10^12` starts at once) and
//! a point is compiled ([`Points`]) when its first batch comes up and dropped after its last. Because trial `k` of every point
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

/// The most worker threads a run accepts (`--threads`): far more than any machine's cores,
/// and few enough that starting them is quick.
pub const MAX_THREADS: usize = 1024;

/// Trials per batch: the unit of parallel work.
pub const BATCH: u64 = 2048;

mod cancel;
pub use cancel::{cancel_flag, cancellable, cancelled};

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

pub use super::precision::{Precision, check_precision, precise_enough};

/// The points of a run, built when the run reaches them (a sweep compiles point `i` when
/// its first batch comes up, and drops it after its last), so memory does not grow with
/// the number of points.
pub trait Points: Sync {
    /// How many points.
    fn count(&self) -> u64;
    /// Point `index` (from 0), compiled.
    ///
    /// # Errors
    /// When the point does not compile.
    fn point(&self, index: u64) -> Result<Point>;
    /// The stream trial `trial` of point `index` draws from: `trial` (common random numbers
    /// across points, docs/MODEL.md 4.2). A calibration's predictive run gives each point a
    /// stream of its own instead (docs/MODEL.md 6.8).
    fn trial_stream(&self, index: u64, trial: u64) -> u64 {
        let _ = index;
        trial
    }
    /// The engine's plan of `point` (one of these points): [`EnginePlan::new`] unless the
    /// points know a cheaper exact way (a sweep's points derive it from their base's).
    fn engine_plan(&self, point: &Point) -> Arc<EnginePlan> {
        Arc::new(EnginePlan::new(&point.scenario))
    }
    /// Take back a point the run no longer needs, unchanged: points that are copies of one
    /// base may reuse its scenario for a later point instead of copying the base again.
    fn recycle(&self, point: Point) {
        drop(point);
    }
}

impl Points for [Point] {
    fn count(&self) -> u64 {
        self.len() as u64
    }
    fn point(&self, index: u64) -> Result<Point> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.get(i))
            .cloned()
            .ok_or_else(|| Error::Usage(format!("no point {index}")))
    }
}

impl Points for Vec<Point> {
    fn count(&self) -> u64 {
        self.as_slice().count()
    }
    fn point(&self, index: u64) -> Result<Point> {
        self.as_slice().point(index)
    }
}

/// What to run.
#[derive(Clone)]
pub struct Plan<'a> {
    /// The points, in order.
    pub points: &'a dyn Points,
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
    /// A point's `summary.csv` and `points.csv` bytes, formatted here before they are
    /// written (kept from point to point: no allocation per point once grown).
    scratch: Vec<u8>,
}

fn io<'a>(dir: &'a RunDir, name: &'a str) -> impl Fn(std::io::Error) -> Error + 'a {
    // The path is made only when there is an error (this runs for every point written).
    move |e| Error::io(dir.temp_path(name), e)
}

/// Run a plan into a prepared run folder: writes `trials.csv`, `summary.csv`, `points.csv`
/// and (with `actions`) `actions.csv`, each renamed into place when complete. The caller
/// writes the manifest afterwards.
///
/// # Errors
/// [`Error::Io`] when a file cannot be written; [`Error::Usage`] for an unknown precision
/// metric, no trials, or more (point, trial) pairs than fit in a `u64`; the error of a point
/// that does not compile when the run reaches it.
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
        scratch: Vec::new(),
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
    if plan.trials == 0 {
        return Err(Error::Usage("--trials must be at least 1".into()));
    }
    let master = rng::master(plan.seed);
    let n_points = plan.points.count();
    let total_pairs = n_points.checked_mul(plan.trials).ok_or_else(|| {
        Error::Usage(format!(
            "{n_points} points x {} trials is more trials than negsim can count (2^64); run fewer",
            plan.trials
        ))
    })?;
    let (pair_lo, pair_hi) = plan.pairs.unwrap_or((0, total_pairs));
    let bar = progress_bar(plan.progress, pair_hi.saturating_sub(pair_lo));
    let mut stats = RunStats {
        trials_per_point: vec![0; usize::try_from(n_points).unwrap_or(0)],
        ..RunStats::default()
    };
    // The points this run covers (a shard covers a contiguous block of pairs), each with its
    // trials `[lo, hi)`; computed as they are reached, never listed.
    let first = pair_lo / plan.trials;
    let end = pair_hi.div_ceil(plan.trials).min(n_points);
    let trials = plan.trials;
    let ranges = (first..end).filter_map(move |p| {
        let base = p * trials;
        let lo = pair_lo.max(base) - base;
        let hi = pair_hi.min(base + trials).saturating_sub(base);
        (lo < hi).then_some((p, lo, hi))
    });
    // The date table of the last point loaded: reused while the start and horizon stay.
    let dates = DateCache::default();
    let dates = &dates;
    if plan.precision.is_empty() {
        // Batches of every point in one stream of work, so the cores never wait for each
        // other at the end of a point; a point's summary is written once its last batch is.
        // Each point is compiled when its first batch is taken from the stream.
        let items = ranges.flat_map(move |(point, lo, hi)| {
            let mut loaded: Option<Arc<Loaded<'_>>> = None;
            (lo..hi).step_by(BATCH as usize).map(move |a| {
                let lp = match &loaded {
                    Some(l) => Arc::clone(l),
                    None => {
                        let l = load(plan, point, dates)?;
                        loaded = Some(Arc::clone(&l));
                        l
                    }
                };
                Ok(Work {
                    point: lp,
                    lo: a,
                    hi: (a + BATCH).min(hi),
                })
            })
        });
        let mut current: Option<(Arc<Loaded<'_>>, PointSummary)> = None;
        run_items(plan, items, &master, &mut w, dir, &bar, |item, summ, w| {
            match current.as_mut() {
                Some((p, s)) if p.point().index == item.point.point().index => s.merge(&summ),
                _ => {
                    if let Some((p, s)) = current.take() {
                        flush_point(plan, w, dir, &mut stats, &p, &s)?;
                    }
                    current = Some((Arc::clone(&item.point), summ));
                }
            }
            Ok(())
        })?;
        if let Some((p, s)) = current.take() {
            flush_point(plan, &mut w, dir, &mut stats, &p, &s)?;
        }
    } else {
        // Rounds of a fixed size until every target holds: the decision depends only on
        // the results, so the same seed stops at the same count on any machine.
        let step = plan.precision_batch.max(1);
        for (point, lo, hi) in ranges {
            let lp = load(plan, point, dates)?;
            let mut summ = PointSummary::new(c);
            let mut done = lo;
            while done < hi {
                let next = (done + step).min(hi);
                let items = (done..next).step_by(BATCH as usize).map(|a| {
                    Ok(Work {
                        point: Arc::clone(&lp),
                        lo: a,
                        hi: (a + BATCH).min(next),
                    })
                });
                run_items(plan, items, &master, &mut w, dir, &bar, |_, s, _| {
                    summ.merge(&s);
                    Ok(())
                })?;
                done = next;
                if precise_enough(&summ, c, plan.precision) {
                    break;
                }
            }
            flush_point(plan, &mut w, dir, &mut stats, &lp, &summ)?;
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

/// Write a finished point's summary rows and its `points.csv` row.
fn flush_point(
    plan: &Plan,
    w: &mut Writers,
    dir: &RunDir,
    stats: &mut RunStats,
    lp: &Loaded,
    summ: &PointSummary,
) -> Result<()> {
    let c = plan.columns;
    let n = summ.n();
    if let Some(slot) = usize::try_from(lp.point().index)
        .ok()
        .and_then(|i| stats.trials_per_point.get_mut(i))
    {
        *slot = n;
    }
    stats.total_trials += n;
    let buf = &mut w.scratch;
    buf.clear();
    w.rows[1] += summ.push_rows(buf, &lp.prefix, c);
    w.summary.write_all(buf).map_err(io(dir, "summary.csv"))?;
    buf.clear();
    points::push_row(buf, &lp.prefix, n);
    w.rows[2] += 1;
    w.points.write_all(buf).map_err(io(dir, "points.csv"))?;
    Ok(())
}

/// A point while the run needs it: compiled, with its row prefix, engine plan and date
/// table (shared by the workers). Dropped when its last batch has been written.
struct Loaded<'p> {
    /// `Some` until dropped, when it goes back to `points`.
    point: Option<Point>,
    points: &'p dyn Points,
    prefix: Vec<u8>,
    engine: Arc<EnginePlan>,
    /// The `--observe` columns, parsed against this point's scenario.
    observe: Vec<crate::output::observe::Observable>,
    dates: Arc<DateTable>,
}

/// The date table of the last point loaded, with the start and horizon it is for: the points
/// of a sweep mostly share them, and formatting every day's date is a large part of a small
/// point's set-up.
type DateCache = std::sync::Mutex<Option<(chrono::NaiveDate, u32, Arc<DateTable>)>>;

impl Loaded<'_> {
    fn point(&self) -> &Point {
        self.point
            .as_ref()
            .expect("a loaded point is present until dropped")
    }
}

impl Drop for Loaded<'_> {
    fn drop(&mut self) {
        if let Some(p) = self.point.take() {
            self.points.recycle(p);
        }
    }
}

fn load<'p>(plan: &Plan<'p>, index: u64, dates: &DateCache) -> Result<Arc<Loaded<'p>>> {
    let point = plan.points.point(index)?;
    let sc = &point.scenario;
    let table = {
        let mut cache = dates.lock().unwrap_or_else(|e| e.into_inner());
        match cache.as_ref() {
            Some((start, horizon, t)) if *start == sc.start && *horizon == sc.horizon => {
                Arc::clone(t)
            }
            _ => {
                let t = Arc::new(DateTable::new(sc));
                *cache = Some((sc.start, sc.horizon, Arc::clone(&t)));
                t
            }
        }
    };
    Ok(Arc::new(Loaded {
        observe: plan.columns.observables(&point.scenario)?,
        prefix: row_prefix(&point),
        engine: plan.points.engine_plan(&point),
        dates: table,
        point: Some(point),
        points: plan.points,
    }))
}

/// A block of trials `[lo, hi)` of one point.
struct Work<'p> {
    point: Arc<Loaded<'p>>,
    lo: u64,
    hi: u64,
}

/// What a worker keeps between blocks of one window: the engine's buffers for the point it
/// last ran.
struct Worker<'s> {
    point: u64,
    trial: Trial<'s>,
    result: TrialResult,
    dates: Arc<DateTable>,
}

/// Run blocks in windows on every core, taking each window's blocks from `items` only when
/// it comes up; write each window's rows in order and hand each block's summary, in order,
/// to `done`.
fn run_items<'p>(
    plan: &Plan<'p>,
    mut items: impl Iterator<Item = Result<Work<'p>>> + Send,
    master: &TrialRng,
    w: &mut Writers,
    dir: &RunDir,
    bar: &Option<indicatif::ProgressBar>,
    mut done: impl FnMut(&Work<'p>, PointSummary, &mut Writers) -> Result<()> + Send,
) -> Result<()> {
    let c = plan.columns;
    let window = (rayon::current_num_threads() * 4).max(1);
    // While a window is computed, the previous one is written (on the calling thread, which
    // then joins the computation): the cores do not wait for the disk.
    let mut pending: Option<(Vec<Batch>, Vec<Work<'p>>)> = None;
    // The blocks of a window are taken from `items` (compiling each point as its first block
    // comes up) while the window before it is computed, so a sweep of many small points does
    // not compile them with the other cores idle.
    let take = |items: &mut dyn Iterator<Item = Result<Work<'p>>>| -> Result<Vec<Work<'p>>> {
        items.take(window).collect()
    };
    let mut next = take(&mut items)?;
    loop {
        if cancelled() {
            return Err(Error::Refused("the run was interrupted".into()));
        }
        let chunk = std::mem::take(&mut next);
        if chunk.is_empty() {
            break;
        }
        let compute = || -> Vec<Batch> {
            chunk
                .par_iter()
                .map_init(
                    || None::<Worker<'_>>,
                    |cache, item| {
                        let lp: &Loaded<'_> = &item.point;
                        let sc = &lp.point().scenario;
                        if cache.as_ref().is_none_or(|wk| wk.point != lp.point().index) {
                            let mut trial = Trial::with_plan(sc, Arc::clone(&lp.engine));
                            trial.keep_action_records(
                                plan.actions || lp.observe.iter().any(|o| o.reads_action_records()),
                            );
                            *cache = Some(Worker {
                                point: lp.point().index,
                                trial,
                                result: TrialResult::new(sc),
                                dates: Arc::clone(&lp.dates),
                            });
                        }
                        let wk = cache.as_mut().expect("worker state");
                        let n = (item.hi - item.lo) as usize;
                        let mut out = Batch {
                            trials: Vec::with_capacity(
                                n * (lp.prefix.len() + 48 + 8 * (c.phases.len() + c.parties.len())),
                            ),
                            actions: Vec::new(),
                            summary: PointSummary::new(c),
                        };
                        for t in item.lo..item.hi {
                            let stream = plan.points.trial_stream(lp.point().index, t);
                            wk.trial.run(master, stream, &mut wk.result);
                            trials::push_row(
                                &mut out.trials,
                                &lp.prefix,
                                t,
                                &wk.result,
                                sc,
                                &wk.dates,
                                &lp.observe,
                            );
                            if plan.actions {
                                actions::push_rows(&mut out.actions, &lp.prefix, t, &wk.result, sc);
                            }
                            out.summary.add(&wk.result);
                        }
                        out
                    },
                )
                .collect()
        };
        let previous = pending.take();
        let items = &mut items;
        let done = &mut done;
        let (taken, results) = rayon::join(
            || -> Result<Vec<Work<'p>>> {
                if let Some((batches, done_chunk)) = previous {
                    write_window(plan, batches, &done_chunk, w, dir, bar, done)?;
                }
                take(items)
            },
            compute,
        );
        next = taken?;
        pending = Some((results, chunk));
    }
    if let Some((batches, chunk)) = pending {
        write_window(plan, batches, &chunk, w, dir, bar, &mut done)?;
    }
    Ok(())
}

/// Write one window's rows in order and hand each batch's summary to `done`.
fn write_window<'p>(
    plan: &Plan<'p>,
    results: Vec<Batch>,
    chunk: &[Work<'p>],
    w: &mut Writers,
    dir: &RunDir,
    bar: &Option<indicatif::ProgressBar>,
    done: &mut impl FnMut(&Work<'p>, PointSummary, &mut Writers) -> Result<()>,
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
            w.rows[3] += n * item.point.point().scenario.actions.len() as u64;
        }
        if plan.progress
            && let Some(bar) = bar
        {
            bar.inc(n);
        }
        done(item, batch.summary, w)?;
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
