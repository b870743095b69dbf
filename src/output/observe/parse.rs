//! Observable names and recorded values, read and written: [`Observable::parse`],
//! [`Observable::name`], [`Observable::parse_value`] and the list of valid [`names`].

use super::{ActionField, Kind, Observable, Value};
use crate::error::{Error, Result};
use crate::model::Scenario;
use chrono::NaiveDate;

/// Every valid observable name of `s`, in the order of docs/MODEL.md 5.2; `quantity.<unit>@<date>`
/// appears as the pattern `quantity.<unit>@YYYY-MM-DD`.
pub fn names(s: &Scenario) -> Vec<String> {
    let mut out: Vec<String> = ["outcome", "end_day", "collapsed_by", "actions_done"]
        .iter()
        .map(|n| n.to_string())
        .collect();
    for a in &s.actions {
        for f in ActionField::ALL {
            out.push(format!("action.{}.{}", a.id, f.as_str()));
        }
    }
    for p in &s.phases {
        out.push(format!("phase.{}.done_day", p.id));
    }
    for u in &s.units {
        out.push(format!("quantity.{u}"));
        out.push(format!("quantity.{u}@YYYY-MM-DD"));
    }
    for p in &s.parties {
        for u in &s.units {
            out.push(format!("party.{}.quantity.{u}", p.id));
        }
        out.push(format!("party.{}.delays", p.id));
        out.push(format!("party.{}.walkout_day", p.id));
    }
    out
}

/// The valid names, compactly: the patterns, each with the ids it takes.
fn summary(s: &Scenario) -> String {
    let ids = |v: Vec<&str>| {
        if v.is_empty() {
            "(none in this scenario)".to_string()
        } else {
            v.join(", ")
        }
    };
    let fields: Vec<&str> = ActionField::ALL.iter().map(|f| f.as_str()).collect();
    let units: Vec<String> = s.units.iter().map(|u| format!("`{u}`")).collect();
    format!(
        "valid observables: outcome, end_day, collapsed_by, actions_done; \
         action.<id>.{{{}}} with <id> one of {}; \
         phase.<id>.done_day with <id> one of {}; \
         quantity.<unit> and quantity.<unit>@YYYY-MM-DD with <unit> one of {}; \
         party.<id>.{{delays, walkout_day, quantity.<unit>}} with <id> one of {}",
        fields.join(", "),
        ids(s.actions.iter().map(|a| a.id.as_str()).collect()),
        ids(s.phases.iter().map(|p| p.id.as_str()).collect()),
        ids(units.iter().map(|u| u.as_str()).collect()),
        ids(s.parties.iter().map(|p| p.id.as_str()).collect()),
    )
}

fn unknown(name: &str, why: &str, s: &Scenario) -> Error {
    Error::Usage(format!(
        "unknown observable `{name}`: {why}; {}",
        summary(s)
    ))
}

/// A unit named at the start of `rest`: the unit and what follows it.
fn split_unit<'r>(s: &Scenario, rest: &'r str) -> Option<(usize, &'r str)> {
    // Units are free text and may contain '.', '@' or spaces: match against the list, the
    // longest first so that one unit that is a prefix of another does not hide it.
    let mut best: Option<(usize, &str)> = None;
    for (u, unit) in s.units.iter().enumerate() {
        if let Some(tail) = rest.strip_prefix(unit.as_str())
            && (tail.is_empty() || tail.starts_with('@'))
            && best.is_none_or(|(b, _)| s.units[b].len() < unit.len())
        {
            best = Some((u, tail));
        }
    }
    best
}

fn day_of(s: &Scenario, date: NaiveDate) -> Option<u32> {
    u32::try_from(date.signed_duration_since(s.start).num_days()).ok()
}

impl Observable {
    /// The observable called `name` in scenario `s` (docs/MODEL.md 5.2).
    ///
    /// # Errors
    /// [`Error::Usage`] when `name` is unknown, saying which part (the id, the field, the unit,
    /// the date) is at fault and listing the valid names compactly (the patterns with this
    /// scenario's ids), or when the date of `quantity.<unit>@<date>` is not a date or is
    /// before the scenario's start.
    pub fn parse(name: &str, s: &Scenario) -> Result<Self> {
        match name {
            "outcome" => return Ok(Observable::Outcome),
            "end_day" => return Ok(Observable::EndDay),
            "collapsed_by" => return Ok(Observable::CollapsedBy),
            "actions_done" => return Ok(Observable::ActionsDone),
            _ => {}
        }
        if let Some(rest) = name.strip_prefix("action.") {
            let (id, field) = rest
                .rsplit_once('.')
                .ok_or_else(|| unknown(name, "write action.<id>.<field>", s))?;
            let action = s
                .action_index(id)
                .ok_or_else(|| unknown(name, &format!("no action `{id}`"), s))?;
            let field = ActionField::ALL
                .into_iter()
                .find(|f| f.as_str() == field)
                .ok_or_else(|| unknown(name, &format!("an action has no field `{field}`"), s))?;
            return Ok(Observable::Action { action, field });
        }
        if let Some(rest) = name.strip_prefix("phase.") {
            let (id, field) = rest
                .rsplit_once('.')
                .ok_or_else(|| unknown(name, "write phase.<id>.done_day", s))?;
            let phase = s
                .phase_index(id)
                .ok_or_else(|| unknown(name, &format!("no phase `{id}`"), s))?;
            if field != "done_day" {
                return Err(unknown(
                    name,
                    &format!("a phase has no field `{field}` (only done_day)"),
                    s,
                ));
            }
            return Ok(Observable::PhaseDoneDay { phase });
        }
        if let Some(rest) = name.strip_prefix("quantity.") {
            let (unit, tail) = split_unit(s, rest)
                .ok_or_else(|| unknown(name, &format!("no unit `{rest}`"), s))?;
            if tail.is_empty() {
                return Ok(Observable::Quantity { unit });
            }
            let text = &tail[1..];
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                Error::Usage(format!(
                    "observable `{name}`: `{text}` is not a date; write quantity.{}@YYYY-MM-DD, \
                     e.g. quantity.{}@{}",
                    s.units[unit],
                    s.units[unit],
                    s.start.format("%Y-%m-%d")
                ))
            })?;
            let day = day_of(s, date).ok_or_else(|| {
                Error::Usage(format!(
                    "observable `{name}`: {text} is before the scenario's start, {} (day 0)",
                    s.start.format("%Y-%m-%d")
                ))
            })?;
            return Ok(Observable::QuantityBy { unit, day });
        }
        if let Some(rest) = name.strip_prefix("party.") {
            let (id, field) = rest
                .split_once('.')
                .ok_or_else(|| unknown(name, "write party.<id>.<field>", s))?;
            let party = s
                .party_index(id)
                .ok_or_else(|| unknown(name, &format!("no party `{id}`"), s))?;
            return match field {
                "delays" => Ok(Observable::PartyDelays { party }),
                "walkout_day" => Ok(Observable::PartyWalkoutDay { party }),
                _ => {
                    let unit = field
                        .strip_prefix("quantity.")
                        .and_then(|u| s.units.iter().position(|x| x == u))
                        .ok_or_else(|| {
                            unknown(
                                name,
                                &format!(
                                    "a party has no field `{field}` (delays, walkout_day, \
                                     quantity.<unit>)"
                                ),
                                s,
                            )
                        })?;
                    Ok(Observable::PartyQuantity { party, unit })
                }
            };
        }
        Err(unknown(
            name,
            "not a name or pattern of docs/MODEL.md 5.2",
            s,
        ))
    }

    /// The canonical name: [`Observable::parse`] of it gives this observable back. It is the
    /// `trials.csv` column header.
    pub fn name(&self, s: &Scenario) -> String {
        match *self {
            Observable::Outcome => "outcome".into(),
            Observable::EndDay => "end_day".into(),
            Observable::CollapsedBy => "collapsed_by".into(),
            Observable::ActionsDone => "actions_done".into(),
            Observable::Action { action, field } => {
                format!("action.{}.{}", s.actions[action].id, field.as_str())
            }
            Observable::PhaseDoneDay { phase } => format!("phase.{}.done_day", s.phases[phase].id),
            Observable::Quantity { unit } => format!("quantity.{}", s.units[unit]),
            Observable::QuantityBy { unit, day } => {
                format!(
                    "quantity.{}@{}",
                    s.units[unit],
                    s.date(day).format("%Y-%m-%d")
                )
            }
            Observable::PartyQuantity { party, unit } => {
                format!("party.{}.quantity.{}", s.parties[party].id, s.units[unit])
            }
            Observable::PartyDelays { party } => format!("party.{}.delays", s.parties[party].id),
            Observable::PartyWalkoutDay { party } => {
                format!("party.{}.walkout_day", s.parties[party].id)
            }
        }
    }

    /// A recorded value of this observable: `never` (it did not happen: [`Value::Missing`]),
    /// a date `YYYY-MM-DD` (for a day observable, its day number), a day number, a number, a
    /// word of [`Observable::words`], or `true`/`false`. Surrounding spaces are ignored.
    ///
    /// Days and counts are whole numbers from 0; quantities any finite number.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the observable and the value and saying what is valid: `never`
    /// for an observable that always has a value, a date before the start, an unknown word, a
    /// number that is not finite, negative or (for a day or a count) not whole.
    pub fn parse_value(&self, s: &Scenario, text: &str) -> Result<Value> {
        let t = text.trim();
        let name = self.name(s);
        let bad = |why: String| Error::Usage(format!("observable `{name}`: value `{t}`: {why}"));
        if t == "never" {
            return if self.may_be_missing() {
                Ok(Value::Missing)
            } else {
                Err(bad(
                    "this observable always has a value, so it cannot be `never`".into(),
                ))
            };
        }
        let never = if self.may_be_missing() {
            ", or `never`"
        } else {
            ""
        };
        match self.kind() {
            Kind::Word => {
                let words = self.words(s);
                words
                    .iter()
                    .position(|w| w == t)
                    .map(Value::Word)
                    .ok_or_else(|| bad(format!("write one of {}{never}", words.join(", "))))
            }
            Kind::Flag => match t {
                "true" => Ok(Value::Flag(true)),
                "false" => Ok(Value::Flag(false)),
                _ => Err(bad("write true or false".into())),
            },
            Kind::Number if self.is_day() => {
                let start = s.start.format("%Y-%m-%d");
                if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                    return day_of(s, date)
                        .map(|d| Value::Number(f64::from(d)))
                        .ok_or_else(|| bad(format!("the date is before the start, {start}")));
                }
                match t.parse::<f64>() {
                    Ok(x) if x.is_finite() && x >= 0.0 && x.fract() == 0.0 => Ok(Value::Number(x)),
                    _ => Err(bad(format!(
                        "write a date YYYY-MM-DD from {start}, a whole day number from 0{never}"
                    ))),
                }
            }
            Kind::Number => {
                let count = !matches!(
                    self,
                    Observable::Quantity { .. }
                        | Observable::QuantityBy { .. }
                        | Observable::PartyQuantity { .. }
                );
                match t.parse::<f64>() {
                    Ok(x) if x.is_finite() && (!count || (x >= 0.0 && x.fract() == 0.0)) => {
                        Ok(Value::Number(x))
                    }
                    _ if count => Err(bad("write a whole number from 0".into())),
                    _ => Err(bad("write a finite number".into())),
                }
            }
        }
    }
}
