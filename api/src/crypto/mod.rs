//! PII field encryption: the [`Vault`] seals each personal-data column value (AES-256-GCM, a
//! fresh nonce, the key id in the ciphertext, table/column/row id as associated data) and
//! computes the keyed blind indexes that lookups use instead of the value.
//!
//! Where it is used: the use cases in `app` seal before they hand values to storage and open
//! what storage returns; `db` stores and compares text and integers only. The keys come from
//! `FIELD_KEYS`/`FIELD_KEY_ACTIVE`/`BLIND_INDEX_KEY` (`config::field_keys`), or outside
//! production from the development key file (`dev-field.key`, made on first run).
//!
//! The files: [`keyring`] (keys by id, one active), [`cipher`] (the ciphertext format),
//! [`blind_index`] (HMAC indexes and their sizing), [`column`] (every sealed column),
//! [`dev`] (the development key).

pub mod blind_index;
pub mod cipher;
pub mod column;
mod dev;
pub mod keyring;

pub use blind_index::Index;
pub use cipher::OpenError;
pub use column::{Column, RowKey, SEALED_TABLES, SealedTable};
pub use dev::DEV_FIELD_KEY_FILE;

use crate::config::{AppEnv, Config};
use blind_index::IndexKeys;
use keyring::Keyring;
use std::fmt::Display;
use std::sync::Arc;

/// The field keys and blind-index keys, built once at startup and shared through `AppState`
/// (a cheap clone: one `Arc`).
#[derive(Clone)]
pub struct Vault(Arc<Inner>);

struct Inner {
    keyring: Keyring,
    index: IndexKeys,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Vault").field(&self.0.keyring).finish()
    }
}

impl Vault {
    /// A vault of `keys` (id, 256-bit key) with `active` the sealing key, and blind indexes
    /// derived from `index_root`.
    pub fn new(
        keys: &[(String, [u8; 32])],
        active: &str,
        index_root: &[u8; 32],
    ) -> Result<Vault, keyring::KeyringError> {
        Ok(Vault(Arc::new(Inner {
            keyring: Keyring::new(keys, active)?,
            index: IndexKeys::derive(index_root),
        })))
    }

    /// The vault the configuration names: `FIELD_KEYS` (refusing, in production, a key equal
    /// to the development key), or outside production the development key in `dev_key_dir`,
    /// created on first run.
    pub fn from_config(config: &Config) -> anyhow::Result<Vault> {
        let dev_path = config.dev_key_dir.join(DEV_FIELD_KEY_FILE);
        match (&config.field_keys, config.app_env) {
            (Some(keys), app_env) => {
                if app_env == AppEnv::Production {
                    dev::refuse_development_keys(keys, &dev_path)?;
                }
                let ring: Vec<(String, [u8; 32])> = keys
                    .keys
                    .iter()
                    .map(|(id, key)| (id.clone(), *key.expose()))
                    .collect();
                Ok(Vault::new(&ring, &keys.active, keys.blind_index.expose())?)
            }
            (None, AppEnv::Production) => anyhow::bail!(
                "FIELD_KEYS must be set when APP_ENV=production: personal data is never sealed \
                 with a generated development key"
            ),
            (None, _) => {
                let (field_key, index_root) = dev::load_or_create(&dev_path)?;
                Ok(Vault::new(
                    &[(dev::DEV_KEY_ID.to_owned(), *field_key.expose())],
                    dev::DEV_KEY_ID,
                    index_root.expose(),
                )?)
            }
        }
    }

    /// `plaintext` sealed for `column` of row `row` under the active key.
    pub fn seal(&self, column: Column, row: impl Display, plaintext: &str) -> String {
        cipher::seal(&self.0.keyring, column, &row.to_string(), plaintext)
    }

    /// [`Vault::seal`] of an optional value (`NULL` stays `NULL`).
    pub fn seal_opt(
        &self,
        column: Column,
        row: impl Display,
        plaintext: Option<&str>,
    ) -> Option<String> {
        plaintext.map(|p| self.seal(column, row, p))
    }

    /// The value `stored` was sealed from, if it was sealed for `column` of row `row` with a
    /// key of the keyring.
    pub fn open(
        &self,
        column: Column,
        row: impl Display,
        stored: &str,
    ) -> Result<String, OpenError> {
        cipher::open(&self.0.keyring, column, &row.to_string(), stored)
    }

    /// [`Vault::open`] of an optional value.
    pub fn open_opt(
        &self,
        column: Column,
        row: impl Display,
        stored: Option<&str>,
    ) -> Result<Option<String>, OpenError> {
        stored.map(|s| self.open(column, row, s)).transpose()
    }

    /// The blind index of `normalised` (already in the form lookups compare).
    pub fn blind_index(&self, index: Index, normalised: &str) -> i64 {
        self.0.index.value(index, normalised)
    }

    /// The id new values are sealed with.
    pub fn active_key_id(&self) -> &str {
        self.0.keyring.active_id()
    }

    /// Whether the keyring holds key `id`.
    pub fn has_key(&self, id: &str) -> bool {
        self.0.keyring.get(id).is_some()
    }

    /// Every key id of the keyring.
    pub fn key_ids(&self) -> Vec<String> {
        self.0.keyring.ids().map(str::to_owned).collect()
    }
}

/// A vault for unit tests: one key `test`, fixed bytes.
#[cfg(test)]
pub fn test_vault() -> Vault {
    Vault::new(&[("test".to_owned(), [1; 32])], "test", &[2; 32]).expect("a valid test keyring")
}
