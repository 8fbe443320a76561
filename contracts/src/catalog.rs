//! The catalog: products as shoppers browse them and as sellers manage them
//! (`/api/v1/products`, `/api/v1/seller/products`).

use crate::gst::Rate;
use crate::money::Paise;
use serde::{Deserialize, Serialize};

/// A product as everyone sees it. `price` is before GST; the shopper pays `price` plus the tax
/// of `gstRate` (see [`crate::gst::line_tax`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: String,
    pub shop_id: String,
    /// The shop's display name.
    pub shop_name: String,
    pub name: String,
    pub description: String,
    pub sku: String,
    /// The HSN code (4 to 8 digits), printed on invoices.
    pub hsn: String,
    /// Unit price before tax, in paise.
    pub price: Paise,
    /// The GST rate in basis points (1800 = 18%).
    pub gst_rate: Rate,
    /// Units available now.
    pub stock: i64,
    /// Bumped by every change of the stock (a reservation, a release, a seller's write): a
    /// seller who sets `stock` absolutely sends the version they read, and a stale one is
    /// refused.
    #[serde(default)]
    pub version: i64,
    pub category: String,
    /// Inactive products are hidden from shoppers and cannot be bought.
    pub active: bool,
    /// Image URLs, in display order.
    #[serde(default)]
    pub images: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// `POST /api/v1/seller/products`: a new product in the seller's shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewProduct {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub sku: String,
    pub hsn: String,
    pub price: Paise,
    /// Must be a GST slab in force today.
    pub gst_rate: Rate,
    pub stock: i64,
    pub category: String,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

/// `PATCH /api/v1/seller/products/{id}`: the members present are changed, the others kept.
/// `stock` sets the stock absolutely and needs `version`, the product's version as read: a
/// stock that changed since (an order reserved or released units) refuses the write. To add
/// or take units whatever happens meanwhile, use `POST .../stock` with a delta.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hsn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Paise>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gst_rate: Option<Rate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<i64>,
    /// The product's `version` as read; required with `stock`, checked whenever present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// How a product list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    /// Best match first; only with a search text (without one it is `newest`).
    Relevance,
    /// Most recently added first (the default).
    #[default]
    Newest,
    PriceAsc,
    PriceDesc,
}

/// One page of products; pass `nextCursor` back as `?after=` with the same filters and sort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductPage {
    pub items: Vec<Product>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_product_is_active_unless_told_otherwise() {
        let product: NewProduct = serde_json::from_str(
            r#"{"name":"Shirt","sku":"SH-1","hsn":"6205","price":100000,"gstRate":500,
                "stock":10,"category":"apparel"}"#,
        )
        .unwrap();
        assert!(product.active);
        assert_eq!(product.description, "");
        assert_eq!(product.gst_rate, Rate(500));
    }

    #[test]
    fn changes_refuse_unknown_members_so_typos_are_not_ignored() {
        assert!(serde_json::from_str::<ProductChanges>(r#"{"prize":1}"#).is_err());
        let changes: ProductChanges = serde_json::from_str(r#"{"stock":0}"#).unwrap();
        assert_eq!(changes.stock, Some(0));
        assert_eq!(changes.price, None);
    }

    #[test]
    fn sorts_are_snake_case() {
        assert_eq!(
            serde_json::from_str::<ProductSort>(r#""price_desc""#).unwrap(),
            ProductSort::PriceDesc
        );
    }
}
