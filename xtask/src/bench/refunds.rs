//! The refund scenario: an administrator (second factor passed) refunds confirmed orders in
//! full from several threads at once, each refund recorded before the gateway is called and
//! completed after; then every order is read back to check it was refunded exactly its total.

use super::http::{register_buyer, request, request_typed, sign_in_admin};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::time::Instant;

/// Confirmed orders the scenario refunds.
const ORDERS: usize = 300;
/// Threads refunding at once (an administrator's tabs, several administrators).
const REFUNDERS: usize = 8;

#[derive(Debug, Serialize)]
pub struct RefundLoad {
    pub refunds: usize,
    pub refunders: usize,
    pub seconds: f64,
    pub refunds_per_sec: f64,
    /// Every order refunded its total, to the paisa, once.
    pub exact: bool,
}

/// Places [`ORDERS`] orders of `product_id` as a fresh customer, has the mock gateway approve
/// each (which confirms them and issues their invoices), then times their refunds.
pub fn refund_load(addr: &str, product_id: &str) -> Result<RefundLoad> {
    let admin = sign_in_admin(addr, "admin@bazaar.test", "demo-admin-pass")?;
    let orders = confirmed_orders(addr, product_id)?;

    let started = Instant::now();
    let chunk = orders.len().div_ceil(REFUNDERS);
    std::thread::scope(|scope| {
        let workers: Vec<_> = orders
            .chunks(chunk)
            .map(|share| {
                let admin = &admin;
                scope.spawn(move || -> Result<()> {
                    for (id, _) in share {
                        let key = format!("bench-refund-{id}");
                        let (status, body) = request(
                            addr,
                            "POST",
                            &format!("/api/v1/orders/{id}/refunds"),
                            Some(admin),
                            &[("Idempotency-Key", &key)],
                            r#"{"reason":"bench"}"#,
                        )?;
                        if status != 200 {
                            bail!("a refund answered {status}: {body}");
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        workers
            .into_iter()
            .try_for_each(|worker| worker.join().expect("a refunding thread panicked"))
    })?;
    let seconds = started.elapsed().as_secs_f64();

    let mut exact = true;
    for (id, total) in &orders {
        let (_, body) = request(
            addr,
            "GET",
            &format!("/api/v1/orders/{id}"),
            Some(&admin),
            &[],
            "",
        )?;
        let order: serde_json::Value = serde_json::from_str(&body)?;
        exact &= order["refunded"].as_i64() == Some(*total);
    }
    Ok(RefundLoad {
        refunds: orders.len(),
        refunders: REFUNDERS,
        seconds,
        refunds_per_sec: orders.len() as f64 / seconds,
        exact,
    })
}

/// [`ORDERS`] confirmed orders of one unit of `product_id`: their ids and totals.
pub(super) fn confirmed_orders(addr: &str, product_id: &str) -> Result<Vec<(String, i64)>> {
    let (token, cart_id) = register_buyer(addr, "refund-buyer@bench.test")?;
    let order_body = format!(
        r#"{{"cartId":"{cart_id}","address":{{"name":"Bench Buyer","phone":"9876543210","line1":"1 Bench Road","city":"Pune","stateCode":"27","pincode":"411001"}}}}"#
    );

    let mut orders = Vec::with_capacity(ORDERS);
    for n in 0..ORDERS {
        request(
            addr,
            "PUT",
            &format!("/api/v1/carts/{cart_id}/items/{product_id}"),
            Some(&token),
            &[],
            r#"{"quantity":1}"#,
        )?;
        let key = format!("bench-refund-order-{n}");
        let (status, body) = request(
            addr,
            "POST",
            "/api/v1/orders",
            Some(&token),
            &[("Idempotency-Key", &key)],
            &order_body,
        )?;
        if status != 201 {
            bail!("an order to refund answered {status}: {body}");
        }
        let order: serde_json::Value = serde_json::from_str(&body)?;
        let id = order["id"].as_str().context("no order id")?.to_owned();
        let total = order["totals"]["total"].as_i64().context("no total")?;
        let pay = order["paymentUrl"].as_str().context("no payment URL")?;
        // The shopper approves on the mock gateway's page, which calls our webhook before it
        // sends the shopper back: the order is confirmed when this answers.
        let (status, body) = request_typed(
            addr,
            "POST",
            pay,
            None,
            &[],
            ("application/x-www-form-urlencoded", "decision=approve"),
        )?;
        if status != 303 {
            bail!("approving a payment answered {status}: {body}");
        }
        orders.push((id, total));
    }
    Ok(orders)
}
