//! [`BoundedText`]: the rule every free-text field follows: trimmed, and at most so many
//! characters (characters, not bytes: Devanagari takes three bytes a character).

use crate::domain::Invalid;

/// Trimmed text of at most a given number of characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedText(String);

impl BoundedText {
    /// Required text: `required` when blank, `too_long` past `max` characters.
    pub fn parse(value: &str, max: usize) -> Result<BoundedText, Invalid> {
        let value = value.trim();
        if value.is_empty() {
            return Err(Invalid::new("required", "must not be empty"));
        }
        Self::parse_allow_empty(value, max)
    }

    /// Text that may be blank (a description): only the length is checked.
    pub fn parse_allow_empty(value: &str, max: usize) -> Result<BoundedText, Invalid> {
        let value = value.trim();
        if value.chars().count() > max {
            return Err(Invalid::new(
                "too_long",
                format!("must be at most {max} characters"),
            ));
        }
        Ok(BoundedText(value.to_owned()))
    }

    /// An optional field (an address's second line): absent or blank is `None`.
    pub fn parse_optional(value: Option<&str>, max: usize) -> Result<Option<BoundedText>, Invalid> {
        match value.map(str::trim) {
            None | Some("") => Ok(None),
            Some(value) => Self::parse(value, max).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_required_and_bounded_in_characters() {
        assert_eq!(BoundedText::parse("  Asha  ", 4).unwrap().as_str(), "Asha");
        assert_eq!(BoundedText::parse("   ", 4).unwrap_err().code, "required");
        assert_eq!(BoundedText::parse("Ashaa", 4).unwrap_err().code, "too_long");
        // Four characters of Devanagari are twelve bytes, and still four characters.
        assert!(BoundedText::parse("आशा ज", 5).is_ok());
        assert_eq!(BoundedText::parse_allow_empty(" ", 4).unwrap().as_str(), "");
        assert_eq!(BoundedText::parse_optional(Some("  "), 4), Ok(None));
        assert_eq!(BoundedText::parse_optional(None, 4), Ok(None));
        assert_eq!(
            BoundedText::parse_optional(Some(" Flat 2 "), 10)
                .unwrap()
                .unwrap()
                .as_str(),
            "Flat 2"
        );
    }
}
