//! Who the token belongs to, so a client (the console) can show the right pages.

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::AppState;
use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Organizer,
    Firm,
}

/// The caller of a request: an organizer, or a firm with its id and name.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"role": "firm", "firm_id": "kopi-sembalun", "name": "CV Kopi Sembalun Rinjani"}))]
pub struct Me {
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firm_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The role of the bearer token: organizer, or firm (with the firm's id and name).
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Me),
        Problems<401>,
    )
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let me = match caller {
        Caller::Firm(id) => Me {
            role: Role::Firm,
            name: state
                .matcher()
                .get(&id)
                .map(|firm| firm.profile.name().to_string()),
            firm_id: Some(id.to_string()),
        },
        Caller::Organizer => Me {
            role: Role::Organizer,
            firm_id: None,
            name: None,
        },
        Caller::Anonymous => return Err(ApiError::Unauthorized),
    };
    Ok(HttpResponse::Ok().json(me))
}
