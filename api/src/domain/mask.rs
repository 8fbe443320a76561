//! Masking personal data for an administrator acting as a user (seed 000 section 4.2): what
//! support sees of an email, a phone number, a GSTIN, an address and a payment id. Each rule
//! keeps just enough to recognise the value with the customer on the phone, and works on any
//! input (a value too short to keep anything is masked whole, never shown).

/// What replaces a hidden part of an address.
pub const MASKED: &str = "[MASKED]";
/// What replaces a payment reference whole.
pub const REDACTED: &str = "[REDACTED]";

/// `user@example.com` → `u***@example.com`: the first character and the domain.
pub fn email(value: &str) -> String {
    match value.split_once('@') {
        Some((local, domain)) if !local.is_empty() => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        _ => "***".to_owned(),
    }
}

/// An Indian mobile number, `+91-98765-43210` or the stored ten digits `9876543210`, →
/// `+91-9***-****10`: the first digit (the operator range) and the last two.
pub fn phone(value: &str) -> String {
    let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    // The national number: the last ten digits (a +91 or 0 prefix dropped).
    let national = &digits[digits.len().saturating_sub(10)..];
    if national.len() < 4 {
        return "+91-****-****".to_owned();
    }
    let last_two: String = national[national.len() - 2..].iter().collect();
    format!("+91-{}***-****{last_two}", national[0])
}

/// `27AAAPA5055K1Z0` → `27AAAP****Z0`: the state code and the start of the PAN, and the
/// last two characters.
pub fn gstin(value: &str) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    if chars.len() < 10 {
        return "****".to_owned();
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}****{tail}")
}

/// An address as lines, `["123 Main St", "NYC"]` → `["123 Main St", "[MASKED]"]`: the first
/// line (enough to say which of the customer's addresses it is), the rest masked as one.
pub fn address_lines(lines: &[String]) -> Vec<String> {
    match lines {
        [] => Vec::new(),
        [first, ..] => vec![first.clone(), MASKED.to_owned()],
    }
}

/// A payment id or gateway reference, `tok_1234567890` → `[REDACTED]`: nothing is kept.
pub fn payment_id(_value: &str) -> String {
    REDACTED.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_keeps_its_first_character_and_domain() {
        assert_eq!(email("user@example.com"), "u***@example.com");
        assert_eq!(email("Asha.Rao@Example.COM"), "A***@Example.COM");
        assert_eq!(email("@example.com"), "***");
        assert_eq!(email("not an email"), "***");
    }

    #[test]
    fn a_phone_keeps_its_first_digit_and_last_two() {
        assert_eq!(phone("+91-98765-43210"), "+91-9***-****10");
        assert_eq!(phone("9876543210"), "+91-9***-****10");
        assert_eq!(phone("+91 70000 00042"), "+91-7***-****42");
        assert_eq!(phone("12"), "+91-****-****");
    }

    #[test]
    fn a_gstin_keeps_state_pan_start_and_last_two() {
        assert_eq!(gstin("27AAAPA5055K1Z0"), "27AAAP****Z0");
        assert_eq!(gstin("29AAGCB7383J1Z4"), "29AAGC****Z4");
        assert_eq!(gstin("short"), "****");
    }

    #[test]
    fn an_address_keeps_its_first_line() {
        let lines = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            address_lines(&lines(&["123 Main St", "NYC"])),
            lines(&["123 Main St", "[MASKED]"])
        );
        assert_eq!(
            address_lines(&lines(&["4 Lake View", "Flat 2", "Pune 411001"])),
            lines(&["4 Lake View", "[MASKED]"])
        );
        assert_eq!(
            address_lines(&lines(&["4 Lake View"])),
            lines(&["4 Lake View", "[MASKED]"])
        );
        assert!(address_lines(&[]).is_empty());
    }

    #[test]
    fn a_payment_id_is_redacted_whole() {
        assert_eq!(payment_id("tok_1234567890"), "[REDACTED]");
        assert_eq!(payment_id(""), "[REDACTED]");
    }
}
