//! Bulk import (JSON array or CSV, all or nothing) and export (CSV or JSON) of firms.

use super::auth::{hash_token, new_firm_token, Caller};
use super::csv_format;
use super::error::{ApiError, ProblemField, Problems};
use super::extract::{is_json, media_type, parse_json, read_body, QueryParams};
use super::firms::{new_firm_id, FilterQuery, IssuedToken};
use super::AppState;
use crate::domain::{FieldError, Firm, FirmInput, Reference};
use crate::store::{ImportMode, StoreError, MAX_PAGE_SIZE};
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// Largest import body: tens of thousands of firms fit comfortably.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Replace firms whose id already exists (their version is incremented) instead of
    /// refusing the import.
    pub upsert: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"total": 2, "created": 1, "updated": 1, "ids": ["kopi-sembalun", "01jd3x9k2m4q7rt8vw"],
    "tokens": [{"firm_id": "01jd3x9k2m4q7rt8vw", "token": "mitra_firm_3f9c…"}]}))]
pub struct ImportReport {
    pub total: usize,
    pub created: usize,
    pub updated: usize,
    /// The id of every row, in the order of the rows (generated where a row had none).
    pub ids: Vec<String>,
    /// The bearer token of each new firm, shown only this once (updated firms keep theirs).
    pub tokens: Vec<IssuedToken>,
}

/// A row of either format, with the line the user sees in their file.
struct Row {
    line: u64,
    input: FirmInput,
    errors: Vec<FieldError>,
}

/// Import many firms at once. All or nothing: if any row is invalid, nothing is stored and
/// the answer lists every bad row (`line`: CSV line, or 1-based position in the JSON array)
/// with its field. See the `text/csv` columns in the README ("Importing a participant list").
/// Organizers only.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(
        description = "A JSON array of firm profiles, or a CSV sheet (one firm per row).",
        content(
            (Vec<FirmInput> = "application/json"),
            (String = "text/csv", example = "id,name,province,regency,kbli,size,employees,certifications,products,needs,contact_person,contact_phone,contact_email\nkopi-sembalun,CV Kopi Sembalun,NTB,Lombok Timur,10761,small,14,halal;pirt,Kopi arabika sangrai | 090121 | 300 kg/month,Standing pouch | 2000 pcs/month,Baiq Aini,0812-3456-7890,aini@kopisembalun.id\n"),
        )
    ),
    responses(
        (status = 200, body = ImportReport),
        Problems<400, 401, 403, 409, 413, 415, 422>,
    )
)]
#[post("/firms/import")]
pub async fn import_firms(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    payload: web::Payload,
    query: QueryParams<ImportQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let media = media_type(&req).unwrap_or_default();
    let csv = match media.as_str() {
        "text/csv" | "application/csv" => true,
        m if is_json(m) => false,
        _ => {
            return Err(ApiError::UnsupportedMediaType {
                given: if media.is_empty() {
                    "(none)".into()
                } else {
                    media
                },
                expected: "application/json or text/csv",
            })
        }
    };
    let body = read_body(&req, payload.into_inner(), IMPORT_LIMIT).await?;
    let mode = if query.0.upsert.unwrap_or(false) {
        ImportMode::Upsert
    } else {
        ImportMode::CreateOnly
    };
    let store = state.store.clone();
    let reference = state.reference;
    let (report, stored) = web::block(move || -> Result<(ImportReport, Vec<Firm>), ApiError> {
        let rows = if csv { csv_rows(&body)? } else { json_rows(&body)? };
        let (firms, lines) = validate_rows(rows, reference)?;
        let ids: Vec<String> = firms.iter().map(|f| f.id.to_string()).collect();
        let tokens: Vec<String> = firms.iter().map(|_| new_firm_token()).collect();
        let firms = firms
            .into_iter()
            .zip(&tokens)
            .map(|(firm, token)| (firm, Some(hash_token(token))))
            .collect();
        let outcome = store.import_firms(firms, mode).map_err(|e| match e {
            StoreError::ImportConflicts(conflicts) => ApiError::ImportConflicts(
                format!(
                    "{} firm id(s) already exist; nothing was stored (use upsert=true to replace them)",
                    conflicts.len()
                ),
                conflicts
                    .into_iter()
                    .map(|(row, id)| ProblemField {
                        field: "id".into(),
                        message: format!("firm '{id}' already exists"),
                        line: Some(lines[row]),
                    })
                    .collect(),
            ),
            other => other.into(),
        })?;
        Ok((ImportReport {
            total: outcome.created + outcome.updated,
            created: outcome.created,
            updated: outcome.updated,
            tokens: outcome
                .created_rows
                .iter()
                .map(|&row| IssuedToken {
                    firm_id: ids[row].clone(),
                    token: tokens[row].clone(),
                })
                .collect(),
            ids,
        }, outcome.stored))
    })
    .await??;
    state.firms_changed(&stored);
    Ok(HttpResponse::Ok().json(report))
}

fn csv_rows(body: &[u8]) -> Result<Vec<Row>, ApiError> {
    let rows = csv_format::read_rows(body).map_err(ApiError::MalformedCsv)?;
    Ok(rows
        .into_iter()
        .map(|r| Row {
            line: r.line,
            input: r.input,
            errors: r.errors,
        })
        .collect())
}

fn json_rows(body: &[u8]) -> Result<Vec<Row>, ApiError> {
    let inputs: Vec<FirmInput> = parse_json(body)?;
    Ok(inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| Row {
            line: i as u64 + 1,
            input,
            errors: Vec::new(),
        })
        .collect())
}

/// Parses every row and checks ids are unique within the file; returns the firms to store
/// and the line of each, or every problem found.
fn validate_rows(rows: Vec<Row>, reference: &Reference) -> Result<(Vec<Firm>, Vec<u64>), ApiError> {
    if rows.is_empty() {
        return Err(ApiError::invalid("", "the import holds no firm"));
    }
    let now = chrono::Utc::now();
    let mut problems = Vec::new();
    let mut firms = Vec::with_capacity(rows.len());
    let mut lines = Vec::with_capacity(rows.len());
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in rows {
        let mut errors = row.errors;
        match row.input.parse(reference) {
            Ok((id, profile)) if errors.is_empty() => {
                let id = id.unwrap_or_else(|| new_firm_id(now));
                if let Some(first) = seen.insert(id.to_string(), row.line) {
                    errors.push(FieldError::new(
                        "id",
                        format!("'{id}' appears twice in this import (first on line {first})"),
                    ));
                } else {
                    firms.push(Firm {
                        id,
                        profile,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    });
                    lines.push(row.line);
                }
            }
            Ok(_) => {}
            // A cell that could not be read already has its error; skip follow-ups on it.
            Err(parse_errors) => {
                let unreadable = errors_fields(&errors);
                errors.extend(
                    parse_errors
                        .into_iter()
                        .filter(|e| !row_has_error_under(&unreadable, &e.field)),
                );
            }
        }
        problems.extend(errors.into_iter().map(|e| ProblemField {
            field: e.field,
            message: e.message,
            line: Some(row.line),
        }));
    }
    if problems.is_empty() {
        Ok((firms, lines))
    } else {
        Err(ApiError::Invalid(problems))
    }
}

fn errors_fields(errors: &[FieldError]) -> Vec<String> {
    errors.iter().map(|e| e.field.clone()).collect()
}

fn row_has_error_under(fields: &[String], field: &str) -> bool {
    fields
        .iter()
        .any(|f| field == f || field.starts_with(&format!("{f}.")))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (the import's columns) or `json`; by default from `Accept`, else JSON.
    pub format: Option<String>,
}

/// Export firms (all, or those matching the list filters) as CSV or a JSON array.
/// Organizers only.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(ExportQuery, FilterQuery),
    responses(
        (status = 200, description = "The firms", content(
            (Vec<Firm> = "application/json"),
            (String = "text/csv"),
        )),
        Problems<401, 403, 422>,
    )
)]
#[get("/firms/export")]
pub async fn export_firms(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    format: QueryParams<ExportQuery>,
    query: QueryParams<FilterQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let csv = match format.0.format.as_deref() {
        Some("csv") => true,
        Some("json") => false,
        Some(other) => {
            return Err(ApiError::invalid(
                "format",
                format!("'{other}' is not an export format; use csv or json"),
            ))
        }
        None => accept.contains("text/csv"),
    };
    let filter = query.0.filter(&state)?;
    let store = state.store.clone();
    let firms = web::block(move || -> Result<Vec<Firm>, StoreError> {
        let mut firms = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = store.list_firms(&filter, cursor.as_deref(), MAX_PAGE_SIZE)?;
            firms.extend(page.firms);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(firms),
            }
        }
    })
    .await??;
    if csv {
        let body = csv_format::write_firms(&firms).map_err(anyhow::Error::from)?;
        Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"firms.csv\"",
            ))
            .body(body))
    } else {
        Ok(HttpResponse::Ok().json(firms))
    }
}
