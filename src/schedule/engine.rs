//! The search: a partial, always-legal slot assignment of meetings, improved by simulated
//! annealing over two moves.
//!
//! - *insert with ejection*: put an unplaced meeting in a slot, ejecting whatever stands in
//!   the way (the participants' meetings at that slot, a meeting holding the last shared
//!   table, a meeting over a participant's cap). This is the partial-colouring walk that
//!   finds complete timetables when a greedy start leaves some meetings out.
//! - *Kempe chain*: swap slots s1 ↔ s2 for the connected set of meetings reachable from one
//!   meeting through shared participants. Legal by construction for participants; it
//!   reshapes participants' days without losing meetings (edge-colouring style).
//!
//! Constraints are never violated in a state, so any snapshot is a valid timetable.
//! Everything is driven by a seeded RNG and iteration counts; the wall clock only stops it.

use super::instance::{Instance, Mask};
use super::types::Objective;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

pub(crate) const NONE: u32 = u32::MAX;
/// Chains longer than this are not worth their cost and rarely accepted.
const MAX_CHAIN: usize = 48;

pub(crate) struct State<'a> {
    inst: &'a Instance,
    pub slot_of: Vec<u32>,
    pub fixed: Vec<bool>,
    occ: Vec<u32>,
    pub busy: Vec<Mask>,
    pub count: Vec<u32>,
    shared_in_slot: Vec<Vec<u32>>,
    pos: Vec<u32>,
    unassigned: Vec<u32>,
    pub value: f64,
    pub covered: usize,
    pub idle: i64,
    idle_p: Vec<u32>,
    shared_cap: usize,
    /// Placeable meetings of each participant.
    cands: Vec<Vec<u32>>,
}

impl<'a> State<'a> {
    /// Empty state with `pinned` meetings placed and never moved afterwards. The caller
    /// guarantees pinned meetings are mutually legal.
    pub fn new(inst: &'a Instance, pinned: &[Option<u32>]) -> Self {
        let n = inst.parts.len();
        let m = inst.meets.len();
        let mut st = State {
            inst,
            slot_of: vec![NONE; m],
            fixed: vec![false; m],
            occ: vec![NONE; n * inst.n_slots],
            busy: vec![0; n],
            count: vec![0; n],
            shared_in_slot: vec![Vec::new(); inst.n_slots],
            pos: vec![NONE; m],
            unassigned: Vec::new(),
            value: 0.0,
            covered: 0,
            idle: 0,
            idle_p: vec![0; n],
            shared_cap: inst.shared_capacity(),
            cands: vec![Vec::new(); n],
        };
        for (i, meet) in inst.meets.iter().enumerate() {
            if meet.allowed != 0 {
                st.cands[meet.a].push(i as u32);
                st.cands[meet.b].push(i as u32);
                st.pos[i] = st.unassigned.len() as u32;
                st.unassigned.push(i as u32);
            }
        }
        for (i, p) in pinned.iter().enumerate() {
            if let Some(s) = *p {
                if st.slot_of[i] == NONE {
                    st.detach_unassigned(i as u32);
                    st.place(i as u32, s);
                }
                st.fixed[i] = true;
            }
        }
        st
    }

    pub fn n_unassigned(&self) -> usize {
        self.unassigned.len()
    }

    pub fn unassigned(&self) -> &[u32] {
        &self.unassigned
    }

    fn detach_unassigned(&mut self, m: u32) {
        let p = self.pos[m as usize];
        if p == NONE {
            return;
        }
        let last = *self.unassigned.last().unwrap();
        self.unassigned.swap_remove(p as usize);
        if last != m {
            self.pos[last as usize] = p;
        }
        self.pos[m as usize] = NONE;
    }

    fn refresh_idle(&mut self, p: usize) {
        let new = self.inst.idle_of(p, self.busy[p]);
        self.idle += new as i64 - self.idle_p[p] as i64;
        self.idle_p[p] = new;
    }

    /// Low-level placement; the slot must be legal.
    fn place(&mut self, m: u32, s: u32) {
        let meet = &self.inst.meets[m as usize];
        let (a, b, shared, v) = (meet.a, meet.b, meet.shared, meet.value);
        let ns = self.inst.n_slots;
        self.slot_of[m as usize] = s;
        for p in [a, b] {
            self.occ[p * ns + s as usize] = m;
            self.busy[p] |= 1u128 << s;
            self.count[p] += 1;
            if self.count[p] == 1 {
                self.covered += 1;
            }
            self.refresh_idle(p);
        }
        if shared {
            let list = &mut self.shared_in_slot[s as usize];
            self.pos[m as usize] = list.len() as u32;
            list.push(m);
        }
        self.value += v;
    }

    fn remove(&mut self, m: u32) {
        let s = self.slot_of[m as usize];
        debug_assert!(s != NONE);
        let meet = &self.inst.meets[m as usize];
        let (a, b, shared, v) = (meet.a, meet.b, meet.shared, meet.value);
        let ns = self.inst.n_slots;
        for p in [a, b] {
            self.occ[p * ns + s as usize] = NONE;
            self.busy[p] &= !(1u128 << s);
            self.count[p] -= 1;
            if self.count[p] == 0 {
                self.covered -= 1;
            }
            self.refresh_idle(p);
        }
        if shared {
            let list = &mut self.shared_in_slot[s as usize];
            let p = self.pos[m as usize] as usize;
            let last = *list.last().unwrap();
            list.swap_remove(p);
            if last != m {
                self.pos[last as usize] = p as u32;
            }
        }
        self.value -= v;
        self.slot_of[m as usize] = NONE;
        self.pos[m as usize] = self.unassigned.len() as u32;
        self.unassigned.push(m);
    }

    pub fn assign(&mut self, m: u32, s: u32) {
        self.detach_unassigned(m);
        self.place(m, s);
    }

    fn at(&self, p: usize, s: u32) -> u32 {
        self.occ[p * self.inst.n_slots + s as usize]
    }

    fn shared_full(&self, s: u32) -> bool {
        self.shared_in_slot[s as usize].len() >= self.shared_cap
    }

    /// Slot where `m` fits without ejecting anything, choosing the one that adds the least
    /// idle time, then the least loaded.
    pub fn best_free_slot(&self, m: u32) -> Option<u32> {
        let meet = &self.inst.meets[m as usize];
        let (a, b) = (meet.a, meet.b);
        if self.count[a] as usize >= self.inst.parts[a].cap
            || self.count[b] as usize >= self.inst.parts[b].cap
        {
            return None;
        }
        let mut free = meet.allowed & !self.busy[a] & !self.busy[b];
        let mut best: Option<(i64, usize, u32)> = None;
        while free != 0 {
            let s = free.trailing_zeros();
            free &= free - 1;
            if meet.shared && self.shared_full(s) {
                continue;
            }
            let bit = 1u128 << s;
            let d = self.inst.idle_of(a, self.busy[a] | bit) as i64 - self.idle_p[a] as i64
                + self.inst.idle_of(b, self.busy[b] | bit) as i64
                - self.idle_p[b] as i64;
            let load = self.shared_in_slot[s as usize].len();
            let key = (d, load, s);
            if best.is_none_or(|k| key < k) {
                best = Some(key);
            }
        }
        best.map(|k| k.2)
    }

    /// Lexicographic quality: smaller is better.
    pub fn key(&self, objective: Objective) -> (i64, f64) {
        match objective {
            Objective::MinIdle => (self.unassigned.len() as i64, self.idle as f64),
            Objective::MaxValue => (-(self.covered as i64), -self.value),
        }
    }

    fn cost(&self, objective: Objective, weight: f64) -> f64 {
        match objective {
            Objective::MinIdle => weight * self.unassigned.len() as f64 + self.idle as f64,
            Objective::MaxValue => -(self.value + weight * self.covered as f64),
        }
    }

    /// Insert `m` at `s`, ejecting what blocks it. Returns the ejected meetings with their
    /// former slots, or None (state unchanged) when a pinned meeting blocks.
    fn insert_ejecting(&mut self, m: u32, s: u32, rng: &mut ChaCha8Rng) -> Option<Vec<(u32, u32)>> {
        let meet = &self.inst.meets[m as usize];
        let (a, b, shared) = (meet.a, meet.b, meet.shared);
        let mut out: Vec<(u32, u32)> = Vec::new();
        for p in [a, b] {
            let e = self.at(p, s);
            if e != NONE {
                if self.fixed[e as usize] {
                    self.undo_ejections(&out);
                    return None;
                }
                self.remove(e);
                out.push((e, s));
            }
        }
        if shared && self.shared_full(s) {
            let list = &self.shared_in_slot[s as usize];
            if list.is_empty() {
                // Every table is kept by a host: no meeting without a host fits anywhere.
                self.undo_ejections(&out);
                return None;
            }
            let e = list[rng.gen_range(0..list.len())];
            if self.fixed[e as usize] {
                self.undo_ejections(&out);
                return None;
            }
            self.remove(e);
            out.push((e, s));
        }
        for p in [a, b] {
            if self.count[p] as usize >= self.inst.parts[p].cap {
                let bits = self.busy[p];
                let k = bits.count_ones();
                if k == 0 {
                    self.undo_ejections(&out);
                    return None;
                }
                let slot = nth_bit(bits, rng.gen_range(0..k));
                let e = self.at(p, slot);
                if self.fixed[e as usize] {
                    self.undo_ejections(&out);
                    return None;
                }
                self.remove(e);
                out.push((e, slot));
            }
        }
        self.assign(m, s);
        Some(out)
    }

    /// Second half of an ejection chain: ejected meetings go to a free slot if one exists,
    /// and participants left without any meeting get one of their candidates back.
    fn settle(&mut self, out: &[(u32, u32)]) -> Vec<u32> {
        let mut added = Vec::new();
        for &(e, _) in out {
            if let Some(s) = self.best_free_slot(e) {
                self.assign(e, s);
                added.push(e);
            }
        }
        if self.inst.objective == Objective::MaxValue {
            for &(e, _) in out {
                let meet = &self.inst.meets[e as usize];
                for p in [meet.a, meet.b] {
                    if self.count[p] > 0 {
                        continue;
                    }
                    for i in 0..self.cands[p].len() {
                        let c = self.cands[p][i];
                        if self.slot_of[c as usize] == NONE {
                            if let Some(s) = self.best_free_slot(c) {
                                self.assign(c, s);
                                added.push(c);
                                break;
                            }
                        }
                    }
                }
            }
        }
        added
    }

    fn undo_ejections(&mut self, out: &[(u32, u32)]) {
        for &(e, s) in out.iter().rev() {
            self.assign(e, s);
        }
    }

    /// Meetings that swap between `from` and `to` with `m`, or None when the swap is illegal.
    fn kempe_chain(&self, m: u32, to: u32) -> Option<Vec<u32>> {
        let from = self.slot_of[m as usize];
        let mut chain = vec![m];
        let mut i = 0;
        let mut into_to = 0i64;
        while i < chain.len() {
            let x = chain[i];
            i += 1;
            let meet = &self.inst.meets[x as usize];
            let cur = self.slot_of[x as usize];
            let other = if cur == from { to } else { from };
            if meet.allowed & (1u128 << other) == 0 {
                return None;
            }
            if meet.shared {
                into_to += if cur == from { 1 } else { -1 };
            }
            for p in [meet.a, meet.b] {
                let y = self.at(p, other);
                if y != NONE && !chain.contains(&y) {
                    if self.fixed[y as usize] || chain.len() >= MAX_CHAIN {
                        return None;
                    }
                    chain.push(y);
                }
            }
        }
        let to_len = self.shared_in_slot[to as usize].len() as i64 + into_to;
        let from_len = self.shared_in_slot[from as usize].len() as i64 - into_to;
        let cap = self.shared_cap as i64;
        if to_len > cap || from_len > cap {
            return None;
        }
        Some(chain)
    }

    fn swap_chain(&mut self, chain: &[u32], s1: u32, s2: u32) {
        let olds: Vec<u32> = chain.iter().map(|&x| self.slot_of[x as usize]).collect();
        for &x in chain {
            self.remove(x);
        }
        for (&x, &o) in chain.iter().zip(&olds) {
            self.assign(x, if o == s1 { s2 } else { s1 });
        }
    }
}

/// Index of the k-th set bit.
fn nth_bit(mut bits: Mask, k: u32) -> u32 {
    for _ in 0..k {
        bits &= bits - 1;
    }
    bits.trailing_zeros()
}

fn random_slot(mask: Mask, rng: &mut ChaCha8Rng) -> Option<u32> {
    let k = mask.count_ones();
    (k > 0).then(|| nth_bit(mask, rng.gen_range(0..k)))
}

pub(crate) struct Outcome {
    pub slot_of: Vec<u32>,
    pub iterations: u64,
    pub time_limit_hit: bool,
}

pub(crate) struct Params {
    pub seed: u64,
    pub rounds: u32,
    pub iters_per_round: u64,
    pub start: Instant,
    pub time_limit_ms: u64,
    /// Stop as soon as this key is reached (the bound).
    pub target: Option<(i64, f64)>,
}

/// Greedy start: min_idle places the most constrained meetings first; max_value first gives
/// one meeting to each participant (fewest candidates first), then adds by value.
pub(crate) fn construct(st: &mut State) {
    let inst = st.inst;
    let mut order: Vec<u32> = st.unassigned().to_vec();
    match inst.objective {
        Objective::MinIdle => {
            let mut deg = vec![0u32; inst.parts.len()];
            for m in &inst.meets {
                deg[m.a] += 1;
                deg[m.b] += 1;
            }
            order.sort_by_key(|&m| {
                let x = &inst.meets[m as usize];
                (
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
            let mut cands: Vec<Vec<u32>> = vec![Vec::new(); n];
            for &m in &order {
                let x = &inst.meets[m as usize];
                cands[x.a].push(m);
                cands[x.b].push(m);
            }
            let mut people: Vec<usize> = (0..n).filter(|&p| !cands[p].is_empty()).collect();
            people.sort_by_key(|&p| (cands[p].len(), p));
            for p in people {
                if st.count[p] > 0 {
                    continue;
                }
                let mut mine = cands[p].clone();
                mine.sort_by(|&x, &y| {
                    let (mx, my) = (&inst.meets[x as usize], &inst.meets[y as usize]);
                    let fresh = |mm: &super::instance::Meet| {
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
                    if let Some(s) = st.best_free_slot(m) {
                        st.assign(m, s);
                        break;
                    }
                }
            }
            fill_by_value(st);
        }
    }
}

/// Adds every unplaced meeting that fits without ejecting anything, best value first.
pub(crate) fn fill_by_value(st: &mut State) {
    let inst = st.inst;
    let mut order: Vec<u32> = st.unassigned().to_vec();
    order.sort_by(|&x, &y| {
        inst.meets[y as usize]
            .value
            .total_cmp(&inst.meets[x as usize].value)
            .then(x.cmp(&y))
    });
    for m in order {
        if let Some(s) = st.best_free_slot(m) {
            st.assign(m, s);
        }
    }
}

fn better(a: (i64, f64), b: (i64, f64)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1 - 1e-9)
}

/// Simulated annealing in rounds; each round restarts from the best state at a high
/// temperature, cooling geometrically by iteration count.
pub(crate) fn anneal(st: &mut State, params: &Params) -> Outcome {
    let inst = st.inst;
    let obj = inst.objective;
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
    // max_value: a covered participant outweighs any value (fairness first).
    let (weight, t0, t1) = match obj {
        Objective::MinIdle => (3.0, 1.5, 0.05),
        Objective::MaxValue => (total_value + 1.0, 0.3 * mean_value, 0.005 * mean_value),
    };
    let mut best = st.slot_of.clone();
    let mut best_key = st.key(obj);
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
    'rounds: for round in 0..params.rounds {
        if round > 0 {
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
            let before = st.cost(obj, weight);
            let insert = st.n_unassigned() > 0 && rng.gen_bool(0.5);
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
                let Some(out) = st.insert_ejecting(m, s, &mut rng) else {
                    continue;
                };
                let added = st.settle(&out);
                let delta = st.cost(obj, weight) - before;
                if !accept(delta, temp, &mut rng) {
                    for &x in added.iter().rev() {
                        st.remove(x);
                    }
                    st.remove(m);
                    st.undo_ejections(&out);
                    continue;
                }
            } else {
                let mut m = movable[rng.gen_range(0..movable.len())];
                if obj == Objective::MinIdle {
                    // Prefer meetings of participants who have idle slots.
                    for _ in 0..3 {
                        let x = &inst.meets[m as usize];
                        if st.slot_of[m as usize] != NONE && st.idle_p[x.a] + st.idle_p[x.b] > 0 {
                            break;
                        }
                        m = movable[rng.gen_range(0..movable.len())];
                    }
                }
                let from = st.slot_of[m as usize];
                if from == NONE {
                    continue;
                }
                let allowed = inst.meets[m as usize].allowed & !(1u128 << from);
                let Some(to) = random_slot(allowed, &mut rng) else {
                    continue;
                };
                let Some(chain) = st.kempe_chain(m, to) else {
                    continue;
                };
                st.swap_chain(&chain, from, to);
                let delta = st.cost(obj, weight) - before;
                if !accept(delta, temp, &mut rng) {
                    st.swap_chain(&chain, from, to);
                    continue;
                }
            }
            let k = st.key(obj);
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
