//! The page size of a listing: one rule for every paged route.

use crate::domain::field_error;
use contracts::FieldError;

/// `asked`, or `default` when absent; a field error naming `limit` when it is outside 1 to
/// `max`.
pub fn page_limit(asked: Option<u32>, default: u32, max: u32) -> Result<u32, FieldError> {
    let limit = asked.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(field_error(
            "limit",
            "out_of_range",
            &format!("must be between 1 and {max}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_one_to_max_rows_and_the_default_when_not_asked() {
        assert_eq!(page_limit(None, 20, 50), Ok(20));
        assert_eq!(page_limit(Some(50), 20, 50), Ok(50));
        for bad in [0, 51] {
            let error = page_limit(Some(bad), 20, 50).unwrap_err();
            assert_eq!(
                (error.field.as_str(), error.code.as_str()),
                ("limit", "out_of_range")
            );
        }
    }
}
