//! Tampering with the audit log, each way transparency-dev's negative vectors name: a byte
//! flipped, a row deleted, two rows swapped, the tail truncated. Each must make
//! `api audit verify` (run as a real process) exit non-zero and name the first bad row. Also:
//! the database refuses UPDATE and DELETE, concurrent writers make one chain, and on
//! PostgreSQL the application role lacks the privileges.

use crate::helpers::{TestApp, expected_backend, spawn_app};
use api::db::DbKind;
use reqwest::Method;

/// A server with `n` audit rows (guest carts), checkpointed.
async fn app_with_rows(n: usize) -> TestApp {
    let app = spawn_app().await;
    for _ in 0..n {
        crate::fixtures::send(&app, Method::POST, "/carts", None, None).await;
    }
    assert_eq!(app.audit_mark().await, i64::try_from(n).unwrap());
    app.checkpoint().await;
    app
}

/// Drops the append-only triggers, as someone with the database in hand would.
async fn drop_triggers(app: &TestApp) {
    match expected_backend() {
        DbKind::Sqlite => {
            app.execute("DROP TRIGGER audit_log_no_update").await;
            app.execute("DROP TRIGGER audit_log_no_delete").await;
        }
        DbKind::Postgres => {
            app.execute("DROP TRIGGER audit_log_no_update_delete ON audit_log")
                .await;
        }
    }
}

fn assert_refused(app: &TestApp, first_bad: i64) {
    let (valid, out) = app.audit_verify();
    assert!(!valid, "verify passed a tampered log:\n{out}");
    assert!(
        out.contains(&format!("first bad row: {first_bad}\n")),
        "expected row {first_bad} named:\n{out}"
    );
}

#[tokio::test]
async fn an_untouched_log_verifies() {
    let app = app_with_rows(5).await;

    let (valid, out) = app.audit_verify();

    assert!(valid, "{out}");
    assert!(
        out.starts_with("5/5 rows valid, 1/1 checkpoints valid\n"),
        "{out}"
    );
}

#[tokio::test]
async fn the_database_refuses_update_and_delete_of_audit_rows() {
    let app = app_with_rows(2).await;
    let mut conn = app.db.conn().await.unwrap();

    for statement in [
        "UPDATE audit_log SET action = 'x' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_log",
    ] {
        let result = api::db::Sql::built(statement.to_owned())
            .execute(&mut conn)
            .await;
        let error = result.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    if expected_backend() == DbKind::Postgres {
        let error = api::db::sql("TRUNCATE audit_log")
            .execute(&mut conn)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("append-only"), "{error}");
    }
    // Given back first: on a pool of one connection the next read would wait for it.
    drop(conn);
    assert_eq!(app.audit_mark().await, 2);
}

#[tokio::test]
async fn a_flipped_byte_is_found() {
    let app = app_with_rows(5).await;
    drop_triggers(&app).await;

    app.execute("UPDATE audit_log SET resource_type = 'cartz' WHERE seq = 3")
        .await;

    assert_refused(&app, 3);
}

#[tokio::test]
async fn a_deleted_row_is_found() {
    let app = app_with_rows(5).await;
    drop_triggers(&app).await;

    app.execute("DELETE FROM audit_log WHERE seq = 2").await;

    assert_refused(&app, 2);
}

#[tokio::test]
async fn two_swapped_rows_are_found() {
    let app = app_with_rows(5).await;
    drop_triggers(&app).await;

    // Rows 2 and 4 trade places: every column kept, the sequence numbers exchanged.
    app.execute("UPDATE audit_log SET seq = 1000 WHERE seq = 2")
        .await;
    app.execute("UPDATE audit_log SET seq = 2 WHERE seq = 4")
        .await;
    app.execute("UPDATE audit_log SET seq = 4 WHERE seq = 1000")
        .await;

    assert_refused(&app, 2);
}

#[tokio::test]
async fn a_truncated_tail_is_found_by_the_checkpoint() {
    let app = app_with_rows(5).await;
    drop_triggers(&app).await;

    // What is left is a valid chain of three: only the checkpoint knows there were five.
    app.execute("DELETE FROM audit_log WHERE seq > 3").await;

    assert_refused(&app, 4);
    let (_, out) = app.audit_verify();
    assert!(
        out.starts_with("3/3 rows valid, 0/1 checkpoints valid"),
        "{out}"
    );
}

#[tokio::test]
async fn a_forged_checkpoint_is_refused() {
    let app = app_with_rows(3).await;
    let path = app.checkpoints().path().to_owned();
    let text = std::fs::read_to_string(&path).unwrap();

    std::fs::write(&path, text.replace("\"rows\":3", "\"rows\":2")).unwrap();

    let (valid, out) = app.audit_verify();
    assert!(!valid, "{out}");
    assert!(out.contains("wrong signature"), "{out}");
}

#[tokio::test]
async fn concurrent_writers_append_one_chain_without_forks() {
    let app = spawn_app().await;

    let writers: Vec<_> = (0..40)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/api/v1/carts");
            tokio::spawn(async move { client.post(url).send().await.unwrap().status() })
        })
        .collect();
    for writer in writers {
        assert!(writer.await.unwrap().is_success());
    }

    let rows = app.audit_after(0).await;
    assert_eq!(rows.len(), 40);
    for (i, pair) in rows.windows(2).enumerate() {
        assert_eq!(pair[1].seq, pair[0].seq + 1, "gap after row {i}");
        assert_eq!(
            pair[1].prev_hash, pair[0].hash,
            "fork at row {}",
            pair[1].seq
        );
    }
    app.checkpoint().await;
    let (valid, out) = app.audit_verify();
    assert!(valid, "{out}");
    assert!(out.starts_with("40/40 rows valid"), "{out}");
}

/// PostgreSQL only: the role the API runs as in production (a member of `bazaar_app`, made by
/// migration 0010) may insert audit rows but not update, delete or truncate them.
#[tokio::test]
async fn the_application_role_may_append_but_not_rewrite_the_log() {
    if expected_backend() != DbKind::Postgres {
        return;
    }
    let app = app_with_rows(2).await;
    let login = format!("bazaar_api_{}", uuid::Uuid::new_v4().simple());
    // The name is ours (hex digits), so formatting it into SQL is safe.
    let create = format!("CREATE ROLE {login} LOGIN IN ROLE bazaar_app");
    api::db::Sql::built(create)
        .execute(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();
    let mut url = url::Url::parse(app.database_url()).unwrap();
    url.set_username(&login).unwrap();
    let as_app = api::Db::connect(url.as_str()).await.unwrap();
    let mut conn = as_app.conn().await.unwrap();

    // It runs the application: a write with its audit row goes through.
    let rows = api::db::audit::chain_after(&mut conn, 0, 10).await.unwrap();
    assert_eq!(rows.len(), 2);
    for statement in [
        "UPDATE audit_log SET action = 'x' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
        "TRUNCATE audit_log",
        "DROP TRIGGER audit_log_no_update_delete ON audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    ] {
        let error = api::db::Sql::built(statement.to_owned())
            .execute(&mut conn)
            .await
            .expect_err(statement);
        let code = error
            .as_database_error()
            .and_then(|e| e.code())
            .map(|c| c.into_owned());
        // 42501 insufficient_privilege, or "must be owner" (also 42501).
        assert_eq!(code.as_deref(), Some("42501"), "{statement}: {error}");
    }
    drop(conn);
    let app_state = api::Db::connect(url.as_str()).await.unwrap();
    let mut tx = app_state.begin().await.unwrap();
    let actor = api::app::Actor::system(api::app::Task::Operator);
    let entry = api::app::audit::Entry::success("test:append", "tests", None, 0);
    api::app::audit::record(&mut tx, &actor, &entry)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.audit_mark().await, 3);
}

/// An append whose transaction rolls back leaves no row, and the next append chains after the
/// row before it, not after the one rolled back (appends skip the head's read when this
/// process appended the head, and check it in the insert instead).
#[tokio::test]
async fn an_append_rolled_back_leaves_the_chain_whole() {
    let app = app_with_rows(2).await;
    let actor = api::app::Actor::system(api::app::Task::Operator);
    let entry = api::app::audit::Entry::success("test:append", "tests", None, 0);

    let mut tx = app.db.begin().await.unwrap();
    api::app::audit::record(&mut tx, &actor, &entry)
        .await
        .unwrap();
    drop(tx);
    assert_eq!(app.audit_mark().await, 2, "rolled back");
    for _ in 0..2 {
        crate::fixtures::send(&app, Method::POST, "/carts", None, None).await;
    }

    assert_eq!(app.audit_mark().await, 4);
    let (valid, out) = app.audit_verify();
    assert!(valid, "{out}");
    assert!(out.starts_with("4/4 rows valid"), "{out}");
}
