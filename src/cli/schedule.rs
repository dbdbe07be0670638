//! `mitra schedule`: a forum's timetable from the store (as `POST /v1/events/{id}/schedule`),
//! or a stateless problem file (as `POST /v1/schedule/solve`).

use super::{reported, write_or_print};
use crate::app::schedule::{self as timetable, GenerateRequest};
use crate::app::{Mitra, Pool};
use crate::domain::EventId;
use crate::schedule::{ScheduleRequest, Stats};
use crate::store::Store;
use anyhow::Context;
use std::path::Path;

fn summary(status: &impl serde::Serialize, stats: &Stats) {
    eprintln!(
        "status {}, {} meetings, value {:.2} (bound {:.2}, gap {:.2} %), idle slots {}, slots waited on site {}, {} of {} participants with a meeting, {} ms",
        serde_json::to_string(status).unwrap_or_default().trim_matches('"'),
        stats.scheduled,
        stats.value,
        stats.bound,
        stats.gap * 100.0,
        stats.idle_slots,
        stats.span_slots,
        stats.participants_with_meetings,
        stats.participants_with_meetings + stats.participants_without_meeting,
        stats.elapsed_ms
    );
}

pub fn solve_file(file: &Path, out: Option<&Path>) -> anyhow::Result<()> {
    let text = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let request: ScheduleRequest = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a scheduling problem", file.display()))?;
    let response = timetable::solve(&crate::app::Unobserved, &request).map_err(reported)?;
    summary(&response.status, &response.stats);
    write_or_print(out, &serde_json::to_vec_pretty(&response)?)
}

pub fn schedule_event(
    data_dir: &Path,
    event: &str,
    options: GenerateRequest,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let id = EventId::parse(event).map_err(|e| anyhow::anyhow!("--event: {e}"))?;
    let app = Mitra::open(Store::open(data_dir)?)?;
    let plan = app
        .executor
        .install(Pool::Solver, || timetable::generate(&app, &id, &options))
        .map_err(|e| match e {
            crate::app::AppError::NotFound { what: "event", .. } => {
                anyhow::anyhow!("no forum '{id}' in {}", data_dir.display())
            }
            other => reported(other),
        })?;
    summary(&plan.status, &plan.stats);
    eprintln!(
        "stored as version {} of the timetable of '{id}'",
        plan.version
    );
    match out {
        Some(path) => write_or_print(Some(path), &serde_json::to_vec_pretty(&plan)?),
        None => Ok(()),
    }
}
