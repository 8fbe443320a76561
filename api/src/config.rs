//! Typed configuration, read from the environment (and `.env`, loaded by the binary).
//!
//! In the `dev` tier every setting has a default that works on a fresh checkout, so
//! `cargo run -p api -- serve` needs nothing set. `production` refuses to guess where its data
//! lives. `.env.example` at the repository root lists the same variables.

use crate::db::DbKind;
use std::env::VarError;
use std::fmt;
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
    /// `JWT_SECRET`: the HMAC key that signs access tokens, at least 32 bytes. Required in
    /// production. Unset in dev and staging, a random key is created on first run in
    /// [`Config::dev_key_dir`] and kept, so restarts keep sessions valid.
    pub jwt_secret: Option<Secret<String>>,
    /// `DEV_KEY_DIR`: where the development signing key (`dev-jwt.key`) lives when
    /// `JWT_SECRET` is unset. Default: the folder of the SQLite database file (`data` for the
    /// default URL), else `data`.
    pub dev_key_dir: PathBuf,
    /// `PUBLIC_URL`: the address users open the storefront at, without a trailing slash
    /// (default `http://127.0.0.1:8080`). Links in mail (password reset) start with it; it is
    /// configured rather than taken from the request's `Host`, which a client chooses.
    pub public_url: String,
    /// `MAIL_DIR`: where the development mail sender writes each outgoing mail as
    /// `<id>.eml` (see `mail`). Default: `mail` in the folder of the SQLite database file
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
    /// 30 s); past it the client gets 503 `timeout`. 0 turns the timeout off.
    pub request_timeout: Option<Duration>,
    /// `PAYMENT_*`: the gateway, its webhook secret, and how long an order waits for payment.
    pub payments: PaymentSettings,
}

/// Which payment gateway takes payments (`PAYMENT_PROVIDER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentProviderKind {
    /// The built-in mock gateway (`payments::mock`): a hosted pay page where the shopper
    /// approves or declines, and signed webhooks. Dev and staging only.
    Mock,
}

/// The payment settings.
#[derive(Debug, Clone)]
pub struct PaymentSettings {
    /// `PAYMENT_PROVIDER`: `mock`, the default in dev and staging. Refused in production, which
    /// has no real gateway yet: there it stays unset (`None`), the shop browses and signs in,
    /// and checkout answers 503 `payments_unavailable`.
    pub provider: Option<PaymentProviderKind>,
    /// `PAYMENT_WEBHOOK_SECRET`: the HMAC-SHA256 key gateways sign webhooks with, at least 32
    /// bytes. Required in production; unset in dev and staging, a random one is made per run
    /// (the mock gateway lives in the same process, so it knows it).
    pub webhook_secret: Option<Secret<String>>,
    /// `PAYMENT_TIMEOUT_SECS`: how long an order waits for its payment before it is cancelled
    /// and its stock released (default 1800, seed 000's 30 minutes).
    pub timeout: Duration,
    /// `SWEEP_INTERVAL_SECS`: how often the sweeper looks for unpaid orders past their deadline
    /// and expired idempotency keys (default 60).
    pub sweep_interval: Duration,
}

/// Default of [`PaymentSettings::timeout`], in seconds: seed 000's 30 minutes.
pub const DEFAULT_PAYMENT_TIMEOUT_SECS: u64 = 1_800;
/// Default of [`PaymentSettings::sweep_interval`], in seconds.
pub const DEFAULT_SWEEP_INTERVAL_SECS: u64 = 60;

/// Requests a client may make in each rate-limit window (`middleware::rate_limit`). 0 turns
/// that limit off. The counters live in the memory of one server process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// `RATE_LIMIT_GLOBAL`: requests under `/api` per client address per 15 minutes (default
    /// 100). Static files (the shell, widget bundles) never count.
    pub global: u32,
    /// `RATE_LIMIT_LOGIN`: sign-in attempts (`POST /api/v1/auth/login`) per client address per
    /// 15 minutes (default 5).
    pub login: u32,
    /// `RATE_LIMIT_LOGIN_ACCOUNT`: sign-in attempts per account (the email of the attempt,
    /// trimmed and lowercased) per 15 minutes, from any address (default 5).
    pub login_account: u32,
    /// `RATE_LIMIT_MFA`: answers to sign-in challenges (`POST /api/v1/auth/mfa/verify`) per
    /// client address per 15 minutes (default 10).
    pub mfa: u32,
    /// `RATE_LIMIT_PASSWORD_RESET`: reset-link requests (`POST /api/v1/auth/password/forgot`)
    /// per client address per hour (default 5).
    pub password_reset: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            global: 100,
            login: 5,
            login_account: 5,
            mfa: 10,
            password_reset: 5,
        }
    }
}

/// Default for [`Config::request_timeout`], in seconds.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;

/// Default for [`Config::public_url`]: the default listening address.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// The deployment tiers of seed 000, section 14.1. Settings that may default in `dev` must be
/// given explicitly in `production`, so a misconfigured server stops instead of quietly
/// running on development defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    /// A developer's machine: every setting has a default.
    Dev,
    /// QA and load testing. Same defaults as `dev` for now; the payment sandbox and
    /// encryption that distinguish it (seed 000) arrive with those features.
    Staging,
    /// Live: no default for where the data lives.
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

/// A value that must never reach a log, an error message or a response: `Debug` and
/// `Display` print `[redacted]`, and the value is read only through [`Secret::expose`], which
/// makes each use visible in review. Signing and encryption keys will use it too.
///
/// No `PartialEq`: comparing secrets needs a constant-time comparison, not `==`.
#[derive(Clone)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The wrapped value. Call it only where the value is handed to what needs it (a database
    /// driver, a signer), never to format it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
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
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(VarError::NotPresent) => Ok(None),
            Err(VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode { name }),
        })
    }

    /// Reads the configuration through `lookup`, so tests need not touch the process
    /// environment (which is shared by every test thread). An empty value counts as unset,
    /// which is what a `NAME=` line in `.env` usually means.
    pub fn from_lookup(
        lookup: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let var = |name| Ok::<_, ConfigError>(lookup(name)?.filter(|value| !value.is_empty()));

        let app_env = match var("APP_ENV")? {
            Some(value) => AppEnv::parse(&value).ok_or_else(|| ConfigError::Invalid {
                name: "APP_ENV",
                reason: "expected dev, staging or production".to_owned(),
                value,
            })?,
            None => AppEnv::Dev,
        };
        let addr = match var("API_ADDR")? {
            Some(value) => {
                value
                    .parse()
                    .map_err(|e: std::net::AddrParseError| ConfigError::Invalid {
                        name: "API_ADDR",
                        reason: format!("{e} (expected IP:PORT, e.g. 127.0.0.1:8080)"),
                        value,
                    })?
            }
            None => DEFAULT_ADDR
                .parse()
                .expect("DEFAULT_ADDR is a valid socket address"),
        };
        let dist_dir = var("DIST_DIR")?
            .unwrap_or_else(|| DEFAULT_DIST_DIR.to_owned())
            .into();
        let database_url = match (var("DATABASE_URL")?, app_env) {
            (Some(url), _) => url,
            (None, AppEnv::Production) => {
                return Err(ConfigError::Required {
                    name: "DATABASE_URL",
                    app_env: app_env.as_str(),
                    reason: "production never falls back to the development database",
                });
            }
            (None, AppEnv::Dev | AppEnv::Staging) => DEFAULT_DATABASE_URL.to_owned(),
        };
        // Checked here so a typo (`postgress://`) stops startup with the variable's name.
        if DbKind::from_url(&database_url).is_none() {
            return Err(ConfigError::InvalidSecret {
                name: "DATABASE_URL",
                reason: "expected sqlite://PATH, postgres://... or postgresql://...",
            });
        }

        let jwt_secret = match (var("JWT_SECRET")?, app_env) {
            (Some(secret), _) if secret.len() < MIN_JWT_SECRET_BYTES => {
                return Err(ConfigError::InvalidSecret {
                    name: "JWT_SECRET",
                    reason: "must be at least 32 bytes (e.g. `openssl rand -hex 32`)",
                });
            }
            (Some(secret), _) => Some(Secret::new(secret)),
            (None, AppEnv::Production) => {
                return Err(ConfigError::Required {
                    name: "JWT_SECRET",
                    app_env: app_env.as_str(),
                    reason: "production never signs tokens with a generated development key",
                });
            }
            (None, AppEnv::Dev | AppEnv::Staging) => None,
        };
        let dev_key_dir = match var("DEV_KEY_DIR")? {
            Some(dir) => PathBuf::from(dir),
            None => sqlite_folder(&database_url).unwrap_or_else(|| PathBuf::from("data")),
        };

        let public_url = var("PUBLIC_URL")?
            .unwrap_or_else(|| DEFAULT_PUBLIC_URL.to_owned())
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "PUBLIC_URL",
                reason: "expected http://HOST[:PORT] or https://HOST[:PORT]".to_owned(),
                value: public_url,
            });
        }
        let mail_dir = match var("MAIL_DIR")? {
            Some(dir) => PathBuf::from(dir),
            None => sqlite_folder(&database_url)
                .unwrap_or_else(|| PathBuf::from("data"))
                .join("mail"),
        };
        let upload_dir = match var("UPLOAD_DIR")? {
            Some(dir) => PathBuf::from(dir),
            None => sqlite_folder(&database_url)
                .unwrap_or_else(|| PathBuf::from("data"))
                .join("uploads"),
        };

        let cors_origins = match var("CORS_ORIGINS")? {
            Some(value) => parse_origins(&value).map_err(|reason| ConfigError::Invalid {
                name: "CORS_ORIGINS",
                reason,
                value,
            })?,
            None => Vec::new(),
        };
        let trust_proxy = match var("TRUST_PROXY")?.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "TRUST_PROXY",
                    reason: "expected true or false".to_owned(),
                    value: other.to_owned(),
                });
            }
        };
        let defaults = RateLimits::default();
        let rate_limits = RateLimits {
            global: limit(&var, "RATE_LIMIT_GLOBAL", defaults.global)?,
            login: limit(&var, "RATE_LIMIT_LOGIN", defaults.login)?,
            login_account: limit(&var, "RATE_LIMIT_LOGIN_ACCOUNT", defaults.login_account)?,
            mfa: limit(&var, "RATE_LIMIT_MFA", defaults.mfa)?,
            password_reset: limit(&var, "RATE_LIMIT_PASSWORD_RESET", defaults.password_reset)?,
        };
        let request_timeout = match var("REQUEST_TIMEOUT_SECS")? {
            Some(value) => value.parse::<u64>().map_err(|_| ConfigError::Invalid {
                name: "REQUEST_TIMEOUT_SECS",
                reason: "expected a whole number of seconds, 0 to turn the timeout off".to_owned(),
                value,
            })?,
            None => DEFAULT_REQUEST_TIMEOUT_SECS,
        };
        let request_timeout = (request_timeout > 0).then(|| Duration::from_secs(request_timeout));
        let payments = payment_settings(&var, app_env)?;

        Ok(Config {
            app_env,
            addr,
            dist_dir,
            database_url: Secret::new(database_url),
            jwt_secret,
            dev_key_dir,
            public_url,
            mail_dir,
            upload_dir,
            cors_origins,
            trust_proxy,
            rate_limits,
            request_timeout,
            payments,
        })
    }
}

/// The `PAYMENT_*` and `SWEEP_INTERVAL_SECS` variables.
fn payment_settings(
    var: &impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    app_env: AppEnv,
) -> Result<PaymentSettings, ConfigError> {
    let provider = match (var("PAYMENT_PROVIDER")?.as_deref(), app_env) {
        (Some("mock"), AppEnv::Production) => {
            return Err(ConfigError::Invalid {
                name: "PAYMENT_PROVIDER",
                value: "mock".to_owned(),
                reason: "the mock gateway takes no money; production needs a real gateway"
                    .to_owned(),
            });
        }
        (None, AppEnv::Production) => None,
        (Some("mock") | None, _) => Some(PaymentProviderKind::Mock),
        (Some(other), _) => {
            return Err(ConfigError::Invalid {
                name: "PAYMENT_PROVIDER",
                value: other.to_owned(),
                reason: "expected mock".to_owned(),
            });
        }
    };
    let webhook_secret = match (var("PAYMENT_WEBHOOK_SECRET")?, app_env) {
        (Some(secret), _) if secret.len() < MIN_JWT_SECRET_BYTES => {
            return Err(ConfigError::InvalidSecret {
                name: "PAYMENT_WEBHOOK_SECRET",
                reason: "must be at least 32 bytes",
            });
        }
        (Some(secret), _) => Some(Secret::new(secret)),
        (None, AppEnv::Production) if provider.is_some() => {
            return Err(ConfigError::Required {
                name: "PAYMENT_WEBHOOK_SECRET",
                app_env: app_env.as_str(),
                reason: "webhooks must be verified with the gateway's secret",
            });
        }
        (None, _) => None,
    };
    let seconds = |name: &'static str, default: u64| -> Result<Duration, ConfigError> {
        match var(name)? {
            Some(value) => match value.parse::<u64>() {
                Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
                _ => Err(ConfigError::Invalid {
                    name,
                    value,
                    reason: "expected a whole number of seconds above 0".to_owned(),
                }),
            },
            None => Ok(Duration::from_secs(default)),
        }
    };
    Ok(PaymentSettings {
        provider,
        webhook_secret,
        timeout: seconds("PAYMENT_TIMEOUT_SECS", DEFAULT_PAYMENT_TIMEOUT_SECS)?,
        sweep_interval: seconds("SWEEP_INTERVAL_SECS", DEFAULT_SWEEP_INTERVAL_SECS)?,
    })
}

/// A `RATE_LIMIT_*` variable: a whole number of requests (0 turns the limit off), `default`
/// when unset.
fn limit(
    var: &impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    name: &'static str,
    default: u32,
) -> Result<u32, ConfigError> {
    match var(name)? {
        Some(value) => value.parse().map_err(|_| ConfigError::Invalid {
            name,
            reason: "expected a whole number of requests, 0 to turn the limit off".to_owned(),
            value,
        }),
        None => Ok(default),
    }
}

/// The comma-separated origins of `CORS_ORIGINS`; empty items (a trailing comma) are skipped.
fn parse_origins(value: &str) -> Result<Vec<String>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(|origin| check_origin(origin).map(|()| origin.to_owned()))
        .collect()
}

/// Accepts an origin as browsers serialise it in the `Origin` header, since the CORS layer
/// compares the two byte for byte: anything else (a path, a trailing slash, capitals, the
/// default port spelt out) would silently never match, and a wildcard would open the API
/// to every site while credentials are allowed.
fn check_origin(origin: &str) -> Result<(), String> {
    let fail = |why: &str| Err(format!("{origin:?} {why} (expected scheme://host[:port])"));
    if origin.contains('*') {
        return fail("is a wildcard; list each origin");
    }
    let (scheme, authority, default_port) = if let Some(rest) = origin.strip_prefix("https://") {
        ("https", rest, "443")
    } else if let Some(rest) = origin.strip_prefix("http://") {
        ("http", rest, "80")
    } else {
        return fail("does not start with http:// or https://");
    };
    if authority.is_empty() {
        return fail("has no host");
    }
    if authority.contains(['/', '?', '#', '@']) {
        return fail("has a path, query or user; an origin ends after the host and port");
    }
    if authority.bytes().any(|b| b.is_ascii_uppercase()) {
        return fail("has capitals; browsers send origins in lowercase");
    }
    // An IPv6 host is bracketed and full of colons; the port follows the closing bracket.
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((_, "")) => (authority, None),
            Some((_, after)) => match after.strip_prefix(':') {
                Some(port) => (&authority[..authority.len() - after.len()], Some(port)),
                None => return fail("has something after the IPv6 address"),
            },
            None => return fail("has an unclosed IPv6 bracket"),
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let host_ok = host.starts_with('[')
        || host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if host.is_empty() || !host_ok {
        return fail("has an invalid host");
    }
    match port {
        None => Ok(()),
        Some(port) if port == default_port => fail(&format!(
            "spells out {scheme}'s default port; browsers leave it out"
        )),
        // Digits only (`parse` would take `+8080`), no leading zero: as browsers write it.
        Some(port)
            if port.bytes().all(|b| b.is_ascii_digit())
                && !port.starts_with('0')
                && port.parse::<u16>().is_ok() =>
        {
            Ok(())
        }
        Some(_) => fail("has an invalid port"),
    }
}

/// The shortest `JWT_SECRET` accepted: 256 bits, the size of an HS256 signature.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// The folder of an SQLite database file URL (`sqlite://data/bazaar.db` → `data`), so the
/// development key lives beside the development data; `None` for other URLs and in-memory
/// databases.
fn sqlite_folder(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return None;
    }
    let folder = std::path::Path::new(path).parent()?;
    Some(if folder.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        folder.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config_from(vars: &[(&'static str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<_, _> = vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Config::from_lookup(|name| Ok(vars.get(name).cloned()))
    }

    #[test]
    fn payments_default_to_the_mock_gateway_and_thirty_minutes_outside_production() {
        let config = config_from(&[]).unwrap();
        assert_eq!(config.payments.provider, Some(PaymentProviderKind::Mock));
        assert!(config.payments.webhook_secret.is_none());
        assert_eq!(config.payments.timeout, Duration::from_secs(1_800));
        let config =
            config_from(&[("PAYMENT_TIMEOUT_SECS", "5"), ("SWEEP_INTERVAL_SECS", "1")]).unwrap();
        assert_eq!(config.payments.timeout, Duration::from_secs(5));
        assert_eq!(config.payments.sweep_interval, Duration::from_secs(1));
        for (name, value) in [
            ("PAYMENT_TIMEOUT_SECS", "0"),
            ("PAYMENT_TIMEOUT_SECS", "soon"),
            ("PAYMENT_PROVIDER", "stripe"),
        ] {
            let error = config_from(&[(name, value)]).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }

    #[test]
    fn production_refuses_the_mock_gateway_and_runs_without_payments() {
        let production = [
            ("APP_ENV", "production"),
            ("DATABASE_URL", "sqlite://x.db"),
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ];
        assert_eq!(config_from(&production).unwrap().payments.provider, None);
        let mut with_mock = production.to_vec();
        with_mock.push(("PAYMENT_PROVIDER", "mock"));
        let error = config_from(&with_mock).unwrap_err().to_string();
        assert!(
            error.contains("PAYMENT_PROVIDER") && error.contains("mock"),
            "{error}"
        );
        let short = config_from(&[("PAYMENT_WEBHOOK_SECRET", "short")])
            .unwrap_err()
            .to_string();
        assert!(
            short.contains("PAYMENT_WEBHOOK_SECRET") && !short.contains("short\""),
            "{short}"
        );
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let config = config_from(&[]).unwrap();

        assert_eq!(config.app_env, AppEnv::Dev);
        assert_eq!(config.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.dist_dir, PathBuf::from("dist"));
        assert_eq!(config.database_url.expose(), "sqlite://data/bazaar.db");
    }

    #[test]
    fn environment_values_override_the_defaults() {
        let config = config_from(&[
            ("APP_ENV", "staging"),
            ("API_ADDR", "0.0.0.0:9000"),
            ("DIST_DIR", "/srv/dist"),
            ("DATABASE_URL", "postgres://bazaar:pw@db:5432/bazaar"),
        ])
        .unwrap();

        assert_eq!(config.app_env, AppEnv::Staging);
        assert_eq!(config.addr, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.dist_dir, PathBuf::from("/srv/dist"));
        assert_eq!(
            config.database_url.expose(),
            "postgres://bazaar:pw@db:5432/bazaar"
        );
    }

    #[test]
    fn an_empty_value_counts_as_unset() {
        let config = config_from(&[
            ("APP_ENV", ""),
            ("API_ADDR", ""),
            ("DIST_DIR", ""),
            ("DATABASE_URL", ""),
        ])
        .unwrap();
        let defaults = config_from(&[]).unwrap();

        assert_eq!(config.app_env, defaults.app_env);
        assert_eq!(config.addr, defaults.addr);
        assert_eq!(config.dist_dir, defaults.dist_dir);
        assert_eq!(config.database_url.expose(), defaults.database_url.expose());
    }

    #[test]
    fn an_unparsable_address_is_refused_and_named() {
        let error = config_from(&[("API_ADDR", "localhost")]).unwrap_err();

        assert!(
            error
                .to_string()
                .starts_with("API_ADDR=\"localhost\" is not valid"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_tier_is_refused() {
        let error = config_from(&[("APP_ENV", "prod")]).unwrap_err();

        assert!(
            error
                .to_string()
                .starts_with("APP_ENV=\"prod\" is not valid"),
            "{error}"
        );
    }

    #[test]
    fn production_refuses_to_start_without_a_database_url() {
        let error = config_from(&[("APP_ENV", "production")]).unwrap_err();

        assert!(
            matches!(
                error,
                ConfigError::Required {
                    name: "DATABASE_URL",
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn production_accepts_an_explicit_sqlite_url() {
        let config = config_from(&[
            ("APP_ENV", "production"),
            ("DATABASE_URL", "sqlite:///var/lib/bazaar/bazaar.db"),
            ("JWT_SECRET", "a production secret of at least 32 bytes"),
        ])
        .unwrap();

        assert_eq!(config.app_env, AppEnv::Production);
    }

    #[test]
    fn an_unsupported_database_url_is_refused_without_echoing_it() {
        let error = config_from(&[("DATABASE_URL", "mysql://root:hunter2@db/bazaar")])
            .unwrap_err()
            .to_string();

        assert!(error.starts_with("DATABASE_URL is not valid"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn production_refuses_to_start_without_a_jwt_secret() {
        let error = config_from(&[
            ("APP_ENV", "production"),
            ("DATABASE_URL", "sqlite:///var/lib/bazaar/bazaar.db"),
        ])
        .unwrap_err();

        assert!(
            matches!(
                error,
                ConfigError::Required {
                    name: "JWT_SECRET",
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn a_short_jwt_secret_is_refused_without_echoing_it() {
        let error = config_from(&[("JWT_SECRET", "hunter2-but-only-31-bytes-long!")])
            .unwrap_err()
            .to_string();

        assert!(error.starts_with("JWT_SECRET is not valid"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn the_development_key_lives_beside_the_sqlite_file_unless_told_otherwise() {
        let default = config_from(&[]).unwrap();
        let elsewhere = config_from(&[("DATABASE_URL", "sqlite:///tmp/e2e/bazaar.db")]).unwrap();
        let postgres = config_from(&[("DATABASE_URL", "postgres://db/bazaar")]).unwrap();
        let explicit = config_from(&[("DEV_KEY_DIR", "/srv/keys")]).unwrap();

        assert!(default.jwt_secret.is_none());
        assert_eq!(default.dev_key_dir, PathBuf::from("data"));
        assert_eq!(elsewhere.dev_key_dir, PathBuf::from("/tmp/e2e"));
        assert_eq!(postgres.dev_key_dir, PathBuf::from("data"));
        assert_eq!(explicit.dev_key_dir, PathBuf::from("/srv/keys"));
    }

    #[test]
    fn mail_goes_beside_the_sqlite_file_and_links_start_with_the_public_url() {
        let default = config_from(&[]).unwrap();
        let elsewhere = config_from(&[("DATABASE_URL", "sqlite:///tmp/e2e/bazaar.db")]).unwrap();
        let explicit = config_from(&[
            ("MAIL_DIR", "/srv/mail"),
            ("PUBLIC_URL", "https://shop.example.in/"),
        ])
        .unwrap();

        assert_eq!(default.mail_dir, PathBuf::from("data/mail"));
        assert_eq!(default.public_url, "http://127.0.0.1:8080");
        assert_eq!(elsewhere.mail_dir, PathBuf::from("/tmp/e2e/mail"));
        assert_eq!(explicit.mail_dir, PathBuf::from("/srv/mail"));
        assert_eq!(explicit.public_url, "https://shop.example.in");
        assert!(config_from(&[("PUBLIC_URL", "shop.example.in")]).is_err());
    }

    #[test]
    fn security_settings_default_to_no_cors_no_proxy_and_the_documented_limits() {
        let config = config_from(&[]).unwrap();

        assert!(config.cors_origins.is_empty());
        assert!(!config.trust_proxy);
        assert_eq!(
            config.rate_limits,
            RateLimits {
                global: 100,
                login: 5,
                login_account: 5,
                mfa: 10,
                password_reset: 5,
            }
        );
        assert_eq!(config.request_timeout, Some(Duration::from_secs(30)));
    }

    #[test]
    fn rate_limits_trust_and_timeout_are_read_and_zero_turns_a_limit_off() {
        let config = config_from(&[
            ("RATE_LIMIT_GLOBAL", "0"),
            ("RATE_LIMIT_LOGIN", "7"),
            ("RATE_LIMIT_LOGIN_ACCOUNT", "0"),
            ("RATE_LIMIT_MFA", "3"),
            ("RATE_LIMIT_PASSWORD_RESET", "2"),
            ("TRUST_PROXY", "true"),
            ("REQUEST_TIMEOUT_SECS", "0"),
        ])
        .unwrap();

        assert_eq!(
            config.rate_limits,
            RateLimits {
                global: 0,
                login: 7,
                login_account: 0,
                mfa: 3,
                password_reset: 2,
            }
        );
        assert!(config.trust_proxy);
        assert_eq!(config.request_timeout, None);
        let explicit = config_from(&[("TRUST_PROXY", "false"), ("REQUEST_TIMEOUT_SECS", "5")]);
        let explicit = explicit.unwrap();
        assert!(!explicit.trust_proxy);
        assert_eq!(explicit.request_timeout, Some(Duration::from_secs(5)));
    }

    #[test]
    fn a_bad_limit_proxy_flag_or_timeout_is_refused_and_named() {
        for (name, value) in [
            ("RATE_LIMIT_GLOBAL", "lots"),
            ("RATE_LIMIT_LOGIN", "-1"),
            ("RATE_LIMIT_LOGIN_ACCOUNT", "5.5"),
            ("RATE_LIMIT_MFA", "99999999999"),
            ("RATE_LIMIT_PASSWORD_RESET", "five"),
            ("TRUST_PROXY", "yes"),
            ("REQUEST_TIMEOUT_SECS", "30s"),
        ] {
            let error = config_from(&[(name, value)]).unwrap_err().to_string();

            assert!(
                error.starts_with(&format!("{name}={value:?} is not valid")),
                "{error}"
            );
        }
    }

    #[test]
    fn cors_origins_are_a_comma_separated_list_of_exact_origins() {
        let config = config_from(&[(
            "CORS_ORIGINS",
            "https://shop.example.in, http://localhost:3000,https://[::1]:8443,",
        )])
        .unwrap();

        assert_eq!(
            config.cors_origins,
            [
                "https://shop.example.in",
                "http://localhost:3000",
                "https://[::1]:8443"
            ]
        );
    }

    #[test]
    fn a_cors_origin_that_a_browser_would_never_send_is_refused_and_named() {
        for origin in [
            "*",
            "https://*.example.in",
            "https://shop.example.in/",
            "https://shop.example.in/app",
            "shop.example.in",
            "ftp://shop.example.in",
            "https://",
            "https://Shop.example.in",
            "https://shop.example.in:443",
            "http://shop.example.in:80",
            "https://shop.example.in:0",
            "https://shop.example.in:+8080",
            "https://shop.example.in:99999",
            "https://user@shop.example.in",
            "https://shop_example.in",
            "https://[::1",
            "null",
        ] {
            let error =
                config_from(&[("CORS_ORIGINS", &format!("https://ok.example.in,{origin}"))])
                    .unwrap_err()
                    .to_string();

            assert!(error.starts_with("CORS_ORIGINS="), "{origin}: {error}");
            assert!(error.contains("scheme://host[:port]"), "{origin}: {error}");
        }
    }

    #[test]
    fn the_database_url_never_prints() {
        let config =
            config_from(&[("DATABASE_URL", "postgres://bazaar:hunter2@db/bazaar")]).unwrap();

        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(format!("{}", config.database_url), "[redacted]");
        assert_eq!(format!("{:?}", config.database_url), "[redacted]");
    }
}
