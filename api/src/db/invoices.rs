//! The `invoices` table: issuing one invoice per seller of a confirmed order (inside the
//! confirmation's transaction, see `app::invoices::issue`), and reading them within a scope
//! (a customer's own orders, a seller's own invoices, everything for administrators).

use crate::db::{Conn, Db, Id, Scope, on_pool, sql};
use contracts::Paise;
use contracts::calendar::Date;
use contracts::gst::{self, LineTax, Rate};
use contracts::gstin::StateCode;
use contracts::invoices::{Invoice, InvoiceLine, Party};
use sqlx::Row as _;

/// The unit quantity code printed on every line: numbers (pieces).
const UNIT: &str = "NOS";

/// The shops with lines in order `order`, in id order (the order invoices are numbered in).
pub async fn shops_of_order(conn: &mut Conn, order: Id) -> sqlx::Result<Vec<Id>> {
    sql("SELECT DISTINCT shop_id FROM order_lines WHERE order_id = $1 ORDER BY shop_id")
        .bind(order)
        .scalar_all(conn)
        .await
}

/// The next serial of `shop`'s invoices in financial year `fy`. Upsert-and-return: the row
/// lock makes concurrent confirmations of one seller take consecutive serials, never the same
/// one.
pub async fn next_serial(conn: &mut Conn, shop: Id, fy: u16) -> sqlx::Result<i64> {
    sql(
        "INSERT INTO invoice_counters (shop_id, financial_year, last_serial) \
         VALUES ($1, $2, 1) ON CONFLICT (shop_id, financial_year) \
         DO UPDATE SET last_serial = invoice_counters.last_serial + 1 RETURNING last_serial",
    )
    .bind(shop)
    .bind(i32::from(fy))
    .scalar_one(conn)
    .await
}

/// An invoice to insert: the supplier's particulars are copied from the shop as it is now.
pub struct NewInvoice<'a> {
    pub id: Id,
    pub order: Id,
    pub shop: Id,
    pub number: &'a str,
    pub financial_year: u16,
    pub serial: i64,
    /// `YYYY-MM-DD`.
    pub issued_on: &'a str,
    pub now: i64,
}

/// Inserts `invoice` with its supplier's name, GSTIN, address and state from `shops`.
pub async fn insert(conn: &mut Conn, invoice: &NewInvoice<'_>) -> sqlx::Result<()> {
    // The address is one text of lines; '\n' is a newline in the statement's own text, which
    // both backends keep in a string literal.
    sql(
        "INSERT INTO invoices (id, order_id, shop_id, number, financial_year, serial, \
           issued_on, supplier_name, supplier_gstin, supplier_address, supplier_state, \
           created_at) \
         SELECT $1, $2, s.id, $3, $4, $5, $6, s.legal_name, s.gstin, \
           s.address_line1 || CASE WHEN s.address_line2 IS NULL THEN '' \
             ELSE '\n' || s.address_line2 END || '\n' || s.city || ' ' || s.pincode, \
           s.state_code, $7 FROM shops s WHERE s.id = $8",
    )
    .bind(invoice.id)
    .bind(invoice.order)
    .bind(invoice.number)
    .bind(i32::from(invoice.financial_year))
    .bind(invoice.serial)
    .bind(invoice.issued_on)
    .bind(invoice.now)
    .bind(invoice.shop)
    .execute(conn)
    .await
    .map(drop)
}

/// The invoices of order `order_id` that `scope` may see, oldest serial first.
pub async fn of_order(db: &Db, scope: Scope, order_id: &str) -> Result<Vec<Invoice>, sqlx::Error> {
    if !crate::db::is_uuid(order_id) {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = on_pool!(db, |pool, sql| {
        sqlx::query_scalar(sql.pick(
            "SELECT id FROM invoices WHERE order_id = $1 ORDER BY shop_id",
            "SELECT id::text FROM invoices WHERE order_id = $1::uuid ORDER BY shop_id",
        ))
        .bind(order_id)
        .fetch_all(pool)
        .await
    })?;
    let mut invoices = Vec::new();
    for id in ids {
        if let Some(invoice) = get(db, scope, &id).await? {
            invoices.push(invoice);
        }
    }
    Ok(invoices)
}

/// Invoice `id`, if `scope` may see it: a customer its own orders' invoices, a seller its own.
pub async fn get(db: &Db, scope: Scope, id: &str) -> Result<Option<Invoice>, sqlx::Error> {
    if !crate::db::is_uuid(id) {
        return Ok(None);
    }
    let (kind, scope_id) = scope.binds();
    let head = on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "SELECT i.id AS id, i.order_id AS order_id, i.shop_id AS shop_id, i.number AS number, \
               i.issued_on AS issued_on, i.supplier_name AS supplier_name, \
               i.supplier_gstin AS supplier_gstin, i.supplier_address AS supplier_address, \
               i.supplier_state AS supplier_state, o.recipient AS recipient, \
               o.address_line1 AS line1, o.address_line2 AS line2, o.city AS city, \
               o.pincode AS pincode, o.state_code AS place_of_supply \
             FROM invoices i JOIN orders o ON o.id = i.order_id \
             WHERE i.id = $1 AND ($2 = 'all' OR ($2 = 'customer' AND o.customer_id = $3) \
               OR ($2 = 'shop' AND i.shop_id = $3))",
            "SELECT i.id::text AS id, i.order_id::text AS order_id, i.shop_id::text AS shop_id, \
               i.number AS number, i.issued_on AS issued_on, i.supplier_name AS supplier_name, \
               i.supplier_gstin AS supplier_gstin, i.supplier_address AS supplier_address, \
               i.supplier_state AS supplier_state, o.recipient AS recipient, \
               o.address_line1 AS line1, o.address_line2 AS line2, o.city AS city, \
               o.pincode AS pincode, o.state_code AS place_of_supply \
             FROM invoices i JOIN orders o ON o.id = i.order_id \
             WHERE i.id = $1::uuid AND ($2 = 'all' OR ($2 = 'customer' AND o.customer_id = $3::uuid) \
               OR ($2 = 'shop' AND i.shop_id = $3::uuid))",
        ))
        .bind(id)
        .bind(kind)
        .bind(scope_id)
        .fetch_optional(pool)
        .await?
        .map(|row| -> Result<[Option<String>; 15], sqlx::Error> {
            let mut values: [Option<String>; 15] = Default::default();
            for (slot, column) in values.iter_mut().zip([
                "id", "order_id", "shop_id", "number", "issued_on", "supplier_name",
                "supplier_gstin", "supplier_address", "supplier_state", "recipient", "line1",
                "line2", "city", "pincode", "place_of_supply",
            ]) {
                *slot = row.try_get(column)?;
            }
            Ok(values)
        })
        .transpose()
    })?;
    let Some(
        [
            Some(id),
            Some(order_id),
            Some(shop_id),
            Some(number),
            Some(issued_on),
            Some(supplier_name),
            Some(supplier_gstin),
            Some(supplier_address),
            Some(supplier_state),
            Some(recipient),
            Some(line1),
            line2,
            Some(city),
            Some(pincode),
            Some(place_of_supply),
        ],
    ) = head
    else {
        return Ok(None);
    };
    let lines = lines_of(db, &order_id, &shop_id).await?;
    let totals = gst::totals(lines.iter().map(|line| &line.tax))
        .map_err(|error| sqlx::Error::Decode(format!("totalling an invoice: {error}").into()))?;
    let state = |code: &str| {
        StateCode::parse(code)
            .map_or("", StateCode::name)
            .to_owned()
    };
    let mut recipient_address = vec![line1];
    recipient_address.extend(line2);
    recipient_address.push(format!("{city} {pincode}"));
    Ok(Some(Invoice {
        id,
        order_id,
        number,
        date: issued_on
            .parse::<Date>()
            .map_err(|_| sqlx::Error::Decode("invoices.issued_on is not a date".into()))?,
        supplier: Party {
            name: supplier_name,
            address: supplier_address.lines().map(str::to_owned).collect(),
            gstin: Some(supplier_gstin),
            state_name: state(&supplier_state),
            state_code: supplier_state,
        },
        recipient: Party {
            name: recipient,
            address: recipient_address,
            gstin: None,
            state_name: state(&place_of_supply),
            state_code: place_of_supply.clone(),
        },
        place_of_supply_name: state(&place_of_supply),
        place_of_supply_code: place_of_supply,
        lines,
        total_in_words: totals.total.in_words(),
        totals,
        reverse_charge: false,
    }))
}

/// The lines of `order_id` sold by `shop_id`, as frozen at placement.
async fn lines_of(db: &Db, order_id: &str, shop_id: &str) -> Result<Vec<InvoiceLine>, sqlx::Error> {
    on_pool!(db, |pool, sql| {
        sqlx::query(sql.pick(
            "SELECT name, hsn, quantity, unit_price, gst_rate, taxable, cgst, sgst, igst, total \
             FROM order_lines WHERE order_id = $1 AND shop_id = $2 ORDER BY position",
            "SELECT name, hsn, quantity, unit_price, gst_rate, taxable, cgst, sgst, igst, total \
             FROM order_lines WHERE order_id = $1::uuid AND shop_id = $2::uuid ORDER BY position",
        ))
        .bind(order_id)
        .bind(shop_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let quantity: i32 = row.try_get("quantity")?;
            let rate: i32 = row.try_get("gst_rate")?;
            Ok(InvoiceLine {
                description: row.try_get("name")?,
                hsn: row.try_get("hsn")?,
                quantity: u32::try_from(quantity).unwrap_or(0),
                unit: UNIT.to_owned(),
                unit_price: Paise(row.try_get("unit_price")?),
                tax: LineTax {
                    taxable: Paise(row.try_get("taxable")?),
                    rate: Rate(u32::try_from(rate).unwrap_or(0)),
                    cgst: Paise(row.try_get("cgst")?),
                    sgst: Paise(row.try_get("sgst")?),
                    igst: Paise(row.try_get("igst")?),
                    total: Paise(row.try_get("total")?),
                },
            })
        })
        .collect()
    })
}
