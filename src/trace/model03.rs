//! The trace rows of the model 0.3 events: relative deadlines set, relapses, suspensions and
//! resumptions (with the trust that caused them), and triggered shocks with their event.

use super::{Kind, Row};
use crate::engine::Event;
use crate::model::{Scenario, TriggerEvent};

/// The row of a model 0.3 event; `state` describes an action's progress ("under way since
/// ...").
pub(super) fn row(s: &Scenario, day: u32, ev: &Event, state: &dyn Fn(usize) -> String) -> Row {
    let ids = |a: usize| {
        s.actions[a]
            .actors
            .iter()
            .map(|&i| s.parties[i].id.as_str())
            .collect::<Vec<_>>()
            .join("+")
    };
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
