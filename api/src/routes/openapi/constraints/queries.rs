//! Query strings and headers: the audit log's filters, the GST summary's month, the
//! `Idempotency-Key`.

use super::*;
use contracts::audit::{ActorType, AuditStatus};

/// The audit log's filters (`app::audit::query::filter`): named values, unix seconds.
pub(super) fn audit() -> Vec<Constraint> {
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
pub(super) fn months() -> Vec<Constraint> {
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
pub(super) fn idempotency_keys() -> Vec<Constraint> {
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

/// The widths a product image is served at (`app::catalog::images::get` refuses any other).
pub(super) fn image_width() -> Constraint {
    let widths = contracts::images::IMAGE_WIDTHS;
    Constraint {
        target: parameter("/images/{key}", "get", "w"),
        keywords: json!({ "enum": widths }),
        accepts: Box::new(move |value| {
            value
                .as_u64()
                .and_then(|width| u32::try_from(width).ok())
                .is_some_and(|width| widths.contains(&width))
        }),
        edges: vec![json!(319), json!(320), json!(640), json!(960), json!(961)],
    }
}
