//! Submissions and their review.

use crate::error::AppError;
use crate::model::review::ReviewPage;
use crate::model::submissions::{ReviewQueue, SubmissionView};
use leptos::prelude::*;

/// The review queue; blank filters mean the last complete period, every ICS
/// (an ICS lead's own), every state.
#[server(endpoint = "submissions/queue")]
pub async fn get_review_queue(
    period: String,
    ics: String,
    state: String,
    overdue: Option<String>,
) -> Result<ReviewQueue, AppError> {
    use crate::server::{auth, state as app_state, submissions};
    let session = auth::require_session().await?;
    let pool = app_state::pool()?;
    let overdue_only = overdue.is_some_and(|v| !v.is_empty() && v != "false");
    submissions::queue(&pool, app_state::submission_days(), &session, &period, &ics, &state, overdue_only).await
}

/// A return as it is now, or (`version`) one of its accepted versions as accepted.
#[server(endpoint = "submissions/get")]
pub async fn get_review_page(
    organisation: String,
    period: String,
    version: Option<String>,
) -> Result<ReviewPage, AppError> {
    use crate::server::{auth, state as app_state, submissions};
    let session = auth::current_session().await?;
    let pool = app_state::pool()?;
    let version = match version.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| AppError::invalid("version", format!("{text:?} is not a version number")))?,
        ),
    };
    let days = app_state::submission_days();
    submissions::review_page(&pool, days, session.as_ref(), &organisation, &period, version).await
}

/// One step on a return: `action` is submit, answer (partners), accept, query
/// or return (reviewers); `note` carries the answer, question or reasons.
#[server(endpoint = "submissions/step")]
pub async fn take_submission_step(
    csrf: String,
    organisation: String,
    period: String,
    action: String,
    note: String,
) -> Result<SubmissionView, AppError> {
    use crate::server::{auth, state as app_state, submissions};
    let session = auth::require_session_with_csrf(&csrf).await?;
    let pool = app_state::pool()?;
    let days = app_state::submission_days();
    submissions::take_step(&pool, days, &session.principal, &organisation, &period, &action, &note).await
}
