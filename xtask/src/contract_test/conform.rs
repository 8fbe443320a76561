//! Whether an answer is exactly a `contracts` type: it decodes, and re-encoding the decoded
//! value gives the same JSON back. Decoding alone would pass a field the API renamed (serde
//! ignores the unknown new name, and an optional old one just stays empty); the comparison
//! catches that from both sides: a member the type does not have, and a member the type
//! sends that the answer lacked.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `Ok` when `body` is exactly a `T`; else the first difference, with its JSON path.
pub fn conforms<T: DeserializeOwned + Serialize>(body: &[u8]) -> Result<(), String> {
    let answer: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let typed: T = serde_json::from_value(answer.clone())
        .map_err(|e| format!("does not decode as {}: {e}", short_name::<T>()))?;
    let again = serde_json::to_value(&typed).map_err(|e| format!("does not re-encode: {e}"))?;
    same("$", &answer, &again)
}

/// The type's name without its module path (`contracts::cart::Cart` → `Cart`).
pub fn short_name<T>() -> String {
    let full = std::any::type_name::<T>();
    // Generic arguments keep their own paths short too (`Vec<contracts::x::Y>` → `Vec<Y>`).
    full.split(['<', '>', ',', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| part.rsplit("::").next().unwrap_or(part).to_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A member the type writes that the answer left out is no difference when it is what an
/// absent member decodes to: `null` (an empty option), `[]` or `{}`.
fn absent_equivalent(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
        _ => false,
    }
}

fn same(path: &str, answer: &Value, again: &Value) -> Result<(), String> {
    match (answer, again) {
        (Value::Object(sent), Value::Object(typed)) => {
            for (name, value) in sent {
                match typed.get(name) {
                    Some(back) => same(&format!("{path}.{name}"), value, back)?,
                    // The type skips an empty option or list when it writes: no difference.
                    None if absent_equivalent(value) => {}
                    None => {
                        return Err(format!(
                            "{path}.{name}: the API sends a member the contracts type does not have"
                        ));
                    }
                }
            }
            for (name, back) in typed {
                if !sent.contains_key(name) && !absent_equivalent(back) {
                    return Err(format!(
                        "{path}.{name}: the contracts type has a member the API did not send"
                    ));
                }
            }
            Ok(())
        }
        (Value::Array(sent), Value::Array(typed)) if sent.len() == typed.len() => sent
            .iter()
            .zip(typed)
            .enumerate()
            .try_for_each(|(i, (a, b))| same(&format!("{path}[{i}]"), a, b)),
        // 18 and 18.0 are one number to a JSON reader.
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!(
            "{path}: the API sent {a}, the contracts type reads it as {b}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contracts::cart::SetQuantity;
    use contracts::catalog::ProductPage;
    use contracts::problem::Problem;

    const PRODUCT: &str = r#"{"id":"p1","shopId":"s1","shopName":"Shop","name":"Kurta",
        "description":"","sku":"K-1","hsn":"6205","price":129900,"gstRate":500,"stock":3,
        "version":1,"category":"clothing","active":true,"images":[],"createdAt":1,"updatedAt":2}"#;

    #[test]
    fn an_exact_answer_conforms() {
        let page = format!(r#"{{"items":[{PRODUCT}],"nextCursor":"c"}}"#);
        assert_eq!(conforms::<ProductPage>(page.as_bytes()), Ok(()));
        // An absent option and a null one are the same answer.
        let page = format!(r#"{{"items":[{PRODUCT}],"nextCursor":null}}"#);
        assert_eq!(conforms::<ProductPage>(page.as_bytes()), Ok(()));
    }

    #[test]
    fn a_member_renamed_by_the_api_is_drift() {
        // `shopName` renamed `shopTitle`: a required member, so decoding already fails.
        let renamed = PRODUCT.replace("shopName", "shopTitle");
        let page = format!(r#"{{"items":[{renamed}]}}"#);
        let why = conforms::<ProductPage>(page.as_bytes()).unwrap_err();
        assert!(why.contains("shopName"), "{why}");
        // `nextCursor` renamed `cursor`: optional, so it decodes (as no cursor) and only the
        // comparison sees the member the type does not know.
        let page = format!(r#"{{"items":[{PRODUCT}],"cursor":"c"}}"#);
        let why = conforms::<ProductPage>(page.as_bytes()).unwrap_err();
        assert_eq!(
            why,
            "$.cursor: the API sends a member the contracts type does not have"
        );
    }

    #[test]
    fn a_member_the_api_stopped_sending_is_drift() {
        // A defaulted member the API no longer sends decodes (to 0) but is not what was sent.
        let without = PRODUCT.replace(r#""version":1,"#, "");
        let page = format!(r#"{{"items":[{without}]}}"#);
        let why = conforms::<ProductPage>(page.as_bytes()).unwrap_err();
        assert_eq!(
            why,
            "$.items[0].version: the contracts type has a member the API did not send"
        );
    }

    #[test]
    fn a_changed_type_or_a_non_json_answer_is_drift() {
        assert!(conforms::<SetQuantity>(br#"{"quantity":"2"}"#).is_err());
        assert!(
            conforms::<SetQuantity>(b"%PDF-1.7")
                .unwrap_err()
                .starts_with("not JSON")
        );
        let problem =
            br#"{"type":"about:blank","title":"Not found","status":404,"code":"not_found"}"#;
        assert_eq!(conforms::<Problem>(problem), Ok(()));
    }

    #[test]
    fn type_names_are_short() {
        assert_eq!(short_name::<ProductPage>(), "ProductPage");
        assert_eq!(short_name::<Vec<Problem>>(), "Vec/Problem");
    }
}
