//! A real server per test: port 0, its own temporary sled folder, and one method per
//! endpoint so tests read like the API's guide.

use mitra::startup::{Application, Settings};
use reqwest::{Client, Method, Response};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The organizer tokens every test server accepts.
pub const ORGANIZER: &str = "test-organizer-token-4f2a9c7e1b3d5a8f";
pub const ROTATED_ORGANIZER: &str = "test-organizer-token-next-8e6c0d2f4a1b";

pub struct TestApp {
    pub address: String,
    /// Sends the organizer token with every request.
    pub client: Client,
    /// Sends no token.
    pub anonymous: Client,
    pub data_dir: PathBuf,
    handle: actix_web::dev::ServerHandle,
    task: actix_web::rt::task::JoinHandle<anyhow::Result<()>>,
    // Kept so the folder lives as long as the app.
    _dir: Option<TempDir>,
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut app = start(dir.path(), false, false).await;
    app._dir = Some(dir);
    app
}

/// A server that slows down an address sending unknown tokens, as `mitra serve` does (the
/// other test servers do not: their tests try many bad tokens on purpose).
pub async fn spawn_guarded_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut app = start_with(dir.path(), false, false, true).await;
    app._dir = Some(dir);
    app
}

/// A server whose operator enabled the public directory.
pub async fn spawn_public_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut app = start(dir.path(), true, false).await;
    app._dir = Some(dir);
    app
}

/// A server whose operator let `/metrics` answer without a token.
pub async fn spawn_public_metrics_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut app = start(dir.path(), false, true).await;
    app._dir = Some(dir);
    app
}

/// A server on an existing data folder (the caller keeps the folder alive).
pub async fn spawn_app_on(data_dir: &Path) -> TestApp {
    start(data_dir, false, false).await
}

/// A server that sends agendas by e-mail through the SMTP server at `smtp_url`.
pub async fn spawn_mail_app(smtp_url: &str) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mail = mitra::app::mail::MailSettings {
        url: smtp_url.to_string(),
        from: "Panitia Temu Bisnis <panitia@mitra.test>".into(),
    };
    let mut app = start_settings(dir.path(), false, false, false, Some(mail)).await;
    app._dir = Some(dir);
    app
}

async fn start(data_dir: &Path, public_directory: bool, public_metrics: bool) -> TestApp {
    start_with(data_dir, public_directory, public_metrics, false).await
}

async fn start_with(
    data_dir: &Path,
    public_directory: bool,
    public_metrics: bool,
    slow_failed_tokens: bool,
) -> TestApp {
    start_settings(
        data_dir,
        public_directory,
        public_metrics,
        slow_failed_tokens,
        None,
    )
    .await
}

async fn start_settings(
    data_dir: &Path,
    public_directory: bool,
    public_metrics: bool,
    slow_failed_tokens: bool,
    mail: Option<mitra::app::mail::MailSettings>,
) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        mitra::telemetry::init(false);
    }
    let app = Application::build(Settings {
        addr: "127.0.0.1:0".into(),
        data_dir: data_dir.to_path_buf(),
        workers: Some(2),
        organizer_tokens: vec![ORGANIZER.into(), ROTATED_ORGANIZER.into()],
        public_directory,
        public_metrics,
        slow_failed_tokens,
        mail,
    })
    .expect("server builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    // Every request of a test app is an organizer's unless a test says otherwise.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {ORGANIZER}").parse().unwrap(),
    );
    let handle = app.handle();
    let task = actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: Client::builder().default_headers(headers).build().unwrap(),
        anonymous: Client::new(),
        data_dir: data_dir.to_path_buf(),
        handle,
        task,
        _dir: None,
    }
}

/// A valid profile of an NTB coffee roaster; tests change what they need.
pub fn coffee_roaster() -> Value {
    json!({
        "name": "CV Kopi Sembalun Rinjani",
        "province": "NTB",
        "regency": "Lombok Timur",
        "kbli": ["10761"],
        "size": "small",
        "employees": 14,
        "certifications": ["halal", "pirt"],
        "products": [{"name": "Kopi arabika sangrai", "hs_code": "090121",
                      "capacity": {"amount": 300, "unit": "kg", "per": "month"}}],
        "needs": [{"name": "Standing pouch kemasan", "volume": {"amount": 2000, "unit": "pcs", "per": "month"}}],
        "contact": {"person": "Baiq Nurul Aini", "phone": "0812-3456-7890", "email": "aini@kopisembalun.id"}
    })
}

/// A valid profile of a Jatim packaging maker.
pub fn packaging_maker() -> Value {
    json!({
        "name": "PT Kemasan Prima Sidoarjo",
        "province": "JATIM",
        "regency": "Sidoarjo",
        "kbli": ["22220"],
        "size": "medium",
        "employees": 60,
        "certifications": ["sni", "halal"],
        "products": [{"name": "Standing pouch", "hs_code": "392329",
                      "capacity": {"amount": 50000, "unit": "pcs", "per": "month"}}],
        "needs": []
    })
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_firm(&self, body: &Value) -> Response {
        self.client
            .post(self.url("/v1/firms"))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Creates a firm and returns its stored form; panics unless 201.
    pub async fn create_firm(&self, body: &Value) -> Value {
        self.register_firm(body).await.0
    }

    /// Creates a firm; returns its stored form and its bearer token.
    pub async fn register_firm(&self, body: &Value) -> (Value, String) {
        let response = self.post_firm(body).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        let mut firm: Value = response.json().await.unwrap();
        let token = firm
            .as_object_mut()
            .unwrap()
            .remove("token")
            .expect("registration answers with the firm's token");
        (firm, token.as_str().unwrap().to_string())
    }

    pub async fn get_firm(&self, id: &str) -> Response {
        self.client
            .get(self.url(&format!("/v1/firms/{id}")))
            .send()
            .await
            .unwrap()
    }

    pub async fn put_firm(&self, id: &str, body: &Value, if_match: Option<&str>) -> Response {
        let mut request = self
            .client
            .put(self.url(&format!("/v1/firms/{id}")))
            .json(body);
        if let Some(etag) = if_match {
            request = request.header("If-Match", etag);
        }
        request.send().await.unwrap()
    }

    pub async fn patch_firm(&self, id: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(&format!("/v1/firms/{id}")))
            .header("Content-Type", "application/merge-patch+json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    pub async fn delete_firm(&self, id: &str, if_match: Option<&str>) -> Response {
        let mut request = self.client.delete(self.url(&format!("/v1/firms/{id}")));
        if let Some(etag) = if_match {
            request = request.header("If-Match", etag);
        }
        request.send().await.unwrap()
    }

    pub async fn list_firms(&self, query: &str) -> Response {
        self.client
            .get(self.url(&format!("/v1/firms?{query}")))
            .send()
            .await
            .unwrap()
    }

    /// Every firm id of a filtered list, walking all pages of `page_size`.
    pub async fn all_ids(&self, query: &str, page_size: usize) -> Vec<String> {
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut q = format!("{query}&limit={page_size}");
            if let Some(c) = &cursor {
                q.push_str(&format!("&cursor={c}"));
            }
            let page: Value = self.list_firms(&q).await.json().await.unwrap();
            ids.extend(
                page["firms"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["id"].as_str().unwrap().to_string()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => return ids,
            }
        }
    }

    pub async fn import(
        &self,
        content_type: &str,
        body: impl Into<reqwest::Body>,
        query: &str,
    ) -> Response {
        self.client
            .post(self.url(&format!("/v1/firms/import?{query}")))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn export(&self, query: &str) -> Response {
        self.client
            .get(self.url(&format!("/v1/firms/export?{query}")))
            .send()
            .await
            .unwrap()
    }

    /// `GET /metrics` with a chosen bearer token (`None`: no Authorization header).
    pub async fn scrape(&self, token: Option<&str>) -> Response {
        self.as_token(reqwest::Method::GET, "/metrics", token)
            .send()
            .await
            .unwrap()
    }

    /// The organizer's scrape of `/metrics`, as text; panics unless 200.
    pub async fn metrics(&self) -> String {
        let response = self.scrape(Some(ORGANIZER)).await;
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }

    pub async fn status(&self) -> Response {
        self.get("/v1/status").await
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// An organizer's GET of a JSON answer.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        self.get(path).await.json().await.unwrap()
    }

    /// An organizer's request with an optional JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    /// Like [`TestApp::call`] with a firm's token.
    pub async fn call_as(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.as_token(method, path, Some(token));
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    /// A request with a chosen bearer token (`None`: no Authorization header).
    pub fn as_token(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let request = self.anonymous.request(method, self.url(path));
        match token {
            Some(t) => request.bearer_auth(t),
            None => request,
        }
    }

    /// Imports firms sent as a JSON list; returns their ids in order. Panics unless 200.
    pub async fn import_firms(&self, firms: &[Value]) -> Vec<String> {
        let response = self
            .import("application/json", Value::from(firms).to_string(), "")
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        let report: Value = response.json().await.unwrap();
        report["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    /// Creates the forum that [`forum`] describes (at [`FORUM`]). Panics unless 201.
    pub async fn create_forum(&self) {
        let response = self.call(Method::POST, "/v1/events", Some(&forum())).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }

    /// Registers these firms for the forum at [`FORUM`] in one call; returns the stored
    /// participants. Panics unless 201.
    pub async fn register_participants(&self, ids: &[impl AsRef<str>]) -> Vec<Value> {
        let all: Vec<Value> = ids
            .iter()
            .map(|id| json!({"firm_id": id.as_ref()}))
            .collect();
        let response = self
            .call(
                Method::POST,
                &format!("{FORUM}/participants"),
                Some(&Value::Array(all)),
            )
            .await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    /// Generates the timetable of the forum at [`FORUM`] with these options; returns it.
    /// Panics unless 200.
    pub async fn generate_timetable(&self, options: Value) -> Value {
        let response = self
            .call(Method::POST, &format!("{FORUM}/schedule"), Some(&options))
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    /// Issues the firm a new token (the old one stops working); returns it.
    pub async fn reissue_token(&self, firm: &str) -> String {
        let issued: Value = self
            .call(Method::POST, &format!("/v1/firms/{firm}/token"), None)
            .await
            .json()
            .await
            .unwrap();
        issued["token"].as_str().unwrap().to_string()
    }

    /// Stops the server gracefully and waits until its store is flushed and closed.
    pub async fn stop(self) -> Option<TempDir> {
        self.handle.stop(true).await;
        self.task.await.expect("server task").expect("clean stop");
        self._dir
    }
}

/// The `errors` of a problem body as (field, line) pairs.
pub fn problem_fields(problem: &Value) -> Vec<(String, Option<u64>)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| (e["field"].as_str().unwrap().to_string(), e["line"].as_u64()))
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts a problem+json answer with this status and code; returns the body.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    body
}

/// Asserts a 422 `validation_failed` answer; returns the body.
pub async fn assert_invalid(response: Response) -> Value {
    assert_problem(response, 422, "validation_failed").await
}

/// The fields a problem body names, in its order.
pub fn field_names(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

/// The path of the forum that [`forum`] describes.
pub const FORUM: &str = "/v1/events/temu-bisnis-mataram";

/// `count` generated demo firms (the same for the same `seed`), as JSON to import.
pub fn demo_firms(seed: u64, count: usize) -> Vec<Value> {
    mitra::gen::demo(seed, count)
        .into_iter()
        .map(|f| serde_json::to_value(f).unwrap())
        .collect()
}

/// A forum with 24 demo firms registered, two requests (one accepted); returns the firms'
/// ids.
pub async fn forum_with_participants(app: &TestApp) -> Vec<String> {
    let ids = app.import_firms(&demo_firms(11, 24)).await;
    app.create_forum().await;
    // Everyone registered in one call.
    let registered = app.register_participants(&ids).await;
    assert_eq!(registered.len(), ids.len());
    let path = format!("{FORUM}/requests");
    let first: Value = app
        .call(
            Method::POST,
            &path,
            Some(&json!({"from": ids[0], "to": ids[1], "priority": 3})),
        )
        .await
        .json()
        .await
        .unwrap();
    let accept = format!("{path}/{}/accept", first["id"].as_str().unwrap());
    assert_eq!(app.call(Method::POST, &accept, None).await.status(), 200);
    app.call(
        Method::POST,
        &path,
        Some(&json!({"from": ids[2], "to": ids[3]})),
    )
    .await;
    ids
}

/// A two-day forum in Mataram: 8 + 3 slots on day one, 2 on day two, 3 tables.
pub fn forum() -> Value {
    json!({
        "id": "temu-bisnis-mataram",
        "name": "Temu Bisnis IKM NTB–Jatim",
        "venue": "Islamic Center, Mataram",
        "time_zone": "WITA",
        "days": [
            {"date": "2026-12-10", "sessions": [{"name": "pagi", "start": "08:30", "end": "12:00"},
                                               {"name": "siang", "start": "13:30", "end": "15:00"}]},
            {"date": "2026-12-11", "sessions": [{"name": "pagi", "start": "09:00", "end": "10:00"}]}
        ],
        "slot_minutes": 20,
        "break_minutes": 5,
        "tables": 3
    })
}

/// The value of the series `name` whose labels include all of `labels`, from a Prometheus
/// text exposition; `None` if there is no such series.
pub fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(' '))
        .find(|(series, _)| {
            let (series_name, series_labels) = series.split_once('{').unwrap_or((series, ""));
            series_name == name
                && labels
                    .iter()
                    .all(|(k, v)| series_labels.contains(&format!("{k}=\"{v}\"")))
        })
        .map(|(_, value)| value.parse().expect("a sample value is a number"))
}
