//! A patched point is exactly the full compile's point: for every path of every bundled
//! scenario, at values in and out of range, alone and together (a property test).

use super::*;
use proptest::prelude::*;

const DEFAULT: &str = include_str!("../../../scenarios/second-phase-2007.toml");
const COMMUNIQUE: &str = include_str!("../../../scenarios/communique-july-2007.toml");
const HISTORY: &str = include_str!("../../../scenarios/history-2007-2009.toml");
const EVERY_FEATURE: &str = include_str!("../../../benches/every-feature-0.3.toml");
const BANKING: &str = include_str!("../../../scenarios/whatif/banking-dispute-recurs.toml");
const JAPAN: &str = include_str!("../../../scenarios/whatif/japan-joins-assistance.toml");

/// Every bundled scenario, and the default with each what-if overlay.
fn documents() -> Vec<Document> {
    let mut out: Vec<Document> = [
        ("second-phase-2007.toml", DEFAULT),
        ("communique-july-2007.toml", COMMUNIQUE),
        ("history-2007-2009.toml", HISTORY),
        ("every-feature-0.3.toml", EVERY_FEATURE),
    ]
    .into_iter()
    .map(|(l, t)| Document::from_text(l, t).expect("bundled scenario parses"))
    .collect();
    for (l, t) in [("banking.toml", BANKING), ("japan.toml", JAPAN)] {
        let mut d = Document::from_text("second-phase-2007.toml", DEFAULT).expect("parses");
        d.apply_overlay(l, t).expect("overlay applies");
        out.push(d);
    }
    out
}

/// `Ok` when the builder's point (and its check) is the full compile's, else what differs.
fn same(b: &PointBuilder, index: u64, values: &[f64]) -> std::result::Result<(), String> {
    let got = b.point(index, values);
    let want = b.full_point(index, values);
    let checked = b.check(index, values);
    let ctx = || format!("{:?} = {values:?}", b.paths());
    match (&got, &want) {
        (Ok(g), Ok(w)) if g.scenario == w.scenario && g.values == w.values => {
            // The engine plan too: derived from the base's, exactly `Plan::new` (Debug prints
            // every f64 in its shortest round-trip form, so equal text is equal bits).
            let derived = format!("{:?}", b.engine_plan(g));
            let full = format!("{:?}", EnginePlan::new(&w.scenario));
            if derived != full {
                return Err(format!("{}: derived plan differs from Plan::new", ctx()));
            }
        }
        (Err(g), Err(w)) if g.to_string() == w.to_string() && g.exit_code() == w.exit_code() => {}
        _ => return Err(format!("{}: patched {got:?}\nfull {want:?}", ctx())),
    }
    // The next point reuses this one's scenario (`PointBuilder::recycle`): the points compared
    // after the first are built from spent points, not from the base.
    if let Ok(g) = got {
        b.recycle(g.scenario);
    }
    match (&checked, &want) {
        (Ok(()), Ok(_)) => Ok(()),
        (Err(c), Err(w)) if c.to_string() == w.to_string() => Ok(()),
        _ => Err(format!(
            "{}: check {checked:?} but full {:?}",
            ctx(),
            want.is_ok()
        )),
    }
}

/// Values at and across every rule's edges, and the kinds a sweep meets.
const EDGES: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    0.5,
    1e-12,
    0.999_999_999_999,
    1.000_000_1,
    -1e-300,
    -0.1,
    2.5,
    7.0,
    30.0,
    365.0,
    1e6,
    1e300,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MIN_POSITIVE,
];

#[test]
fn every_path_of_every_scenario_alone_at_edges_and_random_values() {
    let mut r = crate::rng::trial_rng(13, 0);
    let mut patched = 0;
    let mut total = 0;
    for doc in documents() {
        for p in doc.paths() {
            let path = ParamPath::parse(&p).expect("listed paths parse");
            if doc.check_path(&path).is_err() {
                continue;
            }
            let b = PointBuilder::new(&doc, std::slice::from_ref(&path)).expect("a valid path");
            total += 1;
            patched += usize::from(b.is_patched());
            if !b.is_patched() {
                // Both routes are the full compile: nothing to compare beyond one value.
                same(&b, 0, &[0.5]).unwrap();
                continue;
            }
            let mut values: Vec<f64> = EDGES.to_vec();
            if let Ok(Some(now)) = doc.value_at(&path) {
                values.push(now);
            }
            for _ in 0..3 {
                values.push(-0.5 + 2.0 * crate::rng::uniform(&mut r));
                values.push((100.0 * crate::rng::uniform(&mut r)).floor());
            }
            for (i, x) in values.into_iter().enumerate() {
                if let Err(e) = same(&b, i as u64, &[x]) {
                    panic!("{} ({}): {e}", p, doc.label());
                }
            }
        }
    }
    // Most paths are the patchable kinds (party and action willingness, trust, shocks).
    assert!(patched * 2 > total, "{patched} of {total} paths patched");
}

#[test]
fn the_calibration_paths_are_patched_and_day_fields_fall_back() {
    let doc = Document::from_text("second-phase-2007.toml", DEFAULT).unwrap();
    let builder = |ps: &[&str]| {
        let paths: Vec<ParamPath> = ps.iter().map(|p| ParamPath::parse(p).unwrap()).collect();
        PointBuilder::new(&doc, &paths).unwrap()
    };
    for p in [
        "party.DPRK.compliance",
        "party.DPRK.reciprocity",
        "party.US.walkout_trust",
        "party.DPRK.suspend_trust",
        "defaults.trust_loss",
        "party.JPN.trust.DPRK",
        "shock.banking-dispute.rate_per_year",
        "shock.banking-dispute.trust_drop",
    ] {
        assert!(builder(&[p]).is_patched(), "{p}");
    }
    // Whole days move dates and best cases: compiled in full.
    assert!(!builder(&["scenario.review_every_days"]).is_patched());
    assert!(!builder(&["party.DPRK.review_every_days"]).is_patched());
    // Two paths setting one field (DPRK inherits the default): order matters, so in full,
    // and still exact.
    let b = builder(&["defaults.compliance", "party.DPRK.compliance"]);
    let inherits = doc
        .value_at(&ParamPath::parse("party.DPRK.compliance").unwrap())
        .unwrap()
        .is_none();
    assert_eq!(b.is_patched(), !inherits);
    same(&b, 3, &[0.2, 0.9]).unwrap();
    // One value per path.
    assert!(b.point(0, &[0.2]).is_err());
    assert!(b.check(0, &[0.2, 0.3, 0.4]).is_err());
}

#[test]
fn the_error_names_the_point_and_the_parameter() {
    let doc = Document::from_text("second-phase-2007.toml", DEFAULT).unwrap();
    let paths = [
        ParamPath::parse("party.DPRK.compliance").unwrap(),
        ParamPath::parse("party.US.reciprocity").unwrap(),
    ];
    let b = PointBuilder::new(&doc, &paths).unwrap();
    let e = b.point(7, &[0.5, -1.0]).unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("sweep point 7 (party.DPRK.compliance=0.5, party.US.reciprocity=-1)"),
        "{m}"
    );
    assert!(m.contains("reciprocity = -1 must be a number >= 0"), "{m}");
    assert_eq!(e.exit_code(), 2);
}

/// Every (document, path) pair of the bundled scenarios.
fn all_pairs() -> &'static [(Document, Vec<ParamPath>)] {
    static PAIRS: std::sync::OnceLock<Vec<(Document, Vec<ParamPath>)>> = std::sync::OnceLock::new();
    PAIRS.get_or_init(|| {
        documents()
            .into_iter()
            .map(|d| {
                let paths = d
                    .paths()
                    .iter()
                    .filter_map(|p| ParamPath::parse(p).ok())
                    .filter(|p| d.check_path(p).is_ok())
                    .collect();
                (d, paths)
            })
            .collect()
    })
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 0.0..=1.0f64,
        2 => -0.5..1.5f64,
        1 => (0u32..400).prop_map(f64::from),
        1 => proptest::sample::select(EDGES.to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Several paths at once, any values: patched or not, the full compile's point.
    #[test]
    fn several_paths_patched_equal_full(
        doc in 0usize..6,
        picks in proptest::collection::vec((any::<proptest::sample::Index>(), value()), 1..5),
        index in 0u64..1000,
    ) {
        let (d, paths) = &all_pairs()[doc];
        let mut chosen: Vec<ParamPath> = Vec::new();
        let mut values = Vec::new();
        for (i, x) in &picks {
            let p = i.get(paths).clone();
            if !chosen.contains(&p) {
                chosen.push(p);
                values.push(*x);
            }
        }
        let b = PointBuilder::new(d, &chosen).unwrap();
        if let Err(e) = same(&b, index, &values) {
            return Err(TestCaseError::fail(e));
        }
    }
}
