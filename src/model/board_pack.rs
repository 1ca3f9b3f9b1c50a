//! The board pack: the report for the London recovery board's meeting, in the
//! order a board paper takes. A frozen pack is stored as this, as JSON, and
//! never changes afterwards.

use crate::domain::concordat::Concordat;
use crate::domain::period::ReportingPeriod;
use crate::domain::rag::Rag;
use crate::domain::status::LondonStatus;
use crate::model::organisations::IcsSignUpView;
use crate::model::readings::MetricTrend;
use crate::model::submissions::SubmissionView;
use serde::{Deserialize, Serialize};

/// A Red commitment, or one "green on paper, red in results", with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exception {
    pub ics: String,
    pub commitment_id: String,
    pub commitment_text: String,
    pub rag: Rag,
    /// Delivery Green but outcome Red.
    pub mismatch: bool,
    pub reasons: Vec<String>,
}

/// A status the board set, in force for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideInForce {
    pub ics: String,
    pub commitment_id: String,
    pub rag: Rag,
    /// What the rules computed.
    pub computed: Rag,
    pub rationale: String,
    pub expires_after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardPack {
    pub period: ReportingPeriod,
    pub period_label: String,
    /// When the pack was drawn up (for a frozen pack: when it was frozen).
    pub generated_at: String,
    pub status: LondonStatus,
    pub concordat: Concordat,
    pub exceptions: Vec<Exception>,
    pub overrides: Vec<OverrideInForce>,
    /// Returns not received (not submitted) or not accepted.
    pub outstanding: Vec<SubmissionView>,
    pub signup: Vec<IcsSignUpView>,
    pub trends: Vec<MetricTrend>,
    /// Making Data Count: variation and assurance of each metric in each ICS
    /// (empty in packs frozen before it was added).
    #[serde(default)]
    pub spc: Vec<crate::domain::metric_series::SpcSummary>,
    /// How far each cell's returns had been accepted, for the matrix's ✓ and ○
    /// (empty in packs frozen before it was added: no marks).
    #[serde(default)]
    pub reviews: Vec<crate::model::status::CellReview>,
    /// Who decided each return decided on in the period (empty in packs
    /// frozen before it was added).
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

/// The latest decision the board or an ICS took on one organisation's return.
/// Organisations, never people: the pack can go in a public board paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub organisation_name: String,
    /// `accept`, `query` or `return`.
    pub step: String,
    pub at: String,
    /// The organisation of the person who decided.
    pub decided_by: String,
}

/// A frozen pack's label: for which meeting, saved by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub id: String,
    pub period: String,
    pub meeting_date: String,
    pub saved_by: String,
    pub saved_at: String,
}

/// `/board-pack?period=…` or `/board-packs/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardPackPage {
    /// The pack, its cells' reasons left out (the exceptions keep theirs).
    pub pack: BoardPack,
    /// The pack's matrix as shown.
    pub matrix: crate::model::status::Matrix,
    /// Its Making Data Count summary as shown (the pack's own `spc` is left out).
    pub spc: crate::model::status::SpcGrid,
    /// Set for a frozen pack.
    pub snapshot: Option<SnapshotInfo>,
    /// For the freeze form, when the viewer may freeze packs (board reviewers).
    pub freeze_csrf: Option<String>,
}
