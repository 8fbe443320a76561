//! The use cases: what an [`Actor`] may do, one module per area. Every rule lives here:
//! validation beyond a field's own format, scopes (whose rows an actor reads or changes),
//! re-pricing, availability, stock reservation, the payment state machine's steps, invoice
//! assembly. A use case takes the actor first, then validated inputs, and the store (the
//! [`AppState`](crate::AppState)) or an open transaction; it reads time from the state's clock.
//!
//! Who calls whom: `routes` (HTTP in and out) call one use case each; use cases call `db`
//! (storage: SQL and row structs) and each other; `db` calls nothing above it.
//!
//! Personal data is sealed here (`state.vault`, `crypto`) before it reaches `db` and opened
//! here after it comes back: storage only ever sees ciphertext and blind indexes.

mod actor;
mod scope;

pub mod accounts;
pub mod audit;
pub mod carts;
pub mod catalog;
pub mod checkout;
pub mod credit_notes;
pub mod figures;
pub mod fulfilment;
pub mod impersonation;
pub mod invoices;
pub mod keys;
pub mod order_mail;
pub mod orders;
pub mod outbox;
pub mod payments;
pub mod seller_dashboard;
pub mod shop_profile;
pub mod shop_records;
pub mod shops;

pub use actor::{Actor, Impersonation, Origin, Task, User, Who};
pub use scope::reader_scope;
