//! Security headers on every response, set only where the response has none of its own: the
//! shell page keeps its CSP (`csp::SHELL_CSP`) and its caching, and a handler that
//! sets a header keeps its value.
//!
//! One middleware with a table rather than a `SetResponseHeaderLayer::if_not_present` per
//! header: the API-only headers depend on the request's path, which a response layer cannot
//! see, and the table reads as the policy.
//!
//! The request id's header name is here too: `startup` sets it, the CORS layer exposes it.

use crate::routes::is_api_path;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Header carrying the request id: taken from the client (or a proxy) when present, else a
/// fresh UUID (`startup`); echoed on the response and recorded in every log line of the
/// request.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Headers of every response, pages, files and API alike (names lowercase, as `HeaderName`
/// wants them).
pub const EVERY_RESPONSE: [(&str, &str); 6] = [
    // Two years: HTTPS only, for this host and its subdomains. Browsers ignore the header on
    // plain HTTP, so a development server on http://127.0.0.1 is unaffected.
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
    // Every file goes out with the type we chose; the browser must not guess another (and,
    // say, run a JSON answer as a script).
    ("x-content-type-options", "nosniff"),
    // `no-referrer` rather than `strict-origin-when-cross-origin`: the password-reset page
    // carries its token in the URL, and nothing of ours reads `Referer` (CSRF is checked by a
    // double-submit token), so no request needs to say where it came from.
    ("referrer-policy", "no-referrer"),
    // Clickjacking, for browsers that predate CSP's `frame-ancestors`.
    ("x-frame-options", "DENY"),
    // A window we open, or that opens us, gets no handle on ours (`window.opener`).
    ("cross-origin-opener-policy", "same-origin"),
    // The storefront uses none of these; a script that got in anyway cannot ask for them.
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    ),
];

/// Headers of responses under `/api` on top of [`EVERY_RESPONSE`].
pub const API_RESPONSE: [(&str, &str); 2] = [
    // An answer is data, never a document: opened directly, it may load nothing and be framed
    // by no one.
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    // Answers carry personal data and tokens; no cache, shared or the browser's, may keep
    // them. A route whose answers may be cached says so itself.
    ("cache-control", "no-store"),
];

/// Middleware: adds [`EVERY_RESPONSE`] (and, under `/api`, [`API_RESPONSE`]) to the response,
/// each header only when it is absent.
pub async fn set_security_headers(request: Request, next: Next) -> Response {
    let api = is_api_path(request.uri().path());
    let mut response = next.run(request).await;
    let api_headers: &[(&str, &str)] = if api { &API_RESPONSE } else { &[] };
    let headers = response.headers_mut();
    for (name, value) in EVERY_RESPONSE.iter().chain(api_headers) {
        headers
            .entry(HeaderName::from_static(name))
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::header;
    use axum::routing::get;
    use tower::ServiceExt as _;

    #[tokio::test]
    async fn a_header_the_handler_set_is_kept() {
        let app = Router::new()
            .route(
                "/api/v1/cached",
                get(|| async { ([(header::CACHE_CONTROL, "max-age=60")], "public data") }),
            )
            .layer(axum::middleware::from_fn(set_security_headers));

        let response = app
            .oneshot(Request::get("/api/v1/cached").body(Body::empty()).unwrap())
            .await
            .unwrap();

        assert_eq!(response.headers()[header::CACHE_CONTROL], "max-age=60");
        assert_eq!(
            response.headers()[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'; frame-ancestors 'none'"
        );
        assert_eq!(response.headers()[header::X_FRAME_OPTIONS], "DENY");
    }
}
