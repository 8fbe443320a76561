//! Values that must never be printed: [`Secret`], and the shortest key accepted.

use std::fmt;

/// A value that must never reach a log, an error message or a response: `Debug` and
/// `Display` print `[redacted]`, and the value is read only through [`Secret::expose`], which
/// makes each use visible in review. Signing and encryption keys will use it too.
///
/// No `PartialEq`: comparing secrets needs a constant-time comparison, not `==`.
#[derive(Clone)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The wrapped value. Call it only where the value is handed to what needs it (a database
    /// driver, a signer), never to format it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The shortest `JWT_SECRET` accepted: 256 bits, the size of an HS256 signature.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

#[cfg(test)]
mod tests {
    use crate::config::env::config_from;

    #[test]
    fn the_database_url_never_prints() {
        let config =
            config_from(&[("DATABASE_URL", "postgres://bazaar:hunter2@db/bazaar")]).unwrap();

        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(format!("{}", config.database_url), "[redacted]");
        assert_eq!(format!("{:?}", config.database_url), "[redacted]");
    }
}
