//! Proven bounds on what any timetable of an instance can reach.
//!
//! **Value** (`max_value`): the LP relaxation of choosing meetings,
//!
//! ```text
//! max Σ v_m x_m   s.t.  Σ_{m ∋ p} x_m ≤ k_p = min(cap_p, slots where p could meet)   (each participant)
//!                       Σ_{m shared} x_m ≤ shared tables × slots                     (tables)
//!                       0 ≤ x_m ≤ 1
//! ```
//!
//! solved exactly as a min-cost flow on the bipartite double cover (each participant split
//! into a giving and a taking side, each meeting an arc both ways; the fractional b-matching
//! polytope is half of the double cover's), by successive shortest paths with potentials.
//! The table row is priced by a Lagrange multiplier when it binds. The number reported is
//! never the flow's own figure: it is the dual objective `Σ k_p y_p + Σ (v_m − y_a − y_b)⁺`
//! of a dual solution read off the potentials, which bounds every timetable whatever the
//! rounding (weak duality), and equals the LP optimum when the flow is optimal.
//!
//! **Idle and waiting slots** (`min_idle`): each participant on its own, with every other
//! participant's timetable forgotten, still needs some gaps (a partner available only at
//! the start of the morning, another only at its end); the least of them, found by trying
//! session windows in order of size, summed over participants.

use super::instance::{range_mask, Instance, Mask};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// The LP's value bound and its fractional solution.
#[derive(Debug, Clone)]
pub(crate) struct ValueBound {
    /// Proven upper bound on the value of any timetable.
    pub bound: f64,
    /// The LP solution per meeting (0, ½ or 1 when the table row does not bind).
    pub x: Vec<f64>,
    /// Value of `x` (equals `bound` up to rounding when the table row does not bind): what
    /// the tests compare the bound with.
    #[cfg_attr(not(test), allow(dead_code))]
    pub primal: f64,
    /// The table row binds and is priced (then `x` may break it, and `bound` is the least
    /// dual value met while pricing it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub priced: bool,
    /// The deadline stopped the flow: the bound is valid but may be above the LP's.
    pub cut: bool,
}

/// Meeting capacity of each participant: its cap, and no more than the slots in which any of
/// its meetings could take place.
pub(crate) fn capacities(inst: &Instance) -> Vec<usize> {
    let mut union: Vec<Mask> = vec![0; inst.parts.len()];
    for m in &inst.meets {
        union[m.a] |= m.covers;
        union[m.b] |= m.covers;
    }
    inst.parts
        .iter()
        .zip(&union)
        .map(|(p, u)| p.cap.min(u.count_ones() as usize))
        .collect()
}

/// Upper bound on the total value of any timetable (see the module notes).
///
/// `deadline` cuts the flow short on very large instances: the potentials it has then still
/// give a valid (looser) bound, since any dual solution does.
pub(crate) fn value_bound(inst: &Instance, deadline: Option<Instant>) -> ValueBound {
    let k = capacities(inst);
    let usable: Vec<bool> = inst
        .meets
        .iter()
        .map(|m| m.allowed != 0 && m.value > 0.0 && k[m.a] > 0 && k[m.b] > 0)
        .collect();
    let tables = (inst.shared_capacity() * inst.n_slots) as f64;

    // Prices per slot of meeting: a pair's consecutive meetings are one unit of `len` slots.
    let solve_at = |z: f64| -> (f64, Vec<f64>, f64, bool) {
        let prices: Vec<f64> = inst
            .meets
            .iter()
            .zip(&usable)
            .map(|(m, &u)| {
                let per_slot = m.value / m.len as f64;
                if !u {
                    0.0
                } else if m.shared {
                    per_slot - z
                } else {
                    per_slot
                }
            })
            .collect();
        let flow = Flow::solve(inst, &k, &prices, deadline);
        let y = flow.duals(inst.parts.len());
        let mut dual = z * tables;
        for (p, &kp) in k.iter().enumerate() {
            if kp > 0 {
                dual += kp as f64 * y[p];
            }
        }
        for (i, m) in inst.meets.iter().enumerate() {
            if usable[i] {
                dual += m.len as f64 * (prices[i] - y[m.a] - y[m.b]).max(0.0);
            }
        }
        let used: f64 = inst
            .meets
            .iter()
            .zip(&flow.x)
            .filter(|(m, _)| m.shared)
            .map(|(m, x)| m.len as f64 * x)
            .sum();
        (dual, flow.x, used, flow.cut)
    };

    let (mut bound, mut x, used, mut cut) = solve_at(0.0);
    let priced = used > tables + 1e-9;
    if priced && !cut {
        // The table row binds: the dual is convex in its price z; bisect on the sign of its
        // slope (tables − shared meetings at z), keeping the best bound met.
        let vmax = inst.meets.iter().map(|m| m.value).fold(0.0, f64::max);
        let (mut lo, mut hi) = (0.0, vmax);
        // Each step is a whole flow: fewer on large instances.
        let steps = if inst.meets.len() > 5_000 { 5 } else { 12 };
        for _ in 0..steps {
            let z = 0.5 * (lo + hi);
            let (d, xz, u, c) = solve_at(z);
            if c {
                cut = true;
                break;
            }
            if d < bound {
                bound = d;
                x = xz;
            }
            if u > tables {
                lo = z;
            } else {
                hi = z;
            }
        }
    }
    // Never worse than the simple bounds it refines.
    bound = bound.min(simple_value_bound(inst, &k));
    let primal = inst.meets.iter().zip(&x).map(|(m, x)| m.value * x).sum();
    ValueBound {
        bound,
        x,
        primal,
        priced,
        cut,
    }
}

/// The least of (all placeable candidates), (each participant's best meetings up to its
/// capacity, halved) and (the best meetings that fit the shared tables, plus hosts').
fn simple_value_bound(inst: &Instance, k: &[usize]) -> f64 {
    let placeable: Vec<&super::instance::Meet> =
        inst.meets.iter().filter(|m| m.allowed != 0).collect();
    let all: f64 = placeable.iter().map(|m| m.value).sum();
    let n = inst.parts.len();
    // Each slot of a meeting, at its share of the value.
    let slots =
        |m: &super::instance::Meet| std::iter::repeat_n(m.value / m.len as f64, m.len as usize);
    let mut vals: Vec<Vec<f64>> = vec![Vec::new(); n];
    for m in &placeable {
        vals[m.a].extend(slots(m));
        vals[m.b].extend(slots(m));
    }
    let mut per_participant = 0.0;
    for p in 0..n {
        vals[p].sort_by(|x, y| y.total_cmp(x));
        per_participant += vals[p].iter().take(k[p]).sum::<f64>();
    }
    per_participant /= 2.0;
    let mut shared: Vec<f64> = placeable
        .iter()
        .filter(|m| m.shared)
        .flat_map(|m| slots(m))
        .collect();
    shared.sort_by(|x, y| y.total_cmp(x));
    let hosted: f64 = placeable
        .iter()
        .filter(|m| !m.shared)
        .map(|m| m.value)
        .sum();
    let tables = shared
        .iter()
        .take(inst.shared_capacity() * inst.n_slots)
        .sum::<f64>()
        + hosted;
    all.min(per_participant).min(tables)
}

/// Min-cost flow on the double cover: node `p` gives (left), `n + p` takes (right), `2n` is
/// the sink. Every left node supplies `k_p` units; each unit reaches the sink through a
/// meeting arc and the partner's right node (cost −v), or unused through `p`'s own arc.
struct Flow {
    /// Per meeting, the LP's x (half the flow on its two arcs).
    x: Vec<f64>,
    /// Node potentials at the end (reduced costs of residual arcs are ≥ 0).
    pi: Vec<f64>,
    /// Stopped by the deadline before every unit was routed.
    cut: bool,
}

struct Arc {
    to: u32,
    rev: u32,
    cap: u32,
    cost: f64,
}

impl Flow {
    fn solve(inst: &Instance, k: &[usize], price: &[f64], deadline: Option<Instant>) -> Flow {
        let n = inst.parts.len();
        let sink = 2 * n;
        let nodes = 2 * n + 1;
        // Arcs in one list per node (CSR), each with its reverse.
        let mut deg = vec![0u32; nodes];
        let mut arcs_of_meet: Vec<usize> = Vec::new();
        for (i, m) in inst.meets.iter().enumerate() {
            if price[i] > 0.0 {
                deg[m.a] += 1;
                deg[n + m.b] += 1;
                deg[m.b] += 1;
                deg[n + m.a] += 1;
                arcs_of_meet.push(i);
            }
        }
        for p in 0..n {
            deg[p] += 1;
            deg[n + p] += 1;
            deg[sink] += 2;
        }
        let mut start = vec![0usize; nodes + 1];
        for v in 0..nodes {
            start[v + 1] = start[v] + deg[v] as usize;
        }
        let mut fill = start.clone();
        let mut arcs: Vec<Arc> = (0..start[nodes])
            .map(|_| Arc {
                to: 0,
                rev: 0,
                cap: 0,
                cost: 0.0,
            })
            .collect();
        let mut add = |arcs: &mut Vec<Arc>, u: usize, v: usize, cap: u32, cost: f64| -> usize {
            let (a, b) = (fill[u], fill[v]);
            fill[u] += 1;
            fill[v] += 1;
            arcs[a] = Arc {
                to: v as u32,
                rev: b as u32,
                cap,
                cost,
            };
            arcs[b] = Arc {
                to: u as u32,
                rev: a as u32,
                cap: 0,
                cost: -cost,
            };
            a
        };
        let mut meet_arcs: Vec<(usize, usize)> = Vec::with_capacity(arcs_of_meet.len());
        for &i in &arcs_of_meet {
            let m = &inst.meets[i];
            let e1 = add(&mut arcs, m.a, n + m.b, m.len, -price[i]);
            let e2 = add(&mut arcs, m.b, n + m.a, m.len, -price[i]);
            meet_arcs.push((e1, e2));
        }
        for (p, &kp) in k.iter().enumerate() {
            add(&mut arcs, p, sink, kp as u32, 0.0);
            add(&mut arcs, n + p, sink, kp as u32, 0.0);
        }

        // Initial potentials make every arc's reduced cost ≥ 0 (the network is acyclic).
        let mut pi = vec![0.0f64; nodes];
        let mut best_in = vec![0.0f64; n];
        for &i in &arcs_of_meet {
            let m = &inst.meets[i];
            best_in[m.a] = f64::max(best_in[m.a], price[i]);
            best_in[m.b] = f64::max(best_in[m.b], price[i]);
        }
        let top = best_in.iter().copied().fold(0.0, f64::max);
        for p in 0..n {
            pi[n + p] = -best_in[p];
        }
        pi[sink] = -top;

        let mut dist = vec![0.0f64; nodes];
        let mut seen = vec![0u32; nodes];
        let mut done = vec![0u32; nodes];
        let mut parent = vec![u32::MAX; nodes];
        let mut settled: Vec<u32> = Vec::new();
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
        let mut epoch = 0u32;
        let mut cut = false;

        for p in 0..n {
            if p % 64 == 0 && deadline.is_some_and(|d| Instant::now() >= d) {
                cut = true;
                break;
            }
            let mut supply = k[p] as u32;
            while supply > 0 {
                epoch += 1;
                heap.clear();
                settled.clear();
                dist[p] = 0.0;
                seen[p] = epoch;
                heap.push(Reverse((0, p as u32)));
                let mut reached = false;
                while let Some(Reverse((_, u))) = heap.pop() {
                    let u = u as usize;
                    if done[u] == epoch {
                        continue;
                    }
                    done[u] = epoch;
                    settled.push(u as u32);
                    if u == sink {
                        reached = true;
                        break;
                    }
                    let du = dist[u];
                    for (off, arc) in arcs[start[u]..start[u + 1]].iter().enumerate() {
                        let e = start[u] + off;
                        if arc.cap == 0 {
                            continue;
                        }
                        let v = arc.to as usize;
                        if done[v] == epoch {
                            continue;
                        }
                        let rc = (arc.cost + pi[u] - pi[v]).max(0.0);
                        let nd = du + rc;
                        if seen[v] != epoch || nd < dist[v] {
                            seen[v] = epoch;
                            dist[v] = nd;
                            parent[v] = e as u32;
                            heap.push(Reverse((nd.to_bits(), v as u32)));
                        }
                    }
                }
                debug_assert!(reached, "the sink is always reachable through p's own arc");
                if !reached {
                    break;
                }
                // Bottleneck and augmentation along the parent arcs.
                let mut push = supply;
                let mut v = sink;
                while v != p {
                    let e = parent[v] as usize;
                    push = push.min(arcs[e].cap);
                    v = arcs[arcs[e].rev as usize].to as usize;
                }
                let mut v = sink;
                while v != p {
                    let e = parent[v] as usize;
                    arcs[e].cap -= push;
                    let r = arcs[e].rev as usize;
                    arcs[r].cap += push;
                    v = arcs[r].to as usize;
                }
                supply -= push;
                // Potentials: settled nodes move by their distance less the sink's, so every
                // residual reduced cost stays ≥ 0 and nothing else needs touching.
                let dt = dist[sink];
                for &u in &settled {
                    let u = u as usize;
                    pi[u] += dist[u] - dt;
                }
            }
        }
        let mut x = vec![0.0; inst.meets.len()];
        for (j, &i) in arcs_of_meet.iter().enumerate() {
            let (e1, e2) = meet_arcs[j];
            // Flow on an arc is the capacity its reverse gained.
            let f1 = arcs[arcs[e1].rev as usize].cap;
            let f2 = arcs[arcs[e2].rev as usize].cap;
            x[i] = (f1 + f2) as f64 / (2 * inst.meets[i].len) as f64;
        }
        Flow { x, pi, cut }
    }

    /// Dual prices of the participants' rows, read off the potentials: the giving side's
    /// `π(p) − π(sink)` and the taking side's `π(sink) − π(n + p)`, each at least 0, averaged.
    fn duals(&self, n: usize) -> Vec<f64> {
        let sink = 2 * n;
        (0..n)
            .map(|p| {
                let give = (self.pi[p] - self.pi[sink]).max(0.0);
                let take = (self.pi[sink] - self.pi[n + p]).max(0.0);
                0.5 * (give + take)
            })
            .collect()
    }
}

/// Which slots count as waiting for a participant: `Idle` the available ones only,
/// `Span` every slot between the first and the last meeting of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gaps {
    Idle,
    Span,
}

/// Lower bound on the idle (or waiting) slots of any complete timetable: per participant,
/// the fewest gaps its own meetings need when nobody else's timetable is considered.
pub(crate) fn gaps_lower_bound(inst: &Instance, gaps: Gaps) -> u64 {
    let n = inst.parts.len();
    // One entry per slot a participant meets in: a block of consecutive meetings counts as
    // that many meetings, each anywhere the block could reach (a relaxation: every real
    // placement of the block is one of these, so the bound stays a bound).
    let mut mine: Vec<Vec<Mask>> = vec![Vec::new(); n];
    for m in &inst.meets {
        let reach = if m.len > 1 { m.covers } else { m.allowed };
        for _ in 0..m.len {
            mine[m.a].push(reach);
            mine[m.b].push(reach);
        }
    }
    let mut total_budget = TOTAL_WINDOW_BUDGET;
    (0..n)
        .map(|p| participant_gaps(inst, p, &mine[p], gaps, &mut total_budget) as u64)
        .sum()
}

/// Window combinations tried per participant, and in all, before the bound gives up on a
/// participant (and counts 0 for it): the bound stays cheap on any instance.
const WINDOW_BUDGET: usize = 20_000;
const TOTAL_WINDOW_BUDGET: usize = 400_000;

fn participant_gaps(
    inst: &Instance,
    p: usize,
    meets: &[Mask],
    gaps: Gaps,
    total_budget: &mut usize,
) -> u32 {
    if meets.len() <= 1 {
        return 0;
    }
    let avail = inst.parts[p].avail;
    let counted = match gaps {
        Gaps::Idle => avail,
        Gaps::Span => Mask::MAX,
    };
    let usable: Mask = meets.iter().fold(0, |u, &m| u | m);
    // Windows per session: [lo, hi] with both ends usable, by the slots they count.
    let sessions: Vec<Vec<(u32, Mask)>> = inst
        .session_masks
        .iter()
        .map(|&sm| {
            let here = usable & sm;
            let mut ws = vec![(0u32, 0 as Mask)];
            let mut a = here;
            while a != 0 {
                let lo = a.trailing_zeros() as usize;
                a &= a - 1;
                let mut b = here >> lo;
                while b != 0 {
                    let off = b.trailing_zeros() as usize;
                    b &= b - 1;
                    let w = range_mask(lo, lo + off + 1);
                    ws.push(((w & counted).count_ones(), w));
                }
            }
            ws.sort_by_key(|&(c, w)| (c, w.count_ones()));
            ws
        })
        .collect();
    let k = meets.len() as u32;
    // Most a session can still add, for pruning combinations that cannot hold k meetings.
    let mut rest = vec![0u32; sessions.len() + 1];
    for s in (0..sessions.len()).rev() {
        rest[s] = rest[s + 1] + sessions[s].iter().map(|&(c, _)| c).max().unwrap_or(0);
    }
    // The least total t of counted slots over windows that can hold every meeting, less the
    // meetings themselves (they fill counted slots only where the participant is available;
    // with `Span` every slot is counted). Totals are tried in increasing order, so the first
    // that fits is the least.
    let mut budget = WINDOW_BUDGET.min(*total_budget);
    let before = budget;
    let mut chosen: Vec<Mask> = Vec::with_capacity(sessions.len());
    let mut found = None;
    for t in k..=rest[0] {
        let mut ctx = Search {
            sessions: &sessions,
            rest: &rest,
            meets,
            k,
            target: t,
            budget: &mut budget,
        };
        if ctx.go(0, 0, &mut chosen) {
            found = Some(t);
            break;
        }
        if budget == 0 {
            break;
        }
    }
    *total_budget -= before - budget;
    match found {
        Some(t) => t - k,
        // Out of budget (or no window fits at all, which the infeasibility checks report).
        None => 0,
    }
}

struct Search<'a> {
    sessions: &'a [Vec<(u32, Mask)>],
    rest: &'a [u32],
    meets: &'a [Mask],
    k: u32,
    /// The exact total of counted slots wanted.
    target: u32,
    budget: &'a mut usize,
}

impl Search<'_> {
    /// Whether one window per session (or none), counting `target` slots in all, holds
    /// every meeting.
    fn go(&mut self, s: usize, sum: u32, chosen: &mut Vec<Mask>) -> bool {
        if *self.budget == 0 || sum + self.rest[s] < self.target {
            return false;
        }
        *self.budget -= 1;
        if s == self.sessions.len() {
            let open: Mask = chosen.iter().fold(0, |u, &w| u | w);
            return open.count_ones() >= self.k && fits(self.meets, open);
        }
        for &(c, w) in &self.sessions[s] {
            if sum + c > self.target {
                break;
            }
            chosen.push(w);
            let ok = self.go(s + 1, sum + c, chosen);
            chosen.pop();
            if ok {
                return true;
            }
            if *self.budget == 0 {
                return false;
            }
        }
        false
    }
}

/// Whether every meeting gets its own slot within `open` (bipartite matching, Kuhn).
fn fits(meets: &[Mask], open: Mask) -> bool {
    let mut owner = [u16::MAX; 128];
    for (i, &m) in meets.iter().enumerate() {
        if m & open == 0 {
            return false;
        }
        let mut visited: Mask = 0;
        if !augment(i, meets, open, &mut owner, &mut visited) {
            return false;
        }
    }
    true
}

fn augment(
    i: usize,
    meets: &[Mask],
    open: Mask,
    owner: &mut [u16; 128],
    visited: &mut Mask,
) -> bool {
    let mut options = meets[i] & open & !*visited;
    while options != 0 {
        let s = options.trailing_zeros() as usize;
        options &= options - 1;
        *visited |= 1u128 << s;
        if owner[s] == u16::MAX || augment(owner[s] as usize, meets, open, owner, visited) {
            owner[s] = i as u16;
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn forced_gaps_are_counted() {
        // p0 meets p1, who can only come at slot 0, and p2, who can only come at slot 3, in
        // one session of 4 slots: p0 waits two available slots between them, whatever the
        // plan, and waits them as span too; with slot 1 unavailable to p0 it idles 1 slot
        // and spans 2.
        let mut req = generate::planted_min_idle(1, &ForumSpec::forum());
        req.sessions = vec![crate::schedule::Session {
            name: "s".into(),
            slots: 4,
        }];
        req.participants.truncate(3);
        for p in &mut req.participants {
            p.unavailable_slots.clear();
        }
        req.participants[1].unavailable_slots = vec![1, 2, 3];
        req.participants[2].unavailable_slots = vec![0, 1, 2];
        req.meetings = vec![("p0", "p1"), ("p0", "p2")]
            .into_iter()
            .map(|(a, b)| crate::schedule::MeetingRequest {
                a: a.into(),
                b: b.into(),
                session: None,
                value: None,
                kind: None,
                count: None,
                consecutive: false,
            })
            .collect();
        req.objective = Objective::MinIdle;
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
        let mut req = generate::planted_min_idle(1, &ForumSpec::forum());
        req.sessions = vec![crate::schedule::Session {
            name: "s".into(),
            slots: 4,
        }];
        req.participants.truncate(3);
        for p in &mut req.participants {
            p.unavailable_slots.clear();
        }
        req.participants[1].unavailable_slots = vec![2, 3];
        req.participants[2].unavailable_slots = vec![0, 1, 2];
        req.meetings = vec![("p0", "p1", 2), ("p0", "p2", 1)]
            .into_iter()
            .map(|(a, b, count)| crate::schedule::MeetingRequest {
                a: a.into(),
                b: b.into(),
                session: None,
                value: None,
                kind: None,
                count: Some(count),
                consecutive: count > 1,
            })
            .collect();
        req.objective = Objective::MinIdle;
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
}
