//! Entry point of the solver: proves easy infeasibility, computes bounds, runs the search
//! (two seeded chains in parallel), assigns tables and builds the response.

use super::bound::Gaps;
use super::engine::{
    anneal, better, construct, fill_by_value, restore, Params, Phase, State, NONE,
};
use super::instance::{Instance, Mask};
use super::types::*;
use crate::domain::FieldError;
use std::time::{Duration, Instant};

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
    // Bounds: the value LP (`max_value`), or forced gaps of both measures (`min_idle`).
    let (first, second) = if inst.span_first {
        (Gaps::Span, Gaps::Idle)
    } else {
        (Gaps::Idle, Gaps::Span)
    };
    let mut lp_cut = false;
    let (bound, lp, second_bound) = match obj {
        Objective::MaxValue => {
            // The LP may take half the budget (0.3 s for 2 000 firms and 20 000 candidates);
            // cut there, its bound is looser and guides less of the plan.
            let deadline = start + Duration::from_millis(inst.time_limit_ms / 2);
            let vb = super::bound::value_bound(inst, Some(deadline));
            lp_cut = vb.cut;
            (vb.bound, vb.x, 0.0)
        }
        Objective::MinIdle => (
            super::bound::gaps_lower_bound(inst, first) as f64,
            Vec::new(),
            super::bound::gaps_lower_bound(inst, second) as f64,
        ),
    };
    let coverable = coverable(inst);
    let target = match obj {
        Objective::MinIdle => (0, bound),
        Objective::MaxValue => (-(coverable as i64), -bound),
    };
    let second_target = match obj {
        Objective::MinIdle => (bound as i64, second_bound),
        Objective::MaxValue => (0, 0.0),
    };
    let slot_pins: Vec<Option<u32>> = pins.iter().map(|p| p.map(|x| x.0)).collect();
    let m = inst.meets.len() as u64;
    let (rounds, per_round) = match obj {
        Objective::MinIdle => (12, (300 * m).clamp(2_000, 2_000_000)),
        Objective::MaxValue => (6, (100 * m).clamp(2_000, 3_000_000)),
    };
    let (rounds2, per_round2) = (3, (100 * m).clamp(2_000, 1_000_000));
    // The first phase may use 60 % of the budget, the second what is left but a twentieth
    // (kept for table assignment and the response).
    let limit = inst.time_limit_ms - inst.time_limit_ms / 20;
    let first_limit = inst.time_limit_ms * 3 / 5;
    // Two walks in parallel. For min_idle the second puts the other measure first in its
    // first phase (span when idle comes first, and the other way round): a day compact in
    // span is often idle-free too, and the best of both in the request's order wins.
    let run = |seed: u64, flip: bool| {
        let mut st = State::new(inst, &slot_pins);
        let flip = flip && obj == Objective::MinIdle;
        st.span_first = inst.span_first ^ flip;
        construct(&mut st, &lp);
        let params = Params {
            seed,
            phase: Phase::Primary,
            rounds,
            iters_per_round: per_round,
            start,
            time_limit_ms: first_limit,
            target: Some(if flip { (0, second_bound) } else { target }),
            stop_when_stale: false,
        };
        let out = anneal(&mut st, &params);
        restore(&mut st, &out.slot_of);
        let (mut iterations, mut hit) = (out.iterations, out.time_limit_hit);
        if obj == Objective::MinIdle && st.n_unassigned() > 0 && out.time_limit_hit {
            // No complete plan yet: finding one gets the rest of the budget.
            let params = Params {
                seed: seed ^ 0xc0de,
                time_limit_ms: limit,
                ..params
            };
            let out = anneal(&mut st, &params);
            restore(&mut st, &out.slot_of);
            iterations += out.iterations;
        }
        st.span_first = inst.span_first;
        if obj == Objective::MaxValue {
            fill_by_value(&mut st, &lp);
        }
        // Compact days: the same meetings, moved. `min_idle` only once every one is placed.
        if obj == Objective::MaxValue || st.n_unassigned() == 0 {
            let params = Params {
                seed: seed ^ 0x5eed,
                phase: Phase::Secondary,
                rounds: rounds2,
                iters_per_round: per_round2,
                start,
                time_limit_ms: limit,
                target: Some(second_target),
                stop_when_stale: true,
            };
            let out = anneal(&mut st, &params);
            restore(&mut st, &out.slot_of);
            iterations += out.iterations;
            hit |= out.time_limit_hit;
        }
        (
            st.key(Phase::Primary),
            st.key(Phase::Secondary),
            st.slot_of.clone(),
            iterations,
            hit,
        )
    };
    let base = inst.seed.wrapping_mul(2);
    let (r1, r2) = rayon::join(|| run(base, false), || run(base.wrapping_add(1), true));
    let iterations = r1.3 + r2.3;
    let hit = r1.4 || r2.4 || lp_cut;
    let second_wins = better(r2.0, r1.0) || (!better(r1.0, r2.0) && better(r2.1, r1.1));
    let slot_of = if second_wins { r2.2 } else { r1.2 };

    if obj == Objective::MinIdle && slot_of.contains(&NONE) {
        let placed = slot_of.iter().filter(|&&s| s != NONE).count();
        let missing: Vec<Unscheduled> = slot_of
            .iter()
            .enumerate()
            .filter(|(_, &s)| s == NONE)
            .map(|(i, _)| unscheduled(req, inst, i, "could not be placed by the search".into()))
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
    restore(&mut st, &slot_of);
    let mut meetings: Vec<ScheduledMeeting> = Vec::new();
    let mut left_out = Vec::new();
    for (i, &s) in slot_of.iter().enumerate() {
        let meet = &inst.meets[i];
        let r = &req.meetings[meet.req];
        if s != NONE {
            for k in 0..meet.len {
                meetings.push(ScheduledMeeting {
                    a: r.a.clone(),
                    b: r.b.clone(),
                    slot: s + k,
                    table: table_of[i],
                });
            }
        } else {
            left_out.push(unscheduled(
                req,
                inst,
                i,
                why_unscheduled(req, inst, &st, i),
            ));
        }
    }
    meetings.sort_by_key(|m| (m.slot, m.table));
    let covered = st.covered;
    let (first_measure, _) = st.measures();
    let optimal = match obj {
        Objective::MinIdle => first_measure as f64 <= bound,
        Objective::MaxValue => covered >= coverable && gap(st.value, bound) <= GAP_TOLERANCE,
    };
    let gap = match obj {
        Objective::MaxValue => gap(st.value, bound),
        Objective::MinIdle => gap(bound, first_measure as f64),
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
            span_slots: st.span as u64,
            value: st.value,
            bound,
            gap,
            participants_with_meetings: covered,
            participants_without_meeting: inst.parts.len() - covered,
            table_changes: table_changes(inst, &slot_of, &table_of),
            iterations,
            time_limit_hit: hit,
            infeasibility_proven: false,
            elapsed_ms: start.elapsed().as_millis() as u64,
        },
        meetings,
        unscheduled: left_out,
        reasons: Vec::new(),
    }
}

/// The entry for a unit left out: its pair, and how many meetings it stands for.
fn unscheduled(req: &ScheduleRequest, inst: &Instance, i: usize, reason: String) -> Unscheduled {
    let meet = &inst.meets[i];
    let r = &req.meetings[meet.req];
    Unscheduled {
        a: r.a.clone(),
        b: r.b.clone(),
        reason,
        count: (meet.len > 1).then_some(meet.len),
    }
}

/// A plan within this relative distance of its bound is optimal (rounding of the bound).
pub(crate) const GAP_TOLERANCE: f64 = 1e-9;

/// How far `low` may be below `high`, relative to `high` (0 when they meet).
pub(crate) fn gap(low: f64, high: f64) -> f64 {
    if high <= 0.0 || low >= high {
        0.0
    } else {
        (high - low) / high
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
            span_slots: 0,
            value: 0.0,
            bound: 0.0,
            gap: 0.0,
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
    let r = &req.meetings[m.req];
    if m.allowed == 0 {
        let what = if m.len > 1 {
            format!("no {} consecutive slots", m.len)
        } else {
            "no slot".into()
        };
        return match &r.session {
            Some(s) => format!("{what} in session '{s}' where both are available"),
            None => format!("{what} where both are available"),
        };
    }
    for (p, id) in [(m.a, &r.a), (m.b, &r.b)] {
        if (st.count[p] + m.len) as usize > inst.parts[p].cap {
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
    let mut told = usize::MAX;
    for m in &inst.meets {
        let (i, r) = (m.req, &req.meetings[m.req]);
        if m.allowed == 0 && told != i {
            told = i;
            let within = r
                .session
                .as_ref()
                .map_or(String::new(), |s| format!(" in session '{s}'"));
            let what = if m.len > 1 {
                format!("no {} consecutive slots", m.len)
            } else {
                "no slot".into()
            };
            reasons.push(format!(
                "meeting {}–{} (meetings[{i}]): {what}{within} where both are available",
                r.a, r.b
            ));
        }
        for p in [m.a, m.b] {
            count[p] += m.len as usize;
            union[p] |= m.covers;
            if let Some(s) = m.session {
                per_session[p * ns + s] += m.len as usize;
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
    let shared: usize = inst
        .meets
        .iter()
        .filter(|m| m.shared)
        .map(|m| m.len as usize)
        .sum();
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
        let k: usize = inst
            .meets
            .iter()
            .filter(|m| m.shared && m.session == Some(s))
            .map(|m| m.len as usize)
            .sum();
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
        let fits = |p: usize| inst.parts[p].cap >= m.len as usize;
        if m.allowed != 0 && fits(m.a) && fits(m.b) {
            can[m.a] = true;
            can[m.b] = true;
        }
    }
    can.iter().filter(|&&c| c).count()
}

/// Tables per meeting. Pinned meetings keep theirs, hosts' meetings sit at the host's
/// table, and other meetings reuse a table one of their participants sat at just before,
/// so people move as little as possible. Consecutive meetings keep one table throughout.
pub(crate) fn assign_tables(inst: &Instance, slot_of: &[u32], pins: &[Pin]) -> Vec<u32> {
    // Taken in order of start, any table free at a meeting's start is free for its whole
    // length, so this always succeeds; only pinned blocks can leave a later block without
    // a table kept free throughout, and then pinned meetings give up their tables.
    assign_tables_with(inst, slot_of, pins)
        .or_else(|| assign_tables_with(inst, slot_of, &vec![None; slot_of.len()]))
        .expect("without pins a table is always free")
}

fn assign_tables_with(inst: &Instance, slot_of: &[u32], pins: &[Pin]) -> Option<Vec<u32>> {
    let n = inst.parts.len();
    let mut table_of = vec![NONE; slot_of.len()];
    let mut by_slot: Vec<Vec<usize>> = vec![Vec::new(); inst.n_slots];
    let mut remaining = vec![0u32; n];
    let mut is_shared = vec![false; inst.tables];
    for &t in &inst.shared_tables {
        is_shared[t] = true;
    }
    // Slots each table is kept by pinned meetings.
    let mut pinned: Vec<Mask> = vec![0; inst.tables];
    for (m, &s) in slot_of.iter().enumerate() {
        if s != NONE {
            let meet = &inst.meets[m];
            by_slot[s as usize].push(m);
            remaining[meet.a] += meet.len;
            remaining[meet.b] += meet.len;
            if let Some((_, t)) = pins[m] {
                pinned[t as usize] |= meet.span_at(s);
            }
        }
    }
    let mut last = vec![NONE; n];
    // A table is held up to (excluding) this slot by a meeting already given it.
    let mut held = vec![0u32; inst.tables];
    for (s, list) in by_slot.iter().enumerate() {
        let s = s as u32;
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
                    held[t] = s + meet.len;
                }
                None => open.push(m),
            }
        }
        let free = |t: u32, len: u32, held: &[u32]| {
            t != NONE
                && is_shared[t as usize]
                && held[t as usize] <= s
                && pinned[t as usize] & super::instance::range_mask(s as usize, (s + len) as usize)
                    == 0
        };
        // Both participants come from the same table: stay.
        open.retain(|&m| {
            let meet = &inst.meets[m];
            let t = last[meet.a];
            if t == last[meet.b] && free(t, meet.len, &held) {
                table_of[m] = t;
                held[t as usize] = s + meet.len;
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
                if free(t, meet.len, &held) {
                    table_of[m] = t;
                    held[t as usize] = s + meet.len;
                    return false;
                }
            }
            true
        });
        for m in open {
            let len = inst.meets[m].len;
            let t = *inst
                .shared_tables
                .iter()
                .find(|&&t| free(t as u32, len, &held))?;
            table_of[m] = t as u32;
            held[t] = s + len;
        }
        for &m in list {
            let meet = &inst.meets[m];
            for p in [meet.a, meet.b] {
                last[p] = table_of[m];
                remaining[p] -= meet.len;
            }
        }
    }
    Some(table_of)
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
