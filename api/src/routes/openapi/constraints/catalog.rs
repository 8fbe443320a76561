//! The catalog's filters, cart quantities, the product form, stock adjustments, shipments.

use super::*;
use contracts::calendar::Date;
use contracts::catalog::ProductChanges;

/// Prices are paise, never negative (`app::catalog::browse`).
pub(super) fn price_filter(name: &'static str) -> Constraint {
    Constraint {
        target: parameter("/products", "get", name),
        keywords: json!({ "minimum": 0 }),
        accepts: Box::new(|value| {
            value
                .as_i64()
                .is_some_and(crate::app::catalog::price_filter_ok)
        }),
        edges: vec![json!(-1), json!(0), json!(1)],
    }
}

/// A cart line holds 1 to [`MAX_QUANTITY`] units (`app::carts`); setting 0 removes it.
pub(super) fn quantity(schema: &'static str, zero_removes: bool) -> Constraint {
    let min = i64::from(!zero_removes);
    integer(
        property(schema, "quantity"),
        min,
        i64::from(MAX_QUANTITY),
        move |n| {
            u32::try_from(n).is_ok_and(|n| crate::app::carts::quantity_in_range(n, zero_removes))
        },
    )
}

/// The product rules (`app::catalog::rules::changes`) with one member present.
pub(super) fn product_accepts(value: &Value, set: fn(&mut ProductChanges, &Value) -> bool) -> bool {
    let mut changes = ProductChanges::default();
    if !set(&mut changes, value) {
        return false;
    }
    let today = Date::new(2026, 4, 1).expect("a date");
    product_rules::changes(changes, today).is_ok()
}

pub(super) fn text_of(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

pub(super) fn products() -> Vec<Constraint> {
    let mut all = Vec::new();
    for schema in ["NewProduct", "ProductChanges"] {
        all.extend([
            Constraint {
                target: property(schema, "name"),
                keywords: json!({ "maxLength": product_rules::MAX_NAME_CHARS, "pattern": NOT_BLANK }),
                accepts: Box::new(|value| {
                    product_accepts(value, |c, v| {
                        c.name = text_of(v);
                        c.name.is_some()
                    })
                }),
                edges: text_edges(product_rules::MAX_NAME_CHARS),
            },
            Constraint {
                target: property(schema, "description"),
                keywords: json!({ "maxLength": product_rules::MAX_DESCRIPTION_CHARS }),
                accepts: Box::new(|value| {
                    product_accepts(value, |c, v| {
                        c.description = text_of(v);
                        c.description.is_some()
                    })
                }),
                edges: vec![
                    json!(""),
                    json!("a".repeat(product_rules::MAX_DESCRIPTION_CHARS)),
                    json!("a".repeat(product_rules::MAX_DESCRIPTION_CHARS + 1)),
                ],
            },
            Constraint {
                target: property(schema, "sku"),
                keywords: json!({ "pattern": trimmed(&format!("[A-Za-z0-9_./-]{{1,{}}}", crate::domain::MAX_SKU_CHARS)) }),
                accepts: Box::new(|value| {
                    product_accepts(value, |c, v| {
                        c.sku = text_of(v);
                        c.sku.is_some()
                    })
                }),
                edges: ["SKU-1", " a_b./c ", "", "a b", "é", &"a".repeat(64), &"a".repeat(65)]
                    .iter()
                    .map(|edge| Value::from(*edge))
                    .collect(),
            },
            Constraint {
                target: property(schema, "hsn"),
                keywords: json!({ "pattern": trimmed("[0-9]{4}|[0-9]{6}|[0-9]{8}") }),
                accepts: Box::new(|value| {
                    product_accepts(value, |c, v| {
                        c.hsn = text_of(v);
                        c.hsn.is_some()
                    })
                }),
                edges: ["8517", " 851712 ", "85171200", "851", "85171", "851712000", "85a7", ""]
                    .iter()
                    .map(|edge| Value::from(*edge))
                    .collect(),
            },
            Constraint {
                target: property(schema, "category"),
                keywords: json!({ "pattern": trimmed(&format!("[a-z0-9-]{{1,{}}}", product_rules::MAX_CATEGORY_CHARS)) }),
                accepts: Box::new(|value| {
                    product_accepts(value, |c, v| {
                        c.category = text_of(v);
                        c.category.is_some()
                    })
                }),
                edges: vec![
                    json!("home-decor"),
                    json!(" phones "),
                    json!("Phones"),
                    json!(""),
                    json!("a".repeat(product_rules::MAX_CATEGORY_CHARS)),
                    json!("a".repeat(product_rules::MAX_CATEGORY_CHARS + 1)),
                ],
            },
            Constraint {
                target: property(schema, "price"),
                keywords: json!({ "minimum": 0, "maximum": product_rules::MAX_PRICE.0 }),
                accepts: Box::new(|value| {
                    product_accepts(value, |c, v| {
                        c.price = v.as_i64().map(contracts::Paise);
                        c.price.is_some()
                    })
                }),
                edges: vec![
                    json!(-1),
                    json!(0),
                    json!(product_rules::MAX_PRICE.0),
                    json!(product_rules::MAX_PRICE.0 + 1),
                ],
            },
            Constraint {
                target: property(schema, "stock"),
                keywords: json!({ "minimum": 0, "maximum": product_rules::MAX_STOCK }),
                accepts: Box::new(|value| {
                    product_accepts(value, |c, v| {
                        c.stock = v.as_i64();
                        c.stock.is_some()
                    })
                }),
                edges: vec![
                    json!(-1),
                    json!(0),
                    json!(product_rules::MAX_STOCK),
                    json!(product_rules::MAX_STOCK + 1),
                ],
            },
        ]);
    }
    all.push(Constraint {
        target: property("StockAdjustment", "delta"),
        keywords: json!({
            "minimum": -product_rules::MAX_STOCK,
            "maximum": product_rules::MAX_STOCK,
            "not": { "const": 0 },
        }),
        accepts: Box::new(|value| {
            value
                .as_i64()
                .is_some_and(crate::app::catalog::stock::delta_in_range)
        }),
        edges: vec![
            json!(-product_rules::MAX_STOCK - 1),
            json!(-product_rules::MAX_STOCK),
            json!(-1),
            json!(0),
            json!(1),
            json!(product_rules::MAX_STOCK),
            json!(product_rules::MAX_STOCK + 1),
        ],
    });
    all
}

/// A shipment's carrier and tracking number (`app::fulfilment`, from `contracts::fulfilment`).
pub(super) fn shipment() -> Vec<Constraint> {
    use contracts::fulfilment::{CARRIER_MAX, TRACKING_MAX, TRACKING_MIN};
    let tracking = format!(
        "[A-Za-z0-9][A-Za-z0-9-]{{{},{}}}[A-Za-z0-9]",
        TRACKING_MIN - 2,
        TRACKING_MAX - 2
    );
    vec![
        on_text(
            property("ShipOrder", "carrier"),
            json!({ "pattern": trimmed(&format!("{VISIBLE}{NOT_CONTROL}{{0,{}}}{VISIBLE}", CARRIER_MAX - 2)) }),
            |text| contracts::fulfilment::carrier_ok(text.trim()),
            &[
                "DHL",
                "  Blue Dart  ",
                "D",
                "  D  ",
                "D\tL",
                "",
                &"a".repeat(60),
                &"a".repeat(61),
            ],
        ),
        on_text(
            property("ShipOrder", "trackingNumber"),
            json!({ "pattern": trimmed(&tracking) }),
            |text| contracts::fulfilment::tracking_number_ok(text.trim()),
            &[
                "AB12",
                " AB-12 ",
                "AB1",
                "-AB12",
                "AB12-",
                "AB 12",
                &"a".repeat(40),
                &"a".repeat(41),
            ],
        ),
    ]
}
