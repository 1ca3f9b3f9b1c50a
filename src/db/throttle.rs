//! Failed sign-in counts, per account and per client address (see
//! `domain::throttle` for the rule). In the database, so that every app
//! instance counts the same failures.

use super::Pool;
use crate::domain::throttle::{ThrottlePolicy, ACCOUNT, ADDRESS};
use chrono::{DateTime, Duration, Utc};
use sqlx::{Any, Transaction};

/// The latest time any of `keys` is locked until, if one is locked now.
pub async fn locked_until(pool: &Pool, keys: &[&str]) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let now = super::now();
    let mut latest: Option<DateTime<Utc>> = None;
    for key in keys {
        let until: Option<String> = sqlx::query_scalar(
            "SELECT locked_until FROM sign_in_throttle WHERE throttle_key = $1 AND locked_until > $2",
        )
        .bind(*key)
        .bind(&now)
        .fetch_optional(pool)
        .await?
        .flatten();
        if let Some(until) = until.as_deref().and_then(super::parse_timestamp) {
            latest = Some(latest.map_or(until, |l| l.max(until)));
        }
    }
    Ok(latest)
}

/// Counts one more failure for `key` and closes it for as long as `policy`
/// says. A count whose last failure is older than the policy's memory starts
/// again. One statement counts, so two instances failing at once both count.
pub async fn record_failure(
    tx: &mut Transaction<'_, Any>,
    key: &str,
    policy: &ThrottlePolicy,
) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let now_text = super::timestamp(now);
    let forget_before = super::timestamp(now - Duration::seconds(policy.forget_after_seconds));
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_throttle (throttle_key, failures, last_failure_at, locked_until, created_at, updated_at)
         VALUES ($1, 1, $2, NULL, $2, $2)
         ON CONFLICT (throttle_key) DO UPDATE SET
             failures = CASE WHEN sign_in_throttle.last_failure_at < $3 THEN 1
                             ELSE sign_in_throttle.failures + 1 END,
             last_failure_at = $2,
             updated_at = $2
         RETURNING failures",
    )
    .bind(key)
    .bind(&now_text)
    .bind(&forget_before)
    .fetch_one(&mut **tx)
    .await?;
    if let Some(seconds) = policy.lockout_seconds(failures) {
        sqlx::query("UPDATE sign_in_throttle SET locked_until = $1 WHERE throttle_key = $2")
            .bind(super::timestamp(now + Duration::seconds(seconds)))
            .bind(key)
            .execute(&mut **tx)
            .await?;
    }
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
