//! `/api/v1/invoices` and `/api/v1/orders/{id}/invoices`: GST tax invoices as JSON and as PDF.
//! A customer reads the invoices of its own orders, a seller its own invoices, administrators
//! all; anything else is "not found" (`app::invoices`).

use crate::app::{Actor, invoices};
use crate::error::Result;
use crate::extractor::Json;
use crate::pdf;
use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use contracts::Problem;
use contracts::invoices::{Invoice, InvoiceList};

/// Customers (`invoices:own_view`), sellers (`orders:own_view`: invoices are part of their
/// orders) and administrators (`orders:view`); the readers of credit notes too.
pub const READ: &[&str] = &["invoices:own_view", "orders:own_view", "orders:view"];

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .route(
            Method::GET,
            "/orders/{id}/invoices",
            Policy::AnyOf(READ),
            of_order,
        )
        .route(Method::GET, "/invoices/{id}", Policy::AnyOf(READ), show)
        .route(Method::GET, "/invoices/{id}/pdf", Policy::AnyOf(READ), pdf)
}

/// `GET /orders/{id}/invoices`: the order's invoices the caller may read (one per seller, once
/// the order is confirmed).
#[utoipa::path(get, path = "/orders/{id}/invoices", tag = "invoices",
    params(("id" = String, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The invoices (none before confirmation)", body = InvoiceList),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn of_order(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<InvoiceList>> {
    let items = invoices::of_order(&actor, &state, &id).await?;
    Ok(Json(InvoiceList { items }))
}

/// `GET /invoices/{id}`: one invoice with every CGST Rule 46 particular.
#[utoipa::path(get, path = "/invoices/{id}", tag = "invoices",
    params(("id" = String, Path, description = "The invoice's id")),
    responses(
        (status = 200, description = "The invoice", body = Invoice),
        (status = 404, description = "`not_found`: no such invoice for the caller", body = Problem, content_type = PROBLEM),
    ))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Invoice>> {
    invoices::show(&actor, &state, &id).await.map(Json)
}

/// `GET /invoices/{id}/pdf`: the invoice as a PDF download.
#[utoipa::path(get, path = "/invoices/{id}/pdf", tag = "invoices",
    params(("id" = String, Path, description = "The invoice's id")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 404, description = "`not_found`", body = Problem, content_type = PROBLEM),
    ))]
pub async fn pdf(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response> {
    let invoice = invoices::show(&actor, &state, &id).await?;
    Ok(pdf_download(
        pdf::invoice::render(&invoice),
        &invoice.number,
    ))
}

/// A PDF document `bytes` as a download named after its `number`.
pub fn pdf_download(bytes: Vec<u8>, number: &str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response();
    // Numbers are letters, digits and '-' only, so they are safe file names as they are.
    if let Ok(disposition) =
        HeaderValue::from_str(&format!("attachment; filename=\"{number}.pdf\""))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}
