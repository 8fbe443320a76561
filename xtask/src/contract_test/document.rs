//! The target API's OpenAPI document: its operations (`GET /products/{id}`, relative to
//! `/api/v1`), the statuses each declares, and the schema of its JSON request body.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::collections::BTreeSet;

/// Where an API serves its document, under the URL the kit is given.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";
/// What every operation's path in the document is relative to.
pub const API_BASE: &str = "/api/v1";

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub struct Document {
    pub json: Value,
}

impl Document {
    pub fn parse(json: Value) -> Result<Document> {
        if !json["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
        {
            bail!("not an OpenAPI 3 document (no `openapi: 3.x`)");
        }
        if !json["paths"].is_object() {
            bail!("the OpenAPI document has no `paths`");
        }
        Ok(Document { json })
    }

    /// Fetches `base`'s document.
    pub fn fetch(client: &super::http::Client) -> Result<Document> {
        let answer = client.send("GET", DOCUMENT_PATH, Default::default())?;
        if answer.status != 200 {
            bail!(
                "{}{DOCUMENT_PATH} answered {}: is this a Bazaar API?",
                client.base,
                answer.status
            );
        }
        let json = serde_json::from_slice(&answer.body)
            .with_context(|| format!("{}{DOCUMENT_PATH} is not JSON", client.base))?;
        Document::parse(json)
    }

    /// Every operation, as `METHOD /path`.
    pub fn operations(&self) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for (path, item) in self.json["paths"].as_object().into_iter().flatten() {
            for method in METHODS {
                if item.get(method).is_some() {
                    found.insert(format!("{} {path}", method.to_uppercase()));
                }
            }
        }
        found
    }

    fn operation(&self, op: &str) -> Option<&Value> {
        let (method, path) = op.split_once(' ')?;
        self.json["paths"].get(path)?.get(method.to_lowercase())
    }

    pub fn has(&self, op: &str) -> bool {
        self.operation(op).is_some()
    }

    /// Whether the document says `op` may answer `status` (exactly, by its class `4XX`, or
    /// by `default`).
    pub fn declares_status(&self, op: &str, status: u16) -> bool {
        let Some(responses) = self.operation(op).and_then(|o| o["responses"].as_object()) else {
            return false;
        };
        let class = format!("{}XX", status / 100);
        responses.contains_key(&status.to_string())
            || responses.keys().any(|k| k.eq_ignore_ascii_case(&class))
            || responses.contains_key("default")
    }

    /// The JSON Schema of `op`'s `application/json` request body, with the document's
    /// components beside it so that its `$ref`s resolve; `None` when it takes no JSON body.
    pub fn request_schema(&self, op: &str) -> Option<Value> {
        let schema = self
            .operation(op)?
            .pointer("/requestBody/content/application~1json/schema")?;
        let mut schema = match schema {
            Value::Object(members) => members.clone(),
            _ => return None,
        };
        schema.insert("components".into(), self.json["components"].clone());
        Some(Value::Object(schema))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small document: two operations, one with a body whose schema is a component.
    pub fn sample() -> Document {
        Document::parse(serde_json::json!({
            "openapi": "3.1.0",
            "paths": {
                "/products": {"get": {"responses": {"200": {}, "4XX": {}}}},
                "/carts/{cart_id}/items": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AddToCart"}}}},
                    "responses": {"201": {}, "404": {}}
                }}
            },
            "components": {"schemas": {"AddToCart": {
                "type": "object",
                "required": ["productId", "quantity"],
                "properties": {
                    "productId": {"type": "string"},
                    "quantity": {"type": "integer", "minimum": 1, "maximum": 99},
                    "sellerId": {"type": ["string", "null"]}
                },
                "additionalProperties": false
            }}}
        }))
        .unwrap()
    }

    #[test]
    fn operations_and_statuses_are_read_from_the_document() {
        let doc = sample();
        let ops: Vec<String> = doc.operations().into_iter().collect();
        assert_eq!(ops, ["GET /products", "POST /carts/{cart_id}/items"]);
        assert!(doc.declares_status("GET /products", 200));
        assert!(doc.declares_status("GET /products", 422));
        assert!(!doc.declares_status("GET /products", 500));
        assert!(!doc.declares_status("POST /carts/{cart_id}/items", 200));
        assert!(doc.request_schema("GET /products").is_none());
        assert!(doc.request_schema("POST /carts/{cart_id}/items").is_some());
    }

    #[test]
    fn a_document_that_is_not_openapi_is_refused() {
        assert!(Document::parse(serde_json::json!({"paths": {}})).is_err());
        assert!(Document::parse(serde_json::json!({"openapi": "3.1.0"})).is_err());
    }
}
