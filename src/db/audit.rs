//! The append-only audit log. Rows are only ever inserted, in the same
//! transaction as the change they describe.

use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::permission::Principal;
use serde::{Deserialize, Serialize};
use sqlx::{Any, FromRow, Transaction};

/// One change, described for the log.
pub struct Change<'a> {
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Who made a change: a signed-in user, an account signing in, or the system
/// itself (seeding, demo set-up, the command line, an anonymous attempt).
#[derive(Clone, Copy)]
pub enum Actor<'a> {
    User(&'a Principal),
    Account { id: &'a str, email: &'a str },
    System(&'a str),
}

/// Records one change, in the transaction that makes it.
pub async fn record(tx: &mut Transaction<'_, Any>, actor: Actor<'_>, change: Change<'_>) -> Result<(), sqlx::Error> {
    record_many(tx, actor, std::slice::from_ref(&change)).await
}

/// Records many changes by one actor with multi-row inserts: for batches (a
/// readings import), where `record` one at a time is a round trip each.
pub async fn record_many(
    tx: &mut Transaction<'_, Any>,
    actor: Actor<'_>,
    changes: &[Change<'_>],
) -> Result<(), sqlx::Error> {
    const COLUMNS: usize = 11;
    let now = super::now();
    let (actor_id, actor_email) = match actor {
        Actor::User(principal) => (Some(principal.user_id.as_str()), principal.email.as_str()),
        Actor::Account { id, email } => (Some(id), email),
        Actor::System(label) => (None, label),
    };
    for chunk in changes.chunks(super::bulk_rows(COLUMNS)) {
        let sql = format!(
            "INSERT INTO audit_log (id, occurred_at, actor_id, actor_email, action, entity, entity_id,
                                    before_json, after_json, created_at, updated_at)
             VALUES {}",
            super::value_rows(chunk.len(), COLUMNS)
        );
        let mut query = sqlx::query(&sql);
        for change in chunk {
            query = query
                .bind(super::new_id())
                .bind(&now)
                .bind(actor_id)
                .bind(actor_email)
                .bind(change.action.as_str())
                .bind(change.entity.as_str())
                .bind(change.entity_id)
                .bind(change.before.as_ref().map(|v| v.to_string()))
                .bind(change.after.as_ref().map(|v| v.to_string()))
                .bind(&now)
                .bind(&now);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct AuditRow {
    pub id: String,
    pub occurred_at: String,
    pub actor_email: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Newest first, optionally narrowed to one entity kind, one entity or one actor.
pub async fn list(
    pool: &super::Pool,
    entity: Option<&str>,
    entity_id: Option<&str>,
    actor_email: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, occurred_at, actor_email, action, entity, entity_id, before_json, after_json
         FROM audit_log
         WHERE ($1 IS NULL OR entity = $1) AND ($2 IS NULL OR entity_id = $2) AND ($3 IS NULL OR actor_email = $3)
         ORDER BY occurred_at DESC, id DESC
         LIMIT $4",
    )
    .bind(entity)
    .bind(entity_id)
    .bind(actor_email)
    .bind(limit)
    .fetch_all(pool)
    .await
}
