//! Who may call which route: a [`Policy`] declared beside each route in an [`ApiRoutes`]
//! table, enforced by a layer before the handler runs, and readable by tests (the role × route
//! matrix) and by the OpenAPI document (its security requirements). The table also says which
//! routes are deprecated (`routes::versioning`).
//!
//! Policies name permissions, never roles: which role holds which permission is decided once,
//! in `auth::roles` (seed 000 §3.1). Data scopes (a seller's own shop, a customer's own rows)
//! are not a policy's business: handlers put them into their queries' `WHERE` clauses.

use crate::auth::token::Claims;
use crate::error::ApiError;
use crate::extractor::{AuthUser, authenticate};
use crate::routes::versioning::{self, Deprecation};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use contracts::props::Role;
use std::collections::HashSet;

/// What a caller must show to reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Anyone, signed in or not: sign-up, sign-in, probes, the public catalog.
    Public,
    /// Anyone, as a guest or signed in: a guest's cart, or the customer's own when a token is
    /// sent. The handler reads the caller from the token if there is one (`Actor`), so a
    /// token that is sent must be valid: 401 `unauthenticated` otherwise.
    GuestOrSignedIn,
    /// Anyone holding the refresh cookie and its CSRF token. The handler checks both (they
    /// are the credential); the layer lets the request through like [`Policy::Public`].
    RefreshCookie,
    /// Any signed-in user; what the handler reads or writes is scoped to that user.
    SignedIn,
    /// A signed-in user holding at least one of these permissions. An administrator's
    /// permissions count only in a session that passed a second factor (seed 002: strong
    /// authentication for admin operations); without it the answer is 403 `mfa_required`.
    AnyOf(&'static [&'static str]),
    /// [`Policy::AnyOf`], and a second factor passed at most [`FRESH_MFA_SECS`] ago (the
    /// token's `mfa_at`, which refreshing does not renew): for acts that move money, so a
    /// stolen or forgotten session cannot. Else 403 `fresh_mfa_required`, and the client has
    /// the user pass the second factor again (sign in with it).
    FreshMfa(&'static [&'static str]),
}

/// How recent a [`Policy::FreshMfa`] route wants the second factor: five minutes, long enough
/// to sign in and act, short enough that an unattended session cannot move money.
pub const FRESH_MFA_SECS: i64 = 5 * 60;

impl Policy {
    /// Whether a request must carry a valid access token.
    pub fn needs_token(self) -> bool {
        matches!(
            self,
            Policy::SignedIn | Policy::AnyOf(_) | Policy::FreshMfa(_)
        )
    }

    /// The permissions this policy asks for (one of them), if it asks for any.
    pub fn permissions(self) -> Option<&'static [&'static str]> {
        match self {
            Policy::AnyOf(needed) | Policy::FreshMfa(needed) => Some(needed),
            Policy::Public | Policy::GuestOrSignedIn | Policy::RefreshCookie | Policy::SignedIn => {
                None
            }
        }
    }

    /// Checks `claims` (already verified) against this policy at `now` (unix seconds).
    pub fn admits(self, claims: &Claims, now: i64) -> Result<(), ApiError> {
        let Some(needed) = self.permissions() else {
            return Ok(());
        };
        if !needed
            .iter()
            .any(|permission| claims.permissions.iter().any(|held| held == permission))
        {
            return Err(ApiError::Forbidden);
        }
        // Administrators' sessions need a second factor for their permissions to count.
        if matches!(claims.role, Role::Admin | Role::SuperAdmin) && !claims.mfa {
            return Err(ApiError::MfaRequired);
        }
        let fresh = claims
            .mfa_at
            .is_some_and(|at| now.saturating_sub(at) <= FRESH_MFA_SECS);
        if matches!(self, Policy::FreshMfa(_)) && !fresh {
            return Err(ApiError::FreshMfaRequired);
        }
        Ok(())
    }
}

/// One row of the route table: method, path (relative to `/api/v1`, axum syntax, `{id}` for
/// parameters), policy, and whether it is on its way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub policy: Policy,
    pub deprecation: Option<Deprecation>,
}

/// The API's routes, each with its policy. Modules build one with [`ApiRoutes::route`] and
/// the root merges them; [`ApiRoutes::into_router`] turns the table into an axum router with
/// each route guarded by its policy.
#[derive(Default)]
pub struct ApiRoutes {
    routes: Vec<(RouteSpec, MethodRouter<AppState>)>,
}

impl ApiRoutes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `handler` for `method` on `path`, guarded by `policy`. The handler is bound to
    /// exactly `method` here, so the table cannot say GET while the handler serves POST.
    pub fn route<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        policy: Policy,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone())
            .unwrap_or_else(|_| panic!("{method} is not a routable method"));
        let spec = RouteSpec {
            method,
            path,
            policy,
            deprecation: None,
        };
        self.routes.push((spec, on(filter, handler)));
        self
    }

    /// Marks the route added last as deprecated (`routes::versioning`).
    pub fn deprecated(mut self, deprecation: Deprecation) -> Self {
        let (spec, _) = self
            .routes
            .last_mut()
            .expect("deprecated() follows the route() it marks");
        spec.deprecation = Some(deprecation);
        self
    }

    /// Adds every route of `other`.
    pub fn merge(mut self, other: ApiRoutes) -> Self {
        self.routes.extend(other.routes);
        self
    }

    /// The table: every route with its policy, in declaration order.
    pub fn specs(&self) -> Vec<RouteSpec> {
        self.routes.iter().map(|(spec, _)| spec.clone()).collect()
    }

    /// The axum router, each route behind its policy check. `state` supplies the
    /// token-verification keys and the clock to the checks. Panics on a route declared twice:
    /// a programming error that every test run (which builds the router) catches.
    pub fn into_router(self, state: &AppState) -> Router<AppState> {
        let mut seen = HashSet::new();
        let mut router = Router::new();
        for (spec, handler) in self.routes {
            assert!(
                seen.insert((spec.method.clone(), spec.path)),
                "{} {} is declared twice in the route table",
                spec.method,
                spec.path
            );
            let policy = spec.policy;
            let check = middleware::from_fn_with_state(
                state.clone(),
                move |State(state): State<AppState>, request: Request, next: Next| {
                    authorize(policy, state, request, next)
                },
            );
            let mut handler = handler.route_layer(check);
            if let Some(deprecation) = spec.deprecation {
                if let Err(breach) = deprecation.check() {
                    panic!(
                        "{} {} breaks the versioning policy: {breach}",
                        spec.method, spec.path
                    );
                }
                // Outside the policy check, so a 401 or 403 carries the headers too.
                let clock = state.clock.clone();
                handler = handler.route_layer(middleware::from_fn(move |request, next| {
                    versioning::announce(deprecation, clock.clone(), request, next)
                }));
            }
            // Same path, other method: axum merges the method routers of one path.
            router = router.route(spec.path, handler);
        }
        router
    }
}

/// The policy check in front of a handler: verifies the access token when the policy needs
/// one (an impersonation token's session must still be live), checks its permissions, and hands the verified user to the handler through the
/// request's extensions (so [`AuthUser`] does not verify the token a second time).
async fn authorize(policy: Policy, state: AppState, mut request: Request, next: Next) -> Response {
    if !policy.needs_token() {
        return next.run(request).await;
    }
    let now = state.clock.now();
    let claims = match authenticate(request.headers(), &state.jwt, &state.db, now).await {
        Ok(claims) => claims,
        Err(error) => return error.into_response(),
    };
    if let Err(error) = policy.admits(&claims, now) {
        return error.into_response();
    }
    request.extensions_mut().insert(AuthUser { claims });
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::versioning::Sunset;
    use axum::body::Body;
    use axum::http::StatusCode;
    use tower::ServiceExt as _;

    #[tokio::test]
    async fn a_deprecated_route_announces_itself_even_when_refused_and_is_gone_after_its_sunset() {
        let state = AppState::for_tests().await;
        let today = contracts::calendar::Date::from_unix_days(state.clock.now() / 86_400).unwrap();
        let retiring = Deprecation {
            since: today,
            sunset: Some(Sunset {
                on: today.plus_months(versioning::SUPPORT_MONTHS).unwrap(),
                announced: today,
            }),
            successor: None,
        };
        let app = ApiRoutes::new()
            .route(Method::GET, "/old", Policy::SignedIn, || async { "old" })
            .deprecated(retiring)
            .into_router(&state)
            .with_state(state.clone());
        let get = || {
            axum::http::Request::get("/old")
                .body(Body::empty())
                .unwrap()
        };

        let refused = app.clone().oneshot(get()).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert!(refused.headers().contains_key("deprecation"));
        assert!(refused.headers().contains_key("sunset"));

        state.clock.advance(25 * 31 * 86_400);
        let gone = app.oneshot(get()).await.unwrap();
        assert_eq!(gone.status(), StatusCode::GONE);
    }

    #[tokio::test]
    #[should_panic(expected = "GET /old breaks the versioning policy")]
    async fn a_route_table_that_breaks_the_policy_does_not_build() {
        let state = AppState::for_tests().await;
        let day = |text: &str| text.parse().unwrap();
        let too_soon = Deprecation {
            since: day("2027-01-15"),
            sunset: Some(Sunset {
                on: day("2028-01-15"),
                announced: day("2027-01-15"),
            }),
            successor: None,
        };
        let _ = ApiRoutes::new()
            .route(Method::GET, "/old", Policy::Public, || async { "old" })
            .deprecated(too_soon)
            .into_router(&state);
    }
}
