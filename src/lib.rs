//! # negsim
//!
//! A discrete-event, Monte Carlo simulator of multilateral negotiations run under the
//! "action for action" principle. Its reference case is the 2007 implementation phase of the
//! Six-Party Talks: six parties owe each other concrete actions, grouped in phases with
//! deadlines; at its review dates each party fulfils or delays what is due, as far as it
//! trusts the parties whose actions its own is paired with. negsim runs many seeded trials
//! and writes tidy CSV files.
//!
//! The model's exact semantics, model version 0.3, are in `docs/MODEL.md` in the repository:
//! section 2 (rules 2.1 to 2.16: time and the order of a day, parties, actions, the chance to
//! act, trust, walkouts, durations, shocks, phases, exactness, then the 0.3 mechanisms), the
//! scenario files (3), the seeding rule (4, and [`rng`]), the outputs (5) and calibration (6). Code comments
//! cite it by section ("docs/MODEL.md 2.13"). The engine does exactly that, and [`engine`]
//! explains how (the order of a day, and why skipping ahead is exact). The documents the
//! reference scenarios encode are cited in `docs/SOURCES.md`; to cite negsim itself, see
//! `CITATION.cff`.
//!
//! ## Layout
//!
//! Read in this order; each module is one concept of the model or of a run.
//!
//! | module | what it is |
//! |---|---|
//! | [`scenario`] | scenario files: the raw TOML layer, validation, overlays and field paths |
//! | [`model`] | the compiled scenario the engine runs: parties, phases, actions, shocks by index |
//! | [`duration`] | how long an action takes once started |
//! | [`engine`] | one trial: the day loop, trust, reviews, shocks (skip-ahead and literal) |
//! | [`rng`] | the seeding rule: one ChaCha8 stream per trial |
//! | [`runs`] | runs and designs: sweeps, Latin hypercubes, design files, studies, the runner, shards |
//! | [`inference`] | `negsim calibrate`: ABC-SMC (and history matching) of chosen parameters against an observed history |
//! | [`stats`] | constant-memory summaries: exact quantiles, Wilson intervals |
//! | [`output`] | `trials.csv`, `summary.csv`, `actions.csv`, `points.csv`, `manifest.json`; the observables (`output::observe`) |
//! | [`report`] | pictures of a finished run: SVG charts and a self-contained HTML page |
//! | [`inspect`] | `negsim check`: a scenario described for a reader, and warnings for what is legal but suspicious |
//! | [`trace`] | `negsim trace`: one trial replayed, its events as a dated timeline or CSV |
//! | [`graph`] | `negsim graph`: the action-for-action links as Graphviz DOT |
//! | [`error`] | errors that say where and why |
//!
//! ## A trial from Rust
//!
//! ```
//! use negsim::{engine::Trial, engine::TrialResult, rng, scenario};
//!
//! let s = scenario::from_str(scenario::DEFAULT_SCENARIO, "second-phase-2007.toml").unwrap();
//! let master = rng::master(1);
//! let mut trial = Trial::new(&s);
//! let mut result = TrialResult::new(&s);
//! trial.run(&master, 0, &mut result);
//! assert!(result.end_day <= s.horizon);
//! // The same seed and trial index give the same trial, always.
//! let mut again = TrialResult::new(&s);
//! Trial::new(&s).run(&master, 0, &mut again);
//! assert_eq!(result, again);
//! ```

#![deny(missing_docs)]

/// `eprintln!` that never panics: a message to standard error, dropped when it is closed (a
/// pipe whose reader has gone, as in `negsim run 2>&1 | head -1`). A command's result is its
/// files and exit code; a message nobody can read must not turn it into a crash.
#[doc(hidden)]
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr(), $($arg)*);
    }};
}

/// `println!` that never panics: standard output, dropped when it is closed (see [`note!`]).
#[doc(hidden)]
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stdout(), $($arg)*);
    }};
}

pub mod duration;
pub mod engine;
pub mod error;
pub mod graph;
pub mod inference;
pub mod inspect;
pub mod model;
pub mod output;
pub mod report;
pub mod rng;
pub mod runs;
pub mod scenario;
pub mod stats;
pub mod trace;

pub use error::{Error, Result};

/// The version of negsim (the library, the CLI and the Python package alike).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub use model::Scenario;
