//! [`IndianMobile`]: a ten-digit Indian mobile number, however it was typed.

use crate::domain::Invalid;
use crate::domain::valid::{Rule, Valid};

/// Ten digits starting 6 to 9, stored without the country code, spaces or a leading 0.
pub type IndianMobile = Valid<IndianMobileRule>;

/// The rule of [`IndianMobile`].
#[derive(Debug)]
pub enum IndianMobileRule {}

impl Rule for IndianMobileRule {
    /// Accepts `98765 43210`, `+91 98765 43210`, `098765-43210` and the like.
    fn check(value: &str) -> Result<String, Invalid> {
        let digits: String = value.chars().filter(char::is_ascii_digit).collect();
        let number = match digits.len() {
            10 => Some(digits),
            11 if digits.starts_with('0') => Some(digits[1..].to_owned()),
            12 if digits.starts_with("91") => Some(digits[2..].to_owned()),
            _ => None,
        }
        .filter(|number| matches!(number.as_bytes()[0], b'6'..=b'9'));
        number
            .ok_or_else(|| Invalid::new("phone_format", "must be a 10-digit Indian mobile number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_number_is_read_however_it_was_typed() {
        for typed in [
            "9876543210",
            "98765 43210",
            "+91 98765 43210",
            "098765-43210",
            "919876543210",
        ] {
            assert_eq!(
                IndianMobile::parse(typed).unwrap().as_str(),
                "9876543210",
                "{typed}"
            );
        }
        for bad in [
            "",
            "12345",
            "5876543210",
            "98765432101",
            "+1 98765 43210",
            "0000000000",
        ] {
            assert_eq!(
                IndianMobile::parse(bad).unwrap_err().code,
                "phone_format",
                "{bad}"
            );
        }
    }
}
