//! The calibration folder (docs/MODEL.md 6.8).
