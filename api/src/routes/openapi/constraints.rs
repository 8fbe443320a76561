//! The rules the server validates, stated in the document's schemas: lengths, patterns,
//! minimum and maximum, each taken from the constant the validator itself uses, so the two
//! cannot drift. The test `every_constraint_agrees_with_its_validator` holds that, for each
//! constrained field, values just inside and just outside the bounds are accepted or refused
//! alike by the schema and by the validator.
//!
//! What no JSON Schema can say (an unknown product id, more units than the stock, a minimum
//! price above the maximum) stays a documented 422 of the operation.

use crate::app::accounts::registration::MAX_DISPLAY_NAME_CHARS;
use crate::app::carts::MAX_QUANTITY;
use crate::auth::password;
use crate::routes::products::MAX_LIMIT;
use serde_json::{Value, json};
use utoipa::openapi::{OpenApi, RefOr};

/// Text with something other than white space in it (the validators trim, then refuse blank).
pub const NOT_BLANK: &str = r"\S";

/// `domain::email`'s rule as a pattern: one `@`, something before it, a dotted domain that
/// neither starts nor ends with a dot after it, no white space or control characters inside;
/// white space around it is trimmed.
pub const EMAIL: &str = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s.\x00-\x1f\x7f-\x9f][^@\s\x00-\x1f\x7f-\x9f]*\.[^@\s\x00-\x1f\x7f-\x9f]*[^@\s.\x00-\x1f\x7f-\x9f]\s*$";

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
pub struct Constraint {
    pub target: Target,
    pub keywords: fn() -> Value,
    // Read by the drift test only; they sit here so a constraint and its validator are
    // written side by side.
    /// Whether the server accepts `value` for this field (its validator, not a copy of it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub accepts: fn(&Value) -> bool,
    /// Values at the edges of the bounds, for the drift test.
    #[cfg_attr(not(test), allow(dead_code))]
    pub edges: fn() -> Vec<Value>,
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

fn password_ok(value: &Value) -> bool {
    password::check_policy(text(value)).is_ok()
}

fn password_edges() -> Vec<Value> {
    let min = password::MIN_CHARS;
    vec![
        json!("a".repeat(min)),
        json!("a".repeat(min - 1)),
        json!("é".repeat(min)),
        json!(" ".repeat(min + 2)),
        json!(format!("{}x", " ".repeat(min))),
    ]
}

fn password_keywords() -> Value {
    json!({ "minLength": password::MIN_CHARS, "pattern": NOT_BLANK })
}

const PASSWORD_NEW_ACCOUNT: Constraint = Constraint {
    target: Target::Property {
        schema: "NewAccount",
        property: "password",
    },
    keywords: password_keywords,
    accepts: password_ok,
    edges: password_edges,
};

const PASSWORD_RESET: Constraint = Constraint {
    target: Target::Property {
        schema: "ResetPassword",
        property: "password",
    },
    ..PASSWORD_NEW_ACCOUNT
};

const DISPLAY_NAME: Constraint = Constraint {
    target: Target::Property {
        schema: "NewAccount",
        property: "displayName",
    },
    keywords: || json!({ "maxLength": MAX_DISPLAY_NAME_CHARS, "pattern": NOT_BLANK }),
    accepts: |value| crate::domain::BoundedText::parse(text(value), MAX_DISPLAY_NAME_CHARS).is_ok(),
    edges: || {
        vec![
            json!(""),
            json!("  "),
            json!("A"),
            json!("अ".repeat(MAX_DISPLAY_NAME_CHARS)),
            json!("a".repeat(MAX_DISPLAY_NAME_CHARS + 1)),
        ]
    },
};

const EMAIL_NEW_ACCOUNT: Constraint = Constraint {
    target: Target::Property {
        schema: "NewAccount",
        property: "email",
    },
    keywords: || json!({ "pattern": EMAIL }),
    accepts: |value| crate::domain::Email::parse(text(value)).is_ok(),
    edges: || {
        [
            "a@b.c",
            " asha@example.com ",
            "",
            "@b.c",
            "a@b",
            "a@.b",
            "a@b.",
            "a@b@c.d",
            "a b@c.d",
            "a@b..c",
            "a\u{7}@b.c",
        ]
        .into_iter()
        .map(Value::from)
        .collect()
    },
};

/// The catalog's page size and price filters (`GET /products`).
const CATALOG_LIMIT: Constraint = Constraint {
    target: Target::Parameter {
        path: "/products",
        method: "get",
        name: "limit",
    },
    keywords: || json!({ "minimum": 1, "maximum": MAX_LIMIT }),
    accepts: |value| {
        let asked = value.as_u64().and_then(|n| u32::try_from(n).ok());
        crate::domain::page_limit(asked, 1, MAX_LIMIT).is_ok()
    },
    edges: || vec![json!(0), json!(1), json!(MAX_LIMIT), json!(MAX_LIMIT + 1)],
};

/// Prices are paise, never negative (`app::catalog::browse`).
fn price(name: &'static str) -> Constraint {
    Constraint {
        target: Target::Parameter {
            path: "/products",
            method: "get",
            name,
        },
        keywords: || json!({ "minimum": 0 }),
        accepts: |value| {
            value
                .as_i64()
                .is_some_and(crate::app::catalog::price_filter_ok)
        },
        edges: || vec![json!(-1), json!(0), json!(1)],
    }
}

/// A cart line holds 1 to [`MAX_QUANTITY`] units (`app::carts`); setting 0 removes it.
fn quantity_ok(value: &Value, zero_removes: bool) -> bool {
    value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .is_some_and(|n| crate::app::carts::quantity_in_range(n, zero_removes))
}

fn quantity_edges() -> Vec<Value> {
    vec![
        json!(0),
        json!(1),
        json!(MAX_QUANTITY),
        json!(MAX_QUANTITY + 1),
    ]
}

const ADD_QUANTITY: Constraint = Constraint {
    target: Target::Property {
        schema: "AddToCart",
        property: "quantity",
    },
    keywords: || json!({ "minimum": 1, "maximum": MAX_QUANTITY }),
    accepts: |value| quantity_ok(value, false),
    edges: quantity_edges,
};

const SET_QUANTITY: Constraint = Constraint {
    target: Target::Property {
        schema: "SetQuantity",
        property: "quantity",
    },
    keywords: || json!({ "minimum": 0, "maximum": MAX_QUANTITY }),
    accepts: |value| quantity_ok(value, true),
    edges: quantity_edges,
};

/// Every constraint the document states.
pub fn all() -> Vec<Constraint> {
    vec![
        PASSWORD_NEW_ACCOUNT,
        PASSWORD_RESET,
        DISPLAY_NAME,
        EMAIL_NEW_ACCOUNT,
        CATALOG_LIMIT,
        price("minPrice"),
        price("maxPrice"),
        ADD_QUANTITY,
        SET_QUANTITY,
    ]
}

/// Writes every constraint into `doc`. Panics when a target is missing: a renamed schema,
/// property or parameter must move its constraint too.
pub fn apply(doc: &mut OpenApi) {
    for constraint in all() {
        let keywords = (constraint.keywords)();
        let schema = schema_mut(doc, constraint.target)
            .unwrap_or_else(|| panic!("no schema for {:?}", constraint.target));
        // Through JSON: utoipa's schema model has a field for each keyword.
        let mut json = serde_json::to_value(&*schema).expect("a schema serialises");
        for (key, value) in keywords.as_object().expect("keywords are an object") {
            json[key] = value.clone();
        }
        *schema = serde_json::from_value(json).expect("the constrained schema is a schema");
    }
}

fn schema_mut(doc: &mut OpenApi, target: Target) -> Option<&mut RefOr<utoipa::openapi::Schema>> {
    match target {
        Target::Property { schema, property } => {
            let component = doc.components.as_mut()?.schemas.get_mut(schema)?;
            match component {
                RefOr::T(utoipa::openapi::Schema::Object(object)) => {
                    object.properties.get_mut(property)
                }
                _ => None,
            }
        }
        Target::Parameter { path, method, name } => {
            let item = doc.paths.paths.get_mut(path)?;
            let operation = match method {
                "get" => item.get.as_mut(),
                "post" => item.post.as_mut(),
                "put" => item.put.as_mut(),
                _ => None,
            }?;
            operation
                .parameters
                .as_mut()?
                .iter_mut()
                .find(|parameter| parameter.name == name)?
                .schema
                .as_mut()
        }
    }
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
        fits("minLength", &|_, n| chars.is_none_or(|c| c >= n))
            && fits("maxLength", &|_, n| chars.is_none_or(|c| c <= n))
            && fits("minimum", &|b, _| number.is_none_or(|x| x >= b))
            && fits("maximum", &|b, _| number.is_none_or(|x| x <= b))
            && keyword("pattern").is_none_or(|pattern| {
                let regex = regex_automata::meta::Regex::new(pattern.as_str().unwrap()).unwrap();
                value.as_str().is_none_or(|text| regex.is_match(text))
            })
    }

    #[test]
    fn every_constraint_agrees_with_its_validator() {
        let mut disagreements = Vec::new();
        for constraint in all() {
            let keywords = (constraint.keywords)();
            for value in (constraint.edges)() {
                let schema = schema_accepts(&keywords, &value);
                let server = (constraint.accepts)(&value);
                if schema != server {
                    disagreements.push(format!(
                        "{:?} {value}: schema {schema}, server {server}",
                        constraint.target
                    ));
                }
            }
            // Each constraint's edges include a value refused and one accepted, so the test
            // can fail.
            let verdicts: Vec<bool> = (constraint.edges)()
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
        let json = serde_json::to_value(crate::routes::openapi::document()).unwrap();
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
        let limit = json["paths"]["/products"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .unwrap()
            .clone();
        assert_eq!(limit["schema"]["maximum"], MAX_LIMIT);
    }
}
