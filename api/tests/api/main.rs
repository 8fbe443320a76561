//! The API's integration tests: one binary (one link step) with a module per feature; every
//! test boots a real server on a free port, with a fresh database, through
//! `helpers::spawn_app`. The same tests run on SQLite and, with `TEST_DATABASE_URL`, on
//! PostgreSQL.

mod admin_accounts;
mod admin_figures;
mod audit;
mod audit_tamper;
mod auth;
mod backup;
mod cart_races;
mod carts;
mod catalog;
mod catalog_plans;
mod checkout_resume;
mod cli;
mod cors;
mod credit_notes;
mod database;
mod encryption;
mod errors;
mod fixtures;
mod fulfilment;
mod health;
mod helpers;
mod impersonation;
mod invoice_pdf;
mod lockout;
mod mail_sink;
mod metrics;
mod mfa;
mod orders;
mod password_reset;
mod process;
mod rate_limits;
mod razorpay;
mod razorpay_stand_in;
mod rbac;
mod reconciliation;
#[cfg(feature = "failpoints")]
mod refund_crash;
mod refunds;
mod request_limits;
mod security_headers;
mod seller_applications;
mod seller_dashboard;
mod seller_products;
mod sessions;
mod shop_profile;
mod shops;
mod smtp_mail;
mod static_files;
mod stock;
mod two_instances;
mod union_territory;
