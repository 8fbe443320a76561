//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of this API, generated from the
//! handlers' `#[utoipa::path]` annotations, the `contracts` wire types, and the route table's
//! policies (which become each operation's security requirement).
//!
//! The annotations repeat each route's method and path; the test
//! `the_document_and_the_router_describe_the_same_operations` fails when they and the route
//! table disagree, so the document cannot drift from what the server serves.

mod constraints;
mod links;
mod responses;

use crate::routes::PROBLEM;
use crate::routes::policy::{ApiRoutes, Policy, RouteSpec};
use crate::routes::versioning::Deprecation;
use crate::routes::{
    audit, auth, carts, credit_notes, figures, fulfilment, gst, health, images, impersonation,
    invoices, mail, mfa, orders, password, products, reconciliation, seller_dashboard, session,
    shops, users, webhooks,
};
use axum::http::{Method, header};
use axum::response::IntoResponse;
use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{Deprecated, Ref, RefOr};

/// The security scheme of routes that need an access token.
const BEARER: &str = "bearerAuth";
/// The security scheme of the cookie-authenticated routes (refresh token + CSRF header).
const REFRESH_COOKIE: &str = "refreshCookie";

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Method::GET, "/openapi.json", Policy::Public, get_openapi)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Bazaar API", description = "The storefront's REST API. Errors are RFC 9457 problem+json bodies with a stable `code`; amounts are integer paise."),
    servers((url = "/api/v1")),
    paths(
        health::get_health,
        health::get_ready,
        get_openapi,
        auth::register,
        auth::login,
        auth::me,
        session::refresh,
        session::logout,
        session::logout_all,
        mfa::enroll,
        mfa::activate,
        mfa::verify,
        password::forgot,
        password::reset,
        users::list_users,
        users::view_user,
        users::disable_user,
        users::enable_user,
        users::unlock_user,
        users::change_role,
        reconciliation::list,
        mail::list_dead,
        figures::get,
        impersonation::start_impersonation,
        impersonation::end_impersonation,
        impersonation::access_history,
        shops::apply,
        shops::mine,
        shops::list,
        shops::decide,
        seller_dashboard::dashboard,
        seller_dashboard::gst_summary,
        seller_dashboard::gst_summary_csv,
        seller_dashboard::shop,
        seller_dashboard::change_shop,
        products::search,
        products::product,
        products::own_products,
        products::own_product,
        products::add_product,
        products::change_product,
        products::adjust_stock,
        products::own_inventory,
        products::inventory,
        images::add_image,
        images::reorder_images,
        images::remove_image,
        images::image,
        gst::rates,
        carts::create,
        carts::show,
        carts::add,
        carts::set,
        carts::remove,
        carts::mine,
        carts::merge,
        orders::place,
        orders::list,
        orders::show,
        orders::refund,
        orders::razorpay_return,
        fulfilment::pack,
        fulfilment::ship,
        fulfilment::deliver,
        fulfilment::cancel,
        invoices::of_order,
        invoices::show,
        invoices::pdf,
        credit_notes::of_order,
        credit_notes::show,
        credit_notes::pdf,
        webhooks::payment,
        webhooks::razorpay_webhook,
        audit::list,
        audit::export,
        audit::status,
    ),
    // Referenced from query parameters (the catalog's, a seller's product list), so they must be
    // components for those references to resolve.
    components(schemas(
        contracts::catalog::ProductSort,
        contracts::product_manager::StatusFilter,
        contracts::product_manager::StockFilter,
    )),
    tags(
        (name = "operations", description = "Probes and this description"),
        (name = "identity", description = "Accounts, sessions, second factor, password reset"),
        (name = "back office", description = "Administrators' operations"),
        (name = "shops", description = "Applying to sell, and the shop profile"),
        (name = "catalog", description = "Products on sale: search, filters, one product"),
        (name = "seller", description = "A seller's own products, and fulfilling its orders"),
        (name = "cart", description = "Guests' and customers' carts, priced with their GST"),
        (name = "orders", description = "Checkout, order history, refunds"),
        (name = "invoices", description = "GST tax invoices and credit notes, JSON and PDF"),
        (name = "payments", description = "The payment gateways' webhooks (the mock gateway's, Razorpay's): every event recorded"),
        (name = "audit", description = "The audit log: rows, CSV export, chain status"),
    )
)]
struct ApiDoc;

/// The document: the annotations' paths and schemas, plus per operation the security its
/// policy demands, for permission policies an `x-permissions` list, the shared error
/// responses it can answer (`responses`). The constraints the server validates (`constraints`) and the links of the stateful flows
/// (`links`) are added as it is rendered.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    components.add_security_scheme(
        REFRESH_COOKIE,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            contracts::auth::REFRESH_COOKIE,
            "The refresh token (httpOnly); send the CSRF cookie's value in the x-csrf-token header too.",
        ))),
    );
    responses::add_components(components);
    for spec in super::routes().specs() {
        if let Some(operation) = operation_mut(&mut doc, &spec) {
            apply_policy(operation, spec.policy);
            responses::apply(operation, spec.policy);
            if let Some(deprecation) = &spec.deprecation {
                apply_deprecation(operation, deprecation);
            }
        }
    }
    // `POST /auth/logout` answers 204 without a refresh cookie too (nothing to sign out), so
    // the cookie is optional there: the empty requirement says "or none".
    if let Some(logout) = doc
        .paths
        .paths
        .get_mut("/auth/logout")
        .and_then(|item| item.post.as_mut())
    {
        logout.security = Some(vec![
            SecurityRequirement::new(REFRESH_COOKIE, Vec::<String>::new()),
            SecurityRequirement::default(),
        ]);
    }
    doc
}

fn apply_policy(operation: &mut Operation, policy: Policy) {
    let scheme = match policy {
        Policy::Public => return,
        // A token is optional: the empty requirement says "or none".
        Policy::GuestOrSignedIn => {
            operation.security = Some(vec![
                SecurityRequirement::new(BEARER, Vec::<String>::new()),
                SecurityRequirement::default(),
            ]);
            return;
        }
        Policy::RefreshCookie => REFRESH_COOKIE,
        Policy::SignedIn | Policy::AnyOf(_) | Policy::FreshMfa(_) => BEARER,
    };
    operation.security = Some(vec![SecurityRequirement::new(scheme, Vec::<String>::new())]);
    if let Some(permissions) = policy.permissions() {
        let mut extensions =
            ExtensionsBuilder::new().add("x-permissions", serde_json::json!(permissions));
        if matches!(policy, Policy::FreshMfa(_)) {
            // A second factor passed at most this long ago (the token's `mfa_at`).
            extensions = extensions.add(
                "x-fresh-mfa-seconds",
                serde_json::json!(super::policy::FRESH_MFA_SECS),
            );
        }
        operation.extensions = Some(extensions.build());
    }
}

/// Flags a deprecated operation: `deprecated`, its dates in the description and as
/// `x-deprecated-since` / `x-sunset`, and the 410 it answers after the sunset.
fn apply_deprecation(operation: &mut Operation, deprecation: &Deprecation) {
    operation.deprecated = Some(Deprecated::True);
    let note = deprecation.describe();
    operation.description = Some(match operation.description.take() {
        Some(text) => format!("{text}\n\n{note}"),
        None => note,
    });
    let mut extensions = operation.extensions.take().unwrap_or_default();
    let mut dates =
        ExtensionsBuilder::new().add("x-deprecated-since", deprecation.since.to_string());
    if let Some(sunset) = deprecation.sunset {
        dates = dates.add("x-sunset", sunset.on.to_string());
        operation.responses.responses.insert(
            "410".to_owned(),
            RefOr::T(
                ResponseBuilder::new()
                    .description("`sunset`: the operation was retired on its sunset date")
                    .content(
                        PROBLEM,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            ),
        );
    }
    extensions.merge(dates.build());
    operation.extensions = Some(extensions);
}

/// The operation the document has for `spec`, if any.
fn operation_mut<'a>(
    doc: &'a mut utoipa::openapi::OpenApi,
    spec: &RouteSpec,
) -> Option<&'a mut Operation> {
    let item = doc.paths.paths.get_mut(spec.path)?;
    match http_method(&spec.method)? {
        HttpMethod::Get => item.get.as_mut(),
        HttpMethod::Post => item.post.as_mut(),
        HttpMethod::Put => item.put.as_mut(),
        HttpMethod::Patch => item.patch.as_mut(),
        HttpMethod::Delete => item.delete.as_mut(),
        HttpMethod::Head => item.head.as_mut(),
        HttpMethod::Options => item.options.as_mut(),
        HttpMethod::Trace => item.trace.as_mut(),
    }
}

fn http_method(method: &Method) -> Option<HttpMethod> {
    Some(match *method {
        Method::GET => HttpMethod::Get,
        Method::POST => HttpMethod::Post,
        Method::PUT => HttpMethod::Put,
        Method::PATCH => HttpMethod::Patch,
        Method::DELETE => HttpMethod::Delete,
        Method::HEAD => HttpMethod::Head,
        Method::OPTIONS => HttpMethod::Options,
        Method::TRACE => HttpMethod::Trace,
        _ => return None,
    })
}

/// The document, rendered once: it depends only on the code.
fn rendered() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut json = serde_json::to_value(document()).expect("the OpenAPI document serialises");
        constraints::apply(&mut json);
        links::apply(&mut json);
        serde_json::to_string_pretty(&json).expect("the OpenAPI document serialises")
    })
}

/// This API's OpenAPI 3.1 description.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn get_openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], rendered())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every (method, path) the document describes.
    fn documented() -> BTreeSet<(String, String)> {
        let doc = document();
        let mut found = BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for (method, operation) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if operation.is_some() {
                    found.insert((method.to_owned(), path.clone()));
                }
            }
        }
        found
    }

    #[test]
    fn a_deprecated_operation_is_flagged_with_its_dates_and_its_410() {
        use crate::routes::versioning::Sunset;
        let mut doc = document();
        let health = doc
            .paths
            .paths
            .get_mut("/health")
            .unwrap()
            .get
            .as_mut()
            .unwrap();
        assert!(health.deprecated.is_none());
        apply_deprecation(
            health,
            &Deprecation {
                since: "2027-01-15".parse().unwrap(),
                sunset: Some(Sunset {
                    on: "2029-01-15".parse().unwrap(),
                    announced: "2027-01-15".parse().unwrap(),
                }),
                successor: None,
            },
        );
        let json = serde_json::to_value(&doc).unwrap();
        let operation = &json["paths"]["/health"]["get"];
        assert_eq!(operation["deprecated"], true);
        assert_eq!(operation["x-deprecated-since"], "2027-01-15");
        assert_eq!(operation["x-sunset"], "2029-01-15");
        assert!(
            operation["description"]
                .as_str()
                .unwrap()
                .ends_with("answers 410 `sunset` from 2029-01-15 (announced 2027-01-15).")
        );
        assert_eq!(
            operation["responses"]["410"]["content"][PROBLEM]["schema"]["$ref"],
            "#/components/schemas/Problem"
        );
    }

    #[test]
    fn every_deprecated_route_keeps_the_versioning_policy() {
        // The router panics on a breach too; this names every one at once.
        let breaches: Vec<String> = crate::routes::routes()
            .specs()
            .into_iter()
            .filter_map(|spec| {
                let breach = spec.deprecation?.check().err()?;
                Some(format!("{} {}: {breach}", spec.method, spec.path))
            })
            .collect();
        assert!(breaches.is_empty(), "{breaches:?}");
    }

    #[test]
    fn the_document_and_the_router_describe_the_same_operations() {
        let served: BTreeSet<_> = crate::routes::routes()
            .specs()
            .into_iter()
            .map(|spec| (spec.method.to_string(), spec.path.to_owned()))
            .collect();

        let documented = documented();

        let undocumented: Vec<_> = served.difference(&documented).collect();
        let not_served: Vec<_> = documented.difference(&served).collect();
        assert!(
            undocumented.is_empty() && not_served.is_empty(),
            "served but not documented (add #[utoipa::path] and list it in ApiDoc): {undocumented:?}; \
             documented but not served: {not_served:?}"
        );
    }

    #[test]
    fn the_document_is_openapi_3_1_with_the_policies_as_security() {
        let json: serde_json::Value = serde_json::from_str(rendered()).unwrap();

        assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
        assert_eq!(json["paths"]["/health"]["get"].get("security"), None);
        assert_eq!(
            json["paths"]["/auth/me"]["get"]["security"],
            serde_json::json!([{ "bearerAuth": [] }])
        );
        assert_eq!(
            json["paths"]["/admin/users"]["get"]["x-permissions"],
            serde_json::json!(["users:manage", "users:all"])
        );
        assert!(json["components"]["schemas"]["SessionGrant"].is_object());
        // The logout answers without a cookie too: its security says the cookie is optional.
        assert_eq!(
            json["paths"]["/auth/logout"]["post"]["security"],
            serde_json::json!([{ "refreshCookie": [] }, {}])
        );
    }

    /// The security each operation states, as the route table's policy makes it.
    fn stated_security(policy: Policy) -> serde_json::Value {
        use serde_json::json;
        match policy {
            Policy::Public => serde_json::Value::Null,
            Policy::GuestOrSignedIn => json!([{ BEARER: [] }, {}]),
            Policy::RefreshCookie => json!([{ REFRESH_COOKIE: [] }]),
            Policy::SignedIn | Policy::AnyOf(_) | Policy::FreshMfa(_) => json!([{ BEARER: [] }]),
        }
    }

    /// Exact security per operation, held against the server itself: every route of the
    /// table is called without credentials and with a token that is not one. A bearer
    /// operation answers 401 to both; an operation whose token is optional answers 401 to the
    /// bad token only; a public one ignores the header (the same answer either way). And the
    /// document states for each the security its policy means.
    #[tokio::test]
    async fn every_operation_requires_exactly_the_security_the_document_states() {
        use axum::body::Body;
        use tower::ServiceExt as _;
        let json: serde_json::Value = serde_json::from_str(rendered()).unwrap();
        let state = crate::state::AppState::for_tests().await;
        let app = crate::routes::router(&state).with_state(state.clone());
        let mut wrong = Vec::new();
        for spec in crate::routes::routes().specs() {
            let name = format!("{} {}", spec.method, spec.path);
            let method = spec.method.as_str().to_ascii_lowercase();
            let mut expected = stated_security(spec.policy);
            // The logout's cookie is optional (see `document`).
            if spec.path == "/auth/logout" {
                expected = serde_json::json!([{ REFRESH_COOKIE: [] }, {}]);
            }
            let stated = json["paths"][spec.path][&method]
                .get("security")
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            if stated != expected {
                wrong.push(format!(
                    "{name}: states {stated}, its policy means {expected}"
                ));
            }
            let path = spec
                .path
                .split('/')
                .map(|part| {
                    if part.starts_with('{') {
                        "00000000-0000-4000-8000-000000000000"
                    } else {
                        part
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let call = |token: Option<&str>| {
                let mut request = axum::http::Request::builder()
                    .method(spec.method.clone())
                    .uri(&path)
                    .header(header::CONTENT_TYPE, "application/json");
                if let Some(token) = token {
                    request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
                }
                let app = app.clone();
                async move {
                    app.oneshot(request.body(Body::from("{}")).unwrap())
                        .await
                        .unwrap()
                        .status()
                        .as_u16()
                }
            };
            let without = call(None).await;
            let bad_token = call(Some("not-a-token")).await;
            let fine = match spec.policy {
                Policy::SignedIn | Policy::AnyOf(_) | Policy::FreshMfa(_) => {
                    without == 401 && bad_token == 401
                }
                Policy::GuestOrSignedIn => without != 401 && bad_token == 401,
                Policy::Public | Policy::RefreshCookie => without == bad_token,
            };
            if !fine {
                wrong.push(format!(
                    "{name} ({:?}): {without} without a token, {bad_token} with a bad one",
                    spec.policy
                ));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    /// Every `$ref` the document holds names a component it defines (was: `ProductSort`).
    #[test]
    fn every_reference_resolves() {
        let json: serde_json::Value = serde_json::from_str(rendered()).unwrap();
        let mut refs = Vec::new();
        collect_refs(&json, &mut refs);
        let unresolved: Vec<_> = refs
            .iter()
            .filter(|r| {
                let pointer = r.trim_start_matches('#');
                json.pointer(pointer).is_none()
            })
            .collect();
        assert!(!refs.is_empty());
        assert!(
            unresolved.is_empty(),
            "unresolvable references: {unresolved:?}"
        );
    }

    fn collect_refs(value: &serde_json::Value, refs: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner) {
                        ("$ref", serde_json::Value::String(r)) => refs.push(r.clone()),
                        _ => collect_refs(inner, refs),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
            _ => {}
        }
    }
}
