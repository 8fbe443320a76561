//! An order's money as its readers see it: every payment the gateway reported, with what the
//! shop did with it, every refund with its state, and the sums of both (`captured` and
//! `refunded`, each over all of the order's payments: a capture of another amount can take
//! both past the order's total).

use crate::db::payment_events::{self, EventRow};
use crate::db::refunds::{self, RefundRow};
use crate::db::{Conn, Id};
use crate::error::{ApiError, Result};
use contracts::Paise;
use contracts::orders::Order;
use contracts::payments::{Payment, PaymentDisposition, PaymentOutcome, Refund, RefundState};

/// Fills `order`'s payments, refunds, `captured` and `refunded` from storage.
pub(super) async fn fill(conn: &mut Conn, order: &mut Order, id: Id) -> Result<()> {
    let payments = payment_events::of_order(conn, id)
        .await?
        .into_iter()
        .map(payment)
        .collect::<Result<Vec<_>>>()?;
    let refunds = refunds::of_order(conn, id)
        .await?
        .iter()
        .map(refund)
        .collect::<Result<Vec<_>>>()?;
    order.captured = sum(payments
        .iter()
        .filter(|payment| payment.outcome == PaymentOutcome::Success)
        .map(|payment| payment.amount));
    order.refunded = sum(refunds
        .iter()
        .filter(|refund| refund.state == RefundState::Done)
        .map(|refund| refund.amount));
    order.payments = payments;
    order.refunds = refunds;
    Ok(())
}

fn sum(amounts: impl Iterator<Item = Paise>) -> Paise {
    Paise(amounts.map(|amount| amount.0).sum())
}

fn payment(row: EventRow) -> Result<Payment> {
    Ok(Payment {
        outcome: PaymentOutcome::parse(&row.outcome)
            .ok_or_else(|| unknown("payment outcome", &row.outcome))?,
        disposition: disposition(&row.disposition)?,
        transaction_id: row.gateway_txn_id,
        amount: Paise(row.amount),
        received_at: row.received_at,
    })
}

/// A stored refund as its readers see it.
pub(crate) fn refund(row: &RefundRow) -> Result<Refund> {
    Ok(Refund {
        id: row.id.to_string(),
        transaction_id: row.payment_txn_id.clone(),
        amount: Paise(row.amount),
        state: refund_state(&row.state)?,
        automatic: row.automatic,
        created_at: row.created_at,
        settled_at: row.settled_at,
    })
}

/// The state a stored refund spells.
pub(crate) fn refund_state(text: &str) -> Result<RefundState> {
    RefundState::parse(text).ok_or_else(|| unknown("refund state", text))
}

/// The disposition a stored payment event spells.
pub(crate) fn disposition(text: &str) -> Result<PaymentDisposition> {
    PaymentDisposition::parse(text).ok_or_else(|| unknown("payment disposition", text))
}

fn unknown(what: &str, text: &str) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("unknown {what} {text}"))
}
