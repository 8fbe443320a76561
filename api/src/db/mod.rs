//! Storage: the database handle over either backend, its connection settings, the embedded
//! migrations, and one module per table group. Storage runs SQL and returns row structs; it
//! decides nothing (the rules are in `app`).
//!
//! Design: a two-variant enum rather than sqlx's `AnyPool` or a generic `Database` parameter.
//! `AnyPool` decodes only the types every driver shares (no timestamps, no UUIDs); a generic
//! parameter would spread through every function and `AppState`. Statements are written once
//! ([`sql`]) and bound per driver at execution, ids as [`Id`] (TEXT on SQLite, `uuid` on
//! PostgreSQL), so the same text serves both; a real dialect difference is spelled for each
//! with [`Sql::per_backend`] where it occurs. sqlx's checked `query!` macros are not used:
//! they check against one backend. Both pools are cheap `Arc` handles, so `Db` is cloned into
//! every request.

mod conn;
mod id;
mod scope;
mod sql;

pub use conn::{Conn, Tx};
pub use id::Id;
pub use scope::Scope;
pub use sql::{Arg, Record, Scalar, Sql, sql};

pub mod audit;
pub mod backup;
pub mod carts;
pub mod credit_notes;
pub mod figures;
pub mod fulfilment;
pub mod idempotency;
pub mod impersonations;
pub mod invoices;
pub mod mfa;
pub mod mock_gateway;
pub mod order_mail;
pub mod orders;
pub mod outbox;
pub mod password_resets;
pub mod payment_events;
pub mod product_search;
pub mod products;
pub mod refunds;
pub mod sealed;
pub mod seller_dashboard;
pub mod sessions;
pub mod shops;
pub mod stock;
pub mod users;
pub mod users_admin;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr as _;
use std::time::Duration;

/// The SQLite schema, `migrations/sqlite/`, compiled into the binary (`api/build.rs` makes
/// cargo rebuild when a migration is added).
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
/// The PostgreSQL schema, `migrations/postgres/`: the same numbered migrations as SQLite's.
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// How long a request waits for a connection before failing. sqlx's default is 30 s; a
/// database that cannot hand out a connection in 5 s is unavailable as far as a client (or a
/// load balancer's health check) is concerned.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long an SQLite connection waits for another writer's lock before `SQLITE_BUSY`. WAL lets
/// readers run beside the one writer, but writers still queue; 5 s covers any write burst we
/// expect from one server.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection pool to the configured database.
#[derive(Debug, Clone)]
pub enum Db {
    /// An SQLite file: the embedded default, no server needed.
    Sqlite(SqlitePool),
    /// A PostgreSQL server: the path past one machine.
    Postgres(PgPool),
}

/// A pool's connections at one moment ([`Db::pool_use`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open, in use or idle.
    pub open: u32,
    /// Open connections no one holds.
    pub idle: u32,
    /// The most the pool opens (`DATABASE_MAX_CONNECTIONS`).
    pub max: u32,
}

/// Which backend a [`Db`] talks to. Serialised as `sqlite` / `postgres` (the health report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    /// The backend a `DATABASE_URL` names, from its scheme; `None` for anything else.
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(DbKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(DbKind::Postgres)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DbKind::Sqlite => "sqlite",
            DbKind::Postgres => "postgres",
        }
    }
}

impl Db {
    /// Opens a pool for `url` and checks that one connection works, so a wrong URL or an
    /// unreachable server stops startup instead of failing the first request.
    ///
    /// Errors never contain `url`: a PostgreSQL URL carries a password.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        Db::connect_with(url, None).await
    }

    /// [`Db::connect`] with a pool of at most `max_connections` (sqlx's default, 10, when
    /// `None`).
    pub async fn connect_with(url: &str, max_connections: Option<u32>) -> anyhow::Result<Db> {
        match DbKind::from_url(url) {
            Some(DbKind::Sqlite) => connect_sqlite(url, max_connections).await.map(Db::Sqlite),
            Some(DbKind::Postgres) => connect_postgres(url, max_connections)
                .await
                .map(Db::Postgres),
            None => anyhow::bail!(
                "unsupported database URL: expected sqlite://PATH, postgres://... or postgresql://..."
            ),
        }
    }

    /// Applies the migrations this database has not seen yet; those already applied are
    /// skipped (and checked against their recorded checksum, so an edited migration fails).
    pub async fn migrate(&self) -> Result<(), MigrateError> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            // Up to date: nothing to run. Checked first because the application role of
            // production (docs/RUNBOOK.md, `bazaar_app`) may not create sqlx's table, which
            // `run` creates "if not exists" even when nothing is pending. Two instances
            // starting together are safe: `run` holds a PostgreSQL advisory lock while it
            // migrates, so the second waits, then finds everything applied.
            Db::Postgres(_)
                if self
                    .unapplied_migrations()
                    .await
                    .is_ok_and(|m| m.is_empty()) =>
            {
                Ok(())
            }
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        }
    }

    /// The versions of the embedded migrations this database has not applied (with their
    /// checksum): empty when its schema is what this build expects. An error when sqlx's
    /// table cannot be read (none yet: nothing was ever migrated).
    pub async fn unapplied_migrations(&self) -> Result<Vec<i64>, sqlx::Error> {
        const APPLIED: &str = "SELECT version, checksum FROM _sqlx_migrations WHERE success";
        let (migrator, applied): (&Migrator, Vec<(i64, Vec<u8>)>) = match self {
            Db::Sqlite(pool) => (
                &SQLITE_MIGRATIONS,
                sqlx::query_as(APPLIED).fetch_all(pool).await?,
            ),
            Db::Postgres(pool) => (
                &POSTGRES_MIGRATIONS,
                sqlx::query_as(APPLIED).fetch_all(pool).await?,
            ),
        };
        Ok(migrator
            .iter()
            .filter(|migration| migration.migration_type.is_up_migration())
            .filter(|migration| {
                !applied.iter().any(|(version, checksum)| {
                    *version == migration.version && checksum.as_slice() == &*migration.checksum
                })
            })
            .map(|migration| migration.version)
            .collect())
    }

    /// How many embedded migrations this build has.
    pub fn migrations(&self) -> usize {
        let migrator = match self {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        migrator
            .iter()
            .filter(|migration| migration.migration_type.is_up_migration())
            .count()
    }

    /// The pool's connections now: open, idle, and the most it may open (for the metrics).
    pub fn pool_use(&self) -> PoolUse {
        let (open, idle, max) = match self {
            Db::Sqlite(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
            Db::Postgres(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
        };
        PoolUse {
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max,
        }
    }

    /// A round trip to the database: `Ok` when it answers a query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Db::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        }
    }

    pub fn kind(&self) -> DbKind {
        match self {
            Db::Sqlite(_) => DbKind::Sqlite,
            Db::Postgres(_) => DbKind::Postgres,
        }
    }

    /// Closes the pool: waiting requests fail at once, idle connections are closed, and
    /// SQLite checkpoints its write-ahead log into the database file when the last one goes.
    /// Every clone of this `Db` shares the pool, so all of them are closed.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

async fn connect_sqlite(url: &str, max_connections: Option<u32>) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .context("parsing the SQLite DATABASE_URL")?
        .create_if_missing(true)
        // WAL: readers do not block the writer nor it them, which a web server needs.
        .journal_mode(SqliteJournalMode::Wal)
        // Off by default in SQLite; sqlx turns it on, and we say so rather than rely on it.
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    // sqlx keeps `synchronous = FULL`: with WAL, NORMAL would be faster but may lose the last
    // commits on power loss, and orders and payments must not vanish.
    let file = options.get_filename();
    // `create_if_missing` creates the file but not its folder (`data/` on a fresh checkout).
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {} for the SQLite database", folder.display()))?;
    }
    let file = file.display().to_string();
    // No ping before a connection is handed out (sqlx's default pings every acquire): an
    // embedded database's connection cannot drop, and the ping is a round trip to the
    // connection's worker thread, two thread switches, as dear as the query itself. `perf`
    // under the bench's authenticated GET put it at 14 % of the server's samples (BENCHMARKS.md).
    let mut pool = SqlitePoolOptions::new()
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false);
    if let Some(max) = max_connections {
        pool = pool.max_connections(max);
    }
    pool.connect_with(options)
        .await
        .with_context(|| format!("opening the SQLite database {file}"))
}

async fn connect_postgres(url: &str, max_connections: Option<u32>) -> anyhow::Result<PgPool> {
    // The parse error of a URL is not shown: sqlx may quote the URL, password included.
    let options = PgConnectOptions::from_str(url)
        .map_err(|_| anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL"))?;
    let target = format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    );
    let mut pool = PgPoolOptions::new().acquire_timeout(ACQUIRE_TIMEOUT);
    if let Some(max) = max_connections {
        pool = pool.max_connections(max);
    }
    pool.connect_with(options)
        .await
        .with_context(|| format!("connecting to PostgreSQL at {target}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_is_chosen_by_the_url_scheme() {
        assert_eq!(
            DbKind::from_url("sqlite://data/bazaar.db"),
            Some(DbKind::Sqlite)
        );
        assert_eq!(DbKind::from_url("sqlite::memory:"), Some(DbKind::Sqlite));
        assert_eq!(
            DbKind::from_url("postgres://u:p@h/db"),
            Some(DbKind::Postgres)
        );
        assert_eq!(
            DbKind::from_url("postgresql://h/db"),
            Some(DbKind::Postgres)
        );
        assert_eq!(DbKind::from_url("postgress://h/db"), None);
        assert_eq!(DbKind::from_url("mysql://h/db"), None);
    }

    #[tokio::test]
    async fn an_sqlite_file_and_its_folder_are_created_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nested/folder/bazaar.db");

        let db = Db::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();

        assert!(file.is_file());
        assert_eq!(db.kind(), DbKind::Sqlite);
        db.ping().await.unwrap();
    }
}
