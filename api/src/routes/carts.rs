//! `/api/v1/carts` (a cart by id: guests' carts, and a customer's own when signed in) and
//! `/api/v1/cart` (the signed-in customer's cart, and merging a guest cart into it). Every
//! answer is the whole cart, priced now, with its GST breakup.

use crate::auth::token;
use crate::db::products::{self, Viewer};
use crate::db::{Db, carts};
use crate::error::{ApiError, Result};
use crate::extractor::{AuthUser, Json};
use crate::routes::PROBLEM;
use crate::routes::auth::field_error;
use crate::routes::policy::{ApiRoutes, Policy};
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use contracts::Problem;
use contracts::cart::{AddToCart, Cart, MergeCart, SetQuantity};

/// Customers keep carts (seed 000 §3.1); guests too, without signing in.
const OWN_CART: &[&str] = &["cart:own_manage"];
/// The most units of one product in a cart.
const MAX_QUANTITY: u32 = 100;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::POST, "/carts", Policy::Public, create)
        .route(Method::GET, "/carts/{cart_id}", Policy::Public, show)
        .route(Method::POST, "/carts/{cart_id}/items", Policy::Public, add)
        .route(
            Method::PUT,
            "/carts/{cart_id}/items/{product_id}",
            Policy::Public,
            set,
        )
        .route(
            Method::DELETE,
            "/carts/{cart_id}/items/{product_id}",
            Policy::Public,
            remove,
        )
        .route(Method::GET, "/cart", Policy::AnyOf(OWN_CART), mine)
        .route(Method::POST, "/cart/merge", Policy::AnyOf(OWN_CART), merge)
}

/// `POST /carts`: a new, empty guest cart. The browser keeps its id.
#[utoipa::path(post, path = "/carts", tag = "cart",
    responses((status = 201, description = "An empty guest cart", body = Cart)))]
pub async fn create(State(db): State<Db>) -> Result<(StatusCode, Json<Cart>)> {
    let id = carts::create_guest(&db, token::now())
        .await
        .map_err(ApiError::database)?;
    Ok((StatusCode::CREATED, Json(priced(&db, id).await?)))
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
    State(db): State<Db>,
    user: Option<AuthUser>,
    Path(cart_id): Path<String>,
) -> Result<Json<Cart>> {
    open(&db, &cart_id, user.as_ref()).await?;
    priced(&db, cart_id).await.map(Json)
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
    State(db): State<Db>,
    user: Option<AuthUser>,
    Path(cart_id): Path<String>,
    Json(request): Json<AddToCart>,
) -> Result<(StatusCode, Json<Cart>)> {
    open(&db, &cart_id, user.as_ref()).await?;
    let product = on_sale(&db, &request.product_id).await?;
    if request
        .seller_id
        .as_deref()
        .is_some_and(|seller| seller != product.shop_id)
    {
        return Err(ApiError::Validation(vec![field_error(
            "sellerId",
            "wrong_seller",
            "is not the shop of this product",
        )]));
    }
    let already = carts::lines(&db, &cart_id)
        .await
        .map_err(ApiError::database)?
        .iter()
        .find(|line| line.product_id == product.id)
        .map_or(0, |line| line.quantity);
    let quantity = checked_quantity(
        already.saturating_add(request.quantity),
        request.quantity,
        product.stock,
    )?;
    carts::set_quantity(&db, &cart_id, &product.id, quantity, token::now())
        .await
        .map_err(ApiError::database)?;
    Ok((StatusCode::CREATED, Json(priced(&db, cart_id).await?)))
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
    State(db): State<Db>,
    user: Option<AuthUser>,
    Path((cart_id, product_id)): Path<(String, String)>,
    Json(request): Json<SetQuantity>,
) -> Result<Json<Cart>> {
    open(&db, &cart_id, user.as_ref()).await?;
    let now = token::now();
    if request.quantity == 0 {
        carts::remove(&db, &cart_id, &product_id, now)
            .await
            .map_err(ApiError::database)?;
    } else {
        let product = on_sale(&db, &product_id).await?;
        let quantity = checked_quantity(request.quantity, request.quantity, product.stock)?;
        carts::set_quantity(&db, &cart_id, &product.id, quantity, now)
            .await
            .map_err(ApiError::database)?;
    }
    priced(&db, cart_id).await.map(Json)
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
    State(db): State<Db>,
    user: Option<AuthUser>,
    Path((cart_id, product_id)): Path<(String, String)>,
) -> Result<Json<Cart>> {
    open(&db, &cart_id, user.as_ref()).await?;
    carts::remove(&db, &cart_id, &product_id, token::now())
        .await
        .map_err(ApiError::database)?;
    priced(&db, cart_id).await.map(Json)
}

/// `GET /cart`: the signed-in customer's cart (made on first use).
#[utoipa::path(get, path = "/cart", tag = "cart",
    responses(
        (status = 200, description = "The customer's cart, priced now", body = Cart),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: not a customer", body = Problem, content_type = PROBLEM),
    ))]
pub async fn mine(State(db): State<Db>, user: AuthUser) -> Result<Json<Cart>> {
    let id = carts::of_owner(&db, &user.claims.sub, token::now())
        .await
        .map_err(ApiError::database)?;
    priced(&db, id).await.map(Json)
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
    State(db): State<Db>,
    user: AuthUser,
    Json(request): Json<MergeCart>,
) -> Result<Json<Cart>> {
    let now = token::now();
    let own = carts::of_owner(&db, &user.claims.sub, now)
        .await
        .map_err(ApiError::database)?;
    match carts::owner(&db, &request.guest_cart_id)
        .await
        .map_err(ApiError::database)?
    {
        // Gone: merged before (a retried request), or never existed; nothing to fold in.
        None => {}
        Some(None) => carts::merge(&db, &request.guest_cart_id, &own, now)
            .await
            .map_err(ApiError::database)?,
        Some(Some(owner)) if owner == user.claims.sub => {}
        Some(Some(_)) => return Err(ApiError::NotFound),
    }
    priced(&db, own).await.map(Json)
}

/// Checks that cart `id` exists and that the caller may use it: anyone may use a guest cart,
/// only its owner a customer's cart. Another customer's cart is "not found", not "forbidden",
/// so ids cannot be probed.
async fn open(db: &Db, id: &str, user: Option<&AuthUser>) -> Result<()> {
    match carts::owner(db, id).await.map_err(ApiError::database)? {
        Some(None) => Ok(()),
        Some(Some(owner)) if user.is_some_and(|u| u.claims.sub == owner) => Ok(()),
        _ => Err(ApiError::NotFound),
    }
}

/// The product `id` if it is on sale; a field error naming `productId` otherwise.
async fn on_sale(db: &Db, id: &str) -> Result<contracts::catalog::Product> {
    products::get(db, Viewer::Shopper, id)
        .await
        .map_err(ApiError::database)?
        .ok_or_else(|| {
            ApiError::Validation(vec![field_error(
                "productId",
                "unknown_product",
                "is not a product on sale",
            )])
        })
}

/// `total` units (what the line would hold), asked for `requested` more: at least 1, at most
/// [`MAX_QUANTITY`] and the stock.
fn checked_quantity(total: u32, requested: u32, stock: i64) -> Result<u32> {
    let problem = |code: &str, message: String| {
        Err(ApiError::Validation(vec![field_error(
            "quantity", code, &message,
        )]))
    };
    if requested == 0 {
        return problem("out_of_range", "must be at least 1".into());
    }
    if total > MAX_QUANTITY {
        return problem(
            "out_of_range",
            format!("a cart holds at most {MAX_QUANTITY} of one product"),
        );
    }
    if i64::from(total) > stock {
        return problem("insufficient_stock", format!("only {} left", stock.max(0)));
    }
    Ok(total)
}

/// Cart `id` with its lines priced from the catalog now.
async fn priced(db: &Db, id: String) -> Result<Cart> {
    let lines = carts::lines(db, &id).await.map_err(ApiError::database)?;
    Cart::price(id, lines)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("pricing a cart: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<u32>) -> String {
        match result {
            Err(ApiError::Validation(errors)) => errors[0].code.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_quantity_is_one_to_a_hundred_and_never_above_the_stock() {
        assert_eq!(checked_quantity(3, 1, 5).unwrap(), 3);
        assert_eq!(checked_quantity(5, 5, 5).unwrap(), 5);
        assert_eq!(code(checked_quantity(6, 1, 5)), "insufficient_stock");
        assert_eq!(code(checked_quantity(0, 0, 5)), "out_of_range");
        assert_eq!(code(checked_quantity(101, 1, 1_000)), "out_of_range");
        assert_eq!(code(checked_quantity(1, 1, 0)), "insufficient_stock");
    }
}
