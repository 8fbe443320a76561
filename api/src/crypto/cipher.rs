//! One field's ciphertext: AES-256-GCM with a fresh random 96-bit nonce, in the text form
//! `v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>` (the key id in the clear, as Vault's
//! transit engine writes `vault:v3:…`, so rotation can find and count values per key).
//!
//! The associated data binds the format version, the key id, the table and column, and the
//! row id (the AWS Encryption SDK's "encryption context"): a ciphertext copied to another row
//! or column, or with its key id edited, fails authentication instead of opening to another
//! row's data. Random nonces are safe here: 2^32 seals per key keep the collision chance
//! below 2^-32 (NIST SP 800-38D), and rotation moves to a new key long before that.

use crate::crypto::Column;
use crate::crypto::keyring::Keyring;
use aes_gcm::aead::{Aead as _, Payload};
use aes_gcm::{AeadCore as _, Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The format version every ciphertext starts with.
pub const PREFIX: &str = "v1:";
/// Bytes of nonce before the ciphertext.
const NONCE_BYTES: usize = 12;
/// Bytes of GCM tag after it.
const TAG_BYTES: usize = 16;

/// Why a stored value did not open. Never holds the value: only where it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Not in the `v1:` form: clear text left from before encryption (`api keys rotate` and
    /// startup seal those), or garbage.
    #[error("{column} of row {row}: not a sealed value")]
    NotSealed { column: Column, row: String },
    /// Sealed with a key the keyring no longer holds (retired too early).
    #[error("{column} of row {row}: sealed with key {key_id:?}, which is not in the keyring")]
    UnknownKey {
        column: Column,
        row: String,
        key_id: String,
    },
    /// The tag did not verify: tampered, moved from another row or column, or a wrong key
    /// under a known id.
    #[error("{column} of row {row}: does not authenticate (tampered, moved or wrong key)")]
    Rejected { column: Column, row: String },
}

/// The parts of a sealed value: key id and the decoded bytes; `None` when not in the form.
pub fn parse(stored: &str) -> Option<(&str, Vec<u8>)> {
    let rest = stored.strip_prefix(PREFIX)?;
    let (key_id, body) = rest.split_once(':')?;
    let bytes = URL_SAFE_NO_PAD.decode(body).ok()?;
    (bytes.len() >= NONCE_BYTES + TAG_BYTES).then_some((key_id, bytes))
}

/// The key id of a sealed value, if it is one.
pub fn key_id_of(stored: &str) -> Option<&str> {
    parse(stored).map(|(id, _)| id)
}

fn aad(key_id: &str, column: Column, row: &str) -> Vec<u8> {
    // NUL separators: no part can contain one, so no two contexts encode alike.
    format!(
        "bazaar.field.v1\0{key_id}\0{}.{}\0{row}",
        column.table(),
        column.name()
    )
    .into_bytes()
}

/// Seals `plaintext` for `column` of row `row` with the active key.
pub fn seal(keyring: &Keyring, column: Column, row: &str, plaintext: &str) -> String {
    let key_id = keyring.active_id();
    let cipher: &Aes256Gcm = keyring.active();
    let nonce = Aes256Gcm::generate_nonce(&mut aes_gcm::aead::OsRng);
    let aad = aad(key_id, column, row);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext.as_bytes(),
                aad: &aad,
            },
        )
        // Fails only past GCM's 64 GiB message limit; columns hold kilobytes.
        .expect("AES-GCM seals any field-sized plaintext");
    let mut bytes = Vec::with_capacity(NONCE_BYTES + sealed.len());
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&sealed);
    format!("{PREFIX}{key_id}:{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Opens `stored`, sealed for `column` of row `row`.
pub fn open(
    keyring: &Keyring,
    column: Column,
    row: &str,
    stored: &str,
) -> Result<String, OpenError> {
    let Some((key_id, bytes)) = parse(stored) else {
        return Err(OpenError::NotSealed {
            column,
            row: row.to_owned(),
        });
    };
    let Some(cipher) = keyring.get(key_id) else {
        return Err(OpenError::UnknownKey {
            column,
            row: row.to_owned(),
            key_id: key_id.to_owned(),
        });
    };
    let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| OpenError::Rejected {
        column,
        row: row.to_owned(),
    })?;
    let rejected = || OpenError::Rejected {
        column,
        row: row.to_owned(),
    };
    let plain = cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: sealed,
                aad: &aad(key_id, column, row),
            },
        )
        .map_err(|_| rejected())?;
    String::from_utf8(plain).map_err(|_| rejected())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(keys: &[(&str, u8)], active: &str) -> Keyring {
        let keys: Vec<(String, [u8; 32])> = keys
            .iter()
            .map(|(id, b)| ((*id).to_owned(), [*b; 32]))
            .collect();
        Keyring::new(&keys, active).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_to_itself_and_names_its_key() {
        let keys = ring(&[("k1", 1)], "k1");

        let sealed = seal(&keys, Column::UsersEmail, "row-1", "asha@example.com");

        assert!(sealed.starts_with("v1:k1:"), "{sealed}");
        assert!(!sealed.contains("asha"));
        assert_eq!(key_id_of(&sealed), Some("k1"));
        assert_eq!(
            open(&keys, Column::UsersEmail, "row-1", &sealed).unwrap(),
            "asha@example.com"
        );
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let keys = ring(&[("k1", 1)], "k1");

        let first = seal(&keys, Column::OrdersPhone, "r", "9876543210");
        let second = seal(&keys, Column::OrdersPhone, "r", "9876543210");

        assert_ne!(first, second);
    }

    #[test]
    fn a_flipped_byte_anywhere_is_rejected() {
        let keys = ring(&[("k1", 1)], "k1");
        let sealed = seal(&keys, Column::ShopsGstin, "r", "27AAPFU0939F1ZV");
        let (head, body) = sealed.rsplit_once(':').unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(body).unwrap();

        for i in 0..bytes.len() {
            bytes[i] ^= 1;
            let tampered = format!("{head}:{}", URL_SAFE_NO_PAD.encode(&bytes));
            bytes[i] ^= 1;
            assert!(
                matches!(
                    open(&keys, Column::ShopsGstin, "r", &tampered),
                    Err(OpenError::Rejected { .. })
                ),
                "byte {i}"
            );
        }
    }

    #[test]
    fn another_row_or_column_is_the_wrong_associated_data() {
        let keys = ring(&[("k1", 1)], "k1");
        let sealed = seal(&keys, Column::OrdersAddressLine1, "order-a", "12 MG Road");

        assert!(matches!(
            open(&keys, Column::OrdersAddressLine1, "order-b", &sealed),
            Err(OpenError::Rejected { .. })
        ));
        assert!(matches!(
            open(&keys, Column::OrdersCity, "order-a", &sealed),
            Err(OpenError::Rejected { .. })
        ));
    }

    #[test]
    fn an_unknown_key_id_a_wrong_key_and_clear_text_are_told_apart() {
        let old = ring(&[("k1", 1)], "k1");
        let sealed = seal(&old, Column::UsersEmail, "r", "a@b.co");

        let without_k1 = ring(&[("k2", 2)], "k2");
        assert_eq!(
            open(&without_k1, Column::UsersEmail, "r", &sealed),
            Err(OpenError::UnknownKey {
                column: Column::UsersEmail,
                row: "r".into(),
                key_id: "k1".into()
            })
        );
        let wrong_bytes = ring(&[("k1", 9)], "k1");
        assert!(matches!(
            open(&wrong_bytes, Column::UsersEmail, "r", &sealed),
            Err(OpenError::Rejected { .. })
        ));
        assert!(matches!(
            open(&old, Column::UsersEmail, "r", "a@b.co"),
            Err(OpenError::NotSealed { .. })
        ));
        // An edited key id changes the associated data too.
        let relabelled = sealed.replacen("v1:k1:", "v1:k2:", 1);
        let both = ring(&[("k1", 1), ("k2", 1)], "k2");
        assert!(matches!(
            open(&both, Column::UsersEmail, "r", &relabelled),
            Err(OpenError::Rejected { .. })
        ));
    }

    #[test]
    fn an_error_names_the_place_but_never_the_value() {
        let keys = ring(&[("k1", 1)], "k1");

        let error = open(&keys, Column::UsersEmail, "r7", "secret@example.com").unwrap_err();

        let text = error.to_string();
        assert!(
            text.contains("users.email") && text.contains("r7"),
            "{text}"
        );
        assert!(!text.contains("secret@"));
    }
}
