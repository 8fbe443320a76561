//! Identity: password hashing ([`password`]), access tokens ([`token`]) and what each role may
//! do ([`roles`]). The HTTP side lives in `routes/auth.rs` and `extractor.rs`.

pub mod password;
pub mod roles;
pub mod token;
