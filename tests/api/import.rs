use crate::helpers::{
    assert_invalid, assert_problem, coffee_roaster, packaging_maker, problem_fields, spawn_app,
};
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
    let problem = assert_invalid(app.import("text/csv", bad, "").await).await;
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
    let problem = assert_invalid(
        app.import("application/json", json!([a, b]).to_string(), "")
            .await,
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
    assert_invalid(app.import("application/json", "[]", "").await).await;
    let problem = assert_invalid(app.import("text/csv", SHEET, "upsert=maybe").await).await;
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
    assert_invalid(target.export("format=xml").await).await;
}

/// The demo sheet as a workbook: `sheets` before the participants' sheet, which holds
/// every CSV cell (employees as a number, as a spreadsheet stores it); `edit` changes a
/// cell (sheet row, column name) first.
fn workbook(csv: &str, sheets: &[&str], edit: Option<(u32, &str, &str)>) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for name in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        sheet
            .write_string(0, 0, "Daftar peserta ada di sheet berikut")
            .unwrap();
    }
    let sheet = book.add_worksheet();
    sheet.set_name("Peserta").unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for (j, header) in headers.iter().enumerate() {
        sheet.write_string(0, j as u16, header).unwrap();
    }
    for (i, record) in reader.records().enumerate() {
        let row = i as u32 + 1;
        for (j, cell) in record.unwrap().iter().enumerate() {
            let cell = match edit {
                Some((r, column, value)) if r == row + 1 && headers[j] == column => value,
                _ => cell,
            };
            match (headers[j].as_str(), cell.parse::<f64>()) {
                ("employees", Ok(n)) => sheet.write_number(row, j as u16, n).unwrap(),
                _ => sheet.write_string(row, j as u16, cell).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[actix_web::test]
async fn an_xlsx_sheet_imports_like_its_csv_and_errors_name_sheet_row_and_column() {
    // The demo sheet, as CSV.
    let source = spawn_app().await;
    let demo: Vec<Value> = mitra::gen::demo(7, 30)
        .into_iter()
        .map(|f| serde_json::to_value(f).unwrap())
        .collect();
    let imported = source
        .import("application/json", Value::Array(demo).to_string(), "")
        .await;
    assert_eq!(imported.status(), 200);
    let csv = source.export("format=csv").await.text().await.unwrap();

    let from_csv = spawn_app().await;
    assert_eq!(
        from_csv.import("text/csv", csv.clone(), "").await.status(),
        200
    );
    let from_xlsx = spawn_app().await;
    let report = from_xlsx.import(XLSX, workbook(&csv, &[], None), "").await;
    assert_eq!(report.status(), 200, "{}", report.text().await.unwrap());
    let report: Value = report.json().await.unwrap();
    assert_eq!(report["created"], 30);
    // Same firms, cell for cell.
    let a = from_csv.export("format=csv").await.text().await.unwrap();
    let b = from_xlsx.export("format=csv").await.text().await.unwrap();
    assert_eq!(a, b);

    // A bad regency on row 17: nothing stored, the error names sheet, row and column.
    let target = spawn_app().await;
    let broken = workbook(&csv, &[], Some((17, "regency", "Denpasar")));
    let problem = assert_invalid(target.import(XLSX, broken, "").await).await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["line"], 17);
    assert_eq!(errors[0]["field"], "regency");
    assert_eq!(errors[0]["code"], "unknown_regency");
    assert_eq!(errors[0]["params"]["sheet"], "Peserta");
    assert_eq!(errors[0]["params"]["column"], "D");
    assert_eq!(errors[0]["params"]["cell"], "D17");
    let firms: Value = target.get("/v1/firms").await.json().await.unwrap();
    assert_eq!(firms["firms"].as_array().unwrap().len(), 0);

    // A named sheet; a workbook sent as plain bytes is recognised by its content.
    let notes_first = workbook(&csv, &["Catatan"], None);
    let problem = assert_problem(
        target.import(XLSX, notes_first.clone(), "").await,
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
    let problem = assert_problem(
        target
            .import(XLSX, notes_first.clone(), "sheet=Daftar")
            .await,
        400,
        "malformed_xlsx",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Catatan, Peserta"),
        "{problem}"
    );
    let named = target
        .import("application/octet-stream", notes_first, "sheet=Peserta")
        .await;
    assert_eq!(named.status(), 200);
    assert_eq!(target.export("format=csv").await.text().await.unwrap(), a);

    // Not a workbook at all.
    assert_problem(
        target.import(XLSX, "PK\u{3}\u{4} not a zip", "").await,
        400,
        "malformed_xlsx",
    )
    .await;
    assert_problem(
        target
            .import("application/octet-stream", "name\nx\n", "")
            .await,
        415,
        "unsupported_media_type",
    )
    .await;
}

/// The demo sheet saved as .xlsx by LibreOffice Calc (see tests/fixtures/libreoffice): its
/// numbers typed as numbers (KBLI codes without their leading zero, kab/kota codes).
#[actix_web::test]
async fn a_workbook_saved_by_libreoffice_imports_like_its_csv() {
    let fixture = |name: &str| {
        std::fs::read(format!(
            "{}/tests/fixtures/libreoffice/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let from_csv = spawn_app().await;
    let report = from_csv
        .import("text/csv", fixture("peserta-demo.csv"), "")
        .await;
    assert_eq!(report.status(), 200, "{}", report.text().await.unwrap());
    let from_xlsx = spawn_app().await;
    let report = from_xlsx
        .import(XLSX, fixture("peserta-demo.xlsx"), "")
        .await;
    assert_eq!(report.status(), 200, "{}", report.text().await.unwrap());
    let report: Value = report.json().await.unwrap();
    assert_eq!(report["created"], 30);
    let a = from_csv.export("format=csv").await.text().await.unwrap();
    let b = from_xlsx.export("format=csv").await.text().await.unwrap();
    assert_eq!(a.lines().count(), 31);
    assert_eq!(a, b);

    // The copy with a bad kab/kota on row 17, as CSV and as LibreOffice's workbook.
    let target = spawn_app().await;
    let csv_problem = assert_invalid(
        target
            .import("text/csv", fixture("peserta-demo-baris17.csv"), "")
            .await,
    )
    .await;
    let problem = assert_invalid(
        target
            .import(XLSX, fixture("peserta-demo-baris17.xlsx"), "")
            .await,
    )
    .await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["line"], 17);
    assert_eq!(errors[0]["line"], csv_problem["errors"][0]["line"]);
    assert_eq!(errors[0]["field"], "regency");
    assert_eq!(errors[0]["code"], "unknown_regency");
    assert_eq!(errors[0]["params"]["value"], "Denpasar");
    assert_eq!(errors[0]["params"]["sheet"], "peserta-demo-baris17");
    assert_eq!(errors[0]["params"]["column"], "D");
    assert_eq!(errors[0]["params"]["cell"], "D17");
    let firms: Value = target.get("/v1/firms").await.json().await.unwrap();
    assert_eq!(firms["firms"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn the_xlsx_export_imports_back_unchanged_and_keeps_formulas_as_text() {
    use calamine::{Data, Reader};
    let source = spawn_app().await;
    source.import("text/csv", SHEET, "").await;
    let mut hostile = coffee_roaster();
    hostile["name"] = json!("=HYPERLINK(\"http://contoh.invalid\",\"klik\")");
    hostile["contact"] = json!({"person": "@SUM(A1:A9)", "phone": "0812-3456-7890"});
    assert_eq!(source.post_firm(&hostile).await.status(), 201);
    let export = source.export("format=xlsx").await;
    assert_eq!(export.status(), 200);
    assert_eq!(
        export.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = export.bytes().await.unwrap().to_vec();

    // The workbook opens, with the import's header and the formula-looking name as text.
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["Peserta"]);
    let range = book.worksheet_range("Peserta").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header, mitra::app::csv_format::COLUMNS);
    let formulas = book.worksheet_formula("Peserta").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula cell"
    );
    let cells: Vec<&Data> = range.used_cells().map(|(_, _, c)| c).collect();
    assert!(cells.contains(&&Data::String(
        "=HYPERLINK(\"http://contoh.invalid\",\"klik\")".into()
    )));
    assert!(cells.contains(&&Data::String("@SUM(A1:A9)".into())));

    // Export → import: the same profiles.
    let target = spawn_app().await;
    let imported = target.import("application/octet-stream", bytes, "").await;
    assert_eq!(imported.status(), 200, "{}", imported.text().await.unwrap());
    let profile = |mut firm: Value| {
        let object = firm.as_object_mut().unwrap();
        for server_field in ["created_at", "updated_at"] {
            object.remove(server_field);
        }
        firm
    };
    let a: Vec<Value> = source.export("format=json").await.json().await.unwrap();
    let b: Vec<Value> = target.export("format=json").await.json().await.unwrap();
    assert_eq!(a.len(), 4);
    assert_eq!(
        a.into_iter().map(profile).collect::<Vec<_>>(),
        b.into_iter().map(profile).collect::<Vec<_>>()
    );
}
