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

use super::config::ScoringConfig;
use super::score::{item_similarity, ItemFeatures};
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
            .entry((set, sectors.to_vec()))
            .or_insert(next);
        let next = self.need_classes.len() as u32;
        let need_class = *self
            .need_classes
            .entry((needs.clone(), sectors.to_vec()))
            .or_insert(next);
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
                tight += (bound == plain.score && plain.score > 0.3) as usize;
            }
        }
        // Met capacity and certifications make the bound exact: ties prune by id.
        assert!(tight > 100, "{tight}");
    }
}
