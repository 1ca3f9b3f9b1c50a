//! ICSs, their boroughs, and partner organisations.

use super::Pool;
use crate::domain::london::{Ics, IcsCode, IcsDetail, OrgKind, Organisation};
use sqlx::{Any, FromRow, Transaction};

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

#[derive(FromRow)]
struct SqlOrganisation {
    id: String,
    name: String,
    short_name: Option<String>,
    kind: String,
    ics_code: Option<String>,
}

impl TryFrom<SqlOrganisation> for Organisation {
    type Error = sqlx::Error;
    fn try_from(row: SqlOrganisation) -> Result<Self, Self::Error> {
        let kind = OrgKind::parse(&row.kind).map_err(|e| sqlx::Error::Decode(e.into()))?;
        Ok(Organisation { id: row.id, name: row.name, short_name: row.short_name, kind, ics: row.ics_code })
    }
}

pub(super) async fn seed(
    tx: &mut Transaction<'_, Any>,
    icss: &[Ics],
    organisations: &[Organisation],
    now: &str,
) -> Result<(), sqlx::Error> {
    for (position, ics) in icss.iter().enumerate() {
        sqlx::query(
            "INSERT INTO ics (code, name, position, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&ics.code)
        .bind(&ics.name)
        .bind(position as i64 + 1)
        .bind(now)
        .execute(&mut **tx)
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
            .execute(&mut **tx)
            .await?;
        }
    }
    for (position, org) in organisations.iter().enumerate() {
        sqlx::query(
            "INSERT INTO organisation (id, name, short_name, kind, ics_code, position, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&org.id)
        .bind(&org.name)
        .bind(&org.short_name)
        .bind(org.kind.as_str())
        .bind(&org.ics)
        .bind(position as i64 + 1)
        .bind(now)
        .execute(&mut **tx)
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
    let partners: Vec<SqlOrganisation> = sqlx::query_as(
        "SELECT id, name, short_name, kind, ics_code FROM organisation
         WHERE (ics_code = $1 OR ics_code IS NULL) AND kind <> 'board'
         ORDER BY CASE WHEN ics_code IS NULL THEN 1 ELSE 0 END, position",
    )
    .bind(code)
    .fetch_all(pool)
    .await?;
    Ok(Some(IcsDetail {
        ics: Ics { code: ics.code, name: ics.name, boroughs: boroughs.into_iter().map(|b| b.name).collect() },
        partners: partners.into_iter().map(Organisation::try_from).collect::<Result<_, _>>()?,
    }))
}

pub async fn get_organisation(pool: &Pool, id: &str) -> Result<Option<Organisation>, sqlx::Error> {
    let row: Option<SqlOrganisation> =
        sqlx::query_as("SELECT id, name, short_name, kind, ics_code FROM organisation WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    row.map(Organisation::try_from).transpose()
}

pub async fn list_organisations(pool: &Pool) -> Result<Vec<Organisation>, sqlx::Error> {
    let rows: Vec<SqlOrganisation> =
        sqlx::query_as("SELECT id, name, short_name, kind, ics_code FROM organisation ORDER BY position")
            .fetch_all(pool)
            .await?;
    rows.into_iter().map(Organisation::try_from).collect()
}

pub async fn ics_codes(pool: &Pool) -> Result<Vec<IcsCode>, sqlx::Error> {
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM ics ORDER BY position").fetch_all(pool).await?;
    codes.into_iter().map(decode_ics).collect()
}

/// An ICS code as stored; the seed only ever stores valid ones.
pub fn decode_ics(code: String) -> Result<IcsCode, sqlx::Error> {
    IcsCode::try_from(code).map_err(|e| sqlx::Error::Decode(format!("stored ICS code: {e}").into()))
}
