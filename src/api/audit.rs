//! The audit log, for admins and board reviewers.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub occurred_at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Newest first, at most 200; each filter is optional (empty = any).
#[server(endpoint = "audit/list")]
pub async fn list_audit(entity: String, entity_id: String, actor: String) -> Result<Vec<AuditEntry>, AppError> {
    use crate::domain::permission::Action;
    let session = crate::server::auth::require_session().await?;
    crate::server::auth::authorise(&session.principal, &Action::ViewAudit)?;
    let pool = crate::server::state::pool()?;
    let filter = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
    let (entity, entity_id, actor) = (filter(&entity), filter(&entity_id), filter(&actor).map(|a| a.to_lowercase()));
    let rows = crate::db::audit::list(&pool, entity.as_deref(), entity_id.as_deref(), actor.as_deref(), 200).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            occurred_at: r.occurred_at,
            actor: r.actor_email,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: r.before_json,
            after: r.after_json,
        })
        .collect())
}
