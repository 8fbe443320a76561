//! Razorpay's two ways of telling the shop about a payment, both verified before anything is
//! read: its webhooks ([`razorpay_webhook`]: `X-Razorpay-Signature`, the HMAC-SHA256 of the raw
//! body under the webhook secret) and the payment signature Checkout hands the shopper's page
//! ([`payment_return`]: the HMAC-SHA256 of `order_id|payment_id` under the key secret). A
//! payment becomes a [`GatewayEvent`] keyed by its `pay_...` id and takes the path every
//! gateway event takes (`events::accept`), so whichever of the two comes second is a duplicate
//! and changes nothing. `refund.processed` settles a refund the ledger still had PENDING.

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::app::orders;
use crate::app::payments::events::{Receipt, accept, as_gateway};
use crate::app::payments::ledger;
use crate::db::refunds::{self, RefundRow};
use crate::db::{Id, Scope};
use crate::error::{ApiError, Result};
use crate::payments::razorpay::NAME;
use crate::payments::{GatewayEvent, PaymentOutcome};
use crate::state::AppState;
use contracts::Paise;
use contracts::orders::{Order, RazorpayReturn};
use contracts::payments::RefundState;
use serde::Deserialize;

/// A webhook's envelope: the event's name and its entities.
#[derive(Deserialize)]
struct Envelope {
    event: String,
    #[serde(default)]
    payload: serde_json::Value,
}

/// `payload.payment.entity` of `payment.captured` and `payment.failed` (the fields the shop
/// reads).
#[derive(Deserialize)]
struct PaymentEntity {
    /// `pay_...`.
    id: String,
    /// `order_...`: the reference the shop stored on its order. Absent for a payment made
    /// without an order (not the shop's).
    #[serde(default)]
    order_id: Option<String>,
    /// Paise.
    amount: i64,
}

/// `payload.refund.entity` of `refund.processed`.
#[derive(Deserialize)]
struct RefundEntity {
    /// `rfnd_...`.
    id: String,
    /// The refunded payment, `pay_...`.
    payment_id: String,
    amount: i64,
    /// The shop's refund id, sent as `receipt` with the Refunds API call.
    #[serde(default)]
    receipt: Option<String>,
}

/// Receives a Razorpay webhook: `body` as received, `signature` its `X-Razorpay-Signature`.
/// 401 `invalid_signature` before anything is parsed when it does not verify (or Razorpay is
/// not the gateway); 400 for a verified body that is not the event documented; 404 for a
/// payment or refund of no order of ours; other events are ignored.
pub async fn razorpay_webhook(
    actor: &Actor,
    state: &AppState,
    signature: Option<&str>,
    body: &[u8],
) -> Result<Receipt> {
    let verified = state
        .payments
        .razorpay()
        .is_some_and(|gateway| gateway.verifies_webhook(body, signature));
    if !verified {
        tracing::warn!("a Razorpay webhook was refused: its signature does not verify");
        return Err(ApiError::InvalidSignature);
    }
    let envelope: Envelope = parse(body)?;
    let gateway = as_gateway(actor);
    let outcome = match envelope.event.as_str() {
        "payment.captured" => PaymentOutcome::Success,
        "payment.failed" => PaymentOutcome::Failed,
        "refund.processed" => {
            let refund: RefundEntity = entity(&envelope.payload, "refund")?;
            return refund_processed(&gateway, state, &refund).await;
        }
        other => {
            tracing::info!(event = other, "a Razorpay webhook of a kind not acted on");
            return Ok(Receipt::Ignored);
        }
    };
    let payment: PaymentEntity = entity(&envelope.payload, "payment")?;
    let event = GatewayEvent {
        transaction_id: payment.id,
        reference: payment.order_id.unwrap_or_default(),
        outcome,
        amount: Paise(payment.amount),
    };
    accept(&gateway, state, &event).await
}

/// `body` as `T`, or 400 `malformed_json`.
fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body)
        .map_err(|error| ApiError::MalformedJson(format!("The event does not fit: {error}.")))
}

/// `payload.{name}.entity` as `T`, or 400 `malformed_json`.
fn entity<T: for<'de> Deserialize<'de>>(payload: &serde_json::Value, name: &str) -> Result<T> {
    let entity = payload
        .get(name)
        .and_then(|wrapper| wrapper.get("entity"))
        .ok_or_else(|| {
            ApiError::MalformedJson(format!("The event has no payload.{name}.entity."))
        })?;
    T::deserialize(entity).map_err(|error| {
        ApiError::MalformedJson(format!("payload.{name}.entity does not fit: {error}."))
    })
}

/// `refund.processed`: the refund the shop asked for (its id is the `receipt`; else the
/// gateway's `rfnd_...` it answered) is paid out. A refund still PENDING (the Refunds API call
/// timed out, yet Razorpay made it) becomes DONE with this `rfnd_...` id; one already DONE is a
/// duplicate. Unknown, or not of that payment and amount: 404, nothing changed.
async fn refund_processed(
    gateway: &Actor,
    state: &AppState,
    entity: &RefundEntity,
) -> Result<Receipt> {
    let mut tx = state.db.begin().await?;
    let by_receipt = match entity.receipt.as_deref().and_then(Id::parse) {
        Some(id) => refunds::get(&mut tx, id).await?,
        None => None,
    };
    let row = match by_receipt {
        Some(row) => Some(row),
        None => refunds::by_gateway_ref(&mut tx, &entity.id).await?,
    };
    let row = row
        .filter(|row| row.payment_txn_id == entity.payment_id && row.amount == entity.amount)
        .ok_or(ApiError::NotFound)?;
    match RefundState::parse(&row.state) {
        Some(RefundState::Pending) => {
            let settled = ledger::complete(&mut tx, gateway, &row, &entity.id, state).await?;
            tx.commit().await?;
            Ok(if settled {
                tracing::info!(refund_id = %row.id, "a pending refund settled by Razorpay's webhook");
                Receipt::RefundSettled
            } else {
                Receipt::Duplicate
            })
        }
        Some(RefundState::Done) => Ok(Receipt::Duplicate),
        _ => {
            // The gateway refused it when asked, and now says it paid it: people must look.
            refused_but_processed(&row, &entity.id);
            Ok(Receipt::Ignored)
        }
    }
}

/// Logs a refund Razorpay processed that the ledger holds as refused.
fn refused_but_processed(row: &RefundRow, gateway_ref: &str) {
    tracing::error!(
        refund_id = %row.id,
        gateway_ref,
        "Razorpay processed a refund the ledger holds as FAILED; reconcile it by hand"
    );
}

/// `POST /orders/{id}/razorpay-return`: what Checkout's handler got after the shopper paid
/// order `order_id`, passed on by the shopper's page. Only the order's customer; the Razorpay
/// order must be this order's, and the signature Razorpay's (else 400
/// `invalid_payment_signature` naming the field, nothing changed). Then the capture is applied
/// as its webhook would be (the webhook that follows is a duplicate), audited, and the order
/// answered as it is now.
pub async fn payment_return(
    actor: &Actor,
    state: &AppState,
    order_id: &str,
    back: &RazorpayReturn,
) -> Result<Order> {
    let customer = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let id = Id::parse(order_id).ok_or(ApiError::NotFound)?;
    let row = crate::db::orders::get(&mut state.db.conn().await?, Scope::Customer(customer), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let refuse = |field, why: &str| ApiError::InvalidPaymentSignature {
        field,
        why: why.to_owned(),
    };
    let gateway = state
        .payments
        .razorpay()
        .filter(|_| row.payment_provider == NAME)
        .ok_or_else(|| refuse("razorpayOrderId", "the order is not paid through Razorpay"))?;
    if row.payment_ref.as_deref() != Some(back.razorpay_order_id.as_str()) {
        return Err(refuse(
            "razorpayOrderId",
            "is not the Razorpay order of this order",
        ));
    }
    if back.razorpay_payment_id.is_empty() {
        return Err(refuse("razorpayPaymentId", "is required"));
    }
    if !gateway.verifies_payment(
        &back.razorpay_order_id,
        &back.razorpay_payment_id,
        &back.razorpay_signature,
    ) {
        tracing::warn!(order_id = %id, "a Razorpay payment signature does not verify");
        return Err(refuse(
            "razorpaySignature",
            "is not Razorpay's signature of this payment",
        ));
    }
    // Verified: Razorpay captured this payment for this order (Checkout captures on success).
    let event = GatewayEvent {
        transaction_id: back.razorpay_payment_id.clone(),
        reference: back.razorpay_order_id.clone(),
        outcome: PaymentOutcome::Success,
        amount: Paise(row.total),
    };
    let receipt = accept(&as_gateway(actor), state, &event).await?;
    let result = match receipt {
        Receipt::Applied(_) => "applied",
        Receipt::Duplicate => "duplicate",
        _ => "recorded",
    };
    let entry = Entry::success("payments:return", "orders", Some(id), state.clock.now())
        .with_changes(serde_json::json!({
            "transactionId": {"after": event.transaction_id},
            "reference": {"after": event.reference},
            "result": {"after": result},
        }));
    audit::record_alone(&state.db, actor, &entry).await?;
    orders::show(actor, state, order_id).await
}
