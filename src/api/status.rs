//! RAG status: the London matrix, one cell's reasons, and overrides.

use crate::error::AppError;
use crate::model::status::{CellDetail, StatusPage};
use leptos::prelude::*;

#[server(endpoint = "status/london")]
pub async fn get_status(period: String) -> Result<StatusPage, AppError> {
    let pool = crate::server::state::pool()?;
    crate::server::status::status_page(&pool, &period).await
}

#[server(endpoint = "status/cell")]
pub async fn get_status_cell(ics: String, commitment_id: String, period: String) -> Result<CellDetail, AppError> {
    let pool = crate::server::state::pool()?;
    let session = crate::server::auth::current_session().await?;
    crate::server::status::cell_detail(&pool, session.as_ref(), &ics, &commitment_id, &period).await
}

#[server(endpoint = "status/override")]
pub async fn set_override(
    csrf: String,
    ics: String,
    commitment_id: String,
    period: String,
    rag: String,
    rationale: String,
    expires_after: String,
) -> Result<(), AppError> {
    use crate::server::status::OverrideForm;
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let pool = crate::server::state::pool()?;
    let form = OverrideForm {
        ics: &ics,
        commitment_id: &commitment_id,
        period: &period,
        rag: &rag,
        rationale: &rationale,
        expires_after: &expires_after,
    };
    crate::server::status::set_override(&pool, &session.principal, &form).await
}
