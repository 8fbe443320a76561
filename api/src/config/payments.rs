//! The payment settings (`PAYMENT_*`, `SWEEP_INTERVAL_SECS`, `REFUND_GRACE_SECS`): which
//! gateway takes payments, the secret its webhooks are signed with, how long an order waits
//! for its payment, and when the reconciler takes over a pending refund.

use super::{AppEnv, ConfigError, Lookup, MIN_JWT_SECRET_BYTES, Secret};
use std::time::Duration;

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
    /// and expired idempotency keys, and reconciles pending refunds (default 60).
    pub sweep_interval: Duration,
    /// `REFUND_GRACE_SECS`: how old a PENDING refund must be before the reconciler finishes
    /// it (default 120). Longer than a request can take (`REQUEST_TIMEOUT_SECS`), so the
    /// reconciler never races the request still finishing its own refund.
    pub refund_grace: Duration,
}

/// Default of [`PaymentSettings::timeout`], in seconds: seed 000's 30 minutes.
pub const DEFAULT_PAYMENT_TIMEOUT_SECS: u64 = 1_800;
/// Default of [`PaymentSettings::sweep_interval`], in seconds.
pub const DEFAULT_SWEEP_INTERVAL_SECS: u64 = 60;

/// Default of [`PaymentSettings::refund_grace`], in seconds: four request timeouts.
pub const DEFAULT_REFUND_GRACE_SECS: u64 = 120;

/// The `PAYMENT_*`, `SWEEP_INTERVAL_SECS` and `REFUND_GRACE_SECS` variables.
pub(super) fn settings(var: &impl Lookup, app_env: AppEnv) -> Result<PaymentSettings, ConfigError> {
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
        refund_grace: seconds("REFUND_GRACE_SECS", DEFAULT_REFUND_GRACE_SECS)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::env::{PRODUCTION_KEYS, config_from};

    #[test]
    fn payments_default_to_the_mock_gateway_and_thirty_minutes_outside_production() {
        let config = config_from(&[]).unwrap();
        assert_eq!(config.payments.provider, Some(PaymentProviderKind::Mock));
        assert!(config.payments.webhook_secret.is_none());
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

    #[test]
    fn production_refuses_the_mock_gateway_and_runs_without_payments() {
        let mut production = vec![
            ("APP_ENV", "production"),
            ("DATABASE_URL", "sqlite://x.db"),
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ];
        production.extend(PRODUCTION_KEYS);
        assert_eq!(config_from(&production).unwrap().payments.provider, None);
        let mut with_mock = production.clone();
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
}
