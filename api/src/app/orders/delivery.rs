//! An order's delivery address at rest: the recipient, phone, lines, city and PIN code sealed
//! for storage and opened after reading. The state code stays clear: it is the place of
//! supply, which GST and the invoices compute with, and names a state, not a person.

use crate::crypto::{Column, Vault};
use crate::db::Id;
use crate::db::orders::OrderRow;
use crate::error::Result;
use contracts::orders::DeliveryAddress;

/// The sealed columns of order `id`'s address.
pub struct SealedAddress {
    pub name: String,
    pub phone: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub pincode: String,
}

/// `address` sealed for order `id`.
pub fn seal(vault: &Vault, id: Id, address: &DeliveryAddress) -> SealedAddress {
    SealedAddress {
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
