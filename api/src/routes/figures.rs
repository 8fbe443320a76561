//! `GET /api/v1/admin/figures`: the platform's figures for the back office's charts
//! (`app::figures`).

use crate::app::{Actor, figures};
use crate::error::Result;
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use contracts::Problem;
use contracts::admin::Figures;

/// Administrators (those who manage accounts), with a second factor.
const VIEW: &[&str] = &["users:manage", "users:all"];

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Method::GET, "/admin/figures", Policy::AnyOf(VIEW), get)
}

/// Per UTC day for the last 30 days (oldest first, every day present): paid orders, their
/// value (GMV, paise), new accounts, refunds; and the pending applications and open
/// reconciliation cases.
#[utoipa::path(get, path = "/admin/figures", tag = "back office",
    responses(
        (status = 200, description = "The figures", body = Figures),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn get(State(state): State<AppState>, actor: Actor) -> Result<Json<Figures>> {
    figures::figures(&actor, &state).await.map(Json)
}
