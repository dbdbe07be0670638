//! What the meetings led to: recording an outcome, the forum's trade report, and the
//! labelled pairs that outcomes give for evaluating the matching.

use super::schedule::{current, event};
use super::{AppError, Mitra};
use crate::domain::event::Event;
use crate::domain::outcome::{Outcome, OutcomeInput};
use crate::domain::FieldError;
use crate::domain::{EventId, Firm};
use crate::report::{self, FirmFacts, ForumReport};
use crate::schedule::forum::{ForumMeeting, ForumSchedule};
use crate::store::{OutcomeWriter, Store};
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

/// Who records as an organizer (`by`).
pub const ORGANIZER: &str = "organizer";

/// Records (or replaces, with `version`) what a meeting led to, recorded `by` an organizer
/// or one of its firms. A firm must send `version` (0 for a first record), records only
/// its own side's interest, and cannot change an outcome the organizers locked.
pub fn record(
    app: &Mitra,
    id: &EventId,
    meeting_id: &str,
    by: &str,
    input: &OutcomeInput,
) -> Result<Outcome, AppError> {
    let m = meeting(&app.store, id, meeting_id)?;
    let writer = if by == ORGANIZER {
        OutcomeWriter::Organizer
    } else if by == m.a {
        OutcomeWriter::SideA
    } else {
        OutcomeWriter::SideB
    };
    let mut errors = Vec::new();
    if writer != OutcomeWriter::Organizer {
        if input.version.is_none() {
            errors.push(FieldError::coded(
                "version",
                "required",
                "is required from a firm: the version being replaced (0 for a first record)",
            ));
        }
        let other = match writer {
            OutcomeWriter::SideA => ("interest_b", &input.interest_b),
            _ => ("interest_a", &input.interest_a),
        };
        if other.1.is_some() {
            errors.push(FieldError::coded(
                other.0,
                "other_side",
                "is the other firm's to record",
            ));
        }
        if input.locked.is_some() {
            errors.push(FieldError::coded(
                "locked",
                "organizers_only",
                "only organizers lock or unlock an outcome",
            ));
        }
    }
    let mut outcome = match input.parse(meeting_id, by, chrono::Utc::now(), 0) {
        Ok(outcome) if errors.is_empty() => outcome,
        Ok(_) => return Err(errors.into()),
        Err(more) => {
            errors.extend(more);
            return Err(errors.into());
        }
    };
    outcome.locked = false;
    app.store
        .put_outcome(id, outcome, input.version, writer, input.locked)
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
                kbli: f.profile.kbli().first().cloned().unwrap_or_default(),
                name: f.profile.name().to_string(),
                province: f.profile.province(),
                regency: f.profile.regency().to_string(),
                regency_name: f.profile.regency_name().to_string(),
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
    let mut w = crate::csv_out::CsvOut::new();
    w.row(["firm_a", "firm_b", "grade"])?;
    for p in pairs {
        w.row([p.a.as_str(), p.b.as_str(), &p.grade.to_string()])?;
    }
    Ok(w.finish()?)
}
