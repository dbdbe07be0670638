//! Forums ("temu bisnis"): days with sessions, cut into meeting slots of a fixed length with
//! a break between them; a number of tables; the firms taking part and the meeting requests
//! they send each other.

use super::firm::{FieldError, MAX_NAME_CHARS};
use super::id::EventId;
pub use super::participant::{
    MeetingRequest, MeetingRequestInput, Participant, ParticipantInput, RequestStatus,
    TimeRangeInput,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const MAX_DAYS: usize = 14;
pub const MAX_SESSIONS_PER_DAY: usize = 4;
/// The timetable solver holds a participant's slots in 128-bit masks: five days of 24 slots fit.
pub const MAX_SLOTS: usize = 128;
pub const MAX_TABLES: u32 = 1000;

/// Time-zone names people use in Indonesia, mapped to IANA names.
fn time_zone_alias(name: &str) -> &str {
    match name.trim().to_ascii_uppercase().as_str() {
        "WIB" => "Asia/Jakarta",
        "WITA" => "Asia/Makassar",
        "WIT" => "Asia/Jayapura",
        _ => name.trim(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ForumSession, example = json!({"name": "pagi", "start": "08:30", "end": "12:00"}))]
pub struct Session {
    /// Unique within its day, e.g. "pagi"/"morning".
    pub name: String,
    /// Local time "HH:MM" in the forum's time zone.
    #[schema(value_type = String, example = "08:30")]
    pub start: NaiveTime,
    #[schema(value_type = String, example = "12:00")]
    pub end: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventDay {
    #[schema(value_type = String, example = "2026-12-10")]
    pub date: NaiveDate,
    pub sessions: Vec<Session>,
}

/// One meeting slot: a time at which every table can hold one meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"index": 0, "date": "2026-12-10", "session": "pagi", "session_index": 0, "start": "2026-12-10T08:30:00", "end": "2026-12-10T08:50:00"}))]
pub struct Slot {
    /// Slots are numbered from 0 across days and sessions, in time order.
    pub index: u32,
    #[schema(value_type = String)]
    pub date: NaiveDate,
    pub session: String,
    /// Position of the (day, session) among all sessions of the forum.
    pub session_index: u32,
    /// Local date-time in the forum's time zone.
    #[schema(value_type = String)]
    pub start: NaiveDateTime,
    #[schema(value_type = String)]
    pub end: NaiveDateTime,
}

/// A stored forum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub id: EventId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// IANA time zone, e.g. Asia/Makassar (WITA) for NTB, Asia/Jakarta (WIB) for Jatim.
    pub time_zone: String,
    pub days: Vec<EventDay>,
    pub slot_minutes: u32,
    pub break_minutes: u32,
    pub tables: u32,
    /// One name per table ("Meja 1" …) when given.
    #[serde(default)]
    pub table_names: Vec<String>,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Event {
    /// The slots the days and sessions are cut into.
    pub fn slots(&self) -> Vec<Slot> {
        derive_slots(&self.days, self.slot_minutes, self.break_minutes)
    }

    /// (day, session) pairs in time order, each with its number of slots.
    pub fn sessions(&self) -> Vec<(String, u32)> {
        let slots = self.slots();
        let mut out: Vec<(String, u32)> = Vec::new();
        for slot in &slots {
            let key = format!("{} {}", slot.date, slot.session);
            match out.last_mut() {
                Some((name, count)) if *name == key => *count += 1,
                _ => out.push((key, 1)),
            }
        }
        out
    }

    pub fn table_name(&self, table: u32) -> String {
        self.table_names
            .get(table as usize)
            .cloned()
            .unwrap_or_else(|| format!("Meja {}", table + 1))
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        // Validated when the event was created.
        self.time_zone.parse().unwrap_or(chrono_tz::Asia::Jakarta)
    }
}

fn derive_slots(days: &[EventDay], slot_minutes: u32, break_minutes: u32) -> Vec<Slot> {
    let slot = TimeDelta::minutes(slot_minutes as i64);
    let step = TimeDelta::minutes((slot_minutes + break_minutes) as i64);
    let mut out = Vec::new();
    let mut session_index = 0;
    for day in days {
        for session in &day.sessions {
            let end = day.date.and_time(session.end);
            let mut start = day.date.and_time(session.start);
            while start + slot <= end && out.len() <= MAX_SLOTS {
                out.push(Slot {
                    index: out.len() as u32,
                    date: day.date,
                    session: session.name.clone(),
                    session_index,
                    start,
                    end: start + slot,
                });
                start += step;
            }
            session_index += 1;
        }
    }
    out
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct SessionInput {
    /// Not blank, unique within its day ("pagi").
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    /// Local time "HH:MM".
    #[schema(required = true, nullable = false)]
    pub start: Option<String>,
    /// Local time "HH:MM", after `start`.
    #[schema(required = true, nullable = false)]
    pub end: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct DayInput {
    /// "YYYY-MM-DD"
    #[schema(required = true, nullable = false, format = Date)]
    pub date: Option<String>,
    /// One to four sessions, in time order, not overlapping.
    #[schema(required = true, nullable = false, min_items = 1, max_items = 4)]
    pub sessions: Option<Vec<SessionInput>>,
}

/// A forum as a client describes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "temu-bisnis-mataram-2026",
    "name": "Temu Bisnis IKM NTB–Jatim 2026",
    "venue": "Islamic Center, Mataram",
    "time_zone": "Asia/Makassar",
    "days": [
        {"date": "2026-12-10", "sessions": [{"name": "pagi", "start": "08:30", "end": "12:00"}, {"name": "siang", "start": "13:30", "end": "16:00"}]},
        {"date": "2026-12-11", "sessions": [{"name": "pagi", "start": "08:30", "end": "12:00"}]}
    ],
    "slot_minutes": 20,
    "break_minutes": 5,
    "tables": 14
}))]
pub struct EventInput {
    /// Optional slug `[a-z0-9][a-z0-9-]{0,63}`; the server assigns one when absent.
    #[schema(pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")]
    pub id: Option<String>,
    /// Not blank, at most 200 characters, no control characters.
    #[schema(required = true, nullable = false, max_length = 200)]
    pub name: Option<String>,
    pub venue: Option<String>,
    /// An IANA time-zone name (Asia/Makassar) or WIB/WITA/WIT. The pattern gives the shape
    /// of a name; a name of that shape that is no zone (Asia/Atlantis) is refused.
    #[schema(
        required = true,
        nullable = false,
        pattern = r"^\s*[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}\s*$",
        example = "Asia/Makassar"
    )]
    pub time_zone: Option<String>,
    /// One to 14 days, in date order, each date once; together at most 128 slots.
    #[schema(required = true, nullable = false, min_items = 1, max_items = 14)]
    pub days: Option<Vec<DayInput>>,
    /// Minutes of one meeting, 5–240.
    #[schema(required = true, nullable = false, minimum = 5, maximum = 240)]
    pub slot_minutes: Option<i64>,
    /// Minutes between two slots, 0–120 (default 0).
    #[schema(minimum = 0, maximum = 120)]
    pub break_minutes: Option<i64>,
    /// Tables, 1–1000.
    #[schema(required = true, nullable = false, minimum = 1, maximum = 1000)]
    pub tables: Option<i64>,
    /// One name per table.
    pub table_names: Option<Vec<String>>,
}

/// The validated parts of an [`EventInput`].
#[derive(Debug, Clone)]
pub struct EventSpec {
    pub id: Option<EventId>,
    pub name: String,
    pub venue: Option<String>,
    pub time_zone: String,
    pub days: Vec<EventDay>,
    pub slot_minutes: u32,
    pub break_minutes: u32,
    pub tables: u32,
    pub table_names: Vec<String>,
}

impl EventSpec {
    pub fn into_event(self, id: EventId, now: DateTime<Utc>) -> Event {
        Event {
            id,
            name: self.name,
            venue: self.venue,
            time_zone: self.time_zone,
            days: self.days,
            slot_minutes: self.slot_minutes,
            break_minutes: self.break_minutes,
            tables: self.tables,
            table_names: self.table_names,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
}

fn text(errors: &mut Vec<FieldError>, field: &str, value: &Option<String>) -> Option<String> {
    match value.as_deref().map(str::trim) {
        None => {
            errors.push(FieldError::required(field));
            None
        }
        Some("") => {
            errors.push(FieldError::empty(field));
            None
        }
        Some(v) if v.chars().count() > MAX_NAME_CHARS => {
            errors.push(FieldError::too_long(field, MAX_NAME_CHARS));
            None
        }
        Some(v) if v.chars().any(char::is_control) => {
            errors.push(FieldError::control_characters(field));
            None
        }
        Some(v) => Some(v.to_string()),
    }
}

fn number(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<i64>,
    range: std::ops::RangeInclusive<i64>,
) -> Option<u32> {
    match value {
        None => {
            errors.push(FieldError::required(field));
            None
        }
        Some(n) if range.contains(&n) => Some(n as u32),
        Some(_) => {
            errors.push(FieldError::out_of_range(field, range.start(), range.end()));
            None
        }
    }
}

impl EventInput {
    pub fn parse(&self) -> Result<EventSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        let id = match &self.id {
            Some(raw) => EventId::parse(raw.trim())
                .map_err(|e| errors.push(FieldError::coded("id", "invalid_id", e)))
                .ok(),
            None => None,
        };
        let name = text(&mut errors, "name", &self.name);
        let venue = match self.venue.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) if v.chars().count() > MAX_NAME_CHARS => {
                errors.push(FieldError::too_long("venue", MAX_NAME_CHARS));
                None
            }
            Some(v) if v.chars().any(char::is_control) => {
                errors.push(FieldError::control_characters("venue"));
                None
            }
            Some(v) => Some(v.to_string()),
        };
        let time_zone = match self.time_zone.as_deref() {
            None => {
                errors.push(FieldError::required("time_zone"));
                None
            }
            Some(raw) => {
                let name = time_zone_alias(raw);
                match name.parse::<chrono_tz::Tz>() {
                    Ok(tz) => Some(tz.name().to_string()),
                    Err(_) => {
                        errors.push(FieldError::coded(
                            "time_zone",
                            "unknown_time_zone",
                            format!("'{raw}' is not a time zone; use e.g. Asia/Makassar (WITA) or Asia/Jakarta (WIB)"),
                        ).with("value", raw.trim()));
                        None
                    }
                }
            }
        };
        let slot_minutes = number(&mut errors, "slot_minutes", self.slot_minutes, 5..=240);
        let break_minutes = number(
            &mut errors,
            "break_minutes",
            Some(self.break_minutes.unwrap_or(0)),
            0..=120,
        );
        let tables = number(&mut errors, "tables", self.tables, 1..=MAX_TABLES as i64);

        let mut days = Vec::new();
        match self.days.as_deref() {
            None => errors.push(FieldError::required("days")),
            Some([]) => errors.push(FieldError::too_few("days", 1, "day")),
            Some(list) if list.len() > MAX_DAYS => {
                errors.push(FieldError::too_many("days", MAX_DAYS, "days"))
            }
            Some(list) => {
                for (d, day) in list.iter().enumerate() {
                    if let Some(day) = parse_day(&mut errors, d, day) {
                        if let Some(prev) = days.last().map(|p: &EventDay| p.date) {
                            if day.date <= prev {
                                errors.push(
                                    FieldError::coded(
                                        format!("days[{d}].date"),
                                        "not_in_order",
                                        "days must be in order, each date once",
                                    )
                                    .with("value", day.date)
                                    .with("previous", prev),
                                );
                            }
                        }
                        days.push(day);
                    }
                }
            }
        }

        let table_names = match (&self.table_names, tables) {
            (Some(names), Some(count)) => {
                if names.len() != count as usize {
                    errors.push(
                        FieldError::coded(
                            "table_names",
                            "wrong_count",
                            format!("has {} names for {count} tables", names.len()),
                        )
                        .with("count", names.len())
                        .with("expected", count),
                    );
                }
                let trimmed: Vec<String> = names.iter().map(|n| n.trim().to_string()).collect();
                for (i, n) in trimmed.iter().enumerate() {
                    if n.chars().any(char::is_control) {
                        errors.push(FieldError::control_characters(format!("table_names[{i}]")));
                    } else if n.chars().count() > MAX_NAME_CHARS {
                        errors.push(FieldError::too_long(
                            format!("table_names[{i}]"),
                            MAX_NAME_CHARS,
                        ));
                    }
                    if n.is_empty() {
                        errors.push(FieldError::empty(format!("table_names[{i}]")));
                    } else if trimmed[..i].contains(n) {
                        errors.push(FieldError::duplicate(format!("table_names[{i}]"), n));
                    }
                }
                trimmed
            }
            _ => Vec::new(),
        };

        if let (Some(slot), Some(pause)) = (slot_minutes, break_minutes) {
            if errors.is_empty() {
                let slots = derive_slots(&days, slot, pause);
                if slots.is_empty() {
                    errors.push(
                        FieldError::coded(
                            "days",
                            "no_slots",
                            "no session is long enough for one slot",
                        )
                        .with("slot_minutes", slot),
                    );
                } else if slots.len() > MAX_SLOTS {
                    errors.push(
                        FieldError::coded(
                            "days",
                            "too_many_slots",
                            format!("the sessions make more than {MAX_SLOTS} slots"),
                        )
                        .with("max", MAX_SLOTS)
                        .with("count", slots.len()),
                    );
                }
            }
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        match (name, time_zone, slot_minutes, break_minutes, tables) {
            (
                Some(name),
                Some(time_zone),
                Some(slot_minutes),
                Some(break_minutes),
                Some(tables),
            ) => Ok(EventSpec {
                id,
                name,
                venue,
                time_zone,
                days,
                slot_minutes,
                break_minutes,
                tables,
                table_names,
            }),
            _ => Err(vec![FieldError::coded(
                "",
                "incomplete",
                "incomplete event",
            )]),
        }
    }
}

fn parse_day(errors: &mut Vec<FieldError>, d: usize, day: &DayInput) -> Option<EventDay> {
    let field = format!("days[{d}]");
    let date = match day.date.as_deref() {
        None => {
            errors.push(FieldError::required(format!("{field}.date")));
            None
        }
        Some(raw) => NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| {
                errors.push(
                    FieldError::coded(
                        format!("{field}.date"),
                        "not_date",
                        format!("'{raw}' is not a date YYYY-MM-DD"),
                    )
                    .with("value", raw.trim()),
                )
            })
            .ok(),
    };
    let mut sessions: Vec<Session> = Vec::new();
    match day.sessions.as_deref() {
        None | Some([]) => errors.push(FieldError::too_few(
            format!("{field}.sessions"),
            1,
            "session",
        )),
        Some(list) if list.len() > MAX_SESSIONS_PER_DAY => errors.push(FieldError::too_many(
            format!("{field}.sessions"),
            MAX_SESSIONS_PER_DAY,
            "sessions",
        )),
        Some(list) => {
            for (s, session) in list.iter().enumerate() {
                let sf = format!("{field}.sessions[{s}]");
                let name = text(errors, &format!("{sf}.name"), &session.name);
                let time =
                    |errors: &mut Vec<FieldError>, part: &str, value: &Option<String>| match value
                        .as_deref()
                    {
                        None => {
                            errors.push(FieldError::required(format!("{sf}.{part}")));
                            None
                        }
                        Some(raw) => NaiveTime::parse_from_str(raw.trim(), "%H:%M")
                            .map_err(|_| {
                                errors.push(
                                    FieldError::coded(
                                        format!("{sf}.{part}"),
                                        "not_time",
                                        format!("'{raw}' is not a time HH:MM"),
                                    )
                                    .with("value", raw.trim()),
                                )
                            })
                            .ok(),
                    };
                let start = time(errors, "start", &session.start);
                let end = time(errors, "end", &session.end);
                if let (Some(name), Some(start), Some(end)) = (name, start, end) {
                    if end <= start {
                        errors.push(
                            FieldError::coded(
                                format!("{sf}.end"),
                                "not_after",
                                "must be after start",
                            )
                            .with("other", "start"),
                        );
                    } else if sessions.iter().any(|x| x.name == name) {
                        errors.push(
                            FieldError::coded(
                                format!("{sf}.name"),
                                "duplicate",
                                format!("'{name}' is used twice on this day"),
                            )
                            .with("value", &name),
                        );
                    } else if let Some(prev) = sessions.last().filter(|prev| start < prev.end) {
                        errors.push(
                            FieldError::coded(
                                format!("{sf}.start"),
                                "overlapping_sessions",
                                "sessions must be in order and not overlap",
                            )
                            .with("previous", &prev.name)
                            .with("previous_end", prev.end.format("%H:%M")),
                        );
                    } else {
                        sessions.push(Session { name, start, end });
                    }
                }
            }
        }
    }
    Some(EventDay {
        date: date?,
        sessions,
    })
}

#[cfg(test)]
mod tests;
