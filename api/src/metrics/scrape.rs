//! `GET /metrics`: the Prometheus text of this process, with the gauges that are read when
//! scraped (the pool's connections, the outbox's backlog) brought up to date first.
//!
//! Outside `/api`, so the API's rate limits never throttle a scraper and the route is in no
//! client's contract. Guarded by `METRICS_TOKEN` as a bearer token, compared in constant time
//! (on SHA-256 digests, so not even the token's length shows); production requires one. With
//! none set (dev, staging), only a client on the loopback interface may scrape: the metrics
//! show traffic and failures, which are no one else's business. (Behind a proxy on the same
//! machine every client looks local: set a token there.)

use super::{DB_POOL_IDLE, DB_POOL_MAX, DB_POOL_OPEN, OUTBOX_DEAD, OUTBOX_PENDING};
use crate::db::{Db, outbox};
use crate::error::ApiError;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics::gauge;
use sha2::{Digest as _, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;
use subtle::ConstantTimeEq as _;

/// The path the metrics are served on.
pub const PATH: &str = "/metrics";

/// The Prometheus text format's media type.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What the route needs: the database for the scrape-time gauges, and the token's digest.
#[derive(Clone)]
struct Scrape {
    db: Db,
    token: Option<Arc<[u8; 32]>>,
}

/// The `/metrics` route, for any router state: it carries its own.
pub fn router<S: Clone + Send + Sync + 'static>(db: Db, token: Option<&str>) -> Router<S> {
    let scrape = Scrape {
        db,
        token: token.map(|token| Arc::new(digest(token.as_bytes()))),
    };
    Router::new().route(PATH, get(metrics)).with_state(scrape)
}

async fn metrics(State(scrape): State<Scrape>, request: Request) -> Response {
    if !admitted(&scrape, &request) {
        let mut response = ApiError::Unauthenticated.into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return response;
    }
    refresh_gauges(&scrape.db).await;
    let handle = super::handle();
    handle.run_upkeep();
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT_FORMAT))],
        handle.render(),
    )
        .into_response()
}

/// Whether `request` may read the metrics: the right bearer token when one is configured,
/// else a loopback peer.
fn admitted(scrape: &Scrape, request: &Request) -> bool {
    match &scrape.token {
        Some(expected) => request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|given| bool::from(digest(given.as_bytes()).ct_eq(&**expected))),
        None => request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_some_and(|ConnectInfo(peer)| peer.ip().is_loopback()),
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Sets the gauges read at scrape time. A database that does not answer leaves the outbox's
/// gauges as they were (and readiness says why); the scrape itself still answers.
async fn refresh_gauges(db: &Db) {
    let pool = db.pool_use();
    gauge!(DB_POOL_OPEN).set(pool.open);
    gauge!(DB_POOL_IDLE).set(pool.idle);
    gauge!(DB_POOL_MAX).set(pool.max);
    // The counts only (no rows, no addresses): storage read directly, as the sweeper's
    // helpers do, since there is no rule or scope to apply to two numbers.
    let backlog = match db.conn().await {
        Ok(mut conn) => outbox::backlog(&mut conn).await,
        Err(error) => Err(error),
    };
    match backlog {
        Ok(backlog) => {
            gauge!(OUTBOX_PENDING).set(backlog.pending as f64);
            gauge!(OUTBOX_DEAD).set(backlog.dead as f64);
        }
        Err(error) => {
            tracing::warn!(%error, "the outbox backlog could not be read for the metrics")
        }
    }
}
