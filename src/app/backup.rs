//! The whole store as JSON Lines: a backup, and the way across sled versions.

use crate::store::Store;
use anyhow::Context;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

/// Writes every record of the store to `out` (a file, or `writer` when `None`); returns how
/// many were written.
pub fn export(store: &Store, out: Option<&Path>, writer: impl Write) -> anyhow::Result<u64> {
    let now = chrono::Utc::now();
    let count = match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            store.export_jsonl(&mut BufWriter::new(file), now)?
        }
        None => store.export_jsonl(&mut BufWriter::new(writer), now)?,
    };
    Ok(count as u64)
}

/// Restores an export into an empty store; returns how many records were read.
pub fn restore(store: &Store, file: &Path) -> anyhow::Result<u64> {
    let reader =
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    Ok(store.import_jsonl(BufReader::new(reader))? as u64)
}
