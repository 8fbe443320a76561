//! Checkout (`POST /orders`) as one use case: the idempotency key claimed, the order placed in
//! one transaction (`placement`), the payment opened with the gateway, and the answer kept
//! with the key so that a retry gets exactly it and never a second order.

mod address;
mod idempotency;
mod placement;

pub use idempotency::IdempotencyKey;
pub(crate) use idempotency::forget_stale as forget_stale_keys;

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::app::catalog::stock;
use crate::app::orders::{self, machine};
use crate::db::{self, Id, Scope};
use crate::error::{ApiError, Result};
use crate::payments::PaymentRequest;
use crate::state::AppState;
use contracts::orders::{Order, OrderStatus, PlaceOrder, StatusChange};
use placement::Placement;

/// What `POST /orders` answers: the answer kept with the idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// 201 with the order, or 502 with a problem when the gateway opened no payment.
    pub status: u16,
    /// JSON: the order, or the problem.
    pub body: String,
    /// The order this very request placed, payment open: its `Location` (`None` for a repeat,
    /// and for an order cancelled because the gateway opened no payment).
    pub placed: Option<Id>,
    /// Whether this is the answer to an earlier request with the key.
    pub replayed: bool,
}

/// Buys what the customer's cart holds. `body` is the request's JSON ([`PlaceOrder`]): the
/// same `key` and the same bytes within the TTL get the first answer again.
pub async fn place(
    actor: &Actor,
    state: &AppState,
    key: &IdempotencyKey,
    body: &[u8],
) -> Result<Answer> {
    let request: PlaceOrder = serde_json::from_slice(body)
        .map_err(|error| ApiError::MalformedJson(format!("The body does not fit: {error}.")))?;
    // An order sets the delivery address and the invoice's billing address, which support
    // acting as the customer may not change (seed 000 section 6.2); and support sees the
    // customer's addresses masked, so it could not pick a known one either. Support fills
    // the cart; the customer places the order.
    crate::app::impersonation::forbid(actor, "address")?;
    let (address, place_of_supply) = address::validate(&request.address)?;
    let payments = state
        .payments
        .as_ref()
        .ok_or(ApiError::PaymentsUnavailable)?;
    let customer = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let now = state.clock.now();

    let earlier = idempotency::claim(
        &mut state.db.conn().await?,
        &state.vault,
        customer,
        key,
        body,
        now,
    )
    .await?;
    if let Some(answer) = earlier {
        return Ok(answer);
    }
    let placement = Placement {
        vault: &state.vault,
        customer,
        cart: &request.cart_id,
        address: &address,
        place_of_supply,
        payment_provider: payments.name(),
        now,
        pay_by: now + state.payment_timeout_secs,
        by: &stock::by(actor),
    };
    let mut order = match placed(actor, state, &placement).await {
        Ok(order) => order,
        Err(error) => {
            // Nothing was written: free the key so a corrected retry may use it.
            idempotency::release(&mut state.db.conn().await?, customer, key).await?;
            return Err(error);
        }
    };
    let id = Id::parse(&order.id)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("an order id is not an id")))?;

    let opened = payments
        .initiate(PaymentRequest {
            order_id: &order.id,
            amount: order.totals.total,
            return_path: format!("/checkout/result?order={id}"),
        })
        .await;
    // One transaction for the payment's outcome and the kept answer (one commit fewer per
    // order: on SQLite every commit is a sync to disk).
    let mut tx = state.db.begin().await?;
    let answer = match opened {
        Ok(session) => {
            if machine::step(
                &mut tx,
                actor,
                id,
                OrderStatus::Initiated,
                OrderStatus::PaymentPending,
                now,
            )
            .await?
            {
                db::orders::set_payment(&mut tx, id, &session.reference, &session.pay_url).await?;
            }
            // The order as it is once the payment is open (what a read would give back).
            order.status = OrderStatus::PaymentPending;
            order.payment_url = Some(session.pay_url);
            order.history.push(StatusChange {
                status: OrderStatus::PaymentPending,
                at: now,
            });
            fresh(201, &order, Some(id))?
        }
        Err(error) => {
            tracing::error!(%error, order_id = %id, "the payment gateway did not open a payment");
            machine::settle(
                &mut tx,
                actor,
                id,
                OrderStatus::Initiated,
                OrderStatus::Failed,
                now,
            )
            .await?;
            fresh(502, &ApiError::PaymentGateway.problem(), None)?
        }
    };
    idempotency::keep(&mut tx, &state.vault, customer, key, &answer).await?;
    tx.commit().await?;
    Ok(answer)
}

/// Places the order of `placement` in one transaction; the order as its customer reads it.
/// It is read back after the commit, on a pooled connection: every statement inside the
/// transaction holds SQLite's one write lock, which the other checkouts queue for.
async fn placed(actor: &Actor, state: &AppState, placement: &Placement<'_>) -> Result<Order> {
    let mut tx = state.db.begin().await?;
    let id = placement::place(&mut tx, placement).await?;
    // The delivery address is personal data: the row says only that an order was placed.
    let entry = Entry::success("orders:create", "orders", Some(id), placement.now).with_changes(
        serde_json::json!({
            "status": {"after": OrderStatus::Initiated.as_str()},
            "cartId": {"before": placement.cart},
        }),
    );
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    orders::read(
        &mut state.db.conn().await?,
        &state.vault,
        Scope::Customer(placement.customer),
        id,
    )
    .await?
    .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a placed order vanished")))
}

/// The answer `status` with `body` as JSON, given by this request.
fn fresh(status: u16, body: &impl serde::Serialize, placed: Option<Id>) -> Result<Answer> {
    let body = serde_json::to_string(body)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("serialising an answer: {error}")))?;
    Ok(Answer {
        status,
        body,
        placed,
        replayed: false,
    })
}
