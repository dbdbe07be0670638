//! The walk: the greedy start, simulated annealing in its two phases, and putting back the
//! best timetable found.

use super::{ejected, random_slot, Op, Phase, State, NONE};
use crate::schedule::instance;
use crate::schedule::types::Objective;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// In the second phase, one more slot of the first measure costs this many of the second.
const SECONDARY_WEIGHT: f64 = 4.0;

pub(crate) struct Outcome {
    pub slot_of: Vec<u32>,
    pub iterations: u64,
    pub time_limit_hit: bool,
}

pub(crate) struct Params {
    pub seed: u64,
    pub phase: Phase,
    pub rounds: u32,
    pub iters_per_round: u64,
    pub start: Instant,
    pub time_limit_ms: u64,
    /// Stop as soon as this key is reached (the bound).
    pub target: Option<(i64, f64)>,
    /// Stop once a whole round found nothing better.
    pub stop_when_stale: bool,
}

/// Greedy start: min_idle places the most constrained meetings first; max_value places the
/// meetings the LP relaxation chose (`lp`, per meeting 0, ½ or 1), then gives one meeting to
/// each participant still without (fewest candidates first), then adds the rest by value.
pub(crate) fn construct(st: &mut State, lp: &[f64]) {
    let inst = st.inst;
    let mut order: Vec<u32> = st.unassigned().to_vec();
    match inst.objective {
        Objective::MinIdle => {
            let mut deg = vec![0u32; inst.parts.len()];
            for m in &inst.meets {
                deg[m.a] += m.len;
                deg[m.b] += m.len;
            }
            order.sort_by_key(|&m| {
                let x = &inst.meets[m as usize];
                (
                    std::cmp::Reverse(x.len),
                    x.allowed.count_ones(),
                    std::cmp::Reverse(deg[x.a] + deg[x.b]),
                    m,
                )
            });
            for m in order {
                if let Some(s) = st.best_free_slot(m) {
                    st.assign(m, s);
                }
            }
        }
        Objective::MaxValue => {
            let n = inst.parts.len();
            // The LP's meetings first, those of the busiest participants (most LP meetings
            // for their free slots) first: they need nearly every slot they have.
            let mut load = vec![0.0f64; n];
            for (i, m) in inst.meets.iter().enumerate() {
                if lp_rank(lp, i as u32) > 0 {
                    load[m.a] += m.len as f64;
                    load[m.b] += m.len as f64;
                }
            }
            for (p, part) in inst.parts.iter().enumerate() {
                load[p] /= part.avail.count_ones().max(1) as f64;
            }
            let mut chosen: Vec<u32> = order
                .iter()
                .copied()
                .filter(|&m| lp_rank(lp, m) > 0)
                .collect();
            let tight = |m: u32| {
                let x = &inst.meets[m as usize];
                load[x.a].max(load[x.b])
            };
            chosen.sort_by(|&x, &y| {
                lp_rank(lp, y)
                    .cmp(&lp_rank(lp, x))
                    .then(inst.meets[y as usize].len.cmp(&inst.meets[x as usize].len))
                    .then(tight(y).total_cmp(&tight(x)))
                    .then(
                        inst.meets[y as usize]
                            .value
                            .total_cmp(&inst.meets[x as usize].value),
                    )
                    .then(x.cmp(&y))
            });
            let mut missed = Vec::new();
            for &m in &chosen {
                if let Some(s) = st.best_free_slot(m) {
                    st.assign(m, s);
                } else {
                    missed.push(m);
                }
            }
            for m in missed {
                st.insert_by_swap(m);
            }

            // Everyone who can have a meeting gets one (fewest candidates first).
            let mut people: Vec<usize> = (0..n).filter(|&p| !st.cands[p].is_empty()).collect();
            people.sort_by_key(|&p| (st.cands[p].len(), p));
            for p in people {
                if st.count[p] > 0 {
                    continue;
                }
                let mut mine = st.cands[p].clone();
                mine.sort_by(|&x, &y| {
                    let (mx, my) = (&inst.meets[x as usize], &inst.meets[y as usize]);
                    let fresh = |mm: &instance::Meet| {
                        let q = if mm.a == p { mm.b } else { mm.a };
                        st.count[q] == 0
                    };
                    fresh(my)
                        .cmp(&fresh(mx))
                        .then(my.value.total_cmp(&mx.value))
                        .then(x.cmp(&y))
                });
                for m in mine {
                    if st.slot_of[m as usize] != NONE {
                        continue;
                    }
                    if st.insert_by_swap(m) {
                        break;
                    }
                }
            }
            fill_by_value(st, lp);
        }
    }
}

/// 2 for a meeting the LP takes whole, 1 for one it takes by half, 0 otherwise.
fn lp_rank(lp: &[f64], m: u32) -> u8 {
    match lp.get(m as usize) {
        Some(&x) if x > 0.75 => 2,
        Some(&x) if x > 0.25 => 1,
        _ => 0,
    }
}

/// Adds every unplaced meeting that fits without ejecting anything: the LP's choices first,
/// each group by value.
pub(crate) fn fill_by_value(st: &mut State, lp: &[f64]) {
    let inst = st.inst;
    let mut order: Vec<u32> = st.unassigned().to_vec();
    order.sort_by(|&x, &y| {
        lp_rank(lp, y)
            .cmp(&lp_rank(lp, x))
            .then(
                inst.meets[y as usize]
                    .value
                    .total_cmp(&inst.meets[x as usize].value),
            )
            .then(x.cmp(&y))
    });
    for m in order {
        if let Some(s) = st.best_free_slot(m) {
            st.assign(m, s);
        }
    }
}

pub(crate) fn better(a: (i64, f64), b: (i64, f64)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1 - 1e-9)
}

/// Simulated annealing in rounds; each round restarts from the best state at a high
/// temperature, cooling geometrically by iteration count.
pub(crate) fn anneal(st: &mut State, params: &Params) -> Outcome {
    let inst = st.inst;
    let obj = inst.objective;
    let phase = params.phase;
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let movable: Vec<u32> = (0..inst.meets.len() as u32)
        .filter(|&m| !st.fixed[m as usize] && inst.meets[m as usize].allowed != 0)
        .collect();
    let total_value: f64 = inst.meets.iter().map(|m| m.value).sum();
    let mean_value = if inst.meets.is_empty() {
        1.0
    } else {
        (total_value / inst.meets.len() as f64).max(1e-6)
    };
    // min_idle: an unplaced meeting weighs a few idle slots, so the walk can trade them;
    // max_value: a covered participant outweighs any value (fairness first); second phase:
    // a slot of the first measure weighs a few of the second.
    let (weight, t0, t1) = match (phase, obj) {
        (Phase::Primary, Objective::MinIdle) => (3.0, 1.5, 0.05),
        (Phase::Primary, Objective::MaxValue) => {
            (total_value + 1.0, 0.3 * mean_value, 0.005 * mean_value)
        }
        (Phase::Secondary, _) => (SECONDARY_WEIGHT, 1.5, 0.05),
    };
    let mut best = st.slot_of.clone();
    let mut best_key = st.key(phase);
    let mut iterations = 0u64;
    let mut time_limit_hit = false;
    let reached = |k: (i64, f64)| params.target.is_some_and(|t| !better(t, k));
    if movable.is_empty() || reached(best_key) {
        return Outcome {
            slot_of: best,
            iterations,
            time_limit_hit,
        };
    }
    let mut journal: Vec<Op> = Vec::new();
    let mut round_start_key = best_key;
    'rounds: for round in 0..params.rounds {
        if round > 0 {
            if params.stop_when_stale && !better(best_key, round_start_key) {
                break;
            }
            round_start_key = best_key;
            restore(st, &best);
        }
        let n = params.iters_per_round.max(1);
        let ratio = (t1 / t0).powf(1.0 / n as f64);
        let mut temp = t0;
        for _ in 0..n {
            iterations += 1;
            temp *= ratio;
            if iterations.is_multiple_of(1024)
                && params.start.elapsed().as_millis() as u64 >= params.time_limit_ms
            {
                time_limit_hit = true;
                break 'rounds;
            }
            let before = st.cost(phase, weight);
            journal.clear();
            // Unplaced meetings: min_idle's (either phase), max_value's in the first phase only
            // (its second keeps the chosen meetings).
            let may_insert = phase == Phase::Primary || obj == Objective::MinIdle;
            let insert = may_insert && st.n_unassigned() > 0 && rng.gen_bool(0.5);
            if insert {
                let un = st.unassigned();
                let mut m = un[rng.gen_range(0..un.len())];
                if obj == Objective::MaxValue {
                    // Lean towards valuable meetings.
                    let m2 = un[rng.gen_range(0..un.len())];
                    if inst.meets[m2 as usize].value > inst.meets[m as usize].value {
                        m = m2;
                    }
                }
                let Some(s) = random_slot(inst.meets[m as usize].allowed, &mut rng) else {
                    continue;
                };
                if !st.insert_ejecting(m, s, &mut rng, &mut journal) {
                    continue;
                }
                let removed = ejected(&journal);
                st.settle(&removed, &mut rng, &mut journal);
                let delta = st.cost(phase, weight) - before;
                if !accept(delta, temp, &mut rng) {
                    st.rollback(&mut journal, 0);
                    continue;
                }
            } else {
                let mut m = movable[rng.gen_range(0..movable.len())];
                if obj == Objective::MinIdle || phase == Phase::Secondary {
                    // Prefer meetings of participants who wait.
                    for _ in 0..3 {
                        let x = &inst.meets[m as usize];
                        if st.slot_of[m as usize] != NONE && st.span_p[x.a] + st.span_p[x.b] > 0 {
                            break;
                        }
                        m = movable[rng.gen_range(0..movable.len())];
                    }
                }
                let from = st.slot_of[m as usize];
                if from == NONE {
                    continue;
                }
                let meet = &inst.meets[m as usize];
                // Where the one who waits more would rather meet: next to its day.
                let p = if st.span_p[meet.a] >= st.span_p[meet.b] {
                    meet.a
                } else {
                    meet.b
                };
                let allowed = meet.allowed & !(1u128 << from);
                let near = (st.busy[p] << 1 | st.busy[p] >> 1) & !st.busy[p] & allowed;
                // Blocks move whole (chains leave them be); min_idle's second phase also moves
                // single meetings that way now and then, ejecting what stands in the way.
                let ejecting = (meet.len > 1 && phase == Phase::Primary)
                    || (phase == Phase::Secondary
                        && obj == Objective::MinIdle
                        && (meet.len > 1 || rng.gen_bool(0.3)));
                if ejecting {
                    st.j_remove(m, &mut journal);
                    let pool = if near != 0 && rng.gen_bool(0.5) {
                        near
                    } else {
                        allowed
                    };
                    let placed = random_slot(pool, &mut rng)
                        .is_some_and(|to| st.insert_ejecting(m, to, &mut rng, &mut journal));
                    if !placed {
                        st.rollback(&mut journal, 0);
                        continue;
                    }
                    let removed = ejected(&journal[1..]);
                    st.settle(&removed, &mut rng, &mut journal);
                    let delta = st.cost(phase, weight) - before;
                    if !accept(delta, temp, &mut rng) {
                        st.rollback(&mut journal, 0);
                        continue;
                    }
                } else if meet.len > 1 {
                    // max_value's second phase: a block moves to a free start only.
                    st.j_remove(m, &mut journal);
                    let mut starts = st.free_starts(m) & !(1u128 << from);
                    let mut open = 0;
                    while starts != 0 {
                        let s = starts.trailing_zeros();
                        starts &= starts - 1;
                        if st.table_room(m, s) {
                            open |= 1u128 << s;
                        }
                    }
                    let Some(to) = random_slot(open, &mut rng) else {
                        st.rollback(&mut journal, 0);
                        continue;
                    };
                    st.j_assign(m, to, &mut journal);
                    let delta = st.cost(phase, weight) - before;
                    if !accept(delta, temp, &mut rng) {
                        st.rollback(&mut journal, 0);
                        continue;
                    }
                } else {
                    // Compacting: half the time, next to the day of the one who waits more.
                    let pool = if phase == Phase::Secondary && near != 0 && rng.gen_bool(0.5) {
                        near
                    } else {
                        allowed
                    };
                    let Some(to) = random_slot(pool, &mut rng) else {
                        continue;
                    };
                    let Some(chain) = st.kempe_chain(m, to) else {
                        continue;
                    };
                    st.swap_chain(&chain, from, to);
                    let delta = st.cost(phase, weight) - before;
                    if !accept(delta, temp, &mut rng) {
                        st.swap_chain(&chain, from, to);
                        continue;
                    }
                }
            }
            let k = st.key(phase);
            if better(k, best_key) {
                best_key = k;
                best.clone_from(&st.slot_of);
                if reached(best_key) {
                    break 'rounds;
                }
            }
        }
    }
    Outcome {
        slot_of: best,
        iterations,
        time_limit_hit,
    }
}

fn accept(delta: f64, temp: f64, rng: &mut ChaCha8Rng) -> bool {
    delta <= 1e-12 || rng.gen::<f64>() < (-delta / temp).exp()
}

/// Puts the state back to the given slot assignment (pinned meetings never differ).
pub(crate) fn restore(st: &mut State, slot_of: &[u32]) {
    for (m, &s) in slot_of.iter().enumerate() {
        if st.slot_of[m] != s && st.slot_of[m] != NONE {
            st.remove(m as u32);
        }
    }
    for (m, &s) in slot_of.iter().enumerate() {
        if st.slot_of[m] != s && s != NONE {
            st.assign(m as u32, s);
        }
    }
}
