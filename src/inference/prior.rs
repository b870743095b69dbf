//! Priors over sweep paths (docs/MODEL.md 6.2): uniform and log-uniform on `[lo, hi]`.
//!
//! The sampler works in an internal coordinate `z` in which every prior is uniform: `z = x`
//! for `uniform`, `z = ln x` for `log_uniform`. So the joint prior is the uniform density on
//! a box of `z`, the perturbation kernel moves `z`, and the importance weights need the
//! prior only as "inside the box or not". A whole-day field is rounded (halves away from zero)
//! when a value is put into the scenario; the sampler keeps the unrounded `z`.

use crate::scenario::ParamPath;

/// The shape of a prior.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorKind {
    /// Uniform on `[lo, hi]`.
    Uniform,
    /// Uniform in `ln x` on `[ln lo, ln hi]` (`lo > 0`).
    LogUniform,
}

/// One prior: a sweep path and its distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    /// The field it is over.
    pub path: ParamPath,
    /// Uniform or log-uniform.
    pub kind: PriorKind,
    /// Lower end (natural units).
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// Whether the field takes whole days (values are rounded when applied).
    pub whole: bool,
}

impl Prior {
    /// The internal coordinate of a natural value.
    pub fn to_z(&self, x: f64) -> f64 {
        match self.kind {
            PriorKind::Uniform => x,
            PriorKind::LogUniform => x.ln(),
        }
    }

    /// The natural value of an internal coordinate, unrounded.
    pub fn from_z(&self, z: f64) -> f64 {
        match self.kind {
            PriorKind::Uniform => z,
            PriorKind::LogUniform => z.exp(),
        }
    }

    /// The value the scenario is given at `z`: [`Prior::from_z`], rounded to a whole day
    /// (halves away from zero) for a whole-day field, and kept inside `[lo, hi]`.
    pub fn value(&self, z: f64) -> f64 {
        let x = self.from_z(z).clamp(self.lo, self.hi);
        if self.whole { x.round() } else { x }
    }

    /// The prior's support in `z`: `(z_lo, z_hi)`.
    pub fn z_range(&self) -> (f64, f64) {
        (self.to_z(self.lo), self.to_z(self.hi))
    }
}

/// A box in `z` (one `(lo, hi)` per prior): the prior support, or the region history matching
/// keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// Per coordinate, its range.
    pub bounds: Vec<(f64, f64)>,
}

impl Region {
    /// The support of the priors.
    pub fn of(priors: &[Prior]) -> Self {
        Region {
            bounds: priors.iter().map(Prior::z_range).collect(),
        }
    }

    /// Whether `z` lies in the box (ends included).
    pub fn contains(&self, z: &[f64]) -> bool {
        z.iter()
            .zip(&self.bounds)
            .all(|(v, (lo, hi))| *v >= *lo && *v <= *hi)
    }

    /// A uniform draw in the box from `u` (one uniform in `[0, 1)` per coordinate).
    pub fn at(&self, u: &[f64]) -> Vec<f64> {
        self.bounds
            .iter()
            .zip(u)
            .map(|((lo, hi), u)| lo + (hi - lo) * u)
            .collect()
    }

    /// The widths of the box.
    pub fn widths(&self) -> Vec<f64> {
        self.bounds.iter().map(|(lo, hi)| hi - lo).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prior(kind: PriorKind, lo: f64, hi: f64, whole: bool) -> Prior {
        Prior {
            path: ParamPath::parse("party.A.compliance").unwrap(),
            kind,
            lo,
            hi,
            whole,
        }
    }

    #[test]
    fn log_uniform_works_in_logs() {
        let p = prior(PriorKind::LogUniform, 0.01, 1.0, false);
        let (a, b) = p.z_range();
        assert!((a - 0.01f64.ln()).abs() < 1e-15 && b.abs() < 1e-15);
        assert!((p.value(p.to_z(0.1)) - 0.1).abs() < 1e-15);
    }

    #[test]
    fn whole_days_round_half_away_from_zero() {
        let p = prior(PriorKind::Uniform, 0.0, 30.0, true);
        assert_eq!(p.value(2.5), 3.0);
        assert_eq!(p.value(2.49), 2.0);
        assert_eq!(p.value(31.0), 30.0);
    }

    #[test]
    fn region_contains_and_draws_inside() {
        let r = Region {
            bounds: vec![(0.0, 1.0), (-1.0, 1.0)],
        };
        assert!(r.contains(&[0.5, 0.0]));
        assert!(!r.contains(&[1.5, 0.0]));
        assert_eq!(r.at(&[0.5, 0.25]), vec![0.5, -0.5]);
    }
}
