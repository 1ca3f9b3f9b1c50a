//! The metric catalogue: what a metric is, and which values it can take.

use super::concordat::is_commitment_id;
use super::frequency::{Frequency, QuarterRollup};
use super::london::OrgKind;
use super::rag::{Direction, Thresholds};
use super::spc::ImprovementDirection;
use super::validation::{clean_text, FieldError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// A number on any non-negative scale, e.g. per 100,000 adults.
    Rate,
    /// 0 to 100.
    Percent,
    /// A whole number of things.
    Count,
    /// One rate over another; parity is 1.
    Ratio,
    /// Done (1) or not yet (0) by a due date.
    Milestone,
}

impl MetricKind {
    pub const ALL: [MetricKind; 5] =
        [MetricKind::Rate, MetricKind::Percent, MetricKind::Count, MetricKind::Ratio, MetricKind::Milestone];

    pub fn as_str(self) -> &'static str {
        match self {
            MetricKind::Rate => "rate",
            MetricKind::Percent => "percent",
            MetricKind::Count => "count",
            MetricKind::Ratio => "ratio",
            MetricKind::Milestone => "milestone",
        }
    }

    pub fn parse(value: &str) -> Result<Self, FieldError> {
        MetricKind::ALL.into_iter().find(|k| k.as_str() == value.trim()).ok_or_else(|| {
            FieldError::new("kind", format!("{value:?} is not a kind; use rate, percent, count, ratio or milestone"))
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            MetricKind::Rate => "Rate",
            MetricKind::Percent => "Percentage",
            MetricKind::Count => "Count",
            MetricKind::Ratio => "Ratio",
            MetricKind::Milestone => "Milestone",
        }
    }
}

/// Formats a value without a trailing ".0": 80, 12.5.
pub fn format_value(value: f64) -> String {
    let rounded = (value * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

/// What follows a value to give its unit: "%" joins it (80%), a word is
/// spaced (12 per 100k), no unit is nothing.
pub fn unit_suffix(unit: Option<&str>) -> String {
    match unit {
        None | Some("") => String::new(),
        Some("%") => "%".to_string(),
        Some(unit) => format!(" {unit}"),
    }
}

/// Checks a number against what the kind allows, saying why it is refused.
pub fn validate_value(kind: MetricKind, value: f64) -> Result<f64, String> {
    let shown = format_value(value);
    if !value.is_finite() {
        return Err("the value must be a number".into());
    }
    match kind {
        MetricKind::Percent if !(0.0..=100.0).contains(&value) => {
            Err(format!("{shown} is not a percentage: it must be between 0 and 100"))
        }
        MetricKind::Count if value < 0.0 || value.fract() != 0.0 => {
            Err(format!("{shown} is not a count: it must be a whole number of 0 or more"))
        }
        MetricKind::Rate | MetricKind::Ratio if value < 0.0 => {
            Err(format!("{shown} is not a {}: it must be 0 or more", kind.as_str()))
        }
        MetricKind::Milestone if value != 0.0 && value != 1.0 => {
            Err(format!("{shown} is not a milestone value: use 1 for done or 0 for not yet"))
        }
        _ => Ok(value),
    }
}

/// Reads a value as typed ("80", "80.5", "80%" for a percentage) and checks it.
pub fn parse_value(kind: MetricKind, text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let number = if kind == MetricKind::Percent { trimmed.trim_end_matches('%').trim_end() } else { trimmed };
    if number.is_empty() {
        return Err("a value is required".into());
    }
    let shown: String = trimmed.chars().take(40).collect();
    let value: f64 = number.parse().map_err(|_| format!("{shown:?} is not a number"))?;
    if !value.is_finite() {
        return Err(format!("{shown:?} is not a number"));
    }
    validate_value(kind, value)
}

/// A metric as the catalogue defines it (and as `seed/metrics.toml` lists it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDefinition {
    pub id: String,
    pub name: String,
    #[serde(alias = "commitment")]
    pub commitment_id: String,
    pub kind: MetricKind,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub amber: Option<f64>,
    #[serde(default)]
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
    /// How often it is reported: readings are for months or for quarters.
    #[serde(default)]
    pub frequency: Frequency,
    /// For a monthly metric, how a quarter's months make the quarter's figure.
    #[serde(default)]
    pub rollup: QuarterRollup,
    /// The kinds of organisation that report it (a partner's figures form
    /// lists the metrics its kind reports).
    #[serde(default)]
    pub reported_by: Vec<OrgKind>,
    /// The seed file names the principle too; the commitment id already implies it.
    #[serde(default, skip_serializing)]
    pub principle: Option<String>,
}

fn valid_metric_id(id: &str) -> bool {
    id.strip_prefix("m_").is_some_and(|rest| {
        (1..=60).contains(&rest.len())
            && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    })
}

impl MetricDefinition {
    /// Checks every field, reporting all problems at once.
    pub fn validate(mut self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if !valid_metric_id(&self.id) {
            errors.push(FieldError::new("id", "must be m_ followed by 1 to 60 lower-case letters, digits or _"));
        }
        match clean_text("name", &self.name, true, 200) {
            Ok(name) => self.name = name,
            Err(e) => errors.push(e),
        }
        if !is_commitment_id(&self.commitment_id) {
            errors.push(FieldError::new(
                "commitment_id",
                format!("{:?} is not a commitment id such as P3.C2", self.commitment_id),
            ));
        }
        self.unit = match self.unit.as_deref().map(|u| clean_text("unit", u, false, 40)) {
            Some(Ok(u)) if !u.is_empty() => Some(u),
            Some(Err(e)) => {
                errors.push(e);
                None
            }
            _ => None,
        };
        self.note = match self.note.as_deref().map(|n| clean_text("note", n, false, 2000)) {
            Some(Ok(n)) if !n.is_empty() => Some(n),
            Some(Err(e)) => {
                errors.push(e);
                None
            }
            _ => None,
        };
        self.reported_by.sort();
        self.reported_by.dedup();
        if self.kind != MetricKind::Milestone && self.direction.is_none() {
            errors.push(FieldError::new("direction", "say whether higher or lower is better"));
        }
        match (self.target, self.amber) {
            (None, None) => {}
            (Some(target), Some(amber)) => {
                if let Err(m) = validate_value(self.kind, target) {
                    errors.push(FieldError::new("target", m));
                }
                if let Err(m) = validate_value(self.kind, amber) {
                    errors.push(FieldError::new("amber", m));
                }
                match self.direction {
                    Some(Direction::HigherIsBetter) if amber > target => errors.push(FieldError::new(
                        "amber",
                        "when higher is better, the amber edge must be at or below the target",
                    )),
                    Some(Direction::LowerIsBetter) if amber < target => errors.push(FieldError::new(
                        "amber",
                        "when lower is better, the amber edge must be at or above the target",
                    )),
                    _ => {}
                }
            }
            (Some(_), None) => errors.push(FieldError::new("amber", "give the amber edge as well as the target")),
            (None, Some(_)) => errors.push(FieldError::new("target", "give the target as well as the amber edge")),
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    pub fn thresholds(&self) -> Option<Thresholds> {
        Some(Thresholds { target: self.target?, amber: self.amber? })
    }

    /// Whether an organisation of this kind reports the metric.
    pub fn is_reported_by(&self, kind: OrgKind) -> bool {
        self.reported_by.contains(&kind)
    }

    /// The SPC improvement direction: a metric without a direction is neutral.
    pub fn improvement_direction(&self) -> ImprovementDirection {
        improvement_direction(self.direction)
    }
}

pub fn improvement_direction(direction: Option<Direction>) -> ImprovementDirection {
    match direction {
        Some(Direction::HigherIsBetter) => ImprovementDirection::Increase,
        Some(Direction::LowerIsBetter) => ImprovementDirection::Decrease,
        None => ImprovementDirection::Neutral,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_unit_joins_or_follows_its_value() {
        assert_eq!(format!("{}{}", format_value(80.0), unit_suffix(Some("%"))), "80%");
        assert_eq!(format!("{}{}", format_value(47.8), unit_suffix(Some("per 100k"))), "47.8 per 100k");
        assert_eq!(unit_suffix(None), "");
        assert_eq!(unit_suffix(Some("")), "");
    }

    use super::*;

    fn liaison() -> MetricDefinition {
        MetricDefinition {
            id: "m_liaison_1h".into(),
            name: "ED referrals to liaison psychiatry seen within one hour".into(),
            commitment_id: "P3.C2".into(),
            kind: MetricKind::Percent,
            unit: None,
            direction: Some(Direction::HigherIsBetter),
            target: Some(85.0),
            amber: Some(75.0),
            due: None,
            note: None,
            frequency: Frequency::Quarterly,
            rollup: QuarterRollup::Latest,
            reported_by: vec![OrgKind::AcuteTrust, OrgKind::Icb],
            principle: None,
        }
    }

    #[test]
    fn values_are_checked_by_kind() {
        assert_eq!(validate_value(MetricKind::Percent, 80.0), Ok(80.0));
        assert_eq!(
            validate_value(MetricKind::Percent, 180.0),
            Err("180 is not a percentage: it must be between 0 and 100".to_string())
        );
        assert!(validate_value(MetricKind::Percent, -1.0).is_err());
        assert_eq!(
            validate_value(MetricKind::Count, 2.5),
            Err("2.5 is not a count: it must be a whole number of 0 or more".to_string())
        );
        assert!(validate_value(MetricKind::Count, -3.0).is_err());
        assert_eq!(validate_value(MetricKind::Count, 7.0), Ok(7.0));
        assert!(validate_value(MetricKind::Rate, -0.5).is_err());
        assert_eq!(validate_value(MetricKind::Ratio, 1.8), Ok(1.8));
        assert!(validate_value(MetricKind::Milestone, 0.5).is_err());
        assert!(validate_value(MetricKind::Rate, f64::NAN).is_err());
    }

    #[test]
    fn values_are_parsed_as_typed() {
        assert_eq!(parse_value(MetricKind::Percent, " 80% "), Ok(80.0));
        assert_eq!(parse_value(MetricKind::Percent, "80.5"), Ok(80.5));
        assert!(parse_value(MetricKind::Count, "80%").is_err());
        assert_eq!(parse_value(MetricKind::Rate, ""), Err("a value is required".to_string()));
        assert_eq!(parse_value(MetricKind::Rate, "abc"), Err("\"abc\" is not a number".to_string()));
        assert!(parse_value(MetricKind::Rate, "1e400").is_err());
        assert!(parse_value(MetricKind::Rate, "NaN").is_err());
        assert!(parse_value(MetricKind::Rate, "'; DROP TABLE reading;--").is_err());
    }

    #[test]
    fn numbers_print_without_noise() {
        assert_eq!(format_value(80.0), "80");
        assert_eq!(format_value(12.5), "12.5");
        assert_eq!(format_value(0.1 + 0.2), "0.3");
    }

    #[test]
    fn definitions_are_validated_together() {
        assert!(liaison().validate().is_ok());
        let bad = MetricDefinition {
            id: "liaison".into(),
            name: " ".into(),
            commitment_id: "P3".into(),
            target: Some(85.0),
            amber: Some(95.0),
            ..liaison()
        };
        let fields: Vec<String> = bad.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["id", "name", "commitment_id", "amber"]);
        let half = MetricDefinition { amber: None, ..liaison() };
        assert_eq!(half.validate().unwrap_err()[0].field, "amber");
        let no_direction = MetricDefinition { direction: None, ..liaison() };
        assert_eq!(no_direction.validate().unwrap_err()[0].field, "direction");
        let over = MetricDefinition { target: Some(120.0), amber: Some(75.0), ..liaison() };
        assert_eq!(over.validate().unwrap_err()[0].field, "target");
    }

    #[test]
    fn a_metric_says_who_reports_it() {
        let metric =
            MetricDefinition { reported_by: vec![OrgKind::Icb, OrgKind::AcuteTrust, OrgKind::Icb], ..liaison() };
        let metric = metric.validate().expect("valid");
        assert_eq!(metric.reported_by, [OrgKind::Icb, OrgKind::AcuteTrust], "kept once each, in kind order");
        assert!(metric.is_reported_by(OrgKind::AcuteTrust));
        assert!(!metric.is_reported_by(OrgKind::Police));
    }

    #[test]
    fn thresholds_need_both_edges() {
        assert_eq!(liaison().thresholds(), Some(Thresholds { target: 85.0, amber: 75.0 }));
        assert_eq!(MetricDefinition { target: None, amber: None, ..liaison() }.thresholds(), None);
    }
}
