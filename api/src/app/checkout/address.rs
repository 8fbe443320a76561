//! The delivery address of a checkout: each field checked by its domain rule and every failure
//! named at once; the address as it is stored (trimmed, the phone as ten digits) and its
//! state, the place of supply.

use crate::domain::{BoundedText, Fields, IndianMobile, Pincode, state_code};
use crate::error::{ApiError, Result};
use contracts::gstin::StateCode;
use contracts::orders::DeliveryAddress;

/// The longest recipient name and city.
pub(crate) const NAME_MAX: usize = 100;
/// The longest address line.
pub(crate) const LINE_MAX: usize = 200;

/// `address` checked: the stored form and the place of supply, or 422 naming every bad field.
pub fn validate(address: &DeliveryAddress) -> Result<(DeliveryAddress, StateCode)> {
    let mut fields = Fields::new();
    let name = fields.check("address.name", BoundedText::parse(&address.name, NAME_MAX));
    let line1 = fields.check(
        "address.line1",
        BoundedText::parse(&address.line1, LINE_MAX),
    );
    let line2 = fields.check(
        "address.line2",
        BoundedText::parse_optional(address.line2.as_deref(), LINE_MAX),
    );
    let city = fields.check("address.city", BoundedText::parse(&address.city, NAME_MAX));
    let phone = fields.check("address.phone", IndianMobile::parse(&address.phone));
    let state = fields.check("address.stateCode", state_code(&address.state_code));
    let pincode = fields.check("address.pincode", Pincode::parse(&address.pincode));
    fields.finish()?;
    let (Some(name), Some(line1), Some(line2), Some(city), Some(phone), Some(state), Some(pincode)) =
        (name, line1, line2, city, phone, state, pincode)
    else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "an address field passed without a value"
        )));
    };
    let address = DeliveryAddress {
        name: name.into_string(),
        phone: phone.into_string(),
        line1: line1.into_string(),
        line2: line2.map(BoundedText::into_string),
        city: city.into_string(),
        state_code: state.to_string(),
        pincode: pincode.into_string(),
    };
    Ok((address, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> DeliveryAddress {
        DeliveryAddress {
            name: " Meera Buyer ".into(),
            phone: "+91 98765 43210".into(),
            line1: "4 Lake View".into(),
            line2: Some("  ".into()),
            city: "Pune".into(),
            state_code: " 27".into(),
            pincode: "411001".into(),
        }
    }

    #[test]
    fn a_good_address_is_stored_trimmed_with_ten_digits_and_its_state() {
        let (stored, state) = validate(&address()).unwrap();
        assert_eq!(stored.name, "Meera Buyer");
        assert_eq!(stored.phone, "9876543210");
        assert_eq!(stored.line2, None);
        assert_eq!(
            (stored.state_code.as_str(), state.to_string()),
            ("27", "27".into())
        );
    }

    #[test]
    fn every_bad_field_is_named_in_form_order() {
        let mut bad = address();
        bad.name = " ".into();
        bad.phone = "12345".into();
        bad.state_code = "42".into();
        bad.pincode = "000000".into();
        bad.line1 = "x".repeat(201);
        let Err(ApiError::Validation(errors)) = validate(&bad) else {
            panic!("a bad address is refused");
        };
        let named: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("address.name", "required"),
                ("address.line1", "too_long"),
                ("address.phone", "phone_format"),
                ("address.stateCode", "unknown_state"),
                ("address.pincode", "pincode_format"),
            ]
        );
    }
}
