//! Where product images live: an object store (`put`, `get` by key) behind one type, so a
//! cloud bucket can replace the local directory without touching the handlers. Keys are made
//! by the server (`<uuid>.<ext>`), never taken from a client, and checked before any file
//! system access.

use std::io;
use std::path::PathBuf;

/// The configured object store.
#[derive(Debug, Clone)]
pub enum ObjectStore {
    /// A directory on this machine (`UPLOAD_DIR`): the default, and enough for one server.
    Local(PathBuf),
}

impl ObjectStore {
    /// Stores `bytes` under `key`, whole or not at all (written to a temporary name, then
    /// renamed), so a reader never sees half an image.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let ObjectStore::Local(root) = self;
        check_key(key)?;
        tokio::fs::create_dir_all(root).await?;
        let temporary = root.join(format!(".{key}.partial"));
        tokio::fs::write(&temporary, bytes).await?;
        tokio::fs::rename(&temporary, root.join(key)).await
    }

    /// The bytes under `key`, or `None` when there are none.
    pub async fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        let ObjectStore::Local(root) = self;
        if check_key(key).is_err() {
            return Ok(None);
        }
        match tokio::fs::read(root.join(key)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// A key is a file name of letters, digits, `-` and one `.`: nothing that can leave the root.
fn check_key(key: &str) -> io::Result<()> {
    let valid = !key.is_empty()
        && key.len() <= 100
        && !key.starts_with('.')
        && key.matches('.').count() == 1
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if valid {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not an object key",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn what_is_put_is_got_and_keys_cannot_escape_the_root() {
        let root = tempfile::tempdir().unwrap();
        let store = ObjectStore::Local(root.path().join("uploads"));
        store.put("a1b2-c3.png", b"bytes").await.unwrap();
        assert_eq!(store.get("a1b2-c3.png").await.unwrap().unwrap(), b"bytes");
        assert_eq!(store.get("missing.png").await.unwrap(), None);
        for bad in [
            "../secret.png",
            "a/b.png",
            ".hidden.png",
            "a.b.png",
            "noext",
            "",
        ] {
            assert!(store.put(bad, b"x").await.is_err(), "{bad}");
            assert_eq!(store.get(bad).await.unwrap(), None, "{bad}");
        }
    }
}
