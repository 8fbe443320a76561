//! The error responses operations share, as `components/responses`, and the rules that add
//! them to every operation from what the route table and the annotation already say: a JSON
//! body can be malformed, too large or of another media type; a query string can fail to
//! parse; a path names something that may not exist; a token policy answers 401 without a
//! token, a permission policy 403; every `/api` route can be rate limited or time out.
//!
//! Each family's `code` values come from [`ApiError`] itself, so the document lists the codes
//! the server really sends. An annotation that documents a status itself keeps its own answer
//! (it knows its operation's codes better); the shared codes are added to its description.

use crate::error::ApiError;
use crate::routes::PROBLEM;
use crate::routes::policy::Policy;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Components, RefOr, Response};

/// One shared error response: a status, the errors answered with it, and what else it says.
pub struct Family {
    /// Its name under `components/responses`.
    pub name: &'static str,
    pub description: &'static str,
    /// The errors this family stands for; their codes are the body's `code` values.
    pub errors: fn() -> Vec<ApiError>,
    /// Headers the answer carries: (name, description).
    pub headers: &'static [(&'static str, &'static str)],
}

impl Family {
    pub fn status(&self) -> u16 {
        (self.errors)()
            .first()
            .map_or(500, |error| error.status().as_u16())
    }

    pub fn codes(&self) -> Vec<&'static str> {
        (self.errors)().iter().map(ApiError::code).collect()
    }
}

const WWW_AUTHENTICATE: (&str, &str) = ("WWW-Authenticate", "`Bearer`: the scheme to sign in with");
const RETRY_AFTER: (&str, &str) = (
    "Retry-After",
    "The seconds to wait before trying again (RFC 9110 delay-seconds)",
);

pub const MALFORMED_JSON: Family = Family {
    name: "MalformedJson",
    description: "`malformed_json`: the body is not JSON, or not the JSON this operation takes (a member missing, unknown or of another type)",
    errors: || vec![ApiError::MalformedJson(String::new())],
    headers: &[],
};
pub const INVALID_QUERY: Family = Family {
    name: "InvalidQuery",
    description: "`invalid_query`: the query string does not fit the operation's parameters; the detail names the parameter",
    errors: || vec![ApiError::InvalidQuery(String::new())],
    headers: &[],
};
pub const UNAUTHENTICATED: Family = Family {
    name: "Unauthenticated",
    description: "`unauthenticated`: no access token, or one that is invalid or expired",
    errors: || vec![ApiError::Unauthenticated],
    headers: &[WWW_AUTHENTICATE],
};
pub const FORBIDDEN: Family = Family {
    name: "Forbidden",
    description: "`forbidden`: the session lacks the permission (`x-permissions`); `mfa_required`: an administrator's session that has not passed a second factor",
    errors: || vec![ApiError::Forbidden, ApiError::MfaRequired],
    headers: &[],
};
pub const FORBIDDEN_FRESH_MFA: Family = Family {
    name: "ForbiddenFreshMfa",
    description: "`forbidden`, `mfa_required` as for every permission; `fresh_mfa_required`: the second factor was passed longer ago than `x-fresh-mfa-seconds`",
    errors: || {
        vec![
            ApiError::Forbidden,
            ApiError::MfaRequired,
            ApiError::FreshMfaRequired,
        ]
    },
    headers: &[],
};
pub const NOT_FOUND: Family = Family {
    name: "NotFound",
    description: "`not_found`: nothing with this id (or nothing the caller may see)",
    errors: || vec![ApiError::NotFound],
    headers: &[],
};
pub const METHOD_NOT_ALLOWED: Family = Family {
    name: "MethodNotAllowed",
    description: "`method_not_allowed`: the path exists, not for this method; `Allow` lists those it takes",
    errors: || vec![ApiError::MethodNotAllowed],
    headers: &[("Allow", "The methods the path takes")],
};
pub const CONFLICT: Family = Family {
    name: "Conflict",
    description: "The state of the resource does not allow this; the operation's description names its codes",
    errors: || vec![ApiError::EmailTaken],
    headers: &[],
};
pub const PAYLOAD_TOO_LARGE: Family = Family {
    name: "PayloadTooLarge",
    description: "`payload_too_large`: the body is longer than the API takes",
    errors: || vec![ApiError::PayloadTooLarge],
    headers: &[],
};
pub const UNSUPPORTED_MEDIA_TYPE: Family = Family {
    name: "UnsupportedMediaType",
    description: "`unsupported_media_type`: the body was not sent as `Content-Type: application/json`",
    errors: || vec![ApiError::UnsupportedMediaType],
    headers: &[],
};
pub const VALIDATION_FAILED: Family = Family {
    name: "ValidationFailed",
    description: "`validation_failed`: well-formed input that breaks a rule; `errors` names each field",
    errors: || vec![ApiError::Validation(Vec::new())],
    headers: &[],
};
pub const RATE_LIMITED: Family = Family {
    name: "RateLimited",
    description: "`rate_limited`: too many requests from this client (or for this account) in the current window",
    errors: || {
        vec![ApiError::RateLimited {
            retry_after_secs: 0,
        }]
    },
    headers: &[RETRY_AFTER],
};
pub const UNAVAILABLE: Family = Family {
    name: "Unavailable",
    description: "`timeout`: the request took longer than the server allows; `database_unavailable`: the database did not answer. Worth a retry",
    errors: || {
        vec![
            ApiError::Timeout,
            ApiError::DatabaseUnavailable(anyhow::anyhow!("")),
        ]
    },
    headers: &[],
};

/// Every shared response, as `components/responses` holds them.
pub const FAMILIES: &[Family] = &[
    MALFORMED_JSON,
    INVALID_QUERY,
    UNAUTHENTICATED,
    FORBIDDEN,
    FORBIDDEN_FRESH_MFA,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    CONFLICT,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION_FAILED,
    RATE_LIMITED,
    UNAVAILABLE,
];

/// Adds every family to `components/responses`.
pub fn add_components(components: &mut Components) {
    for family in FAMILIES {
        let codes = match family.name {
            // A 409's codes are the operation's own: the shared one says only "a Problem".
            "Conflict" => None,
            _ => Some(family.codes()),
        };
        components.responses.insert(
            family.name.to_owned(),
            RefOr::T(response(
                family.status(),
                family.description,
                codes.as_deref(),
                family.headers,
            )),
        );
    }
}

/// Adds to `operation` (served under `policy`) every shared response it can answer and does
/// not document itself.
pub fn apply(operation: &mut Operation, policy: Policy) {
    let mut families = Vec::new();
    let has_json_body = operation.request_body.as_ref().is_some_and(|body| {
        body.content
            .keys()
            .any(|media| media == "application/json" || media.ends_with("+json"))
    });
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| {
        parameters
            .iter()
            .any(|parameter| parameter.parameter_in == place)
    };
    if has_json_body {
        families.extend([
            &MALFORMED_JSON,
            &PAYLOAD_TOO_LARGE,
            &UNSUPPORTED_MEDIA_TYPE,
            &VALIDATION_FAILED,
        ]);
    }
    if has(ParameterIn::Query) {
        families.push(&INVALID_QUERY);
    }
    if has(ParameterIn::Path) {
        families.push(&NOT_FOUND);
    }
    if policy.needs_token() || policy == Policy::GuestOrSignedIn {
        families.push(&UNAUTHENTICATED);
    }
    match policy {
        Policy::AnyOf(_) => families.push(&FORBIDDEN),
        Policy::FreshMfa(_) => families.push(&FORBIDDEN_FRESH_MFA),
        Policy::Public | Policy::GuestOrSignedIn | Policy::RefreshCookie | Policy::SignedIn => {}
    }
    families.extend([&RATE_LIMITED, &UNAVAILABLE]);

    // Families sharing a status (a body and a query string: both 400) become one answer.
    let mut by_status: BTreeMap<u16, Vec<&Family>> = BTreeMap::new();
    for family in families {
        by_status.entry(family.status()).or_default().push(family);
    }
    let responses = &mut operation.responses.responses;
    for (status, families) in by_status {
        let key = status.to_string();
        match responses.get_mut(&key) {
            // Documented by the annotation: its answer stands, the shared codes are named.
            Some(RefOr::T(own)) => {
                for family in &families {
                    let codes = family.codes();
                    if codes.iter().any(|code| !own.description.contains(code)) {
                        own.description = format!("{}; {}", own.description, family.description);
                    }
                }
            }
            Some(RefOr::Ref(_)) => {}
            None => {
                let answer = match families.as_slice() {
                    [one] => RefOr::Ref(utoipa::openapi::Ref::new(format!(
                        "#/components/responses/{}",
                        one.name
                    ))),
                    many => {
                        let codes: BTreeSet<_> = many.iter().flat_map(|f| f.codes()).collect();
                        let codes: Vec<_> = codes.into_iter().collect();
                        let description = many
                            .iter()
                            .map(|f| f.description)
                            .collect::<Vec<_>>()
                            .join("; ");
                        let headers: Vec<_> = many
                            .iter()
                            .flat_map(|f| f.headers.iter().copied())
                            .collect();
                        RefOr::T(response(status, &description, Some(&codes), &headers))
                    }
                };
                responses.insert(key, answer);
            }
        }
    }
}

/// A problem+json response with `status`, whose `code` is one of `codes` (any, when `None`).
/// A 422 `validation_failed` names at least one field in `errors`.
fn response(
    status: u16,
    description: &str,
    codes: Option<&[&str]>,
    headers: &[(&str, &str)],
) -> Response {
    // The constraints sit in an `allOf` beside the `Problem` reference, where utoipa's model
    // keeps them.
    let mut properties = serde_json::Map::new();
    properties.insert(
        "status".into(),
        json!({ "type": "integer", "enum": [status] }),
    );
    if let Some(codes) = codes {
        properties.insert("code".into(), json!({ "type": "string", "enum": codes }));
    }
    let mut narrowed = json!({ "type": "object", "properties": properties });
    if codes == Some(&["validation_failed"][..]) {
        narrowed["required"] = json!(["errors"]);
        narrowed["properties"]["errors"] = json!({
            "type": "array",
            "items": { "$ref": "#/components/schemas/FieldError" },
            "minItems": 1,
        });
    }
    let schema = json!({
        "allOf": [{ "$ref": "#/components/schemas/Problem" }, narrowed],
    });
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(name, description)| {
            (
                (*name).to_owned(),
                json!({ "description": description, "schema": { "type": "string" } }),
            )
        })
        .collect();
    serde_json::from_value(json!({
        "description": description,
        "headers": headers,
        "content": { PROBLEM: { "schema": schema } },
    }))
    .expect("a problem response is a valid OpenAPI response")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::openapi::document;

    /// Every operation of the document, with the policy the route table gives it.
    fn operations() -> Vec<(String, Policy, Value)> {
        let json = serde_json::to_value(document()).unwrap();
        crate::routes::routes()
            .specs()
            .into_iter()
            .map(|spec| {
                let method = spec.method.as_str().to_ascii_lowercase();
                let operation = json["paths"][spec.path][&method].clone();
                (
                    format!("{} {}", spec.method, spec.path),
                    spec.policy,
                    operation,
                )
            })
            .collect()
    }

    fn documents(operation: &Value, status: &str) -> bool {
        operation["responses"][status].is_object()
    }

    #[test]
    fn each_family_stands_for_one_status() {
        for family in FAMILIES {
            let statuses: BTreeSet<u16> = (family.errors)()
                .iter()
                .map(|error| error.status().as_u16())
                .collect();
            assert_eq!(statuses.len(), 1, "{}: {statuses:?}", family.name);
        }
    }

    #[test]
    fn every_operation_documents_the_answers_its_policy_and_inputs_can_give() {
        let mut missing = Vec::new();
        for (name, policy, operation) in operations() {
            let mut want = vec!["429", "503"];
            if policy.needs_token() || policy == Policy::GuestOrSignedIn {
                want.push("401");
            }
            if policy.permissions().is_some() {
                want.push("403");
            }
            if operation["requestBody"]["content"]["application/json"].is_object() {
                want.extend(["400", "413", "415", "422"]);
            }
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if parameters.iter().any(|p| p["in"] == "query") {
                want.push("400");
            }
            if parameters.iter().any(|p| p["in"] == "path") {
                want.push("404");
            }
            for status in want {
                if !documents(&operation, status) {
                    missing.push(format!("{name}: {status}"));
                }
            }
        }
        assert!(missing.is_empty(), "undocumented answers: {missing:?}");
    }

    #[test]
    fn the_shared_answers_name_their_codes_and_headers() {
        let json = serde_json::to_value(document()).unwrap();
        let shared = &json["components"]["responses"];
        // The narrowing half of each `allOf` (the other is the `Problem` reference).
        let schema = |name: &str| shared[name]["content"][PROBLEM]["schema"]["allOf"][1].clone();
        assert_eq!(
            schema("Unauthenticated")["properties"]["code"]["enum"],
            json!(["unauthenticated"])
        );
        assert_eq!(
            schema("ForbiddenFreshMfa")["properties"]["code"]["enum"],
            json!(["forbidden", "mfa_required", "fresh_mfa_required"])
        );
        assert_eq!(schema("ValidationFailed")["required"], json!(["errors"]));
        assert!(shared["RateLimited"]["headers"]["Retry-After"].is_object());
        assert!(shared["Unauthenticated"]["headers"]["WWW-Authenticate"].is_object());
        assert_eq!(
            schema("RateLimited")["properties"]["status"]["enum"],
            json!([429])
        );
        // A bearer operation whose annotation says nothing of 401 refers to the shared one.
        assert_eq!(
            json["paths"]["/invoices/{id}"]["get"]["responses"]["401"]["$ref"],
            "#/components/responses/Unauthenticated"
        );
    }
}
