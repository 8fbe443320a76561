//! Access tokens: HS256 JWTs with seed 000's claims (section 5.1), valid for 15 minutes, and
//! impersonation tokens (section 6.1): the target's claims plus who impersonates, why and
//! until when, under their own issuer [`IMPERSONATION_ISSUER`], valid as long as their support
//! session (at most 240 minutes) and revoked on the server (`db::impersonations::is_live`).
//!
//! Verification pins everything an attacker could otherwise choose: the algorithm (HS256
//! only, so `alg: none` and public-key algorithms, whose "key" an attacker could supply, are
//! refused before any signature check), the issuer, and the expiry (30 s of leeway for clock
//! drift between instances, no more). The expiry is checked against the time the caller
//! passes (the application's clock), not against the system time jsonwebtoken would read.

use crate::auth::roles;
use crate::config::{AppEnv, Config, dev_key};
use anyhow::Context as _;
use contracts::props::{Role, SessionUser};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The `iss` of every access token this server signs.
pub const ISSUER: &str = "bazaar.api";
/// The `iss` of impersonation tokens: the only other issuer accepted, and only on a token
/// that carries every impersonation claim (and never those claims under [`ISSUER`]).
pub const IMPERSONATION_ISSUER: &str = "bazaar.api/impersonation";
/// How long an access token lives (seed 000 section 5.2).
pub const LIFETIME_SECS: i64 = 15 * 60;
/// Clock drift tolerated when checking `exp`.
const LEEWAY_SECS: i64 = 30;
/// The file a development key is kept in, inside `Config::dev_key_dir`.
pub const DEV_KEY_FILE: &str = "dev-jwt.key";

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    /// The user id.
    pub sub: String,
    pub role: Role,
    /// The role's permissions when the token was signed (`roles::permissions`).
    pub permissions: Vec<String>,
    /// A seller's shop (DESIGN.md): the scope of the seller's reads and writes. `None` for
    /// the other roles, and for a seller without a shop.
    pub tenant_id: Option<String>,
    /// `true` when the session passed a second factor. Administrators need it for their
    /// permissions to count (see `routes::policy`).
    #[serde(default)]
    pub mfa: bool,
    /// When the session passed its second factor (unix seconds): the sign-in's time, kept by
    /// every refresh of the session. Acts that move money need it recent
    /// (`routes::policy::Policy::FreshMfa`). `None` without a second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_at: Option<i64>,
    /// Issued at, unix seconds.
    pub iat: i64,
    /// Expires at, unix seconds.
    pub exp: i64,
    /// Impersonation tokens only: the administrator acting as `sub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonated_by: Option<String>,
    /// Impersonation tokens only: the support session's id (what the server revokes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonation_session: Option<String>,
    /// Impersonation tokens only: when the session started, unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonation_started: Option<i64>,
    /// Impersonation tokens only: when the session ends, unix seconds (also `exp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonation_expires: Option<i64>,
    /// Impersonation tokens only: the support reason the administrator gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonation_reason: Option<String>,
}

/// The impersonation claims of a token, all present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpersonationClaims<'a> {
    pub admin: &'a str,
    pub session: &'a str,
    pub started: i64,
    pub expires: i64,
    pub reason: &'a str,
}

impl Claims {
    /// The claims of a fresh token for `user_id`, issued at `now` (unix seconds).
    pub fn new(user_id: &str, role: Role, now: i64) -> Claims {
        Claims {
            iss: ISSUER.to_owned(),
            sub: user_id.to_owned(),
            role,
            permissions: roles::permissions(role)
                .iter()
                .map(|p| (*p).to_owned())
                .collect(),
            tenant_id: None,
            mfa: false,
            mfa_at: None,
            iat: now,
            exp: now + LIFETIME_SECS,
            impersonated_by: None,
            impersonation_session: None,
            impersonation_started: None,
            impersonation_expires: None,
            impersonation_reason: None,
        }
    }

    /// The claims of an impersonation token: `target`'s role and permissions (never the
    /// administrator's), no second factor (the target's session passed none), and
    /// `session` with its start, end and reason. `tenant_id` is the target's shop, if any.
    pub fn impersonation(target: &str, role: Role, session: ImpersonationClaims<'_>) -> Claims {
        let mut claims = Claims::new(target, role, session.started);
        claims.iss = IMPERSONATION_ISSUER.to_owned();
        claims.exp = session.expires;
        claims.impersonated_by = Some(session.admin.to_owned());
        claims.impersonation_session = Some(session.session.to_owned());
        claims.impersonation_started = Some(session.started);
        claims.impersonation_expires = Some(session.expires);
        claims.impersonation_reason = Some(session.reason.to_owned());
        claims
    }

    /// The impersonation claims, when this is an impersonation token.
    pub fn impersonated(&self) -> Option<ImpersonationClaims<'_>> {
        Some(ImpersonationClaims {
            admin: self.impersonated_by.as_deref()?,
            session: self.impersonation_session.as_deref()?,
            started: self.impersonation_started?,
            expires: self.impersonation_expires?,
            reason: self.impersonation_reason.as_deref()?,
        })
    }

    /// Whether the issuer and the impersonation claims agree: an access token has none of
    /// them, an impersonation token all, with `exp` its session's end and no second factor;
    /// and a time of the second factor only with one.
    fn is_consistent(&self) -> bool {
        if self.mfa_at.is_some() && !self.mfa {
            return false;
        }
        let any = self.impersonated_by.is_some()
            || self.impersonation_session.is_some()
            || self.impersonation_started.is_some()
            || self.impersonation_expires.is_some()
            || self.impersonation_reason.is_some();
        match self.iss.as_str() {
            ISSUER => !any,
            IMPERSONATION_ISSUER => self
                .impersonated()
                .is_some_and(|session| session.expires == self.exp && !self.mfa),
            _ => false,
        }
    }

    /// The signed-in user as the front end sees it.
    pub fn session_user(&self, display_name: String) -> SessionUser {
        SessionUser {
            id: self.sub.clone(),
            display_name,
            role: self.role,
            permissions: self.permissions.clone(),
            mfa_verified: self.mfa,
        }
    }
}

/// The signing and verification keys, built once at startup and shared through `AppState`.
#[derive(Clone)]
pub struct JwtKeys(Arc<Keys>);

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys([redacted])")
    }
}

/// Why a token was not accepted. Clients are told only "unauthenticated"; the kind is for logs
/// and tests.
#[derive(Debug, thiserror::Error)]
#[error("invalid access token: {0}")]
pub struct InvalidToken(#[from] jsonwebtoken::errors::Error);

impl From<jsonwebtoken::errors::ErrorKind> for InvalidToken {
    fn from(kind: jsonwebtoken::errors::ErrorKind) -> Self {
        InvalidToken(kind.into())
    }
}

impl JwtKeys {
    /// Keys from an HMAC secret.
    pub fn new(secret: &[u8]) -> JwtKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER, IMPERSONATION_ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        // `exp` is checked in `verify`, against the application's clock.
        validation.validate_exp = false;
        JwtKeys(Arc::new(Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }))
    }

    /// The keys the configuration names: `JWT_SECRET`, or outside production the development
    /// key in `dev_key_dir`, created on first run so restarts keep sessions valid.
    pub fn from_config(config: &Config) -> anyhow::Result<JwtKeys> {
        let dev_key_path = config.dev_key_dir.join(DEV_KEY_FILE);
        match (&config.jwt_secret, config.app_env) {
            (Some(secret), AppEnv::Production) => {
                dev_key::refuse_development_key(secret, &dev_key_path, "JWT_SECRET")?;
                Ok(JwtKeys::new(secret.expose().as_bytes()))
            }
            (Some(secret), _) => Ok(JwtKeys::new(secret.expose().as_bytes())),
            // Config refuses a production without JWT_SECRET; this arm is for dev and staging.
            (None, _) => {
                let key = dev_key::load_or_create(
                    &dev_key_path,
                    "JWT_SECRET is not set; created a development signing key",
                )?;
                Ok(JwtKeys::new(key.expose().as_bytes()))
            }
        }
    }

    /// A signed token for `claims`.
    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.0.encoding)
            .context("signing an access token")
    }

    /// The claims of `token` if this server signed it, with HS256, under one of its two
    /// issuers with the claims that issuer implies, and it has not expired at `now` (unix
    /// seconds), give or take the 30 s of leeway. Whether an impersonation token's session is
    /// still live is the caller's question (`extractor::authenticate`).
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, InvalidToken> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.0.decoding, &self.0.validation)?;
        if !data.claims.is_consistent() {
            return Err(jsonwebtoken::errors::ErrorKind::InvalidIssuer.into());
        }
        if data.claims.exp.saturating_add(LEEWAY_SECS) < now {
            return Err(jsonwebtoken::errors::ErrorKind::ExpiredSignature.into());
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    /// The time the tests sign and verify at.
    const NOW: i64 = 1_700_000_000;

    fn keys() -> JwtKeys {
        JwtKeys::new(SECRET)
    }

    fn fresh_token() -> String {
        keys()
            .sign(&Claims::new("user-1", Role::Customer, NOW))
            .unwrap()
    }

    /// `token` with its header replaced by `header` (JSON), signature kept.
    fn with_header(token: &str, header: &str) -> String {
        let (_, rest) = token.split_once('.').unwrap();
        format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header))
    }

    #[test]
    fn a_signed_token_verifies_to_its_claims() {
        let claims = Claims::new("user-1", Role::Seller, NOW);

        let verified = keys().verify(&keys().sign(&claims).unwrap(), NOW).unwrap();

        assert_eq!(verified, claims);
        assert_eq!(verified.iss, "bazaar.api");
        assert_eq!(verified.exp - verified.iat, 900);
        assert_eq!(verified.permissions, roles::permissions(Role::Seller));
        assert_eq!(verified.tenant_id, None);
    }

    #[test]
    fn the_payload_has_seed_000_claim_names() {
        let token = fresh_token();
        let payload = token.split('.').nth(1).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();

        for claim in [
            "iss",
            "sub",
            "role",
            "permissions",
            "tenant_id",
            "iat",
            "exp",
        ] {
            assert!(json.get(claim).is_some(), "{claim} missing from {json}");
        }
        assert_eq!(json["role"], "CUSTOMER");
    }

    #[test]
    fn an_expired_token_is_refused_beyond_the_leeway() {
        let issued = NOW - LIFETIME_SECS - 31;
        let token = keys()
            .sign(&Claims::new("user-1", Role::Customer, issued))
            .unwrap();

        assert!(keys().verify(&token, NOW).is_err());
    }

    #[test]
    fn expiry_is_judged_at_the_time_given_with_thirty_seconds_of_leeway() {
        let token = keys()
            .sign(&Claims::new("user-1", Role::Customer, NOW))
            .unwrap();
        let exp = NOW + LIFETIME_SECS;

        assert!(keys().verify(&token, exp + 30).is_ok());
        assert!(keys().verify(&token, exp + 31).is_err());
        // The system time plays no part: a token issued in 2023 is fresh in 2023.
        assert!(keys().verify(&token, NOW).is_ok());
    }

    #[test]
    fn a_token_from_another_issuer_is_refused() {
        let mut claims = Claims::new("user-1", Role::Customer, NOW);
        claims.iss = "someone.else".into();

        assert!(keys().verify(&keys().sign(&claims).unwrap(), NOW).is_err());
    }

    #[test]
    fn a_token_signed_with_another_key_or_tampered_is_refused() {
        let other = JwtKeys::new(b"another secret of thirty-two bytes!!")
            .sign(&Claims::new("user-1", Role::Customer, NOW))
            .unwrap();
        let token = fresh_token();
        let (head, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { "B" } else { "A" };
        let tampered = format!("{head}.{flipped}{}", &signature[1..]);

        assert!(keys().verify(&other, NOW).is_err());
        assert!(keys().verify(&tampered, NOW).is_err());
    }

    #[test]
    fn a_token_claiming_admin_with_the_customer_signature_is_refused() {
        let token = fresh_token();
        let mut parts: Vec<&str> = token.split('.').collect();
        let mut claims = Claims::new("user-1", Role::Customer, NOW);
        claims.role = Role::SuperAdmin;
        let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        parts[1] = &forged;

        assert!(keys().verify(&parts.join("."), NOW).is_err());
    }

    #[test]
    fn alg_none_is_refused() {
        let token = fresh_token();
        let (head, _) = token.rsplit_once('.').unwrap();
        let unsigned = format!("{}.", with_header(head, r#"{"alg":"none","typ":"JWT"}"#));

        assert!(keys().verify(&unsigned, NOW).is_err());
    }

    #[test]
    fn other_algorithms_are_refused_even_when_correctly_signed() {
        let claims = Claims::new("user-1", Role::Customer, NOW);
        let hs384 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS384),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        let rs256 = with_header(&fresh_token(), r#"{"alg":"RS256","typ":"JWT"}"#);

        assert!(keys().verify(&hs384, NOW).is_err());
        assert!(keys().verify(&rs256, NOW).is_err());
    }

    fn support_session() -> ImpersonationClaims<'static> {
        ImpersonationClaims {
            admin: "admin-1",
            session: "session-1",
            started: NOW,
            expires: NOW + 1_800,
            reason: "Support ticket #12345",
        }
    }

    #[test]
    fn an_impersonation_token_carries_the_target_the_admin_and_its_own_issuer() {
        let claims = Claims::impersonation("user-1", Role::Customer, support_session());

        let verified = keys().verify(&keys().sign(&claims).unwrap(), NOW).unwrap();

        assert_eq!(verified.iss, "bazaar.api/impersonation");
        assert_eq!(verified.sub, "user-1");
        assert_eq!(verified.permissions, roles::permissions(Role::Customer));
        assert!(!verified.mfa);
        assert_eq!(verified.exp, NOW + 1_800);
        assert_eq!(verified.impersonated(), Some(support_session()));
        let token = keys().sign(&claims).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        for claim in [
            "impersonated_by",
            "impersonation_started",
            "impersonation_expires",
            "impersonation_reason",
        ] {
            assert!(json.get(claim).is_some(), "{claim} missing from {json}");
        }
        // An access token has none of them.
        let plain = fresh_token();
        let plain: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(plain.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap();
        assert!(plain.get("impersonated_by").is_none(), "{plain}");
    }

    #[test]
    fn issuer_and_impersonation_claims_must_agree() {
        let mut half = Claims::new("user-1", Role::Customer, NOW);
        half.impersonated_by = Some("admin-1".into());
        let mut unmarked = Claims::impersonation("user-1", Role::Customer, support_session());
        unmarked.iss = ISSUER.into();
        let mut incomplete = Claims::impersonation("user-1", Role::Customer, support_session());
        incomplete.impersonation_reason = None;
        let mut longer = Claims::impersonation("user-1", Role::Customer, support_session());
        longer.exp += 3_600;
        let mut with_mfa = Claims::impersonation("user-1", Role::Customer, support_session());
        with_mfa.mfa = true;

        for claims in [half, unmarked, incomplete, longer, with_mfa] {
            assert!(
                keys().verify(&keys().sign(&claims).unwrap(), NOW).is_err(),
                "{claims:?}"
            );
        }
    }

    #[test]
    fn a_time_of_the_second_factor_needs_the_second_factor() {
        let mut claims = Claims::new("user-1", Role::Admin, NOW);
        claims.mfa_at = Some(NOW);
        assert!(keys().verify(&keys().sign(&claims).unwrap(), NOW).is_err());
        claims.mfa = true;
        let verified = keys().verify(&keys().sign(&claims).unwrap(), NOW).unwrap();
        assert_eq!(verified.mfa_at, Some(NOW));
    }

    #[test]
    fn an_impersonation_token_expires_with_its_session() {
        let claims = Claims::impersonation("user-1", Role::Customer, support_session());
        let token = keys().sign(&claims).unwrap();

        assert!(keys().verify(&token, NOW + 1_800 + 30).is_ok());
        assert!(keys().verify(&token, NOW + 1_800 + 31).is_err());
    }
}
