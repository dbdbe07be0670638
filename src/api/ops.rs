//! Operations: `GET /metrics` (Prometheus text format) for a scraper, and `GET /v1/status`
//! (version, data folder, counts, disk use) for the organizer console.

use super::auth::{self, Caller};
use super::error::{ApiError, Problems};
use super::metrics::{Gauges, Metrics, TEXT_FORMAT};
use super::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;
use utoipa::ToSchema;

/// What the operations endpoints know about the running server.
pub struct Operations {
    pub metrics: std::sync::Arc<Metrics>,
    /// Serve `/metrics` without a token (`MITRA_PUBLIC_METRICS`).
    pub public_metrics: bool,
    /// The data folder, made absolute (not resolved: it is shown as configured).
    pub data_dir: PathBuf,
    pub started_at: DateTime<Utc>,
    started: Instant,
    /// The last readiness check and when it ran: `/readyz` is anonymous, so it answers
    /// from this for about a second instead of touching the store on every call.
    pub readiness: std::sync::Mutex<Option<(Instant, Result<(), String>)>>,
}

impl Operations {
    pub fn new(data_dir: &Path, public_metrics: bool) -> anyhow::Result<Operations> {
        Ok(Operations {
            metrics: std::sync::Arc::new(Metrics::new()?),
            public_metrics,
            data_dir: std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf()),
            started_at: Utc::now(),
            started: Instant::now(),
            readiness: std::sync::Mutex::new(None),
        })
    }

    pub fn uptime(&self) -> std::time::Duration {
        self.started.elapsed()
    }
}

/// Counts and disk use, read off the async workers.
async fn gauges(state: &web::Data<AppState>) -> Result<Gauges, ApiError> {
    let worker = state.clone();
    let mut gauges = web::block(move || -> Result<Gauges, ApiError> {
        let dir = &worker.ops.data_dir;
        Ok(Gauges {
            counts: worker.store.counts()?,
            store_bytes: worker.store.size_on_disk()?,
            // Not knowing the filesystem's size is no reason to fail a status page.
            filesystem_total_bytes: fs2::total_space(dir).ok(),
            filesystem_available_bytes: fs2::available_space(dir).ok(),
            uptime_seconds: 0.0,
        })
    })
    .await??;
    gauges.uptime_seconds = state.ops.uptime().as_secs_f64();
    Ok(gauges)
}

/// Metrics in the Prometheus text format: requests and latencies per route pattern, solver
/// and ranking durations, store counts and size, disk space, build and uptime. Needs an
/// organizer token (a scraper sends it as a bearer token) unless the operator set
/// `MITRA_PUBLIC_METRICS=true`.
#[utoipa::path(
    tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Prometheus text exposition format 0.0.4", body = String, content_type = "text/plain",
         example = "mitra_http_requests_total{method=\"GET\",route=\"/v1/firms/{id}\",status=\"200\"} 42\n"),
        Problems<401, 403>,
    )
)]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if !state.ops.public_metrics {
        auth::resolve(&req).await?.require_organizer()?;
    }
    let gauges = gauges(&state).await?;
    let text = state
        .ops
        .metrics
        .render(&gauges)
        .map_err(|e| anyhow::anyhow!("rendering the metrics: {e}"))?;
    Ok(HttpResponse::Ok().content_type(TEXT_FORMAT).body(text))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FirmsByProvince {
    #[serde(rename = "NTB")]
    pub ntb: u64,
    #[serde(rename = "JATIM")]
    pub jatim: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCounts {
    pub firms: u64,
    pub firms_by_province: FirmsByProvince,
    /// Forums.
    pub events: u64,
    /// Firms registered to forums (a firm in two forums counts twice).
    pub participants: u64,
    pub meeting_requests: u64,
    /// Forums with a stored timetable.
    pub schedules: u64,
    /// Recorded meeting outcomes.
    pub outcomes: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiskUse {
    /// What the sled store takes on disk (often several times the data: see the README).
    pub store_bytes: u64,
    /// Size of the filesystem of the data folder; null when it cannot be measured.
    pub filesystem_total_bytes: Option<u64>,
    /// Bytes still available to mitra there; null when it cannot be measured.
    pub filesystem_available_bytes: Option<u64>,
}

/// The running server: build, data folder, uptime, what the store holds, and disk use.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "version": "0.1.0",
    "schema_version": 1,
    "data_dir": "/var/lib/mitra",
    "started_at": "2026-12-09T23:00:00Z",
    "uptime_seconds": 86400,
    "counts": {
        "firms": 3000,
        "firms_by_province": {"NTB": 1250, "JATIM": 1750},
        "events": 2,
        "participants": 180,
        "meeting_requests": 412,
        "schedules": 1,
        "outcomes": 96
    },
    "disk": {
        "store_bytes": 48234496,
        "filesystem_total_bytes": 53660876800_u64,
        "filesystem_available_bytes": 31138512896_u64
    }
}))]
pub struct StatusReport {
    /// Version of the running mitra build.
    pub version: &'static str,
    /// Layout version of the store in the data folder.
    pub schema_version: u32,
    pub data_dir: String,
    pub started_at: DateTime<Utc>,
    pub uptime_seconds: u64,
    pub counts: StatusCounts,
    pub disk: DiskUse,
}

/// The server's status for the organizer console (organizers): version, data folder,
/// uptime, counts of firms (by province), forums, participants, requests, timetables and
/// outcomes, and the disk the store takes and has left.
#[utoipa::path(
    tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, body = StatusReport),
        Problems<401, 403>,
    )
)]
#[get("/status")]
pub async fn status(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let gauges = gauges(&state).await?;
    let store = state.store.clone();
    let schema_version = web::block(move || store.schema_version()).await??;
    let c = gauges.counts;
    Ok(HttpResponse::Ok().json(StatusReport {
        version: env!("CARGO_PKG_VERSION"),
        schema_version,
        data_dir: state.ops.data_dir.display().to_string(),
        started_at: state.ops.started_at,
        uptime_seconds: state.ops.uptime().as_secs(),
        counts: StatusCounts {
            firms: c.firms(),
            firms_by_province: FirmsByProvince {
                ntb: c.firms_ntb,
                jatim: c.firms_jatim,
            },
            events: c.events,
            participants: c.participants,
            meeting_requests: c.meeting_requests,
            schedules: c.schedules,
            outcomes: c.outcomes,
        },
        disk: DiskUse {
            store_bytes: gauges.store_bytes,
            filesystem_total_bytes: gauges.filesystem_total_bytes,
            filesystem_available_bytes: gauges.filesystem_available_bytes,
        },
    }))
}

/// A backup of the whole store while the server runs (organizers): the JSON Lines file of
/// `mitra export`, one consistent state (writes wait while it is taken), to restore with
/// `mitra import` into an empty data folder. It holds contacts and token hashes: keep it
/// private.
#[utoipa::path(
    tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The backup, JSON Lines: a header line, then one record per line",
         content((String = "application/x-ndjson"))),
        Problems<401, 403>,
    )
)]
#[get("/backup")]
pub async fn backup(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let store = state.store.clone();
    let bytes = web::block(move || -> anyhow::Result<Vec<u8>> {
        let mut out = Vec::new();
        crate::app::backup::export(&store, None, &mut out)?;
        Ok(out)
    })
    .await??;
    let name = format!(
        "mitra-backup-{}.jsonl",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
    );
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}
