//! A gateway's webhook: its signature checked on the raw body against the clock, then the
//! event applied in one transaction, once per gateway transaction id. SUCCESS confirms the
//! order and issues its invoices; FAILED cancels it and gives its stock back.

use crate::app::audit::{self, Entry};
use crate::app::orders::{machine, parse_status};
use crate::app::{Actor, Task, invoices};
use crate::clock;
use crate::db::orders;
use crate::db::payment_events::{self, NewEvent};
use crate::domain::field_error;
use crate::error::{ApiError, Result};
use crate::payments::{GatewayEvent, PaymentOutcome, signature};
use crate::state::AppState;
use contracts::orders::OrderStatus;

/// What a webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// Applied: the order's status now.
    Applied(OrderStatus),
    /// This transaction was applied before; nothing changed.
    Duplicate,
}

/// Receives a webhook: `body` signed at `timestamp` with `signature` (the two headers), under
/// the state's webhook secret, within five minutes of the clock. `actor` is whoever posts it
/// (a guest); only a verified signature makes it the gateway, which applies the event.
pub async fn receive(
    actor: &Actor,
    state: &AppState,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
) -> Result<Receipt> {
    signature::verify(
        &state.webhook_secret,
        timestamp,
        signature,
        body,
        state.clock.now(),
    )
    .map_err(|error| {
        tracing::warn!(%error, "a payment webhook was refused");
        ApiError::InvalidSignature
    })?;
    let event: GatewayEvent = serde_json::from_slice(body)
        .map_err(|error| ApiError::MalformedJson(format!("The event does not fit: {error}.")))?;
    let gateway = Actor {
        origin: actor.origin.clone(),
        ..Actor::system(Task::PaymentGateway)
    };
    match apply(&gateway, state, &event).await {
        Err(error @ (ApiError::Validation(_) | ApiError::IllegalTransition(_))) => {
            // Refused and rolled back: the attempt is still on record.
            let reason = match &error {
                ApiError::Validation(_) => "the amount is not the order's total",
                _ => "the order is not waiting for a payment",
            };
            let entry = Entry::failure("payments:event", "orders", None, reason, state.clock.now())
                .with_changes(event_changes(&event));
            audit::record_alone(&state.db, &gateway, &entry).await?;
            Err(error)
        }
        other => other,
    }
}

/// What the audit keeps of a gateway event: its ids, outcome and amount.
fn event_changes(event: &GatewayEvent) -> serde_json::Value {
    serde_json::json!({
        "transactionId": {"after": event.transaction_id},
        "reference": {"after": event.reference},
        "outcome": {"after": event.outcome.as_str()},
        "amount": {"after": event.amount.0},
    })
}

/// Applies a verified `event` in one transaction. A verdict answers an open payment: only a
/// PAYMENT_PENDING order takes one (a late payment of a timed-out order is refused), and a
/// success must be for the order's total. Anything refused writes nothing.
async fn apply(actor: &Actor, state: &AppState, event: &GatewayEvent) -> Result<Receipt> {
    if actor.task() != Some(Task::PaymentGateway) {
        return Err(ApiError::Forbidden);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let order = orders::by_payment_ref(&mut tx, &event.reference)
        .await?
        .ok_or(ApiError::NotFound)?;
    let status = parse_status(&order.status)?;
    let new = payment_events::record(
        &mut tx,
        &NewEvent {
            transaction_id: &event.transaction_id,
            order: order.id,
            outcome: event.outcome.as_str(),
            amount: event.amount.0,
            received_at: now,
        },
    )
    .await?;
    if !new {
        return Ok(Receipt::Duplicate);
    }
    let verdict = match event.outcome {
        PaymentOutcome::Success if event.amount.0 != order.total => {
            return Err(ApiError::Validation(vec![field_error(
                "amount",
                "amount_mismatch",
                "is not the order's total",
            )]));
        }
        PaymentOutcome::Success => OrderStatus::Success,
        PaymentOutcome::Failed => OrderStatus::Failed,
    };
    let refused = ApiError::IllegalTransition(status.as_str());
    if status != OrderStatus::PaymentPending {
        return Err(refused);
    }
    let entry = Entry::success("payments:event", "orders", Some(order.id), now)
        .with_changes(event_changes(event));
    audit::record(&mut tx, actor, &entry).await?;
    let outcome = machine::settle(&mut tx, actor, order.id, status, verdict, now)
        .await?
        .ok_or(refused)?;
    if outcome == OrderStatus::OrderConfirmed {
        // In the same transaction: a confirmed order always has its invoices, and a
        // confirmation that rolls back uses no serial.
        let (vault, date) = (&state.vault, clock::india_date(now));
        invoices::issue(&mut tx, actor, vault, order.id, date, now).await?;
    }
    tx.commit().await?;
    tracing::info!(order_id = %order.id, status = outcome.as_str(), "payment event applied");
    Ok(Receipt::Applied(outcome))
}
