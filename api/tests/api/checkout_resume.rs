//! Issue 15, point 1: an idempotency key is never stuck. A checkout that dies after placing its
//! order (a database error, the request timeout dropping it, a SIGKILL) leaves its key leased:
//! a retry inside the lease gets 409 with `Retry-After`, a retry after it resumes the first
//! attempt (one order, its payment opened once) and keeps the answer for further retries.

use crate::fixtures::json_of;
use crate::helpers::{TestApp, expected_backend, header, problem};
use crate::orders::{World, fill_cart, order_body, order_of, place, stock, world};
use api::db::DbKind;
use contracts::orders::{Order, OrderStatus};
use reqwest::StatusCode;
use serde_json::Value;
#[cfg(feature = "failpoints")]
use std::time::Duration;

/// Makes every change of an order's status fail in the database, as a lost connection or a
/// full disk would: the checkout's payment step then fails with a database error after the
/// order was placed. [`restore_order_moves`] undoes it.
async fn break_order_moves(app: &TestApp) {
    match expected_backend() {
        DbKind::Sqlite => {
            app.execute(
                "CREATE TRIGGER fail_order_moves BEFORE UPDATE OF status ON orders \
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            )
            .await;
        }
        DbKind::Postgres => {
            app.execute(
                "CREATE FUNCTION fail_order_moves() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            )
            .await;
            app.execute(
                "CREATE TRIGGER fail_order_moves BEFORE UPDATE OF status ON orders \
                 FOR EACH ROW EXECUTE FUNCTION fail_order_moves()",
            )
            .await;
        }
    }
}

async fn restore_order_moves(app: &TestApp) {
    match expected_backend() {
        DbKind::Sqlite => app.execute("DROP TRIGGER fail_order_moves").await,
        DbKind::Postgres => app.execute("DROP TRIGGER fail_order_moves ON orders").await,
    };
}

/// The seconds of a 409 `idempotency_in_progress` answer's `Retry-After`.
async fn in_progress(response: reqwest::Response) -> u64 {
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let retry_after: u64 = header(&response, "retry-after")
        .parse()
        .expect("a Retry-After in seconds");
    assert_eq!(problem(response).await.code, "idempotency_in_progress");
    retry_after
}

#[tokio::test]
async fn a_checkout_failing_after_placing_is_resumed_once_its_lease_has_passed() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let body = order_body(&cart, "27");
    break_order_moves(&w.app).await;

    let failed = place(&w.app, &w.customer, Some("k-1"), &body).await;
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    restore_order_moves(&w.app).await;
    // The order was placed (and its stock reserved) before the failure; its payment not open.
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 1);
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM orders WHERE status = 'INITIATED'")
            .await,
        1
    );

    // Inside the lease (twice the 30 s request timeout): 409, and when to come back.
    let retry_after = in_progress(place(&w.app, &w.customer, Some("k-1"), &body).await).await;
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    w.app.clock.advance(30);
    let retry_after = in_progress(place(&w.app, &w.customer, Some("k-1"), &body).await).await;
    assert!((1..=30).contains(&retry_after), "{retry_after}");

    // After it: the retry takes the key over and resumes the first attempt's order.
    w.app.clock.advance(31);
    let resumed = place(&w.app, &w.customer, Some("k-1"), &body).await;
    assert!(resumed.headers().get("idempotent-replayed").is_none());
    let resumed = order_of(resumed, StatusCode::CREATED).await;
    assert_one_open_order(&w, &resumed).await;
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM mock_gateway_sessions")
            .await,
        1,
        "the gateway gave the resumed checkout the session the first attempt opened"
    );
    assert_replays(&w.app, &w.customer, "k-1", &body, &resumed).await;
}

#[tokio::test]
async fn a_retry_after_the_order_timed_out_answers_the_order_as_it_is() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let body = order_body(&cart, "27");
    break_order_moves(&w.app).await;
    let failed = place(&w.app, &w.customer, Some("k-late"), &body).await;
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    restore_order_moves(&w.app).await;

    // Nobody retries for half an hour: the sweeper times the INITIATED order out.
    w.app.clock.advance(30 * 60);
    let sweeper = api::app::Actor::system(api::app::Task::Sweeper);
    let expired = api::app::payments::sweep(&sweeper, &w.app.db, &w.app.clock).await;
    assert_eq!(expired.unwrap(), 1);
    let customer = crate::orders::sign_in_again(&w.app, "buyer@example.com").await;

    let late = place(&w.app, &customer, Some("k-late"), &body).await;
    let late = order_of(late, StatusCode::CREATED).await;
    assert_eq!(late.status, OrderStatus::PaymentTimeout);
    assert_eq!(late.payment_url, None, "no payment opened for a dead order");
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 1);
    assert_eq!(stock(&w.app, &w.shirt).await, 5, "released by the timeout");
    assert_replays(&w.app, &customer, "k-late", &body, &late).await;
}

/// The one order there is: `answer`, its payment open, one unit reserved.
async fn assert_one_open_order(w: &World, answer: &Order) {
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 1);
    assert_eq!(answer.status, OrderStatus::PaymentPending);
    assert!(answer.payment_url.is_some());
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM orders WHERE status = 'PAYMENT_PENDING'")
            .await,
        1
    );
    assert_eq!(stock(&w.app, &w.shirt).await, 4, "reserved once");
}

/// A further retry with `key` gets `answer` again, marked as replayed.
async fn assert_replays(app: &TestApp, customer: &str, key: &str, body: &Value, answer: &Order) {
    let again = place(app, customer, Some(key), body).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = json_of(again, StatusCode::CREATED).await;
    assert_eq!(
        again,
        serde_json::to_value(answer).unwrap(),
        "the same answer"
    );
}

/// Retries `key` while it answers 409 `idempotency_in_progress` (each with a `Retry-After`),
/// until the lease of the attempt holding it passes; then the retry must have resumed that
/// attempt: one order, its payment open, the same answer on a further retry. How many 409s
/// came first.
#[cfg(feature = "failpoints")]
async fn resumed_past_the_lease(w: &World, key: &str, body: &Value) -> u32 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut refused = 0;
    let resumed = loop {
        let response = place(&w.app, &w.customer, Some(key), body).await;
        if response.status() != StatusCode::CONFLICT {
            break response;
        }
        in_progress(response).await;
        refused += 1;
        assert!(
            tokio::time::Instant::now() < deadline,
            "the key stayed in progress"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let resumed = order_of(resumed, StatusCode::CREATED).await;
    assert_one_open_order(w, &resumed).await;
    assert_replays(&w.app, &w.customer, key, body, &resumed).await;
    refused
}

/// A process server with `failpoints`, a shop with 5 shirts, and a customer with one in the
/// cart; the order body.
#[cfg(feature = "failpoints")]
async fn process_world(failpoints: &str) -> (World, Value) {
    let app = crate::process::spawn_process_app(failpoints).await;
    let w = crate::orders::world_with(app).await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let body = order_body(&cart, "27");
    (w, body)
}

/// Waits until `sql` counts `expected`, or fails after a deadline.
#[cfg(feature = "failpoints")]
async fn wait_for_count(app: &TestApp, sql: &'static str, expected: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.count(sql).await != expected {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sql} never gave {expected}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The server holding a checkout between its placement commit and its payment is killed with
/// SIGKILL; started again, a retry resumes the checkout: one order, its payment open.
#[cfg(feature = "failpoints")]
#[tokio::test]
async fn a_checkout_killed_after_placing_is_resumed_by_its_retry_after_a_restart() {
    let (mut w, body) = process_world("checkout-before-payment=sleep(60000)").await;

    let first = {
        let (app, customer, body) = (&w.app, w.customer.clone(), body.clone());
        let request = app
            .client
            .post(app.url("/api/v1/orders"))
            .bearer_auth(customer)
            .header("idempotency-key", "k-kill")
            .json(&body);
        tokio::spawn(async move { request.send().await })
    };
    wait_for_count(&w.app, "SELECT count(*) FROM orders", 1).await;
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM mock_gateway_sessions")
            .await,
        0,
        "held before the payment opens"
    );
    w.app.kill_process();
    assert!(
        first.await.unwrap().is_err(),
        "the first attempt got no answer"
    );
    // A short request timeout, so the test waits a short lease (6 s), not a minute.
    w.app
        .start_process_with("", &[("REQUEST_TIMEOUT_SECS", "3")]);

    let refused = resumed_past_the_lease(&w, "k-kill", &body).await;
    assert!(
        refused >= 1,
        "the lease was still live right after the restart"
    );
}

/// The request timeout drops a checkout's future between its placement commit and its payment
/// (503 `timeout`); a retry once the lease has passed resumes it: one order, its payment open.
#[cfg(feature = "failpoints")]
#[tokio::test]
async fn a_checkout_dropped_by_the_request_timeout_is_resumed_by_its_retry() {
    let (mut w, body) = process_world("").await;
    // Started again with a 3 s timeout (a 6 s lease) and the first checkout stalling a minute
    // before its payment: only the first, so the retry's resumption goes through.
    w.app.kill_process();
    w.app.start_process_with(
        "checkout-before-payment=1*return(60000)",
        &[("REQUEST_TIMEOUT_SECS", "3")],
    );

    let dropped = place(&w.app, &w.customer, Some("k-timeout"), &body).await;
    assert_eq!(dropped.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(problem(dropped).await.code, "timeout");
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM orders WHERE status = 'INITIATED'")
            .await,
        1
    );

    resumed_past_the_lease(&w, "k-timeout", &body).await;
}
