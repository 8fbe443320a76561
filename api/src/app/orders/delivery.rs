//! An order's delivery address at rest: the recipient, phone, lines, city and PIN code sealed
//! for storage and opened after reading, and so is a business buyer's GSTIN (personal data
//! in DESIGN.md's list: it names a proprietor's PAN). The state code stays clear: it is the
//! place of supply, which GST and the invoices compute with, and names a state, not a person.

use crate::crypto::{Column, Vault};
use crate::db::Id;
use crate::db::orders::OrderRow;
use crate::error::Result;
use contracts::gstin::Gstin;
use contracts::orders::DeliveryAddress;

/// The sealed columns of order `id`'s address.
pub struct SealedAddress {
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub pincode: String,
    pub buyer_gstin: Option<String>,
}

/// `address` and the buyer's validated `gstin` (if any) sealed for order `id`.
pub fn seal(
    vault: &Vault,
    id: Id,
    address: &DeliveryAddress,
    gstin: Option<&Gstin>,
) -> SealedAddress {
    SealedAddress {
        buyer_gstin: vault.seal_opt(Column::OrdersBuyerGstin, id, gstin.map(Gstin::as_str)),
        name: vault.seal(Column::OrdersRecipient, id, &address.name),
        phone: vault.seal(Column::OrdersPhone, id, &address.phone),
        line1: vault.seal(Column::OrdersAddressLine1, id, &address.line1),
        line2: vault.seal_opt(Column::OrdersAddressLine2, id, address.line2.as_deref()),
        city: vault.seal(Column::OrdersCity, id, &address.city),
        pincode: vault.seal(Column::OrdersPincode, id, &address.pincode),
    }
}

/// The delivery address of `row`, opened.
pub fn open(vault: &Vault, row: &OrderRow) -> Result<DeliveryAddress> {
    let id = row.id;
    Ok(DeliveryAddress {
        name: vault.open(Column::OrdersRecipient, id, &row.recipient)?,
        phone: vault.open(Column::OrdersPhone, id, &row.phone)?,
        line1: vault.open(Column::OrdersAddressLine1, id, &row.address_line1)?,
        line2: vault.open_opt(Column::OrdersAddressLine2, id, row.address_line2.as_deref())?,
        city: vault.open(Column::OrdersCity, id, &row.city)?,
        state_code: row.state_code.clone(),
        pincode: vault.open(Column::OrdersPincode, id, &row.pincode)?,
    })
}

/// The buyer's GSTIN of `row`, opened; `None` for a consumer's order.
pub fn open_gstin(vault: &Vault, row: &OrderRow) -> Result<Option<String>> {
    Ok(vault.open_opt(Column::OrdersBuyerGstin, row.id, row.buyer_gstin.as_deref())?)
}
