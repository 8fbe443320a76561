//! The problem+json side of [`ApiError`]: the body each error is answered with, its
//! rendering as a response, and the middleware that completes and logs every error response.
//!
//! Every failure becomes an RFC 9457 body ([`contracts::Problem`]) with the error's stable
//! `code`. Internal failures are opaque to the client and logged here, server-side, with their
//! cause.

use crate::error::ApiError;
use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use contracts::problem::PROBLEM_CONTENT_TYPE;
use contracts::{FieldError, Problem};
use std::sync::Arc;

impl ApiError {
    /// The body sent to the client. For server-side failures it says nothing about the cause.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let title = status.canonical_reason().unwrap_or("Error");
        let problem = Problem::new(status.as_u16(), self.code(), title);
        match self {
            ApiError::FrontendNotBuilt => problem.with_detail(
                "The front end has not been built: run `cargo xtask build` (or point DIST_DIR at a built dist directory).",
            ),
            ApiError::DatabaseUnavailable(_) => {
                problem.with_detail("The database is not answering; try again shortly.")
            }
            ApiError::MalformedJson(detail) | ApiError::InvalidQuery(detail) => {
                problem.with_detail(detail.clone())
            }
            ApiError::Unauthenticated => {
                problem.with_detail("Sign in: the access token is missing, invalid or expired.")
            }
            ApiError::InvalidCredentials => {
                problem.with_detail("The email or the password is not right.")
            }
            ApiError::Forbidden => {
                problem.with_detail("Your account may not do this.")
            }
            ApiError::ShopExists => problem.with_detail(
                "This account already has a shop or an application; see GET /shops/mine.",
            ),
            ApiError::ShopDecided => {
                problem.with_detail("This application was decided before; decisions are final.")
            }
            ApiError::ShopNotApproved => problem.with_detail(
                "Your shop is not approved, so it cannot list or change products yet.",
            ),
            ApiError::SkuTaken => {
                problem.with_detail("Your shop already has a product with this SKU.")
            }
            ApiError::MfaRequired => problem.with_detail(
                "Administrators need a session verified with a second factor: enrol or verify a TOTP authenticator.",
            ),
            ApiError::FreshMfaRequired => problem.with_detail(
                "This act needs a second factor passed in the last few minutes: sign in again with your authenticator.",
            ),
            ApiError::AccountDisabled => problem.with_detail(
                "This account is disabled; ask the platform's support to enable it.",
            ),
            ApiError::SuperAdminRequired => problem.with_detail(
                "Only a super administrator may change roles or act on an administrator's account.",
            ),
            ApiError::InvalidMfaCode => {
                problem.with_detail("The code is not right, or it was already used.")
            }
            ApiError::InvalidMfaChallenge => problem.with_detail(
                "This sign-in attempt has expired or was used up; sign in again.",
            ),
            ApiError::CsrfFailed => problem.with_detail(
                "Send the value of the bazaar_csrf cookie in the x-csrf-token header.",
            ),
            ApiError::MfaNotPending => problem.with_detail(
                "No authenticator is waiting for activation; enrol one first.",
            ),
            ApiError::InvalidResetToken => Problem {
                errors: vec![FieldError {
                    field: "token".into(),
                    code: "invalid_reset_token".into(),
                    message: "this link is invalid, used or expired; ask for a new one".into(),
                }],
                ..problem.with_detail("The reset link is invalid, used or expired.")
            },
            ApiError::ImpersonationForbidden(field) => Problem {
                errors: vec![FieldError {
                    field: (*field).into(),
                    code: "impersonation_forbidden".into(),
                    message: "support may not change this while acting as the account".into(),
                }],
                ..problem.with_detail(
                    "An administrator acting as this account may not do this; the account's owner can.",
                )
            },
            ApiError::NotImpersonating => {
                problem.with_detail("This session is not a support session; there is nothing to end.")
            }
            ApiError::EmailTaken => {
                problem.with_detail("An account with this email already exists; sign in instead.")
            }
            ApiError::UnsupportedMediaType => {
                problem.with_detail("Send the body as Content-Type: application/json.")
            }
            ApiError::PayloadTooLarge => problem.with_detail(format!(
                "The body is longer than the {} KiB the API takes.",
                crate::config::MAX_BODY_BYTES / 1024
            )),
            ApiError::ImageTypeUnsupported => Problem {
                errors: vec![FieldError {
                    field: "image".into(),
                    code: "image_type_unsupported".into(),
                    message: "must be a PNG, JPEG or WebP image".into(),
                }],
                ..problem.with_detail("Send a PNG, JPEG or WebP image with its Content-Type.")
            },
            ApiError::ImageTooLarge => Problem {
                errors: vec![FieldError {
                    field: "image".into(),
                    code: "image_too_large".into(),
                    message: "must be at most 2 MiB".into(),
                }],
                ..problem.with_detail("The image is larger than the 2 MiB the API takes.")
            },
            ApiError::RateLimited { retry_after_secs } => problem.with_detail(format!(
                "Too many requests; try again in {retry_after_secs} seconds."
            )),
            ApiError::Timeout => {
                problem.with_detail("The server did not answer in time; try again shortly.")
            }
            ApiError::IdempotencyKeyRequired => problem.with_detail(
                "Send an Idempotency-Key header (1 to 255 visible ASCII characters), the same for retries of one order.",
            ),
            ApiError::IdempotencyKeyReused => problem.with_detail(
                "This Idempotency-Key was used in the last 24 hours with another body; use a new key for a new order.",
            ),
            ApiError::IdempotencyInProgress { retry_after_secs } => problem.with_detail(format!(
                "A request with this Idempotency-Key is still running; retry in {retry_after_secs} seconds."
            )),
            ApiError::StaleVersion { sent, current } => Problem {
                errors: vec![FieldError {
                    field: "version".into(),
                    code: "stale_version".into(),
                    message: format!(
                        "the stock changed since version {sent}: it is at version {current}; read the product again"
                    ),
                }],
                ..problem.with_detail("The product's stock changed since you read it; nothing was changed.")
            },
            ApiError::OrderNotPlaceable(errors) => Problem {
                errors: errors.clone(),
                ..problem.with_detail("Some lines cannot be bought; see errors. Nothing was ordered.")
            },
            ApiError::RefundRefused { field, why } => Problem {
                errors: vec![FieldError {
                    field: (*field).into(),
                    code: "refund_refused".into(),
                    message: why.clone(),
                }],
                ..problem.with_detail(format!("No refund: {why}."))
            },
            ApiError::NotInvoiced => Problem {
                errors: vec![FieldError {
                    field: "orderId".into(),
                    code: "not_invoiced".into(),
                    message: "the order has no invoice for a credit note to correct".into(),
                }],
                ..problem.with_detail("No refund: the order has no invoice. Nothing was refunded.")
            },
            ApiError::IllegalTransition { field, reason, why } => Problem {
                errors: vec![FieldError {
                    field: (*field).into(),
                    code: (*reason).into(),
                    message: why.clone(),
                }],
                ..problem.with_detail(format!("Not now: {why}. Nothing changed."))
            },
            ApiError::OrderUnpaid { field } => Problem {
                errors: vec![FieldError {
                    field: (*field).into(),
                    code: "order_unpaid".into(),
                    message: "the order is not paid, so nothing ships".into(),
                }],
                ..problem.with_detail("The order is not paid. Nothing changed.")
            },
            ApiError::InvalidSignature => problem.with_detail("The webhook signature does not verify."),
            ApiError::PaymentGateway => problem.with_detail(
                "The payment gateway failed; the order was cancelled and nothing was charged.",
            ),
            ApiError::InvalidPaymentSignature { field, why } => Problem {
                errors: vec![FieldError {
                    field: (*field).into(),
                    code: "invalid_payment_signature".into(),
                    message: why.clone(),
                }],
                ..problem.with_detail("The payment could not be verified. Nothing changed.")
            },
            ApiError::Validation(errors) => Problem {
                errors: errors.clone(),
                ..problem.with_detail("Some fields are not valid; see errors.")
            },
            ApiError::Undecryptable(_) => problem.with_detail(
                "Stored personal data could not be decrypted; nothing is shown in its place. The operator has the details.",
            ),
            _ => problem,
        }
    }
}

/// The cause of a server-side failure (an internal error, an unavailable database), carried
/// from [`ApiError::into_response`] to [`problem_details`] in the response extensions, so it
/// is logged once, inside the request's span (with its request id), and never reaches the
/// body.
#[derive(Clone, Debug)]
struct InternalCause(Arc<anyhow::Error>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = problem_response(self.problem());
        if let ApiError::Unauthenticated = self {
            // RFC 6750: a 401 names the scheme the client should use.
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ApiError::RateLimited { retry_after_secs }
        | ApiError::IdempotencyInProgress { retry_after_secs } = self
        {
            // RFC 9110: delay-seconds, so clients (and CORS pages: it is exposed) know when
            // to come back.
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if let ApiError::Undecryptable(error) = &self {
            // Logged like an internal failure: the column and row, never the value.
            response
                .extensions_mut()
                .insert(InternalCause(Arc::new(anyhow::Error::new(error.clone()))));
        }
        if let ApiError::Internal(cause) | ApiError::DatabaseUnavailable(cause) = self {
            response
                .extensions_mut()
                .insert(InternalCause(Arc::new(cause)));
        }
        response
    }
}

/// Renders a problem as an `application/problem+json` response with its status, and keeps the
/// [`Problem`] in the extensions so [`problem_details`] can add the request path to it.
fn problem_response(problem: Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // Serialising a struct of strings cannot fail; the fallback only keeps this total.
    let body = serde_json::to_vec(&problem).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        )],
        body,
    )
        .into_response();
    response.extensions_mut().insert(problem);
    response
}

/// Middleware around the whole app that finishes every error response:
///
/// - sets the problem's `instance` to the request path (handlers do not know it, and the
///   path is the part of the request that is safe to echo: no query string);
/// - logs the cause of internal errors;
/// - gives a problem body to error responses that have none, e.g. the router's bare 405 for a
///   wrong method, so no error reaches a client as an empty or non-JSON body.
pub async fn problem_details(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;

    if let Some(InternalCause(cause)) = response.extensions_mut().remove::<InternalCause>() {
        tracing::error!(
            error = format!("{cause:#}"),
            status = response.status().as_u16(),
            "request failed on the server side"
        );
    }

    let problem = match response.extensions_mut().remove::<Problem>() {
        Some(problem) => problem,
        None if is_bare_error(&response) => {
            let status = response.status();
            let code = match status {
                StatusCode::NOT_FOUND => "not_found",
                StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
                s if s.is_server_error() => "internal_error",
                _ => "http_error",
            };
            Problem::new(
                status.as_u16(),
                code,
                status.canonical_reason().unwrap_or("Error"),
            )
        }
        None => return response,
    };
    if problem.instance.is_some() {
        return response;
    }

    // Rebuild the body; status and headers (Allow, x-request-id, ...) stay as they were.
    let rendered = problem_response(problem.with_instance(path));
    let (mut parts, _) = response.into_parts();
    let (_, body) = rendered.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
    );
    Response::from_parts(parts, body)
}

/// An error status with an empty body and no content type: what axum and tower-http produce
/// when they refuse a request on their own.
fn is_bare_error(response: &Response<Body>) -> bool {
    (response.status().is_client_error() || response.status().is_server_error())
        && !response.headers().contains_key(header::CONTENT_TYPE)
        && response.body().size_hint().exact() == Some(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body_of(response: Response) -> Problem {
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn an_internal_error_is_an_opaque_500() {
        let error =
            ApiError::Internal(anyhow::anyhow!("password=hunter2 rejected by the database"));

        let response = error.into_response();

        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            PROBLEM_CONTENT_TYPE
        );
        assert!(response.extensions().get::<InternalCause>().is_some());
        let problem = body_of(response).await;
        assert_eq!(problem.code, "internal_error");
        assert!(problem.detail.is_none());
        assert!(!serde_json::to_string(&problem).unwrap().contains("hunter2"));
    }

    #[tokio::test]
    async fn unauthenticated_names_the_bearer_scheme() {
        let response = ApiError::Unauthenticated.into_response();

        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(body_of(response).await.code, "unauthenticated");
    }

    #[tokio::test]
    async fn a_validation_failure_lists_its_fields() {
        let error = ApiError::Validation(vec![FieldError {
            field: "password".into(),
            code: "too_short".into(),
            message: "must be at least 12 characters".into(),
        }]);

        let problem = body_of(error.into_response()).await;

        assert_eq!(problem.status, 422);
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(
            problem.field_message("password"),
            Some("must be at least 12 characters")
        );
    }

    #[tokio::test]
    async fn rate_limited_is_a_429_that_says_when_to_come_back() {
        let response = ApiError::RateLimited {
            retry_after_secs: 42,
        }
        .into_response();

        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "42");
        let problem = body_of(response).await;
        assert_eq!(problem.code, "rate_limited");
        assert!(problem.detail.unwrap().contains("42 seconds"));
    }

    #[tokio::test]
    async fn frontend_not_built_tells_how_to_build_it() {
        let problem = body_of(ApiError::FrontendNotBuilt.into_response()).await;

        assert_eq!(problem.status, 503);
        assert_eq!(problem.code, "frontend_not_built");
        assert!(problem.detail.unwrap().contains("cargo xtask build"));
    }

    #[tokio::test]
    async fn database_unavailable_is_a_503_that_keeps_its_cause_server_side() {
        let error = ApiError::DatabaseUnavailable(anyhow::anyhow!(
            "connecting to PostgreSQL at db.internal:5432/bazaar: connection refused"
        ));

        let response = error.into_response();

        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.extensions().get::<InternalCause>().is_some());
        let problem = body_of(response).await;
        assert_eq!(problem.code, "database_unavailable");
        assert!(
            !serde_json::to_string(&problem)
                .unwrap()
                .contains("db.internal")
        );
    }
}
