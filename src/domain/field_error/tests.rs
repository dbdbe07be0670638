//! Every validator names what is wrong with a specific code and its parameters, so a client
//! never has to read the English message: known-bad inputs, the codes they must give.

use super::*;
use crate::domain::event::{EventInput, MeetingRequestInput, ParticipantInput, MAX_DAYS};
use crate::domain::outcome::{OutcomeInput, MAX_DEAL_IDR};
use crate::domain::{EventId, FirmInput, Reference, RequestId};
use chrono::Utc;
use serde_json::{json, Value};

/// Asserts that no error is the generic `invalid`, and that each expected
/// `(field, code, params)` is among `errors` (params as given, `null` for none).
fn assert_codes(errors: &[FieldError], expected: &[(&str, &str, Value)]) {
    for e in errors {
        assert_ne!(e.code, "invalid", "{e:?} has no specific code");
        assert!(!e.code.is_empty(), "{e:?}");
    }
    for (field, code, params) in expected {
        let found = errors
            .iter()
            .find(|e| e.field == *field && e.code == *code)
            .unwrap_or_else(|| panic!("no {code} for {field} in {errors:#?}"));
        let got = serde_json::to_value(&found.params).unwrap();
        let want = if params.is_null() {
            json!({})
        } else {
            params.clone()
        };
        assert_eq!(got, want, "params of {field}");
    }
}

fn forum(days: Value) -> EventInput {
    serde_json::from_value(json!({
        "name": "Temu Bisnis", "time_zone": "WITA", "days": days,
        "slot_minutes": 20, "break_minutes": 5, "tables": 2
    }))
    .unwrap()
}

#[test]
fn forum_errors_carry_codes() {
    let mut input = forum(json!([
        {"date": "2026-12-11", "sessions": [
            {"name": "pagi", "start": "08:00", "end": "10:00"},
            {"name": "pagi", "start": "10:00", "end": "11:00"},
            {"name": "siang", "start": "09:30", "end": "12:00"}]},
        {"date": "2026-12-10", "sessions": []}
    ]));
    input.time_zone = Some("Mars/Olympus".into());
    input.table_names = Some(vec!["A".into(), "A".into(), " ".into()]);
    let errors = input.parse().unwrap_err();
    assert_codes(
        &errors,
        &[
            (
                "time_zone",
                "unknown_time_zone",
                json!({"value": "Mars/Olympus"}),
            ),
            (
                "days[0].sessions[1].name",
                "duplicate",
                json!({"value": "pagi"}),
            ),
            (
                "days[0].sessions[2].start",
                "overlapping_sessions",
                json!({"previous": "pagi", "previous_end": "10:00"}),
            ),
            ("days[1].sessions", "too_few", json!({"min": "1"})),
            (
                "table_names",
                "wrong_count",
                json!({"count": "3", "expected": "2"}),
            ),
            ("table_names[1]", "duplicate", json!({"value": "A"})),
            ("table_names[2]", "empty", Value::Null),
        ],
    );

    let out_of_order = forum(json!([
        {"date": "2026-12-11", "sessions": [{"name": "pagi", "start": "08:00", "end": "10:00"}]},
        {"date": "2026-12-10", "sessions": [{"name": "pagi", "start": "08:00", "end": "10:00"}]}
    ]));
    assert_codes(
        &out_of_order.parse().unwrap_err(),
        &[(
            "days[1].date",
            "not_in_order",
            json!({"value": "2026-12-10", "previous": "2026-12-11"}),
        )],
    );

    let too_short = forum(json!([
        {"date": "2026-12-10", "sessions": [{"name": "pagi", "start": "08:00", "end": "08:10"}]}
    ]));
    assert_codes(
        &too_short.parse().unwrap_err(),
        &[("days", "no_slots", json!({"slot_minutes": "20"}))],
    );

    let many_days = forum(json!((1..=40)
        .map(|d| json!({"date": format!("2026-12-{d:02}")}))
        .collect::<Vec<_>>()));
    assert_codes(
        &many_days.parse().unwrap_err(),
        &[("days", "too_many", json!({"max": MAX_DAYS.to_string()}))],
    );
}

#[test]
fn participant_and_request_errors_carry_codes() {
    let event = forum(json!([
        {"date": "2026-12-10", "sessions": [{"name": "pagi", "start": "08:00", "end": "09:00"}]}
    ]))
    .parse()
    .unwrap()
    .into_event(EventId::parse("f").unwrap(), Utc::now());
    let slots = event.slots().len();
    let input: ParticipantInput = serde_json::from_value(json!({
        "firm_id": "kopi",
        "unavailable_slots": [7],
        "unavailable_times": [{"from": "10 Desember", "to": "2026-12-10T09:00"}],
        "max_meetings": 99
    }))
    .unwrap();
    assert_codes(
        &input.parse(&event, Utc::now()).unwrap_err(),
        &[
            (
                "unavailable_slots[0]",
                "out_of_range",
                json!({"value": "7", "min": "0", "max": (slots - 1).to_string()}),
            ),
            (
                "unavailable_times[0].from",
                "not_date_time",
                json!({"value": "10 Desember"}),
            ),
            (
                "max_meetings",
                "out_of_range",
                json!({"min": "0", "max": slots.to_string()}),
            ),
        ],
    );

    let request: MeetingRequestInput =
        serde_json::from_value(json!({"from": "kopi", "to": "kopi", "priority": 5})).unwrap();
    let id = RequestId::generate(1, 2);
    assert_codes(
        &request.parse(id, Utc::now()).unwrap_err(),
        &[
            ("to", "self_meeting", json!({"other": "from"})),
            ("priority", "out_of_range", json!({"min": "1", "max": "3"})),
        ],
    );
}

#[test]
fn outcome_errors_carry_codes() {
    let parse = |v: Value| {
        serde_json::from_value::<OutcomeInput>(v)
            .unwrap()
            .parse("m", "org", Utc::now(), 1)
            .unwrap_err()
    };
    assert_codes(
        &parse(json!({"status": "no_show"})),
        &[(
            "no_show",
            "required",
            json!({"status": "no_show", "allowed": "a, b, both"}),
        )],
    );
    let long = "x".repeat(2001);
    assert_codes(
        &parse(json!({
            "status": "cancelled", "no_show": "a", "interest_a": "huge", "notes": long,
            "deals": [{"product": "", "value_idr": 0, "volume": {"amount": 5}}]
        })),
        &[
            ("no_show", "only_with_status", json!({"status": "no_show"})),
            ("deals", "only_with_status", json!({"status": "held"})),
            (
                "interest_a",
                "not_one_of",
                json!({"value": "huge", "allowed": "none, low, high"}),
            ),
            ("notes", "too_long", json!({"max": "2000"})),
            ("deals[0].product", "empty", Value::Null),
            (
                "deals[0].value_idr",
                "out_of_range",
                json!({"min": "1", "max": MAX_DEAL_IDR.to_string()}),
            ),
            (
                "deals[0].direction",
                "required",
                json!({"allowed": "ntb_to_jatim, jatim_to_ntb"}),
            ),
            (
                "deals[0].volume",
                "incomplete",
                json!({"missing": "unit, per"}),
            ),
        ],
    );
}

#[test]
fn firm_errors_carry_codes() {
    let input: FirmInput = serde_json::from_value(json!({
        "name": "", "province": "Bali", "kbli": [], "employees": -1, "size": "raksasa"
    }))
    .unwrap();
    let errors = input.parse(Reference::shared()).unwrap_err();
    assert_codes(
        &errors,
        &[
            ("name", "empty", Value::Null),
            ("province", "unknown_province", json!({"value": "Bali"})),
            ("size", "unknown_size", json!({"value": "raksasa"})),
        ],
    );
}

#[test]
fn parser_errors_and_wrapped_errors_keep_a_code() {
    let e = FieldError::unreadable(
        "deals[0].value_idr",
        "invalid type: string \"banyak\", expected i64",
    );
    assert_eq!(e.code, "wrong_type");
    assert_eq!(e.params["expected"], "i64");
    let e = FieldError::unreadable("contact", "missing field `person`");
    assert_eq!(
        (e.field.as_str(), e.code.as_str()),
        ("contact.person", "required")
    );
    let e = FieldError::unreadable("", "missing field `name`");
    assert_eq!((e.field.as_str(), e.code.as_str()), ("name", "required"));

    let inner = FieldError::out_of_range("weights.supply", 0, 1);
    let outer = inner.clone().prefixed("config");
    assert_eq!(outer.field, "config.weights.supply");
    assert_eq!((outer.code, outer.params), (inner.code, inner.params));
    assert_eq!(FieldError::empty("").prefixed("a").field, "a");
    assert_eq!(
        FieldError::empty("[2].id").prefixed("rows").field,
        "rows[2].id"
    );
}

/// Each code is explained in the README and worded by the console in both its languages.
#[test]
fn every_code_is_documented_and_translated() {
    let readme = include_str!("../../../README.md");
    let console = include_str!("../../console/assets/js/dom.js");
    let table = |lang: &str| {
        let start = console
            .find(&format!("\n  {lang}: {{\n"))
            .unwrap_or_else(|| panic!("no {lang} table in dom.js"));
        let end = start + console[start..].find("\n  },").unwrap();
        &console[start..end]
    };
    let (id, en) = (table("id"), table("en"));
    for code in CODES {
        assert!(
            readme.contains(&format!("`{code}`")),
            "README lacks `{code}`"
        );
        for (lang, words) in [("id", id), ("en", en)] {
            assert!(
                words.contains(&format!("\n    {code}: ")),
                "the console has no {lang} words for {code}"
            );
        }
    }
    let mut sorted = CODES.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, CODES, "CODES sorted, each once");
}
