//! A real mitra server and a real headless Chromium for the console's browser tests.
//!
//! Chromium comes from Debian's `chromium` package (`.ci/run` installs it). The tests are
//! `#[ignore]`d, so a plain `cargo test` shows them as not run; `cargo test --test console --
//! --ignored` runs them (CI does), and there a missing browser fails them: a browser test
//! never passes without a browser. Screenshots and downloads go to
//! `target/console-artefacts/`.

#![allow(dead_code)] // Helpers for every flow; not each test uses all.

use headless_chrome::browser::tab::Tab;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Browser as Cdp, Page, Runtime};
use headless_chrome::{Browser, LaunchOptions};
use mitra::startup::{Application, Settings};
use serde_json::{json, Value};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const ORGANIZER: &str = "console-organizer-token-2b8d4f6a0c3e";

pub struct Console {
    /// `http://127.0.0.1:port`
    pub base: String,
    /// Sends the organizer token.
    pub api: reqwest::blocking::Client,
    pub tab: Arc<Tab>,
    pub artefacts: PathBuf,
    pub downloads: PathBuf,
    errors: Arc<Mutex<Vec<String>>>,
    _browser: Browser,
    server: Option<actix_web::dev::ServerHandle>,
    _data: tempfile::TempDir,
    _profile: tempfile::TempDir,
}

fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

impl Console {
    /// A fresh server (empty store) and browser for the test named `test`.
    pub fn start(test: &str) -> Console {
        Console::start_with(test, None)
    }

    /// Like [`Console::start`], with a server that sends agendas by e-mail through `smtp_url`.
    pub fn start_with_mail(test: &str, smtp_url: &str) -> Console {
        Console::start_with(
            test,
            Some(mitra::app::mail::MailSettings {
                url: smtp_url.to_string(),
                from: "Panitia <panitia@mitra.test>".into(),
            }),
        )
    }

    fn start_with(test: &str, mail: Option<mitra::app::mail::MailSettings>) -> Console {
        let Some(chromium) = chromium() else {
            panic!("{test} needs Chromium, and none is installed (apt-get install chromium)");
        };
        let data = tempfile::tempdir().expect("temporary folder");
        let (base, server) = spawn_server(data.path(), mail);
        let profile = tempfile::tempdir().expect("profile folder");
        let args: Vec<&OsStr> = [
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ]
        .iter()
        .map(OsStr::new)
        .collect();
        let options = LaunchOptions::default_builder()
            .path(Some(chromium))
            .sandbox(false)
            .headless(true)
            .window_size(Some((1366, 900)))
            .user_data_dir(Some(profile.path().to_path_buf()))
            .idle_browser_timeout(Duration::from_secs(120))
            .args(args)
            .build()
            .expect("launch options");
        let browser = Browser::new(options).expect("Chromium starts");
        let tab = browser.new_tab().expect("a tab");
        tab.set_default_timeout(Duration::from_secs(20));
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = errors.clone();
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let message = match event {
                Event::RuntimeExceptionThrown(e) => Some(format!(
                    "exception: {}",
                    e.params
                        .exception_details
                        .exception
                        .as_ref()
                        .and_then(|x| x.description.clone())
                        .unwrap_or_else(|| e.params.exception_details.text.clone())
                )),
                Event::RuntimeConsoleAPICalled(e)
                    if matches!(
                        e.params.Type,
                        Runtime::ConsoleAPICalledEventTypeOption::Error
                    ) =>
                {
                    Some(format!(
                        "console.error: {:?}",
                        e.params.args.first().and_then(|a| a.value.clone())
                    ))
                }
                Event::LogEntryAdded(e)
                    if matches!(
                        e.params.entry.level,
                        headless_chrome::protocol::cdp::Log::LogEntryLevel::Error
                    ) =>
                {
                    Some(format!(
                        "log: {} {}",
                        e.params.entry.text,
                        e.params.entry.url.clone().unwrap_or_default()
                    ))
                }
                _ => None,
            };
            if let Some(m) = message {
                sink.lock().unwrap().push(m);
            }
        }))
        .expect("listener");
        tab.enable_runtime().expect("runtime events");
        tab.enable_log().expect("log events");

        let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/console-artefacts");
        let downloads = artefacts.join("downloads").join(test);
        std::fs::create_dir_all(&downloads).expect("artefact folder");
        tab.call_method(Cdp::SetDownloadBehavior {
            behavior: Cdp::SetDownloadBehaviorBehaviorOption::Allow,
            browser_context_id: None,
            download_path: Some(downloads.to_string_lossy().into_owned()),
            events_enabled: None,
        })
        .expect("downloads allowed");

        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {ORGANIZER}").parse().unwrap(),
        );
        let api = reqwest::blocking::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        Console {
            base,
            api,
            tab,
            artefacts,
            downloads,
            errors,
            _browser: browser,
            server: Some(server),
            _data: data,
            _profile: profile,
        }
    }

    /// Opens a console page (`/forum`, `/firma/x`): `#` routes of `/console/`.
    pub fn open(&self, route: &str) {
        // A new query each time makes it a real page load, even when only the route differs.
        static LOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let url = format!("{}/console/?load={n}#{route}", self.base);
        self.tab.navigate_to(&url).expect("navigates");
        self.tab.wait_until_navigated().expect("page loads");
    }

    /// Signs in through the form, with the keyboard only: the token field has the focus
    /// when the page opens, and Enter submits.
    pub fn sign_in(&self, token: &str) {
        self.open("/");
        self.wait("#signin #token");
        self.wait_for("document.activeElement && document.activeElement.id === 'token'");
        self.tab.type_str(token).expect("types the token");
        self.tab.press_key("Enter").expect("submits");
        self.wait_for("!document.querySelector('#signin') && document.querySelector('#nav a')");
    }

    pub fn wait(&self, selector: &str) -> headless_chrome::Element<'_> {
        self.tab
            .wait_for_element(selector)
            .unwrap_or_else(|e| panic!("{selector} did not appear: {e}\n{}", self.page_text()))
    }

    pub fn click(&self, selector: &str) {
        self.wait(selector).click().expect("clicks");
    }

    /// Replaces an input's value as a user would: select all, then type.
    pub fn type_into(&self, selector: &str, text: &str) {
        let el = self.wait(selector);
        el.click().expect("focuses");
        self.eval(&format!(
            "document.querySelector({}).select?.()",
            serde_json::to_string(selector).unwrap()
        ));
        if text.is_empty() {
            self.tab.press_key("Backspace").expect("clears");
        } else {
            self.tab.type_str(text).expect("types");
        }
    }

    /// Sets a <select>'s value and tells the page it changed.
    pub fn choose(&self, selector: &str, value: &str) {
        self.wait(selector);
        self.eval(&format!(
            "(() => {{ const s = document.querySelector({}); s.value = {}; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()",
            serde_json::to_string(selector).unwrap(),
            serde_json::to_string(value).unwrap()
        ));
    }

    /// Puts a file into an <input type=file>.
    pub fn upload(&self, selector: &str, file: &Path) {
        self.wait(selector)
            .set_input_files(&[file.to_str().unwrap()])
            .expect("file chosen");
    }

    /// The value of a JavaScript expression (awaited when it is a promise).
    pub fn eval(&self, expression: &str) -> Value {
        self.tab
            .evaluate(expression, true)
            .unwrap_or_else(|e| panic!("evaluating {expression}: {e}"))
            .value
            .unwrap_or(Value::Null)
    }

    /// Waits until a JavaScript condition holds (20 s at most).
    pub fn wait_for(&self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.eval(&format!("!!({condition})")) == Value::Bool(true) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {condition}\npage:\n{}",
                    self.page_text()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn text(&self, selector: &str) -> String {
        self.wait(selector);
        self.eval(&format!(
            "document.querySelector({}).innerText",
            serde_json::to_string(selector).unwrap()
        ))
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    pub fn page_text(&self) -> String {
        self.tab
            .evaluate("document.body ? document.body.innerText : ''", false)
            .ok()
            .and_then(|v| v.value)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// A PNG of the whole page (beyond the window) in the artefact folder; returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        use base64::Engine;
        let shot = self
            .tab
            .call_method(Page::CaptureScreenshot {
                format: Some(Page::CaptureScreenshotFormatOption::Png),
                quality: None,
                clip: None,
                from_surface: Some(true),
                capture_beyond_viewport: Some(true),
                optimize_for_speed: None,
            })
            .expect("screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot.data)
            .expect("PNG data");
        let path = self.artefacts.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("screenshot saved");
        path
    }

    /// A PNG of one element (its box on the whole page) in the artefact folder.
    pub fn screenshot_of(&self, selector: &str, name: &str) -> PathBuf {
        use base64::Engine;
        let rect = self.eval(&format!(
            "(() => {{ const r = document.querySelector({}).getBoundingClientRect(); \
             return JSON.stringify([r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]); }})()",
            serde_json::to_string(selector).unwrap()
        ));
        let rect: Vec<Value> =
            serde_json::from_str(rect.as_str().expect("element box")).expect("element box");
        let at = |i: usize| rect[i].as_f64().expect("element box");
        let shot = self
            .tab
            .call_method(Page::CaptureScreenshot {
                format: Some(Page::CaptureScreenshotFormatOption::Png),
                quality: None,
                clip: Some(Page::Viewport {
                    x: at(0),
                    y: at(1),
                    width: at(2),
                    height: at(3),
                    scale: 1.5,
                }),
                from_surface: Some(true),
                capture_beyond_viewport: Some(true),
                optimize_for_speed: None,
            })
            .expect("screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot.data)
            .expect("PNG data");
        let path = self.artefacts.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("screenshot saved");
        path
    }

    /// A file the browser downloaded, once it is complete.
    pub fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.downloads.join(name);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !path.exists() {
            assert!(Instant::now() < deadline, "{name} was not downloaded");
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(200));
        std::fs::read(&path).expect("download readable")
    }

    /// Errors the page logged (exceptions, console.error, failed loads, policy violations).
    pub fn assert_no_console_errors(&self) {
        let errors = self.errors.lock().unwrap();
        assert!(
            errors.is_empty(),
            "the console logged errors:\n{}",
            errors.join("\n")
        );
    }

    /// Forgets errors that a test provoked on purpose (e.g. a 422 the page shows).
    pub fn clear_console_errors(&self) {
        self.errors.lock().unwrap().clear();
    }

    /// Runs axe-core (WCAG 2 A and AA rules: labels, contrast, names, landmarks…) on the page
    /// as it is now and fails on any violation.
    pub fn assert_accessible(&self, page: &str) {
        if self.eval("typeof window.axe") != json!("object") {
            self.tab
                .evaluate(include_str!("support/axe.min.js"), false)
                .expect("axe loads");
        }
        let found = self.eval(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
               .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))",
        );
        let violations: Vec<Value> =
            serde_json::from_str(found.as_str().unwrap_or("[]")).expect("axe answer");
        assert!(
            violations.is_empty(),
            "{page}: accessibility violations:\n{}",
            serde_json::to_string_pretty(&violations).unwrap()
        );
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Seeds `n` demo firms through the import API; returns the import report.
    pub fn seed_demo(&self, seed: u64, n: usize) -> Value {
        let firms = mitra::gen::demo(seed, n);
        let answer = self
            .api
            .post(self.url("/v1/firms/import"))
            .json(&firms)
            .send()
            .expect("import");
        assert_eq!(answer.status(), 200, "demo import");
        answer.json().expect("import report")
    }

    /// `GET path` with another bearer token (a firm's), as JSON.
    pub fn api_as(&self, token: &str, path: &str) -> Value {
        let answer = reqwest::blocking::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .expect("API call");
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        answer.json().expect("JSON")
    }

    pub fn api_json(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.api.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().expect("API call");
        let status = answer.status();
        let text = answer.text().unwrap_or_default();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            drop(server.stop(true));
        }
    }
}

/// The server on its own thread and runtime, so tests can drive the browser synchronously.
fn spawn_server(
    data_dir: &Path,
    mail: Option<mitra::app::mail::MailSettings>,
) -> (String, actix_web::dev::ServerHandle) {
    let (tx, rx) = std::sync::mpsc::channel();
    let data_dir = data_dir.to_path_buf();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(Settings {
                addr: "127.0.0.1:0".into(),
                data_dir,
                workers: Some(2),
                organizer_tokens: vec![ORGANIZER.into()],
                public_directory: false,
                public_metrics: false,
                slow_failed_tokens: false,
                mail,
            })
            .expect("server builds");
            tx.send((format!("http://127.0.0.1:{}", app.port()), app.handle()))
                .unwrap();
            let _ = app.run_until_stopped().await;
        });
    });
    rx.recv().expect("server started")
}
