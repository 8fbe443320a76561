//! The gateways' webhooks: `POST /api/v1/webhooks/payment` (the mock gateway's) and
//! `POST /api/v1/webhooks/razorpay`. Each body is checked byte for byte against its
//! HMAC-SHA256 signature (`payments::signature`, `payments::razorpay`) before it is parsed;
//! the event is recorded once per gateway transaction id and applied only as the payment state
//! machine allows; anything else is recorded and answered 200 all the same, a capture no order
//! took refunded automatically (`app::payments`).

use crate::app::payments::{self, Receipt};
use crate::app::{Actor, Origin};
use crate::error::Result;
use crate::extractor::Json;
use crate::payments::{razorpay, signature};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use contracts::Problem;
use contracts::payments::PaymentDisposition;
use serde::Serialize;

pub fn routes() -> ApiRoutes {
    // Public as far as tokens go: the signature is the credential.
    ApiRoutes::new()
        .route(Method::POST, "/webhooks/payment", Policy::Public, payment)
        .route(
            Method::POST,
            "/webhooks/razorpay",
            Policy::Public,
            razorpay_webhook,
        )
}

/// What the webhook did, for the gateway's logs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookReceipt {
    /// `applied` (a payment's verdict, or a pending refund Razorpay reports processed);
    /// `recorded` for an event kept without moving the order (a capture among them is
    /// refunded); `duplicate` for a transaction or refund seen before; `ignored` for a kind of
    /// event the shop does not act on.
    pub result: &'static str,
    /// The order's status after an applied or recorded event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_status: Option<contracts::orders::OrderStatus>,
    /// What the shop did with a recorded event: `LATE`, `MISMATCHED` or `DUPLICATE` (a
    /// capture, refunded) or `IGNORED` (a failure for an order no longer waiting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disposition: Option<PaymentDisposition>,
}

/// `POST /webhooks/payment` with `x-webhook-timestamp` and `x-webhook-signature`.
#[utoipa::path(post, path = "/webhooks/payment", tag = "payments",
    responses(
        (status = 200, description = "Applied, recorded (a late or mismatched capture, refunded; a late failure), or a duplicate of an event seen before", body = WebhookReceipt),
        (status = 400, description = "`malformed_json`", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`invalid_signature`: missing, stale (over 5 minutes) or wrong", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: no order has this payment reference (audited; nothing to record it against)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn payment(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookReceipt>> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // An anonymous route: whoever calls is a guest until the use case identifies them (here by
    // the signature, as the gateway).
    let receipt = payments::receive(
        &Actor::guest(origin),
        &state,
        header(signature::TIMESTAMP_HEADER),
        header(signature::SIGNATURE_HEADER),
        &body,
    )
    .await?;
    Ok(Json(render(receipt)))
}

/// `POST /webhooks/razorpay` with `X-Razorpay-Signature`: Razorpay's `payment.captured`,
/// `payment.failed` and `refund.processed` (others are ignored).
#[utoipa::path(post, path = "/webhooks/razorpay", tag = "payments",
    params(("X-Razorpay-Signature" = String, Header, description = "Hex HMAC-SHA256 of the raw body under RAZORPAY_WEBHOOK_SECRET")),
    responses(
        (status = 200, description = "Applied, recorded (a late or mismatched capture, refunded; a late failure), a duplicate of a payment or refund seen before, or an event of another kind ignored", body = WebhookReceipt),
        (status = 400, description = "`malformed_json`: the signature verifies but the body is not the event documented", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`invalid_signature`: missing or wrong (or Razorpay is not the gateway); nothing is read", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: no order has this Razorpay order id, or no refund is this one (audited for payments; nothing recorded)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn razorpay_webhook(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookReceipt>> {
    let signature = headers
        .get(razorpay::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    let receipt =
        payments::razorpay_webhook(&Actor::guest(origin), &state, signature, &body).await?;
    Ok(Json(render(receipt)))
}

/// What a webhook did, as the gateway reads it.
fn render(receipt: Receipt) -> WebhookReceipt {
    let plain = |result| WebhookReceipt {
        result,
        order_status: None,
        disposition: None,
    };
    match receipt {
        Receipt::Applied(status) => WebhookReceipt {
            result: "applied",
            order_status: Some(status),
            disposition: None,
        },
        Receipt::Recorded(status, disposition) => WebhookReceipt {
            result: "recorded",
            order_status: Some(status),
            disposition: Some(disposition),
        },
        Receipt::Duplicate => plain("duplicate"),
        Receipt::RefundSettled => plain("applied"),
        Receipt::Ignored => plain("ignored"),
    }
}
