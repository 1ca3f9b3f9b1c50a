//! CSV exports of the board's registers: status for a period, returns, and
//! sign-up. Public, like the pages they mirror: they name organisations, never
//! people. Columns are listed in the README.

use super::AppState;
use crate::domain::readings_csv::write_table;
use crate::error::AppError;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

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
