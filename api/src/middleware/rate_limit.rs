//! Rate limits, as GCRA token buckets from the `governor` crate: one generous bucket per client
//! over every API request, so browsing and cart changes are never throttled, and strict
//! allowances per client on the routes an attacker hammers (sign-in, second-factor answers,
//! reset links, sign-ups, order placement), with one more per account on sign-in. A request a
//! bucket refuses gets 429 `rate_limited` (problem+json) with `Retry-After`: the whole seconds
//! until that bucket would take it.
//!
//! What is left here is what a crate does not do: choosing the buckets of a request by its
//! route, reading the sign-in body for the account (`key::sign_in_account`; `tower_governor`'s
//! key extractors are synchronous and see only the head), keying IPv6 clients by their /64,
//! answering our problem+json, and sweeping idle keys (governor leaves `retain_recent` to its
//! caller). `tower_governor` was not used for that reason and because it takes one quota per
//! layer: seven layers on as many route groups, each with its own error path.
//!
//! A strict limit of N per window is a burst of N that refills one request per window: never
//! more than N within any one window, so the 6th sign-in within 15 minutes is refused.
//!
//! The buckets live in this process's memory, like the fixed-window counters before them:
//! behind N instances a client gets up to N times each allowance, and a restart forgets them.
//! docs/SECURITY.md and docs/RUNBOOK.md say so; the account lockout, which is in the database,
//! is shared.

mod key;

use crate::config::RateLimits;
use crate::error::ApiError;
use crate::middleware::client_ip::client_ip;
use crate::routes::is_api_path;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{NotUntil, Quota};
use key::{Key, sign_in_account};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The 15-minute window of most strict limits (the length of an account lockout, too).
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// A bucket's table is swept of idle keys once it holds this many; see [`Limiter::sweep`].
const SWEEP_AT: usize = 10_000;

/// One limit of [`RateLimits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Rule {
    /// `RATE_LIMIT_API_PER_MINUTE` and `RATE_LIMIT_API_BURST`: every request under `/api`.
    Api,
    /// `RATE_LIMIT_LOGIN`: sign-in attempts per client.
    Login,
    /// `RATE_LIMIT_LOGIN_ACCOUNT`: sign-in attempts per account, from anywhere.
    LoginAccount,
    /// `RATE_LIMIT_MFA`: answers to sign-in challenges per client.
    Mfa,
    /// `RATE_LIMIT_PASSWORD_RESET`: reset-link requests per client.
    PasswordReset,
    /// `RATE_LIMIT_REGISTER`: sign-ups per client.
    Register,
    /// `RATE_LIMIT_ORDERS`: order placements per client.
    Orders,
}

/// The strict rules of the routes that have one, as the router sees them (`/api/v1` and the
/// route table's path; `every_limited_path_is_a_route` keeps them in step). All are `POST`.
const ROUTES: [(&str, Rule); 5] = [
    ("/api/v1/auth/login", Rule::Login),
    ("/api/v1/auth/mfa/verify", Rule::Mfa),
    ("/api/v1/auth/password/forgot", Rule::PasswordReset),
    ("/api/v1/auth/register", Rule::Register),
    ("/api/v1/orders", Rule::Orders),
];

impl Rule {
    const ALL: [Rule; 7] = [
        Rule::Api,
        Rule::Login,
        Rule::LoginAccount,
        Rule::Mfa,
        Rule::PasswordReset,
        Rule::Register,
        Rule::Orders,
    ];

    /// The rule's quota under `limits`; `None` when a 0 turns it off.
    fn quota(self, limits: &RateLimits) -> Option<Quota> {
        let strict = |allowance: u32, window: Duration| {
            Some(Quota::with_period(window)?.allow_burst(NonZeroU32::new(allowance)?))
        };
        match self {
            Rule::Api => {
                let per_minute = NonZeroU32::new(limits.api_per_minute)?;
                let burst = NonZeroU32::new(limits.api_burst)?;
                Some(Quota::per_minute(per_minute).allow_burst(burst))
            }
            Rule::Login => strict(limits.login, WINDOW),
            Rule::LoginAccount => strict(limits.login_account, WINDOW),
            Rule::Mfa => strict(limits.mfa, WINDOW),
            // Each may send a mail, or make an account: an hour, so one address cannot flood.
            Rule::PasswordReset => strict(limits.password_reset, 60 * WINDOW / 15),
            Rule::Register => strict(limits.register, 60 * WINDOW / 15),
            Rule::Orders => strict(limits.orders, WINDOW),
        }
    }

    /// The name in logs: the variable that sets it.
    fn variable(self) -> &'static str {
        match self {
            Rule::Api => "RATE_LIMIT_API_PER_MINUTE",
            Rule::Login => "RATE_LIMIT_LOGIN",
            Rule::LoginAccount => "RATE_LIMIT_LOGIN_ACCOUNT",
            Rule::Mfa => "RATE_LIMIT_MFA",
            Rule::PasswordReset => "RATE_LIMIT_PASSWORD_RESET",
            Rule::Register => "RATE_LIMIT_REGISTER",
            Rule::Orders => "RATE_LIMIT_ORDERS",
        }
    }
}

/// A refused request: the rule that refused it and the whole seconds until it may be tried
/// again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Refusal {
    rule: Rule,
    retry_after_secs: u64,
}

/// One rule's buckets, one per key.
struct Limiter<C: Clock> {
    rule: Rule,
    buckets: governor::RateLimiter<Key, HashMapStateStore<Key>, C, NoOpMiddleware<C::Instant>>,
    sweep_at: AtomicUsize,
}

impl<C: Clock> Limiter<C> {
    /// Drops the keys whose buckets are full again once the table reaches `sweep_at`, then
    /// sets the next sweep at twice what is left, so a table of busy keys is not walked on
    /// every request: it grows with real traffic, never without bound.
    fn sweep(&self) {
        if self.buckets.len() < self.sweep_at.load(Ordering::Relaxed) {
            return;
        }
        self.buckets.retain_recent();
        self.buckets.shrink_to_fit();
        let next = (self.buckets.len() * 2).max(SWEEP_AT);
        self.sweep_at.store(next, Ordering::Relaxed);
    }
}

/// The rules that are on and their buckets, shared by every request of the server (cloning
/// shares). `C` is the clock: the monotonic one, or a fake one in tests.
pub struct RateLimiter<C: Clock = DefaultClock> {
    limiters: Arc<Vec<Limiter<C>>>,
    clock: C,
    trust_proxy: bool,
}

impl<C: Clock + Clone> Clone for RateLimiter<C> {
    fn clone(&self) -> Self {
        RateLimiter {
            limiters: Arc::clone(&self.limiters),
            clock: self.clock.clone(),
            trust_proxy: self.trust_proxy,
        }
    }
}

impl RateLimiter {
    /// Limits from `RATE_LIMIT_*`; `trust_proxy` (`TRUST_PROXY`) says where the client's
    /// address comes from (`client_ip`).
    pub fn new(limits: RateLimits, trust_proxy: bool) -> Self {
        RateLimiter::with_clock(limits, trust_proxy, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    fn with_clock(limits: RateLimits, trust_proxy: bool, clock: C) -> Self {
        let limiters = Rule::ALL
            .into_iter()
            .filter_map(|rule| {
                let quota = rule.quota(&limits)?;
                Some(Limiter {
                    rule,
                    buckets: governor::RateLimiter::new(
                        quota,
                        HashMapStateStore::default(),
                        clock.clone(),
                    ),
                    sweep_at: AtomicUsize::new(SWEEP_AT),
                })
            })
            .collect();
        RateLimiter {
            limiters: Arc::new(limiters),
            clock,
            trust_proxy,
        }
    }

    fn is_on(&self, rule: Rule) -> bool {
        self.limiters.iter().any(|limiter| limiter.rule == rule)
    }

    /// Takes one request from each `(rule, key)` bucket in turn, stopping at the first that
    /// refuses. governor has no check across buckets that takes from all or none, so the order
    /// is what keeps a refusal cheap: the per-client sign-in bucket comes before the account's,
    /// so an address refused there does not drain the account's allowance.
    fn check(&self, hits: &[(Rule, Key)]) -> Result<(), Refusal> {
        for &(rule, key) in hits {
            let Some(limiter) = self.limiters.iter().find(|limiter| limiter.rule == rule) else {
                continue;
            };
            limiter.sweep();
            limiter
                .buckets
                .check_key(&key)
                .map_err(|not_until| Refusal {
                    rule,
                    retry_after_secs: self.wait(&not_until),
                })?;
        }
        Ok(())
    }

    fn wait(&self, not_until: &NotUntil<C::Instant>) -> u64 {
        whole_seconds(not_until.wait_time_from(self.clock.now()))
    }
}

/// `duration` rounded up to whole seconds, at least 1: `Retry-After` never says "now" while
/// the bucket is still empty.
fn whole_seconds(duration: Duration) -> u64 {
    (duration.as_secs() + u64::from(duration.subsec_nanos() > 0)).max(1)
}

/// The strict rule of `method` and `path`, if any.
fn route_rule(method: &Method, path: &str) -> Option<Rule> {
    if method != Method::POST {
        return None;
    }
    ROUTES
        .iter()
        .find(|&&(route, _)| route == path)
        .map(|&(_, rule)| rule)
}

/// Middleware: takes each request under `/api` from the buckets that apply to it and answers
/// 429 `rate_limited` once one is empty. Static files (the shell, widget bundles) are never
/// counted: a page load fetches many.
pub async fn enforce(State(limiter): State<RateLimiter>, request: Request, next: Next) -> Response {
    if !is_api_path(request.uri().path()) {
        return next.run(request).await;
    }
    let client = Key::client(client_ip(&request, limiter.trust_proxy));
    let mut hits = vec![(Rule::Api, client)];
    let mut request = request;
    if let Some(rule) = route_rule(request.method(), request.uri().path()) {
        hits.push((rule, client));
        if rule == Rule::Login && limiter.is_on(Rule::LoginAccount) {
            let (account, rebuilt) = match sign_in_account(request).await {
                Ok(read) => read,
                Err(error) => return error.into_response(),
            };
            request = rebuilt;
            hits.extend(account.map(|key| (Rule::LoginAccount, key)));
        }
    }
    if let Err(refusal) = limiter.check(&hits) {
        // The limit's name, never the address or account: logs are not a store of who.
        tracing::info!(
            limit = refusal.rule.variable(),
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

#[cfg(test)]
mod tests;
