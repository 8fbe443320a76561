//! Orders: placing one from a cart in one transaction (re-price, reserve stock, snapshot each
//! line's GST), the payment state machine's steps with their history, gateway events applied
//! once, the sweeper's timeouts, refunds, and reading orders within a scope (a customer's own,
//! a seller's lines, everything for administrators).

use crate::db::{Db, is_uuid, on_pool, transaction};
use crate::payments::{GatewayEvent, PaymentOutcome};
use contracts::calendar::Date;
use contracts::gst::{self, LineTax, Rate, Supply, TaxTotals};
use contracts::gstin::StateCode;
use contracts::orders::{DeliveryAddress, Order, OrderLine, OrderPage, OrderStatus, StatusChange};
use contracts::{FieldError, Paise};
use sqlx::Row as _;

/// `transition!(tx, sql, id, [from...], to, now)`: moves order `id` to `to` if its status is
/// one of `from` (and the machine allows it), appending the step to its history; evaluates to
/// whether it moved. Conditional on the current status, so two writers cannot both move it.
macro_rules! transition {
    ($tx:ident, $sql:ident, $id:expr, [$($from:expr),+], $to:expr, $now:expr) => {{
        let from = [$($from),+];
        debug_assert!(from.iter().all(|f: &OrderStatus| f.can_become($to)));
        let list = from.iter().map(|f| format!("'{}'", f.as_str())).collect::<Vec<_>>().join(", ");
        let cast = $sql.pick("", "::uuid");
        let moved = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE orders SET status = $1 WHERE id = $2{cast} AND status IN ({list})"
        )))
        .bind($to.as_str())
        .bind($id)
        .execute(&mut *$tx)
        .await?
        .rows_affected()
            == 1;
        if moved {
            sqlx::query($sql.pick(
                "INSERT INTO order_history (order_id, seq, status, at) VALUES ($1, \
                   (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_history WHERE order_id = $1), $2, $3)",
                "INSERT INTO order_history (order_id, seq, status, at) VALUES ($1::uuid, \
                   (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_history WHERE order_id = $1::uuid), $2, $3)",
            ))
            .bind($id)
            .bind($to.as_str())
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
        moved
    }};
}

/// `store_answer!(tx, sql, answer)`: keeps an [`Answer`] with its idempotency key.
macro_rules! store_answer {
    ($tx:ident, $sql:ident, $answer:expr) => {
        sqlx::query($sql.pick(
            "UPDATE idempotency_keys SET status_code = $1, response = $2 \
             WHERE customer_id = $3 AND idem_key = $4",
            "UPDATE idempotency_keys SET status_code = $1, response = $2 \
             WHERE customer_id = $3::uuid AND idem_key = $4",
        ))
        .bind(i32::from($answer.status))
        .bind($answer.body)
        .bind($answer.customer_id)
        .bind($answer.key)
        .execute(&mut *$tx)
        .await?
    };
}

/// `release_stock!(tx, sql, id)`: gives the stock an order reserved back to its products.
macro_rules! release_stock {
    ($tx:ident, $sql:ident, $id:expr) => {
        sqlx::query($sql.pick(
            "UPDATE products SET stock = stock + (SELECT SUM(l.quantity) FROM order_lines l \
               WHERE l.order_id = $1 AND l.product_id = products.id) \
             WHERE id IN (SELECT product_id FROM order_lines WHERE order_id = $1)",
            "UPDATE products SET stock = stock + (SELECT SUM(l.quantity) FROM order_lines l \
               WHERE l.order_id = $1::uuid AND l.product_id = products.id) \
             WHERE id IN (SELECT product_id FROM order_lines WHERE order_id = $1::uuid)",
        ))
        .bind($id)
        .execute(&mut *$tx)
        .await?
    };
}

/// `store_delivery_address!(tx, sql, order_id, placement, totals)`: inserts the order row. The
/// only writer of the delivery address, so the PII work can encrypt it here.
macro_rules! store_delivery_address {
    ($tx:ident, $sql:ident, $id:expr, $placement:expr, $totals:expr) => {
        sqlx::query($sql.pick(
            "INSERT INTO orders (id, customer_id, status, recipient, phone, address_line1, \
               address_line2, city, state_code, pincode, taxable, cgst, sgst, igst, total, \
               payment_provider, created_at, pay_by) \
             VALUES ($1, $2, 'INITIATED', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
               $15, $16, $17)",
            "INSERT INTO orders (id, customer_id, status, recipient, phone, address_line1, \
               address_line2, city, state_code, pincode, taxable, cgst, sgst, igst, total, \
               payment_provider, created_at, pay_by) \
             VALUES ($1::uuid, $2::uuid, 'INITIATED', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
               $13, $14, $15, $16, $17)",
        ))
        .bind(&$id)
        .bind($placement.customer_id)
        .bind(&$placement.address.name)
        .bind(&$placement.address.phone)
        .bind(&$placement.address.line1)
        .bind(&$placement.address.line2)
        .bind(&$placement.address.city)
        .bind(&$placement.address.state_code)
        .bind(&$placement.address.pincode)
        .bind($totals.taxable.0)
        .bind($totals.cgst.0)
        .bind($totals.sgst.0)
        .bind($totals.igst.0)
        .bind($totals.total.0)
        .bind($placement.payment_provider)
        .bind($placement.now)
        .bind($placement.pay_by)
        .execute(&mut *$tx)
        .await?
    };
}

/// What placing an order needs.
pub struct Placement<'a> {
    pub customer_id: &'a str,
    pub cart_id: &'a str,
    /// Validated: `state_code` is a state.
    pub address: &'a DeliveryAddress,
    pub place_of_supply: StateCode,
    pub payment_provider: &'a str,
    /// The Indian date of the order: the GST slab in force on it applies.
    pub date: Date,
    pub now: i64,
    pub pay_by: i64,
}

/// Why an order was not placed. Nothing was written.
#[derive(Debug)]
pub enum PlaceError {
    /// The cart is not the customer's (or does not exist).
    CartNotFound,
    EmptyCart,
    /// Lines that cannot be bought: withdrawn products, rates no longer a slab, too little stock.
    Lines(Vec<FieldError>),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for PlaceError {
    fn from(error: sqlx::Error) -> Self {
        PlaceError::Database(error)
    }
}

/// A cart line as checkout reads it.
struct CheckoutLine {
    product_id: String,
    shop_id: String,
    name: String,
    hsn: String,
    price: Paise,
    rate: Rate,
    quantity: i32,
    stock: i64,
    available: bool,
    shop_state: String,
}

/// Places an order from the customer's cart in one transaction: re-prices every line from the
/// catalog, applies the GST slab in force on the order date, reserves the stock (a conditional
/// decrement per line: never below zero, whatever runs at the same time), records the order
/// as INITIATED and empties the cart. Any failure writes nothing. The new order's id.
pub async fn place(db: &Db, placement: &Placement<'_>) -> Result<String, PlaceError> {
    if !is_uuid(placement.cart_id) {
        return Err(PlaceError::CartNotFound);
    }
    let order_id = uuid::Uuid::new_v4().to_string();
    transaction!(db, |tx, sql| {
        let owner: Option<Option<String>> = sqlx::query_scalar(sql.pick(
            "SELECT owner_id FROM carts WHERE id = $1",
            "SELECT owner_id::text FROM carts WHERE id = $1::uuid",
        ))
        .bind(placement.cart_id)
        .fetch_optional(&mut *tx)
        .await?;
        if owner.flatten().as_deref() != Some(placement.customer_id) {
            return Err(PlaceError::CartNotFound);
        }
        let lines: Vec<CheckoutLine> = sqlx::query(sql.pick(
            "SELECT i.product_id AS product_id, p.shop_id AS shop_id, p.name AS name, \
               p.hsn AS hsn, p.price AS price, p.gst_rate AS gst_rate, i.quantity AS quantity, \
               p.stock AS stock, (p.active = TRUE AND s.status = 'APPROVED') AS available, \
               s.state_code AS shop_state \
             FROM cart_items i JOIN products p ON p.id = i.product_id \
               JOIN shops s ON s.id = p.shop_id \
             WHERE i.cart_id = $1 ORDER BY i.position",
            "SELECT i.product_id::text AS product_id, p.shop_id::text AS shop_id, p.name AS name, \
               p.hsn AS hsn, p.price AS price, p.gst_rate AS gst_rate, i.quantity AS quantity, \
               p.stock AS stock, (p.active AND s.status = 'APPROVED') AS available, \
               s.state_code AS shop_state \
             FROM cart_items i JOIN products p ON p.id = i.product_id \
               JOIN shops s ON s.id = p.shop_id \
             WHERE i.cart_id = $1::uuid ORDER BY i.position",
        ))
        .bind(placement.cart_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| {
            let rate: i32 = row.try_get("gst_rate")?;
            Ok(CheckoutLine {
                product_id: row.try_get("product_id")?,
                shop_id: row.try_get("shop_id")?,
                name: row.try_get("name")?,
                hsn: row.try_get("hsn")?,
                price: Paise(row.try_get("price")?),
                rate: Rate(u32::try_from(rate).unwrap_or(0)),
                quantity: row.try_get("quantity")?,
                stock: row.try_get("stock")?,
                available: row.try_get("available")?,
                shop_state: row.try_get("shop_state")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        if lines.is_empty() {
            return Err(PlaceError::EmptyCart);
        }

        let mut problems = Vec::new();
        let mut taxed = Vec::with_capacity(lines.len());
        for line in &lines {
            let field = |code: &str, message: String| FieldError {
                field: format!("lines.{}", line.product_id),
                code: code.to_owned(),
                message,
            };
            if !line.available {
                problems.push(field(
                    "unavailable",
                    format!("{} is no longer sold", line.name),
                ));
                continue;
            }
            let Some(slab) = gst::slab_in_force(line.rate, placement.date) else {
                problems.push(field(
                    "gst_rate_retired",
                    format!(
                        "{} carries a GST rate no longer in force; the seller must update it",
                        line.name
                    ),
                ));
                continue;
            };
            let supplier = StateCode::parse(&line.shop_state)
                .ok_or_else(|| sqlx::Error::Decode("shops.state_code is not a state".into()))?;
            let supply = Supply::between(supplier, placement.place_of_supply);
            let quantity = u32::try_from(line.quantity).unwrap_or(0);
            let tax = gst::line_tax(line.price, quantity, slab.rate, supply)
                .map_err(|error| sqlx::Error::Decode(format!("pricing a line: {error}").into()))?;
            taxed.push((line, slab.id, supply, tax));
        }
        // Reserve: each decrement only happens if the stock covers it.
        for (line, ..) in &taxed {
            let reserved = sqlx::query(sql.pick(
                "UPDATE products SET stock = stock - $1 WHERE id = $2 AND stock >= $1",
                "UPDATE products SET stock = stock - $1 WHERE id = $2::uuid AND stock >= $1",
            ))
            .bind(i64::from(line.quantity))
            .bind(&line.product_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if reserved == 0 {
                problems.push(FieldError {
                    field: format!("lines.{}", line.product_id),
                    code: "insufficient_stock".into(),
                    message: format!("only {} of {} left", line.stock.max(0), line.name),
                });
            }
        }
        if !problems.is_empty() {
            // Dropping the transaction rolls back every reservation made above.
            return Err(PlaceError::Lines(problems));
        }

        let totals = gst::totals(taxed.iter().map(|(_, _, _, tax)| tax))
            .map_err(|error| sqlx::Error::Decode(format!("totalling: {error}").into()))?;
        store_delivery_address!(tx, sql, order_id, placement, totals);
        for (position, (line, slab, supply, tax)) in taxed.iter().enumerate() {
            sqlx::query(sql.pick(
                "INSERT INTO order_lines (order_id, position, product_id, shop_id, name, hsn, \
                   unit_price, quantity, gst_slab, gst_rate, supply, taxable, cgst, sgst, igst, total) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                "INSERT INTO order_lines (order_id, position, product_id, shop_id, name, hsn, \
                   unit_price, quantity, gst_slab, gst_rate, supply, taxable, cgst, sgst, igst, total) \
                 VALUES ($1::uuid, $2, $3::uuid, $4::uuid, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                   $14, $15, $16)",
            ))
            .bind(&order_id)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .bind(&line.product_id)
            .bind(&line.shop_id)
            .bind(&line.name)
            .bind(&line.hsn)
            .bind(line.price.0)
            .bind(line.quantity)
            .bind(*slab)
            .bind(i32::try_from(tax.rate.0).unwrap_or(i32::MAX))
            .bind(supply_column(*supply))
            .bind(tax.taxable.0)
            .bind(tax.cgst.0)
            .bind(tax.sgst.0)
            .bind(tax.igst.0)
            .bind(tax.total.0)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(sql.pick(
            "INSERT INTO order_history (order_id, seq, status, at) VALUES ($1, 1, 'INITIATED', $2)",
            "INSERT INTO order_history (order_id, seq, status, at) \
             VALUES ($1::uuid, 1, 'INITIATED', $2)",
        ))
        .bind(&order_id)
        .bind(placement.now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sql.pick(
            "DELETE FROM cart_items WHERE cart_id = $1",
            "DELETE FROM cart_items WHERE cart_id = $1::uuid",
        ))
        .bind(placement.cart_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(order_id)
    })
}

/// The answer to keep with an idempotency key.
pub struct Answer<'a> {
    pub customer_id: &'a str,
    pub key: &'a str,
    pub status: u16,
    pub body: &'a str,
}

/// The gateway opened the payment: INITIATED → PAYMENT_PENDING, with its reference and URL,
/// and the checkout's answer stored with its idempotency key, in one transaction (one commit
/// fewer per order: on SQLite every commit is a sync to disk).
pub async fn payment_opened(
    db: &Db,
    id: &str,
    reference: &str,
    pay_url: &str,
    now: i64,
    answer: &Answer<'_>,
) -> Result<bool, sqlx::Error> {
    transaction!(db, |tx, sql| {
        let moved = transition!(
            tx,
            sql,
            id,
            [OrderStatus::Initiated],
            OrderStatus::PaymentPending,
            now
        );
        if moved {
            sqlx::query(sql.pick(
                "UPDATE orders SET payment_ref = $1, payment_url = $2 WHERE id = $3",
                "UPDATE orders SET payment_ref = $1, payment_url = $2 WHERE id = $3::uuid",
            ))
            .bind(reference)
            .bind(pay_url)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        store_answer!(tx, sql, answer);
        tx.commit().await?;
        Ok(moved)
    })
}

/// The gateway would not open a payment: INITIATED → FAILED → PAYMENT_FAILED, stock released.
pub async fn payment_not_opened(db: &Db, id: &str, now: i64) -> Result<(), sqlx::Error> {
    transaction!(db, |tx, sql| {
        if transition!(
            tx,
            sql,
            id,
            [OrderStatus::Initiated],
            OrderStatus::Failed,
            now
        ) {
            transition!(
                tx,
                sql,
                id,
                [OrderStatus::Failed],
                OrderStatus::PaymentFailed,
                now
            );
            release_stock!(tx, sql, id);
        }
        tx.commit().await
    })
}

/// What a gateway event did.
#[derive(Debug, PartialEq, Eq)]
pub enum EventOutcome {
    /// Applied: the order's status now.
    Applied {
        order_id: String,
        status: OrderStatus,
    },
    /// This transaction was applied before; nothing changed.
    Duplicate,
    /// No order has this payment reference.
    UnknownReference,
    /// A success for another amount than the order's total.
    AmountMismatch,
    /// The order cannot take this event in its status (e.g. paid after it timed out).
    IllegalTransition(OrderStatus),
}

/// Applies a verified gateway event in one transaction, once per transaction id: SUCCESS
/// confirms the order (PAYMENT_PENDING → SUCCESS → ORDER_CONFIRMED); FAILED cancels it
/// (→ FAILED → PAYMENT_FAILED) and releases its stock. Anything else writes nothing.
///
/// A confirmation also issues the order's invoices (one per seller, dated `date`), in the same
/// transaction: a confirmed order always has them, and a failed confirmation uses no serial.
pub async fn apply_event(
    db: &Db,
    event: &GatewayEvent,
    date: Date,
    now: i64,
) -> Result<EventOutcome, sqlx::Error> {
    transaction!(db, |tx, sql| {
        let found = sqlx::query(sql.pick(
            "SELECT id, status, total FROM orders WHERE payment_ref = $1",
            "SELECT id::text AS id, status, total FROM orders WHERE payment_ref = $1",
        ))
        .bind(&event.reference)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = found else {
            return Ok(EventOutcome::UnknownReference);
        };
        let order_id: String = row.try_get("id")?;
        let status = parse_status(row.try_get("status")?)?;
        let total = Paise(row.try_get("total")?);
        let recorded = sqlx::query(sql.pick(
            "INSERT INTO payment_events (gateway_txn_id, order_id, outcome, amount, received_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (gateway_txn_id) DO NOTHING",
            "INSERT INTO payment_events (gateway_txn_id, order_id, outcome, amount, received_at) \
             VALUES ($1, $2::uuid, $3, $4, $5) ON CONFLICT (gateway_txn_id) DO NOTHING",
        ))
        .bind(&event.transaction_id)
        .bind(&order_id)
        .bind(event.outcome.as_str())
        .bind(event.amount.0)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if recorded == 0 {
            return Ok(EventOutcome::Duplicate);
        }
        let outcome = match event.outcome {
            PaymentOutcome::Success if event.amount != total => EventOutcome::AmountMismatch,
            PaymentOutcome::Success => {
                if transition!(
                    tx,
                    sql,
                    &order_id,
                    [OrderStatus::PaymentPending],
                    OrderStatus::Success,
                    now
                ) {
                    transition!(
                        tx,
                        sql,
                        &order_id,
                        [OrderStatus::Success],
                        OrderStatus::OrderConfirmed,
                        now
                    );
                    crate::db::invoices::issue_invoices!(tx, sql, &order_id, date, now);
                    EventOutcome::Applied {
                        order_id,
                        status: OrderStatus::OrderConfirmed,
                    }
                } else {
                    EventOutcome::IllegalTransition(status)
                }
            }
            PaymentOutcome::Failed => {
                if transition!(
                    tx,
                    sql,
                    &order_id,
                    [OrderStatus::PaymentPending],
                    OrderStatus::Failed,
                    now
                ) {
                    transition!(
                        tx,
                        sql,
                        &order_id,
                        [OrderStatus::Failed],
                        OrderStatus::PaymentFailed,
                        now
                    );
                    release_stock!(tx, sql, &order_id);
                    EventOutcome::Applied {
                        order_id,
                        status: OrderStatus::PaymentFailed,
                    }
                } else {
                    EventOutcome::IllegalTransition(status)
                }
            }
        };
        if matches!(outcome, EventOutcome::Applied { .. }) {
            tx.commit().await?;
        }
        Ok(outcome)
    })
}

/// The sweeper's pass: every order still unpaid at its deadline times out (→ TIMEOUT →
/// PAYMENT_TIMEOUT) and gives its stock back, each in its own transaction; idempotency keys
/// older than a day are forgotten. The number of orders timed out.
pub async fn expire_unpaid(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let due: Vec<String> = on_pool!(db, |pool, sql| {
        sqlx::query_scalar(sql.pick(
            "SELECT id FROM orders WHERE status IN ('INITIATED', 'PAYMENT_PENDING') AND pay_by <= $1",
            "SELECT id::text FROM orders WHERE status IN ('INITIATED', 'PAYMENT_PENDING') \
             AND pay_by <= $1",
        ))
        .bind(now)
        .fetch_all(pool)
        .await
    })?;
    let mut expired = 0;
    for id in &due {
        let moved: bool = transaction!(db, |tx, sql| {
            let moved = transition!(
                tx,
                sql,
                id,
                [OrderStatus::Initiated, OrderStatus::PaymentPending],
                OrderStatus::Timeout,
                now
            );
            if moved {
                transition!(
                    tx,
                    sql,
                    id,
                    [OrderStatus::Timeout],
                    OrderStatus::PaymentTimeout,
                    now
                );
                release_stock!(tx, sql, id);
            }
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(moved)
        })?;
        expired += u64::from(moved);
    }
    on_pool!(db, |pool, _sql| {
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
            .bind(now - IDEMPOTENCY_TTL_SECS)
            .execute(pool)
            .await
            .map(drop)
    })?;
    Ok(expired)
}

/// How long an idempotency key's answer is kept: 24 hours (Stripe's rule).
pub const IDEMPOTENCY_TTL_SECS: i64 = 86_400;

/// What an idempotency key says about a new request.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// First use: go ahead, then [`complete_key`] (or [`release_key`] on failure).
    New,
    /// Used before with this body: the stored answer.
    Replay { status: u16, body: String },
    /// Used before with another body.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

/// Claims `key` for `customer_id` and a body hashing to `hash`. The claim is a row insert, so
/// of two simultaneous requests with one key exactly one goes ahead. An answer older than the
/// TTL no longer counts.
pub async fn claim_key(
    db: &Db,
    customer_id: &str,
    key: &str,
    hash: &str,
    now: i64,
) -> Result<Claim, sqlx::Error> {
    on_pool!(db, |pool, sql| {
        // One statement: a new key is inserted, a key whose answer is older than the TTL is
        // taken over, a live key is left alone (0 rows).
        let inserted = sqlx::query(sql.pick(
            "INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id, idem_key) DO UPDATE SET \
               request_hash = excluded.request_hash, status_code = NULL, response = NULL, \
               created_at = excluded.created_at \
             WHERE idempotency_keys.created_at <= $5",
            "INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, created_at) \
             VALUES ($1::uuid, $2, $3, $4) ON CONFLICT (customer_id, idem_key) DO UPDATE SET \
               request_hash = excluded.request_hash, status_code = NULL, response = NULL, \
               created_at = excluded.created_at \
             WHERE idempotency_keys.created_at <= $5",
        ))
        .bind(customer_id)
        .bind(key)
        .bind(hash)
        .bind(now)
        .bind(now - IDEMPOTENCY_TTL_SECS)
        .execute(pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Claim::New);
        }
        let row = sqlx::query(sql.pick(
            "SELECT request_hash, status_code, response FROM idempotency_keys \
             WHERE customer_id = $1 AND idem_key = $2",
            "SELECT request_hash, status_code, response FROM idempotency_keys \
             WHERE customer_id = $1::uuid AND idem_key = $2",
        ))
        .bind(customer_id)
        .bind(key)
        .fetch_one(pool)
        .await?;
        let stored_hash: String = row.try_get("request_hash")?;
        let status: Option<i32> = row.try_get("status_code")?;
        let body: Option<String> = row.try_get("response")?;
        Ok(match (stored_hash == hash, status, body) {
            (false, ..) => Claim::Mismatch,
            (true, Some(status), Some(body)) => Claim::Replay {
                status: u16::try_from(status).unwrap_or(500),
                body,
            },
            (true, ..) => Claim::InProgress,
        })
    })
}

/// Stores the answer of a claimed key.
pub async fn complete_key(db: &Db, answer: &Answer<'_>) -> Result<(), sqlx::Error> {
    transaction!(db, |tx, sql| {
        store_answer!(tx, sql, answer);
        tx.commit().await
    })
}

/// Forgets a claimed key whose request failed without effect, so a retry may run.
pub async fn release_key(db: &Db, customer_id: &str, key: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "DELETE FROM idempotency_keys WHERE customer_id = $1 AND idem_key = $2 \
             AND status_code IS NULL",
            "DELETE FROM idempotency_keys WHERE customer_id = $1::uuid AND idem_key = $2 \
             AND status_code IS NULL",
        ))
        .bind(customer_id)
        .bind(key)
        .execute(pool)
        .await
        .map(drop)
    })
}

/// Whose orders a reader sees.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// A customer: their own orders, every line.
    Customer(&'a str),
    /// A seller: orders with lines of this shop, and only those lines (and their totals).
    Shop(&'a str),
    /// Administrators: every order.
    All,
}

/// One order as `scope` may see it.
pub async fn get(db: &Db, scope: Scope<'_>, id: &str) -> Result<Option<Order>, sqlx::Error> {
    if !is_uuid(id) {
        return Ok(None);
    }
    let Some(mut order) = header(db, scope, id).await? else {
        return Ok(None);
    };
    fill(db, scope, &mut order).await?;
    Ok(Some(order))
}

/// Up to `limit` orders of `scope`, newest first, after the order `after`; `None` when `after`
/// names no order of the scope.
pub async fn list(
    db: &Db,
    scope: Scope<'_>,
    limit: u32,
    after: Option<&str>,
) -> Result<Option<OrderPage>, sqlx::Error> {
    let cursor = match after {
        Some(after) => match header(db, scope, after).await? {
            Some(order) => Some((order.created_at, order.id)),
            None => return Ok(None),
        },
        None => None,
    };
    let (scope_kind, scope_id) = scope_parts(scope);
    let ids: Vec<String> = on_pool!(db, |pool, sql| {
        sqlx::query_scalar(sql.pick(
            "SELECT id FROM orders o WHERE \
               ($1 = 'all' OR ($1 = 'customer' AND o.customer_id = $2) OR ($1 = 'shop' AND EXISTS \
                 (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.shop_id = $2))) \
               AND ($3 IS NULL OR (o.created_at, o.id) < ($3, $4)) \
             ORDER BY o.created_at DESC, o.id DESC LIMIT $5",
            "SELECT id::text FROM orders o WHERE \
               ($1 = 'all' OR ($1 = 'customer' AND o.customer_id = $2::uuid) OR ($1 = 'shop' AND \
                 EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.shop_id = $2::uuid))) \
               AND ($3::bigint IS NULL OR (o.created_at, o.id) < ($3::bigint, $4::uuid)) \
             ORDER BY o.created_at DESC, o.id DESC LIMIT $5",
        ))
        .bind(scope_kind)
        .bind(scope_id)
        .bind(cursor.as_ref().map(|(at, _)| *at))
        .bind(cursor.as_ref().map(|(_, id)| id.clone()))
        .bind(i64::from(limit) + 1)
        .fetch_all(pool)
        .await
    })?;
    let more = ids.len() > limit as usize;
    let mut items = Vec::with_capacity(ids.len().min(limit as usize));
    for id in ids.iter().take(limit as usize) {
        if let Some(order) = get(db, scope, id).await? {
            items.push(order);
        }
    }
    let next_cursor = more
        .then(|| items.last().map(|o: &Order| o.id.clone()))
        .flatten();
    Ok(Some(OrderPage { items, next_cursor }))
}

fn scope_parts(scope: Scope<'_>) -> (&'static str, String) {
    match scope {
        Scope::Customer(id) => ("customer", id.to_owned()),
        Scope::Shop(id) => ("shop", id.to_owned()),
        // A placeholder id that no row has, of the right shape for a `::uuid` cast.
        Scope::All => ("all", uuid::Uuid::nil().to_string()),
    }
}

/// The order row (without lines and history), if `scope` may see it.
async fn header(db: &Db, scope: Scope<'_>, id: &str) -> Result<Option<Order>, sqlx::Error> {
    if !is_uuid(id) {
        return Ok(None);
    }
    let (scope_kind, scope_id) = scope_parts(scope);
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "SELECT id, status, recipient, phone, address_line1, address_line2, city, state_code, \
               pincode, taxable, cgst, sgst, igst, total, refunded, payment_url, created_at, pay_by \
             FROM orders o WHERE o.id = $1 AND \
               ($2 = 'all' OR ($2 = 'customer' AND o.customer_id = $3) OR ($2 = 'shop' AND EXISTS \
                 (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.shop_id = $3)))",
            "SELECT id::text AS id, status, recipient, phone, address_line1, address_line2, city, \
               state_code, pincode, taxable, cgst, sgst, igst, total, refunded, payment_url, \
               created_at, pay_by \
             FROM orders o WHERE o.id = $1::uuid AND \
               ($2 = 'all' OR ($2 = 'customer' AND o.customer_id = $3::uuid) OR ($2 = 'shop' AND \
                 EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.shop_id = $3::uuid)))",
        ))
        .bind(id)
        .bind(scope_kind)
        .bind(&scope_id)
        .fetch_optional(pool)
        .await?
        .map(|row| decode_header(&row))
        .transpose()
    })
}

fn decode_header<R>(row: &R) -> Result<Order, sqlx::Error>
where
    R: sqlx::Row,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let status = parse_status(row.try_get("status")?)?;
    let payable = matches!(status, OrderStatus::Initiated | OrderStatus::PaymentPending);
    let (cgst, sgst, igst): (i64, i64, i64) = (
        row.try_get("cgst")?,
        row.try_get("sgst")?,
        row.try_get("igst")?,
    );
    Ok(Order {
        id: row.try_get("id")?,
        status,
        address: DeliveryAddress {
            name: row.try_get("recipient")?,
            phone: row.try_get("phone")?,
            line1: row.try_get("address_line1")?,
            line2: row.try_get("address_line2")?,
            city: row.try_get("city")?,
            state_code: row.try_get("state_code")?,
            pincode: row.try_get("pincode")?,
        },
        lines: Vec::new(),
        totals: TaxTotals {
            taxable: Paise(row.try_get("taxable")?),
            cgst: Paise(cgst),
            sgst: Paise(sgst),
            igst: Paise(igst),
            tax: Paise(cgst + sgst + igst),
            total: Paise(row.try_get("total")?),
        },
        refunded: Paise(row.try_get("refunded")?),
        history: Vec::new(),
        payment_url: if status == OrderStatus::PaymentPending {
            row.try_get("payment_url")?
        } else {
            None
        },
        created_at: row.try_get("created_at")?,
        pay_by: if payable {
            Some(row.try_get("pay_by")?)
        } else {
            None
        },
    })
}

/// Adds lines (a shop's own only, with its totals) and history to `order`.
async fn fill(db: &Db, scope: Scope<'_>, order: &mut Order) -> Result<(), sqlx::Error> {
    let shop = match scope {
        Scope::Shop(shop) => Some(shop.to_owned()),
        _ => None,
    };
    let (lines, history) = on_pool!(db, |pool, sql| {
        let lines = sqlx::query(sql.pick(
            "SELECT product_id, shop_id, name, hsn, unit_price, quantity, gst_slab, gst_rate, \
               taxable, cgst, sgst, igst, total FROM order_lines \
             WHERE order_id = $1 AND ($2 IS NULL OR shop_id = $2) ORDER BY position",
            "SELECT product_id::text AS product_id, shop_id::text AS shop_id, name, hsn, \
               unit_price, quantity, gst_slab, gst_rate, taxable, cgst, sgst, igst, total \
             FROM order_lines WHERE order_id = $1::uuid AND ($2::uuid IS NULL OR shop_id = $2::uuid) \
             ORDER BY position",
        ))
        .bind(&order.id)
        .bind(&shop)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let quantity: i32 = row.try_get("quantity")?;
            let rate: i32 = row.try_get("gst_rate")?;
            Ok(OrderLine {
                product_id: row.try_get("product_id")?,
                shop_id: row.try_get("shop_id")?,
                name: row.try_get("name")?,
                hsn: row.try_get("hsn")?,
                unit_price: Paise(row.try_get("unit_price")?),
                quantity: u32::try_from(quantity).unwrap_or(0),
                gst_slab: row.try_get("gst_slab")?,
                tax: LineTax {
                    taxable: Paise(row.try_get("taxable")?),
                    rate: Rate(u32::try_from(rate).unwrap_or(0)),
                    cgst: Paise(row.try_get("cgst")?),
                    sgst: Paise(row.try_get("sgst")?),
                    igst: Paise(row.try_get("igst")?),
                    total: Paise(row.try_get("total")?),
                },
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let history = sqlx::query(sql.pick(
            "SELECT status, at FROM order_history WHERE order_id = $1 ORDER BY seq",
            "SELECT status, at FROM order_history WHERE order_id = $1::uuid ORDER BY seq",
        ))
        .bind(&order.id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(StatusChange {
                status: parse_status(row.try_get("status")?)?,
                at: row.try_get("at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        (lines, history)
    });
    if shop.is_some() {
        // A seller sees its own lines' totals, not the whole order's.
        order.totals = gst::totals(lines.iter().map(|l| &l.tax))
            .map_err(|error| sqlx::Error::Decode(format!("totalling: {error}").into()))?;
        order.refunded = Paise(0);
        order.payment_url = None;
    }
    order.lines = lines;
    order.history = history;
    Ok(())
}

/// Records a refund the gateway made, if the order is confirmed and `amount` fits in what is
/// left; `false` (nothing written) otherwise.
pub async fn record_refund(
    db: &Db,
    order_id: &str,
    amount: Paise,
    reason: &str,
    gateway_ref: &str,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    transaction!(db, |tx, sql| {
        let updated = sqlx::query(sql.pick(
            "UPDATE orders SET refunded = refunded + $1 WHERE id = $2 \
             AND status = 'ORDER_CONFIRMED' AND refunded + $1 <= total",
            "UPDATE orders SET refunded = refunded + $1 WHERE id = $2::uuid \
             AND status = 'ORDER_CONFIRMED' AND refunded + $1 <= total",
        ))
        .bind(amount.0)
        .bind(order_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        sqlx::query(sql.pick(
            "INSERT INTO refunds (id, order_id, amount, reason, gateway_ref, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            "INSERT INTO refunds (id, order_id, amount, reason, gateway_ref, created_by, created_at) \
             VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::uuid, $7)",
        ))
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(order_id)
        .bind(amount.0)
        .bind(reason)
        .bind(gateway_ref)
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    })
}

/// The payment reference of a confirmed order, with what is left to refund.
pub async fn refundable(db: &Db, order_id: &str) -> Result<Option<(String, Paise)>, sqlx::Error> {
    if !is_uuid(order_id) {
        return Ok(None);
    }
    on_pool!(db, |pool, sql| {
        let row = sqlx::query(sql.pick(
            "SELECT payment_ref, total - refunded AS left_over FROM orders \
             WHERE id = $1 AND status = 'ORDER_CONFIRMED'",
            "SELECT payment_ref, total - refunded AS left_over FROM orders \
             WHERE id = $1::uuid AND status = 'ORDER_CONFIRMED'",
        ))
        .bind(order_id)
        .fetch_optional(pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let reference: Option<String> = row.try_get("payment_ref")?;
        let left_over: i64 = row.try_get("left_over")?;
        Ok(reference.map(|r| (r, Paise(left_over))))
    })
}

fn parse_status(text: String) -> Result<OrderStatus, sqlx::Error> {
    OrderStatus::parse(&text)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown order status {text}").into()))
}

fn supply_column(supply: Supply) -> &'static str {
    match supply {
        Supply::IntraState => "INTRA",
        Supply::InterState => "INTER",
    }
}
