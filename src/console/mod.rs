//! The organizer and firm console: a small browser front end served by mitra itself, so a
//! forum can be run without any other server and without the internet. It owns only the
//! static files (HTML, CSS, JavaScript, all embedded in the binary); every action goes
//! through the documented `/v1` API with the user's bearer token, so the console can do
//! nothing an API client could not, and the API's checks and errors apply unchanged.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::Embed;

/// The console's files. Release builds embed them; debug builds read them from the source
/// folder, so a changed script shows on reload without rebuilding.
#[derive(Embed)]
#[folder = "src/console/assets/"]
struct Assets;

/// Scripts, styles and images only from mitra itself; no inline script, no frames.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; \
     frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(to_console))
        .route("/console", web::get().to(to_console))
        .route("/console/", web::get().to(index))
        .route("/console/{file:.+}", web::get().to(asset));
}

async fn to_console() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/console/"))
        .finish()
}

async fn index(req: HttpRequest) -> HttpResponse {
    serve(&req, "index.html")
}

async fn asset(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    serve(&req, &file)
}

/// One embedded file, revalidated by its hash (`ETag`), so an upgraded binary never serves
/// a stale script from a browser cache.
fn serve(req: &HttpRequest, path: &str) -> HttpResponse {
    let Some(file) = Assets::get(path) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body(format!("no console file {path}"));
    };
    let hash: String = file.metadata.sha256_hash()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = format!("\"{hash}\"");
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut answer = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    answer
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"));
    if fresh {
        return answer.finish();
    }
    let mime = file.metadata.mimetype();
    let content_type = if mime.starts_with("text/") || mime.ends_with("javascript") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    answer
        .content_type(content_type)
        .body(file.data.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_the_page_loads_is_embedded() {
        let index = Assets::get("index.html").expect("index.html is embedded");
        let html = std::str::from_utf8(&index.data).unwrap();
        for src in html.split("src=\"").skip(1) {
            let path = src.split('"').next().unwrap();
            let path = path.trim_start_matches("/console/");
            assert!(Assets::get(path).is_some(), "{path} is not embedded");
        }
    }
}
