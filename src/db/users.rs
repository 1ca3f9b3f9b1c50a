//! Users, their sessions and their API tokens.

use super::Pool;
use crate::domain::permission::{Principal, Role};
use crate::model::account::ApiToken;
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

/// A live session: who it is, its CSRF token and when it was last used.
pub struct LiveSession {
    pub principal: Principal,
    pub csrf_token: String,
    pub last_seen_at: Option<String>,
}

/// The signed-in user behind a session, if the session is live: not past its
/// absolute lifetime, used since `idle_since`, and its account active.
pub async fn session_principal(
    pool: &Pool,
    token_hash: &str,
    idle_since: &str,
) -> Result<Option<LiveSession>, sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        principal: SqlPrincipal,
        csrf_token: String,
        last_seen_at: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {PRINCIPAL_COLUMNS}, s.csrf_token, s.last_seen_at
         FROM user_session s
         JOIN app_user u ON u.id = s.user_id
         JOIN organisation o ON o.id = u.organisation_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND COALESCE(s.last_seen_at, s.created_at) > $3
           AND u.active = 1"
    ))
    .bind(token_hash)
    .bind(super::now())
    .bind(idle_since)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(LiveSession {
            principal: Principal::try_from(r.principal)?,
            csrf_token: r.csrf_token,
            last_seen_at: r.last_seen_at,
        })
    })
    .transpose()
}

/// Notes that a session was used now (the idle timeout counts from here).
/// Not content: it raises no version, so cached pages stay warm.
pub async fn touch_session(pool: &Pool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE user_session SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(super::now())
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
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

/// The user behind a live API token (not revoked, not expired, account
/// active), the token's id and when it was last used.
pub async fn api_token_principal(
    pool: &Pool,
    token_hash: &str,
) -> Result<Option<(Principal, String, Option<String>)>, sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        principal: SqlPrincipal,
        token_id: String,
        last_used_at: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {PRINCIPAL_COLUMNS}, t.id AS token_id, t.last_used_at
         FROM api_token t
         JOIN app_user u ON u.id = t.user_id
         JOIN organisation o ON o.id = u.organisation_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
           AND u.active = 1"
    ))
    .bind(token_hash)
    .bind(super::now())
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok((Principal::try_from(r.principal)?, r.token_id, r.last_used_at))).transpose()
}

/// Notes that a token was used now (at most once a minute per token, so a busy
/// script does not write on every call).
pub async fn touch_api_token(pool: &Pool, token_id: &str) -> Result<(), sqlx::Error> {
    let now = chrono::Utc::now();
    sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
        .bind(super::timestamp(now))
        .bind(token_id)
        .bind(super::timestamp(now - chrono::Duration::seconds(60)))
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn insert_api_token(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    user_id: &str,
    name: &str,
    token_hash: &str,
    expires_at: Option<&str>,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query(
        "INSERT INTO api_token (id, user_id, name, token_hash, expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(id)
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(expires_at)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The name of `user_id`'s live token with this hash, if there is one.
pub async fn live_api_token_name(pool: &Pool, user_id: &str, token_hash: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM api_token WHERE user_id = $1 AND token_hash = $2 AND revoked_at IS NULL")
        .bind(user_id)
        .bind(token_hash)
        .fetch_optional(pool)
        .await
}

pub async fn token_hash_exists(pool: &Pool, token_hash: &str) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_token WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_one(pool)
        .await?;
    Ok(count > 0)
}

pub async fn list_api_tokens(pool: &Pool, user_id: &str) -> Result<Vec<ApiToken>, sqlx::Error> {
    type Row = (String, String, String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, name, created_at, expires_at, last_used_at, revoked_at FROM api_token
         WHERE user_id = $1 ORDER BY created_at DESC, id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, created_at, expires_at, last_used_at, revoked_at)| ApiToken {
            id,
            name,
            created_at,
            expires_at,
            last_used_at,
            revoked_at,
        })
        .collect())
}

/// Revokes a live token: of `owner` only when given (a user's own tokens), any
/// user's otherwise (an admin). Returns the owner's id, or `None` if there is no
/// such live token.
pub async fn revoke_api_token(
    tx: &mut Transaction<'_, Any>,
    token_id: &str,
    owner: Option<&str>,
) -> Result<Option<String>, sqlx::Error> {
    let now = super::now();
    sqlx::query_scalar(
        "UPDATE api_token SET revoked_at = $1, updated_at = $1
         WHERE id = $2 AND ($3 IS NULL OR user_id = $3) AND revoked_at IS NULL
         RETURNING user_id",
    )
    .bind(&now)
    .bind(token_id)
    .bind(owner)
    .fetch_optional(&mut **tx)
    .await
}

/// An account as the admin pages show it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub lead_ics: Option<String>,
    pub active: i64,
    /// Whether a password has been set (an account made with a set-password
    /// link has none until the link is used).
    pub has_password: i64,
    pub created_at: String,
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.organisation_id, o.name AS organisation_name,
    u.lead_ics, u.active, CAST(CASE WHEN u.password_hash = '!' THEN 0 ELSE 1 END AS BIGINT) AS has_password, u.created_at";

pub async fn list_users(pool: &Pool) -> Result<Vec<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM app_user u JOIN organisation o ON o.id = u.organisation_id ORDER BY u.email"
    ))
    .fetch_all(pool)
    .await
}

pub async fn get_user(pool: &Pool, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

pub async fn user_id_by_email(pool: &Pool, email: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM app_user WHERE email = $1").bind(email).fetch_optional(pool).await
}

/// Switches an account on or off; `false` if it already was.
pub async fn set_active(tx: &mut Transaction<'_, Any>, user_id: &str, active: bool) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("UPDATE app_user SET active = $1, updated_at = $2 WHERE id = $3 AND active <> $1")
        .bind(i64::from(active))
        .bind(super::now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Ends every session of a user, but the one named by `keep` (the session that
/// asked, when a user changes their own password).
pub async fn end_sessions(tx: &mut Transaction<'_, Any>, user_id: &str, keep: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_session WHERE user_id = $1 AND ($2 IS NULL OR token_hash <> $2)")
        .bind(user_id)
        .bind(keep)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Revokes every live API token of a user (a new password, or an admin's
/// reset, means any token made before may be in the wrong hands). Returns how many.
pub async fn revoke_all_api_tokens(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<u64, sqlx::Error> {
    let result =
        sqlx::query("UPDATE api_token SET revoked_at = $1, updated_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(super::now())
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    Ok(result.rows_affected())
}

pub async fn password_hash(pool: &Pool, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM app_user WHERE id = $1 AND active = 1")
        .bind(user_id)
        .fetch_optional(pool)
        .await
}

pub async fn set_password_hash(tx: &mut Transaction<'_, Any>, user_id: &str, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_user SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(super::now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores a new set-password link for a user; any earlier unused link of theirs
/// stops working, so only the newest link handed out is live.
pub async fn insert_password_link(
    tx: &mut Transaction<'_, Any>,
    token_hash: &str,
    user_id: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query("DELETE FROM password_link WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO password_link (token_hash, user_id, expires_at, used_at, created_at, updated_at)
         VALUES ($1, $2, $3, NULL, $4, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(expires_at)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The user id and email a live set-password link is for (unused, unexpired,
/// account active).
pub async fn password_link_user(pool: &Pool, token_hash: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email FROM password_link l JOIN app_user u ON u.id = l.user_id
         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash)
    .bind(super::now())
    .fetch_optional(pool)
    .await
}

/// Uses up a live link; `false` if it was used (or expired) meanwhile.
pub async fn use_password_link(tx: &mut Transaction<'_, Any>, token_hash: &str) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let result = sqlx::query(
        "UPDATE password_link SET used_at = $1, updated_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(&now)
    .bind(token_hash)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}
