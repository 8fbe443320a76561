//! The REST API: one module per resource, merged into one router that `startup` nests under
//! `/api/v1`.

use crate::state::AppState;
use axum::Router;

pub mod auth;
pub mod health;

/// The path prefix every API route lives under.
pub const API_PREFIX: &str = "/api";

/// Every API route, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        // Operations: probes for load balancers and deploy scripts; no auth.
        .merge(health::router())
        // Identity: anyone may register and sign in; `me` needs an access token.
        .merge(auth::router())
}

/// `true` for `/api` and anything below it. Such paths are answered by the API alone (a
/// problem+json 404 when nothing matches), never by the front end's HTML.
pub fn is_api_path(path: &str) -> bool {
    path.strip_prefix(API_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_are_the_prefix_and_everything_below_it() {
        for path in ["/api", "/api/", "/api/v1/health", "/api/v2/x.json"] {
            assert!(is_api_path(path), "{path}");
        }
        for path in ["/", "/apiary", "/products/api", "/api.json"] {
            assert!(!is_api_path(path), "{path}");
        }
    }
}
