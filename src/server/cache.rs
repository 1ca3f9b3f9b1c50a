//! Parts of views kept in memory — a period's figures for one ICS, one
//! cell's delivery, a period's judged status — each for as long as nothing it
//! rests on has changed.
//!
//! A part names its dependencies (`domain::freshness`); each request reads
//! the versions of content scopes once (`db::freshness::versions`, one small
//! query), and a part is served from memory while its fingerprint under those
//! versions is the one it was computed under. Versions are read before
//! computing, so a part is never kept under a fingerprint newer than its data:
//! a write that lands while it is computed only makes the next reader compute
//! it again. A write through any app instance raises the versions in the
//! database, so every instance sees it on its next request.
//!
//! Readers of the same cold part wait for one computation (single flight)
//! instead of each starting their own.

use crate::domain::freshness::{Dependency, Fingerprint, Versions};
use crate::error::AppError;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

/// Parts kept at most: a few periods' worth (each period has a few dozen
/// small parts; none holds evidence or readings themselves). The least
/// recently used goes first.
const CAPACITY: usize = 2048;

/// A part's name in one database.
type Id = (String, String);

struct Entry {
    fingerprint: Fingerprint,
    value: Arc<dyn Any + Send + Sync>,
    used: u64,
}

#[derive(Default)]
struct Store {
    entries: HashMap<Id, Entry>,
    clock: u64,
}

static STORE: LazyLock<Mutex<Store>> = LazyLock::new(Mutex::default);

/// One lock per part (or batch of parts) being computed: the single flight.
static FLIGHTS: LazyLock<Mutex<HashMap<Id, Arc<tokio::sync::Mutex<()>>>>> = LazyLock::new(Mutex::default);

/// How many times parts were computed, for tests that check what a write
/// invalidates. Counted by the first two words of their names (a kind and,
/// for most, a period).
static COMPUTED: LazyLock<Mutex<HashMap<(String, String), u64>>> = LazyLock::new(Mutex::default);

fn store() -> std::sync::MutexGuard<'static, Store> {
    // A panic elsewhere while the lock was held leaves the map consistent
    // (each change is a single map operation), so poisoning is ignored.
    STORE.lock().unwrap_or_else(PoisonError::into_inner)
}

fn lookup<T: Send + Sync + 'static>(id: &Id, fingerprint: &Fingerprint) -> Option<Arc<T>> {
    let mut store = store();
    store.clock += 1;
    let now = store.clock;
    let entry = store.entries.get_mut(id).filter(|e| e.fingerprint == *fingerprint)?;
    entry.used = now;
    entry.value.clone().downcast::<T>().ok()
}

fn keep<T: Send + Sync + 'static>(id: Id, fingerprint: Fingerprint, value: Arc<T>) {
    let mut store = store();
    store.clock += 1;
    let used = store.clock;
    if store.entries.len() >= CAPACITY && !store.entries.contains_key(&id) {
        if let Some(oldest) = store.entries.iter().min_by_key(|(_, e)| e.used).map(|(id, _)| id.clone()) {
            store.entries.remove(&oldest);
        }
    }
    store.entries.insert(id, Entry { fingerprint, value, used });
}

fn counted(database: &str, key: &str, parts: u64) {
    // The kind and, for most, the period: `figures 2023-24-Q1`.
    let kind = key.split(' ').take(2).collect::<Vec<_>>().join(" ");
    let mut computed = COMPUTED.lock().unwrap_or_else(PoisonError::into_inner);
    *computed.entry((database.to_string(), kind)).or_default() += parts;
}

/// How many parts named `kind` (the first two words of their names, as
/// `figures 2023-24-Q1`) an app instance has computed on a database (`database`
/// as in `Versions`): tests use it to see what a write invalidated.
pub fn computed(database: &str, kind: &str) -> u64 {
    let computed = COMPUTED.lock().unwrap_or_else(PoisonError::into_inner);
    computed.get(&(database.to_string(), kind.to_string())).copied().unwrap_or(0)
}

/// Holds the flight lock of `id` until dropped, then forgets the lock if no
/// one else is waiting on it.
struct Flight {
    id: Id,
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl Flight {
    fn of(id: &Id) -> Flight {
        let mut flights = FLIGHTS.lock().unwrap_or_else(PoisonError::into_inner);
        let lock = flights.entry(id.clone()).or_default().clone();
        Flight { id: id.clone(), lock }
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        let mut flights = FLIGHTS.lock().unwrap_or_else(PoisonError::into_inner);
        // Clones are made under this lock, so the count is exact: the map's and ours.
        if Arc::strong_count(&self.lock) == 2 {
            flights.remove(&self.id);
        }
    }
}

tokio::task_local! {
    static BYPASS: bool;
}

/// Runs `work` with every part computed afresh and nothing kept: what the
/// parts would be without the cache, for tests that compare the two.
pub async fn bypassing<F: Future>(work: F) -> F::Output {
    BYPASS.scope(true, work).await
}

fn bypassed() -> bool {
    BYPASS.try_with(|bypass| *bypass).unwrap_or(false)
}

/// The value `compute` gives for the part `key`, resting on `dependencies`,
/// as the data stands at `versions`: from memory if none of them has changed
/// since it was computed, else computed (once, however many ask at once) and
/// kept. Dependencies the versions cannot tell about (see
/// `Versions::fingerprint`) are computed every time.
pub async fn cached<T, Fut>(
    versions: &Versions,
    key: &str,
    dependencies: &[Dependency],
    compute: impl FnOnce() -> Fut,
) -> Result<Arc<T>, AppError>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>>,
{
    if bypassed() {
        return compute().await.map(Arc::new);
    }
    let Some(fingerprint) = versions.fingerprint(dependencies) else {
        tracing::warn!(key, "a part rests on versions not read for it; computed without the cache");
        return compute().await.map(Arc::new);
    };
    let id = (versions.database.clone(), key.to_string());
    if let Some(hit) = lookup(&id, &fingerprint) {
        return Ok(hit);
    }
    let flight = Flight::of(&id);
    let _computing = flight.lock.lock().await;
    // Whoever held the lock before may have computed it.
    if let Some(hit) = lookup(&id, &fingerprint) {
        return Ok(hit);
    }
    let value = Arc::new(compute().await?);
    counted(&versions.database, key, 1);
    keep(id, fingerprint, value.clone());
    Ok(value)
}

/// One part of a batch: its key in the batch, its name and what it rests on.
pub struct Part<K> {
    pub key: K,
    pub name: String,
    pub dependencies: Vec<Dependency>,
}

/// Several parts of one kind at once (a period's cells, say): those whose
/// fingerprints are unchanged from memory, the rest computed together by
/// `compute` (given their keys; it must answer for each), under the single
/// flight of `batch`. Values come back in the order of `parts`.
pub async fn cached_many<K, T, Fut>(
    versions: &Versions,
    batch: &str,
    parts: Vec<Part<K>>,
    compute: impl FnOnce(Vec<K>) -> Fut,
) -> Result<Vec<Arc<T>>, AppError>
where
    K: Clone + Eq + Hash,
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<HashMap<K, T>, AppError>>,
{
    if bypassed() {
        let mut computed = compute(parts.iter().map(|part| part.key.clone()).collect()).await?;
        return parts.iter().map(|part| computed.remove(&part.key).map(Arc::new).ok_or(AppError::Internal)).collect();
    }
    let mut found: Vec<Option<Arc<T>>> = Vec::with_capacity(parts.len());
    let mut prints = Vec::with_capacity(parts.len());
    for part in &parts {
        let fingerprint = versions.fingerprint(&part.dependencies);
        let id = (versions.database.clone(), part.name.clone());
        found.push(fingerprint.as_ref().and_then(|f| lookup(&id, f)));
        prints.push(fingerprint);
    }
    if found.iter().all(Option::is_some) {
        return Ok(found.into_iter().flatten().collect());
    }
    let flight = Flight::of(&(versions.database.clone(), batch.to_string()));
    let _computing = flight.lock.lock().await;
    let mut missing = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if found[i].is_none() {
            let id = (versions.database.clone(), part.name.clone());
            found[i] = prints[i].as_ref().and_then(|f| lookup(&id, f));
        }
        if found[i].is_none() {
            missing.push(i);
        }
    }
    if !missing.is_empty() {
        let mut computed = compute(missing.iter().map(|&i| parts[i].key.clone()).collect()).await?;
        counted(&versions.database, batch, missing.len() as u64);
        for i in missing {
            let value = Arc::new(computed.remove(&parts[i].key).ok_or_else(|| {
                tracing::error!(part = %parts[i].name, "a batch computation left out a part it was asked for");
                AppError::Internal
            })?);
            if let Some(fingerprint) = prints[i].clone() {
                keep((versions.database.clone(), parts[i].name.clone()), fingerprint, value.clone());
            }
            found[i] = Some(value);
        }
    }
    Ok(found.into_iter().flatten().collect())
}
