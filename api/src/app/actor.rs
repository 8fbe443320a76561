//! [`Actor`]: who performs a use case. Built once per request from the access token (or for
//! the server's own tasks), and passed first to every use case, so scoping, audit rows and
//! impersonation need no globals (rust10x's `Ctx`).

use crate::auth::token::Claims;
use crate::db::Id;
use contracts::props::Role;

/// Who acts.
#[derive(Debug, Clone)]
pub enum Actor {
    /// Someone not signed in: browsing the catalog, filling a guest cart.
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
}

/// The server's own work, named for the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Timing out unpaid orders (`sweeper`).
    Sweeper,
    /// Applying a verified gateway event (`routes::webhooks`).
    PaymentGateway,
    /// An operator at the command line (`api seed-demo`, `api create-admin`).
    Operator,
}

impl Actor {
    /// The actor of a verified access token; `None` when its subject is not an id this server
    /// makes (a token is signed by us, so that is a bug, answered as unauthenticated).
    pub fn from_claims(claims: &Claims) -> Option<Actor> {
        Some(Actor::User(User {
            id: Id::parse(&claims.sub)?,
            role: claims.role,
            permissions: claims.permissions.clone(),
            shop: claims.tenant_id.as_deref().and_then(Id::parse),
            mfa: claims.mfa,
        }))
    }

    /// The signed-in user, if the actor is one.
    pub fn user(&self) -> Option<&User> {
        match self {
            Actor::User(user) => Some(user),
            Actor::Guest | Actor::System(_) => None,
        }
    }

    /// The signed-in user's id, if the actor is one.
    pub fn user_id(&self) -> Option<Id> {
        self.user().map(|user| user.id)
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

        let actor = Actor::from_claims(&claims).unwrap();

        let user = actor.user().unwrap();
        assert_eq!(
            (user.id, user.role, user.shop),
            (id, Role::Seller, Some(shop))
        );
        assert!(Actor::from_claims(&Claims::new("not-an-id", Role::Customer, 0)).is_none());
    }
}
