//! The settings that guard the server against its clients: which other origins may call it
//! (`CORS_ORIGINS`), whether a proxy stands in front (`TRUST_PROXY`), how many requests a
//! client may make (`RATE_LIMIT_*`), how long one may take (`REQUEST_TIMEOUT_SECS`), and who
//! may scrape the metrics (`METRICS_TOKEN`).

use super::{AppEnv, ConfigError, Lookup, MIN_JWT_SECRET_BYTES, Secret};
use std::time::Duration;

/// The rate limits (`middleware::rate_limit`): a generous token bucket over every API request,
/// and strict allowances on the routes an attacker would hammer. 0 turns a limit off. The
/// buckets live in the memory of one server process (docs/SECURITY.md says what that means
/// behind several instances).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// `RATE_LIMIT_API_PER_MINUTE`: the rate at which a client's bucket for requests under
    /// `/api` refills, per client address (default 600, ten a second). Static files (the shell,
    /// widget bundles) never count.
    pub api_per_minute: u32,
    /// `RATE_LIMIT_API_BURST`: how many API requests a client may make at once before the
    /// refill rate applies (default 1 200: thirty tours of the shop back to back).
    pub api_burst: u32,
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
    /// `RATE_LIMIT_REGISTER`: sign-ups (`POST /api/v1/auth/register`) per client address per
    /// hour (default 10).
    pub register: u32,
    /// `RATE_LIMIT_ORDERS`: order placements (`POST /api/v1/orders`) per client address per
    /// 15 minutes (default 10).
    pub orders: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            api_per_minute: 600,
            api_burst: 1_200,
            login: 5,
            login_account: 5,
            mfa: 10,
            password_reset: 5,
            register: 10,
            orders: 10,
        }
    }
}

/// Default for [`Config::request_timeout`](super::Config::request_timeout), in seconds.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;

/// `TRUST_PROXY`: exactly `true` or `false` (the default).
pub(super) fn trust_proxy(var: &impl Lookup) -> Result<bool, ConfigError> {
    match var("TRUST_PROXY")?.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ConfigError::Invalid {
            name: "TRUST_PROXY",
            reason: "expected true or false".to_owned(),
            value: other.to_owned(),
        }),
    }
}

/// The `RATE_LIMIT_*` variables, each defaulting to [`RateLimits::default`]'s.
pub(super) fn rate_limits(var: &impl Lookup) -> Result<RateLimits, ConfigError> {
    if let Some(value) = var("RATE_LIMIT_GLOBAL")? {
        // A fixed 15-minute window over every request throttled shoppers; it was replaced by
        // the token bucket. Refused rather than ignored, so an old `.env` says so at start.
        return Err(ConfigError::Invalid {
            name: "RATE_LIMIT_GLOBAL",
            reason: "replaced by RATE_LIMIT_API_PER_MINUTE and RATE_LIMIT_API_BURST".to_owned(),
            value,
        });
    }
    let defaults = RateLimits::default();
    Ok(RateLimits {
        api_per_minute: limit(var, "RATE_LIMIT_API_PER_MINUTE", defaults.api_per_minute)?,
        api_burst: limit(var, "RATE_LIMIT_API_BURST", defaults.api_burst)?,
        login: limit(var, "RATE_LIMIT_LOGIN", defaults.login)?,
        login_account: limit(var, "RATE_LIMIT_LOGIN_ACCOUNT", defaults.login_account)?,
        mfa: limit(var, "RATE_LIMIT_MFA", defaults.mfa)?,
        password_reset: limit(var, "RATE_LIMIT_PASSWORD_RESET", defaults.password_reset)?,
        register: limit(var, "RATE_LIMIT_REGISTER", defaults.register)?,
        orders: limit(var, "RATE_LIMIT_ORDERS", defaults.orders)?,
    })
}

/// A `RATE_LIMIT_*` variable: a whole number of requests (0 turns the limit off), `default`
/// when unset.
fn limit(var: &impl Lookup, name: &'static str, default: u32) -> Result<u32, ConfigError> {
    match var(name)? {
        Some(value) => value.parse().map_err(|_| ConfigError::Invalid {
            name,
            reason: "expected a whole number of requests, 0 to turn the limit off".to_owned(),
            value,
        }),
        None => Ok(default),
    }
}

/// `METRICS_TOKEN`: the bearer token `GET /metrics` asks for, at least 32 bytes. Required in
/// production; unset in dev and staging, the route answers loopback clients only
/// (`metrics::scrape`).
pub(super) fn metrics_token(
    var: &impl Lookup,
    app_env: AppEnv,
) -> Result<Option<Secret<String>>, ConfigError> {
    match (var("METRICS_TOKEN")?, app_env) {
        (Some(token), _) if token.len() < MIN_JWT_SECRET_BYTES => Err(ConfigError::InvalidSecret {
            name: "METRICS_TOKEN",
            reason: "must be at least 32 bytes (e.g. `openssl rand -hex 32`)",
        }),
        (Some(token), _) => Ok(Some(Secret::new(token))),
        (None, AppEnv::Production) => Err(ConfigError::Required {
            name: "METRICS_TOKEN",
            app_env: app_env.as_str(),
            reason: "production never serves its metrics without a token",
        }),
        (None, AppEnv::Dev | AppEnv::Staging) => Ok(None),
    }
}

/// `REQUEST_TIMEOUT_SECS`: whole seconds, 0 for no timeout (`None`).
pub(super) fn request_timeout(var: &impl Lookup) -> Result<Option<Duration>, ConfigError> {
    let secs = match var("REQUEST_TIMEOUT_SECS")? {
        Some(value) => value.parse::<u64>().map_err(|_| ConfigError::Invalid {
            name: "REQUEST_TIMEOUT_SECS",
            reason: "expected a whole number of seconds, 0 to turn the timeout off".to_owned(),
            value,
        })?,
        None => DEFAULT_REQUEST_TIMEOUT_SECS,
    };
    Ok((secs > 0).then(|| Duration::from_secs(secs)))
}

/// `CORS_ORIGINS`: the comma-separated origins, none when unset; empty items (a trailing
/// comma) are skipped.
pub(super) fn cors_origins(var: &impl Lookup) -> Result<Vec<String>, ConfigError> {
    let Some(value) = var("CORS_ORIGINS")? else {
        return Ok(Vec::new());
    };
    parse_origins(&value).map_err(|reason| ConfigError::Invalid {
        name: "CORS_ORIGINS",
        reason,
        value,
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::env::{PRODUCTION_KEYS, config_from};

    #[test]
    fn production_needs_a_metrics_token_and_dev_does_not() {
        let mut production: Vec<_> = PRODUCTION_KEYS
            .into_iter()
            .filter(|(name, _)| *name != "METRICS_TOKEN")
            .collect();
        production.extend([
            ("APP_ENV", "production"),
            ("DATABASE_URL", "sqlite:///var/lib/bazaar/bazaar.db"),
            ("JWT_SECRET", "a production secret of at least 32 bytes"),
        ]);

        let error = config_from(&production).unwrap_err();
        let short = config_from(&[("METRICS_TOKEN", "short")]).unwrap_err();

        assert!(
            matches!(
                error,
                ConfigError::Required {
                    name: "METRICS_TOKEN",
                    ..
                }
            ),
            "{error}"
        );
        assert!(!short.to_string().contains("short"), "{short}");
        assert!(config_from(&[]).unwrap().metrics_token.is_none());
    }
    use std::time::Duration;

    #[test]
    fn security_settings_default_to_no_cors_no_proxy_and_the_documented_limits() {
        let config = config_from(&[]).unwrap();

        assert!(config.cors_origins.is_empty());
        assert!(!config.trust_proxy);
        assert_eq!(
            config.rate_limits,
            RateLimits {
                api_per_minute: 600,
                api_burst: 1_200,
                login: 5,
                login_account: 5,
                mfa: 10,
                password_reset: 5,
                register: 10,
                orders: 10,
            }
        );
        assert_eq!(config.request_timeout, Some(Duration::from_secs(30)));
    }

    #[test]
    fn rate_limits_trust_and_timeout_are_read_and_zero_turns_a_limit_off() {
        let config = config_from(&[
            ("RATE_LIMIT_API_PER_MINUTE", "0"),
            ("RATE_LIMIT_API_BURST", "50"),
            ("RATE_LIMIT_LOGIN", "7"),
            ("RATE_LIMIT_LOGIN_ACCOUNT", "0"),
            ("RATE_LIMIT_MFA", "3"),
            ("RATE_LIMIT_PASSWORD_RESET", "2"),
            ("RATE_LIMIT_REGISTER", "4"),
            ("RATE_LIMIT_ORDERS", "0"),
            ("TRUST_PROXY", "true"),
            ("REQUEST_TIMEOUT_SECS", "0"),
        ])
        .unwrap();

        assert_eq!(
            config.rate_limits,
            RateLimits {
                api_per_minute: 0,
                api_burst: 50,
                login: 7,
                login_account: 0,
                mfa: 3,
                password_reset: 2,
                register: 4,
                orders: 0,
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
            ("RATE_LIMIT_GLOBAL", "100"),
            ("RATE_LIMIT_API_BURST", "lots"),
            ("RATE_LIMIT_LOGIN", "-1"),
            ("RATE_LIMIT_LOGIN_ACCOUNT", "5.5"),
            ("RATE_LIMIT_MFA", "99999999999"),
            ("RATE_LIMIT_PASSWORD_RESET", "five"),
            ("RATE_LIMIT_ORDERS", "ten"),
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
}
