//! A gateway's webhook: its signature checked on the raw body against the clock, then the
//! event recorded, once per gateway transaction id, with what the shop did with it. The
//! verdict an order waits for is applied: SUCCESS confirms it and issues its invoices,
//! FAILED cancels it and gives its stock back. Every other event is recorded and answered
//! 2xx all the same (so the gateway stops retrying); a capture no order took (late, of
//! another amount, a second one) is refunded in full, automatically.

use crate::app::audit::{self, Entry};
use crate::app::order_mail::{self, News};
use crate::app::orders::{machine, parse_status};
use crate::app::payments::ledger::{self, Opened, Opening};
use crate::app::{Actor, Task, invoices};
use crate::clock;
use crate::db::orders::{self, StatusRow};
use crate::db::payment_events::{self, NewEvent};
use crate::db::refunds::RefundRow;
use crate::db::{Conn, Id};
use crate::error::{ApiError, Result};
use crate::payments::{GatewayEvent, PaymentOutcome, signature};
use crate::state::AppState;
use contracts::Paise;
use contracts::orders::OrderStatus;
use contracts::payments::PaymentDisposition;

/// What a webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// Applied: the order's status now.
    Applied(OrderStatus),
    /// Recorded without moving the order (its status), for the reason given; a capture
    /// among them is being refunded.
    Recorded(OrderStatus, PaymentDisposition),
    /// This transaction (or refund) was recorded before; nothing changed.
    Duplicate,
    /// A refund the gateway reports paid out, which the ledger had PENDING, is now DONE.
    RefundSettled,
    /// An event of a kind the shop does not act on (Razorpay sends what the webhook is
    /// subscribed to); nothing changed.
    Ignored,
}

/// Receives a webhook: `body` signed at `timestamp` with `signature` (the two headers), under
/// the state's webhook secret, within five minutes of the clock. `actor` is whoever posts it
/// (a guest); only a verified signature makes it the gateway, which records the event.
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
    accept(&as_gateway(actor), state, &event).await
}

/// `actor` (whoever delivered a verified event) as the gateway, which records it.
pub(crate) fn as_gateway(actor: &Actor) -> Actor {
    Actor {
        origin: actor.origin.clone(),
        ..Actor::system(Task::PaymentGateway)
    }
}

/// Takes a verified `event` from the `gateway` (an actor of [`as_gateway`]): recorded once
/// per transaction id, applied when its order waits for it, a capture no order took refunded.
/// An event naming no order of ours is audited and answered 404, nothing recorded.
pub(crate) async fn accept(
    gateway: &Actor,
    state: &AppState,
    event: &GatewayEvent,
) -> Result<Receipt> {
    let (receipt, refund) = match record(gateway, state, event).await {
        Err(ApiError::NotFound) => {
            // No order of ours has this reference, so there is nothing to record it against
            // (or to refund): the attempt is on record, and the gateway keeps retrying.
            let why = "no order has this payment reference";
            let entry = Entry::failure("payments:event", "orders", None, why, state.clock.now())
                .with_changes(event_changes(event, None));
            audit::record_alone(&state.db, gateway, &entry).await?;
            return Err(ApiError::NotFound);
        }
        other => other?,
    };
    if let Some(refund) = refund {
        // Committed: whatever happens now, the reconciler can finish it, so the gateway gets
        // its 2xx either way.
        if let Err(error) = ledger::finish(gateway, state, &refund).await {
            tracing::error!(%error, refund_id = %refund.id, "an automatic refund stays pending");
        }
    }
    Ok(receipt)
}

/// What the audit keeps of a gateway event: its ids, outcome, amount and disposition.
fn event_changes(
    event: &GatewayEvent,
    disposition: Option<PaymentDisposition>,
) -> serde_json::Value {
    serde_json::json!({
        "transactionId": {"after": event.transaction_id},
        "reference": {"after": event.reference},
        "outcome": {"after": event.outcome.as_str()},
        "amount": {"after": event.amount.0},
        "disposition": {"after": disposition.map(PaymentDisposition::as_str)},
    })
}

/// What the shop does with `event` for `order` in status `status`: a verdict the order waits
/// for is applied; anything else is recorded as what it is.
fn disposition_of(
    event: &GatewayEvent,
    order: &StatusRow,
    status: OrderStatus,
) -> PaymentDisposition {
    let waiting = status == OrderStatus::PaymentPending;
    match event.outcome {
        PaymentOutcome::Failed if waiting => PaymentDisposition::Applied,
        PaymentOutcome::Failed => PaymentDisposition::Ignored,
        PaymentOutcome::Success if event.amount.0 != order.total => PaymentDisposition::Mismatched,
        PaymentOutcome::Success if waiting => PaymentDisposition::Applied,
        PaymentOutcome::Success => match status {
            OrderStatus::Success | OrderStatus::OrderConfirmed => PaymentDisposition::Duplicate,
            _ => PaymentDisposition::Late,
        },
    }
}

/// Records a verified `event` in one transaction, applies it when the order waits for it,
/// and opens the refund of a capture no order took; the receipt, and that refund to finish
/// once committed.
async fn record(
    actor: &Actor,
    state: &AppState,
    event: &GatewayEvent,
) -> Result<(Receipt, Option<RefundRow>)> {
    if actor.task() != Some(Task::PaymentGateway) {
        return Err(ApiError::Forbidden);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let order = orders::by_payment_ref(&mut tx, &event.reference)
        .await?
        .ok_or(ApiError::NotFound)?;
    let status = parse_status(&order.status)?;
    let mut disposition = disposition_of(event, &order, status);
    let new = payment_events::record(
        &mut tx,
        &NewEvent {
            transaction_id: &event.transaction_id,
            order: order.id,
            outcome: event.outcome.as_str(),
            amount: event.amount.0,
            disposition: disposition.as_str(),
            received_at: now,
        },
    )
    .await?;
    if !new {
        return Ok((Receipt::Duplicate, None));
    }
    let mut after = status;
    if disposition == PaymentDisposition::Applied {
        match apply(&mut tx, actor, state, event, order.id, status).await? {
            Some(outcome) => after = outcome,
            None => {
                // Another transaction moved the order first (a second capture, the sweeper's
                // timeout): this event is what that makes it.
                after = current_status(&mut tx, order.id).await?;
                disposition = disposition_of(event, &order, after);
                payment_events::set_disposition(
                    &mut tx,
                    &event.transaction_id,
                    disposition.as_str(),
                )
                .await?;
            }
        }
    }
    let entry = Entry::success("payments:event", "orders", Some(order.id), now)
        .with_changes(event_changes(event, Some(disposition)));
    audit::record(&mut tx, actor, &entry).await?;
    let refund = match disposition.is_stray_capture() && event.amount > Paise(0) {
        true => Some(open_refund(&mut tx, actor, event, order.id, disposition, now).await?),
        false => None,
    };
    tx.commit().await?;
    tracing::info!(order_id = %order.id, disposition = disposition.as_str(), "payment event recorded");
    let receipt = match disposition {
        PaymentDisposition::Applied => Receipt::Applied(after),
        other => Receipt::Recorded(after, other),
    };
    Ok((receipt, refund))
}

/// Applies the verdict of `event` to order `order` in status `from` (PAYMENT_PENDING); the
/// outcome, or `None` when the order was no longer `from`. A confirmation issues the order's
/// invoices in the same transaction: a confirmed order always has them, and a confirmation
/// that rolls back uses no serial; its mail to the customer, linking them, is queued there
/// too.
async fn apply(
    conn: &mut Conn,
    actor: &Actor,
    state: &AppState,
    event: &GatewayEvent,
    order: Id,
    from: OrderStatus,
) -> Result<Option<OrderStatus>> {
    let verdict = match event.outcome {
        PaymentOutcome::Success => OrderStatus::Success,
        PaymentOutcome::Failed => OrderStatus::Failed,
    };
    let now = state.clock.now();
    let outcome = machine::settle(conn, actor, order, from, verdict, now).await?;
    if outcome == Some(OrderStatus::OrderConfirmed) {
        invoices::issue(
            conn,
            actor,
            &state.vault,
            order,
            clock::india_date(now),
            now,
        )
        .await?;
        let invoices = order_mail::invoices(conn, order, None).await?;
        let news = News::Confirmed {
            total: event.amount,
            invoices: &invoices,
        };
        order_mail::tell(conn, state, order, &news).await?;
    }
    Ok(outcome)
}

/// Order `id`'s status as it is now.
async fn current_status(conn: &mut Conn, id: Id) -> Result<OrderStatus> {
    let row = orders::status(conn, id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("an order vanished")))?;
    parse_status(&row.status)
}

/// Opens the refund of all of capture `event`, which no order took.
async fn open_refund(
    conn: &mut Conn,
    actor: &Actor,
    event: &GatewayEvent,
    order: Id,
    disposition: PaymentDisposition,
    now: i64,
) -> Result<RefundRow> {
    let reason = format!("automatic: a {} capture", disposition.as_str());
    let opening = Opening {
        order,
        capture: &event.transaction_id,
        amount: event.amount,
        reason: &reason,
        request: None,
    };
    match ledger::open(conn, actor, &opening, now).await? {
        Opened::Written(refund) => Ok(refund),
        // A capture just recorded has all of its amount left, and no request key.
        Opened::KeyTaken | Opened::NothingLeft => Err(ApiError::Internal(anyhow::anyhow!(
            "a new capture could not be reserved for its refund"
        ))),
    }
}
