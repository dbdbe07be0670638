//! The candidate index: per province, which firms make and which firms need each concept.
//!
//! A product or need is posted under the keys its reading gives: each of its HS-6 concepts,
//! with that concept's heading and chapter (looked up only when the config gives those
//! levels a similarity), or, for an item read as no concept, its name's trigrams. A query
//! looks up its own items' keys on the other side (its needs among products for partners
//! that supply it, its products among needs for partners that buy from it), so the work
//! follows the number of plausible partners, not the number of firms or spellings.
//!
//! The lists are exact, not a heuristic: two items that share no key have similarity 0
//! ([`super::score::item_match`]), and a partner without an answered item scores 0. Each
//! posting also carries what bounds the fit of an answer through it (the item's concept,
//! rate, certifications and a sketch of its name's trigrams, inline so the walk reads memory
//! in order), so a query bounds each answer by nearly the similarity it really has
//! ([`TrigramSketch::cosine_bound`], [`super::score::met_similarity`],
//! [`super::score::answer_bound`]), orders its candidates by bound and stops scoring once no
//! remaining one can enter its top k.

use super::concept::Concept;
use super::config::ScoringConfig;
use super::rank::Direction;
use super::score::{answer_bound, met_similarity, AnswerSide, FirmFeatures, ItemFeatures};
use super::text::TrigramSketch;
use crate::domain::Province;
use std::collections::HashMap;

/// A firm's place in the matcher's tables.
pub type Slot = u32;

const SUBHEADING: u64 = 1 << 32;
const HEADING: u64 = 2 << 32;
const CHAPTER: u64 = 3 << 32;
const TRIGRAM: u64 = 4 << 32;

/// Which levels a query looks up besides the subheading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Levels {
    pub heading: bool,
    pub chapter: bool,
}

/// One item of a firm under one key, with the sketch of its name's trigrams.
#[derive(Debug, Clone, Copy)]
struct Posting {
    slot: Slot,
    side: AnswerSide,
    name: TrigramSketch,
}

/// The keys of an item with the concept each comes from: every level when posting, the
/// levels asked (with their similarity) when looking up.
fn item_keys(
    item: &ItemFeatures,
    levels: Option<(Levels, &ScoringConfig)>,
    out: &mut Vec<(u64, Option<Concept>, f64)>,
) {
    for c in &item.reading.concepts {
        let hs = c.hs as u64;
        let (heading, chapter, l6, l4, l2) = match levels {
            None => (true, true, 1.0, 1.0, 1.0),
            Some((l, cfg)) => (
                l.heading,
                l.chapter,
                cfg.hs.subheading6,
                cfg.hs.heading4,
                cfg.hs.chapter2,
            ),
        };
        out.push((SUBHEADING | hs, Some(*c), l6));
        if heading {
            out.push((HEADING | (hs / 100), Some(*c), l4));
        }
        if chapter {
            out.push((CHAPTER | (hs / 10_000), Some(*c), l2));
        }
    }
    if !item.reading.is_read() {
        out.extend(
            item.reading
                .grams
                .iter()
                .map(|&g| (TRIGRAM | g as u64, None, 1.0)),
        );
    }
}

#[derive(Debug, Default)]
struct Part {
    products: HashMap<u64, Vec<Posting>>,
    needs: HashMap<u64, Vec<Posting>>,
}

/// Posts each item of a side under its keys.
fn post(
    map: &mut HashMap<u64, Vec<Posting>>,
    items: &[ItemFeatures],
    certs: Option<u16>,
    slot: Slot,
) {
    let mut keys = Vec::new();
    for item in items {
        keys.clear();
        item_keys(item, None, &mut keys);
        for &(key, concept, _) in &keys {
            let side = AnswerSide {
                concept,
                rate: item.rate,
                certs: certs.unwrap_or(item.required),
            };
            map.entry(key).or_default().push(Posting {
                slot,
                side,
                name: TrigramSketch::of(&item.reading.grams),
            });
        }
    }
}

/// Removes every posting of `slot` under the keys of `items`.
fn unpost(map: &mut HashMap<u64, Vec<Posting>>, items: &[ItemFeatures], slot: Slot) {
    let mut keys = Vec::new();
    for item in items {
        item_keys(item, None, &mut keys);
    }
    keys.sort_unstable_by_key(|k| k.0);
    keys.dedup_by_key(|k| k.0);
    for (key, _, _) in keys {
        if let Some(list) = map.get_mut(&key) {
            list.retain(|p| p.slot != slot);
            if list.is_empty() {
                map.remove(&key);
            }
        }
    }
}

/// Which lookup reached a candidate: through the query's needs (it may supply the query),
/// through its products (it may buy from it), or both.
pub const SUPPLIES: u8 = 1;
pub const BUYS: u8 = 2;

/// What a query has found of a slot this epoch: which lookups reached it, and the upper
/// bounds of its fit in each direction.
#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    epoch: u32,
    reached: u8,
    supplies: f64,
    buys: f64,
}

/// Marks of the slots a query has already proposed, by epoch so clearing is free.
#[derive(Debug, Default)]
pub struct Marks {
    epoch: u32,
    marks: Vec<Mark>,
}

impl Marks {
    pub fn start(&mut self, slots: usize) {
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
    pub fn reached(&self, slot: Slot) -> u8 {
        let m = self.marks[slot as usize];
        if m.epoch == self.epoch {
            m.reached
        } else {
            0
        }
    }

    /// Upper bounds of how well a reached slot supplies the query and buys from it.
    #[inline]
    pub fn bounds(&self, slot: Slot) -> (f64, f64) {
        let m = self.marks[slot as usize];
        if m.epoch == self.epoch {
            (m.supplies, m.buys)
        } else {
            (0.0, 0.0)
        }
    }
}

/// Posting lists per province.
#[derive(Debug, Default)]
pub struct Postings {
    parts: [Part; 2],
}

pub fn part_of(p: Province) -> usize {
    p as usize
}

impl Postings {
    pub fn insert(&mut self, slot: Slot, province: Province, f: &FirmFeatures) {
        let part = &mut self.parts[part_of(province)];
        post(
            &mut part.products,
            &f.products,
            Some(f.certifications),
            slot,
        );
        post(&mut part.needs, &f.needs, None, slot);
    }

    pub fn remove(&mut self, slot: Slot, province: Province, f: &FirmFeatures) {
        let part = &mut self.parts[part_of(province)];
        unpost(&mut part.products, &f.products, slot);
        unpost(&mut part.needs, &f.needs, slot);
    }

    /// Appends to `out` every firm of the provinces `parts` that could score above 0 for a
    /// query with features `q` in `direction`, each once; `marks` records which lookups
    /// reached each (a direction not reached scores 0) and the bounds of its fit.
    #[allow(clippy::too_many_arguments)]
    pub fn candidates(
        &self,
        q: &FirmFeatures,
        parts: &[usize],
        direction: Direction,
        levels: Levels,
        cfg: &ScoringConfig,
        marks: &mut Marks,
        out: &mut Vec<Slot>,
    ) {
        let mut keys = Vec::new();
        let mut look = |item: &ItemFeatures, how: u8| {
            let name = TrigramSketch::of(&item.reading.grams);
            keys.clear();
            item_keys(item, Some((levels, cfg)), &mut keys);
            for &(key, concept, level) in &keys {
                let mine = AnswerSide {
                    concept,
                    rate: item.rate,
                    certs: if how == SUPPLIES {
                        item.required
                    } else {
                        q.certifications
                    },
                };
                for &p in parts {
                    let part = &self.parts[p];
                    let lists = if how == SUPPLIES {
                        &part.products
                    } else {
                        &part.needs
                    };
                    let Some(list) = lists.get(&key) else {
                        continue;
                    };
                    for posting in list {
                        let (need, product) = if how == SUPPLIES {
                            (&mine, &posting.side)
                        } else {
                            (&posting.side, &mine)
                        };
                        let names = name.cosine_bound(&posting.name);
                        let sim = met_similarity(
                            concept.as_ref(),
                            posting.side.concept.as_ref(),
                            level,
                            names,
                            cfg,
                        );
                        let bound = answer_bound(need, product, sim, cfg);
                        // An answer bounded by 0 is no answer: the slot need not be
                        // proposed for it (a direction reached only so scores 0).
                        if bound <= 0.0 {
                            continue;
                        }
                        if marks.reach(posting.slot, how, bound) {
                            out.push(posting.slot);
                        }
                    }
                }
            }
        };
        if direction != Direction::Buys {
            // Partners that supply the query: their products against its needs.
            for need in &q.needs {
                look(need, SUPPLIES);
            }
        }
        if direction != Direction::Supplies {
            for product in &q.products {
                look(product, BUYS);
            }
        }
    }
}
