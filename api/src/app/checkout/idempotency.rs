//! Idempotency keys, Stripe's rule with a lease: the first request with a key runs and its
//! answer is kept for 24 hours; the same key with the same body gets that answer again, with
//! another body 422. A claim is a short lease ([`lease_secs`]): while it is live a retry gets
//! 409 `idempotency_in_progress` with `Retry-After`; once it has passed (the attempt died: a
//! timeout, a disconnect, a crash, an error) a retry takes the key over and continues from the
//! order the key placed, if any (`checkout::resume`). A request that failed without effect
//! frees its key, so a corrected retry may use it.

use crate::app::checkout::Answer;
use crate::auth::secret::hex;
use crate::crypto::{Column, Vault};
use crate::db::idempotency::{self, Claim};
use crate::db::{Conn, Id};
use crate::error::{ApiError, Result};
use sha2::{Digest as _, Sha256};
use std::time::Duration;

/// How long a key's answer is kept: 24 hours.
pub const TTL_SECS: i64 = 86_400;

/// A claim's lease is this many times the request timeout (`REQUEST_TIMEOUT_SECS`). A request
/// is dropped at its timeout, counted from its start, which is before its claim: once one
/// timeout has passed since the claim, the attempt holding it is gone. The second timeout's
/// worth is margin for clocks of several instances (PostgreSQL) that disagree by a little.
pub const LEASE_TIMEOUTS: u32 = 2;

/// The lease when requests have no timeout (`REQUEST_TIMEOUT_SECS=0`): nothing drops a slow
/// attempt then, so the lease is long, and a takeover of a live attempt is still safe (it
/// can no longer record an order or an answer on the key).
pub const UNTIMED_LEASE_SECS: i64 = 300;

/// How long a claim is leased under the request timeout `request_timeout`, in seconds.
pub fn lease_secs(request_timeout: Option<Duration>) -> i64 {
    request_timeout
        .filter(|timeout| !timeout.is_zero())
        .map_or(UNTIMED_LEASE_SECS, |timeout| {
            // Whole seconds, rounded up: a lease never ends before its timeouts.
            let secs = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0);
            i64::try_from(secs * u64::from(LEASE_TIMEOUTS)).unwrap_or(UNTIMED_LEASE_SECS)
        })
}

/// An `Idempotency-Key` header value: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key a header value spells; 400 `idempotency_key_required` when it is missing or
    /// not a key.
    pub fn parse(header: Option<&str>) -> Result<IdempotencyKey> {
        header
            .filter(|key| {
                (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
            })
            .map(|key| IdempotencyKey(key.to_owned()))
            .ok_or(ApiError::IdempotencyKeyRequired)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A key held by one attempt: only it records an order or an answer on it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Held<'k> {
    pub customer: Id,
    pub key: &'k IdempotencyKey,
    pub holder: Id,
}

/// What claiming a key found.
#[derive(Debug)]
pub(super) enum Claimed<'k> {
    /// This attempt holds the key; the order an earlier attempt with it placed, if any.
    Held(Held<'k>, Option<Id>),
    /// The answer an earlier attempt with the key got: this request repeats it. With the order
    /// the key placed when that answer was the order (201): it is answered as it is now.
    Answered(Answer, Option<Id>),
}

/// Claims `key` for `customer` and `body` at `now` under a lease of `lease` seconds. A key
/// older than the TTL counts as new; 409 `idempotency_in_progress` while another attempt's
/// lease is live, 422 `idempotency_key_reused` for another body.
pub(super) async fn claim<'k>(
    conn: &mut Conn,
    vault: &Vault,
    customer: Id,
    key: &'k IdempotencyKey,
    body: &[u8],
    (now, lease): (i64, i64),
) -> Result<Claimed<'k>> {
    let hash = hex(&Sha256::digest(body));
    let holder = Id::new();
    let claim = Claim {
        customer,
        key: key.as_str(),
        hash: &hash,
        holder,
        now,
        stale_before: now - TTL_SECS,
        lease_before: now - lease,
    };
    if let Some(order) = idempotency::claim(conn, &claim).await? {
        let held = Held {
            customer,
            key,
            holder,
        };
        return Ok(Claimed::Held(held, order));
    }
    let stored = idempotency::get(conn, customer, key.as_str())
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a claimed key vanished")))?;
    match (
        stored.request_hash == hash,
        stored.status_code,
        stored.response,
    ) {
        (false, ..) => Err(ApiError::IdempotencyKeyReused),
        (true, Some(status), Some(body)) => Ok(Claimed::Answered(
            Answer {
                status: u16::try_from(status).unwrap_or(500),
                body: vault.open(Column::IdempotencyResponse, row_id(customer, key), &body)?,
                placed: None,
                replayed: true,
            },
            stored.order_id.filter(|_| status == 201),
        )),
        (true, ..) => Err(ApiError::IdempotencyInProgress {
            // At least a second: a lease taken over just now by another retry has all of it.
            retry_after_secs: u64::try_from(stored.leased_at + lease - now)
                .unwrap_or(0)
                .max(1),
        }),
    }
}

/// Keeps `answer` with the key `held`: every repeat gets exactly it.
pub(super) async fn keep(
    conn: &mut Conn,
    vault: &Vault,
    held: &Held<'_>,
    answer: &Answer,
) -> Result<()> {
    let status = i32::from(answer.status);
    // Sealed: the answer is the placed order, delivery address and phone included.
    let body = vault.seal(
        Column::IdempotencyResponse,
        row_id(held.customer, held.key),
        &answer.body,
    );
    idempotency::store_answer(
        conn,
        held.customer,
        held.key.as_str(),
        held.holder,
        status,
        &body,
    )
    .await?;
    Ok(())
}

/// Records `order` on the key `held`, in the transaction placing it; 409
/// `idempotency_in_progress` when a retry took the key over meanwhile (the caller rolls the
/// order back: the retry places or resumes it).
pub(super) async fn record_order(conn: &mut Conn, held: &Held<'_>, order: Id) -> Result<()> {
    let key = held.key.as_str();
    if idempotency::record_order(conn, held.customer, key, held.holder, order).await? {
        Ok(())
    } else {
        Err(ApiError::IdempotencyInProgress {
            retry_after_secs: 1,
        })
    }
}

/// The row id a kept answer is sealed for: the table's key is (customer, idempotency key).
fn row_id(customer: Id, key: &IdempotencyKey) -> String {
    format!("{customer}/{}", key.as_str())
}

/// Forgets every key older than the TTL at `now` (the sweeper's pass).
pub(crate) async fn forget_stale(conn: &mut Conn, now: i64) -> Result<()> {
    idempotency::prune(conn, now - TTL_SECS).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_one_to_255_visible_ascii_characters() {
        assert_eq!(
            IdempotencyKey::parse(Some("order-42")).unwrap().as_str(),
            "order-42"
        );
        assert!(IdempotencyKey::parse(Some(&"k".repeat(255))).is_ok());
        for bad in [
            None,
            Some(""),
            Some("a key"),
            Some("clé"),
            Some(&*"k".repeat(256)),
        ] {
            assert!(matches!(
                IdempotencyKey::parse(bad),
                Err(ApiError::IdempotencyKeyRequired)
            ));
        }
    }

    #[test]
    fn a_lease_outlasts_the_request_timeout() {
        assert_eq!(lease_secs(Some(Duration::from_secs(30))), 60);
        assert_eq!(lease_secs(Some(Duration::from_millis(1_500))), 4);
        assert_eq!(lease_secs(Some(Duration::ZERO)), UNTIMED_LEASE_SECS);
        assert_eq!(lease_secs(None), UNTIMED_LEASE_SECS);
    }
}
