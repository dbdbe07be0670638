//! Partner recommendations: one firm's matches, scoring two profiles, ranking every firm,
//! and the scoring config that all of them use.

use super::auth::Caller;
use super::error::{ApiError, Problems};
use super::extract::{choose, if_match, parse_json, HeavyJson, JsonBody, Parsed, QueryParams};
use super::AppState;
use crate::app::{self, AppError, Pool};
use crate::domain::{FieldError, FirmId, FirmInput, FirmProfile};
use crate::matching::{Direction, Lang, MatchQuery, PairScore, Scope, ScoringConfig};
use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Largest `limit` of a matches query.
pub const MAX_MATCHES: usize = 100;

pub use crate::app::matches::{FirmMatches, MatchView, TradeDirection};

crate::choice!(Direction {
    Direction::Supplies => "supplies",
    Direction::Buys => "buys",
    Direction::Both => "both",
});
crate::choice!(Scope {
    Scope::Other => "other",
    Scope::Same => "same",
    Scope::Both => "both",
});
crate::choice!(Lang {
    Lang::En => "en",
    Lang::Id => "id",
});

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// How many partners (1–100, default 10).
    #[param(minimum = 1, maximum = 100)]
    #[serde(default, deserialize_with = "crate::domain::whole::query")]
    pub limit: Option<usize>,
    /// Leave out partners scoring below this (0–1, default 0.1). A partner without product
    /// evidence (no product of one answering a need of the other) is never listed.
    #[param(minimum = 0, maximum = 1)]
    pub min_score: Option<f64>,
    /// `supplies`: partners that can supply my needs; `buys`: partners that buy what I make;
    /// `both` (default).
    #[param(value_type = Option<Direction>, inline)]
    pub direction: Option<Parsed<Direction>>,
    /// `other` province (default), `same`, or `both`.
    #[param(value_type = Option<Scope>, inline)]
    pub scope: Option<Parsed<Scope>>,
    /// Language of the reasons: `en` (default) or `id` (Bahasa Indonesia).
    #[param(value_type = Option<Lang>, inline)]
    pub lang: Option<Parsed<Lang>>,
}

impl MatchParams {
    fn query(&self) -> Result<(MatchQuery, Lang), ApiError> {
        let mut errors = Vec::new();
        let defaults = MatchQuery::default();
        let k = match self.limit {
            None => defaults.k,
            Some(n) if (1..=MAX_MATCHES).contains(&n) => n,
            Some(_) => {
                errors.push(FieldError::out_of_range("limit", 1, MAX_MATCHES));
                defaults.k
            }
        };
        let min_score = match self.min_score {
            None => defaults.min_score,
            Some(s) if (0.0..=1.0).contains(&s) => s,
            Some(_) => {
                errors.push(FieldError::out_of_range("min_score", 0, 1));
                defaults.min_score
            }
        };
        let direction = choose(
            "direction",
            self.direction.as_ref(),
            Direction::Both,
            &mut errors,
        );
        let scope = choose("scope", self.scope.as_ref(), Scope::Other, &mut errors);
        let lang = choose("lang", self.lang.as_ref(), Lang::En, &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::from_fields(errors));
        }
        Ok((
            MatchQuery {
                k,
                direction,
                scope,
                min_score,
            },
            lang,
        ))
    }
}

/// Recommended partners of a firm, best first, each with reasons (organizers, or the firm
/// itself). By default from the other province.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Firm id", example = "kopi-sembalun"), MatchParams),
    responses(
        (status = 200, body = FirmMatches),
        Problems<401, 403, 404, 422>,
    )
)]
#[get("/firms/{id}/matches")]
pub async fn firm_matches(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    params: QueryParams<MatchParams>,
) -> Result<HttpResponse, ApiError> {
    let id = FirmId::parse(&id).map_err(|_| ApiError::NotFound {
        what: "firm",
        id: id.to_string(),
    })?;
    caller.require_firm(&id)?;
    let (query, lang) = params.0.query()?;
    // Ranking one firm takes milliseconds: no need to leave the async worker.
    Ok(HttpResponse::Ok().json(app::matches::of_firm(&state, &id, &query, lang)?))
}

/// A firm to score: a stored firm's id, or a whole profile given inline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum FirmRef {
    Id(String),
    Profile(Box<FirmInput>),
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"a": "kopi-sembalun", "b": {"name": "Kafe Nusantara", "province": "JATIM", "regency": "Surabaya", "kbli": ["56303"], "size": "small", "employees": 12, "needs": [{"name": "roasted arabica coffee", "volume": {"amount": 200, "unit": "kg", "per": "month"}}]}}))]
pub struct ScoreRequest {
    pub a: FirmRef,
    pub b: FirmRef,
}

/// Score two firms, stored or given inline, with both directed fits and the reasons.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    request_body(content = ScoreRequest, content_type = "application/json"),
    responses(
        (status = 200, body = PairScore),
        Problems<400, 401, 404, 413, 415, 422>,
    )
)]
#[post("/match/score")]
pub async fn score_pair(
    state: web::Data<AppState>,
    body: JsonBody<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut errors = Vec::new();
    let a = profile_of(&state, body.get("a"), "a", &mut errors)?;
    let b = profile_of(&state, body.get("b"), "b", &mut errors)?;
    if !errors.is_empty() {
        return Err(ApiError::from_fields(errors));
    }
    let (Some(a), Some(b)) = (a, b) else {
        return Err(ApiError::from_fields(errors));
    };
    Ok(HttpResponse::Ok().json(state.matcher().score_pair(&a, &b)))
}

/// The profile behind one side of a score request; invalid inline fields are collected
/// under `side.` and an unknown id is a 404.
fn profile_of(
    state: &AppState,
    value: Option<&serde_json::Value>,
    side: &str,
    errors: &mut Vec<FieldError>,
) -> Result<Option<FirmProfile>, ApiError> {
    match value {
        None => {
            errors.push(FieldError::coded(
                side,
                "required",
                "is required: a firm id or a profile",
            ));
            Ok(None)
        }
        Some(serde_json::Value::String(id)) => {
            let firm = FirmId::parse(id)
                .ok()
                .and_then(|id| state.matcher().get(&id).cloned());
            firm.map(|f| Some(f.profile.clone()))
                .ok_or_else(|| ApiError::NotFound {
                    what: "firm",
                    id: id.clone(),
                })
        }
        Some(object @ serde_json::Value::Object(_)) => {
            let input: FirmInput =
                parse_json(object.to_string().as_bytes()).map_err(|e| prefix_fields(e, side))?;
            match input.parse(state.reference) {
                Ok((_, profile)) => Ok(Some(profile)),
                Err(list) => {
                    errors.extend(list.into_iter().map(|e| e.prefixed(side)));
                    Ok(None)
                }
            }
        }
        Some(_) => {
            errors.push(
                FieldError::coded(
                    side,
                    "wrong_type",
                    "must be a firm id (string) or a profile (object)",
                )
                .with("expected", "string, object"),
            );
            Ok(None)
        }
    }
}

fn prefix_fields(error: ApiError, side: &str) -> ApiError {
    match error {
        ApiError::Invalid(fields) => ApiError::Invalid(
            fields
                .into_iter()
                .map(|mut f| {
                    f.field = if f.field.is_empty() {
                        side.to_string()
                    } else {
                        format!("{side}.{}", f.field)
                    };
                    f
                })
                .collect(),
        ),
        other => other,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"limit": 10, "min_score": 0.1, "direction": "both", "scope": "other", "include_matches": true}))]
pub struct BatchRequest {
    /// Partners per firm (1–100, default 10).
    #[schema(minimum = 1, maximum = 100)]
    #[serde(default, deserialize_with = "crate::domain::whole::optional")]
    pub limit: Option<usize>,
    /// Leave out partners scoring below this (0–1, default 0.1).
    #[schema(minimum = 0, maximum = 1)]
    pub min_score: Option<f64>,
    /// `supplies`, `buys` or `both` (default).
    #[schema(value_type = Option<Direction>, inline)]
    pub direction: Option<Parsed<Direction>>,
    /// `other` province (default), `same`, or `both`.
    #[schema(value_type = Option<Scope>, inline)]
    pub scope: Option<Parsed<Scope>>,
    /// Return every firm's list (default), or only the summary.
    pub include_matches: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchResult {
    pub firms: usize,
    /// Candidate pairs the ranking scored (the index keeps this far below firms²).
    pub pairs_scored: u64,
    pub elapsed_ms: u64,
    pub pairs_per_second: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<FirmMatches>>,
}

/// Rank every firm at once (organizers): each firm's top partners, computed in parallel.
/// One batch runs at a time; another request meanwhile gets 503 with `Retry-After`.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    request_body(content = BatchRequest, content_type = "application/json"),
    responses(
        (status = 200, body = BatchResult),
        Problems<400, 401, 403, 413, 415, 422, 503>,
    )
)]
#[post("/match/batch")]
pub async fn rank_batch(
    state: web::Data<AppState>,
    caller: Caller,
    body: HeavyJson<BatchRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let HeavyJson {
        body: request,
        permit,
    } = body;
    let params = MatchParams {
        limit: request.limit,
        min_score: request.min_score,
        direction: request.direction,
        scope: request.scope,
        lang: None,
    };
    let (query, _) = params.query()?;
    let include = request.include_matches.unwrap_or(true);
    let ranked = state
        .heavy_with(permit, Pool::Ranking, move |app| {
            Ok(app::matches::rank_all(app, &query, &|_| {}))
        })
        .await?;
    Ok(HttpResponse::Ok().json(BatchResult {
        firms: ranked.lists.len(),
        pairs_scored: ranked.pairs_scored,
        elapsed_ms: ranked.elapsed.as_millis() as u64,
        pairs_per_second: ranked.pairs_scored as f64 / ranked.elapsed.as_secs_f64().max(1e-9),
        results: include.then_some(ranked.lists),
    }))
}

pub use crate::app::scoring::{VersionedConfig, SCORING_SETTING};

/// The scoring config in force (weights and thresholds of the matching model).
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    responses(
        (status = 200, body = VersionedConfig, headers(("ETag" = String))),
        Problems<401>,
    )
)]
#[get("/scoring/config")]
pub async fn get_config(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let current = state.call(|app| app::scoring::current(&app.store)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", current.version)))
        .json(current))
}

/// Replace the scoring config (organizers). It is validated, stored, and used by every
/// ranking from the next request on. `If-Match` guards against overwriting another change.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header, description = "ETag of the version being replaced: `\"3\"` (or `W/\"3\"`, `3`); `*` for any",
            nullable = false, pattern = r#"^(\*|(W/)?("[0-9]{1,19}"|[0-9]{1,19}))$"#)),
    request_body(content = ScoringConfig, content_type = "application/json"),
    responses(
        (status = 200, body = VersionedConfig, headers(("ETag" = String))),
        Problems<400, 401, 403, 412, 413, 415, 422>,
    )
)]
#[put("/scoring/config")]
pub async fn put_config(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: JsonBody<ScoringConfig>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let config = body.0;
    config.validate().map_err(ApiError::from_fields)?;
    let wanted = if_match(&req)?;
    let core = state.app.clone();
    let stored = web::block(move || app::scoring::replace(&core, config, wanted))
        .await?
        .map_err(|e| match e {
            AppError::VersionMismatch {
                expected, current, ..
            } => ApiError::PreconditionFailed {
                given: format!("\"{expected}\""),
                current,
            },
            other => other.into(),
        })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", stored.version)))
        .json(stored))
}

/// Labelled pairs to evaluate against, and optionally a config to try instead of the one
/// in force.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"labels": [{"a": "kopi-sembalun", "b": "jatim-plastik-arema-0707", "grade": 3}, {"a": "kopi-sembalun", "b": "jatim-plastik-blitar-0297", "grade": 1}]}))]
pub struct EvaluateRequest {
    /// At least one pair.
    #[schema(min_items = 1)]
    pub labels: Vec<crate::tuning::labels::Label>,
    pub config: Option<ScoringConfig>,
}

/// Measure ranking quality against labelled pairs (organizers): NDCG@5/@10, precision and
/// recall@10, MAP, MRR and coverage with bootstrap intervals, for the config (the one in
/// force unless one is given) beside random, sector-only and names-only baselines.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    request_body(content = EvaluateRequest, content_type = "application/json"),
    responses(
        (status = 200, body = crate::tuning::evaluate::EvaluationReport),
        Problems<400, 401, 403, 413, 415, 422, 503>,
    )
)]
#[post("/scoring/evaluate")]
pub async fn evaluate(
    state: web::Data<AppState>,
    caller: Caller,
    body: HeavyJson<EvaluateRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_organizer()?;
    let HeavyJson {
        body: request,
        permit,
    } = body;
    let mut errors: Vec<FieldError> = request
        .labels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.grade > crate::tuning::labels::MAX_GRADE)
        .map(|(i, _)| {
            FieldError::out_of_range(
                format!("labels[{i}].grade"),
                0,
                crate::tuning::labels::MAX_GRADE,
            )
        })
        .collect();
    if request.labels.is_empty() {
        errors.push(FieldError::too_few("labels", 1, "pair"));
    }
    if let Some(config) = &request.config {
        if let Err(list) = config.validate() {
            errors.extend(list.into_iter().map(|e| e.prefixed("config")));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::from_fields(errors));
    }
    let config = request
        .config
        .unwrap_or_else(|| state.matcher().config().clone());
    let report = state
        .heavy_with(permit, Pool::Ranking, move |app| {
            let firms = app
                .store
                .all_firms()
                .map(|f| f.map(std::sync::Arc::new))
                .collect::<Result<Vec<_>, _>>()?;
            let labels = crate::tuning::labels::LabelSet::new(&request.labels);
            crate::tuning::evaluate::evaluate(firms, &labels, &config, Default::default())
                .map_err(|e| AppError::invalid(FieldError::coded("config", "config_refused", e)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
