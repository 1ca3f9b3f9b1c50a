//! Frozen board packs: inserted once, never changed.

use super::{Pool, Write};
use crate::domain::freshness::{Scope, Topic};

/// (id, period, meeting date, saved by, saved at), newest meeting first.
pub type SnapshotRow = (String, String, String, String, String);

pub async fn insert(
    tx: &mut Write,
    id: &str,
    period: &str,
    meeting_date: &str,
    pack_json: &str,
    saved_by: &str,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query(
        "INSERT INTO board_pack_snapshot (id, period, meeting_date, pack_json, saved_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(id)
    .bind(period)
    .bind(meeting_date)
    .bind(pack_json)
    .bind(saved_by)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    tx.changed(Scope::whole(Topic::BoardPacks));
    Ok(())
}

pub async fn list(pool: &Pool) -> Result<Vec<SnapshotRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, period, meeting_date, saved_by, created_at FROM board_pack_snapshot
         ORDER BY meeting_date DESC, created_at DESC",
    )
    .fetch_all(pool)
    .await
}

/// A frozen pack's label and its JSON.
pub async fn get(pool: &Pool, id: &str) -> Result<Option<(SnapshotRow, String)>, sqlx::Error> {
    let row: Option<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, period, meeting_date, saved_by, created_at, pack_json FROM board_pack_snapshot WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, period, meeting, by, at, json)| ((id, period, meeting, by, at), json)))
}
