//! The cart (`/api/v1/carts`, `/api/v1/cart`): lines with their GST, and the totals the shopper
//! sees change live. Seed 000 §9.3's AddToCart contract, amounts in paise.
//!
//! A guest's cart is addressed by its id alone (an unguessable UUID kept by the browser); a
//! signed-in customer's cart belongs to them, and a guest cart is merged into it at sign-in.

use crate::gst::{self, GstError as PricingError, LineTax, Rate, Supply, TaxTotals};
use crate::money::Paise;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/carts/{cartId}/items`: add `quantity` units (to what is already there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AddToCart {
    pub product_id: String,
    pub quantity: u32,
    /// Seed 000's request names the seller; when given it must be the product's shop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_id: Option<String>,
}

/// `PUT /api/v1/carts/{cartId}/items/{productId}`: the new quantity (0 removes the line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SetQuantity {
    pub quantity: u32,
}

/// `POST /api/v1/cart/merge`: the guest cart to fold into the signed-in customer's cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MergeCart {
    pub guest_cart_id: String,
}

/// One line of a cart, priced now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CartLine {
    pub product_id: String,
    pub shop_id: String,
    pub name: String,
    /// Unit price before tax.
    pub unit_price: Paise,
    pub quantity: u32,
    /// Units available now; the line cannot be bought beyond them.
    pub stock: i64,
    /// `false` when the product was withdrawn since it was added: the line cannot be bought.
    pub available: bool,
    pub tax: LineTax,
}

/// The GST of the lines at one rate (seed 000's `gstBreakup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GstBreakup {
    /// The rate in basis points.
    pub percentage: Rate,
    /// Taxable value of the lines at this rate.
    pub base_amount: Paise,
    pub gst_amount: Paise,
}

/// A cart as the shopper sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Cart {
    pub cart_id: String,
    /// Units in the cart, all lines together (the header badge).
    pub item_count: u32,
    pub lines: Vec<CartLine>,
    /// GST per rate, lowest rate first.
    pub gst_breakup: Vec<GstBreakup>,
    pub totals: TaxTotals,
    /// What the shopper pays: `totals.total` (seed 000's `totalPrice`).
    pub total_price: Paise,
}

impl Cart {
    /// Prices `lines` (product, shop, name, unit price, quantity, stock, available, rate).
    ///
    /// Before checkout the place of supply is unknown, so the cart taxes every line as one
    /// rate (IGST-style, one rounding). At checkout the delivery state decides CGST + SGST or
    /// IGST, which can differ from this by at most one paisa per line (two halves rounded).
    pub fn price(cart_id: String, lines: Vec<UnpricedLine>) -> Result<Cart, PricingError> {
        let mut priced = Vec::with_capacity(lines.len());
        for line in lines {
            let tax = gst::line_tax(
                line.unit_price,
                line.quantity,
                line.rate,
                Supply::InterState,
            )?;
            priced.push(CartLine {
                product_id: line.product_id,
                shop_id: line.shop_id,
                name: line.name,
                unit_price: line.unit_price,
                quantity: line.quantity,
                stock: line.stock,
                available: line.available,
                tax,
            });
        }
        let totals = gst::totals(priced.iter().map(|line| &line.tax))?;
        let mut gst_breakup: Vec<GstBreakup> = Vec::new();
        for line in &priced {
            let entry = match gst_breakup
                .iter_mut()
                .find(|entry| entry.percentage == line.tax.rate)
            {
                Some(entry) => entry,
                None => {
                    gst_breakup.push(GstBreakup {
                        percentage: line.tax.rate,
                        base_amount: Paise(0),
                        gst_amount: Paise(0),
                    });
                    gst_breakup.last_mut().expect("just pushed")
                }
            };
            entry.base_amount = entry
                .base_amount
                .checked_add(line.tax.taxable)
                .ok_or(PricingError::Overflow)?;
            entry.gst_amount = entry
                .gst_amount
                .checked_add(line.tax.tax())
                .ok_or(PricingError::Overflow)?;
        }
        gst_breakup.sort_by_key(|entry| entry.percentage);
        let item_count = priced
            .iter()
            .try_fold(0u32, |count, line| count.checked_add(line.quantity))
            .ok_or(PricingError::Overflow)?;
        Ok(Cart {
            cart_id,
            item_count,
            lines: priced,
            gst_breakup,
            total_price: totals.total,
            totals,
        })
    }
}

/// A cart line as stored, before pricing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpricedLine {
    pub product_id: String,
    pub shop_id: String,
    pub name: String,
    pub unit_price: Paise,
    pub quantity: u32,
    pub stock: i64,
    pub available: bool,
    pub rate: Rate,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, rupees: i64, quantity: u32, rate: u32) -> UnpricedLine {
        UnpricedLine {
            product_id: id.into(),
            shop_id: "shop".into(),
            name: id.into(),
            unit_price: Paise::from_rupees(rupees).unwrap(),
            quantity,
            stock: 10,
            available: true,
            rate: Rate(rate),
        }
    }

    #[test]
    fn seed_000s_cart_totals_420_of_gst_and_3420_in_all() {
        let cart = Cart::price(
            "c".into(),
            vec![line("shirt", 1000, 1, 1800), line("shoes", 2000, 1, 1200)],
        )
        .unwrap();
        assert_eq!(cart.totals.tax, Paise(42_000));
        assert_eq!(cart.total_price, Paise(342_000));
        assert_eq!(cart.item_count, 2);
        assert_eq!(
            cart.gst_breakup,
            [
                GstBreakup {
                    percentage: Rate(1200),
                    base_amount: Paise(200_000),
                    gst_amount: Paise(24_000)
                },
                GstBreakup {
                    percentage: Rate(1800),
                    base_amount: Paise(100_000),
                    gst_amount: Paise(18_000)
                },
            ]
        );
    }

    #[test]
    fn lines_of_one_rate_share_a_breakup_entry() {
        let cart = Cart::price(
            "c".into(),
            vec![line("a", 100, 2, 500), line("b", 300, 1, 500)],
        )
        .unwrap();
        assert_eq!(cart.gst_breakup.len(), 1);
        assert_eq!(cart.gst_breakup[0].base_amount, Paise(50_000));
        assert_eq!(cart.gst_breakup[0].gst_amount, Paise(2_500));
        assert_eq!(cart.item_count, 3);
    }

    #[test]
    fn an_empty_cart_costs_nothing() {
        let cart = Cart::price("c".into(), Vec::new()).unwrap();
        assert_eq!((cart.item_count, cart.total_price), (0, Paise(0)));
        assert!(cart.gst_breakup.is_empty());
    }

    #[test]
    fn the_wire_form_is_seed_000s_with_amounts_in_paise() {
        let cart = Cart::price("c1".into(), vec![line("a", 1000, 1, 1800)]).unwrap();
        let json = serde_json::to_value(&cart).unwrap();
        assert_eq!(json["cartId"], "c1");
        assert_eq!(json["itemCount"], 1);
        assert_eq!(json["totalPrice"], 118_000);
        assert_eq!(json["gstBreakup"][0]["percentage"], 1800);
        assert_eq!(json["gstBreakup"][0]["baseAmount"], 100_000);
        assert_eq!(json["gstBreakup"][0]["gstAmount"], 18_000);
    }
}
