//! Administrators acting as a user for support (seed 000 section 6): starting a session
//! ([`start`]), checking on every request that it is still live and ending it ([`session`]),
//! what support may not do meanwhile ([`guard`]), what it sees masked ([`masking`]), and the
//! customer's access history ([`history`]).
//!
//! The strict protocol: only a holder of `impersonate:execute` whose session passed a second
//! factor starts one; the target exists, is active (not locked), is no administrator and not
//! oneself; a mandatory reason and at most 240 minutes; no chaining (an impersonation token
//! carries the target's permissions, so the route's policy refuses it, and [`start`] refuses
//! it again). The token has no refresh token: when it runs out, the session is over.

pub mod guard;
pub mod history;
pub mod masking;
pub mod session;
mod start;

pub use guard::forbid;
pub use history::access_history;
pub use session::{end, ensure_live};
pub use start::{IMPERSONATE, START_SUBJECT, start};
