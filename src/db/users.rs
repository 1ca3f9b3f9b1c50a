//! Users, their sessions and their API tokens.

use super::Pool;
use crate::domain::permission::{Principal, Role};
use sqlx::{Any, FromRow, Transaction};

/// Columns that make a `Principal`, for every query that authenticates.
const PRINCIPAL_COLUMNS: &str = "u.id, u.email, u.role, u.organisation_id, u.lead_ics, o.ics_code, o.kind";

#[derive(FromRow)]
struct SqlPrincipal {
    id: String,
    email: String,
    role: String,
    organisation_id: String,
    lead_ics: Option<String>,
    ics_code: Option<String>,
    kind: String,
}

impl TryFrom<SqlPrincipal> for Principal {
    type Error = sqlx::Error;
    fn try_from(row: SqlPrincipal) -> Result<Self, Self::Error> {
        let role = Role::parse(&row.role).map_err(|e| sqlx::Error::Decode(e.to_string().into()))?;
        Ok(Principal {
            user_id: row.id,
            email: row.email,
            role,
            organisation_is_icb: row.kind == "icb",
            organisation_id: row.organisation_id,
            organisation_ics: row.ics_code,
            lead_ics: row.lead_ics,
        })
    }
}

#[derive(FromRow)]
pub struct LoginRow {
    pub id: String,
    pub password_hash: String,
}

pub async fn find_login(pool: &Pool, email: &str) -> Result<Option<LoginRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, password_hash FROM app_user WHERE email = $1 AND active = 1")
        .bind(email)
        .fetch_optional(pool)
        .await
}

pub async fn email_exists(pool: &Pool, email: &str) -> Result<bool, sqlx::Error> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM app_user WHERE email = $1").bind(email).fetch_one(pool).await?;
    Ok(count > 0)
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub organisation_id: &'a str,
    pub lead_ics: Option<&'a str>,
}

pub async fn insert_user(tx: &mut Transaction<'_, Any>, user: &NewUser<'_>) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query(
        "INSERT INTO app_user (id, email, display_name, password_hash, role, organisation_id, lead_ics,
                               active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
    )
    .bind(user.id)
    .bind(user.email)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(user.role.as_str())
    .bind(user.organisation_id)
    .bind(user.lead_ics)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn principal_by_email(pool: &Pool, email: &str) -> Result<Option<Principal>, sqlx::Error> {
    let row: Option<SqlPrincipal> = sqlx::query_as(&format!(
        "SELECT {PRINCIPAL_COLUMNS} FROM app_user u JOIN organisation o ON o.id = u.organisation_id
         WHERE u.email = $1 AND u.active = 1"
    ))
    .bind(email)
    .fetch_optional(pool)
    .await?;
    row.map(Principal::try_from).transpose()
}

pub async fn create_session(
    tx: &mut Transaction<'_, Any>,
    token_hash: &str,
    user_id: &str,
    csrf_token: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query(
        "INSERT INTO user_session (token_hash, user_id, csrf_token, expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf_token)
    .bind(expires_at)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The signed-in user and the session's CSRF token, if the session is live.
pub async fn session_principal(pool: &Pool, token_hash: &str) -> Result<Option<(Principal, String)>, sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        principal: SqlPrincipal,
        csrf_token: String,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {PRINCIPAL_COLUMNS}, s.csrf_token
         FROM user_session s
         JOIN app_user u ON u.id = s.user_id
         JOIN organisation o ON o.id = u.organisation_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1"
    ))
    .bind(token_hash)
    .bind(super::now())
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok((Principal::try_from(r.principal)?, r.csrf_token))).transpose()
}

/// Ends a session, and sweeps expired ones while we are here.
pub async fn delete_session(tx: &mut Transaction<'_, Any>, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_session WHERE token_hash = $1 OR expires_at <= $2")
        .bind(token_hash)
        .bind(super::now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn api_token_principal(pool: &Pool, token_hash: &str) -> Result<Option<Principal>, sqlx::Error> {
    let row: Option<SqlPrincipal> = sqlx::query_as(&format!(
        "SELECT {PRINCIPAL_COLUMNS}
         FROM api_token t
         JOIN app_user u ON u.id = t.user_id
         JOIN organisation o ON o.id = u.organisation_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1"
    ))
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    row.map(Principal::try_from).transpose()
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, FromRow)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

pub async fn insert_api_token(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    user_id: &str,
    name: &str,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query(
        "INSERT INTO api_token (id, user_id, name, token_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(id)
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn token_hash_exists(pool: &Pool, token_hash: &str) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_token WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_one(pool)
        .await?;
    Ok(count > 0)
}

pub async fn list_api_tokens(pool: &Pool, user_id: &str) -> Result<Vec<TokenRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, created_at, revoked_at FROM api_token WHERE user_id = $1 ORDER BY created_at DESC, id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// Revokes one of the user's own tokens; `false` if they have no such live token.
pub async fn revoke_api_token(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    token_id: &str,
) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let result = sqlx::query(
        "UPDATE api_token SET revoked_at = $1, updated_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(&now)
    .bind(token_id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}
