//! A forum's timetable: load the forum, build the problem (participants, requests, the
//! matcher's recommendations), solve, store. One function per use case, for the API and
//! `mitra schedule` alike.

use super::{AppError, Mitra, Observer};
use crate::domain::event::{Event, MeetingRequest, Participant};
use crate::domain::{EventId, FieldError};
use crate::matching::Lang;
use crate::schedule::forum::{self, ForumSchedule};
use crate::schedule::{
    self, MovedMeeting, Objective, RepairRequest, ScheduleRequest, ScheduleResponse,
    ScheduledMeeting, Status, Unscheduled,
};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Most recommended partners per participant a timetable may add as candidates.
pub const MAX_RECOMMENDATIONS_PER_FIRM: usize = 50;
const DEFAULT_RECOMMENDATIONS_PER_FIRM: usize = 5;
const DEFAULT_MIN_SCORE: f64 = 0.2;
const DEFAULT_TIME_LIMIT_MS: u64 = 2_000;

#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"objective": "max_value", "time_limit_ms": 2000, "recommendations_per_firm": 5, "min_score": 0.2}))]
pub struct GenerateRequest {
    /// `max_value` (default): choose among requests and recommendations; `min_idle`: place
    /// every mutual (accepted) request with the fewest idle slots.
    pub objective: Option<Objective>,
    /// Search budget, 1–60000 ms (default 2000).
    #[schema(minimum = 1, maximum = 60000)]
    #[serde(default, deserialize_with = "crate::domain::whole::optional")]
    pub time_limit_ms: Option<u64>,
    #[serde(default, deserialize_with = "crate::domain::whole::optional")]
    pub seed: Option<u64>,
    /// Recommended partners per participant added as candidates (0–50, default 5).
    #[schema(minimum = 0, maximum = 50)]
    #[serde(default, deserialize_with = "crate::domain::whole::optional")]
    pub recommendations_per_firm: Option<usize>,
    /// Least match score of a recommendation, 0–1 (default 0.2).
    #[schema(minimum = 0, maximum = 1)]
    pub min_score: Option<f64>,
    /// Language of the recommendations' reasons stored with the timetable (and printed on
    /// agendas): `en` (default) or `id`.
    pub lang: Option<Lang>,
    /// Fewest slots waited on site (first to last meeting of a session, unavailable slots
    /// included) before fewest idle slots; default false (idle first, then span). A repair
    /// keeps the choice of the timetable it repairs.
    pub span_first: Option<bool>,
}

#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"time_limit_ms": 2000, "recommendations_per_firm": 5, "min_score": 0.2}))]
pub struct RepairOptions {
    /// Search budget, 1–60000 ms (default 2000).
    #[schema(minimum = 1, maximum = 60000)]
    #[serde(default, deserialize_with = "crate::domain::whole::optional")]
    pub time_limit_ms: Option<u64>,
    /// Recommended partners per participant added as candidates (0–50, default 5).
    #[schema(minimum = 0, maximum = 50)]
    #[serde(default, deserialize_with = "crate::domain::whole::optional")]
    pub recommendations_per_firm: Option<usize>,
    /// Least match score of a recommendation, 0–1 (default 0.2).
    #[schema(minimum = 0, maximum = 1)]
    pub min_score: Option<f64>,
    /// Language of the reasons of newly recommended meetings: `en` (default) or `id`.
    pub lang: Option<Lang>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RepairResult {
    pub schedule: ForumSchedule,
    pub kept: usize,
    pub moved: Vec<MovedMeeting>,
    pub added: Vec<ScheduledMeeting>,
    pub dropped: Vec<Unscheduled>,
}

/// How many recommendations, of which least score: the same rule for generate and repair
/// (a value out of range is refused, naming the field).
fn recommendation_options(
    per_firm: Option<usize>,
    min_score: Option<f64>,
) -> Result<(usize, f64), AppError> {
    let mut errors = Vec::new();
    let per_firm = per_firm.unwrap_or(DEFAULT_RECOMMENDATIONS_PER_FIRM);
    if per_firm > MAX_RECOMMENDATIONS_PER_FIRM {
        errors.push(FieldError::out_of_range(
            "recommendations_per_firm",
            0,
            MAX_RECOMMENDATIONS_PER_FIRM,
        ));
    }
    let min_score = min_score.unwrap_or(DEFAULT_MIN_SCORE);
    if !(0.0..=1.0).contains(&min_score) {
        errors.push(FieldError::out_of_range("min_score", 0, 1));
    }
    if errors.is_empty() {
        Ok((per_firm, min_score))
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// A seed is documented as an int64: a larger one is refused, not silently accepted.
fn check_seed(seed: Option<u64>) -> Result<(), AppError> {
    match seed {
        Some(seed) if seed > i64::MAX as u64 => {
            Err(AppError::Invalid(vec![FieldError::out_of_range(
                "seed",
                0,
                i64::MAX,
            )]))
        }
        _ => Ok(()),
    }
}

/// Everything a forum's problem is built from.
pub struct ForumState {
    pub event: Event,
    /// Participants whose firm is still stored (a firm deleted after registering no longer
    /// takes part).
    pub participants: Vec<Participant>,
    pub requests: Vec<MeetingRequest>,
    /// The timetable in force, if any.
    pub previous: Option<ForumSchedule>,
}

/// A stored forum, or [`AppError::NotFound`].
pub fn event(store: &Store, id: &EventId) -> Result<Event, AppError> {
    store
        .get_event(id.as_str())?
        .ok_or_else(|| AppError::not_found("event", id))
}

/// Loads the forum: a store read that fails is an error, never a missing participant.
pub fn load_forum(store: &Store, id: &EventId) -> Result<ForumState, AppError> {
    let event = event(store, id)?;
    let mut participants = Vec::new();
    for participant in store.participants(id)? {
        if store.get_firm(participant.firm_id.as_str())?.is_some() {
            participants.push(participant);
        }
    }
    Ok(ForumState {
        event,
        participants,
        requests: store.requests(id)?,
        previous: store.schedule::<ForumSchedule>(id)?,
    })
}

/// The timetable in force, or [`AppError::NotFound`].
pub fn current(store: &Store, id: &EventId) -> Result<ForumSchedule, AppError> {
    event(store, id)?;
    store
        .schedule::<ForumSchedule>(id)?
        .ok_or_else(|| AppError::not_found("schedule of event", id))
}

/// The solver on a problem given whole, timed as `operation` when it gives a plan.
fn solve_timed(
    observer: &dyn Observer,
    operation: &'static str,
    request: &ScheduleRequest,
) -> Result<ScheduleResponse, AppError> {
    let started = std::time::Instant::now();
    let response = schedule::solve(request)?;
    observer.solved(operation, request.objective, started.elapsed());
    Ok(response)
}

/// Solves a stateless problem (`POST /v1/schedule/solve`, `mitra schedule --solve`): no
/// store is needed.
pub fn solve(
    observer: &dyn Observer,
    request: &ScheduleRequest,
) -> Result<ScheduleResponse, AppError> {
    check_seed(request.seed)?;
    solve_timed(observer, "solve", request)
}

/// The solver's problem for a forum: its participants and requests, with each participant's
/// recommended partners (`per_firm`, `min_score`, reasons in `lang`) as candidates.
fn forum_problem(
    app: &Mitra,
    forum: &ForumState,
    (per_firm, min_score, lang): (usize, f64, Lang),
    (objective, span_first): (Objective, bool),
    time_limit_ms: Option<u64>,
    seed: Option<u64>,
) -> (ScheduleRequest, BTreeMap<String, forum::CandidateInfo>) {
    let recommendations = crate::planning::recommendations(
        &app.matcher(),
        &forum.participants,
        per_firm,
        min_score,
        lang,
    );
    let (mut request, candidates) = forum::forum_request(
        &forum.event,
        &forum.participants,
        &forum.requests,
        &recommendations,
        objective,
        Some(time_limit_ms.unwrap_or(DEFAULT_TIME_LIMIT_MS)),
        seed,
    );
    request.span_first = span_first;
    (request, candidates)
}

/// Generates the forum's timetable from its participants, their requests and the matcher's
/// recommendations, and stores it as the next version.
pub fn generate(
    app: &Mitra,
    id: &EventId,
    options: &GenerateRequest,
) -> Result<ForumSchedule, AppError> {
    let (per_firm, min_score) =
        recommendation_options(options.recommendations_per_firm, options.min_score)?;
    check_seed(options.seed)?;
    let forum = load_forum(&app.store, id)?;
    if forum.participants.len() < 2 {
        return Err(AppError::invalid(FieldError::too_few(
            "participants",
            2,
            "participants",
        )));
    }
    let (request, candidates) = forum_problem(
        app,
        &forum,
        (per_firm, min_score, options.lang.unwrap_or_default()),
        (
            options.objective.unwrap_or_default(),
            options.span_first.unwrap_or(false),
        ),
        options.time_limit_ms,
        options.seed,
    );
    let response = solve_timed(app.observer(), "generate", &request)?;
    let version = forum.previous.as_ref().map_or(0, |s| s.version) + 1;
    let plan = ForumSchedule::from_response(
        id.as_str(),
        version,
        chrono::Utc::now(),
        request,
        candidates,
        response,
    );
    app.store.put_schedule(id, &plan)?;
    Ok(plan)
}

/// Re-plans after changes, keeping every untouched meeting at its slot and table. An
/// infeasible repair leaves the timetable in force as it was.
pub fn repair(
    app: &Mitra,
    id: &EventId,
    options: &RepairOptions,
) -> Result<RepairResult, AppError> {
    let (per_firm, min_score) =
        recommendation_options(options.recommendations_per_firm, options.min_score)?;
    let mut forum = load_forum(&app.store, id)?;
    let previous = forum
        .previous
        .take()
        .ok_or_else(|| AppError::not_found("schedule of event", id))?;
    let (request, candidates) = forum_problem(
        app,
        &forum,
        (per_firm, min_score, options.lang.unwrap_or_default()),
        (previous.request.objective, previous.request.span_first),
        options.time_limit_ms,
        previous.request.seed,
    );
    let repair_request = RepairRequest {
        request: request.clone(),
        previous: previous.placed(),
    };
    let started = std::time::Instant::now();
    let answer = schedule::repair(&repair_request)?;
    app.observer()
        .solved("repair", request.objective, started.elapsed());
    let plan = ForumSchedule::from_response(
        id.as_str(),
        previous.version + 1,
        chrono::Utc::now(),
        request,
        candidates,
        answer.plan,
    );
    if plan.status != Status::Infeasible {
        app.store.put_schedule(id, &plan)?;
    }
    Ok(RepairResult {
        kept: answer.kept.len(),
        moved: answer.moved,
        added: answer.added,
        dropped: answer.dropped,
        schedule: plan,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_and_repair_refuse_the_same_options() {
        for per_firm in [51, 99] {
            let err = recommendation_options(Some(per_firm), Some(3.0)).unwrap_err();
            let AppError::Invalid(fields) = err else {
                panic!()
            };
            let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(names, ["recommendations_per_firm", "min_score"]);
        }
        assert_eq!(recommendation_options(None, None).unwrap(), (5, 0.2));
        assert_eq!(
            recommendation_options(Some(50), Some(0.0)).unwrap(),
            (50, 0.0)
        );
    }

    #[test]
    fn a_seed_beyond_int64_is_refused() {
        assert!(check_seed(Some(i64::MAX as u64)).is_ok());
        let Err(AppError::Invalid(fields)) = check_seed(Some(i64::MAX as u64 + 1)) else {
            panic!()
        };
        assert_eq!(
            (fields[0].field.as_str(), fields[0].code.as_str()),
            ("seed", "out_of_range")
        );
    }
}
