//! Plain HTTP endpoints for machines: health checks and the versioned JSON API.

use super::readings::BatchError;
use super::AppState;
use crate::db;
use crate::db::readings::StoredReading;
use crate::domain::concordat::Concordat;
use crate::domain::period::ReportingPeriod;
use crate::domain::readings_csv::{parse_readings_csv, write_readings_csv, CsvReading, ExportRow, RowError};
use crate::error::AppError;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// `GET /healthz`: `ok` once the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match db::ping(&state.pool).await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// `GET /api/v1/concordat`: principles, commitments and actions with stable ids.
pub async fn concordat(State(state): State<AppState>) -> Result<Json<Concordat>, AppError> {
    Ok(Json(db::concordat::load(&state.pool).await?))
}

/// One reading as the API accepts it in JSON.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingIn {
    metric: String,
    ics: String,
    period: String,
    value: serde_json::Value,
    partner: Option<String>,
    note: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct ReadingsQuery {
    ics: Option<String>,
    period: Option<String>,
}

fn row_errors_response(errors: Vec<RowError>, unit: &str) -> Response {
    let message =
        errors.iter().map(|e| format!("{unit} {}, {}: {}", e.line, e.column, e.message)).collect::<Vec<_>>().join("; ");
    let body = serde_json::json!({
        "error": message,
        "errors": errors.iter().map(|e| serde_json::json!({ unit: e.line, "column": e.column, "message": e.message })).collect::<Vec<_>>(),
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// Turns JSON rows into the shape CSV rows have, so both share every later check.
fn json_rows(rows: Vec<ReadingIn>) -> Result<Vec<CsvReading>, Vec<RowError>> {
    let mut out = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    for (index, row) in rows.into_iter().enumerate() {
        let line = index + 1;
        let value_text = match &row.value {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            other => {
                errors.push(RowError { line, column: "value".into(), message: format!("{other} is not a number") });
                continue;
            }
        };
        match ReportingPeriod::parse(&row.period) {
            Ok(period) => out.push(CsvReading {
                line,
                metric: row.metric.trim().to_string(),
                ics: row.ics.trim().to_ascii_uppercase(),
                period,
                value_text,
                partner: row.partner.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()),
                note: row.note.filter(|n| !n.trim().is_empty()),
            }),
            Err(error) => errors.push(RowError { line, column: "period".into(), message: error.to_string() }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Largest request body the readings API reads.
pub const MAX_READINGS_BODY: usize = 2 * 1024 * 1024;
/// Most rows one request or file may carry.
pub const MAX_READINGS_ROWS: usize = 5000;

/// `POST /api/v1/readings`: JSON list or CSV; all rows are written or none.
pub async fn post_readings(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let principal = match super::auth::bearer_principal(&state.pool, &headers).await {
        Ok(principal) => principal,
        Err(error) => return error.into_response(),
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let (rows, unit) = if content_type.starts_with("text/csv") {
        match parse_readings_csv(&body, MAX_READINGS_ROWS) {
            Ok(rows) => (rows, "line"),
            Err(errors) => return row_errors_response(errors.0, "line"),
        }
    } else if content_type.starts_with("application/json") {
        let parsed: Vec<ReadingIn> = match serde_json::from_slice(&body) {
            Ok(rows) => rows,
            Err(error) => {
                return AppError::invalid("body", format!("expected a JSON list of readings: {error}")).into_response()
            }
        };
        if parsed.is_empty() {
            return AppError::invalid("body", "the list has no readings").into_response();
        }
        if parsed.len() > MAX_READINGS_ROWS {
            return AppError::invalid("body", format!("at most {MAX_READINGS_ROWS} readings per request"))
                .into_response();
        }
        match json_rows(parsed) {
            Ok(rows) => (rows, "row"),
            Err(errors) => return row_errors_response(errors, "row"),
        }
    } else {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(serde_json::json!({ "error": "send Content-Type: application/json or text/csv" })),
        )
            .into_response();
    };
    match super::readings::submit(&state.pool, &principal, rows).await {
        Ok(counts) => Json(counts).into_response(),
        Err(BatchError::Rows(errors)) => row_errors_response(errors, unit),
        Err(BatchError::Forbidden(message)) => {
            (StatusCode::FORBIDDEN, Json(serde_json::json!({ "error": message }))).into_response()
        }
        Err(BatchError::Other(error)) => error.into_response(),
    }
}

/// An optional `?ics=` filter, which must name a London ICS.
async fn ics_filter(pool: &db::Pool, ics: Option<&str>) -> Result<Option<String>, AppError> {
    match ics {
        Some(code) => Ok(Some(super::reference::requested_ics(pool, code).await?.to_string())),
        None => Ok(None),
    }
}

async fn query_filters(pool: &db::Pool, query: &ReadingsQuery) -> Result<(Option<String>, Option<String>), AppError> {
    let ics = ics_filter(pool, query.ics.as_deref()).await?;
    let period = query
        .period
        .as_deref()
        .map(|p| {
            ReportingPeriod::parse(p).map(|p| p.to_string()).map_err(|e| AppError::invalid("period", e.to_string()))
        })
        .transpose()?;
    Ok((ics, period))
}

/// `GET /api/v1/readings?ics=SEL&period=2023-24-Q1`
pub async fn get_readings(
    State(state): State<AppState>,
    Query(query): Query<ReadingsQuery>,
) -> Result<Json<Vec<StoredReading>>, AppError> {
    let (ics, period) = query_filters(&state.pool, &query).await?;
    Ok(Json(db::readings::list(&state.pool, ics.as_deref(), period.as_deref()).await?))
}

/// `GET /readings.csv?ics=SEL&period=2023-24-Q1`: the same, as a CSV file that imports back unchanged.
pub async fn export_readings_csv(
    State(state): State<AppState>,
    Query(query): Query<ReadingsQuery>,
) -> Result<Response, AppError> {
    let (ics, period) = query_filters(&state.pool, &query).await?;
    let rows = db::readings::list(&state.pool, ics.as_deref(), period.as_deref()).await?;
    let export: Vec<ExportRow> = rows
        .into_iter()
        .map(|r| ExportRow {
            metric: r.metric_id,
            ics: r.ics_code,
            period: r.period,
            value: r.value,
            partner: Some(r.partner_id).filter(|p| !p.is_empty()),
            note: r.note,
        })
        .collect();
    let filename = format!(
        "readings{}{}.csv",
        ics.map(|i| format!("-{i}")).unwrap_or_default(),
        period.map(|p| format!("-{p}")).unwrap_or_default()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        write_readings_csv(&export),
    )
        .into_response())
}

#[derive(serde::Deserialize)]
pub struct StatusQuery {
    period: Option<String>,
    ics: Option<String>,
}

fn override_json(ov: &crate::domain::rag::Override) -> serde_json::Value {
    serde_json::json!({
        "rag": ov.rag(),
        "rationale": ov.rationale(),
        "set_by": ov.set_by(),
        "expires_after": ov.expires_after().to_string(),
    })
}

fn cell_json(cell: &crate::domain::status::CommitmentCell) -> serde_json::Value {
    let mut json = serde_json::json!({
        "id": cell.commitment_id,
        "rag": cell.rag,
        "computed_rag": cell.computed.rag,
        "delivery": cell.computed.delivery,
        "outcome": cell.computed.outcome,
        "mismatch": cell.computed.mismatch,
        "reasons": cell.computed.reasons,
    });
    if let (Some(ov), Some(map)) = (&cell.overridden, json.as_object_mut()) {
        map.insert("override".into(), override_json(ov));
    }
    json
}

fn ics_json(ics: &crate::domain::status::IcsStatus) -> serde_json::Value {
    use crate::domain::rag::roll_up;
    serde_json::json!({
        "ics": ics.ics,
        "rag": ics.rollup.rag,
        "summary": ics.rollup.summary(),
        "principles": ics.principles.iter().map(|p| {
            let delivery: Vec<_> = p.commitments.iter().map(|c| c.computed.delivery).collect();
            let outcome: Vec<_> = p.commitments.iter().map(|c| c.computed.outcome).collect();
            serde_json::json!({
                "id": p.principle_id,
                "rag": p.rollup.rag,
                "delivery": roll_up(&delivery).rag,
                "outcome": roll_up(&outcome).rag,
                "mismatch": p.commitments.iter().any(|c| c.computed.mismatch),
                "reasons": [p.rollup.summary()],
                "commitments": p.commitments.iter().map(cell_json).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/status?period=2023-24-Q1[&ics=SEL]`
pub async fn get_status(
    State(state): State<AppState>,
    Query(query): Query<StatusQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    let period = super::status::period_or_current(query.period.as_deref().unwrap_or_default())?;
    let ics = ics_filter(&state.pool, query.ics.as_deref()).await?;
    let (status, _) = super::status::london(&state.pool, period).await?;
    let icss: Vec<serde_json::Value> =
        status.icss.iter().filter(|i| ics.as_deref().is_none_or(|code| i.ics == code)).map(ics_json).collect();
    if let (Some(code), true) = (&ics, icss.is_empty()) {
        return Err(AppError::NotFound(format!("ICS {code}")));
    }
    Ok(Json(serde_json::json!({
        "period": status.period.to_string(),
        "as_at": status.as_at.to_string(),
        "rag": status.rollup.rag,
        "summary": status.rollup.summary(),
        "icss": icss,
    })))
}
