//! The console's files: served from the binary, with a policy that allows no foreign or
//! inline script.

use crate::helpers::{coffee_roaster, spawn_app};

#[actix_web::test]
async fn the_console_is_served_with_a_strict_content_policy() {
    let app = spawn_app().await;
    let page = app
        .anonymous
        .get(format!("{}/console/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let etag = page.headers()["etag"].to_str().unwrap().to_string();
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"id\">"));

    // Revalidation by hash: an unchanged file is 304.
    let again = app
        .anonymous
        .get(format!("{}/console/", app.address))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let script = app
        .anonymous
        .get(format!("{}/console/js/app.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));

    let missing = app
        .anonymous
        .get(format!("{}/console/js/nope.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    // The root leads to the console.
    let root = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(root.status(), 302);
    assert_eq!(root.headers()["location"], "/console/");
}

#[actix_web::test]
async fn me_names_the_caller() {
    let app = spawn_app().await;
    let organizer: serde_json::Value = app
        .client
        .get(format!("{}/v1/me", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(organizer["role"], "organizer");
    let anonymous = app
        .anonymous
        .get(format!("{}/v1/me", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[actix_web::test]
async fn me_names_a_firm_by_its_token() {
    let app = spawn_app().await;
    let (firm, token) = app.register_firm(&coffee_roaster()).await;
    let me: serde_json::Value = app
        .anonymous
        .get(format!("{}/v1/me", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "firm");
    assert_eq!(me["firm_id"], firm["id"]);
    assert_eq!(me["name"], firm["name"]);
}
