//! Whom a rate limit counts: a client address (IPv6 by its /64 block), or, for sign-in, the
//! account named in the request's body, read here and handed back unchanged for the handler.

use crate::domain::email_lookup;
use crate::error::ApiError;
use crate::extractor::body_bytes;
use axum::body::Body;
use axum::extract::Request;
use sha2::{Digest as _, Sha256};
use std::net::{IpAddr, Ipv6Addr};

/// The key of one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Key {
    /// A client address. An IPv6 address counts by its /64 prefix, the block one subscriber
    /// usually gets, or one machine could take a fresh address per request. `None`: the
    /// server runs without connection info (in-process tests), and all clients share a key.
    Client(Option<IpAddr>),
    /// An account: the SHA-256 of its email as sign-in compares it (trimmed, lowercased), so
    /// the table holds no addresses in clear and every key is the same size.
    Account([u8; 32]),
}

impl Key {
    pub(super) fn client(ip: Option<IpAddr>) -> Key {
        Key::Client(ip.map(|ip| match ip {
            IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !((1u128 << 64) - 1))),
            v4 => v4,
        }))
    }

    pub(super) fn account(email: &str) -> Key {
        Key::Account(Sha256::digest(email_lookup(email).as_bytes()).into())
    }
}

/// Reads a sign-in body (within the body limit) for its `email`, and hands back the request
/// with the same bytes for the handler. The account is `None` when the body has no string
/// `email`: the handler then answers 400 or 415 itself, and only the per-address limits
/// count the attempt.
///
/// This is the part no rate-limiting crate does: `tower_governor`'s key extractors are
/// synchronous and see only the request's head, and the account is in the body.
pub(super) async fn sign_in_account(request: Request) -> Result<(Option<Key>, Request), ApiError> {
    /// Just the member needed; the rest of the body (the password) is not parsed here.
    #[derive(serde::Deserialize)]
    struct SignIn {
        email: String,
    }

    let (parts, body) = request.into_parts();
    // Within the body limit, like the handler's `Json`.
    let bytes = body_bytes(Request::from_parts(parts.clone(), body), &()).await?;
    let account = serde_json::from_slice::<SignIn>(&bytes)
        .ok()
        .map(|sign_in| Key::account(&sign_in.email));
    Ok((account, Request::from_parts(parts, Body::from(bytes))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64_prefix() {
        let one = Key::client(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let same_block = Key::client(Some("2001:db8:1:2:ffff::9".parse().unwrap()));
        let next_block = Key::client(Some("2001:db8:1:3::1".parse().unwrap()));

        assert_eq!(one, same_block);
        assert_ne!(one, next_block);
    }

    #[test]
    fn an_account_is_its_email_as_sign_in_compares_it() {
        assert_eq!(
            Key::account(" Asha@Example.IN "),
            Key::account("asha@example.in")
        );
        assert_ne!(
            Key::account("asha@example.in"),
            Key::account("ravi@example.in")
        );
    }
}
