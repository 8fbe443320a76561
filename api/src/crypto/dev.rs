//! The development field key: one random 256-bit root in `DEV_KEY_DIR/dev-field.key` (made
//! on first run, mode 0600, git-ignored with the rest of `data/`), from which the development
//! tier derives its field key (id `dev`) and its blind-index root, so a fresh checkout
//! encrypts like production does. Production refuses keys equal to these.

use crate::config::{FieldKeys, Secret, dev_key};
use hkdf::Hkdf;
use sha2::Sha256;
use std::path::Path;

/// The file the development field key lives in, inside `Config::dev_key_dir`.
pub const DEV_FIELD_KEY_FILE: &str = "dev-field.key";
/// The key id values sealed with the development key carry.
pub const DEV_KEY_ID: &str = "dev";

/// The development field key and blind-index root.
type DevKeys = (Secret<[u8; 32]>, Secret<[u8; 32]>);

/// The field key and blind-index root of the development root (its hex text).
fn derive(root: &[u8]) -> DevKeys {
    let hkdf = Hkdf::<Sha256>::new(None, root);
    let mut field = [0u8; 32];
    let mut index = [0u8; 32];
    hkdf.expand(b"bazaar.dev.field-key", &mut field)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    hkdf.expand(b"bazaar.dev.blind-index-root", &mut index)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    (Secret::new(field), Secret::new(index))
}

/// The development keys from `path`, creating the file on first run.
pub fn load_or_create(path: &Path) -> anyhow::Result<DevKeys> {
    let root = dev_key::load_or_create(
        path,
        "FIELD_KEYS is not set; created a development field key",
    )?;
    Ok(derive(root.expose().as_bytes()))
}

/// Stops a production start whose `FIELD_KEYS` or `BLIND_INDEX_KEY` equals a key derived
/// from the development key file at `path` (when there is one).
pub fn refuse_development_keys(keys: &FieldKeys, path: &Path) -> anyhow::Result<()> {
    let Some(root) = dev_key::read_existing(path) else {
        return Ok(());
    };
    let (field, index) = derive(root.expose().as_bytes());
    // Compared once at startup, where timing tells nobody anything.
    if let Some((id, _)) = keys.keys.iter().find(|(_, k)| k.expose() == field.expose()) {
        anyhow::bail!(
            "FIELD_KEYS key {id:?} is the development key ({}); production needs its own keys",
            path.display()
        );
    }
    if keys.blind_index.expose() == index.expose() {
        anyhow::bail!(
            "BLIND_INDEX_KEY is the development key ({}); production needs its own key",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_refuses_a_key_derived_from_the_development_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DEV_FIELD_KEY_FILE);
        let (field, index) = load_or_create(&path).unwrap();
        let own = |b: u8| Secret::new([b; 32]);

        let with_dev_field = FieldKeys {
            keys: vec![("k1".into(), own(1)), ("k2".into(), field)],
            active: "k1".into(),
            blind_index: own(3),
        };
        let error = refuse_development_keys(&with_dev_field, &path).unwrap_err();
        assert!(error.to_string().contains("\"k2\""), "{error}");
        let with_dev_index = FieldKeys {
            keys: vec![("k1".into(), own(1))],
            active: "k1".into(),
            blind_index: index,
        };
        assert!(refuse_development_keys(&with_dev_index, &path).is_err());
        let own_keys = FieldKeys {
            keys: vec![("k1".into(), own(1))],
            active: "k1".into(),
            blind_index: own(3),
        };
        assert!(refuse_development_keys(&own_keys, &path).is_ok());
    }

    #[test]
    fn the_development_keys_are_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DEV_FIELD_KEY_FILE);

        let (first, _) = load_or_create(&path).unwrap();
        let (second, _) = load_or_create(&path).unwrap();

        assert_eq!(first.expose(), second.expose());
    }
}
