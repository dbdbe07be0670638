//! What the meetings led to: recording an outcome, the forum's trade report, and the
//! labelled pairs that outcomes give for evaluating the matching.

use super::schedule::{current, event};
use super::{AppError, Mitra};
use crate::domain::event::Event;
use crate::domain::outcome::{Outcome, OutcomeInput};
use crate::domain::{EventId, Firm};
use crate::report::{self, FirmFacts, ForumReport};
use crate::schedule::forum::{ForumMeeting, ForumSchedule};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

/// A labelled pair: two firms and how relevant their meeting proved (0–3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"a": "kopi-sembalun", "b": "kafe-nusantara", "grade": 3}))]
pub struct LabelledPair {
    pub a: String,
    pub b: String,
    /// 3 deal or letter of intent, 2 high interest, 1 low interest, 0 none.
    pub grade: u8,
}

/// A meeting of the forum's timetable in force, or [`AppError::NotFound`].
pub fn meeting(store: &Store, id: &EventId, meeting_id: &str) -> Result<ForumMeeting, AppError> {
    current(store, id)?
        .meetings
        .into_iter()
        .find(|m| m.id == meeting_id)
        .ok_or_else(|| AppError::not_found("meeting", meeting_id))
}

/// Records (or replaces, with `version`) what a meeting led to, recorded `by` an organizer
/// or one of its firms.
pub fn record(
    app: &Mitra,
    id: &EventId,
    meeting_id: &str,
    by: &str,
    input: &OutcomeInput,
) -> Result<Outcome, AppError> {
    meeting(&app.store, id, meeting_id)?;
    let outcome = input.parse(meeting_id, by, chrono::Utc::now(), 0)?;
    app.store
        .put_outcome(id, outcome, input.version)
        .map_err(|e| match AppError::from(e) {
            AppError::VersionMismatch {
                expected, current, ..
            } => AppError::Conflict(format!(
                "the outcome is at version {current}, not {expected}: read it again and retry"
            )),
            other => other,
        })
}

/// The stored firms of a timetable's meetings, each read once (a firm deleted since is
/// absent; a failed read is an error).
pub fn meeting_firms(
    store: &Store,
    plan: &ForumSchedule,
) -> Result<HashMap<String, Firm>, AppError> {
    let ids: HashSet<&str> = plan
        .meetings
        .iter()
        .flat_map(|m| [m.a.as_str(), m.b.as_str()])
        .collect();
    let mut out = HashMap::new();
    for id in ids {
        if let Some(firm) = store.get_firm(id)? {
            out.insert(id.to_string(), firm);
        }
    }
    Ok(out)
}

/// The forum's trade report from its timetable and recorded outcomes.
pub fn report(app: &Mitra, id: &EventId) -> Result<(Event, ForumReport), AppError> {
    let event = event(&app.store, id)?;
    let plan = current(&app.store, id)?;
    let facts: HashMap<String, FirmFacts> = meeting_firms(&app.store, &plan)?
        .into_iter()
        .map(|(firm_id, f)| {
            let facts = FirmFacts {
                kbli: f.profile.kbli.first().cloned().unwrap_or_default(),
                name: f.profile.name,
                province: f.profile.province,
                regency: f.profile.regency,
                regency_name: f.profile.regency_name,
            };
            (firm_id, facts)
        })
        .collect();
    let outcomes = app.store.outcomes(id)?;
    let result = report::forum_report(&plan, &outcomes, &facts, app.reference);
    Ok((event, result))
}

/// Labelled pairs from the recorded outcomes: a deal is 3, high interest 2, low interest 1,
/// a held meeting without interest 0; meetings that were not held are left out.
pub fn labels(store: &Store, id: &EventId) -> Result<Vec<LabelledPair>, AppError> {
    let plan = current(store, id)?;
    let outcomes = store.outcomes(id)?;
    let by_meeting: HashMap<&str, &Outcome> = outcomes
        .iter()
        .map(|o| (o.meeting_id.as_str(), o))
        .collect();
    Ok(plan
        .meetings
        .iter()
        .filter_map(|m| {
            let grade = by_meeting.get(m.id.as_str())?.grade()?;
            Some(LabelledPair {
                a: m.a.clone(),
                b: m.b.clone(),
                grade,
            })
        })
        .collect())
}

/// Labels as CSV `firm_a,firm_b,grade`.
pub fn labels_csv(pairs: &[LabelledPair]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["firm_a", "firm_b", "grade"])?;
    for p in pairs {
        w.write_record([p.a.as_str(), p.b.as_str(), &p.grade.to_string()])?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}
