//! `GET /api/v1/health` and `GET /api/v1/health/ready`: liveness and readiness for load
//! balancers, orchestrators, deploy scripts and test harnesses.
//!
//! Two probes because they answer two questions. Liveness ("is this process serving?") never
//! touches the database: an orchestrator restarts an instance that fails it, and restarting
//! every instance because PostgreSQL is down would only add a stampede to the outage.
//! Readiness ("should traffic come here?") asks the database and checks its schema, so a load
//! balancer takes the instance out while either is wrong and puts it back when it is right.

use crate::db::{Db, DbKind};
use crate::error::{ApiError, Result};
use crate::routes::policy::{ApiRoutes, Policy};
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::GET, "/health", Policy::Public, get_health)
        .route(Method::GET, "/health/ready", Policy::Public, get_ready)
}

/// The liveness report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Always `ok`: the process serves requests.
    pub status: &'static str,
    /// The version of this server build, so a deploy can check what is running.
    pub version: &'static str,
    /// The backend behind `DATABASE_URL`: `sqlite` or `postgres` (from the configuration; the
    /// database is not asked).
    pub database: DbKind,
}

/// The readiness report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// Always `ready`: otherwise the answer is a 503 `not_ready` problem.
    pub status: &'static str,
    /// The backend that answered.
    pub database: DbKind,
    /// The migrations this build embeds, every one applied.
    pub migrations: usize,
}

/// Liveness: 200 while the process serves; the database is not touched.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses(
        (status = 200, description = "The server process serves requests", body = Health),
    ))]
pub async fn get_health(State(db): State<Db>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        database: db.kind(),
    })
}

/// Readiness: 200 when the database answers a query and has applied every migration this
/// build embeds.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses(
        (status = 200, description = "The database answers and its schema is current", body = Readiness),
        (status = 503, description = "`not_ready`: the detail names what failed (`database` does not answer, or `migrations` not applied)", body = contracts::Problem,
            content_type = "application/problem+json"),
    ))]
pub async fn get_ready(State(db): State<Db>) -> Result<Json<Readiness>> {
    if let Err(error) = db.ping().await {
        tracing::warn!(%error, "not ready: the database does not answer");
        return Err(ApiError::NotReady("the database does not answer".into()));
    }
    match db.unapplied_migrations().await {
        Ok(missing) if missing.is_empty() => Ok(Json(Readiness {
            status: "ready",
            database: db.kind(),
            migrations: db.migrations(),
        })),
        Ok(missing) => {
            let versions: Vec<String> = missing.iter().map(i64::to_string).collect();
            Err(ApiError::NotReady(format!(
                "migrations not applied: {}",
                versions.join(", ")
            )))
        }
        Err(error) => {
            tracing::warn!(%error, "not ready: the applied migrations cannot be read");
            Err(ApiError::NotReady(
                "the applied migrations cannot be read".into(),
            ))
        }
    }
}
