//! Refunds by administrators: recorded before they are made (a PENDING row with its own
//! gateway key, then DONE), one refund per `Idempotency-Key` however often it is clicked,
//! never beyond what the payment has left, and only by an administrator whose second factor
//! is fresh. Each refusal names its field and changes nothing.

use crate::fixtures::{GSTIN_KA, json_of, seller, staff};
use crate::helpers::{TestApp, problem};
use crate::orders::{World, answer, order_of, placed_order, world};
use contracts::orders::Order;
use contracts::props::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// `POST /orders/{order}/refunds` with `body`, as `token`, under `key` when given, to send.
pub(crate) fn refund_request(
    app: &TestApp,
    token: &str,
    order: &str,
    key: Option<&str>,
    body: &Value,
) -> reqwest::RequestBuilder {
    let request = app
        .client
        .post(app.url(&format!("/api/v1/orders/{order}/refunds")))
        .bearer_auth(token)
        .json(body);
    match key {
        Some(key) => request.header("idempotency-key", key),
        None => request,
    }
}

/// [`refund_request`], sent.
pub(crate) async fn refund(
    app: &TestApp,
    token: &str,
    order: &str,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let request = refund_request(app, token, order, key, body);
    request.send().await.expect("sending a refund")
}

/// A confirmed order of `quantity` shirts (₹1180 each), placed under `key` and paid on the
/// mock gateway's page.
pub(crate) async fn paid_order(w: &World, key: &str, quantity: u32) -> Order {
    let placed = placed_order(w, key, quantity).await;
    let back = answer(&w.app, placed.payment_url.as_deref().unwrap(), "approve").await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    placed
}

/// Order `id` as administrator `token` reads it, as JSON.
pub(crate) async fn order_json(app: &TestApp, token: &str, id: &str) -> Value {
    let response = crate::orders::get_order(app, token, id).await;
    json_of(response, StatusCode::OK).await
}

/// Asserts `response` is the problem `status` `code`, naming `field`.
async fn refused(response: reqwest::Response, status: StatusCode, code: &str, field: &str) {
    assert_eq!(response.status(), status);
    let problem = problem(response).await;
    assert_eq!(problem.code, code, "{problem:?}");
    assert!(
        problem.errors.iter().any(|error| error.field == field),
        "{field} is named: {problem:?}"
    );
}

/// What the shop's ledger and the gateway's hold: refund rows, gateway refunds, and what the
/// gateway has given back of its payments.
async fn ledgers(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("SELECT count(*) FROM refunds").await,
        app.count("SELECT count(*) FROM mock_gateway_refunds").await,
        app.count("SELECT CAST(COALESCE(SUM(refunded), 0) AS BIGINT) FROM mock_gateway_sessions")
            .await,
    )
}

#[tokio::test]
async fn administrators_refund_confirmed_orders_in_parts_never_beyond_the_total() {
    let w = world().await;
    let placed = placed_order(&w, "k", 1).await;
    let early = json!({ "reason": "early" });
    let early = refund(&w.app, &w.admin, &placed.id, Some("r0"), &early).await;
    refused(early, StatusCode::CONFLICT, "refund_refused", "orderId").await;
    answer(&w.app, placed.payment_url.as_deref().unwrap(), "approve").await;
    let mark = w.app.audit_mark().await;

    let partial = refund(
        &w.app,
        &w.admin,
        &placed.id,
        Some("r1"),
        &json!({ "amount": 18_000, "reason": "damaged, Meera says" }),
    )
    .await;
    let partial = json_of(partial, StatusCode::OK).await;
    assert_eq!(partial["refunded"], 18_000);
    assert_eq!(partial["refunds"][0]["state"], "DONE");
    assert_eq!(partial["refunds"][0]["automatic"], false);
    for (key, body, field) in [
        ("r2", json!({ "amount": 100_001, "reason": "x" }), "amount"),
        ("r3", json!({ "amount": 0, "reason": "x" }), "amount"),
        ("r4", json!({ "reason": " " }), "reason"),
    ] {
        let response = refund(&w.app, &w.admin, &placed.id, Some(key), &body).await;
        refused(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            field,
        )
        .await;
    }
    let super_admin = staff(&w.app, "root@example.com", Role::SuperAdmin).await;
    let returned = json!({ "reason": "returned" });
    let rest = refund(&w.app, &super_admin, &placed.id, Some("r5"), &returned).await;
    let rest = order_of(rest, StatusCode::OK).await;
    assert_eq!(rest.refunded, rest.totals.total);
    let again = json!({ "reason": "again" });
    let nothing_left = refund(&w.app, &w.admin, &placed.id, Some("r6"), &again).await;
    refused(
        nothing_left,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "amount",
    )
    .await;
    assert_eq!(ledgers(&w.app).await, (2, 2, rest.totals.total.0));
    // Each refund is audited as it is written and as it is done, and a reason (free text
    // that may name the customer) is never in the audit.
    let rows = w.app.audited(mark, "payments:refund").await;
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|row| !row.changes.contains("Meera")));
}

#[tokio::test]
async fn ten_concurrent_clicks_with_one_key_make_one_refund() {
    let w = world().await;
    let order = paid_order(&w, "k", 1).await;
    let body = json!({ "amount": 20_000, "reason": "late delivery" });

    let clicks = (0..10)
        .map(|_| refund_request(&w.app, &w.admin, &order.id, Some("click-1"), &body))
        .collect();
    let answers = concurrently(clicks).await;

    for answer in &answers {
        assert!(
            answer.status == StatusCode::OK || answer.status == StatusCode::ACCEPTED,
            "{}: {}",
            answer.status,
            answer.body
        );
    }
    let replayed = answers.iter().filter(|answer| answer.replayed).count();
    assert_eq!(replayed, 9, "one click ran, nine got its answer");
    assert_eq!(ledgers(&w.app).await, (1, 1, 20_000));
    assert_eq!(
        w.app.count("SELECT count(*) FROM credit_notes").await,
        1,
        "one refund of a one-seller order: one credit note"
    );
    let after = order_json(&w.app, &w.admin, &order.id).await;
    assert_eq!(after["refunded"], 20_000);
    // The key is the click's: another body under it is another request, refused.
    let other = json!({ "amount": 30_000, "reason": "late delivery" });
    let reused = refund(&w.app, &w.admin, &order.id, Some("click-1"), &other).await;
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(reused).await.code, "idempotency_key_reused");
    assert_eq!(ledgers(&w.app).await, (1, 1, 20_000));
}

#[tokio::test]
async fn ten_concurrent_refunds_of_everything_under_ten_keys_refund_the_total_once() {
    let w = world().await;
    let order = paid_order(&w, "k", 2).await;
    let body = json!({ "reason": "cancelled" });
    let keys: Vec<String> = (0..10).map(|n| format!("form-{n}")).collect();

    let forms = keys
        .iter()
        .map(|key| refund_request(&w.app, &w.admin, &order.id, Some(key), &body))
        .collect();
    let answers = concurrently(forms).await;

    let statuses: Vec<StatusCode> = answers.iter().map(|answer| answer.status).collect();
    let done = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((done, refused), (1, 9), "{statuses:?}");
    let total = order.totals.total.0;
    assert_eq!(ledgers(&w.app).await, (1, 1, total));
    assert_eq!(
        order_json(&w.app, &w.admin, &order.id).await["refunded"],
        total
    );
}

#[tokio::test]
async fn only_an_administrator_with_a_fresh_second_factor_and_a_key_may_refund() {
    let w = world().await;
    let order = paid_order(&w, "k", 1).await;
    let body = json!({ "amount": 1_000, "reason": "goodwill" });
    let (other_seller, _) = seller(&w.app, &w.admin, "ravi@example.com", GSTIN_KA).await;

    for token in [&w.customer, &w.seller, &other_seller] {
        let response = refund(&w.app, token, &order.id, Some("k1"), &body).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(problem(response).await.code, "forbidden");
    }
    let keyless = refund(&w.app, &w.admin, &order.id, None, &body).await;
    assert_eq!(keyless.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(keyless).await.code, "idempotency_key_required");
    // The administrator's token is still valid, but its second factor was passed more than
    // five minutes ago: the admin UI asks for it again.
    w.app.clock.advance(5 * 60 + 1);
    let stale = refund(&w.app, &w.admin, &order.id, Some("k1"), &body).await;
    assert_eq!(stale.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(stale).await.code, "fresh_mfa_required");
    assert_eq!(ledgers(&w.app).await, (0, 0, 0), "nothing changed");
    assert_eq!(order_json(&w.app, &w.admin, &order.id).await["refunded"], 0);

    let fresh = staff(&w.app, "second@example.com", Role::Admin).await;
    let done = refund(&w.app, &fresh, &order.id, Some("k1"), &body).await;
    assert_eq!(json_of(done, StatusCode::OK).await["refunded"], 1_000);
}

/// What a concurrent request got: its status, whether it was replayed, and its body.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub replayed: bool,
    pub body: String,
}

/// Sends `requests` at the same time; what each got, in order.
pub(crate) async fn concurrently(requests: Vec<reqwest::RequestBuilder>) -> Vec<Answer> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| {
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                Answer {
                    status: response.status(),
                    replayed: crate::helpers::header(&response, "idempotent-replayed") == "true",
                    body: response.text().await.unwrap(),
                }
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}
