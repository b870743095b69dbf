//! The life of an action in a trial: its phase starts; its conditions are met one by one
//! until it is due; each actor is then offered it (a first-coin gap drawn, its candidate
//! review queued); it starts when its last actor consents (a duration drawn, its completion
//! queued); and its completion raises trust, closes its phase and makes its dependants due
//! (docs/MODEL.md 2.2 to 2.7, in the order of a day of [the engine](crate::engine)).

use super::{Cursor, NONE, Offer, Trial};
use crate::engine::plan::{Plan, key, step};
use crate::engine::queue::EventQueue;
use crate::engine::schedule::{Calendar, NEVER};
use crate::engine::{Event, Observer, Outcome};
use crate::model::{PhaseStart, TriggerEvent};
use crate::rng::TrialRng;

impl Trial<'_> {
    pub(super) fn start_phase<O: Observer, const V3: bool>(
        &mut self,
        p: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        if self.phases[p].started {
            return;
        }
        self.phases[p].started = true;
        if O::ENABLED {
            obs.on(
                day as u32,
                &Event::PhaseStarted { phase: p },
                self.trust.as_slice(),
            );
        }
        let s = self.s;
        for &a in &s.phases[p].actions {
            self.satisfy::<O, V3>(a, day, cursor, rng, obs);
        }
    }

    /// One more condition of action `a` holds; when none is missing, it is due. Always
    /// inlined: most calls only count down, and a call's frame costs more than that; the
    /// making due is a function of its own.
    #[inline(always)]
    pub(super) fn satisfy<O: Observer, const V3: bool>(
        &mut self,
        a: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        self.acts[a].unmet -= 1;
        if self.acts[a].unmet == 0 {
            self.make_due::<O, V3>(a, day, cursor, rng, obs);
        }
    }

    #[inline(never)]
    pub(super) fn make_due<O: Observer, const V3: bool>(
        &mut self,
        a: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        self.acts[a].due_day = day as u32;
        if O::ENABLED {
            obs.on(
                day as u32,
                &Event::ActionDue { action: a },
                self.trust.as_slice(),
            );
        }
        // Disjoint borrows of the fields, so the plan's tables stay in registers.
        let plan: &Plan = &self.plan;
        for &slot in plan.action_slots.row(a) {
            let slot = slot as usize;
            let i = plan.slots[slot].party as usize;
            let cal = &self.calendars[i];
            let from = cal.index_from(cursor.first_day(day, i, a));
            let offer = &mut self.offers[slot];
            offer.active = true;
            offer.first = from;
            queue_candidate(plan, slot, offer, cal, &mut self.queue, from, rng);
        }
    }

    /// Draw the next review, from review number `from` on, at which party `i`'s first coin
    /// for the offer `slot` comes up, and queue it.
    #[inline(always)]
    pub(super) fn next_candidate(&mut self, slot: usize, i: usize, from: u64, rng: &mut TrialRng) {
        queue_candidate(
            &self.plan,
            slot,
            &mut self.offers[slot],
            &self.calendars[i],
            &mut self.queue,
            from,
            rng,
        );
    }

    pub(super) fn start_action<O: Observer, const V3: bool>(
        &mut self,
        a: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        self.acts[a].start_day = day as u32;
        let d = self.durations[a].sample(rng);
        if O::ENABLED {
            obs.on(
                day as u32,
                &Event::ActionStarted {
                    action: a,
                    duration: d,
                },
                self.trust.as_slice(),
            );
        }
        if V3 && self.flags.relative {
            self.set_deadlines(a, true, day, obs);
        }
        if V3 && self.flags.triggers {
            self.fire(TriggerEvent::Started, a, day, cursor, obs);
        }
        for k in self.plan.waits_started.span(a) {
            let dep = self.plan.waits_started.item(k) as usize;
            self.satisfy::<O, V3>(dep, day, cursor, rng, obs);
        }
        let done = day + u64::from(d);
        // docs/MODEL.md 2.13: judged at its start (suspended, its whole duration remains).
        if V3 && self.flags.suspend {
            self.ext[a].done_at = done;
            if self.judge(a, day, cursor, rng, obs) {
                return;
            }
        }
        if d == 0 {
            self.complete::<O, V3>(a, day, cursor, rng, obs);
        } else if done <= self.plan.horizon {
            self.queue.push(key(done, step::DONE, a as u64));
        }
    }

    #[inline(always)]
    pub(super) fn complete<O: Observer, const V3: bool>(
        &mut self,
        a: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        let s = self.s;
        let act = &s.actions[a];
        self.acts[a].done_day = day as u32;
        self.actions_done += 1;
        if let Some((u, q)) = act.quantity {
            self.quantity[u] += q;
        }
        self.trust.gain(self.plan.gains.row(a));
        if O::ENABLED {
            obs.on(
                day as u32,
                &Event::ActionDone { action: a },
                self.trust.as_slice(),
            );
        }
        if V3 && self.flags.relative {
            self.set_deadlines(a, false, day, obs);
        }
        if V3 && self.flags.triggers {
            self.fire(TriggerEvent::Done, a, day, cursor, obs);
        }
        let p = act.phase;
        self.phases[p].remaining -= 1;
        if self.phases[p].remaining == 0 {
            self.phases[p].done_day = day as u32;
            if O::ENABLED {
                obs.on(
                    day as u32,
                    &Event::PhaseDone { phase: p },
                    self.trust.as_slice(),
                );
            }
        }
        if self.actions_done as usize == s.actions.len() {
            self.ended = Some((Outcome::Completed, day as u32, None));
            return;
        }
        if self.phases[p].remaining == 0 {
            for &f in &s.phases[p].followers {
                if let PhaseStart::After { phases, lag } = &s.phases[f].start
                    && phases.iter().all(|&q| self.phases[q].done_day != NONE)
                {
                    let start = day + u64::from(*lag);
                    if *lag == 0 {
                        self.start_phase::<O, V3>(f, day, cursor, rng, obs);
                    } else if start <= self.plan.horizon {
                        self.queue.push(key(start, step::PHASE, f as u64));
                    }
                }
            }
        }
        for k in self.plan.waits_done.span(a) {
            let dep = self.plan.waits_done.item(k) as usize;
            self.satisfy::<O, V3>(dep, day, cursor, rng, obs);
        }
        for k in self.plan.waits_at_least.span(a) {
            let dep = self.plan.waits_at_least.item(k) as usize;
            self.acts[dep].at_least_done += 1;
            if self.acts[dep].at_least_done == self.plan.at_least_n[dep] {
                self.satisfy::<O, V3>(dep, day, cursor, rng, obs);
            }
        }
        // docs/MODEL.md 2.13: a completion raises trust, so suspended actions may resume.
        if V3 && self.flags.suspend {
            self.judge_all(day, cursor, rng, obs);
        }
    }
}

/// Draw the next review, from review number `from` on, at which the first coin of the offer
/// `slot` (of the party whose calendar is `cal`) comes up, and queue it. A free function of
/// the fields it needs, so that a caller holding other fields can call it (38 calls per trial
/// on the reference scenario, each a few dozen instructions: always inlined).
#[inline(always)]
pub(super) fn queue_candidate(
    plan: &Plan,
    slot: usize,
    offer: &mut Offer,
    cal: &Calendar,
    queue: &mut EventQueue,
    from: u64,
    rng: &mut TrialRng,
) {
    let Some(gap) = plan.first_coin[slot].gap(rng) else {
        offer.next = NEVER;
        return;
    };
    let index = from.saturating_add(gap);
    offer.next = index;
    let day = cal.day_of(index);
    if day <= plan.horizon {
        queue.push(key(day, step::REVIEW, slot as u64));
    }
}
