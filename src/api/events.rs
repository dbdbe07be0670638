//! Forum endpoints: the forum itself, its participants and their meeting requests.

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::extract::JsonBody;
use super::AppState;
use crate::domain::event::{
    Event, EventInput, MeetingRequest, MeetingRequestInput, Participant, ParticipantInput,
    RequestStatus, Slot,
};
use crate::domain::{EventId, FirmId, RequestId};
use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A forum with the slots its sessions are cut into.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    #[serde(flatten)]
    pub event: Event,
    pub slots: Vec<Slot>,
    /// Whether a timetable has been generated (`GET …/schedule` answers it).
    pub has_schedule: bool,
    /// For a firm: whether it is registered for this forum (its roster and timetable are
    /// for its participants). Absent for organizers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<bool>,
}

impl EventView {
    pub fn new(event: Event, has_schedule: bool) -> EventView {
        EventView {
            slots: event.slots(),
            event,
            has_schedule,
            registered: None,
        }
    }

    /// The view as `caller` sees it: a firm learns whether it is registered.
    fn for_caller(
        mut self,
        store: &crate::store::Store,
        caller: &Caller,
    ) -> Result<EventView, crate::store::StoreError> {
        if let Caller::Firm(firm) = caller {
            self.registered = Some(store.participant(&self.event.id, firm)?.is_some());
        }
        Ok(self)
    }
}

pub fn event_id(raw: &str) -> Result<EventId, ApiError> {
    EventId::parse(raw).map_err(|_| ApiError::NotFound {
        what: "event",
        id: raw.to_string(),
    })
}

fn firm_id(raw: &str) -> Result<FirmId, ApiError> {
    FirmId::parse(raw).map_err(|_| ApiError::NotFound {
        what: "firm",
        id: raw.to_string(),
    })
}

/// Loads a forum or answers 404.
pub async fn load_event(state: &AppState, id: &EventId) -> Result<Event, ApiError> {
    let key = id.to_string();
    state
        .with_store(move |store| store.get_event(&key))
        .await?
        .ok_or_else(|| ApiError::NotFound {
            what: "event",
            id: id.to_string(),
        })
}

/// Loads the forum a path names, or answers 404 (a malformed id is an unknown one).
pub async fn load_forum(state: &AppState, raw: &str) -> Result<Event, ApiError> {
    load_event(state, &event_id(raw)?).await
}

/// Create a forum (organizers): days with sessions, slot length, break, tables.
/// The answer lists the slots the sessions are cut into.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    request_body(content = EventInput, content_type = "application/json"),
    responses(
        (status = 201, body = EventView, headers(("Location" = String))),
        Problems<400, 401, 403, 409, 413, 415, 422>,
    )
)]
#[post("/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<EventInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let spec = body.0.parse().map_err(ApiError::from_fields)?;
    let now = chrono::Utc::now();
    let id = spec
        .id
        .clone()
        .unwrap_or_else(|| EventId::generate(now.timestamp_millis().max(0) as u64, rand::random()));
    let event = spec.into_event(id, now);
    let event = state
        .with_store(move |store| store.create_event(event))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/events/{}", event.id)))
        .json(EventView::new(event, false)))
}

/// All forums.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<EventView>),
        Problems<401>,
    )
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let views = state
        .with_store(move |store| {
            let mut views = Vec::new();
            for event in store.events()? {
                let scheduled = store.has_schedule(&event.id)?;
                views.push(EventView::new(event, scheduled).for_caller(store, &caller)?);
            }
            Ok::<_, crate::store::StoreError>(views)
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

/// One forum with its slots.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
    responses(
        (status = 200, body = EventView),
        Problems<401, 404>,
    )
)]
#[get("/events/{id}")]
pub async fn get_event(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let event = load_forum(&state, &id).await?;
    let view = state
        .with_store(move |store| {
            let scheduled = store.has_schedule(&event.id)?;
            EventView::new(event, scheduled).for_caller(store, &caller)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a forum with its participants, requests and schedule (organizers).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
    responses(
        (status = 204, description = "Deleted"),
        Problems<401, 403, 404>,
    )
)]
#[delete("/events/{id}")]
pub async fn delete_event(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let id = event_id(&id)?;
    state
        .with_store(move |store| store.delete_event(&id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One registration, or a list registered together (all or none).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Registration {
    Many(Vec<ParticipantInput>),
    One(Box<ParticipantInput>),
}

/// The answer to a registration: the participant, or the list when a list was sent.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Registered {
    Many(Vec<Participant>),
    One(Box<Participant>),
}

/// `?sheet=` of a registration sent as a workbook.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationQuery {
    /// For an .xlsx workbook: the sheet to read (by default the first).
    pub sheet: Option<String>,
}

/// Register a firm for the forum, or change its registration (organizers, or the firm
/// itself): unavailable slots or times, a meeting cap, and whether it hosts a table.
/// Organizers may send a list to register many firms at once (all or none; errors carry
/// the position as `line`, 1-based), or a sheet: CSV (`text/csv`) or an .xlsx workbook (its
/// first sheet, or `?sheet=`), one firm per row with the columns `firm_id` (id_firma),
/// `max_meetings` (maks_pertemuan), `host` (tuan_rumah: ya/tidak) and `unavailable_times`
/// (tidak_tersedia: `2026-12-10T13:30/2026-12-10T14:30`, `;`-separated); other columns are
/// ignored. A sheet is all or nothing too: each bad row is named by its `line` (the
/// sheet's row number) and field, and in a workbook by `params.sheet`, `params.column`
/// and `params.cell`; a firm that does not exist is such a row.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"), RegistrationQuery),
    request_body(
        description = "One registration or a list of them (JSON), or a participant sheet (CSV or .xlsx).",
        content(
            (Registration = "application/json",
             example = json!([{"firm_id": "kopi-sembalun", "max_meetings": 8},
                              {"firm_id": "jatim-plastik-arema-0707"},
                              {"firm_id": "jatim-plastik-blitar-0297", "max_meetings": 6}])),
            (String = "text/csv", example = "firm_id,nama,maks_pertemuan,tuan_rumah,tidak_tersedia\nkopi-sembalun,CV Kopi Sembalun,8,tidak,2026-12-10T13:30/2026-12-10T14:30\njatim-plastik-arema-0707,CV Kemasan Arema Abadi,,ya,\n"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    ),
    responses(
        (status = 201, description = "The registration (or the list of them)", body = Registered),
        Problems<400, 401, 403, 404, 413, 415, 422>,
    )
)]
#[post("/events/{id}/participants")]
pub async fn add_participant(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
    query: super::extract::QueryParams<RegistrationQuery>,
) -> Result<HttpResponse, ApiError> {
    use super::extract::{is_json, media_type, read_body};
    let media = media_type(&req).unwrap_or_default();
    let sheet = match media.as_str() {
        "text/csv" | "application/csv" => Some(false),
        crate::app::xlsx::MEDIA_TYPE => Some(true),
        m if is_json(m) => None,
        _ => {
            return Err(ApiError::UnsupportedMediaType {
                given: if media.is_empty() {
                    "(none)".into()
                } else {
                    media
                },
                expected: "application/json, text/csv or an .xlsx workbook",
            })
        }
    };
    if let Some(workbook) = sheet {
        // A sheet registers many firms: organizers only, checked before the body is read.
        caller.require_organizer()?;
        let body = read_body(&req, payload.into_inner(), super::import::IMPORT_LIMIT).await?;
        return register_sheet(&state, &id, body, workbook, query.0.sheet).await;
    }
    let body = read_body(&req, payload.into_inner(), super::extract::JSON_LIMIT).await?;
    let body = super::extract::parse_write::<serde_json::Value>(&body)?;
    // One registration or a list: each read strictly (an untagged enum would drop an
    // unknown field unseen).
    let body = super::extract::parse_write::<Registration>(body.to_string().as_bytes()).and_then(
        |_| match &body {
            serde_json::Value::Array(_) => {
                super::extract::parse_write::<Vec<ParticipantInput>>(body.to_string().as_bytes())
                    .map(Registration::Many)
            }
            _ => super::extract::parse_write::<ParticipantInput>(body.to_string().as_bytes())
                .map(|one| Registration::One(Box::new(one))),
        },
    )?;
    caller.require_signed_in()?;
    let event = load_forum(&state, &id).await?;
    let now = chrono::Utc::now();
    let (inputs, single) = match body {
        Registration::One(input) => (vec![*input], true),
        Registration::Many(list) => (list, false),
    };
    if !single {
        caller.require_organizer()?;
    }
    let mut problems = Vec::new();
    let mut participants = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        match input.parse(&event, now) {
            Ok(p) => participants.push(p),
            Err(errors) => {
                problems.extend(errors.into_iter().map(|e| super::error::ProblemField {
                    line: (!single).then_some(i as u64 + 1),
                    ..e.into()
                }))
            }
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    if let Some(p) = participants.first().filter(|_| single) {
        caller.require_firm(&p.firm_id)?;
    }
    // A host keeps a table for the whole forum: the organizers decide who does.
    if participants.iter().any(|p| p.host) {
        caller
            .require_organizer()
            .map_err(|_| ApiError::Forbidden("only organizers may make a firm a host".into()))?;
    }
    let stored = state
        .with_store(move |store| store.put_participants(&event.id, participants))
        .await?;
    let answer = match (single, stored) {
        (true, mut one) => Registered::One(Box::new(one.remove(0))),
        (false, many) => Registered::Many(many),
    };
    Ok(HttpResponse::Created().json(answer))
}

/// The forum's participants (its organizers, or a firm registered for it).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
    responses(
        (status = 200, body = Vec<Participant>),
        Problems<401, 403, 404>,
    )
)]
#[get("/events/{id}/participants")]
pub async fn list_participants(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let id = load_forum(&state, &id).await?.id;
    require_forum_member(&state, &caller, &id).await?;
    let participants = state
        .with_store(move |store| store.participants(&id))
        .await?;
    Ok(HttpResponse::Ok().json(participants))
}

/// Withdraw a firm from the forum (organizers, or the firm itself). Repair the schedule
/// afterwards to refill its slots.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"),
        ("firm_id" = String, Path, description = "Firm id", example = "kopi-sembalun"),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        Problems<401, 403, 404>,
    )
)]
#[delete("/events/{id}/participants/{firm_id}")]
pub async fn remove_participant(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, firm) = path.into_inner();
    let (id, firm) = (event_id(&id)?, firm_id(&firm)?);
    caller.require_firm(&firm)?;
    state
        .with_store(move |store| store.remove_participant(&id, &firm))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ask to meet another participant (organizers, or the requesting firm itself).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
    request_body(content = MeetingRequestInput, content_type = "application/json"),
    responses(
        (status = 201, body = MeetingRequest),
        Problems<400, 401, 403, 404, 409, 413, 415, 422>,
    )
)]
#[post("/events/{id}/requests")]
pub async fn create_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<MeetingRequestInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let id = event_id(&id)?;
    let now = chrono::Utc::now();
    let request_id = RequestId::generate(now.timestamp_millis().max(0) as u64, rand::random());
    let request = body
        .0
        .parse(request_id, now)
        .map_err(ApiError::from_fields)?;
    caller.require_firm(&request.from)?;
    let request = state
        .with_store(move |store| store.add_request(&id, request))
        .await?;
    Ok(HttpResponse::Created().json(request))
}

/// Meeting requests of the forum: all for organizers, a firm's own (sent or received) for
/// a firm.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
    responses(
        (status = 200, body = Vec<MeetingRequest>),
        Problems<401, 404>,
    )
)]
#[get("/events/{id}/requests")]
pub async fn list_requests(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let id = load_forum(&state, &id).await?.id;
    let requests = state.with_store(move |store| store.requests(&id)).await?;
    let visible: Vec<MeetingRequest> = requests
        .into_iter()
        .filter(|r| caller.require_firm(&r.from).is_ok() || caller.require_firm(&r.to).is_ok())
        .collect();
    Ok(HttpResponse::Ok().json(visible))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Accept,
    Decline,
}

/// Accept or decline a request (organizers, or the firm it was sent to). An accepted
/// request is a mutual wish to meet and is scheduled first. A request is answered once,
/// while pending; a second answer is 409.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"),
        ("request_id" = String, Path, description = "Request id (the `id` of the created request)", example = "01kbc7w2m8r4q6t9vx3yz5a7b"),
        ("answer" = inline(Answer), Path, description = "accept or decline", example = "accept"),
    ),
    responses(
        (status = 200, body = MeetingRequest),
        Problems<401, 403, 404, 409>,
    )
)]
#[post("/events/{id}/requests/{request_id}/{answer}")]
pub async fn answer_request(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let (id, request_id, answer) = path.into_inner();
    let status = match answer.as_str() {
        "accept" => RequestStatus::Accepted,
        "decline" => RequestStatus::Declined,
        _ => {
            return Err(ApiError::NotFound {
                what: "route",
                id: format!("/v1/events/{id}/requests/{request_id}/{answer}"),
            })
        }
    };
    let id = event_id(&id)?;
    let request_id = RequestId::parse(&request_id).map_err(|_| ApiError::NotFound {
        what: "request",
        id: request_id.clone(),
    })?;
    let (event, rid) = (id.clone(), request_id.clone());
    let request = state
        .with_store(move |store| store.request(&event, &rid))
        .await?
        .ok_or_else(|| ApiError::NotFound {
            what: "request",
            id: request_id.to_string(),
        })?;
    caller.require_firm(&request.to)?;
    let now = chrono::Utc::now();
    let answered = state
        .with_store(move |store| store.answer_request(&id, &request_id, status, now))
        .await?;
    Ok(HttpResponse::Ok().json(answered))
}

/// Forum data that is not public (its participants, its timetable) is for its organizers
/// and for the firms registered for it; any other firm is refused (403).
pub async fn require_forum_member(
    state: &AppState,
    caller: &Caller,
    event: &EventId,
) -> Result<(), ApiError> {
    match caller {
        Caller::Organizer => Ok(()),
        Caller::Anonymous => Err(ApiError::Unauthorized),
        Caller::Firm(own) => {
            let (key, firm) = (event.clone(), own.clone());
            if state
                .with_store(move |store| store.participant(&key, &firm))
                .await?
                .is_some()
            {
                Ok(())
            } else {
                Err(ApiError::Forbidden(
                    "only the forum's organizers and participants may see this".into(),
                ))
            }
        }
    }
}

/// Registers the rows of a participant sheet (CSV, or a workbook's sheet).
async fn register_sheet(
    state: &AppState,
    id: &str,
    body: actix_web::web::Bytes,
    workbook: bool,
    sheet: Option<String>,
) -> Result<HttpResponse, ApiError> {
    use crate::app::{registration, xlsx};
    let id = event_id(id)?;
    let (rows, book) = web::block(move || -> Result<_, ApiError> {
        if workbook {
            let text = xlsx::read_sheet(&body, sheet.as_deref(), registration::column_of)
                .map_err(ApiError::MalformedXlsx)?;
            let mut rows = registration::read_csv(&text.csv)
                .map_err(|e| ApiError::MalformedXlsx(format!("sheet '{}': {e}", text.sheet)))?;
            for row in &mut rows {
                row.line = text.row_of_line.get(&row.line).copied().unwrap_or(0) as u64;
            }
            Ok((rows, Some((text.sheet, text.columns))))
        } else {
            Ok((
                registration::read_csv(&body).map_err(ApiError::MalformedCsv)?,
                None,
            ))
        }
    })
    .await??;
    let stored = state
        .call(move |app| registration::register(app, &id, rows))
        .await
        .map_err(|e| match (e, &book) {
            (ApiError::Invalid(fields), Some((sheet, columns))) => {
                ApiError::Invalid(super::import::locate_in_workbook(fields, sheet, |field| {
                    columns
                        .get(field.split(['.', '[']).next().unwrap_or(field))
                        .cloned()
                }))
            }
            (e, _) => e,
        })?;
    Ok(HttpResponse::Created().json(Registered::Many(stored)))
}
