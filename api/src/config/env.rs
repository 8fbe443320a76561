//! Reading the configuration from the environment: each variable once, its default when unset
//! or empty, and a [`ConfigError`] naming it when it is unusable.

use super::{
    AppEnv, Config, ConfigError, DEFAULT_ADDR, DEFAULT_DATABASE_URL, DEFAULT_DIST_DIR,
    DEFAULT_PUBLIC_URL, MIN_JWT_SECRET_BYTES, Secret, audit, field_keys, mail, payments, security,
};
use crate::db::DbKind;
use std::env::VarError;
use std::path::PathBuf;

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

        let database_max_connections = match var("DATABASE_MAX_CONNECTIONS")? {
            None => None,
            Some(value) => match value.trim().parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "DATABASE_MAX_CONNECTIONS",
                        reason: "expected a whole number of at least 1".to_owned(),
                        value,
                    });
                }
            },
        };

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

        let cors_origins = security::cors_origins(&var)?;
        let trust_proxy = security::trust_proxy(&var)?;
        let rate_limits = security::rate_limits(&var)?;
        let request_timeout = security::request_timeout(&var)?;
        let field_keys = field_keys::field_keys(&var, app_env)?;
        let data_folder = sqlite_folder(&database_url).unwrap_or_else(|| PathBuf::from("data"));
        let audit = audit::settings(&var, app_env, &data_folder)?;
        let mail = mail::settings(&var, app_env, &public_url)?;
        // Last: the gateway's keys are what a new production deployment sets up last.
        let payments = payments::settings(&var, app_env)?;

        Ok(Config {
            app_env,
            addr,
            dist_dir,
            database_url: Secret::new(database_url),
            database_max_connections,
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
            field_keys,
            audit,
            mail,
        })
    }
}

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

/// The configuration that `vars` alone make, for the unit tests of every setting.
#[cfg(test)]
pub(super) fn config_from(vars: &[(&'static str, &str)]) -> Result<Config, ConfigError> {
    let vars: std::collections::HashMap<_, _> =
        vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
    Config::from_lookup(|name| Ok(vars.get(name).cloned()))
}

/// The secrets production requires besides `JWT_SECRET` (the field keys, the blind-index key,
/// the audit checkpoint key, the SMTP server, Razorpay's keys), valid and none a development
/// key: for tests of other settings in production.
#[cfg(test)]
pub(super) const PRODUCTION_KEYS: [(&str, &str); 8] = [
    (
        "FIELD_KEYS",
        "k1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
    ),
    ("FIELD_KEY_ACTIVE", "k1"),
    (
        "BLIND_INDEX_KEY",
        "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=",
    ),
    (
        "AUDIT_CHECKPOINT_KEY",
        "a checkpoint key of at least 32 bytes",
    ),
    ("SMTP_URL", "smtps://bazaar:secret@smtp.example.in:465"),
    ("RAZORPAY_KEY_ID", "rzp_live_0123456789abcd"),
    ("RAZORPAY_KEY_SECRET", "key-secret-value"),
    ("RAZORPAY_WEBHOOK_SECRET", "webhook-secret-value"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppEnv;

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
        let mut vars = vec![
            ("APP_ENV", "production"),
            ("DATABASE_URL", "sqlite:///var/lib/bazaar/bazaar.db"),
            ("JWT_SECRET", "a production secret of at least 32 bytes"),
        ];
        vars.extend(PRODUCTION_KEYS);
        let config = config_from(&vars).unwrap();

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
    fn the_pool_size_is_sqlx_s_default_unless_a_positive_number_is_given() {
        assert_eq!(config_from(&[]).unwrap().database_max_connections, None);
        let four = config_from(&[("DATABASE_MAX_CONNECTIONS", "4")]).unwrap();
        assert_eq!(four.database_max_connections, Some(4));
        for bad in ["0", "-1", "ten"] {
            let error = config_from(&[("DATABASE_MAX_CONNECTIONS", bad)])
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with("DATABASE_MAX_CONNECTIONS"),
                "{bad}: {error}"
            );
        }
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
}
