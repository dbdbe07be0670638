//! Agendas by e-mail, against a mail server the test starts on 127.0.0.1: one message per
//! participant with an address, each with its agenda's `.ics` attached; a dead server
//! leaves `failed` statuses and the API answering; names cannot add headers or recipients.

#[path = "../support/smtp.rs"]
mod smtp;

use crate::helpers::{
    assert_invalid, assert_problem, coffee_roaster, demo_firms, spawn_app, spawn_mail_app, TestApp,
    FORUM,
};
use reqwest::Method;
use serde_json::{json, Value};
use smtp::SmtpSink;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// A hostile name: quotes, a comma and an address that would add a recipient if pasted into
/// the `To` header, and a line separator with a header after it.
const HOSTILE_NAME: &str = "CV Jahat\", <bcc@evil.test>, \"X\u{2028}Bcc: bcc2@evil.test";

/// Demo firms (some with an e-mail address, some without) and the hostile firm, all
/// registered for the forum, with a timetable. Answers every firm's id → stored address.
async fn forum_with_timetable(app: &TestApp, firms: usize) -> HashMap<String, Option<String>> {
    let mut demo = demo_firms(11, firms);
    let mut hostile = coffee_roaster();
    hostile["id"] = json!("cv-jahat");
    hostile["name"] = json!(HOSTILE_NAME);
    hostile["contact"]["email"] = json!("hostile@firma.test");
    demo.push(hostile);
    let ids = app.import_firms(&demo).await;
    app.create_forum().await;
    app.register_participants(&ids).await;
    app.generate_timetable(json!({"time_limit_ms": 300})).await;
    ids.iter()
        .zip(&demo)
        .map(|(id, firm)| {
            let email = firm["contact"]["email"].as_str().map(str::to_string);
            (id.clone(), email)
        })
        .collect()
}

/// Follows the job until it is done, checking on the way that the API answers at once.
async fn finished(app: &TestApp, location: &str, limit: Duration) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let asked = Instant::now();
        let firms = app.get("/v1/firms?limit=5").await;
        assert_eq!(firms.status(), 200);
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "the API answered in {:?} while mail was being sent",
            asked.elapsed()
        );
        let job: Value = app.get_json(location).await;
        if job["done"] == true {
            return job;
        }
        assert!(Instant::now() < deadline, "the job did not finish: {job}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn start_job(app: &TestApp) -> (Value, String) {
    let response = app
        .call(Method::POST, &format!("{FORUM}/agenda-emails"), None)
        .await;
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let job: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("{FORUM}/agenda-emails/{}", job["id"].as_str().unwrap())
    );
    (job, location)
}

#[actix_web::test]
async fn every_participant_gets_one_message_with_its_agenda_as_ics() {
    let sink = SmtpSink::start();
    let app = spawn_mail_app(&sink.url()).await;
    let emails = forum_with_timetable(&app, 12).await;
    let with_address: HashMap<&String, &String> = emails
        .iter()
        .filter_map(|(id, e)| e.as_ref().map(|e| (id, e)))
        .collect();
    assert!(with_address.len() >= 3, "{emails:?}");
    assert!(
        with_address.len() < emails.len(),
        "some demo firms have no address"
    );

    let (job, location) = start_job(&app).await;
    assert_eq!(job["total"], emails.len());
    assert_eq!(job["counts"]["skipped"], emails.len() - with_address.len());
    let job = finished(&app, &location, Duration::from_secs(60)).await;
    assert_eq!(job["counts"]["sent"], with_address.len(), "{job}");
    assert_eq!(job["counts"]["failed"], 0, "{job}");
    assert_eq!(job["counts"]["queued"], 0, "{job}");
    let statuses: HashMap<String, Value> = job["firms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["firm_id"].as_str().unwrap().to_string(), f.clone()))
        .collect();
    for (id, email) in &emails {
        let status = &statuses[id];
        match email {
            Some(_) => {
                assert_eq!(status["status"], "sent", "{status}");
                assert_eq!(status["attempts"], 1, "{status}");
            }
            None => assert_eq!(status["status"], "skipped", "{status}"),
        }
    }

    // One message per firm with an address, to that address only.
    let received = sink.wait_for(with_address.len(), Duration::from_secs(5));
    assert_eq!(received.len(), with_address.len());
    let wanted: HashSet<String> = with_address.values().map(|e| format!("<{e}>")).collect();
    let got: HashSet<String> = received.iter().flat_map(|m| m.rcpt_to.clone()).collect();
    assert_eq!(got, wanted, "each firm's address, and no other");
    assert!(received.iter().all(|m| m.rcpt_to.len() == 1));
    assert!(received
        .iter()
        .all(|m| m.mail_from == "<panitia@mitra.test>"));

    for message in &received {
        let address = message.rcpt_to[0].trim_matches(['<', '>']);
        let (firm_id, _) = with_address
            .iter()
            .find(|(_, e)| e.as_str() == address)
            .unwrap();
        let names: Vec<String> = smtp::headers(&message.data)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        // No name added a header or a recipient.
        assert_eq!(names.iter().filter(|n| *n == "to").count(), 1, "{names:?}");
        assert!(!names.iter().any(|n| n == "bcc" || n == "cc"), "{names:?}");
        let parts = smtp::parts(&message.data);
        let text = parts
            .iter()
            .find(|p| p.content_type.starts_with("text/plain"))
            .expect("the agenda as text");
        let text = String::from_utf8(text.body.clone()).unwrap();
        assert!(text.contains("Temu Bisnis IKM NTB–Jatim"), "{text}");
        let ics = parts
            .iter()
            .find(|p| p.content_type.starts_with("text/calendar"))
            .expect("the .ics attached");
        let disposition = ics.disposition.clone().unwrap_or_default();
        assert!(disposition.starts_with("attachment"), "{disposition}");
        assert_eq!(
            ics.filename(),
            Some(format!("agenda-temu-bisnis-mataram-{firm_id}.ics")),
            "{disposition}"
        );
        // The file parses back, with one calendar entry per meeting of the agenda: the
        // meetings of the agenda download.
        let ics = String::from_utf8(ics.body.clone()).unwrap();
        let calendar: icalendar::Calendar = ics.parse().expect("the .ics parses back");
        assert_eq!(
            calendar.events().count() as u64,
            statuses[*firm_id]["meetings"].as_u64().unwrap()
        );
        let download = app
            .get(&format!("{FORUM}/agenda/{firm_id}?format=ics"))
            .await
            .text()
            .await
            .unwrap();
        let uids = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| l.starts_with("UID:"))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(uids(&ics), uids(&download));
    }

    // The hostile firm got its message, with its name kept inside the To header.
    let hostile = received
        .iter()
        .find(|m| m.rcpt_to == ["<hostile@firma.test>"])
        .expect("the hostile firm's message");
    let to = smtp::header(&hostile.data, "to").unwrap();
    assert!(to.ends_with("<hostile@firma.test>"), "{to}");
    assert!(!to.contains("<bcc@evil.test>,"), "{to}");

    // The job is listed for the forum.
    let jobs: Value = app.get_json(&format!("{FORUM}/agenda-emails")).await;
    assert_eq!(jobs["configured"], true);
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 1);
    assert_eq!(jobs["jobs"][0]["id"], job["id"]);
}

#[actix_web::test]
async fn a_dead_mail_server_leaves_failed_statuses_and_the_api_answering() {
    let port = smtp::closed_port();
    let app = spawn_mail_app(&format!("smtp://127.0.0.1:{port}")).await;
    let emails = forum_with_timetable(&app, 6).await;
    let with_address = emails.values().filter(|e| e.is_some()).count();
    assert!(with_address >= 2);
    let (_, location) = start_job(&app).await;
    // While it retries, a second job for the forum is refused: firms would get two mails.
    assert_problem(
        app.call(Method::POST, &format!("{FORUM}/agenda-emails"), None)
            .await,
        409,
        "conflict",
    )
    .await;
    let job = finished(&app, &location, Duration::from_secs(60)).await;
    assert_eq!(job["counts"]["failed"], with_address, "{job}");
    assert_eq!(job["counts"]["sent"], 0, "{job}");
    for firm in job["firms"].as_array().unwrap() {
        if firm["email"].is_string() {
            assert_eq!(firm["status"], "failed", "{firm}");
            assert_eq!(firm["attempts"], mitra::app::mail::ATTEMPTS, "{firm}");
            let error = firm["error"].as_str().unwrap();
            assert!(error.to_lowercase().contains("connect"), "{error}");
        } else {
            assert_eq!(firm["status"], "skipped", "{firm}");
        }
    }
    // Done, so a new job may start.
    let (again, _) = start_job(&app).await;
    assert_eq!(again["done"], false);
}

#[actix_web::test]
async fn agenda_emails_are_for_organizers_on_a_server_with_smtp() {
    // No SMTP configured: said in words, not a 500.
    let app = spawn_app().await;
    forum_with_timetable(&app, 4).await;
    let problem = assert_problem(
        app.call(Method::POST, &format!("{FORUM}/agenda-emails"), None)
            .await,
        501,
        "not_configured",
    )
    .await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("MITRA_SMTP_URL"));
    // The console asks first, and is told.
    let jobs: Value = app.get_json(&format!("{FORUM}/agenda-emails")).await;
    assert_eq!(jobs, json!({"configured": false, "jobs": []}));

    let sink = SmtpSink::start();
    let app = spawn_mail_app(&sink.url()).await;
    forum_with_timetable(&app, 4).await;
    let (_, token) = app
        .register_firm(&json!({
            "name": "UD Lain", "province": "JATIM", "regency": "Sidoarjo",
            "kbli": ["22220"], "size": "micro", "employees": 3}))
        .await;
    for (method, path) in [
        (Method::POST, format!("{FORUM}/agenda-emails")),
        (Method::GET, format!("{FORUM}/agenda-emails")),
        (Method::GET, format!("{FORUM}/agenda-emails/x")),
    ] {
        assert_problem(
            app.call_as(&token, method, &path, None).await,
            403,
            "forbidden",
        )
        .await;
    }
    assert_problem(
        app.get(&format!("{FORUM}/agenda-emails/no-such-job")).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.call(Method::POST, "/v1/events/no-such-forum/agenda-emails", None)
            .await,
        404,
        "not_found",
    )
    .await;
    assert_invalid(
        app.call(
            Method::POST,
            &format!("{FORUM}/agenda-emails?lang=xx"),
            None,
        )
        .await,
    )
    .await;
    assert!(sink.received().is_empty());
}
