//! Generated scenarios for the scaling benchmarks: any number of actions over any number of
//! parties, with deadlines and a shock, so that a trial's cost can be measured as a scenario
//! grows. Shared by `benches/engine.rs`, `benches/scaling.rs` and `examples/trials_driver.rs`
//! (its `gen:ACTIONS:PARTIES` argument); kept in a folder so that cargo does not take it for
//! a benchmark of its own.

/// A generated scenario: `actions` actions over `parties` parties in 5 phases, each action
/// requiring up to two earlier ones, a fifth of them joint, with deadlines and two shocks.
#[allow(dead_code)]
pub fn generated(actions: usize, parties: usize) -> String {
    let mut t = String::from(
        "[scenario]\nname = \"generated\"\nstart = \"2007-10-03\"\nhorizon_days = 1500\n\n[defaults]\ncompliance = 0.6\nreciprocity = 1.0\ninitial_trust = 0.6\nwalkout_trust = 0.2\n",
    );
    for i in 0..parties {
        t.push_str(&format!("\n[[party]]\nid = \"P{i}\"\n"));
    }
    for k in 0..5 {
        t.push_str(&format!("\n[[phase]]\nid = \"ph{k}\"\n"));
        if k > 0 {
            t.push_str(&format!("after = [\"ph{}\"]\nlag_days = 7\n", k - 1));
        }
    }
    for a in 0..actions {
        let phase = a * 5 / actions;
        let first_of_phase = (phase * actions).div_ceil(5);
        let actor = (a * 7) % parties;
        let party = if a % 5 == 0 {
            format!("[\"P{actor}\", \"P{}\"]", (actor + 1) % parties)
        } else {
            format!("\"P{actor}\"")
        };
        t.push_str(&format!(
            "\n[[action]]\nid = \"a{a}\"\nparty = {party}\nphase = \"ph{phase}\"\nduration = {{ triangular = [2, 10, 30] }}\n"
        ));
        let mut reqs = Vec::new();
        for back in [1, 3] {
            if a >= first_of_phase + back {
                reqs.push(format!("\"a{}\"", a - back));
            }
        }
        if !reqs.is_empty() {
            t.push_str(&format!("requires = [{}]\n", reqs.join(", ")));
        }
        if a % 4 == 0 {
            t.push_str(&format!(
                "deadline = \"{}\"\n",
                [
                    "2008-03-01",
                    "2008-09-01",
                    "2009-03-01",
                    "2009-09-01",
                    "2010-06-01"
                ][phase]
            ));
        }
    }
    t.push_str(
        "\n[[shock]]\nid = \"s1\"\nrate_per_year = 0.5\nfrom = [\"P0\"]\ntoward = [\"P1\"]\ntrust_drop = 0.3\npause = [\"P0\"]\npause_days = 30\n",
    );
    t
}
