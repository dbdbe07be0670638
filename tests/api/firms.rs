use crate::helpers::{assert_invalid, assert_problem, coffee_roaster, packaging_maker, spawn_app};
use serde_json::{json, Value};

#[actix_web::test]
async fn create_answers_201_with_location_and_etag_and_reads_back() {
    let app = spawn_app().await;
    let response = app.post_firm(&coffee_roaster()).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(response.headers()["etag"], "\"1\"");
    let mut created: Value = response.json().await.unwrap();
    let token = created.as_object_mut().unwrap().remove("token").unwrap();
    assert!(token.as_str().unwrap().starts_with("mitra_firm_"));
    let id = created["id"].as_str().unwrap();
    assert_eq!(location, format!("/v1/firms/{id}"));
    // Normalised on the way in.
    assert_eq!(created["province"], "NTB");
    assert_eq!(created["regency"], "52.03");
    assert_eq!(created["regency_name"], "Kabupaten Lombok Timur");
    assert_eq!(created["contact"]["phone"], "+6281234567890");

    let fetched = app.get(&location).await;
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["etag"], "\"1\"");
    assert_eq!(fetched.json::<Value>().await.unwrap(), created);
}

#[actix_web::test]
async fn server_ids_sort_by_creation_and_client_slugs_are_kept() {
    let app = spawn_app().await;
    let first = app.create_firm(&coffee_roaster()).await;
    let second = app.create_firm(&coffee_roaster()).await;
    assert!(first["id"].as_str().unwrap() < second["id"].as_str().unwrap());

    let mut body = coffee_roaster();
    body["id"] = json!("kopi-sembalun");
    assert_eq!(app.create_firm(&body).await["id"], "kopi-sembalun");
    let again = app.post_firm(&body).await;
    assert_problem(again, 409, "conflict").await;

    body["id"] = json!("Kopi Sembalun!");
    let bad = assert_invalid(app.post_firm(&body).await).await;
    assert_eq!(bad["errors"][0]["field"], "id");
}

#[actix_web::test]
async fn update_against_a_stale_version_is_refused() {
    let app = spawn_app().await;
    let firm = app.create_firm(&coffee_roaster()).await;
    let id = firm["id"].as_str().unwrap();

    let mut body = coffee_roaster();
    body["employees"] = json!(20);
    body["version"] = json!(1);
    let updated = app.put_firm(id, &body, None).await;
    assert_eq!(updated.status(), 200);
    assert_eq!(updated.headers()["etag"], "\"2\"");
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["employees"], 20);
    assert_eq!(updated["created_at"], firm["created_at"]);

    // The same body again carries version 1, which is stale now.
    assert_problem(app.put_firm(id, &body, None).await, 409, "conflict").await;
    // A stale If-Match is a failed precondition.
    body.as_object_mut().unwrap().remove("version");
    assert_problem(
        app.put_firm(id, &body, Some("\"1\"")).await,
        412,
        "precondition_failed",
    )
    .await;
    assert_eq!(app.put_firm(id, &body, Some("\"2\"")).await.status(), 200);

    let stored: Value = app.get_firm(id).await.json().await.unwrap();
    assert_eq!(stored["version"], 3);
}

#[actix_web::test]
async fn put_cannot_change_the_id_or_touch_a_missing_firm() {
    let app = spawn_app().await;
    let firm = app.create_firm(&coffee_roaster()).await;
    let mut body = coffee_roaster();
    body["id"] = json!("another-id");
    let problem = assert_invalid(
        app.put_firm(firm["id"].as_str().unwrap(), &body, None)
            .await,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "id");
    assert_problem(
        app.put_firm("no-such-firm", &coffee_roaster(), None).await,
        404,
        "not_found",
    )
    .await;
}

#[actix_web::test]
async fn patch_changes_only_the_given_fields() {
    let app = spawn_app().await;
    let firm = app.create_firm(&coffee_roaster()).await;
    let id = firm["id"].as_str().unwrap();
    let response = app
        .patch_firm(id, &json!({"employees": 18, "contact": {"email": null}}))
        .await;
    assert_eq!(response.status(), 200);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["employees"], 18);
    assert_eq!(patched["version"], 2);
    assert_eq!(patched["products"], firm["products"]);
    assert!(patched["contact"].get("email").is_none());
    assert_eq!(patched["contact"]["person"], "Baiq Nurul Aini");

    // Patched values are validated like any other input.
    let bad = app.patch_firm(id, &json!({"size": "huge"})).await;
    let problem = assert_invalid(bad).await;
    assert_eq!(problem["errors"][0]["field"], "size");
    // An explicit stale version is a conflict.
    let stale = app
        .patch_firm(id, &json!({"employees": 1, "version": 1}))
        .await;
    assert_problem(stale, 409, "conflict").await;
}

#[actix_web::test]
async fn delete_removes_the_firm_from_reads_and_lists() {
    let app = spawn_app().await;
    let firm = app.create_firm(&coffee_roaster()).await;
    let id = firm["id"].as_str().unwrap();
    assert_problem(
        app.delete_firm(id, Some("\"7\"")).await,
        412,
        "precondition_failed",
    )
    .await;
    assert_eq!(app.delete_firm(id, Some("\"1\"")).await.status(), 204);
    assert_problem(app.get_firm(id).await, 404, "not_found").await;
    assert!(app.all_ids("province=NTB", 10).await.is_empty());
    assert_problem(app.delete_firm(id, None).await, 404, "not_found").await;
}

#[actix_web::test]
async fn list_filters_by_province_kbli_regency_certification_and_text() {
    let app = spawn_app().await;
    let coffee = app.create_firm(&coffee_roaster()).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let pack = app.create_firm(&packaging_maker()).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut mataram = coffee_roaster();
    mataram["name"] = json!("UD Madu Hutan Sumbawa");
    mataram["regency"] = json!("Kota Mataram");
    mataram["kbli"] = json!(["10794"]);
    mataram["certifications"] = json!([]);
    mataram["products"] = json!([{"name": "Madu hutan", "capacity": {"amount": 200, "unit": "liter", "per": "month"}}]);
    let honey = app.create_firm(&mataram).await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let ids = |q: &'static str| {
        let app = &app;
        async move {
            let mut ids = app.all_ids(q, 50).await;
            ids.sort();
            ids
        }
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<_>>()
    };
    assert_eq!(ids("province=NTB").await, sorted(vec![&coffee, &honey]));
    assert_eq!(ids("province=35").await, vec![pack.clone()]);
    assert_eq!(ids("kbli=1076").await, vec![coffee.clone()]);
    assert_eq!(ids("kbli=10").await, sorted(vec![&coffee, &honey]));
    assert_eq!(ids("kbli=10761").await, vec![coffee.clone()]);
    assert_eq!(ids("regency=52.71").await, vec![honey.clone()]);
    assert_eq!(ids("regency=Sidoarjo").await, vec![pack.clone()]);
    // Filters are all met or none: a kab/kota of the other province matches no firm.
    assert!(ids("province=NTB&regency=Sidoarjo").await.is_empty());
    assert!(ids("province=JATIM&regency=52.71").await.is_empty());
    assert_eq!(
        ids("certification=halal").await,
        sorted(vec![&coffee, &pack])
    );
    assert_eq!(
        ids("certification=halal&province=NTB").await,
        vec![coffee.clone()]
    );
    assert_eq!(ids("q=MADU").await, vec![honey.clone()]);
    assert_eq!(ids("q=arabika").await, vec![coffee.clone()]);
    assert!(ids("q=mutiara").await.is_empty());
}

#[actix_web::test]
async fn paging_visits_every_firm_once_while_firms_are_added() {
    let app = spawn_app().await;
    let mut expected = Vec::new();
    for i in 0..23 {
        let mut body = coffee_roaster();
        body["id"] = json!(format!("firm-{i:02}"));
        expected.push(
            app.create_firm(&body).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let q = match &cursor {
            Some(c) => format!("limit=5&cursor={c}"),
            None => "limit=5".to_string(),
        };
        let page: Value = app.list_firms(&q).await.json().await.unwrap();
        pages += 1;
        seen.extend(
            page["firms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].as_str().unwrap().to_string()),
        );
        // A firm inserted behind the cursor mid-walk must not disturb the walk.
        let mut late = coffee_roaster();
        late["id"] = json!(format!("a-late-{pages}"));
        app.create_firm(&late).await;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(seen, expected);
}

#[actix_web::test]
async fn bad_list_parameters_name_the_parameter() {
    let app = spawn_app().await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=501", "limit"),
        ("province=Bali", "province"),
        ("kbli=10a", "kbli"),
        ("regency=Denpasar", "regency"),
        ("certification=kosher", "certification"),
        ("cursor=NOT%20A%20CURSOR", "cursor"),
    ] {
        let problem = assert_invalid(app.list_firms(query).await).await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}");
    }
}
