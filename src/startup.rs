//! Builds the server: opens the store, binds the listener (port 0 picks a free port, as the
//! tests do), mounts routes, docs and middleware; runs until SIGINT/SIGTERM, then flushes.

use crate::api::auth::OrganizerTokens;
use crate::api::error::ApiError;
use crate::api::{self, AppState};
use crate::app::Mitra;
use crate::store::Store;
use actix_web::dev::Server;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{web, App, HttpMessage, HttpServer};
use anyhow::Context;
use std::net::TcpListener;
use std::path::PathBuf;
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

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
}

pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    state: web::Data<AppState>,
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
        let ops = api::ops::Operations::new(&settings.data_dir, settings.public_metrics)?;
        let app = Mitra::open(store.clone())?.observed_by(ops.metrics.clone());
        let state = web::Data::new(AppState {
            app: std::sync::Arc::new(app),
            organizer_tokens: OrganizerTokens::new(
                settings.organizer_tokens.iter().map(String::as_str),
            ),
            public_directory: settings.public_directory,
            ops,
        });
        let app_state = state.clone();
        let route_methods = std::sync::Arc::new(api::RouteMethods::of(&api::openapi()));
        let mut server = HttpServer::new(move || {
            let route_methods = route_methods.clone();
            let (app, openapi) = App::new()
                .into_utoipa_app()
                .openapi(api::openapi())
                .app_data(state.clone())
                .configure(api::routes)
                .split_for_parts();
            app.service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi))
                .service(web::redirect("/docs", "/docs/"))
                .configure(crate::console::routes)
                .default_service(web::to(move |req: actix_web::HttpRequest| {
                    // A known path with another method is 405 (with `Allow`), not 404.
                    let error = match route_methods.allowed(req.path()) {
                        Some(allowed) => ApiError::MethodNotAllowed {
                            method: req.method().to_string(),
                            path: req.path().to_string(),
                            allowed: allowed.to_vec(),
                        },
                        None => ApiError::NotFound {
                            what: "route",
                            id: req.path().to_string(),
                        },
                    };
                    async move { Err::<actix_web::HttpResponse, _>(error) }
                }))
                .wrap(actix_web::middleware::from_fn(api::metrics::track))
                .wrap(actix_web::middleware::from_fn(echo_request_id))
                .wrap(TracingLogger::default())
        })
        // A client gets 10 s to send its request head and 5 s to close after an answer;
        // idle keep-alive connections are dropped after 30 s. Heavy work is bounded by its
        // own time limit (solver budget) and by the heavy-job permits.
        .client_request_timeout(std::time::Duration::from_secs(10))
        .client_disconnect_timeout(std::time::Duration::from_secs(5))
        .keep_alive(std::time::Duration::from_secs(30))
        .listen(listener)?;
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            store,
            state: app_state,
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
        let state = self.state.into_inner();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::sync::Arc::strong_count(&state) > 1 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        drop(state);
        let store = self.store;
        tokio::task::spawn_blocking(move || store.flush())
            .await?
            .context("flushing the store at shutdown")?;
        tracing::info!("store flushed, stopped");
        Ok(())
    }
}

/// Returns the request id that the logs carry as `x-request-id`, so a user's report can be
/// found in the logs.
async fn echo_request_id(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().copied();
    let mut response = next.call(req).await?;
    if let Some(id) = id {
        if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
            response
                .headers_mut()
                .insert(HeaderName::from_static("x-request-id"), value);
        }
    }
    Ok(response)
}
