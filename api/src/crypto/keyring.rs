//! The keyring: the field-encryption keys by id, one of them active (the one new values are
//! sealed with). Older keys stay to open what they sealed until `api keys rotate` has moved
//! every value to the active key and `api keys status` shows them unused.

use aes_gcm::{Aes256Gcm, KeyInit as _};
use std::collections::BTreeMap;

/// The longest key id; ids are written into every ciphertext.
pub const MAX_KEY_ID_CHARS: usize = 32;

/// Whether `id` may name a key: 1 to 32 of `A-Z a-z 0-9 -`. No `:` (it separates the parts of
/// a ciphertext) and nothing that would need escaping in SQL `substr` comparisons or logs.
pub fn valid_key_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_KEY_ID_CHARS
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The keys by id and the active id. Built once at startup; never printed.
pub struct Keyring {
    ciphers: BTreeMap<String, Aes256Gcm>,
    active: String,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Key ids are not secret (they are in every ciphertext); the keys are.
        f.debug_struct("Keyring")
            .field("ids", &self.ciphers.keys().collect::<Vec<_>>())
            .field("active", &self.active)
            .finish()
    }
}

/// Why a keyring could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyringError {
    #[error("the field-encryption keyring is empty")]
    Empty,
    #[error("{0:?} is not a valid key id (1 to 32 of A-Z a-z 0-9 -)")]
    BadId(String),
    #[error("the key id {0:?} is given twice")]
    Duplicate(String),
    #[error("the active key id {0:?} is not in the keyring")]
    ActiveMissing(String),
}

impl Keyring {
    /// A keyring of `keys` (id, 256-bit key) whose active key is `active`.
    pub fn new(keys: &[(String, [u8; 32])], active: &str) -> Result<Keyring, KeyringError> {
        if keys.is_empty() {
            return Err(KeyringError::Empty);
        }
        let mut ciphers = BTreeMap::new();
        for (id, key) in keys {
            if !valid_key_id(id) {
                return Err(KeyringError::BadId(id.clone()));
            }
            let cipher = Aes256Gcm::new(key.into());
            if ciphers.insert(id.clone(), cipher).is_some() {
                return Err(KeyringError::Duplicate(id.clone()));
            }
        }
        if !ciphers.contains_key(active) {
            return Err(KeyringError::ActiveMissing(active.to_owned()));
        }
        Ok(Keyring {
            ciphers,
            active: active.to_owned(),
        })
    }

    /// The id new values are sealed with.
    pub fn active_id(&self) -> &str {
        &self.active
    }

    /// The active key's cipher.
    pub(super) fn active(&self) -> &Aes256Gcm {
        &self.ciphers[&self.active]
    }

    /// The cipher of key `id`, if the keyring holds it.
    pub(super) fn get(&self, id: &str) -> Option<&Aes256Gcm> {
        self.ciphers.get(id)
    }

    /// Every key id, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ciphers.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> (String, [u8; 32]) {
        (id.to_owned(), [7; 32])
    }

    #[test]
    fn a_keyring_needs_its_active_key_unique_ids_and_plain_ids() {
        assert!(Keyring::new(&[key("k1"), key("k2")], "k2").is_ok());
        assert_eq!(Keyring::new(&[], "k1").unwrap_err(), KeyringError::Empty);
        assert_eq!(
            Keyring::new(&[key("k1")], "k2").unwrap_err(),
            KeyringError::ActiveMissing("k2".into())
        );
        assert_eq!(
            Keyring::new(&[key("k1"), key("k1")], "k1").unwrap_err(),
            KeyringError::Duplicate("k1".into())
        );
        for bad in ["", "a:b", "a_b", "a%b", &"k".repeat(33)] {
            assert!(matches!(
                Keyring::new(&[key(bad)], bad),
                Err(KeyringError::BadId(_))
            ));
        }
    }

    #[test]
    fn the_debug_form_shows_ids_but_no_key() {
        let ring = Keyring::new(&[key("k1")], "k1").unwrap();

        let shown = format!("{ring:?}");
        assert!(shown.contains("k1"));
        assert!(!shown.contains("07"));
    }
}
