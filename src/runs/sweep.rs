//! Sweeps: which points a run visits (the README's "What-if studies").
//!
//! `--vary PATH=VALUES` takes a list (`0.2,0.4,0.6`) or a range `start:stop:count` (both
//! ends included); several make the full grid, the first varying slowest, points numbered
//! from 0 in that order. `--design lhs --points N` instead draws a Latin hypercube over
//! `PATH=LO..HI` ranges: each range is cut into N equal strata, each stratum used once, the
//! strata paired at random and a point drawn uniformly inside each. The design draws from
//! stream `2^64 - 1` of the master seed (trials use streams `0, 1, ...`), so the same seed
//! gives the same points. Generated values are rounded to 12 significant digits (so a range
//! prints `0.6`, not `0.6000000000000001`), and fields in whole days to whole numbers.
//!
//! Every point is checked like a scenario file before any trial runs, so a bad value is an
//! error up front, naming the point. Points are not kept: a [`Sweep`] computes point `i`'s
//! values from its index and builds it again when the run reaches it, so memory does not
//! grow with the number of points (at most [`MAX_POINTS`]). Points are built by a
//! [`PointBuilder`], which patches a compiled base instead of parsing the file again.

use crate::error::{Error, Result};
use crate::rng;
use crate::runs::points::PointBuilder;
use crate::runs::run::Point;
use crate::scenario::{Document, ParamPath};
use rand::seq::SliceRandom;

/// The most points a sweep may have. A grid's product or `--points` above it is refused
/// before anything is written.
pub const MAX_POINTS: u64 = 1_000_000;

/// One `--vary`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// The field.
    pub path: ParamPath,
    /// The values part as written.
    pub spec: String,
    /// Grid values (empty for an LHS range).
    pub values: Vec<f64>,
    /// `LO..HI` for a sampling design.
    pub range: Option<(f64, f64)>,
}

/// How points are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Every combination of the listed values.
    Grid,
    /// A Latin hypercube of this many points.
    Lhs {
        /// Number of points.
        points: u64,
    },
}

/// Round to 12 significant digits.
pub fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

fn num(s: &str, whole: &str) -> Result<f64> {
    let t = s.trim();
    let x: f64 = t
        .parse()
        .map_err(|_| Error::Usage(format!("--vary {whole}: `{t}` is not a number")))?;
    if !x.is_finite() {
        return Err(Error::Usage(format!(
            "--vary {whole}: `{t}` is not a finite number"
        )));
    }
    Ok(x)
}

impl Vary {
    /// Parse `PATH=VALUES`.
    ///
    /// # Errors
    /// [`Error::Usage`] saying what form was expected.
    pub fn parse(s: &str) -> Result<Self> {
        let (p, v) = s.split_once('=').ok_or_else(|| {
            Error::Usage(format!(
                "--vary `{s}`: write PATH=VALUES, e.g. party.DPRK.compliance=0.2,0.4,0.6 or =0.2:0.8:4 or (with --design lhs) =0.2..0.8"
            ))
        })?;
        let path = ParamPath::parse(p)?;
        let spec = v.trim().to_string();
        if let Some((lo, hi)) = spec.split_once("..") {
            let (lo, hi) = (num(lo, s)?, num(hi, s)?);
            if lo > hi {
                return Err(Error::Usage(format!(
                    "--vary {s}: range LO..HI needs LO <= HI"
                )));
            }
            return Ok(Vary {
                path,
                spec,
                values: vec![],
                range: Some((lo, hi)),
            });
        }
        let values = if spec.contains(':') {
            let parts: Vec<&str> = spec.split(':').collect();
            if parts.len() != 3 {
                return Err(Error::Usage(format!(
                    "--vary {s}: a range is start:stop:count, e.g. 0.2:0.8:4"
                )));
            }
            let (a, b) = (num(parts[0], s)?, num(parts[1], s)?);
            let n: u64 = parts[2].trim().parse().map_err(|_| {
                Error::Usage(format!(
                    "--vary {s}: count `{}` must be a whole number >= 1",
                    parts[2].trim()
                ))
            })?;
            if n == 0 || (n == 1 && a != b) {
                return Err(Error::Usage(format!(
                    "--vary {s}: count must be >= 2 for a range with two ends (or 1 when start = stop)"
                )));
            }
            if n > 1_000_000 {
                return Err(Error::Usage(format!(
                    "--vary {s}: count {n} is too many points"
                )));
            }
            if n == 1 {
                vec![a]
            } else {
                (0..n)
                    .map(|k| tidy(a + (b - a) * k as f64 / (n - 1) as f64))
                    .collect()
            }
        } else {
            spec.split(',')
                .map(|x| num(x, s))
                .collect::<Result<Vec<f64>>>()?
        };
        if values.is_empty() {
            return Err(Error::Usage(format!("--vary {s}: no values")));
        }
        Ok(Vary {
            path,
            spec,
            values,
            range: None,
        })
    }
}

/// The parameter values of every point, computed from the point's index.
#[derive(Debug, Clone, PartialEq)]
pub enum Space {
    /// Every combination of these values (one list per parameter, the first slowest).
    Grid(Vec<Vec<f64>>),
    /// A Latin hypercube: one column of values per parameter, one row per point.
    Lhs(Vec<Vec<f64>>),
    /// The rows of a design file (docs/MODEL.md 5.3, [`crate::runs::design_file`]): one
    /// column of values per parameter, one row per point.
    File(Vec<Vec<f64>>),
}

impl Space {
    /// Number of points.
    pub fn len(&self) -> u64 {
        match self {
            // Checked against MAX_POINTS when the space is made, so no overflow.
            Space::Grid(lists) => lists.iter().map(|l| l.len() as u64).product(),
            Space::Lhs(cols) | Space::File(cols) => cols.first().map_or(1, |c| c.len() as u64),
        }
    }

    /// Whether there are no points (never, for a space [`space`] made).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values of point `i`, in parameter order.
    pub fn values(&self, i: u64) -> Vec<f64> {
        match self {
            Space::Grid(lists) => {
                let mut out = vec![0.0; lists.len()];
                let mut rest = i;
                for (slot, l) in out.iter_mut().zip(lists).rev() {
                    let n = l.len() as u64;
                    *slot = l[(rest % n) as usize];
                    rest /= n;
                }
                out
            }
            Space::Lhs(cols) | Space::File(cols) => cols.iter().map(|c| c[i as usize]).collect(),
        }
    }

    /// A few points that, between them, show whether each parameter changes anything: in a
    /// grid, point 0 and for each parameter the first point that differs from it in that
    /// parameter alone; in a Latin hypercube or a design file, the first points.
    pub fn probes(&self) -> Vec<u64> {
        let mut out = vec![0];
        match self {
            Space::Grid(lists) => {
                let mut stride = 1u64;
                for l in lists.iter().rev() {
                    if l.len() > 1 {
                        out.push(stride);
                    }
                    stride *= l.len() as u64;
                }
            }
            Space::Lhs(_) | Space::File(_) => out.extend(1..self.len().min(8)),
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The parameter values of every point, in point order (all of them in memory: for tests
/// and small sweeps; a run uses [`space`]).
///
/// # Errors
/// As [`space`].
pub fn combinations(
    varies: &[Vary],
    design: Design,
    seed: u64,
    whole: &[bool],
) -> Result<Vec<Vec<f64>>> {
    let sp = space(varies, design, seed, whole)?;
    Ok((0..sp.len()).map(|i| sp.values(i)).collect())
}

/// The points a design visits, without building them.
///
/// # Errors
/// [`Error::Usage`] when the varies do not fit the design (a list with `lhs`, a range with a
/// grid), when the same path is varied twice, or when there would be more than
/// [`MAX_POINTS`] points.
pub fn space(varies: &[Vary], design: Design, seed: u64, whole: &[bool]) -> Result<Space> {
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().any(|u| u.path == v.path) {
            return Err(Error::Usage(format!(
                "--vary {}: this path is varied twice; give all its values in one --vary (e.g. {}=0.2,0.4,0.6)",
                v.path, v.path
            )));
        }
    }
    match design {
        Design::Grid => {
            if let Some(v) = varies.iter().find(|v| v.range.is_some()) {
                return Err(Error::Usage(format!(
                    "--vary {}={}: LO..HI ranges go with --design lhs; a grid takes a list or start:stop:count",
                    v.path, v.spec
                )));
            }
            let mut n: u64 = 1;
            for v in varies {
                n = n
                    .checked_mul(v.values.len() as u64)
                    .filter(|&n| n <= MAX_POINTS)
                    .ok_or_else(|| {
                        Error::Usage(format!(
                            "--vary: the grid has more than {MAX_POINTS} points ({}); vary fewer values, or sample with --design lhs --points N",
                            varies
                                .iter()
                                .map(|v| v.values.len().to_string())
                                .collect::<Vec<_>>()
                                .join(" x ")
                        ))
                    })?;
            }
            Ok(Space::Grid(
                varies.iter().map(|v| v.values.clone()).collect(),
            ))
        }
        Design::Lhs { points } => {
            if points == 0 {
                return Err(Error::Usage("--points must be at least 1".into()));
            }
            if points > MAX_POINTS {
                return Err(Error::Usage(format!(
                    "--points {points}: at most {MAX_POINTS} points"
                )));
            }
            if varies.is_empty() {
                return Err(Error::Usage(
                    "--design lhs needs at least one --vary PATH=LO..HI".into(),
                ));
            }
            let mut r = rng::trial_rng(seed, u64::MAX);
            let n = points as usize;
            let mut columns: Vec<Vec<f64>> = Vec::new();
            for (k, v) in varies.iter().enumerate() {
                let Some((lo, hi)) = v.range else {
                    return Err(Error::Usage(format!(
                        "--vary {}={}: --design lhs takes a range LO..HI",
                        v.path, v.spec
                    )));
                };
                let mut strata: Vec<usize> = (0..n).collect();
                strata.shuffle(&mut r);
                let col = strata
                    .into_iter()
                    .map(|s| {
                        let u = rng::uniform(&mut r);
                        let x = lo + (hi - lo) * (s as f64 + u) / n as f64;
                        if whole.get(k).copied().unwrap_or(false) {
                            x.round()
                        } else {
                            tidy(x)
                        }
                    })
                    .collect();
                columns.push(col);
            }
            Ok(Space::Lhs(columns))
        }
    }
}

/// Varied parameters whose values leave the compiled scenario unchanged (a path shadowed by
/// a more specific setting, such as `defaults.compliance` when every party sets its own):
/// the sweep would silently measure nothing. Returns one message per such parameter.
pub fn ineffective(varies: &[Vary], points: &[Point]) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in varies.iter().enumerate() {
        // Two points that differ only in parameter k, if any.
        let pair = points.iter().enumerate().find_map(|(i, a)| {
            points[i + 1..]
                .iter()
                .find(|b| {
                    b.values[k] != a.values[k]
                        && b.values
                            .iter()
                            .zip(&a.values)
                            .enumerate()
                            .all(|(j, (x, y))| j == k || x == y)
                })
                .map(|b| (a, b))
        });
        if let Some((a, b)) = pair
            && a.scenario == b.scenario
        {
            out.push(format!(
                "--vary {}: {} and {} give the same scenario, so this parameter changes nothing (is it shadowed by a more specific setting?)",
                v.path, a.values[k], b.values[k]
            ));
        }
    }
    out
}

/// A sweep's points, built one at a time: point `i` is the document with each varied path
/// set to the values of `space` at `i`.
#[derive(Debug, Clone)]
pub struct Sweep<'d> {
    /// The scenario with its overlays.
    pub doc: &'d Document,
    /// The varied parameters.
    pub varies: &'d [Vary],
    /// Their values at every point.
    pub space: Space,
    /// Builds each point from its values.
    builder: PointBuilder,
}

impl<'d> Sweep<'d> {
    /// The sweep of `varies` over `space` in `doc`.
    ///
    /// # Errors
    /// [`Error::Usage`] for a varied path that names no numeric field of the document.
    pub fn new(doc: &'d Document, varies: &'d [Vary], space: Space) -> Result<Self> {
        let paths: Vec<ParamPath> = varies.iter().map(|v| v.path.clone()).collect();
        Ok(Sweep {
            doc,
            varies,
            space,
            builder: PointBuilder::new(doc, &paths)?,
        })
    }

    /// The builder of its points.
    pub fn builder(&self) -> &PointBuilder {
        &self.builder
    }

    /// Check every point once (so a bad value is an error before any trial runs), on every
    /// core, keeping only the [`Space::probes`] points. A patched point is checked without
    /// being built ([`PointBuilder::check`]).
    ///
    /// # Errors
    /// The first point that does not compile, named with its parameters.
    pub fn validate(&self) -> Result<Vec<Point>> {
        for v in self.varies {
            self.doc.check_path(&v.path)?;
        }
        // On every core; the error reported is the first failing point's, whatever the
        // threads.
        use rayon::prelude::*;
        let failed = (0..self.space.len())
            .into_par_iter()
            .find_map_first(|i| self.builder.check(i, &self.space.values(i)).err());
        if let Some(e) = failed {
            return Err(e);
        }
        self.space
            .probes()
            .into_iter()
            .map(|i| self.build(i))
            .collect()
    }

    /// Build point `i`.
    ///
    /// # Errors
    /// As [`build_points`].
    pub fn build(&self, i: u64) -> Result<Point> {
        self.builder.point(i, &self.space.values(i))
    }
}

impl crate::runs::run::Points for Sweep<'_> {
    fn count(&self) -> u64 {
        self.space.len()
    }
    fn point(&self, index: u64) -> Result<Point> {
        self.build(index)
    }
    fn engine_plan(&self, point: &Point) -> std::sync::Arc<crate::engine::plan::Plan> {
        self.builder.engine_plan(point)
    }
    fn recycle(&self, point: Point) {
        self.builder.recycle(point.scenario);
    }
}

/// Build every point. Point `i` sets each varied path to `combos[i]`.
///
/// # Errors
/// The first point that does not compile, named with its parameters.
pub fn build_points(doc: &Document, varies: &[Vary], combos: &[Vec<f64>]) -> Result<Vec<Point>> {
    let paths: Vec<ParamPath> = varies.iter().map(|v| v.path.clone()).collect();
    let builder = PointBuilder::new(doc, &paths)?;
    combos
        .iter()
        .enumerate()
        .map(|(i, values)| builder.point(i as u64, values))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_ranges() {
        assert_eq!(Vary::parse("a.b=0.2,0.4").unwrap().values, vec![0.2, 0.4]);
        assert_eq!(
            Vary::parse("a.b=0.2:0.8:4").unwrap().values,
            vec![0.2, 0.4, 0.6, 0.8]
        );
        assert_eq!(Vary::parse("a.b=1:1:1").unwrap().values, vec![1.0]);
        assert!(Vary::parse("a.b=0.2:0.8").is_err());
        assert!(Vary::parse("a.b=0.2:0.8:1").is_err());
        assert!(Vary::parse("a.b=x").is_err());
        assert!(Vary::parse("a.b").is_err());
        assert_eq!(Vary::parse("a.b=0..1").unwrap().range, Some((0.0, 1.0)));
    }

    #[test]
    fn grid_first_varies_slowest() {
        let v = [
            Vary::parse("a.b=1,2").unwrap(),
            Vary::parse("c.d=10,20,30").unwrap(),
        ];
        let c = combinations(&v, Design::Grid, 0, &[]).unwrap();
        assert_eq!(
            c,
            vec![
                vec![1., 10.],
                vec![1., 20.],
                vec![1., 30.],
                vec![2., 10.],
                vec![2., 20.],
                vec![2., 30.]
            ]
        );
    }

    #[test]
    fn probes_differ_from_point_0_in_one_parameter_and_limits_hold() {
        let v = [
            Vary::parse("a.b=1,2").unwrap(),
            Vary::parse("c.d=10").unwrap(),
            Vary::parse("e.f=5,6,7").unwrap(),
        ];
        let sp = space(&v, Design::Grid, 0, &[]).unwrap();
        assert_eq!(sp.len(), 6);
        assert_eq!(sp.probes(), vec![0, 1, 3]);
        assert_eq!(sp.values(3), vec![2., 10., 5.]);
        assert_eq!(sp.values(5), vec![2., 10., 7.]);
        let twice = [Vary::parse("a.b=1").unwrap(), Vary::parse("a.b=2").unwrap()];
        assert!(space(&twice, Design::Grid, 0, &[]).is_err());
        let big = [
            Vary::parse("a.b=0:1:1000").unwrap(),
            Vary::parse("c.d=0:1:1001").unwrap(),
        ];
        assert!(space(&big, Design::Grid, 0, &[]).is_err());
        let r = [Vary::parse("a.b=0..1").unwrap()];
        let lhs = |n| space(&r, Design::Lhs { points: n }, 0, &[false]);
        assert!(lhs(MAX_POINTS + 1).is_err());
        assert_eq!(lhs(3).unwrap().len(), 3);
    }

    #[test]
    fn lhs_fills_every_stratum_once_and_is_seeded() {
        let v = [
            Vary::parse("a.b=0..1").unwrap(),
            Vary::parse("c.d=10..20").unwrap(),
        ];
        let c = combinations(&v, Design::Lhs { points: 50 }, 7, &[false, false]).unwrap();
        assert_eq!(
            c,
            combinations(&v, Design::Lhs { points: 50 }, 7, &[false, false]).unwrap()
        );
        assert_ne!(
            c,
            combinations(&v, Design::Lhs { points: 50 }, 8, &[false, false]).unwrap()
        );
        for (k, (lo, hi)) in [(0.0, 1.0), (10.0, 20.0)].into_iter().enumerate() {
            let mut seen = [0; 50];
            for p in &c {
                let s = (((p[k] - lo) / (hi - lo)) * 50.0).floor() as usize;
                seen[s.min(49)] += 1;
            }
            assert!(seen.iter().all(|&x| x == 1), "{seen:?}");
        }
    }
}
