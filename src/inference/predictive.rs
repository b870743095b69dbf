//! The posterior predictive run (docs/MODEL.md 6.8): `predictive_trials` points drawn from the
//! final population by weight, one trial each, written as a normal run folder.
