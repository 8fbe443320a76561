//! Time-based one-time passwords (RFC 6238, as authenticator apps implement them: HMAC-SHA1,
//! 6 digits, 30-second steps), their secrets in base32, the `otpauth://` URI and its QR code,
//! and recovery codes.

use crate::auth::secret;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha1::Sha1;

/// Seconds per time step.
pub const STEP_SECS: i64 = 30;
/// Steps accepted either side of the current one, for clock drift and typing time.
pub const WINDOW_STEPS: i64 = 1;
/// Bytes of a secret: 160 bits, RFC 4226's recommendation and SHA-1's block-friendly size.
pub const SECRET_BYTES: usize = 20;
/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "Bazaar";
/// How many recovery codes an activation hands out.
pub const RECOVERY_CODES: usize = 10;

/// A fresh secret, base32 (32 characters, no padding).
pub fn new_secret() -> String {
    base32_encode(&secret::random_bytes::<SECRET_BYTES>())
}

/// The time step of unix time `now`.
pub fn step_at(now: i64) -> i64 {
    now.div_euclid(STEP_SECS)
}

/// The six-digit code of `secret` (base32) for `step`; `None` when the secret is not base32.
pub fn code_at(secret: &str, step: i64) -> Option<String> {
    let key = base32_decode(secret)?;
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // RFC 4226 §5.3, dynamic truncation.
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    Some(format!("{:06}", binary % 1_000_000))
}

/// The step within the window around `now` whose code is `code`, if any; the caller still has
/// to refuse steps already used (see `db::mfa::claim_totp_step`).
pub fn matching_step(secret: &str, code: &str, now: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_at(now);
    (current - WINDOW_STEPS..=current + WINDOW_STEPS).find(|step| {
        code_at(secret, *step).is_some_and(|expected| secret::constant_time_eq(&expected, code))
    })
}

/// The `otpauth://` URI that authenticator apps import (Key Uri Format). The label is the
/// account's email, percent-encoded.
pub fn otpauth_uri(secret: &str, account: &str) -> String {
    format!(
        "otpauth://totp/{ISSUER}:{}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits=6&period={STEP_SECS}",
        percent_encode(account)
    )
}

/// The QR code of `text` as rows of `'1'` (dark) and `'0'` (light) modules, without the quiet
/// zone (contracts `MfaEnrollment::qr_rows`).
pub fn qr_rows(text: &str) -> anyhow::Result<Vec<String>> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("encoding the QR code: {e}"))?;
    let width = code.width();
    let colors = code.to_colors();
    Ok(colors
        .chunks(width)
        .map(|row| {
            row.iter()
                .map(|color| match color {
                    qrcode::Color::Dark => '1',
                    qrcode::Color::Light => '0',
                })
                .collect()
        })
        .collect())
}

/// Ten fresh recovery codes, each 80 random bits as `XXXX-XXXX-XXXX-XXXX` (base32, so no
/// look-alike 0/O or 1/I/L confusion beyond base32's own alphabet).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw = base32_encode(&secret::random_bytes::<10>());
            raw.as_bytes()
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// The form a recovery code is hashed in: without dashes and spaces, upper case, so
/// `abcd-efgh ...` typed by hand matches.
pub fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .flat_map(char::to_uppercase)
        .collect()
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding (what authenticator apps expect).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes RFC 4648 base32, ignoring case and padding; `None` for any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let value = BASE32.iter().position(|b| *b == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // RFC 6238 appendix B lists 8 digits; the last six are the six-digit codes.
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, step_at(time)).unwrap(),
                &eight[2..],
                "{time}"
            );
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxw6ytboi").unwrap(), b"foobar");
        assert_eq!(base32_encode(b"12345678901234567890"), RFC_SECRET);
        assert!(base32_decode("not base32!").is_none());
        assert_eq!(new_secret().len(), 32);
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let step = step_at(now);
        let code = |s| code_at(&secret, s).unwrap();

        assert_eq!(matching_step(&secret, &code(step), now), Some(step));
        assert_eq!(matching_step(&secret, &code(step - 1), now), Some(step - 1));
        assert_eq!(matching_step(&secret, &code(step + 1), now), Some(step + 1));
        // A code two steps away could collide by chance (1 in a million); check it differs first.
        let far = code(step + 2);
        if (step - 1..=step + 1).all(|s| code(s) != far) {
            assert_eq!(matching_step(&secret, &far, now), None);
        }
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn the_otpauth_uri_names_issuer_account_and_parameters() {
        assert_eq!(
            otpauth_uri("ABC", "asha+shop@example.com"),
            "otpauth://totp/Bazaar:asha%2Bshop@example.com?secret=ABC&issuer=Bazaar&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn the_qr_code_is_square_rows_of_ones_and_zeros() {
        let rows = qr_rows(&otpauth_uri(&new_secret(), "a@example.com")).unwrap();

        assert!(rows.len() >= 21);
        assert!(rows.iter().all(|row| row.len() == rows.len()));
        assert!(
            rows.iter()
                .all(|row| row.bytes().all(|b| b == b'0' || b == b'1'))
        );
        // A finder pattern's top edge: seven dark modules in the corner.
        assert!(rows[0].starts_with("1111111"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_grouped_codes_typed_any_way() {
        let codes = new_recovery_codes();

        assert_eq!(codes.len(), 10);
        assert_eq!(codes[0].len(), 19);
        assert_eq!(codes[0].matches('-').count(), 3);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        assert_eq!(
            normalize_recovery_code(&codes[0].to_lowercase().replace('-', " ")),
            codes[0].replace('-', "")
        );
    }
}
