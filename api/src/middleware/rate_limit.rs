//! Rate limits: fixed-window counters per (limit, client address) and, for sign-in, per
//! (limit, account). A client past its allowance gets 429 `rate_limited` with `Retry-After`
//! until its window ends.
//!
//! The counters live in this process's memory: behind N instances of the server a client gets
//! up to N times each limit (the balancer spreads its requests), and a restart forgets them.
//! That is good enough against password guessing and scraping until the instances share a
//! store (DESIGN.md: per-instance state must say so; this is it).
//!
//! Fixed windows rather than sliding ones: one counter and one start time per key, and a
//! `Retry-After` that is exact. The price is that a client may spend two allowances around a
//! window's end, which the limits' sizes allow for.

use crate::config::RateLimits;
use crate::domain::email_lookup;
use crate::error::ApiError;
use crate::middleware::client_ip::client_ip;
use crate::routes::is_api_path;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest as _, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The routes with limits of their own, as the router sees them (`/api/v1` and the route
/// table's path; `every_limited_path_is_a_route` keeps them in step).
const LOGIN_PATH: &str = "/api/v1/auth/login";
const MFA_VERIFY_PATH: &str = "/api/v1/auth/mfa/verify";
const PASSWORD_FORGOT_PATH: &str = "/api/v1/auth/password/forgot";

/// The 15-minute window of most limits (the length of an account lockout, too).
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// The table is swept of ended windows once it holds this many; see [`Counters::sweep`].
const SWEEP_AT: usize = 10_000;

/// One limit of [`RateLimits`]: what it counts, and over which window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bucket {
    /// `RATE_LIMIT_GLOBAL`: every request under `/api`, per client.
    Global,
    /// `RATE_LIMIT_LOGIN`: sign-in attempts per client.
    Login,
    /// `RATE_LIMIT_LOGIN_ACCOUNT`: sign-in attempts per account, from anywhere.
    LoginAccount,
    /// `RATE_LIMIT_MFA`: answers to sign-in challenges per client.
    Mfa,
    /// `RATE_LIMIT_PASSWORD_RESET`: reset-link requests per client.
    PasswordReset,
}

impl Bucket {
    fn window(self) -> Duration {
        match self {
            // Each request may send a mail: an hour, so one address cannot flood a mailbox.
            Bucket::PasswordReset => Duration::from_secs(60 * 60),
            Bucket::Global | Bucket::Login | Bucket::LoginAccount | Bucket::Mfa => WINDOW,
        }
    }

    /// The name in logs: the variable that sets it.
    fn variable(self) -> &'static str {
        match self {
            Bucket::Global => "RATE_LIMIT_GLOBAL",
            Bucket::Login => "RATE_LIMIT_LOGIN",
            Bucket::LoginAccount => "RATE_LIMIT_LOGIN_ACCOUNT",
            Bucket::Mfa => "RATE_LIMIT_MFA",
            Bucket::PasswordReset => "RATE_LIMIT_PASSWORD_RESET",
        }
    }
}

/// Whom a counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// A client address. An IPv6 address counts by its /64 prefix, the block one subscriber
    /// usually gets, or one machine could take a fresh address per request. `None`: the
    /// server runs without connection info (in-process tests), and all clients share a key.
    Client(Option<IpAddr>),
    /// An account: the SHA-256 of its email as sign-in compares it (trimmed, lowercased), so
    /// the table holds no addresses in clear and every key is the same size.
    Account([u8; 32]),
}

impl Key {
    fn client(ip: Option<IpAddr>) -> Key {
        Key::Client(ip.map(|ip| match ip {
            IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !((1u128 << 64) - 1))),
            v4 => v4,
        }))
    }

    fn account(email: &str) -> Key {
        Key::Account(Sha256::digest(email_lookup(email).as_bytes()).into())
    }
}

/// One request to count against one limit.
#[derive(Debug, Clone, Copy)]
struct Hit {
    bucket: Bucket,
    key: Key,
    limit: u32,
}

/// A refused request: the limit it met (the longest-waiting one when several did) and the
/// whole seconds until it may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Refusal {
    bucket: Bucket,
    retry_after_secs: u64,
}

/// One key's count in its current window.
#[derive(Debug)]
struct Window {
    started: Instant,
    count: u32,
}

impl Window {
    /// How long the window still runs at `now`; `None` once it has ended.
    fn time_left(&self, bucket: Bucket, now: Instant) -> Option<Duration> {
        bucket
            .window()
            .checked_sub(now.saturating_duration_since(self.started))
            .filter(|left| !left.is_zero())
    }
}

/// Every live window, and when to sweep next.
#[derive(Debug)]
struct Counters {
    windows: HashMap<(Bucket, Key), Window>,
    sweep_at: usize,
}

impl Counters {
    fn new() -> Self {
        Counters {
            windows: HashMap::new(),
            sweep_at: SWEEP_AT,
        }
    }

    /// Counts the request against every hit, or against none: when any limit is used up the
    /// request is refused and spends nothing, so a client refused by one limit does not
    /// drain another (a blocked address hammering sign-in leaves the account's own
    /// allowance alone).
    fn hit(&mut self, hits: &[Hit], now: Instant) -> Result<(), Refusal> {
        self.sweep(now);
        let refusal = hits
            .iter()
            .filter_map(|hit| {
                let window = self.windows.get(&(hit.bucket, hit.key))?;
                let left = window.time_left(hit.bucket, now)?;
                (window.count >= hit.limit).then(|| Refusal {
                    bucket: hit.bucket,
                    retry_after_secs: whole_seconds(left),
                })
            })
            .max_by_key(|refusal| refusal.retry_after_secs);
        if let Some(refusal) = refusal {
            return Err(refusal);
        }
        for hit in hits {
            let window = self.windows.entry((hit.bucket, hit.key)).or_insert(Window {
                started: now,
                count: 0,
            });
            if window.time_left(hit.bucket, now).is_none() {
                *window = Window {
                    started: now,
                    count: 0,
                };
            }
            // Below the limit (a u32) here, so this cannot overflow.
            window.count += 1;
        }
        Ok(())
    }

    /// Drops ended windows once the table reaches `sweep_at`, then sets the next sweep at
    /// twice what is left, so a table of live windows is not walked on every request. The
    /// table thus holds about the keys seen within the longest window (an hour), at most twice
    /// over: it grows with real traffic, never without bound.
    fn sweep(&mut self, now: Instant) {
        if self.windows.len() < self.sweep_at {
            return;
        }
        self.windows
            .retain(|(bucket, _), window| window.time_left(*bucket, now).is_some());
        self.sweep_at = (self.windows.len() * 2).max(SWEEP_AT);
    }
}

/// `duration` rounded up to whole seconds, at least 1: `Retry-After` never says "now" while
/// the window still runs.
fn whole_seconds(duration: Duration) -> u64 {
    (duration.as_secs() + u64::from(duration.subsec_nanos() > 0)).max(1)
}

/// The limits and their counters, shared by every request of the server (cloning shares).
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limits: RateLimits,
    trust_proxy: bool,
    counters: Arc<Mutex<Counters>>,
}

impl RateLimiter {
    /// Limits from `RATE_LIMIT_*`; `trust_proxy` (`TRUST_PROXY`) says where the client's
    /// address comes from (`client_ip`).
    pub fn new(limits: RateLimits, trust_proxy: bool) -> Self {
        RateLimiter {
            limits,
            trust_proxy,
            counters: Arc::new(Mutex::new(Counters::new())),
        }
    }

    fn hit(&self, hits: &[Hit], now: Instant) -> Result<(), Refusal> {
        // A panic while the lock was held cannot leave a count half-written (each is one
        // store), so a poisoned lock is safe to keep using.
        self.counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .hit(hits, now)
    }
}

/// Middleware: counts each request under `/api` against the limits that apply to it and
/// answers 429 `rate_limited` once one is used up. Static files (the shell, widget bundles)
/// are never counted: a page load fetches many.
pub async fn enforce(State(limiter): State<RateLimiter>, request: Request, next: Next) -> Response {
    if !is_api_path(request.uri().path()) {
        return next.run(request).await;
    }
    let limits = limiter.limits;
    let client = Key::client(client_ip(&request, limiter.trust_proxy));
    let mut hits = vec![Hit {
        bucket: Bucket::Global,
        key: client,
        limit: limits.global,
    }];
    let route_limit = match (request.method(), request.uri().path()) {
        (&Method::POST, LOGIN_PATH) => Some((Bucket::Login, limits.login)),
        (&Method::POST, MFA_VERIFY_PATH) => Some((Bucket::Mfa, limits.mfa)),
        (&Method::POST, PASSWORD_FORGOT_PATH) => {
            Some((Bucket::PasswordReset, limits.password_reset))
        }
        _ => None,
    };
    let mut request = request;
    if let Some((bucket, limit)) = route_limit {
        hits.push(Hit {
            bucket,
            key: client,
            limit,
        });
        if bucket == Bucket::Login && limits.login_account > 0 {
            let (account, rebuilt) = match sign_in_account(request).await {
                Ok(read) => read,
                Err(error) => return error.into_response(),
            };
            request = rebuilt;
            hits.extend(account.map(|key| Hit {
                bucket: Bucket::LoginAccount,
                key,
                limit: limits.login_account,
            }));
        }
    }
    hits.retain(|hit| hit.limit > 0);
    if !hits.is_empty()
        && let Err(refusal) = limiter.hit(&hits, Instant::now())
    {
        // The limit's name, never the address or account: logs are not a store of who.
        tracing::info!(
            limit = refusal.bucket.variable(),
            retry_after_secs = refusal.retry_after_secs,
            "rate limited"
        );
        return ApiError::RateLimited {
            retry_after_secs: refusal.retry_after_secs,
        }
        .into_response();
    }
    next.run(request).await
}

/// Reads a sign-in body (within the body limit) for its `email`, and hands back the request
/// with the same bytes for the handler. The account is `None` when the body has no string
/// `email`: the handler then answers 400 or 415 itself, and only the per-address limits
/// count the attempt.
async fn sign_in_account(request: Request) -> Result<(Option<Key>, Request), ApiError> {
    /// Just the member needed; the rest of the body (the password) is not parsed here.
    #[derive(serde::Deserialize)]
    struct SignIn {
        email: String,
    }

    let (parts, body) = request.into_parts();
    // `Bytes` honours `DefaultBodyLimit` (`limits::body_limit`), like the handler's `Json`.
    let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), &())
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::MalformedJson(rejection.body_text())
            }
        })?;
    let account = serde_json::from_slice::<SignIn>(&bytes)
        .ok()
        .map(|sign_in| Key::account(&sign_in.email));
    Ok((account, Request::from_parts(parts, Body::from(bytes))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::to_bytes;
    use axum::routing::post;
    use tower::ServiceExt as _;

    const ADDRESS: Key = Key::Client(Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 1))));

    fn hit(bucket: Bucket, key: Key, limit: u32) -> Hit {
        Hit { bucket, key, limit }
    }

    #[test]
    fn a_client_gets_its_allowance_then_waits_for_the_end_of_the_window() {
        let mut counters = Counters::new();
        let start = Instant::now();
        let login = [hit(Bucket::Login, ADDRESS, 3)];

        for _ in 0..3 {
            assert_eq!(counters.hit(&login, start), Ok(()));
        }
        let refused = counters.hit(&login, start + Duration::from_millis(60_500));
        let reopened = counters.hit(&login, start + WINDOW);

        assert_eq!(
            refused,
            Err(Refusal {
                bucket: Bucket::Login,
                retry_after_secs: 15 * 60 - 60,
            })
        );
        assert_eq!(reopened, Ok(()));
    }

    #[test]
    fn a_refused_request_spends_nothing_from_its_other_limits() {
        let mut counters = Counters::new();
        let now = Instant::now();
        let account = Key::account("asha@example.in");
        counters
            .hit(&[hit(Bucket::Login, ADDRESS, 1)], now)
            .unwrap();

        for _ in 0..5 {
            let both = [
                hit(Bucket::Login, ADDRESS, 1),
                hit(Bucket::LoginAccount, account, 2),
            ];
            assert!(counters.hit(&both, now).is_err());
        }

        assert!(
            !counters
                .windows
                .contains_key(&(Bucket::LoginAccount, account))
        );
    }

    #[test]
    fn several_refusing_limits_say_the_longest_wait() {
        let mut counters = Counters::new();
        let start = Instant::now();
        counters
            .hit(
                &[
                    hit(Bucket::Login, ADDRESS, 1),
                    hit(Bucket::PasswordReset, ADDRESS, 1),
                ],
                start,
            )
            .unwrap();

        let refusal = counters
            .hit(
                &[
                    hit(Bucket::Login, ADDRESS, 1),
                    hit(Bucket::PasswordReset, ADDRESS, 1),
                ],
                start,
            )
            .unwrap_err();

        assert_eq!(refusal.bucket, Bucket::PasswordReset);
        assert_eq!(refusal.retry_after_secs, 60 * 60);
    }

    #[test]
    fn limits_count_separately_per_bucket_and_per_key() {
        let mut counters = Counters::new();
        let now = Instant::now();
        let other = Key::client(Some("198.51.100.2".parse().unwrap()));
        counters
            .hit(&[hit(Bucket::Login, ADDRESS, 1)], now)
            .unwrap();

        assert_eq!(counters.hit(&[hit(Bucket::Login, other, 1)], now), Ok(()));
        assert_eq!(counters.hit(&[hit(Bucket::Mfa, ADDRESS, 1)], now), Ok(()));
        assert!(
            counters
                .hit(&[hit(Bucket::Login, ADDRESS, 1)], now)
                .is_err()
        );
    }

    #[test]
    fn ended_windows_are_swept_once_the_table_is_large() {
        let mut counters = Counters::new();
        let start = Instant::now();
        for n in 0..SWEEP_AT as u32 {
            let key = Key::client(Some(IpAddr::V4(n.into())));
            counters
                .hit(&[hit(Bucket::Global, key, 10)], start)
                .unwrap();
        }
        assert_eq!(counters.windows.len(), SWEEP_AT);

        counters
            .hit(&[hit(Bucket::Global, ADDRESS, 10)], start + WINDOW)
            .unwrap();

        assert_eq!(counters.windows.len(), 1);
        assert_eq!(counters.sweep_at, SWEEP_AT);
    }

    #[test]
    fn ipv6_clients_count_by_their_64_prefix() {
        let one = Key::client(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let same_block = Key::client(Some("2001:db8:1:2:ffff::9".parse().unwrap()));
        let next_block = Key::client(Some("2001:db8:1:3::1".parse().unwrap()));

        assert_eq!(one, same_block);
        assert_ne!(one, next_block);
    }

    #[test]
    fn an_account_is_its_email_as_sign_in_compares_it() {
        assert_eq!(
            Key::account(" Asha@Example.IN "),
            Key::account("asha@example.in")
        );
        assert_ne!(
            Key::account("asha@example.in"),
            Key::account("ravi@example.in")
        );
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(2_001)), 3);
        assert_eq!(whole_seconds(Duration::from_secs(900)), 900);
    }

    #[test]
    fn every_limited_path_is_a_route() {
        let routes: Vec<String> = crate::routes::routes()
            .specs()
            .into_iter()
            .filter(|spec| spec.method == Method::POST)
            .map(|spec| format!("/api/v1{}", spec.path))
            .collect();

        for path in [LOGIN_PATH, MFA_VERIFY_PATH, PASSWORD_FORGOT_PATH] {
            assert!(routes.iter().any(|route| route == path), "{path}");
        }
    }

    /// A sign-in route that echoes the body it got, behind the limiter.
    fn echo_login(limits: RateLimits) -> Router {
        Router::new()
            .route(LOGIN_PATH, post(|body: Bytes| async move { body }))
            .layer(axum::middleware::from_fn_with_state(
                RateLimiter::new(limits, false),
                enforce,
            ))
    }

    async fn send(app: &Router, body: &'static str) -> (StatusCode, Bytes) {
        let response = app
            .clone()
            .oneshot(
                Request::post(LOGIN_PATH)
                    .header("content-type", "application/json")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status();
        (
            status,
            to_bytes(response.into_body(), usize::MAX).await.unwrap(),
        )
    }

    #[tokio::test]
    async fn the_sign_in_body_reaches_the_handler_unchanged_after_the_account_is_read() {
        let limits = RateLimits {
            login_account: 1,
            ..RateLimits::default()
        };
        let app = echo_login(limits);
        let body = r#"{"email":"Asha@example.in","password":"correct horse"}"#;

        let first = send(&app, body).await;
        let same_account = send(&app, r#"{"email":" asha@example.in ","password":"x"}"#).await;

        assert_eq!(first, (StatusCode::OK, Bytes::from(body)));
        assert_eq!(same_account.0, StatusCode::TOO_MANY_REQUESTS);
    }

    #[tokio::test]
    async fn a_sign_in_body_without_an_email_goes_to_the_handler_uncounted_by_account() {
        let limits = RateLimits {
            login_account: 1,
            ..RateLimits::default()
        };
        let app = echo_login(limits);

        for body in ["not json", r#"{"email":42}"#] {
            assert_eq!(send(&app, body).await, (StatusCode::OK, Bytes::from(body)));
        }
    }
}
