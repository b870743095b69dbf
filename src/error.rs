//! Errors: one enum for the library, whose messages say where and why.
//!
//! A scenario error names the file, the line and column where there is one, the id or field
//! at fault, the rule broken and what would be valid. [`Error::exit_code`] maps bad input to
//! exit code 2 and everything else (I/O, a refused overwrite) to 1, as the command line uses it.

use std::fmt;
use std::path::PathBuf;

/// Where in a scenario file something is: file label, and 1-based line and column when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it (or a description such as `--vary party.DPRK.compliance`).
    pub file: String,
    /// 1-based line and column, when the parser gave a position.
    pub line_col: Option<(usize, usize)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_col {
            Some((line, col)) => write!(f, "{}:{}:{}", self.file, line, col),
            None => write!(f, "{}", self.file),
        }
    }
}

/// Everything that can go wrong in negsim.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario (or overlay, or study) file is not valid: syntax, unknown key, unknown id,
    /// cycle, value out of range.
    #[error("{location}: {message}")]
    Scenario {
        /// Where the fault is.
        location: Location,
        /// What is wrong and what would be valid.
        message: String,
    },
    /// A command-line value is not valid (a sweep path, a range, a shard).
    #[error("{0}")]
    Usage(String),
    /// A run folder or input folder is not in the state the command needs.
    #[error("{0}")]
    Refused(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit code for this error: 2 for bad input, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Scenario { .. } | Error::Usage(_) => 2,
            Error::Refused(_) | Error::Io { .. } => 1,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
