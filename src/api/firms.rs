//! Firm profile endpoints: create, read, replace, patch, delete, list.

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::extract::{if_match, JsonBody, Parsed, QueryParams};
use super::AppState;
pub use crate::app::firms::IssuedToken;
use crate::app::{self, AppError};
use crate::domain::{Certification, FieldError, Firm, FirmId, FirmInput, Province};
use crate::store::{FirmFilter, MAX_PAGE_SIZE};
use actix_web::http::header;
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A strong ETag from the version: `"7"`.
pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

fn firm_response(mut response: actix_web::HttpResponseBuilder, firm: &Firm) -> HttpResponse {
    response
        .insert_header((header::ETAG, etag(firm.version)))
        .json(firm)
}

/// The firm as this caller may see it: contact details only for organizers and the firm.
pub fn visible_to(caller: &Caller, mut firm: Firm) -> Firm {
    if !caller.sees_contact_of(&firm.id) {
        firm.profile = firm.profile.without_contact();
    }
    firm
}

/// The answer to a registration: the firm and its token, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegisteredFirm {
    #[serde(flatten)]
    pub firm: Firm,
    /// The firm's bearer token. Only its hash is stored: keep it, or ask an organizer to
    /// issue a new one.
    #[schema(example = "mitra_firm_3f9c…")]
    pub token: String,
}

/// Parses a path id; an id that cannot exist is simply not found.
fn path_id(raw: &str) -> Result<FirmId, ApiError> {
    FirmId::parse(raw).map_err(|_| ApiError::NotFound {
        what: "firm",
        id: raw.to_string(),
    })
}

/// Which version a write must apply to: `If-Match` (412 when stale) or else the body's
/// `version` (409 when stale). The store checks it inside its transaction.
struct Expected {
    version: Option<u64>,
    from_if_match: bool,
}

impl Expected {
    fn of(req: &HttpRequest, body_version: Option<u64>) -> Result<Expected, ApiError> {
        Ok(match if_match(req)? {
            Some(version) => Expected {
                version: Some(version),
                from_if_match: true,
            },
            None => Expected {
                version: body_version,
                from_if_match: false,
            },
        })
    }

    /// A stale `If-Match` is 412; a stale body `version` is 409.
    fn error(&self, e: AppError) -> ApiError {
        match e {
            AppError::VersionMismatch {
                expected, current, ..
            } if self.from_if_match => ApiError::PreconditionFailed {
                given: etag(expected),
                current,
            },
            other => other.into(),
        }
    }
}

/// Register a firm (organizers). The server assigns an id unless the body gives a slug `id`.
/// The answer carries the firm's own bearer `token`, shown only this once.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    request_body(content = FirmInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; `Location` points at the firm", body = RegisteredFirm,
         headers(("Location" = String, description = "/v1/firms/{id}"), ("ETag" = String, description = "The version, e.g. \"1\""))),
        Problems<400, 401, 403, 409, 413, 415, 422>,
    )
)]
#[post("/firms")]
pub async fn create_firm(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<FirmInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let input = body.0;
    let (firm, token) = state
        .call(move |app| app::firms::create(app, &input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/firms/{}", firm.id)))
        .insert_header((header::ETAG, etag(firm.version)))
        .json(RegisteredFirm { firm, token }))
}

/// Issue a new token for a firm (organizers); the previous one stops working at once.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Firm id", example = "kopi-sembalun")),
    responses(
        (status = 200, body = IssuedToken),
        Problems<401, 403, 404>,
    )
)]
#[post("/firms/{id}/token")]
pub async fn reissue_token(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let id = path_id(&id)?;
    let issued = state
        .call(move |app| app::firms::reissue_token(app, &id))
        .await?;
    Ok(HttpResponse::Ok().json(issued))
}

/// One firm's profile, with its version as `ETag`. Contact details are shown to organizers
/// and to the firm itself only.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Firm id", example = "kopi-sembalun")),
    responses(
        (status = 200, body = Firm, headers(("ETag" = String))),
        Problems<401, 403, 404>,
    )
)]
#[get("/firms/{id}")]
pub async fn get_firm(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_signed_in()?;
    let id = path_id(&id)?;
    let firm = state.call(move |app| app::firms::get(app, &id)).await?;
    Ok(firm_response(
        HttpResponse::Ok(),
        &visible_to(&caller, firm),
    ))
}

/// Replace a firm's whole profile. Send `If-Match: "<version>"` (412 when stale) or the
/// `version` field (409 when stale) to avoid overwriting someone else's change.
/// Organizers, or the firm itself.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Firm id", example = "kopi-sembalun"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version being replaced: `\"3\"` (or `W/\"3\"`, `3`); `*` for any",
         nullable = false, pattern = r#"^(\*|(W/)?("[0-9]{1,19}"|[0-9]{1,19}))$"#),
    ),
    request_body(content = FirmInput, content_type = "application/json"),
    responses(
        (status = 200, body = Firm, headers(("ETag" = String))),
        Problems<400, 401, 403, 404, 409, 412, 413, 415, 422>,
    )
)]
#[put("/firms/{id}")]
pub async fn replace_firm(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    body: JsonBody<FirmInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    caller.require_firm(&id)?;
    let firm = update(&state, &req, id, body.0).await?;
    Ok(firm_response(HttpResponse::Ok(), &firm))
}

async fn update(
    state: &AppState,
    req: &HttpRequest,
    id: FirmId,
    input: FirmInput,
) -> Result<Firm, ApiError> {
    let expected = Expected::of(req, input.version)?;
    let version = expected.version;
    let core = state.app.clone();
    web::block(move || app::firms::replace(&core, &id, &input, version))
        .await?
        .map_err(|e| expected.error(e))
}

/// Change some fields of a profile with a JSON merge patch (RFC 7396): fields present replace
/// the stored ones, `null` removes optional ones, lists are replaced whole.
/// Organizers, or the firm itself.
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Firm id", example = "kopi-sembalun"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version being changed: `\"3\"` (or `W/\"3\"`, `3`); `*` for any",
         nullable = false, pattern = r#"^(\*|(W/)?("[0-9]{1,19}"|[0-9]{1,19}))$"#),
    ),
    request_body(content = serde_json::Value, content_type = "application/merge-patch+json",
                 example = json!({"employees": 18, "certifications": ["halal", "pirt", "bpom"]})),
    responses(
        (status = 200, body = Firm, headers(("ETag" = String))),
        Problems<400, 401, 403, 404, 409, 412, 415, 422>,
    )
)]
#[patch("/firms/{id}")]
pub async fn patch_firm(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
    body: JsonBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    caller.require_firm(&id)?;
    let patch = body.0;
    if !patch.is_object() {
        return Err(ApiError::invalid(
            FieldError::coded("", "wrong_type", "a merge patch must be a JSON object")
                .with("expected", "object"),
        ));
    }
    let key = id.clone();
    let current = state.call(move |app| app::firms::get(app, &key)).await?;
    let mut doc = serde_json::to_value(current.to_input()).map_err(anyhow::Error::from)?;
    // Without an explicit version, the patch applies to the version it was computed on.
    let explicit_version = patch.get("version").is_some();
    merge_patch(&mut doc, &patch);
    let mut input: FirmInput = super::extract::parse_write(doc.to_string().as_bytes())?;
    if !explicit_version {
        input.version = Some(current.version);
    }
    let firm = update(&state, &req, id, input).await?;
    Ok(firm_response(HttpResponse::Ok(), &firm))
}

/// RFC 7396 JSON merge patch.
fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    let Some(fields) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = serde_json::Value::Object(Default::default());
    }
    let object = target.as_object_mut().expect("made an object above");
    for (key, value) in fields {
        if value.is_null() {
            object.remove(key);
        } else {
            merge_patch(
                object.entry(key.clone()).or_insert(serde_json::Value::Null),
                value,
            );
        }
    }
}

/// Delete a firm and revoke its token (organizers; with `If-Match`, only the version seen).
#[utoipa::path(
    tag = "firms",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Firm id", example = "kopi-sembalun"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version being deleted: `\"3\"` (or `W/\"3\"`, `3`); `*` for any",
         nullable = false, pattern = r#"^(\*|(W/)?("[0-9]{1,19}"|[0-9]{1,19}))$"#),
    ),
    responses(
        (status = 204, description = "Deleted"),
        Problems<401, 403, 404, 412, 422>,
    )
)]
#[delete("/firms/{id}")]
pub async fn delete_firm(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let id = path_id(&id)?;
    let expected = Expected::of(&req, None)?;
    let version = expected.version;
    let core = state.app.clone();
    web::block(move || app::firms::delete(&core, &id, version))
        .await?
        .map_err(|e| expected.error(e))?;
    Ok(HttpResponse::NoContent().finish())
}

/// The filters of a firm list or export; all given filters must hold.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterQuery {
    /// NTB or JATIM (52/35 and the full names are accepted too, in any case).
    #[param(value_type = Option<Province>)]
    pub province: Option<Parsed<Province>>,
    /// KBLI code or prefix: "10" (food), "107", "10761" (coffee processing).
    #[param(pattern = r"^[0-9]{1,5}$")]
    pub kbli: Option<String>,
    /// Kab/kota code ("52.03"; "5203" and the name, "Lombok Timur", are accepted too). A
    /// kab/kota of the other province than `province` matches no firm.
    #[param(schema_with = regency_codes)]
    pub regency: Option<String>,
    /// A certification the firm holds (case and punctuation ignored: "P-IRT" is `pirt`).
    #[param(value_type = Option<Certification>)]
    pub certification: Option<Parsed<Certification>>,
    /// Words in the firm's name or product names (case and accents ignored).
    pub q: Option<String>,
}

/// The kab/kota codes of both provinces, as the document lists them.
fn regency_codes() -> utoipa::openapi::schema::Object {
    let codes: Vec<String> = Province::ALL
        .into_iter()
        .flat_map(|p| crate::domain::Reference::shared().regencies_of(p))
        .map(|r| r.code.clone())
        .collect();
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(codes))
        .build()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")]
    pub cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "crate::domain::whole::query")]
    pub limit: Option<usize>,
}

/// One page of firms, in id order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FirmList {
    pub firms: Vec<Firm>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

fn problem(field: &str, code: &str, value: &str, message: String) -> super::error::ProblemField {
    crate::domain::FieldError::coded(field, code, message)
        .with("value", value.trim())
        .into()
}

impl FilterQuery {
    pub fn filter(&self, state: &AppState) -> Result<FirmFilter, ApiError> {
        let mut errors = Vec::new();
        let province = match &self.province {
            Some(Parsed::Valid(p)) => Some(*p),
            Some(Parsed::Invalid(text)) => {
                let why = text.parse::<Province>().err().unwrap_or_default();
                errors.push(problem("province", "unknown_province", text, why));
                None
            }
            None => None,
        };
        let kbli = self.kbli.as_ref().map(|k| k.trim().to_string());
        if let Some(k) = &kbli {
            if k.is_empty() || k.len() > 5 || !k.chars().all(|c| c.is_ascii_digit()) {
                errors.push(problem(
                    "kbli",
                    "not_kbli_prefix",
                    k,
                    format!("'{k}' is not a KBLI code or prefix (1 to 5 digits)"),
                ));
            }
        }
        let regency = match &self.regency {
            Some(text) => {
                // Looked up in both provinces: a kab/kota outside `province` is a filter
                // that no firm meets, not an unknown kab/kota.
                let found = Province::ALL
                    .into_iter()
                    .find_map(|p| state.reference.find_regency(p, text));
                match found {
                    Some(r) => Some(r.code.clone()),
                    None => {
                        errors.push(problem(
                            "regency",
                            "unknown_regency",
                            text,
                            format!("'{text}' is not a kabupaten/kota of NTB or Jawa Timur"),
                        ));
                        None
                    }
                }
            }
            None => None,
        };
        let certification = match &self.certification {
            Some(Parsed::Valid(c)) => Some(*c),
            Some(Parsed::Invalid(text)) => {
                let why = text.parse::<Certification>().err().unwrap_or_default();
                errors.push(problem("certification", "unknown_certification", text, why));
                None
            }
            None => None,
        };
        if !errors.is_empty() {
            return Err(ApiError::Invalid(errors));
        }
        Ok(FirmFilter {
            province,
            kbli,
            regency,
            certification,
            q: self.q.clone(),
        })
    }
}

/// List firms with filters, in pages (stable while firms are added concurrently).
/// Contact details only for organizers (and a firm's own). Without a token only when the
/// operator enabled the public directory (`MITRA_PUBLIC_DIRECTORY`).
#[utoipa::path(
    tag = "firms",
    security(("bearer" = []), ()),
    params(FilterQuery, PageQuery),
    responses(
        (status = 200, body = FirmList),
        Problems<401, 403, 422>,
    )
)]
#[get("/firms")]
pub async fn list_firms(
    state: web::Data<AppState>,
    caller: Caller,
    filter: QueryParams<FilterQuery>,
    page: QueryParams<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = filter.0.filter(&state)?;
    let PageQuery { cursor, limit } = page.0;
    if cursor.as_deref().is_some_and(|c| FirmId::parse(c).is_err()) {
        return Err(ApiError::invalid(
            FieldError::coded(
                "cursor",
                "not_cursor",
                "is not a cursor returned by this API",
            )
            .with("value", cursor.as_deref().unwrap_or_default()),
        ));
    }
    let limit = limit.unwrap_or(50);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(ApiError::from_fields(vec![FieldError::out_of_range(
            "limit",
            1,
            MAX_PAGE_SIZE,
        )]));
    }
    let store = state.store.clone();
    let page = web::block(move || store.list_firms(&filter, cursor.as_deref(), limit)).await??;
    Ok(HttpResponse::Ok().json(FirmList {
        firms: page
            .firms
            .into_iter()
            .map(|f| visible_to(&caller, f))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}, "list": [1, 2]});
        merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}, "list": [3]}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}, "list": [3]}));
    }
}
