//! `/api/v1/audit`: the audit viewer's API (`app::audit`): rows filtered and paged, the same as
//! CSV, and the hash chain's status. `audit:view` only, which administrators hold once they
//! passed a second factor.

use crate::app::Actor;
use crate::app::audit::query::{self, AuditQuery};
use crate::app::audit::verify;
use crate::error::Result;
use crate::extractor::{Json, Query};
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use contracts::Problem;
use contracts::audit::{AuditChainStatus, AuditPage};

/// Who reads the audit log (seed 000 §3.1).
const VIEW: &[&str] = &["audit:view"];

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(Method::GET, "/audit", Policy::AnyOf(VIEW), list)
        .route(
            Method::GET,
            "/audit/export.csv",
            Policy::AnyOf(VIEW),
            export,
        )
        .route(Method::GET, "/audit/status", Policy::AnyOf(VIEW), status)
}

/// `GET /audit`: rows newest first, filtered, a page at a time.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses(
        (status = 200, description = "One page of audit rows", body = AuditPage),
        (status = 400, description = "`invalid_query`: an unknown parameter, a bad value or time range (`from` after `to`); the detail names the parameter", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required` for an administrator without a second factor", body = Problem, content_type = PROBLEM),
        (status = 422, description = "`validation_failed`: `limit` out of range", body = Problem, content_type = PROBLEM),
    ))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>> {
    query::search(&actor, &state, &query).await.map(Json)
}

/// `GET /audit/export.csv`: every matching row (at most 100 000, newest first) as CSV, cells
/// defused against spreadsheet formulas. The export is itself audited (`audit:export`).
#[utoipa::path(get, path = "/audit/export.csv", tag = "audit", params(AuditQuery),
    responses(
        (status = 200, description = "The rows as CSV", content_type = "text/csv"),
        (status = 400, description = "`invalid_query`", body = Problem, content_type = PROBLEM),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn export(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<AuditQuery>,
) -> Result<Response> {
    let csv = query::export_csv(&actor, &state, &query).await?;
    let mut response = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit.csv\""),
    );
    Ok(response)
}

/// `GET /audit/status`: the chain verified now, end to end, and its checkpoints.
#[utoipa::path(get, path = "/audit/status", tag = "audit",
    responses(
        (status = 200, description = "Rows, head hash, last checkpoint, and whether all verified (else the first bad row)", body = AuditChainStatus),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn status(State(state): State<AppState>, actor: Actor) -> Result<Json<AuditChainStatus>> {
    verify::status(&actor, &state).await.map(Json)
}
