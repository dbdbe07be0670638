use crate::helpers::{assert_problem, coffee_roaster, packaging_maker, problem_fields, spawn_app};
use serde_json::{json, Value};

const SHEET: &str = "id,name,province,regency,kbli,size,employees,certifications,products,needs,contact_person,contact_phone,contact_email
kopi-sembalun,CV Kopi Sembalun,NTB,Lombok Timur,10761,small,14,halal;pirt,Kopi arabika sangrai | 090121 | 300 kg/month,Standing pouch | 2000 pcs/month,Baiq Aini,0812-3456-7890,aini@kopisembalun.id
rumput-laut-ekas,UD Rumput Laut Ekas,52,Lombok Timur,10299,micro,4,,Rumput laut kering | 121221 | 5 ton/month,,,,
kemasan-prima,PT Kemasan Prima,Jawa Timur,Sidoarjo,22220,medium,60,sni,\"Standing pouch | 392329 | 50000 pcs/month; Kardus | 481910 | 20000 pcs/month\",\"Rumput laut kering | 2 ton/month | halal\",,,
";

#[actix_web::test]
async fn a_csv_sheet_is_imported() {
    let app = spawn_app().await;
    let response = app.import("text/csv", SHEET, "").await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["created"], 3);
    assert_eq!(
        report["ids"],
        json!(["kopi-sembalun", "rumput-laut-ekas", "kemasan-prima"])
    );
    let firm: Value = app.get_firm("kemasan-prima").await.json().await.unwrap();
    assert_eq!(firm["products"][1]["hs_code"], "481910");
    assert_eq!(
        firm["needs"][0]["required_certifications"],
        json!(["halal"])
    );
    assert_eq!(firm["needs"][0]["volume"]["unit"], "ton");
}

#[actix_web::test]
async fn one_bad_row_stores_nothing_and_every_bad_row_is_reported() {
    let app = spawn_app().await;
    let bad = SHEET
        .replace("Lombok Timur,10299", "Lombok Timur,1029")
        .replace("50000 pcs/month", "banyak")
        .replace(",medium,", ",raksasa,");
    let problem = assert_problem(
        app.import("text/csv", bad, "").await,
        422,
        "validation_failed",
    )
    .await;
    let fields = problem_fields(&problem);
    assert!(fields.contains(&("kbli[0]".into(), Some(3))), "{fields:?}");
    assert!(fields.contains(&("size".into(), Some(4))), "{fields:?}");
    assert!(
        fields.contains(&("products[0].capacity".into(), Some(4))),
        "{fields:?}"
    );
    assert!(app.all_ids("", 50).await.is_empty());
}

#[actix_web::test]
async fn a_json_array_is_imported_and_duplicate_ids_are_rejected() {
    let app = spawn_app().await;
    let mut a = coffee_roaster();
    a["id"] = json!("a");
    let mut b = packaging_maker();
    b["id"] = json!("a");
    let problem = assert_problem(
        app.import("application/json", json!([a, b]).to_string(), "")
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem_fields(&problem), vec![("id".to_string(), Some(2))]);

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
    assert_eq!(report["created"], 2);
}

#[actix_web::test]
async fn existing_ids_refuse_the_import_unless_upsert() {
    let app = spawn_app().await;
    app.import("text/csv", SHEET, "").await;
    let again = app
        .import("text/csv", SHEET.replace(",14,", ",15,"), "")
        .await;
    let problem = assert_problem(again, 409, "import_conflict").await;
    assert_eq!(problem_fields(&problem).len(), 3);
    assert_eq!(problem_fields(&problem)[0], ("id".to_string(), Some(2)));

    let report: Value = app
        .import("text/csv", SHEET.replace(",14,", ",15,"), "upsert=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (report["created"].as_u64(), report["updated"].as_u64()),
        (Some(0), Some(3))
    );
    let firm: Value = app.get_firm("kopi-sembalun").await.json().await.unwrap();
    assert_eq!(
        (firm["employees"].as_u64(), firm["version"].as_u64()),
        (Some(15), Some(2))
    );
}

#[actix_web::test]
async fn import_refuses_other_media_and_broken_bodies() {
    let app = spawn_app().await;
    assert_problem(
        app.import("text/plain", "x", "").await,
        415,
        "unsupported_media_type",
    )
    .await;
    assert_problem(
        app.import("application/json", "[{", "").await,
        400,
        "malformed_json",
    )
    .await;
    assert_problem(
        app.import("text/csv", "foo,bar\n1,2\n", "").await,
        400,
        "malformed_csv",
    )
    .await;
    assert_problem(
        app.import("application/json", "[]", "").await,
        422,
        "validation_failed",
    )
    .await;
    let problem = assert_problem(
        app.import("text/csv", SHEET, "upsert=maybe").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "upsert");
}

#[actix_web::test]
async fn csv_export_imports_back_into_the_same_profiles() {
    let source = spawn_app().await;
    source.import("text/csv", SHEET, "").await;
    let export = source.export("format=csv").await;
    assert_eq!(export.status(), 200);
    assert!(export.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = export.text().await.unwrap();

    let target = spawn_app().await;
    assert_eq!(target.import("text/csv", csv, "").await.status(), 200);
    let profile = |firm: Value| {
        let mut firm = firm;
        let object = firm.as_object_mut().unwrap();
        for server_field in ["created_at", "updated_at"] {
            object.remove(server_field);
        }
        firm
    };
    let a: Vec<Value> = source.export("format=json").await.json().await.unwrap();
    let b: Vec<Value> = target.export("format=json").await.json().await.unwrap();
    assert_eq!(
        a.into_iter().map(profile).collect::<Vec<_>>(),
        b.into_iter().map(profile).collect::<Vec<_>>()
    );

    let ntb: Vec<Value> = target
        .export("format=json&province=NTB")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ntb.len(), 2);
    assert_problem(target.export("format=xml").await, 422, "validation_failed").await;
}
