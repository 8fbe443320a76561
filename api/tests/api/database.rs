//! The database: which backend serves, migrations at startup and through `api migrate`, the
//! SQLite connection settings, and what liveness and readiness say when the database is gone
//! or behind.

use crate::helpers::{TestDatabase, expected_backend, problem, spawn_app};
use api::Db;
use api::db::DbKind;
use std::path::Path;
use std::process::Command;

/// `SELECT count(*) ...` on either backend.
async fn count(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The migration files of `kind`, counted on disk: what a fully migrated database has applied.
fn migration_files(kind: DbKind) -> i64 {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(kind.as_str());
    let files = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("reading {}: {e}", folder.display()))
        .filter(|entry| {
            entry
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".sql")
        })
        .count();
    i64::try_from(files).unwrap()
}

/// Runs the `api` binary of this build with `DATABASE_URL` set; panics with its stderr if it
/// fails.
fn run_api(args: &[&str], database_url: &str) {
    let output = Command::new(env!("CARGO_BIN_EXE_api"))
        .args(args)
        .env("APP_ENV", "dev")
        .env("DATABASE_URL", database_url)
        .output()
        .expect("starting the api binary");
    assert!(
        output.status.success(),
        "api {args:?} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn health_reports_the_database_backend() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/health").await;

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], expected_backend().as_str());
}

#[tokio::test]
async fn the_server_applies_every_migration_before_serving() {
    let app = spawn_app().await;

    let applied = count(
        &app.db,
        "SELECT count(*) FROM _sqlx_migrations WHERE success",
    )
    .await;

    assert_eq!(applied, migration_files(expected_backend()));
    assert_eq!(count(&app.db, "SELECT count(*) FROM email_outbox").await, 0);
}

#[tokio::test]
async fn the_migrate_command_can_run_twice() {
    let database = TestDatabase::create().await;

    run_api(&["migrate"], &database.url);
    run_api(&["migrate"], &database.url);

    let db = Db::connect(&database.url).await.unwrap();
    assert_eq!(db.kind(), expected_backend());
    assert_eq!(
        count(&db, "SELECT count(*) FROM _sqlx_migrations WHERE success").await,
        migration_files(expected_backend())
    );
    assert_eq!(count(&db, "SELECT count(*) FROM email_outbox").await, 0);
}

#[tokio::test]
async fn sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout() {
    let app = spawn_app().await;
    let Db::Sqlite(pool) = &app.db else {
        eprintln!("skipped: SQLite settings do not apply to PostgreSQL");
        return;
    };
    // Every pragma on one connection, so they describe the same one.
    let mut connection = pool.acquire().await.unwrap();

    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    let busy_timeout_ms: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *connection)
        .await
        .unwrap();

    assert_eq!(journal_mode, "wal");
    assert_eq!(foreign_keys, 1);
    assert_eq!(busy_timeout_ms, 5000);
}

#[tokio::test]
async fn liveness_stays_up_and_readiness_answers_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    // Closing the pool the server shares: every later query fails as it would with the
    // database unreachable, on both backends, without killing anything the test does not own.
    app.db.close().await;

    let live = app.get("/api/v1/health").await;
    let ready = app.get("/api/v1/health/ready").await;

    assert_eq!(live.status(), 200, "liveness never asks the database");
    assert_eq!(ready.status(), 503);
    let problem = problem(ready).await;
    assert_eq!(problem.code, "not_ready");
    assert!(
        problem
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("database"),
        "{problem:?}"
    );
    assert_eq!(problem.instance.as_deref(), Some("/api/v1/health/ready"));
}

#[tokio::test]
async fn readiness_names_a_migration_the_database_has_not_applied() {
    let app = spawn_app().await;
    let ready = app.get("/api/v1/health/ready").await;
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["migrations"], migration_files(expected_backend()));
    let last = count(&app.db, "SELECT MAX(version) FROM _sqlx_migrations").await;

    // As if this build were deployed on a database one migration behind it.
    app.execute(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .await;
    let ready = app.get("/api/v1/health/ready").await;

    assert_eq!(ready.status(), 503);
    let problem = problem(ready).await;
    assert_eq!(problem.code, "not_ready");
    assert_eq!(
        problem.detail.as_deref(),
        Some(format!("Not ready: migrations not applied: {last}.").as_str())
    );
    assert_eq!(app.get("/api/v1/health").await.status(), 200);
}

#[tokio::test]
async fn what_the_server_acknowledged_survives_a_sigkill_and_a_restart() {
    let mut app = crate::process::spawn_process_app("").await;
    let email = "durable@bazaar.test";
    let registered = app
        .register(email, "a long enough password", "Durable")
        .await;
    assert_eq!(registered.status(), 201);

    app.kill_process();
    app.start_process("");

    let signed_in = app.login(email, "a long enough password").await;
    assert_eq!(
        signed_in.status(),
        200,
        "{}",
        signed_in.text().await.unwrap()
    );
}
