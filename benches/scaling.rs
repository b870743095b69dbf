//! How a trial's cost grows with the scenario (issue 15): generated scenarios
//! (`benches/support/generated.rs`) of 25 to 200 actions at 10 parties, and of 5 to 40 parties at
//! 50 actions. Throughput reads as trials per second; the instruction counts per trial, which
//! are stable where times are not, are in BENCHMARKS.md ("Round two"), measured with
//! `trials_driver N gen:ACTIONS:PARTIES` under callgrind.
//!
//! `cargo bench --bench scaling`; one sweep: `cargo bench --bench scaling -- parties`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use negsim::engine::{Trial, TrialResult};
use negsim::{rng, scenario};
use std::hint::black_box;

#[path = "support/generated.rs"]
mod generated;

fn sweep(
    c: &mut Criterion,
    group_name: &str,
    shapes: &[(usize, usize)],
    label: fn(usize, usize) -> String,
) {
    let mut group = c.benchmark_group(group_name);
    for &(actions, parties) in shapes {
        let s = scenario::from_str(&generated::generated(actions, parties), "generated.toml")
            .expect("generated scenario compiles");
        let master = rng::master(1);
        let mut trial = Trial::new(&s);
        let mut out = TrialResult::new(&s);
        group.throughput(Throughput::Elements(100));
        group.bench_function(BenchmarkId::new("trial", label(actions, parties)), |b| {
            let mut k = 0u64;
            b.iter(|| {
                for _ in 0..100 {
                    trial.run(&master, k, &mut out);
                    k += 1;
                }
                black_box(&out);
            })
        });
    }
    group.finish();
}

/// 25 to 200 actions at 10 parties.
fn actions(c: &mut Criterion) {
    let shapes: Vec<(usize, usize)> = [25, 50, 100, 200].iter().map(|&a| (a, 10)).collect();
    sweep(c, "actions", &shapes, |a, p| {
        format!("{a}_actions_{p}_parties")
    });
}

/// 5 to 40 parties at 50 actions: the cost must stay linear (40 parties at most twice 10).
fn parties(c: &mut Criterion) {
    let shapes: Vec<(usize, usize)> = [5, 10, 20, 40].iter().map(|&p| (50, p)).collect();
    sweep(c, "parties", &shapes, |a, p| {
        format!("{p}_parties_{a}_actions")
    });
}

criterion_group!(benches, actions, parties);
criterion_main!(benches);
