//! Accounts and acts that must say why: passwords, emails, the reasons of a cancellation, a
//! refund and a support session, a role change.

use super::*;

pub(super) fn password(schema: &'static str) -> Constraint {
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

pub(super) fn email() -> Constraint {
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

/// The reasons an act must give (a cancellation, a refund, a support session).
pub(super) fn reasons() -> Vec<Constraint> {
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
