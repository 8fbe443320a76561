//! `/api/v1/gst/rates`: the GST slabs in force today, for the seller's product form, over
//! `app::catalog::gst_rates`.

use crate::app::catalog;
use crate::app::{Actor, Origin};
use crate::extractor::Json;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use contracts::product_manager::GstRates;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Method::GET, "/gst/rates", Policy::Public, rates)
}

/// `GET /gst/rates`: the GST slabs in force on India's date, lowest first.
#[utoipa::path(get, path = "/gst/rates", tag = "catalog",
    responses((status = 200, description = "The slabs in force today", body = GstRates)))]
pub async fn rates(State(state): State<AppState>, origin: Origin) -> Json<GstRates> {
    // An anonymous route: whoever calls is a guest.
    Json(catalog::gst_rates(&Actor::guest(origin), &state))
}
