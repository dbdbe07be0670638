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
use std::ops::Deref;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
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
    /// Copy on write: a batch ranks on a snapshot (an `Arc` of the matcher as it was), and
    /// a write made meanwhile copies the matcher for itself ([`Mitra::snapshot`]).
    matcher: RwLock<Arc<Matcher>>,
    /// Matcher writers take turns ([`Mitra::change`]), so one copy serves them all.
    writers: Mutex<()>,
    pub executor: Executor,
    observer: Arc<dyn Observer>,
}

/// A read of the shared matcher ([`Mitra::matcher`]); firm writes wait while it is held.
pub struct MatcherRead<'a>(RwLockReadGuard<'a, Arc<Matcher>>);

impl Deref for MatcherRead<'_> {
    type Target = Matcher;

    fn deref(&self) -> &Matcher {
        &self.0
    }
}

impl Mitra {
    /// Builds the matcher over the stored firms with the stored scoring config.
    pub fn open(store: Store) -> anyhow::Result<Mitra> {
        let matcher = scoring::build_matcher(&store)?;
        Ok(Mitra {
            store,
            reference: Reference::shared(),
            matcher: RwLock::new(Arc::new(matcher)),
            writers: Mutex::new(()),
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

    /// The matcher for short reads (one firm's matches, a pair's score, a firm's name):
    /// firm writes wait until it is dropped, so hold it for a query, not for a batch.
    pub fn matcher(&self) -> MatcherRead<'_> {
        MatcherRead(self.read_lock())
    }

    /// The matcher as it is now, to rank on for as long as it takes with no lock held (the
    /// batch ranking). Free while nothing is written; the first firm write or config
    /// change before it is dropped copies the whole matcher (index and features), so the
    /// snapshot keeps its firms and config and later writes change the copy. So at most one
    /// copy per snapshot, and none when no write comes.
    pub fn snapshot(&self) -> Arc<Matcher> {
        Arc::clone(&self.read_lock())
    }

    fn read_lock(&self) -> RwLockReadGuard<'_, Arc<Matcher>> {
        // A panic while holding the lock cannot leave the matcher half-updated in a way
        // that matters more than refusing service: keep serving the last state.
        self.matcher.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write_lock(&self) -> RwLockWriteGuard<'_, Arc<Matcher>> {
        self.matcher.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies `apply` to the shared matcher when `needed` says there is a change to make
    /// (so no copy is made for nothing). In place while nothing else holds the matcher; when
    /// a snapshot does, on a copy made before the write lock is taken, so queries go on
    /// reading the old matcher during the copy (about a second at 200 000 firms) and wait
    /// only for the swap and the change itself.
    fn change<T>(
        &self,
        needed: impl Fn(&Matcher) -> bool,
        apply: impl FnOnce(&mut Matcher) -> T,
    ) -> Option<T> {
        // Writers take turns: what `needed` saw stays true until `apply` runs.
        let _turn = self.writers.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.snapshot();
        if !needed(&current) {
            return None;
        }
        // Held by the shared slot and `current`; a third holder is a snapshot.
        let copy = (Arc::strong_count(&current) > 2).then(|| Matcher::clone(&current));
        drop(current);
        let mut shared = self.write_lock();
        if let Some(copy) = copy {
            *shared = Arc::new(copy);
        }
        // A snapshot taken since the count was read still gets its copy here.
        Some(apply(Arc::make_mut(&mut shared)))
    }

    /// Brings the matcher up to stored firms, unless it already has a newer version of one
    /// (two writes of one firm can finish in either order).
    fn firms_changed(&self, firms: &[Firm]) {
        let newer = |matcher: &Matcher, firm: &Firm| {
            matcher
                .get(&firm.id)
                .is_none_or(|known| known.version < firm.version)
        };
        self.change(
            |matcher| firms.iter().any(|firm| newer(matcher, firm)),
            |matcher| {
                for firm in firms {
                    if newer(matcher, firm) {
                        matcher.upsert(Arc::new(firm.clone()));
                    }
                }
            },
        );
    }

    fn firm_removed(&self, id: &FirmId) {
        self.change(
            |matcher| matcher.get(id).is_some(),
            |matcher| matcher.remove(id),
        );
    }

    fn set_scoring_config(&self, config: crate::matching::ScoringConfig) -> Result<(), AppError> {
        config.validate().map_err(AppError::Invalid)?;
        self.change(|_| true, |matcher| matcher.set_config(config))
            .unwrap_or(Ok(()))
            .map_err(AppError::Invalid)
    }
}
