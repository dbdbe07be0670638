//! The whole store as JSON Lines: a backup, and the way across sled versions. An export
//! holds contacts and token hashes, so its file is readable only by its owner; a restore
//! builds the store in a folder of its own and puts it in place only once it is whole.

use crate::store::Store;
use anyhow::Context;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes every record of the store to `out` (a new file, created readable only by its
/// owner, or `writer` when `None`); returns how many were written.
pub fn export(store: &Store, out: Option<&Path>, writer: impl Write) -> anyhow::Result<u64> {
    let now = chrono::Utc::now();
    let count = match out {
        Some(path) => {
            let file = private_file(path)?;
            let mut buffered = BufWriter::new(file);
            let count = store.export_jsonl(&mut buffered, now)?;
            buffered
                .into_inner()
                .map_err(|e| e.into_error())?
                .sync_all()
                .with_context(|| format!("writing {}", path.display()))?;
            count
        }
        None => store.export_jsonl(&mut BufWriter::new(writer), now)?,
    };
    Ok(count as u64)
}

/// Creates (or truncates) `path` with mode 0600; an existing file is narrowed to 0600 too.
fn private_file(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("restricting {}", path.display()))?;
    }
    Ok(file)
}

/// Restores an export into `data_dir`, all or nothing: the records go into a new store in
/// a sibling folder, which replaces `data_dir` only when every record is in and flushed.
/// `data_dir` must be absent or hold an empty store; on any error it is left as it was.
/// Returns how many records were read.
pub fn restore_into(data_dir: &Path, file: &Path) -> anyhow::Result<u64> {
    let reader =
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    if data_dir.exists() {
        let store = Store::open(data_dir)?;
        if !store.is_empty()? {
            anyhow::bail!(
                "{} already holds data: restore a backup into an empty data folder",
                data_dir.display()
            );
        }
    }
    let staging = staging_dir(data_dir)?;
    let restored = (|| -> anyhow::Result<u64> {
        let store = Store::open(&staging)?;
        let count = store.import_jsonl(BufReader::new(reader))? as u64;
        store.flush()?;
        Ok(count)
    })();
    let count = match restored {
        Ok(count) => count,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e.context("the restore was abandoned; the data folder is unchanged"));
        }
    };
    if data_dir.exists() {
        std::fs::remove_dir_all(data_dir)
            .with_context(|| format!("replacing the empty store in {}", data_dir.display()))?;
    }
    std::fs::rename(&staging, data_dir).with_context(|| {
        format!(
            "moving the restored store {} to {}",
            staging.display(),
            data_dir.display()
        )
    })?;
    Ok(count)
}

/// A new, empty folder next to `data_dir` (same file system, so the rename is atomic).
fn staging_dir(data_dir: &Path) -> anyhow::Result<PathBuf> {
    let name = data_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "mitra-data".into());
    let parent = match data_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = parent.join(format!(".{name}.restoring-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("clearing {}", staging.display()))?;
    }
    Ok(staging)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup_of_one_firm(dir: &Path) -> PathBuf {
        let source = Store::open(&dir.join("source")).unwrap();
        crate::app::demo::load(&source, &dir.join("source"), 1, 3).unwrap();
        let file = dir.join("backup.jsonl");
        export(&source, Some(&file), std::io::sink()).unwrap();
        file
    }

    #[test]
    fn an_export_file_is_private_and_a_failed_restore_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = backup_of_one_firm(dir.path());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A backup broken after some good records: nothing lands, and a good one then does.
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() > 3);
        let broken = dir.path().join("broken.jsonl");
        std::fs::write(
            &broken,
            format!("{}\n{{\"kind\": \"nonsense\"}}\n", lines[..3].join("\n")),
        )
        .unwrap();
        let target = dir.path().join("target");
        assert!(restore_into(&target, &broken).is_err());
        assert!(!target.exists(), "a failed restore leaves no partial store");
        let count = restore_into(&target, &file).unwrap();
        assert_eq!(count as usize, lines.len() - 1);
        let store = Store::open(&target).unwrap();
        assert!(!store.is_empty().unwrap());
        drop(store);
        // A store with data is never replaced.
        assert!(restore_into(&target, &file).is_err());
        assert!(!Store::open(&target).unwrap().is_empty().unwrap());
    }
}
