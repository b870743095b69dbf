//! The end of a skip-ahead trial: the outcome, delays still open counted from the review
//! calendars, and the per-action records (with the 0.3 deadline, lapses and suspended days).

use super::{NONE, Trial};
use crate::engine::{Event, Observer, Outcome, TrialResult};

impl Trial<'_> {
    pub(super) fn finish<O: Observer, const V3: bool>(
        &mut self,
        out: &mut TrialResult,
        obs: &mut O,
    ) {
        let s = self.s;
        let (outcome, end_day, by) = self.ended.unwrap_or((Outcome::Stalled, s.horizon, None));
        // The last day on which reviews happened: none on a walkout day.
        let last_review_day: Option<u64> = match outcome {
            Outcome::Collapsed => u64::from(end_day).checked_sub(1),
            _ => Some(u64::from(end_day)),
        };
        out.outcome = outcome;
        out.end_day = end_day;
        out.collapsed_by = by;
        out.actions_done = self.actions_done;
        out.quantity.clone_from(&self.quantity);
        out.party_delays.fill(0);
        for (p, ph) in self.phases.iter().enumerate() {
            out.phase_done[p] = (ph.done_day != NONE).then_some(ph.done_day);
        }
        if !self.records && !O::ENABLED {
            // No per-action record wanted (see [`Trial::keep_action_records`]): only each
            // party's delays, summed over its offers (integers: the order does not matter).
            for (slot, info) in self.plan.slots.iter().enumerate() {
                let offer = &mut self.offers[slot];
                let i = info.party as usize;
                if offer.active {
                    offer.delays = match last_review_day {
                        Some(last) => self.calendars[i]
                            .index_from(last + 1)
                            .saturating_sub(offer.first)
                            as u32,
                        None => 0,
                    };
                }
                out.party_delays[i] += u64::from(offer.delays);
            }
            return;
        }
        for (a, act) in s.actions.iter().enumerate() {
            let mut delays = 0u32;
            for (k, &i) in act.actors.iter().enumerate() {
                let slot = self.plan.action_slots.row(a)[k] as usize;
                if self.offers[slot].active {
                    // Still waiting for this actor at the end: every review so far delayed it.
                    let first = self.offers[slot].first;
                    let n = match last_review_day {
                        Some(last) => self.calendars[i].index_from(last + 1).saturating_sub(first),
                        None => 0,
                    };
                    self.offers[slot].delays = n as u32;
                    if O::ENABLED && n > 0 {
                        let cal = &self.calendars[i];
                        obs.on(
                            end_day,
                            &Event::Delays {
                                party: i,
                                action: a,
                                count: n as u32,
                                first: cal.day_of(first) as u32,
                                last: cal.day_of(first + n - 1) as u32,
                            },
                            self.trust.as_slice(),
                        );
                    }
                }
                let d = self.offers[slot].delays;
                delays += d;
                out.party_delays[i] += u64::from(d);
            }
            let opt = |x: u32| (x != NONE).then_some(x);
            out.actions[a] = crate::engine::ActionRecord {
                due_day: opt(self.acts[a].due_day),
                started_day: opt(self.acts[a].start_day),
                done_day: opt(self.acts[a].done_day),
                delays,
                deadline: opt(self.ext[a].deadline),
                lapses: self.acts[a].lapses,
                suspended_days: if V3 && self.flags.suspend {
                    let e = &self.ext[a];
                    e.suspended_days
                        + if e.suspended {
                            end_day.saturating_sub(e.since)
                        } else {
                            0
                        }
                } else {
                    0
                },
            };
        }
        if O::ENABLED {
            obs.on(end_day, &Event::End { outcome }, self.trust.as_slice());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Trial, TrialResult};
    use crate::{rng, scenario};

    /// Without per-action records a trial reports the same: only `actions` is left alone.
    #[test]
    fn records_off_changes_nothing_else() {
        let files = [
            (scenario::DEFAULT_SCENARIO, "default.toml"),
            (
                include_str!("../../../benches/every-feature-0.3.toml"),
                "every.toml",
            ),
            (
                include_str!("../../../tests/data/golden.toml"),
                "golden.toml",
            ),
        ];
        for (text, name) in files {
            let s = scenario::from_str(text, name).expect("scenario");
            let master = rng::master(7);
            let mut on = Trial::new(&s);
            let mut off = Trial::new(&s);
            off.keep_action_records(false);
            let mut a = TrialResult::new(&s);
            let mut b = TrialResult::new(&s);
            let mut delays = 0;
            for t in 0..400 {
                on.run(&master, t, &mut a);
                off.run(&master, t, &mut b);
                b.actions.clone_from(&a.actions);
                assert_eq!(a, b, "{name}, trial {t}");
                delays += a.party_delays.iter().sum::<u64>();
            }
            assert!(delays > 0, "{name}: no delays to compare");
        }
    }
}
