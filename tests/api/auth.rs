//! Who may call what: organizers everything, a firm its own profile, nobody else anything
//! but the probes and the docs.

use crate::helpers::{
    assert_problem, coffee_roaster, packaging_maker, spawn_app, spawn_public_app, TestApp,
    ROTATED_ORGANIZER,
};
use reqwest::Method;
use serde_json::{json, Value};

async fn status(
    app: &TestApp,
    method: Method,
    path: &str,
    body: &Option<Value>,
    token: Option<&str>,
) -> u16 {
    let mut request = app.as_token(method, path, token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap().status().as_u16()
}

/// Every operation of the OpenAPI document, with its path parameters filled in and whether
/// it declares a security requirement, so a new endpoint is covered as soon as it is
/// documented.
fn documented_operations() -> Vec<(Method, String, bool)> {
    let doc = serde_json::to_value(mitra::api::openapi()).unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete: String = path
            .split('/')
            .map(|part| if part.starts_with('{') { "x" } else { part })
            .collect::<Vec<_>>()
            .join("/");
        for (method, operation) in item.as_object().unwrap() {
            out.push((
                Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                concrete.clone(),
                operation.get("security").is_some(),
            ));
        }
    }
    out
}

#[actix_web::test]
async fn without_a_valid_token_only_probes_and_docs_answer() {
    let app = spawn_app().await;
    let operations = documented_operations();
    assert!(operations.len() > 20);
    for (method, path, secured) in operations {
        let body = Some(json!({}));
        // Everything under /v1 needs a token, and so does what outside it says it does
        // (`/metrics`).
        let expected = if path.starts_with("/v1/") || secured {
            401
        } else {
            200
        };
        assert_eq!(
            status(&app, method.clone(), &path, &body, None).await,
            expected,
            "{method} {path}"
        );
        assert_eq!(
            status(&app, method.clone(), &path, &body, Some("wrong")).await,
            expected,
            "{method} {path}"
        );
        let forged = Some("mitra_firm_0000");
        assert_eq!(
            status(&app, method.clone(), &path, &body, forged).await,
            expected,
            "{method} {path}"
        );
    }
    for open in ["/healthz", "/readyz", "/openapi.json", "/docs/"] {
        assert_eq!(
            status(&app, Method::GET, open, &None, None).await,
            200,
            "{open}"
        );
    }
    let response = app
        .as_token(Method::GET, "/v1/firms", None)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"mitra\""
    );
    assert_problem(response, 401, "unauthorized").await;
}

#[actix_web::test]
async fn the_public_directory_lists_firms_without_contacts_and_nothing_else() {
    let app = spawn_public_app().await;
    app.create_firm(&coffee_roaster()).await;
    let list: Value = app
        .as_token(Method::GET, "/v1/firms", None)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let firms = list["firms"].as_array().unwrap();
    assert_eq!(firms.len(), 1);
    assert!(firms[0].get("contact").is_none());
    let id = firms[0]["id"].as_str().unwrap();
    assert_eq!(
        status(&app, Method::GET, &format!("/v1/firms/{id}"), &None, None).await,
        401
    );
    assert_eq!(
        status(&app, Method::GET, "/v1/events", &None, None).await,
        401
    );
}

#[actix_web::test]
async fn a_firm_token_reaches_its_own_profile_and_nothing_private_of_others() {
    let app = spawn_app().await;
    let (own, token) = app.register_firm(&coffee_roaster()).await;
    let other = app.create_firm(&packaging_maker()).await;
    let own_id = own["id"].as_str().unwrap();
    let other_id = other["id"].as_str().unwrap();
    let t = Some(token.as_str());

    // Its own profile: read (with contact), replace, patch.
    let read: Value = app
        .as_token(Method::GET, &format!("/v1/firms/{own_id}"), t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["contact"]["person"], "Baiq Nurul Aini");
    assert_eq!(
        status(
            &app,
            Method::PATCH,
            &format!("/v1/firms/{own_id}"),
            &Some(json!({"employees": 15})),
            t
        )
        .await,
        200
    );
    assert_eq!(
        status(
            &app,
            Method::PUT,
            &format!("/v1/firms/{own_id}"),
            &Some(coffee_roaster()),
            t
        )
        .await,
        200
    );

    // Others: visible without contact details, never writable.
    let seen: Value = app
        .as_token(Method::GET, &format!("/v1/firms/{other_id}"), t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen["name"], "PT Kemasan Prima Sidoarjo");
    let mut with_contact = packaging_maker();
    with_contact["contact"] = json!({"person": "Pak Budi", "phone": "031-1234567"});
    app.put_firm(other_id, &with_contact, None).await;
    let seen: Value = app
        .as_token(Method::GET, &format!("/v1/firms/{other_id}"), t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(seen.get("contact").is_none(), "{seen}");
    let list: Value = app
        .as_token(Method::GET, "/v1/firms", t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list["firms"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["id"] == own_id || f.get("contact").is_none()));
    for (method, path, body) in [
        (
            Method::PUT,
            format!("/v1/firms/{other_id}"),
            Some(packaging_maker()),
        ),
        (
            Method::PATCH,
            format!("/v1/firms/{other_id}"),
            Some(json!({"employees": 1})),
        ),
        (Method::DELETE, format!("/v1/firms/{other_id}"), None),
        (Method::DELETE, format!("/v1/firms/{own_id}"), None),
        (Method::POST, "/v1/firms".into(), Some(packaging_maker())),
        (Method::POST, format!("/v1/firms/{own_id}/token"), None),
        (
            Method::POST,
            "/v1/firms/import".into(),
            Some(json!([packaging_maker()])),
        ),
        (Method::GET, "/v1/firms/export".into(), None),
        (
            Method::GET,
            "/v1/events/temu-bisnis-mataram/agenda-messages".into(),
            None,
        ),
    ] {
        assert_eq!(
            status(&app, method.clone(), &path, &body, t).await,
            403,
            "{method} {path}"
        );
    }
    // Reference tables are for anyone signed in.
    assert_eq!(
        status(&app, Method::GET, "/v1/reference/regencies", &None, t).await,
        200
    );
}

#[actix_web::test]
async fn organizer_tokens_rotate_and_firm_tokens_can_be_reissued() {
    let app = spawn_app().await;
    assert_eq!(
        status(
            &app,
            Method::GET,
            "/v1/firms",
            &None,
            Some(ROTATED_ORGANIZER)
        )
        .await,
        200
    );

    let (firm, old) = app.register_firm(&coffee_roaster()).await;
    let id = firm["id"].as_str().unwrap();
    let issued: Value = app
        .client
        .post(format!("{}/v1/firms/{id}/token", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new = issued["token"].as_str().unwrap();
    let path = format!("/v1/firms/{id}");
    assert_eq!(
        status(&app, Method::GET, &path, &None, Some(&old)).await,
        401
    );
    assert_eq!(
        status(&app, Method::GET, &path, &None, Some(new)).await,
        200
    );
    // Deleting the firm revokes its token.
    app.delete_firm(id, None).await;
    assert_eq!(
        status(
            &app,
            Method::GET,
            "/v1/reference/regencies",
            &None,
            Some(new)
        )
        .await,
        401
    );
}

#[actix_web::test]
async fn imported_firms_get_tokens_that_work() {
    let app = spawn_app().await;
    let report: Value = app
        .import(
            "application/json",
            json!([coffee_roaster(), packaging_maker()]).to_string(),
            "",
        )
        .await
        .json()
        .await
        .unwrap();
    let tokens = report["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 2);
    for issued in tokens {
        let path = format!("/v1/firms/{}", issued["firm_id"].as_str().unwrap());
        let body = Some(json!({"employees": 9}));
        assert_eq!(
            status(&app, Method::PATCH, &path, &body, issued["token"].as_str()).await,
            200
        );
    }
}
