//! [`Invalid`] (why one value failed its rule) and [`Fields`] (every failure of a form, named
//! by field, answered as one 422 `validation_failed`).

use crate::error::ApiError;
use contracts::FieldError;

/// Why a value failed its rule: a stable `code` clients branch on and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Invalid {
        Invalid {
            code,
            message: message.into(),
        }
    }
}

/// A field error of the problem body.
pub fn field_error(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// The failures of one request's fields, in the order they were checked.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    pub fn new() -> Fields {
        Fields::default()
    }

    /// The value of `parsed`, or `None` with its failure recorded against `field`.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, Invalid>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.push(field, invalid.code, &invalid.message);
                None
            }
        }
    }

    /// Records a failure found by a rule of its own (one that spans fields, say).
    pub fn push(&mut self, field: &str, code: &str, message: &str) {
        self.0.push(field_error(field, code, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when every field passed, else 422 `validation_failed` naming each failure.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_is_kept_in_order_and_none_means_valid() {
        let mut fields = Fields::new();
        assert_eq!(fields.check("a", Ok::<_, Invalid>(1)), Some(1));
        assert!(fields.is_empty());
        assert_eq!(
            fields.check::<u8>("b", Err(Invalid::new("required", "must not be empty"))),
            None
        );
        fields.push("c", "too_long", "must be at most 3 characters");
        let Err(ApiError::Validation(errors)) = fields.finish() else {
            panic!("two failures are a validation error");
        };
        let named: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(named, [("b", "required"), ("c", "too_long")]);
        assert!(Fields::new().finish().is_ok());
    }
}
