//! Making Data Count results as the API returns them and the pages draw them.

use crate::domain::frequency::ReadingPeriod;
use crate::domain::london::IcsCode;
use crate::domain::spc::{AssuranceIcon, ImprovementDirection, PointType, SpcAnalysis, VariationIcon};
use serde::{Deserialize, Serialize};

use super::readings::CatalogueEntry;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcPointView {
    /// Absent for an analyst's own series (`POST /api/v1/spc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<ReadingPeriod>,
    pub value: f64,
    pub point_type: PointType,
}

/// One rebase segment: `start` and `end` are 0-based indices into `points`, both included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcSegmentView {
    pub start: usize,
    pub end: usize,
    pub mean: f64,
    pub lpl: Option<f64>,
    pub upl: Option<f64>,
}

/// An XmR analysis. `mean`, `lpl` and `upl` are the current (last) segment's;
/// `segments` is empty unless the series is rebased. Without points every
/// figure and icon is `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ics: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    pub improvement_direction: ImprovementDirection,
    pub target: Option<f64>,
    pub mean: Option<f64>,
    pub lpl: Option<f64>,
    pub upl: Option<f64>,
    pub points: Vec<SpcPointView>,
    pub variation_icon: Option<VariationIcon>,
    pub assurance_icon: Option<AssuranceIcon>,
    pub segments: Vec<SpcSegmentView>,
}

impl SpcResult {
    /// The result of an analysis; `periods`, when given, name the points.
    pub fn new(analysis: &SpcAnalysis, periods: Option<&[ReadingPeriod]>) -> SpcResult {
        let current = analysis.current();
        SpcResult {
            metric: None,
            ics: None,
            partner: None,
            improvement_direction: analysis.improvement_direction,
            target: analysis.target,
            mean: Some(current.mean),
            lpl: current.lpl,
            upl: current.upl,
            points: analysis
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| SpcPointView {
                    period: periods.and_then(|ps| ps.get(i).copied()),
                    value: p.value,
                    point_type: p.point_type,
                })
                .collect(),
            variation_icon: Some(analysis.variation_icon),
            assurance_icon: analysis.assurance_icon,
            segments: if analysis.segments.len() > 1 {
                analysis
                    .segments
                    .iter()
                    .map(|s| SpcSegmentView { start: s.start, end: s.end, mean: s.mean, lpl: s.lpl, upl: s.upl })
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// A series without readings.
    pub fn empty(improvement_direction: ImprovementDirection, target: Option<f64>) -> SpcResult {
        SpcResult {
            metric: None,
            ics: None,
            partner: None,
            improvement_direction,
            target,
            mean: None,
            lpl: None,
            upl: None,
            points: Vec::new(),
            variation_icon: None,
            assurance_icon: None,
            segments: Vec::new(),
        }
    }

    /// The limits in force at point `index`: its segment's, or the only ones.
    pub fn limits_at(&self, index: usize) -> (Option<f64>, Option<f64>, Option<f64>) {
        match self.segments.iter().find(|s| s.start <= index && index <= s.end) {
            Some(s) => (Some(s.mean), s.lpl, s.upl),
            None => (self.mean, self.lpl, self.upl),
        }
    }
}

/// A rebase as the metric page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RebaseView {
    pub ics: String,
    pub period: String,
    pub reason: String,
    pub created_at: String,
}

/// One ICS's chart on a metric page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IcsChart {
    pub ics: IcsCode,
    pub spc: SpcResult,
}

/// `/metrics/{id}`: the metric, an XmR chart per ICS, its rebases, and the
/// CSRF token for the rebase forms when the viewer may rebase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricCharts {
    pub metric: CatalogueEntry,
    pub charts: Vec<IcsChart>,
    pub rebases: Vec<RebaseView>,
    pub editor_csrf: Option<String>,
}
