//! Compatibility with negsim 0.2.0 (docs/MODEL.md 2.16): a scenario that uses none of the model
//! 0.3 fields gives, for the same seed and options, the `trials.csv`, `summary.csv` and
//! `points.csv` of 0.2.0 byte for byte, and an `actions.csv` whose 0.2 columns are identical
//! (the 0.3 columns appended after them).
//!
//! `tests/golden/compat-0.2.0.txt` holds the SHA-256 and line count of each file as the 0.2.0
//! release wrote it, for both reference scenarios, a sweep with an overlay, and a sweep of
//! the all-features golden scenario.

use crate::common::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `actions.csv` cut to its 0.2 columns: `point`, the parameters, then the seven of 0.2.
fn actions_02_columns(text: &str, params: usize) -> String {
    let keep = 1 + params + 7;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let fields: Vec<&str> = line.split(',').collect();
        out.push_str(&fields[..keep.min(fields.len())].join(","));
        out.push('\n');
    }
    out
}

#[test]
fn model_02_scenarios_give_the_bytes_of_0_2_0() {
    let spec = std::fs::read_to_string(repo("tests/golden/compat-0.2.0.txt")).unwrap();
    let mut runs: BTreeMap<String, String> = BTreeMap::new();
    let mut want: Vec<(String, String, String, usize)> = Vec::new();
    for line in spec
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        if let Some((key, cmd)) = line.split_once('|') {
            runs.insert(key.to_string(), cmd.to_string());
        } else {
            let f: Vec<&str> = line.split_whitespace().collect();
            want.push((f[0].into(), f[1].into(), f[2].into(), f[3].parse().unwrap()));
        }
    }
    assert_eq!(runs.len(), 4);
    assert_eq!(want.len(), 16);
    let tmp = tempfile::tempdir().unwrap();
    for (key, cmd) in &runs {
        let out = tmp.path().join(key);
        let args: Vec<&str> = cmd.split_whitespace().collect();
        let params = args.iter().filter(|a| **a == "--vary").count();
        negsim()
            .current_dir(repo(""))
            .args(&args)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        for (k, file, hash, lines) in want.iter().filter(|w| &w.0 == key) {
            let text = std::fs::read_to_string(out.join(file)).unwrap();
            let got = if file == "actions.csv" {
                actions_02_columns(&text, params)
            } else {
                text
            };
            assert_eq!(got.lines().count(), *lines, "{k} {file}: line count");
            assert_eq!(
                &sha(got.as_bytes()),
                hash,
                "{k} {file} ({cmd}) differs from 0.2.0"
            );
        }
    }
}
