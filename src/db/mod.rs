//! Database access: one pool, one file per entity group.
//!
//! One code base serves SQLite (the embedded default) and PostgreSQL (for several
//! app instances) through sqlx's `Any` driver with portable SQL: `$1` placeholders
//! (both backends accept them), the column types listed in the first migration,
//! and dates/times as text. The same migrations and the same tests run on both.

pub mod audit;
pub mod board_packs;
pub mod concordat;
pub mod evidence;
pub mod form_outcomes;
pub mod freshness;
pub mod london;
pub mod metrics;
pub mod readings;
pub mod signup;
pub mod spc;
pub mod status;
pub mod submissions;
pub mod throttle;
pub mod uploads;
pub mod users;

use crate::domain::freshness::Scope;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, Executor, Transaction};
use std::collections::BTreeSet;
use std::time::Duration;

pub type Pool = sqlx::AnyPool;

/// Where the data lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/concordat.db";

/// Forward-only migrations from `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Chooses the backend from a database URL, refusing anything else with a reason.
    pub fn from_url(url: &str) -> Result<Self, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("cannot create the directory {path} for the SQLite database: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot seed the database: {0}")]
    Seed(String),
}

/// Opens a pool. A SQLite file (and its directory) is created if missing, and put in
/// WAL mode so readers never wait for the writer.
pub async fn connect(url: &str) -> Result<Pool, DbError> {
    sqlx::any::install_default_drivers();
    let backend = Backend::from_url(url)?;
    let url = match backend {
        Backend::Sqlite => prepare_sqlite_url(url)?,
        Backend::Postgres => url.to_string(),
    };
    let options = AnyPoolOptions::new()
        .max_connections(match backend {
            // SQLite runs each connection on a thread of its own, whose page
            // cache, statements and malloc arena stay resident: four readers
            // keep two cores busy (WAL lets them read while one writes), and
            // writers queue on the database's lock whatever the pool's size.
            Backend::Sqlite => 4,
            Backend::Postgres => 16,
        })
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        // Writers queue on the lock (see `begin_write`); 30 s is far
                        // longer than any one transaction here takes.
                        "PRAGMA busy_timeout = 30000",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA synchronous = NORMAL",
                        // 1 MiB of page cache a connection, not 2: the pages
                        // that matter stay in the system's file cache anyway,
                        // and eight connections' caches were resident memory
                        // (issue 14's RSS target).
                        "PRAGMA cache_size = -1024",
                    ] {
                        conn.execute(pragma).await?;
                    }
                }
                Ok(())
            })
        });
    options.connect(&url).await.map_err(DbError::Connect)
}

impl Backend {
    /// The backend a pool was opened on.
    pub fn of(pool: &Pool) -> Backend {
        match pool.connect_options().database_url.scheme() {
            "sqlite" => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }
}

/// A transaction that writes, and the scopes of content it changed (see
/// `domain::freshness`). Every write goes through one (`begin_write`). It
/// dereferences to the sqlx transaction, so the db functions that take one
/// take it too; those that change content take the `Write` itself and say
/// what they changed.
pub struct Write {
    tx: Transaction<'static, Any>,
    changed: BTreeSet<Scope>,
}

impl std::ops::Deref for Write {
    type Target = Transaction<'static, Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for Write {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Write {
    /// The connection, for running statements in the transaction.
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Records that this transaction changed `scope`.
    pub fn changed(&mut self, scope: Scope) {
        self.changed.insert(scope);
    }

    /// What it has changed so far.
    pub fn changes(&self) -> impl Iterator<Item = &Scope> {
        self.changed.iter()
    }

    /// Undoes everything: nothing changed.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }

    /// Raises the version of every scope it changed, then commits: caches
    /// resting on those scopes see the change from the moment it is visible.
    ///
    /// The versions are raised last, in one statement, in the scopes' order:
    /// a transaction waits for another's version rows only at its very end,
    /// when it holds nothing else that the other could be waiting for, and
    /// always in the same order, so two writers can never deadlock on them.
    /// Writers of different scopes never wait for each other at all.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let scopes: Vec<Scope> = std::mem::take(&mut self.changed).into_iter().collect();
        for chunk in scopes.chunks(bulk_rows(4)) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|row| format!("(${}, ${}, ${}, ${}, 1)", row * 4 + 1, row * 4 + 2, row * 4 + 3, row * 4 + 4))
                .collect();
            let sql = format!(
                "INSERT INTO content_version (topic, ics_code, period, commitment_id, version) VALUES {}
                 ON CONFLICT (topic, ics_code, period, commitment_id) DO UPDATE SET version = content_version.version + 1",
                rows.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for scope in chunk {
                let [topic, ics, period, commitment] = scope.stored();
                query = query.bind(topic).bind(ics).bind(period).bind(commitment);
            }
            query.execute(&mut *self.tx).await?;
        }
        self.tx.commit().await
    }
}

/// Starts a transaction that is going to write. Every write goes through here.
///
/// SQLite: `BEGIN IMMEDIATE` takes the write lock when the transaction begins, so a
/// second writer waits for it (the busy timeout) instead of failing. With a plain
/// (deferred) `BEGIN`, a transaction that reads and then writes only asks for the
/// lock at its first write; if another writer got there first, SQLite cannot let
/// it wait (what it read may be stale) and fails at once with "database is
/// locked" (SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT, codes 5 and 517) — a third of
/// concurrent API writes failed that way.
///
/// PostgreSQL: a plain `BEGIN`; writers wait only on the rows they both
/// write (upserts are written so that they never race, see
/// `readings::upsert`), so writes to different rows run in parallel.
pub async fn begin_write(pool: &Pool) -> Result<Write, sqlx::Error> {
    let tx = match Backend::of(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => pool.begin().await?,
    };
    Ok(Write { tx, changed: BTreeSet::new() })
}

/// Creates the database file's directory and asks sqlx to create the file itself.
fn prepare_sqlite_url(url: &str) -> Result<String, DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Ok(url.to_string());
    }
    if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|source| DbError::CreateDir { path: dir.display().to_string(), source })?;
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".to_string()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

/// Runs every pending migration. On PostgreSQL sqlx holds an advisory lock, so
/// several instances starting together migrate once.
pub async fn migrate(pool: &Pool) -> Result<(), DbError> {
    MIGRATOR.run(pool).await?;
    // Written here rather than in the migration: only code makes a random id on both backends.
    sqlx::query("INSERT INTO data_version (id, database_id, version) VALUES (1, $1, 0) ON CONFLICT (id) DO NOTHING")
        .bind(new_id())
        .execute(pool)
        .await
        .map_err(|e| DbError::Migrate(sqlx::migrate::MigrateError::Execute(e)))?;
    // Series kept by `readings` for readings stored before it kept them.
    readings::fill_missing_series(pool).await.map_err(|e| DbError::Migrate(sqlx::migrate::MigrateError::Execute(e)))?;
    Ok(())
}

/// Connects, migrates and seeds: everything the app needs before it serves.
pub async fn open(url: &str) -> Result<Pool, DbError> {
    let pool = connect(url).await?;
    migrate(&pool).await?;
    let seed = crate::seed::load().map_err(|e| DbError::Seed(e.to_string()))?;
    seed_all(&pool, &seed).await.map_err(|e| DbError::Seed(e.to_string()))?;
    Ok(pool)
}

/// Reference data, the starting metric catalogue and the April 2023 SEL progress.
/// Only what is missing is written, so this is safe at every start.
pub async fn seed_all(pool: &Pool, seed: &crate::seed::SeedData) -> Result<(), sqlx::Error> {
    use crate::domain::audit::{AuditAction, AuditEntity};
    use audit::{Actor, Change};
    concordat::seed(pool, seed).await?;
    let mut tx = begin_write(pool).await?;
    metrics::seed(&mut tx, &seed.metrics).await?;
    for item in &seed.progress {
        let placement = evidence::Placement { organisation_id: &item.organisation_id, ics_code: &item.ics };
        if evidence::insert(&mut tx, &item.id, placement, &item.input, None).await? {
            if let Some(entry) = evidence::get_in(&mut tx, &item.id).await? {
                evidence::save_version(&mut tx, &entry, None).await?;
                let after = serde_json::to_value(&entry).ok();
                audit::record(
                    &mut tx,
                    Actor::System("seed"),
                    Change {
                        action: AuditAction::Create,
                        entity: AuditEntity::Evidence,
                        entity_id: &item.id,
                        before: None,
                        after,
                    },
                )
                .await?;
            }
        }
    }
    tx.commit().await
}

/// The current time as stored: RFC 3339 UTC with microseconds, fixed width so
/// text order is time order on both backends.
pub fn now() -> String {
    timestamp(chrono::Utc::now())
}

/// Today's date as stored (`YYYY-MM-DD`, UTC).
pub fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// A time as stored (see `now`).
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A stored time read back; `None` if it is not one of ours.
pub fn parse_timestamp(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&chrono::Utc))
}

/// Rows per multi-row `INSERT` in the bulk writes (`evidence::insert_many`,
/// `readings::insert_many`) of `columns` columns: about 1,000 parameters a
/// statement, far below both backends' limits (SQLite 32,766, PostgreSQL
/// 65,535), because sqlx binds each SQLite parameter by looking its name up
/// in a list, so a statement costs the square of its parameters: 8,500 made
/// the bulk writes slower than row-by-row ones.
pub(crate) fn bulk_rows(columns: usize) -> usize {
    (1000 / columns.max(1)).max(1)
}

/// `($1, …, $width), ($width+1, …), …`: the placeholders of `rows` rows, for a
/// multi-row `VALUES` (portable: both backends read `$n`).
pub(crate) fn value_rows(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|row| {
            let columns: Vec<String> = (1..=width).map(|column| format!("${}", row * width + column)).collect();
            format!("({})", columns.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An id for a new row: 128 bits, hex-encoded, as in UUID version 7 — the
/// time in milliseconds (48 bits), then 80 random bits. Ids made close in time
/// sort together, so a batch's rows land on the same few pages of each primary
/// key's B-tree instead of one page each across the whole index (with random
/// ids, an import of 10,000 readings rewrote pages all over two large
/// indexes). Ids are names, never secrets (`secrets::random_token` is for those).
pub fn new_id() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    use std::fmt::Write;
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64 & 0xffff_ffff_ffff);
    let mut random = [0u8; 10];
    OsRng.fill_bytes(&mut random);
    let mut id = format!("{millis:012x}");
    for byte in random {
        let _ = write!(id, "{byte:02x}");
    }
    id
}

/// Answers whether the database can run a query.
pub async fn ping(pool: &Pool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_are_chosen_by_scheme() {
        assert_eq!(Backend::from_url("sqlite://data/x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("sqlite:x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("postgres://h/db").ok(), Some(Backend::Postgres));
        assert_eq!(Backend::from_url("postgresql://h/db").ok(), Some(Backend::Postgres));
        assert!(Backend::from_url("mysql://h/db").is_err());
    }

    #[test]
    fn sqlite_urls_create_the_file() {
        let dir = std::env::temp_dir().join(format!("ct-url-{}", std::process::id()));
        let path = dir.join("sub/x.db");
        let url = prepare_sqlite_url(&format!("sqlite://{}", path.display())).expect("prepared");
        assert_eq!(url, format!("sqlite://{}?mode=rwc", path.display()));
        assert!(dir.join("sub").is_dir());
        let kept = prepare_sqlite_url(&format!("sqlite://{}?mode=ro", path.display())).expect("prepared");
        assert!(kept.ends_with("?mode=ro"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn ids_are_hex_and_sort_by_time() {
        let (a, b) = (new_id(), new_id());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let later = new_id();
        assert!(later > a && later > b, "{later} sorts after {a} and {b}");
        // The random part differs even within one millisecond.
        assert_ne!(a[12..], b[12..]);
    }

    #[test]
    fn value_rows_number_every_placeholder() {
        assert_eq!(value_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows(0, 3), "");
    }

    #[test]
    fn timestamps_sort_as_text() {
        let a = now();
        let b = now();
        assert_eq!(a.len(), 27, "{a}");
        assert!(a <= b);
    }
}
