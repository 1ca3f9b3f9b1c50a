//! ICSs, their boroughs, and partner organisations.

use super::{Pool, Write};
use crate::domain::freshness::{Scope, Topic};
use crate::domain::london::{Ics, IcsCode, IcsDetail, OrgKind, Organisation};
use sqlx::{Any, FromRow, Row, Transaction};

#[derive(FromRow)]
struct SqlIcs {
    code: String,
    name: String,
}

#[derive(FromRow)]
struct SqlBorough {
    ics_code: String,
    name: String,
}

/// The columns that make an `Organisation` (its other ICSs come from
/// `organisation_also_serves`, see `with_also_serves`).
pub(super) const ORGANISATION_COLUMNS: &str =
    "id, name, short_name, kind, ics_code, ods, ons, started_on, retired_on, successor_id";

#[derive(FromRow)]
pub(super) struct SqlOrganisation {
    id: String,
    name: String,
    short_name: Option<String>,
    kind: String,
    ics_code: Option<String>,
    ods: Option<String>,
    ons: Option<String>,
    started_on: Option<String>,
    retired_on: Option<String>,
    successor_id: Option<String>,
}

impl TryFrom<SqlOrganisation> for Organisation {
    type Error = sqlx::Error;
    fn try_from(row: SqlOrganisation) -> Result<Self, Self::Error> {
        let kind = OrgKind::parse(&row.kind).map_err(|e| sqlx::Error::Decode(e.into()))?;
        Ok(Organisation {
            id: row.id,
            name: row.name,
            short_name: row.short_name,
            kind,
            ics: row.ics_code,
            also_serves: Vec::new(),
            ods: row.ods,
            ons: row.ons,
            started_on: row.started_on,
            retired_on: row.retired_on,
            successor_id: row.successor_id,
        })
    }
}

/// Organisations with the other ICSs each serves, in one more query.
pub(super) async fn with_also_serves(
    pool: &Pool,
    rows: Vec<SqlOrganisation>,
) -> Result<Vec<Organisation>, sqlx::Error> {
    let mut organisations = rows.into_iter().map(Organisation::try_from).collect::<Result<Vec<_>, _>>()?;
    let also: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.organisation_id, a.ics_code FROM organisation_also_serves a JOIN ics i ON i.code = a.ics_code
         ORDER BY a.organisation_id, i.position",
    )
    .fetch_all(pool)
    .await?;
    for org in &mut organisations {
        org.also_serves = also.iter().filter(|(id, _)| *id == org.id).map(|(_, ics)| ics.clone()).collect();
    }
    Ok(organisations)
}

pub(super) async fn seed(
    tx: &mut Write,
    icss: &[Ics],
    organisations: &[Organisation],
    now: &str,
) -> Result<(), sqlx::Error> {
    tx.changed(Scope::whole(Topic::Organisations));
    for (position, ics) in icss.iter().enumerate() {
        sqlx::query(
            "INSERT INTO ics (code, name, position, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&ics.code)
        .bind(&ics.name)
        .bind(position as i64 + 1)
        .bind(now)
        .execute(tx.conn())
        .await?;
        for (position, borough) in ics.boroughs.iter().enumerate() {
            sqlx::query(
                "INSERT INTO borough (ics_code, name, position, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $4) ON CONFLICT (ics_code, name) DO NOTHING",
            )
            .bind(&ics.code)
            .bind(borough)
            .bind(position as i64 + 1)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
    }
    // Organisations first, then the successors they name (a successor may come
    // later in the file). An organisation already there keeps what it has: an
    // edit in the app wins; seeding only fills the codes and dates it lacks
    // (databases seeded before they were recorded).
    for (position, org) in organisations.iter().enumerate() {
        sqlx::query(
            "INSERT INTO organisation (id, name, short_name, kind, ics_code, ods, ons, started_on, retired_on,
                                       position, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)
             ON CONFLICT (id) DO UPDATE SET
                 ods = COALESCE(organisation.ods, excluded.ods),
                 ons = COALESCE(organisation.ons, excluded.ons),
                 started_on = COALESCE(organisation.started_on, excluded.started_on),
                 retired_on = COALESCE(organisation.retired_on, excluded.retired_on)",
        )
        .bind(&org.id)
        .bind(&org.name)
        .bind(&org.short_name)
        .bind(org.kind.as_str())
        .bind(&org.ics)
        .bind(&org.ods)
        .bind(&org.ons)
        .bind(&org.started_on)
        .bind(&org.retired_on)
        .bind(position as i64 + 1)
        .bind(now)
        .execute(tx.conn())
        .await?;
        for ics in &org.also_serves {
            sqlx::query(
                "INSERT INTO organisation_also_serves (organisation_id, ics_code, created_at, updated_at)
                 VALUES ($1, $2, $3, $3) ON CONFLICT (organisation_id, ics_code) DO NOTHING",
            )
            .bind(&org.id)
            .bind(ics)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
    }
    for org in organisations.iter().filter(|org| org.successor_id.is_some()) {
        sqlx::query("UPDATE organisation SET successor_id = $1 WHERE id = $2 AND successor_id IS NULL")
            .bind(&org.successor_id)
            .bind(&org.id)
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// All ICSs with their boroughs, in two queries.
pub async fn list_ics(pool: &Pool) -> Result<Vec<Ics>, sqlx::Error> {
    let icss: Vec<SqlIcs> = sqlx::query_as("SELECT code, name FROM ics ORDER BY position").fetch_all(pool).await?;
    let boroughs: Vec<SqlBorough> =
        sqlx::query_as("SELECT ics_code, name FROM borough ORDER BY ics_code, position").fetch_all(pool).await?;
    Ok(icss
        .into_iter()
        .map(|ics| Ics {
            boroughs: boroughs.iter().filter(|b| b.ics_code == ics.code).map(|b| b.name.clone()).collect(),
            code: ics.code,
            name: ics.name,
        })
        .collect())
}

/// One ICS with its boroughs and partners (its own, then London-wide ones; the
/// recovery board oversees rather than partners, so it is not listed).
pub async fn ics_detail(pool: &Pool, code: &str) -> Result<Option<IcsDetail>, sqlx::Error> {
    let Some(ics): Option<SqlIcs> =
        sqlx::query_as("SELECT code, name FROM ics WHERE code = $1").bind(code).fetch_optional(pool).await?
    else {
        return Ok(None);
    };
    let boroughs: Vec<SqlBorough> =
        sqlx::query_as("SELECT ics_code, name FROM borough WHERE ics_code = $1 ORDER BY position")
            .bind(code)
            .fetch_all(pool)
            .await?;
    let partners: Vec<SqlOrganisation> = sqlx::query_as(&format!(
        "SELECT {ORGANISATION_COLUMNS} FROM organisation
         WHERE (ics_code = $1 OR ics_code IS NULL
                OR id IN (SELECT organisation_id FROM organisation_also_serves WHERE ics_code = $1))
           AND kind <> 'board' AND (retired_on IS NULL OR retired_on > $2)
         ORDER BY CASE WHEN ics_code = $1 THEN 0 WHEN ics_code IS NULL THEN 2 ELSE 1 END, position"
    ))
    .bind(code)
    .bind(super::today())
    .fetch_all(pool)
    .await?;
    Ok(Some(IcsDetail {
        ics: Ics { code: ics.code, name: ics.name, boroughs: boroughs.into_iter().map(|b| b.name).collect() },
        partners: with_also_serves(pool, partners).await?,
    }))
}

pub async fn get_organisation(pool: &Pool, id: &str) -> Result<Option<Organisation>, sqlx::Error> {
    let row: Option<SqlOrganisation> =
        sqlx::query_as(&format!("SELECT {ORGANISATION_COLUMNS} FROM organisation WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let mut organisation = Organisation::try_from(row)?;
    organisation.also_serves = sqlx::query_scalar(
        "SELECT a.ics_code FROM organisation_also_serves a JOIN ics i ON i.code = a.ics_code
         WHERE a.organisation_id = $1 ORDER BY i.position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some(organisation))
}

/// Every organisation, retired ones included, in the seed's order.
pub async fn list_organisations(pool: &Pool) -> Result<Vec<Organisation>, sqlx::Error> {
    let rows: Vec<SqlOrganisation> =
        sqlx::query_as(&format!("SELECT {ORGANISATION_COLUMNS} FROM organisation ORDER BY position"))
            .fetch_all(pool)
            .await?;
    with_also_serves(pool, rows).await
}

pub async fn ics_codes(pool: &Pool) -> Result<Vec<IcsCode>, sqlx::Error> {
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM ics ORDER BY position").fetch_all(pool).await?;
    codes.into_iter().map(decode_ics).collect()
}

/// An ICS code as stored; the seed only ever stores valid ones.
pub fn decode_ics(code: String) -> Result<IcsCode, sqlx::Error> {
    IcsCode::try_from(code).map_err(|e| sqlx::Error::Decode(format!("stored ICS code: {e}").into()))
}

/// Adds an organisation at the end of the list, as version 1.
pub async fn insert_organisation(tx: &mut Write, org: &Organisation) -> Result<(), sqlx::Error> {
    tx.changed(Scope::whole(Topic::Organisations));
    let now = super::now();
    bind_organisation(
        sqlx::query(
            "INSERT INTO organisation (id, name, short_name, kind, ics_code, ods, ons, started_on, retired_on,
                                       successor_id, position, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                     (SELECT COALESCE(MAX(position), 0) + 1 FROM organisation), 1, $11, $11)",
        ),
        org,
    )
    .bind(&now)
    .execute(tx.conn())
    .await?;
    replace_also_serves(tx, org, &now).await
}

/// Saves an edit made against `expected_version`; `None` when someone saved a
/// newer version first, else the new version.
pub async fn update_organisation(
    tx: &mut Write,
    org: &Organisation,
    expected_version: i64,
) -> Result<Option<i64>, sqlx::Error> {
    tx.changed(Scope::whole(Topic::Organisations));
    let now = super::now();
    let row = bind_organisation(
        sqlx::query(
            "UPDATE organisation SET name = $2, short_name = $3, kind = $4, ics_code = $5, ods = $6, ons = $7,
                    started_on = $8, retired_on = $9, successor_id = $10, version = version + 1, updated_at = $11
             WHERE id = $1 AND version = $12
             RETURNING version",
        ),
        org,
    )
    .bind(&now)
    .bind(expected_version)
    .fetch_optional(tx.conn())
    .await?;
    let version: Option<i64> = row.map(|row| row.try_get("version")).transpose()?;
    if version.is_some() {
        replace_also_serves(tx, org, &now).await?;
    }
    Ok(version)
}

/// Binds an organisation's columns as `$1` (id) to `$10` (successor), in the
/// order both the insert and the update name them.
fn bind_organisation<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    org: &'q Organisation,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(&org.id)
        .bind(&org.name)
        .bind(&org.short_name)
        .bind(org.kind.as_str())
        .bind(&org.ics)
        .bind(&org.ods)
        .bind(&org.ons)
        .bind(&org.started_on)
        .bind(&org.retired_on)
        .bind(&org.successor_id)
}

async fn replace_also_serves(tx: &mut Write, org: &Organisation, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM organisation_also_serves WHERE organisation_id = $1")
        .bind(&org.id)
        .execute(tx.conn())
        .await?;
    for ics in &org.also_serves {
        sqlx::query(
            "INSERT INTO organisation_also_serves (organisation_id, ics_code, created_at, updated_at)
             VALUES ($1, $2, $3, $3)",
        )
        .bind(&org.id)
        .bind(ics)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Keeps a saved version of an organisation, as JSON, with who saved it.
pub async fn record_version(
    tx: &mut Transaction<'_, Any>,
    org: &Organisation,
    version: i64,
    changed_by: &str,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    let snapshot = serde_json::to_string(org).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(
        "INSERT INTO organisation_version (organisation_id, version, snapshot_json, changed_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&org.id)
    .bind(version)
    .bind(snapshot)
    .bind(changed_by)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An organisation's current version number.
pub async fn organisation_version(pool: &Pool, id: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT version FROM organisation WHERE id = $1").bind(id).fetch_optional(pool).await
}

/// Every saved version of an organisation, newest first: (version, saved by, saved at, snapshot).
pub async fn organisation_versions(
    pool: &Pool,
    id: &str,
) -> Result<Vec<(i64, String, String, Organisation)>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT version, changed_by, created_at, snapshot_json FROM organisation_version
         WHERE organisation_id = $1 ORDER BY version DESC",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(version, by, at, json)| {
            let org = serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(e.into()))?;
            Ok((version, by, at, org))
        })
        .collect()
}
