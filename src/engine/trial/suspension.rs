//! Suspension of actions under way (docs/MODEL.md 2.13) in the skip-ahead trial.
//!
//! An action under way has a day `done_at` on which it is to be done, and one completion
//! event queued for that day. Suspended on day `t1`, it keeps `remaining = done_at - t1`
//! (0 when it was to be done today and was not yet: a zero-duration action suspended as it
//! started, or one whose completion comes later in today's completions step); resumed on
//! `t2`, its new `done_at` is `t2 + remaining`, `t2 - t1` days later, as the rule says, and a
//! completion is queued for that day, or it is done at once when nothing remains (then its
//! completion is one more trust change, and judges again: cascades follow). The completion
//! queued before the suspension is left in the queue and skipped when popped
//! ([`Trial::completion_is_current`]): lazy deletion, so the queue holds at most one stale
//! entry per suspension and each is popped on its day.
//!
//! Nothing is drawn: a suspension only moves a completion that was already drawn (the
//! duration is drawn at the start, exactly as without suspension), so this is the rule read
//! aloud. Judgements run at the start of each action of a party with `suspend_trust > 0`
//! and after every trust change (each completion, lapse and shock), over the actions under
//! way in declaration order ([`Trial::judge_all`]); a resumption that completes an action
//! starts its own full judgement at once (after that completion's trust gain), and the outer
//! one then goes on with the next action, with the trust of that moment. Trust falls only at
//! lapses and shocks and rises only at completions, so in fact lapses and shocks can only
//! suspend and completions only resume.
//!
//! When no party has `suspend_trust > 0` the flag [`crate::engine::rules03::Rules03::suspend`]
//! is off and none of this runs.

use super::{Cursor, NONE, Trial};
use crate::engine::plan::{key, step};
use crate::engine::{Event, Observer};
use crate::rng::TrialRng;

impl Trial<'_> {
    /// Whether the completion of `a` popped for `day` is the one in force: not done yet, not
    /// suspended, and still to be done on this day.
    #[inline]
    pub(super) fn completion_is_current(&self, a: usize, day: u64) -> bool {
        let ext = &self.ext[a];
        self.acts[a].done_day == NONE && !ext.suspended && ext.done_at == day
    }

    /// The first actor of `a` (in actor order) whose `tau` is below its `suspend_trust`:
    /// `(party, tau, s)`; `None` when every actor's `tau` is at or above it. Also the
    /// smallest `tau - s` (for observers).
    fn suspender(&self, a: usize) -> (Option<(usize, f64, f64)>, f64) {
        let act = &self.s.actions[a];
        let mut margin = f64::INFINITY;
        for &(i, k) in self.plan.rules.suspenders.row(a) {
            let (i, k) = (i as usize, k as usize);
            let s_i = self.s.parties[i].suspend_trust;
            let tau = self.trust.mean_over(i, &act.counterparts[k]);
            if tau < s_i {
                return (Some((i, tau, s_i)), tau - s_i);
            }
            margin = margin.min(tau - s_i);
        }
        (None, margin)
    }

    /// Judge action `a`, under way, with the trust of this moment: suspend or resume it.
    /// Returns whether it is suspended afterwards.
    pub(super) fn judge<O: Observer>(
        &mut self,
        a: usize,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) -> bool {
        let (why, margin) = self.suspender(a);
        match (self.ext[a].suspended, why) {
            (false, Some((party, tau, threshold))) => {
                let st = &mut self.ext[a];
                st.suspended = true;
                st.since = day as u32;
                st.remaining = st.done_at.saturating_sub(day).min(u64::from(NONE)) as u32;
                if O::ENABLED {
                    obs.on(
                        day as u32,
                        &Event::Suspended {
                            action: a,
                            party,
                            tau,
                            threshold,
                            remaining: st.remaining,
                        },
                        self.trust.as_slice(),
                    );
                }
                true
            }
            (true, None) => {
                let st = &mut self.ext[a];
                st.suspended = false;
                st.suspended_days += day as u32 - st.since;
                let done = day + u64::from(st.remaining);
                st.done_at = done;
                if O::ENABLED {
                    obs.on(
                        day as u32,
                        &Event::Resumed {
                            action: a,
                            margin,
                            done_day: done.min(u64::from(NONE)) as u32,
                        },
                        self.trust.as_slice(),
                    );
                }
                if done == day {
                    self.complete::<O, true>(a, day, cursor, rng, obs);
                } else if done <= self.plan.horizon {
                    self.queue.push(key(done, step::DONE, a as u64));
                }
                false
            }
            (suspended, _) => suspended,
        }
    }

    /// After a trust change: judge every action under way, in declaration order.
    pub(super) fn judge_all<O: Observer>(
        &mut self,
        day: u64,
        cursor: Cursor,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        for idx in 0..self.plan.rules.suspendable.len() {
            if self.ended.is_some() {
                return;
            }
            let a = self.plan.rules.suspendable[idx] as usize;
            let st = &self.acts[a];
            if st.start_day == NONE || st.done_day != NONE {
                continue;
            }
            self.judge(a, day, cursor, rng, obs);
        }
    }
}
