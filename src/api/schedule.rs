//! Timetables: the stateless solver, a forum's schedule (generate, read, repair), and its
//! exports (a firm's agenda as JSON/CSV/iCalendar, the organizer's grid as CSV/HTML).

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::events::{event_id, load_event};
use super::extract::{
    is_json, media_type, parse_json, read_body, FormatQuery, JsonBody, QueryParams,
};
use super::metrics::Metrics;
use super::AppState;
use crate::domain::event::Event;
use crate::domain::{EventId, FieldError, FirmId};
use crate::matching::Lang;
use crate::schedule::forum::{self, Agenda, FirmCard, ForumSchedule, Recommendation};
use crate::schedule::{
    self, Objective, RepairRequest, RepairResponse, ScheduleRequest, ScheduleResponse, Status,
};
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;

/// Largest body of a stateless solve (a 20 000-meeting forum is about 1.5 MB).
pub const SOLVE_LIMIT: usize = 16 * 1024 * 1024;

fn solver_errors(errors: Vec<FieldError>) -> ApiError {
    ApiError::from_fields(errors)
}

/// Runs CPU-heavy work off the HTTP workers, one job at a time (503 when busy).
async fn heavy<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let permit = state.heavy_jobs.clone().try_acquire_owned().map_err(|_| {
        ApiError::Unavailable(
            "another heavy job (solve or ranking) is running; retry shortly".into(),
        )
    })?;
    Ok(web::block(move || {
        let _permit = permit;
        work()
    })
    .await?)
}

/// Solve a scheduling problem given whole in the request: sessions of slots, tables,
/// participants, candidate or confirmed meetings, and the objective (`max_value` or
/// `min_idle`). The answer reports `status`, the placed meetings, what could not be placed
/// and why, and a bound that says how far from best the plan can be.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    request_body(content = ScheduleRequest, content_type = "application/json"),
    responses(
        (status = 200, body = ScheduleResponse),
        Problems<400, 401, 413, 415, 422, 503>,
    )
)]
#[post("/schedule/solve")]
pub async fn solve(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media = media_type(&req).unwrap_or_default();
    if !is_json(&media) {
        return Err(ApiError::UnsupportedMediaType {
            given: if media.is_empty() {
                "(none)".into()
            } else {
                media
            },
            expected: "application/json",
        });
    }
    let body = read_body(&req, payload.into_inner(), SOLVE_LIMIT).await?;
    let request: ScheduleRequest = parse_json(&body)?;
    let timer = state.ops.metrics.solver("solve", request.objective);
    let response = heavy(&state, move || {
        Metrics::time(&timer, || schedule::solve(&request))
    })
    .await?
    .map_err(solver_errors)?;
    Ok(HttpResponse::Ok().json(response))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"objective": "max_value", "time_limit_ms": 2000, "recommendations_per_firm": 5, "min_score": 0.2}))]
pub struct GenerateRequest {
    /// `max_value` (default): choose among requests and recommendations; `min_idle`: place
    /// every mutual (accepted) request with the fewest idle slots.
    pub objective: Option<Objective>,
    /// Search budget, 1–60000 ms (default 2000).
    pub time_limit_ms: Option<u64>,
    pub seed: Option<u64>,
    /// Recommended partners per participant added as candidates (0–50, default 5).
    pub recommendations_per_firm: Option<usize>,
    /// Least match score of a recommendation (default 0.2).
    pub min_score: Option<f64>,
    /// Language of the recommendations' reasons stored with the timetable (and printed on
    /// agendas): `en` (default) or `id`.
    pub lang: Option<Lang>,
}

/// Everything the forum's problem is built from, loaded off the async workers.
struct ForumState {
    event: Event,
    participants: Vec<crate::domain::event::Participant>,
    requests: Vec<crate::domain::event::MeetingRequest>,
    previous: Option<ForumSchedule>,
}

async fn load_forum(state: &AppState, id: &EventId) -> Result<ForumState, ApiError> {
    let event = load_event(state, id).await?;
    let store = state.store.clone();
    let key = id.clone();
    let (participants, requests, previous) =
        web::block(move || -> Result<_, crate::store::StoreError> {
            let participants: Vec<_> = store
                .participants(&key)?
                .into_iter()
                // A firm deleted after registering no longer takes part.
                .filter(|p| store.get_firm(p.firm_id.as_str()).ok().flatten().is_some())
                .collect();
            Ok((
                participants,
                store.requests(&key)?,
                store.schedule::<ForumSchedule>(&key)?,
            ))
        })
        .await??;
    Ok(ForumState {
        event,
        participants,
        requests,
        previous,
    })
}

fn recommendations(
    state: &AppState,
    forum: &ForumState,
    per_firm: usize,
    min_score: f64,
    lang: Lang,
) -> Vec<Recommendation> {
    crate::planning::recommendations(
        &state.matcher(),
        &forum.participants,
        per_firm,
        min_score,
        lang,
    )
}

/// Generate the forum's timetable (organizers) from its participants, their requests and
/// the matching engine's recommendations, and store it (replacing any previous one).
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id")),
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
    body: JsonBody<GenerateRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let options = body.0;
    let mut errors = Vec::new();
    let per_firm = options.recommendations_per_firm.unwrap_or(5);
    if per_firm > 50 {
        errors.push(FieldError::new(
            "recommendations_per_firm",
            "must be between 0 and 50",
        ));
    }
    let min_score = options.min_score.unwrap_or(0.2);
    if !(0.0..=1.0).contains(&min_score) {
        errors.push(FieldError::new("min_score", "must be between 0 and 1"));
    }
    if !errors.is_empty() {
        return Err(ApiError::from_fields(errors));
    }
    let id = event_id(&id)?;
    let forum_state = load_forum(&state, &id).await?;
    if forum_state.participants.len() < 2 {
        return Err(ApiError::invalid(
            "participants",
            "the forum needs at least two participants",
        ));
    }
    let recs = recommendations(
        &state,
        &forum_state,
        per_firm,
        min_score,
        options.lang.unwrap_or_default(),
    );
    let (request, candidates) = forum::forum_request(
        &forum_state.event,
        &forum_state.participants,
        &forum_state.requests,
        &recs,
        options.objective.unwrap_or_default(),
        Some(options.time_limit_ms.unwrap_or(2_000)),
        options.seed,
    );
    let version = forum_state.previous.as_ref().map_or(0, |s| s.version) + 1;
    let store = state.store.clone();
    let timer = state.ops.metrics.solver("generate", request.objective);
    let schedule = heavy(&state, move || -> Result<ForumSchedule, ApiError> {
        let response =
            Metrics::time(&timer, || schedule::solve(&request)).map_err(solver_errors)?;
        let plan = ForumSchedule::from_response(
            id.as_str(),
            version,
            chrono::Utc::now(),
            request,
            candidates,
            response,
        );
        store.put_schedule(&id, &plan)?;
        Ok(plan)
    })
    .await??;
    Ok(HttpResponse::Ok().json(schedule))
}

/// The forum's timetable: all of it for organizers, its own meetings for a firm.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id")),
    responses(
        (status = 200, body = ForumSchedule),
        Problems<401, 404>,
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
    load_event(state, id).await?;
    let store = state.store.clone();
    let key = id.clone();
    web::block(move || store.schedule::<ForumSchedule>(&key))
        .await??
        .ok_or_else(|| ApiError::NotFound {
            what: "schedule of event",
            id: id.to_string(),
        })
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepairOptions {
    pub time_limit_ms: Option<u64>,
    pub recommendations_per_firm: Option<usize>,
    pub min_score: Option<f64>,
    /// Language of the reasons of newly recommended meetings: `en` (default) or `id`.
    pub lang: Option<Lang>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RepairResult {
    pub schedule: ForumSchedule,
    pub kept: usize,
    pub moved: Vec<schedule::MovedMeeting>,
    pub added: Vec<schedule::ScheduledMeeting>,
    pub dropped: Vec<schedule::Unscheduled>,
}

/// Re-plan after cancellations, withdrawals, late registrations or new requests
/// (organizers): every meeting the change does not touch stays at its slot and table;
/// freed places are refilled.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id")),
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
    body: JsonBody<RepairOptions>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let options = body.0;
    let id = event_id(&id)?;
    let forum_state = load_forum(&state, &id).await?;
    let previous = forum_state
        .previous
        .clone()
        .ok_or_else(|| ApiError::NotFound {
            what: "schedule of event",
            id: id.to_string(),
        })?;
    let recs = recommendations(
        &state,
        &forum_state,
        options.recommendations_per_firm.unwrap_or(5).min(50),
        options.min_score.unwrap_or(0.2).clamp(0.0, 1.0),
        options.lang.unwrap_or_default(),
    );
    let (request, candidates) = forum::forum_request(
        &forum_state.event,
        &forum_state.participants,
        &forum_state.requests,
        &recs,
        previous.request.objective,
        Some(options.time_limit_ms.unwrap_or(2_000)),
        previous.request.seed,
    );
    let repair_request = RepairRequest {
        request: request.clone(),
        previous: previous.placed(),
    };
    let store = state.store.clone();
    let version = previous.version + 1;
    let timer = state
        .ops
        .metrics
        .solver("repair", repair_request.request.objective);
    let result = heavy(&state, move || -> Result<RepairResult, ApiError> {
        let answer: RepairResponse =
            Metrics::time(&timer, || schedule::repair(&repair_request)).map_err(solver_errors)?;
        let plan = ForumSchedule::from_response(
            id.as_str(),
            version,
            chrono::Utc::now(),
            request,
            candidates,
            answer.plan,
        );
        // An infeasible repair leaves the plan in force untouched.
        if plan.status != Status::Infeasible {
            store.put_schedule(&id, &plan)?;
        }
        Ok(RepairResult {
            kept: answer.kept.len(),
            moved: answer.moved,
            added: answer.added,
            dropped: answer.dropped,
            schedule: plan,
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(result))
}

/// Firm names and places for the exports.
/// The stored firms of a timetable's meetings, each read once.
pub async fn meeting_firms(
    state: &AppState,
    plan: &ForumSchedule,
) -> Result<std::collections::HashMap<String, crate::domain::Firm>, ApiError> {
    let ids: HashSet<String> = plan
        .meetings
        .iter()
        .flat_map(|m| [m.a.clone(), m.b.clone()])
        .collect();
    let store = state.store.clone();
    web::block(move || -> Result<_, crate::store::StoreError> {
        let mut out = std::collections::HashMap::new();
        for id in ids {
            if let Some(firm) = store.get_firm(&id)? {
                out.insert(id, firm);
            }
        }
        Ok(out)
    })
    .await?
    .map_err(Into::into)
}

/// Names and places of a timetable's firms, for the exports.
async fn cards(
    state: &AppState,
    plan: &ForumSchedule,
) -> Result<std::collections::HashMap<String, FirmCard>, ApiError> {
    Ok(meeting_firms(state, plan)
        .await?
        .into_iter()
        .map(|(id, firm)| {
            let card = FirmCard {
                id: id.clone(),
                name: firm.profile.name,
                province: firm.profile.province.to_string(),
                regency: firm.profile.regency_name,
            };
            (id, card)
        })
        .collect())
}

fn card_of(cards: &std::collections::HashMap<String, FirmCard>, id: &str) -> FirmCard {
    cards.get(id).cloned().unwrap_or_else(|| FirmCard {
        id: id.to_string(),
        name: id.to_string(),
        province: String::new(),
        regency: String::new(),
    })
}

/// A firm's agenda at the forum (organizers, or the firm itself): JSON, CSV, or an
/// iCalendar file (`format=ics`) with partner, table and the reasons to meet.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Forum id"),
        ("firm_id" = String, Path, description = "Firm id"),
        FormatQuery,
    ),
    responses(
        (status = 200, description = "The agenda", content(
            (Agenda = "application/json"),
            (String = "text/csv"),
            (String = "text/calendar"),
        )),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/events/{id}/agenda/{firm_id}")]
pub async fn agenda(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    format: QueryParams<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, firm) = path.into_inner();
    let firm = FirmId::parse(&firm).map_err(|_| ApiError::NotFound {
        what: "firm",
        id: firm.clone(),
    })?;
    caller.require_firm(&firm)?;
    let format = format.0.pick("json", &["json", "csv", "ics"])?;
    let id = event_id(&id)?;
    let event = load_event(&state, &id).await?;
    let plan = load_schedule(&state, &id).await?;
    let store = state.store.clone();
    let key = id.clone();
    let fid = firm.clone();
    if web::block(move || store.participant(&key, &fid))
        .await??
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
        let store = state.store.clone();
        let key = firm.to_string();
        if let Some(f) = web::block(move || store.get_firm(&key)).await?? {
            cards.insert(
                firm.to_string(),
                FirmCard {
                    id: firm.to_string(),
                    name: f.profile.name,
                    province: f.profile.province.to_string(),
                    regency: f.profile.regency_name,
                },
            );
        }
    }
    let own = card_of(&cards, firm.as_str());
    let agenda = forum::agenda(&event, &plan, &own, &|id| card_of(&cards, id));
    let file = format!("agenda-{}-{}", event.id, firm);
    Ok(match format.as_str() {
        "csv" => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}.csv\""),
            ))
            .body(forum::agenda_csv(&agenda).map_err(anyhow::Error::from)?),
        "ics" => HttpResponse::Ok()
            .content_type("text/calendar; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}.ics\""),
            ))
            .body(forum::agenda_ics(&event, &agenda)),
        _ => HttpResponse::Ok().json(agenda),
    })
}

/// The organizer's grid of the timetable, slots × tables: CSV, or a printable HTML page
/// (A4 landscape) with `format=html`.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id"), FormatQuery),
    responses(
        (status = 200, description = "The grid", content(
            (String = "text/csv"),
            (String = "text/html"),
        )),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/events/{id}/schedule/grid")]
pub async fn grid(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    format: QueryParams<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let format = format.0.pick("csv", &["csv", "html"])?;
    let id = event_id(&id)?;
    let event = load_event(&state, &id).await?;
    let plan = load_schedule(&state, &id).await?;
    let cards = cards(&state, &plan).await?;
    let card = |id: &str| card_of(&cards, id);
    Ok(if format == "html" {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(forum::grid_html(&event, &plan, &card))
    } else {
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"grid-{}.csv\"", event.id),
            ))
            .body(forum::grid_csv(&event, &plan, &card).map_err(anyhow::Error::from)?)
    })
}
