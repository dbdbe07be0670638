//! Timetables: the stateless solver, a forum's schedule (generate, read, repair), and its
//! exports (a firm's agenda as JSON/CSV/iCalendar/text, the organizer's grid as CSV/HTML,
//! every participant's agenda as a WhatsApp message).

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::events::{event_id, load_forum, require_forum_member};
use super::extract::{choose, HeavyJson, Parsed, QueryParams};
use super::AppState;
use crate::app::{self, Pool};
use crate::domain::{EventId, FirmId};
use crate::schedule::forum::{self, Agenda, FirmCard, ForumSchedule};
use crate::schedule::message::{agenda_text, Language};
use crate::schedule::{ScheduleRequest, ScheduleResponse};
use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Largest body of a stateless solve (a 20 000-meeting forum is about 1.5 MB).
pub const SOLVE_LIMIT: usize = 16 * 1024 * 1024;

/// Solve a scheduling problem given whole in the request: sessions of slots, tables,
/// participants, candidate or confirmed meetings, and the objective (`max_value` or
/// `min_idle`). The answer reports `status`, the placed meetings, what could not be placed
/// and why, and a bound that says how far from best the plan can be.
///
/// Organizers only: it shares the one heavy-job slot with timetable generation and batch
/// ranking, so a firm could otherwise keep an organizer's forum from being planned. The
/// slot is taken before the body is read; while it is held the answer is 503 with
/// `Retry-After`.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    request_body(content = ScheduleRequest, content_type = "application/json"),
    responses(
        (status = 200, body = ScheduleResponse),
        Problems<400, 401, 403, 413, 415, 422, 503>,
    )
)]
#[post("/schedule/solve")]
pub async fn solve(
    state: web::Data<AppState>,
    caller: Caller,
    body: HeavyJson<ScheduleRequest, SOLVE_LIMIT>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let response = body
        .run(&state, Pool::Solver, |app, request| {
            app::schedule::solve(app.observer(), &request)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

pub use crate::app::schedule::{GenerateRequest, RepairOptions, RepairResult};

/// Generate the forum's timetable (organizers) from its participants, their requests and
/// the matching engine's recommendations, and store it (replacing any previous one).
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
    request_body(content = GenerateRequest, content_type = "application/json"),
    responses(
        (status = 200, body = ForumSchedule),
        Problems<400, 401, 403, 404, 413, 415, 422, 503>,
    )
)]
#[post("/events/{id}/schedule")]
pub async fn generate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: HeavyJson<GenerateRequest>,
) -> Result<HttpResponse, ApiError> {
    plan_forum(&state, &caller, &id, body, app::schedule::generate).await
}

/// The forum's timetable: all of it for organizers, its own meetings for a firm registered
/// for the forum (any other firm: 403).
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
    responses(
        (status = 200, body = ForumSchedule),
        Problems<401, 403, 404>,
    )
)]
#[get("/events/{id}/schedule")]
pub async fn get_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let id = event_id(&id)?;
    let mut plan = load_schedule(&state, &id).await?;
    if let Caller::Firm(own) = &caller {
        // Its stats and its own meetings are still the forum's data: participants only
        // (a firm withdrawn after planning keeps seeing the meetings it had).
        if !plan
            .meetings
            .iter()
            .any(|m| m.a == own.as_str() || m.b == own.as_str())
        {
            require_forum_member(&state, &caller, &id).await?;
        }
        // Other firms' meetings and the candidate list are not a firm's business.
        plan.meetings
            .retain(|m| m.a == own.as_str() || m.b == own.as_str());
        plan.unscheduled
            .retain(|m| m.a == own.as_str() || m.b == own.as_str());
        plan.candidates.clear();
        plan.request.meetings.clear();
        plan.request.participants.retain(|p| p.id == own.as_str());
    }
    Ok(HttpResponse::Ok().json(plan))
}

pub async fn load_schedule(state: &AppState, id: &EventId) -> Result<ForumSchedule, ApiError> {
    let id = id.clone();
    state
        .call(move |app| app::schedule::current(&app.store, &id))
        .await
}

/// Re-plan after cancellations, withdrawals, late registrations or new requests
/// (organizers): every meeting the change does not touch stays at its slot and table;
/// freed places are refilled.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
    request_body(content = RepairOptions, content_type = "application/json"),
    responses(
        (status = 200, body = RepairResult),
        Problems<400, 401, 403, 404, 413, 415, 422, 503>,
    )
)]
#[post("/events/{id}/schedule/repair")]
pub async fn repair(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: HeavyJson<RepairOptions>,
) -> Result<HttpResponse, ApiError> {
    plan_forum(&state, &caller, &id, body, app::schedule::repair).await
}

/// Plans a forum's timetable (organizers): `plan` runs in the solver pool under the slot
/// the request took, and its result is the answer.
async fn plan_forum<O: Send + 'static, R: Serialize + Send + 'static>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: HeavyJson<O>,
    plan: fn(&app::Mitra, &EventId, &O) -> Result<R, app::AppError>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let id = event_id(id)?;
    let result = body
        .run(state, Pool::Solver, move |app, options| {
            plan(app, &id, &options)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// The stored firms of a timetable's meetings, each read once.
pub async fn meeting_firms(
    state: &AppState,
    plan: &ForumSchedule,
) -> Result<std::collections::HashMap<String, crate::domain::Firm>, ApiError> {
    let plan = plan.clone();
    state
        .call(move |app| app::outcomes::meeting_firms(&app.store, &plan))
        .await
}

/// Names and places of a timetable's firms, for the exports.
async fn cards(
    state: &AppState,
    plan: &ForumSchedule,
) -> Result<std::collections::HashMap<String, FirmCard>, ApiError> {
    Ok(meeting_firms(state, plan)
        .await?
        .into_iter()
        .map(|(id, firm)| (id.clone(), card(&id, firm)))
        .collect())
}

/// A firm's name and place, as the exports show them.
fn card(id: &str, firm: crate::domain::Firm) -> FirmCard {
    FirmCard {
        id: id.to_string(),
        name: firm.profile.name().to_string(),
        province: firm.profile.province().to_string(),
        regency: firm.profile.regency_name().to_string(),
    }
}

fn card_of(cards: &std::collections::HashMap<String, FirmCard>, id: &str) -> FirmCard {
    cards.get(id).cloned().unwrap_or_else(|| FirmCard {
        id: id.to_string(),
        name: id.to_string(),
        province: String::new(),
        regency: String::new(),
    })
}

/// The formats of a firm's agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AgendaFormat {
    Json,
    Csv,
    Ics,
    Txt,
}

crate::choice!(AgendaFormat {
    AgendaFormat::Json => "json",
    AgendaFormat::Csv => "csv",
    AgendaFormat::Ics => "ics",
    AgendaFormat::Txt => "txt",
});

/// `?format=&lang=` of a firm's agenda.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgendaQuery {
    /// `json` (default), `csv`, `ics` (iCalendar) or `txt` (a message ready for WhatsApp).
    #[param(value_type = Option<AgendaFormat>, inline)]
    pub format: Option<Parsed<AgendaFormat>>,
    /// Language of the `txt` message: `id` (default) or `en`.
    pub lang: Option<crate::matching::Lang>,
}

/// The language of an agenda message: Indonesian unless English is asked.
pub(super) fn message_language(lang: Option<crate::matching::Lang>) -> Language {
    match lang {
        Some(crate::matching::Lang::En) => Language::English,
        _ => Language::Indonesian,
    }
}

/// A firm's agenda at the forum (organizers, or the firm itself): JSON, CSV, an
/// iCalendar file (`format=ics`) with partner, table and the reasons to meet, or a plain
/// text message for WhatsApp (`format=txt`: greeting, forum, each meeting with day, time
/// and zone, table, partner and one reason; `lang=id` or `en`).
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"),
        ("firm_id" = String, Path, description = "Firm id", example = "kopi-sembalun"),
        AgendaQuery,
    ),
    responses(
        (status = 200, description = "The agenda", content(
            (Agenda = "application/json"),
            (String = "text/csv"),
            (String = "text/calendar"),
            (String = "text/plain"),
        )),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/events/{id}/agenda/{firm_id}")]
pub async fn agenda(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    query: QueryParams<AgendaQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, firm) = path.into_inner();
    let firm = FirmId::parse(&firm).map_err(|_| ApiError::NotFound {
        what: "firm",
        id: firm.clone(),
    })?;
    caller.require_firm(&firm)?;
    let mut errors = Vec::new();
    let format = choose(
        "format",
        query.0.format.as_ref(),
        AgendaFormat::Json,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::from_fields(errors));
    }
    let language = message_language(query.0.lang);
    let event = load_forum(&state, &id).await?;
    let plan = load_schedule(&state, &event.id).await?;
    let (key, fid) = (event.id.clone(), firm.clone());
    if state
        .with_store(move |store| store.participant(&key, &fid))
        .await?
        .is_none()
        && !plan
            .meetings
            .iter()
            .any(|m| m.a == firm.as_str() || m.b == firm.as_str())
    {
        return Err(ApiError::NotFound {
            what: "participant",
            id: firm.to_string(),
        });
    }
    let mut cards = cards(&state, &plan).await?;
    if !cards.contains_key(firm.as_str()) {
        let key = firm.to_string();
        if let Some(f) = state.with_store(move |store| store.get_firm(&key)).await? {
            cards.insert(firm.to_string(), card(firm.as_str(), f));
        }
    }
    let own = card_of(&cards, firm.as_str());
    let agenda = forum::agenda(&event, &plan, &own, &|id| card_of(&cards, id));
    let file = format!("agenda-{}-{}", event.id, firm);
    Ok(match format {
        AgendaFormat::Csv => super::attachment(
            "text/csv; charset=utf-8",
            &format!("{file}.csv"),
            forum::agenda_csv(&agenda).map_err(anyhow::Error::from)?,
        ),
        AgendaFormat::Ics => super::attachment(
            "text/calendar; charset=utf-8",
            &format!("{file}.ics"),
            forum::agenda_ics(&event, &agenda),
        ),
        AgendaFormat::Txt => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(agenda_text(&event, &agenda, language)),
        AgendaFormat::Json => HttpResponse::Ok().json(agenda),
    })
}

pub use crate::app::messages::AgendaMessage;

/// `?lang=` of the messages.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    /// `id` (default) or `en`.
    pub lang: Option<crate::matching::Lang>,
}

/// Every participant's agenda as a WhatsApp message (organizers): the text (as
/// `agenda/{firm_id}?format=txt`), the stored +62 number and a `https://wa.me/…?text=…`
/// link that opens WhatsApp with the message typed, for firms with a number. Ordered by
/// firm name.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"),
        MessagesQuery,
    ),
    responses(
        (status = 200, body = Vec<AgendaMessage>),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/events/{id}/agenda-messages")]
pub async fn agenda_messages(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: QueryParams<MessagesQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let language = message_language(query.0.lang);
    let id = event_id(&id)?;
    let messages = state
        .call(move |app| app::messages::agenda_messages(app, &id, language))
        .await?;
    Ok(HttpResponse::Ok().json(messages))
}

crate::format_query!(
    /// `xlsx` (default) or `json`.
    AgendasQuery,
    AgendasFormat {
        Xlsx => "xlsx",
        Json => "json",
    }
);

/// Every participant's agenda at once (organizers): an .xlsx workbook with a sheet per
/// firm (`format=xlsx`, the default; sheets named after the firms, at most 31 characters,
/// each name once) or the agendas as JSON (`format=json`), ordered by firm name.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"), AgendasQuery),
    responses(
        (status = 200, description = "The agendas", content(
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<Agenda> = "application/json"),
        )),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/events/{id}/agendas")]
pub async fn agendas(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    format: QueryParams<AgendasQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let format = format.0.pick(AgendasFormat::Xlsx)?;
    let id = event_id(&id)?;
    let (event, agendas) = state
        .call(move |app| app::messages::forum_agendas(app, &id))
        .await?;
    if format == AgendasFormat::Json {
        let list: Vec<Agenda> = agendas.into_iter().map(|(_, one)| one).collect();
        return Ok(HttpResponse::Ok().json(list));
    }
    let file = format!("agenda-{}.xlsx", event.id);
    let body = web::block(move || app::xlsx::write_agendas(&event, &agendas)).await??;
    Ok(super::attachment(app::xlsx::MEDIA_TYPE, &file, body))
}

crate::format_query!(
    /// `csv` (default), `html` or `xlsx`.
    GridQuery,
    GridFormat {
        Csv => "csv",
        Html => "html",
        Xlsx => "xlsx",
    }
);

/// The organizer's grid of the timetable, slots × tables: CSV, a printable HTML page
/// (A4 landscape) with `format=html`, or an .xlsx workbook with `format=xlsx` (one sheet per
/// day, the forum's local times).
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"), GridQuery),
    responses(
        (status = 200, description = "The grid", content(
            (String = "text/csv"),
            (String = "text/html"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/events/{id}/schedule/grid")]
pub async fn grid(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    format: QueryParams<GridQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let format = format.0.pick(GridFormat::Csv)?;
    let event = load_forum(&state, &id).await?;
    let plan = load_schedule(&state, &event.id).await?;
    let cards = cards(&state, &plan).await?;
    let card = |id: &str| card_of(&cards, id);
    Ok(if format == GridFormat::Xlsx {
        let body = app::xlsx::write_grid(&event, &plan, &card)?;
        super::attachment(
            app::xlsx::MEDIA_TYPE,
            &format!("grid-{}.xlsx", event.id),
            body,
        )
    } else if format == GridFormat::Html {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, super::PRINTED_PAGE_CSP))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(forum::grid_html(&event, &plan, &card))
    } else {
        super::attachment(
            "text/csv; charset=utf-8",
            &format!("grid-{}.csv", event.id),
            forum::grid_csv(&event, &plan, &card).map_err(anyhow::Error::from)?,
        )
    })
}
