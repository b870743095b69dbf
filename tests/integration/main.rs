//! negsim's integration tests: one binary, one module per area.
//!
//! Statistical tests use a fixed seed and a tolerance in standard errors, so they cannot
//! flake: a failure means the distribution changed.

mod common;
mod equivalence;
mod inspect;
mod rules;
mod validation;
mod cli_run;
mod shards;
mod sweeps;
mod report;
