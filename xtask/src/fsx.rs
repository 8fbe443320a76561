//! File helpers the deploy steps rely on: atomic writes, content hashes, SRI, compression.

use anyhow::{Context, Result};
use base64::Engine;
use sha2::{Digest, Sha256, Sha384};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically: a reader sees the old file or the new one, never half.
/// (A temp file in the same folder, fsynced, then renamed over the target.)
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let folder = path.parent().context("a file path has a parent")?;
    std::fs::create_dir_all(folder)?;
    let name = path.file_name().context("a file name")?.to_string_lossy();
    let temp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut file =
        std::fs::File::create(&temp).with_context(|| format!("creating {}", temp.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temp, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// Every file under `root` (relative paths, sorted), skipping what `skip` rejects.
pub fn files_under(root: &Path, skip: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>> {
    fn walk(
        root: &Path,
        dir: &Path,
        skip: &dyn Fn(&Path) -> bool,
        out: &mut Vec<PathBuf>,
    ) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            let relative = path.strip_prefix(root)?.to_path_buf();
            if skip(&relative) {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, skip, out)?;
            } else {
                out.push(relative);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(root, root, &skip, &mut out)?;
    out.sort();
    Ok(out)
}

/// 16 hex digits of SHA-256 over the files' relative paths and contents: the build's identity.
pub fn content_hash(root: &Path, files: &[PathBuf]) -> Result<String> {
    let mut hasher = Sha256::new();
    for file in files {
        let bytes = std::fs::read(root.join(file))?;
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    let digest = hasher.finalize();
    Ok(digest.iter().take(8).map(|b| format!("{b:02x}")).collect())
}

/// Subresource Integrity value of `bytes`: `sha384-<base64>`.
pub fn sri_sha384(bytes: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes))
    )
}

pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .expect("compressing to memory cannot fail");
    out
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .expect("compressing to memory cannot fail");
    encoder.finish().expect("compressing to memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sri_matches_the_known_sha384_of_a_string() {
        // printf 'alert(1)' | openssl dgst -sha384 -binary | base64
        assert_eq!(
            sri_sha384(b"alert(1)"),
            "sha384-HT2E9NfWiuQ/w1PRai+hTyqW16NIoCGA/m8VQDUopfAtcz6YQjtsMmQd5uRbVDpW"
        );
        assert!(contracts::federation::is_sha384_sri(&sri_sha384(b"")));
    }

    #[test]
    fn the_content_hash_changes_with_content_and_with_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.js"), "one").unwrap();
        let files = files_under(dir.path(), |_| false).unwrap();
        let first = content_hash(dir.path(), &files).unwrap();
        assert_eq!(first.len(), 16);
        std::fs::write(dir.path().join("a.js"), "two").unwrap();
        let second = content_hash(dir.path(), &files).unwrap();
        assert_ne!(first, second);
        std::fs::rename(dir.path().join("a.js"), dir.path().join("b.js")).unwrap();
        let renamed =
            content_hash(dir.path(), &files_under(dir.path(), |_| false).unwrap()).unwrap();
        assert_ne!(second, renamed);
    }

    #[test]
    fn compressed_copies_decompress_to_the_original() {
        let original = b"wasm wasm wasm wasm wasm".repeat(100);
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut &brotli(&original)[..], &mut unpacked).unwrap();
        assert_eq!(unpacked, original);
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&gzip(&original)[..]),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped, original);
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temp_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("federation.json");
        write_atomic(&target, b"old").unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
