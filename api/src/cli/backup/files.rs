//! The files of a backup: the folder checks, the checkpoint copy, the manifest's sizes and
//! digests, and making writes durable.

use super::FileEntry;
use anyhow::{Context as _, ensure};
use sha2::{Digest as _, Sha256};
use std::io::{Read as _, Write as _};
use std::path::Path;

/// Refuses a backup folder that holds anything: one backup per folder.
pub(super) fn ensure_empty_folder(dir: &Path) -> anyhow::Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => ensure!(
            entries.next().is_none(),
            "{} is not empty: give each backup a folder of its own",
            dir.display()
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("reading {}", dir.display())),
    }
    Ok(())
}

/// Refuses a data folder that holds anything but development key files (which an operator
/// puts back before restoring, since backups never carry keys).
pub(super) fn ensure_fresh_data_folder(folder: &Path) -> anyhow::Result<()> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error).with_context(|| format!("reading {}", folder.display())),
    };
    for entry in entries {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        ensure!(
            name.starts_with("dev-") && name.ends_with(".key"),
            "{} is not empty ({name}): restore writes only into a fresh data folder",
            folder.display()
        );
    }
    Ok(())
}

/// Copies the whole lines of the checkpoint file `from` to `to` (a line being appended is
/// left for the next backup); whether there was a file.
pub(super) fn copy_checkpoints(from: &Path, to: &Path) -> anyhow::Result<bool> {
    let text = match std::fs::read(from) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(error).with_context(|| format!("reading {}", from.display())),
    };
    let whole = text
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |end| end + 1);
    let mut file =
        std::fs::File::create(to).with_context(|| format!("creating {}", to.display()))?;
    file.write_all(&text[..whole])?;
    file.sync_all()?;
    Ok(true)
}

/// The manifest entry of `name` in `dir`.
pub(super) fn entry(dir: &Path, name: &str) -> anyhow::Result<FileEntry> {
    let (bytes, sha256) = digest(&dir.join(name))?;
    Ok(FileEntry {
        name: name.to_owned(),
        bytes,
        sha256,
    })
}

/// Fails unless `file` in `dir` has the size and SHA-256 its entry says.
pub(super) fn check(dir: &Path, file: &FileEntry) -> anyhow::Result<()> {
    ensure!(
        !file.name.contains(['/', '\\']) && file.name != "..",
        "the manifest names a file outside the backup: {}",
        file.name
    );
    let (bytes, sha256) = digest(&dir.join(&file.name))?;
    ensure!(
        bytes == file.bytes && sha256 == file.sha256,
        "{} does not match the manifest (damaged or changed since the backup)",
        file.name
    );
    Ok(())
}

/// The size and hex SHA-256 of `path`, read in blocks.
fn digest(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut block = vec![0; 1 << 20];
    let mut bytes = 0;
    loop {
        let read = file.read(&mut block)?;
        if read == 0 {
            break;
        }
        hasher.update(&block[..read]);
        bytes += read as u64;
    }
    Ok((bytes, crate::auth::secret::hex(&hasher.finalize())))
}

/// Makes the folder's entries (a rename) durable.
pub(super) fn sync_folder(folder: &Path) -> anyhow::Result<()> {
    std::fs::File::open(folder)?.sync_all()?;
    Ok(())
}

pub(super) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_checkpoint_lines_are_copied() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        std::fs::write(&from, "{\"a\":1}\n{\"b\":2}\n{\"c\"").unwrap();

        assert!(copy_checkpoints(&from, &to).unwrap());
        assert_eq!(
            std::fs::read_to_string(&to).unwrap(),
            "{\"a\":1}\n{\"b\":2}\n"
        );
        assert!(!copy_checkpoints(&dir.path().join("none"), &to).unwrap());
    }

    #[test]
    fn a_data_folder_with_only_development_keys_is_fresh() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dev-field.key"), "k").unwrap();
        assert!(ensure_fresh_data_folder(dir.path()).is_ok());
        assert!(ensure_fresh_data_folder(&dir.path().join("missing")).is_ok());

        std::fs::write(dir.path().join("bazaar.db"), "x").unwrap();
        assert!(ensure_fresh_data_folder(dir.path()).is_err());
    }
}
