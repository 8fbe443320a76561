//! Extractors that answer in the API's own error format: [`Json`] (a body), [`AuthUser`] (the
//! signed-in user, from the `Authorization: Bearer` access token; `Option<AuthUser>` where
//! guests are welcome too) and [`Actor`] (whoever calls, for the use cases).

use crate::app::{Actor, Origin};
use crate::auth::token::{Claims, JwtKeys};
use crate::clock::Clock;
use crate::db::Db;
use crate::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// axum's `Json`, whose rejections are problem+json: 415 `unsupported_media_type` without a
/// JSON content type, 413 `payload_too_large` for a body over the limit (`DefaultBodyLimit`,
/// set in `startup`), 400 `malformed_json` for a body that does not parse or does not fit the
/// type, or that is not a JSON object (every body of this API is one: serde would otherwise
/// read `[null, null]` as a struct's members in order). axum's own rejections are plain text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !has_json_content_type(request.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = body_bytes(request, state).await?;
        refuse_non_object(&bytes)?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(Json(value)),
            // serde's message names the member and the position, never the value sent.
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::MalformedJson(e.body_text())),
            Err(JsonRejection::JsonSyntaxError(_)) => Err(ApiError::MalformedJson(
                "The body is not valid JSON.".to_owned(),
            )),
            Err(other) => Err(ApiError::MalformedJson(other.body_text())),
        }
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A JSON body of a form (a product's create and edit): as [`Json`], except that a member of
/// the wrong JSON type (`"price": 12.5`, `"stock": "ten"`) is 422 `validation_failed` naming
/// that member, as a rule broken by its value would be, so a form marks the field. A body that
/// is not JSON, or misses or adds members, stays 400 `malformed_json`.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonForm<T>(pub T);

impl<T, S> FromRequest<S> for JsonForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !has_json_content_type(request.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = body_bytes(request, state).await?;
        refuse_non_object(&bytes)?;
        decode_form(&bytes).map(JsonForm)
    }
}

/// Whether `headers` say the body is JSON (`application/json`, or any `+json` type).
fn has_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .is_some_and(|media| {
            media.eq_ignore_ascii_case("application/json") || media.ends_with("+json")
        })
}

/// 400 `malformed_json` for a body that is JSON but not an object (an array, a string, a
/// number): what the document's schemas describe are objects, and serde's derived structs
/// would take an array's items as their members in order.
fn refuse_non_object(bytes: &[u8]) -> Result<(), ApiError> {
    match bytes.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'{') | None => Ok(()),
        Some(_) => Err(ApiError::MalformedJson(
            "The body must be a JSON object.".to_owned(),
        )),
    }
}

/// The whole body of `request`, within `DefaultBodyLimit` (`limits::body_limit`): 413
/// `payload_too_large` past it, 400 `malformed_json` when it cannot be read.
pub(crate) async fn body_bytes<S: Send + Sync>(
    request: Request,
    state: &S,
) -> Result<axum::body::Bytes, ApiError> {
    axum::body::Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::MalformedJson(rejection.body_text())
            }
        })
}

/// `bytes` decoded as `T`; see [`JsonForm`] for which failures name a field.
pub fn decode_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let error = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => {
            return deserializer
                .end()
                .map(|()| value)
                .map_err(|_| ApiError::MalformedJson("The body is not valid JSON.".to_owned()));
        }
        Err(error) => error,
    };
    let field = error.path().to_string();
    let inner = error.into_inner();
    let text = inner.to_string();
    if inner.is_syntax() || inner.is_eof() {
        return Err(ApiError::MalformedJson(
            "The body is not valid JSON.".to_owned(),
        ));
    }
    // serde's message names the member but may quote the value sent: only what it expected is
    // passed on (`invalid type: floating point `12.5`, expected i64 at line 1 column 12`).
    let expected = text
        .strip_prefix("invalid type: ")
        .or_else(|| text.strip_prefix("invalid value: "))
        .and_then(|rest| rest.split_once(", expected "))
        .map(|(_, expected)| expected.split(" at line ").next().unwrap_or(expected));
    match expected {
        Some(expected) if field != "." && !field.is_empty() => {
            Err(ApiError::Validation(vec![crate::domain::field_error(
                &field,
                "invalid_type",
                &format!("must be {}", readable(expected)),
            )]))
        }
        _ => Err(ApiError::MalformedJson(format!(
            "The body does not fit: {}.",
            text.split(" at line ").next().unwrap_or(&text)
        ))),
    }
}

/// serde's name of an expected type, as a person reads it.
fn readable(expected: &str) -> &str {
    match expected {
        "i64" | "i32" | "u32" | "u64" | "i16" | "u16" => "a whole number",
        "a boolean" => "true or false",
        other => other,
    }
}

/// axum's `Query`, whose rejection is a 400 `invalid_query` problem naming what did not
/// parse (serde names the parameter, e.g. `limit: invalid digit found in string`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection| ApiError::InvalidQuery(rejection.body_text()))
    }
}

/// The signed-in user: a handler taking it answers 401 `unauthenticated` to any request
/// without a valid access token, unexpired by the state's clock ("login required"). Behind a
/// route policy that already verified the token (`routes::policy`), it is taken from the
/// request's extensions instead of being verified twice.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub claims: Claims,
}

impl<S> FromRequestParts<S> for AuthUser
where
    JwtKeys: FromRef<S>,
    Clock: FromRef<S>,
    Db: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<AuthUser>() {
            return Ok(user.clone());
        }
        let now = Clock::from_ref(state).now();
        let claims = authenticate(
            &parts.headers,
            &JwtKeys::from_ref(state),
            &Db::from_ref(state),
            now,
        )
        .await?;
        Ok(AuthUser { claims })
    }
}

/// [`verified_claims`], and for an impersonation token the server-side check that its
/// support session is still live (not ended, not expired: `app::impersonation::ensure_live`,
/// one primary-key lookup); 401 `unauthenticated` otherwise. Every request with a token
/// passes here, through the route policy or the extractors.
pub async fn authenticate(
    headers: &HeaderMap,
    keys: &JwtKeys,
    db: &Db,
    now: i64,
) -> Result<Claims, ApiError> {
    let claims = verified_claims(headers, keys, now)?;
    crate::app::impersonation::ensure_live(db, &claims, now).await?;
    Ok(claims)
}

/// The claims of the request's `Authorization: Bearer` token, verified by `keys` and unexpired
/// at `now`; 401 `unauthenticated` otherwise (why is logged, never told).
pub fn verified_claims(headers: &HeaderMap, keys: &JwtKeys, now: i64) -> Result<Claims, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer_token)
        .ok_or(ApiError::Unauthenticated)?;
    keys.verify(token, now).map_err(|error| {
        // Debug level: a client with an expired token is routine, not an incident.
        tracing::debug!(%error, "access token refused");
        ApiError::Unauthenticated
    })
}

/// `Option<AuthUser>`: `None` for a request without an `Authorization` header (a guest), the
/// user for a valid token, and 401 for a token that does not verify: a client that sends a
/// bad token meant to be signed in, and must not be served silently as a guest.
impl<S> OptionalFromRequestParts<S> for AuthUser
where
    JwtKeys: FromRef<S>,
    Clock: FromRef<S>,
    Db: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        if !parts.headers.contains_key(header::AUTHORIZATION) {
            return Ok(None);
        }
        <AuthUser as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(Some)
    }
}

/// Whoever calls, from where (`middleware::origin`): a guest without an `Authorization` header, the signed-in user for
/// a valid token, 401 for a token that does not verify. Routes that need a signed-in user say
/// so in their policy (`routes::policy`), which runs first.
impl<S> FromRequestParts<S> for Actor
where
    JwtKeys: FromRef<S>,
    Clock: FromRef<S>,
    Db: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let origin = parts
            .extensions
            .get::<Origin>()
            .cloned()
            .unwrap_or_default();
        match <AuthUser as OptionalFromRequestParts<S>>::from_request_parts(parts, state).await? {
            None => Ok(Actor::guest(origin)),
            Some(user) => Actor::from_claims(&user.claims, origin).ok_or(ApiError::Unauthenticated),
        }
    }
}

/// The token of an `Authorization: Bearer <token>` value (the scheme is case-insensitive,
/// RFC 7235).
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_token_is_read_whatever_the_scheme_case() {
        assert_eq!(bearer_token("Bearer abc.def.ghi"), Some("abc.def.ghi"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("Basic dXNlcjpwdw=="), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearer"), None);
    }
}
