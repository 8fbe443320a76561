//! The storefront's HTTP server as a library: `main.rs` and the integration tests boot it the
//! same way, through [`Application::build`].
//!
//! The layers (docs/ARCHITECTURE.md, "The API's layers"); each calls only the ones below it:
//! [`routes`] (HTTP in and out: extract, call one use case, render) → [`app`] (the use cases:
//! an [`app::Actor`] acts, the rules and scopes live here) → [`db`] (storage: SQL written once
//! for both backends, row structs) → the database. Beside them: [`domain`] (validated inputs),
//! [`clock`] (business time), [`error`] (the one error type), [`auth`] (passwords, tokens,
//! TOTP, roles), [`crypto`] (PII field encryption and blind indexes), [`payments`] (the gateways), [`object_store`] (product images), [`mail`] (the
//! outbox sender), [`sweeper`] (payment timeouts), [`pdf`] (invoices and credit
//! notes as PDF).
//!
//! Around them: [`config`] and [`cli`] (settings and flags), [`startup`] (database, router,
//! middleware, listener, shutdown), [`middleware`] (security headers, CORS, rate limits, body
//! size and timeout, problem+json), [`extractor`] (JSON bodies, the caller), [`state`] (what
//! handlers share), [`static_files`] (the built front end), [`csp`] (the shell's
//! Content-Security-Policy), [`demo`] (the demo shop),
//! [`telemetry`] (logging), [`metrics`] (Prometheus metrics, `GET /metrics`).

pub mod app;
pub mod auth;
pub mod catalog_seed;
pub mod checkpointer;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod csp;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod extractor;
pub mod mail;
pub mod metrics;
pub mod middleware;
pub mod object_store;
pub mod payments;
pub mod pdf;
pub mod routes;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod sweeper;
pub mod telemetry;

pub use clock::Clock;
pub use config::Config;
pub use db::Db;
pub use error::{ApiError, Result};
pub use startup::Application;
pub use state::AppState;
