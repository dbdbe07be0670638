//! Bulk import (JSON array, CSV or an .xlsx workbook, all or nothing) and export (CSV or
//! JSON) of firms.

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::extract::{is_json, media_type, parse_write, read_body, Parsed, QueryParams};
use super::firms::FilterQuery;
use super::AppState;
use crate::app::firms::IssuedToken;
pub use crate::app::import::ImportReport;
use crate::app::import::{self, ImportRow};
use crate::app::{csv_format, xlsx};
use crate::domain::{FieldError, Firm, FirmInput};
use crate::store::{ImportMode, StoreError, MAX_PAGE_SIZE};
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

/// Largest import body: tens of thousands of firms fit comfortably.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Replace firms whose id already exists (their version is incremented) instead of
    /// refusing the import.
    #[param(example = true)]
    pub upsert: Option<bool>,
    /// For an .xlsx workbook: the sheet to read (by default the first).
    pub sheet: Option<String>,
}

enum Sheet {
    Json,
    Csv,
    Xlsx,
}

/// Import many firms at once. All or nothing: if any row is invalid, nothing is stored and
/// the answer lists every bad row (`line`: CSV line, the sheet's row number, or 1-based
/// position in the JSON array) with its field. An .xlsx workbook (by its media type, or
/// recognised by its content) is read from its first sheet or `?sheet=`, with the CSV's
/// columns and headers; its errors also carry `params.sheet`, `params.column` (the letter)
/// and `params.cell` ("D17"). See the `text/csv` columns in the README ("Importing a
/// participant list"). Organizers only.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(
        description = "A JSON array of firm profiles, a CSV sheet (one firm per row), or an .xlsx workbook whose sheet has the CSV's columns.",
        content(
            (Vec<FirmInput> = "application/json"),
            (String = "text/csv", example = "id,name,province,regency,kbli,size,employees,certifications,products,needs,contact_person,contact_phone,contact_email\nkopi-sembalun,CV Kopi Sembalun,NTB,Lombok Timur,10761,small,14,halal;pirt,Kopi arabika sangrai | 090121 | 300 kg/month,Standing pouch | 2000 pcs/month,Baiq Aini,0812-3456-7890,aini@kopisembalun.id\n"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
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
    let body = read_body(&req, payload.into_inner(), IMPORT_LIMIT).await?;
    let kind = match media.as_str() {
        "text/csv" | "application/csv" => Sheet::Csv,
        xlsx::MEDIA_TYPE => Sheet::Xlsx,
        // Browsers and scripts often send a workbook as plain bytes.
        "application/octet-stream" | "application/zip" if xlsx::looks_like_xlsx(&body) => {
            Sheet::Xlsx
        }
        m if is_json(m) => Sheet::Json,
        _ => {
            return Err(ApiError::UnsupportedMediaType {
                given: if media.is_empty() {
                    "(none)".into()
                } else {
                    media
                },
                expected: "application/json, text/csv or an .xlsx workbook",
            })
        }
    };
    let mode = if query.0.upsert.unwrap_or(false) {
        ImportMode::Upsert
    } else {
        ImportMode::CreateOnly
    };
    let sheet = query.0.sheet;
    // Parsing a large sheet is work too: off the async workers, like the import itself.
    let (rows, workbook) = web::block(move || -> Result<_, ApiError> {
        Ok(match kind {
            Sheet::Csv => (
                csv_format::read_rows(&body)
                    .map_err(ApiError::MalformedCsv)?
                    .into_iter()
                    .map(ImportRow::from)
                    .collect(),
                None,
            ),
            Sheet::Xlsx => {
                let mut read =
                    xlsx::read_rows(&body, sheet.as_deref()).map_err(ApiError::MalformedXlsx)?;
                let rows: Vec<ImportRow> = std::mem::take(&mut read.rows)
                    .into_iter()
                    .map(ImportRow::from)
                    .collect();
                (rows, Some(read))
            }
            Sheet::Json => (
                import::json_rows(parse_write::<Vec<crate::domain::FirmInput>>(&body)?),
                None,
            ),
        })
    })
    .await??;
    let report = state
        .call(move |app| import::import(app, rows, mode))
        .await
        .map_err(|e| match (e, &workbook) {
            (ApiError::Invalid(fields), Some(book)) => {
                ApiError::Invalid(locate_in_workbook(fields, &book.sheet, |field| {
                    book.column_of_field(field).map(str::to_string)
                }))
            }
            (e, _) => e,
        })?;
    Ok(HttpResponse::Ok().json(report))
}

/// Says where in a workbook each problem is, as the spreadsheet shows it: `params.sheet`,
/// and with the field's column letter (`column_of`) `params.column` and `params.cell`.
pub fn locate_in_workbook(
    mut fields: Vec<super::error::ProblemField>,
    sheet: &str,
    column_of: impl Fn(&str) -> Option<String>,
) -> Vec<super::error::ProblemField> {
    for f in &mut fields {
        f.params.insert("sheet".into(), sheet.to_string());
        if let Some(column) = column_of(&f.field) {
            if let Some(line) = f.line {
                f.params.insert("cell".into(), format!("{column}{line}"));
            }
            f.params.insert("column".into(), column);
        }
    }
    fields
}

/// The formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Json,
    Xlsx,
}

crate::choice!(ExportFormat {
    ExportFormat::Csv => "csv",
    ExportFormat::Json => "json",
    ExportFormat::Xlsx => "xlsx",
});

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (the import's columns), `xlsx` (the same columns in a workbook, sheet
    /// "Peserta") or `json`; by default from `Accept`, else JSON.
    #[param(value_type = Option<ExportFormat>, inline)]
    pub format: Option<Parsed<ExportFormat>>,
}

/// Export firms (all, or those matching the list filters) as CSV, an .xlsx workbook or a
/// JSON array.
/// Organizers only.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(ExportQuery, FilterQuery),
    responses(
        (status = 200, description = "The firms", content(
            (Vec<Firm> = "application/json"),
            (String = "text/csv"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
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
    let format = match format.0.format {
        Some(Parsed::Valid(f)) => f,
        Some(Parsed::Invalid(other)) => {
            return Err(ApiError::invalid(FieldError::not_one_of(
                "format",
                &other,
                "csv, json, xlsx",
            )))
        }
        None if accept.contains("text/csv") => ExportFormat::Csv,
        None if accept.contains(xlsx::MEDIA_TYPE) => ExportFormat::Xlsx,
        None => ExportFormat::Json,
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
    if format == ExportFormat::Xlsx {
        let body = web::block(move || xlsx::write_firms(&firms)).await??;
        return Ok(super::attachment(xlsx::MEDIA_TYPE, "firms.xlsx", body));
    }
    if format == ExportFormat::Csv {
        let body = csv_format::write_firms(&firms).map_err(anyhow::Error::from)?;
        Ok(super::attachment(
            "text/csv; charset=utf-8",
            "firms.csv",
            body,
        ))
    } else {
        Ok(HttpResponse::Ok().json(firms))
    }
}

crate::format_query!(
    /// `xlsx` (the default: sheet "Token") or `csv`.
    TokenSheetQuery,
    TokenSheetFormat {
        Xlsx => "xlsx",
        Csv => "csv",
    }
);

/// The new firms' tokens of an import answer as a sheet to hand out (organizers): send the
/// answer's `tokens` list back, get a workbook (or CSV) with each firm's id, name and
/// token. Every pair is checked against the store (a token that is not that firm's, or
/// a firm that does not exist, is a 422 naming the entry), so the sheet cannot hand out a
/// wrong token; the server keeps no copy. Cells that look like formulas stay text.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(TokenSheetQuery),
    request_body(content = Vec<IssuedToken>, content_type = "application/json",
                 example = json!([{"firm_id": "kopi-sembalun", "token": "mitra_firm_3f9c…"}])),
    responses(
        (status = 200, description = "The sheet", content(
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        Problems<400, 401, 403, 413, 415, 422>,
    )
)]
#[post("/firms/import/tokens")]
pub async fn token_sheet(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    payload: web::Payload,
    query: QueryParams<TokenSheetQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let format = query.0.pick(TokenSheetFormat::Xlsx)?;
    let media = media_type(&req).unwrap_or_default();
    if !is_json(&media) {
        return Err(ApiError::UnsupportedMediaType {
            given: if media.is_empty() {
                "(none)".into()
            } else {
                media
            },
            expected: "application/json",
        });
    }
    // As many tokens as an import can create.
    let body = read_body(&req, payload.into_inner(), IMPORT_LIMIT).await?;
    let tokens = parse_write::<Vec<IssuedToken>>(&body)?;
    let rows = state
        .call(move |app| crate::app::tokens::token_rows(&app.store, &tokens))
        .await?;
    if format == TokenSheetFormat::Csv {
        let mut out = crate::csv_out::CsvOut::new();
        out.row(["firm_id", "nama", "token"])
            .and_then(|_| {
                rows.iter()
                    .try_for_each(|(id, name, token)| out.row([id, name, token]))
            })
            .map_err(anyhow::Error::from)?;
        let body = out.finish().map_err(anyhow::Error::from)?;
        return Ok(super::attachment(
            "text/csv; charset=utf-8",
            "token-firma.csv",
            body,
        ));
    }
    let body = web::block(move || xlsx::write_tokens(&rows)).await??;
    Ok(super::attachment(
        xlsx::MEDIA_TYPE,
        "token-firma.xlsx",
        body,
    ))
}
