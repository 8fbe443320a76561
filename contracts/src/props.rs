//! What the shell hands a widget when it mounts it: the route, the session, where the API is.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The slot name of the page's main area, where route widgets mount.
pub const MAIN_SLOT: &str = "main";

/// Props of `mount(element, props_json)` and `handle.update(props_json)`, sent as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MountProps {
    /// The slot the widget is mounted in: [`MAIN_SLOT`] or a layout slot like `header-cart`.
    pub slot: String,
    /// Which loaded copy of the module this mount belongs to. A widget reports a crash with it,
    /// so the shell knows which slots share the broken instance.
    pub load_id: u32,
    /// The current path (without query string).
    pub path: String,
    /// Parameters captured by the route pattern, e.g. `id` for `/products/:id`.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// The query string, decoded.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// The signed-in user, if any. The access token exists only in the shell's memory and here:
    /// a widget uses it for its API calls and keeps it nowhere else (docs/MFE.md, "Sessions").
    #[serde(default)]
    pub session: Option<Session>,
    /// Base URL of the API, e.g. `/api/v1`.
    pub api_base: String,
    /// Set while an administrator acts as the signed-in user (seed 000 section 6): the
    /// session's token is an impersonation token, answers come masked, and the widget may say
    /// so. The shell shows the banner itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonation: Option<ImpersonationNotice>,
}

/// What the shell and widgets know of a support session: who, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImpersonationNotice {
    /// The administrator's display name.
    pub admin_name: String,
    /// Unix seconds: the session's end.
    pub expires_at: i64,
}

/// An authenticated session as the shell knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Bearer token for `Authorization` headers; short-lived, refreshed by the shell.
    pub access_token: String,
    /// Unix seconds when `access_token` expires.
    pub expires_at: i64,
    pub user: SessionUser,
    /// Set when `access_token` is an impersonation token: an administrator acts as `user`.
    /// Such a session has no refresh token: at `expires_at` (or the End button) the shell
    /// ends it and goes back to the administrator's own session, from the refresh cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonation: Option<ImpersonationNotice>,
}

/// The session a sign-in answer grants, as the auth widget hands it to the shell.
impl From<crate::auth::SessionGrant> for Session {
    fn from(grant: crate::auth::SessionGrant) -> Self {
        Session {
            access_token: grant.access_token,
            expires_at: grant.expires_at,
            user: grant.user,
            impersonation: None,
        }
    }
}

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub id: String,
    pub display_name: String,
    pub role: Role,
    pub permissions: Vec<String>,
    /// `true` when this session passed a second factor (TOTP or a recovery code). Administrators
    /// need it for every administrative route; without it they are sent to enrol or verify.
    #[serde(default)]
    pub mfa_verified: bool,
}

/// The four roles of seed 000 §3.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    SuperAdmin,
    Admin,
    Seller,
    Customer,
}

/// The session a support session grants, as the admin widget hands it to the shell.
impl From<crate::impersonation::ImpersonationGrant> for Session {
    fn from(grant: crate::impersonation::ImpersonationGrant) -> Self {
        Session {
            access_token: grant.access_token,
            expires_at: grant.expires_at,
            user: grant.user,
            impersonation: Some(grant.impersonation),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn props_use_camel_case_and_tolerate_missing_optional_members() {
        let props: MountProps = serde_json::from_str(
            r#"{"slot":"main","loadId":3,"path":"/cart","apiBase":"/api/v1"}"#,
        )
        .unwrap();
        assert_eq!(props.load_id, 3);
        assert!(props.session.is_none() && props.params.is_empty());
    }

    #[test]
    fn roles_serialise_as_seed_000_names() {
        assert_eq!(
            serde_json::to_string(&Role::SuperAdmin).unwrap(),
            r#""SUPER_ADMIN""#
        );
        assert_eq!(
            serde_json::from_str::<Role>(r#""SELLER""#).unwrap(),
            Role::Seller
        );
    }
}
