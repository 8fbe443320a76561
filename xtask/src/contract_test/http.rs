//! The kit's HTTP client: real requests to any API URL (http or https), the refresh cookie a
//! browser would keep, and nothing treated as an error that is only a status: the kit judges
//! every status itself.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::time::Duration;

/// One answer: its status, media type and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// `Set-Cookie` pairs (`name` → `value`) the answer set.
    pub cookies: BTreeMap<String, String>,
}

/// What one request carries besides its method and path.
#[derive(Default)]
pub struct Extra<'a> {
    pub token: Option<String>,
    pub headers: Vec<(&'a str, String)>,
    /// `(content type, bytes)`.
    pub body: Option<(&'a str, Vec<u8>)>,
}

pub struct Client {
    agent: ureq::Agent,
    /// `http://host:port`, without a trailing `/`.
    pub base: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Redirects are answers to check (the mock gateway's 303), not to follow.
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        Client {
            agent,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// `path` is absolute on the server (`/api/v1/products`) or a full URL.
    pub fn send(&self, method: &str, path: &str, extra: Extra<'_>) -> Result<Answer> {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(token) = &extra.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        for (name, value) in &extra.headers {
            request = request.header(*name, value);
        }
        let (content_type, bytes) = extra.body.unwrap_or(("", Vec::new()));
        if !content_type.is_empty() {
            request = request.header("Content-Type", content_type);
        }
        let request = request.body(bytes).context("building a request")?;
        let mut response = self
            .agent
            .run(request)
            .with_context(|| format!("{method} {url}"))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let content_type = header("content-type");
        let cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|c| c.split(';').next()?.split_once('='))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(32 * 1024 * 1024)
            .read_to_vec()
            .with_context(|| format!("reading the answer of {method} {url}"))?;
        Ok(Answer {
            status,
            content_type,
            body,
            cookies,
        })
    }
}
