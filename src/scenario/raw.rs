//! The scenario file exactly as written: serde structs that mirror the TOML one to one.
//!
//! Every table denies unknown keys, so a typo (`complience`) is an error, not a silent
//! default. Ids and references keep their byte span ([`Spanned`]) so that a later error
//! ("no party `DPRKK`") can point at the line and column. Nothing here is validated beyond
//! TOML types; [`super::compile`] turns this into a [`crate::Scenario`].

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRaw {
    /// `[scenario]`.
    pub scenario: Option<Spanned<ScenarioRaw>>,
    /// `[defaults]`: party fields for every party.
    pub defaults: Option<Spanned<DefaultsRaw>>,
    /// `[[party]]`.
    #[serde(default)]
    pub party: Vec<Spanned<PartyRaw>>,
    /// `[[phase]]`.
    #[serde(default)]
    pub phase: Vec<Spanned<PhaseRaw>>,
    /// `[[action]]`.
    #[serde(default)]
    pub action: Vec<Spanned<ActionRaw>>,
    /// `[[shock]]`.
    #[serde(default)]
    pub shock: Vec<Spanned<ShockRaw>>,
}

/// `[scenario]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRaw {
    /// Short machine name; the default output folder.
    pub name: Option<Spanned<String>>,
    /// Human title.
    pub title: Option<String>,
    /// The source document.
    pub source: Option<String>,
    /// Day 0.
    pub start: Option<Spanned<DateValue>>,
    /// Last simulated day, as a date.
    pub horizon: Option<Spanned<DateValue>>,
    /// Last simulated day, as a day number.
    pub horizon_days: Option<Spanned<i64>>,
    /// Days between reviews for parties that set none.
    pub review_every_days: Option<Spanned<i64>>,
    /// A lapsed deadline lapses again every this many days, for actions that set none
    /// (model 0.3; 0 = never).
    pub relapse_every_days: Option<Spanned<i64>>,
}

/// `[defaults]`: any party field, for every party.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultsRaw {
    /// See [`PartyRaw::compliance`].
    pub compliance: Option<f64>,
    /// See [`PartyRaw::reciprocity`].
    pub reciprocity: Option<f64>,
    /// See [`PartyRaw::initial_trust`].
    pub initial_trust: Option<f64>,
    /// Per-counterpart starting trust for every party.
    #[serde(default, deserialize_with = "ordered_table")]
    pub trust: Option<Vec<(Spanned<String>, f64)>>,
    /// See [`PartyRaw::trust_gain`].
    pub trust_gain: Option<f64>,
    /// See [`PartyRaw::trust_loss`].
    pub trust_loss: Option<f64>,
    /// See [`PartyRaw::walkout_trust`].
    pub walkout_trust: Option<f64>,
    /// See [`PartyRaw::review_every_days`].
    pub review_every_days: Option<i64>,
    /// See [`PartyRaw::suspend_trust`].
    pub suspend_trust: Option<f64>,
    /// Not valid here (an observer is set per party); read only to say so clearly.
    pub observer: Option<Spanned<toml::Value>>,
}

/// `[[party]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyRaw {
    /// Short id used everywhere else (`DPRK`).
    pub id: Option<Spanned<String>>,
    /// Full name.
    pub name: Option<String>,
    /// Chance to act on a due action at a review, at full trust.
    pub compliance: Option<f64>,
    /// How strongly trust scales that chance.
    pub reciprocity: Option<f64>,
    /// Starting trust in every other party.
    pub initial_trust: Option<f64>,
    /// Per-counterpart overrides of the starting trust, in file order.
    #[serde(default, deserialize_with = "ordered_table")]
    pub trust: Option<Vec<(Spanned<String>, f64)>>,
    /// Share of the missing trust gained when a counterpart delivers.
    pub trust_gain: Option<f64>,
    /// Share of trust lost when a counterpart's deadline lapses.
    pub trust_loss: Option<f64>,
    /// Walks out when its mean trust falls below this.
    pub walkout_trust: Option<f64>,
    /// Days between reviews.
    pub review_every_days: Option<i64>,
    /// Suspends its actions under way while its trust in their counterparts is below this
    /// (model 0.3).
    pub suspend_trust: Option<f64>,
    /// A verifier: left out of walkout means and default counterparts (model 0.3).
    pub observer: Option<bool>,
}

/// `[[phase]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseRaw {
    /// Id.
    pub id: Option<Spanned<String>>,
    /// Name.
    pub name: Option<String>,
    /// Starts at the beginning of this day.
    pub start: Option<Spanned<DateValue>>,
    /// Starts `lag_days` after the last of these phases is done.
    pub after: Option<Vec<Spanned<String>>>,
    /// Days between the last `after` phase being done and this one starting.
    pub lag_days: Option<Spanned<i64>>,
}

/// `[[action]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRaw {
    /// Id.
    pub id: Option<Spanned<String>>,
    /// Name.
    pub name: Option<String>,
    /// One actor or several (a joint action).
    pub party: Option<Spanned<OneOrMany>>,
    /// The phase it belongs to.
    pub phase: Option<Spanned<String>>,
    /// Optional deadline: a date, a day number, or relative to another action.
    pub deadline: Option<Spanned<DeadlineRaw>>,
    /// A lapsed deadline lapses again every this many days (model 0.3; 0 = never).
    pub relapse_every_days: Option<Spanned<i64>>,
    /// Compliance for this action: one number or a table by actor (model 0.3).
    pub compliance: Option<Spanned<PerActor>>,
    /// Reciprocity for this action: one number or a table by actor (model 0.3).
    pub reciprocity: Option<Spanned<PerActor>>,
    /// How long it takes once started.
    pub duration: Option<Spanned<DurationRaw>>,
    /// Action-for-action links: `"id"` (done) or `"id@started"`.
    pub requires: Option<Vec<Spanned<String>>>,
    /// At least `n` of `of` done.
    pub requires_at_least: Option<Spanned<AtLeastRaw>>,
    /// What it delivers.
    pub quantity: Option<Spanned<f64>>,
    /// The unit of `quantity`.
    pub unit: Option<Spanned<String>>,
}

/// `requires_at_least = { n = 2, of = [...] }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtLeastRaw {
    /// How many.
    pub n: i64,
    /// Of which actions.
    pub of: Vec<Spanned<String>>,
}

/// A duration in one of the five forms of docs/MODEL.md 2.7.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum DurationRaw {
    /// `{ fixed = d }`.
    Fixed(f64),
    /// `{ uniform = [a, b] }`.
    Uniform(Vec<f64>),
    /// `{ triangular = [min, mode, max] }`.
    Triangular(Vec<f64>),
    /// `{ lognormal = { median = m, sigma = s } }`.
    Lognormal {
        /// Median in days.
        median: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// `{ exponential = { mean = m } }`.
    Exponential {
        /// Mean in days.
        mean: f64,
    },
}

/// `[[shock]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShockRaw {
    /// Id.
    pub id: Option<Spanned<String>>,
    /// Name.
    pub name: Option<String>,
    /// Mean arrivals per 365.25 days.
    pub rate_per_year: Option<f64>,
    /// Instead of a rate: the event of the trial it answers (model 0.3).
    pub on: Option<Spanned<TriggerRaw>>,
    /// The chance it follows each such event (only with `on`).
    pub chance: Option<Spanned<f64>>,
    /// Whose trust falls.
    pub from: Option<Vec<Spanned<String>>>,
    /// In whom.
    pub toward: Option<Vec<Spanned<String>>>,
    /// Share of trust lost.
    pub trust_drop: Option<f64>,
    /// Parties that skip reviews.
    pub pause: Option<Vec<Spanned<String>>>,
    /// For how many days.
    pub pause_days: Option<Spanned<i64>>,
    /// When it can occur: `[first, last]`, dates or day numbers.
    pub window: Option<Spanned<Vec<DayOrDate>>>,
}

/// `on = { lapse = "<id>" }`, `{ done = "<id>" }` or `{ started = "<id>" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerRaw {
    /// Every lapse (and relapse) of this action's deadline.
    pub lapse: Option<String>,
    /// This action being done.
    pub done: Option<String>,
    /// This action starting.
    pub started: Option<String>,
}

/// The key under which the TOML parser hands a date literal to serde.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// A day written as a date (string or TOML date) or as a whole number of days after the
/// start.
#[derive(Debug, Clone, PartialEq)]
pub enum DayOrDate {
    /// A calendar date, as written.
    Date(DateValue),
    /// A day number (may be negative here; the compile step says what is valid).
    Day(i64),
    /// A number that is not whole.
    Fraction(f64),
}

impl<'de> Deserialize<'de> for DayOrDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DayOrDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as \"2007-10-03\" or a whole number of days")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DayOrDate, E> {
                Ok(DayOrDate::Date(DateValue(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DayOrDate, E> {
                Ok(DayOrDate::Day(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DayOrDate, E> {
                Ok(DayOrDate::Day(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DayOrDate, E> {
                Ok(DayOrDate::Fraction(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DayOrDate, A::Error> {
                DateValue::from_map(map).map(DayOrDate::Date)
            }
        }
        d.deserialize_any(V)
    }
}

/// `deadline`: a date, a day number, or `{ after = "<id>[@started]", days = n }`.
#[derive(Debug, Clone, PartialEq)]
pub enum DeadlineRaw {
    /// A date or a day number.
    Fixed(DayOrDate),
    /// Relative to another action.
    After {
        /// `"<action id>"` or `"<action id>@started"`, when given.
        after: Option<String>,
        /// The days after, when given (as written, to check it is whole).
        days: Option<toml::Value>,
        /// A key other than `after` and `days`, if any.
        unknown: Option<String>,
    },
}

impl<'de> Deserialize<'de> for DeadlineRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DeadlineRaw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a date such as \"2007-12-31\", a whole number of days, or { after = \"<action id>\", days = n }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DeadlineRaw, E> {
                Ok(DeadlineRaw::Fixed(DayOrDate::Date(DateValue(
                    v.to_string(),
                ))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DeadlineRaw, E> {
                Ok(DeadlineRaw::Fixed(DayOrDate::Day(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DeadlineRaw, E> {
                Ok(DeadlineRaw::Fixed(DayOrDate::Day(
                    i64::try_from(v).unwrap_or(i64::MAX),
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DeadlineRaw, E> {
                Ok(DeadlineRaw::Fixed(DayOrDate::Fraction(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DeadlineRaw, A::Error> {
                let (mut after, mut days, mut unknown) = (None, None, None);
                while let Some(k) = map.next_key::<String>()? {
                    let v = map.next_value::<toml::Value>()?;
                    match k.as_str() {
                        TOML_DATETIME_KEY => {
                            let text = match v {
                                toml::Value::String(s) => s,
                                other => other.to_string(),
                            };
                            return Ok(DeadlineRaw::Fixed(DayOrDate::Date(DateValue(text))));
                        }
                        "after" => match v {
                            toml::Value::String(s) => after = Some(s),
                            other => {
                                return Err(de::Error::custom(format!(
                                    "deadline after = {other} must be an action id in quotes"
                                )));
                            }
                        },
                        "days" => days = Some(v),
                        _ => unknown = unknown.or(Some(k)),
                    }
                }
                Ok(DeadlineRaw::After {
                    after,
                    days,
                    unknown,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// `compliance = 0.8` (every actor) or `compliance = { DPRK = 0.8 }` (by actor, file order).
#[derive(Debug, Clone, PartialEq)]
pub enum PerActor {
    /// One value for every actor.
    All(f64),
    /// Values by party id, in file order.
    By(Vec<(String, f64)>),
}

impl<'de> Deserialize<'de> for PerActor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PerActor;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a table of actor ids to numbers such as { DPRK = 0.8 }")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PerActor, E> {
                Ok(PerActor::All(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PerActor, E> {
                Ok(PerActor::All(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PerActor, E> {
                Ok(PerActor::All(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PerActor, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, toml::Value>()? {
                    let x = match v {
                        toml::Value::Float(x) => x,
                        toml::Value::Integer(i) => i as f64,
                        other => {
                            return Err(de::Error::custom(format!(
                                "{k} = {other} must be a number"
                            )));
                        }
                    };
                    out.push((k, x));
                }
                Ok(PerActor::By(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A calendar date written as a string (`"2007-10-03"`) or a TOML date (`2007-10-03`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateValue(pub String);

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DateValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as \"2007-10-03\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateValue, E> {
                Ok(DateValue(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateValue, A::Error> {
                DateValue::from_map(map)
            }
        }
        d.deserialize_any(V)
    }
}

impl DateValue {
    /// A TOML date literal reaches serde as a one-entry map holding its text.
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<DateValue, A::Error> {
        let mut text = None;
        while let Some((_, v)) = map.next_entry::<String, toml::Value>()? {
            text = Some(match v {
                toml::Value::String(s) => s,
                other => other.to_string(),
            });
        }
        text.map(DateValue)
            .ok_or_else(|| de::Error::custom("expected a date"))
    }
}

/// `party = "DPRK"` or `party = ["CHN", "DPRK"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a party id or a list of party ids")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A TOML table `{ US = 0.3, JPN = 0.2 }` read as (key, value) pairs in file order, so that
/// error messages and iteration are deterministic.
/// Per-counterpart trust values, in file order.
type TrustEntries = Vec<(Spanned<String>, f64)>;

fn ordered_table<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TrustEntries>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<(Spanned<String>, f64)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a table of party ids to trust values, such as { US = 0.3 }")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<Spanned<String>, f64>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    d.deserialize_map(V).map(Some)
}
