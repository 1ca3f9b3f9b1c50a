//! Evidence entries, their versions and the pages that list them.

use crate::domain::concordat::Commitment;
use crate::domain::london::IcsCode;
use crate::domain::period::ReportingPeriod;
use crate::domain::rag::DeliveryStatus;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceEntry {
    pub id: String,
    pub commitment_id: String,
    pub action_id: Option<String>,
    pub organisation_id: String,
    pub organisation_name: String,
    pub ics_code: IcsCode,
    pub period: ReportingPeriod,
    pub narrative: String,
    pub delivery_status: Option<DeliveryStatus>,
    pub milestone: Option<String>,
    pub milestone_due: Option<NaiveDate>,
    pub milestone_completed: Option<NaiveDate>,
    pub links: Vec<String>,
    pub version: i64,
    pub updated_at: String,
    pub updated_by: Option<String>,
}

impl EvidenceEntry {
    /// The entry as readers who are not signed in see it: the organisation, not
    /// the person who last saved it.
    pub fn without_names(self) -> EvidenceEntry {
        EvidenceEntry { updated_by: None, ..self }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceVersion {
    pub version: i64,
    pub saved_at: String,
    pub entry: EvidenceEntry,
}

/// An organisation the signed-in user may record evidence for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationChoice {
    pub id: String,
    pub name: String,
    /// `None` for London-wide organisations, which must say which ICS they report for.
    pub ics: Option<IcsCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentEvidence {
    pub commitment: Commitment,
    pub principle_title: String,
    pub entries: Vec<EvidenceEntry>,
    pub ics_codes: Vec<IcsCode>,
    pub current_period: ReportingPeriod,
    /// Empty when the user may not add evidence (or is not signed in).
    pub can_add_for: Vec<OrganisationChoice>,
    /// Ids of the entries this user may edit.
    pub editable: Vec<String>,
    /// The signed-in user's CSRF token, for the forms on the page.
    pub csrf: Option<String>,
    /// This commitment in each ICS for `current_period`.
    pub status_by_ics: Vec<(IcsCode, crate::domain::rag::Rag)>,
    /// The metrics that feed this commitment, with each ICS's recent readings.
    pub sparklines: Vec<MetricSparklines>,
}

/// A metric's last few ICS-level readings per ICS, for small inline charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSparklines {
    pub metric_id: String,
    pub name: String,
    pub periods: Vec<ReportingPeriod>,
    pub per_ics: Vec<(IcsCode, Vec<Option<f64>>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceDetail {
    pub entry: EvidenceEntry,
    pub versions: Vec<EvidenceVersion>,
    pub can_edit: bool,
    /// The commitment with its actions, so the edit form offers (and keeps) the
    /// entry's action.
    pub commitment: Commitment,
    pub csrf: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentProgress {
    pub commitment_id: String,
    pub text: String,
    pub entries: Vec<EvidenceEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyOrganisation {
    pub organisation_id: String,
    pub organisation_name: String,
    /// The organisation's returns for the last period and this one, with any
    /// question or reasons waiting for it.
    pub submissions: Vec<crate::model::submissions::SubmissionView>,
    pub period: ReportingPeriod,
    pub due_date: NaiveDate,
    pub commitments: Vec<CommitmentProgress>,
}
