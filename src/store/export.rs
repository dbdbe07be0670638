//! Whole-database export and import as JSON Lines: a header line, then one record per line.
//! This is the backup format, and the way across sled versions (whose on-disk format changes).

use super::{ImportMode, Store, StoreError, SCHEMA_VERSION};
use crate::domain::Firm;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

pub const EXPORT_FORMAT: &str = "mitra-export";

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportHeader {
    pub format: String,
    pub schema_version: u32,
    pub exported_at: chrono::DateTime<chrono::Utc>,
}

/// One stored object. New kinds are added as variants; readers reject unknown kinds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ExportRecord {
    Firm(Box<Firm>),
    /// The hash of a firm's token, so firms can still sign in after a restore.
    FirmToken {
        firm_id: String,
        sha256: String,
    },
    /// A record of a forum tree (events, participants, requests, schedules), key and value
    /// as stored.
    Forum {
        tree: String,
        key: String,
        value: serde_json::Value,
    },
    /// A setting of the `meta` tree (the scoring configuration and its version).
    Setting {
        name: String,
        value: serde_json::Value,
    },
}

/// Keys of settings in the `meta` tree.
const SETTING_PREFIX: &str = "setting/";

/// Firms are restored in transactions of this many, to bound memory on large stores.
const RESTORE_CHUNK: usize = 5_000;

impl Store {
    /// Writes the header and every record; returns the number of records.
    pub fn export_jsonl(
        &self,
        out: &mut impl Write,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<usize> {
        // One consistent state, also while the server runs: writes wait meanwhile.
        let _snapshot = self.snapshot();
        let header = ExportHeader {
            format: EXPORT_FORMAT.into(),
            schema_version: SCHEMA_VERSION,
            exported_at: now,
        };
        serde_json::to_writer(&mut *out, &header)?;
        out.write_all(b"\n")?;
        let mut count = 0;
        for firm in self.all_firms() {
            serde_json::to_writer(&mut *out, &ExportRecord::Firm(Box::new(firm?)))?;
            out.write_all(b"\n")?;
            count += 1;
        }
        for entry in self.token_hashes() {
            let (firm_id, hash) = entry?;
            let record = ExportRecord::FirmToken {
                firm_id,
                sha256: hash.iter().map(|b| format!("{b:02x}")).collect(),
            };
            serde_json::to_writer(&mut *out, &record)?;
            out.write_all(b"\n")?;
            count += 1;
        }
        for entry in self.meta.scan_prefix(SETTING_PREFIX) {
            let (key, value) = entry?;
            let key = String::from_utf8(key.to_vec())?;
            let record = ExportRecord::Setting {
                name: key[SETTING_PREFIX.len()..].to_string(),
                value: super::codec::decode(&value)?,
            };
            serde_json::to_writer(&mut *out, &record)?;
            out.write_all(b"\n")?;
            count += 1;
        }
        for (name, tree) in self.forum_trees() {
            for entry in tree.iter() {
                let (key, value) = entry?;
                let record = ExportRecord::Forum {
                    tree: name.to_string(),
                    key: String::from_utf8(key.to_vec())?,
                    value: super::codec::decode(&value)?,
                };
                serde_json::to_writer(&mut *out, &record)?;
                out.write_all(b"\n")?;
                count += 1;
            }
        }
        out.flush()?;
        Ok(count)
    }

    /// The trees of forums, in the order a restore needs them.
    fn forum_trees(&self) -> [(&'static str, &sled::Tree); 5] {
        [
            ("events", &self.events),
            ("participants", &self.participants),
            ("requests", &self.requests),
            ("schedules", &self.schedules),
            ("outcomes", &self.outcomes),
        ]
    }

    /// Restores an export into an empty store, records exactly as exported.
    pub fn import_jsonl(&self, input: impl BufRead) -> anyhow::Result<usize> {
        if self.count_firms() > 0 {
            anyhow::bail!(
                "the store already holds firms: import a backup into an empty data folder"
            );
        }
        let mut lines = input.lines().enumerate();
        let (_, first) = lines
            .next()
            .ok_or_else(|| anyhow::anyhow!("empty file: no export header"))?;
        let header: ExportHeader = serde_json::from_str(&first?)
            .map_err(|e| anyhow::anyhow!("line 1 is not a mitra export header: {e}"))?;
        if header.format != EXPORT_FORMAT {
            anyhow::bail!(
                "line 1: format is '{}', not '{EXPORT_FORMAT}'",
                header.format
            );
        }
        if header.schema_version > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found: header.schema_version,
            }
            .into());
        }
        let mut chunk = Vec::with_capacity(RESTORE_CHUNK);
        let mut tokens = Vec::new();
        let mut count = 0;
        for (n, line) in lines {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let record: ExportRecord =
                serde_json::from_str(&line).map_err(|e| anyhow::anyhow!("line {}: {e}", n + 1))?;
            match record {
                ExportRecord::Firm(firm) => chunk.push((*firm, None)),
                ExportRecord::FirmToken { firm_id, sha256 } => {
                    let hash = parse_hash(&sha256).ok_or_else(|| {
                        anyhow::anyhow!("line {}: sha256 is not 64 hex digits", n + 1)
                    })?;
                    let id = crate::domain::FirmId::parse(&firm_id)
                        .map_err(|e| anyhow::anyhow!("line {}: firm_id {e}", n + 1))?;
                    tokens.push((id, hash));
                }
                ExportRecord::Forum { tree, key, value } => {
                    let target = self
                        .forum_trees()
                        .into_iter()
                        .find(|(name, _)| *name == tree)
                        .map(|(_, t)| t)
                        .ok_or_else(|| anyhow::anyhow!("line {}: unknown tree '{tree}'", n + 1))?;
                    target.insert(key.as_bytes(), super::codec::encode(&value))?;
                    count += 1;
                }
                ExportRecord::Setting { name, value } => {
                    self.meta.insert(
                        format!("{SETTING_PREFIX}{name}"),
                        super::codec::encode(&value),
                    )?;
                    count += 1;
                }
            }
            if chunk.len() == RESTORE_CHUNK {
                count += chunk.len();
                self.import_firms(std::mem::take(&mut chunk), ImportMode::Restore)?;
            }
        }
        count += chunk.len();
        self.import_firms(chunk, ImportMode::Restore)?;
        // Tokens come after all firms in an export, and each needs its firm.
        count += tokens.len();
        for (id, hash) in tokens {
            self.reissue_token(&id, hash)?;
        }
        self.flush()?;
        Ok(count)
    }
}

fn parse_hash(hex: &str) -> Option<super::TokenHash> {
    if hex.len() != 64 {
        return None;
    }
    let mut hash = [0u8; 32];
    for (i, byte) in hash.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FirmId, FirmInput, Reference};

    #[test]
    fn export_then_import_restores_every_firm_exactly() {
        let source_dir = tempfile::tempdir().unwrap();
        let source = Store::open(source_dir.path()).unwrap();
        let input: FirmInput = serde_json::from_value(serde_json::json!({
            "name": "UD Rumput Laut Ekas", "province": "NTB", "regency": "Lombok Timur",
            "kbli": ["10299"], "size": "micro", "employees": 3
        }))
        .unwrap();
        let (_, profile) = input.parse(Reference::shared()).unwrap();
        for i in 0..3u8 {
            let id = FirmId::parse(&format!("firm-{i}")).unwrap();
            let now = chrono::Utc::now();
            source
                .create_firm(id, profile.clone(), [i; 32], now)
                .unwrap();
        }
        source
            .update_setting("scoring", |_: Option<serde_json::Value>| {
                Ok(serde_json::json!({"version": 3, "config": {"w": 1}}))
            })
            .unwrap();
        let mut buffer = Vec::new();
        let exported = source
            .export_jsonl(&mut buffer, chrono::Utc::now())
            .unwrap();
        // Three firms, their three token hashes and the scoring setting.
        assert_eq!(exported, 7);

        let target_dir = tempfile::tempdir().unwrap();
        let target = Store::open(target_dir.path()).unwrap();
        assert_eq!(target.import_jsonl(buffer.as_slice()).unwrap(), 7);
        assert_eq!(
            target.setting::<serde_json::Value>("scoring").unwrap(),
            Some(serde_json::json!({"version": 3, "config": {"w": 1}}))
        );
        let owner = target.firm_of_token(&[2; 32]).unwrap().unwrap();
        assert_eq!(owner.as_str(), "firm-2");
        let a: Vec<Firm> = source.all_firms().collect::<Result<_, _>>().unwrap();
        let b: Vec<Firm> = target.all_firms().collect::<Result<_, _>>().unwrap();
        assert_eq!(a, b);
        // A second restore into the now non-empty store is refused.
        assert!(target.import_jsonl(buffer.as_slice()).is_err());
    }
}
