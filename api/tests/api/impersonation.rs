//! Support sessions (seed 000 section 6): who may start one and as whom, the impersonation
//! token and its revocation on the server, what support may not change, what it sees masked,
//! and the customer's access history and mail.

use crate::fixtures::{GSTIN_MH, add_product, customer, json_of, product_body, seller, send};
use crate::helpers::{Cookies, TEST_JWT_SECRET, TestApp, problem, session_of, spawn_app};
use api::auth::token::{Claims, ImpersonationClaims, JwtKeys};
use contracts::cart::Cart;
use contracts::impersonation::{AccessHistory, ImpersonationGrant};
use contracts::invoices::InvoiceList;
use contracts::orders::{Order, OrderPage};
use contracts::props::Role;
use contracts::shops::Shop;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const REASON: &str = "Support ticket #12345";

/// An administrator who signed in with a second factor: its access token, id and refresh
/// cookies (their sign-in's, so signing out can be tested).
struct Admin {
    token: String,
    id: String,
    cookies: Cookies,
}

async fn admin(app: &TestApp, email: &str, role: Role) -> Admin {
    let (grant, cookies) = session_of(
        app.register(email, "correct horse battery", "Priya Support")
            .await,
    )
    .await;
    crate::fixtures::set_role(app, &grant.user.id, role).await;
    Admin {
        token: mfa_token(app, &grant.user.id, role, true),
        id: grant.user.id,
        cookies,
    }
}

/// An access token of `id` as `role`, with or without a passed second factor.
fn mfa_token(app: &TestApp, id: &str, role: Role, mfa: bool) -> String {
    let mut claims = Claims::new(id, role, app.clock.now());
    claims.mfa = mfa;
    JwtKeys::new(TEST_JWT_SECRET.as_bytes())
        .sign(&claims)
        .unwrap()
}

fn start_body(target: &str) -> Value {
    json!({ "targetUserId": target, "reason": REASON, "durationMinutes": 30 })
}

async fn start(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    send(
        app,
        Method::POST,
        "/admin/impersonate",
        Some(token),
        Some(body),
    )
    .await
}

async fn grant_of(app: &TestApp, token: &str, target: &str) -> ImpersonationGrant {
    let response = start(app, token, start_body(target)).await;
    serde_json::from_value(json_of(response, StatusCode::CREATED).await).unwrap()
}

async fn sessions(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM impersonation_sessions")
        .await
}

async fn outbox(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM email_outbox").await
}

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.me(Some(token)).await.status()
}

#[tokio::test]
async fn a_session_grants_the_targets_token_under_its_own_issuer_and_mails_the_customer() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (_, customer_id) = customer(&app, "meera@example.com").await;
    let mails_before = outbox(&app).await;

    // The test clock runs with the real one: the session starts during the call.
    let before = app.clock.now();
    let response = start(&app, &support.token, start_body(&customer_id)).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let grant: ImpersonationGrant =
        serde_json::from_value(json_of(response, StatusCode::CREATED).await).unwrap();

    let now = app.clock.now();
    assert_eq!(grant.user.id, customer_id);
    assert_eq!(grant.user.role, Role::Customer);
    assert!(!grant.user.mfa_verified);
    assert!((before + 30 * 60..=now + 30 * 60).contains(&grant.expires_at));
    assert_eq!(grant.impersonation.admin_name, "Priya Support");
    assert_eq!(grant.impersonation.expires_at, grant.expires_at);
    assert_eq!(grant.reason, REASON);
    let claims = JwtKeys::new(TEST_JWT_SECRET.as_bytes())
        .verify(&grant.access_token, now)
        .unwrap();
    assert_eq!(claims.iss, "bazaar.api/impersonation");
    assert_eq!(claims.sub, customer_id);
    assert_eq!(
        claims.permissions,
        api::auth::roles::permissions(Role::Customer)
    );
    assert!(!claims.mfa);
    // The session started during the call, which may straddle a second.
    let started = claims.impersonated().map_or(0, |session| session.started);
    assert!((before..=now).contains(&started), "{started}");
    assert_eq!(
        claims.impersonated(),
        Some(ImpersonationClaims {
            admin: &support.id,
            session: &grant.session_id,
            started,
            expires: started + 1_800,
            reason: REASON,
        })
    );
    // The token acts as the customer, and never reaches an administrator's route.
    let me: Value = json_of(app.me(Some(&grant.access_token)).await, StatusCode::OK).await;
    assert_eq!(me["id"], customer_id.as_str());
    let users = send(
        &app,
        Method::GET,
        "/admin/users",
        Some(&grant.access_token),
        None,
    )
    .await;
    assert_eq!(users.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(users).await.code, "forbidden");
    // The customer is told, in the same transaction as the session.
    assert_eq!(outbox(&app).await, mails_before + 1);
    let mails = app.delivered_mail().await;
    let mail = mails.last().unwrap();
    assert!(mail.contains("To: meera@example.com"), "{mails:#?}");
    assert!(
        mail.contains("Priya Support") && mail.contains(REASON),
        "{mails:#?}"
    );
}

#[tokio::test]
async fn only_an_administrator_whose_session_passed_a_second_factor_may_start_one() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (customer_token, customer_id) = customer(&app, "meera@example.com").await;
    let (other_token, _) = customer(&app, "ravi@example.com").await;
    let without_mfa = mfa_token(&app, &support.id, Role::Admin, false);

    let refused = start(&app, &without_mfa, start_body(&customer_id)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(refused).await.code, "mfa_required");
    for token in [&customer_token, &other_token] {
        let refused = start(&app, token, start_body(&customer_id)).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_eq!(problem(refused).await.code, "forbidden");
    }
    let anonymous = send(
        &app,
        Method::POST,
        "/admin/impersonate",
        None,
        Some(start_body(&customer_id)),
    )
    .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(sessions(&app).await, 0);
    // A super administrator may, with the second factor.
    let root = admin(&app, "root@bazaar.test", Role::SuperAdmin).await;
    grant_of(&app, &root.token, &customer_id).await;
}

#[tokio::test]
async fn an_impersonation_token_cannot_start_another_session() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (_, meera) = customer(&app, "meera@example.com").await;
    let (_, ravi) = customer(&app, "ravi@example.com").await;
    let grant = grant_of(&app, &support.token, &meera).await;

    // The policy refuses: the token carries the customer's permissions.
    let chained = start(&app, &grant.access_token, start_body(&ravi)).await;
    assert_eq!(chained.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(chained).await.code, "forbidden");
    // And the use case refuses on its own: a token of the live session that claimed the
    // permission (signed with the server's key) still cannot chain.
    let mut claims = JwtKeys::new(TEST_JWT_SECRET.as_bytes())
        .verify(&grant.access_token, app.clock.now())
        .unwrap();
    claims.permissions.push("impersonate:execute".into());
    let forged = JwtKeys::new(TEST_JWT_SECRET.as_bytes())
        .sign(&claims)
        .unwrap();
    let chained = start(&app, &forged, start_body(&ravi)).await;
    assert_eq!(chained.status(), StatusCode::FORBIDDEN);
    let chained = problem(chained).await;
    assert_eq!(chained.code, "impersonation_forbidden");
    assert_eq!(chained.errors[0].field, "targetUserId");
    assert_eq!(sessions(&app).await, 1);
}

#[tokio::test]
async fn each_bad_request_names_its_field_and_writes_nothing() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let other_admin = admin(&app, "arjun@bazaar.test", Role::Admin).await;
    let root = admin(&app, "root@bazaar.test", Role::SuperAdmin).await;
    let (_, customer_id) = customer(&app, "meera@example.com").await;
    let (_, locked_id) = customer(&app, "locked@example.com").await;
    api::db::sql("UPDATE users SET locked_until = $1 WHERE id = $2")
        .bind(app.clock.now() + 900)
        .bind(api::db::Id::parse(&locked_id).unwrap())
        .execute(&mut app.db.conn().await.unwrap())
        .await
        .unwrap();
    let with = |change: &dyn Fn(&mut Value)| {
        let mut body = start_body(&customer_id);
        change(&mut body);
        body
    };
    let mails_before = outbox(&app).await;
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "missing reason",
            with(&|b| drop(b.as_object_mut().unwrap().remove("reason"))),
            "reason",
            "required",
        ),
        (
            "blank reason",
            with(&|b| b["reason"] = json!("   ")),
            "reason",
            "required",
        ),
        (
            "long reason",
            with(&|b| b["reason"] = json!("x".repeat(501))),
            "reason",
            "too_long",
        ),
        (
            "zero minutes",
            with(&|b| b["durationMinutes"] = json!(0)),
            "durationMinutes",
            "out_of_range",
        ),
        (
            "241 minutes",
            with(&|b| b["durationMinutes"] = json!(241)),
            "durationMinutes",
            "out_of_range",
        ),
        (
            "negative minutes",
            with(&|b| b["durationMinutes"] = json!(-5)),
            "durationMinutes",
            "out_of_range",
        ),
        (
            "missing minutes",
            with(&|b| drop(b.as_object_mut().unwrap().remove("durationMinutes"))),
            "durationMinutes",
            "required",
        ),
        (
            "missing target",
            with(&|b| drop(b.as_object_mut().unwrap().remove("targetUserId"))),
            "targetUserId",
            "required",
        ),
        (
            "malformed target",
            with(&|b| b["targetUserId"] = json!("user_456")),
            "targetUserId",
            "unknown_user",
        ),
        (
            "unknown target",
            with(&|b| b["targetUserId"] = json!(uuid::Uuid::new_v4().to_string())),
            "targetUserId",
            "unknown_user",
        ),
        (
            "locked target",
            with(&|b| b["targetUserId"] = json!(locked_id)),
            "targetUserId",
            "inactive_user",
        ),
        (
            "admin target",
            with(&|b| b["targetUserId"] = json!(other_admin.id)),
            "targetUserId",
            "administrator",
        ),
        (
            "super admin target",
            with(&|b| b["targetUserId"] = json!(root.id)),
            "targetUserId",
            "administrator",
        ),
        (
            "oneself",
            with(&|b| b["targetUserId"] = json!(support.id)),
            "targetUserId",
            "self",
        ),
    ];
    for (case, body, field, code) in cases {
        let response = start(&app, &support.token, body).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{case}"
        );
        let problem = problem(response).await;
        assert_eq!(problem.code, "validation_failed", "{case}");
        let named: Vec<_> = problem
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(named, [(field, code)], "{case}");
    }
    assert_eq!(sessions(&app).await, 0);
    assert_eq!(outbox(&app).await, mails_before);
    // The limits themselves are allowed.
    let mut longest = start_body(&customer_id);
    longest["durationMinutes"] = json!(240);
    longest["reason"] = json!("x".repeat(500));
    assert_eq!(
        start(&app, &support.token, longest).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn ending_a_session_revokes_its_token_at_once() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (_, customer_id) = customer(&app, "meera@example.com").await;
    let grant = grant_of(&app, &support.token, &customer_id).await;
    assert_eq!(me_status(&app, &grant.access_token).await, StatusCode::OK);

    let end = send(
        &app,
        Method::POST,
        "/admin/impersonate/end",
        Some(&grant.access_token),
        None,
    )
    .await;
    assert_eq!(end.status(), StatusCode::NO_CONTENT);

    // Refused everywhere: behind a policy, on a public route, and ending it again.
    let me = app.me(Some(&grant.access_token)).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem(me).await.code, "unauthenticated");
    // A public route that reads who calls (a guest would get 404 for an unknown cart).
    let cart = send(
        &app,
        Method::GET,
        &format!("/carts/{}", uuid::Uuid::new_v4()),
        Some(&grant.access_token),
        None,
    )
    .await;
    assert_eq!(cart.status(), StatusCode::UNAUTHORIZED);
    let again = send(
        &app,
        Method::POST,
        "/admin/impersonate/end",
        Some(&grant.access_token),
        None,
    )
    .await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    // An ordinary session has nothing to end.
    let ordinary = send(
        &app,
        Method::POST,
        "/admin/impersonate/end",
        Some(&support.token),
        None,
    )
    .await;
    assert_eq!(ordinary.status(), StatusCode::CONFLICT);
    assert_eq!(problem(ordinary).await.code, "not_impersonating");
}

#[tokio::test]
async fn a_session_ends_when_its_time_is_up_not_thirty_seconds_later() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (_, customer_id) = customer(&app, "meera@example.com").await;
    let grant = grant_of(&app, &support.token, &customer_id).await;

    // The test clock runs on while requests travel (seconds, on a loaded machine): the first
    // check is 20 s before the end, the second 1 s after it, well inside the token's 30 s of
    // leeway.
    app.clock.advance(30 * 60 - 20);
    assert_eq!(me_status(&app, &grant.access_token).await, StatusCode::OK);
    app.clock.advance(21);
    // The token's own leeway would allow 30 s more; the server's session does not.
    let me = app.me(Some(&grant.access_token)).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(problem(me).await.code, "unauthenticated");
}

#[tokio::test]
async fn a_token_naming_no_live_session_of_its_admin_and_target_is_refused() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (_, meera) = customer(&app, "meera@example.com").await;
    let (_, ravi) = customer(&app, "ravi@example.com").await;
    let grant = grant_of(&app, &support.token, &meera).await;
    let keys = JwtKeys::new(TEST_JWT_SECRET.as_bytes());
    let now = app.clock.now();
    let session = |id: &'static str| ImpersonationClaims {
        admin: Box::leak(support.id.clone().into_boxed_str()),
        session: id,
        started: now,
        expires: now + 600,
        reason: REASON,
    };

    // A session id the server never made, and the live session moved to another target.
    let unknown = Claims::impersonation(
        &meera,
        Role::Customer,
        session("3f1c3f6e-0000-4000-8000-000000000000"),
    );
    let live: &'static str = Box::leak(grant.session_id.clone().into_boxed_str());
    let moved = Claims::impersonation(&ravi, Role::Customer, session(live));
    for claims in [unknown, moved] {
        let token = keys.sign(&claims).unwrap();
        assert_eq!(
            me_status(&app, &token).await,
            StatusCode::UNAUTHORIZED,
            "{claims:?}"
        );
    }
}

#[tokio::test]
async fn signing_out_ends_the_administrators_sessions_on_the_server() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (_, meera) = customer(&app, "meera@example.com").await;
    let (_, ravi) = customer(&app, "ravi@example.com").await;
    let first = grant_of(&app, &support.token, &meera).await;
    let second = grant_of(&app, &support.token, &ravi).await;

    assert_eq!(
        app.logout(&support.cookies).await.status(),
        StatusCode::NO_CONTENT
    );

    for grant in [&first, &second] {
        assert_eq!(
            me_status(&app, &grant.access_token).await,
            StatusCode::UNAUTHORIZED
        );
    }
    // "Sign out everywhere" too.
    let third = grant_of(&app, &support.token, &meera).await;
    assert_eq!(
        app.logout_all(&support.token).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        me_status(&app, &third.access_token).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sign_out_everywhere_from_support_ends_only_the_support_session() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (customer_grant, customer_cookies) = session_of(
        app.register("meera@example.com", "correct horse battery", "Meera")
            .await,
    )
    .await;
    let grant = grant_of(&app, &support.token, &customer_grant.user.id).await;

    assert_eq!(
        app.logout_all(&grant.access_token).await.status(),
        StatusCode::NO_CONTENT
    );

    assert_eq!(
        me_status(&app, &grant.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    // The customer's own sign-in still refreshes.
    assert_eq!(
        app.refresh(&customer_cookies).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn support_may_fill_the_cart_but_not_change_the_second_factor_addresses_or_orders() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (_, shop) = seller(&app, &support.token, "asha@example.com", GSTIN_MH).await;
    let _ = shop;
    let seller_token =
        crate::fixtures::seller(&app, &support.token, "kiran@example.com", "29AAGCB7383J1Z4")
            .await
            .0;
    let product = add_product(&app, &seller_token, product_body("Shirt", "SH-1", 100_000)).await;
    let (_, customer_id) = customer(&app, "meera@example.com").await;
    let grant = grant_of(&app, &support.token, &customer_id).await;
    let token = grant.access_token.as_str();

    // Customer actions are allowed: the cart.
    let cart = send(&app, Method::GET, "/cart", Some(token), None).await;
    let cart: Cart = serde_json::from_value(json_of(cart, StatusCode::OK).await).unwrap();
    let added = send(
        &app,
        Method::POST,
        &format!("/carts/{}/items", cart.cart_id),
        Some(token),
        Some(json!({ "productId": product.id, "quantity": 1 })),
    )
    .await;
    assert_eq!(added.status(), StatusCode::CREATED);

    let order = app
        .client
        .post(app.url("/api/v1/orders"))
        .bearer_auth(token)
        .header("idempotency-key", "support-1")
        .json(&json!({
            "cartId": cart.cart_id,
            "address": { "name": "Meera", "phone": "9876543210", "line1": "1 New Road",
                         "city": "Pune", "stateCode": "27", "pincode": "411001" }
        }))
        .send()
        .await
        .unwrap();
    let refusals = vec![
        ("place an order", order, "address"),
        (
            "enrol a second factor",
            send(&app, Method::POST, "/auth/mfa/enroll", Some(token), None).await,
            "secondFactor",
        ),
        (
            "activate a second factor",
            send(
                &app,
                Method::POST,
                "/auth/mfa/activate",
                Some(token),
                Some(json!({ "code": "123456" })),
            )
            .await,
            "secondFactor",
        ),
        (
            "apply for a shop",
            send(
                &app,
                Method::POST,
                "/shops",
                Some(token),
                Some(crate::fixtures::application("Meera Traders", GSTIN_MH)),
            )
            .await,
            "address",
        ),
    ];
    for (what, response, field) in refusals {
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{what}");
        let problem = problem(response).await;
        assert_eq!(problem.code, "impersonation_forbidden", "{what}");
        assert_eq!(problem.errors[0].field, field, "{what}");
    }
    assert_eq!(app.count("SELECT count(*) FROM orders").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM totp_secrets").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM shops").await, 2);
}

/// Pays order `placed` on the mock gateway's page (the shop takes its webhook).
async fn pay(app: &TestApp, placed: &Order) {
    let pay_url = placed.payment_url.as_deref().unwrap();
    let page = app.client.get(app.url(pay_url)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    app.client
        .post(app.url(pay_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=approve")
        .send()
        .await
        .unwrap();
}

/// The customer of `token` orders one unit of `product`, delivered to `address`, under
/// idempotency key `key`.
async fn order_one(app: &TestApp, token: &str, product: &str, key: &str, address: Value) -> Order {
    let cart = send(app, Method::GET, "/cart", Some(token), None).await;
    let cart: Cart = serde_json::from_value(json_of(cart, StatusCode::OK).await).unwrap();
    send(
        app,
        Method::PUT,
        &format!("/carts/{}/items/{product}", cart.cart_id),
        Some(token),
        Some(json!({ "quantity": 1 })),
    )
    .await;
    let placed = app
        .client
        .post(app.url("/api/v1/orders"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&json!({ "cartId": cart.cart_id, "address": address }))
        .send()
        .await
        .unwrap();
    serde_json::from_value(json_of(placed, StatusCode::CREATED).await).unwrap()
}

#[tokio::test]
async fn every_answer_to_support_masks_personal_data() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (seller_token, _) = seller(&app, &support.token, "asha@example.com", GSTIN_MH).await;
    let product = add_product(&app, &seller_token, product_body("Shirt", "SH-1", 100_000)).await;
    let (customer_token, customer_id) = customer(&app, "meera@example.com").await;
    let address = json!({ "name": "Meera Buyer", "phone": "+91 98765 43210", "line1": "4 Lake View",
                          "line2": "Flat 2", "city": "Pune", "stateCode": "27", "pincode": "411001" });
    let placed = order_one(&app, &customer_token, &product.id, "k1", address).await;
    pay(&app, &placed).await;
    // A second, unpaid order keeps its payment link.
    let address = json!({ "name": "Meera Buyer", "phone": "9876543210", "line1": "4 Lake View",
                          "city": "Pune", "stateCode": "27", "pincode": "411001" });
    let unpaid = order_one(&app, &customer_token, &product.id, "k2", address).await;
    let customer_view: Order = serde_json::from_value(
        json_of(
            send(
                &app,
                Method::GET,
                &format!("/orders/{}", placed.id),
                Some(&customer_token),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    assert_eq!(
        customer_view.address.pincode, "411001",
        "the customer sees their own data"
    );

    let grant = grant_of(&app, &support.token, &customer_id).await;
    let token = grant.access_token.as_str();

    // Orders, one and the list.
    let one: Order = serde_json::from_value(
        json_of(
            send(
                &app,
                Method::GET,
                &format!("/orders/{}", placed.id),
                Some(token),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    assert_eq!(one.address.line1, "4 Lake View");
    assert_eq!(one.address.phone, "+91-9***-****10");
    assert_eq!(
        (one.address.city.as_str(), one.address.pincode.as_str()),
        ("[MASKED]", "[MASKED]")
    );
    assert_eq!(one.address.line2, None);
    let page: OrderPage = serde_json::from_value(
        json_of(
            send(&app, Method::GET, "/orders", Some(token), None).await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    assert_eq!(page.items.len(), 2);
    for order in &page.items {
        assert_eq!(order.address.phone, "+91-9***-****10");
        assert_eq!(order.address.pincode, "[MASKED]");
    }
    let listed_unpaid = page.items.iter().find(|o| o.id == unpaid.id).unwrap();
    assert!(unpaid.payment_url.is_some());
    assert_eq!(listed_unpaid.payment_url.as_deref(), Some("[REDACTED]"));
    // Invoices: JSON and PDF.
    let invoices: InvoiceList = serde_json::from_value(
        json_of(
            send(
                &app,
                Method::GET,
                &format!("/orders/{}/invoices", placed.id),
                Some(token),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    let invoice = &invoices.items[0];
    assert_eq!(invoice.recipient.address, ["4 Lake View", "[MASKED]"]);
    assert_eq!(invoice.supplier.gstin.as_deref(), Some("27AAPF****ZV"));
    let shown: Value = json_of(
        send(
            &app,
            Method::GET,
            &format!("/invoices/{}", invoice.id),
            Some(token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let text = shown.to_string();
    assert!(
        !text.contains(GSTIN_MH) && !text.contains("411001") && !text.contains("Pune"),
        "{text}"
    );
    let pdf = send(
        &app,
        Method::GET,
        &format!("/invoices/{}/pdf", invoice.id),
        Some(token),
        None,
    )
    .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    let pdf = crate::invoice_pdf::text_of(&pdf.bytes().await.unwrap());
    assert!(
        pdf.contains("27AAPF****ZV") && pdf.contains("[MASKED]"),
        "the PDF is masked"
    );
    assert!(
        !pdf.contains(GSTIN_MH) && !pdf.contains("411001"),
        "the PDF shows nothing in clear"
    );
    // The customer's own view of the invoice is whole.
    let whole: Value = json_of(
        send(
            &app,
            Method::GET,
            &format!("/invoices/{}", invoice.id),
            Some(&customer_token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(whole.to_string().contains("411001"));
}

#[tokio::test]
async fn a_sellers_shop_is_masked_for_support() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (seller_token, shop) = seller(&app, &support.token, "asha@example.com", GSTIN_MH).await;
    let grant = grant_of(&app, &support.token, &shop.owner_id).await;

    let masked: Shop = serde_json::from_value(
        json_of(
            send(
                &app,
                Method::GET,
                "/shops/mine",
                Some(&grant.access_token),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    let own: Shop = serde_json::from_value(
        json_of(
            send(&app, Method::GET, "/shops/mine", Some(&seller_token), None).await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();

    assert_eq!(own.gstin, GSTIN_MH);
    assert_eq!(masked.gstin, "27AAPF****ZV");
    assert_eq!(masked.address.line1, own.address.line1);
    assert_eq!(
        (
            masked.address.city.as_str(),
            masked.address.pincode.as_str()
        ),
        ("[MASKED]", "[MASKED]")
    );
    // The seller's token under impersonation keeps the seller's scope, not the admin's.
    assert_eq!(grant.user.role, Role::Seller);
}

#[tokio::test]
async fn the_customer_sees_every_support_session_in_their_access_history() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (_, customer_id) = customer(&app, "meera@example.com").await;
    let (_, other_id) = customer(&app, "ravi@example.com").await;
    let first = grant_of(&app, &support.token, &customer_id).await;
    app.clock.advance(10 * 60);
    // The test clock runs with the real one: the session ends during the call.
    let ending = app.clock.now();
    send(
        &app,
        Method::POST,
        "/admin/impersonate/end",
        Some(&first.access_token),
        None,
    )
    .await;
    let ended = ending..=app.clock.now();
    app.clock.advance(60);
    let mut body = start_body(&customer_id);
    body["reason"] = json!("Refund question");
    body["durationMinutes"] = json!(15);
    start(&app, &support.token, body).await;
    app.clock.advance(5 * 60);
    // Past the access tokens' 15 minutes: fresh ones, as after a refresh.
    let customer_token = mfa_token(&app, &customer_id, Role::Customer, false);
    let other_token = mfa_token(&app, &other_id, Role::Customer, false);

    let history: AccessHistory = serde_json::from_value(
        json_of(
            send(
                &app,
                Method::GET,
                "/users/me/access-history",
                Some(&customer_token),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();

    assert_eq!(history.items.len(), 2);
    let (latest, earlier) = (&history.items[0], &history.items[1]);
    assert_eq!(
        (
            latest.reason.as_str(),
            latest.active,
            latest.duration_minutes
        ),
        ("Refund question", true, 5)
    );
    assert_eq!(latest.ended_at, None);
    assert_eq!(earlier.admin_name, "Priya Support");
    assert_eq!(
        (
            earlier.reason.as_str(),
            earlier.active,
            earlier.duration_minutes
        ),
        (REASON, false, 10)
    );
    assert!(
        earlier.ended_at.is_some_and(|at| ended.contains(&at)),
        "{:?} not in {ended:?}",
        earlier.ended_at
    );
    // Nobody else's.
    let none: AccessHistory = serde_json::from_value(
        json_of(
            send(
                &app,
                Method::GET,
                "/users/me/access-history",
                Some(&other_token),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await,
    )
    .unwrap();
    assert!(none.items.is_empty());
}

#[tokio::test]
async fn every_action_of_support_is_audited_flagged_with_the_administrator() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let seller_token = seller(&app, &support.token, "asha@example.com", GSTIN_MH)
        .await
        .0;
    let product = add_product(&app, &seller_token, product_body("Shirt", "SH-1", 100_000)).await;
    let (customer_token, customer_id) = customer(&app, "meera@example.com").await;
    let mark = app.audit_mark().await;

    let grant = grant_of(&app, &support.token, &customer_id).await;
    let token = grant.access_token.as_str();
    let cart = send(&app, Method::GET, "/cart", Some(token), None).await;
    let cart: Cart = serde_json::from_value(json_of(cart, StatusCode::OK).await).unwrap();
    let added = send(
        &app,
        Method::POST,
        &format!("/carts/{}/items", cart.cart_id),
        Some(token),
        Some(json!({ "productId": product.id, "quantity": 1 })),
    )
    .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let ended = send(
        &app,
        Method::POST,
        "/admin/impersonate/end",
        Some(token),
        None,
    )
    .await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    // The customer's own action afterwards is not flagged.
    let own = send(&app, Method::GET, "/cart", Some(&customer_token), None).await;
    assert_eq!(own.status(), StatusCode::OK);

    let rows = app.audit_after(mark).await;
    let started = rows
        .iter()
        .find(|row| row.action == "impersonation:start")
        .expect("the start is audited");
    // The administrator starts the session as themself, naming the target and the reason.
    assert_eq!(started.actor_id.as_deref(), Some(support.id.as_str()));
    assert_eq!(started.resource_id.as_deref(), Some(customer_id.as_str()));
    assert!(!started.impersonation_flag);
    assert!(started.changes.contains(REASON), "{}", started.changes);
    let during: Vec<_> = rows
        .iter()
        .skip_while(|row| row.action != "impersonation:start")
        .skip(1)
        .take_while(|row| row.action != "impersonation:end")
        .collect();
    assert!(
        during.iter().any(|row| row.action == "carts:set_item"),
        "{rows:?}"
    );
    let end = rows
        .iter()
        .find(|row| row.action == "impersonation:end")
        .expect("the end is audited");
    for row in during.iter().copied().chain([end]) {
        assert!(row.impersonation_flag, "{row:?}");
        assert_eq!(
            row.actor_id.as_deref(),
            Some(customer_id.as_str()),
            "{row:?}"
        );
        assert_eq!(
            row.impersonated_by.as_deref(),
            Some(support.id.as_str()),
            "{row:?}"
        );
    }
    assert!(
        rows.iter()
            .skip_while(|row| row.action != "impersonation:end")
            .skip(1)
            .all(|row| !row.impersonation_flag),
        "{rows:?}"
    );
}

#[tokio::test]
async fn the_viewer_names_who_acted_and_the_administrator_behind_a_support_session() {
    let app = spawn_app().await;
    let support = admin(&app, "priya@bazaar.test", Role::Admin).await;
    let (_, customer_id) = customer(&app, "meera@example.com").await;
    let grant = grant_of(&app, &support.token, &customer_id).await;
    let cart = send(&app, Method::GET, "/cart", Some(&grant.access_token), None).await;
    assert_eq!(cart.status(), StatusCode::OK);
    let ended = send(
        &app,
        Method::POST,
        "/admin/impersonate/end",
        Some(&grant.access_token),
        None,
    )
    .await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);

    let page = send(
        &app,
        Method::GET,
        "/audit?preset=impersonations",
        Some(&support.token),
        None,
    )
    .await;
    let page: contracts::audit::AuditPage =
        serde_json::from_value(json_of(page, StatusCode::OK).await).unwrap();
    let end = page
        .items
        .iter()
        .find(|row| row.action == "impersonation:end")
        .expect("the end is flagged");
    assert_eq!(end.actor_name.as_deref(), Some("Test Customer"));
    assert_eq!(end.impersonator_name.as_deref(), Some("Priya Support"));

    let all = send(
        &app,
        Method::GET,
        "/audit?action=impersonation:start",
        Some(&support.token),
        None,
    )
    .await;
    let all: contracts::audit::AuditPage =
        serde_json::from_value(json_of(all, StatusCode::OK).await).unwrap();
    let start = &all.items[0];
    assert_eq!(start.actor_name.as_deref(), Some("Priya Support"));
    assert_eq!(start.impersonator_name, None);
}
