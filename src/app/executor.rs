//! One executor for CPU-heavy work (ranking every firm, solving timetables, evaluating):
//! named rayon pools apart from the HTTP workers, and one permit, so a second heavy job
//! meanwhile is refused (503 with `Retry-After`) instead of queueing behind the first.

use super::AppError;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// The named pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    /// Ranking and evaluation (`mitra-rank-N`, one thread per core).
    Ranking,
    /// The timetable solver (`mitra-solve-N`; the solver runs two seeds side by side).
    Solver,
}

/// The heavy-job slot held by one request, from before its body is read until its job ends.
pub struct HeavyPermit(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

pub struct Executor {
    ranking: rayon::ThreadPool,
    solver: rayon::ThreadPool,
    permits: Arc<tokio::sync::Semaphore>,
}

impl Executor {
    pub fn new() -> anyhow::Result<Executor> {
        Ok(Executor {
            ranking: rayon::ThreadPoolBuilder::new()
                .thread_name(|i| format!("mitra-rank-{i}"))
                .build()?,
            solver: rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .thread_name(|i| format!("mitra-solve-{i}"))
                .build()?,
            permits: Arc::new(tokio::sync::Semaphore::new(1)),
        })
    }

    fn pool(&self, pool: Pool) -> &rayon::ThreadPool {
        match pool {
            Pool::Ranking => &self.ranking,
            Pool::Solver => &self.solver,
        }
    }

    /// The heavy-job slot, taken before anything costly (reading a large body, parsing it)
    /// happens: while another job holds it, answers [`AppError::Busy`] at once.
    pub fn try_permit(&self) -> Result<HeavyPermit, AppError> {
        self.permits
            .clone()
            .try_acquire_owned()
            .map(HeavyPermit)
            .map_err(|_| {
                AppError::Busy(
                    "another heavy job (solve or ranking) is running; retry shortly".into(),
                )
            })
    }

    /// Runs `work` in `pool` without holding up the caller's async worker, one heavy job at
    /// a time: while another runs, answers [`AppError::Busy`] at once.
    pub async fn run<T: Send + 'static>(
        &self,
        pool: Pool,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = self.try_permit()?;
        self.run_with(permit, pool, work).await
    }

    /// Runs `work` in `pool` under a slot already taken with [`Executor::try_permit`]; the
    /// slot is given back when the work ends (or panics).
    pub async fn run_with<T: Send + 'static>(
        &self,
        permit: HeavyPermit,
        pool: Pool,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.pool(pool).spawn(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(work));
            drop(permit);
            let _ = tx.send(result);
        });
        match rx.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) => Err(AppError::Internal(anyhow::anyhow!("a heavy job panicked"))),
            Err(_) => Err(AppError::Internal(anyhow::anyhow!(
                "a heavy job was dropped"
            ))),
        }
    }

    /// Runs `work` in `pool` and waits for it (the command line, where nothing else runs).
    pub fn install<T: Send>(&self, pool: Pool, work: impl FnOnce() -> T + Send) -> T {
        self.pool(pool).install(work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn runs_in_the_named_pool_one_job_at_a_time() {
        let executor = Arc::new(Executor::new().unwrap());
        let name = executor
            .run(Pool::Solver, || {
                std::thread::current().name().map(str::to_string)
            })
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("mitra-solve-"));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let worker = executor.clone();
        let first = tokio::spawn(async move {
            worker
                .run(Pool::Ranking, move || {
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    std::thread::current().name().unwrap().to_string()
                })
                .await
        });
        // The first job holds the permit once it has started (wait without blocking the
        // runtime that drives it).
        while started_rx.try_recv().is_err() {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let second = executor.run(Pool::Ranking, || ()).await;
        assert!(matches!(second, Err(AppError::Busy(_))));
        assert!(matches!(executor.try_permit(), Err(AppError::Busy(_))));
        release_tx.send(()).unwrap();
        assert!(first.await.unwrap().unwrap().starts_with("mitra-rank-"));
        // The permit is back.
        executor.run(Pool::Ranking, || ()).await.unwrap();
        // A slot taken ahead (before a body is read) keeps others out until its job ends.
        let held = executor.try_permit().unwrap();
        assert!(matches!(
            executor.run(Pool::Ranking, || ()).await,
            Err(AppError::Busy(_))
        ));
        executor.run_with(held, Pool::Ranking, || ()).await.unwrap();
        executor.run(Pool::Ranking, || ()).await.unwrap();
        assert!(matches!(
            executor.run(Pool::Ranking, || panic!("boom")).await,
            Err(AppError::Internal(_))
        ));
        assert_eq!(executor.install(Pool::Solver, || 2 + 2), 4);
    }
}
