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
    /// The entries shown, newest first: each ICS's first few, or one page of
    /// one ICS's (see `shown`).
    pub entries: Vec<EvidenceEntry>,
    /// Which entries are shown, and how many there are in each ICS.
    pub shown: EvidenceSlice,
    pub ics_codes: Vec<IcsCode>,
    pub current_period: ReportingPeriod,
    /// The periods one can choose, newest first.
    pub periods: Vec<ReportingPeriod>,
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

/// Which of a commitment's evidence a page shows. Evidence grows every period,
/// so a page shows a bounded slice: each ICS's newest few, or one ICS a page
/// at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceSlice {
    /// Only this period's evidence (`None`: every period).
    pub period: Option<ReportingPeriod>,
    /// Only this ICS's, a page at a time (`None`: each ICS's newest few).
    pub ics: Option<IcsCode>,
    /// From 1.
    pub page: u32,
    pub page_count: u32,
    /// How many entries each ICS has for `period`.
    pub counts: Vec<(IcsCode, i64)>,
}

impl EvidenceSlice {
    /// How many of each ICS's newest entries the overview shows.
    pub const PER_ICS: i64 = 5;
    /// How many entries a page of one ICS's evidence shows.
    pub const PAGE_SIZE: i64 = 20;

    pub fn count(&self, ics: &IcsCode) -> i64 {
        self.counts.iter().find(|(code, _)| code == ics).map_or(0, |(_, n)| *n)
    }

    /// The query string that shows `ics` (all ICSs if `None`) at `page`, keeping the period.
    pub fn query(&self, ics: Option<&IcsCode>, page: u32) -> String {
        let mut parts = Vec::new();
        if let Some(period) = self.period {
            parts.push(format!("period={period}"));
        }
        if let Some(ics) = ics {
            parts.push(format!("ics={ics}"));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "?".to_string()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
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
    /// How many entries the organisation has for it this period (the entries
    /// themselves are on the commitment's page).
    pub entries: i64,
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
