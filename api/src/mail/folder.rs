//! The development mailbox: each mail written to a file in `MAIL_DIR` when no `SMTP_URL` is
//! set (dev and staging).
//!
//! # File format (read by the browser tests)
//!
//! One file per mail, `<MAIL_DIR>/<outbox id>.eml`, UTF-8, written atomically (to a temporary
//! name, then renamed), so a reader never sees half a mail:
//!
//! ```text
//! X-Outbox-Id: 7
//! To: asha@example.com
//! Subject: Reset your Bazaar password
//!
//! Hello Asha,
//! ...
//! http://127.0.0.1:8080/reset-password?token=<43 base64url characters>
//! ...
//! ```
//!
//! Headers, an empty line, then the plain-text body (the HTML part, when there is one, is
//! what SMTP sends beside it; the file keeps the text). The reset link stands on a line of
//! its own; the token is base64url, so it needs no unescaping. Ids grow, so the newest mail
//! has the highest number.

use crate::db::outbox::OutboxMail;
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// Writes `mail` to `<dir>/<id>.eml` through a temporary file; the path. Writing it again
/// (a second sender) replaces it with the same content.
pub fn write(dir: &Path, mail: &OutboxMail) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the mail folder {}", dir.display()))?;
    let path = mail_path(dir, mail.id);
    let staging = dir.join(format!(
        ".{}.{}.tmp",
        mail.id,
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(&staging, render(mail))
        .with_context(|| format!("writing {}", staging.display()))?;
    std::fs::rename(&staging, &path)
        .with_context(|| format!("moving a mail to {}", path.display()))?;
    Ok(path)
}

/// The file content of `mail` (see the module docs).
pub fn render(mail: &OutboxMail) -> String {
    format!(
        "X-Outbox-Id: {}\nTo: {}\nSubject: {}\n\n{}",
        mail.id, mail.to_address, mail.subject, mail.body
    )
}

/// The mail file of outbox row `id` in `dir`.
pub fn mail_path(dir: &Path, id: i64) -> PathBuf {
    dir.join(format!("{id}.eml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> OutboxMail {
        OutboxMail {
            id: 7,
            to_address: "a@example.com".into(),
            subject: "Hi".into(),
            body: "line one\nline two\n".into(),
            html_body: Some("<p>line one</p>".into()),
            attempts: 0,
        }
    }

    #[test]
    fn a_mail_renders_as_headers_a_blank_line_and_the_text_body() {
        assert_eq!(
            render(&mail()),
            "X-Outbox-Id: 7\nTo: a@example.com\nSubject: Hi\n\nline one\nline two\n"
        );
    }

    #[test]
    fn a_mail_becomes_one_file_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().unwrap();

        let path = write(dir.path(), &mail()).unwrap();
        write(dir.path(), &mail()).unwrap();

        assert_eq!(path, mail_path(dir.path(), 7));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), render(&mail()));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
