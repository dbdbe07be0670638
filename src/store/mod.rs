//! The sled store: which trees exist, how values are encoded, the schema version and its
//! upgrades, and the firm registry with its secondary indexes.
//!
//! Every method is synchronous and may block on disk: the HTTP layer calls them through
//! `web::block`, never on an async worker. A write returns only after sled has flushed it,
//! so an acknowledged write survives a crash of the process.

mod codec;
mod events;
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
const PROBE_KEY: &[u8] = b"ready_probe";

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
}

impl Store {
    /// Opens (or creates) the store in `dir`, upgrading an older schema in place.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let db = sled::Config::new().path(dir).open()?;
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
            db,
        };
        store.migrate()?;
        Ok(store)
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

    /// Writes and flushes a probe value: proves the store is open and the disk accepts writes.
    pub fn check_writable(&self) -> Result<(), StoreError> {
        self.meta.insert(PROBE_KEY, &[1u8])?;
        self.db.flush()?;
        Ok(())
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
