//! The metric catalogue: definitions, their versions and per-ICS targets.

use super::{Pool, Write};
use crate::domain::frequency::{Frequency, QuarterRollup};
use crate::domain::freshness::{Scope, Topic};
use crate::domain::london::OrgKind;
use crate::domain::metric::{MetricDefinition, MetricKind};
use crate::domain::rag::Direction;
use serde::{Deserialize, Serialize};
use sqlx::{Any, FromRow};

/// A catalogue entry as stored: the definition plus its version and retirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub definition: MetricDefinition,
    pub version: i64,
    pub retired_at: Option<String>,
}

#[derive(FromRow)]
struct SqlMetric {
    id: String,
    commitment_id: String,
    name: String,
    kind: String,
    unit: Option<String>,
    direction: Option<String>,
    target: Option<f64>,
    amber: Option<f64>,
    due_date: Option<String>,
    note: Option<String>,
    frequency: String,
    rollup: String,
    reported_by: String,
    retired_at: Option<String>,
    version: i64,
}

const SELECT_METRIC: &str = "SELECT id, commitment_id, name, kind, unit, direction, target, amber, due_date, note, \
                             frequency, rollup, reported_by, retired_at, version FROM metric";

impl TryFrom<SqlMetric> for Metric {
    type Error = sqlx::Error;
    fn try_from(row: SqlMetric) -> Result<Self, Self::Error> {
        let decode = |e: String| sqlx::Error::Decode(e.into());
        let kind = MetricKind::parse(&row.kind).map_err(|e| decode(e.to_string()))?;
        let direction = match row.direction.as_deref() {
            None => None,
            Some(text) => Some(Direction::parse(text).ok_or_else(|| decode(format!("stored direction {text:?}")))?),
        };
        let due = row.due_date.as_deref().map(super::concordat::parse_stored_date).transpose()?;
        let frequency =
            Frequency::parse(&row.frequency).ok_or_else(|| decode(format!("stored frequency {:?}", row.frequency)))?;
        let rollup =
            QuarterRollup::parse(&row.rollup).ok_or_else(|| decode(format!("stored rollup {:?}", row.rollup)))?;
        let reported_by = row
            .reported_by
            .split(',')
            .filter(|kind| !kind.is_empty())
            .map(|kind| OrgKind::parse(kind).map_err(decode))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Metric {
            definition: MetricDefinition {
                id: row.id,
                name: row.name,
                commitment_id: row.commitment_id,
                kind,
                unit: row.unit,
                direction,
                target: row.target,
                amber: row.amber,
                due,
                note: row.note,
                frequency,
                rollup,
                reported_by,
                principle: None,
            },
            version: row.version,
            retired_at: row.retired_at,
        })
    }
}

pub async fn list<'e>(db: impl sqlx::Executor<'e, Database = Any>) -> Result<Vec<Metric>, sqlx::Error> {
    let rows: Vec<SqlMetric> = sqlx::query_as(&format!("{SELECT_METRIC} ORDER BY position")).fetch_all(db).await?;
    rows.into_iter().map(Metric::try_from).collect()
}

pub async fn get(pool: &Pool, id: &str) -> Result<Option<Metric>, sqlx::Error> {
    let row: Option<SqlMetric> =
        sqlx::query_as(&format!("{SELECT_METRIC} WHERE id = $1")).bind(id).fetch_optional(pool).await?;
    row.map(Metric::try_from).transpose()
}

/// Kinds as stored: comma-separated.
fn reported_by_text(kinds: &[OrgKind]) -> String {
    kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
}

async fn save_version(tx: &mut Write, metric: &Metric) -> Result<(), sqlx::Error> {
    // Every change of a definition saves a version: the catalogue changed.
    tx.changed(Scope::whole(Topic::Catalogue));
    let now = super::now();
    let snapshot = serde_json::to_string(metric).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(
        "INSERT INTO metric_version (metric_id, version, snapshot, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (metric_id, version) DO NOTHING",
    )
    .bind(&metric.definition.id)
    .bind(metric.version)
    .bind(snapshot)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

// Statements binding an optional f64 are not prepared once and reused
// (`persistent(false)`): sqlx 0.8's Any driver types a NULL f64 as float4 for
// PostgreSQL, and a statement prepared with that type then refuses a real f64.

/// Adds a metric at version 1; `false` if the id is taken.
pub async fn insert(tx: &mut Write, definition: &MetricDefinition) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let position: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM metric").fetch_one(tx.conn()).await?;
    let d = definition;
    let result = sqlx::query(
        "INSERT INTO metric (id, commitment_id, name, kind, unit, direction, target, amber, due_date, note,
                             frequency, rollup, reported_by, retired_at, version, position, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $13, $14, $15, NULL, 1, $11, $12, $12)
         ON CONFLICT (id) DO NOTHING",
    )
    .persistent(false)
    .bind(&d.id)
    .bind(&d.commitment_id)
    .bind(&d.name)
    .bind(d.kind.as_str())
    .bind(&d.unit)
    .bind(d.direction.map(Direction::as_str))
    .bind(d.target)
    .bind(d.amber)
    .bind(d.due.map(|x| x.to_string()))
    .bind(&d.note)
    .bind(position)
    .bind(&now)
    .bind(d.frequency.as_str())
    .bind(d.rollup.as_str())
    .bind(reported_by_text(&d.reported_by))
    .execute(tx.conn())
    .await?;
    if result.rows_affected() == 1 {
        save_version(tx, &Metric { definition: definition.clone(), version: 1, retired_at: None }).await?;
    }
    Ok(result.rows_affected() == 1)
}

/// Replaces a definition if it is still at `expected_version`; returns the new version.
pub async fn update(
    tx: &mut Write,
    definition: &MetricDefinition,
    expected_version: i64,
    retired: bool,
) -> Result<Option<Metric>, sqlx::Error> {
    let now = super::now();
    let d = definition;
    let result = sqlx::query(
        "UPDATE metric SET commitment_id = $1, name = $2, kind = $3, unit = $4, direction = $5,
                           target = $6, amber = $7, due_date = $8, note = $9, frequency = $14, rollup = $15, reported_by = $16,
                           retired_at = CASE WHEN $10 = 1 THEN COALESCE(retired_at, $11) ELSE NULL END,
                           version = version + 1, updated_at = $11
         WHERE id = $12 AND version = $13",
    )
    .persistent(false)
    .bind(&d.commitment_id)
    .bind(&d.name)
    .bind(d.kind.as_str())
    .bind(&d.unit)
    .bind(d.direction.map(Direction::as_str))
    .bind(d.target)
    .bind(d.amber)
    .bind(d.due.map(|x| x.to_string()))
    .bind(&d.note)
    .bind(i64::from(retired))
    .bind(&now)
    .bind(&d.id)
    .bind(expected_version)
    .bind(d.frequency.as_str())
    .bind(d.rollup.as_str())
    .bind(reported_by_text(&d.reported_by))
    .execute(tx.conn())
    .await?;
    if result.rows_affected() != 1 {
        return Ok(None);
    }
    let row: SqlMetric =
        sqlx::query_as(&format!("{SELECT_METRIC} WHERE id = $1")).bind(&d.id).fetch_one(tx.conn()).await?;
    let metric = Metric::try_from(row)?;
    save_version(tx, &metric).await?;
    Ok(Some(metric))
}

/// Seeds the starting catalogue; metrics that exist are left as edited.
pub async fn seed(tx: &mut Write, definitions: &[MetricDefinition]) -> Result<(), sqlx::Error> {
    for definition in definitions {
        insert(tx, definition).await?;
    }
    Ok(())
}

/// An ICS's own target and amber edge for a metric.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct IcsTarget {
    pub metric_id: String,
    pub ics_code: String,
    pub target: f64,
    pub amber: f64,
}

/// Every ICS's own targets, of every metric.
pub async fn all_ics_targets(pool: &Pool) -> Result<Vec<IcsTarget>, sqlx::Error> {
    sqlx::query_as("SELECT metric_id, ics_code, target, amber FROM metric_ics_target").fetch_all(pool).await
}

/// One ICS's own (target, amber edge) for a metric, if it has them.
pub async fn ics_thresholds(pool: &Pool, metric_id: &str, ics_code: &str) -> Result<Option<(f64, f64)>, sqlx::Error> {
    sqlx::query_as("SELECT target, amber FROM metric_ics_target WHERE metric_id = $1 AND ics_code = $2")
        .bind(metric_id)
        .bind(ics_code)
        .fetch_optional(pool)
        .await
}

/// Sets or removes one ICS's own thresholds for a metric; returns the previous ones.
pub async fn set_ics_target(
    tx: &mut Write,
    metric_id: &str,
    ics_code: &str,
    thresholds: Option<(f64, f64)>,
) -> Result<Option<(f64, f64)>, sqlx::Error> {
    tx.changed(Scope::whole(Topic::Catalogue));
    let before: Option<(f64, f64)> =
        sqlx::query_as("SELECT target, amber FROM metric_ics_target WHERE metric_id = $1 AND ics_code = $2")
            .bind(metric_id)
            .bind(ics_code)
            .fetch_optional(tx.conn())
            .await?;
    let now = super::now();
    match thresholds {
        Some((target, amber)) => {
            sqlx::query(
                "INSERT INTO metric_ics_target (metric_id, ics_code, target, amber, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)
                 ON CONFLICT (metric_id, ics_code) DO UPDATE SET target = excluded.target, amber = excluded.amber,
                                                                 updated_at = excluded.updated_at",
            )
            .bind(metric_id)
            .bind(ics_code)
            .bind(target)
            .bind(amber)
            .bind(&now)
            .execute(tx.conn())
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM metric_ics_target WHERE metric_id = $1 AND ics_code = $2")
                .bind(metric_id)
                .bind(ics_code)
                .execute(tx.conn())
                .await?;
        }
    }
    Ok(before)
}
