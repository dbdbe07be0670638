//! A forum's timetable: turning a stored forum (slots, participants, requests) and the
//! matching engine's recommendations into a [`ScheduleRequest`], and the solver's answer
//! into the [`ForumSchedule`] that is stored, shown per firm (agenda) and printed (grid).
//! Pure: the caller loads the records, passes the clock's `now`, and stores the result.

use super::types::{
    MeetingKind, MeetingRequest as Candidate, Objective, Participant as SolverParticipant,
    ScheduleRequest, ScheduleResponse, Session, Stats, Status, Unscheduled,
};
use crate::domain::event::{Event, MeetingRequest, Participant, RequestStatus};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use utoipa::ToSchema;

/// A partner proposed by the matching engine for a pair of participants.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub a: String,
    pub b: String,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// Why two firms are on the candidate list, and what the meeting is worth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CandidateInfo {
    pub kind: MeetingKind,
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// The id of the meeting of two firms at a forum: the two ids in order, joined by `~`
/// (which no id contains). A pair meets at most once per forum, so it is unique.
pub fn meeting_id(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}~{b}")
    } else {
        format!("{b}~{a}")
    }
}

/// How the candidate list is made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Values {
    pub mutual: f64,
    pub requested: f64,
    /// A recommendation is worth this × its match score.
    pub recommended: f64,
    /// Each priority step (1–3) above 2 adds this to a request's value.
    pub priority_step: f64,
}

impl Default for Values {
    fn default() -> Self {
        // mutual > requested > recommended × score, as organizers rank them.
        Values {
            mutual: 3.0,
            requested: 2.0,
            recommended: 1.0,
            priority_step: 0.25,
        }
    }
}

/// The solver's problem for a forum, and what each candidate pair stands for.
pub fn forum_request(
    event: &Event,
    participants: &[Participant],
    requests: &[MeetingRequest],
    recommendations: &[Recommendation],
    objective: Objective,
    time_limit_ms: Option<u64>,
    seed: Option<u64>,
) -> (ScheduleRequest, BTreeMap<String, CandidateInfo>) {
    let values = Values::default();
    let present: HashSet<&str> = participants.iter().map(|p| p.firm_id.as_str()).collect();
    let mut candidates: BTreeMap<String, (String, String, CandidateInfo)> = BTreeMap::new();
    let mut declined: HashSet<String> = HashSet::new();

    // Requests: an accepted one, or one each way, is mutual; a pending one is requested.
    let mut by_pair: BTreeMap<String, Vec<&MeetingRequest>> = BTreeMap::new();
    for r in requests {
        if present.contains(r.from.as_str()) && present.contains(r.to.as_str()) {
            by_pair
                .entry(meeting_id(r.from.as_str(), r.to.as_str()))
                .or_default()
                .push(r);
        }
    }
    for (id, list) in by_pair {
        let open: Vec<&&MeetingRequest> = list
            .iter()
            .filter(|r| r.status != RequestStatus::Declined)
            .collect();
        if open.is_empty() {
            declined.insert(id);
            continue;
        }
        let mutual = open.iter().any(|r| r.status == RequestStatus::Accepted)
            || (open.iter().any(|r| r.from.as_str() < r.to.as_str())
                && open.iter().any(|r| r.from.as_str() > r.to.as_str()));
        let priority = open.iter().map(|r| r.priority).max().unwrap_or(2) as f64;
        let (kind, base) = if mutual {
            (MeetingKind::Mutual, values.mutual)
        } else {
            (MeetingKind::Requested, values.requested)
        };
        let first = open[0];
        let reasons = open.iter().filter_map(|r| r.message.clone()).collect();
        candidates.insert(
            id,
            (
                first.from.to_string(),
                first.to.to_string(),
                CandidateInfo {
                    kind,
                    value: base + values.priority_step * (priority - 2.0),
                    score: None,
                    reasons,
                },
            ),
        );
    }
    // Recommendations fill in pairs nobody asked for (never a declined pair), for max_value.
    if objective == Objective::MaxValue {
        for rec in recommendations {
            let id = meeting_id(&rec.a, &rec.b);
            if rec.a == rec.b
                || declined.contains(&id)
                || !present.contains(rec.a.as_str())
                || !present.contains(rec.b.as_str())
            {
                continue;
            }
            match candidates.get_mut(&id) {
                Some((_, _, info)) => {
                    info.score = Some(info.score.unwrap_or(0.0).max(rec.score));
                    if info.reasons.is_empty() {
                        info.reasons = rec.reasons.clone();
                    }
                }
                None => {
                    candidates.insert(
                        id,
                        (
                            rec.a.clone(),
                            rec.b.clone(),
                            CandidateInfo {
                                kind: MeetingKind::Recommended,
                                value: values.recommended * rec.score.clamp(0.0, 1.0),
                                score: Some(rec.score),
                                reasons: rec.reasons.clone(),
                            },
                        ),
                    );
                }
            }
        }
    }
    // min_idle places the confirmed meetings only: mutual wishes.
    if objective == Objective::MinIdle {
        candidates.retain(|_, (_, _, info)| info.kind == MeetingKind::Mutual);
    }

    let sessions = event
        .sessions()
        .into_iter()
        .map(|(name, slots)| Session { name, slots })
        .collect();
    let solver_participants = participants
        .iter()
        .map(|p| SolverParticipant {
            id: p.firm_id.to_string(),
            unavailable_slots: p.unavailable_slots.clone(),
            max_meetings: p.max_meetings,
            host: p.host,
            table: None,
        })
        .collect();
    let meetings = candidates
        .values()
        .map(|(a, b, info)| Candidate {
            a: a.clone(),
            b: b.clone(),
            session: None,
            value: Some(info.value),
            kind: Some(info.kind),
            count: None,
            consecutive: false,
        })
        .collect();
    let request = ScheduleRequest {
        sessions,
        tables: event.tables,
        participants: solver_participants,
        meetings,
        objective,
        time_limit_ms,
        seed,
        span_first: false,
    };
    let infos = candidates
        .into_iter()
        .map(|(id, (_, _, info))| (id, info))
        .collect();
    (request, infos)
}

/// A meeting of a forum's timetable, with why it is there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "kafe-nusantara~kopi-sembalun", "a": "kopi-sembalun", "b": "kafe-nusantara", "slot": 3, "table": 5,
    "kind": "mutual", "value": 3.0, "score": 0.82, "reasons": ["CV Kopi Sembalun makes 'kopi arabika sangrai' 300 kg/month; Kafe Nusantara needs 'roasted arabica coffee' 200 kg/month"]}))]
pub struct ForumMeeting {
    pub id: String,
    pub a: String,
    pub b: String,
    pub slot: u32,
    pub table: u32,
    pub kind: MeetingKind,
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// The stored timetable of a forum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ForumSchedule {
    pub event_id: String,
    /// Incremented by every generation or repair.
    pub version: u64,
    pub generated_at: DateTime<Utc>,
    pub status: Status,
    pub meetings: Vec<ForumMeeting>,
    pub unscheduled: Vec<Unscheduled>,
    pub reasons: Vec<String>,
    pub stats: Stats,
    /// The problem this plan answers; a repair starts from it.
    pub request: ScheduleRequest,
    /// Why each candidate pair was on the list.
    pub candidates: BTreeMap<String, CandidateInfo>,
}

impl ForumSchedule {
    pub fn from_response(
        event_id: &str,
        version: u64,
        now: DateTime<Utc>,
        request: ScheduleRequest,
        candidates: BTreeMap<String, CandidateInfo>,
        response: ScheduleResponse,
    ) -> ForumSchedule {
        let meetings = response
            .meetings
            .iter()
            .map(|m| {
                let id = meeting_id(&m.a, &m.b);
                let info = candidates.get(&id);
                ForumMeeting {
                    id,
                    a: m.a.clone(),
                    b: m.b.clone(),
                    slot: m.slot,
                    table: m.table,
                    kind: info.map_or(MeetingKind::Requested, |i| i.kind),
                    value: info.map_or(0.0, |i| i.value),
                    score: info.and_then(|i| i.score),
                    reasons: info.map(|i| i.reasons.clone()).unwrap_or_default(),
                }
            })
            .collect();
        ForumSchedule {
            event_id: event_id.to_string(),
            version,
            generated_at: now,
            status: response.status,
            meetings,
            unscheduled: response.unscheduled,
            reasons: response.reasons,
            stats: response.stats,
            request,
            candidates,
        }
    }

    /// The plan as the solver's meetings, for a repair.
    pub fn placed(&self) -> Vec<super::types::ScheduledMeeting> {
        self.meetings
            .iter()
            .map(|m| super::types::ScheduledMeeting {
                a: m.a.clone(),
                b: m.b.clone(),
                slot: m.slot,
                table: m.table,
            })
            .collect()
    }
}

/// What the exports say about a firm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FirmCard {
    pub id: String,
    pub name: String,
    pub province: String,
    pub regency: String,
}

/// One line of a firm's agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgendaEntry {
    pub meeting_id: String,
    pub slot: u32,
    /// Local time in the forum's time zone.
    #[schema(value_type = String)]
    pub start: NaiveDateTime,
    #[schema(value_type = String)]
    pub end: NaiveDateTime,
    pub session: String,
    pub table: u32,
    pub table_name: String,
    pub partner: FirmCard,
    pub kind: MeetingKind,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Agenda {
    pub event_id: String,
    pub event_name: String,
    pub time_zone: String,
    pub firm: FirmCard,
    pub meetings: Vec<AgendaEntry>,
}

/// A firm's meetings in time order. `card` names a firm (stored name and place).
pub fn agenda(
    event: &Event,
    schedule: &ForumSchedule,
    firm: &FirmCard,
    card: &dyn Fn(&str) -> FirmCard,
) -> Agenda {
    let slots = event.slots();
    let mut meetings: Vec<AgendaEntry> = schedule
        .meetings
        .iter()
        .filter(|m| m.a == firm.id || m.b == firm.id)
        .filter_map(|m| {
            let slot = slots.get(m.slot as usize)?;
            let partner = if m.a == firm.id { &m.b } else { &m.a };
            Some(AgendaEntry {
                meeting_id: m.id.clone(),
                slot: m.slot,
                start: slot.start,
                end: slot.end,
                session: format!("{} {}", slot.date, slot.session),
                table: m.table,
                table_name: event.table_name(m.table),
                partner: card(partner),
                kind: m.kind,
                reasons: m.reasons.clone(),
            })
        })
        .collect();
    meetings.sort_by_key(|e| e.slot);
    Agenda {
        event_id: event.id.to_string(),
        event_name: event.name.clone(),
        time_zone: event.time_zone.clone(),
        firm: firm.clone(),
        meetings,
    }
}

pub fn agenda_csv(agenda: &Agenda) -> Result<Vec<u8>, csv::Error> {
    let mut w = crate::csv_out::CsvOut::new();
    w.row([
        "meeting_id",
        "start",
        "end",
        "session",
        "table",
        "partner_id",
        "partner_name",
        "partner_province",
        "partner_regency",
        "kind",
        "reasons",
    ])?;
    for e in &agenda.meetings {
        w.row([
            e.meeting_id.as_str(),
            &e.start.format("%Y-%m-%d %H:%M").to_string(),
            &e.end.format("%H:%M").to_string(),
            &e.session,
            &e.table_name,
            &e.partner.id,
            &e.partner.name,
            &e.partner.province,
            &e.partner.regency,
            kind_name(e.kind),
            &e.reasons.join(" | "),
        ])?;
    }
    w.finish()
}

pub fn kind_name(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::Mutual => "mutual",
        MeetingKind::Requested => "requested",
        MeetingKind::Recommended => "recommended",
    }
}

/// The agenda as an iCalendar file: one event per meeting, times in UTC converted from the
/// forum's zone (so every calendar shows them right), the zone named for display.
/// An agenda as iCalendar. Texts are refused with control characters on input; on output
/// any that a record from before that rule still holds becomes a space, so no text can
/// start a line (a property) of its own.
pub fn agenda_ics(event: &Event, agenda: &Agenda) -> String {
    use icalendar::{Calendar, Component, EventLike};
    let tz = event.tz();
    let mut calendar = Calendar::new();
    calendar.name(&one_line(&format!("{} — {}", event.name, agenda.firm.name)));
    calendar.timezone(event.time_zone.as_str());
    for e in &agenda.meetings {
        let utc = |local: NaiveDateTime| -> DateTime<Utc> {
            local
                .and_local_timezone(tz)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| local.and_utc())
        };
        let mut description = one_line(&format!(
            "Mitra: {} ({}, {})",
            e.partner.name, e.partner.regency, e.partner.province
        ));
        for reason in &e.reasons {
            description.push_str("\n- ");
            description.push_str(&one_line(reason));
        }
        let mut item = icalendar::Event::new();
        item.uid(&format!("{}-{}@mitra", event.id, e.meeting_id))
            .summary(&one_line(&format!("Temu bisnis: {}", e.partner.name)))
            .description(&description)
            .location(&one_line(&format!(
                "{}{}",
                e.table_name,
                event
                    .venue
                    .as_deref()
                    .map(|v| format!(", {v}"))
                    .unwrap_or_default()
            )))
            .starts(utc(e.start))
            .ends(utc(e.end));
        calendar.push(item.done());
    }
    calendar.done().to_string()
}

/// `text` with every control character (CR, LF, tab…) replaced by a space.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The organizer's grid: one row per slot, one column per table, "A × B" in each cell.
pub fn grid_csv(
    event: &Event,
    schedule: &ForumSchedule,
    card: &dyn Fn(&str) -> FirmCard,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = crate::csv_out::CsvOut::new();
    let mut header = vec!["slot".to_string(), "start".to_string(), "end".to_string()];
    header.extend((0..event.tables).map(|t| event.table_name(t)));
    w.row(&header)?;
    for (slot, row) in grid_rows(event, schedule, card) {
        let mut record = vec![
            slot.index.to_string(),
            slot.start.format("%Y-%m-%d %H:%M").to_string(),
            slot.end.format("%H:%M").to_string(),
        ];
        record.extend(row);
        w.row(&record)?;
    }
    w.finish()
}

/// The grid's rows: each slot with one cell per table ("A × B", or empty).
pub fn grid_rows(
    event: &Event,
    schedule: &ForumSchedule,
    card: &dyn Fn(&str) -> FirmCard,
) -> Vec<(crate::domain::event::Slot, Vec<String>)> {
    let slots = event.slots();
    let mut cells = vec![vec![String::new(); event.tables as usize]; slots.len()];
    for m in &schedule.meetings {
        if let Some(cell) = cells
            .get_mut(m.slot as usize)
            .and_then(|row| row.get_mut(m.table as usize))
        {
            *cell = format!("{} × {}", card(&m.a).name, card(&m.b).name);
        }
    }
    slots.into_iter().zip(cells).collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// How good the plan is, in the terms of its proven bound, in Indonesian (the printed grid's
/// language): "Nilai jadwal paling banyak 1,3 % di bawah susunan terbaik."
pub fn quality_id(status: Status, s: &Stats) -> String {
    match (status, s.objective) {
        (Status::Infeasible, _) => "Tidak ada jadwal yang memenuhi semua permintaan.".into(),
        (Status::Optimal, _) => {
            "Jadwal optimal: tidak ada susunan yang lebih baik untuk tujuan ini.".into()
        }
        (Status::Feasible, Objective::MaxValue) => format!(
            "Nilai jadwal paling banyak {} % di bawah susunan terbaik.",
            format!("{:.1}", (s.gap * 100.0).max(0.1)).replace('.', ",")
        ),
        (Status::Feasible, Objective::MinIdle) => format!(
            "Paling banyak {} slot kosong lebih banyak daripada susunan terbaik.",
            (s.idle_slots as f64 - s.bound).max(0.0).round()
        ),
    }
}

/// A printable page of the grid (A4 landscape), one table per session.
pub fn grid_html(
    event: &Event,
    schedule: &ForumSchedule,
    card: &dyn Fn(&str) -> FirmCard,
) -> String {
    let mut html = String::new();
    html.push_str("<!doctype html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">\n");
    html.push_str(&format!(
        "<title>Jadwal — {}</title>\n",
        escape(&event.name)
    ));
    html.push_str("<style>@page{size:A4 landscape;margin:10mm}body{font-family:sans-serif;font-size:9pt;color:#111}\
        h1{font-size:14pt}h2{font-size:11pt;margin-top:1.2em}table{border-collapse:collapse;width:100%;page-break-inside:auto}\
        th,td{border:1px solid #555;padding:2px 4px;vertical-align:top}th{background:#e8e8e8}tr{page-break-inside:avoid}\
        td.time{white-space:nowrap;font-weight:bold}</style></head><body>\n");
    html.push_str(&format!(
        "<h1>{}</h1>\n<p>{}{} · {} meja · {} pertemuan · zona waktu {}</p>\n",
        escape(&event.name),
        event
            .venue
            .as_deref()
            .map(|v| format!("{} · ", escape(v)))
            .unwrap_or_default(),
        event
            .days
            .iter()
            .map(|d| d.date.format("%d-%m-%Y").to_string())
            .collect::<Vec<_>>()
            .join(", "),
        event.tables,
        schedule.meetings.len(),
        escape(&event.time_zone)
    ));
    html.push_str(&format!(
        "<p class=\"quality\">{}</p>\n",
        escape(&quality_id(schedule.status, &schedule.stats))
    ));
    let mut current_session: Option<(chrono::NaiveDate, String)> = None;
    for (slot, row) in grid_rows(event, schedule, card) {
        let key = (slot.date, slot.session.clone());
        if current_session.as_ref() != Some(&key) {
            if current_session.is_some() {
                html.push_str("</tbody></table>\n");
            }
            html.push_str(&format!(
                "<h2>{} — {}</h2>\n<table><thead><tr><th scope=\"col\">Waktu</th>",
                slot.date.format("%d-%m-%Y"),
                escape(&slot.session)
            ));
            for t in 0..event.tables {
                html.push_str(&format!(
                    "<th scope=\"col\">{}</th>",
                    escape(&event.table_name(t))
                ));
            }
            html.push_str("</tr></thead><tbody>\n");
            current_session = Some(key);
        }
        html.push_str(&format!(
            "<tr><td class=\"time\">{}–{}</td>",
            slot.start.format("%H:%M"),
            slot.end.format("%H:%M")
        ));
        for cell in row {
            html.push_str(&format!("<td>{}</td>", escape(&cell)));
        }
        html.push_str("</tr>\n");
    }
    if current_session.is_some() {
        html.push_str("</tbody></table>\n");
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod ics_tests {
    use super::*;
    use crate::domain::event::EventInput;
    use crate::domain::EventId;
    use icalendar::Component;

    #[test]
    fn an_agenda_ics_parses_back_whatever_its_texts_hold() {
        let input: EventInput = serde_json::from_value(serde_json::json!({
            "id": "temu-ics", "name": "Temu", "time_zone": "WITA",
            "days": [{"date": "2026-12-10", "sessions": [{"name": "pagi", "start": "08:30", "end": "10:00"}]}],
            "slot_minutes": 20, "break_minutes": 5, "tables": 2
        }))
        .unwrap();
        let mut event = input
            .parse()
            .unwrap()
            .into_event(EventId::parse("temu-ics").unwrap(), Utc::now());
        // Records from before texts were checked on input.
        event.name = "Temu\r\nX-EVIL:1".into();
        event.venue = Some("Mataram\nATTENDEE:mailto:a@b".into());
        let card = |name: &str| FirmCard {
            id: "kopi".into(),
            name: name.into(),
            province: "NTB".into(),
            regency: "Lombok Timur".into(),
        };
        let start = NaiveDateTime::parse_from_str("2026-12-10 08:30", "%Y-%m-%d %H:%M").unwrap();
        let agenda = Agenda {
            event_id: "temu-ics".into(),
            event_name: event.name.clone(),
            time_zone: event.time_zone.clone(),
            firm: card("CV Kopi\rX-OWN:1"),
            meetings: vec![AgendaEntry {
                meeting_id: "m1".into(),
                slot: 0,
                start,
                end: start + chrono::TimeDelta::minutes(20),
                session: "pagi".into(),
                table: 0,
                table_name: "Meja 1\nX-TABLE:1".into(),
                partner: card("=Mitra; \\ , \"kutip\"\nATTENDEE:mailto:x@y"),
                kind: MeetingKind::Mutual,
                reasons: vec!["pesan\r\nATTENDEE:mailto:z@y".into()],
            }],
        };
        let text = agenda_ics(&event, &agenda);
        for line in text.lines() {
            assert!(
                !line.starts_with("ATTENDEE")
                    && !line.starts_with("X-EVIL")
                    && !line.starts_with("X-OWN")
                    && !line.starts_with("X-TABLE"),
                "{line:?} in\n{text}"
            );
        }
        let calendar: icalendar::Calendar = text.parse().expect("the .ics parses back");
        let events: Vec<&icalendar::Event> = calendar.events().collect();
        assert_eq!(events.len(), 1);
        let summary = events[0].get_summary().unwrap();
        assert!(summary.contains("=Mitra;"), "{summary}");
        assert!(events[0].property_value("ATTENDEE").is_none());
    }
}
