//! The rules the server validates, stated in the document's schemas: lengths, patterns,
//! enums, minimum and maximum, each taken from the constant or the function the validator
//! itself uses, so the two cannot drift. The test `every_constraint_agrees_with_its_validator`
//! holds that, for each constrained field, values just inside and just outside the bounds are
//! accepted or refused alike by the schema and by the validator (most `accepts` call the
//! very function the handler calls: the checkout's address check, the shop application's,
//! the product rules).
//!
//! Text the validators trim is stated with [`trimmed`]: white space (as Rust's `trim` reads it)
//! around the rule. What no JSON Schema can say (an unknown product id, more units than the
//! stock, a GSTIN's check character, two fields at once) stays a documented 422 of the
//! operation, and `xtask/schemathesis.toml` says so for that operation.

mod accounts;
mod addresses;
mod catalog;
mod patterns;
mod queries;
mod write;

use crate::app::accounts::registration::MAX_DISPLAY_NAME_CHARS;
use crate::app::carts::MAX_QUANTITY;
use crate::app::catalog::rules as product_rules;
use crate::auth::password;
use crate::domain::BoundedText;
use accounts::*;
use addresses::*;
use catalog::*;
use patterns::*;
pub use patterns::{EMAIL, NOT_BLANK, trimmed};
use queries::*;
use serde_json::{Value, json};
pub use write::apply;

/// Where a constraint goes.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A property of a component schema (a request body).
    Property {
        schema: &'static str,
        property: &'static str,
    },
    /// A parameter of one operation (`method` as the document spells it: `get`).
    Parameter {
        path: &'static str,
        method: &'static str,
        name: &'static str,
    },
}

/// One constrained field: where, the JSON Schema keywords, and the server's own validator.
/// `"required": true` among the keywords adds the property to its schema's `required`: a
/// member serde takes absent (so that a missing one is a 422 naming it) which the rules
/// require.
pub struct Constraint {
    pub target: Target,
    pub keywords: Value,
    // Read by the drift test only; they sit here so a constraint and its validator are
    // written side by side.
    /// Whether the server accepts `value` for this field (its validator, not a copy of it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub accepts: Box<dyn Fn(&Value) -> bool>,
    /// Values at the edges of the bounds, for the drift test.
    #[cfg_attr(not(test), allow(dead_code))]
    pub edges: Vec<Value>,
}

fn property(schema: &'static str, property: &'static str) -> Target {
    Target::Property { schema, property }
}

fn parameter(path: &'static str, method: &'static str, name: &'static str) -> Target {
    Target::Parameter { path, method, name }
}

/// A constraint on text: `accepts` sees the string (anything else is refused).
fn on_text(
    target: Target,
    keywords: Value,
    accepts: impl Fn(&str) -> bool + 'static,
    edges: &[&str],
) -> Constraint {
    Constraint {
        target,
        keywords,
        accepts: Box::new(move |value| value.as_str().is_some_and(&accepts)),
        edges: edges.iter().map(|edge| Value::from(*edge)).collect(),
    }
}

/// Required text of at most `max` characters, trimmed (`BoundedText::parse`), checked by
/// `accepts` (the form's own validator where one can be called alone).
fn required_text(
    target: Target,
    max: usize,
    accepts: impl Fn(&str) -> bool + 'static,
) -> Constraint {
    Constraint {
        target,
        keywords: json!({ "maxLength": max, "pattern": NOT_BLANK }),
        accepts: Box::new(move |value| value.as_str().is_some_and(&accepts)),
        edges: text_edges(max),
    }
}

/// [`required_text`] with `BoundedText::parse` itself.
fn bounded(target: Target, max: usize) -> Constraint {
    required_text(target, max, move |text| {
        BoundedText::parse(text, max).is_ok()
    })
}

/// Text that may be blank or absent, of at most `max` characters once trimmed.
fn optional_text(target: Target, max: usize) -> Constraint {
    Constraint {
        target,
        keywords: json!({ "maxLength": max }),
        accepts: Box::new(move |value| {
            value
                .as_str()
                .is_some_and(|text| BoundedText::parse_optional(Some(text), max).is_ok())
        }),
        edges: vec![
            json!(""),
            json!("  "),
            json!("अ".repeat(max)),
            json!("a".repeat(max + 1)),
        ],
    }
}

fn text_edges(max: usize) -> Vec<Value> {
    vec![
        json!(""),
        json!("  "),
        json!("A"),
        json!("अ".repeat(max)),
        json!("a".repeat(max + 1)),
    ]
}

/// A member the server requires although serde would take it absent or `null`.
fn required(mut constraint: Constraint, json_type: &str) -> Constraint {
    constraint.keywords["type"] = json!(json_type);
    constraint.keywords["required"] = json!(true);
    let accepts = constraint.accepts;
    constraint.accepts = Box::new(move |value| !value.is_null() && accepts(value));
    constraint.edges.push(Value::Null);
    constraint
}

/// An integer in `min..=max`, checked by `accepts`.
fn integer(
    target: Target,
    min: i64,
    max: i64,
    accepts: impl Fn(i64) -> bool + 'static,
) -> Constraint {
    Constraint {
        target,
        keywords: json!({ "minimum": min, "maximum": max }),
        accepts: Box::new(move |value| value.as_i64().is_some_and(&accepts)),
        edges: vec![json!(min - 1), json!(min), json!(max), json!(max + 1)],
    }
}

/// A listing's page size (`domain::page_limit` with the listing's own maximum).
fn page_size(path: &'static str, max: u32) -> Constraint {
    integer(
        parameter(path, "get", "limit"),
        1,
        i64::from(max),
        move |asked| {
            let asked = u32::try_from(asked).ok();
            asked.is_some() && crate::domain::page_limit(asked, 1, max).is_ok()
        },
    )
}

/// Every constraint the document states.
pub fn all() -> Vec<Constraint> {
    let mut all = vec![
        password("NewAccount"),
        password("ResetPassword"),
        bounded(
            property("NewAccount", "displayName"),
            MAX_DISPLAY_NAME_CHARS,
        ),
        email(),
        page_size("/products", crate::routes::products::MAX_LIMIT),
        page_size("/seller/products", crate::routes::products::MAX_LIMIT),
        page_size(
            "/seller/products/{id}/inventory",
            crate::routes::products::MAX_LIMIT,
        ),
        page_size(
            "/admin/products/{id}/inventory",
            crate::routes::products::MAX_LIMIT,
        ),
        page_size("/orders", crate::routes::orders::MAX_LIMIT),
        page_size("/admin/users", crate::routes::users::MAX_LIMIT),
        page_size("/admin/shops", crate::routes::shops::MAX_LIMIT),
        price_filter("minPrice"),
        price_filter("maxPrice"),
        quantity("AddToCart", false),
        quantity("SetQuantity", true),
    ];
    all.extend(delivery_address());
    all.extend(shops());
    all.extend(products());
    all.extend(shipment());
    all.extend(reasons());
    all.extend(audit());
    all.extend(months());
    all.extend(idempotency_keys());
    all.push(image_width());
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `value` meets `keywords` (the ones this module writes), as JSON Schema reads
    /// them: lengths in characters, `pattern` found anywhere in the text unless anchored.
    fn schema_accepts(keywords: &Value, value: &Value) -> bool {
        let keyword = |name: &str| keywords.get(name);
        let chars = value.as_str().map(|text| text.chars().count());
        let number = value.as_f64();
        let fits = |name: &str, ok: &dyn Fn(f64, usize) -> bool| match keyword(name) {
            None => true,
            Some(bound) => {
                let bound = bound.as_f64().unwrap();
                #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                ok(bound, bound as usize)
            }
        };
        let typed = match keyword("type").and_then(Value::as_str) {
            None => true,
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some(other) => panic!("type {other} is not read here"),
        };
        typed
            && fits("minLength", &|_, n| chars.is_none_or(|c| c >= n))
            && fits("maxLength", &|_, n| chars.is_none_or(|c| c <= n))
            && fits("minimum", &|b, _| number.is_none_or(|x| x >= b))
            && fits("maximum", &|b, _| number.is_none_or(|x| x <= b))
            && keyword("enum").is_none_or(|values| values.as_array().unwrap().contains(value))
            && keyword("not").is_none_or(|not| not.get("const") != Some(value))
            && keyword("pattern").is_none_or(|pattern| {
                let regex = regex_automata::meta::Regex::new(pattern.as_str().unwrap()).unwrap();
                value.as_str().is_none_or(|text| regex.is_match(text))
            })
    }

    #[test]
    fn every_constraint_agrees_with_its_validator() {
        let mut disagreements = Vec::new();
        for constraint in all() {
            for value in &constraint.edges {
                let schema = schema_accepts(&constraint.keywords, value);
                let server = (constraint.accepts)(value);
                if schema != server {
                    disagreements.push(format!(
                        "{:?} {value}: schema {schema}, server {server}",
                        constraint.target
                    ));
                }
            }
            // Each constraint's edges include a value refused and one accepted, so the test
            // can fail.
            let verdicts: Vec<bool> = constraint
                .edges
                .iter()
                .map(|value| (constraint.accepts)(value))
                .collect();
            assert!(
                verdicts.contains(&true) && verdicts.contains(&false),
                "{:?}: the edges must straddle the bound",
                constraint.target
            );
        }
        assert!(disagreements.is_empty(), "{disagreements:#?}");
    }

    #[test]
    fn the_document_states_the_constraints() {
        let json: Value = serde_json::from_str(super::super::rendered()).unwrap();
        let schemas = &json["components"]["schemas"];
        assert_eq!(
            schemas["NewAccount"]["properties"]["password"]["minLength"],
            password::MIN_CHARS
        );
        assert_eq!(
            schemas["ResetPassword"]["properties"]["password"]["pattern"],
            NOT_BLANK
        );
        assert_eq!(
            schemas["AddToCart"]["properties"]["quantity"]["maximum"],
            MAX_QUANTITY
        );
        assert_eq!(
            schemas["DeliveryAddressInput"]["properties"]["pincode"]["pattern"],
            trimmed(PINCODE)
        );
        // What answers carry is not held to the input rules.
        assert_eq!(
            schemas["DeliveryAddress"]["properties"]["pincode"].get("pattern"),
            None
        );
        assert_eq!(
            schemas["PlaceOrder"]["properties"]["address"]["$ref"],
            "#/components/schemas/DeliveryAddressInput"
        );
        // A reference takes its keywords through `allOf`; a required member loses its `null`.
        assert_eq!(
            schemas["NewProduct"]["properties"]["price"]["allOf"][0]["$ref"],
            "#/components/schemas/Paise"
        );
        assert_eq!(
            schemas["NewProduct"]["properties"]["price"]["maximum"],
            product_rules::MAX_PRICE.0
        );
        assert_eq!(
            schemas["StartImpersonation"]["properties"]["durationMinutes"]["type"],
            "integer"
        );
        assert!(
            schemas["StartImpersonation"]["required"]
                .as_array()
                .unwrap()
                .contains(&json!("reason"))
        );
        let limit = |path: &str| {
            json["paths"][path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "limit")
                .unwrap()["schema"]["maximum"]
                .clone()
        };
        assert_eq!(limit("/products"), crate::routes::products::MAX_LIMIT);
        assert_eq!(limit("/orders"), crate::routes::orders::MAX_LIMIT);
    }
}
