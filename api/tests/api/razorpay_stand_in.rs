//! A stand-in for Razorpay on 127.0.0.1, speaking what the shop calls as Razorpay documents
//! it: `POST /v1/orders` and `POST /v1/payments/{id}/refund`, each behind HTTP basic auth with
//! the key id and key secret, answering the documented JSON (errors as
//! `{"error": {"code", "description"}}`), the refund idempotent by `X-Refund-Idempotency`. It
//! pays orders as Checkout would (a `pay_...` id and the payment signature) and signs webhooks
//! as Razorpay does (hex HMAC-SHA256 of the raw body under the webhook secret). Knobs make it
//! fail: a 5xx, malformed JSON, an answer that never comes, or a refund made but answered 500.

use crate::helpers::{TestApp, spawn_app_with};
use api::config::{PaymentProviderKind, RazorpaySettings};
use api::payments::signature::hmac_hex;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const KEY_ID: &str = "rzp_test_standin0001";
pub const KEY_SECRET: &str = "the stand-in's key secret";
pub const WEBHOOK_SECRET: &str = "the stand-in's webhook secret";
/// How long the shop waits for the stand-in before a call counts as failed.
pub const TIMEOUT: Duration = Duration::from_millis(500);

/// How the stand-in answers its next calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// As documented.
    Normal,
    /// 500 with an error body.
    ServerError,
    /// 200 with a body that is not the JSON documented.
    Malformed,
    /// Never answers (the shop's client timeout ends the call).
    Hang,
    /// Does what was asked, then answers 500 (a refund made but not confirmed).
    DoneThenError,
}

/// A refund the stand-in made.
#[derive(Debug, Clone)]
pub struct MadeRefund {
    pub id: String,
    pub payment: String,
    pub amount: i64,
    pub receipt: String,
    pub idempotency_key: String,
}

#[derive(Default)]
struct Books {
    /// Razorpay order id → (amount, receipt).
    orders: HashMap<String, (i64, String)>,
    /// `pay_...` → (order id, amount captured, amount refunded).
    payments: HashMap<String, (String, i64, i64)>,
    refunds: Vec<MadeRefund>,
    /// Every call, as `METHOD path`.
    calls: Vec<String>,
    counter: u64,
}

#[derive(Clone)]
struct Shared {
    books: Arc<Mutex<Books>>,
    mode: Arc<Mutex<Mode>>,
}

/// The running stand-in.
pub struct StandIn {
    pub url: String,
    shared: Shared,
}

impl StandIn {
    pub async fn start() -> StandIn {
        let shared = Shared {
            books: Arc::default(),
            mode: Arc::new(Mutex::new(Mode::Normal)),
        };
        let router = axum::Router::new()
            .route("/v1/orders", post(create_order))
            .route("/v1/payments/{id}/refund", post(create_refund))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        StandIn { url, shared }
    }

    /// The shop's settings for this stand-in.
    pub fn settings(&self) -> RazorpaySettings {
        RazorpaySettings {
            api_url: self.url.clone(),
            checkout_url: format!("{}/v1/checkout.js", self.url),
            timeout: TIMEOUT,
            ..RazorpaySettings::new(KEY_ID, KEY_SECRET, WEBHOOK_SECRET)
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.shared.mode.lock().unwrap() = mode;
    }

    /// The Razorpay orders opened: id → (amount, receipt).
    pub fn orders(&self) -> HashMap<String, (i64, String)> {
        self.shared.books.lock().unwrap().orders.clone()
    }

    pub fn refunds(&self) -> Vec<MadeRefund> {
        self.shared.books.lock().unwrap().refunds.clone()
    }

    pub fn calls(&self) -> Vec<String> {
        self.shared.books.lock().unwrap().calls.clone()
    }

    /// The shopper pays Razorpay order `order_id` in Checkout: the payment id and the
    /// signature Checkout hands the page.
    pub fn pay(&self, order_id: &str) -> (String, String) {
        let mut books = self.shared.books.lock().unwrap();
        let amount = books.orders.get(order_id).expect("a Razorpay order").0;
        books.counter += 1;
        let payment = format!("pay_{:014}", books.counter);
        books
            .payments
            .insert(payment.clone(), (order_id.to_owned(), amount, 0));
        let signature = payment_signature(order_id, &payment);
        (payment, signature)
    }
}

/// The payment signature Checkout hands the page: HMAC of `order_id|payment_id` under the
/// key secret.
pub fn payment_signature(order_id: &str, payment_id: &str) -> String {
    hmac_hex(
        KEY_SECRET.as_bytes(),
        format!("{order_id}|{payment_id}").as_bytes(),
    )
}

/// A webhook body of `event` with `entities` (`{"payment": {...}}`), as Razorpay sends it.
pub fn webhook_body(event: &str, entities: Value) -> Vec<u8> {
    let contains: Vec<&String> = entities.as_object().unwrap().keys().collect();
    let payload: serde_json::Map<String, Value> = entities
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, entity)| (name.clone(), json!({ "entity": entity })))
        .collect();
    serde_json::to_vec(&json!({
        "entity": "event",
        "account_id": "acc_StandIn000001",
        "event": event,
        "contains": contains,
        "payload": payload,
        "created_at": 1_767_225_600,
    }))
    .unwrap()
}

/// A `payment.captured` or `payment.failed` body for payment `id` of order `order_id`.
pub fn payment_event(event: &str, id: &str, order_id: &str, amount: i64) -> Vec<u8> {
    let status = if event == "payment.failed" {
        "failed"
    } else {
        "captured"
    };
    webhook_body(
        event,
        json!({ "payment": {
            "id": id, "entity": "payment", "amount": amount, "currency": "INR",
            "status": status, "order_id": order_id, "method": "upi",
            "captured": status == "captured", "amount_refunded": 0,
            "error_code": null, "created_at": 1_767_225_600,
        }}),
    )
}

/// A `refund.processed` body for `refund`.
pub fn refund_processed(refund: &MadeRefund) -> Vec<u8> {
    webhook_body(
        "refund.processed",
        json!({ "refund": {
            "id": refund.id, "entity": "refund", "amount": refund.amount, "currency": "INR",
            "payment_id": refund.payment, "receipt": refund.receipt, "status": "processed",
            "speed_processed": "normal", "created_at": 1_767_225_600,
        }}),
    )
}

/// The signature Razorpay sends with `body`.
pub fn sign(body: &[u8]) -> String {
    hmac_hex(WEBHOOK_SECRET.as_bytes(), body)
}

/// Posts `body` to the shop's Razorpay webhook with `signature` (none: no header).
pub async fn post_webhook(
    app: &TestApp,
    body: &[u8],
    signature: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/webhooks/razorpay"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("x-razorpay-signature", signature);
    }
    request.send().await.unwrap()
}

/// A test server taking payments with Razorpay through a fresh stand-in.
pub async fn spawn_razorpay_app() -> (TestApp, StandIn) {
    let stand_in = StandIn::start().await;
    let settings = stand_in.settings();
    let app = spawn_app_with(|config| {
        config.payments.provider = PaymentProviderKind::Razorpay;
        config.payments.razorpay = Some(settings);
    })
    .await;
    (app, stand_in)
}

/// Razorpay's error body.
fn error(status: StatusCode, code: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "description": description } })),
    )
        .into_response()
}

/// The basic-auth check every API call starts with.
fn authorised(headers: &HeaderMap) -> bool {
    let expected =
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{KEY_SECRET}"));
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Basic {expected}"))
}

/// What the mode makes of a call before its work; `None` to go on.
async fn before(shared: &Shared, headers: &HeaderMap, call: String) -> Option<Response> {
    shared.books.lock().unwrap().calls.push(call);
    if !authorised(headers) {
        return Some(error(
            StatusCode::UNAUTHORIZED,
            "BAD_REQUEST_ERROR",
            "Authentication failed",
        ));
    }
    let mode = *shared.mode.lock().unwrap();
    match mode {
        Mode::ServerError => Some(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SERVER_ERROR",
            "We are facing some trouble completing your request at the moment.",
        )),
        Mode::Malformed => Some((StatusCode::OK, "{\"id\": \"order_").into_response()),
        Mode::Hang => std::future::pending().await,
        Mode::Normal | Mode::DoneThenError => None,
    }
}

/// After the work: the answer, or the 500 of [`Mode::DoneThenError`].
fn after(shared: &Shared, answer: Value) -> Response {
    if *shared.mode.lock().unwrap() == Mode::DoneThenError {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SERVER_ERROR",
            "We are facing some trouble completing your request at the moment.",
        );
    }
    Json(answer).into_response()
}

/// `POST /v1/orders` `{amount, currency, receipt, notes}`.
async fn create_order(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(response) = before(&shared, &headers, "POST /v1/orders".into()).await {
        return response;
    }
    let amount = body["amount"].as_i64().filter(|amount| *amount >= 100);
    let receipt = body["receipt"].as_str().filter(|r| r.len() <= 40);
    let (Some(amount), Some(receipt), Some("INR")) = (amount, receipt, body["currency"].as_str())
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST_ERROR",
            "The amount, currency or receipt is invalid",
        );
    };
    let id = {
        let mut books = shared.books.lock().unwrap();
        books.counter += 1;
        let id = format!("order_{:014}", books.counter);
        books
            .orders
            .insert(id.clone(), (amount, receipt.to_owned()));
        id
    };
    after(
        &shared,
        json!({
            "id": id, "entity": "order", "amount": amount, "amount_paid": 0,
            "amount_due": amount, "currency": "INR", "receipt": receipt, "offer_id": null,
            "status": "created", "attempts": 0, "notes": body["notes"],
            "created_at": 1_767_225_600,
        }),
    )
}

/// `POST /v1/payments/{id}/refund` `{amount, receipt}` with `X-Refund-Idempotency`.
async fn create_refund(
    State(shared): State<Shared>,
    Path(payment): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let call = format!("POST /v1/payments/{payment}/refund");
    if let Some(response) = before(&shared, &headers, call).await {
        return response;
    }
    let Some(key) = headers
        .get("x-refund-idempotency")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST_ERROR",
            "X-Refund-Idempotency is required",
        );
    };
    let amount = body["amount"].as_i64().unwrap_or(0);
    let receipt = body["receipt"].as_str().unwrap_or_default().to_owned();
    let made = {
        let mut books = shared.books.lock().unwrap();
        if let Some(earlier) = books.refunds.iter().find(|r| r.idempotency_key == key) {
            if earlier.payment != payment || earlier.amount != amount {
                return error(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST_ERROR",
                    "The idempotency key was used with another request",
                );
            }
            earlier.clone()
        } else {
            let Some((_, captured, refunded)) = books.payments.get(&payment).cloned() else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST_ERROR",
                    "The id provided does not exist",
                );
            };
            if amount <= 0 || refunded + amount > captured {
                return error(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST_ERROR",
                    "The refund amount provided is greater than amount captured",
                );
            }
            books.counter += 1;
            let made = MadeRefund {
                id: format!("rfnd_{:014}", books.counter),
                payment: payment.clone(),
                amount,
                receipt,
                idempotency_key: key,
            };
            books.payments.get_mut(&payment).unwrap().2 += amount;
            books.refunds.push(made.clone());
            made
        }
    };
    after(
        &shared,
        json!({
            "id": made.id, "entity": "refund", "amount": made.amount, "currency": "INR",
            "payment_id": made.payment, "receipt": made.receipt, "status": "processed",
            "speed_processed": "normal", "created_at": 1_767_225_600,
        }),
    )
}
