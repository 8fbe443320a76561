//! A product's stock as sellers change it and as its history records it
//! (`/api/v1/seller/products/{id}/stock`, `/api/v1/seller/products/{id}/inventory`,
//! `/api/v1/admin/products/{id}/inventory`).

use crate::audit::ActorType;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/seller/products/{id}/stock`: adds `delta` units (negative: takes them away),
/// whatever reservations and releases happen meanwhile; never below zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StockAdjustment {
    /// Units to add (positive) or take away (negative); not zero.
    pub delta: i64,
    pub reason: AdjustmentReason,
}

/// Why a seller adjusts the stock by a delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentReason {
    /// Units received.
    Restock,
    Damaged,
    Lost,
    /// Units a customer sent back, sellable again.
    Returned,
    /// A correction of an earlier mistake.
    Correction,
}

/// Why a product's stock changed: a seller's adjustment (its [`AdjustmentReason`]), a seller's
/// recount (the stock set absolutely, with the version read), the stock a new product starts
/// with, or an order reserving units (placement) or giving them back (declined, timed out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InventoryReason {
    Created,
    Restock,
    Damaged,
    Lost,
    Returned,
    Correction,
    Recount,
    OrderReserved,
    OrderReleased,
}

impl InventoryReason {
    pub const ALL: [InventoryReason; 9] = [
        InventoryReason::Created,
        InventoryReason::Restock,
        InventoryReason::Damaged,
        InventoryReason::Lost,
        InventoryReason::Returned,
        InventoryReason::Correction,
        InventoryReason::Recount,
        InventoryReason::OrderReserved,
        InventoryReason::OrderReleased,
    ];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InventoryReason::Created => "created",
            InventoryReason::Restock => "restock",
            InventoryReason::Damaged => "damaged",
            InventoryReason::Lost => "lost",
            InventoryReason::Returned => "returned",
            InventoryReason::Correction => "correction",
            InventoryReason::Recount => "recount",
            InventoryReason::OrderReserved => "order_reserved",
            InventoryReason::OrderReleased => "order_released",
        }
    }

    pub fn parse(text: &str) -> Option<InventoryReason> {
        InventoryReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }
}

impl From<AdjustmentReason> for InventoryReason {
    fn from(reason: AdjustmentReason) -> Self {
        match reason {
            AdjustmentReason::Restock => InventoryReason::Restock,
            AdjustmentReason::Damaged => InventoryReason::Damaged,
            AdjustmentReason::Lost => InventoryReason::Lost,
            AdjustmentReason::Returned => InventoryReason::Returned,
            AdjustmentReason::Correction => InventoryReason::Correction,
        }
    }
}

/// One change of a product's stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InventoryEntry {
    /// Who changed it, as the audit log names actors: a user (`USER`, `ADMIN`) or the server's
    /// own task (`SYSTEM`).
    pub actor_type: ActorType,
    /// The user's id, or the task's name (`sweeper`, `payment-gateway`, `operator`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    pub reason: InventoryReason,
    /// Units added (positive) or taken (negative).
    pub delta: i64,
    /// The stock it left.
    pub level: i64,
    /// The order that caused it (`order_reserved`, `order_released`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Unix seconds.
    pub at: i64,
}

/// One page of a product's inventory history, newest first; pass `nextCursor` back as
/// `?after=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InventoryPage {
    pub items: Vec<InventoryEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_snake_case_and_parse_back() {
        for reason in InventoryReason::ALL {
            let wire = serde_json::to_string(&reason).unwrap();
            assert_eq!(wire, format!("\"{}\"", reason.as_str()));
            assert_eq!(InventoryReason::parse(reason.as_str()), Some(reason));
        }
    }

    #[test]
    fn an_adjustment_refuses_unknown_members_and_reasons() {
        let ok: StockAdjustment =
            serde_json::from_str(r#"{"delta":-2,"reason":"damaged"}"#).unwrap();
        assert_eq!(ok.reason, AdjustmentReason::Damaged);
        assert!(
            serde_json::from_str::<StockAdjustment>(r#"{"delta":1,"reason":"recount"}"#).is_err()
        );
        assert!(
            serde_json::from_str::<StockAdjustment>(r#"{"delta":1,"reason":"restock","stock":3}"#)
                .is_err()
        );
    }
}
