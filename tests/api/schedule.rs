use crate::helpers::{
    assert_invalid, assert_problem, coffee_roaster, field_names, forum, forum_with_participants,
    spawn_app,
};
use reqwest::Method;
use serde_json::{json, Value};

#[actix_web::test]
async fn the_stateless_solver_answers_the_documented_request() {
    let app = spawn_app().await;
    let request = json!({
        "sessions": [{"name": "morning", "slots": 13}, {"name": "afternoon", "slots": 8}],
        "tables": 14,
        "participants": [{"id": "p1", "unavailable_slots": [16], "max_meetings": 8}, {"id": "p2"}, {"id": "p3"}],
        "meetings": [{"a": "p1", "b": "p2", "session": "morning", "value": 1.0}, {"a": "p2", "b": "p3"}, {"a": "p1", "b": "p3"}],
        "objective": "min_idle",
        "time_limit_ms": 1000
    });
    let response = app
        .call(Method::POST, "/v1/schedule/solve", Some(&request))
        .await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["status"], "optimal");
    assert_eq!(answer["meetings"].as_array().unwrap().len(), 3);
    assert_eq!(answer["stats"]["idle_slots"], 0);
    let parsed_request: mitra::schedule::ScheduleRequest = serde_json::from_value(request).unwrap();
    let parsed_answer: mitra::schedule::ScheduleResponse = serde_json::from_value(answer).unwrap();
    assert!(mitra::schedule::check(&parsed_request, &parsed_answer).is_empty());
}

#[actix_web::test]
async fn bad_problems_name_the_field() {
    let app = spawn_app().await;
    let base = json!({
        "sessions": [{"name": "morning", "slots": 4}], "tables": 2,
        "participants": [{"id": "p1", "unavailable_slots": []}, {"id": "p2"}],
        "meetings": [{"a": "p1", "b": "p2"}], "objective": "max_value"
    });
    let cases = [
        ("/meetings/0/b", json!("p9"), "meetings[0].b"),
        (
            "/participants/0/unavailable_slots",
            json!([7]),
            "participants[0].unavailable_slots[0]",
        ),
        ("/tables", json!(0), "tables"),
        (
            "/meetings/0",
            json!({"a": "p1", "b": "p2", "count": 0}),
            "meetings[0].count",
        ),
        (
            "/meetings",
            json!([{"a": "p1", "b": "p2"}, {"a": "p2", "b": "p1"}]),
            "meetings[1]",
        ),
    ];
    for (pointer, value, field) in cases {
        let mut body = base.clone();
        *body.pointer_mut(pointer).unwrap() = value;
        let problem = assert_invalid(
            app.call(Method::POST, "/v1/schedule/solve", Some(&body))
                .await,
        )
        .await;
        let fields = field_names(&problem);
        assert!(fields.contains(&field), "{field} not in {fields:?}");
    }
    let mut wrong_type = base.clone();
    wrong_type["objective"] = json!("fastest");
    let problem = assert_invalid(
        app.call(Method::POST, "/v1/schedule/solve", Some(&wrong_type))
            .await,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "objective");
}

#[actix_web::test]
async fn a_pair_meets_twice_back_to_back_and_the_answer_says_how_good_the_plan_is() {
    let app = spawn_app().await;
    let request = json!({
        "sessions": [{"name": "morning", "slots": 6}],
        "tables": 2,
        "participants": [{"id": "p1", "unavailable_slots": [2]}, {"id": "p2"}, {"id": "p3"}],
        "meetings": [{"a": "p1", "b": "p2", "count": 2, "consecutive": true}, {"a": "p1", "b": "p3"}],
        "objective": "min_idle"
    });
    let answer: Value = app
        .call(Method::POST, "/v1/schedule/solve", Some(&request))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["status"], "optimal", "{answer}");
    let twice: Vec<&Value> = answer["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["b"] == "p2")
        .collect();
    assert_eq!(twice.len(), 2);
    assert_eq!(twice[0]["table"], twice[1]["table"]);
    assert_eq!(
        twice[1]["slot"].as_u64().unwrap(),
        twice[0]["slot"].as_u64().unwrap() + 1
    );
    // Three meetings around p1's absence in slot 2: the day is compact, nobody waits.
    assert_eq!(answer["stats"]["idle_slots"], 0);
    assert_eq!(answer["stats"]["span_slots"], 0);
    assert_eq!(answer["stats"]["gap"], 0.0);
    let parsed_request: mitra::schedule::ScheduleRequest = serde_json::from_value(request).unwrap();
    let parsed_answer: mitra::schedule::ScheduleResponse = serde_json::from_value(answer).unwrap();
    assert!(mitra::schedule::check(&parsed_request, &parsed_answer).is_empty());
}

fn check_plan(plan: &Value) {
    let request: mitra::schedule::ScheduleRequest =
        serde_json::from_value(plan["request"].clone()).unwrap();
    let meetings: Vec<mitra::schedule::ScheduledMeeting> =
        serde_json::from_value(plan["meetings"].clone()).unwrap();
    let response = mitra::schedule::ScheduleResponse {
        status: serde_json::from_value(plan["status"].clone()).unwrap(),
        meetings,
        unscheduled: serde_json::from_value(plan["unscheduled"].clone()).unwrap(),
        reasons: vec![],
        stats: serde_json::from_value(plan["stats"].clone()).unwrap(),
    };
    let violations = mitra::schedule::check(&request, &response);
    assert!(violations.is_empty(), "{violations:?}");
}

#[actix_web::test]
async fn a_forum_timetable_is_generated_from_requests_and_recommendations() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    let has_schedule = || async {
        let event: Value = app.get_json("/v1/events/temu-bisnis-mataram").await;
        event["has_schedule"].as_bool().unwrap()
    };
    assert!(!has_schedule().await);
    let plan = app
        .generate_timetable(json!({"time_limit_ms": 500, "seed": 1}))
        .await;
    assert!(has_schedule().await, "the forum says it has a timetable");
    check_plan(&plan);
    let meetings = plan["meetings"].as_array().unwrap();
    let mutual = meetings.iter().find(|m| {
        let pair = [m["a"].as_str().unwrap(), m["b"].as_str().unwrap()];
        pair.contains(&ids[0].as_str()) && pair.contains(&ids[1].as_str())
    });
    assert_eq!(
        mutual.expect("the accepted request is scheduled")["kind"],
        "mutual"
    );
    assert!(
        meetings.iter().any(|m| m["kind"] == "recommended"),
        "recommendations fill the timetable"
    );
    assert!(meetings
        .iter()
        .filter(|m| m["kind"] == "recommended")
        .all(|m| !m["reasons"].as_array().unwrap().is_empty()));
    assert_eq!(plan["version"], 1);

    let stored: Value = app
        .get_json("/v1/events/temu-bisnis-mataram/schedule")
        .await;
    assert_eq!(stored, plan);
}

#[actix_web::test]
async fn a_timetable_generated_in_indonesian_gives_its_reasons_in_indonesian() {
    let app = spawn_app().await;
    forum_with_participants(&app).await;
    let generate = "/v1/events/temu-bisnis-mataram/schedule";
    let bad = app
        .call(Method::POST, generate, Some(&json!({"lang": "jv"})))
        .await;
    let problem = assert_invalid(bad).await;
    assert_eq!(problem["errors"][0]["field"], "lang");

    let plan: Value = app
        .call(
            Method::POST,
            generate,
            Some(&json!({"time_limit_ms": 500, "seed": 1, "lang": "id"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let reasons: Vec<&str> = plan["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "recommended")
        .flat_map(|m| m["reasons"].as_array().unwrap())
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(!reasons.is_empty());
    assert!(
        reasons
            .iter()
            .all(|r| !r.contains(" makes ") && !r.starts_with("sector link")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains(" membuat ") || r.starts_with("keterkaitan sektor")),
        "{reasons:?}"
    );
}

#[actix_web::test]
async fn agendas_download_as_json_csv_and_ics_in_the_forum_time_zone() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    app.generate_timetable(json!({"time_limit_ms": 500})).await;
    let path = format!("/v1/events/temu-bisnis-mataram/agenda/{}", ids[0]);
    let agenda: Value = app.get_json(&path).await;
    let entries = agenda["meetings"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert_eq!(agenda["time_zone"], "Asia/Makassar");

    let ics = app
        .call(Method::GET, &format!("{path}?format=ics"), None)
        .await;
    assert!(ics.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let text = ics.text().await.unwrap();
    let calendar: icalendar::Calendar = text.parse().expect("the .ics parses back");
    let events: Vec<&icalendar::Event> = calendar.events().collect();
    assert_eq!(events.len(), entries.len());
    // 08:30 WITA is 00:30 UTC: the first slot of the forum.
    use icalendar::Component;
    let first_start = events
        .iter()
        .filter_map(|e| e.get_start())
        .filter_map(|s| match s {
            icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t)) => Some(t),
            _ => None,
        });
    let local_starts: Vec<String> = entries
        .iter()
        .map(|e| e["start"].as_str().unwrap().to_string())
        .collect();
    for (utc, local) in first_start.zip(&local_starts) {
        let local = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S").unwrap();
        assert_eq!(utc.naive_utc() + chrono::TimeDelta::hours(8), local);
    }
    assert!(events
        .iter()
        .all(|e| e.get_summary().unwrap().starts_with("Temu bisnis: ")));
    assert!(events
        .iter()
        .all(|e| e.property_value("LOCATION").unwrap().starts_with("Meja")));

    let csv = app
        .call(Method::GET, &format!("{path}?format=csv"), None)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), entries.len() + 1);
    assert_invalid(
        app.call(Method::GET, &format!("{path}?format=pdf"), None)
            .await,
    )
    .await;
}

#[actix_web::test]
async fn the_grid_prints_every_meeting() {
    let app = spawn_app().await;
    forum_with_participants(&app).await;
    let plan = app.generate_timetable(json!({"time_limit_ms": 500})).await;
    let csv = app
        .call(
            Method::GET,
            "/v1/events/temu-bisnis-mataram/schedule/grid",
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 13 + 1);
    let cells = csv.matches(" × ").count();
    assert_eq!(cells, plan["meetings"].as_array().unwrap().len());
    let html = app
        .call(
            Method::GET,
            "/v1/events/temu-bisnis-mataram/schedule/grid?format=html",
            None,
        )
        .await;
    assert!(html.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = html.text().await.unwrap();
    assert!(html.contains("size:A4 landscape"));
    assert_eq!(html.matches(" × ").count(), cells);
    // The workbook: a sheet per day, the forum's local times, every meeting once.
    let xlsx = app
        .call(
            Method::GET,
            "/v1/events/temu-bisnis-mataram/schedule/grid?format=xlsx",
            None,
        )
        .await;
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let days = book.sheet_names();
        assert_eq!(days, ["2026-12-10", "2026-12-11"]);
        let mut in_sheets = 0;
        let mut slots = 0;
        for day in &days {
            let range = book.worksheet_range(day).unwrap();
            let header: Vec<String> = range
                .rows()
                .next()
                .unwrap()
                .iter()
                .map(|c| c.to_string())
                .collect();
            assert_eq!(
                header[..4],
                ["Slot", "Sesi", "Mulai (WITA)", "Selesai (WITA)"]
            );
            assert_eq!(header.len(), 4 + 3, "one column per table");
            slots += range.height() - 1;
            in_sheets += range
                .used_cells()
                .filter(|(_, _, c)| c.to_string().contains(" × "))
                .count();
        }
        assert_eq!(slots, 13);
        assert_eq!(in_sheets, cells);
        let first = book.worksheet_range("2026-12-10").unwrap();
        assert_eq!(first.get((1, 2)).unwrap().to_string(), "08:30");
    }
    // The page says how good the plan is, in the terms of its bound.
    if plan["status"] == "optimal" {
        assert!(html.contains("Jadwal optimal"));
    } else {
        assert!(
            html.contains("di bawah susunan terbaik"),
            "{}",
            plan["stats"]
        );
    }
}

#[actix_web::test]
async fn a_repair_after_a_withdrawal_keeps_every_untouched_meeting() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    let before = app
        .generate_timetable(json!({"time_limit_ms": 500, "span_first": true}))
        .await;
    assert_eq!(before["request"]["span_first"], true, "{before}");
    // Repair takes the options generate takes, and refuses the same values (it used to
    // clamp them silently).
    let problem = assert_invalid(
        app.call(
            Method::POST,
            "/v1/events/temu-bisnis-mataram/schedule/repair",
            Some(&json!({"recommendations_per_firm": 51, "min_score": -1})),
        )
        .await,
    )
    .await;
    let fields = field_names(&problem);
    assert_eq!(fields, ["recommendations_per_firm", "min_score"]);
    let gone = &ids[5];
    let path = format!("/v1/events/temu-bisnis-mataram/participants/{gone}");
    assert_eq!(app.call(Method::DELETE, &path, None).await.status(), 204);
    let response = app
        .call(
            Method::POST,
            "/v1/events/temu-bisnis-mataram/schedule/repair",
            Some(&json!({"time_limit_ms": 500})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    let after = &result["schedule"];
    check_plan(after);
    assert_eq!(after["version"], 2);
    // The repaired day is measured as the organizer chose when generating it.
    assert_eq!(after["request"]["span_first"], true);
    let placed = |plan: &Value| -> Vec<(String, u64, u64)> {
        plan["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["id"].as_str().unwrap().to_string(),
                    m["slot"].as_u64().unwrap(),
                    m["table"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let now = placed(after);
    for (id, slot, table) in placed(&before) {
        if id.split('~').any(|f| f == gone) {
            assert!(
                !now.iter().any(|(m, _, _)| *m == id),
                "{id} involves the withdrawn firm"
            );
        } else {
            assert!(now.contains(&(id.clone(), slot, table)), "{id} moved");
        }
    }
    assert_eq!(result["moved"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn firms_see_only_their_own_meetings() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    app.generate_timetable(json!({"time_limit_ms": 300})).await;
    let token = &app.reissue_token(&ids[0]).await;
    let own: Value = app
        .call_as(
            token,
            Method::GET,
            "/v1/events/temu-bisnis-mataram/schedule",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(own["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["a"] == ids[0].as_str() || m["b"] == ids[0].as_str()));
    assert!(own["candidates"].as_object().unwrap().is_empty());
    let other = format!("/v1/events/temu-bisnis-mataram/agenda/{}", ids[1]);
    assert_problem(
        app.call_as(token, Method::GET, &other, None).await,
        403,
        "forbidden",
    )
    .await;
    let own_agenda = format!(
        "/v1/events/temu-bisnis-mataram/agenda/{}?format=ics",
        ids[0]
    );
    assert_eq!(
        app.call_as(token, Method::GET, &own_agenda, None)
            .await
            .status(),
        200
    );
    let grid = "/v1/events/temu-bisnis-mataram/schedule/grid";
    assert_problem(
        app.call_as(token, Method::GET, grid, None).await,
        403,
        "forbidden",
    )
    .await;
    let generate = "/v1/events/temu-bisnis-mataram/schedule";
    assert_problem(
        app.call_as(token, Method::POST, generate, Some(&json!({})))
            .await,
        403,
        "forbidden",
    )
    .await;
}

#[actix_web::test]
async fn a_forum_without_timetable_or_participants_is_reported() {
    let app = spawn_app().await;
    app.create_forum().await;
    assert_problem(
        app.call(Method::GET, "/v1/events/temu-bisnis-mataram/schedule", None)
            .await,
        404,
        "not_found",
    )
    .await;
    let problem = assert_invalid(
        app.call(
            Method::POST,
            "/v1/events/temu-bisnis-mataram/schedule",
            Some(&json!({})),
        )
        .await,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "participants");
    let bad = json!({"recommendations_per_firm": 99, "min_score": 3});
    let problem = assert_invalid(
        app.call(
            Method::POST,
            "/v1/events/temu-bisnis-mataram/schedule",
            Some(&bad),
        )
        .await,
    )
    .await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
    assert_problem(
        app.call(
            Method::POST,
            "/v1/events/temu-bisnis-mataram/schedule/repair",
            Some(&json!({})),
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[actix_web::test]
async fn a_bulk_registration_is_all_or_nothing_and_tables_are_bounded() {
    let app = spawn_app().await;
    app.create_forum().await;
    let firm = app.create_firm(&coffee_roaster()).await;
    let list = json!([{"firm_id": firm["id"]}, {"firm_id": firm["id"], "unavailable_slots": [99]}, {"firm_id": "Not A Slug"}]);
    let path = "/v1/events/temu-bisnis-mataram/participants";
    let problem = assert_invalid(app.call(Method::POST, path, Some(&list)).await).await;
    let lines: Vec<u64> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3]);
    let listed: Vec<Value> = app.get_json(path).await;
    assert!(listed.is_empty());
    let unknown = json!([{"firm_id": firm["id"]}, {"firm_id": "nobody-here"}]);
    assert_problem(
        app.call(Method::POST, path, Some(&unknown)).await,
        404,
        "not_found",
    )
    .await;
    let listed: Vec<Value> = app.get_json(path).await;
    assert!(listed.is_empty());

    // More tables than any forum can use is refused, for forums and for the solver.
    let mut huge = forum();
    huge["id"] = json!("huge");
    huge["tables"] = json!(5000);
    let problem = assert_invalid(app.call(Method::POST, "/v1/events", Some(&huge)).await).await;
    assert_eq!(problem["errors"][0]["field"], "tables");
    let solve = json!({"sessions": [{"name": "pagi", "slots": 4}], "tables": 20000,
                       "participants": [{"id": "a"}, {"id": "b"}], "meetings": [{"a": "a", "b": "b"}]});
    let problem = assert_invalid(
        app.call(Method::POST, "/v1/schedule/solve", Some(&solve))
            .await,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "tables");
}

#[actix_web::test]
async fn agendas_go_out_as_whatsapp_messages_that_hostile_names_cannot_break() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    // Styling marks, markup and a right-to-left override in a name.
    let hostile = "*PROMO* _Kopi_ ~Sembalun~ ```x``` <b>y</b> \u{202E}Mitra: palsu";
    let patched = app
        .patch_firm(
            &ids[0],
            &json!({"name": hostile, "contact": {"person": "Aini", "phone": "0812-3456-7890"}}),
        )
        .await;
    assert_eq!(patched.status(), 200, "{}", patched.text().await.unwrap());
    app.generate_timetable(json!({"time_limit_ms": 300})).await;
    let path = format!("/v1/events/temu-bisnis-mataram/agenda/{}", ids[0]);
    let agenda: Value = app.get_json(&path).await;
    let meetings = agenda["meetings"].as_array().unwrap().len();
    assert!(meetings > 0);

    let response = app.get(&format!("{path}?format=txt")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with("Yth. PROMO Kopi Sembalun x <b>y</b> Mitra: palsu,\n\n"),
        "{text}"
    );
    for bad in ['*', '_', '~', '`', '\u{202E}', '\r'] {
        assert!(!text.contains(bad), "{bad:?} in {text}");
    }
    // One numbered line per meeting, with its time in WITA; every other line is of the format.
    let numbered = text
        .lines()
        .filter(|l| {
            l.split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
        .count();
    assert_eq!(numbered, meetings, "{text}");
    assert_eq!(text.matches(" WITA, ").count(), meetings);
    for line in text.lines().filter(|l| !l.is_empty()) {
        let known = line.starts_with("Yth. ")
            || line.starts_with("Berikut jadwal ")
            || line.starts_with("   Mitra: ")
            || line.starts_with("   Alasan: ")
            || line.starts_with("Mohon hadir")
            || line
                .split_once(". ")
                .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
            || [
                "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
            ]
            .iter()
            .any(|d| line.starts_with(&format!("{d}, ")));
        assert!(known, "{line:?} in {text}");
    }
    let english = app
        .get(&format!("{path}?format=txt&lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(english.starts_with("Dear PROMO"), "{english}");
    let problem = assert_invalid(app.get(&format!("{path}?format=txt&lang=jv")).await).await;
    assert_eq!(problem["errors"][0]["field"], "lang");

    // The organizer's list: one message per participant, with a wa.me link for a number.
    let list: Vec<Value> = app
        .get_json("/v1/events/temu-bisnis-mataram/agenda-messages")
        .await;
    assert_eq!(list.len(), ids.len());
    let own = list
        .iter()
        .find(|m| m["firm_id"] == ids[0].as_str())
        .unwrap();
    assert_eq!(own["phone"], "+6281234567890");
    assert_eq!(own["meetings"], meetings);
    assert_eq!(own["text"], text.as_str());
    let url = own["whatsapp_url"].as_str().unwrap();
    let query = url
        .strip_prefix("https://wa.me/6281234567890?text=")
        .unwrap_or_else(|| panic!("{url}"));
    assert!(query
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
    let pair = format!("text={query}");
    let (key, decoded) = form_urlencoded::parse(pair.as_bytes()).next().unwrap();
    assert_eq!((key.as_ref(), decoded.as_ref()), ("text", text.as_str()));
    for message in &list {
        assert_eq!(
            message["whatsapp_url"].is_string(),
            message["phone"]
                .as_str()
                .is_some_and(|p| p.starts_with('+')),
            "{message}"
        );
    }
    let names: Vec<&str> = list.iter().map(|m| m["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert_invalid(
        app.get("/v1/events/temu-bisnis-mataram/agenda-messages?lang=xx")
            .await,
    )
    .await;
    assert_problem(
        app.get("/v1/events/nope/agenda-messages").await,
        404,
        "not_found",
    )
    .await;
}
