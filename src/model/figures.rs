//! A partner's figures for one quarter, as the period form and the spreadsheet
//! template show them: one row per metric its kind of organisation reports,
//! per ICS it serves, per period (a quarter, or each started month of it for
//! a monthly metric).

use crate::domain::frequency::ReadingPeriod;
use crate::domain::metric::MetricKind;
use crate::domain::period::ReportingPeriod;
use crate::domain::rag::Direction;
use crate::domain::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureRow {
    /// Names the row's form field (`values[<key>]`): see `domain::figures::figure_key`.
    pub key: String,
    pub metric_id: String,
    pub metric_name: String,
    pub kind: MetricKind,
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    pub ics: String,
    pub period: ReadingPeriod,
    /// The ICS's target if it has one, else London's.
    pub target: Option<f64>,
    /// The figure for the period before, for reference.
    pub previous_value: Option<f64>,
    /// The figure already recorded for this period, if any.
    pub current_value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodFigures {
    pub organisation_id: String,
    pub organisation_name: String,
    pub ods: Option<String>,
    pub quarter: ReportingPeriod,
    /// Quarters one can choose, newest first.
    pub quarters: Vec<ReportingPeriod>,
    pub rows: Vec<FigureRow>,
    /// What was typed into a save that was refused (a form posted without
    /// JavaScript comes back with it), by row key.
    pub typed: BTreeMap<String, String>,
    /// Why that save was refused, one error per field (`values[<key>]`).
    pub errors: Vec<FieldError>,
    /// Set when the viewer may save these figures.
    pub csrf: Option<String>,
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiguresSaved {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}
