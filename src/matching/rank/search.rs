//! Answering queries: the partners a firm's concepts reach in scope, scored exactly, the
//! best k kept (for one firm, a set of firms or all firms), and the exhaustive reference
//! they are measured against.

use super::{Among, Direction, Match, MatchQuery, Matcher, Partner, Scope};
use crate::domain::{FirmId, FirmProfile, Province};
use crate::matching::postings::{part_of, Levels, LookupSketch, Slot, BUYS, SUPPLIES};
use crate::matching::score::{directed, explain_match, FirmFeatures, ItemFeatures, Lang};
use crate::matching::topk::{self, best_k, Scratch};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

impl Matcher {
    fn in_scope(me: Province, other: Province, scope: Scope) -> bool {
        match scope {
            Scope::Other => me != other,
            Scope::Same => me == other,
            Scope::Both => true,
        }
    }

    /// The provinces (posting parts) a query of a firm in `me` looks in.
    fn parts(me: Province, scope: Scope) -> Vec<usize> {
        Province::ALL
            .into_iter()
            .filter(|&p| Self::in_scope(me, p, scope))
            .map(part_of)
            .collect()
    }

    fn levels(&self) -> Levels {
        Levels {
            heading: self.config.hs.heading4 > 0.0,
            chapter: self.config.hs.chapter2 > 0.0,
        }
    }

    /// The ranking score of `partner` for a firm with features `q`: allocation-free. Only
    /// the directions in `reached` are scored; the index leaves a direction out only when
    /// it scores 0.
    /// The exact directed fits (supplies, buys) of a partner for the lookups in `which`;
    /// 0 for a direction left out.
    fn fits(&self, q: &FirmFeatures, partner: &FirmFeatures, which: u8) -> (f64, f64) {
        let cfg = &self.config;
        let supplies = if which & SUPPLIES != 0 {
            directed(partner, q, cfg, None).score
        } else {
            0.0
        };
        let buys = if which & BUYS != 0 {
            directed(q, partner, cfg, None).score
        } else {
            0.0
        };
        (supplies, buys)
    }

    /// How one query scores its candidates: the querying firm's own slot (`me`) and a
    /// forum's set (`among`) left out.
    fn scorer<'a>(
        &'a self,
        (me, among): (Option<Slot>, Option<&'a Among>),
        profile: &FirmProfile,
        q: &'a FirmFeatures,
        query: &'a MatchQuery,
    ) -> QueryScorer<'a> {
        QueryScorer {
            matcher: self,
            me,
            province: profile.province(),
            q,
            query,
            among,
            lookup: LookupSketch::of(q, self.levels()),
        }
    }

    /// Scores `candidates` exactly and keeps the best k.
    fn top_k(
        &self,
        me: Option<Slot>,
        profile: &FirmProfile,
        q: &FirmFeatures,
        query: &MatchQuery,
        candidates: impl Iterator<Item = (Slot, u8, f64)>,
    ) -> Vec<Match> {
        let scorer = self.scorer((me, None), profile, q, query);
        let mut scored = 0u64;
        let best = best_k(
            candidates,
            (query.k, query.min_score),
            &mut |slot, reached, _| {
                scored += 1;
                let fits = topk::Scorer::fits(&scorer, slot, reached)?;
                Some(topk::ranking(query.direction, fits, &self.config))
            },
            &|a, b| self.rank_cmp(a, b),
        );
        self.pairs_scored.fetch_add(scored, AtomicOrdering::Relaxed);
        self.finish(profile, q, query, best)
    }

    /// Top-k through the index: every partner the query's concepts reach that could enter
    /// the top k, scored exactly ([`topk::search`]).
    fn top_k_indexed(
        &self,
        (me, among): (Option<Slot>, Option<&Among>),
        profile: &FirmProfile,
        q: &FirmFeatures,
        query: &MatchQuery,
        scratch: &mut Scratch,
    ) -> Vec<Match> {
        let mut answers = self.postings.walk(
            q,
            &Self::parts(profile.province(), query.scope),
            query.direction,
            (self.levels(), &self.config),
            std::mem::take(&mut scratch.walk),
        );
        let scorer = self.scorer((me, among), profile, q, query);
        let found = topk::search(
            scratch,
            &mut answers,
            self.slots.len(),
            query.direction,
            (query.k, query.min_score),
            &self.config,
            &scorer,
        );
        self.candidates
            .fetch_add(found.candidates, AtomicOrdering::Relaxed);
        self.pairs_scored
            .fetch_add(found.scored, AtomicOrdering::Relaxed);
        scratch.pairs_scored += found.scored;
        scratch.walk = answers.into_buffers();
        self.finish(profile, q, query, found.best)
    }

    fn rank_cmp(&self, a: &(f64, Slot), b: &(f64, Slot)) -> Ordering {
        b.0.total_cmp(&a.0).then_with(|| {
            let (x, y) = (a.1 as usize, b.1 as usize);
            self.id_keys[x].cmp(&self.id_keys[y]).then_with(|| {
                let id = |s: usize| &self.slots[s].as_ref().expect("scored slot").firm.id;
                id(x).cmp(id(y))
            })
        })
    }

    /// The best k, sorted, with both directed fits and reasons.
    fn finish(
        &self,
        profile: &FirmProfile,
        q: &FirmFeatures,
        query: &MatchQuery,
        mut scored: Vec<(f64, Slot)>,
    ) -> Vec<Match> {
        scored.sort_by(|a, b| self.rank_cmp(a, b));
        scored
            .into_iter()
            .map(|(score, slot)| {
                let e = self.entry(slot).expect("scored slot");
                let (supplies, buys, reasons) = explain_match(
                    profile,
                    q,
                    &e.firm.profile,
                    &e.features,
                    query.direction,
                    &self.config,
                    Lang::En,
                );
                Match {
                    partner: Partner {
                        id: e.firm.id.clone(),
                        name: e.firm.profile.name().to_string(),
                        province: e.firm.profile.province(),
                        regency: e.firm.profile.regency().to_string(),
                    },
                    score,
                    supplies,
                    buys,
                    reasons,
                }
            })
            .collect()
    }

    fn with_scratch<T>(&self, f: impl FnOnce(&mut Scratch) -> T) -> T {
        let pool = || self.scratch_pool.lock().unwrap_or_else(|p| p.into_inner());
        let mut scratch = pool().pop().unwrap_or_default();
        let out = f(&mut scratch);
        pool().push(scratch);
        out
    }

    /// Top-k partners of a stored firm through the index; `None` for an unknown id.
    pub fn matches_for(&self, id: &FirmId, query: &MatchQuery) -> Option<Vec<Match>> {
        let slot = *self.by_id.get(id)?;
        let e = self.entry(slot)?;
        Some(self.with_scratch(|scratch| {
            self.top_k_indexed(
                (Some(slot), None),
                &e.firm.profile,
                &e.features,
                query,
                scratch,
            )
        }))
    }

    /// The stored firms of `ids` (unknown ids left out), as a set that queries to this
    /// matcher, as it is now, can be held to ([`Matcher::matches_among`]).
    pub fn among<'a>(&self, ids: impl IntoIterator<Item = &'a FirmId>) -> Among {
        let mut words = vec![0u64; self.slots.len().div_ceil(64)];
        for id in ids {
            if let Some(&slot) = self.by_id.get(id) {
                words[slot as usize / 64] |= 1 << (slot % 64);
            }
        }
        Among { words }
    }

    /// Top-k partners of a stored firm among `among` only, such as a forum's participants:
    /// the best k of those, however far down the overall ranking they are. `None` for an
    /// unknown id.
    pub fn matches_among(
        &self,
        id: &FirmId,
        query: &MatchQuery,
        among: &Among,
    ) -> Option<Vec<Match>> {
        let slot = *self.by_id.get(id)?;
        let e = self.entry(slot)?;
        Some(self.with_scratch(|scratch| {
            self.top_k_indexed(
                (Some(slot), Some(among)),
                &e.firm.profile,
                &e.features,
                query,
                scratch,
            )
        }))
    }

    /// Top-k partners of a profile that need not be stored ("who would I meet?").
    pub fn matches_for_profile(&self, profile: &FirmProfile, query: &MatchQuery) -> Vec<Match> {
        let q = FirmFeatures::of(profile);
        self.with_scratch(|scratch| self.top_k_indexed((None, None), profile, &q, query, scratch))
    }

    /// Top-k of a stored firm by scoring every firm: the reference for recall.
    pub fn matches_for_exhaustive(&self, id: &FirmId, query: &MatchQuery) -> Option<Vec<Match>> {
        let slot = *self.by_id.get(id)?;
        let e = self.entry(slot)?;
        let all = (0..self.slots.len() as Slot).map(|s| (s, SUPPLIES | BUYS, f64::INFINITY));
        Some(self.top_k(Some(slot), &e.firm.profile, &e.features, query, all))
    }

    fn ids_sorted(&self) -> Vec<(&FirmId, Slot)> {
        let mut ids: Vec<(&FirmId, Slot)> = self.by_id.iter().map(|(id, &s)| (id, s)).collect();
        ids.sort();
        ids
    }

    /// Top-k for every firm through the index, in parallel on the current rayon pool (run it
    /// inside `pool.install` to choose the pool). Sorted by firm id.
    pub fn rank_all(&self, query: &MatchQuery) -> Vec<(FirmId, Vec<Match>)> {
        self.rank_all_with_progress(query, &|_| {}).0
    }

    /// [`Matcher::rank_all`], calling `progress(n)` after each chunk of `n` firms is ranked
    /// (from the ranking threads; the calls total the number of firms), with the pairs this
    /// ranking scored (queries answered meanwhile on the same matcher not counted).
    pub fn rank_all_with_progress(
        &self,
        query: &MatchQuery,
        progress: &(dyn Fn(usize) + Sync),
    ) -> (Vec<(FirmId, Vec<Match>)>, u64) {
        // Firms that read alike ask the same posting lists and meet the same partners:
        // ranked one after the other, those stay in cache (at 200 000 firms a query waits on
        // memory more than it computes). The answers go back in id order at the end.
        let mut ids: Vec<(&FirmId, Slot)> = self.by_id.iter().map(|(id, &s)| (id, s)).collect();
        ids.sort_by_cached_key(|&(_, slot)| {
            let f = &self.entry(slot).expect("indexed slot").features;
            let first = |items: &[ItemFeatures]| items.first().and_then(|i| i.reading.best());
            (
                first(&f.needs).map(|c| c.hs),
                first(&f.products).map(|c| c.hs),
                slot,
            )
        });
        // A few contiguous chunks per thread, each with one scratch (as long as the slot
        // table, so allocated per chunk, not per firm).
        let chunk = ids.len().div_ceil(rayon::current_num_threads() * 8).max(1);
        let pairs_scored = AtomicU64::new(0);
        let mut ranked: Vec<(FirmId, Vec<Match>)> = ids
            .par_chunks(chunk)
            .flat_map_iter(|part| {
                let mut scratch = Scratch::default();
                let ranked: Vec<(FirmId, Vec<Match>)> = part
                    .iter()
                    .map(|&(id, slot)| {
                        let e = self.entry(slot).expect("indexed slot");
                        let found = self.top_k_indexed(
                            (Some(slot), None),
                            &e.firm.profile,
                            &e.features,
                            query,
                            &mut scratch,
                        );
                        (id.clone(), found)
                    })
                    .collect();
                progress(part.len());
                pairs_scored.fetch_add(scratch.pairs_scored, AtomicOrdering::Relaxed);
                ranked
            })
            .collect();
        ranked.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        (ranked, pairs_scored.into_inner())
    }

    /// Top-k for every firm by scoring every pair: for tests and recall measurement.
    pub fn rank_all_exhaustive(&self, query: &MatchQuery) -> Vec<(FirmId, Vec<Match>)> {
        let n = self.slots.len() as Slot;
        self.ids_sorted()
            .par_iter()
            .map(|&(id, slot)| {
                let e = self.entry(slot).expect("indexed slot");
                (
                    id.clone(),
                    self.top_k(
                        Some(slot),
                        &e.firm.profile,
                        &e.features,
                        query,
                        (0..n).map(|s| (s, SUPPLIES | BUYS, f64::INFINITY)),
                    ),
                )
            })
            .collect()
    }
}

/// Scores one query's candidates for the top-k search.
struct QueryScorer<'a> {
    matcher: &'a Matcher,
    me: Option<Slot>,
    province: Province,
    q: &'a FirmFeatures,
    query: &'a MatchQuery,
    among: Option<&'a Among>,
    /// The query's lookup keys as sketches ([`topk::Scorer::may_answer`]).
    lookup: LookupSketch,
}

impl topk::Scorer for QueryScorer<'_> {
    fn fits(&self, slot: Slot, which: u8) -> Option<(f64, f64)> {
        let e = self.matcher.entry(slot)?;
        if Some(slot) == self.me
            || !Matcher::in_scope(self.province, e.province, self.query.scope)
            || !self.admits(slot)
        {
            return None;
        }
        // A one-way query needs one direction only.
        let which = which
            & match self.query.direction {
                Direction::Supplies => SUPPLIES,
                Direction::Buys => BUYS,
                Direction::Both => SUPPLIES | BUYS,
            };
        Some(self.matcher.fits(self.q, &e.features, which))
    }

    fn cmp(&self, a: &(f64, Slot), b: &(f64, Slot)) -> Ordering {
        self.matcher.rank_cmp(a, b)
    }

    fn filters(&self) -> bool {
        self.among.is_some()
    }

    fn may_answer(&self, slot: Slot, how: u8) -> bool {
        self.matcher
            .key_sketches
            .get(slot as usize)
            .is_none_or(|keys| self.lookup.may_answer(keys, how))
    }

    fn admits(&self, slot: Slot) -> bool {
        self.among.is_none_or(|among| among.contains(slot))
    }

    fn prefetch(&self, slot: Slot, steps: usize) {
        let Some(entry) = self.matcher.slots.get(slot as usize) else {
            return;
        };
        match (steps, entry) {
            (4, _) => prefetch(entry),
            // The entry was asked for two steps ago: its item lists and sectors come next,
            (2, Some(e)) => {
                let f = &e.features;
                prefetch(f.products.as_ptr());
                prefetch(f.needs.as_ptr());
                prefetch(f.sectors.as_ptr());
            }
            // then the items' trigrams, which the name similarity merges.
            (1, Some(e)) => {
                let f = &e.features;
                for item in f.products.iter().chain(&f.needs).take(4) {
                    prefetch(item.reading.grams.as_ptr());
                }
            }
            _ => {}
        }
    }
}

/// Asks the processor to start loading the cache line at `p`, without waiting for it. At
/// 200 000 firms the candidates of a query lie far apart in memory, and loading them one
/// after the other is most of the time their scoring takes.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it neither faults nor reads memory into the
    // program, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Recall@k of `found` against `reference`: the share of reference partners found.
pub fn recall(found: &[(FirmId, Vec<Match>)], reference: &[(FirmId, Vec<Match>)]) -> f64 {
    let (mut hit, mut total) = (0usize, 0usize);
    let by_id: HashMap<&FirmId, &Vec<Match>> = found.iter().map(|(id, m)| (id, m)).collect();
    for (id, want) in reference {
        total += want.len();
        if let Some(got) = by_id.get(id) {
            hit += want
                .iter()
                .filter(|w| got.iter().any(|g| g.partner.id == w.partner.id))
                .count();
        }
    }
    if total == 0 {
        1.0
    } else {
        hit as f64 / total as f64
    }
}
