//! Signed checkpoints of the audit log, appended to a file outside the database (CloudTrail's
//! digest files): each records the chain's row count and head hash at a time, carries the MAC
//! of the checkpoint before it, and is signed with HMAC-SHA256 under `AUDIT_CHECKPOINT_KEY`.
//! Whoever rewrites or truncates the table cannot produce matching checkpoints without the key.
//!
//! One JSON object a line: `{"version":1,"rows":N,"head":"<hex>","at":<unix s>,
//! "prevMac":"<hex>"|null,"mac":"<hex>"}`. The MAC covers the length-prefixed encoding
//! ([`chain::Encoder`]) of the tag `bazaar-audit-checkpoint-v1`, rows, head, at and prevMac.

use crate::app::audit::chain::Encoder;
use crate::auth::secret::hex;
use crate::config::dev_key;
use crate::config::{AppEnv, Config};
use crate::db::{Db, audit};
use anyhow::Context as _;
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The development checkpoint key's file, inside `DEV_KEY_DIR`.
pub const DEV_KEY_FILE: &str = "dev-audit-checkpoint.key";

/// The tag the MAC's input starts with.
const MAC_TAG: &str = "bazaar-audit-checkpoint-v1";

/// One checkpoint, as a line of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Checkpoint {
    pub version: u32,
    /// Rows in the chain: the head's sequence number.
    pub rows: i64,
    /// The head row's hash.
    pub head: String,
    /// When it was written, unix seconds.
    pub at: i64,
    /// The previous checkpoint's MAC; `None` for the first.
    pub prev_mac: Option<String>,
    pub mac: String,
}

/// Where the checkpoints live and the key that signs them. Cheap to clone.
#[derive(Clone)]
pub struct Checkpoints(Arc<Inner>);

struct Inner {
    path: PathBuf,
    key: Vec<u8>,
    /// One append at a time within this process (the interval task and the shutdown's).
    writing: Mutex<()>,
}

impl std::fmt::Debug for Checkpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Checkpoints({}, key [redacted])", self.0.path.display())
    }
}

impl Checkpoints {
    pub fn new(path: impl Into<PathBuf>, key: &[u8]) -> Checkpoints {
        Checkpoints(Arc::new(Inner {
            path: path.into(),
            key: key.to_vec(),
            writing: Mutex::new(()),
        }))
    }

    /// The configured file and key: `AUDIT_CHECKPOINT_KEY`, or outside production the
    /// development key in `DEV_KEY_DIR`, made on first run.
    pub fn from_config(config: &Config) -> anyhow::Result<Checkpoints> {
        let dev_path = config.dev_key_dir.join(DEV_KEY_FILE);
        let key = match (&config.audit.checkpoint_key, config.app_env) {
            (Some(key), AppEnv::Production) => {
                dev_key::refuse_development_key(key, &dev_path, "AUDIT_CHECKPOINT_KEY")?;
                key.clone()
            }
            (Some(key), _) => key.clone(),
            (None, _) => dev_key::load_or_create(
                &dev_path,
                "AUDIT_CHECKPOINT_KEY is not set; created a development checkpoint key",
            )?,
        };
        Ok(Checkpoints::new(
            config.audit.checkpoint_file.clone(),
            key.expose().as_bytes(),
        ))
    }

    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// The MAC `checkpoint` must carry.
    pub fn mac(&self, checkpoint: &Checkpoint) -> String {
        let mut input = Encoder::new(MAC_TAG);
        input
            .int(i64::from(checkpoint.version))
            .int(checkpoint.rows)
            .text(Some(&checkpoint.head))
            .int(checkpoint.at)
            .text(checkpoint.prev_mac.as_deref());
        let mut mac = <Hmac<Sha256>>::new_from_slice(&self.0.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(input.bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Whether `checkpoint`'s MAC is right, compared in constant time.
    pub fn is_signed(&self, checkpoint: &Checkpoint) -> bool {
        use subtle::ConstantTimeEq as _;
        self.mac(checkpoint)
            .as_bytes()
            .ct_eq(checkpoint.mac.as_bytes())
            .into()
    }

    /// Every line of the file: a checkpoint, or `None` for a line that is not one (edited by
    /// hand). No file is no checkpoints.
    pub fn read(&self) -> anyhow::Result<Vec<Option<Checkpoint>>> {
        let text = match std::fs::read_to_string(&self.0.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", self.0.path.display()));
            }
        };
        Ok(text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| serde_json::from_str(line).ok())
            .collect())
    }

    /// Appends a checkpoint of the chain's head now, at `now`, unless the last one already
    /// records this head; the checkpoint written, if any.
    pub async fn append(&self, db: &Db, now: i64) -> anyhow::Result<Option<Checkpoint>> {
        let head = audit::head(&mut db.conn().await?).await?;
        let Some(head) = head else {
            return Ok(None);
        };
        let _writing = self
            .0
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let last = self.read()?.into_iter().flatten().last();
        if last.as_ref().is_some_and(|last| last.rows >= head.seq) {
            return Ok(None);
        }
        let mut checkpoint = Checkpoint {
            version: 1,
            rows: head.seq,
            head: head.hash,
            at: now,
            prev_mac: last.map(|last| last.mac),
            mac: String::new(),
        };
        checkpoint.mac = self.mac(&checkpoint);
        let mut line = serde_json::to_string(&checkpoint)?;
        line.push('\n');
        if let Some(folder) = self.0.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.0.path)
            .with_context(|| format!("opening {}", self.0.path.display()))?;
        file.write_all(line.as_bytes())?;
        file.sync_data()?;
        Ok(Some(checkpoint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint(keys: &Checkpoints) -> Checkpoint {
        let mut checkpoint = Checkpoint {
            version: 1,
            rows: 3,
            head: "ab".repeat(32),
            at: 1_700_000_000,
            prev_mac: None,
            mac: String::new(),
        };
        checkpoint.mac = keys.mac(&checkpoint);
        checkpoint
    }

    #[test]
    fn a_checkpoint_verifies_only_under_its_key_and_unchanged() {
        let keys = Checkpoints::new("unused", b"0123456789abcdef0123456789abcdef");
        let good = checkpoint(&keys);
        assert!(keys.is_signed(&good));
        let other = Checkpoints::new("unused", b"another key of at least 32 bytes!");
        assert!(!other.is_signed(&good));
        for tamper in [
            |c: &mut Checkpoint| c.rows -= 1,
            |c: &mut Checkpoint| c.head = "cd".repeat(32),
            |c: &mut Checkpoint| c.at += 1,
            |c: &mut Checkpoint| c.prev_mac = Some("00".into()),
        ] {
            let mut bad = good.clone();
            tamper(&mut bad);
            assert!(!keys.is_signed(&bad));
        }
    }
}
