//! The `shops` table: applications to sell, their review, and the approved seller's profile.
//! Every query a seller or applicant runs is scoped by `owner_id` in its `WHERE` clause.

use crate::db::{Db, DbKind, Dialect, on_pool, transaction};
use contracts::shops::{Address, Shop, ShopPage, ShopStatus};
// Statements assembled with `format!` splice in only constants of this module (column lists,
// `::uuid` casts); every value is bound. Hence the `AssertSqlSafe`s.
use sqlx::{AssertSqlSafe, Row as _};

/// An application that passed validation (the GSTIN normalised, the state checked).
pub struct NewShop<'a> {
    pub id: &'a str,
    pub owner_id: &'a str,
    pub legal_name: &'a str,
    pub display_name: &'a str,
    pub gstin: &'a str,
    pub address: &'a Address,
    pub created_at: i64,
}

const COLUMNS_SQLITE: &str = "id, owner_id, legal_name, display_name, gstin, address_line1, \
    address_line2, city, state_code, pincode, status, decision_note, decided_at, created_at";
const COLUMNS_POSTGRES: &str = "id::text AS id, owner_id::text AS owner_id, legal_name, \
    display_name, gstin, address_line1, address_line2, city, state_code, pincode, status, \
    decision_note, decided_at, created_at";

/// Writes a new application. The only writer of the shop's GSTIN and address, so the PII work
/// can encrypt them here. An owner who already has a shop gets the unique violation back.
pub async fn store_shop(db: &Db, shop: &NewShop<'_>) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "INSERT INTO shops (id, owner_id, legal_name, display_name, gstin, address_line1, \
               address_line2, city, state_code, pincode, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'PENDING', $11)",
            "INSERT INTO shops (id, owner_id, legal_name, display_name, gstin, address_line1, \
               address_line2, city, state_code, pincode, status, created_at) \
             VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, 'PENDING', $11)",
        ))
        .bind(shop.id)
        .bind(shop.owner_id)
        .bind(shop.legal_name)
        .bind(shop.display_name)
        .bind(shop.gstin)
        .bind(&shop.address.line1)
        .bind(&shop.address.line2)
        .bind(&shop.address.city)
        .bind(&shop.address.state_code)
        .bind(&shop.address.pincode)
        .bind(shop.created_at)
        .execute(pool)
        .await
        .map(drop)
    })
}

/// The shop of `owner_id`, whatever its status.
pub async fn of_owner(db: &Db, owner_id: &str) -> Result<Option<Shop>, sqlx::Error> {
    on_pool!(db, |pool, sql| {
        let query = match sql {
            Dialect::Sqlite => format!("SELECT {COLUMNS_SQLITE} FROM shops WHERE owner_id = $1"),
            Dialect::Postgres => {
                format!("SELECT {COLUMNS_POSTGRES} FROM shops WHERE owner_id = $1::uuid")
            }
        };
        sqlx::query(AssertSqlSafe(query))
            .bind(owner_id)
            .fetch_optional(pool)
            .await?
            .map(|row| decode(&row))
            .transpose()
    })
}

/// The id of `owner`'s shop (approved or not), if they have one: a seller's scope.
pub async fn id_of_owner(
    conn: &mut crate::db::Conn,
    owner: crate::db::Id,
) -> sqlx::Result<Option<crate::db::Id>> {
    crate::db::sql("SELECT id FROM shops WHERE owner_id = $1")
        .bind(owner)
        .scalar_optional(conn)
        .await
}

/// Up to `limit` shops with `status` (any when `None`), oldest first, after the shop `after`;
/// `None` when `after` names no shop. Keyset pagination on (created_at, id).
pub async fn list(
    db: &Db,
    status: Option<ShopStatus>,
    limit: u32,
    after: Option<&str>,
) -> Result<Option<ShopPage>, sqlx::Error> {
    let fetch = i64::from(limit) + 1;
    let status = status.map(ShopStatus::as_str);
    // SQLite reads `$N` as a *named* parameter numbered by first appearance, so statements
    // that use parameters out of order spell them `?N` there.
    if let Some(after) = after
        && !exists(db, after).await?
    {
        return Ok(None);
    }
    let mut items = on_pool!(db, |pool, sql| {
        let query = match sql {
            Dialect::Sqlite => format!(
                "SELECT {COLUMNS_SQLITE} FROM shops \
                 WHERE (?1 IS NULL OR status = ?1) \
                   AND (?3 IS NULL OR (created_at, id) > \
                     (SELECT created_at, id FROM shops WHERE id = ?3)) \
                 ORDER BY created_at, id LIMIT ?2"
            ),
            Dialect::Postgres => format!(
                "SELECT {COLUMNS_POSTGRES} FROM shops \
                 WHERE ($1::text IS NULL OR status = $1) \
                   AND ($3::uuid IS NULL OR (created_at, id) > \
                     (SELECT created_at, id FROM shops WHERE id = $3::uuid)) \
                 ORDER BY created_at, id LIMIT $2"
            ),
        };
        sqlx::query(AssertSqlSafe(query))
            .bind(status)
            .bind(fetch)
            .bind(after)
            .fetch_all(pool)
            .await?
            .iter()
            .map(decode)
            .collect::<Result<Vec<Shop>, sqlx::Error>>()?
    });
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|shop| shop.id.clone())
    } else {
        None
    };
    Ok(Some(ShopPage { items, next_cursor }))
}

/// What a decision did.
#[derive(Debug, PartialEq, Eq)]
pub enum Decided {
    /// The shop, as it now stands.
    Done(Box<Shop>),
    /// No shop has this id.
    NotFound,
    /// It was decided before: decisions are final (a rejected applicant applies anew).
    AlreadyDecided(ShopStatus),
}

/// Approves or rejects a pending application, in one transaction. Approval makes the owner a
/// SELLER if they were a CUSTOMER (an administrator who also sells keeps their role). Their
/// access token says CUSTOMER until it is refreshed, which re-reads the role.
pub async fn decide(
    db: &Db,
    id: &str,
    approve: bool,
    note: Option<&str>,
    decided_by: &str,
    now: i64,
) -> Result<Decided, sqlx::Error> {
    if db.kind() == DbKind::Postgres && uuid::Uuid::parse_str(id).is_err() {
        return Ok(Decided::NotFound);
    }
    let status = if approve {
        ShopStatus::Approved
    } else {
        ShopStatus::Rejected
    };
    transaction!(db, |tx, sql| {
        let (columns, cast) = match sql {
            Dialect::Sqlite => (COLUMNS_SQLITE, ""),
            Dialect::Postgres => (COLUMNS_POSTGRES, "::uuid"),
        };
        // Conditional on PENDING: two administrators deciding at once cannot both win.
        let updated = sqlx::query(AssertSqlSafe(format!(
            "UPDATE shops SET status = $1, decision_note = $2, decided_by = $3{cast}, \
               decided_at = $4 WHERE id = $5{cast} AND status = 'PENDING' RETURNING {columns}"
        )))
        .bind(status.as_str())
        .bind(note)
        .bind(decided_by)
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = updated else {
            let current = sqlx::query(AssertSqlSafe(format!(
                "SELECT status FROM shops WHERE id = $1{cast}"
            )))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            return Ok(match current {
                None => Decided::NotFound,
                Some(row) => Decided::AlreadyDecided(
                    ShopStatus::parse(row.try_get::<String, _>("status")?.as_str())
                        .ok_or_else(bad_status)?,
                ),
            });
        };
        let shop = decode(&row)?;
        if approve {
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE users SET role = 'SELLER' WHERE id = $1{cast} AND role = 'CUSTOMER'"
            )))
            .bind(&shop.owner_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Decided::Done(Box::new(shop)))
    })
}

/// Whether a shop has this id (a cursor must name one).
async fn exists(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    if db.kind() == DbKind::Postgres && uuid::Uuid::parse_str(id).is_err() {
        return Ok(false);
    }
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "SELECT 1 FROM shops WHERE id = $1",
            "SELECT 1 FROM shops WHERE id = $1::uuid",
        ))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map(|row| row.is_some())
    })
}

fn bad_status() -> sqlx::Error {
    sqlx::Error::Decode("shops.status holds a value outside its CHECK".into())
}

fn decode<R>(row: &R) -> Result<Shop, sqlx::Error>
where
    R: sqlx::Row,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let status: String = row.try_get("status")?;
    Ok(Shop {
        id: row.try_get("id")?,
        owner_id: row.try_get("owner_id")?,
        legal_name: row.try_get("legal_name")?,
        display_name: row.try_get("display_name")?,
        gstin: row.try_get("gstin")?,
        address: Address {
            line1: row.try_get("address_line1")?,
            line2: row.try_get("address_line2")?,
            city: row.try_get("city")?,
            state_code: row.try_get("state_code")?,
            pincode: row.try_get("pincode")?,
        },
        status: ShopStatus::parse(&status).ok_or_else(bad_status)?,
        decision_note: row.try_get("decision_note")?,
        decided_at: row.try_get("decided_at")?,
        created_at: row.try_get("created_at")?,
    })
}
