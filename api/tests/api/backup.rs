//! `api backup` while shoppers place orders, and `api restore` into a fresh place: the
//! restored server has every order acknowledged before the backup began, none asked for after
//! it ended, and an audit chain that verifies against the checkpoints copied with it.
//! On SQLite (`VACUUM INTO`) and, with `TEST_DATABASE_URL`, on PostgreSQL (`pg_dump`).

use crate::fixtures::{add_product, customer, product_body};
use crate::helpers::{TEST_CHECKPOINT_FILE, TestApp, TestDatabase};
use crate::orders::{fill_cart, get_order, order_body, order_of, place, world_with};
use crate::process::{spawn_process_app_on, spawn_process_app_with};
use contracts::orders::Order;
use reqwest::StatusCode;
use serde_json::json;
use std::cell::RefCell;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Shoppers placing orders at once.
const SHOPPERS: usize = 4;
/// Orders acknowledged before the backup starts.
const BEFORE: usize = 12;

/// An order the server acknowledged (201): its id, its shopper's token, when it was asked
/// for and when its answer was read.
struct Acknowledged {
    id: String,
    token: String,
    sent: Instant,
    at: Instant,
}

/// Runs the `api` binary with `args` on `database_url`, its checkpoint file `checkpoints` and
/// key folder `keys`, from a folder with no `.env`.
fn api(args: &[&str], database_url: &str, checkpoints: &Path, keys: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_api"))
        .args(args)
        .current_dir(keys)
        .env("APP_ENV", "dev")
        .env("DATABASE_URL", database_url)
        .env("AUDIT_CHECKPOINT_FILE", checkpoints)
        .env("DEV_KEY_DIR", keys)
        .output()
        .expect("starting the api binary")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Places orders of one mug as shopper `who` (`token`) until `stop` says so, noting each
/// acknowledged one.
async fn shop(
    app: &TestApp,
    who: usize,
    token: &str,
    mug: &str,
    stop: &RefCell<bool>,
    acknowledged: &RefCell<Vec<Acknowledged>>,
) {
    let mut n = 0;
    while !*stop.borrow() {
        n += 1;
        let cart = fill_cart(app, token, mug, 1).await;
        let key = format!("shopper-{who}-order-{n}");
        let sent = Instant::now();
        let order: Order = order_of(
            place(app, token, Some(&key), &order_body(&cart, "27")).await,
            StatusCode::CREATED,
        )
        .await;
        acknowledged.borrow_mut().push(Acknowledged {
            id: order.id,
            token: token.to_owned(),
            sent,
            at: Instant::now(),
        });
    }
}

/// Waits (polling, up to 60 s) until `ready` holds.
async fn until(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_backup_during_traffic_restores_every_acknowledged_order_and_a_verifying_chain() {
    // Checkpoints every second, so the backup carries some.
    let app = spawn_process_app_with("", &[("AUDIT_CHECKPOINT_INTERVAL_SECS", "1")]).await;
    let w = world_with(app).await;
    let mut body = product_body("Mug", "MG-1", 20_000);
    body["stock"] = json!(100_000);
    let mug = add_product(&w.app, &w.seller, body).await;
    let mut shoppers = Vec::new();
    for i in 0..SHOPPERS {
        shoppers.push(customer(&w.app, &format!("shopper{i}@example.com")).await.0);
    }
    let checkpoint_file = w.app.mail.path().join(TEST_CHECKPOINT_FILE);
    let backup_dir = tempfile::tempdir().unwrap();
    let backup = backup_dir.path().join("backup");
    let stop = RefCell::new(false);
    let acknowledged: RefCell<Vec<Acknowledged>> = RefCell::new(Vec::new());
    let window = RefCell::new(None);

    let take_backup = async {
        until("orders acknowledged and a checkpoint written", || {
            acknowledged.borrow().len() >= BEFORE
                && std::fs::read_to_string(&checkpoint_file).is_ok_and(|t| !t.is_empty())
        })
        .await;
        let (url, file, keys) = (
            w.app.database_url.clone(),
            checkpoint_file.clone(),
            w.app.keys.path().to_owned(),
        );
        let target = backup.clone();
        let started = Instant::now();
        // Off the test's thread: the shoppers keep shopping while it runs.
        let output = tokio::task::spawn_blocking(move || {
            api(&["backup", target.to_str().unwrap()], &url, &file, &keys)
        })
        .await
        .unwrap();
        let ended = Instant::now();
        assert!(output.status.success(), "{}", text(&output));
        *window.borrow_mut() = Some((started, ended, text(&output)));
        // Traffic goes on after the backup, then stops.
        until("orders asked for after the backup", || {
            acknowledged
                .borrow()
                .iter()
                .filter(|o| o.sent > ended)
                .count()
                >= SHOPPERS
        })
        .await;
        *stop.borrow_mut() = true;
    };
    let shopping = futures_util::future::join_all(
        shoppers
            .iter()
            .enumerate()
            .map(|(who, token)| shop(&w.app, who, token, &mug.id, &stop, &acknowledged)),
    );
    tokio::join!(take_backup, shopping);
    let (started, ended, said) = window.into_inner().unwrap();
    let acknowledged = acknowledged.into_inner();
    assert!(said.starts_with("backed up the "), "{said}");

    // Restore into a fresh database and folder, under the same keys (backups carry none).
    let database = TestDatabase::create().await;
    let mail = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    for key in std::fs::read_dir(w.app.keys.path()).unwrap() {
        let key = key.unwrap().path();
        std::fs::copy(&key, keys.path().join(key.file_name().unwrap())).unwrap();
    }
    let restored_checkpoints = mail.path().join(TEST_CHECKPOINT_FILE);
    let restore = |url: &str| {
        api(
            &["restore", backup.to_str().unwrap()],
            url,
            &restored_checkpoints,
            keys.path(),
        )
    };
    let restored = restore(&database.url);
    assert!(restored.status.success(), "{}", text(&restored));
    // Restoring again would overwrite: refused.
    let again = restore(&database.url);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("restore writes only into"),
        "{}",
        text(&again)
    );
    let restored = spawn_process_app_on(database, mail, keys, "", &[]).await;

    let before: Vec<&Acknowledged> = acknowledged.iter().filter(|o| o.at < started).collect();
    // Asked for after the backup ended. (An order answered after it may have been committed
    // before it: the answer is read when the test gets to it.)
    let after: Vec<&Acknowledged> = acknowledged.iter().filter(|o| o.sent > ended).collect();
    assert!(before.len() >= BEFORE && !after.is_empty());
    for order in &before {
        let found = get_order(&restored, &order.token, &order.id).await;
        assert_eq!(found.status(), StatusCode::OK, "order {} is lost", order.id);
    }
    for order in &after {
        let found = get_order(&restored, &order.token, &order.id).await;
        assert_eq!(
            found.status(),
            StatusCode::NOT_FOUND,
            "order {} was placed after the backup",
            order.id
        );
    }
    let (valid, report) = restored.audit_verify();
    assert!(valid, "{report}");
    assert!(!report.contains(" 0/0 checkpoints"), "{report}");
}
