//! The perturbation kernel of ABC-SMC (docs/MODEL.md 6.4): a Gaussian with twice the weighted
//! covariance of the previous population (Beaumont, Cornuet, Marin and Robert 2009), in the
//! sampler's coordinate `z` (see [`super::prior`]).
//!
//! The covariance gets a ridge of `(1e-9 * width)^2` on its diagonal (`width` the prior's range
//! in `z`), so that a population that has collapsed onto one value in some coordinate still has
//! a kernel; the Cholesky factor is computed once per generation.

use crate::rng::TrialRng;
use rand_distr::{Distribution, StandardNormal};

/// A multivariate Gaussian perturbation `z = z_j + L e`, `e ~ N(0, I)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Kernel {
    /// Lower-triangular Cholesky factor of the covariance, row-major `d x d`.
    chol: Vec<f64>,
    /// The dimension.
    d: usize,
}

/// The weighted mean and covariance (row-major) of points `z` with weights `w` summing to 1.
pub fn weighted_covariance(z: &[Vec<f64>], w: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut mean = vec![0.0; d];
    for (p, wi) in z.iter().zip(w) {
        for k in 0..d {
            mean[k] += wi * p[k];
        }
    }
    let mut cov = vec![0.0; d * d];
    for (p, wi) in z.iter().zip(w) {
        for a in 0..d {
            for b in 0..=a {
                cov[a * d + b] += wi * (p[a] - mean[a]) * (p[b] - mean[b]);
            }
        }
    }
    for a in 0..d {
        for b in 0..a {
            cov[b * d + a] = cov[a * d + b];
        }
    }
    (mean, cov)
}

impl Kernel {
    /// The kernel with covariance `factor * cov + ridge`, `ridge = (1e-9 * width_k)^2` on the
    /// diagonal. A matrix that is still not positive definite (rounding) gets a ten times
    /// larger ridge until it is.
    pub fn new(cov: &[f64], factor: f64, widths: &[f64]) -> Self {
        let d = widths.len();
        let mut ridge = 1e-9;
        loop {
            let mut m: Vec<f64> = cov.iter().map(|c| c * factor).collect();
            for (k, w) in widths.iter().enumerate() {
                let w = if *w > 0.0 { *w } else { 1.0 };
                m[k * d + k] += (ridge * w).powi(2);
            }
            if let Some(chol) = cholesky(&m, d) {
                return Kernel { chol, d };
            }
            ridge *= 10.0;
        }
    }

    /// A perturbation of `center`, from `rng`.
    pub fn perturb(&self, center: &[f64], rng: &mut TrialRng) -> Vec<f64> {
        let e: Vec<f64> = (0..self.d).map(|_| StandardNormal.sample(rng)).collect();
        (0..self.d)
            .map(|a| {
                center[a]
                    + (0..=a)
                        .map(|b| self.chol[a * self.d + b] * e[b])
                        .sum::<f64>()
            })
            .collect()
    }

    /// `-0.5 * (x - c)' S^-1 (x - c)`: the log density up to a constant shared by every centre.
    pub fn log_density(&self, x: &[f64], center: &[f64]) -> f64 {
        // Solve L y = x - c by forward substitution; the quadratic form is |y|^2.
        let d = self.d;
        let mut y = vec![0.0; d];
        for a in 0..d {
            let row = &self.chol[a * d..a * d + a];
            let v = x[a] - center[a] - row.iter().zip(&y).map(|(l, y)| l * y).sum::<f64>();
            y[a] = v / self.chol[a * d + a];
        }
        -0.5 * y.iter().map(|v| v * v).sum::<f64>()
    }

    /// The same kernel with its covariance multiplied by `f` (a test mutant, see
    /// [`super::Mutation`]).
    pub fn scaled(&self, f: f64) -> Self {
        let s = f.sqrt();
        Kernel {
            chol: self.chol.iter().map(|c| c * s).collect(),
            d: self.d,
        }
    }
}

/// The lower Cholesky factor of a symmetric `d x d` matrix, or `None` when it is not positive
/// definite.
fn cholesky(m: &[f64], d: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..=i {
            let mut s = m[i * d + j];
            for k in 0..j {
                s -= l[i * d + k] * l[j * d + k];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * d + i] = s.sqrt();
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;

    #[test]
    fn perturbations_have_the_kernel_covariance() {
        let cov = vec![1.0, 0.6, 0.6, 2.0];
        let k = Kernel::new(&cov, 2.0, &[1.0, 1.0]);
        let mut r = rng::trial_rng(5, 0);
        let n = 40_000;
        let z: Vec<Vec<f64>> = (0..n).map(|_| k.perturb(&[1.0, -1.0], &mut r)).collect();
        let w = vec![1.0 / n as f64; n];
        let (m, c) = weighted_covariance(&z, &w, 2);
        // Standard errors of a variance ~ sigma^2 * sqrt(2 / n): 4 sigma bounds.
        assert!((m[0] - 1.0).abs() < 4.0 * (2.0f64 / n as f64).sqrt());
        assert!((c[0] - 2.0).abs() < 4.0 * 2.0 * (2.0 / n as f64).sqrt());
        assert!((c[3] - 4.0).abs() < 4.0 * 4.0 * (2.0 / n as f64).sqrt());
        assert!((c[1] - 1.2).abs() < 0.1);
    }

    #[test]
    fn log_density_is_the_gaussian_quadratic_form() {
        let k = Kernel::new(&[4.0], 1.0, &[1.0]);
        assert!((k.log_density(&[2.0], &[0.0]) + 0.5).abs() < 1e-9);
        // A degenerate covariance still gives a kernel.
        let k = Kernel::new(&[0.0, 0.0, 0.0, 0.0], 2.0, &[1.0, 1.0]);
        assert!(k.log_density(&[0.0, 0.0], &[0.0, 0.0]) == 0.0);
    }
}
