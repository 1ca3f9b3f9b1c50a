//! RAG status: the London matrix, one cell's reasons, and overrides.

use crate::domain::status::{CommitmentCell, LondonStatus};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The matrix page's data: the status and the periods one can choose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusPage {
    pub status: LondonStatus,
    pub periods: Vec<String>,
    pub concordat: crate::domain::concordat::Concordat,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellDetail {
    pub ics: String,
    pub period: String,
    pub commitment: crate::domain::concordat::Commitment,
    pub cell: CommitmentCell,
    pub can_override: bool,
    pub csrf: Option<String>,
}

#[server(endpoint = "status/london")]
pub async fn get_status(period: String) -> Result<StatusPage, AppError> {
    use crate::domain::period::ReportingPeriod;
    use crate::server::status::{london, period_or_current, today};
    let period = period_or_current(&period)?;
    let pool = crate::server::state::pool()?;
    let (status, concordat) = london(&pool, period).await?;
    let current = ReportingPeriod::containing(today());
    let periods =
        ReportingPeriod::range(ReportingPeriod::FIRST, current).into_iter().rev().map(|p| p.to_string()).collect();
    Ok(StatusPage { status, periods, concordat })
}

#[server(endpoint = "status/cell")]
pub async fn get_status_cell(ics: String, commitment_id: String, period: String) -> Result<CellDetail, AppError> {
    use crate::domain::permission::Action;
    use crate::server::status::{london, period_or_current};
    let period = period_or_current(&period)?;
    let pool = crate::server::state::pool()?;
    let (status, concordat) = london(&pool, period).await?;
    let ics_status = status
        .icss
        .iter()
        .find(|i| i.ics == ics.trim().to_uppercase())
        .ok_or_else(|| AppError::NotFound(format!("ICS {ics}")))?;
    let cell = ics_status
        .cell(&commitment_id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("commitment {commitment_id}")))?;
    let commitment = concordat.commitments().find(|c| c.id == commitment_id).cloned().ok_or(AppError::Internal)?;
    let session = crate::server::auth::current_session().await?;
    let can_override = session.as_ref().is_some_and(|s| {
        crate::server::auth::authorise(&s.principal, &Action::SetOverride { ics: ics_status.ics.clone() }).is_ok()
    });
    let csrf = session.map(|s| s.csrf_token);
    Ok(CellDetail { ics: ics_status.ics.clone(), period: period.to_string(), commitment, cell, can_override, csrf })
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
