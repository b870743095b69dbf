//! One test per kind of bad scenario file: each error names the file, the line and column
//! where there is one, and the id or field at fault.

use crate::common::*;

const GOOD: &str = r#"[scenario]
name = "t"
start = "2007-10-03"
horizon = "2008-12-31"

[[party]]
id = "A"
[[party]]
id = "B"

[[phase]]
id = "p"
[[phase]]
id = "q"
after = ["p"]

[[action]]
id = "x"
party = "A"
phase = "p"
[[action]]
id = "y"
party = ["A", "B"]
phase = "q"
requires = ["x"]
"#;

/// The error message for a file, which must fail to compile.
fn err(text: &str) -> String {
    match negsim::scenario::from_str(text, "bad.toml") {
        Ok(_) => panic!("compiled but should not:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn assert_has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} lacks {p:?}");
    }
}

#[test]
fn the_good_file_compiles() {
    let s = scenario(GOOD);
    assert_eq!(s.horizon, 455);
    assert_eq!(s.actions[1].actors, vec![0, 1]);
}

#[test]
fn toml_syntax_error_has_line_and_column() {
    let m = err(&GOOD.replace("id = \"B\"", "id = \"B"));
    assert_has(&m, &["bad.toml:9:"]);
}

#[test]
fn unknown_key_is_a_typo_with_position() {
    let m = err(&GOOD.replace(
        "id = \"A\"\n[[party]]",
        "id = \"A\"\ncomplience = 0.5\n[[party]]",
    ));
    assert_has(&m, &["bad.toml:8:1", "complience", "compliance"]);
}

#[test]
fn unknown_table_is_rejected() {
    let m = err(&format!("{GOOD}\n[[actor]]\nid = \"z\"\n"));
    assert_has(&m, &["actor"]);
}

#[test]
fn unknown_party_in_an_action() {
    let m = err(&GOOD.replace("party = \"A\"", "party = \"DPRKK\""));
    assert_has(
        &m,
        &[
            "bad.toml:19:",
            "action `x`",
            "party `DPRKK`",
            "declared parties: A, B",
        ],
    );
}

#[test]
fn unknown_phase_in_an_action() {
    let m = err(&GOOD.replace("phase = \"p\"\n[[action]]", "phase = \"nope\"\n[[action]]"));
    assert_has(&m, &["action `x`", "phase `nope`", "p, q"]);
}

#[test]
fn unknown_action_in_requires() {
    let m = err(&GOOD.replace("requires = [\"x\"]", "requires = [\"xx@started\"]"));
    assert_has(&m, &["bad.toml:25:", "action `y`: requires", "action `xx`"]);
}

#[test]
fn unknown_phase_in_after() {
    let m = err(&GOOD.replace("after = [\"p\"]", "after = [\"pp\"]"));
    assert_has(&m, &["phase `q`: after", "`pp`"]);
}

#[test]
fn unknown_party_in_a_shock() {
    let m = err(&format!(
        "{GOOD}\n[[shock]]\nid = \"s\"\nrate_per_year = 1\nfrom = [\"A\"]\ntoward = [\"C\"]\ntrust_drop = 0.1\n"
    ));
    assert_has(&m, &["shock `s`: toward", "party `C`"]);
    let m = err(&format!(
        "{GOOD}\n[[shock]]\nid = \"s\"\nrate_per_year = 1\npause = [\"Z\"]\npause_days = 3\n"
    ));
    assert_has(&m, &["shock `s`: pause", "party `Z`"]);
}

#[test]
fn unknown_party_in_trust_overrides() {
    let m = err(&GOOD.replace(
        "id = \"A\"\n[[party]]",
        "id = \"A\"\ntrust = { US = 0.3 }\n[[party]]",
    ));
    assert_has(&m, &["bad.toml:8:", "party `A`: trust", "party `US`"]);
}

#[test]
fn unknown_action_in_requires_at_least() {
    let m = err(&GOOD.replace(
        "requires = [\"x\"]",
        "requires_at_least = { n = 1, of = [\"x\", \"w\"] }",
    ));
    assert_has(&m, &["requires_at_least.of", "action `w`"]);
}

#[test]
fn duplicate_ids() {
    let m = err(&GOOD.replace("id = \"B\"", "id = \"A\""));
    assert_has(&m, &["bad.toml:9:", "party `A` is declared twice"]);
    let m = err(&GOOD.replace("id = \"y\"", "id = \"x\""));
    assert_has(&m, &["action `x` is declared twice"]);
}

#[test]
fn requirement_cycles() {
    let m = err(&GOOD.replace("requires = [\"x\"]", "requires = [\"y\"]"));
    assert_has(&m, &["action `y` requires itself", "cycle"]);
    let m = err(&(GOOD
        .replace(
            "phase = \"q\"\nrequires = [\"x\"]",
            "phase = \"p\"\nrequires = [\"x\"]",
        )
        .replace(
            "party = \"A\"\nphase = \"p\"",
            "party = \"A\"\nphase = \"p\"\nrequires = [\"y@started\"]",
        )
        .replace("after = [\"p\"]\n", "")
        + "[[action]]\nid = \"w\"\nparty = \"A\"\nphase = \"q\"\n"));
    assert_has(&m, &["requirement cycle: x -> y -> x"]);
}

#[test]
fn phase_cycles() {
    let m = err(&GOOD.replace(
        "[[phase]]\nid = \"p\"\n",
        "[[phase]]\nid = \"p\"\nafter = [\"q\"]\n",
    ));
    assert_has(&m, &["phase cycle: p -> q -> p"]);
}

#[test]
fn values_out_of_range() {
    let m = err(&GOOD.replace(
        "id = \"A\"\n[[party]]",
        "id = \"A\"\ncompliance = 1.5\n[[party]]",
    ));
    assert_has(&m, &["party `A`: compliance = 1.5 is outside [0, 1]"]);
    let m = err(&GOOD.replace(
        "horizon = \"2008-12-31\"",
        "horizon = \"2008-12-31\"\nreview_every_days = 0",
    ));
    assert_has(&m, &["review_every_days = 0 is outside [1,"]);
    let m = err(&GOOD.replace(
        "id = \"A\"\n[[party]]",
        "id = \"A\"\nreciprocity = -1\n[[party]]",
    ));
    assert_has(&m, &["reciprocity = -1 must be a number >= 0"]);
    let m = err(&format!("{GOOD}\n[defaults]\ntrust_loss = 2\n"));
    assert_has(&m, &["[defaults] trust_loss = 2 is outside [0, 1]"]);
    let m = err(&format!(
        "{GOOD}\n[[shock]]\nid = \"s\"\nrate_per_year = -1\n"
    ));
    assert_has(&m, &["shock `s`: rate_per_year = -1"]);
}

#[test]
fn bad_durations() {
    let m = err(&GOOD.replace(
        "phase = \"p\"\n[[action]]",
        "phase = \"p\"\nduration = { uniform = [9, 3] }\n[[action]]",
    ));
    assert_has(
        &m,
        &["action `x`: duration uniform = [9, 3] needs 0 <= a <= b"],
    );
    let m = err(&GOOD.replace(
        "phase = \"p\"\n[[action]]",
        "phase = \"p\"\nduration = { lognormal = { median = 10, sigma = -0.5 } }\n[[action]]",
    ));
    assert_has(&m, &["lognormal sigma = -0.5 must be >= 0"]);
    let m = err(&GOOD.replace(
        "phase = \"p\"\n[[action]]",
        "phase = \"p\"\nduration = { triangular = [1, 9, 3] }\n[[action]]",
    ));
    assert_has(
        &m,
        &["triangular = [1, 9, 3] needs 0 <= min <= mode <= max"],
    );
    let m = err(&GOOD.replace(
        "phase = \"p\"\n[[action]]",
        "phase = \"p\"\nduration = { weibull = 3 }\n[[action]]",
    ));
    assert_has(&m, &["weibull"]);
    let m = err(&GOOD.replace(
        "phase = \"p\"\n[[action]]",
        "phase = \"p\"\nduration = { fixed = -2 }\n[[action]]",
    ));
    assert_has(&m, &["fixed = -2"]);
    // A table of two forms, of none, or a bare number: the forms are listed.
    for bad in [
        "{ kind = \"triangular\", min = 1 }",
        "{}",
        "5",
        "{ fixed = 2, uniform = [1, 3] }",
    ] {
        let m = err(&GOOD.replace(
            "phase = \"p\"\n[[action]]",
            &format!("phase = \"p\"\nduration = {bad}\n[[action]]"),
        ));
        assert!(
            m.contains("bad.toml:21:12: `duration`: ")
                && m.contains("{ triangular = [10, 20, 45] }")
                || m.contains("unknown variant `kind`"),
            "{bad}: {m}"
        );
    }
}

/// An error in a value an overlay wrote is at the overlay's line and column; one the base
/// wrote, at the base's; an overlay may not give an id twice or an entry without one.
#[test]
fn overlay_errors_point_into_the_file_that_wrote_them() {
    let doc = |overlays: &[&str]| {
        let mut d = negsim::scenario::Document::from_text("base.toml", GOOD).unwrap();
        for (n, o) in overlays.iter().enumerate() {
            d.apply_overlay(&format!("o{n}.toml"), o)?;
        }
        d.compile()
    };
    let m = doc(&["# a comment\n[[party]]\nid = \"B\"\ncompliance = 1.7\n"])
        .unwrap_err()
        .to_string();
    assert_has(&m, &["o0.toml:4:14: party `B`: compliance = 1.7"]);
    // The later overlay's value, when two set it.
    let m = doc(&[
        "[[party]]\nid = \"B\"\ncompliance = 0.2\n",
        "\n\n[[party]]\nid = \"B\"\ncompliance = -1\n",
    ])
    .unwrap_err()
    .to_string();
    assert_has(&m, &["o1.toml:5:14: party `B`: compliance = -1"]);
    // A reference an overlay adds, and a new entry's duration.
    let m = doc(&["[[action]]\nid = \"y\"\nrequires = [\"x\", \"nope\"]\n"])
        .unwrap_err()
        .to_string();
    assert_has(&m, &["o0.toml:3:18: action `y`", "`nope`"]);
    let m = doc(&[
        "[[action]]\nid = \"z\"\nparty = \"B\"\nphase = \"q\"\nduration = { triangular = [5, 2, 1] }\n",
    ])
    .unwrap_err()
    .to_string();
    assert_has(
        &m,
        &["o0.toml:5:", "action `z`: duration triangular = [5, 2, 1]"],
    );
    // A fault in the base that an overlay leaves alone is still the base's.
    let bad_base = GOOD.replace("after = [\"p\"]", "after = [\"nowhere\"]");
    let mut d = negsim::scenario::Document::from_text("base.toml", &bad_base).unwrap();
    d.apply_overlay("o.toml", "[[party]]\nid = \"B\"\ncompliance = 0.2\n")
        .unwrap();
    let m = d.compile().unwrap_err().to_string();
    assert_has(&m, &["base.toml:15:10:", "`nowhere`"]);
    // Ids in one overlay: once each, and always there.
    let m = doc(&["[[party]]\nid = \"B\"\ncompliance = 0.2\n[[party]]\nid = \"B\"\n"])
        .unwrap_err()
        .to_string();
    assert_has(
        &m,
        &["o0.toml:5:6: party `B` is given twice in this overlay (first on line 2)"],
    );
    let m = doc(&["[[phase]]\nafter = [\"p\"]\n"])
        .unwrap_err()
        .to_string();
    assert_has(&m, &["o0.toml:1:1:", "[[phase]] has no id"]);
    // An error about a whole entry is the first file's with which the scenario fails: an
    // overlay that only renames the entry is not blamed for the base's fault, and one that
    // causes the fault is.
    let layered = |base: &str, overlays: &[&str]| {
        let mut d = negsim::scenario::Document::from_text("base.toml", base).unwrap();
        for (n, o) in overlays.iter().enumerate() {
            d.apply_overlay(&format!("o{n}.toml"), o).unwrap();
        }
        d.compile().unwrap_err().to_string()
    };
    let rename = "[[shock]]\nid = \"s\"\nname = \"renamed\"\n";
    let bad_base = shock("rate_per_year = 1\npause = [\"A\"]\n");
    let m = layered(&bad_base, &[rename]);
    assert_has(&m, &["base.toml:", "shock `s`: pause needs pause_days"]);
    let good_base = shock("rate_per_year = 1\n");
    let m = layered(
        &good_base,
        &[rename, "[[shock]]\nid = \"s\"\npause = [\"A\"]\n"],
    );
    assert_has(&m, &["o1.toml:", "shock `s`: pause needs pause_days"]);
}

#[test]
fn dates_before_the_start() {
    let m = err(&GOOD.replace("horizon = \"2008-12-31\"", "horizon = \"2007-01-01\""));
    assert_has(
        &m,
        &[
            "bad.toml:4:",
            "horizon 2007-01-01 is before the start 2007-10-03",
        ],
    );
    let m = err(&GOOD.replace(
        "phase = \"p\"\n[[action]]",
        "phase = \"p\"\ndeadline = \"2007-09-30\"\n[[action]]",
    ));
    assert_has(
        &m,
        &["action `x`: deadline 2007-09-30 is before the scenario start 2007-10-03"],
    );
    let m = err(&GOOD.replace("horizon = \"2008-12-31\"", "horizon_days = -3"));
    assert_has(&m, &["horizon_days = -3"]);
    let m = err(&GOOD.replace("start = \"2007-10-03\"", "start = \"2007-13-03\""));
    assert_has(&m, &["\"2007-13-03\" is not a date", "YYYY-MM-DD"]);
}

#[test]
fn requires_at_least_asking_for_more_than_it_lists() {
    let m = err(&GOOD.replace(
        "requires = [\"x\"]",
        "requires_at_least = { n = 3, of = [\"x\"] }",
    ));
    assert_has(
        &m,
        &["action `y`: requires_at_least asks for n = 3 of 1 listed"],
    );
}

#[test]
fn phase_with_no_action() {
    let m = err(&GOOD.replace(
        "[[phase]]\nid = \"q\"",
        "[[phase]]\nid = \"empty\"\n[[phase]]\nid = \"q\"",
    ));
    assert_has(&m, &["phase `empty` holds no action"]);
}

#[test]
fn missing_or_empty_scenario_table() {
    let m = err(&GOOD.replace(
        "[scenario]\nname = \"t\"\nstart = \"2007-10-03\"\nhorizon = \"2008-12-31\"\n",
        "",
    ));
    assert_has(&m, &["[scenario] table is missing"]);
    let m = err(&GOOD.replace(
        "name = \"t\"\nstart = \"2007-10-03\"\nhorizon = \"2008-12-31\"\n",
        "",
    ));
    assert_has(&m, &["bad.toml:1:1", "[scenario] name is missing"]);
    let m = err("");
    assert_has(&m, &["[scenario] table is missing"]);
}

#[test]
fn an_action_no_trial_could_make_due() {
    // y (phase q, which starts after p) is required by x in phase p: a deadlock.
    let m = err(&GOOD.replace("requires = [\"x\"]", "").replace(
        "party = \"A\"\nphase = \"p\"",
        "party = \"A\"\nphase = \"p\"\nrequires = [\"y\"]",
    ));
    assert_has(&m, &["can never become due"]);
    // A phase that starts after the horizon.
    let m = err(&GOOD.replace("after = [\"p\"]", "start = \"2009-06-01\""));
    assert_has(&m, &["action `y` cannot become due before the horizon"]);
}

#[test]
fn quantity_and_unit_go_together() {
    let m = err(&GOOD.replace(
        "phase = \"p\"\n[[action]]",
        "phase = \"p\"\nquantity = 5\n[[action]]",
    ));
    assert_has(&m, &["action `x`: quantity needs a unit"]);
}

#[test]
fn bad_file_exits_with_code_2_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("typo.toml");
    std::fs::write(&f, GOOD.replace("party = \"A\"", "party = \"Q\"")).unwrap();
    let out = negsim()
        .args(["run"])
        .arg(&f)
        .arg("--out")
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("typo.toml:19:"), "{err}");
    assert!(!err.contains("sweep point"), "{err}");
    assert!(!dir.path().join("o").join("manifest.json").exists());
}

#[test]
fn a_start_too_late_for_the_calendar_is_an_error_not_a_panic() {
    let m = err(&GOOD
        .replace("start = \"2007-10-03\"", "start = \"+262100-01-01\"")
        .replace("horizon = \"2008-12-31\"", "horizon_days = 900000"));
    // Refused by the year range of dates, before the calendar's end is reached.
    assert_has(&m, &["bad.toml:3:", "outside the years 0000 to 9999"]);
    let m = err(&GOOD
        .replace("start = \"2007-10-03\"", "start = \"9000-01-01\"")
        .replace("horizon = \"2008-12-31\"", "horizon_days = 900000"));
    assert_has(&m, &["bad.toml:3:", "after 9999-12-31"]);
}

// ---- model 0.3 fields (docs/MODEL.md 2.11-2.15). Text appended to GOOD lands in action `y`
// (line 26 on).

fn shock(body: &str) -> String {
    format!("{GOOD}\n[[shock]]\nid = \"s\"\n{body}")
}

#[test]
fn suspend_trust_out_of_range() {
    let m = err(&GOOD.replace("id = \"A\"\n", "id = \"A\"\nsuspend_trust = 1.5\n"));
    assert_has(
        &m,
        &["bad.toml:8:17", "party `A`: suspend_trust = 1.5", "[0, 1]"],
    );
    let m = err(&GOOD.replace(
        "[[party]]\nid = \"A\"",
        "[defaults]\nsuspend_trust = -0.1\n[[party]]\nid = \"A\"",
    ));
    assert_has(
        &m,
        &["bad.toml:7:17", "[defaults] suspend_trust = -0.1", "[0, 1]"],
    );
}

#[test]
fn observer_is_per_party_not_a_default() {
    let m = err(&GOOD.replace(
        "[[party]]\nid = \"A\"",
        "[defaults]\nobserver = true\n[[party]]\nid = \"A\"",
    ));
    assert_has(&m, &["bad.toml:7:12", "[defaults] observer", "per party"]);
    let m = err(&GOOD.replace("id = \"A\"\n", "id = \"A\"\nobserver = \"yes\"\n"));
    assert_has(&m, &["bad.toml:8:", "bool"]);
}

#[test]
fn willingness_table_names_a_party_that_is_not_an_actor() {
    let m = err(&format!("{GOOD}compliance = {{ A = 0.5, C = 0.5 }}\n"));
    assert_has(
        &m,
        &[
            "bad.toml:26:",
            "action `y`: compliance names `C`",
            "its actors: A, B",
        ],
    );
    let m = err(&GOOD.replace(
        "party = \"A\"\n",
        "party = \"A\"\nreciprocity = { B = 1 }\n",
    ));
    assert_has(&m, &["action `x`: reciprocity names `B`", "its actors: A"]);
}

#[test]
fn willingness_out_of_range() {
    let m = err(&format!("{GOOD}compliance = 1.5\n"));
    assert_has(
        &m,
        &["bad.toml:26:", "action `y`: compliance = 1.5", "[0, 1]"],
    );
    let m = err(&format!("{GOOD}reciprocity = {{ B = -1 }}\n"));
    assert_has(&m, &["action `y`: reciprocity.B = -1", ">= 0"]);
    let m = err(&format!("{GOOD}compliance = \"high\"\n"));
    assert_has(&m, &["bad.toml:26:", "a number, or a table of actor ids"]);
}

#[test]
fn day_number_deadline_must_be_whole_and_not_negative() {
    let m = err(&format!("{GOOD}deadline = -3\n"));
    assert_has(&m, &["bad.toml:26:12", "action `y`: deadline = -3", ">= 0"]);
    let m = err(&format!("{GOOD}deadline = 2.5\n"));
    assert_has(&m, &["bad.toml:26:", "not a whole number of days"]);
    let m = err(&format!("{GOOD}deadline = \"2007-01-01\"\n"));
    assert_has(
        &m,
        &["action `y`: deadline 2007-01-01 is before the scenario start"],
    );
}

#[test]
fn relative_deadline_names_an_unknown_action() {
    let m = err(&format!("{GOOD}deadline = {{ after = \"z\", days = 5 }}\n"));
    assert_has(
        &m,
        &["bad.toml:26:12", "action `z`", "declared actions: x, y"],
    );
}

#[test]
fn relative_deadline_after_itself_needs_started() {
    let m = err(&format!("{GOOD}deadline = {{ after = \"y\", days = 5 }}\n"));
    assert_has(
        &m,
        &[
            "bad.toml:26:",
            "action `y`: deadline",
            "after = \"y@started\"",
        ],
    );
    scenario(&format!(
        "{GOOD}deadline = {{ after = \"y@started\", days = 5 }}\n"
    ));
}

#[test]
fn relative_deadline_days_required_whole_not_negative() {
    let m = err(&format!("{GOOD}deadline = {{ after = \"x\" }}\n"));
    assert_has(
        &m,
        &["bad.toml:26:", "days is missing", "after `x` is done"],
    );
    for bad in ["-1", "1.5", "\"3\""] {
        let m = err(&format!(
            "{GOOD}deadline = {{ after = \"x\", days = {bad} }}\n"
        ));
        assert_has(&m, &["bad.toml:26:", "days = ", "whole number of days"]);
    }
    let m = err(&format!("{GOOD}deadline = {{ after = \"x\", day = 3 }}\n"));
    assert_has(&m, &["unknown key `day`", "only `after` and `days`"]);
    let m = err(&format!(
        "{GOOD}deadline = {{ after = \"x@done\", days = 3 }}\n"
    ));
    assert_has(&m, &["after = \"x@done\" is not valid"]);
}

#[test]
fn relapse_interval_must_be_whole_and_not_negative() {
    let m = err(&format!("{GOOD}relapse_every_days = -7\n"));
    assert_has(
        &m,
        &[
            "bad.toml:26:",
            "action `y`: relapse_every_days = -7",
            "[0, ",
        ],
    );
    let m = err(&GOOD.replace("horizon = ", "relapse_every_days = 2.5\nhorizon = "));
    assert_has(
        &m,
        &[
            "bad.toml:4:",
            "`relapse_every_days`: invalid type: floating point `2.5`, expected a whole number",
        ],
    );
    let m = err(&GOOD.replace("horizon = ", "relapse_every_days = -1\nhorizon = "));
    assert_has(&m, &["[scenario] relapse_every_days = -1"]);
}

#[test]
fn shock_with_both_rate_and_trigger() {
    let m = err(&shock("rate_per_year = 1\non = { lapse = \"x\" }\n"));
    assert_has(
        &m,
        &["bad.toml:30:", "shock `s` gives both rate_per_year and on"],
    );
}

#[test]
fn shock_with_neither_rate_nor_trigger() {
    let m = err(&shock("trust_drop = 0.1\n"));
    assert_has(&m, &["shock `s`: rate_per_year is missing", "on = { lapse"]);
}

#[test]
fn trigger_needs_exactly_one_known_event_and_action() {
    let m = err(&shock("on = { lapse = \"x\", done = \"y\" }\n"));
    assert_has(&m, &["bad.toml:29:", "exactly one key", "not 2"]);
    let m = err(&shock("on = {}\n"));
    assert_has(&m, &["exactly one key", "not 0"]);
    let m = err(&shock("on = { finished = \"x\" }\n"));
    assert_has(&m, &["bad.toml:29:", "finished", "lapse"]);
    let m = err(&shock("on = { done = \"xx\" }\n"));
    assert_has(
        &m,
        &["bad.toml:29:", "shock `s`: on", "action `xx`", "x, y"],
    );
}

#[test]
fn chance_only_with_a_trigger_and_in_range() {
    let m = err(&shock("rate_per_year = 1\nchance = 0.5\n"));
    assert_has(&m, &["bad.toml:30:", "shock `s`: chance goes with on"]);
    let m = err(&shock("on = { started = \"x\" }\nchance = 1.5\n"));
    assert_has(&m, &["bad.toml:30:", "shock `s`: chance = 1.5", "[0, 1]"]);
}

#[test]
fn day_number_windows() {
    let ok = scenario(&shock("rate_per_year = 1\nwindow = [90, \"2008-03-01\"]\n"));
    assert_eq!(
        (ok.shocks[0].window_first, ok.shocks[0].window_last),
        (90, 150)
    );
    let m = err(&shock("rate_per_year = 1\nwindow = [-5, 100]\n"));
    assert_has(&m, &["bad.toml:30:", "shock `s`: window = -5", ">= 0"]);
    let m = err(&shock("rate_per_year = 1\nwindow = [10.5, 100]\n"));
    assert_has(&m, &["not a whole number of days"]);
    let m = err(&shock(
        "rate_per_year = 1\nwindow = [200, \"2007-11-01\"]\n",
    ));
    assert_has(&m, &["window ends (2007-11-01) before it begins (day 200)"]);
}
