use super::*;
use crate::domain::event::EventInput;
use crate::domain::EventId;
use crate::schedule::forum::{AgendaEntry, FirmCard};
use crate::schedule::MeetingKind;
use chrono::Utc;
use serde_json::json;

fn event(name: &str) -> Event {
    let input: EventInput = serde_json::from_value(json!({
        "name": name, "time_zone": "WITA", "venue": "Hotel Lombok Raya",
        "days": [
            {"date": "2026-12-10", "sessions": [{"name": "pagi", "start": "08:30", "end": "12:00"}]},
            {"date": "2026-12-11", "sessions": [{"name": "pagi", "start": "09:00", "end": "10:00"}]}
        ],
        "slot_minutes": 20, "break_minutes": 5, "tables": 3
    }))
    .unwrap();
    input
        .parse()
        .unwrap()
        .into_event(EventId::parse("temu").unwrap(), Utc::now())
}

fn card(id: &str, name: &str) -> FirmCard {
    FirmCard {
        id: id.into(),
        name: name.into(),
        province: "JATIM".into(),
        regency: "Kota Surabaya".into(),
    }
}

fn agenda(event: &Event, firm: &str, partner: &str, reason: &str) -> Agenda {
    let slots = event.slots();
    let entry = |slot: usize, table: u32, reasons: Vec<String>| AgendaEntry {
        meeting_id: format!("m{slot}"),
        slot: slot as u32,
        start: slots[slot].start,
        end: slots[slot].end,
        session: "pagi".into(),
        table,
        table_name: event.table_name(table),
        partner: card("p", partner),
        kind: MeetingKind::Recommended,
        reasons,
    };
    Agenda {
        event_id: "temu".into(),
        event_name: event.name.clone(),
        time_zone: event.time_zone.clone(),
        firm: card("f", firm),
        meetings: vec![
            entry(0, 0, vec![reason.into(), "second reason".into()]),
            entry(1, 2, vec![]),
            entry(slots.len() - 1, 1, vec!["Kemasan untuk kopi".into()]),
        ],
    }
}

#[test]
fn the_message_greets_names_the_forum_and_lists_each_meeting() {
    let event = event("Temu Bisnis NTB–Jatim");
    let text = agenda_text(
        &event,
        &agenda(
            &event,
            "CV Kopi Sembalun",
            "UD Kemasan Jaya",
            "Pemasok kemasan",
        ),
        Language::Indonesian,
    );
    let want = "Yth. CV Kopi Sembalun,\n\n\
        Berikut jadwal 3 pertemuan Anda di Temu Bisnis NTB–Jatim (Hotel Lombok Raya):\n\
        \nKamis, 10 Desember 2026\n\
        1. 08:30–08:50 WITA, Meja 1\n   Mitra: UD Kemasan Jaya (Kota Surabaya, JATIM)\n   Alasan: Pemasok kemasan\n\
        2. 08:55–09:15 WITA, Meja 3\n   Mitra: UD Kemasan Jaya (Kota Surabaya, JATIM)\n\
        \nJumat, 11 Desember 2026\n\
        3. 09:25–09:45 WITA, Meja 2\n   Mitra: UD Kemasan Jaya (Kota Surabaya, JATIM)\n   Alasan: Kemasan untuk kopi\n\
        \nMohon hadir 10 menit sebelum pertemuan pertama. Terima kasih.\n";
    assert_eq!(text, want);
    let english = agenda_text(
        &event,
        &agenda(
            &event,
            "CV Kopi Sembalun",
            "UD Kemasan Jaya",
            "Packaging supplier",
        ),
        Language::English,
    );
    assert!(english.starts_with("Dear CV Kopi Sembalun,\n\nHere are your 3 meetings at"));
    assert!(english.contains(
        "\nThursday, 10 December 2026\n1. 08:30–08:50 WITA, Meja 1\n   Partner: UD Kemasan Jaya"
    ));
    assert!(english.contains("   Why: Packaging supplier\n"));
}

#[test]
fn hostile_names_cannot_add_lines_restyle_or_reorder_the_message() {
    // Forum texts with control characters are refused on input now, but a forum stored
    // before that may still hold one: the message must stay whole either way.
    let mut event = event("Forum");
    event.name = "Forum\n3. 07:00 WITA, Meja 9\u{202E}".into();
    let hostile = "*PROMO*\r\n   Mitra: _palsu_ ~x~ ```kode```\u{0007}\u{2066}";
    let text = agenda_text(
        &event,
        &agenda(&event, hostile, hostile, &"sangat panjang ".repeat(40)),
        Language::Indonesian,
    );
    // Exactly the lines of the same agenda with plain names: nothing injected.
    let plain = agenda_text(&event, &agenda(&event, "A", "B", "r"), Language::Indonesian);
    assert_eq!(text.lines().count(), plain.lines().count(), "{text}");
    assert!(
        text.starts_with("Yth. PROMO Mitra: palsu x kode,\n"),
        "{text}"
    );
    assert!(
        text.contains("di Forum 3. 07:00 WITA, Meja 9 (Hotel Lombok Raya):\n"),
        "{text}"
    );
    for bad in ['*', '_', '~', '`', '\r', '\u{7}', '\u{202E}', '\u{2066}'] {
        assert!(!text.contains(bad), "{bad:?} in {text}");
    }
    // Every line but the blank ones starts as the format says.
    for line in text.lines().filter(|l| !l.is_empty()) {
        let known = [
            "Yth.",
            "Berikut",
            "Kamis",
            "Jumat",
            "1.",
            "2.",
            "3.",
            "   Mitra:",
            "   Alasan:",
            "Mohon",
        ];
        assert!(known.iter().any(|k| line.starts_with(k)), "{line:?}");
    }
    let reason = text
        .lines()
        .find(|l| l.starts_with("   Alasan: sangat"))
        .unwrap();
    assert!(reason.ends_with('…') && reason.chars().count() <= MAX_REASON_CHARS + 11);
}

#[test]
fn an_empty_agenda_says_so() {
    let event = event("Temu");
    let mut empty = agenda(&event, "CV A", "B", "r");
    empty.meetings.clear();
    let text = agenda_text(&event, &empty, Language::Indonesian);
    assert!(text.contains("belum ada pertemuan untuk Anda"), "{text}");
}

#[test]
fn links_go_to_wa_me_with_the_digits_and_the_encoded_text() {
    assert_eq!(
        wa_digits("+6281234567890").as_deref(),
        Some("6281234567890")
    );
    assert_eq!(wa_digits("081234567890"), None);
    assert_eq!(wa_digits("+62 812"), None);
    assert_eq!(wa_digits("+62"), None);
    assert_eq!(
        wa_link("6281234567890", "Yth. A&B,\n1. 08:30–08:50"),
        "https://wa.me/6281234567890?text=Yth.%20A%26B%2C%0A1.%2008%3A30%E2%80%9308%3A50"
    );
}

#[test]
fn zones_get_their_everyday_names() {
    assert_eq!(zone_name("Asia/Makassar"), "WITA");
    assert_eq!(zone_name("Asia/Jakarta"), "WIB");
    assert_eq!(zone_name("Europe/Paris"), "Europe/Paris");
}
