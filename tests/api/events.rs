use crate::helpers::{
    assert_invalid, assert_problem, coffee_roaster, forum, packaging_maker, problem_fields,
    spawn_app,
};
use reqwest::Method;
use serde_json::{json, Value};

#[actix_web::test]
async fn a_forum_is_created_with_its_slots() {
    let app = spawn_app().await;
    let response = app.call(Method::POST, "/v1/events", Some(&forum())).await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.headers()["location"],
        "/v1/events/temu-bisnis-mataram"
    );
    let event: Value = response.json().await.unwrap();
    assert_eq!(event["time_zone"], "Asia/Makassar");
    let slots = event["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 13);
    assert_eq!(slots[1]["start"], "2026-12-10T08:55:00");
    assert_eq!(slots[8]["session"], "siang");

    let again: Value = app.get_json("/v1/events/temu-bisnis-mataram").await;
    assert_eq!(again, event);
    let all: Vec<Value> = app.get_json("/v1/events").await;
    assert_eq!(all.len(), 1);
    assert_problem(
        app.call(Method::POST, "/v1/events", Some(&forum())).await,
        409,
        "conflict",
    )
    .await;
}

#[actix_web::test]
async fn an_invalid_forum_names_every_bad_field() {
    let app = spawn_app().await;
    let mut bad = forum();
    bad["time_zone"] = json!("Mars/Olympus");
    bad["tables"] = json!(0);
    bad["slot_minutes"] = json!(2);
    bad["days"][0]["sessions"][0]["start"] = json!("8.30");
    let problem = assert_invalid(app.call(Method::POST, "/v1/events", Some(&bad)).await).await;
    let fields: Vec<String> = problem_fields(&problem)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        [
            "time_zone",
            "slot_minutes",
            "tables",
            "days[0].sessions[0].start"
        ]
    );
    let mut empty = forum();
    empty["days"] = json!([]);
    assert_invalid(app.call(Method::POST, "/v1/events", Some(&empty)).await).await;
}

#[actix_web::test]
async fn participants_register_and_withdraw() {
    let app = spawn_app().await;
    app.create_forum().await;
    let (coffee, coffee_token) = app.register_firm(&coffee_roaster()).await;
    let pack = app.create_firm(&packaging_maker()).await;
    let coffee_id = coffee["id"].as_str().unwrap();
    let path = "/v1/events/temu-bisnis-mataram/participants";

    // A firm registers itself, with times it cannot meet.
    let body = json!({"firm_id": coffee_id, "unavailable_times": [{"from": "2026-12-10T09:00", "to": "2026-12-10T09:30"}], "max_meetings": 6});
    let response = app
        .call_as(&coffee_token, Method::POST, path, Some(&body))
        .await;
    assert_eq!(response.status(), 201);
    let participant: Value = response.json().await.unwrap();
    assert_eq!(participant["unavailable_slots"], json!([1, 2]));
    // …but not another firm.
    let other = json!({"firm_id": pack["id"]});
    assert_problem(
        app.call_as(&coffee_token, Method::POST, path, Some(&other))
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.call(Method::POST, path, Some(&other)).await.status(),
        201
    );

    let bad = json!({"firm_id": "no-such-firm"});
    assert_problem(
        app.call(Method::POST, path, Some(&bad)).await,
        404,
        "not_found",
    )
    .await;
    let bad = json!({"firm_id": coffee_id, "unavailable_slots": [13]});
    let problem = assert_invalid(app.call(Method::POST, path, Some(&bad)).await).await;
    assert_eq!(problem["errors"][0]["field"], "unavailable_slots[0]");
    assert_problem(
        app.call(
            Method::POST,
            "/v1/events/no-such-forum/participants",
            Some(&other),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    let listed: Vec<Value> = app.get_json(path).await;
    assert_eq!(listed.len(), 2);
    let withdraw = format!("{path}/{coffee_id}");
    assert_eq!(
        app.call_as(&coffee_token, Method::DELETE, &withdraw, None)
            .await
            .status(),
        204
    );
    assert_problem(
        app.call(Method::DELETE, &withdraw, None).await,
        404,
        "not_found",
    )
    .await;
}

#[actix_web::test]
async fn requests_are_sent_and_answered_by_the_right_firms() {
    let app = spawn_app().await;
    app.create_forum().await;
    let (coffee, coffee_token) = app.register_firm(&coffee_roaster()).await;
    let (pack, pack_token) = app.register_firm(&packaging_maker()).await;
    let (coffee_id, pack_id) = (coffee["id"].as_str().unwrap(), pack["id"].as_str().unwrap());
    app.register_participants(&[coffee_id, pack_id]).await;
    let path = "/v1/events/temu-bisnis-mataram/requests";
    let body =
        json!({"from": coffee_id, "to": pack_id, "priority": 3, "message": "Butuh standing pouch"});
    // Only the sender itself (or an organizer) may send it.
    assert_problem(
        app.call_as(&pack_token, Method::POST, path, Some(&body))
            .await,
        403,
        "forbidden",
    )
    .await;
    let response = app
        .call_as(&coffee_token, Method::POST, path, Some(&body))
        .await;
    assert_eq!(response.status(), 201);
    let request: Value = response.json().await.unwrap();
    assert_eq!(request["status"], "pending");
    assert_problem(
        app.call_as(&coffee_token, Method::POST, path, Some(&body))
            .await,
        409,
        "conflict",
    )
    .await;

    let rid = request["id"].as_str().unwrap();
    // Only the receiver answers.
    let accept = format!("{path}/{rid}/accept");
    assert_problem(
        app.call_as(&coffee_token, Method::POST, &accept, None)
            .await,
        403,
        "forbidden",
    )
    .await;
    let accepted: Value = app
        .call_as(&pack_token, Method::POST, &accept, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(accepted["status"], "accepted");
    assert_problem(
        app.call(Method::POST, &format!("{path}/{rid}/maybe"), None)
            .await,
        404,
        "not_found",
    )
    .await;

    let seen: Vec<Value> = app
        .call_as(&pack_token, Method::GET, path, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);

    let bad = json!({"from": coffee_id, "to": coffee_id, "priority": 5});
    let problem = assert_invalid(app.call(Method::POST, path, Some(&bad)).await).await;
    let fields: Vec<String> = problem_fields(&problem)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(fields, ["to", "priority"]);
    let stranger = json!({"from": coffee_id, "to": "not-registered"});
    assert_problem(
        app.call(Method::POST, path, Some(&stranger)).await,
        404,
        "not_found",
    )
    .await;
}

#[actix_web::test]
async fn deleting_a_forum_removes_its_participants_and_requests() {
    let app = spawn_app().await;
    app.create_forum().await;
    let coffee = app.create_firm(&coffee_roaster()).await;
    app.call(
        Method::POST,
        "/v1/events/temu-bisnis-mataram/participants",
        Some(&json!({"firm_id": coffee["id"]})),
    )
    .await;
    assert_eq!(
        app.call(Method::DELETE, "/v1/events/temu-bisnis-mataram", None)
            .await
            .status(),
        204
    );
    assert_problem(
        app.call(
            Method::GET,
            "/v1/events/temu-bisnis-mataram/participants",
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // Recreating the forum starts empty.
    app.create_forum().await;
    let listed: Vec<Value> = app
        .call(
            Method::GET,
            "/v1/events/temu-bisnis-mataram/participants",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(listed.is_empty());
}
