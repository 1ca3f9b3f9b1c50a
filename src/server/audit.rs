//! Reading the audit log: admins and board reviewers.

use super::auth::authorise;
use crate::db::{self, Pool};
use crate::domain::audit::AuditEntity;
use crate::domain::permission::{Action, Principal};
use crate::error::AppError;
use crate::model::audit::AuditEntry;

/// How many changes the audit page shows at most.
const MOST_ENTRIES: i64 = 200;

/// The newest changes first; each filter is optional (blank = any). An entity
/// the log does not keep is a 400 naming it.
pub async fn list(
    pool: &Pool,
    principal: &Principal,
    entity: &str,
    entity_id: &str,
    actor: &str,
) -> Result<Vec<AuditEntry>, AppError> {
    authorise(principal, &Action::ViewAudit)?;
    let filter = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
    let entity = match filter(entity) {
        None => None,
        Some(name) => Some(AuditEntity::parse(&name).ok_or_else(|| {
            AppError::invalid("entity", format!("{name:?} is not a kind of record the audit log keeps"))
        })?),
    };
    let (entity_id, actor) = (filter(entity_id), filter(actor).map(|a| a.to_lowercase()));
    let rows =
        db::audit::list(pool, entity.map(AuditEntity::as_str), entity_id.as_deref(), actor.as_deref(), MOST_ENTRIES)
            .await?;
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
