//! Cheap sweep points: a compiled base scenario moved to any point of a fixed list of sweep
//! paths without parsing anything (docs/MODEL.md 5.5).
//!
//! A point used to be made by setting its paths in the document's TOML table, writing the
//! table as text, parsing that text and compiling it: millions of instructions, whatever the
//! point changed. A [`PointBuilder`] does that work once. For each path it finds, once, which
//! fields of the compiled [`Scenario`] the path sets (a party's own value; a `defaults.*`
//! value in every party and action that inherits it; an action's per-actor value; a shock's
//! rate, trust drop or chance) and the rule the compiler checks it against; a point is then
//! a copy of the base with those fields set.
//!
//! **Exactness.** The fields a path sets are not guessed: the builder compiles the document
//! fully with the path at two probe values and keeps the path's fields only if patching the
//! base to each probe gives exactly the scenario the full compile gave. A point whose every
//! value passes its path's rule is patched; any other point (a value out of range, not a
//! number) is compiled in full, so its error is the full compile's, word for word. The
//! builder compiles every point in full (the old way, still exact, just slower) when a path
//! is not one of the patchable kinds (a field in whole days, such as a review interval, a
//! deadline or a lag, which moves dates, and a duration parameter, whose percentiles are
//! recomputed), when probing it fails, when two paths set a common field (their order would
//! matter), or when the document alone does not compile.
//!
//! **The rest of a point's set-up.** A patched point's engine plan is derived from the
//! base's ([`PointBuilder::engine_plan`], [`crate::engine::plan::PlanPatch`]): only the tables
//! its paths feed are recomputed, and a point whose paths feed none shares the base's plan.
//! A run hands each spent point back ([`PointBuilder::recycle`]); the next point is made from
//! its scenario by setting the paths' fields again, instead of copying the base, which is
//! exact because a patched point differs from the base in those fields only.
//!
//! ```
//! use negsim::runs::points::PointBuilder;
//! use negsim::scenario::{DEFAULT_SCENARIO, Document, ParamPath};
//!
//! let doc = Document::from_text("second-phase-2007.toml", DEFAULT_SCENARIO).unwrap();
//! let paths = [
//!     ParamPath::parse("party.DPRK.compliance").unwrap(),
//!     ParamPath::parse("shock.banking-dispute.rate_per_year").unwrap(),
//! ];
//! let builder = PointBuilder::new(&doc, &paths).unwrap();
//! assert!(builder.is_patched());
//! let point = builder.at(&[0.4, 1.5]).unwrap();
//! assert_eq!(point.scenario, builder.full_point(0, &[0.4, 1.5]).unwrap().scenario);
//! // A value out of range is the full compile's error, naming the point and the path.
//! let e = builder.at(&[1.4, 1.5]).unwrap_err().to_string();
//! assert!(e.contains("sweep point 0 (party.DPRK.compliance=1.4"), "{e}");
//! // The engine runs a point as it runs any scenario.
//! let plan = builder.engine_plan(&point);
//! let mut trial = negsim::engine::Trial::with_plan(&point.scenario, plan);
//! let mut result = negsim::engine::TrialResult::new(&point.scenario);
//! trial.run(&negsim::rng::master(1), 0, &mut result);
//! ```

mod slots;
#[cfg(test)]
mod tests;

use crate::engine::plan::{Plan as EnginePlan, PlanChanges, PlanPatch};
use crate::error::{Error, Result};
use crate::model::Scenario;
use crate::runs::run::Point;
use crate::scenario::compile::MAX_SHOCK_ARRIVALS;
use crate::scenario::{Document, Override, ParamPath};
use slots::Slot;
use std::sync::{Arc, Mutex};

/// Two values every patchable field accepts, far from any field's default, used to find
/// which compiled fields a path sets.
const PROBES: [f64; 2] = [0.317_3, 0.642_1];

/// Builds the points of a fixed list of sweep paths from one document: patched from a
/// compiled base where that is exact, compiled in full otherwise (see the module docs).
#[derive(Debug, Clone)]
pub struct PointBuilder {
    doc: Document,
    paths: Vec<ParamPath>,
    how: How,
    spent: Spent,
}

/// Scenarios of spent patched points ([`PointBuilder::recycle`]): each is the base with the
/// paths' fields set, so setting them again makes any other point without copying the base.
#[derive(Debug, Default)]
struct Spent(Mutex<Vec<Scenario>>);

/// At most this many spent scenarios are kept (a run holds a few points at a time).
const SPENT_KEPT: usize = 64;

impl Clone for Spent {
    fn clone(&self) -> Self {
        Spent::default()
    }
}

#[derive(Debug, Clone)]
enum How {
    /// Every point compiled from the document.
    Full,
    /// Points patched from `base`, one patch per path.
    Patch {
        base: Box<Scenario>,
        patches: Vec<PathPatch>,
        /// The base's engine plan, from which a point's is derived.
        plan: Box<PlanPatch>,
        /// What the paths change of the plan's inputs.
        changes: PlanChanges,
    },
}

/// What one path sets, and the rule its value must pass to be patched.
#[derive(Debug, Clone)]
struct PathPatch {
    slots: Vec<Slot>,
    rule: Rule,
}

/// The compiler's check of a patchable field (docs/MODEL.md section 3), exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// A chance or trust share: finite, in [0, 1].
    Unit,
    /// A reciprocity: finite, >= 0.
    NonNegative,
    /// A shock's rate: finite, >= 0, at most [`MAX_SHOCK_ARRIVALS`] expected arrivals over a
    /// window of `days` days.
    Rate { days: f64 },
}

impl Rule {
    fn admits(self, x: f64) -> bool {
        match self {
            Rule::Unit => x.is_finite() && (0.0..=1.0).contains(&x),
            Rule::NonNegative => x.is_finite() && x >= 0.0,
            // The compiler's own expression, so the same values pass.
            Rule::Rate { days } => {
                x.is_finite() && x >= 0.0 && x * days / 365.25 <= MAX_SHOCK_ARRIVALS
            }
        }
    }

    /// The rule of a path's field, or `None` when the path is not a patchable kind.
    fn of(path: &ParamPath, base: &Scenario) -> Option<Rule> {
        const UNIT: &[&str] = &[
            "compliance",
            "initial_trust",
            "trust_gain",
            "trust_loss",
            "walkout_trust",
            "suspend_trust",
        ];
        let seg: Vec<&str> = path.as_str().split('.').collect();
        let rest = match seg.as_slice() {
            ["defaults", rest @ ..] => rest,
            ["party", _, rest @ ..] => rest,
            ["action", _, "compliance", ..] if seg.len() <= 4 => return Some(Rule::Unit),
            ["action", _, "reciprocity", ..] if seg.len() <= 4 => return Some(Rule::NonNegative),
            // Compiled in full: a quantity is also bounded by its unit's total over every
            // action (`MAX_UNIT_TOTAL`), which only the compiler sums.
            ["action", _, "quantity"] => return None,
            ["shock", _, "trust_drop" | "chance"] => return Some(Rule::Unit),
            ["shock", id, "rate_per_year"] => {
                let s = base.shocks.iter().find(|s| s.id == *id)?;
                // As the compiler counts the window's days.
                let days = if s.window_first > s.window_last {
                    0.0
                } else {
                    f64::from(s.window_last - s.window_first) + 1.0
                };
                return Some(Rule::Rate { days });
            }
            _ => return None,
        };
        match rest {
            [f] if UNIT.contains(f) => Some(Rule::Unit),
            ["reciprocity"] => Some(Rule::NonNegative),
            ["trust", _] => Some(Rule::Unit),
            _ => None,
        }
    }
}

impl PointBuilder {
    /// A builder for points that set `paths` (in this order) in `doc`.
    ///
    /// # Errors
    /// [`Error::Usage`] for a path that names no numeric field of the document.
    pub fn new(doc: &Document, paths: &[ParamPath]) -> Result<Self> {
        for p in paths {
            doc.check_path(p)?;
        }
        let mut b = PointBuilder {
            doc: doc.clone(),
            paths: paths.to_vec(),
            how: How::Full,
            spent: Spent::default(),
        };
        if let Some(how) = b.resolve() {
            b.how = how;
        }
        Ok(b)
    }

    /// How to patch every path, or `None` when some point must be compiled in full.
    fn resolve(&self) -> Option<How> {
        let base = self.doc.compile().ok()?;
        let mut patches: Vec<PathPatch> = Vec::with_capacity(self.paths.len());
        for (k, path) in self.paths.iter().enumerate() {
            let rule = Rule::of(path, &base)?;
            let probed: Vec<Scenario> = PROBES
                .iter()
                .map(|&x| {
                    self.doc.compile_with(&[Override {
                        path: path.clone(),
                        value: x,
                    }])
                })
                .collect::<Result<_>>()
                .ok()?;
            // The fields that took each probe value: a field the path does not set has the
            // same value in both probes, so it cannot equal both.
            let found: Vec<Slot> = slots::all(&probed[0])
                .into_iter()
                .filter(|&s| {
                    slots::get(&probed[0], s) == Some(PROBES[0])
                        && slots::get(&probed[1], s) == Some(PROBES[1])
                })
                .collect();
            let patch = PathPatch { slots: found, rule };
            for (x, want) in PROBES.iter().zip(&probed) {
                if !rule.admits(*x) || patch.apply(&base, *x).as_ref() != Some(want) {
                    return None;
                }
            }
            if patches[..k]
                .iter()
                .any(|q| q.slots.iter().any(|s| patch.slots.contains(s)))
            {
                return None;
            }
            patches.push(patch);
        }
        let changes = patches
            .iter()
            .flat_map(|p| &p.slots)
            .fold(PlanChanges::NONE, |c, &s| c.union(slots::plan_changes(s)));
        Some(How::Patch {
            plan: Box::new(PlanPatch::new(&base)),
            base: Box::new(base),
            patches,
            changes,
        })
    }

    /// The paths, in value order.
    pub fn paths(&self) -> &[ParamPath] {
        &self.paths
    }

    /// Whether points are patched (`false`: every point is compiled in full; see the module
    /// docs for when).
    pub fn is_patched(&self) -> bool {
        matches!(self.how, How::Patch { .. })
    }

    /// The point with these values (one per path, in order), numbered 0.
    ///
    /// # Errors
    /// As [`PointBuilder::point`].
    pub fn at(&self, values: &[f64]) -> Result<Point> {
        self.point(0, values)
    }

    /// Point `index`, whose paths take `values`: exactly what [`PointBuilder::full_point`]
    /// gives, scenario or error.
    ///
    /// # Errors
    /// [`Error::Usage`] when there is not one value per path; otherwise the full compile's
    /// error, prefixed `sweep point <index> (<path>=<value>, ...)`.
    pub fn point(&self, index: u64, values: &[f64]) -> Result<Point> {
        self.arity(values)?;
        if let How::Patch { base, patches, .. } = &self.how
            && patches.iter().zip(values).all(|(p, &x)| p.rule.admits(x))
        {
            // A spent point differs from the base only in the fields set here.
            let spent = self.spent.0.lock().ok().and_then(|mut v| v.pop());
            let mut scenario = spent.unwrap_or_else(|| Scenario::clone(base));
            for (p, &x) in patches.iter().zip(values) {
                p.set(&mut scenario, x);
            }
            return Ok(Point {
                index,
                values: values.to_vec(),
                scenario,
            });
        }
        self.full_point(index, values)
    }

    /// Take back the scenario of a point of this builder, unchanged, to be reused by a later
    /// point instead of a copy of the base (a point's scenario differs from the base only in
    /// the paths' fields, which [`PointBuilder::point`] sets whatever they were). Dropped
    /// when points are compiled in full, or when enough are kept.
    pub fn recycle(&self, scenario: Scenario) {
        if self.is_patched()
            && let Ok(mut v) = self.spent.0.lock()
            && v.len() < SPENT_KEPT
        {
            v.push(scenario);
        }
    }

    /// Whether point `index` builds, without keeping it (a sweep's check of every point
    /// before any trial runs): a patched point's values are only checked against their
    /// rules, nothing is copied.
    ///
    /// # Errors
    /// As [`PointBuilder::point`].
    pub fn check(&self, index: u64, values: &[f64]) -> Result<()> {
        self.arity(values)?;
        if let How::Patch { patches, .. } = &self.how
            && patches.iter().zip(values).all(|(p, &x)| p.rule.admits(x))
        {
            return Ok(());
        }
        self.full_point(index, values).map(drop)
    }

    /// Point `index` compiled in full from the document (the reference [`PointBuilder::point`]
    /// matches; slower).
    ///
    /// # Errors
    /// As [`PointBuilder::point`].
    pub fn full_point(&self, index: u64, values: &[f64]) -> Result<Point> {
        self.arity(values)?;
        let overrides: Vec<Override> = self
            .paths
            .iter()
            .zip(values)
            .map(|(p, &x)| Override {
                path: p.clone(),
                value: x,
            })
            .collect();
        let scenario = self.doc.compile_with(&overrides).map_err(|e| {
            if overrides.is_empty() {
                return e;
            }
            let what: Vec<String> = overrides
                .iter()
                .map(|o| format!("{}={}", o.path, o.value))
                .collect();
            match e {
                Error::Scenario { location, message } => Error::Scenario {
                    location,
                    message: format!("sweep point {index} ({}): {message}", what.join(", ")),
                },
                Error::Usage(m) => {
                    Error::Usage(format!("sweep point {index} ({}): {m}", what.join(", ")))
                }
                other => other,
            }
        })?;
        Ok(Point {
            index,
            values: values.to_vec(),
            scenario,
        })
    }

    /// The engine's plan of a point of this builder, for [`crate::engine::Trial::with_plan`]
    /// (one per point, shared by every trial and thread): exactly `Plan::new` of its
    /// scenario. A patched point's is derived from the base's plan, recomputing only what
    /// its paths feed ([`PlanPatch`]), or is the base's own when they feed none.
    pub fn engine_plan(&self, point: &Point) -> Arc<EnginePlan> {
        if let How::Patch {
            patches,
            plan,
            changes,
            ..
        } = &self.how
            && point.values.len() == patches.len()
            && patches
                .iter()
                .zip(&point.values)
                .all(|(p, &x)| p.rule.admits(x))
        {
            return plan.plan(&point.scenario, *changes);
        }
        Arc::new(EnginePlan::new(&point.scenario))
    }

    fn arity(&self, values: &[f64]) -> Result<()> {
        if values.len() == self.paths.len() {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "a point of {} parameter(s) ({}) was given {} value(s)",
                self.paths.len(),
                self.paths
                    .iter()
                    .map(ParamPath::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                values.len()
            )))
        }
    }
}

impl PathPatch {
    fn set(&self, s: &mut Scenario, x: f64) {
        for &slot in &self.slots {
            if let Some(f) = slots::get_mut(s, slot) {
                *f = x;
            }
        }
    }

    fn apply(&self, base: &Scenario, x: f64) -> Option<Scenario> {
        let mut s = base.clone();
        for &slot in &self.slots {
            *slots::get_mut(&mut s, slot)? = x;
        }
        Some(s)
    }
}
