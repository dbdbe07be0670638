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

use super::instance::{Instance, Mask};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

mod gaps;

pub(crate) use gaps::{gaps_lower_bound, Gaps};

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

#[cfg(test)]
mod tests;
