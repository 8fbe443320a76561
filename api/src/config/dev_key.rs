//! Development keys: random keys made on first run in `DEV_KEY_DIR` (the JWT signing key,
//! `auth::token`; the field-encryption root, `crypto`; the audit checkpoints' key,
//! `app::audit::checkpoint`) so a fresh checkout needs no secrets,
//! and restarts keep what they signed or sealed readable. Each is 32 random bytes, hex, in a
//! file only its owner can read; never logged, only where it lives.

use crate::config::Secret;
use anyhow::Context as _;
use argon2::password_hash::rand_core::{OsRng, RngCore as _};
use std::path::Path;

/// Hex characters of a development key (32 bytes).
const KEY_HEX_CHARS: usize = 64;

/// The key in `path`, when the file exists and holds one.
pub fn read_existing(path: &Path) -> Option<Secret<String>> {
    let key = std::fs::read_to_string(path).ok()?;
    let key = key.trim();
    (!key.is_empty()).then(|| Secret::new(key.to_owned()))
}

/// Reads the key at `path`, or creates it (warning `created` once). A file that holds less
/// than 32 bytes of key is refused rather than replaced: what it signed or sealed would be
/// lost.
pub fn load_or_create(path: &Path, created: &'static str) -> anyhow::Result<Secret<String>> {
    match std::fs::read_to_string(path) {
        Ok(key) if key.trim().len() >= KEY_HEX_CHARS / 2 => {
            return Ok(Secret::new(key.trim().to_owned()));
        }
        Ok(_) => anyhow::bail!(
            "{} is shorter than 32 bytes; delete it to get a new key",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    let mut bytes = [0u8; KEY_HEX_CHARS / 2];
    OsRng.fill_bytes(&mut bytes);
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            std::io::Write::write_all(&mut file, key.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            tracing::warn!(path = %path.display(), "{created}");
            Ok(Secret::new(key))
        }
        // Another server started at the same moment and wrote it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path, created),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

/// Production must not run on a key that sat in a development folder: stops startup when
/// `secret` (the value of `variable`) equals the development key file at `path`. A plain
/// comparison is fine here: it runs once at startup, where its timing tells an attacker nothing.
pub fn refuse_development_key(
    secret: &Secret<String>,
    path: &Path,
    variable: &str,
) -> anyhow::Result<()> {
    if read_existing(path).is_some_and(|dev_key| dev_key.expose() == secret.expose()) {
        anyhow::bail!(
            "{variable} is the development key ({}); production needs its own secret",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_development_key_is_created_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("dev.key");

        let first = load_or_create(&path, "created").unwrap();
        let second = load_or_create(&path, "created").unwrap();

        assert_eq!(first.expose(), second.expose());
        assert_eq!(first.expose().len(), 64);
        assert_eq!(read_existing(&path).unwrap().expose(), first.expose());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_truncated_key_file_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dev.key");
        std::fs::write(&path, "abc").unwrap();

        assert!(load_or_create(&path, "created").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "abc");
    }

    #[test]
    fn production_refuses_a_development_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dev.key");
        let dev_key = load_or_create(&path, "created").unwrap();

        assert!(refuse_development_key(&dev_key, &path, "KEY").is_err());
        let own = Secret::new("a production secret of at least 32 bytes".to_owned());
        assert!(refuse_development_key(&own, &path, "KEY").is_ok());
    }
}
