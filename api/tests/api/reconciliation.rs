//! Captures with no live order to apply to (late, of another amount, a second one): each is
//! recorded, answered 2xx so the gateway stops retrying, and refunded automatically, once
//! however often the gateway repeats it; the order shows what was captured and given back,
//! and administrators see every such case, and every refund not done, with its state.

use crate::fixtures::json_of;
use crate::helpers::{TEST_WEBHOOK_SECRET, TestApp, problem};
use crate::orders::{answer, placed_order, reference, webhook, world};
use crate::refunds::{order_json, paid_order};
use api::app::{Actor, Task, payments};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The reconciliation list as `token` gets it.
async fn reconciliation(app: &TestApp, token: &str) -> reqwest::Response {
    crate::fixtures::send(app, Method::GET, "/admin/reconciliation", Some(token), None).await
}

/// The items of the reconciliation list, as the administrator `token` reads it.
async fn items(app: &TestApp, token: &str) -> Vec<Value> {
    let list = json_of(reconciliation(app, token).await, StatusCode::OK).await;
    list["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn a_capture_of_another_amount_is_recorded_answered_and_refunded_in_full() {
    let w = world().await;
    let placed = placed_order(&w, "k", 1).await;
    // The gateway collects ₹5 more than the order's total (its side of the payment).
    w.app
        .execute("UPDATE mock_gateway_sessions SET amount = amount + 500")
        .await;

    let back = answer(&w.app, placed.payment_url.as_deref().unwrap(), "approve").await;

    assert_eq!(
        back.status(),
        StatusCode::SEE_OTHER,
        "the shop took the webhook"
    );
    let order = order_json(&w.app, &w.customer, &placed.id).await;
    let captured = placed.totals.total.0 + 500;
    assert_eq!(
        order["status"], "PAYMENT_PENDING",
        "not the order's payment"
    );
    assert_eq!(order["captured"], captured);
    assert_eq!(
        order["refunded"], captured,
        "all of it given back, beyond the total"
    );
    assert_eq!(order["payments"][0]["disposition"], "MISMATCHED");
    assert_eq!(order["refunds"][0]["state"], "DONE");
    let items = items(&w.app, &w.admin).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["orderId"], placed.id.as_str());
    assert_eq!(items[0]["disposition"], "MISMATCHED");
    assert_eq!(items[0]["captured"], captured);
    assert_eq!(items[0]["refund"]["state"], "DONE");
    assert_eq!(items[0]["refund"]["amount"], captured);
}

#[tokio::test]
async fn a_second_capture_of_a_paid_order_is_given_back_and_a_refused_one_is_listed() {
    let w = world().await;
    let order = paid_order(&w, "k", 1).await;
    let total = order.totals.total.0;
    // The gateway took a second payment for the same order (a shopper paying twice)... (Its
    // ledger keeps one session per order, so the second payment's session is filed under
    // another name; what is refunded is found by the payment's transaction id.)
    w.app
        .execute(
            "INSERT INTO mock_gateway_sessions \
               (id, order_id, amount, return_url, outcome, txn_id, created_at) \
             SELECT 'second', order_id || '/again', amount, return_url, 'SUCCESS', 'txn-twice', \
               created_at \
             FROM mock_gateway_sessions",
        )
        .await;
    let now = w.app.clock.now();
    let event = |txn: &str| {
        json!({
            "transactionId": txn, "reference": reference(&order),
            "outcome": "SUCCESS", "amount": total
        })
    };
    let twice = webhook(&w.app, &event("txn-twice"), TEST_WEBHOOK_SECRET, now).await;
    assert_eq!(
        json_of(twice, StatusCode::OK).await,
        json!({ "result": "recorded", "orderStatus": "ORDER_CONFIRMED", "disposition": "DUPLICATE" })
    );
    // ...and tells of a third it has no record of: its refund is refused.
    let unknown = webhook(&w.app, &event("txn-unknown"), TEST_WEBHOOK_SECRET, now).await;
    assert_eq!(unknown.status(), StatusCode::OK);

    let read = order_json(&w.app, &w.customer, &order.id).await;
    assert_eq!(
        read["status"], "ORDER_CONFIRMED",
        "the first payment stands"
    );
    assert_eq!(read["captured"], 3 * total);
    assert_eq!(
        read["refunded"], total,
        "the second given back; the third refused"
    );
    let mut states: Vec<(Value, Value)> = items(&w.app, &w.admin)
        .await
        .into_iter()
        .map(|item| (item["disposition"].clone(), item["refund"]["state"].clone()))
        .collect();
    states.sort_by_key(|(_, state)| state.to_string());
    assert_eq!(
        states,
        [
            (json!("DUPLICATE"), json!("DONE")),
            (json!("DUPLICATE"), json!("FAILED"))
        ]
    );
    let forbidden = reconciliation(&w.app, &w.customer).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(forbidden).await.code, "forbidden");
}

#[tokio::test]
async fn a_late_capture_delivered_twenty_times_at_once_is_refunded_once() {
    let w = world().await;
    let placed = placed_order(&w, "k", 1).await;
    w.app.clock.advance(30 * 60);
    let sweeper = Actor::system(Task::Sweeper);
    assert_eq!(
        payments::sweep(&sweeper, &w.app.db, &w.app.clock)
            .await
            .unwrap(),
        1
    );
    let pay_url = placed.payment_url.as_deref().unwrap();
    assert_eq!(
        answer(&w.app, pay_url, "approve").await.status(),
        StatusCode::SEE_OTHER
    );

    // The gateway, unsure it was heard, sends the same capture again twenty times at once.
    let resend = format!("{pay_url}/resend");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let request = w.app.client.post(w.app.url(&resend));
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
    }

    assert_eq!(w.app.count("SELECT count(*) FROM payment_events").await, 1);
    assert_eq!(w.app.count("SELECT count(*) FROM refunds").await, 1);
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM mock_gateway_refunds")
            .await,
        1
    );
    let customer = crate::orders::sign_in_again(&w.app, "buyer@example.com").await;
    let order = order_json(&w.app, &customer, &placed.id).await;
    assert_eq!(order["status"], "PAYMENT_TIMEOUT");
    assert_eq!(order["captured"], order["refunded"]);
    assert_eq!(order["refunded"], placed.totals.total.0);
}
