//! The `payment_events` table: every gateway transaction reported, once, with what the shop
//! did with it, and for a capture what of it is refunded or reserved by a refund in flight.
//! Its primary key (the gateway's transaction id) is what makes a repeated webhook change
//! nothing.

use crate::db::{Conn, Id, sql};

/// A verified gateway event to record against order `order`.
pub struct NewEvent<'a> {
    pub transaction_id: &'a str,
    pub order: Id,
    /// `SUCCESS` or `FAILED`.
    pub outcome: &'a str,
    pub amount: i64,
    /// What the shop does with it (`contracts::payments::PaymentDisposition`).
    pub disposition: &'a str,
    pub received_at: i64,
}

/// Records `event` unless its transaction is recorded already; whether it was new. A
/// concurrent delivery of the same transaction waits on the key and then changes nothing.
pub async fn record(conn: &mut Conn, event: &NewEvent<'_>) -> sqlx::Result<bool> {
    let recorded = sql("INSERT INTO payment_events \
           (gateway_txn_id, order_id, outcome, amount, disposition, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (gateway_txn_id) DO NOTHING")
    .bind(event.transaction_id)
    .bind(event.order)
    .bind(event.outcome)
    .bind(event.amount)
    .bind(event.disposition)
    .bind(event.received_at)
    .execute(conn)
    .await?;
    Ok(recorded == 1)
}

/// Changes what the shop did with event `transaction_id` (an apply that lost a race).
pub async fn set_disposition(
    conn: &mut Conn,
    transaction_id: &str,
    disposition: &str,
) -> sqlx::Result<()> {
    sql("UPDATE payment_events SET disposition = $1 WHERE gateway_txn_id = $2")
        .bind(disposition)
        .bind(transaction_id)
        .execute(conn)
        .await
        .map(drop)
}

/// A captured payment: its transaction, what it captured and what is refunded or reserved.
#[derive(Debug, sqlx::FromRow)]
pub struct CaptureRow {
    pub gateway_txn_id: String,
    pub amount: i64,
    pub refunded: i64,
}

/// The capture that paid order `order` (the applied SUCCESS), if one did.
pub async fn applied_capture(conn: &mut Conn, order: Id) -> sqlx::Result<Option<CaptureRow>> {
    sql(
        "SELECT gateway_txn_id, amount, refunded FROM payment_events \
         WHERE order_id = $1 AND outcome = 'SUCCESS' AND disposition = 'APPLIED'",
    )
    .bind(order)
    .fetch_optional(conn)
    .await
}

/// Reserves `amount` of capture `transaction_id` for a refund, if that much is left of it;
/// whether it did. Conditional, so two refunds at once never exceed the capture.
pub async fn reserve(conn: &mut Conn, transaction_id: &str, amount: i64) -> sqlx::Result<bool> {
    let reserved = sql("UPDATE payment_events SET refunded = refunded + $1 \
         WHERE gateway_txn_id = $2 AND outcome = 'SUCCESS' AND refunded + $1 <= amount")
    .bind(amount)
    .bind(transaction_id)
    .execute(conn)
    .await?;
    Ok(reserved == 1)
}

/// Gives back `amount` reserved on capture `transaction_id` (a refund the gateway refused).
pub async fn release(conn: &mut Conn, transaction_id: &str, amount: i64) -> sqlx::Result<()> {
    sql("UPDATE payment_events SET refunded = refunded - $1 WHERE gateway_txn_id = $2")
        .bind(amount)
        .bind(transaction_id)
        .execute(conn)
        .await
        .map(drop)
}

/// A recorded event, as an order's read model and the reconciliation list show it.
#[derive(Debug, sqlx::FromRow)]
pub struct EventRow {
    pub gateway_txn_id: String,
    pub order_id: Id,
    pub outcome: String,
    pub amount: i64,
    pub disposition: String,
    pub received_at: i64,
}

/// The events of order `order`, oldest first.
pub async fn of_order(conn: &mut Conn, order: Id) -> sqlx::Result<Vec<EventRow>> {
    sql(
        "SELECT gateway_txn_id, order_id, outcome, amount, disposition, received_at \
         FROM payment_events WHERE order_id = $1 ORDER BY received_at, gateway_txn_id",
    )
    .bind(order)
    .fetch_all(conn)
    .await
}
