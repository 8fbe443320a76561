//! The API's one error type, its problem+json rendering, and the middleware that completes
//! and logs every error response.
//!
//! Handlers return [`Result<T>`]; every failure becomes an RFC 9457 body
//! ([`contracts::Problem`]) with a stable snake_case `code` that widgets decode. Internal
//! failures are opaque to the client and logged here, server-side, with their cause.

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use contracts::problem::PROBLEM_CONTENT_TYPE;
use contracts::{FieldError, Problem};
use std::sync::Arc;

/// `Result` with [`ApiError`] as the default error, so handlers write `Result<Json<T>>`.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// Everything a request can fail with. Each variant maps to one status and one stable `code`
/// (documented for clients; the `title`/`detail` wording may change, the code may not).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 404 `not_found`: no such route under `/api`, or no such file in the built front end.
    #[error("not found")]
    NotFound,

    /// 405 `method_not_allowed`: the path exists but not for this method. The caller adds the
    /// `Allow` header when it knows it; the middleware keeps the router's.
    #[error("method not allowed")]
    MethodNotAllowed,

    /// 400 `malformed_json`: the body is not JSON, or not the JSON this endpoint takes. The
    /// detail says what the parser found (it names fields, never echoes values).
    #[error("malformed JSON body: {0}")]
    MalformedJson(String),

    /// 400 `invalid_query`: the query string does not fit the endpoint's parameters; the
    /// detail names the parameter.
    #[error("invalid query string: {0}")]
    InvalidQuery(String),

    /// 401 `unauthenticated`: no access token, or one that is invalid or expired. Answered with
    /// `WWW-Authenticate: Bearer`. Why the token failed is not told.
    #[error("unauthenticated")]
    Unauthenticated,

    /// 401 `invalid_credentials`: wrong password or unknown email, one body for both so the
    /// answer does not reveal which accounts exist.
    #[error("invalid credentials")]
    InvalidCredentials,

    /// 401 `invalid_mfa_code`: the TOTP code or recovery code answering a sign-in challenge
    /// is wrong or already used. The challenge stays usable until its attempts run out.
    #[error("invalid second-factor code")]
    InvalidMfaCode,

    /// 401 `invalid_mfa_challenge`: the challenge token is unknown, answered, expired or out of
    /// attempts; the client signs in again with the password.
    #[error("invalid or expired second-factor challenge")]
    InvalidMfaChallenge,

    /// 403 `csrf_failed`: a cookie-authenticated request (`/auth/refresh`, `/auth/logout`)
    /// without the `x-csrf-token` header repeating the CSRF cookie.
    #[error("CSRF check failed")]
    CsrfFailed,

    /// 403 `forbidden`: signed in, but the session's permissions do not include what the route
    /// needs (`routes::policy`).
    #[error("forbidden")]
    Forbidden,

    /// 403 `mfa_required`: an administrator's session that has not passed a second factor;
    /// the client sends the user to verify or enrol a TOTP authenticator.
    #[error("second factor required")]
    MfaRequired,

    /// 409 `email_taken`: an account already uses this email (compared trimmed and
    /// lowercased).
    #[error("email taken")]
    EmailTaken,

    /// 409 `mfa_not_pending`: `mfa/activate` without an enrolment waiting for its code
    /// (call `mfa/enroll` first).
    #[error("no second factor is waiting for activation")]
    MfaNotPending,

    /// 409 `shop_exists`: the account already has a shop or a pending application.
    #[error("this account already has a shop")]
    ShopExists,

    /// 409 `shop_decided`: the application was approved or rejected before; decisions are final.
    #[error("the application was decided before")]
    ShopDecided,

    /// 409 `shop_not_approved`: the seller's shop is not approved (yet), so it cannot sell.
    #[error("the shop is not approved")]
    ShopNotApproved,

    /// 409 `sku_taken`: the shop already has a product with this SKU.
    #[error("the SKU is taken")]
    SkuTaken,

    /// 400 `idempotency_key_required`: `POST /orders` without a valid `Idempotency-Key` header
    /// (1 to 255 visible ASCII characters).
    #[error("an Idempotency-Key header is required")]
    IdempotencyKeyRequired,

    /// 422 `idempotency_key_reused`: the key was used in the last 24 hours with another body.
    #[error("the idempotency key was used with another request")]
    IdempotencyKeyReused,

    /// 409 `idempotency_in_progress`: the first request with this key is still being answered.
    #[error("a request with this idempotency key is in progress")]
    IdempotencyInProgress,

    /// 409 `order_not_placeable`: lines of the cart cannot be bought; `errors` names each
    /// (`lines.<productId>`: `unavailable`, `insufficient_stock`, `gst_rate_retired`).
    #[error("the order cannot be placed")]
    OrderNotPlaceable(Vec<FieldError>),

    /// 409 `illegal_transition`: the order's status does not allow this step (e.g. a payment
    /// confirmed after the order timed out).
    #[error("the order cannot move from {0}")]
    IllegalTransition(&'static str),

    /// 409 `refund_refused`: the order is not confirmed, or nothing that large is left to refund.
    #[error("the refund was refused: {0}")]
    RefundRefused(String),

    /// 401 `invalid_signature`: a webhook whose signature or timestamp does not verify.
    #[error("invalid webhook signature")]
    InvalidSignature,

    /// 502 `payment_gateway_error`: the payment gateway failed; the order was cancelled and its
    /// stock released.
    #[error("the payment gateway failed")]
    PaymentGateway,

    /// 503 `payments_unavailable`: no payment gateway is configured (production has none yet).
    #[error("payments are unavailable")]
    PaymentsUnavailable,

    /// 413 `payload_too_large`: the request body is longer than the API takes
    /// (`config::MAX_BODY_BYTES`).
    #[error("payload too large")]
    PayloadTooLarge,

    /// 415 `unsupported_media_type`: a JSON endpoint got a body without
    /// `Content-Type: application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,

    /// 422 `validation_failed`: well-formed input that breaks a rule; `errors` names each field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),

    /// 422 `invalid_reset_token`: the password-reset token is unknown, used or expired; `errors`
    /// names the field `token`. The client offers to send a new link.
    #[error("invalid password reset token")]
    InvalidResetToken,

    /// 429 `rate_limited`: this client (or this account, for sign-in) made too many requests
    /// in the current window (`middleware::rate_limit`). Answered with `Retry-After`: the
    /// seconds until the window ends.
    #[error("rate limited for {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },

    /// 503 `frontend_not_built`: `DIST_DIR` has no `index.html`, so there is no app to serve.
    #[error("the front end has not been built")]
    FrontendNotBuilt,

    /// 503 `database_unavailable`: the database did not answer (closed pool, server down, no
    /// free connection in time). Worth a retry; the cause is logged, never sent.
    #[error("database unavailable: {0:#}")]
    DatabaseUnavailable(anyhow::Error),

    /// 503 `timeout`: the request took longer than `REQUEST_TIMEOUT_SECS` to answer (a slow
    /// body upload counts). Whatever the handler was doing is dropped; worth a retry.
    #[error("request timed out")]
    Timeout,

    /// 500 `internal_error`: anything the client cannot fix. The cause is logged, never sent.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::MalformedJson(_) | ApiError::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated
            | ApiError::InvalidCredentials
            | ApiError::InvalidMfaCode
            | ApiError::InvalidMfaChallenge
            | ApiError::InvalidSignature => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::MfaRequired | ApiError::CsrfFailed => {
                StatusCode::FORBIDDEN
            }
            ApiError::EmailTaken
            | ApiError::MfaNotPending
            | ApiError::ShopExists
            | ApiError::ShopDecided
            | ApiError::ShopNotApproved
            | ApiError::SkuTaken
            | ApiError::IdempotencyInProgress
            | ApiError::OrderNotPlaceable(_)
            | ApiError::IllegalTransition(_)
            | ApiError::RefundRefused(_) => StatusCode::CONFLICT,
            ApiError::IdempotencyKeyRequired => StatusCode::BAD_REQUEST,
            ApiError::PaymentGateway => StatusCode::BAD_GATEWAY,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_)
            | ApiError::InvalidResetToken
            | ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::FrontendNotBuilt
            | ApiError::DatabaseUnavailable(_)
            | ApiError::Timeout
            | ApiError::PaymentsUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::MalformedJson(_) => "malformed_json",
            ApiError::InvalidQuery(_) => "invalid_query",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::InvalidMfaCode => "invalid_mfa_code",
            ApiError::InvalidMfaChallenge => "invalid_mfa_challenge",
            ApiError::CsrfFailed => "csrf_failed",
            ApiError::MfaNotPending => "mfa_not_pending",
            ApiError::InvalidResetToken => "invalid_reset_token",
            ApiError::Forbidden => "forbidden",
            ApiError::MfaRequired => "mfa_required",
            ApiError::EmailTaken => "email_taken",
            ApiError::ShopExists => "shop_exists",
            ApiError::ShopDecided => "shop_decided",
            ApiError::ShopNotApproved => "shop_not_approved",
            ApiError::SkuTaken => "sku_taken",
            ApiError::IdempotencyKeyRequired => "idempotency_key_required",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::IdempotencyInProgress => "idempotency_in_progress",
            ApiError::OrderNotPlaceable(_) => "order_not_placeable",
            ApiError::IllegalTransition(_) => "illegal_transition",
            ApiError::RefundRefused(_) => "refund_refused",
            ApiError::InvalidSignature => "invalid_signature",
            ApiError::PaymentGateway => "payment_gateway_error",
            ApiError::PaymentsUnavailable => "payments_unavailable",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Validation(_) => "validation_failed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::FrontendNotBuilt => "frontend_not_built",
            ApiError::DatabaseUnavailable(_) => "database_unavailable",
            ApiError::Timeout => "timeout",
            ApiError::Internal(_) => "internal_error",
        }
    }

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
            ApiError::IdempotencyInProgress => problem
                .with_detail("The first request with this Idempotency-Key is still running; retry shortly."),
            ApiError::OrderNotPlaceable(errors) => Problem {
                errors: errors.clone(),
                ..problem.with_detail("Some lines cannot be bought; see errors. Nothing was ordered.")
            },
            ApiError::IllegalTransition(from) => {
                problem.with_detail(format!("The order is {from}; this step does not apply."))
            }
            ApiError::RefundRefused(why) => problem.with_detail(format!("No refund: {why}.")),
            ApiError::InvalidSignature => problem.with_detail("The webhook signature does not verify."),
            ApiError::PaymentGateway => problem.with_detail(
                "The payment gateway failed; the order was cancelled and nothing was charged.",
            ),
            ApiError::PaymentsUnavailable => {
                problem.with_detail("This shop takes no payments at the moment.")
            }
            ApiError::Validation(errors) => Problem {
                errors: errors.clone(),
                ..problem.with_detail("Some fields are not valid; see errors.")
            },
            _ => problem,
        }
    }
}

/// A database failure: 503 when the database is unreachable or out of connections (worth a
/// retry), else an opaque 500. Constraint violations the caller expects are mapped before
/// this, with [`ResultExt::on_constraint`].
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                ApiError::DatabaseUnavailable(error.into())
            }
            error => ApiError::Internal(error.into()),
        }
    }
}

/// A constraint a statement may break on purpose: the database decides races (two sign-ups
/// with one email, two products with one SKU) and the caller turns the violation into the
/// answer it documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// A UNIQUE (or primary key) constraint of this table.
    Unique(&'static str),
    /// A FOREIGN KEY constraint of this table (SQLite does not say which table's, so there any
    /// foreign-key violation matches).
    ForeignKey(&'static str),
}

impl Constraint {
    /// Whether `error` is this constraint's violation.
    pub fn matches(self, error: &sqlx::Error) -> bool {
        let Some(error) = error.as_database_error() else {
            return false;
        };
        // PostgreSQL names the table; SQLite only says so in its message
        // ("UNIQUE constraint failed: users.email_lookup").
        let on_table = |table: &str| {
            error.table().map_or_else(
                || error.message().contains(&format!(" {table}.")),
                |named| named == table,
            )
        };
        match self {
            Constraint::Unique(table) => error.is_unique_violation() && on_table(table),
            Constraint::ForeignKey(table) => {
                error.is_foreign_key_violation() && (error.table().is_none() || on_table(table))
            }
        }
    }
}

/// `.on_constraint(Constraint::Unique("users"), || ApiError::EmailTaken)` on a storage
/// result: that violation becomes the given error, every other failure goes through
/// `From<sqlx::Error>` (launchbadge/realworld-axum-sqlx's `ResultExt`).
pub trait ResultExt<T> {
    fn on_constraint(self, constraint: Constraint, map: impl FnOnce() -> ApiError) -> Result<T>;
}

impl<T> ResultExt<T> for std::result::Result<T, sqlx::Error> {
    fn on_constraint(self, constraint: Constraint, map: impl FnOnce() -> ApiError) -> Result<T> {
        self.map_err(|error| {
            if constraint.matches(&error) {
                map()
            } else {
                ApiError::from(error)
            }
        })
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
        if let ApiError::RateLimited { retry_after_secs } = self {
            // RFC 9110: delay-seconds, so clients (and CORS pages: it is exposed) know when
            // to come back.
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
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
