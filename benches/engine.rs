//! negsim's benchmarks: one trial of each bundled scenario, 100,000 trials end to end into
//! `trials.csv`, scenario load and validation, and how a trial's cost grows with the number
//! of actions and parties (generated scenarios up to 200 actions and 20 parties).
//!
//! `cargo bench` runs them all; `cargo bench -- trial` one group. Figures and how they were
//! measured are in BENCHMARKS.md.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use negsim::engine::{Trial, TrialResult};
use negsim::output::{Columns, RunDir};
use negsim::runs::run::{Plan, Point, execute};
use negsim::{Scenario, rng, scenario};
use std::hint::black_box;

#[path = "support/generated.rs"]
mod generated;
use generated::generated;

const DEFAULT: &str = include_str!("../scenarios/second-phase-2007.toml");
const COMMUNIQUE: &str = include_str!("../scenarios/communique-july-2007.toml");
/// The default scenario with every model 0.3 feature on (relapses, suspension, an observer,
/// a relative deadline, per-action compliance, a triggered shock with a pause).
const EVERY_FEATURE_03: &str = include_str!("every-feature-0.3.toml");

fn load(text: &str) -> Scenario {
    scenario::from_str(text, "bench.toml").expect("bundled scenario compiles")
}

fn run_trials(c: &mut Criterion, name: &str, s: &Scenario, batch: u64) {
    let master = rng::master(1);
    let mut trial = Trial::new(s);
    let mut out = TrialResult::new(s);
    let mut group = c.benchmark_group("trial");
    group.throughput(Throughput::Elements(batch));
    group.bench_function(name, |b| {
        let mut k = 0u64;
        b.iter(|| {
            for _ in 0..batch {
                trial.run(&master, k, &mut out);
                k += 1;
            }
            black_box(&out);
        })
    });
    group.finish();
}

/// One trial of each bundled scenario (in batches of 1,000, so throughput reads as trials/s).
fn trial(c: &mut Criterion) {
    run_trials(c, "second-phase-2007", &load(DEFAULT), 1000);
    run_trials(c, "communique-july-2007", &load(COMMUNIQUE), 1000);
    run_trials(c, "every-feature-0.3", &load(EVERY_FEATURE_03), 1000);
}

/// 100,000 trials of the default scenario end to end: every core, trials.csv, summary.csv
/// and points.csv written into a temporary folder.
fn end_to_end(c: &mut Criterion) {
    let s = load(DEFAULT);
    let points = vec![Point {
        index: 0,
        values: vec![],
        scenario: s.clone(),
    }];
    let columns = Columns::new(&s, &[]);
    let tmp = tempfile::tempdir().expect("temporary folder");
    let mut group = c.benchmark_group("end_to_end");
    group.sample_size(10);
    group.throughput(Throughput::Elements(100_000));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("threads");
        group.bench_with_input(
            BenchmarkId::new("100k_trials_csv", format!("{threads}_threads")),
            &threads,
            |b, _| {
                b.iter(|| {
                    let dir = RunDir::prepare(&tmp.path().join("run"), true).expect("run folder");
                    let plan = Plan {
                        points: &points,
                        columns: &columns,
                        seed: 1,
                        trials: 100_000,
                        actions: false,
                        precision: &[],
                        precision_batch: 1000,
                        pairs: None,
                        progress: false,
                    };
                    pool.install(|| execute(&plan, &dir)).expect("run");
                })
            },
        );
    }
    group.finish();
}

/// Reading and validating a scenario file (the default: 6 parties, 23 actions).
fn load_and_validate(c: &mut Criterion) {
    c.bench_function("load/second-phase-2007", |b| {
        b.iter(|| load(black_box(DEFAULT)))
    });
    let big = generated(200, 20);
    c.bench_function("load/generated-200-actions-20-parties", |b| {
        b.iter(|| load(black_box(&big)))
    });
    // Compiling a scenario's plan and a trial's buffers: paid once per worker and point.
    let s = load(DEFAULT);
    c.bench_function("load/plan-second-phase-2007", |b| {
        b.iter(|| Trial::new(black_box(&s)))
    });
    let s = load(&big);
    c.bench_function("load/plan-generated-200-actions-20-parties", |b| {
        b.iter(|| Trial::new(black_box(&s)))
    });
}

/// The cost of a trial as the scenario grows: trials/s for generated scenarios of
/// 25 to 200 actions.
fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling");
    for (actions, parties) in [(25usize, 5usize), (50, 5), (100, 10), (200, 20)] {
        let s = load(&generated(actions, parties));
        let master = rng::master(1);
        let mut trial = Trial::new(&s);
        let mut out = TrialResult::new(&s);
        group.throughput(Throughput::Elements(100));
        group.bench_function(
            BenchmarkId::new("trial", format!("{actions}_actions_{parties}_parties")),
            |b| {
                let mut k = 0u64;
                b.iter(|| {
                    for _ in 0..100 {
                        trial.run(&master, k, &mut out);
                        k += 1;
                    }
                    black_box(&out);
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, trial, end_to_end, load_and_validate, scaling);
criterion_main!(benches);
