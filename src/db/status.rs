//! Loads what status is computed from, in parts that are cached apart
//! (`server::status`): the figures of some ICSs, the evidence of some cells
//! (counted, or one cell's listed), the overrides in force. Each part is a
//! fixed number of queries however many ICSs, commitments and metrics there are.

use super::{Pool, Write};
use crate::domain::evidence::parse_delivery_status;
use crate::domain::frequency::ReadingPeriod;
use crate::domain::freshness::Scope;
use crate::domain::metric_series::SeriesPoint;
use crate::domain::period::ReportingPeriod;
use crate::domain::rag::{DeliveryTally, Override, Rag, TallyEntry, Thresholds};
use crate::domain::status::{FigureData, StatusEvidence, StatusMetric};
use sqlx::FromRow;
use std::collections::{BTreeSet, HashMap};

fn decode(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

fn parse_rag(text: &str) -> Result<Rag, sqlx::Error> {
    Rag::from_name(text).ok_or_else(|| decode(format!("stored rag {text:?}")))
}

fn parse_date(text: Option<String>) -> Result<Option<chrono::NaiveDate>, sqlx::Error> {
    text.as_deref().map(super::concordat::parse_stored_date).transpose()
}

/// What the figures of `icss` for `period` are made from: the catalogue, those
/// ICSs' own targets, rebases and ICS-level readings up to the period's end.
pub async fn figure_data(
    pool: &Pool,
    period: ReportingPeriod,
    as_at: chrono::NaiveDate,
    icss: &[String],
) -> Result<FigureData, sqlx::Error> {
    // Four independent reads, side by side (each on a connection of its own).
    let (metrics, targets, mut rebases, series) = tokio::try_join!(
        super::metrics::list(pool),
        super::metrics::all_ics_targets(pool),
        super::spc::all_rebases(pool),
        ics_level_series_to(pool, period, icss),
    )?;
    let metrics = metrics
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
    let ics_thresholds = targets
        .into_iter()
        .filter(|t| icss.contains(&t.ics_code))
        .map(|t| ((t.metric_id, t.ics_code), Thresholds { target: t.target, amber: t.amber }))
        .collect();
    rebases.retain(|(_, ics), _| icss.contains(ics));
    Ok(FigureData { period, as_at, metrics, ics_thresholds, series, rebases })
}

/// The ICS-level readings of `icss` up to the end of `period`, by (metric,
/// ICS), from the kept series (`db::readings::kept_series`): a few hundred
/// rows however many readings there are.
async fn ics_level_series_to(
    pool: &Pool,
    period: ReportingPeriod,
    icss: &[String],
) -> Result<HashMap<(String, String), Vec<SeriesPoint>>, sqlx::Error> {
    let mut series = HashMap::new();
    // A few dozen periods recur across every series: each is read once.
    let mut periods: HashMap<String, ReadingPeriod> = HashMap::new();
    for (key, points) in super::readings::kept_series(pool, icss).await? {
        let mut chosen = Vec::new();
        for (text, value) in super::readings::decode_series(&points)? {
            let reading_period = match periods.get(&text) {
                Some(known) => *known,
                None => {
                    let parsed = ReadingPeriod::parse(&text).map_err(|e| decode(format!("stored period: {e}")))?;
                    periods.insert(text, parsed);
                    parsed
                }
            };
            if reading_period.end_date() <= period.end_date() {
                chosen.push(SeriesPoint { period: reading_period, value });
            }
        }
        if !chosen.is_empty() {
            series.insert(key, chosen);
        }
    }
    Ok(series)
}

/// One cell's evidence, counted (see `DeliveryTally`), and the organisations
/// whose evidence it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellEvidenceCount {
    pub tally: DeliveryTally,
    pub organisations: BTreeSet<String>,
}

/// The evidence of `cells` (ICS, commitment) in `period`, counted by
/// self-assessment and milestone timing as at `as_at`, from `evidence_cell`
/// (kept by `db::evidence` in the transaction that changes the evidence): a
/// row a cell however much evidence there is. An entry has a milestone when
/// it has a due date (the form sets a milestone's text and date together).
pub async fn evidence_counts(
    pool: &Pool,
    period: ReportingPeriod,
    as_at: chrono::NaiveDate,
    cells: &[(String, String)],
) -> Result<HashMap<(String, String), CellEvidenceCount>, sqlx::Error> {
    // A few cells (after a write) by name; many (a cold period) with the rest of the period.
    const BY_NAME: usize = 8;
    let filter = if cells.len() <= BY_NAME {
        let pairs: Vec<String> = (0..cells.len()).map(|i| format!("(${}, ${})", 2 + 2 * i, 3 + 2 * i)).collect();
        format!("AND (ics_code, commitment_id) IN (VALUES {})", pairs.join(", "))
    } else {
        String::new()
    };
    let sql =
        format!("SELECT ics_code, commitment_id, tally, organisations FROM evidence_cell WHERE period = $1 {filter}");
    let mut query = sqlx::query_as::<_, (String, String, String, String)>(&sql).bind(period.to_string());
    if cells.len() <= BY_NAME {
        for (ics, commitment) in cells {
            query = query.bind(ics).bind(commitment);
        }
    }
    let mut counts: HashMap<(String, String), CellEvidenceCount> =
        cells.iter().map(|cell| (cell.clone(), CellEvidenceCount::default())).collect();
    for (ics, commitment, tally, organisations) in query.fetch_all(pool).await? {
        let Some(count) = counts.get_mut(&(ics, commitment)) else { continue };
        count.tally = DeliveryTally::of(parse_tally(&tally)?, as_at);
        for item in organisations.split(',').filter(|item| !item.is_empty()) {
            let (organisation, _) =
                item.split_once('|').ok_or_else(|| decode(format!("evidence_cell item {item:?}")))?;
            count.organisations.insert(organisation.to_string());
        }
    }
    Ok(counts)
}

/// A tally as `evidence_cell` keeps it: `status|due|completed|count`,
/// comma-separated, dates as `YYYYMMDD` (a number reads far faster than a
/// date: a busy period's cells hold tens of thousands of these).
fn parse_tally(text: &str) -> Result<Vec<TallyEntry>, sqlx::Error> {
    let mut items = Vec::new();
    for item in text.split(',').filter(|item| !item.is_empty()) {
        let bad = || decode(format!("evidence_cell tally item {item:?}"));
        let date = |part: &str| -> Result<Option<chrono::NaiveDate>, sqlx::Error> {
            if part.is_empty() {
                return Ok(None);
            }
            let n: u32 = part.parse().map_err(|_| bad())?;
            chrono::NaiveDate::from_ymd_opt((n / 10_000) as i32, n / 100 % 100, n % 100).map(Some).ok_or_else(bad)
        };
        let mut parts = item.split('|');
        let (Some(status), Some(due), Some(completed), Some(count), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let status = parse_delivery_status(status).map_err(|e| decode(format!("stored {e}")))?;
        let milestone = match date(due)? {
            Some(due) => Some((due, date(completed)?)),
            None => None,
        };
        items.push((status, milestone, count.parse().map_err(|_| bad())?));
    }
    Ok(items)
}

#[derive(FromRow)]
struct SqlEvidence {
    organisation_name: String,
    narrative: String,
    delivery_status: Option<String>,
    milestone: Option<String>,
    milestone_due: Option<String>,
    milestone_completed: Option<String>,
}

/// One cell's evidence entry by entry, oldest first, for its own page.
pub async fn cell_evidence(
    pool: &Pool,
    ics: &str,
    commitment_id: &str,
    period: ReportingPeriod,
) -> Result<Vec<StatusEvidence>, sqlx::Error> {
    let rows: Vec<SqlEvidence> = sqlx::query_as(
        "SELECT o.name AS organisation_name, e.narrative, e.delivery_status, e.milestone, e.milestone_due,
                e.milestone_completed
         FROM evidence e JOIN organisation o ON o.id = e.organisation_id
         WHERE e.ics_code = $1 AND e.commitment_id = $2 AND e.period = $3 ORDER BY e.created_at, e.id",
    )
    .bind(ics)
    .bind(commitment_id)
    .bind(period.to_string())
    .fetch_all(pool)
    .await?;
    let mut evidence = Vec::with_capacity(rows.len());
    for row in rows {
        let delivery_status = parse_delivery_status(row.delivery_status.as_deref().unwrap_or_default())
            .map_err(|e| decode(format!("stored {e}")))?;
        let milestone = match (row.milestone, parse_date(row.milestone_due)?) {
            (Some(description), Some(due)) => Some((description, due, parse_date(row.milestone_completed)?)),
            _ => None,
        };
        evidence.push(StatusEvidence {
            ics: ics.to_string(),
            commitment_id: commitment_id.to_string(),
            organisation: row.organisation_name,
            narrative: row.narrative,
            delivery_status,
            milestone,
        });
    }
    Ok(evidence)
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

/// The overrides in force in `period`, by (commitment, ICS): the newest of each.
pub async fn overrides_in_force(
    pool: &Pool,
    period: ReportingPeriod,
) -> Result<HashMap<(String, String), Override>, sqlx::Error> {
    // Periods are stored as fixed-width text, so text order is time order.
    let rows: Vec<SqlOverride> = sqlx::query_as(
        "SELECT commitment_id, ics_code, rag, rationale, set_by, expires_after FROM rag_override
         WHERE period <= $1 AND expires_after >= $1 ORDER BY created_at, id",
    )
    .bind(period.to_string())
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
    Ok(overrides)
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

pub async fn insert_override(tx: &mut Write, ov: &NewOverride<'_>) -> Result<(), sqlx::Error> {
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
    .execute(tx.conn())
    .await?;
    tx.changed(Scope::overrides(ov.ics_code));
    Ok(())
}
