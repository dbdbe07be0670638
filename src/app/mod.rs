//! Use cases shared by the HTTP API and the command line: firm writes that keep the matcher
//! in step, imports, forum timetables, outcomes and labels, the scoring config, demo data
//! and backups. A use case is one function here; a handler parses, authorises, calls it and
//! shapes the answer, and the CLI calls the same function. Store errors reach the caller as
//! [`AppError`]s.

pub mod backup;
pub mod csv_format;
pub mod demo;
mod error;
pub mod executor;
pub mod firms;
pub mod import;
pub mod mail;
pub mod matches;
pub mod messages;
pub mod outcomes;
pub mod registration;
pub mod schedule;
pub mod scoring;
pub mod tokens;
pub mod xlsx;

pub use error::AppError;
pub use executor::{Executor, HeavyPermit, Pool};

use crate::domain::{Firm, FirmId, Reference};
use crate::matching::Matcher;
use crate::schedule::Objective;
use crate::store::Store;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;

/// Told of finished heavy runs (the HTTP layer's metrics; nothing on the command line).
pub trait Observer: Send + Sync {
    /// A solver run that produced a plan (a refused problem is no run).
    fn solved(&self, operation: &'static str, objective: Objective, took: Duration);
    /// A ranking: `one_firm` or `batch`.
    fn ranked(&self, kind: &'static str, took: Duration);
}

/// Tells nobody (the command line).
pub struct Unobserved;

impl Observer for Unobserved {
    fn solved(&self, _: &'static str, _: Objective, _: Duration) {}
    fn ranked(&self, _: &'static str, _: Duration) {}
}

/// The service's state: the store, the reference tables, the matcher over every stored
/// firm (kept in step with every firm write made here), and the executor for heavy work.
pub struct Mitra {
    pub store: Store,
    pub reference: &'static Reference,
    matcher: RwLock<Matcher>,
    pub executor: Executor,
    observer: Arc<dyn Observer>,
}

impl Mitra {
    /// Builds the matcher over the stored firms with the stored scoring config.
    pub fn open(store: Store) -> anyhow::Result<Mitra> {
        let matcher = scoring::build_matcher(&store)?;
        Ok(Mitra {
            store,
            reference: Reference::shared(),
            matcher: RwLock::new(matcher),
            executor: Executor::new()?,
            observer: Arc::new(Unobserved),
        })
    }

    /// Tells `observer` of every solver run and ranking from now on.
    pub fn observed_by(mut self, observer: Arc<dyn Observer>) -> Mitra {
        self.observer = observer;
        self
    }

    pub fn observer(&self) -> &dyn Observer {
        self.observer.as_ref()
    }

    pub fn matcher(&self) -> RwLockReadGuard<'_, Matcher> {
        // A panic while holding the lock cannot leave the matcher half-updated in a way
        // that matters more than refusing service: keep serving the last state.
        self.matcher.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Brings the matcher up to stored firms, unless it already has a newer version of one
    /// (two writes of one firm can finish in either order).
    fn firms_changed(&self, firms: &[Firm]) {
        let mut matcher = self.matcher.write().unwrap_or_else(|e| e.into_inner());
        for firm in firms {
            let newer = matcher
                .get(&firm.id)
                .is_none_or(|known| known.version < firm.version);
            if newer {
                matcher.upsert(Arc::new(firm.clone()));
            }
        }
    }

    fn firm_removed(&self, id: &FirmId) {
        self.matcher
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    fn set_scoring_config(&self, config: crate::matching::ScoringConfig) -> Result<(), AppError> {
        self.matcher
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .set_config(config)
            .map_err(AppError::Invalid)
    }
}
