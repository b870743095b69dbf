//! The skip-ahead engine against the literal one, and invariants of every trial.
//!
//! Random scenarios use every feature (joint actions, `@started`, `requires_at_least`,
//! deadlines, lags, all duration forms, shocks with pauses, walkouts). For each, both engines
//! run the same number of trials and every headline mean is compared in standard errors: the
//! literal engine is docs/MODEL.md section 2 read aloud, so agreement is the evidence that
//! skipping ahead (2.10) changes no distribution.
//!
//! [`model03`] does the same on scenarios that use every field of model 0.3 (docs/MODEL.md
//! 2.11-2.15); `tests/integration/mutations.md` shows that it fails when any one of those rules
//! is broken in the fast engine.

mod model03;

use crate::common::*;
use negsim::Scenario;
use negsim::engine::literal::LiteralTrial;
use negsim::engine::{Outcome, Recorder, Trial, TrialResult};
use negsim::rng::{self, TrialRng};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use rand::Rng;

fn pick(r: &mut TrialRng, n: u64) -> u64 {
    r.next_u64() % n
}

fn unif(r: &mut TrialRng, lo: f64, hi: f64) -> f64 {
    let x = lo + (hi - lo) * rng::uniform(r);
    (x * 1000.0).round() / 1000.0
}

/// A random valid scenario (as TOML text) from a seed. Requirements only point to actions
/// declared earlier in the same or an earlier phase, and phases only wait for earlier
/// phases, so no file has a cycle or a deadlock.
pub fn random_scenario(seed: u64) -> String {
    let mut r = rng::trial_rng(seed, 0);
    let n = 2 + pick(&mut r, 3) as usize;
    let horizon = 60 + pick(&mut r, 140);
    let mut t = format!(
        "[scenario]\nname = \"random-{seed}\"\nstart = \"2007-10-03\"\nhorizon_days = {horizon}\nreview_every_days = {}\n",
        [1, 3, 7][pick(&mut r, 3) as usize]
    );
    let ids: Vec<String> = (0..n).map(|i| format!("P{i}")).collect();
    for id in &ids {
        t.push_str(&format!(
            "\n[[party]]\nid = \"{id}\"\ncompliance = {}\nreciprocity = {}\ninitial_trust = {}\ntrust_gain = {}\ntrust_loss = {}\n",
            unif(&mut r, 0.15, 1.0),
            [0.0, 0.5, 1.0, 2.0][pick(&mut r, 4) as usize],
            unif(&mut r, 0.3, 0.9),
            unif(&mut r, 0.0, 0.3),
            unif(&mut r, 0.0, 0.6),
        ));
        if pick(&mut r, 3) == 0 {
            t.push_str(&format!("walkout_trust = {}\n", unif(&mut r, 0.05, 0.3)));
        }
        if pick(&mut r, 2) == 0 {
            t.push_str(&format!("review_every_days = {}\n", 1 + pick(&mut r, 9)));
        }
        if pick(&mut r, 3) == 0 {
            let other = &ids[pick(&mut r, n as u64) as usize];
            if other != id {
                t.push_str(&format!(
                    "trust = {{ {other} = {} }}\n",
                    unif(&mut r, 0.1, 1.0)
                ));
            }
        }
    }
    let nph = 1 + pick(&mut r, 3) as usize;
    for k in 0..nph {
        t.push_str(&format!("\n[[phase]]\nid = \"ph{k}\"\n"));
        if k > 0 && pick(&mut r, 2) == 0 {
            t.push_str(&format!(
                "after = [\"ph{}\"]\nlag_days = {}\n",
                pick(&mut r, k as u64),
                pick(&mut r, 8)
            ));
        } else if pick(&mut r, 2) == 0 {
            t.push_str(&format!(
                "start = \"2007-10-{:02}\"\n",
                3 + pick(&mut r, 15)
            ));
        }
    }
    let na = nph + pick(&mut r, 7) as usize;
    let mut phase_of = Vec::new();
    for a in 0..na {
        // Every phase gets at least one action.
        let ph = if a < nph {
            a
        } else {
            pick(&mut r, nph as u64) as usize
        };
        phase_of.push(ph);
        let actors = if pick(&mut r, 3) == 0 {
            let i = pick(&mut r, n as u64) as usize;
            let j = (i + 1 + pick(&mut r, (n - 1) as u64) as usize) % n;
            format!("[\"{}\", \"{}\"]", ids[i], ids[j])
        } else {
            format!("\"{}\"", ids[pick(&mut r, n as u64) as usize])
        };
        t.push_str(&format!(
            "\n[[action]]\nid = \"a{a}\"\nparty = {actors}\nphase = \"ph{ph}\"\n"
        ));
        let dur = match pick(&mut r, 6) {
            0 => "{ fixed = 0 }".to_string(),
            1 => format!("{{ fixed = {} }}", pick(&mut r, 12)),
            2 => format!(
                "{{ uniform = [{}, {}] }}",
                pick(&mut r, 4),
                4 + pick(&mut r, 10)
            ),
            3 => format!(
                "{{ triangular = [0, {}, {}] }}",
                2 + pick(&mut r, 4),
                8 + pick(&mut r, 8)
            ),
            4 => format!(
                "{{ lognormal = {{ median = {}, sigma = {} }} }}",
                1 + pick(&mut r, 8),
                unif(&mut r, 0.0, 1.0)
            ),
            _ => format!(
                "{{ exponential = {{ mean = {} }} }}",
                unif(&mut r, 0.5, 8.0)
            ),
        };
        t.push_str(&format!("duration = {dur}\n"));
        if pick(&mut r, 3) == 0 {
            t.push_str(&format!(
                "deadline = \"2007-{:02}-{:02}\"\n",
                10 + pick(&mut r, 3),
                1 + pick(&mut r, 28)
            ));
        }
        let earlier: Vec<usize> = (0..a).filter(|&b| phase_of[b] <= ph).collect();
        let mut reqs = Vec::new();
        for &b in &earlier {
            match pick(&mut r, 8) {
                0 | 1 => reqs.push(format!("\"a{b}\"")),
                2 => reqs.push(format!("\"a{b}@started\"")),
                _ => {}
            }
        }
        if !reqs.is_empty() {
            t.push_str(&format!("requires = [{}]\n", reqs.join(", ")));
        }
        if earlier.len() >= 2 && pick(&mut r, 3) == 0 {
            let of: Vec<String> = earlier.iter().map(|b| format!("\"a{b}\"")).collect();
            t.push_str(&format!(
                "requires_at_least = {{ n = {}, of = [{}] }}\n",
                1 + pick(&mut r, earlier.len() as u64 - 1),
                of.join(", ")
            ));
        }
        if pick(&mut r, 3) == 0 {
            t.push_str(&format!(
                "quantity = {}\nunit = \"t\"\n",
                1000 * (1 + pick(&mut r, 9))
            ));
        }
    }
    for k in 0..pick(&mut r, 3) {
        let i = pick(&mut r, n as u64) as usize;
        let j = (i + 1) % n;
        t.push_str(&format!(
            "\n[[shock]]\nid = \"s{k}\"\nrate_per_year = {}\nfrom = [\"{}\"]\ntoward = [\"{}\"]\ntrust_drop = {}\n",
            unif(&mut r, 1.0, 8.0),
            ids[i],
            ids[j],
            unif(&mut r, 0.0, 0.5)
        ));
        if pick(&mut r, 2) == 0 {
            t.push_str(&format!(
                "pause = [\"{}\"]\npause_days = {}\n",
                ids[j],
                1 + pick(&mut r, 20)
            ));
        }
        if pick(&mut r, 2) == 0 {
            t.push_str("window = [\"2007-10-20\", \"2007-12-31\"]\n");
        }
    }
    t
}

/// The figures compared between engines, one value per trial each.
fn metrics(s: &Scenario, r: &TrialResult) -> Vec<f64> {
    let mut m = vec![
        f64::from(u8::from(r.outcome == Outcome::Completed)),
        f64::from(u8::from(r.outcome == Outcome::Collapsed)),
        f64::from(r.end_day),
        f64::from(r.actions_done),
    ];
    m.extend(r.party_delays.iter().map(|&d| d as f64));
    m.extend(r.quantity.iter().copied());
    for a in 0..s.actions.len() {
        m.push(f64::from(u8::from(r.actions[a].done_day.is_some())));
        m.push(f64::from(u8::from(r.actions[a].due_day.is_some())));
        m.push(f64::from(r.actions[a].delays));
        m.push(f64::from(u8::from(r.late(s, a))));
    }
    m
}

fn compare_engines(s: &Scenario, trials: u64, seed: u64) -> Result<f64, String> {
    let c = compare_with(s, trials, seed, metrics);
    if c.z.abs() > 5.0 {
        return Err(c.message);
    }
    Ok(c.z.abs())
}

/// The worst metric of one comparison of the engines.
#[derive(Debug, Clone)]
pub struct Worst {
    /// The largest |z| over the metrics (infinite when a metric without variance differs).
    pub z: f64,
    /// The metric's column.
    pub column: usize,
    /// What differed, for a failure message.
    pub message: String,
}

/// Both engines, `trials` trials each (independent seeds), every metric of `metrics`
/// compared in standard errors; the worst one.
pub fn compare_with(
    s: &Scenario,
    trials: u64,
    seed: u64,
    metrics: impl Fn(&Scenario, &TrialResult) -> Vec<f64>,
) -> Worst {
    let master = rng::master(seed);
    let lit_master = rng::master(seed ^ 0x9e37_79b9);
    let mut fast = Trial::new(s);
    let lit = LiteralTrial::new(s);
    let mut res = TrialResult::new(s);
    let mut a: Vec<Vec<f64>> = Vec::new();
    let mut b: Vec<Vec<f64>> = Vec::new();
    for k in 0..trials {
        fast.run(&master, k, &mut res);
        a.push(metrics(s, &res));
        // Another seed for the literal engine: independent samples.
        let r = lit.run(&lit_master, k);
        b.push(metrics(s, &r));
    }
    let mut worst = Worst {
        z: 0.0,
        column: 0,
        message: String::new(),
    };
    for col in 0..a[0].len() {
        let xa: Vec<f64> = a.iter().map(|v| v[col]).collect();
        let xb: Vec<f64> = b.iter().map(|v| v[col]).collect();
        let (ma, sa) = mean_se(&xa);
        let (mb, sb) = mean_se(&xb);
        let se = sa.hypot(sb);
        let z = if se == 0.0 {
            if ma == mb { 0.0 } else { f64::INFINITY }
        } else {
            (ma - mb) / se
        };
        if z.abs() > worst.z.abs() {
            worst = Worst {
                z,
                column: col,
                message: format!("metric {col}: fast {ma} vs literal {mb}, z = {z:.2}"),
            };
        }
    }
    worst
}

/// Twenty random scenarios, 4,000 trials each, every metric within 5 standard errors.
#[test]
fn skip_ahead_engine_matches_the_literal_rules() {
    let mut compared = 0;
    let mut worst: f64 = 0.0;
    for seed in 0..40u64 {
        let text = random_scenario(seed);
        let Ok(s) = negsim::scenario::from_str(&text, "random.toml") else {
            continue;
        };
        let w = compare_engines(&s, 4000, 1000 + seed)
            .unwrap_or_else(|e| panic!("scenario seed {seed}: {e}\n{text}"));
        worst = worst.max(w);
        compared += 1;
        if compared == 20 {
            break;
        }
    }
    assert_eq!(compared, 20, "too few random scenarios compiled");
    eprintln!("worst |z| over 20 scenarios: {worst:.2}");
}

/// The bundled scenarios, both engines, 20,000 trials each.
#[test]
fn skip_ahead_engine_matches_the_literal_rules_on_the_reference_scenarios() {
    for f in [
        "scenarios/second-phase-2007.toml",
        "scenarios/communique-july-2007.toml",
    ] {
        let s = negsim::scenario::load(&repo(f)).unwrap();
        compare_engines(&s, 20_000, 77).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
}

/// Checks every invariant of one trial's result.
fn check_invariants(s: &Scenario, r: &TrialResult) -> Result<(), String> {
    let h = s.horizon;
    let done = r.actions.iter().filter(|a| a.done_day.is_some()).count() as u32;
    if done != r.actions_done {
        return Err(format!(
            "actions_done {} but {done} done days",
            r.actions_done
        ));
    }
    match r.outcome {
        Outcome::Completed => {
            if r.actions_done as usize != s.actions.len() || r.collapsed_by.is_some() {
                return Err("completed but not every action done".into());
            }
            let last = r.actions.iter().filter_map(|a| a.done_day).max();
            if last != Some(r.end_day) {
                return Err(format!("completed on {} but last done {last:?}", r.end_day));
            }
        }
        Outcome::Collapsed => {
            if r.collapsed_by.is_none() {
                return Err("collapsed without collapsed_by".into());
            }
        }
        Outcome::Stalled => {
            if r.end_day != h
                || r.collapsed_by.is_some()
                || r.actions_done as usize == s.actions.len()
            {
                return Err("stalled inconsistently".into());
            }
        }
    }
    if r.end_day > h {
        return Err("ended after the horizon".into());
    }
    let mut delays_by_action = 0u64;
    for (k, a) in r.actions.iter().enumerate() {
        let act = &s.actions[k];
        delays_by_action += u64::from(a.delays);
        for d in [a.due_day, a.started_day, a.done_day].into_iter().flatten() {
            if d > r.end_day {
                return Err(format!("action {k}: day {d} after the end {}", r.end_day));
            }
        }
        if let Some(st) = a.started_day {
            let due = a
                .due_day
                .ok_or(format!("action {k} started but never due"))?;
            if st < due {
                return Err(format!("action {k} started {st} before due {due}"));
            }
        }
        if let Some(dn) = a.done_day {
            let st = a
                .started_day
                .ok_or(format!("action {k} done but never started"))?;
            if dn < st || dn < a.due_day.unwrap_or(0) {
                return Err(format!("action {k} done {dn} before start {st}"));
            }
        }
        if let Some(due) = a.due_day {
            for &j in &act.requires_done {
                if r.actions[j].done_day.is_none_or(|d| d > due) {
                    return Err(format!("action {k} due {due} before requirement {j} done"));
                }
            }
            for &j in &act.requires_started {
                if r.actions[j].started_day.is_none_or(|d| d > due) {
                    return Err(format!("action {k} due {due} before {j} started"));
                }
            }
            if let Some(al) = &act.at_least {
                let n = al
                    .of
                    .iter()
                    .filter(|&&j| r.actions[j].done_day.is_some_and(|d| d <= due))
                    .count();
                if n < al.n {
                    return Err(format!(
                        "action {k} due with {n} < {} of its list done",
                        al.n
                    ));
                }
            }
        }
    }
    if delays_by_action != r.party_delays.iter().sum::<u64>() {
        return Err("delays by action and by party differ".into());
    }
    for (p, ph) in s.phases.iter().enumerate() {
        let days: Vec<Option<u32>> = ph.actions.iter().map(|&a| r.actions[a].done_day).collect();
        let want = if days.iter().all(Option::is_some) {
            days.iter().flatten().max().copied()
        } else {
            None
        };
        if r.phase_done[p] != want {
            return Err(format!(
                "phase {p} done {:?}, actions say {want:?}",
                r.phase_done[p]
            ));
        }
    }
    let mut q = vec![0.0; s.units.len()];
    for (k, a) in s.actions.iter().enumerate() {
        if let (Some((u, x)), Some(_)) = (a.quantity, r.actions[k].done_day) {
            q[u] += x;
        }
    }
    if q != r.quantity {
        return Err("quantities do not add up".into());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        rng_seed: RngSeed::Fixed(20_071_003),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any generated valid scenario: no panic, and every trial satisfies every invariant.
    #[test]
    fn every_trial_of_any_scenario_is_consistent(seed in 0u64..1_000_000, run_seed in any::<u64>()) {
        let text = random_scenario(seed);
        if let Ok(s) = negsim::scenario::from_str(&text, "random.toml") {
            let master = rng::master(run_seed);
            let mut t = Trial::new(&s);
            let mut r = TrialResult::new(&s);
            let ceiling = negsim::engine::plan::Plan::trust_ceiling(&s);
            for k in 0..150 {
                t.run(&master, k, &mut r);
                if let Err(e) = check_invariants(&s, &r) {
                    prop_assert!(false, "seed {seed} trial {k}: {e}\n{text}");
                }
                // Observing does not change the trial.
                let mut rec = Recorder::default();
                let mut r2 = TrialResult::new(&s);
                Trial::new(&s).run_observed(&master, k, &mut r2, &mut rec);
                prop_assert_eq!(&r, &r2);
                // Trust never passes the ceiling the engine thins with.
                for (day, event, trust) in &rec.events {
                    for (e, (&t, &top)) in trust.iter().zip(&ceiling).enumerate() {
                        prop_assert!(
                            t <= top,
                            "seed {seed} trial {k} day {day} after {event:?}: T[{e}] = {t} > {top}"
                        );
                    }
                }
            }
        }
    }

    /// No input text panics the loader: it compiles or returns an error.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = negsim::scenario::from_str(&text, "fuzz.toml");
    }

    /// Byte edits of a real scenario never panic the loader.
    #[test]
    fn edited_scenarios_never_panic(edits in proptest::collection::vec((0usize..12_000, any::<u8>()), 1..6)) {
        let mut bytes = negsim::scenario::DEFAULT_SCENARIO.as_bytes().to_vec();
        for (pos, b) in edits {
            let p = pos % bytes.len();
            bytes[p] = b;
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = negsim::scenario::from_str(&text, "edited.toml");
    }

    /// Byte edits of an overlay never panic: applying it, compiling the merged scenario, and
    /// taking an error's position back to the file that wrote the value.
    #[test]
    fn edited_overlays_never_panic(edits in proptest::collection::vec((0usize..4_000, any::<u8>()), 1..6)) {
        let overlay = "[[party]]\nid = \"JPN\"\ncompliance = 0.7\ntrust = { US = 0.8 }\n\n[[action]]\nid = \"jpn-hfo\"\nrequires = [\"dprk-japan-consultations\"]\nduration = { triangular = [30, 75, 150] }\n\n[[action]]\nid = \"new\"\nparty = \"JPN\"\nphase = \"assistance\"\n";
        let mut bytes = overlay.as_bytes().to_vec();
        for (pos, b) in edits {
            let p = pos % bytes.len();
            bytes[p] = b;
        }
        let text = String::from_utf8_lossy(&bytes);
        let mut doc = negsim::scenario::Document::from_text(
            "base.toml",
            negsim::scenario::DEFAULT_SCENARIO,
        )
        .unwrap();
        if doc.apply_overlay("o.toml", &text).is_ok()
            && let Err(e) = doc.compile()
        {
            let _ = e.to_string();
        }
    }
}
