//! Order fulfilment (issue 10): past `ORDER_CONFIRMED`, each shop's part of a paid order is
//! packed, shipped (carrier and tracking number) and delivered on its own, and the customer may
//! cancel the whole order before any part has shipped. The rules both sides share: which step
//! a part may take, how the order's own status derives from its parts, when it may be
//! cancelled, and what a carrier and a tracking number look like.
//!
//! ```text
//! ORDER_CONFIRMED ─→ PACKED ─→ SHIPPED ─→ DELIVERED        (each shop's part)
//!        └───────────┴──→ CANCELLED                        (the whole order, by its customer,
//!                                                           while no part has shipped)
//! ```
//!
//! **The order's status** is its least advanced part's: `PACKED` once every shop has packed,
//! `SHIPPED` once every shop has shipped, `DELIVERED` once every part is delivered; while one
//! shop has not packed it stays `ORDER_CONFIRMED` (its `parts` say who has). A cancelled order
//! is `CANCELLED` whatever its parts. A seller reads its own part's status as the order's.

use crate::orders::OrderStatus;
use serde::{Deserialize, Serialize};

/// One shop's part of a paid order: where it stands and its shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderPart {
    pub shop_id: String,
    /// `ORDER_CONFIRMED` (not packed yet), `PACKED`, `SHIPPED` or `DELIVERED`.
    pub status: OrderStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    /// Unix seconds, each once the part took that step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packed_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipped_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<i64>,
}

/// The customer's cancellation of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Cancellation {
    pub reason: String,
    /// Unix seconds.
    pub at: i64,
}

/// `POST /api/v1/seller/orders/{id}/ship`: the shop's part leaves with `carrier` under
/// `trackingNumber`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ShipOrder {
    /// 2 to [`CARRIER_MAX`] characters, e.g. `Delhivery`.
    pub carrier: String,
    /// [`TRACKING_MIN`] to [`TRACKING_MAX`] letters, digits and `-` ([`tracking_number_ok`]).
    pub tracking_number: String,
}

/// `POST /api/v1/orders/{id}/cancel` (the customer, with an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CancelOrder {
    /// 1 to 500 characters.
    pub reason: String,
}

/// The longest carrier name.
pub const CARRIER_MAX: usize = 60;
/// The shortest and longest tracking numbers.
pub const TRACKING_MIN: usize = 4;
pub const TRACKING_MAX: usize = 40;

/// How far a part has gone: `None` for a status that is not a part's.
fn rank(status: OrderStatus) -> Option<u8> {
    match status {
        OrderStatus::OrderConfirmed => Some(0),
        OrderStatus::Packed => Some(1),
        OrderStatus::Shipped => Some(2),
        OrderStatus::Delivered => Some(3),
        _ => None,
    }
}

/// Why a part may not take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRefusal {
    /// The part is past it or not there yet (packing twice, delivering before shipping).
    OutOfOrder,
    /// The order was cancelled.
    Cancelled,
}

/// Whether a part in `part` may move to `to` (`PACKED`, `SHIPPED` or `DELIVERED`), one step
/// at a time, in an order that is `cancelled` or not.
pub fn step(part: OrderStatus, to: OrderStatus, cancelled: bool) -> Result<(), StepRefusal> {
    if cancelled {
        return Err(StepRefusal::Cancelled);
    }
    match (rank(part), rank(to)) {
        (Some(from), Some(to)) if to == from + 1 => Ok(()),
        _ => Err(StepRefusal::OutOfOrder),
    }
}

/// The order's status from its parts' (one per shop with lines in it; `ORDER_CONFIRMED` for a
/// part not packed): the least advanced of them.
pub fn order_status(parts: impl IntoIterator<Item = OrderStatus>) -> OrderStatus {
    parts
        .into_iter()
        .filter(|status| rank(*status).is_some())
        .min_by_key(|status| rank(*status))
        .unwrap_or(OrderStatus::OrderConfirmed)
}

/// Whether an order whose parts stand at `parts` may still be cancelled: none has shipped.
pub fn cancellable(parts: impl IntoIterator<Item = OrderStatus>) -> bool {
    parts
        .into_iter()
        .all(|status| matches!(rank(status), Some(0 | 1)))
}

/// Whether `text` is a tracking number: [`TRACKING_MIN`] to [`TRACKING_MAX`] ASCII letters,
/// digits and inner hyphens.
pub fn tracking_number_ok(text: &str) -> bool {
    (TRACKING_MIN..=TRACKING_MAX).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// Whether `text` (trimmed) names a carrier: 2 to [`CARRIER_MAX`] characters, no control
/// characters.
pub fn carrier_ok(text: &str) -> bool {
    let text = text.trim();
    (2..=CARRIER_MAX).contains(&text.chars().count()) && !text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn a_part_moves_one_step_at_a_time_and_never_once_cancelled() {
        assert_eq!(step(OrderConfirmed, Packed, false), Ok(()));
        assert_eq!(step(Packed, Shipped, false), Ok(()));
        assert_eq!(step(Shipped, Delivered, false), Ok(()));
        for (from, to) in [
            (OrderConfirmed, Shipped),
            (OrderConfirmed, Delivered),
            (Packed, Delivered),
            (Packed, Packed),
            (Delivered, Shipped),
            (PaymentPending, Packed),
            (Packed, Cancelled),
        ] {
            assert_eq!(
                step(from, to, false),
                Err(StepRefusal::OutOfOrder),
                "{from:?} → {to:?}"
            );
        }
        assert_eq!(
            step(OrderConfirmed, Packed, true),
            Err(StepRefusal::Cancelled)
        );
    }

    #[test]
    fn the_order_stands_where_its_least_advanced_part_does() {
        assert_eq!(order_status([]), OrderConfirmed);
        assert_eq!(order_status([Packed, OrderConfirmed]), OrderConfirmed);
        assert_eq!(order_status([Packed, Shipped]), Packed);
        assert_eq!(order_status([Delivered, Shipped]), Shipped);
        assert_eq!(order_status([Delivered, Delivered]), Delivered);
    }

    #[test]
    fn an_order_is_cancellable_until_a_part_ships() {
        assert!(cancellable([OrderConfirmed, Packed]));
        assert!(!cancellable([Packed, Shipped]));
        assert!(!cancellable([Delivered]));
        assert!(!cancellable([PaymentPending]));
    }

    #[test]
    fn tracking_numbers_and_carriers_are_checked() {
        assert!(tracking_number_ok("AWB-123456"));
        assert!(!tracking_number_ok("123"));
        assert!(!tracking_number_ok("-1234"));
        assert!(!tracking_number_ok("12 34 56"));
        assert!(!tracking_number_ok(&"9".repeat(41)));
        assert!(carrier_ok(" Delhivery "));
        assert!(!carrier_ok("D"));
        assert!(!carrier_ok(&"x".repeat(61)));
    }
}
