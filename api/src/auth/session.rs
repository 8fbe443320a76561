//! The lifetimes and limits of a session and of the sign-in flow around it, in one place: the
//! use cases (`app::accounts`) apply them, and the session cookies (`auth::cookies`) live as
//! long as the refresh token they carry.

/// How long a refresh token lives: 7 days (seed 000 §5.1). Each rotation starts a new 7 days.
pub const REFRESH_LIFETIME_SECS: i64 = 7 * 24 * 3600;
/// Consecutive failed sign-ins that lock an account (seed 004).
pub const MAX_FAILED_LOGINS: i32 = 10;
/// How long a locked account stays locked.
pub const LOCKOUT_SECS: i64 = 15 * 60;
/// How long a sign-in challenge (password right, second factor due) may be answered.
pub const CHALLENGE_LIFETIME_SECS: i64 = 5 * 60;
/// Wrong codes a challenge tolerates before it dies.
pub const CHALLENGE_MAX_ATTEMPTS: i32 = 5;
/// How long a password-reset link works.
pub const RESET_LIFETIME_SECS: i64 = 30 * 60;
