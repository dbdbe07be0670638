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

/// Readiness: the store is open and accepts (flushed) writes.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, body = Health, example = json!({"status": "ready"})),
        Problems<503>,
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    web::block(move || store.check_writable())
        .await?
        .map_err(|e| ApiError::StorageUnavailable(format!("the store is not writable: {e}")))?;
    Ok(HttpResponse::Ok().json(Health { status: "ready" }))
}
