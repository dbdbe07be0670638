use crate::helpers::{coffee_roaster, spawn_app, spawn_app_on};
use serde_json::{json, Value};

#[actix_web::test]
async fn a_restarted_server_finds_every_acknowledged_firm() {
    let app = spawn_app().await;
    let mut created = Vec::new();
    let mut token = String::new();
    for i in 0..20 {
        let mut body = coffee_roaster();
        body["employees"] = json!(i);
        let (firm, firm_token) = app.register_firm(&body).await;
        created.push(firm);
        if i == 1 {
            token = firm_token;
        }
    }
    let id = created[0]["id"].as_str().unwrap().to_string();
    let mut changed = coffee_roaster();
    changed["name"] = json!("CV Kopi Sembalun (baru)");
    assert_eq!(app.put_firm(&id, &changed, None).await.status(), 200);
    let deleted = created.pop().unwrap();
    assert_eq!(
        app.delete_firm(deleted["id"].as_str().unwrap(), None)
            .await
            .status(),
        204
    );

    let data_dir = app.data_dir.clone();
    let dir = app.stop().await;
    let app = spawn_app_on(&data_dir).await;
    for firm in &created[1..] {
        let stored: Value = app
            .get_firm(firm["id"].as_str().unwrap())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(&stored, firm);
    }
    let first: Value = app.get_firm(&id).await.json().await.unwrap();
    assert_eq!(first["name"], "CV Kopi Sembalun (baru)");
    assert_eq!(first["version"], 2);
    assert_eq!(
        app.get_firm(deleted["id"].as_str().unwrap()).await.status(),
        404
    );
    assert_eq!(app.all_ids("province=NTB", 7).await.len(), 19);
    // Firm tokens survive the restart too.
    let own = created[1]["id"].as_str().unwrap();
    let response = app
        .as_token(
            reqwest::Method::GET,
            &format!("/v1/firms/{own}"),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    drop(dir);
}
