//! Every subcommand of the built binary, run as a user runs it.

#[path = "support/server.rs"]
mod server;

use reqwest::blocking::Client;
use serde_json::{json, Value};
use server::{mitra, mitra_ok, Server};
use std::path::Path;

fn client(token: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    Client::builder().default_headers(headers).build().unwrap()
}

/// `GET /v1/me` on the server with this bearer token.
fn get_me(server: &Server, token: &str) -> reqwest::blocking::Response {
    client(token)
        .get(format!("{}/v1/me", server.base))
        .send()
        .unwrap()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn demo_writes_an_import_sheet_or_json() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("firms.csv");
    let (_, err) = mitra_ok(
        dir.path(),
        &[
            "demo",
            "--firms",
            "25",
            "--seed",
            "3",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("wrote 25 demo firms (seed 3, profile realistic)"),
        "{err}"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("id,name,province,regency,kbli,"), "{text}");
    assert_eq!(text.lines().count(), 26);
    let (json, _) = mitra_ok(
        dir.path(),
        &["demo", "--firms", "5", "--seed", "3", "--format", "json"],
    );
    let firms: Vec<Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(firms.len(), 5);
    // The same seed gives the same firms, in either format.
    assert!(text.contains(firms[0]["id"].as_str().unwrap()));
    // and in every noise profile, only named differently.
    let (hard, _) = mitra_ok(
        dir.path(),
        &[
            "demo",
            "--firms",
            "5",
            "--seed",
            "3",
            "--profile",
            "hard",
            "--format",
            "json",
        ],
    );
    let hard: Vec<Value> = serde_json::from_str(&hard).unwrap();
    let ids = |firms: &[Value]| -> Vec<Value> { firms.iter().map(|f| f["id"].clone()).collect() };
    assert_eq!(ids(&hard), ids(&firms));
    assert_ne!(hard, firms);
    let bad = mitra(dir.path(), &["demo", "--format", "xml"]);
    assert!(!bad.status.success());
}

#[test]
fn serve_generates_an_organizer_token_loads_demo_data_and_schedule_event_plans_its_forum() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(
        &data,
        &["--demo", "--demo-firms", "60", "--demo-seed", "11"],
        &[],
    );
    let token = std::fs::read_to_string(data.join("organizer-token")).unwrap();
    let organizer = client(token.trim());
    let me: Value = get_me(&server, token.trim()).json().unwrap();
    assert_eq!(me["role"], "organizer", "{me}");
    // Each demo firm can sign in with its own token.
    let tokens = std::fs::read_to_string(data.join("demo-firm-tokens.csv")).unwrap();
    assert_eq!(tokens.lines().count(), 61);
    let (firm_id, firm_token) = tokens.lines().nth(1).unwrap().split_once(',').unwrap();
    let me: Value = get_me(&server, firm_token).json().unwrap();
    assert_eq!(me["firm_id"], firm_id, "{me}");

    // A forum with every demo firm, for `mitra schedule --event`.
    let forum = json!({"id": "temu-uji", "name": "Temu Uji", "time_zone": "WITA", "slot_minutes": 20,
        "break_minutes": 5, "tables": 6,
        "days": [{"date": "2026-12-10", "sessions": [{"name": "pagi", "start": "08:30", "end": "12:00"}]}]});
    let created = organizer
        .post(format!("{}/v1/events", server.base))
        .json(&forum)
        .send()
        .unwrap();
    assert_eq!(created.status(), 201);
    let ids: Vec<Value> = tokens
        .lines()
        .skip(1)
        .map(|l| json!({"firm_id": l.split(',').next().unwrap()}))
        .collect();
    let added = organizer
        .post(format!("{}/v1/events/temu-uji/participants", server.base))
        .json(&ids)
        .send()
        .unwrap();
    assert!(added.status().is_success(), "{}", added.text().unwrap());
    server.stop();

    // Started again on the same folder: the same token, no second demo load.
    let again = Server::start(&data, &["--demo", "--demo-firms", "60"], &[]);
    assert_eq!(
        std::fs::read_to_string(data.join("organizer-token")).unwrap(),
        token
    );
    let status: Value = organizer
        .get(format!("{}/v1/status", again.base))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(status["counts"]["firms"], 60, "{status}");
    again.stop();

    let plan = dir.path().join("plan.json");
    let (_, err) = mitra_ok(
        &data,
        &[
            "schedule",
            "--event",
            "temu-uji",
            "--time-limit-ms",
            "300",
            "--seed",
            "1",
            "--out",
            plan.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("stored as version 1 of the timetable of 'temu-uji'"),
        "{err}"
    );
    let plan = read_json(&plan);
    assert_eq!(plan["event_id"], "temu-uji");
    assert!(!plan["meetings"].as_array().unwrap().is_empty(), "{plan}");
    let plan = dir.path().join("plan2.json");
    let (_, err) = mitra_ok(
        &data,
        &[
            "schedule",
            "--event",
            "temu-uji",
            "--time-limit-ms",
            "300",
            "--span-first",
            "--out",
            plan.to_str().unwrap(),
        ],
    );
    assert!(err.contains("version 2"), "{err}");
    assert!(err.contains("slots waited on site"), "{err}");
    assert_eq!(read_json(&plan)["request"]["span_first"], true);

    // The same rules as the API: options out of range are refused, naming the field.
    let bad = mitra(
        &data,
        &[
            "schedule",
            "--event",
            "temu-uji",
            "--recommendations-per-firm",
            "51",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr)
        .contains("recommendations_per_firm: must be between 0 and 50"));
    let missing = mitra(&data, &["schedule", "--event", "tidak-ada"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no forum 'tidak-ada'"));
}

#[test]
fn serve_takes_organizer_tokens_from_the_environment_or_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens");
    std::fs::write(&file, "# rotation\nfile-token-3c5e7a9b1d2f4a6c8e0b2d4f\n").unwrap();
    let server = Server::start(
        &dir.path().join("data"),
        &[],
        &[
            (
                "MITRA_ORGANIZER_TOKENS",
                "env-a-1f3b5d7e9a2c4e6b8d0f1a3c5e7a,env-b-2e4a6c8b0d1f3a5c7e9b2d4f6a8c",
            ),
            ("MITRA_ORGANIZER_TOKENS_FILE", file.to_str().unwrap()),
        ],
    );
    for token in [
        "env-a-1f3b5d7e9a2c4e6b8d0f1a3c5e7a",
        "env-b-2e4a6c8b0d1f3a5c7e9b2d4f6a8c",
        "file-token-3c5e7a9b1d2f4a6c8e0b2d4f",
    ] {
        assert_eq!(get_me(&server, token).status(), 200, "{token}");
    }
    assert_eq!(get_me(&server, "other").status(), 401);
    assert!(!dir.path().join("data/organizer-token").exists());
}

#[test]
fn serve_refuses_short_organizer_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mitra"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .env(
            "MITRA_ORGANIZER_TOKENS",
            "long-enough-token-0123456789abcdef,tiny9",
        )
        .env_remove("MITRA_ORGANIZER_TOKENS_FILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the server started with a 5-character organizer token");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(!status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("at least 32 characters"), "{err}");
    assert!(!err.contains("tiny9"), "a token is never printed: {err}");
}

/// Under systemd (`Type=notify`) `systemctl start` returns when mitra says READY=1, and the
/// README's next line asks `/readyz`: the message must come only once the port answers.
#[test]
fn serve_tells_systemd_it_is_ready_once_its_port_answers() {
    use std::os::unix::net::UnixDatagram;
    let dir = tempfile::tempdir().unwrap();
    let notify = dir.path().join("notify");
    let socket = UnixDatagram::bind(&notify).unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(120)))
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mitra"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir.path().join("data"))
        .env("NOTIFY_SOCKET", &notify)
        .env("MITRA_WORKERS", "2")
        .env_remove("MITRA_ORGANIZER_TOKENS")
        .env_remove("MITRA_ORGANIZER_TOKENS_FILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut message = [0u8; 128];
    let received = socket.recv(&mut message);
    // No retry: the first request after the message must be answered.
    let ready = reqwest::blocking::get(format!("http://127.0.0.1:{port}/readyz"));
    child.kill().unwrap();
    child.wait().unwrap();
    let length = received.expect("mitra sent systemd a notification");
    assert_eq!(&message[..length], b"READY=1\n");
    assert_eq!(ready.expect("/readyz answers").status(), 200);
}

#[test]
fn schedule_solve_answers_a_problem_file() {
    let dir = tempfile::tempdir().unwrap();
    let problem = dir.path().join("problem.json");
    std::fs::write(
        &problem,
        json!({"sessions": [{"name": "pagi", "slots": 4}], "tables": 2,
               "participants": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
               "meetings": [{"a": "a", "b": "b", "value": 2.0}, {"a": "b", "b": "c", "value": 1.0}],
               "time_limit_ms": 200})
        .to_string(),
    )
    .unwrap();
    let (stdout, err) = mitra_ok(
        dir.path(),
        &["schedule", "--solve", problem.to_str().unwrap()],
    );
    assert!(err.contains("status optimal, 2 meetings"), "{err}");
    assert!(err.contains("(bound 3.00, gap 0.00 %)"), "{err}");
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(plan["meetings"].as_array().unwrap().len(), 2);
    // No store is opened for a problem given whole.
    assert!(!dir.path().join("conf").exists() && !dir.path().join("db").exists());

    std::fs::write(
        &problem,
        json!({"sessions": [{"name": "pagi", "slots": 2}], "tables": 1,
        "participants": [{"id": "a"}], "meetings": [{"a": "a", "b": "zz"}]})
        .to_string(),
    )
    .unwrap();
    let bad = mitra(
        dir.path(),
        &["schedule", "--solve", problem.to_str().unwrap()],
    );
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("meetings[0].b"), "{err}");
    assert!(
        !mitra(dir.path(), &["schedule"]).status.success(),
        "needs --event or --solve"
    );
}

#[test]
fn rank_export_and_import_work_on_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let store = mitra::store::Store::open(&data).unwrap();
        mitra::app::demo::load(&store, &data, 5, 80).unwrap();
    }
    let ranks = dir.path().join("ranks.jsonl");
    let (_, err) = mitra_ok(
        &data,
        &["rank", "--limit", "3", "--out", ranks.to_str().unwrap()],
    );
    assert!(err.contains("80 firms ("), "{err}");
    let lines: Vec<Value> = std::fs::read_to_string(&ranks)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 80);
    let listed = lines
        .iter()
        .find(|l| !l["matches"].as_array().unwrap().is_empty())
        .expect("some firm has partners");
    let first = &listed["matches"][0];
    // The API's shape: the direction of trade chosen by the same rule.
    assert!(
        ["supplies", "buys", "both"].contains(&first["direction"].as_str().unwrap()),
        "{first}"
    );
    assert!(first["components"].is_object() && first["partner"]["id"].is_string());
    assert!(listed["matches"].as_array().unwrap().len() <= 3);
    assert!(!mitra(&data, &["rank", "--limit", "0"]).status.success());

    let backup = dir.path().join("backup.jsonl");
    let (_, err) = mitra_ok(&data, &["export", "--out", backup.to_str().unwrap()]);
    let count: usize = err.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(count > 80, "{err}");
    let restored = dir.path().join("restored");
    let (_, err) = mitra_ok(&restored, &["import", backup.to_str().unwrap()]);
    assert!(err.contains(&format!("imported {count} records")), "{err}");
    let (again, _) = mitra_ok(&restored, &["export"]);
    assert_eq!(
        again.lines().count(),
        std::fs::read_to_string(&backup).unwrap().lines().count()
    );
    let refused = mitra(&restored, &["import", backup.to_str().unwrap()]);
    assert!(
        !refused.status.success(),
        "a store with firms refuses a restore"
    );
}

#[test]
fn gen_evaluate_and_tune_measure_the_ranking() {
    let dir = tempfile::tempdir().unwrap();
    let bench = dir.path().join("bench");
    let (_, err) = mitra_ok(
        dir.path(),
        &[
            "gen",
            "--firms",
            "80",
            "--seed",
            "2",
            "--profile",
            "clean",
            "--out",
            bench.to_str().unwrap(),
        ],
    );
    assert!(err.contains("wrote 80 firms"), "{err}");
    for file in ["firms.json", "firms.csv", "labels.csv"] {
        assert!(bench.join(file).exists(), "{file}");
    }
    let labels = bench.join("labels.csv");
    let firms = bench.join("firms.json");
    let report = dir.path().join("report.json");
    let (table, _) = mitra_ok(
        dir.path(),
        &[
            "evaluate",
            "--labels",
            labels.to_str().unwrap(),
            "--firms",
            firms.to_str().unwrap(),
            "--json",
            report.to_str().unwrap(),
        ],
    );
    assert!(table.contains("NDCG@10"), "{table}");
    assert!(read_json(&report).is_object());

    let best = dir.path().join("best.json");
    let (out, _) = mitra_ok(
        dir.path(),
        &[
            "tune",
            "--labels",
            labels.to_str().unwrap(),
            "--firms",
            firms.to_str().unwrap(),
            "--folds",
            "2",
            "--budget",
            "2",
            "--out",
            best.to_str().unwrap(),
        ],
    );
    assert!(out.contains("best config:"), "{out}");
    let config: mitra::matching::ScoringConfig = serde_json::from_value(read_json(&best)).unwrap();
    config.validate().unwrap();

    // A config that fails validation is refused, naming the field.
    std::fs::write(&best, serde_json::to_vec(&json!({"weights": 1})).unwrap()).unwrap();
    let bad = mitra(
        dir.path(),
        &[
            "evaluate",
            "--labels",
            labels.to_str().unwrap(),
            "--firms",
            firms.to_str().unwrap(),
            "--config",
            best.to_str().unwrap(),
        ],
    );
    assert!(!bad.status.success());
}
