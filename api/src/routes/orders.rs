//! `/api/v1/orders`: checkout (an order from the customer's cart, idempotent by
//! `Idempotency-Key`, paid through the configured gateway), order history within the reader's
//! scope, and refunds by administrators.

use crate::auth::secret::hex;
use crate::auth::token;
use crate::db::orders::{self, Claim, PlaceError, Placement, Scope};
use crate::db::shops;
use crate::error::{ApiError, Result};
use crate::extractor::{AuthUser, Json, Query};
use crate::payments::{GatewayError, PaymentRequest};
use crate::routes::auth::field_error;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::routes::{PROBLEM, page_limit};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use contracts::gstin::StateCode;
use contracts::orders::{
    DeliveryAddress, Order, OrderPage, OrderStatus, PlaceOrder, RefundRequest, StatusChange,
};
use contracts::props::Role;
use contracts::{FieldError, Paise, Problem};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use utoipa::IntoParams;

/// Customers buy (seed 000 §3.1: `cart:own_manage`).
const PLACE: &[&str] = &["cart:own_manage"];
/// Customers and sellers read their own; administrators everything.
const READ: &[&str] = &["orders:own_view", "orders:view"];
/// Refunds are an administrator's act.
const REFUND: &[&str] = &["orders:view"];
/// The header carrying the idempotency key (Stripe's spelling).
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on an answer replayed from an idempotency key.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";
const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 50;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::POST, "/orders", Policy::AnyOf(PLACE), place)
        .route(Method::GET, "/orders", Policy::AnyOf(READ), list)
        .route(Method::GET, "/orders/{id}", Policy::AnyOf(READ), show)
        .route(
            Method::POST,
            "/orders/{id}/refunds",
            Policy::AnyOf(REFUND),
            refund,
        )
}

/// `POST /orders`: buys what the customer's cart holds. In one transaction the lines are
/// re-priced, the GST slab of the order date applied per line (CGST + SGST when the seller's
/// state is the place of supply, IGST otherwise), the stock reserved and the cart emptied;
/// then the gateway opens the payment and the answer carries `paymentUrl`. The same
/// `Idempotency-Key` and body within 24 hours replay the first answer; another body is 422.
#[utoipa::path(post, path = "/orders", tag = "orders", request_body = PlaceOrder,
    params(("Idempotency-Key" = String, Header, description = "A key of the client's choosing, the same for every retry of this order")),
    responses(
        (status = 201, description = "Placed, payment pending; `paymentUrl` is where the shopper pays", body = Order),
        (status = 400, description = "`idempotency_key_required` or `malformed_json`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the cart is not the customer's", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`order_not_placeable` (lines withdrawn, out of stock, GST rate retired) or `idempotency_in_progress`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (address, empty cart) or `idempotency_key_reused`", body = Problem, content_type = PROBLEM),
        (status = 502, description = "`payment_gateway_error`: the order was cancelled", body = Problem, content_type = PROBLEM),
        (status = 503, description = "`payments_unavailable`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn place(
    State(state): State<AppState>,
    customer: AuthUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let key = idempotency_key(&headers)?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    let request: PlaceOrder = serde_json::from_slice(&body)
        .map_err(|error| ApiError::MalformedJson(format!("The body does not fit: {error}.")))?;
    let (address, place_of_supply) = validate_address(&request.address)?;
    let payments = state
        .payments
        .as_ref()
        .ok_or(ApiError::PaymentsUnavailable)?;
    let customer_id = customer.claims.sub.as_str();
    let hash = hex(&Sha256::digest(&body));
    let now = token::now();

    match orders::claim_key(&state.db, customer_id, key, &hash, now).await? {
        Claim::New => {}
        Claim::Replay { status, body } => return Ok(replay(status, body)),
        Claim::Mismatch => return Err(ApiError::IdempotencyKeyReused),
        Claim::InProgress => return Err(ApiError::IdempotencyInProgress),
    }
    let placement = Placement {
        customer_id,
        cart_id: &request.cart_id,
        address: &address,
        place_of_supply,
        payment_provider: payments.name(),
        date: crate::clock::india_date(now),
        now,
        pay_by: now + state.payment_timeout_secs,
    };
    let order_id = match orders::place(&state.db, &placement).await {
        Ok(id) => id,
        Err(error) => {
            // Nothing was written: free the key so a corrected retry may use it.
            orders::release_key(&state.db, customer_id, key).await?;
            return Err(match error {
                PlaceError::CartNotFound => ApiError::NotFound,
                PlaceError::EmptyCart => ApiError::Validation(vec![field_error(
                    "cartId",
                    "empty_cart",
                    "the cart is empty",
                )]),
                PlaceError::Lines(errors) => ApiError::OrderNotPlaceable(errors),
                PlaceError::Database(error) => ApiError::from(error),
            });
        }
    };

    let mut order = orders::get(&state.db, Scope::Customer(customer_id), &order_id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a placed order vanished")))?;
    let opened = payments
        .initiate(PaymentRequest {
            order_id: &order_id,
            amount: order.totals.total,
            return_path: format!("/checkout/result?order={order_id}"),
        })
        .await;
    // The answer is kept with the key: a retry (a lost response, a double click) gets exactly
    // this, and no second order.
    let (status, body) = match opened {
        Ok(session) => {
            // The order as it is once the payment is open (what `orders::get` would read back).
            order.status = OrderStatus::PaymentPending;
            order.payment_url = Some(session.pay_url.clone());
            order.history.push(StatusChange {
                status: OrderStatus::PaymentPending,
                at: now,
            });
            let body = serde_json::to_string(&order).expect("an order serialises");
            let answer = orders::Answer {
                customer_id,
                key,
                status: StatusCode::CREATED.as_u16(),
                body: &body,
            };
            orders::payment_opened(
                &state.db,
                &order_id,
                &session.reference,
                &session.pay_url,
                now,
                &answer,
            )
            .await?;
            (StatusCode::CREATED, body)
        }
        Err(error) => {
            tracing::error!(%error, order_id, "the payment gateway did not open a payment");
            orders::payment_not_opened(&state.db, &order_id, now).await?;
            let problem = ApiError::PaymentGateway.problem();
            let body = serde_json::to_string(&problem).expect("a problem serialises");
            let answer = orders::Answer {
                customer_id,
                key,
                status: StatusCode::BAD_GATEWAY.as_u16(),
                body: &body,
            };
            orders::complete_key(&state.db, &answer).await?;
            (StatusCode::BAD_GATEWAY, body)
        }
    };
    let mut response = stored(status.as_u16(), body);
    if status == StatusCode::CREATED
        && let Ok(location) = HeaderValue::from_str(&format!("/api/v1/orders/{order_id}"))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// The `Idempotency-Key` header: 1 to 255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<&str> {
    headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|value| value.to_str().ok())
        .filter(|key| (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or(ApiError::IdempotencyKeyRequired)
}

/// A stored answer, as JSON or problem+json by its status.
fn stored(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        contracts::problem::PROBLEM_CONTENT_TYPE
    };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A replayed answer, marked as such.
fn replay(status: u16, body: String) -> Response {
    let mut response = stored(status, body);
    response
        .headers_mut()
        .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    response
}

/// Checks a delivery address; the trimmed address and its state (the place of supply).
fn validate_address(address: &DeliveryAddress) -> Result<(DeliveryAddress, StateCode)> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut text = |field: &str, value: &str, max: usize| -> String {
        let value = value.trim();
        if value.is_empty() {
            errors.push(field_error(field, "required", "must not be empty"));
        } else if value.chars().count() > max {
            errors.push(field_error(
                field,
                "too_long",
                &format!("must be at most {max} characters"),
            ));
        }
        value.to_owned()
    };
    let name = text("address.name", &address.name, 100);
    let line1 = text("address.line1", &address.line1, 200);
    let line2 = match address.line2.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(line) => Some(text("address.line2", line, 200)),
    };
    let city = text("address.city", &address.city, 100);
    // An Indian mobile number, with or without +91 / 0 and spaces.
    let digits: String = address.phone.chars().filter(char::is_ascii_digit).collect();
    let phone = match digits.len() {
        10 => Some(digits),
        11 if digits.starts_with('0') => Some(digits[1..].to_owned()),
        12 if digits.starts_with("91") => Some(digits[2..].to_owned()),
        _ => None,
    }
    .filter(|p| matches!(p.as_bytes()[0], b'6'..=b'9'));
    if phone.is_none() {
        errors.push(field_error(
            "address.phone",
            "phone_format",
            "must be a 10-digit Indian mobile number",
        ));
    }
    let state = StateCode::parse(address.state_code.trim());
    if state.is_none() {
        errors.push(field_error(
            "address.stateCode",
            "unknown_state",
            "is not a GST state code",
        ));
    }
    let pincode = address.pincode.trim().to_owned();
    if crate::domain::Pincode::parse(&pincode).is_err() {
        errors.push(field_error(
            "address.pincode",
            "pincode_format",
            "must be six digits, not starting with 0",
        ));
    }
    match (state, phone) {
        (Some(state), Some(phone)) if errors.is_empty() => Ok((
            DeliveryAddress {
                name,
                phone,
                line1,
                line2,
                city,
                state_code: state.to_string(),
                pincode,
            },
            state,
        )),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// The scope of the caller's reading: a customer's own orders, a seller's shop's lines, or
/// everything for administrators (`orders:view`).
pub async fn reader_scope(state: &AppState, user: &AuthUser) -> Result<ScopeOwned> {
    Ok(match user.claims.role {
        Role::Customer => ScopeOwned::Customer(user.claims.sub.clone()),
        Role::Seller => {
            let owner = crate::db::Id::parse(&user.claims.sub).unwrap_or(crate::db::Id::nil());
            let shop = shops::id_of_owner(&mut state.db.conn().await?, owner).await?;
            // A seller without a shop sees nothing: the nil id matches no line.
            ScopeOwned::Shop(shop.unwrap_or(crate::db::Id::nil()).to_string())
        }
        Role::Admin | Role::SuperAdmin => ScopeOwned::All,
    })
}

/// [`Scope`] with owned ids, as [`reader_scope`] finds them.
pub enum ScopeOwned {
    Customer(String),
    Shop(String),
    All,
}

impl ScopeOwned {
    pub fn borrow(&self) -> Scope<'_> {
        match self {
            ScopeOwned::Customer(id) => Scope::Customer(id),
            ScopeOwned::Shop(id) => Scope::Shop(id),
            ScopeOwned::All => Scope::All,
        }
    }
}

/// The query string of `GET /orders`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListOrders {
    /// Page size, 1 to 50 (default 20).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    after: Option<String>,
}

/// `GET /orders`: the caller's orders, newest first (a seller's: orders with its lines, and
/// only those lines).
#[utoipa::path(get, path = "/orders", tag = "orders", params(ListOrders),
    responses(
        (status = 200, description = "One page of orders", body = OrderPage),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit`, `after`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(query): Query<ListOrders>,
) -> Result<Json<OrderPage>> {
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT)
        .map_err(|error| ApiError::Validation(vec![error]))?;
    let scope = reader_scope(&state, &user).await?;
    orders::list(&state.db, scope.borrow(), limit, query.after.as_deref())
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::Validation(vec![field_error(
                "after",
                "unknown_cursor",
                "is not the cursor of a page",
            )])
        })
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
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Order>> {
    let scope = reader_scope(&state, &user).await?;
    orders::get(&state.db, scope.borrow(), &id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// `POST /orders/{id}/refunds`: gives back `amount` (default: all that is left) of a confirmed
/// order through its gateway. Partial refunds add up to at most the total.
#[utoipa::path(post, path = "/orders/{id}/refunds", tag = "orders",
    params(("id" = String, Path, description = "The order's id")),
    request_body = RefundRequest,
    responses(
        (status = 200, description = "Refunded; the order with its `refunded` amount", body = Order),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`refund_refused`: not confirmed, or more than is left", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`amount`, `reason`)", body = Problem, content_type = PROBLEM),
        (status = 502, description = "`payment_gateway_error`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn refund(
    State(state): State<AppState>,
    admin: AuthUser,
    Path(id): Path<String>,
    Json(request): Json<RefundRequest>,
) -> Result<Json<Order>> {
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::Validation(vec![field_error(
            "reason",
            "required",
            "say why, in at most 500 characters",
        )]));
    }
    let order = orders::get(&state.db, Scope::All, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if order.status != OrderStatus::OrderConfirmed {
        return Err(ApiError::RefundRefused(format!(
            "the order is {}",
            order.status.as_str()
        )));
    }
    let Some((reference, left)) = orders::refundable(&state.db, &id).await? else {
        return Err(ApiError::RefundRefused("the order has no payment".into()));
    };
    let amount = request.amount.unwrap_or(left);
    if amount <= Paise(0) || amount > left {
        return Err(ApiError::Validation(vec![field_error(
            "amount",
            "out_of_range",
            &format!(
                "must be between 1 and {} paise (what is left to refund)",
                left.0
            ),
        )]));
    }
    let payments = state
        .payments
        .as_ref()
        .ok_or(ApiError::PaymentsUnavailable)?;
    let gateway_ref = payments
        .refund(&reference, amount)
        .await
        .map_err(|error| match error {
            GatewayError::Refused(why) => ApiError::RefundRefused(why),
            GatewayError::Unavailable(error) => {
                tracing::error!(%error, "the payment gateway failed a refund");
                ApiError::PaymentGateway
            }
        })?;
    let recorded = orders::record_refund(
        &state.db,
        &id,
        amount,
        reason,
        &gateway_ref,
        &admin.claims.sub,
        token::now(),
    )
    .await?;
    if !recorded {
        // The gateway refunded but a concurrent refund took the room first: say so loudly.
        tracing::error!(order_id = %id, gateway_ref, "a gateway refund could not be recorded");
        return Err(ApiError::RefundRefused(
            "another refund was recorded first".into(),
        ));
    }
    orders::get(&state.db, Scope::All, &id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}
