//! Writing the constraints into the rendered document, and the request-only copies of the
//! components answers share.

use super::{Target, all};
use serde_json::{Value, json};

/// Components that answers carry too (an order's address, a shop's), where what is stored or
/// withheld (`""` for a seller's view of a delivery address) need not meet the input rules: the
/// requests that send one refer to a copy, `<name>Input`, which takes the constraints.
/// (component, the request schemas' properties that refer to it)
const REQUEST_COPIES: &[(&str, &[(&str, &str)])] = &[
    ("DeliveryAddress", &[("PlaceOrder", "address")]),
    (
        "Address",
        &[("ShopApplication", "address"), ("ShopChanges", "address")],
    ),
];

fn split_request_copies(doc: &mut Value) {
    for (component, users) in REQUEST_COPIES {
        let schemas = &mut doc["components"]["schemas"];
        let copy = schemas[*component].clone();
        assert!(copy.is_object(), "no component {component}");
        schemas[format!("{component}Input")] = copy;
        let from = format!("#/components/schemas/{component}");
        let to = format!("#/components/schemas/{component}Input");
        for (schema, property) in *users {
            let slot = &mut schemas[*schema]["properties"][*property];
            assert!(slot.is_object(), "no property {schema}.{property}");
            retarget(slot, &from, &to);
        }
    }
}

/// Points every `$ref` to `from` inside `value` to `to`.
fn retarget(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "$ref" && inner == from {
                    *inner = json!(to);
                } else {
                    retarget(inner, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| retarget(item, from, to)),
        _ => {}
    }
}

/// Writes every constraint into `doc` (the rendered document). Panics when a target is
/// missing: a renamed schema, property or parameter must move its constraint too.
pub fn apply(doc: &mut Value) {
    split_request_copies(doc);
    for constraint in all() {
        let mut keywords = constraint.keywords.clone();
        let keywords = keywords.as_object_mut().expect("keywords are an object");
        let is_required = keywords.remove("required") == Some(Value::Bool(true));
        let schema = schema_mut(doc, constraint.target)
            .unwrap_or_else(|| panic!("no schema for {:?}", constraint.target));
        // A bare reference takes no keywords beside it in every tool: wrap it.
        if schema.get("$ref").is_some() {
            *schema = json!({ "allOf": [schema.take()] });
        }
        if keywords.contains_key("type") {
            // Required and never `null`: the non-null alternative stands alone.
            if let Some(Value::Array(alternatives)) = schema.get_mut("oneOf").map(Value::take) {
                let kept: Vec<Value> = alternatives
                    .into_iter()
                    .filter(|alternative| alternative["type"] != "null")
                    .collect();
                *schema = json!({ "allOf": kept });
            }
        }
        for (key, value) in keywords.iter() {
            schema[key] = value.clone();
        }
        if is_required && let Target::Property { schema, property } = constraint.target {
            let required = &mut doc["components"]["schemas"][schema]["required"];
            if !required.is_array() {
                *required = json!([]);
            }
            let list = required.as_array_mut().expect("an array");
            if !list.iter().any(|name| name == property) {
                list.push(json!(property));
            }
        }
    }
}

fn schema_mut(doc: &mut Value, target: Target) -> Option<&mut Value> {
    match target {
        Target::Property { schema, property } => doc
            .pointer_mut(&format!("/components/schemas/{schema}/properties"))?
            .get_mut(property),
        Target::Parameter { path, method, name } => doc["paths"]
            .get_mut(path)?
            .get_mut(method)?
            .get_mut("parameters")?
            .as_array_mut()?
            .iter_mut()
            .find(|parameter| parameter["name"] == name)?
            .get_mut("schema"),
    }
}
