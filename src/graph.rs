//! `negsim graph`: the action-for-action links of a scenario as a Graphviz DOT graph.
//!
//! One cluster per phase (labelled with its name and how it starts), one node per action
//! filled with its party's colour (a fixed palette by party index, shown in a legend); a joint
//! action has a double border and a band of cells, one per actor in the actor's colour.
//! A solid edge means "requires that action done", a dashed one "requires that action
//! started" (`@started`); a `requires_at_least` is a small diamond `≥ n of m` with an edge
//! from each listed action into it and one from it to the action. Bold grey edges between
//! clusters show phases that start after others. A relative deadline (model 0.3) is a dotted
//! red edge `deadline +n d` from the action it counts from; a triggered shock is an octagon
//! with an edge from its action labelled `lapse|done|started, chance p`. Render with
//! `dot -Tsvg`.
//!
//! ```
//! use negsim::{graph, scenario};
//!
//! let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "second-phase-2007.toml").unwrap();
//! let dot = graph::dot(&s);
//! assert!(dot.starts_with("digraph"));
//! assert_eq!(dot.matches("subgraph \"cluster_phase_").count(), s.phases.len());
//! ```

use crate::model::{PhaseStart, Scenario, TriggerEvent};
use std::fmt::Write as _;

/// Fill colours by party index (ColorBrewer Set3: light, distinct, readable under black
/// text); party `i` gets `PALETTE[i % PALETTE.len()]`.
pub const PALETTE: &[&str] = &[
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
    "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
];

/// The fill colour of party `i`.
pub fn party_colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// A DOT quoted string: `"` and `\` escaped, newlines as `\n`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text escaped for a Graphviz HTML-like label.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The HTML-like label of a joint action: its id, then one cell per actor in the actor's
/// colour, then its deadline and quantity.
fn joint_label(s: &Scenario, k: usize) -> String {
    let a = &s.actions[k];
    let n = a.actors.len();
    let mut l = format!(
        "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"2\"><TR><TD COLSPAN=\"{n}\">{}</TD></TR><TR>",
        html_escape(&a.id)
    );
    for &i in &a.actors {
        let _ = write!(
            l,
            "<TD BGCOLOR=\"{}\"><FONT POINT-SIZE=\"9\">{}</FONT></TD>",
            party_colour(i),
            html_escape(&s.parties[i].id)
        );
    }
    l.push_str("</TR>");
    let mut extra = Vec::new();
    if let Some(d) = a.deadline {
        extra.push(format!("by {}", s.date(d)));
    }
    if let Some((u, q)) = a.quantity {
        extra.push(format!(
            "{} {}",
            crate::inspect::fmt_quantity(q),
            s.units[u]
        ));
    }
    for e in extra {
        let _ = write!(l, "<TR><TD COLSPAN=\"{n}\">{}</TD></TR>", html_escape(&e));
    }
    l.push_str("</TABLE>");
    l
}

fn action_node(id: &str) -> String {
    quote(&format!("action:{id}"))
}

fn at_least_node(id: &str) -> String {
    quote(&format!("at-least:{id}"))
}

/// The scenario's action-for-action links as a DOT digraph (see the [module docs](self)).
pub fn dot(s: &Scenario) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "digraph {} {{", quote(&s.name));
    let _ = writeln!(
        o,
        "  graph [rankdir=LR, compound=true, newrank=true, fontname=\"Helvetica\", fontsize=12, labelloc=t, nodesep=0.25, ranksep=0.5, label={}];",
        quote(&format!(
            "{}\naction-for-action links: solid = requires done, dashed = requires started",
            s.title
        ))
    );
    let _ = writeln!(
        o,
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, penwidth=1];"
    );
    let _ = writeln!(o, "  edge [color=\"#444444\", arrowsize=0.7];");

    // Phases and their actions.
    for (p, ph) in s.phases.iter().enumerate() {
        let start = match &ph.start {
            PhaseStart::Day(d) => format!("starts {}", s.date(*d)),
            PhaseStart::After { phases, lag } => {
                let names: Vec<&str> = phases.iter().map(|&q| s.phases[q].id.as_str()).collect();
                if *lag == 0 {
                    format!("starts when {} done", names.join(" + "))
                } else {
                    format!("starts {lag} days after {} done", names.join(" + "))
                }
            }
        };
        let _ = writeln!(o, "  subgraph \"cluster_phase_{p}\" {{");
        let _ = writeln!(
            o,
            "    label={}; style=\"rounded\"; color=\"#999999\"; fontsize=11;",
            quote(&format!("{}\n({})", ph.name, start))
        );
        for &k in &ph.actions {
            let a = &s.actions[k];
            let actors: Vec<&str> = a.actors.iter().map(|&i| s.parties[i].id.as_str()).collect();
            let mut label = format!("{}\n{}", a.id, actors.join(" + "));
            if let Some(d) = a.deadline {
                let _ = write!(label, "\nby {}", s.date(d));
            }
            if let Some((u, q)) = a.quantity {
                let _ = write!(
                    label,
                    "\n{} {}",
                    crate::inspect::fmt_quantity(q),
                    s.units[u]
                );
            }
            let node = if a.actors.len() > 1 {
                format!(
                    "shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", peripheries=2, margin=0.04, label=<{}>",
                    joint_label(s, k)
                )
            } else {
                format!(
                    "label={}, fillcolor={}",
                    quote(&label),
                    quote(party_colour(a.actors[0]))
                )
            };
            let _ = writeln!(
                o,
                "    {} [{node}, tooltip={}];",
                action_node(&a.id),
                quote(&a.name)
            );
            // The at-least diamond sits in the cluster of the action it gates.
            if let Some(al) = &a.at_least {
                let _ = writeln!(
                    o,
                    "    {} [shape=diamond, style=filled, fillcolor=\"#ffffff\", fontsize=9, width=0.3, height=0.3, margin=0.02, label={}, tooltip={}];",
                    at_least_node(&a.id),
                    quote(&format!("≥ {} of {}", al.n, al.of.len())),
                    quote(&format!(
                        "{} requires at least {} of these done",
                        a.id, al.n
                    ))
                );
            }
        }
        let _ = writeln!(o, "  }}");
    }

    // Requirement edges: from what is required to what requires it.
    for a in &s.actions {
        let to = action_node(&a.id);
        for &j in &a.requires_done {
            let _ = writeln!(o, "  {} -> {to};", action_node(&s.actions[j].id));
        }
        for &j in &a.requires_started {
            let _ = writeln!(
                o,
                "  {} -> {to} [style=dashed, tooltip=\"@started\"];",
                action_node(&s.actions[j].id)
            );
        }
        if let Some(al) = &a.at_least {
            let node = at_least_node(&a.id);
            for &j in &al.of {
                let _ = writeln!(o, "  {} -> {node};", action_node(&s.actions[j].id));
            }
            let _ = writeln!(o, "  {node} -> {to};");
        }
    }

    // Relative deadlines (docs/MODEL.md 2.12): a dotted edge from the action counted from.
    for a in &s.actions {
        if let Some(r) = a.relative_deadline {
            let from = if r.started { "start" } else { "done" };
            let _ = writeln!(
                o,
                "  {} -> {} [style=dotted, constraint=false, color=\"#b03030\", fontcolor=\"#b03030\", fontsize=9, label={}, tooltip={}];",
                action_node(&s.actions[r.after].id),
                action_node(&a.id),
                quote(&format!("deadline +{} d", r.days)),
                quote(&format!("deadline {} days after it is {from}", r.days))
            );
        }
    }

    // Triggered shocks (docs/MODEL.md 2.15): a node each, with an edge from its action.
    for sh in &s.shocks {
        let Some(t) = sh.trigger else {
            continue;
        };
        let node = quote(&format!("shock:{}", sh.id));
        let _ = writeln!(
            o,
            "  {node} [shape=octagon, style=filled, fillcolor=\"#f4cccc\", fontsize=10, label={}];",
            quote(&format!("shock {}", sh.id))
        );
        let event = match t.event {
            TriggerEvent::Lapse => "lapse",
            TriggerEvent::Done => "done",
            TriggerEvent::Started => "started",
        };
        let _ = writeln!(
            o,
            "  {} -> {node} [style=dashed, color=\"#cc4444\", fontcolor=\"#cc4444\", fontsize=9, label={}];",
            action_node(&s.actions[t.action].id),
            quote(&format!("{event}, chance {}", t.chance))
        );
    }

    // Phases that start after others: one bold edge between the clusters.
    for (p, ph) in s.phases.iter().enumerate() {
        if let PhaseStart::After { phases, lag } = &ph.start {
            let head = &s.actions[ph.actions[0]].id;
            for &q in phases {
                let tail = &s.actions[s.phases[q].actions[s.phases[q].actions.len() - 1]].id;
                let label = if *lag == 0 {
                    "after".to_string()
                } else {
                    format!("after +{lag} d")
                };
                let _ = writeln!(
                    o,
                    "  {} -> {} [ltail=\"cluster_phase_{q}\", lhead=\"cluster_phase_{p}\", style=bold, color=\"#aaaaaa\", fontcolor=\"#777777\", fontsize=9, label={}];",
                    action_node(tail),
                    action_node(head),
                    quote(&label)
                );
            }
        }
    }

    // Legend: one swatch per party.
    let _ = writeln!(o, "  subgraph \"cluster_legend\" {{");
    let _ = writeln!(
        o,
        "    label=\"Parties\"; style=\"rounded\"; color=\"#999999\"; fontsize=11;"
    );
    for (i, p) in s.parties.iter().enumerate() {
        let label = if p.name == p.id {
            p.id.clone()
        } else {
            format!("{}: {}", p.id, p.name)
        };
        let _ = writeln!(
            o,
            "    {} [label={}, fillcolor={}];",
            quote(&format!("party:{}", p.id)),
            quote(&label),
            quote(party_colour(i))
        );
    }
    let _ = writeln!(
        o,
        "    \"legend:joint\" [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", peripheries=2, margin=0.04, label=<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"2\"><TR><TD>joint action</TD></TR><TR><TD>(double border, a cell per actor)</TD></TR></TABLE>>];"
    );
    // Stack the swatches in one column.
    let mut chain: Vec<String> = s
        .parties
        .iter()
        .map(|p| quote(&format!("party:{}", p.id)))
        .collect();
    chain.push("\"legend:joint\"".into());
    if chain.len() > 1 {
        let _ = writeln!(o, "    {} [style=invis];", chain.join(" -> "));
    }
    let _ = writeln!(o, "  }}");
    let _ = writeln!(o, "}}");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    #[test]
    fn quoting_escapes_what_dot_needs() {
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn default_graph_has_every_link() {
        let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "d.toml").unwrap();
        let d = dot(&s);
        let done: usize = s.actions.iter().map(|a| a.requires_done.len()).sum();
        let started: usize = s.actions.iter().map(|a| a.requires_started.len()).sum();
        let at_least: Vec<_> = s
            .actions
            .iter()
            .filter_map(|a| a.at_least.as_ref())
            .collect();
        assert_eq!(d.matches("[style=dashed").count(), started);
        assert_eq!(d.matches("shape=diamond").count(), at_least.len());
        let into_diamonds: usize = at_least.iter().map(|al| al.of.len()).sum();
        // Every plain edge line: done links, into and out of each diamond.
        let plain = d
            .lines()
            .filter(|l| l.contains(" -> ") && l.trim_end().ends_with("\";"))
            .count();
        assert_eq!(plain, done + into_diamonds + at_least.len());
        let joint = s.actions.iter().filter(|a| a.actors.len() > 1).count();
        assert_eq!(d.matches("peripheries=2").count(), joint + 1); // + the legend's swatch
    }

    #[test]
    fn triggered_shocks_and_relative_deadlines_are_drawn() {
        let s = scenario::from_str(
            r#"[scenario]
name = "t"
start = "2007-10-03"
horizon_days = 300
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "x"
party = "A"
phase = "p"
[[action]]
id = "y"
party = "B"
phase = "p"
deadline = { after = "x", days = 45 }
[[shock]]
id = "walk"
on = { lapse = "y" }
chance = 0.3
pause = ["A"]
pause_days = 5
[[shock]]
id = "poisson"
rate_per_year = 1
pause = ["A"]
pause_days = 5
"#,
            "t.toml",
        )
        .unwrap();
        let d = dot(&s);
        assert!(
            d.contains("\"action:x\" -> \"action:y\" [style=dotted"),
            "{d}"
        );
        assert!(d.contains("label=\"deadline +45 d\""), "{d}");
        assert!(d.contains("\"shock:walk\" [shape=octagon"), "{d}");
        assert!(d.contains("\"action:y\" -> \"shock:walk\""), "{d}");
        assert!(d.contains("label=\"lapse, chance 0.3\""), "{d}");
        assert!(!d.contains("shock:poisson"));
    }
}
