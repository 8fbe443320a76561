//! The last guard before a row is hashed: `changes` must be `{"field": {"before": v, "after":
//! v}}` with scalar values, and any value that reads as personal data (an email, an Indian
//! mobile number, a GSTIN) is masked, whichever use case forgot to leave it out. The chain
//! makes a row permanent, so personal data in one could never be erased.

use crate::domain::{Email, IndianMobile};
use crate::error::{ApiError, Result};
use contracts::gstin::Gstin;
use serde_json::{Map, Value};

/// What a masked value is replaced with.
pub const MASKED: &str = "[MASKED]";

/// `changes` as the JSON text to store: checked for shape, personal data masked. Keys come out
/// sorted (serde_json's map is a BTreeMap), so equal changes are equal text.
pub fn checked(changes: &Value) -> Result<String> {
    let fields = match changes {
        Value::Null => return Ok("{}".to_owned()),
        Value::Object(fields) => fields,
        _ => return Err(shape("changes is not an object")),
    };
    let mut out = Map::new();
    for (field, change) in fields {
        let Value::Object(sides) = change else {
            return Err(shape("a change is not {before, after}"));
        };
        let mut clean = Map::new();
        for (side, value) in sides {
            if side != "before" && side != "after" {
                return Err(shape("a change has a side other than before/after"));
            }
            clean.insert(side.clone(), scalar(value)?);
        }
        out.insert(field.clone(), Value::Object(clean));
    }
    serde_json::to_string(&Value::Object(out))
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("encoding audit changes: {error}")))
}

/// A value as stored: numbers and flags as they are, text masked when it is personal data.
fn scalar(value: &Value) -> Result<Value> {
    match value {
        Value::Null | Value::Bool(_) => Ok(value.clone()),
        Value::Number(number) if number.is_i64() => Ok(value.clone()),
        Value::String(text) if is_personal(text) => Ok(Value::String(MASKED.to_owned())),
        Value::String(_) => Ok(value.clone()),
        _ => Err(shape(
            "a changed value is not a flag, a whole number or text",
        )),
    }
}

/// Whether `text` is, or contains as a whole, an email, a mobile number or a GSTIN.
pub fn is_personal(text: &str) -> bool {
    text.contains('@') && Email::parse(text).is_ok()
        || text
            .split_whitespace()
            .any(|word| Email::parse(word).is_ok())
        || IndianMobile::parse(text).is_ok()
        || Gstin::parse(text).is_ok()
}

fn shape(what: &str) -> ApiError {
    // A use case wrote a row the viewer could not show: a bug, never the client's fault.
    ApiError::Internal(anyhow::anyhow!("audit entry refused: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_data_is_masked_and_the_rest_kept() {
        let text = checked(&json!({
            "email": {"before": "asha@example.com", "after": "new@example.in"},
            "phone": {"after": "+91 98765 43210"},
            "gstin": {"after": "27AAPFU0939F1ZV"},
            "price": {"before": 100, "after": 200},
            "name": {"after": "Blue kurta"},
        }))
        .unwrap();
        assert!(!text.contains("example"), "{text}");
        assert!(!text.contains("98765"), "{text}");
        assert!(!text.contains("27AAPFU"), "{text}");
        assert!(
            text.contains(r#""price":{"after":200,"before":100}"#),
            "{text}"
        );
        assert!(text.contains("Blue kurta"));
    }

    #[test]
    fn a_change_that_is_not_a_flat_delta_is_refused() {
        assert!(checked(&json!([1])).is_err());
        assert!(checked(&json!({"a": 1})).is_err());
        assert!(checked(&json!({"a": {"during": 1}})).is_err());
        assert!(checked(&json!({"a": {"after": {"nested": 1}}})).is_err());
        assert!(checked(&json!({"a": {"after": 1.5}})).is_err());
        assert_eq!(checked(&Value::Null).unwrap(), "{}");
    }
}
