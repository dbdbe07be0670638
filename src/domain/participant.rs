//! Who takes part in a forum and whom they want to meet: participants (with unavailable
//! slots or times and a meeting cap) and meeting requests between them.

use super::event::Event;
use super::firm::FieldError;
use super::id::{FirmId, RequestId};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A firm taking part in a forum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ForumParticipant)]
pub struct Participant {
    pub firm_id: FirmId,
    /// Slots the firm cannot meet in (derived from `unavailable_times` too).
    #[serde(default)]
    pub unavailable_slots: Vec<u32>,
    /// At most this many meetings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_meetings: Option<u32>,
    /// A host keeps one table for the whole forum; others come to it.
    #[serde(default)]
    pub host: bool,
    pub registered_at: DateTime<Utc>,
}

/// A participant as a client sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"firm_id": "kopi-sembalun", "unavailable_slots": [0, 1], "unavailable_times": [{"from": "2026-12-10T13:30", "to": "2026-12-10T14:30"}], "max_meetings": 8, "host": false}))]
pub struct ParticipantInput {
    #[schema(required = true)]
    pub firm_id: Option<String>,
    pub unavailable_slots: Option<Vec<i64>>,
    /// Local times in the forum's time zone; every slot overlapping one is unavailable.
    pub unavailable_times: Option<Vec<TimeRangeInput>>,
    pub max_meetings: Option<i64>,
    pub host: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct TimeRangeInput {
    /// "YYYY-MM-DDTHH:MM" local time.
    #[schema(required = true)]
    pub from: Option<String>,
    #[schema(required = true)]
    pub to: Option<String>,
}

impl ParticipantInput {
    /// Checks the input against the forum's slots; the firm's existence is the caller's check.
    pub fn parse(&self, event: &Event, now: DateTime<Utc>) -> Result<Participant, Vec<FieldError>> {
        let mut errors = Vec::new();
        let slots = event.slots();
        let firm_id = match self.firm_id.as_deref() {
            None => {
                errors.push(FieldError::required("firm_id"));
                None
            }
            Some(raw) => FirmId::parse(raw.trim())
                .map_err(|e| errors.push(FieldError::coded("firm_id", "invalid_id", e)))
                .ok(),
        };
        let mut unavailable: Vec<u32> = Vec::new();
        for (i, &slot) in self
            .unavailable_slots
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if slot < 0 || slot as usize >= slots.len() {
                errors.push(
                    FieldError::coded(
                        format!("unavailable_slots[{i}]"),
                        "out_of_range",
                        format!("slot {slot} is out of range 0..{}", slots.len()),
                    )
                    .with("value", slot)
                    .with("min", 0)
                    .with("max", slots.len().saturating_sub(1)),
                );
            } else {
                unavailable.push(slot as u32);
            }
        }
        for (i, range) in self
            .unavailable_times
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let field = format!("unavailable_times[{i}]");
            let parse = |part: &str, v: &Option<String>| -> Result<NaiveDateTime, FieldError> {
                let raw = v
                    .as_deref()
                    .ok_or_else(|| FieldError::required(format!("{field}.{part}")))?;
                NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M")
                    .or_else(|_| NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M:%S"))
                    .map_err(|_| {
                        FieldError::coded(
                            format!("{field}.{part}"),
                            "not_date_time",
                            format!("'{raw}' is not a local time YYYY-MM-DDTHH:MM"),
                        )
                        .with("value", raw.trim())
                    })
            };
            match (parse("from", &range.from), parse("to", &range.to)) {
                (Ok(from), Ok(to)) if from < to => {
                    unavailable.extend(
                        slots
                            .iter()
                            .filter(|s| s.start < to && from < s.end)
                            .map(|s| s.index),
                    );
                }
                (Ok(_), Ok(_)) => errors.push(
                    FieldError::coded(format!("{field}.to"), "not_after", "must be after from")
                        .with("other", "from"),
                ),
                (a, b) => errors.extend([a.err(), b.err()].into_iter().flatten()),
            }
        }
        unavailable.sort_unstable();
        unavailable.dedup();
        let max_meetings = match self.max_meetings {
            None => None,
            Some(n) if (0..=slots.len() as i64).contains(&n) => Some(n as u32),
            Some(_) => {
                errors.push(
                    FieldError::coded(
                        "max_meetings",
                        "out_of_range",
                        format!(
                            "must be between 0 and {} (the number of slots)",
                            slots.len()
                        ),
                    )
                    .with("min", 0)
                    .with("max", slots.len()),
                );
                None
            }
        };
        match firm_id {
            Some(firm_id) if errors.is_empty() => Ok(Participant {
                firm_id,
                unavailable_slots: unavailable,
                max_meetings,
                host: self.host.unwrap_or(false),
                registered_at: now,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    Pending,
    Accepted,
    Declined,
}

/// "I would like to meet this firm": from one participant to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ForumMeetingRequest)]
pub struct MeetingRequest {
    pub id: RequestId,
    pub from: FirmId,
    pub to: FirmId,
    /// 1 (nice to have) to 3 (must meet); default 2.
    pub priority: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub status: RequestStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"from": "kopi-sembalun", "to": "jatim-plastik-arema-0707", "priority": 3, "message": "Kami mencari pembeli kopi arabika sangrai"}))]
pub struct MeetingRequestInput {
    #[schema(required = true)]
    pub from: Option<String>,
    #[schema(required = true)]
    pub to: Option<String>,
    pub priority: Option<i64>,
    pub message: Option<String>,
}

impl MeetingRequestInput {
    pub fn parse(
        &self,
        id: RequestId,
        now: DateTime<Utc>,
    ) -> Result<MeetingRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut firm = |field: &str, value: &Option<String>| match value.as_deref() {
            None => {
                errors.push(FieldError::required(field));
                None
            }
            Some(raw) => FirmId::parse(raw.trim())
                .map_err(|e| errors.push(FieldError::coded(field, "invalid_id", e)))
                .ok(),
        };
        let from = firm("from", &self.from);
        let to = firm("to", &self.to);
        if from.is_some() && from == to {
            errors.push(
                FieldError::coded(
                    "to",
                    "self_meeting",
                    "a firm cannot request a meeting with itself",
                )
                .with("other", "from"),
            );
        }
        let priority = match self.priority {
            None => Some(2),
            Some(p @ 1..=3) => Some(p as u8),
            Some(_) => {
                errors.push(FieldError::out_of_range("priority", 1, 3));
                None
            }
        };
        let message = match self.message.as_deref().map(str::trim) {
            Some(m) if m.chars().count() > 1000 => {
                errors.push(FieldError::too_long("message", 1000));
                None
            }
            Some(m) if m.chars().any(char::is_control) => {
                errors.push(FieldError::control_characters("message"));
                None
            }
            Some(m) if !m.is_empty() => Some(m.to_string()),
            _ => None,
        };
        match (from, to, priority) {
            (Some(from), Some(to), Some(priority)) if errors.is_empty() => Ok(MeetingRequest {
                id,
                from,
                to,
                priority,
                message,
                status: RequestStatus::Pending,
                created_at: now,
                updated_at: now,
            }),
            _ => Err(errors),
        }
    }
}
