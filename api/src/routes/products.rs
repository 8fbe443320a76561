//! `/api/v1/products` (the public catalog: search, filters, sorting, pages, one product),
//! `/api/v1/seller/products` (a seller's own products: list with filters, one, add, change,
//! stock by a delta, inventory history) and `/api/v1/admin/products/{id}/inventory` (any product's history, for
//! administrators), over `app::catalog`.

use crate::app::catalog::seller::OwnListing;
use crate::app::catalog::{self, Listing, seller, stock};
use crate::app::{Actor, Origin};
use crate::domain::page_limit;
use crate::error::Result;
use crate::extractor::{Json, JsonForm, Query};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use contracts::catalog::{NewProduct, Product, ProductChanges, ProductPage, ProductSort};
use contracts::inventory::{InventoryPage, StockAdjustment};
use contracts::product_manager::{StatusFilter, StockFilter};
use contracts::{Paise, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

/// Sellers manage their own products; stock alone is `inventory:own_manage` (seed 000 §3.1).
pub(crate) const MANAGE_OWN: &[&str] = &["products:own_manage"];
const CHANGE_OWN: &[&str] = &["products:own_manage", "inventory:own_manage"];
/// Administrators read any product's inventory history (`products:view` is not enough: customers
/// hold it too).
const ADMIN_INVENTORY: &[&str] = &["products:all", "sellers:manage"];
const DEFAULT_LIMIT: u32 = 24;
pub(crate) const MAX_LIMIT: u32 = 100;

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
            Method::GET,
            "/seller/products/{id}",
            Policy::AnyOf(CHANGE_OWN),
            own_product,
        )
        .route(
            Method::PATCH,
            "/seller/products/{id}",
            Policy::AnyOf(CHANGE_OWN),
            change_product,
        )
        .route(
            Method::POST,
            "/seller/products/{id}/stock",
            Policy::AnyOf(CHANGE_OWN),
            adjust_stock,
        )
        .route(
            Method::GET,
            "/seller/products/{id}/inventory",
            Policy::AnyOf(CHANGE_OWN),
            own_inventory,
        )
        .route(
            Method::GET,
            "/admin/products/{id}/inventory",
            Policy::AnyOf(ADMIN_INVENTORY),
            inventory,
        )
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
    State(state): State<AppState>,
    origin: Origin,
    Query(query): Query<CatalogQuery>,
) -> Result<Json<ProductPage>> {
    let listing = Listing {
        text: query.q.as_deref(),
        category: query.category.as_deref(),
        min_price: query.min_price.map(Paise),
        max_price: query.max_price.map(Paise),
        shop: query.shop.as_deref(),
        in_stock: query.in_stock,
        sort: query.sort.unwrap_or_default(),
        after: query.after.as_deref(),
        ..Listing::default()
    };
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT);
    // An anonymous route: whoever calls is a guest until the use case identifies them.
    catalog::browse(&Actor::guest(origin), &state, listing, limit)
        .await
        .map(Json)
}

/// `GET /products/{id}`: one product on sale.
#[utoipa::path(get, path = "/products/{id}", tag = "catalog",
    params(("id" = String, Path, description = "The product's id")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 404, description = "`not_found`: no such product on sale", body = Problem, content_type = PROBLEM),
    ))]
pub async fn product(
    State(state): State<AppState>,
    origin: Origin,
    Path(id): Path<String>,
) -> Result<Json<Product>> {
    catalog::product(&Actor::guest(origin), &state, &id)
        .await
        .map(Json)
}

/// The query string of `GET /seller/products`; any other parameter is 400 `invalid_query`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OwnQuery {
    /// Words to find in names and descriptions (each as a word prefix); best match first.
    q: Option<String>,
    /// Only this category.
    category: Option<String>,
    /// `active` or `inactive`.
    status: Option<StatusFilter>,
    /// `low` (at most 5 units, none included) or `out` (none).
    stock: Option<StockFilter>,
    /// Page size, 1 to 100 (default 24).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page (same filters).
    after: Option<String>,
}

/// `GET /seller/products`: the seller's products, active or not, newest first (best match
/// first with `q`), filtered.
#[utoipa::path(get, path = "/seller/products", tag = "seller", params(OwnQuery),
    responses(
        (status = 200, description = "One page of the seller's products", body = ProductPage),
        (status = 400, description = "`invalid_query`: an unknown parameter or a bad value (the detail names it)", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_not_approved`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit`, `after`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn own_products(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<OwnQuery>,
) -> Result<Json<ProductPage>> {
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT);
    let listing = OwnListing {
        text: query.q.as_deref(),
        category: query.category.as_deref(),
        status: query.status,
        stock: query.stock,
        after: query.after.as_deref(),
    };
    seller::own_products(&actor, &state, listing, limit)
        .await
        .map(Json)
}

/// `GET /seller/products/{id}`: one of the seller's products, active or not.
#[utoipa::path(get, path = "/seller/products/{id}", tag = "seller",
    params(("id" = String, Path, description = "The product's id")),
    responses(
        (status = 200, description = "The product", body = Product),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no such product (another shop's included)", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_not_approved`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn own_product(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Product>> {
    seller::own_product(&actor, &state, &id).await.map(Json)
}

/// `POST /seller/products`: a new product in the seller's shop.
#[utoipa::path(post, path = "/seller/products", tag = "seller", request_body = NewProduct,
    responses(
        (status = 201, description = "Created", body = Product),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`sku_taken` (the shop uses this SKU) or `shop_not_approved`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`, with `errors` per field: the schema's rules, a member of the wrong JSON type (`invalid_type`), and `gstRate` `not_in_force` (not a GST slab in force today)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn add_product(
    State(state): State<AppState>,
    actor: Actor,
    JsonForm(new): JsonForm<NewProduct>,
) -> Result<(StatusCode, Json<Product>)> {
    let product = seller::add(&actor, &state, new).await?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// `PATCH /seller/products/{id}`: changes some fields of one of the seller's products. `stock`
/// sets the stock absolutely and needs `version` (the product's, as read); a stale one is 409
/// and changes nothing.
#[utoipa::path(patch, path = "/seller/products/{id}", tag = "seller",
    params(("id" = String, Path, description = "The product's id")),
    request_body = ProductChanges,
    responses(
        (status = 200, description = "Changed", body = Product),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no such product", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`stale_version` (`errors` names `version`: the stock changed since it was read), `sku_taken` or `shop_not_approved`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`, with `errors` per field (`version` `required` with `stock`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn change_product(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    JsonForm(changes): JsonForm<ProductChanges>,
) -> Result<Json<Product>> {
    seller::change(&actor, &state, &id, changes).await.map(Json)
}

/// `POST /seller/products/{id}/stock`: adds `delta` units to the product's stock (negative:
/// takes them), whatever orders reserve or release meanwhile; recorded in its inventory
/// history with `reason`.
#[utoipa::path(post, path = "/seller/products/{id}/stock", tag = "seller",
    params(("id" = String, Path, description = "The product's id")),
    request_body = StockAdjustment,
    responses(
        (status = 200, description = "Adjusted: the product with its new stock and version", body = Product),
        (status = 400, description = "`malformed_json` (an unknown `reason` or member)", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no such product", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_not_approved`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` naming `delta`: zero, or a stock below zero or above 1,000,000,000", body = Problem, content_type = PROBLEM),
    ))]
pub async fn adjust_stock(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    JsonForm(adjustment): JsonForm<StockAdjustment>,
) -> Result<Json<Product>> {
    stock::adjust(&actor, &state, &id, adjustment)
        .await
        .map(Json)
}

/// The query string of the inventory history.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page size, 1 to 100 (default 24).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    after: Option<String>,
}

/// `GET /seller/products/{id}/inventory`: the product's inventory history, newest first.
#[utoipa::path(get, path = "/seller/products/{id}/inventory", tag = "seller",
    params(("id" = String, Path, description = "The product's id"), HistoryQuery),
    responses(
        (status = 200, description = "One page of the history", body = InventoryPage),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no such product", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_not_approved`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit`, `after`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn own_inventory(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<InventoryPage>> {
    history(&actor, &state, &id, query).await
}

/// `GET /admin/products/{id}/inventory`: any product's inventory history, newest first.
#[utoipa::path(get, path = "/admin/products/{id}/inventory", tag = "back office",
    params(("id" = String, Path, description = "The product's id"), HistoryQuery),
    responses(
        (status = 200, description = "One page of the history", body = InventoryPage),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: no such product", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit`, `after`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn inventory(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<InventoryPage>> {
    history(&actor, &state, &id, query).await
}

/// One page of product `id`'s history as `actor` may read it.
async fn history(
    actor: &Actor,
    state: &AppState,
    id: &str,
    query: HistoryQuery,
) -> Result<Json<InventoryPage>> {
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT);
    stock::history(actor, state, id, limit, query.after.as_deref())
        .await
        .map(Json)
}
