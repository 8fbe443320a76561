//! Development keys: a random key made on first run in `DEV_KEY_DIR` (mode 0600, git-ignored
//! with `data/`) when its variable is unset outside production, and the check that production
//! is not handed one. Shared by the access-token key (`token`) and the audit checkpoints' key
//! (`app::audit::checkpoint`).

use crate::config::{MIN_JWT_SECRET_BYTES, Secret};
use anyhow::Context as _;
use argon2::password_hash::rand_core::{OsRng, RngCore as _};
use std::path::Path;

/// Production must not run on a key that sat in a development folder: stops startup when
/// `secret` (the value of `variable`) equals the development key file at `path`. A plain
/// comparison is fine here: it runs once at startup, where its timing tells an attacker nothing.
pub fn refuse_development_key(
    secret: &Secret<String>,
    path: &Path,
    variable: &str,
) -> anyhow::Result<()> {
    if let Ok(dev_key) = std::fs::read_to_string(path)
        && dev_key.trim() == secret.expose()
    {
        anyhow::bail!(
            "{variable} is the development key ({}); production needs its own secret",
            path.display()
        );
    }
    Ok(())
}

/// Reads the development key at `path`, or creates it: 32 random bytes, hex encoded, in a file
/// only its owner can read. The key is never logged, only where it lives; `what` names it in
/// the warning ("signing key").
pub fn load_or_create(path: &Path, what: &str) -> anyhow::Result<Secret<String>> {
    match std::fs::read_to_string(path) {
        Ok(key) if key.trim().len() >= MIN_JWT_SECRET_BYTES => {
            return Ok(Secret::new(key.trim().to_owned()));
        }
        Ok(_) => anyhow::bail!(
            "{} is shorter than {MIN_JWT_SECRET_BYTES} bytes; delete it to get a new key",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    let mut bytes = [0u8; 32];
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
            tracing::warn!(path = %path.display(), "no key configured; created a development {what}");
            Ok(Secret::new(key))
        }
        // Another server started at the same moment and wrote it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path, what),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_development_key_is_created_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("dev.key");

        let first = load_or_create(&path, "key").unwrap();
        let second = load_or_create(&path, "key").unwrap();

        assert_eq!(first.expose(), second.expose());
        assert_eq!(first.expose().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn production_refuses_a_development_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dev.key");
        let dev_key = load_or_create(&path, "key").unwrap();

        assert!(refuse_development_key(&dev_key, &path, "KEY").is_err());
        let own = Secret::new("a production secret of at least 32 bytes".to_owned());
        assert!(refuse_development_key(&own, &path, "KEY").is_ok());
    }
}
