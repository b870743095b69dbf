//! The event queue of a trial: what happens next, in the exact order of a day.
//!
//! An event is a `u64` key `(day << 32) | (step << 29) | payload`, so comparing keys compares
//! (day, step of the day, party, action): the order docs/MODEL.md 2.1 prescribes. Two kinds of
//! events come from different places, and the queue keeps them apart because it is cheaper:
//!
//! - **fixed** events are known when the trial starts: deadlines that lapse, phases with a
//!   start date, shock arrivals. They are a sorted list read by a cursor, never pushed.
//! - **drawn** events come from the dynamics: candidate reviews, completions, phases started
//!   after a lag. They live in a sorted array (or, past [`SORTED_UP_TO`], a binary min-heap).
//!
//! A trial only ever adds keys at or after the one being processed (a change today reaches
//! reviews later today or later days), so the two sources merge by comparing their heads.
//!
//! Drawn events are few at any time (at most one per offer, one per started action and one
//! per phase; measured over 300 trials, at most 13 pending on the reference scenario and 2 on
//! the generated benchmark ones), so the queue keeps them in an array sorted in decreasing
//! order: the next event is the last element, taken in O(1), and a new one is put in place
//! by shifting the keys smaller than it (the events due before it: 2.6 on average on the
//! reference scenario). Measured (callgrind) this costs fewer instructions than a binary
//! heap's sift-up plus sift-down. How many keys move is a coin flip for the branch
//! predictor, so the last 8 keys are rewritten without a branch (each position takes the
//! middle of its old key, the one before it and the new key), and only a key that goes
//! further back shifts the rest one by one; the array starts with 8 copies of the empty
//! key so that the window always exists. That costs about 2,100 more instructions per trial
//! than the loop alone, and 8% less time (paired runs, BENCHMARKS.md). Only if more than [`SORTED_UP_TO`] events are pending at
//! once does the queue switch, for the rest of that trial, to a binary min-heap, which keeps
//! the cost logarithmic: the array reversed is in increasing order, which is a valid
//! min-heap, so the switch moves each key once and reorders nothing. The choice depends on
//! how many events are pending, not on the scenario's bound (every offer, action and phase),
//! which is far above what is ever pending: the generated scenarios have bounds above 96 and
//! 2 events pending.
//!
//! Exactness: every structure here returns the smallest key held, and keys are plain `u64`
//! (equal keys are equal values), so the order of the events is the order of their keys,
//! whatever structure holds them.

/// The most drawn events kept in the sorted array; one more switches the trial to the heap.
pub const SORTED_UP_TO: usize = 96;

/// The merged queue. Buffers are reused from trial to trial: no allocation once warm.
#[derive(Debug, Clone)]
pub struct EventQueue {
    /// Drawn events in decreasing order (the next one last), until the switch to `heap`.
    sorted: Vec<u64>,
    /// [`SORTED_UP_TO`] while `sorted` is in use, 0 once the trial switched to `heap` (so
    /// that one compare of the length chooses the path of a push).
    sorted_cap: usize,
    /// Drawn events as a binary min-heap, after the switch; empty before.
    heap: Vec<u64>,
    /// The fixed events in increasing order, then [`EMPTY`].
    fixed: Vec<u64>,
    /// The cursor: `fixed[next_fixed]` is the next fixed event.
    next_fixed: usize,
    /// `fixed[next_fixed]`, kept at hand: every take reads it, only a fixed take moves it.
    fixed_head: u64,
}

/// No event: larger than any key.
const EMPTY: u64 = u64::MAX;

/// Keys before the sorted array's first, all [`EMPTY`]: the window of a push always exists.
const PAD: usize = 8;

impl EventQueue {
    /// A queue for trials with at most `bound` drawn events pending at once.
    pub fn new(bound: usize) -> Self {
        let heap_cap = if bound > SORTED_UP_TO {
            bound.min(1 << 16)
        } else {
            0
        };
        EventQueue {
            sorted: {
                let mut v = Vec::with_capacity(PAD + bound.min(SORTED_UP_TO) + 1);
                v.resize(PAD, EMPTY);
                v
            },
            sorted_cap: SORTED_UP_TO,
            heap: Vec::with_capacity(heap_cap),
            // Empty until the first reset: the end marker alone.
            fixed: vec![EMPTY],
            next_fixed: 0,
            fixed_head: EMPTY,
        }
    }

    /// Empty the queue and load the fixed events (any order; sorted here).
    pub fn reset(&mut self, fixed: impl IntoIterator<Item = u64>) {
        self.clear_drawn();
        self.fixed.clear();
        self.fixed.extend(fixed);
        self.fixed.sort_unstable();
        self.fixed.push(EMPTY);
        self.next_fixed = 0;
        self.fixed_head = self.fixed[0];
    }

    /// Empty the queue and load fixed events given already sorted.
    pub fn reset_sorted(&mut self, fixed: &[u64]) {
        self.clear_drawn();
        self.fixed.clear();
        self.fixed.extend_from_slice(fixed);
        self.fixed.push(EMPTY);
        self.next_fixed = 0;
        self.fixed_head = self.fixed[0];
    }

    /// No drawn event, and back to the sorted array.
    fn clear_drawn(&mut self) {
        self.sorted.truncate(PAD);
        self.heap.clear();
        self.sorted_cap = SORTED_UP_TO;
    }

    /// Add a drawn event. Always inlined: a call's frame cost about a fifth of a push.
    #[inline(always)]
    pub fn push(&mut self, key: u64) {
        if self.sorted.len() < PAD + self.sorted_cap {
            let n = self.sorted.len();
            self.sorted.push(key);
            let base = n - PAD;
            let a = &mut self.sorted[..];
            let w: [u64; PAD] = a[base..n].try_into().unwrap_or([EMPTY; PAD]);
            if w[0] < key {
                // More than the window's keys come before it: shift them one by one.
                let mut i = n;
                while i > 0 && a[i - 1] < key {
                    a[i] = a[i - 1];
                    i -= 1;
                }
                a[i] = key;
                return;
            }
            // The last PAD keys and the new one, without a branch: position `base + 1 + k`
            // takes the key before it if that one is smaller than `key` (it moves up), else
            // its own old key if that one is not (it stays), else `key`. As the keys
            // decrease, that is the middle one of the three: max(own, min(before, key)).
            for k in 0..PAD - 1 {
                a[base + 1 + k] = w[k + 1].max(w[k].min(key));
            }
            a[n] = w[PAD - 1].min(key);
            return;
        }
        self.push_heap(key);
    }

    /// [`EventQueue::push`] once the trial is on the heap, switching to it first if needed.
    #[inline(never)]
    fn push_heap(&mut self, key: u64) {
        if self.sorted_cap != 0 {
            // The sorted array reversed is increasing: already a min-heap.
            self.heap.clear();
            self.heap.extend(self.sorted.drain(PAD..).rev());
            self.sorted_cap = 0;
        }
        let pos = self.heap.len();
        self.heap.push(key);
        sift_up(&mut self.heap, pos, key);
    }

    /// The next event's key, if any.
    #[inline]
    pub fn peek(&self) -> Option<u64> {
        let h = self.head();
        let f = self.fixed_head;
        let k = h.min(f);
        (k != EMPTY).then_some(k)
    }

    /// Take the next event's key, if any: [`EventQueue::peek`] and [`EventQueue::pop`] in one.
    #[inline(always)]
    pub fn take(&mut self) -> Option<u64> {
        let h = self.head();
        let f = self.fixed_head;
        if f <= h {
            if f == EMPTY {
                return None;
            }
            self.next_fixed_event();
            return Some(f);
        }
        self.pop_drawn();
        Some(h)
    }

    /// Move the cursor past a fixed event taken (not the end marker: the one after it exists).
    #[inline(always)]
    fn next_fixed_event(&mut self) {
        self.next_fixed += 1;
        self.fixed_head = self.fixed[self.next_fixed];
    }

    /// The smallest drawn key.
    #[inline(always)]
    fn head(&self) -> u64 {
        if self.sorted.len() > PAD {
            self.sorted[self.sorted.len() - 1]
        } else {
            self.heap.first().copied().unwrap_or(EMPTY)
        }
    }

    /// Remove the smallest drawn key (there is one).
    #[inline(always)]
    fn pop_drawn(&mut self) {
        if self.sorted.len() > PAD {
            self.sorted.pop();
        } else {
            self.pop_heap();
        }
    }

    /// Remove the next event (the one [`EventQueue::peek`] shows).
    ///
    /// Always inlined: it runs once per event, and in the sorted array it is a few
    /// instructions, which cost less than a call; the sift-down of a heap is a function of
    /// its own (`pop_heap`).
    #[inline(always)]
    pub fn pop(&mut self) {
        let h = self.head();
        let f = self.fixed_head;
        if f <= h {
            // Popping an empty queue does nothing (the cursor stays on the end marker).
            if f != EMPTY {
                self.next_fixed_event();
            }
            return;
        }
        self.pop_drawn();
    }

    /// Remove the smallest drawn key from the binary heap (after the switch).
    #[inline(never)]
    fn pop_heap(&mut self) {
        let Some(last) = self.heap.pop() else { return };
        let len = self.heap.len();
        if len == 0 {
            return;
        }
        // Move the hole from the root down to a leaf along the smaller children, then put
        // `last` in and sift it up: fewer compares than a classic sift-down, as `last` came
        // from the bottom and mostly belongs there.
        let mut pos = 0;
        let mut child = 1;
        while child + 1 < len {
            if self.heap[child + 1] < self.heap[child] {
                child += 1;
            }
            self.heap[pos] = self.heap[child];
            pos = child;
            child = 2 * pos + 1;
        }
        if child < len {
            self.heap[pos] = self.heap[child];
            pos = child;
        }
        sift_up(&mut self.heap, pos, last);
    }
}

/// Put `key` into the hole at `pos` of a binary min-heap, moving larger parents down: each
/// level costs one compare and one move.
#[inline]
fn sift_up(heap: &mut [u64], mut pos: usize, key: u64) {
    while pos > 0 {
        let parent = (pos - 1) / 2;
        let p = heap[parent];
        if p <= key {
            break;
        }
        heap[pos] = p;
        pos = parent;
    }
    heap[pos] = key;
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// Pops come out sorted, whatever the mix of fixed and drawn keys, including pushes made
    /// between pops (never below the last key popped, as in a trial).
    #[test]
    fn pops_in_key_order() {
        let mut r = crate::rng::trial_rng(3, 3);
        for bound in [10, 1000] {
            let mut q = EventQueue::new(bound);
            for round in 0..200 {
                let fixed: Vec<u64> = (0..(round % 7)).map(|_| r.next_u64() % 1000).collect();
                q.reset(fixed.iter().copied());
                let mut want: Vec<u64> = fixed.clone();
                for _ in 0..(round % 13) {
                    let k = r.next_u64() % 1000;
                    q.push(k);
                    want.push(k);
                }
                want.sort_unstable();
                let mut got = Vec::new();
                let mut extra = Vec::new();
                loop {
                    // Half the time peek then pop, half the time take: the same keys.
                    let k = if r.next_u64().is_multiple_of(2) {
                        let Some(k) = q.peek() else { break };
                        q.pop();
                        k
                    } else {
                        let Some(k) = q.take() else { break };
                        k
                    };
                    got.push(k);
                    if r.next_u64().is_multiple_of(3) && got.len() < 40 {
                        let later = k + r.next_u64() % 50;
                        q.push(later);
                        extra.push(later);
                    }
                }
                want.extend(extra);
                want.sort_unstable();
                let mut sorted = got.clone();
                sorted.sort_unstable();
                assert_eq!(got, sorted, "round {round}: not in order");
                assert_eq!(got, want, "round {round}: lost or invented keys");
            }
        }
    }

    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// The largest key the tests draw: day 2^31 (longer than any horizon), the rest all ones.
    const MAX_KEY: u64 = (1 << 63) | ((1 << 32) - 1);

    /// One step of a trial: push `last taken + delta` (kept at most [`MAX_KEY`], so never
    /// below the last key taken), or take the next event, or peek then pop it.
    #[derive(Debug, Clone, Copy)]
    enum Op {
        Push(u64),
        Take,
        PeekPop,
    }

    /// Run one trial's script on `q` and on a `BinaryHeap<Reverse<u64>>` holding the same
    /// fixed and drawn keys, checking every key taken, then drain both.
    fn against_reference(q: &mut EventQueue, fixed: &[u64], ops: &[Op], sorted_input: bool) {
        let mut fixed = fixed.to_vec();
        if sorted_input {
            fixed.sort_unstable();
            q.reset_sorted(&fixed);
        } else {
            q.reset(fixed.iter().copied());
        }
        let mut reference: BinaryHeap<Reverse<u64>> = fixed.iter().map(|&k| Reverse(k)).collect();
        let mut last = 0u64;
        for (i, op) in ops.iter().enumerate() {
            let want = reference.peek().map(|r| r.0);
            match *op {
                Op::Push(delta) => {
                    let key = last.saturating_add(delta).min(MAX_KEY.max(last));
                    q.push(key);
                    reference.push(Reverse(key));
                    continue;
                }
                Op::Take => assert_eq!(q.take(), want, "op {i}: take"),
                Op::PeekPop => {
                    assert_eq!(q.peek(), want, "op {i}: peek");
                    q.pop();
                }
            }
            if let Some(k) = want {
                reference.pop();
                last = k;
            }
        }
        while let Some(Reverse(k)) = reference.pop() {
            assert_eq!(q.take(), Some(k), "drain");
        }
        assert_eq!(q.take(), None, "drained queue");
        assert_eq!(q.peek(), None, "drained queue");
    }

    /// A delta between a pushed key and the last taken: the same day (another step or
    /// party), a few days, a few hundred days, or up to the longest horizon (2^31 days).
    fn delta() -> impl Strategy<Value = u64> {
        prop_oneof![
            3 => 0u64..(1 << 32),
            3 => (0u64..64, 0u64..(1 << 32)).prop_map(|(d, low)| (d << 32) | low),
            2 => (0u64..2000, 0u64..(1 << 32)).prop_map(|(d, low)| (d << 32) | low),
            1 => (0u64..(1 << 31), 0u64..(1 << 32)).prop_map(|(d, low)| (d << 32) | low),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            5 => delta().prop_map(Op::Push),
            3 => Just(Op::Take),
            1 => Just(Op::PeekPop),
        ]
    }

    fn fixed_keys() -> impl Strategy<Value = Vec<u64>> {
        proptest::collection::vec(
            prop_oneof![0u64..(3000 << 32), 0u64..=MAX_KEY, Just(0u64)],
            0..40,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Against a binary heap, one queue reused for several trials (so a trial after one
        /// that switched to the heap starts on the sorted array again), with scripts that push
        /// more than they take (past [`SORTED_UP_TO`] pending) and bounds small and large.
        #[test]
        fn matches_a_binary_heap(
            bound in prop_oneof![Just(1usize), Just(10), Just(SORTED_UP_TO), Just(1000)],
            trials in proptest::collection::vec(
                (fixed_keys(), proptest::collection::vec(op(), 0..400), any::<bool>()),
                1..4,
            ),
        ) {
            let mut q = EventQueue::new(bound);
            for (fixed, ops, sorted_input) in &trials {
                against_reference(&mut q, fixed, ops, *sorted_input);
            }
        }
    }

    /// Seeded bursts: hundreds of pushes at once (the switch to the heap in the middle of a
    /// trial), then takes mixed with pushes, days up to 2^31; then a small trial again.
    #[test]
    fn bursts_past_the_sorted_array_match_a_binary_heap() {
        let mut r = crate::rng::trial_rng(5, 9);
        for bound in [4, SORTED_UP_TO, 5000] {
            let mut q = EventQueue::new(bound);
            for round in 0..60u64 {
                let fixed: Vec<u64> = (0..(round % 11))
                    .map(|_| r.next_u64() % (500 << 32))
                    .collect();
                let burst = [0, 5, SORTED_UP_TO, SORTED_UP_TO + 1, 300][round as usize % 5];
                let mut ops: Vec<Op> = Vec::new();
                for _ in 0..burst {
                    ops.push(Op::Push(r.next_u64() % (1 << (32 + round % 32))));
                }
                for _ in 0..400 {
                    ops.push(match r.next_u64() % 4 {
                        0 => Op::Push(r.next_u64() % (40 << 32)),
                        1 => Op::PeekPop,
                        _ => Op::Take,
                    });
                }
                against_reference(&mut q, &fixed, &ops, round % 2 == 0);
            }
        }
    }

    /// A queue never reset is empty, and popping an empty queue leaves it usable.
    #[test]
    fn a_new_queue_is_empty() {
        let mut q = EventQueue::new(10);
        assert_eq!((q.peek(), q.take()), (None, None));
        q.pop();
        q.push(7);
        assert_eq!((q.take(), q.take()), (Some(7), None));
        q.reset_sorted(&[3]);
        q.pop();
        q.pop();
        q.push(5);
        assert_eq!((q.take(), q.take()), (Some(5), None));
    }

    /// Memory does not grow with trials: after a first trial with many events pending, the
    /// buffers keep their capacities over many more such trials.
    #[test]
    fn buffers_do_not_grow_with_trials() {
        let mut r = crate::rng::trial_rng(7, 1);
        let mut q = EventQueue::new(1000);
        let mut trial = |q: &mut EventQueue| {
            let fixed: Vec<u64> = (0..20).map(|_| r.next_u64() % (100 << 32)).collect();
            q.reset(fixed);
            for _ in 0..200 {
                q.push(r.next_u64() % (300 << 32));
            }
            // Stop half-way, as a trial does at its horizon.
            for _ in 0..110 {
                q.take();
            }
        };
        trial(&mut q);
        let caps = (q.sorted.capacity(), q.heap.capacity(), q.fixed.capacity());
        for _ in 0..100 {
            trial(&mut q);
        }
        assert_eq!(
            caps,
            (q.sorted.capacity(), q.heap.capacity(), q.fixed.capacity())
        );
    }
}
