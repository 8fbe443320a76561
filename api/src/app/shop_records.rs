//! A shop's personal data at rest: its GSTIN and address sealed for storage and opened after
//! reading, and the "GSTIN taken" check through the GSTIN's blind index.

use crate::crypto::blind_index::lock_key;
use crate::crypto::{Column, Index, Vault};
use crate::db::shops::{self, ShopRow};
use crate::db::{Conn, Id, sealed};
use crate::error::Result;
use contracts::shops::Address;

/// The sealed columns of a new shop `id`.
pub struct SealedShop {
    pub gstin: String,
    pub gstin_index: i64,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub pincode: String,
}

/// Seals `gstin` (normalised) and `address` for shop `id`.
pub fn seal(vault: &Vault, id: Id, gstin: &str, address: &Address) -> SealedShop {
    SealedShop {
        gstin: vault.seal(Column::ShopsGstin, id, gstin),
        gstin_index: vault.blind_index(Index::Gstin, gstin),
        line1: vault.seal(Column::ShopsAddressLine1, id, &address.line1),
        line2: vault.seal_opt(Column::ShopsAddressLine2, id, address.line2.as_deref()),
        city: vault.seal(Column::ShopsCity, id, &address.city),
        pincode: vault.seal(Column::ShopsPincode, id, &address.pincode),
    }
}

/// `row` with its GSTIN and address opened.
pub fn open(vault: &Vault, row: ShopRow) -> Result<ShopRow> {
    let id = row.id;
    Ok(ShopRow {
        gstin: vault.open(Column::ShopsGstin, id, &row.gstin)?,
        address_line1: vault.open(Column::ShopsAddressLine1, id, &row.address_line1)?,
        address_line2: vault.open_opt(
            Column::ShopsAddressLine2,
            id,
            row.address_line2.as_deref(),
        )?,
        city: vault.open(Column::ShopsCity, id, &row.city)?,
        pincode: vault.open(Column::ShopsPincode, id, &row.pincode)?,
        ..row
    })
}

/// Whether another shop has `gstin` (normalised). Takes the lock of the GSTIN's index value
/// for the rest of the transaction on `conn`, so the insert that follows cannot race another
/// application with the same GSTIN. The truncated index only names candidates (it cannot be
/// UNIQUE: unrelated GSTINs share values by design); each is opened and compared.
pub async fn gstin_taken(conn: &mut Conn, vault: &Vault, gstin: &str) -> Result<bool> {
    let index = vault.blind_index(Index::Gstin, gstin);
    sealed::lock_index_value(conn, lock_key(Index::Gstin, index)).await?;
    for candidate in shops::by_gstin_index(conn, index).await? {
        if vault.open(Column::ShopsGstin, candidate.id, &candidate.gstin)? == gstin {
            return Ok(true);
        }
    }
    Ok(false)
}
