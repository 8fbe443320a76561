//! Order fulfilment (issue 10): a seller packs, ships (carrier and tracking number) and
//! delivers its own shop's part of a paid order ([`advance`]); the customer cancels the whole
//! order before any part has shipped (`cancel`). How an order reads past payment (its parts,
//! its cancellation, the status derived from them) is `app::orders::parts`.
//!
//! The payment machine's `orders.status` ends at ORDER_CONFIRMED; fulfilment is stored beside
//! it (`db::fulfilment`), with the order's derived standing in `orders.fulfilment` written in
//! the same transaction as every step (migration 0015 says why). Each step is added to the
//! order's history and audited on its transaction; the rules are `contracts::fulfilment`'s.

pub(crate) mod cancel;

pub use cancel::{CancelAnswer, cancel};

use crate::app::audit::{self, Entry};
use crate::app::impersonation::masking;
use crate::app::order_mail::{self, News};
use crate::app::{Actor, orders, reader_scope};
use crate::db::fulfilment::{self as store, Step};
use crate::db::{Conn, Id, Scope, credit_notes};
use crate::domain::Fields;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::fulfilment::{self, ShipOrder, StepRefusal, carrier_ok, tracking_number_ok};
use contracts::orders::{Order, OrderStatus};

use crate::app::orders::parts::CANCELLED;

/// Moves the seller's own part of order `order_id` to `to` (`PACKED`, `SHIPPED` with
/// `shipment`, `DELIVERED`), one step at a time; the order as the seller then sees it.
/// Another shop's order is 404; an unpaid one 422 `order_unpaid`; a step out of order or of a
/// cancelled order 409 `illegal_transition`. Nothing is written on a refusal.
pub async fn advance(
    actor: &Actor,
    state: &AppState,
    order_id: &str,
    to: OrderStatus,
    shipment: Option<&ShipOrder>,
) -> Result<Order> {
    let shipment = shipment.map(checked_shipment).transpose()?;
    let id = Id::parse(order_id).ok_or(ApiError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let Scope::Shop(shop) = reader_scope(actor, &mut tx).await? else {
        return Err(ApiError::Forbidden);
    };
    // One step of an order at a time (its cancellation included).
    credit_notes::lock_order(&mut tx, id).await?;
    let row = crate::db::orders::get(&mut tx, Scope::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if orders::parse_status(&row.status)? != OrderStatus::OrderConfirmed {
        let field = if shipment.is_some() {
            "trackingNumber"
        } else {
            "orderId"
        };
        return Err(ApiError::OrderUnpaid { field });
    }
    let part = match &row.part_status {
        Some(status) => orders::parse_status(status)?,
        None => OrderStatus::OrderConfirmed,
    };
    let cancelled = row.fulfilment.as_deref() == Some(CANCELLED);
    fulfilment::step(part, to, cancelled).map_err(|refusal| refused(refusal, part, to))?;
    let now = state.clock.now();
    let moved = match (to, &shipment) {
        (OrderStatus::Packed, _) => store::pack(&mut tx, id, shop, now).await?,
        (OrderStatus::Shipped, Some((carrier, tracking))) => {
            let shipped = store::ship(&mut tx, id, shop, carrier, tracking, now).await?;
            store::unqueue(&mut tx, id, Some(shop)).await?;
            shipped
        }
        (OrderStatus::Delivered, _) => store::deliver(&mut tx, id, shop, now).await?,
        _ => {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "no such fulfilment step"
            )));
        }
    };
    if !moved {
        return Err(refused(StepRefusal::OutOfOrder, part, to));
    }
    let (carrier, tracking) = match &shipment {
        Some((carrier, tracking)) => (Some(carrier.as_str()), Some(tracking.as_str())),
        None => (None, None),
    };
    let step = Step {
        status: to.as_str(),
        shop: Some(shop),
        carrier,
        tracking_number: tracking,
        at: now,
    };
    store::add_step(&mut tx, id, &step).await?;
    let standing = standing(&mut tx, id).await?;
    store::set_standing(&mut tx, id, standing.map(OrderStatus::as_str)).await?;
    let entry =
        Entry::success("orders:fulfil", "orders", Some(id), now).with_changes(serde_json::json!({
            "shopId": {"after": shop.to_string()},
            "status": {"before": part.as_str(), "after": to.as_str()},
            "carrier": {"after": carrier},
            "trackingNumber": {"after": tracking},
        }));
    audit::record(&mut tx, actor, &entry).await?;
    tell(&mut tx, state, id, shop, to, carrier.zip(tracking)).await?;
    tx.commit().await?;
    let order = orders::read(&mut state.db.conn().await?, state, Scope::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(masking::for_actor(actor, order, masking::order))
}

/// Queues the customer's mail about shop `shop`'s part of order `order` reaching `to`
/// (shipped with `shipment`'s carrier and tracking number, or delivered; packing is not
/// news), linking the shop's invoice.
async fn tell(
    conn: &mut Conn,
    state: &AppState,
    order: Id,
    shop: Id,
    to: OrderStatus,
    shipment: Option<(&str, &str)>,
) -> Result<()> {
    if !matches!(to, OrderStatus::Shipped | OrderStatus::Delivered) {
        return Ok(());
    }
    let invoices = order_mail::invoices(conn, order, Some(shop)).await?;
    let seller = invoices
        .first()
        .map_or("A seller", |invoice| invoice.seller.as_str());
    let news = match shipment {
        Some((carrier, tracking)) => News::Shipped {
            seller,
            carrier,
            tracking,
            invoices: &invoices,
        },
        None => News::Delivered {
            seller,
            invoices: &invoices,
        },
    };
    order_mail::tell(conn, state, order, &news).await
}

/// The carrier (trimmed) and tracking number of `shipment`, or 422 naming each bad field.
fn checked_shipment(shipment: &ShipOrder) -> Result<(String, String)> {
    let mut fields = Fields::new();
    let carrier = shipment.carrier.trim();
    if !carrier_ok(carrier) {
        fields.push(
            "carrier",
            "invalid",
            "name the carrier in 2 to 60 characters",
        );
    }
    let tracking = shipment.tracking_number.trim();
    if !tracking_number_ok(tracking) {
        fields.push(
            "trackingNumber",
            "invalid",
            "4 to 40 letters, digits and hyphens, as the carrier gave it",
        );
    }
    fields.finish()?;
    Ok((carrier.to_owned(), tracking.to_owned()))
}

/// The refusal of a step from `part` to `to`.
fn refused(refusal: StepRefusal, part: OrderStatus, to: OrderStatus) -> ApiError {
    match refusal {
        StepRefusal::Cancelled => ApiError::IllegalTransition {
            field: "status",
            reason: "cancelled",
            why: "the customer cancelled the order".into(),
        },
        StepRefusal::OutOfOrder => ApiError::IllegalTransition {
            field: "status",
            reason: "out_of_order",
            why: format!(
                "the shop's part is {}, and cannot become {}",
                part.as_str(),
                to.as_str()
            ),
        },
    }
}

/// Order `order`'s standing from its parts now: `None` while it reads ORDER_CONFIRMED.
async fn standing(conn: &mut Conn, order: Id) -> Result<Option<OrderStatus>> {
    let rows = store::parts(conn, order).await?;
    let mut statuses = Vec::new();
    for shop in store::shops_of(conn, order).await? {
        statuses.push(match rows.iter().find(|row| row.shop_id == shop) {
            Some(row) => orders::parse_status(&row.status)?,
            None => OrderStatus::OrderConfirmed,
        });
    }
    let status = fulfilment::order_status(statuses);
    Ok((status != OrderStatus::OrderConfirmed).then_some(status))
}
