//! Failed sign-in counts, per account and per client address (see
//! `domain::throttle` for the rule), and the browsers that have signed in to
//! an account before. In the database, so that every app instance counts the
//! same attempts.
//!
//! An attempt is counted *before* its password is checked (`reserve`) and
//! given back if the password was right (`refund`, `clear`): a burst of
//! parallel guesses is counted one by one as it arrives, so the lock closes
//! after the policy's free failures however many arrive at once.

use super::Pool;
use crate::domain::throttle::{ThrottlePolicy, ACCOUNT, ADDRESS};
use chrono::{DateTime, Duration, Utc};
use sqlx::{Any, Transaction};

/// One key's count after an attempt was reserved against it.
#[derive(Debug, Clone)]
pub struct Counted {
    pub key: String,
    /// The count including this attempt.
    pub failures: i64,
    /// The lock before this attempt, restored if it is refunded.
    previous_lock: Option<String>,
}

/// Counts one attempt against every key, in one transaction that holds their
/// rows: concurrent attempts on the same key are counted one after another.
/// If any key is locked now, nothing is counted and the latest lock's end is
/// returned instead. A count that reaches the policy's limit closes the key at
/// once, before the password is checked, so the attempts behind it wait.
pub async fn reserve(
    pool: &Pool,
    keys: &[(&str, &ThrottlePolicy)],
) -> Result<Result<Vec<Counted>, DateTime<Utc>>, sqlx::Error> {
    let now = Utc::now();
    let now_text = super::timestamp(now);
    // Already locked: answered from a read, so hammering a locked account or
    // address writes nothing.
    let key_names: Vec<&str> = keys.iter().map(|(key, _)| *key).collect();
    if let Some(until) = locked_until(pool, &key_names, &now_text).await? {
        return Ok(Err(until));
    }
    let mut tx = super::begin_write(pool).await?;
    let mut found = Vec::with_capacity(keys.len());
    let mut locked: Option<DateTime<Utc>> = None;
    for (key, policy) in keys {
        // The upsert takes the row's lock until the transaction ends.
        let (failures, last_failure_at, locked_until): (i64, String, Option<String>) = sqlx::query_as(
            "INSERT INTO sign_in_throttle (throttle_key, failures, last_failure_at, locked_until, created_at, updated_at)
             VALUES ($1, 0, $2, NULL, $2, $2)
             ON CONFLICT (throttle_key) DO UPDATE SET updated_at = $2
             RETURNING failures, last_failure_at, locked_until",
        )
        .bind(*key)
        .bind(&now_text)
        .fetch_one(tx.conn())
        .await?;
        if let Some(until) = locked_until.as_deref().and_then(super::parse_timestamp).filter(|until| *until > now) {
            locked = Some(locked.map_or(until, |latest| latest.max(until)));
        }
        let forgotten = super::parse_timestamp(&last_failure_at)
            .is_none_or(|at| at < now - Duration::seconds(policy.forget_after_seconds));
        let failures = if forgotten { 1 } else { failures + 1 };
        found.push((*key, *policy, failures, locked_until));
    }
    if let Some(until) = locked {
        tx.commit().await?;
        return Ok(Err(until));
    }
    let mut counted = Vec::with_capacity(found.len());
    for (key, policy, failures, previous_lock) in found {
        let lock = policy.lockout_seconds(failures).map(|seconds| super::timestamp(now + Duration::seconds(seconds)));
        sqlx::query(
            "UPDATE sign_in_throttle
             SET failures = $1, last_failure_at = $2, updated_at = $2,
                 locked_until = CASE WHEN $3 = '' THEN locked_until ELSE $3 END
             WHERE throttle_key = $4",
        )
        .bind(failures)
        .bind(&now_text)
        .bind(lock.unwrap_or_default())
        .bind(key)
        .execute(tx.conn())
        .await?;
        counted.push(Counted { key: key.to_string(), failures, previous_lock });
    }
    tx.commit().await?;
    Ok(Ok(counted))
}

/// The latest time any of `keys` is locked until, if one is locked at `now`.
async fn locked_until(pool: &Pool, keys: &[&str], now: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let mut latest: Option<DateTime<Utc>> = None;
    for key in keys {
        let until: Option<String> = sqlx::query_scalar(
            "SELECT locked_until FROM sign_in_throttle WHERE throttle_key = $1 AND locked_until > $2",
        )
        .bind(*key)
        .bind(now)
        .fetch_optional(pool)
        .await?
        .flatten();
        if let Some(until) = until.as_deref().and_then(super::parse_timestamp) {
            latest = Some(latest.map_or(until, |l| l.max(until)));
        }
    }
    Ok(latest)
}

/// Gives back an attempt that turned out right. Its lock, if it set one, is
/// lifted unless another attempt has been counted since.
pub async fn refund(tx: &mut Transaction<'_, Any>, counted: &Counted) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sign_in_throttle
         SET failures = failures - 1,
             locked_until = CASE WHEN failures = $2 THEN $3 ELSE locked_until END
         WHERE throttle_key = $1 AND failures > 0",
    )
    .bind(&counted.key)
    .bind(counted.failures)
    .bind(counted.previous_lock.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Forgets `key`'s failures (after a successful sign-in), and sweeps counts
/// that no policy remembers any more, so the table stays small.
pub async fn clear(tx: &mut Transaction<'_, Any>, key: &str) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let longest_memory = ACCOUNT.forget_after_seconds.max(ADDRESS.forget_after_seconds);
    sqlx::query(
        "DELETE FROM sign_in_throttle
         WHERE throttle_key = $1 OR (last_failure_at < $2 AND (locked_until IS NULL OR locked_until < $3))",
    )
    .bind(key)
    .bind(super::timestamp(now - Duration::seconds(longest_memory)))
    .bind(super::timestamp(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether the browser holding the device token hashed to `token_hash` has
/// signed in to the account under `account_key` before (and not too long ago).
pub async fn device_known(pool: &Pool, token_hash: &str, account_key: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM trusted_device WHERE token_hash = $1 AND account_key = $2 AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(account_key)
    .bind(super::now())
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Remembers a browser that has just signed in to an account, and sweeps
/// devices long expired.
pub async fn remember_device(
    tx: &mut Transaction<'_, Any>,
    token_hash: &str,
    account_key: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query(
        "INSERT INTO trusted_device (token_hash, account_key, created_at, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (token_hash, account_key) DO UPDATE SET expires_at = $4",
    )
    .bind(token_hash)
    .bind(account_key)
    .bind(&now)
    .bind(super::timestamp(expires_at))
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM trusted_device WHERE expires_at < $1").bind(&now).execute(&mut **tx).await?;
    Ok(())
}
