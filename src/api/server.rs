//! The HTTP server: the application state, routes, docs, console and middleware on a bound
//! listener. `startup` opens the store and binds; everything HTTP is built here.

use super::auth::OrganizerTokens;
use super::error::ApiError;
use super::{ops, AppState, RouteMethods};
use crate::app::Mitra;
use crate::store::Store;
use actix_web::dev::Server;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{web, App, HttpMessage, HttpServer};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder, TracingLogger};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

/// What the HTTP side needs to know.
pub struct HttpSettings {
    pub data_dir: PathBuf,
    /// HTTP worker threads; the default is one per core.
    pub workers: Option<usize>,
    pub organizer_tokens: Vec<String>,
    pub public_directory: bool,
    pub public_metrics: bool,
    pub slow_failed_tokens: bool,
    /// Agendas by e-mail, when SMTP is configured.
    pub mail: Option<crate::app::mail::MailSettings>,
}

/// The server on `listener` over `store`, and the application it serves (to wait for at
/// shutdown).
pub fn server(
    listener: TcpListener,
    settings: HttpSettings,
    store: Store,
) -> anyhow::Result<(Server, Arc<Mitra>)> {
    let ops = ops::Operations::new(&settings.data_dir, settings.public_metrics)?;
    let app = Mitra::open(store.clone())?.observed_by(ops.metrics.clone());
    let state = web::Data::new(AppState {
        app: std::sync::Arc::new(app),
        organizer_tokens: OrganizerTokens::new(
            settings.organizer_tokens.iter().map(String::as_str),
        ),
        public_directory: settings.public_directory,
        ops,
        failed_tokens: super::auth::FailedTokens::new(settings.slow_failed_tokens),
        mailer: match &settings.mail {
            Some(mail) => Some(std::sync::Arc::new(crate::app::mail::Mailer::new(mail)?)),
            None => None,
        },
    });
    let app = state.app.clone();
    let route_methods = std::sync::Arc::new(RouteMethods::of(&super::openapi()));
    let mut server = HttpServer::new(move || {
        let route_methods = route_methods.clone();
        let (app, openapi) = App::new()
            .into_utoipa_app()
            .openapi(super::openapi())
            .app_data(state.clone())
            .configure(super::routes)
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
            .wrap(actix_web::middleware::from_fn(super::metrics::track))
            .wrap(actix_web::middleware::from_fn(echo_request_id))
            .wrap(TracingLogger::<RedactedSpans>::new())
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
    Ok((server.run(), app))
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

/// The request span of the logs: like tracing-actix-web's default, but the target keeps only
/// the names of query parameters, never their values (a `?token=` or a search for a
/// person's name stays out of the logs).
pub struct RedactedSpans;

impl RootSpanBuilder for RedactedSpans {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let route = request.match_pattern().unwrap_or_default();
        let info = request.connection_info().clone();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.flavor = ?request.version(),
            http.host = %info.host(),
            http.client_ip = %info.realip_remote_addr().unwrap_or(""),
            http.target = %redacted_target(request.uri()),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
            request_id = %request_id,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// `path?name=…&other=…`: the query's parameter names with their values left out.
pub fn redacted_target(uri: &actix_web::http::Uri) -> String {
    match uri.query() {
        None | Some("") => uri.path().to_string(),
        Some(query) => {
            let names: Vec<String> = form_urlencoded::parse(query.as_bytes())
                .map(|(name, _)| format!("{name}=…"))
                .collect();
            format!("{}?{}", uri.path(), names.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_targets_keep_no_query_value() {
        let uri: actix_web::http::Uri = "/v1/firms?token=mitra_firm_abc123&q=Baiq%20Aini"
            .parse()
            .unwrap();
        let target = redacted_target(&uri);
        assert_eq!(target, "/v1/firms?token=…&q=…");
        assert!(!target.contains("abc123") && !target.contains("Aini"));
        let plain: actix_web::http::Uri = "/v1/events".parse().unwrap();
        assert_eq!(redacted_target(&plain), "/v1/events");
    }
}
