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
use super::score::{sector_fit, AnswerBounds, AnswerSide, FirmFeatures, ItemFeatures, HALAL};
use super::sector::{SectorId, SECTORS};
use super::text::TrigramSketch;
use super::topk;
use crate::domain::Province;
use std::collections::{BinaryHeap, HashMap};

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

/// One item of a firm under one key, with the sketch of its name's trigrams and the firm's
/// sectors: 64 bytes, one cache line, read in list order.
#[derive(Debug, Clone, Copy)]
struct Posting {
    name: TrigramSketch,
    side: AnswerSide,
    slot: Slot,
    sectors: PostedSectors,
}

/// A firm's IO sectors as its postings carry them, so that an answer is bounded by the
/// sector link the pair really has rather than the strongest there is: up to four ids,
/// padded with [`NO_SECTOR`]; a firm with more carries [`ANY_SECTOR`], bounded by the
/// strongest link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PostedSectors([u8; 4]);

const NO_SECTOR: u8 = u8::MAX;
const ANY_SECTOR: u8 = u8::MAX - 1;
const _: () = assert!(SECTORS < ANY_SECTOR as usize);

/// What a group of postings bounds the sector link by: the sectors they all carry, or
/// [`ANY_SECTOR`] (the strongest link) when they differ.
fn shared_sectors(postings: &[Posting]) -> PostedSectors {
    let first = postings.first().map_or(PostedSectors::ANY, |p| p.sectors);
    if postings.iter().all(|p| p.sectors == first) {
        first
    } else {
        PostedSectors::ANY
    }
}

impl PostedSectors {
    const ANY: PostedSectors = PostedSectors([ANY_SECTOR, NO_SECTOR, NO_SECTOR, NO_SECTOR]);

    fn of(sectors: &[SectorId]) -> PostedSectors {
        let mut ids = [NO_SECTOR; 4];
        if sectors.len() > ids.len() {
            ids[0] = ANY_SECTOR;
        } else {
            ids[..sectors.len()].copy_from_slice(sectors);
        }
        PostedSectors(ids)
    }
}

/// The sector fit of a query with a partner in each sector, one table per direction
/// (indexed by [`PostedSectors`] ids), made once per query.
struct SectorBounds {
    fit: [f32; 256],
}

impl SectorBounds {
    /// The fits of partners in each sector with `mine`, the query's sectors: as suppliers
    /// of the query when `supplier` is true, else as its buyers.
    fn new(mine: &[SectorId], supplier: bool, cfg: &ScoringConfig) -> SectorBounds {
        let mut fit = [0f32; 256];
        let mut strongest = 0f32;
        for s in 0..SECTORS as SectorId {
            let one = [s];
            let f = if supplier {
                sector_fit(&one, mine, cfg)
            } else {
                sector_fit(mine, &one, cfg)
            };
            // Rounded up to f32 so the bound never falls below the scorer's f64.
            let f = (f * (1.0 + 1e-6)).min(1.0) as f32;
            fit[s as usize] = f;
            strongest = strongest.max(f);
        }
        fit[ANY_SECTOR as usize] = strongest;
        SectorBounds { fit }
    }

    /// The strongest fit with any sector.
    fn strongest(&self) -> f64 {
        self.fit[ANY_SECTOR as usize] as f64
    }

    #[inline]
    fn of(&self, sectors: PostedSectors) -> f64 {
        let [a, b, c, d] = sectors.0.map(|s| self.fit[s as usize]);
        a.max(b).max(c.max(d)) as f64
    }
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

/// A posting list, sorted so that a query can stop where no answer can matter: runs of
/// postings that share what an answer's bound reads besides rate (the rate's dimension,
/// the reading's source and confidence band, and for needs a halal requirement), split by
/// name into groups of alike spellings, each ordered by rate with the best capacity fit
/// first (large products, small needs). Along a run the bound with the run's best
/// confidence and certificates and the best name any of its postings can have for the
/// query ([`Stream::ceiling`]) never rises, so a query binary-searches where it falls
/// below what could still enter its top k, and passes by whole runs of other spellings. A
/// run with few spellings for its length is ordered by spelling instead, each in rate
/// order, and a query that reaches it opens it into its spellings ([`Stream::open`]).
#[derive(Debug, Default, Clone)]
struct List {
    postings: Vec<Posting>,
    runs: Vec<Run>,
    /// The spellings of the runs that have them ([`Run::spellings`]).
    spellings: Vec<Spelling>,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    start: u32,
    end: u32,
    /// The strongest side a posting of the run can show: the run's highest confidence, the
    /// union of the suppliers' certificates (products) or the halal requirement all of its
    /// needs share (needs), and the best rate (its first posting's in rate order).
    best: AnswerSide,
    /// The union of the run's name sketches: bounds a query's name cosine with each of them.
    names: TrigramSketch,
    /// Where the run's spellings are in the list's, when it is ordered by spelling (an
    /// empty range when it is in rate order only).
    spellings: (u32, u32),
}

/// The postings of one run that share a read name exactly, in rate order: a query opens a
/// run into its spellings once the union of the run's names lets it through, and bounds
/// each by its own name ([`Stream::open`]).
#[derive(Debug, Clone, Copy)]
struct Spelling {
    /// Where the spelling's postings are, from the start of its run.
    start: u32,
    end: u32,
    name: TrigramSketch,
    sectors: PostedSectors,
}

/// A run this long or longer is split by name: at 200 000 firms a popular concept has
/// thousands of postings in a few spellings, and a query needs mostly its own spelling's.
const SPLIT_FROM: usize = 48;
/// At most this many name groups per run, so a query's streams stay few.
const NAME_GROUPS: usize = 32;
/// A name joins the group whose first name it resembles most, if this much: read names
/// are normalised (corrected, one language's words), so other spellings of one product
/// still resemble each other at 0.7 to 0.8, and a group that holds them bounds each by
/// the best of them.
const ALIKE: f64 = 0.8;
/// A run is ordered by spelling when its postings are at least this many times as many as
/// its spellings: opening one costs about as much as reading a few postings, and at 200 000
/// firms a name group holds a few spellings, each of many firms.
const PER_SPELLING: usize = 4;

/// Orders `postings` (sorted by rate) by name group, keeping the rate order within each
/// group, and returns the groups' ends. Names join the group of the most alike first name
/// (leader clustering on the sketches); past [`NAME_GROUPS`] groups a name joins the most
/// alike one however far it is. Any grouping is correct (each run's union bounds its
/// names); alike names only make the bound tight.
fn group_by_name(postings: &mut [Posting]) -> Vec<usize> {
    if postings.len() < SPLIT_FROM {
        return vec![postings.len()];
    }
    let mut leaders: Vec<TrigramSketch> = Vec::new();
    let mut tagged: Vec<(u8, u32)> = Vec::with_capacity(postings.len());
    for (i, p) in postings.iter().enumerate() {
        let nearest = leaders
            .iter()
            .enumerate()
            .map(|(g, l)| (l.resemblance(&p.name), g))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let g = match nearest {
            Some((r, g)) if r >= ALIKE || leaders.len() == NAME_GROUPS => g,
            _ => {
                leaders.push(p.name);
                leaders.len() - 1
            }
        };
        tagged.push((g as u8, i as u32));
    }
    tagged.sort_unstable();
    let ordered: Vec<Posting> = tagged.iter().map(|&(_, i)| postings[i as usize]).collect();
    postings.copy_from_slice(&ordered);
    let mut ends: Vec<usize> = Vec::with_capacity(leaders.len());
    for (n, &(g, _)) in tagged.iter().enumerate() {
        if tagged.get(n + 1).is_none_or(|next| next.0 != g) {
            ends.push(n + 1);
        }
    }
    ends
}

/// Confidence bands of a run: a run's ceiling takes its best confidence, so a band keeps
/// weakly read items from riding on the strongly read ones.
fn band(root_confidence: f32) -> u8 {
    (root_confidence.clamp(0.0, 1.0) * 8.0) as u8
}

impl List {
    /// Sorts the list and finds its runs; `needs` tells which side it holds.
    fn seal(&mut self, needs: bool) {
        let group = |p: &Posting| {
            let halal = needs && p.side.certs & HALAL != 0;
            (
                p.side.dimension,
                p.side.source,
                std::cmp::Reverse(band(p.side.root_confidence)),
                halal,
            )
        };
        self.postings.sort_unstable_by(|a, b| {
            let by_rate = if needs {
                a.side.log_rate.total_cmp(&b.side.log_rate)
            } else {
                b.side.log_rate.total_cmp(&a.side.log_rate)
            };
            group(a)
                .cmp(&group(b))
                .then(by_rate)
                .then(a.slot.cmp(&b.slot))
        });
        self.runs.clear();
        self.spellings.clear();
        let mut start = 0;
        while start < self.postings.len() {
            let key = group(&self.postings[start]);
            let mut end = start;
            while end < self.postings.len() && group(&self.postings[end]) == key {
                end += 1;
            }
            let mut from = start;
            for to in group_by_name(&mut self.postings[start..end]) {
                let to = start + to;
                let mut run = Run::of(&self.postings[from..to], from, needs);
                run.spellings = by_spelling(&mut self.postings[from..to], &mut self.spellings);
                self.runs.push(run);
                from = to;
            }
            start = end;
        }
    }
}

/// Orders a run (in rate order) by spelling, keeping the rate order within each, and
/// appends its spellings to `spellings`, when the run has few spellings for its length
/// ([`PER_SPELLING`]); returns their range there (empty when the run stays as it is).
fn by_spelling(run: &mut [Posting], spellings: &mut Vec<Spelling>) -> (u32, u32) {
    let from = spellings.len() as u32;
    if run.len() < 2 * PER_SPELLING {
        return (from, from);
    }
    let key = |p: &Posting| p.name.key();
    let mut names: Vec<_> = run.iter().map(key).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() < 2 || names.len() * PER_SPELLING > run.len() {
        return (from, from);
    }
    // A stable sort: each spelling's postings stay in rate order.
    run.sort_by_key(key);
    let mut start = 0;
    while start < run.len() {
        let name = run[start].name;
        let end = start + run[start..].partition_point(|p| key(p) == key(&run[start]));
        spellings.push(Spelling {
            start: start as u32,
            end: end as u32,
            name,
            sectors: shared_sectors(&run[start..end]),
        });
        start = end;
    }
    (from, spellings.len() as u32)
}

impl Run {
    /// The run of `postings`, which start at `start` in their list.
    fn of(postings: &[Posting], start: usize, needs: bool) -> Run {
        let first = &postings[0];
        let mut best = AnswerSide {
            certs: if needs { first.side.certs & HALAL } else { 0 },
            ..first.side
        };
        let mut names = first.name;
        for p in postings {
            best.root_confidence = best.root_confidence.max(p.side.root_confidence);
            if !needs {
                best.certs |= p.side.certs;
            }
            names = names.union(&p.name);
        }
        Run {
            start: start as u32,
            end: (start + postings.len()) as u32,
            best,
            names,
            spellings: (0, 0),
        }
    }
}

#[derive(Debug, Default, Clone)]
struct Part {
    products: HashMap<u64, List>,
    needs: HashMap<u64, List>,
}

/// The postings of each item of a side under its keys, handed to `emit`.
fn postings_of(
    items: &[ItemFeatures],
    (certs, sectors): (Option<u16>, PostedSectors),
    slot: Slot,
    mut emit: impl FnMut(u64, Posting),
) {
    let mut keys = Vec::new();
    for item in items {
        keys.clear();
        item_keys(item, None, &mut keys);
        let name = TrigramSketch::of(&item.reading.grams);
        for &(key, concept, _) in &keys {
            let side =
                AnswerSide::new(concept.as_ref(), &item.rate, certs.unwrap_or(item.required));
            emit(
                key,
                Posting {
                    name,
                    side,
                    slot,
                    sectors,
                },
            );
        }
    }
}

/// Posts each item of a side under its keys, and records the keys it touched.
fn post(
    map: &mut HashMap<u64, List>,
    items: &[ItemFeatures],
    certs: (Option<u16>, PostedSectors),
    slot: Slot,
    touched: &mut Vec<u64>,
) {
    postings_of(items, certs, slot, |key, posting| {
        map.entry(key).or_default().postings.push(posting);
        touched.push(key);
    });
}

/// Removes every posting of `slot` under the keys of `items`.
fn unpost(map: &mut HashMap<u64, List>, items: &[ItemFeatures], slot: Slot, needs: bool) {
    let mut keys = Vec::new();
    for item in items {
        item_keys(item, None, &mut keys);
    }
    keys.sort_unstable_by_key(|k| k.0);
    keys.dedup_by_key(|k| k.0);
    for (key, _, _) in keys {
        if let Some(list) = map.get_mut(&key) {
            list.postings.retain(|p| p.slot != slot);
            if list.postings.is_empty() {
                map.remove(&key);
            } else {
                list.seal(needs);
            }
        }
    }
}

/// Seals the lists of `keys` (sorted and deduplicated first).
fn seal(map: &mut HashMap<u64, List>, keys: &mut Vec<u64>, needs: bool) {
    keys.sort_unstable();
    keys.dedup();
    for key in keys.drain(..) {
        if let Some(list) = map.get_mut(&key) {
            list.seal(needs);
        }
    }
}

/// The subheading and trigram keys a firm's products and needs are posted under, as a
/// 64-bit sketch per side. A query whose lookup keys set no bit of a side has no answer
/// there: the firm scores 0 that way ([`LookupSketch::may_answer`]). The search then
/// bounds a candidate reached one way by 0 the other way, where it would otherwise count
/// with everything the walk left unread.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeySketch {
    products: u64,
    needs: u64,
}

fn key_bit(key: u64) -> u64 {
    1 << (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58)
}

/// The sketch of the keys `items` are posted and looked up under at the subheading level
/// ([`item_keys`] without headings and chapters).
fn sketch_of(items: &[ItemFeatures]) -> u64 {
    let mut bits = 0;
    for item in items {
        for c in &item.reading.concepts {
            bits |= key_bit(SUBHEADING | c.hs as u64);
        }
        if !item.reading.is_read() {
            for &g in &item.reading.grams {
                bits |= key_bit(TRIGRAM | g as u64);
            }
        }
    }
    bits
}

impl KeySketch {
    pub fn of(f: &FirmFeatures) -> KeySketch {
        KeySketch {
            products: sketch_of(&f.products),
            needs: sketch_of(&f.needs),
        }
    }
}

/// A query's lookup keys as sketches: its needs' (looked up among products) and its
/// products' (among needs). Only when the query looks up the subheading level alone: with
/// headings or chapters it answers "may" always.
#[derive(Debug, Clone, Copy)]
pub struct LookupSketch {
    needs: u64,
    products: u64,
    exact_levels: bool,
}

impl LookupSketch {
    pub fn of(q: &FirmFeatures, levels: Levels) -> LookupSketch {
        LookupSketch {
            needs: sketch_of(&q.needs),
            products: sketch_of(&q.products),
            exact_levels: levels == Levels::default(),
        }
    }

    /// Whether a firm with `firm`'s keys may answer the query by the lookup `how`
    /// ([`SUPPLIES`] or [`BUYS`]); false only when they share no key.
    #[inline]
    pub fn may_answer(&self, firm: &KeySketch, how: u8) -> bool {
        !self.exact_levels
            || if how == SUPPLIES {
                self.needs & firm.products != 0
            } else {
                self.products & firm.needs != 0
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
#[derive(Debug, Default, Clone)]
pub struct Postings {
    parts: [Part; 2],
}

pub fn part_of(p: Province) -> usize {
    p as usize
}

impl Postings {
    /// Posts a firm's items; the lists it touched are sorted again at once.
    pub fn insert(&mut self, slot: Slot, province: Province, f: &FirmFeatures) {
        let part = &mut self.parts[part_of(province)];
        let sectors = PostedSectors::of(&f.sectors);
        let mut touched = Vec::new();
        post(
            &mut part.products,
            &f.products,
            (Some(f.certifications), sectors),
            slot,
            &mut touched,
        );
        seal(&mut part.products, &mut touched, false);
        post(
            &mut part.needs,
            &f.needs,
            (None, sectors),
            slot,
            &mut touched,
        );
        seal(&mut part.needs, &mut touched, true);
    }

    /// Posts every firm's items and sorts each list once: a bulk build. The postings are
    /// made in parallel and filled in the firms' order, so the lists come out as if the
    /// firms had been inserted one by one.
    pub fn insert_all(&mut self, firms: &[(Slot, Province, &FirmFeatures)]) {
        use rayon::prelude::*;
        let made: Vec<Vec<(bool, u64, Posting)>> = firms
            .par_iter()
            .map(|&(slot, _, f)| {
                let mut out = Vec::new();
                let sectors = PostedSectors::of(&f.sectors);
                postings_of(
                    &f.products,
                    (Some(f.certifications), sectors),
                    slot,
                    |key, p| out.push((false, key, p)),
                );
                postings_of(&f.needs, (None, sectors), slot, |key, p| {
                    out.push((true, key, p))
                });
                out
            })
            .collect();
        for (&(_, province, _), postings) in firms.iter().zip(made) {
            let part = &mut self.parts[part_of(province)];
            for (needs, key, posting) in postings {
                let map = if needs {
                    &mut part.needs
                } else {
                    &mut part.products
                };
                map.entry(key).or_default().postings.push(posting);
            }
        }
        for part in &mut self.parts {
            part.products
                .par_iter_mut()
                .for_each(|(_, list)| list.seal(false));
            part.needs
                .par_iter_mut()
                .for_each(|(_, list)| list.seal(true));
        }
    }

    pub fn remove(&mut self, slot: Slot, province: Province, f: &FirmFeatures) {
        let part = &mut self.parts[part_of(province)];
        unpost(&mut part.products, &f.products, slot, false);
        unpost(&mut part.needs, &f.needs, slot, true);
    }

    /// The answers from firms of the provinces `parts` to a query with features `q` in
    /// `direction`, run by run, to be handed over strongest first ([`Walk`]), in `buffers`
    /// left by an earlier walk ([`Walk::into_buffers`]). A firm or direction without an
    /// answer here scores 0.
    pub fn walk<'a>(
        &'a self,
        q: &FirmFeatures,
        parts: &[usize],
        direction: Direction,
        (levels, cfg): (Levels, &ScoringConfig),
        mut buffers: WalkBuffers,
    ) -> Walk<'a> {
        buffers.clear();
        let bounds = AnswerBounds::new(cfg);
        let sectors = [
            SectorBounds::new(&q.sectors, true, cfg),
            SectorBounds::new(&q.sectors, false, cfg),
        ];
        let mut lists = Vec::new();
        let mut keys = Vec::new();
        let mut look = |item: &ItemFeatures, how: u8| {
            let name = TrigramSketch::of(&item.reading.grams);
            keys.clear();
            item_keys(item, Some((levels, cfg)), &mut keys);
            let certs = if how == SUPPLIES {
                item.required
            } else {
                q.certifications
            };
            for &(key, concept, level) in &keys {
                let lookup = Lookup {
                    mine: AnswerSide::new(concept.as_ref(), &item.rate, certs),
                    name,
                    level,
                    how,
                };
                let at = buffers.lookups.len() as u32;
                buffers.lookups.push(lookup);
                for &p in parts {
                    let part = &self.parts[p];
                    let by_key = if how == SUPPLIES {
                        &part.products
                    } else {
                        &part.needs
                    };
                    let Some(list) = by_key.get(&key) else {
                        continue;
                    };
                    lists.push(list);
                    for run in &list.runs {
                        let stream = Stream {
                            list: lists.len() as u32 - 1,
                            start: run.start,
                            end: run.end,
                            spellings: run.spellings,
                            best: run.best,
                            names: name.cosine_bound(&run.names),
                            sector: sectors[Walk::queue(how)].strongest(),
                            lookup: at,
                        };
                        // A run whose strongest posting bounds to 0 holds no answer.
                        let head = stream.whole_run_head(&lookup, &bounds);
                        debug_assert!(head >= stream.head(&lookup, &bounds, list));
                        if head > 0.0 {
                            let queue = &mut buffers.queues[Walk::queue(how)];
                            queue.push((Head(head), buffers.streams.len() as u32));
                            buffers.streams.push(stream);
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
        Walk {
            bounds,
            sectors,
            lists,
            buffers,
        }
    }
}

/// What one lookup of a query (one of its items under one key) bounds answers with.
#[derive(Debug, Clone, Copy)]
struct Lookup {
    /// The query's side of the answer.
    mine: AnswerSide,
    name: TrigramSketch,
    level: f64,
    how: u8,
}

/// What is left of one run, or of one spelling of a run, for one lookup of a query: plain
/// positions, so that the streams of every query fit in one buffer ([`WalkBuffers`]).
#[derive(Debug, Clone, Copy)]
struct Stream {
    /// The list, among the walk's.
    list: u32,
    /// What is left of the postings, in the list.
    start: u32,
    end: u32,
    /// The run's spellings while it is not opened into them ([`Stream::open`]): its
    /// postings are then in spelling order, not rate order.
    spellings: (u32, u32),
    /// The strongest side of the run's postings, with the best rate of any of them.
    best: AnswerSide,
    /// The query's name cosine with any name of the stream, at most.
    names: f64,
    /// The sector fit with any firm of the stream, at most: the query's strongest link, or a
    /// spelling's own when its firms share their sectors.
    sector: f64,
    lookup: u32,
}

impl Stream {
    fn unopened(&self) -> bool {
        self.spellings.0 < self.spellings.1
    }

    #[inline]
    fn bound(
        &self,
        lookup: &Lookup,
        bounds: &AnswerBounds,
        other: &AnswerSide,
        (names, sector): (f64, f64),
    ) -> f64 {
        let met = (lookup.level, names, sector);
        if lookup.how == SUPPLIES {
            bounds.bound(&lookup.mine, other, met)
        } else {
            bounds.bound(other, &lookup.mine, met)
        }
    }

    /// The bound of an answer through `p` as its run's best side with the stream's best name
    /// and sector link: at least its own bound, and never rising along the stream.
    #[inline]
    fn ceiling(&self, lookup: &Lookup, bounds: &AnswerBounds, p: &Posting) -> f64 {
        let side = AnswerSide {
            log_rate: p.side.log_rate,
            ..self.best
        };
        self.bound(lookup, bounds, &side, (self.names, self.sector))
    }

    /// The ceiling of a stream over a whole run: its best side, which has the rate of its
    /// first posting (a run starts with its best rate), so that making a query's streams
    /// reads no posting; at 200 000 firms most runs are never read.
    fn whole_run_head(&self, lookup: &Lookup, bounds: &AnswerBounds) -> f64 {
        self.bound(lookup, bounds, &self.best, (self.names, self.sector))
    }

    /// The ceiling of what is left: of its first posting, or of the run's best side when it
    /// is still to be opened into spellings.
    fn head(&self, lookup: &Lookup, bounds: &AnswerBounds, list: &List) -> f64 {
        if self.unopened() {
            return self.whole_run_head(lookup, bounds);
        }
        list.postings[self.start as usize..self.end as usize]
            .first()
            .map_or(0.0, |p| self.ceiling(lookup, bounds, p))
    }

    /// The run's spellings, each a stream bounded by its own name and sectors.
    fn open<'s>(
        self,
        lookup: &'s Lookup,
        sectors: &'s SectorBounds,
        list: &'s List,
    ) -> impl Iterator<Item = Stream> + 's {
        let (from, to) = self.spellings;
        list.spellings[from as usize..to as usize]
            .iter()
            .map(move |sp| Stream {
                start: self.start + sp.start,
                end: self.start + sp.end,
                spellings: (0, 0),
                names: lookup.name.cosine_bound(&sp.name),
                sector: sectors.of(sp.sectors),
                ..self
            })
    }
}

/// The streams and queues of a walk, kept between queries: at 200 000 firms a query has
/// hundreds of streams, and growing a fresh buffer for them each time cost more (in
/// memory the kernel must clear) than reading their postings.
#[derive(Debug, Default)]
pub struct WalkBuffers {
    lookups: Vec<Lookup>,
    streams: Vec<Stream>,
    /// The streams with something left, by their head's ceiling, per lookup (supplies,
    /// buys): a step touches only the streams it reads from, however many runs of other
    /// spellings the query's concepts have.
    queues: [BinaryHeap<(Head, u32)>; 2],
}

impl WalkBuffers {
    fn clear(&mut self) {
        self.lookups.clear();
        self.streams.clear();
        self.queues.iter_mut().for_each(BinaryHeap::clear);
    }
}

/// A query's answers, handed over strongest first ([`topk::Answers`]).
pub struct Walk<'a> {
    bounds: AnswerBounds,
    /// Sector fits of partners that supply the query, then of those that buy from it.
    sectors: [SectorBounds; 2],
    lists: Vec<&'a List>,
    buffers: WalkBuffers,
}

/// A stream's ceiling, ordered for the queues.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Head(f64);

impl Eq for Head {}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Walk<'_> {
    fn queue(how: u8) -> usize {
        usize::from(how != SUPPLIES)
    }

    fn top(&self, queue: usize) -> f64 {
        self.buffers.queues[queue]
            .peek()
            .map_or(0.0, |(head, _)| head.0)
    }

    /// The buffers, for the next walk.
    pub fn into_buffers(self) -> WalkBuffers {
        self.buffers
    }
}

impl topk::Answers for Walk<'_> {
    fn unseen(&self) -> f64 {
        self.top(0).max(self.top(1))
    }

    fn unseen_by(&self, how: u8) -> f64 {
        [SUPPLIES, BUYS]
            .into_iter()
            .filter(|&h| h & how != 0)
            .map(|h| self.top(Walk::queue(h)))
            .fold(0.0, f64::max)
    }

    fn walk_to(&mut self, theta: f64, out: &mut Vec<Reach>) {
        let bounds = &self.bounds;
        let WalkBuffers {
            lookups,
            streams,
            queues,
        } = &mut self.buffers;
        for (queue, sectors) in queues.iter_mut().zip(&self.sectors) {
            while let Some(&(Head(head), i)) = queue.peek() {
                if theta > 0.0 && head < theta {
                    break;
                }
                queue.pop();
                let s = streams[i as usize];
                let (lookup, list) = (&lookups[s.lookup as usize], self.lists[s.list as usize]);
                if s.unopened() {
                    // Let through by the union of its names: bound each spelling by its own.
                    for spelling in s.open(lookup, sectors, list) {
                        let head = spelling.head(lookup, bounds, list);
                        if head > 0.0 {
                            queue.push((Head(head), streams.len() as u32));
                            streams.push(spelling);
                        }
                    }
                    continue;
                }
                let postings = &list.postings[s.start as usize..s.end as usize];
                let n = if theta <= 0.0 {
                    postings.len()
                } else {
                    postings.partition_point(|p| s.ceiling(lookup, bounds, p) >= theta)
                };
                for p in &postings[..n] {
                    let names = lookup.name.cosine_bound(&p.name);
                    let bound = s.bound(lookup, bounds, &p.side, (names, sectors.of(p.sectors)));
                    // An answer bounded by 0 is no answer: the slot need not be proposed for
                    // it (a direction reached only so scores 0).
                    if bound > 0.0 {
                        out.push(Reach {
                            bound,
                            slot: p.slot,
                            how: lookup.how,
                        });
                    }
                }
                let rest = Stream {
                    start: s.start + n as u32,
                    ..s
                };
                streams[i as usize] = rest;
                // What is left ceils below `theta`: it waits for a lower step. A rest that
                // ceils at 0 holds no answer.
                let head = rest.head(lookup, bounds, list);
                if head > 0.0 {
                    queue.push((Head(head), i));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FirmInput, Reference};
    use crate::matching::score::directed;
    use crate::matching::topk::Answers;

    fn features(v: serde_json::Value) -> (Province, FirmFeatures) {
        let input: FirmInput = serde_json::from_value(v).unwrap();
        let (_, profile) = input.parse(Reference::shared()).unwrap();
        (profile.province(), FirmFeatures::of(&profile))
    }

    /// The strongest bound of each (slot, lookup) among every answer to `q`.
    fn bounds_of(
        postings: &Postings,
        q: &FirmFeatures,
        parts: &[usize],
        cfg: &ScoringConfig,
    ) -> HashMap<(Slot, u8), f64> {
        let levels = Levels {
            heading: cfg.hs.heading4 > 0.0,
            chapter: cfg.hs.chapter2 > 0.0,
        };
        let mut walk = postings.walk(
            q,
            parts,
            Direction::Both,
            (levels, cfg),
            WalkBuffers::default(),
        );
        let mut reaches = Vec::new();
        walk.walk_to(0.0, &mut reaches);
        assert_eq!(walk.unseen(), 0.0, "a walk to 0 reads every answer");
        let mut best = HashMap::new();
        for r in reaches {
            let b = best.entry((r.slot, r.how)).or_insert(0.0f64);
            *b = b.max(r.bound);
        }
        best
    }

    #[test]
    fn an_answer_bound_is_the_fit_itself_for_identical_names_sector_link_included() {
        let cfg = ScoringConfig::default();
        let (province, roaster) = features(serde_json::json!({
            "id": "ntb-roaster", "name": "UD Sangrai Rinjani", "province": "NTB",
            "regency": "Lombok Timur", "kbli": ["10761"], "size": "small", "employees": 8,
            "products": [{"name": "kopi arabika sangrai",
                          "capacity": {"amount": 500, "unit": "kg", "per": "month"}}]
        }));
        let cafe = cafe_needing("kopi arabika sangrai");
        let exact = directed(&roaster, &cafe, &cfg, None);
        assert!(exact.components.sector > 0.0, "the pair has a sector link");
        let mut postings = Postings::default();
        postings.insert(7, province, &roaster);
        let bound = bounds_of(&postings, &cafe, &[part_of(province)], &cfg)[&(7, SUPPLIES)];
        // Neither below the fit (the partner would be lost) nor above it by more than the
        // rounding margin: a bound with the strongest sector link instead of this pair's
        // would be 0.013 higher.
        assert!(bound >= exact.score, "{bound} < {}", exact.score);
        assert!(bound - exact.score < 1e-5, "{bound} vs {}", exact.score);
    }

    /// Many suppliers of one concept in several spellings, so that runs split by name.
    /// The postings of `firms`, each in the slot of its place.
    fn posted(firms: &[(Province, FirmFeatures)]) -> Postings {
        let mut postings = Postings::default();
        for (slot, (province, f)) in firms.iter().enumerate() {
            postings.insert(slot as Slot, *province, f);
        }
        postings
    }

    /// A Jatim café that needs 200 kg a month of `need`.
    fn cafe_needing(need: &str) -> FirmFeatures {
        features(serde_json::json!({
            "id": "jatim-cafe", "name": "Kafe Nusantara", "province": "JATIM",
            "regency": "Surabaya", "kbli": ["56301"], "size": "small", "employees": 10,
            "needs": [{"name": need, "volume": {"amount": 200, "unit": "kg", "per": "month"}}]
        }))
        .1
    }

    fn coffee_suppliers() -> Vec<(Province, FirmFeatures)> {
        let spellings = [
            "kopi arabika sangrai",
            "roasted arabica coffee",
            "kopi arabika sangrai premium",
            "arabica coffee roasted beans",
            "kopi arabica sangrai",
        ];
        (0..150)
            .map(|i| {
                let certs: &[&str] = if i % 3 == 0 { &["halal"] } else { &[] };
                features(serde_json::json!({
                    "id": format!("ntb-kopi-{i:03}"), "name": format!("UD Kopi {i}"),
                    "province": "NTB", "regency": "Lombok Timur", "kbli": ["10761"],
                    "size": "small", "employees": 5, "certifications": certs,
                    "products": [{"name": spellings[i % spellings.len()],
                                  "capacity": {"amount": 50 + 37 * i, "unit": "kg", "per": "month"}}]
                }))
            })
            .collect()
    }

    #[test]
    fn a_walk_hands_over_every_answer_that_reaches_its_threshold_and_passes_other_spellings_by() {
        let cfg = ScoringConfig::default();
        let firms = coffee_suppliers();
        let postings = posted(&firms);
        let cafe = cafe_needing("kopi arabika sangrai");
        let levels = Levels::default();
        let parts = [part_of(Province::Ntb)];
        let fits: Vec<f64> = firms
            .iter()
            .map(|(_, f)| directed(f, &cafe, &cfg, None).score)
            .collect();
        let best = fits.iter().copied().fold(0.0, f64::max);
        for theta in [0.2, 0.5, 0.8, 0.9, best - 1e-6] {
            let mut walk = postings.walk(
                &cafe,
                &parts,
                Direction::Supplies,
                (levels, &cfg),
                WalkBuffers::default(),
            );
            let mut reaches = Vec::new();
            walk.walk_to(theta, &mut reaches);
            for (slot, &fit) in fits.iter().enumerate() {
                if fit >= theta {
                    assert!(
                        reaches.iter().any(|r| r.slot == slot as Slot),
                        "θ {theta}: slot {slot} fits {fit} but was not handed over"
                    );
                }
            }
            if theta == best - 1e-6 {
                // Only the query's own spelling reaches the best fit: the runs of the
                // English spellings are passed by without reading them.
                let english = |slot: Slot| matches!(slot % 5, 1 | 3);
                assert!(reaches.iter().all(|r| !english(r.slot)), "{reaches:?}");
            }
        }
    }

    #[test]
    fn a_name_group_is_opened_into_its_spellings_and_only_the_query_spelling_is_read() {
        // Four spellings alike enough to share a name group; the query's own is made by the
        // largest suppliers, so it leads the group.
        let spellings = [
            "kopi arabika sangrai",
            "kopi arabika sangrai lombok",
            "kopi arabika sangrai halus",
            "kopi arabika sangrai kasar",
        ];
        let firms: Vec<_> = (0..120)
            .map(|i| {
                let amount = if i % 4 == 0 { 100_000 + i } else { 300 + i };
                features(serde_json::json!({
                    "id": format!("ntb-kopi-{i:03}"), "name": format!("UD Kopi {i}"),
                    "province": "NTB", "regency": "Lombok Timur", "kbli": ["10761"],
                    "size": "small", "employees": 5,
                    "products": [{"name": spellings[i % 4],
                                  "capacity": {"amount": amount, "unit": "kg", "per": "month"}}]
                }))
            })
            .collect();
        let postings = posted(&firms);
        let cafe = cafe_needing("kopi arabika sangrai");
        let cfg = ScoringConfig::default();
        let best = firms
            .iter()
            .map(|(_, f)| directed(f, &cafe, &cfg, None).score)
            .fold(0.0, f64::max);
        let parts = [part_of(Province::Ntb)];
        let mut walk = postings.walk(
            &cafe,
            &parts,
            Direction::Supplies,
            (Levels::default(), &cfg),
            WalkBuffers::default(),
        );
        let mut reaches = Vec::new();
        walk.walk_to(best - 1e-6, &mut reaches);
        assert_eq!(
            reaches.len(),
            30,
            "every firm of the query's spelling: {reaches:?}"
        );
        assert!(reaches.iter().all(|r| r.slot % 4 == 0), "{reaches:?}");
    }

    #[test]
    fn a_walk_in_the_buffers_of_an_earlier_one_hands_over_the_same_answers() {
        let cfg = ScoringConfig::default();
        let postings = posted(&coffee_suppliers());
        let (first, second) = (
            cafe_needing("roasted arabica coffee"),
            cafe_needing("kopi arabika sangrai"),
        );
        let parts = [part_of(Province::Ntb)];
        let walk = |q: &FirmFeatures, theta: f64, buffers: WalkBuffers| {
            let levels = (Levels::default(), &cfg);
            let mut walk = postings.walk(q, &parts, Direction::Both, levels, buffers);
            let mut reaches = Vec::new();
            walk.walk_to(theta, &mut reaches);
            let key = |r: &Reach| (r.slot, r.how, r.bound.to_bits());
            let mut found: Vec<_> = reaches.iter().map(key).collect();
            found.sort_unstable();
            (found, walk.into_buffers())
        };
        // The first walk stops half-way, leaving streams and queues behind.
        let (_, used) = walk(&first, 0.8, WalkBuffers::default());
        assert!(!used.streams.is_empty());
        for theta in [0.9, 0.5, 0.0] {
            let (fresh, _) = walk(&second, theta, WalkBuffers::default());
            let (again, _) = walk(&second, theta, walk(&first, 0.8, WalkBuffers::default()).1);
            assert!(!fresh.is_empty());
            assert_eq!(fresh, again, "θ {theta}");
        }
    }

    #[test]
    fn a_firm_that_fits_a_query_one_way_is_never_sketched_as_having_no_answer_that_way() {
        use crate::gen::{parsed_firms, GenConfig, NoiseProfile};
        let cfg = ScoringConfig::default();
        let firms = parsed_firms(&GenConfig::for_profile(NoiseProfile::Hard, 23, 200));
        let features: Vec<FirmFeatures> =
            firms.iter().map(|f| FirmFeatures::of(&f.profile)).collect();
        let keys: Vec<KeySketch> = features.iter().map(KeySketch::of).collect();
        let (mut fitting, mut ruled_out) = (0, 0);
        for q in features.iter().take(80) {
            let lookup = LookupSketch::of(q, Levels::default());
            for (p, keys) in features.iter().zip(&keys) {
                for (how, fit) in [
                    (SUPPLIES, directed(p, q, &cfg, None).score),
                    (BUYS, directed(q, p, &cfg, None).score),
                ] {
                    let may = lookup.may_answer(keys, how);
                    if fit > 0.0 {
                        fitting += 1;
                        assert!(may, "a fit of {fit} ruled out");
                    } else if !may {
                        ruled_out += 1;
                    }
                }
            }
        }
        assert!(fitting > 100, "the firms fit each other ({fitting})");
        // Most pairs share no key; the sketch must tell most of them apart.
        assert!(ruled_out > 80 * 200, "only {ruled_out} pairs ruled out");
        // With headings looked up, the sketch answers "may" always.
        let wide = Levels {
            heading: true,
            chapter: false,
        };
        let lookup = LookupSketch::of(&features[0], wide);
        assert!(keys.iter().all(|k| lookup.may_answer(k, SUPPLIES)));
    }

    #[test]
    fn no_answer_bound_falls_below_the_exact_fit() {
        use crate::gen::{parsed_firms, GenConfig, NoiseProfile};
        let cfg = ScoringConfig::default();
        let firms = parsed_firms(&GenConfig::for_profile(NoiseProfile::Hard, 17, 160));
        let features: Vec<(Province, FirmFeatures)> = firms
            .iter()
            .map(|f| (f.profile.province(), FirmFeatures::of(&f.profile)))
            .collect();
        let mut postings = Postings::default();
        for (slot, (province, f)) in features.iter().enumerate() {
            postings.insert(slot as Slot, *province, f);
        }
        let mut answered = 0;
        for (province, q) in features.iter().take(60) {
            let others = Province::ALL.map(part_of);
            let bounds = bounds_of(&postings, q, &others, &cfg);
            for (slot, (other, p)) in features.iter().enumerate() {
                if other == province {
                    continue;
                }
                let slot = slot as Slot;
                for (how, exact) in [
                    (SUPPLIES, directed(p, q, &cfg, None).score),
                    (BUYS, directed(q, p, &cfg, None).score),
                ] {
                    if exact > 0.0 {
                        answered += 1;
                        let bound = bounds.get(&(slot, how)).copied().unwrap_or(0.0);
                        assert!(bound >= exact, "slot {slot} how {how}: {bound} < {exact}");
                    }
                }
            }
        }
        assert!(answered > 100, "the firms answer each other ({answered})");
    }
}
