//! Idempotency keys, Stripe's rule: the first request with a key runs and its answer is kept
//! for 24 hours; the same key with the same body gets that answer again, with another body
//! 422, while the first is still running 409. A request that failed without effect frees its
//! key, so a corrected retry may use it.

use crate::app::checkout::Answer;
use crate::auth::secret::hex;
use crate::crypto::{Column, Vault};
use crate::db::{Conn, Id, idempotency};
use crate::error::{ApiError, Result};
use sha2::{Digest as _, Sha256};

/// How long a key's answer is kept: 24 hours.
pub const TTL_SECS: i64 = 86_400;

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

/// Claims `key` for `customer` and `body` at `now`: `None` when this request goes ahead (then
/// [`keep`] its answer, or [`release`] the key), the first request's answer when this one
/// repeats it. A key older than the TTL counts as new.
pub(super) async fn claim(
    conn: &mut Conn,
    vault: &Vault,
    customer: Id,
    key: &IdempotencyKey,
    body: &[u8],
    now: i64,
) -> Result<Option<Answer>> {
    let hash = hex(&Sha256::digest(body));
    if idempotency::claim(conn, customer, key.as_str(), &hash, now, now - TTL_SECS).await? {
        return Ok(None);
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
        (true, Some(status), Some(body)) => Ok(Some(Answer {
            status: u16::try_from(status).unwrap_or(500),
            body: vault.open(Column::IdempotencyResponse, row_id(customer, key), &body)?,
            placed: None,
            replayed: true,
        })),
        (true, ..) => Err(ApiError::IdempotencyInProgress),
    }
}

/// Keeps `answer` with `customer`'s key: every repeat gets exactly it.
pub(super) async fn keep(
    conn: &mut Conn,
    vault: &Vault,
    customer: Id,
    key: &IdempotencyKey,
    answer: &Answer,
) -> Result<()> {
    let status = i32::from(answer.status);
    // Sealed: the answer is the placed order, delivery address and phone included.
    let body = vault.seal(
        Column::IdempotencyResponse,
        row_id(customer, key),
        &answer.body,
    );
    idempotency::store_answer(conn, customer, key.as_str(), status, &body).await?;
    Ok(())
}

/// The row id a kept answer is sealed for: the table's key is (customer, idempotency key).
fn row_id(customer: Id, key: &IdempotencyKey) -> String {
    format!("{customer}/{}", key.as_str())
}

/// Frees `customer`'s key after a request that wrote nothing.
pub(super) async fn release(conn: &mut Conn, customer: Id, key: &IdempotencyKey) -> Result<()> {
    idempotency::release(conn, customer, key.as_str()).await?;
    Ok(())
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
}
