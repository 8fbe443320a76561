//! The Indian state or union territory an address is in, by its two-digit GST state code.

use crate::domain::Invalid;
use contracts::gstin::StateCode;

/// The state `value` names (trimmed), or `unknown_state`.
pub fn state_code(value: &str) -> Result<StateCode, Invalid> {
    StateCode::parse(value.trim())
        .ok_or_else(|| Invalid::new("unknown_state", "is not a GST state code"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_its_two_digit_gst_code() {
        assert_eq!(state_code(" 27 ").unwrap().to_string(), "27");
        for bad in ["", "00", "27a", "MH", "99"] {
            assert_eq!(state_code(bad).unwrap_err().code, "unknown_state", "{bad}");
        }
    }
}
