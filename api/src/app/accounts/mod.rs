//! Accounts: identity's use cases. Creating an account ([`registration`]), signing in with the
//! lockout and the second factor's challenge ([`mod@sign_in`]), sessions with their rotating
//! refresh tokens ([`sessions`]), enrolling and answering a TOTP authenticator ([`mfa`]),
//! password resets by mail ([`passwords`]), the signed-in account ([`profile`]) and the
//! administrators' listing ([`admin`]).
//!
//! Every time these rules read (token issue and expiry, lockout, challenge and reset expiry,
//! TOTP steps) comes from the state's clock. The lifetimes and limits themselves are in
//! `auth::session`; the HTTP side (cookies, CSRF, rendering) stays in `routes`. The modules
//! here call each other in one direction only: `mfa` → `sign_in` → `sessions` → `profile`,
//! `passwords` → `registration` → `sessions`; `lookup` (by email, through the blind index)
//! is below them all.

pub mod admin;
pub mod lookup;
pub mod mfa;
pub mod passwords;
pub mod profile;
pub mod registration;
pub mod sessions;
pub mod sign_in;

pub use profile::me;
pub use registration::{create_account, register};
pub use sessions::{Session, refresh, sign_out, sign_out_everywhere};
pub use sign_in::{SignIn, sign_in};
