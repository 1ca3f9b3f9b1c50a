//! Loads everything one period's status needs in a fixed number of queries
//! (however many ICSs, commitments and metrics there are), for `domain::status`.

use super::Pool;
use crate::domain::evidence::parse_delivery_status;
use crate::domain::frequency::ReadingPeriod;
use crate::domain::metric_series::SeriesPoint;
use crate::domain::period::ReportingPeriod;
use crate::domain::rag::{Override, Rag, Thresholds};
use crate::domain::status::{StatusData, StatusEvidence, StatusMetric};
use sqlx::{Any, FromRow, Transaction};
use std::collections::HashMap;

#[derive(FromRow)]
struct SqlEvidence {
    ics_code: String,
    commitment_id: String,
    organisation_name: String,
    narrative: String,
    delivery_status: Option<String>,
    milestone: Option<String>,
    milestone_due: Option<String>,
    milestone_completed: Option<String>,
}

#[derive(FromRow)]
struct SqlOverride {
    commitment_id: String,
    ics_code: String,
    rag: String,
    rationale: String,
    set_by: String,
    expires_after: String,
}

fn decode(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

fn parse_rag(text: &str) -> Result<Rag, sqlx::Error> {
    Rag::from_name(text).ok_or_else(|| decode(format!("stored rag {text:?}")))
}

pub async fn load(pool: &Pool, period: ReportingPeriod, as_at: chrono::NaiveDate) -> Result<StatusData, sqlx::Error> {
    let concordat = super::concordat::load(pool).await?;
    let ics_codes = super::london::ics_codes(pool).await?;
    let metrics = super::metrics::list(pool)
        .await?
        .into_iter()
        .map(|m| StatusMetric {
            thresholds: m.definition.thresholds(),
            id: m.definition.id,
            name: m.definition.name,
            commitment_id: m.definition.commitment_id,
            kind: m.definition.kind,
            unit: m.definition.unit,
            direction: m.definition.direction,
            due: m.definition.due,
            retired: m.retired_at.is_some(),
            frequency: m.definition.frequency,
            rollup: m.definition.rollup,
        })
        .collect();

    let ics_thresholds = super::metrics::all_ics_targets(pool)
        .await?
        .into_iter()
        .map(|t| ((t.metric_id, t.ics_code), Thresholds { target: t.target, amber: t.amber }))
        .collect();

    let period_text = period.to_string();
    let series = ics_level_series_to(pool, period).await?;
    let rebases = super::spc::all_rebases(pool).await?;

    let rows: Vec<SqlEvidence> = sqlx::query_as(
        "SELECT e.ics_code, e.commitment_id, o.name AS organisation_name, e.narrative, e.delivery_status,
                e.milestone, e.milestone_due, e.milestone_completed
         FROM evidence e JOIN organisation o ON o.id = e.organisation_id
         WHERE e.period = $1 ORDER BY e.created_at",
    )
    .bind(&period_text)
    .fetch_all(pool)
    .await?;
    let mut evidence = Vec::with_capacity(rows.len());
    for row in rows {
        let delivery_status = parse_delivery_status(row.delivery_status.as_deref().unwrap_or_default())
            .map_err(|e| decode(format!("stored {e}")))?;
        let date = |d: Option<String>| d.as_deref().map(super::concordat::parse_stored_date).transpose();
        let milestone = match (row.milestone, date(row.milestone_due)?) {
            (Some(description), Some(due)) => Some((description, due, date(row.milestone_completed)?)),
            _ => None,
        };
        evidence.push(StatusEvidence {
            ics: row.ics_code,
            commitment_id: row.commitment_id,
            organisation: row.organisation_name,
            narrative: row.narrative,
            delivery_status,
            milestone,
        });
    }

    // Periods are stored as fixed-width text, so text order is time order.
    let rows: Vec<SqlOverride> = sqlx::query_as(
        "SELECT commitment_id, ics_code, rag, rationale, set_by, expires_after FROM rag_override
         WHERE period <= $1 AND expires_after >= $1 ORDER BY created_at, id",
    )
    .bind(&period_text)
    .fetch_all(pool)
    .await?;
    let mut overrides = HashMap::new();
    for row in rows {
        let expires = ReportingPeriod::parse(&row.expires_after).map_err(|e| decode(e.to_string()))?;
        let ov = Override::new(parse_rag(&row.rag)?, row.rationale, row.set_by, expires)
            .map_err(|e| decode(e.to_string()))?;
        // Later rows replace earlier ones: the newest override is in force.
        overrides.insert((row.commitment_id, row.ics_code), ov);
    }

    Ok(StatusData {
        period,
        as_at,
        concordat,
        ics_codes,
        metrics,
        ics_thresholds,
        series,
        rebases,
        evidence,
        overrides,
    })
}

/// Every ICS-level reading up to the end of `period`, by (metric, ICS).
async fn ics_level_series_to(
    pool: &Pool,
    period: ReportingPeriod,
) -> Result<HashMap<(String, String), Vec<SeriesPoint>>, sqlx::Error> {
    let mut series: HashMap<(String, String), Vec<SeriesPoint>> = HashMap::new();
    for row in super::readings::ics_level_all(pool).await? {
        let reading_period = ReadingPeriod::parse(&row.period).map_err(|e| decode(format!("stored period: {e}")))?;
        if reading_period.end_date() <= period.end_date() {
            series
                .entry((row.metric_id, row.ics_code))
                .or_default()
                .push(SeriesPoint { period: reading_period, value: row.value });
        }
    }
    Ok(series)
}

pub struct NewOverride<'a> {
    pub id: &'a str,
    pub commitment_id: &'a str,
    pub ics_code: &'a str,
    pub period: &'a str,
    pub expires_after: &'a str,
    pub rag: &'a str,
    pub rationale: &'a str,
    pub set_by: &'a str,
}

pub async fn insert_override(tx: &mut Transaction<'_, Any>, ov: &NewOverride<'_>) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query(
        "INSERT INTO rag_override (id, commitment_id, ics_code, period, expires_after, rag, rationale, set_by,
                                   created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(ov.id)
    .bind(ov.commitment_id)
    .bind(ov.ics_code)
    .bind(ov.period)
    .bind(ov.expires_after)
    .bind(ov.rag)
    .bind(ov.rationale)
    .bind(ov.set_by)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
