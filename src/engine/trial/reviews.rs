//! Candidate reviews of the skip-ahead trial: the second coin at a review where the first
//! came up (consent by thinning, see [`crate::engine::consent`]), and a consent.

use super::actions::queue_candidate;
use super::{Cursor, Trial};
use crate::engine::consent::SecondCoin;
use crate::engine::plan::Plan;
use crate::engine::trust::chance_to_act;
use crate::engine::{Event, Observer};
use crate::rng::{self, TrialRng};

impl Trial<'_> {
    /// A review at which the first coin of offer `slot` came up: the second coin, with the
    /// trust of this moment, decides between consent and one more delay.
    pub(super) fn candidate_review<O: Observer, const V3: bool>(
        &mut self,
        slot: usize,
        day: u64,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        let plan: &Plan = &self.plan;
        let info = plan.slots[slot];
        let i = info.party as usize;
        let coin: &SecondCoin = &plan.second_coin[slot];
        let u = rng::uniform(rng);
        let yes = coin.always() || {
            let ratio = if info.cp_len == 0 {
                1.0
            } else {
                self.trust.sum_of_padded(plan.counterparts_padded_of(&info)) * info.ratio_scale
            };
            debug_assert!(ratio <= 1.0 + 1e-9, "trust above its ceiling: {ratio}");
            coin.accepts(u, ratio.min(1.0))
        };
        if yes {
            let a = info.action as usize;
            // The chance at the consent, for observers only.
            let chance = if O::ENABLED {
                chance_to_act(self.s, &self.trust, i, &self.s.actions[a], info.k as usize)
            } else {
                0.0
            };
            self.consent::<O, V3>(i, a, slot, chance, day, rng, obs);
        } else {
            let offer = &mut self.offers[slot];
            let from = offer.next + 1;
            queue_candidate(
                plan,
                slot,
                offer,
                &self.calendars[i],
                &mut self.queue,
                from,
                rng,
            );
        }
    }

    // The review passes what it already holds (party, action, slot, the chance for
    // observers) rather than have the consent look it up again.
    #[allow(clippy::too_many_arguments)]
    fn consent<O: Observer, const V3: bool>(
        &mut self,
        i: usize,
        a: usize,
        slot: usize,
        chance: f64,
        day: u64,
        rng: &mut TrialRng,
        obs: &mut O,
    ) {
        let cal = &self.calendars[i];
        let first = self.offers[slot].first;
        // Every review of the offer before this one was a delay.
        let delays = self.offers[slot].next - first;
        self.offers[slot].delays = delays as u32;
        self.offers[slot].active = false;
        self.acts[a].waiting &= !(1u64 << i);
        if O::ENABLED {
            if delays > 0 {
                obs.on(
                    day as u32,
                    &Event::Delays {
                        party: i,
                        action: a,
                        count: delays as u32,
                        first: cal.day_of(first) as u32,
                        last: cal.day_of(first + delays - 1) as u32,
                    },
                    self.trust.as_slice(),
                );
            }
            obs.on(
                day as u32,
                &Event::Consented {
                    party: i,
                    action: a,
                    chance,
                },
                self.trust.as_slice(),
            );
        }
        if self.acts[a].waiting == 0 {
            self.start_action::<O, V3>(
                a,
                day,
                Cursor::Review {
                    party: i,
                    action: a,
                },
                rng,
                obs,
            );
        }
    }
}
