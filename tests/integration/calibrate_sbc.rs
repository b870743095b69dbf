//! `negsim calibrate` validated (docs/MODEL.md 6.9): an analytic posterior, simulation-based
//! calibration (Talts et al. 2018), and mutants of the algorithm that the checks must catch.
//!
//! All at tolerance 0 with discrete observables (done days of actions whose chance to act is
//! exactly the compliance), so the exact posterior is the target and any bias is a bug.

use negsim::engine::{Trial, TrialResult};
use negsim::inference::{Calibration, Mutation, Posterior, calibrate};
use negsim::rng;
use negsim::scenario::{Document, Override, ParamPath};
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/calibration")
        .join(name)
}

/// The regularised upper incomplete gamma `Q(a, x)` (series and continued fraction).
fn gamma_q(a: f64, x: f64) -> f64 {
    fn ln_gamma(z: f64) -> f64 {
        // Lanczos, g = 7.
        let c = [
            0.999_999_999_999_809_9,
            676.520_368_121_885_1,
            -1_259.139_216_722_402_8,
            771.323_428_777_653_1,
            -176.615_029_162_140_6,
            12.507_343_278_686_905,
            -0.138_571_095_265_720_12,
            9.984_369_578_019_572e-6,
            1.505_632_735_149_311_6e-7,
        ];
        let z = z - 1.0;
        let mut s = c[0];
        for (i, ci) in c.iter().enumerate().skip(1) {
            s += ci / (z + i as f64);
        }
        let t = z + 7.5;
        0.5 * (2.0 * std::f64::consts::PI).ln() + (z + 0.5) * t.ln() - t + s.ln()
    }
    if x <= 0.0 {
        return 1.0;
    }
    let lg = ln_gamma(a);
    if x < a + 1.0 {
        let (mut sum, mut term, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
        }
        1.0 - sum * (-x + a * x.ln() - lg).exp()
    } else {
        let mut b = x + 1.0 - a;
        let mut c = 1e300;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            d = 1.0 / d;
            c = b + an / c;
            h *= d * c;
        }
        (-x + a * x.ln() - lg).exp() * h
    }
}

/// Chi-square test of counts against equal expected counts: (statistic, p-value).
fn chi_square_uniform(counts: &[u64]) -> (f64, f64) {
    let n: u64 = counts.iter().sum();
    let e = n as f64 / counts.len() as f64;
    let x2: f64 = counts.iter().map(|c| (*c as f64 - e).powi(2) / e).sum();
    let df = (counts.len() - 1) as f64;
    (x2, gamma_q(df / 2.0, x2 / 2.0))
}

/// The Kolmogorov distribution's tail `P(K > sqrt(n) D)`.
fn ks_p(d: f64, n: f64) -> f64 {
    let t = (n.sqrt() + 0.12 + 0.11 / n.sqrt()) * d;
    let mut p = 0.0;
    for k in 1..200 {
        let k = k as f64;
        p += 2.0 * (-1f64).powf(k - 1.0) * (-2.0 * k * k * t * t).exp();
    }
    p.clamp(0.0, 1.0)
}

/// The CDF of Beta(a, b) for whole a, b.
fn beta_cdf(x: f64, a: u64, b: u64) -> f64 {
    let n = a + b - 1;
    let mut s = 0.0;
    let mut binom = 1.0;
    for j in 0..=n {
        if j > 0 {
            binom = binom * (n - j + 1) as f64 / j as f64;
        }
        if j >= a {
            s += binom * x.powi(j as i32) * (1.0 - x).powi((n - j) as i32);
        }
    }
    s
}

/// The ESS of a posterior's weights.
fn ess(p: &Posterior) -> f64 {
    1.0 / p.particles.iter().map(|q| q.weight * q.weight).sum::<f64>()
}

/// The analytic case with `particles` particles: (posterior, ESS, weighted KS p-value against
/// the exact Beta(2, 4)).
fn analytic(particles: usize, mutation: Mutation) -> (Posterior, f64, f64) {
    let mut c = Calibration::load(&data("one-action.calibration.toml")).unwrap();
    c.setup.particles = particles;
    c.setup.mutation = mutation;
    let clock = std::time::Instant::now();
    let post = calibrate(&c, None, false).unwrap();
    // A figure for the report, never asserted.
    eprintln!(
        "analytic ({mutation:?}): {} trials in {:.2} s, {:.0} proposals/s",
        post.trials,
        clock.elapsed().as_secs_f64(),
        post.trials as f64 / clock.elapsed().as_secs_f64()
    );
    let last = post.generations.last().unwrap();
    assert_eq!(last.tolerance, 0.0, "{:?}", post.generations);
    assert!(post.particles.iter().all(|p| p.distance == 0.0));
    let n = ess(&post);
    let mut v: Vec<(f64, f64)> = post
        .particles
        .iter()
        .map(|p| (p.values[0], p.weight))
        .collect();
    v.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut acc = 0.0;
    let mut d: f64 = 0.0;
    for (x, w) in &v {
        let f = beta_cdf(*x, 2, 4);
        d = d.max((acc - f).abs());
        acc += w;
        d = d.max((acc - f).abs());
    }
    (post, n, ks_p(d, n))
}

/// The weighted variance of parameter 0 and its z-score against Beta(2, 4)'s (the standard
/// error of a variance is about `var * sqrt(2 / ESS)` for a near-normal posterior; Beta(2, 4)'s
/// kurtosis is close to normal's).
fn variance_z(post: &Posterior, n: f64) -> (f64, f64) {
    let m = post.mean(0);
    let var: f64 = post
        .particles
        .iter()
        .map(|p| p.weight * (p.values[0] - m).powi(2))
        .sum();
    let exact = 8.0 / (36.0 * 7.0);
    (var, (var - exact) / (exact * (2.0 / n).sqrt()))
}

/// The analytic case: one action, compliance p, done on day 3: the exact posterior under a
/// uniform prior is Beta(2, 4). negsim's tolerance-0 posterior has its mean, variance and
/// quartiles within standard errors (with the ESS as the sample size) and passes a weighted
/// KS test.
#[test]
fn one_action_posterior_is_beta_2_4() {
    let (post, n, p) = analytic(2000, Mutation::None);
    assert!(n > 500.0, "ESS {n}");
    let (a, b) = (2.0f64, 4.0f64);
    let mean = a / (a + b);
    let sd = (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt();
    let m = post.mean(0);
    assert!(
        (m - mean).abs() < 4.0 * sd / n.sqrt(),
        "mean {m} vs {mean} (ESS {n})"
    );
    for q in [0.25, 0.5, 0.75] {
        let x = post.quantile(0, q);
        let f = beta_cdf(x, 2, 4);
        assert!(
            (f - q).abs() < 4.0 * (q * (1.0 - q) / n).sqrt() + 1.0 / n,
            "quantile {q}: {x}, Beta CDF {f}"
        );
    }
    let (var, z) = variance_z(&post, n);
    eprintln!(
        "analytic: mean {m:.4} (exact {mean:.4}), variance {var:.5} (exact {:.5}, z {z:.2}), KS p {p:.3}, ESS {n:.0}, trials {}, generations {}",
        sd * sd,
        post.trials,
        post.generations.len()
    );
    assert!(z.abs() < 4.0, "variance z {z}");
    assert!(p > 0.001, "KS p {p}");
}

/// Mutant (a) against the exact posterior: without the kernel correction the posterior is
/// too narrow (the population's own density multiplies it), by more than 4 standard errors.
#[test]
fn exact_posterior_catches_weights_without_kernel_correction() {
    let (post, n, p) = analytic(2000, Mutation::NoKernelCorrection);
    let (var, z) = variance_z(&post, n);
    eprintln!("analytic mutant no-kernel-correction: variance {var:.5}, z {z:.2}, KS p {p:.2e}");
    assert!(z < -4.0, "variance z {z}");
}

/// An SBC experiment on `delays.toml` (observing A's delays over its four actions): `m` histories, each from A's compliance
/// drawn from the prior (uniform [0.05, 0.95]), calibrated with `particles` particles;
/// the rank of each true value among `l` posterior draws (by weight) is counted in `l + 1`
/// bins per parameter. Returns the chi-square statistic and p-value of the pooled ranks.
fn sbc(m: u64, particles: u64, l: u64, mutation: Mutation, seed: u64) -> (f64, f64, Vec<u64>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(data("delays.toml"), dir.path().join("delays.toml")).unwrap();
    let doc = Document::open(&data("delays.toml")).unwrap();
    let paths = ["party.A.compliance"];
    let mut counts = vec![0u64; if l == 0 { 10 } else { (l + 1) as usize }];
    let mut draws = rng::trial_rng(seed, 0);
    for rep in 0..m {
        let truth: Vec<f64> = (0..1)
            .map(|_| 0.05 + 0.9 * rng::uniform(&mut draws))
            .collect();
        let overrides: Vec<Override> = paths
            .iter()
            .zip(&truth)
            .map(|(p, v)| Override {
                path: ParamPath::parse(p).unwrap(),
                value: *v,
            })
            .collect();
        let s = doc.compile_with(&overrides).unwrap();
        let mut r = TrialResult::new(&s);
        // A history no calibration trial shares: stream 2^63 + rep of seed `seed`.
        Trial::new(&s).run(&rng::master(seed), (1 << 63) + rep, &mut r);
        let text = format!(
            "[calibration]\nscenario = \"delays.toml\"\nseed = {}\nparticles = {particles}\nstop = {{ min_acceptance = 1e-4 }}\n\
             [[observe]]\nname = \"party.A.delays\"\nvalue = {}\n\
             [[prior]]\npath = \"party.A.compliance\"\nuniform = [0.05, 0.95]\n\
",
            seed * 1000 + rep,
            r.party_delays[0]
        );
        let mut c = Calibration::from_text(&dir.path().join("sbc.toml"), &text).unwrap();
        c.setup.mutation = mutation;
        let post = calibrate(&c, None, false).unwrap();
        assert_eq!(
            post.generations.last().unwrap().tolerance,
            0.0,
            "{:?}",
            post.generations
        );
        let cumulative: Vec<f64> = post
            .particles
            .iter()
            .scan(0.0, |a, p| {
                *a += p.weight;
                Some(*a)
            })
            .collect();
        for (k, t) in truth.iter().enumerate() {
            // With l = 0, the posterior CDF at the truth binned in tenths (Talts et al.'s rank
            // with the particles' weights instead of l draws: less noise).
            if l == 0 {
                let u: f64 = post
                    .particles
                    .iter()
                    .filter(|p| p.values[k] < *t)
                    .map(|p| p.weight)
                    .sum();
                counts[((u * 10.0) as usize).min(9)] += 1;
                continue;
            }
            let mut rank = 0;
            for _ in 0..l {
                let u = rng::uniform(&mut draws) * cumulative[cumulative.len() - 1];
                let j = cumulative
                    .partition_point(|c| *c <= u)
                    .min(cumulative.len() - 1);
                if post.particles[j].values[k] < *t {
                    rank += 1;
                }
            }
            counts[rank] += 1;
        }
    }
    let (x2, p) = chi_square_uniform(&counts);
    (x2, p, counts)
}

#[test]
fn chi_square_and_ks_helpers_are_right() {
    // Q(1, x) = exp(-x); chi-square 9 df at 16.92 has p = 0.05.
    assert!((gamma_q(1.0, 2.0) - (-2.0f64).exp()).abs() < 1e-9);
    assert!((gamma_q(4.5, 16.919 / 2.0) - 0.05).abs() < 1e-3);
    assert!((ks_p(1.36 / 100f64.sqrt(), 100.0) - 0.05).abs() < 0.01);
    assert!((beta_cdf(1.0 / 3.0, 2, 4) - 0.5391).abs() < 1e-3);
}

/// SBC of the algorithm as documented: uniform ranks (chi-square p above 0.001 at this seed).
#[test]
fn sbc_ranks_are_uniform() {
    let (x2, p, counts) = sbc(200, 100, 0, Mutation::None, 1);
    eprintln!("SBC: chi-square {x2:.2} (9 df, 200 histories), p {p:.4}, counts {counts:?}");
    assert!(p > 0.001, "chi-square {x2}, p {p}, counts {counts:?}");
}

// Mutant (a), weights without the kernel correction, is caught by the exact posterior
// (`exact_posterior_catches_weights_without_kernel_correction`, variance z about -6), not by
// this SBC: with a kernel of twice the population's covariance the population's density is
// broad next to the posterior, so dropping the correction narrows the posterior by only about
// 13% (variance x 3/4 for a near-normal one), which 200 histories cannot see (p = 0.67 at this
// seed).

/// Mutant (b): perturbations narrower than the kernel the weights assume. SBC must reject it.
#[test]
fn sbc_catches_a_kernel_narrower_than_its_weights() {
    let (x2, p, counts) = sbc(200, 100, 0, Mutation::NarrowKernel, 1);
    eprintln!("SBC mutant narrow kernel: chi-square {x2:.2}, p {p:.2e}, counts {counts:?}");
    assert!(p < 1e-4, "chi-square {x2}, p {p}, counts {counts:?}");
}

/// The bigger SBC: `cargo test --release --test integration calibrate_sbc::sbc_large -- --ignored --nocapture`.
#[test]
#[ignore]
fn sbc_large() {
    let (x2, p, counts) = sbc(1000, 200, 0, Mutation::None, 2);
    eprintln!("SBC large: chi-square {x2:.2} (9 df, 1000 histories), p {p:.4}, counts {counts:?}");
    assert!(p > 0.001);
}
