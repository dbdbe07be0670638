//! Re-planning after a change (a firm cancels, a late firm arrives, a slot becomes
//! unavailable). Every previous meeting the change does not touch keeps its slot and table;
//! only the rest is searched again, so printed agendas stay mostly valid.

use super::instance::Instance;
use super::solve::{solve_instance, Pin};
use super::types::*;
use crate::domain::FieldError;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

type Pair = (String, String);

fn pair(a: &str, b: &str) -> Pair {
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
    // The units (single meetings, or a pair's consecutive block) of each requested pair.
    let mut units_of: HashMap<Pair, Vec<usize>> = HashMap::new();
    for (i, meet) in inst.meets.iter().enumerate() {
        let r = &req.meetings[meet.req];
        units_of.entry(pair(&r.a, &r.b)).or_default().push(i);
    }
    let host_of_table: HashMap<usize, usize> = inst
        .parts
        .iter()
        .enumerate()
        .filter_map(|(p, x)| x.host_table.map(|t| (t, p)))
        .collect();

    // The previous plan by pair, each pair's meetings in slot order.
    let mut previous: BTreeMap<Pair, Vec<&ScheduledMeeting>> = BTreeMap::new();
    let mut seen: HashSet<(Pair, u32)> = HashSet::new();
    for prev in &request.previous {
        let key = pair(&prev.a, &prev.b);
        if seen.insert((key.clone(), prev.slot)) {
            previous.entry(key).or_default().push(prev);
        }
    }
    for list in previous.values_mut() {
        list.sort_by_key(|m| (m.slot, m.table));
    }

    let mut pins: Vec<Pin> = vec![None; inst.meets.len()];
    let mut dropped = Vec::new();
    let mut busy: HashSet<(usize, u32)> = HashSet::new();
    let mut tables_used: HashSet<(u32, u32)> = HashSet::new();
    let mut shared_load: HashMap<u32, usize> = HashMap::new();
    let mut count = vec![0usize; inst.parts.len()];
    for (key, list) in &previous {
        let Some(units) = units_of.get(key) else {
            for prev in list {
                dropped.push(Unscheduled {
                    a: prev.a.clone(),
                    b: prev.b.clone(),
                    reason: "no longer requested (meeting or participant cancelled)".into(),
                    count: None,
                });
            }
            continue;
        };
        // Where each unit stood: a block by its first slot when the previous meetings still
        // form it, single meetings one by one.
        let mut placements: Vec<(usize, u32, u32)> = Vec::new();
        let first = &inst.meets[units[0]];
        if first.len > 1 {
            let len = first.len as usize;
            let whole = list.len() == len
                && list
                    .windows(2)
                    .all(|w| w[1].slot == w[0].slot + 1 && w[1].table == w[0].table);
            if whole {
                placements.push((units[0], list[0].slot, list[0].table));
            }
        } else {
            for (&u, prev) in units.iter().zip(list.iter()) {
                placements.push((u, prev.slot, prev.table));
            }
        }
        for (i, s, t) in placements {
            let m = &inst.meets[i];
            let slots: Vec<u32> = (s..s + m.len).collect();
            let slot_ok = (s as usize) < inst.n_slots && m.allowed & (1u128 << s) != 0;
            let table_ok = (t as usize) < inst.tables
                && match host_of_table.get(&(t as usize)) {
                    Some(&h) => h == m.a || h == m.b,
                    None => m.shared,
                };
            let free = slots.iter().all(|&x| {
                !busy.contains(&(m.a, x))
                    && !busy.contains(&(m.b, x))
                    && !tables_used.contains(&(x, t))
                    && (!m.shared
                        || shared_load.get(&x).copied().unwrap_or(0) < inst.shared_capacity())
            });
            let len = m.len as usize;
            let under_cap =
                count[m.a] + len <= inst.parts[m.a].cap && count[m.b] + len <= inst.parts[m.b].cap;
            if slot_ok && table_ok && free && under_cap {
                pins[i] = Some((s, t));
                for &x in &slots {
                    busy.insert((m.a, x));
                    busy.insert((m.b, x));
                    tables_used.insert((x, t));
                    if m.shared {
                        *shared_load.entry(x).or_default() += 1;
                    }
                }
                count[m.a] += len;
                count[m.b] += len;
            }
        }
    }

    let plan = solve_instance(req, &inst, &pins, start);
    // Compare per pair: the same slot and table is kept; other new meetings of a pair take
    // the place of its other previous ones (moved), or are new (added); previous ones left
    // over are dropped.
    let mut left: BTreeMap<Pair, Vec<&ScheduledMeeting>> = previous
        .iter()
        .filter(|(key, _)| units_of.contains_key(*key))
        .map(|(key, list)| (key.clone(), list.clone()))
        .collect();
    let mut kept = Vec::new();
    let mut fresh: Vec<&ScheduledMeeting> = Vec::new();
    for sm in &plan.meetings {
        let key = pair(&sm.a, &sm.b);
        let list = left.entry(key).or_default();
        match list
            .iter()
            .position(|p| p.slot == sm.slot && p.table == sm.table)
        {
            Some(i) => {
                list.remove(i);
                kept.push(sm.clone());
            }
            None => fresh.push(sm),
        }
    }
    let mut moved = Vec::new();
    let mut added = Vec::new();
    for sm in fresh {
        let list = left.entry(pair(&sm.a, &sm.b)).or_default();
        if list.is_empty() {
            added.push(sm.clone());
        } else {
            let p = list.remove(0);
            moved.push(MovedMeeting {
                a: sm.a.clone(),
                b: sm.b.clone(),
                from_slot: p.slot,
                from_table: p.table,
                slot: sm.slot,
                table: sm.table,
            });
        }
    }
    let reasons: HashMap<Pair, &str> = plan
        .unscheduled
        .iter()
        .map(|u| (pair(&u.a, &u.b), u.reason.as_str()))
        .collect();
    for (key, list) in &left {
        for p in list {
            let reason = reasons
                .get(key)
                .map(|r| r.to_string())
                .unwrap_or_else(|| "the new plan is infeasible".into());
            dropped.push(Unscheduled {
                a: p.a.clone(),
                b: p.b.clone(),
                reason,
                count: None,
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
