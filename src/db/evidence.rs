//! Evidence entries and their saved versions.

use super::{Pool, Write};
use crate::domain::evidence::{parse_delivery_status, EvidenceInput};
use crate::domain::freshness::Scope;
use crate::domain::period::ReportingPeriod;
use crate::domain::rag::DeliveryStatus;
use crate::model::evidence::{EvidenceEntry, EvidenceVersion};
use sqlx::{Any, FromRow, Transaction};
use std::collections::BTreeSet;

const SELECT_ENTRY: &str = "
    SELECT e.id, e.commitment_id, e.action_id, e.organisation_id, o.name AS organisation_name, e.ics_code,
           e.period, e.narrative, e.delivery_status, e.milestone, e.milestone_due, e.milestone_completed,
           e.links, e.version, e.updated_at, u.email AS updated_by_email
    FROM evidence e
    JOIN organisation o ON o.id = e.organisation_id
    LEFT JOIN app_user u ON u.id = e.updated_by";

#[derive(FromRow)]
struct SqlEvidence {
    id: String,
    commitment_id: String,
    action_id: Option<String>,
    organisation_id: String,
    organisation_name: String,
    ics_code: String,
    period: String,
    narrative: String,
    delivery_status: Option<String>,
    milestone: Option<String>,
    milestone_due: Option<String>,
    milestone_completed: Option<String>,
    links: String,
    version: i64,
    updated_at: String,
    updated_by_email: Option<String>,
}

fn decode_status(value: Option<&str>) -> Result<Option<DeliveryStatus>, sqlx::Error> {
    parse_delivery_status(value.unwrap_or_default()).map_err(|e| sqlx::Error::Decode(format!("stored {e}").into()))
}

fn encode_status(status: Option<DeliveryStatus>) -> Option<&'static str> {
    status.map(DeliveryStatus::as_str)
}

impl TryFrom<SqlEvidence> for EvidenceEntry {
    type Error = sqlx::Error;
    fn try_from(row: SqlEvidence) -> Result<Self, Self::Error> {
        let parse_date = |d: Option<String>| d.as_deref().map(super::concordat::parse_stored_date).transpose();
        Ok(EvidenceEntry {
            delivery_status: decode_status(row.delivery_status.as_deref())?,
            milestone_due: parse_date(row.milestone_due)?,
            milestone_completed: parse_date(row.milestone_completed)?,
            links: row.links.lines().filter(|l| !l.is_empty()).map(str::to_string).collect(),
            id: row.id,
            commitment_id: row.commitment_id,
            action_id: row.action_id,
            organisation_id: row.organisation_id,
            organisation_name: row.organisation_name,
            ics_code: super::london::decode_ics(row.ics_code)?,
            period: ReportingPeriod::parse(&row.period)
                .map_err(|e| sqlx::Error::Decode(format!("stored period: {e}").into()))?,
            narrative: row.narrative,
            milestone: row.milestone,
            version: row.version,
            updated_at: row.updated_at,
            updated_by: row.updated_by_email,
        })
    }
}

fn entries(rows: Vec<SqlEvidence>) -> Result<Vec<EvidenceEntry>, sqlx::Error> {
    rows.into_iter().map(EvidenceEntry::try_from).collect()
}

pub async fn get(pool: &Pool, id: &str) -> Result<Option<EvidenceEntry>, sqlx::Error> {
    let row: Option<SqlEvidence> =
        sqlx::query_as(&format!("{SELECT_ENTRY} WHERE e.id = $1")).bind(id).fetch_optional(pool).await?;
    row.map(EvidenceEntry::try_from).transpose()
}

pub async fn get_in(tx: &mut Transaction<'_, Any>, id: &str) -> Result<Option<EvidenceEntry>, sqlx::Error> {
    let row: Option<SqlEvidence> =
        sqlx::query_as(&format!("{SELECT_ENTRY} WHERE e.id = $1")).bind(id).fetch_optional(&mut **tx).await?;
    row.map(EvidenceEntry::try_from).transpose()
}

/// Part of a commitment's evidence in one ICS (optionally one period), newest
/// first: `limit` entries after skipping `offset`. Read along
/// `evidence_by_commitment_ics`, so a page costs the same however many years
/// of evidence there are before it.
pub async fn page_for_commitment(
    pool: &Pool,
    commitment_id: &str,
    ics_code: &str,
    period: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<EvidenceEntry>, sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "{SELECT_ENTRY} WHERE e.commitment_id = $1 AND e.ics_code = $2 AND ($3 IS NULL OR e.period = $3)
         ORDER BY e.period DESC, e.updated_at DESC, e.id LIMIT $4 OFFSET $5"
    ))
    .bind(commitment_id)
    .bind(ics_code)
    .bind(period)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    entries(rows)
}

/// How many evidence entries an organisation has for each commitment in a period.
pub async fn count_for_organisation(
    pool: &Pool,
    organisation_id: &str,
    period: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT commitment_id, COUNT(*) FROM evidence WHERE organisation_id = $1 AND period = $2
         GROUP BY commitment_id",
    )
    .bind(organisation_id)
    .bind(period)
    .fetch_all(pool)
    .await
}

/// How many evidence entries a commitment has in each ICS that has any
/// (optionally in one period).
pub async fn count_for_commitment(
    pool: &Pool,
    commitment_id: &str,
    period: Option<&str>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    // From the cells' counts (see `refresh_cells`): a row a period and ICS,
    // however much evidence there is.
    sqlx::query_as(
        "SELECT ics_code, CAST(SUM(entries) AS BIGINT) FROM evidence_cell
         WHERE commitment_id = $1 AND ($2 IS NULL OR period = $2) AND entries > 0
         GROUP BY ics_code ORDER BY ics_code",
    )
    .bind(commitment_id)
    .bind(period)
    .fetch_all(pool)
    .await
}

/// One organisation's evidence for one period.
pub async fn list_for_organisation<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    organisation_id: &str,
    period: &str,
) -> Result<Vec<EvidenceEntry>, sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "{SELECT_ENTRY} WHERE e.organisation_id = $1 AND e.period = $2 ORDER BY e.commitment_id, e.created_at"
    ))
    .bind(organisation_id)
    .bind(period)
    .fetch_all(db)
    .await?;
    entries(rows)
}

/// The most recently saved evidence in an ICS.
pub async fn latest_for_ics(pool: &Pool, ics_code: &str, limit: i64) -> Result<Vec<EvidenceEntry>, sqlx::Error> {
    let rows =
        sqlx::query_as(&format!("{SELECT_ENTRY} WHERE e.ics_code = $1 ORDER BY e.updated_at DESC, e.id LIMIT $2"))
            .bind(ics_code)
            .bind(limit)
            .fetch_all(pool)
            .await?;
    entries(rows)
}

pub struct Placement<'a> {
    pub organisation_id: &'a str,
    pub ics_code: &'a str,
}

fn milestone_columns(input: &EvidenceInput) -> (Option<String>, Option<String>, Option<String>) {
    match &input.milestone {
        Some(m) => (Some(m.description.clone()), Some(m.due.to_string()), m.completed.map(|d| d.to_string())),
        None => (None, None, None),
    }
}

pub async fn insert(
    tx: &mut Write,
    id: &str,
    placement: Placement<'_>,
    input: &EvidenceInput,
    user_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let (milestone, due, completed) = milestone_columns(input);
    let result = sqlx::query(
        "INSERT INTO evidence (id, commitment_id, action_id, organisation_id, ics_code, period, narrative,
                               delivery_status, milestone, milestone_due, milestone_completed, links, version,
                               created_by, updated_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13, $14, $14)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(&input.commitment_id)
    .bind(&input.action_id)
    .bind(placement.organisation_id)
    .bind(placement.ics_code)
    .bind(input.period.to_string())
    .bind(&input.narrative)
    .bind(encode_status(input.delivery_status))
    .bind(milestone)
    .bind(due)
    .bind(completed)
    .bind(input.links.join("\n"))
    .bind(user_id)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    let inserted = result.rows_affected() == 1;
    if inserted {
        let cell = Cell::new(input.period, placement.ics_code, &input.commitment_id);
        refresh_cells(tx, [cell].into()).await?;
    }
    Ok(inserted)
}

/// Saves an edit only if nobody saved since `expected_version`; `false` means a conflict.
pub async fn update(
    tx: &mut Write,
    id: &str,
    expected_version: i64,
    input: &EvidenceInput,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let (milestone, due, completed) = milestone_columns(input);
    // An edit may move the entry to another commitment or period: both cells change.
    let before: Option<(String, String, String)> =
        sqlx::query_as("SELECT ics_code, period, commitment_id FROM evidence WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(expected_version)
            .fetch_optional(tx.conn())
            .await?;
    let Some((ics, old_period, old_commitment)) = before else { return Ok(false) };
    let result = sqlx::query(
        "UPDATE evidence
         SET commitment_id = $1, action_id = $2, period = $3, narrative = $4, delivery_status = $5,
             milestone = $6, milestone_due = $7, milestone_completed = $8, links = $9,
             version = version + 1, updated_by = $10, updated_at = $11
         WHERE id = $12 AND version = $13",
    )
    .bind(&input.commitment_id)
    .bind(&input.action_id)
    .bind(input.period.to_string())
    .bind(&input.narrative)
    .bind(encode_status(input.delivery_status))
    .bind(milestone)
    .bind(due)
    .bind(completed)
    .bind(input.links.join("\n"))
    .bind(user_id)
    .bind(&now)
    .bind(id)
    .bind(expected_version)
    .execute(tx.conn())
    .await?;
    let updated = result.rows_affected() == 1;
    if updated {
        let old_period = ReportingPeriod::parse(&old_period)
            .map_err(|e| sqlx::Error::Decode(format!("stored evidence period: {e}").into()))?;
        let cells = [Cell::new(old_period, &ics, &old_commitment), Cell::new(input.period, &ics, &input.commitment_id)];
        refresh_cells(tx, cells.into()).await?;
    }
    Ok(updated)
}

/// Keeps a copy of the entry as saved, so every version stays retrievable.
pub async fn save_version(
    tx: &mut Transaction<'_, Any>,
    entry: &EvidenceEntry,
    user_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    let snapshot = serde_json::to_string(entry).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(
        "INSERT INTO evidence_version (evidence_id, version, snapshot, saved_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (evidence_id, version) DO NOTHING",
    )
    .bind(&entry.id)
    .bind(entry.version)
    .bind(snapshot)
    .bind(user_id)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn versions(pool: &Pool, id: &str) -> Result<Vec<EvidenceVersion>, sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        version: i64,
        snapshot: String,
        created_at: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT version, snapshot, created_at FROM evidence_version WHERE evidence_id = $1 ORDER BY version DESC",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let entry: EvidenceEntry = serde_json::from_str(&row.snapshot)
                .map_err(|e| sqlx::Error::Decode(format!("evidence version snapshot: {e}").into()))?;
            Ok(EvidenceVersion { version: row.version, saved_at: row.created_at, entry })
        })
        .collect()
}

/// Which organisations have evidence for which commitment in which ICS, for a
/// period (optionally one ICS): (ICS, commitment, organisation), each once.
pub async fn sources_for_period(
    pool: &Pool,
    period: &str,
    ics: Option<&str>,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT ics_code, commitment_id, organisation_id FROM evidence
         WHERE period = $1 AND ($2 IS NULL OR ics_code = $2)",
    )
    .bind(period)
    .bind(ics)
    .fetch_all(pool)
    .await
}

/// A new entry for `insert_many`, as last saved: the row `insert` and then
/// `update` for each later save leave behind when one user made them all
/// (`version` saves, the first at `created_at`, the last at `updated_at`).
pub struct BulkEntry<'a> {
    pub id: &'a str,
    pub placement: Placement<'a>,
    pub input: &'a EvidenceInput,
    pub version: i64,
    pub user_id: Option<&'a str>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
}

/// Inserts many new entries with a few multi-row statements: for bulk loads
/// (`concordat-tracker generate`), where `insert` one at a time is a round trip
/// each. An id already taken is skipped, as `insert` skips it.
pub async fn insert_many(tx: &mut Write, entries: &[BulkEntry<'_>]) -> Result<(), sqlx::Error> {
    const COLUMNS: usize = 17;
    let mut cells = BTreeSet::new();
    for chunk in entries.chunks(super::bulk_rows(COLUMNS)) {
        let sql = format!(
            "INSERT INTO evidence (id, commitment_id, action_id, organisation_id, ics_code, period, narrative,
                                   delivery_status, milestone, milestone_due, milestone_completed, links, version,
                                   created_by, updated_by, created_at, updated_at)
             VALUES {} ON CONFLICT (id) DO NOTHING",
            super::value_rows(chunk.len(), COLUMNS)
        );
        let mut query = sqlx::query(&sql);
        for entry in chunk {
            let input = entry.input;
            let (milestone, due, completed) = milestone_columns(input);
            query = query
                .bind(entry.id)
                .bind(&input.commitment_id)
                .bind(&input.action_id)
                .bind(entry.placement.organisation_id)
                .bind(entry.placement.ics_code)
                .bind(input.period.to_string())
                .bind(&input.narrative)
                .bind(encode_status(input.delivery_status))
                .bind(milestone)
                .bind(due)
                .bind(completed)
                .bind(input.links.join("\n"))
                .bind(entry.version)
                .bind(entry.user_id)
                .bind(entry.user_id)
                .bind(entry.created_at)
                .bind(entry.updated_at);
            cells.insert(Cell::new(input.period, entry.placement.ics_code, &input.commitment_id));
        }
        query.execute(tx.conn()).await?;
    }
    refresh_cells(tx, cells).await
}

/// Where an entry is filed: a cell of London's matrix in a period.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Cell {
    period: ReportingPeriod,
    ics: String,
    commitment: String,
}

impl Cell {
    fn new(period: ReportingPeriod, ics: &str, commitment: &str) -> Cell {
        Cell { period, ics: ics.to_string(), commitment: commitment.to_string() }
    }
}

/// Counts a cell's entries for `evidence_cell` (see its migration, which fills
/// it with the same statement): by self-assessment and milestone dates, and by
/// organisation. `$1` period, `$2` ICS, `$3` commitment.
const COUNT_CELL: &str = "
    UPDATE evidence_cell SET
        entries = (SELECT COUNT(*) FROM evidence e
                   WHERE e.period = $1 AND e.ics_code = $2 AND e.commitment_id = $3),
        tally = COALESCE((SELECT string_agg(g.item, ',') FROM (
            SELECT COALESCE(e.delivery_status, '') || '|' || COALESCE(REPLACE(e.milestone_due, '-', ''), '') || '|'
                   || COALESCE(REPLACE(e.milestone_completed, '-', ''), '') || '|' || CAST(COUNT(*) AS TEXT) AS item
            FROM evidence e WHERE e.period = $1 AND e.ics_code = $2 AND e.commitment_id = $3
            GROUP BY e.delivery_status, e.milestone_due, e.milestone_completed) g), ''),
        organisations = COALESCE((SELECT string_agg(o.item, ',') FROM (
            SELECT e.organisation_id || '|' || CAST(COUNT(*) AS TEXT) AS item
            FROM evidence e WHERE e.period = $1 AND e.ics_code = $2 AND e.commitment_id = $3
            GROUP BY e.organisation_id) o), '')
    WHERE period = $1 AND ics_code = $2 AND commitment_id = $3";

/// Counts the evidence of `cells` again after a change, and records that
/// they changed. Each cell's row is locked before it is counted (a no-op
/// update; on SQLite the transaction holds the database already), so of two
/// writers of one cell the second waits and then counts what the first
/// wrote; cells are locked in order, so two writers never wait on each other.
async fn refresh_cells(tx: &mut Write, cells: BTreeSet<Cell>) -> Result<(), sqlx::Error> {
    const KEY: &str = "period = $1 AND ics_code = $2 AND commitment_id = $3";
    for cell in cells {
        let period = cell.period.to_string();
        sqlx::query(
            "INSERT INTO evidence_cell (period, ics_code, commitment_id, entries, tally, organisations)
             VALUES ($1, $2, $3, 0, '', '') ON CONFLICT (period, ics_code, commitment_id) DO NOTHING",
        )
        .bind(&period)
        .bind(&cell.ics)
        .bind(&cell.commitment)
        .execute(tx.conn())
        .await?;
        for sql in [format!("UPDATE evidence_cell SET entries = entries WHERE {KEY}").as_str(), COUNT_CELL] {
            sqlx::query(sql).bind(&period).bind(&cell.ics).bind(&cell.commitment).execute(tx.conn()).await?;
        }
        tx.changed(Scope::evidence(&cell.ics, cell.period, &cell.commitment));
    }
    Ok(())
}

/// A version for `save_versions`: the entry as saved, by whom and when.
pub struct SavedVersion<'a> {
    pub entry: &'a EvidenceEntry,
    pub user_id: Option<&'a str>,
    pub saved_at: &'a str,
}

/// Keeps many saved versions with a few multi-row statements, each as
/// `save_version` keeps one (bulk loads; see `insert_many`).
pub async fn save_versions(tx: &mut Transaction<'_, Any>, versions: &[SavedVersion<'_>]) -> Result<(), sqlx::Error> {
    const COLUMNS: usize = 6;
    for chunk in versions.chunks(super::bulk_rows(COLUMNS)) {
        let sql = format!(
            "INSERT INTO evidence_version (evidence_id, version, snapshot, saved_by, created_at, updated_at)
             VALUES {} ON CONFLICT (evidence_id, version) DO NOTHING",
            super::value_rows(chunk.len(), COLUMNS)
        );
        let mut query = sqlx::query(&sql);
        for saved in chunk {
            let snapshot = serde_json::to_string(saved.entry).map_err(|e| sqlx::Error::Encode(e.into()))?;
            query = query
                .bind(&saved.entry.id)
                .bind(saved.entry.version)
                .bind(snapshot)
                .bind(saved.user_id)
                .bind(saved.saved_at)
                .bind(saved.saved_at);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
