//! The pruned top-k search over what the candidate index finds ([`super::postings`]).
//!
//! The index hands over the answers to a query with an upper bound of the fit through
//! each ([`Reach`]), strongest first in steps ([`Answers`]); a firm may be reached by
//! several answers. The search:
//!
//! 1. **walks down and cuts**: it takes the answers above a threshold, scores exactly the
//!    firms of the strongest few until k of them have a score, and lowers the threshold
//!    step by step. The k-th of those scores is reached by k real partners, so the final
//!    k-th score is at least as high: an answer whose bound (with the best the other
//!    direction could add) is below it cannot lift its firm into the top k. The walk stops
//!    there, so at 200 000 firms a popular concept's thousands of postings are mostly
//!    never read;
//! 2. **marks** each remaining answer's firm once, keeping per direction the best bound
//!    (an answer left unread counts with the bound the walk stopped at);
//! 3. **scores** the firms strongest bound first, and stops once no remaining bound can
//!    enter the top k.
//!
//! Pure: the answers, scoring and tie-breaking come from the caller, so the same search
//! serves every query of the [`super::rank::Matcher`].

use super::postings::{Reach, Slot, WalkBuffers, BUYS, SUPPLIES};
use super::rank::Direction;
use super::score::{combine, least_raw, rounded};
use super::ScoringConfig;
use std::cmp::Ordering;

/// Bounds and scores are compared with this margin for rounding.
const MARGIN: f64 = 1e-9;

/// How far the walk lowers its threshold per step: small steps read fewer answers below
/// the final floor, each step costs a cut.
const STEP: f64 = 0.05;

/// The answers to one query, as the index hands them over.
pub trait Answers {
    /// An upper bound of every answer not yet handed over; 0 when none is left.
    fn unseen(&self) -> f64;
    /// The same for the answers of the lookups in `how` ([`SUPPLIES`], [`BUYS`]) only.
    fn unseen_by(&self, how: u8) -> f64;
    /// Appends to `out` every answer not yet handed over whose bound may reach `theta`
    /// (all of them when `theta` is 0), with its bound.
    fn walk_to(&mut self, theta: f64, out: &mut Vec<Reach>);
}

/// How the search scores a firm.
pub trait Scorer {
    /// `None` when the firm is not a partner for this query (the querying firm itself,
    /// another scope), else its exact directed fits (supplies, buys) for the lookups in
    /// `which`, 0 for a direction left out (or that the query does not rank by).
    fn fits(&self, slot: Slot, which: u8) -> Option<(f64, f64)>;
    /// The ranking order: higher score first, ties broken by the firm's id.
    fn cmp(&self, a: &(f64, Slot), b: &(f64, Slot)) -> Ordering;
    /// False when a firm cannot answer the query by the lookup `how` ([`SUPPLIES`],
    /// [`BUYS`]) at all (they share no key): its fit that way is 0, however much the
    /// walk left unread.
    fn may_answer(&self, _slot: Slot, _how: u8) -> bool {
        true
    }
    /// Whether the query is held to a set of firms ([`Scorer::admits`]).
    fn filters(&self) -> bool {
        false
    }
    /// False for a firm the query may not answer with (one outside a forum): its answers are
    /// dropped as they are read.
    fn admits(&self, _slot: Slot) -> bool {
        true
    }
    /// A hint that a firm will be scored `steps` candidates from now (4, 2, then 1).
    /// Scoring waits on memory more than it computes, so the scorer may start loading what
    /// it will read, a level of indirection per step.
    fn prefetch(&self, _slot: Slot, _steps: usize) {}
}

/// The ranking score of directed fits (supplies, buys) for a query's direction, rounded
/// as lists give it ([`rounded`]).
pub fn ranking(direction: Direction, (supplies, buys): (f64, f64), cfg: &ScoringConfig) -> f64 {
    rounded(match direction {
        Direction::Supplies => supplies,
        Direction::Buys => buys,
        Direction::Both => combine(supplies, buys, cfg),
    })
}

/// What the search found: the best k (unordered), with its counters.
pub struct Found {
    pub best: Vec<(f64, Slot)>,
    pub candidates: u64,
    pub scored: u64,
}

/// Per-query scratch kept between queries (the marks are as long as the slot table).
#[derive(Default)]
pub struct Scratch {
    pub reaches: Vec<Reach>,
    /// Pairs scored by the queries run with this scratch, for a caller that counts its own
    /// (the matcher's counter is shared by every query on it).
    pub pairs_scored: u64,
    marks: Marks,
    candidates: Vec<Slot>,
    /// The candidates with the upper bound of their score, strongest first.
    bounded: Vec<(f64, Slot)>,
    /// Exact scores the cut computed, reused when the same firm comes up again.
    scored: Vec<(Slot, f64)>,
    chosen: SlotSet,
    /// The index walk's buffers, taken by each query's walk and given back after it.
    pub walk: WalkBuffers,
}

/// The best k of a query's `answers`.
pub fn search(
    scratch: &mut Scratch,
    answers: &mut impl Answers,
    slots: usize,
    direction: Direction,
    (k, min_score): (usize, f64),
    cfg: &ScoringConfig,
    scorer: &impl Scorer,
) -> Found {
    scratch.reaches.clear();
    scratch.scored.clear();
    let mut scored = 0u64;
    if k == 0 {
        return Found {
            best: Vec::new(),
            candidates: 0,
            scored,
        };
    }
    // A firm reaches the floor (a rounded score) only if one of its answers is bounded by
    // at least `least` (what rounds to the floor; in a two-way query the weaker direction
    // adds at most as much as the stronger one gives).
    let least_for = |floor: f64| match direction {
        Direction::Both => least_stronger_side(least_raw(floor), cfg.two_way_bonus),
        _ => least_raw(floor),
    };
    let mut floor = min_score;
    loop {
        let (least, top) = (least_for(floor), answers.unseen());
        if top <= 0.0 || top < least {
            break;
        }
        let read = scratch.reaches.len();
        answers.walk_to((top - STEP).max(least), &mut scratch.reaches);
        if scorer.filters() {
            let mut kept = read;
            for i in read..scratch.reaches.len() {
                if scorer.admits(scratch.reaches[i].slot) {
                    scratch.reaches[kept] = scratch.reaches[i];
                    kept += 1;
                }
            }
            scratch.reaches.truncate(kept);
        }
        if scratch.reaches.len() >= k {
            let (reached, n) = cut(
                &mut scratch.reaches,
                &mut scratch.scored,
                (k, direction, cfg),
                scorer,
            );
            scored += n;
            floor = floor.max(reached);
        }
    }
    // Every answer left unread is bounded below `least`: it adds no candidate, but may
    // be a candidate's weaker direction, bounded by what is left of that direction.
    let unseen = (answers.unseen_by(SUPPLIES), answers.unseen_by(BUYS));
    let least = least_for(floor);

    // The answers bounded by at least `least` choose the candidates. Then every other
    // answer of a candidate is marked too, so its bounds and directions are exact.
    let marks = &mut scratch.marks;
    marks.start(slots);
    scratch.candidates.clear();
    let mut weaker = false;
    for r in &scratch.reaches {
        if r.bound + MARGIN < least {
            weaker = true;
        } else if marks.reach(r.slot, r.how, r.bound) {
            scratch.candidates.push(r.slot);
        }
    }
    if weaker && direction == Direction::Both {
        let chosen = &mut scratch.chosen;
        chosen.start(slots, &scratch.candidates);
        for r in &scratch.reaches {
            if r.bound + MARGIN < least && chosen.contains(r.slot) {
                marks.reach(r.slot, r.how, r.bound);
            }
        }
        chosen.clear(&scratch.candidates);
    }

    // A direction left unread is bounded by `unseen`, unless the firm has no answer that
    // way at all.
    let unread_of = |slot: Slot| {
        [(SUPPLIES, unseen.0), (BUYS, unseen.1)]
            .into_iter()
            .filter(|&(how, u)| u > 0.0 && scorer.may_answer(slot, how))
            .fold(0, |bits, (how, _)| bits | how)
    };
    let at_most = |unread: u8, how: u8, u: f64| if unread & how != 0 { u } else { 0.0 };
    scratch.bounded.clear();
    scratch
        .bounded
        .extend(scratch.candidates.iter().map(|&slot| {
            let (supplies, buys) = marks.bounds(slot);
            let unread = unread_of(slot);
            let (supplies, buys) = (
                supplies.max(at_most(unread, SUPPLIES, unseen.0)),
                buys.max(at_most(unread, BUYS, unseen.1)),
            );
            // Rounded as scores are: a bound tied with the k-th score may still rank after
            // it by id.
            (ranking(direction, (supplies, buys), cfg), slot)
        }));
    // An unread answer may be a direction the marks do not show, bounded by `unseen`. Such
    // a direction is scored only when the reached ones, with it at `unseen`, could still
    // enter the top k (`beat`): most candidates of a two-way query are settled without it.
    let cached = &scratch.scored;
    let mut exact =
        |slot: Slot, reached: u8, beat: f64| match cached.iter().find(|(s, _)| *s == slot) {
            Some(&(_, score)) => Some(score),
            None => {
                scored += 1;
                let unread = unread_of(slot);
                let missing = unread & !reached;
                if missing == 0 || direction != Direction::Both {
                    let fits = scorer.fits(slot, reached | unread)?;
                    return Some(ranking(direction, fits, cfg));
                }
                let (supplies, buys) = scorer.fits(slot, reached)?;
                let upper = rounded(if missing == BUYS {
                    combine(supplies, unseen.1, cfg)
                } else {
                    combine(unseen.0, buys, cfg)
                });
                if upper < beat {
                    // Below what it must beat even at best: it cannot enter.
                    return Some(upper);
                }
                let (more_supplies, more_buys) = scorer.fits(slot, missing)?;
                Some(ranking(
                    direction,
                    (supplies + more_supplies, buys + more_buys),
                    cfg,
                ))
            }
        };
    let marks = &scratch.marks;
    let best = best_k(
        StrongestFirst::new(
            &mut scratch.bounded,
            |a, b| scorer.cmp(a, b),
            |slot, steps| scorer.prefetch(slot, steps),
        )
        .map(|(bound, slot)| (slot, marks.reached(slot), bound)),
        (k, min_score),
        &mut exact,
        &|a, b| scorer.cmp(a, b),
    );
    Found {
        best,
        candidates: scratch.candidates.len() as u64,
        scored,
    }
}

/// A score that k partners reach (so the final k-th score is no lower), from the firms of
/// the strongest answers; 0 when fewer than k are found among them. Their exact scores go
/// to `scored` (computed for every direction the firm may answer: the cut must not underestimate).
fn cut(
    reaches: &mut [Reach],
    scored: &mut Vec<(Slot, f64)>,
    (k, direction, cfg): (usize, Direction, &ScoringConfig),
    scorer: &impl Scorer,
) -> (f64, u64) {
    let strongest = |a: &Reach, b: &Reach| b.bound.total_cmp(&a.bound);
    let m = (4 * k + 16).min(reaches.len());
    if m < reaches.len() {
        reaches.select_nth_unstable_by(m - 1, strongest);
    }
    let head = &mut reaches[..m];
    head.sort_unstable_by(strongest);
    let mut tried = 0u64;
    let mut found: Vec<(Slot, f64)> = Vec::with_capacity(k);
    for r in head.iter() {
        if found.len() == k {
            break;
        }
        if found.iter().any(|(s, _)| *s == r.slot) {
            continue;
        }
        let score = match scored.iter().find(|(s, _)| *s == r.slot) {
            // Scored by an earlier cut of this query.
            Some(&(_, score)) => Some(score),
            None => {
                tried += 1;
                let ways = [SUPPLIES, BUYS]
                    .into_iter()
                    .filter(|&how| scorer.may_answer(r.slot, how))
                    .fold(0, |bits, how| bits | how);
                let score = scorer
                    .fits(r.slot, ways)
                    .map(|fits| ranking(direction, fits, cfg));
                if let Some(score) = score {
                    scored.push((r.slot, score));
                }
                score
            }
        };
        if let Some(score) = score.filter(|&s| s > 0.0) {
            found.push((r.slot, score));
        }
    }
    // Every firm this query has scored counts, not only those found now: the k-th best of
    // them is a score k partners reach.
    let floor = if scored.len() >= k {
        let mut scores: Vec<f64> = scored.iter().map(|s| s.1).collect();
        let (_, kth, _) = scores.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        kth.max(0.0)
    } else {
        0.0
    };
    (floor, tried)
}

/// The least bound h of the stronger direction with which a two-way score
/// `combine(h, lo) = h + bonus·lo·(1 − h)`, `lo ≤ h`, can reach `floor`: the root of
/// h + bonus·h·(1 − h) = floor in [0, 1] (that function grows there for bonus ≤ 1).
fn least_stronger_side(floor: f64, bonus: f64) -> f64 {
    if floor <= 0.0 {
        return 0.0;
    }
    let h = if bonus <= 1e-12 {
        floor
    } else {
        let b = 1.0 + bonus;
        (b - (b * b - 4.0 * bonus * floor).max(0.0).sqrt()) / (2.0 * bonus)
    };
    // Rounding must never raise the cut: a little lower only marks a few more.
    (h - 1e-9).max(0.0)
}

/// Scores `candidates` (slot, directions reached, upper bound of the rounded score), in
/// the ranking order of their bounds (`cmp`: strongest first, ties by id), and keeps the
/// best k: once a bound falls below the least score, or ranks after the k-th score (below
/// it, or tied with it and after it by id), no later candidate can enter. `score` is also
/// told what a candidate must beat to enter (the least score or the k-th): below that it
/// may answer any lower value instead of the exact one.
pub fn best_k(
    candidates: impl Iterator<Item = (Slot, u8, f64)>,
    (k, min_score): (usize, f64),
    score: &mut impl FnMut(Slot, u8, f64) -> Option<f64>,
    cmp: &impl Fn(&(f64, Slot), &(f64, Slot)) -> Ordering,
) -> Vec<(f64, Slot)> {
    let mut best = Best::new(k);
    for (slot, reached, bound) in candidates {
        let full = best.items.len() == best.k;
        let beat = if full {
            min_score.max(best.items[best.worst].0)
        } else {
            min_score
        };
        if k == 0
            || bound + MARGIN < min_score
            || (full && cmp(&(bound, slot), &best.items[best.worst]) != Ordering::Less)
        {
            break;
        }
        let Some(s) = score(slot, reached, beat) else {
            continue;
        };
        if s < min_score || s <= 0.0 {
            continue;
        }
        best.offer(cmp, s, slot);
    }
    best.items
}

/// A set of slots as one bit each: small enough to stay in cache while the walk's answers
/// stream past, cleared bit by bit after use.
#[derive(Debug, Default)]
struct SlotSet {
    words: Vec<u64>,
}

impl SlotSet {
    fn start(&mut self, slots: usize, members: &[Slot]) {
        let words = slots.div_ceil(64);
        if self.words.len() < words {
            self.words.resize(words, 0);
        }
        for &s in members {
            self.words[s as usize / 64] |= 1 << (s % 64);
        }
    }

    #[inline]
    fn contains(&self, s: Slot) -> bool {
        self.words[s as usize / 64] & (1 << (s % 64)) != 0
    }

    fn clear(&mut self, members: &[Slot]) {
        for &s in members {
            self.words[s as usize / 64] = 0;
        }
    }
}

/// What a query has found of a slot this epoch: which lookups reached it, and the upper
/// bounds of its fit in each direction.
#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    epoch: u32,
    reached: u8,
    supplies: f64,
    buys: f64,
}

/// Marks of the slots a query has proposed, by epoch so clearing is free.
#[derive(Debug, Default)]
struct Marks {
    epoch: u32,
    marks: Vec<Mark>,
}

impl Marks {
    fn start(&mut self, slots: usize) {
        if self.marks.len() < slots {
            self.marks.resize(slots, Mark::default());
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.marks.iter_mut().for_each(|m| *m = Mark::default());
            self.epoch = 1;
        }
    }

    /// Records that `how` reached a slot with an answer bounded by `bound`; true the first
    /// time the slot is seen this epoch.
    #[inline]
    fn reach(&mut self, slot: Slot, how: u8, bound: f64) -> bool {
        let m = &mut self.marks[slot as usize];
        let first = m.epoch != self.epoch;
        if first {
            *m = Mark {
                epoch: self.epoch,
                ..Mark::default()
            };
        }
        m.reached |= how;
        let b = if how == SUPPLIES {
            &mut m.supplies
        } else {
            &mut m.buys
        };
        *b = b.max(bound);
        first
    }

    /// The lookups that reached a slot this epoch.
    #[inline]
    fn reached(&self, slot: Slot) -> u8 {
        let m = self.marks[slot as usize];
        if m.epoch == self.epoch {
            m.reached
        } else {
            0
        }
    }

    /// Upper bounds of how well a reached slot supplies the query and buys from it.
    #[inline]
    fn bounds(&self, slot: Slot) -> (f64, f64) {
        let m = self.marks[slot as usize];
        if m.epoch == self.epoch {
            (m.supplies, m.buys)
        } else {
            (0.0, 0.0)
        }
    }
}

/// Candidates with their bounds in ranking order (`cmp`), sorted lazily in growing
/// batches: the walk usually stops after a few dozen of several hundred, so most are never
/// sorted. Each step hints at the candidates a few steps ahead (`ahead`).
struct StrongestFirst<'a, C, F> {
    rest: &'a mut [(f64, Slot)],
    batch: usize,
    next: usize,
    sorted: usize,
    cmp: C,
    ahead: F,
}

impl<'a, C, F> StrongestFirst<'a, C, F>
where
    C: Fn(&(f64, Slot), &(f64, Slot)) -> Ordering,
    F: Fn(Slot, usize),
{
    fn new(all: &'a mut [(f64, Slot)], cmp: C, ahead: F) -> Self {
        StrongestFirst {
            rest: all,
            batch: 32,
            next: 0,
            sorted: 0,
            cmp,
            ahead,
        }
    }
}

impl<C, F> Iterator for StrongestFirst<'_, C, F>
where
    C: Fn(&(f64, Slot), &(f64, Slot)) -> Ordering,
    F: Fn(Slot, usize),
{
    type Item = (f64, Slot);

    fn next(&mut self) -> Option<(f64, Slot)> {
        if self.next == self.sorted {
            let unsorted = &mut self.rest[self.sorted..];
            if unsorted.is_empty() {
                return None;
            }
            let n = self.batch.min(unsorted.len());
            if n < unsorted.len() {
                unsorted.select_nth_unstable_by(n, &self.cmp);
            }
            unsorted[..n].sort_unstable_by(&self.cmp);
            self.sorted += n;
            self.batch *= 2;
        }
        let sorted = &self.rest[..self.sorted];
        for steps in [1, 2, 4] {
            if let Some(&(_, slot)) = sorted.get(self.next + steps) {
                (self.ahead)(slot, steps);
            }
        }
        let item = self.rest[self.next];
        self.next += 1;
        Some(item)
    }
}

/// The best k so far, unordered; `worst` indexes the one ranked last, so most candidates
/// lose against the k-th score without touching ids or sorting.
struct Best {
    k: usize,
    items: Vec<(f64, Slot)>,
    worst: usize,
}

impl Best {
    fn new(k: usize) -> Best {
        Best {
            k,
            items: Vec::with_capacity(k + 1),
            worst: 0,
        }
    }

    fn offer(&mut self, cmp: &impl Fn(&(f64, Slot), &(f64, Slot)) -> Ordering, s: f64, slot: Slot) {
        if self.items.len() < self.k {
            self.items.push((s, slot));
        } else if s >= self.items[self.worst].0
            && cmp(&(s, slot), &self.items[self.worst]) == Ordering::Less
        {
            self.items[self.worst] = (s, slot);
        } else {
            return;
        }
        let items = &self.items;
        self.worst = (0..items.len())
            .max_by(|&i, &j| cmp(&items[i], &items[j]))
            .unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_way_score_reaches_the_floor_below_the_least_stronger_side() {
        let cfg = ScoringConfig::default();
        for bonus in [0.0, 0.23, 0.5, 1.0] {
            let cfg = ScoringConfig {
                two_way_bonus: bonus,
                ..cfg.clone()
            };
            for floor in [0.05, 0.3, 0.62, 0.9, 0.97, 1.0] {
                let least = least_stronger_side(floor, bonus);
                // At the least side, both directions equal: the floor is just reached.
                assert!(combine(least + 2e-9, least + 2e-9, &cfg) >= floor - 1e-12);
                // Any stronger side below it, with any weaker side, stays under the floor.
                let hi = least - 1e-6;
                for lo in [0.0, hi / 2.0, hi] {
                    assert!(combine(hi, lo, &cfg) < floor, "{bonus} {floor} {hi} {lo}");
                }
            }
        }
    }
}
