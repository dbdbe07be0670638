//! Agendas by e-mail: an organizer starts a sending job for a forum and follows it. Only
//! on a server with `MITRA_SMTP_URL`; elsewhere the answer is 501 `not_configured`.

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::events::event_id;
use super::extract::QueryParams;
use super::schedule::{message_language, MessagesQuery};
use super::AppState;
use crate::app::mail::{self, MailJob};
use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

/// Send every participant of the forum its agenda by e-mail (organizers): the agenda as
/// text (as `agenda/{firm_id}?format=txt`, `lang=id` or `en`) with its `.ics` file
/// attached, to the firm's stored address. Answers 202 at once with the job (its
/// `Location`); the messages go out in the background, each retried up to 3 times with a
/// growing wait when the mail server fails for a while. Firms without an address are
/// `skipped`. One job per forum at a time (409 while one sends). 501 `not_configured`
/// when the server has no `MITRA_SMTP_URL`; 404 without a timetable.
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"),
        MessagesQuery,
    ),
    responses(
        (status = 202, description = "The job, as it starts", body = MailJob,
         headers(("Location" = String, description = "Where to follow the job"))),
        Problems<401, 403, 404, 409, 422, 501>,
    )
)]
#[post("/events/{id}/agenda-emails")]
pub async fn send_agenda_emails(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: QueryParams<MessagesQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let id = event_id(&id)?;
    let mailer = state
        .mailer
        .clone()
        .ok_or_else(|| ApiError::from(mail::not_configured()))?;
    let language = message_language(query.0.lang);
    let key = id.clone();
    let job = state
        .call(move |app| mailer.start(app, &key, language))
        .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((
            header::LOCATION,
            format!("/v1/events/{}/agenda-emails/{}", id, job.id),
        ))
        .json(job))
}

/// Whether this server sends e-mail, and a forum's e-mail jobs.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AgendaMailJobs)]
pub struct MailJobs {
    /// Whether the server has SMTP (`MITRA_SMTP_URL`): without it, sending answers 501.
    pub configured: bool,
    /// The forum's jobs since the server started, the newest first.
    pub jobs: Vec<MailJob>,
}

/// Whether agendas can be sent by e-mail from this server, and the forum's e-mail jobs
/// since the server started, the newest first (organizers).
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
    responses(
        (status = 200, body = MailJobs),
        Problems<401, 403, 404>,
    )
)]
#[get("/events/{id}/agenda-emails")]
pub async fn list_agenda_emails(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let id = super::events::load_forum(&state, &id).await?.id;
    Ok(HttpResponse::Ok().json(MailJobs {
        configured: state.mailer.is_some(),
        jobs: state
            .mailer
            .as_ref()
            .map(|m| m.jobs_of(&id))
            .unwrap_or_default(),
    }))
}

/// One e-mail job: progress (`counts`, `done`) and each firm's status (`queued`, `sent`,
/// `failed` with the error, `skipped` without an address) (organizers).
#[utoipa::path(
    tag = "schedule",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"),
        ("job_id" = String, Path, description = "The job's id", example = "0b5c2c0e-3f0a-4a57-9d3e-8f4b2a1c9e77"),
    ),
    responses(
        (status = 200, body = MailJob),
        Problems<401, 403, 404, 501>,
    )
)]
#[get("/events/{id}/agenda-emails/{job_id}")]
pub async fn agenda_email_job(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let (id, job_id) = path.into_inner();
    let id = event_id(&id)?;
    let mailer = state
        .mailer
        .clone()
        .ok_or_else(|| ApiError::from(mail::not_configured()))?;
    let job = mailer.job(&id, &job_id).ok_or(ApiError::NotFound {
        what: "e-mail job",
        id: job_id,
    })?;
    Ok(HttpResponse::Ok().json(job))
}
