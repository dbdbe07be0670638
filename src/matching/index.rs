//! The candidate index: posting lists from need and product terms (glossary concepts and
//! words, HS-description words included), HS prefixes (2 and 4 digits) and IO sectors to the
//! firms carrying them, so a query scores only plausible partners. Updated per firm.

use super::score::{FirmFeatures, ItemFeatures};
use super::sector::{SectorId, SectorTable, SECTORS};
use super::text::{Term, TermId, WORD_WEIGHT};
use crate::domain::{FirmId, Province};
use std::collections::{BTreeSet, HashMap};

/// A firm's position in the matcher's slot table.
pub type Slot = u32;

/// Posting keys: a product/need term, or an HS prefix tagged with its length.
fn hs_prefixes(hs: (u32, u8)) -> impl Iterator<Item = u64> {
    let (code, len) = hs;
    [2u8, 4]
        .into_iter()
        .filter(move |&n| len >= n)
        .map(move |n| ((n as u64) << 32) | (code / 10u32.pow((len - n) as u32)) as u64)
}

/// The terms of an item worth a posting: a match on attribute or family terms alone
/// ("dried", "packaging") scores half and almost always falls below `min_item_similarity`,
/// so only terms weighing at least a plain word are indexed, unless the item has no other.
fn strong_terms(i: &ItemFeatures) -> impl Iterator<Item = TermId> + '_ {
    let strong = |t: &&Term| t.weight >= WORD_WEIGHT;
    let all = !i.terms.iter().chain(i.hs_terms.iter()).any(|t| strong(&t));
    i.terms
        .iter()
        .chain(i.hs_terms.iter())
        .filter(move |t| all || strong(t))
        .map(|t| t.id)
}

/// Keys of one side (products or needs) of a firm, de-duplicated.
fn side_keys(items: &[ItemFeatures]) -> (Vec<TermId>, Vec<u64>) {
    let mut terms: Vec<TermId> = items.iter().flat_map(strong_terms).collect();
    terms.sort_unstable();
    terms.dedup();
    let mut hs: Vec<u64> = items.iter().flat_map(|i| hs_prefixes(i.hs)).collect();
    hs.sort_unstable();
    hs.dedup();
    (terms, hs)
}

/// Per-query scratch marking the slots already proposed: de-duplicates candidates in
/// O(entries) without sorting. Reused across queries through the epoch counter.
#[derive(Debug, Default)]
pub struct Seen {
    marks: Vec<u32>,
    epoch: u32,
}

impl Seen {
    fn start(&mut self, slots: usize) {
        if self.marks.len() < slots {
            self.marks.resize(slots, 0);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.marks.iter_mut().for_each(|m| *m = 0);
            self.epoch = 1;
        }
    }

    /// True the first time a slot is offered in this query.
    #[inline]
    fn first(&mut self, slot: Slot) -> bool {
        let m = &mut self.marks[slot as usize];
        let new = *m != self.epoch;
        *m = self.epoch;
        new
    }
}

/// What one candidate query asks for: suppliers of the firm's needs and/or buyers of its
/// products, within a budget; sector links with a coefficient ≥ `saturation` all count and
/// each linked sector adds its `per_sector` lowest-id firms.
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    pub supplies: bool,
    pub buys: bool,
    pub budget: Budget,
    pub saturation: f32,
    pub per_sector: usize,
    /// Partner provinces wanted (by position in [`Province::ALL`]): each province has its
    /// own postings, so an inter-province query never reads its own province's firms.
    pub provinces: [bool; 2],
}

/// Postings of the firms of each province.
#[derive(Debug)]
pub struct CandidateIndex {
    parts: [Part; 2],
}

fn part_of(p: Province) -> usize {
    Province::ALL.iter().position(|&x| x == p).unwrap_or(0)
}

impl Default for CandidateIndex {
    fn default() -> Self {
        CandidateIndex::new()
    }
}

impl CandidateIndex {
    pub fn new() -> Self {
        CandidateIndex {
            parts: [Part::new(), Part::new()],
        }
    }

    pub fn insert(&mut self, slot: Slot, id: &FirmId, province: Province, f: &FirmFeatures) {
        self.parts[part_of(province)].insert(slot, id, f);
    }

    pub fn remove(&mut self, slot: Slot, id: &FirmId, province: Province, f: &FirmFeatures) {
        self.parts[part_of(province)].remove(slot, id, f);
    }

    /// Candidate partners of a firm with features `q` in the provinces of `ask`: suppliers
    /// of its needs when `supplies`, buyers of its products when `buys`. De-duplicated
    /// (`slots` bounds the slot numbers), in no particular order, may include the firm.
    pub fn candidates(
        &self,
        q: &FirmFeatures,
        ask: &Ask,
        slots: usize,
        seen: &mut Seen,
        out: &mut Vec<Slot>,
    ) {
        out.clear();
        seen.start(slots);
        let mut gathered = 0usize;
        for (part, _) in self.parts.iter().zip(ask.provinces).filter(|(_, w)| *w) {
            part.candidates(q, ask, seen, &mut gathered, out);
        }
    }
}

#[derive(Debug, Default)]
struct Part {
    product_terms: HashMap<TermId, Vec<Slot>>,
    need_terms: HashMap<TermId, Vec<Slot>>,
    product_hs: HashMap<u64, Vec<Slot>>,
    need_hs: HashMap<u64, Vec<Slot>>,
    /// Firms of each IO sector in id order, so the sector-only candidates taken are the
    /// ones ranking breaks ties for (lowest id first).
    sector_firms: Vec<BTreeSet<(FirmId, Slot)>>,
}

fn add(map: &mut HashMap<u64, Vec<Slot>>, keys: &[u64], slot: Slot) {
    for k in keys {
        map.entry(*k).or_default().push(slot);
    }
}

fn drop_slot(list: &mut Vec<Slot>, slot: Slot) {
    // Order inside a posting list carries no meaning: candidates are de-duplicated and
    // sorted before scoring.
    if let Some(p) = list.iter().position(|&s| s == slot) {
        list.swap_remove(p);
    }
}

fn remove(map: &mut HashMap<u64, Vec<Slot>>, keys: &[u64], slot: Slot) {
    for k in keys {
        if let Some(list) = map.get_mut(k) {
            drop_slot(list, slot);
            if list.is_empty() {
                map.remove(k);
            }
        }
    }
}

/// Budget of one query: posting lists are read shortest first until `max_candidates`
/// entries were gathered; sector links add at least `sector_candidates` firms each (4 × k when larger).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub max_candidates: usize,
    pub sector_links: usize,
    pub sector_candidates: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_candidates: 50_000,
            sector_links: 3,
            sector_candidates: 64,
        }
    }
}

impl Part {
    fn new() -> Self {
        Part {
            sector_firms: vec![BTreeSet::new(); SECTORS],
            ..Default::default()
        }
    }

    fn insert(&mut self, slot: Slot, id: &FirmId, f: &FirmFeatures) {
        let (pt, ph) = side_keys(&f.products);
        let (nt, nh) = side_keys(&f.needs);
        add(&mut self.product_terms, &pt, slot);
        add(&mut self.product_hs, &ph, slot);
        add(&mut self.need_terms, &nt, slot);
        add(&mut self.need_hs, &nh, slot);
        for &s in &f.sectors {
            self.sector_firms[s as usize].insert((id.clone(), slot));
        }
    }

    fn remove(&mut self, slot: Slot, id: &FirmId, f: &FirmFeatures) {
        let (pt, ph) = side_keys(&f.products);
        let (nt, nh) = side_keys(&f.needs);
        remove(&mut self.product_terms, &pt, slot);
        remove(&mut self.product_hs, &ph, slot);
        remove(&mut self.need_terms, &nt, slot);
        remove(&mut self.need_hs, &nh, slot);
        for &s in &f.sectors {
            self.sector_firms[s as usize].remove(&(id.clone(), slot));
        }
    }

    /// This province's share of [`CandidateIndex::candidates`], appended to `out`.
    fn candidates(
        &self,
        q: &FirmFeatures,
        ask: &Ask,
        seen: &mut Seen,
        gathered: &mut usize,
        out: &mut Vec<Slot>,
    ) {
        let Ask {
            supplies,
            buys,
            budget,
            saturation,
            per_sector,
            ..
        } = *ask;
        let mut lists: Vec<&[Slot]> = Vec::new();
        if supplies {
            let (terms, hs) = side_keys(&q.needs);
            lists.extend(
                terms
                    .iter()
                    .filter_map(|t| self.product_terms.get(t))
                    .map(Vec::as_slice),
            );
            lists.extend(
                hs.iter()
                    .filter_map(|h| self.product_hs.get(h))
                    .map(Vec::as_slice),
            );
        }
        if buys {
            let (terms, hs) = side_keys(&q.products);
            lists.extend(
                terms
                    .iter()
                    .filter_map(|t| self.need_terms.get(t))
                    .map(Vec::as_slice),
            );
            lists.extend(
                hs.iter()
                    .filter_map(|h| self.need_hs.get(h))
                    .map(Vec::as_slice),
            );
        }
        // Rare keys first: they name what the firm is specifically about.
        lists.sort_by_key(|l| l.len());
        for l in lists {
            let room = budget.max_candidates.saturating_sub(*gathered);
            if room == 0 {
                break;
            }
            let l = &l[..l.len().min(room)];
            *gathered += l.len();
            out.extend(l.iter().copied().filter(|&s| seen.first(s)));
        }
        let table = SectorTable::shared();
        let mut links: Vec<(f32, SectorId)> = Vec::new();
        for &s in &q.sectors {
            if supplies {
                links.extend(table.suppliers_of(s).iter().map(|&(i, a)| (a, i)));
            }
            if buys {
                links.extend(table.buyers_of(s).iter().map(|&(j, a)| (a, j)));
            }
        }
        links.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        // Every link whose sector fit is saturated scores alike, so all of them are read,
        // plus the strongest few below saturation.
        let mut taken: Vec<SectorId> = Vec::new();
        let (mut unsaturated, mut added) = (0, 0);
        for &(a, s) in &links {
            if taken.contains(&s) {
                continue;
            }
            if a < saturation {
                // Small sectors may hold too few in-scope firms: read on until enough.
                if unsaturated >= budget.sector_links && added >= 2 * per_sector {
                    break;
                }
                unsaturated += 1;
            }
            taken.push(s);
            for &(_, slot) in self.sector_firms[s as usize].iter().take(per_sector) {
                added += 1;
                if seen.first(slot) {
                    out.push(slot);
                }
            }
        }
    }
}
