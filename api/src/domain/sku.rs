//! [`Sku`]: a seller's stock-keeping unit, unique within the shop.

use crate::domain::valid::{Rule, Valid};
use crate::domain::{BoundedText, Invalid};

/// The longest SKU, in characters.
pub const MAX_SKU_CHARS: usize = 64;

/// 1 to 64 letters, digits and `- _ . /`, trimmed.
pub type Sku = Valid<SkuRule>;

/// The rule of [`Sku`].
#[derive(Debug)]
pub enum SkuRule {}

impl Rule for SkuRule {
    fn check(value: &str) -> Result<String, Invalid> {
        let sku = BoundedText::parse(value, MAX_SKU_CHARS)?.into_string();
        if sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            Ok(sku)
        } else {
            Err(Invalid::new(
                "sku_format",
                "may hold only letters, digits and - _ . /",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sku_is_short_plain_and_trimmed() {
        assert_eq!(
            Sku::parse(" KUR-001/b_2.x ").unwrap().as_str(),
            "KUR-001/b_2.x"
        );
        assert_eq!(Sku::parse(" ").unwrap_err().code, "required");
        assert_eq!(Sku::parse(&"A".repeat(65)).unwrap_err().code, "too_long");
        for bad in ["KUR 001", "KUR#1", "कुर्ता"] {
            assert_eq!(Sku::parse(bad).unwrap_err().code, "sku_format", "{bad}");
        }
    }
}
