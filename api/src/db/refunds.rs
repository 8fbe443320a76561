//! The `refunds` table and the `orders.refunded` sum it adds up to: what a confirmed order's
//! payment has left to give back, and recording a refund the gateway made.

use crate::db::{Conn, Id, sql};

/// What a confirmed order can still refund.
#[derive(Debug, sqlx::FromRow)]
pub struct RefundableRow {
    /// The gateway's reference of the payment; `None` if none was opened.
    pub payment_ref: Option<String>,
    /// The total less what was refunded, in paise.
    pub left_over: i64,
}

/// The payment of order `order` if it is confirmed, with what is left to refund.
pub async fn refundable(conn: &mut Conn, order: Id) -> sqlx::Result<Option<RefundableRow>> {
    sql(
        "SELECT payment_ref, total - refunded AS left_over FROM orders \
         WHERE id = $1 AND status = 'ORDER_CONFIRMED'",
    )
    .bind(order)
    .fetch_optional(conn)
    .await
}

/// Adds `amount` to what confirmed order `order` has refunded, if it fits in its total;
/// whether it did. Conditional, so two refunds at once never exceed the total.
pub async fn add_refunded(conn: &mut Conn, order: Id, amount: i64) -> sqlx::Result<bool> {
    let added = sql("UPDATE orders SET refunded = refunded + $1 WHERE id = $2 \
         AND status = 'ORDER_CONFIRMED' AND refunded + $1 <= total")
    .bind(amount)
    .bind(order)
    .execute(conn)
    .await?;
    Ok(added == 1)
}

/// A refund to record.
pub struct NewRefund<'a> {
    pub id: Id,
    pub order: Id,
    pub amount: i64,
    pub reason: &'a str,
    /// The gateway's id of the refund.
    pub gateway_ref: &'a str,
    /// The administrator who refunded.
    pub by: Id,
    pub now: i64,
}

/// Inserts `refund`.
pub async fn insert(conn: &mut Conn, refund: &NewRefund<'_>) -> sqlx::Result<()> {
    sql(
        "INSERT INTO refunds (id, order_id, amount, reason, gateway_ref, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(refund.id)
    .bind(refund.order)
    .bind(refund.amount)
    .bind(refund.reason)
    .bind(refund.gateway_ref)
    .bind(refund.by)
    .bind(refund.now)
    .execute(conn)
    .await
    .map(drop)
}
