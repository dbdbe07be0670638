//! Builds the server: opens the store, binds the listener (port 0 picks a free port, as the
//! tests do), mounts routes, docs and middleware; runs until SIGINT/SIGTERM, then flushes.

use crate::api::{self, server::HttpSettings};
use crate::app::Mitra;
use crate::store::Store;
use actix_web::dev::Server;
use anyhow::Context;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0 = any free port).
    pub addr: String,
    pub data_dir: PathBuf,
    /// HTTP worker threads; the default is one per core.
    pub workers: Option<usize>,
    /// Tokens that may do everything. Several at once, so they can be rotated.
    pub organizer_tokens: Vec<String>,
    /// Serve `GET /v1/firms` (without contacts) to callers without a token.
    pub public_directory: bool,
    /// Serve `GET /metrics` to callers without a token.
    pub public_metrics: bool,
    /// Slow down the answers to an address that keeps sending unknown tokens (always on in
    /// `mitra serve`; tests that try many bad tokens on purpose turn it off).
    pub slow_failed_tokens: bool,
    /// Send agendas by e-mail through this SMTP server (`MITRA_SMTP_URL`, `MITRA_SMTP_FROM`).
    pub mail: Option<crate::app::mail::MailSettings>,
}

pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    app: Arc<Mitra>,
}

impl Application {
    pub fn build(settings: Settings) -> anyhow::Result<Application> {
        let store = Store::open(&settings.data_dir)
            .with_context(|| format!("opening the store in {}", settings.data_dir.display()))?;
        Self::build_with_store(settings, store)
    }

    /// Builds the server on an already opened store (e.g. after loading demo data into it).
    pub fn build_with_store(settings: Settings, store: Store) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.addr)
            .with_context(|| format!("binding {}", settings.addr))?;
        let port = listener.local_addr()?.port();
        if settings.organizer_tokens.is_empty() {
            anyhow::bail!("no organizer token configured: nobody could manage the forum");
        }
        crate::app::tokens::check_organizer_tokens(&settings.organizer_tokens)?;
        let (server, app) = api::server::server(
            listener,
            HttpSettings {
                data_dir: settings.data_dir.clone(),
                workers: settings.workers,
                organizer_tokens: settings.organizer_tokens.clone(),
                public_directory: settings.public_directory,
                public_metrics: settings.public_metrics,
                slow_failed_tokens: settings.slow_failed_tokens,
                mail: settings.mail.clone(),
            },
            store.clone(),
        )?;
        Ok(Application {
            port,
            server,
            store,
            app,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server from elsewhere (tests, signal handlers).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until a shutdown signal (actix handles SIGINT and SIGTERM gracefully), then
    /// flushes the store so nothing buffered is lost.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.server.await?;
        // Worker threads drop their copy of the state shortly after the server future ends;
        // wait for them, so the store is closed (and its folder free) when this returns.
        let app = self.app;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while Arc::strong_count(&app) > 1 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        drop(app);
        let store = self.store;
        tokio::task::spawn_blocking(move || store.flush())
            .await?
            .context("flushing the store at shutdown")?;
        tracing::info!("store flushed, stopped");
        Ok(())
    }
}
