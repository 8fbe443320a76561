//! [`Hsn`]: a Harmonised System of Nomenclature code, which a GST invoice prints per line.

use crate::domain::valid::{Rule, Valid};
use crate::domain::{BoundedText, Invalid};

/// 4, 6 or 8 digits (CGST Rule 46 asks for 4 or 6 by turnover; 8 is the full tariff code).
pub type Hsn = Valid<HsnRule>;

/// The rule of [`Hsn`].
#[derive(Debug)]
pub enum HsnRule {}

impl Rule for HsnRule {
    fn check(value: &str) -> Result<String, Invalid> {
        let hsn = BoundedText::parse(value, 8)?.into_string();
        if matches!(hsn.len(), 4 | 6 | 8) && hsn.bytes().all(|b| b.is_ascii_digit()) {
            Ok(hsn)
        } else {
            Err(Invalid::new(
                "hsn_format",
                "must be an HSN code of 4, 6 or 8 digits",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hsn_code_has_four_six_or_eight_digits() {
        for good in ["6109", "610910", " 61091000 "] {
            assert_eq!(Hsn::parse(good).unwrap().as_str(), good.trim(), "{good}");
        }
        assert_eq!(Hsn::parse("").unwrap_err().code, "required");
        assert_eq!(Hsn::parse("123456789").unwrap_err().code, "too_long");
        for bad in ["610", "61091", "6109a0", "610 91"] {
            assert_eq!(Hsn::parse(bad).unwrap_err().code, "hsn_format", "{bad}");
        }
    }
}
