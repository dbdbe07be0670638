//! Ranking: the [`Matcher`] owns the firms, their precomputed features, the candidate index
//! and the scoring config, and answers top-k partner queries for one firm or all firms.

use super::config::ScoringConfig;
use super::fast::{FirmSigs, Signatures};
use super::index::{Ask, CandidateIndex, GroupId, Seen, Slot};
use super::score::{
    combine, directed, directed_by, explain_directed, sector_fit, DirectedScore, FirmFeatures,
    PairScore,
};
use super::sector::{SectorId, SECTORS};
use crate::domain::{Firm, FirmId, FirmProfile, Province};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;
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
    /// Partners scoring below this are left out.
    pub min_score: f64,
}

impl Default for MatchQuery {
    fn default() -> Self {
        MatchQuery {
            k: 10,
            direction: Direction::Both,
            scope: Scope::Other,
            min_score: 0.05,
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

/// Counters since the matcher was built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MatcherStats {
    pub firms: u64,
    /// Directed-or-pair scorings done by queries (candidates scored in full).
    pub pairs_scored: u64,
    /// Candidates proposed by the index to queries (scored, pruned or out of scope).
    pub candidates: u64,
}

struct Entry {
    firm: Arc<Firm>,
    features: FirmFeatures,
    sigs: FirmSigs,
    /// The id's first 8 bytes, big-endian, zero-padded: orders like the id unless equal,
    /// so ranking ties rarely need a string comparison.
    id_key: u64,
}

fn id_key(id: &FirmId) -> u64 {
    let mut b = [0u8; 8];
    let s = id.as_str().as_bytes();
    let n = s.len().min(8);
    b[..n].copy_from_slice(&s[..n]);
    u64::from_be_bytes(b)
}

/// Firms, their features, the candidate index and the config. Keep one behind a lock and
/// call [`Matcher::upsert`] / [`Matcher::remove`] after every write.
pub struct Matcher {
    config: ScoringConfig,
    slots: Vec<Option<Entry>>,
    free: Vec<Slot>,
    by_id: HashMap<FirmId, Slot>,
    index: CandidateIndex,
    signatures: Signatures,
    pairs_scored: AtomicU64,
    candidates: AtomicU64,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher::new(ScoringConfig::default())
    }
}

impl Matcher {
    /// An empty matcher. The config is assumed valid (see [`ScoringConfig::validate`]).
    pub fn new(config: ScoringConfig) -> Matcher {
        Matcher {
            config,
            slots: Vec::new(),
            free: Vec::new(),
            by_id: HashMap::new(),
            index: CandidateIndex::new(),
            signatures: Signatures::default(),
            pairs_scored: AtomicU64::new(0),
            candidates: AtomicU64::new(0),
        }
    }

    /// Builds a matcher from many firms, analysing them in parallel.
    pub fn build(config: ScoringConfig, firms: impl IntoIterator<Item = Arc<Firm>>) -> Matcher {
        let firms: Vec<Arc<Firm>> = firms.into_iter().collect();
        let features: Vec<FirmFeatures> = firms
            .par_iter()
            .map(|f| FirmFeatures::of(&f.profile))
            .collect();
        let mut m = Matcher::new(config);
        for (firm, features) in firms.into_iter().zip(features) {
            m.insert(firm, features);
        }
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
        self.signatures.reconfigure(&config);
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

    pub fn stats(&self) -> MatcherStats {
        MatcherStats {
            firms: self.len() as u64,
            pairs_scored: self.pairs_scored.load(AtomicOrdering::Relaxed),
            candidates: self.candidates.load(AtomicOrdering::Relaxed),
        }
    }

    /// Distinct (need, product) texts, (need, product) classes and (province, product
    /// class, need class) groups: how much ranking work firms share.
    pub fn shape(&self) -> ((usize, usize), (usize, usize), usize) {
        (
            self.signatures.texts(),
            (
                self.signatures.need_classes(),
                self.signatures.product_classes(),
            ),
            self.index.groups(),
        )
    }

    fn entry(&self, slot: Slot) -> Option<&Entry> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    /// Adds or replaces a firm; only its own postings change.
    pub fn upsert(&mut self, firm: Arc<Firm>) {
        let features = FirmFeatures::of(&firm.profile);
        self.remove(&firm.id);
        self.insert(firm, features);
    }

    fn insert(&mut self, firm: Arc<Firm>, features: FirmFeatures) {
        if self.by_id.contains_key(&firm.id) {
            self.remove(&firm.id.clone());
        }
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as Slot
            }
        };
        let sigs = self.signatures.add(
            &features.products,
            &features.needs,
            &features.sectors,
            &self.config,
        );
        self.index.insert(
            slot,
            &firm.id,
            firm.profile.province,
            (sigs.product_class, sigs.need_class),
            &features,
        );
        self.by_id.insert(firm.id.clone(), slot);
        self.slots[slot as usize] = Some(Entry {
            id_key: id_key(&firm.id),
            firm,
            features,
            sigs,
        });
    }

    /// Removes a firm; returns whether it was there.
    pub fn remove(&mut self, id: &FirmId) -> bool {
        let Some(slot) = self.by_id.remove(id) else {
            return false;
        };
        if let Some(e) = self.slots[slot as usize].take() {
            self.index.remove(
                slot,
                id,
                e.firm.profile.province,
                (e.sigs.product_class, e.sigs.need_class),
                &e.features,
            );
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

    /// The ranking score of `partner` for a firm with features `q`: allocation-free.
    fn rank_score(&self, q: &FirmFeatures, partner: &FirmFeatures, direction: Direction) -> f64 {
        let cfg = &self.config;
        match direction {
            Direction::Supplies => directed(partner, q, cfg, None).score,
            Direction::Buys => directed(q, partner, cfg, None).score,
            Direction::Both => combine(
                directed(partner, q, cfg, None).score,
                directed(q, partner, cfg, None).score,
                cfg,
            ),
        }
    }

    fn top_k(
        &self,
        me: Option<Slot>,
        profile: &FirmProfile,
        q: &FirmFeatures,
        query: &MatchQuery,
        candidates: impl Iterator<Item = Slot>,
    ) -> Vec<Match> {
        let mut best = Best::new(query.k);
        let mut count = 0u64;
        for slot in candidates {
            if query.k == 0 {
                break;
            }
            let Some(e) = self.entry(slot) else { continue };
            if Some(slot) == me
                || !Self::in_scope(profile.province, e.firm.profile.province, query.scope)
            {
                continue;
            }
            count += 1;
            let s = self.rank_score(q, &e.features, query.direction);
            if s < query.min_score || s <= 0.0 {
                continue;
            }
            best.offer(self, s, slot);
        }
        self.pairs_scored.fetch_add(count, AtomicOrdering::Relaxed);
        self.finish(profile, q, query, best.items)
    }

    /// A directed fit of stored firms from the signature table: `bound` as in
    /// [`directed_by`]. `by_supplier` reads the table rows of the supplier's products (the
    /// query is the supplier), else those of the buyer's needs.
    #[inline]
    fn fit(
        &self,
        s: (&FirmFeatures, &FirmSigs),
        b: (&FirmFeatures, &FirmSigs),
        bound: bool,
        by_supplier: bool,
    ) -> f64 {
        let sig = &self.signatures;
        let (sp, bn) = (&s.1.products, &b.1.needs);
        let cfg = &self.config;
        if by_supplier {
            directed_by(
                s.0,
                b.0,
                cfg,
                None,
                |ni, pi| sig.sim_by_product(bn[ni], sp[pi]),
                bound,
            )
        } else {
            directed_by(s.0, b.0, cfg, None, |ni, pi| sig.sim(bn[ni], sp[pi]), bound)
        }
        .score
    }

    /// The ranking score of a stored partner from the signature table; equals
    /// `rank_score` bit for bit.
    fn rank_score_fast(&self, q: (&FirmFeatures, &FirmSigs), p: &Entry, d: Direction) -> f64 {
        let p = (&p.features, &p.sigs);
        match d {
            Direction::Supplies => self.fit(p, q, false, false),
            Direction::Buys => self.fit(q, p, false, true),
            Direction::Both => combine(
                self.fit(p, q, false, false),
                self.fit(q, p, false, true),
                &self.config,
            ),
        }
    }

    /// The highest ranking score a partner can reach on sectors alone (no item of either
    /// side answering the other), computed by the operations of [`directed_by`]: the
    /// groups the text postings do not propose are read only while this can still enter.
    fn sector_only_bound(&self, q: &FirmFeatures, d: Direction) -> f64 {
        let cfg = &self.config;
        let w = &cfg.weights;
        let item_weights = w.supply + w.capacity + w.certification;
        let total = item_weights + w.sector;
        if total <= 0.0 {
            return 0.0;
        }
        let any: Vec<SectorId> = (0..SECTORS as SectorId).collect();
        let score =
            |sector: f64| super::score::unit((item_weights * 0.0 + w.sector * sector) / total);
        let a = score(sector_fit(&any, &q.sectors, cfg));
        let b = score(sector_fit(&q.sectors, &any, cfg));
        match d {
            Direction::Supplies => a,
            Direction::Buys => b,
            Direction::Both => combine(a, b, cfg),
        }
    }

    fn ask(me: Province, query: &MatchQuery) -> Ask {
        Ask {
            supplies: query.direction != Direction::Buys,
            buys: query.direction != Direction::Supplies,
            provinces: Province::ALL.map(|p| Self::in_scope(me, p, query.scope)),
        }
    }

    /// Top-k of a stored firm, by groups: every candidate group gets the exact upper bound
    /// of its classes (computed once per class and query), the strongest groups are walked
    /// first to raise the k-th score, and a group's members (in id order) are scored only
    /// while the bound could still enter the top k (ties included, by id). Groups the text
    /// postings miss can only score on sectors; they are read when that could still enter.
    fn top_k_pruned(
        &self,
        me: Slot,
        e: &Entry,
        query: &MatchQuery,
        scratch: &mut Scratch,
    ) -> Vec<Match> {
        let profile = &e.firm.profile;
        let q = (&e.features, &e.sigs);
        let mut best = Best::new(query.k);
        if query.k == 0 {
            return Vec::new();
        }
        scratch.start(
            (e.sigs.need_class, e.sigs.product_class),
            self.signatures.product_classes(),
            self.signatures.need_classes(),
        );
        let ask = Self::ask(profile.province, query);
        let mut groups = std::mem::take(&mut scratch.groups);
        groups.clear();
        scratch.seen.start(self.index.group_slots());
        self.index
            .text_groups(&e.features, &ask, &mut scratch.seen, &mut groups);
        let mut counts = (0u64, 0u64);
        self.walk_groups(me, q, query, &groups, scratch, &mut best, &mut counts);
        if !best.full() || best.kth() <= self.sector_only_bound(&e.features, query.direction) {
            groups.clear();
            self.index
                .other_groups(&ask, &mut scratch.seen, &mut groups);
            self.walk_groups(me, q, query, &groups, scratch, &mut best, &mut counts);
        }
        scratch.groups = groups;
        self.pairs_scored
            .fetch_add(counts.0, AtomicOrdering::Relaxed);
        self.candidates.fetch_add(counts.1, AtomicOrdering::Relaxed);
        self.finish(profile, q.0, query, best.items)
    }

    /// Offers the members of `groups` to `best` in bound order; `counts` adds the pairs
    /// scored and the candidate firms proposed.
    #[allow(clippy::too_many_arguments)]
    fn walk_groups(
        &self,
        me: Slot,
        q: (&FirmFeatures, &FirmSigs),
        query: &MatchQuery,
        groups: &[GroupId],
        scratch: &mut Scratch,
        best: &mut Best,
        counts: &mut (u64, u64),
    ) {
        let Scratch {
            epochs,
            supplies,
            buys,
            bounded,
            ..
        } = scratch;
        let (epoch_a, epoch_b) = *epochs;
        bounded.clear();
        let (want_supplies, want_buys) = (
            query.direction != Direction::Buys,
            query.direction != Direction::Supplies,
        );
        let entry = |slot: Slot| {
            let c = self.entry(slot).expect("stored slot");
            (&c.features, &c.sigs)
        };
        for &g in groups {
            let group = self.index.group(g);
            let first = group.members[0].1;
            counts.1 += group.members.len() as u64;
            let mut a = 0.0;
            if want_supplies {
                let m = &mut supplies[group.product_class as usize];
                if m.0 != epoch_a {
                    *m = (epoch_a, self.fit(entry(first), q, true, false));
                }
                a = m.1;
            }
            let mut b = 0.0;
            if want_buys {
                let m = &mut buys[group.need_class as usize];
                if m.0 != epoch_b {
                    *m = (epoch_b, self.fit(q, entry(first), true, true));
                }
                b = m.1;
            }
            let bound = match query.direction {
                Direction::Supplies => a,
                Direction::Buys => b,
                Direction::Both => combine(a, b, &self.config),
            };
            if bound < query.min_score || bound <= 0.0 {
                continue;
            }
            bounded.push((bound, first, g));
        }
        // Strongest bounds first, in ranking order, so the k-th score rises at once.
        let order = |x: &(f64, Slot, GroupId), y: &(f64, Slot, GroupId)| {
            self.rank_cmp(&(x.0, x.1), &(y.0, y.1))
        };
        let head = (4 * query.k).min(bounded.len());
        if head < bounded.len() {
            bounded.select_nth_unstable_by(head, order);
        }
        bounded[..head].sort_unstable_by(order);
        for &(bound, first, g) in bounded.iter() {
            // Members follow `first` in id order: closed for it, closed for all.
            if best.closed(self, bound, first) {
                continue;
            }
            for &(_, slot) in &self.index.group(g).members {
                if slot == me {
                    continue;
                }
                if best.closed(self, bound, slot) {
                    break;
                }
                let c = self.entry(slot).expect("grouped slot");
                counts.0 += 1;
                let s = self.rank_score_fast(q, c, query.direction);
                if s < query.min_score || s <= 0.0 {
                    continue;
                }
                best.offer(self, s, slot);
            }
        }
    }

    /// Ranking order: score descending, then firm id.
    fn rank_cmp(&self, a: &(f64, Slot), b: &(f64, Slot)) -> Ordering {
        b.0.total_cmp(&a.0).then_with(|| {
            let x = self.slots[a.1 as usize].as_ref().expect("scored slot");
            let y = self.slots[b.1 as usize].as_ref().expect("scored slot");
            x.id_key
                .cmp(&y.id_key)
                .then_with(|| x.firm.id.cmp(&y.firm.id))
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
                let (supplies, mut reasons) =
                    explain_directed(&e.firm.profile, &e.features, profile, q, &self.config);
                let (buys, back) =
                    explain_directed(profile, q, &e.firm.profile, &e.features, &self.config);
                match query.direction {
                    Direction::Supplies => {}
                    Direction::Buys => reasons = back,
                    Direction::Both => super::score::add_reasons(&mut reasons, back),
                }
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

    /// Top-k partners of a stored firm through the index; `None` for an unknown id.
    pub fn matches_for(&self, id: &FirmId, query: &MatchQuery) -> Option<Vec<Match>> {
        let slot = *self.by_id.get(id)?;
        let e = self.entry(slot)?;
        Some(self.top_k_pruned(slot, e, query, &mut Scratch::default()))
    }

    /// Top-k partners of a profile that need not be stored ("who would I meet?"): every
    /// member of the groups its texts reach is scored, and the other groups when a partner
    /// scoring on sectors alone could still enter.
    pub fn matches_for_profile(&self, profile: &FirmProfile, query: &MatchQuery) -> Vec<Match> {
        let q = FirmFeatures::of(profile);
        let ask = Self::ask(profile.province, query);
        let (mut seen, mut groups) = (Seen::default(), Vec::new());
        seen.start(self.index.group_slots());
        self.index.text_groups(&q, &ask, &mut seen, &mut groups);
        let members = |groups: &[GroupId]| -> Vec<Slot> {
            groups
                .iter()
                .flat_map(|&g| self.index.group(g).members.iter().map(|m| m.1))
                .collect()
        };
        let mut cands = members(&groups);
        let found = self.top_k(None, profile, &q, query, cands.iter().copied());
        let open = found.len() < query.k
            || found
                .last()
                .is_some_and(|m| m.score <= self.sector_only_bound(&q, query.direction));
        if !open {
            return found;
        }
        groups.clear();
        self.index.other_groups(&ask, &mut seen, &mut groups);
        cands.extend(members(&groups));
        self.top_k(None, profile, &q, query, cands.into_iter())
    }

    /// Top-k of a stored firm by scoring every firm: the reference for recall.
    pub fn matches_for_exhaustive(&self, id: &FirmId, query: &MatchQuery) -> Option<Vec<Match>> {
        let slot = *self.by_id.get(id)?;
        let e = self.entry(slot)?;
        let all = 0..self.slots.len() as Slot;
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
        let mut ids = self.ids_sorted();
        // Firms of the same need and product classes one after the other: their class
        // bounds are shared (see `Scratch`). Answers are put back in id order at the end.
        ids.sort_by_key(|&(id, slot)| {
            let e = self.entry(slot).expect("indexed slot");
            (e.sigs.need_class, e.sigs.product_class, id)
        });
        // A few contiguous chunks per thread, each with one scratch: the scratch is as long
        // as the class and group tables, so it is allocated per chunk, not per firm.
        let chunk = ids.len().div_ceil(rayon::current_num_threads() * 8).max(1);
        let parts: Vec<Vec<(FirmId, Vec<Match>)>> = ids
            .par_chunks(chunk)
            .map(|part| {
                let mut scratch = Scratch::default();
                let ranked: Vec<(FirmId, Vec<Match>)> = part
                    .iter()
                    .map(|&(id, slot)| {
                        let e = self.entry(slot).expect("indexed slot");
                        (id.clone(), self.top_k_pruned(slot, e, query, &mut scratch))
                    })
                    .collect();
                progress(part.len());
                ranked
            })
            .collect();
        let mut all: Vec<(FirmId, Vec<Match>)> = parts.into_iter().flatten().collect();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all
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
                    self.top_k(Some(slot), &e.firm.profile, &e.features, query, 0..n),
                )
            })
            .collect()
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

    fn offer(&mut self, m: &Matcher, s: f64, slot: Slot) {
        if self.items.len() < self.k {
            self.items.push((s, slot));
        } else if s >= self.items[self.worst].0
            && m.rank_cmp(&(s, slot), &self.items[self.worst]) == Ordering::Less
        {
            self.items[self.worst] = (s, slot);
        } else {
            return;
        }
        let items = &self.items;
        self.worst = (0..items.len())
            .max_by(|&i, &j| m.rank_cmp(&items[i], &items[j]))
            .unwrap_or(0);
    }

    fn full(&self) -> bool {
        self.items.len() == self.k
    }

    /// The k-th score (the lowest kept); only when full.
    fn kth(&self) -> f64 {
        self.items[self.worst].0
    }

    /// Whether a candidate scoring at most `bound` can no longer enter: the top k is full
    /// and it would rank after the k-th even with its bound as score.
    fn closed(&self, m: &Matcher, bound: f64, slot: Slot) -> bool {
        self.items.len() == self.k && {
            let w = self.items[self.worst];
            bound < w.0 || (bound == w.0 && m.rank_cmp(&(bound, slot), &w) == Ordering::Greater)
        }
    }
}

/// Per-thread scratch of pruned queries: class bounds memoised by epoch, the candidate
/// groups and their marks. A supplying bound depends on the query only through its need class (need
/// texts and sectors), a buying bound only through its product class, so the memos stay
/// valid across consecutive queries of the same classes.
#[derive(Default)]
struct Scratch {
    /// The query's (need class, product class) the memos were filled for.
    of: Option<(u32, u32)>,
    epochs: (u32, u32),
    supplies: Vec<(u32, f64)>,
    buys: Vec<(u32, f64)>,
    /// Candidate groups with their bound and first member.
    bounded: Vec<(f64, Slot, GroupId)>,
    groups: Vec<GroupId>,
    seen: Seen,
}

fn next_epoch(epoch: &mut u32, memo: &mut [(u32, f64)]) {
    *epoch = epoch.wrapping_add(1);
    if *epoch == 0 {
        memo.iter_mut().for_each(|m| m.0 = 0);
        *epoch = 1;
    }
}

impl Scratch {
    fn start(&mut self, classes: (u32, u32), product_classes: usize, need_classes: usize) {
        self.supplies
            .resize(product_classes.max(self.supplies.len()), (0, 0.0));
        self.buys
            .resize(need_classes.max(self.buys.len()), (0, 0.0));
        let old = self.of.replace(classes);
        if old.map(|o| o.0) != Some(classes.0) {
            next_epoch(&mut self.epochs.0, &mut self.supplies);
        }
        if old.map(|o| o.1) != Some(classes.1) {
            next_epoch(&mut self.epochs.1, &mut self.buys);
        }
    }
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
