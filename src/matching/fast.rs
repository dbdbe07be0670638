//! Interned item texts and class bounds for ranking many firms.
//!
//! Item similarity depends only on an item's analysed text and HS code, never on its rate
//! or the firm, and a forum repeats the same few thousand texts across all its firms. Each
//! distinct need and product text gets a signature id once, and the similarity of every
//! need signature to every product signature is kept in a table, so scoring a pair reads
//! numbers instead of merging term lists. The table is filled by [`item_similarity`]
//! itself: scores are bit-for-bit those of the plain scorer.
//!
//! Firms are also grouped into classes by what an upper bound of their fit depends on: a
//! product class (product signatures and sectors) bounds how well a firm supplies a query,
//! a need class (need signatures in order and sectors) how well it buys from it. A query
//! computes each class bound once and prunes every firm of the class with it.
//!
//! Which classes can answer a query at all is kept too: per signature, the signatures of
//! the other side it reaches (similarity at least `min_item_similarity`), and per signature
//! the classes holding it. A class none of whose items reaches the query's scores on
//! sectors alone, so these lists are exact, not a heuristic.

use super::config::ScoringConfig;
use super::index::Seen;
use super::score::{item_similarity, sector_fit, unit, ItemFeatures};
use super::sector::SectorId;
use std::collections::HashMap;

/// What item similarity depends on: term ids and weights of the name and HS description,
/// and the HS code.
type TextKey = (Vec<(u64, u32)>, Vec<(u64, u32)>, (u32, u8));

fn text_key(i: &ItemFeatures) -> TextKey {
    (
        i.terms.iter().map(|t| (t.id, t.weight.to_bits())).collect(),
        i.hs_terms
            .iter()
            .map(|t| (t.id, t.weight.to_bits()))
            .collect(),
        i.hs,
    )
}

#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<TextKey, u32>,
    items: Vec<ItemFeatures>,
}

impl Interner {
    /// The id of an item's text and whether it is new.
    fn intern(&mut self, i: &ItemFeatures) -> (u32, bool) {
        let key = text_key(i);
        if let Some(&id) = self.ids.get(&key) {
            return (id, false);
        }
        let id = self.items.len() as u32;
        self.ids.insert(key, id);
        self.items.push(i.clone());
        (id, true)
    }
}

/// Signatures of a firm's items and its classes.
#[derive(Debug, Clone, Default)]
pub struct FirmSigs {
    pub products: Vec<u32>,
    pub needs: Vec<u32>,
    pub product_class: u32,
    pub need_class: u32,
}

/// The signature tables of a matcher. Grows with new texts; never shrinks (a removed
/// firm's texts stay interned, which is harmless).
#[derive(Debug, Default)]
pub struct Signatures {
    needs: Interner,
    products: Interner,
    /// `sim[need signature][product signature]`, by [`item_similarity`] under the config.
    sim: Vec<Vec<f64>>,
    /// The same, transposed (`[product signature][need signature]`): a query reads the rows
    /// of its own items, which stay in cache.
    sim_by_product: Vec<Vec<f64>>,
    product_classes: HashMap<(Vec<u32>, Vec<SectorId>), u32>,
    need_classes: HashMap<(Vec<u32>, Vec<SectorId>), u32>,
    /// Per need signature, the product signatures that can answer it ([`reaches`]).
    answers: Vec<Vec<u32>>,
    /// Per product signature, the need signatures it can answer.
    answered: Vec<Vec<u32>>,
    /// Per product signature, the product classes holding it.
    classes_of_product: Vec<Vec<u32>>,
    /// Per need signature, the need classes holding it.
    classes_of_need: Vec<Vec<u32>>,
    /// Each product class's key: its product signatures (a set) and sectors.
    product_class_keys: ClassKeys,
    /// Each need class's key: its need signatures (in order) and sectors.
    need_class_keys: ClassKeys,
}

/// Class keys stored flat, one span per class: bounding thousands of classes per query
/// reads them in few cache lines.
#[derive(Debug, Default)]
struct ClassKeys {
    /// Per class: start and length of its signatures, start and length of its sectors.
    spans: Vec<[u32; 4]>,
    sigs: Vec<u32>,
    sectors: Vec<SectorId>,
}

impl ClassKeys {
    fn push(&mut self, sigs: &[u32], sectors: &[SectorId]) {
        self.spans.push([
            self.sigs.len() as u32,
            sigs.len() as u32,
            self.sectors.len() as u32,
            sectors.len() as u32,
        ]);
        self.sigs.extend_from_slice(sigs);
        self.sectors.extend_from_slice(sectors);
    }

    #[inline]
    fn get(&self, class: u32) -> (&[u32], &[SectorId]) {
        let [a, n, b, m] = self.spans[class as usize];
        (
            &self.sigs[a as usize..(a + n) as usize],
            &self.sectors[b as usize..(b + m) as usize],
        )
    }
}

/// Whether an item similarity lets a product answer a need in [`super::score::directed_by`]:
/// below the threshold it is ignored, and at 0 it adds nothing.
#[inline]
fn reaches(sim: f64, cfg: &ScoringConfig) -> bool {
    sim > 0.0 && sim >= cfg.min_item_similarity
}

impl Signatures {
    /// Interns a firm's items and classes, extending the similarity table for new texts.
    pub fn add(
        &mut self,
        products: &[ItemFeatures],
        needs: &[ItemFeatures],
        sectors: &[SectorId],
        cfg: &ScoringConfig,
    ) -> FirmSigs {
        let products: Vec<u32> = products
            .iter()
            .map(|p| {
                let (id, new) = self.products.intern(p);
                if new {
                    let column: Vec<f64> = self
                        .needs
                        .items
                        .iter()
                        .map(|need| item_similarity(need, p, cfg))
                        .collect();
                    for (row, &v) in self.sim.iter_mut().zip(&column) {
                        row.push(v);
                    }
                    let reached: Vec<u32> = (0..column.len() as u32)
                        .filter(|&n| reaches(column[n as usize], cfg))
                        .collect();
                    for &n in &reached {
                        self.answers[n as usize].push(id);
                    }
                    self.answered.push(reached);
                    self.classes_of_product.push(Vec::new());
                    self.sim_by_product.push(column);
                }
                id
            })
            .collect();
        let needs: Vec<u32> = needs
            .iter()
            .map(|n| {
                let (id, new) = self.needs.intern(n);
                if new {
                    let row: Vec<f64> = self
                        .products
                        .items
                        .iter()
                        .map(|p| item_similarity(n, p, cfg))
                        .collect();
                    for (column, &v) in self.sim_by_product.iter_mut().zip(&row) {
                        column.push(v);
                    }
                    let reached: Vec<u32> = (0..row.len() as u32)
                        .filter(|&p| reaches(row[p as usize], cfg))
                        .collect();
                    for &p in &reached {
                        self.answered[p as usize].push(id);
                    }
                    self.answers.push(reached);
                    self.classes_of_need.push(Vec::new());
                    self.sim.push(row);
                }
                id
            })
            .collect();
        let mut set = products.clone();
        set.sort_unstable();
        set.dedup();
        let next = self.product_classes.len() as u32;
        let product_class = *self
            .product_classes
            .entry((set.clone(), sectors.to_vec()))
            .or_insert(next);
        if product_class == next {
            for &p in &set {
                self.classes_of_product[p as usize].push(product_class);
            }
            self.product_class_keys.push(&set, sectors);
        }
        let next = self.need_classes.len() as u32;
        let need_class = *self
            .need_classes
            .entry((needs.clone(), sectors.to_vec()))
            .or_insert(next);
        if need_class == next {
            let mut set = needs.clone();
            set.sort_unstable();
            set.dedup();
            for &n in &set {
                self.classes_of_need[n as usize].push(need_class);
            }
            self.need_class_keys.push(&needs, sectors);
        }
        FirmSigs {
            products,
            needs,
            product_class,
            need_class,
        }
    }

    /// Recomputes the similarity table under a new config.
    pub fn reconfigure(&mut self, cfg: &ScoringConfig) {
        let products = &self.products.items;
        for (row, need) in self.sim.iter_mut().zip(&self.needs.items) {
            for (v, p) in row.iter_mut().zip(products) {
                *v = item_similarity(need, p, cfg);
            }
        }
        for (p, column) in self.sim_by_product.iter_mut().enumerate() {
            for (n, v) in column.iter_mut().enumerate() {
                *v = self.sim[n][p];
            }
        }
        for (n, row) in self.sim.iter().enumerate() {
            self.answers[n] = (0..row.len() as u32)
                .filter(|&p| reaches(row[p as usize], cfg))
                .collect();
        }
        for (p, column) in self.sim_by_product.iter().enumerate() {
            self.answered[p] = (0..column.len() as u32)
                .filter(|&n| reaches(column[n as usize], cfg))
                .collect();
        }
    }

    /// The upper bound of how well a firm of product class `pc` supplies a firm of need
    /// class `nc`: [`super::score::directed_by`] with `bound`, bit for bit, from the class
    /// keys alone (no firm is read). `by_product` reads the transposed table, the one in
    /// cache when many need classes are bounded against one product class.
    pub fn class_bound(&self, nc: u32, pc: u32, cfg: &ScoringConfig, by_product: bool) -> f64 {
        let (needs, buyer_sectors) = self.need_class_keys.get(nc);
        let (products, supplier_sectors) = self.product_class_keys.get(pc);
        let w = &cfg.weights;
        let item_weights = w.supply + w.capacity + w.certification;
        let total_weights = item_weights + w.sector;
        // Capacity counted as met and certifications as held, as `directed_by` does.
        let quality = if item_weights > 0.0 {
            (w.supply + w.capacity * 1.0 + w.certification * 1.0) / item_weights
        } else {
            0.0
        };
        let (mut best_fit, mut sum_fit) = (0.0f64, 0.0f64);
        for &n in needs {
            let mut best: Option<f64> = None;
            for &p in products {
                let sim = if by_product {
                    self.sim_by_product[p as usize][n as usize]
                } else {
                    self.sim[n as usize][p as usize]
                };
                if sim >= cfg.min_item_similarity && best.is_none_or(|x| sim > x) {
                    best = Some(sim);
                }
            }
            let fit = best.map_or(0.0, |sim| sim * quality);
            best_fit = best_fit.max(fit);
            sum_fit += fit;
        }
        let n = needs.len().max(1) as f64;
        let share = cfg.best_need_share;
        let need_score = share * best_fit + (1.0 - share) * sum_fit / n;
        let sector = sector_fit(supplier_sectors, buyer_sectors, cfg);
        let score = if total_weights > 0.0 {
            (item_weights * need_score + w.sector * sector) / total_weights
        } else {
            0.0
        };
        unit(score)
    }

    /// Product classes holding a product that can answer one of `needs` (signatures),
    /// each once (marked in `seen`, started for [`Signatures::product_classes`]),
    /// appended to `out` in no particular order. Every other class answers no need.
    pub fn answering_classes(&self, needs: &[u32], seen: &mut Seen, out: &mut Vec<u32>) {
        for &n in needs {
            for &p in &self.answers[n as usize] {
                let classes = &self.classes_of_product[p as usize];
                out.extend(classes.iter().copied().filter(|&c| seen.first(c)));
            }
        }
    }

    /// Need classes holding a need that one of `products` (signatures) can answer, each
    /// once, appended to `out`; as [`Signatures::answering_classes`].
    pub fn answered_classes(&self, products: &[u32], seen: &mut Seen, out: &mut Vec<u32>) {
        for &p in products {
            for &n in &self.answered[p as usize] {
                let classes = &self.classes_of_need[n as usize];
                out.extend(classes.iter().copied().filter(|&c| seen.first(c)));
            }
        }
    }

    /// Similarity of need signature `n` to product signature `p`.
    #[inline]
    pub fn sim(&self, n: u32, p: u32) -> f64 {
        self.sim[n as usize][p as usize]
    }

    /// The same number from the transposed table.
    #[inline]
    pub fn sim_by_product(&self, n: u32, p: u32) -> f64 {
        self.sim_by_product[p as usize][n as usize]
    }

    pub fn product_classes(&self) -> usize {
        self.product_classes.len()
    }

    pub fn need_classes(&self) -> usize {
        self.need_classes.len()
    }

    /// Distinct need and product texts.
    pub fn texts(&self) -> (usize, usize) {
        (self.needs.items.len(), self.products.items.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::score::{directed, directed_by, FirmFeatures};
    use crate::matching::synthetic;

    /// The table-driven fit equals the plain scorer bit for bit, and the bound is never
    /// below it, over every ordered pair of a synthetic forum.
    #[test]
    fn table_fit_is_exact_and_bound_is_an_upper_bound() {
        let cfg = ScoringConfig::default();
        let mut sigs = Signatures::default();
        let firms: Vec<(FirmFeatures, FirmSigs)> = synthetic::firms(250, 3)
            .iter()
            .map(|f| {
                let x = FirmFeatures::of(&f.profile);
                let s = sigs.add(&x.products, &x.needs, &x.sectors, &cfg);
                (x, s)
            })
            .collect();
        let mut tight = 0;
        for (s, ss) in &firms {
            for (b, bs) in &firms {
                let plain = directed(s, b, &cfg, None);
                let by = |bound| {
                    directed_by(
                        s,
                        b,
                        &cfg,
                        None,
                        |n, p| sigs.sim(bs.needs[n], ss.products[p]),
                        bound,
                    )
                };
                let by_t = directed_by(
                    s,
                    b,
                    &cfg,
                    None,
                    |n, p| sigs.sim_by_product(bs.needs[n], ss.products[p]),
                    false,
                );
                assert_eq!(by(false), plain);
                assert_eq!(by_t, plain);
                let bound = by(true).score;
                assert!(bound >= plain.score, "{bound} < {}", plain.score);
                for by_product in [false, true] {
                    let class = sigs.class_bound(bs.need_class, ss.product_class, &cfg, by_product);
                    assert_eq!(class.to_bits(), bound.to_bits());
                }
                tight += (bound == plain.score && plain.score > 0.3) as usize;
            }
        }
        // Met capacity and certifications make the bound exact: ties prune by id.
        assert!(tight > 100, "{tight}");
    }
}
