//! The catalog: sellers manage only their own products; shoppers see active products of
//! approved shops, searched by words, filtered, sorted and paged by key.

use crate::fixtures::{
    GSTIN_KA, GSTIN_MH, add_product, customer, json_of, product_body, seller, send, set_role, staff,
};
use crate::helpers::{TestApp, problem, spawn_app};
use contracts::catalog::{Product, ProductPage};
use contracts::props::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn page(app: &TestApp, query: &str) -> ProductPage {
    let response = send(app, Method::GET, &format!("/products{query}"), None, None).await;
    serde_json::from_value(json_of(response, StatusCode::OK).await).unwrap()
}

fn names(page: &ProductPage) -> Vec<&str> {
    page.items.iter().map(|p| p.name.as_str()).collect()
}

#[tokio::test]
async fn a_seller_lists_a_product_and_shoppers_find_it_by_words() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, shop) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;

    let product = add_product(
        &app,
        &seller,
        product_body("Blue cotton shirt", "SH-1", 99_900),
    )
    .await;
    assert_eq!(product.shop_id, shop.id);
    assert_eq!(product.shop_name, shop.display_name);
    assert_eq!(product.price.0, 99_900);
    assert!(product.active);

    let one = send(
        &app,
        Method::GET,
        &format!("/products/{}", product.id),
        None,
        None,
    )
    .await;
    let one: Product = serde_json::from_value(json_of(one, StatusCode::OK).await).unwrap();
    assert_eq!(one, product);

    assert_eq!(names(&page(&app, "?q=cott").await), ["Blue cotton shirt"]);
    assert_eq!(
        names(&page(&app, "?q=BLUE%20shirt").await),
        ["Blue cotton shirt"]
    );
    assert_eq!(
        names(&page(&app, "?q=made%20last").await),
        ["Blue cotton shirt"]
    );
    assert!(page(&app, "?q=silk").await.items.is_empty());
    assert!(
        page(&app, "?q=blue%20silk").await.items.is_empty(),
        "every word must match"
    );

    // Indian scripts: vowel signs and viramas are part of words on both backends.
    add_product(&app, &seller, product_body("सूती कुर्ता", "KU-1", 49_900)).await;
    assert_eq!(names(&page(&app, "?q=कुर्").await), ["सूती कुर्ता"]);
}

#[tokio::test]
async fn search_text_cannot_inject_search_syntax() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    add_product(&app, &seller, product_body("Shirt", "SH-1", 100)).await;

    for q in [
        "%22",
        "shirt%22%20OR%20%22x",
        "NEAR(shirt)",
        "*",
        "shirt%20-x",
        "name:shirt",
        "%27);DROP%20TABLE%20products;--",
        "!!!",
        "%E0%A4%95",
    ] {
        let response = send(&app, Method::GET, &format!("/products?q={q}"), None, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{q}");
    }
    // Syntax characters are dropped, the words still count.
    assert_eq!(names(&page(&app, "?q=%22shirt%22*").await), ["Shirt"]);
    assert_eq!(app.count("SELECT count(*) FROM products").await, 1);
}

#[tokio::test]
async fn sellers_without_an_approved_shop_cannot_list_and_customers_are_refused() {
    let app = spawn_app().await;
    let (customer, id) = customer(&app, "asha@example.com").await;
    let refused = send(
        &app,
        Method::POST,
        "/seller/products",
        Some(&customer),
        Some(product_body("Shirt", "SH-1", 100)),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // A seller role without a shop (made by hand): no shop to list in.
    set_role(&app, &id, Role::Seller).await;
    let token = staff_token_for(&app, "asha@example.com").await;
    let response = send(
        &app,
        Method::POST,
        "/seller/products",
        Some(&token),
        Some(product_body("Shirt", "SH-1", 100)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(problem(response).await.code, "shop_not_approved");
    assert_eq!(app.count("SELECT count(*) FROM products").await, 0);
}

/// A fresh token for `email`, whose role was changed in the database.
async fn staff_token_for(app: &TestApp, email: &str) -> String {
    let outcome: contracts::auth::LoginOutcome = app
        .login(email, crate::fixtures::PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    match outcome {
        contracts::auth::LoginOutcome::Session(grant) => grant.access_token,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_sku_is_unique_within_a_shop_only() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (asha, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let (ravi, _) = seller(&app, &admin, "ravi@example.com", GSTIN_KA).await;
    add_product(&app, &asha, product_body("Shirt", "SH-1", 100)).await;

    let clash = send(
        &app,
        Method::POST,
        "/seller/products",
        Some(&asha),
        Some(product_body("Other shirt", "SH-1", 100)),
    )
    .await;
    assert_eq!(clash.status(), StatusCode::CONFLICT);
    assert_eq!(problem(clash).await.code, "sku_taken");

    add_product(&app, &ravi, product_body("Ravi's shirt", "SH-1", 100)).await;
    assert_eq!(app.count("SELECT count(*) FROM products").await, 2);
}

#[tokio::test]
async fn a_bad_product_names_every_field_and_a_retired_gst_rate_is_refused() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;

    let response = send(
        &app,
        Method::POST,
        "/seller/products",
        Some(&seller),
        Some(json!({
            "name": "", "sku": "has space", "hsn": "12", "price": -5, "gstRate": 1200,
            "stock": -1, "category": "Shirts"
        })),
    )
    .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = problem(response).await;
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "name", "sku", "hsn", "category", "price", "stock", "gstRate"
        ]
    );
    let rate = problem
        .errors
        .iter()
        .find(|e| e.field == "gstRate")
        .unwrap();
    assert_eq!(rate.code, "not_in_force");
    assert!(rate.message.contains("40%"), "{}", rate.message);
    assert_eq!(app.count("SELECT count(*) FROM products").await, 0);
}

#[tokio::test]
async fn an_inactive_product_is_hidden_from_shoppers_but_not_from_its_seller() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let product = add_product(&app, &seller, product_body("Shirt", "SH-1", 100)).await;

    let changed = send(
        &app,
        Method::PATCH,
        &format!("/seller/products/{}", product.id),
        Some(&seller),
        Some(json!({ "active": false, "price": 150 })),
    )
    .await;
    let changed: Product = serde_json::from_value(json_of(changed, StatusCode::OK).await).unwrap();
    assert!(!changed.active);
    assert_eq!((changed.price.0, changed.name.as_str()), (150, "Shirt"));

    let hidden = send(
        &app,
        Method::GET,
        &format!("/products/{}", product.id),
        None,
        None,
    )
    .await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    assert!(page(&app, "").await.items.is_empty());
    assert!(page(&app, "?q=shirt").await.items.is_empty());
    let own = send(&app, Method::GET, "/seller/products", Some(&seller), None).await;
    let own: ProductPage = serde_json::from_value(json_of(own, StatusCode::OK).await).unwrap();
    assert_eq!(names(&own), ["Shirt"]);
}

#[tokio::test]
async fn a_seller_cannot_see_or_change_another_sellers_product() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (asha, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let (ravi, _) = seller(&app, &admin, "ravi@example.com", GSTIN_KA).await;
    let product = add_product(&app, &asha, product_body("Shirt", "SH-1", 100)).await;

    let response = send(
        &app,
        Method::PATCH,
        &format!("/seller/products/{}", product.id),
        Some(&ravi),
        Some(json!({ "price": 1 })),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let own = send(&app, Method::GET, "/seller/products", Some(&ravi), None).await;
    let own: ProductPage = serde_json::from_value(json_of(own, StatusCode::OK).await).unwrap();
    assert!(own.items.is_empty());
    let unchanged = page(&app, "").await;
    assert_eq!(unchanged.items[0].price.0, 100);
}

#[tokio::test]
async fn filters_sorts_and_keyset_pages_agree() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (asha, asha_shop) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let (ravi, _) = seller(&app, &admin, "ravi@example.com", GSTIN_KA).await;
    for (seller, name, price, category, stock) in [
        (&asha, "Linen shirt", 1_500, "apparel", 3),
        (&asha, "Cotton shirt", 500, "apparel", 0),
        (&asha, "Steel bottle", 900, "kitchen", 5),
        (&ravi, "Silk shirt", 3_000, "apparel", 1),
        (&ravi, "Clay pot", 700, "kitchen", 2),
    ] {
        let mut body = product_body(name, &name.replace(' ', "-"), price);
        body["category"] = json!(category);
        body["stock"] = json!(stock);
        add_product(&app, seller, body).await;
    }

    let by_price = collect_pages(&app, "?sort=price_asc&limit=2").await;
    assert_eq!(
        by_price,
        [
            "Cotton shirt",
            "Clay pot",
            "Steel bottle",
            "Linen shirt",
            "Silk shirt"
        ]
    );
    let by_price_desc = collect_pages(&app, "?sort=price_desc&limit=3").await;
    assert_eq!(
        by_price_desc,
        [
            "Silk shirt",
            "Linen shirt",
            "Steel bottle",
            "Clay pot",
            "Cotton shirt"
        ]
    );
    assert_eq!(
        collect_pages(&app, "?limit=1").await.len(),
        5,
        "newest, one at a time"
    );

    assert_eq!(
        names(&page(&app, "?category=kitchen&sort=price_asc").await),
        ["Clay pot", "Steel bottle"]
    );
    assert_eq!(
        names(&page(&app, "?minPrice=700&maxPrice=1500&sort=price_asc").await),
        ["Clay pot", "Steel bottle", "Linen shirt"]
    );
    assert_eq!(
        names(&page(&app, "?q=shirt&inStock=true&sort=price_asc").await),
        ["Linen shirt", "Silk shirt"]
    );
    assert_eq!(
        names(&page(&app, &format!("?shop={}&sort=price_asc", asha_shop.id)).await),
        ["Cotton shirt", "Steel bottle", "Linen shirt"]
    );
    let relevant = collect_pages(&app, "?q=shirt&sort=relevance&limit=1").await;
    let mut relevant_sorted = relevant.clone();
    relevant_sorted.sort();
    assert_eq!(
        relevant_sorted,
        ["Cotton shirt", "Linen shirt", "Silk shirt"],
        "relevance pages cover every match once"
    );
}

/// Follows `nextCursor` from `query` to the end; the names in order.
async fn collect_pages(app: &TestApp, query: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut next = query.to_owned();
    for _ in 0..20 {
        let page = page(app, &next).await;
        names.extend(page.items.iter().map(|p| p.name.clone()));
        match page.next_cursor {
            Some(cursor) => next = format!("{query}&after={cursor}"),
            None => return names,
        }
    }
    panic!("more than 20 pages: the cursor does not advance");
}

#[tokio::test]
async fn bad_listing_parameters_are_named_never_a_500() {
    let app = spawn_app().await;
    let (customer_token, _) = customer(&app, "c@example.com").await;
    for (query, status) in [
        ("?limit=0", StatusCode::UNPROCESSABLE_ENTITY),
        ("?limit=101", StatusCode::UNPROCESSABLE_ENTITY),
        ("?minPrice=-1", StatusCode::UNPROCESSABLE_ENTITY),
        ("?minPrice=10&maxPrice=5", StatusCode::UNPROCESSABLE_ENTITY),
        ("?after=garbage", StatusCode::UNPROCESSABLE_ENTITY),
        ("?sort=cheapest", StatusCode::BAD_REQUEST),
        ("?limit=many", StatusCode::BAD_REQUEST),
        ("?inStock=maybe", StatusCode::BAD_REQUEST),
        ("?shop=not-a-uuid", StatusCode::OK),
    ] {
        let response = send(&app, Method::GET, &format!("/products{query}"), None, None).await;
        assert_eq!(response.status(), status, "{query}");
    }
    // An id that names no product is a 404, on both backends (not a UUID on PostgreSQL).
    let response = send(
        &app,
        Method::GET,
        "/products/not-a-uuid",
        Some(&customer_token),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// A real 1×1 PNG: an upload must decode as the type it claims.
const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x04\x00\x00\x00\xb5\x1c\x0c\x02\x00\x00\x00\x0b\x49\x44\x41\x54\x78\xda\x63\x64\x60\x00\x00\x00\x06\x00\x02\x30\x81\xd0\x2f\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

#[tokio::test]
async fn a_seller_adds_images_that_shoppers_load_and_junk_is_refused() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (other, _) = seller(&app, &admin, "ravi@example.com", GSTIN_KA).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let product = add_product(&app, &seller, product_body("Shirt", "SH-1", 100)).await;
    let upload = |token: &str, content_type: &str, body: Vec<u8>| {
        app.client
            .post(app.url(&format!("/api/v1/seller/products/{}/images", product.id)))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    let added = upload(&seller, "image/png", PNG.to_vec()).await.unwrap();
    let added: Product = serde_json::from_value(json_of(added, StatusCode::CREATED).await).unwrap();
    assert_eq!(added.images.len(), 1);
    let image = app
        .client
        .get(app.url(&added.images[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert!(
        image.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(image.bytes().await.unwrap().as_ref(), PNG);
    let shown = page(&app, "").await;
    assert_eq!(
        shown.items[0].images, added.images,
        "listings carry the image URLs"
    );

    for (content_type, body, status) in [
        (
            "image/png",
            b"GIF89a not a png".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "image/gif",
            b"GIF89a".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "image/png",
            [PNG, &vec![0; 2 * 1024 * 1024][..]].concat(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let response = upload(&seller, content_type, body).await.unwrap();
        assert_eq!(response.status(), status, "{content_type}");
    }
    let not_theirs = upload(&other, "image/png", PNG.to_vec()).await.unwrap();
    assert_eq!(not_theirs.status(), StatusCode::NOT_FOUND);
    for key in ["../../etc/passwd", "nope.png"] {
        let response = app
            .client
            .get(app.url(&format!("/api/v1/images/{key}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{key}");
    }
    for _ in 1..8 {
        assert_eq!(
            upload(&seller, "image/png", PNG.to_vec())
                .await
                .unwrap()
                .status(),
            StatusCode::CREATED
        );
    }
    let ninth = upload(&seller, "image/png", PNG.to_vec()).await.unwrap();
    assert_eq!(problem(ninth).await.errors[0].code, "too_many_images");
}

/// A `width` × `height` PNG of noise (so its copies are lighter than it).
fn noisy_png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        let n = x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663);
        image::Rgb([(n % 251) as u8, (x % 256) as u8, (y % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn an_image_is_served_at_each_storefront_width_and_pixel_bombs_are_refused() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    let product = add_product(&app, &seller, product_body("Shirt", "SH-1", 100)).await;
    let upload = |body: Vec<u8>| {
        app.client
            .post(app.url(&format!("/api/v1/seller/products/{}/images", product.id)))
            .bearer_auth(&seller)
            .header("content-type", "image/png")
            .body(body)
            .send()
    };
    let app = &app;
    let width_of = |url: String| async move {
        let response = app.client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        assert_eq!(response.headers()["content-type"], "image/png");
        let bytes = response.bytes().await.unwrap();
        image::load_from_memory(&bytes).unwrap().width()
    };

    let wide = noisy_png(1200, 800);
    let added: Product =
        serde_json::from_value(json_of(upload(wide).await.unwrap(), StatusCode::CREATED).await)
            .unwrap();
    let url = added.images[0].clone();
    assert_eq!(width_of(url.clone()).await, 1200, "the original");
    for width in contracts::images::IMAGE_WIDTHS {
        assert_eq!(
            width_of(contracts::images::at_width(&url, width)).await,
            width
        );
    }
    // A one-pixel image has no copies: every width serves the original.
    let small: Product = serde_json::from_value(
        json_of(upload(PNG.to_vec()).await.unwrap(), StatusCode::CREATED).await,
    )
    .unwrap();
    assert_eq!(
        width_of(contracts::images::at_width(&small.images[1], 640)).await,
        1
    );

    let unknown = app.get(&format!("{url}?w=500")).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = problem(unknown).await;
    assert_eq!(
        (
            unknown.errors[0].field.as_str(),
            unknown.errors[0].code.as_str()
        ),
        ("w", "unknown_width")
    );
    let garbled = app.get(&format!("{url}?w=wide")).await;
    assert_eq!(problem(garbled).await.code, "invalid_query");

    // Small on the wire, huge once decoded; and bytes that only start like a PNG.
    let bomb = upload(noisy_png(5000, 1)).await.unwrap();
    assert_eq!(bomb.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem(bomb).await.errors[0].code, "too_many_pixels");
    let truncated = upload(noisy_png(400, 300)[..100].to_vec()).await.unwrap();
    assert_eq!(problem(truncated).await.errors[0].code, "not_an_image");
    assert_eq!(
        app.count("SELECT count(*) FROM product_images").await,
        2,
        "refused uploads attach nothing"
    );
}

#[tokio::test]
async fn bad_search_input_is_answered_at_once_with_a_named_error_or_nothing() {
    let app = spawn_app().await;
    let admin = staff(&app, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&app, &admin, "asha@example.com", GSTIN_MH).await;
    for (name, price) in [("Linen shirt", 1_500), ("Silk shirt", 3_000)] {
        add_product(
            &app,
            &seller,
            product_body(name, &name.replace(' ', "-"), price),
        )
        .await;
    }

    // A thousand words: refused before any query, naming `q`.
    let thousand = vec!["shirt"; 1_000].join("%20");
    let response = send(
        &app,
        Method::GET,
        &format!("/products?q={thousand}"),
        None,
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = problem(response).await;
    assert_eq!(refused.code, "validation_failed");
    assert_eq!(
        (
            refused.errors[0].field.as_str(),
            refused.errors[0].code.as_str()
        ),
        ("q", "too_long")
    );
    // The seller's own list reads the same text the same way.
    let response = send(
        &app,
        Method::GET,
        &format!("/seller/products?q={thousand}"),
        Some(&seller),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // At the limit it is still a search: only its first words count.
    let long = vec!["shirt"; 33].join("%20");
    assert_eq!(page(&app, &format!("?q={long}")).await.items.len(), 2);

    // Only punctuation: nothing to search for, so nothing found (not the whole catalog).
    for q in ["!!!", "%2E%2C%3B%3A%20-%20%3F", "%E2%80%94%E2%80%A6"] {
        let found = page(&app, &format!("?q={q}")).await;
        assert!(found.items.is_empty() && found.next_cursor.is_none(), "{q}");
    }

    // A cursor made by another sort: refused, naming `after`, on every other sort.
    let first = page(&app, "?sort=price_asc&limit=1").await;
    let cursor = first.next_cursor.expect("a second page");
    for sort in ["newest", "price_desc"] {
        let query = format!("/products?sort={sort}&limit=1&after={cursor}");
        let response = send(&app, Method::GET, &query, None, None).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{sort}"
        );
        let refused = problem(response).await;
        assert_eq!(
            (
                refused.errors[0].field.as_str(),
                refused.errors[0].code.as_str()
            ),
            ("after", "unknown_cursor"),
            "{sort}"
        );
    }
    let query = format!("/products?q=shirt&sort=relevance&after={cursor}");
    let response = send(&app, Method::GET, &query, None, None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
