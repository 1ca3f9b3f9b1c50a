//! Metric readings: one current value per metric, ICS, period and partner, with
//! every replaced value kept in reading_history.

use super::{Pool, Write};
use crate::domain::frequency::{Month, ReadingPeriod};
use crate::domain::freshness::Scope;
use crate::domain::period::ReportingPeriod;
use serde::{Deserialize, Serialize};
use sqlx::{Any, FromRow};
use std::collections::BTreeSet;

/// A reading as stored and as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct StoredReading {
    pub id: String,
    pub metric_id: String,
    pub metric_version: i64,
    pub ics_code: String,
    pub period: String,
    /// '' for the ICS-level figure.
    pub partner_id: String,
    pub value: f64,
    pub note: Option<String>,
    pub updated_at: String,
}

/// What to write: already validated and authorised.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReading {
    pub metric_id: String,
    pub metric_version: i64,
    pub ics_code: String,
    pub period: String,
    pub partner_id: Option<String>,
    pub value: f64,
    pub note: Option<String>,
}

impl NewReading {
    /// The ICS-level series it belongs to, (metric, ICS); `None` for a partner's figure.
    fn series(&self) -> Option<(String, String)> {
        let partner = self.partner_id.as_deref().is_some_and(|p| !p.is_empty());
        (!partner).then(|| (self.metric_id.clone(), self.ics_code.clone()))
    }

    /// What writing it changes: its ICS's figures, or its partner's, in its quarter.
    fn scope(&self) -> Result<Scope, sqlx::Error> {
        let period = ReadingPeriod::parse(&self.period)
            .map_err(|e| sqlx::Error::Encode(format!("reading period {:?}: {e}", self.period).into()))?;
        let partner = self.partner_id.as_deref().is_some_and(|p| !p.is_empty());
        Ok(Scope::reading(&self.ics_code, period, partner))
    }

    /// This reading as stored under `id`, last written at `updated_at`.
    fn stored(&self, id: String, updated_at: String) -> StoredReading {
        StoredReading {
            id,
            metric_id: self.metric_id.clone(),
            metric_version: self.metric_version,
            ics_code: self.ics_code.clone(),
            period: self.period.clone(),
            partner_id: self.partner_id.clone().unwrap_or_default(),
            value: self.value,
            note: self.note.clone(),
            updated_at,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteCounts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

const SELECT_READING: &str =
    "SELECT id, metric_id, metric_version, ics_code, period, partner_id, value, note, updated_at FROM reading";

/// The stored period texts a period filter matches: a quarter matches itself
/// and its three months (a monthly metric's readings in it), a month itself.
fn period_texts(period: ReadingPeriod) -> [String; 4] {
    match period {
        ReadingPeriod::Quarter(quarter) => {
            let [a, b, c] = Month::of_quarter(quarter);
            [quarter.to_string(), a.to_string(), b.to_string(), c.to_string()]
        }
        ReadingPeriod::Month(month) => std::array::from_fn(|_| month.to_string()),
    }
}

/// Readings, optionally narrowed to one ICS and/or period (see `period_texts`),
/// in a stable order.
pub async fn list<'e>(
    db: impl sqlx::Executor<'e, Database = Any>,
    ics: Option<&str>,
    period: Option<ReadingPeriod>,
) -> Result<Vec<StoredReading>, sqlx::Error> {
    let [p1, p2, p3, p4] = period.map(period_texts).map_or([None, None, None, None], |texts| texts.map(Some));
    sqlx::query_as(&format!(
        "{SELECT_READING} WHERE ($1 IS NULL OR ics_code = $1) AND ($2 IS NULL OR period IN ($2, $3, $4, $5))
         ORDER BY period, ics_code, metric_id, partner_id"
    ))
    .bind(ics)
    .bind(p1)
    .bind(p2)
    .bind(p3)
    .bind(p4)
    .fetch_all(db)
    .await
}

/// Where a page of readings starts: just after the reading with this key,
/// in the order of the readings' unique key (metric, ICS, period, partner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingKey {
    pub metric_id: String,
    pub ics_code: String,
    pub period: String,
    pub partner_id: String,
}

impl ReadingKey {
    pub fn of(reading: &StoredReading) -> ReadingKey {
        ReadingKey {
            metric_id: reading.metric_id.clone(),
            ics_code: reading.ics_code.clone(),
            period: reading.period.clone(),
            partner_id: reading.partner_id.clone(),
        }
    }
}

/// One page of the readings the filters choose, at most `limit`, after
/// `after`: keyset paging along the unique index, so a page costs the same
/// however deep into the readings it is.
pub async fn page(
    pool: &Pool,
    ics: Option<&str>,
    period: Option<ReadingPeriod>,
    after: Option<&ReadingKey>,
    limit: i64,
) -> Result<Vec<StoredReading>, sqlx::Error> {
    let [p1, p2, p3, p4] = period.map(period_texts).map_or([None, None, None, None], |texts| texts.map(Some));
    let (metric, ics_after, period_after, partner) = match after {
        Some(key) => {
            (Some(key.metric_id.as_str()), key.ics_code.as_str(), key.period.as_str(), key.partner_id.as_str())
        }
        None => (None, "", "", ""),
    };
    sqlx::query_as(&format!(
        "{SELECT_READING} WHERE ($1 IS NULL OR ics_code = $1) AND ($2 IS NULL OR period IN ($2, $3, $4, $5))
           AND ($6 IS NULL OR (metric_id, ics_code, period, partner_id) > ($6, $7, $8, $9))
         ORDER BY metric_id, ics_code, period, partner_id
         LIMIT $10"
    ))
    .bind(ics)
    .bind(p1)
    .bind(p2)
    .bind(p3)
    .bind(p4)
    .bind(metric)
    .bind(ics_after)
    .bind(period_after)
    .bind(partner)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Every reading recorded for one partner (a handful of metrics a quarter).
pub async fn for_partner(pool: &Pool, partner_id: &str) -> Result<Vec<StoredReading>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT_READING} WHERE partner_id = $1")).bind(partner_id).fetch_all(pool).await
}

/// What changed, for the audit log.
pub enum Written {
    Inserted(StoredReading),
    Updated { before: StoredReading, after: StoredReading },
    Unchanged,
}

/// Inserts or replaces one reading inside the caller's transaction (begun with
/// `db::begin_write`). Writing the same value and note again changes nothing, so
/// re-importing a file is harmless.
///
/// Race-free on both backends, so concurrent writers of one reading never fail
/// and every replaced value reaches the history:
/// - the insert comes first, as `ON CONFLICT DO NOTHING`: of two transactions
///   inserting the same new reading, PostgreSQL makes the second wait for the
///   first and then do nothing, where "read, then insert if missing" failed with
///   a duplicate key;
/// - an existing reading is locked (a no-op `UPDATE`) before it is read, so the
///   second of two writers reads the value the first wrote, not the one before it.
///   On SQLite the transaction already holds the database's write lock.
pub async fn upsert(tx: &mut Write, reading: &NewReading, user_id: Option<&str>) -> Result<Written, sqlx::Error> {
    let partner = reading.partner_id.clone().unwrap_or_default();
    let now = super::now();
    let id = super::new_id();
    let inserted = sqlx::query(
        "INSERT INTO reading (id, metric_id, metric_version, ics_code, period, partner_id, value, note,
                              entered_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
         ON CONFLICT (metric_id, ics_code, period, partner_id) DO NOTHING",
    )
    .bind(&id)
    .bind(&reading.metric_id)
    .bind(reading.metric_version)
    .bind(&reading.ics_code)
    .bind(&reading.period)
    .bind(&partner)
    .bind(reading.value)
    .bind(&reading.note)
    .bind(user_id)
    .bind(&now)
    .execute(tx.conn())
    .await?
    .rows_affected()
        == 1;
    if inserted {
        tx.changed(reading.scope()?);
        return Ok(Written::Inserted(reading.stored(id, now)));
    }
    const KEY: &str = "metric_id = $1 AND ics_code = $2 AND period = $3 AND partner_id = $4";
    sqlx::query(&format!("UPDATE reading SET updated_at = updated_at WHERE {KEY}"))
        .bind(&reading.metric_id)
        .bind(&reading.ics_code)
        .bind(&reading.period)
        .bind(&partner)
        .execute(tx.conn())
        .await?;
    let old: StoredReading = sqlx::query_as(&format!("{SELECT_READING} WHERE {KEY}"))
        .bind(&reading.metric_id)
        .bind(&reading.ics_code)
        .bind(&reading.period)
        .bind(&partner)
        .fetch_one(tx.conn())
        .await?;
    if old.value == reading.value && old.note == reading.note {
        return Ok(Written::Unchanged);
    }
    sqlx::query(
        "INSERT INTO reading_history (id, reading_id, metric_version, value, note, entered_by, replaced_at,
                                      created_at, updated_at)
         SELECT $1, id, metric_version, value, note, entered_by, $2, $2, $2 FROM reading WHERE id = $3",
    )
    .bind(super::new_id())
    .bind(&now)
    .bind(&old.id)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "UPDATE reading SET value = $1, note = $2, metric_version = $3, entered_by = $4, updated_at = $5
         WHERE id = $6",
    )
    .bind(reading.value)
    .bind(&reading.note)
    .bind(reading.metric_version)
    .bind(user_id)
    .bind(&now)
    .bind(&old.id)
    .execute(tx.conn())
    .await?;
    let after = StoredReading {
        value: reading.value,
        note: reading.note.clone(),
        metric_version: reading.metric_version,
        updated_at: now,
        ..old.clone()
    };
    tx.changed(reading.scope()?);
    Ok(Written::Updated { before: old, after })
}

/// Writes many readings inside the caller's transaction (begun with
/// `db::begin_write`), each as `upsert` would, in order. New readings and ones
/// that are unchanged take a few multi-row statements between them, so
/// importing a 10,000-row file is tens of statements, not tens of thousands;
/// only readings whose value changes are written one by one (with history).
///
/// Concurrent writers (PostgreSQL runs them in parallel):
/// - rows are written in the order of their keys (a reading given twice
///   keeps its order), so two batches that share readings take their locks in
///   the same order and can never deadlock;
/// - a reading found unchanged is read without a lock: if another writer
///   changes it meanwhile, this write counts as having come first, which it
///   may have; a change is written by `upsert`, which locks before it reads.
pub async fn upsert_many(
    tx: &mut Write,
    readings: &[NewReading],
    user_id: Option<&str>,
) -> Result<Vec<Written>, sqlx::Error> {
    const KEY_COLUMNS: usize = 4;
    type Key = (String, String, String, String);
    let key_of = |reading: &NewReading| -> Key {
        let partner = reading.partner_id.clone().unwrap_or_default();
        (reading.metric_id.clone(), reading.ics_code.clone(), reading.period.clone(), partner)
    };
    let mut order: Vec<usize> = (0..readings.len()).collect();
    order.sort_by_cached_key(|&i| key_of(&readings[i]));
    let now = super::now();
    let bulk: Vec<BulkReading<'_>> = order
        .iter()
        .map(|&i| BulkReading { reading: &readings[i], user_id, created_at: &now, updated_at: &now, replaced: &[] })
        .collect();
    let (ids, inserted) = insert_new(tx, &bulk).await?;
    // What the others hold now: those with the same value and note are unchanged.
    let others: Vec<&NewReading> =
        bulk.iter().zip(&ids).filter(|(_, id)| !inserted.contains(*id)).map(|(b, _)| b.reading).collect();
    let mut current: std::collections::HashMap<Key, StoredReading> = std::collections::HashMap::new();
    for chunk in others.chunks(super::bulk_rows(KEY_COLUMNS)) {
        let sql = format!(
            "{SELECT_READING} WHERE (metric_id, ics_code, period, partner_id) IN (VALUES {})",
            super::value_rows(chunk.len(), KEY_COLUMNS)
        );
        let mut query = sqlx::query_as::<_, StoredReading>(&sql);
        for reading in chunk {
            query = query
                .bind(&reading.metric_id)
                .bind(&reading.ics_code)
                .bind(&reading.period)
                .bind(reading.partner_id.clone().unwrap_or_default());
        }
        for stored in query.fetch_all(tx.conn()).await? {
            let key =
                (stored.metric_id.clone(), stored.ics_code.clone(), stored.period.clone(), stored.partner_id.clone());
            current.insert(key, stored);
        }
    }
    let mut written: Vec<Option<Written>> = readings.iter().map(|_| None).collect();
    let mut series = BTreeSet::new();
    for (&index, id) in order.iter().zip(ids) {
        let reading = &readings[index];
        if inserted.contains(&id) {
            tx.changed(reading.scope()?);
            series.extend(reading.series());
            written[index] = Some(Written::Inserted(reading.stored(id, now.clone())));
            continue;
        }
        let key = key_of(reading);
        written[index] = Some(match current.get(&key) {
            Some(old) if old.value == reading.value && old.note == reading.note => Written::Unchanged,
            _ => {
                // A change (or the same key twice in one batch): one by one, so
                // each replaced value lands in the history.
                let change = upsert(tx, reading, user_id).await?;
                if let Written::Updated { after, .. } | Written::Inserted(after) = &change {
                    current.insert(key, after.clone());
                    series.extend(reading.series());
                }
                change
            }
        });
    }
    refresh_series(tx, series).await?;
    Ok(written.into_iter().flatten().collect())
}

/// A series as `reading_series` keeps it: `period=value`, comma-separated.
/// Rust writes each double with every digit it needs, so it reads back exactly.
fn encode_series(points: &[(String, f64)]) -> String {
    points.iter().map(|(period, value)| format!("{period}={value:?}")).collect::<Vec<_>>().join(",")
}

/// A kept series read back: (period, value) pairs, in no particular order.
pub fn decode_series(text: &str) -> Result<Vec<(String, f64)>, sqlx::Error> {
    text.split(',')
        .filter(|point| !point.is_empty())
        .map(|point| {
            let bad = || sqlx::Error::Decode(format!("reading_series point {point:?}").into());
            let (period, value) = point.split_once('=').ok_or_else(bad)?;
            Ok((period.to_string(), value.parse().map_err(|_| bad())?))
        })
        .collect()
}

/// Writes the kept series of `metric` in `ics` from its ICS-level readings.
async fn write_series(conn: &mut sqlx::AnyConnection, metric: &str, ics: &str) -> Result<(), sqlx::Error> {
    let points: Vec<(String, f64)> = sqlx::query_as(
        "SELECT period, value FROM reading WHERE metric_id = $1 AND ics_code = $2 AND partner_id = '' ORDER BY period",
    )
    .bind(metric)
    .bind(ics)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO reading_series (metric_id, ics_code, points) VALUES ($1, $2, $3)
         ON CONFLICT (metric_id, ics_code) DO UPDATE SET points = excluded.points",
    )
    .bind(metric)
    .bind(ics)
    .bind(encode_series(&points))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Rewrites the kept series of each (metric, ICS) in `series` after a change
/// to its readings. Each one's row is locked first (created if new, then a
/// no-op update; on SQLite the transaction holds the database already), so of
/// two writers of one series the second waits and then reads what the first
/// wrote; series are locked in order, so two writers never wait on each other.
async fn refresh_series(tx: &mut Write, series: BTreeSet<(String, String)>) -> Result<(), sqlx::Error> {
    for (metric, ics) in series {
        sqlx::query(
            "INSERT INTO reading_series (metric_id, ics_code, points) VALUES ($1, $2, '')
             ON CONFLICT (metric_id, ics_code) DO NOTHING",
        )
        .bind(&metric)
        .bind(&ics)
        .execute(tx.conn())
        .await?;
        sqlx::query("UPDATE reading_series SET points = points WHERE metric_id = $1 AND ics_code = $2")
            .bind(&metric)
            .bind(&ics)
            .execute(tx.conn())
            .await?;
        write_series(tx.conn(), &metric, &ics).await?;
    }
    Ok(())
}

/// Writes the kept series of every ICS-level series that has none: the
/// readings stored before series were kept (run at every start; a no-op once
/// they all have one).
pub async fn fill_missing_series(pool: &Pool) -> Result<usize, sqlx::Error> {
    let missing: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT r.metric_id, r.ics_code FROM reading r
         WHERE r.partner_id = '' AND NOT EXISTS (
             SELECT 1 FROM reading_series s WHERE s.metric_id = r.metric_id AND s.ics_code = r.ics_code)",
    )
    .fetch_all(pool)
    .await?;
    if missing.is_empty() {
        return Ok(0);
    }
    let mut tx = super::begin_write(pool).await?;
    for (metric, ics) in &missing {
        write_series(tx.conn(), metric, ics).await?;
    }
    tx.commit().await?;
    Ok(missing.len())
}

/// Every kept ICS-level series of `icss`: ((metric, ICS), its points).
pub async fn kept_series(pool: &Pool, icss: &[String]) -> Result<Vec<((String, String), String)>, sqlx::Error> {
    let placeholders: Vec<String> = (1..=icss.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT metric_id, ics_code, points FROM reading_series WHERE ics_code IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String, String, String)>(&sql);
    for ics in icss {
        query = query.bind(ics);
    }
    Ok(query.fetch_all(pool).await?.into_iter().map(|(metric, ics, points)| ((metric, ics), points)).collect())
}

/// One ICS-level reading (no partner), as charts draw it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct IcsReading {
    pub metric_id: String,
    pub ics_code: String,
    pub period: String,
    pub value: f64,
}

/// A metric's ICS-level readings, oldest first.
pub async fn ics_level_series(pool: &Pool, metric_id: &str) -> Result<Vec<IcsReading>, sqlx::Error> {
    sqlx::query_as(
        "SELECT metric_id, ics_code, period, value FROM reading WHERE metric_id = $1 AND partner_id = ''
         ORDER BY period, ics_code",
    )
    .bind(metric_id)
    .fetch_all(pool)
    .await
}

/// Every ICS-level reading of every metric.
pub async fn ics_level_all(pool: &Pool) -> Result<Vec<IcsReading>, sqlx::Error> {
    sqlx::query_as("SELECT metric_id, ics_code, period, value FROM reading WHERE partner_id = ''").fetch_all(pool).await
}

/// A metric's readings in one ICS: the ICS-level figure (`partner` `None`) or
/// one partner's, in no particular order.
pub async fn series(
    pool: &Pool,
    metric_id: &str,
    ics: &str,
    partner: Option<&str>,
) -> Result<Vec<IcsReading>, sqlx::Error> {
    sqlx::query_as(
        "SELECT metric_id, ics_code, period, value FROM reading
         WHERE metric_id = $1 AND ics_code = $2 AND partner_id = $3",
    )
    .bind(metric_id)
    .bind(ics)
    .bind(partner.unwrap_or_default())
    .fetch_all(pool)
    .await
}

/// Partners' readings of a commitment's metrics in one ICS for a quarter (its
/// months included), by metric, organisation and period.
pub async fn partner_figures_for_cell(
    pool: &Pool,
    ics: &str,
    commitment_id: &str,
    period: ReportingPeriod,
) -> Result<Vec<crate::model::status::PartnerFigure>, sqlx::Error> {
    let [p1, p2, p3, p4] = period_texts(period.into());
    sqlx::query_as(
        "SELECT r.metric_id, m.name AS metric_name, o.name AS organisation_name, r.period, r.value
         FROM reading r JOIN metric m ON m.id = r.metric_id JOIN organisation o ON o.id = r.partner_id
         WHERE r.ics_code = $1 AND m.commitment_id = $2 AND r.partner_id <> '' AND r.period IN ($3, $4, $5, $6)
         ORDER BY m.name, o.name, r.period",
    )
    .bind(ics)
    .bind(commitment_id)
    .bind(p1)
    .bind(p2)
    .bind(p3)
    .bind(p4)
    .fetch_all(pool)
    .await
}

/// Which partners have readings of which commitment's metrics in which ICS,
/// for a quarter (its months included; one ICS, or every one): (ICS,
/// commitment, partner), each once. ICS-level figures (no partner) are left out.
pub async fn partner_sources_for_period(
    pool: &Pool,
    period: ReportingPeriod,
    ics: Option<&str>,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    let [p1, p2, p3, p4] = period_texts(period.into());
    let one_ics = if ics.is_some() { "AND r.ics_code = $5" } else { "" };
    let sql = format!(
        "SELECT DISTINCT r.ics_code, m.commitment_id, r.partner_id FROM reading r JOIN metric m ON m.id = r.metric_id
         WHERE r.period IN ($1, $2, $3, $4) AND r.partner_id <> '' {one_ics}"
    );
    let query = sqlx::query_as(&sql).bind(p1).bind(p2).bind(p3).bind(p4);
    match ics {
        Some(ics) => query.bind(ics).fetch_all(pool).await,
        None => query.fetch_all(pool).await,
    }
}

/// A value a reading had before it was replaced, for `insert_many`.
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced {
    pub value: f64,
    pub note: Option<String>,
    /// When the next value replaced it.
    pub replaced_at: String,
}

/// A new reading for `insert_many` with the values it had before, oldest
/// first: the rows `upsert` leaves behind after writing each of them and then
/// `reading`, all entered by one user (the first at `created_at`, the last at
/// `updated_at`).
pub struct BulkReading<'a> {
    pub reading: &'a NewReading,
    pub user_id: Option<&'a str>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    pub replaced: &'a [Replaced],
}

/// Inserts `readings` with multi-row statements, leaving any that already
/// exist as they are. Returns the id given to each, and which were inserted.
async fn insert_new(
    tx: &mut Write,
    readings: &[BulkReading<'_>],
) -> Result<(Vec<String>, std::collections::HashSet<String>), sqlx::Error> {
    const COLUMNS: usize = 11;
    let ids: Vec<String> = readings.iter().map(|_| super::new_id()).collect();
    let mut inserted = std::collections::HashSet::new();
    for (chunk, chunk_ids) in readings.chunks(super::bulk_rows(COLUMNS)).zip(ids.chunks(super::bulk_rows(COLUMNS))) {
        let sql = format!(
            "INSERT INTO reading (id, metric_id, metric_version, ics_code, period, partner_id, value, note,
                                  entered_by, created_at, updated_at)
             VALUES {} ON CONFLICT (metric_id, ics_code, period, partner_id) DO NOTHING RETURNING id",
            super::value_rows(chunk.len(), COLUMNS)
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for (bulk, id) in chunk.iter().zip(chunk_ids) {
            let reading = bulk.reading;
            query = query
                .bind(id)
                .bind(&reading.metric_id)
                .bind(reading.metric_version)
                .bind(&reading.ics_code)
                .bind(&reading.period)
                .bind(reading.partner_id.clone().unwrap_or_default())
                .bind(reading.value)
                .bind(&reading.note)
                .bind(bulk.user_id)
                .bind(bulk.created_at)
                .bind(bulk.updated_at);
        }
        inserted.extend(query.fetch_all(tx.conn()).await?);
    }
    Ok((ids, inserted))
}

/// Inserts many new readings and their replaced values with a few multi-row
/// statements: for bulk loads (`concordat-tracker generate`), where `upsert`
/// one at a time is several round trips each. A reading that already exists is
/// left as it is, with nothing added to its history. Returns how many were
/// inserted.
pub async fn insert_many(tx: &mut Write, readings: &[BulkReading<'_>]) -> Result<usize, sqlx::Error> {
    const HISTORY_COLUMNS: usize = 9;
    let (ids, inserted) = insert_new(tx, readings).await?;
    // Each replaced value as `upsert` keeps it: the reading's value then, and
    // when it was replaced.
    let history: Vec<(&String, &BulkReading<'_>, &Replaced)> = ids
        .iter()
        .zip(readings)
        .filter(|(id, _)| inserted.contains(*id))
        .flat_map(|(id, bulk)| bulk.replaced.iter().map(move |old| (id, bulk, old)))
        .collect();
    for chunk in history.chunks(super::bulk_rows(HISTORY_COLUMNS)) {
        let sql = format!(
            "INSERT INTO reading_history (id, reading_id, metric_version, value, note, entered_by, replaced_at,
                                          created_at, updated_at)
             VALUES {}",
            super::value_rows(chunk.len(), HISTORY_COLUMNS)
        );
        let mut query = sqlx::query(&sql);
        for (id, bulk, old) in chunk {
            query = query
                .bind(super::new_id())
                .bind(*id)
                .bind(bulk.reading.metric_version)
                .bind(old.value)
                .bind(&old.note)
                .bind(bulk.user_id)
                .bind(&old.replaced_at)
                .bind(&old.replaced_at)
                .bind(&old.replaced_at);
        }
        query.execute(tx.conn()).await?;
    }
    let mut series = BTreeSet::new();
    for (bulk, id) in readings.iter().zip(&ids) {
        if inserted.contains(id) {
            tx.changed(bulk.reading.scope()?);
            series.extend(bulk.reading.series());
        }
    }
    refresh_series(tx, series).await?;
    Ok(inserted.len())
}
