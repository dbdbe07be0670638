use crate::helpers::{assert_invalid, assert_problem, coffee_roaster, problem_fields, spawn_app};
use serde_json::json;

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/v1/firms", app.address))
        .header("Content-Type", "application/json")
        .body("{\"name\": \"CV Kopi\",")
        .send()
        .await
        .unwrap();
    assert_problem(response, 400, "malformed_json").await;
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/v1/firms", app.address))
        .header("Content-Type", "text/plain")
        .body(coffee_roaster().to_string())
        .send()
        .await
        .unwrap();
    assert_problem(response, 415, "unsupported_media_type").await;
}

#[actix_web::test]
async fn an_oversized_body_is_413() {
    let app = spawn_app().await;
    let mut body = coffee_roaster();
    body["name"] = json!("x".repeat(2 * 1024 * 1024));
    assert_problem(app.post_firm(&body).await, 413, "payload_too_large").await;
}

#[actix_web::test]
async fn a_value_of_the_wrong_type_names_its_path() {
    let app = spawn_app().await;
    let mut body = coffee_roaster();
    body["products"][0]["capacity"]["amount"] = json!("tiga ratus");
    let problem = assert_invalid(app.post_firm(&body).await).await;
    assert_eq!(problem["errors"][0]["field"], "products[0].capacity.amount");
}

#[actix_web::test]
async fn every_invalid_field_is_listed() {
    let app = spawn_app().await;
    let mut body = coffee_roaster();
    body["regency"] = json!("Surabaya");
    body["kbli"] = json!(["1076"]);
    body["products"][0]["capacity"] = json!({"amount": -5, "unit": "kg", "per": "month"});
    body["products"][0]["hs_code"] = json!("7701");
    body["needs"][0]["required_certifications"] = json!(["kosher"]);
    body["contact"]["phone"] = json!("+1 555 0100");
    let problem = assert_invalid(app.post_firm(&body).await).await;
    let fields: Vec<String> = problem_fields(&problem)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        [
            "regency",
            "kbli[0]",
            "products[0].hs_code",
            "products[0].capacity.amount",
            "needs[0].required_certifications[0]",
            "contact.phone"
        ]
    );
    // Nothing was stored.
    assert!(app.all_ids("", 10).await.is_empty());
}

#[actix_web::test]
async fn unknown_routes_and_firms_are_404_problems() {
    let app = spawn_app().await;
    assert_problem(app.get("/v1/nothing-here").await, 404, "not_found").await;
    assert_problem(app.get_firm("no-such-firm").await, 404, "not_found").await;
    assert_problem(app.get_firm("NOT_AN_ID").await, 404, "not_found").await;
}

#[actix_web::test]
async fn probes_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert!(ready.headers().contains_key("x-request-id"));
}

#[actix_web::test]
async fn docs_and_the_document_are_served() {
    let app = spawn_app().await;
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger-ui"));
    let served: serde_json::Value = app.get_json("/openapi.json").await;
    assert_eq!(served, serde_json::to_value(mitra::api::openapi()).unwrap());
}

/// Each invalid field carries a stable code with its parameters, so a client (the console)
/// can say it in its own words without reading the English message.
#[actix_web::test]
async fn invalid_fields_carry_stable_codes_with_their_parameters() {
    let app = spawn_app().await;
    let mut firm = coffee_roaster();
    firm["name"] = json!("  ");
    firm["regency"] = json!("Denpasar");
    firm["kbli"] = json!(["1076", "99999"]);
    firm["employees"] = json!(-3);
    firm["products"][0]["hs_code"] = json!("0999.99");
    firm["products"][0]["capacity"]["unit"] = json!("bushel");
    firm["contact"] = json!({"email": "bukan-email"});
    let response = app
        .client
        .post(format!("{}/v1/firms", app.address))
        .json(&firm)
        .send()
        .await
        .unwrap();
    let problem = assert_invalid(response).await;
    let by_field = |field: &str| {
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("no error for {field}: {problem}"))
            .clone()
    };
    let expect = [
        ("name", "empty", json!(null)),
        (
            "regency",
            "unknown_regency",
            json!({"value": "Denpasar", "province": "Nusa Tenggara Barat"}),
        ),
        ("kbli[0]", "not_kbli_subclass", json!({"value": "1076"})),
        ("kbli[1]", "unknown_kbli", json!({"value": "99999"})),
        (
            "employees",
            "out_of_range",
            json!({"min": "0", "max": "1000000"}),
        ),
        (
            "products[0].hs_code",
            "not_in_hs2022",
            json!({"value": "0999.99"}),
        ),
        (
            "products[0].capacity.unit",
            "unknown_unit",
            json!({"value": "bushel"}),
        ),
        (
            "contact.email",
            "not_email",
            json!({"value": "bukan-email"}),
        ),
    ];
    for (field, code, params) in expect {
        let error = by_field(field);
        assert_eq!(error["code"], code, "{error}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
        if params.is_null() {
            assert!(error.get("params").is_none(), "{error}");
        } else {
            assert_eq!(error["params"], params, "{error}");
        }
    }
    // A query parameter out of range, and one not among the allowed values.
    let response = app
        .client
        .get(format!("{}/v1/firms?limit=0", app.address))
        .send()
        .await
        .unwrap();
    let problem = assert_invalid(response).await;
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
}
