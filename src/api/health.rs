//! Liveness and readiness probes.

use super::error::{ApiError, Problems};
use super::AppState;
use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the store answers reads and its disk has room for writes. The probe writes
/// nothing; its result is kept about a second, so calling it often costs nothing.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, body = Health, example = json!({"status": "ready"})),
        Problems<503>,
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let cached = state
        .ops
        .readiness
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
        .filter(|(at, _)| at.elapsed() < READY_CACHE)
        .map(|(_, result)| result.clone());
    let result = match cached {
        Some(result) => result,
        None => {
            let store = state.store.clone();
            let dir = state.ops.data_dir.clone();
            let result = web::block(move || store.check_ready(&dir)).await?;
            *state
                .ops
                .readiness
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                Some((std::time::Instant::now(), result.clone()));
            result
        }
    };
    result.map_err(|e| ApiError::StorageUnavailable(format!("not ready: {e}")))?;
    Ok(HttpResponse::Ok().json(Health { status: "ready" }))
}

/// How long a readiness result is reused.
const READY_CACHE: std::time::Duration = std::time::Duration::from_secs(1);
