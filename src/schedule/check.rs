//! Independent checker: recomputes everything a response claims from the request alone,
//! with its own plain bookkeeping (maps and sets, no solver state), and lists each violated
//! rule. An empty list means the plan is valid and its statistics are true.

use super::types::*;
use std::collections::{HashMap, HashSet};

/// Every way `response` breaks the rules of `request`, as readable sentences.
pub fn check(request: &ScheduleRequest, response: &ScheduleResponse) -> Vec<String> {
    let mut v = Vec::new();
    if let Err(errs) = super::instance::validate(request) {
        for e in errs {
            v.push(format!("request invalid: {e}"));
        }
        return v;
    }
    let total: u32 = request.sessions.iter().map(|s| s.slots).sum();
    let mut session_of_slot = Vec::new();
    for (i, s) in request.sessions.iter().enumerate() {
        for _ in 0..s.slots {
            session_of_slot.push(i);
        }
    }
    let people: HashMap<&str, &Participant> = request
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut host_tables: HashMap<&str, u32> = HashMap::new();
    let mut next = 0u32;
    let requested: HashSet<u32> = request
        .participants
        .iter()
        .filter_map(|p| p.table.filter(|_| p.host))
        .collect();
    for p in request.participants.iter().filter(|p| p.host) {
        let t = match p.table {
            Some(t) => t,
            None => {
                while requested.contains(&next) || host_tables.values().any(|&x| x == next) {
                    next += 1;
                }
                next
            }
        };
        host_tables.insert(p.id.as_str(), t);
    }
    let table_holder: HashMap<u32, &str> = host_tables.iter().map(|(p, t)| (*t, *p)).collect();
    let key = |a: &str, b: &str| {
        if a < b {
            (a.to_string(), b.to_string())
        } else {
            (b.to_string(), a.to_string())
        }
    };
    let candidates: HashMap<(String, String), &MeetingRequest> = request
        .meetings
        .iter()
        .map(|m| (key(&m.a, &m.b), m))
        .collect();
    let value_of = |m: &MeetingRequest| {
        m.value
            .unwrap_or_else(|| m.kind.map_or(1.0, MeetingKind::default_value))
    };

    if response.status == Status::Infeasible {
        if !response.meetings.is_empty() {
            v.push("infeasible response carries meetings (a half plan)".into());
        }
        if response.reasons.is_empty() {
            v.push("infeasible response gives no reason".into());
        }
        return v;
    }

    let mut placed: HashMap<(String, String), Vec<(u32, u32)>> = HashMap::new();
    let mut busy: HashSet<(&str, u32)> = HashSet::new();
    let mut table_use: HashSet<(u32, u32)> = HashSet::new();
    let mut per_slot: HashMap<u32, usize> = HashMap::new();
    let mut count: HashMap<&str, usize> = HashMap::new();
    let mut slots_of: HashMap<&str, Vec<u32>> = HashMap::new();
    let mut value = 0.0;
    for m in &response.meetings {
        let what = format!(
            "meeting {}–{} at slot {} table {}",
            m.a, m.b, m.slot, m.table
        );
        let (Some(pa), Some(pb)) = (people.get(m.a.as_str()), people.get(m.b.as_str())) else {
            v.push(format!("{what}: unknown participant"));
            continue;
        };
        let Some(req) = candidates.get(&key(&m.a, &m.b)) else {
            v.push(format!("{what}: not a requested meeting"));
            continue;
        };
        placed
            .entry(key(&m.a, &m.b))
            .or_default()
            .push((m.slot, m.table));
        value += value_of(req);
        if m.slot >= total {
            v.push(format!("{what}: slot out of range 0..{total}"));
            continue;
        }
        if m.table >= request.tables {
            v.push(format!("{what}: table out of range 0..{}", request.tables));
        }
        if let Some(s) = &req.session {
            let actual = &request.sessions[session_of_slot[m.slot as usize]].name;
            if actual != s {
                v.push(format!(
                    "{what}: must be in session '{s}', is in '{actual}'"
                ));
            }
        }
        for p in [pa, pb] {
            if p.unavailable_slots.contains(&m.slot) {
                v.push(format!("{what}: {} is unavailable then", p.id));
            }
            if !busy.insert((p.id.as_str(), m.slot)) {
                v.push(format!(
                    "{what}: {} has two meetings in slot {}",
                    p.id, m.slot
                ));
            }
            *count.entry(p.id.as_str()).or_default() += 1;
            slots_of.entry(p.id.as_str()).or_default().push(m.slot);
        }
        if !table_use.insert((m.slot, m.table)) {
            v.push(format!("{what}: table already used in that slot"));
        }
        *per_slot.entry(m.slot).or_default() += 1;
        let hosts: Vec<u32> = [pa, pb]
            .iter()
            .filter_map(|p| host_tables.get(p.id.as_str()).copied())
            .collect();
        if !hosts.is_empty() && !hosts.contains(&m.table) {
            v.push(format!(
                "{what}: a host's meeting must be at the host's table"
            ));
        }
        if let Some(holder) = table_holder.get(&m.table) {
            if *holder != pa.id && *holder != pb.id {
                v.push(format!("{what}: table is kept by host {holder}"));
            }
        }
    }
    // A pair meets at most `count` times; consecutive meetings all at once, back to back in
    // one session at one table.
    for (k, list) in &placed {
        let req = candidates[k];
        let wanted = req.count.unwrap_or(1) as usize;
        if list.len() > wanted {
            v.push(format!(
                "pair {}–{} meets {} times, more than its count {wanted}",
                k.0,
                k.1,
                list.len()
            ));
        }
        if req.consecutive && wanted > 1 {
            let mut sorted = list.clone();
            sorted.sort_unstable();
            let together = sorted.len() == wanted
                && sorted.windows(2).all(|w| {
                    w[1].0 == w[0].0 + 1
                        && w[1].1 == w[0].1
                        && session_of_slot.get(w[0].0 as usize)
                            == session_of_slot.get(w[1].0 as usize)
                });
            if !together {
                v.push(format!(
                    "pair {}–{}: its {wanted} consecutive meetings are not back to back at one \
                     table in one session: {sorted:?}",
                    k.0, k.1
                ));
            }
        }
    }
    for (s, k) in &per_slot {
        if *k > request.tables as usize {
            v.push(format!(
                "slot {s}: {k} meetings but {} tables",
                request.tables
            ));
        }
    }
    for p in &request.participants {
        let k = count.get(p.id.as_str()).copied().unwrap_or(0);
        if let Some(c) = p.max_meetings {
            if k > c as usize {
                v.push(format!("{} has {k} meetings, above max_meetings {c}", p.id));
            }
        }
    }

    // Idle slots: per participant and session, available free slots between first and last;
    // span: all free slots between them.
    let mut idle = 0u64;
    let mut span = 0u64;
    for p in &request.participants {
        let Some(slots) = slots_of.get(p.id.as_str()) else {
            continue;
        };
        for si in 0..request.sessions.len() {
            let mine: Vec<u32> = slots
                .iter()
                .copied()
                .filter(|&s| session_of_slot[s as usize] == si)
                .collect();
            let (Some(&lo), Some(&hi)) = (mine.iter().min(), mine.iter().max()) else {
                continue;
            };
            for s in lo..=hi {
                if !mine.contains(&s) {
                    span += 1;
                    if !p.unavailable_slots.contains(&s) {
                        idle += 1;
                    }
                }
            }
        }
    }

    let st = &response.stats;
    if st.objective != request.objective {
        v.push("stats.objective differs from the request".into());
    }
    if st.scheduled != response.meetings.len() {
        v.push(format!(
            "stats.scheduled {} but {} meetings listed",
            st.scheduled,
            response.meetings.len()
        ));
    }
    if st.idle_slots != idle {
        v.push(format!(
            "stats.idle_slots {} but recomputed {idle}",
            st.idle_slots
        ));
    }
    if st.span_slots != span {
        v.push(format!(
            "stats.span_slots {} but recomputed {span}",
            st.span_slots
        ));
    }
    if (st.value - value).abs() > 1e-6 * (1.0 + value.abs()) {
        v.push(format!("stats.value {} but recomputed {value}", st.value));
    }
    let with = request
        .participants
        .iter()
        .filter(|p| count.contains_key(p.id.as_str()))
        .count();
    if st.participants_with_meetings != with
        || st.participants_without_meeting != request.participants.len() - with
    {
        v.push(format!(
            "stats count {} participants with meetings, recomputed {with}",
            st.participants_with_meetings
        ));
    }
    let measure = if request.span_first { span } else { idle } as f64;
    match request.objective {
        Objective::MaxValue => {
            if value > st.bound + 1e-6 * (1.0 + value.abs()) {
                v.push(format!(
                    "value {value} exceeds the claimed bound {}",
                    st.bound
                ));
            }
            let gap = if st.bound > 0.0 && value < st.bound {
                (st.bound - value) / st.bound
            } else {
                0.0
            };
            if (st.gap - gap).abs() > 1e-6 {
                v.push(format!("stats.gap {} but recomputed {gap}", st.gap));
            }
        }
        Objective::MinIdle => {
            let what = if request.span_first { "span" } else { "idle" };
            if measure < st.bound - 1e-9 {
                v.push(format!(
                    "{what} {measure} below the claimed bound {}",
                    st.bound
                ));
            }
            let gap = if measure > st.bound {
                (measure - st.bound) / measure
            } else {
                0.0
            };
            if (st.gap - gap).abs() > 1e-6 {
                v.push(format!("stats.gap {} but recomputed {gap}", st.gap));
            }
            let wanted: usize = request
                .meetings
                .iter()
                .map(|m| m.count.unwrap_or(1) as usize)
                .sum();
            if response.meetings.len() != wanted {
                v.push(format!(
                    "min_idle must place all {wanted} meetings, placed {}",
                    response.meetings.len()
                ));
            }
        }
    }
    if response.status == Status::Optimal && st.gap > 1e-9 {
        v.push(format!("status optimal but the gap is {}", st.gap));
    }
    // Every requested meeting is either scheduled or explained.
    let mut explained: HashMap<(String, String), usize> = HashMap::new();
    for u in &response.unscheduled {
        let k = key(&u.a, &u.b);
        if !candidates.contains_key(&k) {
            v.push(format!(
                "unscheduled {}–{}: not a requested meeting",
                u.a, u.b
            ));
        }
        if u.reason.is_empty() {
            v.push(format!("unscheduled {}–{}: no reason", u.a, u.b));
        }
        *explained.entry(k).or_default() += u.count.unwrap_or(1) as usize;
    }
    for (k, req) in &candidates {
        let wanted = req.count.unwrap_or(1) as usize;
        let here = placed.get(k).map_or(0, Vec::len);
        let told = explained.get(k).copied().unwrap_or(0);
        if here + told != wanted {
            v.push(format!(
                "meeting {}–{}: {here} scheduled and {told} explained, of {wanted}",
                k.0, k.1
            ));
        }
    }
    v
}
