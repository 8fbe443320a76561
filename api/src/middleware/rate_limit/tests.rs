//! The rate limiter's rules on a fake clock, and the sign-in body's round trip.

use super::*;
use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::http::StatusCode;
use axum::routing::post;
use governor::clock::FakeRelativeClock;
use std::net::IpAddr;
use tower::ServiceExt as _;

const ADDRESS: Key = Key::Client(Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 1))));

/// Every rule off but those `limits` sets.
const OFF: RateLimits = RateLimits {
    api_per_minute: 0,
    api_burst: 0,
    login: 0,
    login_account: 0,
    mfa: 0,
    password_reset: 0,
    register: 0,
    orders: 0,
};

fn limiter(limits: RateLimits) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
    let clock = FakeRelativeClock::default();
    (RateLimiter::with_clock(limits, false, clock.clone()), clock)
}

#[test]
fn a_strict_limit_is_a_burst_then_one_more_per_window() {
    let (limiter, clock) = limiter(RateLimits { login: 5, ..OFF });
    let login = [(Rule::Login, ADDRESS)];

    for _ in 0..5 {
        assert_eq!(limiter.check(&login), Ok(()));
    }
    clock.advance(Duration::from_millis(60_500));
    let sixth = limiter.check(&login);
    clock.advance(WINDOW - Duration::from_millis(60_500));
    let after_the_window = limiter.check(&login);
    let seventh = limiter.check(&login);

    assert_eq!(
        sixth,
        Err(Refusal {
            rule: Rule::Login,
            retry_after_secs: 15 * 60 - 60,
        })
    );
    assert_eq!(after_the_window, Ok(()));
    assert_eq!(seventh.unwrap_err().retry_after_secs, 15 * 60);
}

#[test]
fn the_api_bucket_takes_its_burst_at_once_then_refills_at_its_rate() {
    let (limiter, clock) = limiter(RateLimits {
        api_per_minute: 60,
        api_burst: 3,
        ..OFF
    });
    let api = [(Rule::Api, ADDRESS)];

    for _ in 0..3 {
        assert_eq!(limiter.check(&api), Ok(()));
    }
    let fourth = limiter.check(&api);
    clock.advance(Duration::from_secs(1));
    let refilled = limiter.check(&api);

    assert_eq!(
        fourth,
        Err(Refusal {
            rule: Rule::Api,
            retry_after_secs: 1,
        })
    );
    assert_eq!(refilled, Ok(()));
    assert!(limiter.check(&api).is_err());
}

#[test]
fn the_default_api_bucket_lets_a_thousand_requests_through_at_once() {
    let (limiter, _clock) = limiter(RateLimits::default());
    let api = [(Rule::Api, ADDRESS)];

    for n in 0..1_200 {
        assert_eq!(limiter.check(&api), Ok(()), "request {n}");
    }
    assert!(limiter.check(&api).is_err());
}

#[test]
fn a_request_refused_by_its_address_spends_nothing_from_its_account() {
    let (limiter, _clock) = limiter(RateLimits {
        login: 1,
        login_account: 2,
        ..OFF
    });
    let account = Key::account("asha@example.in");
    limiter.check(&[(Rule::Login, ADDRESS)]).unwrap();

    for _ in 0..5 {
        let both = [(Rule::Login, ADDRESS), (Rule::LoginAccount, account)];
        assert_eq!(limiter.check(&both).unwrap_err().rule, Rule::Login);
    }

    // The account still has both its attempts, from two other addresses.
    for n in 2..=3 {
        let other = Key::client(Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, n))));
        let elsewhere = [(Rule::Login, other), (Rule::LoginAccount, account)];
        assert_eq!(limiter.check(&elsewhere), Ok(()));
    }
    let fourth = Key::client(Some("198.51.100.4".parse().unwrap()));
    let refused = limiter.check(&[(Rule::Login, fourth), (Rule::LoginAccount, account)]);
    assert_eq!(refused.unwrap_err().rule, Rule::LoginAccount);
}

#[test]
fn limits_count_separately_per_rule_and_per_key_and_zero_is_off() {
    let (limiter, _clock) = limiter(RateLimits {
        login: 1,
        mfa: 1,
        ..OFF
    });
    let other = Key::client(Some("198.51.100.2".parse().unwrap()));
    limiter.check(&[(Rule::Login, ADDRESS)]).unwrap();

    assert_eq!(limiter.check(&[(Rule::Login, other)]), Ok(()));
    assert_eq!(limiter.check(&[(Rule::Mfa, ADDRESS)]), Ok(()));
    assert!(limiter.check(&[(Rule::Login, ADDRESS)]).is_err());
    for _ in 0..10 {
        assert_eq!(limiter.check(&[(Rule::Orders, ADDRESS)]), Ok(()));
    }
    assert!(!limiter.is_on(Rule::Api) && !limiter.is_on(Rule::Orders));
}

#[test]
fn reset_links_and_sign_ups_wait_an_hour() {
    let (limiter, _clock) = limiter(RateLimits {
        password_reset: 1,
        register: 1,
        ..OFF
    });
    for rule in [Rule::PasswordReset, Rule::Register] {
        limiter.check(&[(rule, ADDRESS)]).unwrap();
        let refusal = limiter.check(&[(rule, ADDRESS)]).unwrap_err();
        assert_eq!(refusal.retry_after_secs, 60 * 60, "{rule:?}");
    }
}

#[test]
fn idle_keys_are_swept_once_the_table_is_large() {
    let (limiter, clock) = limiter(RateLimits {
        api_per_minute: 60,
        api_burst: 10,
        ..OFF
    });
    for n in 0..SWEEP_AT as u32 {
        let key = Key::client(Some(IpAddr::V4(n.into())));
        limiter.check(&[(Rule::Api, key)]).unwrap();
    }
    let api = &limiter.limiters[0];
    assert_eq!(api.buckets.len(), SWEEP_AT);

    clock.advance(Duration::from_secs(60));
    limiter.check(&[(Rule::Api, ADDRESS)]).unwrap();

    assert_eq!(api.buckets.len(), 1);
    assert_eq!(api.sweep_at.load(Ordering::Relaxed), SWEEP_AT);
}

#[test]
fn retry_after_rounds_up_to_whole_seconds() {
    assert_eq!(whole_seconds(Duration::ZERO), 1);
    assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
    assert_eq!(whole_seconds(Duration::from_millis(2_001)), 3);
    assert_eq!(whole_seconds(Duration::from_secs(900)), 900);
}

#[test]
fn every_limited_path_is_a_route_and_only_post_is_strict() {
    let routes: Vec<String> = crate::routes::routes()
        .specs()
        .into_iter()
        .filter(|spec| spec.method == Method::POST)
        .map(|spec| format!("/api/v1{}", spec.path))
        .collect();

    for (path, rule) in ROUTES {
        assert!(routes.iter().any(|route| route == path), "{path}");
        assert_eq!(route_rule(&Method::POST, path), Some(rule));
        assert_eq!(route_rule(&Method::GET, path), None);
    }
    assert_eq!(route_rule(&Method::POST, "/api/v1/cart/items"), None);
}

/// A sign-in route that echoes the body it got, behind the limiter.
fn echo_login(limits: RateLimits) -> Router {
    Router::new()
        .route(ROUTES[0].0, post(|body: Bytes| async move { body }))
        .layer(axum::middleware::from_fn_with_state(
            RateLimiter::new(limits, false),
            enforce,
        ))
}

async fn send(app: &Router, body: &'static str) -> (StatusCode, Bytes) {
    let response = app
        .clone()
        .oneshot(
            Request::post(ROUTES[0].0)
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    (
        status,
        to_bytes(response.into_body(), usize::MAX).await.unwrap(),
    )
}

#[tokio::test]
async fn the_sign_in_body_reaches_the_handler_unchanged_after_the_account_is_read() {
    let limits = RateLimits {
        login_account: 1,
        ..RateLimits::default()
    };
    let app = echo_login(limits);
    let body = r#"{"email":"Asha@example.in","password":"correct horse"}"#;

    let first = send(&app, body).await;
    let same_account = send(&app, r#"{"email":" asha@example.in ","password":"x"}"#).await;

    assert_eq!(first, (StatusCode::OK, Bytes::from(body)));
    assert_eq!(same_account.0, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_sign_in_body_without_an_email_goes_to_the_handler_uncounted_by_account() {
    let limits = RateLimits {
        login_account: 1,
        ..RateLimits::default()
    };
    let app = echo_login(limits);

    for body in ["not json", r#"{"email":42}"#] {
        assert_eq!(send(&app, body).await, (StatusCode::OK, Bytes::from(body)));
    }
}
