//! Ranking: the [`Matcher`] owns the firms, their precomputed features, the candidate index
//! ([`super::postings`]) and the scoring config, and answers top-k partner queries for one
//! firm or all firms. A query scores exactly the partners its concepts reach; the
//! exhaustive scorer beside it scores every firm and is the reference for recall.

use super::concept::{Reader, Reading};
use super::config::ScoringConfig;
use super::postings::{KeySketch, Postings, Slot};
use super::score::{FirmFeatures, PairScore};
use super::topk::Scratch;
use crate::domain::{Firm, FirmId, FirmProfile, Province};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};
use utoipa::ToSchema;

mod query;
mod search;

pub use query::{Direction, Match, MatchQuery, Partner, Scope};
pub use search::recall;

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
    /// By slot: the keys the firm's items are posted under, sketched, so that the search
    /// bounds a direction without answers by 0 without loading the entry.
    key_sketches: Vec<KeySketch>,
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
            key_sketches: self.key_sketches.clone(),
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
            key_sketches: Vec::new(),
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
                p.products()
                    .iter()
                    .map(|x| (x.name(), x.hs_code()))
                    .chain(p.needs().iter().map(|x| (x.name(), x.hs_code())))
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
                self.key_sketches.push(KeySketch::default());
                (self.slots.len() - 1) as Slot
            }
        };
        self.id_keys[slot as usize] = id_key(&firm.id);
        self.key_sketches[slot as usize] = KeySketch::of(&features);
        self.by_id.insert(firm.id.clone(), slot);
        let province = firm.profile.province();
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
}
