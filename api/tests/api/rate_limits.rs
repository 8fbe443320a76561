//! Rate limits: a generous token bucket per address over the whole API, that a shopper
//! browsing and filling a cart never meets; strict ones per address on sign-in, challenge
//! answers, reset links, sign-ups and order placement, per account on sign-in; 429
//! `rate_limited` with `Retry-After`; `X-Forwarded-For` believed only behind a trusted proxy;
//! 0 turns a limit off; static files never count.

use crate::fixtures::{GSTIN_MH, add_product, product_body, seller, send, staff};
use crate::helpers::{GENEROUS_LIMITS, TestApp, header, problem, spawn_app_with};
use api::config::RateLimits;
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

const EMAIL: &str = "asha@example.in";
const PASSWORD: &str = "a long enough password";

/// A server with `limits` (and `TRUST_PROXY` as given), and an account to sign in to.
async fn app_with(limits: RateLimits, trust_proxy: bool) -> TestApp {
    let app = spawn_app_with(|config| {
        config.rate_limits = limits;
        config.trust_proxy = trust_proxy;
    })
    .await;
    let registered = app.register(EMAIL, PASSWORD, "Asha").await;
    assert_eq!(registered.status(), 201);
    app
}

/// Asserts a 429 `rate_limited` problem whose `Retry-After` is between 1 and `max_secs`.
async fn assert_rate_limited(response: reqwest::Response, max_secs: u64) {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = header(&response, "retry-after")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=max_secs).contains(&retry_after), "{retry_after}");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    let problem = problem(response).await;
    assert_eq!(problem.status, 429);
    assert_eq!(problem.code, "rate_limited");
}

const FIFTEEN_MINUTES: u64 = 15 * 60;

#[tokio::test]
async fn the_sixth_sign_in_from_one_address_is_429_even_with_the_right_password() {
    let limits = RateLimits {
        login: 5,
        ..GENEROUS_LIMITS
    };
    let app = app_with(limits, false).await;

    for attempt in 1..=5 {
        let response = app.login(EMAIL, PASSWORD).await;
        assert_eq!(response.status(), 200, "attempt {attempt}");
    }
    let sixth = app.login(EMAIL, PASSWORD).await;

    assert_rate_limited(sixth, FIFTEEN_MINUTES).await;
}

#[tokio::test]
async fn sign_ins_to_one_account_from_many_addresses_stop_at_the_account_limit() {
    let limits = RateLimits {
        login_account: 5,
        ..GENEROUS_LIMITS
    };
    let app = app_with(limits, true).await;

    for n in 1..=5 {
        let response = app
            .login_from(&format!("203.0.113.{n}"), EMAIL, "a wrong password")
            .await;
        assert_eq!(response.status(), 401, "attempt {n}");
    }
    // The right password, another address, the email spelt differently: still that account.
    let sixth = app
        .login_from("203.0.113.6", " Asha@Example.IN", PASSWORD)
        .await;
    let other_account = app
        .login_from("203.0.113.7", "ravi@example.in", PASSWORD)
        .await;

    assert_rate_limited(sixth, FIFTEEN_MINUTES).await;
    assert_eq!(other_account.status(), 401);
}

#[tokio::test]
async fn x_forwarded_for_is_ignored_without_a_trusted_proxy() {
    let limits = RateLimits {
        login: 5,
        ..GENEROUS_LIMITS
    };
    let app = app_with(limits, false).await;

    for n in 1..=5 {
        let response = app
            .login_from(&format!("203.0.113.{n}"), EMAIL, PASSWORD)
            .await;
        assert_eq!(response.status(), 200, "attempt {n}");
    }
    let sixth = app.login_from("203.0.113.6", EMAIL, PASSWORD).await;

    assert_rate_limited(sixth, FIFTEEN_MINUTES).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_has_its_own_allowance() {
    let limits = RateLimits {
        login: 2,
        ..GENEROUS_LIMITS
    };
    let app = app_with(limits, true).await;

    for _ in 0..2 {
        let response = app.login_from("203.0.113.1", EMAIL, PASSWORD).await;
        assert_eq!(response.status(), 200);
    }
    // A client cannot pick its own key by writing addresses to the left of the proxy's.
    let spoofing = app
        .login_from("198.51.100.9, 203.0.113.1", EMAIL, PASSWORD)
        .await;
    let another_client = app.login_from("203.0.113.2", EMAIL, PASSWORD).await;

    assert_rate_limited(spoofing, FIFTEEN_MINUTES).await;
    assert_eq!(another_client.status(), 200);
}

#[tokio::test]
async fn a_thousand_catalog_and_cart_requests_on_default_settings_are_never_throttled() {
    let app = spawn_app_with(|config| config.rate_limits = RateLimits::default()).await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let shirt = add_product(&app, &seller, product_body("Shirt", "SH-1", 100_000)).await;
    let cart = send(&app, Method::POST, "/carts", None, None).await;
    assert_eq!(cart.status(), StatusCode::CREATED);
    let cart = cart.json::<serde_json::Value>().await.unwrap()["cartId"]
        .as_str()
        .unwrap()
        .to_owned();
    let line = format!("/carts/{cart}/items/{}", shirt.id);
    let product = format!("/products/{}", shirt.id);
    let added = send(
        &app,
        Method::POST,
        &format!("/carts/{cart}/items"),
        None,
        Some(json!({ "productId": shirt.id, "quantity": 1 })),
    )
    .await;
    assert_eq!(added.status(), StatusCode::CREATED);

    // As fast as the server answers: the bucket's burst, not its refill, lets them through.
    for n in 0..1_000 {
        let response = match n % 4 {
            0 => send(&app, Method::GET, "/products?q=shirt", None, None).await,
            1 => send(&app, Method::GET, &product, None, None).await,
            2 => {
                let quantity = json!({ "quantity": 1 + n % 3 });
                send(&app, Method::PUT, &line, None, Some(quantity)).await
            }
            _ => send(&app, Method::GET, &format!("/carts/{cart}"), None, None).await,
        };
        assert_eq!(response.status(), StatusCode::OK, "request {n}");
    }
}

#[tokio::test]
async fn the_sixth_wrong_password_within_15_minutes_is_429_on_default_settings() {
    let app = app_with(RateLimits::default(), false).await;

    for attempt in 1..=5 {
        let response = app.login(EMAIL, "a wrong password").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let sixth = app.login(EMAIL, "a wrong password").await;

    assert_eq!(header(&sixth, "content-type"), "application/problem+json");
    let retry_after: u64 = header(&sixth, "retry-after").parse().unwrap();
    assert!(retry_after > FIFTEEN_MINUTES - 60, "{retry_after}");
    assert_rate_limited(sixth, FIFTEEN_MINUTES).await;
}

#[tokio::test]
async fn sign_ups_and_order_placements_from_one_address_are_limited() {
    let limits = RateLimits {
        register: 2,
        orders: 1,
        ..GENEROUS_LIMITS
    };
    let app = spawn_app_with(|config| config.rate_limits = limits).await;

    for n in 1..=2 {
        let email = format!("shopper{n}@example.in");
        assert_eq!(
            app.register(&email, PASSWORD, "Shopper").await.status(),
            201
        );
    }
    let third = app
        .register("shopper3@example.in", PASSWORD, "Shopper")
        .await;
    // Counted before the handler, so even a request it would refuse spends the allowance.
    let order = send(&app, Method::POST, "/orders", None, Some(json!({}))).await;
    let second_order = send(&app, Method::POST, "/orders", None, Some(json!({}))).await;
    let reading_orders = send(&app, Method::GET, "/orders", None, None).await;

    assert_rate_limited(third, 60 * 60).await;
    assert_eq!(order.status(), StatusCode::UNAUTHORIZED);
    assert_rate_limited(second_order, FIFTEEN_MINUTES).await;
    assert_eq!(reading_orders.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_api_bucket_counts_api_requests_and_never_static_files() {
    // A burst of 3 that refills one a minute: the test is over long before the refill.
    let limits = RateLimits {
        api_per_minute: 1,
        api_burst: 3,
        ..GENEROUS_LIMITS
    };
    let app = spawn_app_with(|config| config.rate_limits = limits).await;
    app.write("index.html", "<!doctype html><title>shell</title>");
    app.write("shell/0123456789abcdef/shell.js", "export default 1;");

    for _ in 0..5 {
        assert_eq!(app.get("/").await.status(), 200);
        assert_eq!(
            app.get("/shell/0123456789abcdef/shell.js").await.status(),
            200
        );
    }
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/health").await.status(), 200);
    }
    let fourth = app.get("/api/v1/nope").await;

    assert_rate_limited(fourth, 60).await;
    assert_eq!(app.get("/products/42").await.status(), 200);
}

#[tokio::test]
async fn zero_turns_a_limit_off() {
    let limits = RateLimits {
        api_per_minute: 0,
        login: 0,
        login_account: 0,
        ..GENEROUS_LIMITS
    };
    let app = app_with(limits, false).await;

    for attempt in 1..=8 {
        let response = app.login(EMAIL, PASSWORD).await;
        assert_eq!(response.status(), 200, "attempt {attempt}");
    }
}

#[tokio::test]
async fn answers_to_sign_in_challenges_from_one_address_are_limited() {
    let limits = RateLimits {
        mfa: 2,
        ..GENEROUS_LIMITS
    };
    let app = spawn_app_with(|config| config.rate_limits = limits).await;

    for _ in 0..2 {
        let response = app.mfa_verify("no-such-challenge", "123456").await;
        assert_eq!(response.status(), 401);
    }
    let third = app.mfa_verify("no-such-challenge", "123456").await;

    assert_rate_limited(third, FIFTEEN_MINUTES).await;
}

#[tokio::test]
async fn reset_link_requests_from_one_address_are_limited_for_an_hour() {
    let limits = RateLimits {
        password_reset: 2,
        ..GENEROUS_LIMITS
    };
    let app = app_with(limits, false).await;

    for _ in 0..2 {
        assert_eq!(app.forgot_password(EMAIL).await.status(), 202);
    }
    let third = app.forgot_password("ravi@example.in").await;

    assert_eq!(third.status(), 429);
    let retry_after: u64 = header(&third, "retry-after").parse().unwrap();
    assert!(retry_after > FIFTEEN_MINUTES, "{retry_after}");
    assert_rate_limited(third, 60 * 60).await;
}
