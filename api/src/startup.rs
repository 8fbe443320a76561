//! Building the app from configuration and running it: the one way to boot the server, shared
//! by `main` and the integration tests.

use crate::app::audit::checkpoint::Checkpoints;
use crate::app::{Actor, Task};
use crate::auth::token::JwtKeys;
use crate::clock::Clock;
use crate::config::{Config, PaymentProviderKind};
use crate::crypto::Vault;
use crate::db::Db;
use crate::error::ApiError;
use crate::middleware::rate_limit::{self, RateLimiter};
use crate::middleware::{cors, headers, limits, origin, problem};
use crate::object_store::ObjectStore;
use crate::payments::Payments;
use crate::payments::mock::MockGateway;
use crate::payments::razorpay::RazorpayGateway;
use crate::routes;
use crate::state::AppState;
use crate::static_files;
use anyhow::Context as _;
use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use std::any::Any;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Defined beside the other headers (the CORS layer exposes it); re-exported here, where the
/// server sets it.
pub use crate::middleware::headers::REQUEST_ID_HEADER;

/// A bound, not yet running server. Binding happens in [`Application::build`], so the port is
/// known (and connections queue) before [`Application::run_until_stopped`] is awaited.
pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    router: Router,
    db: Db,
    /// The audit checkpoints, for the one written at shutdown.
    checkpoints: Checkpoints,
    clock: Clock,
}

impl Application {
    /// Loads the access-token key (`JWT_SECRET`, or the development key file) and the
    /// field-encryption keys (`FIELD_KEYS`, or the development key file), connects to the
    /// database and applies its pending migrations, checks the keyring against the sealed
    /// data and seals any clear text left from before encryption (`app::keys::prepare`), binds `config.addr` (port
    /// 0 picks a free port) and assembles the router. Migrating first means no request ever
    /// meets an older schema than the code expects.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Clock::system()).await
    }

    /// [`Application::build`] reading business time from `clock`: tests pass an adjustable
    /// clock and move it forward instead of sleeping.
    pub async fn build_with_clock(config: Config, clock: Clock) -> anyhow::Result<Self> {
        // First: a missing or refused key stops startup before anything else is touched.
        let jwt = JwtKeys::from_config(&config).context("loading the access-token key")?;
        let vault = Vault::from_config(&config).context("loading the field-encryption keys")?;
        let checkpoints =
            Checkpoints::from_config(&config).context("loading the audit checkpoint key")?;
        let db = Db::connect_with(
            config.database_url.expose(),
            config.database_max_connections,
        )
        .await?;
        db.migrate()
            .await
            .with_context(|| format!("migrating the {} database", db.kind().as_str()))?;
        tracing::info!(
            app_env = config.app_env.as_str(),
            database = db.kind().as_str(),
            "database ready"
        );

        if !config.dist_dir.join("index.html").is_file() {
            // Not fatal: the API works without a front end, and a deploy may add it later.
            tracing::warn!(
                dist_dir = %config.dist_dir.display(),
                "no index.html in the dist directory; app routes answer 503 until `cargo xtask build` runs"
            );
        }
        // Before any request: a key the stored data needs but the keyring lacks stops startup
        // here, naming it; clear text left from before encryption is sealed now.
        let store = crate::app::keys::Store {
            db: &db,
            vault: &vault,
            clock: &clock,
        };
        crate::app::keys::prepare(&Actor::system(Task::Startup), store)
            .await
            .context("checking the sealed personal data")?;
        crate::mail::start(&config, &db, &vault, &clock).context("starting the mail sender")?;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("binding {}", config.addr))?;
        let local_addr = listener.local_addr().context("reading the bound address")?;
        let webhook_secret: Arc<[u8]> = match &config.payments.webhook_secret {
            Some(secret) => secret.expose().as_bytes().into(),
            // Dev and staging without a configured secret: one for this run. The mock gateway
            // is in this process, so it signs with the same.
            None => crate::auth::secret::random_bytes::<32>().as_slice().into(),
        };
        let payments = match config.payments.provider {
            PaymentProviderKind::Mock => {
                // The mock gateway calls this very server, on the address it is bound to.
                let host = match local_addr.ip() {
                    ip if ip.is_unspecified() => std::net::IpAddr::from([127, 0, 0, 1]),
                    ip => ip,
                };
                let webhook_url = format!(
                    "http://{}/api/v1/webhooks/payment",
                    SocketAddr::new(host, local_addr.port())
                );
                Payments::Mock(MockGateway::new(
                    db.clone(),
                    clock.clone(),
                    webhook_secret.clone(),
                    webhook_url,
                ))
            }
            PaymentProviderKind::Razorpay => {
                let settings = config
                    .payments
                    .razorpay
                    .as_ref()
                    .context("PAYMENT_PROVIDER=razorpay needs the RAZORPAY_* settings")?;
                Payments::Razorpay(RazorpayGateway::new(settings))
            }
        };
        let state = AppState {
            dist_dir: config.dist_dir.as_path().into(),
            db: db.clone(),
            jwt,
            public_url: config.public_url.as_str().into(),
            payments,
            webhook_secret,
            payment_timeout_secs: i64::try_from(config.payments.timeout.as_secs())
                .unwrap_or(i64::MAX),
            checkout_lease_secs: crate::app::checkout::lease_secs(config.request_timeout),
            refund_grace_secs: i64::try_from(config.payments.refund_grace.as_secs())
                .unwrap_or(i64::MAX),
            images: ObjectStore::Local(config.upload_dir.clone()),
            clock: clock.clone(),
            vault,
            checkpoints: checkpoints.clone(),
        };
        // Its first pass runs now: refunds a crash left pending are finished from startup on.
        crate::sweeper::start(state.clone(), config.payments.sweep_interval);
        if let Some(interval) = config.audit.checkpoint_interval {
            crate::checkpointer::start(db.clone(), checkpoints.clone(), clock.clone(), interval);
        }
        Ok(Application {
            listener,
            local_addr,
            router: app(state, &config),
            db,
            checkpoints,
            clock,
        })
    }

    /// The database the server uses (a handle sharing its pool).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The address actually bound (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// Serves until ctrl-c or SIGTERM, then stops accepting and lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes, then shuts down gracefully and closes the database
    /// (SQLite folds its write-ahead log back into the file). Tests pass a future that never
    /// completes, so they install no signal handlers.
    pub async fn run_until(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(addr = %self.local_addr, "serving");
        // With each connection's peer address, which the rate limits key on.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(signal)
            .await;
        // The last rows of this run get a checkpoint too.
        crate::checkpointer::write(&self.db, &self.checkpoints, &self.clock).await;
        self.db.close().await;
        served
    }
}

/// The whole HTTP app: the API under `/api/v1`, the front end for everything else, and the
/// middleware every request goes through (configured by `config`: CORS, rate limits,
/// timeout).
pub fn app(state: AppState, config: &Config) -> Router {
    let mut routes = Router::new().nest("/api/v1", routes::router(&state));
    if let Payments::Mock(gateway) = &state.payments {
        // The mock gateway's pay pages stand for a third party's site, beside the shop.
        routes = routes.merge(gateway.clone().router());
    }
    let routes = routes.fallback(fallback);
    with_middleware(routes, config).with_state(state)
}

/// Wraps `routes` (and their fallback) in the middleware every request goes through.
fn with_middleware(routes: Router<AppState>, config: &Config) -> Router<AppState> {
    let limiter = RateLimiter::new(config.rate_limits, config.trust_proxy);
    let timeout = config
        .request_timeout
        .map(|timeout| axum::middleware::from_fn_with_state(timeout, limits::enforce_timeout));
    // Outermost first. The request id is set before the trace span opens so the span can
    // record it. Security headers wrap everything below, so refusals (429, 413, a CORS
    // preflight) carry them too; CORS wraps the refusals so a listed origin's page can read
    // them. `problem_details` completes the problems made below it (the timeout's, the rate
    // limiter's, a panic's). The timeout wraps the rate limiter, which may read a sign-in
    // body, so a body trickled in slowly is cut off; the body limit is set before anything
    // reads one.
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let request_id = request
                        .headers()
                        .get(REQUEST_ID_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    // The path only: query strings and headers may carry tokens, and logs are
                    // not a place for secrets.
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id = %request_id,
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(axum::middleware::from_fn(headers::set_security_headers))
        .option_layer(cors::layer(&config.cors_origins))
        .layer(axum::middleware::from_fn(problem::problem_details))
        .option_layer(timeout)
        .layer(limits::body_limit())
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::enforce,
        ))
        .layer(axum::middleware::from_fn_with_state(
            config.trust_proxy,
            origin::record,
        ))
        .layer(CatchPanicLayer::custom(panic_response));
    routes.layer(middleware)
}

/// Every request no route matched: a problem under `/api` (never HTML there), otherwise the
/// front end.
async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    if routes::is_api_path(request.uri().path()) {
        ApiError::NotFound.into_response()
    } else {
        static_files::serve(&state, request).await
    }
}

/// A handler panicked: answer an opaque 500 (logged with the panic message by
/// `problem_details`) instead of dropping the connection.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".to_owned());
    ApiError::Internal(anyhow::anyhow!("handler panicked: {message}")).into_response()
}

/// Completes on ctrl-c or, on Unix, SIGTERM (what container runtimes and systemd send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, to_bytes};
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt as _;

    async fn boom() -> &'static str {
        panic!("secret detail")
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_an_opaque_500_problem() {
        let state = AppState::for_tests().await;
        let routes: Router<AppState> = Router::new().route("/api/v1/boom", get(boom));
        let config = Config::from_lookup(|_| Ok(None)).unwrap();
        let app = with_middleware(routes, &config).with_state(state);

        let response = app
            .oneshot(Request::get("/api/v1/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();

        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().contains_key(REQUEST_ID_HEADER));
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let problem: contracts::Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem.code, "internal_error");
        assert_eq!(problem.instance.as_deref(), Some("/api/v1/boom"));
        assert!(!String::from_utf8_lossy(&body).contains("secret detail"));
    }
}
