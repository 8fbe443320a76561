//! The background sweeper: every `SWEEP_INTERVAL_SECS`, from startup on, it runs
//! `app::payments::sweep` as the server's own task, which cancels orders whose payment did
//! not arrive by their deadline (releasing their stock) and forgets day-old idempotency keys,
//! then `app::payments::reconcile`, which finishes the refunds a crash or an unreachable
//! gateway left pending, and `app::outbox::purge`, which deletes mail delivered more than 30
//! days ago (rows and bodies).

use crate::app::{Actor, Task, outbox, payments};
use crate::state::AppState;
use std::time::Duration;

/// Starts the sweeper on the runtime; its first pass runs at once, and it runs until the
/// process ends. A failed pass is logged and the next one tries again.
pub fn start(state: AppState, interval: Duration) {
    tokio::spawn(async move {
        let sweeper = Actor::system(Task::Sweeper);
        let reconciler = Actor::system(Task::Reconciler);
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let swept = payments::sweep(&sweeper, &state.db, &state.clock).await;
            crate::metrics::sweeper_run(swept.as_ref().map(|expired| *expired).map_err(drop));
            match swept {
                Ok(0) => {}
                Ok(expired) => tracing::info!(expired, "unpaid orders timed out; stock released"),
                Err(error) => tracing::warn!(%error, "sweeping unpaid orders failed"),
            }
            let reconciled = payments::reconcile(&reconciler, &state).await;
            if let Ok(pass) = &reconciled {
                crate::metrics::reconciled(pass.done, pass.failed, pass.pending);
            }
            match reconciled {
                Ok(pass) if pass == payments::Reconciled::default() => {}
                Ok(pass) => tracing::info!(
                    done = pass.done,
                    failed = pass.failed,
                    pending = pass.pending,
                    "pending refunds reconciled"
                ),
                Err(error) => tracing::warn!(%error, "reconciling pending refunds failed"),
            }
            match outbox::purge(&sweeper, &state.db, &state.clock).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "delivered mail older than 30 days purged"),
                Err(error) => tracing::warn!(%error, "purging delivered mail failed"),
            }
        }
    });
}
