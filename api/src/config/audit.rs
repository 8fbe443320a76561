//! The audit checkpoints' settings (`AUDIT_CHECKPOINT_*`): where the signed checkpoints are
//! appended, how often, and the key that signs them.

use super::{AppEnv, ConfigError, Lookup, MIN_JWT_SECRET_BYTES, Secret};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Default for [`AuditSettings::checkpoint_interval`]: every five minutes.
pub const DEFAULT_CHECKPOINT_INTERVAL_SECS: u64 = 300;

/// The file name of the checkpoints in the data folder, when `AUDIT_CHECKPOINT_FILE` is unset.
pub const DEFAULT_CHECKPOINT_FILE: &str = "audit-checkpoints.jsonl";

/// How the audit log's head is signed and kept outside the database.
#[derive(Debug, Clone)]
pub struct AuditSettings {
    /// `AUDIT_CHECKPOINT_FILE`: the file the checkpoints are appended to, one JSON object a
    /// line. Default: `audit-checkpoints.jsonl` in the folder of the SQLite database file, else
    /// in `data`. Keep it off the database's machine (or ship it elsewhere): someone who can
    /// rewrite both can rewrite history.
    pub checkpoint_file: PathBuf,
    /// `AUDIT_CHECKPOINT_INTERVAL_SECS`: how often a checkpoint is written when the log grew
    /// (default 300 s); `0` writes none (instances other than the one keeping the file).
    pub checkpoint_interval: Option<Duration>,
    /// `AUDIT_CHECKPOINT_KEY`: the HMAC-SHA256 key of the checkpoints, at least 32 bytes.
    /// Required in production; elsewhere a development key is made on first run
    /// (`dev-audit-checkpoint.key` in `DEV_KEY_DIR`).
    pub checkpoint_key: Option<Secret<String>>,
}

pub(super) fn settings(
    var: &impl Lookup,
    app_env: AppEnv,
    data_folder: &Path,
) -> Result<AuditSettings, ConfigError> {
    let checkpoint_file = match var("AUDIT_CHECKPOINT_FILE")? {
        Some(file) => PathBuf::from(file),
        None => data_folder.join(DEFAULT_CHECKPOINT_FILE),
    };
    let checkpoint_interval = match var("AUDIT_CHECKPOINT_INTERVAL_SECS")? {
        None => Some(Duration::from_secs(DEFAULT_CHECKPOINT_INTERVAL_SECS)),
        Some(value) => match value.trim().parse::<u64>() {
            Ok(0) => None,
            Ok(secs) => Some(Duration::from_secs(secs)),
            Err(_) => {
                return Err(ConfigError::Invalid {
                    name: "AUDIT_CHECKPOINT_INTERVAL_SECS",
                    value,
                    reason: "expected a whole number of seconds (0: no checkpoints)".to_owned(),
                });
            }
        },
    };
    let checkpoint_key = match (var("AUDIT_CHECKPOINT_KEY")?, app_env) {
        (Some(key), _) if key.len() < MIN_JWT_SECRET_BYTES => {
            return Err(ConfigError::InvalidSecret {
                name: "AUDIT_CHECKPOINT_KEY",
                reason: "must be at least 32 bytes (e.g. `openssl rand -hex 32`)",
            });
        }
        (Some(key), _) => Some(Secret::new(key)),
        (None, AppEnv::Production) => {
            return Err(ConfigError::Required {
                name: "AUDIT_CHECKPOINT_KEY",
                app_env: app_env.as_str(),
                reason: "checkpoints signed with a generated key prove nothing",
            });
        }
        (None, AppEnv::Dev | AppEnv::Staging) => None,
    };
    Ok(AuditSettings {
        checkpoint_file,
        checkpoint_interval,
        checkpoint_key,
    })
}

#[cfg(test)]
mod tests {
    use crate::config::env::{PRODUCTION_KEYS, config_from};
    use std::path::PathBuf;
    use std::time::Duration;

    #[test]
    fn checkpoints_default_beside_the_data_every_five_minutes() {
        let config = config_from(&[]).unwrap();
        assert_eq!(
            config.audit.checkpoint_file,
            PathBuf::from("data/audit-checkpoints.jsonl")
        );
        assert_eq!(
            config.audit.checkpoint_interval,
            Some(Duration::from_secs(300))
        );
        assert!(config.audit.checkpoint_key.is_none());
        let off = config_from(&[("AUDIT_CHECKPOINT_INTERVAL_SECS", "0")]).unwrap();
        assert_eq!(off.audit.checkpoint_interval, None);
        assert!(config_from(&[("AUDIT_CHECKPOINT_INTERVAL_SECS", "soon")]).is_err());
        assert!(config_from(&[("AUDIT_CHECKPOINT_KEY", "short")]).is_err());
    }

    #[test]
    fn production_needs_its_own_checkpoint_key() {
        let mut production = vec![
            ("APP_ENV", "production"),
            ("DATABASE_URL", "postgres://h/db"),
            ("JWT_SECRET", "a production secret of at least 32 bytes"),
        ];
        // All the other secrets, so the checkpoint key is what is missing.
        production.extend(
            PRODUCTION_KEYS
                .iter()
                .filter(|(k, _)| *k != "AUDIT_CHECKPOINT_KEY"),
        );
        let error = config_from(&production).unwrap_err().to_string();
        assert!(error.contains("AUDIT_CHECKPOINT_KEY"), "{error}");
    }
}
