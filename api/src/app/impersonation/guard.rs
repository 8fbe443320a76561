//! What support may not do while acting as a user (seed 000 section 6.2): each use case that
//! changes a payment method, an address, the password, the email or the second factor calls
//! [`forbid`] first.

use crate::app::Actor;
use crate::error::{ApiError, Result};

/// 403 `impersonation_forbidden` naming `field` when `actor` is an administrator acting as
/// the user; nothing otherwise.
pub fn forbid(actor: &Actor, field: &'static str) -> Result<()> {
    match actor.impersonation() {
        Some(_) => Err(ApiError::ImpersonationForbidden(field)),
        None => Ok(()),
    }
}
