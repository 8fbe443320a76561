//! Issue 15, point 5: no lost stock updates. Sellers adjust stock by a delta (concurrent
//! adjustments all apply, never below zero) or set it absolutely with the version they read (a
//! stale one is refused); every change, an order's reservation and release included, is in
//! the product's inventory history with who, why, the delta and the level it left.

use crate::fixtures::{json_of, send, staff};
use crate::helpers::{TestApp, problem};
use crate::orders::{World, fill_cart, order_body, order_of, place, sign_in_again, stock, world};
use api::app::{Actor, Task};
use contracts::catalog::Product;
use contracts::inventory::{InventoryPage, InventoryReason};
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The seller's adjustment of `product` by `delta`.
async fn adjust(app: &TestApp, seller: &str, product: &str, delta: i64) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/seller/products/{product}/stock"),
        Some(seller),
        Some(json!({ "delta": delta, "reason": "restock" })),
    )
    .await
}

/// The seller's PATCH of `product` with `body`.
async fn patch(app: &TestApp, seller: &str, product: &str, body: Value) -> reqwest::Response {
    send(
        app,
        Method::PATCH,
        &format!("/seller/products/{product}"),
        Some(seller),
        Some(body),
    )
    .await
}

/// The seller's own view of `product` (its stock and version).
async fn own(app: &TestApp, seller: &str, product: &str) -> Product {
    let page = send(app, Method::GET, "/seller/products", Some(seller), None).await;
    let page: contracts::catalog::ProductPage =
        serde_json::from_value(json_of(page, StatusCode::OK).await).unwrap();
    page.items
        .into_iter()
        .find(|item| item.id == product)
        .expect("the seller's product")
}

/// One page of `path` (an inventory history) as `token` reads it.
async fn history(app: &TestApp, token: &str, path: &str) -> InventoryPage {
    let response = send(app, Method::GET, path, Some(token), None).await;
    serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap()
}

/// The customer orders `quantity` shirts (payment left pending); the order's id.
async fn pending_order(w: &World, quantity: u32) -> String {
    let cart = fill_cart(&w.app, &w.customer, &w.shirt.id, quantity).await;
    let body = order_body(&cart, "27");
    order_of(
        place(&w.app, &w.customer, Some("pending"), &body).await,
        StatusCode::CREATED,
    )
    .await
    .id
}

/// Half an hour passes and the sweeper times the unpaid orders out; the seller's fresh token.
async fn time_out(w: &World) -> String {
    w.app.clock.advance(30 * 60);
    let actor = Actor::system(Task::Sweeper);
    let expired = api::app::payments::sweep(&actor, &w.app.db, &w.app.clock)
        .await
        .unwrap();
    assert_eq!(expired, 1);
    sign_in_again(&w.app, "asha@example.com").await
}

#[tokio::test]
async fn units_received_while_an_order_is_pending_survive_its_timeout() {
    let w = world().await;
    pending_order(&w, 2).await;
    assert_eq!(stock(&w.app, &w.shirt).await, 3);

    // Three units arrive: added to whatever is there, the 2 reserved units untouched.
    let adjusted = adjust(&w.app, &w.seller, &w.shirt.id, 3).await;
    let adjusted: Product =
        serde_json::from_value(json_of(adjusted, StatusCode::OK).await).unwrap();
    assert_eq!(adjusted.stock, 6);

    time_out(&w).await;
    assert_eq!(stock(&w.app, &w.shirt).await, 8, "5 + 3: nothing extra");
}

#[tokio::test]
async fn a_recount_with_a_version_read_before_a_reservation_is_refused() {
    let w = world().await;
    let read = own(&w.app, &w.seller, &w.shirt.id).await;
    assert_eq!(read.stock, 5);
    pending_order(&w, 2).await;

    // The seller counts 5 on the shelf (2 of them reserved) and sets what they read over.
    let stale = patch(
        &w.app,
        &w.seller,
        &w.shirt.id,
        json!({ "stock": 5, "version": read.version }),
    )
    .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let stale = problem(stale).await;
    assert_eq!(stale.code, "stale_version");
    assert_eq!(stale.errors[0].field, "version");
    assert_eq!(stock(&w.app, &w.shirt).await, 3, "nothing changed");

    let seller = time_out(&w).await;
    assert_eq!(stock(&w.app, &w.shirt).await, 5, "not 7");

    // With the version as it is now, the recount goes through.
    let fresh = own(&w.app, &seller, &w.shirt.id).await;
    assert!(fresh.version > read.version);
    let set = patch(
        &w.app,
        &seller,
        &w.shirt.id,
        json!({ "stock": 4, "version": fresh.version }),
    )
    .await;
    let set: Product = serde_json::from_value(json_of(set, StatusCode::OK).await).unwrap();
    assert_eq!((set.stock, set.version), (4, fresh.version + 1));
}

#[tokio::test]
async fn bad_stock_writes_name_their_field_and_change_nothing() {
    let w = world().await;
    let before = own(&w.app, &w.seller, &w.shirt.id).await;
    let mark = w.app.audit_mark().await;
    let events = w.app.count("SELECT count(*) FROM inventory_events").await;

    for (response, status, field) in [
        // Below zero: 5 in stock.
        (
            adjust(&w.app, &w.seller, &w.shirt.id, -6).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "delta",
        ),
        (
            adjust(&w.app, &w.seller, &w.shirt.id, 0).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "delta",
        ),
        // A version from before: the product's is 0.
        (
            patch(
                &w.app,
                &w.seller,
                &w.shirt.id,
                json!({ "stock": 9, "version": before.version + 1 }),
            )
            .await,
            StatusCode::CONFLICT,
            "version",
        ),
        // An absolute stock without the version read.
        (
            patch(&w.app, &w.seller, &w.shirt.id, json!({ "stock": 9 })).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "version",
        ),
    ] {
        assert_eq!(response.status(), status);
        let problem = problem(response).await;
        assert_eq!(problem.errors[0].field, field, "{problem:?}");
    }
    let unknown_reason = send(
        &w.app,
        Method::POST,
        &format!("/seller/products/{}/stock", w.shirt.id),
        Some(&w.seller),
        Some(json!({ "delta": 1, "reason": "recount" })),
    )
    .await;
    assert_eq!(unknown_reason.status(), StatusCode::BAD_REQUEST);

    let after = own(&w.app, &w.seller, &w.shirt.id).await;
    assert_eq!((after.stock, after.version), (before.stock, before.version));
    assert!(w.app.audit_after(mark).await.is_empty());
    assert_eq!(
        w.app.count("SELECT count(*) FROM inventory_events").await,
        events
    );
    // A PATCH without stock needs no version.
    let renamed = patch(&w.app, &w.seller, &w.shirt.id, json!({ "name": "Tee" })).await;
    assert_eq!(renamed.status(), StatusCode::OK);
}

#[tokio::test]
async fn concurrent_adjustments_all_apply_and_never_go_below_zero() {
    let w = world().await;
    let adjust_all = |deltas: Vec<i64>| {
        let tasks: Vec<_> = deltas
            .into_iter()
            .map(|delta| {
                let request = w
                    .app
                    .client
                    .post(
                        w.app
                            .url(&format!("/api/v1/seller/products/{}/stock", w.shirt.id)),
                    )
                    .bearer_auth(&w.seller)
                    .json(&json!({ "delta": delta, "reason": "correction" }));
                tokio::spawn(async move { request.send().await.unwrap().status() })
            })
            .collect();
        async move {
            let mut statuses = Vec::new();
            for task in tasks {
                statuses.push(task.await.unwrap());
            }
            statuses
        }
    };

    let added = adjust_all(vec![1; 40]).await;
    assert!(added.iter().all(|s| *s == StatusCode::OK), "{added:?}");
    assert_eq!(stock(&w.app, &w.shirt).await, 45);

    let taken = adjust_all(vec![-1; 60]).await;
    let applied = taken.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(applied, 45, "{taken:?}");
    assert!(
        taken
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{taken:?}"
    );
    assert_eq!(stock(&w.app, &w.shirt).await, 0);
    let product = own(&w.app, &w.seller, &w.shirt.id).await;
    assert_eq!(product.version, 40 + 45, "one version per change");
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM inventory_events WHERE reason = 'correction'")
            .await,
        40 + 45
    );
}

#[tokio::test]
async fn the_history_records_each_change_with_who_why_and_the_level_it_left() {
    let w = world().await;
    let order = pending_order(&w, 2).await;
    let seller = time_out(&w).await;
    let adjusted = adjust(&w.app, &seller, &w.shirt.id, 3).await;
    assert_eq!(adjusted.status(), StatusCode::OK);
    let version = own(&w.app, &seller, &w.shirt.id).await.version;
    let recount = patch(
        &w.app,
        &seller,
        &w.shirt.id,
        json!({ "stock": 7, "version": version }),
    )
    .await;
    assert_eq!(recount.status(), StatusCode::OK);

    let path = format!("/seller/products/{}/inventory", w.shirt.id);
    let page = history(&w.app, &seller, &path).await;
    let rows: Vec<_> = page
        .items
        .iter()
        .map(|e| (e.reason, e.delta, e.level, e.order_id.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            (InventoryReason::Recount, -1, 7, None),
            (InventoryReason::Restock, 3, 8, None),
            (InventoryReason::OrderReleased, 2, 5, Some(order.as_str())),
            (InventoryReason::OrderReserved, -2, 3, Some(order.as_str())),
            (InventoryReason::Created, 5, 5, None),
        ]
    );
    let who: Vec<_> = page
        .items
        .iter()
        .map(|e| (e.actor_type.as_str(), e.actor_id.clone()))
        .collect();
    let seller_id = who[0].1.clone();
    assert_eq!(who[0].0, "USER");
    assert_eq!(
        who[2],
        ("SYSTEM", Some("sweeper".to_owned())),
        "the timeout"
    );
    assert_ne!(who[3].1, seller_id, "the customer reserved");
    assert!(page.next_cursor.is_none());

    // Pages of two, by key.
    let first = history(&w.app, &seller, &format!("{path}?limit=2")).await;
    assert_eq!(first.items, page.items[..2]);
    let cursor = first.next_cursor.expect("a next page");
    let second = history(&w.app, &seller, &format!("{path}?limit=2&after={cursor}")).await;
    assert_eq!(second.items, page.items[2..4]);

    // Administrators read any product's history; another seller finds none.
    let admin = staff(&w.app, "auditor@example.com", Role::Admin).await;
    let admin_path = format!("/admin/products/{}/inventory", w.shirt.id);
    assert_eq!(history(&w.app, &admin, &admin_path).await, page);
    let (other, _) = crate::fixtures::seller(
        &w.app,
        &admin,
        "ravi@example.com",
        crate::fixtures::GSTIN_KA,
    )
    .await;
    let refused = send(&w.app, Method::GET, &path, Some(&other), None).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let bad_cursor = send(
        &w.app,
        Method::GET,
        &format!("{path}?after=nope"),
        Some(&seller),
        None,
    )
    .await;
    assert_eq!(problem(bad_cursor).await.errors[0].field, "after");
}

#[tokio::test]
async fn a_stock_adjustment_is_audited_with_its_before_and_after() {
    let w = world().await;
    let mark = w.app.audit_mark().await;

    let adjusted = adjust(&w.app, &w.seller, &w.shirt.id, 2).await;
    assert_eq!(adjusted.status(), StatusCode::OK);

    let rows = w.app.audited(mark, "inventory:adjust").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].resource_id.as_deref(), Some(w.shirt.id.as_str()));
    let changes: Value = serde_json::from_str(&rows[0].changes).unwrap();
    assert_eq!(
        changes,
        json!({"stock": {"before": 5, "after": 7}, "reason": {"after": "restock"}})
    );
}
