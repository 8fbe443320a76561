//! Identity: registering, signing in, and what `/auth/me` makes of good and bad access tokens.

use crate::fixtures::{self, GSTIN_MH, staff};
use crate::helpers::{
    TEST_JWT_SECRET, TestApp, header, problem, session_cookies, session_of, spawn_app,
};
use api::Db;
use api::auth::token::{Claims, JwtKeys};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use contracts::auth::{LoginOutcome, SessionGrant};
use contracts::props::{Role, SessionUser};

const EMAIL: &str = "asha@example.com";
const PASSWORD: &str = "correct horse battery";

async fn user_count(db: &Db) -> i64 {
    api::db::sql("SELECT count(*) FROM users")
        .scalar_one(&mut db.conn().await.unwrap())
        .await
        .unwrap()
}

/// Registers the default account; its grant.
async fn registered(app: &TestApp) -> SessionGrant {
    let response = app.register(EMAIL, PASSWORD, "Asha").await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// Asserts `response` is the 401 `unauthenticated` problem with its `WWW-Authenticate`.
async fn assert_unauthenticated(response: reqwest::Response) {
    assert_eq!(response.status(), 401);
    assert_eq!(header(&response, "www-authenticate"), "Bearer");
    assert_eq!(problem(response).await.code, "unauthenticated");
}

#[tokio::test]
async fn a_new_customer_registers_signs_in_and_is_recognised() {
    let app = spawn_app().await;

    let registration = registered(&app).await;
    let login = app.login(EMAIL, PASSWORD).await;
    assert_eq!(login.status(), 200);
    let LoginOutcome::Session(session) = login.json().await.unwrap() else {
        panic!("a second factor was asked for");
    };
    let me = app.me(Some(&session.access_token)).await;

    assert_eq!(registration.user.role, Role::Customer);
    assert_eq!(registration.user.display_name, "Asha");
    assert_eq!(session.user, registration.user);
    assert!(
        session.expires_at > app.clock.now() + 14 * 60
            && session.expires_at <= app.clock.now() + 15 * 60
    );
    assert_eq!(me.status(), 200);
    let user: SessionUser = me.json().await.unwrap();
    assert_eq!(user, registration.user);
    assert!(user.permissions.iter().any(|p| p == "cart:own_manage"));
}

#[tokio::test]
async fn the_password_is_stored_as_an_argon2id_hash() {
    let app = spawn_app().await;
    registered(&app).await;

    let sql = "SELECT password_hash FROM users";
    let stored: String = api::db::sql(sql)
        .scalar_one(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();

    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert!(!stored.contains(PASSWORD));
}

#[tokio::test]
async fn signing_in_ignores_the_case_and_spaces_around_the_email() {
    let app = spawn_app().await;
    registered(&app).await;

    let response = app.login("  ASHA@Example.com ", PASSWORD).await;

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_taken_email_is_409_whatever_its_case_and_writes_nothing() {
    let app = spawn_app().await;
    registered(&app).await;

    let response = app
        .register(" Asha@EXAMPLE.com  ", "another long password", "Someone")
        .await;

    assert_eq!(response.status(), 409);
    assert_eq!(problem(response).await.code, "email_taken");
    assert_eq!(user_count(&app.db).await, 1);
}

#[tokio::test]
async fn a_short_password_is_422_naming_the_field() {
    let app = spawn_app().await;

    let response = app.register(EMAIL, "elevenchars", "Asha").await;

    assert_eq!(response.status(), 422);
    let problem = problem(response).await;
    assert_eq!(problem.code, "validation_failed");
    assert_eq!(
        problem.field_message("password"),
        Some("must be at least 12 characters")
    );
    assert_eq!(user_count(&app.db).await, 0);
}

#[tokio::test]
async fn a_malformed_email_and_an_empty_display_name_are_named_too() {
    let app = spawn_app().await;

    let response = app.register("not-an-email", PASSWORD, "   ").await;

    assert_eq!(response.status(), 422);
    let problem = problem(response).await;
    assert!(problem.field_message("email").is_some());
    assert!(problem.field_message("displayName").is_some());
    assert!(problem.field_message("password").is_none());
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let app = spawn_app().await;
    registered(&app).await;

    let wrong_password = app.login(EMAIL, "not the right password").await;
    let unknown_email = app.login("nobody@example.com", PASSWORD).await;

    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_email.status(), 401);
    let wrong_password = wrong_password.bytes().await.unwrap();
    let unknown_email = unknown_email.bytes().await.unwrap();
    assert_eq!(wrong_password, unknown_email);
    let body: contracts::Problem = serde_json::from_slice(&wrong_password).unwrap();
    assert_eq!(body.code, "invalid_credentials");
}

#[tokio::test]
async fn a_missing_token_is_401_unauthenticated() {
    let app = spawn_app().await;

    assert_unauthenticated(app.me(None).await).await;
}

#[tokio::test]
async fn a_tampered_token_is_401_unauthenticated() {
    let app = spawn_app().await;
    let grant = registered(&app).await;
    // The payload re-encoded with an administrator's role, the signature kept.
    let mut parts: Vec<String> = grant.access_token.split('.').map(str::to_owned).collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    claims["role"] = "SUPER_ADMIN".into();
    parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());

    assert_unauthenticated(app.me(Some(&parts.join("."))).await).await;
}

#[tokio::test]
async fn an_expired_token_is_401_unauthenticated() {
    let app = spawn_app().await;
    let grant = registered(&app).await;
    // Signed with the server's own key, for the right user, but issued an hour ago.
    let expired = JwtKeys::new(TEST_JWT_SECRET.as_bytes())
        .sign(&Claims::new(
            &grant.user.id,
            Role::Customer,
            app.clock.now() - 3600,
        ))
        .unwrap();

    assert_unauthenticated(app.me(Some(&expired)).await).await;
}

#[tokio::test]
async fn a_token_expires_by_the_servers_clock_with_thirty_seconds_of_leeway() {
    let app = spawn_app().await;
    let grant = registered(&app).await;

    // 15 s inside the leeway: the test clock runs on while the request travels.
    app.clock.advance(15 * 60 + 15);
    assert_eq!(app.me(Some(&grant.access_token)).await.status(), 200);
    app.clock.advance(20);

    assert_unauthenticated(app.me(Some(&grant.access_token)).await).await;
}

/// The claims of `token`, read from its payload (the server signed it; no need to verify).
fn payload(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn a_sellers_tokens_carry_its_shop_as_tenant_and_a_customers_carry_none() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, shop) = fixtures::seller(&app, &admin, "seller@example.com", GSTIN_MH).await;
    let customer = registered(&app).await;
    let signed_in = app.login("seller@example.com", PASSWORD).await;
    let cookies = session_cookies(&signed_in);
    let (refreshed, _) = session_of(app.refresh(&cookies).await).await;

    assert_eq!(payload(&seller)["tenant_id"], shop.id.as_str());
    assert_eq!(
        payload(&refreshed.access_token)["tenant_id"],
        shop.id.as_str()
    );
    assert_eq!(payload(&customer.access_token)["role"], "CUSTOMER");
    assert!(payload(&customer.access_token)["tenant_id"].is_null());
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_401_unauthenticated() {
    let app = spawn_app().await;
    let grant = registered(&app).await;
    let payload = grant.access_token.split('.').nth(1).unwrap();
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);

    assert_unauthenticated(app.me(Some(&format!("{header}.{payload}."))).await).await;
}

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_app().await;

    let response = app
        .post_raw("/api/v1/auth/login", "application/json", r#"{"email": "#)
        .await;

    assert_eq!(response.status(), 400);
    assert_eq!(problem(response).await.code, "malformed_json");
}

/// Found by Schemathesis: serde's derived structs read a JSON array's items as their members
/// in order, so `["email", "password"]` was a sign-in (and `[null, null]` a product change).
/// Every body is an object; anything else is refused before it is decoded.
#[tokio::test]
async fn a_body_that_is_json_but_not_an_object_is_a_400_problem() {
    let app = spawn_app().await;
    app.register("arr@example.com", "correct horse battery", "Arr")
        .await;

    for body in [
        r#"["arr@example.com", "correct horse battery"]"#,
        " [null, null]",
        r#""arr@example.com""#,
        "42",
    ] {
        let response = app
            .post_raw("/api/v1/auth/login", "application/json", body)
            .await;
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(problem(response).await.code, "malformed_json", "{body}");
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415_problem() {
    let app = spawn_app().await;

    let response = app
        .post_raw(
            "/api/v1/auth/register",
            "application/x-www-form-urlencoded",
            "email=a%40example.com&password=x",
        )
        .await;

    assert_eq!(response.status(), 415);
    assert_eq!(problem(response).await.code, "unsupported_media_type");
}

#[tokio::test]
async fn no_odd_request_makes_the_auth_endpoints_answer_500() {
    let app = spawn_app().await;
    registered(&app).await;
    let huge_password = "a".repeat(5000);
    let bodies = [
        ("/api/v1/auth/login", "application/json", "{}"),
        ("/api/v1/auth/login", "application/json", "[]"),
        ("/api/v1/auth/login", "application/json", "null"),
        (
            "/api/v1/auth/login",
            "application/json",
            r#"{"email":1,"password":2}"#,
        ),
        (
            "/api/v1/auth/register",
            "application/json",
            r#"{"email":"a@b.co"}"#,
        ),
        ("/api/v1/auth/register", "text/plain", "hello"),
        ("/api/v1/auth/register", "application/json", ""),
    ];

    let mut statuses = Vec::new();
    for (path, content_type, body) in bodies {
        statuses.push(app.post_raw(path, content_type, body).await.status());
    }
    statuses.push(app.login(EMAIL, &huge_password).await.status());
    statuses.push(
        app.register("b@example.com", &huge_password, "B")
            .await
            .status(),
    );
    statuses.push(
        app.register(EMAIL, PASSWORD, &"x".repeat(10_000))
            .await
            .status(),
    );
    statuses.push(app.me(Some("not-a-jwt")).await.status());
    statuses.push(app.me(Some("a.b.c")).await.status());
    let wrong_user = JwtKeys::new(TEST_JWT_SECRET.as_bytes())
        .sign(&Claims::new("not-a-uuid", Role::Customer, app.clock.now()))
        .unwrap();
    statuses.push(app.me(Some(&wrong_user)).await.status());

    assert!(statuses.iter().all(|s| s.is_client_error()), "{statuses:?}");
}
