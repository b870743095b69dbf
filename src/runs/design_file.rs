//! Designs from a file (docs/MODEL.md 5.3): `--design file:POINTS.csv` runs the points a CSV
//! file lists, so a sample drawn by SALib, pyabc, EMA Workbench or R is run by negsim.
//!
//! The header names sweep paths (each checked like a `--vary` path); data row `i` (from 0) is
//! point `i`. Values of whole-day fields are rounded to the nearest day, halves away from
//! zero, as in Latin hypercubes; `points.csv` records the value each point ran with. The
//! points are a [`Space::File`] of a [`Sweep`], built and compiled like any sweep's.
//!
//! Refused, with the file, the line and the column (and its path) in the message: an empty
//! file, a header without rows, an empty or duplicate column name, a ragged row, a cell that
//! is not a finite number, more than [`MAX_POINTS`] rows, a value the scenario does not
//! accept (found when every point is compiled before any trial runs).

use crate::error::{Error, Location, Result};
use crate::runs::run::Point;
use crate::runs::sweep::{MAX_POINTS, Space, Sweep, Vary};
use crate::scenario::{Document, Override, ParamPath};
use std::path::Path;

/// A design file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignFile {
    /// The file as the user named it.
    pub file: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// The sweep paths of its header, in column order.
    pub paths: Vec<ParamPath>,
    /// One column of values per path, one value per point.
    pub columns: Vec<Vec<f64>>,
    /// The line of the file each point's row starts on (1-based; the header is line 1).
    pub lines: Vec<u64>,
}

fn refuse(file: &str, message: String) -> Error {
    Error::Scenario {
        location: Location {
            file: file.to_string(),
            line_col: None,
        },
        message,
    }
}

/// Read a design file.
///
/// # Errors
/// [`Error::Io`] or [`Error::Scenario`] when it cannot be read (see
/// [`crate::scenario::read_input`]); as [`parse`] otherwise.
pub fn read(path: &Path) -> Result<DesignFile> {
    let text = crate::scenario::read_input(path, "design")?;
    parse(&text, &path.display().to_string())
}

/// The offsets of the `\n`s of `bytes`, in increasing order.
fn line_ends_of(bytes: &[u8]) -> Vec<usize> {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(k, &b)| (b == b'\n').then_some(k))
        .collect()
}

/// Parse the text of a design file labelled `file` (its paths are not yet checked against a
/// scenario: see [`DesignFile::check`]).
///
/// # Errors
/// [`Error::Scenario`] naming the file, the line and the column for each refusal listed in
/// the module's documentation.
pub fn parse(text: &str, file: &str) -> Result<DesignFile> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = r.records();
    // The line a record starts on, counted in the text: the reader's own count skips blank
    // lines and counts CRLF files' lines short, and its byte offset may stop before the `\n`
    // of the line before (a CRLF end), so line ends there are stepped over first. The line
    // ends are found once, so that numbering every record stays linear in the file.
    let bytes = text.as_bytes();
    let line_ends: Vec<usize> = line_ends_of(bytes);
    let line_at = |p: Option<&csv::Position>| {
        p.map_or(0, |p| {
            let mut at = usize::try_from(p.byte())
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                at += 1;
            }
            line_ends.partition_point(|&e| e < at) as u64 + 1
        })
    };
    let bad_csv = |e: csv::Error| {
        let line = line_at(e.position());
        refuse(file, format!("line {line}: not valid CSV: {e}"))
    };
    let header = match records.next() {
        None => {
            return Err(refuse(
                file,
                "the file is empty; write a header of sweep paths (e.g. party.DPRK.compliance,shock.banking-dispute.rate_per_year) and one row of values per point".into(),
            ));
        }
        Some(h) => h.map_err(bad_csv)?,
    };
    let mut paths: Vec<ParamPath> = Vec::new();
    for (k, name) in header.iter().enumerate() {
        let col = k + 1;
        if name.is_empty() {
            return Err(refuse(
                file,
                format!(
                    "line 1, column {col}: the header has an empty column name; each column names a sweep path"
                ),
            ));
        }
        let p = ParamPath::parse(name)
            .map_err(|e| refuse(file, format!("line 1, column {col} (`{name}`): {e}")))?;
        if let Some(j) = paths.iter().position(|q| *q == p) {
            return Err(refuse(
                file,
                format!(
                    "line 1, column {col}: `{name}` is also column {}; give each path one column",
                    j + 1
                ),
            ));
        }
        paths.push(p);
    }
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); paths.len()];
    let mut lines = Vec::new();
    for rec in records {
        let rec = rec.map_err(bad_csv)?;
        let line = line_at(rec.position());
        if lines.len() as u64 == MAX_POINTS {
            return Err(refuse(
                file,
                format!(
                    "line {line}: more than {MAX_POINTS} points (data rows); split the design into several files"
                ),
            ));
        }
        if rec.len() != paths.len() {
            return Err(refuse(
                file,
                format!(
                    "line {line}: {} value{} for {} column{} of the header",
                    rec.len(),
                    if rec.len() == 1 { "" } else { "s" },
                    paths.len(),
                    if paths.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        for (k, cell) in rec.iter().enumerate() {
            let at = || format!("line {line}, column {} (`{}`)", k + 1, paths[k]);
            let x: f64 = cell
                .parse()
                .map_err(|_| refuse(file, format!("{}: `{cell}` is not a number", at())))?;
            if !x.is_finite() {
                return Err(refuse(
                    file,
                    format!("{}: `{cell}` is not a finite number", at()),
                ));
            }
            columns[k].push(x);
        }
        lines.push(line);
    }
    if lines.is_empty() {
        return Err(refuse(
            file,
            "the file has a header but no rows; write one row of values per point".into(),
        ));
    }
    Ok(DesignFile {
        file: file.to_string(),
        sha256: crate::output::manifest::sha256_hex(text.as_bytes()),
        paths,
        columns,
        lines,
    })
}

impl DesignFile {
    /// Check every path against the scenario like a `--vary` path, and round the values of
    /// whole-day fields to the nearest day, halves away from zero.
    ///
    /// # Errors
    /// [`Error::Scenario`] naming the file, line 1 and the column of an unknown path, with the
    /// valid paths near it.
    pub fn check(&mut self, doc: &Document) -> Result<()> {
        for (k, p) in self.paths.iter().enumerate() {
            doc.check_path(p)
                .map_err(|e| refuse(&self.file, format!("line 1, column {}: {e}", k + 1)))?;
            if doc.is_whole(p) {
                for x in &mut self.columns[k] {
                    *x = x.round();
                }
            }
        }
        Ok(())
    }

    /// The varied parameters, one per column (their `spec` is `file:<file>`).
    pub fn varies(&self) -> Vec<Vary> {
        self.paths
            .iter()
            .map(|p| Vary {
                path: p.clone(),
                spec: format!("file:{}", self.file),
                values: Vec::new(),
                range: None,
            })
            .collect()
    }

    /// The points' values, as a sweep space.
    pub fn space(&self) -> Space {
        Space::File(self.columns.clone())
    }

    /// Compile every point of `sweep` (made of [`DesignFile::varies`] and
    /// [`DesignFile::space`]) once, as [`Sweep::validate`] does, keeping the probes.
    ///
    /// # Errors
    /// [`Error::Scenario`] for the first point that does not compile, naming the file, its
    /// line and, when one value alone is refused, its column, path and value.
    pub fn validate(&self, sweep: &Sweep) -> Result<Vec<Point>> {
        use rayon::prelude::*;
        let failed = (0..sweep.space.len())
            .into_par_iter()
            .find_map_first(|i| sweep.build(i).err().map(|_| i));
        if let Some(i) = failed {
            return Err(self.locate(sweep.doc, i));
        }
        sweep
            .space
            .probes()
            .into_iter()
            .map(|i| sweep.build(i))
            .collect()
    }

    /// The error of point `i`, placed in the file: the first column whose value alone is
    /// refused, else the row as a whole.
    fn locate(&self, doc: &Document, i: u64) -> Error {
        let row = i as usize;
        let line = self.lines.get(row).copied().unwrap_or(0);
        let value = |k: usize| self.columns[k][row];
        for (k, p) in self.paths.iter().enumerate() {
            let one = [Override {
                path: p.clone(),
                value: value(k),
            }];
            if let Err(e) = doc.compile_with(&one) {
                return refuse(
                    &self.file,
                    format!(
                        "line {line}, column {} (`{p}`), point {i}: value {} is refused: {e}",
                        k + 1,
                        value(k)
                    ),
                );
            }
        }
        let all: Vec<Override> = self
            .paths
            .iter()
            .enumerate()
            .map(|(k, p)| Override {
                path: p.clone(),
                value: value(k),
            })
            .collect();
        let why = match doc.compile_with(&all) {
            Err(e) => e.to_string(),
            Ok(_) => "it does not compile".into(),
        };
        refuse(
            &self.file,
            format!("line {line}, point {i}: the row's values together are refused: {why}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "d.csv").unwrap_err().to_string()
    }

    #[test]
    fn rows_are_points_and_columns_paths() {
        let d = parse("a.b, c.d\n0.1,2\n 0.3 ,4\n", "d.csv").unwrap();
        assert_eq!(d.paths.len(), 2);
        assert_eq!(d.columns, vec![vec![0.1, 0.3], vec![2.0, 4.0]]);
        assert_eq!(d.lines, vec![2, 3]);
        let crlf = parse("a.b\r\n\r\n0.1\r\n0.3\r\n", "d.csv").unwrap();
        assert_eq!(crlf.lines, vec![3, 4]);
        assert_eq!(d.space().len(), 2);
        assert_eq!(d.space().values(1), vec![0.3, 4.0]);
    }

    #[test]
    fn refusals_name_the_file_line_and_column() {
        for (text, want) in [
            ("", "d.csv: the file is empty"),
            ("a.b\n", "d.csv: the file has a header but no rows"),
            ("a.b,a.b\n1,2\n", "line 1, column 2: `a.b` is also column 1"),
            (
                "a.b,\n1,2\n",
                "line 1, column 2: the header has an empty column name",
            ),
            ("a.b,c.d\n1,2\n3\n", "line 3: 1 value for 2 columns"),
            // Lines as a text editor counts them: CRLF ends, blank lines between rows.
            (
                "a.b\r\n0.3\r\nfoo\r\n",
                "line 3, column 1 (`a.b`): `foo` is not a number",
            ),
            (
                "a.b\n0.3\n\n\n\nfoo\n",
                "line 6, column 1 (`a.b`): `foo` is not a number",
            ),
            (
                "a.b,c.d\n1,2\n3,x\n",
                "line 3, column 2 (`c.d`): `x` is not a number",
            ),
            (
                "a.b,c.d\n1,inf\n",
                "line 2, column 2 (`c.d`): `inf` is not a finite number",
            ),
            (
                "a.b\nNaN\n",
                "line 2, column 1 (`a.b`): `NaN` is not a finite number",
            ),
        ] {
            let m = err(text);
            assert!(m.contains(want), "{text:?}: {m}");
        }
    }
}
