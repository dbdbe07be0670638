//! HTTP layer: routes, handlers, extractors, the error → problem mapping and the OpenAPI
//! document. Handlers parse, authorise, call a use case of `app` (off the async workers)
//! and shape the answer; rules live in `app`, `domain` and `store`.

pub mod auth;
pub mod error;
pub mod events;
pub mod extract;
pub mod firms;
pub mod health;
pub mod import;
pub mod mail;
pub mod matching;
pub mod metrics;
pub mod ops;
pub mod outcomes;
pub mod reference;
pub mod schedule;
pub mod server;
pub mod session;

use crate::app::{AppError, Mitra, Pool};
use std::sync::Arc;
use utoipa::openapi::{RefOr, Schema};
use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};

/// What every handler can reach: the application (store, matcher, executor) and what
/// only HTTP needs (who may call, metrics).
pub struct AppState {
    pub app: Arc<Mitra>,
    pub organizer_tokens: auth::OrganizerTokens,
    /// Whether `GET /v1/firms` answers without a token (contacts are never shown there).
    pub public_directory: bool,
    /// Metrics, start time and data folder, for `/metrics` and `/v1/status`.
    pub ops: ops::Operations,
    /// Failed tokens per address, to slow down guessing.
    pub failed_tokens: auth::FailedTokens,
    /// Sends agendas by e-mail, when the operator configured SMTP.
    pub mailer: Option<Arc<crate::app::mail::Mailer>>,
}

impl std::ops::Deref for AppState {
    type Target = Mitra;

    fn deref(&self) -> &Mitra {
        &self.app
    }
}

impl AppState {
    /// Runs a use case (which may block on disk) off the async workers.
    pub async fn call<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Mitra) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let app = self.app.clone();
        Ok(actix_web::web::block(move || work(&app)).await??)
    }

    /// Reads or writes the store (which may block on disk) off the async workers.
    pub async fn with_store<T: Send + 'static, E: Into<error::ApiError> + Send + 'static>(
        &self,
        work: impl FnOnce(&crate::store::Store) -> Result<T, E> + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let store = self.app.store.clone();
        actix_web::web::block(move || work(&store))
            .await?
            .map_err(Into::into)
    }

    /// Runs a heavy use case in a pool of the executor; 503 while another heavy job runs.
    pub async fn heavy<T: Send + 'static>(
        &self,
        pool: Pool,
        work: impl FnOnce(&Mitra) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let app = self.app.clone();
        Ok(self.app.executor.run(pool, move || work(&app)).await??)
    }

    /// Runs a heavy use case under the slot its request took before its body was read
    /// (see [`extract::HeavyJson`]).
    pub async fn heavy_with<T: Send + 'static>(
        &self,
        permit: crate::app::HeavyPermit,
        pool: Pool,
        work: impl FnOnce(&Mitra) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let app = self.app.clone();
        Ok(self
            .app
            .executor
            .run_with(permit, pool, move || work(&app))
            .await??)
    }
}

/// The policy of the printed pages (grid, report): their own inline style, nothing else,
/// so a name that slipped past escaping could still run nothing nor load anything.
pub const PRINTED_PAGE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Declares the bearer scheme the operations refer to.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An organizer token (configured by the operator in MITRA_ORGANIZER_TOKENS) \
                         or a firm's own token (returned once when the firm is registered).",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "mitra",
        // Pinned: the document changes with the API, not with the crate version.
        version = "1",
        description = "Business matching for the trade forums of the industry offices of Nusa Tenggara Barat (NTB) and Jawa Timur (Jatim): IKM firm profiles, partner recommendations, forum timetables.\n\nErrors are RFC 9457 `application/problem+json` bodies with a stable `code` and, for invalid input, the list of fields and why.\n\nA write body (POST, PUT, PATCH) holds only the fields its operation documents: any other is refused (422), each named with code `unknown_field` and a near documented name as `params.hint` (`products[0].hs` → `hs_code`). Reads are lenient: unknown query parameters are ignored.\n\nHeavy work (`/v1/schedule/solve`, timetable generation and repair, `/v1/match/batch`, `/v1/scoring/evaluate`) is for organizers, one job at a time: while one runs, others are answered 503 with `Retry-After` before their body is read.",
        license(name = "MIT"),
    ),
    tags(
        (name = "firms", description = "IKM firm profiles: what they make, what they need"),
        (name = "matching", description = "Partner recommendations with reasons, scoring config"),
        (name = "events", description = "Forums: sessions and slots, participants, meeting requests, timetables"),
        (name = "schedule", description = "Timetables: the solver, a forum's schedule and repair, agendas and grids"),
        (name = "outcomes", description = "What meetings led to: outcomes, deals, the forum's trade report, labels"),
        (name = "reference", description = "KBLI 2020, HS 2022 and kab/kota tables for pickers"),
        (name = "health", description = "Liveness and readiness"),
        (name = "operations", description = "Prometheus metrics and the server's status for operators"),
    ),
    components(schemas(error::Problem, error::ProblemField)),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

/// Declares the documented handlers once: [`routes`] registers them and
/// [`published_schemas`] lists what each publishes, so the two cannot differ.
macro_rules! documented {
    (top: [$($top:path),* $(,)?], v1: [$($v1:path),* $(,)?] $(,)?) => {
        /// Every documented route. Used by the server and by [`openapi`], so the two cannot differ.
        pub fn routes(cfg: &mut ServiceConfig) {
            cfg$(.service($top))*.service(
                scope::scope("/v1")
                    .wrap(actix_web::middleware::from_fn(auth::authenticate))
                    $(.service($v1))*,
            );
        }

        /// Every `(name, schema)` pair the handlers and the document's own components
        /// publish, before the document keeps one schema per name. Two different schemas
        /// under one name mean two Rust types claim it, and the document would lie about one.
        pub fn published_schemas() -> Vec<(String, RefOr<Schema>)> {
            use utoipa_actix_web::OpenApiFactory;
            let mut out = Vec::new();
            $(OpenApiFactory::schemas(&$top, &mut out);)*
            $(OpenApiFactory::schemas(&$v1, &mut out);)*
            own_schema::<error::Problem>(&mut out);
            own_schema::<error::ProblemField>(&mut out);
            out
        }
    };
}

fn own_schema<T: utoipa::ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}

documented! {
    top: [health::healthz, health::readyz, ops::metrics],
    // Fixed paths before `/firms/{id}`, which would otherwise capture them.
    v1: [
        session::me,
        import::import_firms,
        import::token_sheet,
        import::export_firms,
        firms::create_firm,
        firms::list_firms,
        firms::get_firm,
        firms::replace_firm,
        firms::patch_firm,
        firms::delete_firm,
        firms::reissue_token,
        schedule::solve,
        schedule::generate,
        schedule::get_schedule,
        schedule::repair,
        schedule::agenda,
        schedule::agenda_messages,
        schedule::agendas,
        mail::send_agenda_emails,
        mail::list_agenda_emails,
        mail::agenda_email_job,
        schedule::grid,
        outcomes::record_outcome,
        outcomes::replace_outcome,
        outcomes::get_outcome,
        outcomes::list_outcomes,
        outcomes::forum_report,
        outcomes::labels,
        events::create_event,
        events::list_events,
        events::get_event,
        events::delete_event,
        events::add_participant,
        events::list_participants,
        events::remove_participant,
        events::create_request,
        events::list_requests,
        events::answer_request,
        matching::firm_matches,
        matching::score_pair,
        matching::rank_batch,
        matching::get_config,
        matching::put_config,
        matching::evaluate,
        reference::kbli,
        reference::hs,
        reference::regencies,
        ops::status,
        ops::backup,
    ],
}

/// The OpenAPI document of the routes above.
/// A download: `body` as `media_type`, offered to save as `file`.
fn attachment(
    media_type: &str,
    file: &str,
    body: impl actix_web::body::MessageBody + 'static,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(media_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .body(body)
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts()
        .1
}

/// The methods of each documented path template (`/v1/firms/{id}`), so a request to a known
/// path with another method can be answered 405 with `Allow` rather than 404.
pub struct RouteMethods(Vec<(Vec<String>, Vec<&'static str>)>);

impl RouteMethods {
    pub fn of(doc: &utoipa::openapi::OpenApi) -> RouteMethods {
        RouteMethods(
            doc.paths
                .paths
                .iter()
                .map(|(template, item)| {
                    let methods = [
                        ("GET", item.get.is_some()),
                        ("PUT", item.put.is_some()),
                        ("POST", item.post.is_some()),
                        ("DELETE", item.delete.is_some()),
                        ("PATCH", item.patch.is_some()),
                    ]
                    .into_iter()
                    .filter_map(|(m, present)| present.then_some(m))
                    .collect();
                    (template.split('/').map(str::to_string).collect(), methods)
                })
                .collect(),
        )
    }

    /// The methods allowed on `path`, if it is a documented path.
    pub fn allowed(&self, path: &str) -> Option<&[&'static str]> {
        let segments: Vec<&str> = path.split('/').collect();
        self.0.iter().find_map(|(template, methods)| {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                });
            matches.then_some(methods.as_slice())
        })
    }
}
