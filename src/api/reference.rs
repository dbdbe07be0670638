//! Reference tables for pickers: KBLI 2020, HS 2022, kab/kota of NTB and Jatim.

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::extract::QueryParams;
use super::AppState;
use crate::domain::reference::{HsEntry, KbliEntry, RegencyEntry};
use crate::domain::{FieldError, Province};
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

const MAX_REFERENCE_LIMIT: usize = 500;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Code prefix or words of the title/description (case-insensitive).
    pub q: Option<String>,
    /// At most this many entries (1–500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

impl SearchQuery {
    fn limit(&self) -> Result<usize, ApiError> {
        match self.limit {
            None => Ok(50),
            Some(n) if (1..=MAX_REFERENCE_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::from_fields(vec![FieldError::out_of_range(
                "limit",
                1,
                MAX_REFERENCE_LIMIT,
            )])),
        }
    }

    /// The words to look for and how many entries to answer at most.
    fn terms(&self) -> Result<(&str, usize), ApiError> {
        Ok((self.q.as_deref().unwrap_or(""), self.limit()?))
    }
}

/// KBLI 2020 codes (all levels) whose code starts with `q` or whose title contains it.
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, body = Vec<KbliEntry>),
        Problems<401, 422>,
    )
)]
#[get("/reference/kbli")]
pub async fn kbli(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let (q, limit) = query.0.terms()?;
    Ok(HttpResponse::Ok().json(state.reference.search_kbli(q, limit)))
}

/// HS 2022 codes (2, 4, 6 digits) whose code starts with `q` or whose description contains it.
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, body = Vec<HsEntry>),
        Problems<401, 422>,
    )
)]
#[get("/reference/hs")]
pub async fn hs(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let (q, limit) = query.0.terms()?;
    Ok(HttpResponse::Ok().json(state.reference.search_hs(q, limit)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegencyQuery {
    /// NTB or JATIM (52/35 and the full names also work); both provinces when absent.
    pub province: Option<String>,
}

/// The kabupaten/kota of NTB and/or Jawa Timur with their Kemendagri codes and centroids.
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    params(RegencyQuery),
    responses(
        (status = 200, body = Vec<RegencyEntry>),
        Problems<401, 422>,
    )
)]
#[get("/reference/regencies")]
pub async fn regencies(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<RegencyQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let province = query
        .0
        .province
        .map(|p| {
            p.parse::<Province>().map_err(|e| {
                ApiError::invalid(
                    FieldError::coded("province", "unknown_province", e).with("value", p.trim()),
                )
            })
        })
        .transpose()?;
    let entries: Vec<&RegencyEntry> = state
        .reference
        .regencies
        .iter()
        .filter(|r| province.is_none_or(|p| r.province == p))
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}
