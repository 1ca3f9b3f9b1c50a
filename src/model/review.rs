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
    /// Versions accepted so far: (version, accepted at), oldest first.
    pub accepted_versions: Vec<(i64, String)>,
    /// Set when the page shows an accepted version as it was accepted, rather
    /// than the live evidence and readings.
    pub showing_version: Option<i64>,
    /// For the decision form, when the viewer may review this submission.
    pub reviewer_csrf: Option<String>,
    /// For the submit / answer form, when the viewer belongs to the organisation.
    pub partner_csrf: Option<String>,
}

/// What a return contained when a version of it was accepted: stored as JSON
/// and shown unchanged however the live entries change later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptedContent {
    pub evidence: Vec<crate::model::evidence::EvidenceEntry>,
    pub readings: Vec<ReviewedReading>,
}
