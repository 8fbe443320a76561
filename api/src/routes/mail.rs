//! `GET /api/v1/admin/mail/dead`: the mails the sender gave up on (`app::outbox::dead`), for
//! administrators: what each was about, its recipient masked, its attempts and last error;
//! never a body.

use crate::app::{Actor, outbox};
use crate::error::Result;
use crate::extractor::Json;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use contracts::Problem;
use contracts::mail::DeadMailList;

/// Administrators who manage accounts: a dead mail is an account that did not hear from us
/// (a reset link, an order's news).
const VIEW: &[&str] = &["users:manage", "users:all"];

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(
        Method::GET,
        "/admin/mail/dead",
        Policy::AnyOf(VIEW),
        list_dead,
    )
}

/// `GET /admin/mail/dead`: newest first, at most 500.
#[utoipa::path(get, path = "/admin/mail/dead", tag = "back office",
    responses(
        (status = 200, description = "The dead mails, newest first", body = DeadMailList),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
        (status = 403, description = "`forbidden`, or `mfa_required` for an administrator without a second factor", body = Problem, content_type = PROBLEM),
    ))]
pub async fn list_dead(State(state): State<AppState>, actor: Actor) -> Result<Json<DeadMailList>> {
    outbox::dead(&actor, &state).await.map(Json)
}
