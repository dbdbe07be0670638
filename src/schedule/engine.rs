//! The search: a partial, always-legal slot assignment of meetings, improved by simulated
//! annealing over three moves.
//!
//! - *insert with ejection*: put an unplaced meeting in a slot, ejecting whatever stands in
//!   the way (the participants' meetings at that slot, a meeting holding the last shared
//!   table, a meeting over a participant's cap). This is the partial-colouring walk that
//!   finds complete timetables when a greedy start leaves some meetings out. Ejected
//!   meetings go back where they fit, and (`max_value`) a participant left without any
//!   meeting gets one of its candidates back, ejecting only what leaves nobody uncovered.
//! - *Kempe chain*: swap slots s1 ↔ s2 for the connected set of meetings reachable from one
//!   meeting through shared participants. Legal by construction for participants; it
//!   reshapes participants' days without losing meetings (edge-colouring style).
//! - *relocation* of a block (a pair's consecutive meetings), which chains do not move.
//!
//! The walk runs in two phases. The first places meetings: every one with the fewest gaps
//! (`min_idle`), or the most participants covered then the most value (`max_value`). The
//! second keeps the set of meetings and only moves them, for compact days: fewest idle
//! slots then fewest waiting slots (span), or the other way round with `span_first`.
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
/// In the second phase, one more slot of the first measure costs this many of the second.
const SECONDARY_WEIGHT: f64 = 4.0;
/// Attempts at giving a participant left without any meeting one back by ejection.
const COVER_ATTEMPTS: usize = 12;

/// What the walk minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Which meetings and where: `min_idle` every meeting with the fewest gaps of the first
    /// measure; `max_value` the most participants covered, then the most value.
    Primary,
    /// The same meetings, moved: fewest gaps of the first measure, then of the second.
    Secondary,
}

/// A change, for undoing.
#[derive(Debug, Clone, Copy)]
enum Op {
    Placed(u32),
    Removed(u32, u32),
}

/// The meetings a move's journal took off the plan, to be placed again.
fn ejected(journal: &[Op]) -> Vec<u32> {
    journal
        .iter()
        .filter_map(|op| match *op {
            Op::Removed(e, _) => Some(e),
            Op::Placed(_) => None,
        })
        .collect()
}

pub(crate) struct State<'a> {
    inst: &'a Instance,
    /// Start slot of each meeting (NONE when unplaced).
    pub slot_of: Vec<u32>,
    pub fixed: Vec<bool>,
    occ: Vec<u32>,
    pub busy: Vec<Mask>,
    pub count: Vec<u32>,
    shared_in_slot: Vec<Vec<u32>>,
    /// Where slot `k` of meeting `m` sits in `shared_in_slot`: index `first[m] + k`.
    spos: Vec<u32>,
    first: Vec<u32>,
    /// Where an unplaced meeting sits in `unassigned`.
    upos: Vec<u32>,
    unassigned: Vec<u32>,
    pub value: f64,
    pub covered: usize,
    pub idle: i64,
    pub span: i64,
    idle_p: Vec<u32>,
    span_p: Vec<u32>,
    shared_cap: usize,
    /// Placeable meetings of each participant.
    cands: Vec<Vec<u32>>,
    /// Which measure of waiting comes first for this walk (the request's order, unless the
    /// solver tries the other one first on its way).
    pub span_first: bool,
}

impl<'a> State<'a> {
    /// Empty state with `pinned` meetings placed and never moved afterwards. The caller
    /// guarantees pinned meetings are mutually legal.
    pub fn new(inst: &'a Instance, pinned: &[Option<u32>]) -> Self {
        let n = inst.parts.len();
        let m = inst.meets.len();
        let mut first = Vec::with_capacity(m);
        let mut total = 0u32;
        for meet in &inst.meets {
            first.push(total);
            total += meet.len;
        }
        let mut st = State {
            inst,
            slot_of: vec![NONE; m],
            fixed: vec![false; m],
            occ: vec![NONE; n * inst.n_slots],
            busy: vec![0; n],
            count: vec![0; n],
            shared_in_slot: vec![Vec::new(); inst.n_slots],
            spos: vec![NONE; total as usize],
            first,
            upos: vec![NONE; m],
            unassigned: Vec::new(),
            value: 0.0,
            covered: 0,
            idle: 0,
            span: 0,
            idle_p: vec![0; n],
            span_p: vec![0; n],
            shared_cap: inst.shared_capacity(),
            cands: vec![Vec::new(); n],
            span_first: inst.span_first,
        };
        for (i, meet) in inst.meets.iter().enumerate() {
            if meet.allowed != 0 {
                st.cands[meet.a].push(i as u32);
                st.cands[meet.b].push(i as u32);
                st.upos[i] = st.unassigned.len() as u32;
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
        let p = self.upos[m as usize];
        if p == NONE {
            return;
        }
        let last = *self.unassigned.last().unwrap();
        self.unassigned.swap_remove(p as usize);
        if last != m {
            self.upos[last as usize] = p;
        }
        self.upos[m as usize] = NONE;
    }

    fn refresh_gaps(&mut self, p: usize) {
        let (idle, span) = self.inst.gaps_of(p, self.busy[p]);
        self.idle += idle as i64 - self.idle_p[p] as i64;
        self.span += span as i64 - self.span_p[p] as i64;
        self.idle_p[p] = idle;
        self.span_p[p] = span;
    }

    /// The measure that comes first (idle, or span with `span_first`) and the other one.
    pub fn measures(&self) -> (i64, i64) {
        if self.span_first {
            (self.span, self.idle)
        } else {
            (self.idle, self.span)
        }
    }

    /// Low-level placement; the start slot must be legal.
    fn place(&mut self, m: u32, s: u32) {
        let meet = &self.inst.meets[m as usize];
        let (a, b, shared, v, len) = (meet.a, meet.b, meet.shared, meet.value, meet.len);
        let bits = meet.span_at(s);
        let ns = self.inst.n_slots;
        self.slot_of[m as usize] = s;
        for p in [a, b] {
            for t in s..s + len {
                self.occ[p * ns + t as usize] = m;
            }
            self.busy[p] |= bits;
            if self.count[p] == 0 {
                self.covered += 1;
            }
            self.count[p] += len;
            self.refresh_gaps(p);
        }
        if shared {
            let base = self.first[m as usize] as usize;
            for k in 0..len {
                let list = &mut self.shared_in_slot[(s + k) as usize];
                self.spos[base + k as usize] = list.len() as u32;
                list.push(m);
            }
        }
        self.value += v;
    }

    fn remove(&mut self, m: u32) {
        let s = self.slot_of[m as usize];
        debug_assert!(s != NONE);
        let meet = &self.inst.meets[m as usize];
        let (a, b, shared, v, len) = (meet.a, meet.b, meet.shared, meet.value, meet.len);
        let bits = meet.span_at(s);
        let ns = self.inst.n_slots;
        for p in [a, b] {
            for t in s..s + len {
                self.occ[p * ns + t as usize] = NONE;
            }
            self.busy[p] &= !bits;
            self.count[p] -= len;
            if self.count[p] == 0 {
                self.covered -= 1;
            }
            self.refresh_gaps(p);
        }
        if shared {
            let base = self.first[m as usize] as usize;
            for k in 0..len {
                let t = (s + k) as usize;
                let p = self.spos[base + k as usize] as usize;
                let list = &mut self.shared_in_slot[t];
                let last = *list.last().unwrap();
                list.swap_remove(p);
                if last != m {
                    // `t` is slot `t − start` of the meeting that moves into the hole.
                    let lk = t - self.slot_of[last as usize] as usize;
                    self.spos[self.first[last as usize] as usize + lk] = p as u32;
                }
            }
        }
        self.value -= v;
        self.slot_of[m as usize] = NONE;
        self.upos[m as usize] = self.unassigned.len() as u32;
        self.unassigned.push(m);
    }

    pub fn assign(&mut self, m: u32, s: u32) {
        self.detach_unassigned(m);
        self.place(m, s);
    }

    fn j_assign(&mut self, m: u32, s: u32, journal: &mut Vec<Op>) {
        self.assign(m, s);
        journal.push(Op::Placed(m));
    }

    fn j_remove(&mut self, m: u32, journal: &mut Vec<Op>) {
        let s = self.slot_of[m as usize];
        self.remove(m);
        journal.push(Op::Removed(m, s));
    }

    /// Undoes the journal's changes after `mark`, newest first.
    fn rollback(&mut self, journal: &mut Vec<Op>, mark: usize) {
        while journal.len() > mark {
            match journal.pop().unwrap() {
                Op::Placed(m) => self.remove(m),
                Op::Removed(m, s) => self.assign(m, s),
            }
        }
    }

    fn at(&self, p: usize, s: u32) -> u32 {
        self.occ[p * self.inst.n_slots + s as usize]
    }

    fn shared_full(&self, s: u32) -> bool {
        self.shared_in_slot[s as usize].len() >= self.shared_cap
    }

    /// Whether a shared table is open in every slot `m` takes from `s`.
    fn table_room(&self, m: u32, s: u32) -> bool {
        let meet = &self.inst.meets[m as usize];
        !meet.shared || (s..s + meet.len).all(|t| !self.shared_full(t))
    }

    fn under_cap(&self, m: u32) -> bool {
        let meet = &self.inst.meets[m as usize];
        [meet.a, meet.b]
            .iter()
            .all(|&p| (self.count[p] + meet.len) as usize <= self.inst.parts[p].cap)
    }

    /// Start slots where `m` fits with both participants free for its whole length.
    fn free_starts(&self, m: u32) -> Mask {
        let meet = &self.inst.meets[m as usize];
        let free = !self.busy[meet.a] & !self.busy[meet.b];
        let whole = (1..meet.len).fold(free, |run, i| run & (free >> i));
        meet.allowed & whole
    }

    /// Slot where `m` fits without ejecting anything, choosing the one that adds the fewest
    /// gaps (first measure, then second), then the least loaded.
    pub fn best_free_slot(&self, m: u32) -> Option<u32> {
        if !self.under_cap(m) {
            return None;
        }
        let meet = &self.inst.meets[m as usize];
        let (a, b) = (meet.a, meet.b);
        let mut free = self.free_starts(m);
        let mut best: Option<(i64, i64, usize, u32)> = None;
        while free != 0 {
            let s = free.trailing_zeros();
            free &= free - 1;
            if !self.table_room(m, s) {
                continue;
            }
            let bits = meet.span_at(s);
            let (ia, sa) = self.inst.gaps_of(a, self.busy[a] | bits);
            let (ib, sb) = self.inst.gaps_of(b, self.busy[b] | bits);
            let di = ia as i64 + ib as i64 - self.idle_p[a] as i64 - self.idle_p[b] as i64;
            let ds = sa as i64 + sb as i64 - self.span_p[a] as i64 - self.span_p[b] as i64;
            let (d1, d2) = if self.span_first { (ds, di) } else { (di, ds) };
            let load = self.shared_in_slot[s as usize].len();
            let key = (d1, d2, load, s);
            if best.is_none_or(|k| key < k) {
                best = Some(key);
            }
        }
        best.map(|k| k.3)
    }

    /// Lexicographic quality of a phase: smaller is better.
    pub fn key(&self, phase: Phase) -> (i64, f64) {
        match (phase, self.inst.objective) {
            (Phase::Primary, Objective::MinIdle) => {
                (self.unassigned.len() as i64, self.measures().0 as f64)
            }
            (Phase::Primary, Objective::MaxValue) => (-(self.covered as i64), -self.value),
            (Phase::Secondary, objective) => {
                let (first, second) = self.measures();
                // min_idle's second phase may eject meetings on its way: unplaced ones first.
                let unplaced = match objective {
                    Objective::MinIdle => self.unassigned.len() as i64,
                    Objective::MaxValue => 0,
                };
                ((unplaced << 32) + first, second as f64)
            }
        }
    }

    fn cost(&self, phase: Phase, weight: f64) -> f64 {
        match (phase, self.inst.objective) {
            (Phase::Primary, Objective::MinIdle) => {
                weight * self.unassigned.len() as f64 + self.measures().0 as f64
            }
            (Phase::Primary, Objective::MaxValue) => -(self.value + weight * self.covered as f64),
            (Phase::Secondary, objective) => {
                let (first, second) = self.measures();
                let unplaced = match objective {
                    Objective::MinIdle => self.unassigned.len() as f64,
                    Objective::MaxValue => 0.0,
                };
                3.0 * unplaced + weight * first as f64 + second as f64
            }
        }
    }

    /// Insert `m` at `s`, ejecting what blocks it (each ejection journaled). Returns false
    /// (and changes nothing) when a pinned meeting blocks.
    fn insert_ejecting(
        &mut self,
        m: u32,
        s: u32,
        rng: &mut ChaCha8Rng,
        journal: &mut Vec<Op>,
    ) -> bool {
        let mark = journal.len();
        let meet = &self.inst.meets[m as usize];
        let (a, b, shared, len) = (meet.a, meet.b, meet.shared, meet.len);
        let cover = meet.span_at(s);
        for p in [a, b] {
            while self.busy[p] & cover != 0 {
                let t = (self.busy[p] & cover).trailing_zeros();
                let e = self.at(p, t);
                if self.fixed[e as usize] {
                    self.rollback(journal, mark);
                    return false;
                }
                self.j_remove(e, journal);
            }
        }
        if shared {
            for t in s..s + len {
                if !self.shared_full(t) {
                    continue;
                }
                let list = &self.shared_in_slot[t as usize];
                if list.is_empty() {
                    // Every table is kept by a host: no meeting without a host fits anywhere.
                    self.rollback(journal, mark);
                    return false;
                }
                let e = list[rng.gen_range(0..list.len())];
                if self.fixed[e as usize] {
                    self.rollback(journal, mark);
                    return false;
                }
                self.j_remove(e, journal);
            }
        }
        for p in [a, b] {
            while (self.count[p] + len) as usize > self.inst.parts[p].cap {
                let bits = self.busy[p];
                let k = bits.count_ones();
                if k == 0 {
                    self.rollback(journal, mark);
                    return false;
                }
                let slot = nth_bit(bits, rng.gen_range(0..k));
                let e = self.at(p, slot);
                if self.fixed[e as usize] {
                    self.rollback(journal, mark);
                    return false;
                }
                self.j_remove(e, journal);
            }
        }
        self.j_assign(m, s, journal);
        true
    }

    /// Second half of an ejection chain: ejected meetings go to a free slot if one exists,
    /// and (`max_value`) participants left without any meeting get one back.
    fn settle(&mut self, ejected: &[u32], rng: &mut ChaCha8Rng, journal: &mut Vec<Op>) {
        for &e in ejected {
            if self.slot_of[e as usize] == NONE {
                if let Some(s) = self.best_free_slot(e) {
                    self.j_assign(e, s, journal);
                }
            }
        }
        if self.inst.objective == Objective::MaxValue {
            for &e in ejected {
                let meet = &self.inst.meets[e as usize];
                for p in [meet.a, meet.b] {
                    if self.count[p] == 0 {
                        self.cover(p, rng, journal);
                    }
                }
            }
        }
    }

    /// Gives `p`, who has no meeting, one of its candidates: where it fits, else by ejecting
    /// meetings whose participants all keep another meeting.
    fn cover(&mut self, p: usize, rng: &mut ChaCha8Rng, journal: &mut Vec<Op>) {
        for i in 0..self.cands[p].len() {
            let c = self.cands[p][i];
            if self.slot_of[c as usize] == NONE {
                if let Some(s) = self.best_free_slot(c) {
                    self.j_assign(c, s, journal);
                    return;
                }
            }
        }
        let k = self.cands[p].len();
        if k == 0 {
            return;
        }
        for _ in 0..COVER_ATTEMPTS {
            let c = self.cands[p][rng.gen_range(0..k)];
            if self.slot_of[c as usize] != NONE {
                continue;
            }
            let Some(s) = random_slot(self.inst.meets[c as usize].allowed, rng) else {
                continue;
            };
            let mark = journal.len();
            if !self.insert_ejecting(c, s, rng, journal) {
                continue;
            }
            let uncovers = journal[mark..].iter().any(|op| match *op {
                Op::Removed(e, _) => {
                    let x = &self.inst.meets[e as usize];
                    self.count[x.a] == 0 || self.count[x.b] == 0
                }
                Op::Placed(_) => false,
            });
            if !uncovers {
                return;
            }
            self.rollback(journal, mark);
        }
    }

    /// Places `m` without taking anything out: in a slot where both are free, or in a slot
    /// where one of them is busy after a Kempe swap moves that meeting (and its chain) away.
    /// Returns whether `m` was placed.
    pub fn insert_by_swap(&mut self, m: u32) -> bool {
        if let Some(s) = self.best_free_slot(m) {
            self.assign(m, s);
            return true;
        }
        let meet = &self.inst.meets[m as usize];
        let (a, b, len) = (meet.a, meet.b, meet.len);
        if len > 1 || !self.under_cap(m) {
            return false;
        }
        let mut slots = meet.allowed;
        while slots != 0 {
            let s = slots.trailing_zeros();
            slots &= slots - 1;
            let (ya, yb) = (self.at(a, s), self.at(b, s));
            let y = match (ya != NONE, yb != NONE) {
                (true, false) => ya,
                (false, true) => yb,
                _ => continue,
            };
            if self.fixed[y as usize] || self.inst.meets[y as usize].len > 1 {
                continue;
            }
            let mut targets = self.inst.meets[y as usize].allowed & !(1u128 << s);
            while targets != 0 {
                let s2 = targets.trailing_zeros();
                targets &= targets - 1;
                let Some(chain) = self.kempe_chain(y, s2) else {
                    continue;
                };
                self.swap_chain(&chain, s, s2);
                if self.at(a, s) == NONE && self.at(b, s) == NONE && self.table_room(m, s) {
                    self.assign(m, s);
                    return true;
                }
                self.swap_chain(&chain, s, s2);
            }
        }
        false
    }

    /// Meetings that swap between `from` and `to` with `m`, or None when the swap is illegal
    /// (blocks never take part: they keep their slots together).
    fn kempe_chain(&self, m: u32, to: u32) -> Option<Vec<u32>> {
        let from = self.slot_of[m as usize];
        let mut chain = vec![m];
        let mut i = 0;
        let mut into_to = 0i64;
        while i < chain.len() {
            let x = chain[i];
            i += 1;
            let meet = &self.inst.meets[x as usize];
            if meet.len > 1 {
                return None;
            }
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
