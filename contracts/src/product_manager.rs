//! The seller's product manager (`/api/v1/seller/products` with its filters, one product,
//! image order and removal) and the GST slabs in force (`/api/v1/gst/rates`), for the seller
//! widget's product pages.

use crate::gst::Rate;
use serde::{Deserialize, Serialize};

/// A product with at most this many units is low on stock: the list's `stock=low` filter and
/// the widget's marker (out of stock included).
pub const LOW_STOCK_UNITS: i64 = 5;

/// The `status` filter of `GET /seller/products`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    /// On sale.
    Active,
    /// Hidden from shoppers.
    Inactive,
}

impl StatusFilter {
    pub const fn as_str(self) -> &'static str {
        match self {
            StatusFilter::Active => "active",
            StatusFilter::Inactive => "inactive",
        }
    }
}

/// The `stock` filter of `GET /seller/products`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StockFilter {
    /// At most [`LOW_STOCK_UNITS`] units, none included.
    Low,
    /// No units.
    Out,
}

impl StockFilter {
    pub const fn as_str(self) -> &'static str {
        match self {
            StockFilter::Low => "low",
            StockFilter::Out => "out",
        }
    }
}

/// Whether `stock` units are low (the widget's marker).
pub const fn is_low_stock(stock: i64) -> bool {
    stock <= LOW_STOCK_UNITS
}

/// `PUT /api/v1/seller/products/{id}/images`: the product's image keys (the last segment of
/// each image URL) in their new order; exactly the keys the product has, each once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageOrder {
    pub keys: Vec<String>,
}

/// The key of an image URL (`/api/v1/images/<key>` → `<key>`).
pub fn image_key(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

/// `GET /api/v1/gst/rates`: the GST slabs in force today (India's date), lowest first: the
/// rates a product may carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GstRates {
    /// The Indian date the slabs are in force on, `YYYY-MM-DD`.
    pub on: String,
    pub slabs: Vec<GstSlab>,
}

/// One slab in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GstSlab {
    /// The slab's stable id (`2025-18`).
    pub id: String,
    /// Basis points (1800 = 18%).
    pub rate: Rate,
    /// The first day it was in force, `YYYY-MM-DD`.
    pub from: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_spelled_in_snake_case() {
        assert_eq!(
            serde_json::from_str::<StockFilter>(r#""low""#).unwrap(),
            StockFilter::Low
        );
        assert_eq!(
            serde_json::to_string(&StatusFilter::Inactive).unwrap(),
            format!("\"{}\"", StatusFilter::Inactive.as_str())
        );
    }

    #[test]
    fn low_stock_includes_none_and_the_threshold() {
        assert!(is_low_stock(0));
        assert!(is_low_stock(LOW_STOCK_UNITS));
        assert!(!is_low_stock(LOW_STOCK_UNITS + 1));
    }

    #[test]
    fn an_image_key_is_the_last_segment_of_its_url() {
        assert_eq!(image_key("/api/v1/images/ab.png"), "ab.png");
        assert_eq!(image_key("ab.png"), "ab.png");
    }

    #[test]
    fn an_image_order_refuses_unknown_members() {
        assert!(serde_json::from_str::<ImageOrder>(r#"{"keys":[],"x":1}"#).is_err());
    }
}
