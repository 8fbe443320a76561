//! The customer's cancellation of a paid order before any part has shipped: in one
//! transaction the order is marked CANCELLED (its history and `order_cancellations`), its
//! stock given back (with the inventory history), and the refund of everything its payment has
//! left written PENDING on the refund ledger under the request's `Idempotency-Key`; then the
//! gateway is asked, and the refund's completion issues the credit notes (`payments::ledger`).
//! One key cancels once: a repeat is answered with the order as it stands.

use crate::app::audit::{self, Entry};
use crate::app::checkout::IdempotencyKey;
use crate::app::impersonation::masking;
use crate::app::order_mail::{self, News};
use crate::app::payments::ledger::{self, Opened, Opening};
use crate::app::{Actor, catalog, credit_notes, orders, reader_scope};
use crate::auth::secret::hex;
use crate::db::fulfilment::{self as store, NewCancellation, Step};
use crate::db::{Id, Scope, payment_events, stock};
use crate::domain::{BoundedText, field_error};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::Paise;
use contracts::fulfilment::{self, CancelOrder};
use contracts::inventory::InventoryReason;
use contracts::orders::{Order, OrderStatus};
use contracts::payments::RefundState;
use sha2::{Digest as _, Sha256};

/// The longest reason.
pub(crate) const REASON_MAX: usize = 500;

/// What a cancellation came to: the order as it is now, where its refund stands (`None`:
/// nothing was left to refund), and whether this answer repeats an earlier one for its key.
#[derive(Debug)]
pub struct CancelAnswer {
    pub order: Order,
    pub refund: Option<RefundState>,
    pub replayed: bool,
}

/// Cancels order `order_id` for its customer, once per `key`, refunding all its payment has
/// left and putting its stock back. Refused, with nothing written: 404 for another's order,
/// 422 on `reason`, 422 `order_unpaid`, 409 `illegal_transition` once a part has shipped or
/// when it was cancelled under another key, 422 `idempotency_key_reused`.
pub async fn cancel(
    actor: &Actor,
    state: &AppState,
    order_id: &str,
    key: &IdempotencyKey,
    request: &CancelOrder,
) -> Result<CancelAnswer> {
    let user = actor.user().ok_or(ApiError::Unauthenticated)?;
    let reason = BoundedText::parse(&request.reason, REASON_MAX).map_err(|_| {
        ApiError::Validation(vec![field_error(
            "reason",
            "required",
            "say why, in at most 500 characters",
        )])
    })?;
    let id = Id::parse(order_id).ok_or(ApiError::NotFound)?;
    let hash = hex(&Sha256::digest(reason.as_str()));
    let mut tx = state.db.begin().await?;
    let scope = reader_scope(actor, &mut tx).await?;
    if !matches!(scope, Scope::Customer(_)) {
        return Err(ApiError::Forbidden);
    }
    crate::db::credit_notes::lock_order(&mut tx, id).await?;
    let row = crate::db::orders::get(&mut tx, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(earlier) = store::cancellation(&mut tx, id).await? {
        drop(tx);
        return match (
            earlier.request_key == key.as_str(),
            earlier.request_hash == hash,
        ) {
            (true, true) => answer(actor, state, scope, id, None, true).await,
            (true, false) => Err(ApiError::IdempotencyKeyReused),
            (false, _) => Err(ApiError::IllegalTransition {
                field: "status",
                reason: "cancelled",
                why: "the order was cancelled before".into(),
            }),
        };
    }
    if orders::parse_status(&row.status)? != OrderStatus::OrderConfirmed {
        return Err(ApiError::OrderUnpaid { field: "orderId" });
    }
    let parts = store::parts(&mut tx, id).await?;
    let statuses = parts
        .iter()
        .map(|part| orders::parse_status(&part.status))
        .collect::<Result<Vec<_>>>()?;
    if !fulfilment::cancellable(statuses) {
        return Err(ApiError::IllegalTransition {
            field: "status",
            reason: "shipped",
            why: "a part of the order has shipped; it can be returned once delivered".into(),
        });
    }
    let before = row
        .fulfilment
        .as_deref()
        .unwrap_or(OrderStatus::OrderConfirmed.as_str());
    let before = before.to_owned();
    // Before anything is written or asked of the gateway: a refund reverses invoices.
    credit_notes::ensure_invoiced(&mut tx, id).await?;
    let now = state.clock.now();
    let refund = match payment_events::applied_capture(&mut tx, id).await? {
        Some(capture) if capture.amount > capture.refunded => {
            let opening = Opening {
                order: id,
                capture: &capture.gateway_txn_id,
                amount: Paise(capture.amount - capture.refunded),
                reason: reason.as_str(),
                request: Some((key.as_str(), &hash)),
            };
            match ledger::open(&mut tx, actor, &opening, now).await? {
                Opened::Written(refund) => Some(refund),
                // Refunds in flight hold what is left (the refund row written is dropped
                // with the transaction).
                Opened::NothingLeft => {
                    return Err(ApiError::RefundRefused {
                        field: "orderId",
                        why: "a refund of this order is in progress; try again shortly".into(),
                    });
                }
                // An administrator's refund of this order already holds the key.
                Opened::KeyTaken => return Err(ApiError::IdempotencyKeyReused),
            }
        }
        _ => None,
    };
    stock::release(&mut tx, id).await?;
    let by = catalog::stock::by(actor);
    let released = InventoryReason::OrderReleased.as_str();
    stock::record_order(&mut tx, id, &by, released, 1, now).await?;
    let cancelled = OrderStatus::Cancelled.as_str();
    store::set_standing(&mut tx, id, Some(cancelled)).await?;
    store::unqueue(&mut tx, id, None).await?;
    let step = Step {
        status: cancelled,
        shop: None,
        carrier: None,
        tracking_number: None,
        at: now,
    };
    store::add_step(&mut tx, id, &step).await?;
    let cancellation = NewCancellation {
        order: id,
        reason: reason.as_str(),
        by: Some(user.id),
        request_key: key.as_str(),
        request_hash: &hash,
        refund: refund.as_ref().map(|refund| refund.id),
        now,
    };
    store::insert_cancellation(&mut tx, &cancellation).await?;
    // Never the reason: free text the customer typed.
    let entry =
        Entry::success("orders:cancel", "orders", Some(id), now).with_changes(serde_json::json!({
            "status": {"before": before, "after": cancelled},
            "refundId": {"after": refund.as_ref().map(|refund| refund.id.to_string())},
            "refundAmount": {"after": refund.as_ref().map(|refund| refund.amount)},
        }));
    audit::record(&mut tx, actor, &entry).await?;
    let news = News::Cancelled {
        refund: refund.as_ref().map(|refund| Paise(refund.amount)),
    };
    order_mail::tell(&mut tx, state, id, &news).await?;
    tx.commit().await?;
    let standing = match &refund {
        Some(refund) => Some(ledger::finish(actor, state, refund).await?),
        None => None,
    };
    answer(actor, state, scope, id, standing, false).await
}

/// The answer: order `id` as the customer sees it now.
async fn answer(
    actor: &Actor,
    state: &AppState,
    scope: Scope,
    id: Id,
    refund: Option<RefundState>,
    replayed: bool,
) -> Result<CancelAnswer> {
    let order = orders::read(&mut state.db.conn().await?, state, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // A replay reports the refund as it stands now.
    let refund = match (refund, replayed) {
        (Some(state), _) => Some(state),
        (None, true) => order
            .refunds
            .iter()
            .rev()
            .find(|r| !r.automatic)
            .map(|r| r.state),
        (None, false) => None,
    };
    Ok(CancelAnswer {
        order: masking::for_actor(actor, order, masking::order),
        refund,
        replayed,
    })
}
