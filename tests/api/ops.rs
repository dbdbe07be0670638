//! Operations: Prometheus metrics per route pattern, solver and ranking timings, and the
//! status the organizer console shows.

use crate::helpers::{
    assert_problem, coffee_roaster, forum, packaging_maker, sample, spawn_app,
    spawn_public_metrics_app, ORGANIZER,
};
use reqwest::Method;
use serde_json::{json, Value};

#[actix_web::test]
async fn metrics_need_an_organizer_token_like_the_api() {
    let app = spawn_app().await;
    let (_, firm_token) = app.register_firm(&coffee_roaster()).await;

    let response = app.scrape(None).await;
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"mitra\""
    );
    assert_problem(response, 401, "unauthorized").await;
    assert_problem(app.scrape(Some("wrong")).await, 401, "unauthorized").await;
    assert_problem(app.scrape(Some(&firm_token)).await, 403, "forbidden").await;

    let response = app.scrape(Some(ORGANIZER)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4"
    );
    let text = response.text().await.unwrap();
    assert_eq!(
        sample(
            &text,
            "mitra_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        Some(1.0)
    );
    assert!(sample(&text, "mitra_uptime_seconds", &[]).unwrap() >= 0.0);
    assert!(sample(&text, "mitra_store_size_bytes", &[]).unwrap() > 0.0);
    assert!(sample(&text, "mitra_data_filesystem_available_bytes", &[]).unwrap() > 0.0);
}

#[actix_web::test]
async fn the_operator_may_open_metrics_to_callers_without_a_token() {
    let app = spawn_public_metrics_app().await;
    assert_eq!(app.scrape(None).await.status(), 200);
    // Only the metrics: the API still wants its tokens.
    assert_eq!(
        app.as_token(Method::GET, "/v1/status", None)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[actix_web::test]
async fn requests_are_counted_and_timed_by_route_pattern() {
    let app = spawn_app().await;
    let firm = app.create_firm(&coffee_roaster()).await;
    let id = firm["id"].as_str().unwrap();
    for _ in 0..3 {
        assert_eq!(app.get_firm(id).await.status(), 200);
    }
    assert_eq!(app.get_firm("no-such-firm").await.status(), 404);
    let anonymous = app
        .as_token(Method::GET, &format!("/v1/firms/{id}"), None)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(app.get("/no/such/path").await.status(), 404);
    assert_eq!(app.get(&format!("/v1/{id}/random")).await.status(), 404);

    let text = app.metrics().await;
    let pattern = "/v1/firms/{id}";
    let count = |status: &str| {
        sample(
            &text,
            "mitra_http_requests_total",
            &[("method", "GET"), ("route", pattern), ("status", status)],
        )
    };
    assert_eq!(count("200"), Some(3.0), "{text}");
    assert_eq!(count("404"), Some(1.0));
    // Refused by the authentication middleware, still under its route.
    assert_eq!(count("401"), Some(1.0));
    assert_eq!(
        sample(
            &text,
            "mitra_http_requests_total",
            &[
                ("route", "/v1/firms"),
                ("method", "POST"),
                ("status", "201")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "mitra_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &text,
            "mitra_http_request_duration_seconds_count",
            &[("method", "GET"), ("route", pattern)]
        ),
        Some(5.0)
    );
    assert!(
        sample(
            &text,
            "mitra_http_request_duration_seconds_sum",
            &[("method", "GET"), ("route", pattern)]
        )
        .unwrap()
            > 0.0
    );
    // Raw paths never become labels.
    assert!(!text.contains(id), "{text}");
    assert!(!text.contains("no/such/path"));

    // The next scrape counts the ones before it.
    let again = app.metrics().await;
    assert!(
        sample(
            &again,
            "mitra_http_requests_total",
            &[("route", "/metrics"), ("status", "200")]
        )
        .unwrap()
            >= 1.0
    );
    assert_eq!(
        sample(
            &again,
            "mitra_http_requests_total",
            &[("method", "GET"), ("route", pattern), ("status", "200")]
        ),
        Some(3.0)
    );
}

#[actix_web::test]
async fn solver_and_ranking_runs_are_timed() {
    let app = spawn_app().await;
    let coffee = app.create_firm(&coffee_roaster()).await;
    app.create_firm(&packaging_maker()).await;
    let text = app.metrics().await;
    let runs = |text: &str, name: &str, labels: &[(&str, &str)]| {
        sample(text, &format!("{name}_count"), labels).unwrap_or(0.0)
    };
    assert_eq!(
        runs(
            &text,
            "mitra_ranking_duration_seconds",
            &[("kind", "batch")]
        ),
        0.0
    );

    let solve = json!({
        "sessions": [{"name": "pagi", "slots": 4}], "tables": 2,
        "participants": [{"id": "p1"}, {"id": "p2"}],
        "meetings": [{"a": "p1", "b": "p2"}], "objective": "min_idle", "time_limit_ms": 200
    });
    let response = app
        .call(Method::POST, "/v1/schedule/solve", Some(&solve))
        .await;
    assert_eq!(response.status(), 200);
    // A problem the solver refuses is not a run.
    let mut bad = solve.clone();
    bad["meetings"][0]["b"] = json!("p9");
    assert_eq!(
        app.call(Method::POST, "/v1/schedule/solve", Some(&bad))
            .await
            .status(),
        422
    );
    let matches = format!("/v1/firms/{}/matches", coffee["id"].as_str().unwrap());
    assert_eq!(app.get(&matches).await.status(), 200);
    let batch = app
        .call(
            Method::POST,
            "/v1/match/batch",
            Some(&json!({"include_matches": false})),
        )
        .await;
    assert_eq!(batch.status(), 200);

    let text = app.metrics().await;
    let solver = "mitra_solver_duration_seconds";
    assert_eq!(
        runs(
            &text,
            solver,
            &[("operation", "solve"), ("objective", "min_idle")]
        ),
        1.0,
        "{text}"
    );
    assert!(
        sample(
            &text,
            &format!("{solver}_bucket"),
            &[("operation", "solve"), ("le", "+Inf")]
        )
        .unwrap()
            >= 1.0
    );
    let ranking = "mitra_ranking_duration_seconds";
    assert_eq!(runs(&text, ranking, &[("kind", "one_firm")]), 1.0);
    assert_eq!(runs(&text, ranking, &[("kind", "batch")]), 1.0);
}

#[actix_web::test]
async fn status_reports_the_stored_counts_the_data_folder_and_disk_use() {
    let app = spawn_app().await;
    let (coffee, coffee_token) = app.register_firm(&coffee_roaster()).await;
    let mut second = coffee_roaster();
    second["name"] = json!("UD Madu Hutan Sumbawa");
    let honey = app.create_firm(&second).await;
    let pack = app.create_firm(&packaging_maker()).await;
    assert_eq!(
        app.call(Method::POST, "/v1/events", Some(&forum()))
            .await
            .status(),
        201
    );
    let participants: Vec<Value> = [&coffee, &honey, &pack]
        .iter()
        .map(|f| json!({"firm_id": f["id"]}))
        .collect();
    assert_eq!(
        app.call(
            Method::POST,
            "/v1/events/temu-bisnis-mataram/participants",
            Some(&Value::Array(participants)),
        )
        .await
        .status(),
        201
    );
    let request = json!({"from": coffee["id"], "to": pack["id"], "priority": 3});
    assert_eq!(
        app.call(
            Method::POST,
            "/v1/events/temu-bisnis-mataram/requests",
            Some(&request)
        )
        .await
        .status(),
        201
    );

    let response = app.status().await;
    assert_eq!(response.status(), 200);
    let status: Value = response.json().await.unwrap();
    assert_eq!(status["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(status["schema_version"], mitra::store::SCHEMA_VERSION);
    assert_eq!(
        status["data_dir"].as_str().unwrap(),
        app.data_dir.display().to_string()
    );
    assert!(status["uptime_seconds"].as_u64().is_some());
    assert!(status["started_at"]
        .as_str()
        .unwrap()
        .parse::<chrono::DateTime<chrono::Utc>>()
        .is_ok());
    assert_eq!(
        status["counts"],
        json!({
            "firms": 3,
            "firms_by_province": {"NTB": 2, "JATIM": 1},
            "events": 1,
            "participants": 3,
            "meeting_requests": 1,
            "schedules": 0,
            "outcomes": 0
        })
    );
    assert!(status["disk"]["store_bytes"].as_u64().unwrap() > 0);
    let total = status["disk"]["filesystem_total_bytes"].as_u64().unwrap();
    let available = status["disk"]["filesystem_available_bytes"]
        .as_u64()
        .unwrap();
    assert!(0 < available && available <= total);

    // The same numbers reach the scraper.
    let text = app.metrics().await;
    assert_eq!(
        sample(&text, "mitra_store_firms", &[("province", "NTB")]),
        Some(2.0)
    );
    assert_eq!(
        sample(&text, "mitra_store_firms", &[("province", "JATIM")]),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "mitra_store_records", &[("kind", "participants")]),
        Some(3.0)
    );

    // Organizers only.
    assert_problem(
        app.call_as(&coffee_token, Method::GET, "/v1/status", None)
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.as_token(Method::GET, "/v1/status", None)
            .send()
            .await
            .unwrap(),
        401,
        "unauthorized",
    )
    .await;
}

/// Every series name a PromQL expression mentions (`mitra_…`), in order of appearance.
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(start) = rest.find("mitra_") {
        let preceded_by_word = rest[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let tail = &rest[start..];
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        if !preceded_by_word {
            names.push(tail[..len].to_string());
        }
        rest = &tail[len..];
    }
    names
}

#[test]
fn metric_names_are_read_from_promql() {
    assert_eq!(
        metric_names(
            "histogram_quantile(0.95, sum by (le) (rate(mitra_http_request_duration_seconds_bucket[5m]))) / xmitra_no"
        ),
        ["mitra_http_request_duration_seconds_bucket"]
    );
    assert_eq!(
        metric_names("mitra_a{x=\"y\"} / mitra_b"),
        ["mitra_a", "mitra_b"]
    );
}

/// The Grafana dashboard of the deployment kit asks only for series a running server
/// exports, and shows every metric family it exports.
#[actix_web::test]
async fn the_grafana_dashboard_uses_the_metrics_the_server_exports() {
    let app = spawn_app().await;
    // Runs that make the labelled families appear: a solve, one firm's list and a batch.
    let coffee = app.create_firm(&coffee_roaster()).await;
    app.create_firm(&packaging_maker()).await;
    let solve = json!({
        "sessions": [{"name": "pagi", "slots": 2}], "tables": 1,
        "participants": [{"id": "p1"}, {"id": "p2"}],
        "meetings": [{"a": "p1", "b": "p2"}], "time_limit_ms": 200
    });
    let solved = app
        .call(Method::POST, "/v1/schedule/solve", Some(&solve))
        .await;
    assert_eq!(solved.status(), 200);
    let matches = format!("/v1/firms/{}/matches", coffee["id"].as_str().unwrap());
    assert_eq!(app.get(&matches).await.status(), 200);
    let batch = json!({"include_matches": false});
    let batch = app
        .call(Method::POST, "/v1/match/batch", Some(&batch))
        .await;
    assert_eq!(batch.status(), 200);
    let text = app.metrics().await;

    // Exported series names: each family, and a histogram's _bucket, _sum and _count.
    let mut families = std::collections::BTreeSet::new();
    let mut series = std::collections::BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            families.insert(name.to_string());
            series.insert(name.to_string());
            if kind == "histogram" {
                for suffix in ["_bucket", "_sum", "_count"] {
                    series.insert(format!("{name}{suffix}"));
                }
            }
        }
    }
    assert!(families.len() >= 10, "{families:?}");

    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/grafana/mitra-dashboard.json"
    );
    let dashboard: Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).expect("dashboard JSON");
    let mut used = std::collections::BTreeSet::new();
    let mut ids = std::collections::BTreeSet::new();
    for panel in dashboard["panels"].as_array().expect("panels") {
        let title = panel["title"].as_str().expect("every panel has a title");
        assert!(
            ids.insert(panel["id"].as_u64().expect("panel id")),
            "{title}"
        );
        assert_eq!(panel["datasource"]["uid"], "${datasource}", "{title}");
        let targets = panel["targets"].as_array().expect("targets");
        assert!(!targets.is_empty(), "{title} has no query");
        for target in targets {
            let expr = target["expr"].as_str().expect("expr");
            let names = metric_names(expr);
            assert!(
                !names.is_empty(),
                "{title}: {expr} asks for no mitra metric"
            );
            for name in names {
                assert!(
                    series.contains(&name),
                    "panel {title:?} asks for {name}, which the server does not export: {series:?}"
                );
                let family = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|s| name.strip_suffix(s).filter(|f| families.contains(*f)))
                    .unwrap_or(&name);
                used.insert(family.to_string());
            }
        }
    }
    let unshown: Vec<_> = families.difference(&used).collect();
    assert!(
        unshown.is_empty(),
        "exported but on no panel of the dashboard: {unshown:?}"
    );
}
