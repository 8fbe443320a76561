//! The mail settings (`SMTP_URL`, `MAIL_FROM`, `MAIL_MAX_ATTEMPTS`, `MAIL_POLL_INTERVAL_MS`):
//! where outgoing mail goes, whom it is from, when the sender gives a mail up, and how often it
//! looks for mail. `MAIL_DIR`, the development folder, is read with the other paths (`env`).

use super::{AppEnv, ConfigError, Lookup, Secret};
use std::time::Duration;

/// Default of [`MailSettings::max_attempts`].
pub const DEFAULT_MAIL_MAX_ATTEMPTS: u32 = 8;
/// Default of [`MailSettings::poll_interval`], in milliseconds: often enough that a person
/// waiting for a reset link does not notice, rarely enough to be free.
pub const DEFAULT_MAIL_POLL_INTERVAL_MS: u64 = 500;

/// The mail settings.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `SMTP_URL`: the SMTP server mail is sent through, as lettre reads it:
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS, refused without it),
    /// `smtps://user:pass@host:465` (TLS from the first byte), `?tls=opportunistic`
    /// (STARTTLS when offered), or plain `smtp://host:25` (no TLS: a relay on the same
    /// machine, and the tests); user and password percent-encoded. Required in production. Unset in dev
    /// and staging, mail is written to [`Config::mail_dir`](super::Config::mail_dir). A
    /// secret: it carries the password.
    pub smtp_url: Option<Secret<String>>,
    /// `MAIL_FROM`: the sender of every mail, `Name <address>` or an address (default
    /// `Bazaar <no-reply@HOST>`, HOST from `PUBLIC_URL`).
    pub from: String,
    /// `MAIL_MAX_ATTEMPTS`: after this many failed attempts a mail is dead (default 8: with
    /// the backoff of `mail::sender::backoff`, about two hours of trying), or at once when the
    /// server refuses it for good.
    pub max_attempts: u32,
    /// `MAIL_POLL_INTERVAL_MS`: how often the background sender looks for due mail (default
    /// 500); 0 starts no sender in this instance (another one sends).
    pub poll_interval: Option<Duration>,
}

/// The mail variables; `public_url` gives the default sender's host.
pub(super) fn settings(
    var: &impl Lookup,
    app_env: AppEnv,
    public_url: &str,
) -> Result<MailSettings, ConfigError> {
    let smtp_url = match (var("SMTP_URL")?, app_env) {
        (Some(url), _) => {
            // Checked now, so a typo stops startup naming the variable (never its value).
            lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&url).map_err(|_| {
                ConfigError::InvalidSecret {
                    name: "SMTP_URL",
                    reason: "expected smtp://[USER:PASSWORD@]HOST[:PORT][?tls=required] or \
                             smtps://[USER:PASSWORD@]HOST[:PORT]",
                }
            })?;
            Some(Secret::new(url))
        }
        (None, AppEnv::Production) => {
            return Err(ConfigError::Required {
                name: "SMTP_URL",
                app_env: app_env.as_str(),
                reason: "production mail must leave the server (a password reset, an order)",
            });
        }
        (None, AppEnv::Dev | AppEnv::Staging) => None,
    };
    let host = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest)
        .split([':', '/'])
        .next()
        .unwrap_or("localhost");
    let from = var("MAIL_FROM")?.unwrap_or_else(|| format!("Bazaar <no-reply@{host}>"));
    if from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(ConfigError::Invalid {
            name: "MAIL_FROM",
            value: from,
            reason: "expected an address or `Name <address>`".to_owned(),
        });
    }
    let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
        match var(name)? {
            Some(value) => value.trim().parse().map_err(|_| ConfigError::Invalid {
                name,
                value,
                reason: "expected a whole number".to_owned(),
            }),
            None => Ok(default),
        }
    };
    let max_attempts = number("MAIL_MAX_ATTEMPTS", DEFAULT_MAIL_MAX_ATTEMPTS.into())?;
    let max_attempts = match u32::try_from(max_attempts) {
        Ok(n) if (1..=100).contains(&n) => n,
        _ => {
            return Err(ConfigError::Invalid {
                name: "MAIL_MAX_ATTEMPTS",
                value: max_attempts.to_string(),
                reason: "expected 1 to 100".to_owned(),
            });
        }
    };
    let poll = number("MAIL_POLL_INTERVAL_MS", DEFAULT_MAIL_POLL_INTERVAL_MS)?;
    Ok(MailSettings {
        smtp_url,
        from,
        max_attempts,
        poll_interval: (poll > 0).then(|| Duration::from_millis(poll)),
    })
}

#[cfg(test)]
mod tests {
    use crate::config::ConfigError;
    use crate::config::env::{PRODUCTION_KEYS, config_from};

    #[test]
    fn mail_goes_to_the_folder_outside_production_and_production_requires_smtp_url() {
        let dev = config_from(&[("PUBLIC_URL", "https://shop.example.in")]).unwrap();
        assert!(dev.mail.smtp_url.is_none());
        assert_eq!(dev.mail.from, "Bazaar <no-reply@shop.example.in>");
        assert_eq!(dev.mail.max_attempts, 8);

        let mut production: Vec<_> = PRODUCTION_KEYS
            .into_iter()
            .filter(|(name, _)| *name != "SMTP_URL")
            .collect();
        production.extend([
            ("APP_ENV", "production"),
            ("DATABASE_URL", "sqlite://x.db"),
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ]);
        let error = config_from(&production).unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::Required {
                    name: "SMTP_URL",
                    ..
                }
            ),
            "{error}"
        );
        production.push(("SMTP_URL", "smtps://bazaar:hunter2@smtp.example.in:465"));
        let config = config_from(&production).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn bad_mail_settings_are_refused_by_name_and_the_url_never_echoed() {
        for (name, value) in [
            ("SMTP_URL", "http://hunter2@mail.example.in"),
            ("MAIL_FROM", "not an address"),
            ("MAIL_MAX_ATTEMPTS", "0"),
            ("MAIL_MAX_ATTEMPTS", "many"),
            ("MAIL_POLL_INTERVAL_MS", "-1"),
        ] {
            let error = config_from(&[(name, value)]).unwrap_err().to_string();
            assert!(error.contains(name), "{error}");
            assert!(!error.contains("hunter2"), "{error}");
        }
        let off =
            config_from(&[("MAIL_POLL_INTERVAL_MS", "0"), ("MAIL_MAX_ATTEMPTS", "3")]).unwrap();
        assert_eq!(off.mail.poll_interval, None);
        assert_eq!(off.mail.max_attempts, 3);
        let smtp = config_from(&[("SMTP_URL", "smtp://127.0.0.1:2525")]).unwrap();
        assert!(smtp.mail.smtp_url.is_some());
    }
}
