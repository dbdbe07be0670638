//! The public contract of the scheduler: what a caller sends ([`ScheduleRequest`],
//! [`RepairRequest`]) and what it gets back ([`ScheduleResponse`], [`RepairResponse`]).
//! Field names are part of the HTTP API; change them only with a version bump.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Default search budget when the request does not give one.
pub const DEFAULT_TIME_LIMIT_MS: u64 = 1_000;
/// Largest accepted search budget.
pub const MAX_TIME_LIMIT_MS: u64 = 60_000;
/// Slots are held in 128-bit masks; a five-day forum with 24 slots a day still fits.
pub const MAX_SLOTS: usize = 128;
pub const MAX_PARTICIPANTS: usize = 20_000;
pub const MAX_MEETINGS: usize = 200_000;
pub const MAX_TABLES: u32 = 10_000;
/// Most meetings one listed pair may ask for.
pub const MAX_COUNT: u32 = 16;

/// A block of consecutive slots (a morning, an afternoon). Slots are numbered from 0 across
/// sessions in the order given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = SolverSession, example = json!({"name": "morning", "slots": 13}))]
pub struct Session {
    pub name: String,
    pub slots: u32,
}

/// One firm taking part in the forum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = SolverParticipant, example = json!({"id": "p1", "unavailable_slots": [16], "max_meetings": 8}))]
pub struct Participant {
    pub id: String,
    /// Slots in which the participant cannot meet (prayer, travel, own presentation).
    #[serde(default)]
    pub unavailable_slots: Vec<u32>,
    /// At most this many meetings; no cap when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_meetings: Option<u32>,
    /// A host (e.g. a buyer with a booth) keeps one table all day and partners come to it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub host: bool,
    /// The table a host keeps (numbered from 0); chosen by the scheduler when absent.
    /// Only meaningful for hosts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<u32>,
}

/// Why a meeting is wanted; sets the default value when `value` is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// Both firms asked for it (default value 3).
    Mutual,
    /// One firm asked for it (default value 2).
    Requested,
    /// Proposed by the matching engine (default value 1).
    Recommended,
}

impl MeetingKind {
    pub fn default_value(self) -> f64 {
        match self {
            MeetingKind::Mutual => 3.0,
            MeetingKind::Requested => 2.0,
            MeetingKind::Recommended => 1.0,
        }
    }
}

/// A candidate meeting (`max_value`) or a confirmed one that must be placed (`min_idle`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = SolverMeeting, example = json!({"a": "p1", "b": "p2", "session": "morning", "value": 1.0}))]
pub struct MeetingRequest {
    pub a: String,
    pub b: String,
    /// Restrict the meeting to this session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Worth of the meeting for `max_value`; defaults from `kind`, else 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MeetingKind>,
    /// How many times the pair meets (1–16, default 1): two delegates of one firm, or a
    /// talk that needs two slots. Each meeting is worth `value` and counts towards both
    /// participants' `max_meetings`; `max_value` may place fewer than `count` unless they are
    /// `consecutive`. A pair is listed once: list it again and the request is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// The `count` meetings take consecutive slots of one session at one table, all of them
    /// or none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub consecutive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Choose which candidate meetings happen: first at least one meeting for everyone who can
    /// have one, then the most total value.
    #[default]
    MaxValue,
    /// Place every listed meeting; fewest idle slots between participants' meetings.
    MinIdle,
}

/// A stateless scheduling problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "sessions": [{"name": "morning", "slots": 13}, {"name": "afternoon", "slots": 8}],
    "tables": 14,
    "participants": [
        {"id": "p1", "unavailable_slots": [16], "max_meetings": 8},
        {"id": "p2"}
    ],
    "meetings": [{"a": "p1", "b": "p2", "session": "morning", "value": 1.0}],
    "objective": "min_idle",
    "time_limit_ms": 1000
}))]
pub struct ScheduleRequest {
    pub sessions: Vec<Session>,
    pub tables: u32,
    pub participants: Vec<Participant>,
    pub meetings: Vec<MeetingRequest>,
    #[serde(default)]
    pub objective: Objective,
    /// Search budget in milliseconds (1..=60000, default 1000). Results are reproducible for
    /// a seed as long as the budget is not what stopped the search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_ms: Option<u64>,
    /// Seed of the randomised search (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Count every slot a participant waits between its first and last meeting of a session
    /// (`span_slots`, unavailable slots included) before idle slots: `min_idle` minimises
    /// span first, then idle, and `max_value` compacts days in that order after the value.
    /// By default idle comes first and span second.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub span_first: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proven best: the objective meets its bound (for `min_idle` the idle slots, or the
    /// span with `span_first`; the measure that comes second may still be improvable).
    Optimal,
    /// A valid plan, possibly not the best.
    Feasible,
    /// No plan returned; `reasons` says why.
    Infeasible,
}

/// A meeting placed in the timetable. Slots and tables are numbered from 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"a": "p1", "b": "p2", "slot": 3, "table": 0}))]
pub struct ScheduledMeeting {
    pub a: String,
    pub b: String,
    pub slot: u32,
    pub table: u32,
}

/// A requested meeting that is not in the timetable, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"a": "p1", "b": "p9", "reason": "p1 already has max_meetings (8)"}))]
pub struct Unscheduled {
    pub a: String,
    pub b: String,
    pub reason: String,
    /// How many of the pair's meetings this entry stands for, when more than one (the
    /// consecutive meetings of a pair are placed or left out together).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Stats {
    pub objective: Objective,
    /// Number of meetings in the timetable.
    pub scheduled: usize,
    /// Sum over participants and sessions of available, meeting-free slots between the
    /// participant's first and last meeting of the session. Unavailable slots are not idle.
    pub idle_slots: u64,
    /// Sum over participants and sessions of every meeting-free slot between the
    /// participant's first and last meeting of the session, unavailable slots included: the
    /// time a participant waits on site. Never below `idle_slots`.
    /// (Timetables stored before it was reported read it as 0.)
    #[serde(default)]
    #[schema(required = true)]
    pub span_slots: u64,
    /// Sum of the values of the scheduled meetings.
    pub value: f64,
    /// Proven bound on what any timetable of this request can reach: for `max_value` an upper
    /// bound on the value (the LP relaxation: each participant's meetings ≤ its cap and the
    /// slots it could meet in, meetings ≤ tables × slots, each meeting 0 to 1 times); for
    /// `min_idle` a lower bound on the idle slots (`span_slots` with `span_first`): the gaps
    /// each participant's own meetings force, whatever the others do.
    pub bound: f64,
    /// How far the plan can be from the best: `max_value` (bound − value) / bound, `min_idle`
    /// (idle − bound) / idle (span with `span_first`); 0 when the plan meets its bound (then
    /// `status` is `optimal`).
    #[serde(default)]
    #[schema(required = true)]
    pub gap: f64,
    pub participants_with_meetings: usize,
    /// Participants left without any meeting.
    pub participants_without_meeting: usize,
    /// Times a non-host participant changes table between consecutive meetings.
    pub table_changes: u64,
    /// Search moves tried.
    pub iterations: u64,
    /// True when the time limit, not the iteration budget, ended the search (then the result
    /// may differ between runs).
    pub time_limit_hit: bool,
    /// True when infeasibility is proven by a counting argument rather than by a failed search.
    pub infeasibility_proven: bool,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "status": "optimal",
    "meetings": [{"a": "p1", "b": "p2", "slot": 0, "table": 0}],
    "unscheduled": [],
    "reasons": [],
    "stats": {"objective": "min_idle", "scheduled": 1, "idle_slots": 0, "span_slots": 0, "value": 1.0, "bound": 0.0, "gap": 0.0,
              "participants_with_meetings": 2, "participants_without_meeting": 0, "table_changes": 0,
              "iterations": 0, "time_limit_hit": false, "infeasibility_proven": false, "elapsed_ms": 0}
}))]
pub struct ScheduleResponse {
    pub status: Status,
    /// Sorted by slot, then table.
    pub meetings: Vec<ScheduledMeeting>,
    pub unscheduled: Vec<Unscheduled>,
    /// Why the request is infeasible (empty otherwise).
    pub reasons: Vec<String>,
    pub stats: Stats,
}

/// Re-plan after a change: the new request plus the plan in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RepairRequest {
    pub request: ScheduleRequest,
    pub previous: Vec<ScheduledMeeting>,
}

/// A meeting that had to change slot or table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MovedMeeting {
    pub a: String,
    pub b: String,
    pub from_slot: u32,
    pub from_table: u32,
    pub slot: u32,
    pub table: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RepairResponse {
    pub plan: ScheduleResponse,
    /// Previous meetings left at the same slot and table.
    pub kept: Vec<ScheduledMeeting>,
    pub moved: Vec<MovedMeeting>,
    /// Meetings that were not in the previous plan.
    pub added: Vec<ScheduledMeeting>,
    /// Previous meetings no longer in the plan, and why.
    pub dropped: Vec<Unscheduled>,
}
