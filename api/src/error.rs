//! The API's one error type: what a request can fail with, each failure's status and stable
//! `code`; how database errors and expected constraint violations become one is in
//! [`database`].
//!
//! Handlers return [`Result<T>`]. The problem+json body each error is answered with, and the
//! middleware that completes and logs error responses, are in `middleware::problem`.

mod database;

pub use database::{Constraint, ResultExt};

use axum::http::StatusCode;
use contracts::FieldError;

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

    /// 410 `sunset`: a deprecated operation past its sunset date (`routes::versioning`); its
    /// `Link: rel="successor-version"` header names what replaces it.
    #[error("this operation has been retired")]
    Sunset,

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

    /// 403 `fresh_mfa_required`: an act that moves money (a refund) wants a second factor
    /// passed in the last five minutes (`routes::policy::FRESH_MFA_SECS`), and this session
    /// passed it longer ago; the client has the user sign in again with their second factor.
    #[error("a fresh second factor is required")]
    FreshMfaRequired,

    /// 403 `account_disabled`: an administrator disabled this account; it cannot sign in nor
    /// refresh a session (`app::accounts::admin::disable`).
    #[error("the account is disabled")]
    AccountDisabled,

    /// 403 `super_admin_required`: only a SUPER_ADMIN may change roles or act on another
    /// administrator's account.
    #[error("a super administrator is required")]
    SuperAdminRequired,

    /// 403 `impersonation_forbidden`: an administrator acting as a user (an impersonation
    /// token) tried what support may not do (seed 000 section 6.2): change the second factor,
    /// an address (placing an order sets the delivery and billing address; applying for a
    /// shop, the business address and GSTIN), or start another impersonation. `errors` names
    /// the field at fault.
    #[error("not allowed while impersonating: {0}")]
    ImpersonationForbidden(&'static str),

    /// 409 `not_impersonating`: `POST /admin/impersonate/end` with a token that is not an
    /// impersonation token: there is no support session to end.
    #[error("not impersonating")]
    NotImpersonating,

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

    /// 409 `idempotency_in_progress`: an attempt with this key holds its lease (it is still
    /// being answered). Answered with `Retry-After`: the seconds until the lease ends, when a
    /// retry takes the key over and resumes the attempt (`app::checkout::idempotency`).
    #[error("a request with this idempotency key is in progress")]
    IdempotencyInProgress { retry_after_secs: u64 },

    /// 409 `stale_version`: the stock was set with a product `version` that is no longer the
    /// product's (a reservation, a release or another write changed the stock since it was
    /// read); `errors` names `version`. Nothing was changed: read the product again.
    #[error("the product changed since version {sent}")]
    StaleVersion { sent: i64, current: i64 },

    /// 409 `order_not_placeable`: lines of the cart cannot be bought; `errors` names each
    /// (`lines.<productId>`: `unavailable`, `insufficient_stock`, `gst_rate_retired`).
    #[error("the order cannot be placed")]
    OrderNotPlaceable(Vec<FieldError>),

    /// 409 `refund_refused`: the order is not confirmed or has no payment (`errors` names
    /// `orderId`), or the gateway refused the refund (`amount`). Nothing was refunded, and
    /// nothing is reserved.
    #[error("the refund was refused: {why}")]
    RefundRefused { field: &'static str, why: String },

    /// 409 `not_invoiced`: a refund of an order that has no invoice, which no credit note
    /// could correct (CGST Act section 34); `errors` names the field `orderId`. Nothing was
    /// refunded.
    #[error("the order has no invoice")]
    NotInvoiced,

    /// 409 `illegal_transition`: a fulfilment step the order's part (or the order) cannot
    /// take now: packing twice, shipping before packing, delivering before shipping, any step
    /// of a cancelled order, cancelling once a part has shipped. `errors` names the field
    /// (`status`) with why (`code`: `out_of_order`, `cancelled`, `shipped`). Nothing changed.
    #[error("illegal fulfilment step: {why}")]
    IllegalTransition {
        field: &'static str,
        reason: &'static str,
        why: String,
    },

    /// 422 `order_unpaid`: a fulfilment step (or a cancellation) of an order that is not paid;
    /// `errors` names the field the form shows it at (`trackingNumber` when shipping, else
    /// `orderId`). Nothing changed.
    #[error("the order is not paid")]
    OrderUnpaid { field: &'static str },

    /// 401 `invalid_signature`: a webhook whose signature or timestamp does not verify.
    #[error("invalid webhook signature")]
    InvalidSignature,

    /// 502 `payment_gateway_error`: the payment gateway failed; the order was cancelled and its
    /// stock released.
    #[error("the payment gateway failed")]
    PaymentGateway,

    /// 400 `invalid_payment_signature`: what Razorpay Checkout handed back does not verify (the
    /// payment signature under the key secret) or names another order's Razorpay order;
    /// `errors` names the field (`razorpaySignature`, `razorpayOrderId`). Nothing changed.
    #[error("the payment signature does not verify: {why}")]
    InvalidPaymentSignature { field: &'static str, why: String },

    /// 413 `payload_too_large`: the request body is longer than the API takes
    /// (`config::MAX_BODY_BYTES`).
    #[error("payload too large")]
    PayloadTooLarge,

    /// 415 `unsupported_media_type`: a JSON endpoint got a body without
    /// `Content-Type: application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,

    /// 415 `unsupported_media_type` with `errors` naming `image` (`image_type_unsupported`): a
    /// product image that is not PNG, JPEG or WebP.
    #[error("image type unsupported")]
    ImageTypeUnsupported,

    /// 413 `payload_too_large` with `errors` naming `image` (`image_too_large`): a product
    /// image over 2 MiB.
    #[error("image too large")]
    ImageTooLarge,

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

    /// 500 `undecryptable_field`: a stored personal-data value did not open (moved between
    /// rows, tampered, or sealed with a key the keyring no longer holds). The answer never
    /// carries a guess at the value; the log names the column and row, never the value.
    #[error("{0}")]
    Undecryptable(#[from] crate::crypto::OpenError),

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
            ApiError::Sunset => StatusCode::GONE,
            ApiError::MalformedJson(_) | ApiError::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated
            | ApiError::InvalidCredentials
            | ApiError::InvalidMfaCode
            | ApiError::InvalidMfaChallenge
            | ApiError::InvalidSignature => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden
            | ApiError::MfaRequired
            | ApiError::FreshMfaRequired
            | ApiError::AccountDisabled
            | ApiError::SuperAdminRequired
            | ApiError::CsrfFailed
            | ApiError::ImpersonationForbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotImpersonating
            | ApiError::EmailTaken
            | ApiError::MfaNotPending
            | ApiError::ShopExists
            | ApiError::ShopDecided
            | ApiError::ShopNotApproved
            | ApiError::SkuTaken
            | ApiError::IdempotencyInProgress { .. }
            | ApiError::StaleVersion { .. }
            | ApiError::OrderNotPlaceable(_)
            | ApiError::RefundRefused { .. }
            | ApiError::IllegalTransition { .. }
            | ApiError::NotInvoiced => StatusCode::CONFLICT,
            ApiError::IdempotencyKeyRequired | ApiError::InvalidPaymentSignature { .. } => {
                StatusCode::BAD_REQUEST
            }
            ApiError::PaymentGateway => StatusCode::BAD_GATEWAY,
            ApiError::PayloadTooLarge | ApiError::ImageTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType | ApiError::ImageTypeUnsupported => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ApiError::Validation(_)
            | ApiError::InvalidResetToken
            | ApiError::IdempotencyKeyReused
            | ApiError::OrderUnpaid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::FrontendNotBuilt | ApiError::DatabaseUnavailable(_) | ApiError::Timeout => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) | ApiError::Undecryptable(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Sunset => "sunset",
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
            ApiError::FreshMfaRequired => "fresh_mfa_required",
            ApiError::AccountDisabled => "account_disabled",
            ApiError::SuperAdminRequired => "super_admin_required",
            ApiError::ImpersonationForbidden(_) => "impersonation_forbidden",
            ApiError::NotImpersonating => "not_impersonating",
            ApiError::EmailTaken => "email_taken",
            ApiError::ShopExists => "shop_exists",
            ApiError::ShopDecided => "shop_decided",
            ApiError::ShopNotApproved => "shop_not_approved",
            ApiError::SkuTaken => "sku_taken",
            ApiError::IdempotencyKeyRequired => "idempotency_key_required",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::IdempotencyInProgress { .. } => "idempotency_in_progress",
            ApiError::StaleVersion { .. } => "stale_version",
            ApiError::OrderNotPlaceable(_) => "order_not_placeable",
            ApiError::RefundRefused { .. } => "refund_refused",
            ApiError::NotInvoiced => "not_invoiced",
            ApiError::IllegalTransition { .. } => "illegal_transition",
            ApiError::OrderUnpaid { .. } => "order_unpaid",
            ApiError::InvalidSignature => "invalid_signature",
            ApiError::PaymentGateway => "payment_gateway_error",
            ApiError::InvalidPaymentSignature { .. } => "invalid_payment_signature",
            ApiError::PayloadTooLarge | ApiError::ImageTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType | ApiError::ImageTypeUnsupported => {
                "unsupported_media_type"
            }
            ApiError::Validation(_) => "validation_failed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::FrontendNotBuilt => "frontend_not_built",
            ApiError::DatabaseUnavailable(_) => "database_unavailable",
            ApiError::Timeout => "timeout",
            ApiError::Internal(_) => "internal_error",
            ApiError::Undecryptable(_) => "undecryptable_field",
        }
    }
}
