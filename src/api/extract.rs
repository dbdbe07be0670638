//! Request extractors that turn every malformed input into a problem that names the field:
//! JSON bodies (400 for broken syntax, 415 for another content type, 413 past the limit,
//! 422 with the JSON path for a wrong type) and query strings (422 with the parameter).

use super::error::ApiError;
use crate::domain::FieldError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
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
                ApiError::invalid(field, strip_position(&inner.to_string()))
            }
            _ => ApiError::MalformedJson(inner.to_string()),
        }
    })
}

/// serde_json appends " at line 1 column 42" to data errors; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(pos) => message[..pos].to_string(),
        None => message.to_string(),
    }
}

/// A JSON request body of at most [`JSON_LIMIT`] bytes.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            match media_type(&req) {
                Some(m) if is_json(&m) => {}
                other => {
                    return Err(ApiError::UnsupportedMediaType {
                        given: other.unwrap_or_else(|| "(none)".into()),
                        expected: "application/json",
                    })
                }
            }
            let bytes = read_body(&req, payload, JSON_LIMIT).await?;
            parse_json(&bytes).map(JsonBody)
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
                    ApiError::invalid(field, e.into_inner().to_string())
                }),
        )
    }
}

/// `?format=` of the endpoints that answer in several formats.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// The answer's format; which ones an endpoint offers is in its description.
    pub format: Option<String>,
}

impl FormatQuery {
    /// The asked format, `default` when absent; 422 naming `format` when not offered.
    pub fn pick(&self, default: &str, offered: &[&str]) -> Result<String, ApiError> {
        let format = self.format.clone().unwrap_or_else(|| default.to_string());
        if offered.contains(&format.as_str()) {
            Ok(format)
        } else {
            Err(ApiError::from_fields(vec![FieldError::not_one_of(
                "format",
                &format,
                &offered.join(", "),
            )]))
        }
    }
}
