//! Refunds, an administrator's act: all or part of what a confirmed order's payment has left,
//! recorded before it is made. In one transaction the amount is reserved on the payment (so
//! concurrent refunds never exceed it) and the refund written PENDING under the click's
//! `Idempotency-Key`; then the gateway is asked under the refund's own key; then the refund
//! is marked DONE (`ledger`). However often one key is sent, it makes one refund.

use crate::app::Actor;
use crate::app::checkout::IdempotencyKey;
use crate::app::orders::money::refund_state;
use crate::app::payments::ledger::{self, Opened, Opening};
use crate::app::{credit_notes, orders};
use crate::auth::secret::hex;
use crate::db::refunds::{self, RefundRow};
use crate::db::{Conn, Id, Scope, payment_events};
use crate::domain::{BoundedText, field_error};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::Paise;
use contracts::orders::{Order, OrderStatus, RefundRequest};
use contracts::payments::RefundState;
use sha2::{Digest as _, Sha256};

/// The longest reason.
pub(crate) const REASON_MAX: usize = 500;
/// The permission a refund takes (`auth::roles`: administrators only).
pub const REFUND_PERMISSION: &str = "payments:refund";

/// What a refund request came to: the order as it is now, where the refund stands (`DONE`, or
/// `PENDING` when the gateway could not be reached: the reconciler finishes it; a `FAILED`
/// one is answered as an error), and whether this answer repeats the one first given for its
/// key.
#[derive(Debug)]
pub struct RefundAnswer {
    pub order: Order,
    pub state: RefundState,
    pub replayed: bool,
}

/// Gives back `request.amount` (default: all that is left) of order `order_id`'s payment,
/// once per `key`. A key sent again gets the refund it made, as it stands; with another body
/// 422 `idempotency_key_reused`. A refund the gateway refused is 409 `refund_refused`.
pub async fn refund(
    actor: &Actor,
    state: &AppState,
    order_id: &str,
    key: &IdempotencyKey,
    request: &RefundRequest,
) -> Result<RefundAnswer> {
    let user = actor.user().ok_or(ApiError::Unauthenticated)?;
    if !user
        .permissions
        .iter()
        .any(|held| held == REFUND_PERMISSION)
    {
        return Err(ApiError::Forbidden);
    }
    let reason = BoundedText::parse(&request.reason, REASON_MAX).map_err(|_| {
        ApiError::Validation(vec![field_error(
            "reason",
            "required",
            "say why, in at most 500 characters",
        )])
    })?;
    if request.amount.is_some_and(|amount| amount <= Paise(0)) {
        return Err(out_of_range(None));
    }
    let id = Id::parse(order_id).ok_or(ApiError::NotFound)?;
    let hash = request_hash(request.amount, reason.as_str());
    let mut tx = state.db.begin().await?;
    if let Some(earlier) = refunds::by_request_key(&mut tx, id, key.as_str()).await? {
        drop(tx);
        return replay(state, earlier, &hash).await;
    }
    let capture = refundable(&mut tx, id).await?;
    // Before anything is written or asked of the gateway: a refund reverses invoices.
    credit_notes::ensure_invoiced(&mut tx, id).await?;
    let left = Paise(capture.amount - capture.refunded);
    let amount = request.amount.unwrap_or(left);
    if amount <= Paise(0) || amount > left {
        return Err(out_of_range(Some(left)));
    }
    let opening = Opening {
        order: id,
        capture: &capture.gateway_txn_id,
        amount,
        reason: reason.as_str(),
        request: Some((key.as_str(), &hash)),
    };
    let now = state.clock.now();
    let refund = match ledger::open(&mut tx, actor, &opening, now).await? {
        Opened::Written(refund) => refund,
        Opened::NothingLeft => return Err(out_of_range(Some(left))),
        Opened::KeyTaken => {
            // A concurrent click with this key wrote its refund first: answer with that.
            drop(tx);
            let earlier = refunds::by_request_key(&mut state.db.conn().await?, id, key.as_str())
                .await?
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a taken key has no refund")))?;
            return replay(state, earlier, &hash).await;
        }
    };
    tx.commit().await?;
    let standing = ledger::finish(actor, state, &refund).await?;
    answer(state, refund.order_id, standing, false).await
}

/// The payment of confirmed order `id` that a refund can take from.
async fn refundable(conn: &mut Conn, id: Id) -> Result<payment_events::CaptureRow> {
    let order = crate::db::orders::status(conn, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let status = orders::parse_status(&order.status)?;
    if status != OrderStatus::OrderConfirmed {
        return Err(ApiError::RefundRefused {
            field: "orderId",
            why: format!("the order is {}, not confirmed", status.as_str()),
        });
    }
    payment_events::applied_capture(conn, id)
        .await?
        .ok_or_else(|| ApiError::RefundRefused {
            field: "orderId",
            why: "the order has no payment".into(),
        })
}

/// The answer to a key sent again: the refund it made, as it stands, if the body is the
/// same.
async fn replay(state: &AppState, earlier: RefundRow, hash: &str) -> Result<RefundAnswer> {
    if earlier.request_hash.as_deref() != Some(hash) {
        return Err(ApiError::IdempotencyKeyReused);
    }
    let standing = refund_state(&earlier.state)?;
    answer(state, earlier.order_id, standing, true).await
}

/// The answer for a refund of order `id` that is `standing`: a refused one is an error.
async fn answer(
    state: &AppState,
    id: Id,
    standing: RefundState,
    replayed: bool,
) -> Result<RefundAnswer> {
    if standing == RefundState::Failed {
        return Err(ApiError::RefundRefused {
            field: "amount",
            why: "the payment gateway refused this refund".into(),
        });
    }
    let order = orders::read(&mut state.db.conn().await?, state, Scope::All, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(RefundAnswer {
        order,
        state: standing,
        replayed,
    })
}

/// What identifies a request under its key: the amount asked (or none: "all that is left")
/// and the reason.
fn request_hash(amount: Option<Paise>, reason: &str) -> String {
    let amount = amount.map_or_else(|| "all".to_owned(), |amount| amount.0.to_string());
    hex(&Sha256::digest(format!("{amount}\n{reason}")))
}

/// 422 on `amount`: not between 1 and what is `left` (when known).
fn out_of_range(left: Option<Paise>) -> ApiError {
    let message = match left {
        Some(Paise(0)) => "nothing is left to refund".to_owned(),
        Some(left) => format!(
            "must be between 1 and {} paise (what is left to refund)",
            left.0
        ),
        None => "must be at least 1 paisa".to_owned(),
    };
    ApiError::Validation(vec![field_error("amount", "out_of_range", &message)])
}
