//! Two `api serve` processes on one PostgreSQL database (PostgreSQL only: SQLite is one
//! instance): started at the same moment on a fresh database, so their migrations race (sqlx
//! holds a PostgreSQL advisory lock while it migrates); then one shopper's journey sent to
//! each in turn (a session made on one refreshes on the other, the cart filled on one is
//! checked out on the other, the payment's webhook arrives at the first); both run the
//! sweeper and the mail sender, and still each timed-out order is cancelled once (stock given
//! back once, one audit row, one status change) and each mail reaches the SMTP server once.

use crate::fixtures::{GSTIN_MH, PASSWORD, add_product, product_body, seller, staff};
use crate::helpers::{TEST_WEBHOOK_SECRET, TestApp, TestDatabase, expected_backend, session_of};
use crate::mail_sink::SmtpSink;
use crate::metrics::value;
use crate::orders::{
    fill_cart, get_order, order_body, order_of, place, reference, statuses, stock, webhook,
};
use crate::process::process_app_on;
use api::db::DbKind;
use contracts::orders::{Order, OrderStatus};
use contracts::props::Role;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

/// Orders left unpaid, to time out.
const UNPAID: usize = 3;
/// Password-reset mails asked for, alternately of each instance.
const RESETS: usize = 10;
/// The shirt's stock at the start.
const STOCK: i64 = 10;

/// `name` (with `labels`) summed over both instances' metrics.
async fn both(apps: [&TestApp; 2], name: &str, labels: &[&str]) -> f64 {
    let mut sum = 0.0;
    for app in apps {
        let text = app.get("/metrics").await.text().await.unwrap();
        sum += value(&text, name, labels).unwrap_or(0.0);
    }
    sum
}

#[tokio::test]
async fn two_instances_on_one_postgresql_share_the_journey_and_do_each_job_once() {
    if expected_backend() != DbKind::Postgres {
        eprintln!(
            "skipped: two instances need PostgreSQL (TEST_DATABASE_URL); SQLite is one instance only"
        );
        return;
    }
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let env = [
        ("SMTP_URL", smtp.as_str()),
        ("MAIL_POLL_INTERVAL_MS", "20"),
        ("PAYMENT_TIMEOUT_SECS", "4"),
        ("SWEEP_INTERVAL_SECS", "1"),
    ];
    let database = TestDatabase::create().await;
    let alias = database.alias();
    let keys = tempfile::tempdir().unwrap();
    let mut a = process_app_on(database, tempfile::tempdir().unwrap(), keys).await;
    // One field key for both (made in A's key folder when A's vault was built).
    let keys = tempfile::tempdir().unwrap();
    for key in std::fs::read_dir(a.keys.path()).unwrap() {
        let key = key.unwrap().path();
        std::fs::copy(&key, keys.path().join(key.file_name().unwrap())).unwrap();
    }
    let mut b = process_app_on(alias, tempfile::tempdir().unwrap(), keys).await;

    // At one moment, on a database with no table yet: both migrate.
    a.launch_process("", &env);
    b.launch_process("", &env);
    a.await_listening();
    b.await_listening();

    for app in [&a, &b] {
        let ready = app.get("/api/v1/health/ready").await;
        assert_eq!(ready.status(), StatusCode::OK);
    }
    let migrations = a
        .get("/api/v1/health/ready")
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(
        a.count("SELECT count(*) FROM _sqlx_migrations WHERE success")
            .await,
        migrations["migrations"].as_i64().unwrap(),
        "each migration applied once"
    );

    // The shop: an administrator's token works on both (one JWT key), the shop approved
    // through B, its product added through A.
    let admin = staff(&a, "admin@example.com", Role::Admin).await;
    let (seller, _) = seller(&b, &admin, "asha@example.com", GSTIN_MH).await;
    let mut body = product_body("Shirt", "SH-1", 100_000);
    body["stock"] = json!(STOCK);
    let shirt = add_product(&a, &seller, body).await;

    // A session made on A refreshes on B, and B's on A.
    let (_, on_a) = session_of(a.register("buyer@example.com", PASSWORD, "Buyer").await).await;
    let (_, on_b) = session_of(b.refresh(&on_a).await).await;
    let (grant, latest) = session_of(a.refresh(&on_b).await).await;
    let token = grant.access_token;

    // The cart on A, the checkout on B, the gateway's verdict to A, the order read on B.
    let cart = fill_cart(&a, &token, &shirt.id, 2).await;
    let paid: Order = order_of(
        place(&b, &token, Some("paid"), &order_body(&cart, "27")).await,
        StatusCode::CREATED,
    )
    .await;
    let event = json!({
        "transactionId": "txn-paid", "reference": reference(&paid),
        "outcome": "SUCCESS", "amount": paid.totals.total.0
    });
    let verdict = webhook(&a, &event, TEST_WEBHOOK_SECRET, a.clock.now()).await;
    assert_eq!(verdict.status(), StatusCode::OK);
    let read: Order = order_of(get_order(&b, &token, &paid.id).await, StatusCode::OK).await;
    assert_eq!(read.status, OrderStatus::OrderConfirmed);

    // Orders left unpaid, placed on each instance in turn: both sweepers see them due.
    let mut unpaid = Vec::new();
    for n in 0..UNPAID {
        let app = if n % 2 == 0 { &a } else { &b };
        let cart = fill_cart(app, &token, &shirt.id, 1).await;
        let key = format!("unpaid-{n}");
        let order: Order = order_of(
            place(app, &token, Some(&key), &order_body(&cart, "27")).await,
            StatusCode::CREATED,
        )
        .await;
        unpaid.push(order);
    }
    // And password resets asked of each in turn, for the two mail senders to race over.
    for n in 0..RESETS {
        let app = if n % 2 == 0 { &a } else { &b };
        assert_eq!(
            app.forgot_password("buyer@example.com").await.status(),
            StatusCode::ACCEPTED
        );
    }

    a.wait_for_count(
        "SELECT count(*) FROM orders WHERE status = 'PAYMENT_TIMEOUT'",
        UNPAID as i64,
    )
    .await;
    for order in &unpaid {
        let read: Order = order_of(get_order(&a, &token, &order.id).await, StatusCode::OK).await;
        let history = statuses(&read);
        for once in [OrderStatus::Timeout, OrderStatus::PaymentTimeout] {
            assert_eq!(
                history.iter().filter(|status| **status == once).count(),
                1,
                "{history:?}"
            );
        }
        let timeouts: Vec<_> = a
            .audited(0, "orders:transition")
            .await
            .into_iter()
            .filter(|row| row.resource_id.as_deref() == Some(order.id.as_str()))
            .filter(|row| row.changes.contains("\"after\":\"PAYMENT_TIMEOUT\""))
            .collect();
        assert_eq!(timeouts.len(), 1, "one audit row of the timeout");
    }
    // The stock of each timed-out order came back once: only the paid order's two are gone.
    assert_eq!(stock(&b, &shirt).await, STOCK - 2);
    assert_eq!(
        a.count("SELECT count(*) FROM inventory_events WHERE reason = 'order_released'")
            .await,
        UNPAID as i64
    );
    assert_eq!(
        both([&a, &b], "bazaar_orders_timed_out_total", &[]).await,
        UNPAID as f64
    );

    // Every mail (the confirmation and the resets) sent, each once.
    a.wait_for_count("SELECT count(*) FROM email_outbox WHERE state <> 'sent'", 0)
        .await;
    let sent = a.count("SELECT count(*) FROM email_outbox").await;
    assert!(
        sent > RESETS as i64,
        "the confirmation and the resets: {sent}"
    );
    let received = sink.received();
    let distinct: BTreeSet<String> = received.iter().map(|mail| mail.text()).collect();
    assert_eq!(
        received.len() as i64,
        sent,
        "each mail reached the server once"
    );
    assert_eq!(distinct.len(), received.len());
    assert_eq!(
        both(
            [&a, &b],
            "bazaar_mail_deliveries_total",
            &[r#"result="sent""#]
        )
        .await,
        sent as f64
    );

    // A refresh token spent on one instance is spent on the other too.
    assert_eq!(b.refresh(&on_a).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(b.refresh(&latest).await.status(), StatusCode::UNAUTHORIZED);
}
