//! `cargo xtask bench`: the load figures the issues budget, measured on this machine with wrk
//! against the `server` profile's builds (speed-optimised) on 127.0.0.1, and written to `target/bench-report.json`.
//!
//! Scenarios: an authenticated GET (`/api/v1/auth/me`: token check, policy, one indexed query)
//! and a bare axum endpoint (`api/examples/bare.rs`) in the same run, so their ratio says what
//! the API's own work costs; sign-in latency one at a time, which is the argon2id cost plus a
//! request's overhead; a full-text product search over the demo catalog; and order creation
//! (fill the cart, place the order: one transaction reserving stock) from many customers at
//! once, checked afterwards for oversell (`orders`); full refunds of confirmed orders by an
//! administrator from several threads, checked afterwards to the paisa (`refunds`). Figures,
//! not assertions: the bench reports, the issues' notes judge.

pub mod catalog;
mod dashboard;
pub(crate) mod http;
pub mod mixed;
mod orders;
mod refunds;
mod wrk;

use crate::metadata::Workspace;
use crate::tools;
use anyhow::{Context, Result, bail};
use dashboard::DashboardLoad;
use http::post_json;
use orders::OrderLoad;
use refunds::RefundLoad;
use serde::Serialize;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;
use wrk::{Load, wrk};

/// The products `--catalog` seeds without a number.
pub const DEFAULT_CATALOG: usize = catalog::DEFAULT_PRODUCTS;
/// The shoppers `--shoppers` simulates without a number.
pub const DEFAULT_SHOPPERS: usize = mixed::DEFAULT_SHOPPERS;
/// Connections held open by wrk (the issues' "256 concurrent connections").
const CONNECTIONS: u32 = 256;
/// How long each load scenario runs.
const DURATION_SECS: u32 = 10;
/// Sequential sign-ins timed for the argon2id cost.
const LOGINS: usize = 15;
/// Customers placing orders at the same time in the order-creation scenario.
const BUYERS: usize = 32;
/// The stock of the product the buyers order: more than they can buy in the run.
const BENCH_STOCK: i64 = 10_000_000;

#[derive(Debug, Serialize)]
struct Report {
    machine_cores: usize,
    loads: Vec<Load>,
    /// The authenticated GET's throughput as a share of the bare endpoint's.
    authenticated_to_bare_ratio: f64,
    /// Median of sequential sign-ins (one argon2id verification each), milliseconds.
    login_p50_ms: f64,
    login_min_ms: f64,
    orders: OrderLoad,
    refunds: RefundLoad,
    /// The seller dashboard and GST summary of a shop with 10 000 orders, one at a time.
    dashboard: DashboardLoad,
}

/// `BENCH_ONLY=orders cargo xtask bench`: only the order-creation case (no wrk needed).
/// `BENCH_LOG=warn,sqlx::query=debug` sets the server's log filter, to count and time the
/// statements of a case.
///
/// `BENCH_ONLY=auth cargo xtask bench`: only the authenticated GET and the bare endpoint.
///
/// `BENCH_ONLY=dashboard cargo xtask bench`: only the dashboard case (no wrk needed): a few
/// hundred confirmed orders placed through the API to copy, then the 10 000 and the timings.
fn dashboard_only(addr: &str, database: &Path) -> Result<()> {
    eprintln!(
        "xtask: confirmed orders to copy, then {} orders seeded",
        dashboard::ORDERS
    );
    let (_, product_id) = orders::order_load(addr)?;
    refunds::confirmed_orders(addr, &product_id)?;
    let load = dashboard::dashboard_load(addr, database)?;
    print_dashboard(&load);
    Ok(())
}

/// `BENCH_ONLY=auth cargo xtask bench`: only the authenticated GET and the bare endpoint, one
/// right after the other, and their ratio (issue 13's "authenticated GET >= 25 % of bare").
fn auth_only(api: &str, bare: &str, token: &str) -> Result<()> {
    let authenticated = wrk(AUTHENTICATED, api, "/api/v1/auth/me", Some(token))?;
    let bare = wrk("bare axum endpoint", bare, "/", None)?;
    let ratio = authenticated.requests_per_sec / bare.requests_per_sec;
    wrk::print_loads("scenario", &[authenticated, bare]);
    println!("authenticated / bare throughput: {:.0}%", ratio * 100.0);
    Ok(())
}

/// The authenticated GET's scenario name.
const AUTHENTICATED: &str = "authenticated GET (token + policy + indexed query)";

fn print_dashboard(load: &DashboardLoad) {
    println!(
        "seller dashboard, a shop with {} invoiced orders, {} sequential requests each:",
        load.shop_orders, load.samples
    );
    for latency in &load.latencies {
        println!(
            "  {:<28} p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
            latency.endpoint, latency.p50_ms, latency.p99_ms, latency.max_ms
        );
    }
}

pub fn run(workspace: &Workspace) -> Result<()> {
    let only = std::env::var("BENCH_ONLY").ok();
    let only_dashboard = only.as_deref() == Some("dashboard");
    let only_orders = only.as_deref() == Some("orders");
    let only_auth = only.as_deref() == Some("auth");
    if (only.is_none() || only_auth) && Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is missing: install Debian's wrk (apt-get install wrk)");
    }
    let server = build_server(workspace)?;
    let data = tempfile_dir(&workspace.target_dir.join("bench-data"))?;
    let database_url = format!("sqlite://{}", data.join("bench.db").display());
    // The demo accounts and the demo shop's catalog: something to search, a seller to list
    // the product the buyers order.
    tools::run(
        Command::new(server.join("api"))
            .arg("seed-demo")
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            .env("RUST_LOG", "warn"),
    )?;

    let api = Server::start(
        Command::new(server.join("api"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("DATABASE_URL", &database_url)
            .env("JWT_SECRET", "bench-secret-of-at-least-thirty-two-bytes!")
            .env("DIST_DIR", data.join("no-dist"))
            // The benchmark is one client hammering from one address: the per-IP limits
            // would answer 429 to nearly all of it. They are measured by tests, not here.
            .env("RATE_LIMIT_API_PER_MINUTE", "0")
            .env("RATE_LIMIT_LOGIN", "0")
            .env("RATE_LIMIT_LOGIN_ACCOUNT", "0")
            .env("RATE_LIMIT_REGISTER", "0")
            .env("RATE_LIMIT_ORDERS", "0")
            .env(
                "RUST_LOG",
                std::env::var("BENCH_LOG").unwrap_or("warn".into()),
            ),
    )?;
    if only_dashboard {
        return dashboard_only(&api.addr, &data.join("bench.db"));
    }
    if only_orders {
        let (orders, _) = orders::order_load(&api.addr)?;
        print_orders(&orders);
        return Ok(());
    }
    let bare = Server::start(&mut Command::new(server.join("examples").join("bare")))?;

    let email = "bench@example.com";
    let password = "bench password of some length";
    let (status, body) = post_json(
        &api.addr,
        "/api/v1/auth/register",
        &format!(r#"{{"email":"{email}","password":"{password}","displayName":"Bench"}}"#),
    )?;
    if status != 201 {
        bail!("registering the bench user answered {status}: {body}");
    }
    let grant: serde_json::Value = serde_json::from_str(&body)?;
    let token = grant["accessToken"]
        .as_str()
        .context("no accessToken in the sign-up answer")?
        .to_owned();

    if only_auth {
        return auth_only(&api.addr, &bare.addr, &token);
    }

    let mut logins = Vec::with_capacity(LOGINS);
    for _ in 0..LOGINS {
        let started = Instant::now();
        let (status, body) = post_json(
            &api.addr,
            "/api/v1/auth/login",
            &format!(r#"{{"email":"{email}","password":"{password}"}}"#),
        )?;
        if status != 200 {
            bail!("a bench sign-in answered {status}: {body}");
        }
        logins.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    logins.sort_by(f64::total_cmp);

    eprintln!("xtask: {DURATION_SECS} s of load per scenario at {CONNECTIONS} connections");
    let authenticated = wrk(AUTHENTICATED, &api.addr, "/api/v1/auth/me", Some(&token))?;
    let bare_load = wrk("bare axum endpoint", &bare.addr, "/", None)?;
    let search = wrk(
        "product search (FTS, relevance, 14 products)",
        &api.addr,
        "/api/v1/products?q=shirt&sort=relevance",
        None,
    )?;
    eprintln!("xtask: {DURATION_SECS} s of order creation by {BUYERS} customers at once");
    let (orders, product_id) = orders::order_load(&api.addr)?;
    eprintln!("xtask: refunds of confirmed orders by an administrator, several at once");
    let refunds = refunds::refund_load(&api.addr, &product_id)?;
    eprintln!(
        "xtask: the seller dashboard of a shop with {} orders",
        dashboard::ORDERS
    );
    let dashboard = dashboard::dashboard_load(&api.addr, &data.join("bench.db"))?;
    let report = Report {
        machine_cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        authenticated_to_bare_ratio: authenticated.requests_per_sec / bare_load.requests_per_sec,
        loads: vec![authenticated, bare_load, search],
        login_p50_ms: logins[logins.len() / 2],
        login_min_ms: logins[0],
        orders,
        refunds,
        dashboard,
    };
    drop((api, bare));

    print_report(&report);
    let path = workspace.target_dir.join("bench-report.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&report)?)?;
    eprintln!("xtask: report written to {}", path.display());
    Ok(())
}

fn print_orders(orders: &OrderLoad) {
    println!(
        "order creation: {:.0} orders/s ({} orders by {} customers in {} s), no oversell: {}",
        orders.orders_per_sec,
        orders.orders_placed,
        orders.buyers,
        orders.seconds,
        orders.no_oversell
    );
}

fn print_report(report: &Report) {
    wrk::print_loads("scenario", &report.loads);
    println!(
        "authenticated / bare throughput: {:.0}%",
        report.authenticated_to_bare_ratio * 100.0
    );
    println!(
        "sign-in (argon2id m=19456 t=2 p=1 + request): p50 {:.1} ms, min {:.1} ms over {LOGINS} sequential",
        report.login_p50_ms, report.login_min_ms
    );
    print_orders(&report.orders);
    let refunds = &report.refunds;
    println!(
        "refunds: {:.0} refunds/s ({} full refunds by {} threads in {:.1} s), each exactly its total: {}",
        refunds.refunds_per_sec, refunds.refunds, refunds.refunders, refunds.seconds, refunds.exact
    );
    print_dashboard(&report.dashboard);
    println!(
        "machine: {} cores, shared by the server and wrk",
        report.machine_cores
    );
}

/// Builds the API and the bare endpoint with the `server` profile; the folder they are in.
/// Every bench builds both, even one that runs only the API, so that one build serves them
/// all and switching benches never rebuilds (the example is the bare baseline).
///
/// `BENCH_SERVER_DIR=<folder>` skips the build and runs the `api` and `examples/bare` built
/// there before: a copy of an earlier build, so that before/after runs alternate back to back
/// without a rebuild between them.
pub(crate) fn build_server(workspace: &Workspace) -> Result<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("BENCH_SERVER_DIR") {
        eprintln!("xtask: the API and the bare endpoint built before, in {dir:?}");
        return Ok(dir.into());
    }
    eprintln!("xtask: building the API and the bare endpoint (profile `server`)");
    tools::run(
        Command::new(tools::cargo())
            .args([
                "build",
                "--profile",
                "server",
                "-p",
                "api",
                "--bin",
                "api",
                "--example",
                "bare",
            ])
            .current_dir(&workspace.root),
    )?;
    Ok(workspace.target_dir.join("server"))
}

/// A server child process that printed `listening on http://ADDR`; killed on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: String,
}

impl Server {
    /// The server's process id (for its memory, `/proc/<pid>/status`).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn start(command: &mut Command) -> Result<Server> {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting a bench server")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(addr) = line.trim().strip_prefix("listening on http://") else {
            let _ = child.kill();
            bail!("the server did not say where it listens: {line:?}");
        };
        Ok(Server {
            addr: addr.to_owned(),
            child,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh, empty folder at `path`.
pub(crate) fn tempfile_dir(path: &Path) -> Result<std::path::PathBuf> {
    if path.exists() {
        std::fs::remove_dir_all(path).with_context(|| format!("clearing {}", path.display()))?;
    }
    std::fs::create_dir_all(path)?;
    Ok(path.to_owned())
}
