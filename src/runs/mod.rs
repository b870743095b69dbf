//! Runs and designs: which points a run visits, and how its trials are run, cut and joined.
//!
//! | module | what it is |
//! |---|---|
//! | [`sweep`] | which points a run visits: grids, ranges, Latin hypercubes |
//! | [`design_file`] | designs from a file: the points a CSV file lists (SALib, pyabc, R...) |
//! | [`points`] | cheap points: a compiled base patched to each point's values, never re-parsed |
//! | [`evaluate`] | observable averages per point: a design in, one row of means and shares per point out |
//! | [`run`] | the Monte Carlo runner: batches on every core, written in order |
//! | [`study`] | study files: a whole what-if study as one reviewed TOML file |
//! | [`shard`] | one run cut into contiguous blocks for a cluster, and joined again byte for byte |

pub mod design_file;
pub mod evaluate;
pub mod points;
pub mod precision;
pub mod run;
pub mod shard;
pub mod study;
pub mod sweep;
