//! The review page: one return with what it contains (evidence and readings
//! beside the submission), so `submissions` need not know about evidence.

use crate::model::submissions::SubmissionView;
use serde::{Deserialize, Serialize};

/// A reading as the review page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewedReading {
    pub metric_id: String,
    pub metric_name: String,
    pub ics: String,
    pub value: String,
    pub target: Option<String>,
}

/// `/review/{organisation}/{period}`: what was submitted, its history and, for
/// a reviewer allowed to decide, the decision form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewPage {
    pub submission: SubmissionView,
    pub evidence: Vec<crate::model::evidence::EvidenceEntry>,
    pub readings: Vec<ReviewedReading>,
    /// For the decision form, when the viewer may review this submission.
    pub reviewer_csrf: Option<String>,
    /// For the submit / answer form, when the viewer belongs to the organisation.
    pub partner_csrf: Option<String>,
}
