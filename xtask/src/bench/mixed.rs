//! `cargo xtask bench --shoppers N [--capacity]` (issue 13): mixed traffic that models
//! shoppers, not a flood. N simulated shoppers, each a signed-up customer with a cart, walk the
//! journey with think time between steps (exponential, mean [`THINK_MS`]): catalog and product
//! reads 70%, cart changes 20%, order placements with payment 8%, sign-ins 2%. The steps'
//! latencies are measured after a warm-up; the report has p50/p95/p99 per request kind and
//! overall, errors, throughput and the server's resident memory. `--capacity` then searches
//! for the largest number of shoppers whose p95 stays under seed 004's 200 ms (doubling, then
//! bisecting).
//!
//! The driver is tokio + reqwest (already in the workspace's lock through the API), not a
//! load tool: goose would bring its own tree of crates and report format, and the journey
//! needs state a fixed-rate tool cannot keep (each shopper's token, cart and orders).
//!
//! The server runs with the production defaults, rate limits included, except
//! `TRUST_PROXY=true`: production stands behind one balancer that appends `X-Forwarded-For`
//! (RUNBOOK), and the driver plays that balancer, sending each shopper's own address. So each
//! shopper meets the per-address limits a real one would, on its own allowance, and none is
//! turned off. Each capacity step gives its shoppers fresh addresses (a shopper arriving
//! again), and a shopper signs in at most once per step (once per visit).

use super::http::{request, sign_in};
use super::{Server, tempfile_dir};
use crate::metadata::Workspace;
use crate::tools;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The shoppers `--shoppers` simulates without a number.
pub const DEFAULT_SHOPPERS: usize = 1_000;
/// The products seeded (`api seed-catalog`) for the shoppers to browse.
const PRODUCTS: usize = 10_000;
/// The products with a deep stock the shoppers put in their carts: orders never run out.
const CART_PRODUCTS: usize = 100;
/// Mean think time between a shopper's steps, milliseconds (a brisk shopper).
const THINK_MS: f64 = 3_000.0;
/// Longest think time drawn (the exponential's tail, cut).
const MAX_THINK_MS: f64 = 15_000.0;
/// Seconds before the measurement starts: shoppers arriving, connections opening.
const WARMUP_SECS: u64 = 10;
/// Seconds measured.
const MEASURE_SECS: u64 = 30;
/// Seed 004's budget: the capacity is the most shoppers with p95 under this.
const CAPACITY_P95_MS: f64 = 200.0;
/// The capacity search stops bisecting when the bounds are this close (a fraction).
const CAPACITY_PRECISION: f64 = 0.125;
/// The most shoppers the capacity search tries.
const MAX_SHOPPERS: usize = 32_000;
/// Sign-ups in flight at once while the shoppers are registered (argon2id each).
const REGISTERING: usize = 8;
/// The address of every shopper step, and of the signing up, as the balancer would forward
/// it: 10.<step>.<hi>.<lo>; step 0 is the sign-ups, 255 the seller.
const SELLER_ADDRESS: &str = "10.255.0.1";

/// What a request was, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Listing,
    Search,
    Product,
    CartChange,
    Order,
    Payment,
    SignIn,
}

const KINDS: [Kind; 7] = [
    Kind::Listing,
    Kind::Search,
    Kind::Product,
    Kind::CartChange,
    Kind::Order,
    Kind::Payment,
    Kind::SignIn,
];

/// One timed request.
struct Sample {
    kind: Kind,
    /// Since the step's start.
    started: Duration,
    ms: f64,
    /// What went wrong: an unexpected status (with the answer's start) or no answer.
    error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Latency {
    kind: String,
    requests: usize,
    errors: usize,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

/// One run of N shoppers.
#[derive(Debug, Serialize)]
pub struct Step {
    shoppers: usize,
    seconds: u64,
    requests_per_sec: f64,
    errors: usize,
    /// The first few errors, as answered.
    error_samples: Vec<String>,
    overall: Latency,
    kinds: Vec<Latency>,
    /// The server's peak and current resident memory after the step (`VmHWM`, `VmRSS`), KiB.
    server_peak_rss_kib: u64,
    server_rss_kib: u64,
    /// The load average when the step ended (1, 5 and 15 minutes).
    load_average: String,
}

#[derive(Debug, Serialize)]
struct MixedReport {
    machine_cores: usize,
    database: String,
    products: usize,
    think_ms_mean: f64,
    steps: Vec<Step>,
    /// The most shoppers with p95 under 200 ms, when `--capacity` searched.
    capacity: Option<usize>,
}

/// A signed-up shopper.
struct Shopper {
    email: String,
    token: String,
    cart: String,
    /// The products in the cart now.
    items: Vec<String>,
    /// Orders placed so far (their idempotency keys count them).
    orders: u64,
}

/// What the shoppers share: the server, the client (one pool of kept-alive connections, as
/// a balancer keeps to its upstream), what there is to browse and buy.
struct World {
    base: String,
    client: reqwest::Client,
    product_ids: Vec<String>,
    cart_products: Vec<String>,
}

/// The client, a sample of the catalog's products to look at, and [`CART_PRODUCTS`] products
/// with a stock no run exhausts, listed by a seeded shop's owner.
async fn world(addr: &str) -> Result<World> {
    let owned = addr.to_owned();
    let (product_ids, cart_products) =
        tokio::task::spawn_blocking(move || catalog_sample(&owned)).await??;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(usize::MAX)
        .timeout(Duration::from_secs(30))
        // The pay page answers 303 to the shop: that answer is the one timed.
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    Ok(World {
        base: format!("http://{addr}"),
        client,
        product_ids,
        cart_products,
    })
}

/// Up to 240 product ids from the newest pages, and the ids of the deep-stock products.
fn catalog_sample(addr: &str) -> Result<(Vec<String>, Vec<String>)> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    for _ in 0..20 {
        let (status, body) = request(
            addr,
            "GET",
            &format!("/api/v1/products?limit=12&sort=newest{cursor}"),
            None,
            &[("X-Forwarded-For", SELLER_ADDRESS)],
            "",
        )?;
        if status != 200 {
            bail!("listing the catalog answered {status}: {body}");
        }
        let page: serde_json::Value = serde_json::from_str(&body)?;
        for item in page["items"].as_array().context("no items")? {
            ids.push(item["id"].as_str().context("no id")?.to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(next) => cursor = format!("&after={next}"),
            None => break,
        }
    }
    let seller = sign_in(addr, "catalog-seller-0@bazaar.test", "catalog-seller-pass")?;
    let mut cart_products = Vec::new();
    for n in 0..CART_PRODUCTS {
        let (status, body) = request(
            addr,
            "POST",
            "/api/v1/seller/products",
            Some(&seller),
            &[("X-Forwarded-For", SELLER_ADDRESS)],
            &format!(
                r#"{{"name":"Mixed bench tee {n}","sku":"MIXED-{n}","hsn":"6109","price":49900,"gstRate":500,"stock":100000000,"category":"apparel"}}"#
            ),
        )?;
        if status != 201 {
            bail!("adding a bench product answered {status}: {body}");
        }
        let product: serde_json::Value = serde_json::from_str(&body)?;
        cart_products.push(product["id"].as_str().context("no id")?.to_owned());
    }
    Ok((ids, cart_products))
}

pub fn run(workspace: &Workspace, shoppers: usize, capacity: bool) -> Result<()> {
    let api = super::build_server(workspace)?.join("api");
    let data = tempfile_dir(&workspace.target_dir.join("bench-mixed"))?;
    let database_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", data.join("mixed.db").display()));
    let database = database_url.split(':').next().unwrap_or("?").to_owned();
    eprintln!("xtask: seeding {PRODUCTS} products ({database})");
    tools::run(
        Command::new(&api)
            .args(["seed-catalog", "--products", &PRODUCTS.to_string()])
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            // Files the server keeps beside its working folder (mail, audit checkpoints on
            // PostgreSQL) go to the bench's folder, not the checkout.
            .current_dir(&data)
            .env("RUST_LOG", "warn"),
    )?;
    let server = Server::start(
        Command::new(&api)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("DATABASE_URL", &database_url)
            .env("DEV_KEY_DIR", &data)
            .current_dir(&data)
            .env("JWT_SECRET", "bench-secret-of-at-least-thirty-two-bytes!")
            .env("DIST_DIR", data.join("no-dist"))
            // The driver is the balancer (see the module's comment); no limit is changed.
            .env("TRUST_PROXY", "true")
            .env("RUST_LOG", "warn"),
    )?;
    // Two workers: the machine's two cores, shared with the server.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let report = runtime.block_on(drive(&server, database, shoppers, capacity))?;
    drop(server);
    if let Some(capacity) = report.capacity {
        println!(
            "capacity ({}): {capacity} shoppers with p95 < {CAPACITY_P95_MS} ms",
            report.database
        );
    }
    let path = workspace
        .target_dir
        .join(format!("bench-mixed-{}-report.json", report.database));
    std::fs::write(&path, serde_json::to_vec_pretty(&report)?)?;
    eprintln!("xtask: report written to {}", path.display());
    Ok(())
}

/// The run at `shoppers`, then with `capacity` the search: doubling while p95 stays under
/// [`CAPACITY_P95_MS`] (halving while it does not), then bisecting between the last good and
/// the first bad number until they are within [`CAPACITY_PRECISION`].
async fn drive(
    server: &Server,
    database: String,
    shoppers: usize,
    capacity: bool,
) -> Result<MixedReport> {
    let mut bench = Bench {
        world: Arc::new(world(&server.addr).await?),
        pool: Vec::new(),
        step: 1,
        pid: server.pid(),
    };
    let mut steps = vec![bench.measure(shoppers).await?];
    let mut found = None;
    if capacity {
        let passes = |step: &Step| step.overall.p95_ms < CAPACITY_P95_MS && step.errors == 0;
        let (mut good, mut bad) = if passes(&steps[0]) {
            (Some(shoppers), None)
        } else {
            (None, Some(shoppers))
        };
        loop {
            let next = match (good, bad) {
                (Some(g), None) if g * 2 <= MAX_SHOPPERS => g * 2,
                (None, Some(b)) if b >= 100 => b / 2,
                (Some(g), Some(b)) if (b - g) as f64 > g as f64 * CAPACITY_PRECISION => (g + b) / 2,
                _ => break,
            };
            let step = bench.measure(next).await?;
            if passes(&step) {
                good = Some(next);
            } else {
                bad = Some(next);
            }
            steps.push(step);
        }
        found = good;
    }
    Ok(MixedReport {
        machine_cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        database,
        products: PRODUCTS,
        think_ms_mean: THINK_MS,
        steps,
        capacity: found,
    })
}

/// The bench between steps: the shoppers signed up so far, reused by later steps.
struct Bench {
    world: Arc<World>,
    pool: Vec<Shopper>,
    /// The next step's number, the second byte of its shoppers' addresses.
    step: u8,
    /// The server's process id, for its memory.
    pid: u32,
}

impl Bench {
    /// One step of `n` shoppers (signing up the missing ones first, unmeasured).
    async fn measure(&mut self, n: usize) -> Result<Step> {
        self.sign_up(n).await?;
        eprintln!("xtask: {n} shoppers, {WARMUP_SECS} s warm-up + {MEASURE_SECS} s measured");
        let start = Instant::now();
        let tasks: Vec<_> = self
            .pool
            .drain(..n)
            .enumerate()
            .map(|(i, shopper)| {
                let address = format!("10.{}.{}.{}", self.step, i / 256, i % 256);
                let seed = u64::from(self.step) << 32 | i as u64;
                tokio::spawn(shop(self.world.clone(), shopper, address, seed, start))
            })
            .collect();
        let mut samples = Vec::new();
        let mut back = Vec::with_capacity(n);
        for task in tasks {
            let (shopper, mut taken) = task.await?;
            back.push(shopper);
            samples.append(&mut taken);
        }
        self.pool.splice(0..0, back);
        self.step += 1;
        let step = summarise(n, samples, self.pid)?;
        print_step(&step);
        Ok(step)
    }

    /// Signs up shoppers until the pool holds `n`, [`REGISTERING`] at a time, each from its
    /// own address (sign-ups are limited per address).
    async fn sign_up(&mut self, n: usize) -> Result<()> {
        let have = self.pool.len();
        if have >= n {
            return Ok(());
        }
        eprintln!("xtask: signing up shoppers {have}..{n}");
        let workers: Vec<_> = (0..REGISTERING)
            .map(|worker| {
                let world = self.world.clone();
                tokio::spawn(async move {
                    let mut signed = Vec::new();
                    for i in (have + worker..n).step_by(REGISTERING) {
                        signed.push(register(&world, i).await?);
                    }
                    anyhow::Ok(signed)
                })
            })
            .collect();
        for worker in workers {
            self.pool.extend(worker.await??);
        }
        Ok(())
    }
}

/// Registers shopper `i`, from address 10.0.x.y; with their cart.
async fn register(world: &World, i: usize) -> Result<Shopper> {
    let email = format!("shopper{i}@mixed.bench");
    let address = format!("10.0.{}.{}", i / 256, i % 256);
    let body =
        format!(r#"{{"email":"{email}","password":"{PASSWORD}","displayName":"Shopper {i}"}}"#);
    let register = Call::new("POST", "/api/v1/auth/register", None).json(body);
    let (status, body) = call(world, &address, register).await?;
    if status != 201 {
        bail!("signing up {email} answered {status}: {body}");
    }
    let grant: serde_json::Value = serde_json::from_str(&body)?;
    let token = grant["accessToken"]
        .as_str()
        .context("no token")?
        .to_owned();
    let (status, body) = call(
        world,
        &address,
        Call::new("GET", "/api/v1/cart", Some(&token)),
    )
    .await?;
    if status != 200 {
        bail!("{email}'s cart answered {status}: {body}");
    }
    let cart: serde_json::Value = serde_json::from_str(&body)?;
    Ok(Shopper {
        email,
        token,
        cart: cart["cartId"].as_str().context("no cart id")?.to_owned(),
        items: Vec::new(),
        orders: 0,
    })
}

const PASSWORD: &str = "mixed bench password of some length";

/// A request of the journey.
struct Call<'a> {
    method: &'a str,
    path: &'a str,
    token: Option<&'a str>,
    headers: &'a [(&'a str, &'a str)],
    /// The content type and the body.
    body: Option<(&'a str, String)>,
}

impl<'a> Call<'a> {
    fn new(method: &'a str, path: &'a str, token: Option<&'a str>) -> Self {
        Call {
            method,
            path,
            token,
            headers: &[],
            body: None,
        }
    }

    fn json(mut self, body: String) -> Self {
        self.body = Some(("application/json", body));
        self
    }
}

/// One request, from `address` (as the balancer forwards it); the status and the body.
async fn call(world: &World, address: &str, call: Call<'_>) -> Result<(u16, String)> {
    let method = reqwest::Method::from_bytes(call.method.as_bytes())?;
    let path = call.path;
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        format!("{}{path}", world.base)
    };
    let mut request = world
        .client
        .request(method, url)
        .header("X-Forwarded-For", address);
    if let Some(token) = call.token {
        request = request.bearer_auth(token);
    }
    for (name, value) in call.headers {
        request = request.header(*name, *value);
    }
    let body = call.body;
    if let Some((content_type, body)) = body {
        request = request.header("Content-Type", content_type).body(body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

/// Search words a shopper types (the seeded catalog's colours, materials and items).
const WORDS: &[&str] = &[
    "shirt", "kurta", "saree", "linen", "silk", "cotton", "indigo", "brass", "lamp", "bag", "teak",
    "scarf", "journal", "rug", "crimson",
];
const CATEGORIES: &[&str] = &[
    "apparel",
    "accessories",
    "footwear",
    "kitchen",
    "home",
    "books",
];
const SORTS: &[&str] = &["newest", "price_asc", "price_desc"];

/// One shopper's visit: steps with think time between them until the step ends; the
/// shopper (token and cart as they are now) and the samples taken.
async fn shop(
    world: Arc<World>,
    mut shopper: Shopper,
    address: String,
    seed: u64,
    start: Instant,
) -> (Shopper, Vec<Sample>) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let end = start + Duration::from_secs(WARMUP_SECS + MEASURE_SECS);
    let mut visit = Visit {
        world: &world,
        address: &address,
        start,
        samples: Vec::new(),
    };
    // Arrivals spread over the first seconds, not all at once.
    let mut wake = start + Duration::from_millis(rng.u64(0..(2.0 * THINK_MS) as u64));
    let mut signed_in = false;
    while wake < end {
        tokio::time::sleep_until(wake.into()).await;
        match rng.u32(0..100) {
            0..70 => visit.read(&shopper, &mut rng).await,
            70..90 => visit.change_cart(&mut shopper, &mut rng).await,
            90..98 => visit.order(&mut shopper, &mut rng).await,
            // Once a visit: a shopper signing in again and again is not a shopper.
            _ if signed_in => visit.read(&shopper, &mut rng).await,
            _ => {
                signed_in = true;
                visit.sign_in(&mut shopper).await;
            }
        }
        // Exponential think time, the tail cut.
        let think = (-THINK_MS * (1.0 - rng.f64()).ln()).min(MAX_THINK_MS);
        wake = Instant::now() + Duration::from_secs_f64(think / 1000.0);
    }
    (shopper, visit.samples)
}

/// A shopper's requests in one step, timed.
struct Visit<'a> {
    world: &'a World,
    address: &'a str,
    start: Instant,
    samples: Vec<Sample>,
}

impl Visit<'_> {
    /// Times one request; the body when it answered `expected`.
    async fn timed(&mut self, kind: Kind, expected: u16, request: Call<'_>) -> Option<String> {
        let (method, path) = (request.method.to_owned(), request.path.to_owned());
        let started = Instant::now();
        let outcome = call(self.world, self.address, request).await;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let (error, body) = match outcome {
            Ok((status, body)) if status == expected => (None, Some(body)),
            Ok((status, body)) => (
                Some(format!(
                    "{kind:?} {method} {path}: {status} {}",
                    body.chars().take(160).collect::<String>()
                )),
                None,
            ),
            Err(error) => (Some(format!("{kind:?} {method} {path}: {error:#}")), None),
        };
        self.samples.push(Sample {
            kind,
            started: started.saturating_duration_since(self.start),
            ms,
            error,
        });
        body
    }

    /// A catalog page (40%), a search of one or two words (25%) or a product's page (35%),
    /// by a signed-in shopper (whose browser sends the token with every call).
    async fn read(&mut self, shopper: &Shopper, rng: &mut fastrand::Rng) {
        let (kind, path) = match rng.u32(0..100) {
            0..40 => {
                let sort = SORTS[rng.usize(..SORTS.len())];
                let path = format!("/api/v1/products?limit=12&sort={sort}");
                let path = if rng.bool() {
                    format!(
                        "{path}&category={}",
                        CATEGORIES[rng.usize(..CATEGORIES.len())]
                    )
                } else {
                    path
                };
                (Kind::Listing, path)
            }
            40..65 => {
                let mut q = WORDS[rng.usize(..WORDS.len())].to_owned();
                if rng.bool() {
                    q = format!("{}%20{q}", WORDS[rng.usize(..WORDS.len())]);
                }
                let path = format!("/api/v1/products?limit=12&sort=relevance&q={q}");
                (Kind::Search, path)
            }
            _ => {
                let ids = &self.world.product_ids;
                let path = format!("/api/v1/products/{}", ids[rng.usize(..ids.len())]);
                (Kind::Product, path)
            }
        };
        let read = Call::new("GET", &path, Some(&shopper.token));
        self.timed(kind, 200, read).await;
    }

    /// One in four times a line removed (when there is one), else a product put in the cart
    /// at a quantity of 1 to 3.
    async fn change_cart(&mut self, shopper: &mut Shopper, rng: &mut fastrand::Rng) {
        if !shopper.items.is_empty() && rng.u32(0..4) == 0 {
            let product = shopper.items.swap_remove(rng.usize(..shopper.items.len()));
            let path = format!("/api/v1/carts/{}/items/{product}", shopper.cart);
            let remove = Call::new("DELETE", &path, Some(&shopper.token));
            self.timed(Kind::CartChange, 200, remove).await;
            return;
        }
        let products = &self.world.cart_products;
        let product = products[rng.usize(..products.len())].clone();
        let path = format!("/api/v1/carts/{}/items/{product}", shopper.cart);
        let quantity = format!(r#"{{"quantity":{}}}"#, rng.u32(1..=3));
        let set = Call::new("PUT", &path, Some(&shopper.token)).json(quantity);
        let answered = self.timed(Kind::CartChange, 200, set).await;
        if answered.is_some() && !shopper.items.contains(&product) {
            shopper.items.push(product);
        }
    }

    /// The cart ordered (a product put in it first if it is empty), then paid on the mock
    /// gateway's page, which confirms the order before it sends the shopper back.
    async fn order(&mut self, shopper: &mut Shopper, rng: &mut fastrand::Rng) {
        if shopper.items.is_empty() {
            self.change_cart(shopper, rng).await;
            if shopper.items.is_empty() {
                return;
            }
        }
        shopper.orders += 1;
        let key = format!("mixed-{}-{}", shopper.email, shopper.orders);
        let body = format!(
            r#"{{"cartId":"{}","address":{{"name":"Bench Shopper","phone":"9876543210","line1":"1 Bench Road","city":"Pune","stateCode":"27","pincode":"411001"}}}}"#,
            shopper.cart
        );
        let place = Call {
            headers: &[("Idempotency-Key", &key)],
            ..Call::new("POST", "/api/v1/orders", Some(&shopper.token)).json(body)
        };
        let started = Instant::now();
        let placed = self.timed(Kind::Order, 201, place).await;
        let Some(placed) = placed else { return };
        // The order took the cart's lines.
        shopper.items.clear();
        let order: serde_json::Value = serde_json::from_str(&placed).unwrap_or_default();
        let Some(pay) = order["paymentUrl"].as_str() else {
            self.samples.push(Sample {
                kind: Kind::Payment,
                started: started.saturating_duration_since(self.start),
                ms: 0.0,
                error: Some("Payment: the order has no payment URL".to_owned()),
            });
            return;
        };
        let approve = Call {
            body: Some((
                "application/x-www-form-urlencoded",
                "decision=approve".to_owned(),
            )),
            ..Call::new("POST", pay, None)
        };
        self.timed(Kind::Payment, 303, approve).await;
    }

    /// Signs in again with the password (argon2id), taking the new session's token.
    async fn sign_in(&mut self, shopper: &mut Shopper) {
        let body = format!(r#"{{"email":"{}","password":"{PASSWORD}"}}"#, shopper.email);
        let login = Call::new("POST", "/api/v1/auth/login", None).json(body);
        let answered = self.timed(Kind::SignIn, 200, login).await;
        let token = answered
            .and_then(|body| serde_json::from_str::<serde_json::Value>(&body).ok())
            .and_then(|outcome| outcome["session"]["accessToken"].as_str().map(String::from));
        if let Some(token) = token {
            shopper.token = token;
        }
    }
}

/// The step's report from its samples: those started inside the measured window.
fn summarise(shoppers: usize, samples: Vec<Sample>, pid: u32) -> Result<Step> {
    let window = Duration::from_secs(WARMUP_SECS)..Duration::from_secs(WARMUP_SECS + MEASURE_SECS);
    let measured: Vec<Sample> = samples
        .into_iter()
        .filter(|sample| window.contains(&sample.started))
        .collect();
    let latency = |name: String, of: &mut dyn Iterator<Item = &Sample>| {
        let mut errors = 0;
        let mut ms: Vec<f64> = of
            .inspect(|sample| errors += usize::from(sample.error.is_some()))
            .map(|sample| sample.ms)
            .collect();
        ms.sort_by(f64::total_cmp);
        Latency {
            kind: name,
            requests: ms.len(),
            errors,
            p50_ms: percentile(&ms, 0.50),
            p95_ms: percentile(&ms, 0.95),
            p99_ms: percentile(&ms, 0.99),
            max_ms: ms.last().copied().unwrap_or(0.0),
        }
    };
    let kinds = KINDS
        .iter()
        .map(|kind| {
            latency(
                format!("{kind:?}"),
                &mut measured.iter().filter(|sample| sample.kind == *kind),
            )
        })
        .collect();
    let overall = latency("overall".to_owned(), &mut measured.iter());
    let (peak, rss) = memory(pid)?;
    Ok(Step {
        shoppers,
        seconds: MEASURE_SECS,
        requests_per_sec: measured.len() as f64 / MEASURE_SECS as f64,
        errors: overall.errors,
        error_samples: measured
            .iter()
            .filter_map(|sample| sample.error.clone())
            .take(5)
            .collect(),
        overall,
        kinds,
        server_peak_rss_kib: peak,
        server_rss_kib: rss,
        load_average: std::fs::read_to_string("/proc/loadavg")?
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    })
}

/// The value at quantile `q` of sorted `ms` (nearest rank); 0 when empty.
fn percentile(ms: &[f64], q: f64) -> f64 {
    if ms.is_empty() {
        return 0.0;
    }
    let rank = (q * ms.len() as f64).ceil() as usize;
    ms[rank.clamp(1, ms.len()) - 1]
}

/// `VmHWM` and `VmRSS` of process `pid`, KiB.
fn memory(pid: u32) -> Result<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> Result<u64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .with_context(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((field("VmHWM:")?, field("VmRSS:")?))
}

fn print_step(step: &Step) {
    println!(
        "{} shoppers: {:.0} req/s, {} errors, server RSS {} MiB (peak {} MiB), load {}",
        step.shoppers,
        step.requests_per_sec,
        step.errors,
        step.server_rss_kib / 1024,
        step.server_peak_rss_kib / 1024,
        step.load_average
    );
    println!(
        "  {:<12} {:>8} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "kind", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    for latency in step.kinds.iter().chain([&step.overall]) {
        println!(
            "  {:<12} {:>8} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>9.1}",
            latency.kind,
            latency.requests,
            latency.errors,
            latency.p50_ms,
            latency.p95_ms,
            latency.p99_ms,
            latency.max_ms
        );
    }
    for error in &step.error_samples {
        println!("  error: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let ms: Vec<f64> = (1..=100).map(f64::from).collect();

        assert_eq!(percentile(&ms, 0.50), 50.0);
        assert_eq!(percentile(&ms, 0.95), 95.0);
        assert_eq!(percentile(&ms, 0.99), 99.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
