//! Registering a forum's participants from a sheet: CSV or an .xlsx workbook, all or
//! nothing, each bad row named by line (the sheet's row) and field, and in a workbook by
//! sheet, column and cell.

use crate::helpers::{assert_invalid, assert_problem, demo_firms, spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PARTICIPANTS: &str = "/v1/events/temu-bisnis-mataram/participants";

/// Six demo firms and the forum; answers the firms' ids and names.
async fn firms_and_forum(app: &TestApp) -> Vec<(String, String)> {
    let firms = demo_firms(5, 6);
    let ids = app.import_firms(&firms).await;
    app.create_forum().await;
    ids.into_iter()
        .zip(&firms)
        .map(|(id, f)| (id, f["name"].as_str().unwrap().to_string()))
        .collect()
}

async fn send(app: &TestApp, content_type: &str, body: Vec<u8>, query: &str) -> reqwest::Response {
    app.client
        .post(format!("{}{PARTICIPANTS}{query}", app.address))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn registered(app: &TestApp) -> Vec<Value> {
    app.get_json(PARTICIPANTS).await
}

/// A workbook with a notes sheet first, then "Peserta" holding `rows` (the first is the
/// header); cells that parse as numbers are written as numbers, as a spreadsheet keeps them.
fn workbook(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .set_name("Catatan")
        .unwrap()
        .write_string(0, 0, "Peserta di sheet berikut")
        .unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Peserta").unwrap();
    for (i, row) in rows.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) => sheet.write_number(i as u32, j as u16, n).unwrap(),
                Err(_) => sheet.write_string(i as u32, j as u16, *cell).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

#[actix_web::test]
async fn a_csv_sheet_registers_participants_with_indonesian_headers() {
    let app = spawn_app().await;
    let firms = firms_and_forum(&app).await;
    let csv = format!(
        "No;Nama;ID Firma;Maks pertemuan;Tuan rumah;Tidak tersedia\n\
         1;{};{};4;tidak;2026-12-10T13:30/2026-12-10T15:00\n\
         2;{};{};;ya;\n\
         3;{};{};;;\n",
        firms[0].1, firms[0].0, firms[1].1, firms[1].0, firms[2].1, firms[2].0
    );
    let response = send(&app, "text/csv", csv.into_bytes(), "").await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let stored: Vec<Value> = response.json().await.unwrap();
    assert_eq!(stored.len(), 3);
    let list = registered(&app).await;
    assert_eq!(list.len(), 3);
    let of = |id: &str| list.iter().find(|p| p["firm_id"] == id).unwrap().clone();
    assert_eq!(of(&firms[0].0)["max_meetings"], 4);
    // The afternoon session (13:30–15:00) is slots 8, 9 and 10 of day one.
    assert_eq!(of(&firms[0].0)["unavailable_slots"], json!([8, 9, 10]));
    assert_eq!(of(&firms[1].0)["host"], true);
    assert_eq!(of(&firms[2].0)["host"], false);

    // All or nothing: a bad cap, an unknown firm and a firm twice; nothing stored.
    let csv = format!(
        "firm_id,max_meetings\n{},dua\ntidak-ada,\n{},3\n{},2\n",
        firms[3].0, firms[4].0, firms[4].0
    );
    let problem = assert_invalid(send(&app, "text/csv", csv.into_bytes(), "").await).await;
    let errors: Vec<(u64, String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (2, "max_meetings".into(), "not_integer".into()),
            (3, "firm_id".into(), "not_found".into()),
            (5, "firm_id".into(), "duplicate".into()),
        ],
        "{problem}"
    );
    assert_eq!(registered(&app).await.len(), 3);

    assert_problem(
        send(&app, "text/csv", b"nama\nx\n".to_vec(), "").await,
        400,
        "malformed_csv",
    )
    .await;
    // A firm may register itself, never a sheet of others.
    let (_, token) = app
        .register_firm(&json!({
            "name": "UD Lain", "province": "JATIM", "regency": "Sidoarjo",
            "kbli": ["22220"], "size": "micro", "employees": 3}))
        .await;
    let as_firm = app
        .as_token(Method::POST, PARTICIPANTS, Some(&token))
        .header("Content-Type", "text/csv")
        .body("firm_id\nx\n")
        .send()
        .await
        .unwrap();
    assert_problem(as_firm, 403, "forbidden").await;
}

#[actix_web::test]
async fn an_xlsx_sheet_registers_participants_and_errors_name_sheet_row_and_column() {
    let app = spawn_app().await;
    let firms = firms_and_forum(&app).await;
    let header = vec!["Nama", "ID firma", "Maks pertemuan", "Tuan rumah"];
    let bad = workbook(&[
        header.clone(),
        vec![&firms[0].1, &firms[0].0, "6", "tidak"],
        vec![&firms[1].1, &firms[1].0, "enam", ""],
        vec!["Tidak terdaftar", "firma-tak-dikenal", "", ""],
    ]);
    let problem = assert_invalid(send(&app, XLSX, bad, "?sheet=Peserta").await).await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{problem}");
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["field"], "max_meetings");
    assert_eq!(errors[0]["params"]["sheet"], "Peserta");
    assert_eq!(errors[0]["params"]["column"], "C");
    assert_eq!(errors[0]["params"]["cell"], "C3");
    assert_eq!(errors[1]["line"], 4);
    assert_eq!(errors[1]["field"], "firm_id");
    assert_eq!(errors[1]["params"]["cell"], "B4");
    assert!(registered(&app).await.is_empty());

    // The first sheet holds no header with a firm id: said in words.
    let good = workbook(&[
        header,
        vec![&firms[0].1, &firms[0].0, "6", "tidak"],
        vec![&firms[1].1, &firms[1].0, "", "ya"],
    ]);
    let problem = assert_problem(
        send(&app, XLSX, good.clone(), "").await,
        400,
        "malformed_xlsx",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("sheet 'Catatan'"),
        "{problem}"
    );
    let response = send(&app, XLSX, good, "?sheet=Peserta").await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let list = registered(&app).await;
    assert_eq!(list.len(), 2);
    let first = list
        .iter()
        .find(|p| p["firm_id"] == firms[0].0.as_str())
        .unwrap();
    assert_eq!(first["max_meetings"], 6);
    assert_problem(
        send(&app, XLSX, b"PK\x03\x04 no zip".to_vec(), "").await,
        400,
        "malformed_xlsx",
    )
    .await;
}
