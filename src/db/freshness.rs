//! The versions of content scopes (written by `db::Write::commit`), read for
//! the caches: one small query a request.

use super::Pool;
use crate::domain::freshness::{Scope, ScopeVersion, Topic, Versions};
use crate::domain::period::ReportingPeriod;

/// Which database this is and through which pool (`data_version.database_id`
/// and the app instance: caches key their entries by both, so one process
/// serving several databases or instances, as the tests do, never mixes
/// them) and the versions of every scope a view of `period` can rest on (see
/// `domain::freshness::Versions`): the scopes without a period, the period's
/// own, and for each topic kept with its history, the sum of its earlier
/// scopes by ICS, as one row dated with the latest of them. Periods are
/// stored as fixed-width text, so text order is time order.
pub async fn versions(pool: &Pool, period: ReportingPeriod) -> Result<Versions, sqlx::Error> {
    let history: Vec<String> = Topic::WITH_HISTORY.iter().map(|t| format!("'{}'", t.as_str())).collect();
    let sql = format!(
        "SELECT '', database_id, '', '', 0 FROM data_version WHERE id = 1
         UNION ALL
         SELECT topic, ics_code, period, commitment_id, version FROM content_version WHERE period IN ('', $1)
         UNION ALL
         SELECT topic, ics_code, MAX(period), '', CAST(SUM(version) AS BIGINT) FROM content_version
         WHERE topic IN ({}) AND period <> '' AND period < $1 GROUP BY topic, ics_code",
        history.join(", ")
    );
    let rows: Vec<(String, String, String, String, i64)> =
        sqlx::query_as(&sql).bind(period.to_string()).fetch_all(pool).await?;
    let mut database = String::new();
    let rows = rows
        .into_iter()
        .filter_map(|(topic, ics, period, commitment, version)| {
            if topic.is_empty() {
                database = ics;
                return None;
            }
            Some(ScopeVersion { scope: Scope::from_stored(&topic, ics, &period, commitment)?, version })
        })
        .collect();
    // Each pool is one app instance; its parts are kept apart from another
    // instance's even in one process (as in the tests of two instances).
    let instance = std::sync::Arc::as_ptr(&pool.connect_options()) as usize;
    Ok(Versions { database: format!("{database} {instance:x}"), period, rows })
}

/// The sum of every content scope's version: it changes whenever any content
/// changes, and not otherwise (accounts, sessions and tokens are not content).
/// Pages' validators (`ETag`) are made from it.
pub async fn content_sum(pool: &Pool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM content_version").fetch_one(pool).await
}
