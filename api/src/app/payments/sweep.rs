//! The sweeper's pass: every order still unpaid at its deadline times out (→ TIMEOUT →
//! PAYMENT_TIMEOUT) and gives its stock back, each in its own transaction; idempotency keys
//! older than their TTL are forgotten.

use crate::app::Actor;
use crate::app::checkout::forget_stale_keys;
use crate::app::orders::{UNPAID, machine, parse_status};
use crate::clock::Clock;
use crate::db::{Db, orders};
use crate::error::{ApiError, Result};
use contracts::orders::OrderStatus;

/// Runs one pass as `actor` (the server's own task) at the clock's time; the number of orders
/// timed out.
pub async fn sweep(actor: &Actor, db: &Db, clock: &Clock) -> Result<u64> {
    if actor.task().is_none() {
        return Err(ApiError::Forbidden);
    }
    let now = clock.now();
    let unpaid = UNPAID.map(OrderStatus::as_str);
    let due = orders::due(&mut db.conn().await?, unpaid, now).await?;
    let mut expired = 0;
    for id in due {
        let mut tx = db.begin().await?;
        // Read again in the transaction: it may have been paid since.
        if let Some(order) = orders::status(&mut tx, id).await? {
            let status = parse_status(&order.status)?;
            if UNPAID.contains(&status)
                && machine::settle(&mut tx, actor, id, status, OrderStatus::Timeout, now)
                    .await?
                    .is_some()
            {
                expired += 1;
            }
        }
        tx.commit().await?;
    }
    forget_stale_keys(&mut db.conn().await?, now).await?;
    Ok(expired)
}
