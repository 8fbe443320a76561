//! The contract every part of the storefront shares: wire types, the widget protocol, money and
//! GST.
//!
//! This crate does no I/O and depends on serde alone, so the API, the host shell and every
//! widget compile the same definitions (native and wasm32). Its version *is* the contract
//! version: widgets and the shell embed it and the shell refuses widgets built against an
//! incompatible one (see [`federation::Compatibility`]).

pub mod admin;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cart;
pub mod catalog;
pub mod credit_notes;
pub mod events;
pub mod federation;
pub mod fulfilment;
pub mod gst;
pub mod gstin;
pub mod images;
pub mod impersonation;
pub mod inventory;
pub mod invoices;
pub mod mail;
pub mod money;
pub mod orders;
pub mod payments;
pub mod problem;
pub mod product_manager;
pub mod props;
pub mod seller_dashboard;
pub mod shops;
pub mod users;
pub mod version;

pub use money::Paise;
pub use problem::{FieldError, Problem};

/// The semver of this crate, which is the version of the contract shared by shell, widgets and API.
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
