//! The payment state machine (seed 000 §8.2, [`OrderStatus::can_become`]) applied to stored
//! orders. A move happens only if the machine allows it and the order is still in the status
//! the caller read (a conditional update: of two writers, one moves it); each move is added
//! to the order's history, and an order that stops holding stock gives it back (recorded in the
//! products' inventory history), all on the caller's transaction.

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::db::{Conn, Id, orders, stock};
use crate::error::{ApiError, Result};
use contracts::inventory::InventoryReason;
use contracts::orders::OrderStatus;

/// Moves order `order` from `from` to `to` at `now`, audited as `actor`'s `orders:transition`;
/// whether it moved (`false`: it was no longer `from`). A move the machine does not allow is a
/// bug, never written.
pub(crate) async fn step(
    conn: &mut Conn,
    actor: &Actor,
    order: Id,
    from: OrderStatus,
    to: OrderStatus,
    now: i64,
) -> Result<bool> {
    allowed(from, to)?;
    if !orders::set_status(conn, order, from.as_str(), to.as_str()).await? {
        return Ok(false);
    }
    moved(conn, actor, order, from, to, now).await?;
    Ok(true)
}

/// [`step`] from INITIATED to PAYMENT_PENDING, recording the payment the gateway opened (its
/// `reference` and pay page `url`) in the same statement as the move.
pub(crate) async fn open_payment(
    conn: &mut Conn,
    actor: &Actor,
    order: Id,
    (reference, url): (&str, Option<&str>),
    now: i64,
) -> Result<bool> {
    let (from, to) = (OrderStatus::Initiated, OrderStatus::PaymentPending);
    allowed(from, to)?;
    let statuses = (from.as_str(), to.as_str());
    if !orders::set_status_and_payment(conn, order, statuses, reference, url).await? {
        return Ok(false);
    }
    moved(conn, actor, order, from, to, now).await?;
    Ok(true)
}

/// A move the machine does not allow is a bug.
fn allowed(from: OrderStatus, to: OrderStatus) -> Result<()> {
    if from.can_become(to) {
        Ok(())
    } else {
        Err(ApiError::Internal(anyhow::anyhow!(
            "the payment state machine does not allow {} → {}",
            from.as_str(),
            to.as_str()
        )))
    }
}

/// What follows a move of `order` from `from` to `to`: its history, the stock it gives back,
/// its audit row.
async fn moved(
    conn: &mut Conn,
    actor: &Actor,
    order: Id,
    from: OrderStatus,
    to: OrderStatus,
    now: i64,
) -> Result<()> {
    orders::add_history(conn, order, to.as_str(), now).await?;
    if from.reserves_stock() && !to.reserves_stock() {
        stock::release(conn, order).await?;
        let by = crate::app::catalog::stock::by(actor);
        let released = InventoryReason::OrderReleased.as_str();
        stock::record_order(conn, order, &by, released, 1, now).await?;
    }
    let entry = Entry::success("orders:transition", "orders", Some(order), now).with_changes(
        serde_json::json!({"status": {"before": from.as_str(), "after": to.as_str()}}),
    );
    audit::record(conn, actor, &entry).await?;
    Ok(())
}

/// Applies `verdict` (SUCCESS, FAILED or TIMEOUT: what the gateway or the clock said) to
/// order `order` in status `from`, then the outcome it leads to (ORDER_CONFIRMED,
/// PAYMENT_FAILED, PAYMENT_TIMEOUT): both steps are in the history. The outcome, or `None`
/// when the order was no longer `from`.
pub(crate) async fn settle(
    conn: &mut Conn,
    actor: &Actor,
    order: Id,
    from: OrderStatus,
    verdict: OrderStatus,
    now: i64,
) -> Result<Option<OrderStatus>> {
    if !step(conn, actor, order, from, verdict, now).await? {
        return Ok(None);
    }
    let outcome = outcome_of(verdict)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("{} leads nowhere", verdict.as_str())))?;
    // The order is `verdict` in this very transaction: this step cannot miss.
    step(conn, actor, order, verdict, outcome, now).await?;
    Ok(Some(outcome))
}

/// The one status a verdict leads to.
fn outcome_of(verdict: OrderStatus) -> Option<OrderStatus> {
    let mut next = OrderStatus::ALL
        .into_iter()
        .filter(|&status| verdict.can_become(status));
    match (next.next(), next.next()) {
        (Some(outcome), None) => Some(outcome),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn each_verdict_leads_to_its_one_outcome_and_nothing_else_does() {
        assert_eq!(outcome_of(Success), Some(OrderConfirmed));
        assert_eq!(outcome_of(Failed), Some(PaymentFailed));
        assert_eq!(outcome_of(Timeout), Some(PaymentTimeout));
        // PAYMENT_PENDING has three ways on, a final status none.
        assert_eq!(outcome_of(PaymentPending), None);
        assert_eq!(outcome_of(OrderConfirmed), None);
    }
}
