//! Blind indexes (CipherSweet's scheme): a keyed HMAC-SHA256 of a field's normalised value,
//! truncated, stored beside the ciphertext so a lookup can find candidate rows without the
//! database ever holding the value or an unkeyed hash of it.
//!
//! Each index has its own key, derived with HKDF-SHA256 from one root (`BLIND_INDEX_KEY`), so
//! the indexes of two fields never compare equal for equal values, and none shares a key
//! with encryption.
//!
//! # Sizing (CipherSweet's rule)
//!
//! With `R` rows and an index of `b` bits, about `C = R / 2^b` rows share each index value.
//! CipherSweet asks for `2 ≤ C < √R`: at least two rows per value, so that an index value
//! (even to someone holding the index key and a dictionary of addresses) never pins down one
//! person, and fewer than `√R`, so a lookup stays cheap.
//!
//! - `users.email_index`: **16 bits**, sized for `R = 2^20` accounts (about a million):
//!   `C = 16`, within `[2, 1024)`. Sign-in then decrypts about 16 candidates, microseconds.
//! - `shops.gstin_index`: **12 bits**, sized for `R = 2^16` shops: `C = 16`, within `[2, 256)`.
//!
//! Below those sizes `C` falls under 2 (most values are alone under their index, as in the
//! tests); that is the price of a fixed index width, and it is no worse than a full HMAC.
//! Because a truncated index is a candidate, not proof, every lookup opens the candidates and
//! compares the values (`app::accounts`, `app::shops`).

use hkdf::Hkdf;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;

/// A blind index: which field it indexes and how many bits it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// `users.email_index` over the email as sign-in compares it (trimmed, lowercased).
    Email,
    /// `shops.gstin_index` over the normalised (upper-case) GSTIN.
    Gstin,
}

impl Index {
    /// Bits kept (see the module's sizing).
    pub const fn bits(self) -> u32 {
        match self {
            Index::Email => 16,
            Index::Gstin => 12,
        }
    }

    /// The HKDF `info` the index's key is derived with.
    fn info(self) -> &'static [u8] {
        match self {
            Index::Email => b"bazaar.blind-index.v1:users.email",
            Index::Gstin => b"bazaar.blind-index.v1:shops.gstin",
        }
    }

    /// A number per index, so advisory locks of two indexes never collide.
    fn domain(self) -> i64 {
        match self {
            Index::Email => 1,
            Index::Gstin => 2,
        }
    }
}

/// The derived key of each index.
pub struct IndexKeys {
    email: [u8; 32],
    gstin: [u8; 32],
}

impl IndexKeys {
    /// Every index's key from the 256-bit `root`.
    pub fn derive(root: &[u8; 32]) -> IndexKeys {
        let hkdf = Hkdf::<Sha256>::new(None, root);
        let key = |index: Index| {
            let mut okm = [0u8; 32];
            hkdf.expand(index.info(), &mut okm)
                .expect("32 bytes is a valid HKDF-SHA256 output length");
            okm
        };
        IndexKeys {
            email: key(Index::Email),
            gstin: key(Index::Gstin),
        }
    }

    /// The index value of `normalised` in `index`: the top `index.bits()` bits of its
    /// HMAC-SHA256, as a non-negative integer (an INTEGER column on both backends).
    pub fn value(&self, index: Index, normalised: &str) -> i64 {
        let key = match index {
            Index::Email => &self.email,
            Index::Gstin => &self.gstin,
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(normalised.as_bytes());
        let digest = mac.finalize().into_bytes();
        let top = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
        i64::from(top >> (32 - index.bits()))
    }
}

/// The advisory-lock key that serialises writers of one index value (PostgreSQL's
/// `pg_advisory_xact_lock`): the index's domain in the high half, the value in the low.
pub fn lock_key(index: Index, value: i64) -> i64 {
    (index.domain() << 32) | value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_is_stable_and_within_its_bits() {
        let keys = IndexKeys::derive(&[3; 32]);

        for value in ["asha@example.com", "ravi@example.com", ""] {
            let index = keys.value(Index::Email, value);
            assert_eq!(index, keys.value(Index::Email, value));
            assert!((0..1 << 16).contains(&index), "{index}");
            assert!((0..1 << 12).contains(&keys.value(Index::Gstin, value)));
        }
    }

    #[test]
    fn another_root_or_another_index_gives_other_values() {
        let one = IndexKeys::derive(&[3; 32]);
        let two = IndexKeys::derive(&[4; 32]);
        // Over many values, two independent keys agree about 2^-16 of the time; all equal
        // would mean the key played no part.
        let values: Vec<String> = (0..64).map(|i| format!("user{i}@example.com")).collect();

        let same_root = values
            .iter()
            .filter(|v| one.value(Index::Email, v) == two.value(Index::Email, v))
            .count();
        assert!(same_root < 4, "{same_root}");
        assert_ne!(one.email, one.gstin);
    }

    #[test]
    fn truncation_makes_coincidences_as_the_sizing_says() {
        // 2^17 distinct values into a 16-bit index: about two per value (C = 2), so values
        // are shared; a full-width hash would have none.
        let keys = IndexKeys::derive(&[5; 32]);
        let mut seen = std::collections::HashSet::new();
        let rows = 1 << 17;
        for i in 0..rows {
            seen.insert(keys.value(Index::Email, &format!("{i}@x.in")));
        }
        assert!(seen.len() <= 1 << 16);
        assert!(seen.len() > (1 << 16) * 8 / 10, "{}", seen.len());
    }

    #[test]
    fn lock_keys_of_two_indexes_differ_for_one_value() {
        assert_ne!(lock_key(Index::Email, 7), lock_key(Index::Gstin, 7));
    }
}
