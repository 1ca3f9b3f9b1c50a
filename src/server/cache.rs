//! Results that change only when the data does — a period's judged status,
//! the live board pack — kept in memory and keyed by `db::data_version`.
//!
//! Every write transaction bumps that version before anything else
//! (`db::begin_write`), so a cached result is never served once a change has
//! committed, whichever app instance made it: each request pays one
//! primary-key read instead of recomputing. Entries are keyed by the
//! database's id too, so one process serving several databases (the tests)
//! never mixes them.

use crate::db::{self, Pool};
use crate::error::AppError;
use std::any::Any;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

/// Enough for a few periods' status and packs at once; each entry is small
/// (no entry holds evidence or readings themselves).
const CAPACITY: usize = 24;

struct Entry {
    database_id: String,
    version: i64,
    key: String,
    value: Arc<dyn Any + Send + Sync>,
}

static ENTRIES: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// The value `compute` gives for `key` as the data stands now: from memory if
/// nothing has been written since it was computed, else computed and kept.
pub async fn cached<T, Fut>(pool: &Pool, key: &str, compute: impl FnOnce() -> Fut) -> Result<Arc<T>, AppError>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>>,
{
    let Some((database_id, version)) = db::data_version(pool).await? else {
        return compute().await.map(Arc::new);
    };
    if let Some(hit) = lookup(&database_id, version, key) {
        if let Ok(value) = hit.downcast::<T>() {
            return Ok(value);
        }
    }
    // Computed from data at least as new as `version` (it was read first), so
    // keeping it under that version never serves anything older than it says.
    let value = Arc::new(compute().await?);
    keep(Entry { database_id, version, key: key.to_string(), value: value.clone() });
    Ok(value)
}

fn lookup(database_id: &str, version: i64, key: &str) -> Option<Arc<dyn Any + Send + Sync>> {
    // A panic elsewhere while the lock was held leaves the entries consistent
    // (each change below is a single Vec operation), so poisoning is ignored.
    let entries = ENTRIES.lock().unwrap_or_else(PoisonError::into_inner);
    entries
        .iter()
        .find(|e| e.version == version && e.key == key && e.database_id == database_id)
        .map(|e| e.value.clone())
}

fn keep(entry: Entry) {
    let mut entries = ENTRIES.lock().unwrap_or_else(PoisonError::into_inner);
    // Older versions of this database can never be served again.
    entries.retain(|e| e.database_id != entry.database_id || e.version >= entry.version);
    entries.retain(|e| !(e.database_id == entry.database_id && e.version == entry.version && e.key == entry.key));
    if entries.len() >= CAPACITY {
        entries.remove(0);
    }
    entries.push(entry);
}
