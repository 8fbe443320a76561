//! Placing an order from a cart, on one transaction: every line re-priced from the catalog and
//! checked (still sold; its GST rate a slab in force on the order's Indian date), taxed (CGST +
//! SGST within the seller's state, IGST across states), its stock reserved by a conditional
//! decrement (never oversold, whatever runs at the same time, each reservation in the
//! products' inventory history); then the order is recorded as INITIATED, the cart emptied and
//! the order's id written on the idempotency key that placed it. A failure leaves the
//! transaction to roll back: nothing is written.

use crate::app::checkout::idempotency::{self, Held};
use crate::app::orders::delivery;
use crate::clock;
use crate::crypto::Vault;
use crate::db::carts::{self, LineRow};
use crate::db::orders::{self, NewLine, NewOrder};
use crate::db::{Conn, Id, stock};
use crate::domain::field_error;
use crate::error::{ApiError, Result};
use contracts::gst::{self, LineTax, Rate, Supply};
use contracts::gstin::StateCode;
use contracts::inventory::InventoryReason;
use contracts::orders::{DeliveryAddress, OrderStatus};
use contracts::{FieldError, Paise};

/// What placing an order needs.
pub(super) struct Placement<'a> {
    /// Seals the delivery address.
    pub vault: &'a Vault,
    pub customer: Id,
    /// As the request names it: only the customer's own cart is found.
    pub cart: &'a str,
    /// Validated (`checkout::address`).
    pub address: &'a DeliveryAddress,
    pub place_of_supply: StateCode,
    pub payment_provider: &'static str,
    pub now: i64,
    /// When the payment is due.
    pub pay_by: i64,
    /// The idempotency key this attempt holds: the order's id is recorded on it.
    pub held: &'a Held<'a>,
    /// Who reserves the stock, for the inventory history.
    pub by: &'a stock::By,
}

/// A line that can be bought, with its tax.
struct Taxed<'l> {
    line: &'l LineRow,
    slab: &'static str,
    supply: Supply,
    tax: LineTax,
}

/// Places the order of `placement` on `conn` (a transaction the caller commits); its id.
pub(super) async fn place(conn: &mut Conn, placement: &Placement<'_>) -> Result<Id> {
    let cart = Id::parse(placement.cart).ok_or(ApiError::NotFound)?;
    // Locked first: a concurrent checkout of this cart (another idempotency key, another tab)
    // waits here until this one commits, then finds the cart empty.
    if carts::owner_locked(conn, cart).await?.flatten() != Some(placement.customer) {
        return Err(ApiError::NotFound);
    }
    let lines = carts::lines(conn, cart).await?;
    if lines.is_empty() {
        return Err(ApiError::Validation(vec![field_error(
            "cartId",
            "empty_cart",
            "the cart is empty",
        )]));
    }

    let date = clock::india_date(placement.now);
    let mut problems = Vec::new();
    let mut taxed = Vec::with_capacity(lines.len());
    for line in &lines {
        if !line.available {
            problems.push(line_error(
                line,
                "unavailable",
                format!("{} is no longer sold", line.name),
            ));
            continue;
        }
        let rate = Rate(u32::try_from(line.gst_rate).unwrap_or(0));
        let Some(slab) = gst::slab_in_force(rate, date) else {
            problems.push(line_error(
                line,
                "gst_rate_retired",
                format!(
                    "{} carries a GST rate no longer in force; the seller must update it",
                    line.name
                ),
            ));
            continue;
        };
        let supplier = StateCode::parse(&line.shop_state).ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!("shops.state_code is not a state"))
        })?;
        let supply = Supply::between(supplier, placement.place_of_supply);
        let quantity = u32::try_from(line.quantity).unwrap_or(0);
        let tax = gst::line_tax(Paise(line.price), quantity, slab.rate, supply)
            .map_err(|error| ApiError::Internal(anyhow::anyhow!("pricing a line: {error}")))?;
        taxed.push(Taxed {
            line,
            slab: slab.id,
            supply,
            tax,
        });
    }
    // Every line that can be bought is reserved, so one answer names every shortage.
    for Taxed { line, .. } in &taxed {
        if !stock::reserve(conn, line.product_id, i64::from(line.quantity)).await? {
            problems.push(line_error(
                line,
                "insufficient_stock",
                format!("only {} of {} left", line.stock.max(0), line.name),
            ));
        }
    }
    if !problems.is_empty() {
        // The caller drops the transaction: every reservation above rolls back.
        return Err(ApiError::OrderNotPlaceable(problems));
    }

    let id = Id::new();
    record(conn, id, placement, &taxed).await?;
    carts::clear(conn, cart).await?;
    // Last, so a retry that took the key over meanwhile (this attempt outlived its lease)
    // makes this whole placement roll back: the key places one order, whichever attempt.
    idempotency::record_order(conn, placement.held, id).await?;
    Ok(id)
}

/// Writes order `id`, its lines and the first step of its history.
async fn record(
    conn: &mut Conn,
    id: Id,
    placement: &Placement<'_>,
    taxed: &[Taxed<'_>],
) -> Result<()> {
    let totals = gst::totals(taxed.iter().map(|line| &line.tax))
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("totalling: {error}")))?;
    let address = placement.address;
    let sealed = delivery::seal(placement.vault, id, address);
    let order = NewOrder {
        id,
        customer: placement.customer,
        recipient: &sealed.name,
        phone: &sealed.phone,
        line1: &sealed.line1,
        line2: sealed.line2.as_deref(),
        city: &sealed.city,
        state_code: &address.state_code,
        pincode: &sealed.pincode,
        taxable: totals.taxable.0,
        cgst: totals.cgst.0,
        sgst: totals.sgst.0,
        igst: totals.igst.0,
        total: totals.total.0,
        payment_provider: placement.payment_provider,
        now: placement.now,
        pay_by: placement.pay_by,
    };
    orders::insert(conn, &order).await?;
    for (
        position,
        Taxed {
            line,
            slab,
            supply,
            tax,
        },
    ) in taxed.iter().enumerate()
    {
        let row = NewLine {
            position: i32::try_from(position).unwrap_or(i32::MAX),
            product: line.product_id,
            shop: line.shop_id,
            name: &line.name,
            hsn: &line.hsn,
            unit_price: line.price,
            quantity: line.quantity,
            gst_slab: slab,
            gst_rate: i32::try_from(tax.rate.0).unwrap_or(i32::MAX),
            supply: *supply,
            taxable: tax.taxable.0,
            cgst: tax.cgst.0,
            sgst: tax.sgst.0,
            igst: tax.igst.0,
            total: tax.total.0,
        };
        orders::insert_line(conn, id, &row).await?;
    }
    orders::add_history(conn, id, OrderStatus::Initiated.as_str(), placement.now).await?;
    // One statement for every line's reservation (the order-creation budget).
    let reserved = InventoryReason::OrderReserved.as_str();
    stock::record_order(conn, id, placement.by, reserved, -1, placement.now).await?;
    Ok(())
}

/// A problem with one line, named `lines.{productId}`.
fn line_error(line: &LineRow, code: &str, message: String) -> FieldError {
    field_error(&format!("lines.{}", line.product_id), code, &message)
}
