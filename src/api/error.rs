//! The one error type of the HTTP layer and its RFC 9457 `application/problem+json` body.
//! `status()` is an exhaustive match: a new variant cannot silently become a 500.

use crate::app::AppError;
use crate::domain::FieldError;
use crate::store::StoreError;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One problem with one input field: its path, a stable `code` with `params` (see
/// `FieldError`), the reason in words; `line` is set for rows of an import (CSV line
/// number, or the 1-based position in a JSON array).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"field": "products[0].capacity.unit", "code": "unknown_unit", "params": {"value": "bushel"}, "message": "unknown unit 'bushel'; use one of: gram, kg, kuintal, ton, ml, liter, pcs, lusin, kodi, meter, m2", "line": 7}))]
pub struct ProblemField {
    pub field: String,
    pub message: String,
    /// What is wrong, stable across wording changes: `required`, `empty`, `too_long`,
    /// `out_of_range`, `not_one_of`, `duplicate`, `unknown_regency`, `unknown_kbli`,
    /// `not_in_hs2022`, `unknown_unit`, … (the README's list of field codes gives each
    /// one's `params`).
    pub code: String,
    /// The values the message speaks of (`value`, `min`, `max`, `province`, …).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub params: std::collections::BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> Self {
        ProblemField {
            field: e.field,
            message: e.message,
            code: e.code,
            params: e.params,
            line: None,
        }
    }
}

/// RFC 9457 problem details, with a stable machine-readable `code` and the invalid fields.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:mitra:problem:validation_failed",
    "title": "The request has invalid fields",
    "status": 422,
    "detail": "2 invalid field(s)",
    "code": "validation_failed",
    "errors": [{"field": "regency", "code": "unknown_regency", "params": {"value": "Denpasar", "province": "Nusa Tenggara Barat"}, "message": "'Denpasar' is not a kabupaten/kota of Nusa Tenggara Barat; see GET /v1/reference/regencies?province=NTB"}]
}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// The problem answers of one operation, by status: `Problems<401, 404>` in a path's
/// `responses(...)` documents a `Problem` body for each status, described once here.
pub struct Problems<
    const A: u16,
    const B: u16 = 0,
    const C: u16 = 0,
    const D: u16 = 0,
    const E: u16 = 0,
    const F: u16 = 0,
    const G: u16 = 0,
    const H: u16 = 0,
    const I: u16 = 0,
    const J: u16 = 0,
>;

impl<
        const A: u16,
        const B: u16,
        const C: u16,
        const D: u16,
        const E: u16,
        const F: u16,
        const G: u16,
        const H: u16,
        const I: u16,
        const J: u16,
    > utoipa::IntoResponses for Problems<A, B, C, D, E, F, G, H, I, J>
{
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        [A, B, C, D, E, F, G, H, I, J]
            .into_iter()
            .filter(|&status| status != 0)
            .map(|status| (status.to_string(), problem_response(status).into()))
            .collect()
    }
}

/// What a problem answer of `status` means, naming the `code`s it can carry.
pub fn problem_description(status: u16) -> &'static str {
    match status {
        400 => "`malformed_json` or `malformed_csv`: the body cannot be read",
        401 => "`unauthorized`: no or unknown bearer token",
        403 => "`forbidden`: the token may not do this",
        404 => "`not_found`: no such firm, forum, request, meeting or timetable",
        405 => "`method_not_allowed`: the path exists with other methods (see `Allow`)",
        406 => "`not_acceptable`: no representation in the asked format",
        409 => "`conflict` (id taken, stale `version`, state refuses the change) or `import_conflict` (ids exist, nothing stored)",
        412 => "`precondition_failed`: stale `If-Match`",
        413 => "`payload_too_large`: the body is over this endpoint's limit",
        415 => "`unsupported_media_type`: the body is not in an accepted media type",
        422 => "`validation_failed`: invalid fields, each named in `errors` with a stable `code`; in a write body, a field the operation does not document is `unknown_field` (with a near documented name as `params.hint`)",
        501 => "`not_configured`: the operator has not set this server up for it (e-mail needs `MITRA_SMTP_URL`)",
        503 => "`unavailable` (busy or not ready) or `storage_unavailable` (the disk refused a write); retry after `Retry-After`",
        _ => "a problem",
    }
}

fn problem_response(status: u16) -> utoipa::openapi::response::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(problem_description(status))
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("the body is not valid CSV: {0}")]
    MalformedCsv(String),
    #[error("the body is not a readable .xlsx workbook: {0}")]
    MalformedXlsx(String),
    #[error("{} invalid field(s)", .0.len())]
    Invalid(Vec<ProblemField>),
    #[error("a valid bearer token is required (Authorization: Bearer <token>)")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{what} '{id}' does not exist")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    ImportConflicts(String, Vec<ProblemField>),
    #[error("If-Match {given} does not match the current version {current}")]
    PreconditionFailed { given: String, current: u64 },
    #[error("the body is larger than the {limit} bytes this endpoint accepts")]
    PayloadTooLarge { limit: usize },
    #[error("content type '{given}' is not accepted here; send {expected}")]
    UnsupportedMediaType {
        given: String,
        expected: &'static str,
    },
    #[error("{0}")]
    NotAcceptable(String),
    #[error("{method} is not allowed on {path}; allowed: {}", .allowed.join(", "))]
    MethodNotAllowed {
        method: String,
        path: String,
        allowed: Vec<&'static str>,
    },
    #[error("{0}")]
    Unavailable(String),
    /// The operator has not set the server up for this (e-mail without `MITRA_SMTP_URL`).
    #[error("{0}")]
    NotConfigured(String),
    /// The disk refused a write (full, read-only, failing): nothing was acknowledged and the
    /// client may retry later. The cause is logged.
    #[error("the data store cannot write right now (disk full or read-only?); nothing was changed, retry later")]
    StorageUnavailable(String),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// One invalid field.
    pub fn invalid(error: FieldError) -> ApiError {
        ApiError::Invalid(vec![error.into()])
    }

    pub fn from_fields(errors: Vec<FieldError>) -> ApiError {
        ApiError::Invalid(errors.into_iter().map(Into::into).collect())
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "malformed_json",
            ApiError::MalformedCsv(_) => "malformed_csv",
            ApiError::MalformedXlsx(_) => "malformed_xlsx",
            ApiError::Invalid(_) => "validation_failed",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound { .. } => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::ImportConflicts(..) => "import_conflict",
            ApiError::PreconditionFailed { .. } => "precondition_failed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::NotAcceptable(_) => "not_acceptable",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::NotConfigured(_) => "not_configured",
            ApiError::StorageUnavailable(_) => "storage_unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "The body is not valid JSON",
            ApiError::MalformedCsv(_) => "The body is not valid CSV",
            ApiError::MalformedXlsx(_) => "The body is not a readable .xlsx workbook",
            ApiError::Invalid(_) => "The request has invalid fields",
            ApiError::Unauthorized => "Authentication required",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::NotFound { .. } => "Not found",
            ApiError::Conflict(_) => "Conflict with the current state",
            ApiError::ImportConflicts(..) => "Some imported ids already exist",
            ApiError::PreconditionFailed { .. } => "Precondition failed",
            ApiError::PayloadTooLarge { .. } => "Payload too large",
            ApiError::UnsupportedMediaType { .. } => "Unsupported media type",
            ApiError::NotAcceptable(_) => "Not acceptable",
            ApiError::MethodNotAllowed { .. } => "Method not allowed",
            ApiError::Unavailable(_) => "Service unavailable",
            ApiError::NotConfigured(_) => "Not configured on this server",
            ApiError::StorageUnavailable(_) => "Storage unavailable",
            ApiError::Internal(_) => "Internal error",
        }
    }

    pub fn problem(&self) -> Problem {
        let errors = match self {
            ApiError::Invalid(errors) | ApiError::ImportConflicts(_, errors) => errors.clone(),
            _ => Vec::new(),
        };
        Problem {
            kind: format!("urn:mitra:problem:{}", self.code()),
            title: self.title().to_string(),
            status: self.status_code().as_u16(),
            // The cause of an internal error is logged, never sent.
            detail: self.to_string(),
            code: self.code().to_string(),
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson(_) | ApiError::MalformedCsv(_) | ApiError::MalformedXlsx(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) | ApiError::ImportConflicts(..) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable(_) | ApiError::StorageUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::NotConfigured(_) => StatusCode::NOT_IMPLEMENTED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
            ApiError::StorageUnavailable(cause) => {
                tracing::error!(error = %cause, "the store refused a write")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            ApiError::Unavailable(_) | ApiError::StorageUnavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::Unauthorized => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"mitra\""));
            }
            ApiError::MethodNotAllowed { allowed, .. } => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(errors) => ApiError::from_fields(errors),
            AppError::InvalidRows(rows) => ApiError::Invalid(
                rows.into_iter()
                    .map(|(line, e)| ProblemField {
                        line: Some(line),
                        ..e.into()
                    })
                    .collect(),
            ),
            AppError::NotFound { what, id } => ApiError::NotFound { what, id },
            e @ (AppError::Conflict(_) | AppError::VersionMismatch { .. }) => {
                ApiError::Conflict(e.to_string())
            }
            AppError::ImportConflicts(rows) => ApiError::ImportConflicts(
                AppError::import_conflicts_message(rows.len()),
                rows.into_iter()
                    .map(|(line, id)| ProblemField {
                        line: Some(line),
                        ..FieldError::coded("id", "id_taken", format!("firm '{id}' already exists"))
                            .with("value", id)
                            .into()
                    })
                    .collect(),
            ),
            AppError::Busy(message) => ApiError::Unavailable(message),
            AppError::StorageUnavailable(cause) => ApiError::StorageUnavailable(cause),
            AppError::NotConfigured(message) => ApiError::NotConfigured(message),
            AppError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}
