//! A test server run as a process of its own (the `api` binary, `api serve`), for the tests a
//! server inside the test cannot serve: killing it with SIGKILL at a fault point the test names
//! (`FAILPOINTS`, in builds with the `failpoints` feature), then starting it again on the same
//! database, folders and keys, as an operator would after a crash.

use crate::helpers::{
    TEST_CHECKPOINT_FILE, TEST_CHECKPOINT_KEY, TEST_DATABASE_MAX_CONNECTIONS, TEST_JWT_SECRET,
    TEST_PUBLIC_URL, TEST_WEBHOOK_SECRET, TestApp, TestDatabase, test_client, test_config,
};
use api::{Clock, Db};
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

/// A server process on a fresh database, with the fault points `failpoints` set
/// (`name=action;...`, fail-rs syntax, e.g. `refund-after-gateway=sleep(60000)`; `""` for
/// none). Its clock is the system's: `app.clock` does not move it.
pub async fn spawn_process_app(failpoints: &str) -> TestApp {
    spawn_process_app_with(failpoints, &[]).await
}

/// [`spawn_process_app`] with the environment variables `vars` set on the process too (e.g.
/// `("SWEEP_INTERVAL_SECS", "1")`).
pub async fn spawn_process_app_with(failpoints: &str, vars: &[(&str, &str)]) -> TestApp {
    let mail = tempfile::tempdir().expect("creating a temporary mail directory");
    let keys = tempfile::tempdir().expect("creating a temporary key directory");
    let database = TestDatabase::create().await;
    spawn_process_app_on(database, mail, keys, failpoints, vars).await
}

/// [`spawn_process_app_with`] on `database`, with `mail` as its mail folder (where its
/// checkpoint file is, [`TEST_CHECKPOINT_FILE`]) and `keys` as its `DEV_KEY_DIR`, all of
/// which may hold data already (a restored backup).
pub async fn spawn_process_app_on(
    database: TestDatabase,
    mail: tempfile::TempDir,
    keys: tempfile::TempDir,
    failpoints: &str,
    vars: &[(&str, &str)],
) -> TestApp {
    let mut app = process_app_on(database, mail, keys).await;
    app.start_process_with(failpoints, vars);
    app
}

/// The [`TestApp`] of [`spawn_process_app_on`], its server not started yet (tests that start
/// several at one moment call [`TestApp::launch_process`] on each, then
/// [`TestApp::await_listening`]).
pub async fn process_app_on(
    database: TestDatabase,
    mail: tempfile::TempDir,
    keys: tempfile::TempDir,
) -> TestApp {
    let dist = tempfile::tempdir().expect("creating a temporary dist directory");
    let config = test_config(&dist, &mail, &keys, &database);
    TestApp {
        address: String::new(),
        dist,
        client: test_client(),
        db: Db::connect(&database.url)
            .await
            .expect("connecting to the test database"),
        clock: Clock::system(),
        mail,
        database_url: database.url.clone(),
        // Made here (`DEV_KEY_DIR`), read by every start of the process.
        vault: api::crypto::Vault::from_config(&config).expect("a development field key"),
        config,
        keys,
        process: None,
        database,
    }
}

impl TestApp {
    /// Starts the server process (again) with `failpoints`, and waits until it listens.
    pub fn start_process(&mut self, failpoints: &str) {
        self.start_process_with(failpoints, &[]);
    }

    /// [`TestApp::start_process`] with the variables `env` set too (e.g. a short
    /// `REQUEST_TIMEOUT_SECS`), after the test's own.
    pub fn start_process_with(&mut self, failpoints: &str, env: &[(&str, &str)]) {
        self.launch_process(failpoints, env);
        self.await_listening();
    }

    /// Starts the server process with `failpoints` and `env`, without waiting for it.
    pub fn launch_process(&mut self, failpoints: &str, env: &[(&str, &str)]) {
        assert!(self.process.is_none(), "the server process is running");
        let mut command = Command::new(env!("CARGO_BIN_EXE_api"));
        command
            .arg("serve")
            // Not the checkout: a `.env` there must not configure the test's server.
            .current_dir(self.mail.path())
            .env("APP_ENV", "dev")
            .env("API_ADDR", "127.0.0.1:0")
            .env("DIST_DIR", self.dist.path())
            .env("DATABASE_URL", &self.database_url)
            .env("JWT_SECRET", TEST_JWT_SECRET)
            .env("DEV_KEY_DIR", self.keys.path())
            .env("PUBLIC_URL", TEST_PUBLIC_URL)
            .env("MAIL_DIR", self.mail.path())
            .env("UPLOAD_DIR", self.mail.path().join("uploads"))
            .env("PAYMENT_PROVIDER", "mock")
            .env("PAYMENT_WEBHOOK_SECRET", TEST_WEBHOOK_SECRET)
            .env(
                "AUDIT_CHECKPOINT_FILE",
                self.mail.path().join(TEST_CHECKPOINT_FILE),
            )
            .env("AUDIT_CHECKPOINT_KEY", TEST_CHECKPOINT_KEY)
            .env("FAILPOINTS", failpoints)
            .stdout(Stdio::piped())
            // The server's log, kept beside its mail for a failing test to read (appended to
            // by every start).
            .stderr(self.log_file());
        for limit in [
            "RATE_LIMIT_API_PER_MINUTE",
            "RATE_LIMIT_API_BURST",
            "RATE_LIMIT_LOGIN",
            "RATE_LIMIT_LOGIN_ACCOUNT",
            "RATE_LIMIT_MFA",
            "RATE_LIMIT_PASSWORD_RESET",
            "RATE_LIMIT_REGISTER",
            "RATE_LIMIT_ORDERS",
        ] {
            command.env(limit, "1000000");
        }
        if let Ok(connections) = std::env::var(TEST_DATABASE_MAX_CONNECTIONS) {
            command.env("DATABASE_MAX_CONNECTIONS", connections);
        }
        command.envs(env.iter().copied());
        self.process = Some(command.spawn().expect("starting the api binary"));
    }

    /// Waits until the launched server process listens, and takes its address.
    pub fn await_listening(&mut self) {
        let child = self.process.as_mut().expect("no server process launched");
        // `api serve` prints one line on stdout once it listens: `listening on http://IP:PORT`.
        let stdout = child.stdout.take().expect("the server's stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("reading the server's first line");
        let address = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the server did not start: {line:?}"));
        self.address = address.to_owned();
    }

    /// The server process's log file (`server.log` in its mail folder), opened to append.
    fn log_file(&self) -> std::fs::File {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.mail.path().join("server.log"))
            .expect("opening the server's log file")
    }

    /// Kills the server process with SIGKILL (no shutdown, no flush), and reaps it.
    pub fn kill_process(&mut self) {
        let mut child: Child = self.process.take().expect("no server process to kill");
        child.kill().expect("killing the server");
        child.wait().expect("reaping the server");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(mut child) = self.process.take() {
            child.kill().ok();
            child.wait().ok();
        }
    }
}
