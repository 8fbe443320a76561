//! A product's stock as its seller changes it, and its inventory history. A seller adjusts by a
//! delta (one conditional statement: never below zero, and concurrent adjustments all apply);
//! setting the stock absolutely is `seller::change` with the version read. Every change, an
//! order's included, is recorded in the history in its own transaction ([`by`] names who).

use crate::app::audit::{self, Entry, actor_columns};
use crate::app::catalog::rules::MAX_STOCK;
use crate::app::catalog::view::{PageSize, one};
use crate::app::shops::approved_shop;
use crate::app::{Actor, Who};
use crate::db::products::{self, Viewer};
use crate::db::stock::{self, By, Event, EventRow};
use crate::db::{Conn, Id};
use crate::domain::{Fields, field_error};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use contracts::audit::ActorType;
use contracts::catalog::Product;
use contracts::inventory::{InventoryEntry, InventoryPage, InventoryReason, StockAdjustment};
use contracts::props::Role;
use serde_json::json;

/// Who moves stock, as the history records them (the audit log's naming).
pub(crate) fn by(actor: &Actor) -> By {
    let (kind, id) = actor_columns(actor);
    By {
        actor_type: kind.as_str(),
        actor_id: id,
    }
}

/// Records that `actor` changed product `id`'s stock by `delta`, leaving `level`, for `reason`
/// (no order), on the change's transaction.
pub(crate) async fn record(
    conn: &mut Conn,
    actor: &Actor,
    id: Id,
    reason: InventoryReason,
    (delta, level): (i64, i64),
    at: i64,
) -> Result<()> {
    let by = by(actor);
    let event = Event {
        product: id,
        by: &by,
        reason: reason.as_str(),
        delta,
        level,
        order: None,
        at,
    };
    stock::record(conn, &event).await?;
    Ok(())
}

/// Adds `adjustment.delta` units to one of the seller's products (negative: takes them);
/// 422 naming `delta` when it is zero or would leave the stock below zero or above the most a
/// product holds, `not_found` for another shop's product. Recorded and audited with the
/// change.
pub async fn adjust(
    actor: &Actor,
    state: &AppState,
    product_id: &str,
    adjustment: StockAdjustment,
) -> Result<Product> {
    let mut conn = state.db.conn().await?;
    let shop = approved_shop(&mut conn, actor).await?;
    drop(conn);
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    let delta = adjustment.delta;
    if !delta_in_range(delta) {
        return Err(delta_error(format!(
            "must be a number of units between -{MAX_STOCK} and {MAX_STOCK}, not zero"
        )));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(level) = stock::adjust(&mut tx, shop, id, delta, MAX_STOCK, now).await? else {
        // Refused: no such product of the shop, or a level out of range (said with the stock
        // as it is now).
        let product = one(&mut tx, Viewer::Shop(shop), id)
            .await?
            .ok_or(ApiError::NotFound)?;
        return Err(delta_error(format!(
            "would leave the stock out of range: {} in stock",
            product.stock
        )));
    };
    let reason = InventoryReason::from(adjustment.reason);
    record(&mut tx, actor, id, reason, (delta, level.stock), now).await?;
    let entry = Entry::success("inventory:adjust", "products", Some(id), now).with_changes(json!({
        "stock": {"before": level.stock - delta, "after": level.stock},
        "reason": {"after": reason.as_str()},
    }));
    audit::record(&mut tx, actor, &entry).await?;
    tx.commit().await?;
    let mut conn = state.db.conn().await?;
    one(&mut conn, Viewer::Shop(shop), id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Whether `delta` is a change of stock at all (not zero) and within what a stock may hold.
pub(crate) fn delta_in_range(delta: i64) -> bool {
    delta != 0 && delta.unsigned_abs() <= MAX_STOCK.unsigned_abs()
}

/// 422 `validation_failed` naming `delta`.
fn delta_error(message: String) -> ApiError {
    ApiError::Validation(vec![field_error("delta", "out_of_range", &message)])
}

/// A page of product `product_id`'s inventory history, newest first, `limit` entries after
/// the cursor `after`: its seller's (`not_found` for another shop's product) or, for
/// administrators, any product's.
pub async fn history(
    actor: &Actor,
    state: &AppState,
    product_id: &str,
    limit: PageSize,
    after: Option<&str>,
) -> Result<InventoryPage> {
    let mut fields = Fields::new();
    let limit = limit.unwrap_or_else(|error| {
        fields.push(&error.field, &error.code, &error.message);
        0
    });
    let before = match after {
        None => Some(i64::MAX),
        Some(cursor) => cursor.parse::<i64>().ok().filter(|seq| *seq > 0),
    };
    if before.is_none() {
        fields.push("after", "unknown_cursor", "is not a cursor of this history");
    }
    fields.finish()?;
    let id = Id::parse(product_id).ok_or(ApiError::NotFound)?;
    let mut conn = state.db.conn().await?;
    let owner = products::shop_of(&mut conn, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !may_read(actor, &mut conn, owner).await? {
        return Err(ApiError::NotFound);
    }
    let count = i64::from(limit) + 1;
    let mut rows = stock::history(&mut conn, id, before.unwrap_or(i64::MAX), count).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|row| row.seq.to_string())
    } else {
        None
    };
    let items = rows.into_iter().map(entry).collect::<Result<_>>()?;
    Ok(InventoryPage { items, next_cursor })
}

/// Whether `actor` reads the history of a product of shop `owner`: administrators any shop's,
/// a seller its own approved shop's.
async fn may_read(actor: &Actor, conn: &mut Conn, owner: Id) -> Result<bool> {
    match &actor.who {
        Who::User(user) if matches!(user.role, Role::Admin | Role::SuperAdmin) => Ok(true),
        Who::User(_) => Ok(approved_shop(conn, actor).await? == owner),
        Who::System(_) => Ok(true),
        Who::Guest => Err(ApiError::Unauthenticated),
    }
}

/// The wire form of a recorded change.
fn entry(row: EventRow) -> Result<InventoryEntry> {
    let bad = |column: &str| ApiError::Internal(anyhow::anyhow!("inventory_events.{column}"));
    Ok(InventoryEntry {
        actor_type: ActorType::parse(&row.actor_type).ok_or_else(|| bad("actor_type"))?,
        actor_id: row.actor_id,
        reason: InventoryReason::parse(&row.reason).ok_or_else(|| bad("reason"))?,
        delta: row.delta,
        level: row.level,
        order_id: row.order_id.map(|order| order.to_string()),
        at: row.at,
    })
}
