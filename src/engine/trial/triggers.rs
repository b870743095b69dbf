//! Shocks in the skip-ahead trial: Poisson arrivals drawn ahead (docs/MODEL.md 2.8) and triggered
//! shocks (docs/MODEL.md 2.15).
//!
//! Each triggering event (a start, a completion, every lapse and relapse) draws exactly one
//! uniform per shock it may trigger, whatever the chance, from that shock's own substream
//! ([`crate::rng::TriggerCoins`]): the chance changes only whether the shock is queued, and
//! another triggered shock draws from another substream, so neither moves any other number.
//! A success queues the shock for the shock step of the same day when the event happened
//! before the reviews (completions or lapses step) and of the next day when it happened
//! during the reviews (a start; a completion of a zero-duration action or at a resumption, in
//! a review), unless that day is outside the shock's window or after the horizon. Shock
//! events are keyed by shock index, so one day's shocks, Poisson and triggered, apply in
//! declaration order, and two occurrences of one shock on one day apply once each.
//!
//! A Poisson pause is known when the trial starts and is in the review calendars from the
//! beginning. A triggered pause becomes known on the day `t` it occurs, in the shock step,
//! before that day's reviews: it changes no review number of a day before `t`, and every
//! candidate review drawn so far that is still pending is on a day `>= t`. So for each active
//! offer of a paused party the first coin's gap is drawn again, geometric from the first
//! review on or after `t` in the new calendar: exact, because the first coins of reviews from
//! `t` on are independent of everything before (the geometric law is memoryless, docs/MODEL.md
//! 2.10). The offer's first review number is moved to the new calendar when it was on or
//! after `t` (so delays count the reviews that really happen). The candidate queued before is
//! left and skipped when popped ([`Trial::candidate_is_current`]).

use super::{Cursor, Trial, shock_payload};
use crate::engine::plan::{key, step};
use crate::engine::{Event, Observer};
use crate::model::TriggerEvent;
use crate::rng::TrialRng;

impl Trial<'_> {
    /// Whether the candidate review of offer `slot` popped for `day` is the one in force.
    #[inline]
    pub(super) fn candidate_is_current(&self, slot: usize, day: u64) -> bool {
        let o = &self.offers[slot];
        let i = self.plan.slots[slot].party as usize;
        o.active && self.calendars[i].day_of(o.next) == day
    }

    /// `event` of action `a` happened on `day`, at `cursor`: one trigger coin per shock that
    /// answers it, and the successes queued.
    pub(super) fn fire<O: Observer>(
        &mut self,
        event: TriggerEvent,
        a: usize,
        day: u64,
        cursor: Cursor,
        obs: &mut O,
    ) {
        let n = self.plan.rules.triggered_by(event, a).len();
        for idx in 0..n {
            let k = self.plan.rules.triggered_by(event, a)[idx] as usize;
            let sh = &self.s.shocks[k];
            let Some(trigger) = sh.trigger else { continue };
            let u = self.trig.coin(k);
            if u >= trigger.chance {
                continue;
            }
            let on = match cursor {
                Cursor::BeforeReviews => day,
                Cursor::Review { .. } => day + 1,
            };
            if on < u64::from(sh.window_first)
                || on > u64::from(sh.window_last)
                || on > self.plan.horizon
            {
                continue;
            }
            self.queue
                .push(key(on, step::SHOCK, shock_payload(k, true)));
            if O::ENABLED {
                obs.on(
                    day as u32,
                    &Event::ShockTriggered {
                        shock: k,
                        action: a,
                        event,
                        on_day: on as u32,
                    },
                    self.trust.as_slice(),
                );
            }
        }
    }

    /// A shock occurs (the payload of its event). Returns whether it lowered trust (so a
    /// walkout check follows).
    pub(super) fn shock<O: Observer>(
        &mut self,
        payload: usize,
        day: u64,
        rng: &mut TrialRng,
        obs: &mut O,
    ) -> bool {
        let s = self.s;
        let k = payload >> 1;
        let sh = &s.shocks[k];
        let lowered = self
            .walk
            .shock(&mut self.trust, &sh.from, &sh.toward, sh.trust_drop);
        if payload & 1 == 1 && sh.pause_days > 0 {
            self.pause_now(k, day, rng);
        }
        if O::ENABLED {
            let paused_until = (sh.pause_days > 0 && !sh.pause.is_empty())
                .then(|| (day + u64::from(sh.pause_days) - 1) as u32);
            obs.on(
                day as u32,
                &Event::Shock {
                    shock: k,
                    paused_until,
                },
                self.trust.as_slice(),
            );
        }
        lowered
    }

    /// The pause of triggered shock `k`, occurring on `day`: into the calendars, and every
    /// pending candidate review of a paused party drawn again.
    fn pause_now(&mut self, k: usize, day: u64, rng: &mut TrialRng) {
        let s = self.s;
        let sh = &s.shocks[k];
        let last = day + u64::from(sh.pause_days) - 1;
        for &i in &sh.pause {
            let old_from = self.calendars[i].index_from(day);
            self.calendars[i].add_pause(day, last);
            self.calendars[i].normalise();
            let new_from = self.calendars[i].index_from(day);
            let (lo, hi) = (
                self.plan.rules.party_slots[i] as usize,
                self.plan.rules.party_slots[i + 1] as usize,
            );
            for slot in lo..hi {
                if !self.offers[slot].active {
                    continue;
                }
                if self.offers[slot].first >= old_from {
                    self.offers[slot].first = new_from;
                }
                self.next_candidate(slot, i, new_from, rng);
            }
        }
    }
}
