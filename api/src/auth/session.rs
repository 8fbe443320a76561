//! Starting and continuing sessions: an access token for the body, a refresh token for the
//! cookie, and the lifetimes and limits of the sign-in flow (refresh, lockout, MFA challenge,
//! password reset).

use crate::auth::token::{Claims, JwtKeys};
use crate::auth::{cookies, secret};
use crate::db::Db;
use crate::db::sessions;
use crate::db::users::UserRow;
use crate::error::Result;
use crate::extractor::Json;
use axum::http::{HeaderValue, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use contracts::auth::SessionGrant;

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

/// A session to hand to the browser: the grant for the body and the two `Set-Cookie` values
/// (refresh token and CSRF value).
pub struct Issued {
    pub grant: SessionGrant,
    pub cookies: [HeaderValue; 2],
}

impl Issued {
    /// The response with `body` (the grant itself, or a `LoginOutcome` wrapping it).
    pub fn respond_with(self, body: impl serde::Serialize) -> Response {
        let [refresh, csrf] = self.cookies;
        (
            AppendHeaders([
                (header::SET_COOKIE, refresh),
                (header::SET_COOKIE, csrf),
                // Tokens in the body: no cache, shared or private, may keep them.
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ]),
            Json(body),
        )
            .into_response()
    }
}

impl IntoResponse for Issued {
    fn into_response(self) -> Response {
        let grant = self.grant.clone();
        self.respond_with(grant)
    }
}

/// Starts a session for `user` after a sign-in: a new family (with `mfa` recorded on it), its
/// first refresh token, and an access token whose `mfa` claim says whether a second factor was
/// passed.
pub async fn start(db: &Db, keys: &JwtKeys, user: &UserRow, mfa: bool) -> Result<Issued> {
    let now = crate::auth::token::now();
    let refresh = secret::random_token();
    sessions::start_family(
        db,
        &user.id,
        mfa,
        &secret::hash_token(&refresh),
        now,
        now + REFRESH_LIFETIME_SECS,
    )
    .await?;
    issue(keys, user, mfa, &refresh, now)
}

/// The grant and cookies for `user` with the refresh token `refresh` (already stored).
pub fn issue(keys: &JwtKeys, user: &UserRow, mfa: bool, refresh: &str, now: i64) -> Result<Issued> {
    let mut claims = Claims::new(&user.id, user.role, now);
    claims.mfa = mfa;
    let grant = SessionGrant {
        access_token: keys.sign(&claims)?,
        expires_at: claims.exp,
        user: claims.session_user(user.display_name.clone()),
    };
    Ok(Issued {
        grant,
        cookies: cookies::set(refresh),
    })
}
