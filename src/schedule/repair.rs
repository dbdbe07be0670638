//! Re-planning after a change (a firm cancels, a late firm arrives, a slot becomes
//! unavailable). Every previous meeting the change does not touch keeps its slot and table;
//! only the rest is searched again, so printed agendas stay mostly valid.

use super::instance::Instance;
use super::solve::{solve_instance, Pin};
use super::types::*;
use crate::domain::FieldError;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

fn pair(a: &str, b: &str) -> (String, String) {
    if a < b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// Re-plans `request.request` starting from `request.previous`.
pub fn repair(request: &RepairRequest) -> Result<RepairResponse, Vec<FieldError>> {
    let start = Instant::now();
    let req = &request.request;
    let inst = Instance::build(req)?;
    let index: HashMap<(String, String), usize> = req
        .meetings
        .iter()
        .enumerate()
        .map(|(i, m)| (pair(&m.a, &m.b), i))
        .collect();
    let host_of_table: HashMap<usize, usize> = inst
        .parts
        .iter()
        .enumerate()
        .filter_map(|(p, x)| x.host_table.map(|t| (t, p)))
        .collect();

    let mut pins: Vec<Pin> = vec![None; inst.meets.len()];
    let mut previous: HashMap<usize, &ScheduledMeeting> = HashMap::new();
    let mut dropped = Vec::new();
    let mut busy: HashSet<(usize, u32)> = HashSet::new();
    let mut tables_used: HashSet<(u32, u32)> = HashSet::new();
    let mut shared_load: HashMap<u32, usize> = HashMap::new();
    let mut count = vec![0usize; inst.parts.len()];
    for prev in &request.previous {
        let Some(&i) = index.get(&pair(&prev.a, &prev.b)) else {
            dropped.push(Unscheduled {
                a: prev.a.clone(),
                b: prev.b.clone(),
                reason: "no longer requested (meeting or participant cancelled)".into(),
            });
            continue;
        };
        if previous.insert(i, prev).is_some() {
            continue;
        }
        let m = &inst.meets[i];
        let (s, t) = (prev.slot, prev.table);
        let slot_ok = (s as usize) < inst.n_slots && m.allowed & (1u128 << s) != 0;
        let table_ok = (t as usize) < inst.tables
            && match host_of_table.get(&(t as usize)) {
                Some(&h) => h == m.a || h == m.b,
                None => m.shared,
            };
        let free = !busy.contains(&(m.a, s))
            && !busy.contains(&(m.b, s))
            && !tables_used.contains(&(s, t))
            && (!m.shared || shared_load.get(&s).copied().unwrap_or(0) < inst.shared_capacity());
        let under_cap = count[m.a] < inst.parts[m.a].cap && count[m.b] < inst.parts[m.b].cap;
        if slot_ok && table_ok && free && under_cap {
            pins[i] = Some((s, t));
            busy.insert((m.a, s));
            busy.insert((m.b, s));
            tables_used.insert((s, t));
            if m.shared {
                *shared_load.entry(s).or_default() += 1;
            }
            count[m.a] += 1;
            count[m.b] += 1;
        }
    }

    let plan = solve_instance(req, &inst, &pins, start);
    let mut kept = Vec::new();
    let mut moved = Vec::new();
    let mut added = Vec::new();
    let mut placed = HashSet::new();
    for sm in &plan.meetings {
        let i = index[&pair(&sm.a, &sm.b)];
        placed.insert(i);
        match previous.get(&i) {
            Some(p) if p.slot == sm.slot && p.table == sm.table => kept.push(sm.clone()),
            Some(p) => moved.push(MovedMeeting {
                a: sm.a.clone(),
                b: sm.b.clone(),
                from_slot: p.slot,
                from_table: p.table,
                slot: sm.slot,
                table: sm.table,
            }),
            None => added.push(sm.clone()),
        }
    }
    let reasons: HashMap<(String, String), &str> = plan
        .unscheduled
        .iter()
        .map(|u| (pair(&u.a, &u.b), u.reason.as_str()))
        .collect();
    let mut prev_sorted: Vec<(&usize, &&ScheduledMeeting)> = previous.iter().collect();
    prev_sorted.sort_by_key(|(i, _)| **i);
    for (i, p) in prev_sorted {
        if !placed.contains(i) {
            let reason = reasons
                .get(&pair(&p.a, &p.b))
                .map(|r| r.to_string())
                .unwrap_or_else(|| "the new plan is infeasible".into());
            dropped.push(Unscheduled {
                a: p.a.clone(),
                b: p.b.clone(),
                reason,
            });
        }
    }
    Ok(RepairResponse {
        plan,
        kept,
        moved,
        added,
        dropped,
    })
}
