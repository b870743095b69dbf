//! Cheap sweep points: 10,000 points of 10 trials each of the default scenario against one
//! point of 100,000 trials, both end to end into `trials.csv` (the target: the sweep at 50%
//! or more of the one point's trials per second), and a point's set-up alone.
//!
//! `cargo bench --bench points` runs the criterion groups. For the stable figure, the same
//! binary counts instructions under callgrind when `NEGSIM_POINT_SETUP=<what>:<n>` is set: it
//! builds `n` points (`what` = `patched`, `full`, `plan`, `dates` or `trial`, see
//! [`setup`]) and exits; the difference between `n = 1000` and `n = 0`, divided by 1000, is one
//! point's cost (BENCHMARKS.md, "Sweep points").

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use negsim::engine::plan::Plan as EnginePlan;
use negsim::engine::{Trial, TrialResult};
use negsim::output::trials::DateTable;
use negsim::output::{Columns, RunDir};
use negsim::runs::run::{Plan, Points, execute};
use negsim::runs::sweep::{Design, Sweep, Vary, space};
use negsim::scenario::{DEFAULT_SCENARIO, Document};
use std::hint::black_box;
use std::sync::Arc;

/// The default scenario swept over DPRK and US compliance: 100 x 100 = 10,000 points.
fn varies() -> Vec<Vary> {
    [
        "party.DPRK.compliance=0.3:0.7:100",
        "party.US.compliance=0.6:0.9:100",
    ]
    .iter()
    .map(|v| Vary::parse(v).expect("vary"))
    .collect()
}

fn document() -> Document {
    Document::from_text("second-phase-2007.toml", DEFAULT_SCENARIO).expect("default scenario")
}

/// Run `points` x `trials` into a fresh folder under `tmp`.
fn run(points: &dyn Points, columns: &Columns, trials: u64, tmp: &std::path::Path) {
    let dir = RunDir::prepare(&tmp.join("run"), true).expect("run folder");
    let plan = Plan {
        points,
        columns,
        seed: 1,
        trials,
        actions: false,
        precision: &[],
        precision_batch: 1000,
        pairs: None,
        progress: false,
    };
    execute(&plan, &dir).expect("run");
}

fn sweep_vs_one_point(c: &mut Criterion) {
    let doc = document();
    let varies = varies();
    let params: Vec<String> = varies.iter().map(|v| v.path.to_string()).collect();
    let sweep = Sweep::new(
        &doc,
        &varies,
        space(&varies, Design::Grid, 1, &[false, false]).expect("space"),
    )
    .expect("sweep");
    assert!(sweep.builder().is_patched());
    let base = sweep.build(0).expect("point 0");
    let sweep_columns = Columns::new(&base.scenario, &params);
    let one = vec![negsim::runs::run::Point {
        index: 0,
        values: vec![],
        scenario: doc.compile().expect("compiles"),
    }];
    let one_columns = Columns::new(&one[0].scenario, &[]);
    let tmp = tempfile::tempdir().expect("temporary folder");
    let mut group = c.benchmark_group("points");
    group.sample_size(10);
    group.throughput(Throughput::Elements(100_000));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("threads");
        group.bench_with_input(
            BenchmarkId::new("1_point_x_100000_trials", format!("{threads}_threads")),
            &threads,
            |b, _| b.iter(|| pool.install(|| run(&one, &one_columns, 100_000, tmp.path()))),
        );
        group.bench_with_input(
            BenchmarkId::new("10000_points_x_10_trials", format!("{threads}_threads")),
            &threads,
            |b, _| b.iter(|| pool.install(|| run(&sweep, &sweep_columns, 10, tmp.path()))),
        );
    }
    group.finish();
    // One point's set-up, each part alone.
    let builder = sweep.builder();
    let mut group = c.benchmark_group("point_setup");
    let mut i = 0u64;
    group.bench_function("patched", |b| {
        b.iter(|| {
            i = (i + 1) % 10_000;
            black_box(sweep.build(i).expect("point"))
        })
    });
    group.bench_function("full_compile", |b| {
        b.iter(|| black_box(builder.full_point(0, &[0.4, 0.7]).expect("point")))
    });
    group.bench_function("engine_plan", |b| {
        b.iter(|| black_box(EnginePlan::new(&base.scenario)))
    });
    group.bench_function("date_table", |b| {
        b.iter(|| black_box(DateTable::new(&base.scenario)))
    });
    group.finish();
}

/// Build `n` points' `what`: `patched` (the builder's point, a copy of the base),
/// `recycled` (a point made from a spent one, as a run makes them), `patched_plan` (a
/// recycled point and its engine plan derived from the base's), `full` (compiled from the
/// document, as 0.3.0 did), `plan` (the engine's plan), `dates` (the `trials.csv` date
/// table), `trial` (a worker's trial buffers); `all` = patched + plan + dates + trial, what a
/// run pays per point.
fn setup(what: &str, n: u64) {
    let doc = document();
    let varies = varies();
    let sweep = Sweep::new(
        &doc,
        &varies,
        space(&varies, Design::Grid, 1, &[false, false]).expect("space"),
    )
    .expect("sweep");
    let base = sweep.build(0).expect("point 0");
    let plan = Arc::new(EnginePlan::new(&base.scenario));
    for i in 0..n {
        match what {
            "patched" => drop(black_box(sweep.build(i % 10_000).expect("point"))),
            // As a run builds points: each from the scenario of a spent one.
            "recycled" => {
                let p = black_box(sweep.build(i % 10_000).expect("point"));
                sweep.builder().recycle(p.scenario);
            }
            "full" => drop(black_box(
                sweep
                    .builder()
                    .full_point(i, &sweep.space.values(i % 10_000))
                    .expect("point"),
            )),
            "plan" => drop(black_box(EnginePlan::new(black_box(&base.scenario)))),
            // The plan a run gives a point: derived from the base's.
            "patched_plan" => {
                let p = sweep.build(i % 10_000).expect("point");
                drop(black_box(sweep.builder().engine_plan(black_box(&p))));
                sweep.builder().recycle(p.scenario);
            }
            "dates" => drop(black_box(DateTable::new(black_box(&base.scenario)))),
            "trial" => {
                let t = Trial::with_plan(&base.scenario, Arc::clone(&plan));
                let r = TrialResult::new(&base.scenario);
                black_box((&t, &r));
            }
            "all" => {
                let p = sweep.build(i % 10_000).expect("point");
                let plan = sweep.builder().engine_plan(&p);
                let t = Trial::with_plan(&p.scenario, plan);
                let r = TrialResult::new(&p.scenario);
                let d = DateTable::new(&p.scenario);
                black_box((&t, &r, &d));
            }
            other => panic!("NEGSIM_POINT_SETUP: unknown part `{other}`"),
        }
    }
}

/// The first `n` points of a sweep, built as the sweep builds them (as the criterion group
/// runs them).
struct First<'a>(&'a Sweep<'a>, u64);

impl Points for First<'_> {
    fn count(&self) -> u64 {
        self.1.min(self.0.count())
    }
    fn point(&self, index: u64) -> negsim::error::Result<negsim::runs::run::Point> {
        self.0.point(index)
    }
    fn engine_plan(&self, point: &negsim::runs::run::Point) -> Arc<EnginePlan> {
        self.0.engine_plan(point)
    }
    fn recycle(&self, point: negsim::runs::run::Point) {
        self.0.recycle(point)
    }
}

criterion_group!(benches, sweep_vs_one_point);

fn main() {
    if let Ok(spec) = std::env::var("NEGSIM_POINT_SETUP") {
        let (what, n) = spec.split_once(':').expect("NEGSIM_POINT_SETUP=<what>:<n>");
        if what == "run" {
            // `run:<n>`: the first n points of the sweep, 10 trials each, end to end.
            let doc = document();
            let varies = varies();
            let params: Vec<String> = varies.iter().map(|v| v.path.to_string()).collect();
            let sweep = Sweep::new(
                &doc,
                &varies,
                space(&varies, Design::Grid, 1, &[false, false]).expect("space"),
            )
            .expect("sweep");
            let n: u64 = n.parse().expect("a count");
            let columns = Columns::new(&sweep.build(0).expect("point").scenario, &params);
            let tmp = tempfile::tempdir().expect("temporary folder");
            run(&First(&sweep, n), &columns, 10, tmp.path());
            return;
        }
        setup(what, n.parse().expect("a count"));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
