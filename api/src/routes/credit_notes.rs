//! `/api/v1/credit-notes` and `/api/v1/orders/{id}/credit-notes`: GST credit notes, issued by
//! refunds, as JSON and as PDF. Read by exactly the invoices' readers (`app::credit_notes`).

use crate::app::{Actor, credit_notes};
use crate::error::Result;
use crate::extractor::Json;
use crate::pdf;
use crate::routes::PROBLEM;
use crate::routes::invoices::{READ, pdf_download};
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::response::Response;
use contracts::Problem;
use contracts::credit_notes::{CreditNote, CreditNoteList};

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(
            Method::GET,
            "/orders/{id}/credit-notes",
            Policy::AnyOf(READ),
            of_order,
        )
        .route(Method::GET, "/credit-notes/{id}", Policy::AnyOf(READ), show)
        .route(
            Method::GET,
            "/credit-notes/{id}/pdf",
            Policy::AnyOf(READ),
            pdf,
        )
}

/// `GET /orders/{id}/credit-notes`: the order's credit notes the caller may read (one per
/// seller per refund), oldest first.
#[utoipa::path(get, path = "/orders/{id}/credit-notes", tag = "invoices",
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The credit notes (none before a refund)", body = CreditNoteList),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn of_order(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<CreditNoteList>> {
    let items = credit_notes::of_order(&actor, &state, &id).await?;
    Ok(Json(CreditNoteList { items }))
}

/// `GET /credit-notes/{id}`: one credit note with every CGST Rule 53(1A) particular.
#[utoipa::path(get, path = "/credit-notes/{id}", tag = "invoices",
    params(("id" = String, Path, description = "The credit note's id")),
    responses(
        (status = 200, description = "The credit note", body = CreditNote),
        (status = 404, description = "`not_found`: no such credit note for the caller", body = Problem, content_type = PROBLEM),
    ))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<CreditNote>> {
    credit_notes::show(&actor, &state, &id).await.map(Json)
}

/// `GET /credit-notes/{id}/pdf`: the credit note as a PDF download.
#[utoipa::path(get, path = "/credit-notes/{id}/pdf", tag = "invoices",
    params(("id" = String, Path, description = "The credit note's id")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn pdf(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response> {
    let note = credit_notes::show(&actor, &state, &id).await?;
    Ok(pdf_download(pdf::credit_note::render(&note), &note.number))
}
