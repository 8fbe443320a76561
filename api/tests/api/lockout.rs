//! Account lockout: ten failed sign-ins in a row lock an account for 15 minutes, and a locked
//! account's answer is indistinguishable from a wrong password's or an unknown email's.

use crate::helpers::{TestApp, problem, spawn_app};
use api::auth::session::LOCKOUT_SECS;

const EMAIL: &str = "asha@example.com";
const PASSWORD: &str = "correct horse battery";
const WRONG: &str = "not the right password";

async fn registered(app: &TestApp) {
    assert_eq!(app.register(EMAIL, PASSWORD, "Asha").await.status(), 201);
}

async fn fail_times(app: &TestApp, times: usize) {
    for _ in 0..times {
        assert_eq!(app.login(EMAIL, WRONG).await.status(), 401);
    }
}

/// The body of a sign-in answer, with the status.
async fn answer(app: &TestApp, email: &str, password: &str) -> (u16, Vec<u8>) {
    let response = app.login(email, password).await;
    (
        response.status().as_u16(),
        response.bytes().await.unwrap().to_vec(),
    )
}

#[tokio::test]
async fn ten_failures_lock_the_account_and_the_right_password_is_refused_like_a_wrong_one() {
    let app = spawn_app().await;
    registered(&app).await;
    fail_times(&app, 10).await;

    let locked = answer(&app, EMAIL, PASSWORD).await;
    let wrong_password = answer(&app, EMAIL, WRONG).await;
    let unknown_email = answer(&app, "nobody@example.com", PASSWORD).await;

    assert_eq!(locked.0, 401);
    assert_eq!(locked, wrong_password);
    assert_eq!(locked, unknown_email);
    let body: contracts::Problem = serde_json::from_slice(&locked.1).unwrap();
    assert_eq!(body.code, "invalid_credentials");
}

#[tokio::test]
async fn nine_failures_do_not_lock_the_account() {
    let app = spawn_app().await;
    registered(&app).await;
    fail_times(&app, 9).await;

    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn a_successful_sign_in_starts_the_count_again() {
    let app = spawn_app().await;
    registered(&app).await;
    fail_times(&app, 9).await;
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
    fail_times(&app, 9).await;

    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn the_lock_lasts_fifteen_minutes_and_then_lifts() {
    let app = spawn_app().await;
    registered(&app).await;
    let before = app.clock.now();
    fail_times(&app, 10).await;
    let sql = "SELECT locked_until FROM users";
    let until: Option<i64> = api::db::sql(sql)
        .scalar_one(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();
    let until = until.expect("the account is locked");
    assert!((before + 900..=app.clock.now() + 900).contains(&until));

    // Fifteen minutes pass.
    app.clock.advance(LOCKOUT_SECS);

    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn attempts_during_a_lock_do_not_extend_it() {
    let app = spawn_app().await;
    registered(&app).await;
    fail_times(&app, 10).await;
    app.clock.advance(LOCKOUT_SECS - 1);

    fail_times(&app, 3).await;
    app.clock.advance(1);

    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn a_locked_account_answers_the_same_problem_code_as_ever() {
    let app = spawn_app().await;
    registered(&app).await;
    fail_times(&app, 12).await;

    let response = app.login(EMAIL, PASSWORD).await;

    assert_eq!(problem(response).await.code, "invalid_credentials");
}
