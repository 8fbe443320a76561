//! The `payment_events` table: every gateway transaction applied, once. Its primary key (the
//! gateway's transaction id) is what makes a repeated webhook change nothing.

use crate::db::{Conn, Id, sql};

/// A verified gateway event to record against order `order`.
pub struct NewEvent<'a> {
    pub transaction_id: &'a str,
    pub order: Id,
    /// `SUCCESS` or `FAILED`.
    pub outcome: &'a str,
    pub amount: i64,
    pub received_at: i64,
}

/// Records `event` unless its transaction is recorded already; whether it was new. A
/// concurrent delivery of the same transaction waits on the key and then changes nothing.
pub async fn record(conn: &mut Conn, event: &NewEvent<'_>) -> sqlx::Result<bool> {
    let recorded = sql(
        "INSERT INTO payment_events (gateway_txn_id, order_id, outcome, amount, received_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (gateway_txn_id) DO NOTHING",
    )
    .bind(event.transaction_id)
    .bind(event.order)
    .bind(event.outcome)
    .bind(event.amount)
    .bind(event.received_at)
    .execute(conn)
    .await?;
    Ok(recorded == 1)
}
