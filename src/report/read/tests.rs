//! Tests of the run-folder reader's helpers: the spread of the points a report details, and
//! the day counts per outcome.

use super::*;

fn pts(n: u64) -> Vec<PointInfo> {
    (0..n)
        .map(|point| PointInfo {
            point,
            values: vec![],
            trials: 1,
        })
        .collect()
}

#[test]
fn spread_keeps_first_and_last() {
    assert_eq!(spread(&pts(3), 5), vec![0, 1, 2]);
    assert_eq!(spread(&pts(9), 5), vec![0, 2, 4, 6, 8]);
    let s = spread(&pts(100), 5);
    assert_eq!(s.len(), 5);
    assert_eq!((s[0], s[4]), (0, 99));
}

#[test]
fn cumulative_share_counts_up_to_each_day() {
    assert_eq!(
        cumulative_share(&[1, 0, 2], 4, 4),
        vec![0.25, 0.25, 0.75, 0.75, 0.75]
    );
    assert_eq!(cumulative_share(&[], 0, 1), vec![0.0, 0.0]);
}

#[test]
fn day_counts_count_per_outcome_and_day() {
    let mut c = DayCounts::default();
    c.add(Outcome::Completed, 10);
    assert_eq!(c.last_day, 10);
    c.add(Outcome::Stalled, 30);
    c.add(Outcome::Collapsed, 5);
    assert_eq!((c.last_day, c.n), (30, 3));
    assert_eq!(c.completed[10], 1);
    assert_eq!(c.collapsed[5], 1);
}
