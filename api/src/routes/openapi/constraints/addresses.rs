//! Addresses (a delivery's, a shop's), shop applications and profile changes.

use super::*;

/// The checkout's address check (`app::checkout::address::validate`) with one member set to
/// `text` and the others valid.
pub(super) fn delivery_address_accepts(
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

pub(super) fn delivery_address() -> Vec<Constraint> {
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

/// A shop's application (`app::shops::validate_application`) with one member changed.
pub(super) fn application_accepts(
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

pub(super) fn shops() -> Vec<Constraint> {
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
