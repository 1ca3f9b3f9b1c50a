//! RAG status as the matrix and cell pages show it.

use crate::domain::london::IcsCode;
use crate::domain::period::ReportingPeriod;
use crate::domain::status::{CommitmentCell, LondonStatus};
use serde::{Deserialize, Serialize};

/// The matrix page's data: the status and the periods one can choose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusPage {
    pub status: LondonStatus,
    pub periods: Vec<ReportingPeriod>,
    pub concordat: crate::domain::concordat::Concordat,
    /// How far each cell's returns have been accepted (cells resting on no return are left out).
    pub reviews: Vec<CellReview>,
    /// Making Data Count: each metric's variation and assurance in each ICS.
    pub spc: Vec<crate::domain::metric_series::SpcSummary>,
}

/// How many of the returns a cell rests on the board has accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellReview {
    pub ics: String,
    pub commitment_id: String,
    pub accepted: usize,
    pub total: usize,
}

impl CellReview {
    /// In words, for the cell's label: "1 of 3 returns it rests on accepted".
    pub fn label(&self) -> String {
        format!("{} of {} returns it rests on accepted", self.accepted, self.total)
    }
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
