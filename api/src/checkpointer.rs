//! The audit checkpointer: every `AUDIT_CHECKPOINT_INTERVAL_SECS` it signs the audit log's head
//! into the checkpoint file (`app::audit::checkpoint`) when the log grew, and once more when
//! the server stops, so that a truncated tail is detectable up to the last checkpoint.

use crate::app::audit::checkpoint::Checkpoints;
use crate::clock::Clock;
use crate::db::Db;
use std::time::Duration;

/// Starts the checkpointer on the runtime; it runs until the process ends. A failed write is
/// logged and the next tick tries again.
pub fn start(db: Db, checkpoints: Checkpoints, clock: Clock, interval: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            write(&db, &checkpoints, &clock).await;
        }
    });
}

/// Writes one checkpoint now if the log grew since the last; failures are logged, never
/// raised (the log itself is intact, only its next proof is late).
pub async fn write(db: &Db, checkpoints: &Checkpoints, clock: &Clock) {
    match checkpoints.append(db, clock.now()).await {
        Ok(Some(checkpoint)) => {
            tracing::info!(rows = checkpoint.rows, "audit checkpoint written");
        }
        Ok(None) => {}
        Err(error) => tracing::warn!(
            error = %format!("{error:#}"),
            file = %checkpoints.path().display(),
            "writing an audit checkpoint failed"
        ),
    }
}
