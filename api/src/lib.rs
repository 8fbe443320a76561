//! The storefront's HTTP server as a library: `main.rs` and the integration tests boot it the
//! same way, through [`Application::build`].
//!
//! Modules: [`config`] (settings from the environment) and [`cli`] (flags over them);
//! [`db`] (the SQLite or PostgreSQL pool, the embedded migrations, and storage per table);
//! [`auth`] (password hashing, access tokens, roles); [`extractor`] (JSON bodies and the
//! signed-in user, rejected as problem+json);
//! [`mail`] (the development mail sender, delivering the outbox to files);
//! [`startup`] (database, router, middleware, listener, shutdown); [`middleware`] (security
//! headers, CORS, rate limits, body size and timeout); [`error`] (the one error type and its
//! problem+json body); [`routes`] (the REST API under `/api/v1`, one module per resource);
//! [`static_files`] (the built front end, with the SPA fallback); [`state`] (what handlers
//! share); [`telemetry`] (logging).

pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod extractor;
pub mod invoice_pdf;
pub mod mail;
pub mod middleware;
pub mod payments;
pub mod routes;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod storage;
pub mod sweeper;
pub mod telemetry;

pub use clock::Clock;
pub use config::Config;
pub use db::Db;
pub use error::{ApiError, Result};
pub use startup::Application;
pub use state::AppState;
