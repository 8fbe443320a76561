//! `/api/v1/shops` and `/api/v1/admin/shops`: a customer applies to sell, follows the
//! application, and administrators approve or reject it (approval makes the customer a seller).

use crate::app::{Actor, shops};
use crate::domain::page_limit;
use crate::error::{ApiError, Result};
use crate::extractor::{Json, Query};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use contracts::Problem;
use contracts::admin::ApplicationPage;
use contracts::shops::{Shop, ShopApplication, ShopDecision, ShopStatus};
use serde::Deserialize;
use utoipa::IntoParams;

/// Who reviews applications: administrators (`sellers:manage`) and super administrators
/// (`sellers:all`), seed 000 §3.1.
const REVIEW_SHOPS: &[&str] = &["sellers:manage", "sellers:all"];
const DEFAULT_LIMIT: u32 = 50;
pub(crate) const MAX_LIMIT: u32 = 100;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::POST, "/shops", Policy::SignedIn, apply)
        .route(Method::GET, "/shops/mine", Policy::SignedIn, mine)
        .route(
            Method::GET,
            "/admin/shops",
            Policy::AnyOf(REVIEW_SHOPS),
            list,
        )
        .route(
            Method::POST,
            "/admin/shops/{id}/decision",
            Policy::AnyOf(REVIEW_SHOPS),
            decide,
        )
}

/// `POST /shops`: a customer applies to sell. One shop per account.
#[utoipa::path(post, path = "/shops", tag = "shops", request_body = ShopApplication,
    responses(
        (status = 201, description = "Applied; an administrator reviews it", body = Shop),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: only customers apply", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_exists`: this account already has a shop or an application", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`, with `errors` per field: the schema's rules, and what no schema states: `gstin` `gstin_check_character`, `gstin_pan_holder_type`, `gstin_pan_serial`; `address.stateCode` `state_mismatch` (not the GSTIN's state)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn apply(
    State(state): State<AppState>,
    actor: Actor,
    Json(application): Json<ShopApplication>,
) -> Result<(StatusCode, Json<Shop>)> {
    let shop = shops::apply(&actor, &state, &application).await?;
    Ok((StatusCode::CREATED, Json(shop)))
}

/// `GET /shops/mine`: the caller's shop or application.
#[utoipa::path(get, path = "/shops/mine", tag = "shops",
    responses(
        (status = 200, description = "The caller's shop, whatever its status", body = Shop),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: no application yet", body = Problem, content_type = PROBLEM),
    ))]
pub async fn mine(State(state): State<AppState>, actor: Actor) -> Result<Json<Shop>> {
    shops::mine(&actor, &state).await.map(Json)
}

/// The query string of `GET /admin/shops`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListShops {
    /// `PENDING`, `APPROVED` or `REJECTED`; all when absent.
    status: Option<ShopStatus>,
    /// Page size, 1 to 100 (default 50).
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    after: Option<String>,
}

/// `GET /admin/shops`: shops and applications, oldest first (the review queue with
/// `?status=PENDING`).
#[utoipa::path(get, path = "/admin/shops", tag = "back office", params(ListShops),
    responses(
        (status = 200, description = "One page of shops, each with its GSTIN check", body = ApplicationPage),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required`", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed` (`limit` out of range, unknown `after`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ListShops>,
) -> Result<Json<ApplicationPage>> {
    let limit = page_limit(query.limit, DEFAULT_LIMIT, MAX_LIMIT)
        .map_err(|error| ApiError::Validation(vec![error]))?;
    shops::list(&actor, &state, query.status, limit, query.after.as_deref())
        .await
        .map(Json)
}

/// `POST /admin/shops/{id}/decision`: approve (the owner becomes a seller) or reject with a
/// note. Final: a decided application answers 409.
#[utoipa::path(post, path = "/admin/shops/{id}/decision", tag = "back office",
    params(("id" = String, Path, description = "The shop's id")),
    request_body = ShopDecision,
    responses(
        (status = 200, description = "Decided", body = Shop),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_decided`: approved or rejected before", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: a rejection without a `note` (`required`), or a `note` over 500 characters", body = Problem, content_type = PROBLEM),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Json(decision): Json<ShopDecision>,
) -> Result<Json<Shop>> {
    shops::decide(&actor, &state, &id, &decision)
        .await
        .map(Json)
}
