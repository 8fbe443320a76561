//! The field-encryption keys (`FIELD_KEYS`, `FIELD_KEY_ACTIVE`, `BLIND_INDEX_KEY`): a keyring
//! with one active key, and the root the blind-index keys are derived from.
//!
//! - `FIELD_KEYS`: `id:base64,id:base64,...`, each key 32 random bytes in standard base64
//!   (`openssl rand -base64 32`); ids are 1 to 32 of `A-Z a-z 0-9 -` and end up in every
//!   ciphertext, so never reuse one for another key.
//! - `FIELD_KEY_ACTIVE`: the id new values are sealed with; the others only open.
//! - `BLIND_INDEX_KEY`: 32 bytes, base64; its own key, never a field key. Changing it makes
//!   every lookup miss until the indexes are recomputed, so it is not rotated with the
//!   field keys.
//!
//! All three or none. Production requires them; dev and staging without them use the
//! development key file (`crypto::dev`).

use super::{AppEnv, ConfigError, Lookup, Secret};
use crate::crypto::keyring::valid_key_id;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The configured keys.
#[derive(Debug, Clone)]
pub struct FieldKeys {
    /// Every key by id, in the order given.
    pub keys: Vec<(String, Secret<[u8; 32]>)>,
    /// `FIELD_KEY_ACTIVE`, one of `keys`.
    pub active: String,
    /// `BLIND_INDEX_KEY`.
    pub blind_index: Secret<[u8; 32]>,
}

const WHAT_A_KEY_IS: &str = "each key must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)";

fn key_bytes(name: &'static str, text: &str) -> Result<Secret<[u8; 32]>, ConfigError> {
    STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .map(Secret::new)
        .ok_or(ConfigError::InvalidSecret {
            name,
            reason: WHAT_A_KEY_IS,
        })
}

/// The `FIELD_KEYS`, `FIELD_KEY_ACTIVE` and `BLIND_INDEX_KEY` variables.
pub(super) fn field_keys(
    var: &impl Lookup,
    app_env: AppEnv,
) -> Result<Option<FieldKeys>, ConfigError> {
    let (keys, active, blind_index) = (
        var("FIELD_KEYS")?,
        var("FIELD_KEY_ACTIVE")?,
        var("BLIND_INDEX_KEY")?,
    );
    let Some(keys) = keys else {
        if app_env == AppEnv::Production {
            return Err(ConfigError::Required {
                name: "FIELD_KEYS",
                app_env: app_env.as_str(),
                reason: "production never seals personal data with a generated development key",
            });
        }
        if active.is_some() || blind_index.is_some() {
            return Err(ConfigError::InvalidSecret {
                name: "FIELD_KEYS",
                reason: "FIELD_KEY_ACTIVE and BLIND_INDEX_KEY need FIELD_KEYS beside them",
            });
        }
        return Ok(None);
    };
    let mut ring = Vec::new();
    for entry in keys.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let Some((id, key)) = entry.split_once(':') else {
            return Err(ConfigError::InvalidSecret {
                name: "FIELD_KEYS",
                reason: "expected id:base64,id:base64,...",
            });
        };
        let id = id.trim();
        if !valid_key_id(id) {
            return Err(ConfigError::Invalid {
                name: "FIELD_KEYS",
                // The id only, never the key.
                value: id.to_owned(),
                reason: "a key id is 1 to 32 of A-Z a-z 0-9 -".to_owned(),
            });
        }
        if ring.iter().any(|(known, _)| known == id) {
            return Err(ConfigError::Invalid {
                name: "FIELD_KEYS",
                value: id.to_owned(),
                reason: "this key id is given twice".to_owned(),
            });
        }
        ring.push((id.to_owned(), key_bytes("FIELD_KEYS", key)?));
    }
    if ring.is_empty() {
        return Err(ConfigError::InvalidSecret {
            name: "FIELD_KEYS",
            reason: "expected id:base64,id:base64,...",
        });
    }
    let active = match active {
        Some(active) if ring.iter().any(|(id, _)| *id == active.trim()) => active.trim().to_owned(),
        Some(active) => {
            return Err(ConfigError::Invalid {
                name: "FIELD_KEY_ACTIVE",
                value: active,
                reason: "names no key of FIELD_KEYS".to_owned(),
            });
        }
        None => {
            return Err(ConfigError::Required {
                name: "FIELD_KEY_ACTIVE",
                app_env: app_env.as_str(),
                reason: "FIELD_KEYS is set, so one of its ids must be the sealing key",
            });
        }
    };
    let Some(blind_index) = blind_index else {
        return Err(ConfigError::Required {
            name: "BLIND_INDEX_KEY",
            app_env: app_env.as_str(),
            reason: "FIELD_KEYS is set, so lookups need their own key beside it",
        });
    };
    let blind_index = key_bytes("BLIND_INDEX_KEY", &blind_index)?;
    if ring.iter().any(|(_, k)| k.expose() == blind_index.expose()) {
        return Err(ConfigError::InvalidSecret {
            name: "BLIND_INDEX_KEY",
            reason: "must differ from every field key",
        });
    }
    Ok(Some(FieldKeys {
        keys: ring,
        active,
        blind_index,
    }))
}

#[cfg(test)]
mod tests {
    use crate::config::ConfigError;
    use crate::config::env::config_from;

    const K1: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
    const K2: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";
    const BI: &str = "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=";

    fn keys(ring: &str, active: &str, index: &str) -> Vec<(&'static str, String)> {
        vec![
            ("FIELD_KEYS", ring.to_owned()),
            ("FIELD_KEY_ACTIVE", active.to_owned()),
            ("BLIND_INDEX_KEY", index.to_owned()),
        ]
    }

    fn read(vars: &[(&'static str, String)]) -> Result<crate::config::Config, ConfigError> {
        let vars: Vec<(&'static str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        config_from(&vars)
    }

    fn refused_naming(vars: &[(&'static str, String)], name: &str) {
        let error = read(vars).expect_err("accepted");
        let text = error.to_string();
        assert!(text.contains(name), "{text}");
        for key in [K1, K2, BI] {
            assert!(!text.contains(key), "the key is in the error: {text}");
        }
    }

    #[test]
    fn a_keyring_with_an_active_key_and_an_index_key_is_read() {
        let config = read(&keys(&format!("k1:{K1}, k2:{K2}"), "k2", BI)).unwrap();

        let field = config.field_keys.unwrap();
        assert_eq!(field.active, "k2");
        assert_eq!(field.keys.len(), 2);
        assert_eq!(field.keys[0].1.expose(), &[1; 32]);
        assert_eq!(field.blind_index.expose(), &[3; 32]);
        assert!(!format!("{field:?}").contains("AQEB"));
    }

    #[test]
    fn dev_without_keys_uses_the_development_key_and_production_refuses() {
        assert!(read(&[]).unwrap().field_keys.is_none());
        let production = vec![
            ("APP_ENV", "production".to_owned()),
            ("DATABASE_URL", "postgres://db/bazaar".to_owned()),
            ("JWT_SECRET", "x".repeat(32)),
            ("PAYMENT_WEBHOOK_SECRET", "y".repeat(32)),
        ];
        refused_naming(&production, "FIELD_KEYS");
    }

    #[test]
    fn a_malformed_keyring_is_refused() {
        refused_naming(&keys("k1", "k1", BI), "FIELD_KEYS");
        refused_naming(&keys("k1:not-base64!", "k1", BI), "FIELD_KEYS");
        // 16 bytes: AES-128 sized, not AES-256.
        refused_naming(&keys("k1:AQEBAQEBAQEBAQEBAQEBAQ==", "k1", BI), "FIELD_KEYS");
        refused_naming(&keys(&format!("a_b:{K1}"), "a_b", BI), "FIELD_KEYS");
        refused_naming(&keys(&format!("k1:{K1},k1:{K2}"), "k1", BI), "given twice");
        refused_naming(&keys(" , ", "k1", BI), "FIELD_KEYS");
    }

    #[test]
    fn the_active_key_must_be_named_and_in_the_keyring() {
        refused_naming(&keys(&format!("k1:{K1}"), "k9", BI), "FIELD_KEY_ACTIVE");
        let mut without_active = keys(&format!("k1:{K1}"), "", BI);
        without_active.remove(1);
        refused_naming(&without_active, "FIELD_KEY_ACTIVE");
    }

    #[test]
    fn the_index_key_is_required_valid_and_not_a_field_key() {
        let mut without_index = keys(&format!("k1:{K1}"), "k1", BI);
        without_index.remove(2);
        refused_naming(&without_index, "BLIND_INDEX_KEY");
        refused_naming(&keys(&format!("k1:{K1}"), "k1", "short"), "BLIND_INDEX_KEY");
        refused_naming(&keys(&format!("k1:{K1}"), "k1", K1), "BLIND_INDEX_KEY");
    }

    #[test]
    fn half_a_configuration_is_refused() {
        refused_naming(&[("BLIND_INDEX_KEY", BI.to_owned())], "FIELD_KEYS");
        refused_naming(&[("FIELD_KEY_ACTIVE", "k1".to_owned())], "FIELD_KEYS");
    }
}
