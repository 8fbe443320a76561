//! The `shops` table: applications to sell, their review, and the approved seller's profile.
//! Every query a seller or applicant runs is scoped by `owner_id` in its `WHERE` clause.

use crate::db::{Conn, Id, sql};

/// A row of `shops` (`SELECT *` decodes into it by column name; `gstin_index` is not read).
/// `gstin` and the address columns but `state_code` are sealed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShopRow {
    pub id: Id,
    pub owner_id: Id,
    pub legal_name: String,
    pub display_name: String,
    pub gstin: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub state_code: String,
    pub pincode: String,
    /// `PENDING`, `APPROVED` or `REJECTED` (the table's CHECK).
    pub status: String,
    pub decision_note: Option<String>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
}

/// An application to write, validated by the caller (the GSTIN normalised, the state
/// checked), its GSTIN and address sealed by it (`app::shop_records`).
#[derive(Debug)]
pub struct NewShop<'a> {
    pub id: Id,
    pub owner_id: Id,
    pub legal_name: &'a str,
    pub display_name: &'a str,
    pub gstin: &'a str,
    /// `shops.gstin_index`: the blind index of the normalised GSTIN.
    pub gstin_index: i64,
    pub address_line1: &'a str,
    pub address_line2: Option<&'a str>,
    pub city: &'a str,
    pub state_code: &'a str,
    pub pincode: &'a str,
    pub created_at: i64,
}

/// Writes a new, pending application (GSTIN and address as sealed by the caller). An owner who
/// already has a live (pending or approved) shop gets the unique violation of `shops` back
/// (`shops_one_live_per_owner`: two racing applications cannot both land); rejected ones do
/// not count, so a rejected applicant may apply again.
pub async fn insert(conn: &mut Conn, shop: &NewShop<'_>) -> sqlx::Result<()> {
    sql(
        "INSERT INTO shops (id, owner_id, legal_name, display_name, gstin, address_line1, \
           address_line2, city, state_code, pincode, status, created_at, gstin_index) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'PENDING', $11, $12)",
    )
    .bind(shop.id)
    .bind(shop.owner_id)
    .bind(shop.legal_name)
    .bind(shop.display_name)
    .bind(shop.gstin)
    .bind(shop.address_line1)
    .bind(shop.address_line2)
    .bind(shop.city)
    .bind(shop.state_code)
    .bind(shop.pincode)
    .bind(shop.created_at)
    .bind(shop.gstin_index)
    .execute(conn)
    .await
    .map(drop)
}

/// The id and sealed GSTIN of the shops whose GSTIN has blind index `index`: the candidates
/// of the "GSTIN taken" check, which opens and compares them. Rejected applications do not
/// hold their GSTIN: the applicant may apply again with it.
#[derive(Debug, sqlx::FromRow)]
pub struct GstinCandidate {
    pub id: Id,
    pub gstin: String,
}

/// See [`GstinCandidate`].
pub async fn by_gstin_index(conn: &mut Conn, index: i64) -> sqlx::Result<Vec<GstinCandidate>> {
    sql("SELECT id, gstin FROM shops WHERE gstin_index = $1 AND status <> 'REJECTED'")
        .bind(index)
        .fetch_all(conn)
        .await
}

/// Shop `id`, whatever its status.
pub async fn by_id(conn: &mut Conn, id: Id) -> sqlx::Result<Option<ShopRow>> {
    sql("SELECT * FROM shops WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The shop of `owner`, whatever its status: the newest, which is the live one when there is
/// one (a new application needs every earlier one rejected).
pub async fn of_owner(conn: &mut Conn, owner: Id) -> sqlx::Result<Option<ShopRow>> {
    sql("SELECT * FROM shops WHERE owner_id = $1 \
         ORDER BY CASE WHEN status = 'REJECTED' THEN 1 ELSE 0 END, created_at DESC, id DESC LIMIT 1")
        .bind(owner)
        .fetch_optional(conn)
        .await
}

/// The id of `owner`'s newest shop (approved or not), if they have one: a seller's scope.
pub async fn id_of_owner(
    conn: &mut crate::db::Conn,
    owner: crate::db::Id,
) -> sqlx::Result<Option<crate::db::Id>> {
    crate::db::sql("SELECT id FROM shops WHERE owner_id = $1 \
         ORDER BY CASE WHEN status = 'REJECTED' THEN 1 ELSE 0 END, created_at DESC, id DESC LIMIT 1")
        .bind(owner)
        .scalar_optional(conn)
        .await
}

/// Up to `count` shops with `status` (any when `None`), oldest first, after the shop `after`.
/// Keyset pagination on (created_at, id).
pub async fn list(
    conn: &mut Conn,
    status: Option<&str>,
    after: Option<Id>,
    count: i64,
) -> sqlx::Result<Vec<ShopRow>> {
    sql("SELECT * FROM shops \
         WHERE ($1 IS NULL OR status = $1) \
           AND ($2 IS NULL OR (created_at, id) > \
             (SELECT created_at, id FROM shops WHERE id = $2)) \
         ORDER BY created_at, id LIMIT $3")
    .bind(status)
    .bind(after)
    .bind(count)
    .fetch_all(conn)
    .await
}

/// Whether a shop has this id (a cursor must name one).
pub async fn exists(conn: &mut Conn, id: Id) -> sqlx::Result<bool> {
    sql("SELECT 1 FROM shops WHERE id = $1")
        .bind(id)
        .scalar_optional::<i32>(conn)
        .await
        .map(|found| found.is_some())
}

/// The status of shop `id`, if there is one.
pub async fn status(conn: &mut Conn, id: Id) -> sqlx::Result<Option<String>> {
    sql("SELECT status FROM shops WHERE id = $1")
        .bind(id)
        .scalar_optional(conn)
        .await
}

/// Records the decision `status` on shop `id` if it is still PENDING: two administrators
/// deciding at once cannot both win. The decided shop, or `None` when no pending shop has this
/// id.
pub async fn decide(
    conn: &mut Conn,
    id: Id,
    status: &str,
    note: Option<&str>,
    decided_by: Option<Id>,
    now: i64,
) -> sqlx::Result<Option<ShopRow>> {
    sql(
        "UPDATE shops SET status = $1, decision_note = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $5 AND status = 'PENDING' RETURNING *",
    )
    .bind(status)
    .bind(note)
    .bind(decided_by)
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Makes `user` a SELLER if they are a CUSTOMER (an administrator who also sells keeps their
/// role).
pub async fn make_seller(conn: &mut Conn, user: Id) -> sqlx::Result<()> {
    sql("UPDATE users SET role = 'SELLER' WHERE id = $1 AND role = 'CUSTOMER'")
        .bind(user)
        .execute(conn)
        .await
        .map(drop)
}
