//! Webhook signatures: the mock gateway's, HMAC-SHA256 over `timestamp.raw_body`, sent as hex
//! in `x-webhook-signature` with the unix timestamp in `x-webhook-timestamp` (the receiver
//! refuses a timestamp more than five minutes away from its clock, a replayed old webhook);
//! and the plain hex HMAC-SHA256 Razorpay signs with ([`hmac_hex`], [`verify_hex`]). Every
//! signature is compared in constant time.

use crate::auth::secret::hex;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;

pub const TIMESTAMP_HEADER: &str = "x-webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "x-webhook-signature";
/// How far a webhook's timestamp may be from our clock, either way.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a webhook is refused. The details are logged, never sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the timestamp or signature header is missing or malformed")]
    Malformed,
    #[error("the timestamp is outside the tolerance window")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
}

/// The hex signature of `body` sent at `timestamp` under `secret`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

/// Checks the two header values against `body`, at time `now`.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let timestamp: i64 = timestamp
        .and_then(|t| t.trim().parse().ok())
        .ok_or(SignatureError::Malformed)?;
    let signature = signature
        .map(str::trim)
        .and_then(unhex)
        .ok_or(SignatureError::Malformed)?;
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&signature)
        .map_err(|_| SignatureError::Mismatch)
}

/// The hex HMAC-SHA256 of `message` under `key` (Razorpay's signatures, lower-case hex).
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

/// Whether `signature` (hex, either case) is the HMAC-SHA256 of `message` under `key`,
/// compared in constant time. Junk is simply not a match.
pub fn verify_hex(key: &[u8], message: &[u8], signature: &str) -> bool {
    let Some(signature) = unhex(signature.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&signature).is_ok()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a webhook secret of at least 32 bytes";

    #[test]
    fn a_signed_body_verifies_within_the_window() {
        let body = br#"{"transactionId":"t1"}"#;
        let signature = sign(SECRET, 1_000, body);
        assert_eq!(signature.len(), 64);
        assert_eq!(
            verify(SECRET, Some("1000"), Some(&signature), body, 1_000),
            Ok(())
        );
        assert_eq!(
            verify(SECRET, Some("1000"), Some(&signature), body, 1_300),
            Ok(())
        );
        assert_eq!(
            verify(SECRET, Some("1000"), Some(&signature), body, 700),
            Ok(())
        );
    }

    #[test]
    fn a_changed_body_timestamp_or_key_is_refused() {
        let body = br#"{"amount":100}"#;
        let signature = sign(SECRET, 1_000, body);
        let check = |secret: &[u8], ts: &str, body: &[u8]| {
            verify(secret, Some(ts), Some(&signature), body, 1_000)
        };
        assert_eq!(
            check(SECRET, "1000", br#"{"amount":101}"#),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(check(SECRET, "1001", body), Err(SignatureError::Mismatch));
        assert_eq!(
            check(b"another key", "1000", body),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn an_old_or_future_webhook_is_stale_and_junk_is_malformed() {
        let body = b"{}";
        let signature = sign(SECRET, 1_000, body);
        assert_eq!(
            verify(SECRET, Some("1000"), Some(&signature), body, 1_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, Some("1000"), Some(&signature), body, 699),
            Err(SignatureError::Stale)
        );
        for (ts, sig) in [
            (None, Some(signature.as_str())),
            (Some("1000"), None),
            (Some("soon"), Some(signature.as_str())),
            (Some("1000"), Some("zz")),
            (Some("1000"), Some("abc")),
            (Some("1000"), Some("é")),
        ] {
            assert_eq!(
                verify(SECRET, ts, sig, body, 1_000),
                Err(SignatureError::Malformed)
            );
        }
    }
}
