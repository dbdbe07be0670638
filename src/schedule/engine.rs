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
use rand::Rng;
use rand_chacha::ChaCha8Rng;

mod moves;
mod walk;

pub(crate) use walk::{anneal, better, construct, fill_by_value, restore, Params};

pub(crate) const NONE: u32 = u32::MAX;

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
