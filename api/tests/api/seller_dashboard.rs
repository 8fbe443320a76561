//! The seller's dashboard and GST summary (issue 10): figures of a known set of orders across
//! two shops, each seller seeing only its own; an empty shop; the GST summary grouped by rate
//! and place of supply (intra-state CGST + SGST apart from inter-state IGST) and net of the
//! month's credit notes; the CSV; a bad month.

use crate::fixtures::{
    GSTIN_KA, GSTIN_MH, add_product, customer, gstin_mh, json_of, product_body, seller, send, staff,
};
use crate::helpers::{TestApp, problem, spawn_app};
use crate::orders::{answer, fill_cart, order_body, order_of, place};
use contracts::Paise;
use contracts::orders::Order;
use contracts::props::Role;
use contracts::seller_dashboard::{GstSummary, SellerDashboard, ist_date};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Asha sells from Maharashtra, Ravi from Karnataka, both at 18%, prices before tax:
/// - order 1, delivered in Maharashtra: Asha's ₹1000 shirt (CGST + SGST ₹90 each) and two of
///   Ravi's ₹500 pots (IGST ₹180), paid;
/// - order 2, delivered in Karnataka: two of Asha's shirts (IGST ₹360), paid;
/// - order 3: one of Asha's shirts, never paid.
///
/// Asha also has a scarf with 3 in stock.
struct World {
    app: TestApp,
    admin: String,
    asha: String,
    ravi: String,
    customer: String,
    order2: Order,
    scarf: String,
}

async fn buy(
    app: &TestApp,
    customer: &str,
    key: &str,
    lines: &[(&str, u32)],
    state: &str,
    pay: bool,
) -> Order {
    let cart = fill_cart(app, customer, lines[0].0, lines[0].1).await;
    for (product, quantity) in &lines[1..] {
        let added = send(
            app,
            Method::POST,
            &format!("/carts/{cart}/items"),
            Some(customer),
            Some(json!({ "productId": product, "quantity": quantity })),
        )
        .await;
        assert!(added.status().is_success());
    }
    let order = order_of(
        place(app, customer, Some(key), &order_body(&cart, state)).await,
        StatusCode::CREATED,
    )
    .await;
    if pay {
        answer(app, order.payment_url.as_deref().unwrap(), "approve").await;
    }
    order
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (asha, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let (ravi, _) = seller(&app, &admin, "ravi@example.com", GSTIN_KA).await;
    let shirt = add_product(&app, &asha, product_body("Shirt", "SH-1", 100_000)).await;
    let mut scarf = product_body("Scarf", "SC-1", 40_000);
    scarf["stock"] = json!(3);
    let scarf = add_product(&app, &asha, scarf).await;
    let pot = add_product(&app, &ravi, product_body("Clay pot", "POT-1", 50_000)).await;
    let (customer, _) = customer(&app, "buyer@example.com").await;
    buy(
        &app,
        &customer,
        "k1",
        &[(&shirt.id, 1), (&pot.id, 2)],
        "27",
        true,
    )
    .await;
    let order2 = buy(&app, &customer, "k2", &[(&shirt.id, 2)], "29", true).await;
    buy(&app, &customer, "k3", &[(&shirt.id, 1)], "27", false).await;
    World {
        app,
        admin,
        asha,
        ravi,
        customer,
        order2,
        scarf: scarf.id,
    }
}

async fn dashboard(app: &TestApp, token: &str) -> SellerDashboard {
    let response = send(app, Method::GET, "/seller/dashboard", Some(token), None).await;
    serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap()
}

async fn summary(app: &TestApp, token: &str, query: &str) -> GstSummary {
    let path = format!("/seller/gst-summary{query}");
    let response = send(app, Method::GET, &path, Some(token), None).await;
    serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap()
}

#[tokio::test]
async fn each_seller_sees_its_own_sales_orders_to_fulfil_and_low_stock() {
    let w = world().await;
    let today = ist_date(w.app.clock.now()).unwrap();

    let asha = dashboard(&w.app, &w.asha).await;
    assert_eq!(asha.sales.len(), 30);
    let last = asha.sales.last().unwrap();
    assert_eq!(last.day, today);
    // The shop's lines only, tax included: ₹1180 + ₹2360.
    assert_eq!((last.sales, last.orders), (Paise(354_000), 2));
    assert!(
        asha.sales[..29]
            .iter()
            .all(|day| day.sales == Paise(0) && day.orders == 0)
    );
    assert!(asha.sales.windows(2).all(|pair| pair[0].day < pair[1].day));
    // Paid orders only; the unpaid one is not waiting to be sent.
    assert_eq!(asha.to_fulfil_count, 2);
    assert_eq!(asha.to_fulfil.len(), 2);
    let (second, first): (Vec<_>, Vec<_>) = asha
        .to_fulfil
        .iter()
        .partition(|order| order.id == w.order2.id);
    assert_eq!((second[0].items, second[0].amount), (2, Paise(236_000)));
    assert_eq!((first[0].items, first[0].amount), (1, Paise(118_000)));
    // The scarf (3 left) is low; the shirt (6 left after 4 sold or reserved) is not.
    let low: Vec<(&str, i64)> = asha
        .low_stock
        .iter()
        .map(|product| (product.id.as_str(), product.stock))
        .collect();
    assert_eq!(low, [(w.scarf.as_str(), 3)]);

    let ravi = dashboard(&w.app, &w.ravi).await;
    let last = ravi.sales.last().unwrap();
    assert_eq!((last.sales, last.orders), (Paise(118_000), 1));
    assert_eq!(ravi.to_fulfil_count, 1);
    assert_eq!(ravi.to_fulfil[0].amount, Paise(118_000));
    assert!(ravi.low_stock.is_empty());

    // Packed is still to send; shipped is done. Asha's part of order 2 moves, Ravi's list
    // does not change.
    let step = |path: String, body| {
        let (app, token) = (&w.app, w.asha.as_str());
        async move {
            let response = send(app, Method::POST, &path, Some(token), body).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
        }
    };
    step(format!("/seller/orders/{}/pack", w.order2.id), None).await;
    assert_eq!(dashboard(&w.app, &w.asha).await.to_fulfil_count, 2);
    let shipment = json!({ "carrier": "Delhivery", "trackingNumber": "DL123456789" });
    step(
        format!("/seller/orders/{}/ship", w.order2.id),
        Some(shipment),
    )
    .await;
    let asha = dashboard(&w.app, &w.asha).await;
    assert_eq!(asha.to_fulfil_count, 1);
    assert!(asha.to_fulfil.iter().all(|order| order.id != w.order2.id));
    assert_eq!(dashboard(&w.app, &w.ravi).await.to_fulfil_count, 1);
}

#[tokio::test]
async fn a_shop_without_orders_has_thirty_zero_days_and_nothing_to_do() {
    let w = world().await;
    let (empty, _) = seller(&w.app, &w.admin, "new@example.com", &gstin_mh(2)).await;
    let figures = dashboard(&w.app, &empty).await;
    assert_eq!(figures.sales.len(), 30);
    assert!(
        figures
            .sales
            .iter()
            .all(|day| day.sales == Paise(0) && day.orders == 0)
    );
    assert_eq!(figures.to_fulfil_count, 0);
    assert!(figures.to_fulfil.is_empty() && figures.low_stock.is_empty());
    let gst = summary(&w.app, &empty, "").await;
    assert!(gst.rows.is_empty());
    assert_eq!((gst.invoices, gst.credit_notes), (0, 0));
    assert_eq!(gst.total.taxable, Paise(0));
}

#[tokio::test]
async fn the_gst_summary_groups_by_rate_and_place_of_supply() {
    let w = world().await;
    let month = contracts::seller_dashboard::Month::of(ist_date(w.app.clock.now()).unwrap());
    let asha = summary(&w.app, &w.asha, &format!("?month={month}")).await;
    assert_eq!(
        asha,
        summary(&w.app, &w.asha, "").await,
        "this month by default"
    );
    assert_eq!(asha.invoices, 2);
    assert_eq!(asha.rows.len(), 2);
    let mh = &asha.rows[0];
    assert_eq!(
        (mh.rate, mh.place_of_supply.as_str(), mh.intra_state),
        (1800, "27", true)
    );
    assert_eq!(mh.place_name, "Maharashtra");
    assert_eq!(
        (mh.net.taxable, mh.net.cgst, mh.net.sgst, mh.net.igst),
        (Paise(100_000), Paise(9_000), Paise(9_000), Paise(0))
    );
    let ka = &asha.rows[1];
    assert_eq!((ka.place_of_supply.as_str(), ka.intra_state), ("29", false));
    assert_eq!(
        (ka.net.taxable, ka.net.cgst, ka.net.sgst, ka.net.igst),
        (Paise(200_000), Paise(0), Paise(0), Paise(36_000))
    );
    assert_eq!(asha.total.taxable, Paise(300_000));
    assert_eq!(asha.total.igst, Paise(36_000));

    // Ravi's pots went from Karnataka to Maharashtra: inter-state, IGST, and only his.
    let ravi = summary(&w.app, &w.ravi, "").await;
    assert_eq!(ravi.rows.len(), 1);
    let row = &ravi.rows[0];
    assert_eq!(
        (row.place_of_supply.as_str(), row.intra_state),
        ("27", false)
    );
    assert_eq!(
        (row.net.taxable, row.net.igst, row.net.cgst),
        (Paise(100_000), Paise(18_000), Paise(0))
    );

    // Another month has nothing.
    let before = summary(&w.app, &w.asha, &format!("?month={}", month.previous())).await;
    assert!(before.rows.is_empty());
}

/// Refunds `body` of `order` as the administrator, under `key`.
async fn refund(w: &World, order: &str, key: &str, body: serde_json::Value) {
    let refund = w
        .app
        .client
        .post(w.app.url(&format!("/api/v1/orders/{order}/refunds")))
        .bearer_auth(&w.admin)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        refund.status().is_success(),
        "{}",
        refund.text().await.unwrap()
    );
}

#[tokio::test]
async fn a_credit_note_of_the_month_is_taken_off_its_rate_and_place() {
    let w = world().await;
    // Part of an order refunded: the rest is still to be sent.
    refund(
        &w,
        &w.order2.id,
        "refund-1",
        json!({ "amount": 1_000, "reason": "late" }),
    )
    .await;
    assert_eq!(dashboard(&w.app, &w.asha).await.to_fulfil_count, 2);
    let rest = w.order2.totals.total.0 - 1_000;
    refund(
        &w,
        &w.order2.id,
        "refund-2",
        json!({ "amount": rest, "reason": "returned" }),
    )
    .await;
    let asha = summary(&w.app, &w.asha, "").await;
    assert_eq!((asha.invoices, asha.credit_notes), (2, 2));
    let ka = asha
        .rows
        .iter()
        .find(|row| row.place_of_supply == "29")
        .unwrap();
    assert_eq!(
        (ka.invoiced.taxable, ka.invoiced.igst),
        (Paise(200_000), Paise(36_000))
    );
    assert_eq!(
        (ka.credited.taxable, ka.credited.igst),
        (Paise(200_000), Paise(36_000))
    );
    assert_eq!((ka.net.taxable, ka.net.igst), (Paise(0), Paise(0)));
    assert_eq!(asha.total.taxable, Paise(100_000));
    // A wholly refunded order is no longer waiting to be sent.
    assert_eq!(dashboard(&w.app, &w.asha).await.to_fulfil_count, 1);
    // Ravi's figures did not move.
    assert!(
        summary(&w.app, &w.ravi, "")
            .await
            .rows
            .iter()
            .all(|row| row.credited.taxable == Paise(0))
    );
}

#[tokio::test]
async fn the_summary_downloads_as_csv() {
    let w = world().await;
    let month = contracts::seller_dashboard::Month::of(ist_date(w.app.clock.now()).unwrap());
    let response = send(
        &w.app,
        Method::GET,
        &format!("/seller/gst-summary.csv?month={month}"),
        Some(&w.asha),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("gst-summary-{month}.csv"))
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("\"month\",\"gst_rate_percent\",\"place_of_supply\""));
    assert!(
        lines[1].contains(
            "\"18.00\",\"27\",\"Maharashtra\",\"intra-state\",\"100000\",\"9000\",\"9000\",\"0\""
        ),
        "{csv}"
    );
    assert!(
        lines[2].contains("\"29\",\"Karnataka\",\"inter-state\",\"200000\",\"0\",\"0\",\"36000\""),
        "{csv}"
    );
    assert!(lines[3].contains("\"Total\""));
}

#[tokio::test]
async fn a_bad_month_is_refused_naming_month() {
    let w = world().await;
    for bad in ["2026-13", "2026-1", "december", "2026-12-01"] {
        for path in ["/seller/gst-summary", "/seller/gst-summary.csv"] {
            let response = send(
                &w.app,
                Method::GET,
                &format!("{path}?month={bad}"),
                Some(&w.asha),
                None,
            )
            .await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} {bad}");
            let problem = problem(response).await;
            assert_eq!(problem.code, "invalid_query");
            assert!(problem.detail.unwrap_or_default().contains("month"));
        }
    }
}

#[tokio::test]
async fn customers_and_strangers_get_no_figures() {
    let w = world().await;
    for path in [
        "/seller/dashboard",
        "/seller/gst-summary",
        "/seller/gst-summary.csv",
        "/seller/shop",
    ] {
        let response = send(&w.app, Method::GET, path, Some(&w.customer), None).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let response = send(&w.app, Method::GET, path, None, None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}
