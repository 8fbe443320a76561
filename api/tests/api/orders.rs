//! Checkout, payment and orders: one transaction per order (GST snapshot, stock reserved, no
//! oversell), idempotency keys, the mock gateway's pay page and signed webhooks, the payment
//! state machine (confirm, decline, timeout), scopes; a late payment recorded and given back
//! (refunds themselves are in `refunds`, stray captures in `reconciliation`).

use crate::fixtures::{
    GSTIN_KA, GSTIN_MH, PASSWORD, add_product, customer, json_of, product_body, seller, send, staff,
};
use crate::helpers::{TEST_WEBHOOK_SECRET, TestApp, problem, spawn_app, spawn_app_with};
use api::app::{Actor, Task};
use api::payments::signature;
use contracts::auth::LoginOutcome;
use contracts::cart::Cart;
use contracts::catalog::Product;
use contracts::invoices::InvoiceList;
use contracts::orders::{DeliveryAddress, Order, OrderPage, OrderStatus};
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// A shop in Maharashtra with a ₹1000 shirt at 18% (5 in stock), and a customer.
pub(crate) struct World {
    pub app: TestApp,
    pub admin: String,
    pub seller: String,
    pub shirt: Product,
    pub customer: String,
}

pub(crate) async fn world_with(app: TestApp) -> World {
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let mut body = product_body("Shirt", "SH-1", 100_000);
    body["stock"] = json!(5);
    let shirt = add_product(&app, &seller, body).await;
    let (customer, _) = customer(&app, "buyer@example.com").await;
    World {
        app,
        admin,
        seller,
        shirt,
        customer,
    }
}

pub(crate) async fn world() -> World {
    world_with(spawn_app().await).await
}

/// The customer's cart with `quantity` of `product`; its id.
pub(crate) async fn fill_cart(
    app: &TestApp,
    customer: &str,
    product: &str,
    quantity: u32,
) -> String {
    let cart = send(app, Method::GET, "/cart", Some(customer), None).await;
    let cart: Cart = serde_json::from_value(json_of(cart, StatusCode::OK).await).unwrap();
    let response = send(
        app,
        Method::PUT,
        &format!("/carts/{}/items/{product}", cart.cart_id),
        Some(customer),
        Some(json!({ "quantity": quantity })),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    cart.cart_id
}

pub(crate) fn order_body(cart_id: &str, state_code: &str) -> Value {
    json!({
        "cartId": cart_id,
        "address": {
            "name": "Meera Buyer", "phone": "+91 98765 43210", "line1": "4 Lake View",
            "city": "Pune", "stateCode": state_code, "pincode": "411001"
        }
    })
}

pub(crate) async fn place(
    app: &TestApp,
    customer: &str,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/orders"))
        .bearer_auth(customer)
        .json(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.unwrap()
}

/// An order of `quantity` shirts the customer placed under `key` (paid for in Maharashtra),
/// waiting for its payment.
pub(crate) async fn placed_order(w: &World, key: &str, quantity: u32) -> Order {
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, quantity).await;
    order_of(
        place(&w.app, &w.customer, Some(key), &order_body(&cart, "27")).await,
        StatusCode::CREATED,
    )
    .await
}

pub(crate) async fn order_of(response: reqwest::Response, status: StatusCode) -> Order {
    serde_json::from_value(json_of(response, status).await).unwrap()
}

pub(crate) async fn get_order(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    send(
        app,
        Method::GET,
        &format!("/orders/{id}"),
        Some(token),
        None,
    )
    .await
}

pub(crate) async fn stock(app: &TestApp, product: &Product) -> i64 {
    let response = send(
        app,
        Method::GET,
        &format!("/products/{}", product.id),
        None,
        None,
    )
    .await;
    let product: Product = serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    product.stock
}

/// The shopper's answer on the mock gateway's pay page; the gateway's response (a redirect
/// back to the shop once the shop took the webhook).
pub(crate) async fn answer(app: &TestApp, pay_url: &str, decision: &str) -> reqwest::Response {
    let page = app.client.get(app.url(pay_url)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("data-testid=\"approve\""), "{html}");
    app.client
        .post(app.url(pay_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("decision={decision}"))
        .send()
        .await
        .unwrap()
}

pub(crate) fn statuses(order: &Order) -> Vec<OrderStatus> {
    order.history.iter().map(|step| step.status).collect()
}

/// A fresh access token of customer `email`, signed in again: after the clock moved past an
/// access token's lifetime.
pub(crate) async fn sign_in_again(app: &TestApp, email: &str) -> String {
    let outcome: LoginOutcome = app.login(email, PASSWORD).await.json().await.unwrap();
    let LoginOutcome::Session(grant) = outcome else {
        panic!("a customer without a second factor signs in directly")
    };
    grant.access_token
}

#[tokio::test]
async fn a_paid_order_is_confirmed_with_its_gst_frozen_and_its_stock_taken() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 2).await;

    let placed = order_of(
        place(&w.app, &w.customer, Some("key-1"), &order_body(&cart, "27")).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(placed.status, OrderStatus::PaymentPending);
    // Maharashtra to Maharashtra: CGST + SGST, 9% each of ₹2000.
    let line = &placed.lines[0];
    assert_eq!(
        (line.tax.cgst.0, line.tax.sgst.0, line.tax.igst.0),
        (18_000, 18_000, 0)
    );
    assert_eq!(line.gst_slab, "2025-18");
    assert_eq!(placed.totals.total.0, 236_000);
    assert_eq!(placed.address.phone, "9876543210");
    assert!(placed.pay_by.is_some());
    assert_eq!(stock(&w.app, &w.shirt).await, 3, "reserved at placement");
    let emptied = send(&w.app, Method::GET, "/cart", Some(&w.customer), None).await;
    let emptied: Cart = serde_json::from_value(json_of(emptied, StatusCode::OK).await).unwrap();
    assert!(emptied.lines.is_empty());

    let pay_url = placed.payment_url.clone().expect("a pay page");
    let back = answer(&w.app, &pay_url, "approve").await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        back.headers()["location"],
        format!("/checkout/result?order={}", placed.id).as_str()
    );

    let confirmed = order_of(
        get_order(&w.app, &w.customer, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(confirmed.status, OrderStatus::OrderConfirmed);
    assert_eq!(
        statuses(&confirmed),
        [
            OrderStatus::Initiated,
            OrderStatus::PaymentPending,
            OrderStatus::Success,
            OrderStatus::OrderConfirmed
        ]
    );
    assert_eq!(confirmed.payment_url, None);
    assert_eq!(stock(&w.app, &w.shirt).await, 3);

    // A price change later does not touch the order.
    send(
        &w.app,
        Method::PATCH,
        &format!("/seller/products/{}", w.shirt.id),
        Some(&w.seller),
        Some(json!({ "price": 1 })),
    )
    .await;
    let later = order_of(
        get_order(&w.app, &w.customer, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(later.lines[0].unit_price.0, 100_000);
}

#[tokio::test]
async fn another_state_pays_igst_and_a_declined_payment_gives_the_stock_back() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 5).await;

    let placed = order_of(
        place(&w.app, &w.customer, Some("k"), &order_body(&cart, "29")).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(placed.lines[0].tax.igst.0, 90_000);
    assert_eq!((placed.totals.cgst.0, placed.totals.sgst.0), (0, 0));
    assert_eq!(stock(&w.app, &w.shirt).await, 0);

    let back = answer(&w.app, placed.payment_url.as_deref().unwrap(), "decline").await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    let failed = order_of(
        get_order(&w.app, &w.customer, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(failed.status, OrderStatus::PaymentFailed);
    assert_eq!(
        statuses(&failed)[2..],
        [OrderStatus::Failed, OrderStatus::PaymentFailed]
    );
    assert_eq!(stock(&w.app, &w.shirt).await, 5, "released");
}

/// A retry of a checkout whose payment failed since gets the order as it is now: failed, with
/// neither its pay page nor an in-page checkout to pay it by, not the answer kept at first.
#[tokio::test]
async fn a_replayed_checkout_answers_the_order_as_it_is_now() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let body = order_body(&cart, "27");
    let placed = order_of(
        place(&w.app, &w.customer, Some("k"), &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(placed.status, OrderStatus::PaymentPending);
    let pay_url = placed
        .payment_url
        .clone()
        .expect("a pay page while pending");
    answer(&w.app, &pay_url, "decline").await;

    let again = place(&w.app, &w.customer, Some("k"), &body).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again = order_of(again, StatusCode::CREATED).await;
    assert_eq!(again.id, placed.id);
    assert_eq!(again.status, OrderStatus::PaymentFailed);
    assert_eq!(again.payment_url, None);
    assert!(again.checkout.is_none());
    let read = order_of(
        get_order(&w.app, &w.customer, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&read).unwrap(),
        "what a read of the order gives"
    );
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 1);
}

#[tokio::test]
async fn one_idempotency_key_places_one_order() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let body = order_body(&cart, "27");

    let missing = place(&w.app, &w.customer, None, &body).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(missing).await.code, "idempotency_key_required");

    let first = place(&w.app, &w.customer, Some("order-42"), &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = place(&w.app, &w.customer, Some("order-42"), &body).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first, "the same answer");

    let mut other = body.clone();
    other["address"]["city"] = json!("Mumbai");
    let reused = place(&w.app, &w.customer, Some("order-42"), &other).await;
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(reused).await.code, "idempotency_key_reused");

    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 1);
    assert_eq!(stock(&w.app, &w.shirt).await, 4, "taken once");

    // A failed attempt frees its key: after filling the cart, the same key places the order.
    let empty = place(&w.app, &w.customer, Some("order-43"), &body).await;
    assert_eq!(problem(empty).await.errors[0].code, "empty_cart");
    fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let placed = place(&w.app, &w.customer, Some("order-43"), &body).await;
    assert_eq!(placed.status(), StatusCode::CREATED);

    // Keys are kept 24 hours; after that one is free for a new order, whatever its body.
    w.app.clock.advance(24 * 60 * 60);
    let customer = sign_in_again(&w.app, "buyer@example.com").await;
    fill_cart(&w.app, &customer, &w.shirt.id, 1).await;
    let mut other_body = body.clone();
    other_body["address"]["city"] = json!("Nashik");
    let later = place(&w.app, &customer, Some("order-42"), &other_body).await;
    assert_eq!(later.status(), StatusCode::CREATED);
    assert!(later.headers().get("idempotent-replayed").is_none());
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 3);
}

#[tokio::test]
async fn concurrent_retries_with_one_key_make_one_order() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let body = order_body(&cart, "27");

    let attempts = futures_join(&w.app, &w.customer, &body, &["same"; 4]).await;

    let created = attempts
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert!(created >= 1, "{attempts:?}");
    assert!(
        attempts
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{attempts:?}"
    );
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 1);
    assert_eq!(stock(&w.app, &w.shirt).await, 4);
}

/// Issue 15, point 4: one cart is bought at most once, however many keys its placements carry.
#[tokio::test]
async fn fifty_placements_of_one_cart_under_fifty_keys_make_one_order() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let body = order_body(&cart, "27");
    let keys: Vec<String> = (0..50).map(|n| format!("key-{n}")).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();

    let attempts = futures_join(&w.app, &w.customer, &body, &keys).await;

    let created = attempts
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{attempts:?}");
    // The others find the cart already bought (emptied): 422 `empty_cart`, never a 500.
    assert!(
        attempts
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{attempts:?}"
    );
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 1);
    assert_eq!(stock(&w.app, &w.shirt).await, 4);
}

/// Sends one order request per key at the same time; their statuses.
async fn futures_join(
    app: &TestApp,
    customer: &str,
    body: &Value,
    keys: &[&str],
) -> Vec<StatusCode> {
    let mut tasks = Vec::new();
    for key in keys {
        let request = app
            .client
            .post(app.url("/api/v1/orders"))
            .bearer_auth(customer)
            .header("idempotency-key", *key)
            .json(body);
        tasks.push(tokio::spawn(async move {
            request.send().await.unwrap().status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

#[tokio::test]
async fn two_shoppers_racing_for_the_last_units_never_oversell() {
    let w = world().await;
    let mut carts = Vec::new();
    for n in 0..4 {
        let (token, _) = customer(&w.app, &format!("racer{n}@example.com")).await;
        let cart = fill_cart(&w.app, &token, &w.shirt.id, 2).await;
        carts.push((token, cart));
    }

    let mut tasks = Vec::new();
    for (token, cart) in &carts {
        let request = w
            .app
            .client
            .post(w.app.url("/api/v1/orders"))
            .bearer_auth(token)
            .header("idempotency-key", "race")
            .json(&order_body(cart, "27"));
        tasks.push(tokio::spawn(async move { request.send().await.unwrap() }));
    }
    let mut placed = 0;
    for task in tasks {
        let response = task.await.unwrap();
        match response.status() {
            StatusCode::CREATED => placed += 1,
            StatusCode::CONFLICT => {
                let problem = problem(response).await;
                assert_eq!(problem.code, "order_not_placeable");
                assert_eq!(problem.errors[0].code, "insufficient_stock");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(placed, 2, "5 in stock, 2 each: two orders");
    assert_eq!(stock(&w.app, &w.shirt).await, 1);
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 2);
}

#[tokio::test]
async fn lines_that_cannot_be_bought_are_named_and_nothing_is_ordered() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    // The seller's 12% rate, set before the reform and never updated: no longer a slab.
    w.app.execute("UPDATE products SET gst_rate = 1200").await;

    let response = place(&w.app, &w.customer, Some("k"), &order_body(&cart, "27")).await;

    assert_eq!(response.status(), StatusCode::CONFLICT);
    let problem = problem(response).await;
    assert_eq!(problem.code, "order_not_placeable");
    assert_eq!(problem.errors[0].field, format!("lines.{}", w.shirt.id));
    assert_eq!(problem.errors[0].code, "gst_rate_retired");
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 0);
    assert_eq!(stock(&w.app, &w.shirt).await, 5);
    let cart: Cart = send(&w.app, Method::GET, "/cart", Some(&w.customer), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cart.item_count, 1, "the cart is kept");
}

#[tokio::test]
async fn a_bad_address_names_its_fields_and_another_customers_cart_is_not_found() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let mut body = order_body(&cart, "42");
    body["address"]["phone"] = json!("12345");
    body["address"]["pincode"] = json!("000000");
    body["address"]["name"] = json!(" ");

    let response = place(&w.app, &w.customer, Some("k"), &body).await;
    let problem = problem(response).await;
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "address.name",
            "address.phone",
            "address.stateCode",
            "address.pincode"
        ]
    );

    let (other, _) = customer(&w.app, "other@example.com").await;
    let theirs = place(&w.app, &other, Some("k"), &order_body(&cart, "27")).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    for raw in ["{", r#"{"cartId": 5}"#] {
        let response = w
            .app
            .client
            .post(w.app.url("/api/v1/orders"))
            .bearer_auth(&w.customer)
            .header("idempotency-key", "raw")
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{raw}");
    }
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 0);
}

/// Posts `event` to the webhook, signed with `secret` at `timestamp`.
pub(crate) async fn webhook(
    app: &TestApp,
    event: &Value,
    secret: &str,
    timestamp: i64,
) -> reqwest::Response {
    let body = serde_json::to_vec(event).unwrap();
    app.client
        .post(app.url("/api/v1/webhooks/payment"))
        .header("content-type", "application/json")
        .header(signature::TIMESTAMP_HEADER, timestamp.to_string())
        .header(
            signature::SIGNATURE_HEADER,
            signature::sign(secret.as_bytes(), timestamp, &body),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The gateway reference of an order (the last segment of its pay URL).
pub(crate) fn reference(order: &Order) -> String {
    order
        .payment_url
        .as_deref()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn webhooks_must_be_signed_fresh_and_are_applied_once() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let placed = order_of(
        place(&w.app, &w.customer, Some("k"), &order_body(&cart, "27")).await,
        StatusCode::CREATED,
    )
    .await;
    let now = w.app.clock.now();
    let event = json!({
        "transactionId": "txn-1", "reference": reference(&placed),
        "outcome": "SUCCESS", "amount": placed.totals.total.0
    });

    // A minute outside the five-minute window either side: the clock runs on while the
    // request travels, so a second outside it could be inside by the time the server checks.
    for (secret, timestamp) in [
        ("a forged secret of at least 32 bytes!!", now),
        (TEST_WEBHOOK_SECRET, now - 360),
        (TEST_WEBHOOK_SECRET, now + 360),
    ] {
        let response = webhook(&w.app, &event, secret, timestamp).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(problem(response).await.code, "invalid_signature");
    }
    let unsigned = w
        .app
        .client
        .post(w.app.url("/api/v1/webhooks/payment"))
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    let pending = order_of(
        get_order(&w.app, &w.customer, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        pending.status,
        OrderStatus::PaymentPending,
        "nothing applied"
    );

    let mut wrong_amount = event.clone();
    wrong_amount["transactionId"] = json!("txn-0");
    wrong_amount["amount"] = json!(1);
    // Another amount is not the order's payment: recorded and answered (so the gateway stops
    // retrying), the order untouched.
    let response = webhook(&w.app, &wrong_amount, TEST_WEBHOOK_SECRET, now).await;
    assert_eq!(
        json_of(response, StatusCode::OK).await,
        json!({ "result": "recorded", "orderStatus": "PAYMENT_PENDING", "disposition": "MISMATCHED" })
    );

    let applied = webhook(&w.app, &event, TEST_WEBHOOK_SECRET, now).await;
    assert_eq!(applied.status(), StatusCode::OK);
    let applied: Value = applied.json().await.unwrap();
    assert_eq!(
        applied,
        json!({ "result": "applied", "orderStatus": "ORDER_CONFIRMED" })
    );
    let duplicate: Value = webhook(&w.app, &event, TEST_WEBHOOK_SECRET, now)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(duplicate, json!({ "result": "duplicate" }));

    let mut late_failure = event.clone();
    late_failure["transactionId"] = json!("txn-2");
    late_failure["outcome"] = json!("FAILED");
    let ignored = webhook(&w.app, &late_failure, TEST_WEBHOOK_SECRET, now).await;
    assert_eq!(
        json_of(ignored, StatusCode::OK).await,
        json!({ "result": "recorded", "orderStatus": "ORDER_CONFIRMED", "disposition": "IGNORED" })
    );

    let mut unknown = event.clone();
    unknown["transactionId"] = json!("txn-3");
    unknown["reference"] = json!("nobody");
    assert_eq!(
        webhook(&w.app, &unknown, TEST_WEBHOOK_SECRET, now)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let confirmed = order_of(
        get_order(&w.app, &w.customer, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(confirmed.history.len(), 4, "confirmed once");
    assert_eq!(
        w.app.count("SELECT count(*) FROM payment_events").await,
        3,
        "every signed event about the order is on record"
    );
}

#[tokio::test]
async fn an_unpaid_order_times_out_and_a_late_payment_is_recorded_and_refunded_to_the_paisa() {
    let app =
        spawn_app_with(|config| config.payments.sweep_interval = Duration::from_secs(1)).await;
    let w = world_with(app).await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 3).await;
    let placed = order_of(
        place(&w.app, &w.customer, Some("k"), &order_body(&cart, "27")).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(stock(&w.app, &w.shirt).await, 2);

    // Thirty minutes pass; the shopper, back, signs in again.
    w.app.clock.advance(30 * 60);
    let customer = sign_in_again(&w.app, "buyer@example.com").await;
    let mut order = placed.clone();
    // The sweeper runs every second: wait for its next pass.
    for _ in 0..50 {
        order = order_of(
            get_order(&w.app, &customer, &placed.id).await,
            StatusCode::OK,
        )
        .await;
        if order.status != OrderStatus::PaymentPending {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(order.status, OrderStatus::PaymentTimeout);
    assert_eq!(
        statuses(&order)[2..],
        [OrderStatus::Timeout, OrderStatus::PaymentTimeout]
    );
    assert_eq!(stock(&w.app, &w.shirt).await, 5);

    // The shopper approves on the gateway afterwards: the money is taken. The shop records
    // the capture, takes it (the gateway stops retrying) and gives it back at once.
    let mark = w.app.audit_mark().await;
    let late = answer(&w.app, placed.payment_url.as_deref().unwrap(), "approve").await;
    assert_eq!(
        late.status(),
        StatusCode::SEE_OTHER,
        "the shop took the webhook"
    );
    let still = json_of(
        get_order(&w.app, &customer, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["status"], "PAYMENT_TIMEOUT", "it stays cancelled");
    let total = placed.totals.total.0;
    assert_eq!(still["captured"], total);
    assert_eq!(
        still["refunded"], total,
        "captured = refunded, to the paisa"
    );
    assert_eq!(still["payments"][0]["disposition"], "LATE");
    assert_eq!(still["payments"][0]["amount"], total);
    assert_eq!(still["refunds"][0]["state"], "DONE");
    assert_eq!(still["refunds"][0]["automatic"], true);
    assert_eq!(still["refunds"][0]["amount"], total);
    assert_eq!(stock(&w.app, &w.shirt).await, 5, "no stock taken again");
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM mock_gateway_refunds")
            .await,
        1,
        "the gateway gave it back once"
    );
    let events = w.app.audited(mark, "payments:event").await;
    assert_eq!(events.len(), 1);
    let changes = |row: &api::db::audit::AuditRow| -> Value {
        serde_json::from_str(&row.changes).expect("audited changes are JSON")
    };
    assert_eq!(changes(&events[0])["disposition"]["after"], "LATE");
    let refunds = w.app.audited(mark, "payments:refund").await;
    let states: Vec<_> = refunds
        .iter()
        .map(|row| changes(row)["state"]["after"].clone())
        .collect();
    assert_eq!(states, [json!("PENDING"), json!("DONE")]);
}

#[tokio::test]
async fn each_reader_sees_only_their_orders_and_a_seller_only_its_lines() {
    let w = world().await;
    let (ravi, _) = seller(&w.app, &w.admin, "ravi@example.com", GSTIN_KA).await;
    let pot = add_product(&w.app, &ravi, product_body("Clay pot", "POT-1", 50_000)).await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    send(
        &w.app,
        Method::POST,
        &format!("/carts/{cart}/items"),
        Some(&w.customer),
        Some(json!({ "productId": pot.id, "quantity": 1 })),
    )
    .await;
    let placed = order_of(
        place(&w.app, &w.customer, Some("k"), &order_body(&cart, "27")).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(placed.lines.len(), 2);
    // The pot ships from Karnataka to Maharashtra: IGST; the shirt stays in Maharashtra.
    assert!(placed.lines[1].tax.igst.0 > 0 && placed.lines[0].tax.cgst.0 > 0);

    let asha_view = order_of(
        get_order(&w.app, &w.seller, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(asha_view.lines.len(), 1);
    assert_eq!(asha_view.lines[0].name, "Shirt");
    assert_eq!(asha_view.totals.total.0, 118_000, "its own lines' total");
    let ravi_list = send(&w.app, Method::GET, "/orders", Some(&ravi), None).await;
    let ravi_list: OrderPage =
        serde_json::from_value(json_of(ravi_list, StatusCode::OK).await).unwrap();
    assert_eq!(ravi_list.items.len(), 1);
    assert_eq!(ravi_list.items[0].lines[0].name, "Clay pot");

    let (stranger, _) = customer(&w.app, "stranger@example.com").await;
    assert_eq!(
        get_order(&w.app, &stranger, &placed.id).await.status(),
        StatusCode::NOT_FOUND
    );
    let none = send(&w.app, Method::GET, "/orders", Some(&stranger), None).await;
    let none: OrderPage = serde_json::from_value(json_of(none, StatusCode::OK).await).unwrap();
    assert!(none.items.is_empty());
    let admin_view = order_of(
        get_order(&w.app, &w.admin, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(admin_view.lines.len(), 2);
    assert_eq!(
        get_order(&w.app, &w.customer, "not-an-id").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// Issue 15, point 7: a seller sees who to ship to, and where, once the order is paid; of a
/// checkout still open, declined or timed out only the place of supply (today's code showed
/// the phone and address of every checkout).
#[tokio::test]
async fn a_seller_sees_the_delivery_address_of_paid_orders_only() {
    let w = world().await;
    let seller_view =
        async |id: &str| order_of(get_order(&w.app, &w.seller, id).await, StatusCode::OK).await;
    let checkout = async |quantity: u32| {
        let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, quantity).await;
        let key = format!("k{quantity}");
        order_of(
            place(&w.app, &w.customer, Some(&key), &order_body(&cart, "27")).await,
            StatusCode::CREATED,
        )
        .await
    };

    let open = checkout(1).await;
    let pending = seller_view(&open.id).await;
    assert!(pending.address_withheld);
    assert_eq!(pending.address, DeliveryAddress::withheld("27"));
    let listed = send(&w.app, Method::GET, "/orders", Some(&w.seller), None).await;
    let listed: OrderPage = serde_json::from_value(json_of(listed, StatusCode::OK).await).unwrap();
    assert!(
        listed.items.iter().all(|order| order.address_withheld),
        "{listed:?}"
    );

    let declined = checkout(2).await;
    answer(&w.app, declined.payment_url.as_deref().unwrap(), "decline").await;
    let failed = seller_view(&declined.id).await;
    assert_eq!(failed.status, OrderStatus::PaymentFailed);
    assert!(failed.address_withheld);
    assert!(failed.address.phone.is_empty() && failed.address.line1.is_empty());

    answer(&w.app, open.payment_url.as_deref().unwrap(), "approve").await;
    let paid = seller_view(&open.id).await;
    assert_eq!(paid.status, OrderStatus::OrderConfirmed);
    assert!(!paid.address_withheld);
    assert_eq!(paid.address, open.address, "the whole address, once paid");
    // The customer always sees their own.
    let own = order_of(
        get_order(&w.app, &w.customer, &declined.id).await,
        StatusCode::OK,
    )
    .await;
    assert!(!own.address_withheld);
    assert_eq!(own.address, declined.address);
}

#[tokio::test]
async fn order_history_pages_newest_first() {
    let w = world().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
        let placed = order_of(
            place(
                &w.app,
                &w.customer,
                Some(&format!("k{n}")),
                &order_body(&cart, "27"),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        ids.push(placed.id);
    }
    let mut seen = Vec::new();
    let mut path = "/orders?limit=2".to_owned();
    loop {
        let page = send(&w.app, Method::GET, &path, Some(&w.customer), None).await;
        let page: OrderPage = serde_json::from_value(json_of(page, StatusCode::OK).await).unwrap();
        seen.extend(page.items.into_iter().map(|o| o.id));
        match page.next_cursor {
            Some(cursor) => path = format!("/orders?limit=2&after={cursor}"),
            None => break,
        }
    }
    let mut expected = ids.clone();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);
    let bad = send(
        &w.app,
        Method::GET,
        "/orders?after=nope",
        Some(&w.customer),
        None,
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_confirmed_order_gets_one_invoice_per_seller_numbered_in_sequence() {
    let w = world().await;
    let (ravi, _) = seller(&w.app, &w.admin, "ravi@example.com", GSTIN_KA).await;
    let pot = add_product(&w.app, &ravi, product_body("Clay pot", "POT-1", 50_000)).await;

    let mut numbers = Vec::new();
    for n in 0..2 {
        let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
        send(
            &w.app,
            Method::POST,
            &format!("/carts/{cart}/items"),
            Some(&w.customer),
            Some(json!({ "productId": pot.id, "quantity": 2 })),
        )
        .await;
        let placed = order_of(
            place(
                &w.app,
                &w.customer,
                Some(&format!("k{n}")),
                &order_body(&cart, "27"),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let before = send(
            &w.app,
            Method::GET,
            &format!("/orders/{}/invoices", placed.id),
            Some(&w.customer),
            None,
        )
        .await;
        let before: InvoiceList =
            serde_json::from_value(json_of(before, StatusCode::OK).await).unwrap();
        assert!(before.items.is_empty(), "no invoice before payment");
        answer(&w.app, placed.payment_url.as_deref().unwrap(), "approve").await;

        let list = send(
            &w.app,
            Method::GET,
            &format!("/orders/{}/invoices", placed.id),
            Some(&w.customer),
            None,
        )
        .await;
        let list: InvoiceList =
            serde_json::from_value(json_of(list, StatusCode::OK).await).unwrap();
        assert_eq!(list.items.len(), 2, "one per seller");
        for invoice in &list.items {
            numbers.push((
                invoice.supplier.gstin.clone().unwrap(),
                invoice.number.clone(),
            ));
        }
        if n == 0 {
            let shirt_invoice = list
                .items
                .iter()
                .find(|i| i.supplier.gstin.as_deref() == Some(GSTIN_MH))
                .unwrap();
            // Rule 46 particulars.
            assert_eq!(shirt_invoice.supplier.state_name, "Maharashtra");
            assert_eq!(shirt_invoice.recipient.name, "Meera Buyer");
            assert_eq!(shirt_invoice.place_of_supply_name, "Maharashtra");
            assert_eq!(shirt_invoice.lines.len(), 1);
            let line = &shirt_invoice.lines[0];
            assert_eq!(
                (line.hsn.as_str(), line.unit.as_str(), line.quantity),
                ("6205", "NOS", 1)
            );
            assert_eq!(
                (line.tax.cgst.0, line.tax.sgst.0, line.tax.igst.0),
                (9_000, 9_000, 0)
            );
            assert_eq!(shirt_invoice.totals.total.0, 118_000);
            assert_eq!(
                shirt_invoice.total_in_words,
                "Rupees One Thousand One Hundred Eighty Only"
            );
            assert!(!shirt_invoice.reverse_charge);
            let pot_invoice = list
                .items
                .iter()
                .find(|i| i.id != shirt_invoice.id)
                .unwrap();
            assert_eq!(
                pot_invoice.lines[0].tax.igst.0, 18_000,
                "Karnataka to Maharashtra"
            );

            // The PDF, for the customer; the seller of the other line cannot read it.
            let pdf = w
                .app
                .client
                .get(
                    w.app
                        .url(&format!("/api/v1/invoices/{}/pdf", shirt_invoice.id)),
                )
                .bearer_auth(&w.customer)
                .send()
                .await
                .unwrap();
            assert_eq!(pdf.status(), StatusCode::OK);
            assert_eq!(pdf.headers()["content-type"], "application/pdf");
            assert!(
                pdf.headers()["content-disposition"]
                    .to_str()
                    .unwrap()
                    .contains(&shirt_invoice.number)
            );
            let text = crate::invoice_pdf::text_of(&pdf.bytes().await.unwrap());
            for needle in [
                shirt_invoice.number.as_str(),
                GSTIN_MH,
                "Tax Invoice",
                "₹1,180.00",
            ] {
                assert!(text.contains(needle), "the PDF shows {needle}");
            }
            let by_ravi = send(
                &w.app,
                Method::GET,
                &format!("/invoices/{}", shirt_invoice.id),
                Some(&ravi),
                None,
            )
            .await;
            assert_eq!(by_ravi.status(), StatusCode::NOT_FOUND);
            let by_asha = send(
                &w.app,
                Method::GET,
                &format!("/invoices/{}", shirt_invoice.id),
                Some(&w.seller),
                None,
            )
            .await;
            assert_eq!(by_asha.status(), StatusCode::OK);
            let (stranger, _) = customer(&w.app, "stranger@example.com").await;
            let by_stranger = send(
                &w.app,
                Method::GET,
                &format!("/invoices/{}/pdf", shirt_invoice.id),
                Some(&stranger),
                None,
            )
            .await;
            assert_eq!(by_stranger.status(), StatusCode::NOT_FOUND);
        }
    }
    numbers.sort();
    let fy = contracts::invoices::financial_year(w.app.clock.india_today()).0;
    let expected = |serial| contracts::invoices::invoice_number(fy, serial).unwrap();
    assert_eq!(
        numbers,
        [
            (GSTIN_MH.to_owned(), expected(1)),
            (GSTIN_MH.to_owned(), expected(2)),
            (GSTIN_KA.to_owned(), expected(1)),
            (GSTIN_KA.to_owned(), expected(2)),
        ],
        "consecutive per seller"
    );
}

#[tokio::test]
async fn fifty_concurrent_checkouts_of_ten_units_make_exactly_ten_orders() {
    let w = world().await;
    send(
        &w.app,
        Method::PATCH,
        &format!("/seller/products/{}", w.shirt.id),
        Some(&w.seller),
        Some(json!({ "stock": 10, "version": w.shirt.version })),
    )
    .await;
    let mut buyers = Vec::new();
    for n in 0..50 {
        let (token, _) = customer(&w.app, &format!("crowd{n}@example.com")).await;
        let cart = fill_cart(&w.app, &token, &w.shirt.id, 1).await;
        buyers.push((token, cart));
    }

    let mut tasks = Vec::new();
    for (token, cart) in &buyers {
        let request = w
            .app
            .client
            .post(w.app.url("/api/v1/orders"))
            .bearer_auth(token)
            .header("idempotency-key", "crowd")
            .json(&order_body(cart, "27"));
        tasks.push(tokio::spawn(async move {
            request.send().await.unwrap().status()
        }));
    }
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 10);
    assert_eq!(w.app.count("SELECT count(*) FROM orders").await, 10);
    assert_eq!(stock(&w.app, &w.shirt).await, 0);
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM products WHERE stock < 0")
            .await,
        0
    );

    // Nobody pays: half an hour later, after the sweep every reservation is back.
    w.app.clock.advance(30 * 60);
    let expired = api::app::payments::sweep(&Actor::system(Task::Sweeper), &w.app.db, &w.app.clock)
        .await
        .unwrap();
    assert_eq!(expired, 10);
    assert_eq!(stock(&w.app, &w.shirt).await, 10);
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM orders WHERE status <> 'PAYMENT_TIMEOUT'")
            .await,
        0
    );
}

#[tokio::test]
async fn one_webhook_delivered_twenty_times_at_once_is_applied_once() {
    let w = world().await;
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, 1).await;
    let placed = order_of(
        place(&w.app, &w.customer, Some("k"), &order_body(&cart, "27")).await,
        StatusCode::CREATED,
    )
    .await;
    let event = json!({
        "transactionId": "txn-storm", "reference": reference(&placed),
        "outcome": "SUCCESS", "amount": placed.totals.total.0
    });
    let body = serde_json::to_vec(&event).unwrap();
    let now = w.app.clock.now();
    let signature = signature::sign(TEST_WEBHOOK_SECRET.as_bytes(), now, &body);

    let mut tasks = Vec::new();
    for _ in 0..20 {
        let request = w
            .app
            .client
            .post(w.app.url("/api/v1/webhooks/payment"))
            .header("content-type", "application/json")
            .header(signature::TIMESTAMP_HEADER, now.to_string())
            .header(signature::SIGNATURE_HEADER, signature.clone())
            .body(body.clone());
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }));
    }
    let mut applied = 0;
    for task in tasks {
        let (status, receipt) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{receipt}");
        if receipt["result"] == "applied" {
            applied += 1;
        }
    }
    assert_eq!(applied, 1);
    assert_eq!(w.app.count("SELECT count(*) FROM payment_events").await, 1);
    assert_eq!(w.app.count("SELECT count(*) FROM invoices").await, 1);
    let order = order_of(
        get_order(&w.app, &w.customer, &placed.id).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(order.history.len(), 4, "one transition to confirmed");
}
