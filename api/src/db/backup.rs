//! SQLite's online copy for `api backup`: `VACUUM INTO` a new file while the server serves,
//! and what a copy holds (its integrity, audit rows and schema version), read without
//! changing it. PostgreSQL's copy is `pg_dump`'s (`cli::backup`).
//!
//! `VACUUM INTO` runs in one read transaction: in WAL mode it sees one consistent snapshot,
//! what the WAL holds included, blocks no writer, and writes a compact file with no WAL of its
//! own. Copying the database file instead can miss the WAL or catch a half-written page.

use crate::db::Db;
use anyhow::Context as _;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};
use std::path::Path;

/// What an SQLite copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// `PRAGMA quick_check`'s answer: `ok` for a sound file (every page and record well
    /// formed; unlike `integrity_check` it does not compare each index with its table, which
    /// took 9 s of a 20 s backup of an 84 MB copy that `VACUUM` had just rebuilt).
    pub integrity: String,
    /// Rows in `audit_log`.
    pub audit_rows: i64,
    /// The newest migration applied.
    pub schema_version: i64,
}

/// Writes a consistent copy of the SQLite database `db` to `file`, which must not exist.
pub async fn vacuum_into(db: &Db, file: &Path) -> anyhow::Result<()> {
    let Db::Sqlite(pool) = db else {
        anyhow::bail!("VACUUM INTO is SQLite's; PostgreSQL is copied with pg_dump");
    };
    let target = file
        .to_str()
        .context("the backup path is not valid UTF-8")?;
    // The target is an expression, so it is bound, never spliced into the statement.
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(pool)
        .await
        .with_context(|| format!("copying the database into {}", file.display()))?;
    Ok(())
}

/// Opens the SQLite copy `file` read-only and summarises it.
pub async fn summarize(file: &Path) -> anyhow::Result<Summary> {
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut conn)
        .await?;
    let audit_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&mut conn)
        .await?;
    let schema_version: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await?;
    conn.close().await?;
    Ok(Summary {
        integrity,
        audit_rows,
        schema_version,
    })
}

/// Whether the PostgreSQL database `db` has no table of its own yet (a fresh database to
/// restore into).
pub async fn postgres_is_empty(db: &Db) -> anyhow::Result<bool> {
    let Db::Postgres(pool) = db else {
        anyhow::bail!("not a PostgreSQL database");
    };
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')",
    )
    .fetch_one(pool)
    .await?;
    Ok(tables == 0)
}

/// Creates the cluster role the schema grants to (`bazaar_app`, migration 0010) when missing,
/// so a dump restores onto a new cluster: roles belong to the cluster, not to the dump.
pub async fn ensure_app_role(db: &Db) -> anyhow::Result<()> {
    let Db::Postgres(pool) = db else {
        anyhow::bail!("not a PostgreSQL database");
    };
    sqlx::query(
        "DO $$ BEGIN \
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bazaar_app') THEN \
             CREATE ROLE bazaar_app NOLOGIN; \
           END IF; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; \
         END $$",
    )
    .execute(pool)
    .await
    .context("creating the role bazaar_app")?;
    Ok(())
}
