//! What the shopping widgets share: API calls with any method and header ([`http`]), the
//! shopper's current cart ([`cart`]), the parts every page shows ([`parts`]), a cart's GST
//! breakup and totals ([`summary`]), saving a file the API serves ([`download`]), what every
//! back-office page starts from ([`back_office`]), and the seller's product form
//! ([`product_form`]).
//!
//! A library, not a widget: it has no `[package.metadata.widget]`, so xtask never builds or
//! deploys it; each widget links the little it uses.

pub mod back_office;
pub mod cart;
pub mod download;
pub mod http;
pub mod parts;
pub mod product_form;
pub mod summary;
