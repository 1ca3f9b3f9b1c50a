//! Form outcomes kept for the page a plain form post comes back to (see
//! `server::flash`).

use super::Pool;
use chrono::{DateTime, Utc};

/// Keeps `query` (the outcome's part of an address) for `owner_hash` until
/// `expires_at`, and sweeps outcomes that have expired.
pub async fn keep(
    pool: &Pool,
    id: &str,
    owner_hash: &str,
    query: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    let mut tx = super::begin_write(pool).await?;
    sqlx::query("DELETE FROM form_outcome WHERE expires_at < $1").bind(&now).execute(tx.conn()).await?;
    sqlx::query("INSERT INTO form_outcome (id, owner_hash, query, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(owner_hash)
        .bind(query)
        .bind(super::timestamp(expires_at))
        .bind(&now)
        .execute(tx.conn())
        .await?;
    tx.commit().await
}

/// The outcome `id`, if it is `owner_hash`'s and has not expired.
pub async fn restore(pool: &Pool, id: &str, owner_hash: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT query FROM form_outcome WHERE id = $1 AND owner_hash = $2 AND expires_at > $3")
        .bind(id)
        .bind(owner_hash)
        .bind(super::now())
        .fetch_optional(pool)
        .await
}
