//! What the meetings led to: recording outcomes, the forum's trade report, and the
//! labelled pairs that outcomes give for evaluating the matching.

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::events::{event_id, load_forum};
use super::extract::{JsonBody, QueryParams};
use super::AppState;
use crate::app;
use crate::domain::outcome::{Outcome, OutcomeInput};
use crate::domain::EventId;
use crate::report::{self, ForumReport};
use actix_web::http::header;
use actix_web::{get, post, put, web, HttpResponse};

/// Checks the meeting exists and the caller may speak for it (organizers, or one of its two
/// firms); returns who records.
async fn meeting_access(
    state: &AppState,
    caller: &Caller,
    id: &EventId,
    meeting: &str,
) -> Result<String, ApiError> {
    let (key, meeting_id) = (id.clone(), meeting.to_string());
    let m = state
        .call(move |app| app::outcomes::meeting(&app.store, &key, &meeting_id))
        .await?;
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
    let stored = state
        .call(move |app| app::outcomes::record(app, &id, &meeting, &by, &input))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", stored.version)))
        .json(stored))
}

/// Record what a meeting led to (organizers, or either firm of the meeting): held,
/// no-show (which side) or cancelled; each side's interest; deals and letters of intent
/// with product, volume, value in rupiah and direction. Send `version` to replace safely:
/// a firm must (0 for a first record; 422 without it, 409 when another change came
/// first). A firm records only its own side's interest (`interest_a` for the meeting's
/// first firm); the other side's stays as stored. Organizers may set `locked`, after
/// which the firms' writes are refused (409).
#[utoipa::path(
    tag = "outcomes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"), ("meeting_id" = String, Path, description = "Meeting id from the timetable (`firm-a~firm-b`)", example = "jatim-plastik-arema-0707~kopi-sembalun")),
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
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"), ("meeting_id" = String, Path, description = "Meeting id", example = "jatim-plastik-arema-0707~kopi-sembalun")),
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
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"), ("meeting_id" = String, Path, description = "Meeting id", example = "jatim-plastik-arema-0707~kopi-sembalun")),
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
    let key = meeting.clone();
    let outcome = state
        .with_store(move |store| store.outcome(&id, &key))
        .await?
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
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026")),
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
    let id = load_forum(&state, &id).await?.id;
    let mut outcomes = state.with_store(move |store| store.outcomes(&id)).await?;
    outcomes.sort_by(|a, b| a.meeting_id.cmp(&b.meeting_id));
    Ok(HttpResponse::Ok().json(outcomes))
}

crate::format_query!(
    /// `json` (default), `csv`, `html`, `svg` or `xlsx`.
    ReportQuery,
    ReportFormat {
        Json => "json",
        Csv => "csv",
        Html => "html",
        Svg => "svg",
        Xlsx => "xlsx",
    }
);

/// The forum's trade result (organizers): meetings planned and held, no-show rate, deals
/// and trade value by direction, sector and kabupaten/kota, the share of firms with a deal,
/// and the deal rate by match score. JSON, CSV, an HTML page with charts and the map, or the
/// map alone as SVG (`format=svg`: kab/kota of NTB and Jatim shaded by deal value, circles for
/// the firms in meetings, arrows for NTB → Jatim and Jatim → NTB), or an .xlsx workbook
/// (`format=xlsx`: the numbers and a sheet per breakdown, amounts as rupiah).
#[utoipa::path(
    tag = "outcomes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"), ReportQuery),
    responses(
        (status = 200, description = "The report", content(
            (ForumReport = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
            (String = "image/svg+xml"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/events/{id}/report")]
pub async fn forum_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    format: QueryParams<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let format = format.0.pick(ReportFormat::Json)?;
    let id = event_id(&id)?;
    let key = id.clone();
    let (event, result) = state
        .call(move |app| app::outcomes::report(app, &key))
        .await?;
    Ok(match format {
        ReportFormat::Csv => super::attachment(
            "text/csv; charset=utf-8",
            &format!("report-{id}.csv"),
            report::report_csv(&result).map_err(anyhow::Error::from)?,
        ),
        ReportFormat::Html => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, super::PRINTED_PAGE_CSP))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(report::report_html(&result, &event.name)),
        ReportFormat::Xlsx => super::attachment(
            crate::app::xlsx::MEDIA_TYPE,
            &format!("report-{id}.xlsx"),
            crate::app::xlsx::write_report(&result, &event.name)?,
        ),
        ReportFormat::Svg => HttpResponse::Ok()
            .content_type("image/svg+xml; charset=utf-8")
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(crate::report_map::map_svg(&result)),
        ReportFormat::Json => HttpResponse::Ok().json(result),
    })
}

pub use crate::app::outcomes::LabelledPair;

crate::format_query!(
    /// `csv` (default) or `json`.
    LabelsQuery,
    LabelsFormat {
        Csv => "csv",
        Json => "json",
    }
);

/// Labelled pairs from the recorded outcomes, for `mitra evaluate` and `mitra tune`
/// (organizers): a deal is 3, high interest 2, low interest 1, a held meeting without
/// interest 0; meetings that were not held are left out. CSV `firm_a,firm_b,grade` or JSON.
#[utoipa::path(
    tag = "outcomes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Forum id", example = "temu-bisnis-mataram-2026"), LabelsQuery),
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
    format: QueryParams<LabelsQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let format = format.0.pick(LabelsFormat::Csv)?;
    let id = event_id(&id)?;
    let key = id.clone();
    let pairs = state
        .call(move |app| app::outcomes::labels(&app.store, &key))
        .await?;
    if format == LabelsFormat::Json {
        return Ok(HttpResponse::Ok().json(pairs));
    }
    let body = app::outcomes::labels_csv(&pairs)?;
    Ok(super::attachment(
        "text/csv; charset=utf-8",
        &format!("labels-{id}.csv"),
        body,
    ))
}
