//! Deadlines of the skip-ahead trial: lapses, relative deadlines and relapses (docs/MODEL.md 2.5
//! and 2.12).
//!
//! Every lapse, first or repeated, is one queued event on the day it may happen, checked when
//! popped: the deadline `D` lapses on `D + 1`, and a relapse on `L + k` after a lapse on day
//! `L`, each only when the action was not done on or before the day before. Both tests are
//! "done day < today", so one check serves both, and a completion on the morning of the day
//! (the completions step comes first) still lapses, as the rule says. A relapse is queued
//! only after a lapse that happened, so an action done in time never costs another event.
//! A relative deadline is set, and its first lapse queued, at the completion or start it
//! counts from; fixed deadlines are queued when the trial starts ([`super::Plan::fixed`]).
//! Nothing is drawn here, so this is the rule read aloud, not a shortcut.

use super::{NONE, Trial};
use crate::engine::plan::{key, step};
use crate::engine::{Event, Observer};
use crate::model::TriggerEvent;
use crate::rng::TrialRng;

impl Trial<'_> {
    /// Set the relative deadlines that count from action `b` being done (or started, with
    /// `started`) on `day`, and queue their first lapse when before the horizon.
    pub(super) fn set_deadlines<O: Observer>(
        &mut self,
        b: usize,
        started: bool,
        day: u64,
        obs: &mut O,
    ) {
        let rules = &self.plan.rules;
        let row = if started {
            rules.deadline_on_started.row(b)
        } else {
            rules.deadline_on_done.row(b)
        };
        for idx in 0..row.len() {
            let rules = &self.plan.rules;
            let a = if started {
                rules.deadline_on_started.row(b)[idx]
            } else {
                rules.deadline_on_done.row(b)[idx]
            } as usize;
            let Some(rd) = self.s.actions[a].relative_deadline else {
                continue;
            };
            let d = (day + u64::from(rd.days)).min(u64::from(NONE - 1));
            self.ext[a].deadline = d as u32;
            if d < self.plan.horizon {
                self.queue.push(key(d + 1, step::LAPSE, a as u64));
            }
            if O::ENABLED {
                obs.on(
                    day as u32,
                    &Event::DeadlineSet {
                        action: a,
                        deadline: d as u32,
                    },
                    self.trust.as_slice(),
                );
            }
        }
    }

    /// The lapse (or relapse) of action `a`'s deadline that may happen today. Returns whether
    /// it happened (the action was not done on or before yesterday).
    pub(super) fn lapse<O: Observer, const V3: bool>(
        &mut self,
        a: usize,
        day: u64,
        rng: &mut TrialRng,
        obs: &mut O,
    ) -> bool {
        // `done_day` is NONE (above any day) while the action is not done.
        if u64::from(self.acts[a].done_day) < day {
            return false;
        }
        self.acts[a].lapses += 1;
        self.walk.lose(&mut self.trust, &self.plan, a);
        if O::ENABLED {
            let lapses = self.acts[a].lapses;
            let ev = if lapses == 1 {
                Event::DeadlineLapsed { action: a }
            } else {
                Event::Relapsed { action: a, lapses }
            };
            obs.on(day as u32, &ev, self.trust.as_slice());
        }
        let k = self.s.actions[a].relapse_every;
        if k > 0 && day + u64::from(k) <= self.plan.horizon {
            self.queue
                .push(key(day + u64::from(k), step::LAPSE, a as u64));
        }
        if V3 && self.flags.triggers {
            self.fire(
                TriggerEvent::Lapse,
                a,
                day,
                super::Cursor::BeforeReviews,
                obs,
            );
        }
        if V3 && self.flags.suspend {
            self.judge_all(day, super::Cursor::BeforeReviews, rng, obs);
        }
        true
    }
}
