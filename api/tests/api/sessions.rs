//! Sessions: the refresh and CSRF cookies, rotation, theft detection by reuse, and signing out
//! one device or all of them.

use crate::helpers::{
    Cookies, TestApp, cookie_value, header, problem, session_cookies, session_of, set_cookies,
    spawn_app,
};
use api::auth::session::REFRESH_LIFETIME_SECS;
use contracts::auth::{CSRF_COOKIE, LoginOutcome, REFRESH_COOKIE, SessionGrant};

const EMAIL: &str = "asha@example.com";
const PASSWORD: &str = "correct horse battery";

/// Registers the default account and signs in; the sign-in's session.
async fn signed_in(app: &TestApp) -> (SessionGrant, Cookies) {
    assert_eq!(app.register(EMAIL, PASSWORD, "Asha").await.status(), 201);
    login(app).await
}

/// Signs the default account in again (another device); its session.
async fn login(app: &TestApp) -> (SessionGrant, Cookies) {
    let response = app.login(EMAIL, PASSWORD).await;
    assert_eq!(response.status(), 200);
    let cookies = session_cookies(&response);
    let LoginOutcome::Session(grant) = response.json().await.unwrap() else {
        panic!("a second factor was asked for");
    };
    (grant, cookies)
}

/// Asserts a 401 `unauthenticated` that clears both cookies.
async fn assert_signed_out(response: reqwest::Response) {
    assert_eq!(response.status(), 401);
    assert_cookies_cleared(&response);
    assert_eq!(problem(response).await.code, "unauthenticated");
}

fn assert_cookies_cleared(response: &reqwest::Response) {
    let lines = set_cookies(response);
    for name in [REFRESH_COOKIE, CSRF_COOKIE] {
        let line = lines
            .iter()
            .find(|line| line.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} is not cleared: {lines:?}"));
        assert!(line.starts_with(&format!("{name}=;")), "{line}");
        assert!(line.contains("Max-Age=0"), "{line}");
    }
}

#[tokio::test]
async fn signing_in_sets_an_http_only_secure_strict_refresh_cookie_for_the_auth_path_only() {
    let app = spawn_app().await;
    assert_eq!(app.register(EMAIL, PASSWORD, "Asha").await.status(), 201);

    let response = app.login(EMAIL, PASSWORD).await;

    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let lines = set_cookies(&response);
    let refresh = lines
        .iter()
        .find(|l| l.starts_with("bazaar_refresh="))
        .unwrap();
    let attributes: Vec<&str> = refresh.split("; ").skip(1).collect();
    assert_eq!(
        attributes,
        [
            "Path=/api/v1/auth",
            "Max-Age=604800",
            "HttpOnly",
            "Secure",
            "SameSite=Strict"
        ]
    );
    let value = cookie_value(&lines, REFRESH_COOKIE).unwrap();
    assert_eq!(value.len(), 43, "32 random bytes, base64url");
}

#[tokio::test]
async fn the_csrf_cookie_is_readable_by_scripts_strict_secure_and_site_wide() {
    let app = spawn_app().await;

    let response = app.register(EMAIL, PASSWORD, "Asha").await;

    assert_eq!(response.status(), 201);
    let lines = set_cookies(&response);
    let csrf = lines
        .iter()
        .find(|l| l.starts_with("bazaar_csrf="))
        .unwrap();
    let attributes: Vec<&str> = csrf.split("; ").skip(1).collect();
    assert_eq!(
        attributes,
        ["Path=/", "Max-Age=604800", "Secure", "SameSite=Strict"]
    );
    assert!(cookie_value(&lines, REFRESH_COOKIE).is_some());
}

#[tokio::test]
async fn the_refresh_token_is_stored_only_as_its_hash() {
    let app = spawn_app().await;
    let (_, cookies) = signed_in(&app).await;

    let sql = "SELECT token_hash FROM refresh_tokens";
    let stored: Vec<String> = api::db::sql(sql)
        .scalar_all(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();

    assert_eq!(stored.len(), 2, "one per sign-in (register and login)");
    assert!(!stored.contains(&cookies.refresh));
    assert!(stored.contains(&api::auth::secret::hash_token(&cookies.refresh)));
}

#[tokio::test]
async fn a_refresh_rotates_the_token_and_answers_a_new_session() {
    let app = spawn_app().await;
    let (first, cookies) = signed_in(&app).await;

    let response = app.refresh(&cookies).await;

    assert_eq!(header(&response, "cache-control"), "no-store");
    let (grant, rotated) = session_of(response).await;
    assert_ne!(rotated.refresh, cookies.refresh);
    assert_ne!(rotated.csrf, cookies.csrf);
    assert_eq!(grant.user, first.user);
    assert_eq!(app.me(Some(&grant.access_token)).await.status(), 200);
    // The successor works in turn.
    assert_eq!(app.refresh(&rotated).await.status(), 200);
}

#[tokio::test]
async fn presenting_a_spent_refresh_token_revokes_its_whole_family() {
    let app = spawn_app().await;
    let (_, stolen) = signed_in(&app).await;
    let (_, successor) = session_of(app.refresh(&stolen).await).await;

    let replay = app.refresh(&stolen).await;

    assert_signed_out(replay).await;
    // The legitimate holder's current token died with the family.
    assert_signed_out(app.refresh(&successor).await).await;
}

#[tokio::test]
async fn theft_in_one_family_leaves_other_devices_signed_in() {
    let app = spawn_app().await;
    let (_, laptop) = signed_in(&app).await;
    let (_, phone) = login(&app).await;
    app.refresh(&laptop).await;

    assert_eq!(app.refresh(&laptop).await.status(), 401);

    assert_eq!(app.refresh(&phone).await.status(), 200);
}

#[tokio::test]
async fn two_refreshes_racing_with_one_token_cannot_both_succeed() {
    let app = spawn_app().await;
    let (_, cookies) = signed_in(&app).await;

    let (first, second) = tokio::join!(app.refresh(&cookies), app.refresh(&cookies));

    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401]);
    let winner = if first.status() == 200 { first } else { second };
    // The second use counted as reuse: the winner's successor is revoked too.
    assert_eq!(app.refresh(&session_cookies(&winner)).await.status(), 401);
}

#[tokio::test]
async fn a_refresh_without_a_matching_csrf_header_is_403_and_spends_nothing() {
    let app = spawn_app().await;
    let (_, cookies) = signed_in(&app).await;
    let refresh = Some(cookies.refresh.as_str());
    let csrf = Some(cookies.csrf.as_str());

    let attempts = [
        app.refresh_with(refresh, csrf, None).await,
        app.refresh_with(refresh, csrf, Some("not-the-cookie"))
            .await,
        app.refresh_with(refresh, None, csrf).await,
        app.refresh_with(refresh, Some(""), Some("")).await,
    ];

    for response in attempts {
        assert_eq!(response.status(), 403);
        assert!(
            set_cookies(&response).is_empty(),
            "a CSRF failure signs nobody out"
        );
        assert_eq!(problem(response).await.code, "csrf_failed");
    }
    assert_eq!(app.refresh(&cookies).await.status(), 200);
}

#[tokio::test]
async fn a_missing_or_unknown_refresh_cookie_is_401_and_clears_the_cookies() {
    let app = spawn_app().await;
    let csrf = Some("some-csrf-value");

    // No cookie: 401, and no Set-Cookie that would wipe cookies another tab just received.
    let missing = app.refresh_with(None, csrf, csrf).await;
    assert_eq!(missing.status(), 401);
    assert!(crate::helpers::set_cookies(&missing).is_empty());
    assert_eq!(problem(missing).await.code, "unauthenticated");
    assert_signed_out(app.refresh_with(Some("made-up"), csrf, csrf).await).await;
    assert_signed_out(app.refresh_with(Some(&"x".repeat(5000)), csrf, csrf).await).await;
}

#[tokio::test]
async fn an_expired_refresh_token_is_401() {
    let app = spawn_app().await;
    let (_, cookies) = signed_in(&app).await;
    // Seven days pass.
    app.clock.advance(REFRESH_LIFETIME_SECS);

    assert_signed_out(app.refresh(&cookies).await).await;
}

#[tokio::test]
async fn signing_out_revokes_this_device_only_and_clears_its_cookies() {
    let app = spawn_app().await;
    let (_, laptop) = signed_in(&app).await;
    let (_, phone) = login(&app).await;

    let response = app.logout(&laptop).await;

    assert_eq!(response.status(), 204);
    assert_cookies_cleared(&response);
    assert_signed_out(app.refresh(&laptop).await).await;
    assert_eq!(app.refresh(&phone).await.status(), 200);
}

#[tokio::test]
async fn signing_out_without_the_csrf_header_is_403_and_keeps_the_session() {
    let app = spawn_app().await;
    let (_, cookies) = signed_in(&app).await;

    let response = app
        .logout_with(Some(&cookies.refresh), Some(&cookies.csrf), None)
        .await;

    assert_eq!(response.status(), 403);
    assert_eq!(problem(response).await.code, "csrf_failed");
    assert_eq!(app.refresh(&cookies).await.status(), 200);
}

#[tokio::test]
async fn signing_out_without_a_session_is_a_harmless_204() {
    let app = spawn_app().await;

    let response = app.logout_with(None, None, None).await;

    assert_eq!(response.status(), 204);
    assert_cookies_cleared(&response);
}

#[tokio::test]
async fn signing_out_everywhere_revokes_every_device_but_not_issued_access_tokens() {
    let app = spawn_app().await;
    let (grant, laptop) = signed_in(&app).await;
    let (_, phone) = login(&app).await;

    let response = app.logout_all(&grant.access_token).await;

    assert_eq!(response.status(), 204);
    assert_cookies_cleared(&response);
    assert_signed_out(app.refresh(&laptop).await).await;
    assert_signed_out(app.refresh(&phone).await).await;
    // Documented: access tokens are not looked up per request and run out within 15 minutes.
    assert_eq!(app.me(Some(&grant.access_token)).await.status(), 200);
    // A new sign-in works as before.
    let (_, fresh) = login(&app).await;
    assert_eq!(app.refresh(&fresh).await.status(), 200);
}

#[tokio::test]
async fn signing_out_everywhere_needs_an_access_token() {
    let app = spawn_app().await;

    let response = app.post("/api/v1/auth/logout-all").await;

    assert_eq!(response.status(), 401);
    assert_eq!(problem(response).await.code, "unauthenticated");
}

#[tokio::test]
async fn odd_cookie_headers_never_make_refresh_or_logout_answer_500() {
    let app = spawn_app().await;
    signed_in(&app).await;
    let cookie_headers = [
        "",
        ";;;",
        "bazaar_refresh",
        "bazaar_refresh==; bazaar_csrf==",
        "bazaar_refresh=%00%ff; bazaar_csrf=\"quoted\"",
        "bazaar_refresh=a; bazaar_refresh=b; bazaar_csrf=c",
    ];

    let mut statuses = Vec::new();
    for cookie in cookie_headers {
        for path in ["/api/v1/auth/refresh", "/api/v1/auth/logout"] {
            let response = app
                .client
                .post(app.url(path))
                .header("cookie", cookie)
                .header("x-csrf-token", "c")
                .send()
                .await
                .unwrap();
            statuses.push(response.status());
        }
    }

    assert!(
        statuses.iter().all(|s| !s.is_server_error()),
        "{statuses:?}"
    );
}
