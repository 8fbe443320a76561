//! The bench's HTTP calls: one request per connection, written by hand (the bench needs a few
//! simple calls, not an HTTP client dependency), and signing in, with a second factor for an
//! administrator.

use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A POST of a JSON body; the status and the body.
pub fn post_json(addr: &str, path: &str, body: &str) -> Result<(u16, String)> {
    request(addr, "POST", path, None, &[], body)
}

/// One request over a fresh connection (with a bearer token, extra headers and a JSON body
/// when given); the status and the body.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, String)> {
    request_typed(
        addr,
        method,
        path,
        token,
        headers,
        ("application/json", body),
    )
}

/// [`request`] with a body of another content type (`(type, body)`): a form, for the mock
/// gateway's pay page.
pub fn request_typed(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    (content_type, body): (&str, &str),
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
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
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

/// Signs in; the access token.
pub fn sign_in(addr: &str, email: &str, password: &str) -> Result<String> {
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

/// Signs administrator `email` in with a second factor, enrolling an authenticator first if
/// the account has none (the demo administrator's first sign-in); the access token. The codes
/// are computed as an authenticator app computes them.
pub fn sign_in_admin(addr: &str, email: &str, password: &str) -> Result<String> {
    let credentials = format!(r#"{{"email":"{email}","password":"{password}"}}"#);
    let (status, body) = post_json(addr, "/api/v1/auth/login", &credentials)?;
    if status != 200 {
        bail!("signing in {email} answered {status}: {body}");
    }
    let mut outcome: serde_json::Value = serde_json::from_str(&body)?;
    let mut used_step = None;
    if let Some(token) = outcome["session"]["accessToken"].as_str() {
        let (status, body) = request(
            addr,
            "POST",
            "/api/v1/auth/mfa/enroll",
            Some(token),
            &[],
            "{}",
        )?;
        if status != 200 {
            bail!("enrolling {email}'s authenticator answered {status}: {body}");
        }
        let enrollment: serde_json::Value = serde_json::from_str(&body)?;
        let secret = enrollment["secret"]
            .as_str()
            .context("no secret")?
            .to_owned();
        let (code, step) = totp_code(&secret, None)?;
        let activate = format!(r#"{{"code":"{code}"}}"#);
        let (status, body) = request(
            addr,
            "POST",
            "/api/v1/auth/mfa/activate",
            Some(token),
            &[],
            &activate,
        )?;
        if status != 200 {
            bail!("activating {email}'s authenticator answered {status}: {body}");
        }
        used_step = Some((secret, step));
        let (status, body) = post_json(addr, "/api/v1/auth/login", &credentials)?;
        if status != 200 {
            bail!("signing in {email} again answered {status}: {body}");
        }
        outcome = serde_json::from_str(&body)?;
    }
    let (secret, after) = used_step.context(
        "the administrator had an authenticator the bench does not know: use a fresh bench database",
    )?;
    let challenge = outcome["mfaRequired"]["challengeToken"]
        .as_str()
        .context("no second-factor challenge for the administrator")?;
    // A code is good once: the next step's, which the server accepts within its window.
    let (code, _) = totp_code(&secret, Some(after + 1))?;
    let verify = format!(r#"{{"challengeToken":"{challenge}","code":"{code}"}}"#);
    let (status, body) = post_json(addr, "/api/v1/auth/mfa/verify", &verify)?;
    if status != 200 {
        bail!("verifying {email}'s second factor answered {status}: {body}");
    }
    let grant: serde_json::Value = serde_json::from_str(&body)?;
    Ok(grant["accessToken"]
        .as_str()
        .context("no access token after the second factor")?
        .to_owned())
}

/// The six-digit TOTP code of base32 `secret` at 30-second step `step` (now's when `None`),
/// and the step.
pub(crate) fn totp_code(secret: &str, step: Option<u64>) -> Result<(String, u64)> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let step = step.unwrap_or(now / 30);
    let key = totp_rs::Secret::try_from_base32(secret).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let totp = totp_rs::Builder::new()
        .with_secret(key)
        .build()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok((totp.generate(step * 30).to_string(), step))
}

/// Registers customer `email`; their access token and their (empty) cart's id.
pub fn register_buyer(addr: &str, email: &str) -> Result<(String, String)> {
    let account = format!(
        r#"{{"email":"{email}","password":"bench password of some length","displayName":"Buyer"}}"#
    );
    let (status, body) = post_json(addr, "/api/v1/auth/register", &account)?;
    if status != 201 {
        bail!("registering {email} answered {status}: {body}");
    }
    let grant: serde_json::Value = serde_json::from_str(&body)?;
    let token = grant["accessToken"]
        .as_str()
        .context("no token")?
        .to_owned();
    let (_, cart) = request(addr, "GET", "/api/v1/cart", Some(&token), &[], "")?;
    let cart: serde_json::Value = serde_json::from_str(&cart)?;
    let cart_id = cart["cartId"].as_str().context("no cart id")?.to_owned();
    Ok((token, cart_id))
}
