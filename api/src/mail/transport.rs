//! Where a mail goes: an SMTP server (`SMTP_URL`, lettre: STARTTLS or TLS, AUTH) or the
//! development folder (`MAIL_DIR`). The sender asks one [`Transport`] to deliver each opened
//! mail and learns whether the failure, if any, is worth another try.

use crate::db::outbox::OutboxMail;
use crate::mail::folder;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// How long one SMTP command may take. The sender stops claiming new work well before its
/// lease runs out (`sender::LEASE_MARGIN_SECS` is larger), so a mail begun is finished, or
/// failed, before another sender may claim it again.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The most SMTP connections one sender keeps open: one per mail in flight
/// (`sender::IN_FLIGHT`), well under what relays allow one client (Postfix: 50).
pub const POOL_SIZE: u32 = 8;

/// The way out for mail.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server; the pool keeps connections open between mails of one pass.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Files in a folder (development).
    Folder(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it carries the password.
        match self {
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
            Transport::Folder(dir) => write!(f, "Transport::Folder({})", dir.display()),
        }
    }
}

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The reason, as the server or the system gave it (addresses are masked before it is
    /// stored: `sender::scrub`).
    pub error: String,
    /// Whether trying again cannot help (a 5xx answer, an address that does not parse): the
    /// mail is dead at once.
    pub permanent: bool,
}

impl Transport {
    /// The SMTP transport of `url` (checked when the configuration was read).
    pub fn smtp(url: &str) -> anyhow::Result<Transport> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| anyhow::anyhow!("SMTP_URL is not a usable SMTP URL"))?
            .timeout(Some(SMTP_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(POOL_SIZE))
            .build();
        Ok(Transport::Smtp(transport))
    }

    /// Delivers `mail` (opened) from `from`.
    pub async fn send(&self, from: &Mailbox, mail: &OutboxMail) -> Result<(), Failure> {
        match self {
            Transport::Folder(dir) => folder::write(dir, mail).map(drop).map_err(|error| Failure {
                error: format!("{error:#}"),
                permanent: false,
            }),
            Transport::Smtp(smtp) => {
                let message = message(from, mail)?;
                smtp.send(message).await.map(drop).map_err(|error| Failure {
                    permanent: error.is_permanent(),
                    error: error.to_string(),
                })
            }
        }
    }
}

/// `mail` as a message from `from`: plain text alone, or text and HTML as
/// multipart/alternative (clients show the HTML, and fall back to the text).
pub fn message(from: &Mailbox, mail: &OutboxMail) -> Result<Message, Failure> {
    let refused = |error: String| Failure {
        error,
        permanent: true,
    };
    let to: Mailbox = mail
        .to_address
        .parse()
        .map_err(|_| refused("the recipient is not a mail address".to_owned()))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.as_str())
        .message_id(None);
    let built = match &mail.html_body {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            mail.body.clone(),
            html.clone(),
        )),
        None => builder.singlepart(SinglePart::plain(mail.body.clone())),
    };
    built.map_err(|error| refused(format!("the message cannot be built: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_with_html_is_multipart_alternative_with_both_parts() {
        let mail = OutboxMail {
            id: 1,
            to_address: "asha@example.com".into(),
            subject: "Your order".into(),
            body: "plain words".into(),
            html_body: Some("<p>html words</p>".into()),
            attempts: 0,
        };
        let from: Mailbox = "Bazaar <no-reply@example.in>".parse().unwrap();

        let raw = String::from_utf8(message(&from, &mail).unwrap().formatted()).unwrap();

        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(
            raw.contains("text/plain") && raw.contains("plain words"),
            "{raw}"
        );
        assert!(
            raw.contains("text/html") && raw.contains("html words"),
            "{raw}"
        );
        let bad = OutboxMail {
            to_address: "not an address".into(),
            ..mail
        };
        assert!(message(&from, &bad).unwrap_err().permanent);
    }
}
