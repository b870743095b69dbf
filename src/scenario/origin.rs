//! Where a value of a layered scenario was written: the base file or one of its overlays.
//!
//! A scenario with `--with` overlays is compiled from one synthesised text (the base with
//! each overlay merged in, [`super::path::merge_overlay`]), so an error found there has a
//! position in text nobody wrote. This module takes such a position back to a file the user
//! wrote: it finds the value's place in the scenario (section, entry id, keys: `party JPN
//! compliance`), then the last layer that writes that place, since a later overlay replaces
//! what an earlier file gave. A place no layer writes in full (an entry an overlay only
//! added to) goes to the layer that writes the most of it, the later one on a tie.
//!
//! It also checks an overlay's own entries: each needs an id, and no id twice in one file.

use super::compile::line_col;
use crate::error::Location;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The sections whose entries are matched by id.
const BY_ID: [&str; 4] = ["party", "phase", "action", "shock"];

/// One step from a value to one inside it.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A value's place in a scenario, whatever text it was written in.
#[derive(Debug, Clone, PartialEq)]
struct Place {
    section: String,
    /// The id of the entry, in a section matched by id.
    id: Option<String>,
    /// The steps from the section (or entry) to the value.
    steps: Vec<Step>,
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

fn id_of(entry: &DeValue) -> Option<(String, Range<usize>)> {
    match entry {
        DeValue::Table(t) => {
            t.iter()
                .find_map(|(k, v)| match (k.get_ref().as_ref(), v.get_ref()) {
                    ("id", DeValue::String(s)) => Some((s.to_string(), v.span())),
                    _ => None,
                })
        }
        _ => None,
    }
}

/// The steps to the innermost value of `v` whose span holds `offset`.
fn descend(v: &Spanned<DeValue>, offset: usize, steps: &mut Vec<Step>) {
    match v.get_ref() {
        DeValue::Table(t) => {
            // An error may point at a key (`US` of `trust = { US = 1.5 }`) or at its value.
            for (k, x) in t {
                if contains(&k.span(), offset) || contains(&x.span(), offset) || holds(x, offset) {
                    steps.push(Step::Key(k.get_ref().to_string()));
                    descend(x, offset, steps);
                    return;
                }
            }
        }
        DeValue::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                if contains(&x.span(), offset) || holds(x, offset) {
                    steps.push(Step::Index(i));
                    descend(x, offset, steps);
                    return;
                }
            }
        }
        _ => {}
    }
}

/// Whether some value inside `v` holds `offset` (a table written under its own header need not
/// lie within its parent's span).
fn holds(v: &Spanned<DeValue>, offset: usize) -> bool {
    match v.get_ref() {
        DeValue::Table(t) => t.iter().any(|(k, x)| {
            contains(&k.span(), offset) || contains(&x.span(), offset) || holds(x, offset)
        }),
        DeValue::Array(a) => a
            .iter()
            .any(|x| contains(&x.span(), offset) || holds(x, offset)),
        _ => false,
    }
}

/// The place of the value at byte `offset` of the scenario text `text`.
fn place_at(text: &str, offset: usize) -> Option<Place> {
    let doc = DeTable::parse(text).ok()?;
    let mut steps = Vec::new();
    let root = Spanned::new(0..0, DeValue::Table(doc.into_inner()));
    descend(&root, offset, &mut steps);
    let mut steps = steps.into_iter();
    let Some(Step::Key(section)) = steps.next() else {
        return None;
    };
    let mut id = None;
    let mut rest: Vec<Step> = steps.collect();
    if BY_ID.contains(&section.as_str())
        && let Some(Step::Index(i)) = rest.first().cloned()
    {
        let DeValue::Table(t) = root.get_ref() else {
            return None;
        };
        let entries = t.iter().find(|(k, _)| k.get_ref().as_ref() == section)?.1;
        let DeValue::Array(a) = entries.get_ref() else {
            return None;
        };
        id = Some(id_of(a.get(i)?.get_ref())?.0);
        rest.remove(0);
    }
    Some(Place {
        section,
        id,
        steps: rest,
    })
}

/// How much of `place` the layer `text` writes (steps matched, the section or entry
/// itself counting as 0) and where the deepest of it is; `None` when it writes none of it.
fn find(text: &str, place: &Place) -> Option<(usize, Range<usize>)> {
    let doc = DeTable::parse(text).ok()?;
    let doc = doc.get_ref();
    let section = doc
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == place.section)?
        .1;
    let (mut at, mut span): (&Spanned<DeValue>, Range<usize>) = match &place.id {
        None => (section, section.span()),
        Some(id) => {
            let DeValue::Array(a) = section.get_ref() else {
                return None;
            };
            let entry = a
                .iter()
                .find(|e| id_of(e.get_ref()).is_some_and(|(x, _)| &x == id))?;
            let (_, id_span) = id_of(entry.get_ref())?;
            (entry, id_span)
        }
    };
    let mut matched = 0;
    for step in &place.steps {
        let next = match (step, at.get_ref()) {
            (Step::Key(k), DeValue::Table(t)) => t
                .iter()
                .find(|(x, _)| x.get_ref().as_ref() == k)
                .map(|(_, v)| v),
            (Step::Index(i), DeValue::Array(a)) => a.get(*i),
            _ => None,
        };
        let Some(next) = next else { break };
        at = next;
        span = next.span();
        matched += 1;
    }
    Some((matched, span))
}

/// The file and position that wrote the value at `(line, col)` of the synthesised text
/// `merged`, among `layers` (label and text, the base first, then each overlay in order).
/// `None` when the position names no value, or no layer writes its entry.
pub(crate) fn locate(
    merged: &str,
    line_col_at: (usize, usize),
    layers: &[(&str, &str)],
) -> Option<Location> {
    let offset = offset_of(merged, line_col_at)?;
    let place = place_at(merged, offset)?;
    let mut best: Option<(usize, usize, Range<usize>)> = None;
    for (n, (_, text)) in layers.iter().enumerate() {
        if let Some((matched, span)) = find(text, &place)
            && best.as_ref().is_none_or(|b| matched >= b.0)
        {
            best = Some((matched, n, span));
        }
    }
    let (_, n, span) = best?;
    let (label, text) = layers[n];
    Some(Location {
        file: label.to_string(),
        line_col: Some(line_col(text, span.start)),
    })
}

/// The byte offset of 1-based `(line, col)` (col in characters) in `text`.
fn offset_of(text: &str, (line, col): (usize, usize)) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let l = text[start..].split('\n').next()?;
    let within = l
        .char_indices()
        .nth(col.checked_sub(1)?)
        .map_or(l.len(), |(i, _)| i);
    Some(start + within)
}

/// An overlay's entries in sections matched by id, checked: each has an id, and no id is
/// given twice in one file (the second would silently replace the first). The error names
/// the position in `text`.
pub(crate) fn check_overlay_ids(text: &str) -> Result<(), (Range<usize>, String)> {
    let Ok(doc) = DeTable::parse(text) else {
        return Ok(());
    };
    for (k, v) in doc.get_ref() {
        let section = k.get_ref().as_ref();
        if !BY_ID.contains(&section) {
            continue;
        }
        let DeValue::Array(a) = v.get_ref() else {
            continue;
        };
        let mut seen: Vec<(String, Range<usize>)> = Vec::new();
        for e in a {
            let Some((id, span)) = id_of(e.get_ref()) else {
                return Err((
                    e.span(),
                    format!(
                        "this [[{section}]] has no id: every [[{section}]] of an overlay needs one, to match an entry of the scenario (its fields are replaced) or to add one"
                    ),
                ));
            };
            if let Some((_, first)) = seen.iter().find(|(x, _)| *x == id) {
                let (line, _) = line_col(text, first.start);
                return Err((
                    span,
                    format!(
                        "{section} `{id}` is given twice in this overlay (first on line {line}); give each id once, with all the fields it changes"
                    ),
                ));
            }
            seen.push((id, span));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "[scenario]\nname = \"b\"\n\n[[party]]\nid = \"A\"\ncompliance = 0.5\ntrust = { B = 0.4 }\n\n[[party]]\nid = \"B\"\n";
    const OVERLAY: &str = "# changes\n[[party]]\nid = \"B\"\ncompliance = 1.7\n";

    fn at(text: &str, needle: &str) -> (usize, usize) {
        line_col(text, text.find(needle).unwrap())
    }

    #[test]
    fn a_value_is_found_in_the_last_layer_that_writes_it() {
        let merged = "[scenario]\nname = \"b\"\n\n[[party]]\nid = \"A\"\ncompliance = 0.5\n\n[party.trust]\nB = 0.4\n\n[[party]]\nid = \"B\"\ncompliance = 1.7\n";
        let layers = [("base.toml", BASE), ("o.toml", OVERLAY)];
        let l = locate(merged, at(merged, "1.7"), &layers).unwrap();
        assert_eq!((l.file.as_str(), l.line_col), ("o.toml", Some((4, 14))));
        // A value only the base writes, even inside a table under its own header.
        let l = locate(merged, at(merged, "0.4"), &layers).unwrap();
        assert_eq!(
            (l.file.as_str(), l.line_col),
            ("base.toml", Some(at(BASE, "0.4")))
        );
        let l = locate(merged, at(merged, "0.5"), &layers).unwrap();
        assert_eq!(l.line_col, Some(at(BASE, "0.5")));
        // The name of the scenario.
        let l = locate(merged, at(merged, "\"b\""), &layers).unwrap();
        assert_eq!(l.file, "base.toml");
    }

    #[test]
    fn line_and_column_round_trip() {
        let t = "ab\ncdé f\n\nx";
        for off in [0, 1, 3, 5, 7, 8, 9, 10] {
            if t.is_char_boundary(off) {
                assert_eq!(offset_of(t, line_col(t, off)), Some(off), "{off}");
            }
        }
    }

    #[test]
    fn overlay_ids_are_required_and_unique() {
        assert!(check_overlay_ids(OVERLAY).is_ok());
        let twice = "[[party]]\nid = \"B\"\n[[action]]\nid = \"x\"\n[[party]]\nid = \"B\"\n";
        let (span, m) = check_overlay_ids(twice).unwrap_err();
        assert_eq!(line_col(twice, span.start), (6, 6));
        assert!(
            m.contains("party `B` is given twice in this overlay (first on line 2)"),
            "{m}"
        );
        let none = "[[shock]]\nrate_per_year = 2\n";
        let (_, m) = check_overlay_ids(none).unwrap_err();
        assert!(m.contains("[[shock]] has no id"), "{m}");
    }
}
