//! RAG status as the matrix and cell pages show it.

use crate::domain::concordat::Concordat;
use crate::domain::london::IcsCode;
use crate::domain::period::ReportingPeriod;
use crate::domain::rag::{Rag, RollUp};
use crate::domain::status::{CommitmentCell, LondonStatus};
use serde::{Deserialize, Serialize};

/// The matrix page's data: the matrix as shown and the periods one can choose.
/// A cell's reasons are not here: they load on the cell's page, so the page
/// (and its hydration data) stays the same size however much evidence there is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusPage {
    pub matrix: Matrix,
    pub as_at: chrono::NaiveDate,
    pub rollup: RollUp,
    pub periods: Vec<ReportingPeriod>,
    /// Making Data Count: each metric's variation and assurance in each ICS.
    pub spc: SpcGrid,
}

/// Making Data Count across London: a row per metric, a column per ICS, each
/// cell its variation and assurance icons. The per-ICS tables (values,
/// targets) are on each ICS's page; this keeps London's to the icons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcGrid {
    pub icss: Vec<String>,
    pub rows: Vec<SpcGridRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpcGridRow {
    pub metric_id: String,
    pub metric_name: String,
    /// One per column of `SpcGrid::icss`; `None` where the ICS has no readings.
    pub cells: Vec<Option<SpcGridCell>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpcGridCell {
    pub variation: crate::domain::spc::VariationIcon,
    pub assurance: Option<crate::domain::spc::AssuranceIcon>,
    pub has_target: bool,
}

impl SpcGrid {
    /// The grid of `summaries` (one per metric and ICS), metrics in the order first met.
    pub fn new(summaries: &[crate::domain::metric_series::SpcSummary], icss: &[IcsCode]) -> SpcGrid {
        let icss: Vec<String> = icss.iter().map(ToString::to_string).collect();
        let mut rows: Vec<SpcGridRow> = Vec::new();
        for summary in summaries {
            let Some(column) = icss.iter().position(|ics| *ics == summary.ics) else { continue };
            let row = match rows.iter().position(|r| r.metric_id == summary.metric_id) {
                Some(index) => &mut rows[index],
                None => {
                    rows.push(SpcGridRow {
                        metric_id: summary.metric_id.clone(),
                        metric_name: summary.metric_name.clone(),
                        cells: vec![None; icss.len()],
                    });
                    let last = rows.len() - 1;
                    &mut rows[last]
                }
            };
            row.cells[column] = Some(SpcGridCell {
                variation: summary.variation_icon,
                assurance: summary.assurance_icon,
                has_target: summary.target.is_some(),
            });
        }
        SpcGrid { icss, rows }
    }
}

/// First sentence (or 90 characters) of a commitment, for a row heading.
pub fn short(text: &str) -> String {
    let first = text.split(['.', ':']).next().unwrap_or(text);
    if first.chars().count() > 90 {
        format!("{}…", first.chars().take(89).collect::<String>())
    } else {
        first.to_string()
    }
}

/// The London matrix as the page shows it: each cell's status and marks, no reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    pub period: ReportingPeriod,
    /// The columns, in order, with each ICS's overall status.
    pub icss: Vec<MatrixIcs>,
    pub principles: Vec<MatrixPrinciple>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixIcs {
    pub ics: IcsCode,
    pub rollup: RollUp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixPrinciple {
    /// "Principle 1: …", shortened.
    pub heading: String,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixRow {
    pub commitment_id: String,
    pub short_text: String,
    /// One per column of `Matrix::icss`; `None` where the ICS has no such cell.
    pub cells: Vec<Option<MatrixCell>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixCell {
    pub rag: Rag,
    pub overridden: bool,
    /// "Green on paper, red in results".
    pub mismatch: bool,
    /// How many of the returns the cell rests on are accepted, of how many
    /// (`None`: it rests on none, or the view does not show reviews).
    pub review: Option<(usize, usize)>,
}

impl MatrixCell {
    /// In words, for the cell's label: "1 of 3 returns it rests on accepted".
    pub fn review_label(&self) -> Option<String> {
        self.review.map(|(accepted, total)| format!("{accepted} of {total} returns it rests on accepted"))
    }
}

impl Matrix {
    /// The matrix of `status`, rows in the concordat's order; `reviews` marks
    /// the cells whose returns have (or have not yet) been accepted.
    pub fn new(status: &LondonStatus, concordat: &Concordat, reviews: &[CellReview]) -> Matrix {
        let review_of = |ics: &IcsCode, commitment_id: &str| {
            reviews
                .iter()
                .find(|r| r.ics == ics.as_str() && r.commitment_id == commitment_id)
                .map(|r| (r.accepted, r.total))
        };
        let principles = concordat
            .principles
            .iter()
            .map(|principle| MatrixPrinciple {
                heading: format!("Principle {}: {}", principle.number, short(&principle.title)),
                rows: principle
                    .commitments
                    .iter()
                    .map(|commitment| MatrixRow {
                        commitment_id: commitment.id.clone(),
                        short_text: short(&commitment.text),
                        cells: status
                            .icss
                            .iter()
                            .map(|ics| {
                                ics.cell(&commitment.id).map(|cell| MatrixCell {
                                    rag: cell.rag,
                                    overridden: cell.overridden.is_some(),
                                    mismatch: cell.computed.mismatch,
                                    review: review_of(&ics.ics, &commitment.id),
                                })
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        Matrix {
            period: status.period,
            icss: status.icss.iter().map(|i| MatrixIcs { ics: i.ics.clone(), rollup: i.rollup }).collect(),
            principles,
        }
    }
}

/// How many of the returns a cell rests on the board has accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellReview {
    pub ics: String,
    pub commitment_id: String,
    pub accepted: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellDetail {
    pub ics: IcsCode,
    pub period: ReportingPeriod,
    pub commitment: crate::domain::concordat::Commitment,
    pub cell: CommitmentCell,
    pub can_override: bool,
    pub csrf: Option<String>,
    /// The organisations whose evidence or readings this cell rests on, with
    /// the state of each one's return for the period.
    pub basis: Vec<ReturnBasis>,
    /// The figures partners recorded in the ICS for the commitment's metrics in
    /// the period (its months included), by metric and organisation.
    #[serde(default)]
    pub partner_figures: Vec<PartnerFigure>,
}

/// One partner's figure for one metric and period.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerFigure {
    pub metric_id: String,
    pub metric_name: String,
    pub organisation_name: String,
    pub period: String,
    pub value: f64,
}

/// One organisation a status rests on, and whether its return was accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnBasis {
    pub organisation_id: String,
    pub organisation_name: String,
    pub state: crate::domain::submission::SubmissionState,
}
