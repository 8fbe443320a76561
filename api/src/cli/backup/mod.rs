//! `api backup DIR` and `api restore DIR`: an online, consistent copy of the database with the
//! audit checkpoints its chain is verified against, and its restoration into a fresh place.
//!
//! A backup folder holds the database (SQLite: `bazaar.db`, made by `VACUUM INTO` while the
//! server serves; PostgreSQL: `bazaar.dump`, `pg_dump -Fc`, one snapshot), the checkpoint file
//! (`audit-checkpoints.jsonl`), and `manifest.json`, written last, naming each file with its
//! size and SHA-256: a folder without a manifest is an unfinished backup, and restore checks
//! every sum before it writes anything.
//!
//! The checkpoints are copied before the database: each one then records a head the copy
//! holds (the copy has at least as many rows), so `api audit verify` passes on the restored
//! pair. The keys (`FIELD_KEYS`, `BLIND_INDEX_KEY`, `JWT_SECRET`, `AUDIT_CHECKPOINT_KEY`, or
//! the development key files) are never in a backup: a copy of the data with its keys would
//! undo the encryption. Restore under the same keys.

mod files;
mod pg_tools;

use crate::config::Config;
use crate::db::{Db, DbKind, backup};
use anyhow::{Context as _, bail, ensure};
use files::{
    check, copy_checkpoints, ensure_empty_folder, ensure_fresh_data_folder, entry, sync_folder,
    unix_now,
};
use pg_tools::{postgres_tool, run_postgres_tool};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteConnectOptions;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::str::FromStr as _;
use std::time::Instant;

/// The manifest's file name in a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The SQLite copy's file name.
const SQLITE_FILE: &str = "bazaar.db";
/// The PostgreSQL dump's file name.
const DUMP_FILE: &str = "bazaar.dump";
/// The checkpoints' file name.
const CHECKPOINTS_FILE: &str = "audit-checkpoints.jsonl";

/// What a backup folder holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    /// The manifest's format: 1.
    pub version: u32,
    /// The backend the copy restores into.
    pub backend: DbKind,
    /// When the copy began, unix seconds: nothing committed after it is in it.
    pub started_at: i64,
    /// The server build that made it (`api --version`).
    pub api_version: String,
    /// The database copy.
    pub database: FileEntry,
    /// The checkpoint file, if there was one.
    pub checkpoints: Option<FileEntry>,
    /// Rows in the copy's audit log (SQLite; `pg_dump`'s snapshot is not read back).
    pub audit_rows: Option<i64>,
    /// The newest migration in the copy (SQLite).
    pub schema_version: Option<i64>,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileEntry {
    /// Its name in the folder.
    pub name: String,
    pub bytes: u64,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
}

/// `api backup DIR`: copies the database of `config` and its checkpoints into `dir` (made if
/// missing; refused if not empty), reporting to `out`.
pub async fn backup_command(
    config: &Config,
    dir: &Path,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let started_at = unix_now();
    ensure_empty_folder(dir)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // First, so every checkpoint copied records a head the database copy holds.
    let checkpoints = copy_checkpoints(&config.audit.checkpoint_file, &dir.join(CHECKPOINTS_FILE))?;
    let url = config.database_url.expose();
    let (backend, name, summary) = match DbKind::from_url(url) {
        Some(DbKind::Sqlite) => {
            let db = Db::connect_with(url, Some(1)).await?;
            let copied = backup::vacuum_into(&db, &dir.join(SQLITE_FILE)).await;
            db.close().await;
            copied?;
            let summary = backup::summarize(&dir.join(SQLITE_FILE)).await?;
            ensure!(
                summary.integrity == "ok",
                "the copy fails its integrity check: {}",
                summary.integrity
            );
            (DbKind::Sqlite, SQLITE_FILE, Some(summary))
        }
        Some(DbKind::Postgres) => {
            let mut dump = Command::new(postgres_tool("pg_dump")?);
            dump.args(["--format=custom", "--file"])
                .arg(dir.join(DUMP_FILE));
            run_postgres_tool(dump, url, "pg_dump")?;
            (DbKind::Postgres, DUMP_FILE, None)
        }
        None => bail!("unsupported DATABASE_URL"),
    };
    let database = entry(dir, name)?;
    let checkpoints = match checkpoints {
        true => Some(entry(dir, CHECKPOINTS_FILE)?),
        false => None,
    };
    let manifest = Manifest {
        version: 1,
        backend,
        started_at,
        api_version: env!("CARGO_PKG_VERSION").to_owned(),
        database,
        checkpoints,
        audit_rows: summary.as_ref().map(|s| s.audit_rows),
        schema_version: summary.as_ref().map(|s| s.schema_version),
    };
    // Last, and atomically: its presence says the backup is complete.
    let staging = dir.join(format!("{MANIFEST}.partial"));
    std::fs::write(&staging, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::File::open(&staging)?.sync_all()?;
    std::fs::rename(&staging, dir.join(MANIFEST))?;
    sync_folder(dir)?;
    writeln!(
        out,
        "backed up the {} database ({} bytes{}) and {} to {} in {} ms",
        backend.as_str(),
        manifest.database.bytes,
        manifest
            .audit_rows
            .map(|rows| format!(", {rows} audit rows"))
            .unwrap_or_default(),
        match &manifest.checkpoints {
            Some(_) => "its audit checkpoints",
            None => "no checkpoint file",
        },
        dir.display(),
        started.elapsed().as_millis()
    )?;
    Ok(())
}

/// `api restore DIR`: checks the backup in `dir` against its manifest, then restores it into
/// the database of `config` (a new SQLite file in an empty folder, or an empty PostgreSQL
/// database) and its checkpoint file, reporting to `out`.
pub async fn restore_command(
    config: &Config,
    dir: &Path,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).with_context(|| {
            format!(
                "reading {}: not a finished backup",
                dir.join(MANIFEST).display()
            )
        })?)
        .context("reading the manifest")?;
    ensure!(
        manifest.version == 1,
        "manifest version {} is not known",
        manifest.version
    );
    for file in std::iter::once(&manifest.database).chain(&manifest.checkpoints) {
        check(dir, file)?;
    }
    let url = config.database_url.expose();
    let kind = DbKind::from_url(url).context("unsupported DATABASE_URL")?;
    ensure!(
        kind == manifest.backend,
        "the backup is of a {} database, DATABASE_URL names a {} one",
        manifest.backend.as_str(),
        kind.as_str()
    );
    let checkpoint_target = &config.audit.checkpoint_file;
    ensure!(
        !checkpoint_target.exists() || std::fs::metadata(checkpoint_target)?.len() == 0,
        "{} exists: restore writes only into a fresh place",
        checkpoint_target.display()
    );
    match kind {
        DbKind::Sqlite => {
            let file = SqliteConnectOptions::from_str(url)
                .context("parsing the SQLite DATABASE_URL")?
                .get_filename()
                .to_owned();
            let folder = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            ensure_fresh_data_folder(folder)?;
            std::fs::create_dir_all(folder)?;
            let staging = file.with_extension("restoring");
            std::fs::copy(dir.join(&manifest.database.name), &staging)?;
            std::fs::File::open(&staging)?.sync_all()?;
            std::fs::rename(&staging, &file)?;
            sync_folder(folder)?;
        }
        DbKind::Postgres => {
            let db = Db::connect_with(url, Some(1)).await?;
            let empty = backup::postgres_is_empty(&db).await;
            let role = match &empty {
                Ok(true) => backup::ensure_app_role(&db).await,
                _ => Ok(()),
            };
            db.close().await;
            ensure!(
                empty?,
                "the database of DATABASE_URL has tables: restore writes only into an empty database"
            );
            role?;
            let mut restore = Command::new(postgres_tool("pg_restore")?);
            // One transaction: a failed restore leaves the database empty, never half-written.
            restore
                .args(["--no-owner", "--exit-on-error", "--single-transaction"])
                .arg(dir.join(&manifest.database.name));
            run_postgres_tool(restore, url, "pg_restore")?;
        }
    }
    if let Some(checkpoints) = &manifest.checkpoints {
        if let Some(folder) = checkpoint_target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::copy(dir.join(&checkpoints.name), checkpoint_target)?;
        std::fs::File::open(checkpoint_target)?.sync_all()?;
    }
    writeln!(
        out,
        "restored the {} database backed up at {} (unix) from {} in {} ms; check it with `api audit verify`, then `api serve`",
        kind.as_str(),
        manifest.started_at,
        dir.display(),
        started.elapsed().as_millis()
    )?;
    Ok(())
}
