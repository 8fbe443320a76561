//! OpenAPI links for the stateful flows: what a client does next with what an answer gave it.
//! A cart's id leads to its items, the cart to an order, the order to its payment's return and
//! its invoices; a sign-in to the refresh its cookie pays for. Schemathesis's stateful phase
//! follows them, and a reader sees the journey in the document.

use serde_json::{Value, json};

/// One link: from an operation's answer (`method`, `path`, `status`) to another operation.
struct Link {
    from: (&'static str, &'static str, &'static str),
    name: &'static str,
    to: (&'static str, &'static str),
    parameters: fn() -> Value,
    request_body: Option<fn() -> Value>,
    description: &'static str,
}

const LINKS: &[Link] = &[
    Link {
        from: ("post", "/carts", "201"),
        name: "AddItem",
        to: ("post", "/carts/{cart_id}/items"),
        parameters: || json!({ "cart_id": "$response.body#/cartId" }),
        request_body: None,
        description: "Add a product to the new cart",
    },
    Link {
        from: ("post", "/carts", "201"),
        name: "ShowCart",
        to: ("get", "/carts/{cart_id}"),
        parameters: || json!({ "cart_id": "$response.body#/cartId" }),
        request_body: None,
        description: "The cart, priced now",
    },
    Link {
        from: ("post", "/carts/{cart_id}/items", "201"),
        name: "SetQuantity",
        to: ("put", "/carts/{cart_id}/items/{product_id}"),
        parameters: || {
            json!({
                "cart_id": "$request.path.cart_id",
                "product_id": "$request.body#/productId",
            })
        },
        request_body: None,
        description: "Change how many units of the product just added",
    },
    Link {
        from: ("post", "/carts/{cart_id}/items", "201"),
        name: "PlaceOrder",
        to: ("post", "/orders"),
        parameters: || json!({}),
        request_body: Some(|| json!({ "cartId": "$request.path.cart_id" })),
        description: "Check the cart out (the delivery address is the client's)",
    },
    Link {
        from: ("post", "/orders", "201"),
        name: "ShowOrder",
        to: ("get", "/orders/{id}"),
        parameters: || json!({ "id": "$response.body#/id" }),
        request_body: None,
        description: "The order placed",
    },
    Link {
        from: ("post", "/orders", "201"),
        name: "RazorpayReturn",
        to: ("post", "/orders/{id}/razorpay-return"),
        parameters: || json!({ "id": "$response.body#/id" }),
        request_body: None,
        description: "What Razorpay Checkout hands back once the shopper paid",
    },
    Link {
        from: ("post", "/orders", "201"),
        name: "Invoices",
        to: ("get", "/orders/{id}/invoices"),
        parameters: || json!({ "id": "$response.body#/id" }),
        request_body: None,
        description: "The order's tax invoices, once it is paid",
    },
    Link {
        from: ("post", "/auth/login", "200"),
        name: "Refresh",
        to: ("post", "/auth/refresh"),
        parameters: || json!({}),
        request_body: None,
        description: "A new access token, paid for with the refresh cookie this sign-in set",
    },
];

/// `#/paths/<path>/<method>`, with the path's `/` escaped as JSON Pointer wants.
fn operation_ref((method, path): (&str, &str)) -> String {
    format!(
        "#/paths/{}/{method}",
        path.replace('~', "~0").replace('/', "~1")
    )
}

/// Adds every link to the rendered document `doc`. (As JSON: utoipa's `Link` model names its
/// members `operation_ref` and `request_body`, where OpenAPI says `operationRef` and
/// `requestBody`.) Panics when an end is missing, so a renamed route moves its links.
pub fn apply(doc: &mut Value) {
    for link in LINKS {
        let target = operation_ref(link.to);
        assert!(
            doc.pointer(target.trim_start_matches('#')).is_some(),
            "a link leads to {target}, which the document lacks"
        );
        let (method, path, status) = link.from;
        let mut value = json!({
            "operationRef": target,
            "description": link.description,
            "parameters": (link.parameters)(),
        });
        if let Some(body) = link.request_body {
            value["requestBody"] = body();
        }
        let response = doc
            .pointer_mut(&format!(
                "/paths/{}/{method}/responses/{status}",
                path.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("{method} {path} documents no {status} for a link"));
        response.entry("links").or_insert_with(|| json!({}))[link.name] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journey_is_linked_from_cart_to_invoice_and_sign_in_to_refresh() {
        let json: Value = serde_json::from_str(crate::routes::openapi::rendered()).unwrap();
        let links = |path: &str, method: &str, status: &str| {
            json["paths"][path][method]["responses"][status]["links"].clone()
        };
        assert_eq!(
            links("/carts", "post", "201")["AddItem"]["operationRef"],
            "#/paths/~1carts~1{cart_id}~1items/post"
        );
        assert_eq!(
            links("/carts/{cart_id}/items", "post", "201")["PlaceOrder"]["requestBody"],
            json!({ "cartId": "$request.path.cart_id" })
        );
        assert_eq!(
            links("/orders", "post", "201")["Invoices"]["parameters"]["id"],
            "$response.body#/id"
        );
        assert!(links("/auth/login", "post", "200")["Refresh"].is_object());
        // Every link leads somewhere the document describes.
        for (_, item) in json["paths"].as_object().unwrap() {
            for (_, operation) in item.as_object().unwrap() {
                for (_, response) in operation["responses"].as_object().into_iter().flatten() {
                    for (_, link) in response["links"].as_object().into_iter().flatten() {
                        let target = link["operationRef"].as_str().unwrap();
                        assert!(
                            json.pointer(target.trim_start_matches('#')).is_some(),
                            "{target}"
                        );
                    }
                }
            }
        }
    }
}
