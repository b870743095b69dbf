//! Default run folders named after what ran: `output/<scenario>/`, then `+<overlay>` for each
//! `--with` and `+vary-<path>-...` (`+lhs-...` for a Latin hypercube, `+design-<stem>` for a
//! design file) for a sweep, so runs of
//! different what-ifs do not land in one folder. A study's folder is named after the study.

use negsim::output::manifest::sha256_hex;
use negsim::runs::sweep::Design;
use std::path::{Path, PathBuf};

/// The longest default folder name, in bytes; a longer one keeps its start and ends in a
/// short hash of the whole name, so it stays unique and readable.
pub const MAX_FOLDER_NAME: usize = 96;

/// Letters, digits, `.`, `_`, `-` and `+` are kept; anything else becomes `_`.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Cap a name at [`MAX_FOLDER_NAME`] bytes: its start, `~`, and 12 hex digits of its SHA-256.
fn cap(name: String) -> String {
    if name.len() <= MAX_FOLDER_NAME {
        return name;
    }
    let hash = &sha256_hex(name.as_bytes())[..12];
    let keep = MAX_FOLDER_NAME - hash.len() - 1;
    let mut head: String = name.chars().take(keep).collect();
    while head.len() > keep {
        head.pop();
    }
    format!("{head}~{hash}")
}

/// The folder name (under `output/`) of a run of `scenario` with these overlays and varied
/// parameters.
pub fn default_name(scenario: &str, with: &[PathBuf], params: &[String], design: Design) -> String {
    let mut name = clean(scenario);
    for w in with {
        let stem = w.file_stem().map_or_else(
            || w.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        name.push('+');
        name.push_str(&clean(&stem));
    }
    if !params.is_empty() {
        name.push_str(match design {
            Design::Grid => "+vary",
            Design::Lhs { .. } => "+lhs",
        });
        for p in params {
            name.push('-');
            name.push_str(&clean(p));
        }
    }
    cap(name)
}

/// The folder name of a run of `scenario` with these overlays over the points of a design
/// file: `<scenario>+<overlay>...+design-<file stem>`.
pub fn design_file_name(scenario: &str, with: &[PathBuf], file: &Path) -> String {
    let base = default_name(scenario, with, &[], Design::Grid);
    let stem = file
        .file_stem()
        .map_or_else(|| "points".into(), |s| s.to_string_lossy().into_owned());
    cap(format!("{base}+design-{}", clean(&stem)))
}

/// The folder name of a study without `out`: the study file's name without `.toml`.
pub fn study_name(study: &Path) -> String {
    cap(clean(&study.file_stem().map_or_else(
        || "study".into(),
        |s| s.to_string_lossy().into_owned(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_ran() {
        let with = [PathBuf::from(
            "scenarios/whatif/japan-joins-assistance.toml",
        )];
        assert_eq!(
            default_name("second-phase-2007", &with, &[], Design::Grid),
            "second-phase-2007+japan-joins-assistance"
        );
        let params = [
            "party.DPRK.compliance".to_string(),
            "party.US.compliance".into(),
        ];
        assert_eq!(
            default_name("second-phase-2007", &[], &params, Design::Grid),
            "second-phase-2007+vary-party.DPRK.compliance-party.US.compliance"
        );
        assert_eq!(
            default_name("s", &[], &params[..1], Design::Lhs { points: 5 }),
            "s+lhs-party.DPRK.compliance"
        );
        assert_eq!(default_name("a/b c", &[], &[], Design::Grid), "a_b_c");
    }

    #[test]
    fn long_names_are_capped_with_a_hash() {
        let params: Vec<String> = (0..20).map(|i| format!("party.P{i}.compliance")).collect();
        let a = default_name("s", &[], &params, Design::Grid);
        let b = default_name("s", &[], &params[1..], Design::Grid);
        assert!(a.len() <= MAX_FOLDER_NAME, "{a}");
        assert!(a.starts_with("s+vary-party.P0.compliance"));
        assert_ne!(a, b);
    }
}
