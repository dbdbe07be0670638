//! Prometheus instruments of one server, and the middleware that counts and times every
//! request by route pattern.
//!
//! Built on the `prometheus` crate (tikv/rust-prometheus): a plain `Registry` value per
//! server, no process-wide recorder, so every test server (and every `Application` in one
//! process) has its own numbers; and its text encoder alone, without protobuf.

use super::AppState;
use crate::store::StoreCounts;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;
use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};

/// Content type of the text exposition format.
pub const TEXT_FORMAT: &str = prometheus::TEXT_FORMAT;

/// The `route` of a request that matched no route (404s, 405s): one label for all of them,
/// so random paths cannot grow the number of series.
pub const UNMATCHED: &str = "unmatched";

const REQUEST_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Solver budgets go up to 60 s.
const SOLVER_BUCKETS: &[f64] = &[
    0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0,
];
/// One firm's list takes milliseconds; a batch of 20 000 firms a few seconds.
const RANKING_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// What a scrape reports besides the instruments: read from the store and the disk then.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    pub counts: StoreCounts,
    pub store_bytes: u64,
    pub filesystem_total_bytes: Option<u64>,
    pub filesystem_available_bytes: Option<u64>,
    pub uptime_seconds: f64,
}

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_duration: HistogramVec,
    solver_duration: HistogramVec,
    ranking_duration: HistogramVec,
    firms: IntGaugeVec,
    records: IntGaugeVec,
    store_bytes: IntGauge,
    filesystem_total: IntGauge,
    filesystem_available: IntGauge,
    uptime: Gauge,
}

fn register<C: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    collector: prometheus::Result<C>,
) -> prometheus::Result<C> {
    let collector = collector?;
    registry.register(Box::new(collector.clone()))?;
    Ok(collector)
}

fn histogram(name: &str, help: &str, buckets: &[f64]) -> HistogramOpts {
    HistogramOpts::new(name, help).buckets(buckets.to_vec())
}

impl Metrics {
    pub fn new() -> prometheus::Result<Metrics> {
        let r = Registry::new();
        let build_info = register(
            &r,
            IntGaugeVec::new(
                Opts::new(
                    "mitra_build_info",
                    "Always 1; the labels say which build runs",
                ),
                &["version"],
            ),
        )?;
        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
        Ok(Metrics {
            requests: register(
                &r,
                IntCounterVec::new(
                    Opts::new(
                        "mitra_http_requests_total",
                        "HTTP requests answered, by method, route pattern and status",
                    ),
                    &["method", "route", "status"],
                ),
            )?,
            request_duration: register(
                &r,
                HistogramVec::new(
                    histogram(
                        "mitra_http_request_duration_seconds",
                        "Time from request to response head, by method and route pattern",
                        REQUEST_BUCKETS,
                    ),
                    &["method", "route"],
                ),
            )?,
            solver_duration: register(
                &r,
                HistogramVec::new(
                    histogram(
                        "mitra_solver_duration_seconds",
                        "Timetable solver runs (solve, generate, repair) by objective",
                        SOLVER_BUCKETS,
                    ),
                    &["operation", "objective"],
                ),
            )?,
            ranking_duration: register(
                &r,
                HistogramVec::new(
                    histogram(
                        "mitra_ranking_duration_seconds",
                        "Partner rankings: one firm's list, or every firm's (batch)",
                        RANKING_BUCKETS,
                    ),
                    &["kind"],
                ),
            )?,
            firms: register(
                &r,
                IntGaugeVec::new(
                    Opts::new("mitra_store_firms", "Stored firms by province"),
                    &["province"],
                ),
            )?,
            records: register(
                &r,
                IntGaugeVec::new(
                    Opts::new(
                        "mitra_store_records",
                        "Stored forums (events), participants, meeting requests, schedules, outcomes",
                    ),
                    &["kind"],
                ),
            )?,
            store_bytes: register(
                &r,
                IntGauge::new(
                    "mitra_store_size_bytes",
                    "Bytes the sled store takes on disk",
                ),
            )?,
            filesystem_total: register(
                &r,
                IntGauge::new(
                    "mitra_data_filesystem_size_bytes",
                    "Size of the filesystem that holds the data folder",
                ),
            )?,
            filesystem_available: register(
                &r,
                IntGauge::new(
                    "mitra_data_filesystem_available_bytes",
                    "Bytes available to mitra on the filesystem that holds the data folder",
                ),
            )?,
            uptime: register(
                &r,
                Gauge::new(
                    "mitra_uptime_seconds",
                    "Seconds since this server started",
                ),
            )?,
            registry: r,
        })
    }

    /// The histogram of solver runs of this kind (see [`Metrics::time`]).
    pub fn solver(&self, operation: &str, objective: crate::schedule::Objective) -> Histogram {
        let objective = match objective {
            crate::schedule::Objective::MaxValue => "max_value",
            crate::schedule::Objective::MinIdle => "min_idle",
        };
        self.solver_duration
            .with_label_values(&[operation, objective])
    }

    /// Runs `work`, timing it in `histogram` if it succeeds (a refused problem is no run).
    pub fn time<T, E>(histogram: &Histogram, work: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let started = std::time::Instant::now();
        let result = work();
        if result.is_ok() {
            histogram.observe(started.elapsed().as_secs_f64());
        }
        result
    }

    /// A histogram to time one ranking with: `one_firm` or `batch`.
    /// (Also told by the application through [`crate::app::Observer`].)
    pub fn ranking(&self, kind: &str) -> Histogram {
        self.ranking_duration.with_label_values(&[kind])
    }

    fn observe_request(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let method = method_label(method);
        self.requests
            .with_label_values(&[method, route, status.to_string().as_str()])
            .inc();
        self.request_duration
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// The text exposition of every instrument, with the gauges set to `gauges`.
    pub fn render(&self, gauges: &Gauges) -> prometheus::Result<String> {
        for province in crate::domain::Province::ALL {
            self.firms
                .with_label_values(&[province.as_str()])
                .set(as_gauge(gauges.counts.firms_in(province)));
        }
        let c = &gauges.counts;
        for (kind, n) in [
            ("events", c.events),
            ("participants", c.participants),
            ("meeting_requests", c.meeting_requests),
            ("schedules", c.schedules),
            ("outcomes", c.outcomes),
        ] {
            self.records.with_label_values(&[kind]).set(as_gauge(n));
        }
        self.store_bytes.set(as_gauge(gauges.store_bytes));
        // A filesystem that cannot be measured shows -1 rather than a stale or made-up value.
        self.filesystem_total
            .set(gauges.filesystem_total_bytes.map_or(-1, as_gauge));
        self.filesystem_available
            .set(gauges.filesystem_available_bytes.map_or(-1, as_gauge));
        self.uptime.set(gauges.uptime_seconds);
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        String::from_utf8(out).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

fn as_gauge(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Methods outside the usual set share one label, so odd methods cannot grow the series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Middleware around the whole app: counts and times each request under the pattern of the
/// route it matches (`/v1/firms/{id}`, never the raw path), or [`UNMATCHED`].
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().clone();
    // Looked up before the call: a middleware further in (authentication) may answer with an
    // error, and then no request comes back to ask. The resource map lists the routes in
    // registration order, as the router tries them.
    let route = req
        .resource_map()
        .match_pattern(req.path())
        .unwrap_or_else(|| UNMATCHED.to_string());
    let result = next.call(req).await;
    if let Some(state) = state {
        let status = match &result {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        state.ops.metrics.observe_request(
            &method,
            &route,
            status.as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    result
}

impl crate::app::Observer for Metrics {
    fn solved(
        &self,
        operation: &'static str,
        objective: crate::schedule::Objective,
        took: std::time::Duration,
    ) {
        self.solver(operation, objective)
            .observe(took.as_secs_f64());
    }

    fn ranked(&self, kind: &'static str, took: std::time::Duration) {
        self.ranking(kind).observe(took.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_registry_renders_build_info_and_the_gauges() {
        let metrics = Metrics::new().unwrap();
        metrics.observe_request(&Method::GET, "/v1/firms/{id}", 200, 0.003);
        let text = metrics
            .render(&Gauges {
                store_bytes: 4096,
                ..Gauges::default()
            })
            .unwrap();
        assert!(text.contains(&format!(
            "mitra_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(text.contains(
            "mitra_http_requests_total{method=\"GET\",route=\"/v1/firms/{id}\",status=\"200\"} 1"
        ));
        assert!(text.contains("mitra_store_size_bytes 4096"));
        assert!(text.contains("mitra_data_filesystem_size_bytes -1"));
        assert!(text.contains("mitra_store_firms{province=\"NTB\"} 0"));
    }

    #[test]
    fn odd_methods_share_one_label() {
        let odd = Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&odd), "other");
        assert_eq!(method_label(&Method::DELETE), "DELETE");
    }
}
