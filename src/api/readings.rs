//! Metric readings from the UI: CSV preview and import, and the catalogue.
//!
//! A server function takes the fields of the HTML form that posts to it, one
//! argument each, so the form works without JavaScript; some forms have more
//! than clippy's seven. The `#[server]` macro does not carry an item's own
//! `allow` over to the client function it generates, hence this module-wide one.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::model::readings::{Catalogue, ImportPreview, ImportSummary, WorkbookPreview};
use leptos::prelude::*;

#[server(endpoint = "readings/preview")]
pub async fn preview_readings(csrf: String, csv: String) -> Result<ImportPreview, AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::readings::preview(&pool, &session.principal, csv.as_bytes()).await
}

#[server(endpoint = "readings/import")]
pub async fn import_readings(csrf: String, csv: String) -> Result<ImportSummary, AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let summary = crate::server::readings::import(&pool, &session.principal, csv.as_bytes()).await?;
    if crate::server::errors::is_plain_form_post() {
        // Without JavaScript, say what was imported on a page of its own
        // rather than going back to the preview.
        let ImportSummary { inserted, updated, unchanged } = summary;
        leptos_axum::redirect(&format!("/readings?imported={inserted}-{updated}-{unchanged}"));
    }
    Ok(summary)
}

/// The preview of a spreadsheet uploaded to `/readings/upload`; only its uploader sees it.
#[server(endpoint = "readings/upload-preview")]
pub async fn get_workbook_preview(id: String) -> Result<WorkbookPreview, AppError> {
    let session = crate::server::auth::require_session().await?;
    let pool = crate::server::state::pool()?;
    crate::server::uploads::preview(&pool, &session, &id).await
}

#[server(endpoint = "metrics/list")]
pub async fn list_metrics() -> Result<Catalogue, AppError> {
    let pool = crate::server::state::pool()?;
    let session = crate::server::auth::current_session().await?;
    crate::server::catalogue::catalogue(&pool, session.as_ref()).await
}

/// Changes a metric's target and amber edge, or retires/restores it. Board reviewers only.
#[server(endpoint = "metrics/update")]
pub async fn update_metric(
    csrf: String,
    id: String,
    version: i64,
    target: String,
    amber: String,
    retired: Option<String>,
) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::catalogue::update_thresholds(
        &pool,
        &session.principal,
        &id,
        version,
        &target,
        &amber,
        retired.is_some(),
    )
    .await
}

/// Sets which kinds of organisation report a metric. Board reviewers only. The
/// form's checkboxes are `reported_by[<kind>]`; its hidden `reported_by[_]`
/// makes the list present (and empty) when none is ticked.
#[server(endpoint = "metrics/reporters")]
pub async fn set_metric_reporters(
    csrf: String,
    id: String,
    version: i64,
    #[server(default)] reported_by: Option<std::collections::BTreeMap<String, String>>,
) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let kinds: Vec<String> = reported_by.unwrap_or_default().into_keys().filter(|kind| kind != "_").collect();
    crate::server::catalogue::set_reporters(&pool, &session.principal, &id, version, &kinds).await
}

/// Adds a metric to the catalogue. Board reviewers only.
#[server(endpoint = "metrics/create")]
pub async fn create_metric(
    csrf: String,
    id: String,
    name: String,
    commitment_id: String,
    kind: String,
    unit: String,
    direction: String,
    target: String,
    amber: String,
    #[server(default)] frequency: Option<String>,
    #[server(default)] rollup: Option<String>,
) -> Result<String, AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let form = crate::server::catalogue::NewMetricForm {
        frequency: frequency.as_deref().unwrap_or_default(),
        rollup: rollup.as_deref().unwrap_or_default(),
        id: &id,
        name: &name,
        commitment_id: &commitment_id,
        kind: &kind,
        unit: &unit,
        direction: &direction,
        target: &target,
        amber: &amber,
    };
    crate::server::catalogue::create(&pool, &session.principal, &form).await
}

/// Sets (or, with both fields empty, removes) one ICS's own target for a metric.
#[server(endpoint = "metrics/ics-target")]
pub async fn set_ics_target(
    csrf: String,
    metric_id: String,
    ics: String,
    target: String,
    amber: String,
) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::catalogue::set_ics_target(&pool, &session.principal, &metric_id, &ics, &target, &amber).await
}
