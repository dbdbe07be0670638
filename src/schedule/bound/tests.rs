use super::*;
use crate::schedule::generate::{self, ForumSpec};
use crate::schedule::types::Objective;
use proptest::prelude::*;

/// The flow's x is feasible for the LP and its value meets the dual bound: the LP is
/// solved exactly, and the bound is its optimum.
fn assert_exact(inst: &Instance) -> ValueBound {
    let vb = value_bound(inst, None);
    let k = capacities(inst);
    let mut used = vec![0.0; inst.parts.len()];
    for (m, &x) in inst.meets.iter().zip(&vb.x) {
        assert!((0.0..=1.0).contains(&x));
        if x > 0.0 {
            assert!(m.allowed != 0);
        }
        used[m.a] += m.len as f64 * x;
        used[m.b] += m.len as f64 * x;
    }
    for (p, u) in used.iter().enumerate() {
        assert!(*u <= k[p] as f64 + 1e-9, "participant {p}: {u} > {}", k[p]);
    }
    let shared: f64 = inst
        .meets
        .iter()
        .zip(&vb.x)
        .filter(|(m, _)| m.shared)
        .map(|(m, x)| m.len as f64 * x)
        .sum();
    if shared <= (inst.shared_capacity() * inst.n_slots) as f64 {
        // A feasible x is worth no more than any dual bound.
        assert!(vb.primal <= vb.bound + 1e-6 * (1.0 + vb.bound));
    }
    vb
}

#[test]
fn triangle_is_half_integral() {
    // Three firms who all want to meet, one meeting each: any timetable holds one
    // meeting (value 1), the LP takes every meeting by half (1.5).
    let mut spec = ForumSpec::forum();
    spec.participants = 3;
    let mut req = generate::candidates(1, &spec);
    req.meetings = vec![("p0", "p1"), ("p1", "p2"), ("p0", "p2")]
        .into_iter()
        .map(|(a, b)| crate::schedule::MeetingRequest {
            a: a.into(),
            b: b.into(),
            session: None,
            value: Some(1.0),
            kind: None,
            count: None,
            consecutive: false,
        })
        .collect();
    for p in &mut req.participants {
        p.max_meetings = Some(1);
    }
    let inst = Instance::build(&req).unwrap();
    let vb = assert_exact(&inst);
    assert!((vb.bound - 1.5).abs() < 1e-9, "{vb:?}");
    assert!(vb.x.iter().all(|&x| (x - 0.5).abs() < 1e-9));
}

#[test]
fn forum_bound_is_the_lp_optimum_and_below_the_simple_bounds() {
    for seed in 0..5 {
        let req = generate::candidates(seed, &ForumSpec::forum());
        let inst = Instance::build(&req).unwrap();
        let vb = assert_exact(&inst);
        let k = capacities(&inst);
        assert!(vb.bound <= simple_value_bound(&inst, &k) + 1e-9);
        assert!(
            (vb.bound - vb.primal).abs() < 1e-6 * vb.bound,
            "seed {seed}: dual {} primal {}",
            vb.bound,
            vb.primal
        );
    }
}

#[test]
fn a_flow_cut_short_still_bounds() {
    let req = generate::candidates(2, &ForumSpec::forum());
    let inst = Instance::build(&req).unwrap();
    let exact = value_bound(&inst, None);
    let cut = value_bound(&inst, Some(Instant::now()));
    assert!(cut.cut && !exact.cut);
    assert!(
        cut.bound >= exact.bound - 1e-9,
        "{} < {}",
        cut.bound,
        exact.bound
    );
}

#[test]
fn binding_tables_are_priced() {
    // 30 firms, 200 candidates, one table and 4 slots: at most 4 meetings.
    let mut spec = ForumSpec::forum();
    spec.participants = 30;
    spec.meetings = 200;
    spec.tables = 1;
    spec.sessions = vec![2, 2];
    let req = generate::candidates(3, &spec);
    let inst = Instance::build(&req).unwrap();
    let vb = value_bound(&inst, None);
    let mut values: Vec<f64> = inst.meets.iter().map(|m| m.value).collect();
    values.sort_by(|a, b| b.total_cmp(a));
    let top4: f64 = values.iter().take(4).sum();
    assert!(vb.bound <= top4 + 1e-9, "{} > {top4}", vb.bound);
}

/// A `min_idle` request of three firms (p0, p1, p2), all available, in one session of 4
/// slots, with `meetings` (a, b, slots; a meeting of more than one slot is one block).
fn three_firms_one_session(meetings: &[(&str, &str, u32)]) -> crate::schedule::ScheduleRequest {
    let mut req = generate::planted_min_idle(1, &ForumSpec::forum());
    req.sessions = vec![crate::schedule::Session {
        name: "s".into(),
        slots: 4,
    }];
    req.participants.truncate(3);
    for p in &mut req.participants {
        p.unavailable_slots.clear();
    }
    req.meetings = meetings
        .iter()
        .map(|&(a, b, count)| crate::schedule::MeetingRequest {
            a: a.into(),
            b: b.into(),
            session: None,
            value: None,
            kind: None,
            count: (count > 1).then_some(count),
            consecutive: count > 1,
        })
        .collect();
    req.objective = Objective::MinIdle;
    req
}

#[test]
fn forced_gaps_are_counted() {
    // p0 meets p1, who can only come at slot 0, and p2, who can only come at slot 3, in
    // one session of 4 slots: p0 waits two available slots between them, whatever the
    // plan, and waits them as span too; with slot 1 unavailable to p0 it idles 1 slot
    // and spans 2.
    let mut req = three_firms_one_session(&[("p0", "p1", 1), ("p0", "p2", 1)]);
    req.participants[1].unavailable_slots = vec![1, 2, 3];
    req.participants[2].unavailable_slots = vec![0, 1, 2];
    let inst = Instance::build(&req).unwrap();
    assert_eq!(gaps_lower_bound(&inst, Gaps::Idle), 2);
    assert_eq!(gaps_lower_bound(&inst, Gaps::Span), 2);
    req.participants[0].unavailable_slots = vec![1];
    let inst = Instance::build(&req).unwrap();
    assert_eq!(gaps_lower_bound(&inst, Gaps::Idle), 1);
    assert_eq!(gaps_lower_bound(&inst, Gaps::Span), 2);
}

#[test]
fn a_block_counts_every_slot_it_takes() {
    // p0 holds a talk of two slots with p1 that can only start at slot 0, and meets p2,
    // who comes only at slot 3: p0 idles one slot (2), not two.
    let mut req = three_firms_one_session(&[("p0", "p1", 2), ("p0", "p2", 1)]);
    req.participants[1].unavailable_slots = vec![2, 3];
    req.participants[2].unavailable_slots = vec![0, 1, 2];
    let inst = Instance::build(&req).unwrap();
    assert_eq!(gaps_lower_bound(&inst, Gaps::Idle), 1);
    let res = crate::schedule::solve(&req).unwrap();
    assert_eq!(res.stats.idle_slots, 1);
    assert_eq!(res.status, crate::schedule::Status::Optimal);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn lp_is_solved_exactly(seed in 0u64..10_000, n in 4usize..40, m in 3usize..200,
                            hosts in 0usize..3, counts in any::<bool>()) {
        let spec = ForumSpec {
            participants: n,
            sessions: vec![3, 4],
            tables: 6,
            unavailable: 2,
            max_block: 4,
            meetings: m,
            max_meetings: (1, 6),
            session_share: 0.3,
        };
        let mut req = generate::candidates(seed, &spec);
        for p in req.participants.iter_mut().take(hosts) {
            p.host = true;
        }
        if counts {
            for (i, x) in req.meetings.iter_mut().enumerate() {
                if i % 3 == 0 {
                    x.count = Some(2 + (i % 2) as u32);
                    x.consecutive = i % 6 == 0;
                }
            }
        }
        let inst = Instance::build(&req).unwrap();
        let vb = assert_exact(&inst);
        if !vb.priced {
            prop_assert!((vb.bound - vb.primal).abs() < 1e-6 * (1.0 + vb.bound),
                "dual {} primal {}", vb.bound, vb.primal);
        }
    }
}
