//! `/api/v1/seller/dashboard`, `/api/v1/seller/gst-summary` (JSON and CSV) and
//! `/api/v1/seller/shop` (the profile, and its changes): the seller's own shop only, over
//! `app::seller_dashboard` and `app::shop_profile`.

use crate::app::{Actor, seller_dashboard, shop_profile};
use crate::error::Result;
use crate::extractor::{Json, Query};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use contracts::Problem;
use contracts::seller_dashboard::{GstSummary, SellerDashboard, ShopChanges, ShopProfile};
use serde::Deserialize;
use utoipa::IntoParams;

/// Only sellers hold it (seed 000 §3.1): the figures and the profile of their own shop.
const OWN_SHOP: &[&str] = &["shop:own_manage"];

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(
            Method::GET,
            "/seller/dashboard",
            Policy::AnyOf(OWN_SHOP),
            dashboard,
        )
        .route(
            Method::GET,
            "/seller/gst-summary",
            Policy::AnyOf(OWN_SHOP),
            gst_summary,
        )
        .route(
            Method::GET,
            "/seller/gst-summary.csv",
            Policy::AnyOf(OWN_SHOP),
            gst_summary_csv,
        )
        .route(Method::GET, "/seller/shop", Policy::AnyOf(OWN_SHOP), shop)
        .route(
            Method::PATCH,
            "/seller/shop",
            Policy::AnyOf(OWN_SHOP),
            change_shop,
        )
}

/// `GET /seller/dashboard`: sales by day (30 Indian days), orders to fulfil, low stock.
#[utoipa::path(get, path = "/seller/dashboard", tag = "seller",
    responses(
        (status = 200, description = "The shop's figures", body = SellerDashboard),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: sellers only", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no shop", body = Problem, content_type = PROBLEM),
    ))]
pub async fn dashboard(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<SellerDashboard>> {
    seller_dashboard::dashboard(&actor, &state).await.map(Json)
}

/// The query string of the GST summary.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM`; this month in India when absent.
    month: Option<String>,
}

/// `GET /seller/gst-summary`: the month's GST by rate and place of supply, invoices less the
/// month's credit notes.
#[utoipa::path(get, path = "/seller/gst-summary", tag = "seller", params(MonthQuery),
    responses(
        (status = 200, description = "The month's summary", body = GstSummary),
        (status = 400, description = "`invalid_query`: `month` is not YYYY-MM", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: sellers only", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no shop", body = Problem, content_type = PROBLEM),
    ))]
pub async fn gst_summary(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<MonthQuery>,
) -> Result<Json<GstSummary>> {
    let month = seller_dashboard::month_of(query.month.as_deref(), state.clock.now())?;
    seller_dashboard::gst_summary(&actor, &state, month)
        .await
        .map(Json)
}

/// `GET /seller/gst-summary.csv`: the same summary as a CSV download, amounts in paise.
#[utoipa::path(get, path = "/seller/gst-summary.csv", tag = "seller", params(MonthQuery),
    responses(
        (status = 200, description = "The summary as CSV", content_type = "text/csv"),
        (status = 400, description = "`invalid_query`: `month` is not YYYY-MM", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: sellers only", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no shop", body = Problem, content_type = PROBLEM),
    ))]
pub async fn gst_summary_csv(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<MonthQuery>,
) -> Result<Response> {
    let month = seller_dashboard::month_of(query.month.as_deref(), state.clock.now())?;
    let summary = seller_dashboard::gst_summary(&actor, &state, month).await?;
    let csv = seller_dashboard::summary_csv(&summary);
    let mut response = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response();
    let disposition = format!("attachment; filename=\"gst-summary-{month}.csv\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /seller/shop`: the seller's shop profile.
#[utoipa::path(get, path = "/seller/shop", tag = "shops",
    responses(
        (status = 200, description = "The shop and its description", body = ShopProfile),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: sellers only", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no shop", body = Problem, content_type = PROBLEM),
    ))]
pub async fn shop(State(state): State<AppState>, actor: Actor) -> Result<Json<ShopProfile>> {
    shop_profile::mine(&actor, &state).await.map(Json)
}

/// `PATCH /seller/shop`: change the display name, description or address lines at once; a
/// new GSTIN sends the shop back to review (`PENDING`, its products off sale until approved).
#[utoipa::path(patch, path = "/seller/shop", tag = "shops", request_body = ShopChanges,
    responses(
        (status = 200, description = "The profile as changed", body = ShopProfile),
        (status = 400, description = "`malformed_json`: not the body this takes (an unknown field)", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`: sellers only; `impersonation_forbidden` for the address or GSTIN", body = Problem, content_type = PROBLEM),
        (status = 404, description = "`not_found`: the seller has no shop", body = Problem, content_type = PROBLEM),
        (status = 409, description = "`shop_not_approved`: the shop was rejected", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`, with `errors` per field (`displayName`, `description`, `address.*`, `gstin`: format, check character, `gstin_taken`, `state_mismatch`)", body = Problem, content_type = PROBLEM),
    ))]
pub async fn change_shop(
    State(state): State<AppState>,
    actor: Actor,
    Json(changes): Json<ShopChanges>,
) -> Result<Json<ShopProfile>> {
    shop_profile::change(&actor, &state, &changes)
        .await
        .map(Json)
}
