//! The administrators' reconciliation list: every capture no order took (late, of another
//! amount, a second one) with the refund that gives it back, and every refund that is not
//! DONE, each with its state. What an operator looks at after a crash or a gateway outage.

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::app::orders::money::{disposition, refund_state};
use crate::db::refunds::{self, CaseRow};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::Paise;
use contracts::payments::{ReconciliationItem, ReconciliationList, Refund};

/// The longest list served.
pub const MAX_CASES: i64 = 500;

/// The newest cases first, up to [`MAX_CASES`]; read by `actor` (an administrator: the
/// route's policy), audited.
pub async fn reconciliation(actor: &Actor, state: &AppState) -> Result<ReconciliationList> {
    if actor.user().is_none() {
        return Err(ApiError::Unauthenticated);
    }
    let rows = refunds::open_cases(&mut state.db.conn().await?, MAX_CASES).await?;
    let items = rows.into_iter().map(item).collect::<Result<Vec<_>>>()?;
    let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let entry = Entry::success("payments:reconciliation", "orders", None, state.clock.now())
        .with_changes(serde_json::json!({"rows": {"after": count}}));
    audit::admin_read(&state.db, actor, &entry).await?;
    Ok(ReconciliationList { items })
}

fn item(row: CaseRow) -> Result<ReconciliationItem> {
    let disposition = disposition(&row.disposition)?;
    let refund = match (row.refund_id, row.refund_state.as_deref()) {
        (Some(id), Some(state)) => Some(Refund {
            id: id.to_string(),
            transaction_id: row.gateway_txn_id.clone(),
            amount: Paise(row.refund_amount.unwrap_or_default()),
            state: refund_state(state)?,
            automatic: row.refund_automatic.unwrap_or_default(),
            created_at: row.refund_created_at.unwrap_or_default(),
            settled_at: row.refund_settled_at,
        }),
        _ => None,
    };
    Ok(ReconciliationItem {
        order_id: row.order_id.to_string(),
        transaction_id: row.gateway_txn_id,
        captured: Paise(row.captured),
        disposition,
        received_at: row.received_at,
        refund,
    })
}
