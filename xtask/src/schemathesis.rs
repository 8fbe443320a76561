//! The contract test of the test command: Schemathesis (pinned, in a virtualenv of its own)
//! against the real API binary on SQLite, as a guest, a customer, a seller and an
//! administrator signed in with a second factor, with every check and every phase (the
//! stateful one follows the document's links), at a fixed seed and at a random one printed
//! for replay (`SCHEMATHESIS_SEED=N` runs that seed alone). The exclusions are in
//! `xtask/schemathesis.toml`, each with its reason. Every role is held to zero failures.
//!
//! After the run the journey's data must still add up ([`CONSISTENCY`]): whatever the
//! generated requests did, no stock below zero or apart from its ledger, no order without
//! lines or whose totals are not its lines', no refund beyond its payment.

use crate::bench::http::{register_buyer, sign_in, sign_in_admin};
use crate::bench::{Server, tempfile_dir};
use crate::metadata::Workspace;
use crate::tools;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The Schemathesis release the test command installs from PyPI.
const VERSION: &str = "4.32.5";
/// The seed every run repeats; the second run's seed is drawn and printed.
const FIXED_SEED: u64 = 1;
/// What must hold of the database after the run: each query counts the rows that break a
/// rule (zero when consistent). Read with Python's `sqlite3` (the Python Schemathesis needs
/// is there anyway), read-only.
const CONSISTENCY: &[(&str, &str)] = &[
    (
        "a product's stock is below zero",
        "SELECT count(*) FROM products WHERE stock < 0",
    ),
    (
        "a product's stock is not its initial stock plus every change since (sold, released, returned, adjusted)",
        "SELECT count(*) FROM products p WHERE p.stock IS NOT \
         (SELECT sum(delta) FROM inventory_events e WHERE e.product_id = p.id)",
    ),
    (
        "an inventory event's level is not the sum of the changes up to it",
        "SELECT count(*) FROM inventory_events e WHERE e.level != \
         (SELECT sum(delta) FROM inventory_events f WHERE f.product_id = e.product_id AND f.seq <= e.seq)",
    ),
    (
        "an order has no lines",
        "SELECT count(*) FROM orders o WHERE NOT EXISTS \
         (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)",
    ),
    (
        "an order's totals are not the sum of its lines'",
        "SELECT count(*) FROM orders o WHERE EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id \
         GROUP BY l.order_id HAVING sum(l.total) != o.total OR sum(l.taxable) != o.taxable \
         OR sum(l.cgst) != o.cgst OR sum(l.sgst) != o.sgst OR sum(l.igst) != o.igst)",
    ),
    (
        "an order line's units were not reserved from the stock exactly once",
        "SELECT count(*) FROM order_lines l WHERE (SELECT -sum(delta) FROM inventory_events e \
         WHERE e.order_id = l.order_id AND e.product_id = l.product_id AND e.reason = 'order_reserved') \
         IS NOT l.quantity",
    ),
    (
        "an order released more units than it reserved",
        "SELECT count(*) FROM order_lines l WHERE (SELECT coalesce(sum(delta), 0) FROM inventory_events e \
         WHERE e.order_id = l.order_id AND e.product_id = l.product_id \
         AND e.reason IN ('order_reserved', 'order_released')) > 0",
    ),
    (
        "a paid order has no applied payment of its total",
        "SELECT count(*) FROM orders o WHERE o.status IN ('SUCCESS', 'ORDER_CONFIRMED') AND NOT EXISTS \
         (SELECT 1 FROM payment_events p WHERE p.order_id = o.id AND p.outcome = 'SUCCESS' \
         AND p.disposition = 'APPLIED' AND p.amount = o.total)",
    ),
    (
        "a payment's refunds (pending or done) exceed it",
        "SELECT count(*) FROM payment_events p WHERE p.amount < (SELECT coalesce(sum(r.amount), 0) \
         FROM refunds r WHERE r.payment_txn_id = p.gateway_txn_id AND r.state != 'FAILED')",
    ),
    (
        "an order's refunded amount is not its done refunds'",
        "SELECT count(*) FROM orders o WHERE o.refunded != (SELECT coalesce(sum(r.amount), 0) \
         FROM refunds r WHERE r.order_id = o.id AND r.state = 'DONE')",
    ),
];

/// Examples per operation and phase: enough to find what the document gets wrong, few enough
/// that the four roles fit the budget (at most five minutes in all).
const MAX_EXAMPLES: &str = "10";

/// The `st` of the virtualenv under the target directory, installed (pinned) when missing or
/// of another version.
pub fn ensure_installed(workspace: &Workspace) -> Result<PathBuf> {
    let venv = workspace.target_dir.join("schemathesis-venv");
    let st = venv.join("bin").join("st");
    let installed = Command::new(&st)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(VERSION));
    if !installed {
        eprintln!(
            "xtask: installing schemathesis=={VERSION} into {}",
            venv.display()
        );
        tools::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))
            .context("creating the Schemathesis virtualenv (apt-get install python3-venv)")?;
        tools::run(Command::new(venv.join("bin").join("pip")).args([
            "install",
            "--quiet",
            &format!("schemathesis=={VERSION}"),
        ]))?;
    }
    Ok(st)
}

/// Runs Schemathesis as every role against `api` (the debug binary the test command built).
pub fn run(workspace: &Workspace, api: &Path) -> Result<()> {
    let started = Instant::now();
    let st = ensure_installed(workspace)?;
    let data = tempfile_dir(&workspace.target_dir.join("schemathesis-data"))?;
    let database_url = format!("sqlite://{}", data.join("bazaar.db").display());
    // The demo accounts (customer, seller with an approved shop and a catalog, administrator).
    tools::run(
        Command::new(api)
            .arg("seed-demo")
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            .env("RUST_LOG", "warn")
            .current_dir(&data),
    )?;
    let server = Server::start(
        Command::new(api)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            .env("DIST_DIR", data.join("no-dist"))
            // One client from one address: the limits would answer 429 to most of the run.
            .env("RATE_LIMIT_API_PER_MINUTE", "0")
            .env("RATE_LIMIT_LOGIN", "0")
            .env("RATE_LIMIT_LOGIN_ACCOUNT", "0")
            .env("RATE_LIMIT_MFA", "0")
            .env("RATE_LIMIT_PASSWORD_RESET", "0")
            .env("RATE_LIMIT_REGISTER", "0")
            .env("RATE_LIMIT_ORDERS", "0")
            .env("RUST_LOG", "warn")
            .current_dir(&data),
    )?;
    let addr = &server.addr;
    let roles = [
        ("anonymous", None),
        // A new customer (the demo customer's cart and orders stay as seeded).
        (
            "customer",
            Some(register_buyer(addr, "contract@example.com")?.0),
        ),
        (
            "seller",
            Some(sign_in(addr, "seller@bazaar.test", "demo-seller-pass")?),
        ),
        (
            "admin",
            Some(sign_in_admin(addr, "admin@bazaar.test", "demo-admin-pass")?),
        ),
    ];
    let seeds = match std::env::var("SCHEMATHESIS_SEED") {
        Ok(seed) => vec![seed.parse().context("SCHEMATHESIS_SEED is a number")?],
        Err(_) => vec![
            FIXED_SEED,
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(7, |elapsed| elapsed.as_secs()),
        ],
    };
    eprintln!(
        "xtask: schemathesis seeds {seeds:?} (replay one: SCHEMATHESIS_SEED=N cargo xtask schemathesis)"
    );
    let config = workspace.root.join("xtask").join("schemathesis.toml");
    let work = workspace.target_dir.join("schemathesis-work");
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let mut failed = Vec::new();
    for &seed in &seeds {
        for (role, token) in &roles {
            eprintln!("xtask: schemathesis as {role}, seed {seed}");
            let mut command = Command::new(&st);
            command
                .arg("--config-file")
                .arg(&config)
                .args(["run", &format!("http://{addr}/api/v1/openapi.json")])
                .args(["--url", &format!("http://{addr}/api/v1")])
                .args(["--checks", "all", "--max-examples", MAX_EXAMPLES])
                .args(["--seed", &seed.to_string()])
                .arg("--no-color")
                // Schemathesis keeps its cache (`.schemathesis/`: earlier runs' failures,
                // replayed first) in its working directory: under the target directory, kept
                // from run to run, not in the checkout.
                .current_dir(&work);
            if let Some(token) = token {
                command.args(["-H", &format!("Authorization: Bearer {token}")]);
            }
            if tools::run(&mut command).is_err() {
                failed.push((*role, seed));
            }
        }
    }
    drop(server);
    eprintln!(
        "xtask: schemathesis took {:.0} s for four roles at {} seed(s)",
        started.elapsed().as_secs_f64(),
        seeds.len()
    );
    let broken = check_consistency(&data.join("bazaar.db"))?;
    if !failed.is_empty() {
        let runs: Vec<String> = failed
            .iter()
            .map(|(role, seed)| format!("{role} at seed {seed}"))
            .collect();
        bail!("schemathesis found failures: {}", runs.join(", "));
    }
    if !broken.is_empty() {
        bail!(
            "the data is inconsistent after the schemathesis run: {}",
            broken.join("; ")
        );
    }
    Ok(())
}

/// The rules of [`CONSISTENCY`] that `db` breaks, each with how many rows break it.
fn check_consistency(db: &Path) -> Result<Vec<String>> {
    // One query a line in, one count a line out.
    const SCRIPT: &str = "import sqlite3, sys\n\
        db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n\
        for query in sys.stdin.read().split('\\n'):\n    \
            print(db.execute(query).fetchone()[0])\n";
    let queries: Vec<&str> = CONSISTENCY.iter().map(|(_, query)| *query).collect();
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("running python3 for the consistency check")?;
    std::io::Write::write_all(
        child.stdin.as_mut().context("python3's stdin")?,
        queries.join("\n").as_bytes(),
    )?;
    drop(child.stdin.take());
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("the consistency check failed to run: {}", out.status);
    }
    let counts: Vec<u64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .context("reading the consistency counts")?;
    if counts.len() != CONSISTENCY.len() {
        bail!("the consistency check answered {} counts", counts.len());
    }
    let broken: Vec<String> = CONSISTENCY
        .iter()
        .zip(&counts)
        .filter(|(_, count)| **count > 0)
        .map(|((rule, _), count)| format!("{rule} ({count} rows)"))
        .collect();
    eprintln!(
        "xtask: consistency after the run: {} rules, {} broken",
        CONSISTENCY.len(),
        broken.len()
    );
    Ok(broken)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database with the tables the rules read, holding `rows` (SQL inserts).
    fn database(dir: &Path, rows: &str) -> PathBuf {
        let db = dir.join("check.db");
        let schema = "CREATE TABLE products (id TEXT, stock INTEGER);\
            CREATE TABLE inventory_events (seq INTEGER, product_id TEXT, reason TEXT, delta INTEGER, level INTEGER, order_id TEXT);\
            CREATE TABLE orders (id TEXT, status TEXT, taxable INTEGER, cgst INTEGER, sgst INTEGER, igst INTEGER, total INTEGER, refunded INTEGER);\
            CREATE TABLE order_lines (order_id TEXT, product_id TEXT, quantity INTEGER, taxable INTEGER, cgst INTEGER, sgst INTEGER, igst INTEGER, total INTEGER);\
            CREATE TABLE payment_events (gateway_txn_id TEXT, order_id TEXT, outcome TEXT, disposition TEXT, amount INTEGER);\
            CREATE TABLE refunds (order_id TEXT, payment_txn_id TEXT, amount INTEGER, state TEXT);";
        let status = Command::new("python3")
            .args([
                "-c",
                "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.executescript(sys.argv[2])\ndb.commit()",
            ])
            .arg(&db)
            .arg(format!("{schema}{rows}"))
            .status()
            .unwrap();
        assert!(status.success());
        db
    }

    /// A product of 10 units of which an order of 2 is paid.
    const CONSISTENT: &str = "INSERT INTO products VALUES ('p', 8);\
        INSERT INTO inventory_events VALUES (1, 'p', 'created', 10, 10, NULL), (2, 'p', 'order_reserved', -2, 8, 'o');\
        INSERT INTO orders VALUES ('o', 'ORDER_CONFIRMED', 100, 9, 9, 0, 118, 0);\
        INSERT INTO order_lines VALUES ('o', 'p', 2, 100, 9, 9, 0, 118);\
        INSERT INTO payment_events VALUES ('t', 'o', 'SUCCESS', 'APPLIED', 118);";

    #[test]
    fn consistent_data_breaks_no_rule() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            check_consistency(&database(dir.path(), CONSISTENT)).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn each_inconsistency_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let broken = format!(
            "{CONSISTENT}UPDATE products SET stock = 9;\
             INSERT INTO orders VALUES ('empty', 'INITIATED', 0, 0, 0, 0, 0, 0);\
             INSERT INTO refunds VALUES ('o', 't', 200, 'PENDING');"
        );
        let found = check_consistency(&database(dir.path(), &broken)).unwrap();
        let expected = [CONSISTENCY[1].0, CONSISTENCY[3].0, CONSISTENCY[8].0];
        assert_eq!(found.len(), expected.len(), "{found:?}");
        for (line, rule) in found.iter().zip(expected) {
            assert!(
                line.starts_with(rule) && line.ends_with("(1 rows)"),
                "{line}"
            );
        }
    }
}
