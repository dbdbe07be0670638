use crate::helpers::{assert_invalid, assert_problem, demo_firms, field_names, spawn_app, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// A forum of 40 demo firms with a generated timetable; returns its meetings.
async fn forum_with_timetable(app: &TestApp) -> Vec<Value> {
    let ids = app.import_firms(&demo_firms(21, 40)).await;
    app.create_forum().await;
    app.register_participants(&ids).await;
    let plan = app
        .generate_timetable(json!({"time_limit_ms": 300, "min_score": 0.05}))
        .await;
    let meetings = plan["meetings"].as_array().unwrap().clone();
    assert!(meetings.len() >= 4, "{plan}");
    meetings
}

fn outcome_path(meeting: &Value) -> String {
    format!(
        "/v1/events/temu-bisnis-mataram/meetings/{}/outcome",
        meeting["id"].as_str().unwrap()
    )
}

#[actix_web::test]
async fn outcomes_add_up_in_the_report_and_give_labels() {
    let app = spawn_app().await;
    let meetings = forum_with_timetable(&app).await;
    let deal = json!({"status": "held", "interest_a": "high", "interest_b": "high",
        "deals": [{"product": "Kopi arabika", "value_idr": 36000000, "direction": "ntb_to_jatim",
                   "volume": {"amount": 200, "unit": "kg", "per": "month"}},
                  {"kind": "letter_of_intent", "product": "Kemasan", "value_idr": 4000000, "direction": "jatim_to_ntb"}]});
    let outcomes = [
        deal,
        json!({"status": "held", "interest_a": "low"}),
        json!({"status": "no_show", "no_show": "b"}),
        json!({"status": "held"}),
    ];
    for (meeting, outcome) in meetings.iter().zip(&outcomes) {
        let response = app
            .call(Method::POST, &outcome_path(meeting), Some(outcome))
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    let recorded: Vec<Value> = app
        .get_json("/v1/events/temu-bisnis-mataram/outcomes")
        .await;
    let mut want: Vec<&str> = meetings[..4]
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    want.sort_unstable();
    let listed: Vec<&str> = recorded
        .iter()
        .map(|o| o["meeting_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed, want,
        "one outcome per recorded meeting, in id order"
    );
    let report: Value = app.get_json("/v1/events/temu-bisnis-mataram/report").await;
    assert_eq!(report["meetings_planned"], meetings.len());
    assert_eq!(report["meetings_held"], 3);
    assert_eq!(report["meetings_no_show"], 1);
    assert_eq!(report["meetings_unrecorded"], meetings.len() - 4);
    assert_eq!(report["no_show_rate"], 0.25);
    assert_eq!(
        (
            report["deals"].as_u64(),
            report["letters_of_intent"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(report["trade_value_idr"], 40_000_000);
    let by_direction = report["by_direction"].as_array().unwrap();
    let sum: u64 = by_direction
        .iter()
        .map(|t| t["value_idr"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 40_000_000);
    let sector_sum: u64 = report["by_sector"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value_idr"].as_u64().unwrap())
        .sum();
    let regency_sum: u64 = report["by_regency"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value_idr"].as_u64().unwrap())
        .sum();
    assert_eq!((sector_sum, regency_sum), (40_000_000, 40_000_000));
    assert_eq!(report["firms_with_deal"], 2);
    let held_in_bands: u64 = report["by_score_band"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["meetings_held"].as_u64().unwrap())
        .sum();
    assert_eq!(held_in_bands, 3);

    let html = app
        .call(
            Method::GET,
            "/v1/events/temu-bisnis-mataram/report?format=html",
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<svg") && html.contains("Rp 40.000.000"));
    let csv = app
        .call(
            Method::GET,
            "/v1/events/temu-bisnis-mataram/report?format=csv",
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(csv
        .lines()
        .any(|l| l.starts_with("summary,trade,,,1,1,40000000")));

    // Firms in meetings by kab/kota add up to the firms in meetings.
    let by_regency_firms: u64 = report["firms_by_regency"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["firms"].as_u64().unwrap())
        .sum();
    assert_eq!(
        by_regency_firms,
        report["firms_in_meetings"].as_u64().unwrap()
    );
    // The map: alone as SVG, and inside the HTML report.
    let response = app
        .call(
            Method::GET,
            "/v1/events/temu-bisnis-mataram/report?format=svg",
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "image/svg+xml; charset=utf-8"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let svg = response.text().await.unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(
        svg.matches("</path>").count(),
        48,
        "one outline per kab/kota"
    );
    assert!(svg.contains("NTB → Jatim: Rp 36.000.000 (1 transaksi/LoI)"));
    assert!(svg.contains("Jatim → NTB: Rp 4.000.000 (1 transaksi/LoI)"));
    // A ring per kab/kota with firms in meetings, carrying the count.
    for r in report["firms_by_regency"].as_array().unwrap() {
        assert!(svg.contains(&format!(
            "data-code=\"{}\" data-firms=\"{}\"",
            r["key"].as_str().unwrap(),
            r["firms"]
        )));
    }
    assert!(html.contains("class=\"regency-map\"") && html.contains("Kota Surabaya"));
    // The report as a workbook: the numbers, and amounts that are numbers shown as rupiah.
    let xlsx = app
        .call(
            Method::GET,
            "/v1/events/temu-bisnis-mataram/report?format=xlsx",
            None,
        )
        .await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    {
        use calamine::{Data, DataType, Reader};
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            [
                "Ringkasan",
                "Arah",
                "Sektor",
                "Kabupaten-kota",
                "IKM per kabupaten-kota",
                "Skor kecocokan"
            ]
        );
        let summary = book.worksheet_range("Ringkasan").unwrap();
        let value_row = summary
            .rows()
            .find(|r| r[0] == Data::String("Nilai transaksi".into()))
            .unwrap();
        assert_eq!(value_row[1], Data::Float(40_000_000.0));
        let directions = book.worksheet_range("Arah").unwrap();
        let total: f64 = directions
            .rows()
            .skip(1)
            .map(|r| r[4].get_float().unwrap())
            .sum();
        assert_eq!(total, 40_000_000.0);
        let firms = book.worksheet_range("IKM per kabupaten-kota").unwrap();
        assert_eq!(
            firms.height() - 1,
            report["firms_by_regency"].as_array().unwrap().len()
        );
    }

    let labels = app
        .call(Method::GET, "/v1/events/temu-bisnis-mataram/labels", None)
        .await
        .text()
        .await
        .unwrap();
    let grades: Vec<&str> = labels
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(labels.lines().next(), Some("firm_a,firm_b,grade"));
    assert_eq!(grades, ["3", "1", "0"]);
}

#[actix_web::test]
async fn only_the_two_firms_or_an_organizer_record_and_bad_outcomes_are_refused() {
    let app = spawn_app().await;
    let meetings = forum_with_timetable(&app).await;
    let meeting = &meetings[0];
    let a = meeting["a"].as_str().unwrap();
    let outsider = meetings
        .iter()
        .flat_map(|m| [m["a"].as_str().unwrap(), m["b"].as_str().unwrap()])
        .find(|f| *f != a && *f != meeting["b"].as_str().unwrap())
        .unwrap();
    let (own, other) = (
        app.reissue_token(a).await,
        app.reissue_token(outsider).await,
    );
    // A firm says which version it replaces: 0 for a first record.
    let held = json!({"status": "held", "interest_a": "high", "version": 0});
    assert_problem(
        app.call_as(&other, Method::POST, &outcome_path(meeting), Some(&held))
            .await,
        403,
        "forbidden",
    )
    .await;
    let recorded: Value = app
        .call_as(&own, Method::POST, &outcome_path(meeting), Some(&held))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(recorded["recorded_by"], a);
    assert_eq!(recorded["version"], 1);
    // A stale version is refused; the current one replaces.
    let stale = json!({"status": "held", "interest_a": "low", "version": 0});
    assert_problem(
        app.call(Method::PUT, &outcome_path(meeting), Some(&stale))
            .await,
        409,
        "conflict",
    )
    .await;
    let fresh = json!({"status": "held", "interest_a": "low", "version": 1});
    assert_eq!(
        app.call(Method::PUT, &outcome_path(meeting), Some(&fresh))
            .await
            .status(),
        200
    );
    let read: Value = app.get_json(&outcome_path(meeting)).await;
    assert_eq!(
        (read["interest_a"].as_str(), read["version"].as_u64()),
        (Some("low"), Some(2))
    );

    let bad = json!({"status": "held", "deals": [{"product": "Kopi", "value_idr": 0, "direction": "east"}]});
    let problem = assert_invalid(
        app.call(Method::POST, &outcome_path(meeting), Some(&bad))
            .await,
    )
    .await;
    let fields = field_names(&problem);
    assert_eq!(fields, ["deals[0].value_idr", "deals[0].direction"]);
    let unknown = "/v1/events/temu-bisnis-mataram/meetings/nobody~nowhere/outcome";
    assert_problem(
        app.call(Method::POST, unknown, Some(&held)).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.call_as(
            &own,
            Method::GET,
            "/v1/events/temu-bisnis-mataram/report",
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}
