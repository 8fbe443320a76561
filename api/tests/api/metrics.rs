//! `GET /metrics`: the Prometheus text after a shopper's journey, with series by route
//! template and status, the latency histogram, the pool and outbox gauges, the sweeper's and
//! the payments' counters, and nothing that names a person or a row; guarded by
//! `METRICS_TOKEN`, and never rate-limited.
//!
//! The journey runs on a server process of its own: the `metrics` recorder is one per process,
//! and the in-process servers of the other tests share this binary's.

use crate::helpers::{GENEROUS_LIMITS, TestApp, spawn_app, spawn_app_with};
use crate::orders::{answer, get_order, placed_order, world_with};
use crate::process::spawn_process_app_with;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

/// The token of the process server.
const TOKEN: &str = "a metrics token of at least 32 bytes";

/// `GET /metrics` with `token` as bearer token, if any.
async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("scraping")
}

/// The value of the series `name` whose labels include every one of `labels` (`key="value"`),
/// summed over the series that match; `None` when none does.
pub(crate) fn value(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    let matching: Vec<f64> = text
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (series_name, rest) = series.split_once('{').unwrap_or((series, ""));
            (series_name == name && labels.iter().all(|label| rest.contains(label)))
                .then(|| value.parse::<f64>().ok())
                .flatten()
        })
        .collect();
    (!matching.is_empty()).then(|| matching.iter().sum())
}

#[tokio::test]
async fn after_a_journey_the_metrics_count_it_by_route_template_and_name_no_one() {
    let app = spawn_process_app_with(
        "",
        &[
            ("METRICS_TOKEN", TOKEN),
            ("SWEEP_INTERVAL_SECS", "1"),
            ("MAIL_POLL_INTERVAL_MS", "50"),
        ],
    )
    .await;
    let w = world_with(app).await;
    let order = placed_order(&w, "metrics-1", 1).await;
    let back = answer(&w.app, order.payment_url.as_deref().unwrap(), "approve").await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    let read = get_order(&w.app, &w.customer, &order.id).await;
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(
        get_order(&w.app, &w.customer, "no-such-order")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The order's confirmation is delivered by the background sender.
    w.app
        .wait_for_count("SELECT count(*) FROM email_outbox WHERE state <> 'sent'", 0)
        .await;
    // And at least one sweeper pass has finished (they run every second from startup).
    let deadline = Instant::now() + Duration::from_secs(30);
    let text = loop {
        let response = scrape(&w.app, Some(TOKEN)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/plain; version=0.0.4"),
        );
        let text = response.text().await.unwrap();
        if value(&text, "bazaar_sweeper_runs_total", &[r#"result="ok""#]).is_some() {
            break text;
        }
        assert!(Instant::now() < deadline, "no sweeper pass in:\n{text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    let requests = "bazaar_http_requests_total";
    assert_eq!(
        value(
            &text,
            requests,
            &[
                r#"method="POST""#,
                r#"route="/api/v1/orders""#,
                r#"status="201""#
            ]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(
            &text,
            requests,
            &[r#"route="/api/v1/orders/{id}""#, r#"status="200""#]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(
            &text,
            requests,
            &[r#"route="/api/v1/orders/{id}""#, r#"status="404""#]
        ),
        Some(1.0),
        "{text}"
    );
    // The gateway's webhook, called by the mock gateway from the pay page.
    assert_eq!(
        value(
            &text,
            requests,
            &[r#"route="/api/v1/webhooks/payment""#, r#"status="200""#]
        ),
        Some(1.0),
        "{text}"
    );
    let latency = "bazaar_http_request_duration_seconds_count";
    assert_eq!(
        value(&text, latency, &[r#"route="/api/v1/orders""#]),
        Some(1.0)
    );
    let slowest = value(
        &text,
        "bazaar_http_request_duration_seconds_bucket",
        &[r#"route="/api/v1/orders""#, r#"le="+Inf""#],
    );
    assert_eq!(slowest, Some(1.0), "{text}");
    assert!(value(&text, "bazaar_http_request_duration_seconds_sum", &[]).unwrap() > 0.0);
    // The pool: at least the connection the scrape read the outbox with; never over its size.
    let open = value(&text, "bazaar_db_pool_connections", &[]).unwrap();
    let max = value(&text, "bazaar_db_pool_max_connections", &[]).unwrap();
    assert!(open >= 1.0 && open <= max, "{open} of {max}");
    assert!(value(&text, "bazaar_db_pool_idle_connections", &[]).unwrap() <= open);
    assert_eq!(value(&text, "bazaar_outbox_pending", &[]), Some(0.0));
    assert_eq!(value(&text, "bazaar_outbox_dead", &[]), Some(0.0));
    assert!(value(&text, "bazaar_mail_deliveries_total", &[r#"result="sent""#]).unwrap() >= 1.0);
    assert_eq!(
        value(
            &text,
            "bazaar_payment_events_total",
            &[r#"outcome="SUCCESS""#, r#"disposition="APPLIED""#]
        ),
        Some(1.0),
        "{text}"
    );
    assert!(value(&text, "bazaar_sweeper_runs_total", &[]).unwrap() >= 1.0);
    // Nothing that names a person or a row: no address, phone, name or id.
    for personal in [
        "buyer@example.com",
        "@",
        "98765",
        "Meera",
        order.id.as_str(),
        w.shirt.id.as_str(),
        "no-such-order",
    ] {
        assert!(!text.contains(personal), "{personal:?} in:\n{text}");
    }
}

#[tokio::test]
async fn the_metrics_need_the_token_when_one_is_set() {
    let app = spawn_app_with(|config| {
        config.metrics_token = Some(api::config::Secret::new(TOKEN.to_owned()));
    })
    .await;

    let without = scrape(&app, None).await;
    let wrong = scrape(&app, Some("a wrong token of the same length!!!!")).await;
    let right = scrape(&app, Some(TOKEN)).await;

    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        without.headers().get("www-authenticate").unwrap(),
        "Bearer realm=\"metrics\""
    );
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(right.status(), StatusCode::OK);
}

#[tokio::test]
async fn without_a_token_a_loopback_client_may_scrape() {
    let app = spawn_app().await;

    let response = scrape(&app, None).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("bazaar_"));
}

#[tokio::test]
async fn scrapes_never_meet_the_api_rate_limits() {
    let app = spawn_app_with(|config| {
        config.rate_limits = api::config::RateLimits {
            api_per_minute: 1,
            api_burst: 1,
            ..GENEROUS_LIMITS
        };
    })
    .await;
    assert_eq!(app.get("/api/v1/health").await.status(), StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/health").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    for _ in 0..5 {
        assert_eq!(scrape(&app, None).await.status(), StatusCode::OK);
    }
}
