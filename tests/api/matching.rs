use crate::helpers::{
    assert_invalid, assert_problem, coffee_roaster, field_names, packaging_maker, spawn_app,
    spawn_app_on, TestApp,
};
use reqwest::Method;
use serde_json::{json, Value};

/// A Surabaya café chain that needs roasted arabica, in English.
fn cafe() -> Value {
    json!({
        "id": "kafe-nusantara",
        "name": "Kafe Nusantara",
        "province": "JATIM",
        "regency": "Surabaya",
        "kbli": ["56303"],
        "size": "medium",
        "employees": 40,
        "certifications": ["halal"],
        "products": [{"name": "Coffee drinks", "capacity": {"amount": 9000, "unit": "pcs", "per": "month"}}],
        "needs": [{"name": "roasted arabica coffee", "volume": {"amount": 200, "unit": "kg", "per": "month"},
                   "required_certifications": ["halal"]}]
    })
}

/// Another NTB coffee firm: a second seller, no buyer of coffee.
fn other_coffee_seller() -> Value {
    let mut body = coffee_roaster();
    body["id"] = json!("kopi-tambora");
    body["name"] = json!("UD Kopi Tambora");
    body["regency"] = json!("Dompu");
    body
}

async fn matches(app: &TestApp, id: &str, query: &str) -> Value {
    let response = app
        .call(
            Method::GET,
            &format!("/v1/firms/{id}/matches?{query}"),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn the_cafe_is_recommended_the_roaster_with_reasons() {
    let app = spawn_app().await;
    let mut roaster = coffee_roaster();
    roaster["id"] = json!("kopi-sembalun");
    app.create_firm(&roaster).await;
    app.create_firm(&other_coffee_seller()).await;
    app.create_firm(&cafe()).await;
    app.create_firm(&packaging_maker()).await;

    let found = matches(&app, "kafe-nusantara", "direction=supplies").await;
    assert_eq!(found["firm_id"], "kafe-nusantara");
    let list = found["matches"].as_array().unwrap();
    assert!(!list.is_empty());
    let best = &list[0];
    assert!(["kopi-sembalun", "kopi-tambora"].contains(&best["partner"]["id"].as_str().unwrap()));
    assert_eq!(best["partner"]["province"], "NTB");
    assert_eq!(best["direction"], "supplies");
    assert!(best["score"].as_f64().unwrap() > 0.3, "{best}");
    for field in ["supply", "capacity", "certification", "sector"] {
        assert!(best["components"][field].is_number(), "{field}");
    }
    let reasons = best["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().contains("Kopi arabika sangrai")),
        "{reasons:?}"
    );
    // Scores come best first.
    let scores: Vec<f64> = list.iter().map(|m| m["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    // The other province only, by default: the NTB roasters never see each other.
    let roaster_view = matches(&app, "kopi-sembalun", "").await;
    assert!(roaster_view["matches"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["partner"]["province"] == "JATIM"));
}

#[actix_web::test]
async fn reasons_come_in_bahasa_indonesia_when_asked() {
    let app = spawn_app().await;
    let mut roaster = coffee_roaster();
    roaster["id"] = json!("kopi-sembalun");
    app.create_firm(&roaster).await;
    app.create_firm(&cafe()).await;

    let english = matches(&app, "kafe-nusantara", "direction=supplies").await;
    let indonesian = matches(&app, "kafe-nusantara", "direction=supplies&lang=id").await;
    let (en, id) = (&english["matches"][0], &indonesian["matches"][0]);
    // The same partner, score and number of reasons; only the words differ.
    assert_eq!(en["partner"], id["partner"]);
    assert_eq!(en["score"], id["score"]);
    assert_eq!(
        en["reasons"].as_array().unwrap().len(),
        id["reasons"].as_array().unwrap().len()
    );
    let first = id["reasons"][0].as_str().unwrap();
    assert!(
        first.contains(" membuat 'Kopi arabika sangrai' 300 kg/bulan"),
        "{first}"
    );
    assert!(
        first.contains("membutuhkan 'roasted arabica coffee' 200 kg/bulan"),
        "{first}"
    );
    assert!(en["reasons"][0].as_str().unwrap().contains(" makes "));

    let response = app
        .call(
            Method::GET,
            "/v1/firms/kafe-nusantara/matches?lang=jv",
            None,
        )
        .await;
    let problem = assert_invalid(response).await;
    assert_eq!(problem["errors"][0]["field"], "lang");
}

#[actix_web::test]
async fn matches_follow_profile_changes_at_once() {
    let app = spawn_app().await;
    app.create_firm(&cafe()).await;
    let before = matches(&app, "kafe-nusantara", "direction=supplies").await;
    assert!(before["matches"].as_array().unwrap().is_empty());

    let mut roaster = coffee_roaster();
    roaster["id"] = json!("kopi-sembalun");
    app.create_firm(&roaster).await;
    let after = matches(&app, "kafe-nusantara", "direction=supplies").await;
    assert_eq!(after["matches"][0]["partner"]["id"], "kopi-sembalun");

    // Losing the halal certificate blocks the halal-only need.
    let patch = json!({"certifications": ["pirt"]});
    let response = app
        .call(Method::PATCH, "/v1/firms/kopi-sembalun", Some(&patch))
        .await;
    assert_eq!(response.status(), 200);
    let blocked = matches(&app, "kafe-nusantara", "direction=supplies&min_score=0").await;
    let entry = blocked["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["partner"]["id"] == "kopi-sembalun");
    if let Some(entry) = entry {
        assert_eq!(
            entry["components"]["supply"].as_f64().unwrap(),
            0.0,
            "{entry}"
        );
    }

    app.delete_firm("kopi-sembalun", None).await;
    let gone = matches(&app, "kafe-nusantara", "direction=supplies&min_score=0").await;
    assert!(gone["matches"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["partner"]["id"] != "kopi-sembalun"));
}

#[actix_web::test]
async fn a_firm_sees_its_own_matches_only_and_bad_parameters_are_named() {
    let app = spawn_app().await;
    let (_, token) = app.register_firm(&cafe()).await;
    app.create_firm(&packaging_maker()).await;
    let own = app
        .call_as(
            &token,
            Method::GET,
            "/v1/firms/kafe-nusantara/matches",
            None,
        )
        .await;
    assert_eq!(own.status(), 200);
    let pack = app.all_ids("province=JATIM&q=kemasan", 5).await;
    let other = app
        .call_as(
            &token,
            Method::GET,
            &format!("/v1/firms/{}/matches", pack[0]),
            None,
        )
        .await;
    assert_problem(other, 403, "forbidden").await;
    assert_problem(
        app.call(Method::GET, "/v1/firms/nobody/matches", None)
            .await,
        404,
        "not_found",
    )
    .await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("min_score=2", "min_score"),
        ("direction=sideways", "direction"),
        ("scope=mars", "scope"),
    ] {
        let response = app
            .call(
                Method::GET,
                &format!("/v1/firms/kafe-nusantara/matches?{query}"),
                None,
            )
            .await;
        let problem = assert_invalid(response).await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
    }
}

#[actix_web::test]
async fn two_profiles_are_scored_stored_or_inline() {
    let app = spawn_app().await;
    let mut roaster = coffee_roaster();
    roaster["id"] = json!("kopi-sembalun");
    app.create_firm(&roaster).await;
    let body = json!({"a": "kopi-sembalun", "b": cafe()});
    let scored: Value = app
        .call(Method::POST, "/v1/match/score", Some(&body))
        .await
        .json()
        .await
        .unwrap();
    let a_supplies_b = scored["a_supplies_b"]["score"].as_f64().unwrap();
    let b_supplies_a = scored["b_supplies_a"]["score"].as_f64().unwrap();
    assert!(a_supplies_b > b_supplies_a, "{scored}");
    assert!((0.0..=1.0).contains(&scored["score"].as_f64().unwrap()));
    assert!(!scored["reasons"].as_array().unwrap().is_empty());

    let mut bad = cafe();
    bad["regency"] = json!("Mataram");
    let body = json!({"a": "kopi-sembalun", "b": bad});
    let problem =
        assert_invalid(app.call(Method::POST, "/v1/match/score", Some(&body)).await).await;
    assert_eq!(problem["errors"][0]["field"], "b.regency");
    let body = json!({"a": "nobody", "b": cafe()});
    assert_problem(
        app.call(Method::POST, "/v1/match/score", Some(&body)).await,
        404,
        "not_found",
    )
    .await;
    let body = json!({"a": 7});
    let problem =
        assert_invalid(app.call(Method::POST, "/v1/match/score", Some(&body)).await).await;
    let fields = field_names(&problem);
    assert_eq!(fields, ["a", "b"]);
}

#[actix_web::test]
async fn the_scoring_config_is_validated_versioned_persisted_and_applied() {
    let app = spawn_app().await;
    let mut roaster = coffee_roaster();
    roaster["id"] = json!("kopi-sembalun");
    app.create_firm(&roaster).await;
    app.create_firm(&cafe()).await;
    let config: Value = app.get_json("/v1/scoring/config").await;
    assert_eq!(config["version"], 0);
    let before = matches(&app, "kafe-nusantara", "min_score=0").await["matches"][0]["score"]
        .as_f64()
        .unwrap();

    let mut bad = config["config"].clone();
    bad["weights"]["supply"] = json!(-1);
    bad["two_way_bonus"] = json!(3);
    let problem = assert_invalid(
        app.call(Method::PUT, "/v1/scoring/config", Some(&bad))
            .await,
    )
    .await;
    let fields = field_names(&problem);
    assert_eq!(fields, ["weights.supply", "two_way_bonus"]);
    let unknown = json!({"weights": {"supply": 1, "luck": 2}});
    assert_eq!(
        app.call(Method::PUT, "/v1/scoring/config", Some(&unknown))
            .await
            .status(),
        422
    );

    // Only the sector link counts now: the score changes at once.
    let mut sector_only = config["config"].clone();
    sector_only["weights"] = json!({"supply": 0, "capacity": 0, "certification": 0, "sector": 1});
    let response = app
        .call(Method::PUT, "/v1/scoring/config", Some(&sector_only))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let after = matches(&app, "kafe-nusantara", "min_score=0").await;
    let after = after["matches"]
        .as_array()
        .unwrap()
        .first()
        .map_or(0.0, |m| m["score"].as_f64().unwrap());
    assert_ne!(before, after);

    let stale = app
        .client
        .put(format!("{}/v1/scoring/config", app.address))
        .header("If-Match", "\"0\"")
        .json(&sector_only)
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "precondition_failed").await;
    // The shapes the document states: a quoted version, weak or not, or a bare one.
    for (tag, status) in [("W/\"0\"", 412), ("0", 412), ("\"v1\"", 422), ("\"\"", 422)] {
        let response = app
            .client
            .put(format!("{}/v1/scoring/config", app.address))
            .header("If-Match", tag)
            .json(&sector_only)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "If-Match: {tag}");
    }

    // Survives a restart.
    let data_dir = app.data_dir.clone();
    let dir = app.stop().await;
    let app = spawn_app_on(&data_dir).await;
    let config: Value = app.get_json("/v1/scoring/config").await;
    assert_eq!(config["version"], 1);
    assert_eq!(config["config"]["weights"]["sector"], 1.0);
    let restarted = matches(&app, "kafe-nusantara", "min_score=0").await;
    let restarted = restarted["matches"]
        .as_array()
        .unwrap()
        .first()
        .map_or(0.0, |m| m["score"].as_f64().unwrap());
    assert_eq!(restarted, after);
    drop(dir);
}

#[actix_web::test]
async fn a_batch_ranks_every_firm() {
    let app = spawn_app().await;
    let firms: Vec<Value> = mitra::gen::demo(7, 60)
        .into_iter()
        .map(|f| serde_json::to_value(f).unwrap())
        .collect();
    let response = app
        .import("application/json", Value::Array(firms).to_string(), "")
        .await;
    assert_eq!(response.status(), 200);
    let body = json!({"limit": 5, "min_score": 0.05});
    let response = app.call(Method::POST, "/v1/match/batch", Some(&body)).await;
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    assert_eq!(result["firms"], 60);
    let results = result["results"].as_array().unwrap();
    assert_eq!(results.len(), 60);
    assert!(results
        .iter()
        .all(|r| r["matches"].as_array().unwrap().len() <= 5));
    assert!(results
        .iter()
        .any(|r| !r["matches"].as_array().unwrap().is_empty()));
    // Each list equals the firm's own matches query.
    let first = &results[0];
    let single = matches(
        &app,
        first["firm_id"].as_str().unwrap(),
        "limit=5&min_score=0.05",
    )
    .await;
    assert_eq!(single["matches"], first["matches"]);

    let summary: Value = app
        .call(
            Method::POST,
            "/v1/match/batch",
            Some(&json!({"include_matches": false})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(summary.get("results").is_none());
    let bad = json!({"limit": 0, "direction": "up"});
    let problem = assert_invalid(app.call(Method::POST, "/v1/match/batch", Some(&bad)).await).await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn rankings_are_evaluated_against_labels_beside_baselines() {
    let app = spawn_app().await;
    let bench = mitra::gen::generate(&mitra::gen::GenConfig {
        firms: 120,
        seed: 3,
        ..Default::default()
    });
    let firms = serde_json::to_string(&bench.firms).unwrap();
    assert_eq!(
        app.import("application/json", firms, "").await.status(),
        200
    );
    let body = json!({"labels": bench.labels});
    let response = app
        .call(Method::POST, "/v1/scoring/evaluate", Some(&body))
        .await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["firms"], 120);
    assert!(report["queries"].as_u64().unwrap() > 0);
    let systems: Vec<&str> = report["systems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(systems, ["config", "random", "sector-only", "names-only"]);
    let ndcg = |name: &str| {
        let s = report["systems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap();
        s["ndcg_at_10"]["mean"].as_f64().unwrap()
    };
    // The matching engine beats chance on the hidden truth.
    assert!(ndcg("config") > ndcg("random"), "{report}");

    let bad = json!({"labels": [{"a": "x", "b": "y", "grade": 5}], "config": {"weights": {"supply": -1}}});
    let problem = assert_invalid(
        app.call(Method::POST, "/v1/scoring/evaluate", Some(&bad))
            .await,
    )
    .await;
    let fields = field_names(&problem);
    assert_eq!(fields, ["labels[0].grade", "config.weights.supply"]);
}
