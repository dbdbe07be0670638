//! Request extractors that turn every malformed input into a problem that names the field:
//! JSON bodies (400 for broken syntax, 415 for another content type, 413 past the limit,
//! 422 with the JSON path for a wrong type) and query strings (422 with the parameter).

use super::error::ApiError;
use crate::domain::FieldError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

/// Limit of an ordinary JSON body (a firm profile is a few KiB).
pub const JSON_LIMIT: usize = 1024 * 1024;

/// The media type of a request without parameters, lower case ("text/csv").
pub fn media_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

pub fn is_json(media: &str) -> bool {
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// Reads the whole body, refusing (413) as soon as it exceeds `limit`.
pub async fn read_body(
    req: &HttpRequest,
    mut payload: Payload,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::MalformedJson(format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parses JSON, naming the path of a value of the wrong type.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { String::new() } else { path };
                ApiError::invalid(FieldError::unreadable(
                    field,
                    strip_position(&inner.to_string()),
                ))
            }
            _ => ApiError::MalformedJson(inner.to_string()),
        }
    })
}

/// Parses the JSON body of a write: like [`parse_json`], and every field that `T` does not
/// know is a 422 naming it (`products[0].hs`), with a near known name as `hint`
/// (`hs_code`), so a client's typo never loses data silently. Reads stay lenient.
pub fn parse_write<T: DeserializeOwned + utoipa::ToSchema>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut unknown: Vec<Vec<Segment>> = Vec::new();
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(de, &mut track);
    let parsed: Result<T, _> =
        serde_ignored::deserialize(tracked, |path| unknown.push(segments(&path)));
    let value = match parsed {
        Ok(value) => value,
        Err(inner) => {
            let path = track.path().to_string();
            return Err(match inner.classify() {
                serde_json::error::Category::Data => {
                    let field = if path == "." { String::new() } else { path };
                    ApiError::invalid(FieldError::unreadable(
                        field,
                        strip_position(&inner.to_string()),
                    ))
                }
                _ => ApiError::MalformedJson(inner.to_string()),
            });
        }
    };
    if unknown.is_empty() {
        return Ok(value);
    }
    let schema = SchemaMap::of::<T>();
    Err(ApiError::from_fields(
        unknown
            .iter()
            .map(|path| {
                let field = field_name(path);
                let (parent, name) = match path.split_last() {
                    Some((Segment::Key(name), parent)) => (parent, name.as_str()),
                    _ => (&path[..], ""),
                };
                let known = schema.properties_at(parent);
                match nearest(name, &known) {
                    Some(hint) => FieldError::coded(
                        field,
                        "unknown_field",
                        format!("is not a field of this request; did you mean '{hint}'?"),
                    )
                    .with("hint", hint),
                    None => {
                        FieldError::coded(field, "unknown_field", "is not a field of this request")
                    }
                }
            })
            .collect(),
    ))
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn segments(path: &serde_ignored::Path) -> Vec<Segment> {
    use serde_ignored::Path;
    let mut out = match path {
        Path::Root => return Vec::new(),
        Path::Seq { parent, .. }
        | Path::Map { parent, .. }
        | Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => segments(parent),
    };
    match path {
        Path::Seq { index, .. } => out.push(Segment::Index(*index)),
        Path::Map { key, .. } => out.push(Segment::Key(key.clone())),
        _ => {}
    }
    out
}

/// `products[0].hs`, as the other field problems name fields.
fn field_name(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
        }
    }
    out
}

/// The closest known name to a misspelt one: one that starts with it or it with one
/// (`hs` → `hs_code`), or else the most similar above a threshold.
fn nearest<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    if lower.is_empty() {
        return None;
    }
    if let Some(k) = known
        .iter()
        .filter(|k| {
            k.starts_with(&lower)
                || lower.starts_with(k.as_str())
                || k.split('_').any(|part| part == lower)
        })
        .min_by_key(|k| k.len().abs_diff(lower.len()))
    {
        return Some(k);
    }
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&lower, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}

/// The published schema of a request body with the schemas it refers to, as JSON, to find
/// the names a misspelt field was meant to be.
struct SchemaMap {
    root: serde_json::Value,
    named: std::collections::HashMap<String, serde_json::Value>,
}

impl SchemaMap {
    fn of<T: utoipa::ToSchema>() -> SchemaMap {
        let mut refs = Vec::new();
        T::schemas(&mut refs);
        SchemaMap {
            root: serde_json::to_value(T::schema()).unwrap_or_default(),
            named: refs
                .into_iter()
                .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or_default()))
                .collect(),
        }
    }

    fn resolve<'a>(&'a self, schema: &'a serde_json::Value) -> &'a serde_json::Value {
        let mut schema = schema;
        for _ in 0..16 {
            match schema.get("$ref").and_then(|r| r.as_str()) {
                Some(r) => match self.named.get(r.rsplit('/').next().unwrap_or(r)) {
                    Some(next) => schema = next,
                    None => break,
                },
                None => break,
            }
        }
        schema
    }

    /// The schema and its alternatives (`oneOf`, `anyOf`, `allOf`), resolved.
    fn variants<'a>(&'a self, schema: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
        let schema = self.resolve(schema);
        out.push(schema);
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(list) = schema.get(key).and_then(|l| l.as_array()) {
                for alternative in list {
                    if out.len() < 64 {
                        self.variants(alternative, out);
                    }
                }
            }
        }
    }

    /// The property names of the object(s) at `path`.
    fn properties_at(&self, path: &[Segment]) -> Vec<String> {
        let mut current = vec![&self.root];
        for segment in path {
            let mut next = Vec::new();
            for schema in current {
                let mut variants = Vec::new();
                self.variants(schema, &mut variants);
                for v in variants {
                    let child = match segment {
                        Segment::Index(_) => v.get("items"),
                        Segment::Key(k) => v
                            .get("properties")
                            .and_then(|p| p.get(k))
                            .or_else(|| v.get("additionalProperties").filter(|a| a.is_object())),
                    };
                    next.extend(child);
                }
            }
            current = next;
        }
        let mut names = Vec::new();
        for schema in current {
            let mut variants = Vec::new();
            self.variants(schema, &mut variants);
            for v in variants {
                if let Some(props) = v.get("properties").and_then(|p| p.as_object()) {
                    names.extend(props.keys().cloned());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }
}

/// serde_json appends " at line 1 column 42" to data errors; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(pos) => message[..pos].to_string(),
        None => message.to_string(),
    }
}

/// A body that is not declared JSON is refused before it is read (415).
fn require_json(req: &HttpRequest) -> Result<(), ApiError> {
    match media_type(req) {
        Some(m) if is_json(&m) => Ok(()),
        other => Err(ApiError::UnsupportedMediaType {
            given: other.unwrap_or_else(|| "(none)".into()),
            expected: "application/json",
        }),
    }
}

/// A JSON request body of at most [`JSON_LIMIT`] bytes; an unknown field is a 422 (see
/// [`parse_write`]).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + utoipa::ToSchema + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            require_json(&req)?;
            let bytes = read_body(&req, payload, JSON_LIMIT).await?;
            parse_write(&bytes).map(JsonBody)
        })
    }
}

/// Query parameters; a value of the wrong type is a 422 naming the parameter.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = form_urlencoded::parse(req.query_string().as_bytes());
        let de = serde_urlencoded::Deserializer::new(parsed);
        std::future::ready(
            serde_path_to_error::deserialize(de)
                .map(QueryParams)
                .map_err(|e| {
                    let field = e.path().to_string();
                    ApiError::invalid(FieldError::unreadable(field, e.into_inner().to_string()))
                }),
        )
    }
}

/// The version an `If-Match` header asks for: `"7"`, `W/"7"` or `7` (1 to 19 digits, the
/// shape the document states). `*` asks for none. Anything else is a 422 naming `If-Match`.
pub fn if_match(req: &HttpRequest) -> Result<Option<u64>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.strip_prefix("W/").unwrap_or(text);
    let digits = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag);
    let is_version = (1..=19).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    match digits.parse::<u64>() {
        Ok(version) if is_version => Ok(Some(version)),
        _ => Err(ApiError::invalid(
            FieldError::coded(
                "If-Match",
                "not_etag",
                format!("'{text}' is not an ETag of this API (e.g. \"3\")"),
            )
            .with("value", text),
        )),
    }
}

/// A closed set of names a query parameter or body field accepts (`direction`, `format`, …).
/// Implemented with [`choice!`](crate::choice), which also gives the type its `FromStr`.
pub trait Choice: Copy + 'static {
    /// Every value, in the order a refusal lists them.
    const ALL: &'static [Self];
    fn name(self) -> &'static str;

    /// "supplies, buys, both"
    fn names() -> String {
        Self::ALL
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Gives an enum its [`Choice`] names and a `FromStr` that accepts exactly those names.
#[macro_export]
macro_rules! choice {
    ($ty:ty { $($variant:path => $name:literal),+ $(,)? }) => {
        impl $crate::api::extract::Choice for $ty {
            const ALL: &'static [Self] = &[$($variant),+];
            fn name(self) -> &'static str {
                match self {
                    $($variant => $name),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($name => Ok($variant),)+
                    other => Err(format!(
                        "'{other}' is not one of {}",
                        <$ty as $crate::api::extract::Choice>::names()
                    )),
                }
            }
        }
    };
}

/// A text field read as a `T` by `T`'s `FromStr`, or the text as given when it is not one, so
/// that a handler names every wrong field of a request at once (422) with its own code,
/// instead of stopping at the first. Published as `T` (`#[param(value_type = …)]`).
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed<T> {
    Valid(T),
    Invalid(String),
}

impl<'de, T: std::str::FromStr> serde::Deserialize<'de> for Parsed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match text.parse() {
            Ok(value) => Parsed::Valid(value),
            Err(_) => Parsed::Invalid(text),
        })
    }
}

/// The value of an optional [`Choice`] field: `default` when absent, a `not_one_of` problem
/// naming `field` when it is not one of the names.
pub fn choose<T: Choice>(
    field: &str,
    given: Option<&Parsed<T>>,
    default: T,
    errors: &mut Vec<FieldError>,
) -> T {
    match given {
        None => default,
        Some(Parsed::Valid(value)) => *value,
        Some(Parsed::Invalid(text)) => {
            errors.push(FieldError::not_one_of(field, text, &T::names()));
            default
        }
    }
}

/// The formats an endpoint answers in, and its `?format=` query: an enum `$format` (published
/// inline; each name is its variant in lower case), a [`Choice`], and a query `$query` whose
/// `pick` gives the asked format, the default when absent, or a 422 `not_one_of` naming
/// `format`.
#[macro_export]
macro_rules! format_query {
    ($(#[$doc:meta])* $query:ident, $format:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "lowercase")]
        pub enum $format {
            $($variant),+
        }

        $crate::choice!($format { $($format::$variant => $name),+ });

        #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
        #[into_params(parameter_in = Query)]
        pub struct $query {
            $(#[$doc])*
            #[param(value_type = Option<$format>, inline)]
            pub format: Option<$crate::api::extract::Parsed<$format>>,
        }

        impl $query {
            pub fn pick(&self, default: $format) -> Result<$format, $crate::api::error::ApiError> {
                let mut errors = Vec::new();
                let format = $crate::api::extract::choose(
                    "format",
                    self.format.as_ref(),
                    default,
                    &mut errors,
                );
                if errors.is_empty() {
                    Ok(format)
                } else {
                    Err($crate::api::error::ApiError::from_fields(errors))
                }
            }
        }
    };
}

/// The JSON body of a heavy job (solve, timetable generation and repair, batch ranking,
/// evaluation), with the heavy-job slot already held. Heavy work is for organizers; the
/// role and the slot are checked before the body is read, so a caller cannot make the
/// server read and parse megabytes only to be told the slot is busy (503, `Retry-After`).
pub struct HeavyJson<T, const LIMIT: usize = JSON_LIMIT> {
    pub body: T,
    pub permit: crate::app::HeavyPermit,
}

impl<T: Send + 'static, const LIMIT: usize> HeavyJson<T, LIMIT> {
    /// Runs the heavy use case on this body in a pool of the executor, under the slot the
    /// request took.
    pub async fn run<R: Send + 'static>(
        self,
        state: &super::AppState,
        pool: crate::app::Pool,
        work: impl FnOnce(&crate::app::Mitra, T) -> Result<R, crate::app::AppError> + Send + 'static,
    ) -> Result<R, ApiError> {
        let HeavyJson { body, permit } = self;
        state
            .heavy_with(permit, pool, move |app| work(app, body))
            .await
    }
}

impl<T: DeserializeOwned + utoipa::ToSchema + 'static, const LIMIT: usize> FromRequest
    for HeavyJson<T, LIMIT>
{
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            let caller = req
                .extensions()
                .get::<super::auth::Caller>()
                .cloned()
                .unwrap_or(super::auth::Caller::Anonymous);
            caller.require_organizer()?;
            require_json(&req)?;
            let declared = req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok());
            if declared.is_some_and(|n| n > LIMIT) {
                return Err(ApiError::PayloadTooLarge { limit: LIMIT });
            }
            let state = req
                .app_data::<actix_web::web::Data<super::AppState>>()
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("application state missing"))?;
            let permit = state.app.executor.try_permit()?;
            let bytes = read_body(&req, payload, LIMIT).await?;
            let body = parse_write(&bytes)?;
            Ok(HeavyJson { body, permit })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
    #[allow(dead_code)]
    struct Product {
        name: Option<String>,
        hs_code: Option<String>,
    }

    #[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
    #[allow(dead_code)]
    struct Profile {
        name: Option<String>,
        products: Option<Vec<Product>>,
        employees: Option<i64>,
    }

    fn fields(e: ApiError) -> Vec<(String, String, Option<String>)> {
        match e {
            ApiError::Invalid(list) => list
                .into_iter()
                .map(|f| (f.field, f.code, f.params.get("hint").cloned()))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    /// The names a field accepts are the names its published enum lists (both come from
    /// serde's spelling of the variants).
    fn published_as_accepted<T: Choice + serde::Serialize + utoipa::PartialSchema>() {
        let schema = serde_json::to_value(T::schema()).unwrap();
        let published: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let accepted: Vec<&str> = T::ALL.iter().map(|v| v.name()).collect();
        assert_eq!(published, accepted);
        for v in T::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.name());
        }
    }

    #[test]
    fn each_choice_is_published_by_the_names_it_accepts() {
        use crate::api::{import, outcomes, schedule};
        use crate::matching::{Direction, Lang, Scope};
        published_as_accepted::<Direction>();
        published_as_accepted::<Scope>();
        published_as_accepted::<Lang>();
        published_as_accepted::<import::ExportFormat>();
        published_as_accepted::<import::TokenSheetFormat>();
        published_as_accepted::<outcomes::ReportFormat>();
        published_as_accepted::<outcomes::LabelsFormat>();
        published_as_accepted::<schedule::AgendaFormat>();
        published_as_accepted::<schedule::AgendasFormat>();
        published_as_accepted::<schedule::GridFormat>();
    }

    #[test]
    fn a_text_field_keeps_what_it_could_not_read() {
        use crate::matching::Direction;
        let read = |json: &str| serde_json::from_str::<Parsed<Direction>>(json).unwrap();
        assert_eq!(read(r#""buys""#), Parsed::Valid(Direction::Buys));
        assert_eq!(read(r#""Buys""#), Parsed::Invalid("Buys".into()));
        let mut errors = Vec::new();
        let got = choose(
            "direction",
            Some(&read(r#""up""#)),
            Direction::Both,
            &mut errors,
        );
        assert_eq!(got, Direction::Both);
        assert_eq!(errors[0].code, "not_one_of");
        assert_eq!(errors[0].message, "'up' is not one of supplies, buys, both");
    }

    #[test]
    fn if_match_takes_the_shapes_the_document_states() {
        let version = |value: &str| {
            let req = actix_web::test::TestRequest::default()
                .insert_header((header::IF_MATCH, value))
                .to_http_request();
            if_match(&req).ok()
        };
        assert_eq!(version("\"7\""), Some(Some(7)));
        assert_eq!(version("W/\"7\""), Some(Some(7)));
        assert_eq!(version("7"), Some(Some(7)));
        assert_eq!(version("*"), Some(None));
        for wrong in [
            "",
            "\"\"",
            "\"7",
            "+7",
            "\"v7\"",
            "W/",
            "12345678901234567890",
        ] {
            assert_eq!(version(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn every_unknown_field_is_named_with_a_near_name() {
        let body = br#"{"name": "CV Kopi", "products": [{"name": "kopi", "hs": "0901.21"}], "employes": 4, "zzz": 1}"#;
        let got = fields(parse_write::<Profile>(body).unwrap_err());
        assert_eq!(
            got,
            vec![
                (
                    "products[0].hs".into(),
                    "unknown_field".into(),
                    Some("hs_code".into())
                ),
                (
                    "employes".into(),
                    "unknown_field".into(),
                    Some("employees".into())
                ),
                ("zzz".into(), "unknown_field".into(), None),
            ]
        );
        let ok: Profile =
            parse_write(br#"{"name": "CV Kopi", "products": [{"hs_code": "090121"}]}"#).unwrap();
        assert_eq!(ok.products.unwrap()[0].hs_code.as_deref(), Some("090121"));
        // Reads stay lenient.
        assert!(parse_json::<Profile>(body).is_ok());
    }
}
