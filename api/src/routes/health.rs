//! `GET /api/v1/health`: liveness for load balancers, deploy scripts and test harnesses.

use crate::state::AppState;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(get_health))
}

/// The health report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Always `ok` while the process can answer; readiness checks (database) come later.
    pub status: &'static str,
    /// The version of this server build, so a deploy can check what is running.
    pub version: &'static str,
}

async fn get_health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}
