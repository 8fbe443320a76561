//! Order fulfilment (issue 10): each seller packs, ships and delivers its own part of a paid
//! two-shop order, the order's status following its slowest part; illegal steps are refused
//! with stable codes and write nothing; a seller cannot move another shop's part, a customer
//! cannot pack; the customer's cancellation before shipping refunds everything, issues the
//! credit notes and puts the stock back, once per Idempotency-Key.

use crate::fixtures::{
    GSTIN_KA, GSTIN_MH, add_product, customer, json_of, product_body, seller, send, staff,
};
use crate::helpers::{TestApp, problem, spawn_app};
use crate::orders::{answer, fill_cart, get_order, order_body, order_of, place, statuses, stock};
use contracts::catalog::Product;
use contracts::credit_notes::CreditNoteList;
use contracts::orders::{Order, OrderPage, OrderStatus};
use contracts::payments::RefundState;
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A paid order of two shops' lines: Asha's ₹1000 shirt (Maharashtra) and Ravi's two ₹500
/// pots (Karnataka), delivered in Maharashtra.
struct World {
    app: TestApp,
    asha: String,
    asha_shop: String,
    ravi: String,
    customer: String,
    shirt: Product,
    pot: Product,
    order: Order,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (asha, asha_shop) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let (ravi, _) = seller(&app, &admin, "ravi@example.com", GSTIN_KA).await;
    let shirt = add_product(&app, &asha, product_body("Shirt", "SH-1", 100_000)).await;
    let pot = add_product(&app, &ravi, product_body("Clay pot", "POT-1", 50_000)).await;
    let (customer, _) = customer(&app, "buyer@example.com").await;
    let order = buy(&app, &customer, &[(&shirt, 1), (&pot, 2)], "k1", true).await;
    World {
        app,
        asha,
        asha_shop: asha_shop.id,
        ravi,
        customer,
        shirt,
        pot,
        order,
    }
}

/// `customer` orders `lines` under `key`, and pays when `pay`.
async fn buy(
    app: &TestApp,
    customer: &str,
    lines: &[(&Product, u32)],
    key: &str,
    pay: bool,
) -> Order {
    let cart = fill_cart(app, customer, &lines[0].0.id, lines[0].1).await;
    for (product, quantity) in &lines[1..] {
        let added = send(
            app,
            Method::POST,
            &format!("/carts/{cart}/items"),
            Some(customer),
            Some(json!({ "productId": product.id, "quantity": quantity })),
        )
        .await;
        assert!(added.status().is_success());
    }
    let placed = place(app, customer, Some(key), &order_body(&cart, "27")).await;
    let order = order_of(placed, StatusCode::CREATED).await;
    if pay {
        answer(app, order.payment_url.as_deref().unwrap(), "approve").await;
    }
    order
}

/// `token` takes fulfilment step `step` (`pack`, `ship`, `deliver`) of `order`.
async fn step(
    w: &World,
    token: &str,
    order: &str,
    step: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let path = format!("/seller/orders/{order}/{step}");
    send(
        &w.app,
        Method::POST,
        &path,
        Some(token),
        body.or(Some(json!({}))),
    )
    .await
}

fn shipment(tracking: &str) -> Option<Value> {
    Some(json!({ "carrier": "Delhivery", "trackingNumber": tracking }))
}

/// The customer cancels `order` under `key` with `reason`.
async fn cancel(w: &World, order: &str, key: Option<&str>, reason: &str) -> reqwest::Response {
    let mut request = w
        .app
        .client
        .post(w.app.url(&format!("/api/v1/orders/{order}/cancel")))
        .bearer_auth(&w.customer)
        .json(&json!({ "reason": reason }));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

async fn read(w: &World, token: &str, id: &str) -> Order {
    order_of(get_order(&w.app, token, id).await, StatusCode::OK).await
}

/// Rows of `table` (a fixed name) matching `condition`.
async fn count(app: &TestApp, table: &str, condition: &str) -> i64 {
    api::db::Sql::built(format!("SELECT COUNT(*) FROM {table} WHERE {condition}"))
        .scalar_one::<i64>(&mut app.db.conn().await.unwrap())
        .await
        .unwrap()
}

/// What a refused step must leave unchanged: parts, history, cancellations, refunds, audit.
async fn footprint(app: &TestApp) -> [i64; 5] {
    [
        count(app, "order_parts", "1 = 1").await,
        count(app, "order_history", "1 = 1").await,
        count(app, "order_cancellations", "1 = 1").await,
        count(app, "refunds", "1 = 1").await,
        count(app, "audit_log", "1 = 1").await,
    ]
}

async fn assert_refused(
    response: reqwest::Response,
    status: StatusCode,
    code: &str,
    field: &str,
    why: &str,
) {
    assert_eq!(response.status(), status);
    let problem = problem(response).await;
    assert_eq!(problem.code, code);
    assert_eq!(problem.errors[0].field, field, "{problem:?}");
    assert_eq!(problem.errors[0].code, why, "{problem:?}");
}

#[tokio::test]
async fn each_shop_packs_ships_and_delivers_its_part_and_the_order_follows_the_slowest() {
    let w = world().await;
    let id = w.order.id.clone();
    assert_eq!(
        read(&w, &w.customer, &id).await.status,
        OrderStatus::OrderConfirmed
    );

    let packed = order_of(step(&w, &w.asha, &id, "pack", None).await, StatusCode::OK).await;
    // The seller reads its own part as the order's status, and only its part.
    assert_eq!(packed.status, OrderStatus::Packed);
    assert_eq!(packed.parts.len(), 1);
    assert_eq!(packed.parts[0].shop_id, w.asha_shop);
    // The customer's order waits for Ravi.
    let order = read(&w, &w.customer, &id).await;
    assert_eq!(order.status, OrderStatus::OrderConfirmed);
    assert!(order.cancellable);
    let asha_part = order
        .parts
        .iter()
        .find(|p| p.shop_id == w.asha_shop)
        .unwrap();
    assert_eq!(asha_part.status, OrderStatus::Packed);

    order_of(step(&w, &w.ravi, &id, "pack", None).await, StatusCode::OK).await;
    assert_eq!(read(&w, &w.customer, &id).await.status, OrderStatus::Packed);

    let shipped = order_of(
        step(&w, &w.asha, &id, "ship", shipment("AWB-1001")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shipped.status, OrderStatus::Shipped);
    assert_eq!(
        shipped.parts[0].tracking_number.as_deref(),
        Some("AWB-1001")
    );
    let order = read(&w, &w.customer, &id).await;
    assert_eq!(order.status, OrderStatus::Packed);
    assert!(!order.cancellable, "a part has shipped");
    let shipped_step = order
        .history
        .iter()
        .find(|s| s.status == OrderStatus::Shipped)
        .unwrap();
    assert_eq!(shipped_step.carrier.as_deref(), Some("Delhivery"));
    assert_eq!(shipped_step.tracking_number.as_deref(), Some("AWB-1001"));
    assert_eq!(shipped_step.shop_id.as_deref(), Some(w.asha_shop.as_str()));

    order_of(
        step(&w, &w.ravi, &id, "ship", shipment("BD-22")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        read(&w, &w.customer, &id).await.status,
        OrderStatus::Shipped
    );
    // A seller's status filter is of its own part.
    let list = send(
        &w.app,
        Method::GET,
        "/orders?status=SHIPPED",
        Some(&w.asha),
        None,
    )
    .await;
    let page: OrderPage = serde_json::from_value(json_of(list, StatusCode::OK).await).unwrap();
    assert_eq!(page.items.len(), 1);
    let list = send(
        &w.app,
        Method::GET,
        "/orders?status=PACKED,DELIVERED",
        Some(&w.asha),
        None,
    )
    .await;
    let page: OrderPage = serde_json::from_value(json_of(list, StatusCode::OK).await).unwrap();
    assert!(page.items.is_empty());

    order_of(
        step(&w, &w.asha, &id, "deliver", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        read(&w, &w.customer, &id).await.status,
        OrderStatus::Shipped
    );
    order_of(
        step(&w, &w.ravi, &id, "deliver", None).await,
        StatusCode::OK,
    )
    .await;
    let order = read(&w, &w.customer, &id).await;
    assert_eq!(order.status, OrderStatus::Delivered);
    use OrderStatus::*;
    assert_eq!(
        statuses(&order),
        [
            Initiated,
            PaymentPending,
            Success,
            OrderConfirmed,
            Packed,
            Packed,
            Shipped,
            Shipped,
            Delivered,
            Delivered
        ]
    );
    // Ravi's history shows Ravi's steps, never Asha's tracking number.
    let ravis = read(&w, &w.ravi, &id).await;
    assert!(
        ravis
            .history
            .iter()
            .all(|s| s.tracking_number.as_deref() != Some("AWB-1001"))
    );
    // Every step audited.
    assert_eq!(
        count(&w.app, "audit_log", "action = 'orders:fulfil'").await,
        6
    );
    let list = send(
        &w.app,
        Method::GET,
        "/orders?status=DELIVERED",
        Some(&w.customer),
        None,
    )
    .await;
    let page: OrderPage = serde_json::from_value(json_of(list, StatusCode::OK).await).unwrap();
    assert_eq!(page.items.len(), 1);
    let bad = send(
        &w.app,
        Method::GET,
        "/orders?status=LOST",
        Some(&w.customer),
        None,
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn illegal_steps_are_refused_with_a_stable_code_and_write_nothing() {
    let w = world().await;
    let id = w.order.id.clone();
    let before = footprint(&w.app).await;
    // Delivering before shipping, shipping before packing.
    let response = step(&w, &w.asha, &id, "deliver", None).await;
    assert_refused(
        response,
        StatusCode::CONFLICT,
        "illegal_transition",
        "status",
        "out_of_order",
    )
    .await;
    let response = step(&w, &w.asha, &id, "ship", shipment("AWB-1")).await;
    assert_refused(
        response,
        StatusCode::CONFLICT,
        "illegal_transition",
        "status",
        "out_of_order",
    )
    .await;
    // A carrier or tracking number that is not one.
    let response = step(
        &w,
        &w.asha,
        &id,
        "ship",
        Some(json!({"carrier": "D", "trackingNumber": "1 2"})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = problem(response)
        .await
        .errors
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["carrier", "trackingNumber"]);
    assert_eq!(footprint(&w.app).await, before);

    // Packing twice; delivering a packed part.
    order_of(step(&w, &w.asha, &id, "pack", None).await, StatusCode::OK).await;
    let before = footprint(&w.app).await;
    let response = step(&w, &w.asha, &id, "pack", None).await;
    assert_refused(
        response,
        StatusCode::CONFLICT,
        "illegal_transition",
        "status",
        "out_of_order",
    )
    .await;
    let response = step(&w, &w.asha, &id, "deliver", None).await;
    assert_refused(
        response,
        StatusCode::CONFLICT,
        "illegal_transition",
        "status",
        "out_of_order",
    )
    .await;
    assert_eq!(footprint(&w.app).await, before);

    // An unpaid order: a tracking number on it is a field error, and nothing is written.
    let unpaid = buy(&w.app, &w.customer, &[(&w.shirt, 1)], "k2", false).await;
    let before = footprint(&w.app).await;
    let response = step(&w, &w.asha, &unpaid.id, "ship", shipment("AWB-2")).await;
    assert_refused(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "order_unpaid",
        "trackingNumber",
        "order_unpaid",
    )
    .await;
    let response = step(&w, &w.asha, &unpaid.id, "pack", None).await;
    assert_refused(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "order_unpaid",
        "orderId",
        "order_unpaid",
    )
    .await;
    let response = cancel(&w, &unpaid.id, Some("c0"), "changed my mind").await;
    assert_refused(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "order_unpaid",
        "orderId",
        "order_unpaid",
    )
    .await;
    assert_eq!(footprint(&w.app).await, before);
}

#[tokio::test]
async fn a_seller_moves_only_its_own_part_and_a_customer_cannot_pack() {
    let w = world().await;
    // An order of Asha's shirt alone: Ravi has no part in it.
    let only_asha = buy(&w.app, &w.customer, &[(&w.shirt, 1)], "k2", true).await;
    let before = footprint(&w.app).await;
    let response = step(&w, &w.ravi, &only_asha.id, "pack", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = step(&w, &w.customer, &w.order.id, "pack", None).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(response).await.code, "forbidden");
    // Sellers do not cancel customers' orders.
    let response = send(
        &w.app,
        Method::POST,
        &format!("/orders/{}/cancel", w.order.id),
        Some(&w.asha),
        Some(json!({"reason": "no"})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(footprint(&w.app).await, before);
    // Packing Ravi's part leaves Asha's untouched.
    order_of(
        step(&w, &w.ravi, &w.order.id, "pack", None).await,
        StatusCode::OK,
    )
    .await;
    let asha = read(&w, &w.asha, &w.order.id).await;
    assert_eq!(asha.status, OrderStatus::OrderConfirmed);
}

#[tokio::test]
async fn a_cancellation_before_shipping_refunds_everything_issues_credit_notes_and_restocks() {
    let w = world().await;
    let id = w.order.id.clone();
    order_of(step(&w, &w.asha, &id, "pack", None).await, StatusCode::OK).await;
    let (shirts, pots) = (stock(&w.app, &w.shirt).await, stock(&w.app, &w.pot).await);

    let response = cancel(&w, &id, Some("c1"), "ordered twice").await;
    let order = order_of(response, StatusCode::OK).await;
    assert_eq!(order.status, OrderStatus::Cancelled);
    assert!(!order.cancellable);
    assert_eq!(order.cancellation.as_ref().unwrap().reason, "ordered twice");
    assert_eq!(order.refunded, order.totals.total);
    assert_eq!(order.refunds.len(), 1);
    assert_eq!(order.refunds[0].state, RefundState::Done);
    assert_eq!(statuses(&order).last(), Some(&OrderStatus::Cancelled));
    // Stock back: one shirt, two pots.
    assert_eq!(stock(&w.app, &w.shirt).await, shirts + 1);
    assert_eq!(stock(&w.app, &w.pot).await, pots + 2);
    // One credit note per seller, crediting the whole order.
    let notes = send(
        &w.app,
        Method::GET,
        &format!("/orders/{id}/credit-notes"),
        Some(&w.customer),
        None,
    )
    .await;
    let notes: CreditNoteList =
        serde_json::from_value(json_of(notes, StatusCode::OK).await).unwrap();
    assert_eq!(notes.items.len(), 2);
    let credited: i64 = notes.items.iter().map(|note| note.totals.total.0).sum();
    assert_eq!(credited, order.totals.total.0);
    assert_eq!(
        count(&w.app, "audit_log", "action = 'orders:cancel'").await,
        1
    );

    // The same key and reason: the same answer, nothing more.
    let before = footprint(&w.app).await;
    let again = cancel(&w, &id, Some("c1"), "ordered twice").await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(order_of(again, StatusCode::OK).await.refunds.len(), 1);
    // The same key with another reason; another key; a step of the cancelled order.
    let response = cancel(&w, &id, Some("c1"), "another").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(response).await.code, "idempotency_key_reused");
    let response = cancel(&w, &id, Some("c2"), "ordered twice").await;
    assert_refused(
        response,
        StatusCode::CONFLICT,
        "illegal_transition",
        "status",
        "cancelled",
    )
    .await;
    let response = step(&w, &w.ravi, &id, "pack", None).await;
    assert_refused(
        response,
        StatusCode::CONFLICT,
        "illegal_transition",
        "status",
        "cancelled",
    )
    .await;
    assert_eq!(footprint(&w.app).await, before);
    assert_eq!(stock(&w.app, &w.shirt).await, shirts + 1);
    // The seller sees the cancellation and its reason.
    let asha = read(&w, &w.asha, &id).await;
    assert_eq!(asha.status, OrderStatus::Cancelled);
    assert_eq!(asha.cancellation.unwrap().reason, "ordered twice");
}

#[tokio::test]
async fn a_cancellation_after_a_part_shipped_or_without_reason_or_key_changes_nothing() {
    let w = world().await;
    let id = w.order.id.clone();
    let (other, _) = customer(&w.app, "other@example.com").await;
    let before = footprint(&w.app).await;
    let response = cancel(&w, &id, None, "ordered twice").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(response).await.code, "idempotency_key_required");
    let response = cancel(&w, &id, Some("c1"), "  ").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(response).await.errors[0].field, "reason");
    // Another customer's order is not found.
    let response = w
        .app
        .client
        .post(w.app.url(&format!("/api/v1/orders/{id}/cancel")))
        .bearer_auth(&other)
        .header("Idempotency-Key", "c1")
        .json(&json!({"reason": "mine now"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(footprint(&w.app).await, before);

    order_of(step(&w, &w.asha, &id, "pack", None).await, StatusCode::OK).await;
    order_of(
        step(&w, &w.asha, &id, "ship", shipment("AWB-9")).await,
        StatusCode::OK,
    )
    .await;
    let shirts = stock(&w.app, &w.shirt).await;
    let before = footprint(&w.app).await;
    let response = cancel(&w, &id, Some("c1"), "too slow").await;
    assert_refused(
        response,
        StatusCode::CONFLICT,
        "illegal_transition",
        "status",
        "shipped",
    )
    .await;
    assert_eq!(footprint(&w.app).await, before);
    assert_eq!(stock(&w.app, &w.shirt).await, shirts);
    assert_eq!(read(&w, &w.customer, &id).await.refunded.0, 0);
}
