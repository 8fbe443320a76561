//! The refund ledger's moves, shared by administrators' refunds, the automatic refunds of
//! captures no order took, and the reconciler: [`open`] (reserve on the capture and write
//! PENDING, in the caller's transaction), [`finish`] (ask the gateway under the refund's own
//! key, then settle), and the two settlements, [`complete`] (DONE: the one place a refund
//! becomes done) and [`fail`] (FAILED: the reservation given back). Every move is audited,
//! never with the refund's reason (free text that may name the customer).

use crate::app::audit::{self, Entry};
use crate::app::order_mail::{self, News};
use crate::app::{Actor, credit_notes};
use crate::auth::secret::hex;
use crate::db::refunds::{self, NewRefund, RefundRow};
use crate::db::{Conn, Id, payment_events};
use crate::error::{ApiError, Constraint, Result};
use crate::payments::{GatewayError, GatewayRefundRequest};
use crate::state::AppState;
use contracts::Paise;
use contracts::payments::RefundState;
use sha2::{Digest as _, Sha256};

/// A refund to open.
pub(crate) struct Opening<'a> {
    pub order: Id,
    /// The capture it gives back (its gateway transaction id).
    pub capture: &'a str,
    pub amount: Paise,
    pub reason: &'a str,
    /// The administrator's `Idempotency-Key` and request hash; `None` for an automatic
    /// refund, whose one-ness comes from its capture's (the event is recorded once).
    pub request: Option<(&'a str, &'a str)>,
}

/// What opening a refund came to.
pub(crate) enum Opened {
    /// Written PENDING and its amount reserved: commit, then [`finish`] it.
    Written(RefundRow),
    /// Another refund of the order holds this `Idempotency-Key` (on PostgreSQL the statement
    /// failed, so the transaction must be dropped): answer with that one.
    KeyTaken,
    /// The capture has less than the amount left: nothing was written.
    NothingLeft,
}

/// The gateway key of a refund: an administrator's refund uses its own id; an automatic one a
/// key derived from the capture, so even a second writer of it would ask the gateway for the
/// same refund. Both are 36 to 40 characters of `[a-z0-9-]`, as Razorpay takes.
fn gateway_key(opening: &Opening<'_>, id: Id) -> String {
    match opening.request {
        Some(_) => id.to_string(),
        None => format!("capture-{}", &hex(&Sha256::digest(opening.capture))[..32]),
    }
}

/// Opens a refund as `actor` on `conn` (a transaction the caller commits): the row first (so
/// a second click under the same key waits for the first and then finds it), then the
/// reservation on the capture (conditional: concurrent refunds never exceed it), then the
/// audit row.
pub(crate) async fn open(
    conn: &mut Conn,
    actor: &Actor,
    opening: &Opening<'_>,
    now: i64,
) -> Result<Opened> {
    let id = Id::new();
    let key = gateway_key(opening, id);
    let refund = NewRefund {
        id,
        order: opening.order,
        payment_txn_id: opening.capture,
        amount: opening.amount.0,
        reason: opening.reason,
        automatic: opening.request.is_none(),
        gateway_key: &key,
        request: opening.request,
        by: actor.user_id(),
        now,
    };
    match refunds::insert(conn, &refund).await {
        Ok(()) => {}
        Err(error) if Constraint::Unique("refunds").matches(&error) => return Ok(Opened::KeyTaken),
        Err(error) => return Err(error.into()),
    }
    if !payment_events::reserve(conn, opening.capture, opening.amount.0).await? {
        return Ok(Opened::NothingLeft);
    }
    let entry = Entry::success("payments:refund", "orders", Some(opening.order), now).with_changes(
        serde_json::json!({
            "refundId": {"after": id.to_string()},
            "transactionId": {"after": opening.capture},
            "amount": {"after": opening.amount.0},
            "automatic": {"after": refund.automatic},
            "state": {"after": RefundState::Pending.as_str()},
        }),
    );
    audit::record(conn, actor, &entry).await?;
    let row = refunds::get(conn, id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a refund just written vanished")))?;
    Ok(Opened::Written(row))
}

/// Asks the gateway for PENDING `refund` under its own key, as `actor`, then settles it:
/// DONE when the gateway accepts it (again, when an earlier call under the key already
/// did), FAILED when it refuses. A gateway that cannot be reached leaves it PENDING, for
/// the reconciler to ask again. Where it stands now.
pub(crate) async fn finish(
    actor: &Actor,
    state: &AppState,
    refund: &RefundRow,
) -> Result<RefundState> {
    // The crash tests stop the server here, and after the gateway call (`failpoints` builds).
    fail::fail_point!("refund-before-gateway");
    let asked = state
        .payments
        .refund(GatewayRefundRequest {
            payment: &refund.payment_txn_id,
            amount: Paise(refund.amount),
            idempotency_key: &refund.gateway_key,
            receipt: &refund.id.to_string(),
        })
        .await;
    fail::fail_point!("refund-after-gateway");
    let answer = match asked {
        Ok(gateway) => Ok(gateway.id),
        Err(GatewayError::Refused(why)) => Err(why),
        Err(GatewayError::Unavailable(error)) => {
            tracing::error!(refund_id = %refund.id, %error, "the gateway did not take a refund; it stays pending");
            return Ok(RefundState::Pending);
        }
    };
    let mut tx = state.db.begin().await?;
    let settled = match &answer {
        Ok(gateway_ref) => complete(&mut tx, actor, refund, gateway_ref, state).await?,
        Err(why) => {
            tracing::warn!(refund_id = %refund.id, %why, "the gateway refused a refund");
            fail(&mut tx, actor, refund, state.clock.now()).await?
        }
    };
    tx.commit().await?;
    if settled {
        tracing::info!(refund_id = %refund.id, "refund settled");
    }
    // Settled here or by a concurrent finisher: read what it is.
    let now = refunds::get(&mut state.db.conn().await?, refund.id).await?;
    Ok(now
        .and_then(|row| RefundState::parse(&row.state))
        .unwrap_or(RefundState::Pending))
}

/// Marks PENDING `refund` DONE with the gateway's id `gateway_ref`, as `actor`, on `conn` (a
/// transaction the caller commits); whether it was still PENDING (a concurrent finisher may
/// have settled it: then nothing happens). The one place a refund becomes done, so whatever
/// must happen exactly once with a done refund belongs in this transaction: a refund of the
/// payment that paid the order adds to `orders.refunded` (reverses its invoices, and takes a
/// wholly refunded order off the fulfilment queue).
pub(super) async fn complete(
    conn: &mut Conn,
    actor: &Actor,
    refund: &RefundRow,
    gateway_ref: &str,
    state: &AppState,
) -> Result<bool> {
    let now = state.clock.now();
    if !refunds::settle(
        conn,
        refund.id,
        RefundState::Done.as_str(),
        Some(gateway_ref),
        now,
    )
    .await?
    {
        return Ok(false);
    }
    if !refund.automatic && !refunds::add_refunded(conn, refund.order_id, refund.amount).await? {
        // The reservation on the capture (its amount is the total) makes this impossible.
        return Err(ApiError::Internal(anyhow::anyhow!(
            "refund {} would take the order's refunds past its total",
            refund.id
        )));
    }
    if !refund.automatic {
        // A wholly refunded order is not to be sent: off the sellers' queues.
        crate::db::fulfilment::unqueue_if_refunded(conn, refund.order_id).await?;
        // The invoices of the order this payment paid are reversed by as much (CGST Act
        // section 34). An automatic refund gives back a payment no order took: no invoice
        // covers that money, so no credit note.
        let date = crate::clock::india_date(now);
        let amount = Paise(refund.amount);
        credit_notes::issue_for_refund(
            conn,
            actor,
            &state.vault,
            refund.order_id,
            refund.id,
            amount,
            date,
            now,
        )
        .await?;
        // The customer hears of it with the notes, in this transaction: once per refund.
        let notes = order_mail::credit_notes(conn, refund.id).await?;
        let news = News::Refunded {
            amount,
            notes: &notes,
        };
        order_mail::tell(conn, state, refund.order_id, &news).await?;
    }
    let entry = Entry::success("payments:refund", "orders", Some(refund.order_id), now)
        .with_changes(serde_json::json!({
            "refundId": {"after": refund.id.to_string()},
            "amount": {"after": refund.amount},
            "gatewayRef": {"after": gateway_ref},
            "state": {"before": RefundState::Pending.as_str(), "after": RefundState::Done.as_str()},
        }));
    audit::record(conn, actor, &entry).await?;
    Ok(true)
}

/// Marks PENDING `refund` FAILED (the gateway refused it) and gives its reservation back to
/// the capture, as `actor`, on `conn`; whether it was still PENDING.
async fn fail(conn: &mut Conn, actor: &Actor, refund: &RefundRow, now: i64) -> Result<bool> {
    if !refunds::settle(conn, refund.id, RefundState::Failed.as_str(), None, now).await? {
        return Ok(false);
    }
    payment_events::release(conn, &refund.payment_txn_id, refund.amount).await?;
    // The gateway's own words stay in the log: the audit says what happened, in ours.
    let entry = Entry::failure(
        "payments:refund",
        "orders",
        Some(refund.order_id),
        "the gateway refused the refund",
        now,
    )
    .with_changes(serde_json::json!({
        "refundId": {"after": refund.id.to_string()},
        "amount": {"after": refund.amount},
        "state": {"before": RefundState::Pending.as_str(), "after": RefundState::Failed.as_str()},
    }));
    audit::record(conn, actor, &entry).await?;
    Ok(true)
}
