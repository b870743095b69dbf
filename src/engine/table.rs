//! Tables the event loop indexes without a bound check.
//!
//! A trial reads and writes its per-action, per-offer and per-party state, the plan's rows
//! and the trust matrix a few hundred times, each time at an index that came from the plan
//! (a slot, an action, a party, a trust entry `i * n + j`) or from an event key the trial
//! made from one. Checked, each access is a load of the length, a compare and a branch:
//! about 4,000 of the 33,700 instructions of a default trial (BENCHMARKS.md, round six).
//!
//! A [`Table`] is a fixed-length slice whose `[i]` is checked by a `debug_assert!` only, so a
//! release build reads `i` directly. That is sound because of one invariant, checked where
//! it is made rather than where it is used:
//!
//! **Every index the engine uses is below the length of the table it indexes.** The plan is
//! built from a validated scenario, and [`super::plan::Plan::new`] ends by checking every
//! index it stores against the table that index is for (`Plan::check_indices`, a real check
//! in every build, once per plan); a trial's tables are sized from the scenario it is given,
//! and a plan handed to a trial from outside is first checked to fit that scenario
//! (`Plan::check_fits`: the same shape, and every index the scenario itself stores in
//! range), so the event keys it queues carry indices it read from them. Debug builds, which
//! every test runs (the equivalence tests on random scenarios using every feature, the fuzz
//! target), also check each access.
//!
//! Ranges, iteration and the slice methods go through the checked slice (`Deref`); only a
//! single element by `usize` is unchecked. The type is the crate's own: a table a public
//! type holds sits in a field of the crate's (`pub(crate)`), and public methods that take
//! an index from their caller index the checked slice, so no caller outside the engine can
//! reach an unchecked read.

use std::ops::{Deref, DerefMut, Index, IndexMut, Range, RangeFrom, RangeFull, RangeTo};

/// A fixed-length table whose elements are indexed without a bound check in release builds
/// (see the [module docs](self) for why that is sound).
#[derive(Clone, Default, PartialEq)]
pub(crate) struct Table<T>(Box<[T]>);

impl<T> Table<T> {
    /// The table of `items`.
    pub fn new(items: Vec<T>) -> Self {
        Table(items.into_boxed_slice())
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<T> Index<usize> for Table<T> {
    type Output = T;
    #[inline(always)]
    fn index(&self, i: usize) -> &T {
        debug_assert!(i < self.0.len(), "index {i} of a table of {}", self.0.len());
        // SAFETY: every index the engine uses is in range (module docs); debug builds check.
        unsafe { self.0.get_unchecked(i) }
    }
}

impl<T> IndexMut<usize> for Table<T> {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut T {
        debug_assert!(i < self.0.len(), "index {i} of a table of {}", self.0.len());
        // SAFETY: as for `index`.
        unsafe { self.0.get_unchecked_mut(i) }
    }
}

macro_rules! checked_ranges {
    ($($r:ty),*) => {$(
        impl<T> Index<$r> for Table<T> {
            type Output = [T];
            #[inline]
            fn index(&self, r: $r) -> &[T] {
                &self.0[r]
            }
        }
        impl<T> IndexMut<$r> for Table<T> {
            #[inline]
            fn index_mut(&mut self, r: $r) -> &mut [T] {
                &mut self.0[r]
            }
        }
    )*};
}
checked_ranges!(Range<usize>, RangeTo<usize>, RangeFrom<usize>, RangeFull);

impl<T> Deref for Table<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> DerefMut for Table<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T> From<Vec<T>> for Table<T> {
    fn from(items: Vec<T>) -> Self {
        Table::new(items)
    }
}

impl<T> FromIterator<T> for Table<T> {
    fn from_iter<I: IntoIterator<Item = T>>(it: I) -> Self {
        Table::new(it.into_iter().collect())
    }
}

impl<'a, T> IntoIterator for &'a Table<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Table<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_ranges_and_iterates_like_a_slice() {
        let mut t: Table<u32> = (0..5).collect();
        t[2] = 7;
        assert_eq!(t[2], 7);
        assert_eq!(&t[1..3], &[1, 7]);
        assert_eq!(t.iter().sum::<u32>(), 15);
        for x in &mut t {
            *x += 1;
        }
        assert_eq!(&t[..], &[1, 2, 8, 4, 5]);
        assert_eq!(t.get(5), None); // the slice's checked `get`
    }

    /// Debug builds (every test) check each access: a bug shows as a panic in the tests,
    /// never as a silent read past the end.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "index 3 of a table of 3")]
    fn out_of_range_panics_in_debug_builds() {
        let t: Table<u8> = Table::new(vec![1, 2, 3]);
        let _ = t[3];
    }
}
