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
    #[error("{location}: {}", compact_numbers(.message))]
    Scenario {
        /// Where the fault is.
        location: Location,
        /// What is wrong and what would be valid.
        message: String,
    },
    /// A command-line value is not valid (a sweep path, a range, a shard).
    #[error("{}", compact_numbers(.0))]
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

/// `x` as a message writes it: as Rust prints it, or in shortest exponent form when that is 22
/// characters or more (`1e300`, not 301 digits), as [`compact_numbers`] does in a message.
pub fn short_number(x: f64) -> String {
    let s = x.to_string();
    if s.len() >= 22 { format!("{x:e}") } else { s }
}

/// A message with each number of 22 characters or more written in the shortest exponent form
/// that reads back the same (`5e-324`, not 324 digits): messages print a value as given, and
/// a value of `1e300` would otherwise fill the screen. Digits that are part of a word, and
/// whole numbers inside backticks (an id may be all digits), are left as they are.
pub fn compact_numbers(message: &str) -> String {
    let b = message.as_bytes();
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'`' {
            quoted = !quoted;
        }
        let word_before =
            i > 0 && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'_' | b'.' | b'-'));
        let starts = !word_before
            && (c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
            j += 1;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
        }
        let token = &message[i..j];
        // Inside backticks only a number with a point: an id may be all digits, never a point.
        if token.len() >= 22
            && (!quoted || token.contains('.'))
            && let Ok(x) = token.parse::<f64>()
            && x.is_finite()
        {
            out.push_str(&message[copied..i]);
            out.push_str(&format!("{x:e}"));
            copied = j;
        }
        i = j;
    }
    out.push_str(&message[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::compact_numbers;

    #[test]
    fn long_numbers_are_written_with_an_exponent() {
        let long_float = format!("{}.0", 1e30);
        assert_eq!(
            compact_numbers(&format!("`pause_days`: floating point `{long_float}`")),
            "`pause_days`: floating point `1e30`"
        );
        let tiny = format!("{}", 5e-324);
        let huge = format!("{}", -1.5e300);
        assert!(tiny.len() > 300 && huge.len() > 300);
        assert_eq!(
            compact_numbers(&format!(
                "compliance = {tiny} is outside [0, 1]; {huge} too"
            )),
            "compliance = 5e-324 is outside [0, 1]; -1.5e300 too"
        );
        // Kept: short numbers, 20-digit integers, words and ids, line and column.
        for kept in [
            "f.toml:12:3: seed 18446744073709551616 is too large",
            "party `DPRK1234567890123456789012345` and a-00000000000000000000000001",
            "action `12345678901234567890123456` is not declared",
            "0.30000000000000004 and 1e300",
        ] {
            assert_eq!(compact_numbers(kept), kept);
        }
    }
}
