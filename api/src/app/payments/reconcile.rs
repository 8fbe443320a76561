//! The reconciler: finishes the refunds a crash or an unreachable gateway left PENDING. Each
//! is asked of the gateway again under its own key (so a refund the gateway made before the
//! crash is returned, not made twice), then settled. Only refunds older than the grace
//! period (`REFUND_GRACE_SECS`), so it never races a request still finishing its own.

use crate::app::Actor;
use crate::app::payments::ledger;
use crate::db::refunds;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::payments::RefundState;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Refunds now DONE.
    pub done: u64,
    /// Refunds the gateway refused.
    pub failed: u64,
    /// Refunds still PENDING (the gateway is still unreachable).
    pub pending: u64,
}

/// Runs one pass as `actor` (the server's own task) at the state's clock.
pub async fn reconcile(actor: &Actor, state: &AppState) -> Result<Reconciled> {
    if actor.task().is_none() {
        return Err(ApiError::Forbidden);
    }
    let before = state.clock.now() - state.refund_grace_secs;
    let due = refunds::pending_since(&mut state.db.conn().await?, before).await?;
    let mut pass = Reconciled::default();
    for refund in due {
        match ledger::finish(actor, state, &refund).await? {
            RefundState::Done => pass.done += 1,
            RefundState::Failed => pass.failed += 1,
            RefundState::Pending => pass.pending += 1,
        }
    }
    Ok(pass)
}
