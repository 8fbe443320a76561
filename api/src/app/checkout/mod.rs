//! Checkout (`POST /orders`) as one use case: the idempotency key claimed (a short lease), the
//! order placed in one transaction (`placement`) that records its id on the key, the payment
//! opened with the gateway, and the answer kept with the key so that a retry gets exactly it
//! and never a second order. A retry after an attempt died (its lease passed) resumes it from
//! the order the key placed: still INITIATED, its payment is opened (the gateway answers the
//! session it opened for the order, if any); already further, the answer is the order as it
//! is; no order yet, it is placed.

pub(crate) mod address;
mod idempotency;
mod placement;

pub(crate) use idempotency::forget_stale as forget_stale_keys;
pub use idempotency::{IdempotencyKey, LEASE_TIMEOUTS, UNTIMED_LEASE_SECS, lease_secs};

use crate::app::Actor;
use crate::app::audit::{self, Entry};
use crate::app::catalog::stock;
use crate::app::orders::{self, machine};
use crate::db::{Conn, Id, Scope, Tx};
use crate::error::{ApiError, Result};
use crate::payments::{GatewayError, PaymentRequest, PaymentSession};
use crate::state::AppState;
use contracts::orders::{Order, OrderStatus, PlaceOrder, StatusChange};
use idempotency::{Claimed, Held};
use placement::Placement;

/// What `POST /orders` answers: the answer kept with the idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// 201 with the order, or 502 with a problem when the gateway opened no payment.
    pub status: u16,
    /// JSON: the order, or the problem.
    pub body: String,
    /// The order this request placed or resumed: its `Location` (`None` for a repeat, and for
    /// an order cancelled because the gateway opened no payment).
    pub placed: Option<Id>,
    /// Whether this is the answer to an earlier request with the key.
    pub replayed: bool,
}

/// Buys what the customer's cart holds. `body` is the request's JSON ([`PlaceOrder`]): the
/// same `key` and the same bytes within the TTL get the first answer again (the order it
/// placed as it is now).
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
    let payments = &state.payments;
    let customer = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let now = state.clock.now();

    let lease = (now, state.checkout_lease_secs);
    // The claim and the placement share one transaction: one commit fewer per order (on
    // SQLite a commit is a disk sync, and write transactions queue one at a time), and a
    // placement refused for bad input rolls its claim back with it, so a corrected retry may
    // use the key (nothing to release).
    let mut tx = state.db.begin().await?;
    let claimed = idempotency::claim(&mut tx, &state.vault, customer, key, body, lease).await?;
    let (held, earlier) = match claimed {
        // Dropping `tx` rolls back a claim that wrote nothing.
        Claimed::Answered(answer, None) => return Ok(answer),
        // The order as it is now, not as it was answered: paid, failed or timed out since, it
        // no longer offers its payment page or in-page checkout.
        Claimed::Answered(answer, Some(id)) => {
            drop(tx);
            let order = read(state, customer, id).await?;
            return Ok(Answer {
                body: fresh(201, &order, None)?.body,
                ..answer
            });
        }
        Claimed::Held(held, earlier) => (held, earlier),
    };
    let order = match earlier {
        // An earlier attempt placed it, then died before answering: continue from its state.
        Some(id) => {
            tx.commit().await?;
            read(state, customer, id).await?
        }
        None => {
            let placement = Placement {
                vault: &state.vault,
                customer,
                cart: &request.cart_id,
                address: &address,
                place_of_supply,
                payment_provider: payments.name(),
                now,
                pay_by: now + state.payment_timeout_secs,
                held: &held,
                by: &stock::by(actor),
            };
            placed(actor, state, tx, &placement).await?
        }
    };
    let id = Id::parse(&order.id)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("an order id is not an id")))?;
    if order.status != OrderStatus::Initiated {
        // Its payment was opened, or it was settled (timed out), by another hand: the answer
        // is the order as it is.
        let answer = fresh(201, &order, Some(id))?;
        idempotency::keep(&mut state.db.conn().await?, &state.vault, &held, &answer).await?;
        return Ok(answer);
    }
    fault_before_payment().await;
    let opened = payments
        .initiate(PaymentRequest {
            order_id: &order.id,
            amount: order.totals.total,
            return_path: format!("/checkout/result?order={id}"),
        })
        .await;
    finish(actor, state, &held, order, opened, now).await
}

/// Records what the gateway said about INITIATED `order` and keeps the answer with the key
/// `held`, in one transaction (one commit fewer per order: on SQLite every commit is a sync to
/// disk). An order no longer INITIATED (another attempt moved it) is answered as it is.
async fn finish(
    actor: &Actor,
    state: &AppState,
    held: &Held<'_>,
    mut order: Order,
    opened: Result<PaymentSession, GatewayError>,
    now: i64,
) -> Result<Answer> {
    let id = Id::parse(&order.id)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("an order id is not an id")))?;
    let from = OrderStatus::Initiated;
    let mut tx = state.db.begin().await?;
    let answer = match opened {
        Ok(session) => {
            let payment = (session.reference.as_str(), session.pay_url.as_deref());
            if machine::open_payment(&mut tx, actor, id, payment, now).await? {
                // The order as it is once the payment is open (what a read would give back).
                order.status = OrderStatus::PaymentPending;
                order.payment_url = session.pay_url.clone();
                let payments = &state.payments;
                order.checkout =
                    payments.checkout(payments.name(), &session.reference, order.totals.total);
                order.history.push(StatusChange {
                    status: OrderStatus::PaymentPending,
                    at: now,
                    shop_id: None,
                    carrier: None,
                    tracking_number: None,
                });
                fresh(201, &order, Some(id))?
            } else {
                as_it_is(&mut tx, state, held.customer, id).await?
            }
        }
        Err(error) => {
            tracing::error!(%error, order_id = %id, "the payment gateway did not open a payment");
            let failed = OrderStatus::Failed;
            if machine::settle(&mut tx, actor, id, from, failed, now)
                .await?
                .is_some()
            {
                fresh(502, &ApiError::PaymentGateway.problem(), None)?
            } else {
                as_it_is(&mut tx, state, held.customer, id).await?
            }
        }
    };
    idempotency::keep(&mut tx, &state.vault, held, &answer).await?;
    tx.commit().await?;
    Ok(answer)
}

/// The fault point `checkout-before-payment` (builds with the `failpoints` feature; crash
/// tests): after the order's placement committed, before its payment opens. `sleep(ms)` holds
/// the thread (for a SIGKILL); `return(ms)` awaits `ms`, so the request timeout drops the
/// request's future here. Nothing in other builds.
async fn fault_before_payment() {
    if let Some(millis) = stall_millis() {
        tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
    }
}

/// The milliseconds `checkout-before-payment=return(ms)` asks to stall.
fn stall_millis() -> Option<u64> {
    fail::fail_point!("checkout-before-payment", |millis: Option<String>| {
        millis.and_then(|millis| millis.parse().ok())
    });
    None
}

/// Places the order of `placement` in one transaction; the order as its customer reads it.
/// It is read back after the commit, on a pooled connection: every statement inside the
/// transaction holds SQLite's one write lock, which the other checkouts queue for.
async fn placed(
    actor: &Actor,
    state: &AppState,
    mut tx: Tx,
    placement: &Placement<'_>,
) -> Result<Order> {
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
    read(state, placement.customer, id).await
}

/// Order `id` of `customer` as they read it, on a pooled connection.
async fn read(state: &AppState, customer: Id, id: Id) -> Result<Order> {
    read_on(&mut state.db.conn().await?, state, customer, id).await
}

/// Order `id` of `customer` as it is on `conn`, answered 201.
async fn as_it_is(conn: &mut Conn, state: &AppState, customer: Id, id: Id) -> Result<Answer> {
    fresh(201, &read_on(conn, state, customer, id).await?, Some(id))
}

async fn read_on(conn: &mut Conn, state: &AppState, customer: Id, id: Id) -> Result<Order> {
    orders::read(conn, state, Scope::Customer(customer), id)
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
