//! [`Pincode`]: an Indian postal index number.

use crate::domain::Invalid;
use crate::domain::valid::{Rule, Valid};

/// Six ASCII digits, the first not 0 (there is no postal zone 0).
pub type Pincode = Valid<PincodeRule>;

/// The rule of [`Pincode`].
#[derive(Debug)]
pub enum PincodeRule {}

impl Rule for PincodeRule {
    fn check(value: &str) -> Result<String, Invalid> {
        let value = value.trim();
        if value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) && !value.starts_with('0')
        {
            Ok(value.to_owned())
        } else {
            Err(Invalid::new(
                "pincode_format",
                "must be six digits, not starting with 0",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pincode_is_six_digits_not_starting_with_zero() {
        assert_eq!(Pincode::parse(" 400001 ").unwrap().as_str(), "400001");
        for bad in ["", "40001", "4000011", "040001", "40000a", "४००००१"] {
            assert_eq!(
                Pincode::parse(bad).unwrap_err().code,
                "pincode_format",
                "{bad}"
            );
        }
    }
}
