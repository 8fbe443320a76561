//! `cargo xtask bench --catalog N` (issue 13): the catalog at scale. A fresh SQLite database
//! (or `BENCH_DATABASE_URL`, e.g. a PostgreSQL database) gets N products across several shops,
//! categories and GST slabs from `api seed-catalog` (the storage layer in transactions, not
//! HTTP); then the `server` profile's API is loaded by wrk, one case at a time, for every kind
//! of catalog read: searches of one, two and three words, a prefix and no match; each listing
//! sort; the filters; page 1 and page 50 (whose cursor is found by walking 49 pages first; a
//! relevance search's last page, 20, as it ranks only its first 240 matches).

use super::http::request;
use super::wrk::{Load, print_loads, wrk_for};
use super::{CONNECTIONS, Server, tempfile_dir};
use crate::metadata::Workspace;
use crate::tools;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::process::Command;
use std::time::Instant;

/// The products seeded when `--catalog` names no number.
pub const DEFAULT_PRODUCTS: usize = 100_000;
/// Seconds of load per case (shorter than the main bench's: there are many cases).
const SECONDS: u32 = 5;
/// The page size of every case, as a storefront asks.
const LIMIT: u32 = 12;
/// The deep page of the listings' paging cases.
const DEEP_PAGE: usize = 50;
/// The deep page of a relevance search: its last, as a relevance search ranks the first 240
/// matches (`api::db::product_search::RELEVANCE_CANDIDATES`), 20 pages of [`LIMIT`].
const DEEP_SEARCH_PAGE: usize = 20;

#[derive(Debug, Serialize)]
struct CatalogReport {
    machine_cores: usize,
    products: usize,
    database: String,
    seed_seconds: f64,
    loads: Vec<Load>,
}

pub fn run(workspace: &Workspace, products: usize) -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is missing: install Debian's wrk (apt-get install wrk)");
    }
    let api = super::build_server(workspace)?.join("api");
    let data = tempfile_dir(&workspace.target_dir.join("bench-catalog"))?;
    let database_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", data.join("catalog.db").display()));
    let database = database_url.split(':').next().unwrap_or("?").to_owned();

    eprintln!("xtask: seeding {products} products ({database})");
    let started = Instant::now();
    tools::run(
        Command::new(&api)
            .args(["seed-catalog", "--products", &products.to_string()])
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            // Files the server keeps beside its working folder (mail, audit checkpoints on
            // PostgreSQL) go to the bench's folder, not the checkout.
            .current_dir(&data)
            .env("RUST_LOG", "warn"),
    )?;
    let seed_seconds = started.elapsed().as_secs_f64();

    let server = Server::start(
        Command::new(&api)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            .current_dir(&data)
            .env("JWT_SECRET", "bench-secret-of-at-least-thirty-two-bytes!")
            .env("DIST_DIR", data.join("no-dist"))
            // One client from one address: the per-address API bucket (bursts of 1,200, 600 a
            // minute) would answer 429 to most of it. The only limit changed: reads meet no other.
            // (`RATE_LIMIT_GLOBAL`, its predecessor, is refused at start since the token bucket.)
            .env("RATE_LIMIT_API_PER_MINUTE", "0")
            .env("RUST_LOG", "warn"),
    )?;
    let addr = server.addr.clone();
    let first = page(&addr, &format!("/api/v1/products?limit={LIMIT}"))?;
    let shop = first["items"][0]["shopId"]
        .as_str()
        .context("no product on the first page")?
        .to_owned();

    let mut cases: Vec<(String, String)> = [
        ("search, 1 word", "q=shirt&sort=relevance"),
        ("search, 2 words", "q=linen%20shirt&sort=relevance"),
        ("search, 3 words", "q=indigo%20linen%20shirt&sort=relevance"),
        ("search, prefix", "q=kur&sort=relevance"),
        ("search, no match", "q=zzyzx&sort=relevance"),
        // Bad input: eight one-character words, each of which as a prefix names thousands of
        // words (every catalog number starting with 1, ...); answered like any search.
        (
            "search, 8 one-letter words",
            "q=1%202%203%204%205%206%207%208",
        ),
        (
            "search, 2 words, cheapest first",
            "q=silk%20saree&sort=price_asc",
        ),
        ("listing, newest", "sort=newest"),
        ("listing, price ascending", "sort=price_asc"),
        ("listing, price descending", "sort=price_desc"),
        ("filter, category", "category=kitchen"),
        (
            "filter, category by price",
            "category=apparel&sort=price_asc",
        ),
        (
            "filter, price range",
            "minPrice=10000&maxPrice=20000&sort=price_asc",
        ),
        ("filter, in stock", "inStock=true"),
    ]
    .into_iter()
    .map(|(name, query)| (name.to_owned(), query.to_owned()))
    .collect();
    cases.push((
        "filter, one shop by price".to_owned(),
        format!("shop={shop}&sort=price_desc"),
    ));
    for (name, query, deep) in [
        ("newest", "sort=newest", DEEP_PAGE),
        ("price ascending", "sort=price_asc", DEEP_PAGE),
        ("search 1 word", "q=shirt&sort=relevance", DEEP_SEARCH_PAGE),
        ("search 1 word, newest", "q=shirt&sort=newest", DEEP_PAGE),
    ] {
        let cursor = cursor_of_page(&addr, query, deep)?;
        cases.push((
            format!("page {deep}, {name}"),
            format!("{query}&after={cursor}"),
        ));
    }

    eprintln!(
        "xtask: {} cases, {SECONDS} s each at {CONNECTIONS} connections",
        cases.len()
    );
    let mut loads = Vec::new();
    for (name, query) in &cases {
        let path = format!("/api/v1/products?limit={LIMIT}&{query}");
        let (status, body) = request(&addr, "GET", &path, None, &[], "")?;
        if status != 200 {
            bail!("{name}: {path} answered {status}: {body}");
        }
        loads.push(wrk_for(name, &addr, &path, None, SECONDS)?);
    }
    drop(server);

    let report = CatalogReport {
        machine_cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        products,
        database,
        seed_seconds,
        loads,
    };
    print(&report);
    let path = workspace.target_dir.join("bench-catalog-report.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&report)?)?;
    eprintln!("xtask: report written to {}", path.display());
    Ok(())
}

/// A page of the catalog, decoded.
fn page(addr: &str, path: &str) -> Result<serde_json::Value> {
    let (status, body) = request(addr, "GET", path, None, &[], "")?;
    if status != 200 {
        bail!("{path} answered {status}: {body}");
    }
    Ok(serde_json::from_str(&body)?)
}

/// The cursor that opens page `n` of `query`, found by following `nextCursor` from page 1.
fn cursor_of_page(addr: &str, query: &str, n: usize) -> Result<String> {
    let mut cursor = String::new();
    for at in 1..n {
        let after = if cursor.is_empty() {
            String::new()
        } else {
            format!("&after={cursor}")
        };
        let body = page(
            addr,
            &format!("/api/v1/products?limit={LIMIT}&{query}{after}"),
        )?;
        cursor = body["nextCursor"]
            .as_str()
            .with_context(|| format!("{query}: no page after page {at}"))?
            .to_owned();
    }
    Ok(cursor)
}

fn print(report: &CatalogReport) {
    println!(
        "catalog of {} products ({}), seeded in {:.1} s; {CONNECTIONS} connections, {SECONDS} s a case, limit={LIMIT}",
        report.products, report.database, report.seed_seconds
    );
    print_loads("case", &report.loads);
    println!(
        "machine: {} cores, shared by the server and wrk",
        report.machine_cores
    );
}
