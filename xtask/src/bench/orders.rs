//! The order-creation scenario: many customers refilling their carts and placing orders at
//! once, then the product's stock checked against the orders placed.

use super::http::{register_buyer, request, sign_in};
use super::{BENCH_STOCK, BUYERS, DURATION_SECS};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::time::{Duration, Instant};

#[derive(Debug, Serialize)]
pub struct OrderLoad {
    pub buyers: usize,
    pub seconds: u32,
    pub orders_placed: u64,
    pub orders_per_sec: f64,
    /// Stock before minus orders placed equals stock after, and it never went below zero.
    pub no_oversell: bool,
}

/// [`BUYERS`] customers, each on its own thread, fill their cart and place an order, again
/// and again for [`DURATION_SECS`]; then the product's stock is checked against the orders.
/// Also the bench product's id, for the scenarios after it.
pub fn order_load(addr: &str) -> Result<(OrderLoad, String)> {
    let seller = sign_in(addr, "seller@bazaar.test", "demo-seller-pass")?;
    let (status, body) = request(
        addr,
        "POST",
        "/api/v1/seller/products",
        Some(&seller),
        &[],
        &format!(
            r#"{{"name":"Bench tee","sku":"BENCH-TEE","hsn":"6109","price":49900,"gstRate":500,"stock":{BENCH_STOCK},"category":"apparel"}}"#
        ),
    )?;
    if status != 201 {
        bail!("adding the bench product answered {status}: {body}");
    }
    let product: serde_json::Value = serde_json::from_str(&body)?;
    let product_id = product["id"].as_str().context("no product id")?.to_owned();

    let mut buyers = Vec::with_capacity(BUYERS);
    for n in 0..BUYERS {
        buyers.push(register_buyer(addr, &format!("buyer{n}@bench.test"))?);
    }

    let deadline = Instant::now() + Duration::from_secs(u64::from(DURATION_SECS));
    let started = Instant::now();
    let placed: u64 = std::thread::scope(|scope| {
        let workers: Vec<_> = buyers
            .iter()
            .enumerate()
            .map(|(n, (token, cart_id))| {
                let product_id = &product_id;
                scope.spawn(move || -> Result<u64> {
                    let mut placed = 0;
                    let order = format!(
                        r#"{{"cartId":"{cart_id}","address":{{"name":"Bench Buyer","phone":"9876543210","line1":"1 Bench Road","city":"Pune","stateCode":"27","pincode":"411001"}}}}"#
                    );
                    while Instant::now() < deadline {
                        request(
                            addr,
                            "PUT",
                            &format!("/api/v1/carts/{cart_id}/items/{product_id}"),
                            Some(token),
                            &[],
                            r#"{"quantity":1}"#,
                        )?;
                        let key = format!("bench-{n}-{placed}");
                        let (status, body) = request(
                            addr,
                            "POST",
                            "/api/v1/orders",
                            Some(token),
                            &[("Idempotency-Key", &key)],
                            &order,
                        )?;
                        if status != 201 {
                            bail!("an order answered {status}: {body}");
                        }
                        placed += 1;
                    }
                    Ok(placed)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a buyer thread panicked"))
            .sum::<Result<u64>>()
    })?;
    let seconds = started.elapsed().as_secs_f64();

    let (_, body) = request(
        addr,
        "GET",
        &format!("/api/v1/products/{product_id}"),
        None,
        &[],
        "",
    )?;
    let after: serde_json::Value = serde_json::from_str(&body)?;
    let stock = after["stock"].as_i64().context("no stock")?;
    let load = OrderLoad {
        buyers: BUYERS,
        seconds: DURATION_SECS,
        orders_placed: placed,
        orders_per_sec: placed as f64 / seconds,
        no_oversell: stock >= 0 && stock == BENCH_STOCK - i64::try_from(placed)?,
    };
    Ok((load, product_id))
}
