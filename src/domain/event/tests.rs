//! Tests of forums, participants and meeting requests.

use super::*;
use serde_json::json;

fn forum() -> EventInput {
    serde_json::from_value(json!({
        "name": "Temu Bisnis", "time_zone": "WITA",
        "days": [
            {"date": "2026-12-10", "sessions": [{"name": "pagi", "start": "08:30", "end": "12:00"},
                                               {"name": "siang", "start": "13:30", "end": "15:00"}]},
            {"date": "2026-12-11", "sessions": [{"name": "pagi", "start": "09:00", "end": "10:00"}]}
        ],
        "slot_minutes": 20, "break_minutes": 5, "tables": 3
    }))
    .unwrap()
}

#[test]
fn slots_are_cut_from_sessions_with_breaks() {
    let event = forum()
        .parse()
        .unwrap()
        .into_event(EventId::parse("f").unwrap(), Utc::now());
    assert_eq!(event.time_zone, "Asia/Makassar");
    let slots = event.slots();
    // 08:30–12:00 holds 8 slots of 20 min + 5 min break (the 9th would end at 12:10);
    // 13:30–15:00 holds 3 (13:30, 13:55, 14:20); 09:00–10:00 holds 2.
    assert_eq!(slots.len(), 8 + 3 + 2);
    assert_eq!(
        slots[1].start.time(),
        NaiveTime::from_hms_opt(8, 55, 0).unwrap()
    );
    assert_eq!(slots[8].session, "siang");
    assert_eq!(slots[12].session_index, 2);
    assert_eq!(
        event.sessions(),
        vec![
            ("2026-12-10 pagi".to_string(), 8),
            ("2026-12-10 siang".to_string(), 3),
            ("2026-12-11 pagi".to_string(), 2)
        ]
    );
}

#[test]
fn invalid_forums_name_their_fields() {
    let mut input = forum();
    input.time_zone = Some("Mars/Olympus".into());
    input.tables = Some(0);
    input.days.as_mut().unwrap()[1].date = Some("2026-12-09".into());
    input.days.as_mut().unwrap()[0].sessions.as_mut().unwrap()[1].end = Some("13:00".into());
    let fields: Vec<String> = input
        .parse()
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        [
            "time_zone",
            "tables",
            "days[0].sessions[1].end",
            "days[1].date"
        ]
    );
}

#[test]
fn unavailable_times_become_slots() {
    let event = forum()
        .parse()
        .unwrap()
        .into_event(EventId::parse("f").unwrap(), Utc::now());
    let input: ParticipantInput = serde_json::from_value(json!({
        "firm_id": "kopi", "unavailable_slots": [12],
        "unavailable_times": [{"from": "2026-12-10T09:00", "to": "2026-12-10T09:30"}]
    }))
    .unwrap();
    let p = input.parse(&event, Utc::now()).unwrap();
    // 08:55–09:15 and 09:20–09:40 overlap 09:00–09:30.
    assert_eq!(p.unavailable_slots, vec![1, 2, 12]);
    let bad: ParticipantInput = serde_json::from_value(
        json!({"firm_id": "kopi", "unavailable_slots": [13], "max_meetings": 99}),
    )
    .unwrap();
    let fields: Vec<String> = bad
        .parse(&event, Utc::now())
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["unavailable_slots[0]", "max_meetings"]);
}
