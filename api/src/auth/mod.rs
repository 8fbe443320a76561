//! Identity: password hashing ([`password`]), access tokens ([`token`]), what each role may
//! do ([`roles`]), sessions with their refresh cookies ([`session`], [`cookies`]), opaque
//! tokens ([`secret`]) and the TOTP second factor ([`totp`]). The HTTP side lives in
//! `routes/auth.rs`, `routes/session.rs`, `routes/mfa.rs`, `routes/password.rs` and
//! `extractor.rs`.

pub mod cookies;
pub mod password;
pub mod roles;
pub mod secret;
pub mod session;
pub mod token;
pub mod totp;
