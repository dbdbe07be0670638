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
//! ([`TrigramSketch::cosine_bound`], [`AnswerBounds::bound`]); the search over those bounds
//! is [`super::topk`].

use super::concept::Concept;
use super::config::ScoringConfig;
use super::rank::Direction;
use super::score::{AnswerBounds, AnswerSide, FirmFeatures, ItemFeatures};
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

/// One item of a firm under one key, with the sketch of its name's trigrams: 64 bytes, one
/// cache line, read in list order.
#[derive(Debug, Clone, Copy)]
struct Posting {
    name: TrigramSketch,
    side: AnswerSide,
    slot: Slot,
}

const _: () = assert!(std::mem::size_of::<Posting>() == 64);

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
        let name = TrigramSketch::of(&item.reading.grams);
        for &(key, concept, _) in &keys {
            let side =
                AnswerSide::new(concept.as_ref(), &item.rate, certs.unwrap_or(item.required));
            map.entry(key)
                .or_default()
                .push(Posting { name, side, slot });
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

/// One posting that answers the query: the firm, the lookup that reached it, and the upper
/// bound of its fit through this answer. The walk writes these in list order (no per-firm
/// table is touched), so it streams through memory; the ranking then marks only the
/// answers whose bound could still enter the top k.
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    pub bound: f64,
    pub slot: Slot,
    pub how: u8,
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

    /// Appends to `out` every answer from a firm of the provinces `parts` to a query with
    /// features `q` in `direction` whose bound is above 0, with that bound; a firm may
    /// appear once per answer. A firm or direction without an answer here scores 0.
    pub fn reaches(
        &self,
        q: &FirmFeatures,
        parts: &[usize],
        direction: Direction,
        (levels, cfg): (Levels, &ScoringConfig),
        out: &mut Vec<Reach>,
    ) {
        let bounds = AnswerBounds::new(cfg);
        let mut keys = Vec::new();
        let mut look = |item: &ItemFeatures, how: u8| {
            let name = TrigramSketch::of(&item.reading.grams);
            keys.clear();
            item_keys(item, Some((levels, cfg)), &mut keys);
            for &(key, concept, level) in &keys {
                let certs = if how == SUPPLIES {
                    item.required
                } else {
                    q.certifications
                };
                let mine = AnswerSide::new(concept.as_ref(), &item.rate, certs);
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
                        let bound =
                            bounds.bound(need, product, level, name.cosine_bound(&posting.name));
                        // An answer bounded by 0 is no answer: the slot need not be
                        // proposed for it (a direction reached only so scores 0).
                        if bound > 0.0 {
                            out.push(Reach {
                                bound,
                                slot: posting.slot,
                                how,
                            });
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
