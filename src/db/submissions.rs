//! Organisations' returns per reporting period, and every review step.

use super::{Pool, Write};
use crate::domain::freshness::Scope;
use crate::domain::period::ReportingPeriod;
use crate::domain::submission::{SubmissionState, SubmissionStep};
use sqlx::{Any, FromRow, Transaction};

#[derive(Debug, Clone, FromRow)]
pub struct SubmissionRow {
    pub organisation_id: String,
    pub period: String,
    pub version: i64,
    pub state: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
}

impl SubmissionRow {
    pub fn state(&self) -> Result<SubmissionState, sqlx::Error> {
        SubmissionState::parse(&self.state).map_err(|e| sqlx::Error::Decode(e.into()))
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct StepRow {
    pub organisation_id: String,
    pub version: i64,
    pub step: String,
    pub state: String,
    pub note: Option<String>,
    pub by_email: String,
    pub by_organisation: String,
    pub at: String,
}

const COLUMNS: &str = "organisation_id, period, version, state, submitted_at, decided_at";
const STEP_COLUMNS: &str = "organisation_id, version, step, state, note, by_email, by_organisation, at";

/// Every submission for a period (organisations that never started have none).
pub async fn for_period(pool: &Pool, period: &str) -> Result<Vec<SubmissionRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM submission WHERE period = $1")).bind(period).fetch_all(pool).await
}

/// Every step taken in a period, oldest first.
pub async fn steps_for_period(pool: &Pool, period: &str) -> Result<Vec<StepRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {STEP_COLUMNS} FROM submission_step WHERE period = $1 ORDER BY at, id"))
        .bind(period)
        .fetch_all(pool)
        .await
}

/// One organisation's steps in one period, oldest first.
pub async fn steps(pool: &Pool, organisation_id: &str, period: &str) -> Result<Vec<StepRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {STEP_COLUMNS} FROM submission_step WHERE organisation_id = $1 AND period = $2 ORDER BY at, id"
    ))
    .bind(organisation_id)
    .bind(period)
    .fetch_all(pool)
    .await
}

pub async fn get(pool: &Pool, organisation_id: &str, period: &str) -> Result<Option<SubmissionRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM submission WHERE organisation_id = $1 AND period = $2"))
        .bind(organisation_id)
        .bind(period)
        .fetch_optional(pool)
        .await
}

pub struct NewStep<'a> {
    pub organisation_id: &'a str,
    pub period: &'a str,
    pub version: i64,
    pub step: SubmissionStep,
    pub state: SubmissionState,
    pub note: Option<&'a str>,
    pub by_user_id: &'a str,
    pub by_email: &'a str,
    pub by_organisation: &'a str,
    /// The state the step was taken from (`None`: there was no submission yet).
    pub from: Option<SubmissionState>,
}

/// Moves a submission from `step.from` to the step's state (creating it on its
/// first step) and keeps the step. `false`, with nothing written, when the
/// submission is no longer in `from`: someone else took a step meanwhile.
pub async fn take_step(tx: &mut Write, step: &NewStep<'_>) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let submitted_at = step.step.is_partners().then_some(now.as_str());
    let decided_at = (!step.step.is_partners()).then_some(now.as_str());
    let moved = match step.from {
        None => sqlx::query(
            "INSERT INTO submission (organisation_id, period, version, state, submitted_at, decided_at,
                                     created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (organisation_id, period) DO NOTHING",
        )
        .bind(step.organisation_id)
        .bind(step.period)
        .bind(step.version)
        .bind(step.state.as_str())
        .bind(submitted_at)
        .bind(decided_at)
        .bind(&now)
        .execute(tx.conn())
        .await?
        .rows_affected(),
        Some(from) => sqlx::query(
            "UPDATE submission SET state = $1, submitted_at = COALESCE($2, submitted_at),
                    decided_at = COALESCE($3, decided_at), updated_at = $4
             WHERE organisation_id = $5 AND period = $6 AND state = $7",
        )
        .bind(step.state.as_str())
        .bind(submitted_at)
        .bind(decided_at)
        .bind(&now)
        .bind(step.organisation_id)
        .bind(step.period)
        .bind(from.as_str())
        .execute(tx.conn())
        .await?
        .rows_affected(),
    };
    if moved != 1 {
        return Ok(false);
    }
    tx.changed(returns_scope(step.period)?);
    sqlx::query(
        "INSERT INTO submission_step (id, organisation_id, period, version, step, state, note, by_user_id, by_email,
                                      by_organisation, at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11)",
    )
    .bind(super::new_id())
    .bind(step.organisation_id)
    .bind(step.period)
    .bind(step.version)
    .bind(step.step.as_str())
    .bind(step.state.as_str())
    .bind(step.note)
    .bind(step.by_user_id)
    .bind(step.by_email)
    .bind(step.by_organisation)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(true)
}

/// Keeps what an accepted version contained.
pub async fn keep_accepted_version(
    tx: &mut Write,
    organisation_id: &str,
    period: &str,
    version: i64,
    content_json: &str,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query(
        "INSERT INTO submission_version (organisation_id, period, version, content_json, accepted_at, created_at,
                                         updated_at)
         VALUES ($1, $2, $3, $4, $5, $5, $5)",
    )
    .bind(organisation_id)
    .bind(period)
    .bind(version)
    .bind(content_json)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    tx.changed(returns_scope(period)?);
    Ok(())
}

/// What changing a return for `period` changes.
fn returns_scope(period: &str) -> Result<Scope, sqlx::Error> {
    let period = ReportingPeriod::parse(period)
        .map_err(|e| sqlx::Error::Encode(format!("return period {period:?}: {e}").into()))?;
    Ok(Scope::returns(period))
}

/// Accepted versions of a return: (version, accepted at), oldest first.
pub async fn accepted_versions(
    pool: &Pool,
    organisation_id: &str,
    period: &str,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, accepted_at FROM submission_version
         WHERE organisation_id = $1 AND period = $2 ORDER BY version",
    )
    .bind(organisation_id)
    .bind(period)
    .fetch_all(pool)
    .await
}

/// What an accepted version contained (JSON), if there is such a version.
pub async fn accepted_content(
    pool: &Pool,
    organisation_id: &str,
    period: &str,
    version: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT content_json FROM submission_version WHERE organisation_id = $1 AND period = $2 AND version = $3",
    )
    .bind(organisation_id)
    .bind(period)
    .bind(version)
    .fetch_optional(pool)
    .await
}

/// Locks a return's row (if it has one) until the transaction ends, so a change
/// to its content and a decision on it never interleave: whichever locks first
/// commits first, and the other sees it (a no-op update, as `readings::upsert`
/// does; on SQLite the write transaction already holds the lock).
pub async fn lock(tx: &mut Transaction<'_, Any>, organisation_id: &str, period: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE submission SET updated_at = updated_at WHERE organisation_id = $1 AND period = $2")
        .bind(organisation_id)
        .bind(period)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An accepted return whose evidence or readings change opens a new version:
/// back to draft for the partner to submit again. Returns the new version, or
/// `None` if the return was not accepted (nothing to reopen).
pub async fn reopen_if_accepted(
    tx: &mut Write,
    organisation_id: &str,
    period: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let reopened: Option<i64> = sqlx::query_scalar(
        "UPDATE submission SET state = 'draft', version = version + 1, submitted_at = NULL, decided_at = NULL,
                updated_at = $1
         WHERE organisation_id = $2 AND period = $3 AND state = 'accepted'
         RETURNING version",
    )
    .bind(super::now())
    .bind(organisation_id)
    .bind(period)
    .fetch_optional(tx.conn())
    .await?;
    if reopened.is_some() {
        tx.changed(returns_scope(period)?);
    }
    Ok(reopened)
}
