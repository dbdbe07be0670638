use crate::helpers::{assert_invalid, spawn_app};
use serde_json::Value;

#[actix_web::test]
async fn kbli_search_by_code_prefix_and_title() {
    let app = spawn_app().await;
    let by_code: Vec<Value> = app.get_json("/v1/reference/kbli?q=10761").await;
    assert_eq!(by_code[0]["code"], "10761");
    let by_title: Vec<Value> = app.get_json("/v1/reference/kbli?q=kopi&limit=100").await;
    assert!(by_title.iter().any(|e| e["code"] == "10761"));
    assert!(by_title
        .iter()
        .all(|e| e["title"].as_str().unwrap().to_lowercase().contains("kopi")));
}

#[actix_web::test]
async fn hs_search_finds_seaweed() {
    let app = spawn_app().await;
    let found: Vec<Value> = app.get_json("/v1/reference/hs?q=seaweed").await;
    assert!(found
        .iter()
        .any(|e| e["code"].as_str().unwrap().starts_with("1212")));
}

#[actix_web::test]
async fn regencies_of_a_province() {
    let app = spawn_app().await;
    let ntb: Vec<Value> = app.get_json("/v1/reference/regencies?province=52").await;
    assert_eq!(ntb.len(), 10);
    let all: Vec<Value> = app.get_json("/v1/reference/regencies").await;
    assert_eq!(all.len(), 48);
    let problem = assert_invalid(app.get("/v1/reference/regencies?province=Bali").await).await;
    assert_eq!(problem["errors"][0]["field"], "province");
    let problem = assert_invalid(app.get("/v1/reference/hs?limit=0").await).await;
    assert_eq!(problem["errors"][0]["field"], "limit");
}
