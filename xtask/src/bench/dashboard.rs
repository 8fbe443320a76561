//! The seller dashboard scenario (issue 10's budget: a shop with 10 000 orders answered in
//! under 100 ms): 10 000 confirmed, invoiced orders are written straight into the bench's
//! SQLite database for the demo shop, spread over the last 60 days, then the dashboard and
//! this month's GST summary are timed one request at a time.
//!
//! The orders are copies of one confirmed order of the demo shop (placed through the API by
//! the order scenario), made with the `sqlite3` shell in a few statements: placing 10 000
//! orders through checkout and the gateway would take minutes and measure checkout. The
//! copies keep the template's sealed delivery address, which is bound to the template's row id
//! and so cannot be opened on a copy; the dashboard and the summary never open it.

use super::http::{request, sign_in};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Orders seeded for the demo shop.
pub const ORDERS: usize = 10_000;
/// Timed requests per endpoint (after a few untimed ones).
const SAMPLES: usize = 100;
const WARM_UP: usize = 5;

#[derive(Debug, Serialize)]
pub struct Latency {
    pub endpoint: String,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Serialize)]
pub struct DashboardLoad {
    /// Invoiced orders of the shop (the seeded ones and those placed before).
    pub shop_orders: i64,
    pub samples: usize,
    pub latencies: Vec<Latency>,
}

/// Seeds [`ORDERS`] orders into `database` (an SQLite file the server at `addr` serves) and
/// times the demo seller's dashboard and GST summary.
pub fn dashboard_load(addr: &str, database: &Path) -> Result<DashboardLoad> {
    seed(database)?;
    let seller = sign_in(addr, "seller@bazaar.test", "demo-seller-pass")?;
    let (status, body) = request(
        addr,
        "GET",
        "/api/v1/seller/dashboard",
        Some(&seller),
        &[],
        "",
    )?;
    if status != 200 {
        bail!("the dashboard answered {status}: {body}");
    }
    let shop_orders = sqlite(
        database,
        "SELECT count(*) FROM invoices WHERE shop_id = \
         (SELECT shop_id FROM invoices WHERE number = 'BENCH-1');",
    )?
    .trim()
    .parse()
    .context("counting the shop's invoices")?;
    let mut latencies = Vec::new();
    for endpoint in ["/api/v1/seller/dashboard", "/api/v1/seller/gst-summary"] {
        let mut times = Vec::with_capacity(SAMPLES);
        for round in 0..WARM_UP + SAMPLES {
            let started = Instant::now();
            let (status, body) = request(addr, "GET", endpoint, Some(&seller), &[], "")?;
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            if status != 200 {
                bail!("{endpoint} answered {status}: {body}");
            }
            if round >= WARM_UP {
                times.push(elapsed);
            }
        }
        times.sort_by(f64::total_cmp);
        latencies.push(Latency {
            endpoint: endpoint.trim_start_matches("/api/v1").to_owned(),
            p50_ms: times[times.len() / 2],
            p99_ms: times[times.len() * 99 / 100],
            max_ms: times[times.len() - 1],
        });
    }
    Ok(DashboardLoad {
        shop_orders,
        samples: SAMPLES,
        latencies,
    })
}

/// Runs `statements` with the `sqlite3` shell on `database`; what it printed.
fn sqlite(database: &Path, statements: &str) -> Result<String> {
    let output = Command::new("sqlite3")
        .args(["-cmd", ".timeout 10000"])
        .arg(database)
        .arg(statements)
        .output()
        .context("running sqlite3 (Debian's sqlite3 package)")?;
    if !output.status.success() {
        bail!(
            "sqlite3 failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Copies one invoiced order of the demo shop [`ORDERS`] times, with its lines and invoice,
/// placed and invoiced `i % 60` days ago; every copy confirmed, not refunded and waiting to be
/// sent (queued as confirmation queues it).
fn seed(database: &Path) -> Result<()> {
    let statements = format!(
        "BEGIN IMMEDIATE;
CREATE TEMP TABLE template AS
  SELECT i.order_id, i.shop_id FROM invoices i
  WHERE (SELECT count(DISTINCT shop_id) FROM order_lines l WHERE l.order_id = i.order_id) = 1
  LIMIT 1;
CREATE TEMP TABLE n AS
  WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {ORDERS})
  SELECT i, printf('00000000-0000-4000-8000-%012d', i) AS order_id,
         printf('00000000-0000-4000-9000-%012d', i) AS invoice_id,
         CAST(strftime('%s', 'now') AS INTEGER) - (i % 60) * 86400 - i AS at FROM k;
INSERT INTO orders (id, customer_id, status, recipient, phone, address_line1, address_line2,
    city, state_code, pincode, taxable, cgst, sgst, igst, total, refunded, payment_provider,
    created_at, pay_by)
  SELECT n.order_id, o.customer_id, 'ORDER_CONFIRMED', o.recipient, o.phone, o.address_line1,
    o.address_line2, o.city, o.state_code, o.pincode, o.taxable, o.cgst, o.sgst, o.igst,
    o.total, 0, o.payment_provider, n.at, n.at + 900
  FROM n, template t JOIN orders o ON o.id = t.order_id;
INSERT INTO order_lines (order_id, position, product_id, shop_id, name, hsn, unit_price,
    quantity, gst_slab, gst_rate, supply, taxable, cgst, sgst, igst, total)
  SELECT n.order_id, l.position, l.product_id, l.shop_id, l.name, l.hsn, l.unit_price,
    l.quantity, l.gst_slab, l.gst_rate, l.supply, l.taxable, l.cgst, l.sgst, l.igst, l.total
  FROM n, template t JOIN order_lines l ON l.order_id = t.order_id;
INSERT INTO invoices (id, order_id, shop_id, number, financial_year, serial, issued_on,
    supplier_name, supplier_gstin, supplier_address, supplier_state, created_at, total)
  SELECT n.invoice_id, n.order_id, i.shop_id, 'BENCH-' || n.i, i.financial_year,
    1000000 + n.i, date(n.at, 'unixepoch', '+330 minutes'), i.supplier_name, i.supplier_gstin,
    i.supplier_address, i.supplier_state, n.at, i.total
  FROM n, template t JOIN invoices i ON i.order_id = t.order_id AND i.shop_id = t.shop_id;
INSERT INTO fulfilment_queue (shop_id, order_id, placed_at, items, amount)
  SELECT q.shop_id, n.order_id, n.at, q.items, q.amount
  FROM n, template t JOIN fulfilment_queue q ON q.order_id = t.order_id AND q.shop_id = t.shop_id;
SELECT count(*) FROM template;
COMMIT;
ANALYZE;"
    );
    let printed = sqlite(database, &statements)?;
    if printed.trim() != "1" {
        bail!("no invoiced order of one shop to copy (the order scenario places them)");
    }
    Ok(())
}
