//! `cargo xtask bench`: the load figures the issues budget, measured on this machine with wrk
//! against release builds on 127.0.0.1, and written to `target/bench-report.json`.
//!
//! Scenarios: an authenticated GET (`/api/v1/auth/me`: token check, policy, one indexed query)
//! and a bare axum endpoint (`api/examples/bare.rs`) in the same run, so their ratio says what
//! the API's own work costs; sign-in latency one at a time, which is the argon2id cost plus a
//! request's overhead; a full-text product search over the demo catalog; and order creation
//! (fill the cart, place the order: one transaction reserving stock) from many customers at
//! once, checked afterwards for oversell. Figures, not assertions: the bench reports, the
//! issues' notes judge.

use crate::metadata::Workspace;
use crate::tools;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
struct Load {
    scenario: &'static str,
    url_path: &'static str,
    connections: u32,
    seconds: u32,
    requests_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
}

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
}

#[derive(Debug, Serialize)]
struct OrderLoad {
    buyers: usize,
    seconds: u32,
    orders_placed: u64,
    orders_per_sec: f64,
    /// Stock before minus orders placed equals stock after, and it never went below zero.
    no_oversell: bool,
}

pub fn run(workspace: &Workspace) -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is missing: install Debian's wrk (apt-get install wrk)");
    }
    eprintln!("xtask: building the API and the bare endpoint (release)");
    tools::run(
        Command::new(tools::cargo())
            .args([
                "build",
                "--release",
                "-p",
                "api",
                "--bin",
                "api",
                "--example",
                "bare",
            ])
            .current_dir(&workspace.root),
    )?;
    let release = workspace.target_dir.join("release");
    let data = tempfile_dir(&workspace.target_dir.join("bench-data"))?;
    let database_url = format!("sqlite://{}", data.join("bench.db").display());
    // The demo accounts and the demo shop's catalog: something to search, a seller to list
    // the product the buyers order.
    tools::run(
        Command::new(release.join("api"))
            .arg("seed-demo")
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            .env("RUST_LOG", "warn"),
    )?;

    let api = Server::start(
        Command::new(release.join("api"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("DATABASE_URL", &database_url)
            .env("JWT_SECRET", "bench-secret-of-at-least-thirty-two-bytes!")
            .env("DIST_DIR", data.join("no-dist"))
            // The benchmark is one client hammering from one address: the per-IP limits
            // would answer 429 to nearly all of it. They are measured by tests, not here.
            .env("RATE_LIMIT_GLOBAL", "0")
            .env("RATE_LIMIT_LOGIN", "0")
            .env("RATE_LIMIT_LOGIN_ACCOUNT", "0")
            .env("RUST_LOG", "warn"),
    )?;
    let bare = Server::start(&mut Command::new(release.join("examples").join("bare")))?;

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
    let authenticated = wrk(
        "authenticated GET (token + policy + indexed query)",
        &api.addr,
        "/api/v1/auth/me",
        Some(&token),
    )?;
    let bare_load = wrk("bare axum endpoint", &bare.addr, "/", None)?;
    let search = wrk(
        "product search (FTS, relevance, 14 products)",
        &api.addr,
        "/api/v1/products?q=shirt&sort=relevance",
        None,
    )?;
    eprintln!("xtask: {DURATION_SECS} s of order creation by {BUYERS} customers at once");
    let orders = order_load(&api.addr)?;
    let report = Report {
        machine_cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        authenticated_to_bare_ratio: authenticated.requests_per_sec / bare_load.requests_per_sec,
        loads: vec![authenticated, bare_load, search],
        login_p50_ms: logins[logins.len() / 2],
        login_min_ms: logins[0],
        orders,
    };
    drop((api, bare));

    print_report(&report);
    let path = workspace.target_dir.join("bench-report.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&report)?)?;
    eprintln!("xtask: report written to {}", path.display());
    Ok(())
}

fn print_report(report: &Report) {
    println!(
        "{:<52} {:>10} {:>9} {:>9} {:>8}",
        "scenario", "req/s", "p50 ms", "p99 ms", "non-2xx"
    );
    for load in &report.loads {
        println!(
            "{:<52} {:>10.0} {:>9.2} {:>9.2} {:>8}",
            load.scenario, load.requests_per_sec, load.p50_ms, load.p99_ms, load.non_2xx
        );
    }
    println!(
        "authenticated / bare throughput: {:.0}%",
        report.authenticated_to_bare_ratio * 100.0
    );
    println!(
        "sign-in (argon2id m=19456 t=2 p=1 + request): p50 {:.1} ms, min {:.1} ms over {LOGINS} sequential",
        report.login_p50_ms, report.login_min_ms
    );
    let orders = &report.orders;
    println!(
        "order creation: {:.0} orders/s ({} orders by {} customers in {} s), no oversell: {}",
        orders.orders_per_sec,
        orders.orders_placed,
        orders.buyers,
        orders.seconds,
        orders.no_oversell
    );
    println!(
        "machine: {} cores, shared by the server and wrk",
        report.machine_cores
    );
}

/// [`BUYERS`] customers, each on its own thread, fill their cart and place an order, again
/// and again for [`DURATION_SECS`]; then the product's stock is checked against the orders.
fn order_load(addr: &str) -> Result<OrderLoad> {
    let seller = sign_in(addr, "seller@bazaar.test", "demo-seller-pass")?;
    let (status, body) = request(
        addr,
        "POST",
        "/api/v1/seller/products",
        Some(&seller),
        &[],
        &format!(
            r#"{{"name":"Bench tee","sku":"BENCH-TEE","hsn":"6109","price":49900,"gstRate":500,"stock":{BENCH_STOCK},"category":"apparel"}}"#
        ),
    )?;
    if status != 201 {
        bail!("adding the bench product answered {status}: {body}");
    }
    let product: serde_json::Value = serde_json::from_str(&body)?;
    let product_id = product["id"].as_str().context("no product id")?.to_owned();

    let mut buyers = Vec::with_capacity(BUYERS);
    for n in 0..BUYERS {
        let email = format!("buyer{n}@bench.test");
        let (status, body) = request(
            addr,
            "POST",
            "/api/v1/auth/register",
            None,
            &[],
            &format!(
                r#"{{"email":"{email}","password":"bench password of some length","displayName":"Buyer"}}"#
            ),
        )?;
        if status != 201 {
            bail!("registering a buyer answered {status}: {body}");
        }
        let grant: serde_json::Value = serde_json::from_str(&body)?;
        let token = grant["accessToken"]
            .as_str()
            .context("no token")?
            .to_owned();
        let (_, cart) = request(addr, "GET", "/api/v1/cart", Some(&token), &[], "")?;
        let cart: serde_json::Value = serde_json::from_str(&cart)?;
        let cart_id = cart["cartId"].as_str().context("no cart id")?.to_owned();
        buyers.push((token, cart_id));
    }

    let deadline = Instant::now() + Duration::from_secs(u64::from(DURATION_SECS));
    let started = Instant::now();
    let placed: u64 = std::thread::scope(|scope| {
        let workers: Vec<_> = buyers
            .iter()
            .enumerate()
            .map(|(n, (token, cart_id))| {
                let product_id = &product_id;
                scope.spawn(move || -> Result<u64> {
                    let mut placed = 0;
                    let order = format!(
                        r#"{{"cartId":"{cart_id}","address":{{"name":"Bench Buyer","phone":"9876543210","line1":"1 Bench Road","city":"Pune","stateCode":"27","pincode":"411001"}}}}"#
                    );
                    while Instant::now() < deadline {
                        request(
                            addr,
                            "PUT",
                            &format!("/api/v1/carts/{cart_id}/items/{product_id}"),
                            Some(token),
                            &[],
                            r#"{"quantity":1}"#,
                        )?;
                        let key = format!("bench-{n}-{placed}");
                        let (status, body) = request(
                            addr,
                            "POST",
                            "/api/v1/orders",
                            Some(token),
                            &[("Idempotency-Key", &key)],
                            &order,
                        )?;
                        if status != 201 {
                            bail!("an order answered {status}: {body}");
                        }
                        placed += 1;
                    }
                    Ok(placed)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a buyer thread panicked"))
            .sum::<Result<u64>>()
    })?;
    let seconds = started.elapsed().as_secs_f64();

    let (_, body) = request(
        addr,
        "GET",
        &format!("/api/v1/products/{product_id}"),
        None,
        &[],
        "",
    )?;
    let after: serde_json::Value = serde_json::from_str(&body)?;
    let stock = after["stock"].as_i64().context("no stock")?;
    Ok(OrderLoad {
        buyers: BUYERS,
        seconds: DURATION_SECS,
        orders_placed: placed,
        orders_per_sec: placed as f64 / seconds,
        no_oversell: stock >= 0 && stock == BENCH_STOCK - i64::try_from(placed)?,
    })
}

/// Signs in; the access token.
fn sign_in(addr: &str, email: &str, password: &str) -> Result<String> {
    let (status, body) = request(
        addr,
        "POST",
        "/api/v1/auth/login",
        None,
        &[],
        &format!(r#"{{"email":"{email}","password":"{password}"}}"#),
    )?;
    if status != 200 {
        bail!("signing in {email} answered {status}: {body}");
    }
    let outcome: serde_json::Value = serde_json::from_str(&body)?;
    Ok(outcome["session"]["accessToken"]
        .as_str()
        .context("no session in the sign-in answer")?
        .to_owned())
}

/// Runs wrk against `addr` + `path` and reads its summary.
fn wrk(
    scenario: &'static str,
    addr: &str,
    path: &'static str,
    token: Option<&str>,
) -> Result<Load> {
    let mut command = Command::new("wrk");
    command.args([
        "-t2",
        &format!("-c{CONNECTIONS}"),
        &format!("-d{DURATION_SECS}s"),
        "--latency",
        "--timeout",
        "10s",
    ]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let output = command
        .arg(format!("http://{addr}{path}"))
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse_wrk(scenario, path, &text)
}

fn parse_wrk(scenario: &'static str, path: &'static str, text: &str) -> Result<Load> {
    let field = |prefix: &str| -> Option<&str> {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
    };
    let percentile = |name: &str| -> Result<f64> {
        let value = field(name)
            .and_then(|rest| rest.split_whitespace().next())
            .with_context(|| format!("no {name} latency in wrk's output:\n{text}"))?;
        duration_ms(value)
    };
    let requests_per_sec = field("Requests/sec:")
        .context("no Requests/sec in wrk's output")?
        .parse()?;
    let non_2xx = field("Non-2xx or 3xx responses:")
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(0);
    Ok(Load {
        scenario,
        url_path: path,
        connections: CONNECTIONS,
        seconds: DURATION_SECS,
        requests_per_sec,
        p50_ms: percentile("50%")?,
        p99_ms: percentile("99%")?,
        non_2xx,
    })
}

/// wrk's durations (`812.00us`, `3.45ms`, `1.20s`) in milliseconds.
fn duration_ms(value: &str) -> Result<f64> {
    let (number, factor) = if let Some(n) = value.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = value.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = value.strip_suffix('s') {
        (n, 1000.0)
    } else {
        bail!("unknown duration {value:?}")
    };
    Ok(number.parse::<f64>()? * factor)
}

/// A server child process that printed `listening on http://ADDR`; killed on drop.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(command: &mut Command) -> Result<Server> {
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

/// A POST of a JSON body; the status and the body.
fn post_json(addr: &str, path: &str, body: &str) -> Result<(u16, String)> {
    request(addr, "POST", path, None, &[], body)
}

/// One request over a fresh connection (with a bearer token, extra headers and a JSON body
/// when given); the status and the body. HTTP/1.1 by hand: the bench needs a few simple
/// calls, not an HTTP client dependency.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    write!(stream, "{head}\r\n{body}")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status line")?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// A fresh, empty folder at `path`.
fn tempfile_dir(path: &Path) -> Result<std::path::PathBuf> {
    if path.exists() {
        std::fs::remove_dir_all(path).with_context(|| format!("clearing {}", path.display()))?;
    }
    std::fs::create_dir_all(path)?;
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRK_OUTPUT: &str = "Running 10s test @ http://127.0.0.1:4000/api/v1/auth/me
  2 threads and 256 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.51ms    3.20ms  48.18ms   80.00%
  Latency Distribution
     50%   10.02ms
     75%   11.89ms
     90%   14.20ms
     99%   23.41ms
  487655 requests in 10.01s, 120.04MB read
  Non-2xx or 3xx responses: 3
Requests/sec:  48718.52
Transfer/sec:     11.99MB
";

    #[test]
    fn reads_throughput_percentiles_and_errors_from_wrk() {
        let load = parse_wrk("s", "/p", WRK_OUTPUT).unwrap();

        assert_eq!(load.requests_per_sec, 48718.52);
        assert_eq!(load.p50_ms, 10.02);
        assert_eq!(load.p99_ms, 23.41);
        assert_eq!(load.non_2xx, 3);
    }

    #[test]
    fn reads_wrk_durations_in_every_unit() {
        assert_eq!(duration_ms("812.00us").unwrap(), 0.812);
        assert_eq!(duration_ms("3.5ms").unwrap(), 3.5);
        assert_eq!(duration_ms("1.20s").unwrap(), 1200.0);
        assert!(duration_ms("5m").is_err());
    }
}
