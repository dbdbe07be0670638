//! Solver tests: every produced plan goes through the independent checker; small instances
//! are compared against exhaustive search.

use super::generate::{self, ForumSpec};
use super::*;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn person(id: &str) -> Participant {
    Participant {
        id: id.into(),
        unavailable_slots: vec![],
        max_meetings: None,
        host: false,
        table: None,
    }
}

fn meet(a: &str, b: &str) -> MeetingRequest {
    MeetingRequest {
        a: a.into(),
        b: b.into(),
        session: None,
        value: None,
        kind: None,
        count: None,
        consecutive: false,
    }
}

fn request(slots: &[u32], tables: u32, n: usize, pairs: &[(usize, usize)]) -> ScheduleRequest {
    ScheduleRequest {
        sessions: slots
            .iter()
            .enumerate()
            .map(|(i, &s)| Session {
                name: format!("s{i}"),
                slots: s,
            })
            .collect(),
        tables,
        participants: (0..n).map(|i| person(&format!("p{i}"))).collect(),
        meetings: pairs
            .iter()
            .map(|&(a, b)| meet(&format!("p{a}"), &format!("p{b}")))
            .collect(),
        objective: Objective::MinIdle,
        time_limit_ms: Some(60_000),
        seed: Some(1),
        span_first: false,
    }
}

fn solve_checked(req: &ScheduleRequest) -> ScheduleResponse {
    let res = solve(req).expect("valid request");
    let v = check(req, &res);
    assert!(v.is_empty(), "checker found violations: {v:#?}");
    res
}

fn fields(req: &ScheduleRequest) -> Vec<(String, String)> {
    validate(req)
        .unwrap_err()
        .into_iter()
        .map(|e| {
            assert_ne!(e.code, "invalid", "{e:?}");
            (e.field, e.message)
        })
        .collect()
}

fn codes(req: &ScheduleRequest) -> Vec<(String, String)> {
    validate(req)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

#[test]
fn validation_names_each_field() {
    let mut req = request(&[13, 8], 14, 3, &[(0, 1), (1, 2)]);
    req.participants[0].unavailable_slots = vec![16, 40];
    req.participants.push(person("p1"));
    req.meetings.push(meet("p0", "p9"));
    req.meetings.push(meet("p2", "p2"));
    req.meetings.push(meet("p1", "p0"));
    req.meetings.push(MeetingRequest {
        count: Some(0),
        ..meet("p0", "p2")
    });
    req.meetings.push(MeetingRequest {
        count: Some(17),
        ..meet("p1", "p2")
    });
    req.time_limit_ms = Some(0);
    let errs = fields(&req);
    let has = |f: &str, m: &str| errs.iter().any(|(ef, em)| ef == f && em.contains(m));
    assert!(
        has(
            "participants[0].unavailable_slots[1]",
            "slot 40 is out of range 0..21"
        ),
        "{errs:?}"
    );
    assert!(
        has("participants[3].id", "duplicate participant 'p1'"),
        "{errs:?}"
    );
    assert!(has("meetings[2].b", "unknown participant 'p9'"), "{errs:?}");
    assert!(has("meetings[3].b", "cannot meet itself"), "{errs:?}");
    assert!(has("meetings[4]", "duplicate pair"), "{errs:?}");
    assert!(has("meetings[4]", "with count"), "{errs:?}");
    assert!(
        has("meetings[5].count", "0 is out of range 1..=16"),
        "{errs:?}"
    );
    assert!(has("meetings[6].count", "17 is out of range"), "{errs:?}");
    assert!(has("time_limit_ms", "out of range"), "{errs:?}");
    assert_eq!(errs.len(), 9, "{errs:?}");
    let coded = codes(&req);
    for (field, code) in [
        ("participants[0].unavailable_slots[1]", "out_of_range"),
        ("participants[3].id", "duplicate"),
        ("meetings[2].b", "unknown_participant"),
        ("meetings[3].b", "self_meeting"),
        ("meetings[4]", "duplicate"),
        ("meetings[5].count", "out_of_range"),
        ("time_limit_ms", "out_of_range"),
    ] {
        assert!(
            coded.iter().any(|(f, c)| f == field && c == code),
            "{field}: {code} in {coded:?}"
        );
    }

    let mut req = request(&[], 0, 2, &[]);
    req.meetings.push(MeetingRequest {
        session: Some("evening".into()),
        value: Some(f64::NAN),
        ..meet("p0", "p1")
    });
    let errs = fields(&req);
    let has = |f: &str| errs.iter().any(|(ef, _)| ef == f);
    assert!(has("sessions") && has("tables"), "{errs:?}");
    assert!(
        has("meetings[0].session") && has("meetings[0].value"),
        "{errs:?}"
    );

    let mut req = request(&[2, 0], 1, 2, &[]);
    req.participants[0].table = Some(0);
    let errs = fields(&req);
    assert!(errs.iter().any(|(f, _)| f == "sessions[1].slots"));
    assert!(errs.iter().any(|(f, _)| f == "participants[0].table"));
}

#[test]
fn request_json_contract_parses() {
    let json = r#"{"sessions": [{"name": "morning", "slots": 13}, {"name": "afternoon", "slots": 8}],
        "tables": 14, "participants": [{"id": "p1", "unavailable_slots": [16], "max_meetings": 8},
        {"id": "p2"}], "meetings": [{"a": "p1", "b": "p2", "session": "morning", "value": 1.0}],
        "objective": "min_idle", "time_limit_ms": 1000}"#;
    let req: ScheduleRequest = serde_json::from_str(json).unwrap();
    let res = solve_checked(&req);
    assert_eq!(res.status, Status::Optimal);
    let out = serde_json::to_value(&res).unwrap();
    assert_eq!(out["status"], "optimal");
    assert_eq!(
        out["meetings"][0]["slot"].as_u64().map(|s| s < 13),
        Some(true)
    );
    assert!(out["stats"]["idle_slots"].is_u64() && out["stats"]["bound"].is_number());
}

#[test]
fn known_zero_idle_instance_is_solved_with_zero_idle() {
    // A round robin of 6 firms (5 rounds of 3 meetings) on 5 slots and 3 tables has a
    // 0-idle plan and no slack at all: every slot full, every firm busy every slot.
    let mut pairs = Vec::new();
    for a in 0..6 {
        for b in a + 1..6 {
            pairs.push((a, b));
        }
    }
    let req = request(&[5], 3, 6, &pairs);
    let res = solve_checked(&req);
    assert_eq!(res.status, Status::Optimal);
    assert_eq!(res.stats.idle_slots, 0);
    assert_eq!(res.meetings.len(), 15);
}

#[test]
fn planted_forum_instances_reach_zero_idle() {
    for seed in 0..3 {
        let mut req = generate::planted_min_idle(seed, &ForumSpec::forum());
        // The iteration budget, not the clock, ends the search (debug builds are slow).
        req.time_limit_ms = Some(60_000);
        assert!(req.meetings.len() >= 100, "{}", req.meetings.len());
        let res = solve_checked(&req);
        assert_ne!(
            res.status,
            Status::Infeasible,
            "seed {seed}: {:?}",
            res.reasons
        );
        assert_eq!(res.stats.idle_slots, 0, "seed {seed}");
        assert_eq!(res.status, Status::Optimal);
    }
}

#[test]
fn infeasible_lists_give_reasons_and_no_meetings() {
    // p0 must meet 4 partners in a 3-slot forum.
    let req = request(&[3], 5, 5, &[(0, 1), (0, 2), (0, 3), (0, 4)]);
    let res = solve_checked(&req);
    assert_eq!(res.status, Status::Infeasible);
    assert!(res.meetings.is_empty());
    assert!(res.stats.infeasibility_proven);
    assert!(
        res.reasons.iter().any(|r| r.contains("p0 has 4 meetings")),
        "{:?}",
        res.reasons
    );

    // Table capacity: 4 disjoint meetings, 1 table × 3 slots.
    let req = request(&[3], 1, 8, &[(0, 1), (2, 3), (4, 5), (6, 7)]);
    let res = solve_checked(&req);
    assert_eq!(res.status, Status::Infeasible);
    assert!(
        res.reasons
            .iter()
            .any(|r| r.contains("slot capacity: 4 meetings but only 1 tables × 3 slots = 3")),
        "{:?}",
        res.reasons
    );

    // Odd cycle: a triangle needs 3 slots; with 2 it is an edge-colouring failure that no
    // counting rule sees, so the search reports it unproven.
    let req = request(&[2], 3, 3, &[(0, 1), (1, 2), (0, 2)]);
    let res = solve_checked(&req);
    assert_eq!(res.status, Status::Infeasible);
    assert!(res.meetings.is_empty());
    assert!(!res.reasons.is_empty());

    // Session restriction against unavailability.
    let mut req = request(&[2, 2], 3, 2, &[(0, 1)]);
    req.meetings[0].session = Some("s0".into());
    req.participants[0].unavailable_slots = vec![0, 1];
    let res = solve_checked(&req);
    assert_eq!(res.status, Status::Infeasible);
    assert!(
        res.reasons[0].contains("in session 's0'"),
        "{:?}",
        res.reasons
    );
}

#[test]
fn max_value_forum_is_valid_and_fair() {
    for seed in 0..3 {
        let mut spec = ForumSpec::forum();
        spec.meetings = 250;
        let mut req = generate::candidates(seed, &spec);
        req.time_limit_ms = Some(60_000);
        let res = solve_checked(&req);
        assert_ne!(res.status, Status::Infeasible);
        assert!(res.stats.value <= res.stats.bound + 1e-9);
        assert!(res.stats.value >= 0.8 * res.stats.bound, "{:?}", res.stats);
        // Everyone with a candidate gets a meeting in these roomy forums.
        let with_candidates: std::collections::HashSet<&str> = req
            .meetings
            .iter()
            .flat_map(|m| [m.a.as_str(), m.b.as_str()])
            .collect();
        assert_eq!(res.stats.participants_with_meetings, with_candidates.len());
    }
}

#[test]
fn hosts_keep_their_table() {
    let mut req = request(&[4, 4], 3, 8, &[]);
    req.objective = Objective::MaxValue;
    req.participants[0].host = true;
    req.participants[1].host = true;
    req.participants[1].table = Some(2);
    for a in 0..8 {
        for b in a + 1..8 {
            req.meetings.push(meet(&format!("p{a}"), &format!("p{b}")));
        }
    }
    let res = solve_checked(&req);
    let table_of = |p: &str| -> Vec<u32> {
        res.meetings
            .iter()
            .filter(|m| m.a == p || m.b == p)
            .map(|m| m.table)
            .collect()
    };
    assert!(table_of("p0").len() > 1);
    assert!(table_of("p0").iter().all(|&t| t == 0 || t == 2));
    assert!(table_of("p1").iter().all(|&t| t == 2 || t == 0));
}

#[test]
fn same_seed_same_plan() {
    let mut req = generate::planted_min_idle(7, &ForumSpec::forum());
    req.time_limit_ms = Some(60_000);
    let a = solve(&req).unwrap();
    let b = solve(&req).unwrap();
    assert!(!a.stats.time_limit_hit);
    assert_eq!(a.meetings, b.meetings);
    let mut req = generate::candidates(7, &ForumSpec::forum());
    req.time_limit_ms = Some(60_000);
    let a = solve(&req).unwrap();
    let b = solve(&req).unwrap();
    assert_eq!(a.meetings, b.meetings);
}

#[test]
fn forced_idle_is_proven_optimal() {
    // p0 meets p1, who can come only at slot 0, and p2, who can come only at slot 3: whatever
    // the plan, p0 idles two slots. The bound says so, and the plan is optimal above 0.
    let mut req = request(&[4], 2, 3, &[(0, 1), (0, 2)]);
    req.participants[1].unavailable_slots = vec![1, 2, 3];
    req.participants[2].unavailable_slots = vec![0, 1, 2];
    let res = solve_checked(&req);
    assert_eq!(res.stats.idle_slots, 2);
    assert_eq!(res.stats.bound, 2.0);
    assert_eq!(res.stats.gap, 0.0);
    assert_eq!(res.status, Status::Optimal);
}

#[test]
fn span_first_trades_idle_for_a_shorter_day() {
    // p0, away in slots 1–3, meets p2, who comes only at slot 4, and p1, who comes at 0 or 6.
    // Idle first: p1 at 0, no idle (the gap is p0's own absence) but three slots waiting on
    // site; span first: p1 at 6, one idle slot and one slot of waiting.
    let mut req = request(&[7], 2, 3, &[(0, 1), (0, 2)]);
    req.participants[0].unavailable_slots = vec![1, 2, 3];
    req.participants[1].unavailable_slots = vec![1, 2, 3, 4, 5];
    req.participants[2].unavailable_slots = vec![0, 1, 2, 3, 5, 6];
    let res = solve_checked(&req);
    assert_eq!((res.stats.idle_slots, res.stats.span_slots), (0, 3));
    assert_eq!(res.status, Status::Optimal);
    req.span_first = true;
    let res = solve_checked(&req);
    assert_eq!((res.stats.span_slots, res.stats.idle_slots), (1, 1));
    assert_eq!(res.stats.bound, 1.0);
    assert_eq!(res.status, Status::Optimal);
}

#[test]
fn compact_days_after_the_value() {
    // One firm meets four others in a session of 8 slots with room for everyone: the plan's
    // value is the most there is, and the four meetings are back to back.
    let mut req = request(&[8], 4, 5, &[(0, 1), (0, 2), (0, 3), (0, 4)]);
    req.objective = Objective::MaxValue;
    let res = solve_checked(&req);
    assert_eq!(res.status, Status::Optimal);
    assert_eq!((res.stats.idle_slots, res.stats.span_slots), (0, 0));
}

#[test]
fn the_gap_says_how_far_from_best_the_value_can_be() {
    // Three firms who all want to meet, once each at most: one meeting happens (value 1)
    // while the LP bound is 1.5, so the plan is at most a third below the best.
    let mut req = request(&[3], 3, 3, &[(0, 1), (1, 2), (0, 2)]);
    req.objective = Objective::MaxValue;
    for p in &mut req.participants {
        p.max_meetings = Some(1);
    }
    let res = solve_checked(&req);
    assert_eq!(res.stats.value, 1.0);
    assert!((res.stats.bound - 1.5).abs() < 1e-9, "{:?}", res.stats);
    assert!((res.stats.gap - 1.0 / 3.0).abs() < 1e-9, "{:?}", res.stats);
    assert_eq!(res.status, Status::Feasible);
    // Without caps all three meet: the bound is reached.
    for p in &mut req.participants {
        p.max_meetings = None;
    }
    let res = solve_checked(&req);
    assert_eq!(res.stats.value, 3.0);
    assert_eq!(res.stats.gap, 0.0);
    assert_eq!(res.status, Status::Optimal);
}

#[test]
fn the_printed_grid_says_how_good_the_plan_is() {
    let mut req = request(&[3], 3, 3, &[(0, 1), (1, 2), (0, 2)]);
    req.objective = Objective::MaxValue;
    let res = solve_checked(&req);
    let mut stats = res.stats.clone();
    assert_eq!(
        forum::quality_id(res.status, &stats),
        "Jadwal optimal: tidak ada susunan yang lebih baik untuk tujuan ini."
    );
    stats.gap = 0.0128;
    assert_eq!(
        forum::quality_id(Status::Feasible, &stats),
        "Nilai jadwal paling banyak 1,3 % di bawah susunan terbaik."
    );
    stats.objective = Objective::MinIdle;
    stats.idle_slots = 5;
    stats.bound = 2.0;
    assert_eq!(
        forum::quality_id(Status::Feasible, &stats),
        "Paling banyak 3 slot kosong lebih banyak daripada susunan terbaik."
    );
}

#[test]
fn a_pair_meets_count_times_and_consecutive_meetings_stay_together() {
    // p0–p1: two delegates, two meetings; p2–p3: a talk of three slots.
    let mut req = request(&[4, 4], 2, 4, &[(0, 1), (2, 3), (0, 2)]);
    req.meetings[0].count = Some(2);
    req.meetings[1].count = Some(3);
    req.meetings[1].consecutive = true;
    let res = solve_checked(&req);
    assert_eq!(res.status, Status::Optimal, "{:?}", res.reasons);
    let of = |res: &ScheduleResponse, a: &str, b: &str| -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> = res
            .meetings
            .iter()
            .filter(|m| (m.a == a && m.b == b) || (m.a == b && m.b == a))
            .map(|m| (m.slot, m.table))
            .collect();
        v.sort_unstable();
        v
    };
    assert_eq!(of(&res, "p0", "p1").len(), 2);
    let talk = of(&res, "p2", "p3");
    assert_eq!(talk.len(), 3);
    assert!(talk
        .windows(2)
        .all(|w| w[1].0 == w[0].0 + 1 && w[1].1 == w[0].1));
    assert_eq!(res.stats.scheduled, 6);

    // max_value: each meeting is worth its value.
    req.objective = Objective::MaxValue;
    req.meetings[0].value = Some(2.0);
    let res = solve_checked(&req);
    assert_eq!(res.stats.value, 2.0 * 2.0 + 3.0 + 1.0);
    assert_eq!(res.status, Status::Optimal);

    // Consecutive meetings that fit in no session: refused with the reason, or (max_value)
    // left out as one entry that stands for all three.
    let mut req = request(&[2, 2], 2, 2, &[(0, 1)]);
    req.meetings[0].count = Some(3);
    req.meetings[0].consecutive = true;
    let res = solve_checked(&req);
    assert_eq!(res.status, Status::Infeasible);
    assert!(
        res.reasons[0].contains("no 3 consecutive slots"),
        "{:?}",
        res.reasons
    );
    req.objective = Objective::MaxValue;
    let res = solve_checked(&req);
    assert_eq!(res.unscheduled.len(), 1);
    assert_eq!(res.unscheduled[0].count, Some(3));
    assert!(res.unscheduled[0].reason.contains("no 3 consecutive slots"));
}

#[test]
fn repair_keeps_consecutive_meetings_together() {
    let mut req = request(&[6], 3, 6, &[(0, 1), (2, 3), (4, 5), (0, 2)]);
    req.meetings[0].count = Some(2);
    req.meetings[0].consecutive = true;
    let first = solve_checked(&req);
    assert_eq!(first.meetings.len(), 5);
    // p5 cancels: everything else stays where it was.
    let mut changed = req.clone();
    changed.meetings.retain(|m| m.b != "p5");
    let out = repair(&RepairRequest {
        request: changed.clone(),
        previous: first.meetings.clone(),
    })
    .unwrap();
    assert!(check(&changed, &out.plan).is_empty());
    for m in first.meetings.iter().filter(|m| m.b != "p5") {
        assert!(out.plan.meetings.contains(m), "{m:?} moved");
    }
    assert_eq!(out.kept.len(), 4);
    assert_eq!(out.dropped.len(), 1);
    assert!(out.moved.is_empty() && out.added.is_empty());
}

// ---- exhaustive search on tiny instances -------------------------------------------------

/// Best (participants with meetings, value) for max_value, or least (idle, span) and
/// (span, idle) for min_idle (None when the list cannot be placed), by trying every slot for
/// every meeting.
struct Brute<'a> {
    req: &'a ScheduleRequest,
    slots: u32,
    session_of: Vec<usize>,
    busy: Vec<Vec<bool>>,
    load: Vec<u32>,
    count: Vec<u32>,
    assign: Vec<Option<u32>>,
    best_fair: Option<(usize, f64)>,
    /// Least (idle, span).
    best_idle: Option<(u64, u64)>,
    /// Least (span, idle).
    best_span: Option<(u64, u64)>,
    ab: Vec<(usize, usize)>,
}

impl<'a> Brute<'a> {
    fn new(req: &'a ScheduleRequest) -> Self {
        let slots: u32 = req.sessions.iter().map(|s| s.slots).sum();
        let session_of = req
            .sessions
            .iter()
            .enumerate()
            .flat_map(|(i, s)| std::iter::repeat_n(i, s.slots as usize))
            .collect();
        let n = req.participants.len();
        Brute {
            req,
            slots,
            session_of,
            busy: vec![vec![false; slots as usize]; n],
            load: vec![0; slots as usize],
            count: vec![0; n],
            assign: vec![None; req.meetings.len()],
            best_fair: None,
            best_idle: None,
            best_span: None,
            ab: req
                .meetings
                .iter()
                .map(|m| {
                    let idx = |id: &str| req.participants.iter().position(|p| p.id == id).unwrap();
                    (idx(&m.a), idx(&m.b))
                })
                .collect(),
        }
    }

    fn leaf(&mut self, may_skip: bool) {
        let n = self.req.participants.len();
        if !may_skip {
            let mut idle = 0u64;
            let mut span = 0u64;
            for p in 0..n {
                let unavailable = &self.req.participants[p].unavailable_slots;
                for si in 0..self.req.sessions.len() {
                    let mut first = None;
                    let mut last = 0;
                    for s in 0..self.slots {
                        if self.session_of[s as usize] == si && self.busy[p][s as usize] {
                            first.get_or_insert(s);
                            last = s;
                        }
                    }
                    if let Some(lo) = first {
                        idle += (lo..=last)
                            .filter(|&s| !self.busy[p][s as usize] && !unavailable.contains(&s))
                            .count() as u64;
                        span += (lo..=last).filter(|&s| !self.busy[p][s as usize]).count() as u64;
                    }
                }
            }
            if self.best_idle.is_none_or(|b| (idle, span) < b) {
                self.best_idle = Some((idle, span));
            }
            if self.best_span.is_none_or(|b| (span, idle) < b) {
                self.best_span = Some((span, idle));
            }
            return;
        }
        let covered = (0..n).filter(|&p| self.count[p] > 0).count();
        let value: f64 = self
            .assign
            .iter()
            .zip(&self.req.meetings)
            .filter(|(s, _)| s.is_some())
            .map(|(_, m)| m.value.unwrap_or(1.0))
            .sum();
        let better = match self.best_fair {
            None => true,
            Some((c, v)) => covered > c || (covered == c && value > v + 1e-9),
        };
        if better {
            self.best_fair = Some((covered, value));
        }
    }

    fn go(&mut self, i: usize, may_skip: bool) {
        if i == self.req.meetings.len() {
            self.leaf(may_skip);
            return;
        }
        let m = &self.req.meetings[i];
        let (a, b) = self.ab[i];
        let cap = |p: usize| self.req.participants[p].max_meetings.unwrap_or(u32::MAX);
        if self.count[a] < cap(a) && self.count[b] < cap(b) {
            for s in 0..self.slots {
                let su = s as usize;
                let pa = &self.req.participants[a];
                let pb = &self.req.participants[b];
                let session_ok = m
                    .session
                    .as_ref()
                    .is_none_or(|n| self.req.sessions[self.session_of[su]].name == *n);
                if !session_ok
                    || self.busy[a][su]
                    || self.busy[b][su]
                    || self.load[su] >= self.req.tables
                    || pa.unavailable_slots.contains(&s)
                    || pb.unavailable_slots.contains(&s)
                {
                    continue;
                }
                self.busy[a][su] = true;
                self.busy[b][su] = true;
                self.load[su] += 1;
                self.count[a] += 1;
                self.count[b] += 1;
                self.assign[i] = Some(s);
                self.go(i + 1, may_skip);
                self.assign[i] = None;
                self.busy[a][su] = false;
                self.busy[b][su] = false;
                self.load[su] -= 1;
                self.count[a] -= 1;
                self.count[b] -= 1;
            }
        }
        if may_skip {
            self.go(i + 1, may_skip);
        }
    }
}

fn tiny(seed: u64, objective: Objective) -> ScheduleRequest {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.gen_range(4..=6);
    let slots = [rng.gen_range(1..=3), rng.gen_range(1..=3)];
    let total: u32 = slots.iter().sum();
    let mut pairs = Vec::new();
    let want = rng.gen_range(3..=6);
    while pairs.len() < want {
        let a = rng.gen_range(0..n);
        let b = rng.gen_range(0..n);
        if a < b && !pairs.contains(&(a, b)) {
            pairs.push((a, b));
        }
    }
    let mut req = request(&slots, rng.gen_range(1..=3), n, &pairs);
    req.objective = objective;
    req.seed = Some(seed);
    for p in &mut req.participants {
        if rng.gen_bool(0.4) {
            p.unavailable_slots = vec![rng.gen_range(0..total)];
        }
        if objective == Objective::MaxValue && rng.gen_bool(0.5) {
            p.max_meetings = Some(rng.gen_range(1..=3));
        }
    }
    for m in &mut req.meetings {
        if objective == Objective::MaxValue {
            m.value = Some(rng.gen_range(1..=6) as f64 / 2.0);
        }
        if rng.gen_bool(0.2) {
            m.session = Some(format!("s{}", rng.gen_range(0..2)));
        }
    }
    req
}

#[test]
fn max_value_matches_exhaustive_search() {
    for seed in 0..30 {
        let req = tiny(seed, Objective::MaxValue);
        let res = solve_checked(&req);
        let mut brute = Brute::new(&req);
        brute.go(0, true);
        let (covered, value) = brute.best_fair.unwrap();
        assert_eq!(
            (res.stats.participants_with_meetings, res.stats.value),
            (covered, value),
            "seed {seed}"
        );
        assert!(res.stats.bound >= value - 1e-9);
        // Then its meetings are as compact as they can be: idle first, then span.
        let mut chosen = req.clone();
        chosen.objective = Objective::MinIdle;
        chosen.meetings.retain(|m| {
            res.meetings
                .iter()
                .any(|x| (x.a == m.a && x.b == m.b) || (x.a == m.b && x.b == m.a))
        });
        let mut brute = Brute::new(&chosen);
        brute.go(0, false);
        assert_eq!(
            Some((res.stats.idle_slots, res.stats.span_slots)),
            brute.best_idle,
            "seed {seed}: compact days"
        );
    }
}

#[test]
fn min_idle_matches_exhaustive_search() {
    let mut feasible = 0;
    for seed in 0..30 {
        let req = tiny(seed, Objective::MinIdle);
        let res = solve_checked(&req);
        let mut brute = Brute::new(&req);
        brute.go(0, false);
        match brute.best_idle {
            None => assert_eq!(res.status, Status::Infeasible, "seed {seed}"),
            Some(best) => {
                feasible += 1;
                assert_ne!(
                    res.status,
                    Status::Infeasible,
                    "seed {seed}: {:?}",
                    res.reasons
                );
                // Idle first, then the span: both as low as they can be in that order.
                assert_eq!(
                    (res.stats.idle_slots, res.stats.span_slots),
                    best,
                    "seed {seed}"
                );
                assert!(res.stats.bound <= best.0 as f64);
                // Span first, then idle.
                let mut first = req.clone();
                first.span_first = true;
                let res = solve_checked(&first);
                assert_eq!(
                    (res.stats.span_slots, res.stats.idle_slots),
                    brute.best_span.unwrap(),
                    "seed {seed}, span first"
                );
                assert!(res.stats.bound <= brute.best_span.unwrap().0 as f64);
            }
        }
    }
    assert!(feasible >= 8, "too few feasible tiny instances: {feasible}");
}

// ---- repair ---------------------------------------------------------------------------------

#[test]
fn repair_keeps_untouched_meetings_in_place() {
    let mut req = generate::planted_min_idle(3, &ForumSpec::forum());
    req.time_limit_ms = Some(60_000);
    let first = solve_checked(&req);
    assert_ne!(first.status, Status::Infeasible);

    // p0 cancels; p1 becomes unavailable in its first meeting's slot; a late pair arrives.
    let mut changed = req.clone();
    changed.meetings.retain(|m| m.a != "p0" && m.b != "p0");
    let blocked = first
        .meetings
        .iter()
        .find(|m| m.a == "p1" || m.b == "p1")
        .map(|m| m.slot);
    if let Some(s) = blocked {
        changed.participants[1].unavailable_slots.push(s);
    }
    changed.participants.push(person("late"));
    let partner = changed.participants[5].id.clone();
    changed.meetings.push(meet("late", &partner));

    let out = repair(&RepairRequest {
        request: changed.clone(),
        previous: first.meetings.clone(),
    })
    .unwrap();
    assert!(
        check(&changed, &out.plan).is_empty(),
        "{:?}",
        check(&changed, &out.plan)
    );
    assert_ne!(
        out.plan.status,
        Status::Infeasible,
        "{:?}",
        out.plan.reasons
    );
    for m in &first.meetings {
        let touched =
            m.a == "p0" || m.b == "p0" || (Some(m.slot) == blocked && (m.a == "p1" || m.b == "p1"));
        let now = out.plan.meetings.iter().find(|x| x.a == m.a && x.b == m.b);
        if !touched {
            assert_eq!(now, Some(m), "untouched meeting moved");
        } else if m.a == "p0" || m.b == "p0" {
            assert!(now.is_none());
            assert!(out.dropped.iter().any(|d| d.a == m.a && d.b == m.b));
        }
    }
    assert_eq!(out.added.len(), 1);
    assert_eq!(
        out.kept.len() + out.moved.len() + out.added.len(),
        out.plan.meetings.len()
    );
    if blocked.is_some() {
        assert_eq!(out.moved.len(), 1);
    }
}

#[test]
fn repair_max_value_refills_freed_capacity() {
    let mut spec = ForumSpec::forum();
    spec.participants = 30;
    spec.meetings = 200;
    let mut req = generate::candidates(5, &spec);
    req.time_limit_ms = Some(60_000);
    let first = solve_checked(&req);
    // The busiest participant cancels: its partners gain room for other candidates.
    let mut changed = req.clone();
    let gone = "p3";
    changed.participants.retain(|p| p.id != gone);
    changed.meetings.retain(|m| m.a != gone && m.b != gone);
    let out = repair(&RepairRequest {
        request: changed.clone(),
        previous: first.meetings.clone(),
    })
    .unwrap();
    assert!(check(&changed, &out.plan).is_empty());
    for m in &first.meetings {
        if m.a != gone && m.b != gone {
            assert!(
                out.plan.meetings.contains(m),
                "untouched meeting moved: {m:?}"
            );
        }
    }
    assert!(out.moved.is_empty());
    assert!(out.plan.stats.value + 1e-9 >= first.stats.value - dropped_value(&req, &first, gone));
}

fn dropped_value(req: &ScheduleRequest, res: &ScheduleResponse, gone: &str) -> f64 {
    res.meetings
        .iter()
        .filter(|m| m.a == gone || m.b == gone)
        .map(|m| {
            req.meetings
                .iter()
                .find(|r| (r.a == m.a && r.b == m.b) || (r.a == m.b && r.b == m.a))
                .and_then(|r| r.value)
                .unwrap_or(1.0)
        })
        .sum()
}

// ---- random instances through the checker ------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn random_plans_pass_the_checker(seed in 0u64..10_000, min_idle in any::<bool>(),
                                     hosts in 0usize..3, n in 6usize..20, m in 4usize..50,
                                     counts in any::<bool>(), span_first in any::<bool>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let spec = ForumSpec {
            participants: n,
            sessions: vec![rng.gen_range(2..6), rng.gen_range(2..6)],
            tables: rng.gen_range(2..6),
            unavailable: rng.gen_range(0..3),
            max_block: 4,
            meetings: m,
            max_meetings: (1, 6),
            session_share: 0.2,
        };
        let mut req = if min_idle {
            generate::planted_min_idle(seed, &spec)
        } else {
            generate::candidates(seed, &spec)
        };
        for p in req.participants.iter_mut().take(hosts) {
            p.host = true;
        }
        if counts {
            // Some pairs meet twice, some of them back to back.
            for (i, x) in req.meetings.iter_mut().enumerate() {
                if i % 4 == 0 {
                    x.count = Some(2);
                    x.consecutive = i % 8 == 0;
                }
            }
        }
        req.span_first = span_first;
        req.time_limit_ms = Some(60_000);
        let res = solve(&req).unwrap();
        let v = check(&req, &res);
        prop_assert!(v.is_empty(), "{:?}", v);
    }
}
