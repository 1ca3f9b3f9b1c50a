//! SPC rebases: the periods from which a metric's chart in an ICS has new limits.

use super::{Pool, Write};
use crate::domain::frequency::ReadingPeriod;
use crate::domain::freshness::Scope;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct StoredRebase {
    pub metric_id: String,
    pub ics_code: String,
    pub period: String,
    pub reason: String,
    pub created_by: Option<String>,
    pub created_at: String,
}

const SELECT_REBASE: &str = "SELECT metric_id, ics_code, period, reason, created_by, created_at FROM spc_rebase";

fn parse_period(text: &str) -> Result<ReadingPeriod, sqlx::Error> {
    ReadingPeriod::parse(text).map_err(|e| sqlx::Error::Decode(format!("stored rebase period: {e}").into()))
}

/// Every rebase, by (metric, ICS), oldest period first.
pub async fn all_rebases(pool: &Pool) -> Result<HashMap<(String, String), Vec<ReadingPeriod>>, sqlx::Error> {
    let rows: Vec<StoredRebase> = sqlx::query_as(SELECT_REBASE).fetch_all(pool).await?;
    let mut rebases: HashMap<(String, String), Vec<ReadingPeriod>> = HashMap::new();
    for row in rows {
        rebases.entry((row.metric_id, row.ics_code)).or_default().push(parse_period(&row.period)?);
    }
    for periods in rebases.values_mut() {
        periods.sort();
    }
    Ok(rebases)
}

/// A metric's rebases in every ICS, for its page.
pub async fn for_metric(pool: &Pool, metric_id: &str) -> Result<Vec<StoredRebase>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT_REBASE} WHERE metric_id = $1 ORDER BY ics_code, period"))
        .bind(metric_id)
        .fetch_all(pool)
        .await
}

/// Adds a rebase; `false` when that period already has one.
pub async fn insert(
    tx: &mut Write,
    metric_id: &str,
    ics_code: &str,
    period: &str,
    reason: &str,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let result = sqlx::query(
        "INSERT INTO spc_rebase (metric_id, ics_code, period, reason, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (metric_id, ics_code, period) DO NOTHING",
    )
    .bind(metric_id)
    .bind(ics_code)
    .bind(period)
    .bind(reason)
    .bind(user_id)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    let inserted = result.rows_affected() == 1;
    if inserted {
        tx.changed(Scope::rebases(ics_code));
    }
    Ok(inserted)
}

/// Removes a rebase, returning what it was; `None` when there was none.
pub async fn delete(
    tx: &mut Write,
    metric_id: &str,
    ics_code: &str,
    period: &str,
) -> Result<Option<StoredRebase>, sqlx::Error> {
    let before: Option<StoredRebase> =
        sqlx::query_as(&format!("{SELECT_REBASE} WHERE metric_id = $1 AND ics_code = $2 AND period = $3"))
            .bind(metric_id)
            .bind(ics_code)
            .bind(period)
            .fetch_optional(tx.conn())
            .await?;
    if before.is_some() {
        sqlx::query("DELETE FROM spc_rebase WHERE metric_id = $1 AND ics_code = $2 AND period = $3")
            .bind(metric_id)
            .bind(ics_code)
            .bind(period)
            .execute(tx.conn())
            .await?;
        tx.changed(Scope::rebases(ics_code));
    }
    Ok(before)
}
