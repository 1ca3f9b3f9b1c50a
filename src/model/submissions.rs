//! Organisations' returns and their review, as pages and the API show them.

use crate::domain::submission::SubmissionState;
use serde::{Deserialize, Serialize};

/// One step in a submission's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryStep {
    /// `submit`, `answer`, `accept`, `query` or `return`.
    pub step: String,
    /// The state the step led to.
    pub state: SubmissionState,
    pub at: String,
    /// The organisation of the person who took it.
    pub by_organisation: String,
    /// Their email address: signed-in readers only.
    pub by: Option<String>,
    pub note: Option<String>,
}

/// One organisation's return for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionView {
    pub organisation_id: String,
    pub organisation_name: String,
    /// The organisation's own ICS; `None` when London-wide.
    pub ics: Option<String>,
    pub period: String,
    pub state: SubmissionState,
    pub version: i64,
    /// `YYYY-MM-DD`
    pub due: String,
    /// Not submitted by its due date.
    pub overdue: bool,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub history: Vec<HistoryStep>,
}

impl SubmissionView {
    /// The reviewer's latest question, while it waits for an answer.
    pub fn open_question(&self) -> Option<&str> {
        (self.state == SubmissionState::Queried)
            .then(|| self.history.iter().rev().find(|s| s.step == "query").and_then(|s| s.note.as_deref()))
            .flatten()
    }

    /// The reasons for the latest return, while it waits for correction.
    pub fn return_reasons(&self) -> Option<&str> {
        (self.state == SubmissionState::Returned)
            .then(|| self.history.iter().rev().find(|s| s.step == "return").and_then(|s| s.note.as_deref()))
            .flatten()
    }
}

/// `/review`: the queue, with the filters it was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub period: String,
    pub period_label: String,
    pub ics: Option<String>,
    pub state: Option<SubmissionState>,
    pub overdue_only: bool,
    pub ics_codes: Vec<String>,
    pub submissions: Vec<SubmissionView>,
}
