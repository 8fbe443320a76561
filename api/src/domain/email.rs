//! [`Email`]: a plausible email address, and the form accounts are looked up by.

use crate::domain::Invalid;
use crate::domain::valid::{Rule, Valid};

/// The longest email address (RFC 5321's path limit).
const MAX_EMAIL_BYTES: usize = 254;

/// A trimmed address with one `@`, something before it, a dotted domain after it, and no
/// spaces or control characters. Whether it receives mail is for a verification mail to find
/// out.
pub type Email = Valid<EmailRule>;

/// The rule of [`Email`].
#[derive(Debug)]
pub enum EmailRule {}

impl Rule for EmailRule {
    fn check(value: &str) -> Result<String, Invalid> {
        let email = value.trim();
        if email.len() > MAX_EMAIL_BYTES {
            return Err(Invalid::new(
                "invalid_email",
                "must be at most 254 characters",
            ));
        }
        let valid = email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }) && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(email.to_owned())
        } else {
            Err(Invalid::new(
                "invalid_email",
                "must be an email address like name@example.com",
            ))
        }
    }
}

impl Email {
    /// What uniqueness and sign-in compare: lower-cased, so `Asha@Example.com` and
    /// `asha@example.com` are one account.
    pub fn lookup(&self) -> String {
        lookup(self.as_str())
    }
}

/// The lookup form of any text given as an email (a sign-in's, which is not validated: an
/// unknown address is just a wrong credential).
pub fn lookup(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_emails_pass_trimmed_and_malformed_ones_do_not() {
        let email = Email::parse(" Asha.Rao+shop@Mail.example.in ").unwrap();
        assert_eq!(email.as_str(), "Asha.Rao+shop@Mail.example.in");
        assert_eq!(email.lookup(), "asha.rao+shop@mail.example.in");
        for bad in [
            "",
            "asha",
            "@example.com",
            "a@b",
            "a@.com",
            "a@com.",
            "a b@c.com",
            "a@b@c.com",
        ] {
            assert_eq!(
                Email::parse(bad).unwrap_err().code,
                "invalid_email",
                "{bad}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            Email::parse(&long).unwrap_err().message,
            "must be at most 254 characters"
        );
    }
}
