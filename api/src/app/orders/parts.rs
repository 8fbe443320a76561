//! How an order reads past payment (issue 10): each shop's part as stored by fulfilment
//! (`app::fulfilment`), the customer's cancellation, and the status derived from them
//! (`contracts::fulfilment::order_status`); a seller sees its own part only.

use crate::app::orders::parse_status;
use crate::db::fulfilment::{self as store, PartRow};
use crate::db::{Conn, Id};
use crate::error::Result;
use contracts::fulfilment::{self, Cancellation, OrderPart};
use contracts::orders::OrderStatus;

/// The status `CANCELLED` stands for in `orders.fulfilment`.
pub(crate) const CANCELLED: &str = "CANCELLED";

/// What an order reads as past payment.
pub(crate) struct View {
    /// The order's status as this reader sees it.
    pub status: OrderStatus,
    pub parts: Vec<OrderPart>,
    pub cancellation: Option<Cancellation>,
    pub cancellable: bool,
}

/// How order `order` (stored status `stored`, standing `standing`, with lines of the shops
/// `shops`) reads to a reader who sees shop `shop`'s part only, or every part.
pub(crate) async fn view(
    conn: &mut Conn,
    order: Id,
    stored: OrderStatus,
    standing: Option<&str>,
    shops: &[Id],
    shop: Option<Id>,
) -> Result<View> {
    if stored != OrderStatus::OrderConfirmed {
        return Ok(View {
            status: stored,
            parts: Vec::new(),
            cancellation: None,
            cancellable: false,
        });
    }
    let rows = store::parts(conn, order).await?;
    let mut parts = Vec::new();
    for &id in shops {
        if shop.is_none_or(|own| own == id) {
            let row = rows.iter().find(|row| row.shop_id == id);
            parts.push(part(id, row)?);
        }
    }
    let cancellation = match standing {
        Some(CANCELLED) => store::cancellation(conn, order)
            .await?
            .map(|row| Cancellation {
                reason: row.reason,
                at: row.cancelled_at,
            }),
        _ => None,
    };
    let statuses = parts.iter().map(|part| part.status);
    let (status, cancellable) = if cancellation.is_some() {
        (OrderStatus::Cancelled, false)
    } else {
        let cancellable = shop.is_none() && fulfilment::cancellable(statuses.clone());
        (fulfilment::order_status(statuses), cancellable)
    };
    Ok(View {
        status,
        parts,
        cancellation,
        cancellable,
    })
}

/// Shop `shop`'s part as read from `row` (none: not packed yet).
fn part(shop: Id, row: Option<&PartRow>) -> Result<OrderPart> {
    let Some(row) = row else {
        return Ok(OrderPart {
            shop_id: shop.to_string(),
            status: OrderStatus::OrderConfirmed,
            carrier: None,
            tracking_number: None,
            packed_at: None,
            shipped_at: None,
            delivered_at: None,
        });
    };
    Ok(OrderPart {
        shop_id: shop.to_string(),
        status: parse_status(&row.status)?,
        carrier: row.carrier.clone(),
        tracking_number: row.tracking_number.clone(),
        packed_at: Some(row.packed_at),
        shipped_at: row.shipped_at,
        delivered_at: row.delivered_at,
    })
}
