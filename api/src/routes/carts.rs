//! `/api/v1/carts` (a cart by id: guests' carts, and a customer's own when signed in) and
//! `/api/v1/cart` (the signed-in customer's cart, and merging a guest cart into it). Every
//! answer is the whole cart, priced now, with its GST breakup (`app::carts`).

use crate::app::{Actor, Origin, carts};
use crate::error::Result;
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use contracts::Problem;
use contracts::cart::{AddToCart, Cart, MergeCart, SetQuantity};

/// Customers keep carts (seed 000 §3.1); guests too, without signing in.
const OWN_CART: &[&str] = &["cart:own_manage"];

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::POST, "/carts", Policy::Public, create)
        .route(
            Method::GET,
            "/carts/{cart_id}",
            Policy::GuestOrSignedIn,
            show,
        )
        .route(
            Method::POST,
            "/carts/{cart_id}/items",
            Policy::GuestOrSignedIn,
            add,
        )
        .route(
            Method::PUT,
            "/carts/{cart_id}/items/{product_id}",
            Policy::GuestOrSignedIn,
            set,
        )
        .route(
            Method::DELETE,
            "/carts/{cart_id}/items/{product_id}",
            Policy::GuestOrSignedIn,
            remove,
        )
        .route(Method::GET, "/cart", Policy::AnyOf(OWN_CART), mine)
        .route(Method::POST, "/cart/merge", Policy::AnyOf(OWN_CART), merge)
}

/// `POST /carts`: a new, empty guest cart. The browser keeps its id.
#[utoipa::path(post, path = "/carts", tag = "cart",
    responses((status = 201, description = "An empty guest cart", body = Cart)))]
pub async fn create(
    State(state): State<AppState>,
    origin: Origin,
) -> Result<(StatusCode, Json<Cart>)> {
    // An anonymous route: whoever calls is a guest until the use case identifies them.
    let cart = carts::create_guest(&Actor::guest(origin), &state).await?;
    Ok((StatusCode::CREATED, Json(cart)))
}

/// `GET /carts/{cartId}`: a guest cart, or the caller's own.
#[utoipa::path(get, path = "/carts/{cart_id}", tag = "cart",
    params(("cart_id" = String, Path, description = "The cart's id")),
    responses(
        (status = 200, description = "The cart, priced now", body = Cart),
        (status = 401, description = "`unauthenticated`: a token was sent and is not valid", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: no such cart, or another customer's", body = Problem, content_type = PROBLEM),
    ))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(cart_id): Path<String>,
) -> Result<Json<Cart>> {
    carts::show(&actor, &state, &cart_id).await.map(Json)
}

/// `POST /carts/{cartId}/items`: adds units of a product (seed 000's AddToCart).
#[utoipa::path(post, path = "/carts/{cart_id}/items", tag = "cart",
    params(("cart_id" = String, Path, description = "The cart's id")),
    request_body = AddToCart,
    responses(
        (status = 201, description = "Added; the cart, priced now", body = Cart),
        (status = 404, description = "`not_found`: no such cart", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: `productId` unknown or not on sale, `quantity` out of range or above the stock", body = Problem, content_type = PROBLEM),
    ))]
pub async fn add(
    State(state): State<AppState>,
    actor: Actor,
    Path(cart_id): Path<String>,
    Json(request): Json<AddToCart>,
) -> Result<(StatusCode, Json<Cart>)> {
    let cart = carts::add(&actor, &state, &cart_id, &request).await?;
    Ok((StatusCode::CREATED, Json(cart)))
}

/// `PUT /carts/{cartId}/items/{productId}`: sets a line's quantity; 0 removes it.
#[utoipa::path(put, path = "/carts/{cart_id}/items/{product_id}", tag = "cart",
    params(
        ("cart_id" = String, Path, description = "The cart's id"),
        ("product_id" = String, Path, description = "The product's id"),
    ),
    request_body = SetQuantity,
    responses(
        (status = 200, description = "The cart, priced now", body = Cart),
        (status = 404, description = "`not_found`: no such cart", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: product not on sale, quantity out of range or above the stock", body = Problem, content_type = PROBLEM),
    ))]
pub async fn set(
    State(state): State<AppState>,
    actor: Actor,
    Path((cart_id, product_id)): Path<(String, String)>,
    Json(request): Json<SetQuantity>,
) -> Result<Json<Cart>> {
    carts::set(&actor, &state, &cart_id, &product_id, &request)
        .await
        .map(Json)
}

/// `DELETE /carts/{cartId}/items/{productId}`: removes a line (done already is fine).
#[utoipa::path(delete, path = "/carts/{cart_id}/items/{product_id}", tag = "cart",
    params(
        ("cart_id" = String, Path, description = "The cart's id"),
        ("product_id" = String, Path, description = "The product's id"),
    ),
    responses(
        (status = 200, description = "The cart, priced now", body = Cart),
        (status = 404, description = "`not_found`: no such cart", body = Problem, content_type = PROBLEM),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    actor: Actor,
    Path((cart_id, product_id)): Path<(String, String)>,
) -> Result<Json<Cart>> {
    carts::remove(&actor, &state, &cart_id, &product_id)
        .await
        .map(Json)
}

/// `GET /cart`: the signed-in customer's cart (made on first use).
#[utoipa::path(get, path = "/cart", tag = "cart",
    responses(
        (status = 200, description = "The customer's cart, priced now", body = Cart),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: not a customer", body = Problem, content_type = PROBLEM),
    ))]
pub async fn mine(State(state): State<AppState>, actor: Actor) -> Result<Json<Cart>> {
    carts::mine(&actor, &state).await.map(Json)
}

/// `POST /cart/merge`: folds a guest cart into the customer's (at sign-in) and deletes it.
/// Merging a cart that is gone (merged already) changes nothing.
#[utoipa::path(post, path = "/cart/merge", tag = "cart", request_body = MergeCart,
    responses(
        (status = 200, description = "The customer's cart with the guest's lines", body = Cart),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: not a customer", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the cart is another customer's", body = Problem, content_type = PROBLEM),
    ))]
pub async fn merge(
    State(state): State<AppState>,
    actor: Actor,
    Json(request): Json<MergeCart>,
) -> Result<Json<Cart>> {
    carts::merge(&actor, &state, &request).await.map(Json)
}
