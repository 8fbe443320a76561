//! The one error body of the API: RFC 9457 problem details with a stable machine `code`.
//!
//! The API sends it as `application/problem+json`; widgets decode it to show the message and to
//! put field errors next to the fields at fault.

use serde::{Deserialize, Serialize};

/// Media type of a [`Problem`] body.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An RFC 9457 problem details object.
///
/// `code` is the contract: stable, snake_case, documented in docs/API.md; `title` and `detail`
/// are for people and may change wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A URI reference identifying the problem type (`about:blank` when the status says it all).
    #[serde(rename = "type", default = "about_blank")]
    pub type_uri: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status code, repeated for clients that only see the body.
    pub status: u16,
    /// Stable machine-readable error code, e.g. `not_found`, `validation_failed`.
    pub code: String,
    /// Human explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request path this occurrence refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Field-level errors, for input validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

/// One invalid input field: `field` is the JSON pointer-ish path in camelCase (`items[2].quantity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl Problem {
    /// A problem with the given status, stable code and title.
    pub fn new(status: u16, code: impl Into<String>, title: impl Into<String>) -> Self {
        Problem {
            type_uri: about_blank(),
            title: title.into(),
            status,
            code: code.into(),
            detail: None,
            instance: None,
            errors: Vec::new(),
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = Some(instance.into());
        self
    }

    pub fn with_field_error(
        mut self,
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        self.errors.push(FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        });
        self
    }

    /// The error message for one field, if the problem names it.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_rfc_9457_member_names() {
        let problem = Problem::new(422, "validation_failed", "Invalid input")
            .with_instance("/api/v1/products")
            .with_field_error("basePrice", "must_be_positive", "must be more than zero");
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "type": "about:blank",
                "title": "Invalid input",
                "status": 422,
                "code": "validation_failed",
                "instance": "/api/v1/products",
                "errors": [{"field": "basePrice", "code": "must_be_positive", "message": "must be more than zero"}]
            })
        );
    }

    #[test]
    fn decodes_a_minimal_body_and_finds_field_messages() {
        let problem: Problem =
            serde_json::from_str(r#"{"title":"Not found","status":404,"code":"not_found"}"#)
                .unwrap();
        assert_eq!(problem.type_uri, "about:blank");
        assert_eq!(problem.field_message("email"), None);
        let problem = problem.with_field_error("email", "taken", "already registered");
        assert_eq!(problem.field_message("email"), Some("already registered"));
    }
}
