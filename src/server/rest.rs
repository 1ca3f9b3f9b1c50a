//! Plain HTTP endpoints for machines: health checks and the versioned JSON API.

use super::auth::ApiPrincipal;
use super::readings::{BatchError, MAX_READINGS_ROWS};
use super::workbook_reader::MAX_PROBLEMS;
use super::AppState;
use crate::db;
use crate::db::readings::{StoredReading, WriteCounts};
use crate::domain::concordat::Concordat;
use crate::domain::frequency::ReadingPeriod;
use crate::domain::rag::Rag;
use crate::domain::readings_csv::{parse_readings_csv, write_readings_csv, CsvReading, ExportRow, RowError};
use crate::domain::status::{CommitmentCell, IcsStatus};
use crate::domain::validation::cap_problems;
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

/// One organisation in `GET /api/v1/organisations`.
#[derive(Debug, serde::Serialize)]
pub struct OrganisationResponse {
    id: String,
    name: String,
    short_name: Option<String>,
    kind: &'static str,
    ods: Option<String>,
    ons: Option<String>,
    /// Every ICS it serves (all five for a London-wide organisation).
    icss: Vec<String>,
    retired: bool,
    started_on: Option<String>,
    retired_on: Option<String>,
    successor: Option<String>,
    signed_up: Option<SignedUpResponse>,
}

#[derive(Debug, serde::Serialize)]
pub struct SignedUpResponse {
    signed_on: String,
    /// `null` without a bearer token: the public API names organisations, not people.
    signatory_name: Option<String>,
    signatory_role: String,
    icss: Vec<String>,
}

/// `GET /api/v1/organisations`: every organisation, retired ones included, with
/// the ICSs it serves and its sign-up. Public; a valid bearer token also
/// shows who signed.
pub async fn organisations(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<OrganisationResponse>>, AppError> {
    let show_people = headers.contains_key(header::AUTHORIZATION)
        && super::auth::bearer_principal(&state.pool, &headers).await.is_ok();
    let rows = super::organisations::api_list(&state.pool, show_people).await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| {
                let org = row.organisation;
                OrganisationResponse {
                    kind: org.kind.as_str(),
                    icss: row.icss,
                    retired: row.retired,
                    signed_up: row.signed_up.map(|s| SignedUpResponse {
                        signed_on: s.signed_on,
                        signatory_name: Some(s.signatory_name).filter(|n| show_people && !n.is_empty()),
                        signatory_role: s.signatory_role,
                        icss: s.icss,
                    }),
                    id: org.id,
                    name: org.name,
                    short_name: org.short_name,
                    ods: org.ods,
                    ons: org.ons,
                    started_on: org.started_on,
                    retired_on: org.retired_on,
                    successor: org.successor_id,
                }
            })
            .collect(),
    ))
}

#[derive(Debug, serde::Deserialize)]
pub struct SubmissionsQuery {
    period: Option<String>,
    ics: Option<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct SubmissionResponse {
    organisation: String,
    organisation_name: String,
    period: String,
    state: &'static str,
    due: String,
    overdue: bool,
    submitted_at: Option<String>,
    decided_at: Option<String>,
    version: i64,
    history: Vec<SubmissionStepResponse>,
}

#[derive(Debug, serde::Serialize)]
pub struct SubmissionStepResponse {
    state: &'static str,
    at: String,
    by_organisation: String,
    note: Option<String>,
}

impl From<crate::model::submissions::SubmissionView> for SubmissionResponse {
    fn from(s: crate::model::submissions::SubmissionView) -> Self {
        SubmissionResponse {
            organisation: s.organisation_id,
            organisation_name: s.organisation_name,
            period: s.period,
            state: s.state.as_str(),
            due: s.due,
            overdue: s.overdue,
            submitted_at: s.submitted_at,
            decided_at: s.decided_at,
            version: s.version,
            history: s
                .history
                .into_iter()
                .map(|h| SubmissionStepResponse {
                    state: h.state.as_str(),
                    at: h.at,
                    by_organisation: h.by_organisation,
                    note: h.note,
                })
                .collect(),
        }
    }
}

/// `GET /api/v1/submissions?period=2024-25-Q1[&ics=SEL]`: every return due for
/// the period (from organisations serving the ICS), with its history. Public:
/// steps name organisations, not people.
pub async fn get_submissions(
    State(state): State<AppState>,
    Query(query): Query<SubmissionsQuery>,
) -> Result<Json<Vec<SubmissionResponse>>, AppError> {
    let period = query
        .period
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| AppError::invalid("period", "give the reporting period, e.g. ?period=2024-25-Q1"))?;
    let period = super::submissions::started_period(period)?;
    let ics = ics_filter(&state.pool, query.ics.as_deref()).await?;
    let list = super::submissions::list(&state.pool, state.submission_days, period, ics.as_deref(), false).await?;
    Ok(Json(list.into_iter().map(SubmissionResponse::from).collect()))
}

/// A step on a return, as `POST /api/v1/submissions` takes it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionStepRequest {
    /// The organisation whose return it is; a partner may leave it out (its own).
    organisation: Option<String>,
    period: String,
    /// `submit`, `answer`, `accept`, `query` or `return`.
    action: String,
    note: Option<String>,
}

/// `POST /api/v1/submissions` with a bearer token: a partner submits or
/// answers for its own organisation; a board reviewer (or the ICS lead, for
/// its ICS) accepts, queries or returns. 403 for a wrong role or scope, 409 for
/// a step the state does not allow, 400 for bad input.
pub async fn post_submission(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    body: axum::body::Bytes,
) -> Result<Json<SubmissionResponse>, AppError> {
    let request: SubmissionStepRequest =
        serde_json::from_slice(&body).map_err(|e| AppError::invalid("body", format!("not a step: {e}")))?;
    let organisation = request.organisation.unwrap_or_else(|| principal.organisation_id.clone());
    let view = super::submissions::take_step(
        &state.pool,
        state.submission_days,
        &principal,
        &organisation,
        &request.period,
        &request.action,
        request.note.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(Json(view.into()))
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

/// Why a readings request was refused, as the API answers it.
pub enum ReadingsRefusal {
    /// Rows wrong in themselves: 400 with every error; `unit` is "line" (CSV)
    /// or "row" (JSON).
    Rows {
        errors: Vec<RowError>,
        unit: &'static str,
    },
    /// Cells of a spreadsheet wrong in themselves: 400, each error's `column`
    /// naming its cell (`Readings!D7`).
    Cells {
        errors: Vec<RowError>,
    },
    /// A row the caller may not write: 403.
    Forbidden(String),
    UnsupportedMediaType,
    Other(AppError),
}

impl From<AppError> for ReadingsRefusal {
    fn from(error: AppError) -> Self {
        ReadingsRefusal::Other(error)
    }
}

impl ReadingsRefusal {
    fn from_batch(error: BatchError, unit: &'static str) -> Self {
        match error {
            BatchError::Rows(errors) => ReadingsRefusal::Rows { errors, unit },
            BatchError::Forbidden(message) => ReadingsRefusal::Forbidden(message),
            BatchError::Other(error) => ReadingsRefusal::Other(error),
        }
    }
}

impl IntoResponse for ReadingsRefusal {
    fn into_response(self) -> Response {
        match self {
            ReadingsRefusal::Rows { errors, unit } => {
                let errors = cap_problems(errors, MAX_PROBLEMS);
                let message = errors
                    .iter()
                    .map(|e| format!("{unit} {}, {}: {}", e.line, e.column, e.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                let body = serde_json::json!({
                    "error": message,
                    "errors": errors.iter().map(|e| serde_json::json!({ unit: e.line, "column": e.column, "message": e.message })).collect::<Vec<_>>(),
                });
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
            ReadingsRefusal::Cells { errors } => {
                let errors = cap_problems(errors, MAX_PROBLEMS);
                let message = errors.iter().map(|e| format!("{}: {}", e.column, e.message)).collect::<Vec<_>>().join("; ");
                let body = serde_json::json!({
                    "error": message,
                    "errors": errors.iter().map(|e| serde_json::json!({ "cell": e.column, "row": e.line, "message": e.message })).collect::<Vec<_>>(),
                });
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
            ReadingsRefusal::Forbidden(message) => {
                (StatusCode::FORBIDDEN, Json(serde_json::json!({ "error": message }))).into_response()
            }
            ReadingsRefusal::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Json(serde_json::json!({
                    "error": format!("send Content-Type: application/json, text/csv or {}", super::workbooks::XLSX_CONTENT_TYPE)
                })),
            )
                .into_response(),
            ReadingsRefusal::Other(error) => error.into_response(),
        }
    }
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
        match ReadingPeriod::parse(&row.period) {
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

/// `POST /api/v1/readings`: JSON list or CSV; all rows are written or none.
pub async fn post_readings(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<WriteCounts>, ReadingsRefusal> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let (rows, unit) = if content_type.starts_with("text/csv") {
        let rows = parse_readings_csv(&body, MAX_READINGS_ROWS)
            .map_err(|errors| ReadingsRefusal::Rows { errors: errors.0, unit: "line" })?;
        (rows, "line")
    } else if content_type.starts_with("application/json") {
        let parsed: Vec<ReadingIn> = serde_json::from_slice(&body)
            .map_err(|error| AppError::invalid("body", format!("expected a JSON list of readings: {error}")))?;
        if parsed.is_empty() {
            return Err(AppError::invalid("body", "the list has no readings").into());
        }
        if parsed.len() > MAX_READINGS_ROWS {
            return Err(AppError::invalid("body", format!("at most {MAX_READINGS_ROWS} readings per request")).into());
        }
        (json_rows(parsed).map_err(|errors| ReadingsRefusal::Rows { errors, unit: "row" })?, "row")
    } else if content_type.starts_with(super::workbooks::XLSX_CONTENT_TYPE) {
        return post_workbook(&state, &principal, &body).await;
    } else {
        return Err(ReadingsRefusal::UnsupportedMediaType);
    };
    let counts = super::readings::submit(&state.pool, &principal, rows)
        .await
        .map_err(|error| ReadingsRefusal::from_batch(error, unit))?;
    Ok(Json(counts))
}

/// A spreadsheet of readings: every problem is named by its cell.
async fn post_workbook(
    state: &AppState,
    principal: &crate::domain::permission::Principal,
    body: &[u8],
) -> Result<Json<WriteCounts>, ReadingsRefusal> {
    let sheet = super::workbook_reader::read_readings_workbook_queued(body.to_vec(), MAX_READINGS_ROWS)
        .await
        .map_err(ReadingsRefusal::from)?
        .map_err(|errors| ReadingsRefusal::Cells { errors })?;
    match super::readings::submit(&state.pool, principal, sheet.rows.clone()).await {
        Ok(counts) => Ok(Json(counts)),
        Err(BatchError::Rows(errors)) => Err(ReadingsRefusal::Cells {
            errors: errors.into_iter().map(|e| RowError { column: sheet.cell(e.line, &e.column), ..e }).collect(),
        }),
        Err(error) => Err(ReadingsRefusal::from_batch(error, "row")),
    }
}

/// An optional `?ics=` filter, which must name a London ICS.
async fn ics_filter(pool: &db::Pool, ics: Option<&str>) -> Result<Option<String>, AppError> {
    match ics {
        Some(code) => Ok(Some(super::reference::requested_ics(pool, code).await?.to_string())),
        None => Ok(None),
    }
}

async fn query_filters(
    pool: &db::Pool,
    query: &ReadingsQuery,
) -> Result<(Option<String>, Option<ReadingPeriod>), AppError> {
    let ics = ics_filter(pool, query.ics.as_deref()).await?;
    let period = query
        .period
        .as_deref()
        .map(|p| ReadingPeriod::parse(p).map_err(|e| AppError::invalid("period", e.to_string())))
        .transpose()?;
    Ok((ics, period))
}

/// `GET /api/v1/readings?ics=SEL&period=2023-24-Q1`
pub async fn get_readings(
    State(state): State<AppState>,
    Query(query): Query<ReadingsQuery>,
    Query(paging): Query<PageQuery>,
) -> Result<Response, AppError> {
    let (ics, period) = query_filters(&state.pool, &query).await?;
    let limit = paging.limit()?;
    let after = paging.cursor()?;
    let rows = db::readings::page(&state.pool, ics.as_deref(), period, after.as_ref(), limit + 1).await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    let rows: Vec<StoredReading> = rows.into_iter().take(usize::try_from(limit).unwrap_or(usize::MAX)).collect();
    let next = rows.last().filter(|_| more).map(|last| {
        let mut link = form_urlencoded::Serializer::new(String::new());
        if let Some(ics) = &query.ics {
            link.append_pair("ics", ics);
        }
        if let Some(period) = &query.period {
            link.append_pair("period", period);
        }
        link.append_pair("limit", &limit.to_string());
        link.append_pair("cursor", &encode_cursor(&db::readings::ReadingKey::of(last)));
        format!("</api/v1/readings?{}>; rel=\"next\"", link.finish())
    });
    let mut response = Json(rows).into_response();
    if let Some(value) = next.and_then(|link| http::HeaderValue::from_str(&link).ok()) {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// Paging of `GET /api/v1/readings`: `limit` readings (1000 unless asked,
/// at most 10,000) after `cursor` (from the previous page's `Link: rel="next"`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

pub const DEFAULT_PAGE: i64 = 1000;
pub const MAX_PAGE: i64 = 10_000;
const CURSOR_SEPARATOR: char = '|';

impl PageQuery {
    fn limit(&self) -> Result<i64, AppError> {
        match self.limit.as_deref().map(str::trim) {
            None | Some("") => Ok(DEFAULT_PAGE),
            Some(text) => text.parse::<i64>().ok().filter(|n| (1..=MAX_PAGE).contains(n)).ok_or_else(|| {
                AppError::invalid("limit", format!("must be a whole number from 1 to {MAX_PAGE}, not {text:?}"))
            }),
        }
    }

    fn cursor(&self) -> Result<Option<db::readings::ReadingKey>, AppError> {
        let Some(text) = self.cursor.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let parts: Vec<&str> = text.split(CURSOR_SEPARATOR).collect();
        match parts.as_slice() {
            [metric, ics, period, partner] if text.len() <= 400 && !metric.is_empty() => {
                Ok(Some(db::readings::ReadingKey {
                    metric_id: metric.to_string(),
                    ics_code: ics.to_string(),
                    period: period.to_string(),
                    partner_id: partner.to_string(),
                }))
            }
            _ => Err(AppError::invalid("cursor", "is not a cursor this API gave; start again without one")),
        }
    }
}

fn encode_cursor(key: &db::readings::ReadingKey) -> String {
    [key.metric_id.as_str(), &key.ics_code, &key.period, &key.partner_id].join(&CURSOR_SEPARATOR.to_string())
}

/// `GET /readings.csv?ics=SEL&period=2023-24-Q1`: the same, as a CSV file that imports back unchanged.
pub async fn export_readings_csv(
    State(state): State<AppState>,
    Query(query): Query<ReadingsQuery>,
) -> Result<Response, AppError> {
    let slot = super::exports::ExportPermit::take()?;
    let (filename, export) = readings_export(&state, &query).await?;
    let body = super::exports::off_thread(move || write_readings_csv(&export)).await?;
    drop(slot);
    Ok(super::exports::csv_response(&format!("{filename}.csv"), body))
}

/// `GET /readings.xlsx?ics=SEL&period=2023-24-Q1`: the same rows as the CSV, as a spreadsheet.
pub async fn export_readings_xlsx(
    State(state): State<AppState>,
    Query(query): Query<ReadingsQuery>,
) -> Result<Response, AppError> {
    let slot = super::exports::ExportPermit::take()?;
    let (filename, export) = readings_export(&state, &query).await?;
    let body = super::exports::off_thread(move || super::workbooks::readings_workbook(&export)).await??;
    drop(slot);
    Ok(super::workbooks::xlsx_response(&format!("{filename}.xlsx"), body))
}

/// The readings the filters choose, and a file name (without extension) that says which.
async fn readings_export(state: &AppState, query: &ReadingsQuery) -> Result<(String, Vec<ExportRow>), AppError> {
    let (ics, period) = query_filters(&state.pool, query).await?;
    let rows = db::readings::list(&state.pool, ics.as_deref(), period).await?;
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
        "readings{}{}",
        ics.map(|i| format!("-{i}")).unwrap_or_default(),
        period.map(|p| format!("-{p}")).unwrap_or_default()
    );
    Ok((filename, export))
}

#[derive(serde::Deserialize)]
pub struct StatusQuery {
    period: Option<String>,
    ics: Option<String>,
}

/// `GET /api/v1/status`: London, then each ICS, principle and commitment.
#[derive(serde::Serialize)]
pub struct StatusResponse {
    period: String,
    as_at: String,
    rag: Rag,
    summary: String,
    icss: Vec<IcsStatusResponse>,
}

#[derive(serde::Serialize)]
pub struct IcsStatusResponse {
    ics: String,
    rag: Rag,
    summary: String,
    principles: Vec<PrincipleStatusResponse>,
}

#[derive(serde::Serialize)]
pub struct PrincipleStatusResponse {
    id: String,
    rag: Rag,
    delivery: Rag,
    outcome: Rag,
    mismatch: bool,
    reasons: Vec<String>,
    commitments: Vec<CommitmentStatusResponse>,
}

#[derive(serde::Serialize)]
pub struct CommitmentStatusResponse {
    id: String,
    /// The status in force: the override's, if there is one.
    rag: Rag,
    /// What the rules computed.
    computed_rag: Rag,
    delivery: Rag,
    outcome: Rag,
    mismatch: bool,
    reasons: Vec<String>,
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    override_in_force: Option<OverrideResponse>,
}

#[derive(serde::Serialize)]
pub struct OverrideResponse {
    rag: Rag,
    rationale: String,
    set_by: String,
    expires_after: String,
}

impl From<&CommitmentCell> for CommitmentStatusResponse {
    fn from(cell: &CommitmentCell) -> Self {
        CommitmentStatusResponse {
            id: cell.commitment_id.clone(),
            rag: cell.rag,
            computed_rag: cell.computed.rag,
            delivery: cell.computed.delivery,
            outcome: cell.computed.outcome,
            mismatch: cell.computed.mismatch,
            reasons: cell.computed.reasons.clone(),
            override_in_force: cell.overridden.as_ref().map(|ov| OverrideResponse {
                rag: ov.rag(),
                rationale: ov.rationale().to_string(),
                set_by: ov.set_by().to_string(),
                expires_after: ov.expires_after().to_string(),
            }),
        }
    }
}

impl From<&IcsStatus> for IcsStatusResponse {
    fn from(ics: &IcsStatus) -> Self {
        IcsStatusResponse {
            ics: ics.ics.to_string(),
            rag: ics.rollup.rag,
            summary: ics.rollup.summary(),
            principles: ics
                .principles
                .iter()
                .map(|p| PrincipleStatusResponse {
                    id: p.principle_id.clone(),
                    rag: p.rollup.rag,
                    delivery: p.delivery().rag,
                    outcome: p.outcome().rag,
                    mismatch: p.mismatch(),
                    reasons: vec![p.rollup.summary()],
                    commitments: p.commitments.iter().map(CommitmentStatusResponse::from).collect(),
                })
                .collect(),
        }
    }
}

/// `GET /api/v1/status/{ics}/{commitment}?period=…`: one cell with every
/// reason (its evidence entry by entry), where the London answer counts them.
pub async fn get_cell_status(
    State(state): State<AppState>,
    axum::extract::Path((ics, commitment)): axum::extract::Path<(String, String)>,
    Query(query): Query<StatusQuery>,
) -> Result<Json<CellStatusResponse>, AppError> {
    let period = query.period.as_deref().unwrap_or_default();
    let ics = super::reference::requested_ics(&state.pool, &ics).await?;
    // A public endpoint: it names organisations, never people.
    let detail = super::status::cell_detail(&state.pool, None, ics.as_str(), &commitment, period).await?;
    Ok(Json(CellStatusResponse {
        period: detail.period.to_string(),
        ics: detail.ics.to_string(),
        commitment: CommitmentStatusResponse::from(&detail.cell),
    }))
}

#[derive(serde::Serialize)]
pub struct CellStatusResponse {
    period: String,
    ics: String,
    #[serde(flatten)]
    commitment: CommitmentStatusResponse,
}

/// `GET /api/v1/status?period=2023-24-Q1[&ics=SEL]`
pub async fn get_status(
    State(state): State<AppState>,
    Query(query): Query<StatusQuery>,
) -> Result<Json<StatusResponse>, AppError> {
    let period = super::status::period_or_current(query.period.as_deref().unwrap_or_default())?;
    let ics = ics_filter(&state.pool, query.ics.as_deref()).await?;
    // A public endpoint: it names organisations, never people.
    let status = super::status::london(&state.pool, period).await?.status.clone().without_names();
    let icss: Vec<IcsStatusResponse> = status
        .icss
        .iter()
        .filter(|i| ics.as_deref().is_none_or(|code| i.ics == *code))
        .map(IcsStatusResponse::from)
        .collect();
    if let (Some(code), true) = (&ics, icss.is_empty()) {
        return Err(AppError::NotFound(format!("ICS {code}")));
    }
    Ok(Json(StatusResponse {
        period: status.period.to_string(),
        as_at: status.as_at.to_string(),
        rag: status.rollup.rag,
        summary: status.rollup.summary(),
        icss,
    }))
}
