//! `GET /api/v1/health`: liveness and readiness for load balancers, deploy scripts and test
//! harnesses.

use crate::db::{Db, DbKind};
use crate::error::{ApiError, Result};
use crate::routes::policy::{ApiRoutes, Policy};
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Method::GET, "/health", Policy::Public, get_health)
}

/// The health report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Always `ok`: when the database does not answer, the endpoint answers a 503
    /// `database_unavailable` problem instead, so a load balancer takes this instance out.
    pub status: &'static str,
    /// The version of this server build, so a deploy can check what is running.
    pub version: &'static str,
    /// The backend behind `DATABASE_URL`: `sqlite` or `postgres`.
    pub database: DbKind,
}

/// Liveness and readiness: 200 when the database answers.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses(
        (status = 200, description = "The server and its database answer", body = Health),
        (status = 503, description = "`database_unavailable`", body = contracts::Problem,
            content_type = "application/problem+json"),
    ))]
pub async fn get_health(State(db): State<Db>) -> Result<Json<Health>> {
    db.ping()
        .await
        .map_err(|e| ApiError::DatabaseUnavailable(anyhow::Error::new(e).context("ping")))?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        database: db.kind(),
    }))
}
