//! A refund survives the server dying at any point of it: killed with SIGKILL before the
//! gateway is called, after the gateway refunded but before the ledger says so, or left
//! pending by a gateway that could not be reached, the restarted server's reconciler
//! finishes it under the same gateway key, and the money moves exactly once.

use crate::helpers::TestApp;
use crate::orders::world_with;
use crate::process::spawn_process_app;
use crate::refunds::{paid_order, refund, refund_request};
use reqwest::StatusCode;
use serde_json::json;

/// The restarted server: its reconciler finishes pending refunds older than a second, every
/// second.
const RECONCILE_SOON: &[(&str, &str)] = &[("REFUND_GRACE_SECS", "1"), ("SWEEP_INTERVAL_SECS", "1")];

/// What is refunded in each test, in paise.
const AMOUNT: i64 = 25_000;

/// Starts a server with `failpoint`, refunds [`AMOUNT`] of a paid order, waits until the
/// database shows `reached` (a count of 1), kills the server, and starts it again without
/// the fault; then asserts the refund completes once.
async fn refund_killed_at(failpoint: &str, reached: &'static str) {
    let app = spawn_process_app(&format!("{failpoint}=sleep(60000)")).await;
    let mut w = world_with(app).await;
    let order = paid_order(&w, "k", 1).await;
    let body = json!({ "amount": AMOUNT, "reason": "returned" });
    let request = refund_request(&w.app, &w.admin, &order.id, Some("click"), &body);
    // Held at the fault point until the kill cuts it off.
    let held = tokio::spawn(request.send());

    w.app.wait_for_count(reached, 1).await;
    w.app.kill_process();
    assert!(
        held.await.unwrap().is_err(),
        "the request died with the server"
    );
    w.app.start_process_with("", RECONCILE_SOON);

    finished_once(&w.app).await;
    // The administrator's retry with the same key gets that refund, not another.
    let retried = refund(&w.app, &w.admin, &order.id, Some("click"), &body).await;
    assert_eq!(retried.status(), StatusCode::OK);
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM mock_gateway_refunds")
            .await,
        1
    );
    w.app.kill_process();
}

/// Waits for the one refund to be DONE, then asserts the money moved once: one refund row,
/// one refund at the gateway, and [`AMOUNT`] refunded on both sides.
async fn finished_once(app: &TestApp) {
    app.wait_for_count("SELECT count(*) FROM refunds WHERE state = 'DONE'", 1)
        .await;
    assert_eq!(app.count("SELECT count(*) FROM refunds").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM mock_gateway_refunds").await,
        1
    );
    assert_eq!(
        app.count("SELECT CAST(COALESCE(SUM(refunded), 0) AS BIGINT) FROM mock_gateway_sessions")
            .await,
        AMOUNT
    );
    assert_eq!(
        app.count("SELECT CAST(SUM(refunded) AS BIGINT) FROM orders")
            .await,
        AMOUNT
    );
    // The order's one seller reverses its invoice once, in the transaction that made the
    // refund DONE.
    assert_eq!(app.count("SELECT count(*) FROM credit_notes").await, 1);
}

#[tokio::test]
async fn a_refund_killed_before_the_gateway_call_completes_once_after_a_restart() {
    refund_killed_at(
        "refund-before-gateway",
        "SELECT count(*) FROM refunds WHERE state = 'PENDING'",
    )
    .await;
}

#[tokio::test]
async fn a_refund_killed_between_the_gateway_and_the_ledger_completes_once_after_a_restart() {
    refund_killed_at(
        "refund-after-gateway",
        "SELECT count(*) FROM mock_gateway_refunds",
    )
    .await;
}

#[tokio::test]
async fn a_refund_the_gateway_could_not_take_is_pending_and_finished_by_the_reconciler() {
    let app = spawn_process_app("mock-gateway-refund=return").await;
    let mut w = world_with(app).await;
    let order = paid_order(&w, "k", 1).await;
    let body = json!({ "amount": AMOUNT, "reason": "returned" });

    let pending = refund(&w.app, &w.admin, &order.id, Some("click"), &body).await;

    assert_eq!(
        pending.status(),
        StatusCode::ACCEPTED,
        "pending, not refunded"
    );
    let pending: serde_json::Value = pending.json().await.unwrap();
    assert_eq!(pending["refunds"][0]["state"], "PENDING");
    assert_eq!(pending["refunded"], 0);
    // The gateway is back (the operator restarts the server without the fault).
    w.app.kill_process();
    w.app.start_process_with("", RECONCILE_SOON);
    finished_once(&w.app).await;
    w.app.kill_process();
}
