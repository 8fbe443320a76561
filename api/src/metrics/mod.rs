//! Prometheus metrics: the process's recorder (the `metrics` facade, rendered as text by
//! `metrics-exporter-prometheus`), the name of every series, and the functions the server
//! records through. [`http`] measures each request; [`scrape`] answers `GET /metrics`.
//!
//! Labels carry route templates, statuses and outcome names only: never a path as sent, an
//! id, an address or anything a user typed, so a metric can neither identify a person nor
//! grow one series per order.

pub mod http;
pub mod scrape;

use metrics::{counter, describe_counter, describe_gauge, describe_histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// Requests answered, by `method`, `route` (the template) and `status`.
pub const HTTP_REQUESTS: &str = "bazaar_http_requests_total";
/// Seconds from a request's arrival to its response's head, by `method` and `route`.
pub const HTTP_DURATION: &str = "bazaar_http_request_duration_seconds";
/// The database pool's open connections.
pub const DB_POOL_OPEN: &str = "bazaar_db_pool_connections";
/// The database pool's idle connections.
pub const DB_POOL_IDLE: &str = "bazaar_db_pool_idle_connections";
/// The most connections the pool opens.
pub const DB_POOL_MAX: &str = "bazaar_db_pool_max_connections";
/// Mail waiting in the outbox (queued or due again after a failure).
pub const OUTBOX_PENDING: &str = "bazaar_outbox_pending";
/// Mail given up on, for an administrator to look at.
pub const OUTBOX_DEAD: &str = "bazaar_outbox_dead";
/// Delivery attempts of outbox mail, by `result`: `sent`, `retrying` or `dead`.
pub const MAIL_DELIVERIES: &str = "bazaar_mail_deliveries_total";
/// Sweeper passes, by `result`: `ok` or `error`.
pub const SWEEPER_RUNS: &str = "bazaar_sweeper_runs_total";
/// Orders the sweeper timed out because their payment did not arrive in time.
pub const ORDERS_TIMED_OUT: &str = "bazaar_orders_timed_out_total";
/// Verified gateway events, by `outcome` (`SUCCESS`: captured, or `FAILED`) and `disposition`
/// (what the shop did, as the API names it: `APPLIED`, `LATE`, `MISMATCHED`, `DUPLICATE`,
/// `IGNORED`; or `REDELIVERED` for a transaction recorded before, a webhook retry).
pub const PAYMENT_EVENTS: &str = "bazaar_payment_events_total";
/// Pending refunds the reconciler took up, by `state` after its pass: `done`, `failed`,
/// `pending`.
pub const REFUNDS_RECONCILED: &str = "bazaar_refunds_reconciled_total";

/// The latency histogram's buckets, in seconds: from a cached read to a slow checkout.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often histogram samples are folded into their buckets between scrapes, so memory
/// stays flat when nobody scrapes.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The recorder of this process, installed on first use. The `metrics` macros write to one
/// global recorder, so there is one per process: servers built in one process (the in-process
/// integration tests) share it, and a test that reads exact values starts its server as a
/// process of its own.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_owned()), LATENCY_BUCKETS)
            .expect("the latency buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; GET /metrics stays empty");
        }
        describe();
        handle
    })
}

/// Installs the recorder (if no server of this process did) and folds histogram samples every
/// few seconds, on the current runtime.
pub fn start() {
    let handle = handle();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(UPKEEP_INTERVAL);
        loop {
            ticks.tick().await;
            handle.run_upkeep();
        }
    });
}

/// The help lines of every series.
fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route template and status"
    );
    describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by route template"
    );
    describe_gauge!(DB_POOL_OPEN, "Open database connections in the pool");
    describe_gauge!(DB_POOL_IDLE, "Idle database connections in the pool");
    describe_gauge!(DB_POOL_MAX, "The most connections the pool opens");
    describe_gauge!(OUTBOX_PENDING, "Mail waiting in the outbox");
    describe_gauge!(OUTBOX_DEAD, "Mail given up on after its last attempt");
    describe_counter!(MAIL_DELIVERIES, "Mail delivery attempts, by result");
    describe_counter!(SWEEPER_RUNS, "Sweeper passes, by result");
    describe_counter!(ORDERS_TIMED_OUT, "Unpaid orders timed out by the sweeper");
    describe_counter!(
        PAYMENT_EVENTS,
        "Verified payment gateway events, by outcome and what the shop did with them"
    );
    describe_counter!(
        REFUNDS_RECONCILED,
        "Pending refunds taken up by the reconciler, by their state after it"
    );
}

/// A verified gateway event: its `outcome` and what the shop did with it (`disposition`).
pub fn payment_event(outcome: &'static str, disposition: &'static str) {
    counter!(PAYMENT_EVENTS, "outcome" => outcome, "disposition" => disposition).increment(1);
}

/// One sweeper pass: whether it worked, and how many orders it timed out.
pub fn sweeper_run(result: Result<u64, ()>) {
    let label = if result.is_ok() { "ok" } else { "error" };
    counter!(SWEEPER_RUNS, "result" => label).increment(1);
    if let Ok(expired) = result {
        counter!(ORDERS_TIMED_OUT).increment(expired);
    }
}

/// One reconciler pass: the refunds it finished, that failed, and that stay pending.
pub fn reconciled(done: u64, failed: u64, pending: u64) {
    for (state, count) in [("done", done), ("failed", failed), ("pending", pending)] {
        counter!(REFUNDS_RECONCILED, "state" => state).increment(count);
    }
}

/// One mail delivery attempt: `sent`, `retrying` or `dead`.
pub fn mail_delivery(result: &'static str) {
    counter!(MAIL_DELIVERIES, "result" => result).increment(1);
}
