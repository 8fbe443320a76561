//! The seller's product manager: the list's filters and keyset pages, one product within the
//! seller's own shop only, images reordered and removed, the GST slabs in force, and every
//! bad input of the product form refused with the field named and nothing written.

use crate::fixtures::{
    GSTIN_KA, GSTIN_MH, add_product, json_of, product_body, seller, send, staff,
};
use crate::helpers::{TestApp, problem, spawn_app};
use contracts::catalog::{Product, ProductPage};
use contracts::product_manager::{GstRates, LOW_STOCK_UNITS, image_key};
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A real 1×1 PNG: an upload must decode as the type it claims.
const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x04\x00\x00\x00\xb5\x1c\x0c\x02\x00\x00\x00\x0b\x49\x44\x41\x54\x78\xda\x63\x64\x60\x00\x00\x00\x06\x00\x02\x30\x81\xd0\x2f\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

async fn own_page(app: &TestApp, token: &str, query: &str) -> ProductPage {
    let response = send(
        app,
        Method::GET,
        &format!("/seller/products{query}"),
        Some(token),
        None,
    )
    .await;
    serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap()
}

fn names(page: &ProductPage) -> Vec<&str> {
    page.items.iter().map(|p| p.name.as_str()).collect()
}

/// A seller with an approved shop and another seller's token.
async fn two_sellers(app: &TestApp) -> (String, String) {
    let admin = staff(app, "admin@example.com", Role::Admin).await;
    let (other, _) = seller(app, &admin, "ravi@example.com", GSTIN_KA).await;
    let (mine, _) = seller(app, &admin, "asha@example.com", GSTIN_MH).await;
    (mine, other)
}

fn with(mut body: Value, member: &str, value: Value) -> Value {
    body[member] = value;
    body
}

async fn upload(
    app: &TestApp,
    token: &str,
    id: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/seller/products/{id}/images")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_list_filters_by_words_category_status_and_stock() {
    let app = spawn_app().await;
    let (mine, other) = two_sellers(&app).await;
    add_product(
        &app,
        &mine,
        product_body("Blue cotton shirt", "SH-1", 99_900),
    )
    .await;
    app.clock.advance(1);
    add_product(
        &app,
        &mine,
        with(
            product_body("Red silk scarf", "SC-1", 49_900),
            "stock",
            json!(LOW_STOCK_UNITS),
        ),
    )
    .await;
    app.clock.advance(1);
    add_product(
        &app,
        &mine,
        with(
            with(
                product_body("Brass lamp", "LA-1", 150_000),
                "category",
                json!("home"),
            ),
            "stock",
            json!(0),
        ),
    )
    .await;
    app.clock.advance(1);
    add_product(
        &app,
        &mine,
        with(
            product_body("Old kurta", "KU-1", 20_000),
            "active",
            json!(false),
        ),
    )
    .await;
    app.clock.advance(1);
    add_product(
        &app,
        &other,
        product_body("Blue denim shirt", "SH-1", 89_900),
    )
    .await;

    assert_eq!(
        names(&own_page(&app, &mine, "").await),
        [
            "Old kurta",
            "Brass lamp",
            "Red silk scarf",
            "Blue cotton shirt"
        ],
        "newest first, active or not, only the seller's own"
    );
    assert_eq!(
        names(&own_page(&app, &mine, "?q=shirt").await),
        ["Blue cotton shirt"]
    );
    assert_eq!(
        names(&own_page(&app, &mine, "?category=home").await),
        ["Brass lamp"]
    );
    assert_eq!(
        names(&own_page(&app, &mine, "?status=inactive").await),
        ["Old kurta"]
    );
    assert_eq!(
        names(&own_page(&app, &mine, "?status=active&stock=low").await),
        ["Brass lamp", "Red silk scarf"],
        "low is at most LOW_STOCK_UNITS, none included"
    );
    assert_eq!(
        names(&own_page(&app, &mine, "?stock=out").await),
        ["Brass lamp"]
    );
    assert!(
        own_page(&app, &mine, "?q=denim").await.items.is_empty(),
        "never another shop's"
    );
}

#[tokio::test]
async fn the_list_pages_by_key_and_refuses_unknown_or_bad_parameters_naming_them() {
    let app = spawn_app().await;
    let (mine, _) = two_sellers(&app).await;
    for n in 0..5 {
        add_product(
            &app,
            &mine,
            product_body(&format!("Shirt {n}"), &format!("SH-{n}"), 100),
        )
        .await;
        app.clock.advance(1);
    }
    let first = own_page(&app, &mine, "?limit=2").await;
    assert_eq!(names(&first), ["Shirt 4", "Shirt 3"]);
    let cursor = first.next_cursor.expect("more follow");
    let second = own_page(&app, &mine, &format!("?limit=2&after={cursor}")).await;
    assert_eq!(names(&second), ["Shirt 2", "Shirt 1"]);
    let third = own_page(
        &app,
        &mine,
        &format!("?limit=2&after={}", second.next_cursor.unwrap()),
    )
    .await;
    assert_eq!(names(&third), ["Shirt 0"]);
    assert!(third.next_cursor.is_none());

    for (query, parameter) in [
        ("?sort=price_asc", "sort"),
        ("?status=hidden", "status"),
        ("?stock=some", "stock"),
        ("?limit=many", "limit"),
    ] {
        let response = send(
            &app,
            Method::GET,
            &format!("/seller/products{query}"),
            Some(&mine),
            None,
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let problem = problem(response).await;
        assert_eq!(problem.code, "invalid_query");
        assert!(
            problem
                .detail
                .as_deref()
                .unwrap_or_default()
                .contains(parameter),
            "{query}: {:?}",
            problem.detail
        );
    }
    let response = send(
        &app,
        Method::GET,
        "/seller/products?after=nonsense",
        Some(&mine),
        None,
    )
    .await;
    assert_eq!(problem(response).await.errors[0].field, "after");
}

#[tokio::test]
async fn a_seller_reads_its_own_product_and_never_another_shops() {
    let app = spawn_app().await;
    let (mine, other) = two_sellers(&app).await;
    let product = add_product(
        &app,
        &mine,
        with(product_body("Shirt", "SH-1", 100), "active", json!(false)),
    )
    .await;
    let response = send(
        &app,
        Method::GET,
        &format!("/seller/products/{}", product.id),
        Some(&mine),
        None,
    )
    .await;
    let read: Product = serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    assert_eq!(read, product, "inactive products too");

    let path = format!("/seller/products/{}", product.id);
    for (method, path, body) in [
        (Method::GET, path.clone(), None),
        (Method::PATCH, path.clone(), Some(json!({"price": 1}))),
        (
            Method::PUT,
            format!("{path}/images"),
            Some(json!({"keys": []})),
        ),
        (Method::DELETE, format!("{path}/images/x.png"), None),
        (Method::GET, "/seller/products/not-an-id".into(), None),
    ] {
        let response = send(&app, method.clone(), &path, Some(&other), body).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
    assert!(own_page(&app, &other, "").await.items.is_empty());
}

#[tokio::test]
async fn images_are_reordered_and_removed_with_an_audit_row_each() {
    let app = spawn_app().await;
    let (mine, _) = two_sellers(&app).await;
    let product = add_product(&app, &mine, product_body("Shirt", "SH-1", 100)).await;
    let mut urls = Vec::new();
    for _ in 0..3 {
        let added = upload(&app, &mine, &product.id, "image/png", PNG.to_vec()).await;
        let added: Product =
            serde_json::from_value(json_of(added, StatusCode::CREATED).await).unwrap();
        urls = added.images;
    }
    let keys: Vec<&str> = urls.iter().map(|url| image_key(url)).collect();
    let path = format!("/seller/products/{}/images", product.id);

    let mark = app.audit_mark().await;
    let reversed: Vec<&str> = keys.iter().rev().copied().collect();
    let response = send(
        &app,
        Method::PUT,
        &path,
        Some(&mine),
        Some(json!({"keys": reversed})),
    )
    .await;
    let reordered: Product =
        serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    let now: Vec<&str> = reordered.images.iter().map(|url| image_key(url)).collect();
    assert_eq!(now, reversed);
    assert_eq!(app.audited(mark, "products:reorder_images").await.len(), 1);

    // Not exactly the product's keys: refused, naming `keys`, nothing changed.
    let mark = app.audit_mark().await;
    for keys in [
        json!([keys[0], keys[1]]),
        json!([keys[0], keys[0], keys[1]]),
        json!([keys[0], keys[1], "other.png"]),
    ] {
        let response = send(
            &app,
            Method::PUT,
            &path,
            Some(&mine),
            Some(json!({"keys": keys})),
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem(response).await.errors[0].field, "keys");
    }
    assert!(app.audit_after(mark).await.is_empty());

    let response = send(
        &app,
        Method::DELETE,
        &format!("{path}/{}", keys[1]),
        Some(&mine),
        None,
    )
    .await;
    let removed: Product = serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    let left: Vec<&str> = removed.images.iter().map(|url| image_key(url)).collect();
    assert_eq!(left, [keys[2], keys[0]]);
    assert_eq!(app.audited(mark, "products:remove_image").await.len(), 1);
    let gone = app.get(&format!("/api/v1/images/{}", keys[1])).await;
    assert_eq!(
        gone.status(),
        StatusCode::NOT_FOUND,
        "a removed image is not served"
    );
    let again = send(
        &app,
        Method::DELETE,
        &format!("{path}/{}", keys[1]),
        Some(&mine),
        None,
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_gst_rates_are_the_slabs_in_force_today() {
    let app = spawn_app().await;
    let response = send(&app, Method::GET, "/gst/rates", None, None).await;
    let rates: GstRates = serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap();
    let today = api::clock::india_date(app.clock.now());
    let expected = contracts::gst::rates_in_force(today);
    assert_eq!(rates.on, today.to_string());
    assert_eq!(
        rates.slabs.iter().map(|slab| slab.rate).collect::<Vec<_>>(),
        expected
    );
    assert!(!expected.is_empty());
}

#[tokio::test]
async fn each_bad_input_names_its_field_and_writes_nothing() {
    let app = spawn_app().await;
    let (mine, _) = two_sellers(&app).await;
    let product = add_product(&app, &mine, product_body("Shirt", "SH-1", 100)).await;
    let good = product_body("Scarf", "SC-1", 100);
    let path = format!("/seller/products/{}", product.id);
    let mark = app.audit_mark().await;

    let cases: Vec<(Method, String, Value, StatusCode, &str)> = vec![
        (
            Method::POST,
            "/seller/products".into(),
            with(good.clone(), "price", json!(-100)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "price",
        ),
        (
            Method::POST,
            "/seller/products".into(),
            with(good.clone(), "price", json!(12.5)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "price",
        ),
        (
            Method::POST,
            "/seller/products".into(),
            with(good.clone(), "price", json!("100")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "price",
        ),
        (
            Method::POST,
            "/seller/products".into(),
            with(good.clone(), "stock", json!("ten")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "stock",
        ),
        (
            Method::POST,
            "/seller/products".into(),
            with(good.clone(), "hsn", json!("62")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "hsn",
        ),
        (
            Method::POST,
            "/seller/products".into(),
            with(good.clone(), "hsn", json!("620512345")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "hsn",
        ),
        (
            Method::POST,
            "/seller/products".into(),
            with(good.clone(), "gstRate", json!(1200)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "gstRate",
        ),
        (
            Method::POST,
            "/seller/products".into(),
            with(good.clone(), "gstRate", json!(-5)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "gstRate",
        ),
        (
            Method::PATCH,
            path.clone(),
            json!({"price": 99.99}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "price",
        ),
        (
            Method::PATCH,
            path.clone(),
            json!({"price": -1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "price",
        ),
        (
            Method::PATCH,
            path.clone(),
            json!({"gstRate": 2800}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "gstRate",
        ),
        (
            Method::PATCH,
            path.clone(),
            json!({"hsn": "12345"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "hsn",
        ),
        (
            Method::PATCH,
            path.clone(),
            json!({"active": "yes"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "active",
        ),
        (
            Method::POST,
            format!("{path}/stock"),
            json!({"delta": -11, "reason": "damaged"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "delta",
        ),
        (
            Method::POST,
            format!("{path}/stock"),
            json!({"delta": 1.5, "reason": "restock"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "delta",
        ),
    ];
    for (method, path, body, status, field) in cases {
        let response = send(&app, method.clone(), &path, Some(&mine), Some(body.clone())).await;
        assert_eq!(response.status(), status, "{method} {path} {body}");
        let problem = problem(response).await;
        assert!(
            problem.errors.iter().any(|error| error.field == field),
            "{method} {path} {body}: {:?}",
            problem.errors
        );
        assert!(
            !problem
                .errors
                .iter()
                .any(|e| e.message.contains("12.5") || e.message.contains("ten")),
            "field messages never echo the value sent"
        );
    }
    // Images of the wrong type or over 2 MiB name the field `image`.
    for (content_type, body, status) in [
        (
            "image/gif",
            b"GIF89a".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "image/png",
            b"GIF89a not a png".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "image/png",
            [PNG, &vec![0; 2 * 1024 * 1024][..]].concat(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let response = upload(&app, &mine, &product.id, content_type, body).await;
        assert_eq!(response.status(), status, "{content_type}");
        assert_eq!(
            problem(response).await.errors[0].field,
            "image",
            "{content_type}"
        );
    }

    assert!(app.audit_after(mark).await.is_empty(), "nothing audited");
    let page = own_page(&app, &mine, "").await;
    assert_eq!(page.items, [product], "nothing written");
}
