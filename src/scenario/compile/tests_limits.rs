//! Limits that keep every output well formed: dates written with four-digit years, units
//! that name columns and observables, quantities whose sums stay finite.

const BASE: &str = r#"[scenario]
name = "t"
start = "START"
horizon_days = HORIZON

[[party]]
id = "A"

[[phase]]
id = "p"

[[action]]
id = "x"
party = "A"
phase = "p"
quantity = Q1
unit = "UNIT"

[[action]]
id = "y"
party = "A"
phase = "p"
quantity = Q2
unit = "t"
"#;

fn text(start: &str, horizon: &str, unit: &str, q1: &str, q2: &str) -> String {
    BASE.replace("START", start)
        .replace("HORIZON", horizon)
        .replace("UNIT", unit)
        .replace("Q1", q1)
        .replace("Q2", q2)
}

fn refusal(t: &str) -> String {
    match crate::scenario::from_str(t, "t.toml") {
        Ok(_) => panic!("accepted:\n{t}"),
        Err(e) => e.to_string(),
    }
}

fn accepted(t: &str) {
    crate::scenario::from_str(t, "t.toml").unwrap_or_else(|e| panic!("{e}\n{t}"));
}

#[test]
fn dates_are_in_the_years_0000_to_9999() {
    accepted(&text("0000-01-01", "10", "t", "1", "1"));
    // The last day may be 9999-12-31, not a day later.
    accepted(&text("9999-12-21", "10", "t", "1", "1"));
    let e = refusal(&text("9999-12-21", "11", "t", "1", "1"));
    assert!(
        e.contains("t.toml:3:9") && e.contains("after 9999-12-31"),
        "{e}"
    );
    let e = refusal(&text("-0001-10-03", "10", "t", "1", "1"));
    assert!(
        e.contains("t.toml:3:9") && e.contains("0000 to 9999"),
        "{e}"
    );
    let e = refusal(&text("+10000-01-01", "10", "t", "1", "1"));
    assert!(e.contains("0000 to 9999"), "{e}");
}

#[test]
fn a_unit_has_no_at_sign_and_no_control_character() {
    accepted(&text("2007-10-03", "10", "t HFO, \\\"net\\\"", "1", "1"));
    for bad in ["t\\nx", "t@x", "t\\tx", "t\\u0000"] {
        let e = refusal(&text("2007-10-03", "10", bad, "1", "1"));
        assert!(
            e.contains("t.toml:17:8") && e.contains("may not contain"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn the_quantities_of_a_unit_add_up_to_at_most_1e15() {
    accepted(&text("2007-10-03", "10", "t", "5e14", "5e14"));
    // Other units do not count.
    accepted(&text("2007-10-03", "10", "kt", "1e15", "1e15"));
    let e = refusal(&text("2007-10-03", "10", "t", "5e14", "5.000001e14"));
    assert!(
        e.contains("t.toml:23:12") && e.contains("at most 1e15"),
        "{e}"
    );
    let e = refusal(&text("2007-10-03", "10", "t", "1e308", "1"));
    assert!(e.contains("t.toml:16:12"), "{e}");
}
