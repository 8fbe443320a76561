//! The state shared by every handler.

use crate::app::audit::checkpoint::Checkpoints;
use crate::auth::token::JwtKeys;
use crate::clock::Clock;
use crate::crypto::Vault;
use crate::db::Db;
use crate::object_store::ObjectStore;
use crate::payments::Payments;
use axum::extract::FromRef;
use std::path::Path;
use std::sync::Arc;

/// Cloned into every request, so it holds only cheap handles (`Arc`s, pools). Handlers that
/// need one part take it through `State` (see the `FromRef` impls).
#[derive(Debug, Clone)]
pub struct AppState {
    /// The built front end (`DIST_DIR`). Only the path is kept: files are read on each
    /// request because deploys replace them while the server runs.
    pub dist_dir: Arc<Path>,
    /// The database pool (`DATABASE_URL`), already migrated when the server starts.
    pub db: Db,
    /// The access-token keys (`JWT_SECRET` or the development key), used by the sign-in
    /// handlers and the `AuthUser` extractor.
    pub jwt: JwtKeys,
    /// Where users open the storefront (`PUBLIC_URL`), for links in mail.
    pub public_url: Arc<str>,
    /// The payment gateway (`PAYMENT_PROVIDER`): the mock gateway or Razorpay.
    pub payments: Payments,
    /// The key the mock gateway's webhooks are signed with (`PAYMENT_WEBHOOK_SECRET`, or one
    /// made for this run). Razorpay's webhook secret lives with its gateway.
    pub webhook_secret: Arc<[u8]>,
    /// How long an order waits for its payment (`PAYMENT_TIMEOUT_SECS`).
    pub payment_timeout_secs: i64,
    /// How long a claim of an idempotency key is leased, in seconds: twice the request timeout
    /// (`app::checkout::lease_secs`). A retry after it resumes the attempt that held the key.
    pub checkout_lease_secs: i64,
    /// How old a pending refund must be before the reconciler finishes it
    /// (`REFUND_GRACE_SECS`).
    pub refund_grace_secs: i64,
    /// Where product images are kept (`UPLOAD_DIR`).
    pub images: ObjectStore,
    /// Business time: every rule that reads the time reads it here.
    pub clock: Clock,
    /// The PII field keys and blind-index keys (`FIELD_KEYS`, or the development key): use
    /// cases seal personal data before storage and open it after reading.
    pub vault: Vault,
    /// The audit log's signed checkpoints (`AUDIT_CHECKPOINT_FILE`, `AUDIT_CHECKPOINT_KEY`),
    /// which the chain status checks.
    pub checkpoints: Checkpoints,
}

#[cfg(test)]
impl AppState {
    /// A state for unit tests of middleware and routing: an in-memory database, fixed keys, no
    /// gateway, and a clock the test may move.
    pub(crate) async fn for_tests() -> AppState {
        const KEY: &[u8; 32] = b"0123456789abcdef0123456789abcdef";
        AppState {
            dist_dir: Path::new("unused").into(),
            db: Db::connect("sqlite::memory:")
                .await
                .expect("an in-memory database"),
            jwt: JwtKeys::new(KEY),
            public_url: "http://127.0.0.1:8080".into(),
            // Razorpay with the default addresses: nothing in these tests calls it.
            payments: Payments::Razorpay(crate::payments::razorpay::RazorpayGateway::new(
                &crate::config::RazorpaySettings::new("rzp_test_unused", "unused", "unused"),
            )),
            webhook_secret: Arc::from(&b"a test webhook secret of 32 bytes"[..]),
            payment_timeout_secs: 1_800,
            checkout_lease_secs: 60,
            refund_grace_secs: 120,
            clock: Clock::adjustable(),
            images: ObjectStore::Local("unused".into()),
            vault: crate::crypto::test_vault(),
            checkpoints: Checkpoints::new("unused", KEY),
        }
    }
}

impl FromRef<AppState> for JwtKeys {
    fn from_ref(state: &AppState) -> Self {
        state.jwt.clone()
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

impl FromRef<AppState> for Clock {
    fn from_ref(state: &AppState) -> Self {
        state.clock.clone()
    }
}
