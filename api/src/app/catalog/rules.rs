//! The rules a product's fields follow, checked together so a form can mark every failure at
//! once: bounded text, a SKU and an HSN code, a lower-case category, a price and a stock in
//! range, and a GST rate that is a slab in force on the Indian date.

use crate::db::products::ProductFields;
use crate::domain::{BoundedText, Fields, Hsn, Invalid, Sku};
use crate::error::Result;
use contracts::Paise;
use contracts::calendar::Date;
use contracts::catalog::{NewProduct, ProductChanges};
use contracts::gst::{self, Rate};
use std::ops::RangeInclusive;

/// The highest unit price accepted: ₹1 crore. Far above anything sold here, far below where
/// order arithmetic could overflow.
pub(crate) const MAX_PRICE: Paise = Paise(1_000_000_000);
/// The most units a product may hold.
pub const MAX_STOCK: i64 = 1_000_000_000;
/// Longest names, descriptions and categories, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 200;
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 5_000;
pub(crate) const MAX_CATEGORY_CHARS: usize = 50;

/// Every field of a new product, checked as of `today` (India's date).
pub fn new_product(new: NewProduct, today: Date) -> Result<ProductFields> {
    changes(
        ProductChanges {
            name: Some(new.name),
            description: Some(new.description),
            sku: Some(new.sku),
            hsn: Some(new.hsn),
            price: Some(new.price),
            gst_rate: Some(new.gst_rate),
            stock: Some(new.stock),
            version: None,
            category: Some(new.category),
            active: Some(new.active),
        },
        today,
    )
}

/// The fields present in `changes`, trimmed and checked as of `today` (India's date): the GST
/// rate must be a slab in force that day.
pub fn changes(changes: ProductChanges, today: Date) -> Result<ProductFields> {
    let mut fields = Fields::new();
    let name = check(&mut fields, "name", changes.name, |name| {
        BoundedText::parse(&name, MAX_NAME_CHARS).map(BoundedText::into_string)
    });
    let description = check(&mut fields, "description", changes.description, |text| {
        BoundedText::parse_allow_empty(&text, MAX_DESCRIPTION_CHARS).map(BoundedText::into_string)
    });
    let sku = check(&mut fields, "sku", changes.sku, |sku| {
        Sku::parse(&sku).map(Sku::into_string)
    });
    let hsn = check(&mut fields, "hsn", changes.hsn, |hsn| {
        Hsn::parse(&hsn).map(Hsn::into_string)
    });
    let category = check(&mut fields, "category", changes.category, |c| category(&c));
    let price = check(&mut fields, "price", changes.price, |price| {
        in_range(
            price,
            Paise(0)..=MAX_PRICE,
            "must be between 0 and ₹1,00,00,000.00 (in paise)",
        )
    });
    let stock = check(&mut fields, "stock", changes.stock, |stock| {
        in_range(stock, 0..=MAX_STOCK, "must be between 0 and 1,000,000,000")
    });
    let gst_rate = check(&mut fields, "gstRate", changes.gst_rate, |rate| {
        in_force(rate, today)
    });
    fields.finish()?;
    Ok(ProductFields {
        name,
        description,
        sku,
        hsn,
        price,
        gst_rate,
        stock,
        category,
        active: changes.active,
    })
}

/// `value` checked by `rule` when it is present; a failure is recorded against `field`.
fn check<T, U>(
    fields: &mut Fields,
    field: &str,
    value: Option<T>,
    rule: impl FnOnce(T) -> std::result::Result<U, Invalid>,
) -> Option<U> {
    value.and_then(|value| fields.check(field, rule(value)))
}

/// A category slug: lower-case letters, digits and `-`.
fn category(value: &str) -> std::result::Result<String, Invalid> {
    let category = BoundedText::parse(value, MAX_CATEGORY_CHARS)?.into_string();
    if category
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Ok(category)
    } else {
        Err(Invalid::new(
            "category_format",
            "must be lower-case letters, digits and -",
        ))
    }
}

/// `value` if it is within `range`.
fn in_range<T: PartialOrd>(
    value: T,
    range: RangeInclusive<T>,
    message: &str,
) -> std::result::Result<T, Invalid> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(Invalid::new("out_of_range", message))
    }
}

/// `rate` in basis points as stored, if it is a GST slab in force `today`.
fn in_force(rate: Rate, today: Date) -> std::result::Result<i32, Invalid> {
    match gst::slab_in_force(rate, today) {
        // Slabs are at most a few thousand basis points; the column is a 32-bit INTEGER.
        Some(_) => Ok(i32::try_from(rate.0).unwrap_or(i32::MAX)),
        None => {
            let rates: Vec<String> = gst::rates_in_force(today)
                .iter()
                .map(ToString::to_string)
                .collect();
            Err(Invalid::new(
                "not_in_force",
                format!("must be a GST slab in force today: {}", rates.join(", ")),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    fn new_product() -> ProductChanges {
        ProductChanges {
            name: Some(" Blue shirt ".into()),
            description: Some(String::new()),
            sku: Some("SH-001".into()),
            hsn: Some("6205".into()),
            price: Some(Paise(99_900)),
            gst_rate: Some(Rate(500)),
            stock: Some(10),
            version: None,
            category: Some("apparel".into()),
            active: Some(true),
        }
    }

    fn codes(result: Result<ProductFields>) -> Vec<(String, String)> {
        match result {
            Err(ApiError::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("not a validation error: {other:?}"),
        }
    }

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn a_good_product_is_trimmed() {
        let valid = changes(new_product(), day("2026-11-27")).unwrap();
        assert_eq!(valid.name.as_deref(), Some("Blue shirt"));
    }

    #[test]
    fn a_rate_must_be_a_slab_in_force_today() {
        let twelve = ProductChanges {
            gst_rate: Some(Rate(1200)),
            ..ProductChanges::default()
        };
        assert!(changes(twelve.clone(), day("2025-09-21")).is_ok());
        assert_eq!(
            codes(changes(twelve, day("2025-09-22"))),
            [("gstRate".into(), "not_in_force".into())]
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ProductChanges {
            name: Some("  ".into()),
            sku: Some("SH 001".into()),
            hsn: Some("62051".into()),
            price: Some(Paise(-1)),
            stock: Some(-1),
            category: Some("Apparel".into()),
            ..new_product()
        };
        assert_eq!(
            codes(changes(bad, day("2026-11-27"))),
            [
                ("name".into(), "required".into()),
                ("sku".into(), "sku_format".into()),
                ("hsn".into(), "hsn_format".into()),
                ("category".into(), "category_format".into()),
                ("price".into(), "out_of_range".into()),
                ("stock".into(), "out_of_range".into()),
            ]
        );
    }
}
