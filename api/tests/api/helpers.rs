//! `spawn_app()`: a real server on a free port with its own empty dist directory and its own
//! fresh database, and a client that shows responses exactly as sent (no redirects followed,
//! no decompression).
//!
//! The database is an SQLite file unless `TEST_DATABASE_URL` names a PostgreSQL server
//! (`postgres://postgres@127.0.0.1:5433/postgres`): then every test creates its own database
//! there. `cargo xtask test` runs this suite both ways.

use api::config::{
    AppEnv, AuditSettings, MailSettings, PaymentProviderKind, PaymentSettings, RateLimits, Secret,
};
use api::db::DbKind;
use api::{Application, Clock, Config, Db};
use contracts::Problem;
use contracts::auth::{
    CSRF_COOKIE, CSRF_HEADER, Credentials, ForgotPassword, MfaActivate, MfaVerify, NewAccount,
    REFRESH_COOKIE, ResetPassword, SessionGrant,
};
use sqlx::{AssertSqlSafe, Connection as _, Executor as _, PgConnection};
use std::path::Path;
use tempfile::TempDir;

/// The `JWT_SECRET` of every test server, so tests can mint tokens the server accepts (or, with
/// a wrong expiry, refuses).
pub const TEST_JWT_SECRET: &str = "test-secret-of-at-least-thirty-two-bytes";

/// A field keyring for tests that configure keys explicitly (the CLI tests, rotation): key
/// `t1`, and `t2` for rotation. Standard base64 of 32 bytes each.
pub const TEST_FIELD_KEYS: &str = "t1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=";
/// The blind-index key beside [`TEST_FIELD_KEYS`].
pub const TEST_BLIND_INDEX_KEY: &str = "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk=";

/// The audit checkpoint key of every test server, so tests can verify (and forge) checkpoints.
pub const TEST_CHECKPOINT_KEY: &str = "a test audit checkpoint key of 32+ bytes";

/// The checkpoint file's name in the test server's mail folder.
pub const TEST_CHECKPOINT_FILE: &str = "audit-checkpoints.jsonl";

/// The webhook secret of every test server.
pub const TEST_WEBHOOK_SECRET: &str = "a test webhook secret of at least 32 bytes";

/// The `PUBLIC_URL` of every test server: mailed links start with it.
pub const TEST_PUBLIC_URL: &str = "http://bazaar.test";

/// The variable setting the test servers' pool size (`DATABASE_MAX_CONNECTIONS`); unset means
/// the default.
pub const TEST_DATABASE_MAX_CONNECTIONS: &str = "TEST_DATABASE_MAX_CONNECTIONS";

/// The variable naming the PostgreSQL server to test against; unset or empty means SQLite.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The server's `DIST_DIR`, empty at start: each test writes the files it needs (the
    /// server reads the directory on every request).
    pub dist: TempDir,
    pub client: reqwest::Client,
    /// The server's database pool (shared with it: closing it closes the server's).
    pub db: Db,
    /// The server's clock: a test moves it forward (`clock.advance`) instead of sleeping or
    /// rewriting the times stored in rows.
    pub clock: Clock,
    /// The server's `MAIL_DIR`, where the development mail sender writes `<id>.eml` files.
    pub mail: TempDir,
    /// The server's `DATABASE_URL`: tests that read the raw database (or start a second
    /// server on it) use it.
    pub database_url: String,
    /// The configuration the server was built with (its field keys, its dev key folder).
    pub config: Config,
    /// The server's field keys (the same as it built from `config`), for tests that read
    /// sealed rows or call use cases directly.
    pub vault: api::crypto::Vault,
    /// The server's `DEV_KEY_DIR`, where its development field key lives.
    pub keys: TempDir,
    /// The server when it runs as a process of its own ([`crate::process`]), which a test
    /// can kill and start again; `None` for the in-process server of [`spawn_app`].
    pub process: Option<std::process::Child>,
    /// Keeps the test's database (its SQLite folder) alive as long as the server.
    pub database: TestDatabase,
}

/// A fresh database for one test, migrated by nobody yet.
pub struct TestDatabase {
    /// Its `DATABASE_URL`.
    pub url: String,
    /// The folder of the SQLite file, deleted with the test; `None` on PostgreSQL, whose
    /// test databases are left to the throwaway cluster `cargo xtask test` deletes.
    _folder: Option<TempDir>,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        match postgres_server() {
            Some(server) => TestDatabase {
                url: create_postgres_database(&server).await,
                _folder: None,
            },
            None => {
                let folder = tempfile::tempdir().expect("creating a folder for the database");
                TestDatabase {
                    url: format!("sqlite://{}", folder.path().join("test.db").display()),
                    _folder: Some(folder),
                }
            }
        }
    }
}

impl TestDatabase {
    /// Another handle on the same database, for a second server on it. The folder of an
    /// SQLite database stays with `self`.
    pub fn alias(&self) -> TestDatabase {
        TestDatabase {
            url: self.url.clone(),
            _folder: None,
        }
    }
}

/// The backend this run of the suite tests, decided by the environment alone (not by asking
/// the server), so the tests can tell when the server uses the wrong one.
pub fn expected_backend() -> DbKind {
    match postgres_server() {
        Some(_) => DbKind::Postgres,
        None => DbKind::Sqlite,
    }
}

fn postgres_server() -> Option<String> {
    std::env::var(TEST_DATABASE_URL)
        .ok()
        .filter(|url| !url.is_empty())
}

/// `CREATE DATABASE test_<random>` on `server`; its URL.
async fn create_postgres_database(server: &str) -> String {
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut connection = PgConnection::connect(server)
        .await
        .unwrap_or_else(|e| panic!("connecting to {TEST_DATABASE_URL}: {e}"));
    // The name is ours (hex digits), so formatting it into SQL is safe.
    connection
        .execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap_or_else(|e| panic!("creating the test database {name}: {e}"));
    connection.close().await.ok();
    let mut url = url::Url::parse(server).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&name);
    url.to_string()
}

/// The rate limits of [`spawn_app`]: far above what any test sends from its one address, so
/// no test is throttled by accident, yet not 0, so every request still goes through the
/// counting (and every sign-in through the reading of its body for the account limit).
pub const GENEROUS_LIMITS: RateLimits = RateLimits {
    api_per_minute: 1_000_000,
    api_burst: 1_000_000,
    login: 1_000_000,
    login_account: 1_000_000,
    mfa: 1_000_000,
    password_reset: 1_000_000,
    register: 1_000_000,
    orders: 1_000_000,
};

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with `configure` applied to the server's configuration first, e.g. to set
/// the rate limits or CORS origins a test is about.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dist = tempfile::tempdir().expect("creating a temporary dist directory");
    let mail = tempfile::tempdir().expect("creating a temporary mail directory");
    let keys = tempfile::tempdir().expect("creating a temporary key directory");
    let database = TestDatabase::create().await;
    let mut config = test_config(&dist, &mail, &keys, &database);
    configure(&mut config);
    let config_copy = config.clone();
    let clock = Clock::adjustable();
    let application = Application::build_with_clock(config, clock.clone())
        .await
        .expect("building the application");
    let address = format!("http://127.0.0.1:{}", application.port());
    let db = application.db().clone();
    // Runs until the test's runtime is dropped at the end of the test.
    tokio::spawn(application.run_until(std::future::pending()));

    TestApp {
        address,
        dist,
        client: test_client(),
        db,
        clock,
        mail,
        database_url: database.url.clone(),
        vault: api::crypto::Vault::from_config(&config_copy).expect("the server's field keys"),
        config: config_copy,
        keys,
        process: None,
        database,
    }
}

/// The HTTP client of every test: responses exactly as sent, redirects not followed. Built as
/// the server builds its own (`payments::https`: reqwest has no TLS provider of its own here).
pub fn test_client() -> reqwest::Client {
    api::payments::https::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("building the HTTP client")
}

/// The configuration of a test server on these folders and database.
pub fn test_config(
    dist: &TempDir,
    mail: &TempDir,
    keys: &TempDir,
    database: &TestDatabase,
) -> Config {
    Config {
        app_env: AppEnv::Dev,
        addr: "127.0.0.1:0".parse().unwrap(),
        dist_dir: dist.path().to_owned(),
        database_url: Secret::new(database.url.clone()),
        // `cargo xtask test` runs the suite once more on a pool of one connection, where a use
        // case that holds a connection while it takes another waits on itself and fails.
        database_max_connections: std::env::var(TEST_DATABASE_MAX_CONNECTIONS).ok().map(|n| {
            n.parse()
                .expect("TEST_DATABASE_MAX_CONNECTIONS is a number")
        }),
        jwt_secret: Some(Secret::new(TEST_JWT_SECRET.to_owned())),
        // The development field key is made here on first start (`field_keys: None`), so every
        // test runs with encryption on, under a key of its own. (The JWT key is set above.)
        dev_key_dir: keys.path().to_owned(),
        public_url: TEST_PUBLIC_URL.to_owned(),
        mail_dir: mail.path().to_owned(),
        upload_dir: mail.path().join("uploads"),
        cors_origins: Vec::new(),
        trust_proxy: false,
        rate_limits: GENEROUS_LIMITS,
        request_timeout: Some(std::time::Duration::from_secs(30)),
        // Loopback only, which the tests are.
        metrics_token: None,
        payments: PaymentSettings {
            provider: PaymentProviderKind::Mock,
            // Known to the tests, so they can sign (and forge) webhooks of their own.
            webhook_secret: Some(Secret::new(TEST_WEBHOOK_SECRET.to_owned())),
            // The Razorpay tests set it, with their stand-in's address (`razorpay_stand_in`).
            razorpay: None,
            timeout: std::time::Duration::from_secs(1_800),
            sweep_interval: std::time::Duration::from_secs(60),
            refund_grace: std::time::Duration::from_secs(120),
        },
        field_keys: None,
        audit: AuditSettings {
            checkpoint_file: mail.path().join(TEST_CHECKPOINT_FILE),
            // Tests write their checkpoints when they need one (`TestApp::checkpoint`).
            checkpoint_interval: None,
            checkpoint_key: Some(Secret::new(TEST_CHECKPOINT_KEY.to_owned())),
        },
        mail: MailSettings {
            smtp_url: None,
            from: "Bazaar <no-reply@bazaar.test>".to_owned(),
            max_attempts: api::config::DEFAULT_MAIL_MAX_ATTEMPTS,
            // No background sender: tests deliver the outbox when they mean to
            // (`delivered_mail`, `mail_sink::send_pass`), so none races them.
            poll_interval: None,
        },
    }
}

impl TestApp {
    /// Writes `contents` to `relative_path` under the dist directory, creating folders.
    /// Atomic (write to a temporary name, then rename), as a deploy does it.
    pub fn write(&self, relative_path: &str, contents: impl AsRef<[u8]>) {
        let path = self.dist.path().join(relative_path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let staging = path.with_extension("staging");
        std::fs::write(&staging, contents).unwrap();
        std::fs::rename(&staging, &path).unwrap();
    }

    pub fn dist_path(&self, relative_path: &str) -> std::path::PathBuf {
        self.dist.path().join(relative_path)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("sending GET")
    }

    /// GET with an explicit `Accept-Encoding` (reqwest sends none without its compression
    /// features).
    pub async fn get_encoded(&self, path: &str, accept_encoding: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept-encoding", accept_encoding)
            .send()
            .await
            .expect("sending GET")
    }

    /// `POST /api/v1/auth/register` with a [`NewAccount`] body.
    pub async fn register(
        &self,
        email: &str,
        password: &str,
        display_name: &str,
    ) -> reqwest::Response {
        let account = NewAccount {
            email: email.to_owned(),
            password: password.to_owned(),
            display_name: display_name.to_owned(),
        };
        self.post_json("/api/v1/auth/register", &account).await
    }

    /// `POST /api/v1/auth/login` with [`Credentials`].
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let credentials = Credentials {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        self.post_json("/api/v1/auth/login", &credentials).await
    }

    /// `POST /api/v1/auth/login` as relayed by a proxy for `client`: with
    /// `X-Forwarded-For: <client>`, which the server believes only with `TRUST_PROXY`.
    pub async fn login_from(&self, client: &str, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .header("x-forwarded-for", client)
            .json(&Credentials {
                email: email.to_owned(),
                password: password.to_owned(),
            })
            .send()
            .await
            .expect("sending POST /login")
    }

    /// `GET /api/v1/auth/me`, with `Authorization: Bearer <token>` when a token is given.
    pub async fn me(&self, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.url("/api/v1/auth/me"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("sending GET /me")
    }

    pub async fn post_json(&self, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("sending POST")
    }

    /// A POST with a raw body and content type, for bodies `post_json` cannot send.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: &'static str,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("sending POST")
    }

    /// `POST /api/v1/auth/refresh` with the session's cookies and its CSRF header.
    pub async fn refresh(&self, session: &Cookies) -> reqwest::Response {
        self.refresh_with(
            Some(&session.refresh),
            Some(&session.csrf),
            Some(&session.csrf),
        )
        .await
    }

    /// `POST /api/v1/auth/refresh` with exactly the given refresh cookie, CSRF cookie and CSRF
    /// header (each left out when `None`).
    pub async fn refresh_with(
        &self,
        refresh: Option<&str>,
        csrf_cookie: Option<&str>,
        csrf_header: Option<&str>,
    ) -> reqwest::Response {
        self.cookie_post("/api/v1/auth/refresh", refresh, csrf_cookie, csrf_header)
            .await
    }

    /// `POST /api/v1/auth/logout` with the session's cookies and its CSRF header.
    pub async fn logout(&self, session: &Cookies) -> reqwest::Response {
        self.logout_with(
            Some(&session.refresh),
            Some(&session.csrf),
            Some(&session.csrf),
        )
        .await
    }

    /// `POST /api/v1/auth/logout` with exactly the given cookies and header.
    pub async fn logout_with(
        &self,
        refresh: Option<&str>,
        csrf_cookie: Option<&str>,
        csrf_header: Option<&str>,
    ) -> reqwest::Response {
        self.cookie_post("/api/v1/auth/logout", refresh, csrf_cookie, csrf_header)
            .await
    }

    async fn cookie_post(
        &self,
        path: &str,
        refresh: Option<&str>,
        csrf_cookie: Option<&str>,
        csrf_header: Option<&str>,
    ) -> reqwest::Response {
        let mut cookies = Vec::new();
        if let Some(refresh) = refresh {
            cookies.push(format!("{REFRESH_COOKIE}={refresh}"));
        }
        if let Some(csrf) = csrf_cookie {
            cookies.push(format!("{CSRF_COOKIE}={csrf}"));
        }
        let mut request = self.client.post(self.url(path));
        if !cookies.is_empty() {
            request = request.header("cookie", cookies.join("; "));
        }
        if let Some(csrf) = csrf_header {
            request = request.header(CSRF_HEADER, csrf);
        }
        request
            .send()
            .await
            .expect("sending a cookie-authenticated POST")
    }

    /// `POST /api/v1/auth/logout-all` with a bearer token.
    pub async fn logout_all(&self, access_token: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/logout-all"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("sending POST /logout-all")
    }

    /// `POST /api/v1/auth/mfa/enroll` with a bearer token.
    pub async fn mfa_enroll(&self, access_token: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/mfa/enroll"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("sending POST /mfa/enroll")
    }

    /// `POST /api/v1/auth/mfa/activate` with a bearer token and a code.
    pub async fn mfa_activate(&self, access_token: &str, code: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/mfa/activate"))
            .bearer_auth(access_token)
            .json(&MfaActivate {
                code: code.to_owned(),
            })
            .send()
            .await
            .expect("sending POST /mfa/activate")
    }

    /// `POST /api/v1/auth/mfa/verify`.
    pub async fn mfa_verify(&self, challenge_token: &str, code: &str) -> reqwest::Response {
        let body = MfaVerify {
            challenge_token: challenge_token.to_owned(),
            code: code.to_owned(),
        };
        self.post_json("/api/v1/auth/mfa/verify", &body).await
    }

    /// `POST /api/v1/auth/password/forgot`.
    pub async fn forgot_password(&self, email: &str) -> reqwest::Response {
        let body = ForgotPassword {
            email: email.to_owned(),
        };
        self.post_json("/api/v1/auth/password/forgot", &body).await
    }

    /// `POST /api/v1/auth/password/reset`.
    pub async fn reset_password(&self, token: &str, password: &str) -> reqwest::Response {
        let body = ResetPassword {
            token: token.to_owned(),
            password: password.to_owned(),
        };
        self.post_json("/api/v1/auth/password/reset", &body).await
    }

    /// Delivers the outbox now (as the background sender would, deterministically) and returns
    /// every mail file in the mail folder, oldest first.
    pub async fn delivered_mail(&self) -> Vec<String> {
        api::mail::Sender::new(
            self.db.clone(),
            self.vault.clone(),
            self.clock.clone(),
            api::mail::Transport::Folder(self.mail.path().to_owned()),
        )
        .deliver_pending()
        .await
        .expect("delivering the outbox");
        let mut files: Vec<_> = std::fs::read_dir(self.mail.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort_by_key(|path| {
            path.file_stem()
                .unwrap()
                .to_str()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        });
        files
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect()
    }

    /// Runs `sql` (no parameters; the same text must suit both backends) on the test database,
    /// e.g. to move an expiry into the past; the number of rows changed.
    pub async fn execute(&self, sql: &'static str) -> u64 {
        match &self.db {
            Db::Sqlite(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Db::Postgres(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
        }
        .expect("running test SQL")
    }

    /// The test database's `DATABASE_URL`, for running the `api` binary on it.
    pub fn database_url(&self) -> &str {
        &self.database.url
    }

    /// The sequence number of the audit log's last row (0 when empty): a mark to read the rows
    /// a request wrote with [`TestApp::audit_after`].
    pub async fn audit_mark(&self) -> i64 {
        let mut conn = self.db.conn().await.unwrap();
        api::db::audit::head(&mut conn)
            .await
            .unwrap()
            .map_or(0, |head| head.seq)
    }

    /// The audit rows written after `mark`, oldest first: "this request wrote this row".
    pub async fn audit_after(&self, mark: i64) -> Vec<api::db::audit::AuditRow> {
        let mut conn = self.db.conn().await.unwrap();
        api::db::audit::chain_after(&mut conn, mark, 100_000)
            .await
            .unwrap()
    }

    /// The audit rows after `mark` with `action`.
    pub async fn audited(&self, mark: i64, action: &str) -> Vec<api::db::audit::AuditRow> {
        let mut rows = self.audit_after(mark).await;
        rows.retain(|row| row.action == action);
        rows
    }

    /// The test server's checkpoints (its file and key).
    pub fn checkpoints(&self) -> api::app::audit::checkpoint::Checkpoints {
        api::app::audit::checkpoint::Checkpoints::new(
            self.mail.path().join(TEST_CHECKPOINT_FILE),
            TEST_CHECKPOINT_KEY.as_bytes(),
        )
    }

    /// Writes a checkpoint of the audit log now, as the server's checkpointer does.
    pub async fn checkpoint(&self) {
        self.checkpoints()
            .append(&self.db, self.clock.now())
            .await
            .expect("writing a checkpoint");
    }

    /// Runs `api audit verify` as a process on the test database and checkpoint file: whether
    /// it exited 0, and what it printed.
    pub fn audit_verify(&self) -> (bool, String) {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_api"))
            .args(["audit", "verify"])
            .env("APP_ENV", "dev")
            .env("DATABASE_URL", self.database_url())
            .env("AUDIT_CHECKPOINT_FILE", self.checkpoints().path())
            .env("AUDIT_CHECKPOINT_KEY", TEST_CHECKPOINT_KEY)
            .env("DEV_KEY_DIR", self.mail.path())
            .output()
            .expect("starting the api binary");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.code().is_some_and(|code| code <= 1),
            "api audit verify crashed: {stderr}"
        );
        (output.status.success(), stdout)
    }

    /// Waits (polling, up to 60 s) until `sql`, a count, is `expected`: for what a server's
    /// background task (sweeper, mail sender) does in its own time.
    pub async fn wait_for_count(&self, sql: &'static str, expected: i64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let got = self.count(sql).await;
            if got == expected {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{sql} is {got}, never {expected}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Runs a `SELECT count(*) ...` on the test database.
    pub async fn count(&self, sql: &'static str) -> i64 {
        match &self.db {
            Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .expect("counting")
    }

    pub async fn post(&self, path: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .send()
            .await
            .expect("sending POST")
    }
}

/// A response header as a string, or `""` when absent.
pub fn header<'r>(response: &'r reqwest::Response, name: &str) -> &'r str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

/// Asserts the response is `application/problem+json` and decodes it.
pub async fn problem(response: reqwest::Response) -> Problem {
    assert_eq!(
        header(&response, "content-type"),
        "application/problem+json"
    );
    response.json().await.expect("decoding the problem body")
}

/// Bytes of a file under `dir`.
pub fn read(dir: &Path, relative_path: &str) -> Vec<u8> {
    std::fs::read(dir.join(relative_path)).unwrap()
}

/// The session cookies a response set: the refresh token and the CSRF value.
#[derive(Debug, Clone)]
pub struct Cookies {
    pub refresh: String,
    pub csrf: String,
}

/// Every `Set-Cookie` header of `response`, as sent.
pub fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The value `name` is set to in `set_cookies`, if it is set (an empty value counts as unset).
pub fn cookie_value(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies.iter().find_map(|line| {
        let (pair, _) = line.split_once(';').unwrap_or((line, ""));
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name && !value.is_empty()).then(|| value.to_owned())
    })
}

/// The session cookies `response` set; panics when it set none.
pub fn session_cookies(response: &reqwest::Response) -> Cookies {
    let lines = set_cookies(response);
    Cookies {
        refresh: cookie_value(&lines, REFRESH_COOKIE).expect("a refresh cookie"),
        csrf: cookie_value(&lines, CSRF_COOKIE).expect("a CSRF cookie"),
    }
}

/// A response's session: the grant in its body and the cookies it set.
pub async fn session_of(response: reqwest::Response) -> (SessionGrant, Cookies) {
    assert!(response.status().is_success(), "{}", response.status());
    let cookies = session_cookies(&response);
    (response.json().await.expect("a session grant"), cookies)
}
