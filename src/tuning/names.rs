//! The `names-only` baseline: what an analyst's fifty-line script would do with the names
//! of products and needs alone — no HS codes, no glossary, no typo correction, nothing of
//! the matcher's reading — so that the evaluation compares the matcher with an
//! independent peer rather than with a crippled configuration of itself.
//!
//! Every product name and every need name of every firm (an *item*) becomes a character
//! n-gram TF-IDF vector. The name is lower-cased, accents folded (NFD, combining marks
//! dropped), runs of white space made single and a space put at both ends ("Kopi  Bubuk"
//! → " kopi bubuk "); its 2-, 3- and 4-grams are counted (raw term frequency) and weighted
//! by the smoothed inverse document frequency `ln((1 + N) / (1 + df)) + 1`, with N and the
//! document frequencies counted over all items, products and needs together; the vector is
//! then L2-normalised, so that the dot product of two items is their cosine.
//!
//! For speed, n-grams found in more than 5 % of the items (and in more than
//! [`MIN_PRUNED_DF`] items, so small sets keep every n-gram) are left out of the vectors
//! before they are normalised, as a `max_df` cut-off would. They carry the least IDF weight
//! (at most ln 20 + 1 ≈ 4, against up to ≈ 11 for a rare n-gram at 60 000 items) but
//! would make the longest postings of the index: mostly letter pairs and word edges
//! ("an", " k", "ng "), and also the grams of words most names share ("kopi", "kemasan",
//! "plastik"), which then match through their other n-grams. On the 20 000-firm `hard`
//! benchmark this leaves out 249 of 41 211 n-grams, no name loses all of them, the
//! ranking runs about 5× faster, and NDCG@10 is 0.01–0.02 lower than without the cut-off.
//!
//! Scores, seen from a query firm q:
//! - partner p supplies q: the best, over q's needs n and p's products x, of
//!   `cos(n, x) × capacity factor`, where the capacity factor is
//!   [`capacity_fit`]`(x's capacity, n's volume)` under the default scoring config, or 0.5
//!   when the two rates do not compare (pieces against kilograms). A need whose required
//!   certifications p does not all hold is skipped: certification requirements filter;
//! - partner p buys from q: the same with the roles swapped (p's needs, q's products, q's
//!   certifications);
//! - the ranking score is the higher of both directions. Partners of both provinces are
//!   ranked; those scoring 0 (no shared n-gram) are left out, as the matcher leaves out
//!   partners without product evidence. Ties go to the firm listed first.
//!
//! Speed: items with the same normalised name share one vector, and an inverted index maps
//! each n-gram to the distinct product names (and, separately, need names) holding it with
//! their weights. For each item of the query its dot products with the names of the other
//! role are accumulated over the postings of its n-grams, then spread to those names'
//! items. Queries run in parallel, each thread with its own dense accumulators.

use crate::domain::{Firm, Rate};
use crate::matching::score::capacity_fit;
use crate::matching::ScoringConfig;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// Shortest and longest n-gram, in characters.
const N_MIN: usize = 2;
const N_MAX: usize = 4;
/// N-grams in more than this share of items are left out of the vectors…
const MAX_DF_SHARE: f64 = 0.05;
/// …when they are also in more than this many items.
pub const MIN_PRUNED_DF: usize = 100;
/// Capacity factor when capacity and volume are in different dimensions.
const INCOMPARABLE_CAPACITY: f64 = 0.5;

/// An n-gram: up to [`N_MAX`] characters, the unused ones `'\0'`.
type Gram = [char; N_MAX];

/// The name of a product or need as the script reads it: lower case, accents folded,
/// single spaces, a space at both ends.
fn normalise(name: &str) -> String {
    let folded: String = name
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let mut out = String::with_capacity(folded.len() + 2);
    out.push(' ');
    for word in folded.split_whitespace() {
        out.push_str(word);
        out.push(' ');
    }
    out
}

/// The 2-, 3- and 4-grams of a normalised name with their counts, in first-seen order.
fn grams(normalised: &str) -> Vec<(Gram, u32)> {
    let chars: Vec<char> = normalised.chars().collect();
    let mut counts: Vec<(Gram, u32)> = Vec::new();
    let mut at: HashMap<Gram, usize> = HashMap::new();
    for n in N_MIN..=N_MAX {
        for window in chars.windows(n) {
            let mut g = ['\0'; N_MAX];
            g[..n].copy_from_slice(window);
            match at.get(&g) {
                Some(&i) => counts[i].1 += 1,
                None => {
                    at.insert(g, counts.len());
                    counts.push((g, 1));
                }
            }
        }
    }
    counts
}

fn cert_mask(certs: &[crate::domain::Certification]) -> u16 {
    certs.iter().fold(0, |m, &c| m | (1 << (c as u16)))
}

struct ProductItem {
    firm: u32,
    capacity: Rate,
}

struct NeedItem {
    firm: u32,
    volume: Rate,
    /// Required certifications, one bit each.
    required: u16,
}

/// Compressed rows: row `i` is `values[starts[i]..starts[i + 1]]`.
struct Rows<T> {
    starts: Vec<u32>,
    values: Vec<T>,
}

impl<T> Rows<T> {
    fn from_lists(lists: Vec<Vec<T>>) -> Rows<T> {
        let mut starts = Vec::with_capacity(lists.len() + 1);
        starts.push(0);
        let mut values = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        for list in lists {
            values.extend(list);
            starts.push(values.len() as u32);
        }
        Rows { starts, values }
    }

    fn row(&self, i: usize) -> &[T] {
        &self.values[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

/// The TF-IDF vectors and their inverted index, built once for a set of firms.
pub struct NamesBaseline {
    firms: usize,
    /// Certifications held by each firm, one bit each.
    held: Vec<u16>,
    /// Per firm, its product items and its need items (indexes into the item tables).
    firm_products: Rows<u32>,
    firm_needs: Rows<u32>,
    products: Vec<ProductItem>,
    needs: Vec<NeedItem>,
    /// Distinct name of each product item and need item.
    product_name: Vec<u32>,
    need_name: Vec<u32>,
    /// Per distinct name, its vector: (n-gram id, weight), L2-normalised.
    vectors: Rows<(u32, f32)>,
    /// Per distinct name, the product items and the need items that carry it.
    name_products: Rows<u32>,
    name_needs: Rows<u32>,
    /// Per n-gram id, the distinct names used by products (resp. needs) holding it.
    product_postings: Rows<(u32, f32)>,
    need_postings: Rows<(u32, f32)>,
    capacity_config: ScoringConfig,
}

/// Per-thread accumulators, as long as the name and firm tables and reset after each use.
struct Scratch {
    dot: Vec<f32>,
    touched_names: Vec<u32>,
    best: Vec<f64>,
    touched_firms: Vec<u32>,
}

impl NamesBaseline {
    pub fn build(firms: &[Arc<Firm>]) -> NamesBaseline {
        let mut name_ids: HashMap<String, u32> = HashMap::new();
        let mut names: Vec<String> = Vec::new();
        let mut name_of = |name: &str| -> u32 {
            let key = normalise(name);
            if let Some(&id) = name_ids.get(&key) {
                return id;
            }
            let id = names.len() as u32;
            names.push(key.clone());
            name_ids.insert(key, id);
            id
        };
        let (mut products, mut needs) = (Vec::new(), Vec::new());
        let (mut product_name, mut need_name) = (Vec::new(), Vec::new());
        let (mut firm_products, mut firm_needs) = (Vec::new(), Vec::new());
        for (f, firm) in firms.iter().enumerate() {
            let p = &firm.profile;
            let mut mine = Vec::with_capacity(p.products().len());
            for x in p.products() {
                mine.push(products.len() as u32);
                product_name.push(name_of(x.name()));
                products.push(ProductItem {
                    firm: f as u32,
                    capacity: x.capacity(),
                });
            }
            firm_products.push(mine);
            let mut mine = Vec::with_capacity(p.needs().len());
            for n in p.needs() {
                mine.push(needs.len() as u32);
                need_name.push(name_of(n.name()));
                needs.push(NeedItem {
                    firm: f as u32,
                    volume: n.volume(),
                    required: cert_mask(n.required_certifications()),
                });
            }
            firm_needs.push(mine);
        }

        // Items per distinct name: the document frequency of a name's n-grams counts each.
        let mut name_products = vec![Vec::new(); names.len()];
        for (i, &nm) in product_name.iter().enumerate() {
            name_products[nm as usize].push(i as u32);
        }
        let mut name_needs = vec![Vec::new(); names.len()];
        for (i, &nm) in need_name.iter().enumerate() {
            name_needs[nm as usize].push(i as u32);
        }
        let name_grams: Vec<Vec<(Gram, u32)>> = names.par_iter().map(|n| grams(n)).collect();
        let mut gram_ids: HashMap<Gram, u32> = HashMap::new();
        let mut df: Vec<usize> = Vec::new();
        let coded: Vec<Vec<(u32, u32)>> = name_grams
            .iter()
            .enumerate()
            .map(|(nm, gs)| {
                let items = name_products[nm].len() + name_needs[nm].len();
                gs.iter()
                    .map(|&(g, tf)| {
                        let id = *gram_ids.entry(g).or_insert_with(|| {
                            df.push(0);
                            df.len() as u32 - 1
                        });
                        df[id as usize] += items;
                        (id, tf)
                    })
                    .collect()
            })
            .collect();
        let n_items = products.len() + needs.len();
        let max_df = ((n_items as f64 * MAX_DF_SHARE) as usize).max(MIN_PRUNED_DF);
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| (((1 + n_items) as f64 / (1 + d) as f64).ln() + 1.0) as f32)
            .collect();
        let vectors: Vec<Vec<(u32, f32)>> = coded
            .into_iter()
            .map(|gs| {
                let mut v: Vec<(u32, f32)> = gs
                    .into_iter()
                    .filter(|&(g, _)| df[g as usize] <= max_df)
                    .map(|(g, tf)| (g, tf as f32 * idf[g as usize]))
                    .collect();
                let norm = v.iter().map(|&(_, w)| w * w).sum::<f32>().sqrt();
                if norm > 0.0 {
                    v.iter_mut().for_each(|(_, w)| *w /= norm);
                }
                v
            })
            .collect();

        let postings = |used: &[Vec<u32>]| {
            let mut lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); df.len()];
            for (nm, v) in vectors.iter().enumerate() {
                if !used[nm].is_empty() {
                    for &(g, w) in v {
                        lists[g as usize].push((nm as u32, w));
                    }
                }
            }
            Rows::from_lists(lists)
        };
        let product_postings = postings(&name_products);
        let need_postings = postings(&name_needs);
        NamesBaseline {
            firms: firms.len(),
            held: firms
                .iter()
                .map(|f| cert_mask(f.profile.certifications()))
                .collect(),
            firm_products: Rows::from_lists(firm_products),
            firm_needs: Rows::from_lists(firm_needs),
            products,
            needs,
            product_name,
            need_name,
            vectors: Rows::from_lists(vectors),
            name_products: Rows::from_lists(name_products),
            name_needs: Rows::from_lists(name_needs),
            product_postings,
            need_postings,
            capacity_config: ScoringConfig::default(),
        }
    }

    fn capacity_factor(&self, capacity: &Rate, volume: &Rate) -> f64 {
        capacity_fit(capacity, volume, &self.capacity_config).unwrap_or(INCOMPARABLE_CAPACITY)
    }

    /// Accumulates the dot products of distinct name `name` with the names of `postings`.
    fn accumulate(&self, name: u32, postings: &Rows<(u32, f32)>, s: &mut Scratch) {
        for &(g, w) in self.vectors.row(name as usize) {
            for &(other, v) in postings.row(g as usize) {
                let d = &mut s.dot[other as usize];
                if *d == 0.0 {
                    s.touched_names.push(other);
                }
                *d += w * v;
            }
        }
    }

    fn offer(s: &mut Scratch, firm: u32, score: f64) {
        let b = &mut s.best[firm as usize];
        if score > *b {
            if *b == 0.0 {
                s.touched_firms.push(firm);
            }
            *b = score;
        }
    }

    /// The top `depth` partners of firm `q` (an index into the firms it was built from),
    /// best first, ties to the lower index; partners scoring 0 left out.
    fn rank_one(&self, q: usize, depth: usize, s: &mut Scratch) -> Vec<usize> {
        // Partners supplying q: q's needs against their products.
        for &ni in self.firm_needs.row(q) {
            let need = &self.needs[ni as usize];
            self.accumulate(self.need_name[ni as usize], &self.product_postings, s);
            for t in 0..s.touched_names.len() {
                let nm = s.touched_names[t] as usize;
                let cos = f64::from(std::mem::take(&mut s.dot[nm]));
                for &pi in self.name_products.row(nm) {
                    let product = &self.products[pi as usize];
                    let f = product.firm;
                    if f as usize == q
                        || need.required & !self.held[f as usize] != 0
                        || cos <= s.best[f as usize]
                    {
                        continue;
                    }
                    let score = cos * self.capacity_factor(&product.capacity, &need.volume);
                    Self::offer(s, f, score);
                }
            }
            s.touched_names.clear();
        }
        // Partners buying from q: q's products against their needs.
        let held = self.held[q];
        for &pi in self.firm_products.row(q) {
            let product = &self.products[pi as usize];
            self.accumulate(self.product_name[pi as usize], &self.need_postings, s);
            for t in 0..s.touched_names.len() {
                let nm = s.touched_names[t] as usize;
                let cos = f64::from(std::mem::take(&mut s.dot[nm]));
                for &ni in self.name_needs.row(nm) {
                    let need = &self.needs[ni as usize];
                    let f = need.firm;
                    if f as usize == q || need.required & !held != 0 || cos <= s.best[f as usize] {
                        continue;
                    }
                    let score = cos * self.capacity_factor(&product.capacity, &need.volume);
                    Self::offer(s, f, score);
                }
            }
            s.touched_names.clear();
        }
        let mut found: Vec<(f64, u32)> = s
            .touched_firms
            .drain(..)
            .map(|f| (std::mem::take(&mut s.best[f as usize]), f))
            .filter(|&(score, _)| score > 0.0)
            .collect();
        let order = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if found.len() > depth && depth > 0 {
            found.select_nth_unstable_by(depth - 1, order);
        }
        found.truncate(depth);
        found.sort_unstable_by(order);
        found.into_iter().map(|(_, f)| f as usize).collect()
    }

    /// The top `depth` partners of each query firm (indexes into the firms it was built
    /// from), in parallel.
    pub fn rank(&self, queries: &[usize], depth: usize) -> Vec<Vec<usize>> {
        let names = self.vectors.starts.len() - 1;
        queries
            .par_iter()
            .map_init(
                || Scratch {
                    dot: vec![0.0; names],
                    touched_names: Vec::new(),
                    best: vec![0.0; self.firms],
                    touched_firms: Vec::new(),
                },
                |s, &q| self.rank_one(q, depth, s),
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FirmInput;
    use crate::tuning::evaluate::tests::firms_of;
    use serde_json::json;

    fn firm(id: &str, certs: &[&str], products: &[&str], needs: &[(&str, &[&str])]) -> FirmInput {
        serde_json::from_value(json!({
            "id": id,
            "name": format!("UD {id}"),
            "province": "NTB",
            "regency": "52.01",
            "kbli": ["10761"],
            "size": "small",
            "employees": 10,
            "certifications": certs,
            "products": products.iter().map(|p| json!({
                "name": p,
                "capacity": {"amount": 500, "unit": "kg", "per": "month"}
            })).collect::<Vec<_>>(),
            "needs": needs.iter().map(|(n, required)| json!({
                "name": n,
                "volume": {"amount": 100, "unit": "kg", "per": "month"},
                "required_certifications": required
            })).collect::<Vec<_>>(),
        }))
        .expect("firm input")
    }

    #[test]
    fn normalises_case_accents_and_spaces() {
        assert_eq!(
            normalise("  Kopi\tBUBUK  Arabika Café "),
            " kopi bubuk arabika cafe "
        );
        let g = grams(" aa ");
        // " a", "aa", "a " and the 3- and 4-grams, each once.
        assert_eq!(g.len(), 3 + 2 + 1);
        assert!(g.iter().all(|&(_, n)| n == 1));
        assert_eq!(
            grams(" aaa ")
                .iter()
                .find(|(g, _)| g[..3] == ['a', 'a', '\0'])
                .map(|x| x.1),
            Some(2)
        );
    }

    #[test]
    fn shared_words_rank_first_and_certifications_filter() {
        let firms = firms_of(&[
            // 0: buys roasted arabica, halal required.
            firm(
                "roastery",
                &[],
                &["Bubuk kopi robusta"],
                &[("kopi arabika sangrai", &["halal"])],
            ),
            // 1: makes it, halal.
            firm("sumber-kopi", &["halal"], &["Kopi  Arábika Sangrai"], &[]),
            // 2: makes something else, halal.
            firm("tenun", &["halal"], &["kain tenun songket"], &[]),
            // 3: makes it too, without halal.
            firm("kopi-tanpa-halal", &[], &["kopi arabika sangrai"], &[]),
            // 4: needs ground coffee, no certification.
            firm("warung", &[], &[], &[("kopi bubuk robusta", &[])]),
        ]);
        let baseline = NamesBaseline::build(&firms);
        let ranked = baseline.rank(&[0, 1, 2, 3, 4], 10);
        let roastery = &ranked[0];
        assert_eq!(roastery.first(), Some(&1), "{ranked:?}");
        // The name with none of the words ranks below, if at all.
        if let Some(tenun) = roastery.iter().position(|&p| p == 2) {
            assert!(tenun > 0);
        }
        // The firm without halal does not supply the halal need, and has no other link.
        assert!(!roastery.contains(&3), "{ranked:?}");
        assert!(!ranked[3].contains(&0), "{ranked:?}");
        // The other direction: the roastery supplies the warung, and the supplier's list
        // holds the roastery as a buyer.
        assert_eq!(ranked[4].first(), Some(&0), "{ranked:?}");
        assert_eq!(ranked[1].first(), Some(&0), "{ranked:?}");
        // No firm is its own partner.
        for (q, r) in ranked.iter().enumerate() {
            assert!(!r.contains(&q));
        }
    }
}
