//! HTTP layer: routes, handlers, extractors, the error → problem mapping and the OpenAPI
//! document. Handlers parse, call the store (off the async workers) and shape answers;
//! rules live in `domain` and `store`.

pub mod auth;
pub mod csv_format;
pub mod error;
pub mod events;
pub mod extract;
pub mod firms;
pub mod health;
pub mod import;
pub mod matching;
pub mod metrics;
pub mod ops;
pub mod outcomes;
pub mod reference;
pub mod schedule;
pub mod session;

use crate::domain::{Firm, FirmId, Reference};
use crate::matching::{Matcher, ScoringConfig};
use crate::store::Store;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use utoipa::openapi::{RefOr, Schema};
use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};

/// What every handler can reach.
pub struct AppState {
    pub store: Store,
    pub reference: &'static Reference,
    pub organizer_tokens: auth::OrganizerTokens,
    /// Whether `GET /v1/firms` answers without a token (contacts are never shown there).
    pub public_directory: bool,
    /// Every stored firm, analysed and indexed for matching; updated after each write.
    pub matcher: RwLock<Matcher>,
    /// Threads for heavy ranking work, apart from the HTTP workers.
    pub ranking_pool: rayon::ThreadPool,
    /// Permits for heavy jobs (batch ranking, solving); none left means 503.
    pub heavy_jobs: Arc<tokio::sync::Semaphore>,
    /// Metrics, start time and data folder, for `/metrics` and `/v1/status`.
    pub ops: ops::Operations,
}

impl AppState {
    pub fn matcher(&self) -> RwLockReadGuard<'_, Matcher> {
        // A panic while holding the lock cannot leave the matcher half-updated in a way
        // that matters more than refusing service: keep serving the last state.
        self.matcher.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Brings the matcher up to a stored firm, unless it already has a newer version
    /// (two writes of one firm can finish in either order).
    pub fn firm_changed(&self, firm: &Firm) {
        let mut matcher = self.matcher.write().unwrap_or_else(|e| e.into_inner());
        if matcher
            .get(&firm.id)
            .is_some_and(|known| known.version >= firm.version)
        {
            return;
        }
        matcher.upsert(Arc::new(firm.clone()));
    }

    pub fn firms_changed(&self, firms: &[Firm]) {
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

    pub fn firm_removed(&self, id: &FirmId) {
        self.matcher
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    pub fn set_scoring_config(&self, config: ScoringConfig) -> Result<(), error::ApiError> {
        self.matcher
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .set_config(config)
            .map_err(error::ApiError::from_fields)
    }
}

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
        description = "Business matching for the trade forums of the industry offices of Nusa Tenggara Barat (NTB) and Jawa Timur (Jatim): IKM firm profiles, partner recommendations, forum timetables.\n\nErrors are RFC 9457 `application/problem+json` bodies with a stable `code` and, for invalid input, the list of fields and why.",
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
    ],
}

/// The OpenAPI document of the routes above.
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
