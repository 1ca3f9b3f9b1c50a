//! CSV exports of the board's registers: status for a period, returns, and
//! sign-up. Public, like the pages they mirror: they name organisations, never
//! people. Columns are listed in the README.

use super::AppState;
use crate::domain::readings_csv::write_table;
use crate::error::AppError;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// Full exports built at once (CSV and spreadsheets of every reading): each
/// holds every row in memory and a core while it is written; at the
/// benchmark's scale two at once took the server past 250 MB. More are not
/// queued: they are answered 503 with `Retry-After`, so a crowd of downloads
/// cannot take the memory and cores that pages need.
const CONCURRENT_EXPORTS: usize = 1;
/// What a refused export is told to wait, in seconds.
const EXPORT_RETRY_SECONDS: u64 = 5;

fn export_slots() -> &'static std::sync::Arc<tokio::sync::Semaphore> {
    static SLOTS: std::sync::OnceLock<std::sync::Arc<tokio::sync::Semaphore>> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENT_EXPORTS)))
}

/// One export under way; its slot is free again when this is dropped.
pub struct ExportPermit {
    _slot: tokio::sync::OwnedSemaphorePermit,
}

impl ExportPermit {
    /// A slot for one export now, or 503 "try again in a few seconds".
    pub fn take() -> Result<ExportPermit, AppError> {
        take_from(export_slots())
    }
}

fn take_from(slots: &std::sync::Arc<tokio::sync::Semaphore>) -> Result<ExportPermit, AppError> {
    slots.clone().try_acquire_owned().map(|slot| ExportPermit { _slot: slot }).map_err(|_| {
        tracing::info!("an export refused while others are built");
        AppError::Busy {
            retry_after_seconds: EXPORT_RETRY_SECONDS,
            message: format!(
                "Other downloads are being prepared right now. Try again in {EXPORT_RETRY_SECONDS} seconds, or choose an ICS or a period for a smaller file."
            ),
        }
    })
}

/// Writes an export's file on the blocking pool, not on the workers that serve pages.
pub async fn off_thread<T: Send + 'static>(build: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(build).await.map_err(|error| {
        tracing::error!(%error, "building an export failed");
        AppError::Internal
    })
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    period: Option<String>,
    ics: Option<String>,
}

/// A CSV download named `filename`.
pub fn csv_response(filename: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        body,
    )
        .into_response()
}

/// `GET /status.csv?period=…`: one row per ICS and commitment.
pub async fn status_csv(State(state): State<AppState>, Query(query): Query<ExportQuery>) -> Result<Response, AppError> {
    let period = super::status::period_or_current(query.period.as_deref().unwrap_or_default())?;
    let status = super::status::london(&state.pool, period).await?.status.clone().without_names();
    let rows = status.icss.iter().flat_map(|ics| {
        ics.principles.iter().flat_map(move |principle| {
            principle.commitments.iter().map(move |cell| {
                vec![
                    status.period.to_string(),
                    ics.ics.to_string(),
                    principle.principle_id.clone(),
                    cell.commitment_id.clone(),
                    cell.rag.as_str().to_string(),
                    cell.computed.rag.as_str().to_string(),
                    cell.computed.delivery.as_str().to_string(),
                    cell.computed.outcome.as_str().to_string(),
                    cell.computed.mismatch.to_string(),
                    cell.overridden.as_ref().map(|o| o.rationale().to_string()).unwrap_or_default(),
                    cell.computed.reasons.join(" | "),
                ]
            })
        })
    });
    let header = [
        "period",
        "ics",
        "principle",
        "commitment",
        "rag",
        "computed_rag",
        "delivery",
        "outcome",
        "mismatch",
        "override_rationale",
        "reasons",
    ];
    Ok(csv_response(&format!("status-{period}.csv"), write_table(&header, rows)))
}

/// `GET /submissions.csv?period=…[&ics=…]`: every return due for the period.
pub async fn submissions_csv(
    State(state): State<AppState>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let period = super::board_pack::pack_period(query.period.as_deref().unwrap_or_default())?;
    let ics = match query.ics.as_deref() {
        Some(code) => Some(super::reference::requested_ics(&state.pool, code).await?.to_string()),
        None => None,
    };
    let list = super::submissions::list(&state.pool, state.submission_days, period, ics.as_deref(), false).await?;
    let rows = list.into_iter().map(|s| {
        vec![
            s.organisation_id,
            s.organisation_name,
            s.ics.unwrap_or_else(|| "ALL".into()),
            s.period,
            s.state.as_str().to_string(),
            s.due,
            s.overdue.to_string(),
            s.submitted_at.unwrap_or_default(),
            s.decided_at.unwrap_or_default(),
            s.version.to_string(),
        ]
    });
    let header = [
        "organisation",
        "organisation_name",
        "ics",
        "period",
        "state",
        "due",
        "overdue",
        "submitted_at",
        "decided_at",
        "version",
    ];
    Ok(csv_response(&format!("submissions-{period}.csv"), write_table(&header, rows)))
}

/// `GET /sign-up.csv`: every organisation and its signature (role, not name).
pub async fn sign_up_csv(State(state): State<AppState>) -> Result<Response, AppError> {
    let rows = super::organisations::api_list(&state.pool, false).await?.into_iter().map(|row| {
        let signed = row.signed_up.as_ref();
        vec![
            row.organisation.id.clone(),
            row.organisation.name.clone(),
            row.organisation.kind.as_str().to_string(),
            row.icss.join(" "),
            row.retired.to_string(),
            signed.map(|s| s.signed_on.clone()).unwrap_or_default(),
            signed.map(|s| s.signatory_role.clone()).unwrap_or_default(),
            signed.map(|s| s.icss.join(" ")).unwrap_or_default(),
        ]
    });
    let header = ["organisation", "name", "kind", "icss", "retired", "signed_on", "signatory_role", "signed_for"];
    Ok(csv_response("sign-up.csv", write_table(&header, rows)))
}

#[cfg(test)]
mod tests {
    use super::take_from;
    use crate::error::AppError;

    #[test]
    fn exports_beyond_the_limit_are_told_to_come_back() {
        let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(2));
        let first = take_from(&slots).expect("a slot");
        let _second = take_from(&slots).expect("a slot");
        match take_from(&slots) {
            Err(AppError::Busy { retry_after_seconds, message }) => {
                assert!(retry_after_seconds > 0);
                assert!(message.contains("Try again"), "{message}");
            }
            other => panic!("expected Busy, got {:?}", other.err()),
        }
        drop(first);
        assert!(take_from(&slots).is_ok(), "a finished export frees its slot");
    }
}
