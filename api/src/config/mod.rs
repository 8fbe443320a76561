//! Typed configuration, read from the environment (and `.env`, loaded by the binary).
//!
//! In the `dev` tier every setting has a default that works on a fresh checkout, so
//! `cargo run -p api -- serve` needs nothing set. `production` refuses to guess where its data
//! lives. `.env.example` at the repository root lists the same variables.
//!
//! This module holds the settings and their defaults; `env` reads them, and the settings of
//! one concern are read in its own module: `payments`, `security` (CORS, proxy, rate limits,
//! timeout), `secret` (values that never print), `field_keys` (the PII encryption keyring),
//! `audit` (the audit checkpoints), `mail` (SMTP and the outbox sender);
//! `dev_key` makes the development keys of the tiers that may run without secrets.

mod audit;
pub mod dev_key;
mod env;
mod field_keys;
mod mail;
mod payments;
mod secret;
mod security;

pub use audit::{AuditSettings, DEFAULT_CHECKPOINT_FILE, DEFAULT_CHECKPOINT_INTERVAL_SECS};
pub use field_keys::FieldKeys;
pub use mail::{DEFAULT_MAIL_MAX_ATTEMPTS, DEFAULT_MAIL_POLL_INTERVAL_MS, MailSettings};
pub use payments::{
    DEFAULT_PAYMENT_TIMEOUT_SECS, DEFAULT_RAZORPAY_API_URL, DEFAULT_RAZORPAY_CHECKOUT_URL,
    DEFAULT_RAZORPAY_TIMEOUT_SECS, DEFAULT_SWEEP_INTERVAL_SECS, PaymentProviderKind,
    PaymentSettings, RazorpaySettings,
};
pub use secret::{MIN_JWT_SECRET_BYTES, Secret};
pub use security::{DEFAULT_REQUEST_TIMEOUT_SECS, RateLimits};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The largest request body read: 64 KiB, far above any JSON the API takes (a sign-in is
/// under 2 KiB), small enough that a flood of large bodies costs little memory.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Default for [`Config::addr`]: loopback only, so a development server is not exposed to the
/// network by accident.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Default for [`Config::dist_dir`], relative to the working directory (the repository root
/// when run through cargo), where `cargo xtask build` writes the front end.
pub const DEFAULT_DIST_DIR: &str = "dist";

/// Default for [`Config::database_url`] outside production: an SQLite file under `data/`,
/// relative to the working directory; the folder and the file are created when missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/bazaar.db";

/// Default for [`Config::public_url`]: the default listening address.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// `APP_ENV`: the deployment tier, `dev` (default), `staging` or `production`.
    pub app_env: AppEnv,
    /// `API_ADDR`: the socket address to listen on, `IP:PORT` (default `127.0.0.1:8080`).
    /// Port 0 asks the OS for a free port; the bound one is printed at startup.
    pub addr: SocketAddr,
    /// `DIST_DIR`: the built front end (`index.html`, `federation.json`, `shell/`,
    /// `widgets/`), default `dist`. Read on every request, never cached in memory, because
    /// deploys replace files in it while the server runs.
    pub dist_dir: PathBuf,
    /// `DATABASE_URL`: `sqlite://PATH` (default `sqlite://data/bazaar.db`) or
    /// `postgres://USER:PASSWORD@HOST:PORT/DB` (`postgresql://` too). Required in production.
    /// A secret because a PostgreSQL URL carries a password.
    pub database_url: Secret<String>,
    /// `DATABASE_MAX_CONNECTIONS`: the most connections the pool opens (sqlx's default, 10,
    /// when unset). The test command also runs the API suite with 1: no use case may hold one
    /// connection while it waits for another, or a burst of requests waits on itself.
    pub database_max_connections: Option<u32>,
    /// `JWT_SECRET`: the HMAC key that signs access tokens, at least 32 bytes. Required in
    /// production. Unset in dev and staging, a random key is created on first run in
    /// [`Config::dev_key_dir`] and kept, so restarts keep sessions valid.
    pub jwt_secret: Option<Secret<String>>,
    /// `DEV_KEY_DIR`: where the development signing key (`dev-jwt.key`) lives when
    /// `JWT_SECRET` is unset, and the development field key (`dev-field.key`) when
    /// `FIELD_KEYS` is unset. Default: the folder of the SQLite database file (`data` for the
    /// default URL), else `data`.
    pub dev_key_dir: PathBuf,
    /// `PUBLIC_URL`: the address users open the storefront at, without a trailing slash
    /// (default `http://127.0.0.1:8080`). Links in mail (password reset) start with it; it is
    /// configured rather than taken from the request's `Host`, which a client chooses.
    pub public_url: String,
    /// `MAIL_DIR`: where mail is written as `<id>.eml` when `SMTP_URL` is unset (dev and
    /// staging; see `mail::folder`). Default: `mail` in the folder of the SQLite database file
    /// (`data/mail` for the default URL), else `data/mail`.
    pub mail_dir: PathBuf,
    /// `UPLOAD_DIR`: where product images are stored (the local object store, `storage`).
    /// Default: `uploads` in the folder of the SQLite database file (`data/uploads` for the
    /// default URL), else `data/uploads`.
    pub upload_dir: PathBuf,
    /// `CORS_ORIGINS`: the other origins whose pages may call the API with credentials
    /// (cookies), comma-separated, each exactly as a browser sends it in `Origin`:
    /// `scheme://host[:port]`, no path, no trailing slash, no wildcard. Default: none, so
    /// only same-origin pages (the shell the server itself serves) can read API answers.
    pub cors_origins: Vec<String>,
    /// `TRUST_PROXY`: `true` when the server sits behind exactly one reverse proxy or load
    /// balancer that appends the client's address to `X-Forwarded-For`; rate limits then key
    /// on that right-most entry instead of the socket's peer (which is the proxy). Default
    /// `false`: the header is ignored, since any client can send it.
    pub trust_proxy: bool,
    /// `RATE_LIMIT_*`: how many requests a client may make per window (see [`RateLimits`]).
    pub rate_limits: RateLimits,
    /// `REQUEST_TIMEOUT_SECS`: how long a request may take until its response starts (default
    /// 30 s); past it the client gets 503 `timeout`. 0 turns the timeout off. A checkout's
    /// idempotency key is leased for twice this (`app::checkout::lease_secs`).
    pub request_timeout: Option<Duration>,
    /// `PAYMENT_*`, `RAZORPAY_*`: the gateway and its keys, and how long an order waits for
    /// payment.
    pub payments: PaymentSettings,
    /// `FIELD_KEYS`, `FIELD_KEY_ACTIVE`, `BLIND_INDEX_KEY`: the keys personal data is sealed
    /// and indexed with (see `field_keys`). Required in production; unset in dev and staging,
    /// a development key is created on first run in [`Config::dev_key_dir`]
    /// (`dev-field.key`), so those tiers encrypt too.
    pub field_keys: Option<FieldKeys>,
    /// `AUDIT_CHECKPOINT_*`: the audit log's signed checkpoints outside the database.
    pub audit: AuditSettings,
    /// `SMTP_URL`, `MAIL_FROM`, `MAIL_MAX_ATTEMPTS`, `MAIL_POLL_INTERVAL_MS`: how mail leaves
    /// the outbox (see `mail`).
    pub mail: MailSettings,
}

/// The deployment tiers of seed 000, section 14.1. Settings that may default in `dev` must be
/// given explicitly in `production`, so a misconfigured server stops instead of quietly
/// running on development defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    /// A developer's machine: every setting has a default.
    Dev,
    /// QA and load testing. Same defaults as `dev` (it encrypts as every tier does, with the
    /// development key unless `FIELD_KEYS` is set); its payment sandbox is Razorpay on test
    /// keys (`PAYMENT_PROVIDER=razorpay`), or the mock gateway by default.
    Staging,
    /// Live: no default for where the data lives, and payments through Razorpay.
    Production,
}

impl AppEnv {
    /// Parses the `APP_ENV` spellings: exactly `dev`, `staging` or `production`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "dev" => Some(AppEnv::Dev),
            "staging" => Some(AppEnv::Staging),
            "production" => Some(AppEnv::Production),
            _ => None,
        }
    }

    /// The `APP_ENV` spelling, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            AppEnv::Dev => "dev",
            AppEnv::Staging => "staging",
            AppEnv::Production => "production",
        }
    }
}

/// A setting that is missing or unusable. Startup stops on it rather than guessing.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid UTF-8")]
    NotUnicode { name: &'static str },
    #[error("{name}={value:?} is not valid: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
    /// Like `Invalid`, without the value: the setting is a secret.
    #[error("{name} is not valid: {reason}")]
    InvalidSecret {
        name: &'static str,
        reason: &'static str,
    },
    #[error("{name} must be set when APP_ENV={app_env}: {reason}")]
    Required {
        name: &'static str,
        app_env: &'static str,
        reason: &'static str,
    },
    /// Several settings that go together, each missing one named.
    #[error("{} must be set: {reason}", names.join(", "))]
    Missing {
        names: Vec<&'static str>,
        reason: &'static str,
    },
}

/// How the readers of each concern look a variable up: its value, `None` when unset or empty.
trait Lookup: Fn(&'static str) -> Result<Option<String>, ConfigError> {}

impl<F: Fn(&'static str) -> Result<Option<String>, ConfigError>> Lookup for F {}
