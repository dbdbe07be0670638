//! What a use case can answer besides its result. The HTTP layer maps each variant to a
//! status in one place (`api::error`); the command line prints it.

use crate::domain::FieldError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Invalid input, every offending field named.
    #[error("{} invalid field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// Invalid rows of an import: each field error with the row's line.
    #[error("{} invalid field(s)", .0.len())]
    InvalidRows(Vec<(u64, FieldError)>),
    #[error("{what} '{id}' does not exist")]
    NotFound { what: &'static str, id: String },
    /// The current state refuses the change (id taken, a rule of the forum).
    #[error("{0}")]
    Conflict(String),
    /// Ids of an import that exist already (line, id); nothing was stored.
    #[error("{}", AppError::import_conflicts_message(.0.len()))]
    ImportConflicts(Vec<(u64, String)>),
    /// A write was made against a version that is no longer the current one.
    #[error("'{id}' is at version {current}, not {expected}: read it again and retry")]
    VersionMismatch {
        id: String,
        expected: u64,
        current: u64,
    },
    /// Another heavy job holds the executor: retry shortly.
    #[error("{0}")]
    Busy(String),
    /// The disk refused a write (full, read-only, failing); nothing was changed.
    #[error("the data store cannot write right now (disk full or read-only?); nothing was changed, retry later")]
    StorageUnavailable(String),
    /// The server is not set up for this (e-mail without `MITRA_SMTP_URL`).
    #[error("{0}")]
    NotConfigured(String),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// One invalid field.
    pub fn invalid(error: FieldError) -> AppError {
        AppError::Invalid(vec![error])
    }

    pub fn import_conflicts_message(count: usize) -> String {
        format!("{count} firm id(s) already exist; nothing was stored (use upsert=true to replace them)")
    }

    pub fn not_found(what: &'static str, id: impl std::fmt::Display) -> AppError {
        AppError::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        AppError::Invalid(errors)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        if let Some(cause) = e.disk_refused() {
            return AppError::StorageUnavailable(cause);
        }
        match e {
            StoreError::NotFound { what, id } => AppError::NotFound { what, id },
            StoreError::AlreadyExists { what, id } => {
                AppError::Conflict(format!("a {what} with id '{id}' already exists"))
            }
            StoreError::Refused(reason) => AppError::Conflict(reason),
            StoreError::VersionMismatch {
                id,
                expected,
                current,
            } => AppError::VersionMismatch {
                id,
                expected,
                current,
            },
            StoreError::ImportConflicts(rows) => AppError::ImportConflicts(
                rows.into_iter()
                    .map(|(row, id)| (row as u64 + 1, id))
                    .collect(),
            ),
            e
            @ (StoreError::SchemaTooNew { .. } | StoreError::Corrupt(_) | StoreError::Sled(_)) => {
                AppError::Internal(e.into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_become_app_errors() {
        let e: AppError =
            StoreError::ImportConflicts(vec![(0, "a".into()), (4, "b".into())]).into();
        assert!(
            matches!(e, AppError::ImportConflicts(rows) if rows == vec![(1, "a".into()), (5, "b".into())])
        );
        let io = std::io::Error::other("no space left on device");
        let e: AppError = StoreError::Sled(sled::Error::Io(io)).into();
        assert!(matches!(e, AppError::StorageUnavailable(m) if m.contains("no space")));
        let e: AppError = StoreError::Corrupt("x".into()).into();
        assert!(matches!(e, AppError::Internal(_)));
        let e: AppError = StoreError::VersionMismatch {
            id: "f".into(),
            expected: 1,
            current: 2,
        }
        .into();
        assert!(e.to_string().contains("version 2, not 1"));
    }
}
