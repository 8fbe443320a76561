//! Order fulfilment (`app::fulfilment`): a seller packs, ships and delivers its own shop's part
//! of a paid order (`/seller/orders/{id}/...`), and the customer cancels an order before any
//! part has shipped (`POST /orders/{id}/cancel`, idempotent by `Idempotency-Key`).

use crate::app::checkout::IdempotencyKey;
use crate::app::{Actor, fulfilment};
use crate::error::Result;
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::orders::{IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED};
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use contracts::Problem;
use contracts::fulfilment::{CancelOrder, ShipOrder};
use contracts::orders::{Order, OrderStatus};
use contracts::payments::RefundState;

/// Sellers fulfil their own shop's orders (the permission to manage one's shop: sellers only).
const FULFIL: &[&str] = &["shop:own_manage"];
/// Customers cancel their own orders (those who buy: `cart:own_manage`).
const CANCEL: &[&str] = &["cart:own_manage"];

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(
            Method::POST,
            "/seller/orders/{id}/pack",
            Policy::AnyOf(FULFIL),
            pack,
        )
        .route(
            Method::POST,
            "/seller/orders/{id}/ship",
            Policy::AnyOf(FULFIL),
            ship,
        )
        .route(
            Method::POST,
            "/seller/orders/{id}/deliver",
            Policy::AnyOf(FULFIL),
            deliver,
        )
        .route(
            Method::POST,
            "/orders/{id}/cancel",
            Policy::AnyOf(CANCEL),
            cancel,
        )
}

/// `POST /seller/orders/{id}/pack`: the seller's part of a paid order is packed.
#[utoipa::path(post, path = "/seller/orders/{id}/pack", tag = "seller",
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "Packed: the order as the seller sees it (its part `PACKED`)", body = Order),
        (status = 403, description = "`forbidden`: not a seller", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: no such order with the shop's lines", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`illegal_transition` (`status`: `out_of_order` when packed before, `cancelled`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`order_unpaid` (`orderId`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn pack(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Order>> {
    fulfilment::advance(&actor, &state, &id, OrderStatus::Packed, None)
        .await
        .map(Json)
}

/// `POST /seller/orders/{id}/ship`: the seller's packed part leaves with a carrier under a
/// tracking number.
#[utoipa::path(post, path = "/seller/orders/{id}/ship", tag = "seller",
    params(("id" = String, Path, description = "The order's id")),
    request_body = ShipOrder,
    responses(
        (status = 200, description = "Shipped: the order as the seller sees it (its part `SHIPPED` with the shipment)", body = Order),
        (status = 403, description = "`forbidden`: not a seller", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`illegal_transition` (`status`: `out_of_order` when not packed or shipped before, `cancelled`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`carrier`, `trackingNumber`) or `order_unpaid` (`trackingNumber`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn ship(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(shipment): Json<ShipOrder>,
) -> Result<Json<Order>> {
    fulfilment::advance(&actor, &state, &id, OrderStatus::Shipped, Some(&shipment))
        .await
        .map(Json)
}

/// `POST /seller/orders/{id}/deliver`: the seller's shipped part was delivered.
#[utoipa::path(post, path = "/seller/orders/{id}/deliver", tag = "seller",
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "Delivered: the order as the seller sees it", body = Order),
        (status = 403, description = "`forbidden`: not a seller", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`illegal_transition` (`status`: `out_of_order` before shipping, `cancelled`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`order_unpaid` (`orderId`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn deliver(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Order>> {
    fulfilment::advance(&actor, &state, &id, OrderStatus::Delivered, None)
        .await
        .map(Json)
}

/// `POST /orders/{id}/cancel`: the customer cancels a paid order before any part has shipped;
/// all its payment has left is refunded (credit notes issued) and its stock put back. One
/// `Idempotency-Key` cancels once: a repeat gets the order as it stands
/// (`Idempotent-Replayed: true`), another reason under it 422.
#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "orders",
    params(
        ("id" = String, Path, description = "The order's id"),
        ("Idempotency-Key" = String, Header, description = "A key the orders widget makes per confirmed click, the same for its retries"),
    ),
    request_body = CancelOrder,
    responses(
        (status = 200, description = "Cancelled and refunded: the order `CANCELLED`, the refund `DONE` in `refunds`", body = Order),
        (status = 202, description = "Cancelled, the refund recorded but `PENDING` (the gateway did not answer; the reconciler finishes it)", body = Order),
        (status = 400, description = "`idempotency_key_required` or `malformed_json`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: not a customer", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: not the customer's order", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`illegal_transition` (`status`: `shipped` once a part has shipped, `cancelled` when cancelled before), `refund_refused` or `not_invoiced`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`reason`), `order_unpaid` (`orderId`) or `idempotency_key_reused`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(request): Json<CancelOrder>,
) -> Result<Response> {
    let key = IdempotencyKey::parse(headers.get(IDEMPOTENCY_KEY).and_then(|v| v.to_str().ok()))?;
    let answer = fulfilment::cancel(&actor, &state, &id, &key, &request).await?;
    let status = match answer.refund {
        Some(RefundState::Pending | RefundState::Failed) => StatusCode::ACCEPTED,
        Some(RefundState::Done) | None => StatusCode::OK,
    };
    let mut response = (status, Json(answer.order)).into_response();
    if answer.replayed {
        let headers = response.headers_mut();
        headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}
