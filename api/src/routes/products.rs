//! `/api/v1/products` (the public catalog: search, filters, sorting, pages, one product) and
//! `/api/v1/seller/products` (a seller's own products: list, add, change).

use crate::auth::token;
use crate::db::Db;
use crate::db::products::Attached;
use crate::db::products::{self, NewProductRow, Search, SearchError, Viewer};
use crate::db::shops;
use crate::error::{ApiError, Result};
use crate::extractor::{AuthUser, Json, Query};
use crate::routes::auth::field_error;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::routes::{PROBLEM, page_limit};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use contracts::Paise;
use contracts::calendar::Date;
use contracts::catalog::{NewProduct, Product, ProductChanges, ProductPage, ProductSort};
use contracts::gst::{self, Rate};
use contracts::shops::ShopStatus;
use contracts::{FieldError, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

/// Sellers manage their own products; stock alone is `inventory:own_manage` (seed 000 §3.1).
const MANAGE_OWN: &[&str] = &["products:own_manage"];
const CHANGE_OWN: &[&str] = &["products:own_manage", "inventory:own_manage"];
const DEFAULT_LIMIT: u32 = 24;
const MAX_LIMIT: u32 = 100;
/// The highest unit price accepted: ₹1 crore. Far above anything sold here, far below where
/// order arithmetic could overflow.
const MAX_PRICE: Paise = Paise(1_000_000_000);
const MAX_STOCK: i64 = 1_000_000_000;
/// India Standard Time, UTC+5:30: GST dates are Indian calendar days.
const IST_OFFSET_SECS: i64 = 19_800;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::GET, "/products", Policy::Public, search)
        .route(Method::GET, "/products/{id}", Policy::Public, product)
        .route(
            Method::GET,
            "/seller/products",
            Policy::AnyOf(MANAGE_OWN),
            own_products,
        )
        .route(
            Method::POST,
            "/seller/products",
            Policy::AnyOf(MANAGE_OWN),
            add_product,
        )
        .route(
            Method::PATCH,
            "/seller/products/{id}",
            Policy::AnyOf(CHANGE_OWN),
            change_product,
        )
        .route(
            Method::POST,
            "/seller/products/{id}/images",
            Policy::AnyOf(MANAGE_OWN),
            add_image,
        )
        .route(Method::GET, "/images/{key}", Policy::Public, image)
}

/// The largest image accepted: 2 MiB (the API's general body limit is 64 KiB; this route
/// reads its body itself).
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// `POST /seller/products/{id}/images`: the raw bytes of a PNG, JPEG or WebP image (its
/// `Content-Type` must say which, and the bytes must agree), appended to the product's images.
#[utoipa::path(post, path = "/seller/products/{id}/images", tag = "seller",
    params(("id" = String, Path, description = "The product's id")),
    request_body(content = Vec<u8>, content_type = "image/png", description = "The image (image/png, image/jpeg or image/webp), at most 2 MiB"),
    responses(
        (status = 201, description = "Added; the product with its image URLs", body = Product),
        (status = 404, description = "`not_found`: the seller has no such product", body = Problem, content_type = PROBLEM),
        (status = 413, description = "`payload_too_large`: over 2 MiB", body = Problem, content_type = PROBLEM),
        (status = 415, description = "`unsupported_media_type`: not PNG, JPEG or WebP", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: the bytes are not the image type said, or the product has 8 images", body = Problem, content_type = PROBLEM),
    ))]
pub async fn add_image(
    State(state): State<AppState>,
    seller: AuthUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Product>)> {
    let shop_id = approved_shop(&state.db, &seller).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (extension, magic): (&str, fn(&[u8]) -> bool) = match content_type {
        "image/png" => ("png", |b| b.starts_with(b"\x89PNG\r\n\x1a\n")),
        "image/jpeg" => ("jpg", |b| b.starts_with(&[0xFF, 0xD8, 0xFF])),
        "image/webp" => ("webp", |b| {
            b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP"
        }),
        _ => return Err(ApiError::UnsupportedMediaType),
    };
    let bytes = axum::body::to_bytes(body, MAX_IMAGE_BYTES)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    if !magic(&bytes) {
        return Err(ApiError::Validation(vec![field_error(
            "image",
            "not_an_image",
            "the bytes are not the image type the Content-Type says",
        )]));
    }
    let key = format!("{}.{extension}", uuid::Uuid::new_v4());
    // Stored first, attached second: a failure in between leaves an unreferenced file, never a
    // reference to a missing one.
    state
        .storage
        .put(&key, &bytes)
        .await
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("storing an image: {error}")))?;
    match products::attach_image(&state.db, &shop_id, &id, &key, content_type).await? {
        Attached::Done => {}
        Attached::NoProduct => return Err(ApiError::NotFound),
        Attached::Full => {
            return Err(ApiError::Validation(vec![field_error(
                "image",
                "too_many_images",
                "a product has at most 8 images",
            )]));
        }
    }
    let product = products::get(&state.db, Viewer::Shop(&shop_id), &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// `GET /images/{key}`: a product image. Keys are never reused, so it is cached for good.
#[utoipa::path(get, path = "/images/{key}", tag = "catalog",
    params(("key" = String, Path, description = "The image's key, from a product's `images`")),
    responses(
        (status = 200, description = "The image", content_type = "image/*"),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn image(State(state): State<AppState>, Path(key): Path<String>) -> Result<Response> {
    let content_type = products::image_type(&state.db, &key)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = state
        .storage
        .get(&key)
        .await
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("reading an image: {error}")))?
        .ok_or(ApiError::NotFound)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(crate::static_files::CACHE_IMMUTABLE),
    );
    Ok(response)
}

/// Today's date in India, for the GST slabs in force.
pub fn india_today(now: i64) -> Date {
    Date::from_unix_days((now + IST_OFFSET_SECS).div_euclid(86_400))
        .expect("the clock is within years 1 to 9999")
}

/// The query string of `GET /products`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct CatalogQuery {
    /// Words to find in names and descriptions; each must match (as a word prefix).
    q: Option<String>,
    category: Option<String>,
    /// Lowest unit price before tax, paise.
    min_price: Option<i64>,
    /// Highest unit price before tax, paise.
    max_price: Option<i64>,
    /// Only this shop's products.
    shop: Option<String>,
    /// Only products with stock.
    #[serde(default)]
    in_stock: bool,
    /// `relevance` (with `q`), `newest` (default), `price_asc`, `price_desc`.
    sort: Option<ProductSort>,
    /// Page size, 1 to 100 (default 24).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page (same filters and sort).
    after: Option<String>,
}

/// `GET /products`: active products of approved shops.
#[utoipa::path(get, path = "/products", tag = "catalog", params(CatalogQuery),
    responses(
        (status = 200, description = "One page of products", body = ProductPage),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit`, prices, `after`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn search(
    State(db): State<Db>,
    Query(query): Query<CatalogQuery>,
) -> Result<Json<ProductPage>> {
    let mut errors = Vec::new();
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT).unwrap_or_else(|error| {
        errors.push(error);
        DEFAULT_LIMIT
    });
    for (field, value) in [("minPrice", query.min_price), ("maxPrice", query.max_price)] {
        if value.is_some_and(|v| v < 0) {
            errors.push(field_error(field, "out_of_range", "must not be negative"));
        }
    }
    if let (Some(min), Some(max)) = (query.min_price, query.max_price)
        && min > max
    {
        errors.push(field_error(
            "maxPrice",
            "out_of_range",
            "must not be below minPrice",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let search = Search {
        text: query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()),
        category: query.category.as_deref().filter(|c| !c.is_empty()),
        min_price: query.min_price.map(Paise),
        max_price: query.max_price.map(Paise),
        shop_id: query.shop.as_deref(),
        in_stock: query.in_stock,
        sort: query.sort.unwrap_or_default(),
        limit,
        after: query.after.as_deref(),
    };
    run_search(&db, Viewer::Shopper, &search).await.map(Json)
}

async fn run_search(db: &Db, viewer: Viewer<'_>, search: &Search<'_>) -> Result<ProductPage> {
    products::search(db, viewer, search)
        .await
        .map_err(|error| match error {
            SearchError::BadCursor => ApiError::Validation(vec![field_error(
                "after",
                "unknown_cursor",
                "is not a cursor of this listing",
            )]),
            SearchError::Database(error) => ApiError::from(error),
        })
}

/// `GET /products/{id}`: one product on sale.
#[utoipa::path(get, path = "/products/{id}", tag = "catalog",
    params(("id" = String, Path, description = "The product's id")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 404, description = "`not_found`: no such product on sale", body = Problem, content_type = PROBLEM),
    ))]
pub async fn product(State(db): State<Db>, Path(id): Path<String>) -> Result<Json<Product>> {
    products::get(&db, Viewer::Shopper, &id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// The query string of `GET /seller/products`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnQuery {
    /// Page size, 1 to 100 (default 24).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    after: Option<String>,
}

/// `GET /seller/products`: the seller's products, active or not, newest first.
#[utoipa::path(get, path = "/seller/products", tag = "seller", params(OwnQuery),
    responses(
        (status = 200, description = "One page of the seller's products", body = ProductPage),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_not_approved`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn own_products(
    State(db): State<Db>,
    seller: AuthUser,
    Query(query): Query<OwnQuery>,
) -> Result<Json<ProductPage>> {
    let shop_id = approved_shop(&db, &seller).await?;
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT)
        .map_err(|error| ApiError::Validation(vec![error]))?;
    let search = Search {
        limit,
        after: query.after.as_deref(),
        ..Search::default()
    };
    run_search(&db, Viewer::Shop(&shop_id), &search)
        .await
        .map(Json)
}

/// `POST /seller/products`: a new product in the seller's shop.
#[utoipa::path(post, path = "/seller/products", tag = "seller", request_body = NewProduct,
    responses(
        (status = 201, description = "Created", body = Product),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`sku_taken` (the shop uses this SKU) or `shop_not_approved`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`, with `errors` per field", body = Problem, content_type = PROBLEM),
    ))]
pub async fn add_product(
    State(db): State<Db>,
    seller: AuthUser,
    Json(new): Json<NewProduct>,
) -> Result<(StatusCode, Json<Product>)> {
    let shop_id = approved_shop(&db, &seller).await?;
    let now = token::now();
    let changes = ProductChanges {
        name: Some(new.name),
        description: Some(new.description),
        sku: Some(new.sku),
        hsn: Some(new.hsn),
        price: Some(new.price),
        gst_rate: Some(new.gst_rate),
        stock: Some(new.stock),
        category: Some(new.category),
        active: Some(new.active),
    };
    let valid = validate(changes, india_today(now))?;
    let id = uuid::Uuid::new_v4().to_string();
    let row = NewProductRow {
        id: &id,
        shop_id: &shop_id,
        name: valid.name.as_deref().unwrap_or_default(),
        description: valid.description.as_deref().unwrap_or_default(),
        sku: valid.sku.as_deref().unwrap_or_default(),
        hsn: valid.hsn.as_deref().unwrap_or_default(),
        price: valid.price.unwrap_or_default(),
        gst_rate: valid.gst_rate.unwrap_or(Rate(0)),
        stock: valid.stock.unwrap_or_default(),
        category: valid.category.as_deref().unwrap_or_default(),
        active: valid.active.unwrap_or(true),
        now,
    };
    products::insert(&db, &row).await.map_err(sku_clash)?;
    let product = products::get(&db, Viewer::Shop(&shop_id), &id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a stored product was not found")))?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// `PATCH /seller/products/{id}`: changes some fields of one of the seller's products.
#[utoipa::path(patch, path = "/seller/products/{id}", tag = "seller",
    params(("id" = String, Path, description = "The product's id")),
    request_body = ProductChanges,
    responses(
        (status = 200, description = "Changed", body = Product),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no such product", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`sku_taken` or `shop_not_approved`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`, with `errors` per field", body = Problem, content_type = PROBLEM),
    ))]
pub async fn change_product(
    State(db): State<Db>,
    seller: AuthUser,
    Path(id): Path<String>,
    Json(changes): Json<ProductChanges>,
) -> Result<Json<Product>> {
    let shop_id = approved_shop(&db, &seller).await?;
    let now = token::now();
    let valid = validate(changes, india_today(now))?;
    let found = products::update(&db, &shop_id, &id, &valid, now)
        .await
        .map_err(sku_clash)?;
    if !found {
        return Err(ApiError::NotFound);
    }
    products::get(&db, Viewer::Shop(&shop_id), &id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// The id of the caller's approved shop: a seller whose shop is not (or no longer) approved
/// cannot manage products.
async fn approved_shop(db: &Db, seller: &AuthUser) -> Result<String> {
    match shops::of_owner(db, &seller.claims.sub).await? {
        Some(shop) if shop.status == ShopStatus::Approved => Ok(shop.id),
        _ => Err(ApiError::ShopNotApproved),
    }
}

fn sku_clash(error: sqlx::Error) -> ApiError {
    // UNIQUE (shop_id, sku) decides, so two racing writes cannot both take one SKU.
    if error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
    {
        ApiError::SkuTaken
    } else {
        ApiError::from(error)
    }
}

/// Checks the fields present in `changes` (all of them, for a new product), trims text, and
/// reports every failure at once. The GST rate must be a slab in force `today`.
fn validate(mut changes: ProductChanges, today: Date) -> Result<ProductChanges> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut text = |field: &str, value: &mut Option<String>, max: usize, required: bool| {
        if let Some(v) = value {
            *v = v.trim().to_owned();
            if required && v.is_empty() {
                errors.push(field_error(field, "required", "must not be empty"));
            } else if v.chars().count() > max {
                errors.push(field_error(
                    field,
                    "too_long",
                    &format!("must be at most {max} characters"),
                ));
            }
        }
    };
    text("name", &mut changes.name, 200, true);
    text("description", &mut changes.description, 5_000, false);
    text("sku", &mut changes.sku, 64, true);
    text("hsn", &mut changes.hsn, 8, true);
    text("category", &mut changes.category, 50, true);
    if let Some(sku) = &changes.sku
        && !sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        errors.push(field_error(
            "sku",
            "sku_format",
            "may hold only letters, digits and - _ . /",
        ));
    }
    if let Some(hsn) = &changes.hsn
        && !(matches!(hsn.len(), 4 | 6 | 8) && hsn.bytes().all(|b| b.is_ascii_digit()))
    {
        errors.push(field_error(
            "hsn",
            "hsn_format",
            "must be an HSN code of 4, 6 or 8 digits",
        ));
    }
    if let Some(category) = &changes.category
        && !category
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push(field_error(
            "category",
            "category_format",
            "must be lower-case letters, digits and -",
        ));
    }
    if let Some(price) = changes.price
        && !(Paise(0)..=MAX_PRICE).contains(&price)
    {
        errors.push(field_error(
            "price",
            "out_of_range",
            "must be between 0 and ₹1,00,00,000.00 (in paise)",
        ));
    }
    if let Some(stock) = changes.stock
        && !(0..=MAX_STOCK).contains(&stock)
    {
        errors.push(field_error(
            "stock",
            "out_of_range",
            "must be between 0 and 1,000,000,000",
        ));
    }
    if let Some(rate) = changes.gst_rate
        && gst::slab_in_force(rate, today).is_none()
    {
        let rates: Vec<String> = gst::rates_in_force(today)
            .iter()
            .map(ToString::to_string)
            .collect();
        errors.push(field_error(
            "gstRate",
            "not_in_force",
            &format!("must be a GST slab in force today: {}", rates.join(", ")),
        ));
    }
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(ApiError::Validation(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_product() -> ProductChanges {
        ProductChanges {
            name: Some(" Blue shirt ".into()),
            description: Some(String::new()),
            sku: Some("SH-001".into()),
            hsn: Some("6205".into()),
            price: Some(Paise(99_900)),
            gst_rate: Some(Rate(500)),
            stock: Some(10),
            category: Some("apparel".into()),
            active: Some(true),
        }
    }

    fn codes(result: Result<ProductChanges>) -> Vec<(String, String)> {
        match result {
            Err(ApiError::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("not a validation error: {other:?}"),
        }
    }

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn a_good_product_is_trimmed() {
        let valid = validate(new_product(), day("2026-11-27")).unwrap();
        assert_eq!(valid.name.as_deref(), Some("Blue shirt"));
    }

    #[test]
    fn a_rate_must_be_a_slab_in_force_today() {
        let twelve = ProductChanges {
            gst_rate: Some(Rate(1200)),
            ..ProductChanges::default()
        };
        assert!(validate(twelve.clone(), day("2025-09-21")).is_ok());
        assert_eq!(
            codes(validate(twelve, day("2025-09-22"))),
            [("gstRate".into(), "not_in_force".into())]
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ProductChanges {
            name: Some("  ".into()),
            sku: Some("SH 001".into()),
            hsn: Some("62051".into()),
            price: Some(Paise(-1)),
            stock: Some(-1),
            category: Some("Apparel".into()),
            ..new_product()
        };
        assert_eq!(
            codes(validate(bad, day("2026-11-27"))),
            [
                ("name".into(), "required".into()),
                ("sku".into(), "sku_format".into()),
                ("hsn".into(), "hsn_format".into()),
                ("category".into(), "category_format".into()),
                ("price".into(), "out_of_range".into()),
                ("stock".into(), "out_of_range".into()),
            ]
        );
    }

    #[test]
    fn the_indian_date_turns_at_midnight_ist() {
        // 2025-09-21T18:29:59Z is 23:59:59 IST; a second later it is the 22nd in India.
        assert_eq!(india_today(1_758_479_399), day("2025-09-21"));
        assert_eq!(india_today(1_758_479_400), day("2025-09-22"));
    }
}
