//! The REST API: one module per resource, each declaring its routes and their policies in an
//! [`ApiRoutes`] table; the tables merge into one router that `startup` nests under `/api/v1`.

use crate::state::AppState;
use axum::Router;
use policy::ApiRoutes;

pub mod audit;
pub mod auth;
pub mod carts;
pub mod credit_notes;
pub mod figures;
pub mod fulfilment;
pub mod gst;
pub mod health;
pub mod images;
pub mod impersonation;
pub mod invoices;
pub mod mail;
pub mod mfa;
pub mod openapi;
pub mod orders;
pub mod password;
pub mod policy;
pub mod products;
pub mod reconciliation;
pub mod seller_dashboard;
pub mod session;
pub mod shops;
pub mod users;
pub mod versioning;
pub mod webhooks;

/// The path prefix every API route lives under.
pub const API_PREFIX: &str = "/api";

/// The media type of error bodies, for the OpenAPI annotations.
pub const PROBLEM: &str = contracts::problem::PROBLEM_CONTENT_TYPE;

/// Every API route with its policy, relative to `/api/v1`: the one table the router, the
/// role × route matrix test and the OpenAPI document's security requirements are read from.
pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        // Operations: probes for load balancers and deploy scripts, and this API's own
        // description; no auth.
        .merge(health::routes())
        .merge(openapi::routes())
        // Identity: anyone may register, sign in, answer a sign-in challenge and reset a password;
        // refreshing and signing out take the refresh cookie; the rest needs a session.
        .merge(auth::routes())
        .merge(session::routes())
        .merge(mfa::routes())
        .merge(password::routes())
        // Selling: customers apply for a shop, administrators review applications.
        .merge(shops::routes())
        // The catalog: public browsing, and each seller's own products.
        .merge(products::routes())
        .merge(images::routes())
        .merge(gst::routes())
        // The seller's back office: dashboard figures, GST summary, shop profile.
        .merge(seller_dashboard::routes())
        // Carts: guests' by id, customers' own.
        .merge(carts::routes())
        // Checkout and orders, and the payment gateway's webhook.
        .merge(orders::routes())
        .merge(invoices::routes())
        .merge(credit_notes::routes())
        .merge(webhooks::routes())
        // Fulfilment: sellers pack, ship and deliver their part; customers cancel.
        .merge(fulfilment::routes())
        // Back office: accounts, and payments that did not go the usual way, for
        // administrators.
        .merge(users::routes())
        .merge(reconciliation::routes())
        .merge(figures::routes())
        .merge(mail::routes())
        // The audit log, for administrators with `audit:view`.
        .merge(audit::routes())
        // Support sessions: administrators act as a user; the user sees each session.
        .merge(impersonation::routes())
}

/// The router of [`routes`], each route behind its policy check.
pub fn router(state: &AppState) -> Router<AppState> {
    routes().into_router(state)
}

/// `true` for `/api` and anything below it. Such paths are answered by the API alone (a
/// problem+json 404 when nothing matches), never by the front end's HTML.
pub fn is_api_path(path: &str) -> bool {
    path.strip_prefix(API_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_are_the_prefix_and_everything_below_it() {
        for path in ["/api", "/api/", "/api/v1/health", "/api/v2/x.json"] {
            assert!(is_api_path(path), "{path}");
        }
        for path in ["/", "/apiary", "/products/api", "/api.json"] {
            assert!(!is_api_path(path), "{path}");
        }
    }

    /// docs/API.md is the guide clients read; a route it does not list is a route nobody
    /// knows how to call. (The OpenAPI document is checked against the router in `openapi`.)
    #[test]
    fn docs_api_md_lists_every_route() {
        let guide = include_str!("../../../docs/API.md");
        let missing: Vec<String> = routes()
            .specs()
            .iter()
            .map(|spec| format!("`{} {API_PREFIX}/v1{}`", spec.method, spec.path))
            .filter(|row| !guide.contains(row.as_str()))
            .collect();
        assert!(missing.is_empty(), "docs/API.md does not list {missing:?}");
    }
}
