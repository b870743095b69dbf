//! The text of the non-integer floats the CSV files write, kept for values seen recently.
//!
//! `summary.csv` repeats many figures: the Wilson interval of `k` successes in `n` trials is
//! the same in every row and point with that `k` and `n`, and so are the means `k / n` and
//! the standard deviations of the 0/1 indicators. Writing a float in its shortest
//! round-trip form costs about a thousand instructions; the text is a function of the
//! float's bits alone, so a per-thread table from bits to text, checked first, gives the
//! same bytes for a few instructions when the value was written lately.

use std::cell::RefCell;
use std::io::Write;

/// Entries in the table (direct-mapped by a hash of the bits).
const ENTRIES: usize = 256;
/// The longest text kept (longer ones, such as tiny values written without an exponent, are
/// formatted every time).
const LONGEST: usize = 24;

struct Table {
    bits: [u64; ENTRIES],
    /// 0: empty (no float's text is empty).
    len: [u8; ENTRIES],
    text: [[u8; LONGEST]; ENTRIES],
}

thread_local! {
    static TABLE: RefCell<Table> = const {
        RefCell::new(Table {
            bits: [0; ENTRIES],
            len: [0; ENTRIES],
            text: [[0; LONGEST]; ENTRIES],
        })
    };
}

/// Append `x` as `{x}` (Display) writes it.
pub(crate) fn push_display(buf: &mut Vec<u8>, x: f64) {
    let bits = x.to_bits();
    let slot = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % ENTRIES;
    TABLE.with(|t| {
        let Ok(mut t) = t.try_borrow_mut() else {
            let _ = write!(buf, "{x}");
            return;
        };
        let len = t.len[slot] as usize;
        if len != 0 && t.bits[slot] == bits {
            buf.extend_from_slice(&t.text[slot][..len]);
            return;
        }
        let at = buf.len();
        let _ = write!(buf, "{x}");
        let text = &buf[at..];
        if text.len() <= LONGEST {
            t.bits[slot] = bits;
            t.len[slot] = text.len() as u8;
            t.text[slot][..text.len()].copy_from_slice(text);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever was written before, in whatever order, each float's text is its Display text.
    #[test]
    fn the_table_gives_the_display_text() {
        let mut r = crate::rng::trial_rng(5, 0);
        let mut values: Vec<f64> = vec![0.1, -0.0, 1e-300, 1e300, f64::NAN, f64::INFINITY, 0.5];
        for _ in 0..2000 {
            let u = crate::rng::uniform(&mut r);
            // Few distinct values, so most are seen again (and many collide in the table).
            values.push((u * 40.0).floor() / 7.0);
            values.push(u);
        }
        for round in 0..2 {
            for &x in &values {
                let mut got = Vec::new();
                push_display(&mut got, x);
                assert_eq!(got, format!("{x}").as_bytes(), "{x:e}, round {round}");
            }
        }
    }
}
