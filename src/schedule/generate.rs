//! Seeded instance generator for tests, benches and the scale example.
//!
//! - [`planted_min_idle`]: a confirmed meeting list built from a hidden timetable in which
//!   every participant's meetings in a session are back to back, so a 0-idle plan exists.
//! - [`candidates`]: a candidate list for `max_value` shaped like a forum: mostly NTB–Jatim
//!   pairs, a mix of mutual, requested and recommended meetings, caps and unavailability.

use super::types::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// Shape of a generated forum.
#[derive(Debug, Clone)]
pub struct ForumSpec {
    pub participants: usize,
    /// Slots per session, in order.
    pub sessions: Vec<u32>,
    pub tables: u32,
    /// Unavailable slots per participant.
    pub unavailable: usize,
    /// `planted_min_idle`: longest back-to-back block a participant gets in a session.
    pub max_block: u32,
    /// `candidates`: number of candidate meetings.
    pub meetings: usize,
    /// `candidates`: per-participant caps drawn from this range.
    pub max_meetings: (u32, u32),
    /// Share of meetings restricted to one session.
    pub session_share: f64,
}

impl ForumSpec {
    /// A real forum: 60 firms, a morning of 12 and an afternoon of 8 slots, 20 tables.
    pub fn forum() -> Self {
        ForumSpec {
            participants: 60,
            sessions: vec![12, 8],
            tables: 20,
            unavailable: 2,
            max_block: 6,
            meetings: 300,
            max_meetings: (6, 10),
            session_share: 0.2,
        }
    }

    /// A large forum: 2 000 firms, 3 days × 2 sessions × 8 slots, 400 tables, 20 000
    /// candidate meetings.
    pub fn large() -> Self {
        ForumSpec {
            participants: 2_000,
            sessions: vec![8; 6],
            tables: 400,
            unavailable: 3,
            max_block: 6,
            meetings: 20_000,
            max_meetings: (6, 14),
            session_share: 0.1,
        }
    }
}

fn sessions(spec: &ForumSpec) -> Vec<Session> {
    spec.sessions
        .iter()
        .enumerate()
        .map(|(i, &slots)| Session {
            name: format!("s{i}"),
            slots,
        })
        .collect()
}

fn pid(i: usize) -> String {
    format!("p{i}")
}

/// A `min_idle` request that has a 0-idle timetable (the planted one).
pub fn planted_min_idle(seed: u64, spec: &ForumSpec) -> ScheduleRequest {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = spec.participants;
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    let mut plan: Vec<(usize, usize, u32, usize)> = Vec::new();
    let mut lo = 0u32;
    for (si, &len) in spec.sessions.iter().enumerate() {
        let want: Vec<u32> = (0..n)
            .map(|_| rng.gen_range(0..=spec.max_block.min(len)))
            .collect();
        let start: Vec<u32> = (0..n).map(|_| lo + rng.gen_range(0..len)).collect();
        let mut left = want.clone();
        let mut running = vec![false; n];
        let mut done: Vec<bool> = want.iter().map(|&w| w == 0).collect();
        for t in lo..lo + len {
            let mut run: Vec<usize> = (0..n).filter(|&p| running[p]).collect();
            let mut ready: Vec<usize> = (0..n)
                .filter(|&p| !running[p] && !done[p] && start[p] <= t)
                .collect();
            run.shuffle(&mut rng);
            ready.shuffle(&mut rng);
            let mut matched = vec![false; n];
            let mut pairs = 0u32;
            let order: Vec<usize> = run.iter().chain(ready.iter()).copied().collect();
            for (i, &p) in order.iter().enumerate() {
                if matched[p] || pairs >= spec.tables {
                    continue;
                }
                let partner = order[i + 1..]
                    .iter()
                    .copied()
                    .find(|&q| !matched[q] && !used.contains(&(p.min(q), p.max(q))));
                if let Some(q) = partner {
                    matched[p] = true;
                    matched[q] = true;
                    pairs += 1;
                    used.insert((p.min(q), p.max(q)));
                    plan.push((p, q, t, si));
                }
            }
            for p in order {
                if matched[p] {
                    running[p] = true;
                    left[p] -= 1;
                    if left[p] == 0 {
                        running[p] = false;
                        done[p] = true;
                    }
                } else if running[p] {
                    // A gap would follow: this participant's block ends here.
                    running[p] = false;
                    done[p] = true;
                }
            }
        }
        lo += len;
    }
    let total = lo;
    let mut busy: Vec<HashSet<u32>> = vec![HashSet::new(); n];
    for &(a, b, t, _) in &plan {
        busy[a].insert(t);
        busy[b].insert(t);
    }
    let participants = (0..n)
        .map(|p| {
            let mut free: Vec<u32> = (0..total).filter(|s| !busy[p].contains(s)).collect();
            free.shuffle(&mut rng);
            free.truncate(spec.unavailable);
            free.sort_unstable();
            Participant {
                id: pid(p),
                unavailable_slots: free,
                max_meetings: None,
                host: false,
                table: None,
            }
        })
        .collect();
    let ss = sessions(spec);
    plan.shuffle(&mut rng);
    let meetings = plan
        .iter()
        .map(|&(a, b, _, si)| MeetingRequest {
            a: pid(a),
            b: pid(b),
            session: rng
                .gen_bool(spec.session_share)
                .then(|| ss[si].name.clone()),
            value: None,
            kind: None,
            count: None,
            consecutive: false,
        })
        .collect();
    ScheduleRequest {
        sessions: ss,
        tables: spec.tables,
        participants,
        meetings,
        objective: Objective::MinIdle,
        time_limit_ms: Some(1_000),
        seed: Some(seed),
        span_first: false,
    }
}

/// A `max_value` request: candidate meetings with values mutual 3, requested 2,
/// recommended 1 × a match score.
pub fn candidates(seed: u64, spec: &ForumSpec) -> ScheduleRequest {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = spec.participants;
    let total: u32 = spec.sessions.iter().sum();
    let ss = sessions(spec);
    let participants: Vec<Participant> = (0..n)
        .map(|p| {
            let mut slots: Vec<u32> = (0..total).collect();
            slots.shuffle(&mut rng);
            slots.truncate(spec.unavailable.min(total as usize));
            slots.sort_unstable();
            Participant {
                id: pid(p),
                unavailable_slots: slots,
                max_meetings: Some(rng.gen_range(spec.max_meetings.0..=spec.max_meetings.1)),
                host: false,
                table: None,
            }
        })
        .collect();
    // Even ids are NTB firms, odd ids Jatim firms; most pairs cross the provinces.
    let wanted = spec.meetings.min(n * (n - 1) / 2);
    let mut seen = HashSet::new();
    let mut meetings = Vec::with_capacity(wanted);
    while meetings.len() < wanted {
        let a = rng.gen_range(0..n);
        let mut b = rng.gen_range(0..n);
        if rng.gen_bool(0.85) && (a % 2 == b % 2) {
            b = (b + 1) % n;
        }
        if a == b || !seen.insert((a.min(b), a.max(b))) {
            continue;
        }
        let roll: f64 = rng.gen();
        let (kind, value) = if roll < 0.15 {
            (MeetingKind::Mutual, 3.0)
        } else if roll < 0.5 {
            (MeetingKind::Requested, 2.0)
        } else {
            let score: f64 = rng.gen_range(0.3..1.0);
            (MeetingKind::Recommended, (score * 100.0).round() / 100.0)
        };
        meetings.push(MeetingRequest {
            a: pid(a),
            b: pid(b),
            session: rng
                .gen_bool(spec.session_share)
                .then(|| ss[rng.gen_range(0..ss.len())].name.clone()),
            value: Some(value),
            kind: Some(kind),
            count: None,
            consecutive: false,
        });
    }
    ScheduleRequest {
        sessions: ss,
        tables: spec.tables,
        participants,
        meetings,
        objective: Objective::MaxValue,
        time_limit_ms: Some(10_000),
        seed: Some(seed),
        span_first: false,
    }
}

/// The 2 000-participant forum of the bound benchmark: 3 sessions × 16 slots, 400 tables,
/// 20 000 candidate meetings worth 0.1–1, caps 4, 6 and 8 for most firms and 48 for one in
/// twenty (large buyers, who also draw more candidates), 0–4 unavailable slots each.
pub fn big_forum(seed: u64) -> ScheduleRequest {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = 2_000;
    let slots_per_session = 16u32;
    let ss: Vec<Session> = (0..3)
        .map(|i| Session {
            name: format!("s{i}"),
            slots: slots_per_session,
        })
        .collect();
    let total = 3 * slots_per_session;
    let mut weight = Vec::with_capacity(n);
    let participants: Vec<Participant> = (0..n)
        .map(|p| {
            let big = rng.gen_bool(0.05);
            let cap = if big {
                48
            } else {
                [4, 6, 8][rng.gen_range(0..3)]
            };
            weight.push(if big { 8u32 } else { 1 });
            let mut slots: Vec<u32> = (0..total).collect();
            slots.shuffle(&mut rng);
            slots.truncate(rng.gen_range(0..=4));
            slots.sort_unstable();
            Participant {
                id: pid(p),
                unavailable_slots: slots,
                max_meetings: Some(cap),
                host: false,
                table: None,
            }
        })
        .collect();
    // Endpoints drawn by weight: a large buyer is asked for more often.
    let mut urn: Vec<usize> = Vec::new();
    for (p, &w) in weight.iter().enumerate() {
        urn.extend(std::iter::repeat_n(p, w as usize));
    }
    let wanted = 20_000;
    let mut seen = HashSet::new();
    let mut meetings = Vec::with_capacity(wanted);
    while meetings.len() < wanted {
        let a = urn[rng.gen_range(0..urn.len())];
        let b = urn[rng.gen_range(0..urn.len())];
        if a == b || !seen.insert((a.min(b), a.max(b))) {
            continue;
        }
        let value: f64 = rng.gen_range(0.1..=1.0);
        meetings.push(MeetingRequest {
            a: pid(a),
            b: pid(b),
            session: None,
            value: Some((value * 1000.0).round() / 1000.0),
            kind: None,
            count: None,
            consecutive: false,
        });
    }
    ScheduleRequest {
        sessions: ss,
        tables: 400,
        participants,
        meetings,
        objective: Objective::MaxValue,
        time_limit_ms: Some(2_000),
        seed: Some(seed),
        span_first: false,
    }
}

/// A confirmed meeting list shaped like the published B2B forum benchmarks (Bofill et al.,
/// JAIR 2022): 50–80 participants, a morning and an afternoon session, 150–300 meetings, some
/// participants present for one session only (their meetings restricted to it), some with
/// unavailable slots. Feasible by construction (a hidden plan with gaps), 0 idle not promised.
pub fn b2b(seed: u64) -> ScheduleRequest {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.gen_range(50..=80usize);
    let morning = rng.gen_range(10..=14u32);
    let afternoon = rng.gen_range(8..=12u32);
    let total = morning + afternoon;
    let ss = vec![
        Session {
            name: "morning".into(),
            slots: morning,
        },
        Session {
            name: "afternoon".into(),
            slots: afternoon,
        },
    ];
    let tables = (n as u32 / 3).max(8);
    // 0: both sessions, 1: morning only, 2: afternoon only.
    let presence: Vec<u8> = (0..n)
        .map(|_| {
            let r: f64 = rng.gen();
            if r < 0.25 {
                1
            } else if r < 0.45 {
                2
            } else {
                0
            }
        })
        .collect();
    let window = |p: usize| -> Vec<u32> {
        match presence[p] {
            1 => (0..morning).collect(),
            2 => (morning..total).collect(),
            _ => (0..total).collect(),
        }
    };
    let unavailable: Vec<Vec<u32>> = (0..n)
        .map(|p| {
            if rng.gen_bool(0.4) {
                let mut w = window(p);
                w.shuffle(&mut rng);
                w.truncate(rng.gen_range(1..=3));
                w.sort_unstable();
                w
            } else {
                Vec::new()
            }
        })
        .collect();
    // Popular participants are asked more often.
    let weight: Vec<usize> = (0..n).map(|_| rng.gen_range(1..=4)).collect();
    let mut urn = Vec::new();
    for (p, &w) in weight.iter().enumerate() {
        urn.extend(std::iter::repeat_n(p, w));
    }
    let wanted = rng.gen_range(150..=300usize);
    let mut busy = vec![vec![false; total as usize]; n];
    let mut load = vec![0u32; total as usize];
    let mut seen = HashSet::new();
    let mut meetings = Vec::with_capacity(wanted);
    let mut attempts = 0;
    while meetings.len() < wanted && attempts < 200 * wanted {
        attempts += 1;
        let a = urn[rng.gen_range(0..urn.len())];
        let b = urn[rng.gen_range(0..urn.len())];
        if a == b || seen.contains(&(a.min(b), a.max(b))) {
            continue;
        }
        let (pa, pb) = (presence[a], presence[b]);
        if pa != 0 && pb != 0 && pa != pb {
            continue;
        }
        let session = match pa.max(pb) {
            1 => Some(0usize),
            2 => Some(1),
            _ => rng.gen_bool(0.1).then(|| rng.gen_range(0..2)),
        };
        let (lo, hi) = match session {
            Some(0) => (0, morning),
            Some(_) => (morning, total),
            None => (0, total),
        };
        let open: Vec<u32> = (lo..hi)
            .filter(|&s| {
                let su = s as usize;
                !busy[a][su]
                    && !busy[b][su]
                    && load[su] < tables
                    && !unavailable[a].contains(&s)
                    && !unavailable[b].contains(&s)
            })
            .collect();
        let Some(&s) = open.get(rng.gen_range(0..open.len().max(1))) else {
            continue;
        };
        let su = s as usize;
        busy[a][su] = true;
        busy[b][su] = true;
        load[su] += 1;
        seen.insert((a.min(b), a.max(b)));
        meetings.push(MeetingRequest {
            a: pid(a),
            b: pid(b),
            session: session.map(|i| ss[i].name.clone()),
            value: None,
            kind: None,
            count: None,
            consecutive: false,
        });
    }
    let participants = (0..n)
        .map(|p| Participant {
            id: pid(p),
            unavailable_slots: unavailable[p].clone(),
            max_meetings: None,
            host: false,
            table: None,
        })
        .collect();
    ScheduleRequest {
        sessions: ss,
        tables,
        participants,
        meetings,
        objective: Objective::MinIdle,
        time_limit_ms: Some(1_000),
        seed: Some(seed),
        span_first: false,
    }
}
