//! Ranking: the [`Matcher`] owns the firms, their precomputed features, the candidate index
//! and the scoring config, and answers top-k partner queries for one firm or all firms.

use super::config::ScoringConfig;
use super::fast::{FirmSigs, Signatures};
use super::index::{Ask, CandidateIndex, ClassedGroup, GroupId, Seen, Slot};
use super::score::{
    combine, directed, directed_by, explain_match, sector_fit, DirectedScore, FirmFeatures, Lang,
    PairScore,
};
use super::sector::{SectorId, SECTORS};
use crate::domain::{Firm, FirmId, FirmProfile, Province};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, OnceLock};
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
}

/// The id's first 32 bytes as big-endian words, zero-padded: orders like the id unless
/// equal. Ids often share long prefixes ("jatim-plastik-krian-0004"), and ranking breaks
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
    index: CandidateIndex,
    signatures: Signatures,
    pairs_scored: AtomicU64,
    candidates: AtomicU64,
    /// Counts writes, so a pooled scratch knows when its class bounds are stale.
    generation: u64,
    /// Scratch of finished single-firm queries, for the next ones: sized to the class
    /// tables, too big to allocate per query.
    scratch_pool: Mutex<Vec<Scratch>>,
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
            id_keys: Vec::new(),
            free: Vec::new(),
            by_id: HashMap::new(),
            index: CandidateIndex::new(),
            signatures: Signatures::default(),
            pairs_scored: AtomicU64::new(0),
            candidates: AtomicU64::new(0),
            generation: 0,
            scratch_pool: Mutex::new(Vec::new()),
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
        self.generation += 1;
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
        self.generation += 1;
        if self.by_id.contains_key(&firm.id) {
            self.remove(&firm.id.clone());
        }
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                self.id_keys.push(IdKey::default());
                (self.slots.len() - 1) as Slot
            }
        };
        self.id_keys[slot as usize] = id_key(&firm.id);
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
        self.generation += 1;
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

    /// A directed fit of stored firms from the signature table. `by_supplier` reads the
    /// table rows of the supplier's products (the query is the supplier), else those of the
    /// buyer's needs.
    #[inline]
    fn fit(
        &self,
        s: (&FirmFeatures, &FirmSigs),
        b: (&FirmFeatures, &FirmSigs),
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
                false,
            )
        } else {
            directed_by(s.0, b.0, cfg, None, |ni, pi| sig.sim(bn[ni], sp[pi]), false)
        }
        .score
    }

    /// The ranking score of a stored partner from the signature table; equals
    /// `rank_score` bit for bit.
    fn rank_score_fast(&self, q: (&FirmFeatures, &FirmSigs), p: &Entry, d: Direction) -> f64 {
        let p = (&p.features, &p.sigs);
        match d {
            Direction::Supplies => self.fit(p, q, false),
            Direction::Buys => self.fit(q, p, true),
            Direction::Both => combine(self.fit(p, q, false), self.fit(q, p, true), &self.config),
        }
    }

    /// The highest directed fits a partner can reach on sectors alone (no item of either
    /// side answering the other): (supplying the query, buying from it), computed by the
    /// operations of [`directed_by`] with every sector on the partner's side.
    fn sector_tails(&self, q: &FirmFeatures) -> (f64, f64) {
        let cfg = &self.config;
        let w = &cfg.weights;
        let item_weights = w.supply + w.capacity + w.certification;
        let total = item_weights + w.sector;
        if total <= 0.0 {
            return (0.0, 0.0);
        }
        let any: Vec<SectorId> = (0..SECTORS as SectorId).collect();
        let score =
            |sector: f64| super::score::unit((item_weights * 0.0 + w.sector * sector) / total);
        (
            score(sector_fit(&any, &q.sectors, cfg)),
            score(sector_fit(&q.sectors, &any, cfg)),
        )
    }

    /// The highest ranking score a partner can reach on sectors alone: the groups the
    /// query's items do not reach are read only while this can still enter.
    fn sector_only_bound(&self, q: &FirmFeatures, d: Direction) -> f64 {
        let (a, b) = self.sector_tails(q);
        self.direction_bound(a, b, d)
    }

    /// The ranking score of directed fits `a` (partner supplies) and `b` (partner buys).
    #[inline]
    fn direction_bound(&self, a: f64, b: f64, d: Direction) -> f64 {
        match d {
            Direction::Supplies => a,
            Direction::Buys => b,
            Direction::Both => combine(a, b, &self.config),
        }
    }

    fn ask(me: Province, query: &MatchQuery) -> Ask {
        Ask {
            supplies: query.direction != Direction::Buys,
            buys: query.direction != Direction::Supplies,
            provinces: Province::ALL.map(|p| Self::in_scope(me, p, query.scope)),
        }
    }

    /// How well each product class that can answer a need of `q` supplies it at most, as
    /// `(class, bound)`, unordered (see [`sort_head`]). Depends on the query's need class
    /// only.
    fn supply_bounds(
        &self,
        q: &FirmSigs,
        seen: &mut Seen,
        classes: &mut Vec<u32>,
        out: &mut Vec<(u32, f64)>,
    ) {
        seen.start(self.signatures.product_classes());
        classes.clear();
        self.signatures.answering_classes(&q.needs, seen, classes);
        out.clear();
        out.extend(
            classes
                .iter()
                .filter(|&&c| self.index.product_class_live(c))
                .map(|&c| {
                    let bound = self
                        .signatures
                        .class_bound(q.need_class, c, &self.config, false);
                    (c, bound)
                }),
        );
    }

    /// How well each need class that a product of `q` can answer buys from it at most,
    /// unordered. Depends on the query's product class only.
    fn buy_bounds(
        &self,
        q: &FirmSigs,
        seen: &mut Seen,
        classes: &mut Vec<u32>,
        out: &mut Vec<(u32, f64)>,
    ) {
        seen.start(self.signatures.need_classes());
        classes.clear();
        self.signatures.answered_classes(&q.products, seen, classes);
        out.clear();
        out.extend(
            classes
                .iter()
                .filter(|&&c| self.index.need_class_live(c))
                .map(|&c| {
                    let bound = self
                        .signatures
                        .class_bound(c, q.product_class, &self.config, true);
                    (c, bound)
                }),
        );
    }

    /// Loads the class bounds of the query into `scratch` unless they are there from the
    /// previous query: the supplying bounds for its need class, the buying bounds for its
    /// product class (from `shared` when ranking all firms).
    fn load_bounds(
        &self,
        q: &FirmSigs,
        ask: &Ask,
        scratch: &mut Scratch,
        shared: Option<&SharedBounds>,
    ) {
        scratch.prepare(
            self.generation,
            self.signatures.product_classes(),
            self.signatures.need_classes(),
        );
        let s = scratch;
        if ask.supplies && s.supplies_of != Some(q.need_class) {
            let mut list = std::mem::take(&mut s.supply_list);
            self.supply_bounds(q, &mut s.seen, &mut s.classes, &mut list);
            next_epoch(&mut s.epochs.0, &mut s.supplies);
            for &(c, a) in &list {
                s.supplies[c as usize] = (s.epochs.0, a);
            }
            s.supply_list = list;
            s.sorted.0 = 0;
            s.supplies_of = Some(q.need_class);
        }
        if ask.buys && s.buys_of != Some(q.product_class) {
            let mut list = std::mem::take(&mut s.buy_list);
            match shared.and_then(|t| t.buys.get(q.product_class as usize)) {
                Some(cell) => {
                    let shared = cell.get_or_init(|| {
                        let mut out = Vec::new();
                        self.buy_bounds(q, &mut s.seen, &mut s.classes, &mut out);
                        out.sort_unstable_by(strongest_first);
                        out
                    });
                    list.clear();
                    list.extend_from_slice(shared);
                    s.sorted.1 = list.len();
                }
                None => {
                    self.buy_bounds(q, &mut s.seen, &mut s.classes, &mut list);
                    s.sorted.1 = 0;
                }
            }
            next_epoch(&mut s.epochs.1, &mut s.buys);
            for &(c, b) in &list {
                s.buys[c as usize] = (s.epochs.1, b);
            }
            s.buy_list = list;
            s.buys_of = Some(q.product_class);
        }
    }

    /// Top-k of a stored firm, by classes and groups (a threshold algorithm). The classes
    /// the query's items reach are known exactly from the signature tables, with their
    /// bounds (computed once per class, or shared across a [`Matcher::rank_all`]), in two
    /// lists strongest first: product classes by how well they supply the query, need
    /// classes by how well they buy from it. The walk takes the stronger head of the two
    /// and bounds the groups of that class not seen yet (a class the query does not reach
    /// counts at its sector tail); it stops when no group left can reach the k-th score.
    /// Groups are walked strongest bound first, in batches, and a group's members (in id
    /// order) are scored only while the bound could still enter the top k (ties included,
    /// by id). Groups no item reaches score on sectors alone; they are read, by sector
    /// set, when that could still enter.
    fn top_k_pruned(
        &self,
        me: Slot,
        e: &Entry,
        query: &MatchQuery,
        scratch: &mut Scratch,
        shared: Option<&SharedBounds>,
    ) -> Vec<Match> {
        if query.k == 0 {
            return Vec::new();
        }
        let profile = &e.firm.profile;
        let q = (&e.features, &e.sigs);
        let ask = Self::ask(profile.province, query);
        self.load_bounds(q.1, &ask, scratch, shared);
        // The tails bound every class the query's items miss; the margin keeps them above
        // an exact bound that rounding could place an ulp higher.
        let tails = self.sector_tails(&e.features);
        let tails = (
            if ask.supplies { tails.0 + 1e-9 } else { 0.0 },
            if ask.buys { tails.1 + 1e-9 } else { 0.0 },
        );
        let mut supply_list = std::mem::take(&mut scratch.supply_list);
        let mut buy_list = std::mem::take(&mut scratch.buy_list);
        scratch
            .visited_products
            .start(self.signatures.product_classes());
        scratch.visited_needs.start(self.signatures.need_classes());
        scratch.bounded.clear();
        let mut best = Best::new(query.k);
        let mut counts = (0u64, 0u64);
        let (mut i, mut j) = (0, 0);
        let mut batch = 64;
        loop {
            let next_a = if ask.supplies {
                sort_head(&mut supply_list, &mut scratch.sorted.0, i);
                supply_list.get(i)
            } else {
                None
            };
            let next_b = if ask.buys {
                sort_head(&mut buy_list, &mut scratch.sorted.1, j);
                buy_list.get(j)
            } else {
                None
            };
            if next_a.is_none() && next_b.is_none() {
                break;
            }
            // Every group not visited has a class further down a list or unreached.
            let reach = self.direction_bound(
                next_a.map_or(0.0, |x| x.1).max(tails.0),
                next_b.map_or(0.0, |x| x.1).max(tails.1),
                query.direction,
            ) + 1e-9;
            if reach < query.min_score || (best.full() && reach < best.kth()) {
                break;
            }
            let take_a = match (next_a, next_b) {
                (Some(a), Some(b)) => a.1 >= b.1,
                (a, _) => a.is_some(),
            };
            if take_a {
                i += 1;
                let (pc, a) = *next_a.expect("head");
                scratch.visited_products.first(pc);
                self.bound_product_class(&ask, query, pc, a, tails.1, scratch, &mut counts);
            } else {
                j += 1;
                let (nc, b) = *next_b.expect("head");
                scratch.visited_needs.first(nc);
                self.bound_need_class(&ask, query, nc, b, tails.0, scratch, &mut counts);
            }
            if scratch.bounded.len() >= batch {
                self.walk_bounded(me, q, query, scratch, &mut best, &mut counts);
                batch *= 2;
            }
        }
        self.walk_bounded(me, q, query, scratch, &mut best, &mut counts);
        let tail = self.direction_bound(tails.0, tails.1, query.direction) + 1e-9;
        if tail >= query.min_score && (!best.full() || best.kth() <= tail) {
            self.walk_unreached(me, &ask, q, query, scratch, &mut best, &mut counts);
        }
        scratch.supply_list = supply_list;
        scratch.buy_list = buy_list;
        self.pairs_scored
            .fetch_add(counts.0, AtomicOrdering::Relaxed);
        self.candidates.fetch_add(counts.1, AtomicOrdering::Relaxed);
        self.finish(profile, q.0, query, best.items)
    }

    /// Adds to `scratch.bounded` the groups of product class `pc` (supplying the query at
    /// most `a`) in the wanted provinces whose need class was not visited, with the bound of
    /// both classes (`tail_b` for an unreached need class: then marked inexact).
    #[allow(clippy::too_many_arguments)]
    fn bound_product_class(
        &self,
        ask: &Ask,
        query: &MatchQuery,
        pc: u32,
        a: f64,
        tail_b: f64,
        scratch: &mut Scratch,
        counts: &mut (u64, u64),
    ) {
        let epoch_b = scratch.epochs.1;
        for part in (0..2).filter(|&p| ask.provinces[p]) {
            for &(nc, g) in self.index.product_class_groups(part, pc) {
                if scratch.visited_needs.has(nc) {
                    continue;
                }
                let (b, exact) = match scratch.buys[nc as usize] {
                    _ if !ask.buys => (0.0, true),
                    (epoch, b) if epoch == epoch_b => (b, true),
                    _ => (tail_b, false),
                };
                let bound = self.direction_bound(a, b, query.direction);
                scratch.offer(self.index.head(g), g, bound, exact, query, counts);
            }
        }
    }

    /// [`Matcher::bound_product_class`] for need class `nc` (buying from the query at most
    /// `b`).
    #[allow(clippy::too_many_arguments)]
    fn bound_need_class(
        &self,
        ask: &Ask,
        query: &MatchQuery,
        nc: u32,
        b: f64,
        tail_a: f64,
        scratch: &mut Scratch,
        counts: &mut (u64, u64),
    ) {
        let epoch_a = scratch.epochs.0;
        for part in (0..2).filter(|&p| ask.provinces[p]) {
            for &(pc, g) in self.index.need_class_groups(part, nc) {
                if scratch.visited_products.has(pc) {
                    continue;
                }
                let (a, exact) = match scratch.supplies[pc as usize] {
                    _ if !ask.supplies => (0.0, true),
                    (epoch, a) if epoch == epoch_a => (a, true),
                    _ => (tail_a, false),
                };
                let bound = self.direction_bound(a, b, query.direction);
                scratch.offer(self.index.head(g), g, bound, exact, query, counts);
            }
        }
    }

    /// Offers the groups of the wanted provinces that no item of the query reaches, whose
    /// bound is the same for all the groups of a sector set, strongest sector set first,
    /// while they can still enter.
    #[allow(clippy::too_many_arguments)]
    fn walk_unreached(
        &self,
        me: Slot,
        ask: &Ask,
        q: (&FirmFeatures, &FirmSigs),
        query: &MatchQuery,
        scratch: &mut Scratch,
        best: &mut Best,
        counts: &mut (u64, u64),
    ) {
        let cfg = &self.config;
        let mut sets: Vec<(f64, &[ClassedGroup])> = Vec::new();
        for part in (0..2).filter(|&p| ask.provinces[p]) {
            for (sectors, groups) in self.index.sector_sets(part) {
                let (a, b) = (
                    self.sector_only(sectors, &q.0.sectors, cfg),
                    self.sector_only(&q.0.sectors, sectors, cfg),
                );
                let bound = self.direction_bound(a, b, query.direction);
                if bound >= query.min_score && bound > 0.0 {
                    sets.push((bound, groups));
                }
            }
        }
        sets.sort_unstable_by(|x, y| y.0.total_cmp(&x.0));
        let (epoch_a, epoch_b) = scratch.epochs;
        for (bound, groups) in sets {
            if best.full() && bound < best.kth() {
                break;
            }
            scratch.bounded.clear();
            for &(pc, nc, g) in groups {
                let reached = (ask.supplies && scratch.supplies[pc as usize].0 == epoch_a)
                    || (ask.buys && scratch.buys[nc as usize].0 == epoch_b);
                if !reached {
                    scratch.offer(self.index.head(g), g, bound, true, query, counts);
                }
            }
            self.walk_bounded(me, q, query, scratch, best, counts);
        }
    }

    /// A directed fit on sectors alone (no need answered), by the operations of
    /// [`directed_by`].
    fn sector_only(&self, supplier: &[SectorId], buyer: &[SectorId], cfg: &ScoringConfig) -> f64 {
        let w = &cfg.weights;
        let item_weights = w.supply + w.capacity + w.certification;
        let total = item_weights + w.sector;
        if total <= 0.0 {
            return 0.0;
        }
        let sector = sector_fit(supplier, buyer, cfg);
        super::score::unit((item_weights * 0.0 + w.sector * sector) / total)
    }

    /// The exact bound of the group whose first member is `first`, from its classes.
    fn group_bound(&self, q: &FirmSigs, first: Slot, d: Direction) -> f64 {
        let p = &self.entry(first).expect("stored slot").sigs;
        let sig = &self.signatures;
        let a = if d != Direction::Buys {
            sig.class_bound(q.need_class, p.product_class, &self.config, false)
        } else {
            0.0
        };
        let b = if d != Direction::Supplies {
            sig.class_bound(p.need_class, q.product_class, &self.config, true)
        } else {
            0.0
        };
        self.direction_bound(a, b, d)
    }

    /// Offers the members of the groups in `scratch.bounded` to `best`, strongest bound
    /// first, and empties it; `counts.0` adds the pairs scored.
    fn walk_bounded(
        &self,
        me: Slot,
        q: (&FirmFeatures, &FirmSigs),
        query: &MatchQuery,
        scratch: &mut Scratch,
        best: &mut Best,
        counts: &mut (u64, u64),
    ) {
        let bounded = &mut scratch.bounded;
        // Strongest bounds first, in ranking order, so the k-th score rises at once.
        let order = |x: &(f64, Slot, GroupId, bool), y: &(f64, Slot, GroupId, bool)| {
            self.rank_cmp(&(x.0, x.1), &(y.0, y.1))
        };
        let head = (4 * query.k).min(bounded.len());
        if head < bounded.len() {
            bounded.select_nth_unstable_by(head, order);
        }
        bounded[..head].sort_unstable_by(order);
        for &(bound, first, g, exact) in bounded.iter() {
            // Members follow `first` in id order: closed for it, closed for all.
            if best.closed(self, bound, first) {
                continue;
            }
            let bound = if exact {
                bound
            } else {
                let exact = self.group_bound(q.1, first, query.direction);
                if best.closed(self, exact, first) {
                    continue;
                }
                exact
            };
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
        bounded.clear();
    }

    /// Ranking order: score descending, then firm id.
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

    /// Top-k partners of a stored firm through the index; `None` for an unknown id.
    pub fn matches_for(&self, id: &FirmId, query: &MatchQuery) -> Option<Vec<Match>> {
        let slot = *self.by_id.get(id)?;
        let e = self.entry(slot)?;
        let pool = || self.scratch_pool.lock().unwrap_or_else(|p| p.into_inner());
        let mut scratch = pool().pop().unwrap_or_default();
        let found = self.top_k_pruned(slot, e, query, &mut scratch, None);
        pool().push(scratch);
        Some(found)
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
        let shared = SharedBounds {
            buys: (0..self.signatures.product_classes())
                .map(|_| OnceLock::new())
                .collect(),
        };
        // A few contiguous chunks per thread, each with one scratch: the scratch is as long
        // as the class tables, so it is allocated per chunk, not per firm.
        let chunk = ids.len().div_ceil(rayon::current_num_threads() * 8).max(1);
        let parts: Vec<Vec<(FirmId, Vec<Match>)>> = ids
            .par_chunks(chunk)
            .map(|part| {
                let mut scratch = Scratch::default();
                let ranked: Vec<(FirmId, Vec<Match>)> = part
                    .iter()
                    .map(|&(id, slot)| {
                        let e = self.entry(slot).expect("indexed slot");
                        (
                            id.clone(),
                            self.top_k_pruned(slot, e, query, &mut scratch, Some(&shared)),
                        )
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

/// Per-thread scratch of pruned queries: the query's class bounds as lists and as memos by
/// class (marked by epoch), the candidate groups and the marks of reached classes. A
/// supplying bound depends on the query only through its need class (need texts and
/// sectors), a buying bound only through its product class, so they stay valid across
/// consecutive queries of the same classes, until the matcher changes.
#[derive(Default)]
struct Scratch {
    /// The [`Matcher`] generation the bounds were computed for.
    generation: u64,
    /// The need class `supplies` holds bounds for, and the product class of `buys`.
    supplies_of: Option<u32>,
    buys_of: Option<u32>,
    epochs: (u32, u32),
    /// By product class: (epoch, supplying bound) of the classes the query's needs reach.
    supplies: Vec<(u32, f64)>,
    /// By need class: (epoch, buying bound) of the classes the query's products reach.
    buys: Vec<(u32, f64)>,
    supply_list: Vec<(u32, f64)>,
    buy_list: Vec<(u32, f64)>,
    /// How many leading entries of `supply_list` and `buy_list` are in order.
    sorted: (usize, usize),
    /// Candidate groups with their bound, first member and whether the bound is exact.
    bounded: Vec<(f64, Slot, GroupId, bool)>,
    classes: Vec<u32>,
    seen: Seen,
    /// Classes whose groups this query has bounded.
    visited_products: Seen,
    visited_needs: Seen,
}

/// Class bounds strongest first, then by class for a fixed order.
fn strongest_first(x: &(u32, f64), y: &(u32, f64)) -> Ordering {
    y.1.total_cmp(&x.1).then(x.0.cmp(&y.0))
}

/// Orders `list` far enough that entry `at` is in place: a walk usually stops after a few
/// dozen classes of thousands, so the rest is ordered only when reached, in chunks that
/// double. `sorted` counts the leading entries already in order.
fn sort_head(list: &mut [(u32, f64)], sorted: &mut usize, at: usize) {
    if at < *sorted || *sorted >= list.len() {
        return;
    }
    let upto = (at + 1).max(2 * *sorted).max(32).min(list.len());
    let rest = &mut list[*sorted..];
    let n = upto - *sorted;
    if n < rest.len() {
        rest.select_nth_unstable_by(n - 1, strongest_first);
    }
    rest[..n].sort_unstable_by(strongest_first);
    *sorted = upto;
}

fn next_epoch(epoch: &mut u32, memo: &mut [(u32, f64)]) {
    *epoch = epoch.wrapping_add(1);
    if *epoch == 0 {
        memo.iter_mut().for_each(|m| m.0 = 0);
        *epoch = 1;
    }
}

impl Scratch {
    /// Adds a group (its first member and size) with its bound to `bounded` if the bound
    /// passes the query's floor; `counts.1` adds its members as candidates.
    #[inline]
    fn offer(
        &mut self,
        (first, len): (Slot, u32),
        g: GroupId,
        bound: f64,
        exact: bool,
        query: &MatchQuery,
        counts: &mut (u64, u64),
    ) {
        counts.1 += len as u64;
        if bound >= query.min_score && bound > 0.0 {
            self.bounded.push((bound, first, g, exact));
        }
    }

    /// Sizes the memos to the class tables and forgets bounds of an older generation.
    fn prepare(&mut self, generation: u64, product_classes: usize, need_classes: usize) {
        if self.generation != generation {
            self.generation = generation;
            self.supplies_of = None;
            self.buys_of = None;
        }
        if self.supplies.len() < product_classes {
            self.supplies.resize(product_classes, (0, 0.0));
        }
        if self.buys.len() < need_classes {
            self.buys.resize(need_classes, (0, 0.0));
        }
    }
}

/// Buying bounds by the querying firm's product class, computed once per class and
/// shared by all the queries of one [`Matcher::rank_all`]. (Supplying bounds need no
/// table: queries run in need-class order, so consecutive queries share them.)
struct SharedBounds {
    buys: Vec<OnceLock<Vec<(u32, f64)>>>,
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
