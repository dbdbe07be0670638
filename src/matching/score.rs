//! The scoring model: the directed fit "supplier s can supply buyer b" and the pair score
//! from both directions, each with its components and human-readable reasons.
//!
//! Scoring reads only [`FirmFeatures`], precomputed once per firm (analysed names, HS codes,
//! certification bits, IO sectors), so the hot path neither allocates nor parses text.

use super::config::ScoringConfig;
use super::sector::{SectorId, SectorTable};
use super::text::{coverage_similarity, Lexicon, Term};
use crate::domain::{Certification, FirmProfile, Rate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A product or need as the scorer sees it.
#[derive(Debug, Clone)]
pub struct ItemFeatures {
    pub terms: Vec<Term>,
    /// Terms of the HS description, when the item has a code.
    pub hs_terms: Vec<Term>,
    /// HS digits as a number and how many digits (2, 4 or 6); length 0 when absent.
    pub hs: (u32, u8),
    pub rate: Rate,
    /// Required certifications (needs only), as bits of [`cert_bit`].
    pub required: u16,
    /// One bit per term id (mod 64) of `terms`, and of `hs_terms`: two items that share no
    /// bit share no term, which rules most pairs out without a merge.
    pub mask: u64,
    pub hs_mask: u64,
}

fn term_mask(terms: &[Term]) -> u64 {
    terms.iter().fold(0, |m, t| m | 1 << (t.id % 64))
}

/// Bit of an HS chapter (01–97) in a u128, or 0 without a code.
fn chapter_bit(hs: (u32, u8)) -> u128 {
    let (code, len) = hs;
    if len < 2 {
        return 0;
    }
    1u128 << ((code / 10u32.pow((len - 2) as u32)) % 128)
}

/// Whether a product could answer a need at all (false means similarity 0).
#[inline]
fn may_answer(
    need_mask: u64,
    need_hs_mask: u64,
    need_ch: u128,
    p_mask: u64,
    p_hs_mask: u64,
    p_ch: u128,
) -> bool {
    need_mask & (p_mask | p_hs_mask) != 0 || need_hs_mask & p_mask != 0 || need_ch & p_ch != 0
}

/// What the scorer knows of a firm, derived from its profile alone.
#[derive(Debug, Clone)]
pub struct FirmFeatures {
    pub products: Vec<ItemFeatures>,
    pub needs: Vec<ItemFeatures>,
    pub certifications: u16,
    pub sectors: Vec<SectorId>,
    /// Unions of the item masks and HS chapters of each side, to skip unrelated firms.
    pub product_mask: (u64, u64, u128),
    pub need_mask: (u64, u64, u128),
}

fn side_mask(items: &[ItemFeatures]) -> (u64, u64, u128) {
    items.iter().fold((0, 0, 0), |(a, b, c), i| {
        (a | i.mask, b | i.hs_mask, c | chapter_bit(i.hs))
    })
}

pub fn cert_bit(c: Certification) -> u16 {
    1 << (Certification::ALL.iter().position(|x| *x == c).unwrap_or(0) as u16)
}

const HALAL: u16 = 1;

fn hs_key(code: Option<&str>) -> (u32, u8) {
    match code {
        Some(c) if c.len() <= 6 && c.bytes().all(|b| b.is_ascii_digit()) && !c.is_empty() => {
            (c.parse().unwrap_or(0), c.len() as u8)
        }
        _ => (0, 0),
    }
}

fn item(name: &str, hs: Option<&str>, rate: Rate, required: &[Certification]) -> ItemFeatures {
    let lex = Lexicon::shared();
    let terms = lex.analyse(name);
    let hs_terms = hs.map(|c| lex.hs_terms(c).to_vec()).unwrap_or_default();
    ItemFeatures {
        mask: term_mask(&terms),
        hs_mask: term_mask(&hs_terms),
        terms,
        hs_terms,
        hs: hs_key(hs),
        rate,
        required: required.iter().fold(0, |m, c| m | cert_bit(*c)),
    }
}

impl FirmFeatures {
    pub fn of(profile: &FirmProfile) -> FirmFeatures {
        let table = SectorTable::shared();
        let mut sectors: Vec<SectorId> = profile
            .kbli
            .iter()
            .filter_map(|k| table.sector_of_kbli(k))
            .collect();
        sectors.sort_unstable();
        sectors.dedup();
        let products: Vec<ItemFeatures> = profile
            .products
            .iter()
            .map(|p| item(&p.name, p.hs_code.as_deref(), p.capacity, &[]))
            .collect();
        let needs: Vec<ItemFeatures> = profile
            .needs
            .iter()
            .map(|n| {
                item(
                    &n.name,
                    n.hs_code.as_deref(),
                    n.volume,
                    &n.required_certifications,
                )
            })
            .collect();
        FirmFeatures {
            product_mask: side_mask(&products),
            need_mask: side_mask(&needs),
            products,
            needs,
            certifications: profile
                .certifications
                .iter()
                .fold(0, |m, c| m | cert_bit(*c)),
            sectors,
        }
    }
}

/// The parts a directed fit is made of, each in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41}))]
pub struct Components {
    /// How well the supplier's products answer the buyer's needs (HS codes or names).
    pub supply: f64,
    /// Capacity against volume over the answered needs; neutral when incomparable.
    pub capacity: f64,
    /// Share of required certifications held over the answered needs.
    pub certification: f64,
    /// How much the buyer's sector buys from the supplier's (IO table).
    pub sector: f64,
}

/// The fit of one direction: `score` and its components.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"score": 0.83, "components": {"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41}}))]
pub struct DirectedScore {
    pub score: f64,
    pub components: Components,
}

/// The score of a pair of firms a and b: both directed fits, combined, with reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "score": 0.87,
    "a_supplies_b": {"score": 0.83, "components": {"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41}},
    "b_supplies_a": {"score": 0.12, "components": {"supply": 0.0, "capacity": 0.5, "certification": 1.0, "sector": 0.6}},
    "reasons": ["CV Kopi Sembalun makes 'Kopi arabika sangrai' 300 kg/month; Kafe Nusantara needs 'roasted arabica coffee' 200 kg/month"]
}))]
pub struct PairScore {
    pub score: f64,
    pub a_supplies_b: DirectedScore,
    pub b_supplies_a: DirectedScore,
    pub reasons: Vec<String>,
}

/// How one need of the buyer was answered, for explanations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NeedAnswer {
    pub need: usize,
    pub product: Option<usize>,
    pub similarity: f64,
    pub capacity: Option<f64>,
    pub certification: f64,
    pub halal_missing: bool,
    pub fit: f64,
}

/// Clamps into [0, 1], mapping NaN to 0: no score ever leaves the unit interval.
pub fn unit(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

fn hs_similarity(a: (u32, u8), b: (u32, u8), cfg: &ScoringConfig) -> Option<f64> {
    if a.1 == 0 || b.1 == 0 {
        return None;
    }
    let digits = |(code, len): (u32, u8), n: u8| -> Option<u32> {
        (len >= n).then(|| code / 10u32.pow((len - n) as u32))
    };
    let level = [
        (6, cfg.hs.subheading6),
        (4, cfg.hs.heading4),
        (2, cfg.hs.chapter2),
    ]
    .into_iter()
    .find(|&(n, _)| matches!((digits(a, n), digits(b, n)), (Some(x), Some(y)) if x == y));
    Some(level.map_or(0.0, |(_, s)| s))
}

/// Similarity of a product to a need: HS codes when both have one, else the names.
pub fn item_similarity(need: &ItemFeatures, product: &ItemFeatures, cfg: &ScoringConfig) -> f64 {
    let (nc, pc) = (chapter_bit(need.hs), chapter_bit(product.hs));
    if !may_answer(
        need.mask,
        need.hs_mask,
        nc,
        product.mask,
        product.hs_mask,
        pc,
    ) {
        return 0.0;
    }
    let f = cfg.hs_description_factor as f32;
    let by_name = coverage_similarity(&need.terms, &product.terms, &product.hs_terms, f)
        .max(coverage_similarity(&need.hs_terms, &product.terms, &[], 1.0) * f)
        as f64;
    match hs_similarity(need.hs, product.hs, cfg) {
        Some(hs) => unit(hs.max(by_name * cfg.name_when_hs_differs)),
        None => unit(by_name),
    }
}

/// Capacity fit: 1 when capacity covers the volume, falling with the log of the shortfall;
/// `None` when the units measure different things.
pub fn capacity_fit(capacity: &Rate, volume: &Rate, cfg: &ScoringConfig) -> Option<f64> {
    let ratio = capacity.ratio_to(volume)?;
    if !ratio.is_finite() || ratio <= 0.0 {
        return Some(0.0);
    }
    Some(unit(
        1.0 + ratio.log10().min(0.0) / cfg.capacity_zero_decades,
    ))
}

pub fn sector_fit(supplier: &[SectorId], buyer: &[SectorId], cfg: &ScoringConfig) -> f64 {
    let table = SectorTable::shared();
    let mut best = 0.0f32;
    for &i in supplier {
        for &j in buyer {
            best = best.max(table.coefficient(i, j));
        }
    }
    unit((best as f64 / cfg.sector_saturation).sqrt())
}

/// The directed fit "s can supply b". When `answers` is given, records how each need of b
/// was answered; without it the function does not allocate.
pub fn directed(
    s: &FirmFeatures,
    b: &FirmFeatures,
    cfg: &ScoringConfig,
    answers: Option<&mut Vec<NeedAnswer>>,
) -> DirectedScore {
    directed_by(
        s,
        b,
        cfg,
        answers,
        |ni, pi| item_similarity(&b.needs[ni], &s.products[pi], cfg),
        false,
    )
}

/// The directed fit with item similarities from `sim(need index, product index)` (which must
/// equal [`item_similarity`], e.g. read from a table). With `bound`, capacity counts as fully
/// met and certification as held: the result is then an upper bound of the fit that depends
/// only on the items' texts and the sectors, computed by the same operations in the same
/// order, so it equals the fit exactly when capacity and certifications are met.
#[inline]
pub fn directed_by(
    s: &FirmFeatures,
    b: &FirmFeatures,
    cfg: &ScoringConfig,
    mut answers: Option<&mut Vec<NeedAnswer>>,
    sim: impl Fn(usize, usize) -> f64,
    bound: bool,
) -> DirectedScore {
    let w = &cfg.weights;
    let item_weights = w.supply + w.capacity + w.certification;
    let total_weights = item_weights + w.sector;
    let (mut best_fit, mut sum_fit) = (0.0f64, 0.0f64);
    let (mut best_sim, mut sum_sim) = (0.0f64, 0.0f64);
    let (mut cap_num, mut cert_num, mut answered_weight) = (0.0f64, 0.0f64, 0.0f64);
    let (bn, bh, bc) = b.need_mask;
    let (sp, sh, sc) = s.product_mask;
    // Nothing of s can answer anything of b: every need stays unanswered (same result as
    // the loop below), only explanations need the per-need records.
    let related = may_answer(bn, bh, bc, sp, sh, sc);
    let needs: &[ItemFeatures] = if related || answers.is_some() {
        &b.needs
    } else {
        &[]
    };
    for (ni, need) in needs.iter().enumerate() {
        let mut best: Option<(usize, f64)> = None;
        for pi in 0..s.products.len() {
            let sim = sim(ni, pi);
            if sim >= cfg.min_item_similarity && best.is_none_or(|(_, x)| sim > x) {
                best = Some((pi, sim));
            }
        }
        let missing = if bound {
            0
        } else {
            need.required & !s.certifications
        };
        let halal_missing = missing & HALAL != 0;
        let certification = if need.required == 0 {
            1.0
        } else {
            1.0 - missing.count_ones() as f64 / need.required.count_ones() as f64
        };
        let (capacity, similarity, fit) = match best {
            Some((pi, sim)) => {
                let cap = if bound {
                    Some(1.0)
                } else {
                    capacity_fit(&s.products[pi].rate, &need.rate, cfg)
                };
                let cap_value = cap.unwrap_or(cfg.capacity_neutral);
                let quality = if item_weights > 0.0 {
                    (w.supply + w.capacity * cap_value + w.certification * certification)
                        / item_weights
                } else {
                    0.0
                };
                // Halal covers the whole chain: a supplier without it cannot answer the need.
                let fit = if halal_missing { 0.0 } else { sim * quality };
                cap_num += sim * cap_value;
                cert_num += sim * certification;
                answered_weight += sim;
                (cap, sim, fit)
            }
            None => (None, 0.0, 0.0),
        };
        let similarity = if halal_missing { 0.0 } else { similarity };
        best_fit = best_fit.max(fit);
        sum_fit += fit;
        best_sim = best_sim.max(similarity);
        sum_sim += similarity;
        if let Some(out) = answers.as_deref_mut() {
            out.push(NeedAnswer {
                need: ni,
                product: best.map(|(p, _)| p),
                similarity: best.map_or(0.0, |(_, s)| s),
                capacity,
                certification,
                halal_missing,
                fit,
            });
        }
    }
    let n = b.needs.len().max(1) as f64;
    let share = cfg.best_need_share;
    let need_score = share * best_fit + (1.0 - share) * sum_fit / n;
    let supply = share * best_sim + (1.0 - share) * sum_sim / n;
    let (capacity, certification) = if answered_weight > 0.0 {
        (cap_num / answered_weight, cert_num / answered_weight)
    } else {
        (cfg.capacity_neutral, 1.0)
    };
    let sector = sector_fit(&s.sectors, &b.sectors, cfg);
    let score = if total_weights > 0.0 {
        (item_weights * need_score + w.sector * sector) / total_weights
    } else {
        0.0
    };
    DirectedScore {
        score: unit(score),
        components: Components {
            supply: unit(supply),
            capacity: unit(capacity),
            certification: unit(certification),
            sector,
        },
    }
}

/// Both directions combined: the stronger direction, raised by the weaker one.
pub fn combine(ab: f64, ba: f64, cfg: &ScoringConfig) -> f64 {
    let (hi, lo) = if ab >= ba { (ab, ba) } else { (ba, ab) };
    unit(hi + cfg.two_way_bonus * lo * (1.0 - hi))
}

/// The full pair score of a and b with reasons; profiles are analysed here, so for ranking
/// many pairs use a `Matcher`, which analyses each firm once.
pub fn score_profiles(a: &FirmProfile, b: &FirmProfile, cfg: &ScoringConfig) -> PairScore {
    explain_pair(a, &FirmFeatures::of(a), b, &FirmFeatures::of(b), cfg)
}

/// Appends the reasons of the other direction, leaving out the ones already given (a
/// same-sector pair states the same sector link both ways).
pub fn add_reasons(reasons: &mut Vec<String>, more: Vec<String>) {
    for reason in more {
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
}

pub fn explain_pair(
    a: &FirmProfile,
    fa: &FirmFeatures,
    b: &FirmProfile,
    fb: &FirmFeatures,
    cfg: &ScoringConfig,
) -> PairScore {
    let (ab, mut reasons) = explain_directed(a, fa, b, fb, cfg);
    let (ba, back) = explain_directed(b, fb, a, fa, cfg);
    add_reasons(&mut reasons, back);
    PairScore {
        score: combine(ab.score, ba.score, cfg),
        a_supplies_b: ab,
        b_supplies_a: ba,
        reasons,
    }
}

/// The language reasons are written in: English (the API's default) or Bahasa Indonesia.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Id,
}

impl Lang {
    /// A number with one decimal at most, with the language's decimal mark (5.1 / 5,1).
    fn decimal(self, x: f64) -> String {
        let text = crate::domain::quantity::format_amount((x * 10.0).round() / 10.0);
        match self {
            Lang::En => text,
            Lang::Id => text.replace('.', ","),
        }
    }

    /// A rate as a person reads it: 300 kg/month, 300 kg/bulan.
    fn rate(self, r: &Rate) -> String {
        match self {
            Lang::En => r.to_string(),
            Lang::Id => {
                let per = match r.per() {
                    crate::domain::Period::Day => "hari",
                    crate::domain::Period::Week => "minggu",
                    crate::domain::Period::Month => "bulan",
                    crate::domain::Period::Year => "tahun",
                };
                let amount = crate::domain::quantity::format_amount(r.amount()).replace('.', ",");
                format!("{amount} {}/{per}", r.unit())
            }
        }
    }
}

/// The directed fit supplier → buyer with its reasons (in English).
pub fn explain_directed(
    supplier: &FirmProfile,
    fs: &FirmFeatures,
    buyer: &FirmProfile,
    fb: &FirmFeatures,
    cfg: &ScoringConfig,
) -> (DirectedScore, Vec<String>) {
    explain_directed_in(supplier, fs, buyer, fb, cfg, Lang::En)
}

/// The directed fit supplier → buyer with its reasons in `lang`.
pub fn explain_directed_in(
    supplier: &FirmProfile,
    fs: &FirmFeatures,
    buyer: &FirmProfile,
    fb: &FirmFeatures,
    cfg: &ScoringConfig,
    lang: Lang,
) -> (DirectedScore, Vec<String>) {
    let mut answers = Vec::new();
    let fit = directed(fs, fb, cfg, Some(&mut answers));
    let reasons = reasons_for(supplier, buyer, fs, fb, &answers, &fit, lang);
    (fit, reasons)
}

/// Reasons of the direction supplier → buyer, strongest answered need first.
pub fn reasons_for(
    supplier: &FirmProfile,
    buyer: &FirmProfile,
    fs: &FirmFeatures,
    fb: &FirmFeatures,
    answers: &[NeedAnswer],
    fit: &DirectedScore,
    lang: Lang,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut ordered: Vec<&NeedAnswer> = answers.iter().filter(|a| a.product.is_some()).collect();
    ordered.sort_by(|x, y| y.fit.total_cmp(&x.fit).then(x.need.cmp(&y.need)));
    let (s, b) = (&supplier.name, &buyer.name);
    for a in ordered.iter().take(3) {
        let (Some(pi), need) = (a.product, &buyer.needs[a.need]) else {
            continue;
        };
        let product = &supplier.products[pi];
        let (p, n) = (&product.name, &need.name);
        let (cap, vol) = (lang.rate(&product.capacity), lang.rate(&need.volume));
        let mut line = match lang {
            Lang::En => format!("{s} makes '{p}' {cap}; {b} needs '{n}' {vol}"),
            Lang::Id => format!("{s} membuat '{p}' {cap}; {b} membutuhkan '{n}' {vol}"),
        };
        if let (Some(p), Some(n)) = (&product.hs_code, &need.hs_code) {
            line.push_str(&format!(" (HS {p} / {n})"));
        }
        out.push(line);
        if a.halal_missing {
            out.push(match lang {
                Lang::En => format!("'{n}' needs halal: {s} is not halal-certified"),
                Lang::Id => format!("'{n}' mensyaratkan halal: {s} belum bersertifikat halal"),
            });
        } else if a.certification < 1.0 {
            let missing: Vec<&str> = need
                .required_certifications
                .iter()
                .filter(|c| !supplier.certifications.contains(c))
                .map(|c| c.as_str())
                .collect();
            let missing = missing.join(", ");
            out.push(match lang {
                Lang::En => format!("'{n}' requires {missing}: {s} lacks it"),
                Lang::Id => format!("'{n}' mensyaratkan {missing}: {s} belum memilikinya"),
            });
        }
        match a.capacity {
            Some(c) if c < 1.0 => {
                let share = lang.decimal(
                    (100.0 * product.capacity.ratio_to(&need.volume).unwrap_or(0.0)).round(),
                );
                out.push(match lang {
                    Lang::En => format!(
                        "{s}'s capacity for '{p}' covers about {share}% of the {vol} needed"
                    ),
                    Lang::Id => format!(
                        "kapasitas {s} untuk '{p}' memenuhi sekitar {share}% dari {vol} yang dibutuhkan"
                    ),
                });
            }
            None => out.push(match lang {
                Lang::En => {
                    format!("capacity {cap} and volume {vol} are in different units: not compared")
                }
                Lang::Id => format!(
                    "kapasitas {cap} dan volume {vol} berbeda jenis satuan: tidak dibandingkan"
                ),
            }),
            _ => {}
        }
    }
    if fit.components.sector >= 0.3 {
        let table = SectorTable::shared();
        let best = fs
            .sectors
            .iter()
            .flat_map(|&i| fb.sectors.iter().map(move |&j| (i, j)))
            .max_by(|x, y| {
                table
                    .coefficient(x.0, x.1)
                    .total_cmp(&table.coefficient(y.0, y.1))
                    .then(y.cmp(x))
            });
        if let Some((i, j)) = best {
            let (buying, selling) = (table.name(j), table.name(i));
            let share = lang.decimal(100.0 * f64::from(table.coefficient(i, j)));
            out.push(match lang {
                Lang::En => format!(
                    "sector link: '{buying}' buys {share}% of its inputs from '{selling}' (IO Jatim 2015)"
                ),
                Lang::Id => format!(
                    "keterkaitan sektor: '{buying}' membeli {share}% inputnya dari '{selling}' (Tabel IO Jatim 2015)"
                ),
            });
        }
    }
    out
}

/// Both directed fits of a ranked pair (the partner supplying `me`, and buying from `me`)
/// with the reasons that fit the asked direction, in `lang`.
pub fn explain_match(
    me: &FirmProfile,
    fm: &FirmFeatures,
    partner: &FirmProfile,
    fp: &FirmFeatures,
    direction: super::Direction,
    cfg: &ScoringConfig,
    lang: Lang,
) -> (DirectedScore, DirectedScore, Vec<String>) {
    let (supplies, supplying) = explain_directed_in(partner, fp, me, fm, cfg, lang);
    let (buys, buying) = explain_directed_in(me, fm, partner, fp, cfg, lang);
    let reasons = match direction {
        super::Direction::Supplies => supplying,
        super::Direction::Buys => buying,
        // The stronger direction's reasons first: they are why the pair ranks where it does.
        super::Direction::Both => {
            let (mut first, then) = if buys.score > supplies.score {
                (buying, supplying)
            } else {
                (supplying, buying)
            };
            add_reasons(&mut first, then);
            first
        }
    };
    (supplies, buys, reasons)
}
