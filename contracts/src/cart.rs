//! The cart (`/api/v1/carts`, `/api/v1/cart`): lines with their GST, and the totals the shopper
//! sees change live. Seed 000 §9.3's AddToCart contract, amounts in paise.
//!
//! A guest's cart is addressed by its id alone (an unguessable UUID kept by the browser); a
//! signed-in customer's cart belongs to them, and a guest cart is merged into it at sign-in.

use crate::gst::{self, GstError as PricingError, LineTax, Rate, Supply, TaxTotals};
use crate::gstin::StateCode;
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
    /// The unit price as the seller states it: before tax, or the shelf price with GST
    /// included when `priceIncludesGst`.
    pub unit_price: Paise,
    /// Whether `unitPrice` includes GST (`contracts::gst::inclusive`); absent before 1.7.
    #[serde(default)]
    pub price_includes_gst: bool,
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
    /// What the shopper pays: `totals.total` (seed 000's `totalPrice`). With a
    /// `deliveryState`, exactly what checkout charges for that state.
    pub total_price: Paise,
    /// The place of supply the cart was priced for (a two-digit state code), when the shopper
    /// named one (`?deliveryState=`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_state: Option<String>,
    /// Present when no delivery state was named: the total is then an estimate, every line
    /// taxed as inter-state (IGST), and this is the most it can still move at checkout (a
    /// line priced before tax whose CGST and SGST, rounded each, differ from its IGST by a
    /// paisa). Zero when no line can move (tax-inclusive lines total their shelf price
    /// either way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate_margin: Option<Paise>,
}

impl Cart {
    /// Prices `lines` for delivery to `delivery_state`, with [`gst::price_line`], the pricing
    /// checkout charges: CGST + SGST (or UTGST) for a line whose seller is in that state,
    /// IGST otherwise.
    ///
    /// Without a delivery state the place of supply is unknown: every line is taxed as
    /// inter-state and [`Cart::estimate_margin`] says by how much checkout may differ.
    pub fn price(
        cart_id: String,
        lines: Vec<UnpricedLine>,
        delivery_state: Option<StateCode>,
    ) -> Result<Cart, PricingError> {
        let mut priced = Vec::with_capacity(lines.len());
        let mut margin = Paise(0);
        for line in lines {
            let price = |supply| {
                gst::price_line(
                    line.unit_price,
                    line.includes_gst,
                    line.quantity,
                    line.rate,
                    supply,
                )
            };
            let tax = match delivery_state {
                Some(state) => price(Supply::between(line.supplier, state))?,
                None => {
                    let inter = price(Supply::InterState)?;
                    let intra = price(Supply::IntraState)?;
                    margin = margin
                        .checked_add(Paise((intra.total.0 - inter.total.0).abs()))
                        .ok_or(PricingError::Overflow)?;
                    inter
                }
            };
            priced.push(CartLine {
                product_id: line.product_id,
                shop_id: line.shop_id,
                name: line.name,
                unit_price: line.unit_price,
                price_includes_gst: line.includes_gst,
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
            delivery_state: delivery_state.map(|state| state.to_string()),
            estimate_margin: delivery_state.is_none().then_some(margin),
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
    /// Whether `unit_price` includes GST.
    pub includes_gst: bool,
    pub quantity: u32,
    pub stock: i64,
    pub available: bool,
    pub rate: Rate,
    /// The seller's state (its GSTIN's first two digits).
    pub supplier: StateCode,
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
            includes_gst: false,
            quantity,
            stock: 10,
            available: true,
            rate: Rate(rate),
            supplier: state(27),
        }
    }

    fn state(code: u8) -> StateCode {
        StateCode::new(code).unwrap()
    }

    /// A line at `paise` from a seller in `supplier`.
    fn priced(paise: i64, includes_gst: bool, rate: u32, supplier: u8) -> UnpricedLine {
        UnpricedLine {
            unit_price: Paise(paise),
            includes_gst,
            supplier: state(supplier),
            ..line("p", 0, 1, rate)
        }
    }

    #[test]
    fn with_a_delivery_state_the_cart_charges_what_checkout_charges() {
        // The one-paisa surprise: ₹1956.74 at 18% from Maharashtra to Maharashtra.
        // IGST-style, 35 221.32 → 35 221 paise; CGST and SGST 17 610.66 → 17 611 each.
        let lines = || vec![priced(195_674, false, 1800, 27)];
        let estimate = Cart::price("c".into(), lines(), None).unwrap();
        let exact = Cart::price("c".into(), lines(), Some(state(27))).unwrap();
        assert_eq!(estimate.total_price, Paise(230_895));
        assert_eq!(estimate.estimate_margin, Some(Paise(1)));
        assert_eq!(estimate.delivery_state, None);
        assert_eq!(exact.total_price, Paise(230_896));
        assert_eq!(exact.estimate_margin, None);
        assert_eq!(exact.delivery_state.as_deref(), Some("27"));
        let checkout = gst::price_line(Paise(195_674), false, 1, Rate(1800), Supply::IntraState);
        assert_eq!(exact.lines[0].tax, checkout.unwrap());
        // Delivered to Karnataka the same line is inter-state: the estimate was right.
        let away = Cart::price("c".into(), lines(), Some(state(29))).unwrap();
        assert_eq!(away.total_price, Paise(230_895));
    }

    #[test]
    fn tax_inclusive_lines_total_their_shelf_price_wherever_they_go() {
        let lines = || vec![priced(99_900, true, 1800, 27), priced(9, true, 4000, 29)];
        for delivery in [None, Some(state(27)), Some(state(29)), Some(state(4))] {
            let cart = Cart::price("c".into(), lines(), delivery).unwrap();
            assert_eq!(cart.total_price, Paise(99_909), "{delivery:?}");
            assert!(cart.lines[0].price_includes_gst);
            if delivery.is_none() {
                assert_eq!(cart.estimate_margin, Some(Paise(0)));
            }
        }
        let cart = Cart::price("c".into(), lines(), None).unwrap();
        assert_eq!(
            cart.totals.round_off,
            Paise(1),
            "₹0.09 at 40% leaves a paisa"
        );
    }

    #[test]
    fn seed_000s_cart_totals_420_of_gst_and_3420_in_all() {
        let cart = Cart::price(
            "c".into(),
            vec![line("shirt", 1000, 1, 1800), line("shoes", 2000, 1, 1200)],
            None,
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
            None,
        )
        .unwrap();
        assert_eq!(cart.gst_breakup.len(), 1);
        assert_eq!(cart.gst_breakup[0].base_amount, Paise(50_000));
        assert_eq!(cart.gst_breakup[0].gst_amount, Paise(2_500));
        assert_eq!(cart.item_count, 3);
    }

    #[test]
    fn an_empty_cart_costs_nothing() {
        let cart = Cart::price("c".into(), Vec::new(), None).unwrap();
        assert_eq!((cart.item_count, cart.total_price), (0, Paise(0)));
        assert!(cart.gst_breakup.is_empty());
    }

    #[test]
    fn the_wire_form_is_seed_000s_with_amounts_in_paise() {
        let cart = Cart::price("c1".into(), vec![line("a", 1000, 1, 1800)], None).unwrap();
        let json = serde_json::to_value(&cart).unwrap();
        assert_eq!(json["cartId"], "c1");
        assert_eq!(json["itemCount"], 1);
        assert_eq!(json["totalPrice"], 118_000);
        assert_eq!(json["gstBreakup"][0]["percentage"], 1800);
        assert_eq!(json["gstBreakup"][0]["baseAmount"], 100_000);
        assert_eq!(json["gstBreakup"][0]["gstAmount"], 18_000);
    }
}
