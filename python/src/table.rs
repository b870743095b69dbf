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
        "day", "days", "delays", "lapses", "actions_done", "point", "trial", "trials", "n",
        "count",
    ];
    if ints.iter().any(|s| name.ends_with(s)) {
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

impl Column {
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
                let code = if missing {
                    -1
                } else if let Some(&c) = self.index.get(v) {
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
pub type Parsed = (String, &'static str, Vec<u8>, Option<Vec<u8>>, Option<Vec<String>>);

/// Parse CSV bytes into columns: `[(name, dtype, data, mask, categories)]`, where `dtype` is
/// `int64`, `Int64` (with a mask of missing values), `float64` (NaN where missing),
/// `boolean` (with a mask) or `category` (int32 codes, -1 where missing).
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
    let mut rec = csv::ByteRecord::new();
    let mut line = 1u64;
    while rd.read_byte_record(&mut rec).map_err(|e| e.to_string())? {
        line += 1;
        if rec.len() != cols.len() {
            return Err(format!(
                "line {line}: {} fields, the header has {}",
                rec.len(),
                cols.len()
            ));
        }
        for (c, v) in cols.iter_mut().zip(rec.iter()) {
            c.push(v).map_err(|m| format!("line {line}: {m}"))?;
        }
    }
    Ok(cols
        .into_iter()
        .map(|c| {
            let le = |xs: &[i64]| xs.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
            match c.kind.unwrap_or(Kind::Word) {
                Kind::Int => {
                    let nullable = c.any_missing || c.name.contains("day");
                    let dtype = if nullable { "Int64" } else { "int64" };
                    (c.name, dtype, le(&c.ints), nullable.then_some(c.missing), None)
                }
                Kind::Float => (
                    c.name,
                    "float64",
                    c.floats.iter().flat_map(|x| x.to_le_bytes()).collect(),
                    None,
                    None,
                ),
                Kind::Bool => (
                    c.name,
                    "boolean",
                    c.ints.iter().map(|&x| x as u8).collect(),
                    Some(c.missing),
                    None,
                ),
                Kind::Word => {
                    // Categories sorted (outcomes in their own order), codes renumbered.
                    let mut order: Vec<usize> = (0..c.words.len()).collect();
                    let rank = |w: &str| match w {
                        "completed" => 0,
                        "collapsed" => 1,
                        "stalled" => 2,
                        _ => 3,
                    };
                    order.sort_by(|&a, &b| {
                        (rank(&c.words[a]), &c.words[a]).cmp(&(rank(&c.words[b]), &c.words[b]))
                    });
                    let mut new_code = vec![0i32; c.words.len()];
                    for (n, &o) in order.iter().enumerate() {
                        new_code[o] = n as i32;
                    }
                    let cats = order.iter().map(|&o| c.words[o].clone()).collect();
                    let data = c
                        .codes
                        .iter()
                        .map(|&k| if k < 0 { -1 } else { new_code[k as usize] })
                        .flat_map(|x: i32| x.to_le_bytes())
                        .collect();
                    (c.name, "category", data, None, Some(cats))
                }
            }
        })
        .collect())
}

/// [`columns`] as a Python list of `(name, dtype, data, mask, categories)` tuples.
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
    for (name, dtype, data, mask, cats) in cols {
        let data = PyByteArray::new(py, &data);
        let mask = mask.map(|m| PyByteArray::new(py, &m));
        out.append((name, dtype, data, mask, cats))?;
    }
    Ok(out)
}
