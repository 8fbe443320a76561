//! `GET /api/v1/admin/reconciliation`: the captures no order took and the refunds not done,
//! each with its state (`app::payments::reconciliation`), for administrators with a second
//! factor.

use crate::app::{Actor, payments};
use crate::error::Result;
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use contracts::Problem;
use contracts::payments::ReconciliationList;

/// Administrators read orders' money (seed 000 §3.1: `orders:view`).
const VIEW: &[&str] = &["orders:view"];

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(
        Method::GET,
        "/admin/reconciliation",
        Policy::AnyOf(VIEW),
        list,
    )
}

/// `GET /admin/reconciliation`: newest first, at most 500 cases. Each late, mismatched or
/// second capture, with the refund that gives it back (its state), and each refund that is
/// not `DONE` (`PENDING`: the reconciler will finish it; `FAILED`: the gateway refused, an
/// operator's case).
#[utoipa::path(get, path = "/admin/reconciliation", tag = "back office",
    responses(
        (status = 200, description = "The cases, newest first", body = ReconciliationList),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required` for an administrator without a second factor", body = Problem, content_type = PROBLEM),
    ))]
pub async fn list(State(state): State<AppState>, actor: Actor) -> Result<Json<ReconciliationList>> {
    payments::reconciliation(&actor, &state).await.map(Json)
}
