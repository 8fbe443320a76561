//! Identity on the wire: what the auth widget and the shell send to `/api/v1/auth` and what
//! they get back. Endpoints (all under `/api/v1`):
//!
//! | endpoint | body | answer |
//! |---|---|---|
//! | `POST /auth/register` | [`NewAccount`] | 201 [`SessionGrant`] + cookies |
//! | `POST /auth/login` | [`Credentials`] | 200 [`LoginOutcome`] (+ cookies with a session) |
//! | `POST /auth/mfa/verify` | [`MfaVerify`] | 200 [`SessionGrant`] + cookies |
//! | `POST /auth/refresh` | none; refresh cookie + [`CSRF_HEADER`] | 200 [`SessionGrant`] + rotated cookies |
//! | `POST /auth/logout` | none; refresh cookie + [`CSRF_HEADER`] | 204, this device signed out, cookies cleared |
//! | `POST /auth/logout-all` | none; Bearer | 204, every device signed out, cookies cleared |
//! | `GET /auth/me` | Bearer | 200 [`SessionUser`] |
//! | `POST /auth/mfa/enroll` | none; Bearer | 200 [`MfaEnrollment`] |
//! | `POST /auth/mfa/activate` | [`MfaActivate`]; Bearer | 200 [`RecoveryCodes`] |
//! | `POST /auth/password/forgot` | [`ForgotPassword`] | 202 |
//! | `POST /auth/password/reset` | [`ResetPassword`] | 204 |
//!
//! "+ cookies": the refresh token in [`REFRESH_COOKIE`] and the CSRF token in [`CSRF_COOKIE`].

use crate::props::SessionUser;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/auth/register`: a new customer account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// A signed-in session: the access token to send as `Authorization: Bearer`, when it stops
/// working, and who it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionGrant {
    pub access_token: String,
    /// Unix seconds; the client asks for a new session before then.
    pub expires_at: i64,
    pub user: SessionUser,
}

/// What `POST /api/v1/auth/login` answers (200): a session at once, or, for an account with
/// two-factor authentication, a challenge to answer at `POST /api/v1/auth/mfa/verify`.
/// Externally tagged: `{"session": {...}}` or `{"mfaRequired": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum LoginOutcome {
    Session(SessionGrant),
    MfaRequired(MfaChallenge),
}

/// The password was right and a second factor is due. The challenge token is short-lived
/// (5 minutes), single-use, and good for nothing but `mfa/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MfaChallenge {
    pub challenge_token: String,
    /// Unix seconds.
    pub expires_at: i64,
}

/// `POST /api/v1/auth/mfa/verify`: the answer to a [`MfaChallenge`]. `code` is the six-digit
/// TOTP code of the authenticator app or one unused recovery code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MfaVerify {
    pub challenge_token: String,
    pub code: String,
}

/// `POST /api/v1/auth/mfa/enroll` (signed in): a new TOTP secret, not active until confirmed
/// with `mfa/activate`. Enrolling again before activation replaces the pending secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MfaEnrollment {
    /// The base32 secret, for typing into an app by hand.
    pub secret: String,
    /// `otpauth://totp/Bazaar:<email>?secret=...&issuer=Bazaar&algorithm=SHA1&digits=6&period=30`.
    pub otpauth_uri: String,
    /// The QR code of `otpauth_uri`: one string per row of modules, `'1'` dark and `'0'`
    /// light, square, without the quiet zone. Widgets draw it (as SVG) themselves, so no image
    /// URL or inline style is needed under the page's CSP.
    pub qr_rows: Vec<String>,
}

/// `POST /api/v1/auth/mfa/activate` (signed in): a current code from the app, proving it
/// holds the pending secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MfaActivate {
    pub code: String,
}

/// The answer to `mfa/activate`: ten single-use recovery codes, shown once and stored only
/// hashed, for when the authenticator is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

/// `POST /api/v1/auth/password/forgot`: always 202, whether or not the address has an account
/// (no enumeration). When it has one, a single-use reset link valid for 30 minutes is mailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ForgotPassword {
    pub email: String,
}

/// `POST /api/v1/auth/password/reset`: the token from the mailed link and the new password
/// (same policy as sign-up). 204; every session of the account is signed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResetPassword {
    pub token: String,
    pub password: String,
}

/// The cookie holding the refresh token: httpOnly, Secure, SameSite=Strict, `Path=/api/v1/auth`.
/// Scripts never see it; the browser sends it to the auth endpoints only.
pub const REFRESH_COOKIE: &str = "bazaar_refresh";

/// The cookie holding the CSRF token (double submit): readable by the shell, SameSite=Strict,
/// `Path=/`. Set together with the refresh cookie.
pub const CSRF_COOKIE: &str = "bazaar_csrf";

/// The header that must repeat [`CSRF_COOKIE`]'s value on every cookie-authenticated request
/// (`POST /auth/refresh`, `POST /auth/logout`).
pub const CSRF_HEADER: &str = "x-csrf-token";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::props::Role;
    use serde_json::json;

    #[test]
    fn a_new_account_uses_camel_case_members() {
        let account: NewAccount = serde_json::from_value(json!({
            "email": "a@example.com", "password": "correct horse battery", "displayName": "Asha"
        }))
        .unwrap();

        assert_eq!(account.display_name, "Asha");
        assert_eq!(
            serde_json::to_value(&account).unwrap(),
            json!({"email": "a@example.com", "password": "correct horse battery", "displayName": "Asha"})
        );
    }

    #[test]
    fn a_login_outcome_is_tagged_by_what_comes_next() {
        let challenge = LoginOutcome::MfaRequired(MfaChallenge {
            challenge_token: "c".into(),
            expires_at: 1,
        });

        assert_eq!(
            serde_json::to_value(&challenge).unwrap(),
            json!({"mfaRequired": {"challengeToken": "c", "expiresAt": 1}})
        );
    }

    #[test]
    fn credentials_are_an_email_and_a_password() {
        let credentials = Credentials {
            email: "a@example.com".into(),
            password: "pw".into(),
        };

        assert_eq!(
            serde_json::to_value(&credentials).unwrap(),
            json!({"email": "a@example.com", "password": "pw"})
        );
    }

    #[test]
    fn a_session_grant_carries_the_token_its_expiry_and_the_user() {
        let grant = SessionGrant {
            access_token: "t".into(),
            expires_at: 1_705_056_900,
            user: SessionUser {
                id: "u1".into(),
                display_name: "Asha".into(),
                role: Role::Customer,
                permissions: vec!["products:view".into()],
                mfa_verified: false,
            },
        };

        let value = serde_json::to_value(&grant).unwrap();

        assert_eq!(
            value,
            json!({
                "accessToken": "t",
                "expiresAt": 1_705_056_900,
                "user": {"id": "u1", "displayName": "Asha", "role": "CUSTOMER", "permissions": ["products:view"], "mfaVerified": false}
            })
        );
        assert_eq!(
            serde_json::from_value::<SessionGrant>(value).unwrap(),
            grant
        );
    }
}
