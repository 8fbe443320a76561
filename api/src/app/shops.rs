//! Shops: a customer applies to sell (every field checked at once), follows the application,
//! and administrators work through the review queue and decide, once and for all; approval
//! makes the owner a seller. A seller manages products only while its shop is approved.

use crate::app::audit::{self, Entry};
use crate::app::impersonation::masking;
use crate::app::{Actor, shop_records};
use crate::crypto::Vault;
use crate::db::shops::{self, NewShop, ShopRow};
use crate::db::{Conn, Id};
use crate::domain::{BoundedText, Fields, Pincode, field_error, state_code};
use crate::error::{ApiError, Constraint, Result, ResultExt as _};
use crate::state::AppState;
use contracts::admin::{Application, ApplicationPage, GstinCheck};
use contracts::gstin::Gstin;
use contracts::props::Role;
use contracts::shops::{Address, Shop, ShopApplication, ShopDecision, ShopStatus};

/// Longest legal names and address lines, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 200;
/// Longest display names and cities, in characters.
pub(crate) const MAX_SHORT_CHARS: usize = 100;
/// Longest decision note, in characters.
pub(crate) const MAX_NOTE_CHARS: usize = 500;

/// An application that passed every check, trimmed and normalised.
#[derive(Debug)]
pub struct ValidApplication {
    pub legal_name: String,
    pub display_name: String,
    pub gstin: Gstin,
    pub address: Address,
}

/// A customer applies to sell; one shop per account (`shop_exists`).
pub async fn apply(actor: &Actor, state: &AppState, application: &ShopApplication) -> Result<Shop> {
    let user = actor.user().ok_or(ApiError::Unauthenticated)?;
    if user.role != Role::Customer {
        return Err(ApiError::Forbidden);
    }
    // An application sets the business address and GSTIN invoices print: the owner's to
    // give, not support's (seed 000 section 6.2).
    crate::app::impersonation::forbid(actor, "address")?;
    let valid = validate_application(application)?;
    let mut tx = state.db.begin().await?;
    let row = open(
        &mut tx,
        actor,
        &state.vault,
        user.id,
        &valid,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    wire(&state.vault, row)
}

/// Stores `owner`'s application, pending review, its GSTIN and address sealed, audited as
/// `actor`'s `shops:create` (run it in a transaction: the GSTIN check holds a lock until it
/// ends); `shop_exists` when they have a shop already, 422 `gstin_taken` when another shop has
/// the GSTIN. The row as stored; the audit row names the shop, not its GSTIN or address.
pub async fn open(
    conn: &mut Conn,
    actor: &Actor,
    vault: &Vault,
    owner: Id,
    valid: &ValidApplication,
    now: i64,
) -> Result<ShopRow> {
    if shop_records::gstin_taken(conn, vault, valid.gstin.as_str()).await? {
        return Err(ApiError::Validation(vec![field_error(
            "gstin",
            "gstin_taken",
            "another shop is registered with this GSTIN",
        )]));
    }
    let address = &valid.address;
    let id = Id::new();
    let sealed = shop_records::seal(vault, id, valid.gstin.as_str(), address);
    let shop = NewShop {
        id,
        owner_id: owner,
        legal_name: &valid.legal_name,
        display_name: &valid.display_name,
        gstin: &sealed.gstin,
        gstin_index: sealed.gstin_index,
        address_line1: &sealed.line1,
        address_line2: sealed.line2.as_deref(),
        city: &sealed.city,
        state_code: &address.state_code,
        pincode: &sealed.pincode,
        created_at: now,
    };
    shops::insert(conn, &shop)
        .await
        .on_constraint(Constraint::Unique("shops"), || ApiError::ShopExists)?;
    let entry = Entry::success("shops:create", "shops", Some(shop.id), now).with_changes(
        serde_json::json!({
            "displayName": {"after": valid.display_name},
            "status": {"after": ShopStatus::Pending.as_str()},
        }),
    );
    audit::record(conn, actor, &entry).await?;
    shops::of_owner(conn, owner)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a stored shop was not found")))
}

/// The actor's shop or application, whatever its status.
pub async fn mine(actor: &Actor, state: &AppState) -> Result<Shop> {
    let owner = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let mut conn = state.db.conn().await?;
    shops::of_owner(&mut conn, owner)
        .await?
        .ok_or(ApiError::NotFound)
        .and_then(|row| wire(&state.vault, row))
        .map(|shop| masking::for_actor(actor, shop, masking::shop))
}

/// A page of shops with `status` (all when `None`), oldest first, after the shop named by the
/// cursor `after`: the review queue with `PENDING`. `actor` is who lists, already admitted by
/// the route's policy.
pub async fn list(
    actor: &Actor,
    state: &AppState,
    status: Option<ShopStatus>,
    limit: u32,
    after: Option<&str>,
) -> Result<ApplicationPage> {
    let mut conn = state.db.conn().await?;
    let after = match after {
        None => None,
        Some(cursor) => match Id::parse(cursor) {
            Some(id) if shops::exists(&mut conn, id).await? => Some(id),
            _ => {
                return Err(ApiError::Validation(vec![field_error(
                    "after",
                    "unknown_cursor",
                    "is not the cursor of a page",
                )]));
            }
        },
    };
    let status = status.map(ShopStatus::as_str);
    let mut rows = shops::list(&mut conn, status, after, i64::from(limit) + 1).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|shop| shop.id.to_string())
    } else {
        None
    };
    drop(conn);
    // Applications hold GSTINs and addresses: an administrator's read is audited.
    let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let entry = Entry::success("shops:read", "shops", None, state.clock.now())
        .with_changes(serde_json::json!({"rows": {"after": count}}));
    audit::admin_read(&state.db, actor, &entry).await?;
    // Each with its GSTIN checked again (layout, check character, state against the
    // address's), for the reviewer to see.
    let items = rows
        .into_iter()
        .map(|row| {
            wire(&state.vault, row).map(|shop| Application {
                gstin_check: GstinCheck::of(&shop.gstin, &shop.address.state_code),
                shop,
            })
        })
        .collect::<Result<_>>()?;
    Ok(ApplicationPage { items, next_cursor })
}

/// An administrator approves (the owner becomes a seller) or rejects with a note. Final: a
/// decided application is `shop_decided`.
pub async fn decide(
    actor: &Actor,
    state: &AppState,
    shop_id: &str,
    decision: &ShopDecision,
) -> Result<Shop> {
    let mut fields = Fields::new();
    let note = fields
        .check(
            "note",
            BoundedText::parse_optional(decision.note.as_deref(), MAX_NOTE_CHARS),
        )
        .flatten();
    if !decision.approve && note.is_none() && fields.is_empty() {
        fields.push("note", "required", "say why the application is rejected");
    }
    fields.finish()?;
    let id = Id::parse(shop_id).ok_or(ApiError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let note = note.as_ref().map(BoundedText::as_str);
    let shop = settle(
        &mut tx,
        actor,
        id,
        decision.approve,
        note,
        actor.user_id(),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    wire(&state.vault, shop)
}

/// Decides the pending application `id` (run it in a transaction: approval also makes the
/// owner a SELLER if they were a CUSTOMER; an administrator who also sells keeps their role).
/// The owner's access token says CUSTOMER until it is refreshed, which re-reads the role.
pub async fn settle(
    conn: &mut Conn,
    actor: &Actor,
    id: Id,
    approve: bool,
    note: Option<&str>,
    decided_by: Option<Id>,
    now: i64,
) -> Result<ShopRow> {
    let status = if approve {
        ShopStatus::Approved
    } else {
        ShopStatus::Rejected
    };
    let Some(row) = shops::decide(conn, id, status.as_str(), note, decided_by, now).await? else {
        return Err(match shops::status(conn, id).await? {
            None => ApiError::NotFound,
            // Decisions are final: a rejected applicant applies anew.
            Some(_) => ApiError::ShopDecided,
        });
    };
    if approve {
        shops::make_seller(conn, row.owner_id).await?;
    }
    let action = if approve {
        "shops:approve"
    } else {
        "shops:reject"
    };
    let entry = Entry::success(action, "shops", Some(id), now).with_changes(serde_json::json!({
        "status": {"before": ShopStatus::Pending.as_str(), "after": status.as_str()},
    }));
    audit::record(conn, actor, &entry).await?;
    Ok(row)
}

/// The id of the actor's shop if it is approved: a seller whose shop is not (or no longer)
/// approved cannot manage products (`shop_not_approved`). Looked up rather than taken from the
/// token, so a suspension counts at once.
pub async fn approved_shop(conn: &mut Conn, actor: &Actor) -> Result<Id> {
    let owner = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    match shops::of_owner(conn, owner).await? {
        Some(shop) if shop.status == ShopStatus::Approved.as_str() => Ok(shop.id),
        _ => Err(ApiError::ShopNotApproved),
    }
}

/// Checks every field and reports every failure at once, named as the form names them.
pub fn validate_application(application: &ShopApplication) -> Result<ValidApplication> {
    let mut fields = Fields::new();
    let legal_name = required_text(
        &mut fields,
        "legalName",
        &application.legal_name,
        MAX_NAME_CHARS,
    );
    let display_name = required_text(
        &mut fields,
        "displayName",
        &application.display_name,
        MAX_SHORT_CHARS,
    );
    let address = &application.address;
    let line1 = required_text(&mut fields, "address.line1", &address.line1, MAX_NAME_CHARS);
    let line2 = fields.check(
        "address.line2",
        BoundedText::parse_optional(address.line2.as_deref(), MAX_NAME_CHARS),
    );
    let city = required_text(&mut fields, "address.city", &address.city, MAX_SHORT_CHARS);
    let state = fields.check("address.stateCode", state_code(&address.state_code));
    let pincode = fields.check("address.pincode", Pincode::parse(&address.pincode));
    let gstin = match Gstin::parse(&application.gstin) {
        Ok(gstin) => Some(gstin),
        Err(error) => {
            fields.push("gstin", error.code(), &error.to_string());
            None
        }
    };
    if let (Some(gstin), Some(state)) = (&gstin, state)
        && gstin.state() != state
    {
        // A GSTIN is registered in one state: the principal place of business is there.
        fields.push(
            "address.stateCode",
            "state_mismatch",
            "must be the state of the GSTIN",
        );
    }
    fields.finish()?;
    match (
        legal_name,
        display_name,
        line1,
        line2,
        city,
        state,
        pincode,
        gstin,
    ) {
        (
            Some(legal_name),
            Some(display_name),
            Some(line1),
            Some(line2),
            Some(city),
            Some(state),
            Some(pincode),
            Some(gstin),
        ) => Ok(ValidApplication {
            legal_name,
            display_name,
            gstin,
            address: Address {
                line1,
                line2: line2.map(BoundedText::into_string),
                city,
                state_code: state.to_string(),
                pincode: pincode.into_string(),
            },
        }),
        // Every check passed, so every value is there.
        _ => Err(ApiError::Internal(anyhow::anyhow!(
            "a checked application lost a field"
        ))),
    }
}

/// Required text of `field`, trimmed; `None` with the failure recorded.
fn required_text(fields: &mut Fields, field: &str, value: &str, max: usize) -> Option<String> {
    fields
        .check(field, BoundedText::parse(value, max))
        .map(BoundedText::into_string)
}

/// The wire form of a stored shop, its GSTIN and address opened.
pub(crate) fn wire(vault: &Vault, row: ShopRow) -> Result<Shop> {
    let row = shop_records::open(vault, row)?;
    let status = ShopStatus::parse(&row.status).ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "shops.status holds a value outside its CHECK"
        ))
    })?;
    Ok(Shop {
        id: row.id.to_string(),
        owner_id: row.owner_id.to_string(),
        legal_name: row.legal_name,
        display_name: row.display_name,
        gstin: row.gstin,
        address: Address {
            line1: row.address_line1,
            line2: row.address_line2,
            city: row.city,
            state_code: row.state_code,
            pincode: row.pincode,
        },
        status,
        decision_note: row.decision_note,
        decided_at: row.decided_at,
        created_at: row.created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn application() -> ShopApplication {
        ShopApplication {
            legal_name: " Asha Textiles LLP ".into(),
            display_name: "Asha".into(),
            gstin: "27aapfu0939f1zv".into(),
            address: Address {
                line1: "12 Mill Road".into(),
                line2: Some("  ".into()),
                city: "Mumbai".into(),
                state_code: "27".into(),
                pincode: "400001".into(),
            },
        }
    }

    fn fields(result: Result<ValidApplication>) -> Vec<(String, String)> {
        match result {
            Err(ApiError::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            Err(other) => panic!("not a validation error: {other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn a_good_application_is_trimmed_and_normalised() {
        let valid = validate_application(&application()).unwrap();
        assert_eq!(valid.legal_name, "Asha Textiles LLP");
        assert_eq!(valid.gstin.as_str(), "27AAPFU0939F1ZV");
        assert_eq!(valid.address.line2, None);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut bad = application();
        bad.legal_name = " ".into();
        bad.gstin = "27AAPFU0939F1ZW".into();
        bad.address.pincode = "012345".into();
        bad.address.state_code = "99".into();
        assert_eq!(
            fields(validate_application(&bad)),
            [
                ("legalName".into(), "required".into()),
                ("address.stateCode".into(), "unknown_state".into()),
                ("address.pincode".into(), "pincode_format".into()),
                ("gstin".into(), "gstin_check_character".into()),
            ]
        );
    }

    #[test]
    fn the_address_must_be_in_the_gstins_state() {
        let mut elsewhere = application();
        elsewhere.address.state_code = "29".into();
        assert_eq!(
            fields(validate_application(&elsewhere)),
            [("address.stateCode".into(), "state_mismatch".into())]
        );
    }
}
