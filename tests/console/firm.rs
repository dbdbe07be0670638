//! A firm's flows: it edits its own profile and sees its recommendations follow; it registers
//! for a forum, asks another participant for a meeting, the other firm accepts, and once the
//! organizers made the timetable it reads its agenda and takes it to its calendar.

use crate::harness::Console;
use reqwest::Method;
use serde_json::{json, Value};

/// A coffee roaster of Lombok Timur (NTB) with 300 kg/month of roasted arabica.
fn roaster() -> Value {
    json!({
        "id": "kopi-sembalun",
        "name": "CV Kopi Sembalun Rinjani",
        "province": "NTB",
        "regency": "Lombok Timur",
        "kbli": ["10761"],
        "size": "small",
        "employees": 14,
        "certifications": ["halal", "pirt"],
        "products": [{"name": "Kopi arabika sangrai", "hs_code": "0901.21",
                      "capacity": {"amount": 300, "unit": "kg", "per": "month"}}],
        "contact": {"person": "Baiq Nurul Aini", "phone": "0812-3456-7890"}
    })
}

/// A café in Surabaya (Jatim), with or without its need for roasted coffee.
fn cafe(needs: Value) -> Value {
    json!({
        "id": "kafe-nusantara",
        "name": "Kafe Nusantara",
        "province": "JATIM",
        "regency": "Surabaya",
        "kbli": ["56303"],
        "size": "small",
        "employees": 20,
        "products": [{"name": "Kue kering nastar", "capacity": {"amount": 40, "unit": "kg", "per": "month"}}],
        "needs": needs
    })
}

/// Registers a firm as the organizer; returns its token.
fn register(c: &Console, firm: Value) -> String {
    let answer = c.api_json(Method::POST, "/v1/firms", Some(firm));
    answer["token"].as_str().expect("a firm token").to_string()
}

/// The ids of the partners the matches section shows, in order.
fn shown_partners(c: &Console) -> Vec<String> {
    let list = c.eval(
        "JSON.stringify([...document.querySelectorAll('#matches .match')].map(m => m.dataset.partner))",
    );
    serde_json::from_str(list.as_str().unwrap_or("[]")).unwrap()
}

fn sign_out(c: &Console) {
    c.click("#signout");
    c.wait("#signin #token");
}

#[test]
#[ignore = "drives Debian's chromium: cargo test --test console -- --ignored (CI runs it)"]
fn a_firm_edits_its_profile_and_its_recommendations_follow() {
    let c = Console::start("firm-profile");
    c.seed_demo(7, 40);
    register(&c, roaster());
    let token = register(&c, cafe(json!([])));

    c.sign_in(&token);
    // A firm lands on its own profile, in Indonesian.
    c.wait("#profile-form");
    c.wait("#matches");
    assert_eq!(c.eval("location.hash"), "#/saya");
    assert_eq!(c.text("h1"), "Profil usaha saya");
    assert_eq!(
        c.eval("document.querySelector('#profile-name').value"),
        "Kafe Nusantara"
    );
    assert_eq!(
        c.eval("document.querySelector('#profile-regency').value"),
        "35.78"
    );
    c.assert_accessible("profile page");
    let before = shown_partners(&c);
    let rank_before = before.iter().position(|p| p == "kopi-sembalun");
    let roaster_match = "#matches .match[data-partner='kopi-sembalun']";
    if rank_before.is_some() {
        // Only a sector link so far: nothing the café needs.
        assert!(!c.text(roaster_match).contains("roasted arabica coffee"));
    }

    // The café adds what it buys: roasted arabica, 200 kg a month.
    c.click("#needs-add");
    c.wait("[data-field='needs[0].name']");
    assert_eq!(
        c.eval("document.activeElement.dataset.field"),
        "needs[0].name",
        "the new row's first input has the focus"
    );
    c.type_into("[data-field='needs[0].name']", "roasted arabica coffee");
    c.type_into("[data-field='needs[0].volume.amount']", "200");
    c.choose("[data-field='needs[0].volume.unit']", "kg");
    c.choose("[data-field='needs[0].volume.per']", "month");
    c.assert_accessible("profile with a new need row");
    c.click("#profile-save");
    c.wait_for("document.querySelector(\"#matches .match[data-partner='kopi-sembalun']\")?.innerText.includes('roasted arabica coffee')");
    let after = shown_partners(&c);
    assert_ne!(before, after, "the recommendations changed");
    let rank_after = after.iter().position(|p| p == "kopi-sembalun").unwrap();
    assert!(
        rank_before.is_none_or(|r| rank_after < r),
        "the roaster moved up: {before:?} → {after:?}"
    );
    let reasons = c.text(roaster_match);
    assert!(reasons.contains("Kopi arabika sangrai"), "{reasons}");
    assert!(c.text("#toast").contains("Profil tersimpan"));

    let stored = c.api_json(Method::GET, "/v1/firms/kafe-nusantara", None);
    assert_eq!(stored["version"], 2);
    assert_eq!(stored["needs"][0]["name"], "roasted arabica coffee");
    assert_eq!(
        stored["needs"][0]["volume"],
        json!({"amount": 200.0, "unit": "kg", "per": "month"})
    );
    assert_eq!(
        stored["products"].as_array().unwrap().len(),
        1,
        "the product kept"
    );
    c.screenshot("firm-profile");

    // A product without a name: the API's message appears under that very input.
    c.click("#products-add");
    c.type_into("[data-field='products[1].capacity.amount']", "15");
    c.click("#profile-save");
    c.wait("[data-field='products[1].name'][aria-invalid='true']");
    let message = c.eval(
        "document.getElementById(document.querySelector(\"[data-field='products[1].name']\").id + '-error').textContent",
    );
    assert_eq!(message, "tidak boleh kosong");
    assert_eq!(
        c.eval("document.activeElement.dataset.field"),
        "products[1].name",
        "the keyboard is taken to the invalid input"
    );
    assert!(c.text("#profile-form .form-errors").contains("belum benar"));
    c.assert_accessible("profile with a field error");
    c.screenshot("firm-profile-error");
    // The 422 was provoked on purpose and shown.
    c.clear_console_errors();
    let unchanged = c.api_json(Method::GET, "/v1/firms/kafe-nusantara", None);
    assert_eq!(
        unchanged["version"], 2,
        "nothing stored by the invalid save"
    );
    assert_eq!(unchanged["products"].as_array().unwrap().len(), 1);

    // Removing the empty row renumbers nothing else and the save goes through.
    c.click("[data-kind='product']:last-of-type .remove");
    c.wait_for("document.querySelectorAll('[data-kind=\"product\"]').length === 1");
    c.type_into("#contact-person", "Rina");
    c.type_into("#contact-phone", "0813 1111 2222");
    c.click("#profile-save");
    c.wait_for("document.querySelector('#contact-phone').value === '+6281311112222'");
    let saved = c.api_json(Method::GET, "/v1/firms/kafe-nusantara", None);
    assert_eq!(saved["version"], 3);
    assert_eq!(saved["contact"]["person"], "Rina");

    // Someone else changes the profile meanwhile: the page refuses to overwrite it.
    c.api_json(
        Method::PATCH,
        "/v1/firms/kafe-nusantara",
        Some(json!({"employees": 25})),
    );
    c.type_into("#profile-employees", "21");
    c.click("#profile-save");
    c.wait("#profile-reload");
    assert!(c.text("#profile-status").contains("sudah diubah"));
    c.clear_console_errors(); // the 412, provoked on purpose and explained
    c.click("#profile-reload");
    c.wait_for("document.querySelector('#profile-employees') && document.querySelector('#profile-employees').value === '25'");

    // English on request.
    c.click("#lang-switch");
    c.wait_for("document.querySelector('h1') && document.querySelector('h1').textContent === 'My business profile'");
    assert!(c
        .text("#needs-set legend")
        .contains("Inputs or goods needed"));
    c.assert_accessible("profile in English");
    c.click("#lang-switch");
    c.wait_for("document.documentElement.lang === 'id'");
    c.assert_no_console_errors();
}

#[test]
#[ignore = "drives Debian's chromium: cargo test --test console -- --ignored (CI runs it)"]
fn a_firm_requests_a_meeting_that_is_accepted_and_takes_its_agenda_away() {
    let c = Console::start("firm-agenda");
    let demo = c.seed_demo(11, 20);
    let roaster_token = register(&c, roaster());
    let cafe_token = register(
        &c,
        cafe(json!([{"name": "roasted arabica coffee",
                     "volume": {"amount": 200, "unit": "kg", "per": "month"}}])),
    );
    let other = demo["tokens"][0]["firm_id"].as_str().unwrap().to_string();
    c.api_json(
        Method::POST,
        "/v1/events",
        Some(json!({
            "id": "temu-bisnis-mataram",
            "name": "Temu Bisnis IKM NTB–Jatim 2026",
            "venue": "Islamic Center, Mataram",
            "time_zone": "WITA",
            "days": [{"date": "2026-12-10", "sessions": [
                {"name": "pagi", "start": "08:30", "end": "12:00"},
                {"name": "siang", "start": "13:30", "end": "15:00"}]}],
            "slot_minutes": 20,
            "break_minutes": 5,
            "tables": 4
        })),
    );
    c.api_json(
        Method::POST,
        "/v1/events/temu-bisnis-mataram/participants",
        Some(json!([{"firm_id": "kopi-sembalun"}, {"firm_id": other}])),
    );

    // The café registers itself from its forum list, with at most 6 meetings.
    c.sign_in(&cafe_token);
    c.click("#nav a[href='#/forum-saya']");
    c.wait("article.forum[data-event='temu-bisnis-mataram'] #register-temu-bisnis-mataram");
    assert!(c.text("article.forum").contains("Anda belum terdaftar"));
    c.assert_accessible("forum list");
    c.type_into("#max-temu-bisnis-mataram", "6");
    c.click("#register-temu-bisnis-mataram");
    c.wait("#withdraw-temu-bisnis-mataram");
    assert!(c
        .text("article.forum")
        .contains("paling banyak 6 pertemuan"));
    let roster = c.api_json(
        Method::GET,
        "/v1/events/temu-bisnis-mataram/participants",
        None,
    );
    let me = roster
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["firm_id"] == "kafe-nusantara")
        .expect("the café is registered");
    assert_eq!(me["max_meetings"], 6);

    // The forum from the café's side: local times, the roaster recommended, no timetable yet.
    c.click("article.forum h2 a");
    c.wait("#request-form");
    c.wait("#agenda-none");
    let days = c.text("#days-h + p + h3");
    assert_eq!(days, "Kamis, 10 Desember 2026");
    let sessions = c.text("ul.sessions");
    assert!(
        sessions.contains("08.30–12.00 WITA") && sessions.contains("13.30–15.00 WITA"),
        "{sessions}"
    );
    c.assert_accessible("forum page of a firm");
    c.click("#recommended [data-partner='kopi-sembalun'] button.ask");
    assert_eq!(
        c.eval("document.querySelector('#request-to').value"),
        "kopi-sembalun"
    );
    c.choose("#request-priority", "3");
    c.type_into(
        "#request-message",
        "Kami mencari kopi arabika sangrai 200 kg per bulan",
    );
    c.click("#request-send");
    c.wait_for("document.querySelector('#sent table')");
    let sent = c.text("#sent");
    assert!(
        sent.contains("CV Kopi Sembalun Rinjani") && sent.contains("Menunggu jawaban"),
        "{sent}"
    );
    assert!(sent.contains("Wajib bertemu"), "{sent}");
    // Asked once: the roaster cannot be chosen again.
    assert_eq!(
        c.eval("document.querySelector('#request-to option[value=\"kopi-sembalun\"]').disabled"),
        true
    );
    sign_out(&c);

    // The roaster sees the request and accepts it.
    c.sign_in(&roaster_token);
    c.open("/forum-saya/temu-bisnis-mataram");
    c.wait("#received button[data-answer='accept']");
    c.wait("#agenda-none");
    let received = c.text("#received");
    assert!(
        received.contains("Kafe Nusantara") && received.contains("200 kg per bulan"),
        "{received}"
    );
    c.assert_accessible("requests received");
    c.click("#received button[data-answer='accept']");
    c.wait_for("document.querySelector('#received').innerText.includes('Diterima')");
    let requests = c.api_json(Method::GET, "/v1/events/temu-bisnis-mataram/requests", None);
    assert_eq!(requests[0]["status"], "accepted");
    sign_out(&c);

    // The organizers make the timetable; the café reads its agenda.
    c.api_json(
        Method::POST,
        "/v1/events/temu-bisnis-mataram/schedule",
        Some(json!({"time_limit_ms": 1000, "seed": 7})),
    );
    c.sign_in(&cafe_token);
    c.open("/forum-saya/temu-bisnis-mataram");
    c.wait("#agenda-table tr[data-partner='kopi-sembalun']");
    let row = c.text("#agenda-table tr[data-partner='kopi-sembalun']");
    assert!(row.contains("CV Kopi Sembalun Rinjani"), "{row}");
    assert!(row.contains("Saling meminta"), "{row}");
    assert!(row.contains("WITA"), "{row}");
    assert!(c.text("#sent").contains("Diterima"));
    c.assert_accessible("agenda");
    c.eval("document.querySelector('#agenda').scrollIntoView()");
    c.screenshot("firm-agenda");

    c.click("#agenda-ics");
    let ics =
        String::from_utf8(c.downloaded("agenda-temu-bisnis-mataram-kafe-nusantara.ics")).unwrap();
    // iCalendar folds long lines; unfold before looking for the partner's name.
    let unfolded = ics.replace("\r\n ", "").replace("\n ", "");
    assert!(unfolded.contains("BEGIN:VEVENT"), "{ics}");
    assert!(unfolded.contains("CV Kopi Sembalun Rinjani"), "{ics}");
    c.click("#agenda-csv");
    let csv =
        String::from_utf8(c.downloaded("agenda-temu-bisnis-mataram-kafe-nusantara.csv")).unwrap();
    assert!(csv.contains("CV Kopi Sembalun Rinjani"), "{csv}");
    c.assert_no_console_errors();
}
