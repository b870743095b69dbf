//! negsim's integration tests: one binary, one module per area.
//!
//! Statistical tests use a fixed seed and a tolerance in standard errors, so they cannot
//! flake: a failure means the distribution changed.

mod allocation;
mod bounds;
mod calibrate;
mod calibrate_sbc;
mod cli_run;
mod common;
mod compat;
mod design_file;
mod equivalence;
mod history;
mod inspect;
mod observe;
mod readme;
mod report;
mod rules;
mod rules03;
mod safety;
mod shards;
mod sweeps;
mod validation;
