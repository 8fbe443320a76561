//! The seller's shop profile: read it, and change what changes no tax (display name,
//! description, the address lines) at once; a new GSTIN sends the shop back to review.
//!
//! The rule for a GSTIN change (the simpler of the two the issue allows): the new GSTIN
//! replaces the old at once and the shop's status goes back to `PENDING`, its last decision
//! cleared, so it is in the administrators' review queue (`GET /admin/shops?status=PENDING`)
//! and is approved or rejected there like an application. Until it is approved again the
//! shop's products are off sale (the catalog and carts sell only APPROVED shops' products) and
//! the seller cannot manage products; the dashboard and this profile stay open. The seller
//! does not keep selling under the old GSTIN meanwhile: invoices print the supplier's GSTIN,
//! and an invoice under a GSTIN the shop no longer claims would be wrong either way. Orders
//! already paid keep the invoices they were issued.
//!
//! The address's state is the GSTIN's (a GSTIN is registered in one state): `stateCode` may
//! change only with a GSTIN of that state. Every field is checked before anything is written,
//! and every failure is reported at once; the change and its audit row are one transaction.

use crate::app::audit::{self, Entry};
use crate::app::impersonation::{self, masking};
use crate::app::{Actor, shop_records, shops as shop_cases};
use crate::crypto::{Column, Index};
use crate::db::Conn;
use crate::db::seller_dashboard::{self as db, ProfileUpdate};
use crate::db::shops::{self, ShopRow};
use crate::domain::{BoundedText, Fields, Pincode, field_error, state_code};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::gstin::Gstin;
use contracts::seller_dashboard::{ShopChanges, ShopProfile};
use contracts::shops::ShopStatus;

pub(crate) const MAX_SHORT_CHARS: usize = 100;
pub(crate) const MAX_NAME_CHARS: usize = 200;
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 2000;

/// The actor's shop, opened, as they may see it.
async fn profile_of(
    conn: &mut Conn,
    actor: &Actor,
    state: &AppState,
    row: ShopRow,
) -> Result<ShopProfile> {
    let description = db::description(conn, row.id).await?;
    let shop = shop_cases::wire(&state.vault, row)?;
    Ok(ShopProfile {
        shop: masking::for_actor(actor, shop, masking::shop),
        description,
    })
}

/// The actor's shop profile.
pub async fn mine(actor: &Actor, state: &AppState) -> Result<ShopProfile> {
    let owner = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    let mut conn = state.db.conn().await?;
    let row = shops::of_owner(&mut conn, owner)
        .await?
        .ok_or(ApiError::NotFound)?;
    profile_of(&mut conn, actor, state, row).await
}

/// What a valid change writes, in clear.
struct Valid {
    display_name: Option<String>,
    description: Option<Option<String>>,
    address: Option<(String, Option<String>, String, String, String)>,
    gstin: Option<Gstin>,
}

/// Checks `changes` against the shop as it is (`current`, opened).
fn validate(changes: &ShopChanges, current: &ShopRow) -> Result<Valid> {
    let mut fields = Fields::new();
    let display_name = changes.display_name.as_deref().and_then(|name| {
        fields
            .check("displayName", BoundedText::parse(name, MAX_SHORT_CHARS))
            .map(BoundedText::into_string)
    });
    let description = changes.description.as_deref().and_then(|text| {
        fields
            .check(
                "description",
                BoundedText::parse_allow_empty(text, MAX_DESCRIPTION_CHARS),
            )
            .map(|text| Some(text.into_string()).filter(|text| !text.is_empty()))
    });
    let gstin = match changes.gstin.as_deref().map(Gstin::parse) {
        None => None,
        Some(Ok(gstin)) => Some(gstin),
        Some(Err(error)) => {
            fields.push("gstin", error.code(), &error.to_string());
            None
        }
    };
    // A GSTIN equal to the one on record is no change (and no review).
    let gstin = gstin.filter(|gstin| gstin.as_str() != current.gstin);
    let mut address = None;
    let mut address_state = current.state_code.clone();
    if let Some(given) = &changes.address {
        let line1 = fields
            .check(
                "address.line1",
                BoundedText::parse(&given.line1, MAX_NAME_CHARS),
            )
            .map(BoundedText::into_string);
        let line2 = fields.check(
            "address.line2",
            BoundedText::parse_optional(given.line2.as_deref(), MAX_NAME_CHARS),
        );
        let city = fields
            .check(
                "address.city",
                BoundedText::parse(&given.city, MAX_SHORT_CHARS),
            )
            .map(BoundedText::into_string);
        let state = fields.check("address.stateCode", state_code(&given.state_code));
        let pincode = fields.check("address.pincode", Pincode::parse(&given.pincode));
        if let Some(state) = state {
            address_state = state.to_string();
        }
        if let (Some(line1), Some(line2), Some(city), Some(state), Some(pincode)) =
            (line1, line2, city, state, pincode)
        {
            address = Some((
                line1,
                line2.map(BoundedText::into_string),
                city,
                pincode.into_string(),
                state.to_string(),
            ));
        }
    }
    let gstin_state = match &gstin {
        Some(gstin) => gstin.state().to_string(),
        None => current.gstin.get(..2).unwrap_or_default().to_owned(),
    };
    if fields.is_empty() && gstin_state != address_state {
        // A GSTIN is registered in one state: the principal place of business is there.
        let field = if changes.address.is_some() {
            "address.stateCode"
        } else {
            "gstin"
        };
        fields.push(
            field,
            "state_mismatch",
            "the GSTIN and the address must be in one state",
        );
    }
    fields.finish()?;
    Ok(Valid {
        display_name,
        description,
        address,
        gstin,
    })
}

/// Changes the actor's shop profile; the profile as it is afterwards.
pub async fn change(actor: &Actor, state: &AppState, changes: &ShopChanges) -> Result<ShopProfile> {
    let owner = actor.user_id().ok_or(ApiError::Unauthenticated)?;
    // The business address and GSTIN are the owner's to give, not support's (seed 000 §6.2).
    if changes.address.is_some() {
        impersonation::forbid(actor, "address")?;
    }
    if changes.gstin.is_some() {
        impersonation::forbid(actor, "gstin")?;
    }
    let mut tx = state.db.begin().await?;
    let row = shops::of_owner(&mut tx, owner)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.status == ShopStatus::Rejected.as_str() {
        return Err(ApiError::ShopNotApproved);
    }
    let current = shop_records::open(&state.vault, row.clone())?;
    let valid = validate(changes, &current)?;
    if let Some(gstin) = &valid.gstin
        && shop_records::gstin_taken(&mut tx, &state.vault, gstin.as_str()).await?
    {
        return Err(ApiError::Validation(vec![field_error(
            "gstin",
            "gstin_taken",
            "another shop is registered with this GSTIN",
        )]));
    }
    let id = row.id;
    let vault = &state.vault;
    let sealed_address = valid
        .address
        .as_ref()
        .map(|(line1, line2, city, pincode, state)| {
            (
                vault.seal(Column::ShopsAddressLine1, id, line1),
                vault.seal_opt(Column::ShopsAddressLine2, id, line2.as_deref()),
                vault.seal(Column::ShopsCity, id, city),
                vault.seal(Column::ShopsPincode, id, pincode),
                state.clone(),
            )
        });
    let sealed_gstin = valid.gstin.as_ref().map(|gstin| {
        (
            vault.seal(Column::ShopsGstin, id, gstin.as_str()),
            vault.blind_index(Index::Gstin, gstin.as_str()),
        )
    });
    let before_description = db::description(&mut tx, id).await?;
    let update = ProfileUpdate {
        display_name: valid.display_name.as_deref(),
        description: valid.description.as_ref().map(|text| text.as_deref()),
        address: sealed_address.as_ref().map(|(l1, l2, city, pin, st)| {
            (
                l1.as_str(),
                l2.as_deref(),
                city.as_str(),
                pin.as_str(),
                st.as_str(),
            )
        }),
        gstin: sealed_gstin.as_ref().map(|(g, index)| (g.as_str(), *index)),
    };
    // What changed, without personal data: the address and GSTIN only as changed, both sides
    // masked.
    let mut audited = serde_json::Map::new();
    if let Some(name) = &valid.display_name
        && *name != current.display_name
    {
        audited.insert(
            "displayName".into(),
            serde_json::json!({"before": current.display_name, "after": name}),
        );
    }
    if let Some(description) = &valid.description
        && *description != before_description
    {
        audited.insert(
            "description".into(),
            serde_json::json!({"before": before_description, "after": description}),
        );
    }
    if valid.address.is_some() {
        audited.insert("address".into(), masked_change());
    }
    if valid.gstin.is_some() {
        audited.insert("gstin".into(), masked_change());
        audited.insert(
            "status".into(),
            serde_json::json!({"before": current.status, "after": ShopStatus::Pending.as_str()}),
        );
    }
    if !audited.is_empty() {
        db::update_profile(&mut tx, id, &update).await?;
        let entry = Entry::success("shops:update", "shops", Some(id), state.clock.now())
            .with_changes(serde_json::Value::Object(audited));
        audit::record(&mut tx, actor, &entry).await?;
    }
    let row = shops::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("an updated shop was not found")))?;
    let profile = profile_of(&mut tx, actor, state, row).await?;
    tx.commit().await?;
    Ok(profile)
}

/// A change of personal data as the audit log keeps it: that it changed, not from what to what.
fn masked_change() -> serde_json::Value {
    use crate::app::audit::redact::MASKED;
    serde_json::json!({"before": MASKED, "after": MASKED})
}
