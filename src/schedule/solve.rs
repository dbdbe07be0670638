//! Entry point of the solver: proves easy infeasibility, computes bounds, runs the search
//! (two seeded chains in parallel), assigns tables and builds the response.

use super::engine::{anneal, construct, fill_by_value, Params, State, NONE};
use super::instance::{Instance, Mask};
use super::types::*;
use crate::domain::FieldError;
use std::time::Instant;

/// Solves a scheduling request. Invalid requests yield every invalid field.
pub fn solve(request: &ScheduleRequest) -> Result<ScheduleResponse, Vec<FieldError>> {
    let inst = Instance::build(request)?;
    let pinned = vec![None; inst.meets.len()];
    Ok(solve_instance(request, &inst, &pinned, Instant::now()))
}

/// A meeting held at a given slot and table, never moved (repair).
pub(crate) type Pin = Option<(u32, u32)>;

pub(crate) fn solve_instance(
    req: &ScheduleRequest,
    inst: &Instance,
    pins: &[Pin],
    start: Instant,
) -> ScheduleResponse {
    let obj = inst.objective;
    if obj == Objective::MinIdle {
        let reasons = min_idle_obstacles(req, inst);
        if !reasons.is_empty() {
            return infeasible(inst, reasons, Vec::new(), true, 0, false, start);
        }
    }
    let bound = match obj {
        Objective::MaxValue => value_bound(inst),
        Objective::MinIdle => 0.0,
    };
    let coverable = coverable(inst);
    let target = match obj {
        Objective::MinIdle => (0, 0.0),
        Objective::MaxValue => (-(coverable as i64), -bound),
    };
    let slot_pins: Vec<Option<u32>> = pins.iter().map(|p| p.map(|x| x.0)).collect();
    let m = inst.meets.len() as u64;
    let (rounds, per_round) = match obj {
        Objective::MinIdle => (12, (300 * m).clamp(2_000, 2_000_000)),
        Objective::MaxValue => (6, (100 * m).clamp(2_000, 3_000_000)),
    };
    let run = |seed: u64| {
        let mut st = State::new(inst, &slot_pins);
        construct(&mut st);
        let params = Params {
            seed,
            rounds,
            iters_per_round: per_round,
            start,
            // Leave a twentieth of the budget for table assignment and the response.
            time_limit_ms: inst.time_limit_ms - inst.time_limit_ms / 20,
            target: Some(target),
        };
        let out = anneal(&mut st, &params);
        super::engine::restore(&mut st, &out.slot_of);
        if obj == Objective::MaxValue {
            fill_by_value(&mut st);
        }
        (
            st.key(obj),
            st.slot_of.clone(),
            out.iterations,
            out.time_limit_hit,
        )
    };
    let base = inst.seed.wrapping_mul(2);
    let (r1, r2) = rayon::join(|| run(base), || run(base.wrapping_add(1)));
    let lexi_better = |x: (i64, f64), y: (i64, f64)| x.0 < y.0 || (x.0 == y.0 && x.1 < y.1 - 1e-9);
    let iterations = r1.2 + r2.2;
    let hit = r1.3 || r2.3;
    let best = if lexi_better(r2.0, r1.0) { r2 } else { r1 };
    let slot_of = best.1;

    if obj == Objective::MinIdle && slot_of.contains(&NONE) {
        let placed = slot_of.iter().filter(|&&s| s != NONE).count();
        let missing: Vec<Unscheduled> = slot_of
            .iter()
            .enumerate()
            .filter(|(_, &s)| s == NONE)
            .map(|(i, _)| Unscheduled {
                a: req.meetings[i].a.clone(),
                b: req.meetings[i].b.clone(),
                reason: "could not be placed by the search".into(),
            })
            .collect();
        let reason = format!(
            "no complete timetable found within the search limit: at best {placed} of {} \
             meetings placed ({} left out); impossibility is not proven, a longer time_limit_ms \
             or fewer meetings may help",
            slot_of.len(),
            slot_of.len() - placed
        );
        return infeasible(inst, vec![reason], missing, false, iterations, hit, start);
    }

    let table_of = assign_tables(inst, &slot_of, pins);
    let mut st = State::new(inst, &vec![None; inst.meets.len()]);
    super::engine::restore(&mut st, &slot_of);
    let mut meetings: Vec<ScheduledMeeting> = Vec::new();
    let mut unscheduled = Vec::new();
    for (i, &s) in slot_of.iter().enumerate() {
        let r = &req.meetings[i];
        if s != NONE {
            meetings.push(ScheduledMeeting {
                a: r.a.clone(),
                b: r.b.clone(),
                slot: s,
                table: table_of[i],
            });
        } else {
            unscheduled.push(Unscheduled {
                a: r.a.clone(),
                b: r.b.clone(),
                reason: why_unscheduled(req, inst, &st, i),
            });
        }
    }
    meetings.sort_by_key(|m| (m.slot, m.table));
    let covered = st.covered;
    let optimal = match obj {
        Objective::MinIdle => st.idle == 0,
        Objective::MaxValue => covered >= coverable && st.value >= bound - 1e-9,
    };
    ScheduleResponse {
        status: if optimal {
            Status::Optimal
        } else {
            Status::Feasible
        },
        stats: Stats {
            objective: obj,
            scheduled: meetings.len(),
            idle_slots: st.idle as u64,
            value: st.value,
            bound,
            participants_with_meetings: covered,
            participants_without_meeting: inst.parts.len() - covered,
            table_changes: table_changes(inst, &slot_of, &table_of),
            iterations,
            time_limit_hit: hit,
            infeasibility_proven: false,
            elapsed_ms: start.elapsed().as_millis() as u64,
        },
        meetings,
        unscheduled,
        reasons: Vec::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn infeasible(
    inst: &Instance,
    reasons: Vec<String>,
    unscheduled: Vec<Unscheduled>,
    proven: bool,
    iterations: u64,
    hit: bool,
    start: Instant,
) -> ScheduleResponse {
    ScheduleResponse {
        status: Status::Infeasible,
        meetings: Vec::new(),
        unscheduled,
        reasons,
        stats: Stats {
            objective: inst.objective,
            scheduled: 0,
            idle_slots: 0,
            value: 0.0,
            bound: 0.0,
            participants_with_meetings: 0,
            participants_without_meeting: inst.parts.len(),
            table_changes: 0,
            iterations,
            time_limit_hit: hit,
            infeasibility_proven: proven,
            elapsed_ms: start.elapsed().as_millis() as u64,
        },
    }
}

fn why_unscheduled(req: &ScheduleRequest, inst: &Instance, st: &State, i: usize) -> String {
    let m = &inst.meets[i];
    let r = &req.meetings[i];
    if m.allowed == 0 {
        return match &r.session {
            Some(s) => format!("no slot in session '{s}' where both are available"),
            None => "no slot where both are available".into(),
        };
    }
    for (p, id) in [(m.a, &r.a), (m.b, &r.b)] {
        if st.count[p] as usize >= inst.parts[p].cap {
            return format!("{id} already has max_meetings ({})", inst.parts[p].cap);
        }
    }
    "no slot where both are free and a table is open, without displacing meetings chosen \
     for fairness or value"
        .into()
}

/// Counting arguments that prove a confirmed list cannot be placed in full.
fn min_idle_obstacles(req: &ScheduleRequest, inst: &Instance) -> Vec<String> {
    let mut reasons = Vec::new();
    let n = inst.parts.len();
    let ns = inst.session_masks.len();
    let mut count = vec![0usize; n];
    let mut union: Vec<Mask> = vec![0; n];
    let mut per_session = vec![0usize; n * ns];
    for (i, m) in inst.meets.iter().enumerate() {
        let r = &req.meetings[i];
        if m.allowed == 0 {
            let within = r
                .session
                .as_ref()
                .map_or(String::new(), |s| format!(" in session '{s}'"));
            reasons.push(format!(
                "meeting {}–{} (meetings[{i}]): no slot{within} where both are available",
                r.a, r.b
            ));
        }
        for p in [m.a, m.b] {
            count[p] += 1;
            union[p] |= m.allowed;
            if let Some(s) = m.session {
                per_session[p * ns + s] += 1;
            }
        }
    }
    for p in 0..n {
        let id = &req.participants[p].id;
        if count[p] > inst.parts[p].cap {
            reasons.push(format!(
                "{id} has {} meetings but max_meetings is {}",
                count[p], inst.parts[p].cap
            ));
        }
        let free = union[p].count_ones() as usize;
        if count[p] > free {
            reasons.push(format!(
                "{id} has {} meetings but only {free} slots where a partner is also available",
                count[p]
            ));
        }
        for s in 0..ns {
            let k = per_session[p * ns + s];
            let free = (inst.parts[p].avail & inst.session_masks[s]).count_ones() as usize;
            if k > free {
                reasons.push(format!(
                    "{id} has {k} meetings in '{}' but {free} free slots there",
                    req.sessions[s].name
                ));
            }
        }
    }
    let cap = inst.shared_capacity();
    let hosts = inst.tables - cap;
    let shared = inst.meets.iter().filter(|m| m.shared).count();
    let what = if hosts > 0 {
        format!("meetings without a host but only {cap} tables not kept by hosts")
    } else {
        format!("meetings but only {cap} tables")
    };
    if shared > cap * inst.n_slots {
        reasons.push(format!(
            "slot capacity: {shared} {what} × {} slots = {}",
            inst.n_slots,
            cap * inst.n_slots
        ));
    }
    for (s, sm) in inst.session_masks.iter().enumerate() {
        let k = inst
            .meets
            .iter()
            .filter(|m| m.shared && m.session == Some(s))
            .count();
        let slots = sm.count_ones() as usize;
        if k > cap * slots {
            reasons.push(format!(
                "slot capacity in '{}': {k} {what} × {slots} slots = {}",
                req.sessions[s].name,
                cap * slots
            ));
        }
    }
    reasons
}

/// Participants who could have at least one meeting.
fn coverable(inst: &Instance) -> usize {
    let mut can = vec![false; inst.parts.len()];
    for m in &inst.meets {
        if m.allowed != 0 && inst.parts[m.a].cap > 0 && inst.parts[m.b].cap > 0 {
            can[m.a] = true;
            can[m.b] = true;
        }
    }
    can.iter().filter(|&&c| c).count()
}

/// Upper bound on the total value: the least of (all placeable candidates), (each
/// participant's best meetings up to its capacity, halved because each meeting has two
/// participants), and (the best meetings that fit the shared tables, plus hosts' meetings).
fn value_bound(inst: &Instance) -> f64 {
    let placeable: Vec<&super::instance::Meet> =
        inst.meets.iter().filter(|m| m.allowed != 0).collect();
    let all: f64 = placeable.iter().map(|m| m.value).sum();

    let n = inst.parts.len();
    let mut vals: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut union: Vec<Mask> = vec![0; n];
    for m in &placeable {
        for p in [m.a, m.b] {
            vals[p].push(m.value);
            union[p] |= m.allowed;
        }
    }
    let mut per_participant = 0.0;
    for p in 0..n {
        let k = inst.parts[p].cap.min(union[p].count_ones() as usize);
        vals[p].sort_by(|x, y| y.total_cmp(x));
        per_participant += vals[p].iter().take(k).sum::<f64>();
    }
    per_participant /= 2.0;

    let mut shared: Vec<f64> = placeable
        .iter()
        .filter(|m| m.shared)
        .map(|m| m.value)
        .collect();
    shared.sort_by(|x, y| y.total_cmp(x));
    let hosted: f64 = placeable
        .iter()
        .filter(|m| !m.shared)
        .map(|m| m.value)
        .sum();
    let tables: f64 = shared
        .iter()
        .take(inst.shared_capacity() * inst.n_slots)
        .sum::<f64>()
        + hosted;
    all.min(per_participant).min(tables)
}

/// Tables per meeting. Pinned meetings keep theirs, hosts' meetings sit at the host's
/// table, and other meetings reuse a table one of their participants sat at just before,
/// so people move as little as possible.
pub(crate) fn assign_tables(inst: &Instance, slot_of: &[u32], pins: &[Pin]) -> Vec<u32> {
    let n = inst.parts.len();
    let mut table_of = vec![NONE; slot_of.len()];
    let mut by_slot: Vec<Vec<usize>> = vec![Vec::new(); inst.n_slots];
    let mut remaining = vec![0u32; n];
    for (m, &s) in slot_of.iter().enumerate() {
        if s != NONE {
            by_slot[s as usize].push(m);
            remaining[inst.meets[m].a] += 1;
            remaining[inst.meets[m].b] += 1;
        }
    }
    let mut is_shared = vec![false; inst.tables];
    for &t in &inst.shared_tables {
        is_shared[t] = true;
    }
    let mut last = vec![NONE; n];
    let mut used = vec![false; inst.tables];
    for list in &by_slot {
        used.iter_mut().for_each(|u| *u = false);
        let mut open: Vec<usize> = Vec::new();
        for &m in list {
            let meet = &inst.meets[m];
            let t = if let Some((_, t)) = pins[m] {
                Some(t as usize)
            } else {
                inst.parts[meet.a]
                    .host_table
                    .or(inst.parts[meet.b].host_table)
            };
            match t {
                Some(t) => {
                    table_of[m] = t as u32;
                    used[t] = true;
                }
                None => open.push(m),
            }
        }
        let free = |t: u32, used: &[bool]| t != NONE && is_shared[t as usize] && !used[t as usize];
        // Both participants come from the same table: stay.
        open.retain(|&m| {
            let meet = &inst.meets[m];
            let t = last[meet.a];
            if t == last[meet.b] && free(t, &used) {
                table_of[m] = t;
                used[t as usize] = true;
                false
            } else {
                true
            }
        });
        // One participant stays: the one with more meetings still ahead.
        open.retain(|&m| {
            let meet = &inst.meets[m];
            let (first, second) = if remaining[meet.a] >= remaining[meet.b] {
                (meet.a, meet.b)
            } else {
                (meet.b, meet.a)
            };
            for p in [first, second] {
                let t = last[p];
                if free(t, &used) {
                    table_of[m] = t;
                    used[t as usize] = true;
                    return false;
                }
            }
            true
        });
        let mut next = 0usize;
        for m in open {
            while !is_shared[inst.shared_tables[next]] || used[inst.shared_tables[next]] {
                next += 1;
            }
            let t = inst.shared_tables[next];
            table_of[m] = t as u32;
            used[t] = true;
        }
        for &m in list {
            let meet = &inst.meets[m];
            for p in [meet.a, meet.b] {
                last[p] = table_of[m];
                remaining[p] -= 1;
            }
        }
    }
    table_of
}

/// Table changes of non-host participants between consecutive meetings of a session.
fn table_changes(inst: &Instance, slot_of: &[u32], table_of: &[u32]) -> u64 {
    let n = inst.parts.len();
    let mut seq: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    for (m, &s) in slot_of.iter().enumerate() {
        if s != NONE {
            let meet = &inst.meets[m];
            seq[meet.a].push((s, table_of[m]));
            seq[meet.b].push((s, table_of[m]));
        }
    }
    let mut changes = 0;
    for (p, list) in seq.iter_mut().enumerate() {
        if inst.parts[p].host_table.is_some() {
            continue;
        }
        list.sort_unstable();
        for w in list.windows(2) {
            let same_session =
                inst.slot_session[w[0].0 as usize] == inst.slot_session[w[1].0 as usize];
            if same_session && w[0].1 != w[1].1 {
                changes += 1;
            }
        }
    }
    changes
}
