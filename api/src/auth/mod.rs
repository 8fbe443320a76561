//! Identity's building blocks: password hashing ([`password`]), access tokens ([`token`]),
//! what each role may do ([`roles`]), the lifetimes and limits of sessions ([`session`]), the
//! session cookies ([`cookies`]), opaque tokens ([`secret`]) and the TOTP second factor
//! ([`totp`]). None of them touches the database: the rules that combine them are in
//! `app::accounts`, the HTTP side in `routes/auth.rs`, `routes/session.rs`, `routes/mfa.rs`,
//! `routes/password.rs` and `extractor.rs`.

pub mod cookies;
pub mod dev_key;
pub mod password;
pub mod roles;
pub mod secret;
pub mod session;
pub mod token;
pub mod totp;
