//! The hash chain: the canonical encoding (version 1) of a row and the hash that links it to
//! the row before it.
//!
//! Encoding v1, the bytes hashed for a row: the tag `bazaar-audit-v1`, then each field in the
//! order below, each as a 4-byte big-endian length followed by that many bytes of UTF-8; a
//! NULL is the length `0xFFFF_FFFF` with no bytes (so NULL and "" differ). Numbers are decimal
//! ASCII, the flag `0` or `1`, `changes` the stored JSON text byte for byte. Fields: seq, at,
//! actor_type, actor_id, action, resource_type, resource_id, changes, ip, user_agent,
//! impersonation_flag, impersonated_by, status, error_message. Length prefixes make the
//! encoding injective: no two different rows encode alike, whatever their text holds.
//!
//! `hash = hex(SHA-256(prev_hash ‖ encoding))`, with `prev_hash` the previous row's hash as its
//! 64 lower-case hex characters, and [`GENESIS`] before the first row.

use crate::auth::secret::hex;
use crate::db::audit::AuditRow;
use sha2::{Digest as _, Sha256};

/// The tag that starts every encoding: a future v2 hashes differently, never ambiguously.
pub const ENCODING_TAG: &str = "bazaar-audit-v1";

/// The "previous hash" of row 1.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends length-prefixed fields: the building block of every canonical encoding here (the
/// checkpoints' MAC input too).
#[derive(Debug, Default)]
pub struct Encoder(Vec<u8>);

impl Encoder {
    pub fn new(tag: &str) -> Encoder {
        let mut encoder = Encoder(Vec::new());
        encoder.text(Some(tag));
        encoder
    }

    /// A text field, or NULL.
    pub fn text(&mut self, value: Option<&str>) -> &mut Encoder {
        match value {
            Some(value) => {
                // A field over 4 GiB cannot reach here (the request body limit is 2 MiB).
                let length = u32::try_from(value.len()).unwrap_or(u32::MAX - 1);
                self.0.extend_from_slice(&length.to_be_bytes());
                self.0.extend_from_slice(value.as_bytes());
            }
            None => self.0.extend_from_slice(&u32::MAX.to_be_bytes()),
        }
        self
    }

    pub fn int(&mut self, value: i64) -> &mut Encoder {
        self.text(Some(&value.to_string()))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The canonical encoding v1 of `row` (every column but `prev_hash` and `hash`).
pub fn encode(row: &AuditRow) -> Vec<u8> {
    let mut out = Encoder::new(ENCODING_TAG);
    out.int(row.seq)
        .int(row.at)
        .text(Some(&row.actor_type))
        .text(row.actor_id.as_deref())
        .text(Some(&row.action))
        .text(Some(&row.resource_type))
        .text(row.resource_id.as_deref())
        .text(Some(&row.changes))
        .text(row.ip.as_deref())
        .text(row.user_agent.as_deref())
        .text(Some(if row.impersonation_flag { "1" } else { "0" }))
        .text(row.impersonated_by.as_deref())
        .text(Some(&row.status))
        .text(row.error_message.as_deref());
    out.0
}

/// The hash `row` must carry after `prev_hash`.
pub fn hash(prev_hash: &str, row: &AuditRow) -> String {
    let mut digest = Sha256::new();
    digest.update(prev_hash.as_bytes());
    digest.update(encode(row));
    hex(&digest.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn row(seq: i64) -> AuditRow {
        AuditRow {
            seq,
            at: 1_700_000_000,
            actor_type: "USER".into(),
            actor_id: Some("u".into()),
            action: "products:update".into(),
            resource_type: "products".into(),
            resource_id: Some("p".into()),
            changes: r#"{"price":{"before":100,"after":200}}"#.into(),
            ip: Some("127.0.0.1".into()),
            user_agent: None,
            impersonation_flag: false,
            impersonated_by: None,
            status: "SUCCESS".into(),
            error_message: None,
            prev_hash: GENESIS.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = row(1);
        let original = hash(GENESIS, &base);
        let variants: Vec<fn(&mut AuditRow)> = vec![
            |r| r.seq = 2,
            |r| r.at += 1,
            |r| r.actor_type = "ADMIN".into(),
            |r| r.actor_id = None,
            |r| r.action = "products:create".into(),
            |r| r.resource_type = "product".into(),
            |r| r.resource_id = Some(String::new()),
            |r| r.changes = r#"{"price":{"before":100,"after":201}}"#.into(),
            |r| r.ip = None,
            |r| r.user_agent = Some(String::new()),
            |r| r.impersonation_flag = true,
            |r| r.impersonated_by = Some("a".into()),
            |r| r.status = "FAILURE".into(),
            |r| r.error_message = Some("x".into()),
        ];
        for (i, change) in variants.iter().enumerate() {
            let mut changed = base.clone();
            change(&mut changed);
            assert_ne!(hash(GENESIS, &changed), original, "field {i}");
        }
        assert_ne!(hash(&original, &base), original, "the previous hash counts");
    }

    #[test]
    fn length_prefixes_keep_field_boundaries() {
        let mut a = row(1);
        let mut b = row(1);
        a.action = "ab".into();
        a.resource_type = "c".into();
        b.action = "a".into();
        b.resource_type = "bc".into();
        assert_ne!(encode(&a), encode(&b));
    }

    #[test]
    fn the_encoding_is_stable() {
        // Pinned: changing the encoding breaks every stored chain, so it needs a new version.
        assert_eq!(
            hash(GENESIS, &row(1)),
            "1b6fd7c90a8f6d9415c6d7b12ff426044d0ca3f170837a1540798172323cdf94"
        );
        assert_eq!(&encode(&row(1))[..4], &15u32.to_be_bytes());
        assert_eq!(&encode(&row(1))[4..19], ENCODING_TAG.as_bytes());
    }
}
