//! The structure as a whole: cycles, and the best-case pass that finds actions no trial
//! could ever make due.

use crate::model::*;

pub(super) fn fmt_day(s: &Scenario, d: u64) -> String {
    if d <= u64::from(u32::MAX) {
        s.date(d as u32).to_string()
    } else {
        "never".into()
    }
}

/// A cycle in a directed graph given as adjacency lists, as a list of nodes (first repeated
/// implicitly), or `None`. Deterministic: searches from the lowest node.
pub(super) fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    // 0 = unvisited, 1 = on stack, 2 = done
    let mut state = vec![0u8; edges.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..edges.len() {
        if state[root] != 0 {
            continue;
        }
        stack.push((root, 0));
        state[root] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i < edges[v].len() {
                let w = edges[v][*i];
                *i += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|&(x, _)| x == w).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[pos..].iter().map(|&(x, _)| x).collect();
                        cycle.push(w);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    None
}

/// The earliest day each event could happen in any trial: every consent at the actor's first
/// review, every duration at its least, no pause. `None` = never.
#[derive(Debug, Clone)]
pub struct BestCase {
    /// Earliest day each phase starts.
    pub phase_start: Vec<Option<u64>>,
    /// Earliest day each phase is done.
    pub phase_done: Vec<Option<u64>>,
    /// Earliest day each action becomes due.
    pub due: Vec<Option<u64>>,
    /// Earliest day each action starts.
    pub start: Vec<Option<u64>>,
    /// Earliest day each action is done.
    pub done: Vec<Option<u64>>,
}

/// The latest of some days, or `None` ("never") when one of them is never.
fn maxo(xs: &mut dyn Iterator<Item = Option<u64>>) -> Option<u64> {
    let mut m = 0u64;
    for x in xs {
        m = m.max(x?);
    }
    Some(m)
}

/// Compute the [`BestCase`] of a scenario (a fixpoint from "never", so a dependency loop
/// that no trial can break stays "never").
pub fn best_case(s: &Scenario) -> BestCase {
    let na = s.actions.len();
    let np = s.phases.len();
    let mut b = BestCase {
        phase_start: vec![None; np],
        phase_done: vec![None; np],
        due: vec![None; na],
        start: vec![None; na],
        done: vec![None; na],
    };
    // Rounds until nothing changes. A round takes the phases in order and, within each, its
    // start, its actions in order and its end, so that a chain declared in order (phase
    // after phase, action requiring the one before) settles in one round, not one round
    // per link. The order of the updates does not change the fixpoint: every value is a
    // monotone function of the others, iterated from "never" (Gauss-Seidel reaches the
    // point the round-by-round iteration reaches).
    for _round in 0..(na + np + 2) {
        let mut changed = false;
        for p in 0..np {
            let v = match &s.phases[p].start {
                PhaseStart::Day(d) => Some(u64::from(*d)),
                PhaseStart::After { phases, lag } => {
                    maxo(&mut phases.iter().map(|&q| b.phase_done[q])).map(|d| d + u64::from(*lag))
                }
            };
            if v != b.phase_start[p] {
                b.phase_start[p] = v;
                changed = true;
            }
            for &k in &s.phases[p].actions {
                changed |= update_action(s, &mut b, k);
            }
            let v = maxo(&mut s.phases[p].actions.iter().map(|&k| b.done[k]));
            if v != b.phase_done[p] {
                b.phase_done[p] = v;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    b
}

/// One update of action `k`'s best-case days from the values at hand; whether they changed.
fn update_action(s: &Scenario, b: &mut BestCase, k: usize) -> bool {
    let a = &s.actions[k];
    let mut due = b.phase_start[a.phase];
    due = due.and_then(|d| maxo(&mut a.requires_done.iter().map(|&j| b.done[j])).map(|x| x.max(d)));
    due = due
        .and_then(|d| maxo(&mut a.requires_started.iter().map(|&j| b.start[j])).map(|x| x.max(d)));
    if let (Some(d), Some(al)) = (due, &a.at_least) {
        let mut ds: Vec<u64> = al.of.iter().filter_map(|&j| b.done[j]).collect();
        ds.sort_unstable();
        due = if al.n == 0 {
            Some(d)
        } else if ds.len() >= al.n {
            Some(d.max(ds[al.n - 1]))
        } else {
            None
        };
    }
    let start = due.map(|d| {
        a.actors
            .iter()
            .map(|&i| {
                let r = u64::from(s.parties[i].review_every);
                d.div_ceil(r) * r
            })
            .max()
            .unwrap_or(d)
    });
    let done = start.map(|t| t + u64::from(a.duration.min_days()));
    if (due, start, done) != (b.due[k], b.start[k], b.done[k]) {
        b.due[k] = due;
        b.start[k] = start;
        b.done[k] = done;
        return true;
    }
    false
}

pub(super) fn explain_never_due(s: &Scenario, b: &BestCase, k: usize) -> String {
    let a = &s.actions[k];
    let ph = &s.phases[a.phase];
    if b.phase_start[a.phase].is_none() {
        let waits: Vec<String> = match &ph.start {
            PhaseStart::After { phases, .. } => phases
                .iter()
                .filter(|&&q| b.phase_done[q].is_none())
                .map(|&q| format!("`{}`", s.phases[q].id))
                .collect(),
            PhaseStart::Day(_) => vec![],
        };
        return format!(
            "its phase `{}` never starts (it waits for phase {} to be done, which waits, directly or not, for this action)",
            ph.id,
            waits.join(", ")
        );
    }
    let mut blockers: Vec<String> = Vec::new();
    for &j in &a.requires_done {
        if b.done[j].is_none() {
            blockers.push(format!("`{}` is never done", s.actions[j].id));
        }
    }
    for &j in &a.requires_started {
        if b.start[j].is_none() {
            blockers.push(format!("`{}` never starts", s.actions[j].id));
        }
    }
    if let Some(al) = &a.at_least {
        let possible = al.of.iter().filter(|&&j| b.done[j].is_some()).count();
        if possible < al.n {
            blockers.push(format!(
                "requires_at_least needs {} done but only {possible} of its list can ever be done",
                al.n
            ));
        }
    }
    format!(
        "{} (a dependency loop through phases or requires_at_least)",
        blockers.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The iteration as first written: each round all phase starts, then all actions in
    /// order, then all phase ends.
    fn best_case_by_rounds(s: &Scenario) -> BestCase {
        let (na, np) = (s.actions.len(), s.phases.len());
        let mut b = BestCase {
            phase_start: vec![None; np],
            phase_done: vec![None; np],
            due: vec![None; na],
            start: vec![None; na],
            done: vec![None; na],
        };
        loop {
            let mut changed = false;
            for p in 0..np {
                let v = match &s.phases[p].start {
                    PhaseStart::Day(d) => Some(u64::from(*d)),
                    PhaseStart::After { phases, lag } => {
                        maxo(&mut phases.iter().map(|&q| b.phase_done[q]))
                            .map(|d| d + u64::from(*lag))
                    }
                };
                changed |= v != b.phase_start[p];
                b.phase_start[p] = v;
            }
            for k in 0..na {
                changed |= update_action(s, &mut b, k);
            }
            for p in 0..np {
                let v = maxo(&mut s.phases[p].actions.iter().map(|&k| b.done[k]));
                changed |= v != b.phase_done[p];
                b.phase_done[p] = v;
            }
            if !changed {
                return b;
            }
        }
    }

    /// Phases declared in order and in reverse, with lags, durations, review periods, a
    /// `requires_at_least` and an action required started across phases (a compiled scenario
    /// has no action that can never be due: that is refused).
    #[test]
    fn best_case_is_the_fixpoint_whatever_the_order_of_declaration() {
        let chain = |n: usize, reverse: bool| {
            let mut t = String::from(
                "[scenario]\nname = \"t\"\nstart = \"2007-10-03\"\nhorizon_days = 5000\n[[party]]\nid = \"A\"\nreview_every_days = 7\n[[party]]\nid = \"B\"\n",
            );
            let order: Vec<usize> = if reverse {
                (0..n).rev().collect()
            } else {
                (0..n).collect()
            };
            for &i in &order {
                t += &format!("[[phase]]\nid = \"p{i}\"\n");
                if i > 0 {
                    t += &format!("after = [\"p{}\"]\nlag_days = {}\n", i - 1, i % 3);
                }
            }
            for &i in &order {
                let party = ["A", "B", "[\"A\", \"B\"]"][i % 3];
                let party = if party.starts_with('[') {
                    party.to_string()
                } else {
                    format!("\"{party}\"")
                };
                t += &format!(
                    "[[action]]\nid = \"a{i}\"\nparty = {party}\nphase = \"p{i}\"\nduration = {{ fixed = {} }}\n",
                    i % 4
                );
                if i >= 2 {
                    t += &format!(
                        "requires_at_least = {{ n = 1, of = [\"a{}\", \"a{}\"] }}\n",
                        i - 2,
                        i - 1
                    );
                }
                if i % 5 == 4 {
                    t += &format!("requires = [\"a{}@started\"]\n", i - 3);
                }
            }
            crate::scenario::from_str(&t, "t.toml").unwrap_or_else(|e| panic!("{e}\n{t}"))
        };
        let days = |s: &Scenario, b: &BestCase| {
            let mut v: Vec<(String, Option<u64>, Option<u64>)> = s
                .actions
                .iter()
                .enumerate()
                .map(|(k, a)| (a.id.clone(), b.due[k], b.done[k]))
                .collect();
            v.sort();
            v
        };
        for n in [1, 2, 7, 30] {
            let (fwd, rev) = (chain(n, false), chain(n, true));
            let b = best_case(&fwd);
            assert_eq!(
                days(&fwd, &b),
                days(&fwd, &best_case_by_rounds(&fwd)),
                "n = {n}"
            );
            assert_eq!(days(&fwd, &b), days(&rev, &best_case(&rev)), "n = {n}");
            assert_eq!(
                days(&rev, &best_case(&rev)),
                days(&rev, &best_case_by_rounds(&rev)),
                "n = {n}"
            );
            assert!(b.done.iter().all(Option::is_some), "n = {n}");
        }
        for s in [
            include_str!("../../../scenarios/second-phase-2007.toml"),
            include_str!("../../../scenarios/history-2007-2009.toml"),
            include_str!("../../../scenarios/communique-july-2007.toml"),
        ] {
            let s = crate::scenario::from_str(s, "s.toml").unwrap();
            assert_eq!(days(&s, &best_case(&s)), days(&s, &best_case_by_rounds(&s)));
        }
    }

    #[test]
    fn cycles_are_found_and_reported_in_order() {
        assert_eq!(
            find_cycle(&[vec![1], vec![2], vec![0]]),
            Some(vec![0, 1, 2, 0])
        );
        assert_eq!(find_cycle(&[vec![1], vec![], vec![0]]), None);
        assert_eq!(find_cycle(&[vec![0]]), Some(vec![0, 0]));
    }
}
