//! A run's CSV file read back as typed columns, handed to Python as raw little-endian
//! buffers that numpy wraps without parsing text (`numpy.frombuffer`): this is what makes a
//! DataFrame of a million trials cost a fraction of a second.
//!
//! Each column's type follows from its name (docs/MODEL.md 5): days and counts are integers
//! (nullable where the event may not have happened), sweep parameters and quantities are
//! floats, `late` is a boolean, words (`outcome`, `collapsed_by`, dates, ids) are
//! categories. A column of any other name (an observable) is typed by what it holds.

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyList};

/// How a column is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Float,
    Bool,
    Word,
}

/// The type a column's name gives it, if its name says.
fn kind_of(name: &str, params: &[String]) -> Option<Kind> {
    if params.iter().any(|p| p == name) {
        return Some(Kind::Float);
    }
    match name {
        "outcome" | "collapsed_by" | "end_date" | "metric" | "action" | "date" | "event"
        | "party" | "phase" | "shock" | "detail" => return Some(Kind::Word),
        "mean" | "sd" | "ci95_low" | "ci95_high" | "p05" | "p25" | "p50" | "p75" | "p95"
        | "value" => return Some(Kind::Float),
        "late" => return Some(Kind::Bool),
        _ => {}
    }
    if name.starts_with("quantity.") || name.contains(".quantity.") {
        return Some(Kind::Float);
    }
    if name.ends_with(".late") {
        return Some(Kind::Bool);
    }
    let ints = [
        "day",
        "days",
        "delays",
        "lapses",
        "actions_done",
        "point",
        "trial",
        "trials",
        "n",
        "count",
    ];
    // A whole word of the name: `end_day`, `party.DPRK.delays`, `n`; not any name that
    // merely ends in the letters (`party.US.trust_gain` ends in "n").
    if ints.iter().any(|s| {
        name == *s
            || name
                .strip_suffix(s)
                .is_some_and(|head| head.ends_with(['.', '_']))
    }) {
        return Some(Kind::Int);
    }
    None
}

/// The type of a column no name rule covers: integers, else numbers, else booleans, else words.
fn kind_by_content(values: &[&[u8]]) -> Kind {
    let present = || values.iter().filter(|v| !v.is_empty());
    if present().all(|v| parse_int(v).is_some()) {
        Kind::Int
    } else if present().all(|v| parse_float(v).is_some()) {
        Kind::Float
    } else if present().all(|v| *v == b"true" || *v == b"false") {
        Kind::Bool
    } else {
        Kind::Word
    }
}

#[inline]
fn parse_int(v: &[u8]) -> Option<i64> {
    let (neg, digits) = match v.first() {
        Some(b'-') => (true, &v[1..]),
        _ => (false, v),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut x: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        x = x * 10 + i64::from(b - b'0');
    }
    Some(if neg { -x } else { x })
}

#[inline]
fn parse_float(v: &[u8]) -> Option<f64> {
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// One column being filled.
struct Column {
    name: String,
    kind: Option<Kind>,
    ints: Vec<i64>,
    floats: Vec<f64>,
    missing: Vec<u8>,
    codes: Vec<i32>,
    words: Vec<String>,
    index: std::collections::HashMap<Vec<u8>, i32>,
    any_missing: bool,
}

/// One record's fields pushed onto the columns.
fn push_record<'a>(
    cols: &mut [Column],
    fields: impl Iterator<Item = &'a [u8]>,
    line: u64,
) -> Result<(), String> {
    let mut n = 0;
    for (i, v) in fields.enumerate() {
        let c = cols
            .get_mut(i)
            .ok_or_else(|| format!("line {line}: more fields than the header's {}", n + 1))?;
        c.push(v).map_err(|m| format!("line {line}: {m}"))?;
        n = i + 1;
    }
    if n != cols.len() {
        return Err(format!(
            "line {line}: {n} fields, the header has {}",
            cols.len()
        ));
    }
    Ok(())
}

/// `body` cut into about `n` blocks at line ends: each with the file line it starts on and
/// its number of lines.
fn split_lines(body: &[u8], n: usize) -> Vec<(u64, usize, &[u8])> {
    let target = body.len().div_ceil(n.max(1)).max(1 << 16);
    let mut out = Vec::new();
    let mut start = 0;
    let mut line = 2u64;
    while start < body.len() {
        let mut end = (start + target).min(body.len());
        while end < body.len() && body[end - 1] != b'\n' {
            end += 1;
        }
        let block = &body[start..end];
        let lines = block.iter().filter(|&&b| b == b'\n').count();
        out.push((line, lines + 1, block));
        line += lines as u64;
        start = end;
    }
    out
}

impl Column {
    /// An empty column of the same name and type, room made for `rows` values.
    fn empty_like(&self, rows: usize) -> Column {
        let (ints, floats, missing, codes) = match self.kind.unwrap_or(Kind::Word) {
            Kind::Int | Kind::Bool => (rows, 0, rows, 0),
            Kind::Float => (0, rows, 0, 0),
            Kind::Word => (0, 0, 0, rows),
        };
        Column {
            name: self.name.clone(),
            kind: self.kind,
            ints: Vec::with_capacity(ints),
            floats: Vec::with_capacity(floats),
            missing: Vec::with_capacity(missing),
            codes: Vec::with_capacity(codes),
            words: Vec::new(),
            index: Default::default(),
            any_missing: false,
        }
    }

    fn push(&mut self, v: &[u8]) -> Result<(), String> {
        let missing = v.is_empty();
        self.any_missing |= missing;
        match self.kind.unwrap_or(Kind::Word) {
            Kind::Int => {
                let x = if missing {
                    0
                } else {
                    parse_int(v).ok_or_else(|| self.bad(v, "a whole number"))?
                };
                self.ints.push(x);
                self.missing.push(u8::from(missing));
            }
            Kind::Float => {
                let x = if missing {
                    f64::NAN
                } else {
                    parse_float(v).ok_or_else(|| self.bad(v, "a number"))?
                };
                self.floats.push(x);
            }
            Kind::Bool => {
                let x = match v {
                    b"true" => 1,
                    b"false" | b"" => 0,
                    _ => return Err(self.bad(v, "true or false")),
                };
                self.ints.push(x);
                self.missing.push(u8::from(missing));
            }
            Kind::Word => {
                let small = self.words.len() <= 16;
                let code = if missing {
                    -1
                } else if small && let Some(c) = self.words.iter().position(|w| w.as_bytes() == v) {
                    // Few words (outcomes, parties): a scan beats hashing.
                    c as i32
                } else if !small && let Some(&c) = self.index.get(v) {
                    c
                } else {
                    let c = self.words.len() as i32;
                    self.words.push(String::from_utf8_lossy(v).into_owned());
                    self.index.insert(v.to_vec(), c);
                    c
                };
                self.codes.push(code);
            }
        }
        Ok(())
    }

    fn bad(&self, v: &[u8], what: &str) -> String {
        format!(
            "column `{}`: `{}` is not {what}",
            self.name,
            String::from_utf8_lossy(v)
        )
    }
}

/// A column read: name, dtype, data, mask, categories.
/// A column read: its name, pandas dtype, values by block (blocks of lines, in file order),
/// and the categories of a word column.
pub struct Parsed {
    /// The header's name.
    pub name: String,
    /// `int64`, `Int64` (with a mask of missing values), `float64` (NaN where missing),
    /// `boolean` (with a mask) or `category` (int32 codes, -1 where missing).
    pub dtype: &'static str,
    blocks: Vec<Column>,
    /// Categories, in code order, for a word column.
    pub categories: Option<Vec<String>>,
}

impl Parsed {
    /// Rows.
    fn rows(&self) -> usize {
        self.blocks
            .iter()
            .map(|b| b.ints.len() + b.floats.len() + b.codes.len())
            .sum()
    }

    /// The values as little-endian bytes, written into `out` (of [`Parsed::data_len`] bytes).
    fn write_data(&self, out: &mut [u8]) {
        let mut at = 0;
        for b in &self.blocks {
            match self.dtype {
                "float64" => {
                    for x in &b.floats {
                        out[at..at + 8].copy_from_slice(&x.to_le_bytes());
                        at += 8;
                    }
                }
                "boolean" => {
                    for &x in &b.ints {
                        out[at] = x as u8;
                        at += 1;
                    }
                }
                "category" => {
                    for x in &b.codes {
                        out[at..at + 4].copy_from_slice(&x.to_le_bytes());
                        at += 4;
                    }
                }
                _ => {
                    for x in &b.ints {
                        out[at..at + 8].copy_from_slice(&x.to_le_bytes());
                        at += 8;
                    }
                }
            }
        }
    }

    fn data_len(&self) -> usize {
        self.rows()
            * match self.dtype {
                "boolean" => 1,
                "category" => 4,
                _ => 8,
            }
    }

    /// The mask of missing values (1 = missing), for `Int64` and `boolean`.
    fn has_mask(&self) -> bool {
        matches!(self.dtype, "Int64" | "boolean")
    }

    fn write_mask(&self, out: &mut [u8]) {
        let mut at = 0;
        for b in &self.blocks {
            out[at..at + b.missing.len()].copy_from_slice(&b.missing);
            at += b.missing.len();
        }
    }
}

/// Parse CSV bytes into columns.
///
/// # Errors
/// A message naming the line and column of a value that does not fit its column's type.
pub fn columns(bytes: &[u8], params: &[String]) -> Result<Vec<Parsed>, String> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = rd.byte_headers().map_err(|e| e.to_string())?.clone();
    let mut cols: Vec<Column> = header
        .iter()
        .map(|h| {
            let name = String::from_utf8_lossy(h).into_owned();
            Column {
                kind: kind_of(&name, params),
                name,
                ints: Vec::new(),
                floats: Vec::new(),
                missing: Vec::new(),
                codes: Vec::new(),
                words: Vec::new(),
                index: Default::default(),
                any_missing: false,
            }
        })
        .collect();
    // Columns no name rule covers are typed from their values: a first pass over the file.
    if cols.iter().any(|c| c.kind.is_none()) {
        let mut values: Vec<Vec<Vec<u8>>> = vec![Vec::new(); cols.len()];
        let mut rec = csv::ByteRecord::new();
        let mut rd2 = csv::ReaderBuilder::new().from_reader(bytes);
        while rd2.read_byte_record(&mut rec).map_err(|e| e.to_string())? {
            for (i, c) in cols.iter().enumerate() {
                if c.kind.is_none()
                    && let Some(v) = rec.get(i)
                {
                    values[i].push(v.to_vec());
                }
            }
        }
        for (c, vals) in cols.iter_mut().zip(&values) {
            if c.kind.is_none() {
                let refs: Vec<&[u8]> = vals.iter().map(Vec::as_slice).collect();
                c.kind = Some(kind_by_content(&refs));
            }
        }
    }
    let body_start = rd.position().byte() as usize;
    let body = &bytes[body_start.min(bytes.len())..];
    // blocks[b][c]: column c of block b.
    let blocks: Vec<Vec<Column>> = if body.contains(&b'"') {
        // Quoted fields (an id with a comma, a trace's detail): the csv reader, in one pass.
        let mut rec = csv::ByteRecord::new();
        let mut line = 1u64;
        while rd.read_byte_record(&mut rec).map_err(|e| e.to_string())? {
            line += 1;
            push_record(&mut cols, rec.iter(), line)?;
        }
        vec![cols]
    } else {
        // No quotes: every line is a record and every comma a separator, so the body is cut
        // at line ends into blocks parsed on every core, kept in file order.
        let parts = split_lines(body, rayon::current_num_threads() * 4);
        use rayon::prelude::*;
        parts
            .par_iter()
            .map(|&(first_line, lines, block)| {
                let mut part: Vec<Column> = cols.iter().map(|c| c.empty_like(lines)).collect();
                for (k, l) in block.split(|&b| b == b'\n').enumerate() {
                    let l = l.strip_suffix(b"\r").unwrap_or(l);
                    if l.is_empty() {
                        continue;
                    }
                    push_record(&mut part, l.split(|&b| b == b','), first_line + k as u64)?;
                }
                Ok(part)
            })
            .collect::<Result<Vec<_>, String>>()?
    };
    // Regroup by column.
    let n_cols = header.len();
    let mut by_col: Vec<Vec<Column>> = (0..n_cols).map(|_| Vec::new()).collect();
    for block in blocks {
        for (i, c) in block.into_iter().enumerate() {
            by_col[i].push(c);
        }
    }
    Ok(by_col.into_iter().map(finish).collect())
}

/// A column's blocks as one [`Parsed`]: its dtype, and for words one set of categories
/// (sorted, outcomes in their own order) with every block's codes renumbered to it.
fn finish(mut blocks: Vec<Column>) -> Parsed {
    let kind = blocks.first().and_then(|c| c.kind).unwrap_or(Kind::Word);
    let name = blocks.first().map(|c| c.name.clone()).unwrap_or_default();
    let any_missing = blocks.iter().any(|c| c.any_missing);
    let (dtype, categories) = match kind {
        Kind::Int if any_missing || name.contains("day") => ("Int64", None),
        Kind::Int => ("int64", None),
        Kind::Float => ("float64", None),
        Kind::Bool => ("boolean", None),
        Kind::Word => {
            let mut words: Vec<String> = Vec::new();
            let mut index: std::collections::HashMap<String, usize> = Default::default();
            for b in &blocks {
                for w in &b.words {
                    if !index.contains_key(w) {
                        index.insert(w.clone(), words.len());
                        words.push(w.clone());
                    }
                }
            }
            let rank = |w: &str| match w {
                "completed" => 0,
                "collapsed" => 1,
                "stalled" => 2,
                _ => 3,
            };
            let mut sorted = words.clone();
            sorted.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
            let final_code: std::collections::HashMap<&str, i32> = sorted
                .iter()
                .enumerate()
                .map(|(i, w)| (w.as_str(), i as i32))
                .collect();
            for b in &mut blocks {
                let remap: Vec<i32> = b.words.iter().map(|w| final_code[w.as_str()]).collect();
                for k in &mut b.codes {
                    if *k >= 0 {
                        *k = remap[*k as usize];
                    }
                }
            }
            ("category", Some(sorted))
        }
    };
    Parsed {
        name,
        dtype,
        blocks,
        categories,
    }
}

/// [`columns`] as a Python list of `(name, dtype, data, mask, categories)` tuples, the
/// buffers filled in place (one copy of each column, no text parsed in Python).
///
/// # Errors
/// `ValueError` naming the file, line and column that does not parse.
pub fn to_py<'py>(
    py: Python<'py>,
    file: &str,
    bytes: &[u8],
    params: &[String],
) -> PyResult<Bound<'py, PyList>> {
    let cols = py
        .detach(|| columns(bytes, params))
        .map_err(|m| pyo3::exceptions::PyValueError::new_err(format!("{file}: {m}")))?;
    let out = PyList::empty(py);
    for c in cols {
        let data = PyByteArray::new_with(py, c.data_len(), |buf| {
            c.write_data(buf);
            Ok(())
        })?;
        let mask = if c.has_mask() {
            Some(PyByteArray::new_with(py, c.rows(), |buf| {
                c.write_mask(buf);
                Ok(())
            })?)
        } else {
            None
        };
        out.append((c.name.clone(), c.dtype, data, mask, c.categories.clone()))?;
    }
    Ok(out)
}
