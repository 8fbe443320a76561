//! The second factor: enrolling and activating a TOTP authenticator, signing in with a code or
//! a recovery code, the limits on challenges, and administrators' permissions.

use crate::helpers::{
    Cookies, TEST_JWT_SECRET, TestApp, problem, session_of, set_cookies, spawn_app,
};
use api::auth::session::CHALLENGE_LIFETIME_SECS;
use api::auth::token::JwtKeys;
use api::auth::totp::{code_at, step_at};
use contracts::auth::{LoginOutcome, MfaChallenge, MfaEnrollment, RecoveryCodes, SessionGrant};
use contracts::props::Role;

const EMAIL: &str = "asha@example.com";
const PASSWORD: &str = "correct horse battery";

/// An account with an active authenticator.
struct Enrolled {
    /// The session of the registration (it passed no second factor).
    grant: SessionGrant,
    secret: String,
    /// The step the activation code was for: later sign-ins need a later step.
    step: i64,
    recovery: Vec<String>,
}

async fn enrolled(app: &TestApp) -> Enrolled {
    let response = app.register(EMAIL, PASSWORD, "Asha").await;
    let (grant, _) = session_of(response).await;
    enrol_and_activate(app, grant).await
}

async fn enrol_and_activate(app: &TestApp, grant: SessionGrant) -> Enrolled {
    let response = app.mfa_enroll(&grant.access_token).await;
    assert_eq!(response.status(), 200);
    let enrollment: MfaEnrollment = response.json().await.unwrap();
    let step = step_at(app.clock.now());
    let code = code_at(&enrollment.secret, step).unwrap();
    let response = app.mfa_activate(&grant.access_token, &code).await;
    assert_eq!(response.status(), 200);
    let codes: RecoveryCodes = response.json().await.unwrap();
    Enrolled {
        grant,
        secret: enrollment.secret,
        step,
        recovery: codes.codes,
    }
}

/// Signs in with the password; the challenge it must answer.
async fn challenged(app: &TestApp, email: &str, password: &str) -> MfaChallenge {
    let response = app.login(email, password).await;
    assert_eq!(response.status(), 200);
    assert!(
        set_cookies(&response).is_empty(),
        "no cookies before the second factor"
    );
    match response.json().await.unwrap() {
        LoginOutcome::MfaRequired(challenge) => challenge,
        LoginOutcome::Session(_) => panic!("signed in without a second factor"),
    }
}

/// The next step's code: the activation used the current one.
fn next_code(enrolled: &Enrolled) -> String {
    code_at(&enrolled.secret, enrolled.step + 1).unwrap()
}

async fn assert_code_refused(response: reqwest::Response) {
    assert_eq!(response.status(), 401);
    assert_eq!(problem(response).await.code, "invalid_mfa_code");
}

async fn assert_challenge_dead(response: reqwest::Response) {
    assert_eq!(response.status(), 401);
    assert_eq!(problem(response).await.code, "invalid_mfa_challenge");
}

#[tokio::test]
async fn enrolling_returns_a_base32_secret_its_otpauth_uri_and_a_square_qr_code() {
    let app = spawn_app().await;
    let (grant, _) = session_of(app.register(EMAIL, PASSWORD, "Asha").await).await;

    let response = app.mfa_enroll(&grant.access_token).await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        crate::helpers::header(&response, "cache-control"),
        "no-store"
    );
    let enrollment: MfaEnrollment = response.json().await.unwrap();
    assert_eq!(enrollment.secret.len(), 32);
    assert!(api::auth::totp::base32_decode(&enrollment.secret).is_some_and(|b| b.len() == 20));
    assert_eq!(
        enrollment.otpauth_uri,
        format!(
            "otpauth://totp/Bazaar:asha@example.com?secret={}&issuer=Bazaar&algorithm=SHA1&digits=6&period=30",
            enrollment.secret
        )
    );
    let size = enrollment.qr_rows.len();
    assert!(size >= 21);
    assert!(enrollment.qr_rows.iter().all(|row| row.len() == size));
}

#[tokio::test]
async fn until_activated_signing_in_needs_no_code() {
    let app = spawn_app().await;
    let (grant, _) = session_of(app.register(EMAIL, PASSWORD, "Asha").await).await;
    app.mfa_enroll(&grant.access_token).await;

    let response = app.login(EMAIL, PASSWORD).await;

    assert!(matches!(
        response.json().await.unwrap(),
        LoginOutcome::Session(_)
    ));
}

#[tokio::test]
async fn activating_with_a_wrong_code_is_422_and_leaves_mfa_off() {
    let app = spawn_app().await;
    let (grant, _) = session_of(app.register(EMAIL, PASSWORD, "Asha").await).await;
    let enrollment: MfaEnrollment = app
        .mfa_enroll(&grant.access_token)
        .await
        .json()
        .await
        .unwrap();
    let right = code_at(&enrollment.secret, step_at(app.clock.now())).unwrap();
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };

    let response = app.mfa_activate(&grant.access_token, wrong).await;

    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    assert_eq!(body.code, "validation_failed");
    assert!(body.field_message("code").is_some());
    assert!(matches!(
        app.login(EMAIL, PASSWORD).await.json().await.unwrap(),
        LoginOutcome::Session(_)
    ));
}

#[tokio::test]
async fn activating_without_enrolling_first_is_409() {
    let app = spawn_app().await;
    let (grant, _) = session_of(app.register(EMAIL, PASSWORD, "Asha").await).await;

    let response = app.mfa_activate(&grant.access_token, "123456").await;

    assert_eq!(response.status(), 409);
    assert_eq!(problem(response).await.code, "mfa_not_pending");
}

#[tokio::test]
async fn activation_hands_out_ten_distinct_recovery_codes_stored_only_hashed() {
    let app = spawn_app().await;

    let enrolled = enrolled(&app).await;

    assert_eq!(enrolled.recovery.len(), 10);
    let distinct: std::collections::HashSet<_> = enrolled.recovery.iter().collect();
    assert_eq!(distinct.len(), 10);
    assert_eq!(app.count("SELECT count(*) FROM recovery_codes").await, 10);
    let sql = "SELECT code_hash FROM recovery_codes";
    let stored: Vec<String> = api::db::sql(sql)
        .scalar_all(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();
    assert!(enrolled.recovery.iter().all(|code| !stored.contains(code)));
}

#[tokio::test]
async fn with_mfa_active_signing_in_answers_a_challenge_and_sets_no_cookies() {
    let app = spawn_app().await;
    enrolled(&app).await;

    let challenge = challenged(&app, EMAIL, PASSWORD).await;

    assert_eq!(challenge.challenge_token.len(), 43);
    assert!((app.clock.now() + 290..=app.clock.now() + 300).contains(&challenge.expires_at));
}

#[tokio::test]
async fn a_right_code_turns_the_challenge_into_a_session_that_passed_a_second_factor() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;
    let challenge = challenged(&app, EMAIL, PASSWORD).await;

    // The test clock runs with the real one: the second factor is passed during the call.
    let before = app.clock.now();
    let response = app
        .mfa_verify(&challenge.challenge_token, &next_code(&enrolled))
        .await;
    let after = app.clock.now();

    let (grant, cookies) = session_of(response).await;
    assert!(grant.user.mfa_verified);
    let claims = JwtKeys::new(TEST_JWT_SECRET.as_bytes())
        .verify(&grant.access_token, app.clock.now())
        .unwrap();
    assert!(claims.mfa);
    assert!(!enrolled.grant.user.mfa_verified);
    let passed_at = payload(&grant.access_token)["mfa_at"].as_i64().unwrap();
    assert!(
        (before..=after).contains(&passed_at),
        "{before} {passed_at} {after}"
    );
    // A refresh keeps the session's second factor, and when it was passed (a refund needs it
    // recent): refreshing does not make it fresh.
    app.clock.advance(120);
    let (refreshed, _) = session_of(app.refresh(&cookies).await).await;
    assert!(refreshed.user.mfa_verified);
    assert_eq!(payload(&refreshed.access_token)["mfa_at"], passed_at);
}

/// The claims of an access token as its JSON payload says them.
fn payload(token: &str) -> serde_json::Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).expect("a JWT payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

#[tokio::test]
async fn a_session_without_a_second_factor_refreshes_without_one() {
    let app = spawn_app().await;
    let response = app.register(EMAIL, PASSWORD, "Asha").await;
    let cookies: Cookies = crate::helpers::session_cookies(&response);

    let (refreshed, _) = session_of(app.refresh(&cookies).await).await;

    assert!(!refreshed.user.mfa_verified);
}

#[tokio::test]
async fn a_totp_code_works_only_once() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;
    let code = next_code(&enrolled);
    let first = challenged(&app, EMAIL, PASSWORD).await;
    assert_eq!(
        app.mfa_verify(&first.challenge_token, &code).await.status(),
        200
    );
    let second = challenged(&app, EMAIL, PASSWORD).await;

    assert_code_refused(app.mfa_verify(&second.challenge_token, &code).await).await;
}

#[tokio::test]
async fn the_activation_code_cannot_be_replayed_to_sign_in() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;
    let challenge = challenged(&app, EMAIL, PASSWORD).await;
    let activation_code = code_at(&enrolled.secret, enrolled.step).unwrap();

    assert_code_refused(
        app.mfa_verify(&challenge.challenge_token, &activation_code)
            .await,
    )
    .await;
}

#[tokio::test]
async fn a_recovery_code_works_once_however_it_is_typed() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;
    let first = challenged(&app, EMAIL, PASSWORD).await;
    let typed = enrolled.recovery[0].to_lowercase().replace('-', " ");

    let response = app.mfa_verify(&first.challenge_token, &typed).await;

    let (grant, _) = session_of(response).await;
    assert!(grant.user.mfa_verified);
    let second = challenged(&app, EMAIL, PASSWORD).await;
    assert_code_refused(
        app.mfa_verify(&second.challenge_token, &enrolled.recovery[0])
            .await,
    )
    .await;
    assert_eq!(
        app.mfa_verify(&second.challenge_token, &enrolled.recovery[1])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn five_wrong_codes_kill_the_challenge() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;
    let challenge = challenged(&app, EMAIL, PASSWORD).await;
    let right = next_code(&enrolled);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };

    for _ in 0..5 {
        assert_code_refused(app.mfa_verify(&challenge.challenge_token, wrong).await).await;
    }

    assert_challenge_dead(app.mfa_verify(&challenge.challenge_token, &right).await).await;
}

#[tokio::test]
async fn a_challenge_is_answered_once() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;
    let challenge = challenged(&app, EMAIL, PASSWORD).await;
    assert_eq!(
        app.mfa_verify(&challenge.challenge_token, &next_code(&enrolled))
            .await
            .status(),
        200
    );

    assert_challenge_dead(
        app.mfa_verify(&challenge.challenge_token, &enrolled.recovery[0])
            .await,
    )
    .await;
}

#[tokio::test]
async fn a_challenge_older_than_five_minutes_is_refused() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;
    let challenge = challenged(&app, EMAIL, PASSWORD).await;
    // Five minutes pass.
    app.clock.advance(CHALLENGE_LIFETIME_SECS);

    assert_challenge_dead(
        app.mfa_verify(&challenge.challenge_token, &next_code(&enrolled))
            .await,
    )
    .await;
}

#[tokio::test]
async fn wrong_codes_count_towards_the_lockout_across_challenges() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;
    let right = next_code(&enrolled);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..2 {
        let challenge = challenged(&app, EMAIL, PASSWORD).await;
        for _ in 0..5 {
            assert_code_refused(app.mfa_verify(&challenge.challenge_token, wrong).await).await;
        }
    }

    let response = app.login(EMAIL, PASSWORD).await;

    assert_eq!(response.status(), 401);
    assert_eq!(problem(response).await.code, "invalid_credentials");
}

#[tokio::test]
async fn replacing_an_active_authenticator_needs_a_session_that_passed_it() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;

    let response = app.mfa_enroll(&enrolled.grant.access_token).await;

    assert_eq!(response.status(), 403);
    assert_eq!(problem(response).await.code, "mfa_required");
    let challenge = challenged(&app, EMAIL, PASSWORD).await;
    let (verified, _) = session_of(
        app.mfa_verify(&challenge.challenge_token, &next_code(&enrolled))
            .await,
    )
    .await;
    assert_eq!(app.mfa_enroll(&verified.access_token).await.status(), 200);
}

#[tokio::test]
async fn an_administrator_gets_admin_permissions_only_after_a_second_factor() {
    let app = spawn_app().await;
    api::cli::create_account(
        &app.db,
        &app.vault,
        "root@example.com",
        "Root",
        Role::Admin,
        PASSWORD.into(),
    )
    .await
    .unwrap();
    let LoginOutcome::Session(first) = app
        .login("root@example.com", PASSWORD)
        .await
        .json()
        .await
        .unwrap()
    else {
        panic!("no authenticator yet, so no challenge");
    };
    let list = |token: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/v1/admin/users"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    let refused = list(first.access_token.clone()).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(problem(refused).await.code, "mfa_required");

    let enrolled = enrol_and_activate(&app, first).await;
    let challenge = challenged(&app, "root@example.com", PASSWORD).await;
    let (admin, _) = session_of(
        app.mfa_verify(&challenge.challenge_token, &next_code(&enrolled))
            .await,
    )
    .await;

    assert_eq!(admin.user.role, Role::Admin);
    assert_eq!(list(admin.access_token).await.status(), 200);
}

#[tokio::test]
async fn odd_bodies_never_make_the_mfa_endpoints_answer_500() {
    let app = spawn_app().await;
    let enrolled = enrolled(&app).await;
    let challenge = challenged(&app, EMAIL, PASSWORD).await;
    let token = challenge.challenge_token.as_str();
    let huge = "9".repeat(100_000);
    let codes = ["", "abc", "12345", "1234567", "-----", "0", huge.as_str()];

    let mut statuses = Vec::new();
    for code in codes {
        statuses.push(app.mfa_verify("not-a-challenge", code).await.status());
        statuses.push(
            app.mfa_activate(&enrolled.grant.access_token, code)
                .await
                .status(),
        );
    }
    statuses.push(app.mfa_verify(token, &huge).await.status());
    for body in ["{}", "[]", r#"{"challengeToken": 1, "code": 2}"#] {
        statuses.push(
            app.post_raw("/api/v1/auth/mfa/verify", "application/json", body)
                .await
                .status(),
        );
    }

    assert!(statuses.iter().all(|s| s.is_client_error()), "{statuses:?}");
}
