//! `/api/v1/orders`: checkout (an order from the customer's cart, idempotent by
//! `Idempotency-Key`, paid through the configured gateway: `app::checkout`), order history
//! within the reader's scope (`app::orders`), and refunds by administrators with a fresh
//! second factor, idempotent by `Idempotency-Key` too, and Razorpay Checkout's signed return
//! (`app::payments`).

use crate::app::checkout::{self, Answer, IdempotencyKey};
use crate::app::{Actor, orders, payments};
use crate::domain::{field_error, page_limit};
use crate::error::{ApiError, Result};
use crate::extractor::{Json, Query};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use contracts::Problem;
use contracts::orders::{Order, OrderPage, OrderStatus, PlaceOrder, RazorpayReturn, RefundRequest};
use contracts::payments::RefundState;
use serde::Deserialize;
use utoipa::IntoParams;

/// Customers buy (seed 000 §3.1: `cart:own_manage`).
const PLACE: &[&str] = &["cart:own_manage"];
/// Customers and sellers read their own; administrators everything.
const READ: &[&str] = &["orders:own_view", "orders:view"];
/// Refunds are an administrator's act (`auth::roles`), with a fresh second factor.
const REFUND: &[&str] = &[payments::REFUND_PERMISSION];
/// The header carrying the idempotency key (Stripe's spelling).
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on an answer replayed from an idempotency key.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";
const DEFAULT_LIMIT: u32 = 20;
pub(crate) const MAX_LIMIT: u32 = 50;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::POST, "/orders", Policy::AnyOf(PLACE), place)
        .route(Method::GET, "/orders", Policy::AnyOf(READ), list)
        .route(Method::GET, "/orders/{id}", Policy::AnyOf(READ), show)
        .route(
            Method::POST,
            "/orders/{id}/refunds",
            Policy::FreshMfa(REFUND),
            refund,
        )
        // The order's customer, as reading it; the use case scopes it to their own orders.
        .route(
            Method::POST,
            "/orders/{id}/razorpay-return",
            Policy::AnyOf(READ),
            razorpay_return,
        )
}

/// `POST /orders`: buys what the customer's cart holds. In one transaction the lines are
/// re-priced, the GST slab of the order date applied per line (CGST + SGST when the seller's
/// state is the place of supply, IGST otherwise), the stock reserved and the cart emptied;
/// then the gateway opens the payment and the answer carries `paymentUrl`. The same
/// `Idempotency-Key` and body within 24 hours replay the first answer; another body is 422.
/// While an attempt with the key holds its lease (twice `REQUEST_TIMEOUT_SECS`), a retry is 409
/// with `Retry-After`; after it, a retry resumes that attempt (never a second order).
#[utoipa::path(post, path = "/orders", tag = "orders", request_body = PlaceOrder,
    params(("Idempotency-Key" = String, Header, description = "A key of the client's choosing, the same for every retry of this order")),
    responses(
        (status = 201, description = "Placed, payment pending; `paymentUrl` is where the shopper pays", body = Order),
        (status = 400, description = "`idempotency_key_required` or `malformed_json`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the cart is not the customer's", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`order_not_placeable` (lines withdrawn, out of stock, GST rate retired) or `idempotency_in_progress` (with `Retry-After`: the seconds until the earlier attempt's lease ends)", body = Problem, content_type = PROBLEM,
            headers(("Retry-After" = u64, description = "With `idempotency_in_progress`: seconds until a retry takes the key over"))),
        (status = 422, description = "`validation_failed` (address, empty cart) or `idempotency_key_reused`", body = Problem, content_type = PROBLEM),
        (status = 502, description = "`payment_gateway_error`: the order was cancelled", body = Problem, content_type = PROBLEM),
    ))]
pub async fn place(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let header_value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let key = IdempotencyKey::parse(header_value(IDEMPOTENCY_KEY))?;
    // The body is read raw (its bytes are what the key remembers), so the media type is
    // checked here rather than by the `Json` extractor.
    if !header_value(header::CONTENT_TYPE.as_str())
        .is_some_and(|v| v.starts_with("application/json"))
    {
        return Err(ApiError::UnsupportedMediaType);
    }
    let answer = checkout::place(&actor, &state, &key, &body).await?;
    Ok(render(answer))
}

/// An answer kept with an idempotency key: JSON or problem+json by its status, with the new
/// order's `Location`, or marked as replayed.
fn render(answer: Answer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        contracts::problem::PROBLEM_CONTENT_TYPE
    };
    let mut response =
        (status, [(header::CONTENT_TYPE, content_type)], answer.body).into_response();
    let headers = response.headers_mut();
    if answer.replayed {
        headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    if let Some(id) = answer.placed
        && let Ok(location) = HeaderValue::from_str(&format!("/api/v1/orders/{id}"))
    {
        headers.insert(header::LOCATION, location);
    }
    response
}

/// The query string of `GET /orders`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListOrders {
    /// Page size, 1 to 50 (default 20).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    after: Option<String>,
    /// Only orders in these statuses (as the caller sees them; a seller: its own part's),
    /// comma-separated, e.g. `ORDER_CONFIRMED,PACKED,SHIPPED,DELIVERED,CANCELLED` for a
    /// seller's paid orders.
    status: Option<String>,
}

/// `GET /orders`: the caller's orders, newest first (a seller's: orders with its lines, and
/// only those lines).
#[utoipa::path(get, path = "/orders", tag = "orders", params(ListOrders),
    responses(
        (status = 200, description = "One page of orders", body = OrderPage),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit`, `after`, `status`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ListOrders>,
) -> Result<Json<OrderPage>> {
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT)
        .map_err(|error| ApiError::Validation(vec![error]))?;
    let statuses = statuses(query.status.as_deref())?;
    orders::list(&actor, &state, limit, query.after.as_deref(), &statuses)
        .await
        .map(Json)
}

/// The statuses of a `status` filter: each known, at most every status once.
fn statuses(filter: Option<&str>) -> Result<Vec<OrderStatus>> {
    let Some(filter) = filter else {
        return Ok(Vec::new());
    };
    let mut statuses = Vec::new();
    for text in filter.split(',') {
        let status = OrderStatus::parse(text.trim()).ok_or_else(|| {
            ApiError::Validation(vec![field_error(
                "status",
                "unknown_status",
                "is a comma-separated list of order statuses",
            )])
        })?;
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    Ok(statuses)
}

/// `GET /orders/{id}`: one order with its lines, GST and history, within the caller's scope.
#[utoipa::path(get, path = "/orders/{id}", tag = "orders",
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: no such order in the caller's scope", body = Problem, content_type = PROBLEM),
    ))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Order>> {
    orders::show(&actor, &state, &id).await.map(Json)
}

/// `POST /orders/{id}/refunds`: gives back `amount` (default: all that is left) of a confirmed
/// order's payment through its gateway. The refund is recorded before the gateway is asked,
/// and one `Idempotency-Key` makes one refund however often it is sent: a repeat gets that
/// refund as it stands (`Idempotent-Replayed: true`), another body under the key 422. Partial
/// refunds add up to at most what the payment captured, even when sent at once.
#[utoipa::path(post, path = "/orders/{id}/refunds", tag = "orders",
    params(
        ("id" = String, Path, description = "The order's id"),
        ("Idempotency-Key" = String, Header, description = "A key the admin UI makes per click or form, the same for its retries"),
    ),
    request_body = RefundRequest,
    responses(
        (status = 200, description = "Refunded: the order with the refund `DONE` in `refunds` and added to `refunded`", body = Order),
        (status = 202, description = "Recorded but not refunded yet: the gateway did not answer; the refund is `PENDING` and the reconciler finishes it", body = Order),
        (status = 400, description = "`idempotency_key_required` or `malformed_json`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden` (not an administrator), `mfa_required`, or `fresh_mfa_required`: the second factor was passed over five minutes ago; sign in again with it", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`refund_refused`: the order is not confirmed (`orderId`), or the gateway refused (`amount`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`amount`: zero, or more than is left; `reason`) or `idempotency_key_reused`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn refund(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(request): Json<RefundRequest>,
) -> Result<Response> {
    let key = IdempotencyKey::parse(headers.get(IDEMPOTENCY_KEY).and_then(|v| v.to_str().ok()))?;
    let answer = payments::refund(&actor, &state, &id, &key, &request).await?;
    // Never a lie: 200 only once the gateway took it (a refused refund is an error).
    let status = match answer.state {
        RefundState::Done => StatusCode::OK,
        RefundState::Pending | RefundState::Failed => StatusCode::ACCEPTED,
    };
    let mut response = (status, Json(answer.order)).into_response();
    if answer.replayed {
        let headers = response.headers_mut();
        headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// `POST /orders/{id}/razorpay-return`: what Razorpay Checkout's `handler` received after the
/// customer paid (`razorpay_payment_id`, `razorpay_order_id`, `razorpay_signature`), passed on.
/// The signature (HMAC-SHA256 of `order_id|payment_id` under the key secret) and the Razorpay
/// order (this order's) are checked; then the payment is applied as its `payment.captured`
/// webhook would be, once per payment id: the webhook that follows is a duplicate.
#[utoipa::path(post, path = "/orders/{id}/razorpay-return", tag = "orders",
    params(("id" = String, Path, description = "The order's id")),
    request_body = RazorpayReturn,
    responses(
        (status = 200, description = "Verified and applied (or already applied): the order as it is now, `ORDER_CONFIRMED` once paid", body = Order),
        (status = 400, description = "`invalid_payment_signature` (`razorpaySignature` does not verify; `razorpayOrderId` is not this order's Razorpay order, or the order is not paid through Razorpay; `razorpayPaymentId` missing) or `malformed_json`; nothing changed", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: no such order of the caller's", body = Problem, content_type = PROBLEM),
    ))]
pub async fn razorpay_return(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(back): Json<RazorpayReturn>,
) -> Result<Json<Order>> {
    payments::payment_return(&actor, &state, &id, &back)
        .await
        .map(Json)
}
