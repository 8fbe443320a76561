//! Sign-up and sign-in on the wire: what the auth widget sends to `/api/v1/auth` and the
//! session it gets back.

use crate::props::SessionUser;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/auth/register`: a new customer account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// A signed-in session: the access token to send as `Authorization: Bearer`, when it stops
/// working, and who it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionGrant {
    pub access_token: String,
    /// Unix seconds; the client asks for a new session before then.
    pub expires_at: i64,
    pub user: SessionUser,
}

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
            },
        };

        let value = serde_json::to_value(&grant).unwrap();

        assert_eq!(
            value,
            json!({
                "accessToken": "t",
                "expiresAt": 1_705_056_900,
                "user": {"id": "u1", "displayName": "Asha", "role": "CUSTOMER", "permissions": ["products:view"]}
            })
        );
        assert_eq!(
            serde_json::from_value::<SessionGrant>(value).unwrap(),
            grant
        );
    }
}
