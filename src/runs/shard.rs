//! Shards: one run cut into contiguous blocks of (point, trial) pairs, and joined again.
//!
//! A run of `P` points and `T` trials has `P * T` pairs, numbered `point * T + trial`.
//! Shard `K` of `N` (K from 0) runs pairs `[floor(K * P * T / N), floor((K + 1) * P * T / N))`:
//! contiguous, near-equal, in the order an unsharded run writes them. Each shard writes its own
//! run folder, whose manifest names the run (`run_id`, a hash of everything that decides the
//! bytes) and the shard. [`merge`] concatenates the shards' `trials.csv` and `actions.csv` in
//! shard order and recomputes `summary.csv` and `points.csv` from the trial rows, which is
//! exactly what an unsharded run writes: the same bytes.

use crate::error::{Error, Result};
use crate::output::manifest::{Manifest, OutputInfo, now};
use crate::output::summary::PointSummary;
use crate::output::trials::parse_row;
use crate::output::{Columns, RunDir, points, summary};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// Parse `K/N`.
///
/// # Errors
/// [`Error::Usage`] unless `0 <= K < N`.
pub fn parse(s: &str) -> Result<(u64, u64)> {
    let bad = || {
        Error::Usage(format!(
            "--shard `{s}`: write K/N with 0 <= K < N, e.g. 3/8"
        ))
    };
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

/// The pairs `[from, to)` of shard `k` of `n` over `total` pairs.
pub fn pairs(k: u64, n: u64, total: u64) -> (u64, u64) {
    let at = |i: u64| ((u128::from(i) * u128::from(total)) / u128::from(n)) as u64;
    (at(k), at(k + 1))
}

/// Read a finished run's manifest.
///
/// # Errors
/// [`Error::Usage`] (bad input, as [`crate::output::verify()`] says of it) when `dir` is not a
/// folder, has no manifest (an unfinished run) or one that does not parse; [`Error::Io`] when
/// the manifest cannot be read.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder: give the output folder of a finished negsim run (a shard)",
            dir.display()
        )));
    }
    let p = dir.join("manifest.json");
    let text = std::fs::read_to_string(&p).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(format!(
                "{}: no manifest.json, so not a finished run (a shard still running, or one that failed)",
                dir.display()
            ))
        } else {
            Error::io(&p, e)
        }
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{}: manifest.json does not parse: {e}",
            p.display()
        ))
    })
}

/// What a set of shard folders holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardSet {
    /// The run they belong to.
    pub run_id: String,
    /// How many shards the run has.
    pub count: u64,
    /// Folder of each shard present, by index.
    pub present: Vec<Option<PathBuf>>,
}

impl ShardSet {
    /// Indices of the shards not given.
    pub fn missing(&self) -> Vec<u64> {
        (0..self.count)
            .filter(|&k| self.present[k as usize].is_none())
            .collect()
    }
}

/// Check a set of shard folders: all finished, all of one run, none twice.
///
/// # Errors
/// [`Error::Usage`] (bad input) naming the folder at fault.
pub fn inspect(dirs: &[PathBuf]) -> Result<(ShardSet, Vec<Manifest>)> {
    if dirs.is_empty() {
        return Err(Error::Usage("merge: give the shard folders to join".into()));
    }
    let mut manifests = Vec::new();
    let mut set: Option<ShardSet> = None;
    for d in dirs {
        let m = read_manifest(d)?;
        let Some(sh) = m.shard.clone() else {
            return Err(Error::Usage(format!(
                "{}: not a shard (its manifest has no shard)",
                d.display()
            )));
        };
        let s = set.get_or_insert_with(|| ShardSet {
            run_id: m.run_id.clone(),
            count: sh.count,
            present: vec![None; sh.count as usize],
        });
        if m.run_id != s.run_id || sh.count != s.count {
            return Err(Error::Usage(format!(
                "{}: shard {}/{} of run {} but {} is of run {} ({} shards): shards of different runs",
                d.display(),
                sh.index,
                sh.count,
                short(&m.run_id),
                dirs[0].display(),
                short(&s.run_id),
                s.count
            )));
        }
        if let Some(prev) = &s.present[sh.index as usize] {
            return Err(Error::Usage(format!(
                "shard {}/{} is given twice: {} and {}",
                sh.index,
                sh.count,
                prev.display(),
                d.display()
            )));
        }
        s.present[sh.index as usize] = Some(d.clone());
        manifests.push(m);
    }
    Ok((set.expect("at least one shard"), manifests))
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// Verify every shard (given in index order) against its manifest, naming the shard and the
/// file that differs.
///
/// # Errors
/// [`Error::Refused`] listing each shard file that does not verify.
pub fn verify_shards(ordered: &[PathBuf], count: u64) -> Result<()> {
    let mut problems = Vec::new();
    for (k, d) in ordered.iter().enumerate() {
        let v = crate::output::verify(d)?;
        let who = format!("shard {k}/{count} ({})", d.display());
        problems.extend(v.problems.iter().map(|p| format!("{who}: {p}")));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "{}
run each shard named again with --force (or resubmit its task), then merge",
        problems.join("\n")
    )))
}

/// Join shards into one run folder, byte-identical to an unsharded run.
///
/// # Errors
/// [`Error::Usage`] (bad input) for a folder that is not a finished shard, shards of
/// different runs, a shard twice, a missing shard (named); [`Error::Refused`] for a shard
/// that does not verify, or an output folder that holds a run (without `force`).
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    force: bool,
    command_line: Vec<String>,
) -> Result<Manifest> {
    let started_at = now();
    let (set, manifests) = inspect(dirs)?;
    let missing = set.missing();
    if !missing.is_empty() {
        let names: Vec<String> = missing
            .iter()
            .map(|k| format!("{k}/{}", set.count))
            .collect();
        return Err(Error::Usage(format!(
            "missing shards: {}",
            names.join(", ")
        )));
    }
    let ordered: Vec<PathBuf> = set.present.iter().flatten().cloned().collect();
    verify_shards(&ordered, set.count)?;
    let out_abs = std::fs::canonicalize(out).ok();
    if let Some(d) = ordered
        .iter()
        .find(|d| out_abs.is_some() && std::fs::canonicalize(d).ok() == out_abs)
    {
        return Err(Error::Usage(format!(
            "--out {}: that is shard folder {}; merge into a folder of its own",
            out.display(),
            d.display()
        )));
    }
    let first = &manifests[0];
    let with_actions = manifests
        .iter()
        .all(|m| m.outputs.iter().any(|o| o.file == "actions.csv"));
    let dir = RunDir::prepare(out, force)?;

    // trials.csv: concatenate, and summarise point by point as the rows stream past.
    let mut w = dir.create("trials.csv")?;
    let mut sw = dir.create("summary.csv")?;
    let mut pw = dir.create("points.csv")?;
    let wio = |name: &'static str| {
        let p = dir.temp_path(name);
        move |e: std::io::Error| Error::io(&p, e)
    };
    let mut header: Option<String> = None;
    let mut columns: Option<Columns> = None;
    let mut rows = 0u64;
    let mut summary_rows = 0u64;
    let mut point_rows = 0u64;
    let mut current: Option<(u64, Vec<u8>, PointSummary)> = None;
    let flush_point = |cur: &mut Option<(u64, Vec<u8>, PointSummary)>,
                       c: &Columns,
                       sw: &mut crate::output::OutFile,
                       pw: &mut crate::output::OutFile,
                       summary_rows: &mut u64,
                       point_rows: &mut u64|
     -> Result<()> {
        if let Some((_, prefix, s)) = cur.take() {
            let mut buf = Vec::new();
            *summary_rows += s.push_rows(&mut buf, &prefix, c);
            sw.write_all(&buf)
                .map_err(|e| Error::io("summary.csv", e))?;
            let mut buf = Vec::new();
            points::push_row(&mut buf, &prefix, s.n());
            *point_rows += 1;
            pw.write_all(&buf).map_err(|e| Error::io("points.csv", e))?;
        }
        Ok(())
    };
    for d in &ordered {
        let p = d.join("trials.csv");
        let f = std::fs::File::open(&p).map_err(|e| Error::io(&p, e))?;
        let mut lines = BufReader::with_capacity(1 << 20, f);
        let mut line = String::new();
        lines.read_line(&mut line).map_err(|e| Error::io(&p, e))?;
        match &header {
            None => {
                let c = columns_from_header(&line)?;
                w.write_all(line.as_bytes()).map_err(wio("trials.csv"))?;
                sw.write_all(summary::header(&c).as_bytes())
                    .map_err(wio("summary.csv"))?;
                pw.write_all(points::header(&c).as_bytes())
                    .map_err(wio("points.csv"))?;
                columns = Some(c);
                header = Some(line.clone());
            }
            Some(h) if *h != line => {
                return Err(Error::Refused(format!(
                    "{}: its columns differ from the first shard's",
                    p.display()
                )));
            }
            _ => {}
        }
        let c = columns.as_ref().expect("header read");
        // Data rows hold no quoted field (ids, numbers, dates): split on commas, and copy
        // each line as it is.
        let mut line_no = 1u64;
        loop {
            line.clear();
            let n = lines.read_line(&mut line).map_err(|e| Error::io(&p, e))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let rec = csv::StringRecord::from(
                line.trim_end_matches(['\n', '\r'])
                    .split(',')
                    .collect::<Vec<&str>>(),
            );
            let row = parse_row(&rec, c, line_no)?;
            let same = current.as_ref().is_some_and(|(pt, _, _)| *pt == row.point);
            if !same {
                flush_point(
                    &mut current,
                    c,
                    &mut sw,
                    &mut pw,
                    &mut summary_rows,
                    &mut point_rows,
                )?;
                let mut prefix = Vec::new();
                prefix.extend_from_slice(rec[0].as_bytes());
                prefix.push(b',');
                for v in &row.params {
                    prefix.extend_from_slice(v.as_bytes());
                    prefix.push(b',');
                }
                current = Some((row.point, prefix, PointSummary::new(c)));
            }
            if let Some((_, _, s)) = current.as_mut() {
                s.add(&row.result);
            }
            w.write_all(line.as_bytes()).map_err(wio("trials.csv"))?;
            rows += 1;
        }
    }
    if let Some(c) = columns.as_ref() {
        flush_point(
            &mut current,
            c,
            &mut sw,
            &mut pw,
            &mut summary_rows,
            &mut point_rows,
        )?;
    }
    for (f, name) in [(w, "trials.csv"), (sw, "summary.csv"), (pw, "points.csv")] {
        let mut f = f;
        f.flush().map_err(wio(name))?;
    }
    dir.finish("trials.csv")?;
    dir.finish("summary.csv")?;
    dir.finish("points.csv")?;
    let mut outputs = vec![
        dir.output("trials.csv", rows),
        dir.output("summary.csv", summary_rows),
        dir.output("points.csv", point_rows),
    ];
    if with_actions {
        let mut aw = dir.create("actions.csv")?;
        let mut arows = 0u64;
        for (i, d) in ordered.iter().enumerate() {
            let p = d.join("actions.csv");
            let f = std::fs::File::open(&p).map_err(|e| Error::io(&p, e))?;
            let mut r = BufReader::with_capacity(1 << 20, f);
            let mut line = String::new();
            let mut first_line = true;
            loop {
                line.clear();
                let n = r.read_line(&mut line).map_err(|e| Error::io(&p, e))?;
                if n == 0 {
                    break;
                }
                if first_line {
                    first_line = false;
                    if i > 0 {
                        continue;
                    }
                } else {
                    arows += 1;
                }
                aw.write_all(line.as_bytes()).map_err(wio("actions.csv"))?;
            }
        }
        aw.flush().map_err(wio("actions.csv"))?;
        drop(aw);
        dir.finish("actions.csv")?;
        outputs.push(dir.output("actions.csv", arows));
    }
    outputs.push(OutputInfo {
        file: "manifest.json".into(),
        rows: 1,
        sha256: String::new(),
    });
    let m = Manifest {
        command_line,
        shard: None,
        merged_from: ordered.iter().map(|p| p.display().to_string()).collect(),
        outputs,
        started_at,
        finished_at: now(),
        ..first.clone()
    };
    write_manifest(&dir, &m)?;
    Ok(m)
}

/// Rebuild the column layout from a `trials.csv` header.
///
/// # Errors
/// [`Error::Refused`] when the header is not negsim's.
pub fn columns_from_header(line: &str) -> Result<Columns> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    let rec = r
        .records()
        .next()
        .and_then(|x| x.ok())
        .ok_or_else(|| Error::Refused("trials.csv has no header".into()))?;
    let cols: Vec<&str> = rec.iter().collect();
    let t = cols
        .iter()
        .position(|c| *c == "trial")
        .ok_or_else(|| Error::Refused("trials.csv header has no `trial` column".into()))?;
    let mut c = Columns {
        params: cols[1..t].iter().map(|s| s.to_string()).collect(),
        phases: vec![],
        units: vec![],
        parties: vec![],
        actions: vec![],
        observe: vec![],
    };
    c.read_header_tail(cols.iter().skip(t + 6).copied())
        .map_err(|m| Error::Refused(format!("trials.csv: {m}")))?;
    Ok(c)
}

/// Write `manifest.json` under a temporary name, then rename it: the run is finished.
///
/// # Errors
/// [`Error::Io`].
pub fn write_manifest(dir: &RunDir, m: &Manifest) -> Result<()> {
    let text = serde_json::to_string_pretty(m).map_err(|e| Error::Usage(e.to_string()))? + "\n";
    dir.write_manifest_text(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_pairs_exactly() {
        for total in [0u64, 1, 7, 100, 1001] {
            for n in [1u64, 2, 3, 8, 13, 200] {
                let mut next = 0;
                for k in 0..n {
                    let (a, b) = pairs(k, n, total);
                    assert_eq!(a, next);
                    assert!(b >= a);
                    assert!(b - a <= total / n + 1);
                    next = b;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn shard_specs() {
        assert_eq!(parse("3/8").unwrap(), (3, 8));
        assert!(parse("8/8").is_err());
        assert!(parse("0/0").is_err());
        assert!(parse("a/b").is_err());
    }
}
