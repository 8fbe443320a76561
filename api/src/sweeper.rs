//! The background sweeper: every `SWEEP_INTERVAL_SECS` it runs `app::payments::sweep` as the
//! server's own task, which cancels orders whose payment did not arrive by their deadline
//! (releasing their stock) and forgets day-old idempotency keys.

use crate::app::{Actor, Task, payments};
use crate::clock::Clock;
use crate::db::Db;
use std::time::Duration;

/// Starts the sweeper on the runtime; it runs until the process ends. A failed pass is logged
/// and the next one tries again.
pub fn start(db: Db, clock: Clock, interval: Duration) {
    tokio::spawn(async move {
        let actor = Actor::system(Task::Sweeper);
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match payments::sweep(&actor, &db, &clock).await {
                Ok(0) => {}
                Ok(expired) => tracing::info!(expired, "unpaid orders timed out; stock released"),
                Err(error) => tracing::warn!(%error, "sweeping unpaid orders failed"),
            }
        }
    });
}
