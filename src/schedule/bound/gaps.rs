//! The idle and waiting bound: the fewest gaps each participant's own meetings force,
//! found by trying session windows in order of size, within a budget.

use crate::schedule::instance::{range_mask, Instance, Mask};

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
