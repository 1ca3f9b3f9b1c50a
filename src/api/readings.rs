//! Metric readings from the UI: CSV preview and import, and the catalogue.
//!
//! A server function takes the fields of the HTML form that posts to it, one
//! argument each, so the form works without JavaScript; some forms have more
//! than clippy's seven. The `#[server]` macro does not carry an item's own
//! `allow` over to the client function it generates, hence this module-wide one.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: usize,
    pub metric: String,
    pub ics: String,
    pub period: String,
    pub value: f64,
    pub partner: Option<String>,
    pub note: Option<String>,
}

/// What an import would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub rows: Vec<PreviewRow>,
    pub errors: Vec<crate::domain::validation::RowError>,
    /// Set when the user may not write some row: nothing can be imported.
    pub forbidden: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub id: String,
    pub name: String,
    pub commitment_id: String,
    pub kind: String,
    pub unit: Option<String>,
    pub direction: Option<String>,
    pub target: Option<f64>,
    pub amber: Option<f64>,
    pub version: i64,
    pub retired: bool,
}

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
    crate::server::readings::import(&pool, &session.principal, csv.as_bytes()).await
}

/// The catalogue, and the CSRF token for its edit forms when the viewer may edit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub entries: Vec<CatalogueEntry>,
    pub editor_csrf: Option<String>,
}

#[server(endpoint = "metrics/list")]
pub async fn list_metrics() -> Result<Catalogue, AppError> {
    use crate::domain::permission::Action;
    let pool = crate::server::state::pool()?;
    let metrics = crate::db::metrics::list(&pool).await?;
    let editor_csrf = crate::server::auth::current_session()
        .await?
        .filter(|s| crate::server::auth::authorise(&s.principal, &Action::EditMetricCatalogue).is_ok())
        .map(|s| s.csrf_token);
    let entries = metrics
        .into_iter()
        .map(|m| {
            let d = m.definition;
            CatalogueEntry {
                id: d.id,
                name: d.name,
                commitment_id: d.commitment_id,
                kind: d.kind.as_str().to_string(),
                unit: d.unit,
                direction: d.direction.map(|dir| dir.as_str().to_string()),
                target: d.target,
                amber: d.amber,
                version: m.version,
                retired: m.retired_at.is_some(),
            }
        })
        .collect();
    Ok(Catalogue { entries, editor_csrf })
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

/// A metric's ICS-level readings over every period since the concordat began.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricTrend {
    pub metric: CatalogueEntry,
    pub periods: Vec<String>,
    /// (ICS, value per period in `periods`)
    pub series: Vec<(String, Vec<Option<f64>>)>,
}

#[server(endpoint = "metrics/trend")]
pub async fn get_metric_trend(id: String) -> Result<MetricTrend, AppError> {
    use crate::domain::period::ReportingPeriod;
    let catalogue = list_metrics().await?;
    let metric =
        catalogue.entries.into_iter().find(|m| m.id == id).ok_or_else(|| AppError::NotFound(format!("metric {id}")))?;
    let pool = crate::server::state::pool()?;
    let readings = crate::db::readings::ics_level_series(&pool, &metric.id).await?;
    let first = ReportingPeriod::FIRST;
    let current = ReportingPeriod::containing(crate::server::status::today());
    let last =
        readings.iter().filter_map(|(_, p, _)| ReportingPeriod::parse(p).ok()).max().unwrap_or(current).max(current);
    let periods: Vec<String> = ReportingPeriod::range(first, last).into_iter().map(|p| p.to_string()).collect();
    let ics_codes = crate::db::london::ics_codes(&pool).await?;
    let series = ics_codes
        .into_iter()
        .map(|ics| {
            let values = periods
                .iter()
                .map(|p| readings.iter().find(|(i, period, _)| *i == ics && period == p).map(|(_, _, v)| *v))
                .collect();
            (ics, values)
        })
        .collect();
    Ok(MetricTrend { metric, periods, series })
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
) -> Result<String, AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let form = crate::server::catalogue::NewMetricForm {
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
