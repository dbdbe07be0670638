//! Ranking: the [`Matcher`] owns the firms, their precomputed features, the candidate index
//! ([`super::postings`]) and the scoring config, and answers top-k partner queries for one
//! firm or all firms. A query scores exactly the partners its concepts reach; the
//! exhaustive scorer beside it scores every firm and is the reference for recall.

use super::concept::{Reader, Reading};
use super::config::ScoringConfig;
use super::postings::{part_of, Levels, Postings, Slot, BUYS, SUPPLIES};
use super::score::{
    directed, explain_match, DirectedScore, FirmFeatures, ItemFeatures, Lang, PairScore,
};
use super::topk::{self, best_k, Scratch};
use crate::domain::{Firm, FirmId, FirmProfile, Province};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};
use utoipa::ToSchema;

/// Which trade a query looks for, seen from the querying firm.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Partners that can supply my needs.
    Supplies,
    /// Partners that buy what I make.
    Buys,
    /// Either, two-way trade counting extra.
    #[default]
    Both,
}

/// Where partners may come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The other province of the partnership (NTB ↔ Jatim): the forums' purpose.
    #[default]
    Other,
    Same,
    Both,
}

/// A top-k query.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(example = json!({"k": 10, "direction": "both", "scope": "other", "min_score": 0.1}))]
pub struct MatchQuery {
    pub k: usize,
    pub direction: Direction,
    pub scope: Scope,
    /// Partners scoring below this are left out (a partner without product evidence
    /// scores 0 and is always left out).
    pub min_score: f64,
}

impl Default for MatchQuery {
    fn default() -> Self {
        MatchQuery {
            k: 10,
            direction: Direction::Both,
            scope: Scope::Other,
            min_score: 0.1,
        }
    }
}

/// Who a match is with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "kafe-nusantara", "name": "Kafe Nusantara", "province": "JATIM", "regency": "35.78"}))]
pub struct Partner {
    pub id: FirmId,
    pub name: String,
    pub province: Province,
    /// Kemendagri code of the kabupaten/kota.
    pub regency: String,
}

/// One recommended partner with its score, both directed fits and the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "partner": {"id": "kafe-nusantara", "name": "Kafe Nusantara", "province": "JATIM", "regency": "35.78"},
    "score": 0.87,
    "supplies": {"score": 0.12, "components": {"supply": 0.0, "capacity": 0.5, "certification": 1.0, "sector": 0.6}},
    "buys": {"score": 0.83, "components": {"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41}},
    "reasons": ["CV Kopi Sembalun makes 'Kopi arabika sangrai' 300 kg/month; Kafe Nusantara needs 'roasted arabica coffee' 200 kg/month"]
}))]
pub struct Match {
    pub partner: Partner,
    /// The ranking score for the query's direction, in [0, 1].
    pub score: f64,
    /// How well the partner supplies the querying firm.
    pub supplies: DirectedScore,
    /// How well the partner buys from (is supplied by) the querying firm.
    pub buys: DirectedScore,
    pub reasons: Vec<String>,
}

/// Firms a query may answer with, by slot ([`Matcher::among`]).
#[derive(Debug, Clone)]
pub struct Among {
    words: Vec<u64>,
}

impl Among {
    fn contains(&self, slot: Slot) -> bool {
        self.words
            .get(slot as usize / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }
}

/// Counters since the matcher was built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MatcherStats {
    pub firms: u64,
    /// Directed-or-pair scorings done by queries (candidates scored in full).
    pub pairs_scored: u64,
    /// Candidates proposed by the index to queries (scored, pruned or out of scope).
    pub candidates: u64,
}

#[derive(Clone)]
struct Entry {
    firm: Arc<Firm>,
    /// The firm's province, beside its features: the scorer checks it for every candidate,
    /// and reaching through `firm` for it costs a cache miss at 200 000 firms.
    province: Province,
    features: FirmFeatures,
}

/// The id's first 32 bytes as big-endian words, zero-padded: orders like the id unless
/// equal. Ids often share long prefixes ("jatim-plastik-blitar-0297"), and ranking breaks
/// many ties of equal scores by id, so comparing these beats chasing the strings.
type IdKey = [u64; 4];

fn id_key(id: &FirmId) -> IdKey {
    let mut b = [0u8; 32];
    let s = id.as_str().as_bytes();
    let n = s.len().min(32);
    b[..n].copy_from_slice(&s[..n]);
    std::array::from_fn(|i| u64::from_be_bytes(b[8 * i..8 * i + 8].try_into().expect("8 bytes")))
}

/// Firms, their features, the candidate index and the config. Keep one behind a lock and
/// call [`Matcher::upsert`] / [`Matcher::remove`] after every write.
pub struct Matcher {
    config: ScoringConfig,
    slots: Vec<Option<Entry>>,
    /// By slot, beside the entries: the key ties are broken by.
    id_keys: Vec<IdKey>,
    free: Vec<Slot>,
    by_id: HashMap<FirmId, Slot>,
    postings: Postings,
    pairs_scored: AtomicU64,
    candidates: AtomicU64,
    /// Scratch of finished single-firm queries, for the next ones.
    scratch_pool: Mutex<Vec<Scratch>>,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher::new(ScoringConfig::default())
    }
}

/// A copy with the counters so far and an empty scratch pool (scratch is only a cache).
impl Clone for Matcher {
    fn clone(&self) -> Self {
        let count = |c: &AtomicU64| AtomicU64::new(c.load(AtomicOrdering::Relaxed));
        Matcher {
            config: self.config.clone(),
            slots: self.slots.clone(),
            id_keys: self.id_keys.clone(),
            free: self.free.clone(),
            by_id: self.by_id.clone(),
            postings: self.postings.clone(),
            pairs_scored: count(&self.pairs_scored),
            candidates: count(&self.candidates),
            scratch_pool: Mutex::new(Vec::new()),
        }
    }
}

impl Matcher {
    /// An empty matcher. The config is assumed valid (see [`ScoringConfig::validate`]).
    pub fn new(config: ScoringConfig) -> Matcher {
        Matcher {
            config,
            slots: Vec::new(),
            id_keys: Vec::new(),
            free: Vec::new(),
            by_id: HashMap::new(),
            postings: Postings::default(),
            pairs_scored: AtomicU64::new(0),
            candidates: AtomicU64::new(0),
            scratch_pool: Mutex::new(Vec::new()),
        }
    }

    /// Builds a matcher from many firms, reading their items in parallel.
    pub fn build(config: ScoringConfig, firms: impl IntoIterator<Item = Arc<Firm>>) -> Matcher {
        let firms: Vec<Arc<Firm>> = firms.into_iter().collect();
        // Firms repeat each other's names: each distinct text is read once.
        let mut texts: Vec<(&str, Option<&str>)> = firms
            .iter()
            .flat_map(|f| {
                let p = &f.profile;
                p.products
                    .iter()
                    .map(|x| (x.name.as_str(), x.hs_code.as_deref()))
                    .chain(
                        p.needs
                            .iter()
                            .map(|x| (x.name.as_str(), x.hs_code.as_deref())),
                    )
            })
            .collect();
        texts.sort_unstable();
        texts.dedup();
        let reader = Reader::shared();
        let readings: HashMap<(&str, Option<&str>), Reading> = texts
            .par_iter()
            .map(|&(name, code)| ((name, code), reader.read(name, code)))
            .collect();
        let features: Vec<FirmFeatures> = firms
            .par_iter()
            .map(|f| {
                FirmFeatures::with_readings(&f.profile, |name, code| {
                    readings
                        .get(&(name, code))
                        .cloned()
                        .unwrap_or_else(|| reader.read(name, code))
                })
            })
            .collect();
        let mut m = Matcher::new(config);
        for (firm, features) in firms.into_iter().zip(features) {
            if m.by_id.contains_key(&firm.id) {
                // The last of two firms with one id wins, as with upserts one by one.
                m.remove(&firm.id.clone());
            }
            m.place(firm, features);
        }
        let placed: Vec<(Slot, Province, &FirmFeatures)> = m
            .slots
            .iter()
            .enumerate()
            .filter_map(|(slot, e)| {
                Some((slot as Slot, e.as_ref()?.province, &e.as_ref()?.features))
            })
            .collect();
        let mut postings = Postings::default();
        postings.insert_all(&placed);
        m.postings = postings;
        m
    }

    pub fn config(&self) -> &ScoringConfig {
        &self.config
    }

    /// Replaces the config, checked first; features and index do not depend on it.
    pub fn set_config(
        &mut self,
        config: ScoringConfig,
    ) -> Result<(), Vec<crate::domain::FieldError>> {
        config.validate()?;
        self.config = config;
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn get(&self, id: &FirmId) -> Option<&Arc<Firm>> {
        self.by_id
            .get(id)
            .and_then(|&s| self.entry(s))
            .map(|e| &e.firm)
    }

    /// A stored firm with the features the matcher analysed for it.
    pub fn analysed(&self, id: &FirmId) -> Option<(&Arc<Firm>, &FirmFeatures)> {
        self.by_id
            .get(id)
            .and_then(|&s| self.entry(s))
            .map(|e| (&e.firm, &e.features))
    }

    pub fn stats(&self) -> MatcherStats {
        MatcherStats {
            firms: self.len() as u64,
            pairs_scored: self.pairs_scored.load(AtomicOrdering::Relaxed),
            candidates: self.candidates.load(AtomicOrdering::Relaxed),
        }
    }

    /// How many of the stored products and needs read as an HS concept, of how many.
    pub fn items_read(&self) -> (usize, usize) {
        self.slots
            .iter()
            .flatten()
            .flat_map(|e| e.features.products.iter().chain(&e.features.needs))
            .fold((0, 0), |(read, all), i| {
                (read + usize::from(i.reading.is_read()), all + 1)
            })
    }

    fn entry(&self, slot: Slot) -> Option<&Entry> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    /// Adds or replaces a firm; only its own postings change.
    pub fn upsert(&mut self, firm: Arc<Firm>) {
        let features = FirmFeatures::of(&firm.profile);
        if self.by_id.contains_key(&firm.id) {
            self.remove(&firm.id.clone());
        }
        let slot = self.place(firm, features);
        let e = self.slots[slot as usize].as_ref().expect("placed");
        self.postings.insert(slot, e.province, &e.features);
    }

    /// Gives a new firm a slot, without posting it.
    fn place(&mut self, firm: Arc<Firm>, features: FirmFeatures) -> Slot {
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                self.id_keys.push(IdKey::default());
                (self.slots.len() - 1) as Slot
            }
        };
        self.id_keys[slot as usize] = id_key(&firm.id);
        self.by_id.insert(firm.id.clone(), slot);
        let province = firm.profile.province;
        self.slots[slot as usize] = Some(Entry {
            firm,
            province,
            features,
        });
        slot
    }

    /// Removes a firm; returns whether it was there.
    pub fn remove(&mut self, id: &FirmId) -> bool {
        let Some(slot) = self.by_id.remove(id) else {
            return false;
        };
        if let Some(e) = self.slots[slot as usize].take() {
            self.postings.remove(slot, e.province, &e.features);
        }
        self.free.push(slot);
        true
    }

    /// The pair score of two profiles (stored or not), with reasons.
    pub fn score_pair(&self, a: &FirmProfile, b: &FirmProfile) -> PairScore {
        super::score::score_profiles(a, b, &self.config)
    }

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

    /// Scores `candidates` exactly and keeps the best k.
    fn top_k(
        &self,
        me: Option<Slot>,
        profile: &FirmProfile,
        q: &FirmFeatures,
        query: &MatchQuery,
        candidates: impl Iterator<Item = (Slot, u8, f64)>,
    ) -> Vec<Match> {
        let among = None;
        let scorer = QueryScorer {
            matcher: self,
            me,
            province: profile.province,
            q,
            query,
            among,
        };
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
            &Self::parts(profile.province, query.scope),
            query.direction,
            (self.levels(), &self.config),
        );
        let scorer = QueryScorer {
            matcher: self,
            me,
            province: profile.province,
            q,
            query,
            among,
        };
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
                        name: e.firm.profile.name.clone(),
                        province: e.firm.profile.province,
                        regency: e.firm.profile.regency.clone(),
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
        self.rank_all_with_progress(query, &|_| {})
    }

    /// [`Matcher::rank_all`], calling `progress(n)` after each chunk of `n` firms is ranked
    /// (from the ranking threads; the calls total the number of firms).
    pub fn rank_all_with_progress(
        &self,
        query: &MatchQuery,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Vec<(FirmId, Vec<Match>)> {
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
                ranked
            })
            .collect();
        ranked.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        ranked
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

    fn admits(&self, slot: Slot) -> bool {
        self.among.is_none_or(|among| among.contains(slot))
    }

    fn prefetch(&self, slot: Slot, near: bool) {
        let Some(entry) = self.matcher.slots.get(slot as usize) else {
            return;
        };
        if !near {
            prefetch(entry);
        } else if let Some(e) = entry {
            // The entry was asked for two steps ago: its item lists come next.
            prefetch(e.features.products.as_ptr());
            prefetch(e.features.needs.as_ptr());
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
