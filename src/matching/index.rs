//! The candidate index: firms sharing a province, a product class and a need class (see
//! [`super::fast`]) form a group, interchangeable for ranking bounds. Per province it lists
//! the groups of each product class and of each need class, so a stored firm's query goes
//! from the classes its items can meet (known from the signature tables) straight to their
//! groups; posting lists from need and product terms (glossary concepts and words,
//! HS-description words included) and HS prefixes (2 and 4 digits) to groups serve profiles
//! that are not stored. A query bounds groups, not firms, and walks the members of a group
//! only while its bound can still enter the top k. Updated per firm.

use super::score::{FirmFeatures, ItemFeatures};
use super::sector::SectorId;
use super::text::{Term, TermId, WORD_WEIGHT};
use crate::domain::{FirmId, Province};
use std::collections::HashMap;

/// A firm's position in the matcher's slot table.
pub type Slot = u32;

/// A group's position in the index's group table.
pub type GroupId = u32;

/// A group with its product class and need class, as the sector sets list it.
pub type ClassedGroup = (u32, u32, GroupId);

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

/// Per-query scratch marking the groups (or classes) already proposed: de-duplicates them
/// in O(entries) without sorting. Reused across queries through the epoch counter.
#[derive(Debug, Default)]
pub struct Seen {
    marks: Vec<u32>,
    epoch: u32,
}

impl Seen {
    pub fn start(&mut self, len: usize) {
        if self.marks.len() < len {
            self.marks.resize(len, 0);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.marks.iter_mut().for_each(|m| *m = 0);
            self.epoch = 1;
        }
    }

    /// True the first time a group is offered in this query.
    #[inline]
    pub fn first(&mut self, g: GroupId) -> bool {
        let m = &mut self.marks[g as usize];
        let new = *m != self.epoch;
        *m = self.epoch;
        new
    }

    /// Whether a group was offered in this query.
    #[inline]
    pub fn has(&self, g: GroupId) -> bool {
        self.marks[g as usize] == self.epoch
    }
}

/// What one candidate query asks for: suppliers of the firm's needs and/or buyers of its
/// products, in the wanted provinces.
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    pub supplies: bool,
    pub buys: bool,
    /// Partner provinces wanted (by position in [`Province::ALL`]): each province has its
    /// own postings, so an inter-province query never reads its own province's firms.
    pub provinces: [bool; 2],
}

/// Firms of one province with the same product class and need class: the same texts and
/// sectors, so the same ranking bounds against any query.
#[derive(Debug, Default)]
pub struct Group {
    pub province_part: usize,
    pub product_class: u32,
    pub need_class: u32,
    /// Members in id order: ranking breaks ties of equal scores by id.
    pub members: Vec<(FirmId, Slot)>,
}

/// The groups and their postings, per province.
#[derive(Debug)]
pub struct CandidateIndex {
    groups: Vec<Group>,
    /// First member and size of each group, beside the groups: a query reads these for
    /// thousands of groups and the members of a few.
    heads: Vec<(Slot, u32)>,
    free: Vec<GroupId>,
    by_classes: HashMap<(usize, u32, u32), GroupId>,
    parts: [Part; 2],
}

pub fn part_of(p: Province) -> usize {
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
            groups: Vec::new(),
            heads: Vec::new(),
            free: Vec::new(),
            by_classes: HashMap::new(),
            parts: [Part::default(), Part::default()],
        }
    }

    /// Size of the group table (group ids are below it).
    pub fn group_slots(&self) -> usize {
        self.groups.len()
    }

    pub fn group(&self, g: GroupId) -> &Group {
        &self.groups[g as usize]
    }

    /// The first member (in id order) and the size of a live group.
    #[inline]
    pub fn head(&self, g: GroupId) -> (Slot, u32) {
        self.heads[g as usize]
    }

    /// Groups of province `part` with product class `class`, with their need classes.
    #[inline]
    pub fn product_class_groups(&self, part: usize, class: u32) -> &[(u32, GroupId)] {
        self.parts[part]
            .by_product_class
            .get(class as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// Groups of province `part` with need class `class`, with their product classes.
    #[inline]
    pub fn need_class_groups(&self, part: usize, class: u32) -> &[(u32, GroupId)] {
        self.parts[part]
            .by_need_class
            .get(class as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a product class has firms in any province.
    pub fn product_class_live(&self, class: u32) -> bool {
        (0..2).any(|p| !self.product_class_groups(p, class).is_empty())
    }

    /// Whether a need class has firms in any province.
    pub fn need_class_live(&self, class: u32) -> bool {
        (0..2).any(|p| !self.need_class_groups(p, class).is_empty())
    }

    /// The groups of province `part` by their firms' sectors: a partner no item of the
    /// query reaches scores on sectors alone, the same for every group of a sector set.
    /// Each group comes with its product and need class.
    pub fn sector_sets(&self, part: usize) -> impl Iterator<Item = (&[SectorId], &[ClassedGroup])> {
        self.parts[part]
            .by_sectors
            .iter()
            .map(|(s, g)| (s.as_slice(), g.as_slice()))
    }

    /// Groups holding at least one firm.
    pub fn groups(&self) -> usize {
        self.by_classes.len()
    }

    /// Adds a firm of classes `(product class, need class)`.
    pub fn insert(
        &mut self,
        slot: Slot,
        id: &FirmId,
        province: Province,
        classes: (u32, u32),
        f: &FirmFeatures,
    ) {
        let part = part_of(province);
        let key = (part, classes.0, classes.1);
        let g = match self.by_classes.get(&key) {
            Some(&g) => g,
            None => {
                let g = self.free.pop().unwrap_or_else(|| {
                    self.groups.push(Group::default());
                    self.heads.push((0, 0));
                    (self.groups.len() - 1) as GroupId
                });
                self.groups[g as usize] = Group {
                    province_part: part,
                    product_class: classes.0,
                    need_class: classes.1,
                    members: Vec::new(),
                };
                self.by_classes.insert(key, g);
                self.parts[part].insert(g, classes, f);
                g
            }
        };
        let members = &mut self.groups[g as usize].members;
        let at = members.partition_point(|(m, _)| m < id);
        members.insert(at, (id.clone(), slot));
        self.heads[g as usize] = (members[0].1, members.len() as u32);
    }

    /// Removes a firm inserted with the same arguments.
    pub fn remove(
        &mut self,
        slot: Slot,
        id: &FirmId,
        province: Province,
        classes: (u32, u32),
        f: &FirmFeatures,
    ) {
        let part = part_of(province);
        let key = (part, classes.0, classes.1);
        let Some(&g) = self.by_classes.get(&key) else {
            return;
        };
        let members = &mut self.groups[g as usize].members;
        if let Ok(at) = members.binary_search_by(|m| m.0.cmp(id)) {
            if members[at].1 == slot {
                members.remove(at);
            }
        }
        if members.is_empty() {
            self.by_classes.remove(&key);
            self.parts[part].remove(g, classes, f);
            self.free.push(g);
            self.heads[g as usize] = (0, 0);
        } else {
            self.heads[g as usize] = (members[0].1, members.len() as u32);
        }
    }

    /// Groups that may hold partners of a firm with features `q` in the provinces of
    /// `ask` by their texts: suppliers of its needs when `supplies`, buyers of its products
    /// when `buys`. Appended to `out` unless `seen` already had them; in no particular
    /// order.
    pub fn text_groups(
        &self,
        q: &FirmFeatures,
        ask: &Ask,
        seen: &mut Seen,
        out: &mut Vec<GroupId>,
    ) {
        for (part, _) in self.parts.iter().zip(ask.provinces).filter(|(_, w)| *w) {
            part.candidates(q, ask, seen, out);
        }
    }

    /// Every group of the provinces of `ask` not yet `seen`, appended to `out`.
    pub fn other_groups(&self, ask: &Ask, seen: &mut Seen, out: &mut Vec<GroupId>) {
        for (part, _) in self.parts.iter().zip(ask.provinces).filter(|(_, w)| *w) {
            out.extend(part.all.iter().copied().filter(|&g| seen.first(g)));
        }
    }
}

#[derive(Debug, Default)]
struct Part {
    product_terms: HashMap<TermId, Vec<GroupId>>,
    need_terms: HashMap<TermId, Vec<GroupId>>,
    product_hs: HashMap<u64, Vec<GroupId>>,
    need_hs: HashMap<u64, Vec<GroupId>>,
    /// Every group of the province.
    all: Vec<GroupId>,
    /// By product class: the need class and id of each group of that class.
    by_product_class: Vec<Vec<(u32, GroupId)>>,
    /// By need class: the product class and id of each group of that class.
    by_need_class: Vec<Vec<(u32, GroupId)>>,
    /// By the firms' sectors (part of both class keys, so one set per group): product
    /// class, need class and id of each group.
    by_sectors: HashMap<Vec<SectorId>, Vec<ClassedGroup>>,
}

fn add_to_class(lists: &mut Vec<Vec<(u32, GroupId)>>, class: u32, other: u32, g: GroupId) {
    if lists.len() <= class as usize {
        lists.resize_with(class as usize + 1, Vec::new);
    }
    lists[class as usize].push((other, g));
}

fn drop_from_class(lists: &mut [Vec<(u32, GroupId)>], class: u32, g: GroupId) {
    if let Some(list) = lists.get_mut(class as usize) {
        if let Some(p) = list.iter().position(|&(_, s)| s == g) {
            list.swap_remove(p);
        }
    }
}

fn add(map: &mut HashMap<u64, Vec<GroupId>>, keys: &[u64], g: GroupId) {
    for k in keys {
        map.entry(*k).or_default().push(g);
    }
}

fn drop_group(list: &mut Vec<GroupId>, g: GroupId) {
    // Order inside a posting list carries no meaning: groups are de-duplicated and
    // ordered by bound before use.
    if let Some(p) = list.iter().position(|&s| s == g) {
        list.swap_remove(p);
    }
}

fn remove(map: &mut HashMap<u64, Vec<GroupId>>, keys: &[u64], g: GroupId) {
    for k in keys {
        if let Some(list) = map.get_mut(k) {
            drop_group(list, g);
            if list.is_empty() {
                map.remove(k);
            }
        }
    }
}

impl Part {
    fn insert(&mut self, g: GroupId, (pc, nc): (u32, u32), f: &FirmFeatures) {
        let (pt, ph) = side_keys(&f.products);
        let (nt, nh) = side_keys(&f.needs);
        add(&mut self.product_terms, &pt, g);
        add(&mut self.product_hs, &ph, g);
        add(&mut self.need_terms, &nt, g);
        add(&mut self.need_hs, &nh, g);
        self.all.push(g);
        add_to_class(&mut self.by_product_class, pc, nc, g);
        add_to_class(&mut self.by_need_class, nc, pc, g);
        self.by_sectors
            .entry(f.sectors.clone())
            .or_default()
            .push((pc, nc, g));
    }

    fn remove(&mut self, g: GroupId, (pc, nc): (u32, u32), f: &FirmFeatures) {
        let (pt, ph) = side_keys(&f.products);
        let (nt, nh) = side_keys(&f.needs);
        remove(&mut self.product_terms, &pt, g);
        remove(&mut self.product_hs, &ph, g);
        remove(&mut self.need_terms, &nt, g);
        remove(&mut self.need_hs, &nh, g);
        drop_group(&mut self.all, g);
        drop_from_class(&mut self.by_product_class, pc, g);
        drop_from_class(&mut self.by_need_class, nc, g);
        if let Some(list) = self.by_sectors.get_mut(&f.sectors) {
            if let Some(p) = list.iter().position(|x| x.2 == g) {
                list.swap_remove(p);
            }
            if list.is_empty() {
                self.by_sectors.remove(&f.sectors);
            }
        }
    }

    /// This province's share of [`CandidateIndex::text_groups`], appended to `out`.
    fn candidates(&self, q: &FirmFeatures, ask: &Ask, seen: &mut Seen, out: &mut Vec<GroupId>) {
        let mut read = |map: &HashMap<u64, Vec<GroupId>>, keys: &[u64]| {
            for list in keys.iter().filter_map(|k| map.get(k)) {
                out.extend(list.iter().copied().filter(|&g| seen.first(g)));
            }
        };
        if ask.supplies {
            let (terms, hs) = side_keys(&q.needs);
            read(&self.product_terms, &terms);
            read(&self.product_hs, &hs);
        }
        if ask.buys {
            let (terms, hs) = side_keys(&q.products);
            read(&self.need_terms, &terms);
            read(&self.need_hs, &hs);
        }
    }
}
