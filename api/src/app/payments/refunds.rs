//! Refunds, an administrator's act: all or part of what a confirmed order's payment has left,
//! given back through its gateway and recorded with who did it. Partial refunds add up to at
//! most the total, even when two run at once.

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::app::{credit_notes, orders};
use crate::db::refunds::{self, NewRefund, RefundableRow};
use crate::db::{Id, Scope};
use crate::domain::{BoundedText, field_error};
use crate::error::{ApiError, Result};
use crate::payments::GatewayError;
use crate::state::AppState;
use contracts::Paise;
use contracts::orders::{Order, OrderStatus, RefundRequest};

/// The longest reason.
const REASON_MAX: usize = 500;

/// Gives back `request.amount` (default: all that is left) of order `order_id`; the order with
/// what it has refunded now.
pub async fn refund(
    actor: &Actor,
    state: &AppState,
    order_id: &str,
    request: &RefundRequest,
) -> Result<Order> {
    let admin = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let reason = BoundedText::parse(&request.reason, REASON_MAX).map_err(|_| {
        ApiError::Validation(vec![field_error(
            "reason",
            "required",
            "say why, in at most 500 characters",
        )])
    })?;
    let id = Id::parse(order_id).ok_or(ApiError::NotFound)?;
    let (reference, amount) = {
        let mut conn = state.db.conn().await?;
        let order = orders::read(&mut conn, &state.vault, Scope::All, id)
            .await?
            .ok_or(ApiError::NotFound)?;
        if order.status != OrderStatus::OrderConfirmed {
            return Err(ApiError::RefundRefused(format!(
                "the order is {}",
                order.status.as_str()
            )));
        }
        let Some(RefundableRow {
            payment_ref: Some(reference),
            left_over,
        }) = refunds::refundable(&mut conn, id).await?
        else {
            return Err(ApiError::RefundRefused("the order has no payment".into()));
        };
        credit_notes::ensure_invoiced(&mut conn, id).await?;
        let left = Paise(left_over);
        let amount = request.amount.unwrap_or(left);
        if amount <= Paise(0) || amount > left {
            return Err(ApiError::Validation(vec![field_error(
                "amount",
                "out_of_range",
                &format!(
                    "must be between 1 and {} paise (what is left to refund)",
                    left.0
                ),
            )]));
        }
        (reference, amount)
    };
    let payments = state
        .payments
        .as_ref()
        .ok_or(ApiError::PaymentsUnavailable)?;
    let gateway_ref = payments
        .refund(&reference, amount)
        .await
        .map_err(|error| match error {
            GatewayError::Refused(why) => ApiError::RefundRefused(why),
            GatewayError::Unavailable(error) => {
                tracing::error!(%error, "the payment gateway failed a refund");
                ApiError::PaymentGateway
            }
        })?;

    let mut tx = state.db.begin().await?;
    if !refunds::add_refunded(&mut tx, id, amount.0).await? {
        // The gateway refunded but a concurrent refund took the room first: say so loudly.
        tracing::error!(order_id = %id, gateway_ref, "a gateway refund could not be recorded");
        return Err(ApiError::RefundRefused(
            "another refund was recorded first".into(),
        ));
    }
    let refund = NewRefund {
        id: Id::new(),
        order: id,
        amount: amount.0,
        reason: reason.as_str(),
        gateway_ref: &gateway_ref,
        by: admin,
        now: state.clock.now(),
    };
    refunds::insert(&mut tx, &refund).await?;
    let (date, now) = (crate::clock::india_date(refund.now), refund.now);
    credit_notes::issue_for_refund(
        &mut tx,
        actor,
        &state.vault,
        id,
        refund.id,
        amount,
        date,
        now,
    )
    .await?;
    // The reason is free text an administrator typed: left out, it may name the customer.
    let entry = Entry::success("payments:refund", "orders", Some(id), refund.now).with_changes(
        serde_json::json!({
            "refundId": {"after": refund.id.to_string()},
            "amount": {"after": amount.0},
            "gatewayRef": {"after": gateway_ref},
        }),
    );
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    orders::read(&mut state.db.conn().await?, &state.vault, Scope::All, id)
        .await?
        .ok_or(ApiError::NotFound)
}
