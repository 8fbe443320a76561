//! `spawn_app()`: a real server on a free port with its own empty dist directory and its own
//! fresh database, and a client that shows responses exactly as sent (no redirects followed,
//! no decompression).
//!
//! The database is an SQLite file unless `TEST_DATABASE_URL` names a PostgreSQL server
//! (`postgres://postgres@127.0.0.1:5433/postgres`): then every test creates its own database
//! there. `cargo xtask test` runs this suite both ways.

use api::config::{AppEnv, Secret};
use api::db::DbKind;
use api::{Application, Config, Db};
use contracts::Problem;
use contracts::auth::{Credentials, NewAccount};
use sqlx::{AssertSqlSafe, Connection as _, Executor as _, PgConnection};
use std::path::Path;
use tempfile::TempDir;

/// The `JWT_SECRET` of every test server, so tests can mint tokens the server accepts (or, with
/// a wrong expiry, refuses).
pub const TEST_JWT_SECRET: &str = "test-secret-of-at-least-thirty-two-bytes";

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
    /// Keeps the test's database (its SQLite folder) alive as long as the server.
    _database: TestDatabase,
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

pub async fn spawn_app() -> TestApp {
    let dist = tempfile::tempdir().expect("creating a temporary dist directory");
    let database = TestDatabase::create().await;
    let config = Config {
        app_env: AppEnv::Dev,
        addr: "127.0.0.1:0".parse().unwrap(),
        dist_dir: dist.path().to_owned(),
        database_url: Secret::new(database.url.clone()),
        jwt_secret: Some(Secret::new(TEST_JWT_SECRET.to_owned())),
        // Unused while `jwt_secret` is set; pointed at the test's own folder all the same.
        dev_key_dir: dist.path().join("unused-dev-key"),
    };
    let application = Application::build(config)
        .await
        .expect("building the application");
    let address = format!("http://127.0.0.1:{}", application.port());
    let db = application.db().clone();
    // Runs until the test's runtime is dropped at the end of the test.
    tokio::spawn(application.run_until(std::future::pending()));

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("building the HTTP client");
    TestApp {
        address,
        dist,
        client,
        db,
        _database: database,
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
