//! The CORS allowlist (`CORS_ORIGINS`): which other origins' pages may call the API with the
//! user's cookies, what they may send, and which response headers they may read.

use crate::middleware::headers::REQUEST_ID_HEADER;
use axum::http::{HeaderName, HeaderValue, Method, header};
use contracts::auth::CSRF_HEADER;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowCredentials, AllowOrigin, CorsLayer};

/// How long a browser may reuse a preflight answer, so a shrunk allowlist reaches browsers
/// within minutes.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The CORS layer for `origins` (checked by `Config`: exact `scheme://host[:port]`), or `None`
/// when the list is empty: then no CORS header is ever sent, and browsers keep every other
/// origin from reading the API's answers.
pub fn layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allowed: Arc<[HeaderValue]> = origins
        .iter()
        .map(|origin| HeaderValue::from_str(origin).expect("Config checked CORS_ORIGINS"))
        .collect();
    let credentials_for = Arc::clone(&allowed);
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(allowed.iter().cloned()))
            // Only for a listed origin: a foreign one gets no CORS header at all, rather than
            // a lone `Access-Control-Allow-Credentials: true`.
            .allow_credentials(AllowCredentials::predicate(move |origin, _| {
                credentials_for.contains(origin)
            }))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static(CSRF_HEADER),
                HeaderName::from_static("idempotency-key"),
                REQUEST_ID_HEADER,
            ])
            // A page reads these from answers: the id to quote in a support request, and when
            // to retry after a 429.
            .expose_headers([REQUEST_ID_HEADER, header::RETRY_AFTER])
            .max_age(PREFLIGHT_MAX_AGE),
    )
}
