//! The moves of the walk on a state: insert with ejection (with settling the ejected and
//! covering a participant left without a meeting), the swap insert, and Kempe chains.

use super::{nth_bit, random_slot, Op, State, NONE};
use crate::schedule::types::Objective;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Chains longer than this are not worth their cost and rarely accepted.
const MAX_CHAIN: usize = 48;
/// Attempts at giving a participant left without any meeting one back by ejection.
const COVER_ATTEMPTS: usize = 12;

impl State<'_> {
    /// Insert `m` at `s`, ejecting what blocks it (each ejection journaled). Returns false
    /// (and changes nothing) when a pinned meeting blocks.
    pub(super) fn insert_ejecting(
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
    pub(super) fn settle(&mut self, ejected: &[u32], rng: &mut ChaCha8Rng, journal: &mut Vec<Op>) {
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
    pub(super) fn kempe_chain(&self, m: u32, to: u32) -> Option<Vec<u32>> {
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

    pub(super) fn swap_chain(&mut self, chain: &[u32], s1: u32, s2: u32) {
        let olds: Vec<u32> = chain.iter().map(|&x| self.slot_of[x as usize]).collect();
        for &x in chain {
            self.remove(x);
        }
        for (&x, &o) in chain.iter().zip(&olds) {
            self.assign(x, if o == s1 { s2 } else { s1 });
        }
    }
}
