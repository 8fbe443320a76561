//! Password reset: a mailed, single-use, 30-minute link (through the outbox and the
//! development mail folder), the new password's policy, and every session ending.

use crate::helpers::{
    TEST_PUBLIC_URL, TestApp, problem, session_cookies, spawn_app, spawn_app_with,
};
use api::auth::session::RESET_LIFETIME_SECS;

const EMAIL: &str = "asha@example.com";
const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "a brand new passphrase";

async fn registered(app: &TestApp) -> reqwest::Response {
    let response = app.register(EMAIL, PASSWORD, "Asha").await;
    assert_eq!(response.status(), 201);
    response
}

/// The token of the reset link in `mail`.
fn link_token(mail: &str) -> String {
    let prefix = format!("{TEST_PUBLIC_URL}/reset-password?token=");
    let line = mail
        .lines()
        .find(|line| line.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no reset link in {mail}"));
    line[prefix.len()..].to_owned()
}

/// Asks for a link for the default account; the token from the delivered mail.
async fn reset_token(app: &TestApp) -> String {
    assert_eq!(app.forgot_password(EMAIL).await.status(), 202);
    let mail = app.delivered_mail().await;
    link_token(mail.last().expect("a mail was delivered"))
}

async fn assert_invalid_token(response: reqwest::Response) {
    assert_eq!(response.status(), 422);
    let problem = problem(response).await;
    assert_eq!(problem.code, "invalid_reset_token");
    assert!(problem.field_message("token").is_some());
}

#[tokio::test]
async fn forgetting_answers_202_for_any_address_and_mails_only_accounts() {
    let app = spawn_app().await;
    registered(&app).await;

    let known = app.forgot_password(EMAIL).await;
    let unknown = app.forgot_password("nobody@example.com").await;

    assert_eq!(known.status(), 202);
    assert_eq!(unknown.status(), 202);
    assert_eq!(known.bytes().await.unwrap(), unknown.bytes().await.unwrap());
    let mail = app.delivered_mail().await;
    assert_eq!(mail.len(), 1);
    assert_eq!(app.count("SELECT count(*) FROM password_resets").await, 1);
}

#[tokio::test]
async fn the_mail_file_has_headers_a_blank_line_and_the_link_on_its_own_line() {
    let app = spawn_app().await;
    registered(&app).await;
    app.forgot_password(" ASHA@example.com ").await;

    let mail = app.delivered_mail().await;

    let mail = &mail[0];
    assert!(
        mail.starts_with(
            "X-Outbox-Id: 1\nTo: asha@example.com\nSubject: Reset your Bazaar password\n\n"
        ),
        "{mail}"
    );
    assert_eq!(link_token(mail).len(), 43);
    assert_eq!(
        app.count("SELECT count(*) FROM email_outbox WHERE sent_at IS NULL")
            .await,
        0,
        "delivered mail is marked sent"
    );
}

#[tokio::test]
async fn the_link_sets_a_new_password_once() {
    let app = spawn_app().await;
    registered(&app).await;
    let token = reset_token(&app).await;

    let reset = app.reset_password(&token, NEW_PASSWORD).await;
    let again = app.reset_password(&token, "yet another passphrase").await;

    assert_eq!(reset.status(), 204);
    assert_invalid_token(again).await;
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 401);
    assert_eq!(app.login(EMAIL, NEW_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn the_token_is_stored_only_as_its_hash() {
    let app = spawn_app().await;
    registered(&app).await;
    let token = reset_token(&app).await;

    let sql = "SELECT token_hash FROM password_resets";
    let stored: String = api::db::sql(sql)
        .scalar_one(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();

    assert_eq!(stored, api::auth::secret::hash_token(&token));
}

#[tokio::test]
async fn a_link_older_than_thirty_minutes_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    registered(&app).await;
    let token = reset_token(&app).await;
    // Thirty minutes pass.
    app.clock.advance(RESET_LIFETIME_SECS);

    assert_invalid_token(app.reset_password(&token, NEW_PASSWORD).await).await;

    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn a_link_expires_thirty_minutes_after_it_was_asked_for() {
    let app = spawn_app().await;
    registered(&app).await;
    let before = app.clock.now();
    reset_token(&app).await;

    let sql = "SELECT expires_at FROM password_resets";
    let expires_at: i64 = api::db::sql(sql)
        .scalar_one(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();

    assert!((before + 1800..=app.clock.now() + 1800).contains(&expires_at));
}

#[tokio::test]
async fn an_unknown_token_is_refused() {
    let app = spawn_app().await;
    registered(&app).await;

    for token in ["", "made-up", &"x".repeat(4000)] {
        assert_invalid_token(app.reset_password(token, NEW_PASSWORD).await).await;
    }
}

#[tokio::test]
async fn a_weak_new_password_is_422_naming_password_and_leaves_the_link_usable() {
    let app = spawn_app().await;
    registered(&app).await;
    let token = reset_token(&app).await;

    let weak = app.reset_password(&token, "short").await;

    assert_eq!(weak.status(), 422);
    let body = problem(weak).await;
    assert_eq!(body.code, "validation_failed");
    assert_eq!(
        body.field_message("password"),
        Some("must be at least 12 characters")
    );
    assert_eq!(app.reset_password(&token, NEW_PASSWORD).await.status(), 204);
}

#[tokio::test]
async fn a_reset_signs_out_every_session() {
    let app = spawn_app().await;
    let registration = session_cookies(&registered(&app).await);
    let token = reset_token(&app).await;

    assert_eq!(app.reset_password(&token, NEW_PASSWORD).await.status(), 204);

    assert_eq!(app.refresh(&registration).await.status(), 401);
}

#[tokio::test]
async fn a_newer_reset_spends_the_older_links_too() {
    let app = spawn_app().await;
    registered(&app).await;
    let older = reset_token(&app).await;
    let newer = reset_token(&app).await;

    assert_eq!(app.reset_password(&newer, NEW_PASSWORD).await.status(), 204);

    assert_invalid_token(app.reset_password(&older, "yet another passphrase").await).await;
}

#[tokio::test]
async fn a_reset_lifts_a_lockout() {
    let app = spawn_app().await;
    registered(&app).await;
    for _ in 0..10 {
        app.login(EMAIL, "not the right password").await;
    }
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 401);
    let token = reset_token(&app).await;

    assert_eq!(app.reset_password(&token, NEW_PASSWORD).await.status(), 204);

    assert_eq!(app.login(EMAIL, NEW_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn the_background_sender_delivers_without_being_asked() {
    // The tests' servers start no sender (they deliver when they mean to); this one does.
    let app = spawn_app_with(|config| {
        config.mail.poll_interval = Some(std::time::Duration::from_millis(100));
    })
    .await;
    registered(&app).await;
    app.forgot_password(EMAIL).await;

    let file = app.mail.path().join("1.eml");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !file.is_file() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    assert!(file.is_file(), "the sender did not deliver within 10 s");
}

#[tokio::test]
async fn odd_bodies_never_make_the_reset_endpoints_answer_500() {
    let app = spawn_app().await;
    registered(&app).await;
    let bodies = [
        ("/api/v1/auth/password/forgot", "{}"),
        ("/api/v1/auth/password/forgot", r#"{"email": 5}"#),
        ("/api/v1/auth/password/forgot", r#"{"email": ""}"#),
        ("/api/v1/auth/password/reset", "{}"),
        (
            "/api/v1/auth/password/reset",
            r#"{"token": null, "password": "x"}"#,
        ),
        (
            "/api/v1/auth/password/reset",
            r#"{"token": "a", "password": ""}"#,
        ),
        ("/api/v1/auth/password/reset", "[]"),
    ];

    let mut statuses = Vec::new();
    for (path, body) in bodies {
        statuses.push(app.post_raw(path, "application/json", body).await.status());
    }
    statuses.push(app.forgot_password(&"a".repeat(10_000)).await.status());

    assert!(
        statuses.iter().all(|s| !s.is_server_error()),
        "{statuses:?}"
    );
}
