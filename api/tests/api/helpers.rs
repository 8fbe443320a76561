//! `spawn_app()`: a real server on a free port with its own empty dist directory, and a
//! client that shows responses exactly as sent (no redirects followed, no decompression).

use api::{Application, Config};
use contracts::Problem;
use std::path::Path;
use tempfile::TempDir;

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The server's `DIST_DIR`, empty at start: each test writes the files it needs (the
    /// server reads the directory on every request).
    pub dist: TempDir,
    pub client: reqwest::Client,
}

pub async fn spawn_app() -> TestApp {
    let dist = tempfile::tempdir().expect("creating a temporary dist directory");
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        dist_dir: dist.path().to_owned(),
    };
    let application = Application::build(config)
        .await
        .expect("building the application");
    let address = format!("http://127.0.0.1:{}", application.port());
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
