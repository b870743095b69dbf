//! The seeding rule: where every random number of every trial comes from (docs/MODEL.md 4.1).
//!
//! **Rule.** Trial `k` of a run with master seed `S` draws from
//! `ChaCha8Rng::seed_from_u64(S)` with its stream set to `k` (`set_stream(k)`), starting
//! at word 0. Shock arrivals (docs/MODEL.md 2.8) are drawn from the same key and stream starting
//! at word `2^64` ([`SHOCK_WORD_POS`]), so that changing a shock's rate does not shift the
//! draws of reviews and durations, and vice versa.
//!
//! **Triggered shocks** (docs/MODEL.md 2.15) have one substream each: the `c`-th chance coin of
//! the trial (`c = 0, 1, ...`) for shock number `j` (its index in the scenario's shocks) is
//! the [`uniform`] made of the one `u64` at word position `2^65 + j * 2^32 + 2c`
//! ([`TRIGGER_WORD_POS`], [`trigger_word_pos`], drawn by [`TriggerCoins`]). So the coins of a
//! shock depend only on the shock's own index and on how many events it has answered in the
//! trial: adding a shock after the others, or changing any shock's chance, moves no coin of
//! another shock and no other draw of the trial (a shock inserted before others renumbers
//! them). A shock has room for `2^31` coins per trial; past
//! that (which no horizon reaches) its count wraps within its own substream.
//!
//! The stream depends on nothing else: not the thread, the shard, the batch, nor the sweep
//! point. So trial `k` uses the same numbers at every point of a sweep (common random
//! numbers, docs/MODEL.md 4.2), and results are byte-identical whatever the thread count
//! or sharding. `seed_from_u64` is rand_core's documented PCG32-based key expansion.
//!
//! **Calibration** (`negsim calibrate`, docs/MODEL.md 6.6) draws its proposals (prior draws,
//! ancestors, kernel perturbations, Latin hypercubes, predictive resampling) from stream
//! [`CALIBRATION_STREAM`] `= 2^64 - 2` of the same key, never a trial stream (`0..`, far below)
//! nor the design stream `2^64 - 1` of `--design lhs`. Draw unit `index` of stage `stage`
//! starts at word `stage * 2^56 + index * 2^20` ([`calibration_rng`]): `2^20` words per
//! proposal, `2^36` proposals per stage, `2^12` stages. The trials a calibration simulates
//! are ordinary trial streams, numbered `stage * 2^40 + index` ([`calibration_trial`]).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The one RNG type of the crate.
pub type TrialRng = ChaCha8Rng;

/// Word position at which a trial's shock arrivals are drawn.
pub const SHOCK_WORD_POS: u128 = 1 << 64;

/// Word position at which a trial's triggered-shock coins begin (model 0.3, docs/MODEL.md 2.15):
/// shock `j`'s substream starts at `TRIGGER_WORD_POS + j * 2^32` ([`trigger_word_pos`]).
pub const TRIGGER_WORD_POS: u128 = 1 << 65;

/// Words between the starts of two shocks' coin substreams.
const TRIGGER_SHOCK_WORDS: u128 = 1 << 32;

/// The coins a shock may draw in one trial before its count wraps (two words per coin).
const TRIGGER_COINS_PER_SHOCK: u32 = 1 << 31;

/// The word position of coin `coin` (counted from 0 within the trial) of triggered shock
/// `shock` (its index in the scenario's shocks): `2^65 + shock * 2^32 + 2 * coin`, the count
/// taken modulo `2^31` so that it never leaves the shock's own substream.
pub fn trigger_word_pos(shock: usize, coin: u32) -> u128 {
    TRIGGER_WORD_POS
        + shock as u128 * TRIGGER_SHOCK_WORDS
        + 2 * u128::from(coin % TRIGGER_COINS_PER_SHOCK)
}

/// The triggered-shock coins of one trial (docs/MODEL.md 2.15): one substream per shock, each
/// with its own count of the coins drawn so far.
///
/// Made once per scenario ([`TriggerCoins::new`], the only allocation), then
/// [`TriggerCoins::reset`] at the start of each trial and [`TriggerCoins::coin`] at each
/// event a triggered shock answers.
#[derive(Debug, Clone)]
pub struct TriggerCoins {
    /// The trial's stream; repositioned before every coin.
    rng: TrialRng,
    /// Per shock, the coins drawn so far in this trial.
    drawn: Vec<u32>,
}

impl TriggerCoins {
    /// Coins for a scenario with `shocks` shocks, not yet bound to a trial (until the first
    /// [`TriggerCoins::reset`] they come from trial 0 of seed 0).
    pub fn new(shocks: usize) -> Self {
        TriggerCoins {
            rng: trial_rng(0, 0),
            drawn: vec![0; shocks],
        }
    }

    /// Coins for the trial whose stream is `trial_rng`, for a scenario with `shocks` shocks.
    pub fn for_trial(trial_rng: &TrialRng, shocks: usize) -> Self {
        let mut coins = Self::new(shocks);
        coins.reset(trial_rng);
        coins
    }

    /// Start the coins of the trial whose stream is `trial_rng` (any word position: only its
    /// key and stream are used). Allocates nothing.
    pub fn reset(&mut self, trial_rng: &TrialRng) {
        self.rng.clone_from(trial_rng);
        self.drawn.fill(0);
    }

    /// The next chance coin of shock `shock`: a [`uniform`] from its substream.
    pub fn coin(&mut self, shock: usize) -> f64 {
        if shock >= self.drawn.len() {
            // Sized from the scenario, so never in the engines; grown rather than panicking.
            self.drawn.resize(shock + 1, 0);
        }
        let c = self.drawn[shock];
        self.drawn[shock] = c.wrapping_add(1);
        self.rng.set_word_pos(trigger_word_pos(shock, c));
        uniform(&mut self.rng)
    }
}

/// The stream of the calibration's own draws (docs/MODEL.md 6.6): `2^64 - 2`.
pub const CALIBRATION_STREAM: u64 = u64::MAX - 1;

/// Stages of a calibration's draws: generation `g` of ABC-SMC is stage `g + 1`
/// (up to [`STAGE_HISTORY`]` - 1`), history-matching wave `w` is stage [`STAGE_HISTORY`]` + w`,
/// and the posterior predictive run is stage [`STAGE_PREDICTIVE`].
pub const STAGE_HISTORY: u64 = 2048;
/// The stage of the posterior predictive draws.
pub const STAGE_PREDICTIVE: u64 = 4095;

/// The calibration draws of unit `index` (a proposal, a design, a resampled point) of stage
/// `stage` for seed `seed`: stream [`CALIBRATION_STREAM`] from word
/// `stage * 2^56 + index * 2^20` (`stage < 2^12`, `index < 2^36`; larger values wrap within
/// those bits).
pub fn calibration_rng(seed: u64, stage: u64, index: u64) -> TrialRng {
    let mut rng = master(seed);
    rng.set_stream(CALIBRATION_STREAM);
    let stage = u128::from(stage & 0xfff);
    let index = u128::from(index & ((1 << 36) - 1));
    rng.set_word_pos((stage << 56) | (index << 20));
    rng
}

/// The trial stream a calibration simulates for unit `index` of stage `stage`:
/// `stage * 2^40 + index` (`index < 2^40`), an ordinary trial stream of the calibration's seed.
pub fn calibration_trial(stage: u64, index: u64) -> u64 {
    ((stage & 0xfff) << 40) | (index & ((1 << 40) - 1))
}

/// The key shared by every trial of a run: derive once, then [`for_trial`] per trial.
pub fn master(seed: u64) -> TrialRng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// The stream of trial `trial`, from a master made by [`master`] (cheaper than re-keying).
pub fn for_trial(master: &TrialRng, trial: u64) -> TrialRng {
    let mut rng = master.clone();
    rng.set_stream(trial);
    rng.set_word_pos(0);
    rng
}

/// The stream of trial `trial` of a run with seed `seed`.
pub fn trial_rng(seed: u64, trial: u64) -> TrialRng {
    for_trial(&master(seed), trial)
}

/// The shock stream of a trial: the trial's stream from word [`SHOCK_WORD_POS`].
pub fn shock_rng(trial_rng: &TrialRng) -> TrialRng {
    let mut rng = trial_rng.clone();
    rng.set_word_pos(SHOCK_WORD_POS);
    rng
}

/// A uniform draw in `[0, 1)` with 53 random bits.
#[inline]
pub fn uniform(rng: &mut TrialRng) -> f64 {
    uniform_of_bits(uniform_bits(rng))
}

/// The 53 random bits of a [`uniform`] draw, as an integer `m` (the draw is `m / 2^53`).
#[inline]
pub fn uniform_bits(rng: &mut TrialRng) -> u64 {
    use rand::Rng;
    rng.next_u64() >> 11
}

/// The [`uniform`] draw whose bits are `m` (below `2^53`): exactly `m / 2^53`.
#[inline]
pub fn uniform_of_bits(m: u64) -> f64 {
    m as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// Pins the exact numbers the rule gives, so a silent change of stream (a dependency
    /// update, a refactor) fails here first.
    #[test]
    fn value_stability() {
        let mut r = trial_rng(1, 0);
        let a = [r.next_u64(), r.next_u64()];
        let mut r = trial_rng(1, 1);
        let b = r.next_u64();
        let mut s = shock_rng(&trial_rng(1, 0));
        let c = s.next_u64();
        let got = format!("{a:?} {b} {c}");
        assert_eq!(got, include_str!("../tests/golden/rng_values.txt").trim());
    }

    #[test]
    fn streams_differ_by_trial_and_seed() {
        let x = trial_rng(1, 0).next_u64();
        assert_ne!(x, trial_rng(1, 1).next_u64());
        assert_ne!(x, trial_rng(2, 0).next_u64());
        assert_ne!(x, shock_rng(&trial_rng(1, 0)).next_u64());
    }

    /// Pins the first triggered-shock coins, and that coin `c` of shock `j` is the `u64` at
    /// word `2^65 + j * 2^32 + 2c` of the trial's stream.
    #[test]
    fn trigger_coins_value_stability() {
        let t = trial_rng(1, 0);
        let mut coins = TriggerCoins::for_trial(&t, 2);
        let got: Vec<f64> = [0, 0, 1, 0, 1].iter().map(|&j| coins.coin(j)).collect();
        let at = |pos: u128| {
            let mut r = t.clone();
            r.set_word_pos(pos);
            uniform(&mut r)
        };
        let expected = [
            at(1 << 65),
            at((1 << 65) + 2),
            at((1 << 65) + (1 << 32)),
            at((1 << 65) + 4),
            at((1 << 65) + (1 << 32) + 2),
        ];
        assert_eq!(got, expected);
        assert_eq!(
            format!("{got:?}"),
            "[0.13142084597184145, 0.36911964493441884, 0.5582887278631378, 0.6019048287155826, 0.03860065683286884]"
        );
    }

    /// Shock 0's coins are the same whether or not other shocks draw between them, and
    /// [`TriggerCoins::reset`] starts every count again.
    #[test]
    fn trigger_coins_are_one_substream_per_shock() {
        let t = trial_rng(3, 7);
        let mut alone = TriggerCoins::for_trial(&t, 1);
        let a: Vec<f64> = (0..20).map(|_| alone.coin(0)).collect();
        let mut mixed = TriggerCoins::new(3);
        mixed.coin(0);
        mixed.reset(&t);
        let mut b = Vec::new();
        for i in 0..20 {
            b.push(mixed.coin(0));
            for _ in 0..i % 3 {
                mixed.coin(1 + i % 2);
            }
        }
        assert_eq!(a, b);
        assert_ne!(a[0], TriggerCoins::for_trial(&t, 2).coin(1));
        // Out of range grows rather than panicking.
        assert!((0.0..1.0).contains(&alone.coin(5)));
    }

    #[test]
    fn trigger_word_pos_stays_in_its_substream() {
        assert_eq!(trigger_word_pos(0, 0), TRIGGER_WORD_POS);
        assert_eq!(
            trigger_word_pos(3, 5),
            TRIGGER_WORD_POS + 3 * (1 << 32) + 10
        );
        assert_eq!(
            trigger_word_pos(1, u32::MAX),
            trigger_word_pos(1, (1 << 31) - 1)
        );
        assert!(trigger_word_pos(0, u32::MAX) < trigger_word_pos(1, 0));
    }

    /// Pins the calibration stream, and that it is stream `2^64 - 2` at the documented word.
    #[test]
    fn calibration_stream_value_stability() {
        let mut a = calibration_rng(1, 1, 0);
        let mut b = calibration_rng(1, 1, 1);
        let mut c = calibration_rng(1, STAGE_HISTORY, 0);
        let mut direct = master(1);
        direct.set_stream(u64::MAX - 1);
        direct.set_word_pos((1u128 << 56) | (1 << 20));
        let bx = b.next_u64();
        assert_eq!(bx, direct.next_u64());
        let got = format!("{} {} {}", a.next_u64(), bx, c.next_u64());
        assert_eq!(
            got,
            "15688455105328154246 12770328095150199390 496585994730353413"
        );
        assert_ne!(a.next_u64(), trial_rng(1, 0).next_u64());
        assert_eq!(calibration_trial(3, 5), (3 << 40) + 5);
        assert!(calibration_trial(STAGE_PREDICTIVE, (1 << 40) - 1) < u64::MAX - 1);
    }

    #[test]
    fn uniform_is_in_unit_interval() {
        let mut r = trial_rng(9, 9);
        for _ in 0..10_000 {
            let u = uniform(&mut r);
            assert!((0.0..1.0).contains(&u));
        }
    }
}
