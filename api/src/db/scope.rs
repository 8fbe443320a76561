//! [`Scope`]: whose orders and invoices a reader sees, as the storage queries filter them. The
//! use cases decide the scope of an actor (`app::orders`); storage only applies it.

use crate::db::Id;

/// The rows a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A customer: their own orders, every line.
    Customer(Id),
    /// A seller: orders with lines of this shop, and only those lines (and their totals).
    Shop(Id),
    /// Administrators: everything.
    All,
}

impl Scope {
    /// The scope as two bind values, `($kind, $id)`: `'customer'`, `'shop'` or `'all'`, and the
    /// id the kind compares (the nil id for `all`, which no row has), for statements written
    /// `($2 = 'all' OR ($2 = 'customer' AND o.customer_id = $3) OR ...)`.
    pub fn binds(self) -> (&'static str, Id) {
        match self {
            Scope::Customer(id) => ("customer", id),
            Scope::Shop(id) => ("shop", id),
            Scope::All => ("all", Id::nil()),
        }
    }
}
