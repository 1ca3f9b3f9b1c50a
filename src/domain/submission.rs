//! The review loop for one organisation's return for one reporting period:
//! which step each state allows, who may take it, and when a return is overdue.
//!
//! ```text
//! draft ──submit──▶ submitted ──accept──▶ accepted
//!   ▲                 │    ▲
//!   │              query   answer
//!   │                 ▼    │
//!   │               queried
//!   └── submit ── returned ◀──return── submitted
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionState {
    /// Being prepared by the partner (or never started).
    Draft,
    /// The partner says it is complete; waiting for review.
    Submitted,
    Accepted,
    /// The reviewer asked a question; waiting for the partner's answer.
    Queried,
    /// Sent back with reasons; waiting for the partner to correct and resubmit.
    Returned,
}

impl SubmissionState {
    pub const ALL: [SubmissionState; 5] = [
        SubmissionState::Draft,
        SubmissionState::Submitted,
        SubmissionState::Accepted,
        SubmissionState::Queried,
        SubmissionState::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionState::Draft => "draft",
            SubmissionState::Submitted => "submitted",
            SubmissionState::Accepted => "accepted",
            SubmissionState::Queried => "queried",
            SubmissionState::Returned => "returned",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        SubmissionState::ALL.into_iter().find(|s| s.as_str() == text.trim()).ok_or_else(|| {
            format!("{text:?} is not a submission state (draft, submitted, accepted, queried, returned)")
        })
    }

    /// In words, for pages.
    pub fn label(self) -> &'static str {
        match self {
            SubmissionState::Draft => "Not submitted",
            SubmissionState::Submitted => "Submitted, awaiting review",
            SubmissionState::Accepted => "Accepted",
            SubmissionState::Queried => "Queried, awaiting an answer",
            SubmissionState::Returned => "Returned for correction",
        }
    }
}

impl fmt::Display for SubmissionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStep {
    /// The partner confirms the return is complete (first time, or after a return).
    Submit,
    /// The partner answers a query.
    Answer,
    Accept,
    Query,
    Return,
}

impl SubmissionStep {
    pub const ALL: [SubmissionStep; 5] = [
        SubmissionStep::Submit,
        SubmissionStep::Answer,
        SubmissionStep::Accept,
        SubmissionStep::Query,
        SubmissionStep::Return,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStep::Submit => "submit",
            SubmissionStep::Answer => "answer",
            SubmissionStep::Accept => "accept",
            SubmissionStep::Query => "query",
            SubmissionStep::Return => "return",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        SubmissionStep::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .ok_or_else(|| format!("{text:?} is not a step (submit, answer, accept, query, return)"))
    }

    /// Taken by the partner (its own return) rather than a reviewer.
    pub fn is_partners(self) -> bool {
        matches!(self, SubmissionStep::Submit | SubmissionStep::Answer)
    }

    /// A question, an answer or reasons are needed with this step.
    pub fn needs_note(self) -> bool {
        matches!(self, SubmissionStep::Answer | SubmissionStep::Query | SubmissionStep::Return)
    }

    /// The state the step leads to.
    pub fn leads_to(self) -> SubmissionState {
        match self {
            SubmissionStep::Submit | SubmissionStep::Answer => SubmissionState::Submitted,
            SubmissionStep::Accept => SubmissionState::Accepted,
            SubmissionStep::Query => SubmissionState::Queried,
            SubmissionStep::Return => SubmissionState::Returned,
        }
    }
}

/// The state after taking `step` in `state`, or why the state does not allow
/// it (a conflict, answered 409), in words for the person who tried.
pub fn next_state(state: SubmissionState, step: SubmissionStep) -> Result<SubmissionState, String> {
    use SubmissionState as S;
    use SubmissionStep as T;
    let allowed = matches!(
        (state, step),
        (S::Draft | S::Returned, T::Submit)
            | (S::Queried, T::Answer)
            | (S::Submitted, T::Accept | T::Query | T::Return)
    );
    if allowed {
        return Ok(step.leads_to());
    }
    Err(match state {
        S::Draft => "it has not been submitted yet: the partner submits it first".to_string(),
        S::Submitted => "it is waiting for review: only accept, query or return are possible".to_string(),
        S::Accepted => "it has been accepted: a later change to its entries opens a new version".to_string(),
        S::Queried => "it has a question waiting: the partner answers it first".to_string(),
        S::Returned => "it was returned: the partner corrects and submits it again".to_string(),
    })
}

/// Checks a step's note: required for a question, answer or reasons; at most 4,000 characters.
pub fn check_note(step: SubmissionStep, note: &str) -> Result<Option<String>, super::validation::FieldError> {
    let note = super::validation::clean_text("note", note, step.needs_note(), 4000)?;
    Ok(Some(note).filter(|n| !n.is_empty()))
}

/// A return not submitted by its due date is overdue.
pub fn is_overdue(submitted_at: Option<&str>, due: NaiveDate, today: NaiveDate) -> bool {
    submitted_at.is_none() && today > due
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use SubmissionState as S;
    use SubmissionStep as T;

    #[test]
    fn the_loop_as_the_board_runs_it() {
        let mut state = S::Draft;
        for step in [T::Submit, T::Query, T::Answer, T::Return, T::Submit, T::Accept] {
            state = next_state(state, step).unwrap_or_else(|e| panic!("{step:?} from {state:?}: {e}"));
        }
        assert_eq!(state, S::Accepted);
    }

    #[test]
    fn every_state_against_every_step() {
        // (state, allowed steps)
        let table = [
            (S::Draft, vec![T::Submit]),
            (S::Submitted, vec![T::Accept, T::Query, T::Return]),
            (S::Accepted, vec![]),
            (S::Queried, vec![T::Answer]),
            (S::Returned, vec![T::Submit]),
        ];
        for (state, allowed) in table {
            for step in SubmissionStep::ALL {
                let result = next_state(state, step);
                assert_eq!(result.is_ok(), allowed.contains(&step), "{step:?} from {state:?}: {result:?}");
                if let Ok(next) = result {
                    assert_eq!(next, step.leads_to());
                }
            }
        }
    }

    #[test]
    fn names_read_back() {
        for state in SubmissionState::ALL {
            assert_eq!(SubmissionState::parse(state.as_str()), Ok(state));
        }
        for step in SubmissionStep::ALL {
            assert_eq!(SubmissionStep::parse(step.as_str()), Ok(step));
        }
        assert!(SubmissionStep::parse("approve").is_err());
    }

    #[test]
    fn questions_answers_and_reasons_need_a_note() {
        assert!(check_note(T::Query, "  ").is_err());
        assert!(check_note(T::Return, "").is_err());
        assert!(check_note(T::Answer, "").is_err());
        assert_eq!(check_note(T::Accept, "").expect("optional"), None);
        assert_eq!(check_note(T::Query, " Where is Q2? ").expect("note"), Some("Where is Q2?".to_string()));
        assert!(check_note(T::Submit, &"x".repeat(4001)).is_err());
    }

    #[test]
    fn overdue_only_when_never_submitted_after_the_due_date() {
        let due = NaiveDate::from_ymd_opt(2024, 7, 20).expect("date");
        let after = NaiveDate::from_ymd_opt(2024, 7, 21).expect("date");
        assert!(is_overdue(None, due, after));
        assert!(!is_overdue(None, due, due));
        assert!(!is_overdue(Some("2024-07-19T10:00:00Z"), due, after));
    }

    fn any_step() -> impl Strategy<Value = SubmissionStep> {
        proptest::sample::select(SubmissionStep::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn any_run_of_steps_stays_in_the_loop(steps in proptest::collection::vec(any_step(), 0..30)) {
            let mut state = S::Draft;
            for step in steps {
                if let Ok(next) = next_state(state, step) {
                    // Only reviewers decide; only partners submit or answer.
                    prop_assert_eq!(step.is_partners(), next == S::Submitted);
                    state = next;
                }
            }
            prop_assert!(SubmissionState::ALL.contains(&state));
        }
    }
}
