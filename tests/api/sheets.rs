//! Workbooks to hand out: the new firms' tokens of an import, and every agenda of a forum
//! with a sheet per firm.

use crate::helpers::{
    assert_invalid, assert_problem, coffee_roaster, field_names, packaging_maker, spawn_app,
};
use calamine::{Data, Reader};
use reqwest::Method;
use serde_json::{json, Value};

fn open(bytes: Vec<u8>) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("the .xlsx opens")
}

#[actix_web::test]
async fn the_tokens_of_an_import_become_a_sheet_only_when_each_is_the_firms_own() {
    let app = spawn_app().await;
    let mut hostile = coffee_roaster();
    hostile["id"] = json!("cv-rumus");
    hostile["name"] = json!("=HYPERLINK(\"http://contoh.invalid\",\"klik\")");
    let mut plain = coffee_roaster();
    plain["id"] = json!("kopi-sembalun");
    let report: Value = app
        .import("application/json", json!([hostile, plain]).to_string(), "")
        .await
        .json()
        .await
        .unwrap();
    let tokens = report["tokens"].clone();
    assert_eq!(tokens.as_array().unwrap().len(), 2);

    let sheet = app
        .call(
            Method::POST,
            "/v1/firms/import/tokens?format=xlsx",
            Some(&tokens),
        )
        .await;
    assert_eq!(sheet.status(), 200);
    assert_eq!(
        sheet.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book = open(sheet.bytes().await.unwrap().to_vec());
    assert_eq!(book.sheet_names(), ["Token"]);
    let range = book.worksheet_range("Token").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(
        rows[0],
        ["firm_id", "nama", "token"].map(|s| Data::String(s.into()))
    );
    assert_eq!(rows.len(), 3);
    // The formula-looking name is a string cell, and no cell is a formula.
    assert!(rows
        .iter()
        .any(|r| r[1] == Data::String("=HYPERLINK(\"http://contoh.invalid\",\"klik\")".into())));
    let formulas = book.worksheet_formula("Token").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    for row in &rows[1..] {
        let token = row[2].to_string();
        let me: Value = app
            .as_token(Method::GET, "/v1/me", Some(&token))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["firm_id"], row[0].to_string());
    }

    // As CSV, the formula guard of every CSV the service writes.
    let csv = app
        .call(
            Method::POST,
            "/v1/firms/import/tokens?format=csv",
            Some(&tokens),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("firm_id,nama,token"), "{csv}");
    assert!(csv.contains("'=HYPERLINK"), "{csv}");

    // A token that is not the firm's (swapped), and a firm that does not exist.
    let swapped = json!([
        {"firm_id": tokens[0]["firm_id"], "token": tokens[1]["token"]},
        {"firm_id": "tidak-ada", "token": tokens[0]["token"]},
    ]);
    let problem = assert_invalid(
        app.call(Method::POST, "/v1/firms/import/tokens", Some(&swapped))
            .await,
    )
    .await;
    let fields = field_names(&problem);
    assert_eq!(fields, ["[0].token", "[1].firm_id"], "{problem}");
    // A reissued token makes the old one worthless for the sheet too.
    let id = tokens[0]["firm_id"].as_str().unwrap();
    assert_eq!(
        app.call(Method::POST, &format!("/v1/firms/{id}/token"), None)
            .await
            .status(),
        200
    );
    assert_invalid(
        app.call(Method::POST, "/v1/firms/import/tokens", Some(&tokens))
            .await,
    )
    .await;
    // Organizers only.
    let token = tokens[1]["token"].as_str().unwrap();
    assert_problem(
        app.call_as(
            token,
            Method::POST,
            "/v1/firms/import/tokens",
            Some(&tokens),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[actix_web::test]
async fn every_agenda_is_a_sheet_named_after_its_firm_under_excels_rules() {
    let app = spawn_app().await;
    // Names a sheet cannot take as they are: too long, forbidden characters, and two that
    // differ only in case.
    let names = [
        "Koperasi Produsen Tenun Ikat Sukarara Lombok Tengah",
        "PT [Maju]: Jaya/Abadi?",
        "CV Kopi Sembalun",
        "cv kopi sembalun",
    ];
    let mut firms = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let mut firm = if i % 2 == 0 {
            coffee_roaster()
        } else {
            packaging_maker()
        };
        firm["id"] = json!(format!("firma-{i}"));
        firm["name"] = json!(name);
        firms.push(firm);
    }
    let ids = app.import_firms(&firms).await;
    app.create_forum().await;
    app.register_participants(&ids).await;
    // Without a timetable there are no agendas.
    assert_problem(
        app.get("/v1/events/temu-bisnis-mataram/agendas").await,
        404,
        "not_found",
    )
    .await;
    app.generate_timetable(json!({"time_limit_ms": 300})).await;

    let response = app.get("/v1/events/temu-bisnis-mataram/agendas").await;
    assert_eq!(response.status(), 200);
    let mut book = open(response.bytes().await.unwrap().to_vec());
    let sheets = book.sheet_names();
    assert_eq!(
        sheets,
        // In the order of the names, as the agendas are listed.
        [
            "CV Kopi Sembalun",
            "Koperasi Produsen Tenun Ikat Su",
            "PT Maju Jaya Abadi",
            "cv kopi sembalun (2)",
        ]
    );
    let json: Vec<Value> = app
        .get_json("/v1/events/temu-bisnis-mataram/agendas?format=json")
        .await;
    assert_eq!(json.len(), 4);
    for (sheet, agenda) in sheets.iter().zip(&json) {
        let range = book.worksheet_range(sheet).unwrap();
        assert_eq!(
            range.get((0, 0)).unwrap().to_string(),
            agenda["firm"]["name"]
        );
        assert_eq!(range.get((3, 1)).unwrap().to_string(), "Mulai (WITA)");
        let meetings = agenda["meetings"].as_array().unwrap();
        for (i, meeting) in meetings.iter().enumerate() {
            let row = 4 + i as u32;
            assert_eq!(
                range.get((row as usize, 5)).unwrap().to_string(),
                meeting["partner"]["name"]
            );
            let start = meeting["start"].as_str().unwrap();
            assert_eq!(
                range.get((row as usize, 0)).unwrap().to_string(),
                start[..10]
            );
            assert_eq!(
                range.get((row as usize, 1)).unwrap().to_string(),
                start[11..16]
            );
        }
    }
    assert!(
        json.iter()
            .any(|a| !a["meetings"].as_array().unwrap().is_empty()),
        "some firm has a meeting"
    );
    assert_invalid(
        app.get("/v1/events/temu-bisnis-mataram/agendas?format=pdf")
            .await,
    )
    .await;
}
