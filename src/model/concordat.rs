//! London's ICSs as their pages show them.

use crate::domain::london::IcsDetail;
use crate::domain::period::ReportingPeriod;
use crate::model::evidence::EvidenceEntry;

/// The ICS page: the ICS and this period's status for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IcsPageData {
    pub detail: IcsDetail,
    pub status: crate::domain::status::IcsStatus,
    pub period: ReportingPeriod,
    pub principle_numbers: Vec<(String, i64)>,
    pub latest_evidence: Vec<EvidenceEntry>,
    /// Who has signed the concordat for this ICS, and who it still needs.
    pub signup: crate::model::organisations::IcsSignUpView,
    /// Making Data Count: each metric's variation and assurance in this ICS.
    pub spc: Vec<crate::domain::metric_series::SpcSummary>,
}
