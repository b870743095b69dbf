//! The trace rows of the model 0.3 events: relative deadlines set, relapses, suspensions and
//! resumptions (with the trust that caused them), and triggered shocks with their event.

use super::{Kind, Row};
use crate::engine::Event;
use crate::model::{Scenario, TriggerEvent};

/// The row of a model 0.3 event; `state` describes an action's progress ("under way since
/// ...").
pub(super) fn row(s: &Scenario, day: u32, ev: &Event, state: &dyn Fn(usize) -> String) -> Row {
    let ids = |a: usize| super::actor_ids(s, a, "+");
    let with_action = |mut r: Row, a: usize| {
        r.action = Some(s.actions[a].id.clone());
        r.party = Some(ids(a));
        r.phase = Some(s.phases[s.actions[a].phase].id.clone());
        r
    };
    match *ev {
        Event::DeadlineSet { action, deadline } => {
            let a = &s.actions[action];
            let from = a.relative_deadline.map_or_else(String::new, |rd| {
                format!(
                    ", {} days after {} {}",
                    rd.days,
                    s.actions[rd.after].id,
                    if rd.started { "started" } else { "was done" }
                )
            });
            let mut r = with_action(
                Row::new(
                    s,
                    day,
                    Kind::DeadlineSet,
                    format!(
                        "deadline of {} set to {} (day {deadline}){from}",
                        a.id,
                        s.date(deadline)
                    ),
                ),
                action,
            );
            r.last_day = Some(deadline);
            r
        }
        Event::Relapsed { action, lapses } => {
            let a = &s.actions[action];
            let mut r = with_action(
                Row::new(
                    s,
                    day,
                    Kind::Relapsed,
                    format!(
                        "deadline of {} lapsed again (lapse {lapses}, every {} days): {}",
                        a.id,
                        a.relapse_every,
                        state(action)
                    ),
                ),
                action,
            );
            r.count = Some(u64::from(lapses));
            r
        }
        Event::Suspended {
            action,
            party,
            tau,
            threshold,
            remaining,
        } => {
            let a = &s.actions[action];
            let p = &s.parties[party].id;
            let mut r = with_action(
                Row::new(
                    s,
                    day,
                    Kind::Suspended,
                    format!(
                        "{} suspended: {p}'s trust in its counterparts {tau:.3} is below its suspend_trust {threshold}; {remaining} days remain",
                        a.id
                    ),
                ),
                action,
            );
            r.party = Some(p.clone());
            r.value = Some(tau);
            r.count = Some(u64::from(remaining));
            r
        }
        Event::Resumed {
            action,
            margin,
            done_day,
        } => {
            let a = &s.actions[action];
            let mut r = with_action(
                Row::new(
                    s,
                    day,
                    Kind::Resumed,
                    format!(
                        "{} resumed: every actor's trust is at or above its suspend_trust (closest by {margin:.3}); done on {}",
                        a.id,
                        s.date(done_day)
                    ),
                ),
                action,
            );
            r.value = Some(margin);
            r.last_day = Some(done_day);
            r
        }
        Event::ShockTriggered {
            shock,
            action,
            event,
            on_day,
        } => {
            let sh = &s.shocks[shock];
            let what = match event {
                TriggerEvent::Lapse => "the lapse of",
                TriggerEvent::Done => "the completion of",
                TriggerEvent::Started => "the start of",
            };
            let chance = sh.trigger.map_or(1.0, |t| t.chance);
            let mut r = with_action(
                Row::new(
                    s,
                    day,
                    Kind::Triggered,
                    format!(
                        "shock {} triggered by {what} {} (chance {chance}); occurs on {}",
                        sh.id,
                        s.actions[action].id,
                        s.date(on_day)
                    ),
                ),
                action,
            );
            r.shock = Some(sh.id.clone());
            r.first_day = Some(on_day);
            r
        }
        _ => Row::new(s, day, Kind::End, String::new()),
    }
}

#[cfg(test)]
mod tests {
    use crate::trace::{Kind, replay, rows, to_csv};

    /// The bench scenario with every 0.3 feature: its traces show relative deadlines set,
    /// relapses, suspensions and triggered shocks, as rows of their own in the CSV.
    #[test]
    fn every_feature_trace_has_the_03_rows() {
        let text = include_str!("../../benches/every-feature-0.3.toml");
        let s = crate::scenario::from_str(text, "every-feature-0.3.toml").unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for k in 0..20 {
            let t = replay(&s, 1, k);
            let r = rows(&s, &t.events);
            let csv = to_csv(&r);
            for row in &r {
                seen.insert(row.event.as_str());
                if row.event == Kind::Suspended {
                    assert!(row.value.is_some() && row.party.is_some());
                }
            }
            assert_eq!(csv.lines().count(), r.len() + 1);
        }
        for kind in ["deadline_set", "relapsed", "suspended", "triggered"] {
            assert!(seen.contains(kind), "no {kind} row in 20 trials: {seen:?}");
        }
    }
}
