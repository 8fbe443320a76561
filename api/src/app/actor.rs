//! [`Actor`]: who performs a use case, and from where. Built once per request from the access
//! token (or for the server's own tasks), and passed first to every use case, so scoping,
//! audit rows and impersonation need no globals (rust10x's `Ctx`).

use crate::auth::token::Claims;
use crate::db::Id;
use contracts::props::Role;
use std::net::IpAddr;

/// Who acts, and the request they act through (for the audit).
#[derive(Debug, Clone)]
pub struct Actor {
    pub who: Who,
    pub origin: Origin,
}

/// Who acts.
#[derive(Debug, Clone)]
pub enum Who {
    /// Someone not signed in: browsing the catalog, filling a guest cart, signing in.
    Guest,
    /// A signed-in user, with what the access token grants.
    User(User),
    /// The server itself, acting on no user's behalf.
    System(Task),
}

/// A signed-in user as the access token describes them.
#[derive(Debug, Clone)]
pub struct User {
    pub id: Id,
    pub role: Role,
    /// The permissions the token grants (its role's, `auth::roles`).
    pub permissions: Vec<String>,
    /// The seller's shop (the token's `tenant_id`): the scope of a seller's reads and writes.
    pub shop: Option<Id>,
    /// Whether the session passed a second factor.
    pub mfa: bool,
    /// Set when an administrator acts as this user (seed 000 section 6): the user's
    /// permissions, never the administrator's, with the administrator named for the audit.
    pub impersonation: Option<Impersonation>,
}

/// An administrator's support session as another user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impersonation {
    /// The session's id: the server revokes it by this id (sign-out, the End button).
    pub session: Id,
    /// The administrator acting.
    pub admin: Id,
    /// When the session ends, unix seconds.
    pub expires_at: i64,
}

/// The server's own work, named for the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Timing out unpaid orders (`sweeper`).
    Sweeper,
    /// Applying a verified gateway event (`routes::webhooks`).
    PaymentGateway,
    /// An operator at the command line (`api seed-demo`, `api create-admin`, `api keys`).
    Operator,
    /// The server's checks before it serves (`app::keys::prepare` sealing clear text left
    /// from before encryption).
    Startup,
    /// Finishing refunds a crash or an unreachable gateway left pending
    /// (`app::payments::reconcile`, in the sweeper's pass).
    Reconciler,
}

/// Where a request came from: the client's address (`middleware::origin`) and its
/// `User-Agent`, cut to [`Origin::MAX_USER_AGENT`] characters. Empty for the server's own tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl Origin {
    /// A longer `User-Agent` is cut: the audit keeps what identifies a browser, not a payload.
    pub const MAX_USER_AGENT: usize = 256;

    /// The origin of a request from `ip` with `user_agent`.
    pub fn new(ip: Option<IpAddr>, user_agent: Option<&str>) -> Origin {
        let user_agent = user_agent
            .map(|agent| agent.chars().take(Self::MAX_USER_AGENT).collect::<String>())
            .filter(|agent| !agent.is_empty());
        Origin { ip, user_agent }
    }
}

impl Actor {
    /// Someone not signed in, calling from `origin`.
    pub fn guest(origin: Origin) -> Actor {
        Actor {
            who: Who::Guest,
            origin,
        }
    }

    /// The server's own `task`.
    pub fn system(task: Task) -> Actor {
        Actor {
            who: Who::System(task),
            origin: Origin::default(),
        }
    }

    /// The actor of a verified access token, calling from `origin`; `None` when its subject
    /// is not an id this server makes (a token is signed by us, so that is a bug, answered as
    /// unauthenticated).
    /// An impersonation token (`Claims::impersonated`) becomes the target with the session
    /// set; whether the session is still live was checked before (`extractor::authenticate`).
    pub fn from_claims(claims: &Claims, origin: Origin) -> Option<Actor> {
        let impersonation = match claims.impersonated() {
            Some(session) => Some(Impersonation {
                session: Id::parse(session.session)?,
                admin: Id::parse(session.admin)?,
                expires_at: session.expires,
            }),
            None => None,
        };
        let user = User {
            id: Id::parse(&claims.sub)?,
            role: claims.role,
            permissions: claims.permissions.clone(),
            shop: claims.tenant_id.as_deref().and_then(Id::parse),
            mfa: claims.mfa,
            impersonation,
        };
        Some(Actor {
            who: Who::User(user),
            origin,
        })
    }

    /// The signed-in user, if the actor is one.
    pub fn user(&self) -> Option<&User> {
        match &self.who {
            Who::User(user) => Some(user),
            Who::Guest | Who::System(_) => None,
        }
    }

    /// The signed-in user's id, if the actor is one.
    pub fn user_id(&self) -> Option<Id> {
        self.user().map(|user| user.id)
    }

    /// The server's own task, if the actor is one.
    pub fn task(&self) -> Option<Task> {
        match self.who {
            Who::System(task) => Some(task),
            Who::Guest | Who::User(_) => None,
        }
    }

    /// The impersonation the actor acts under, if any.
    pub fn impersonation(&self) -> Option<&Impersonation> {
        self.user().and_then(|user| user.impersonation.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seller_token_becomes_a_user_scoped_to_its_shop() {
        let id = Id::new();
        let shop = Id::new();
        let mut claims = Claims::new(&id.to_string(), Role::Seller, 0);
        claims.tenant_id = Some(shop.to_string());

        let actor = Actor::from_claims(&claims, Origin::default()).unwrap();

        let user = actor.user().unwrap();
        assert_eq!(
            (user.id, user.role, user.shop),
            (id, Role::Seller, Some(shop))
        );
        assert!(actor.impersonation().is_none());
        let stranger = Claims::new("not-an-id", Role::Customer, 0);
        assert!(Actor::from_claims(&stranger, Origin::default()).is_none());
    }

    #[test]
    fn an_impersonation_token_becomes_the_target_with_the_session_named() {
        let (target, admin, session) = (Id::new(), Id::new(), Id::new());
        let claims = Claims::impersonation(
            &target.to_string(),
            Role::Customer,
            crate::auth::token::ImpersonationClaims {
                admin: &admin.to_string(),
                session: &session.to_string(),
                started: 100,
                expires: 1_900,
                reason: "ticket",
            },
        );

        let actor = Actor::from_claims(&claims, Origin::default()).unwrap();

        assert_eq!(actor.user_id(), Some(target));
        assert_eq!(
            actor.impersonation(),
            Some(&Impersonation {
                session,
                admin,
                expires_at: 1_900
            })
        );
    }

    #[test]
    fn an_origin_keeps_a_bounded_user_agent() {
        let long = "x".repeat(1_000);
        let origin = Origin::new(None, Some(&long));
        assert_eq!(origin.user_agent.unwrap().len(), Origin::MAX_USER_AGENT);
        assert_eq!(Origin::new(None, Some("")).user_agent, None);
    }
}
