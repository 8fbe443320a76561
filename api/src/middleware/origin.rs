//! [`record`]: notes where each request comes from (the client's address, its `User-Agent`)
//! as an [`Origin`] in the request's extensions, where the `Actor` and `Origin` extractors
//! find it, so every audit row says where its action came from.

use crate::app::Origin;
use crate::error::ApiError;
use crate::middleware::client_ip::client_ip;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

/// Middleware: inserts the request's [`Origin`]; `trust_proxy` as in `client_ip`.
pub async fn record(State(trust_proxy): State<bool>, mut request: Request, next: Next) -> Response {
    let ip = client_ip(&request, trust_proxy);
    let agent = request
        .headers()
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok());
    let origin = Origin::new(ip, agent);
    request.extensions_mut().insert(origin);
    next.run(request).await
}

/// The request's origin; empty where the middleware did not run (a router built in a unit
/// test).
impl<S: Send + Sync> FromRequestParts<S> for Origin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Origin>()
            .cloned()
            .unwrap_or_default())
    }
}
