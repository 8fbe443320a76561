//! The sealed columns: every column of personal data the database keeps, named once as
//! `table.column` (the associated data of its ciphertexts) and listed for rotation.

/// A column whose values are sealed by the [`Vault`](crate::crypto::Vault). Its table and
/// column name are part of each ciphertext's associated data, so a value copied into another
/// column does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    UsersEmail,
    ShopsGstin,
    ShopsAddressLine1,
    ShopsAddressLine2,
    ShopsCity,
    ShopsPincode,
    OrdersRecipient,
    OrdersPhone,
    OrdersAddressLine1,
    OrdersAddressLine2,
    OrdersCity,
    OrdersPincode,
    InvoicesSupplierGstin,
    InvoicesSupplierAddress,
    TotpSecret,
    TotpPendingSecret,
    OutboxToAddress,
    OutboxBody,
    /// A mail's HTML part (NULL for a text-only mail).
    OutboxHtmlBody,
    /// The order answer a repeated `POST /orders` replays (it shows the delivery address).
    /// Its row id is `<customer id>/<idempotency key>`. Not in [`SEALED_TABLES`]: these rows
    /// live 24 hours, so instead of being rotated they age out (see docs/RUNBOOK.md).
    IdempotencyResponse,
}

/// How a sealed table names its rows: the row id in the associated data is the key's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKey {
    /// A `db::Id` (TEXT on SQLite, `uuid` on PostgreSQL).
    Id,
    /// An integer (`email_outbox.id`).
    Int,
}

/// A table with sealed columns, as rotation walks it.
#[derive(Debug, Clone, Copy)]
pub struct SealedTable {
    pub table: &'static str,
    /// The column naming the row (the row id of the associated data).
    pub key: &'static str,
    pub key_kind: RowKey,
    pub columns: &'static [Column],
}

/// Every table with sealed columns. `api keys rotate` and `api keys status` walk these; a new
/// sealed column must be added here (the unit test below checks every [`Column`] is).
pub const SEALED_TABLES: &[SealedTable] = &[
    SealedTable {
        table: "users",
        key: "id",
        key_kind: RowKey::Id,
        columns: &[Column::UsersEmail],
    },
    SealedTable {
        table: "shops",
        key: "id",
        key_kind: RowKey::Id,
        columns: &[
            Column::ShopsGstin,
            Column::ShopsAddressLine1,
            Column::ShopsAddressLine2,
            Column::ShopsCity,
            Column::ShopsPincode,
        ],
    },
    SealedTable {
        table: "orders",
        key: "id",
        key_kind: RowKey::Id,
        columns: &[
            Column::OrdersRecipient,
            Column::OrdersPhone,
            Column::OrdersAddressLine1,
            Column::OrdersAddressLine2,
            Column::OrdersCity,
            Column::OrdersPincode,
        ],
    },
    SealedTable {
        table: "invoices",
        key: "id",
        key_kind: RowKey::Id,
        columns: &[
            Column::InvoicesSupplierGstin,
            Column::InvoicesSupplierAddress,
        ],
    },
    SealedTable {
        table: "totp_secrets",
        key: "user_id",
        key_kind: RowKey::Id,
        columns: &[Column::TotpSecret, Column::TotpPendingSecret],
    },
    SealedTable {
        table: "email_outbox",
        key: "id",
        key_kind: RowKey::Int,
        columns: &[
            Column::OutboxToAddress,
            Column::OutboxBody,
            Column::OutboxHtmlBody,
        ],
    },
];

impl Column {
    /// The table the column belongs to.
    pub fn table(self) -> &'static str {
        self.names().0
    }

    /// The column's own name.
    pub fn name(self) -> &'static str {
        self.names().1
    }

    fn names(self) -> (&'static str, &'static str) {
        match self {
            Column::UsersEmail => ("users", "email"),
            Column::ShopsGstin => ("shops", "gstin"),
            Column::ShopsAddressLine1 => ("shops", "address_line1"),
            Column::ShopsAddressLine2 => ("shops", "address_line2"),
            Column::ShopsCity => ("shops", "city"),
            Column::ShopsPincode => ("shops", "pincode"),
            Column::OrdersRecipient => ("orders", "recipient"),
            Column::OrdersPhone => ("orders", "phone"),
            Column::OrdersAddressLine1 => ("orders", "address_line1"),
            Column::OrdersAddressLine2 => ("orders", "address_line2"),
            Column::OrdersCity => ("orders", "city"),
            Column::OrdersPincode => ("orders", "pincode"),
            Column::InvoicesSupplierGstin => ("invoices", "supplier_gstin"),
            Column::InvoicesSupplierAddress => ("invoices", "supplier_address"),
            Column::TotpSecret => ("totp_secrets", "secret"),
            Column::TotpPendingSecret => ("totp_secrets", "pending_secret"),
            Column::OutboxToAddress => ("email_outbox", "to_address"),
            Column::OutboxBody => ("email_outbox", "body"),
            Column::OutboxHtmlBody => ("email_outbox", "html_body"),
            Column::IdempotencyResponse => ("idempotency_keys", "response"),
        }
    }
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.table(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_in_its_tables_rotation_list_once() {
        let listed: Vec<Column> = SEALED_TABLES
            .iter()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .inspect(|c| assert_eq!(c.table(), t.table, "{c}"))
            })
            .copied()
            .collect();
        // 20 variants, all but `IdempotencyResponse`; a new one must be added to
        // `SEALED_TABLES` and to this count.
        assert_eq!(listed.len(), 19);
        let unique: std::collections::HashSet<_> = listed.iter().collect();
        assert_eq!(unique.len(), listed.len());
    }
}
