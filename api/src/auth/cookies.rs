//! The session cookies: the refresh token ([`REFRESH_COOKIE`], httpOnly, sent only to
//! `/api/v1/auth`) and its CSRF double-submit partner ([`CSRF_COOKIE`], readable by the shell),
//! how they are set and cleared, and the CSRF check of cookie-authenticated requests.
//!
//! Both are `Secure` and `SameSite=Strict`: a cross-site page cannot make the browser send
//! them, and the CSRF header is a second, independent proof that the request came from our own
//! script (which alone can read the CSRF cookie and copy it into [`CSRF_HEADER`]).

use crate::auth::secret;
use crate::error::ApiError;
use axum::http::{HeaderMap, HeaderValue, header};
use contracts::auth::{CSRF_COOKIE, CSRF_HEADER, REFRESH_COOKIE};

/// Where the browser sends the refresh cookie: the auth endpoints only, so no other request
/// (and no widget's fetch) carries it.
pub const REFRESH_PATH: &str = "/api/v1/auth";

/// How long both cookies live: the refresh token's 7 days (seed 000 §5.1).
pub const MAX_AGE_SECS: i64 = crate::auth::session::REFRESH_LIFETIME_SECS;

/// The two `Set-Cookie` values that hand a browser a refresh token and a fresh CSRF value.
pub fn set(refresh_token: &str) -> [HeaderValue; 2] {
    let csrf = secret::random_token();
    [
        cookie(
            REFRESH_COOKIE,
            refresh_token,
            REFRESH_PATH,
            true,
            MAX_AGE_SECS,
        ),
        cookie(CSRF_COOKIE, &csrf, "/", false, MAX_AGE_SECS),
    ]
}

/// The two `Set-Cookie` values that make a browser forget both cookies (same names, paths and
/// attributes, empty values, `Max-Age=0`).
pub fn clear() -> [HeaderValue; 2] {
    [
        cookie(REFRESH_COOKIE, "", REFRESH_PATH, true, 0),
        cookie(CSRF_COOKIE, "", "/", false, 0),
    ]
}

fn cookie(name: &str, value: &str, path: &str, http_only: bool, max_age: i64) -> HeaderValue {
    let http_only = if http_only { "; HttpOnly" } else { "" };
    let text = format!(
        "{name}={value}; Path={path}; Max-Age={max_age}{http_only}; Secure; SameSite=Strict"
    );
    // Names, paths and values are ours: base64url and ASCII, always a valid header value.
    HeaderValue::from_str(&text).expect("a cookie made of ASCII is a valid header value")
}

/// The value of cookie `name` in the request's `Cookie` headers (HTTP/2 may split them), or
/// `None`. An empty value counts as absent.
pub fn read<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The double-submit check: [`CSRF_HEADER`] must be present and equal (in constant time) to the
/// [`CSRF_COOKIE`]; otherwise 403 `csrf_failed`.
pub fn check_csrf(headers: &HeaderMap) -> Result<(), ApiError> {
    let cookie = read(headers, CSRF_COOKIE).ok_or(ApiError::CsrfFailed)?;
    let sent = headers
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or(ApiError::CsrfFailed)?;
    if secret::constant_time_eq(cookie, sent.trim()) {
        Ok(())
    } else {
        Err(ApiError::CsrfFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_refresh_cookie_is_http_only_secure_strict_and_scoped_to_the_auth_path() {
        let [refresh, csrf] = set("tok");

        assert_eq!(
            refresh,
            "bazaar_refresh=tok; Path=/api/v1/auth; Max-Age=604800; HttpOnly; Secure; SameSite=Strict"
        );
        let csrf = csrf.to_str().unwrap();
        assert!(csrf.starts_with("bazaar_csrf="), "{csrf}");
        assert!(
            csrf.ends_with("; Path=/; Max-Age=604800; Secure; SameSite=Strict"),
            "{csrf}"
        );
        assert!(!csrf.contains("HttpOnly"));
    }

    #[test]
    fn clearing_keeps_name_and_path_and_expires_at_once() {
        let [refresh, csrf] = clear();

        assert!(
            refresh
                .to_str()
                .unwrap()
                .starts_with("bazaar_refresh=; Path=/api/v1/auth; Max-Age=0")
        );
        assert!(
            csrf.to_str()
                .unwrap()
                .starts_with("bazaar_csrf=; Path=/; Max-Age=0")
        );
    }

    #[test]
    fn a_cookie_is_found_among_others_and_across_headers() {
        let map = headers(&[
            ("cookie", "theme=dark; bazaar_csrf=abc"),
            ("cookie", "bazaar_refresh=xyz"),
        ]);

        assert_eq!(read(&map, "bazaar_csrf"), Some("abc"));
        assert_eq!(read(&map, "bazaar_refresh"), Some("xyz"));
        assert_eq!(read(&map, "missing"), None);
        assert_eq!(
            read(&headers(&[("cookie", "bazaar_csrf=")]), "bazaar_csrf"),
            None
        );
    }

    #[test]
    fn csrf_needs_the_header_to_repeat_the_cookie() {
        let good = headers(&[("cookie", "bazaar_csrf=abc"), ("x-csrf-token", "abc")]);
        let mismatch = headers(&[("cookie", "bazaar_csrf=abc"), ("x-csrf-token", "abd")]);
        let no_header = headers(&[("cookie", "bazaar_csrf=abc")]);
        let no_cookie = headers(&[("x-csrf-token", "abc")]);

        assert!(check_csrf(&good).is_ok());
        for refused in [mismatch, no_header, no_cookie] {
            assert!(matches!(check_csrf(&refused), Err(ApiError::CsrfFailed)));
        }
    }
}
