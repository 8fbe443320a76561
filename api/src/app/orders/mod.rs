//! Orders as their readers see them: a customer its own, a seller the orders with a line of its
//! shop (only those lines, and their totals), administrators everything ([`reader_scope`]);
//! and the payment state machine applied to stored orders (`machine`).

pub mod delivery;
pub(crate) mod machine;
pub(crate) mod money;
pub(crate) mod parts;

use crate::app::audit::{self, Entry};
use crate::app::impersonation::masking;
use crate::app::{Actor, reader_scope};
use crate::crypto::Vault;
use crate::db::orders::{self, HistoryRow, LineRow, OrderRow, TaxRow};
use crate::db::{Conn, Id, Scope};
use crate::domain::field_error;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::Paise;
use contracts::gst::{self, LineTax, Rate, TaxTotals};
use contracts::orders::{DeliveryAddress, Order, OrderLine, OrderPage, OrderStatus, StatusChange};

/// The statuses in which an order waits for its payment: it shows its deadline, and the
/// sweeper times it out past it (both can become TIMEOUT).
pub const UNPAID: [OrderStatus; 2] = [OrderStatus::Initiated, OrderStatus::PaymentPending];

/// Order `id` with its lines, GST and history, if `actor` may read it.
pub async fn show(actor: &Actor, state: &AppState, id: &str) -> Result<Order> {
    let mut conn = state.db.conn().await?;
    let scope = reader_scope(actor, &mut conn).await?;
    let id = Id::parse(id).ok_or(ApiError::NotFound)?;
    let order = read(&mut conn, state, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    drop(conn);
    // An order carries its delivery address: an administrator's read is audited.
    let entry = Entry::success("orders:read", "orders", Some(id), state.clock.now());
    audit::admin_read(&state.db, actor, &entry).await?;
    Ok(masking::for_actor(actor, order, masking::order))
}

/// Up to `limit` of the orders `actor` may read, newest first, after the order `after` (the
/// `nextCursor` of the previous page), which must be one of them.
pub async fn list(
    actor: &Actor,
    state: &AppState,
    limit: u32,
    after: Option<&str>,
    statuses: &[OrderStatus],
) -> Result<OrderPage> {
    let mut conn = state.db.conn().await?;
    let scope = reader_scope(actor, &mut conn).await?;
    let cursor = match after {
        Some(after) => {
            let order = match Id::parse(after) {
                Some(id) => orders::get(&mut conn, scope, id).await?,
                None => None,
            };
            let order = order.ok_or_else(|| {
                ApiError::Validation(vec![field_error(
                    "after",
                    "unknown_cursor",
                    "is not the cursor of a page",
                )])
            })?;
            Some((order.created_at, order.id))
        }
        None => None,
    };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    // One more than the page: whether there is a next one.
    let asked = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let statuses: Vec<&'static str> = statuses.iter().map(|status| status.as_str()).collect();
    let rows = orders::page(&mut conn, scope, cursor, &statuses, asked).await?;
    let more = rows.len() > limit;
    let mut items = Vec::with_capacity(rows.len().min(limit));
    for row in rows.into_iter().take(limit) {
        items.push(complete(&mut conn, state, scope, row).await?);
    }
    let next_cursor = if more {
        items.last().map(|order| order.id.clone())
    } else {
        None
    };
    drop(conn);
    let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let entry = Entry::success("orders:read", "orders", None, state.clock.now())
        .with_changes(serde_json::json!({"rows": {"after": count}}));
    audit::admin_read(&state.db, actor, &entry).await?;
    Ok(OrderPage {
        items: masking::each_for_actor(actor, items, masking::order),
        next_cursor,
    })
}

/// Order `id` as `scope` sees it, if it may.
pub(crate) async fn read(
    conn: &mut Conn,
    state: &AppState,
    scope: Scope,
    id: Id,
) -> Result<Option<Order>> {
    match orders::get(conn, scope, id).await? {
        Some(row) => complete(conn, state, scope, row).await.map(Some),
        None => Ok(None),
    }
}

/// The status a row spells.
pub(crate) fn parse_status(text: &str) -> Result<OrderStatus> {
    OrderStatus::parse(text)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("unknown order status {text}")))
}

/// The order of `row` with its lines, history, money and fulfilment. A seller sees its own
/// lines only, their totals rather than the order's, its own part (and steps) only, and
/// neither payments, refunds nor the payment page (or in-page checkout).
async fn complete(conn: &mut Conn, state: &AppState, scope: Scope, row: OrderRow) -> Result<Order> {
    let shop = match scope {
        Scope::Shop(shop) => Some(shop),
        Scope::Customer(_) | Scope::All => None,
    };
    let line_rows = orders::lines(conn, row.id, shop).await?;
    let mut shops: Vec<Id> = Vec::new();
    for line in &line_rows {
        if !shops.contains(&line.shop_id) {
            shops.push(line.shop_id);
        }
    }
    let lines: Vec<OrderLine> = line_rows.into_iter().map(line).collect();
    let history = orders::history(conn, row.id)
        .await?
        .into_iter()
        .filter(|row| shop.is_none() || row.shop_id.is_none() || row.shop_id == shop)
        .map(step)
        .collect::<Result<Vec<_>>>()?;
    let id = row.id;
    // A seller ships paid orders only: the recipient's name, phone and address of a checkout
    // that failed or timed out are none of its business (and stay sealed, unopened).
    let status = parse_status(&row.status)?;
    let withheld = shop.is_some() && !status.is_paid();
    let view = parts::view(conn, id, status, row.fulfilment.as_deref(), &shops, shop).await?;
    // The in-page checkout (Razorpay's) while the payment is open, as the pay page is.
    let checkout = match (&row.payment_ref, status) {
        (Some(reference), OrderStatus::PaymentPending) => {
            state
                .payments
                .checkout(&row.payment_provider, reference, Paise(row.total))
        }
        _ => None,
    };
    let mut order = header(&state.vault, row, withheld)?;
    order.checkout = checkout;
    order.status = view.status;
    order.parts = view.parts;
    order.cancellation = view.cancellation;
    order.cancellable = view.cancellable;
    if shop.is_none() {
        money::fill(conn, &mut order, id).await?;
    } else {
        order.totals = gst::totals(lines.iter().map(|line| &line.tax))
            .map_err(|error| ApiError::Internal(anyhow::anyhow!("totalling: {error}")))?;
        order.payment_url = None;
        order.checkout = None;
    }
    order.lines = lines;
    order.history = history;
    Ok(order)
}

/// The order of `row`, without lines and history yet; its delivery address `withheld` or
/// opened.
fn header(vault: &Vault, row: OrderRow, withheld: bool) -> Result<Order> {
    let status = parse_status(&row.status)?;
    Ok(Order {
        id: row.id.to_string(),
        status,
        address: if withheld {
            DeliveryAddress::withheld(&row.state_code)
        } else {
            delivery::open(vault, &row)?
        },
        address_withheld: withheld,
        lines: Vec::new(),
        totals: TaxTotals {
            taxable: Paise(row.taxable),
            cgst: Paise(row.cgst),
            sgst: Paise(row.sgst),
            igst: Paise(row.igst),
            tax: Paise(row.cgst + row.sgst + row.igst),
            total: Paise(row.total),
        },
        // Filled with the payments and refunds (`money`) for readers who see them.
        captured: Paise(0),
        refunded: Paise(0),
        history: Vec::new(),
        // Filled by `complete` (`app::fulfilment::view`).
        parts: Vec::new(),
        cancellation: None,
        cancellable: false,
        payments: Vec::new(),
        refunds: Vec::new(),
        // The pay page only while the payment is open.
        payment_url: row
            .payment_url
            .filter(|_| status == OrderStatus::PaymentPending),
        // Filled by `complete`, from the gateway (a Razorpay order's Checkout options).
        checkout: None,
        created_at: row.created_at,
        pay_by: UNPAID.contains(&status).then_some(row.pay_by),
    })
}

fn line(row: LineRow) -> OrderLine {
    OrderLine {
        product_id: row.product_id.to_string(),
        shop_id: row.shop_id.to_string(),
        name: row.name,
        hsn: row.hsn,
        unit_price: Paise(row.unit_price),
        quantity: u32::try_from(row.quantity).unwrap_or(0),
        gst_slab: row.gst_slab,
        tax: line_tax(&row.tax),
    }
}

/// A line's GST as charged at placement, for orders and invoices alike.
pub fn line_tax(row: &TaxRow) -> LineTax {
    LineTax {
        taxable: Paise(row.taxable),
        rate: Rate(u32::try_from(row.gst_rate).unwrap_or(0)),
        cgst: Paise(row.cgst),
        sgst: Paise(row.sgst),
        igst: Paise(row.igst),
        total: Paise(row.total),
    }
}

fn step(row: HistoryRow) -> Result<StatusChange> {
    Ok(StatusChange {
        status: parse_status(&row.status)?,
        at: row.at,
        shop_id: row.shop_id.map(|id| id.to_string()),
        carrier: row.carrier,
        tracking_number: row.tracking_number,
    })
}
