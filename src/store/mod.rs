//! The sled store: which trees exist, how values are encoded, the schema version and its
//! upgrades, and the firm registry with its secondary indexes.
//!
//! Every method is synchronous and may block on disk: the HTTP layer calls them through
//! `web::block`, never on an async worker. A write returns only after sled has flushed it,
//! so an acknowledged write survives a crash of the process.

mod codec;
mod events;
pub use events::OutcomeWriter;
mod export;
mod firms;
mod stats;

pub use codec::ENCODING_VERSION;
pub use export::{ExportHeader, ExportRecord};
pub use firms::{FirmFilter, FirmPage, ImportMode, ImportOutcome, TokenHash, MAX_PAGE_SIZE};
pub use stats::StoreCounts;

use std::path::Path;

/// Version of the layout of trees and keys. Bump it with an upgrade step in [`UPGRADES`].
pub const SCHEMA_VERSION: u32 = 1;

const SCHEMA_KEY: &[u8] = b"schema_version";

/// One schema upgrade, run in place on an open store.
type Upgrade = fn(&Store) -> Result<(), StoreError>;

/// Ordered upgrade steps: `UPGRADES[i]` takes a store from schema `i + 1` to `i + 2`.
/// Empty while there is only schema 1.
const UPGRADES: &[Upgrade] = &[];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} '{id}' not found")]
    NotFound { what: &'static str, id: String },
    #[error("{what} '{id}' already exists")]
    AlreadyExists { what: &'static str, id: String },
    #[error("'{id}' is at version {current}, not {expected}")]
    VersionMismatch {
        id: String,
        expected: u64,
        current: u64,
    },
    #[error("{0}")]
    Refused(String),
    #[error("import refused: {} firm id(s) already exist", .0.len())]
    ImportConflicts(Vec<(usize, String)>),
    #[error("the data folder was written by a newer mitra (schema {found}, this build knows {SCHEMA_VERSION})")]
    SchemaTooNew { found: u32 },
    #[error("stored value is unreadable: {0}")]
    Corrupt(String),
    #[error("storage failure: {0}")]
    Sled(#[from] sled::Error),
}

impl StoreError {
    /// The cause, when the disk refused a write (full, read-only, failing): nothing was
    /// changed and the caller may retry later.
    pub fn disk_refused(&self) -> Option<String> {
        match self {
            StoreError::Sled(sled::Error::Io(e)) => Some(e.to_string()),
            _ => None,
        }
    }
}

impl<E: Into<StoreError>> From<sled::transaction::TransactionError<E>> for StoreError {
    fn from(e: sled::transaction::TransactionError<E>) -> Self {
        match e {
            sled::transaction::TransactionError::Abort(e) => e.into(),
            sled::transaction::TransactionError::Storage(e) => StoreError::Sled(e),
        }
    }
}

/// Below this much free space on the data folder's disk the server reports not ready.
pub const MIN_FREE_BYTES: u64 = 1024 * 1024;

/// The open database and its trees. Cheap to clone (sled handles are reference counted).
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    meta: sled::Tree,
    firms: sled::Tree,
    firms_by_province: sled::Tree,
    firms_by_regency: sled::Tree,
    firms_by_kbli: sled::Tree,
    firms_by_certification: sled::Tree,
    /// sha256(firm token) → firm id: who a bearer token belongs to.
    firm_tokens: sled::Tree,
    /// firm id → sha256 of its current token, so a re-issue or delete revokes the old one.
    token_of_firm: sled::Tree,
    events: sled::Tree,
    /// `event\0firm` → participant.
    participants: sled::Tree,
    /// `event\0request id` → meeting request.
    requests: sled::Tree,
    /// event → its current schedule.
    schedules: sled::Tree,
    /// `event\0meeting id` → what the meeting led to.
    outcomes: sled::Tree,
    /// Held by every write whose guard reads more than a transaction can (a scan: the
    /// open requests of a pair, a forum's records on delete), from the check to the commit,
    /// and by the forum writes such a scan must not miss. sled transactions cannot scan,
    /// and one process owns the folder, so this lock makes check and write one step.
    forum_writes: std::sync::Arc<std::sync::Mutex<()>>,
    /// Every write holds this shared, an export holds it alone: an export made while the
    /// server runs is one consistent state (a firm never without its token, a request never
    /// without its forum). Taken before [`Store::forum_writes`], never twice by one write.
    snapshot_gate: std::sync::Arc<std::sync::RwLock<()>>,
}

impl Store {
    /// Opens (or creates) the store in `dir`, upgrading an older schema in place.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let db = sled::Config::new().path(dir).open()?;
        // Contacts and token hashes: the folder is its owner's alone.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| StoreError::Sled(sled::Error::Io(e)))?;
        }
        let store = Store {
            meta: db.open_tree("meta")?,
            firms: db.open_tree("firms")?,
            firms_by_province: db.open_tree("firms_by_province")?,
            firms_by_regency: db.open_tree("firms_by_regency")?,
            firms_by_kbli: db.open_tree("firms_by_kbli")?,
            firms_by_certification: db.open_tree("firms_by_certification")?,
            firm_tokens: db.open_tree("firm_tokens")?,
            token_of_firm: db.open_tree("token_of_firm")?,
            events: db.open_tree("events")?,
            participants: db.open_tree("participants")?,
            requests: db.open_tree("requests")?,
            schedules: db.open_tree("schedules")?,
            outcomes: db.open_tree("outcomes")?,
            forum_writes: std::sync::Arc::new(std::sync::Mutex::new(())),
            snapshot_gate: std::sync::Arc::new(std::sync::RwLock::new(())),
            db,
        };
        store.migrate()?;
        Ok(store)
    }

    /// See [`Store::forum_writes`]: a panic elsewhere leaves nothing half-checked, so a
    /// poisoned lock is still usable.
    fn forum_guard(&self) -> std::sync::MutexGuard<'_, ()> {
        self.forum_writes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Held by every write (see [`Store::snapshot_gate`]).
    fn writing(&self) -> std::sync::RwLockReadGuard<'_, ()> {
        self.snapshot_gate
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Held by an export: no write runs meanwhile.
    pub(crate) fn snapshot(&self) -> std::sync::RwLockWriteGuard<'_, ()> {
        self.snapshot_gate
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let found = match self.meta.get(SCHEMA_KEY)? {
            Some(v) => codec::decode_u32(&v)?,
            // A new store starts at the current schema.
            None => {
                self.set_schema(SCHEMA_VERSION)?;
                return Ok(());
            }
        };
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew { found });
        }
        for version in found..SCHEMA_VERSION {
            tracing::info!(from = version, to = version + 1, "upgrading store schema");
            UPGRADES[(version - 1) as usize](self)?;
            self.set_schema(version + 1)?;
        }
        Ok(())
    }

    fn set_schema(&self, version: u32) -> Result<(), StoreError> {
        self.meta.insert(SCHEMA_KEY, &version.to_be_bytes())?;
        self.db.flush()?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<u32, StoreError> {
        match self.meta.get(SCHEMA_KEY)? {
            Some(v) => codec::decode_u32(&v),
            None => Ok(SCHEMA_VERSION),
        }
    }

    /// Readiness without writing: the store answers a read of its schema marker, and the
    /// disk holding `dir` (the data folder) has room for writes.
    pub fn check_ready(&self, dir: &Path) -> Result<(), String> {
        self.schema_version()
            .map_err(|e| format!("the store cannot be read: {e}"))?;
        let available = fs2::available_space(dir)
            .map_err(|e| format!("the data folder's disk cannot be queried: {e}"))?;
        if available < MIN_FREE_BYTES {
            return Err(format!(
                "the data folder's disk has {available} bytes free (less than {MIN_FREE_BYTES})"
            ));
        }
        Ok(())
    }

    /// Whether the store holds no record (firms, forums or settings): a restore may go
    /// only into such a store.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.firms.is_empty()
            && self.events.is_empty()
            && self.participants.is_empty()
            && self.outcomes.is_empty()
            && self
                .meta
                .scan_prefix("setting/")
                .next()
                .transpose()?
                .is_none())
    }

    /// Flushes everything buffered; called before an answer is sent and at shutdown.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Bytes the store takes on disk (sled can take several times the size of the data).
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}

/// Settings kept in the `meta` tree under `setting/<name>` (e.g. the scoring config).
impl Store {
    pub fn setting<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, StoreError> {
        self.meta
            .get(format!("setting/{name}"))?
            .map(|b| codec::decode(&b))
            .transpose()
    }

    /// Reads, changes and writes a setting atomically; `change` may refuse with an error.
    pub fn update_setting<T, F>(&self, name: &str, change: F) -> Result<T, StoreError>
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
        F: Fn(Option<T>) -> Result<T, StoreError>,
    {
        let key = format!("setting/{name}");
        let _gate = self.writing();
        let value = self.meta.transaction(|meta| {
            let current = match meta.get(key.as_bytes())? {
                Some(bytes) => Some(
                    codec::decode(&bytes)
                        .map_err(sled::transaction::ConflictableTransactionError::Abort)?,
                ),
                None => None,
            };
            let next =
                change(current).map_err(sled::transaction::ConflictableTransactionError::Abort)?;
            meta.insert(key.as_bytes(), codec::encode(&next))?;
            Ok(next)
        })?;
        self.flush()?;
        Ok(value)
    }
}

#[cfg(test)]
mod readiness_tests {
    use super::*;

    #[test]
    fn the_readiness_check_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.flush().unwrap();
        let before = store.db.checksum().unwrap();
        let meta_before = store.meta.len();
        for _ in 0..3 {
            store.check_ready(dir.path()).unwrap();
        }
        assert_eq!(store.db.checksum().unwrap(), before);
        assert_eq!(store.meta.len(), meta_before);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "the data folder is its owner's alone");
        }
    }
}
