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

use crate::app::accounts::registration::MAX_DISPLAY_NAME_CHARS;
use crate::app::carts::MAX_QUANTITY;
use crate::app::catalog::rules as product_rules;
use crate::auth::password;
use crate::domain::BoundedText;
use contracts::audit::{ActorType, AuditStatus};
use contracts::calendar::Date;
use contracts::catalog::ProductChanges;
use contracts::gstin::StateCode;
use serde_json::{Value, json};

/// Text with something other than white space in it (the validators trim, then refuse blank).
pub const NOT_BLANK: &str = r"\S";

/// `domain::email`'s rule as a pattern: one `@`, something before it, a dotted domain that
/// neither starts nor ends with a dot after it, no white space or control characters inside;
/// white space around it is trimmed.
pub const EMAIL: &str = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s.\x00-\x1f\x7f-\x9f][^@\s\x00-\x1f\x7f-\x9f]*\.[^@\s\x00-\x1f\x7f-\x9f]*[^@\s.\x00-\x1f\x7f-\x9f]\s*$";

/// One character Rust's `str::trim` removes (Unicode `White_Space`), spelt out: `\s` means
/// more in some regex dialects (Python's also takes U+001C to U+001F).
const SPACE: &str = r"[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
/// A character that is neither white space nor a control character.
const VISIBLE: &str = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
/// A character that is not a control character (Unicode `Cc`, Rust's `char::is_control`).
const NOT_CONTROL: &str = r"[^\x00-\x1f\x7f-\x9f]";

/// `rule` (a pattern without anchors), with the white space the validator trims around it.
pub fn trimmed(rule: &str) -> String {
    format!("^{SPACE}*(?:{rule}){SPACE}*$")
}

/// The GST state codes the validators know (`StateCode::parse`), as alternatives.
fn state_codes() -> String {
    let codes: Vec<String> = StateCode::all().map(|code| code.to_string()).collect();
    format!("(?:{})", codes.join("|"))
}

/// A GSTIN's layout (`Gstin::parse`: trimmed, either case; the first two digits a state
/// code). Its check character and the PAN's holder type are a 422 the pattern cannot state.
fn gstin_pattern() -> String {
    trimmed(&format!(
        "{}[A-Za-z]{{5}}[0-9]{{4}}[A-Za-z][1-9A-Za-z][Zz][0-9A-Za-z]",
        state_codes()
    ))
}

/// `IndianMobile`'s rule: the digits, whatever is typed between them, are ten starting 6 to 9,
/// perhaps after a 0 or the country code 91.
const PHONE: &str = "^[^0-9]*(?:0[^0-9]*|9[^0-9]*1[^0-9]*)?[6-9](?:[^0-9]*[0-9]){9}[^0-9]*$";

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

fn password(schema: &'static str) -> Constraint {
    let min = password::MIN_CHARS;
    Constraint {
        target: property(schema, "password"),
        keywords: json!({ "minLength": min, "pattern": NOT_BLANK }),
        accepts: Box::new(|value| {
            value
                .as_str()
                .is_some_and(|text| password::check_policy(text).is_ok())
        }),
        edges: vec![
            json!("a".repeat(min)),
            json!("a".repeat(min - 1)),
            json!("é".repeat(min)),
            json!(" ".repeat(min + 2)),
            json!(format!("{}x", " ".repeat(min))),
        ],
    }
}

fn email() -> Constraint {
    on_text(
        property("NewAccount", "email"),
        json!({ "pattern": EMAIL }),
        |text| crate::domain::Email::parse(text).is_ok(),
        &[
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
        ],
    )
}

/// Prices are paise, never negative (`app::catalog::browse`).
fn price_filter(name: &'static str) -> Constraint {
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
fn quantity(schema: &'static str, zero_removes: bool) -> Constraint {
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

/// The checkout's address check (`app::checkout::address::validate`) with one member set to
/// `text` and the others valid.
fn delivery_address_accepts(
    set: fn(&mut contracts::orders::DeliveryAddress, String),
) -> impl Fn(&str) -> bool {
    move |text| {
        let mut address = contracts::orders::DeliveryAddress {
            name: "Asha Rao".into(),
            phone: "9876543210".into(),
            line1: "12 MG Road".into(),
            line2: None,
            city: "Pune".into(),
            state_code: "27".into(),
            pincode: "411001".into(),
        };
        set(&mut address, text.to_owned());
        crate::app::checkout::address::validate(&address).is_ok()
    }
}

fn delivery_address() -> Vec<Constraint> {
    use crate::app::checkout::address::{LINE_MAX, NAME_MAX};
    let schema = "DeliveryAddressInput";
    vec![
        required_text(
            property(schema, "name"),
            NAME_MAX,
            delivery_address_accepts(|a, v| a.name = v),
        ),
        required_text(
            property(schema, "line1"),
            LINE_MAX,
            delivery_address_accepts(|a, v| a.line1 = v),
        ),
        {
            let mut line2 = optional_text(property(schema, "line2"), LINE_MAX);
            let accepts = delivery_address_accepts(|a, v| a.line2 = Some(v));
            line2.accepts = Box::new(move |value| value.as_str().is_some_and(&accepts));
            line2
        },
        required_text(
            property(schema, "city"),
            NAME_MAX,
            delivery_address_accepts(|a, v| a.city = v),
        ),
        on_text(
            property(schema, "phone"),
            json!({ "pattern": PHONE }),
            delivery_address_accepts(|a, v| a.phone = v),
            &[
                "9876543210",
                "+91 98765 43210",
                "098765-43210",
                "919876543210",
                "5876543210",
                "987654321",
                "98765432100",
                "0919876543210",
                "",
            ],
        ),
        on_text(
            property(schema, "stateCode"),
            json!({ "pattern": trimmed(&state_codes()) }),
            delivery_address_accepts(|a, v| a.state_code = v),
            &["27", " 07 ", "00", "7", "270", "", "99"],
        ),
        on_text(
            property(schema, "pincode"),
            json!({ "pattern": trimmed(PINCODE) }),
            delivery_address_accepts(|a, v| a.pincode = v),
            PINCODE_EDGES,
        ),
    ]
}

/// `Pincode`: six ASCII digits, the first not 0.
const PINCODE: &str = "[1-9][0-9]{5}";
const PINCODE_EDGES: &[&str] = &[
    "411001",
    " 411001 ",
    "011001",
    "41100",
    "4110011",
    "41100a",
    "",
    "٤١١٠٠١",
];

/// A shop's application (`app::shops::validate_application`) with one member changed.
fn application_accepts(
    set: fn(&mut contracts::shops::ShopApplication, String),
) -> impl Fn(&str) -> bool {
    move |text| {
        let mut application = contracts::shops::ShopApplication {
            legal_name: "Asha Traders".into(),
            display_name: "Asha's".into(),
            gstin: "27AAPFU0939F1ZV".into(),
            address: contracts::shops::Address {
                line1: "12 MG Road".into(),
                line2: None,
                city: "Pune".into(),
                state_code: "27".into(),
                pincode: "411001".into(),
            },
        };
        set(&mut application, text.to_owned());
        crate::app::shops::validate_application(&application).is_ok()
    }
}

fn shops() -> Vec<Constraint> {
    use crate::app::{shop_profile, shops};
    let application = "ShopApplication";
    // `Address` is the application's and the profile's: both validators must agree with it.
    let both = |max_shops: usize, max_profile: usize| {
        move |text: &str| {
            BoundedText::parse(text, max_shops).is_ok()
                && BoundedText::parse(text, max_profile).is_ok()
        }
    };
    vec![
        required_text(
            property(application, "legalName"),
            shops::MAX_NAME_CHARS,
            application_accepts(|a, v| a.legal_name = v),
        ),
        required_text(
            property(application, "displayName"),
            shops::MAX_SHORT_CHARS,
            application_accepts(|a, v| a.display_name = v),
        ),
        on_text(
            property(application, "gstin"),
            json!({ "pattern": gstin_pattern() }),
            |text| {
                // The layout alone: a wrong check character is the documented 422.
                !matches!(
                    contracts::gstin::Gstin::parse(text),
                    Err(contracts::gstin::GstinError::Format
                        | contracts::gstin::GstinError::UnknownState)
                )
            },
            GSTIN_EDGES,
        ),
        required_text(
            property("AddressInput", "line1"),
            shops::MAX_NAME_CHARS,
            both(shops::MAX_NAME_CHARS, shop_profile::MAX_NAME_CHARS),
        ),
        {
            let mut line2 = optional_text(property("AddressInput", "line2"), shops::MAX_NAME_CHARS);
            let accepts = application_accepts(|a, v| a.address.line2 = Some(v));
            line2.accepts = Box::new(move |value| {
                value.as_str().is_some_and(|text| {
                    accepts(text)
                        && BoundedText::parse_optional(Some(text), shop_profile::MAX_NAME_CHARS)
                            .is_ok()
                })
            });
            line2
        },
        required_text(
            property("AddressInput", "city"),
            shops::MAX_SHORT_CHARS,
            both(shops::MAX_SHORT_CHARS, shop_profile::MAX_SHORT_CHARS),
        ),
        on_text(
            property("AddressInput", "stateCode"),
            json!({ "pattern": trimmed(&state_codes()) }),
            |text| crate::domain::state_code(text).is_ok(),
            &["27", " 07 ", "00", "7", "270", ""],
        ),
        on_text(
            property("AddressInput", "pincode"),
            json!({ "pattern": trimmed(PINCODE) }),
            |text| crate::domain::Pincode::parse(text).is_ok(),
            PINCODE_EDGES,
        ),
        // `PATCH /seller/shop`: the same rules, each member optional.
        bounded(
            property("ShopChanges", "displayName"),
            shop_profile::MAX_SHORT_CHARS,
        ),
        {
            let max = shop_profile::MAX_DESCRIPTION_CHARS;
            let mut description = optional_text(property("ShopChanges", "description"), max);
            description.accepts = Box::new(move |value| {
                value
                    .as_str()
                    .is_some_and(|text| BoundedText::parse_allow_empty(text, max).is_ok())
            });
            description
        },
        on_text(
            property("ShopChanges", "gstin"),
            json!({ "pattern": gstin_pattern() }),
            |text| {
                !matches!(
                    contracts::gstin::Gstin::parse(text),
                    Err(contracts::gstin::GstinError::Format
                        | contracts::gstin::GstinError::UnknownState)
                )
            },
            GSTIN_EDGES,
        ),
        optional_text(property("ShopDecision", "note"), shops::MAX_NOTE_CHARS),
    ]
}

const GSTIN_EDGES: &[&str] = &[
    "27AAPFU0939F1ZV",
    " 27aapfu0939f1zv ",
    "27AAPFU0939F1ZW",
    "00AAPFU0939F1ZV",
    "27AAPFU0939F1YV",
    "27AAPFU0939F0ZV",
    "27AAPFU0939F1Z",
    "",
];

/// The product rules (`app::catalog::rules::changes`) with one member present.
fn product_accepts(value: &Value, set: fn(&mut ProductChanges, &Value) -> bool) -> bool {
    let mut changes = ProductChanges::default();
    if !set(&mut changes, value) {
        return false;
    }
    let today = Date::new(2026, 4, 1).expect("a date");
    product_rules::changes(changes, today).is_ok()
}

fn text_of(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

fn products() -> Vec<Constraint> {
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
fn shipment() -> Vec<Constraint> {
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

/// The reasons an act must give (a cancellation, a refund, a support session).
fn reasons() -> Vec<Constraint> {
    use contracts::impersonation::{MAX_DURATION_MINUTES, MAX_REASON_CHARS};
    vec![
        bounded(
            property("CancelOrder", "reason"),
            crate::app::fulfilment::cancel::REASON_MAX,
        ),
        bounded(
            property("RefundRequest", "reason"),
            crate::app::payments::refunds::REASON_MAX,
        ),
        // Paise, at least one; more than is left to refund is the documented 422.
        Constraint {
            target: property("RefundRequest", "amount"),
            keywords: json!({ "minimum": 1 }),
            accepts: Box::new(|value| value.as_i64().is_some_and(|paise| paise >= 1)),
            edges: vec![json!(-1), json!(0), json!(1)],
        },
        required(
            bounded(property("StartImpersonation", "reason"), MAX_REASON_CHARS),
            "string",
        ),
        required(
            integer(
                property("StartImpersonation", "durationMinutes"),
                1,
                MAX_DURATION_MINUTES,
                |minutes| (1..=MAX_DURATION_MINUTES).contains(&minutes),
            ),
            "integer",
        ),
        required(
            on_text(
                property("StartImpersonation", "targetUserId"),
                json!({ "pattern": NOT_BLANK }),
                |text| !text.trim().is_empty(),
                &["", "  ", "a"],
            ),
            "string",
        ),
        // `PUT /admin/users/{id}/role`: absent is 422 `required` (serde takes it absent).
        required(
            Constraint {
                target: property("RoleChange", "role"),
                keywords: json!({}),
                accepts: Box::new(|value| {
                    serde_json::from_value::<contracts::props::Role>(value.clone()).is_ok()
                }),
                edges: vec![json!("CUSTOMER"), json!("SELLER")],
            },
            "string",
        ),
    ]
}

/// The audit log's filters (`app::audit::query::filter`): named values, unix seconds.
fn audit() -> Vec<Constraint> {
    let mut all = Vec::new();
    for path in ["/audit", "/audit/export.csv"] {
        let actor_types: Vec<&str> = ActorType::ALL.iter().map(|t| t.as_str()).collect();
        all.push(on_text(
            parameter(path, "get", "actorType"),
            json!({ "enum": actor_types }),
            |text| ActorType::parse(text).is_some(),
            &["USER", "ADMIN", "SYSTEM", "user", ""],
        ));
        let statuses: Vec<&str> = [AuditStatus::Success, AuditStatus::Failure]
            .iter()
            .map(|s| s.as_str())
            .collect();
        all.push(on_text(
            parameter(path, "get", "status"),
            json!({ "enum": statuses }),
            |text| AuditStatus::parse(text).is_some(),
            &["SUCCESS", "FAILURE", "success", ""],
        ));
        all.push(on_text(
            parameter(path, "get", "preset"),
            json!({ "enum": ["failed-logins", "impersonations", "price-changes"] }),
            |text| crate::app::audit::query::preset(text).is_ok(),
            &[
                "failed-logins",
                "impersonations",
                "price-changes",
                "prices",
                "",
            ],
        ));
        for name in ["from", "to"] {
            all.push(on_text(
                parameter(path, "get", name),
                // Eighteen digits at most: every one of them is an i64.
                json!({ "pattern": trimmed("[+-]?[0-9]{1,18}") }),
                |text| text.trim().parse::<i64>().is_ok(),
                &["0", " 1767225600 ", "-5", "+5", "", "1.5", "x1"],
            ));
        }
    }
    all.push(page_size("/audit", crate::app::audit::query::MAX_LIMIT));
    // The CSV export takes every matching row (up to its own cap): its `limit` is parsed (a
    // `u32`, so 400 `invalid_query` past it) and not read.
    all.push(Constraint {
        target: parameter("/audit/export.csv", "get", "limit"),
        keywords: json!({
            "minimum": 0,
            "maximum": u32::MAX,
            "format": "int64",
            "description": "Not read by the export, which takes every matching row; a number from 0 to 4294967295.",
        }),
        accepts: Box::new(|value| {
            serde_json::from_value::<crate::app::audit::query::AuditQuery>(json!({ "limit": value }))
                .is_ok()
        }),
        edges: vec![json!(-1), json!(0), json!(u32::MAX), json!(u64::from(u32::MAX) + 1)],
    });
    all
}

/// `GET /seller/gst-summary(.csv)?month=YYYY-MM` (`Month::parse`: year 0001 to 9999).
fn months() -> Vec<Constraint> {
    ["/seller/gst-summary", "/seller/gst-summary.csv"]
        .into_iter()
        .map(|path| {
            on_text(
                parameter(path, "get", "month"),
                json!({ "pattern": "^(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(?:0[1-9]|1[0-2])$" }),
                |text| contracts::seller_dashboard::Month::parse(text).is_some(),
                &[
                    "2026-04", "0001-01", "9999-12", "0000-01", "2026-00", "2026-13", "2026-4",
                    " 2026-04", "",
                ],
            )
        })
        .collect()
}

/// `Idempotency-Key` (`app::checkout::IdempotencyKey`): 1 to 255 visible ASCII characters.
fn idempotency_keys() -> Vec<Constraint> {
    [
        ("/orders", "post"),
        ("/orders/{id}/cancel", "post"),
        ("/orders/{id}/refunds", "post"),
    ]
    .into_iter()
    .map(|(path, method)| {
        on_text(
            parameter(path, method, "Idempotency-Key"),
            json!({ "pattern": "^[!-~]{1,255}$" }),
            |text| crate::app::checkout::IdempotencyKey::parse(Some(text)).is_ok(),
            &["k", &"k".repeat(255), &"k".repeat(256), "", "a b", "é"],
        )
    })
    .collect()
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
    all
}

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
