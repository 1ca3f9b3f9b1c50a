//! Making Data Count from the pages: a metric's XmR charts, and rebasing them.

use crate::error::AppError;
use crate::model::spc::MetricCharts;
use leptos::prelude::*;

/// `/metrics/{id}`: the metric's XmR chart in every ICS.
#[server(endpoint = "metrics/charts")]
pub async fn get_metric_charts(id: String) -> Result<MetricCharts, AppError> {
    let session = crate::server::auth::current_session().await?;
    let pool = crate::server::state::pool()?;
    crate::server::spc::metric_charts(&pool, session.as_ref(), &id).await
}

/// Recalculates a metric's limits in an ICS from a period on. Board reviewers only.
#[server(endpoint = "metrics/rebase")]
pub async fn add_rebase(
    csrf: String,
    metric_id: String,
    ics: String,
    period: String,
    reason: String,
) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::spc::add_rebase(&pool, &session.principal, &metric_id, &ics, &period, &reason).await
}

/// Removes a rebase. Board reviewers only.
#[server(endpoint = "metrics/rebase/remove")]
pub async fn remove_rebase(csrf: String, metric_id: String, ics: String, period: String) -> Result<(), AppError> {
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    crate::server::spc::remove_rebase(&pool, &session.principal, &metric_id, &ics, &period).await
}
