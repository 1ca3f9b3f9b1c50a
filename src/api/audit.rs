//! The audit log, for admins and board reviewers.

use crate::error::AppError;
use crate::model::audit::AuditEntry;
use leptos::prelude::*;

/// Newest first, at most 200; each filter is optional (empty = any).
#[server(endpoint = "audit/list")]
pub async fn list_audit(entity: String, entity_id: String, actor: String) -> Result<Vec<AuditEntry>, AppError> {
    let session = crate::server::auth::require_session().await?;
    let pool = crate::server::state::pool()?;
    crate::server::audit::list(&pool, &session.principal, &entity, &entity_id, &actor).await
}
