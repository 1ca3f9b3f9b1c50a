//! Evidence: partners' narrative, self-assessed status, milestones and links
//! against a commitment for a reporting period.
//!
//! A server function takes the fields of the HTML form that posts to it, one
//! argument each, so the form works without JavaScript; some forms have more
//! than clippy's seven. The `#[server]` macro does not carry an item's own
//! `allow` over to the client function it generates, hence this module-wide one.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use crate::model::evidence::{CommitmentEvidence, EvidenceDetail, EvidenceEntry, MyOrganisation};
use leptos::prelude::*;

#[server(endpoint = "evidence/for-commitment")]
pub async fn get_commitment_evidence(
    commitment_id: String,
    period: String,
    ics: String,
    page: String,
) -> Result<CommitmentEvidence, AppError> {
    use crate::server::evidence::{commitment_evidence, EvidenceQuery};
    commitment_evidence(&commitment_id, &EvidenceQuery { period: &period, ics: &ics, page: &page }).await
}

#[server(endpoint = "evidence/get")]
pub async fn get_evidence(id: String) -> Result<EvidenceDetail, AppError> {
    crate::server::evidence::evidence_detail(&id).await
}

#[server(endpoint = "evidence/mine")]
pub async fn get_my_organisation() -> Result<MyOrganisation, AppError> {
    crate::server::evidence::my_organisation().await
}

/// Creates (empty `id`) or edits an entry. `version` is the version the form was
/// loaded from: an edit saved since then is a conflict, never silently overwritten.
#[server(endpoint = "evidence/save")]
pub async fn save_evidence(
    csrf: String,
    id: String,
    version: i64,
    organisation_id: String,
    ics: String,
    commitment_id: String,
    action_id: String,
    period: String,
    narrative: String,
    delivery_status: String,
    milestone: String,
    milestone_due: String,
    milestone_completed: String,
    links: String,
) -> Result<EvidenceEntry, AppError> {
    use crate::domain::evidence::EvidenceDraft;
    let session = crate::server::auth::require_session_with_csrf(&csrf).await?;
    let draft = EvidenceDraft {
        commitment_id,
        action_id: Some(action_id).filter(|a| !a.trim().is_empty()),
        period,
        narrative,
        delivery_status,
        milestone,
        milestone_due,
        milestone_completed,
        links,
    };
    let pool = crate::server::state::pool()?;
    crate::server::evidence::save(&pool, &session.principal, &id, version, &organisation_id, &ics, &draft).await
}
