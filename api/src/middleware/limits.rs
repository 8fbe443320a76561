//! Bounds on one request: how large its body may be and how long it may take.

use crate::config::MAX_BODY_BYTES;
use crate::error::ApiError;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// The layer that caps every body extractor (`Json`, `Bytes`, ...) at [`MAX_BODY_BYTES`];
/// the `Json` extractor answers a longer body with 413 `payload_too_large`.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_BODY_BYTES)
}

/// Middleware: a request whose response has not started within `timeout` is dropped (its
/// handler's future with it, which rolls back an open transaction) and answered 503
/// `timeout`. The clock covers reading the body, so a client trickling one in is cut off too.
///
/// It applies to static files as well: the clock stops when the response's head is ready,
/// and a file's bytes stream after that, so a large widget bundle on a slow link is never cut
/// off; only a file that cannot even be opened in time is.
pub async fn enforce_timeout(
    State(timeout): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                timeout_secs = timeout.as_secs_f64(),
                "request timed out; answering 503"
            );
            ApiError::Timeout.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt as _;

    fn app(timeout: Duration) -> Router {
        Router::new()
            .route("/slow", get(|| tokio::time::sleep(Duration::from_secs(10))))
            .route("/fast", get(|| async { "done" }))
            .layer(axum::middleware::from_fn_with_state(
                timeout,
                enforce_timeout,
            ))
    }

    async fn get_status(app: Router, path: &str) -> (StatusCode, Vec<u8>) {
        let response = app
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, body.to_vec())
    }

    #[tokio::test]
    async fn a_request_that_outlives_the_timeout_is_a_503_timeout_problem() {
        let (status, body) = get_status(app(Duration::from_millis(20)), "/slow").await;

        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let problem: contracts::Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem.code, "timeout");
    }

    #[tokio::test]
    async fn a_request_within_the_timeout_is_answered_as_usual() {
        let (status, body) = get_status(app(Duration::from_secs(5)), "/fast").await;

        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, b"done");
    }
}
