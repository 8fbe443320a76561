//! Widget ↔ API compatibility: every operation a widget declares (`operations` in its
//! `[package.metadata.widget]`) must be in the target API's document, and what the widget
//! sends it (a sample of the `contracts` request type, serialised as the widget serialises
//! it) must pass the document's schema for that body. `deploy --api URL` refuses a release
//! that fails; the manifest records the verdict of every live entry in `incompatible`, and
//! the shell shows a fallback for such an entry instead of loading it (docs/MFE.md).

use super::document::Document;
use crate::metadata::{Widget, Workspace};
use anyhow::{Context, Result};
use contracts::admin::RoleChange;
use contracts::auth::{
    Credentials, ForgotPassword, MfaActivate, MfaVerify, NewAccount, ResetPassword,
};
use contracts::cart::{AddToCart, MergeCart, SetQuantity};
use contracts::catalog::{NewProduct, ProductChanges};
use contracts::fulfilment::{CancelOrder, ShipOrder};
use contracts::impersonation::StartImpersonation;
use contracts::inventory::{AdjustmentReason, StockAdjustment};
use contracts::money::Paise;
use contracts::orders::{DeliveryAddress, PlaceOrder, RazorpayReturn, RefundRequest};
use contracts::product_manager::ImageOrder;
use contracts::seller_dashboard::ShopChanges;
use contracts::shops::{Address, ShopApplication, ShopDecision};
use serde_json::Value;
use std::path::Path;

/// One widget's verdict.
pub struct WidgetCheck {
    pub name: String,
    pub operations: Vec<String>,
    /// Empty when compatible.
    pub issues: Vec<String>,
}

/// What is wrong with calling `operations` on the API `doc` describes; empty when nothing.
pub fn issues(doc: &Document, operations: &[String]) -> Vec<String> {
    let mut issues = Vec::new();
    for op in operations {
        if !doc.has(op) {
            issues.push(format!("calls {op}, which the API does not have"));
            continue;
        }
        let Some(schema) = doc.request_schema(op) else {
            continue;
        };
        let Some(sample) = sample_body(op) else {
            issues.push(format!(
                "calls {op}, whose JSON body the kit has no sample of (add one to contract_test/compat.rs)"
            ));
            continue;
        };
        match jsonschema::draft202012::new(&schema) {
            Err(e) => issues.push(format!("{op}: the document's body schema is invalid: {e}")),
            Ok(validator) => {
                if let Some(error) = validator.iter_errors(&sample).next() {
                    issues.push(format!(
                        "sends {op} a body the API's schema rejects: {error} (at {})",
                        error.instance_path()
                    ));
                }
            }
        }
    }
    issues
}

/// The shell and the workspace's widgets (fixtures too), each against `doc`.
pub fn check_workspace(workspace: &Workspace, doc: &Document) -> Vec<WidgetCheck> {
    std::iter::once(check_shell(workspace, doc))
        .chain(
            workspace
                .widgets
                .iter()
                .map(|widget| check_widget(widget, doc)),
        )
        .collect()
}

/// The host shell's own calls (its session), from `[package.metadata.shell]`.
pub fn check_shell(workspace: &Workspace, doc: &Document) -> WidgetCheck {
    WidgetCheck {
        name: "shell".into(),
        operations: workspace.shell_operations.clone(),
        issues: issues(doc, &workspace.shell_operations),
    }
}

pub fn check_widget(widget: &Widget, doc: &Document) -> WidgetCheck {
    WidgetCheck {
        name: widget.name.clone(),
        operations: widget.operations.clone(),
        issues: issues(doc, &widget.operations),
    }
}

pub fn print(checks: &[WidgetCheck]) {
    println!();
    println!("{:<18} {:<10} compatible", "widget", "operations");
    for check in checks {
        let verdict = if check.issues.is_empty() {
            "yes".to_owned()
        } else {
            format!("NO: {}", check.issues.join("; "))
        };
        println!(
            "{:<18} {:<10} {verdict}",
            check.name,
            check.operations.len()
        );
    }
}

/// Fetches the document of the API at `api`.
pub fn fetch(api: &str) -> Result<Document> {
    Document::fetch(&super::http::Client::new(api))
        .with_context(|| format!("reading the OpenAPI document of {api}"))
}

/// Records in `dist`'s live manifest, for every entry, whether it is compatible with `doc`
/// (the API at `api`): `incompatible` says why not, and is cleared when it is again.
pub fn mark_manifest(dist: &Path, doc: &Document, api: &str) -> Result<()> {
    crate::deploy::update_entries(dist, |entry| {
        let found = issues(doc, &entry.operations);
        let verdict = (!found.is_empty()).then(|| format!("{} ({api})", found.join("; ")));
        if verdict != entry.incompatible {
            match &verdict {
                Some(why) => eprintln!("xtask: {} marked incompatible: {why}", entry.name),
                None => eprintln!("xtask: {} is compatible again", entry.name),
            }
        }
        entry.incompatible = verdict;
    })
}

/// A body of each operation's `contracts` request type, with values a widget could send:
/// what [`issues`] validates against the document's schema.
pub fn sample_body(op: &str) -> Option<Value> {
    let address = || Address {
        line1: "1 MG Road".into(),
        line2: None,
        city: "Bengaluru".into(),
        state_code: "29".into(),
        pincode: "560001".into(),
    };
    let password = "a password of some length";
    let value = match op {
        "POST /auth/register" => to(NewAccount {
            email: "asha@example.com".into(),
            password: password.into(),
            display_name: "Asha".into(),
        }),
        "POST /auth/login" => to(Credentials {
            email: "asha@example.com".into(),
            password: password.into(),
        }),
        "POST /auth/mfa/verify" => to(MfaVerify {
            challenge_token: "challenge".into(),
            code: "123456".into(),
        }),
        "POST /auth/mfa/activate" => to(MfaActivate {
            code: "123456".into(),
        }),
        "POST /auth/password/forgot" => to(ForgotPassword {
            email: "asha@example.com".into(),
        }),
        "POST /auth/password/reset" => to(ResetPassword {
            token: "reset-token".into(),
            password: password.into(),
        }),
        "POST /carts/{cart_id}/items" => to(AddToCart {
            product_id: "product".into(),
            quantity: 1,
            seller_id: None,
        }),
        "PUT /carts/{cart_id}/items/{product_id}" => to(SetQuantity { quantity: 2 }),
        "POST /cart/merge" => to(MergeCart {
            guest_cart_id: "cart".into(),
        }),
        "POST /orders" => to(PlaceOrder {
            cart_id: "cart".into(),
            address: DeliveryAddress {
                name: "Asha Rao".into(),
                phone: "9876543210".into(),
                line1: "1 MG Road".into(),
                line2: None,
                city: "Bengaluru".into(),
                state_code: "29".into(),
                pincode: "560001".into(),
            },
        }),
        "POST /orders/{id}/cancel" => to(CancelOrder {
            reason: "Ordered by mistake".into(),
        }),
        "POST /orders/{id}/refunds" => to(RefundRequest {
            amount: Some(Paise(100)),
            reason: "Damaged in transit".into(),
        }),
        "POST /orders/{id}/razorpay-return" => to(RazorpayReturn {
            razorpay_payment_id: "pay_1".into(),
            razorpay_order_id: "order_1".into(),
            razorpay_signature: "0".repeat(64),
        }),
        "POST /seller/orders/{id}/ship" => to(ShipOrder {
            carrier: "Delhivery".into(),
            tracking_number: "DL-12345".into(),
        }),
        "POST /seller/products" => to(NewProduct {
            name: "Cotton kurta".into(),
            description: String::new(),
            sku: "KURTA-1".into(),
            hsn: "6205".into(),
            price: Paise(129_900),
            gst_rate: contracts::gst::Rate(500),
            stock: 10,
            category: "clothing".into(),
            active: true,
        }),
        "PATCH /seller/products/{id}" => to(ProductChanges {
            price: Some(Paise(119_900)),
            version: Some(1),
            ..ProductChanges::default()
        }),
        "POST /seller/products/{id}/stock" => to(StockAdjustment {
            delta: 5,
            reason: AdjustmentReason::Restock,
        }),
        "PUT /seller/products/{id}/images" => to(ImageOrder {
            keys: vec!["image".into()],
        }),
        "PATCH /seller/shop" => to(ShopChanges {
            description: Some("Handloom from Karnataka".into()),
            ..ShopChanges::default()
        }),
        "POST /shops" => to(ShopApplication {
            legal_name: "Asha Handlooms LLP".into(),
            display_name: "Asha Handlooms".into(),
            gstin: "29AAGCB7383J1Z4".into(),
            address: address(),
        }),
        "POST /admin/shops/{id}/decision" => to(ShopDecision {
            approve: true,
            note: None,
        }),
        "PUT /admin/users/{id}/role" => to(RoleChange {
            role: Some(contracts::props::Role::Seller),
        }),
        "POST /admin/impersonate" => to(StartImpersonation {
            target_user_id: Some("user".into()),
            reason: Some("Customer asked for help with an order".into()),
            duration_minutes: Some(15),
        }),
        _ => return None,
    };
    Some(value)
}

fn to(body: impl serde::Serialize) -> Value {
    serde_json::to_value(body).expect("request types serialise")
}

#[cfg(test)]
mod tests {
    use super::super::document::tests::sample;
    use super::*;

    #[test]
    fn a_widget_calling_only_what_the_document_has_is_compatible() {
        let doc = sample();
        let ops = [
            "GET /products".to_owned(),
            "POST /carts/{cart_id}/items".to_owned(),
        ];
        assert_eq!(issues(&doc, &ops), Vec::<String>::new());
    }

    #[test]
    fn an_operation_the_api_removed_is_incompatible() {
        let doc = sample();
        let found = issues(&doc, &["GET /products/{id}".to_owned()]);
        assert_eq!(
            found,
            ["calls GET /products/{id}, which the API does not have"]
        );
    }

    #[test]
    fn a_body_the_schema_rejects_is_incompatible() {
        // The API renamed `quantity` to `units`: the widget's `AddToCart` lacks a required
        // member and sends one the schema does not allow.
        let mut doc = sample();
        let schema = doc
            .json
            .pointer_mut("/components/schemas/AddToCart")
            .unwrap();
        *schema = serde_json::json!({
            "type": "object",
            "required": ["productId", "units"],
            "properties": {"productId": {"type": "string"}, "units": {"type": "integer"}},
            "additionalProperties": false
        });
        let found = issues(&doc, &["POST /carts/{cart_id}/items".to_owned()]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .starts_with("sends POST /carts/{cart_id}/items a body the API's schema rejects"),
            "{found:?}"
        );
    }
}
