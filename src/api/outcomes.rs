//! What the meetings led to: recording outcomes, the forum's trade report, and the
//! labelled pairs that outcomes give for evaluating the matching.

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::events::{event_id, load_event};
use super::extract::{FormatQuery, JsonBody, QueryParams};
use super::schedule::{load_schedule, meeting_firms};
use super::AppState;
use crate::domain::outcome::{Outcome, OutcomeInput};
use crate::domain::EventId;
use crate::report::{self, FirmFacts, ForumReport};
use crate::schedule::forum::ForumSchedule;
use crate::store::StoreError;
use actix_web::http::header;
use actix_web::{get, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// Checks the meeting exists and the caller may speak for it (organizers, or one of its two
/// firms); returns who records.
async fn meeting_access(
    state: &AppState,
    caller: &Caller,
    id: &EventId,
    meeting: &str,
) -> Result<String, ApiError> {
    let plan = load_schedule(state, id).await?;
    let m = plan
        .meetings
        .iter()
        .find(|m| m.id == meeting)
        .ok_or_else(|| ApiError::NotFound {
            what: "meeting",
            id: meeting.to_string(),
        })?;
    match caller {
        Caller::Organizer => Ok("organizer".into()),
        Caller::Firm(own) if own.as_str() == m.a || own.as_str() == m.b => Ok(own.to_string()),
        Caller::Firm(_) => Err(ApiError::Forbidden(
            "only the two firms of a meeting may record its outcome".into(),
        )),
        Caller::Anonymous => Err(ApiError::Unauthorized),
    }
}

async fn record(
    state: &AppState,
    caller: &Caller,
    path: (String, String),
    input: OutcomeInput,
) -> Result<HttpResponse, ApiError> {
    let (id, meeting) = path;
    let id = event_id(&id)?;
    let by = meeting_access(state, caller, &id, &meeting).await?;
    let outcome = input
        .parse(&meeting, &by, chrono::Utc::now(), 0)
        .map_err(ApiError::from_fields)?;
    let store = state.store.clone();
    let expected = input.version;
    let stored = web::block(move || store.put_outcome(&id, outcome, expected))
        .await?
        .map_err(|e| match e {
            StoreError::VersionMismatch {
                expected, current, ..
            } => ApiError::Conflict(format!(
                "the outcome is at version {current}, not {expected}: read it again and retry"
            )),
            other => other.into(),
        })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", stored.version)))
        .json(stored))
}

/// Record what a meeting led to (organizers, or either firm of the meeting): held,
/// no-show (which side) or cancelled; each side's interest; deals and letters of intent
/// with product, volume, value in rupiah and direction. Send `version` to replace safely.
#[utoipa::path(
    tag = "outcomes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id"), ("meeting_id" = String, Path, description = "Meeting id from the timetable (`firm-a~firm-b`)")),
    request_body(content = OutcomeInput, content_type = "application/json"),
    responses(
        (status = 200, body = Outcome),
        Problems<400, 401, 403, 404, 409, 413, 415, 422>,
    )
)]
#[post("/events/{id}/meetings/{meeting_id}/outcome")]
pub async fn record_outcome(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: JsonBody<OutcomeInput>,
) -> Result<HttpResponse, ApiError> {
    record(&state, &caller, path.into_inner(), body.0).await
}

/// Replace a meeting's outcome (same rules as POST).
#[utoipa::path(
    tag = "outcomes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id"), ("meeting_id" = String, Path, description = "Meeting id")),
    request_body(content = OutcomeInput, content_type = "application/json"),
    responses(
        (status = 200, body = Outcome),
        Problems<400, 401, 403, 404, 409, 413, 415, 422>,
    )
)]
#[put("/events/{id}/meetings/{meeting_id}/outcome")]
pub async fn replace_outcome(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: JsonBody<OutcomeInput>,
) -> Result<HttpResponse, ApiError> {
    record(&state, &caller, path.into_inner(), body.0).await
}

/// A meeting's recorded outcome.
#[utoipa::path(
    tag = "outcomes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id"), ("meeting_id" = String, Path, description = "Meeting id")),
    responses(
        (status = 200, body = Outcome),
        Problems<401, 403, 404>,
    )
)]
#[get("/events/{id}/meetings/{meeting_id}/outcome")]
pub async fn get_outcome(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, meeting) = path.into_inner();
    let id = event_id(&id)?;
    meeting_access(&state, &caller, &id, &meeting).await?;
    let store = state.store.clone();
    let key = meeting.clone();
    let outcome = web::block(move || store.outcome(&id, &key))
        .await??
        .ok_or_else(|| ApiError::NotFound {
            what: "outcome of meeting",
            id: meeting.clone(),
        })?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// Every recorded outcome of the forum (organizers), in meeting-id order: one call for a
/// page listing the timetable with what each meeting led to. Meetings without an outcome
/// are simply absent.
#[utoipa::path(
    tag = "outcomes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id")),
    responses(
        (status = 200, body = Vec<Outcome>),
        Problems<401, 403, 404>,
    )
)]
#[get("/events/{id}/outcomes")]
pub async fn list_outcomes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let id = event_id(&id)?;
    load_event(&state, &id).await?;
    let store = state.store.clone();
    let mut outcomes = web::block(move || store.outcomes(&id)).await??;
    outcomes.sort_by(|a, b| a.meeting_id.cmp(&b.meeting_id));
    Ok(HttpResponse::Ok().json(outcomes))
}

async fn facts_and_outcomes(
    state: &AppState,
    id: &EventId,
    plan: &ForumSchedule,
) -> Result<(Vec<Outcome>, HashMap<String, FirmFacts>), ApiError> {
    let facts = meeting_firms(state, plan)
        .await?
        .into_iter()
        .map(|(firm_id, f)| {
            let facts = FirmFacts {
                kbli: f.profile.kbli.first().cloned().unwrap_or_default(),
                name: f.profile.name,
                province: f.profile.province,
                regency: f.profile.regency,
                regency_name: f.profile.regency_name,
            };
            (firm_id, facts)
        })
        .collect();
    let store = state.store.clone();
    let key = id.clone();
    let outcomes = web::block(move || store.outcomes(&key)).await??;
    Ok((outcomes, facts))
}

/// The forum's trade result (organizers): meetings planned and held, no-show rate, deals
/// and trade value by direction, sector and kabupaten/kota, the share of firms with a deal,
/// and the deal rate by match score. JSON, CSV, or an HTML page with charts.
#[utoipa::path(
    tag = "outcomes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id"), FormatQuery),
    responses(
        (status = 200, description = "The report", content(
            (ForumReport = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
        )),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/events/{id}/report")]
pub async fn forum_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    format: QueryParams<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let format = format.0.pick("json", &["json", "csv", "html"])?;
    let id = event_id(&id)?;
    let event = load_event(&state, &id).await?;
    let plan = load_schedule(&state, &id).await?;
    let (outcomes, facts) = facts_and_outcomes(&state, &id, &plan).await?;
    let result = report::forum_report(&plan, &outcomes, &facts, state.reference);
    Ok(match format.as_str() {
        "csv" => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"report-{id}.csv\""),
            ))
            .body(report::report_csv(&result).map_err(anyhow::Error::from)?),
        "html" => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(report::report_html(&result, &event.name)),
        _ => HttpResponse::Ok().json(result),
    })
}

/// A labelled pair: two firms and how relevant their meeting proved (0–3).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"a": "kopi-sembalun", "b": "kafe-nusantara", "grade": 3}))]
pub struct LabelledPair {
    pub a: String,
    pub b: String,
    /// 3 deal or letter of intent, 2 high interest, 1 low interest, 0 none.
    pub grade: u8,
}

/// Labelled pairs from the recorded outcomes, for `mitra evaluate` and `mitra tune`
/// (organizers): a deal is 3, high interest 2, low interest 1, a held meeting without
/// interest 0; meetings that were not held are left out. CSV `firm_a,firm_b,grade` or JSON.
#[utoipa::path(
    tag = "outcomes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id"), FormatQuery),
    responses(
        (status = 200, description = "The labels", content(
            (Vec<LabelledPair> = "application/json"),
            (String = "text/csv"),
        )),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/events/{id}/labels")]
pub async fn labels(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    format: QueryParams<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let format = format.0.pick("csv", &["csv", "json"])?;
    let id = event_id(&id)?;
    let plan = load_schedule(&state, &id).await?;
    let store = state.store.clone();
    let key = id.clone();
    let outcomes = web::block(move || store.outcomes(&key)).await??;
    let by_meeting: HashMap<&str, &Outcome> = outcomes
        .iter()
        .map(|o| (o.meeting_id.as_str(), o))
        .collect();
    let pairs: Vec<LabelledPair> = plan
        .meetings
        .iter()
        .filter_map(|m| {
            let grade = by_meeting.get(m.id.as_str())?.grade()?;
            Some(LabelledPair {
                a: m.a.clone(),
                b: m.b.clone(),
                grade,
            })
        })
        .collect();
    if format == "json" {
        return Ok(HttpResponse::Ok().json(pairs));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["firm_a", "firm_b", "grade"])
        .map_err(anyhow::Error::from)?;
    for p in &pairs {
        w.write_record([p.a.as_str(), p.b.as_str(), &p.grade.to_string()])
            .map_err(anyhow::Error::from)?;
    }
    let body = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"labels-{id}.csv\""),
        ))
        .body(body))
}
