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
//! ([`super::score::item_match`]), and a partner without an answered item scores 0.

use super::rank::Direction;
use super::score::{FirmFeatures, ItemFeatures};
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

/// The keys an item is posted under (all levels).
fn item_keys(item: &ItemFeatures, out: &mut Vec<u64>) {
    for c in &item.reading.concepts {
        let hs = c.hs as u64;
        out.extend([
            SUBHEADING | hs,
            HEADING | (hs / 100),
            CHAPTER | (hs / 10_000),
        ]);
    }
    if !item.reading.is_read() {
        out.extend(item.reading.grams.iter().map(|&g| TRIGRAM | g as u64));
    }
}

/// The keys a query item looks up at `levels`.
fn query_keys(item: &ItemFeatures, levels: Levels, out: &mut Vec<u64>) {
    for c in &item.reading.concepts {
        let hs = c.hs as u64;
        out.push(SUBHEADING | hs);
        if levels.heading {
            out.push(HEADING | (hs / 100));
        }
        if levels.chapter {
            out.push(CHAPTER | (hs / 10_000));
        }
    }
    if !item.reading.is_read() {
        out.extend(item.reading.grams.iter().map(|&g| TRIGRAM | g as u64));
    }
}

fn side_keys(items: &[ItemFeatures]) -> Vec<u64> {
    let mut keys = Vec::new();
    for i in items {
        item_keys(i, &mut keys);
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[derive(Debug, Default)]
struct Part {
    products: HashMap<u64, Vec<Slot>>,
    needs: HashMap<u64, Vec<Slot>>,
}

fn post(map: &mut HashMap<u64, Vec<Slot>>, keys: &[u64], slot: Slot) {
    for &k in keys {
        map.entry(k).or_default().push(slot);
    }
}

fn unpost(map: &mut HashMap<u64, Vec<Slot>>, keys: &[u64], slot: Slot) {
    for k in keys {
        if let Some(list) = map.get_mut(k) {
            if let Some(i) = list.iter().position(|&s| s == slot) {
                list.swap_remove(i);
            }
            if list.is_empty() {
                map.remove(k);
            }
        }
    }
}

/// Which lookup reached a candidate: through the query's needs (it may supply the query),
/// through its products (it may buy from it), or both.
pub const SUPPLIES: u8 = 1;
pub const BUYS: u8 = 2;

/// Marks of the slots a query has already proposed and by which lookups, by epoch so
/// clearing is free.
#[derive(Debug, Default)]
pub struct Marks {
    epoch: u32,
    marks: Vec<(u32, u8)>,
}

impl Marks {
    pub fn start(&mut self, slots: usize) {
        if self.marks.len() < slots {
            self.marks.resize(slots, (0, 0));
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.marks.iter_mut().for_each(|m| *m = (0, 0));
            self.epoch = 1;
        }
    }

    /// Records that `how` reached a slot; true the first time the slot is seen this epoch.
    #[inline]
    pub fn reach(&mut self, slot: Slot, how: u8) -> bool {
        let m = &mut self.marks[slot as usize];
        if m.0 != self.epoch {
            *m = (self.epoch, how);
            true
        } else {
            m.1 |= how;
            false
        }
    }

    /// The lookups that reached a slot this epoch.
    #[inline]
    pub fn reached(&self, slot: Slot) -> u8 {
        let m = self.marks[slot as usize];
        if m.0 == self.epoch {
            m.1
        } else {
            0
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
        post(&mut part.products, &side_keys(&f.products), slot);
        post(&mut part.needs, &side_keys(&f.needs), slot);
    }

    pub fn remove(&mut self, slot: Slot, province: Province, f: &FirmFeatures) {
        let part = &mut self.parts[part_of(province)];
        unpost(&mut part.products, &side_keys(&f.products), slot);
        unpost(&mut part.needs, &side_keys(&f.needs), slot);
    }

    /// Appends to `out` every firm of the provinces `parts` that could score above 0 for a
    /// query with features `q` in `direction`, each once; `marks` records which lookups
    /// reached each (a direction not reached scores 0).
    pub fn candidates(
        &self,
        q: &FirmFeatures,
        parts: &[usize],
        direction: Direction,
        levels: Levels,
        marks: &mut Marks,
        out: &mut Vec<Slot>,
    ) {
        let mut keys = Vec::new();
        let mut look =
            |items: &[ItemFeatures], how: u8, lists: &dyn Fn(&Part) -> &HashMap<u64, Vec<Slot>>| {
                keys.clear();
                for i in items {
                    query_keys(i, levels, &mut keys);
                }
                keys.sort_unstable();
                keys.dedup();
                for &p in parts {
                    let map = lists(&self.parts[p]);
                    for k in &keys {
                        if let Some(list) = map.get(k) {
                            out.extend(list.iter().copied().filter(|&s| marks.reach(s, how)));
                        }
                    }
                }
            };
        if direction != Direction::Buys {
            // Partners that supply the query: their products against its needs.
            look(&q.needs, SUPPLIES, &|p: &Part| &p.products);
        }
        if direction != Direction::Supplies {
            look(&q.products, BUYS, &|p: &Part| &p.needs);
        }
    }
}
