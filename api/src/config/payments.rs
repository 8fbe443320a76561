//! The payment settings (`PAYMENT_*`, `RAZORPAY_*`, `SWEEP_INTERVAL_SECS`,
//! `REFUND_GRACE_SECS`): which gateway takes payments and its keys, how long an order waits
//! for its payment, and when the reconciler takes over a pending refund.

use super::{AppEnv, ConfigError, Lookup, MIN_JWT_SECRET_BYTES, Secret};
use std::time::Duration;

/// Which payment gateway takes payments (`PAYMENT_PROVIDER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentProviderKind {
    /// The built-in mock gateway (`payments::mock`): a hosted pay page where the shopper
    /// approves or declines, and signed webhooks. Dev and staging only.
    Mock,
    /// Razorpay (`payments::razorpay`): its Orders and Refunds APIs, Razorpay Checkout in the
    /// page, and its signed webhooks. The production gateway; staging runs it on test keys.
    Razorpay,
}

/// The payment settings.
#[derive(Debug, Clone)]
pub struct PaymentSettings {
    /// `PAYMENT_PROVIDER`: `mock` (the default in dev and staging) or `razorpay` (the default
    /// in production, which refuses `mock`: it takes no money).
    pub provider: PaymentProviderKind,
    /// `PAYMENT_WEBHOOK_SECRET`: the HMAC-SHA256 key the mock gateway signs its webhooks with,
    /// at least 32 bytes. Unset, a random one is made per run (the mock gateway lives in the
    /// same process, so it knows it). Razorpay's webhooks use `RAZORPAY_WEBHOOK_SECRET`.
    pub webhook_secret: Option<Secret<String>>,
    /// `RAZORPAY_*`: set exactly when [`PaymentSettings::provider`] is Razorpay.
    pub razorpay: Option<RazorpaySettings>,
    /// `PAYMENT_TIMEOUT_SECS`: how long an order waits for its payment before it is cancelled
    /// and its stock released (default 1800, seed 000's 30 minutes).
    pub timeout: Duration,
    /// `SWEEP_INTERVAL_SECS`: how often the sweeper looks for unpaid orders past their deadline
    /// and expired idempotency keys, and reconciles pending refunds (default 60).
    pub sweep_interval: Duration,
    /// `REFUND_GRACE_SECS`: how old a PENDING refund must be before the reconciler finishes
    /// it (default 120). Longer than a request can take (`REQUEST_TIMEOUT_SECS`), so the
    /// reconciler never races the request still finishing its own refund.
    pub refund_grace: Duration,
}

/// Razorpay's keys and addresses (`PAYMENT_PROVIDER=razorpay`): test keys (`rzp_test_...`)
/// in staging, live keys (`rzp_live_...`) in production.
#[derive(Debug, Clone)]
pub struct RazorpaySettings {
    /// `RAZORPAY_KEY_ID`: the public key id, sent to browsers for Razorpay Checkout and used as
    /// the user name of the API's basic auth. Required.
    pub key_id: String,
    /// `RAZORPAY_KEY_SECRET`: the API password, and the key of the payment signature Checkout
    /// hands back (`order_id|payment_id`). Required.
    pub key_secret: Secret<String>,
    /// `RAZORPAY_WEBHOOK_SECRET`: the secret set on the webhook in Razorpay's dashboard, the
    /// key of `X-Razorpay-Signature`. Required.
    pub webhook_secret: Secret<String>,
    /// `RAZORPAY_API_URL`: where the Orders and Refunds APIs live, without a trailing slash
    /// (default `https://api.razorpay.com`); `http://` only to a loopback address (a test
    /// stand-in).
    pub api_url: String,
    /// `RAZORPAY_CHECKOUT_URL`: the Checkout script the storefront loads (default
    /// `https://checkout.razorpay.com/v1/checkout.js`); its origin is allowed by the shell's
    /// CSP. `http://` only on a loopback address, as above.
    pub checkout_url: String,
    /// `RAZORPAY_TIMEOUT_SECS`: how long one call to Razorpay may take before it counts as
    /// failed (default 10): within a request's own timeout.
    pub timeout: Duration,
}

impl RazorpaySettings {
    /// Settings with these keys and the default addresses and timeout.
    pub fn new(key_id: &str, key_secret: &str, webhook_secret: &str) -> Self {
        RazorpaySettings {
            key_id: key_id.to_owned(),
            key_secret: Secret::new(key_secret.to_owned()),
            webhook_secret: Secret::new(webhook_secret.to_owned()),
            api_url: DEFAULT_RAZORPAY_API_URL.to_owned(),
            checkout_url: DEFAULT_RAZORPAY_CHECKOUT_URL.to_owned(),
            timeout: Duration::from_secs(DEFAULT_RAZORPAY_TIMEOUT_SECS),
        }
    }
}

/// Default of [`PaymentSettings::timeout`], in seconds: seed 000's 30 minutes.
pub const DEFAULT_PAYMENT_TIMEOUT_SECS: u64 = 1_800;
/// Default of [`PaymentSettings::sweep_interval`], in seconds.
pub const DEFAULT_SWEEP_INTERVAL_SECS: u64 = 60;

/// Default of [`PaymentSettings::refund_grace`], in seconds: four request timeouts.
pub const DEFAULT_REFUND_GRACE_SECS: u64 = 120;

/// Default of [`RazorpaySettings::api_url`].
pub const DEFAULT_RAZORPAY_API_URL: &str = "https://api.razorpay.com";
/// Default of [`RazorpaySettings::checkout_url`].
pub const DEFAULT_RAZORPAY_CHECKOUT_URL: &str = "https://checkout.razorpay.com/v1/checkout.js";
/// Default of [`RazorpaySettings::timeout`], in seconds.
pub const DEFAULT_RAZORPAY_TIMEOUT_SECS: u64 = 10;

/// The `PAYMENT_*`, `RAZORPAY_*`, `SWEEP_INTERVAL_SECS` and `REFUND_GRACE_SECS` variables.
pub(super) fn settings(var: &impl Lookup, app_env: AppEnv) -> Result<PaymentSettings, ConfigError> {
    let provider = match (var("PAYMENT_PROVIDER")?.as_deref(), app_env) {
        (Some("mock"), AppEnv::Production) => {
            return Err(ConfigError::Invalid {
                name: "PAYMENT_PROVIDER",
                value: "mock".to_owned(),
                reason: "the mock gateway takes no money; production takes payments with razorpay"
                    .to_owned(),
            });
        }
        (Some("razorpay"), _) | (None, AppEnv::Production) => PaymentProviderKind::Razorpay,
        (Some("mock") | None, _) => PaymentProviderKind::Mock,
        (Some(other), _) => {
            return Err(ConfigError::Invalid {
                name: "PAYMENT_PROVIDER",
                value: other.to_owned(),
                reason: "expected mock or razorpay".to_owned(),
            });
        }
    };
    let webhook_secret = match var("PAYMENT_WEBHOOK_SECRET")? {
        Some(secret) if secret.len() < MIN_JWT_SECRET_BYTES => {
            return Err(ConfigError::InvalidSecret {
                name: "PAYMENT_WEBHOOK_SECRET",
                reason: "must be at least 32 bytes",
            });
        }
        secret => secret.map(Secret::new),
    };
    let razorpay = match provider {
        PaymentProviderKind::Razorpay => Some(razorpay(var, app_env)?),
        PaymentProviderKind::Mock => None,
    };
    let seconds = |name: &'static str, default: u64| seconds(var, name, default);
    Ok(PaymentSettings {
        provider,
        webhook_secret,
        razorpay,
        timeout: seconds("PAYMENT_TIMEOUT_SECS", DEFAULT_PAYMENT_TIMEOUT_SECS)?,
        sweep_interval: seconds("SWEEP_INTERVAL_SECS", DEFAULT_SWEEP_INTERVAL_SECS)?,
        refund_grace: seconds("REFUND_GRACE_SECS", DEFAULT_REFUND_GRACE_SECS)?,
    })
}

/// The `RAZORPAY_*` variables: the three keys, all required (every missing one named at
/// once), and the two addresses.
fn razorpay(var: &impl Lookup, app_env: AppEnv) -> Result<RazorpaySettings, ConfigError> {
    let key_id = var("RAZORPAY_KEY_ID")?;
    let key_secret = var("RAZORPAY_KEY_SECRET")?;
    let webhook_secret = var("RAZORPAY_WEBHOOK_SECRET")?;
    let (Some(key_id), Some(key_secret), Some(webhook_secret)) =
        (&key_id, &key_secret, &webhook_secret)
    else {
        let names = [
            ("RAZORPAY_KEY_ID", key_id.is_none()),
            ("RAZORPAY_KEY_SECRET", key_secret.is_none()),
            ("RAZORPAY_WEBHOOK_SECRET", webhook_secret.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, missing)| missing.then_some(name))
        .collect();
        let reason = match app_env {
            AppEnv::Production => {
                "production takes payments with Razorpay (PAYMENT_PROVIDER=razorpay, its default), which needs its key id, key secret and webhook secret"
            }
            AppEnv::Dev | AppEnv::Staging => {
                "PAYMENT_PROVIDER=razorpay needs its key id, key secret and webhook secret (test keys outside production)"
            }
        };
        return Err(ConfigError::Missing { names, reason });
    };
    Ok(RazorpaySettings {
        key_id: key_id.clone(),
        key_secret: Secret::new(key_secret.clone()),
        webhook_secret: Secret::new(webhook_secret.clone()),
        api_url: gateway_url(var, "RAZORPAY_API_URL", DEFAULT_RAZORPAY_API_URL)?,
        checkout_url: gateway_url(var, "RAZORPAY_CHECKOUT_URL", DEFAULT_RAZORPAY_CHECKOUT_URL)?,
        timeout: seconds(var, "RAZORPAY_TIMEOUT_SECS", DEFAULT_RAZORPAY_TIMEOUT_SECS)?,
    })
}

/// An address of Razorpay's from `name` (else `default`), without a trailing slash: `https://`,
/// or `http://` to a loopback host (a stand-in the tests start).
fn gateway_url(
    var: &impl Lookup,
    name: &'static str,
    default: &str,
) -> Result<String, ConfigError> {
    let url = var(name)?
        .unwrap_or_else(|| default.to_owned())
        .trim_end_matches('/')
        .to_owned();
    let loopback = [
        "http://127.0.0.1:",
        "http://127.0.0.1/",
        "http://localhost:",
        "http://localhost/",
    ];
    let host_after = |scheme: &str| {
        url.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty())
    };
    if host_after("https://") || loopback.iter().any(|prefix| url.starts_with(prefix)) {
        Ok(url)
    } else {
        Err(ConfigError::Invalid {
            name,
            value: url,
            reason: "expected https://HOST[/PATH] (http:// only to 127.0.0.1 or localhost)"
                .to_owned(),
        })
    }
}

/// A duration in whole seconds above 0 from `name`, else `default`.
fn seconds(var: &impl Lookup, name: &'static str, default: u64) -> Result<Duration, ConfigError> {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::env::{PRODUCTION_KEYS, config_from};

    #[test]
    fn payments_default_to_the_mock_gateway_and_thirty_minutes_outside_production() {
        let config = config_from(&[]).unwrap();
        assert_eq!(config.payments.provider, PaymentProviderKind::Mock);
        assert!(config.payments.webhook_secret.is_none());
        assert!(config.payments.razorpay.is_none());
        assert_eq!(config.payments.timeout, Duration::from_secs(1_800));
        assert_eq!(config.payments.refund_grace, Duration::from_secs(120));
        let config = config_from(&[
            ("PAYMENT_TIMEOUT_SECS", "5"),
            ("SWEEP_INTERVAL_SECS", "1"),
            ("REFUND_GRACE_SECS", "2"),
        ])
        .unwrap();
        assert_eq!(config.payments.timeout, Duration::from_secs(5));
        assert_eq!(config.payments.sweep_interval, Duration::from_secs(1));
        assert_eq!(config.payments.refund_grace, Duration::from_secs(2));
        for (name, value) in [
            ("PAYMENT_TIMEOUT_SECS", "0"),
            ("PAYMENT_TIMEOUT_SECS", "soon"),
            ("REFUND_GRACE_SECS", "-1"),
            ("PAYMENT_PROVIDER", "stripe"),
        ] {
            let error = config_from(&[(name, value)]).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }

    /// Production's settings besides the payment ones.
    fn production() -> Vec<(&'static str, &'static str)> {
        let mut production = vec![
            ("APP_ENV", "production"),
            ("DATABASE_URL", "sqlite://x.db"),
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ];
        production.extend(
            PRODUCTION_KEYS
                .into_iter()
                .filter(|(name, _)| !name.starts_with("RAZORPAY_")),
        );
        production
    }

    #[test]
    fn production_takes_payments_with_razorpay_and_refuses_the_mock_gateway() {
        let mut with_keys = production();
        with_keys.extend(
            PRODUCTION_KEYS
                .into_iter()
                .filter(|(n, _)| n.starts_with("RAZORPAY_")),
        );
        let config = config_from(&with_keys).unwrap();
        assert_eq!(config.payments.provider, PaymentProviderKind::Razorpay);
        let razorpay = config.payments.razorpay.as_ref().unwrap();
        assert_eq!(razorpay.api_url, "https://api.razorpay.com");
        assert_eq!(
            razorpay.checkout_url,
            "https://checkout.razorpay.com/v1/checkout.js"
        );
        assert_eq!(razorpay.timeout, Duration::from_secs(10));
        let printed = format!("{config:?}");
        assert!(
            !printed.contains("key-secret-value") && !printed.contains("webhook-secret-value"),
            "{printed}"
        );

        let mut with_mock = with_keys.clone();
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
    fn production_without_razorpay_s_keys_refuses_to_start_naming_each_missing_one() {
        let names = [
            "RAZORPAY_KEY_ID",
            "RAZORPAY_KEY_SECRET",
            "RAZORPAY_WEBHOOK_SECRET",
        ];
        let error = config_from(&production()).unwrap_err();
        match &error {
            ConfigError::Missing { names: missing, .. } => assert_eq!(missing, &names),
            other => panic!("{other}"),
        }
        let text = error.to_string();
        for name in names {
            assert!(text.contains(name), "{text}");
        }
        // One key at a time: exactly the others are named.
        for given in names {
            let mut vars = production();
            vars.extend(PRODUCTION_KEYS.into_iter().filter(|(n, _)| *n == given));
            let Err(ConfigError::Missing { names: missing, .. }) = config_from(&vars) else {
                panic!("{given} alone is not enough");
            };
            let expected: Vec<_> = names.into_iter().filter(|n| *n != given).collect();
            assert_eq!(missing, expected);
        }
        // Outside production too, when Razorpay is chosen.
        let error = config_from(&[
            ("PAYMENT_PROVIDER", "razorpay"),
            ("RAZORPAY_KEY_ID", "rzp_test_x"),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("RAZORPAY_KEY_SECRET") && error.contains("RAZORPAY_WEBHOOK_SECRET"),
            "{error}"
        );
        assert!(!error.contains("RAZORPAY_KEY_ID,"), "{error}");
    }

    #[test]
    fn razorpay_s_addresses_are_https_or_a_loopback_stand_in() {
        let keys = [
            ("PAYMENT_PROVIDER", "razorpay"),
            ("RAZORPAY_KEY_ID", "rzp_test_x"),
            ("RAZORPAY_KEY_SECRET", "s"),
            ("RAZORPAY_WEBHOOK_SECRET", "w"),
        ];
        let mut stand_in = keys.to_vec();
        stand_in.extend([
            ("RAZORPAY_API_URL", "http://127.0.0.1:9000/"),
            (
                "RAZORPAY_CHECKOUT_URL",
                "http://127.0.0.1:9000/v1/checkout.js",
            ),
            ("RAZORPAY_TIMEOUT_SECS", "2"),
        ]);
        let config = config_from(&stand_in).unwrap();
        let razorpay = config.payments.razorpay.unwrap();
        assert_eq!(razorpay.api_url, "http://127.0.0.1:9000");
        assert_eq!(
            razorpay.checkout_url,
            "http://127.0.0.1:9000/v1/checkout.js"
        );
        assert_eq!(razorpay.timeout, Duration::from_secs(2));
        for (name, value) in [
            ("RAZORPAY_API_URL", "http://api.razorpay.com"),
            (
                "RAZORPAY_CHECKOUT_URL",
                "checkout.razorpay.com/v1/checkout.js",
            ),
            ("RAZORPAY_TIMEOUT_SECS", "0"),
        ] {
            let mut vars = keys.to_vec();
            vars.push((name, value));
            let error = config_from(&vars).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
        }
    }
}
